/*
 * What mfaSignIn start and finalize share: resolving the pending
 * credential, tenant and user in check order, and issuing the tokens.
 * Functions here run inside the handler's store transaction; those named
 * _or_reply end the transaction and reply when they fail. Also the phone
 * request info that mfaSignIn:start and mfaEnrollment:start both take.
 */
#ifndef MFAEMU_HANDLERS_MFA_COMMON_H
#define MFAEMU_HANDLERS_MFA_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "reqparse.h"
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
 * Success: use up the credential, store a refresh token, commit, then sign
 * the ID token outside the lock and reply {idToken, refreshToken} plus
 * `extra` members (consumed; may be NULL).
 */
/*
 * A session (SMS sign-in or enrollment) that a code is checked against:
 * unused, unexpired (`expired` is the detail then) and with attempts left.
 * Rolls back and replies otherwise.
 */
int mfa_session_open_or_reply(struct request *req, int64_t now,
    unsigned max_attempts, int64_t consumed_at, int64_t expires_at,
    int attempts, const char *expired);

/*
 * A finalize names the session its code is checked against, and the
 * code: MISSING_SESSION_INFO, then MISSING_CODE, when one is empty.
 * Before any transaction; returns 0, or -1 once replied.
 */
int mfa_session_and_code_or_reply(struct request *req,
    const char *session_info, const char *code);

void mfa_complete(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr, struct json_object *extra);

/*
 * StartMfaPhoneRequestInfo: the phoneSignInInfo of mfaSignIn:start and the
 * phoneEnrollmentInfo of mfaEnrollment:start. Every field is accepted and
 * checked for its type; only the number is used.
 */
#define MFA_PHONE_INFO_FIELDS 10
struct mfa_phone_info {
	const char *phone_number;
	const char *unused;		/* the fields checked for type only */
	struct json_object *auto_retrieval;
	struct reqparse_field auto_retrieval_fields[1];
	struct reqparse_field fields[MFA_PHONE_INFO_FIELDS];
};

/*
 * The row of a request's field table for a StartMfaPhoneRequestInfo
 * member `name` (an object into *slot), its nested tables in *p, whose
 * slots it clears.
 */
struct reqparse_field mfa_phone_info_field(const char *name,
    struct json_object **slot, struct mfa_phone_info *p);

/*
 * The outbox line, the one place an SMS code is logged (by design, as the
 * Firebase emulator prints it): "sms: <what> <code> for <phone> (project
 * P[, tenant T])"; in JSON also phoneNumber, code, projectId, tenantId.
 */
void mfa_log_sms(const char *what, const char *code, const char *phone,
    const char *project, const char *tenant);

#endif
