/*
 * The Admin API's accounts.lookup (firebase-admin getUser, getUsers):
 *   POST /v1/projects/{p}[/tenants/{t}]/accounts:lookup
 *        {localId: [], email: [], phoneNumber: []}
 * The users found, each once, in that order; no "users" member when none.
 */
#include <stdbool.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"
#include "user_info.h"

/* The request's lists, and how to find a user by their entries. */
static const struct {
	const char *member;
	int (*find)(struct store *, const char *, const char *, const char *,
	    struct store_user *);
} lookup_keys[] = {
	{ "localId", store_user_find },
	{ "email", store_user_find_email },
	{ "phoneNumber", store_user_find_phone },
};

#define NKEYS (sizeof(lookup_keys) / sizeof(lookup_keys[0]))

/* Add the user (once) with its mfaInfo to `users`; -1 on a store error. */
static int
add_user(struct store *st, const struct store_user *u,
    struct json_object *users, struct json_object *seen)
{
	struct json_object *info, *o;

	if (json_object_object_get_ex(seen, u->local_id, NULL))
		return 0;
	json_object_object_add(seen, u->local_id, NULL);
	if ((info = account_mfa_info(st, u->id, false)) == NULL ||
	    (o = user_info_json(st, u, info, USER_INFO_ADMIN)) == NULL)
		return -1;
	json_object_array_add(users, o);
	return 0;
}

/* The users that the strings of `list` (key k) name; -1 on a store error. */
static int
add_found(struct store *st, const struct admin_realm *r, size_t k,
    struct json_object *list, struct json_object *users,
    struct json_object *seen)
{
	for (size_t i = 0; list != NULL && i < json_object_array_length(list);
	    i++) {
		struct json_object *v = json_object_array_get_idx(list, i);
		struct store_user u;
		int rc;

		if (!json_object_is_type(v, json_type_string))
			continue;
		rc = lookup_keys[k].find(st, r->project, r->tenant,
		    json_object_get_string(v), &u);
		if (rc == STORE_NOT_FOUND)
			continue;
		if (rc != STORE_OK || add_user(st, &u, users, seen) != 0)
			return -1;
	}
	return 0;
}

static void
reply_users(struct request *req, struct json_object *users)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#GetAccountInfoResponse"));
	/* firebase-admin treats a missing "users" as "not found". */
	if (json_object_array_length(users) > 0)
		json_object_object_add(body, "users", users);
	else
		json_object_put(users);
	reply_json(req, 200, body);
}

void
admin_lookup_in(struct request *req, const struct admin_realm *r)
{
	struct store *st = req->emu->store;
	struct json_object *lists[NKEYS] = { NULL }, *users, *seen;
	struct reqparse_field f[NKEYS];
	int rc = 0;

	for (size_t k = 0; k < NKEYS; k++)
		f[k] = (struct reqparse_field){ lookup_keys[k].member,
		    RP_ARRAY, &lists[k] };
	if (reqparse_fields_or_reply(req, req->json, NULL, f, NKEYS) ||
	    txn_begin_or_reply(req) != 0 ||
	    admin_realm_exists_or_reply(req, r))
		return;
	users = json_object_new_array();
	seen = json_object_new_object();
	for (size_t k = 0; rc == 0 && k < NKEYS; k++)
		rc = add_found(st, r, k, lists[k], users, seen);
	json_object_put(seen);
	if (rc != 0) {
		json_object_put(users);
		txn_fail(req);
		return;
	}
	store_rollback(st);
	reply_users(req, users);
}

void
admin_accounts_lookup(struct request *req)
{
	struct admin_realm r;

	admin_realm_of(req, &r);
	admin_lookup_in(req, &r);
}
