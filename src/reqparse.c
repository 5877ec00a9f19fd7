#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reply.h"
#include "reqparse.h"

static const char null_doc[] = "";

int
reqparse_is_null_doc(const char *err)
{
	return err[0] == '\0';
}

/* Line and column (1-based) of byte `off`, for error messages. */
static void
position(const char *buf, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

struct json_object *
reqparse_json(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end, line, col;

	if (len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "document too large");
		return NULL;
	}
	if ((tok = json_tokener_new_ex(REQPARSE_MAX_DEPTH)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* Incomplete; a bare number at the end needs a final flush. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_success)
			end = len;
		else
			jerr = json_tokener_continue;
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		position(buf, end > len ? len : end, &line, &col);
		snprintf(err, errlen, "%s at line %zu column %zu",
		    jerr == json_tokener_continue ? "unexpected end of JSON" :
		    json_tokener_error_desc(jerr), line, col);
		json_object_put(obj);
		return NULL;
	}
	for (size_t i = end; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r') {
			position(buf, i, &line, &col);
			snprintf(err, errlen, "unexpected data after the JSON "
			    "value at line %zu column %zu", line, col);
			json_object_put(obj);
			return NULL;
		}
	}
	if (obj == NULL)
		snprintf(err, errlen, "%s", null_doc);
	return obj;
}

static const char *
type_name(enum reqparse_type t)
{
	switch (t) {
	case RP_STRING:
		return "TYPE_STRING";
	case RP_OBJECT:
		return "TYPE_MESSAGE";
	case RP_ARRAY:
		return "TYPE_REPEATED";
	case RP_BOOL:
		return "TYPE_BOOL";
	case RP_INT:
		return "TYPE_INT64";
	}
	return "TYPE_UNKNOWN";
}

static int
parse_int_string(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
take(struct json_object *v, const struct reqparse_field *f)
{
	enum json_type jt = json_object_get_type(v);

	switch (f->type) {
	case RP_STRING:
		if (jt != json_type_string)
			return -1;
		*(const char **)f->slot = json_object_get_string(v);
		return 0;
	case RP_OBJECT:
		if (jt != json_type_object)
			return -1;
		*(struct json_object **)f->slot = v;
		return 0;
	case RP_ARRAY:
		if (jt != json_type_array)
			return -1;
		*(struct json_object **)f->slot = v;
		return 0;
	case RP_BOOL:
		if (jt != json_type_boolean)
			return -1;
		*(int *)f->slot = json_object_get_boolean(v);
		return 0;
	case RP_INT:
		if (jt == json_type_int) {
			errno = 0;
			*(int64_t *)f->slot = json_object_get_int64(v);
			/* json-c saturates; a value beyond int64 is an error. */
			return errno == 0 ? 0 : -1;
		}
		if (jt == json_type_string)
			return parse_int_string(json_object_get_string(v),
			    (int64_t *)f->slot);
		return -1;
	}
	return -1;
}

int
reqparse_fields(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct json_object *v;

		if (!json_object_object_get_ex(obj, fields[i].name, &v) ||
		    v == NULL)
			continue;
		if (take(v, &fields[i]) != 0) {
			snprintf(err, errlen, "Invalid JSON payload received. "
			    "Invalid value at '%s%s%s' (%s)",
			    prefix ? prefix : "", prefix ? "." : "",
			    fields[i].name, type_name(fields[i].type));
			return -1;
		}
	}
	return 0;
}

int
reqparse_fields_or_reply(struct request *req, struct json_object *obj,
    const char *prefix, const struct reqparse_field *fields, size_t n)
{
	char err[256];

	if (reqparse_fields(obj, prefix, fields, n, err, sizeof(err)) == 0)
		return 0;
	reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
	return -1;
}

int
reqparse_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

int
reqparse_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one %-escaped name or value of n bytes into out (n + 1). */
static int
form_decode(const char *in, size_t n, char *out, size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == '+') {
			out[o++] = ' ';
		} else if (in[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(in[i + 1]);
			lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return reqparse_valid_utf8(out, o) ? 0 : -1;
}

struct json_object *
reqparse_form(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_object *obj = json_object_new_object();
	char *name = malloc(len + 1), *value = malloc(len + 1);
	size_t pos = 0;

	if (obj == NULL || name == NULL || value == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (pos < len) {
		size_t end = pos, eq, nlen, vlen;

		while (end < len && buf[end] != '&')
			end++;
		for (eq = pos; eq < end && buf[eq] != '='; eq++)
			;
		if (end > pos) {
			if (form_decode(buf + pos, eq - pos, name, &nlen) ||
			    form_decode(buf + (eq < end ? eq + 1 : end),
			    eq < end ? end - eq - 1 : 0, value, &vlen)) {
				snprintf(err, errlen, "malformed form field at "
				    "byte %zu (bad %%-escape or invalid UTF-8)",
				    pos);
				goto fail;
			}
			json_object_object_add(obj, name,
			    json_object_new_string_len(value, (int)vlen));
		}
		pos = end + 1;
	}
	free(name);
	free(value);
	return obj;
fail:
	free(name);
	free(value);
	json_object_put(obj);
	return NULL;
}
