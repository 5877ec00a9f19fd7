/*
 * The event log (events.c), /emulator/v1/events: GET lists it
 * (?limit=N&after=SEQ), DELETE empties it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"

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

void
control_events_list(struct request *req)
{
	static const char *const params[] = { "limit", "after", NULL };
	int64_t limit = query_count(req, "limit", 0);
	int64_t after = query_count(req, "after", 0);
	struct json_object *body;

	if (control_query_or_reply(req, params))
		return;
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
	if (control_query_or_reply(req, NULL))
		return;
	events_clear(&req->emu->events);
	reply_json(req, 200, json_object_new_object());
}
