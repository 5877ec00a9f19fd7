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
#include "handlers/mfa_common.h"
#include "handlers/mfa_enrollment_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"
#include "totp.h"

/* The request; session_info and code are those of the factor given. */
struct finalize_request {
	const char *id_token, *tenant, *name;
	struct json_object *phone_info, *totp_info;
	const char *phone_session, *phone_code, *totp_session, *totp_code;
	const char *unused;
	const char *session_info, *code;
};

/*
 * An idToken; exactly one of phoneVerificationInfo and
 * totpVerificationInfo, with its sessionInfo and code; a displayName that
 * fits.
 */
static int
request_or_reply(struct request *req, struct finalize_request *fr)
{
	struct reqparse_field pf[] = {
		{ "sessionInfo", RP_STRING, &fr->phone_session },
		{ "code", RP_STRING, &fr->phone_code },
		{ "phoneNumber", RP_STRING, &fr->unused },
		{ "androidVerificationProof", RP_STRING, &fr->unused },
	};
	struct reqparse_field tf[] = {
		{ "sessionInfo", RP_STRING, &fr->totp_session },
		{ "verificationCode", RP_STRING, &fr->totp_code },
	};
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &fr->id_token, ERR_MISSING_ID_TOKEN },
		{ "phoneVerificationInfo", RP_OBJECT, &fr->phone_info,
		    .sub = pf, .nsub = sizeof(pf) / sizeof(pf[0]) },
		{ "totpVerificationInfo", RP_OBJECT, &fr->totp_info,
		    .sub = tf, .nsub = sizeof(tf) / sizeof(tf[0]) },
		{ "displayName", RP_STRING, &fr->name },
		{ "tenantId", RP_STRING, &fr->tenant },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return -1;
	if ((fr->phone_info == NULL) == (fr->totp_info == NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give exactly one of "
		    "phoneVerificationInfo and totpVerificationInfo");
		return -1;
	}
	fr->session_info = fr->phone_info ? fr->phone_session :
	    fr->totp_session;
	fr->code = fr->phone_info ? fr->phone_code : fr->totp_code;
	if (mfa_session_and_code_or_reply(req, fr->session_info, fr->code))
		return -1;
	if (fr->name != NULL && strlen(fr->name) > STORE_TEXT_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is longer "
		    "than %d characters", STORE_TEXT_MAX);
		return -1;
	}
	return 0;
}

/*
 * Inside the transaction: the session mfaEnrollment:start opened for this
 * user and this factor, unused, unexpired, with attempts left.
 */
static int
session_or_reply(struct request *req, const struct account_ctx *ctx,
    const struct finalize_request *fr, struct store_enroll_session *x)
{
	int r = store_enroll_session_get(req->emu->store, fr->session_info,
	    x);

	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    (x->user_id != ctx->user.id || (x->kind == STORE_FACTOR_TOTP) !=
	    (fr->totp_info != NULL))))
		return txn_refuse(req, false, ERR_INVALID_SESSION_INFO,
		    "sessionInfo was not issued by mfaEnrollment:start for "
		    "this user and factor");
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return mfa_session_open_or_reply(req, ctx->now, ctx->set.max_attempts,
	    x->consumed_at, x->expires_at, x->attempts, "the enrollment "
	    "session has expired; start again");
}

/*
 * The code proves the factor: the SMS code sent, or a TOTP code of the new
 * secret (its step in *step). A wrong code is counted against the session,
 * and that count is committed.
 */
static int
code_or_reply(struct request *req, const struct account_ctx *ctx,
    const struct store_enroll_session *x, const char *code, uint64_t *step)
{
	int ok;

	if (x->kind == STORE_FACTOR_PHONE)
		ok = sms_code_equal(x->code, code);
	else
		ok = totp_verify(x->totp_secret, x->totp_secret_len,
		    x->totp_alg, x->totp_digits, x->totp_period,
		    ctx->now / 1000, (int)ctx->set.totp_window, code, step);
	if (ok > 0)
		return 0;
	if (ok == 0 && store_enroll_session_fail(req->emu->store,
	    x->session_info) == STORE_OK)
		return txn_refuse(req, true, ERR_INVALID_CODE, NULL);
	txn_fail(req);
	return -1;
}

/* The new second factor's row, as the session describes it. */
static void
enrollment_from_session(struct store_enrollment *e,
    const struct account_ctx *ctx, const struct store_enroll_session *x,
    const char *name)
{
	memset(e, 0, sizeof(*e));
	e->user_id = ctx->user.id;
	e->kind = x->kind;
	e->enrolled_at = ctx->now;
	snprintf(e->display_name, sizeof(e->display_name), "%s",
	    name ? name : "");
	if (x->kind == STORE_FACTOR_PHONE) {
		strcpy(e->phone_number, x->phone_number);
	} else {
		memcpy(e->totp_secret, x->totp_secret, x->totp_secret_len);
		e->totp_secret_len = x->totp_secret_len;
		e->totp_alg = x->totp_alg;
		e->totp_digits = x->totp_digits;
		e->totp_period = x->totp_period;
	}
}

/*
 * Store the factor and use the session up; for TOTP remember the step
 * that proved it, so its code cannot also sign in.
 */
static int
enroll_or_reply(struct request *req, const struct account_ctx *ctx,
    const struct store_enroll_session *x, const char *name, uint64_t step,
    struct store_enrollment *e)
{
	struct store *st = req->emu->store;

	enrollment_from_session(e, ctx, x, name);
	if (tokens_random_id(e->enrollment_id) != 0 ||
	    store_enroll_session_consume(st, x->session_info, ctx->now) !=
	    STORE_OK || store_enrollment_insert(st, e) != STORE_OK ||
	    (x->kind == STORE_FACTOR_TOTP && store_totp_use_step(st, e->id,
	    (int64_t)step, ctx->now, totp_step_expiry_ms(step,
	    x->totp_period)) != STORE_OK)) {
		txn_fail(req);
		return -1;
	}
	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    e->enrollment_id);
	return 0;
}

void
mfa_enrollment_finalize(struct request *req)
{
	struct finalize_request fr = { 0 };
	struct store_enroll_session x = { 0 };
	struct store_enrollment e = { 0 };
	struct account_ctx ctx;
	struct account_session sess = { 0 };
	struct account_tokens tok;
	uint64_t step = 0;

	if (request_or_reply(req, &fr) ||
	    account_resolve_or_reply(req, fr.id_token, fr.tenant, &ctx))
		return;
	if (session_or_reply(req, &ctx, &fr, &x) ||
	    /* The account may have changed since start. */
	    enrollment_allowed_or_reply(req, &ctx, x.kind,
	    x.kind == STORE_FACTOR_PHONE ? x.phone_number : NULL) ||
	    code_or_reply(req, &ctx, &x, fr.code, &step) ||
	    enroll_or_reply(req, &ctx, &x, fr.name, step, &e))
		goto out;
	sess.sign_in_provider = ctx.sign_in_provider;
	sess.second_factor = x.kind == STORE_FACTOR_TOTP ? "totp" : "phone";
	sess.enrollment_id = e.enrollment_id;
	sess.auth_time = ctx.auth_time;
	if (account_issue_tokens_or_reply(req, &ctx.user, &sess, ctx.now,
	    &tok) == 0)
		account_reply_tokens(req, &tok, NULL);
out:
	OPENSSL_cleanse(x.totp_secret, sizeof(x.totp_secret));
	OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
}
