/*
 * The Admin API's accounts.delete (firebase-admin deleteUser):
 * POST /v1/projects/{p}[/tenants/{t}]/accounts:delete {localId}
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"

struct deletion {
	struct admin_realm realm;
	const char *uid;
};

static int
delete_user(struct request *req, void *arg)
{
	struct deletion *d = arg;
	int rc;

	if (admin_realm_exists_or_reply(req, &d->realm))
		return TXN_REPLIED;
	rc = admin_delete_user(req->emu->store, &d->realm, d->uid);
	if (rc == STORE_NOT_FOUND) {
		txn_refuse(req, false, ERR_USER_NOT_FOUND, NULL);
		return TXN_REPLIED;
	}
	return rc;
}

void
admin_accounts_delete(struct request *req)
{
	struct deletion d = { .uid = NULL };
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &d.uid, ERR_MISSING_LOCAL_ID },
	};
	struct json_object *body;

	admin_realm_of(req, &d.realm);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1) ||
	    txn_write_or_reply(req, delete_user, &d) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#DeleteAccountResponse"));
	reply_json(req, 200, body);
}
