/*
 * accounts.mfaEnrollment.finalize: check the code for the session that
 * start opened, store the new second factor, and return fresh tokens.
 * POST /v2/accounts/mfaEnrollment:finalize
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/mfa_enrollment_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"
#include "totp.h"

static void
refuse(struct request *req, bool keep, enum err_code code,
    const char *detail)
{
	if (keep) {
		if (txn_commit_or_reply(req) != 0)
			return;
	} else {
		store_rollback(req->emu->store);
	}
	reply_error(req, code, detail ? "%s" : NULL, detail);
}

/*
 * Check the code against the session: 1 when it matches, 0 when it does
 * not (the attempt is counted), -1 on a store error.
 */
static int
code_matches(struct request *req, struct account_ctx *ctx,
    struct store_enroll_session *x, const char *code, uint64_t *step)
{
	int ok;

	if (x->kind == STORE_FACTOR_PHONE) {
		ok = sms_code_equal(x->code, code);
	} else {
		ok = totp_verify(x->totp_secret, x->totp_secret_len,
		    x->totp_alg, x->totp_digits, x->totp_period,
		    ctx->now / 1000, (int)ctx->set.totp_window, code, step);
		if (ok < 0)
			return -1;
	}
	if (!ok && store_enroll_session_fail(req->emu->store,
	    x->session_info) != STORE_OK)
		return -1;
	return ok;
}

void
mfa_enrollment_finalize(struct request *req)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	const char *id_token = NULL, *tenant = NULL, *name = NULL,
	    *session_info = NULL, *code = NULL, *s;
	struct json_object *phone_info = NULL, *totp_info = NULL;
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token },
		{ "phoneVerificationInfo", RP_OBJECT, &phone_info },
		{ "totpVerificationInfo", RP_OBJECT, &totp_info },
		{ "displayName", RP_STRING, &name },
		{ "tenantId", RP_STRING, &tenant },
	};
	const char *phone_code = NULL, *phone_session = NULL,
	    *totp_code = NULL, *totp_session = NULL;
	struct reqparse_field pf[] = {
		{ "sessionInfo", RP_STRING, &phone_session },
		{ "code", RP_STRING, &phone_code },
		{ "phoneNumber", RP_STRING, &s },
		{ "androidVerificationProof", RP_STRING, &s },
	};
	struct reqparse_field tf[] = {
		{ "sessionInfo", RP_STRING, &totp_session },
		{ "verificationCode", RP_STRING, &totp_code },
	};
	struct store_enroll_session x;
	struct store_enrollment e;
	struct account_ctx ctx;
	struct account_session sess;
	struct account_tokens tok;
	uint64_t step = 0;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) ||
	    (phone_info && reqparse_fields_or_reply(req, phone_info,
	    "phoneVerificationInfo", pf, sizeof(pf) / sizeof(pf[0]))) ||
	    (totp_info && reqparse_fields_or_reply(req, totp_info,
	    "totpVerificationInfo", tf, 2)))
		return;
	if (reqparse_empty(id_token)) {
		reply_error(req, ERR_MISSING_ID_TOKEN, NULL);
		return;
	}
	if ((phone_info == NULL) == (totp_info == NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give exactly one of "
		    "phoneVerificationInfo and totpVerificationInfo");
		return;
	}
	session_info = phone_info ? phone_session : totp_session;
	code = phone_info ? phone_code : totp_code;
	if (reqparse_empty(session_info)) {
		reply_error(req, ERR_MISSING_SESSION_INFO, NULL);
		return;
	}
	if (reqparse_empty(code)) {
		reply_error(req, ERR_MISSING_CODE, NULL);
		return;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is longer "
		    "than %d characters", STORE_TEXT_MAX);
		return;
	}
	if (account_resolve_or_reply(req, id_token, tenant, &ctx))
		return;

	r = store_enroll_session_get(st, session_info, &x);
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    (x.user_id != ctx.user.id || (x.kind == STORE_FACTOR_TOTP) !=
	    (totp_info != NULL)))) {
		refuse(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo was "
		    "not issued by mfaEnrollment:start for this user and "
		    "factor");
		return;
	}
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (x.consumed_at != 0) {
		refuse(req, false, ERR_INVALID_SESSION_INFO, "sessionInfo has "
		    "already been used");
		goto out;
	}
	if (ctx.now >= x.expires_at) {
		refuse(req, false, ERR_SESSION_EXPIRED, "the enrollment session "
		    "has expired; start again");
		goto out;
	}
	if ((unsigned)x.attempts >= ctx.set.max_attempts) {
		refuse(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER, "too many "
		    "wrong codes for this sessionInfo");
		goto out;
	}
	/* The account may have changed since start. */
	if (enrollment_allowed_or_reply(req, &ctx, x.kind, x.kind ==
	    STORE_FACTOR_PHONE ? x.phone_number : NULL))
		goto out;
	r = code_matches(req, &ctx, &x, code, &step);
	if (r < 0) {
		txn_fail(req);
		goto out;
	}
	if (r == 0) {
		refuse(req, true, ERR_INVALID_CODE, NULL);
		goto out;
	}

	memset(&e, 0, sizeof(e));
	e.user_id = ctx.user.id;
	e.kind = x.kind;
	e.enrolled_at = ctx.now;
	snprintf(e.display_name, sizeof(e.display_name), "%s",
	    name ? name : "");
	if (x.kind == STORE_FACTOR_PHONE) {
		strcpy(e.phone_number, x.phone_number);
	} else {
		memcpy(e.totp_secret, x.totp_secret, x.totp_secret_len);
		e.totp_secret_len = x.totp_secret_len;
		e.totp_alg = x.totp_alg;
		e.totp_digits = x.totp_digits;
		e.totp_period = x.totp_period;
	}
	if (tokens_random_id(e.enrollment_id) != 0 ||
	    store_enroll_session_consume(st, x.session_info, ctx.now) !=
	    STORE_OK || store_enrollment_insert(st, &e) != STORE_OK ||
	    (x.kind == STORE_FACTOR_TOTP && store_totp_use_step(st, e.id,
	    (int64_t)step, ctx.now, totp_step_expiry_ms(step,
	    x.totp_period)) != STORE_OK)) {
		txn_fail(req);
		goto out;
	}
	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    e.enrollment_id);
	sess.sign_in_provider = ctx.sign_in_provider;
	sess.second_factor = x.kind == STORE_FACTOR_TOTP ? "totp" : "phone";
	sess.enrollment_id = e.enrollment_id;
	sess.auth_time = ctx.auth_time;
	if (account_store_refresh(emu, &ctx.user, &sess, ctx.now, &tok) != 0) {
		txn_fail(req);
		goto out;
	}
	if (txn_commit_or_reply(req) != 0)
		goto out;
	if (account_sign_id_token(emu, &ctx.user, &sess, &tok) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "signing failed");
		goto out;
	}
	account_reply_tokens(req, &tok, NULL);
out:
	OPENSSL_cleanse(x.totp_secret, sizeof(x.totp_secret));
	OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
}
