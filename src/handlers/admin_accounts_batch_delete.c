/*
 * The Admin API's accounts.batchDelete (firebase-admin deleteUsers):
 * POST /v1/projects/{p}[/tenants/{t}]/accounts:batchDelete
 * {localIds: [], force}
 * Without force an enabled user is kept and listed in errors[] (Google's
 * BatchDeleteAccountsResponse, as the Firebase emulator answers).
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
	int force;
	struct json_object *errors;	/* owned: the users kept */
};

/* Note in d->errors that the enabled user at `index` was kept. */
static void
kept(struct deletion *d, size_t index, const char *uid)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "index", json_object_new_int64(
	    (int64_t)index));
	json_object_object_add(e, "localId", json_object_new_string(uid));
	json_object_object_add(e, "message", json_object_new_string(
	    "NOT_DISABLED : Disable the account before batch deletion."));
	json_object_array_add(d->errors, e);
}

/* A localId that names no user is skipped, as Google skips it. */
static int
delete_users(struct request *req, void *arg)
{
	struct deletion *d = arg;
	struct store *st = req->emu->store;

	if (admin_realm_exists_or_reply(req, &d->realm))
		return TXN_REPLIED;
	for (size_t i = 0; i < json_object_array_length(d->uids); i++) {
		const char *uid = json_object_get_string(
		    json_object_array_get_idx(d->uids, i));
		struct store_user u;
		int rc = uid ? store_user_find(st, d->realm.project,
		    d->realm.tenant, uid, &u) : STORE_NOT_FOUND;

		if (rc == STORE_OK && !u.disabled && !d->force)
			kept(d, i, uid);
		else if (rc == STORE_OK)
			rc = store_user_delete(st, u.id);
		if (rc != STORE_OK && rc != STORE_NOT_FOUND)
			return rc;
	}
	return STORE_OK;
}

void
admin_accounts_batch_delete(struct request *req)
{
	struct deletion d = { .uids = NULL };
	struct json_object *body;
	struct reqparse_field f[] = {
		{ "localIds", RP_ARRAY, &d.uids },
		{ "force", RP_BOOL, &d.force },
	};

	admin_realm_of(req, &d.realm);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 2))
		return;
	/* One code for none and too many, as the Firebase emulator has it. */
	if (d.uids == NULL || json_object_array_length(d.uids) == 0 ||
	    json_object_array_length(d.uids) > ADMIN_BATCH_MAX_USERS) {
		reply_error(req, ERR_LOCAL_ID_LIST_EXCEEDS_LIMIT, "localIds "
		    "must hold 1-%d ids", ADMIN_BATCH_MAX_USERS);
		return;
	}
	d.errors = json_object_new_array();
	if (txn_write_or_reply(req, delete_users, &d) != 0) {
		json_object_put(d.errors);
		return;
	}
	body = json_object_new_object();
	if (json_object_array_length(d.errors) > 0)
		json_object_object_add(body, "errors", d.errors);
	else
		json_object_put(d.errors);
	reply_json(req, 200, body);
}
