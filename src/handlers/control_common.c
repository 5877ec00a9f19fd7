#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"

const char *
control_tenant(struct request *req)
{
	return req->ncaptures > 1 ? req->captures[1] : "";
}

int
control_bool_param_or_reply(struct request *req, const char *name, int *out)
{
	const char *v = http_server_query(req, name);

	*out = 0;
	if (v == NULL || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
		*out = 1;
		return 0;
	}
	reply_error(req, ERR_INVALID_ARGUMENT, "%s must be true or false, "
	    "not '%.32s'", name, v);
	return -1;
}

int
control_realm_ids_or_reply(struct request *req)
{
	if (strlen(req->captures[0]) > STORE_ID_MAX ||
	    strlen(control_tenant(req)) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "project and tenant ids "
		    "are at most %d characters", STORE_ID_MAX);
		return -1;
	}
	return 0;
}

void
control_add_flag(struct json_object *item, const char *name, int on)
{
	if (on)
		json_object_object_add(item, name,
		    json_object_new_boolean(1));
}

void
control_reply_list(struct request *req, int r, const char *member,
    struct json_object *list)
{
	struct json_object *body;

	store_rollback(req->emu->store);
	if (r != STORE_OK) {
		json_object_put(list);
		txn_unavailable(req);
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, member, list);
	reply_json(req, 200, body);
}
