/*
 * DELETE /emulator/v1/projects/{p}[/tenants/{t}]/accounts: the Firebase
 * Auth Emulator's "clear all users" (a project's reaches its tenants).
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"

static int
delete_accounts(struct request *req, void *arg)
{
	(void)arg;
	return store_delete_accounts(req->emu->store, req->captures[0],
	    req->ncaptures > 1 ? req->captures[1] : NULL);
}

void
emulator_accounts_delete(struct request *req)
{
	if (txn_write_or_reply(req, delete_accounts, NULL) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}
