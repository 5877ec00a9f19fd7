/*
 * accounts.lookup: the signed-in user's account, mfaInfo[] included.
 * POST /v1/accounts:lookup
 * An admin caller (Bearer owner) without an idToken looks users up by
 * localId, email or phoneNumber, as Google and the Firebase emulator
 * allow (the Admin API's lookup, in the project or the body's tenantId).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "user_info.h"

/* The admin form: the realm is the daemon's project or the body's tenant. */
static void
lookup_as_admin(struct request *req)
{
	struct admin_realm r = { req->emu->cfg.project, "" };
	const char *tenant = NULL;
	struct reqparse_field f[] = {
		{ "tenantId", RP_STRING, &tenant },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if (tenant != NULL)
		r.tenant = tenant;
	admin_lookup_in(req, &r);
}

/* What the lookup needs of a verified ID token. */
struct token_subject {
	char sub[STORE_ID_MAX + 1];
	char tenant[STORE_ID_MAX + 1];
	int64_t iat;
};

/* `v` into `out` whole: -1 for an id too long to be stored (no user). */
static int
copy_id(char *out, size_t cap, struct json_object *v)
{
	const char *s = json_object_get_string(v);

	if (s == NULL || strlen(s) >= cap)
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* Take sub, firebase.tenant and iat from verified claims (consumed). */
static void
token_subject(struct json_object *claims, struct token_subject *ts)
{
	struct json_object *v, *fb;

	memset(ts, 0, sizeof(*ts));
	if (json_object_object_get_ex(claims, "sub", &v))
		(void)copy_id(ts->sub, sizeof(ts->sub), v);
	if (json_object_object_get_ex(claims, "firebase", &fb) &&
	    json_object_object_get_ex(fb, "tenant", &v) &&
	    copy_id(ts->tenant, sizeof(ts->tenant), v) != 0)
		ts->sub[0] = '\0';	/* no realm has it: no user */
	if (json_object_object_get_ex(claims, "iat", &v))
		ts->iat = json_object_get_int64(v);
	json_object_put(claims);
}

/* The GetAccountInfoResponse holding `one` (consumed). */
static void
reply_users(struct request *req, struct json_object *one)
{
	struct json_object *body = json_object_new_object();
	struct json_object *users = json_object_new_array();

	json_object_array_add(users, one);
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#GetAccountInfoResponse"));
	json_object_object_add(body, "users", users);
	reply_json(req, 200, body);
}

void
accounts_lookup(struct request *req)
{
	struct store *st = req->emu->store;
	const char *id_token = NULL;
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token, ERR_MISSING_ID_TOKEN,
		    "idToken is required" },
	};
	struct json_object *claims, *info, *one = NULL;
	struct token_subject ts;
	struct store_user u;
	int r;

	if (req->admin &&
	    !json_object_object_get_ex(req->json, "idToken", NULL)) {
		lookup_as_admin(req);
		return;
	}
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if ((claims = account_verify_id_token_or_reply(req, id_token)) == NULL)
		return;
	token_subject(claims, &ts);
	if (txn_begin_or_reply(req) != 0)
		return;
	r = store_user_find(st, req->emu->cfg.project, ts.tenant, ts.sub, &u);
	info = r == STORE_OK ? account_mfa_info(st, u.id, false) : NULL;
	if (info != NULL)
		one = user_info_json(st, &u, info, USER_INFO_SELF);
	store_rollback(st);
	if (r == STORE_NOT_FOUND) {
		reply_error(req, ERR_USER_NOT_FOUND, NULL);
		return;
	}
	if (r != STORE_OK || one == NULL) {
		txn_unavailable(req);
		return;
	}
	if (ts.iat * 1000 < u.valid_since) {
		json_object_put(one);
		reply_error(req, ERR_TOKEN_EXPIRED, "the idToken was issued "
		    "before the user's tokens were revoked");
		return;
	}
	reply_users(req, one);
}
