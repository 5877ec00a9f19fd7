/*
 * Federated identities linked to users: one row per (user, provider),
 * and a (provider, raw id) pair names at most one user of its realm.
 * Deleting a user cascades to its rows.
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

int
store_provider_put(struct store *st, const struct store_user *u,
    const struct store_provider *p)
{
	sqlite3_stmt *s = store_stmt(st, S_PROVIDER_PUT);

	store_bind_int64(st, s, 1, u->id);
	store_bind_text(st, s, 2, u->project_id);
	store_bind_text(st, s, 3, u->tenant_id);
	store_bind_text(st, s, 4, p->provider_id);
	store_bind_text(st, s, 5, p->raw_id);
	store_bind_text(st, s, 6, p->federated_id);
	store_bind_text(st, s, 7, p->email);
	store_bind_text(st, s, 8, p->display_name);
	store_bind_text(st, s, 9, p->photo_url);
	store_bind_text(st, s, 10, p->screen_name);
	return store_run(st, s);
}

int
store_provider_owner(struct store *st, const char *project,
    const char *tenant, const char *provider_id, const char *raw_id,
    int64_t *user_id)
{
	sqlite3_stmt *s = store_stmt(st, S_PROVIDER_OWNER);
	int r;

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	store_bind_text(st, s, 3, provider_id);
	store_bind_text(st, s, 4, raw_id);
	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	*user_id = sqlite3_column_int64(s, 0);
	store_done(s);
	return STORE_OK;
}

static int
read_provider(sqlite3_stmt *s, struct store_provider *out)
{
	memset(out, 0, sizeof(*out));
	out->user_id = sqlite3_column_int64(s, 0);
	return STORE_COL_TEXT(s, 1, out->provider_id) ||
	    STORE_COL_TEXT(s, 2, out->raw_id) ||
	    STORE_COL_TEXT(s, 3, out->federated_id) ||
	    STORE_COL_TEXT(s, 4, out->email) ||
	    STORE_COL_TEXT(s, 5, out->display_name) ||
	    STORE_COL_TEXT(s, 6, out->photo_url) ||
	    STORE_COL_TEXT(s, 7, out->screen_name) ? STORE_NOT_FOUND :
	    STORE_OK;
}

struct provider_visitor {
	int (*fn)(const struct store_provider *, void *);
	void *arg;
};

static int
visit_provider(sqlite3_stmt *s, void *ctx)
{
	const struct provider_visitor *v = ctx;
	struct store_provider p;

	/* A row that does not fit its struct is skipped. */
	if (read_provider(s, &p) != STORE_OK)
		return 0;
	return v->fn(&p, v->arg);
}

int
store_provider_list(struct store *st, int64_t user_id,
    int (*fn)(const struct store_provider *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_PROVIDER_LIST);
	struct provider_visitor v = { fn, arg };

	store_bind_int64(st, s, 1, user_id);
	return store_each_row(st, s, visit_provider, &v);
}

int
store_provider_delete(struct store *st, int64_t user_id,
    const char *provider_id)
{
	sqlite3_stmt *s = store_stmt(st, S_PROVIDER_DELETE);

	store_bind_int64(st, s, 1, user_id);
	store_bind_text(st, s, 2, provider_id);
	return store_run_deleted(st, s);
}
