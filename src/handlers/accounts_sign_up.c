/*
 * accounts.signUp: create an email/password (or anonymous) user and sign
 * it in; with an idToken, link an email and password to that user (the
 * SDK's linkWithCredential), keeping its uid. POST /v1/accounts:signUp
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	const char *email, *password, *name, *tenant, *id_token;
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
	/* Linking names both; Google checks email first. */
	if (!reqparse_empty(su->id_token) && reqparse_empty(su->email)) {
		reply_error(req, ERR_MISSING_EMAIL, NULL);
		return -1;
	}
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
	if (u->display_name[0] != '\0')
		json_object_object_add(body, "displayName",
		    json_object_new_string(u->display_name));
	free(tok->id_token);
	tok->id_token = NULL;
	reply_json(req, 200, body);
}

/*
 * Inside the transaction: the idToken's user (ctx) takes the email and
 * password; the email must be no other user's. Its sessions end (new
 * tokens follow), as a password change ends them.
 */
static int
link_user_or_reply(struct request *req, struct sign_up *su,
    struct account_ctx *ctx)
{
	struct store *st = req->emu->store;
	struct store_user *u = &ctx->user;
	int r;

	if (account_recent_login_or_reply(req, ctx) != 0 ||
	    account_email_free_or_reply(req, u, su->email) != 0)
		return -1;
	if (strcasecmp(u->email, su->email) != 0)
		u->email_verified = 0;
	snprintf(u->email, sizeof(u->email), "%s", su->email);
	if (su->name != NULL)
		snprintf(u->display_name, sizeof(u->display_name), "%s",
		    su->name);
	u->valid_since = ctx->now / 1000 * 1000;
	r = store_user_update(st, u);
	if (r == STORE_OK)
		r = store_user_set_password(st, u->id, su->salt,
		    sizeof(su->salt), su->hash, sizeof(su->hash), ctx->now);
	return account_stored_or_reply(req, r);
}

/* signUp with an idToken: link, then new tokens of a password session. */
static void
link_and_reply(struct request *req, struct sign_up *su)
{
	struct account_ctx ctx;
	struct account_session sess;
	struct account_tokens tok;

	if (password_hash(su->password, su->salt, su->hash) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "hashing failed");
		return;
	}
	if (account_resolve_or_reply(req, su->id_token, su->tenant,
	    &ctx) != 0 || link_user_or_reply(req, su, &ctx) != 0)
		return;
	/* The same session: its sign-in time and claims stay. */
	account_ctx_session(&ctx, &sess);
	sess.sign_in_provider = "password";
	sess.login = true;
	if (account_issue_tokens_or_reply(req, &ctx.user, &sess, ctx.now,
	    &tok) == 0)
		reply_signed_up(req, &ctx.user, &tok);
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
		{ "idToken", RP_STRING, &su.id_token },
	};
	struct account_session sess = { .login = true };
	struct account_tokens tok;
	int64_t now;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(su.tenant))
		su.tenant = "";
	if (request_or_reply(req, &su) != 0)
		goto out;
	if (!reqparse_empty(su.id_token)) {
		link_and_reply(req, &su);
		goto out;
	}
	if (new_user_or_reply(req, &su) ||
	    txn_begin_at_or_reply(req, &now) != 0)
		goto out;
	su.user.created_at = now;
	su.user.valid_since = now / 1000 * 1000;
	su.user.password_updated_at = now;
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
