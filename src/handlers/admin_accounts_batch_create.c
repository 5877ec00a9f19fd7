/*
 * The Admin API's accounts.batchCreate (firebase-admin importUsers):
 *   POST /v1/projects/{p}[/tenants/{t}]/accounts:batchCreate {users: [...]}
 * Each user stands alone: the ones refused are listed in error[] ({index,
 * message}) as Google answers, the rest are created.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "errors.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"
#include "user_import.h"

/* A per-user error, in the words Google uses for them. */
static void
batch_message(enum err_code code, const char *detail, char *out,
    size_t outlen)
{
	const char *fixed = NULL;

	if (code == ERR_INVALID_ARGUMENT &&
	    strcmp(detail, "localId is missing") == 0)
		fixed = "localId is missing";
	else if (code == ERR_INVALID_EMAIL)
		fixed = "email is invalid";
	else if (code == ERR_INVALID_PHONE_NUMBER)
		fixed = "phone number format is invalid";
	else if (code == ERR_DUPLICATE_LOCAL_ID)
		fixed = "localId belongs to an existing account - can not "
		    "overwrite.";
	if (fixed != NULL)
		snprintf(out, outlen, "%s", fixed);
	else
		snprintf(out, outlen, "%s%s%s", errors_info(code)->code,
		    detail[0] ? " : " : "", detail);
}

static void
add_error(struct json_object *errors, size_t index, enum err_code code,
    const char *detail)
{
	struct json_object *e = json_object_new_object();
	char msg[640];

	batch_message(code, detail, msg, sizeof(msg));
	json_object_object_add(e, "index", json_object_new_int((int)index));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_array_add(errors, e);
}

/* The same localId twice refuses the whole request, as Google does. */
static int
distinct_local_ids_or_reply(struct request *req, struct json_object *users)
{
	struct json_object *seen = json_object_new_object();

	for (size_t i = 0; i < json_object_array_length(users); i++) {
		const char *uid = admin_str_member(
		    json_object_array_get_idx(users, i), "localId");

		if (uid == NULL || *uid == '\0')
			continue;
		if (json_object_object_get_ex(seen, uid, NULL)) {
			json_object_put(seen);
			reply_error(req, ERR_DUPLICATE_LOCAL_ID, "%.128s", uid);
			return -1;
		}
		json_object_object_add(seen, uid, NULL);
	}
	json_object_put(seen);
	return 0;
}

/*
 * User `index` in a savepoint of its own: created, or undone (it may be
 * half inserted) and listed in `errors`. -1 once replied: the store
 * failed, and the batch with it.
 */
static int
create_one_or_reply(struct request *req, struct user_import *imp,
    const struct admin_realm *r, struct json_object *u, size_t index,
    struct json_object *errors)
{
	struct store *st = req->emu->store;
	char uid[STORE_ID_MAX + 1], detail[512] = "";
	enum err_code code;

	if (store_savepoint(st) != STORE_OK)
		goto broken;
	/* batchCreate needs the localId; create makes one. */
	if (json_object_is_type(u, json_type_object) &&
	    reqparse_empty(admin_str_member(u, "localId"))) {
		code = ERR_INVALID_ARGUMENT;
		snprintf(detail, sizeof(detail), "localId is missing");
	} else {
		code = admin_create_user(imp, r, u, uid, detail,
		    sizeof(detail));
	}
	if (code == ERR__NONE) {
		if (store_savepoint_release(st) != STORE_OK)
			goto broken;
		return 0;
	}
	if (errors_info(code)->http_status >= 500)
		return txn_refuse(req, false, code, "%s", detail);
	if (store_savepoint_rollback(st) != STORE_OK)
		goto broken;
	add_error(errors, index, code, detail);
	return 0;
broken:
	txn_fail(req);
	return -1;
}

/* Create each user of `users`; -1 once replied. */
static int
create_all_or_reply(struct request *req, const struct admin_realm *r,
    struct json_object *users, struct json_object *errors)
{
	struct user_import imp;
	struct user_import_error ierr;
	int rc = 0;

	if (user_import_begin(&imp, req->emu, r->project, &ierr) != 0) {
		txn_fail(req);
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < json_object_array_length(users);
	    i++)
		rc = create_one_or_reply(req, &imp, r,
		    json_object_array_get_idx(users, i), i, errors);
	user_import_end(&imp);
	return rc;
}

void
admin_accounts_batch_create(struct request *req)
{
	struct json_object *users = NULL, *errors, *body;
	struct reqparse_field f[] = { { "users", RP_ARRAY, &users } };
	struct admin_realm r;

	admin_realm_of(req, &r);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	/* Not the required column: an empty list is missing too (proto3). */
	if (users == NULL || json_object_array_length(users) == 0) {
		reply_error(req, ERR_MISSING_USER_ACCOUNT, NULL);
		return;
	}
	if (json_object_array_length(users) > ADMIN_BATCH_MAX_USERS) {
		reply_error(req, ERR_INVALID_ARGUMENT, "at most %d users in "
		    "one batchCreate", ADMIN_BATCH_MAX_USERS);
		return;
	}
	if (distinct_local_ids_or_reply(req, users) ||
	    txn_begin_or_reply(req) != 0 ||
	    admin_realm_exists_or_reply(req, &r))
		return;
	errors = json_object_new_array();
	if (create_all_or_reply(req, &r, users, errors) != 0 ||
	    txn_commit_or_reply(req) != 0) {
		json_object_put(errors);
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#UploadAccountResponse"));
	if (json_object_array_length(errors) > 0)
		json_object_object_add(body, "error", errors);
	else
		json_object_put(errors);
	reply_json(req, 200, body);
}
