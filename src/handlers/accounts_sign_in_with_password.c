/*
 * accounts.signInWithPassword: the first factor. A user with second
 * factors gets an mfaPendingCredential and mfaInfo[] instead of tokens.
 * POST /v1/accounts:signInWithPassword
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "password.h"
#include "reply.h"
#include "reqparse.h"

/* Inside the transaction: 1 when the password matches, 0 not, -1 error. */
static int
password_ok(struct store *st, const struct store_user *u, const char *pw)
{
	uint8_t salt[64], hash[64];
	size_t saltlen = sizeof(salt), hashlen = sizeof(hash);
	int r = store_user_password(st, u->id, salt, &saltlen, hash, &hashlen);

	if (r == STORE_NOT_FOUND)
		return 0;
	if (r != STORE_OK)
		return -1;
	r = password_verify(pw, salt, saltlen, hash, hashlen);
	OPENSSL_cleanse(hash, sizeof(hash));
	return r;
}

static void
fail(struct request *req, enum err_code code, const char *detail)
{
	store_rollback(req->emu->store);
	reply_error(req, code, detail ? "%s" : NULL, detail);
}

void
accounts_sign_in_with_password(struct request *req)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	const char *email = NULL, *password = NULL, *tenant = NULL;
	struct reqparse_field f[] = {
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct account_session sess = { .sign_in_provider = "password" };
	struct account_tokens tok;
	struct store_credential cred;
	struct store_user u;
	struct json_object *body, *info = NULL;
	int64_t now;
	int r, factors;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(email) || !account_valid_email(email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return;
	}
	if (reqparse_empty(password)) {
		reply_error(req, ERR_MISSING_PASSWORD, NULL);
		return;
	}
	if (reqparse_empty(tenant))
		tenant = "";
	if (txn_begin_or_reply(req) != 0)
		return;
	now = clock_now_ms(&emu->clock);
	r = strlen(tenant) > STORE_ID_MAX ? STORE_NOT_FOUND :
	    store_user_find_email(st, emu->cfg.project, tenant, email, &u);
	if (r == STORE_OK) {
		/* -1, a store failure, must not read as "matches". */
		int ok = password_ok(st, &u, password);

		r = ok < 0 ? STORE_ERROR : ok ? STORE_OK : STORE_NOT_FOUND;
	}
	if (r == STORE_NOT_FOUND) {
		/* Google no longer says which of the two was wrong. */
		fail(req, ERR_INVALID_LOGIN_CREDENTIALS, NULL);
		return;
	}
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (u.disabled) {
		fail(req, ERR_USER_DISABLED, "the user account has been "
		    "disabled by an administrator");
		return;
	}
	if ((factors = account_enrollment_count(st, u.id)) < 0) {
		txn_fail(req);
		return;
	}
	sess.auth_time = now / 1000;
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u.local_id);
	if (factors > 0) {
		r = account_mint_credential(emu, &u, "password", 0, now, &cred);
		if (r == 0 && (info = account_mfa_info(st, u.id, true)) == NULL)
			r = -1;
	} else {
		r = account_store_refresh(emu, &u, &sess, now, &tok);
	}
	if (r != 0) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(info);
		return;
	}

	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#VerifyPasswordResponse"));
	json_object_object_add(body, "localId",
	    json_object_new_string(u.local_id));
	json_object_object_add(body, "email", json_object_new_string(u.email));
	json_object_object_add(body, "displayName",
	    json_object_new_string(u.display_name));
	json_object_object_add(body, "registered", json_object_new_boolean(1));
	if (factors > 0) {
		json_object_object_add(body, "mfaPendingCredential",
		    json_object_new_string(cred.credential));
		json_object_object_add(body, "mfaInfo", info);
	} else {
		if (account_sign_id_token(emu, &u, &sess, &tok) != 0) {
			json_object_put(body);
			reply_error(req, ERR_INTERNAL_ERROR, "signing failed");
			return;
		}
		account_add_tokens(body, &tok);
		free(tok.id_token);
	}
	reply_json(req, 200, body);
}
