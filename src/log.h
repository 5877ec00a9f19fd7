/*
 * Line-oriented logging: info and debug to stdout, warn and error to
 * stderr, each line whole (threads never interleave). Text lines
 * start with the UTC time ("2026-01-02T03:04:05.678Z mfaemu: info: ...");
 * with --log-format json each line is one JSON object {"time", "level",
 * "msg", fields...}. The access log (one line per HTTP request) is
 * written here too, from the router's completion hook.
 */
#ifndef MFAEMU_LOG_H
#define MFAEMU_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT, LOG_JSON };

/*
 * While serving: lines go to a writer thread, which batches what gathers
 * (see log.c); stop writes what is queued and returns to direct writes.
 */
void log_async_start(void);
void log_async_stop(void);

/* Set once at start-up, before any thread starts. */
void log_set_level(enum log_level level);
void log_set_format(enum log_format format);
int log_level_parse(const char *name, enum log_level *out);
int log_format_parse(const char *name, enum log_format *out);
int log_enabled(enum log_level level);

/*
 * A field of a JSON line: a string (NULL writes null) or an integer.
 * Text lines leave fields out: their message already says them.
 */
struct log_field {
	const char *key;
	const char *str;
	long long num;
	int is_num;
};
#define LOG_STR(k, v) { (k), (v), 0, 0 }
#define LOG_NUM(k, v) { (k), NULL, (long long)(v), 1 }

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* log_msg with fields for the JSON form. */
void log_fields(enum log_level level, const struct log_field *fields,
    size_t n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * A line scripts match as it is (the ready line and the token set-up
 * after it): in text without time or level, in JSON an info object.
 */
void log_plain(const struct log_field *fields, size_t n, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* One finished HTTP request. NULL strings print "-" (JSON: null). */
struct log_access {
	const char *method;
	const char *path;		/* without the query string */
	unsigned status;		/* 0: closed without a reply */
	const char *code;		/* the error CODE */
	const char *project;
	const char *tenant;
	const char *user;		/* localId */
	double duration_ms;
	uint64_t fault_rule;		/* 0: no fault rule fired */
};

/* Write the access line (at info level). */
void log_access(const struct log_access *a);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
