/*
 * accounts.signInWithEmailLink: the first factor of a sign-in link (an
 * EMAIL_SIGNIN code from accounts:sendOobCode). Proves the email: the
 * user (made on first use) has it verified. A user with second factors
 * gets an mfaPendingCredential and mfaInfo[] instead of tokens, as from
 * accounts:signInWithPassword. With an idToken the link is added to that
 * signed-in user (SDK linkWithCredential), who keeps the session.
 * POST /v1/accounts:signInWithEmailLink
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/oob_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "tokens.h"

struct link_sign_in {
	const char *email, *code, *id_token, *tenant;
	struct account_ctx ctx;		/* the idToken's session, if any */
	struct store_oob oob;
	struct store_user user;
	bool linking, is_new;
	int64_t now;
};

/* Begin the transaction, with the idToken's user when there is one. */
static int
begin_or_reply(struct request *req, struct link_sign_in *ls)
{
	if (ls->linking) {
		if (account_resolve_or_reply(req, ls->id_token, ls->tenant,
		    &ls->ctx) != 0)
			return -1;
		ls->tenant = ls->ctx.user.tenant_id;
		ls->now = ls->ctx.now;
		return 0;
	}
	if (txn_begin_at_or_reply(req, &ls->now) != 0)
		return -1;
	return 0;
}

/* Inside the transaction: an EMAIL_SIGNIN code sent to this email. */
static int
code_or_reply(struct request *req, struct link_sign_in *ls)
{
	if (oob_code_or_reply(req, ls->code, req->emu->cfg.project,
	    ls->tenant, ls->now, &ls->oob))
		return -1;
	if (strcmp(ls->oob.request_type, "EMAIL_SIGNIN") != 0)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "the code "
		    "is a %s code, not a sign-in link", ls->oob.request_type);
	if (strcasecmp(ls->oob.email, ls->email) != 0)
		return txn_refuse(req, false, ERR_INVALID_EMAIL, "The email "
		    "provided does not match the sign-in email address.");
	return 0;
}

/* A new user of the realm for the link's email (not yet stored). */
static int
new_user_or_reply(struct request *req, struct link_sign_in *ls)
{
	struct store_user *u = &ls->user;

	memset(u, 0, sizeof(*u));
	snprintf(u->project_id, sizeof(u->project_id), "%s",
	    ls->oob.project_id);
	snprintf(u->tenant_id, sizeof(u->tenant_id), "%s", ls->oob.tenant_id);
	snprintf(u->email, sizeof(u->email), "%s", ls->oob.email);
	u->created_at = ls->now;
	u->valid_since = ls->now - ls->now % 1000;
	if (tokens_random_id(u->local_id) != 0)
		return txn_refuse(req, false, ERR_INTERNAL_ERROR, "RAND_bytes "
		    "failed");
	ls->is_new = true;
	return 0;
}

/*
 * Inside the transaction: the user the link signs in (the idToken's, the
 * email's, or a new one), its email verified, and the code used.
 */
static int
user_or_reply(struct request *req, struct link_sign_in *ls)
{
	struct store *st = req->emu->store;
	struct store_user by_email;
	int r = store_user_find_email(st, ls->oob.project_id,
	    ls->oob.tenant_id, ls->oob.email, &by_email);

	if (txn_check_or_reply(req, r))
		return -1;
	if (ls->linking && r == STORE_OK && by_email.id != ls->ctx.user.id)
		return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
	if (ls->linking)
		ls->user = ls->ctx.user;
	else if (r == STORE_OK)
		ls->user = by_email;
	else if (new_user_or_reply(req, ls))
		return -1;
	if (ls->user.disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	snprintf(ls->user.email, sizeof(ls->user.email), "%s", ls->oob.email);
	ls->user.email_verified = 1;
	ls->user.email_link_signin = 1;
	if (ls->is_new && (r = store_realm_ensure(st, ls->user.project_id,
	    ls->user.tenant_id)) == STORE_OK)
		r = store_user_insert(st, &ls->user, NULL, 0, NULL, 0);
	else if (!ls->is_new)
		r = store_user_update(st, &ls->user);
	if (r == STORE_EXISTS)
		return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
	if (r == STORE_OK)
		r = store_oob_use(st, ls->oob.code, ls->now);
	if (txn_check_or_reply(req, r))
		return -1;
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    ls->user.local_id);
	return 0;
}

/* The members every answer has; new object, owned. */
static struct json_object *
response_body(const struct link_sign_in *ls)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#EmailLinkSigninResponse"));
	json_object_object_add(body, "email",
	    json_object_new_string(ls->user.email));
	json_object_object_add(body, "localId",
	    json_object_new_string(ls->user.local_id));
	json_object_object_add(body, "isNewUser",
	    json_object_new_boolean(ls->is_new));
	return body;
}

/* A user with second factors must pass one: a pending credential. */
static void
reply_mfa_pending(struct request *req, const struct link_sign_in *ls)
{
	struct emu *emu = req->emu;
	struct store_credential cred;
	struct json_object *body, *info = NULL;

	if (account_mint_credential(emu, &ls->user, "password", 0, ls->now,
	    &cred) != 0 ||
	    (info = account_mfa_info(emu->store, ls->user.id, true)) == NULL) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(info);
		return;
	}
	body = response_body(ls);
	json_object_object_add(body, "mfaPendingCredential",
	    json_object_new_string(cred.credential));
	json_object_object_add(body, "mfaInfo", info);
	reply_json(req, 200, body);
}

/* Signed in: a new session, or, when linking, the idToken's kept. */
static void
reply_tokens(struct request *req, const struct link_sign_in *ls)
{
	struct account_session sess = {
		.sign_in_provider = "password",
		.auth_time = ls->now / 1000,
		.login = true,
	};
	struct account_tokens tok;
	struct json_object *body;

	if (ls->linking) {
		account_ctx_session(&ls->ctx, &sess);
		/* An anonymous user with an email is a password user now. */
		if (strcmp(sess.sign_in_provider, "anonymous") == 0)
			sess.sign_in_provider = "password";
	}
	if (account_issue_tokens_or_reply(req, &ls->user, &sess, ls->now,
	    &tok) != 0)
		return;
	body = response_body(ls);
	account_add_tokens(body, &tok);
	free(tok.id_token);
	reply_json(req, 200, body);
}

void
accounts_sign_in_with_email_link(struct request *req)
{
	struct link_sign_in ls = { 0 };
	int ignored = 0, factors;
	struct reqparse_field f[] = {
		{ "email", RP_STRING, &ls.email, ERR_MISSING_EMAIL },
		{ "oobCode", RP_STRING, &ls.code, ERR_MISSING_OOB_CODE },
		{ "idToken", RP_STRING, &ls.id_token },
		{ "tenantId", RP_STRING, &ls.tenant },
		{ "returnSecureToken", RP_BOOL, &ignored },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (!account_valid_email(ls.email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return;
	}
	ls.linking = !reqparse_empty(ls.id_token);
	if (reqparse_empty(ls.tenant))
		ls.tenant = "";
	if (begin_or_reply(req, &ls) || code_or_reply(req, &ls) ||
	    user_or_reply(req, &ls))
		return;
	if (ls.linking || ls.is_new)
		factors = 0;
	else if ((factors = account_enrollment_count(req->emu->store,
	    ls.user.id)) < 0) {
		txn_fail(req);
		return;
	}
	if (factors > 0)
		reply_mfa_pending(req, &ls);
	else
		reply_tokens(req, &ls);
}
