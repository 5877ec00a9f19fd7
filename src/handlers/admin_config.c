/*
 * The Admin API's project config, as firebase-admin's
 * projectConfigManager() calls it:
 *   GET/PATCH /v2/projects/{p}/config
 * Its "mfa" is the same realm settings the control plane and fixtures
 * set: state/enabledProviders switch SMS factors, the TOTP providerConfig
 * switches TOTP and its adjacentIntervals is the TOTP window.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/realm_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"

struct config_txn {
	struct json_object *mfa;	/* PATCH's, borrowed; or NULL */
	struct store_realm realm;
};

/* The project's realm, made on first use. */
static int
load_project(struct request *req, struct store_realm *realm)
{
	struct store *st = req->emu->store;
	int r = store_realm_ensure(st, req->captures[0], "");

	return r == STORE_OK ? store_realm_get(st, req->captures[0], "",
	    realm) : r;
}

static int
read_config(struct request *req, void *arg)
{
	struct config_txn *c = arg;

	return load_project(req, &c->realm);
}

static int
write_config(struct request *req, void *arg)
{
	struct config_txn *c = arg;
	char err[256];
	int r;

	if ((r = load_project(req, &c->realm)) != STORE_OK)
		return r;
	if (c->mfa != NULL && realm_mfa_config_parse(c->mfa, &c->realm, err,
	    sizeof(err)) != 0) {
		txn_refuse(req, false, ERR_INVALID_CONFIG, "%s", err);
		return TXN_REPLIED;
	}
	return store_realm_put(req->emu->store, &c->realm);
}

/* Once committed: the project config resource. */
static void
reply_config(struct request *req, const struct store_realm *realm)
{
	struct json_object *body = json_object_new_object();
	char name[300];

	snprintf(name, sizeof(name), "projects/%s/config", realm->project_id);
	json_object_object_add(body, "name", json_object_new_string(name));
	json_object_object_add(body, "mfa", realm_mfa_config_json(realm));
	reply_json(req, 200, body);
}

/* GET /v2/projects/{p}/config */
void
admin_config_get(struct request *req)
{
	struct config_txn c = { 0 };

	if (realm_project_id_or_reply(req) ||
	    txn_write_or_reply(req, read_config, &c))
		return;
	reply_config(req, &c.realm);
}

/* PATCH /v2/projects/{p}/config (the "mfa" member; others are ignored). */
void
admin_config_patch(struct request *req)
{
	struct config_txn c = { 0 };
	struct reqparse_field f[] = { { "mfa", RP_OBJECT, &c.mfa } };

	if (realm_project_id_or_reply(req) ||
	    reqparse_fields_or_reply(req, req->json, NULL, f, 1) ||
	    txn_write_or_reply(req, write_config, &c))
		return;
	reply_config(req, &c.realm);
}
