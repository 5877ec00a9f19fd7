/*
 * Realms (a project, tenant_id "", or one of its tenants): their MFA
 * settings, test phone numbers and display names; deleting their accounts
 * or all of them; and the pruner, which drops expired rows of every kind.
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"

/* A row of STORE_REALM_COLUMNS. */
static int
read_realm(sqlite3_stmt *s, void *item)
{
	struct store_realm *out = item;

	memset(out, 0, sizeof(*out));
	if (STORE_COL_TEXT(s, 0, out->project_id) ||
	    STORE_COL_TEXT(s, 1, out->tenant_id))
		return STORE_NOT_FOUND;
	out->mfa_phone = sqlite3_column_int(s, 2);
	out->mfa_totp = sqlite3_column_int(s, 3);
	out->sms_code_ttl = sqlite3_column_int(s, 4);
	out->sms_code_length = sqlite3_column_int(s, 5);
	out->max_attempts = sqlite3_column_int(s, 6);
	out->credential_ttl = sqlite3_column_int(s, 7);
	out->totp_window = sqlite3_column_int(s, 8);
	out->allow_duplicate_emails = sqlite3_column_int(s, 9);
	out->email_privacy = sqlite3_column_int(s, 10);
	out->oob_code_ttl = sqlite3_column_int(s, 11);
	if (STORE_COL_TEXT(s, 12, out->id_token_alg) ||
	    STORE_COL_TEXT(s, 13, out->project_number))
		return STORE_NOT_FOUND;
	return STORE_OK;
}

struct realm_visitor {
	int (*fn)(const struct store_realm *, void *);
	void *arg;
};

static int
visit_realm(sqlite3_stmt *s, void *ctx)
{
	const struct realm_visitor *v = ctx;
	struct store_realm realm;

	/* A row that does not fit its struct is skipped. */
	if (read_realm(s, &realm) != STORE_OK)
		return 0;
	return v->fn(&realm, v->arg);
}

/* Bind a realm's key to parameters 1 and 2 of `s`, which it returns. */
static sqlite3_stmt *
realm_stmt(struct store *st, enum store_stmt id, const char *project,
    const char *tenant)
{
	sqlite3_stmt *s = store_stmt(st, id);

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	return s;
}

int
store_realm_get(struct store *st, const char *project, const char *tenant,
    struct store_realm *out)
{
	sqlite3_stmt *s;

	if (strlen(project) > STORE_ID_MAX || strlen(tenant) > STORE_ID_MAX)
		return STORE_NOT_FOUND;
	s = realm_stmt(st, S_REALM_GET, project, tenant);
	return store_read_row(st, s, read_realm, out);
}

int
store_realm_list(struct store *st,
    int (*fn)(const struct store_realm *, void *), void *arg)
{
	struct realm_visitor v = { fn, arg };

	return store_each_row(st, store_stmt(st, S_REALM_LIST), visit_realm,
	    &v);
}

int
store_realm_put(struct store *st, const struct store_realm *realm)
{
	sqlite3_stmt *s = realm_stmt(st, S_REALM_PUT, realm->project_id,
	    realm->tenant_id);

	store_bind_int(st, s, 3, realm->mfa_phone != 0);
	store_bind_int(st, s, 4, realm->mfa_totp != 0);
	store_bind_int(st, s, 5, realm->sms_code_ttl);
	store_bind_int(st, s, 6, realm->sms_code_length);
	store_bind_int(st, s, 7, realm->max_attempts);
	store_bind_int(st, s, 8, realm->credential_ttl);
	store_bind_int(st, s, 9, realm->totp_window);
	store_bind_int(st, s, 10, realm->allow_duplicate_emails);
	store_bind_int(st, s, 11, realm->email_privacy);
	store_bind_int(st, s, 12, realm->oob_code_ttl);
	store_bind_text(st, s, 13, realm->id_token_alg);
	store_bind_text(st, s, 14, realm->project_number);
	return store_run(st, s);
}

int
store_realm_ensure(struct store *st, const char *project, const char *tenant)
{
	return store_run(st, realm_stmt(st, S_REALM_ENSURE, project, tenant));
}

int
store_test_phone_put(struct store *st, const char *project,
    const char *tenant, const char *phone, const char *code)
{
	sqlite3_stmt *s = realm_stmt(st, S_TEST_PHONE_PUT, project, tenant);

	store_bind_text(st, s, 3, phone);
	store_bind_text(st, s, 4, code);
	return store_run(st, s);
}

int
store_test_phone_code(struct store *st, const char *project,
    const char *tenant, const char *phone, char code[STORE_CODE_MAX + 1])
{
	sqlite3_stmt *s = realm_stmt(st, S_TEST_PHONE_GET, project, tenant);
	int r;

	store_bind_text(st, s, 3, phone);
	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	r = store_col_text(s, 0, code, STORE_CODE_MAX + 1) ? STORE_NOT_FOUND :
	    STORE_OK;
	store_done(s);
	return r;
}

struct test_phone_visitor {
	int (*fn)(const char *phone, const char *code, void *);
	void *arg;
};

static int
visit_test_phone(sqlite3_stmt *s, void *ctx)
{
	const struct test_phone_visitor *v = ctx;

	return v->fn((const char *)sqlite3_column_text(s, 0),
	    (const char *)sqlite3_column_text(s, 1), v->arg);
}

int
store_test_phone_list(struct store *st, const char *project,
    const char *tenant, int (*fn)(const char *, const char *, void *),
    void *arg)
{
	struct test_phone_visitor v = { fn, arg };

	return store_each_row(st, realm_stmt(st, S_TEST_PHONE_LIST, project,
	    tenant), visit_test_phone, &v);
}

int
store_test_phone_clear(struct store *st, const char *project,
    const char *tenant)
{
	return store_run(st, realm_stmt(st, S_TEST_PHONE_CLEAR, project,
	    tenant));
}

int
store_tenant_name_get(struct store *st, const char *project,
    const char *tenant, char *out, size_t outlen)
{
	sqlite3_stmt *s = realm_stmt(st, S_TENANT_NAME_GET, project, tenant);
	int r;

	if ((r = store_row(st, s)) != STORE_OK)
		return r;
	r = store_col_text(s, 0, out, outlen) ? STORE_NOT_FOUND : STORE_OK;
	store_done(s);
	return r;
}

int
store_tenant_name_put(struct store *st, const char *project,
    const char *tenant, const char *name)
{
	sqlite3_stmt *s = realm_stmt(st, S_TENANT_NAME_PUT, project, tenant);

	store_bind_text(st, s, 3, name);
	return store_run(st, s);
}

/*
 * What resetting a realm runs, in order: [0] for one realm, [1] for a
 * project and all its tenants. Users first: their rows cascade to
 * everything hanging off them. The first ACCOUNT_DELETES rows are what
 * deleting the realm's accounts runs.
 */
static const enum store_stmt realm_deletes[][2] = {
	{ S_DELETE_USERS_REALM, S_DELETE_USERS_PROJECT },
	{ S_OUTBOX_CLEAR, S_DELETE_OUTBOX_PROJECT },
	{ S_OOB_CLEAR, S_OOB_CLEAR_PROJECT },
	{ S_RESET_PROOFS_ONE, S_RESET_PROOFS_PROJECT },
	{ S_RESET_REALM_ONE, S_RESET_REALM_PROJECT },
};
enum { ACCOUNT_DELETES = 3 };

/* Run the first `n` rows of realm_deletes for a realm or a project. */
static int
realm_delete(struct store *st, size_t n, const char *project,
    const char *tenant)
{
	int whole_project = tenant == NULL;

	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = store_stmt(st,
		    realm_deletes[i][whole_project]);
		int r;

		store_bind_text(st, s, 1, project);
		if (tenant != NULL)
			store_bind_text(st, s, 2, tenant);
		if ((r = store_run(st, s)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

int
store_delete_accounts(struct store *st, const char *project,
    const char *tenant)
{
	return realm_delete(st, ACCOUNT_DELETES, project, tenant);
}

int
store_reset_realm(struct store *st, const char *project, const char *tenant)
{
	return realm_delete(st, sizeof(realm_deletes) /
	    sizeof(realm_deletes[0]), project, tenant);
}

int
store_reset_all(struct store *st)
{
	/* Users first: their rows cascade to everything hanging off them. */
	static const enum store_stmt order[] = { S_RESET_USERS,
	    S_RESET_OUTBOX, S_OOB_RESET, S_RESET_PROOFS, S_RESET_REALMS };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int r = store_run(st, store_stmt(st, order[i]));

		if (r != STORE_OK)
			return r;
	}
	return STORE_OK;
}

int64_t
store_prune(struct store *st, int64_t now, int64_t grace_ms, int batch,
    bool *more)
{
	static const enum store_stmt order[] = { S_PRUNE_SMS, S_PRUNE_CRED,
	    S_PRUNE_OUTBOX, S_PRUNE_TOTP, S_PRUNE_PROOF, S_PRUNE_ENS,
	    S_PRUNE_OOB };
	int64_t removed = 0;

	*more = false;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		sqlite3_stmt *s = store_stmt(st, order[i]);
		/*
		 * A used TOTP step's expiry already is the last moment its
		 * code could be accepted; past it the row guards nothing.
		 */
		int64_t cutoff = order[i] == S_PRUNE_TOTP ? now :
		    now - grace_ms;
		int n;

		store_bind_int64(st, s, 1, cutoff);
		store_bind_int(st, s, 2, batch);
		if (store_run(st, s) != STORE_OK)
			return -1;
		/* A credential's cascade to its sessions is not counted. */
		n = sqlite3_changes(st->db);
		removed += n;
		if (n >= batch)
			*more = true;
	}
	return removed;
}
