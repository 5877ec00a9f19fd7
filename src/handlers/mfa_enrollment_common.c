#include <string.h>

#include "emu.h"
#include "handlers/mfa_enrollment_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"

struct factor_scan {
	int count;
	const char *phone;
	int phone_taken;
};

static int
scan(const struct store_enrollment *e, void *arg)
{
	struct factor_scan *fs = arg;

	fs->count++;
	if (fs->phone != NULL && e->kind == STORE_FACTOR_PHONE &&
	    strcmp(e->phone_number, fs->phone) == 0)
		fs->phone_taken = 1;
	return 0;
}

int
enrollment_allowed_or_reply(struct request *req, struct account_ctx *ctx,
    enum store_factor kind, const char *phone)
{
	struct factor_scan fs = { 0, phone, 0 };

	if (strcmp(ctx->sign_in_provider, "anonymous") == 0 ||
	    strcmp(ctx->sign_in_provider, "phone") == 0 ||
	    strcmp(ctx->sign_in_provider, "custom") == 0)
		return txn_refuse(req, false, ERR_UNSUPPORTED_FIRST_FACTOR,
		    "MFA is not available for the given first factor");
	if (ctx->now / 1000 - ctx->auth_time > ENROLLMENT_RECENT_LOGIN_S)
		return txn_refuse(req, false,
		    ERR_CREDENTIAL_TOO_OLD_LOGIN_AGAIN, "sign in again: "
		    "enrolling a second factor needs a sign-in from the last "
		    "5 minutes");
	if (!ctx->user.email_verified)
		return txn_refuse(req, false, ERR_UNVERIFIED_EMAIL, "Need to "
		    "verify email first before enrolling second factors.");
	if (!(kind == STORE_FACTOR_PHONE ? ctx->set.mfa_phone :
	    ctx->set.mfa_totp))
		return txn_refuse(req, false, ERR_OPERATION_NOT_ALLOWED,
		    kind == STORE_FACTOR_PHONE ? "SMS based MFA not enabled." :
		    "TOTP based MFA not enabled.");
	if (store_enrollment_list(req->emu->store, ctx->user.id, scan, &fs) !=
	    STORE_OK) {
		txn_fail(req);
		return -1;
	}
	if (fs.phone_taken)
		return txn_refuse(req, false, ERR_SECOND_FACTOR_EXISTS,
		    "Phone number already enrolled as second factor for this "
		    "account.");
	if (fs.count >= ENROLLMENT_MAX_FACTORS)
		return txn_refuse(req, false,
		    ERR_SECOND_FACTOR_LIMIT_EXCEEDED, "a user has at most 5 "
		    "second factors");
	return 0;
}
