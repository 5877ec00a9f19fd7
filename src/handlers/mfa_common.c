#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/mfa_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"

void
mfa_fail(struct request *req, bool keep, enum err_code code,
    const char *fmt, ...)
{
	struct store *st = req->emu->store;
	char detail[512] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (keep) {
		if (txn_commit_or_reply(req) != 0)
			return;
	} else {
		store_rollback(st);
	}
	reply_error(req, code, fmt ? "%s" : NULL, detail);
}

/* A store failure inside the transaction: log it, answer 503. */
static int
store_broken(struct request *req)
{
	txn_fail(req);
	return -1;
}

int
mfa_resolve_or_reply(struct request *req, const char *credential,
    const char *tenant_id, struct mfa_ctx *ctx)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	struct store_realm realm;
	int r;

	memset(ctx, 0, sizeof(*ctx));
	ctx->now = clock_now_ms(&emu->clock);
	if (txn_begin_or_reply(req) != 0)
		return -1;

	r = store_credential_get(st, credential, &ctx->cred);
	if (r == STORE_NOT_FOUND) {
		mfa_fail(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "mfaPendingCredential is not one this emulator issued");
		return -1;
	}
	if (r != STORE_OK)
		return store_broken(req);
	if (strcmp(ctx->cred.project_id, emu->cfg.project) != 0) {
		mfa_fail(req, false, ERR_INVALID_PROJECT_ID, "the "
		    "mfaPendingCredential was issued for project '%s', not "
		    "'%s'", ctx->cred.project_id, emu->cfg.project);
		return -1;
	}
	/* The credential's realm: its settings bound what follows. */
	r = store_realm_get(st, ctx->cred.project_id, ctx->cred.tenant_id,
	    &ctx->realm);
	if (r == STORE_NOT_FOUND) {
		/* A realm row is made with every user; default to all on. */
		strcpy(ctx->realm.project_id, ctx->cred.project_id);
		strcpy(ctx->realm.tenant_id, ctx->cred.tenant_id);
		ctx->realm.mfa_phone = ctx->realm.mfa_totp = 1;
	} else if (r != STORE_OK) {
		return store_broken(req);
	}
	settings_effective(&emu->cfg, &ctx->realm, &ctx->set);
	if (ctx->cred.used_at != 0) {
		mfa_fail(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "mfaPendingCredential has already been used");
		return -1;
	}
	if (ctx->now >= ctx->cred.expires_at) {
		mfa_fail(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "mfaPendingCredential has expired");
		return -1;
	}
	if ((unsigned)ctx->cred.failed_attempts >= ctx->set.max_attempts) {
		mfa_fail(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER,
		    "too many wrong codes for this mfaPendingCredential");
		return -1;
	}

	if (!reqparse_empty(tenant_id)) {
		r = store_realm_get(st, emu->cfg.project, tenant_id, &realm);
		if (r == STORE_NOT_FOUND) {
			mfa_fail(req, false, ERR_INVALID_TENANT_ID,
			    "tenantId '%.128s' is not a tenant of project '%s'",
			    tenant_id, emu->cfg.project);
			return -1;
		}
		if (r != STORE_OK)
			return store_broken(req);
		if (strcmp(tenant_id, ctx->cred.tenant_id) != 0) {
			mfa_fail(req, false, ERR_TENANT_ID_MISMATCH,
			    "the mfaPendingCredential belongs to %s%s%s",
			    ctx->cred.tenant_id[0] ? "tenant '" : "the project, "
			    "not a tenant", ctx->cred.tenant_id,
			    ctx->cred.tenant_id[0] ? "'" : "");
			return -1;
		}
	}
	r = store_user_get(st, ctx->cred.user_id, &ctx->user);
	if (r == STORE_NOT_FOUND) {
		mfa_fail(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "the user of this mfaPendingCredential no longer exists");
		return -1;
	}
	if (r != STORE_OK)
		return store_broken(req);
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    ctx->user.local_id);
	snprintf(req->ev_tenant_id, sizeof(req->ev_tenant_id), "%s",
	    ctx->user.tenant_id);
	if (ctx->user.disabled) {
		mfa_fail(req, false, ERR_USER_DISABLED, "the user account has "
		    "been disabled by an administrator");
		return -1;
	}
	return 0;
}

int
mfa_enrollment_or_reply(struct request *req, struct mfa_ctx *ctx,
    const char *id, struct store_enrollment *out)
{
	int r = store_enrollment_get(req->emu->store, ctx->user.id, id, out);

	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    id);
	if (r == STORE_OK)
		return 0;
	if (r == STORE_NOT_FOUND) {
		mfa_fail(req, false, ERR_MFA_ENROLLMENT_NOT_FOUND,
		    "user '%s' has no second factor with mfaEnrollmentId "
		    "'%.128s'", ctx->user.local_id, id);
		return -1;
	}
	return store_broken(req);
}

int
mfa_factor_allowed_or_reply(struct request *req, struct mfa_ctx *ctx,
    enum store_factor kind)
{
	int on = kind == STORE_FACTOR_PHONE ? ctx->set.mfa_phone :
	    ctx->set.mfa_totp;

	if (on)
		return 0;
	mfa_fail(req, false, ERR_OPERATION_NOT_ALLOWED, "%s second factors "
	    "are disabled for %s '%s'",
	    kind == STORE_FACTOR_PHONE ? "SMS" : "TOTP",
	    ctx->realm.tenant_id[0] ? "tenant" : "project",
	    ctx->realm.tenant_id[0] ? ctx->realm.tenant_id :
	    ctx->realm.project_id);
	return -1;
}

int
mfa_factor_unlocked_or_reply(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr)
{
	int64_t left = enr->last_failed_at + MFA_LOCKOUT_MS - ctx->now;

	if ((unsigned)enr->failed_attempts < 2 * ctx->set.max_attempts ||
	    left <= 0)
		return 0;
	mfa_fail(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER, "too many wrong "
	    "codes for this second factor; try again in %lld s",
	    (long long)((left + 999) / 1000));
	return -1;
}

void
mfa_complete(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr, struct json_object *extra)
{
	struct emu *emu = req->emu;
	struct store *st = emu->store;
	struct account_session sess = {
		.sign_in_provider = ctx->cred.sign_in_provider,
		.second_factor = enr->kind == STORE_FACTOR_TOTP ? "totp" :
		    "phone",
		.enrollment_id = enr->enrollment_id,
		.auth_time = ctx->cred.created_at / 1000,
	};
	struct account_tokens tok;
	int r;

	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    enr->enrollment_id);
	r = store_credential_use(st, ctx->cred.credential, ctx->now);
	if (r == STORE_OK)
		r = store_enrollment_ok(st, enr->id);
	if (r == STORE_EXISTS) {
		json_object_put(extra);
		mfa_fail(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "mfaPendingCredential has already been used");
		return;
	}
	if (r != STORE_OK ||
	    account_store_refresh(emu, &ctx->user, &sess, ctx->now, &tok)) {
		json_object_put(extra);
		store_broken(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(extra);
		return;
	}
	/* Signing is the slow part: done with the store released. */
	if (account_sign_id_token(emu, &ctx->user, &sess, &tok) != 0) {
		json_object_put(extra);
		reply_error(req, ERR_INTERNAL_ERROR, "signing the ID token "
		    "failed");
		return;
	}
	account_reply_tokens(req, &tok, extra);
}
