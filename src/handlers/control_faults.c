/*
 * Fault rules (faults.c), /emulator/v1/faults: GET lists them, POST adds
 * one, DELETE removes them all, DELETE /faults/{id} one. A rule's route
 * may be given as GET /emulator/v1/catalog names it, or as a path in any
 * form a user pastes (from the event log, a URL, a log line); it is kept,
 * and listed, as what the router compares: the route's name, or its path
 * pattern where the name covers more (the Admin API's tenant paths).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/control_common.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "router.h"

/* Longest route string looked at: a full URL with a query. */
#define GIVEN_MAX 1024

static const char where_valid[] = "GET /emulator/v1/catalog lists the "
    "routes' names; a path as GET /emulator/v1/events shows it, a URL, "
    "or \"*\" (every route) do too";

/* The names fault rules apply to: the API's, not the control plane's. */
static size_t
route_names(const char **names, size_t cap)
{
	size_t nr, n = 0;
	const struct route *r = router_routes(&nr);

	for (size_t i = 0; i < nr && n < cap; i++) {
		size_t j;

		for (j = 0; j < n && strcmp(names[j], r[i].name) != 0; j++)
			;
		if (r[i].api != API_EMULATOR && j == n)
			names[n++] = r[i].name;
	}
	return n;
}

/* The route table's rows named `name`; 0 for the control plane's. */
static size_t
rows_named(const char *name, int *faultable)
{
	size_t nr, n = 0;
	const struct route *r = router_routes(&nr);

	*faultable = 1;
	for (size_t i = 0; i < nr; i++) {
		if (strcmp(r[i].name, name) != 0)
			continue;
		n++;
		*faultable = r[i].api != API_EMULATOR;
	}
	return n;
}

static int
no_route(const char *given, const char *near, char *err, size_t errlen)
{
	snprintf(err, errlen, "route: '%.200s' is not a route%s%s%s; %s",
	    given, near ? " (did you mean " : "", near ? near : "",
	    near ? "?)" : "", where_valid);
	return -1;
}

static int
control_plane(const char *given, char *err, size_t errlen)
{
	snprintf(err, errlen, "route: '%.200s' is the emulator's own "
	    "(/emulator/...), which fault rules never apply to; %s", given,
	    where_valid);
	return -1;
}

/*
 * The path of a pasted route: "POST " (a log line's method, kept in
 * method), "http://host:port" and the query dropped.
 */
static void
bare_path(const char *given, char *method, size_t mlen, char *out,
    size_t outlen)
{
	size_t m = strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	const char *p = given, *scheme;

	method[0] = '\0';
	if (m > 0 && m < mlen && given[m] == ' ') {
		snprintf(method, mlen, "%.*s", (int)m, given);
		p = given + m + strspn(given + m, " ");
	}
	if ((scheme = strstr(p, "://")) != NULL &&
	    strspn(p, "abcdefghijklmnopqrstuvwxyz") == (size_t)(scheme - p)) {
		p = scheme + 3 + strcspn(scheme + 3, "/?#");
		if (*p != '/')
			p = "/";
	}
	/* "identitytoolkit.googleapis.com/v2/..." lacks only its slash. */
	snprintf(out, outlen, "%s%.*s", *p == '/' ? "" : "/",
	    (int)strcspn(p, "?#"), p);
}

/* The rows (at most one a method) a path reaches, into rows[]. */
static size_t
rows_at(const char *method, const char *path, const struct route **rows)
{
	static const char *const methods[] = { "GET", "POST", "PATCH",
	    "DELETE", "PUT" };
	const char *captures[REQUEST_MAX_CAPTURES], *rest;
	size_t nc, n = 0, len = strlen(path) + 1;
	char *buf = malloc(len);

	if (buf == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if ((method[0] == '\0' || strcmp(method, methods[i]) == 0) &&
		    router_match(methods[i], path, &rows[n], &rest, captures,
		    &nc, buf, len, NULL, 0) == ROUTER_FOUND)
			n++;
	}
	free(buf);
	return n;
}

/*
 * A path's canonical form: the route's name when that names exactly the
 * rows the path reaches, else their pattern (a name like
 * admin.accounts.lookup covers the project's and the tenants' paths).
 */
static int
resolve_path(const char *given, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const struct route *rows[5];
	const char *canon;
	char method[8], path[GIVEN_MAX + 1];
	size_t n;
	int faultable;

	bare_path(given, method, sizeof(method), path, sizeof(path));
	if ((n = rows_at(method, path, rows)) == 0)
		return no_route(given, NULL, err, errlen);
	if (rows[0]->api == API_EMULATOR)
		return control_plane(given, err, errlen);
	canon = rows[0]->name;
	for (size_t i = 1; i < n; i++) {
		if (strcmp(rows[i]->name, canon) != 0)
			canon = rows[0]->pattern;
	}
	if (canon == rows[0]->name && rows_named(canon, &faultable) != n)
		canon = rows[0]->pattern;
	snprintf(out, outlen, "%s", canon);
	return 0;
}

/* faults_route_resolver: "*", a route's name, or a path. */
static int
resolve_route(const char *given, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *names[128];
	int faultable;

	if (strlen(given) >= GIVEN_MAX) {
		snprintf(err, errlen, "route: longer than %d characters",
		    GIVEN_MAX - 1);
		return -1;
	}
	if (strcmp(given, "*") == 0 || (rows_named(given, &faultable) > 0 &&
	    faultable)) {
		snprintf(out, outlen, "%s", given);
		return 0;
	}
	if (rows_named(given, &faultable) > 0)
		return control_plane(given, err, errlen);
	if (strchr(given, '/') != NULL)
		return resolve_path(given, out, outlen, err, errlen);
	return no_route(given, reqparse_closest(given, names,
	    route_names(names, sizeof(names) / sizeof(names[0]))), err,
	    errlen);
}

void
control_faults_list(struct request *req)
{
	struct json_object *body;

	if (control_query_or_reply(req, NULL))
		return;
	body = json_object_new_object();
	json_object_object_add(body, "faults",
	    faults_json(&req->emu->faults));
	reply_json(req, 200, body);
}

void
control_faults_add(struct request *req)
{
	struct json_object *rule;
	char err[768];

	if (control_query_or_reply(req, NULL))
		return;
	rule = faults_add(&req->emu->faults, req->json, resolve_route, err,
	    sizeof(err));
	if (rule == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
		return;
	}
	reply_json(req, 200, rule);
}

void
control_faults_clear(struct request *req)
{
	if (control_query_or_reply(req, NULL))
		return;
	faults_clear(&req->emu->faults);
	reply_json(req, 200, json_object_new_object());
}

void
control_faults_delete(struct request *req)
{
	char *end;
	unsigned long long id;

	if (control_query_or_reply(req, NULL))
		return;
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
