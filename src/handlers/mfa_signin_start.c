/*
 * accounts.mfaSignIn.start: send an SMS code to a phone second factor.
 * POST /v2/accounts/mfaSignIn:start
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "handlers/mfa_common.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"

/*
 * The phone factor mfaEnrollmentId names, allowed in the realm. 0, or -1
 * after ending the transaction and replying.
 */
static int
phone_factor_or_reply(struct request *req, struct mfa_ctx *ctx,
    const char *enrollment_id, struct store_enrollment *enr)
{
	if (mfa_enrollment_or_reply(req, ctx, enrollment_id, enr))
		return -1;
	if (enr->kind == STORE_FACTOR_TOTP)
		return txn_refuse(req, false, ERR_INVALID_ARGUMENT,
		    "mfaEnrollmentId '%s' is a TOTP factor, which needs no "
		    "start: call mfaSignIn:finalize with totpVerificationInfo",
		    enr->enrollment_id);
	return mfa_factor_allowed_or_reply(req, ctx, STORE_FACTOR_PHONE);
}

/*
 * Inside the transaction: a new SMS session for the factor, its code the
 * realm's test code for the phone or a random one, and its outbox line.
 * 0, or -1 after ending the transaction and replying.
 */
static int
sms_session_or_reply(struct request *req, const struct mfa_ctx *ctx,
    const struct store_enrollment *enr, struct store_sms_session *s)
{
	struct store *st = req->emu->store;
	int r;

	memset(s, 0, sizeof(*s));
	r = store_test_phone_code(st, ctx->cred.project_id,
	    ctx->cred.tenant_id, enr->phone_number, s->code);
	if (txn_check_or_reply(req, r))
		return -1;
	/* Only randomness is left to fail here: that is no store failure. */
	if ((r == STORE_NOT_FOUND && sms_code_generate(s->code,
	    ctx->set.sms_code_length) != 0) || tokens_random("", 32,
	    s->session_info, sizeof(s->session_info)) != 0)
		return txn_refuse(req, false, ERR_INTERNAL_ERROR,
		    "RAND_bytes failed");
	strcpy(s->credential, ctx->cred.credential);
	s->enrollment = enr->id;
	strcpy(s->phone_number, enr->phone_number);
	s->created_at = ctx->now;
	s->expires_at = ctx->now + (int64_t)ctx->set.sms_code_ttl * 1000;
	if (store_sms_insert(st, s) != STORE_OK ||
	    store_outbox_add(st, ctx->cred.project_id, ctx->cred.tenant_id,
	    s->phone_number, s->code, s->session_info, ctx->now,
	    s->expires_at) != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

void
mfa_signin_start(struct request *req)
{
	const char *credential = NULL, *enrollment_id = NULL, *tenant = NULL;
	struct json_object *phone_info = NULL, *body, *resp;
	struct mfa_phone_info pi;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &credential,
		    ERR_MISSING_MFA_PENDING_CREDENTIAL },
		{ "mfaEnrollmentId", RP_STRING, &enrollment_id,
		    ERR_MISSING_MFA_ENROLLMENT_ID },
		mfa_phone_info_field("phoneSignInInfo", &phone_info, &pi),
		{ "tenantId", RP_STRING, &tenant },
	};
	struct store_sms_session s;
	struct store_enrollment enr;
	struct mfa_ctx ctx;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (mfa_resolve_or_reply(req, credential, tenant, &ctx) ||
	    phone_factor_or_reply(req, &ctx, enrollment_id, &enr) ||
	    sms_session_or_reply(req, &ctx, &enr, &s) ||
	    txn_commit_or_reply(req) != 0)
		return;
	mfa_log_sms("code", s.code, s.phone_number, ctx.cred.project_id,
	    ctx.cred.tenant_id);

	body = json_object_new_object();
	resp = json_object_new_object();
	json_object_object_add(resp, "sessionInfo",
	    json_object_new_string(s.session_info));
	json_object_object_add(body, "phoneResponseInfo", resp);
	reply_json(req, 200, body);
}
