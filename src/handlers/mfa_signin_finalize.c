/*
 * accounts.mfaSignIn.finalize: verify the second factor and issue tokens.
 * POST /v2/accounts/mfaSignIn:finalize
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "handlers/mfa_common.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"
#include "totp.h"

/* How long an androidVerificationProof we hand out stays good. */
#define PROOF_LIFETIME_MS (3600 * 1000)

struct finalize_req {
	const char *credential;
	const char *enrollment_id;
	const char *tenant;
	struct json_object *phone;
	struct json_object *totp;
	const char *session_info;
	const char *code;
	const char *phone_number;
	const char *proof;
	const char *totp_code;
};

/*
 * phoneAuthInfo for a caller that named its phone number: a fresh proof it
 * may present instead of a code next time. NULL when not asked for.
 */
static int
phone_auth_info(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr, const char *phone,
    struct json_object **out)
{
	struct store_proof p;
	struct json_object *info;
	char when[32];

	*out = NULL;
	if (reqparse_empty(fr->phone_number))
		return 0;
	memset(&p, 0, sizeof(p));
	if (tokens_random("AVP", 32, p.proof, sizeof(p.proof)) != 0)
		return -1;
	strcpy(p.project_id, ctx->cred.project_id);
	strcpy(p.tenant_id, ctx->cred.tenant_id);
	strcpy(p.phone_number, phone);
	p.expires_at = ctx->now + PROOF_LIFETIME_MS;
	if (store_proof_insert(req->emu->store, &p) != STORE_OK ||
	    clock_format_rfc3339(p.expires_at, when, sizeof(when)) != 0)
		return -1;
	info = json_object_new_object();
	json_object_object_add(info, "phoneNumber",
	    json_object_new_string(phone));
	json_object_object_add(info, "androidVerificationProof",
	    json_object_new_string(p.proof));
	json_object_object_add(info, "androidVerificationProofExpireTime",
	    json_object_new_string(when));
	*out = json_object_new_object();
	json_object_object_add(*out, "phoneAuthInfo", info);
	return 0;
}

static void
finish_phone(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr, const struct store_enrollment *enr)
{
	struct json_object *extra;

	if (phone_auth_info(req, ctx, fr, enr->phone_number, &extra) != 0) {
		txn_fail(req);
		return;
	}
	mfa_complete(req, ctx, enr, extra);
}

/* phoneVerificationInfo with sessionInfo and code. */
static void
finalize_sms(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr)
{
	struct store *st = req->emu->store;
	struct store_enrollment named, enr;
	struct store_sms_session s;
	int r;

	if (!reqparse_empty(fr->enrollment_id) &&
	    mfa_enrollment_or_reply(req, ctx, fr->enrollment_id, &named))
		return;
	r = store_sms_get(st, fr->session_info, &s);
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    strcmp(s.credential, ctx->cred.credential) != 0)) {
		mfa_fail(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo "
		    "was not issued by mfaSignIn:start for this "
		    "mfaPendingCredential");
		return;
	}
	if (r != STORE_OK || store_enrollment_by_rowid(st, s.enrollment,
	    &enr) != STORE_OK) {
		txn_fail(req);
		return;
	}
	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    enr.enrollment_id);
	if (!reqparse_empty(fr->enrollment_id) && named.id != enr.id) {
		mfa_fail(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo "
		    "was issued for mfaEnrollmentId '%s', not '%s'",
		    enr.enrollment_id, named.enrollment_id);
		return;
	}
	if (mfa_factor_allowed_or_reply(req, ctx, STORE_FACTOR_PHONE))
		return;
	if (s.consumed_at != 0) {
		mfa_fail(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo "
		    "has already been used");
		return;
	}
	if (ctx->now >= s.expires_at) {
		mfa_fail(req, false, ERR_SESSION_EXPIRED, "the SMS code has "
		    "expired; start the sign-in again");
		return;
	}
	if ((unsigned)s.attempts >= ctx->set.max_attempts) {
		mfa_fail(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER,
		    "too many wrong codes for this sessionInfo");
		return;
	}
	if (!reqparse_empty(fr->phone_number) &&
	    strcmp(fr->phone_number, s.phone_number) != 0) {
		mfa_fail(req, false, ERR_INVALID_PHONE_NUMBER, "phoneNumber "
		    "does not match the phone the code was sent to");
		return;
	}
	if (mfa_factor_unlocked_or_reply(req, ctx, &enr))
		return;
	if (!sms_code_equal(s.code, fr->code)) {
		if (store_sms_fail(st, s.session_info) != STORE_OK ||
		    store_enrollment_fail(st, enr.id, ctx->now) != STORE_OK) {
			txn_fail(req);
			return;
		}
		mfa_fail(req, true, ERR_INVALID_CODE, NULL);
		return;
	}
	r = store_sms_consume(st, s.session_info, ctx->now);
	if (txn_check_or_reply(req, r))
		return;
	if (r != STORE_OK) {
		mfa_fail(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo "
		    "has already been used");
		return;
	}
	finish_phone(req, ctx, fr, &enr);
}

/* phoneVerificationInfo with androidVerificationProof and phoneNumber. */
static void
finalize_proof(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr)
{
	struct store *st = req->emu->store;
	struct store_enrollment enr;
	struct store_proof p;
	int r;

	if (!reqparse_empty(fr->enrollment_id)) {
		if (mfa_enrollment_or_reply(req, ctx, fr->enrollment_id, &enr))
			return;
		if (enr.kind != STORE_FACTOR_PHONE ||
		    strcmp(enr.phone_number, fr->phone_number) != 0) {
			mfa_fail(req, false, ERR_INVALID_ARGUMENT,
			    "mfaEnrollmentId '%s' is not the phone factor for "
			    "phoneNumber", enr.enrollment_id);
			return;
		}
	} else {
		r = store_enrollment_find_phone(st, ctx->user.id,
		    fr->phone_number, &enr);
		if (r == STORE_NOT_FOUND) {
			mfa_fail(req, false, ERR_MFA_ENROLLMENT_NOT_FOUND,
			    "user '%s' has no phone factor for phoneNumber",
			    ctx->user.local_id);
			return;
		}
		if (r != STORE_OK) {
			txn_fail(req);
			return;
		}
	}
	if (mfa_factor_allowed_or_reply(req, ctx, STORE_FACTOR_PHONE))
		return;
	r = store_proof_get(st, fr->proof, &p);
	if (txn_check_or_reply(req, r))
		return;
	if (r != STORE_OK || strcmp(p.phone_number, fr->phone_number) != 0 ||
	    strcmp(p.project_id, ctx->cred.project_id) != 0 ||
	    strcmp(p.tenant_id, ctx->cred.tenant_id) != 0 ||
	    ctx->now >= p.expires_at) {
		mfa_fail(req, false, ERR_INVALID_ARGUMENT, "androidVerification"
		    "Proof is unknown, expired or for another phone number");
		return;
	}
	finish_phone(req, ctx, fr, &enr);
}

static void
finalize_totp(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr)
{
	struct store *st = req->emu->store;
	struct store_enrollment enr;
	uint64_t step;
	int ok, r;

	if (mfa_enrollment_or_reply(req, ctx, fr->enrollment_id, &enr))
		return;
	if (enr.kind != STORE_FACTOR_TOTP) {
		mfa_fail(req, false, ERR_INVALID_ARGUMENT, "mfaEnrollmentId "
		    "'%s' is a phone factor: finalize it with "
		    "phoneVerificationInfo", enr.enrollment_id);
		return;
	}
	if (mfa_factor_allowed_or_reply(req, ctx, STORE_FACTOR_TOTP) ||
	    mfa_factor_unlocked_or_reply(req, ctx, &enr))
		return;
	ok = totp_verify(enr.totp_secret, enr.totp_secret_len, enr.totp_alg,
	    enr.totp_digits, enr.totp_period, ctx->now / 1000,
	    (int)ctx->set.totp_window,
	    fr->totp_code, &step);
	OPENSSL_cleanse(enr.totp_secret, sizeof(enr.totp_secret));
	if (ok < 0) {
		mfa_fail(req, false, ERR_INTERNAL_ERROR, "TOTP parameters of "
		    "enrollment %s are invalid", enr.enrollment_id);
		return;
	}
	r = ok ? store_totp_use_step(st, enr.id, (int64_t)step, ctx->now,
	    totp_step_expiry_ms(step, enr.totp_period)) : STORE_NOT_FOUND;
	if (r == STORE_OK) {
		mfa_complete(req, ctx, &enr, NULL);
		return;
	}
	/*
	 * A replayed code counts against the credential, not the factor:
	 * it was right once, so it is no guess at the secret.
	 */
	if (r == STORE_ERROR ||
	    store_credential_fail(st, ctx->cred.credential) != STORE_OK ||
	    (r != STORE_EXISTS && store_enrollment_fail(st, enr.id,
	    ctx->now) != STORE_OK)) {
		txn_fail(req);
		return;
	}
	if (r == STORE_EXISTS)
		mfa_fail(req, true, ERR_INVALID_CODE, "this TOTP code has "
		    "already been used; wait for the next one");
	else
		mfa_fail(req, true, ERR_INVALID_CODE, NULL);
}

/* Required fields, in the order the request lists them. */
static int
required_or_reply(struct request *req, const struct finalize_req *fr)
{
	if (reqparse_empty(fr->credential)) {
		reply_error(req, ERR_MISSING_CREDENTIAL, "mfaPendingCredential "
		    "is required");
		return -1;
	}
	if ((fr->phone == NULL) == (fr->totp == NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give exactly one of "
		    "phoneVerificationInfo and totpVerificationInfo");
		return -1;
	}
	if (fr->phone != NULL) {
		if (!reqparse_empty(fr->proof)) {
			if (reqparse_empty(fr->phone_number)) {
				reply_error(req, ERR_MISSING_PHONE_NUMBER,
				    "androidVerificationProof needs "
				    "phoneNumber");
				return -1;
			}
			return 0;
		}
		if (reqparse_empty(fr->session_info)) {
			reply_error(req, ERR_MISSING_SESSION_INFO, NULL);
			return -1;
		}
		if (reqparse_empty(fr->code)) {
			reply_error(req, ERR_MISSING_CODE, NULL);
			return -1;
		}
		return 0;
	}
	if (reqparse_empty(fr->enrollment_id)) {
		reply_error(req, ERR_MISSING_MFA_ENROLLMENT_ID, "a TOTP "
		    "finalize names its factor in mfaEnrollmentId");
		return -1;
	}
	if (reqparse_empty(fr->totp_code)) {
		reply_error(req, ERR_MISSING_CODE, "totpVerificationInfo."
		    "verificationCode is required");
		return -1;
	}
	return 0;
}

void
mfa_signin_finalize(struct request *req)
{
	struct finalize_req fr;
	struct mfa_ctx ctx;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &fr.credential },
		{ "mfaEnrollmentId", RP_STRING, &fr.enrollment_id },
		{ "phoneVerificationInfo", RP_OBJECT, &fr.phone },
		{ "totpVerificationInfo", RP_OBJECT, &fr.totp },
		{ "tenantId", RP_STRING, &fr.tenant },
	};
	struct reqparse_field pf[] = {
		{ "sessionInfo", RP_STRING, &fr.session_info },
		{ "code", RP_STRING, &fr.code },
		{ "phoneNumber", RP_STRING, &fr.phone_number },
		{ "androidVerificationProof", RP_STRING, &fr.proof },
	};
	struct reqparse_field tf[] = {
		{ "verificationCode", RP_STRING, &fr.totp_code },
	};

	memset(&fr, 0, sizeof(fr));
	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (fr.phone != NULL && reqparse_fields_or_reply(req, fr.phone,
	    "phoneVerificationInfo", pf, sizeof(pf) / sizeof(pf[0])))
		return;
	if (fr.totp != NULL && reqparse_fields_or_reply(req, fr.totp,
	    "totpVerificationInfo", tf, 1))
		return;
	if (required_or_reply(req, &fr) ||
	    mfa_resolve_or_reply(req, fr.credential, fr.tenant, &ctx))
		return;
	if (fr.totp != NULL)
		finalize_totp(req, &ctx, &fr);
	else if (!reqparse_empty(fr.proof))
		finalize_proof(req, &ctx, &fr);
	else
		finalize_sms(req, &ctx, &fr);
}
