/*
 * What mfaSignIn start and finalize share: resolving the pending
 * credential, tenant and user in check order, and issuing the tokens.
 * Functions here run inside the handler's store transaction; those named
 * _or_reply end the transaction and reply when they fail.
 */
#ifndef MFAEMU_HANDLERS_MFA_COMMON_H
#define MFAEMU_HANDLERS_MFA_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "settings.h"
#include "store.h"

struct json_object;
struct request;

struct mfa_ctx {
	struct store_credential cred;
	struct store_user user;
	struct store_realm realm;	/* the credential's project or tenant */
	struct settings set;		/* the realm's effective settings */
	int64_t now;			/* emulator clock, ms */
};

/*
 * Begin the transaction and check, in contract order: the credential
 * (exists, this project, unused, unexpired, attempts left), the tenant
 * (known, same as the credential's), the user (not disabled).
 */
int mfa_resolve_or_reply(struct request *req, const char *credential,
    const char *tenant_id, struct mfa_ctx *ctx);

/* The enrollment `id` of the user, or MFA_ENROLLMENT_NOT_FOUND. */
int mfa_enrollment_or_reply(struct request *req, struct mfa_ctx *ctx,
    const char *id, struct store_enrollment *out);

/* OPERATION_NOT_ALLOWED when the realm has that factor switched off. */
int mfa_factor_allowed_or_reply(struct request *req, struct mfa_ctx *ctx,
    enum store_factor kind);

/*
 * A factor locks for MFA_LOCKOUT_MS after 2 x maxAttempts wrong codes in
 * a row, counted across credentials and sessions, so minting credentials
 * buys no new guesses.
 */
#define MFA_LOCKOUT_MS (300 * 1000)

/* TOO_MANY_ATTEMPTS_TRY_LATER while the factor is locked out. */
int mfa_factor_unlocked_or_reply(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr);

/*
 * End the transaction and reply with an error. `keep` commits what the
 * transaction counted (a wrong code's attempt) instead of rolling back.
 */
void mfa_fail(struct request *req, bool keep, enum err_code code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Success: use up the credential, store a refresh token, commit, then sign
 * the ID token outside the lock and reply {idToken, refreshToken} plus
 * `extra` members (consumed; may be NULL).
 */
void mfa_complete(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr, struct json_object *extra);

#endif
