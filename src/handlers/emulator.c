/*
 * Endpoints under /emulator/v1 that the Firebase Auth Emulator has (the
 * SMS outbox, deleting accounts) and mfaemu's own controls (clock, minting
 * pending credentials).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

#include "version.h"

/* captures[0] is the project; captures[1], when present, the tenant. */
static const char *
tenant_of(struct request *req)
{
	return req->ncaptures > 1 ? req->captures[1] : "";
}

void
emulator_root(struct request *req)
{
	struct json_object *body = json_object_new_object();
	struct json_object *info = json_object_new_object();

	json_object_object_add(info, "ready", json_object_new_boolean(1));
	json_object_object_add(info, "product",
	    json_object_new_string("mfaemu"));
	json_object_object_add(info, "version",
	    json_object_new_string(MFAEMU_VERSION));
	json_object_object_add(info, "projectId",
	    json_object_new_string(req->emu->cfg.project));
	json_object_object_add(body, "authEmulator", info);
	reply_json(req, 200, body);
}

struct code_filter {
	struct json_object *codes;
	const char *phone;	/* NULL: any */
	int64_t since;		/* ms; entries created at or after it */
};

static int
add_code(const struct store_outbox_entry *e, void *arg)
{
	struct code_filter *cf = arg;
	struct json_object *item;

	if ((cf->phone != NULL && strcmp(cf->phone, e->phone_number) != 0) ||
	    e->created_at < cf->since)
		return 0;
	item = json_object_new_object();
	json_object_object_add(item, "phoneNumber",
	    json_object_new_string(e->phone_number));
	json_object_object_add(item, "code", json_object_new_string(e->code));
	json_object_object_add(item, "sessionInfo",
	    json_object_new_string(e->session_info));
	json_object_array_add(cf->codes, item);
	return 0;
}

/*
 * GET .../verificationCodes[?phoneNumber=E164][&since=RFC3339]: the SMS
 * outbox, oldest first, as the Firebase Auth Emulator lists it.
 */
void
emulator_verification_codes(struct request *req)
{
	struct store *st = req->emu->store;
	const char *since = http_server_query(req, "since");
	struct code_filter cf = {
		.phone = http_server_query(req, "phoneNumber"),
		.since = INT64_MIN,
	};
	struct json_object *body;
	int r;

	if (since != NULL && clock_parse_rfc3339(since, &cf.since) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "since '%.64s' is not an "
		    "RFC 3339 time (like 2026-01-01T00:00:00Z)", since);
		return;
	}
	if (cf.phone != NULL && *cf.phone == '\0')
		cf.phone = NULL;
	if (txn_begin_or_reply(req) != 0)
		return;
	cf.codes = json_object_new_array();
	r = store_outbox_list(st, req->captures[0], tenant_of(req), add_code,
	    &cf);
	store_rollback(st);
	if (r != STORE_OK) {
		json_object_put(cf.codes);
		txn_unavailable(req);
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "verificationCodes", cf.codes);
	reply_json(req, 200, body);
}

void
emulator_delete_accounts(struct request *req)
{
	struct store *st = req->emu->store;
	int r;

	if (txn_begin_or_reply(req) != 0)
		return;
	r = store_delete_accounts(st, req->captures[0],
	    req->ncaptures > 1 ? req->captures[1] : NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}

static void
reply_clock(struct request *req)
{
	struct clock *c = &req->emu->clock;
	struct json_object *body = json_object_new_object();
	int64_t now = clock_now_ms(c);
	char when[32];

	clock_format_rfc3339(now, when, sizeof(when));
	json_object_object_add(body, "now", json_object_new_string(when));
	json_object_object_add(body, "nowMillis", json_object_new_int64(now));
	json_object_object_add(body, "offsetMillis",
	    json_object_new_int64(clock_offset_ms(c)));
	json_object_object_add(body, "frozen",
	    json_object_new_boolean(clock_frozen(c)));
	reply_json(req, 200, body);
}

void
emulator_clock_get(struct request *req)
{
	reply_clock(req);
}

/*
 * Move the clock: {"advanceSeconds": N} or {"advanceMillis": N} (may be
 * negative), {"setTime": RFC 3339} or {"nowMillis": N} (absolute), and
 * {"freeze": true|false}. Fields combine: set, then advance, then freeze.
 */
void
emulator_clock_post(struct request *req)
{
	struct clock *c = &req->emu->clock;
	int64_t seconds = 0, millis = 0, at = 0;
	const char *set_time = NULL;
	int freeze = -1;
	struct reqparse_field f[] = {
		{ "advanceSeconds", RP_INT, &seconds },
		{ "advanceMillis", RP_INT, &millis },
		{ "setTime", RP_STRING, &set_time },
		{ "nowMillis", RP_INT, &at },
		{ "freeze", RP_BOOL, &freeze },
	};
	/* A century either way is plenty and keeps the sums in range. */
	const int64_t limit = 100LL * 366 * 86400;
	bool has_at = json_object_object_get_ex(req->json, "nowMillis", NULL);

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (!has_at && set_time == NULL && freeze < 0 &&
	    !json_object_object_get_ex(req->json, "advanceSeconds", NULL) &&
	    !json_object_object_get_ex(req->json, "advanceMillis", NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give advanceSeconds, "
		    "advanceMillis, setTime, nowMillis or freeze");
		return;
	}
	if (seconds < -limit || seconds > limit ||
	    millis < -limit * 1000 || millis > limit * 1000) {
		reply_error(req, ERR_INVALID_ARGUMENT, "the clock moves at most "
		    "%lld seconds at a time", (long long)limit);
		return;
	}
	if (set_time != NULL && clock_parse_rfc3339(set_time, &at) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "setTime '%.64s' is not "
		    "an RFC 3339 time (like 2026-01-01T00:00:00Z)", set_time);
		return;
	}
	if ((has_at || set_time != NULL) && (at < 0 || at > limit * 1000 * 4)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "the time must be "
		    "between 1970 and 2366");
		return;
	}
	if (has_at || set_time != NULL)
		clock_set_ms(c, at);
	clock_advance_ms(c, seconds * 1000 + millis);
	if (freeze == 1)
		clock_freeze(c);
	else if (freeze == 0)
		clock_unfreeze(c);
	reply_clock(req);
}

void
emulator_mint_credential(struct request *req)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	const char *local_id = NULL, *tenant = "";
	int64_t expires_in = 0;	/* 0: the realm's lifetime */
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &local_id },
		{ "tenantId", RP_STRING, &tenant },
		{ "expiresIn", RP_INT, &expires_in },
	};
	struct store_credential c;
	struct store_user u;
	struct json_object *body;
	char when[32];
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 3))
		return;
	if (reqparse_empty(local_id)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "localId is required");
		return;
	}
	if (expires_in < 0 || expires_in > 10LL * 365 * 86400) {
		reply_error(req, ERR_INVALID_ARGUMENT, "expiresIn must be "
		    "1-315360000 seconds");
		return;
	}
	if (txn_begin_or_reply(req) != 0)
		return;
	r = store_user_find(st, req->captures[0], tenant, local_id, &u);
	if (r != STORE_OK) {
		store_rollback(st);
		if (r == STORE_NOT_FOUND)
			reply_error(req, ERR_USER_NOT_FOUND, "no user '%.128s' "
			    "in project '%.128s'%s%.128s", local_id,
			    req->captures[0], *tenant ? ", tenant " : "",
			    tenant);
		else
			txn_unavailable(req);
		return;
	}
	if (account_mint_credential(emu, &u, "password", expires_in,
	    clock_now_ms(&emu->clock), &c) != 0) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	clock_format_rfc3339(c.expires_at, when, sizeof(when));
	body = json_object_new_object();
	json_object_object_add(body, "mfaPendingCredential",
	    json_object_new_string(c.credential));
	json_object_object_add(body, "localId",
	    json_object_new_string(u.local_id));
	if (u.tenant_id[0] != '\0')
		json_object_object_add(body, "tenantId",
		    json_object_new_string(u.tenant_id));
	json_object_object_add(body, "expireTime",
	    json_object_new_string(when));
	reply_json(req, 200, body);
}
