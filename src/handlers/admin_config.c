/*
 * The Admin API's project config, as firebase-admin's
 * projectConfigManager() calls it:
 *   GET/PATCH /v2/projects/{p}/config
 * Its "mfa" is the same realm settings the control plane and fixtures
 * set: state/enabledProviders switch SMS factors, the TOTP providerConfig
 * switches TOTP and its adjacentIntervals is the TOTP window. Its
 * "signIn".allowDuplicateEmails and "emailPrivacyConfig" are the control
 * plane's switches of the same names; "blockingFunctions" is shown empty,
 * as the Firebase Auth Emulator shows it with none configured (mfaemu
 * calls no blocking functions). PATCH follows Google's updateMask.
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
#include "settings.h"
#include "store.h"

/* The switches a Config carries, as the control plane names them. */
static const char *const switches[] = { "signIn", "emailPrivacyConfig",
	NULL };

struct config_txn {
	struct json_object *body;	/* PATCH's, masked (owned); or NULL */
	struct json_object *mfa;	/* in body, borrowed; or NULL */
	struct json_object *blocking;	/* in body, borrowed; or NULL */
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
	if ((c->mfa != NULL && realm_mfa_config_parse(c->mfa, &c->realm, err,
	    sizeof(err)) != 0) || realm_switches_parse(c->body, switches,
	    &c->realm, err, sizeof(err)) != 0) {
		txn_refuse(req, false, ERR_INVALID_CONFIG, "%s", err);
		return TXN_REPLIED;
	}
	return store_realm_put(req->emu->store, &c->realm);
}

/* Once committed: the project config resource. */
static void
reply_config(struct request *req, const struct store_realm *realm)
{
	struct json_object *body = json_object_new_object(), *eff;
	struct settings set;
	char name[300];

	snprintf(name, sizeof(name), "projects/%s/config", realm->project_id);
	json_object_object_add(body, "name", json_object_new_string(name));
	settings_effective(&req->emu->cfg, realm, &set);
	eff = settings_effective_json(&set);
	realm_copy_members(body, eff, switches);
	json_object_put(eff);
	json_object_object_add(body, "mfa", realm_mfa_config_json(realm));
	json_object_object_add(body, "blockingFunctions",
	    json_object_new_object());
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

/*
 * Check the types of the Config members mfaemu reads in `obj` and point
 * c's slots at them; -1 after replying 400.
 */
static int
config_fields_or_reply(struct request *req, struct json_object *obj,
    struct config_txn *c)
{
	struct json_object *sign_in = NULL, *privacy = NULL;
	int flag;
	struct reqparse_field si[] = {
		{ "allowDuplicateEmails", RP_BOOL, &flag },
	};
	struct reqparse_field ep[] = {
		{ "enableImprovedEmailPrivacy", RP_BOOL, &flag },
	};
	struct reqparse_field f[] = {
		{ "mfa", RP_OBJECT, &c->mfa },
		{ "signIn", RP_OBJECT, &sign_in, 0, NULL, si, 1 },
		{ "emailPrivacyConfig", RP_OBJECT, &privacy, 0, NULL, ep, 1 },
		{ "blockingFunctions", RP_OBJECT, &c->blocking },
	};

	return reqparse_fields_or_reply(req, obj, "config", f, 4);
}

/*
 * PATCH /v2/projects/{p}/config?updateMask=...: mfa, signIn and
 * emailPrivacyConfig (the masked paths, or the members given); Config's
 * other members are accepted and ignored.
 */
void
admin_config_patch(struct request *req)
{
	struct config_txn c = { 0 };
	char err[256];

	if (realm_project_id_or_reply(req) ||
	    config_fields_or_reply(req, req->json, &c))
		return;
	c.body = realm_masked_body(req->json, http_server_query(req,
	    "updateMask"), err, sizeof(err));
	if (c.body == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	c.mfa = c.blocking = NULL;
	if (config_fields_or_reply(req, c.body, &c) == 0 &&
	    realm_no_triggers_or_reply(req, c.blocking) == 0 &&
	    txn_write_or_reply(req, write_config, &c) == 0)
		reply_config(req, &c.realm);
	json_object_put(c.body);
}
