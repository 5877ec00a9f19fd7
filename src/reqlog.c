#include <stddef.h>
#include <string.h>

#include "emu.h"
#include "errors.h"
#include "faults.h"
#include "http_server.h"
#include "log.h"
#include "reqlog.h"

/* The index of the capture `pattern` names after `name`, or -1. */
static int
capture_of(const struct request *req, const char *pattern, const char *name)
{
	const char *p = pattern ? strstr(pattern, name) : NULL;
	int stars = 0;

	if (p == NULL)
		return -1;
	for (const char *c = pattern; c < p; c++)
		stars += *c == '*';
	return (size_t)stars < req->ncaptures ? stars : -1;
}

void
reqlog_access(const struct request *req, const char *pattern,
    bool client_api, const char *body_tenant)
{
	int project = capture_of(req, pattern, "projects/*");
	int tenant = capture_of(req, pattern, "tenants/*");
	struct log_access a;

	if (!req->emu->cfg.access_log || !log_enabled(LOG_INFO))
		return;
	/* Never the query string or a header: they carry keys and codes. */
	a.method = req->method;
	a.path = req->url;
	a.status = req->status;
	a.code = req->error_code;
	/* The path's project, or on the client APIs the daemon's. */
	a.project = project >= 0 ? req->captures[project] : client_api ?
	    req->emu->cfg.project : NULL;
	/* The tenant the handler resolved, else the path's or the body's. */
	a.tenant = req->ev_tenant_id[0] ? req->ev_tenant_id : tenant >= 0 ?
	    req->captures[tenant] : body_tenant;
	a.user = req->ev_local_id[0] ? req->ev_local_id : NULL;
	a.duration_ms = req->duration_ms;
	a.fault_rule = req->fault_rule;
	log_access(&a);
}

void
reqlog_fault(const char *route_name, const struct fault_action *a)
{
	const char *action = a->drop ? "drop" : a->has_error ? "error" :
	    "latency";
	const char *code = a->has_error && !a->drop ?
	    errors_info(a->error)->code : NULL;
	struct log_field f[] = { LOG_NUM("rule", a->rule_id),
	    LOG_STR("route", route_name), LOG_STR("action", action),
	    LOG_STR("code", code), LOG_NUM("latencyMs", a->latency_ms) };

	log_fields(LOG_INFO, f, sizeof(f) / sizeof(f[0]), "fault injected: "
	    "rule %llu on %s: %s%s%s, latency %u ms",
	    (unsigned long long)a->rule_id, route_name, action,
	    code ? " " : "", code ? code : "", a->latency_ms);
}
