/*
 * The Admin API's accounts.batchGet (firebase-admin listUsers):
 *   GET /v1/projects/{p}[/tenants/{t}]/accounts:batchGet
 *       ?maxResults=N&nextPageToken=T
 * Users in a stable order; the token is opaque (the last row id seen).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"
#include "user_info.h"

#define PAGE_MAX 1000

struct page {
	struct store *st;
	struct json_object *users;
	int64_t last_id;
	int failed;
};

static int
page_add(const struct store_user *u, void *arg)
{
	struct page *pg = arg;
	struct json_object *info = account_mfa_info(pg->st, u->id, false);
	struct json_object *o = info ? user_info_json(pg->st, u, info,
	    USER_INFO_ADMIN) : NULL;

	if (o == NULL) {
		pg->failed = 1;
		return 1;
	}
	json_object_array_add(pg->users, o);
	pg->last_id = u->id;
	return 0;
}

/* maxResults (1-PAGE_MAX) and nextPageToken from the query string. */
static int
page_query_or_reply(struct request *req, long long *limit, long long *after)
{
	const char *max = http_server_query(req, "maxResults");
	const char *token = http_server_query(req, "nextPageToken");
	char *end;

	if (max != NULL && *max != '\0') {
		errno = 0;
		*limit = strtoll(max, &end, 10);
		if (errno != 0 || *end != '\0' || *limit < 1 ||
		    *limit > PAGE_MAX) {
			reply_error(req, ERR_INVALID_ARGUMENT, "maxResults must "
			    "be 1-%d", PAGE_MAX);
			return -1;
		}
	}
	if (token != NULL && *token != '\0') {
		errno = 0;
		*after = strtoll(token, &end, 10);
		if (errno != 0 || *end != '\0' || *after < 0) {
			reply_error(req, ERR_INVALID_PAGE_SELECTION, NULL);
			return -1;
		}
	}
	return 0;
}

/* The page; a full one carries the token of the next. */
static void
reply_page(struct request *req, struct page *pg, long long limit)
{
	struct json_object *body = json_object_new_object();
	char next[32];

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#DownloadAccountResponse"));
	if ((long long)json_object_array_length(pg->users) == limit) {
		snprintf(next, sizeof(next), "%lld", (long long)pg->last_id);
		json_object_object_add(body, "nextPageToken",
		    json_object_new_string(next));
	}
	if (json_object_array_length(pg->users) > 0)
		json_object_object_add(body, "users", pg->users);
	else
		json_object_put(pg->users);
	reply_json(req, 200, body);
}

void
admin_accounts_batch_get(struct request *req)
{
	struct page pg = { .st = req->emu->store };
	struct admin_realm r;
	long long after = 0, limit = PAGE_MAX;

	admin_realm_of(req, &r);
	if (page_query_or_reply(req, &limit, &after) != 0 ||
	    txn_begin_or_reply(req) != 0 ||
	    admin_realm_exists_or_reply(req, &r))
		return;
	pg.users = json_object_new_array();
	if (store_user_page(pg.st, r.project, r.tenant, after, (int)limit,
	    page_add, &pg) != STORE_OK || pg.failed) {
		json_object_put(pg.users);
		txn_fail(req);
		return;
	}
	store_rollback(pg.st);
	reply_page(req, &pg, limit);
}
