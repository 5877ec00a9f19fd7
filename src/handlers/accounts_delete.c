/*
 * accounts.delete for the signed-in user (the SDK's user.delete()): the
 * account and all that hangs off it (second factors, sessions, refresh
 * tokens, linked providers). Needs a recent sign-in, as Google does.
 *   POST /v1/accounts:delete
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"

void
accounts_delete(struct request *req)
{
	const char *id_token = NULL, *tenant = NULL, *local_id = NULL;
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token, ERR_MISSING_ID_TOKEN },
		{ "tenantId", RP_STRING, &tenant },
		{ "localId", RP_STRING, &local_id },
	};
	struct account_ctx ctx;
	struct json_object *body;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (account_resolve_or_reply(req, id_token, tenant, &ctx) != 0 ||
	    account_recent_login_or_reply(req, &ctx) != 0)
		return;
	r = store_user_delete(req->emu->store, ctx.user.id);
	if (r != STORE_OK && r != STORE_NOT_FOUND) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#DeleteAccountResponse"));
	reply_json(req, 200, body);
}
