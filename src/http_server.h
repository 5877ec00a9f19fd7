/*
 * The libmicrohttpd daemon and the per-request state every handler sees.
 * Only this module and the reply/router layer know about MHD. The server
 * knows nothing above it: the router comes in as a struct http_server_app.
 */
#ifndef MFAEMU_HTTP_SERVER_H
#define MFAEMU_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct config;
struct json_object;
struct emu;
struct fieldmask;
struct route;

#define REQUEST_MAX_CAPTURES 4
#define REQUEST_MAX_HEADERS 8

/*
 * One request, alive from the first byte to the completion callback.
 * String pointers marked "borrowed" point into MHD's buffers and are valid
 * only while the access handler runs, which is when handlers run.
 */
struct request {
	struct emu *emu;
	struct MHD_Connection *conn;
	const char *method;		/* borrowed */
	const char *url;		/* borrowed, without query */
	const char *path;		/* url without the API host prefix */

	/* Path segments matched by a route's "*"; owned by path_buf. */
	const char *captures[REQUEST_MAX_CAPTURES];
	size_t ncaptures;
	char *path_buf;			/* owned */

	/* Query parameters and headers (borrowed; NULL when absent). */
	const char *key;
	const char *xgafv_param;
	const char *alt;
	const char *pretty_param;
	const char *content_type;
	const char *origin;
	const char *host;		/* Host: where the client reached us */
	const char *authorization;
	const char *acr_headers;	/* Access-Control-Request-Headers */
	const char *acr_private_network; /* ...-Request-Private-Network */
	const char *api_key_header;	/* X-Goog-Api-Key */
	const char *method_override;	/* X-HTTP-Method-Override */
	const char *fields_param;	/* fields (a partial response) */
	/*
	 * Query parameters sent in a form body instead, as clients do when
	 * they turn a long GET into a POST with X-HTTP-Method-Override
	 * (owned; NULL when none). http_server_query reads them after the
	 * URL's.
	 */
	struct json_object *form_query;
	struct fieldmask *fields;	/* parsed fields_param (owned) */
	char method_buf[16];	/* the overriding method, when one is sent */
	const char *accept;
	const char *sec_fetch_site;	/* browsers: same-origin, cross-site */
	const char *ui_header;		/* X-Mfaemu-UI: the inspector's writes */

	/* Resolved by the router before the handler runs. */
	int xgafv;			/* 1 or 2 */
	bool pretty;
	bool admin;			/* Authorization: Bearer owner */
	const struct route *route;
	/* The parsed body (owned), on routes that take JSON. */
	struct json_object *json;

	/* Body as received (owned), capped at the configured maximum. */
	char *body;
	size_t body_len;
	size_t body_cap;
	bool too_large;
	/* Bytes read, kept or dropped; past body_limit the socket closes. */
	size_t body_seen;
	size_t body_limit;

	/* When the first byte arrived, and (at completion) how long it took. */
	int64_t started_ns;		/* CLOCK_MONOTONIC */
	double duration_ms;

	/* What the event log says of the request; handlers fill these. */
	char ev_local_id[129];
	char ev_tenant_id[129];
	char ev_enrollment_id[129];

	/* Response. */
	unsigned status;		/* 0 until replied */
	const char *error_code;	/* an error reply's CODE, for logs */
	char *headers[REQUEST_MAX_HEADERS][2];	/* owned copies */
	size_t nheaders;
	bool drop;			/* close without a response */
	uint64_t fault_rule;		/* the fault rule that fired, or 0 */
	bool no_cors;			/* no Access-Control-Allow-Origin */

	/*
	 * Without a connection (conn NULL: fuzzers, in-process tests) the
	 * query comes from `query_pairs` (name, value, ..., NULL) and the
	 * response body is kept in `response` (owned).
	 */
	const char *const *query_pairs;
	char *response;
	size_t response_len;
};

/*
 * What the server asks of the layer above it (the router), which passes
 * it down rather than have the server call up.
 */
struct http_server_app {
	/*
	 * The body limit of a request, read as soon as its method, url and
	 * emu are known, before the body arrives.
	 */
	size_t (*max_body)(const struct request *req);
	/*
	 * Answer a request whose body is complete, or that is refused early
	 * (too_large set). Runs on an MHD worker thread.
	 */
	void (*dispatch)(struct request *req);
	/*
	 * The request is over (answered, dropped or abandoned by the client),
	 * duration_ms set; called once per request before it is freed.
	 */
	void (*completed)(struct request *req);
};

/*
 * Run one request through `app` without a socket. The caller callocs
 * `req` and fills emu, method, url, the header fields (content_type,
 * origin, authorization, acr_headers), query_pairs and a malloc'd body;
 * read status and response afterwards, then http_server_request_free()
 * frees req, its body and all it holds.
 */
void http_server_run(const struct http_server_app *app,
    struct request *req);
void http_server_request_free(struct request *req);

struct http_server;

/*
 * Bind cfg's host and port and serve requests with `app`: cfg->threads
 * MHD worker threads, each with its own epoll loop (poll, or select, where
 * the system or libmicrohttpd has no epoll), and cfg's connection
 * limits. `emu` (borrowed, opaque here) goes into every request; cfg and
 * app must outlive the server. On failure returns NULL and writes a
 * reason into err.
 */
struct http_server *http_server_start(const struct config *cfg,
    struct emu *emu, const struct http_server_app *app, char *err,
    size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);

/* Stop accepting, let handlers that are running finish, free everything. */
void http_server_stop(struct http_server *srv);

/* A query parameter (borrowed, valid while the handler runs) or NULL. */
const char *http_server_query(struct request *req, const char *name);

/*
 * The name of a query parameter (of the URL, or of a form body standing
 * for it) that is not in `known` (NULL-terminated), or NULL when every one
 * is (borrowed, like http_server_query's).
 */
const char *http_server_query_unknown(struct request *req,
    const char *const *known);

/*
 * Queue a response on the request's connection, with CORS and the
 * request's extra headers. Used by reply.c only.
 */
void http_server_send(struct request *req, unsigned status,
    const char *content_type, const char *body, size_t len);

#endif
