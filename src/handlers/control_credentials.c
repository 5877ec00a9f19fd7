/*
 * POST /emulator/v1/projects/{p}/pendingCredentials: mint a pending MFA
 * credential for a user, as if they had just passed their first factor,
 * so a test can start at the second.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"

struct mint {
	const char *local_id;
	const char *tenant;
	int64_t expires_in;	/* 0: the realm's lifetime */
	struct store_user user;
	struct store_credential cred;
};

static int
mint(struct request *req, void *arg)
{
	struct emu *emu = req->emu;
	struct mint *m = arg;
	int r;

	r = store_user_find(emu->store, req->captures[0], m->tenant,
	    m->local_id, &m->user);
	if (r == STORE_NOT_FOUND) {
		txn_refuse(req, false, ERR_USER_NOT_FOUND, "no user '%.128s' "
		    "in project '%.128s'%s%.128s", m->local_id,
		    req->captures[0], *m->tenant ? ", tenant " : "",
		    m->tenant);
		return TXN_REPLIED;
	}
	if (r != STORE_OK)
		return r;
	if (account_mint_credential(emu, &m->user, "password", m->expires_in,
	    clock_now_ms(&emu->clock), &m->cred) != 0)
		return STORE_ERROR;
	return STORE_OK;
}

static void
reply_credential(struct request *req, const struct mint *m)
{
	struct json_object *body = json_object_new_object();
	char when[32];

	clock_format_rfc3339(m->cred.expires_at, when, sizeof(when));
	json_object_object_add(body, "mfaPendingCredential",
	    json_object_new_string(m->cred.credential));
	json_object_object_add(body, "localId",
	    json_object_new_string(m->user.local_id));
	if (m->user.tenant_id[0] != '\0')
		json_object_object_add(body, "tenantId",
		    json_object_new_string(m->user.tenant_id));
	json_object_object_add(body, "expireTime",
	    json_object_new_string(when));
	reply_json(req, 200, body);
}

void
control_credentials_mint(struct request *req)
{
	struct mint m = { .tenant = "" };
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &m.local_id, ERR_INVALID_ARGUMENT,
		    "localId is required" },
		{ "tenantId", RP_STRING, &m.tenant },
		{ "expiresIn", RP_INT, &m.expires_in },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 3))
		return;
	if (m.expires_in < 0 || m.expires_in > 10LL * 365 * 86400) {
		reply_error(req, ERR_INVALID_ARGUMENT, "expiresIn must be "
		    "1-315360000 seconds");
		return;
	}
	if (txn_write_or_reply(req, mint, &m) != 0)
		return;
	reply_credential(req, &m);
}
