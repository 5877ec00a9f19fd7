/*
 * accounts.update with an oobCode (SDK applyActionCode): apply a
 * VERIFY_EMAIL, VERIFY_AND_CHANGE_EMAIL or RECOVER_EMAIL code. The
 * accounts:update route (accounts_update.c) hands a body with "oobCode"
 * here; a code is used only when applying it succeeds.
 * POST /v1/accounts:update {oobCode, tenantId?}
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/oob_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reqparse.h"

/*
 * What each type does: find the user by the code's `email` (or, for
 * RECOVER_EMAIL, by the address the email was changed to, its
 * new_email), then give it `email` or new_email, verified.
 */
static int
find_user_or_reply(struct request *req, const struct store_oob *o,
    struct store_user *u)
{
	int recover = strcmp(o->request_type, "RECOVER_EMAIL") == 0;
	int r;

	if (!recover && strcmp(o->request_type, "VERIFY_EMAIL") != 0 &&
	    strcmp(o->request_type, "VERIFY_AND_CHANGE_EMAIL") != 0)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "a %s code "
		    "is applied by another method", o->request_type);
	r = store_user_find_email(req->emu->store, o->project_id, o->tenant_id,
	    recover ? o->new_email : o->email, u);
	if (txn_check_or_reply(req, r))
		return -1;
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "no user "
		    "has the code's email any more");
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u->local_id);
	if (u->disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	return 0;
}

/*
 * SetAccountInfoResponse, as the Firebase Auth Emulator fills it (new
 * object, owned); NULL on a store error.
 */
static struct json_object *
response_body(struct store *st, const struct store_user *u,
    const struct store_oob *o)
{
	struct json_object *body = account_set_info_body(st, u);

	if (body != NULL &&
	    strcmp(o->request_type, "VERIFY_AND_CHANGE_EMAIL") == 0)
		json_object_object_add(body, "newEmail",
		    json_object_new_string(o->new_email));
	return body;
}

/*
 * Inside the transaction: the code's change to its user, and it used;
 * then commit and reply.
 */
static void
apply_and_reply(struct request *req, const struct store_oob *o,
    struct store_user *u, int64_t now)
{
	struct store *st = req->emu->store;
	const char *to = NULL;
	int r;

	if (strcmp(o->request_type, "VERIFY_AND_CHANGE_EMAIL") == 0)
		to = o->new_email;
	else if (strcmp(o->request_type, "RECOVER_EMAIL") == 0)
		to = o->email;
	if (to != NULL && strcmp(to, u->email) != 0) {
		snprintf(u->email, sizeof(u->email), "%s", to);
		/* A new email ends every session (whole seconds, as Google). */
		u->valid_since = now - now % 1000;
	}
	u->email_verified = 1;
	r = store_user_update(st, u);
	if (r == STORE_EXISTS) {
		txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
		return;
	}
	if (r == STORE_OK)
		r = store_oob_use(st, o->code, now);
	if (txn_check_or_reply(req, r))
		return;
	/* Its providers are read inside the transaction. */
	txn_commit_reply_json(req, response_body(st, u, o));
}

void
accounts_update_oob(struct request *req)
{
	struct emu *emu = req->emu;
	const char *code = NULL, *tenant = NULL;
	struct reqparse_field f[] = {
		{ "oobCode", RP_STRING, &code, ERR_MISSING_OOB_CODE },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct store_oob o;
	struct store_user u;
	int64_t now;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(tenant))
		tenant = "";
	if (txn_begin_at_or_reply(req, &now) != 0)
		return;
	if (oob_code_or_reply(req, code, emu->cfg.project, tenant, now, &o) ||
	    find_user_or_reply(req, &o, &u))
		return;
	apply_and_reply(req, &o, &u, now);
}
