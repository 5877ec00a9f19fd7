/*
 * The emulator's clock (clock.c), /emulator/v1/clock: GET shows it, POST
 * moves, sets, freezes or thaws it, or puts it back to real time.
 */
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"

/* A century either way is plenty and keeps the sums in range. */
#define CLOCK_MOVE_MAX_S (100LL * 366 * 86400)

struct clock_move {
	int64_t seconds, millis;	/* advance by */
	bool has_at;			/* set to `at` first */
	int64_t at;
	const char *set_time;		/* RFC 3339, sets `at` */
	int freeze;			/* -1: leave as is */
	int reset;			/* back to real time, running */
};

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
control_clock_get(struct request *req)
{
	if (control_query_or_reply(req, NULL) == 0)
		reply_clock(req);
}

/* 400 unless the body asks for a move the clock can make. */
static int
move_valid_or_reply(struct request *req, struct clock_move *m)
{
	const int64_t limit = CLOCK_MOVE_MAX_S;

	if (m->reset == 1) {
		if (json_object_object_length(req->json) == 1)
			return 0;
		reply_error(req, ERR_INVALID_ARGUMENT, "reset takes no other "
		    "field");
		return -1;
	}
	if (!m->has_at && m->set_time == NULL && m->freeze < 0 &&
	    !json_object_object_get_ex(req->json, "advanceSeconds", NULL) &&
	    !json_object_object_get_ex(req->json, "advanceMillis", NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give advanceSeconds, "
		    "advanceMillis, setTime, nowMillis, freeze or reset");
		return -1;
	}
	if (m->seconds < -limit || m->seconds > limit ||
	    m->millis < -limit * 1000 || m->millis > limit * 1000) {
		reply_error(req, ERR_INVALID_ARGUMENT, "the clock moves at "
		    "most %lld seconds at a time", (long long)limit);
		return -1;
	}
	if (m->set_time != NULL &&
	    clock_parse_rfc3339(m->set_time, &m->at) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "setTime '%.64s' is not "
		    "an RFC 3339 time (like 2026-01-01T00:00:00Z)",
		    m->set_time);
		return -1;
	}
	if ((m->has_at || m->set_time != NULL) &&
	    (m->at < 0 || m->at > limit * 1000 * 4)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "the time must be "
		    "between 1970 and 2366");
		return -1;
	}
	return 0;
}

/*
 * POST: {"advanceSeconds": N} or {"advanceMillis": N} (may be negative),
 * {"setTime": RFC 3339} or {"nowMillis": N} (absolute), and
 * {"freeze": true|false}. Fields combine: set, then advance, then freeze.
 * {"reset": true}, alone, clears the offset and unfreezes: real time.
 */
void
control_clock_set(struct request *req)
{
	struct clock *c = &req->emu->clock;
	struct clock_move m = { .freeze = -1 };
	struct reqparse_field f[] = {
		{ "advanceSeconds", RP_INT, &m.seconds },
		{ "advanceMillis", RP_INT, &m.millis },
		{ "setTime", RP_STRING, &m.set_time },
		{ "nowMillis", RP_INT, &m.at },
		{ "freeze", RP_BOOL, &m.freeze },
		{ "reset", RP_BOOL, &m.reset },
	};

	m.has_at = json_object_object_get_ex(req->json, "nowMillis", NULL);
	if (control_query_or_reply(req, NULL) ||
	    control_fields_or_reply(req, f, sizeof(f) / sizeof(f[0])) ||
	    move_valid_or_reply(req, &m))
		return;
	if (m.reset == 1) {
		clock_unfreeze(c);
		clock_advance_ms(c, -clock_offset_ms(c));
		reply_clock(req);
		return;
	}
	/*
	 * Freeze before setting, so a frozen clock stands exactly at the
	 * time asked for (freezing after would catch the real clock a moment
	 * later); thaw after, for the same reason.
	 */
	if (m.freeze == 1)
		clock_freeze(c);
	if (m.has_at || m.set_time != NULL)
		clock_set_ms(c, m.at);
	clock_advance_ms(c, m.seconds * 1000 + m.millis);
	if (m.freeze == 0)
		clock_unfreeze(c);
	reply_clock(req);
}
