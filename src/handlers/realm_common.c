#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "handlers/realm_common.h"
#include "http_server.h"
#include "phone.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "sms_code.h"
#include "store.h"

int
realm_project_id_or_reply(struct request *req)
{
	if (strlen(req->captures[0]) <= STORE_ID_MAX)
		return 0;
	reply_error(req, ERR_INVALID_PROJECT_ID, NULL);
	return -1;
}

static int
add_number(const char *phone, const char *code, void *arg)
{
	json_object_object_add(arg, phone, json_object_new_string(code));
	return 0;
}

int
realm_test_numbers_list(struct store *st, const struct store_realm *realm,
    struct json_object *numbers)
{
	return store_test_phone_list(st, realm->project_id, realm->tenant_id,
	    add_number, numbers);
}

const char *
realm_test_numbers_invalid(struct json_object *numbers)
{
	if (numbers == NULL)
		return NULL;
	json_object_object_foreach(numbers, phone, code) {
		if (!phone_valid(phone) ||
		    !json_object_is_type(code, json_type_string) ||
		    !sms_code_valid_code(json_object_get_string(code)))
			return phone;
	}
	return NULL;
}

int
realm_test_numbers_replace(struct store *st,
    const struct store_realm *realm, struct json_object *numbers)
{
	int r = store_test_phone_clear(st, realm->project_id, realm->tenant_id);

	json_object_object_foreach(numbers, phone, code) {
		if (r != STORE_OK)
			break;
		r = store_test_phone_put(st, realm->project_id,
		    realm->tenant_id, phone, json_object_get_string(code));
	}
	return r;
}

struct json_object *
realm_mfa_config_json(const struct store_realm *realm)
{
	struct json_object *m = json_object_new_object();
	struct json_object *providers = json_object_new_array();
	struct json_object *configs = json_object_new_array();
	struct json_object *pc = json_object_new_object();
	struct json_object *totp = json_object_new_object();
	int window = realm->totp_window ? realm->totp_window - 1 :
	    SETTINGS_DEFAULT_TOTP_WINDOW;

	json_object_object_add(m, "state", json_object_new_string(
	    realm->mfa_phone ? "ENABLED" : "DISABLED"));
	if (realm->mfa_phone)
		json_object_array_add(providers,
		    json_object_new_string("PHONE_SMS"));
	json_object_object_add(m, "enabledProviders", providers);
	json_object_object_add(pc, "state", json_object_new_string(
	    realm->mfa_totp ? "ENABLED" : "DISABLED"));
	json_object_object_add(totp, "adjacentIntervals",
	    json_object_new_int(window));
	json_object_object_add(pc, "totpProviderConfig", totp);
	json_object_array_add(configs, pc);
	json_object_object_add(m, "providerConfigs", configs);
	return m;
}

/*
 * enabledProviders (borrowed): *sms becomes 1 when it lists PHONE_SMS,
 * else 0. -1 with err on any other provider.
 */
static int
mfa_providers_parse(struct json_object *providers, int *sms, char *err,
    size_t errlen)
{
	*sms = 0;
	for (size_t i = 0; i < json_object_array_length(providers); i++) {
		const char *p = json_object_get_string(
		    json_object_array_get_idx(providers, i));

		if (p != NULL && strcmp(p, "PHONE_SMS") == 0)
			*sms = 1;
		else if (p == NULL || strcmp(p, "PROVIDER_UNSPECIFIED")) {
			snprintf(err, errlen, "mfa.enabledProviders: '%.40s' "
			    "is not PHONE_SMS", p ? p : "?");
			return -1;
		}
	}
	return 0;
}

/*
 * state: DISABLED switches SMS off; ENABLED and MANDATORY switch it on
 * unless enabledProviders (`listed`) said otherwise. -1 with err.
 */
static int
mfa_state_parse(const char *state, int listed, int *sms, char *err,
    size_t errlen)
{
	if (strcmp(state, "DISABLED") == 0)
		*sms = 0;
	else if (strcmp(state, "ENABLED") == 0 ||
	    strcmp(state, "MANDATORY") == 0)
		*sms = listed ? *sms : 1;
	else {
		snprintf(err, errlen, "mfa.state must be ENABLED, DISABLED or "
		    "MANDATORY");
		return -1;
	}
	return 0;
}

/* One providerConfigs entry (borrowed); only TOTP's is kept. -1 with err. */
static int
mfa_provider_config_parse(struct json_object *pc, struct store_realm *realm,
    char *err, size_t errlen)
{
	struct json_object *totp = NULL;
	const char *pstate = NULL;
	int64_t adjacent = -1;
	struct reqparse_field tf[] = {
		{ "adjacentIntervals", RP_INT, &adjacent },
	};
	struct reqparse_field pf[] = {
		{ "state", RP_STRING, &pstate },
		{ "totpProviderConfig", RP_OBJECT, &totp,
		    .sub = tf, .nsub = 1 },
	};

	if (!json_object_is_type(pc, json_type_object)) {
		snprintf(err, errlen, "mfa.providerConfigs entries are "
		    "objects");
		return -1;
	}
	if (reqparse_fields(pc, "mfa.providerConfigs", pf, 2, err, errlen))
		return -1;
	if (totp == NULL)
		return 0;
	if (pstate != NULL)
		realm->mfa_totp = strcmp(pstate, "ENABLED") == 0;
	if (!json_object_object_get_ex(totp, "adjacentIntervals", NULL))
		return 0;
	if (adjacent < 0 || adjacent > 10) {
		snprintf(err, errlen, "adjacentIntervals must be 0-10");
		return -1;
	}
	realm->totp_window = (int)adjacent + 1;
	return 0;
}

int
realm_mfa_config_parse(struct json_object *m, struct store_realm *realm,
    char *err, size_t errlen)
{
	const char *state = NULL;
	struct json_object *providers = NULL, *configs = NULL;
	struct reqparse_field f[] = {
		{ "state", RP_STRING, &state },
		{ "enabledProviders", RP_ARRAY, &providers },
		{ "providerConfigs", RP_ARRAY, &configs },
	};
	int sms = -1;

	if (!json_object_is_type(m, json_type_object)) {
		snprintf(err, errlen, "mfa must be an object");
		return -1;
	}
	if (reqparse_fields(m, "mfa", f, 3, err, errlen) ||
	    (providers != NULL &&
	    mfa_providers_parse(providers, &sms, err, errlen)) ||
	    (state != NULL &&
	    mfa_state_parse(state, providers != NULL, &sms, err, errlen)))
		return -1;
	if (sms >= 0)
		realm->mfa_phone = sms;
	for (size_t i = 0; configs && i < json_object_array_length(configs);
	    i++) {
		if (mfa_provider_config_parse(json_object_array_get_idx(configs,
		    i), realm, err, errlen))
			return -1;
	}
	return 0;
}

/*
 * Copy the value at dotted `path` (of `len` bytes) of `body` to the same
 * path of `out`, null when the body has none. -1 on an empty segment.
 */
static int
mask_copy(struct json_object *body, struct json_object *out,
    const char *path, size_t len)
{
	const char *end = path + len;

	for (;;) {
		const char *dot = memchr(path, '.', (size_t)(end - path));
		size_t n = (size_t)((dot ? dot : end) - path);
		char seg[128];
		struct json_object *next = NULL;

		if (n == 0 || n >= sizeof(seg))
			return -1;
		memcpy(seg, path, n);
		seg[n] = '\0';
		if (body != NULL && json_object_is_type(body, json_type_object))
			(void)json_object_object_get_ex(body, seg, &next);
		body = next;
		if (dot == NULL) {
			json_object_object_add(out, seg, json_object_get(body));
			return 0;
		}
		if (!json_object_object_get_ex(out, seg, &next) ||
		    !json_object_is_type(next, json_type_object)) {
			next = json_object_new_object();
			json_object_object_add(out, seg, next);
		}
		out = next;
		path = dot + 1;
	}
}

struct json_object *
realm_masked_body(struct json_object *body, const char *mask, char *err,
    size_t errlen)
{
	struct json_object *out;

	if (mask == NULL || *mask == '\0')
		return body != NULL ? json_object_get(body) :
		    json_object_new_object();
	out = json_object_new_object();
	for (const char *p = mask;;) {
		size_t n = strcspn(p, ",");

		if (mask_copy(body, out, p, n) != 0) {
			snprintf(err, errlen, "updateMask: '%.*s' is not a "
			    "field path", (int)(n > 64 ? 64 : n), p);
			json_object_put(out);
			return NULL;
		}
		if (p[n] == '\0')
			return out;
		p += n + 1;
	}
}

void
realm_copy_members(struct json_object *dst, struct json_object *src,
    const char *const *names)
{
	struct json_object *v;

	for (; *names != NULL; names++) {
		if (json_object_object_get_ex(src, *names, &v))
			json_object_object_add(dst, *names, json_object_get(v));
	}
}

int
realm_switches_parse(struct json_object *body, const char *const *names,
    struct store_realm *realm, char *err, size_t errlen)
{
	struct json_object *picked = json_object_new_object();
	int r;

	realm_copy_members(picked, body, names);
	r = settings_parse_lax(picked, realm, err, errlen);
	json_object_put(picked);
	return r;
}

/*
 * 400 when blockingFunctions names triggers: mfaemu calls none, and
 * taking them silently would pass a test that needs them.
 */
int
realm_no_triggers_or_reply(struct request *req, struct json_object *blocking)
{
	struct json_object *t;

	if (blocking == NULL ||
	    !json_object_object_get_ex(blocking, "triggers", &t) ||
	    t == NULL || (json_object_is_type(t, json_type_object) &&
	    json_object_object_length(t) == 0))
		return 0;
	reply_error(req, ERR_INVALID_CONFIG, "blockingFunctions.triggers: "
	    "mfaemu does not call blocking functions");
	return -1;
}
