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
};

struct account_tokens {
	char refresh_token[STORE_TOKEN_MAX + 1];
	char *id_token;			/* malloc'd */
};

/*
 * The end of every sign-in: inside the store transaction, store a new
 * refresh token for `user` and commit; then, with the store released, sign
 * the ID token into out->id_token (malloc'd). On failure replies (503 for
 * the store, 500 for signing) and returns -1.
 */
int account_issue_tokens_or_reply(struct request *req,
    const struct store_user *user, const struct account_session *sess,
    int64_t now, struct account_tokens *out);

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
};

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

/* 1 when `email` looks like an address Identity Toolkit would accept. */
int account_valid_email(const char *email);

/* The token members of a v1 response: idToken, refreshToken, expiresIn. */
void account_add_tokens(struct json_object *body,
    const struct account_tokens *t);

#endif
