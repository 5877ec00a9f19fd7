#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "config.h"
#include "fieldmask.h"
#include "http_server.h"
#include "log.h"
#include "portable.h"

/*
 * Past the body limit, bodies announced (Content-Length) up to this size are
 * drained before the 413.
 */
#define HTTP_DISCARD_LIMIT (16u << 20)

/*
 * A chunked body announces no size: past the body limit it is drained for
 * this much more, so a client that overshot a little still reads its 413;
 * past that its connection is closed, so an endless stream cannot hold it.
 */
#define HTTP_CHUNKED_DISCARD (1u << 20)

struct http_server {
	struct MHD_Daemon *daemon;
	struct emu *emu;
	const struct http_server_app *app;
	unsigned port;
	int fd;
};

static void
request_free(struct request *req)
{
	free(req->response);
	free(req->body);
	free(req->path_buf);
	json_object_put(req->json);
	json_object_put(req->form_query);
	fieldmask_free(req->fields);
	for (size_t i = 0; i < req->nheaders; i++) {
		free(req->headers[i][0]);
		free(req->headers[i][1]);
	}
	free(req);
}

static int64_t
monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *
query(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* A query parameter of the URL itself. */
static const char *
url_query(struct request *req, const char *name)
{
	if (req->conn == NULL) {
		for (const char *const *q = req->query_pairs; q && q[0];
		    q += 2) {
			if (strcmp(q[0], name) == 0)
				return q[1];
		}
		return NULL;
	}
	return query(req->conn, name);
}

const char *
http_server_query(struct request *req, const char *name)
{
	const char *v = url_query(req, name);
	struct json_object *f;

	if (v == NULL && req->form_query != NULL &&
	    json_object_object_get_ex(req->form_query, name, &f))
		v = json_object_get_string(f);
	return v;
}

static bool
name_in(const char *name, const char *const *known)
{
	for (; *known != NULL; known++) {
		if (strcmp(name, *known) == 0)
			return true;
	}
	return false;
}

struct query_scan {
	const char *const *known;
	const char *unknown;
};

static enum MHD_Result
scan_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_scan *qs = cls;

	(void)kind;
	(void)value;
	if (name_in(key, qs->known))
		return MHD_YES;
	qs->unknown = key;
	return MHD_NO;
}

const char *
http_server_query_unknown(struct request *req, const char *const *known)
{
	struct query_scan qs = { known, NULL };

	if (req->conn != NULL)
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND,
		    scan_arg, &qs);
	for (const char *const *q = req->query_pairs; req->conn == NULL &&
	    q && q[0] && qs.unknown == NULL; q += 2)
		scan_arg(&qs, MHD_GET_ARGUMENT_KIND, q[0], q[1]);
	if (qs.unknown == NULL && req->form_query != NULL) {
		json_object_object_foreach(req->form_query, key, v) {
			(void)v;
			if (!name_in(key, known))
				return key;
		}
	}
	return qs.unknown;
}

/* What the router needs from MHD, read once the request is complete. */
static void
request_fill(struct request *req)
{
	struct MHD_Connection *c = req->conn;

	req->key = query(c, "key");
	req->xgafv_param = query(c, "$.xgafv");
	req->alt = query(c, "alt");
	req->pretty_param = query(c, "prettyPrint");
	req->content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	req->origin = header(c, "Origin");
	req->host = header(c, MHD_HTTP_HEADER_HOST);
	req->authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	req->acr_headers = header(c, "Access-Control-Request-Headers");
	req->acr_private_network = header(c,
	    "Access-Control-Request-Private-Network");
	req->api_key_header = header(c, "X-Goog-Api-Key");
	req->method_override = header(c, "X-HTTP-Method-Override");
	req->fields_param = query(c, "fields");
	req->accept = header(c, MHD_HTTP_HEADER_ACCEPT);
	req->sec_fetch_site = header(c, "Sec-Fetch-Site");
	req->ui_header = header(c, "X-Mfaemu-UI");
}

static int
append_body(struct request *req, const char *data, size_t n)
{
	char *nb;
	size_t cap;

	if (req->body_len + n > req->body_cap) {
		req->too_large = true;
		free(req->body);
		req->body = NULL;
		req->body_len = 0;
		return 0;
	}
	cap = req->body_len + n + 1;
	if ((nb = realloc(req->body, cap)) == NULL)
		return -1;
	memcpy(nb + req->body_len, data, n);
	req->body = nb;
	req->body_len += n;
	req->body[req->body_len] = '\0';
	return 0;
}

/*
 * The first call for a request: its state, its body limits from the
 * announced length, and an early 413 for a huge body. NULL when out of
 * memory.
 */
static struct request *
request_begin(struct http_server *srv, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	struct request *req;
	const char *cl;
	unsigned long long announced = 0;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	req->started_ns = monotonic_ns();
	req->emu = srv->emu;
	req->conn = conn;
	req->method = method;
	req->url = url;
	req->xgafv = 1;
	req->pretty = true;
	req->body_cap = srv->app->max_body(req);
	if ((cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH)) != NULL)
		announced = strtoull(cl, NULL, 10);
	/*
	 * A body a little too large is read and dropped, so the client, still
	 * writing, sees the 413 rather than a reset: up to its announced
	 * length, or, chunked, up to HTTP_CHUNKED_DISCARD past the cap. A
	 * huge one is refused at once (MHD allows a response now, before "100
	 * Continue").
	 */
	req->body_limit = req->body_cap + HTTP_CHUNKED_DISCARD;
	if (announced > req->body_limit && announced <= HTTP_DISCARD_LIMIT)
		req->body_limit = (size_t)announced;
	if (announced > req->body_cap) {
		req->too_large = true;
		if (announced > HTTP_DISCARD_LIMIT) {
			request_fill(req);
			srv->app->dispatch(req);
		}
	}
	return req;
}

/* A piece of the body: kept, or past the cap dropped, or too much. */
static enum MHD_Result
request_upload(struct request *req, const char *data, size_t *size)
{
	req->body_seen += *size;
	if (req->body_seen > req->body_limit) {
		/* MHD takes no response mid-body: close without one. */
		log_debug("%s %s: body past %zu bytes, closing", req->method,
		    req->url, req->body_limit);
		return MHD_NO;
	}
	if (!req->too_large && append_body(req, data, *size))
		return MHD_NO;
	/* A body past the cap is read and dropped. */
	*size = 0;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct request *req = *con_cls;

	if (req == NULL) {
		if ((*con_cls = request_begin(srv, conn, url, method)) == NULL)
			return MHD_NO;
		return MHD_YES;
	}
	if (req->status != 0) {
		/* Already answered (an early 413): drop the rest. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0)
		return request_upload(req, upload_data, upload_data_size);
	request_fill(req);
	srv->app->dispatch(req);
	/* An injected fault: close the connection without answering. */
	return req->drop ? MHD_NO : MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct request *req = *con_cls;

	if (req == NULL)
		return;
	req->duration_ms = (double)(monotonic_ns() - req->started_ns) / 1e6;
	if (srv->app->completed != NULL)
		srv->app->completed(req);
	request_free(req);
	*con_cls = NULL;
}

void
http_server_send(struct request *req, unsigned status,
    const char *content_type, const char *body, size_t len)
{
	struct MHD_Response *resp;

	if (req->status != 0)
		return;
	if (req->conn == NULL) {
		req->status = status;
		if ((req->response = malloc(len + 1)) != NULL) {
			memcpy(req->response, body, len);
			req->response[len] = '\0';
			req->response_len = len;
		}
		return;
	}
	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return;
	if (content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    content_type);
	if (req->no_cors) {
		/* The inspector's files: same origin only. */
	} else if (req->origin != NULL) {
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
		    req->origin);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Origin");
	} else {
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
		    "*");
	}
	for (size_t i = 0; i < req->nheaders; i++)
		MHD_add_response_header(resp, req->headers[i][0],
		    req->headers[i][1]);
	req->status = status;
	if (MHD_queue_response(req->conn, status, resp) != MHD_YES)
		log_warn("%s %s: could not queue the %u response", req->method,
		    req->url, status);
	MHD_destroy_response(resp);
}

void
http_server_run(const struct http_server_app *app, struct request *req)
{
	req->conn = NULL;
	req->xgafv = 1;
	req->pretty = true;
	req->body_cap = app->max_body(req);
	if (req->body_len > req->body_cap)
		req->too_large = true;
	req->key = http_server_query(req, "key");
	req->xgafv_param = http_server_query(req, "$.xgafv");
	req->alt = http_server_query(req, "alt");
	req->pretty_param = http_server_query(req, "prettyPrint");
	req->fields_param = http_server_query(req, "fields");
	app->dispatch(req);
}

void
http_server_request_free(struct request *req)
{
	request_free(req);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("http: %s", line);
}

/* Bind ourselves, so "address in use" and friends get a clear message. */
static int
listen_socket(const char *host, unsigned port, int *family, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char portstr[8];
	int fd = -1, rc, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve host '%s': %s", host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int one = 1;

		fd = socket_cloexec(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1024) == 0) {
			*family = ai->ai_family;
			break;
		}
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port,
		    strerror(saved));
	return fd;
}

static unsigned
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct http_server *
http_server_start(const struct config *cfg, struct emu *emu,
    const struct http_server_app *app, char *err, size_t errlen)
{
	struct http_server *srv;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    portable_mhd_poll_flag() | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	int family = AF_INET;

	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->emu = emu;
	srv->app = app;
	if ((srv->fd = listen_socket(cfg->host, cfg->port, &family, err,
	    errlen)) < 0) {
		free(srv);
		return NULL;
	}
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->port = bound_port(srv->fd);
	srv->daemon = MHD_start_daemon(flags, (uint16_t)srv->port, NULL, NULL,
	    on_request, srv,
	    /* First, so MHD's own start-up messages reach it too. */
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
	    MHD_OPTION_LISTEN_SOCKET, srv->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)cfg->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)cfg->connection_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server on %s:%u",
		    cfg->host, srv->port);
		close(srv->fd);
		free(srv);
		return NULL;
	}
	return srv;
}

unsigned
http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	/* Stop accepting first; running handlers finish before the join. */
	MHD_quiesce_daemon(srv->daemon);
	MHD_stop_daemon(srv->daemon);
	close(srv->fd);
	free(srv);
}
