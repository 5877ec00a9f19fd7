/*
 * GET / on the emulator's port: the Firebase Auth Emulator's greeting,
 * which tools read to see that an emulator is up.
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"

#include "version.h"

void
emulator_root(struct request *req)
{
	struct json_object *body = json_object_new_object();
	struct json_object *info = json_object_new_object();

	json_object_object_add(info, "ready", json_object_new_boolean(1));
	json_object_object_add(info, "product",
	    json_object_new_string("mfaemu"));
	json_object_object_add(info, "version",
	    json_object_new_string(MFAEMU_VERSION));
	json_object_object_add(info, "projectId",
	    json_object_new_string(req->emu->cfg.project));
	json_object_object_add(body, "authEmulator", info);
	reply_json(req, 200, body);
}
