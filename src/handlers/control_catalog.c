/*
 * GET /emulator/v1/catalog: what a fault rule may name, so that a form
 * (the inspector's) offers only valid values: the routes fault rules
 * apply to (every API route; the control plane is never faulted) and
 * every error CODE with its HTTP status.
 */
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "errors.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"
#include "router.h"

static bool
name_seen(struct json_object *list, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);

		if (strcmp(json_object_get_string(json_object_object_get(o,
		    "name")), name) == 0)
			return true;
	}
	return false;
}

/* One entry per route name, with the method and path of its first row. */
static struct json_object *
catalog_routes(void)
{
	struct json_object *list = json_object_new_array();
	size_t n;
	const struct route *r = router_routes(&n);

	for (size_t i = 0; i < n; i++) {
		struct json_object *o;

		if (r[i].api == API_EMULATOR || name_seen(list, r[i].name))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(r[i].name));
		json_object_object_add(o, "method",
		    json_object_new_string(r[i].method));
		json_object_object_add(o, "path",
		    json_object_new_string(r[i].pattern));
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *
catalog_errors(void)
{
	struct json_object *list = json_object_new_array();

	for (int c = ERR__NONE + 1; c < ERR__COUNT; c++) {
		const struct err_info *e = errors_info((enum err_code)c);
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "code",
		    json_object_new_string(e->code));
		json_object_object_add(o, "httpStatus",
		    json_object_new_int((int)e->http_status));
		json_object_object_add(o, "status",
		    json_object_new_string(e->status));
		json_object_array_add(list, o);
	}
	return list;
}

void
control_catalog(struct request *req)
{
	struct json_object *body;

	if (control_query_or_reply(req, NULL))
		return;
	body = json_object_new_object();
	json_object_object_add(body, "routes", catalog_routes());
	json_object_object_add(body, "errors", catalog_errors());
	reply_json(req, 200, body);
}
