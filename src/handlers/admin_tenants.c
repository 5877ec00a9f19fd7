/*
 * The Admin API's tenants, as firebase-admin's tenantManager() calls them:
 *   POST/GET  /v2/projects/{p}/tenants
 *   GET/PATCH/DELETE /v2/projects/{p}/tenants/{t}
 * The collection and its members are one resource family: a tenant's
 * JSON form, the body it takes and the page of them are shared, so they
 * live in one file. A tenant's "mfaConfig" is the MultiFactorConfig of
 * the project's config (realm_common.c); its testPhoneNumbers the test
 * numbers the control plane and fixtures set; its emailPrivacyConfig the
 * control plane's switch of that name (shown once set, as Google leaves
 * an unset message out).
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
#include "handlers/realm_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "store.h"

#define TENANT_PAGE_MAX 1000

/* The switches a Tenant carries, as the control plane names them. */
static const char *const switches[] = { "emailPrivacyConfig", NULL };

/* The tenant's own switches (those set) to `t`. */
static void
add_switches(struct json_object *t, const struct store_realm *realm)
{
	struct json_object *own = json_object_new_object();

	settings_add_json(own, realm);
	realm_copy_members(t, own, switches);
	json_object_put(own);
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
	/* What a tenant of mfaemu does: auth on, anonymous sign-up open. */
	json_object_object_add(t, "disableAuth", json_object_new_boolean(0));
	json_object_object_add(t, "enableAnonymousUser",
	    json_object_new_boolean(1));
	json_object_object_add(t, "mfaConfig", realm_mfa_config_json(realm));
	add_switches(t, realm);
	numbers = json_object_new_object();
	if (realm_test_numbers_list(req->emu->store, realm, numbers) !=
	    STORE_OK) {
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

/* A tenant body's members (borrowed from req->json; NULL when absent). */
struct tenant_body {
	const char *name;
	struct json_object *mfa;
	struct json_object *numbers;
	struct json_object *privacy;
};

/*
 * Inside the transaction: check a tenant body and apply its mfaConfig to
 * `realm`. 0, or -1 after ending the transaction and replying.
 */
static int
tenant_body_or_reply(struct request *req, struct store_realm *realm,
    struct tenant_body *b)
{
	int flag;
	struct reqparse_field ep[] = {
		{ "enableImprovedEmailPrivacy", RP_BOOL, &flag },
	};
	struct reqparse_field f[] = {
		{ "displayName", RP_STRING, &b->name },
		{ "mfaConfig", RP_OBJECT, &b->mfa },
		{ "testPhoneNumbers", RP_OBJECT, &b->numbers },
		{ "emailPrivacyConfig", RP_OBJECT, &b->privacy, 0, NULL, ep, 1 },
	};
	const char *bad;
	char err[256];

	if (reqparse_fields(req->json, NULL, f, 4, err, sizeof(err)) ||
	    (b->mfa != NULL && realm_mfa_config_parse(b->mfa, realm, err,
	    sizeof(err))) ||
	    realm_switches_parse(req->json, switches, realm, err,
	    sizeof(err)))
		return txn_refuse(req, false, ERR_INVALID_ARGUMENT, "%s", err);
	if (b->name != NULL && strlen(b->name) > STORE_TEXT_MAX)
		return txn_refuse(req, false, ERR_INVALID_ARGUMENT,
		    "displayName is too long");
	if ((bad = realm_test_numbers_invalid(b->numbers)) != NULL)
		return txn_refuse(req, false, ERR_INVALID_ARGUMENT,
		    "testPhoneNumbers: '%.32s' must map an E.164 number to a "
		    "6-digit code", bad);
	return 0;
}

/*
 * Apply a tenant body (displayName, mfaConfig, testPhoneNumbers) inside
 * the transaction. 0, or -1 after ending the transaction and replying.
 */
static int
tenant_apply_or_reply(struct request *req, struct store_realm *realm)
{
	struct store *st = req->emu->store;
	struct tenant_body b = { 0 };

	if (tenant_body_or_reply(req, realm, &b) != 0)
		return -1;
	if (store_realm_put(st, realm) != STORE_OK ||
	    (b.name != NULL && store_tenant_name_put(st, realm->project_id,
	    realm->tenant_id, b.name) != STORE_OK) ||
	    (b.numbers != NULL &&
	    realm_test_numbers_replace(st, realm, b.numbers) != STORE_OK)) {
		txn_fail(req);
		return -1;
	}
	return 0;
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

	if (realm_project_id_or_reply(req))
		return;
	/* Only the id's letters: the body is checked with the rest later. */
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
		return txn_refuse(req, false, ERR_TENANT_NOT_FOUND, NULL);
	txn_fail(req);
	return -1;
}

/* GET /v2/projects/{p}/tenants/{t} */
void
admin_tenants_get(struct request *req)
{
	struct store_realm realm;

	if (load_tenant_or_reply(req, &realm) == 0)
		reply_tenant(req, &realm);
}

/* PATCH /v2/projects/{p}/tenants/{t} */
void
admin_tenants_patch(struct request *req)
{
	struct store_realm realm;

	if (load_tenant_or_reply(req, &realm) != 0 ||
	    tenant_apply_or_reply(req, &realm) != 0)
		return;
	reply_tenant(req, &realm);
}

/* DELETE /v2/projects/{p}/tenants/{t} */
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

/* pageSize, 1 to TENANT_PAGE_MAX (absent: the most); -1 after replying. */
static int
page_size_or_reply(struct request *req, long long *limit)
{
	const char *size = http_server_query(req, "pageSize");
	char *end;

	*limit = TENANT_PAGE_MAX;
	if (size == NULL || *size == '\0')
		return 0;
	errno = 0;
	*limit = strtoll(size, &end, 10);
	if (errno != 0 || *end != '\0' || *limit < 1 ||
	    *limit > TENANT_PAGE_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "pageSize must be 1-%d",
		    TENANT_PAGE_MAX);
		return -1;
	}
	return 0;
}

/* GET /v2/projects/{p}/tenants?pageSize=N&pageToken=T */
void
admin_tenants_list(struct request *req)
{
	const char *token = http_server_query(req, "pageToken");
	struct tenant_list tl = { .req = req, .project = req->captures[0] };
	struct json_object *body;

	if (page_size_or_reply(req, &tl.limit) != 0)
		return;
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
