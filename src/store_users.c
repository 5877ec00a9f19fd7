/*
 * Users: insert, look up by row id or a unique key of their realm, list,
 * page, update, password and delete. Deleting a user cascades (foreign
 * keys) to its enrollments, credentials, sessions and refresh tokens.
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

/* A row of STORE_USER_COLUMNS. */
static int
read_user(sqlite3_stmt *s, void *item)
{
	struct store_user *out = item;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	if (STORE_COL_TEXT(s, 1, out->project_id) ||
	    STORE_COL_TEXT(s, 2, out->tenant_id) ||
	    STORE_COL_TEXT(s, 3, out->local_id) ||
	    STORE_COL_TEXT(s, 4, out->email) ||
	    STORE_COL_TEXT(s, 5, out->display_name) ||
	    STORE_COL_TEXT(s, 6, out->phone_number) ||
	    STORE_COL_TEXT(s, 11, out->photo_url) ||
	    STORE_COL_TEXT(s, 17, out->custom_attributes))
		return STORE_NOT_FOUND;
	out->email_verified = sqlite3_column_int(s, 7);
	out->disabled = sqlite3_column_int(s, 8);
	out->created_at = sqlite3_column_int64(s, 9);
	out->valid_since = sqlite3_column_int64(s, 10);
	out->last_login_at = sqlite3_column_int64(s, 12);
	out->last_refresh_at = sqlite3_column_int64(s, 13);
	out->password_updated_at = sqlite3_column_int64(s, 14);
	out->email_link_signin = sqlite3_column_int(s, 15);
	out->has_password = sqlite3_column_int(s, 16);
	return STORE_OK;
}

/* A listing's callback; store_each_row visits the rows with visit_user. */
struct user_visitor {
	int (*fn)(const struct store_user *, void *);
	void *arg;
};

static int
visit_user(sqlite3_stmt *s, void *ctx)
{
	const struct user_visitor *v = ctx;
	struct store_user u;

	/* A row that does not fit its struct is skipped. */
	if (read_user(s, &u) != STORE_OK)
		return 0;
	return v->fn(&u, v->arg);
}

/* Bind a user's row id to parameter 1 of `s`, which it returns. */
static sqlite3_stmt *
user_stmt(struct store *st, enum store_stmt id, int64_t user_id)
{
	sqlite3_stmt *s = store_stmt(st, id);

	store_bind_int64(st, s, 1, user_id);
	return s;
}

int
store_user_insert(struct store *st, struct store_user *u,
    const uint8_t *salt, size_t saltlen, const uint8_t *hash, size_t hashlen)
{
	sqlite3_stmt *s = store_stmt(st, S_USER_INSERT);
	int r;

	store_bind_text(st, s, 1, u->project_id);
	store_bind_text(st, s, 2, u->tenant_id);
	store_bind_text(st, s, 3, u->local_id);
	store_bind_opt_text(st, s, 4, u->email);
	if (salt != NULL && hash != NULL) {
		store_bind_blob(st, s, 5, salt, saltlen);
		store_bind_blob(st, s, 6, hash, hashlen);
	}
	store_bind_opt_text(st, s, 7, u->display_name);
	store_bind_opt_text(st, s, 8, u->phone_number);
	store_bind_int(st, s, 9, u->email_verified != 0);
	store_bind_int(st, s, 10, u->disabled != 0);
	store_bind_int64(st, s, 11, u->created_at);
	store_bind_int64(st, s, 12, u->valid_since);
	store_bind_text(st, s, 13, u->photo_url);
	store_bind_int64(st, s, 14, u->last_login_at);
	store_bind_int64(st, s, 15, u->last_refresh_at);
	store_bind_int64(st, s, 16, salt != NULL && hash != NULL ?
	    u->password_updated_at : 0);
	store_bind_int(st, s, 17, u->email_link_signin != 0);
	store_bind_text(st, s, 18, u->custom_attributes);
	r = store_run(st, s);
	if (r == STORE_OK)
		u->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int
store_user_get(struct store *st, int64_t id, struct store_user *out)
{
	return store_read_row(st, user_stmt(st, S_USER_GET, id), read_user,
	    out);
}

int
store_user_max_id(struct store *st, int64_t *out)
{
	sqlite3_stmt *s = store_stmt(st, S_USER_MAX_ID);
	int r;

	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	*out = sqlite3_column_int64(s, 0);
	store_done(s);
	return STORE_OK;
}

/* A user of a realm by one unique key (localId, email or phone). */
static int
user_by(struct store *st, enum store_stmt id, const char *project,
    const char *tenant, const char *key, struct store_user *out)
{
	sqlite3_stmt *s = store_stmt(st, id);

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	store_bind_text(st, s, 3, key);
	return store_read_row(st, s, read_user, out);
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
store_user_list(struct store *st, const char *project,
    int (*fn)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_USER_LIST);
	struct user_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	return store_each_row(st, s, visit_user, &v);
}

int
store_user_page(struct store *st, const char *project, const char *tenant,
    int64_t after, int limit, int (*fn)(const struct store_user *, void *),
    void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_USER_PAGE);
	struct user_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	store_bind_int64(st, s, 3, after);
	store_bind_int(st, s, 4, limit);
	return store_each_row(st, s, visit_user, &v);
}

int
store_user_update(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s = store_stmt(st, S_USER_UPDATE);

	store_bind_int64(st, s, 1, u->id);
	store_bind_text(st, s, 2, u->email);
	store_bind_text(st, s, 3, u->display_name);
	store_bind_text(st, s, 4, u->phone_number);
	store_bind_int(st, s, 5, u->email_verified != 0);
	store_bind_int(st, s, 6, u->disabled != 0);
	store_bind_int64(st, s, 7, u->valid_since);
	store_bind_text(st, s, 8, u->photo_url);
	store_bind_int64(st, s, 9, u->last_login_at);
	store_bind_int64(st, s, 10, u->last_refresh_at);
	store_bind_int(st, s, 11, u->email_link_signin != 0);
	store_bind_text(st, s, 12, u->custom_attributes);
	return store_run(st, s);
}

int
store_user_password(struct store *st, int64_t id, uint8_t *salt,
    size_t *saltlen, uint8_t *hash, size_t *hashlen)
{
	sqlite3_stmt *s = user_stmt(st, S_USER_PASSWORD, id);
	int r, ns, nh;

	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	ns = sqlite3_column_bytes(s, 0);
	nh = sqlite3_column_bytes(s, 1);
	if (sqlite3_column_type(s, 1) != SQLITE_BLOB || ns <= 0 || nh <= 0 ||
	    (size_t)ns > *saltlen || (size_t)nh > *hashlen) {
		store_done(s);
		return STORE_NOT_FOUND;
	}
	memcpy(salt, sqlite3_column_blob(s, 0), (size_t)ns);
	memcpy(hash, sqlite3_column_blob(s, 1), (size_t)nh);
	*saltlen = (size_t)ns;
	*hashlen = (size_t)nh;
	store_done(s);
	return STORE_OK;
}

int
store_user_set_password(struct store *st, int64_t id, const uint8_t *salt,
    size_t saltlen, const uint8_t *hash, size_t hashlen, int64_t now)
{
	sqlite3_stmt *s = user_stmt(st, S_USER_SET_PASSWORD, id);

	store_bind_blob(st, s, 2, salt, saltlen);
	store_bind_blob(st, s, 3, hash, hashlen);
	store_bind_int64(st, s, 4, now);
	return store_run(st, s);
}

int
store_user_clear_password(struct store *st, int64_t id)
{
	return store_run(st, user_stmt(st, S_USER_CLEAR_PASSWORD, id));
}

int
store_user_touch(struct store *st, int64_t id, int64_t now, bool login)
{
	sqlite3_stmt *s = user_stmt(st, S_USER_TOUCH, id);

	store_bind_int64(st, s, 2, now);
	store_bind_int(st, s, 3, login);
	return store_run(st, s);
}

int
store_user_delete(struct store *st, int64_t id)
{
	return store_run_deleted(st, user_stmt(st, S_USER_DELETE, id));
}
