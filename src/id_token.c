#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "id_token.h"
#include "reqparse.h"
#include "store.h"
#include "tokens.h"

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static struct json_object *
string_array(const char *v)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(v));
	return a;
}

int
id_token_reserved_claim(const char *k)
{
	static const char *const names[] = { "iss", "aud", "sub", "iat",
	    "exp", "nbf", "jti", "nonce", "azp", "acr", "amr", "cnf",
	    "auth_time", "firebase", "at_hash", "c_hash" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(k, names[i]) == 0)
			return 1;
	}
	return 0;
}

enum err_code
id_token_check_custom_claims(const char *text, int *empty, char *detail,
    size_t dlen)
{
	struct json_object *o;
	char why[128];
	enum err_code code = ERR__NONE;

	*empty = 1;
	if (*text == '\0')
		return ERR__NONE;
	if (strlen(text) > STORE_CLAIMS_MAX) {
		snprintf(detail, dlen, "customAttributes take at most %d "
		    "bytes", STORE_CLAIMS_MAX);
		return ERR_CLAIMS_TOO_LARGE;
	}
	o = reqparse_json(text, strlen(text), why, sizeof(why));
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		snprintf(detail, dlen, "customAttributes must be a JSON "
		    "object");
		json_object_put(o);
		return ERR_INVALID_CLAIMS;
	}
	*empty = json_object_object_length(o) == 0;
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (code == ERR__NONE && id_token_reserved_claim(k)) {
			snprintf(detail, dlen, "%.64s", k);
			code = ERR_FORBIDDEN_CLAIM;
		}
	}
	json_object_put(o);
	return code;
}

/*
 * Developer claims (a session's, then the user's custom attributes) at
 * the top level; they were checked for reserved names when they were
 * accepted, and never replace the claims set before them.
 */
static void
add_developer_claims(struct json_object *claims, const char *text)
{
	struct json_object *extra;

	if (text == NULL || *text == '\0' ||
	    (extra = json_tokener_parse(text)) == NULL)
		return;
	if (json_object_is_type(extra, json_type_object)) {
		json_object_object_foreach(extra, k, v) {
			if (!json_object_object_get_ex(claims, k, NULL))
				json_object_object_add(claims, k,
				    json_object_get(v));
		}
	}
	json_object_put(extra);
}

/* The realm's own idTokenAlg: 1 none, 0 RS256, 2 unset, -1 error. */
static int
realm_alg(struct emu *emu, const char *project, const char *tenant)
{
	struct store_realm realm;
	int r = store_realm_get(emu->store, project, tenant, &realm);

	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    realm.id_token_alg[0] == '\0'))
		return 2;
	if (r != STORE_OK)
		return -1;
	return strcmp(realm.id_token_alg, "none") == 0;
}

int
id_token_realm_unsigned(struct emu *emu, const char *project,
    const char *tenant)
{
	int r = realm_alg(emu, project, tenant);

	if (r == 2 && *tenant != '\0')
		r = realm_alg(emu, project, "");
	return r == 2 ? emu->cfg.unsigned_id_tokens : r;
}

/* name, picture, the anonymous mark, email and phone_number. */
static void
add_profile_claims(struct json_object *claims, const struct store_user *user,
    const struct id_token_info *info)
{
	if (user->display_name[0] != '\0')
		add_str(claims, "name", user->display_name);
	if (user->photo_url[0] != '\0')
		add_str(claims, "picture", user->photo_url);
	/* The Firebase emulator's mark of an anonymous session. */
	if (strcmp(info->sign_in_provider, "anonymous") == 0)
		add_str(claims, "provider_id", "anonymous");
	if (user->email[0] != '\0') {
		add_str(claims, "email", user->email);
		json_object_object_add(claims, "email_verified",
		    json_object_new_boolean(user->email_verified));
	}
	if (user->phone_number[0] != '\0')
		add_str(claims, "phone_number", user->phone_number);
}

/*
 * The "firebase" claim: identities (email, phone, federated), the sign-in
 * provider, the second factor and the tenant. Returns a new object.
 */
static struct json_object *
firebase_claim(const struct store_user *user,
    const struct id_token_info *info)
{
	struct json_object *fb = json_object_new_object();
	struct json_object *ids = json_object_new_object();

	if (user->email[0] != '\0')
		json_object_object_add(ids, "email",
		    string_array(user->email));
	if (user->phone_number[0] != '\0')
		json_object_object_add(ids, "phone",
		    string_array(user->phone_number));
	if (info->identities != NULL) {
		json_object_object_foreach(info->identities, k, v)
			json_object_object_add(ids, k, json_object_get(v));
	}
	json_object_object_add(fb, "identities", ids);
	add_str(fb, "sign_in_provider", info->sign_in_provider);
	if (info->second_factor != NULL) {
		add_str(fb, "sign_in_second_factor", info->second_factor);
		add_str(fb, "second_factor_identifier", info->enrollment_id);
	}
	if (user->tenant_id[0] != '\0')
		add_str(fb, "tenant", user->tenant_id);
	return fb;
}

char *
id_token_issue(struct emu *emu, const struct store_user *user,
    const struct id_token_info *info)
{
	struct json_object *claims = json_object_new_object();
	int64_t now = clock_now_s(&emu->clock);
	const struct tokens_key *key;
	char iss[200];
	char *jwt;

	snprintf(iss, sizeof(iss), "https://securetoken.google.com/%s",
	    user->project_id);
	add_str(claims, "iss", iss);
	add_str(claims, "aud", user->project_id);
	json_object_object_add(claims, "auth_time",
	    json_object_new_int64(info->auth_time));
	add_str(claims, "user_id", user->local_id);
	add_str(claims, "sub", user->local_id);
	json_object_object_add(claims, "iat", json_object_new_int64(now));
	json_object_object_add(claims, "exp",
	    json_object_new_int64(now + ID_TOKEN_LIFETIME));
	add_profile_claims(claims, user, info);
	json_object_object_add(claims, "firebase", firebase_claim(user, info));
	add_developer_claims(claims, info->claims);
	add_developer_claims(claims, user->custom_attributes);

	if (info->unsigned_token) {
		jwt = tokens_unsigned_jwt(claims);
	} else {
		key = emu_key(emu);
		jwt = key ? tokens_sign_jwt(key, claims) : NULL;
	}
	json_object_put(claims);
	return jwt;
}
