/*
 * accounts.signUp: create an email/password (or anonymous) user and sign
 * it in. POST /v1/accounts:signUp
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
#include "tokens.h"

void
accounts_sign_up(struct request *req)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	const char *email = NULL, *password = NULL, *name = NULL,
	    *tenant = NULL;
	struct reqparse_field f[] = {
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "displayName", RP_STRING, &name },
		{ "tenantId", RP_STRING, &tenant },
	};
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
	struct account_session sess = { 0 };
	struct account_tokens tok;
	struct store_realm realm;
	struct store_user u;
	struct json_object *body;
	int64_t now;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(tenant))
		tenant = "";
	if (!reqparse_empty(email) && !account_valid_email(email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return;
	}
	if (!reqparse_empty(email) && reqparse_empty(password)) {
		reply_error(req, ERR_MISSING_PASSWORD, NULL);
		return;
	}
	if (!reqparse_empty(password) && strlen(password) < 6) {
		reply_error(req, ERR_WEAK_PASSWORD, "Password should be at "
		    "least 6 characters");
		return;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is longer "
		    "than %d characters", STORE_TEXT_MAX);
		return;
	}

	memset(&u, 0, sizeof(u));
	strcpy(u.project_id, emu->cfg.project);
	if (strlen(tenant) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_TENANT_ID, NULL);
		return;
	}
	if (tokens_random_id(u.local_id) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "RAND_bytes failed");
		return;
	}
	strcpy(u.tenant_id, tenant);
	if (!reqparse_empty(email))
		strcpy(u.email, email);
	if (name != NULL)
		strcpy(u.display_name, name);
	if (!reqparse_empty(password) && password_hash(password, salt, hash)) {
		reply_error(req, ERR_INTERNAL_ERROR, "hashing failed");
		return;
	}

	if (txn_begin_or_reply(req) != 0)
		return;
	now = clock_now_ms(&emu->clock);
	u.created_at = now;
	r = *tenant ? store_realm_get(st, emu->cfg.project, tenant, &realm) :
	    store_realm_ensure(st, emu->cfg.project, "");
	if (r == STORE_NOT_FOUND) {
		store_rollback(st);
		reply_error(req, ERR_INVALID_TENANT_ID, "tenantId '%s' is not "
		    "a tenant of project '%s'", tenant, emu->cfg.project);
		return;
	}
	if (r == STORE_OK)
		r = store_user_insert(st, &u, u.email[0] ? salt : NULL,
		    sizeof(salt), u.email[0] ? hash : NULL, sizeof(hash));
	if (r == STORE_EXISTS) {
		store_rollback(st);
		reply_error(req, ERR_EMAIL_EXISTS, NULL);
		return;
	}
	sess.sign_in_provider = reqparse_empty(email) ? "anonymous" :
	    "password";
	sess.auth_time = now / 1000;
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u.local_id);
	if (r != STORE_OK ||
	    account_store_refresh(emu, &u, &sess, now, &tok) != 0) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	if (account_sign_id_token(emu, &u, &sess, &tok) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "signing failed");
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SignupNewUserResponse"));
	account_add_tokens(body, &tok);
	if (u.email[0] != '\0')
		json_object_object_add(body, "email",
		    json_object_new_string(u.email));
	json_object_object_add(body, "localId",
	    json_object_new_string(u.local_id));
	free(tok.id_token);
	reply_json(req, 200, body);
}
