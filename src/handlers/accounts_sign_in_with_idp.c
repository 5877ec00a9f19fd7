/*
 * accounts.signInWithIdp: sign in (or link) with a federated identity,
 * by the Firebase Auth Emulator's fake-IdP convention: postBody carries
 * an unsigned id_token (a JWT, or a JSON object) whose claims are taken
 * as the IdP's word (sub, email, email_verified, name, picture, ...), and
 * providerId. A user with second factors gets the whole IdP response with
 * an mfaPendingCredential and mfaInfo instead of tokens; its second
 * factor's finalize issues tokens whose sign_in_provider is the IdP's.
 *   POST /v1/accounts:signInWithIdp
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "b64url.h"
#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"

/* Apart from every store result: the email needs the user's word. */
#define IDP_CONFIRM 100

/* The request and what the IdP said. */
struct idp {
	const char *request_uri, *post_body, *id_token, *tenant;
	int auto_create;
	struct json_object *form;	/* postBody's parameters, owned */
	struct json_object *claims;	/* owned */
	const char *oauth_token;	/* the id_token (or access_token) */
	const char *access_token;	/* NULL: none given */
	char provider[STORE_PROVIDER_MAX + 1];
	struct store_provider info;	/* sub, email, name, picture */
	int email_verified;
	const char *given_name, *family_name;	/* borrowed from claims */
};

static const char *
str_member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A JWT's payload, not verified (the fake IdP signs nothing), or JSON. */
static struct json_object *
decode_claims(const char *tok)
{
	const char *dot1 = strchr(tok, '.'), *dot2;
	struct json_object *o;
	char reason[128];
	uint8_t *raw;
	size_t n;

	if (*tok == '{')
		o = reqparse_json(tok, strlen(tok), reason, sizeof(reason));
	else if (dot1 == NULL || (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    (raw = b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1),
	    &n)) == NULL)
		return NULL;
	else {
		o = reqparse_json((const char *)raw, n, reason, sizeof(reason));
		free(raw);
	}
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* Copy claim `k` into a field; -1 when it does not fit. */
static int
copy_claim(struct json_object *claims, const char *k, char *out, size_t cap)
{
	const char *v = str_member(claims, k);

	if (v == NULL)
		return 0;
	if (strlen(v) >= cap)
		return -1;
	strcpy(out, v);
	return 0;
}

/* The claims the account takes, with their limits. */
static int
read_claims_or_reply(struct request *req, struct idp *p)
{
	struct store_provider *i = &p->info;
	struct json_object *v;

	if (copy_claim(p->claims, "sub", i->raw_id, sizeof(i->raw_id)) ||
	    copy_claim(p->claims, "email", i->email, sizeof(i->email)) ||
	    copy_claim(p->claims, "name", i->display_name,
	    sizeof(i->display_name)) ||
	    copy_claim(p->claims, "picture", i->photo_url,
	    sizeof(i->photo_url)) ||
	    copy_claim(p->claims, "screen_name", i->screen_name,
	    sizeof(i->screen_name))) {
		reply_error(req, ERR_INVALID_IDP_RESPONSE, "a claim of the "
		    "id_token is too long");
		return -1;
	}
	if (i->raw_id[0] == '\0') {
		reply_error(req, ERR_INVALID_IDP_RESPONSE, "Invalid Idp "
		    "Response: id_token missing required fields. sub is "
		    "required");
		return -1;
	}
	if (i->email[0] != '\0' && !account_valid_email(i->email)) {
		reply_error(req, ERR_INVALID_IDP_RESPONSE, "the id_token's "
		    "email is not an email address");
		return -1;
	}
	for (char *c = i->email; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	/* Apple sends "true" as a string: any true value counts. */
	p->email_verified = json_object_object_get_ex(p->claims,
	    "email_verified", &v) && json_object_get_boolean(v);
	snprintf(i->provider_id, sizeof(i->provider_id), "%s", p->provider);
	snprintf(i->federated_id, sizeof(i->federated_id), "%s", i->raw_id);
	p->given_name = str_member(p->claims, "given_name");
	p->family_name = str_member(p->claims, "family_name");
	return 0;
}

/* requestUri, postBody's providerId and id_token, then the claims. */
static int
credential_or_reply(struct request *req, struct idp *p)
{
	const char *pid, *tok;
	char reason[128];

	if (strstr(p->request_uri, "://") == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "requestUri must be an "
		    "absolute URI");
		return -1;
	}
	p->form = reqparse_form(p->post_body ? p->post_body : "",
	    p->post_body ? strlen(p->post_body) : 0, reason, sizeof(reason));
	pid = p->form ? str_member(p->form, "providerId") : NULL;
	if (reqparse_empty(pid) || strlen(pid) > STORE_PROVIDER_MAX ||
	    strcmp(pid, "password") == 0 || strcmp(pid, "phone") == 0) {
		reply_error(req, ERR_INVALID_CREDENTIAL_OR_PROVIDER_ID,
		    "Invalid IdP response/credential: postBody needs "
		    "providerId= (like google.com)");
		return -1;
	}
	for (size_t k = 0; pid[k] != '\0'; k++)
		p->provider[k] = (char)(pid[k] >= 'A' && pid[k] <= 'Z' ?
		    pid[k] - 'A' + 'a' : pid[k]);
	p->access_token = str_member(p->form, "access_token");
	tok = str_member(p->form, "id_token");
	p->oauth_token = reqparse_empty(tok) ? p->access_token : tok;
	if (reqparse_empty(p->oauth_token)) {
		reply_error(req, ERR_INVALID_IDP_RESPONSE, "postBody needs an "
		    "id_token (the emulator's fake IdP: no popup or redirect)");
		return -1;
	}
	if ((p->claims = decode_claims(p->oauth_token)) == NULL) {
		reply_error(req, ERR_INVALID_IDP_RESPONSE, "Unable to parse "
		    "id_token: not a JWT or JSON object");
		return -1;
	}
	return read_claims_or_reply(req, p);
}

/* rawUserInfo: Google's userinfo shape for google.com, else the claims. */
static void
add_raw_user_info(struct json_object *body, const struct idp *p)
{
	struct json_object *raw;

	if (strcmp(p->provider, "google.com") != 0) {
		json_object_object_add(body, "rawUserInfo",
		    json_object_new_string(json_object_to_json_string_ext(
		    p->claims, JSON_C_TO_STRING_PLAIN)));
		return;
	}
	raw = json_object_new_object();
	json_object_object_add(raw, "granted_scopes", json_object_new_string(
	    "openid https://www.googleapis.com/auth/userinfo.email"));
	json_object_object_add(raw, "id",
	    json_object_new_string(p->info.raw_id));
	json_object_object_add(raw, "name",
	    json_object_new_string(p->info.display_name));
	json_object_object_add(raw, "given_name",
	    json_object_new_string(p->given_name ? p->given_name : ""));
	json_object_object_add(raw, "family_name",
	    json_object_new_string(p->family_name ? p->family_name : ""));
	json_object_object_add(raw, "verified_email",
	    json_object_new_boolean(p->email_verified));
	json_object_object_add(raw, "locale", json_object_new_string("en"));
	json_object_object_add(raw, "email",
	    json_object_new_string(p->info.email));
	json_object_object_add(raw, "picture",
	    json_object_new_string(p->info.photo_url));
	json_object_object_add(body, "rawUserInfo", json_object_new_string(
	    json_object_to_json_string_ext(raw, JSON_C_TO_STRING_PLAIN)));
	json_object_put(raw);
}

static void
add_opt(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_object_add(o, k, json_object_new_string(v));
}

/* The IdP part of the answer (VerifyAssertionResponse), new object. */
static struct json_object *
idp_body(const struct idp *p, const struct store_user *u, bool is_new)
{
	struct json_object *b = json_object_new_object();
	char fed[STORE_TEXT_MAX + 40], fake[STORE_PROVIDER_MAX + 48];

	json_object_object_add(b, "kind", json_object_new_string(
	    "identitytoolkit#VerifyAssertionResponse"));
	json_object_object_add(b, "context", json_object_new_string(""));
	add_opt(b, "providerId", p->provider);
	snprintf(fed, sizeof(fed), "%s%s", strcmp(p->provider, "google.com") ?
	    "" : "https://accounts.google.com/", p->info.raw_id);
	add_opt(b, "federatedId", fed);
	add_opt(b, "localId", u->local_id);
	add_opt(b, "email", u->email[0] ? u->email : p->info.email);
	json_object_object_add(b, "emailVerified",
	    json_object_new_boolean(u->email[0] ? u->email_verified :
	    p->email_verified));
	add_opt(b, "displayName", p->info.display_name);
	add_opt(b, "fullName", p->info.display_name);
	add_opt(b, "firstName", p->given_name);
	add_opt(b, "lastName", p->family_name);
	add_opt(b, "photoUrl", p->info.photo_url);
	add_opt(b, "screenName", p->info.screen_name);
	add_raw_user_info(b, p);
	add_opt(b, "oauthIdToken", p->oauth_token == p->access_token ? NULL :
	    p->oauth_token);
	snprintf(fake, sizeof(fake), "FirebaseAuthEmulatorFakeAccessToken_%s",
	    p->provider);
	add_opt(b, "oauthAccessToken", p->access_token ? p->access_token :
	    fake);
	if (is_new)
		json_object_object_add(b, "isNewUser",
		    json_object_new_boolean(1));
	add_opt(b, "tenantId", u->tenant_id);
	return b;
}

/* Inside the transaction: a new user for this identity. */
static int
create_user(struct request *req, struct idp *p, const struct settings *set,
    int64_t now, struct store_user *u)
{
	struct emu *emu = req->emu;
	int r;

	if (account_new_user(emu, p->tenant, NULL, now, u) != 0)
		return STORE_ERROR;
	/* With duplicate emails allowed the email stays the IdP's own. */
	if (!set->allow_duplicate_emails) {
		strcpy(u->email, p->info.email);
		u->email_verified = p->email_verified;
	}
	strcpy(u->display_name, p->info.display_name);
	strcpy(u->photo_url, p->info.photo_url);
	r = store_user_insert(emu->store, u, NULL, 0, NULL, 0);
	return r == STORE_OK ? store_provider_put(emu->store, u, &p->info) : r;
}

/*
 * Inside the transaction: the user already holding this email takes the
 * identity when the IdP vouches for the email; an unverified account
 * loses what an impostor may have set (password, Identity Toolkit's rule
 * against pre-hijacking) and its sessions. IDP_CONFIRM when the email is
 * the IdP's word only: the caller asks for confirmation.
 */
static int
link_by_email(struct store *st, struct idp *p, int64_t now,
    struct store_user *u)
{
	int r;

	if (!p->email_verified)
		return IDP_CONFIRM;
	if (!u->email_verified) {
		if (store_user_clear_password(st, u->id) != STORE_OK)
			return STORE_ERROR;
		u->valid_since = now / 1000 * 1000;
	}
	u->email_verified = 1;
	if ((r = store_user_update(st, u)) != STORE_OK)
		return r;
	return store_provider_put(st, u, &p->info);
}

/*
 * Inside the transaction: the account this sign-in is for, linked to
 * the identity. A store result, or IDP_CONFIRM; NOT_FOUND when the
 * caller forbade creating one (autoCreate false, a reauthentication).
 */
static int
resolve_user(struct request *req, struct idp *p, const struct settings *set,
    int64_t now, struct store_user *u, bool *is_new)
{
	struct store *st = req->emu->store;
	const char *project = req->emu->cfg.project;
	int64_t owner;
	int r;

	*is_new = false;
	r = store_provider_owner(st, project, p->tenant, p->provider,
	    p->info.raw_id, &owner);
	if (r == STORE_OK) {
		r = store_user_get(st, owner, u);
		/* The IdP's latest profile replaces the stored one. */
		return r == STORE_OK ? store_provider_put(st, u, &p->info) : r;
	}
	if (r != STORE_NOT_FOUND)
		return r;
	if (!set->allow_duplicate_emails && p->info.email[0] != '\0') {
		r = store_user_find_email(st, project, p->tenant, p->info.email,
		    u);
		if (r == STORE_OK)
			return link_by_email(st, p, now, u);
		if (r != STORE_NOT_FOUND)
			return r;
	}
	if (!p->auto_create)
		return STORE_NOT_FOUND;
	*is_new = true;
	return create_user(req, p, set, now, u);
}

/* A user with second factors must pass one: the IdP answer, pending. */
static void
reply_pending(struct request *req, struct idp *p, const struct store_user *u,
    bool is_new, int64_t now)
{
	struct store_credential cred;
	struct json_object *body, *info = NULL;

	if (account_mint_credential(req->emu, u, p->provider, 0, now,
	    &cred) != 0 ||
	    (info = account_mfa_info(req->emu->store, u->id, true)) == NULL) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(info);
		return;
	}
	body = idp_body(p, u, is_new);
	json_object_object_add(body, "mfaPendingCredential",
	    json_object_new_string(cred.credential));
	json_object_object_add(body, "mfaInfo", info);
	reply_json(req, 200, body);
}

static void
reply_signed_in(struct request *req, struct idp *p,
    const struct store_user *u, const struct account_session *sess,
    bool is_new, int64_t now)
{
	struct account_tokens tok;
	struct json_object *body;

	if (account_issue_tokens_or_reply(req, u, sess, now, &tok) != 0)
		return;
	body = idp_body(p, u, is_new);
	account_add_tokens(body, &tok);
	free(tok.id_token);
	reply_json(req, 200, body);
}

/* The resolution's outcome when it is not a user to sign in. */
static int
outcome_or_reply(struct request *req, struct idp *p, int r,
    const struct store_user *u)
{
	struct json_object *body;

	if (r == IDP_CONFIRM) {
		store_rollback(req->emu->store);
		body = idp_body(p, u, false);
		json_object_object_add(body, "needConfirmation",
		    json_object_new_boolean(1));
		reply_json(req, 200, body);
		return -1;
	}
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_USER_NOT_FOUND, NULL);
	if (account_stored_or_reply(req, r) != 0)
		return -1;
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u->local_id);
	if (u->disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	return 0;
}

static void
sign_in(struct request *req, struct idp *p)
{
	struct emu *emu = req->emu;
	struct account_session sess = { .sign_in_provider = p->provider,
	    .login = true };
	struct store_realm realm;
	struct settings set;
	struct store_user u;
	bool is_new;
	int64_t now;
	int r;

	if (txn_begin_or_reply(req) != 0 ||
	    account_realm_or_reply(req, p->tenant, &realm) != 0)
		return;
	settings_effective(&emu->cfg, &realm, &set);
	now = clock_now_ms(&emu->clock);
	memset(&u, 0, sizeof(u));
	r = resolve_user(req, p, &set, now, &u, &is_new);
	if (outcome_or_reply(req, p, r, &u) != 0)
		return;
	if ((r = account_enrollment_count(emu->store, u.id)) < 0) {
		txn_fail(req);
		return;
	}
	if (r > 0) {
		reply_pending(req, p, &u, is_new, now);
		return;
	}
	sess.auth_time = now / 1000;
	reply_signed_in(req, p, &u, &sess, is_new, now);
}

/*
 * Inside the transaction: link the identity to the signed-in user (the
 * SDK's linkWithCredential); it and its email must be no one else's.
 */
static int
link_or_reply(struct request *req, struct idp *p, struct account_ctx *ctx)
{
	struct store *st = req->emu->store;
	struct store_user *u = &ctx->user, other;
	int64_t owner;
	int r;

	r = store_provider_owner(st, u->project_id, u->tenant_id, p->provider,
	    p->info.raw_id, &owner);
	if (r == STORE_OK && owner != u->id)
		return txn_refuse(req, false,
		    ERR_FEDERATED_USER_ID_ALREADY_LINKED, NULL);
	if (r != STORE_ERROR && !ctx->set.allow_duplicate_emails &&
	    p->info.email[0] != '\0') {
		r = store_user_find_email(st, u->project_id, u->tenant_id,
		    p->info.email, &other);
		if (r == STORE_OK && other.id != u->id)
			return txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
		if (r == STORE_NOT_FOUND && u->email[0] == '\0') {
			strcpy(u->email, p->info.email);
			u->email_verified = p->email_verified;
		}
	}
	if (r != STORE_ERROR)
		r = store_user_update(st, u);
	if (r == STORE_OK)
		r = store_provider_put(st, u, &p->info);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return 0;
}

static void
link_identity(struct request *req, struct idp *p)
{
	struct account_ctx ctx;
	struct account_session sess;

	if (account_resolve_or_reply(req, p->id_token, p->tenant, &ctx) != 0 ||
	    link_or_reply(req, p, &ctx) != 0)
		return;
	/* The same session, now of the IdP (as the Firebase emulator says). */
	account_ctx_session(&ctx, &sess);
	sess.sign_in_provider = p->provider;
	reply_signed_in(req, p, &ctx.user, &sess, false, ctx.now);
}

void
accounts_sign_in_with_idp(struct request *req)
{
	struct idp p = { .auto_create = 1 };
	const char *unused = NULL;
	int unused_flag = 0;
	struct reqparse_field f[] = {
		{ "requestUri", RP_STRING, &p.request_uri,
		    ERR_MISSING_REQUEST_URI },
		{ "postBody", RP_STRING, &p.post_body },
		{ "idToken", RP_STRING, &p.id_token },
		{ "tenantId", RP_STRING, &p.tenant },
		{ "autoCreate", RP_BOOL, &p.auto_create },
		{ "returnSecureToken", RP_BOOL, &unused_flag },
		{ "returnIdpCredential", RP_BOOL, &unused_flag },
		{ "pendingToken", RP_STRING, &unused },
		{ "sessionId", RP_STRING, &unused },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(p.tenant))
		p.tenant = "";
	if (credential_or_reply(req, &p) == 0) {
		if (reqparse_empty(p.id_token))
			sign_in(req, &p);
		else
			link_identity(req, &p);
	}
	json_object_put(p.form);
	json_object_put(p.claims);
}
