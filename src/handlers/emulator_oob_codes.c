/*
 * GET /emulator/v1/projects/{p}[/tenants/{t}]/oobCodes[?includeUsed=true]
 * [&includeTenants=true]: the realm's out-of-band codes (the emails
 * accounts:sendOobCode "sent"), oldest first, in the Firebase Auth
 * Emulator's shape. A code leaves the list once used or expired;
 * includeUsed keeps those too, flagged. includeTenants adds the
 * project's tenants' codes after the project's own, each with its
 * tenantId. (Emptying it is mfaemu's own: control_oob_codes.c.)
 */
#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "store.h"

struct oob_listing {
	struct json_object *codes;
	int include_used;
	int64_t now;
	int tenants;		/* includeTenants: codes say their tenant */
	const char *tenant;	/* the realm being listed */
};

static int
add_code(const struct store_oob *o, void *arg)
{
	struct oob_listing *l = arg;
	struct json_object *item;
	int used = o->used_at != 0, expired = l->now >= o->expires_at;

	if ((used || expired) && !l->include_used)
		return 0;
	item = json_object_new_object();
	json_object_object_add(item, "email", json_object_new_string(o->email));
	json_object_object_add(item, "requestType",
	    json_object_new_string(o->request_type));
	json_object_object_add(item, "oobCode", json_object_new_string(o->code));
	json_object_object_add(item, "oobLink", json_object_new_string(o->link));
	if (o->new_email[0] != '\0')
		json_object_object_add(item, "newEmail",
		    json_object_new_string(o->new_email));
	if (l->tenants && *l->tenant != '\0')
		json_object_object_add(item, "tenantId",
		    json_object_new_string(l->tenant));
	control_add_flag(item, "used", used);
	control_add_flag(item, "expired", expired && !used);
	json_object_array_add(l->codes, item);
	return 0;
}

/* Inside the transaction: one realm's codes. A store result. */
static int
list_realm(struct request *req, const char *tenant, void *arg)
{
	struct oob_listing *l = arg;

	l->tenant = tenant;
	return store_oob_list(req->emu->store, req->captures[0], tenant,
	    add_code, l);
}

void
emulator_oob_codes_list(struct request *req)
{
	static const char *const params[] = { "includeUsed", "includeTenants",
	    NULL };
	struct oob_listing l = { 0 };
	int r;

	if (control_query_or_reply(req, params) ||
	    control_realm_ids_or_reply(req) ||
	    control_bool_param_or_reply(req, "includeUsed", &l.include_used) ||
	    control_include_tenants_or_reply(req, &l.tenants) ||
	    txn_begin_at_or_reply(req, &l.now) != 0)
		return;
	l.codes = json_object_new_array();
	r = list_realm(req, control_tenant(req), &l);
	if (r == STORE_OK && l.tenants)
		r = control_each_tenant(req, list_realm, &l);
	control_reply_list(req, r, "oobCodes", l.codes);
}
