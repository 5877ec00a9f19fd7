/*
 * DELETE /emulator/v1/projects/{p}[/tenants/{t}]/verificationCodes: empty
 * the realm's SMS outbox. mfaemu's own method: the Firebase Auth Emulator
 * only lists the outbox (emulator_verification_codes.c).
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
clear(struct request *req, void *arg)
{
	(void)arg;
	return store_outbox_clear(req->emu->store, req->captures[0],
	    control_tenant(req));
}

void
control_verification_codes_clear(struct request *req)
{
	if (control_query_or_reply(req, NULL) ||
	    control_realm_ids_or_reply(req) ||
	    txn_write_or_reply(req, clear, NULL) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}
