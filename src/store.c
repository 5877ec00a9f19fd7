/*
 * The store's core: open and migrate, the lock and transactions, and the
 * bind/step/row helpers every store_*.c file runs its statements with
 * (store_private.h). What the store keeps is in those files: users
 * (store_users.c), second factors and their sessions (store_mfa.c),
 * credentials and tokens (store_tokens.c), realms, resets and the pruner
 * (store_realms.c). The SQL of all of them is store_statements.def.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "file.h"
#include "store.h"
#include "store_private.h"
#include "store_schema.h"

static const char *const store_sql[] = {
#define STMT(name, sql) sql,
#include "store_statements.def"
#undef STMT
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

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %zu",
		    i + 1);
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

/* WAL and NORMAL sync for a file store; in memory they do not apply. */
static int
use_file(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char reason[200];

	/* Reading first turns "not a database" into a clear failure. */
	if (exec_sql(db, "PRAGMA journal_mode = WAL", reason,
	    sizeof(reason)) ||
	    exec_sql(db, "PRAGMA synchronous = NORMAL", reason,
	    sizeof(reason))) {
		set_err(err, errlen, "cannot use %s as a store: %s", path,
		    reason);
		return -1;
	}
	return 0;
}

static int
prepare_all(struct store *st, char *err, size_t errlen)
{
	for (int i = 0; i < S__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			set_err(err, errlen, "preparing statement %d: %s", i,
			    sqlite3_errmsg(st->db));
			return -1;
		}
	}
	return 0;
}

/* The connection to `path` (NULL: a new in-memory database), not set up. */
static struct store *
store_connect(const char *path, char *err, size_t errlen)
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
		store_close(st);
		return NULL;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	return st;
}

/* Foreign keys, WAL for a file, the migrations and the statements. */
static struct store *
store_setup(struct store *st, const char *path, char *err, size_t errlen)
{
	if (st == NULL)
		return NULL;
	if (exec_sql(st->db, "PRAGMA foreign_keys = ON", err, errlen) ||
	    (path != NULL && use_file(st->db, path, err, errlen)) ||
	    migrate(st->db, err, errlen) || prepare_all(st, err, errlen)) {
		store_close(st);
		return NULL;
	}
	return st;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	return store_setup(store_connect(path, err, errlen), path, err,
	    errlen);
}

/* A file store's bytes into the in-memory database of `st`. */
static int
store_load_copy(struct store *st, const char *path, char *err,
    size_t errlen)
{
	size_t n;
	char *bytes = file_read_all(path, (size_t)1 << 40, &n, err, errlen);
	unsigned char *copy;

	if (bytes == NULL)
		return -1;
	copy = n > 0 ? sqlite3_malloc64(n) : NULL;
	if (copy != NULL)
		memcpy(copy, bytes, n);
	free(bytes);
	if (n > 0 && copy == NULL) {
		set_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* Bytes 18-19 say WAL (2); an in-memory database journals (1). */
	if (n >= 20 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;
	if (n > 0 && sqlite3_deserialize(st->db, "main", copy, (sqlite3_int64)n,
	    (sqlite3_int64)n, SQLITE_DESERIALIZE_FREEONCLOSE |
	    SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK) {
		set_err(err, errlen, "cannot use %s as a store: %s", path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

struct store *
store_open_copy(const char *path, char *err, size_t errlen)
{
	struct store *st;
	char reason[512];

	if (path == NULL)
		return store_open(NULL, err, errlen);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return file_check_creatable(path, err, errlen) ? NULL :
		    store_open(NULL, err, errlen);
	if ((st = store_connect(NULL, err, errlen)) == NULL)
		return NULL;
	if (store_load_copy(st, path, err, errlen) != 0) {
		store_close(st);
		return NULL;
	}
	if ((st = store_setup(st, NULL, reason, sizeof(reason))) == NULL)
		set_err(err, errlen, "cannot use %s as a store: %s", path,
		    reason);
	return st;
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


sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt id)
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

void
store_bind_text(struct store *st, sqlite3_stmt *s, int i, const char *v)
{
	bound(st, v == NULL ? sqlite3_bind_null(s, i) :
	    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC));
}

void
store_bind_opt_text(struct store *st, sqlite3_stmt *s, int i, const char *v)
{
	store_bind_text(st, s, i, v && *v ? v : NULL);
}

void
store_bind_int(struct store *st, sqlite3_stmt *s, int i, int v)
{
	bound(st, sqlite3_bind_int(s, i, v));
}

void
store_bind_int64(struct store *st, sqlite3_stmt *s, int i, int64_t v)
{
	bound(st, sqlite3_bind_int64(s, i, v));
}

void
store_bind_blob(struct store *st, sqlite3_stmt *s, int i, const void *v,
    size_t n)
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

void
store_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static int
fail_stmt(struct store *st, sqlite3_stmt *s, int rc)
{
	/* SQLite's message is of its last call, which a good bind clears. */
	snprintf(errmsg, sizeof(errmsg), "%s (%d)",
	    sqlite3_errcode(st->db) == rc ? sqlite3_errmsg(st->db) :
	    sqlite3_errstr(rc), rc);
	store_done(s);
	return STORE_ERROR;
}

int
store_run(struct store *st, sqlite3_stmt *s)
{
	int rc = step(st, s);

	if (rc == SQLITE_DONE) {
		store_done(s);
		return STORE_OK;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		store_done(s);
		return STORE_EXISTS;
	}
	return fail_stmt(st, s, rc);
}

/* Run a statement meant to change a row: `none` when it changed none. */
static int
run_one(struct store *st, sqlite3_stmt *s, int none)
{
	int r = store_run(st, s);

	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		return none;
	return r;
}

int
store_run_changed(struct store *st, sqlite3_stmt *s)
{
	return run_one(st, s, STORE_EXISTS);
}

int
store_run_deleted(struct store *st, sqlite3_stmt *s)
{
	return run_one(st, s, STORE_NOT_FOUND);
}

int
store_row(struct store *st, sqlite3_stmt *s)
{
	int rc = step(st, s);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE) {
		store_done(s);
		return STORE_NOT_FOUND;
	}
	return fail_stmt(st, s, rc);
}

int
store_read_row(struct store *st, sqlite3_stmt *s, store_row_reader *read,
    void *out)
{
	int r;

	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	r = read(s, out);
	store_done(s);
	return r;
}

int
store_each_row(struct store *st, sqlite3_stmt *s,
    int (*visit)(sqlite3_stmt *, void *), void *ctx)
{
	int rc;

	while ((rc = step(st, s)) == SQLITE_ROW) {
		if (visit(s, ctx) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail_stmt(st, s, rc);
	store_done(s);
	return STORE_OK;
}

int
store_col_text(sqlite3_stmt *s, int i, char *out, size_t cap)
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
	return store_run(st, store_stmt(st, S_ROLLBACK)) == STORE_OK ? 0 : -1;
}

int
store_begin(struct store *st)
{
	store_lock(st);
	/* A ROLLBACK that failed left its transaction open: end it first. */
	if (end_transaction(st) != 0 ||
	    store_run(st, store_stmt(st, S_BEGIN)) != STORE_OK) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	return 0;
}

int
store_commit(struct store *st)
{
	int r = store_run(st, store_stmt(st, S_COMMIT));

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

int
store_savepoint(struct store *st)
{
	return store_run(st, store_stmt(st, S_SAVEPOINT));
}

int
store_savepoint_release(struct store *st)
{
	return store_run(st, store_stmt(st, S_SAVEPOINT_RELEASE));
}

int
store_savepoint_rollback(struct store *st)
{
	/*
	 * The item's changes may still be in the transaction: refuse every
	 * statement and the commit from now on (see step()).
	 */
	if (store_run(st, store_stmt(st, S_SAVEPOINT_ROLLBACK)) != STORE_OK) {
		st->abandoned = true;
		return STORE_ERROR;
	}
	/* ROLLBACK TO keeps the savepoint; RELEASE then drops it. */
	return store_run(st, store_stmt(st, S_SAVEPOINT_RELEASE));
}
