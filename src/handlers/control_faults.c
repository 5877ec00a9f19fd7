/*
 * Fault rules (faults.c), /emulator/v1/faults: GET lists them, POST adds
 * one, DELETE removes them all, DELETE /faults/{id} one.
 */
#include <errno.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"

void
control_faults_list(struct request *req)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "faults",
	    faults_json(&req->emu->faults));
	reply_json(req, 200, body);
}

void
control_faults_add(struct request *req)
{
	struct json_object *rule;
	char err[256];

	rule = faults_add(&req->emu->faults, req->json, err, sizeof(err));
	if (rule == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	reply_json(req, 200, rule);
}

void
control_faults_clear(struct request *req)
{
	faults_clear(&req->emu->faults);
	reply_json(req, 200, json_object_new_object());
}

void
control_faults_delete(struct request *req)
{
	char *end;
	unsigned long long id;

	errno = 0;
	id = strtoull(req->captures[0], &end, 10);
	if (errno != 0 || *end != '\0' || req->captures[0][0] == '-') {
		reply_error(req, ERR_INVALID_ARGUMENT, "fault ids are numbers");
		return;
	}
	if (faults_remove(&req->emu->faults, id) != 0) {
		reply_error(req, ERR_NOT_FOUND, "no fault rule %llu", id);
		return;
	}
	reply_json(req, 200, json_object_new_object());
}
