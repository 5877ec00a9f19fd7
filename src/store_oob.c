/*
 * Out-of-band codes: what accounts:sendOobCode mails (as links) and
 * accounts:update, :resetPassword and :signInWithEmailLink apply, each at
 * most once. The pruner (store_realms.c) drops them past their expiry.
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

/* A row of STORE_OOB_COLUMNS. */
static int
read_oob(sqlite3_stmt *s, void *item)
{
	struct store_oob *out = item;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	if (STORE_COL_TEXT(s, 1, out->code) ||
	    STORE_COL_TEXT(s, 2, out->project_id) ||
	    STORE_COL_TEXT(s, 3, out->tenant_id) ||
	    STORE_COL_TEXT(s, 4, out->request_type) ||
	    STORE_COL_TEXT(s, 5, out->email) ||
	    STORE_COL_TEXT(s, 6, out->new_email) ||
	    STORE_COL_TEXT(s, 7, out->link))
		return STORE_NOT_FOUND;
	out->created_at = sqlite3_column_int64(s, 8);
	out->expires_at = sqlite3_column_int64(s, 9);
	out->used_at = sqlite3_column_int64(s, 10);
	return STORE_OK;
}

int
store_oob_insert(struct store *st, const struct store_oob *o)
{
	sqlite3_stmt *s = store_stmt(st, S_OOB_INSERT);

	store_bind_text(st, s, 1, o->code);
	store_bind_text(st, s, 2, o->project_id);
	store_bind_text(st, s, 3, o->tenant_id);
	store_bind_text(st, s, 4, o->request_type);
	store_bind_text(st, s, 5, o->email);
	store_bind_text(st, s, 6, o->new_email);
	store_bind_text(st, s, 7, o->link);
	store_bind_int64(st, s, 8, o->created_at);
	store_bind_int64(st, s, 9, o->expires_at);
	return store_run(st, s);
}

int
store_oob_get(struct store *st, const char *code, struct store_oob *out)
{
	sqlite3_stmt *s;

	if (strlen(code) > STORE_TOKEN_MAX)
		return STORE_NOT_FOUND;
	s = store_stmt(st, S_OOB_GET);
	store_bind_text(st, s, 1, code);
	return store_read_row(st, s, read_oob, out);
}

int
store_oob_use(struct store *st, const char *code, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, S_OOB_USE);

	store_bind_text(st, s, 1, code);
	store_bind_int64(st, s, 2, now);
	return store_run_changed(st, s);
}

struct oob_visitor {
	int (*fn)(const struct store_oob *, void *);
	void *arg;
};

static int
visit_oob(sqlite3_stmt *s, void *ctx)
{
	const struct oob_visitor *v = ctx;
	struct store_oob o;

	/* A row that does not fit its struct is skipped. */
	if (read_oob(s, &o) != STORE_OK)
		return 0;
	return v->fn(&o, v->arg);
}

int
store_oob_list(struct store *st, const char *project, const char *tenant,
    int (*fn)(const struct store_oob *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_OOB_LIST);
	struct oob_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	return store_each_row(st, s, visit_oob, &v);
}

int
store_oob_clear(struct store *st, const char *project, const char *tenant)
{
	sqlite3_stmt *s = store_stmt(st, S_OOB_CLEAR);

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	return store_run(st, s);
}
