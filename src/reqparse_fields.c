/*
 * Field tables: the type of each member of a parsed request, its slot, and
 * whether it is required (declared in reqparse.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "reply.h"
#include "reqparse.h"

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
	case RP_NUMBER:
		return "TYPE_DOUBLE";
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
	case RP_NUMBER:
		if (jt != json_type_double && jt != json_type_int)
			return -1;
		*(double *)f->slot = json_object_get_double(v);
		return 0;
	}
	return -1;
}

/* The member `name` of obj, or NULL when it is absent or null. */
static struct json_object *
member(struct json_object *obj, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, name, &v) ? v : NULL;
}

/* "prefix.name", or "name" without a prefix, into buf. */
static void
field_path(char *buf, size_t len, const char *prefix, const char *name)
{
	snprintf(buf, len, "%s%s%s", prefix ? prefix : "", prefix ? "." : "",
	    name);
}

/* A field of the wrong type: its table row, path and value (borrowed). */
struct type_error {
	const struct reqparse_field *field;
	struct json_object *value;
	char path[256];
};

/*
 * Type-check the fields of one level, then descend into the nested tables
 * of the objects present. Returns 0, or -1 with the field in *te.
 */
static int
check_types(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, struct type_error *te)
{
	char path[256];

	for (size_t i = 0; i < n; i++) {
		struct json_object *v = member(obj, fields[i].name);

		if (v != NULL && take(v, &fields[i]) != 0) {
			field_path(te->path, sizeof(te->path), prefix,
			    fields[i].name);
			te->field = &fields[i];
			te->value = v;
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = member(obj, fields[i].name);

		if (fields[i].sub == NULL || v == NULL)
			continue;
		field_path(path, sizeof(path), prefix, fields[i].name);
		if (check_types(v, path, fields[i].sub, fields[i].nsub,
		    te) != 0)
			return -1;
	}
	return 0;
}

/*
 * Google's front end names the field of a request by its proto name:
 * "phoneVerificationInfo.code" is 'phone_verification_info.code'.
 */
static void
snake_case(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in != '\0' && o + 2 < len; in++) {
		if (*in >= 'A' && *in <= 'Z') {
			out[o++] = '_';
			out[o++] = (char)(*in - 'A' + 'a');
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

/*
 * As Google's front end words a value of the wrong type:
 * "Invalid value at 'mfa_enrollment_id' (TYPE_STRING), 42".
 */
static void
google_type_error(const struct type_error *te, char *err, size_t errlen)
{
	char path[256];
	const char *v = json_object_to_json_string_ext(te->value,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	snake_case(te->path, path, sizeof(path));
	snprintf(err, errlen, "Invalid value at '%s' (%s), %.200s%s", path,
	    type_name(te->field->type), v, strlen(v) > 200 ? "..." : "");
}

/* 1 when required field f, whose types are checked, is missing. */
static int
is_missing(struct json_object *obj, const struct reqparse_field *f)
{
	switch (f->type) {
	case RP_STRING:
		return reqparse_empty(*(const char **)f->slot);
	case RP_OBJECT:
	case RP_ARRAY:
		return *(struct json_object **)f->slot == NULL;
	case RP_BOOL:
	case RP_INT:
	case RP_NUMBER:
		break;
	}
	return member(obj, f->name) == NULL;
}

/*
 * The first required field missing, in the order check_types goes, or
 * NULL; its path goes into path.
 */
static const struct reqparse_field *
find_missing(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *path, size_t len)
{
	const struct reqparse_field *f;

	for (size_t i = 0; i < n; i++) {
		if (fields[i].missing != ERR__NONE &&
		    is_missing(obj, &fields[i])) {
			field_path(path, len, prefix, fields[i].name);
			return &fields[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = member(obj, fields[i].name);
		char sub[256];

		if (fields[i].sub == NULL || v == NULL)
			continue;
		field_path(sub, sizeof(sub), prefix, fields[i].name);
		f = find_missing(v, sub, fields[i].sub, fields[i].nsub, path,
		    len);
		if (f != NULL)
			return f;
	}
	return NULL;
}

int
reqparse_fields(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *err, size_t errlen)
{
	const struct reqparse_field *f;
	struct type_error te;
	char path[256];

	if (check_types(obj, prefix, fields, n, &te) != 0) {
		snprintf(err, errlen, "Invalid JSON payload received. "
		    "Invalid value at '%s' (%s)", te.path,
		    type_name(te.field->type));
		return -1;
	}
	if ((f = find_missing(obj, prefix, fields, n, path,
	    sizeof(path))) == NULL)
		return 0;
	if (f->missing_detail != NULL)
		snprintf(err, errlen, "%s", f->missing_detail);
	else
		snprintf(err, errlen, "'%s' is required", path);
	return -1;
}

int
reqparse_fields_or_reply(struct request *req, struct json_object *obj,
    const char *prefix, const struct reqparse_field *fields, size_t n)
{
	const struct reqparse_field *f;
	struct type_error te;
	char err[512];

	if (check_types(obj, prefix, fields, n, &te) != 0) {
		google_type_error(&te, err, sizeof(err));
		reply_error(req, ERR_INVALID_JSON_VALUE, "%s", err);
		return -1;
	}
	if ((f = find_missing(obj, prefix, fields, n, err,
	    sizeof(err))) == NULL)
		return 0;
	if (f->missing_detail != NULL)
		reply_error(req, f->missing, "%s", f->missing_detail);
	else
		reply_error(req, f->missing, NULL);
	return -1;
}

int
reqparse_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

int
reqparse_array_holds(struct json_object *list, const char *s)
{
	for (size_t i = 0; list != NULL && i < json_object_array_length(list);
	    i++) {
		const char *v = json_object_get_string(
		    json_object_array_get_idx(list, i));

		if (v != NULL && strcmp(v, s) == 0)
			return 1;
	}
	return 0;
}

/* Names longer than this are never "close" to anything. */
#define CLOSE_MAX 128

/* Levenshtein distance, ignoring ASCII case; SIZE_MAX for long names. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[CLOSE_MAX + 1];

	if (la > CLOSE_MAX || lb > CLOSE_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (tolower(
			    (unsigned char)a[i - 1]) != tolower(
			    (unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* 1 when `s` is the last dotted parts of `name`. */
static int
is_tail(const char *name, const char *s)
{
	size_t ln = strlen(name), ls = strlen(s);

	return ls > 0 && ls < ln && name[ln - ls - 1] == '.' &&
	    strcasecmp(name + ln - ls, s) == 0;
}

const char *
reqparse_closest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	/* A third of the letters wrong, at least two, is still a typo. */
	size_t limit = strlen(s) / 3 > 2 ? strlen(s) / 3 : 2;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = is_tail(names[i], s) ? 0 : strlen(s) >= 4 &&
		    strncasecmp(names[i], s, strlen(s)) == 0 ? 1 :
		    edit_distance(s, names[i]);

		if (d <= limit && d < best_d) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

int
reqparse_names_known(struct json_object *obj, const char *prefix,
    const char *const *names, size_t n, char *err, size_t errlen)
{
	json_object_object_foreach(obj, key, v) {
		const char *near;
		size_t i, used;
		char path[256];

		(void)v;
		for (i = 0; i < n && strcmp(key, names[i]) != 0; i++)
			;
		if (i < n)
			continue;
		field_path(path, sizeof(path), prefix, key);
		near = reqparse_closest(key, names, n);
		used = (size_t)snprintf(err, errlen, "%.200s: unknown "
		    "field%s%s%s; the fields%s%s are ", path, near ?
		    " (did you mean " : "", near ? near : "", near ? "?)" : "",
		    prefix ? " of " : "", prefix ? prefix : "");
		for (i = 0; i < n && used < errlen; i++)
			used += (size_t)snprintf(err + used, errlen - used,
			    "%s%s", i ? ", " : "", names[i]);
		return -1;
	}
	return 0;
}

/* Most fields a table of one object has. */
#define FIELDS_MAX 64

int
reqparse_fields_known(struct json_object *obj, const char *prefix,
    const struct reqparse_field *fields, size_t n, char *err, size_t errlen)
{
	const char *names[FIELDS_MAX] = { NULL };
	char path[256];

	if (n > FIELDS_MAX)
		n = FIELDS_MAX;
	for (size_t i = 0; i < n; i++)
		names[i] = fields[i].name;
	if (reqparse_names_known(obj, prefix, names, n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = member(obj, fields[i].name);

		if (fields[i].sub == NULL || v == NULL ||
		    !json_object_is_type(v, json_type_object))
			continue;
		field_path(path, sizeof(path), prefix, fields[i].name);
		if (reqparse_fields_known(v, path, fields[i].sub,
		    fields[i].nsub, err, errlen) != 0)
			return -1;
	}
	return 0;
}
