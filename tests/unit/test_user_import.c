/*
 * The user importer: what each refusal carries (the code a handler
 * replies with, the JSON path below the user, the reason), how paths join
 * with the caller's, and the Admin API's target (tenant and localId from
 * the call, not the JSON).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "config.h"
#include "emu.h"
#include "store.h"
#include "unit.h"
#include "user_import.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct emu emu;
static struct user_import imp;

static void
setup(void)
{
	struct user_import_error e;

	unit_emu_open(&emu, "test_user_import");
	ck_assert_int_eq(store_begin(emu.store), 0);
	ck_assert_int_eq(store_realm_ensure(emu.store, emu.cfg.project, ""),
	    STORE_OK);
	ck_assert_int_eq(store_realm_ensure(emu.store, emu.cfg.project, "t1"),
	    STORE_OK);
	ck_assert_int_eq(user_import_begin(&imp, &emu, emu.cfg.project, &e),
	    0);
}

static void
teardown(void)
{
	user_import_end(&imp);
	store_rollback(emu.store);
	unit_emu_close(&emu);
}

/* Import the user in `json` as a file's user. */
static enum user_import_result
import(const char *json, struct user_import_error *e)
{
	struct json_object *u = json_tokener_parse(json);
	enum user_import_result r;

	ck_assert_msg(u != NULL, "bad test JSON: %s", json);
	r = user_import_user(&imp, u, NULL, e);
	json_object_put(u);
	return r;
}

#define SECRET "\"sharedSecretKey\": \"6IJSVADRO4MSOAO2OZINRETRIPWDR6IH\""

static const struct {
	const char *name;
	const char *user;
	enum err_code code;
	const char *path;
	const char *detail;	/* a part of it */
} refused[] = {
	{ "not an object", "[]", ERR_INVALID_ARGUMENT, "",
	    "expected an object" },
	{ "no localId", "{}", ERR_INVALID_ARGUMENT, "",
	    "localId is required" },
	{ "wrong type", "{\"localId\": \"u\", \"disabled\": \"yes\"}",
	    ERR_INVALID_ARGUMENT, "", "Invalid value at 'disabled'" },
	{ "email", "{\"localId\": \"u\", \"email\": \"x\"}", ERR_INVALID_EMAIL,
	    "", "has no '@'" },
	{ "phone", "{\"localId\": \"u\", \"phoneNumber\": \"555\"}",
	    ERR_INVALID_PHONE_NUMBER, "", "E.164" },
	{ "tenant", "{\"localId\": \"u\", \"tenantId\": \"nope\"}",
	    ERR_TENANT_NOT_FOUND, "", "not declared" },
	{ "factor phone", "{\"localId\": \"u\", \"mfaInfo\": [{\"phoneInfo\": "
	    "\"+15555550100\"}, {\"phoneInfo\": \"555\"}]}",
	    ERR_INVALID_MFA_PHONE_NUMBER, "mfaInfo[1]", "E.164" },
	{ "factor kind", "{\"localId\": \"u\", \"mfaInfo\": [{}]}",
	    ERR_INVALID_ARGUMENT, "mfaInfo[0]", "exactly one" },
	{ "TOTP secret", "{\"localId\": \"u\", \"mfaInfo\": [{\"totpInfo\": "
	    "{}}]}", ERR_INVALID_ARGUMENT, "mfaInfo[0].totpInfo",
	    "sharedSecretKey" },
	{ "TOTP period", "{\"localId\": \"u\", \"mfaInfo\": [{\"totpInfo\": "
	    "{" SECRET ", \"periodSec\": 5}}]}", ERR_INVALID_ARGUMENT,
	    "mfaInfo[0].totpInfo", "periodSec" },
};

START_TEST(user_import_refusals_carry_code_and_path)
{
	struct user_import_error e;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(import(refused[_i].user, &e), USER_IMPORT_FAILED);
	ck_assert_msg(e.code == refused[_i].code, "%s: code %s",
	    refused[_i].name, errors_info(e.code)->code);
	ck_assert_str_eq(e.path, refused[_i].path);
	ck_assert_msg(strstr(e.detail, refused[_i].detail) != NULL,
	    "%s: '%s'", refused[_i].name, e.detail);
}
END_TEST

START_TEST(user_import_error_text_joins_paths)
{
	struct user_import_error e = { ERR_INVALID_ARGUMENT, "", "why" };
	char out[256];

	user_import_error_text(&e, "", out, sizeof(out));
	ck_assert_str_eq(out, "why");
	user_import_error_text(&e, "$.users[2]", out, sizeof(out));
	ck_assert_str_eq(out, "$.users[2]: why");
	snprintf(e.path, sizeof(e.path), "mfaInfo[1].totpInfo");
	user_import_error_text(&e, "", out, sizeof(out));
	ck_assert_str_eq(out, "mfaInfo[1].totpInfo: why");
	user_import_error_text(&e, "$.users[2]", out, sizeof(out));
	ck_assert_str_eq(out, "$.users[2].mfaInfo[1].totpInfo: why");
	snprintf(e.path, sizeof(e.path), "[1]");
	user_import_error_text(&e, "mfa.enrollments", out, sizeof(out));
	ck_assert_str_eq(out, "mfa.enrollments[1]: why");
}
END_TEST

/* Stored before the batch: skipped; given again in it: refused. */
START_TEST(user_import_stored_user_skipped_once)
{
	struct user_import_error e;

	ck_assert_int_eq(import("{\"localId\": \"a\"}", &e),
	    USER_IMPORT_INSERTED);
	ck_assert_int_eq(import("{\"localId\": \"a\"}", &e),
	    USER_IMPORT_FAILED);
	ck_assert_int_eq(e.code, ERR_DUPLICATE_LOCAL_ID);
	user_import_end(&imp);
	ck_assert_int_eq(user_import_begin(&imp, &emu, emu.cfg.project, &e),
	    0);
	ck_assert_int_eq(import("{\"localId\": \"a\"}", &e),
	    USER_IMPORT_SKIPPED);
	ck_assert_int_eq(import("{\"localId\": \"a\"}", &e),
	    USER_IMPORT_FAILED);
	ck_assert_uint_eq(imp.skipped, 1);
}
END_TEST

/* The Admin API names the tenant and localId; the JSON's are not read. */
START_TEST(user_import_target_overrides_members)
{
	struct user_import_target t = { .tenant = "t1", .local_id = "given" };
	struct user_import_error e;
	struct json_object *u = json_tokener_parse("{\"localId\": 5, "
	    "\"tenantId\": [], \"validSince\": 99, \"email\": \"g@x.test\", "
	    "\"mfaInfo\": [{\"phoneInfo\": \"+15555550100\"}]}");
	struct store_user su;

	ck_assert_int_eq(user_import_user(&imp, u, &t, &e),
	    USER_IMPORT_INSERTED);
	json_object_put(u);
	ck_assert_int_eq(store_user_find(emu.store, emu.cfg.project, "t1",
	    "given", &su), STORE_OK);
	ck_assert_str_eq(su.email, "g@x.test");
	/* Not the member's 99 s: validSince is the creation's second. */
	ck_assert_int_eq(su.valid_since, su.created_at / 1000 * 1000);
	ck_assert_int_ne(su.valid_since, 99000);
	ck_assert_uint_eq(imp.users, 1);
	ck_assert_uint_eq(imp.enrollments, 1);
}
END_TEST

START_TEST(user_import_enrollments_paths_start_at_the_entry)
{
	struct user_import_error e;
	struct store_user su;
	struct json_object *mfa = json_tokener_parse("[{\"phoneInfo\": "
	    "\"+15555550100\"}, {\"totpInfo\": {\"sharedSecretKey\": \"AA\"}}]");

	ck_assert_int_eq(import("{\"localId\": \"e\"}", &e),
	    USER_IMPORT_INSERTED);
	ck_assert_int_eq(store_user_find(emu.store, emu.cfg.project, "", "e",
	    &su), STORE_OK);
	ck_assert_int_eq(user_import_enrollments(&imp, &su, mfa, &e), -1);
	json_object_put(mfa);
	ck_assert_int_eq(e.code, ERR_INVALID_ARGUMENT);
	ck_assert_str_eq(e.path, "[1].totpInfo");
}
END_TEST

static Suite *
user_import_suite(void)
{
	Suite *s = suite_create("user_import");
	TCase *tc = tcase_create("user_import");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, user_import_refusals_carry_code_and_path, 0,
	    N(refused));
	tcase_add_test(tc, user_import_error_text_joins_paths);
	tcase_add_test(tc, user_import_stored_user_skipped_once);
	tcase_add_test(tc, user_import_target_overrides_members);
	tcase_add_test(tc, user_import_enrollments_paths_start_at_the_entry);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(user_import_suite)
