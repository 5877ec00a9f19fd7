/*
 * Every response mfaemu sends goes through here: JSON bodies (pretty or
 * compact as the caller asked), the Google error envelope, CORS headers.
 */
#ifndef MFAEMU_REPLY_H
#define MFAEMU_REPLY_H

#include <stdarg.h>

#include <stddef.h>

#include "errors.h"

struct json_object;
struct request;

/*
 * The error envelope for `code` with an optional detail (NULL for none).
 * xgafv 2 drops the legacy errors[] array. Returns a new object (owned).
 */
struct json_object *reply_error_body(enum err_code code, const char *detail,
    int xgafv);

/* Send the error envelope; `fmt` (printf-style, may be NULL) is the detail. */
void reply_error(struct request *req, enum err_code code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * The same reply with `detail` as it is (dropped for a 5xx, as ever) and
 * nothing logged: for a caller that has logged the request its own way
 * (an injected fault).
 */
void reply_error_unlogged(struct request *req, enum err_code code,
    const char *detail);

/* The same with a va_list, for other printf-style functions that reply. */
void reply_verror(struct request *req, enum err_code code, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

/* Send `body` (consumed) with `status`. */
/*
 * `doc` as Google pretty-prints it: two-space indents, "key": value,
 * empty objects and arrays as {} and [], a closing newline. Malloc'd
 * (NULL when out of memory); *len its length when len is not NULL.
 */
char *reply_pretty_text(struct json_object *doc, size_t *len);

void reply_json(struct request *req, unsigned status,
    struct json_object *body);

/* Send a raw body with a content type (borrowed, copied). */
void reply_raw(struct request *req, unsigned status,
    const char *content_type, const char *body, size_t len);

/* Add a header to the response about to be sent (copied). */
void reply_add_header(struct request *req, const char *name,
    const char *value);

#endif
