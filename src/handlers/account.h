/*
 * What the account routes (signUp, signInWithPassword, lookup, token) and
 * mfaSignIn share: minting pending credentials, issuing token pairs,
 * verifying ID tokens, rendering users and their mfaInfo.
 */
#ifndef MFAEMU_HANDLERS_ACCOUNT_H
#define MFAEMU_HANDLERS_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "settings.h"
#include "store.h"

struct emu;
struct json_object;
struct request;

/* A signed-in session: what goes into a refresh token and ID token. */
struct account_session {
	const char *sign_in_provider;	/* "password", "anonymous" */
	const char *second_factor;	/* "phone", "totp" or NULL */
	const char *enrollment_id;	/* with second_factor */
	int64_t auth_time;		/* unix seconds */
	/* Developer claims (JSON object text, custom tokens) or NULL. */
	const char *claims;
	/*
	 * A completed sign-in (moves the user's lastLoginAt); false when
	 * tokens are reissued within a session (profile changes, enrollment).
	 */
	bool login;
	/* Set by account_issue_tokens_or_reply; borrowed. */
	struct json_object *identities;
	/*
	 * The realm's tokens are unsigned (alg none): set by
	 * account_issue_tokens_or_reply, or by the caller of
	 * account_sign_id_token from id_token_realm_unsigned.
	 */
	int unsigned_token;
};

struct account_tokens {
	char refresh_token[STORE_TOKEN_MAX + 1];
	char *id_token;			/* malloc'd */
};

/*
 * The end of every sign-in: inside the store transaction, store a new
 * refresh token for `user`, record the issue in the user's metadata
 * (lastRefreshAt, and lastLoginAt when sess->login) and commit; then, with
 * the store released, sign the ID token into out->id_token (malloc'd). On
 * failure replies (503 for the store, 500 for signing) and returns -1.
 */
int account_issue_tokens_or_reply(struct request *req,
    const struct store_user *user, const struct account_session *sess,
    int64_t now, struct account_tokens *out);

/*
 * The user's federated identities as an ID token's firebase.identities
 * carries them, {"google.com": ["<sub>"]} (new object, owned), or NULL on
 * a store error. Inside a transaction.
 */
struct json_object *account_identities(struct store *st, int64_t user_id);

/* Sign the ID token into out->id_token. Returns 0 or -1. */
int account_sign_id_token(struct emu *emu, const struct store_user *user,
    const struct account_session *sess, struct account_tokens *out);

/*
 * Inside a store transaction: a new pending credential for `user` with
 * the configured lifetime (or `ttl_s` seconds when > 0).
 */
int account_mint_credential(struct emu *emu, const struct store_user *user,
    const char *provider, int64_t ttl_s, int64_t now,
    struct store_credential *out);

/*
 * The user's mfaInfo[] as Identity Toolkit renders it (new array, owned).
 * `obfuscate` hides all but the last four digits of phone numbers, as in
 * sign-in responses. NULL on a store error.
 */
struct json_object *account_mfa_info(struct store *st, int64_t user_id,
    bool obfuscate);

/* Number of enrollments of the user, or -1 on a store error. */
int account_enrollment_count(struct store *st, int64_t user_id);

/*
 * Verify an ID token signed by this emulator for this project and not
 * expired; on success fill *user_id_out with its sub and return its
 * claims (new object, owned). On failure reply INVALID_ID_TOKEN (or
 * TOKEN_EXPIRED) and return NULL.
 */
struct json_object *account_verify_id_token_or_reply(struct request *req,
    const char *id_token);

/* A signed-in user, resolved from an ID token inside a transaction. */
struct account_ctx {
	struct store_user user;
	struct store_realm realm;
	struct settings set;
	char sign_in_provider[33];
	int64_t auth_time;		/* unix seconds */
	int64_t now;			/* ms */
	/* The rest of the presented token's session, kept on reissue. */
	char second_factor[8];
	char enrollment_id[STORE_ID_MAX + 1];
	char claims[STORE_CLAIMS_MAX + 1];
};

/* The session of `ctx`'s ID token, for tokens reissued within it. */
void account_ctx_session(const struct account_ctx *ctx,
    struct account_session *sess);

/*
 * Google's recent-login rule for sensitive changes (password, email,
 * deletion, linking): the session's sign-in must be at most
 * cfg.recent_login_seconds old on the emulator clock (0: never checked);
 * anonymous sessions are exempt. Inside the transaction; on refusal
 * CREDENTIAL_TOO_OLD_LOGIN_AGAIN.
 */
int account_recent_login_or_reply(struct request *req,
    const struct account_ctx *ctx);

/*
 * Verify `id_token`, begin the store transaction and load its user and
 * realm: MISSING_ID_TOKEN, INVALID_ID_TOKEN, TOKEN_EXPIRED (expired or
 * issued before the user's tokens were revoked), USER_NOT_FOUND,
 * TENANT_ID_MISMATCH (request tenantId vs the token's), USER_DISABLED.
 * On failure the transaction is ended and the reply sent.
 */
int account_resolve_or_reply(struct request *req, const char *id_token,
    const char *tenant_id, struct account_ctx *ctx);

/*
 * Reply 200 {idToken, refreshToken} plus the members of `extra`
 * (consumed; may be NULL), and free t->id_token.
 */
void account_reply_tokens(struct request *req, struct account_tokens *t,
    struct json_object *extra);

/*
 * Inside a transaction: the SetAccountInfoResponse body Identity Toolkit
 * answers accounts:update with (kind, localId, email, emailVerified,
 * displayName, photoUrl, providerUserInfo) for `u`; new object, owned,
 * or NULL on a store error.
 */
struct json_object *account_set_info_body(struct store *st,
    const struct store_user *u);

/*
 * Inside the transaction: the realm a sign-in goes to. A project's own
 * realm is made on first use; a tenant must exist (INVALID_TENANT_ID).
 */
int account_realm_or_reply(struct request *req, const char *tenant,
    struct store_realm *realm);

/*
 * A new user row of the daemon's project in `tenant`, made `now` (ms):
 * local_id given (NULL: a fresh random one), createdAt and validSince
 * set. Not stored. Returns 0, or -1 when RAND_bytes failed.
 */
int account_new_user(struct emu *emu, const char *tenant,
    const char *local_id, int64_t now, struct store_user *u);

/* 1 when `email` looks like an address Identity Toolkit would accept. */
int account_valid_email(const char *email);

/*
 * Inside the transaction: `email` must be no other user's in `u`'s realm
 * (EMAIL_EXISTS); a store error is 503. Returns 0, or -1 once replied.
 */
int account_email_free_or_reply(struct request *req,
    const struct store_user *u, const char *email);

/*
 * Inside the transaction, `r` the result of storing a user: STORE_EXISTS
 * (its email or phone number is taken by a unique index) is EMAIL_EXISTS,
 * any other failure 503. Returns 0 for STORE_OK, or -1 once replied.
 */
int account_stored_or_reply(struct request *req, int r);

/* The token members of a v1 response: idToken, refreshToken, expiresIn. */
void account_add_tokens(struct json_object *body,
    const struct account_tokens *t);

#endif
