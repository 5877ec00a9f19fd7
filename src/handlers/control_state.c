/*
 * The emulator's state, /emulator/v1: DELETE /state empties everything
 * (store, fault rules, events and the clock); DELETE
 * .../projects/{p}[/tenants/{t}] one realm's data.
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"

static int
reset(struct request *req, void *arg)
{
	(void)arg;
	if (req->ncaptures == 0)
		return store_reset_all(req->emu->store);
	return store_reset_realm(req->emu->store, req->captures[0],
	    req->ncaptures > 1 ? req->captures[1] : NULL);
}

void
control_state_reset(struct request *req)
{
	struct emu *emu = req->emu;

	if (req->ncaptures > 0 && control_realm_ids_or_reply(req))
		return;
	if (txn_write_or_reply(req, reset, NULL) != 0)
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
