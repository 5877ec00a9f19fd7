/*
 * The static route table and the dispatcher. The dispatcher alone answers
 * 404, 405, 413, CORS preflight, content-type, key and system-parameter
 * problems, so handlers only see well-formed JSON object bodies.
 */
#ifndef MFAEMU_ROUTER_H
#define MFAEMU_ROUTER_H

#include <stddef.h>

struct http_server_app;
struct request;

/* Which API host a route belongs to: the prefixes it is served under. */
enum route_api {
	API_IDENTITYTOOLKIT,	/* /identitytoolkit.googleapis.com, bare */
	API_SECURETOKEN,	/* /securetoken.googleapis.com and bare */
	API_GOOGLEAPIS,		/* /www.googleapis.com and bare */
	API_EMULATOR,		/* bare only */
};

enum route_flags {
	ROUTE_JSON = 1 << 0,	/* body must be a JSON object */
	ROUTE_KEY = 1 << 1,	/* ?key= or admin credential required */
	ROUTE_FORM = 1 << 2,	/* with ROUTE_JSON: form bodies too */
	ROUTE_ADMIN = 1 << 3,	/* Bearer owner (or the control token) */
	ROUTE_PUBLIC = 1 << 4,	/* no control token (the inspector's files) */
};

struct route {
	/* "accounts.mfaSignIn.start": what events and fault rules name */
	const char *name;
	const char *method;
	enum route_api api;
	/* "/v2/accounts/mfaSignIn:start"; '*' stands for one segment */
	const char *pattern;
	void (*handler)(struct request *req);
	unsigned flags;
	size_t max_body;	/* 0: the configured default */
};

enum router_match {
	ROUTER_FOUND,
	ROUTER_NOT_FOUND,
	ROUTER_METHOD_NOT_ALLOWED,
};

/*
 * Find the route for (method, url). On ROUTER_FOUND sets *route, the path
 * without its API prefix in *path_out (pointing into url) and copies the
 * '*' segments into `buf` (of buflen bytes) pointed to by captures[].
 * On ROUTER_METHOD_NOT_ALLOWED writes the allowed methods, comma separated,
 * into `allow` (allowlen bytes).
 */
enum router_match router_match(const char *method, const char *url,
    const struct route **route, const char **path_out,
    const char **captures, size_t *ncaptures, char *buf, size_t buflen,
    char *allow, size_t allowlen);

/* The body limit of the route that (method, url) would reach. */
size_t router_max_body(const char *method, const char *url, size_t dflt);

/*
 * The route table (n rows in *n), for GET /emulator/v1/catalog: the fault
 * form of the inspector offers only the routes that exist.
 */
const struct route *router_routes(size_t *n);

/* Run the request (body complete) through checks and its handler. */
void router_dispatch(struct request *req);

/*
 * The route table's body limits and router_dispatch, for the HTTP server
 * (http_server_start, http_server_run), which cannot call up to them.
 */
extern const struct http_server_app router_app;

#endif
