/*
 * Fixture files into the store: the demo file as the README uses it,
 * reloading, and for each kind of mistake one error naming the file, the
 * JSON path and the reason, with nothing loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "config.h"
#include "emu.h"
#include "fixtures.h"
#include "password.h"
#include "store.h"
#include "unit.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define DEMO "fixtures/demo.json"
#define PROJECT "demo-project"

static struct emu emu;
static char err[2048];
static char tmp_paths[4][64];
static size_t ntmp;

/* An emu with default config and an in-memory store; no signing key. */
static void
setup(void)
{
	unit_emu_open(&emu, "test_fixtures");
	err[0] = '\0';
	ntmp = 0;
}

static void
teardown(void)
{
	unit_emu_close(&emu);
	for (size_t i = 0; i < ntmp; i++)
		unlink(tmp_paths[i]);
	ntmp = 0;
}

/* A temporary file name, removed at teardown. */
static const char *
temp_name(void)
{
	char *path;
	int fd;

	ck_assert_uint_lt(ntmp, sizeof(tmp_paths) / sizeof(tmp_paths[0]));
	path = tmp_paths[ntmp++];
	snprintf(path, sizeof(tmp_paths[0]), "/tmp/mfaemu-fixture-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

static const char *
write_doc(const char *text)
{
	const char *path = temp_name();
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Load the files with `mode` into `rep` (initialised here; caller frees). */
static int
load_report(const char *const *paths, size_t n, enum config_on_existing mode,
    struct fixtures_report *rep)
{
	ck_assert_int_eq(fixtures_report_init(rep, mode), 0);
	return fixtures_load_files(&emu, (char *const *)paths, n, rep, err,
	    sizeof(err));
}

static int
load(const char *const *paths, size_t n, struct fixtures_counts *counts)
{
	struct fixtures_report rep;
	int r = load_report(paths, n, CONFIG_ON_EXISTING_SKIP, &rep);

	*counts = rep.total;
	fixtures_report_free(&rep);
	return r;
}

static void
load_demo(struct fixtures_counts *counts)
{
	const char *paths[] = { DEMO };

	ck_assert_msg(load(paths, 1, counts) == 0, "%s", err);
}

static void
begin(void)
{
	ck_assert_int_eq(store_begin(emu.store), 0);
}

static void
find_user(const char *tenant, const char *local_id, struct store_user *u)
{
	ck_assert_msg(store_user_find(emu.store, PROJECT, tenant, local_id,
	    u) == STORE_OK, "no user '%s' in tenant '%s'", local_id, tenant);
}

START_TEST(fixtures_demo_counts)
{
	struct fixtures_counts c;

	memset(&c, 0xff, sizeof(c));
	load_demo(&c);
	ck_assert_uint_eq(c.users, 5);
	ck_assert_uint_eq(c.enrollments, 6);
	ck_assert_uint_eq(c.credentials, 5);
	ck_assert_uint_eq(c.test_numbers, 1);
	ck_assert_uint_eq(c.realms, 1);
	ck_assert_uint_eq(c.skipped, 0);
}
END_TEST

START_TEST(fixtures_demo_contents)
{
	static const uint8_t secret[20] = { 242, 19, 42, 128, 113, 119, 25,
	    39, 1, 218, 118, 80, 216, 146, 113, 67, 236, 56, 249, 7 };
	struct fixtures_counts c;
	struct store_user u;
	struct store_enrollment e;

	load_demo(&c);
	begin();

	/* alice: verified email, one phone factor enrolled at a fixed time. */
	find_user("", "alice", &u);
	ck_assert_str_eq(u.email, "alice@example.com");
	ck_assert_str_eq(u.display_name, "Alice (phone factor)");
	ck_assert_int_eq(u.email_verified, 1);
	ck_assert_int_eq(u.disabled, 0);
	ck_assert_int_eq(store_enrollment_get(emu.store, u.id, "alice-phone",
	    &e), STORE_OK);
	ck_assert_int_eq(e.kind, STORE_FACTOR_PHONE);
	ck_assert_str_eq(e.phone_number, "+15555550101");
	ck_assert_str_eq(e.display_name, "Alice's phone");
	ck_assert_int_eq(e.enrolled_at, 1767225600000LL);

	/* carol: TOTP with SHA256 and 8 digits, plus a test-number phone. */
	find_user("", "carol", &u);
	ck_assert_str_eq(u.phone_number, "+15555550100");
	ck_assert_int_eq(store_enrollment_get(emu.store, u.id, "carol-totp",
	    &e), STORE_OK);
	ck_assert_int_eq(e.kind, STORE_FACTOR_TOTP);
	ck_assert_int_eq(e.totp_alg, TOTP_SHA256);
	ck_assert_int_eq(e.totp_digits, 8);
	ck_assert_int_eq(e.totp_period, 30);
	ck_assert_uint_eq(e.totp_secret_len, sizeof(secret));
	ck_assert_mem_eq(e.totp_secret, secret, sizeof(secret));
	ck_assert_int_eq(store_enrollment_get(emu.store, u.id, "carol-phone",
	    &e), STORE_OK);
	ck_assert_str_eq(e.phone_number, "+15555550100");

	/* bob: SHA1, 6 digits. */
	find_user("", "bob", &u);
	ck_assert_int_eq(store_enrollment_get(emu.store, u.id, "bob-totp",
	    &e), STORE_OK);
	ck_assert_int_eq(e.totp_alg, TOTP_SHA1);
	ck_assert_int_eq(e.totp_digits, 6);

	/* dave is disabled. */
	find_user("", "dave", &u);
	ck_assert_int_eq(u.disabled, 1);
	store_rollback(emu.store);
}
END_TEST

START_TEST(fixtures_demo_tenant_and_credentials)
{
	struct fixtures_counts c;
	struct store_user u;
	struct store_credential cred;
	struct store_realm realm;
	char code[STORE_CODE_MAX + 1];

	load_demo(&c);
	begin();

	/* erin lives in tenant-a only. */
	find_user("tenant-a", "erin", &u);
	ck_assert_str_eq(u.tenant_id, "tenant-a");
	ck_assert_int_eq(store_user_find(emu.store, PROJECT, "", "erin", &u),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_realm_get(emu.store, PROJECT, "tenant-a",
	    &realm), STORE_OK);
	ck_assert_int_eq(realm.mfa_phone, 1);
	ck_assert_int_eq(realm.mfa_totp, 1);

	/* Credentials: bound to their user and realm, unused, a year long. */
	ck_assert_int_eq(store_credential_get(emu.store, "demo-cred-erin",
	    &cred), STORE_OK);
	find_user("tenant-a", "erin", &u);
	ck_assert_int_eq(cred.user_id, u.id);
	ck_assert_str_eq(cred.project_id, PROJECT);
	ck_assert_str_eq(cred.tenant_id, "tenant-a");
	ck_assert_str_eq(cred.sign_in_provider, "password");
	ck_assert_int_eq(cred.used_at, 0);
	ck_assert_int_eq(cred.expires_at - cred.created_at,
	    31536000LL * 1000);

	ck_assert_int_eq(store_test_phone_code(emu.store, PROJECT, "",
	    "+15555550100", code), STORE_OK);
	ck_assert_str_eq(code, "123456");
	store_rollback(emu.store);
}
END_TEST

/* The stored salt and hash of a user of the demo project's own realm. */
static void
stored_password(const char *local_id, uint8_t *salt, size_t *saltlen,
    uint8_t *hash, size_t *hashlen)
{
	struct store_user u;

	*saltlen = *hashlen = 64;
	find_user("", local_id, &u);
	ck_assert_int_eq(store_user_password(emu.store, u.id, salt, saltlen,
	    hash, hashlen), STORE_OK);
}

START_TEST(fixtures_demo_password_hashed)
{
	struct fixtures_counts c;
	uint8_t asalt[64], ahash[64], bsalt[64], bhash[64];
	size_t asl, ahl, bsl, bhl;

	load_demo(&c);
	begin();
	stored_password("alice", asalt, &asl, ahash, &ahl);
	stored_password("bob", bsalt, &bsl, bhash, &bhl);
	store_rollback(emu.store);

	ck_assert_uint_eq(asl, PASSWORD_SALT_LEN);
	ck_assert_uint_eq(ahl, PASSWORD_HASH_LEN);
	ck_assert_ptr_null(memmem(ahash, ahl, "alice-password", 14));
	ck_assert_int_eq(password_verify("alice-password", asalt, asl, ahash,
	    ahl), 1);
	ck_assert_int_eq(password_verify("bob-password", asalt, asl, ahash,
	    ahl), 0);
	ck_assert_int_eq(password_verify("bob-password", bsalt, bsl, bhash,
	    bhl), 1);
	/* Each user has a salt of its own. */
	ck_assert(memcmp(asalt, bsalt, PASSWORD_SALT_LEN) != 0);
}
END_TEST

/* A --db daemon restarted with the same files keeps what is stored. */
START_TEST(fixtures_load_twice_idempotent)
{
	struct fixtures_counts c;
	struct store_credential cred;
	struct store_user u;

	load_demo(&c);
	begin();
	ck_assert_int_eq(store_credential_use(emu.store, "demo-cred-alice",
	    1234), STORE_OK);
	ck_assert_int_eq(store_commit(emu.store), 0);

	memset(&c, 0xff, sizeof(c));
	load_demo(&c);
	ck_assert_uint_eq(c.users, 0);
	ck_assert_uint_eq(c.enrollments, 0);
	ck_assert_uint_eq(c.credentials, 0);
	ck_assert_uint_eq(c.skipped, 10);

	begin();
	ck_assert_int_eq(store_credential_get(emu.store, "demo-cred-alice",
	    &cred), STORE_OK);
	ck_assert_int_eq(cred.used_at, 1234);
	find_user("", "alice", &u);
	ck_assert_int_eq(cred.user_id, u.id);
	store_rollback(emu.store);
}
END_TEST

/*
 * A localId given twice is refused whether the user is new or already
 * stored (then skipped once, not twice); the store is left as it was.
 */
START_TEST(fixtures_duplicate_of_stored_user)
{
	struct fixtures_counts c;
	const char *once = write_doc("{\"users\": [{\"localId\": \"u1\"}]}");
	const char *twice = write_doc("{\"users\": [{\"localId\": \"u2\"}, "
	    "{\"localId\": \"u1\"}, {\"localId\": \"u1\"}]}");
	struct store_user u;

	ck_assert_msg(load(&once, 1, &c) == 0, "%s", err);
	ck_assert_uint_eq(c.users, 1);
	ck_assert_int_eq(load(&twice, 1, &c), -1);
	ck_assert_ptr_nonnull(strstr(err, "$.users[2]: localId 'u1' appears "
	    "twice"));
	begin();
	ck_assert_int_eq(store_user_find(emu.store, "demo-project", "", "u2",
	    &u), STORE_NOT_FOUND);
	store_rollback(emu.store);
	ck_assert_msg(load(&once, 1, &c) == 0, "%s", err);
	ck_assert_uint_eq(c.skipped, 1);
}
END_TEST

START_TEST(fixtures_no_files)
{
	struct fixtures_counts c;

	memset(&c, 0xff, sizeof(c));
	ck_assert_int_eq(load(NULL, 0, &c), 0);
	ck_assert_uint_eq(c.users, 0);
	ck_assert_uint_eq(c.skipped, 0);
}
END_TEST

/* A document without projectId loads into the configured project. */
START_TEST(fixtures_project_defaults_to_config)
{
	const char *paths[1];
	struct fixtures_counts c;
	struct store_user u;

	paths[0] = write_doc("{\"users\": [{\"localId\": \"p1\"}]}");
	ck_assert_msg(load(paths, 1, &c) == 0, "%s", err);
	paths[0] = write_doc("{\"projectId\": \"other-project\", "
	    "\"users\": [{\"localId\": \"p2\"}]}");
	ck_assert_msg(load(paths, 1, &c) == 0, "%s", err);
	begin();
	find_user("", "p1", &u);
	/* No password in the fixture: none stored, not a hash of "". */
	{
		uint8_t salt[64], hash[64];
		size_t sl = sizeof(salt), hl = sizeof(hash);

		ck_assert_int_eq(store_user_password(emu.store, u.id, salt,
		    &sl, hash, &hl), STORE_NOT_FOUND);
	}
	ck_assert_int_eq(store_user_find(emu.store, "other-project", "", "p2",
	    &u), STORE_OK);
	ck_assert_int_eq(store_user_find(emu.store, PROJECT, "", "p2", &u),
	    STORE_NOT_FOUND);
	store_rollback(emu.store);
}
END_TEST

/*
 * Loaded before each bad document, in the same call: a failure must undo
 * it too. The bad documents start with U_OK where they can, so the entries
 * before the mistake would have been stored.
 */
static const char good_doc[] =
    "{\"testPhoneNumbers\": {\"+15555550177\": \"111111\"},"
    " \"users\": [{\"localId\": \"good-user\","
    " \"email\": \"good@example.com\", \"mfaInfo\": [{\"mfaEnrollmentId\":"
    " \"g1\", \"phoneInfo\": \"+15555550178\"}]}],"
    " \"pendingCredentials\": [{\"mfaPendingCredential\": \"good-cred\","
    " \"localId\": \"good-user\"}]}";

#define U_OK "{\"localId\": \"u-ok\", \"email\": \"ok@example.com\", " \
    "\"password\": \"pw\", \"mfaInfo\": [{\"mfaEnrollmentId\": " \
    "\"ok-phone\", \"phoneInfo\": \"+15555550150\"}]}"
#define USERS(second) "{\"users\": [" U_OK ", " second "]}"
#define MFA(entry) USERS("{\"localId\": \"u2\", \"mfaInfo\": [" entry "]}")
#define TOTP(info) MFA("{\"totpInfo\": " info "}")
#define SECRET "\"sharedSecretKey\": \"6IJSVADRO4MSOAO2OZINRETRIPWDR6IH\""
#define CRED(entry) "{\"users\": [" U_OK "], " \
    "\"pendingCredentials\": [" entry "]}"

static const struct {
	const char *name;
	const char *doc;	/* NULL: the file does not exist */
	const char *json_path;	/* NULL: the error is about the whole file */
	const char *reason;
} bad_docs[] = {
	{ "invalid JSON", "{\n  \"users\": [\n    " U_OK ",\n  ]\n}", NULL,
	    "line 4 column 3" },
	{ "truncated JSON", "{\"users\": [" U_OK, NULL, "line 1 column" },
	{ "empty file", "", NULL, "line 1 column 1" },
	{ "null document", "null", NULL, "null" },
	{ "top level not an object", "[" U_OK "]", "$",
	    "must be a JSON object" },
	{ "users not an array", "{\"users\": " U_OK "}", "$",
	    "Invalid value at 'users'" },
	{ "user not an object", USERS("\"u2\""), "$.users[1]",
	    "expected an object" },
	{ "user without localId", USERS("{\"email\": \"x@example.com\"}"),
	    "$.users[1]", "localId is required" },
	{ "localId not a string", USERS("{\"localId\": 5}"), "$.users[1]",
	    "Invalid value at 'localId'" },
	{ "localId with a slash", USERS("{\"localId\": \"a/b\"}"),
	    "$.users[1]", "localId" },
	{ "email without @", USERS("{\"localId\": \"u2\", \"email\": \"x\"}"),
	    "$.users[1]", "email" },
	{ "bad E.164 phoneNumber", USERS("{\"localId\": \"u2\", "
	    "\"phoneNumber\": \"5555550100\"}"), "$.users[1]", "E.164" },
	{ "duplicate localId", USERS("{\"localId\": \"u-ok\"}"), "$.users[1]",
	    "appears twice" },
	{ "duplicate email", USERS("{\"localId\": \"u2\", "
	    "\"email\": \"OK@Example.com\"}"), "$.users[1]", "already used" },
	{ "tenantId not declared", USERS("{\"localId\": \"u2\", "
	    "\"tenantId\": \"nope\"}"), "$.users[1]", "not declared" },
	{ "bad E.164 phoneInfo", MFA("{\"phoneInfo\": \"555-0100\"}"),
	    "$.users[1].mfaInfo[0]", "E.164" },
	{ "phoneInfo and totpInfo", MFA("{\"phoneInfo\": \"+15555550100\", "
	    "\"totpInfo\": {" SECRET "}}"), "$.users[1].mfaInfo[0]",
	    "exactly one" },
	{ "neither phoneInfo nor totpInfo", MFA("{\"displayName\": \"x\"}"),
	    "$.users[1].mfaInfo[0]", "exactly one" },
	{ "enrolledAt not RFC 3339", MFA("{\"phoneInfo\": \"+15555550100\", "
	    "\"enrolledAt\": \"2026-13-01T00:00:00Z\"}"),
	    "$.users[1].mfaInfo[0]", "enrolledAt" },
	{ "enrolledAt a date only", MFA("{\"phoneInfo\": \"+15555550100\", "
	    "\"enrolledAt\": \"2026-01-01\"}"), "$.users[1].mfaInfo[0]",
	    "enrolledAt" },
	{ "enrollment id twice", MFA("{\"mfaEnrollmentId\": \"e1\", "
	    "\"phoneInfo\": \"+15555550100\"}, {\"mfaEnrollmentId\": \"e1\", "
	    "\"phoneInfo\": \"+15555550101\"}"), "$.users[1].mfaInfo[1]",
	    "appears twice" },
	{ "bad base32 secret", TOTP("{\"sharedSecretKey\": "
	    "\"0189!0189!0189!0189\"}"), "$.users[1].mfaInfo[0].totpInfo",
	    "sharedSecretKey" },
	{ "secret too short", TOTP("{\"sharedSecretKey\": \"JBSWY3DP\"}"),
	    "$.users[1].mfaInfo[0].totpInfo", "sharedSecretKey" },
	{ "no secret", TOTP("{\"periodSec\": 30}"),
	    "$.users[1].mfaInfo[0].totpInfo", "sharedSecretKey" },
	{ "digits 9", TOTP("{" SECRET ", \"verificationCodeLength\": 9}"),
	    "$.users[1].mfaInfo[0].totpInfo", "verificationCodeLength" },
	{ "digits 5", TOTP("{" SECRET ", \"verificationCodeLength\": 5}"),
	    "$.users[1].mfaInfo[0].totpInfo", "verificationCodeLength" },
	{ "unknown algorithm", TOTP("{" SECRET ", "
	    "\"hashingAlgorithm\": \"MD5\"}"),
	    "$.users[1].mfaInfo[0].totpInfo", "MD5" },
	{ "period 0", TOTP("{" SECRET ", \"periodSec\": 0}"),
	    "$.users[1].mfaInfo[0].totpInfo", "periodSec" },
	{ "credential for unknown user", CRED("{\"mfaPendingCredential\": "
	    "\"c1\", \"localId\": \"ghost\"}"), "$.pendingCredentials[0]",
	    "ghost" },
	{ "credential in the wrong tenant", "{\"tenants\": [{\"tenantId\": "
	    "\"t1\"}], \"users\": [" U_OK "], \"pendingCredentials\": "
	    "[{\"mfaPendingCredential\": \"c1\", \"localId\": \"u-ok\", "
	    "\"tenantId\": \"t1\"}]}", "$.pendingCredentials[0]", "u-ok" },
	{ "credential tenant not declared", CRED("{\"mfaPendingCredential\": "
	    "\"c1\", \"localId\": \"u-ok\", \"tenantId\": \"nope\"}"),
	    "$.pendingCredentials[0]", "not declared" },
	{ "credential without localId", CRED("{\"mfaPendingCredential\": "
	    "\"c1\"}"), "$.pendingCredentials[0]", "localId" },
	{ "credential expiresIn 0", CRED("{\"mfaPendingCredential\": \"c1\", "
	    "\"localId\": \"u-ok\", \"expiresIn\": 0}"),
	    "$.pendingCredentials[0]", "expiresIn" },
	{ "test phone code not 6 digits", "{\"testPhoneNumbers\": "
	    "{\"+15555550100\": \"12345\"}, \"users\": [" U_OK "]}",
	    "$.testPhoneNumbers[\"+15555550100\"]", "6 digits" },
	{ "test phone number not E.164", "{\"testPhoneNumbers\": "
	    "{\"555\": \"123456\"}}", "$.testPhoneNumbers[\"555\"]", "E.164" },
	{ "tenant test phone code", "{\"tenants\": [{\"tenantId\": \"t1\", "
	    "\"testPhoneNumbers\": {\"+15555550100\": \"12a456\"}}]}",
	    "$.tenants[0].testPhoneNumbers[\"+15555550100\"]", "6 digits" },
	{ "bad tenantId", "{\"tenants\": [{\"tenantId\": \"t 1\"}]}",
	    "$.tenants[0]", "tenantId" },
	{ "mfa setting not a bool", "{\"mfa\": {\"phone\": \"yes\"}}",
	    "$.mfa", "Invalid value at 'phone'" },
	{ "missing file", NULL, NULL, "cannot open" },
};

START_TEST(fixtures_bad_document)
{
	const char *paths[2], *bad;
	struct fixtures_counts c;
	struct store_user u;
	struct store_credential cred;
	struct store_realm realm;
	char want[256], code[STORE_CODE_MAX + 1];
	size_t n;

	paths[0] = write_doc(good_doc);
	if (bad_docs[_i].doc != NULL) {
		bad = write_doc(bad_docs[_i].doc);
	} else {
		bad = temp_name();
		unlink(bad);
	}
	paths[1] = bad;

	err[0] = '\0';
	ck_assert_msg(load(paths, 2, &c) == -1, "%s: loaded",
	    bad_docs[_i].name);

	/* "file: $.path: reason", naming the bad file, not the good one. */
	n = strlen(bad);
	ck_assert_msg(strncmp(err, bad, n) == 0 && err[n] == ':',
	    "%s: '%s' does not start with the file name", bad_docs[_i].name,
	    err);
	if (bad_docs[_i].json_path != NULL) {
		snprintf(want, sizeof(want), "%s: %s: ", bad,
		    bad_docs[_i].json_path);
		ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
		    "%s: '%s' does not start with '%s'", bad_docs[_i].name,
		    err, want);
	}
	ck_assert_msg(strstr(err + n, bad_docs[_i].reason) != NULL,
	    "%s: '%s' does not say '%s'", bad_docs[_i].name, err,
	    bad_docs[_i].reason);

	/* Nothing from either file is in the store. */
	begin();
	ck_assert_int_eq(store_user_find(emu.store, PROJECT, "", "good-user",
	    &u), STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_find(emu.store, PROJECT, "", "u-ok", &u),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_credential_get(emu.store, "good-cred", &cred),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_test_phone_code(emu.store, PROJECT, "",
	    "+15555550177", code), STORE_NOT_FOUND);
	ck_assert_int_eq(store_realm_get(emu.store, PROJECT, "", &realm),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_realm_get(emu.store, PROJECT, "t1", &realm),
	    STORE_NOT_FOUND);
	store_rollback(emu.store);
}
END_TEST

/* The member `key` of project `p`'s counts (tenant t unless NULL). */
static int64_t
reported(const struct fixtures_report *rep, const char *p, const char *t,
    const char *key)
{
	struct json_object *o = json_object_object_get(rep->projects, p);

	if (t != NULL)
		o = json_object_object_get(json_object_object_get(o,
		    "byTenant"), t);
	ck_assert_msg(json_object_object_get_ex(o, key, NULL), "no %s/%s %s",
	    p, t ? t : "", key);
	return json_object_get_int64(json_object_object_get(o, key));
}

/*
 * Counts per project and tenant, and a warning naming the file and how to
 * fix it for the project that is not the served one.
 */
START_TEST(fixtures_report_per_project_warns_other_project)
{
	struct fixtures_report rep;
	const char *paths[2] = { DEMO, write_doc("{\"projectId\": "
	    "\"other-project\", \"users\": [{\"localId\": \"o1\"}, "
	    "{\"localId\": \"o2\"}], \"testPhoneNumbers\": "
	    "{\"+15555550199\": \"123456\"}}") };
	const char *w;

	ck_assert_msg(load_report(paths, 2, CONFIG_ON_EXISTING_SKIP, &rep) ==
	    0, "%s", err);
	ck_assert_int_eq(reported(&rep, PROJECT, NULL, "users"), 5);
	ck_assert_int_eq(reported(&rep, PROJECT, NULL, "tenants"), 1);
	ck_assert_int_eq(reported(&rep, PROJECT, "tenant-a", "users"), 1);
	ck_assert_int_eq(reported(&rep, "other-project", NULL, "users"), 2);
	ck_assert_int_eq(reported(&rep, "other-project", NULL,
	    "testPhoneNumbers"), 1);
	ck_assert_uint_eq(rep.total.users, 7);
	ck_assert_uint_eq(json_object_array_length(rep.warnings), 1);
	w = json_object_get_string(json_object_array_get_idx(rep.warnings, 0));
	ck_assert_msg(strstr(w, paths[1]) && strstr(w, "'other-project'") &&
	    strstr(w, "apps using --project demo-project will not see") &&
	    strstr(w, "\"projectId\": \"demo-project\"") &&
	    strstr(w, "--project other-project"), "%s", w);
	fixtures_report_free(&rep);
}
END_TEST

/*
 * onExisting replace: the fixture's user wins (password, profile,
 * factors) and is listed; a used credential is loaded afresh.
 */
START_TEST(fixtures_replace_mode)
{
	struct fixtures_report rep;
	const char *edited = write_doc("{\"users\": [{\"localId\": "
	    "\"alice\", \"email\": \"alice@example.com\", \"password\": "
	    "\"new-password\", \"displayName\": \"Alice 2\"}, "
	    "{\"localId\": \"zed\"}]}");
	uint8_t salt[64], hash[64];
	size_t sl, hl;
	struct store_user u;
	struct store_enrollment e;
	struct json_object *id;

	load_demo(&rep.total);
	ck_assert_msg(load_report(&edited, 1, CONFIG_ON_EXISTING_REPLACE, &rep)
	    == 0, "%s", err);
	ck_assert_uint_eq(rep.total.replaced, 1);
	ck_assert_uint_eq(rep.total.users, 1);
	ck_assert_uint_eq(json_object_array_length(rep.replaced_ids), 1);
	id = json_object_array_get_idx(rep.replaced_ids, 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(id,
	    "localId")), "alice");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(id,
	    "projectId")), PROJECT);
	fixtures_report_free(&rep);
	begin();
	stored_password("alice", salt, &sl, hash, &hl);
	ck_assert_int_eq(password_verify("new-password", salt, sl, hash, hl),
	    1);
	ck_assert_int_eq(password_verify("alice-password", salt, sl, hash, hl),
	    0);
	find_user("", "alice", &u);
	ck_assert_str_eq(u.display_name, "Alice 2");
	/* Its factors are the fixture's: none; so are its credentials. */
	ck_assert_int_eq(store_enrollment_get(emu.store, u.id, "alice-phone",
	    &e), STORE_NOT_FOUND);
	store_rollback(emu.store);
}
END_TEST

/* onExisting fail: nothing loads, and the error names what exists. */
START_TEST(fixtures_fail_mode)
{
	struct fixtures_report rep;
	const char *doc = write_doc("{\"users\": [{\"localId\": \"new1\"}, "
	    "{\"localId\": \"bob\"}, {\"localId\": \"erin\", "
	    "\"tenantId\": \"tenant-a\"}]}");
	struct store_user u;

	load_demo(&rep.total);
	ck_assert_int_eq(load_report(&doc, 1, CONFIG_ON_EXISTING_FAIL, &rep),
	    FIXTURES_EXISTING);
	fixtures_report_free(&rep);
	ck_assert_msg(strstr(err, "2 entries are already stored") &&
	    strstr(err, "localId bob in demo-project") &&
	    strstr(err, "localId erin in demo-project/tenant-a"), "%s", err);
	begin();
	ck_assert_int_eq(store_user_find(emu.store, PROJECT, "", "new1", &u),
	    STORE_NOT_FOUND);
	store_rollback(emu.store);
}
END_TEST

/* Count lines say "1 user" and "1 test number", "2 users". */
START_TEST(fixtures_counts_text_grammar)
{
	struct fixtures_counts c = { .users = 1, .enrollments = 2,
	    .test_numbers = 1 };
	char text[256];

	fixtures_counts_text(&c, text, sizeof(text));
	ck_assert_str_eq(text, "1 user, 2 enrollments, 1 test number");
	c = (struct fixtures_counts){ .users = 2, .enrollments = 1,
	    .credentials = 1, .test_numbers = 3, .skipped = 4, .replaced = 1 };
	fixtures_counts_text(&c, text, sizeof(text));
	ck_assert_str_eq(text, "2 users, 1 enrollment, 1 pending credential, "
	    "3 test numbers; 4 already stored, kept; 1 already stored, "
	    "replaced");
}
END_TEST

/* After a failed load the store takes a good one. */
START_TEST(fixtures_failure_leaves_store_usable)
{
	const char *paths[1];
	struct fixtures_counts c;

	paths[0] = write_doc(USERS("{\"localId\": \"u-ok\"}"));
	ck_assert_int_eq(load(paths, 1, &c), -1);
	load_demo(&c);
	ck_assert_uint_eq(c.users, 5);
	paths[0] = write_doc("{\"users\": [" U_OK "]}");
	ck_assert_msg(load(paths, 1, &c) == 0, "%s", err);
	ck_assert_uint_eq(c.users, 1);
}
END_TEST

static Suite *
fixtures_suite(void)
{
	Suite *s = suite_create("fixtures");
	TCase *tc = tcase_create("fixtures");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fixtures_demo_counts);
	tcase_add_test(tc, fixtures_demo_contents);
	tcase_add_test(tc, fixtures_demo_tenant_and_credentials);
	tcase_add_test(tc, fixtures_demo_password_hashed);
	tcase_add_test(tc, fixtures_load_twice_idempotent);
	tcase_add_test(tc, fixtures_duplicate_of_stored_user);
	tcase_add_test(tc, fixtures_no_files);
	tcase_add_test(tc, fixtures_project_defaults_to_config);
	tcase_add_loop_test(tc, fixtures_bad_document, 0, N(bad_docs));
	tcase_add_test(tc, fixtures_failure_leaves_store_usable);
	tcase_add_test(tc, fixtures_report_per_project_warns_other_project);
	tcase_add_test(tc, fixtures_replace_mode);
	tcase_add_test(tc, fixtures_fail_mode);
	tcase_add_test(tc, fixtures_counts_text_grammar);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fixtures_suite)
