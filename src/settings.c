#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "reqparse.h"
#include "settings.h"
#include "store.h"

void
settings_effective(const struct config *cfg, const struct store_realm *realm,
    struct settings *out)
{
	out->mfa_phone = realm->mfa_phone;
	out->mfa_totp = realm->mfa_totp;
	out->sms_code_ttl = realm->sms_code_ttl ?
	    (unsigned)realm->sms_code_ttl : cfg->sms_code_ttl;
	out->sms_code_length = realm->sms_code_length ?
	    (unsigned)realm->sms_code_length : SETTINGS_DEFAULT_CODE_LENGTH;
	out->max_attempts = realm->max_attempts ?
	    (unsigned)realm->max_attempts : cfg->max_attempts;
	out->credential_ttl = realm->credential_ttl ?
	    (unsigned)realm->credential_ttl : cfg->credential_ttl;
	out->totp_window = realm->totp_window ?
	    (unsigned)realm->totp_window - 1 : SETTINGS_DEFAULT_TOTP_WINDOW;
	out->oob_code_ttl = (unsigned)realm->oob_code_ttl;
	out->allow_duplicate_emails = realm->allow_duplicate_emails == 2;
	out->email_privacy = realm->email_privacy == 2;
	out->id_token_alg = realm->id_token_alg[0] != '\0' ?
	    settings_alg_name(strcmp(realm->id_token_alg, "none") == 0) :
	    settings_alg_name(cfg->unsigned_id_tokens);
	/* A tenant has its project's number: shown with the project. */
	out->project_number[0] = '\0';
	if (realm->tenant_id[0] == '\0')
		settings_project_number(realm->project_id, realm,
		    out->project_number);
}

void
settings_project_number(const char *project_id,
    const struct store_realm *realm, char out[20])
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	if (realm != NULL && realm->project_number[0] != '\0') {
		snprintf(out, 20, "%s", realm->project_number);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)project_id;
	    *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	snprintf(out, 20, "%llu", (unsigned long long)(100000000000ull +
	    h % 900000000000ull));
}

/*
 * "projectNumber": digits (a string, or an integer as JSON writes
 * numbers), or null for the derived default; a project's only.
 */
static int
parse_project_number(struct json_object *obj, struct store_realm *realm,
    char *err, size_t errlen)
{
	struct json_object *v;
	const char *n;

	if (!json_object_object_get_ex(obj, "projectNumber", &v))
		return 0;
	if (realm->tenant_id[0] != '\0') {
		snprintf(err, errlen, "projectNumber: a tenant has its "
		    "project's number; set it on the project");
		return -1;
	}
	if (v == NULL) {
		realm->project_number[0] = '\0';
		return 0;
	}
	n = json_object_is_type(v, json_type_string) ||
	    (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) > 0) ? json_object_get_string(v) : "";
	if (*n == '\0' || strlen(n) > 19 || strspn(n, "0123456789") !=
	    strlen(n)) {
		snprintf(err, errlen, "projectNumber: must be 1 to 19 digits "
		    "(or null for the default derived from the project id)");
		return -1;
	}
	strcpy(realm->project_number, n);
	return 0;
}

const char *
settings_alg_name(int unsigned_tokens)
{
	return unsigned_tokens ? "none" : "RS256";
}

/* "idTokenAlg": "RS256", "none" or null (unset); -1 with err if bad. */
static int
parse_alg(struct json_object *obj, struct store_realm *realm, char *err,
    size_t errlen)
{
	struct json_object *v;
	const char *alg;

	if (!json_object_object_get_ex(obj, "idTokenAlg", &v))
		return 0;
	if (v == NULL) {
		realm->id_token_alg[0] = '\0';
		return 0;
	}
	alg = json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "";
	if (strcmp(alg, "RS256") != 0 && strcmp(alg, "none") != 0) {
		snprintf(err, errlen, "idTokenAlg: must be \"RS256\" (signed, "
		    "for JWKS verifiers) or \"none\" (unsigned, for "
		    "firebase-admin), or null for the default");
		return -1;
	}
	strcpy(realm->id_token_alg, alg);
	return 0;
}

/* One integer setting: its JSON name, range and slot in the realm. */
struct int_setting {
	const char *name;
	int min, max;
	size_t offset;
	int stored_plus_one;	/* totp_window keeps value + 1 */
};

static const struct int_setting int_settings[] = {
	{ "smsCodeTtlSeconds", 1, 86400,
	    offsetof(struct store_realm, sms_code_ttl), 0 },
	{ "smsCodeLength", 4, 8,
	    offsetof(struct store_realm, sms_code_length), 0 },
	{ "maxAttempts", 1, 1000,
	    offsetof(struct store_realm, max_attempts), 0 },
	{ "pendingCredentialTtlSeconds", 1, 31536000,
	    offsetof(struct store_realm, credential_ttl), 0 },
	{ "totpAdjacentIntervals", 0, 10,
	    offsetof(struct store_realm, totp_window), 1 },
	{ "oobCodeTtlSeconds", 1, 31536000,
	    offsetof(struct store_realm, oob_code_ttl), 0 },
};
#define NINT (sizeof(int_settings) / sizeof(int_settings[0]))

/*
 * The Firebase Auth Emulator's switches: a boolean member of an object
 * member, kept in the realm as 0 unset, 1 off, 2 on.
 */
struct flag_setting {
	const char *object, *name;
	size_t offset;		/* in struct store_realm */
	size_t eff_offset;	/* in struct settings */
};

static const struct flag_setting flag_settings[] = {
	{ "signIn", "allowDuplicateEmails",
	    offsetof(struct store_realm, allow_duplicate_emails),
	    offsetof(struct settings, allow_duplicate_emails) },
	{ "emailPrivacyConfig", "enableImprovedEmailPrivacy",
	    offsetof(struct store_realm, email_privacy),
	    offsetof(struct settings, email_privacy) },
};
#define NFLAG (sizeof(flag_settings) / sizeof(flag_settings[0]))

/* The names of `object`'s flags, into names (NFLAG); how many. */
static size_t
flag_names(const char *object, const char **names)
{
	size_t n = 0;

	for (size_t i = 0; i < NFLAG; i++) {
		if (strcmp(flag_settings[i].object, object) == 0)
			names[n++] = flag_settings[i].name;
	}
	return n;
}

/* 0 when every member of the flag object `o` is one of its flags. */
static int
flags_known(struct json_object *o, const char *object, char *err,
    size_t errlen)
{
	const char *names[NFLAG];

	return reqparse_names_known(o, object, names, flag_names(object,
	    names), err, errlen);
}

/*
 * Apply the flags of `obj` present (null: unset); -1 with err if bad.
 * `strict`: their objects hold nothing else.
 */
static int
parse_flags(struct json_object *obj, struct store_realm *realm, int strict,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < NFLAG; i++) {
		const struct flag_setting *fs = &flag_settings[i];
		int *slot = (int *)((char *)realm + fs->offset);
		struct json_object *o, *v;

		if (!json_object_object_get_ex(obj, fs->object, &o) ||
		    o == NULL)
			continue;
		if (!json_object_is_type(o, json_type_object)) {
			snprintf(err, errlen, "%s: must be an object like "
			    "{\"%s\": false}", fs->object, fs->name);
			return -1;
		}
		if (strict && flags_known(o, fs->object, err, errlen) != 0)
			return -1;
		if (!json_object_object_get_ex(o, fs->name, &v))
			continue;
		if (v != NULL && !json_object_is_type(v, json_type_boolean)) {
			snprintf(err, errlen, "%s.%s: must be true or false (or "
			    "null for the default, false)", fs->object,
			    fs->name);
			return -1;
		}
		*slot = v == NULL ? 0 : json_object_get_boolean(v) ? 2 : 1;
	}
	return 0;
}

/* {"object": {"name": value}} members for each flag (`effective`: all). */
static void
add_flags(struct json_object *obj, const struct store_realm *realm,
    const struct settings *eff)
{
	for (size_t i = 0; i < NFLAG; i++) {
		const struct flag_setting *fs = &flag_settings[i];
		int v;
		struct json_object *o;

		if (eff != NULL)
			v = *(const int *)((const char *)eff + fs->eff_offset);
		else if ((v = *(const int *)((const char *)realm +
		    fs->offset)) == 0)
			continue;
		else
			v = v == 2;
		o = json_object_new_object();
		json_object_object_add(o, fs->name,
		    json_object_new_boolean(v));
		json_object_object_add(obj, fs->object, o);
	}
}

/* "mfa": {"phone", "totp"}; `strict`: nothing else in it. */
static int
parse_mfa(struct json_object *obj, struct store_realm *realm, int strict,
    char *err, size_t errlen)
{
	struct json_object *mfa;
	int phone = -1, totp = -1;
	struct reqparse_field mf[] = {
		{ "phone", RP_BOOL, &phone },
		{ "totp", RP_BOOL, &totp },
	};
	char reason[200];

	if (!json_object_object_get_ex(obj, "mfa", &mfa) || mfa == NULL)
		return 0;
	if (!json_object_is_type(mfa, json_type_object)) {
		snprintf(err, errlen, "mfa: must be an object like "
		    "{\"phone\": true, \"totp\": true}");
		return -1;
	}
	if (strict && reqparse_fields_known(mfa, "mfa", mf, 2, err,
	    errlen) != 0)
		return -1;
	if (reqparse_fields(mfa, NULL, mf, 2, reason, sizeof(reason))) {
		const char *at = strstr(reason, "Invalid value at ");

		snprintf(err, errlen, "mfa: %s (phone and totp are "
		    "true or false)", at ? at : reason);
		return -1;
	}
	if (phone >= 0)
		realm->mfa_phone = phone;
	if (totp >= 0)
		realm->mfa_totp = totp;
	return 0;
}

/* The integer settings of `obj` present (null: unset). */
static int
parse_ints(struct json_object *obj, struct store_realm *realm, char *err,
    size_t errlen)
{
	struct json_object *v;

	for (size_t i = 0; i < NINT; i++) {
		const struct int_setting *is = &int_settings[i];
		int *slot = (int *)((char *)realm + is->offset);
		int64_t n;

		if (!json_object_object_get_ex(obj, is->name, &v))
			continue;
		if (v == NULL) {
			*slot = 0;
			continue;
		}
		errno = 0;
		n = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || n < is->min ||
		    n > is->max) {
			snprintf(err, errlen, "%s: must be an integer from %d "
			    "to %d (or null for the default)", is->name,
			    is->min, is->max);
			return -1;
		}
		*slot = (int)n + is->stored_plus_one;
	}
	return 0;
}

static int
parse_all(struct json_object *obj, struct store_realm *realm, int strict,
    char *err, size_t errlen)
{
	if (parse_mfa(obj, realm, strict, err, errlen) != 0 ||
	    parse_ints(obj, realm, err, errlen) != 0 ||
	    parse_alg(obj, realm, err, errlen) != 0 ||
	    parse_project_number(obj, realm, err, errlen) != 0)
		return -1;
	return parse_flags(obj, realm, strict, err, errlen);
}

int
settings_parse(struct json_object *obj, struct store_realm *realm, char *err,
    size_t errlen)
{
	return parse_all(obj, realm, 1, err, errlen);
}

int
settings_parse_lax(struct json_object *obj, struct store_realm *realm,
    char *err, size_t errlen)
{
	return parse_all(obj, realm, 0, err, errlen);
}

/* Most top-level members a settings object may have. */
#define KEYS_MAX 32

int
settings_known(struct json_object *obj, const char *const *extra, char *err,
    size_t errlen)
{
	const char *names[KEYS_MAX];
	size_t n = 0;

	names[n++] = "mfa";
	for (size_t i = 0; i < NINT; i++)
		names[n++] = int_settings[i].name;
	names[n++] = "idTokenAlg";
	names[n++] = "projectNumber";
	for (size_t i = 0; i < NFLAG; i++) {
		size_t j;

		for (j = 0; j < i && strcmp(flag_settings[j].object,
		    flag_settings[i].object) != 0; j++)
			;
		if (j == i)
			names[n++] = flag_settings[i].object;
	}
	for (; extra != NULL && *extra != NULL && n < KEYS_MAX; extra++)
		names[n++] = *extra;
	return reqparse_names_known(obj, NULL, names, n, err, errlen);
}

void
settings_add_json(struct json_object *obj, const struct store_realm *realm)
{
	struct json_object *mfa = json_object_new_object();

	json_object_object_add(mfa, "phone",
	    json_object_new_boolean(realm->mfa_phone));
	json_object_object_add(mfa, "totp",
	    json_object_new_boolean(realm->mfa_totp));
	json_object_object_add(obj, "mfa", mfa);
	for (size_t i = 0; i < NINT; i++) {
		const struct int_setting *is = &int_settings[i];
		int v = *(const int *)((const char *)realm + is->offset);

		if (v != 0)
			json_object_object_add(obj, is->name,
			    json_object_new_int(v - is->stored_plus_one));
	}
	if (realm->id_token_alg[0] != '\0')
		json_object_object_add(obj, "idTokenAlg",
		    json_object_new_string(realm->id_token_alg));
	if (realm->project_number[0] != '\0')
		json_object_object_add(obj, "projectNumber",
		    json_object_new_string(realm->project_number));
	add_flags(obj, realm, NULL);
}

struct json_object *
settings_effective_json(const struct settings *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *mfa = json_object_new_object();

	json_object_object_add(mfa, "phone",
	    json_object_new_boolean(s->mfa_phone));
	json_object_object_add(mfa, "totp",
	    json_object_new_boolean(s->mfa_totp));
	json_object_object_add(o, "mfa", mfa);
	json_object_object_add(o, "smsCodeTtlSeconds",
	    json_object_new_int64(s->sms_code_ttl));
	json_object_object_add(o, "smsCodeLength",
	    json_object_new_int64(s->sms_code_length));
	json_object_object_add(o, "maxAttempts",
	    json_object_new_int64(s->max_attempts));
	json_object_object_add(o, "pendingCredentialTtlSeconds",
	    json_object_new_int64(s->credential_ttl));
	json_object_object_add(o, "totpAdjacentIntervals",
	    json_object_new_int64(s->totp_window));
	/* null: each code type keeps Google's lifetime (oob_common.c). */
	json_object_object_add(o, "oobCodeTtlSeconds", s->oob_code_ttl ?
	    json_object_new_int64(s->oob_code_ttl) : NULL);
	json_object_object_add(o, "idTokenAlg",
	    json_object_new_string(s->id_token_alg));
	if (s->project_number[0] != '\0')
		json_object_object_add(o, "projectNumber",
		    json_object_new_string(s->project_number));
	add_flags(o, NULL, s);
	return o;
}
