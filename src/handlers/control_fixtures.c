/*
 * POST /emulator/v1/fixtures: a fixture document (the file format), all
 * or nothing; "replace": true resets all state first, in the same
 * transaction; "onExisting" (or ?onExisting=) says what happens to
 * entries already stored: skip (the default), replace or fail.
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
	struct fixtures_report rep;
};

static int
load(struct request *req, void *arg)
{
	struct load *ld = arg;
	char err[1024];
	int r;

	if (ld->replace == 1 &&
	    (r = store_reset_all(req->emu->store)) != STORE_OK)
		return r;
	r = fixtures_apply(req->emu, "request", req->json, &ld->rep, err,
	    sizeof(err));
	if (r == FIXTURES_EXISTING) {
		txn_refuse(req, false, ERR_ALREADY_EXISTS, "%s", err);
		return TXN_REPLIED;
	}
	if (r != 0) {
		/* "request: $.users[0]: reason" reads well as a detail. */
		txn_refuse(req, false, ERR_INVALID_ARGUMENT, "%s", err);
		return TXN_REPLIED;
	}
	return STORE_OK;
}

/* 400 naming a member that is neither the fixture format's nor ours. */
static int
known_members_or_reply(struct request *req)
{
	static const char *const own[] = { "replace", "onExisting", NULL };
	char err[1024];

	if (!json_object_is_type(req->json, json_type_object) ||
	    fixtures_doc_known(req->json, own, err, sizeof(err)) == 0)
		return 0;	/* (reqparse says what is wrong with a non-object) */
	reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
	return -1;
}

/* onExisting from the body, else the query; 400 for an unknown mode. */
static int
on_existing_or_reply(struct request *req, const char *body_value,
    enum config_on_existing *out)
{
	const char *v = body_value ? body_value :
	    http_server_query(req, "onExisting");

	*out = CONFIG_ON_EXISTING_SKIP;
	if (v == NULL || config_on_existing_parse(v, out) == 0)
		return 0;
	reply_error(req, ERR_INVALID_ARGUMENT, "onExisting must be "
	    CONFIG_ON_EXISTING_NAMES ", not '%.32s'", v);
	return -1;
}

void
control_fixtures_load(struct request *req)
{
	struct load ld;
	const char *on_existing = NULL;
	enum config_on_existing mode;
	struct reqparse_field f[] = {
		{ "replace", RP_BOOL, &ld.replace },
		{ "onExisting", RP_STRING, &on_existing },
	};

	memset(&ld, 0, sizeof(ld));
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 2) ||
	    known_members_or_reply(req) ||
	    on_existing_or_reply(req, on_existing, &mode))
		return;
	/* The request's own members; the rest is a fixture document. */
	if (json_object_is_type(req->json, json_type_object)) {
		json_object_object_del(req->json, "replace");
		json_object_object_del(req->json, "onExisting");
	}
	if (fixtures_report_init(&ld.rep, mode) != 0) {
		fixtures_report_free(&ld.rep);
		reply_error(req, ERR_INTERNAL_ERROR, "out of memory");
		return;
	}
	if (txn_write_or_reply(req, load, &ld) == 0) {
		struct json_object *body = json_object_new_object();

		fixtures_report_json(&ld.rep, body);
		reply_json(req, 200, body);
	}
	fixtures_report_free(&ld.rep);
}
