/*
 * accounts.lookup: the signed-in user's account, mfaInfo[] included.
 * POST /v1/accounts:lookup
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "user_info.h"

void
accounts_lookup(struct request *req)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	const char *id_token = NULL, *sub, *tenant = "";
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token, ERR_INVALID_ID_TOKEN,
		    "idToken is required" },
	};
	struct json_object *claims, *v, *fb, *info, *body, *users, *one = NULL;
	struct store_user u;
	int64_t iat = 0;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if ((claims = account_verify_id_token_or_reply(req, id_token)) == NULL)
		return;
	json_object_object_get_ex(claims, "sub", &v);
	sub = json_object_get_string(v);
	if (json_object_object_get_ex(claims, "firebase", &fb) &&
	    json_object_object_get_ex(fb, "tenant", &v))
		tenant = json_object_get_string(v);
	if (json_object_object_get_ex(claims, "iat", &v))
		iat = json_object_get_int64(v);

	if (txn_begin_or_reply(req) != 0) {
		json_object_put(claims);
		return;
	}
	r = store_user_find(st, emu->cfg.project, tenant, sub, &u);
	info = r == STORE_OK ? account_mfa_info(st, u.id, false) : NULL;
	if (info != NULL)
		one = user_info_json(st, &u, info, USER_INFO_SELF);
	store_rollback(st);
	json_object_put(claims);
	if (r == STORE_NOT_FOUND) {
		reply_error(req, ERR_USER_NOT_FOUND, NULL);
		return;
	}
	if (r != STORE_OK || one == NULL) {
		txn_unavailable(req);
		return;
	}
	if (iat * 1000 < u.valid_since) {
		json_object_put(one);
		reply_error(req, ERR_TOKEN_EXPIRED, "the idToken was issued "
		    "before the user's tokens were revoked");
		return;
	}
	body = json_object_new_object();
	users = json_object_new_array();
	json_object_array_add(users, one);
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#GetAccountInfoResponse"));
	json_object_object_add(body, "users", users);
	reply_json(req, 200, body);
}
