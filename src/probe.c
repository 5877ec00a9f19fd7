#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include <json-c/json.h>

#include "hostcheck.h"
#include "portable.h"
#include "probe.h"
#include "reqparse.h"

#define PROBE_TIMEOUT_MS 2000
#define PROBE_REPLY_MAX 8192

/* The reply, or why there is none. */
struct probe_reply {
	char buf[PROBE_REPLY_MAX + 1];
	size_t len;
	int err;		/* errno of the failure, 0 when a reply came */
	int timed_out;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 when fd is ready for `events` before the deadline, else -1. */
static int
wait_fd(int fd, short events, long long deadline, struct probe_reply *r)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left = deadline - now_ms();
	int n;

	do {
		n = poll(&p, 1, left > 0 ? (int)left : 0);
	} while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	if (n == 0)
		r->timed_out = 1;
	else
		r->err = errno;
	return -1;
}

/* Connect without blocking past the deadline; 0 or -1 with r set. */
static int
connect_by(int fd, const struct addrinfo *ai, long long deadline,
    struct probe_reply *r)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		r->err = errno;
		return -1;
	}
	if (wait_fd(fd, POLLOUT, deadline, r))
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	r->err = soerr;
	return soerr != 0 ? -1 : 0;
}

/* GET / and read the reply until the server closes or the deadline. */
static void
fetch_root(int fd, const char *host, long long deadline,
    struct probe_reply *r)
{
	char req[384];
	int n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n"
	    "Accept: application/json\r\nConnection: close\r\n\r\n", host);
	ssize_t got;

	if (wait_fd(fd, POLLOUT, deadline, r))
		return;
	if (write(fd, req, (size_t)n) != n) {
		r->err = errno ? errno : EIO;
		return;
	}
	while (r->len < PROBE_REPLY_MAX && wait_fd(fd, POLLIN, deadline,
	    r) == 0) {
		got = read(fd, r->buf + r->len, PROBE_REPLY_MAX - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got < 0 && r->len == 0)
				r->err = errno;
			break;
		}
		r->len += (size_t)got;
	}
	/* A reply cut by the deadline is still a reply. */
	if (r->len > 0)
		r->timed_out = 0;
	r->buf[r->len] = '\0';
}

static void
exchange(const char *host, unsigned port, struct probe_reply *r)
{
	struct addrinfo hints, *res = NULL;
	long long deadline = now_ms() + PROBE_TIMEOUT_MS;
	char portstr[8];
	int fd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if (getaddrinfo(host, portstr, &hints, &res) != 0) {
		r->err = EHOSTUNREACH;
		return;
	}
	fd = socket_cloexec(res->ai_family, res->ai_socktype, 0);
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		r->err = errno;
	else if (connect_by(fd, res, deadline, r) == 0)
		fetch_root(fd, host, deadline, r);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
}

/* A header's value in the reply head (up to the line's end), or NULL. */
static const char *
header_value(const char *head, const char *name, size_t *len)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p != NULL;
	    p = strstr(p + 2, "\r\n")) {
		if (p[2] == '\r')
			break;
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			const char *v = p + 3 + n;

			v += strspn(v, " \t");
			*len = strcspn(v, "\r\n");
			return v;
		}
	}
	return NULL;
}

/* s (up to n bytes) with anything not printable ASCII shown as '?'. */
static void
printable(char *out, size_t outlen, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < outlen; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

/* "HTTP 404, Server: nginx, body '<p>...'": what answered. */
static void
describe(const char *reply, const char *body, char *out, size_t outlen)
{
	char status[64], server[80] = "none", first[64] = "";
	const char *v;
	size_t n;

	printable(status, sizeof(status), reply, strcspn(reply, "\r\n"));
	if ((v = header_value(reply, "Server", &n)) != NULL)
		printable(server, sizeof(server), v, n);
	if (body != NULL)
		printable(first, sizeof(first), body, strlen(body));
	snprintf(out, outlen, "'%s', Server: %s, body '%s%s'", status, server,
	    first, body != NULL && strlen(body) >= sizeof(first) - 1 ?
	    "..." : "");
}

/* Decode a chunked body in place, as much of it as arrived. */
static void
dechunk(char *body)
{
	char *in = body, *out = body, *end;
	size_t n, left;

	for (;;) {
		n = strtoul(in, &end, 16);
		if (end == in || n == 0 || (in = strstr(end, "\r\n")) == NULL)
			break;
		in += 2;
		if (n > (left = strlen(in)))
			n = left;
		memmove(out, in, n);
		out += n;
		in += n;
		if (strncmp(in, "\r\n", 2) != 0)
			break;
		in += 2;
	}
	*out = '\0';
}

/*
 * What GET / says of an emulator: 1 when the body has an authEmulator
 * object (the Firebase Auth Emulator's greeting, which mfaemu's extends),
 * with its product, version, projectId and ready in info.
 */
struct emulator_info {
	const char *product, *version, *project;
	int ready;
};

static int
emulator_of(const char *body, struct json_object **doc,
    struct emulator_info *info)
{
	struct json_object *root = NULL;
	const struct reqparse_field inner[] = {
		{ "product", RP_STRING, &info->product },
		{ "version", RP_STRING, &info->version },
		{ "projectId", RP_STRING, &info->project },
		{ "ready", RP_BOOL, &info->ready },
	};
	const struct reqparse_field outer[] = {
		{ "authEmulator", RP_OBJECT, &root, 0, NULL, inner, 4 },
	};
	char err[160];

	memset(info, 0, sizeof(*info));
	*doc = body ? reqparse_json(body, strlen(body), err, sizeof(err)) :
	    NULL;
	return *doc != NULL && json_object_is_type(*doc, json_type_object) &&
	    reqparse_fields(*doc, NULL, outer, 1, err, sizeof(err)) == 0 &&
	    root != NULL;
}

/* Judge a reply: 0 and the ready line when it is mfaemu's, else 1. */
static int
judge(const char *url, char *reply)
{
	char *body = strstr(reply, "\r\n\r\n");
	struct json_object *doc = NULL;
	struct emulator_info info;
	const char *te;
	char what[320];
	size_t n;
	int rc = 1;

	if (body != NULL) {
		body[2] = '\0';	/* the head ends at its last header */
		te = header_value(reply, "Transfer-Encoding", &n);
		body += 4;
		if (te != NULL && strncasecmp(te, "chunked", 7) == 0)
			dechunk(body);
	}
	if (strncmp(reply, "HTTP/1.", 7) != 0) {
		printable(what, 60, reply, strlen(reply));
		fprintf(stderr, "mfaemu --probe: %s answers, but not in HTTP: "
		    "'%s'\n", url, what);
	} else if (!emulator_of(body, &doc, &info)) {
		describe(reply, body, what, sizeof(what));
		fprintf(stderr, "mfaemu --probe: %s is an HTTP server but not "
		    "mfaemu: %s\n", url, what);
	} else if (info.product == NULL || strcmp(info.product, "mfaemu")) {
		fprintf(stderr, "mfaemu --probe: %s is the Firebase Auth "
		    "Emulator (or another emulator), not mfaemu: its GET / "
		    "names no product \"mfaemu\"\n", url);
	} else {
		rc = !info.ready;
		fprintf(rc ? stderr : stdout, "mfaemu %s %s at %s (project "
		    "%s)\n", info.version ? info.version : "?", rc ?
		    "is not ready" : "ready", url, info.project ? info.project :
		    "?");
	}
	json_object_put(doc);
	return rc;
}

int
probe_run(const char *host, unsigned port)
{
	struct probe_reply *r = calloc(1, sizeof(*r));
	const char *target = hostcheck_connectable(host);
	char url[300];
	int rc = 1;

	if (r == NULL)
		return 1;
	hostcheck_url(url, sizeof(url), target, port);
	exchange(target, port, r);
	if (r->len > 0)
		rc = judge(url, r->buf);
	else if (r->err == ECONNREFUSED)
		fprintf(stderr, "mfaemu --probe: nothing listening at %s "
		    "(connection refused)\n", url);
	else if (r->timed_out)
		fprintf(stderr, "mfaemu --probe: no reply from %s within %d "
		    "ms (timeout)\n", url, PROBE_TIMEOUT_MS);
	else
		fprintf(stderr, "mfaemu --probe: no reply from %s: %s\n", url,
		    r->err == EHOSTUNREACH ? "cannot resolve or reach the host" :
		    r->err ? strerror(r->err) : "closed without a reply");
	free(r);
	return rc;
}
