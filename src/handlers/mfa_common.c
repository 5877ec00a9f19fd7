#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/mfa_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "log.h"
#include "reply.h"
#include "reqparse.h"

/* A store failure inside the transaction: log it, answer 503. */
static int
store_broken(struct request *req)
{
	txn_fail(req);
	return -1;
}

/* The credential exists and was issued for this project. */
static int
credential_known_or_reply(struct request *req, const char *credential,
    struct mfa_ctx *ctx)
{
	struct emu *emu = req->emu;
	int r = store_credential_get(emu->store, credential, &ctx->cred);

	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false,
		    ERR_INVALID_MFA_PENDING_CREDENTIAL, "mfaPendingCredential "
		    "is not one this emulator issued");
	if (r != STORE_OK)
		return store_broken(req);
	if (strcmp(ctx->cred.project_id, emu->cfg.project) != 0)
		return txn_refuse(req, false, ERR_INVALID_PROJECT_ID, "the "
		    "mfaPendingCredential was issued for project '%s', not "
		    "'%s'", ctx->cred.project_id, emu->cfg.project);
	return 0;
}

/* The credential's realm: its settings bound what follows. */
static int
credential_realm_or_reply(struct request *req, struct mfa_ctx *ctx)
{
	struct emu *emu = req->emu;
	int r = store_realm_get(emu->store, ctx->cred.project_id,
	    ctx->cred.tenant_id, &ctx->realm);

	if (r == STORE_NOT_FOUND) {
		/* A realm row is made with every user; default to all on. */
		strcpy(ctx->realm.project_id, ctx->cred.project_id);
		strcpy(ctx->realm.tenant_id, ctx->cred.tenant_id);
		ctx->realm.mfa_phone = ctx->realm.mfa_totp = 1;
	} else if (r != STORE_OK) {
		return store_broken(req);
	}
	settings_effective(&emu->cfg, &ctx->realm, &ctx->set);
	return 0;
}

/* Unused, unexpired, and with wrong-code attempts left. */
static int
credential_usable_or_reply(struct request *req, struct mfa_ctx *ctx)
{
	if (ctx->cred.used_at != 0)
		return txn_refuse(req, false,
		    ERR_INVALID_MFA_PENDING_CREDENTIAL, "mfaPendingCredential "
		    "has already been used");
	if (ctx->now >= ctx->cred.expires_at)
		return txn_refuse(req, false,
		    ERR_INVALID_MFA_PENDING_CREDENTIAL, "mfaPendingCredential "
		    "has expired");
	if ((unsigned)ctx->cred.failed_attempts >= ctx->set.max_attempts)
		return txn_refuse(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER,
		    "too many wrong codes for this mfaPendingCredential");
	return 0;
}

/* A request tenantId names a tenant, the credential's own. */
static int
tenant_matches_or_reply(struct request *req, const char *tenant_id,
    struct mfa_ctx *ctx)
{
	struct emu *emu = req->emu;
	struct store_realm realm;
	const char *own = ctx->cred.tenant_id;
	int r;

	if (reqparse_empty(tenant_id))
		return 0;
	r = store_realm_get(emu->store, emu->cfg.project, tenant_id, &realm);
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_INVALID_TENANT_ID, "tenantId "
		    "'%.128s' is not a tenant of project '%s'", tenant_id,
		    emu->cfg.project);
	if (r != STORE_OK)
		return store_broken(req);
	if (strcmp(tenant_id, own) != 0)
		return txn_refuse(req, false, ERR_TENANT_ID_MISMATCH, "the "
		    "mfaPendingCredential belongs to %s%s%s", own[0] ?
		    "tenant '" : "the project, not a tenant", own,
		    own[0] ? "'" : "");
	return 0;
}

/* The credential's user still exists and is enabled. */
static int
user_enabled_or_reply(struct request *req, struct mfa_ctx *ctx)
{
	int r = store_user_get(req->emu->store, ctx->cred.user_id,
	    &ctx->user);

	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false,
		    ERR_INVALID_MFA_PENDING_CREDENTIAL, "the user of this "
		    "mfaPendingCredential no longer exists");
	if (r != STORE_OK)
		return store_broken(req);
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    ctx->user.local_id);
	snprintf(req->ev_tenant_id, sizeof(req->ev_tenant_id), "%s",
	    ctx->user.tenant_id);
	if (ctx->user.disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, "the user "
		    "account has been disabled by an administrator");
	return 0;
}

int
mfa_resolve_or_reply(struct request *req, const char *credential,
    const char *tenant_id, struct mfa_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->now = clock_now_ms(&req->emu->clock);
	if (txn_begin_or_reply(req) != 0 ||
	    credential_known_or_reply(req, credential, ctx) ||
	    credential_realm_or_reply(req, ctx) ||
	    credential_usable_or_reply(req, ctx) ||
	    tenant_matches_or_reply(req, tenant_id, ctx) ||
	    user_enabled_or_reply(req, ctx))
		return -1;
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
		txn_refuse(req, false, ERR_MFA_ENROLLMENT_NOT_FOUND,
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
	txn_refuse(req, false, ERR_OPERATION_NOT_ALLOWED, "%s second factors "
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
	txn_refuse(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER, "too many "
	    "wrong codes for this second factor; try again in %lld s",
	    (long long)((left + 999) / 1000));
	return -1;
}

void
mfa_complete(struct request *req, struct mfa_ctx *ctx,
    const struct store_enrollment *enr, struct json_object *extra)
{
	struct store *st = req->emu->store;
	struct account_session sess = {
		.sign_in_provider = ctx->cred.sign_in_provider,
		.second_factor = enr->kind == STORE_FACTOR_TOTP ? "totp" :
		    "phone",
		.enrollment_id = enr->enrollment_id,
		/* The sign-in completes now, at its second factor. */
		.auth_time = ctx->now / 1000,
		.login = true,
	};
	struct account_tokens tok;
	int r;

	snprintf(req->ev_enrollment_id, sizeof(req->ev_enrollment_id), "%s",
	    enr->enrollment_id);
	r = store_credential_use(st, ctx->cred.credential, ctx->now);
	if (r == STORE_OK)
		r = store_enrollment_ok(st, enr->id);
	if (r == STORE_EXISTS)
		txn_refuse(req, false, ERR_INVALID_MFA_PENDING_CREDENTIAL,
		    "mfaPendingCredential has already been used");
	else if (r != STORE_OK)
		store_broken(req);
	else if (account_issue_tokens_or_reply(req, &ctx->user, &sess,
	    ctx->now, &tok) == 0) {
		account_reply_tokens(req, &tok, extra);
		return;
	}
	json_object_put(extra);
}

int
mfa_session_and_code_or_reply(struct request *req, const char *session_info,
    const char *code)
{
	if (reqparse_empty(session_info)) {
		reply_error(req, ERR_MISSING_SESSION_INFO, NULL);
		return -1;
	}
	if (reqparse_empty(code)) {
		reply_error(req, ERR_MISSING_CODE, NULL);
		return -1;
	}
	return 0;
}

struct reqparse_field
mfa_phone_info_field(const char *name, struct json_object **slot,
    struct mfa_phone_info *p)
{
	const struct reqparse_field ar[] = {
		{ "appSignatureHash", RP_STRING, &p->unused },
	};
	const struct reqparse_field f[] = {
		{ "phoneNumber", RP_STRING, &p->phone_number },
		{ "iosReceipt", RP_STRING, &p->unused },
		{ "iosSecret", RP_STRING, &p->unused },
		{ "recaptchaToken", RP_STRING, &p->unused },
		{ "autoRetrievalInfo", RP_OBJECT, &p->auto_retrieval,
		    .sub = p->auto_retrieval_fields,
		    .nsub = sizeof(ar) / sizeof(ar[0]) },
		{ "safetyNetToken", RP_STRING, &p->unused },
		{ "playIntegrityToken", RP_STRING, &p->unused },
		{ "captchaResponse", RP_STRING, &p->unused },
		{ "clientType", RP_STRING, &p->unused },
		{ "recaptchaVersion", RP_STRING, &p->unused },
	};
	const struct reqparse_field row = { name, RP_OBJECT, slot,
	    .sub = p->fields, .nsub = MFA_PHONE_INFO_FIELDS };

	_Static_assert(sizeof(ar) == sizeof(p->auto_retrieval_fields) &&
	    sizeof(f) == sizeof(p->fields), "the tables fill mfa_phone_info");
	p->phone_number = p->unused = NULL;
	p->auto_retrieval = NULL;
	memcpy(p->auto_retrieval_fields, ar, sizeof(ar));
	memcpy(p->fields, f, sizeof(f));
	return row;
}

int
mfa_session_open_or_reply(struct request *req, int64_t now,
    unsigned max_attempts, int64_t consumed_at, int64_t expires_at,
    int attempts, const char *expired)
{
	if (consumed_at != 0)
		return txn_refuse(req, false, ERR_INVALID_SESSION_INFO,
		    "sessionInfo has already been used");
	if (now >= expires_at)
		return txn_refuse(req, false, ERR_SESSION_EXPIRED, "%s",
		    expired);
	if ((unsigned)attempts >= max_attempts)
		return txn_refuse(req, false, ERR_TOO_MANY_ATTEMPTS_TRY_LATER,
		    "too many wrong codes for this sessionInfo");
	return 0;
}

void
mfa_log_sms(const char *what, const char *code, const char *phone,
    const char *project, const char *tenant)
{
	struct log_field f[] = { LOG_STR("phoneNumber", phone),
	    LOG_STR("code", code), LOG_STR("projectId", project),
	    LOG_STR("tenantId", tenant[0] ? tenant : NULL) };

	log_fields(LOG_INFO, f, sizeof(f) / sizeof(f[0]), "sms: %s %s for %s "
	    "(project %s%s%s)", what, code, phone, project, tenant[0] ?
	    ", tenant " : "", tenant);
}
