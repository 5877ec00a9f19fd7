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

/* Identity Toolkit's floor for a password's length. */
#define SIGN_UP_PASSWORD_MIN 6

/* The request, and the user it makes. */
struct sign_up {
	const char *email, *password, *name, *tenant;
	struct store_user user;
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
};

/*
 * No email makes an anonymous user; an email needs a password, and any
 * password at least six characters.
 */
static int
request_or_reply(struct request *req, const struct sign_up *su)
{
	if (!reqparse_empty(su->email) && !account_valid_email(su->email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return -1;
	}
	if (!reqparse_empty(su->email) && reqparse_empty(su->password)) {
		reply_error(req, ERR_MISSING_PASSWORD, NULL);
		return -1;
	}
	if (!reqparse_empty(su->password) &&
	    strlen(su->password) < SIGN_UP_PASSWORD_MIN) {
		reply_error(req, ERR_WEAK_PASSWORD, "Password should be at "
		    "least %d characters", SIGN_UP_PASSWORD_MIN);
		return -1;
	}
	if (su->name != NULL && strlen(su->name) > STORE_TEXT_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is longer "
		    "than %d characters", STORE_TEXT_MAX);
		return -1;
	}
	if (strlen(su->tenant) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_TENANT_ID, NULL);
		return -1;
	}
	return 0;
}

/* The new user's row with a fresh uid, and the password's hash. */
static int
new_user_or_reply(struct request *req, struct sign_up *su)
{
	struct store_user *u = &su->user;

	memset(u, 0, sizeof(*u));
	strcpy(u->project_id, req->emu->cfg.project);
	strcpy(u->tenant_id, su->tenant);
	if (!reqparse_empty(su->email))
		strcpy(u->email, su->email);
	if (su->name != NULL)
		strcpy(u->display_name, su->name);
	if (tokens_random_id(u->local_id) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "RAND_bytes failed");
		return -1;
	}
	if (!reqparse_empty(su->password) && password_hash(su->password,
	    su->salt, su->hash) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "hashing failed");
		return -1;
	}
	return 0;
}

/*
 * Inside the transaction: a tenant must exist already, while the project's
 * own realm is made on first use; the email must be free in the realm.
 */
static int
insert_user_or_reply(struct request *req, struct sign_up *su)
{
	struct emu *emu = req->emu;
	struct store_user *u = &su->user;
	struct store_realm realm;
	bool pw = u->email[0] != '\0';
	int r;

	r = su->tenant[0] ? store_realm_get(emu->store, emu->cfg.project,
	    su->tenant, &realm) : store_realm_ensure(emu->store,
	    emu->cfg.project, "");
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_INVALID_TENANT_ID, "tenantId "
		    "'%s' is not a tenant of project '%s'", su->tenant,
		    emu->cfg.project);
	if (r == STORE_OK)
		r = store_user_insert(emu->store, u, pw ? su->salt : NULL,
		    sizeof(su->salt), pw ? su->hash : NULL, sizeof(su->hash));
	if (r == STORE_EXISTS)
		return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u->local_id);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

static void
reply_signed_up(struct request *req, const struct store_user *u,
    struct account_tokens *tok)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SignupNewUserResponse"));
	account_add_tokens(body, tok);
	if (u->email[0] != '\0')
		json_object_object_add(body, "email",
		    json_object_new_string(u->email));
	json_object_object_add(body, "localId",
	    json_object_new_string(u->local_id));
	free(tok->id_token);
	tok->id_token = NULL;
	reply_json(req, 200, body);
}

void
accounts_sign_up(struct request *req)
{
	struct sign_up su = { 0 };
	struct reqparse_field f[] = {
		{ "email", RP_STRING, &su.email },
		{ "password", RP_STRING, &su.password },
		{ "displayName", RP_STRING, &su.name },
		{ "tenantId", RP_STRING, &su.tenant },
	};
	struct account_session sess = { 0 };
	struct account_tokens tok;
	int64_t now;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(su.tenant))
		su.tenant = "";
	if (request_or_reply(req, &su) || new_user_or_reply(req, &su) ||
	    txn_begin_or_reply(req) != 0)
		goto out;
	now = clock_now_ms(&req->emu->clock);
	su.user.created_at = now;
	if (insert_user_or_reply(req, &su) != 0)
		goto out;
	sess.sign_in_provider = reqparse_empty(su.email) ? "anonymous" :
	    "password";
	sess.auth_time = now / 1000;
	if (account_issue_tokens_or_reply(req, &su.user, &sess, now,
	    &tok) == 0)
		reply_signed_up(req, &su.user, &tok);
out:
	OPENSSL_cleanse(su.hash, sizeof(su.hash));
}
