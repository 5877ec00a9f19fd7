/*
 * GET /emulator/v1/projects/{p}[/tenants/{t}]/verificationCodes
 * [?phoneNumber=E164][&since=RFC3339]: the SMS outbox, oldest first, as
 * the Firebase Auth Emulator lists it. (Emptying it is mfaemu's own:
 * control_verification_codes.c.)
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
#include "store.h"

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

void
emulator_verification_codes_list(struct request *req)
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
		reply_error(req, ERR_INVALID_ARGUMENT, "since '%.64s' is not "
		    "an RFC 3339 time (like 2026-01-01T00:00:00Z)", since);
		return;
	}
	if (cf.phone != NULL && *cf.phone == '\0')
		cf.phone = NULL;
	if (txn_begin_or_reply(req) != 0)
		return;
	cf.codes = json_object_new_array();
	r = store_outbox_list(st, req->captures[0], control_tenant(req),
	    add_code, &cf);
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
