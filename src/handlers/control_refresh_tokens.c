/*
 * GET /emulator/v1/projects/{p}[/tenants/{t}]/accounts/{localId}/
 * refreshTokens: a user's refresh tokens, newest first, for the
 * inspector's user page. A refresh token is a bearer secret, so only its
 * first characters are shown, enough to tell two apart. Refresh tokens
 * do not expire (as Google's do not); one is revoked once the user's
 * validSince passes its creation (accounts:update validSince, a password
 * change), which is what securetoken checks (token.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"

/* Shown of each token; the rest stays with whoever holds it. */
#define PREFIX_LEN 8
/* Newest first; a user signed in in a loop has thousands. */
#define LIST_MAX 100

struct token_list {
	struct json_object *tokens;
	int64_t valid_since;	/* the user's, ms */
	size_t n;
};

static void
add_time(struct json_object *item, const char *name, int64_t ms)
{
	char when[32];

	if (clock_format_rfc3339(ms, when, sizeof(when)) == 0)
		json_object_object_add(item, name,
		    json_object_new_string(when));
}

static int
add_token(const struct store_refresh *x, void *arg)
{
	struct token_list *tl = arg;
	struct json_object *item;
	bool revoked = x->created_at < tl->valid_since;

	/* The one past LIST_MAX only says that more exist. */
	if (++tl->n > LIST_MAX)
		return 0;
	item = json_object_new_object();
	json_object_object_add(item, "tokenPrefix",
	    json_object_new_string_len(x->token,
	    (int)strnlen(x->token, PREFIX_LEN)));
	add_time(item, "createTime", x->created_at);
	add_time(item, "authTime", x->auth_time * 1000);
	json_object_object_add(item, "signInProvider",
	    json_object_new_string(x->sign_in_provider));
	if (x->second_factor[0] != '\0')
		json_object_object_add(item, "secondFactor",
		    json_object_new_string(x->second_factor));
	if (x->enrollment_id[0] != '\0')
		json_object_object_add(item, "mfaEnrollmentId",
		    json_object_new_string(x->enrollment_id));
	json_object_object_add(item, "state",
	    json_object_new_string(revoked ? "revoked" : "active"));
	json_object_array_add(tl->tokens, item);
	return 0;
}

/* 400 unless the path's ids fit the store. */
static int
ids_or_reply(struct request *req)
{
	for (size_t i = 0; i < req->ncaptures; i++) {
		if (strlen(req->captures[i]) > STORE_ID_MAX) {
			reply_error(req, ERR_INVALID_ARGUMENT, "project, "
			    "tenant and user ids are at most %d characters",
			    STORE_ID_MAX);
			return -1;
		}
	}
	return 0;
}

static void
reply_tokens(struct request *req, struct token_list *tl,
    const struct store_user *u)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "localId",
	    json_object_new_string(u->local_id));
	json_object_object_add(body, "refreshTokens", tl->tokens);
	if (tl->n > LIST_MAX)
		json_object_object_add(body, "truncated",
		    json_object_new_boolean(1));
	reply_json(req, 200, body);
}

void
control_refresh_tokens_list(struct request *req)
{
	struct store *st = req->emu->store;
	const char *tenant = req->ncaptures == 3 ? req->captures[1] : "";
	const char *local_id = req->captures[req->ncaptures - 1];
	struct token_list tl = { 0 };
	struct store_user u;
	int r;

	if (control_query_or_reply(req, NULL) || ids_or_reply(req) ||
	    txn_begin_or_reply(req) != 0)
		return;
	r = store_user_find(st, req->captures[0], tenant, local_id, &u);
	if (r == STORE_NOT_FOUND) {
		store_rollback(st);
		reply_error(req, ERR_USER_NOT_FOUND, "no user '%.128s' in "
		    "project '%.128s'%s%.128s", local_id, req->captures[0],
		    *tenant ? ", tenant " : "", tenant);
		return;
	}
	tl.tokens = json_object_new_array();
	tl.valid_since = u.valid_since;
	if (r == STORE_OK)
		r = store_refresh_list(st, u.id, LIST_MAX + 1, add_token, &tl);
	store_rollback(st);
	if (r != STORE_OK) {
		json_object_put(tl.tokens);
		txn_unavailable(req);
		return;
	}
	reply_tokens(req, &tl, &u);
}
