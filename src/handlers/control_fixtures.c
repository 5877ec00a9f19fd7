/*
 * POST /emulator/v1/fixtures: a fixture document (the file format), all
 * or nothing; "replace": true resets all state first, in the same
 * transaction.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "fixtures.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"

struct load {
	int replace;
	struct fixtures_counts counts;
};

static int
load(struct request *req, void *arg)
{
	struct load *ld = arg;
	char err[512];
	int r;

	if (ld->replace == 1 &&
	    (r = store_reset_all(req->emu->store)) != STORE_OK)
		return r;
	if (fixtures_apply(req->emu, "request", req->json, &ld->counts, err,
	    sizeof(err)) != 0) {
		/* "request: $.users[0]: reason" reads well as a detail. */
		txn_refuse(req, false, ERR_INVALID_ARGUMENT, "%s", err);
		return TXN_REPLIED;
	}
	return STORE_OK;
}

static void
add_count(struct json_object *o, const char *k, size_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

void
control_fixtures_load(struct request *req)
{
	struct load ld;
	struct reqparse_field f[] = {
		{ "replace", RP_BOOL, &ld.replace },
	};
	struct json_object *body;

	memset(&ld, 0, sizeof(ld));
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1) ||
	    txn_write_or_reply(req, load, &ld) != 0)
		return;
	body = json_object_new_object();
	add_count(body, "users", ld.counts.users);
	add_count(body, "enrollments", ld.counts.enrollments);
	add_count(body, "pendingCredentials", ld.counts.credentials);
	add_count(body, "smsSessions", ld.counts.sessions);
	add_count(body, "testPhoneNumbers", ld.counts.test_numbers);
	add_count(body, "tenants", ld.counts.realms);
	add_count(body, "skipped", ld.counts.skipped);
	reply_json(req, 200, body);
}
