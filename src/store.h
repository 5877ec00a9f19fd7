/*
 * The SQLite store: users, enrollments, pending credentials, SMS sessions,
 * the outbox, used TOTP steps, refresh tokens and signing keys.
 *
 * Concurrency: one connection guarded by one mutex. Every use happens
 * between store_begin() and store_commit()/store_rollback(), which take and
 * release the mutex around one SQLite transaction; so any thread may call
 * these, a check-then-update sequence in one transaction cannot interleave
 * with another request's, and a crash loses whole transactions only. Keep
 * the time inside short: no signing or other slow work while it is held.
 * Failure reasons (store_errmsg) are kept per thread, not in the store.
 *
 * The functions below are grouped by the file that holds them: store.c
 * (open, transactions, savepoints), store_users.c, store_mfa.c (second
 * factors and their sessions, TOTP steps, the outbox), store_tokens.c
 * (pending credentials, refresh tokens, proofs, signing keys) and
 * store_realms.c (settings, test numbers, resets, the pruner).
 *
 * Every SQLite result is checked, binds included: a call whose statement
 * could not be bound or run returns STORE_ERROR and changes nothing.
 *
 * Rows come back in fixed-size structs; the limits below are enforced
 * where data enters (fixtures, requests), and text that does not fit a
 * field reads back as not found rather than truncated.
 */
#ifndef MFAEMU_STORE_H
#define MFAEMU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "totp.h"

#define STORE_ID_MAX 128	/* project, tenant, localId, enrollment id */
#define STORE_TEXT_MAX 256	/* email, display names */
#define STORE_TOKEN_MAX 255	/* credentials, session infos, tokens */
#define STORE_PHONE_MAX 20	/* E.164: '+' and up to 15 digits */
#define STORE_CODE_MAX 8
#define STORE_URL_MAX 1024	/* photo URLs */
#define STORE_CLAIMS_MAX 1000	/* a session's claims, JSON (Google's cap) */
#define STORE_PROVIDER_MAX 32	/* "google.com", "password" */

enum store_result {
	STORE_ERROR = -1,
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_EXISTS,		/* a unique key is taken */
};

enum store_factor { STORE_FACTOR_PHONE, STORE_FACTOR_TOTP };

struct store;

/* A project (tenant_id "") or a tenant, with its MFA settings. */
struct store_realm {
	char project_id[STORE_ID_MAX + 1];
	char tenant_id[STORE_ID_MAX + 1];
	int mfa_phone;
	int mfa_totp;
	/* 0: the daemon's default (from its flags). */
	int sms_code_ttl;	/* seconds */
	int sms_code_length;	/* 4-8 */
	int max_attempts;
	int credential_ttl;	/* seconds */
	int totp_window;	/* steps either side; stored +1, so 0 = unset */
	/* The Firebase emulator's keys: 0 unset (off), 1 off, 2 on. */
	int allow_duplicate_emails;
	int email_privacy;	/* emailPrivacyConfig.enableImproved... */
	int oob_code_ttl;	/* seconds; 0: Google's lifetime by type */
	/* "RS256", "none", or "": a tenant's project's, else the flag's. */
	char id_token_alg[8];
	/* Digits, or "": derived from the project id (projects only). */
	char project_number[20];
};

struct store_user {
	int64_t id;		/* row id, set by store_user_insert */
	char project_id[STORE_ID_MAX + 1];
	char tenant_id[STORE_ID_MAX + 1];
	char local_id[STORE_ID_MAX + 1];
	char email[STORE_TEXT_MAX + 1];		/* "" when none */
	char display_name[STORE_TEXT_MAX + 1];
	char phone_number[STORE_PHONE_MAX + 1];
	int email_verified;
	int disabled;
	int64_t created_at;
	int64_t valid_since;		/* ms, whole seconds */
	char photo_url[STORE_URL_MAX + 1];
	/* ms; 0: never. */
	int64_t last_login_at;
	int64_t last_refresh_at;
	int64_t password_updated_at;
	int email_link_signin;
	int has_password;		/* read only: a hash is stored */
	/* customAttributes: a JSON object's text, "" when none. */
	char custom_attributes[STORE_CLAIMS_MAX + 1];
};

/* An identity provider linked to a user (accounts:signInWithIdp). */
struct store_provider {
	int64_t user_id;
	char provider_id[STORE_PROVIDER_MAX + 1];
	char raw_id[STORE_TEXT_MAX + 1];
	char federated_id[STORE_TEXT_MAX + 1];
	char email[STORE_TEXT_MAX + 1];
	char display_name[STORE_TEXT_MAX + 1];
	char photo_url[STORE_URL_MAX + 1];
	char screen_name[STORE_TEXT_MAX + 1];
};

struct store_enrollment {
	int64_t id;		/* row id */
	int64_t user_id;
	char enrollment_id[STORE_ID_MAX + 1];
	enum store_factor kind;
	char display_name[STORE_TEXT_MAX + 1];
	int64_t enrolled_at;
	char phone_number[STORE_PHONE_MAX + 1];
	uint8_t totp_secret[TOTP_MAX_SECRET];
	size_t totp_secret_len;
	enum totp_alg totp_alg;
	int totp_digits;
	int totp_period;
	int failed_attempts;	/* wrong codes in a row, any credential */
	int64_t last_failed_at;
};

struct store_credential {
	char credential[STORE_TOKEN_MAX + 1];
	int64_t user_id;
	char project_id[STORE_ID_MAX + 1];
	char tenant_id[STORE_ID_MAX + 1];
	char sign_in_provider[33];
	int64_t created_at;
	int64_t expires_at;
	int64_t used_at;	/* 0 while unused */
	int failed_attempts;
};

struct store_sms_session {
	char session_info[STORE_TOKEN_MAX + 1];
	char credential[STORE_TOKEN_MAX + 1];
	int64_t enrollment;	/* enrollment row id */
	char phone_number[STORE_PHONE_MAX + 1];
	char code[STORE_CODE_MAX + 1];
	int64_t created_at;
	int64_t expires_at;
	int attempts;
	int64_t consumed_at;	/* 0 while alive */
};

/* A second factor being enrolled; kind says which fields hold. */
struct store_enroll_session {
	char session_info[STORE_TOKEN_MAX + 1];
	int64_t user_id;
	enum store_factor kind;
	char phone_number[STORE_PHONE_MAX + 1];
	char code[STORE_CODE_MAX + 1];
	uint8_t totp_secret[TOTP_MAX_SECRET];
	size_t totp_secret_len;
	enum totp_alg totp_alg;
	int totp_digits;
	int totp_period;
	int64_t created_at;
	int64_t expires_at;
	int attempts;
	int64_t consumed_at;	/* 0 while alive */
};

struct store_outbox_entry {
	int64_t id;
	char phone_number[STORE_PHONE_MAX + 1];
	char code[STORE_CODE_MAX + 1];
	char session_info[STORE_TOKEN_MAX + 1];
	int64_t created_at;
	int64_t expires_at;
	/* When its session was consumed or its credential used; 0 if not. */
	int64_t used_at;
	int attempts;		/* wrong codes against its session */
};

struct store_proof {
	char proof[STORE_TOKEN_MAX + 1];
	char project_id[STORE_ID_MAX + 1];
	char tenant_id[STORE_ID_MAX + 1];
	char phone_number[STORE_PHONE_MAX + 1];
	int64_t expires_at;
};

struct store_refresh {
	char token[STORE_TOKEN_MAX + 1];
	int64_t user_id;
	char sign_in_provider[33];
	char second_factor[8];		/* "phone", "totp" or "" */
	char enrollment_id[STORE_ID_MAX + 1];
	int64_t auth_time;		/* unix seconds */
	int64_t created_at;
	char claims[STORE_CLAIMS_MAX + 1];	/* JSON object or "" */
};

/*
 * Open (creating if needed) and migrate the store. `path` NULL means a
 * private in-memory database. On failure returns NULL with a reason in err.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
/*
 * What --check opens: an in-memory copy of the file store at `path`,
 * migrated there, so nothing is written to the file (it is read as it
 * is: a running daemon's last transactions may still be in its -wal);
 * when there is no such file, an empty in-memory store, once a file could
 * be created there (file_check_creatable). NULL: store_open(NULL).
 */
struct store *store_open_copy(const char *path, char *err, size_t errlen);
void store_close(struct store *st);

/*
 * Transactions. store_begin blocks until the store is free; commit and
 * rollback release it whether they succeed or not. A failed commit rolls
 * back. A failed rollback (-1) leaves the transaction open but never
 * committed, and the next store_begin rolls it back before it begins.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/*
 * The reason for the calling thread's last store failure (STORE_ERROR,
 * or -1 from begin, commit or rollback), for the log. Each thread has its
 * own: it may be read after commit or rollback released the store, and
 * another thread's failure never changes it. Valid until the thread's
 * next store call.
 */
const char *store_errmsg(struct store *st);

/*
 * TEST HOOK, for tests/unit/test_store.c only; the daemon never calls it.
 * The store's SQLite connection, so that a test can make SQLite itself
 * fail (a lower length limit, an authorizer that denies a statement) and
 * check that the store reports the failure instead of going on.
 */
struct sqlite3;
struct sqlite3 *store_test_db(struct store *st);

/*
 * For matching fault rules: the phone number of enrollment `enrollment_id`
 * of the user whose pending credential is `credential`, in `out` ("" when
 * there is none). STORE_OK; NOT_FOUND when the credential or enrollment is
 * unknown or the factor is not a phone; ERROR when the store failed. It
 * takes the store itself (a transaction it rolls back), so it must be
 * called outside one.
 */
int store_fault_phone(struct store *st, const char *credential,
    const char *enrollment_id, char *out, size_t outlen);

/* Everything below must be called between begin and commit/rollback. */

/*
 * Savepoints nest inside the open transaction, so one item of a batch can
 * be undone without losing the others. When store_savepoint_rollback
 * fails, the item may be half applied: the transaction is abandoned (every
 * further call fails, store_commit too) and only store_rollback ends it.
 */
int store_savepoint(struct store *st);
int store_savepoint_release(struct store *st);
int store_savepoint_rollback(struct store *st);

/* --- Users (store_users.c) --- */

/* Sets user->id. STORE_EXISTS when the localId or email is taken. */
int store_user_insert(struct store *st, struct store_user *user,
    const uint8_t *salt, size_t saltlen, const uint8_t *hash,
    size_t hashlen);
int store_user_get(struct store *st, int64_t id, struct store_user *out);
/* The largest user row id (0 when there are none): later inserts exceed it. */
int store_user_max_id(struct store *st, int64_t *out);
int store_user_find(struct store *st, const char *project,
    const char *tenant, const char *local_id, struct store_user *out);
/* Email lookup is case-insensitive, as Identity Toolkit's is. */
int store_user_find_email(struct store *st, const char *project,
    const char *tenant, const char *email, struct store_user *out);
int store_user_find_phone(struct store *st, const char *project,
    const char *tenant, const char *phone, struct store_user *out);
/*
 * The user's password salt and hash; *saltlen and *hashlen give the buffer
 * sizes and return the lengths. NOT_FOUND when the user has no password.
 */
int store_user_password(struct store *st, int64_t id, uint8_t *salt,
    size_t *saltlen, uint8_t *hash, size_t *hashlen);

/* Every user of a project (all tenants), in row order. */
int store_user_list(struct store *st, const char *project,
    int (*fn)(const struct store_user *, void *), void *arg);

/* Users of a realm after row id `after`, at most `limit`, in row order. */
int store_user_page(struct store *st, const char *project,
    const char *tenant, int64_t after, int limit,
    int (*fn)(const struct store_user *, void *), void *arg);

/*
 * Write back the updatable fields of `u` (email, display name, phone,
 * email_verified, disabled, valid_since, photo_url, last_login_at,
 * last_refresh_at, email_link_signin, custom_attributes); STORE_EXISTS
 * when the email is taken by another user.
 */
int store_user_update(struct store *st, const struct store_user *u);
/* Set the password; `now` (ms) becomes its passwordUpdatedAt. */
int store_user_set_password(struct store *st, int64_t id,
    const uint8_t *salt, size_t saltlen, const uint8_t *hash,
    size_t hashlen, int64_t now);
/* Remove the password (deleteAttribute PASSWORD, deleteProvider). */
int store_user_clear_password(struct store *st, int64_t id);
/*
 * Record a token issued now (ms): lastRefreshAt, and lastLoginAt too
 * when `login` (a completed sign-in).
 */
int store_user_touch(struct store *st, int64_t id, int64_t now, bool login);

/* --- Federated identities (store_providers.c) --- */

/* Link or relink (same user and provider: replaced); EXISTS: another's. */
int store_provider_put(struct store *st, const struct store_user *u,
    const struct store_provider *p);
/* The user of the realm linked to (provider, raw id): its row id. */
int store_provider_owner(struct store *st, const char *project,
    const char *tenant, const char *provider_id, const char *raw_id,
    int64_t *user_id);
/* Calls fn for each provider of the user, by provider id. */
int store_provider_list(struct store *st, int64_t user_id,
    int (*fn)(const struct store_provider *, void *), void *arg);
/* NOT_FOUND when the user has no such provider. */
int store_provider_delete(struct store *st, int64_t user_id,
    const char *provider_id);
/* Delete a user and all that hangs off it; NOT_FOUND if absent. */
int store_user_delete(struct store *st, int64_t id);

/* --- Second factors (store_mfa.c) --- */

/* Sets enr->id. STORE_EXISTS when the user has that enrollment id. */
int store_enrollment_insert(struct store *st, struct store_enrollment *enr);
int store_enrollment_get(struct store *st, int64_t user_id,
    const char *enrollment_id, struct store_enrollment *out);
int store_enrollment_by_rowid(struct store *st, int64_t id,
    struct store_enrollment *out);
int store_enrollment_find_phone(struct store *st, int64_t user_id,
    const char *phone, struct store_enrollment *out);

/* Calls fn for each enrollment of the user, oldest first. */
int store_enrollment_list(struct store *st, int64_t user_id,
    int (*fn)(const struct store_enrollment *, void *), void *arg);

/* Count a wrong code against the factor, or clear the count. */
int store_enrollment_fail(struct store *st, int64_t id, int64_t now);
int store_enrollment_ok(struct store *st, int64_t id);

/* Remove the user's enrollment; NOT_FOUND when there is none. */
int store_enrollment_delete(struct store *st, int64_t user_id,
    const char *enrollment_id);

/* Remove every enrollment of the user. */
int store_enrollment_clear(struct store *st, int64_t user_id);

int store_sms_insert(struct store *st, const struct store_sms_session *s);
/* Every SMS session whose credential is of the project. */
int store_sms_list(struct store *st, const char *project,
    int (*fn)(const struct store_sms_session *, void *), void *arg);
int store_sms_get(struct store *st, const char *session_info,
    struct store_sms_session *out);
int store_sms_fail(struct store *st, const char *session_info);
/* STORE_OK when it was alive and now is consumed; STORE_EXISTS if not. */
int store_sms_consume(struct store *st, const char *session_info,
    int64_t now);
/* NOT_FOUND when there is no such session. */
int store_sms_delete(struct store *st, const char *session_info);

int store_enroll_session_insert(struct store *st,
    const struct store_enroll_session *x);
int store_enroll_session_get(struct store *st, const char *session_info,
    struct store_enroll_session *out);
int store_enroll_session_fail(struct store *st, const char *session_info);
/* STORE_OK when it was alive and now is consumed; STORE_EXISTS if not. */
int store_enroll_session_consume(struct store *st, const char *session_info,
    int64_t now);

/* `expires_at` is its session's, so the entry lives as long as the code. */
int store_outbox_add(struct store *st, const char *project,
    const char *tenant, const char *phone, const char *code,
    const char *session_info, int64_t now, int64_t expires_at);
int store_outbox_clear(struct store *st, const char *project,
    const char *tenant);
/*
 * Calls fn for each entry of the realm, oldest first, with whether its
 * session was consumed (or its credential used) and its wrong codes;
 * stops if fn != 0.
 */
int store_outbox_list(struct store *st, const char *project,
    const char *tenant, int (*fn)(const struct store_outbox_entry *, void *),
    void *arg);

/*
 * STORE_OK when recorded, STORE_EXISTS when the step was used before. The
 * record is kept until `expires_at` (totp_step_expiry_ms()), the last
 * moment a window could accept the step again.
 */
int store_totp_use_step(struct store *st, int64_t enrollment, int64_t step,
    int64_t now, int64_t expires_at);

/* --- Credentials and tokens (store_tokens.c) --- */

int store_credential_insert(struct store *st,
    const struct store_credential *cred);
int store_credential_get(struct store *st, const char *credential,
    struct store_credential *out);
/* STORE_OK when it was unused and now is used; STORE_EXISTS if used. */
int store_credential_use(struct store *st, const char *credential,
    int64_t now);
int store_credential_fail(struct store *st, const char *credential);
/* With its SMS sessions; NOT_FOUND when there is no such credential. */
int store_credential_delete(struct store *st, const char *credential);

/* Every pending credential of a project, in credential order. */
int store_credential_list(struct store *st, const char *project,
    int (*fn)(const struct store_credential *, void *), void *arg);

int store_proof_insert(struct store *st, const struct store_proof *p);
int store_proof_get(struct store *st, const char *proof,
    struct store_proof *out);

int store_refresh_insert(struct store *st, const struct store_refresh *r);
int store_refresh_get(struct store *st, const char *token,
    struct store_refresh *out);
/* A user's refresh tokens, newest first, at most `limit` of them. */
int store_refresh_list(struct store *st, int64_t user_id, int64_t limit,
    int (*fn)(const struct store_refresh *, void *), void *arg);

/* The newest signing key's PEM (malloc'd, caller frees) or NOT_FOUND. */
int store_signing_key_get(struct store *st, char **pem);
int store_signing_key_put(struct store *st, const char *kid,
    const char *pem, int64_t now);

/* --- Out-of-band codes (store_oob.c) --- */

#define STORE_OOB_LINK_MAX 2047

/* One code of accounts:sendOobCode; request_type is Google's enum name. */
struct store_oob {
	int64_t id;		/* row id, creation order */
	char code[STORE_TOKEN_MAX + 1];
	char project_id[STORE_ID_MAX + 1];
	char tenant_id[STORE_ID_MAX + 1];
	char request_type[32];
	char email[STORE_TEXT_MAX + 1];
	char new_email[STORE_TEXT_MAX + 1];	/* "" when none */
	char link[STORE_OOB_LINK_MAX + 1];
	int64_t created_at;
	int64_t expires_at;
	int64_t used_at;	/* 0 while unused */
};

int store_oob_insert(struct store *st, const struct store_oob *o);
/* By code, in any realm (the caller checks the realm). */
int store_oob_get(struct store *st, const char *code, struct store_oob *out);
/* STORE_OK when it was unused and now is used; STORE_EXISTS if used. */
int store_oob_use(struct store *st, const char *code, int64_t now);
/* Every code of the realm, used or not, oldest first; stops if fn != 0. */
int store_oob_list(struct store *st, const char *project, const char *tenant,
    int (*fn)(const struct store_oob *, void *), void *arg);
int store_oob_clear(struct store *st, const char *project,
    const char *tenant);

/* --- Realms (store_realms.c) --- */

int store_realm_get(struct store *st, const char *project,
    const char *tenant, struct store_realm *out);
/* Insert or update. */
int store_realm_put(struct store *st, const struct store_realm *realm);
/* Insert the realm with default settings unless it exists. */
int store_realm_ensure(struct store *st, const char *project,
    const char *tenant);

/* Every realm, projects first then their tenants, in id order. */
int store_realm_list(struct store *st,
    int (*fn)(const struct store_realm *, void *), void *arg);

int store_test_phone_put(struct store *st, const char *project,
    const char *tenant, const char *phone, const char *code);
int store_test_phone_code(struct store *st, const char *project,
    const char *tenant, const char *phone, char code[STORE_CODE_MAX + 1]);

/* Test phone numbers of a realm, in number order. */
int store_test_phone_list(struct store *st, const char *project,
    const char *tenant, int (*fn)(const char *phone, const char *code,
    void *), void *arg);
int store_test_phone_clear(struct store *st, const char *project,
    const char *tenant);

/* A tenant's display name (Admin API), "" when none. */
int store_tenant_name_get(struct store *st, const char *project,
    const char *tenant, char *out, size_t outlen);
int store_tenant_name_put(struct store *st, const char *project,
    const char *tenant, const char *name);

/*
 * Delete every realm, user, credential, session, outbox entry and
 * out-of-band code; the
 * signing keys stay, so issued tokens still verify.
 */
int store_reset_all(struct store *st);

/*
 * Delete a project (tenant NULL) or one tenant: its settings, test
 * numbers, users and all that hangs off them, outbox, out-of-band codes
 * and proofs.
 */
int store_reset_realm(struct store *st, const char *project,
    const char *tenant);

/*
 * Delete the users of a project (tenant NULL: all its tenants too) with all
 * that hangs off them, and the realm's SMS outbox and out-of-band codes.
 */
int store_delete_accounts(struct store *st, const char *project,
    const char *tenant);

/*
 * Drop what can no longer be used: SMS sessions, credentials and outbox
 * entries expired more than `grace_ms` ago (each on its own expiry, which
 * the realm's settings set), used TOTP steps past their expiry, expired
 * Android proofs, out-of-band codes. At most `batch` rows of each kind, so one call holds the
 * store briefly; `*more` is set when some kind had more to remove. Returns
 * rows removed or -1.
 */
int64_t store_prune(struct store *st, int64_t now, int64_t grace_ms,
    int batch, bool *more);

#endif
