/*
 * The Admin API's accounts.batchDelete (firebase-admin deleteUsers):
 * POST /v1/projects/{p}[/tenants/{t}]/accounts:batchDelete
 * {localIds: [], force}
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
	struct json_object *uids;	/* borrowed */
};

/* A localId that names no user is skipped, as Google skips it. */
static int
delete_users(struct request *req, void *arg)
{
	struct deletion *d = arg;

	if (admin_realm_exists_or_reply(req, &d->realm))
		return TXN_REPLIED;
	for (size_t i = 0; i < json_object_array_length(d->uids); i++) {
		const char *uid = json_object_get_string(
		    json_object_array_get_idx(d->uids, i));
		int rc = uid ? admin_delete_user(req->emu->store, &d->realm,
		    uid) : STORE_NOT_FOUND;

		if (rc != STORE_OK && rc != STORE_NOT_FOUND)
			return rc;
	}
	return STORE_OK;
}

void
admin_accounts_batch_delete(struct request *req)
{
	struct deletion d = { .uids = NULL };
	int force = 0;
	struct reqparse_field f[] = {
		{ "localIds", RP_ARRAY, &d.uids },
		{ "force", RP_BOOL, &force },
	};

	admin_realm_of(req, &d.realm);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 2))
		return;
	/* Not the required column: an empty list is missing too (proto3). */
	if (d.uids == NULL || json_object_array_length(d.uids) == 0) {
		reply_error(req, ERR_MISSING_LOCAL_ID, NULL);
		return;
	}
	if (json_object_array_length(d.uids) > ADMIN_BATCH_MAX_USERS) {
		reply_error(req, ERR_INVALID_ARGUMENT, "at most %d localIds",
		    ADMIN_BATCH_MAX_USERS);
		return;
	}
	if (txn_write_or_reply(req, delete_users, &d) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}
