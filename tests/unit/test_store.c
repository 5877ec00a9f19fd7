/*
 * The SQLite store: migrations, persistence across reopen, unique keys,
 * the at-most-once transitions (credential use, SMS consume, TOTP steps),
 * account deletion and pruning.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "store_schema.h"
#include "unit.h"

static struct store *st;
static char err[512];

static void
setup(void)
{
	err[0] = '\0';
	st = store_open(NULL, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_open: %s", err);
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
}

static void
begin(void)
{
	ck_assert_int_eq(store_begin(st), 0);
}

static void
commit(void)
{
	ck_assert_msg(store_commit(st) == 0, "commit: %s", store_errmsg(st));
}

/* A temporary file name; the file itself is removed, as are -wal/-shm. */
static void
temp_path(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/mfaemu-store-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
remove_db(const char *path)
{
	char side[300];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/*
 * The schema version a store is at. Read through the test hook: the store
 * has no other use for it, so it exports no function for it.
 */
static int
schema_version(struct store *x)
{
	sqlite3_stmt *s;
	int v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_test_db(x),
	    "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
user_insert(const char *project, const char *tenant, const char *local_id,
    const char *email, int64_t *id)
{
	struct store_user u;
	int r;

	memset(&u, 0, sizeof(u));
	snprintf(u.project_id, sizeof(u.project_id), "%s", project);
	snprintf(u.tenant_id, sizeof(u.tenant_id), "%s", tenant);
	snprintf(u.local_id, sizeof(u.local_id), "%s", local_id);
	snprintf(u.email, sizeof(u.email), "%s", email ? email : "");
	u.created_at = 1000;
	ck_assert_int_eq(store_realm_ensure(st, project, tenant), STORE_OK);
	r = store_user_insert(st, &u, NULL, 0, NULL, 0);
	if (r == STORE_OK && id != NULL)
		*id = u.id;
	return r;
}

static int64_t
add_user(const char *project, const char *tenant, const char *local_id)
{
	int64_t id = 0;

	ck_assert_int_eq(user_insert(project, tenant, local_id, NULL, &id),
	    STORE_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

static int
phone_insert(int64_t user, const char *enrollment_id, const char *phone,
    int64_t *id)
{
	struct store_enrollment e;
	int r;

	memset(&e, 0, sizeof(e));
	e.user_id = user;
	e.kind = STORE_FACTOR_PHONE;
	snprintf(e.enrollment_id, sizeof(e.enrollment_id), "%s",
	    enrollment_id);
	snprintf(e.phone_number, sizeof(e.phone_number), "%s", phone);
	snprintf(e.display_name, sizeof(e.display_name), "phone of %s",
	    enrollment_id);
	e.enrolled_at = 1767225600000LL;
	r = store_enrollment_insert(st, &e);
	if (r == STORE_OK && id != NULL)
		*id = e.id;
	return r;
}

static int64_t
add_phone(int64_t user, const char *enrollment_id, const char *phone)
{
	int64_t id = 0;

	ck_assert_int_eq(phone_insert(user, enrollment_id, phone, &id),
	    STORE_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

static void
add_credential(const char *credential, int64_t user, const char *project,
    const char *tenant, int64_t expires_at)
{
	struct store_credential c;

	memset(&c, 0, sizeof(c));
	snprintf(c.credential, sizeof(c.credential), "%s", credential);
	c.user_id = user;
	snprintf(c.project_id, sizeof(c.project_id), "%s", project);
	snprintf(c.tenant_id, sizeof(c.tenant_id), "%s", tenant);
	c.created_at = 1000;
	c.expires_at = expires_at;
	ck_assert_int_eq(store_credential_insert(st, &c), STORE_OK);
}

static void
add_sms(const char *session_info, const char *credential,
    int64_t enrollment, int64_t expires_at)
{
	struct store_sms_session s;

	memset(&s, 0, sizeof(s));
	snprintf(s.session_info, sizeof(s.session_info), "%s", session_info);
	snprintf(s.credential, sizeof(s.credential), "%s", credential);
	s.enrollment = enrollment;
	snprintf(s.phone_number, sizeof(s.phone_number), "+15555550101");
	snprintf(s.code, sizeof(s.code), "123456");
	s.created_at = 1000;
	s.expires_at = expires_at;
	ck_assert_int_eq(store_sms_insert(st, &s), STORE_OK);
}

static void
add_proof(const char *proof, int64_t expires_at)
{
	struct store_proof p;

	memset(&p, 0, sizeof(p));
	snprintf(p.proof, sizeof(p.proof), "%s", proof);
	snprintf(p.project_id, sizeof(p.project_id), "p-project");
	snprintf(p.phone_number, sizeof(p.phone_number), "+15555550100");
	p.expires_at = expires_at;
	ck_assert_int_eq(store_proof_insert(st, &p), STORE_OK);
}

START_TEST(store_open_memory_migrates)
{
	ck_assert_uint_ge(store_migrations_count, 1);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);
}
END_TEST

START_TEST(store_file_persists_across_reopen)
{
	static const uint8_t secret[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
	struct store *fst;
	struct store_user u;
	struct store_enrollment e;
	struct store_credential c;
	char path[64], *pem = NULL;
	int64_t uid;

	temp_path(path, sizeof(path));
	fst = store_open(path, err, sizeof(err));
	ck_assert_msg(fst != NULL, "store_open(%s): %s", path, err);
	ck_assert_int_eq(schema_version(fst),
	    (int)store_migrations_count);

	/* Fill it through the shared helpers, which use `st`. */
	store_close(st);
	st = fst;
	begin();
	ck_assert_int_eq(user_insert("p-project", "", "persist",
	    "persist@example.com", &uid), STORE_OK);
	memset(&e, 0, sizeof(e));
	e.user_id = uid;
	e.kind = STORE_FACTOR_TOTP;
	strcpy(e.enrollment_id, "persist-totp");
	memcpy(e.totp_secret, secret, sizeof(secret));
	e.totp_secret_len = sizeof(secret);
	e.totp_alg = TOTP_SHA256;
	e.totp_digits = 8;
	e.totp_period = 30;
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);
	add_credential("persist-cred", uid, "p-project", "", 99999);
	ck_assert_int_eq(store_credential_use(st, "persist-cred", 5000),
	    STORE_OK);
	ck_assert_int_eq(store_signing_key_put(st, "kid-1", "PEM-1", 10),
	    STORE_OK);
	commit();
	store_close(st);
	st = NULL;

	st = store_open(path, err, sizeof(err));
	ck_assert_msg(st != NULL, "reopen: %s", err);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);
	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "persist", &u),
	    STORE_OK);
	ck_assert_int_eq(u.id, uid);
	ck_assert_str_eq(u.email, "persist@example.com");
	ck_assert_int_eq(store_enrollment_get(st, uid, "persist-totp", &e),
	    STORE_OK);
	ck_assert_uint_eq(e.totp_secret_len, sizeof(secret));
	ck_assert_mem_eq(e.totp_secret, secret, sizeof(secret));
	ck_assert_int_eq(e.totp_alg, TOTP_SHA256);
	ck_assert_int_eq(store_credential_get(st, "persist-cred", &c),
	    STORE_OK);
	/* A used credential stays used after a restart. */
	ck_assert_int_eq(c.used_at, 5000);
	ck_assert_int_eq(store_credential_use(st, "persist-cred", 6000),
	    STORE_EXISTS);
	ck_assert_int_eq(store_signing_key_get(st, &pem), STORE_OK);
	ck_assert_str_eq(pem, "PEM-1");
	free(pem);
	store_rollback(st);
	remove_db(path);
}
END_TEST

START_TEST(store_open_rejects_non_database)
{
	char path[64], back[4096], text[4096];
	struct store *bad;
	int fd;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "this is not a database\n"[i % 23];
	temp_path(path, sizeof(path));
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
	close(fd);

	err[0] = '\0';
	bad = store_open(path, err, sizeof(err));
	ck_assert_ptr_null(bad);
	ck_assert_msg(strstr(err, path) != NULL, "'%s' does not name %s",
	    err, path);
	ck_assert_msg(strlen(err) > strlen(path) + 2, "no reason: '%s'", err);

	/* The user's file is left as it was. */
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	close(fd);
	ck_assert_mem_eq(back, text, sizeof(text));
	remove_db(path);
}
END_TEST

START_TEST(store_open_rejects_newer_schema)
{
	char path[64], sql[64];
	sqlite3 *db;
	struct store *bad;

	temp_path(path, sizeof(path));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
	    store_migrations_count + 1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	err[0] = '\0';
	bad = store_open(path, err, sizeof(err));
	ck_assert_ptr_null(bad);
	ck_assert_msg(strstr(err, "schema version") != NULL, "'%s'", err);
	remove_db(path);
}
END_TEST

START_TEST(store_open_rejects_missing_directory)
{
	err[0] = '\0';
	ck_assert_ptr_null(store_open("/nonexistent-mfaemu-dir/x.db", err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent-mfaemu-dir/x.db"));
}
END_TEST

START_TEST(store_user_insert_find_get)
{
	static const uint8_t salt[16] = { 1 }, hash[32] = { 2 };
	struct store_user u, got;

	begin();
	ck_assert_int_eq(store_realm_ensure(st, "p-project", "t1"), STORE_OK);
	memset(&u, 0, sizeof(u));
	strcpy(u.project_id, "p-project");
	strcpy(u.tenant_id, "t1");
	strcpy(u.local_id, "alice");
	strcpy(u.email, "alice@example.com");
	strcpy(u.display_name, "Alice");
	strcpy(u.phone_number, "+15555550101");
	u.email_verified = 1;
	u.disabled = 1;
	u.created_at = 1234;
	u.valid_since = 5678;
	ck_assert_int_eq(store_user_insert(st, &u, salt, sizeof(salt), hash,
	    sizeof(hash)), STORE_OK);
	ck_assert_int_gt(u.id, 0);

	ck_assert_int_eq(store_user_find(st, "p-project", "t1", "alice", &got),
	    STORE_OK);
	ck_assert_int_eq(got.id, u.id);
	ck_assert_str_eq(got.project_id, "p-project");
	ck_assert_str_eq(got.tenant_id, "t1");
	ck_assert_str_eq(got.local_id, "alice");
	ck_assert_str_eq(got.email, "alice@example.com");
	ck_assert_str_eq(got.display_name, "Alice");
	ck_assert_str_eq(got.phone_number, "+15555550101");
	ck_assert_int_eq(got.email_verified, 1);
	ck_assert_int_eq(got.disabled, 1);
	ck_assert_int_eq(got.created_at, 1234);
	ck_assert_int_eq(got.valid_since, 5678);

	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(store_user_get(st, u.id, &got), STORE_OK);
	ck_assert_str_eq(got.local_id, "alice");
	ck_assert_str_eq(got.tenant_id, "t1");

	/* Looked up in its realm only, and localIds are case-sensitive. */
	ck_assert_int_eq(store_user_find(st, "p-project", "", "alice", &got),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_find(st, "other-proj", "t1", "alice",
	    &got), STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_find(st, "p-project", "t1", "ALICE", &got),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_get(st, u.id + 1000, &got),
	    STORE_NOT_FOUND);
	commit();
}
END_TEST

START_TEST(store_user_optional_fields_empty)
{
	struct store_user got;
	int64_t id;

	begin();
	ck_assert_int_eq(user_insert("p-project", "", "bare", NULL, &id),
	    STORE_OK);
	memset(&got, 'x', sizeof(got));
	ck_assert_int_eq(store_user_get(st, id, &got), STORE_OK);
	ck_assert_str_eq(got.email, "");
	ck_assert_str_eq(got.display_name, "");
	ck_assert_str_eq(got.phone_number, "");
	ck_assert_int_eq(got.disabled, 0);
	commit();
}
END_TEST

START_TEST(store_user_duplicate_local_id)
{
	begin();
	add_user("p-project", "", "alice");
	ck_assert_int_eq(user_insert("p-project", "", "alice", NULL, NULL),
	    STORE_EXISTS);
	commit();
}
END_TEST

START_TEST(store_user_duplicate_email_case_insensitive)
{
	begin();
	ck_assert_int_eq(user_insert("p-project", "", "alice",
	    "alice@example.com", NULL), STORE_OK);
	ck_assert_int_eq(user_insert("p-project", "", "alice2",
	    "ALICE@Example.COM", NULL), STORE_EXISTS);
	ck_assert_int_eq(user_insert("p-project", "", "alice3",
	    "alice@example.com", NULL), STORE_EXISTS);
	/* Another realm has its own users. */
	ck_assert_int_eq(user_insert("p-project", "t1", "alice",
	    "alice@example.com", NULL), STORE_OK);
	ck_assert_int_eq(user_insert("q-project", "", "alice",
	    "Alice@example.com", NULL), STORE_OK);
	/* Users without an email never collide. */
	ck_assert_int_eq(user_insert("p-project", "", "noemail1", NULL, NULL),
	    STORE_OK);
	ck_assert_int_eq(user_insert("p-project", "", "noemail2", NULL, NULL),
	    STORE_OK);
	commit();
}
END_TEST

START_TEST(store_user_find_email_case_insensitive)
{
	struct store_user u;
	int64_t id;

	begin();
	ck_assert_int_eq(user_insert("p-project", "", "alice",
	    "Alice@Example.com", &id), STORE_OK);
	memset(&u, 0, sizeof(u));
	ck_assert_int_eq(store_user_find_email(st, "p-project", "",
	    "alice@example.COM", &u), STORE_OK);
	ck_assert_int_eq(u.id, id);
	ck_assert_str_eq(u.local_id, "alice");
	ck_assert_str_eq(u.email, "Alice@Example.com");
	ck_assert_int_eq(store_user_find_email(st, "p-project", "t1",
	    "alice@example.com", &u), STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_find_email(st, "p-project", "",
	    "bob@example.com", &u), STORE_NOT_FOUND);
	commit();
}
END_TEST

START_TEST(store_user_password_round_trip)
{
	static const uint8_t salt[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 0 };
	static const uint8_t hash[32] = { 0xde, 0xad, 0, 0xbe, 0xef, 31 };
	uint8_t gs[64], gh[64];
	size_t gsl = sizeof(gs), ghl = sizeof(gh);
	struct store_user u;
	int64_t bare;

	begin();
	ck_assert_int_eq(store_realm_ensure(st, "p-project", ""), STORE_OK);
	memset(&u, 0, sizeof(u));
	strcpy(u.project_id, "p-project");
	strcpy(u.local_id, "alice");
	ck_assert_int_eq(store_user_insert(st, &u, salt, sizeof(salt), hash,
	    sizeof(hash)), STORE_OK);
	ck_assert_int_eq(store_user_password(st, u.id, gs, &gsl, gh, &ghl),
	    STORE_OK);
	ck_assert_uint_eq(gsl, sizeof(salt));
	ck_assert_uint_eq(ghl, sizeof(hash));
	ck_assert_mem_eq(gs, salt, sizeof(salt));
	ck_assert_mem_eq(gh, hash, sizeof(hash));

	/* A user without a password has none, not an empty one. */
	bare = add_user("p-project", "", "bare");
	gsl = sizeof(gs);
	ghl = sizeof(gh);
	ck_assert_int_eq(store_user_password(st, bare, gs, &gsl, gh, &ghl),
	    STORE_NOT_FOUND);
	commit();
}
END_TEST

struct enr_seen {
	size_t n;
	size_t stop_after;	/* 0: never */
	char ids[8][STORE_ID_MAX + 1];
	enum store_factor kinds[8];
};

static int
collect_enrollment(const struct store_enrollment *e, void *arg)
{
	struct enr_seen *seen = arg;

	ck_assert_uint_lt(seen->n, 8);
	strcpy(seen->ids[seen->n], e->enrollment_id);
	seen->kinds[seen->n++] = e->kind;
	return seen->stop_after != 0 && seen->n >= seen->stop_after;
}

START_TEST(store_enrollment_list_in_order)
{
	struct store_enrollment e;
	struct enr_seen seen;
	int64_t alice, bob;

	begin();
	alice = add_user("p-project", "", "alice");
	bob = add_user("p-project", "", "bob");
	add_phone(alice, "z-first", "+15555550101");
	add_phone(bob, "bob-phone", "+15555550102");
	memset(&e, 0, sizeof(e));
	e.user_id = alice;
	e.kind = STORE_FACTOR_TOTP;
	strcpy(e.enrollment_id, "a-second");
	e.totp_secret_len = 20;
	e.totp_digits = 6;
	e.totp_period = 30;
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);
	add_phone(alice, "m-third", "+15555550103");

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_enrollment_list(st, alice, collect_enrollment,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_str_eq(seen.ids[0], "z-first");
	ck_assert_str_eq(seen.ids[1], "a-second");
	ck_assert_int_eq(seen.kinds[1], STORE_FACTOR_TOTP);
	ck_assert_str_eq(seen.ids[2], "m-third");

	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	ck_assert_int_eq(store_enrollment_list(st, alice, collect_enrollment,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 2);

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_enrollment_list(st, bob + 1000,
	    collect_enrollment, &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 0);
	commit();
}
END_TEST

START_TEST(store_user_same_local_id_other_tenant)
{
	struct store_user a, b;
	int64_t id1, id2, id3;

	begin();
	id1 = add_user("p-project", "", "alice");
	id2 = add_user("p-project", "tenant-a", "alice");
	id3 = add_user("q-project", "", "alice");
	ck_assert_int_ne(id1, id2);
	ck_assert_int_ne(id2, id3);
	ck_assert_int_eq(store_user_find(st, "p-project", "", "alice", &a),
	    STORE_OK);
	ck_assert_int_eq(store_user_find(st, "p-project", "tenant-a", "alice",
	    &b), STORE_OK);
	ck_assert_int_eq(a.id, id1);
	ck_assert_int_eq(b.id, id2);
	ck_assert_str_eq(b.tenant_id, "tenant-a");
	commit();
}
END_TEST

START_TEST(store_realm_and_test_phone)
{
	struct store_realm r;
	char code[STORE_CODE_MAX + 1];

	begin();
	ck_assert_int_eq(store_realm_get(st, "p-project", "", &r),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_realm_ensure(st, "p-project", ""), STORE_OK);
	ck_assert_int_eq(store_realm_get(st, "p-project", "", &r), STORE_OK);
	ck_assert_int_eq(r.mfa_phone, 1);
	ck_assert_int_eq(r.mfa_totp, 1);
	r.mfa_totp = 0;
	ck_assert_int_eq(store_realm_put(st, &r), STORE_OK);
	/* ensure keeps what is there. */
	ck_assert_int_eq(store_realm_ensure(st, "p-project", ""), STORE_OK);
	ck_assert_int_eq(store_realm_get(st, "p-project", "", &r), STORE_OK);
	ck_assert_int_eq(r.mfa_phone, 1);
	ck_assert_int_eq(r.mfa_totp, 0);

	ck_assert_int_eq(store_test_phone_put(st, "p-project", "",
	    "+15555550100", "123456"), STORE_OK);
	ck_assert_int_eq(store_test_phone_code(st, "p-project", "",
	    "+15555550100", code), STORE_OK);
	ck_assert_str_eq(code, "123456");
	ck_assert_int_eq(store_test_phone_put(st, "p-project", "",
	    "+15555550100", "654321"), STORE_OK);
	ck_assert_int_eq(store_test_phone_code(st, "p-project", "",
	    "+15555550100", code), STORE_OK);
	ck_assert_str_eq(code, "654321");
	ck_assert_int_eq(store_test_phone_code(st, "p-project", "",
	    "+15555550199", code), STORE_NOT_FOUND);
	commit();
}
END_TEST

START_TEST(store_enrollment_phone)
{
	struct store_enrollment e;
	int64_t alice, bob, enr;

	begin();
	alice = add_user("p-project", "", "alice");
	bob = add_user("p-project", "", "bob");
	enr = add_phone(alice, "alice-phone", "+15555550101");

	memset(&e, 'x', sizeof(e));
	ck_assert_int_eq(store_enrollment_get(st, alice, "alice-phone", &e),
	    STORE_OK);
	ck_assert_int_eq(e.id, enr);
	ck_assert_int_eq(e.user_id, alice);
	ck_assert_str_eq(e.enrollment_id, "alice-phone");
	ck_assert_int_eq(e.kind, STORE_FACTOR_PHONE);
	ck_assert_str_eq(e.phone_number, "+15555550101");
	ck_assert_str_eq(e.display_name, "phone of alice-phone");
	ck_assert_int_eq(e.enrolled_at, 1767225600000LL);

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(store_enrollment_by_rowid(st, enr, &e), STORE_OK);
	ck_assert_str_eq(e.enrollment_id, "alice-phone");
	ck_assert_int_eq(e.user_id, alice);

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(store_enrollment_find_phone(st, alice,
	    "+15555550101", &e), STORE_OK);
	ck_assert_int_eq(e.id, enr);

	/* Another user's enrollment is not this user's. */
	ck_assert_int_eq(store_enrollment_get(st, bob, "alice-phone", &e),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_enrollment_find_phone(st, bob, "+15555550101",
	    &e), STORE_NOT_FOUND);
	ck_assert_int_eq(store_enrollment_find_phone(st, alice,
	    "+15555550199", &e), STORE_NOT_FOUND);
	ck_assert_int_eq(store_enrollment_get(st, alice, "nope", &e),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_enrollment_by_rowid(st, enr + 1000, &e),
	    STORE_NOT_FOUND);

	/* Enrollment ids are unique per user only. */
	ck_assert_int_eq(phone_insert(alice, "alice-phone", "+15555550102",
	    NULL), STORE_EXISTS);
	add_phone(bob, "alice-phone", "+15555550102");
	commit();
}
END_TEST

static const struct {
	size_t len;
	enum totp_alg alg;
	int digits;
	int period;
} totp_cases[] = {
	{ 20, TOTP_SHA1, 6, 30 },
	{ 32, TOTP_SHA256, 8, 30 },
	{ TOTP_MAX_SECRET, TOTP_SHA512, 7, 60 },
	{ 10, TOTP_SHA1, 6, 15 },
};

START_TEST(store_enrollment_totp_round_trip)
{
	struct store_enrollment e, got;
	int64_t user;

	begin();
	user = add_user("p-project", "", "bob");
	memset(&e, 0, sizeof(e));
	e.user_id = user;
	e.kind = STORE_FACTOR_TOTP;
	strcpy(e.enrollment_id, "bob-totp");
	strcpy(e.display_name, "Authenticator");
	e.enrolled_at = 77;
	/* Zero bytes inside and at the end: a secret is a blob, not text. */
	for (size_t i = 0; i < totp_cases[_i].len; i++)
		e.totp_secret[i] = (uint8_t)(i * 37 % 256);
	e.totp_secret[totp_cases[_i].len - 1] = 0;
	e.totp_secret_len = totp_cases[_i].len;
	e.totp_alg = totp_cases[_i].alg;
	e.totp_digits = totp_cases[_i].digits;
	e.totp_period = totp_cases[_i].period;
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);

	memset(&got, 'x', sizeof(got));
	ck_assert_int_eq(store_enrollment_get(st, user, "bob-totp", &got),
	    STORE_OK);
	ck_assert_int_eq(got.id, e.id);
	ck_assert_int_eq(got.kind, STORE_FACTOR_TOTP);
	ck_assert_str_eq(got.display_name, "Authenticator");
	ck_assert_int_eq(got.enrolled_at, 77);
	ck_assert_uint_eq(got.totp_secret_len, totp_cases[_i].len);
	ck_assert_mem_eq(got.totp_secret, e.totp_secret, totp_cases[_i].len);
	ck_assert_int_eq(got.totp_alg, totp_cases[_i].alg);
	ck_assert_int_eq(got.totp_digits, totp_cases[_i].digits);
	ck_assert_int_eq(got.totp_period, totp_cases[_i].period);

	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(store_enrollment_by_rowid(st, e.id, &got), STORE_OK);
	ck_assert_mem_eq(got.totp_secret, e.totp_secret, totp_cases[_i].len);
	commit();
}
END_TEST

START_TEST(store_credential_use_once)
{
	struct store_credential c;
	int64_t user;

	begin();
	user = add_user("p-project", "t1", "alice");
	add_credential("cred-1", user, "p-project", "t1", 600000);

	memset(&c, 'x', sizeof(c));
	ck_assert_int_eq(store_credential_get(st, "cred-1", &c), STORE_OK);
	ck_assert_str_eq(c.credential, "cred-1");
	ck_assert_int_eq(c.user_id, user);
	ck_assert_str_eq(c.project_id, "p-project");
	ck_assert_str_eq(c.tenant_id, "t1");
	ck_assert_str_eq(c.sign_in_provider, "password");
	ck_assert_int_eq(c.created_at, 1000);
	ck_assert_int_eq(c.expires_at, 600000);
	ck_assert_int_eq(c.used_at, 0);
	ck_assert_int_eq(c.failed_attempts, 0);

	ck_assert_int_eq(store_credential_use(st, "cred-1", 5000), STORE_OK);
	ck_assert_int_eq(store_credential_use(st, "cred-1", 6000),
	    STORE_EXISTS);
	ck_assert_int_eq(store_credential_get(st, "cred-1", &c), STORE_OK);
	ck_assert_int_eq(c.used_at, 5000);

	ck_assert_int_eq(store_credential_get(st, "cred-2", &c),
	    STORE_NOT_FOUND);
	memset(&c, 0, sizeof(c));
	strcpy(c.credential, "cred-1");
	c.user_id = user;
	strcpy(c.project_id, "p-project");
	ck_assert_int_eq(store_credential_insert(st, &c), STORE_EXISTS);
	commit();
}
END_TEST

START_TEST(store_credential_fail_counts)
{
	struct store_credential c;
	int64_t user;

	begin();
	user = add_user("p-project", "", "alice");
	add_credential("cred-1", user, "p-project", "", 600000);
	add_credential("cred-2", user, "p-project", "", 600000);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(store_credential_fail(st, "cred-1"), STORE_OK);
	ck_assert_int_eq(store_credential_get(st, "cred-1", &c), STORE_OK);
	ck_assert_int_eq(c.failed_attempts, 3);
	ck_assert_int_eq(c.used_at, 0);
	ck_assert_int_eq(store_credential_get(st, "cred-2", &c), STORE_OK);
	ck_assert_int_eq(c.failed_attempts, 0);
	commit();
}
END_TEST

START_TEST(store_sms_session_lifecycle)
{
	struct store_sms_session s;
	int64_t user, enr;

	begin();
	user = add_user("p-project", "", "alice");
	enr = add_phone(user, "alice-phone", "+15555550101");
	add_credential("cred-1", user, "p-project", "", 600000);
	add_sms("session-1", "cred-1", enr, 300000);

	memset(&s, 'x', sizeof(s));
	ck_assert_int_eq(store_sms_get(st, "session-1", &s), STORE_OK);
	ck_assert_str_eq(s.session_info, "session-1");
	ck_assert_str_eq(s.credential, "cred-1");
	ck_assert_int_eq(s.enrollment, enr);
	ck_assert_str_eq(s.phone_number, "+15555550101");
	ck_assert_str_eq(s.code, "123456");
	ck_assert_int_eq(s.created_at, 1000);
	ck_assert_int_eq(s.expires_at, 300000);
	ck_assert_int_eq(s.attempts, 0);
	ck_assert_int_eq(s.consumed_at, 0);

	ck_assert_int_eq(store_sms_fail(st, "session-1"), STORE_OK);
	ck_assert_int_eq(store_sms_fail(st, "session-1"), STORE_OK);
	ck_assert_int_eq(store_sms_get(st, "session-1", &s), STORE_OK);
	ck_assert_int_eq(s.attempts, 2);

	ck_assert_int_eq(store_sms_consume(st, "session-1", 7000), STORE_OK);
	ck_assert_int_eq(store_sms_consume(st, "session-1", 8000),
	    STORE_EXISTS);
	ck_assert_int_eq(store_sms_get(st, "session-1", &s), STORE_OK);
	ck_assert_int_eq(s.consumed_at, 7000);

	ck_assert_int_eq(store_sms_get(st, "session-2", &s), STORE_NOT_FOUND);
	memset(&s, 0, sizeof(s));
	strcpy(s.session_info, "session-1");
	strcpy(s.credential, "cred-1");
	s.enrollment = enr;
	strcpy(s.phone_number, "+15555550101");
	strcpy(s.code, "000000");
	ck_assert_int_eq(store_sms_insert(st, &s), STORE_EXISTS);
	commit();
}
END_TEST

struct outbox_seen {
	size_t n;
	size_t stop_after;	/* 0: never */
	struct store_outbox_entry e[8];
};

/* Both kinds of enrollment session read back as they were written. */
START_TEST(store_enroll_session_round_trip)
{
	struct store_enroll_session x, got;
	int64_t user;

	begin();
	user = add_user("p-project", "", "enrolling");
	memset(&x, 0, sizeof(x));
	strcpy(x.session_info, "ens-phone");
	x.user_id = user;
	x.kind = STORE_FACTOR_PHONE;
	strcpy(x.phone_number, "+15555550123");
	strcpy(x.code, "654321");
	x.created_at = 10;
	x.expires_at = 20;
	ck_assert_int_eq(store_enroll_session_insert(st, &x), STORE_OK);
	strcpy(x.session_info, "ens-totp");
	x.kind = STORE_FACTOR_TOTP;
	x.phone_number[0] = x.code[0] = '\0';
	memset(x.totp_secret, 7, 20);
	x.totp_secret_len = 20;
	x.totp_alg = TOTP_SHA512;
	x.totp_digits = 8;
	x.totp_period = 60;
	ck_assert_int_eq(store_enroll_session_insert(st, &x), STORE_OK);

	ck_assert_int_eq(store_enroll_session_get(st, "ens-phone", &got),
	    STORE_OK);
	ck_assert_int_eq(got.kind, STORE_FACTOR_PHONE);
	ck_assert_int_eq(got.user_id, user);
	ck_assert_str_eq(got.phone_number, "+15555550123");
	ck_assert_str_eq(got.code, "654321");
	ck_assert_uint_eq(got.totp_secret_len, 0);
	ck_assert_int_eq(got.expires_at, 20);
	ck_assert_int_eq(store_enroll_session_get(st, "ens-totp", &got),
	    STORE_OK);
	ck_assert_int_eq(got.kind, STORE_FACTOR_TOTP);
	ck_assert_str_eq(got.phone_number, "");
	ck_assert_uint_eq(got.totp_secret_len, 20);
	ck_assert_mem_eq(got.totp_secret, x.totp_secret, 20);
	ck_assert_int_eq(got.totp_alg, TOTP_SHA512);
	ck_assert_int_eq(got.totp_digits, 8);
	ck_assert_int_eq(got.totp_period, 60);
	ck_assert_int_eq(got.created_at, 10);

	ck_assert_int_eq(store_enroll_session_fail(st, "ens-totp"), STORE_OK);
	ck_assert_int_eq(store_enroll_session_consume(st, "ens-totp", 15),
	    STORE_OK);
	ck_assert_int_eq(store_enroll_session_consume(st, "ens-totp", 16),
	    STORE_EXISTS);
	ck_assert_int_eq(store_enroll_session_get(st, "ens-totp", &got),
	    STORE_OK);
	ck_assert_int_eq(got.attempts, 1);
	ck_assert_int_eq(got.consumed_at, 15);
	ck_assert_int_eq(store_enroll_session_get(st, "ens-none", &got),
	    STORE_NOT_FOUND);
	commit();
}
END_TEST

/*
 * The router's fault rules match on the phone of the enrollment a sign-in
 * names; the store resolves it, in a transaction of its own.
 */
START_TEST(store_fault_phone_resolves_the_enrollment)
{
	struct store_enrollment e;
	char phone[32];
	int64_t user;

	begin();
	user = add_user("p-project", "", "faulty");
	add_phone(user, "faulty-phone", "+15555550177");
	memset(&e, 0, sizeof(e));
	e.user_id = user;
	e.kind = STORE_FACTOR_TOTP;
	strcpy(e.enrollment_id, "faulty-totp");
	memset(e.totp_secret, 1, 20);
	e.totp_secret_len = 20;
	e.totp_digits = 6;
	e.totp_period = 30;
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);
	add_credential("faulty-cred", user, "p-project", "", 600000);
	commit();

	ck_assert_int_eq(store_fault_phone(st, "faulty-cred", "faulty-phone",
	    phone, sizeof(phone)), STORE_OK);
	ck_assert_str_eq(phone, "+15555550177");
	ck_assert_int_eq(store_fault_phone(st, "faulty-cred", "faulty-totp",
	    phone, sizeof(phone)), STORE_NOT_FOUND);
	ck_assert_str_eq(phone, "");
	ck_assert_int_eq(store_fault_phone(st, "no-cred", "faulty-phone",
	    phone, sizeof(phone)), STORE_NOT_FOUND);
	ck_assert_str_eq(phone, "");
	ck_assert_int_eq(store_fault_phone(st, "faulty-cred", "no-enrollment",
	    phone, sizeof(phone)), STORE_NOT_FOUND);
	/* It released the store: a transaction can begin. */
	begin();
	commit();
}
END_TEST

static int
collect(const struct store_outbox_entry *e, void *arg)
{
	struct outbox_seen *seen = arg;

	ck_assert_uint_lt(seen->n, 8);
	seen->e[seen->n++] = *e;
	return seen->stop_after != 0 && seen->n >= seen->stop_after;
}

START_TEST(store_outbox_order_and_realm)
{
	struct outbox_seen seen;

	begin();
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550102",
	    "222222", "s2", 300, 300300), STORE_OK);
	ck_assert_int_eq(store_outbox_add(st, "p-project", "t1",
	    "+15555550109", "999999", "s9", 100, 300100), STORE_OK);
	/* Order is insertion order even when created_at is not. */
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550101",
	    "111111", "s1", 200, 300200), STORE_OK);
	ck_assert_int_eq(store_outbox_add(st, "q-project", "", "+15555550108",
	    "888888", "s8", 400, 300400), STORE_OK);
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550103",
	    "333333", "s3", 500, 300500), STORE_OK);

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_outbox_list(st, "p-project", "", collect,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_str_eq(seen.e[0].session_info, "s2");
	ck_assert_str_eq(seen.e[0].phone_number, "+15555550102");
	ck_assert_str_eq(seen.e[0].code, "222222");
	ck_assert_int_eq(seen.e[0].created_at, 300);
	ck_assert_str_eq(seen.e[1].session_info, "s1");
	ck_assert_str_eq(seen.e[2].session_info, "s3");
	ck_assert_int_lt(seen.e[0].id, seen.e[1].id);
	ck_assert_int_lt(seen.e[1].id, seen.e[2].id);

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_outbox_list(st, "p-project", "t1", collect,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_str_eq(seen.e[0].code, "999999");

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_outbox_list(st, "z-project", "", collect,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 0);

	/* A non-zero return stops the listing. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	ck_assert_int_eq(store_outbox_list(st, "p-project", "", collect,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 1);

	/* And the statement is usable again afterwards. */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_outbox_list(st, "p-project", "", collect,
	    &seen), STORE_OK);
	ck_assert_uint_eq(seen.n, 3);
	commit();
}
END_TEST

START_TEST(store_totp_step_used_once)
{
	int64_t user, enr1, enr2;
	struct store_enrollment e;

	begin();
	user = add_user("p-project", "", "bob");
	memset(&e, 0, sizeof(e));
	e.user_id = user;
	e.kind = STORE_FACTOR_TOTP;
	e.totp_secret_len = 20;
	e.totp_digits = 6;
	e.totp_period = 30;
	strcpy(e.enrollment_id, "totp-1");
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);
	enr1 = e.id;
	strcpy(e.enrollment_id, "totp-2");
	ck_assert_int_eq(store_enrollment_insert(st, &e), STORE_OK);
	enr2 = e.id;

	ck_assert_int_eq(store_totp_use_step(st, enr1, 58925000, 1000,
	    3600000), STORE_OK);
	ck_assert_int_eq(store_totp_use_step(st, enr1, 58925000, 2000,
	    3600000), STORE_EXISTS);
	ck_assert_int_eq(store_totp_use_step(st, enr1, 58925001, 2000,
	    3600000), STORE_OK);
	ck_assert_int_eq(store_totp_use_step(st, enr2, 58925000, 2000,
	    3600000), STORE_OK);
	commit();

	/* Still used in a later transaction. */
	begin();
	ck_assert_int_eq(store_totp_use_step(st, enr1, 58925000, 3000,
	    3600000), STORE_EXISTS);
	commit();
}
END_TEST

START_TEST(store_proof_insert_get)
{
	struct store_proof p;

	begin();
	add_proof("proof-1", 123456);
	memset(&p, 'x', sizeof(p));
	ck_assert_int_eq(store_proof_get(st, "proof-1", &p), STORE_OK);
	ck_assert_str_eq(p.proof, "proof-1");
	ck_assert_str_eq(p.project_id, "p-project");
	ck_assert_str_eq(p.tenant_id, "");
	ck_assert_str_eq(p.phone_number, "+15555550100");
	ck_assert_int_eq(p.expires_at, 123456);
	ck_assert_int_eq(store_proof_get(st, "proof-2", &p), STORE_NOT_FOUND);
	memset(&p, 0, sizeof(p));
	strcpy(p.proof, "proof-1");
	strcpy(p.project_id, "p-project");
	strcpy(p.phone_number, "+15555550100");
	ck_assert_int_eq(store_proof_insert(st, &p), STORE_EXISTS);
	commit();
}
END_TEST

START_TEST(store_refresh_round_trip)
{
	struct store_refresh r, got;

	begin();
	memset(&r, 0, sizeof(r));
	strcpy(r.token, "refresh-1");
	r.user_id = add_user("p-project", "", "alice");
	strcpy(r.sign_in_provider, "password");
	strcpy(r.second_factor, "phone");
	strcpy(r.enrollment_id, "alice-phone");
	r.auth_time = 1767225600;
	r.created_at = 1000;
	ck_assert_int_eq(store_refresh_insert(st, &r), STORE_OK);
	ck_assert_int_eq(store_refresh_insert(st, &r), STORE_EXISTS);

	memset(&got, 'x', sizeof(got));
	ck_assert_int_eq(store_refresh_get(st, "refresh-1", &got), STORE_OK);
	ck_assert_str_eq(got.token, "refresh-1");
	ck_assert_int_eq(got.user_id, r.user_id);
	ck_assert_str_eq(got.sign_in_provider, "password");
	ck_assert_str_eq(got.second_factor, "phone");
	ck_assert_str_eq(got.enrollment_id, "alice-phone");
	ck_assert_int_eq(got.auth_time, 1767225600);
	ck_assert_int_eq(got.created_at, 1000);

	/* A first-factor-only token has no second factor. */
	strcpy(r.token, "refresh-2");
	r.second_factor[0] = '\0';
	r.enrollment_id[0] = '\0';
	ck_assert_int_eq(store_refresh_insert(st, &r), STORE_OK);
	ck_assert_int_eq(store_refresh_get(st, "refresh-2", &got), STORE_OK);
	ck_assert_str_eq(got.second_factor, "");
	ck_assert_str_eq(got.enrollment_id, "");
	ck_assert_int_eq(store_refresh_get(st, "refresh-3", &got),
	    STORE_NOT_FOUND);
	commit();
}
END_TEST

START_TEST(store_signing_key_newest)
{
	char *pem = NULL;

	begin();
	ck_assert_int_eq(store_signing_key_get(st, &pem), STORE_NOT_FOUND);
	ck_assert_int_eq(store_signing_key_put(st, "kid-1", "PEM-1", 100),
	    STORE_OK);
	ck_assert_int_eq(store_signing_key_get(st, &pem), STORE_OK);
	ck_assert_str_eq(pem, "PEM-1");
	free(pem);
	ck_assert_int_eq(store_signing_key_put(st, "kid-2", "PEM-2", 200),
	    STORE_OK);
	ck_assert_int_eq(store_signing_key_get(st, &pem), STORE_OK);
	ck_assert_str_eq(pem, "PEM-2");
	free(pem);
	/* An older key put later does not win. */
	ck_assert_int_eq(store_signing_key_put(st, "kid-0", "PEM-0", 50),
	    STORE_OK);
	ck_assert_int_eq(store_signing_key_get(st, &pem), STORE_OK);
	ck_assert_str_eq(pem, "PEM-2");
	free(pem);
	commit();
}
END_TEST

/* The users and everything hanging off them, for the deletion tests. */
struct account {
	int64_t user, enrollment;
	char credential[32], session[32];
};

static void
add_account(struct account *a, const char *project, const char *tenant,
    const char *local_id)
{
	struct store_refresh r;

	a->user = add_user(project, tenant, local_id);
	a->enrollment = add_phone(a->user, "phone", "+15555550101");
	snprintf(a->credential, sizeof(a->credential), "cred-%s-%s-%s",
	    project, tenant, local_id);
	snprintf(a->session, sizeof(a->session), "sess-%s-%s-%s", project,
	    tenant, local_id);
	add_credential(a->credential, a->user, project, tenant, 600000);
	add_sms(a->session, a->credential, a->enrollment, 300000);
	ck_assert_int_eq(store_totp_use_step(st, a->enrollment, 1, 1000,
	    3600000), STORE_OK);
	memset(&r, 0, sizeof(r));
	snprintf(r.token, sizeof(r.token), "rt-%s", a->credential);
	r.user_id = a->user;
	strcpy(r.sign_in_provider, "password");
	ck_assert_int_eq(store_refresh_insert(st, &r), STORE_OK);
	ck_assert_int_eq(store_outbox_add(st, project, tenant, "+15555550101",
	    "123456", a->session, 1000, 300000), STORE_OK);
}

static int
account_gone(const struct account *a)
{
	struct store_user u;
	struct store_enrollment e;
	struct store_credential c;
	struct store_sms_session s;
	struct store_refresh r;
	char token[64];
	int gone = store_user_get(st, a->user, &u) == STORE_NOT_FOUND;

	snprintf(token, sizeof(token), "rt-%s", a->credential);
	ck_assert_int_eq(store_refresh_get(st, token, &r),
	    gone ? STORE_NOT_FOUND : STORE_OK);

	ck_assert_int_eq(store_enrollment_by_rowid(st, a->enrollment, &e),
	    gone ? STORE_NOT_FOUND : STORE_OK);
	ck_assert_int_eq(store_credential_get(st, a->credential, &c),
	    gone ? STORE_NOT_FOUND : STORE_OK);
	ck_assert_int_eq(store_sms_get(st, a->session, &s),
	    gone ? STORE_NOT_FOUND : STORE_OK);
	return gone;
}

static size_t
outbox_count(const char *project, const char *tenant)
{
	struct outbox_seen seen;

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_outbox_list(st, project, tenant, collect,
	    &seen), STORE_OK);
	return seen.n;
}

START_TEST(store_delete_accounts_cascades_in_realm)
{
	struct account p_a, p_b, p_t, q_a;
	char code[STORE_CODE_MAX + 1];

	begin();
	add_account(&p_a, "p-project", "", "a");
	add_account(&p_b, "p-project", "", "b");
	add_account(&p_t, "p-project", "t1", "a");
	add_account(&q_a, "q-project", "", "a");
	ck_assert_int_eq(store_test_phone_put(st, "p-project", "",
	    "+15555550100", "123456"), STORE_OK);
	commit();

	begin();
	ck_assert_int_eq(store_delete_accounts(st, "p-project", ""),
	    STORE_OK);
	commit();

	begin();
	ck_assert(account_gone(&p_a));
	ck_assert(account_gone(&p_b));
	ck_assert(!account_gone(&p_t));
	ck_assert(!account_gone(&q_a));
	ck_assert_uint_eq(outbox_count("p-project", ""), 0);
	ck_assert_uint_eq(outbox_count("p-project", "t1"), 1);
	ck_assert_uint_eq(outbox_count("q-project", ""), 1);
	/* The realm's configuration is not an account. */
	ck_assert_int_eq(store_test_phone_code(st, "p-project", "",
	    "+15555550100", code), STORE_OK);
	/* Other projects keep what hangs off their users. */
	ck_assert_int_eq(store_totp_use_step(st, q_a.enrollment, 1, 2000,
	    3600000), STORE_EXISTS);
	commit();

	/* tenant NULL: the whole project, tenants included. */
	begin();
	ck_assert_int_eq(store_delete_accounts(st, "p-project", NULL),
	    STORE_OK);
	ck_assert(account_gone(&p_t));
	ck_assert(!account_gone(&q_a));
	ck_assert_uint_eq(outbox_count("p-project", "t1"), 0);
	ck_assert_uint_eq(outbox_count("q-project", ""), 1);
	commit();

	/* The same localIds can be created again. */
	begin();
	add_user("p-project", "", "a");
	add_user("p-project", "t1", "a");
	commit();
}
END_TEST

START_TEST(store_prune_removes_expired_only)
{
	const int64_t now = 10000000, hour = 3600 * 1000;
	bool more;
	struct store_credential c;
	struct store_sms_session s;
	struct store_proof p;
	int64_t user, enr;

	begin();
	user = add_user("p-project", "", "alice");
	enr = add_phone(user, "alice-phone", "+15555550101");
	add_credential("cred-live", user, "p-project", "", now + 1000);
	add_credential("cred-edge", user, "p-project", "", now);
	add_credential("cred-dead", user, "p-project", "", now - 1);
	add_sms("sms-live", "cred-live", enr, now + 1);
	add_sms("sms-dead", "cred-live", enr, now - 1);
	/* Rows go on their own expiry, whatever their age. */
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550101",
	    "111111", "old", now - 2, now - 1), STORE_OK);
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550101",
	    "222222", "new", now - 2 * hour, now), STORE_OK);
	ck_assert_int_eq(store_totp_use_step(st, enr, 1, now - 2, now - 1),
	    STORE_OK);
	ck_assert_int_eq(store_totp_use_step(st, enr, 2, now - 2 * hour,
	    now), STORE_OK);
	add_proof("proof-dead", now - 1);
	add_proof("proof-live", now + 1);
	commit();

	begin();
	ck_assert_int_eq(store_prune(st, now, 0, 1000, &more), 5);
	ck_assert(!more);
	commit();

	begin();
	ck_assert_int_eq(store_credential_get(st, "cred-live", &c), STORE_OK);
	ck_assert_int_eq(store_credential_get(st, "cred-edge", &c), STORE_OK);
	ck_assert_int_eq(store_credential_get(st, "cred-dead", &c),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_sms_get(st, "sms-live", &s), STORE_OK);
	ck_assert_int_eq(store_sms_get(st, "sms-dead", &s), STORE_NOT_FOUND);
	ck_assert_uint_eq(outbox_count("p-project", ""), 1);
	ck_assert_int_eq(store_totp_use_step(st, enr, 1, now, now + hour),
	    STORE_OK);
	ck_assert_int_eq(store_totp_use_step(st, enr, 2, now, now + hour),
	    STORE_EXISTS);
	ck_assert_int_eq(store_proof_get(st, "proof-live", &p), STORE_OK);
	ck_assert_int_eq(store_proof_get(st, "proof-dead", &p),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_get(st, user, &(struct store_user){ 0 }),
	    STORE_OK);
	/* Nothing left to prune. */
	ck_assert_int_eq(store_prune(st, now, 0, 1000, &more), 0);
	commit();
}
END_TEST

/* A batch removes at most `batch` rows of each kind and says if more wait. */
START_TEST(store_prune_batches)
{
	const int64_t now = 10000000;
	char name[32];
	bool more;
	int64_t user, enr;

	begin();
	user = add_user("p-project", "", "alice");
	enr = add_phone(user, "alice-phone", "+15555550101");
	add_credential("cred", user, "p-project", "", now + 1000);
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "sms-%d", i);
		add_sms(name, "cred", enr, now - 1 - i);
		ck_assert_int_eq(store_outbox_add(st, "p-project", "",
		    "+15555550101", "111111", name, 1000, now - 1 - i),
		    STORE_OK);
	}
	add_sms("sms-live", "cred", enr, now + 1);
	commit();

	begin();
	ck_assert_int_eq(store_prune(st, now, 0, 3, &more), 6);
	ck_assert(more);
	ck_assert_uint_eq(outbox_count("p-project", ""), 4);
	ck_assert_int_eq(store_prune(st, now, 0, 3, &more), 6);
	ck_assert(more);
	ck_assert_int_eq(store_prune(st, now, 0, 3, &more), 2);
	ck_assert(!more);
	ck_assert_uint_eq(outbox_count("p-project", ""), 0);
	ck_assert_int_eq(store_sms_get(st, "sms-live",
	    &(struct store_sms_session){ 0 }), STORE_OK);
	ck_assert_int_eq(store_sms_get(st, "sms-0",
	    &(struct store_sms_session){ 0 }), STORE_NOT_FOUND);
	commit();
}
END_TEST

START_TEST(store_prune_keeps_grace)
{
	const int64_t now = 10000000;
	bool more;
	struct store_credential c;
	struct store_sms_session s;
	int64_t user, enr;

	begin();
	user = add_user("p-project", "", "alice");
	enr = add_phone(user, "alice-phone", "+15555550101");
	add_credential("cred", user, "p-project", "", now - 5000);
	add_sms("sms", "cred", enr, now - 5000);
	/* Its outbox entry goes with the session. */
	ck_assert_int_eq(store_outbox_add(st, "p-project", "", "+15555550101",
	    "123456", "sms", 1000, now - 5000), STORE_OK);
	ck_assert_int_eq(store_prune(st, now, 10000, 1000, &more), 0);
	ck_assert_int_eq(store_credential_get(st, "cred", &c), STORE_OK);
	ck_assert_int_eq(store_sms_get(st, "sms", &s), STORE_OK);
	ck_assert_uint_eq(outbox_count("p-project", ""), 1);
	ck_assert_int_eq(store_prune(st, now, 1000, 1000, &more), 3);
	ck_assert_int_eq(store_credential_get(st, "cred", &c),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_sms_get(st, "sms", &s), STORE_NOT_FOUND);
	ck_assert_uint_eq(outbox_count("p-project", ""), 0);
	commit();
}
END_TEST

/*
 * Migration 007 gives the rows an older store holds their expiry: an
 * outbox entry its session's (else its send time), a used TOTP step the
 * end of the widest window at its enrollment's period, never less than
 * the hour it was kept before.
 */
START_TEST(store_migration_007_sets_row_expiry)
{
	const int64_t hour = 3600 * 1000;
	const int64_t totp_end = (100 + 11) * 300 * 1000;
	char path[64], *msg = NULL;
	sqlite3 *db;
	bool more;

	temp_path(path, sizeof(path));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql,
		    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, "PRAGMA user_version = 6;"
	    "INSERT INTO tenants (project_id) VALUES ('p-project');"
	    "INSERT INTO users (id, project_id, local_id, created_at) "
	    "VALUES (1, 'p-project', 'alice', 0);"
	    "INSERT INTO mfa_enrollments (id, user_id, enrollment_id, kind, "
	    "enrolled_at, totp_secret, totp_digits, totp_period) "
	    "VALUES (1, 1, 'alice-totp', 'totp', 0, x'00', 6, 300);"
	    "INSERT INTO pending_credentials (credential, user_id, "
	    "project_id, created_at, expires_at) "
	    "VALUES ('cred', 1, 'p-project', 0, 100000000);"
	    "INSERT INTO sms_sessions (session_info, credential, enrollment, "
	    "phone_number, code, created_at, expires_at) "
	    "VALUES ('sess', 'cred', 1, '+15555550101', '123456', 0, "
	    "10800000);"
	    "INSERT INTO sms_outbox (project_id, phone_number, code, "
	    "session_info, created_at) VALUES "
	    "('p-project', '+15555550101', '123456', 'sess', 0), "
	    "('p-project', '+15555550101', '654321', 'gone', 0);"
	    "INSERT INTO totp_used_steps VALUES (1, 100, 0);",
	    NULL, NULL, &msg) == SQLITE_OK, "v6 rows: %s", msg);
	sqlite3_close(db);

	store_close(st);
	st = store_open(path, err, sizeof(err));
	ck_assert_msg(st != NULL, "migrating: %s", err);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);

	begin();
	/* Two hours on: only the entry without a session has expired. */
	ck_assert_int_eq(store_prune(st, 2 * hour, 300000, 1000, &more), 1);
	ck_assert_uint_eq(outbox_count("p-project", ""), 1);
	ck_assert_int_eq(store_totp_use_step(st, 1, 100, 2 * hour, 0),
	    STORE_EXISTS);
	/* Past the session's expiry and grace: it goes with its entry. */
	ck_assert_int_eq(store_prune(st, totp_end - 1, 300000, 1000, &more),
	    2);
	ck_assert_uint_eq(outbox_count("p-project", ""), 0);
	ck_assert_int_eq(store_totp_use_step(st, 1, 100, totp_end - 1, 0),
	    STORE_EXISTS);
	ck_assert_int_eq(store_prune(st, totp_end + 1, 300000, 1000, &more),
	    1);
	ck_assert_int_eq(store_totp_use_step(st, 1, 100, totp_end + 1, 0),
	    STORE_OK);
	store_rollback(st);
	remove_db(path);
}
END_TEST

/*
 * Migration 008 drops users.custom_attributes, which nothing read or
 * wrote then; the users of an older store, and what hangs off them, stay.
 * 013 adds the column back for the Admin API's customAttributes: what
 * 004-007 held in it does not come back.
 */
START_TEST(store_migration_008_drops_custom_attributes)
{
	char path[64], *msg = NULL;
	struct store_user u;
	struct store_enrollment e;
	sqlite3 *db;

	temp_path(path, sizeof(path));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql,
		    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, "PRAGMA user_version = 7;"
	    "INSERT INTO tenants (project_id) VALUES ('p-project');"
	    "INSERT INTO users (id, project_id, local_id, email, created_at, "
	    "custom_attributes) VALUES (1, 'p-project', 'alice', "
	    "'alice@example.com', 0, '{\"role\":\"admin\"}');"
	    "INSERT INTO mfa_enrollments (id, user_id, enrollment_id, kind, "
	    "enrolled_at, phone_number) "
	    "VALUES (1, 1, 'alice-phone', 'phone', 0, '+15555550101');",
	    NULL, NULL, &msg) == SQLITE_OK, "v7 rows: %s", msg);
	sqlite3_close(db);

	store_close(st);
	st = store_open(path, err, sizeof(err));
	ck_assert_msg(st != NULL, "migrating: %s", err);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "alice", &u),
	    STORE_OK);
	ck_assert_str_eq(u.email, "alice@example.com");
	ck_assert_str_eq(u.custom_attributes, "");
	ck_assert_int_eq(store_enrollment_get(st, u.id, "alice-phone", &e),
	    STORE_OK);
	ck_assert_str_eq(e.phone_number, "+15555550101");
	store_rollback(st);
	remove_db(path);
}
END_TEST

/*
 * Migrations 009-012 (account state, oob codes, project numbers, token
 * algorithms) on a version-8 store holding data: nothing is lost, and
 * what they add starts at its documented default.
 */
START_TEST(store_migrations_009_to_012_keep_data)
{
	char path[64], *msg = NULL;
	struct store_user u;
	struct store_enrollment e;
	struct store_realm r;
	sqlite3 *db;

	temp_path(path, sizeof(path));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < 8; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql,
		    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, "PRAGMA user_version = 8;"
	    "INSERT INTO tenants (project_id, mfa_totp) "
	    "VALUES ('p-project', 0);"
	    "INSERT INTO users (id, project_id, local_id, email, created_at) "
	    "VALUES (1, 'p-project', 'alice', 'alice@example.com', 1234);"
	    "INSERT INTO mfa_enrollments (id, user_id, enrollment_id, kind, "
	    "enrolled_at, phone_number) "
	    "VALUES (1, 1, 'alice-phone', 'phone', 0, '+15555550101');",
	    NULL, NULL, &msg) == SQLITE_OK, "v8 rows: %s", msg);
	sqlite3_close(db);

	store_close(st);
	st = store_open(path, err, sizeof(err));
	ck_assert_msg(st != NULL, "migrating: %s", err);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "alice", &u),
	    STORE_OK);
	ck_assert_str_eq(u.email, "alice@example.com");
	/* 009: a stored user was last seen when created. */
	ck_assert_int_eq(u.last_login_at, 1234);
	ck_assert_int_eq(store_enrollment_get(st, u.id, "alice-phone", &e),
	    STORE_OK);
	ck_assert_str_eq(e.phone_number, "+15555550101");
	ck_assert_int_eq(store_realm_get(st, "p-project", "", &r), STORE_OK);
	ck_assert_int_eq(r.mfa_totp, 0);
	/* 010-012: privacy off, no number or algorithm of its own. */
	ck_assert_int_eq(r.email_privacy, 0);
	ck_assert_int_eq(r.allow_duplicate_emails, 0);
	ck_assert_str_eq(r.project_number, "");
	ck_assert_str_eq(r.id_token_alg, "");
	store_rollback(st);
	remove_db(path);
}
END_TEST

/*
 * Migration 013 (customAttributes) on a version-12 store holding a user:
 * the user keeps its fields, starts without custom attributes, and can
 * be given some.
 */
START_TEST(store_migration_013_adds_custom_attributes)
{
	char path[64], *msg = NULL;
	struct store_user u;
	sqlite3 *db;

	temp_path(path, sizeof(path));
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < 12; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql,
		    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, "PRAGMA user_version = 12;"
	    "INSERT INTO tenants (project_id) VALUES ('p-project');"
	    "INSERT INTO users (id, project_id, local_id, email, "
	    "display_name, created_at, last_login_at) VALUES (1, "
	    "'p-project', 'alice', 'alice@example.com', 'Alice', 1234, "
	    "5678);", NULL, NULL, &msg) == SQLITE_OK, "v12 rows: %s", msg);
	sqlite3_close(db);

	store_close(st);
	st = store_open(path, err, sizeof(err));
	ck_assert_msg(st != NULL, "migrating: %s", err);
	ck_assert_int_eq(schema_version(st), (int)store_migrations_count);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "alice", &u),
	    STORE_OK);
	ck_assert_str_eq(u.email, "alice@example.com");
	ck_assert_str_eq(u.display_name, "Alice");
	ck_assert_int_eq(u.created_at, 1234);
	ck_assert_int_eq(u.last_login_at, 5678);
	ck_assert_str_eq(u.custom_attributes, "");
	strcpy(u.custom_attributes, "{\"role\":\"admin\"}");
	ck_assert_int_eq(store_user_update(st, &u), STORE_OK);
	ck_assert_int_eq(store_user_get(st, u.id, &u), STORE_OK);
	ck_assert_str_eq(u.custom_attributes, "{\"role\":\"admin\"}");
	u.custom_attributes[0] = '\0';
	ck_assert_int_eq(store_user_update(st, &u), STORE_OK);
	ck_assert_int_eq(store_user_get(st, u.id, &u), STORE_OK);
	ck_assert_str_eq(u.custom_attributes, "");
	store_rollback(st);
	remove_db(path);
}
END_TEST

START_TEST(store_rollback_discards)
{
	struct store_user u;
	struct store_credential c;
	int64_t user;

	begin();
	user = add_user("p-project", "", "kept");
	commit();

	begin();
	add_user("p-project", "", "discarded");
	add_credential("cred-discarded", user, "p-project", "", 600000);
	ck_assert_int_eq(store_signing_key_put(st, "kid", "PEM", 1),
	    STORE_OK);
	store_rollback(st);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "discarded", &u),
	    STORE_NOT_FOUND);
	ck_assert_int_eq(store_credential_get(st, "cred-discarded", &c),
	    STORE_NOT_FOUND);
	{
		char *pem = NULL;

		ck_assert_int_eq(store_signing_key_get(st, &pem),
		    STORE_NOT_FOUND);
	}
	ck_assert_int_eq(store_user_find(st, "p-project", "", "kept", &u),
	    STORE_OK);
	commit();
}
END_TEST

/*
 * SQLite failures that the store once ignored. A failed bind leaves its
 * parameter NULL: going on would insert a row without the email, or look
 * up NULL and answer "not found". The test lowers SQLite's length limit
 * (through the test hook) so that binding a long value fails for real.
 */
START_TEST(store_bind_failure_fails_the_call)
{
	sqlite3 *db = store_test_db(st);
	char email[160];
	struct store_user u;
	int limit, r;

	memset(email, 'e', sizeof(email) - 1);
	email[sizeof(email) - 1] = '\0';
	begin();
	ck_assert_int_eq(store_realm_ensure(st, "p-project", ""), STORE_OK);
	limit = sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 100);
	r = user_insert("p-project", "", "long-email", email, NULL);
	ck_assert_int_eq(r, STORE_ERROR);
	ck_assert_msg(strstr(store_errmsg(st), "too big") != NULL, "%s",
	    store_errmsg(st));
	/* A query and a listing report it too, instead of matching NULL. */
	ck_assert_int_eq(store_user_find_email(st, "p-project", "", email, &u),
	    STORE_ERROR);
	ck_assert_int_eq(store_outbox_list(st, email, "", NULL, NULL),
	    STORE_ERROR);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, limit);
	/* The failure was reported once; the statements work again. */
	ck_assert_int_eq(store_user_find(st, "p-project", "", "long-email", &u),
	    STORE_NOT_FOUND);
	add_user("p-project", "", "after");
	commit();
}
END_TEST

/* An authorizer that refuses one kind of statement: a failure on demand. */
static int
deny_statement(void *what, int action, const char *a1, const char *a2,
    const char *db, const char *trigger)
{
	const char *verb = what;

	(void)a2;
	(void)db;
	(void)trigger;
	if ((action == SQLITE_SAVEPOINT || action == SQLITE_TRANSACTION) &&
	    a1 != NULL && strcmp(a1, verb) == 0)
		return SQLITE_DENY;
	return SQLITE_OK;
}

/*
 * A batch item is undone with ROLLBACK TO; when that fails the item is
 * half applied, and nothing of the transaction may be committed.
 */
START_TEST(store_savepoint_rollback_failure_abandons_the_transaction)
{
	sqlite3 *db = store_test_db(st);
	struct store_user u;

	begin();
	add_user("p-project", "", "earlier-item");
	ck_assert_int_eq(store_savepoint(st), STORE_OK);
	add_user("p-project", "", "half-applied");
	sqlite3_set_authorizer(db, deny_statement, "ROLLBACK");
	ck_assert_int_eq(store_savepoint_rollback(st), STORE_ERROR);
	ck_assert_msg(strstr(store_errmsg(st), "not authorized") != NULL,
	    "%s", store_errmsg(st));
	sqlite3_set_authorizer(db, NULL, NULL);
	/* The batch cannot go on, nor commit what it did. */
	ck_assert_int_eq(store_realm_ensure(st, "p-project", "next-item"),
	    STORE_ERROR);
	ck_assert_int_ne(store_commit(st), 0);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "half-applied",
	    &u), STORE_NOT_FOUND);
	ck_assert_int_eq(store_user_find(st, "p-project", "", "earlier-item",
	    &u), STORE_NOT_FOUND);
	commit();
}
END_TEST

/* A failed ROLLBACK must not leave the store stuck in its transaction. */
START_TEST(store_rollback_failure_is_reported_and_recovered)
{
	sqlite3 *db = store_test_db(st);
	struct store_user u;

	begin();
	add_user("p-project", "", "rolled-back");
	sqlite3_set_authorizer(db, deny_statement, "ROLLBACK");
	ck_assert_int_eq(store_rollback(st), -1);
	ck_assert_msg(strstr(store_errmsg(st), "not authorized") != NULL,
	    "%s", store_errmsg(st));
	sqlite3_set_authorizer(db, NULL, NULL);

	begin();
	ck_assert_int_eq(store_user_find(st, "p-project", "", "rolled-back",
	    &u), STORE_NOT_FOUND);
	add_user("p-project", "", "next");
	commit();
}
END_TEST

/*
 * Two threads each fail their own way, over and over, and read the reason
 * after the store is released, as handlers do: each must read its own.
 */
struct failer {
	int (*provoke)(void);
	const char *want;	/* in the reason for that failure */
	int wrong;		/* failures whose reason was not */
};

static int
fail_no_savepoint(void)
{
	return store_savepoint_release(st);
}

static int
fail_foreign_key(void)
{
	return phone_insert(999999, "orphan", "+15555550199", NULL);
}

static void *
fail_repeatedly(void *arg)
{
	struct failer *f = arg;
	char why[256];

	/* No ck_assert off the main thread: count, and check there. */
	for (int i = 0; i < 5000; i++) {
		int r;

		if (store_begin(st) != 0) {
			f->wrong++;
			continue;
		}
		r = f->provoke();
		store_rollback(st);
		/* A handler may be preempted before it formats its reply. */
		sched_yield();
		snprintf(why, sizeof(why), "%s", store_errmsg(st));
		if (r != STORE_ERROR || strstr(why, f->want) == NULL)
			f->wrong++;
	}
	return NULL;
}

START_TEST(store_errmsg_is_the_failing_callers_own)
{
	struct failer a = { fail_no_savepoint, "no such savepoint", 0 };
	struct failer b = { fail_foreign_key, "FOREIGN KEY", 0 };
	pthread_t ta, tb;

	ck_assert_int_eq(pthread_create(&ta, NULL, fail_repeatedly, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, fail_repeatedly, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_int_eq(a.wrong, 0);
	ck_assert_int_eq(b.wrong, 0);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, store_open_memory_migrates);
	tcase_add_test(tc, store_file_persists_across_reopen);
	tcase_add_test(tc, store_open_rejects_non_database);
	tcase_add_test(tc, store_open_rejects_newer_schema);
	tcase_add_test(tc, store_open_rejects_missing_directory);
	tcase_add_test(tc, store_user_insert_find_get);
	tcase_add_test(tc, store_user_optional_fields_empty);
	tcase_add_test(tc, store_user_duplicate_local_id);
	tcase_add_test(tc, store_user_duplicate_email_case_insensitive);
	tcase_add_test(tc, store_user_find_email_case_insensitive);
	tcase_add_test(tc, store_user_password_round_trip);
	tcase_add_test(tc, store_user_same_local_id_other_tenant);
	tcase_add_test(tc, store_realm_and_test_phone);
	tcase_add_test(tc, store_enrollment_phone);
	tcase_add_test(tc, store_enrollment_list_in_order);
	tcase_add_loop_test(tc, store_enrollment_totp_round_trip, 0,
	    N(totp_cases));
	tcase_add_test(tc, store_credential_use_once);
	tcase_add_test(tc, store_credential_fail_counts);
	tcase_add_test(tc, store_sms_session_lifecycle);
	tcase_add_test(tc, store_enroll_session_round_trip);
	tcase_add_test(tc, store_fault_phone_resolves_the_enrollment);
	tcase_add_test(tc, store_outbox_order_and_realm);
	tcase_add_test(tc, store_totp_step_used_once);
	tcase_add_test(tc, store_proof_insert_get);
	tcase_add_test(tc, store_refresh_round_trip);
	tcase_add_test(tc, store_signing_key_newest);
	tcase_add_test(tc, store_delete_accounts_cascades_in_realm);
	tcase_add_test(tc, store_prune_removes_expired_only);
	tcase_add_test(tc, store_prune_keeps_grace);
	tcase_add_test(tc, store_migration_007_sets_row_expiry);
	tcase_add_test(tc, store_migration_008_drops_custom_attributes);
	tcase_add_test(tc, store_migrations_009_to_012_keep_data);
	tcase_add_test(tc, store_migration_013_adds_custom_attributes);
	tcase_add_test(tc, store_prune_batches);
	tcase_add_test(tc, store_rollback_discards);
	tcase_add_test(tc, store_bind_failure_fails_the_call);
	tcase_add_test(tc,
	    store_savepoint_rollback_failure_abandons_the_transaction);
	tcase_add_test(tc, store_rollback_failure_is_reported_and_recovered);
	tcase_add_test(tc, store_errmsg_is_the_failing_callers_own);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(store_suite)
