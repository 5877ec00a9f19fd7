/*
 * What the log says of requests: the access line of a finished request
 * and the line of a fault rule that fired. The router describes the
 * route; this module knows no route table.
 */
#ifndef MFAEMU_REQLOG_H
#define MFAEMU_REQLOG_H

#include <stdbool.h>

struct fault_action;
struct request;

/*
 * The access line (when --access-log and info are on). `pattern` is the
 * route's, '*' for a segment (NULL when none matched): the segments
 * after "projects/" and "tenants/" name the project and tenant;
 * `client_api`: a route of the client APIs, whose project is the
 * daemon's; `body_tenant`: the body's tenantId, or NULL.
 */
void reqlog_access(const struct request *req, const char *pattern,
    bool client_api, const char *body_tenant);

/* A fault rule fired on route `route_name`: an info line, not an error. */
void reqlog_fault(const char *route_name, const struct fault_action *a);

#endif
