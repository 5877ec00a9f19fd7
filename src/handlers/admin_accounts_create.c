/*
 * The Admin API's accounts.create (firebase-admin createUser):
 *   POST /v1/projects/{p}[/tenants/{t}]/accounts
 * The user goes through the user importer, so it is exactly one a fixture
 * file could have made.
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"
#include "user_import.h"

/* The Admin API's answer: the new user's localId, email and name. */
static void
reply_created(struct request *req, const struct store_user *u)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SignupNewUserResponse"));
	json_object_object_add(body, "localId",
	    json_object_new_string(u->local_id));
	if (u->email[0])
		json_object_object_add(body, "email",
		    json_object_new_string(u->email));
	if (u->display_name[0])
		json_object_object_add(body, "displayName",
		    json_object_new_string(u->display_name));
	reply_json(req, 200, body);
}

void
admin_accounts_create(struct request *req)
{
	struct admin_realm r;
	struct user_import imp;
	struct user_import_error ierr;
	char uid[STORE_ID_MAX + 1], detail[512] = "";
	enum err_code code;
	struct store_user u;

	admin_realm_of(req, &r);
	if (txn_begin_or_reply(req) != 0 ||
	    admin_realm_exists_or_reply(req, &r))
		return;
	if (user_import_begin(&imp, req->emu, r.project, &ierr) != 0) {
		txn_fail(req);
		return;
	}
	code = admin_create_user(&imp, &r, req->json, uid, detail,
	    sizeof(detail));
	user_import_end(&imp);
	if (code != ERR__NONE) {
		txn_refuse(req, false, code, detail[0] ? "%s" : NULL, detail);
		return;
	}
	if (store_user_find(req->emu->store, r.project, r.tenant, uid, &u) !=
	    STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_created(req, &u);
}
