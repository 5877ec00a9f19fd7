#include <string.h>

#include "handlers/control_common.h"
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
