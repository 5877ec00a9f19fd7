/*
 * The Admin API's project config and tenants, as firebase-admin's
 * projectConfigManager() and tenantManager() call them:
 *   GET/PATCH /v2/projects/{p}/config
 *   POST/GET  /v2/projects/{p}/tenants
 *   GET/PATCH/DELETE /v2/projects/{p}/tenants/{t}
 * Their "mfa" is the same realm settings the control plane and fixtures
 * set: state/enabledProviders switch SMS factors, the TOTP providerConfig
 * switches TOTP and its adjacentIntervals is the TOTP window.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "sms_code.h"
#include "store.h"

#define TENANT_PAGE_MAX 1000

/* Google's MultiFactorConfig for a realm (new object). */
static struct json_object *
mfa_json(const struct store_realm *realm)
{
	struct json_object *m = json_object_new_object();
	struct json_object *providers = json_object_new_array();
	struct json_object *configs = json_object_new_array();
	struct json_object *pc = json_object_new_object();
	struct json_object *totp = json_object_new_object();
	int window = realm->totp_window ? realm->totp_window - 1 :
	    SETTINGS_DEFAULT_TOTP_WINDOW;

	json_object_object_add(m, "state", json_object_new_string(
	    realm->mfa_phone ? "ENABLED" : "DISABLED"));
	if (realm->mfa_phone)
		json_object_array_add(providers,
		    json_object_new_string("PHONE_SMS"));
	json_object_object_add(m, "enabledProviders", providers);
	json_object_object_add(pc, "state", json_object_new_string(
	    realm->mfa_totp ? "ENABLED" : "DISABLED"));
	json_object_object_add(totp, "adjacentIntervals",
	    json_object_new_int(window));
	json_object_object_add(pc, "totpProviderConfig", totp);
	json_object_array_add(configs, pc);
	json_object_object_add(m, "providerConfigs", configs);
	return m;
}

/* Apply a MultiFactorConfig (borrowed) to `realm`; -1 with err. */
static int
mfa_parse(struct json_object *m, struct store_realm *realm, char *err,
    size_t errlen)
{
	const char *state = NULL;
	struct json_object *providers = NULL, *configs = NULL;
	struct reqparse_field f[] = {
		{ "state", RP_STRING, &state },
		{ "enabledProviders", RP_ARRAY, &providers },
		{ "providerConfigs", RP_ARRAY, &configs },
	};
	int sms = -1;

	if (!json_object_is_type(m, json_type_object)) {
		snprintf(err, errlen, "mfa must be an object");
		return -1;
	}
	if (reqparse_fields(m, "mfa", f, 3, err, errlen))
		return -1;
	if (providers != NULL) {
		sms = 0;
		for (size_t i = 0; i < json_object_array_length(providers);
		    i++) {
			const char *p = json_object_get_string(
			    json_object_array_get_idx(providers, i));

			if (p != NULL && strcmp(p, "PHONE_SMS") == 0)
				sms = 1;
			else if (p == NULL || strcmp(p, "PROVIDER_UNSPECIFIED"))
			{
				snprintf(err, errlen, "mfa.enabledProviders: "
				    "'%.40s' is not PHONE_SMS", p ? p : "?");
				return -1;
			}
		}
	}
	if (state != NULL) {
		if (strcmp(state, "DISABLED") == 0)
			sms = 0;
		else if (strcmp(state, "ENABLED") == 0 ||
		    strcmp(state, "MANDATORY") == 0)
			sms = providers != NULL ? sms : 1;
		else {
			snprintf(err, errlen, "mfa.state must be ENABLED, "
			    "DISABLED or MANDATORY");
			return -1;
		}
	}
	if (sms >= 0)
		realm->mfa_phone = sms;
	for (size_t i = 0; configs && i < json_object_array_length(configs);
	    i++) {
		struct json_object *pc = json_object_array_get_idx(configs, i);
		struct json_object *totp = NULL;
		const char *pstate = NULL;
		int64_t adjacent = -1;
		struct reqparse_field pf[] = {
			{ "state", RP_STRING, &pstate },
			{ "totpProviderConfig", RP_OBJECT, &totp },
		};
		struct reqparse_field tf[] = {
			{ "adjacentIntervals", RP_INT, &adjacent },
		};

		if (!json_object_is_type(pc, json_type_object) ||
		    reqparse_fields(pc, "mfa.providerConfigs", pf, 2, err,
		    errlen) || (totp != NULL && reqparse_fields(totp,
		    "mfa.providerConfigs.totpProviderConfig", tf, 1, err,
		    errlen))) {
			if (!json_object_is_type(pc, json_type_object))
				snprintf(err, errlen, "mfa.providerConfigs "
				    "entries are objects");
			return -1;
		}
		if (totp == NULL)
			continue;
		if (pstate != NULL)
			realm->mfa_totp = strcmp(pstate, "ENABLED") == 0;
		if (json_object_object_get_ex(totp, "adjacentIntervals",
		    NULL)) {
			if (adjacent < 0 || adjacent > 10) {
				snprintf(err, errlen, "adjacentIntervals must "
				    "be 0-10");
				return -1;
			}
			realm->totp_window = (int)adjacent + 1;
		}
	}
	return 0;
}

static void
not_found(struct request *req)
{
	store_rollback(req->emu->store);
	reply_error(req, ERR_TENANT_NOT_FOUND, NULL);
}

static int
add_number(const char *phone, const char *code, void *arg)
{
	json_object_object_add(arg, phone, json_object_new_string(code));
	return 0;
}

/* Inside the transaction: the tenant resource (new object) or NULL. */
static struct json_object *
tenant_json(struct request *req, const struct store_realm *realm)
{
	struct json_object *t = json_object_new_object(), *numbers;
	char name[STORE_TEXT_MAX + 1] = "", path[300];

	snprintf(path, sizeof(path), "projects/%s/tenants/%s",
	    realm->project_id, realm->tenant_id);
	json_object_object_add(t, "name", json_object_new_string(path));
	if (store_tenant_name_get(req->emu->store, realm->project_id,
	    realm->tenant_id, name, sizeof(name)) != STORE_OK) {
		json_object_put(t);
		return NULL;
	}
	json_object_object_add(t, "displayName", json_object_new_string(name));
	json_object_object_add(t, "allowPasswordSignup",
	    json_object_new_boolean(1));
	json_object_object_add(t, "enableEmailLinkSignin",
	    json_object_new_boolean(0));
	json_object_object_add(t, "mfaConfig", mfa_json(realm));
	numbers = json_object_new_object();
	if (store_test_phone_list(req->emu->store, realm->project_id,
	    realm->tenant_id, add_number, numbers) != STORE_OK) {
		json_object_put(numbers);
		json_object_put(t);
		return NULL;
	}
	if (json_object_object_length(numbers) > 0)
		json_object_object_add(t, "testPhoneNumbers", numbers);
	else
		json_object_put(numbers);
	return t;
}

/* GET /v2/projects/{p}/config */
void
admin_config_get(struct request *req)
{
	struct store_realm realm;
	struct json_object *body;
	char name[300];

	if (strlen(req->captures[0]) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_PROJECT_ID, NULL);
		return;
	}
	if (txn_begin_or_reply(req) != 0)
		return;
	if (store_realm_ensure(req->emu->store, req->captures[0], "") !=
	    STORE_OK || store_realm_get(req->emu->store, req->captures[0], "",
	    &realm) != STORE_OK || txn_commit_or_reply(req) != 0) {
		if (req->status == 0)
			txn_fail(req);
		return;
	}
	body = json_object_new_object();
	snprintf(name, sizeof(name), "projects/%s/config", realm.project_id);
	json_object_object_add(body, "name", json_object_new_string(name));
	json_object_object_add(body, "mfa", mfa_json(&realm));
	reply_json(req, 200, body);
}

/* PATCH /v2/projects/{p}/config (the "mfa" member; others are ignored). */
void
admin_config_patch(struct request *req)
{
	struct store_realm realm;
	struct json_object *mfa = NULL, *body;
	struct reqparse_field f[] = { { "mfa", RP_OBJECT, &mfa } };
	char err[256], name[300];

	if (strlen(req->captures[0]) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_PROJECT_ID, NULL);
		return;
	}
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1) ||
	    txn_begin_or_reply(req) != 0)
		return;
	if (store_realm_ensure(req->emu->store, req->captures[0], "") !=
	    STORE_OK || store_realm_get(req->emu->store, req->captures[0], "",
	    &realm) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (mfa != NULL && mfa_parse(mfa, &realm, err, sizeof(err)) != 0) {
		store_rollback(req->emu->store);
		reply_error(req, ERR_INVALID_CONFIG, "%s", err);
		return;
	}
	if (store_realm_put(req->emu->store, &realm) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	snprintf(name, sizeof(name), "projects/%s/config", realm.project_id);
	json_object_object_add(body, "name", json_object_new_string(name));
	json_object_object_add(body, "mfa", mfa_json(&realm));
	reply_json(req, 200, body);
}

/*
 * Apply a tenant body: displayName, mfaConfig, testPhoneNumbers (borrowed
 * members of req->json) inside the transaction. 0, or -1 after replying.
 */
static int
tenant_apply_or_reply(struct request *req, struct store_realm *realm)
{
	struct store *st = req->emu->store;
	const char *name = NULL;
	struct json_object *mfa = NULL, *numbers = NULL;
	struct reqparse_field f[] = {
		{ "displayName", RP_STRING, &name },
		{ "mfaConfig", RP_OBJECT, &mfa },
		{ "testPhoneNumbers", RP_OBJECT, &numbers },
	};
	char err[256];

	if (reqparse_fields(req->json, NULL, f, 3, err, sizeof(err)) ||
	    (mfa != NULL && mfa_parse(mfa, realm, err, sizeof(err)))) {
		store_rollback(st);
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return -1;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		store_rollback(st);
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is too "
		    "long");
		return -1;
	}
	if (numbers != NULL) {
		json_object_object_foreach(numbers, phone, code) {
			if (!sms_code_valid_phone(phone) ||
			    !json_object_is_type(code, json_type_string) ||
			    !sms_code_valid_code(json_object_get_string(code))) {
				store_rollback(st);
				reply_error(req, ERR_INVALID_ARGUMENT,
				    "testPhoneNumbers: '%.32s' must map an "
				    "E.164 number to a 6-digit code", phone);
				return -1;
			}
		}
	}
	if (store_realm_put(st, realm) != STORE_OK ||
	    (name != NULL && store_tenant_name_put(st, realm->project_id,
	    realm->tenant_id, name) != STORE_OK))
		goto broken;
	if (numbers != NULL) {
		if (store_test_phone_clear(st, realm->project_id,
		    realm->tenant_id) != STORE_OK)
			goto broken;
		json_object_object_foreach(numbers, phone, code) {
			if (store_test_phone_put(st, realm->project_id,
			    realm->tenant_id, phone,
			    json_object_get_string(code)) != STORE_OK)
				goto broken;
		}
	}
	return 0;
broken:
	txn_fail(req);
	return -1;
}

/* Inside the transaction: commit and reply with the tenant. */
static void
reply_tenant(struct request *req, const struct store_realm *realm)
{
	struct json_object *t = tenant_json(req, realm);

	if (t == NULL) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(t);
		return;
	}
	reply_json(req, 200, t);
}

/* Google-like tenant ids: the display name's letters, '-', 5 random. */
static int
new_tenant_id(const char *display, char *out, size_t outlen)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[5];
	size_t n = 0;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	for (const char *p = display; p && *p && n < 20; p++) {
		if (isalnum((unsigned char)*p) || *p == '-')
			out[n++] = (char)tolower((unsigned char)*p);
	}
	if (n == 0) {
		memcpy(out, "tenant", 6);
		n = 6;
	}
	out[n++] = '-';
	for (size_t i = 0; i < sizeof(r) && n + 1 < outlen; i++)
		out[n++] = alphabet[r[i] % 36];
	out[n] = '\0';
	return 0;
}

/* POST /v2/projects/{p}/tenants */
void
admin_tenants_create(struct request *req)
{
	struct store_realm realm;
	const char *display = NULL;
	struct json_object *v;

	if (strlen(req->captures[0]) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_PROJECT_ID, NULL);
		return;
	}
	if (json_object_object_get_ex(req->json, "displayName", &v) &&
	    json_object_is_type(v, json_type_string))
		display = json_object_get_string(v);
	memset(&realm, 0, sizeof(realm));
	strcpy(realm.project_id, req->captures[0]);
	realm.mfa_phone = realm.mfa_totp = 1;
	if (new_tenant_id(display, realm.tenant_id,
	    sizeof(realm.tenant_id)) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "RAND_bytes failed");
		return;
	}
	if (txn_begin_or_reply(req) != 0)
		return;
	if (store_realm_ensure(req->emu->store, realm.project_id, "") !=
	    STORE_OK) {
		txn_fail(req);
		return;
	}
	if (tenant_apply_or_reply(req, &realm) != 0)
		return;
	reply_tenant(req, &realm);
}

/* Begin and load the tenant named by the path; -1 after replying. */
static int
load_tenant_or_reply(struct request *req, struct store_realm *realm)
{
	int r;

	if (txn_begin_or_reply(req) != 0)
		return -1;
	r = store_realm_get(req->emu->store, req->captures[0],
	    req->captures[1], realm);
	if (r == STORE_OK)
		return 0;
	if (r == STORE_NOT_FOUND)
		not_found(req);
	else
		txn_fail(req);
	return -1;
}

void
admin_tenants_get(struct request *req)
{
	struct store_realm realm;

	if (load_tenant_or_reply(req, &realm) == 0)
		reply_tenant(req, &realm);
}

void
admin_tenants_patch(struct request *req)
{
	struct store_realm realm;

	if (load_tenant_or_reply(req, &realm) != 0 ||
	    tenant_apply_or_reply(req, &realm) != 0)
		return;
	reply_tenant(req, &realm);
}

void
admin_tenants_delete(struct request *req)
{
	struct store_realm realm;

	if (load_tenant_or_reply(req, &realm) != 0)
		return;
	if (store_reset_realm(req->emu->store, realm.project_id,
	    realm.tenant_id) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}

struct tenant_list {
	struct request *req;
	struct json_object *items;
	const char *project;
	const char *after;	/* page token: the last tenant id returned */
	long long limit;
	char last[STORE_ID_MAX + 1];
	int more;
	int failed;
};

static int
list_one(const struct store_realm *realm, void *arg)
{
	struct tenant_list *tl = arg;
	struct json_object *t;

	if (realm->tenant_id[0] == '\0' ||
	    strcmp(realm->project_id, tl->project) != 0 ||
	    (tl->after != NULL && strcmp(realm->tenant_id, tl->after) <= 0))
		return 0;
	if ((long long)json_object_array_length(tl->items) == tl->limit) {
		tl->more = 1;
		return 1;
	}
	if ((t = tenant_json(tl->req, realm)) == NULL) {
		tl->failed = 1;
		return 1;
	}
	json_object_array_add(tl->items, t);
	snprintf(tl->last, sizeof(tl->last), "%s", realm->tenant_id);
	return 0;
}

/* GET /v2/projects/{p}/tenants?pageSize=N&pageToken=T */
void
admin_tenants_list(struct request *req)
{
	const char *size = http_server_query(req, "pageSize");
	const char *token = http_server_query(req, "pageToken");
	struct tenant_list tl = { .req = req, .project = req->captures[0],
	    .limit = TENANT_PAGE_MAX };
	struct json_object *body;
	char *end;

	if (size != NULL && *size != '\0') {
		errno = 0;
		tl.limit = strtoll(size, &end, 10);
		if (errno != 0 || *end != '\0' || tl.limit < 1 ||
		    tl.limit > TENANT_PAGE_MAX) {
			reply_error(req, ERR_INVALID_ARGUMENT, "pageSize must be "
			    "1-%d", TENANT_PAGE_MAX);
			return;
		}
	}
	tl.after = token && *token ? token : NULL;
	if (txn_begin_or_reply(req) != 0)
		return;
	tl.items = json_object_new_array();
	if (store_realm_list(req->emu->store, list_one, &tl) != STORE_OK ||
	    tl.failed) {
		json_object_put(tl.items);
		txn_fail(req);
		return;
	}
	store_rollback(req->emu->store);
	body = json_object_new_object();
	json_object_object_add(body, "tenants", tl.items);
	if (tl.more)
		json_object_object_add(body, "nextPageToken",
		    json_object_new_string(tl.last));
	reply_json(req, 200, body);
}
