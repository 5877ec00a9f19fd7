/*
 * Second factors: enrollments, the SMS sessions of a sign-in, the
 * sessions of an enrollment in progress, used TOTP steps and the SMS
 * outbox; and the one lookup the router's fault rules make.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_private.h"
#include "totp.h"

/*
 * A TOTP factor's secret, algorithm, digits and period: four columns from
 * `col`, in the same order in enrollments and enrollment sessions.
 */
static int
read_totp(sqlite3_stmt *s, int col, uint8_t secret[TOTP_MAX_SECRET],
    size_t *len, enum totp_alg *alg, int *digits, int *period)
{
	const char *name = (const char *)sqlite3_column_text(s, col + 1);
	int n = sqlite3_column_bytes(s, col);

	if (n <= 0 || n > TOTP_MAX_SECRET || name == NULL ||
	    totp_alg_parse(name, alg))
		return STORE_ERROR;
	memcpy(secret, sqlite3_column_blob(s, col), (size_t)n);
	*len = (size_t)n;
	*digits = sqlite3_column_int(s, col + 2);
	*period = sqlite3_column_int(s, col + 3);
	return STORE_OK;
}

static enum store_factor
factor_kind(sqlite3_stmt *s, int col)
{
	const char *kind = (const char *)sqlite3_column_text(s, col);

	return kind != NULL && strcmp(kind, "totp") == 0 ? STORE_FACTOR_TOTP :
	    STORE_FACTOR_PHONE;
}

/* A row of STORE_ENROLLMENT_COLUMNS. */
static int
read_enrollment(sqlite3_stmt *s, void *item)
{
	struct store_enrollment *out = item;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->user_id = sqlite3_column_int64(s, 1);
	if (STORE_COL_TEXT(s, 2, out->enrollment_id) ||
	    STORE_COL_TEXT(s, 4, out->display_name))
		return STORE_NOT_FOUND;
	out->enrolled_at = sqlite3_column_int64(s, 5);
	out->kind = factor_kind(s, 3);
	if (out->kind == STORE_FACTOR_TOTP) {
		if (read_totp(s, 7, out->totp_secret, &out->totp_secret_len,
		    &out->totp_alg, &out->totp_digits, &out->totp_period))
			return STORE_ERROR;
	} else if (STORE_COL_TEXT(s, 6, out->phone_number)) {
		return STORE_NOT_FOUND;
	}
	out->failed_attempts = sqlite3_column_int(s, 11);
	out->last_failed_at = sqlite3_column_int64(s, 12);
	return STORE_OK;
}

struct enrollment_visitor {
	int (*fn)(const struct store_enrollment *, void *);
	void *arg;
};

static int
visit_enrollment(sqlite3_stmt *s, void *ctx)
{
	const struct enrollment_visitor *v = ctx;
	struct store_enrollment e;

	/* A row that does not fit its struct is skipped. */
	if (read_enrollment(s, &e) != STORE_OK)
		return 0;
	return v->fn(&e, v->arg);
}

int
store_enrollment_insert(struct store *st, struct store_enrollment *e)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_INSERT);
	int totp = e->kind == STORE_FACTOR_TOTP;
	int r;

	store_bind_int64(st, s, 1, e->user_id);
	store_bind_text(st, s, 2, e->enrollment_id);
	store_bind_text(st, s, 3, totp ? "totp" : "phone");
	store_bind_opt_text(st, s, 4, e->display_name);
	store_bind_int64(st, s, 5, e->enrolled_at);
	if (totp) {
		store_bind_blob(st, s, 7, e->totp_secret, e->totp_secret_len);
		store_bind_text(st, s, 8, totp_alg_name(e->totp_alg));
		store_bind_int(st, s, 9, e->totp_digits);
		store_bind_int(st, s, 10, e->totp_period);
	} else {
		store_bind_text(st, s, 6, e->phone_number);
	}
	r = store_run(st, s);
	if (r == STORE_OK)
		e->id = sqlite3_last_insert_rowid(st->db);
	return r;
}

int
store_enrollment_get(struct store *st, int64_t user_id,
    const char *enrollment_id, struct store_enrollment *out)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_GET);

	store_bind_int64(st, s, 1, user_id);
	store_bind_text(st, s, 2, enrollment_id);
	return store_read_row(st, s, read_enrollment, out);
}

int
store_enrollment_by_rowid(struct store *st, int64_t id,
    struct store_enrollment *out)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_BY_ROWID);

	store_bind_int64(st, s, 1, id);
	return store_read_row(st, s, read_enrollment, out);
}

int
store_enrollment_find_phone(struct store *st, int64_t user_id,
    const char *phone, struct store_enrollment *out)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_FIND_PHONE);

	store_bind_int64(st, s, 1, user_id);
	store_bind_text(st, s, 2, phone);
	return store_read_row(st, s, read_enrollment, out);
}

int
store_enrollment_list(struct store *st, int64_t user_id,
    int (*fn)(const struct store_enrollment *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_LIST);
	struct enrollment_visitor v = { fn, arg };

	store_bind_int64(st, s, 1, user_id);
	return store_each_row(st, s, visit_enrollment, &v);
}

int
store_enrollment_fail(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_FAIL);

	store_bind_int64(st, s, 1, id);
	store_bind_int64(st, s, 2, now);
	return store_run(st, s);
}

int
store_enrollment_ok(struct store *st, int64_t id)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_OK);

	store_bind_int64(st, s, 1, id);
	return store_run(st, s);
}

int
store_enrollment_delete(struct store *st, int64_t user_id,
    const char *enrollment_id)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_DELETE);

	store_bind_int64(st, s, 1, user_id);
	store_bind_text(st, s, 2, enrollment_id);
	return store_run_deleted(st, s);
}

int
store_enrollment_clear(struct store *st, int64_t user_id)
{
	sqlite3_stmt *s = store_stmt(st, S_ENR_CLEAR);

	store_bind_int64(st, s, 1, user_id);
	return store_run(st, s);
}

static int
read_sms(sqlite3_stmt *s, void *item)
{
	struct store_sms_session *out = item;

	memset(out, 0, sizeof(*out));
	if (STORE_COL_TEXT(s, 0, out->session_info) ||
	    STORE_COL_TEXT(s, 1, out->credential) ||
	    STORE_COL_TEXT(s, 3, out->phone_number) ||
	    STORE_COL_TEXT(s, 4, out->code))
		return STORE_NOT_FOUND;
	out->enrollment = sqlite3_column_int64(s, 2);
	out->created_at = sqlite3_column_int64(s, 5);
	out->expires_at = sqlite3_column_int64(s, 6);
	out->attempts = sqlite3_column_int(s, 7);
	out->consumed_at = sqlite3_column_int64(s, 8);
	return STORE_OK;
}

struct sms_visitor {
	int (*fn)(const struct store_sms_session *, void *);
	void *arg;
};

static int
visit_sms(sqlite3_stmt *s, void *ctx)
{
	const struct sms_visitor *v = ctx;
	struct store_sms_session x;

	/* A row that does not fit its struct is skipped. */
	if (read_sms(s, &x) != STORE_OK)
		return 0;
	return v->fn(&x, v->arg);
}

int
store_sms_insert(struct store *st, const struct store_sms_session *x)
{
	sqlite3_stmt *s = store_stmt(st, S_SMS_INSERT);

	store_bind_text(st, s, 1, x->session_info);
	store_bind_text(st, s, 2, x->credential);
	store_bind_int64(st, s, 3, x->enrollment);
	store_bind_text(st, s, 4, x->phone_number);
	store_bind_text(st, s, 5, x->code);
	store_bind_int64(st, s, 6, x->created_at);
	store_bind_int64(st, s, 7, x->expires_at);
	store_bind_int(st, s, 8, x->attempts);
	store_bind_int64(st, s, 9, x->consumed_at);
	return store_run(st, s);
}

int
store_sms_get(struct store *st, const char *session_info,
    struct store_sms_session *out)
{
	sqlite3_stmt *s = store_stmt(st, S_SMS_GET);

	store_bind_text(st, s, 1, session_info);
	return store_read_row(st, s, read_sms, out);
}

int
store_sms_list(struct store *st, const char *project,
    int (*fn)(const struct store_sms_session *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_SMS_LIST);
	struct sms_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	return store_each_row(st, s, visit_sms, &v);
}

/* A wrong code (`fail`) or the session's end (`consume`): by session. */
static int
session_update(struct store *st, enum store_stmt id,
    const char *session_info)
{
	sqlite3_stmt *s = store_stmt(st, id);

	store_bind_text(st, s, 1, session_info);
	return store_run(st, s);
}

static int
session_consume(struct store *st, enum store_stmt id,
    const char *session_info, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, id);

	store_bind_text(st, s, 1, session_info);
	store_bind_int64(st, s, 2, now);
	return store_run_changed(st, s);
}

int
store_sms_fail(struct store *st, const char *session_info)
{
	return session_update(st, S_SMS_FAIL, session_info);
}

int
store_sms_consume(struct store *st, const char *session_info, int64_t now)
{
	return session_consume(st, S_SMS_CONSUME, session_info, now);
}

int
store_sms_delete(struct store *st, const char *session_info)
{
	sqlite3_stmt *s = store_stmt(st, S_SMS_DELETE);

	store_bind_text(st, s, 1, session_info);
	return store_run_deleted(st, s);
}

static int
read_enroll_session(sqlite3_stmt *s, void *item)
{
	struct store_enroll_session *out = item;
	int r;

	memset(out, 0, sizeof(*out));
	r = STORE_COL_TEXT(s, 0, out->session_info) ||
	    STORE_COL_TEXT(s, 3, out->phone_number) ||
	    STORE_COL_TEXT(s, 4, out->code) ? STORE_NOT_FOUND : STORE_OK;
	out->user_id = sqlite3_column_int64(s, 1);
	out->kind = factor_kind(s, 2);
	if (r == STORE_OK && out->kind == STORE_FACTOR_TOTP)
		r = read_totp(s, 5, out->totp_secret, &out->totp_secret_len,
		    &out->totp_alg, &out->totp_digits, &out->totp_period);
	out->created_at = sqlite3_column_int64(s, 9);
	out->expires_at = sqlite3_column_int64(s, 10);
	out->attempts = sqlite3_column_int(s, 11);
	out->consumed_at = sqlite3_column_int64(s, 12);
	return r;
}

int
store_enroll_session_insert(struct store *st,
    const struct store_enroll_session *x)
{
	sqlite3_stmt *s = store_stmt(st, S_ENS_INSERT);
	int totp = x->kind == STORE_FACTOR_TOTP;

	store_bind_text(st, s, 1, x->session_info);
	store_bind_int64(st, s, 2, x->user_id);
	store_bind_text(st, s, 3, totp ? "totp" : "phone");
	if (totp) {
		store_bind_blob(st, s, 6, x->totp_secret, x->totp_secret_len);
		store_bind_text(st, s, 7, totp_alg_name(x->totp_alg));
		store_bind_int(st, s, 8, x->totp_digits);
		store_bind_int(st, s, 9, x->totp_period);
	} else {
		store_bind_text(st, s, 4, x->phone_number);
		store_bind_text(st, s, 5, x->code);
	}
	store_bind_int64(st, s, 10, x->created_at);
	store_bind_int64(st, s, 11, x->expires_at);
	return store_run(st, s);
}

int
store_enroll_session_get(struct store *st, const char *session_info,
    struct store_enroll_session *out)
{
	sqlite3_stmt *s = store_stmt(st, S_ENS_GET);

	store_bind_text(st, s, 1, session_info);
	return store_read_row(st, s, read_enroll_session, out);
}

int
store_enroll_session_fail(struct store *st, const char *session_info)
{
	return session_update(st, S_ENS_FAIL, session_info);
}

int
store_enroll_session_consume(struct store *st, const char *session_info,
    int64_t now)
{
	return session_consume(st, S_ENS_CONSUME, session_info, now);
}

int
store_totp_use_step(struct store *st, int64_t enrollment, int64_t step,
    int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = store_stmt(st, S_TOTP_USE);

	store_bind_int64(st, s, 1, enrollment);
	store_bind_int64(st, s, 2, step);
	store_bind_int64(st, s, 3, now);
	store_bind_int64(st, s, 4, expires_at);
	return store_run_changed(st, s);
}

int
store_outbox_add(struct store *st, const char *project, const char *tenant,
    const char *phone, const char *code, const char *session_info,
    int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = store_stmt(st, S_OUTBOX_ADD);

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	store_bind_text(st, s, 3, phone);
	store_bind_text(st, s, 4, code);
	store_bind_text(st, s, 5, session_info);
	store_bind_int64(st, s, 6, now);
	store_bind_int64(st, s, 7, expires_at);
	return store_run(st, s);
}

struct outbox_visitor {
	int (*fn)(const struct store_outbox_entry *, void *);
	void *arg;
};

static int
visit_outbox(sqlite3_stmt *s, void *ctx)
{
	const struct outbox_visitor *v = ctx;
	struct store_outbox_entry e;

	memset(&e, 0, sizeof(e));
	e.id = sqlite3_column_int64(s, 0);
	/* A row that does not fit its struct is skipped. */
	if (STORE_COL_TEXT(s, 1, e.phone_number) ||
	    STORE_COL_TEXT(s, 2, e.code) ||
	    STORE_COL_TEXT(s, 3, e.session_info))
		return 0;
	e.created_at = sqlite3_column_int64(s, 4);
	e.expires_at = sqlite3_column_int64(s, 5);
	e.used_at = sqlite3_column_int64(s, 6);
	e.attempts = sqlite3_column_int(s, 7);
	return v->fn(&e, v->arg);
}

int
store_outbox_list(struct store *st, const char *project, const char *tenant,
    int (*fn)(const struct store_outbox_entry *, void *), void *arg)
{
	sqlite3_stmt *s = store_stmt(st, S_OUTBOX_LIST);
	struct outbox_visitor v = { fn, arg };

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	return store_each_row(st, s, visit_outbox, &v);
}

int
store_outbox_clear(struct store *st, const char *project, const char *tenant)
{
	sqlite3_stmt *s = store_stmt(st, S_OUTBOX_CLEAR);

	store_bind_text(st, s, 1, project);
	store_bind_text(st, s, 2, tenant);
	return store_run(st, s);
}

int
store_fault_phone(struct store *st, const char *credential,
    const char *enrollment_id, char *out, size_t outlen)
{
	struct store_credential cred;
	struct store_enrollment enr;
	int r;

	out[0] = '\0';
	if (store_begin(st) != 0)
		return STORE_ERROR;
	if ((r = store_credential_get(st, credential, &cred)) == STORE_OK &&
	    (r = store_enrollment_get(st, cred.user_id, enrollment_id,
	    &enr)) == STORE_OK) {
		if (enr.kind == STORE_FACTOR_PHONE)
			snprintf(out, outlen, "%s", enr.phone_number);
		else
			r = STORE_NOT_FOUND;
	}
	store_rollback(st);
	return r;
}
