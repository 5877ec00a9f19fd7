#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_schema.h"

/* Every statement the store runs, prepared once at open. */
#define STORE_STATEMENTS(X) \
	X(BEGIN, "BEGIN") \
	X(COMMIT, "COMMIT") \
	X(ROLLBACK, "ROLLBACK") \
	X(REALM_GET, "SELECT project_id, tenant_id, mfa_phone, mfa_totp, " \
	    "coalesce(sms_code_ttl, 0), coalesce(sms_code_length, 0), " \
	    "coalesce(max_attempts, 0), coalesce(credential_ttl, 0), " \
	    "coalesce(totp_window + 1, 0) FROM tenants " \
	    "WHERE project_id = ?1 AND tenant_id = ?2") \
	X(REALM_LIST, "SELECT project_id, tenant_id, mfa_phone, mfa_totp, " \
	    "coalesce(sms_code_ttl, 0), coalesce(sms_code_length, 0), " \
	    "coalesce(max_attempts, 0), coalesce(credential_ttl, 0), " \
	    "coalesce(totp_window + 1, 0) FROM tenants " \
	    "ORDER BY project_id, tenant_id") \
	X(REALM_PUT, "INSERT INTO tenants (project_id, tenant_id, mfa_phone, " \
	    "mfa_totp, sms_code_ttl, sms_code_length, max_attempts, " \
	    "credential_ttl, totp_window) VALUES (?1, ?2, ?3, ?4, " \
	    "NULLIF(?5, 0), NULLIF(?6, 0), NULLIF(?7, 0), NULLIF(?8, 0), " \
	    "NULLIF(?9, 0) - 1) ON CONFLICT DO UPDATE SET " \
	    "mfa_phone = excluded.mfa_phone, mfa_totp = excluded.mfa_totp, " \
	    "sms_code_ttl = excluded.sms_code_ttl, " \
	    "sms_code_length = excluded.sms_code_length, " \
	    "max_attempts = excluded.max_attempts, " \
	    "credential_ttl = excluded.credential_ttl, " \
	    "totp_window = excluded.totp_window") \
	X(TEST_PHONE_LIST, "SELECT phone_number, code FROM " \
	    "test_phone_numbers WHERE project_id = ?1 AND tenant_id = ?2 " \
	    "ORDER BY phone_number") \
	X(TEST_PHONE_CLEAR, "DELETE FROM test_phone_numbers WHERE " \
	    "project_id = ?1 AND tenant_id = ?2") \
	X(RESET_USERS, "DELETE FROM users") \
	X(RESET_REALMS, "DELETE FROM tenants") \
	X(RESET_OUTBOX, "DELETE FROM sms_outbox") \
	X(RESET_PROOFS, "DELETE FROM android_proofs") \
	X(RESET_REALM_ONE, "DELETE FROM tenants WHERE project_id = ?1 AND " \
	    "tenant_id = ?2") \
	X(RESET_REALM_PROJECT, "DELETE FROM tenants WHERE project_id = ?1") \
	X(RESET_PROOFS_ONE, "DELETE FROM android_proofs WHERE " \
	    "project_id = ?1 AND tenant_id = ?2") \
	X(RESET_PROOFS_PROJECT, "DELETE FROM android_proofs WHERE " \
	    "project_id = ?1") \
	X(REALM_ENSURE, "INSERT OR IGNORE INTO tenants (project_id, " \
	    "tenant_id) VALUES (?1, ?2)") \
	X(TEST_PHONE_PUT, "INSERT INTO test_phone_numbers (project_id, " \
	    "tenant_id, phone_number, code) VALUES (?1, ?2, ?3, ?4) " \
	    "ON CONFLICT DO UPDATE SET code = excluded.code") \
	X(TEST_PHONE_GET, "SELECT code FROM test_phone_numbers WHERE " \
	    "project_id = ?1 AND tenant_id = ?2 AND phone_number = ?3") \
	X(USER_INSERT, "INSERT INTO users (project_id, tenant_id, local_id, " \
	    "email, password_salt, password_hash, display_name, " \
	    "phone_number, email_verified, disabled, created_at, " \
	    "valid_since) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " \
	    "?11, ?12)") \
	X(USER_GET, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE id = ?1") \
	X(USER_MAX_ID, "SELECT COALESCE(MAX(id), 0) FROM users") \
	X(USER_FIND, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE project_id = ?1 AND " \
	    "tenant_id = ?2 AND local_id = ?3") \
	X(USER_BY_EMAIL, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE project_id = ?1 AND " \
	    "tenant_id = ?2 AND email = ?3 COLLATE NOCASE") \
	X(USER_LIST, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE project_id = ?1 " \
	    "ORDER BY id") \
	X(CRED_LIST, "SELECT credential, user_id, project_id, tenant_id, " \
	    "sign_in_provider, created_at, expires_at, " \
	    "coalesce(used_at, 0), failed_attempts FROM pending_credentials " \
	    "WHERE project_id = ?1 ORDER BY credential") \
	X(SMS_LIST, "SELECT s.session_info, s.credential, s.enrollment, " \
	    "s.phone_number, s.code, s.created_at, s.expires_at, s.attempts, " \
	    "coalesce(s.consumed_at, 0) FROM sms_sessions s JOIN " \
	    "pending_credentials c ON c.credential = s.credential " \
	    "WHERE c.project_id = ?1 ORDER BY s.session_info") \
	X(USER_PAGE, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE project_id = ?1 AND " \
	    "tenant_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4") \
	X(USER_BY_PHONE, "SELECT id, project_id, tenant_id, local_id, email, " \
	    "display_name, phone_number, email_verified, disabled, " \
	    "created_at, valid_since FROM users WHERE project_id = ?1 AND " \
	    "tenant_id = ?2 AND phone_number = ?3") \
	X(USER_UPDATE, "UPDATE users SET email = NULLIF(?2, ''), " \
	    "display_name = NULLIF(?3, ''), phone_number = NULLIF(?4, ''), " \
	    "email_verified = ?5, disabled = ?6, valid_since = ?7 " \
	    "WHERE id = ?1") \
	X(USER_SET_PASSWORD, "UPDATE users SET password_salt = ?2, " \
	    "password_hash = ?3 WHERE id = ?1") \
	X(USER_DELETE, "DELETE FROM users WHERE id = ?1") \
	X(ENR_CLEAR, "DELETE FROM mfa_enrollments WHERE user_id = ?1") \
	X(SAVEPOINT, "SAVEPOINT item") \
	X(SAVEPOINT_RELEASE, "RELEASE item") \
	X(SAVEPOINT_ROLLBACK, "ROLLBACK TO item") \
	X(TENANT_NAME_GET, "SELECT coalesce(display_name, '') FROM tenants " \
	    "WHERE project_id = ?1 AND tenant_id = ?2") \
	X(TENANT_NAME_PUT, "UPDATE tenants SET display_name = ?3 " \
	    "WHERE project_id = ?1 AND tenant_id = ?2") \
	X(USER_PASSWORD, "SELECT password_salt, password_hash FROM users " \
	    "WHERE id = ?1") \
	X(ENR_LIST, "SELECT id, user_id, enrollment_id, kind, " \
	    "display_name, enrolled_at, phone_number, totp_secret, " \
	    "totp_algorithm, totp_digits, totp_period, failed_attempts, " \
	    "last_failed_at FROM mfa_enrollments " \
	    "WHERE user_id = ?1 ORDER BY id") \
	X(REFRESH_GET, "SELECT token, user_id, sign_in_provider, " \
	    "coalesce(second_factor, ''), coalesce(enrollment_id, ''), " \
	    "auth_time, created_at FROM refresh_tokens WHERE token = ?1") \
	X(ENR_INSERT, "INSERT INTO mfa_enrollments (user_id, enrollment_id, " \
	    "kind, display_name, enrolled_at, phone_number, totp_secret, " \
	    "totp_algorithm, totp_digits, totp_period) VALUES (?1, ?2, ?3, " \
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10)") \
	X(ENR_GET, "SELECT id, user_id, enrollment_id, kind, display_name, " \
	    "enrolled_at, phone_number, totp_secret, totp_algorithm, " \
	    "totp_digits, totp_period, failed_attempts, last_failed_at " \
	    "FROM mfa_enrollments " \
	    "WHERE user_id = ?1 AND enrollment_id = ?2") \
	X(ENR_BY_ROWID, "SELECT id, user_id, enrollment_id, kind, " \
	    "display_name, enrolled_at, phone_number, totp_secret, " \
	    "totp_algorithm, totp_digits, totp_period, failed_attempts, " \
	    "last_failed_at FROM mfa_enrollments " \
	    "WHERE id = ?1") \
	X(ENR_FIND_PHONE, "SELECT id, user_id, enrollment_id, kind, " \
	    "display_name, enrolled_at, phone_number, totp_secret, " \
	    "totp_algorithm, totp_digits, totp_period, failed_attempts, " \
	    "last_failed_at FROM mfa_enrollments " \
	    "WHERE user_id = ?1 AND kind = 'phone' AND phone_number = ?2 " \
	    "ORDER BY id LIMIT 1") \
	X(CRED_INSERT, "INSERT INTO pending_credentials (credential, " \
	    "user_id, project_id, tenant_id, sign_in_provider, created_at, " \
	    "expires_at, used_at, failed_attempts) VALUES (?1, ?2, ?3, ?4, " \
	    "?5, ?6, ?7, NULLIF(?8, 0), ?9)") \
	X(CRED_GET, "SELECT credential, user_id, project_id, tenant_id, " \
	    "sign_in_provider, created_at, expires_at, " \
	    "coalesce(used_at, 0), failed_attempts FROM pending_credentials " \
	    "WHERE credential = ?1") \
	X(CRED_USE, "UPDATE pending_credentials SET used_at = ?2 " \
	    "WHERE credential = ?1 AND used_at IS NULL") \
	X(CRED_FAIL, "UPDATE pending_credentials SET failed_attempts = " \
	    "failed_attempts + 1 WHERE credential = ?1") \
	X(SMS_INSERT, "INSERT INTO sms_sessions (session_info, credential, " \
	    "enrollment, phone_number, code, created_at, expires_at, " \
	    "attempts, consumed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " \
	    "NULLIF(?9, 0))") \
	X(SMS_GET, "SELECT session_info, credential, enrollment, " \
	    "phone_number, code, created_at, expires_at, attempts, " \
	    "coalesce(consumed_at, 0) FROM sms_sessions " \
	    "WHERE session_info = ?1") \
	X(SMS_FAIL, "UPDATE sms_sessions SET attempts = attempts + 1 " \
	    "WHERE session_info = ?1") \
	X(SMS_CONSUME, "UPDATE sms_sessions SET consumed_at = ?2 " \
	    "WHERE session_info = ?1 AND consumed_at IS NULL") \
	X(ENS_INSERT, "INSERT INTO enrollment_sessions (session_info, " \
	    "user_id, kind, phone_number, code, totp_secret, " \
	    "totp_algorithm, totp_digits, totp_period, created_at, " \
	    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " \
	    "?11)") \
	X(ENS_GET, "SELECT session_info, user_id, kind, phone_number, code, " \
	    "totp_secret, totp_algorithm, totp_digits, totp_period, " \
	    "created_at, expires_at, attempts, coalesce(consumed_at, 0) " \
	    "FROM enrollment_sessions WHERE session_info = ?1") \
	X(ENS_FAIL, "UPDATE enrollment_sessions SET attempts = attempts + 1 " \
	    "WHERE session_info = ?1") \
	X(ENS_CONSUME, "UPDATE enrollment_sessions SET consumed_at = ?2 " \
	    "WHERE session_info = ?1 AND consumed_at IS NULL") \
	X(ENR_FAIL, "UPDATE mfa_enrollments SET failed_attempts = " \
	    "failed_attempts + 1, last_failed_at = ?2 WHERE id = ?1") \
	X(ENR_OK, "UPDATE mfa_enrollments SET failed_attempts = 0 " \
	    "WHERE id = ?1 AND failed_attempts != 0") \
	X(ENR_DELETE, "DELETE FROM mfa_enrollments WHERE user_id = ?1 AND " \
	    "enrollment_id = ?2") \
	X(PRUNE_ENS, "DELETE FROM enrollment_sessions WHERE session_info IN " \
	    "(SELECT session_info FROM enrollment_sessions WHERE " \
	    "expires_at < ?1 LIMIT ?2)") \
	X(OUTBOX_ADD, "INSERT INTO sms_outbox (project_id, tenant_id, " \
	    "phone_number, code, session_info, created_at, expires_at) " \
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") \
	X(OUTBOX_LIST, "SELECT id, phone_number, code, session_info, " \
	    "created_at FROM sms_outbox WHERE project_id = ?1 AND " \
	    "tenant_id = ?2 ORDER BY id") \
	X(TOTP_USE, "INSERT OR IGNORE INTO totp_used_steps (enrollment, " \
	    "step, used_at, expires_at) VALUES (?1, ?2, ?3, ?4)") \
	X(PROOF_INSERT, "INSERT INTO android_proofs (proof, project_id, " \
	    "tenant_id, phone_number, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)") \
	X(PROOF_GET, "SELECT proof, project_id, tenant_id, phone_number, " \
	    "expires_at FROM android_proofs WHERE proof = ?1") \
	X(REFRESH_INSERT, "INSERT INTO refresh_tokens (token, user_id, " \
	    "sign_in_provider, second_factor, enrollment_id, auth_time, " \
	    "created_at) VALUES (?1, ?2, ?3, NULLIF(?4, ''), " \
	    "NULLIF(?5, ''), ?6, ?7)") \
	X(KEY_GET, "SELECT private_pem FROM signing_keys " \
	    "ORDER BY created_at DESC, kid LIMIT 1") \
	X(KEY_PUT, "INSERT OR REPLACE INTO signing_keys (kid, private_pem, " \
	    "created_at) VALUES (?1, ?2, ?3)") \
	X(DELETE_USERS_REALM, "DELETE FROM users WHERE project_id = ?1 AND " \
	    "tenant_id = ?2") \
	X(DELETE_USERS_PROJECT, "DELETE FROM users WHERE project_id = ?1") \
	X(DELETE_OUTBOX_REALM, "DELETE FROM sms_outbox WHERE " \
	    "project_id = ?1 AND tenant_id = ?2") \
	X(OUTBOX_CLEAR, "DELETE FROM sms_outbox WHERE project_id = ?1 AND " \
	    "tenant_id = ?2") \
	X(DELETE_OUTBOX_PROJECT, "DELETE FROM sms_outbox WHERE " \
	    "project_id = ?1") \
	X(PRUNE_SMS, "DELETE FROM sms_sessions WHERE session_info IN " \
	    "(SELECT session_info FROM sms_sessions WHERE expires_at < ?1 " \
	    "LIMIT ?2)") \
	X(PRUNE_CRED, "DELETE FROM pending_credentials WHERE credential IN " \
	    "(SELECT credential FROM pending_credentials WHERE " \
	    "expires_at < ?1 LIMIT ?2)") \
	X(PRUNE_OUTBOX, "DELETE FROM sms_outbox WHERE id IN (SELECT id " \
	    "FROM sms_outbox WHERE expires_at < ?1 LIMIT ?2)") \
	X(PRUNE_TOTP, "DELETE FROM totp_used_steps WHERE (enrollment, step) " \
	    "IN (SELECT enrollment, step FROM totp_used_steps WHERE " \
	    "expires_at < ?1 LIMIT ?2)") \
	X(PRUNE_PROOF, "DELETE FROM android_proofs WHERE proof IN (SELECT " \
	    "proof FROM android_proofs WHERE expires_at < ?1 LIMIT ?2)")

enum store_stmt {
#define X(name, sql) S_##name,
	STORE_STATEMENTS(X)
#undef X
	S__COUNT
};

static const char *const store_sql[] = {
#define X(name, sql) sql,
	STORE_STATEMENTS(X)
#undef X
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S__COUNT];
	pthread_mutex_t lock;
	/* Both below are used only by the thread holding the lock. */
	int bind_rc;		/* the first failed bind not yet reported */
	bool abandoned;		/* a ROLLBACK TO failed: only rollback now */
};

/*
 * The reason for the calling thread's last store failure. Per thread, not
 * per store: callers read it after store_commit() or store_rollback() has
 * released the store, when a buffer in the store could already hold (or
 * be half way through writing) another thread's failure.
 */
static _Thread_local char errmsg[256];

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Apply the migrations past the store's user_version, each atomically. */
static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	int version;

	if (pragma_int(db, "PRAGMA user_version", &version)) {
		set_err(err, errlen, "cannot read the store: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (version < 0 || (size_t)version > store_migrations_count) {
		set_err(err, errlen, "the store has schema version %d; this "
		    "mfaemu knows up to %zu", version, store_migrations_count);
		return -1;
	}
	for (size_t i = (size_t)version; i < store_migrations_count; i++) {
		char bump[64], reason[200];

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %zu", i + 1);
		if (exec_sql(db, "BEGIN IMMEDIATE", reason, sizeof(reason)) ||
		    exec_sql(db, store_migrations[i].sql, reason,
		    sizeof(reason)) ||
		    exec_sql(db, bump, reason, sizeof(reason)) ||
		    exec_sql(db, "COMMIT", reason, sizeof(reason))) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			set_err(err, errlen, "migration %s failed: %s",
			    store_migrations[i].name, reason);
			return -1;
		}
	}
	return 0;
}

/*
 * Before SQLite's first use: no global memory statistics (they take a
 * process-wide mutex on every allocation, and mfaemu never reads them).
 * Fails harmlessly when something else initialised SQLite first.
 */
static void
sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;

	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_once(&configured, sqlite_configure);
	if (sqlite3_open_v2(path ? path : ":memory:", &st->db, flags, NULL) !=
	    SQLITE_OK) {
		set_err(err, errlen, "cannot open %s: %s",
		    path ? path : "the in-memory store",
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (exec_sql(st->db, "PRAGMA foreign_keys = ON", err, errlen))
		goto fail;
	if (path != NULL) {
		char reason[200];

		/* Reading first turns "not a database" into a clear failure. */
		if (exec_sql(st->db, "PRAGMA journal_mode = WAL", reason,
		    sizeof(reason)) ||
		    exec_sql(st->db, "PRAGMA synchronous = NORMAL", reason,
		    sizeof(reason))) {
			set_err(err, errlen, "cannot use %s as a store: %s",
			    path, reason);
			goto fail;
		}
	}
	if (migrate(st->db, err, errlen))
		goto fail;
	for (int i = 0; i < S__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			set_err(err, errlen, "preparing statement %d: %s", i,
			    sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int
store_schema_version(struct store *st)
{
	int v = -1;

	pthread_mutex_lock(&st->lock);
	if (pragma_int(st->db, "PRAGMA user_version", &v))
		v = -1;
	pthread_mutex_unlock(&st->lock);
	return v;
}

const char *
store_errmsg(struct store *st)
{
	(void)st;
	return errmsg;
}

/* TEST HOOK: see store.h. */
sqlite3 *
store_test_db(struct store *st)
{
	return st->db;
}

static sqlite3_stmt *
stmt(struct store *st, enum store_stmt id)
{
	return st->stmt[id];
}

/*
 * Bind helpers. A failed bind (a value past SQLite's length limit, a bad
 * index) leaves its parameter NULL, and stepping would then insert or look
 * up the wrong values; so the first failure is kept in st->bind_rc, and
 * step() reports it in place of running the statement.
 */
static void
bound(struct store *st, int rc)
{
	if (rc != SQLITE_OK && st->bind_rc == SQLITE_OK)
		st->bind_rc = rc;
}

/* Text NULL binds SQL NULL. */
static void
bind_text(struct store *st, sqlite3_stmt *s, int i, const char *v)
{
	bound(st, v == NULL ? sqlite3_bind_null(s, i) :
	    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC));
}

/* "" binds SQL NULL too. */
static void
bind_opt_text(struct store *st, sqlite3_stmt *s, int i, const char *v)
{
	bind_text(st, s, i, v && *v ? v : NULL);
}

static void
bind_int(struct store *st, sqlite3_stmt *s, int i, int v)
{
	bound(st, sqlite3_bind_int(s, i, v));
}

static void
bind_int64(struct store *st, sqlite3_stmt *s, int i, int64_t v)
{
	bound(st, sqlite3_bind_int64(s, i, v));
}

static void
bind_blob(struct store *st, sqlite3_stmt *s, int i, const void *v, size_t n)
{
	bound(st, n > INT_MAX ? SQLITE_TOOBIG :
	    sqlite3_bind_blob(s, i, v, (int)n, SQLITE_STATIC));
}

/*
 * Step `s`, unless it must not run: a bind failed, or the transaction was
 * abandoned (then every statement fails until store_rollback, so nothing
 * builds on a half-undone item and nothing of it commits).
 */
static int
step(struct store *st, sqlite3_stmt *s)
{
	int rc = st->bind_rc;

	if (st->abandoned)
		return SQLITE_ABORT_ROLLBACK;
	if (rc != SQLITE_OK) {
		st->bind_rc = SQLITE_OK;
		return rc;
	}
	return sqlite3_step(s);
}

static int
fail_stmt(struct store *st, sqlite3_stmt *s, int rc)
{
	/* SQLite's message is of its last call, which a good bind clears. */
	snprintf(errmsg, sizeof(errmsg), "%s (%d)",
	    sqlite3_errcode(st->db) == rc ? sqlite3_errmsg(st->db) :
	    sqlite3_errstr(rc), rc);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return STORE_ERROR;
}

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Run a statement that returns no rows. */
static int
run(struct store *st, sqlite3_stmt *s)
{
	int rc = step(st, s);

	if (rc == SQLITE_DONE) {
		done(s);
		return STORE_OK;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
	{
		done(s);
		return STORE_EXISTS;
	}
	return fail_stmt(st, s, rc);
}

/* Run an UPDATE/INSERT OR IGNORE: OK if it changed a row, else EXISTS. */
static int
run_changed(struct store *st, sqlite3_stmt *s)
{
	int r = run(st, s);

	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		return STORE_EXISTS;
	return r;
}

/* Step a single-row query: OK with the row current, NOT_FOUND, or ERROR. */
static int
row(struct store *st, sqlite3_stmt *s)
{
	int rc = step(st, s);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE) {
		done(s);
		return STORE_NOT_FOUND;
	}
	return fail_stmt(st, s, rc);
}

/* Copy a text column; -1 when it does not fit (never truncate ids). */
static int
col_text(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	size_t n = v ? (size_t)sqlite3_column_bytes(s, i) : 0;

	if (n >= cap)
		return -1;
	if (n > 0)
		memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

#define COL_TEXT(s, i, field) col_text((s), (i), (field), sizeof(field))

/* End a statement stepped to `rc`: OK, or the error it stopped on. */
static int
rows_done(struct store *st, sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_stmt(st, s, rc);
	done(s);
	return STORE_OK;
}

/*
 * What every listing does once `s` is bound: read each row with `reader`
 * into `item` and hand it to `fn` (rows that do not fit their struct are
 * skipped; fn returning non-zero stops), then return from the function.
 */
#define EACH_ROW(st, s, item, reader, fn, arg) do {			\
	int rc_;							\
									\
	while ((rc_ = step((st), (s))) == SQLITE_ROW) {			\
		if ((reader)((s), &(item)) != STORE_OK)			\
			continue;					\
		if ((fn)(&(item), (arg)) != 0)				\
			break;						\
	}								\
	return rows_done((st), (s), rc_);				\
} while (0)


/*
 * Spin briefly before sleeping on the lock. A request holds the store for
 * 20-50 us; sleeping on a futex and being woken costs about as much again
 * in the kernel, and with two workers taking turns that doubled the CPU per
 * request. So a waiter polls for up to STORE_SPIN_NS first.
 */
#define STORE_SPIN_NS 50000

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
store_lock(struct store *st)
{
	int64_t until = 0;

	for (unsigned i = 0;; i++) {
		if (pthread_mutex_trylock(&st->lock) == 0)
			return;
		if ((i & 63) == 0) {
			int64_t now = mono_ns();

			if (until == 0)
				until = now + STORE_SPIN_NS;
			else if (now >= until)
				break;
		}
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	pthread_mutex_lock(&st->lock);
}

/* Roll back the open transaction, if any: 0, or -1 when it stays open. */
static int
end_transaction(struct store *st)
{
	st->abandoned = false;
	st->bind_rc = SQLITE_OK;
	if (sqlite3_get_autocommit(st->db))
		return 0;
	return run(st, stmt(st, S_ROLLBACK)) == STORE_OK ? 0 : -1;
}

int
store_begin(struct store *st)
{
	store_lock(st);
	/* A ROLLBACK that failed left its transaction open: end it first. */
	if (end_transaction(st) != 0 ||
	    run(st, stmt(st, S_BEGIN)) != STORE_OK) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	return 0;
}

int
store_commit(struct store *st)
{
	int r = run(st, stmt(st, S_COMMIT));

	/* A failed (or refused) COMMIT leaves the transaction open. */
	if (r != STORE_OK)
		end_transaction(st);
	pthread_mutex_unlock(&st->lock);
	return r == STORE_OK ? 0 : -1;
}

int
store_rollback(struct store *st)
{
	int r = end_transaction(st);

	pthread_mutex_unlock(&st->lock);
	return r;
}

static int
read_realm(sqlite3_stmt *s, struct store_realm *out)
{
	memset(out, 0, sizeof(*out));
	if (COL_TEXT(s, 0, out->project_id) || COL_TEXT(s, 1, out->tenant_id))
		return STORE_NOT_FOUND;
	out->mfa_phone = sqlite3_column_int(s, 2);
	out->mfa_totp = sqlite3_column_int(s, 3);
	out->sms_code_ttl = sqlite3_column_int(s, 4);
	out->sms_code_length = sqlite3_column_int(s, 5);
	out->max_attempts = sqlite3_column_int(s, 6);
	out->credential_ttl = sqlite3_column_int(s, 7);
	out->totp_window = sqlite3_column_int(s, 8);
	return STORE_OK;
}

int
store_realm_get(struct store *st, const char *project, const char *tenant,
    struct store_realm *out)
{
	sqlite3_stmt *s = stmt(st, S_REALM_GET);
	int r;

	if (strlen(project) > STORE_ID_MAX || strlen(tenant) > STORE_ID_MAX)
		return STORE_NOT_FOUND;
	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_realm(s, out);
	done(s);
	return r;
}

int
store_realm_list(struct store *st,
    int (*fn)(const struct store_realm *, void *), void *arg)
{
	sqlite3_stmt *s = stmt(st, S_REALM_LIST);
	struct store_realm realm;

	EACH_ROW(st, s, realm, read_realm, fn, arg);
}

int
store_realm_put(struct store *st, const struct store_realm *realm)
{
	sqlite3_stmt *s = stmt(st, S_REALM_PUT);

	bind_text(st, s, 1, realm->project_id);
	bind_text(st, s, 2, realm->tenant_id);
	bind_int(st, s, 3, realm->mfa_phone != 0);
	bind_int(st, s, 4, realm->mfa_totp != 0);
	bind_int(st, s, 5, realm->sms_code_ttl);
	bind_int(st, s, 6, realm->sms_code_length);
	bind_int(st, s, 7, realm->max_attempts);
	bind_int(st, s, 8, realm->credential_ttl);
	bind_int(st, s, 9, realm->totp_window);
	return run(st, s);
}

int
store_realm_ensure(struct store *st, const char *project, const char *tenant)
{
	sqlite3_stmt *s = stmt(st, S_REALM_ENSURE);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	return run(st, s);
}

int
store_test_phone_put(struct store *st, const char *project,
    const char *tenant, const char *phone, const char *code)
{
	sqlite3_stmt *s = stmt(st, S_TEST_PHONE_PUT);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_text(st, s, 3, phone);
	bind_text(st, s, 4, code);
	return run(st, s);
}

int
store_test_phone_code(struct store *st, const char *project,
    const char *tenant, const char *phone, char code[STORE_CODE_MAX + 1])
{
	sqlite3_stmt *s = stmt(st, S_TEST_PHONE_GET);
	int r;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_text(st, s, 3, phone);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = col_text(s, 0, code, STORE_CODE_MAX + 1) ? STORE_NOT_FOUND :
	    STORE_OK;
	done(s);
	return r;
}

int
store_user_insert(struct store *st, struct store_user *u,
    const uint8_t *salt, size_t saltlen, const uint8_t *hash, size_t hashlen)
{
	sqlite3_stmt *s = stmt(st, S_USER_INSERT);
	int r;

	bind_text(st, s, 1, u->project_id);
	bind_text(st, s, 2, u->tenant_id);
	bind_text(st, s, 3, u->local_id);
	bind_opt_text(st, s, 4, u->email);
	if (salt != NULL && hash != NULL) {
		bind_blob(st, s, 5, salt, saltlen);
		bind_blob(st, s, 6, hash, hashlen);
	}
	bind_opt_text(st, s, 7, u->display_name);
	bind_opt_text(st, s, 8, u->phone_number);
	bind_int(st, s, 9, u->email_verified != 0);
	bind_int(st, s, 10, u->disabled != 0);
	bind_int64(st, s, 11, u->created_at);
	bind_int64(st, s, 12, u->valid_since);
	r = run(st, s);
	if (r == STORE_OK)
		u->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

static int
read_user(sqlite3_stmt *s, struct store_user *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	if (COL_TEXT(s, 1, out->project_id) ||
	    COL_TEXT(s, 2, out->tenant_id) ||
	    COL_TEXT(s, 3, out->local_id) ||
	    COL_TEXT(s, 4, out->email) ||
	    COL_TEXT(s, 5, out->display_name) ||
	    COL_TEXT(s, 6, out->phone_number))
		return STORE_NOT_FOUND;
	out->email_verified = sqlite3_column_int(s, 7);
	out->disabled = sqlite3_column_int(s, 8);
	out->created_at = sqlite3_column_int64(s, 9);
	out->valid_since = sqlite3_column_int64(s, 10);
	return STORE_OK;
}

int
store_user_get(struct store *st, int64_t id, struct store_user *out)
{
	sqlite3_stmt *s = stmt(st, S_USER_GET);
	int r;

	bind_int64(st, s, 1, id);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_user(s, out);
	done(s);
	return r;
}

/* A user of a realm by one unique key (localId, email or phone). */
static int
user_by(struct store *st, enum store_stmt id, const char *project,
    const char *tenant, const char *key, struct store_user *out)
{
	sqlite3_stmt *s = stmt(st, id);
	int r;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_text(st, s, 3, key);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_user(s, out);
	done(s);
	return r;
}

int
store_user_max_id(struct store *st, int64_t *out)
{
	sqlite3_stmt *s = stmt(st, S_USER_MAX_ID);
	int r;

	if ((r = row(st, s)) != STORE_OK)
		return r;
	*out = sqlite3_column_int64(s, 0);
	done(s);
	return STORE_OK;
}

int
store_user_find(struct store *st, const char *project, const char *tenant,
    const char *local_id, struct store_user *out)
{
	return user_by(st, S_USER_FIND, project, tenant, local_id, out);
}

int
store_user_find_email(struct store *st, const char *project,
    const char *tenant, const char *email, struct store_user *out)
{
	return user_by(st, S_USER_BY_EMAIL, project, tenant, email, out);
}

int
store_user_find_phone(struct store *st, const char *project,
    const char *tenant, const char *phone, struct store_user *out)
{
	return user_by(st, S_USER_BY_PHONE, project, tenant, phone, out);
}

int
store_user_password(struct store *st, int64_t id, uint8_t *salt,
    size_t *saltlen, uint8_t *hash, size_t *hashlen)
{
	sqlite3_stmt *s = stmt(st, S_USER_PASSWORD);
	int r, ns, nh;

	bind_int64(st, s, 1, id);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	ns = sqlite3_column_bytes(s, 0);
	nh = sqlite3_column_bytes(s, 1);
	if (sqlite3_column_type(s, 1) != SQLITE_BLOB || ns <= 0 || nh <= 0 ||
	    (size_t)ns > *saltlen || (size_t)nh > *hashlen) {
		done(s);
		return STORE_NOT_FOUND;
	}
	memcpy(salt, sqlite3_column_blob(s, 0), (size_t)ns);
	memcpy(hash, sqlite3_column_blob(s, 1), (size_t)nh);
	*saltlen = (size_t)ns;
	*hashlen = (size_t)nh;
	done(s);
	return STORE_OK;
}

int
store_enrollment_insert(struct store *st, struct store_enrollment *e)
{
	sqlite3_stmt *s = stmt(st, S_ENR_INSERT);
	int totp = e->kind == STORE_FACTOR_TOTP;
	int r;

	bind_int64(st, s, 1, e->user_id);
	bind_text(st, s, 2, e->enrollment_id);
	bind_text(st, s, 3, totp ? "totp" : "phone");
	bind_opt_text(st, s, 4, e->display_name);
	bind_int64(st, s, 5, e->enrolled_at);
	if (totp) {
		bind_blob(st, s, 7, e->totp_secret, e->totp_secret_len);
		bind_text(st, s, 8, totp_alg_name(e->totp_alg));
		bind_int(st, s, 9, e->totp_digits);
		bind_int(st, s, 10, e->totp_period);
	} else {
		bind_text(st, s, 6, e->phone_number);
	}
	r = run(st, s);
	if (r == STORE_OK)
		e->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

static int
read_enrollment(sqlite3_stmt *s, struct store_enrollment *out)
{
	const char *kind = (const char *)sqlite3_column_text(s, 3);

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->user_id = sqlite3_column_int64(s, 1);
	if (COL_TEXT(s, 2, out->enrollment_id) ||
	    COL_TEXT(s, 4, out->display_name))
		return STORE_NOT_FOUND;
	out->enrolled_at = sqlite3_column_int64(s, 5);
	if (kind != NULL && strcmp(kind, "totp") == 0) {
		const char *alg = (const char *)sqlite3_column_text(s, 8);
		int n = sqlite3_column_bytes(s, 7);

		out->kind = STORE_FACTOR_TOTP;
		if (n <= 0 || n > TOTP_MAX_SECRET || alg == NULL ||
		    totp_alg_parse(alg, &out->totp_alg))
			return STORE_ERROR;
		memcpy(out->totp_secret, sqlite3_column_blob(s, 7), (size_t)n);
		out->totp_secret_len = (size_t)n;
		out->totp_digits = sqlite3_column_int(s, 9);
		out->totp_period = sqlite3_column_int(s, 10);
	} else {
		out->kind = STORE_FACTOR_PHONE;
		if (COL_TEXT(s, 6, out->phone_number))
			return STORE_NOT_FOUND;
	}
	out->failed_attempts = sqlite3_column_int(s, 11);
	out->last_failed_at = sqlite3_column_int64(s, 12);
	return STORE_OK;
}

static int
enrollment_query(struct store *st, sqlite3_stmt *s,
    struct store_enrollment *out)
{
	int r;

	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_enrollment(s, out);
	done(s);
	return r;
}

int
store_enrollment_get(struct store *st, int64_t user_id,
    const char *enrollment_id, struct store_enrollment *out)
{
	sqlite3_stmt *s = stmt(st, S_ENR_GET);

	bind_int64(st, s, 1, user_id);
	bind_text(st, s, 2, enrollment_id);
	return enrollment_query(st, s, out);
}

int
store_enrollment_by_rowid(struct store *st, int64_t id,
    struct store_enrollment *out)
{
	sqlite3_stmt *s = stmt(st, S_ENR_BY_ROWID);

	bind_int64(st, s, 1, id);
	return enrollment_query(st, s, out);
}

int
store_enrollment_find_phone(struct store *st, int64_t user_id,
    const char *phone, struct store_enrollment *out)
{
	sqlite3_stmt *s = stmt(st, S_ENR_FIND_PHONE);

	bind_int64(st, s, 1, user_id);
	bind_text(st, s, 2, phone);
	return enrollment_query(st, s, out);
}

int
store_enrollment_list(struct store *st, int64_t user_id,
    int (*fn)(const struct store_enrollment *, void *), void *arg)
{
	sqlite3_stmt *s = stmt(st, S_ENR_LIST);
	struct store_enrollment e;

	bind_int64(st, s, 1, user_id);
	EACH_ROW(st, s, e, read_enrollment, fn, arg);
}

int
store_credential_insert(struct store *st, const struct store_credential *c)
{
	sqlite3_stmt *s = stmt(st, S_CRED_INSERT);

	bind_text(st, s, 1, c->credential);
	bind_int64(st, s, 2, c->user_id);
	bind_text(st, s, 3, c->project_id);
	bind_text(st, s, 4, c->tenant_id);
	bind_text(st, s, 5, c->sign_in_provider[0] ? c->sign_in_provider :
	    "password");
	bind_int64(st, s, 6, c->created_at);
	bind_int64(st, s, 7, c->expires_at);
	bind_int64(st, s, 8, c->used_at);
	bind_int(st, s, 9, c->failed_attempts);
	return run(st, s);
}

static int
read_credential(sqlite3_stmt *s, struct store_credential *out)
{
	memset(out, 0, sizeof(*out));
	if (COL_TEXT(s, 0, out->credential) ||
	    COL_TEXT(s, 2, out->project_id) ||
	    COL_TEXT(s, 3, out->tenant_id) ||
	    COL_TEXT(s, 4, out->sign_in_provider))
		return STORE_NOT_FOUND;
	out->user_id = sqlite3_column_int64(s, 1);
	out->created_at = sqlite3_column_int64(s, 5);
	out->expires_at = sqlite3_column_int64(s, 6);
	out->used_at = sqlite3_column_int64(s, 7);
	out->failed_attempts = sqlite3_column_int(s, 8);
	return STORE_OK;
}

int
store_credential_get(struct store *st, const char *credential,
    struct store_credential *out)
{
	sqlite3_stmt *s = stmt(st, S_CRED_GET);
	int r;

	bind_text(st, s, 1, credential);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_credential(s, out);
	done(s);
	return r;
}

int
store_credential_use(struct store *st, const char *credential, int64_t now)
{
	sqlite3_stmt *s = stmt(st, S_CRED_USE);

	bind_text(st, s, 1, credential);
	bind_int64(st, s, 2, now);
	return run_changed(st, s);
}

int
store_credential_fail(struct store *st, const char *credential)
{
	sqlite3_stmt *s = stmt(st, S_CRED_FAIL);

	bind_text(st, s, 1, credential);
	return run(st, s);
}

int
store_sms_insert(struct store *st, const struct store_sms_session *x)
{
	sqlite3_stmt *s = stmt(st, S_SMS_INSERT);

	bind_text(st, s, 1, x->session_info);
	bind_text(st, s, 2, x->credential);
	bind_int64(st, s, 3, x->enrollment);
	bind_text(st, s, 4, x->phone_number);
	bind_text(st, s, 5, x->code);
	bind_int64(st, s, 6, x->created_at);
	bind_int64(st, s, 7, x->expires_at);
	bind_int(st, s, 8, x->attempts);
	bind_int64(st, s, 9, x->consumed_at);
	return run(st, s);
}

static int
read_sms(sqlite3_stmt *s, struct store_sms_session *out)
{
	memset(out, 0, sizeof(*out));
	if (COL_TEXT(s, 0, out->session_info) ||
	    COL_TEXT(s, 1, out->credential) ||
	    COL_TEXT(s, 3, out->phone_number) ||
	    COL_TEXT(s, 4, out->code))
		return STORE_NOT_FOUND;
	out->enrollment = sqlite3_column_int64(s, 2);
	out->created_at = sqlite3_column_int64(s, 5);
	out->expires_at = sqlite3_column_int64(s, 6);
	out->attempts = sqlite3_column_int(s, 7);
	out->consumed_at = sqlite3_column_int64(s, 8);
	return STORE_OK;
}

int
store_sms_get(struct store *st, const char *session_info,
    struct store_sms_session *out)
{
	sqlite3_stmt *s = stmt(st, S_SMS_GET);
	int r;

	bind_text(st, s, 1, session_info);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = read_sms(s, out);
	done(s);
	return r;
}

int
store_sms_fail(struct store *st, const char *session_info)
{
	sqlite3_stmt *s = stmt(st, S_SMS_FAIL);

	bind_text(st, s, 1, session_info);
	return run(st, s);
}

int
store_sms_consume(struct store *st, const char *session_info, int64_t now)
{
	sqlite3_stmt *s = stmt(st, S_SMS_CONSUME);

	bind_text(st, s, 1, session_info);
	bind_int64(st, s, 2, now);
	return run_changed(st, s);
}

int
store_outbox_add(struct store *st, const char *project, const char *tenant,
    const char *phone, const char *code, const char *session_info,
    int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = stmt(st, S_OUTBOX_ADD);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_text(st, s, 3, phone);
	bind_text(st, s, 4, code);
	bind_text(st, s, 5, session_info);
	bind_int64(st, s, 6, now);
	bind_int64(st, s, 7, expires_at);
	return run(st, s);
}

static int
read_outbox(sqlite3_stmt *s, struct store_outbox_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	if (COL_TEXT(s, 1, e->phone_number) || COL_TEXT(s, 2, e->code) ||
	    COL_TEXT(s, 3, e->session_info))
		return STORE_NOT_FOUND;
	e->created_at = sqlite3_column_int64(s, 4);
	return STORE_OK;
}

int
store_outbox_list(struct store *st, const char *project, const char *tenant,
    int (*fn)(const struct store_outbox_entry *, void *), void *arg)
{
	sqlite3_stmt *s = stmt(st, S_OUTBOX_LIST);
	struct store_outbox_entry e;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	EACH_ROW(st, s, e, read_outbox, fn, arg);
}

int
store_totp_use_step(struct store *st, int64_t enrollment, int64_t step,
    int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = stmt(st, S_TOTP_USE);

	bind_int64(st, s, 1, enrollment);
	bind_int64(st, s, 2, step);
	bind_int64(st, s, 3, now);
	bind_int64(st, s, 4, expires_at);
	return run_changed(st, s);
}

int
store_proof_insert(struct store *st, const struct store_proof *p)
{
	sqlite3_stmt *s = stmt(st, S_PROOF_INSERT);

	bind_text(st, s, 1, p->proof);
	bind_text(st, s, 2, p->project_id);
	bind_text(st, s, 3, p->tenant_id);
	bind_text(st, s, 4, p->phone_number);
	bind_int64(st, s, 5, p->expires_at);
	return run(st, s);
}

int
store_proof_get(struct store *st, const char *proof, struct store_proof *out)
{
	sqlite3_stmt *s = stmt(st, S_PROOF_GET);
	int r;

	bind_text(st, s, 1, proof);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	memset(out, 0, sizeof(*out));
	r = COL_TEXT(s, 0, out->proof) || COL_TEXT(s, 1, out->project_id) ||
	    COL_TEXT(s, 2, out->tenant_id) ||
	    COL_TEXT(s, 3, out->phone_number) ? STORE_NOT_FOUND : STORE_OK;
	out->expires_at = sqlite3_column_int64(s, 4);
	done(s);
	return r;
}

int
store_refresh_insert(struct store *st, const struct store_refresh *x)
{
	sqlite3_stmt *s = stmt(st, S_REFRESH_INSERT);

	bind_text(st, s, 1, x->token);
	bind_int64(st, s, 2, x->user_id);
	bind_text(st, s, 3, x->sign_in_provider);
	bind_text(st, s, 4, x->second_factor);
	bind_text(st, s, 5, x->enrollment_id);
	bind_int64(st, s, 6, x->auth_time);
	bind_int64(st, s, 7, x->created_at);
	return run(st, s);
}

int
store_refresh_get(struct store *st, const char *token,
    struct store_refresh *out)
{
	sqlite3_stmt *s = stmt(st, S_REFRESH_GET);
	int r;

	bind_text(st, s, 1, token);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	memset(out, 0, sizeof(*out));
	r = COL_TEXT(s, 0, out->token) ||
	    COL_TEXT(s, 2, out->sign_in_provider) ||
	    COL_TEXT(s, 3, out->second_factor) ||
	    COL_TEXT(s, 4, out->enrollment_id) ? STORE_NOT_FOUND : STORE_OK;
	out->user_id = sqlite3_column_int64(s, 1);
	out->auth_time = sqlite3_column_int64(s, 5);
	out->created_at = sqlite3_column_int64(s, 6);
	done(s);
	return r;
}

int
store_signing_key_get(struct store *st, char **pem)
{
	sqlite3_stmt *s = stmt(st, S_KEY_GET);
	int r;

	if ((r = row(st, s)) != STORE_OK)
		return r;
	*pem = strdup((const char *)sqlite3_column_text(s, 0));
	done(s);
	return *pem ? STORE_OK : STORE_ERROR;
}

int
store_signing_key_put(struct store *st, const char *kid, const char *pem,
    int64_t now)
{
	sqlite3_stmt *s = stmt(st, S_KEY_PUT);

	bind_text(st, s, 1, kid);
	bind_text(st, s, 2, pem);
	bind_int64(st, s, 3, now);
	return run(st, s);
}

int
store_delete_accounts(struct store *st, const char *project,
    const char *tenant)
{
	sqlite3_stmt *users, *outbox;
	int r;

	if (tenant == NULL) {
		users = stmt(st, S_DELETE_USERS_PROJECT);
		outbox = stmt(st, S_DELETE_OUTBOX_PROJECT);
	} else {
		users = stmt(st, S_DELETE_USERS_REALM);
		outbox = stmt(st, S_DELETE_OUTBOX_REALM);
		bind_text(st, users, 2, tenant);
		bind_text(st, outbox, 2, tenant);
	}
	bind_text(st, users, 1, project);
	bind_text(st, outbox, 1, project);
	if ((r = run(st, users)) != STORE_OK) {
		done(outbox);
		return r;
	}
	return run(st, outbox);
}

int64_t
store_prune(struct store *st, int64_t now, int64_t grace_ms, int batch,
    bool *more)
{
	static const enum store_stmt order[] = { S_PRUNE_SMS, S_PRUNE_CRED,
	    S_PRUNE_OUTBOX, S_PRUNE_TOTP, S_PRUNE_PROOF, S_PRUNE_ENS };
	int64_t removed = 0;

	*more = false;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		sqlite3_stmt *s = stmt(st, order[i]);
		/*
		 * A used TOTP step's expiry already is the last moment its
		 * code could be accepted; past it the row guards nothing.
		 */
		int64_t cutoff = order[i] == S_PRUNE_TOTP ? now :
		    now - grace_ms;
		int n;

		bind_int64(st, s, 1, cutoff);
		bind_int(st, s, 2, batch);
		if (run(st, s) != STORE_OK)
			return -1;
		/* A credential's cascade to its sessions is not counted. */
		n = sqlite3_changes(st->db);
		removed += n;
		if (n >= batch)
			*more = true;
	}
	return removed;
}

int
store_test_phone_list(struct store *st, const char *project,
    const char *tenant, int (*fn)(const char *, const char *, void *),
    void *arg)
{
	sqlite3_stmt *s = stmt(st, S_TEST_PHONE_LIST);
	int rc;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	while ((rc = step(st, s)) == SQLITE_ROW) {
		if (fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1), arg) != 0)
			break;
	}
	return rows_done(st, s, rc);
}

int
store_test_phone_clear(struct store *st, const char *project,
    const char *tenant)
{
	sqlite3_stmt *s = stmt(st, S_TEST_PHONE_CLEAR);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	return run(st, s);
}

int
store_reset_all(struct store *st)
{
	/* Users first: their rows cascade to everything hanging off them. */
	static const enum store_stmt order[] = { S_RESET_USERS,
	    S_RESET_OUTBOX, S_RESET_PROOFS, S_RESET_REALMS };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int r = run(st, stmt(st, order[i]));

		if (r != STORE_OK)
			return r;
	}
	return STORE_OK;
}

int
store_reset_realm(struct store *st, const char *project, const char *tenant)
{
	sqlite3_stmt *list[2];
	int r;

	if ((r = store_delete_accounts(st, project, tenant)) != STORE_OK)
		return r;
	list[0] = stmt(st, tenant ? S_RESET_PROOFS_ONE : S_RESET_PROOFS_PROJECT);
	list[1] = stmt(st, tenant ? S_RESET_REALM_ONE : S_RESET_REALM_PROJECT);
	for (int i = 0; i < 2; i++) {
		bind_text(st, list[i], 1, project);
		if (tenant != NULL)
			bind_text(st, list[i], 2, tenant);
		if ((r = run(st, list[i])) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

int
store_outbox_clear(struct store *st, const char *project, const char *tenant)
{
	sqlite3_stmt *s = stmt(st, S_OUTBOX_CLEAR);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	return run(st, s);
}

/*
 * Listing functions: run a statement bound to `project`, read each row
 * into a row struct and pass it to the caller's callback; rows that do
 * not fit their struct are skipped.
 */
#define STORE_LIST_FN(fname, stmt_id, type, reader)			\
int									\
fname(struct store *st, const char *project,				\
    int (*fn)(const struct type *, void *), void *arg)			\
{									\
	sqlite3_stmt *s = stmt(st, stmt_id);				\
	struct type item;						\
									\
	bind_text(st, s, 1, project);					\
	EACH_ROW(st, s, item, reader, fn, arg);				\
}

STORE_LIST_FN(store_user_list, S_USER_LIST, store_user, read_user)
STORE_LIST_FN(store_credential_list, S_CRED_LIST, store_credential,
    read_credential)
STORE_LIST_FN(store_sms_list, S_SMS_LIST, store_sms_session, read_sms)

int
store_enroll_session_insert(struct store *st,
    const struct store_enroll_session *x)
{
	sqlite3_stmt *s = stmt(st, S_ENS_INSERT);
	int totp = x->kind == STORE_FACTOR_TOTP;

	bind_text(st, s, 1, x->session_info);
	bind_int64(st, s, 2, x->user_id);
	bind_text(st, s, 3, totp ? "totp" : "phone");
	if (totp) {
		bind_blob(st, s, 6, x->totp_secret, x->totp_secret_len);
		bind_text(st, s, 7, totp_alg_name(x->totp_alg));
		bind_int(st, s, 8, x->totp_digits);
		bind_int(st, s, 9, x->totp_period);
	} else {
		bind_text(st, s, 4, x->phone_number);
		bind_text(st, s, 5, x->code);
	}
	bind_int64(st, s, 10, x->created_at);
	bind_int64(st, s, 11, x->expires_at);
	return run(st, s);
}

int
store_enroll_session_get(struct store *st, const char *session_info,
    struct store_enroll_session *out)
{
	sqlite3_stmt *s = stmt(st, S_ENS_GET);
	const char *kind, *alg;
	int r, n;

	bind_text(st, s, 1, session_info);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	memset(out, 0, sizeof(*out));
	kind = (const char *)sqlite3_column_text(s, 2);
	r = COL_TEXT(s, 0, out->session_info) ||
	    COL_TEXT(s, 3, out->phone_number) ||
	    COL_TEXT(s, 4, out->code) ? STORE_NOT_FOUND : STORE_OK;
	out->user_id = sqlite3_column_int64(s, 1);
	out->kind = kind && strcmp(kind, "totp") == 0 ? STORE_FACTOR_TOTP :
	    STORE_FACTOR_PHONE;
	if (r == STORE_OK && out->kind == STORE_FACTOR_TOTP) {
		n = sqlite3_column_bytes(s, 5);
		alg = (const char *)sqlite3_column_text(s, 6);
		if (n <= 0 || n > TOTP_MAX_SECRET || alg == NULL ||
		    totp_alg_parse(alg, &out->totp_alg)) {
			r = STORE_ERROR;
		} else {
			memcpy(out->totp_secret, sqlite3_column_blob(s, 5),
			    (size_t)n);
			out->totp_secret_len = (size_t)n;
			out->totp_digits = sqlite3_column_int(s, 7);
			out->totp_period = sqlite3_column_int(s, 8);
		}
	}
	out->created_at = sqlite3_column_int64(s, 9);
	out->expires_at = sqlite3_column_int64(s, 10);
	out->attempts = sqlite3_column_int(s, 11);
	out->consumed_at = sqlite3_column_int64(s, 12);
	done(s);
	return r;
}

int
store_enroll_session_fail(struct store *st, const char *session_info)
{
	sqlite3_stmt *s = stmt(st, S_ENS_FAIL);

	bind_text(st, s, 1, session_info);
	return run(st, s);
}

int
store_enroll_session_consume(struct store *st, const char *session_info,
    int64_t now)
{
	sqlite3_stmt *s = stmt(st, S_ENS_CONSUME);

	bind_text(st, s, 1, session_info);
	bind_int64(st, s, 2, now);
	return run_changed(st, s);
}

int
store_enrollment_delete(struct store *st, int64_t user_id,
    const char *enrollment_id)
{
	sqlite3_stmt *s = stmt(st, S_ENR_DELETE);
	int r;

	bind_int64(st, s, 1, user_id);
	bind_text(st, s, 2, enrollment_id);
	r = run(st, s);
	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		return STORE_NOT_FOUND;
	return r;
}

int
store_user_page(struct store *st, const char *project, const char *tenant,
    int64_t after, int limit, int (*fn)(const struct store_user *, void *),
    void *arg)
{
	sqlite3_stmt *s = stmt(st, S_USER_PAGE);
	struct store_user u;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_int64(st, s, 3, after);
	bind_int(st, s, 4, limit);
	EACH_ROW(st, s, u, read_user, fn, arg);
}

int
store_user_update(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s = stmt(st, S_USER_UPDATE);

	bind_int64(st, s, 1, u->id);
	bind_text(st, s, 2, u->email);
	bind_text(st, s, 3, u->display_name);
	bind_text(st, s, 4, u->phone_number);
	bind_int(st, s, 5, u->email_verified != 0);
	bind_int(st, s, 6, u->disabled != 0);
	bind_int64(st, s, 7, u->valid_since);
	return run(st, s);
}

int
store_user_set_password(struct store *st, int64_t id, const uint8_t *salt,
    size_t saltlen, const uint8_t *hash, size_t hashlen)
{
	sqlite3_stmt *s = stmt(st, S_USER_SET_PASSWORD);

	bind_int64(st, s, 1, id);
	bind_blob(st, s, 2, salt, saltlen);
	bind_blob(st, s, 3, hash, hashlen);
	return run(st, s);
}

int
store_user_delete(struct store *st, int64_t id)
{
	sqlite3_stmt *s = stmt(st, S_USER_DELETE);
	int r;

	bind_int64(st, s, 1, id);
	r = run(st, s);
	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		return STORE_NOT_FOUND;
	return r;
}

int
store_enrollment_clear(struct store *st, int64_t user_id)
{
	sqlite3_stmt *s = stmt(st, S_ENR_CLEAR);

	bind_int64(st, s, 1, user_id);
	return run(st, s);
}

int
store_savepoint(struct store *st)
{
	return run(st, stmt(st, S_SAVEPOINT));
}

int
store_savepoint_release(struct store *st)
{
	return run(st, stmt(st, S_SAVEPOINT_RELEASE));
}

int
store_savepoint_rollback(struct store *st)
{
	/*
	 * The item's changes may still be in the transaction: refuse every
	 * statement and the commit from now on (see step()).
	 */
	if (run(st, stmt(st, S_SAVEPOINT_ROLLBACK)) != STORE_OK) {
		st->abandoned = true;
		return STORE_ERROR;
	}
	/* ROLLBACK TO keeps the savepoint; RELEASE then drops it. */
	return run(st, stmt(st, S_SAVEPOINT_RELEASE));
}

int
store_tenant_name_get(struct store *st, const char *project,
    const char *tenant, char *out, size_t outlen)
{
	sqlite3_stmt *s = stmt(st, S_TENANT_NAME_GET);
	int r;

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	if ((r = row(st, s)) != STORE_OK)
		return r;
	r = col_text(s, 0, out, outlen) ? STORE_NOT_FOUND : STORE_OK;
	done(s);
	return r;
}

int
store_tenant_name_put(struct store *st, const char *project,
    const char *tenant, const char *name)
{
	sqlite3_stmt *s = stmt(st, S_TENANT_NAME_PUT);

	bind_text(st, s, 1, project);
	bind_text(st, s, 2, tenant);
	bind_text(st, s, 3, name);
	return run(st, s);
}

int
store_enrollment_fail(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt *s = stmt(st, S_ENR_FAIL);

	bind_int64(st, s, 1, id);
	bind_int64(st, s, 2, now);
	return run(st, s);
}

int
store_enrollment_ok(struct store *st, int64_t id)
{
	sqlite3_stmt *s = stmt(st, S_ENR_OK);

	bind_int64(st, s, 1, id);
	return run(st, s);
}
