/*
 * Inside the store: struct store and the helpers store.c gives the
 * store_*.c files (one per concern: users, MFA, tokens, realms). Only
 * store*.c include this header; everyone else sees store.h.
 *
 * Every helper here runs under the store lock (between store_begin and
 * store_commit/store_rollback), as the public functions that call it do.
 *
 * The pattern of a store function: take its prepared statement with
 * store_stmt(), bind by number with store_bind_*(), then one of
 *   store_run()       no rows (INSERT, UPDATE, DELETE);
 *   store_read_row()  one row, read by a row reader;
 *   store_each_row()  every row, each handed to a visitor.
 * Each leaves the statement reset and its bindings cleared.
 */
#ifndef MFAEMU_STORE_PRIVATE_H
#define MFAEMU_STORE_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

enum store_stmt {
#define STMT(name, sql) S_##name,
#include "store_statements.def"
#undef STMT
	S__COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S__COUNT];
	pthread_mutex_t lock;
	/* Both below are used only by the thread holding the lock. */
	int bind_rc;		/* the first failed bind not yet reported */
	bool abandoned;		/* a ROLLBACK TO failed: only rollback now */
};

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id);

/*
 * Bind parameter `i` of `s`. A failed bind is kept, and the statement's
 * run reports it instead of stepping (see store.c). Text NULL binds SQL
 * NULL; store_bind_opt_text binds "" as NULL too.
 */
void store_bind_text(struct store *st, sqlite3_stmt *s, int i,
    const char *v);
void store_bind_opt_text(struct store *st, sqlite3_stmt *s, int i,
    const char *v);
void store_bind_int(struct store *st, sqlite3_stmt *s, int i, int v);
void store_bind_int64(struct store *st, sqlite3_stmt *s, int i, int64_t v);
void store_bind_blob(struct store *st, sqlite3_stmt *s, int i,
    const void *v, size_t n);

/*
 * Run a statement that returns no rows: STORE_OK, STORE_EXISTS when it
 * broke a unique key, or STORE_ERROR.
 */
int store_run(struct store *st, sqlite3_stmt *s);
/* An UPDATE or INSERT OR IGNORE: OK if it changed a row, else EXISTS. */
int store_run_changed(struct store *st, sqlite3_stmt *s);
/* A DELETE of one thing: OK if it removed a row, else NOT_FOUND. */
int store_run_deleted(struct store *st, sqlite3_stmt *s);

/*
 * Step a single-row query: STORE_OK with the row current (read it, then
 * store_done), NOT_FOUND, or ERROR (both reset the statement).
 */
int store_row(struct store *st, sqlite3_stmt *s);
/* Reset a statement and clear its bindings. */
void store_done(sqlite3_stmt *s);

/*
 * A row reader copies the current row of `s` into `out` (a row struct,
 * cleared first): STORE_OK, NOT_FOUND when a value does not fit its field
 * (never truncated), or ERROR when a value is malformed.
 */
typedef int store_row_reader(sqlite3_stmt *s, void *out);

/* Step a single-row query and read its row: what `read` returns. */
int store_read_row(struct store *st, sqlite3_stmt *s, store_row_reader *read,
    void *out);

/*
 * Step `s` through its rows, calling visit(s, ctx) on each until it
 * returns non-zero; then reset `s`. STORE_OK, or STORE_ERROR when a step
 * failed. A visitor reads the row (skipping one that does not fit its
 * struct) and hands it to its caller's callback.
 */
int store_each_row(struct store *st, sqlite3_stmt *s,
    int (*visit)(sqlite3_stmt *s, void *ctx), void *ctx);

/* Copy a text column; -1 when it does not fit (never truncate ids). */
int store_col_text(sqlite3_stmt *s, int i, char *out, size_t cap);
#define STORE_COL_TEXT(s, i, field) \
	store_col_text((s), (i), (field), sizeof(field))

#endif
