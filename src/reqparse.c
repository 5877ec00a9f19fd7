/*
 * Request and fixture text: strict JSON (RFC 8259, as Google's front end
 * takes it) and form bodies, into json-c. The field tables that read the
 * result are in reqparse_fields.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

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

/* Skip the decimal digits at the cursor; how many there were. */
static size_t
skip_digits(struct scan *sc)
{
	size_t start = sc->i;

	while (sc->i < sc->n && sc->p[sc->i] >= '0' && sc->p[sc->i] <= '9')
		sc->i++;
	return sc->i - start;
}

static int
scan_number(struct scan *sc)
{
	if (sc->p[sc->i] == '-')
		sc->i++;
	if (sc->i >= sc->n)
		return -1;
	if (sc->p[sc->i] == '0')
		sc->i++;
	else if (skip_digits(sc) == 0)
		return -1;
	if (sc->i < sc->n && sc->p[sc->i] == '.') {
		sc->i++;
		if (skip_digits(sc) == 0)
			return -1;
	}
	if (sc->i < sc->n && (sc->p[sc->i] == 'e' || sc->p[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->p[sc->i] == '+' ||
		    sc->p[sc->i] == '-'))
			sc->i++;
		if (skip_digits(sc) == 0)
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

/* Where json_grammar is: what it expects next. */
enum grammar_step {
	EXPECT_VALUE,
	AFTER_VALUE,	/* ',', a closing bracket, or the end */
	EXPECT_MEMBER,	/* "name": */
	GRAMMAR_DONE,
	GRAMMAR_BAD,	/* at sc.i */
};

struct grammar {
	struct scan sc;
	/* The container stack: '{' or '[' per open level. */
	char stack[REQPARSE_MAX_DEPTH];
	int depth;
	int too_deep;
};

/* What follows a container's opening or a ',' in it. */
static enum grammar_step
in_container(const struct grammar *g)
{
	return g->stack[g->depth - 1] == '{' ? EXPECT_MEMBER : EXPECT_VALUE;
}

/* 1 when the byte at the cursor closes the innermost container. */
static int
at_close(const struct grammar *g)
{
	return g->sc.i < g->sc.n && g->sc.p[g->sc.i] ==
	    (g->stack[g->depth - 1] == '{' ? '}' : ']');
}

static enum grammar_step
grammar_value(struct grammar *g)
{
	struct scan *sc = &g->sc;
	int r;

	skip_ws(sc);
	if (sc->i >= sc->n)
		return GRAMMAR_BAD;
	switch (sc->p[sc->i]) {
	case '{':
	case '[':
		if (g->depth == REQPARSE_MAX_DEPTH) {
			g->too_deep = 1;
			return GRAMMAR_BAD;
		}
		g->stack[g->depth++] = (char)sc->p[sc->i++];
		skip_ws(sc);
		if (!at_close(g))
			return in_container(g);
		sc->i++;
		g->depth--;
		return AFTER_VALUE;
	case '"':
		r = scan_string(sc);
		break;
	case 't':
		r = scan_literal(sc, "true");
		break;
	case 'f':
		r = scan_literal(sc, "false");
		break;
	case 'n':
		r = scan_literal(sc, "null");
		break;
	default:
		r = scan_number(sc);
		break;
	}
	return r == 0 ? AFTER_VALUE : GRAMMAR_BAD;
}

static enum grammar_step
grammar_after_value(struct grammar *g)
{
	struct scan *sc = &g->sc;

	skip_ws(sc);
	if (g->depth == 0)
		return sc->i == sc->n ? GRAMMAR_DONE : GRAMMAR_BAD;
	if (sc->i >= sc->n)
		return GRAMMAR_BAD;
	if (sc->p[sc->i] == ',') {
		sc->i++;
		return in_container(g);
	}
	if (!at_close(g))
		return GRAMMAR_BAD;
	sc->i++;
	g->depth--;
	return AFTER_VALUE;
}

static enum grammar_step
grammar_member(struct grammar *g)
{
	struct scan *sc = &g->sc;

	skip_ws(sc);
	if (sc->i >= sc->n || sc->p[sc->i] != '"' || scan_string(sc))
		return GRAMMAR_BAD;
	skip_ws(sc);
	if (sc->i >= sc->n || sc->p[sc->i] != ':')
		return GRAMMAR_BAD;
	sc->i++;
	return EXPECT_VALUE;
}

/*
 * RFC 8259 grammar check, done before json-c parses: json-c accepts some
 * things Google's front end refuses (single quotes, NaN, raw control
 * characters in strings). Iterative, with the same depth limit. Returns
 * 0, or -1 with the offset of the first bad byte in *at.
 */
static int
json_grammar(const char *buf, size_t len, size_t *at, int *too_deep)
{
	struct grammar g = { { (const unsigned char *)buf, len, 0 } };
	enum grammar_step step = EXPECT_VALUE;

	while (step != GRAMMAR_DONE && step != GRAMMAR_BAD) {
		if (step == EXPECT_VALUE)
			step = grammar_value(&g);
		else if (step == AFTER_VALUE)
			step = grammar_after_value(&g);
		else
			step = grammar_member(&g);
	}
	*too_deep = g.too_deep;
	*at = g.sc.i;
	return step == GRAMMAR_DONE ? 0 : -1;
}

/*
 * What json-c would let through but Google refuses: invalid UTF-8, NUL
 * bytes, bad grammar, too deep nesting. 0, or -1 with the reason.
 */
static int
json_prevalidate(const char *buf, size_t len, char *err, size_t errlen)
{
	size_t at, line, col;
	int deep;

	if ((at = utf8_bad_offset(buf, len)) != len) {
		position(buf, at, &line, &col);
		snprintf(err, errlen, "invalid UTF-8 or NUL byte at line %zu "
		    "column %zu", line, col);
		return -1;
	}
	if (json_grammar(buf, len, &at, &deep) != 0) {
		position(buf, at > len ? len : at, &line, &col);
		snprintf(err, errlen, "%s at line %zu column %zu", deep ?
		    "nesting too deep" : at >= len ? "unexpected end of JSON" :
		    "invalid JSON", line, col);
		return -1;
	}
	return 0;
}

/* 0 when only white space follows offset `end`; -1 with the reason. */
static int
json_trailing(const char *buf, size_t len, size_t end, char *err,
    size_t errlen)
{
	size_t line, col;

	for (size_t i = end; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r') {
			position(buf, i, &line, &col);
			snprintf(err, errlen, "unexpected data after the JSON "
			    "value at line %zu column %zu", line, col);
			return -1;
		}
	}
	return 0;
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
	if (json_prevalidate(buf, len, err, errlen) != 0)
		return NULL;
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
	if (json_trailing(buf, len, end, err, errlen) != 0) {
		json_object_put(obj);
		return NULL;
	}
	if (obj == NULL)
		snprintf(err, errlen, "%s", null_doc);
	return obj;
}

/*
 * The line holding byte `at` and a caret under it, as Google's front end
 * quotes a malformed body: "\n{\"a\": x}\n       ^". At most 60 bytes
 * of the line, around the caret.
 */
static void
quote_line(const char *buf, size_t len, size_t at, char *out, size_t outlen)
{
	size_t start = at, end = at, caret;

	while (start > 0 && buf[start - 1] != '\n' && at - start < 40)
		start--;
	while (end < len && buf[end] != '\n' && buf[end] != '\r' &&
	    end - start < 60)
		end++;
	caret = at - start;
	snprintf(out, outlen, "\n%.*s\n%*s^", (int)(end - start), buf + start,
	    (int)caret, "");
}

void
reqparse_json_google_error(const char *buf, size_t len, char *out,
    size_t outlen)
{
	size_t at;
	int deep;
	char quote[160];

	if ((at = utf8_bad_offset(buf, len)) != len) {
		snprintf(out, outlen, "Invalid JSON payload received. Invalid "
		    "UTF-8 in the request body at byte %zu.", at);
		return;
	}
	if (json_grammar(buf, len, &at, &deep) == 0) {
		/* Well-formed: the top level is not an object. */
		snprintf(out, outlen, "Invalid JSON payload received. Root "
		    "element must be a message.");
		return;
	}
	if (at > len)
		at = len;
	quote_line(buf, len, at, quote, sizeof(quote));
	snprintf(out, outlen, "Invalid JSON payload received. %s%s", deep ?
	    "Nesting too deep." : at >= len ? "Unexpected end of string." :
	    "Unexpected token.", quote);
}

int
reqparse_valid_utf8(const char *str, size_t len)
{
	return utf8_bad_offset(str, len) == len;
}

size_t
reqparse_utf8_seq(const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;
	uint32_t cp;

	if (left == 0 || s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t k = 1; k <= n; k++) {
		if (k >= left || (s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

/* Offset of the first byte that is not valid UTF-8 (or NUL), or len. */
static size_t
utf8_bad_offset(const char *str, size_t len)
{
	size_t i = 0, n;

	while (i < len && (n = reqparse_utf8_seq(str + i, len - i)) != 0)
		i += n;
	return i;
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
