/*
 * GET /emulator/v1/projects/{p}[/tenants/{t}]/verificationCodes
 * [?phoneNumber=E164][&since=RFC3339][&includeUsed=true]
 * [&includeTenants=true]: the SMS outbox, oldest first, as the Firebase
 * Auth Emulator lists it: a code leaves it once accepted (its session
 * consumed or its sign-in completed), and, mfaemu's own, once it expired
 * or its wrong-code attempts ran out. includeUsed keeps those, flagged
 * "used", "expired" or "exhausted". A tenant user's code is in the
 * tenant's outbox; includeTenants adds the project's tenants' outboxes
 * after the project's own, each entry with its tenantId. (Emptying it is
 * mfaemu's own: control_verification_codes.c.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "settings.h"
#include "store.h"

struct code_filter {
	struct json_object *codes;
	const char *phone;	/* NULL: any */
	int64_t since;		/* ms; entries created at or after it */
	int include_used;
	int64_t now;
	int tenants;		/* includeTenants: entries name it */
	const char *tenant;	/* the realm being listed */
	unsigned max_attempts;	/* its wrong-code limit */
};

static int
add_code(const struct store_outbox_entry *e, void *arg)
{
	struct code_filter *cf = arg;
	struct json_object *item;
	int used = e->used_at != 0;
	int expired = !used && cf->now >= e->expires_at;
	int exhausted = !used && !expired &&
	    (unsigned)e->attempts >= cf->max_attempts;

	if ((cf->phone != NULL && strcmp(cf->phone, e->phone_number) != 0) ||
	    e->created_at < cf->since ||
	    ((used || expired || exhausted) && !cf->include_used))
		return 0;
	item = json_object_new_object();
	json_object_object_add(item, "phoneNumber",
	    json_object_new_string(e->phone_number));
	json_object_object_add(item, "code", json_object_new_string(e->code));
	json_object_object_add(item, "sessionInfo",
	    json_object_new_string(e->session_info));
	if (cf->tenants && *cf->tenant != '\0')
		json_object_object_add(item, "tenantId",
		    json_object_new_string(cf->tenant));
	control_add_flag(item, "used", used);
	control_add_flag(item, "expired", expired);
	control_add_flag(item, "exhausted", exhausted);
	json_object_array_add(cf->codes, item);
	return 0;
}

/*
 * Inside the transaction: one realm's entries, with its wrong-code limit.
 * A store result.
 */
static int
list_realm(struct request *req, const char *tenant, void *arg)
{
	struct code_filter *cf = arg;
	struct store_realm realm;
	struct settings set;
	int r = store_realm_get(req->emu->store, req->captures[0], tenant,
	    &realm);

	if (r == STORE_NOT_FOUND) {
		memset(&realm, 0, sizeof(realm));
		r = STORE_OK;
	}
	if (r != STORE_OK)
		return r;
	settings_effective(&req->emu->cfg, &realm, &set);
	cf->max_attempts = set.max_attempts;
	cf->tenant = tenant;
	return store_outbox_list(req->emu->store, req->captures[0], tenant,
	    add_code, cf);
}

/*
 * ?phoneNumber=, where an unencoded '+' arrives as a space (form
 * encoding): " 15555550101" is "+15555550101". NULL when absent or "".
 */
static const char *
phone_param(struct request *req, char *buf, size_t len)
{
	const char *v = http_server_query(req, "phoneNumber");

	if (v == NULL || *v == '\0')
		return NULL;
	if (v[0] == ' ' && v[1] >= '0' && v[1] <= '9') {
		snprintf(buf, len, "+%s", v + 1);
		return buf;
	}
	return v;
}

void
emulator_verification_codes_list(struct request *req)
{
	static const char *const params[] = { "phoneNumber", "since",
	    "includeUsed", "includeTenants", NULL };
	const char *since = http_server_query(req, "since");
	char phone[64];
	struct code_filter cf = { .since = INT64_MIN };
	int r;

	if (control_query_or_reply(req, params))
		return;
	if (since != NULL && clock_parse_rfc3339(since, &cf.since) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "since '%.64s' is not "
		    "an RFC 3339 time (like 2026-01-01T00:00:00Z)", since);
		return;
	}
	cf.phone = phone_param(req, phone, sizeof(phone));
	if (control_bool_param_or_reply(req, "includeUsed",
	    &cf.include_used) ||
	    control_include_tenants_or_reply(req, &cf.tenants) ||
	    txn_begin_at_or_reply(req, &cf.now) != 0)
		return;
	cf.codes = json_object_new_array();
	r = list_realm(req, control_tenant(req), &cf);
	if (r == STORE_OK && cf.tenants)
		r = control_each_tenant(req, list_realm, &cf);
	control_reply_list(req, r, "verificationCodes", cf.codes);
}
