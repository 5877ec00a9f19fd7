/*
 * loadgen: the load driver for what wrk's Lua cannot do, and the start-up
 * timer. Loopback only (127.0.0.1); every run is bounded in time or count.
 *
 *   loadgen flow  --port P [-c CONNS] [-t THREADS] [-d SECS] [--pool N]
 *                 [--offset K]
 *       The whole MFA sign-in per connection: mfaSignIn:start for bc<i> on
 *       p<i>, read sessionInfo, then mfaSignIn:finalize with the fixed code
 *       123456 (bench pool fixtures: every user is on a test number). Each
 *       credential bc<K>..bc<K+N-1> is used once; the run stops early if
 *       they run out.
 *   loadgen start --port P [-c CONNS] [-t THREADS] (-d SECS | -n COUNT)
 *                 [--pool N] [--rss-pid PID --rss-every K]
 *       mfaSignIn:start round-robin over bc0..bc<N-1>. With --rss-pid, the
 *       server's VmRSS is printed every K answered requests.
 *   loadgen first [--runs R] [--port P] [--log FILE] [--keep]
 *                 -- COMMAND [ARGS...]
 *       Start COMMAND R times; time from fork to the first answered
 *       "GET /" (the port is read from its "listening on http://H:P" line,
 *       or polled when --port is given), and read its VmRSS and VmHWM
 *       then. The process is then stopped with SIGTERM, untimed; with
 *       --keep (one run) it is left running and its pid and port printed.
 *
 * Each mode ends with one line "BENCH key=value ...". Latencies are exact
 * percentiles (nearest rank) of every answered request, in microseconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#define RBUF 65536
#define PREFIX "/identitytoolkit.googleapis.com/v2/accounts/mfaSignIn:"

enum mode { M_FLOW, M_START };
enum phase { P_START, P_FINALIZE };

struct vec {
	uint32_t *v;
	size_t n, cap;
};

struct conn {
	int fd;
	enum phase phase;
	long cred;
	char req[1024];
	size_t reqlen, sent;
	char rbuf[RBUF];
	size_t rlen;
	uint64_t t0, flow_t0;
	int idle;		/* no request in flight (pool ran out) */
};

struct worker {
	pthread_t tid;
	int nconns;
	struct conn *conns;
	struct vec lat, flow_lat;
	uint64_t done, flows, errors;
};

static struct {
	enum mode mode;
	unsigned port;
	int conns, threads;
	double secs;
	long count;		/* start -n: stop after this many answers */
	long pool;
	long offset;		/* flow: first credential of this run's slice */
	int rss_pid;
	long rss_every;
	uint64_t deadline;
	atomic_long next_cred;
	atomic_long answered;
	atomic_int exhausted;
	int keep;
	long rss_kb, hwm_kb;	/* first: of the last run */
	pid_t kept_pid;
	unsigned kept_port;
} g = { .conns = 32, .threads = 2, .secs = 3, .pool = 1000 };

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
vec_push(struct vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 65536;
		if ((v->v = realloc(v->v, v->cap * sizeof(*v->v))) == NULL) {
			perror("loadgen");
			exit(1);
		}
	}
	v->v[v->n++] = x;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
pct(const struct vec *v, double p)
{
	size_t k;

	if (v->n == 0)
		return 0;
	k = (size_t)((p / 100.0) * (double)v->n + 0.999999);
	if (k < 1)
		k = 1;
	return v->v[k - 1];
}

static int
connect_local(unsigned port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
build(struct conn *c)
{
	char body[512];
	int n;

	if (c->phase == P_START)
		n = snprintf(body, sizeof(body), "{\"mfaPendingCredential\": "
		    "\"bc%ld\", \"mfaEnrollmentId\": \"p%ld\"}", c->cred,
		    c->cred);
	else
		n = snprintf(body, sizeof(body), "{\"mfaPendingCredential\": "
		    "\"bc%ld\", \"phoneVerificationInfo\": {\"sessionInfo\": "
		    "\"%s\", \"code\": \"123456\"}}", c->cred,
		    c->rbuf /* the session, stashed there */);
	c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
	    "POST " PREFIX "%s?key=bench HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
	    "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
	    c->phase == P_START ? "start" : "finalize", g.port, n, body);
	c->sent = 0;
	c->rlen = 0;
}

/* Pick the next credential; -1 when the run is over or the pool is out. */
static long
next_cred(void)
{
	long i;

	if (now_us() >= g.deadline || (g.count > 0 &&
	    atomic_load(&g.answered) >= g.count))
		return -1;
	i = atomic_fetch_add(&g.next_cred, 1);
	if (g.mode == M_START)
		return i % g.pool;
	if (i >= g.pool) {
		atomic_store(&g.exhausted, 1);
		return -1;
	}
	return g.offset + i;
}

static int
send_some(struct conn *c)
{
	while (c->sent < c->reqlen) {
		ssize_t n = send(c->fd, c->req + c->sent, c->reqlen - c->sent,
		    MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		c->sent += (size_t)n;
	}
	return 0;
}

static int
begin(struct conn *c, enum phase phase)
{
	c->phase = phase;
	if (phase == P_START) {
		if ((c->cred = next_cred()) < 0) {
			c->idle = 1;
			return 0;
		}
	}
	build(c);
	c->t0 = now_us();
	if (phase == P_START)
		c->flow_t0 = c->t0;
	return send_some(c);
}

static int
reconnect(int ep, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };

	if (c->fd >= 0)
		close(c->fd);
	if ((c->fd = connect_local(g.port)) < 0)
		return -1;
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

/* Length of a complete response in rbuf and its status, or 0. */
static size_t
complete(struct conn *c, int *status, const char **body)
{
	char *end, *cl;
	size_t hlen;

	c->rbuf[c->rlen] = '\0';
	if ((end = strstr(c->rbuf, "\r\n\r\n")) == NULL)
		return 0;
	hlen = (size_t)(end - c->rbuf) + 4;
	*status = atoi(c->rbuf + 9);
	cl = strcasestr(c->rbuf, "\r\ncontent-length:");
	if (cl == NULL || cl > end)
		return hlen;
	if (c->rlen < hlen + strtoul(cl + 17, NULL, 10))
		return 0;
	*body = c->rbuf + hlen;
	return hlen + strtoul(cl + 17, NULL, 10);
}

static long
proc_status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

static void
rss_report(void)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", g.rss_pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			printf("RSS answered=%ld rss_kb=%ld\n",
			    atomic_load(&g.answered), atol(line + 6));
	fclose(f);
	fflush(stdout);
}

/* A whole response arrived: account for it and send what comes next. */
static int
on_response(struct worker *w, struct conn *c, int status, const char *body)
{
	uint64_t t = now_us();
	long a;

	vec_push(&w->lat, (uint32_t)(t - c->t0));
	w->done++;
	a = atomic_fetch_add(&g.answered, 1) + 1;
	if (g.rss_pid > 0 && g.rss_every > 0 && a % g.rss_every == 0)
		rss_report();
	if (g.mode == M_START) {
		if (status != 200)
			w->errors++;
		return begin(c, P_START);
	}
	if (c->phase == P_START) {
		const char *s = body ? strstr(body, "\"sessionInfo\"") : NULL;
		size_t n;

		if (status != 200 || s == NULL ||
		    (s = strchr(s + 13, '"')) == NULL ||
		    (n = strcspn(s + 1, "\"")) >= 200) {
			w->errors++;
			return begin(c, P_START);
		}
		/* Stash the session at the front of rbuf for build(). */
		memmove(c->rbuf, s + 1, n);
		c->rbuf[n] = '\0';
		return begin(c, P_FINALIZE);
	}
	if (status != 200)
		w->errors++;
	else {
		w->flows++;
		vec_push(&w->flow_lat, (uint32_t)(t - c->flow_t0));
	}
	return begin(c, P_START);
}

static int
on_readable(struct worker *w, struct conn *c)
{
	for (;;) {
		const char *body = NULL;
		ssize_t n;
		size_t len;
		int status;

		n = recv(c->fd, c->rbuf + c->rlen, RBUF - 1 - c->rlen, 0);
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0 || c->rlen + (size_t)n >= RBUF - 1)
			return -1;
		c->rlen += (size_t)n;
		if ((len = complete(c, &status, &body)) == 0)
			continue;
		if (len != c->rlen)
			return -1;	/* nothing is pipelined */
		if (on_response(w, c, status, body) != 0)
			return -1;
		if (c->idle)
			return 0;
	}
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[64];
	int ep = epoll_create1(EPOLL_CLOEXEC), live;

	for (int i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];

		c->fd = -1;
		if (reconnect(ep, c) != 0 || begin(c, P_START) != 0) {
			w->errors++;
			c->idle = 1;
		}
	}
	for (;;) {
		int n = epoll_wait(ep, evs, 64, 10);

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int bad = 0;

			if (c->idle)
				continue;
			if (evs[i].events & EPOLLOUT)
				bad = send_some(c);
			if (!bad && (evs[i].events & (EPOLLIN | EPOLLHUP |
			    EPOLLERR)))
				bad = on_readable(w, c);
			if (bad) {
				/* Count it, start again on a new connection. */
				w->errors++;
				c->rlen = 0;
				if (reconnect(ep, c) != 0 ||
				    begin(c, P_START) != 0)
					c->idle = 1;
			}
		}
		live = 0;
		for (int i = 0; i < w->nconns; i++)
			live += !w->conns[i].idle;
		if (live == 0 || now_us() >= g.deadline || (g.count > 0 &&
		    atomic_load(&g.answered) >= g.count))
			break;
	}
	for (int i = 0; i < w->nconns; i++)
		if (w->conns[i].fd >= 0)
			close(w->conns[i].fd);
	close(ep);
	return NULL;
}

static int
load(void)
{
	struct worker *ws = calloc((size_t)g.threads, sizeof(*ws));
	struct vec all = { 0 }, flows = { 0 };
	uint64_t t0, elapsed, done = 0, nflows = 0, errors = 0;
	double s;

	if (g.conns < g.threads)
		g.threads = g.conns;
	t0 = now_us();
	g.deadline = t0 + (uint64_t)(g.secs * 1e6);
	for (int i = 0; i < g.threads; i++) {
		ws[i].nconns = g.conns / g.threads +
		    (i < g.conns % g.threads);
		ws[i].conns = calloc((size_t)ws[i].nconns, sizeof(struct conn));
		pthread_create(&ws[i].tid, NULL, worker_run, &ws[i]);
	}
	for (int i = 0; i < g.threads; i++) {
		pthread_join(ws[i].tid, NULL);
		done += ws[i].done;
		nflows += ws[i].flows;
		errors += ws[i].errors;
		for (size_t k = 0; k < ws[i].lat.n; k++)
			vec_push(&all, ws[i].lat.v[k]);
		for (size_t k = 0; k < ws[i].flow_lat.n; k++)
			vec_push(&flows, ws[i].flow_lat.v[k]);
	}
	elapsed = now_us() - t0;
	s = (double)elapsed / 1e6;
	qsort(all.v, all.n, sizeof(*all.v), cmp_u32);
	qsort(flows.v, flows.n, sizeof(*flows.v), cmp_u32);
	printf("BENCH mode=%s conns=%d threads=%d duration_s=%.3f "
	    "requests=%llu rps=%.1f p50_us=%u p99_us=%u p999_us=%u max_us=%u "
	    "errors=%llu", g.mode == M_FLOW ? "flow" : "start", g.conns,
	    g.threads, s, (unsigned long long)done, (double)done / s,
	    pct(&all, 50), pct(&all, 99), pct(&all, 99.9), pct(&all, 100),
	    (unsigned long long)errors);
	if (g.mode == M_FLOW)
		printf(" flows=%llu fps=%.1f flow_p50_us=%u flow_p99_us=%u "
		    "pool_exhausted=%d", (unsigned long long)nflows,
		    (double)nflows / s, pct(&flows, 50), pct(&flows, 99),
		    atomic_load(&g.exhausted));
	printf("\n");
	return 0;
}

/* One start-up: fork to first answered request, in microseconds. */
static long
first_once(char **cmd, unsigned fixed_port, const char *log)
{
	int out[2], fd, status;
	uint64_t t0, t1, give_up;
	unsigned port = fixed_port;
	char buf[4096];
	size_t blen = 0;
	pid_t pid;
	long result = -1;

	if (pipe2(out, O_CLOEXEC) != 0)
		return -1;
	t0 = now_us();
	if ((pid = fork()) == 0) {
		int err = open(log ? log : "/dev/null",
		    O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fixed_port ? err : out[1], 1);
		dup2(err, 2);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(out[1]);
	give_up = t0 + 120u * 1000000u;
	while (port == 0 && now_us() < give_up) {
		ssize_t n = read(out[0], buf + blen, sizeof(buf) - 1 - blen);
		char *p;

		if (n <= 0)
			goto out;
		blen += (size_t)n;
		buf[blen] = '\0';
		if ((p = strstr(buf, "listening on http://")) != NULL &&
		    strchr(p, '\n') != NULL) {
			*strchr(p, '\n') = '\0';
			port = (unsigned)atoi(strrchr(p, ':') + 1);
		}
	}
	/*
	 * Ready means answered. Poll: a fixed port may not be bound yet, or
	 * bound for a moment by a port check that closes it unanswered.
	 */
	while (port != 0 && result < 0 && now_us() < give_up) {
		static const char get[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1"
		    "\r\nConnection: close\r\n\r\n";
		char r[4096];

		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = -1;
			goto out;
		}
		if ((fd = connect_local(port)) < 0) {
			usleep(500);
			continue;
		}
		if (send(fd, get, sizeof(get) - 1, MSG_NOSIGNAL) ==
		    (ssize_t)sizeof(get) - 1 && recv(fd, r, sizeof(r), 0) > 12 &&
		    strncmp(r, "HTTP/1.", 7) == 0) {
			t1 = now_us();
			result = (long)(t1 - t0);
			g.rss_kb = proc_status_kb(pid, "VmRSS");
			g.hwm_kb = proc_status_kb(pid, "VmHWM");
		}
		close(fd);
		if (result < 0)
			usleep(500);
	}
out:
	close(out[0]);
	if (pid > 0 && g.keep && result >= 0) {
		g.kept_pid = pid;
		g.kept_port = port;
	} else if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 2000 && waitpid(pid, &status, WNOHANG) !=
		    pid; i++)
			usleep(5000);
		if (kill(pid, 0) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	}
	return result;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int
first(char **cmd, int runs, const char *log)
{
	long *t = calloc((size_t)runs, sizeof(*t));
	int ok = 0;

	for (int i = 0; i < runs; i++)
		if ((t[ok] = first_once(cmd, g.port, log)) >= 0)
			ok++;
	if (ok == 0) {
		printf("BENCH mode=first runs=%d ok=0\n", runs);
		return 1;
	}
	qsort(t, (size_t)ok, sizeof(*t), cmp_long);
	printf("BENCH mode=first runs=%d ok=%d median_ms=%.2f min_ms=%.2f "
	    "max_ms=%.2f rss_kb=%ld hwm_kb=%ld", runs, ok,
	    (ok % 2 ? t[ok / 2] : (t[ok / 2 - 1] + t[ok / 2]) / 2) / 1000.0,
	    t[0] / 1000.0, t[ok - 1] / 1000.0, g.rss_kb, g.hwm_kb);
	if (g.kept_pid > 0)
		printf(" pid=%d port=%u", (int)g.kept_pid, g.kept_port);
	printf("\n");
	return ok == runs ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen flow|start --port P [-c N] [-t N] "
	    "[-d S] [-n N] [--pool N] [--offset K]\n"
	    "       [--rss-pid PID --rss-every K]\n"
	    "       loadgen first [--runs R] [--port P] [--log F] [--keep] "
	    "-- CMD...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *log = NULL;
	int runs = 20, i;

	if (argc < 2)
		usage();
	signal(SIGPIPE, SIG_IGN);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--") == 0)
			break;
		if (v == NULL && strcmp(a, "--keep") != 0)
			usage();
		if (strcmp(a, "--port") == 0)
			g.port = (unsigned)atoi(v);
		else if (strcmp(a, "-c") == 0)
			g.conns = atoi(v);
		else if (strcmp(a, "-t") == 0)
			g.threads = atoi(v);
		else if (strcmp(a, "-d") == 0)
			g.secs = atof(v);
		else if (strcmp(a, "-n") == 0)
			g.count = atol(v);
		else if (strcmp(a, "--pool") == 0)
			g.pool = atol(v);
		else if (strcmp(a, "--offset") == 0)
			g.offset = atol(v);
		else if (strcmp(a, "--rss-pid") == 0)
			g.rss_pid = atoi(v);
		else if (strcmp(a, "--rss-every") == 0)
			g.rss_every = atol(v);
		else if (strcmp(a, "--runs") == 0)
			runs = atoi(v);
		else if (strcmp(a, "--log") == 0)
			log = v;
		else if (strcmp(a, "--keep") == 0) {
			g.keep = 1;
			continue;
		}
		else
			usage();
		i++;
	}
	if (strcmp(argv[1], "first") == 0) {
		if (i + 1 >= argc || runs < 1 || (g.keep && runs != 1))
			usage();
		return first(argv + i + 1, runs, log);
	}
	if (g.port == 0 || g.conns < 1 || g.threads < 1 || g.pool < 1)
		usage();
	if (strcmp(argv[1], "flow") == 0)
		g.mode = M_FLOW;
	else if (strcmp(argv[1], "start") == 0)
		g.mode = M_START;
	else
		usage();
	/* -n without -d: the count bounds the run, with a 10-minute cap. */
	if (g.count > 0 && g.secs == 3)
		g.secs = 600;
	return load();
}
