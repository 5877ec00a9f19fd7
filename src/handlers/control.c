/*
 * mfaemu's control plane for scripted tests: reset, fixtures at run time,
 * per-realm settings, the outbox, fault rules and the event log. All under
 * /emulator/v1; --control-token guards them (router.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "fixtures.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "sms_code.h"
#include "store.h"

/* captures[0] is the project; captures[1], when present, the tenant. */
static const char *
tenant_of(struct request *req)
{
	return req->ncaptures > 1 ? req->captures[1] : "";
}

static int
valid_realm_ids_or_reply(struct request *req)
{
	if (strlen(req->captures[0]) > STORE_ID_MAX ||
	    strlen(tenant_of(req)) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "project and tenant ids "
		    "are at most %d characters", STORE_ID_MAX);
		return -1;
	}
	return 0;
}

/*
 * DELETE /emulator/v1/state: everything (store, fault rules, events and
 * the clock). DELETE .../projects/{p}[/tenants/{t}]: that realm's data.
 */
void
control_reset(struct request *req)
{
	struct emu *emu = req->emu;
	int r;

	if (req->ncaptures > 0 && valid_realm_ids_or_reply(req))
		return;
	if (txn_begin_or_reply(req) != 0)
		return;
	if (req->ncaptures == 0)
		r = store_reset_all(emu->store);
	else
		r = store_reset_realm(emu->store, req->captures[0],
		    req->ncaptures > 1 ? req->captures[1] : NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	if (req->ncaptures == 0) {
		faults_clear(&emu->faults);
		events_clear(&emu->events);
		clock_unfreeze(&emu->clock);
		clock_set_ms(&emu->clock, clock_now_ms(&emu->clock) -
		    clock_offset_ms(&emu->clock));
	}
	reply_json(req, 200, json_object_new_object());
}

static void
add_count(struct json_object *o, const char *k, size_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/*
 * POST /emulator/v1/fixtures: a fixture document (the file format), all
 * or nothing; "replace": true resets all state first, in the same
 * transaction.
 */
void
control_fixtures(struct request *req)
{
	struct emu *emu = req->emu;
	struct fixtures_counts c;
	struct json_object *body;
	int replace = 0;
	struct reqparse_field f[] = {
		{ "replace", RP_BOOL, &replace },
	};
	char err[512];

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	memset(&c, 0, sizeof(c));
	if (txn_begin_or_reply(req) != 0)
		return;
	if (replace == 1 && store_reset_all(emu->store) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (fixtures_apply(emu, "request", req->json, &c, err,
	    sizeof(err)) != 0) {
		store_rollback(emu->store);
		/* "request: $.users[0]: reason" reads well as a detail. */
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	add_count(body, "users", c.users);
	add_count(body, "enrollments", c.enrollments);
	add_count(body, "pendingCredentials", c.credentials);
	add_count(body, "smsSessions", c.sessions);
	add_count(body, "testPhoneNumbers", c.test_numbers);
	add_count(body, "tenants", c.realms);
	add_count(body, "skipped", c.skipped);
	reply_json(req, 200, body);
}

static int
add_number(const char *phone, const char *code, void *arg)
{
	json_object_object_add(arg, phone, json_object_new_string(code));
	return 0;
}

/* The realm's effective settings and test numbers (new object). */
static struct json_object *
config_json(struct request *req, const struct store_realm *realm,
    struct json_object *numbers)
{
	struct settings set;
	struct json_object *o;

	settings_effective(&req->emu->cfg, realm, &set);
	o = settings_effective_json(&set);
	json_object_object_add(o, "projectId",
	    json_object_new_string(realm->project_id));
	if (realm->tenant_id[0] != '\0')
		json_object_object_add(o, "tenantId",
		    json_object_new_string(realm->tenant_id));
	json_object_object_add(o, "testPhoneNumbers", numbers);
	return o;
}

/* Inside the transaction: reply with the realm's config, then commit. */
static void
reply_config(struct request *req, const struct store_realm *realm)
{
	struct json_object *numbers = json_object_new_object();

	if (store_test_phone_list(req->emu->store, realm->project_id,
	    realm->tenant_id, add_number, numbers) != STORE_OK) {
		json_object_put(numbers);
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(numbers);
		return;
	}
	reply_json(req, 200, config_json(req, realm, numbers));
}

/* GET .../projects/{p}[/tenants/{t}]/config */
void
control_config_get(struct request *req)
{
	struct store_realm realm;
	int r;

	if (valid_realm_ids_or_reply(req) || txn_begin_or_reply(req) != 0)
		return;
	r = store_realm_get(req->emu->store, req->captures[0], tenant_of(req),
	    &realm);
	if (r == STORE_NOT_FOUND) {
		store_rollback(req->emu->store);
		reply_error(req, ERR_NOT_FOUND, "no %s '%s' (PATCH its config "
		    "or load a fixture to create it)", req->ncaptures > 1 ?
		    "tenant" : "project", req->ncaptures > 1 ?
		    req->captures[1] : req->captures[0]);
		return;
	}
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	reply_config(req, &realm);
}

/*
 * PATCH .../config: the settings members given (others kept); a
 * "testPhoneNumbers" object replaces the realm's test numbers. Creates
 * the project or tenant if it does not exist.
 */
void
control_config_patch(struct request *req)
{
	struct store *st = req->emu->store;
	const char *tenant = tenant_of(req);
	struct json_object *numbers = NULL;
	struct reqparse_field f[] = {
		{ "testPhoneNumbers", RP_OBJECT, &numbers },
	};
	struct store_realm realm;
	char err[256];
	int r;

	if (valid_realm_ids_or_reply(req) ||
	    reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if (numbers != NULL) {
		json_object_object_foreach(numbers, phone, code) {
			if (!sms_code_valid_phone(phone) ||
			    !json_object_is_type(code, json_type_string) ||
			    !sms_code_valid_code(json_object_get_string(code))) {
				reply_error(req, ERR_INVALID_ARGUMENT,
				    "testPhoneNumbers: '%.32s' must be an E.164 "
				    "number mapped to a 6-digit code", phone);
				return;
			}
		}
	}
	if (txn_begin_or_reply(req) != 0)
		return;
	r = store_realm_get(st, req->captures[0], tenant, &realm);
	if (r == STORE_NOT_FOUND) {
		memset(&realm, 0, sizeof(realm));
		strcpy(realm.project_id, req->captures[0]);
		strcpy(realm.tenant_id, tenant);
		realm.mfa_phone = realm.mfa_totp = 1;
		/* A tenant needs its project's row too. */
		if (*tenant != '\0' && store_realm_ensure(st, realm.project_id,
		    "") != STORE_OK) {
			txn_fail(req);
			return;
		}
	} else if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (settings_parse(req->json, &realm, err, sizeof(err)) != 0) {
		store_rollback(st);
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	if (store_realm_put(st, &realm) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (numbers != NULL) {
		if (store_test_phone_clear(st, realm.project_id,
		    realm.tenant_id) != STORE_OK) {
			txn_fail(req);
			return;
		}
		json_object_object_foreach(numbers, phone, code) {
			if (store_test_phone_put(st, realm.project_id,
			    realm.tenant_id, phone,
			    json_object_get_string(code)) != STORE_OK) {
				txn_fail(req);
				return;
			}
		}
	}
	reply_config(req, &realm);
}

/* DELETE .../verificationCodes: empty the realm's outbox. */
void
control_clear_codes(struct request *req)
{
	if (valid_realm_ids_or_reply(req) || txn_begin_or_reply(req) != 0)
		return;
	if (store_outbox_clear(req->emu->store, req->captures[0],
	    tenant_of(req)) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}

void
control_faults_list(struct request *req)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "faults",
	    faults_json(&req->emu->faults));
	reply_json(req, 200, body);
}

void
control_faults_add(struct request *req)
{
	struct json_object *rule;
	char err[256];

	rule = faults_add(&req->emu->faults, req->json, err, sizeof(err));
	if (rule == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	reply_json(req, 200, rule);
}

void
control_faults_clear(struct request *req)
{
	faults_clear(&req->emu->faults);
	reply_json(req, 200, json_object_new_object());
}

void
control_faults_delete(struct request *req)
{
	char *end;
	unsigned long long id;

	errno = 0;
	id = strtoull(req->captures[0], &end, 10);
	if (errno != 0 || *end != '\0' || req->captures[0][0] == '-') {
		reply_error(req, ERR_INVALID_ARGUMENT, "fault ids are numbers");
		return;
	}
	if (faults_remove(&req->emu->faults, id) != 0) {
		reply_error(req, ERR_NOT_FOUND, "no fault rule %llu", id);
		return;
	}
	reply_json(req, 200, json_object_new_object());
}

/* A non-negative integer query parameter, or -1 when malformed. */
static int64_t
query_count(struct request *req, const char *name, int64_t dflt)
{
	const char *v = http_server_query(req, name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return dflt;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return -1;
	return n;
}

/* GET /emulator/v1/events?limit=N&after=SEQ */
void
control_events_list(struct request *req)
{
	int64_t limit = query_count(req, "limit", 0);
	int64_t after = query_count(req, "after", 0);
	struct json_object *body;

	if (limit < 0 || after < 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "limit and after are "
		    "non-negative integers");
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "events", events_json(&req->emu->events,
	    (size_t)limit, (uint64_t)after));
	reply_json(req, 200, body);
}

void
control_events_clear(struct request *req)
{
	events_clear(&req->emu->events);
	reply_json(req, 200, json_object_new_object());
}
