#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "id_token.h"
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

/*
 * The session's developer claims at the top level; they were checked for
 * reserved names when the session began, and never replace the claims
 * set above them.
 */
static void
add_session_claims(struct json_object *claims, const char *text)
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

char *
id_token_issue(struct emu *emu, const struct store_user *user,
    const struct id_token_info *info)
{
	struct json_object *claims = json_object_new_object();
	struct json_object *fb = json_object_new_object();
	struct json_object *ids = json_object_new_object();
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
		json_object_object_add(ids, "email",
		    string_array(user->email));
	}
	if (user->phone_number[0] != '\0') {
		add_str(claims, "phone_number", user->phone_number);
		json_object_object_add(ids, "phone",
		    string_array(user->phone_number));
	}
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
	json_object_object_add(claims, "firebase", fb);
	add_session_claims(claims, info->claims);

	if (emu->cfg.unsigned_id_tokens) {
		jwt = tokens_unsigned_jwt(claims);
	} else {
		key = emu_key(emu);
		jwt = key ? tokens_sign_jwt(key, claims) : NULL;
	}
	json_object_put(claims);
	return jwt;
}
