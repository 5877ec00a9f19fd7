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
#include "log.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"

/* Every field of StartMfaPhoneRequestInfo is accepted, checked for type. */
static int
phone_info_or_reply(struct request *req, struct json_object *info)
{
	const char *s;
	struct json_object *auto_retrieval = NULL;
	struct reqparse_field f[] = {
		{ "phoneNumber", RP_STRING, &s },
		{ "iosReceipt", RP_STRING, &s },
		{ "iosSecret", RP_STRING, &s },
		{ "recaptchaToken", RP_STRING, &s },
		{ "autoRetrievalInfo", RP_OBJECT, &auto_retrieval },
		{ "safetyNetToken", RP_STRING, &s },
		{ "playIntegrityToken", RP_STRING, &s },
		{ "captchaResponse", RP_STRING, &s },
		{ "clientType", RP_STRING, &s },
		{ "recaptchaVersion", RP_STRING, &s },
	};
	struct reqparse_field ar[] = {
		{ "appSignatureHash", RP_STRING, &s },
	};

	if (info == NULL)
		return 0;
	if (reqparse_fields_or_reply(req, info, "phoneSignInInfo", f,
	    sizeof(f) / sizeof(f[0])))
		return -1;
	if (auto_retrieval != NULL && reqparse_fields_or_reply(req,
	    auto_retrieval, "phoneSignInInfo.autoRetrievalInfo", ar, 1))
		return -1;
	return 0;
}

void
mfa_signin_start(struct request *req)
{
	struct emu *emu = req->emu;
	const char *credential = NULL, *enrollment_id = NULL, *tenant = NULL;
	struct json_object *phone_info = NULL, *body, *resp;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &credential },
		{ "mfaEnrollmentId", RP_STRING, &enrollment_id },
		{ "phoneSignInInfo", RP_OBJECT, &phone_info },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct store_sms_session s;
	struct store_enrollment enr;
	struct mfa_ctx ctx;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) || phone_info_or_reply(req, phone_info))
		return;
	if (reqparse_empty(credential)) {
		reply_error(req, ERR_MISSING_MFA_PENDING_CREDENTIAL, NULL);
		return;
	}
	if (reqparse_empty(enrollment_id)) {
		reply_error(req, ERR_MISSING_MFA_ENROLLMENT_ID, NULL);
		return;
	}

	if (mfa_resolve_or_reply(req, credential, tenant, &ctx) ||
	    mfa_enrollment_or_reply(req, &ctx, enrollment_id, &enr))
		return;
	if (enr.kind == STORE_FACTOR_TOTP) {
		mfa_fail(req, false, ERR_INVALID_ARGUMENT, "mfaEnrollmentId "
		    "'%s' is a TOTP factor, which needs no start: call "
		    "mfaSignIn:finalize with totpVerificationInfo",
		    enr.enrollment_id);
		return;
	}
	if (mfa_factor_allowed_or_reply(req, &ctx, STORE_FACTOR_PHONE))
		return;

	memset(&s, 0, sizeof(s));
	r = store_test_phone_code(emu->store, ctx.cred.project_id,
	    ctx.cred.tenant_id, enr.phone_number, s.code);
	if (txn_check_or_reply(req, r))
		return;
	/* Only randomness is left to fail here: that is no store failure. */
	if ((r == STORE_NOT_FOUND && sms_code_generate(s.code,
	    ctx.set.sms_code_length) != 0) || tokens_random("", 32,
	    s.session_info, sizeof(s.session_info)) != 0) {
		mfa_fail(req, false, ERR_INTERNAL_ERROR, "RAND_bytes failed");
		return;
	}
	strcpy(s.credential, ctx.cred.credential);
	s.enrollment = enr.id;
	strcpy(s.phone_number, enr.phone_number);
	s.created_at = ctx.now;
	s.expires_at = ctx.now + (int64_t)ctx.set.sms_code_ttl * 1000;
	if (store_sms_insert(emu->store, &s) != STORE_OK ||
	    store_outbox_add(emu->store, ctx.cred.project_id,
	    ctx.cred.tenant_id, s.phone_number, s.code, s.session_info,
	    ctx.now, s.expires_at) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	atomic_fetch_add(&emu->sms_sent, 1);
	/* The outbox line: the one place a code is logged, by design. */
	log_info("sms: code %s for %s (project %s%s%s)", s.code,
	    s.phone_number, ctx.cred.project_id,
	    ctx.cred.tenant_id[0] ? ", tenant " : "", ctx.cred.tenant_id);

	body = json_object_new_object();
	resp = json_object_new_object();
	json_object_object_add(resp, "sessionInfo",
	    json_object_new_string(s.session_info));
	json_object_object_add(body, "phoneResponseInfo", resp);
	reply_json(req, 200, body);
}
