#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fieldmask.h"
#include "http_server.h"
#include "log.h"
#include "reply.h"

/*
 * Make `s` valid UTF-8 in place: details quote what the client sent, and
 * a reply that says charset=UTF-8 must be. Invalid bytes become '?', and
 * a character cut short at the end (by a precision) is dropped.
 */
static void
utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p != '\0') {
		size_t n = *p < 0x80 ? 0 : (*p >= 0xc2 && *p <= 0xdf) ? 1 :
		    (*p >= 0xe0 && *p <= 0xef) ? 2 :
		    (*p >= 0xf0 && *p <= 0xf4) ? 3 : 4;
		size_t k;

		if (n == 4) {
			*p++ = '?';
			continue;
		}
		for (k = 1; k <= n && (p[k] & 0xc0) == 0x80; k++)
			;
		/* Overlong forms, surrogates and past U+10FFFF. */
		if (k > n && ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0) ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] >= 0x90))) {
			*p++ = '?';
			continue;
		}
		if (k <= n) {
			if (p[k] == '\0') {
				*p = '\0';	/* cut short: drop it */
				return;
			}
			*p++ = '?';
			continue;
		}
		p += n + 1;
	}
}

/*
 * error.message for `e` with the reply's detail (maybe ""): see the
 * message column of errors.def. Sets *hidden when the detail is not in it.
 */
static void
error_message(const struct err_info *e, const char *detail, char *msg,
    size_t len, bool *hidden)
{
	*hidden = false;
	switch (errors_form(e)) {
	case ERR_FORM_FIXED:
		snprintf(msg, len, "%s", e->message);
		*hidden = true;
		break;
	case ERR_FORM_DETAIL:
		if (*detail != '\0') {
			snprintf(msg, len, "%s : %s", e->code, detail);
			break;
		}
		snprintf(msg, len, "%s", e->code);
		break;
	case ERR_FORM_SENTENCE:
		snprintf(msg, len, "%s", *detail != '\0' ? detail : e->code);
		break;
	case ERR_FORM_CODE:
		snprintf(msg, len, "%s", e->code);
		*hidden = true;
		break;
	}
	if (*detail == '\0')
		*hidden = false;
}

/*
 * error.details with the explanation Google would not send: a
 * google.rpc.DebugInfo, the type meant for a server's human-readable
 * debugging text (ErrorInfo's reason and domain are for machines).
 */
static struct json_object *
debug_details(const char *detail)
{
	struct json_object *arr = json_object_new_array();
	struct json_object *info = json_object_new_object();
	char buf[768];

	snprintf(buf, sizeof(buf), "%s", detail);
	utf8_clean(buf);
	json_object_object_add(info, "@type", json_object_new_string(
	    "type.googleapis.com/google.rpc.DebugInfo"));
	json_object_object_add(info, "detail", json_object_new_string(buf));
	json_object_array_add(arr, info);
	return arr;
}

struct json_object *
reply_error_body(enum err_code code, const char *detail, int xgafv)
{
	const struct err_info *e = errors_info(code);
	struct json_object *root, *err, *arr, *item;
	char msg[1024];
	bool hidden;

	error_message(e, detail != NULL ? detail : "", msg, sizeof(msg),
	    &hidden);
	utf8_clean(msg);
	root = json_object_new_object();
	err = json_object_new_object();
	json_object_object_add(err, "code",
	    json_object_new_int((int)e->http_status));
	json_object_object_add(err, "message", json_object_new_string(msg));
	if (xgafv != 2) {
		arr = json_object_new_array();
		item = json_object_new_object();
		json_object_object_add(item, "message",
		    json_object_new_string(msg));
		json_object_object_add(item, "domain",
		    json_object_new_string("global"));
		json_object_object_add(item, "reason",
		    json_object_new_string(e->reason));
		json_object_array_add(arr, item);
		json_object_object_add(err, "errors", arr);
	}
	json_object_object_add(err, "status",
	    json_object_new_string(e->status));
	if (hidden)
		json_object_object_add(err, "details", debug_details(detail));
	json_object_object_add(root, "error", err);
	return root;
}

void
reply_error(struct request *req, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reply_verror(req, code, fmt, ap);
	va_end(ap);
}

void
reply_verror(struct request *req, enum err_code code, const char *fmt,
    va_list ap)
{
	const struct err_info *e = errors_info(code);
	char detail[768] = "";

	if (fmt != NULL)
		vsnprintf(detail, sizeof(detail), fmt, ap);
	if (e->http_status >= 500) {
		/* Internals go to the log, never to the client. */
		log_error("%s %s: %s: %s", req->method, req->url, e->code,
		    detail[0] ? detail : "(no detail)");
		detail[0] = '\0';
	}
	else if (detail[0] != '\0' && errors_form(e) != ERR_FORM_DETAIL &&
	    errors_form(e) != ERR_FORM_SENTENCE) {
		/* Not in the message clients show: keep it in the log too. */
		log_info("%s %s: %s: %s", req->method, req->url, e->code,
		    detail);
	}
	reply_error_unlogged(req, code, detail);
}

void
reply_error_unlogged(struct request *req, enum err_code code,
    const char *detail)
{
	const struct err_info *e = errors_info(code);

	req->error_code = e->code;
	reply_json(req, e->http_status, reply_error_body(code,
	    e->http_status >= 500 ? "" : detail, req->xgafv));
}

char *
reply_pretty_text(struct json_object *doc, size_t *len)
{
	size_t n = 0, o = 0;
	const char *in = json_object_to_json_string_length(doc,
	    JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED, &n);
	char *out = malloc(n + 2);

	if (in == NULL || out == NULL) {
		free(out);
		return NULL;
	}
	/*
	 * json-c writes an empty container as "{\n  }": a line break stands
	 * only between tokens (strings escape theirs), so a bracket, a break,
	 * spaces and its closer are an empty container.
	 */
	for (size_t i = 0; i < n; i++) {
		out[o++] = in[i];
		if ((in[i] == '{' || in[i] == '[') && in[i + 1] == '\n') {
			size_t j = i + 2;
			char close = in[i] == '{' ? '}' : ']';

			while (in[j] == ' ')
				j++;
			if (in[j] == close) {
				out[o++] = close;
				i = j;
			}
		}
	}
	out[o++] = '\n';
	out[o] = '\0';
	if (len != NULL)
		*len = o;
	return out;
}

void
reply_json(struct request *req, unsigned status, struct json_object *body)
{
	size_t len = 0;
	const char *text;
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE | (req->pretty ?
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
	    JSON_C_TO_STRING_PLAIN);

	/*
	 * A partial response selects from what the method returns; an error
	 * is not the method's data and goes out whole, as from Google.
	 */
	if (status < 300)
		fieldmask_apply(req->fields, body);
	if (req->pretty) {
		char *pretty = reply_pretty_text(body, &len);

		if (pretty != NULL) {
			http_server_send(req, status,
			    "application/json; charset=UTF-8", pretty, len);
			free(pretty);
			json_object_put(body);
			return;
		}
	}
	text = json_object_to_json_string_length(body, flags, &len);
	http_server_send(req, status, "application/json; charset=UTF-8",
	    text, len);
	json_object_put(body);
}

void
reply_raw(struct request *req, unsigned status, const char *content_type,
    const char *body, size_t len)
{
	http_server_send(req, status, content_type, body, len);
}

void
reply_add_header(struct request *req, const char *name, const char *value)
{
	char *n, *v;

	if (req->nheaders == REQUEST_MAX_HEADERS)
		return;
	n = strdup(name);
	v = strdup(value);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return;
	}
	req->headers[req->nheaders][0] = n;
	req->headers[req->nheaders][1] = v;
	req->nheaders++;
}
