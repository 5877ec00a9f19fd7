/*
 * GET /emulator/v1/projects/{p}[/tenants/{t}]/verificationCodes
 * [?phoneNumber=E164][&since=RFC3339][&includeUsed=true]: the SMS outbox,
 * oldest first, as the Firebase Auth Emulator lists it: a code leaves it
 * once accepted (its session consumed or its sign-in completed), and,
 * mfaemu's own, once it expired or its wrong-code attempts ran out.
 * includeUsed keeps those, flagged "used", "expired" or "exhausted".
 * (Emptying it is mfaemu's own: control_verification_codes.c.)
 */
#include <stdint.h>
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
	unsigned max_attempts;	/* the realm's */
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
	control_add_flag(item, "used", used);
	control_add_flag(item, "expired", expired);
	control_add_flag(item, "exhausted", exhausted);
	json_object_array_add(cf->codes, item);
	return 0;
}

/* Inside the transaction: the realm's wrong-code limit. A store result. */
static int
realm_max_attempts(struct request *req, unsigned *out)
{
	struct store_realm realm;
	struct settings set;
	int r = store_realm_get(req->emu->store, req->captures[0],
	    control_tenant(req), &realm);

	if (r == STORE_NOT_FOUND) {
		memset(&realm, 0, sizeof(realm));
		r = STORE_OK;
	}
	if (r == STORE_OK) {
		settings_effective(&req->emu->cfg, &realm, &set);
		*out = set.max_attempts;
	}
	return r;
}

void
emulator_verification_codes_list(struct request *req)
{
	struct store *st = req->emu->store;
	const char *since = http_server_query(req, "since");
	struct code_filter cf = {
		.phone = http_server_query(req, "phoneNumber"),
		.since = INT64_MIN,
	};
	int r;

	if (since != NULL && clock_parse_rfc3339(since, &cf.since) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "since '%.64s' is not "
		    "an RFC 3339 time (like 2026-01-01T00:00:00Z)", since);
		return;
	}
	if (cf.phone != NULL && *cf.phone == '\0')
		cf.phone = NULL;
	if (control_bool_param_or_reply(req, "includeUsed",
	    &cf.include_used) || txn_begin_at_or_reply(req, &cf.now) != 0)
		return;
	cf.codes = json_object_new_array();
	r = realm_max_attempts(req, &cf.max_attempts);
	if (r == STORE_OK)
		r = store_outbox_list(st, req->captures[0],
		    control_tenant(req), add_code, &cf);
	control_reply_list(req, r, "verificationCodes", cf.codes);
}
