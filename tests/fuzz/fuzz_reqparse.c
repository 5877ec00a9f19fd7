/*
 * reqparse: JSON bodies, form bodies and the field tables, on arbitrary
 * bytes. Each input is parsed both ways; a JSON object then goes through
 * reqparse_fields with every type for each of its members. Properties:
 * what reqparse_json accepts serializes to text it accepts again with an
 * equal value, and form values are valid UTF-8 without NUL bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "reqparse.h"

static void
check_fields(struct json_object *obj)
{
	static const enum reqparse_type types[] = { RP_STRING, RP_OBJECT,
	    RP_ARRAY, RP_BOOL, RP_INT };
	char err[256];

	json_object_object_foreach(obj, name, val) {
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			const char *s = NULL;
			struct json_object *o = NULL;
			int b = -1;
			int64_t n = 0;
			void *slot = types[t] == RP_STRING ? (void *)&s :
			    types[t] == RP_BOOL ? (void *)&b :
			    types[t] == RP_INT ? (void *)&n : (void *)&o;
			struct reqparse_field f = { name, types[t], slot };
			int r;

			err[0] = '\0';
			r = reqparse_fields(obj, t & 1 ? "outer.inner" : NULL,
			    &f, 1, err, sizeof(err));
			if (r != 0 && (err[0] == '\0' ||
			    strstr(err, "Invalid value at") == NULL)) {
				fprintf(stderr, "reqparse_fields failed "
				    "without a reason\n");
				abort();
			}
			if (r == 0 && val != NULL && types[t] == RP_BOOL &&
			    b != 0 && b != 1)
				abort();
			if (r == 0 && val != NULL && types[t] == RP_STRING &&
			    s == NULL)
				abort();
		}
		/* Nested objects: the same one level down, with a prefix. */
		if (val != NULL && json_object_is_type(val, json_type_object))
			check_fields(val);
	}
}

/* Accepted JSON must survive a trip through json-c's serializer. */
static void
check_round_trip(struct json_object *obj)
{
	const char *text;
	struct json_object *again;
	char err[256];
	size_t len;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	again = reqparse_json(text, len, err, sizeof(err));
	if (again == NULL && !reqparse_is_null_doc(err)) {
		fprintf(stderr, "re-parse of accepted JSON failed: %s\n"
		    "text: %.300s\n", err, text);
		abort();
	}
	if (!json_object_equal(obj, again)) {
		fprintf(stderr, "re-parse changed the value: %.300s\n", text);
		abort();
	}
	json_object_put(again);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly `size` bytes, no NUL after: the API takes a length. */
	char *buf = malloc(size ? size : 1);
	struct json_object *obj;
	char err[256];

	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);

	err[0] = 'x';
	obj = reqparse_json(buf, size, err, sizeof(err));
	if (obj == NULL && err[0] == 'x')
		abort();	/* failed without writing a reason */
	if (obj != NULL) {
		if (json_object_is_type(obj, json_type_object))
			check_fields(obj);
		check_round_trip(obj);
		json_object_put(obj);
	}

	obj = reqparse_form(buf, size, err, sizeof(err));
	if (obj != NULL) {
		json_object_object_foreach(obj, name, val) {
			const char *v = json_object_get_string(val);

			if (!reqparse_valid_utf8(name, strlen(name)) ||
			    !reqparse_valid_utf8(v,
			    (size_t)json_object_get_string_len(val)))
				abort();
		}
		check_fields(obj);
		json_object_put(obj);
	}

	(void)reqparse_valid_utf8(buf, size);
	free(buf);
	return 0;
}
