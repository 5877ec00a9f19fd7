/*
 * A realm's settings and test phone numbers:
 * GET and PATCH /emulator/v1/projects/{p}[/tenants/{t}]/config.
 */
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "handlers/realm_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "id_token.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "store.h"

struct config_txn {
	struct json_object *new_numbers;	/* PATCH's, borrowed; or NULL */
	struct store_realm realm;
	struct json_object *numbers;	/* the realm's, for the reply (owned) */
	int unsigned_tokens;	/* id_token_realm_unsigned's answer */
};

/*
 * The realm's effective settings and test numbers (c->numbers consumed;
 * new object).
 */
static struct json_object *
config_json(struct request *req, const struct config_txn *c)
{
	const struct store_realm *realm = &c->realm;
	struct settings set;
	struct json_object *o;

	settings_effective(&req->emu->cfg, realm, &set);
	/* A tenant without its own idTokenAlg follows its project. */
	set.id_token_alg = settings_alg_name(c->unsigned_tokens);
	o = settings_effective_json(&set);
	json_object_object_add(o, "projectId",
	    json_object_new_string(realm->project_id));
	if (realm->tenant_id[0] != '\0')
		json_object_object_add(o, "tenantId",
		    json_object_new_string(realm->tenant_id));
	json_object_object_add(o, "testPhoneNumbers", c->numbers);
	return o;
}

/* The last step of both transactions: what the reply shows. */
static int
list_numbers(struct request *req, struct config_txn *c)
{
	c->unsigned_tokens = id_token_realm_unsigned(req->emu,
	    c->realm.project_id, c->realm.tenant_id);
	if (c->unsigned_tokens < 0)
		return STORE_ERROR;
	c->numbers = json_object_new_object();
	return realm_test_numbers_list(req->emu->store, &c->realm, c->numbers);
}

/* Reply with the realm once the transaction is over (or free it). */
static void
reply_config(struct request *req, struct config_txn *c, int txn_result)
{
	if (txn_result != 0) {
		json_object_put(c->numbers);
		return;
	}
	reply_json(req, 200, config_json(req, c));
}

/* The realm's row, or the defaults a project has before it has a row. */
static void
default_realm(struct store_realm *realm, const char *project,
    const char *tenant)
{
	memset(realm, 0, sizeof(*realm));
	strcpy(realm->project_id, project);
	strcpy(realm->tenant_id, tenant);
	realm->mfa_phone = realm->mfa_totp = 1;
}

/*
 * Every project has a config, as in the Firebase Auth Emulator, whose
 * project state is made on first use: one nobody configured yet shows
 * the defaults (and GET creates nothing). A tenant must exist.
 */
static int
read_config(struct request *req, void *arg)
{
	struct config_txn *c = arg;
	const char *tenant = control_tenant(req);
	int r;

	r = store_realm_get(req->emu->store, req->captures[0], tenant,
	    &c->realm);
	if (r == STORE_NOT_FOUND && *tenant == '\0') {
		default_realm(&c->realm, req->captures[0], "");
		r = STORE_OK;
	}
	if (r == STORE_NOT_FOUND) {
		txn_refuse(req, false, ERR_NOT_FOUND, "no tenant '%s' in "
		    "project '%s' (PATCH its config or load a fixture to "
		    "create it)", tenant, req->captures[0]);
		return TXN_REPLIED;
	}
	return r == STORE_OK ? list_numbers(req, c) : r;
}

/* GET .../config */
void
control_config_get(struct request *req)
{
	struct config_txn c = { 0 };

	if (control_query_or_reply(req, NULL) ||
	    control_realm_ids_or_reply(req))
		return;
	reply_config(req, &c, txn_write_or_reply(req, read_config, &c));
}

/* 400 unless every test number is an E.164 number mapped to a code. */
static int
numbers_valid_or_reply(struct request *req, struct json_object *numbers)
{
	const char *bad = realm_test_numbers_invalid(numbers);

	if (bad == NULL)
		return 0;
	reply_error(req, ERR_INVALID_ARGUMENT, "testPhoneNumbers: '%.32s' must "
	    "be an E.164 number mapped to a 6-digit code", bad);
	return -1;
}

/* The realm, or a new one with the defaults (and its project's row). */
static int
realm_or_new(struct request *req, struct store_realm *realm)
{
	struct store *st = req->emu->store;
	const char *tenant = control_tenant(req);
	int r = store_realm_get(st, req->captures[0], tenant, realm);

	if (r != STORE_NOT_FOUND)
		return r;
	default_realm(realm, req->captures[0], tenant);
	/* A tenant needs its project's row too. */
	if (*tenant != '\0')
		return store_realm_ensure(st, realm->project_id, "");
	return STORE_OK;
}

static int
write_config(struct request *req, void *arg)
{
	struct config_txn *c = arg;
	struct store *st = req->emu->store;
	char err[256];
	int r;

	if ((r = realm_or_new(req, &c->realm)) != STORE_OK)
		return r;
	if (settings_parse(req->json, &c->realm, err, sizeof(err)) != 0) {
		txn_refuse(req, false, ERR_INVALID_ARGUMENT, "%s", err);
		return TXN_REPLIED;
	}
	if ((r = store_realm_put(st, &c->realm)) != STORE_OK)
		return r;
	if (c->new_numbers != NULL &&
	    (r = realm_test_numbers_replace(st, &c->realm,
	    c->new_numbers)) != STORE_OK)
		return r;
	return list_numbers(req, c);
}

static int
id_mismatch(struct request *req, const char *name, const char *given,
    const char *path)
{
	reply_error(req, ERR_INVALID_ARGUMENT, "%s: '%.128s' is not the "
	    "path's '%.128s' (the path says whose config this is)", name,
	    given, path);
	return -1;
}

/*
 * 400 unless every member is a setting or one GET shows (so a config read
 * can be sent back), the ids being the path's; the Firebase emulator's
 * "blockingFunctions" is taken when it names no triggers.
 */
static int
members_valid_or_reply(struct request *req, struct config_txn *c)
{
	static const char *const extra[] = { "testPhoneNumbers", "projectId",
	    "tenantId", "blockingFunctions", NULL };
	const char *project = NULL, *tenant = NULL;
	struct json_object *blocking = NULL;
	struct reqparse_field f[] = {
		{ "testPhoneNumbers", RP_OBJECT, &c->new_numbers },
		{ "projectId", RP_STRING, &project },
		{ "tenantId", RP_STRING, &tenant },
		{ "blockingFunctions", RP_OBJECT, &blocking },
	};
	char err[768];

	if (settings_known(req->json, NULL, extra, err, sizeof(err)) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return -1;
	}
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 4) ||
	    realm_no_triggers_or_reply(req, blocking))
		return -1;
	if (project != NULL && strcmp(project, req->captures[0]) != 0)
		return id_mismatch(req, "projectId", project, req->captures[0]);
	if (tenant != NULL && strcmp(tenant, control_tenant(req)) != 0)
		return id_mismatch(req, "tenantId", tenant,
		    control_tenant(req));
	return 0;
}

/*
 * PATCH .../config: the settings members given (others kept); a
 * "testPhoneNumbers" object replaces the realm's test numbers. Creates
 * the project or tenant if it does not exist.
 */
void
control_config_patch(struct request *req)
{
	struct config_txn c = { 0 };

	if (control_query_or_reply(req, NULL) ||
	    control_realm_ids_or_reply(req) ||
	    members_valid_or_reply(req, &c) ||
	    numbers_valid_or_reply(req, c.new_numbers))
		return;
	reply_config(req, &c, txn_write_or_reply(req, write_config, &c));
}
