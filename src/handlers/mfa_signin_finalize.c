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

/*
 * The SMS session sessionInfo names and its factor: issued by
 * mfaSignIn:start for this credential and, when mfaEnrollmentId is
 * given, for that factor. 0, or -1 after ending the transaction and
 * replying.
 */
static int
sms_session_or_reply(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr, struct store_sms_session *s,
    struct store_enrollment *enr)
{
	struct store *st = req->emu->store;
	struct store_enrollment named;
	int r;

	if (!reqparse_empty(fr->enrollment_id) &&
	    mfa_enrollment_or_reply(req, ctx, fr->enrollment_id, &named))
		return -1;
	r = store_sms_get(st, fr->session_info, s);
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    strcmp(s->credential, ctx->cred.credential) != 0))
		return txn_refuse(req, false, ERR_INVALID_SESSION_INFO,
		    "sessionInfo was not issued by mfaSignIn:start for this "
		    "mfaPendingCredential");
	if (r != STORE_OK || store_enrollment_by_rowid(st, s->enrollment,
	    enr) != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    enr->enrollment_id);
	if (!reqparse_empty(fr->enrollment_id) && named.id != enr->id)
		return txn_refuse(req, false, ERR_INVALID_SESSION_INFO,
		    "sessionInfo was issued for mfaEnrollmentId '%s', not "
		    "'%s'", enr->enrollment_id, named.enrollment_id);
	return 0;
}

/*
 * May the session's code still be tried: its factor allowed in the realm,
 * the session unused, unexpired, with attempts left, for the phoneNumber
 * given (if any), the factor not locked. 0, or -1 after ending the
 * transaction and replying.
 */
static int
sms_session_open_or_reply(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr, const struct store_sms_session *s,
    const struct store_enrollment *enr)
{
	if (mfa_factor_allowed_or_reply(req, ctx, STORE_FACTOR_PHONE))
		return -1;
	if (mfa_session_open_or_reply(req, ctx->now, ctx->set.max_attempts,
	    s->consumed_at, s->expires_at, s->attempts, "the SMS code has "
	    "expired; start the sign-in again"))
		return -1;
	if (!reqparse_empty(fr->phone_number) &&
	    strcmp(fr->phone_number, s->phone_number) != 0)
		return txn_refuse(req, false, ERR_INVALID_PHONE_NUMBER,
		    "phoneNumber does not match the phone the code was sent "
		    "to");
	return mfa_factor_unlocked_or_reply(req, ctx, enr);
}

/* phoneVerificationInfo with sessionInfo and code. */
static void
finalize_sms(struct request *req, struct mfa_ctx *ctx,
    const struct finalize_req *fr)
{
	struct store *st = req->emu->store;
	struct store_enrollment enr;
	struct store_sms_session s;
	int r;

	if (sms_session_or_reply(req, ctx, fr, &s, &enr) ||
	    sms_session_open_or_reply(req, ctx, fr, &s, &enr))
		return;
	if (!sms_code_equal(s.code, fr->code)) {
		if (store_sms_fail(st, s.session_info) != STORE_OK ||
		    store_enrollment_fail(st, enr.id, ctx->now) != STORE_OK) {
			txn_fail(req);
			return;
		}
		txn_refuse(req, true, ERR_INVALID_CODE, NULL);
		return;
	}
	r = store_sms_consume(st, s.session_info, ctx->now);
	if (txn_check_or_reply(req, r))
		return;
	if (r != STORE_OK) {
		txn_refuse(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo "
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
			txn_refuse(req, false, ERR_INVALID_ARGUMENT,
			    "mfaEnrollmentId '%s' is not the phone factor for "
			    "phoneNumber", enr.enrollment_id);
			return;
		}
	} else {
		r = store_enrollment_find_phone(st, ctx->user.id,
		    fr->phone_number, &enr);
		if (r == STORE_NOT_FOUND) {
			txn_refuse(req, false, ERR_MFA_ENROLLMENT_NOT_FOUND,
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
		txn_refuse(req, false, ERR_INVALID_ARGUMENT,
		    "androidVerificationProof is unknown, expired or for "
		    "another phone number");
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
		txn_refuse(req, false, ERR_INVALID_ARGUMENT, "mfaEnrollmentId "
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
		txn_refuse(req, false, ERR_INTERNAL_ERROR, "TOTP parameters of "
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
		txn_refuse(req, true, ERR_INVALID_CODE, "this TOTP code has "
		    "already been used; wait for the next one");
	else
		txn_refuse(req, true, ERR_INVALID_CODE, NULL);
}

/*
 * The fields required by the kind of verification (the table has the
 * credential), in the order the request lists them.
 */
static int
required_or_reply(struct request *req, const struct finalize_req *fr)
{
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
		return mfa_session_and_code_or_reply(req, fr->session_info,
		    fr->code);
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
	struct reqparse_field pf[] = {
		{ "sessionInfo", RP_STRING, &fr.session_info },
		{ "code", RP_STRING, &fr.code },
		{ "phoneNumber", RP_STRING, &fr.phone_number },
		{ "androidVerificationProof", RP_STRING, &fr.proof },
	};
	struct reqparse_field tf[] = {
		{ "verificationCode", RP_STRING, &fr.totp_code },
	};
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &fr.credential,
		    ERR_MISSING_CREDENTIAL,
		    "mfaPendingCredential is required" },
		{ "mfaEnrollmentId", RP_STRING, &fr.enrollment_id },
		{ "phoneVerificationInfo", RP_OBJECT, &fr.phone,
		    .sub = pf, .nsub = sizeof(pf) / sizeof(pf[0]) },
		{ "totpVerificationInfo", RP_OBJECT, &fr.totp,
		    .sub = tf, .nsub = sizeof(tf) / sizeof(tf[0]) },
		{ "tenantId", RP_STRING, &fr.tenant },
	};

	memset(&fr, 0, sizeof(fr));
	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
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
