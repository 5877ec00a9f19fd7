/*
 * Request bodies and fixture files: strict JSON in, typed fields out, and
 * the Google-style messages when a field has the wrong type or a required
 * one is missing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "http_server.h"
#include "reqparse.h"
#include "unit.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct json_object *
parse(const char *text, char *err, size_t errlen)
{
	return reqparse_json(text, strlen(text), err, errlen);
}

static const struct {
	const char *text;
	enum json_type type;
} json_ok[] = {
	{ "{\"a\":1}", json_type_object },
	{ "{}", json_type_object },
	{ " \n\t{\"a\": {\"b\": [1, \"x\", true, null]}}\r\n ",
	    json_type_object },
	{ "[1,2,3]", json_type_array },
	{ "[]", json_type_array },
	{ "42", json_type_int },
	{ "-7 ", json_type_int },
	{ "-1.5e3", json_type_double },
	{ "\"text\"", json_type_string },
	{ "\"caf\xc3\xa9 \\u00e9\"", json_type_string },
	{ "true", json_type_boolean },
};

START_TEST(reqparse_json_accepts)
{
	char err[256] = "unchanged";
	struct json_object *o = parse(json_ok[_i].text, err, sizeof(err));

	ck_assert_msg(o != NULL, "'%s' rejected: %s", json_ok[_i].text, err);
	ck_assert_int_eq(json_object_get_type(o), json_ok[_i].type);
	json_object_put(o);
}
END_TEST

START_TEST(reqparse_json_values)
{
	char err[256];
	struct json_object *o, *v;

	o = parse("{\"n\": 42, \"s\": \"x\"}", err, sizeof(err));
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "n", &v));
	ck_assert_int_eq(json_object_get_int64(v), 42);
	ck_assert(json_object_object_get_ex(o, "s", &v));
	ck_assert_str_eq(json_object_get_string(v), "x");
	json_object_put(o);

	o = parse("-12", err, sizeof(err));
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_object_get_int64(o), -12);
	json_object_put(o);
}
END_TEST

/* Bodies are not NUL-terminated: only `len` bytes count. */
START_TEST(reqparse_json_reads_only_len_bytes)
{
	static const char buf[] = "{\"a\":1}garbage";
	char err[256];
	struct json_object *o = reqparse_json(buf, 7, err, sizeof(err));

	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_is_type(o, json_type_object));
	json_object_put(o);
}
END_TEST

/* `where` is the expected "line L column C", NULL when not pinned down. */
static const struct {
	const char *text;
	const char *where;
} json_bad[] = {
	/* Trailing garbage. */
	{ "{} x", "line 1 column 4" },
	{ "{}\n}\n  x", "line 2 column 1" },
	{ "{\n}\n  x", "line 3 column 3" },
	{ "{\"a\":1}{}", "line 1 column 8" },
	{ "true false", "line 1 column 6" },
	/* Truncated. */
	{ "{\"a\":", NULL },
	{ "{\"a\":1", NULL },
	{ "[1,2", NULL },
	{ "\"abc", NULL },
	{ "tru", NULL },
	{ "-", NULL },
	{ "", NULL },
	{ "   ", NULL },
	/* Not JSON. */
	{ "[1,]", "line 1 column 4" },
	{ "{\"a\":1,}", NULL },
	{ "{a:1}", NULL },
	{ "[1 2]", NULL },
	{ "0x10", NULL },
	{ "+1", NULL },
	{ "// c\n{}", NULL },
	{ "{\"a\":1,\n  \"b\": }", "line 2 column 8" },
	/* Single quotes are not JSON. */
	{ "['a']", NULL },
	{ "{'a':1}", NULL },
	{ "{\"a\":'b'}", NULL },
	/* NaN is not JSON. */
	{ "[NaN]", NULL },
	/* Control characters must be escaped inside strings. */
	{ "{\"a\":\"x\ty\"}", NULL },
	/* Invalid UTF-8 inside a string. */
	{ "\"\xff\"", NULL },
	{ "{\"a\":\"\xc3\x28\"}", NULL },
	{ "{\"a\":\"\xc0\xaf\"}", NULL },		/* overlong '/' */
	{ "{\"a\":\"\xed\xa0\x80\"}", NULL },		/* UTF-16 surrogate */
	{ "{\"a\":\"\xf4\x90\x80\x80\"}", NULL },	/* beyond U+10FFFF */
	{ "{\"\xff\":1}", NULL },
};

/* `s` with bytes outside printable ASCII as \xNN, for TAP messages. */
static const char *
printable(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s != '\0' && n + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, outlen - n, "\\x%02x",
			    c);
	}
	out[n] = '\0';
	return out;
}

START_TEST(reqparse_json_rejects)
{
	char err[256] = "unchanged", got[256] = "", text[256];
	struct json_object *o = parse(json_bad[_i].text, err, sizeof(err));
	int accepted = o != NULL;

	/* Free before asserting: a failed check does not return. */
	if (accepted)
		printable(json_object_to_json_string(o), got, sizeof(got));
	json_object_put(o);
	printable(json_bad[_i].text, text, sizeof(text));
	ck_assert_msg(!accepted, "'%s' accepted as %s", text, got);
	ck_assert_msg(!reqparse_is_null_doc(err), "'%s': no reason", text);
	ck_assert_str_ne(err, "unchanged");
	ck_assert_msg(strstr(err, "line ") != NULL &&
	    strstr(err, " column ") != NULL, "no position in '%s'", err);
	if (json_bad[_i].where != NULL)
		ck_assert_msg(strstr(err, json_bad[_i].where) != NULL,
		    "'%s' does not say %s", err, json_bad[_i].where);
}
END_TEST

/* A NUL byte after the value is trailing data, not an end marker. */
START_TEST(reqparse_json_rejects_nul_after_value)
{
	char err[256];

	ck_assert_ptr_null(reqparse_json("{}\0", 3, err, sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
	ck_assert_ptr_null(reqparse_json("{\"a\":\"b\0c\"}", 11, err,
	    sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
}
END_TEST

static void
nested(char *buf, int depth, const char *open, const char *value,
    const char *close)
{
	buf[0] = '\0';
	for (int i = 0; i < depth; i++)
		strcat(buf, open);
	strcat(buf, value);
	for (int i = 0; i < depth; i++)
		strcat(buf, close);
}

START_TEST(reqparse_json_depth_limit)
{
	char buf[(REQPARSE_MAX_DEPTH + 2) * 8], err[256];
	struct json_object *o;

	nested(buf, REQPARSE_MAX_DEPTH, "[", "1", "]");
	o = parse(buf, err, sizeof(err));
	ck_assert_msg(o != NULL, "depth %d rejected: %s", REQPARSE_MAX_DEPTH,
	    err);
	json_object_put(o);

	nested(buf, REQPARSE_MAX_DEPTH + 1, "[", "1", "]");
	ck_assert_ptr_null(parse(buf, err, sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
	ck_assert_ptr_nonnull(strstr(err, "line 1 column"));

	nested(buf, REQPARSE_MAX_DEPTH + 1, "{\"a\":", "1", "}");
	ck_assert_ptr_null(parse(buf, err, sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
}
END_TEST

START_TEST(reqparse_json_null_document)
{
	static const char *const nulls[] = { "null", "  null\n" };
	char err[256];

	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		strcpy(err, "unchanged");
		ck_assert_ptr_null(parse(nulls[i], err, sizeof(err)));
		ck_assert_str_eq(err, "");
		ck_assert(reqparse_is_null_doc(err));
	}
	/* A failure is never mistaken for null. */
	ck_assert_ptr_null(parse("nul", err, sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
	ck_assert_ptr_null(parse("null x", err, sizeof(err)));
	ck_assert(!reqparse_is_null_doc(err));
}
END_TEST

START_TEST(reqparse_fields_fills_each_type)
{
	char err[256];
	struct json_object *o = parse("{\"s\":\"str\",\"o\":{\"k\":1},"
	    "\"a\":[1,2],\"b\":true,\"f\":false,\"i\":42,\"is\":\"-17\"}", err,
	    sizeof(err));
	const char *s = NULL;
	struct json_object *obj = NULL, *arr = NULL;
	int b = -1, f = -1;
	int64_t i = 0, is = 0;
	const struct reqparse_field fields[] = {
		{ "s", RP_STRING, &s },
		{ "o", RP_OBJECT, &obj },
		{ "a", RP_ARRAY, &arr },
		{ "b", RP_BOOL, &b },
		{ "f", RP_BOOL, &f },
		{ "i", RP_INT, &i },
		{ "is", RP_INT, &is },
	};

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(reqparse_fields(o, "req", fields, N(fields), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(s, "str");
	ck_assert_ptr_nonnull(obj);
	ck_assert(json_object_is_type(obj, json_type_object));
	ck_assert(json_object_object_get_ex(obj, "k", NULL));
	ck_assert_ptr_nonnull(arr);
	ck_assert_uint_eq(json_object_array_length(arr), 2);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(i, 42);
	ck_assert_int_eq(is, -17);
	json_object_put(o);
}
END_TEST

/* proto3 JSON: an absent field and a null field both leave it unset. */
START_TEST(reqparse_fields_absent_or_null_untouched)
{
	static const char *const docs[] = {
		"{}",
		"{\"s\":null,\"o\":null,\"a\":null,\"b\":null,\"i\":null}",
		"{\"other\":\"x\"}",
	};
	char err[256];

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		struct json_object *o = parse(docs[d], err, sizeof(err));
		const char *s = "sentinel";
		struct json_object *obj = o, *arr = o;
		int b = 7;
		int64_t i = 99;
		const struct reqparse_field fields[] = {
			{ "s", RP_STRING, &s },
			{ "o", RP_OBJECT, &obj },
			{ "a", RP_ARRAY, &arr },
			{ "b", RP_BOOL, &b },
			{ "i", RP_INT, &i },
		};

		ck_assert_ptr_nonnull(o);
		ck_assert_int_eq(reqparse_fields(o, NULL, fields, N(fields),
		    err, sizeof(err)), 0);
		ck_assert_str_eq(s, "sentinel");
		ck_assert_ptr_eq(obj, o);
		ck_assert_ptr_eq(arr, o);
		ck_assert_int_eq(b, 7);
		ck_assert_int_eq(i, 99);
		json_object_put(o);
	}
}
END_TEST

/* RP_INT: a JSON integer or a string holding one (int64 as proto3 JSON). */
static const struct {
	const char *value;
	int ok;
	int64_t want;
} int_cases[] = {
	{ "42", 1, 42 },
	{ "-42", 1, -42 },
	{ "0", 1, 0 },
	{ "\"42\"", 1, 42 },
	{ "\"-9\"", 1, -9 },
	{ "9223372036854775807", 1, INT64_MAX },
	{ "\"9223372036854775807\"", 1, INT64_MAX },
	{ "-9223372036854775807", 1, INT64_MIN + 1 },
	{ "\"-9223372036854775808\"", 1, INT64_MIN },
	{ "\"1.5\"", 0, 0 },
	{ "\"abc\"", 0, 0 },
	{ "\"12abc\"", 0, 0 },
	{ "\"\"", 0, 0 },
	{ "1.5", 0, 0 },
	{ "true", 0, 0 },
	{ "[1]", 0, 0 },
	{ "{}", 0, 0 },
	{ "\"9223372036854775808\"", 0, 0 },
	/* Beyond int64: must not silently become INT64_MAX/MIN. */
	{ "9223372036854775808", 0, 0 },
	{ "-9223372036854775809", 0, 0 },
};

START_TEST(reqparse_fields_int)
{
	char doc[128], err[256];
	struct json_object *o;
	int64_t v = 12345;
	const struct reqparse_field f[] = { { "n", RP_INT, &v } };
	int r;

	snprintf(doc, sizeof(doc), "{\"n\": %s}", int_cases[_i].value);
	o = parse(doc, err, sizeof(err));
	ck_assert_msg(o != NULL, "%s: %s", doc, err);
	r = reqparse_fields(o, "body", f, 1, err, sizeof(err));
	json_object_put(o);
	if (int_cases[_i].ok) {
		ck_assert_msg(r == 0, "%s rejected: %s", doc, err);
		ck_assert_int_eq(v, int_cases[_i].want);
	} else {
		ck_assert_msg(r == -1, "%s accepted as %lld", doc,
		    (long long)v);
		ck_assert_ptr_nonnull(strstr(err,
		    "Invalid value at 'body.n' (TYPE_INT64)"));
	}
}
END_TEST

static const struct {
	enum reqparse_type type;
	const char *value;
	const char *type_name;
} wrong_types[] = {
	{ RP_STRING, "5", "TYPE_STRING" },
	{ RP_STRING, "true", "TYPE_STRING" },
	{ RP_STRING, "{}", "TYPE_STRING" },
	{ RP_STRING, "[\"a\"]", "TYPE_STRING" },
	{ RP_BOOL, "\"true\"", "TYPE_BOOL" },
	{ RP_BOOL, "1", "TYPE_BOOL" },
	{ RP_INT, "\"x\"", "TYPE_INT64" },
	{ RP_INT, "false", "TYPE_INT64" },
	{ RP_OBJECT, "\"x\"", "TYPE_MESSAGE" },
	{ RP_OBJECT, "[]", "TYPE_MESSAGE" },
	{ RP_ARRAY, "{}", "TYPE_REPEATED" },
	{ RP_ARRAY, "\"x\"", "TYPE_REPEATED" },
};

START_TEST(reqparse_fields_wrong_type_message)
{
	char doc[128], err[256], want[128];
	struct json_object *o;
	union {
		const char *s;
		struct json_object *o;
		int b;
		int64_t i;
	} slot;
	struct reqparse_field f[] = {
		{ "ok", RP_STRING, NULL },
		{ "field", wrong_types[_i].type, &slot },
	};
	const char *ok = NULL;

	f[0].slot = &ok;
	snprintf(doc, sizeof(doc), "{\"ok\":\"fine\",\"field\": %s}",
	    wrong_types[_i].value);
	o = parse(doc, err, sizeof(err));
	ck_assert_ptr_nonnull(o);

	strcpy(err, "unchanged");
	ck_assert_int_eq(reqparse_fields(o, "mfaInfo", f, 2, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "Invalid value at 'mfaInfo.field' (%s)",
	    wrong_types[_i].type_name);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks \"%s\"", err,
	    want);

	strcpy(err, "unchanged");
	ck_assert_int_eq(reqparse_fields(o, NULL, f, 2, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "Invalid value at 'field' (%s)",
	    wrong_types[_i].type_name);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks \"%s\"", err,
	    want);
	json_object_put(o);
}
END_TEST

/* The `missing` column: which documents leave a required field missing. */
static const struct {
	const char *doc;
	int missing;
} required_cases[] = {
	{ "{}", 1 },
	{ "{\"s\":null}", 1 },
	{ "{\"s\":\"\"}", 1 },
	{ "{\"other\":\"x\"}", 1 },
	{ "{\"s\":\" \"}", 0 },
	{ "{\"s\":\"x\"}", 0 },
};

START_TEST(reqparse_fields_required_string)
{
	char err[256];
	struct json_object *o = parse(required_cases[_i].doc, err,
	    sizeof(err));
	const char *s = NULL;
	const struct reqparse_field f[] = {
		{ "s", RP_STRING, &s, ERR_MISSING_ID_TOKEN },
	};
	int r;

	ck_assert_ptr_nonnull(o);
	strcpy(err, "unchanged");
	r = reqparse_fields(o, "req", f, 1, err, sizeof(err));
	json_object_put(o);
	if (required_cases[_i].missing) {
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(err, "'req.s' is required");
	} else {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(err, "unchanged");
	}
}
END_TEST

/* Every type can be required; a present object or array is never missing. */
START_TEST(reqparse_fields_required_each_type)
{
	static const char *const names[] = { "s", "o", "a", "b", "i" };
	char err[256];
	struct json_object *full = parse("{\"s\":\"x\",\"o\":{},\"a\":[],"
	    "\"b\":false,\"i\":0}", err, sizeof(err));

	ck_assert_ptr_nonnull(full);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct json_object *o = json_object_get(full), *copy = NULL;
		const char *s = NULL;
		struct json_object *obj = NULL, *arr = NULL;
		int b = 0;
		int64_t i = 0;
		const struct reqparse_field f[] = {
			{ "s", RP_STRING, &s, ERR_MISSING_CODE },
			{ "o", RP_OBJECT, &obj, ERR_MISSING_CODE },
			{ "a", RP_ARRAY, &arr, ERR_MISSING_CODE },
			{ "b", RP_BOOL, &b, ERR_MISSING_CODE },
			{ "i", RP_INT, &i, ERR_MISSING_CODE },
		};
		char want[64];

		ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err,
		    sizeof(err)), 0);
		json_object_put(o);
		/* The same document without names[k]. */
		ck_assert_int_eq(json_object_deep_copy(full, &copy, NULL), 0);
		json_object_object_del(copy, names[k]);
		s = NULL;
		obj = arr = NULL;
		ck_assert_int_eq(reqparse_fields(copy, NULL, f, N(f), err,
		    sizeof(err)), -1);
		snprintf(want, sizeof(want), "'%s' is required", names[k]);
		ck_assert_str_eq(err, want);
		json_object_put(copy);
	}
	json_object_put(full);
}
END_TEST

/* Types first, in table order, then required fields, in table order. */
START_TEST(reqparse_fields_required_after_types)
{
	char err[256];
	struct json_object *o = parse("{\"c\":5}", err, sizeof(err));
	const char *a = NULL, *b = NULL, *c = NULL;
	const struct reqparse_field f[] = {
		{ "a", RP_STRING, &a, ERR_MISSING_ID_TOKEN },
		{ "b", RP_STRING, &b, ERR_MISSING_CODE, "b, please" },
		{ "c", RP_STRING, &c },
	};

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "Invalid value at 'c' "
	    "(TYPE_STRING)"));
	json_object_object_add(o, "c", json_object_new_string("ok"));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "'a' is required");
	json_object_object_add(o, "a", json_object_new_string("ok"));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "b, please");
	json_object_object_add(o, "b", json_object_new_string("ok"));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    0);
	json_object_put(o);
}
END_TEST

/* Two names for one slot (grant_type, grantType): either one will do. */
START_TEST(reqparse_fields_required_alias)
{
	static const char *const docs[] = {
		"{\"refresh_token\":\"t\"}",
		"{\"refreshToken\":\"t\"}",
		"{\"refresh_token\":\"\",\"refreshToken\":\"t\"}",
	};
	char err[256];

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		struct json_object *o = parse(docs[d], err, sizeof(err));
		const char *t = NULL;
		const struct reqparse_field f[] = {
			{ "refresh_token", RP_STRING, &t,
			    ERR_MISSING_REFRESH_TOKEN },
			{ "refreshToken", RP_STRING, &t },
		};

		ck_assert_ptr_nonnull(o);
		ck_assert_msg(reqparse_fields(o, NULL, f, N(f), err,
		    sizeof(err)) == 0, "%s: %s", docs[d], err);
		ck_assert_str_eq(t, "t");
		json_object_put(o);
	}
}
END_TEST

/*
 * Nested tables: every level's types before any required field; a nested
 * required field only when its object is there; paths with the prefix.
 */
START_TEST(reqparse_fields_nested)
{
	char err[256];
	struct json_object *o;
	const char *id = NULL, *code = NULL, *late = NULL;
	struct json_object *info = NULL;
	const struct reqparse_field inner[] = {
		{ "code", RP_STRING, &code, ERR_MISSING_CODE },
	};
	const struct reqparse_field f[] = {
		{ "id", RP_STRING, &id, ERR_MISSING_ID_TOKEN },
		{ "info", RP_OBJECT, &info, .sub = inner, .nsub = 1 },
		{ "late", RP_STRING, &late },
	};

	o = parse("{\"info\":{\"code\":1},\"late\":2}", err, sizeof(err));
	ck_assert_int_eq(reqparse_fields(o, "req", f, N(f), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Invalid value at 'req.late'"));
	json_object_put(o);

	o = parse("{\"info\":{\"code\":1}}", err, sizeof(err));
	ck_assert_int_eq(reqparse_fields(o, "req", f, N(f), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Invalid value at 'req.info.code' "
	    "(TYPE_STRING)"));
	json_object_put(o);

	o = parse("{\"info\":{}}", err, sizeof(err));
	info = NULL;
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "'id' is required");
	json_object_object_add(o, "id", json_object_new_string("x"));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "'info.code' is required");
	json_object_put(o);

	o = parse("{\"id\":\"x\",\"info\":null}", err, sizeof(err));
	info = NULL;
	ck_assert_int_eq(reqparse_fields(o, NULL, f, N(f), err, sizeof(err)),
	    0);
	json_object_put(o);
}
END_TEST

/* The reply a handler sends: `missing` with its detail, or type errors. */
static const struct {
	const char *doc;
	const char *message;
} reply_cases[] = {
	{ "{}", "MISSING_SESSION_INFO" },
	{ "{\"cred\":\"c\"}", "INVALID_ARGUMENT : the id, please" },
	/* Google's front end: no CODE, the proto path, type and value. */
	{ "{\"id\":7}", "Invalid value at 'id' (TYPE_STRING), 7" },
	{ "{\"cred\":\"c\",\"id\":\"i\"}", NULL },
};

START_TEST(reqparse_fields_or_reply_message)
{
	struct request *req = calloc(1, sizeof(*req));
	char err[256], want[256];
	struct json_object *o = parse(reply_cases[_i].doc, err, sizeof(err));
	const char *cred = NULL, *id = NULL;
	const struct reqparse_field f[] = {
		{ "cred", RP_STRING, &cred, ERR_MISSING_SESSION_INFO },
		{ "id", RP_STRING, &id, ERR_INVALID_ARGUMENT,
		    "the id, please" },
	};
	int r;

	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(o);
	req->xgafv = 2;
	r = reqparse_fields_or_reply(req, o, NULL, f, N(f));
	json_object_put(o);
	if (reply_cases[_i].message == NULL) {
		ck_assert_int_eq(r, 0);
		ck_assert_uint_eq(req->status, 0);
	} else {
		ck_assert_int_eq(r, -1);
		ck_assert_uint_eq(req->status, 400);
		snprintf(want, sizeof(want), "{\"error\":{\"code\":400,"
		    "\"message\":\"%s\",\"status\":\"INVALID_ARGUMENT\"}}",
		    reply_cases[_i].message);
		ck_assert_str_eq(req->response, want);
	}
	http_server_request_free(req);
}
END_TEST

START_TEST(reqparse_empty_values)
{
	ck_assert_int_eq(reqparse_empty(NULL), 1);
	ck_assert_int_eq(reqparse_empty(""), 1);
	ck_assert_int_eq(reqparse_empty("a"), 0);
	ck_assert_int_eq(reqparse_empty(" "), 0);
}
END_TEST

START_TEST(reqparse_fields_number)
{
	char err[256];
	double d = -1;
	const struct reqparse_field f[] = { { "p", RP_NUMBER, &d } };
	struct json_object *o = parse("{\"p\":0.25}", err, sizeof(err));

	ck_assert_int_eq(reqparse_fields(o, NULL, f, 1, err, sizeof(err)), 0);
	ck_assert(d == 0.25);
	json_object_put(o);
	o = parse("{\"p\":1}", err, sizeof(err));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, 1, err, sizeof(err)), 0);
	ck_assert(d == 1.0);
	json_object_put(o);
	o = parse("{\"p\":\"0.5\"}", err, sizeof(err));
	ck_assert_int_eq(reqparse_fields(o, NULL, f, 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "'p' (TYPE_DOUBLE)"));
	json_object_put(o);
}
END_TEST

/* A strict body: members not in the table, at any level, are named. */
static const struct {
	const char *doc;
	const char *err;	/* NULL: accepted */
} known_cases[] = {
	{ "{\"route\":\"*\",\"match\":{\"tenantId\":\"t\"}}", NULL },
	{ "{\"route\":\"*\",\"match\":null}", NULL },
	{ "{\"rout\":\"*\"}", "rout: unknown field (did you mean route?); "
	    "the fields are route, count, match" },
	{ "{\"COUNT\":1}", "COUNT: unknown field (did you mean count?); the "
	    "fields are route, count, match" },
	{ "{\"zzz\":1}", "zzz: unknown field; the fields are route, count, "
	    "match" },
	{ "{\"match\":{\"phone\":\"+1\"}}", "match.phone: unknown field "
	    "(did you mean phoneNumber?); the fields of match are "
	    "phoneNumber, tenantId" },
};

START_TEST(reqparse_fields_known_names_the_member)
{
	char err[256] = "";
	const char *a, *b;
	struct json_object *m;
	const struct reqparse_field sub[] = {
		{ "phoneNumber", RP_STRING, &a },
		{ "tenantId", RP_STRING, &b },
	};
	const struct reqparse_field f[] = {
		{ "route", RP_STRING, &a },
		{ "count", RP_INT, &b },
		{ "match", RP_OBJECT, &m, .sub = sub, .nsub = 2 },
	};
	struct json_object *o = parse(known_cases[_i].doc, err, sizeof(err));
	int r = reqparse_fields_known(o, NULL, f, N(f), err, sizeof(err));

	json_object_put(o);
	if (known_cases[_i].err == NULL) {
		ck_assert_int_eq(r, 0);
		return;
	}
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(err, known_cases[_i].err);
}
END_TEST

START_TEST(reqparse_closest_names)
{
	const char *names[] = { "accounts.mfaSignIn.start",
	    "accounts.mfaSignIn.finalize", "latencyMs", "smsCodeTtlSeconds" };

	ck_assert_str_eq(reqparse_closest("mfaSignIn.start", names, 4),
	    names[0]);
	ck_assert_str_eq(reqparse_closest("accounts.mfaSignin.strat", names,
	    4), names[0]);
	ck_assert_str_eq(reqparse_closest("latency", names, 4), names[2]);
	ck_assert_str_eq(reqparse_closest("smscodettlseconds", names, 4),
	    names[3]);
	ck_assert_ptr_null(reqparse_closest("sms", names, 4));
	ck_assert_ptr_null(reqparse_closest("accounts.signUp", names, 4));
	ck_assert_ptr_null(reqparse_closest("x", names, 0));
}
END_TEST

static Suite *
reqparse_suite(void)
{
	Suite *s = suite_create("reqparse");
	TCase *tc = tcase_create("reqparse");

	tcase_add_loop_test(tc, reqparse_json_accepts, 0, N(json_ok));
	tcase_add_test(tc, reqparse_json_values);
	tcase_add_test(tc, reqparse_json_reads_only_len_bytes);
	tcase_add_loop_test(tc, reqparse_json_rejects, 0, N(json_bad));
	tcase_add_test(tc, reqparse_json_rejects_nul_after_value);
	tcase_add_test(tc, reqparse_json_depth_limit);
	tcase_add_test(tc, reqparse_json_null_document);
	tcase_add_test(tc, reqparse_fields_fills_each_type);
	tcase_add_test(tc, reqparse_fields_absent_or_null_untouched);
	tcase_add_loop_test(tc, reqparse_fields_int, 0, N(int_cases));
	tcase_add_loop_test(tc, reqparse_fields_wrong_type_message, 0,
	    N(wrong_types));
	tcase_add_loop_test(tc, reqparse_fields_required_string, 0,
	    N(required_cases));
	tcase_add_test(tc, reqparse_fields_required_each_type);
	tcase_add_test(tc, reqparse_fields_required_after_types);
	tcase_add_test(tc, reqparse_fields_required_alias);
	tcase_add_test(tc, reqparse_fields_nested);
	tcase_add_loop_test(tc, reqparse_fields_or_reply_message, 0,
	    N(reply_cases));
	tcase_add_test(tc, reqparse_empty_values);
	tcase_add_test(tc, reqparse_fields_number);
	tcase_add_loop_test(tc, reqparse_fields_known_names_the_member, 0,
	    N(known_cases));
	tcase_add_test(tc, reqparse_closest_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(reqparse_suite)
