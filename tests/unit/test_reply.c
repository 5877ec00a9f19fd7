/*
 * The error table and the Google error envelope: what client libraries
 * parse to map a reply to an exception (error.message's CODE, error.status,
 * error.errors[].reason).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "errors.h"
#include "reply.h"
#include "unit.h"

/* The table as written in errors.def, to check the lookup against. */
static const struct {
	enum err_code code;
	const char *name;
	unsigned http;
	const char *status;
} def_rows[] = {
#define ERR(code, http, status, reason, message) \
	{ ERR_##code, #code, http, status },
#include "errors.def"
#undef ERR
};

/* google.rpc.Code names. */
static const char *const canonical_status[] = {
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
	"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
	"DATA_LOSS", "UNAUTHENTICATED",
};

static int
is_canonical_status(const char *s)
{
	for (size_t i = 0; i < sizeof(canonical_status) /
	    sizeof(canonical_status[0]); i++) {
		if (strcmp(s, canonical_status[i]) == 0)
			return 1;
	}
	return 0;
}

START_TEST(errors_table_matches_errors_def)
{
	ck_assert_int_eq(sizeof(def_rows) / sizeof(def_rows[0]),
	    ERR__COUNT - ERR__NONE - 1);
	for (size_t i = 0; i < sizeof(def_rows) / sizeof(def_rows[0]); i++) {
		const struct err_info *e = errors_info(def_rows[i].code);

		ck_assert_ptr_nonnull(e);
		ck_assert_str_eq(e->code, def_rows[i].name);
		ck_assert_uint_eq(e->http_status, def_rows[i].http);
		ck_assert_str_eq(e->status, def_rows[i].status);
	}
}
END_TEST

/* One run per enum err_code. */
START_TEST(errors_table_row_consistent)
{
	const struct err_info *e = errors_info((enum err_code)_i);

	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(e->code);
	ck_assert_msg(e->code[0] != '\0', "code %d has an empty name", _i);
	for (const char *p = e->code; *p != '\0'; p++)
		ck_assert_msg((*p >= 'A' && *p <= 'Z') || *p == '_',
		    "%s: CODE must be capitals and underscores", e->code);
	ck_assert_msg(e->http_status >= 400 && e->http_status <= 599,
	    "%s: HTTP status %u", e->code, e->http_status);
	ck_assert_ptr_nonnull(e->status);
	/*
	 * google.rpc.Code has no 405 or 413: those say the HTTP reason, so
	 * that status and HTTP code agree.
	 */
	if (e->http_status == 405)
		ck_assert_str_eq(e->status, "METHOD_NOT_ALLOWED");
	else if (e->http_status == 413)
		ck_assert_str_eq(e->status, "PAYLOAD_TOO_LARGE");
	else
		ck_assert_msg(is_canonical_status(e->status),
		    "%s: '%s' is not a google.rpc.Code name", e->code,
		    e->status);
	ck_assert_ptr_nonnull(e->reason);
	ck_assert_msg(e->reason[0] != '\0', "%s: empty reason", e->code);
	if (e->http_status == 400)
		ck_assert_str_eq(e->status, "INVALID_ARGUMENT");
	if (e->message != NULL)
		ck_assert_msg(e->message[0] != '\0', "%s: empty message",
		    e->code);
}
END_TEST

START_TEST(errors_table_codes_unique)
{
	for (int i = ERR__NONE + 1; i < ERR__COUNT; i++) {
		for (int j = i + 1; j < ERR__COUNT; j++)
			ck_assert_str_ne(errors_info((enum err_code)i)->code,
			    errors_info((enum err_code)j)->code);
	}
}
END_TEST

/* ERR__NONE and values past the table are bugs: they read as INTERNAL. */
START_TEST(errors_info_out_of_table)
{
	const struct err_info *internal = errors_info(ERR_INTERNAL_ERROR);

	ck_assert_ptr_eq(errors_info(ERR__NONE), internal);
	ck_assert_ptr_eq(errors_info(ERR__COUNT), internal);
	ck_assert_ptr_eq(errors_info((enum err_code)-1), internal);
	ck_assert_ptr_ne(errors_info(ERR_INVALID_ARGUMENT), internal);
}
END_TEST

START_TEST(errors_lookup_by_name)
{
	enum err_code code = ERR__NONE;

	for (size_t i = 0; i < sizeof(def_rows) / sizeof(def_rows[0]); i++) {
		ck_assert_int_eq(errors_lookup(def_rows[i].name, &code), 0);
		ck_assert_int_eq(code, def_rows[i].code);
	}
	code = ERR_INVALID_CODE;
	ck_assert_int_eq(errors_lookup("NO_SUCH_CODE", &code), -1);
	ck_assert_int_eq(errors_lookup("", &code), -1);
	ck_assert_int_eq(errors_lookup("invalid_code", &code), -1);
	ck_assert_int_eq(code, ERR_INVALID_CODE);
}
END_TEST

static struct json_object *
member(struct json_object *obj, const char *key, enum json_type type)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v),
	    "no '%s' in %s", key, json_object_to_json_string(obj));
	ck_assert_msg(json_object_is_type(v, type), "'%s' has type %s", key,
	    json_type_to_name(json_object_get_type(v)));
	return v;
}

/*
 * Check the envelope of `body` for `code` with the expected message, and
 * whether the legacy errors[] array is there.
 */
static void
assert_envelope(struct json_object *body, enum err_code code,
    const char *message, int with_errors)
{
	const struct err_info *e = errors_info(code);
	struct json_object *err, *arr, *item, *details;
	int nd;

	ck_assert_int_eq(json_object_object_length(body), 1);
	err = member(body, "error", json_type_object);
	ck_assert_int_eq(json_object_get_int(member(err, "code",
	    json_type_int)), (int)e->http_status);
	ck_assert_str_eq(json_object_get_string(member(err, "message",
	    json_type_string)), message);
	ck_assert_str_eq(json_object_get_string(member(err, "status",
	    json_type_string)), e->status);
	/* An explanation kept out of the message is one DebugInfo. */
	nd = json_object_object_get_ex(err, "details", &details);
	if (nd) {
		item = json_object_array_get_idx(details, 0);
		ck_assert_uint_eq(json_object_array_length(details), 1);
		ck_assert_str_eq(json_object_get_string(member(item, "@type",
		    json_type_string)),
		    "type.googleapis.com/google.rpc.DebugInfo");
	}
	if (!with_errors) {
		ck_assert_msg(!json_object_object_get_ex(err, "errors", NULL),
		    "errors[] present: %s", json_object_to_json_string(body));
		ck_assert_int_eq(json_object_object_length(err), 3 + nd);
		return;
	}
	ck_assert_int_eq(json_object_object_length(err), 4 + nd);
	arr = member(err, "errors", json_type_array);
	ck_assert_uint_eq(json_object_array_length(arr), 1);
	item = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_is_type(item, json_type_object));
	ck_assert_int_eq(json_object_object_length(item), 3);
	ck_assert_str_eq(json_object_get_string(member(item, "message",
	    json_type_string)), message);
	ck_assert_str_eq(json_object_get_string(member(item, "domain",
	    json_type_string)), "global");
	ck_assert_str_eq(json_object_get_string(member(item, "reason",
	    json_type_string)), e->reason);
}

/* Every code, with and without a detail, in both envelope versions. */
START_TEST(reply_error_body_envelope_every_code)
{
	enum err_code code = (enum err_code)_i;
	const struct err_info *e = errors_info(code);
	char with_detail[256];
	struct json_object *body;

	switch (errors_form(e)) {
	case ERR_FORM_FIXED:
		snprintf(with_detail, sizeof(with_detail), "%s", e->message);
		break;
	case ERR_FORM_DETAIL:
		snprintf(with_detail, sizeof(with_detail), "%s : some detail",
		    e->code);
		break;
	case ERR_FORM_SENTENCE:
		snprintf(with_detail, sizeof(with_detail), "some detail");
		break;
	case ERR_FORM_CODE:
		snprintf(with_detail, sizeof(with_detail), "%s", e->code);
		break;
	}

	body = reply_error_body(code, NULL, 1);
	assert_envelope(body, code, errors_form(e) == ERR_FORM_FIXED ?
	    e->message : e->code, 1);
	json_object_put(body);

	body = reply_error_body(code, "some detail", 1);
	assert_envelope(body, code, with_detail, 1);
	json_object_put(body);

	body = reply_error_body(code, "some detail", 2);
	assert_envelope(body, code, with_detail, 0);
	json_object_put(body);
}
END_TEST

static const struct {
	enum err_code code;
	const char *detail;
	int xgafv;
	const char *message;
	int with_errors;
} envelope_cases[] = {
	{ ERR_INVALID_CODE, NULL, 1, "INVALID_CODE", 1 },
	{ ERR_INVALID_CODE, "", 1, "INVALID_CODE", 1 },
	/* Google sends INVALID_CODE bare: the detail goes to details. */
	{ ERR_INVALID_CODE, "the code is wrong", 1, "INVALID_CODE", 1 },
	{ ERR_INVALID_CODE, "the code is wrong", 0, "INVALID_CODE", 1 },
	{ ERR_INVALID_CODE, "the code is wrong", 2, "INVALID_CODE", 0 },
	{ ERR_WEAK_PASSWORD, "3 characters", 1,
	    "WEAK_PASSWORD : Password should be at least 6 characters", 1 },
	{ ERR_INVALID_ARGUMENT, "bad field", 1,
	    "INVALID_ARGUMENT : bad field", 1 },
	{ ERR_INVALID_JSON, "Invalid JSON payload received. Unexpected "
	    "token.", 1, "Invalid JSON payload received. Unexpected token.",
	    1 },
	{ ERR_MISSING_MFA_PENDING_CREDENTIAL, NULL, 2,
	    "MISSING_MFA_PENDING_CREDENTIAL : Request does not have MFA "
	    "pending credential.", 0 },
	{ ERR_SESSION_EXPIRED, NULL, 1, "SESSION_EXPIRED", 1 },
	{ ERR_NOT_FOUND, "no route", 1, "NOT_FOUND : no route", 1 },
	{ ERR_PERMISSION_DENIED, NULL, 1,
	    "The request is missing a valid API key.", 1 },
	{ ERR_PERMISSION_DENIED, "anything", 1,
	    "The request is missing a valid API key.", 1 },
	{ ERR_PERMISSION_DENIED, NULL, 2,
	    "The request is missing a valid API key.", 0 },
};

START_TEST(reply_error_body_message)
{
	struct json_object *body = reply_error_body(envelope_cases[_i].code,
	    envelope_cases[_i].detail, envelope_cases[_i].xgafv);

	ck_assert_ptr_nonnull(body);
	assert_envelope(body, envelope_cases[_i].code,
	    envelope_cases[_i].message, envelope_cases[_i].with_errors);
	json_object_put(body);
}
END_TEST

/* The exact wire form clients see for the most common failure. */
START_TEST(reply_error_body_exact_json)
{
	struct json_object *body = reply_error_body(ERR_INVALID_CODE, NULL,
	    1);

	ck_assert_str_eq(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN),
	    "{\"error\":{\"code\":400,\"message\":\"INVALID_CODE\","
	    "\"errors\":[{\"message\":\"INVALID_CODE\",\"domain\":\"global\","
	    "\"reason\":\"invalid\"}],\"status\":\"INVALID_ARGUMENT\"}}");
	json_object_put(body);
}
END_TEST

START_TEST(reply_permission_denied_fixed)
{
	const struct err_info *e = errors_info(ERR_PERMISSION_DENIED);

	ck_assert_uint_eq(e->http_status, 403);
	ck_assert_str_eq(e->status, "PERMISSION_DENIED");
	ck_assert_ptr_nonnull(e->message);
	ck_assert_str_eq(e->message, "The request is missing a valid API key.");
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("reply");

	tcase_add_test(tc, errors_table_matches_errors_def);
	tcase_add_loop_test(tc, errors_table_row_consistent, ERR__NONE + 1,
	    ERR__COUNT);
	tcase_add_test(tc, errors_table_codes_unique);
	tcase_add_test(tc, errors_info_out_of_table);
	tcase_add_test(tc, errors_lookup_by_name);
	tcase_add_loop_test(tc, reply_error_body_envelope_every_code,
	    ERR__NONE + 1, ERR__COUNT);
	tcase_add_loop_test(tc, reply_error_body_message, 0,
	    (int)(sizeof(envelope_cases) / sizeof(envelope_cases[0])));
	tcase_add_test(tc, reply_error_body_exact_json);
	tcase_add_test(tc, reply_permission_denied_fixed);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(reply_suite)
