/* Users as Identity Toolkit's UserInfo renders them. */
#include <stdio.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "clock.h"
#include "store.h"
#include "user_info.h"

/* base64 of "REDACTED": what Google shows a user of its own hash. */
#define USER_INFO_REDACTED "UkVEQUNURUQ="

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void
add_opt_str(struct json_object *o, const char *k, const char *v)
{
	if (v[0] != '\0')
		add_str(o, k, v);
}

static void
add_ms_string(struct json_object *o, const char *k, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	add_str(o, k, buf);
}

static void
add_b64(struct json_object *o, const char *k, const uint8_t *v, size_t n)
{
	char buf[128];

	if (n > 90)
		return;
	EVP_EncodeBlock((unsigned char *)buf, v, (int)n);
	add_str(o, k, buf);
}

static int
add_provider(const struct store_provider *p, void *arg)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "providerId", p->provider_id);
	add_str(o, "rawId", p->raw_id);
	add_opt_str(o, "federatedId", p->federated_id);
	add_opt_str(o, "email", p->email);
	add_opt_str(o, "displayName", p->display_name);
	add_opt_str(o, "photoUrl", p->photo_url);
	add_opt_str(o, "screenName", p->screen_name);
	json_object_array_add(arg, o);
	return 0;
}

/*
 * providerUserInfo: "password" for an email that signs in (by password or
 * link), each federated identity, and "phone" for a phone number.
 */
static struct json_object *
providers_json(struct store *st, const struct store_user *u)
{
	struct json_object *list = json_object_new_array(), *p;

	if (u->email[0] != '\0' && (u->has_password || u->email_link_signin)) {
		p = json_object_new_object();
		add_str(p, "providerId", "password");
		add_str(p, "email", u->email);
		add_str(p, "federatedId", u->email);
		add_str(p, "rawId", u->email);
		add_opt_str(p, "displayName", u->display_name);
		add_opt_str(p, "photoUrl", u->photo_url);
		json_object_array_add(list, p);
	}
	if (store_provider_list(st, u->id, add_provider, list) != STORE_OK) {
		json_object_put(list);
		return NULL;
	}
	if (u->phone_number[0] != '\0') {
		p = json_object_new_object();
		add_str(p, "providerId", "phone");
		add_str(p, "rawId", u->phone_number);
		add_str(p, "phoneNumber", u->phone_number);
		json_object_array_add(list, p);
	}
	return list;
}

/* passwordHash (and salt) as the view shows them; -1 on a store error. */
static int
add_password(struct store *st, struct json_object *o,
    const struct store_user *u, enum user_info_view view)
{
	uint8_t salt[64], hash[64];
	size_t saltlen = sizeof(salt), hashlen = sizeof(hash);
	int r;

	if (!u->has_password)
		return 0;
	json_object_object_add(o, "passwordUpdatedAt",
	    json_object_new_int64(u->password_updated_at));
	if (view == USER_INFO_SELF) {
		add_str(o, "passwordHash", USER_INFO_REDACTED);
		return 0;
	}
	r = store_user_password(st, u->id, salt, &saltlen, hash, &hashlen);
	if (r == STORE_OK) {
		add_b64(o, "passwordHash", hash, hashlen);
		add_b64(o, "salt", salt, saltlen);
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	return r == STORE_ERROR ? -1 : 0;
}

/* createdAt, lastLoginAt, lastRefreshAt, validSince. */
static void
add_metadata(struct json_object *o, const struct store_user *u)
{
	char when[40];

	add_ms_string(o, "createdAt", u->created_at);
	if (u->last_login_at > 0)
		add_ms_string(o, "lastLoginAt", u->last_login_at);
	if (u->last_refresh_at > 0 && clock_format_rfc3339(u->last_refresh_at,
	    when, sizeof(when)) == 0)
		add_str(o, "lastRefreshAt", when);
	add_ms_string(o, "validSince", u->valid_since / 1000);
}

struct json_object *
user_info_json(struct store *st, const struct store_user *u,
    struct json_object *mfa_info, enum user_info_view view)
{
	struct json_object *o = json_object_new_object();
	struct json_object *providers = providers_json(st, u);

	if (providers == NULL) {
		json_object_put(mfa_info);
		json_object_put(o);
		return NULL;
	}
	add_str(o, "localId", u->local_id);
	add_opt_str(o, "email", u->email);
	json_object_object_add(o, "emailVerified",
	    json_object_new_boolean(u->email_verified));
	add_opt_str(o, "displayName", u->display_name);
	add_opt_str(o, "photoUrl", u->photo_url);
	add_opt_str(o, "phoneNumber", u->phone_number);
	json_object_object_add(o, "providerUserInfo", providers);
	json_object_object_add(o, "disabled",
	    json_object_new_boolean(u->disabled));
	add_metadata(o, u);
	if (u->email_link_signin)
		json_object_object_add(o, "emailLinkSignin",
		    json_object_new_boolean(1));
	add_opt_str(o, "tenantId", u->tenant_id);
	add_opt_str(o, "customAttributes", u->custom_attributes);
	if (add_password(st, o, u, view) != 0) {
		json_object_put(mfa_info);
		json_object_put(o);
		return NULL;
	}
	if (json_object_array_length(mfa_info) > 0)
		json_object_object_add(o, "mfaInfo", mfa_info);
	else
		json_object_put(mfa_info);
	return o;
}
