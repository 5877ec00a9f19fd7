/*
 * accounts.mfaEnrollment.start: begin enrolling a phone (an SMS code to
 * the new number) or a TOTP factor (a new secret for the app to show).
 * POST /v2/accounts/mfaEnrollment:start
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base32.h"
#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/mfa_common.h"
#include "handlers/mfa_enrollment_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "phone.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "tokens.h"

/* TOTP secrets as Google issues them: 20 bytes, SHA1, 6 digits, 30 s. */
#define TOTP_SECRET_BYTES 20

static void
start_phone(struct request *req, struct account_ctx *ctx,
    struct store_enroll_session *x)
{
	struct emu *emu = req->emu;
	struct json_object *body, *info;
	int r;

	r = store_test_phone_code(emu->store, ctx->user.project_id,
	    ctx->user.tenant_id, x->phone_number, x->code);
	if (r == STORE_NOT_FOUND && sms_code_generate(x->code,
	    ctx->set.sms_code_length) == 0)
		r = STORE_OK;
	x->expires_at = ctx->now + (int64_t)ctx->set.sms_code_ttl * 1000;
	if (r != STORE_OK || store_enroll_session_insert(emu->store, x) !=
	    STORE_OK || store_outbox_add(emu->store, ctx->user.project_id,
	    ctx->user.tenant_id, x->phone_number, x->code, x->session_info,
	    ctx->now, x->expires_at) != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	mfa_log_sms("enrollment code", x->code, x->phone_number,
	    ctx->user.project_id, ctx->user.tenant_id);
	body = json_object_new_object();
	info = json_object_new_object();
	json_object_object_add(info, "sessionInfo",
	    json_object_new_string(x->session_info));
	json_object_object_add(body, "phoneSessionInfo", info);
	reply_json(req, 200, body);
}

static void
start_totp(struct request *req, struct account_ctx *ctx,
    struct store_enroll_session *x)
{
	struct json_object *body, *info;
	char secret[64], when[32];

	x->kind = STORE_FACTOR_TOTP;
	x->totp_secret_len = TOTP_SECRET_BYTES;
	x->totp_alg = TOTP_SHA1;
	x->totp_digits = 6;
	x->totp_period = 30;
	x->expires_at = ctx->now + ENROLLMENT_SESSION_TTL_S * 1000;
	if (RAND_bytes(x->totp_secret, TOTP_SECRET_BYTES) != 1 ||
	    base32_encode(x->totp_secret, TOTP_SECRET_BYTES, secret,
	    sizeof(secret)) < 0 ||
	    store_enroll_session_insert(req->emu->store, x) != STORE_OK) {
		OPENSSL_cleanse(x->totp_secret, sizeof(x->totp_secret));
		txn_fail(req);
		return;
	}
	OPENSSL_cleanse(x->totp_secret, sizeof(x->totp_secret));
	if (txn_commit_or_reply(req) != 0) {
		OPENSSL_cleanse(secret, sizeof(secret));
		return;
	}
	clock_format_rfc3339(x->expires_at, when, sizeof(when));
	body = json_object_new_object();
	info = json_object_new_object();
	json_object_object_add(info, "sharedSecretKey",
	    json_object_new_string(secret));
	OPENSSL_cleanse(secret, sizeof(secret));
	json_object_object_add(info, "verificationCodeLength",
	    json_object_new_int(x->totp_digits));
	json_object_object_add(info, "hashingAlgorithm",
	    json_object_new_string(totp_alg_name(x->totp_alg)));
	json_object_object_add(info, "periodSec",
	    json_object_new_int(x->totp_period));
	json_object_object_add(info, "sessionInfo",
	    json_object_new_string(x->session_info));
	json_object_object_add(info, "finalizeEnrollmentTime",
	    json_object_new_string(when));
	json_object_object_add(body, "totpSessionInfo", info);
	reply_json(req, 200, body);
}

void
mfa_enrollment_start(struct request *req)
{
	const char *id_token = NULL, *tenant = NULL;
	struct json_object *phone_info = NULL, *totp_info = NULL;
	struct mfa_phone_info pi;
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token, ERR_MISSING_ID_TOKEN },
		mfa_phone_info_field("phoneEnrollmentInfo", &phone_info, &pi),
		{ "totpEnrollmentInfo", RP_OBJECT, &totp_info },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct store_enroll_session x;
	struct account_ctx ctx;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if ((phone_info == NULL) == (totp_info == NULL)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "give exactly one of "
		    "phoneEnrollmentInfo and totpEnrollmentInfo");
		return;
	}
	/* Google answers INVALID_PHONE_NUMBER for a missing number too. */
	if (phone_info != NULL && !phone_valid(pi.phone_number)) {
		reply_error(req, ERR_INVALID_PHONE_NUMBER, "Invalid format.");
		return;
	}
	if (account_resolve_or_reply(req, id_token, tenant, &ctx) ||
	    enrollment_allowed_or_reply(req, &ctx, phone_info ?
	    STORE_FACTOR_PHONE : STORE_FACTOR_TOTP, pi.phone_number))
		return;
	memset(&x, 0, sizeof(x));
	if (tokens_random("", 32, x.session_info, sizeof(x.session_info))) {
		txn_fail(req);
		return;
	}
	x.user_id = ctx.user.id;
	x.created_at = ctx.now;
	if (phone_info != NULL) {
		x.kind = STORE_FACTOR_PHONE;
		snprintf(x.phone_number, sizeof(x.phone_number), "%s",
		    pi.phone_number);
		start_phone(req, &ctx, &x);
	} else {
		start_totp(req, &ctx, &x);
	}
}
