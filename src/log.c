#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "reqparse.h"

#define LOG_LINE_BYTES 16384
#define LOG_MSG_BYTES 1024	/* a message, before escaping */
#define LOG_WORD_BYTES 512	/* an access-log word, before escaping */
#define LOG_QUEUE_BYTES (256u << 10)	/* per stream, before a logger waits */
#define LOG_GATHER_NS 1000000		/* a line waits at most about 1 ms */

/* Written once before threads start, read-only afterwards. */
static enum log_level log_threshold = LOG_INFO;
static enum log_format log_format = LOG_TEXT;

static const char *const level_names[] = { "error", "warn", "info",
    "debug" };

/*
 * While the daemon serves, lines go through a queue to one writer thread:
 * a logger copies its line in under a short lock and the writer, woken
 * by the first line, waits a millisecond for more and writes them in one
 * write(2) per stream. So a burst costs one wake-up and one write per
 * millisecond rather than a write per request, each contending for the
 * file's lock in the kernel (a third of the throughput of the cheapest
 * routes). Before log_async_start and after log_async_stop, lines are
 * written by the caller.
 */
struct log_queue {
	pthread_mutex_t lock;
	pthread_cond_t work;		/* lines are waiting, or stop */
	pthread_cond_t room;		/* the writer took the lines */
	char *pending[2];		/* stdout, stderr */
	size_t len[2];
	char *spare[2];			/* the writer's, while it writes */
	bool running;
	bool idle;			/* the writer waits for work */
	pthread_t writer;
};

static struct log_queue log_queue = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.room = PTHREAD_COND_INITIALIZER,
};
static atomic_bool log_queue_on;

/* A line being built; the last byte is kept for its newline. */
struct line {
	char buf[LOG_LINE_BYTES];
	size_t len;
};

void
log_set_level(enum log_level level)
{
	log_threshold = level;
}

void
log_set_format(enum log_format format)
{
	log_format = format;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	    i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int
log_format_parse(const char *name, enum log_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = LOG_TEXT;
	else if (strcmp(name, "json") == 0)
		*out = LOG_JSON;
	else
		return -1;
	return 0;
}

int
log_enabled(enum log_level level)
{
	return level <= log_threshold;
}

static void
put(struct line *l, const void *s, size_t n)
{
	size_t room = sizeof(l->buf) - 1 - l->len;

	if (n > room)
		n = room;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void
put_str(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static void putf(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct line *l, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

/* A JSON string (null for NULL); bytes that are not UTF-8 become U+FFFD. */
static void
put_json_str(struct line *l, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t n;

	if (s == NULL) {
		put_str(l, "null");
		return;
	}
	end = p + strlen(s);
	put(l, "\"", 1);
	while (p < end) {
		if (*p == '"' || *p == '\\') {
			put(l, "\\", 1);
			put(l, p++, 1);
		} else if (*p < 0x20 || *p == 0x7f) {
			putf(l, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			put(l, p++, 1);
		} else if ((n = reqparse_utf8_seq((const char *)p,
		    (size_t)(end - p))) != 0) {
			put(l, p, n);
			p += n;
		} else {
			put_str(l, "\\ufffd");
			p++;
		}
	}
	put(l, "\"", 1);
}

/* Text: control characters become '?', so a line stays one line. */
static void
put_text(struct line *l, const char *s)
{
	for (; *s != '\0'; s++)
		put(l, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
}

static void
put_fields(struct line *l, const struct log_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		putf(l, ",\"%s\":", f[i].key);
		if (f[i].is_num)
			putf(l, "%lld", f[i].num);
		else
			put_json_str(l, f[i].str);
	}
}

/*
 * "2026-01-02T03:04:05.678Z". The seconds are kept per thread: glibc's
 * gmtime_r takes a process-wide lock, which the access log would take on
 * every request.
 */
static void
utc_now(char out[32])
{
	static _Thread_local time_t last_sec = -1;
	static _Thread_local char last[24];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	snprintf(out, 32, "%.23s.%03dZ", last, (int)(ts.tv_nsec / 1000000));
}

/* The start of a line: time and level (text: none for a plain line). */
static void
put_head(struct line *l, enum log_level level, bool plain)
{
	char t[32];

	utc_now(t);
	l->len = 0;
	if (log_format == LOG_JSON)
		putf(l, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", t,
		    level_names[level]);
	else if (!plain)
		putf(l, "%s mfaemu: %s: ", t, level_names[level]);
}

static void *
log_writer(void *arg)
{
	static const struct timespec gather = { 0, LOG_GATHER_NS };
	struct log_queue *q = arg;
	size_t n[2];

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->running && q->len[0] + q->len[1] == 0) {
			q->idle = true;
			pthread_cond_wait(&q->work, &q->lock);
			q->idle = false;
		}
		if (q->len[0] + q->len[1] == 0)
			break;
		if (q->running) {
			/* Let a burst gather: one wake-up and write for it. */
			pthread_mutex_unlock(&q->lock);
			nanosleep(&gather, NULL);
			pthread_mutex_lock(&q->lock);
		}
		for (int i = 0; i < 2; i++) {
			char *t = q->pending[i];

			q->pending[i] = q->spare[i];
			q->spare[i] = t;
			n[i] = q->len[i];
			q->len[i] = 0;
		}
		pthread_cond_broadcast(&q->room);
		pthread_mutex_unlock(&q->lock);
		/* A log that cannot be written is not worth dying for. */
		(void)file_write_all(STDOUT_FILENO, q->spare[0], n[0]);
		(void)file_write_all(STDERR_FILENO, q->spare[1], n[1]);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Queue a line for stream i; false when the queue is not running. */
static bool
log_enqueue(int i, const char *p, size_t n)
{
	struct log_queue *q = &log_queue;
	bool queued;

	if (!atomic_load(&log_queue_on))
		return false;
	pthread_mutex_lock(&q->lock);
	while (q->running && q->len[i] + n > LOG_QUEUE_BYTES)
		pthread_cond_wait(&q->room, &q->lock);
	if ((queued = q->running)) {
		if (q->idle)
			pthread_cond_signal(&q->work);
		memcpy(q->pending[i] + q->len[i], p, n);
		q->len[i] += n;
	}
	pthread_mutex_unlock(&q->lock);
	return queued;
}

static void
log_queue_free(struct log_queue *q)
{
	for (int i = 0; i < 2; i++) {
		free(q->pending[i]);
		free(q->spare[i]);
		q->pending[i] = q->spare[i] = NULL;
	}
}

void
log_async_start(void)
{
	struct log_queue *q = &log_queue;

	for (int i = 0; i < 2; i++) {
		q->pending[i] = malloc(LOG_QUEUE_BYTES);
		q->spare[i] = malloc(LOG_QUEUE_BYTES);
		if (q->pending[i] == NULL || q->spare[i] == NULL) {
			log_queue_free(q);
			return;
		}
	}
	q->running = true;
	if (pthread_create(&q->writer, NULL, log_writer, q) != 0) {
		q->running = false;
		log_queue_free(q);
		return;
	}
	atomic_store(&log_queue_on, true);
}

void
log_async_stop(void)
{
	struct log_queue *q = &log_queue;

	if (!atomic_load(&log_queue_on))
		return;
	pthread_mutex_lock(&q->lock);
	q->running = false;
	pthread_cond_broadcast(&q->work);
	pthread_cond_broadcast(&q->room);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->writer, NULL);
	atomic_store(&log_queue_on, false);
	log_queue_free(q);
}

/* End the line and write it whole: warn and error to stderr. */
static void
put_end(struct line *l, enum log_level level)
{
	int err = level <= LOG_WARN;

	if (log_format == LOG_JSON)
		put(l, "}", 1);
	l->buf[l->len++] = '\n';
	if (!log_enqueue(err, l->buf, l->len))
		(void)file_write_all(err ? STDERR_FILENO : STDOUT_FILENO,
		    l->buf, l->len);
}

static void
vemit(enum log_level level, bool plain, const struct log_field *fields,
    size_t n, const char *fmt, va_list ap)
{
	struct line l;
	char msg[LOG_MSG_BYTES];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	put_head(&l, level, plain);
	if (log_format == LOG_JSON) {
		put_json_str(&l, msg);
		put_fields(&l, fields, n);
	} else {
		put_text(&l, msg);
	}
	put_end(&l, level);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vemit(level, false, NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_fields(enum log_level level, const struct log_field *fields, size_t n,
    const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vemit(level, false, fields, n, fmt, ap);
	va_end(ap);
}

void
log_plain(const struct log_field *fields, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(LOG_INFO, true, fields, n, fmt, ap);
	va_end(ap);
}

/*
 * An access-log word, or NULL for none: what clients sent, so a byte
 * outside printable ASCII (space included) is %XX in a path, '?'
 * elsewhere, and a word is cut at LOG_WORD_BYTES.
 */
static const char *
word(char *out, size_t outlen, const char *s, bool path)
{
	size_t o = 0;

	if (s == NULL || *s == '\0')
		return NULL;
	for (size_t i = 0; s[i] != '\0' && i < LOG_WORD_BYTES &&
	    o + 4 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c > 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else if (path)
			o += (size_t)snprintf(out + o, 4, "%%%02X", c);
		else
			out[o++] = '?';
	}
	out[o] = '\0';
	return out;
}

static const char *
dash(const char *s)
{
	return s != NULL ? s : "-";
}

void
log_access(const struct log_access *a)
{
	char path[LOG_WORD_BYTES * 3 + 1], method[32], code[64];
	char project[160], tenant[160], user[160];
	const char *w[6];
	struct line l;

	if (!log_enabled(LOG_INFO))
		return;
	w[0] = word(method, sizeof(method), a->method, false);
	w[1] = word(path, sizeof(path), a->path, true);
	w[2] = word(code, sizeof(code), a->code, false);
	w[3] = word(project, sizeof(project), a->project, false);
	w[4] = word(tenant, sizeof(tenant), a->tenant, false);
	w[5] = word(user, sizeof(user), a->user, false);
	put_head(&l, LOG_INFO, false);
	if (log_format == LOG_TEXT) {
		put_str(&l, "access: ");
		put_str(&l, dash(w[0]));
		put_str(&l, " ");
		put_str(&l, dash(w[1]));
		if (a->status != 0)
			putf(&l, " %u ", a->status);
		else
			put_str(&l, " - ");
		put_str(&l, dash(w[2]));
		put_str(&l, " project=");
		put_str(&l, dash(w[3]));
		put_str(&l, " tenant=");
		put_str(&l, dash(w[4]));
		put_str(&l, " user=");
		put_str(&l, dash(w[5]));
		putf(&l, " %.3fms", a->duration_ms);
		if (a->fault_rule != 0)
			putf(&l, " fault=%llu",
			    (unsigned long long)a->fault_rule);
	} else {
		/* Absent values are null: every line has every key. */
		struct log_field f[] = { LOG_STR("method", w[0]),
		    LOG_STR("path", w[1]),
		    { "status", NULL, a->status, a->status != 0 },
		    LOG_STR("code", w[2]), LOG_STR("projectId", w[3]),
		    LOG_STR("tenantId", w[4]), LOG_STR("localId", w[5]),
		    { "fault", NULL, (long long)a->fault_rule,
		    a->fault_rule != 0 } };

		put_json_str(&l, "access");
		put_fields(&l, f, sizeof(f) / sizeof(f[0]));
		putf(&l, ",\"durationMs\":%.3f", a->duration_ms);
	}
	put_end(&l, LOG_INFO);
}
