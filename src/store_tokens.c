/*
 * What sign-in hands out: pending MFA credentials (each used at most
 * once), refresh tokens, Android proofs, and the keys that sign ID tokens.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

/* A row of STORE_CREDENTIAL_COLUMNS. */
static int
read_credential(sqlite3_stmt *s, void *item)
{
	struct store_credential *out = item;

	memset(out, 0, sizeof(*out));
	if (STORE_COL_TEXT(s, 0, out->credential) ||
	    STORE_COL_TEXT(s, 2, out->project_id) ||
	    STORE_COL_TEXT(s, 3, out->tenant_id) ||
	    STORE_COL_TEXT(s, 4, out->sign_in_provider))
		return STORE_NOT_FOUND;
	out->user_id = sqlite3_column_int64(s, 1);
	out->created_at = sqlite3_column_int64(s, 5);
	out->expires_at = sqlite3_column_int64(s, 6);
	out->used_at = sqlite3_column_int64(s, 7);
	out->failed_attempts = sqlite3_column_int(s, 8);
	return STORE_OK;
}

struct credential_visitor {
	int (*fn)(const struct store_credential *, void *);
	void *arg;
};

static int
visit_credential(sqlite3_stmt *s, void *ctx)
{
	const struct credential_visitor *v = ctx;
	struct store_credential c;

	/* A row that does not fit its struct is skipped. */
	if (read_credential(s, &c) != STORE_OK)
		return 0;
	return v->fn(&c, v->arg);
}

int
store_credential_insert(struct store *st, const struct store_credential *c)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_INSERT);

	store_bind_text(st, s, 1, c->credential);
	store_bind_int64(st, s, 2, c->user_id);
	store_bind_text(st, s, 3, c->project_id);
	store_bind_text(st, s, 4, c->tenant_id);
	store_bind_text(st, s, 5, c->sign_in_provider[0] ?
	    c->sign_in_provider : "password");
	store_bind_int64(st, s, 6, c->created_at);
	store_bind_int64(st, s, 7, c->expires_at);
	store_bind_int64(st, s, 8, c->used_at);
	store_bind_int(st, s, 9, c->failed_attempts);
	return store_run(st, s);
}

int
store_credential_get(struct store *st, const char *credential,
    struct store_credential *out)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_GET);

	store_bind_text(st, s, 1, credential);
	return store_read_row(st, s, read_credential, out);
}

int
store_credential_list(struct store *st, const char *project,
    int (*fn)(const struct store_credential *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_LIST);
	struct credential_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	return store_each_row(st, s, visit_credential, &v);
}

int
store_credential_use(struct store *st, const char *credential, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_USE);

	store_bind_text(st, s, 1, credential);
	store_bind_int64(st, s, 2, now);
	return store_run_changed(st, s);
}

int
store_credential_fail(struct store *st, const char *credential)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_FAIL);

	store_bind_text(st, s, 1, credential);
	return store_run(st, s);
}

int
store_credential_delete(struct store *st, const char *credential)
{
	sqlite3_stmt *s = store_stmt(st, S_CRED_DELETE);

	store_bind_text(st, s, 1, credential);
	return store_run_deleted(st, s);
}

int
store_refresh_insert(struct store *st, const struct store_refresh *x)
{
	sqlite3_stmt *s = store_stmt(st, S_REFRESH_INSERT);

	store_bind_text(st, s, 1, x->token);
	store_bind_int64(st, s, 2, x->user_id);
	store_bind_text(st, s, 3, x->sign_in_provider);
	store_bind_text(st, s, 4, x->second_factor);
	store_bind_text(st, s, 5, x->enrollment_id);
	store_bind_int64(st, s, 6, x->auth_time);
	store_bind_int64(st, s, 7, x->created_at);
	store_bind_opt_text(st, s, 8, x->claims);
	return store_run(st, s);
}

static int
read_refresh(sqlite3_stmt *s, void *item)
{
	struct store_refresh *out = item;

	memset(out, 0, sizeof(*out));
	out->user_id = sqlite3_column_int64(s, 1);
	out->auth_time = sqlite3_column_int64(s, 5);
	out->created_at = sqlite3_column_int64(s, 6);
	return STORE_COL_TEXT(s, 0, out->token) ||
	    STORE_COL_TEXT(s, 2, out->sign_in_provider) ||
	    STORE_COL_TEXT(s, 3, out->second_factor) ||
	    STORE_COL_TEXT(s, 4, out->enrollment_id) ||
	    STORE_COL_TEXT(s, 7, out->claims) ? STORE_NOT_FOUND :
	    STORE_OK;
}

int
store_refresh_get(struct store *st, const char *token,
    struct store_refresh *out)
{
	sqlite3_stmt *s = store_stmt(st, S_REFRESH_GET);

	store_bind_text(st, s, 1, token);
	return store_read_row(st, s, read_refresh, out);
}

struct refresh_visitor {
	int (*fn)(const struct store_refresh *, void *);
	void *arg;
};

static int
visit_refresh(sqlite3_stmt *s, void *ctx)
{
	const struct refresh_visitor *v = ctx;
	struct store_refresh x;

	/* A row that does not fit its struct is skipped. */
	if (read_refresh(s, &x) != STORE_OK)
		return 0;
	return v->fn(&x, v->arg);
}

int
store_refresh_list(struct store *st, int64_t user_id, int64_t limit,
    int (*fn)(const struct store_refresh *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_REFRESH_LIST_USER);
	struct refresh_visitor v = { fn, arg };

	store_bind_int64(st, s, 1, user_id);
	store_bind_int64(st, s, 2, limit);
	return store_each_row(st, s, visit_refresh, &v);
}

int
store_proof_insert(struct store *st, const struct store_proof *p)
{
	sqlite3_stmt *s = store_stmt(st, S_PROOF_INSERT);

	store_bind_text(st, s, 1, p->proof);
	store_bind_text(st, s, 2, p->project_id);
	store_bind_text(st, s, 3, p->tenant_id);
	store_bind_text(st, s, 4, p->phone_number);
	store_bind_int64(st, s, 5, p->expires_at);
	return store_run(st, s);
}

static int
read_proof(sqlite3_stmt *s, void *item)
{
	struct store_proof *out = item;

	memset(out, 0, sizeof(*out));
	out->expires_at = sqlite3_column_int64(s, 4);
	return STORE_COL_TEXT(s, 0, out->proof) ||
	    STORE_COL_TEXT(s, 1, out->project_id) ||
	    STORE_COL_TEXT(s, 2, out->tenant_id) ||
	    STORE_COL_TEXT(s, 3, out->phone_number) ? STORE_NOT_FOUND :
	    STORE_OK;
}

int
store_proof_get(struct store *st, const char *proof, struct store_proof *out)
{
	sqlite3_stmt *s = store_stmt(st, S_PROOF_GET);

	store_bind_text(st, s, 1, proof);
	return store_read_row(st, s, read_proof, out);
}

int
store_signing_key_get(struct store *st, char **pem)
{
	sqlite3_stmt *s = store_stmt(st, S_KEY_GET);
	int r;

	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	*pem = strdup((const char *)sqlite3_column_text(s, 0));
	store_done(s);
	return *pem ? STORE_OK : STORE_ERROR;
}

int
store_signing_key_put(struct store *st, const char *kid, const char *pem,
    int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, S_KEY_PUT);

	store_bind_text(st, s, 1, kid);
	store_bind_text(st, s, 2, pem);
	store_bind_int64(st, s, 3, now);
	return store_run(st, s);
}
