/*
 * accounts.mfaEnrollment.withdraw: remove a second factor and return
 * fresh tokens without it.
 * POST /v2/accounts/mfaEnrollment:withdraw
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"

void
mfa_enrollment_withdraw(struct request *req)
{
	struct emu *emu = req->emu;
	const char *id_token = NULL, *enrollment_id = NULL, *tenant = NULL;
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &id_token, ERR_MISSING_ID_TOKEN },
		{ "mfaEnrollmentId", RP_STRING, &enrollment_id,
		    ERR_MISSING_MFA_ENROLLMENT_ID },
		{ "tenantId", RP_STRING, &tenant },
	};
	struct account_session sess = { 0 };
	struct account_tokens tok;
	struct account_ctx ctx;
	int r;

	if (reqparse_fields_or_reply(req, req->json, NULL, f, 3))
		return;
	if (account_resolve_or_reply(req, id_token, tenant, &ctx))
		return;
	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    enrollment_id);
	r = store_enrollment_delete(emu->store, ctx.user.id, enrollment_id);
	if (r == STORE_NOT_FOUND) {
		store_rollback(emu->store);
		reply_error(req, ERR_MFA_ENROLLMENT_NOT_FOUND, NULL);
		return;
	}
	sess.sign_in_provider = ctx.sign_in_provider;
	sess.auth_time = ctx.auth_time;
	if (r != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (account_issue_tokens_or_reply(req, &ctx.user, &sess, ctx.now,
	    &tok) != 0)
		return;
	account_reply_tokens(req, &tok, NULL);
}
