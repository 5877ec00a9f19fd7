/*
 * securetoken's token exchange: a refresh token for a new ID token that
 * keeps the session's claims (second factor included).
 * POST /v1/token (form-encoded or JSON)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "id_token.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"

/*
 * Inside the transaction: the refresh token and its user, if the token
 * may still be exchanged: known, of this project, its user enabled and
 * not revoked since. 0, or -1 after replying.
 */
static int
refresh_or_reply(struct request *req, const char *refresh,
    struct store_refresh *rt, struct store_user *u)
{
	struct store *st = req->emu->store;
	int r;

	r = store_refresh_get(st, refresh, rt);
	if (r == STORE_OK)
		r = store_user_get(st, rt->user_id, u);
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_INVALID_REFRESH_TOKEN, NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	if (strcmp(u->project_id, req->emu->cfg.project) != 0)
		return txn_refuse(req, false, ERR_INVALID_REFRESH_TOKEN, "the "
		    "refresh token belongs to another project");
	if (u->disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	if (rt->created_at < u->valid_since)
		return txn_refuse(req, false, ERR_TOKEN_EXPIRED, "the user's "
		    "tokens were revoked after this refresh token was issued");
	return 0;
}

/*
 * The exchange, in one transaction: the token checked, the user's
 * lastRefreshAt moved, its identities read for the new ID token (owned
 * by the caller in *ids), how its realm signs tokens now (*unsig) and
 * its project's number. 0, or -1 after replying.
 */
static int
exchange_or_reply(struct request *req, const char *refresh,
    struct store_refresh *rt, struct store_user *u, struct json_object **ids,
    int *unsig, char number[20])
{
	struct store *st = req->emu->store;
	struct store_realm project;
	int r;

	*ids = NULL;
	if (txn_begin_or_reply(req) != 0 ||
	    refresh_or_reply(req, refresh, rt, u) != 0)
		return -1;
	if (store_user_touch(st, u->id, clock_now_ms(&req->emu->clock),
	    false) != STORE_OK ||
	    (*unsig = id_token_realm_unsigned(req->emu, u->project_id,
	    u->tenant_id)) < 0 ||
	    (*ids = account_identities(st, u->id)) == NULL) {
		txn_fail(req);
		return -1;
	}
	r = store_realm_get(st, u->project_id, "", &project);
	if (r != STORE_OK && r != STORE_NOT_FOUND) {
		json_object_put(*ids);
		*ids = NULL;
		txn_fail(req);
		return -1;
	}
	settings_project_number(u->project_id, r == STORE_OK ? &project :
	    NULL, number);
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(*ids);
		*ids = NULL;
		return -1;
	}
	return 0;
}

/*
 * securetoken's answer, in its snake_case (new object). project_id is
 * the project's number, as production and the Firebase emulator send.
 */
static struct json_object *
token_json(const struct account_tokens *tok, const struct store_user *u,
    const char *number)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "access_token",
	    json_object_new_string(tok->id_token));
	json_object_object_add(body, "expires_in",
	    json_object_new_string("3600"));
	json_object_object_add(body, "token_type",
	    json_object_new_string("Bearer"));
	json_object_object_add(body, "refresh_token",
	    json_object_new_string(tok->refresh_token));
	json_object_object_add(body, "id_token",
	    json_object_new_string(tok->id_token));
	json_object_object_add(body, "user_id",
	    json_object_new_string(u->local_id));
	json_object_object_add(body, "project_id",
	    json_object_new_string(number));
	return body;
}

void
securetoken_token(struct request *req)
{
	const char *grant = NULL, *refresh = NULL;
	struct reqparse_field f[] = {
		{ "grant_type", RP_STRING, &grant },
		{ "refresh_token", RP_STRING, &refresh,
		    ERR_MISSING_REFRESH_TOKEN },
		{ "grantType", RP_STRING, &grant },
		/* Aliases: the required check reads the slot they share. */
		{ "refreshToken", RP_STRING, &refresh },
	};
	struct account_session sess = { 0 };
	struct account_tokens tok;
	struct store_refresh rt;
	struct store_user u;
	struct json_object *body, *ids;
	char number[20];
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(grant) || strcmp(grant, "refresh_token") != 0) {
		reply_error(req, ERR_INVALID_GRANT_TYPE, "grant_type must be "
		    "refresh_token");
		return;
	}
	if (exchange_or_reply(req, refresh, &rt, &u, &ids,
	    &sess.unsigned_token, number) != 0)
		return;
	/* The new ID token keeps the session's claims, second factor too. */
	sess.sign_in_provider = rt.sign_in_provider;
	sess.second_factor = rt.second_factor[0] ? rt.second_factor : NULL;
	sess.enrollment_id = rt.enrollment_id;
	sess.auth_time = rt.auth_time;
	sess.claims = rt.claims[0] ? rt.claims : NULL;
	sess.identities = ids;
	strcpy(tok.refresh_token, rt.token);
	r = account_sign_id_token(req->emu, &u, &sess, &tok);
	json_object_put(ids);
	if (r != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "signing failed");
		return;
	}
	body = token_json(&tok, &u, number);
	free(tok.id_token);
	reply_json(req, 200, body);
}
