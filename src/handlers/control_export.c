/*
 * GET /emulator/v1/export: the whole state as a fixture document,
 * {"projects": [...]}, that POST /emulator/v1/fixtures (or --fixtures)
 * loads back to the same state. ?credentials=true adds pending
 * credentials, ?sessions=true SMS sessions too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base32.h"
#include "emu.h"
#include "handlers/account.h"
#include "handlers/control_common.h"
#include "handlers/realm_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "settings.h"
#include "store.h"

struct export {
	struct store *st;
	struct json_object *projects;	/* array */
	struct json_object *project;	/* the one being filled */
	const char *project_id;
	int failed;
};

static bool
flag(struct request *req, const char *name)
{
	const char *v = http_server_query(req, name);

	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
add_time(struct json_object *o, const char *k, int64_t ms)
{
	char when[32];

	if (clock_format_rfc3339(ms, when, sizeof(when)) == 0)
		add_str(o, k, when);
}

static void
add_b64(struct json_object *o, const char *k, const uint8_t *v, size_t n)
{
	char out[4 * 64 / 3 + 8];

	if (n > 64)
		return;
	EVP_EncodeBlock((unsigned char *)out, v, (int)n);
	add_str(o, k, out);
}

/* Settings and test numbers of a realm into `o`. */
static int
realm_into(struct export *ex, const struct store_realm *realm,
    struct json_object *o)
{
	struct json_object *numbers = json_object_new_object();

	settings_add_json(o, realm);
	json_object_object_add(o, "testPhoneNumbers", numbers);
	return realm_test_numbers_list(ex->st, realm, numbers) == STORE_OK ?
	    0 : -1;
}

static int
add_enrollment(const struct store_enrollment *e, void *arg)
{
	struct json_object *item = json_object_new_object();

	add_str(item, "mfaEnrollmentId", e->enrollment_id);
	if (e->display_name[0])
		add_str(item, "displayName", e->display_name);
	add_time(item, "enrolledAt", e->enrolled_at);
	if (e->kind == STORE_FACTOR_PHONE) {
		add_str(item, "phoneInfo", e->phone_number);
	} else {
		struct json_object *t = json_object_new_object();
		char secret[2 * TOTP_MAX_SECRET];

		base32_encode(e->totp_secret, e->totp_secret_len, secret,
		    sizeof(secret));
		add_str(t, "sharedSecretKey", secret);
		OPENSSL_cleanse(secret, sizeof(secret));
		add_str(t, "hashingAlgorithm", totp_alg_name(e->totp_alg));
		json_object_object_add(t, "verificationCodeLength",
		    json_object_new_int(e->totp_digits));
		json_object_object_add(t, "periodSec",
		    json_object_new_int(e->totp_period));
		json_object_object_add(item, "totpInfo", t);
	}
	json_object_array_add(arg, item);
	return 0;
}

static int
add_provider(const struct store_provider *p, void *arg)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "providerId", p->provider_id);
	add_str(o, "rawId", p->raw_id);
	if (p->federated_id[0])
		add_str(o, "federatedId", p->federated_id);
	if (p->email[0])
		add_str(o, "email", p->email);
	if (p->display_name[0])
		add_str(o, "displayName", p->display_name);
	if (p->photo_url[0])
		add_str(o, "photoUrl", p->photo_url);
	if (p->screen_name[0])
		add_str(o, "screenName", p->screen_name);
	json_object_array_add(arg, o);
	return 0;
}

/*
 * What issue 16 added to a user: photo, metadata, email-link sign-in and
 * federated identities (providerUserInfo; password and phone follow from
 * the user's own fields). -1 on a store error.
 */
static int
add_account_state(struct export *ex, const struct store_user *u,
    struct json_object *o)
{
	struct json_object *providers = json_object_new_array();
	char num[24], when[40];

	if (u->photo_url[0])
		add_str(o, "photoUrl", u->photo_url);
	if (u->last_login_at) {
		snprintf(num, sizeof(num), "%lld", (long long)u->last_login_at);
		add_str(o, "lastLoginAt", num);
	}
	if (u->last_refresh_at && clock_format_rfc3339(u->last_refresh_at,
	    when, sizeof(when)) == 0)
		add_str(o, "lastRefreshAt", when);
	if (u->has_password && u->password_updated_at)
		json_object_object_add(o, "passwordUpdatedAt",
		    json_object_new_int64(u->password_updated_at));
	if (u->email_link_signin)
		json_object_object_add(o, "emailLinkSignin",
		    json_object_new_boolean(1));
	if (u->custom_attributes[0])
		add_str(o, "customAttributes", u->custom_attributes);
	if (store_provider_list(ex->st, u->id, add_provider, providers) !=
	    STORE_OK) {
		json_object_put(providers);
		return -1;
	}
	if (json_object_array_length(providers) > 0)
		json_object_object_add(o, "providerUserInfo", providers);
	else
		json_object_put(providers);
	return 0;
}

static int
add_user(const struct store_user *u, void *arg)
{
	struct export *ex = arg;
	struct json_object *o = json_object_new_object(), *users, *mfa;
	uint8_t salt[64], hash[64];
	size_t saltlen = sizeof(salt), hashlen = sizeof(hash);
	char num[24];

	add_str(o, "localId", u->local_id);
	if (u->tenant_id[0])
		add_str(o, "tenantId", u->tenant_id);
	if (u->email[0])
		add_str(o, "email", u->email);
	if (store_user_password(ex->st, u->id, salt, &saltlen, hash,
	    &hashlen) == STORE_OK) {
		add_b64(o, "passwordHash", hash, hashlen);
		add_b64(o, "salt", salt, saltlen);
	}
	if (u->display_name[0])
		add_str(o, "displayName", u->display_name);
	if (u->phone_number[0])
		add_str(o, "phoneNumber", u->phone_number);
	json_object_object_add(o, "emailVerified",
	    json_object_new_boolean(u->email_verified));
	json_object_object_add(o, "disabled",
	    json_object_new_boolean(u->disabled));
	snprintf(num, sizeof(num), "%lld", (long long)u->created_at);
	add_str(o, "createdAt", num);
	if (u->valid_since != 0) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)(u->valid_since / 1000));
		add_str(o, "validSince", num);
	}
	if (add_account_state(ex, u, o) != 0)
		ex->failed = 1;
	mfa = json_object_new_array();
	if (store_enrollment_list(ex->st, u->id, add_enrollment, mfa) !=
	    STORE_OK)
		ex->failed = 1;
	if (json_object_array_length(mfa) > 0)
		json_object_object_add(o, "mfaInfo", mfa);
	else
		json_object_put(mfa);
	json_object_object_get_ex(ex->project, "users", &users);
	json_object_array_add(users, o);
	return ex->failed;
}

static int
add_credential(const struct store_credential *c, void *arg)
{
	struct export *ex = arg;
	struct json_object *o = json_object_new_object(), *list;
	struct store_user u;

	if (store_user_get(ex->st, c->user_id, &u) != STORE_OK) {
		json_object_put(o);
		return 0;
	}
	add_str(o, "mfaPendingCredential", c->credential);
	add_str(o, "localId", u.local_id);
	if (c->tenant_id[0])
		add_str(o, "tenantId", c->tenant_id);
	add_str(o, "signInProvider", c->sign_in_provider);
	add_time(o, "createTime", c->created_at);
	add_time(o, "expireTime", c->expires_at);
	if (c->used_at)
		add_time(o, "usedTime", c->used_at);
	if (c->failed_attempts)
		json_object_object_add(o, "failedAttempts",
		    json_object_new_int(c->failed_attempts));
	json_object_object_get_ex(ex->project, "pendingCredentials", &list);
	json_object_array_add(list, o);
	return 0;
}

static int
add_session(const struct store_sms_session *x, void *arg)
{
	struct export *ex = arg;
	struct json_object *o = json_object_new_object(), *list;
	struct store_enrollment e;

	if (store_enrollment_by_rowid(ex->st, x->enrollment, &e) != STORE_OK) {
		json_object_put(o);
		return 0;
	}
	add_str(o, "sessionInfo", x->session_info);
	add_str(o, "mfaPendingCredential", x->credential);
	add_str(o, "mfaEnrollmentId", e.enrollment_id);
	OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
	add_str(o, "phoneNumber", x->phone_number);
	add_str(o, "code", x->code);
	add_time(o, "createTime", x->created_at);
	add_time(o, "expireTime", x->expires_at);
	if (x->attempts)
		json_object_object_add(o, "attempts",
		    json_object_new_int(x->attempts));
	if (x->consumed_at)
		add_time(o, "consumedTime", x->consumed_at);
	json_object_object_get_ex(ex->project, "smsSessions", &list);
	json_object_array_add(list, o);
	return 0;
}

/* Realms come projects first ("" sorts first), then their tenants. */
static int
add_realm(const struct store_realm *realm, void *arg)
{
	struct export *ex = arg;
	struct json_object *tenants, *t;

	if (realm->tenant_id[0] == '\0') {
		ex->project = json_object_new_object();
		ex->project_id = realm->project_id;
		add_str(ex->project, "projectId", realm->project_id);
		json_object_object_add(ex->project, "tenants",
		    json_object_new_array());
		json_object_object_add(ex->project, "users",
		    json_object_new_array());
		json_object_array_add(ex->projects, ex->project);
		if (realm_into(ex, realm, ex->project) != 0)
			ex->failed = 1;
		return ex->failed;
	}
	if (ex->project == NULL ||
	    strcmp(json_object_get_string(json_object_object_get(ex->project,
	    "projectId")), realm->project_id) != 0) {
		/* A tenant whose project row is missing cannot be loaded. */
		return 0;
	}
	t = json_object_new_object();
	add_str(t, "tenantId", realm->tenant_id);
	if (realm_into(ex, realm, t) != 0)
		ex->failed = 1;
	json_object_object_get_ex(ex->project, "tenants", &tenants);
	json_object_array_add(tenants, t);
	return ex->failed;
}

void
control_export(struct request *req)
{
	struct export ex = { .st = req->emu->store };
	bool creds = flag(req, "credentials"), sessions = flag(req, "sessions");
	struct json_object *body;

	if (txn_begin_or_reply(req) != 0)
		return;
	ex.projects = json_object_new_array();
	if (store_realm_list(ex.st, add_realm, &ex) != STORE_OK || ex.failed)
		goto fail;
	for (size_t i = 0; i < json_object_array_length(ex.projects); i++) {
		const char *p;

		ex.project = json_object_array_get_idx(ex.projects, i);
		p = json_object_get_string(json_object_object_get(ex.project,
		    "projectId"));
		if (store_user_list(ex.st, p, add_user, &ex) != STORE_OK ||
		    ex.failed)
			goto fail;
		if (creds) {
			json_object_object_add(ex.project,
			    "pendingCredentials", json_object_new_array());
			if (store_credential_list(ex.st, p, add_credential,
			    &ex) != STORE_OK)
				goto fail;
		}
		if (sessions) {
			json_object_object_add(ex.project, "smsSessions",
			    json_object_new_array());
			if (store_sms_list(ex.st, p, add_session, &ex) !=
			    STORE_OK)
				goto fail;
		}
	}
	store_rollback(ex.st);
	body = json_object_new_object();
	json_object_object_add(body, "projects", ex.projects);
	reply_json(req, 200, body);
	return;
fail:
	json_object_put(ex.projects);
	txn_fail(req);
}
