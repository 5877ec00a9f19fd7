#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"
#include "sysparams.h"

/* Room for sysparams_names, which are five. */
#define NSYSTEM 8
/* Most parameters a control route takes, beside the system ones. */
#define PARAMS_MAX 8

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
control_fields_or_reply(struct request *req,
    const struct reqparse_field *fields, size_t n)
{
	char err[768];

	if (reqparse_fields_known(req->json, NULL, fields, n, err,
	    sizeof(err)) != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return -1;
	}
	return reqparse_fields_or_reply(req, req->json, NULL, fields, n);
}

int
control_query_or_reply(struct request *req, const char *const *names)
{
	const char *known[PARAMS_MAX + NSYSTEM + 1], *bad, *near;
	size_t n = 0, own;
	char list[256] = "";

	for (; names != NULL && names[n] != NULL && n < PARAMS_MAX; n++)
		known[n] = names[n];
	own = n;
	for (size_t i = 0; sysparams_names[i] != NULL && i < NSYSTEM; i++)
		known[n++] = sysparams_names[i];
	known[n] = NULL;
	if ((bad = http_server_query_unknown(req, known)) == NULL)
		return 0;
	for (size_t i = 0, used = 0; i < own && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
		    "%s%s", i ? ", " : "", known[i]);
	near = reqparse_closest(bad, known, n);
	reply_error(req, ERR_INVALID_ARGUMENT, "%.100s: unknown query "
	    "parameter%s%s%s; this route takes %s%s the system parameters "
	    "key, alt, prettyPrint, fields and $.xgafv", bad, near ?
	    " (did you mean " : "", near ? near : "", near ? "?)" : "",
	    own ? list : "only", own ? " and" : "");
	return -1;
}

int
control_include_tenants_or_reply(struct request *req, int *out)
{
	if (control_bool_param_or_reply(req, "includeTenants", out))
		return -1;
	if (*out && *control_tenant(req) != '\0') {
		reply_error(req, ERR_INVALID_ARGUMENT, "includeTenants: a "
		    "tenant has no tenants; ask the project's outbox "
		    "(/emulator/v1/projects/%.128s/...)", req->captures[0]);
		return -1;
	}
	return 0;
}

struct tenant_visit {
	struct request *req;
	int (*fn)(struct request *req, const char *tenant, void *arg);
	void *arg;
	int r;
};

static int
visit_tenant(const struct store_realm *realm, void *arg)
{
	struct tenant_visit *tv = arg;

	if (realm->tenant_id[0] == '\0' ||
	    strcmp(realm->project_id, tv->req->captures[0]) != 0)
		return 0;
	tv->r = tv->fn(tv->req, realm->tenant_id, tv->arg);
	return tv->r != STORE_OK;
}

int
control_each_tenant(struct request *req,
    int (*fn)(struct request *req, const char *tenant, void *arg),
    void *arg)
{
	struct tenant_visit tv = { req, fn, arg, STORE_OK };
	int r = store_realm_list(req->emu->store, visit_tenant, &tv);

	return r != STORE_OK ? r : tv.r;
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
