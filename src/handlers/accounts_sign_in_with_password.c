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
#include "settings.h"

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

/*
 * Inside the transaction: 1 when the realm has email enumeration
 * protection on (emailPrivacyConfig), 0 off (an unknown realm: off),
 * -1 on a store error.
 */
static int
email_privacy(struct request *req, const char *tenant)
{
	struct store_realm realm;
	struct settings set;
	int r = store_realm_get(req->emu->store, req->emu->cfg.project, tenant,
	    &realm);

	if (r == STORE_NOT_FOUND)
		return 0;
	if (r != STORE_OK)
		return -1;
	settings_effective(&req->emu->cfg, &realm, &set);
	return set.email_privacy;
}

/*
 * Inside the transaction: the realm's user with that email and password,
 * not disabled. With email enumeration protection on, Google no longer
 * says which of the two was wrong (INVALID_LOGIN_CREDENTIALS); off, as
 * the Firebase Auth Emulator by default, it does.
 */
static int
user_or_reply(struct request *req, const char *email, const char *password,
    const char *tenant, struct store_user *u)
{
	struct emu *emu = req->emu;
	int r, ok = 0, privacy = 0;

	r = strlen(tenant) > STORE_ID_MAX ? STORE_NOT_FOUND :
	    store_user_find_email(emu->store, emu->cfg.project, tenant, email,
	    u);
	/* -1, a store failure, must not read as "matches". */
	if (r == STORE_OK && (ok = password_ok(emu->store, u, password)) < 0)
		r = STORE_ERROR;
	if (r != STORE_ERROR && (privacy = email_privacy(req, tenant)) < 0)
		r = STORE_ERROR;
	if (r == STORE_NOT_FOUND || (r == STORE_OK && !ok))
		return txn_refuse(req, false, privacy ?
		    ERR_INVALID_LOGIN_CREDENTIALS : r == STORE_NOT_FOUND ?
		    ERR_EMAIL_NOT_FOUND : ERR_INVALID_PASSWORD, NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	if (u->disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, "the user "
		    "account has been disabled by an administrator");
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u->local_id);
	return 0;
}

/* The members every answer has; new object, owned. */
static struct json_object *
response_body(const struct store_user *u)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#VerifyPasswordResponse"));
	json_object_object_add(body, "localId",
	    json_object_new_string(u->local_id));
	json_object_object_add(body, "email", json_object_new_string(u->email));
	json_object_object_add(body, "displayName",
	    json_object_new_string(u->display_name));
	json_object_object_add(body, "registered", json_object_new_boolean(1));
	return body;
}

/* A user without second factors is signed in. */
static void
reply_tokens(struct request *req, const struct store_user *u, int64_t now)
{
	struct account_session sess = {
		.sign_in_provider = "password",
		.auth_time = now / 1000,
		.login = true,
	};
	struct account_tokens tok;
	struct json_object *body;

	if (account_issue_tokens_or_reply(req, u, &sess, now, &tok) != 0)
		return;
	body = response_body(u);
	account_add_tokens(body, &tok);
	free(tok.id_token);
	reply_json(req, 200, body);
}

/* A user with second factors must pass one: a pending credential. */
static void
reply_mfa_pending(struct request *req, const struct store_user *u,
    int64_t now)
{
	struct emu *emu = req->emu;
	struct store_credential cred;
	struct json_object *body, *info = NULL;

	if (account_mint_credential(emu, u, "password", 0, now, &cred) != 0 ||
	    (info = account_mfa_info(emu->store, u->id, true)) == NULL) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(info);
		return;
	}
	body = response_body(u);
	json_object_object_add(body, "mfaPendingCredential",
	    json_object_new_string(cred.credential));
	json_object_object_add(body, "mfaInfo", info);
	reply_json(req, 200, body);
}

void
accounts_sign_in_with_password(struct request *req)
{
	struct emu *emu = req->emu;
	const char *email = NULL, *password = NULL, *tenant = NULL;
	struct reqparse_field f[] = {
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct store_user u;
	int64_t now;
	int factors;

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
	if (txn_begin_at_or_reply(req, &now) != 0)
		return;
	if (user_or_reply(req, email, password, tenant, &u) != 0)
		return;
	if ((factors = account_enrollment_count(emu->store, u.id)) < 0)
		txn_fail(req);
	else if (factors > 0)
		reply_mfa_pending(req, &u, now);
	else
		reply_tokens(req, &u, now);
}
