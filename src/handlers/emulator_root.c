/*
 * GET / on the emulator's port: the Firebase Auth Emulator's greeting,
 * which tools read to see that an emulator is up. A browser (asking for
 * text/html) is sent to the inspector instead.
 */
#include <string.h>

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
	struct json_object *info;

	if (req->accept != NULL && strstr(req->accept, "text/html") != NULL) {
		json_object_put(body);
		reply_add_header(req, "Location", "/emulator/ui/");
		reply_raw(req, 302, "text/plain; charset=utf-8",
		    "/emulator/ui/\n", 14);
		return;
	}
	info = json_object_new_object();

	json_object_object_add(info, "ready", json_object_new_boolean(1));
	json_object_object_add(info, "product",
	    json_object_new_string("mfaemu"));
	json_object_object_add(info, "version",
	    json_object_new_string(MFAEMU_VERSION));
	json_object_object_add(info, "projectId",
	    json_object_new_string(req->emu->cfg.project));
	/* The inspector asks for the token before it calls anything else. */
	json_object_object_add(info, "controlTokenRequired",
	    json_object_new_boolean(req->emu->cfg.control_token != NULL));
	json_object_object_add(body, "authEmulator", info);
	reply_json(req, 200, body);
}
