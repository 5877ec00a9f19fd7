/*
 * POST /emulator/v1/projects/{p}/pendingCredentials: mint a pending MFA
 * credential for a user, as if they had just passed their first factor,
 * so a test can start at the second.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/control_common.h"
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

/* Where else a user with the local id is: another realm of the project. */
struct elsewhere {
	struct store *st;
	const struct mint *m;
	const char *project;
	char tenant[STORE_ID_MAX + 1];	/* the realm found */
	int found;
	int r;			/* a store failure */
};

static int
look_in_realm(const struct store_realm *realm, void *arg)
{
	struct elsewhere *e = arg;
	struct store_user u;

	/* The project itself is looked at first (it may have no row). */
	if (strcmp(realm->project_id, e->project) != 0 ||
	    realm->tenant_id[0] == '\0' ||
	    strcmp(realm->tenant_id, e->m->tenant) == 0)
		return 0;
	e->r = store_user_find(e->st, e->project, realm->tenant_id,
	    e->m->local_id, &u);
	if (e->r == STORE_NOT_FOUND) {
		e->r = STORE_OK;
		return 0;
	}
	e->found = e->r == STORE_OK;
	snprintf(e->tenant, sizeof(e->tenant), "%s", realm->tenant_id);
	return 1;
}

/*
 * USER_NOT_FOUND naming the realm asked for and, when the project has a
 * user with that local id in another realm, where it is and how to ask.
 */
static int
no_user(struct request *req, const struct mint *m)
{
	struct elsewhere e = { .st = req->emu->store, .m = m,
	    .project = req->captures[0] };
	struct store_user u;
	char hint[512] = "";

	if (*m->tenant != '\0') {
		e.r = store_user_find(e.st, e.project, "", m->local_id, &u);
		e.found = e.r == STORE_OK;
		if (e.r == STORE_NOT_FOUND)
			e.r = STORE_OK;
	}
	if (e.r == STORE_OK && !e.found &&
	    store_realm_list(e.st, look_in_realm, &e) != STORE_OK)
		e.r = STORE_ERROR;
	if (e.r != STORE_OK)
		return STORE_ERROR;
	if (e.found && e.tenant[0] == '\0')
		snprintf(hint, sizeof(hint), "; a user '%.128s' is in the "
		    "project itself: leave out \"tenantId\"", m->local_id);
	else if (e.found)
		snprintf(hint, sizeof(hint), "; a user '%.128s' is in tenant "
		    "'%.128s': pass \"tenantId\": \"%.128s\"", m->local_id,
		    e.tenant, e.tenant);
	txn_refuse(req, false, ERR_USER_NOT_FOUND, "no user '%.128s' in "
	    "%s%.128s%sproject '%.128s'%s", m->local_id, *m->tenant ?
	    "tenant '" : "", m->tenant, *m->tenant ? "' of " : "",
	    req->captures[0], hint);
	return TXN_REPLIED;
}

static int
mint(struct request *req, void *arg)
{
	struct emu *emu = req->emu;
	struct mint *m = arg;
	int r;

	r = store_user_find(emu->store, req->captures[0], m->tenant,
	    m->local_id, &m->user);
	if (r == STORE_NOT_FOUND)
		return no_user(req, m);
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

	if (control_query_or_reply(req, NULL) ||
	    control_fields_or_reply(req, f, 3))
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
