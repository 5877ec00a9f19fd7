#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reply.h"
#include "reqparse.h"

static const char null_doc[] = "";

static size_t utf8_bad_offset(const char *str, size_t len);

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

/*
 * RFC 8259 grammar check, done before json-c parses: json-c accepts some
 * things Google's front end refuses (single quotes, NaN, raw control
 * characters in strings). Iterative, with the same depth limit. Returns
 * 0, or -1 with the offset of the first bad byte in *at.
 */
static int
hexdigit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct scan {
	const unsigned char *p;
	size_t n;
	size_t i;
};

static void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->n && (sc->p[sc->i] == ' ' || sc->p[sc->i] == '\t' ||
	    sc->p[sc->i] == '\n' || sc->p[sc->i] == '\r'))
		sc->i++;
}

static int
scan_string(struct scan *sc)
{
	sc->i++;	/* opening quote */
	while (sc->i < sc->n) {
		unsigned char c = sc->p[sc->i];

		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (++sc->i >= sc->n)
				return -1;
			c = sc->p[sc->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++) {
					if (sc->i + k >= sc->n ||
					    hexdigit(sc->p[sc->i + k]) < 0)
						return -1;
				}
				sc->i += 4;
			} else if (strchr("\"\\/bfnrt", c) == NULL || c == 0) {
				return -1;
			}
		}
		sc->i++;
	}
	return -1;
}

static int
scan_number(struct scan *sc)
{
	size_t start;

	if (sc->p[sc->i] == '-')
		sc->i++;
	if (sc->i >= sc->n)
		return -1;
	if (sc->p[sc->i] == '0') {
		sc->i++;
	} else if (sc->p[sc->i] >= '1' && sc->p[sc->i] <= '9') {
		while (sc->i < sc->n && sc->p[sc->i] >= '0' && sc->p[sc->i] <= '9')
			sc->i++;
	} else {
		return -1;
	}
	if (sc->i < sc->n && sc->p[sc->i] == '.') {
		start = ++sc->i;
		while (sc->i < sc->n && sc->p[sc->i] >= '0' && sc->p[sc->i] <= '9')
			sc->i++;
		if (sc->i == start)
			return -1;
	}
	if (sc->i < sc->n && (sc->p[sc->i] == 'e' || sc->p[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->p[sc->i] == '+' || sc->p[sc->i] == '-'))
			sc->i++;
		start = sc->i;
		while (sc->i < sc->n && sc->p[sc->i] >= '0' && sc->p[sc->i] <= '9')
			sc->i++;
		if (sc->i == start)
			return -1;
	}
	return 0;
}

static int
scan_literal(struct scan *sc, const char *word)
{
	size_t len = strlen(word);

	if (sc->n - sc->i < len || memcmp(sc->p + sc->i, word, len) != 0)
		return -1;
	sc->i += len;
	return 0;
}

static int
json_grammar(const char *buf, size_t len, size_t *at, int *too_deep)
{
	/* The container stack: '{' or '[' per open level. */
	char stack[REQPARSE_MAX_DEPTH];
	struct scan sc = { (const unsigned char *)buf, len, 0 };
	int depth = 0;

	*too_deep = 0;
	for (;;) {
		/* Expect a value. */
		skip_ws(&sc);
		if (sc.i >= sc.n)
			goto bad;
		switch (sc.p[sc.i]) {
		case '{':
		case '[':
			if (depth == REQPARSE_MAX_DEPTH) {
				*too_deep = 1;
				goto bad;
			}
			stack[depth++] = (char)sc.p[sc.i++];
			skip_ws(&sc);
			if (sc.i < sc.n && sc.p[sc.i] ==
			    (stack[depth - 1] == '{' ? '}' : ']')) {
				sc.i++;
				depth--;
				goto after_value;
			}
			if (stack[depth - 1] == '{')
				goto member;
			continue;
		case '"':
			if (scan_string(&sc))
				goto bad;
			break;
		case 't':
			if (scan_literal(&sc, "true"))
				goto bad;
			break;
		case 'f':
			if (scan_literal(&sc, "false"))
				goto bad;
			break;
		case 'n':
			if (scan_literal(&sc, "null"))
				goto bad;
			break;
		default:
			if (scan_number(&sc))
				goto bad;
			break;
		}
after_value:
		skip_ws(&sc);
		if (depth == 0)
			return sc.i == sc.n ? 0 : (*at = sc.i, -1);
		if (sc.i >= sc.n)
			goto bad;
		if (sc.p[sc.i] == ',') {
			sc.i++;
			if (stack[depth - 1] == '{')
				goto member;
			continue;
		}
		if (sc.p[sc.i] == (stack[depth - 1] == '{' ? '}' : ']')) {
			sc.i++;
			depth--;
			goto after_value;
		}
		goto bad;
member:
		skip_ws(&sc);
		if (sc.i >= sc.n || sc.p[sc.i] != '"' || scan_string(&sc))
			goto bad;
		skip_ws(&sc);
		if (sc.i >= sc.n || sc.p[sc.i] != ':')
			goto bad;
		sc.i++;
	}
bad:
	*at = sc.i;
	return -1;
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
	if ((end = utf8_bad_offset(buf, len)) != len) {
		position(buf, end, &line, &col);
		snprintf(err, errlen, "invalid UTF-8 or NUL byte at line %zu "
		    "column %zu", line, col);
		return NULL;
	}
	{
		size_t at;
		int deep;

		if (json_grammar(buf, len, &at, &deep) != 0) {
			position(buf, at > len ? len : at, &line, &col);
			snprintf(err, errlen, "%s at line %zu column %zu",
			    deep ? "nesting too deep" : at >= len ?
			    "unexpected end of JSON" : "invalid JSON", line,
			    col);
			return NULL;
		}
	}
	/* json-c counts the top level too. */
	if ((tok = json_tokener_new_ex(REQPARSE_MAX_DEPTH + 1)) == NULL) {
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
			int64_t n = json_object_get_int64(v);

			/*
			 * json-c keeps integers past INT64_MAX as uint64 and
			 * saturates those below INT64_MIN; the most negative
			 * value is refused as out of range, since it cannot
			 * be told from a saturated one.
			 */
			if ((n == INT64_MAX && json_object_get_uint64(v) >
			    (uint64_t)INT64_MAX) || n == INT64_MIN)
				return -1;
			*(int64_t *)f->slot = n;
			return 0;
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
	return utf8_bad_offset(str, len) == len;
}

/* Offset of the first byte that is not valid UTF-8 (or NUL), or len. */
static size_t
utf8_bad_offset(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp;

		if (c == 0)
			return i;
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
			return i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
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
			hi = hexdigit((unsigned char)in[i + 1]);
			lo = hexdigit((unsigned char)in[i + 2]);
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
