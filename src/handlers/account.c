#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "id_token.h"
#include "phone.h"
#include "reply.h"
#include "settings.h"
#include "tokens.h"
#include "user_info.h"

/* Inside the transaction: a new refresh token for `user`. 0 or -1. */
static int
add_refresh_token(struct emu *emu, const struct store_user *user,
    const struct account_session *sess, int64_t now,
    struct account_tokens *out)
{
	struct store_refresh rt;

	memset(&rt, 0, sizeof(rt));
	out->id_token = NULL;
	if (tokens_random("", 48, rt.token, sizeof(rt.token)) != 0)
		return -1;
	rt.user_id = user->id;
	snprintf(rt.sign_in_provider, sizeof(rt.sign_in_provider), "%s",
	    sess->sign_in_provider);
	snprintf(rt.second_factor, sizeof(rt.second_factor), "%s",
	    sess->second_factor ? sess->second_factor : "");
	snprintf(rt.enrollment_id, sizeof(rt.enrollment_id), "%s",
	    sess->enrollment_id ? sess->enrollment_id : "");
	rt.auth_time = sess->auth_time;
	rt.created_at = now;
	if (sess->claims != NULL && strlen(sess->claims) < sizeof(rt.claims))
		strcpy(rt.claims, sess->claims);
	if (store_refresh_insert(emu->store, &rt) != STORE_OK)
		return -1;
	strcpy(out->refresh_token, rt.token);
	return 0;
}

int
account_sign_id_token(struct emu *emu, const struct store_user *user,
    const struct account_session *sess, struct account_tokens *out)
{
	struct id_token_info info = {
		.sign_in_provider = sess->sign_in_provider,
		.second_factor = sess->second_factor,
		.enrollment_id = sess->enrollment_id,
		.auth_time = sess->auth_time,
		.claims = sess->claims,
		.identities = sess->identities,
		.unsigned_token = sess->unsigned_token,
	};

	out->id_token = id_token_issue(emu, user, &info);
	return out->id_token ? 0 : -1;
}

static int
add_identity(const struct store_provider *p, void *arg)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(p->raw_id));
	json_object_object_add(arg, p->provider_id, a);
	return 0;
}

struct json_object *
account_identities(struct store *st, int64_t user_id)
{
	struct json_object *ids = json_object_new_object();

	if (store_provider_list(st, user_id, add_identity, ids) != STORE_OK) {
		json_object_put(ids);
		return NULL;
	}
	return ids;
}

int
account_issue_tokens_or_reply(struct request *req,
    const struct store_user *user, const struct account_session *sess,
    int64_t now, struct account_tokens *out)
{
	struct emu *emu = req->emu;
	struct account_session s = *sess;
	int r;

	s.identities = NULL;
	s.unsigned_token = id_token_realm_unsigned(emu, user->project_id,
	    user->tenant_id);
	if (s.unsigned_token < 0 ||
	    add_refresh_token(emu, user, sess, now, out) != 0 ||
	    store_user_touch(emu->store, user->id, now, sess->login) !=
	    STORE_OK ||
	    (s.identities = account_identities(emu->store, user->id)) ==
	    NULL) {
		txn_fail(req);
		return -1;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(s.identities);
		return -1;
	}
	/* Signing is the slow part: done with the store released. */
	r = account_sign_id_token(emu, user, &s, out);
	json_object_put(s.identities);
	if (r != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "signing the ID token "
		    "failed");
		return -1;
	}
	return 0;
}

int
account_mint_credential(struct emu *emu, const struct store_user *user,
    const char *provider, int64_t ttl_s, int64_t now,
    struct store_credential *out)
{
	memset(out, 0, sizeof(*out));
	if (tokens_random("AMfa", 48, out->credential,
	    sizeof(out->credential)) != 0)
		return -1;
	out->user_id = user->id;
	strcpy(out->project_id, user->project_id);
	strcpy(out->tenant_id, user->tenant_id);
	snprintf(out->sign_in_provider, sizeof(out->sign_in_provider), "%s",
	    provider);
	if (ttl_s <= 0) {
		struct store_realm realm;
		struct settings set;

		if (store_realm_get(emu->store, user->project_id,
		    user->tenant_id, &realm) != STORE_OK)
			return -1;
		settings_effective(&emu->cfg, &realm, &set);
		ttl_s = set.credential_ttl;
	}
	out->created_at = now;
	out->expires_at = now + ttl_s * 1000;
	return store_credential_insert(emu->store, out) == STORE_OK ? 0 : -1;
}

struct info_list {
	struct json_object *items;
	bool obfuscate;
};

static int
add_info(const struct store_enrollment *e, void *arg)
{
	struct info_list *list = arg;
	struct json_object *item = json_object_new_object();
	char when[32];

	json_object_object_add(item, "mfaEnrollmentId",
	    json_object_new_string(e->enrollment_id));
	if (e->display_name[0] != '\0')
		json_object_object_add(item, "displayName",
		    json_object_new_string(e->display_name));
	if (e->kind == STORE_FACTOR_PHONE) {
		char shown[STORE_PHONE_MAX + 1];

		if (list->obfuscate)
			phone_obfuscate(e->phone_number, shown);
		else
			strcpy(shown, e->phone_number);
		json_object_object_add(item, "phoneInfo",
		    json_object_new_string(shown));
		/* Google's output-only copy, in views that show the number. */
		if (!list->obfuscate)
			json_object_object_add(item, "unobfuscatedPhoneInfo",
			    json_object_new_string(shown));
	} else {
		json_object_object_add(item, "totpInfo",
		    json_object_new_object());
	}
	if (clock_format_rfc3339(e->enrolled_at, when, sizeof(when)) == 0)
		json_object_object_add(item, "enrolledAt",
		    json_object_new_string(when));
	json_object_array_add(list->items, item);
	return 0;
}

struct json_object *
account_mfa_info(struct store *st, int64_t user_id, bool obfuscate)
{
	struct info_list list = { json_object_new_array(), obfuscate };

	if (store_enrollment_list(st, user_id, add_info, &list) != STORE_OK) {
		json_object_put(list.items);
		return NULL;
	}
	return list.items;
}

static int
count_one(const struct store_enrollment *e, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

int
account_enrollment_count(struct store *st, int64_t user_id)
{
	int n = 0;

	if (store_enrollment_list(st, user_id, count_one, &n) != STORE_OK)
		return -1;
	return n;
}

/* String member `k` of `o`, or "" when it is absent or not a string. */
static const char *
claim_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* 1 when `claims` has string member `k` equal to `want` (not ""). */
static int
claim_is(struct json_object *claims, const char *k, const char *want)
{
	return strcmp(claim_str(claims, k), want) == 0;
}

/*
 * 1 when member `k` is an integer between 0 and year 5000 in seconds (so
 * sums with it cannot overflow), stored in *out when out is not NULL.
 */
static int
claim_time(struct json_object *claims, const char *k, int64_t *out)
{
	struct json_object *v;
	int64_t t;

	if (!json_object_object_get_ex(claims, k, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	t = json_object_get_int64(v);
	if (t < 0 || t > 95617584000LL)
		return 0;
	if (out != NULL)
		*out = t;
	return 1;
}

/*
 * The claims of an unsigned ID token (consumed) when its realm issues
 * unsigned tokens, else NULL: a realm switched to RS256 refuses unsigned
 * tokens, which anyone can write. The realm is read in a short
 * transaction of its own, paid by unsigned tokens only. -1 after a 503.
 */
static int
unsigned_claims_or_reply(struct request *req, struct json_object **claims)
{
	struct json_object *fb = NULL;
	int r;

	if (*claims == NULL)
		return 0;
	json_object_object_get_ex(*claims, "firebase", &fb);
	if (txn_begin_or_reply(req) != 0) {
		json_object_put(*claims);
		return -1;
	}
	r = id_token_realm_unsigned(req->emu, req->emu->cfg.project,
	    claim_str(fb, "tenant"));
	store_rollback(req->emu->store);
	if (r != 1) {
		json_object_put(*claims);
		*claims = NULL;
	}
	if (r < 0) {
		txn_unavailable(req);
		return -1;
	}
	return 0;
}

struct json_object *
account_verify_id_token_or_reply(struct request *req, const char *id_token)
{
	struct emu *emu = req->emu;
	struct json_object *claims, *v;
	char iss[200];
	int64_t exp = 0;

	const struct tokens_key *key = emu_key(emu);

	claims = key ? tokens_verify_jwt(key, id_token) : NULL;
	/* Realms set to alg none issue tokens without a signature. */
	if (claims == NULL) {
		claims = tokens_read_unsigned_jwt(id_token);
		if (unsigned_claims_or_reply(req, &claims) != 0)
			return NULL;
	}
	if (claims == NULL) {
		reply_error(req, ERR_INVALID_ID_TOKEN, "the idToken was not "
		    "issued by this emulator or has been altered");
		return NULL;
	}
	snprintf(iss, sizeof(iss), "https://securetoken.google.com/%s",
	    emu->cfg.project);
	/* Unsigned tokens are anyone's writing: check every claim's type. */
	if (!claim_is(claims, "iss", iss) ||
	    !claim_is(claims, "aud", emu->cfg.project) ||
	    !json_object_object_get_ex(claims, "sub", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object_put(claims);
		reply_error(req, ERR_INVALID_ID_TOKEN, "the idToken is for "
		    "another project");
		return NULL;
	}
	if (!claim_time(claims, "exp", &exp) ||
	    !claim_time(claims, "iat", NULL) ||
	    !claim_time(claims, "auth_time", NULL)) {
		json_object_put(claims);
		reply_error(req, ERR_INVALID_ID_TOKEN, "exp, iat and auth_time "
		    "must be unix times in seconds");
		return NULL;
	}
	if (exp <= clock_now_s(&emu->clock)) {
		json_object_put(claims);
		reply_error(req, ERR_TOKEN_EXPIRED, "the idToken has expired");
		return NULL;
	}
	return claims;
}

static void
add_token_pair(struct json_object *body, const struct account_tokens *t)
{
	json_object_object_add(body, "idToken",
	    json_object_new_string(t->id_token));
	json_object_object_add(body, "refreshToken",
	    json_object_new_string(t->refresh_token));
}

void
account_add_tokens(struct json_object *body, const struct account_tokens *t)
{
	add_token_pair(body, t);
	json_object_object_add(body, "expiresIn",
	    json_object_new_string("3600"));
}

struct json_object *
account_set_info_body(struct store *st, const struct store_user *u)
{
	/* Google's SetAccountInfoResponse: passwordHash (redacted) too. */
	static const char *const keep[] = { "localId", "email",
	    "emailVerified", "displayName", "photoUrl", "passwordHash",
	    "providerUserInfo" };
	struct json_object *info = json_object_new_array(), *full, *body, *v;

	if ((full = user_info_json(st, u, info, USER_INFO_SELF)) == NULL)
		return NULL;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SetAccountInfoResponse"));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (json_object_object_get_ex(full, keep[i], &v))
			json_object_object_add(body, keep[i],
			    json_object_get(v));
	}
	json_object_put(full);
	return body;
}

int
account_realm_or_reply(struct request *req, const char *tenant,
    struct store_realm *realm)
{
	struct emu *emu = req->emu;
	int r = STORE_OK;

	if (strlen(tenant) > STORE_ID_MAX)
		r = STORE_NOT_FOUND;
	else if (*tenant == '\0')
		r = store_realm_ensure(emu->store, emu->cfg.project, "");
	if (r == STORE_OK)
		r = store_realm_get(emu->store, emu->cfg.project, tenant,
		    realm);
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_INVALID_TENANT_ID, "tenantId "
		    "'%.128s' is not a tenant of project '%s'", tenant,
		    emu->cfg.project);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

int
account_new_user(struct emu *emu, const char *tenant, const char *local_id,
    int64_t now, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->project_id, sizeof(u->project_id), "%s", emu->cfg.project);
	snprintf(u->tenant_id, sizeof(u->tenant_id), "%s", tenant);
	if (local_id != NULL)
		snprintf(u->local_id, sizeof(u->local_id), "%s", local_id);
	else if (tokens_random_id(u->local_id) != 0)
		return -1;
	u->created_at = now;
	/* Google sets validSince (whole seconds) when the account is made. */
	u->valid_since = now / 1000 * 1000;
	return 0;
}

int
account_valid_email(const char *email)
{
	const char *at = strchr(email, '@');

	return at != NULL && at != email && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strchr(email, ' ') == NULL &&
	    strlen(email) <= STORE_TEXT_MAX;
}

int
account_email_free_or_reply(struct request *req, const struct store_user *u,
    const char *email)
{
	struct store_user other;
	int r = store_user_find_email(req->emu->store, u->project_id,
	    u->tenant_id, email, &other);

	if (r == STORE_OK && other.id != u->id)
		return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
	if (r == STORE_ERROR) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

int
account_stored_or_reply(struct request *req, int r)
{
	if (r == STORE_EXISTS)
		return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

/* What account_resolve_or_reply reads from a verified ID token. */
struct token_claims {
	char sub[STORE_ID_MAX + 1];
	char tenant[STORE_ID_MAX + 1];
	int64_t iat;			/* unix seconds */
};

/* The claims every ID token has; the others are the session's own. */
static int
standard_claim(const char *k)
{
	static const char *const std[] = { "iss", "aud", "auth_time",
	    "user_id", "sub", "iat", "exp", "email", "email_verified",
	    "phone_number", "name", "picture", "firebase", "provider_id" };

	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		if (strcmp(k, std[i]) == 0)
			return 1;
	}
	return 0;
}

/* The developer claims of a verified token, as JSON text into ctx. */
static void
session_claims(struct json_object *claims, struct account_ctx *ctx)
{
	struct json_object *own = json_object_new_object();
	const char *text;

	json_object_object_foreach(claims, k, v) {
		if (!standard_claim(k))
			json_object_object_add(own, k, json_object_get(v));
	}
	text = json_object_to_json_string_ext(own, JSON_C_TO_STRING_PLAIN);
	if (json_object_object_length(own) > 0 &&
	    strlen(text) < sizeof(ctx->claims))
		strcpy(ctx->claims, text);
	json_object_put(own);
}

/* Verify `id_token` and read its user and session into *c and ctx. */
static int
token_claims_or_reply(struct request *req, const char *id_token,
    struct token_claims *c, struct account_ctx *ctx)
{
	struct json_object *claims, *fb = NULL, *v;

	if ((claims = account_verify_id_token_or_reply(req, id_token)) == NULL)
		return -1;
	json_object_object_get_ex(claims, "firebase", &fb);
	snprintf(c->sub, sizeof(c->sub), "%s", claim_str(claims, "sub"));
	snprintf(c->tenant, sizeof(c->tenant), "%s", claim_str(fb, "tenant"));
	snprintf(ctx->sign_in_provider, sizeof(ctx->sign_in_provider), "%s",
	    claim_str(fb, "sign_in_provider"));
	snprintf(ctx->second_factor, sizeof(ctx->second_factor), "%s",
	    claim_str(fb, "sign_in_second_factor"));
	snprintf(ctx->enrollment_id, sizeof(ctx->enrollment_id), "%s",
	    claim_str(fb, "second_factor_identifier"));
	session_claims(claims, ctx);
	if (json_object_object_get_ex(claims, "auth_time", &v))
		ctx->auth_time = json_object_get_int64(v);
	if (json_object_object_get_ex(claims, "iat", &v))
		c->iat = json_object_get_int64(v);
	json_object_put(claims);
	return 0;
}

/*
 * Inside the transaction: the token's user and realm, the token issued
 * after the user's tokens were last revoked, and the user enabled.
 */
static int
token_user_or_reply(struct request *req, const struct token_claims *c,
    struct account_ctx *ctx)
{
	struct emu *emu = req->emu;
	int r;

	r = store_user_find(emu->store, emu->cfg.project, c->tenant, c->sub,
	    &ctx->user);
	if (r == STORE_OK)
		r = store_realm_get(emu->store, emu->cfg.project, c->tenant,
		    &ctx->realm);
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_USER_NOT_FOUND, NULL);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	settings_effective(&emu->cfg, &ctx->realm, &ctx->set);
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s", c->sub);
	snprintf(req->ev_tenant_id, sizeof(req->ev_tenant_id), "%s",
	    c->tenant);
	if (c->iat * 1000 < ctx->user.valid_since)
		return txn_refuse(req, false, ERR_TOKEN_EXPIRED, "the user's "
		    "tokens were revoked after this idToken was issued");
	if (ctx->user.disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	return 0;
}

int
account_resolve_or_reply(struct request *req, const char *id_token,
    const char *tenant_id, struct account_ctx *ctx)
{
	struct token_claims c;

	memset(ctx, 0, sizeof(*ctx));
	memset(&c, 0, sizeof(c));
	if (id_token == NULL || *id_token == '\0') {
		reply_error(req, ERR_MISSING_ID_TOKEN, NULL);
		return -1;
	}
	if (token_claims_or_reply(req, id_token, &c, ctx) != 0)
		return -1;
	if (tenant_id != NULL && *tenant_id != '\0' &&
	    strcmp(tenant_id, c.tenant) != 0) {
		reply_error(req, ERR_TENANT_ID_MISMATCH, "the idToken belongs "
		    "to %s%s%s", c.tenant[0] ? "tenant '" : "the project, not "
		    "a tenant", c.tenant, c.tenant[0] ? "'" : "");
		return -1;
	}
	if (txn_begin_at_or_reply(req, &ctx->now) != 0)
		return -1;
	return token_user_or_reply(req, &c, ctx);
}

void
account_reply_tokens(struct request *req, struct account_tokens *t,
    struct json_object *extra)
{
	struct json_object *body = json_object_new_object();

	add_token_pair(body, t);
	if (extra != NULL) {
		json_object_object_foreach(extra, k, v)
			json_object_object_add(body, k, json_object_get(v));
		json_object_put(extra);
	}
	free(t->id_token);
	t->id_token = NULL;
	reply_json(req, 200, body);
}

void
account_ctx_session(const struct account_ctx *ctx,
    struct account_session *sess)
{
	memset(sess, 0, sizeof(*sess));
	sess->sign_in_provider = ctx->sign_in_provider;
	if (ctx->second_factor[0] != '\0') {
		sess->second_factor = ctx->second_factor;
		sess->enrollment_id = ctx->enrollment_id;
	}
	sess->auth_time = ctx->auth_time;
	sess->claims = ctx->claims[0] ? ctx->claims : NULL;
}

int
account_recent_login_or_reply(struct request *req,
    const struct account_ctx *ctx)
{
	int64_t window = req->emu->cfg.recent_login_seconds;

	if (window == 0 || strcmp(ctx->sign_in_provider, "anonymous") == 0 ||
	    ctx->now / 1000 - ctx->auth_time <= window)
		return 0;
	return txn_refuse(req, false, ERR_CREDENTIAL_TOO_OLD_LOGIN_AGAIN,
	    "this change needs a sign-in from the last %lld seconds; sign in "
	    "again", (long long)window);
}
