/* Users as Identity Toolkit's UserInfo renders them. */
#include <stdio.h>

#include <json-c/json.h>

#include "store.h"
#include "user_info.h"

static void
add_ms_string(struct json_object *o, const char *k, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	json_object_object_add(o, k, json_object_new_string(buf));
}

struct json_object *
user_info_json(const struct store_user *u, struct json_object *mfa_info)
{
	struct json_object *o = json_object_new_object();
	struct json_object *providers = json_object_new_array();

	json_object_object_add(o, "localId", json_object_new_string(u->local_id));
	if (u->email[0] != '\0') {
		struct json_object *p = json_object_new_object();

		json_object_object_add(o, "email",
		    json_object_new_string(u->email));
		json_object_object_add(p, "providerId",
		    json_object_new_string("password"));
		json_object_object_add(p, "email",
		    json_object_new_string(u->email));
		json_object_object_add(p, "federatedId",
		    json_object_new_string(u->email));
		json_object_object_add(p, "rawId",
		    json_object_new_string(u->email));
		json_object_array_add(providers, p);
	}
	json_object_object_add(o, "emailVerified",
	    json_object_new_boolean(u->email_verified));
	if (u->display_name[0] != '\0')
		json_object_object_add(o, "displayName",
		    json_object_new_string(u->display_name));
	if (u->phone_number[0] != '\0')
		json_object_object_add(o, "phoneNumber",
		    json_object_new_string(u->phone_number));
	json_object_object_add(o, "providerUserInfo", providers);
	json_object_object_add(o, "disabled",
	    json_object_new_boolean(u->disabled));
	add_ms_string(o, "createdAt", u->created_at);
	add_ms_string(o, "lastLoginAt", u->created_at);
	add_ms_string(o, "validSince", u->valid_since / 1000);
	if (u->tenant_id[0] != '\0')
		json_object_object_add(o, "tenantId",
		    json_object_new_string(u->tenant_id));
	if (json_object_array_length(mfa_info) > 0)
		json_object_object_add(o, "mfaInfo", mfa_info);
	else
		json_object_put(mfa_info);
	return o;
}
