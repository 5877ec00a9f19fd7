#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base32.h"
#include "clock.h"
#include "emu.h"
#include "fixtures.h"
#include "password.h"
#include "reqparse.h"
#include "settings.h"
#include "sms_code.h"
#include "store.h"
#include "totp.h"

#define FIXTURE_MAX_FILE (256u << 20)

/* Load state: where we are in the document, for error messages. */
struct load {
	struct emu *emu;
	const char *source;
	const char *project;
	int64_t now;
	struct fixtures_counts *counts;
	/*
	 * A localId given twice: a user this document inserted has a row id
	 * above stored_max_id; one it skipped as already stored goes in
	 * seen_skipped ("tenant/localId"), so only re-loads pay for a set.
	 */
	int64_t stored_max_id;
	struct json_object *seen_skipped;
	struct json_object *tenants;		/* set of declared tenant ids */
	char *err;
	size_t errlen;
};

static int
fail(struct load *ld, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct load *ld, const char *path, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errlen, "%s: %s: %s", ld->source, path, reason);
	return -1;
}

static int
store_fail(struct load *ld, const char *path)
{
	return fail(ld, path, "store error: %s", store_errmsg(ld->emu->store));
}

/* Type-check a table of fields at `path`. */
static int
fields(struct load *ld, struct json_object *obj, const char *path,
    const struct reqparse_field *f, size_t n)
{
	char reason[256];

	if (!json_object_is_type(obj, json_type_object))
		return fail(ld, path, "expected an object");
	if (reqparse_fields(obj, NULL, f, n, reason, sizeof(reason)) == 0)
		return 0;
	/* reqparse names the field; keep just that part. */
	{
		const char *at = strstr(reason, "Invalid value at ");

		return fail(ld, path, "%s", at ? at : reason);
	}
}

static int
check_len(struct load *ld, const char *path, const char *field,
    const char *v, size_t max)
{
	if (v != NULL && strlen(v) > max)
		return fail(ld, path, "%s is longer than %zu characters",
		    field, max);
	return 0;
}

/* Standard base64 (as exports write hashes) into out; -1 if invalid. */
static ssize_t
b64_decode(const char *in, uint8_t *out, size_t cap)
{
	size_t n = strlen(in), pad = 0;
	uint8_t buf[128];
	int got;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(buf))
		return -1;
	got = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (got < 0)
		return -1;
	if (in[n - 1] == '=')
		pad++;
	if (in[n - 2] == '=')
		pad++;
	if ((size_t)got - pad > cap)
		return -1;
	memcpy(out, buf, (size_t)got - pad);
	return (ssize_t)((size_t)got - pad);
}

/*
 * An optional time member: RFC 3339 text into *ms. Returns 0 (absent
 * leaves *ms alone) or -1 after reporting the error.
 */
static int
opt_time(struct load *ld, const char *path, const char *name,
    const char *v, int64_t *ms)
{
	if (v == NULL)
		return 0;
	if (clock_parse_rfc3339(v, ms) != 0)
		return fail(ld, path, "%s '%.40s' is not an RFC 3339 time (like "
		    "2026-01-01T00:00:00Z)", name, v);
	return 0;
}

static int
valid_tenant_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > STORE_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* localIds and enrollment ids: printable ASCII, no '/' or spaces. */
static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > STORE_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/')
			return 0;
	}
	return 1;
}

static int
apply_test_numbers(struct load *ld, struct json_object *numbers,
    const char *path, const char *tenant)
{
	char p[300];

	if (numbers == NULL)
		return 0;
	if (!json_object_is_type(numbers, json_type_object))
		return fail(ld, path, "expected an object of phone number to "
		    "code");
	json_object_object_foreach(numbers, phone, code) {
		snprintf(p, sizeof(p), "%.200s[\"%.40s\"]", path, phone);
		if (!sms_code_valid_phone(phone))
			return fail(ld, p, "'%s' is not an E.164 phone number "
			    "(like +15555550100)", phone);
		if (!json_object_is_type(code, json_type_string) ||
		    !sms_code_valid_code(json_object_get_string(code)))
			return fail(ld, p, "the code must be a string of 6 "
			    "digits");
		if (store_test_phone_put(ld->emu->store, ld->project, tenant,
		    phone, json_object_get_string(code)) != STORE_OK)
			return store_fail(ld, p);
		ld->counts->test_numbers++;
	}
	return 0;
}

/*
 * A realm's settings (members of `obj`, the document or a tenant entry)
 * and its test phone numbers.
 */
static int
apply_realm(struct load *ld, const char *tenant, struct json_object *obj,
    struct json_object *numbers, const char *path)
{
	struct store_realm realm;
	char p[300], reason[256];
	int r;

	r = store_realm_get(ld->emu->store, ld->project, tenant, &realm);
	if (r == STORE_NOT_FOUND) {
		memset(&realm, 0, sizeof(realm));
		strcpy(realm.project_id, ld->project);
		strcpy(realm.tenant_id, tenant);
		realm.mfa_phone = realm.mfa_totp = 1;
	} else if (r != STORE_OK) {
		return store_fail(ld, path);
	}
	if (settings_parse(obj, &realm, reason, sizeof(reason)) != 0) {
		char *sep = strstr(reason, ": ");

		*sep = '\0';
		snprintf(p, sizeof(p), "%.200s.%.60s", path, reason);
		return fail(ld, p, "%s", sep + 2);
	}
	if (store_realm_put(ld->emu->store, &realm) != STORE_OK)
		return store_fail(ld, path);
	if (*tenant != '\0')
		ld->counts->realms++;
	snprintf(p, sizeof(p), "%.200s.testPhoneNumbers", path);
	return apply_test_numbers(ld, numbers, p, tenant);
}

static int
apply_tenants(struct load *ld, struct json_object *tenants, const char *base)
{
	char path[128];

	if (tenants == NULL)
		return 0;
	for (size_t i = 0; i < json_object_array_length(tenants); i++) {
		struct json_object *t = json_object_array_get_idx(tenants, i);
		const char *id = NULL;
		struct json_object *mfa = NULL, *numbers = NULL;
		struct reqparse_field f[] = {
			{ "tenantId", RP_STRING, &id },
			{ "mfa", RP_OBJECT, &mfa },
			{ "testPhoneNumbers", RP_OBJECT, &numbers },
		};

		snprintf(path, sizeof(path), "%s.tenants[%zu]", base, i);
		if (fields(ld, t, path, f, 3))
			return -1;
		if (id == NULL)
			return fail(ld, path, "tenantId is required");
		if (!valid_tenant_id(id))
			return fail(ld, path, "tenantId '%s' must be 1-%d "
			    "letters, digits, '-' or '_'", id, STORE_ID_MAX);
		if (apply_realm(ld, id, t, numbers, path))
			return -1;
		json_object_object_add(ld->tenants, id, NULL);
	}
	return 0;
}

/* The tenant a user or credential names must be declared or stored. */
static int
known_tenant(struct load *ld, const char *tenant, const char *path)
{
	struct store_realm realm;
	int r;

	if (*tenant == '\0' || json_object_object_get_ex(ld->tenants, tenant,
	    NULL))
		return 0;
	r = store_realm_get(ld->emu->store, ld->project, tenant, &realm);
	if (r == STORE_OK)
		return 0;
	if (r == STORE_NOT_FOUND)
		return fail(ld, path, "tenantId '%s' is not declared in "
		    "$.tenants", tenant);
	return store_fail(ld, path);
}

static int
parse_totp(struct load *ld, struct json_object *info, const char *path,
    struct store_enrollment *e)
{
	const char *secret = NULL, *alg = NULL;
	int64_t digits = 6, period = 30;
	ssize_t n;
	struct reqparse_field f[] = {
		{ "sharedSecretKey", RP_STRING, &secret },
		{ "hashingAlgorithm", RP_STRING, &alg },
		{ "verificationCodeLength", RP_INT, &digits },
		{ "periodSec", RP_INT, &period },
	};

	if (fields(ld, info, path, f, 4))
		return -1;
	if (secret == NULL)
		return fail(ld, path, "sharedSecretKey (the base32 secret) is "
		    "required");
	n = base32_decode(secret, e->totp_secret, sizeof(e->totp_secret));
	if (n < 10)
		return fail(ld, path, "sharedSecretKey must be base32 of "
		    "10-%d bytes", TOTP_MAX_SECRET);
	e->totp_secret_len = (size_t)n;
	e->totp_alg = TOTP_SHA1;
	if (alg != NULL && totp_alg_parse(alg, &e->totp_alg))
		return fail(ld, path, "hashingAlgorithm '%s' must be SHA1, "
		    "SHA256 or SHA512", alg);
	if (digits < TOTP_MIN_DIGITS || digits > TOTP_MAX_DIGITS)
		return fail(ld, path, "verificationCodeLength must be 6-8");
	if (period < 15 || period > 300)
		return fail(ld, path, "periodSec must be 15-300");
	e->totp_digits = (int)digits;
	e->totp_period = (int)period;
	e->kind = STORE_FACTOR_TOTP;
	return 0;
}

static int
apply_enrollment(struct load *ld, struct store_user *u,
    struct json_object *m, const char *path, size_t index)
{
	struct store_enrollment e;
	const char *id = NULL, *name = NULL, *at = NULL, *phone = NULL;
	struct json_object *totp = NULL;
	struct reqparse_field f[] = {
		{ "mfaEnrollmentId", RP_STRING, &id },
		{ "displayName", RP_STRING, &name },
		{ "enrolledAt", RP_STRING, &at },
		{ "phoneInfo", RP_STRING, &phone },
		{ "totpInfo", RP_OBJECT, &totp },
	};
	char p[300];
	int r;

	if (fields(ld, m, path, f, 5))
		return -1;
	memset(&e, 0, sizeof(e));
	e.user_id = u->id;
	if (id == NULL) {
		/* Firebase exports may omit it; make a stable one. */
		snprintf(e.enrollment_id, sizeof(e.enrollment_id), "%.100s-%zu",
		    u->local_id, index);
	} else if (!valid_id(id)) {
		return fail(ld, path, "mfaEnrollmentId must be 1-%d printable "
		    "characters without spaces or '/'", STORE_ID_MAX);
	} else {
		strcpy(e.enrollment_id, id);
	}
	if (check_len(ld, path, "displayName", name, STORE_TEXT_MAX))
		return -1;
	if (name != NULL)
		strcpy(e.display_name, name);
	e.enrolled_at = ld->now;
	if (at != NULL && clock_parse_rfc3339(at, &e.enrolled_at))
		return fail(ld, path, "enrolledAt '%s' is not an RFC 3339 time "
		    "(like 2026-01-01T00:00:00Z)", at);
	if ((phone == NULL) == (totp == NULL))
		return fail(ld, path, "give exactly one of phoneInfo and "
		    "totpInfo");
	if (phone != NULL) {
		if (!sms_code_valid_phone(phone))
			return fail(ld, path, "phoneInfo '%s' is not an E.164 "
			    "phone number (like +15555550100)", phone);
		e.kind = STORE_FACTOR_PHONE;
		strcpy(e.phone_number, phone);
	} else {
		snprintf(p, sizeof(p), "%.200s.totpInfo", path);
		if (parse_totp(ld, totp, p, &e))
			return -1;
	}
	r = store_enrollment_insert(ld->emu->store, &e);
	OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
	if (r == STORE_EXISTS)
		return fail(ld, path, "mfaEnrollmentId '%s' appears twice for "
		    "this user", e.enrollment_id);
	if (r != STORE_OK)
		return store_fail(ld, path);
	ld->counts->enrollments++;
	return 0;
}

int
fixtures_add_enrollments(struct emu *emu, const struct store_user *u,
    struct json_object *mfa_info, char *err, size_t errlen)
{
	struct store_user copy = *u;
	struct fixtures_counts counts;
	struct load ld = {
		.emu = emu, .source = "mfa.enrollments", .counts = &counts,
		.now = clock_now_ms(&emu->clock), .err = err, .errlen = errlen,
		.project = u->project_id,
	};
	char path[32];

	memset(&counts, 0, sizeof(counts));
	if (!json_object_is_type(mfa_info, json_type_array)) {
		snprintf(err, errlen, "expected an array");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(mfa_info); i++) {
		snprintf(path, sizeof(path), "[%zu]", i);
		if (apply_enrollment(&ld, &copy,
		    json_object_array_get_idx(mfa_info, i), path, i) != 0) {
			/* Drop the "mfa.enrollments: " source prefix. */
			const char *at = strstr(err, ": ");

			if (at != NULL)
				memmove(err, at + 2, strlen(at + 2) + 1);
			return -1;
		}
	}
	return 0;
}

static int
apply_user(struct load *ld, struct json_object *obj, const char *path)
{
	struct store_user u, existing;
	const char *local_id = NULL, *email = NULL, *password = NULL,
	    *name = NULL, *phone = NULL, *tenant = "", *hash64 = NULL,
	    *salt64 = NULL;
	int verified = 0, disabled = 0;
	int64_t created = 0, valid_since = 0;
	struct json_object *mfa = NULL;
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &local_id },
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "passwordHash", RP_STRING, &hash64 },
		{ "salt", RP_STRING, &salt64 },
		{ "createdAt", RP_INT, &created },
		{ "validSince", RP_INT, &valid_since },
		{ "displayName", RP_STRING, &name },
		{ "phoneNumber", RP_STRING, &phone },
		{ "emailVerified", RP_BOOL, &verified },
		{ "disabled", RP_BOOL, &disabled },
		{ "tenantId", RP_STRING, &tenant },
		{ "mfaInfo", RP_ARRAY, &mfa },
	};
	uint8_t salt[64], hash[64];
	ssize_t saltlen = 0, hashlen = 0;
	char key[STORE_ID_MAX * 2 + 2], p[300];
	int r;

	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])))
		return -1;
	if (password != NULL && (hash64 != NULL || salt64 != NULL))
		return fail(ld, path, "give password or passwordHash and salt, "
		    "not both");
	if ((hash64 == NULL) != (salt64 == NULL))
		return fail(ld, path, "passwordHash and salt go together");
	if (hash64 != NULL &&
	    ((hashlen = b64_decode(hash64, hash, sizeof(hash))) !=
	    PASSWORD_HASH_LEN ||
	    (saltlen = b64_decode(salt64, salt, sizeof(salt))) <= 0))
		return fail(ld, path, "passwordHash and salt must be base64 "
		    "as mfaemu exports them (a %d-byte salted SHA-256)",
		    PASSWORD_HASH_LEN);
	if (created < 0 || valid_since < 0 || valid_since > INT64_MAX / 1000)
		return fail(ld, path, "createdAt (ms) and validSince (s) must "
		    "be non-negative");
	if (local_id == NULL)
		return fail(ld, path, "localId is required");
	if (!valid_id(local_id))
		return fail(ld, path, "localId must be 1-%d printable "
		    "characters without spaces or '/'", STORE_ID_MAX);
	if (check_len(ld, path, "email", email, STORE_TEXT_MAX) ||
	    check_len(ld, path, "displayName", name, STORE_TEXT_MAX) ||
	    check_len(ld, path, "password", password, 4096))
		return -1;
	if (email != NULL && strchr(email, '@') == NULL)
		return fail(ld, path, "email '%s' has no '@'", email);
	if (phone != NULL && !sms_code_valid_phone(phone))
		return fail(ld, path, "phoneNumber '%s' is not an E.164 phone "
		    "number (like +15555550100)", phone);
	if (known_tenant(ld, tenant, path))
		return -1;

	r = store_user_find(ld->emu->store, ld->project, tenant, local_id,
	    &existing);
	if (r == STORE_OK) {
		snprintf(key, sizeof(key), "%s/%s", tenant, local_id);
		if (existing.id > ld->stored_max_id ||
		    json_object_object_get_ex(ld->seen_skipped, key, NULL))
			return fail(ld, path, "localId '%s' appears twice",
			    local_id);
		json_object_object_add(ld->seen_skipped, key, NULL);
		ld->counts->skipped++;
		return 0;
	}
	if (r != STORE_NOT_FOUND)
		return store_fail(ld, path);

	memset(&u, 0, sizeof(u));
	strcpy(u.project_id, ld->project);
	strcpy(u.tenant_id, tenant);
	strcpy(u.local_id, local_id);
	if (email != NULL)
		strcpy(u.email, email);
	if (name != NULL)
		strcpy(u.display_name, name);
	if (phone != NULL)
		strcpy(u.phone_number, phone);
	u.email_verified = verified;
	u.disabled = disabled;
	u.created_at = created ? created : ld->now;
	u.valid_since = valid_since * 1000;
	if (password != NULL) {
		if (password_hash(password, salt, hash))
			return fail(ld, path, "cannot hash the password");
		saltlen = PASSWORD_SALT_LEN;
		hashlen = PASSWORD_HASH_LEN;
	}
	r = store_user_insert(ld->emu->store, &u, hashlen ? salt : NULL,
	    (size_t)saltlen, hashlen ? hash : NULL, (size_t)hashlen);
	if (r == STORE_EXISTS)
		return fail(ld, path, "email '%s' is already used by another "
		    "user", email ? email : "");
	if (r != STORE_OK)
		return store_fail(ld, path);
	ld->counts->users++;

	for (size_t i = 0; mfa != NULL && i < json_object_array_length(mfa);
	    i++) {
		snprintf(p, sizeof(p), "%.200s.mfaInfo[%zu]", path, i);
		if (apply_enrollment(ld, &u, json_object_array_get_idx(mfa, i),
		    p, i))
			return -1;
	}
	return 0;
}

static int
apply_credential(struct load *ld, struct json_object *obj, const char *path)
{
	struct store_credential c, existing;
	struct store_user u;
	const char *value = NULL, *local_id = NULL, *tenant = "",
	    *provider = NULL, *create_time = NULL, *expire_time = NULL,
	    *used_time = NULL;
	int64_t expires_in = 0, failed = 0, created = ld->now, expires = 0,
	    used = 0;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &value },
		{ "localId", RP_STRING, &local_id },
		{ "tenantId", RP_STRING, &tenant },
		{ "expiresIn", RP_INT, &expires_in },
		{ "signInProvider", RP_STRING, &provider },
		{ "createTime", RP_STRING, &create_time },
		{ "expireTime", RP_STRING, &expire_time },
		{ "usedTime", RP_STRING, &used_time },
		{ "failedAttempts", RP_INT, &failed },
	};
	int r;

	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])) ||
	    opt_time(ld, path, "createTime", create_time, &created) ||
	    opt_time(ld, path, "expireTime", expire_time, &expires) ||
	    opt_time(ld, path, "usedTime", used_time, &used))
		return -1;
	if (expire_time != NULL && json_object_object_get_ex(obj, "expiresIn",
	    NULL))
		return fail(ld, path, "give expiresIn or expireTime, not both");
	if (failed < 0 || failed > 1000000)
		return fail(ld, path, "failedAttempts must be 0-1000000");
	if (value == NULL || local_id == NULL)
		return fail(ld, path, "mfaPendingCredential and localId are "
		    "required");
	if (!valid_id(value) && !(strlen(value) <= STORE_TOKEN_MAX &&
	    strlen(value) > STORE_ID_MAX))
		return fail(ld, path, "mfaPendingCredential must be 1-%d "
		    "printable characters without spaces", STORE_TOKEN_MAX);
	if (expires_in < 0 || expires_in > 10LL * 365 * 86400 ||
	    (expires_in == 0 && json_object_object_get_ex(obj, "expiresIn",
	    NULL)))
		return fail(ld, path, "expiresIn must be 1-315360000 seconds");
	if (provider != NULL && (strlen(provider) == 0 ||
	    strlen(provider) > 32))
		return fail(ld, path, "signInProvider must be 1-32 characters");
	if (known_tenant(ld, tenant, path))
		return -1;
	if (expires_in == 0 && expire_time == NULL) {
		struct store_realm realm;
		struct settings set;

		if (store_realm_get(ld->emu->store, ld->project, tenant,
		    &realm) != STORE_OK)
			return store_fail(ld, path);
		settings_effective(&ld->emu->cfg, &realm, &set);
		expires_in = set.credential_ttl;
	}
	r = store_user_find(ld->emu->store, ld->project, tenant, local_id, &u);
	if (r == STORE_NOT_FOUND)
		return fail(ld, path, "no user with localId '%s'%s%s", local_id,
		    *tenant ? " in tenant " : "", tenant);
	if (r != STORE_OK)
		return store_fail(ld, path);
	r = store_credential_get(ld->emu->store, value, &existing);
	if (r == STORE_OK) {
		if (existing.user_id != u.id)
			return fail(ld, path, "mfaPendingCredential '%s' "
			    "already belongs to another user", value);
		ld->counts->skipped++;
		return 0;
	}
	if (r != STORE_NOT_FOUND)
		return store_fail(ld, path);
	memset(&c, 0, sizeof(c));
	strcpy(c.credential, value);
	c.user_id = u.id;
	strcpy(c.project_id, ld->project);
	strcpy(c.tenant_id, tenant);
	strcpy(c.sign_in_provider, provider ? provider : "password");
	c.created_at = created;
	c.expires_at = expire_time ? expires : created + expires_in * 1000;
	c.used_at = used;
	c.failed_attempts = (int)failed;
	if (store_credential_insert(ld->emu->store, &c) != STORE_OK)
		return store_fail(ld, path);
	ld->counts->credentials++;
	return 0;
}

static int
apply_session(struct load *ld, struct json_object *obj, const char *path)
{
	struct store_sms_session x, existing;
	struct store_credential c;
	struct store_enrollment e;
	const char *info = NULL, *cred = NULL, *enr = NULL, *phone = NULL,
	    *code = NULL, *create_time = NULL, *expire_time = NULL,
	    *consumed_time = NULL;
	int64_t attempts = 0;
	struct reqparse_field f[] = {
		{ "sessionInfo", RP_STRING, &info },
		{ "mfaPendingCredential", RP_STRING, &cred },
		{ "mfaEnrollmentId", RP_STRING, &enr },
		{ "phoneNumber", RP_STRING, &phone },
		{ "code", RP_STRING, &code },
		{ "createTime", RP_STRING, &create_time },
		{ "expireTime", RP_STRING, &expire_time },
		{ "consumedTime", RP_STRING, &consumed_time },
		{ "attempts", RP_INT, &attempts },
	};
	int r;

	memset(&x, 0, sizeof(x));
	x.created_at = ld->now;
	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])) ||
	    opt_time(ld, path, "createTime", create_time, &x.created_at) ||
	    opt_time(ld, path, "expireTime", expire_time, &x.expires_at) ||
	    opt_time(ld, path, "consumedTime", consumed_time, &x.consumed_at))
		return -1;
	if (info == NULL || cred == NULL || enr == NULL || code == NULL ||
	    expire_time == NULL)
		return fail(ld, path, "sessionInfo, mfaPendingCredential, "
		    "mfaEnrollmentId, code and expireTime are required");
	if (strlen(info) > STORE_TOKEN_MAX || strlen(code) > STORE_CODE_MAX ||
	    strspn(code, "0123456789") != strlen(code) || strlen(code) < 4)
		return fail(ld, path, "sessionInfo is too long or code is not "
		    "4-8 digits");
	if (attempts < 0 || attempts > 1000000)
		return fail(ld, path, "attempts must be 0-1000000");
	r = store_credential_get(ld->emu->store, cred, &c);
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    strcmp(c.project_id, ld->project) != 0))
		return fail(ld, path, "mfaPendingCredential '%.64s' is not in "
		    "this project", cred);
	if (r != STORE_OK)
		return store_fail(ld, path);
	r = store_enrollment_get(ld->emu->store, c.user_id, enr, &e);
	OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    e.kind != STORE_FACTOR_PHONE))
		return fail(ld, path, "mfaEnrollmentId '%.64s' is not a phone "
		    "factor of the credential's user", enr);
	if (r != STORE_OK)
		return store_fail(ld, path);
	if (phone != NULL && strcmp(phone, e.phone_number) != 0)
		return fail(ld, path, "phoneNumber is not the enrollment's");
	r = store_sms_get(ld->emu->store, info, &existing);
	if (r == STORE_OK) {
		ld->counts->skipped++;
		return 0;
	}
	if (r != STORE_NOT_FOUND)
		return store_fail(ld, path);
	strcpy(x.session_info, info);
	strcpy(x.credential, c.credential);
	x.enrollment = e.id;
	strcpy(x.phone_number, e.phone_number);
	strcpy(x.code, code);
	x.attempts = (int)attempts;
	if (store_sms_insert(ld->emu->store, &x) != STORE_OK)
		return store_fail(ld, path);
	ld->counts->sessions++;
	return 0;
}

/* One project's document (the top level, or an entry of "projects"). */
static int
apply_project(struct emu *emu, const char *source, struct json_object *doc,
    const char *base, struct fixtures_counts *counts, char *err,
    size_t errlen)
{
	const char *project = NULL;
	struct json_object *mfa = NULL, *numbers = NULL, *tenants = NULL,
	    *users = NULL, *creds = NULL, *sessions = NULL;
	struct reqparse_field f[] = {
		{ "projectId", RP_STRING, &project },
		{ "mfa", RP_OBJECT, &mfa },
		{ "testPhoneNumbers", RP_OBJECT, &numbers },
		{ "tenants", RP_ARRAY, &tenants },
		{ "users", RP_ARRAY, &users },
		{ "pendingCredentials", RP_ARRAY, &creds },
		{ "smsSessions", RP_ARRAY, &sessions },
	};
	struct load ld = {
		.emu = emu, .source = source, .counts = counts,
		.now = clock_now_ms(&emu->clock), .err = err, .errlen = errlen,
	};
	char path[128];
	int rc = -1;

	if (fields(&ld, doc, base, f, sizeof(f) / sizeof(f[0])))
		return -1;
	ld.project = project ? project : emu->cfg.project;
	if (!valid_id(ld.project)) {
		snprintf(path, sizeof(path), "%s.projectId", base);
		return fail(&ld, path, "must be 1-%d printable characters "
		    "without spaces or '/'", STORE_ID_MAX);
	}
	ld.seen_skipped = json_object_new_object();
	ld.tenants = json_object_new_object();
	if (ld.seen_skipped == NULL || ld.tenants == NULL) {
		fail(&ld, "$", "out of memory");
		goto out;
	}
	if (store_user_max_id(emu->store, &ld.stored_max_id) != STORE_OK) {
		store_fail(&ld, "$");
		goto out;
	}
	if (apply_realm(&ld, "", doc, numbers, base) ||
	    apply_tenants(&ld, tenants, base))
		goto out;
	for (size_t i = 0; users != NULL && i < json_object_array_length(users);
	    i++) {
		snprintf(path, sizeof(path), "%s.users[%zu]", base, i);
		if (apply_user(&ld, json_object_array_get_idx(users, i), path))
			goto out;
	}
	for (size_t i = 0; creds != NULL && i < json_object_array_length(creds);
	    i++) {
		snprintf(path, sizeof(path), "%s.pendingCredentials[%zu]", base,
		    i);
		if (apply_credential(&ld, json_object_array_get_idx(creds, i),
		    path))
			goto out;
	}
	for (size_t i = 0; sessions != NULL &&
	    i < json_object_array_length(sessions); i++) {
		snprintf(path, sizeof(path), "%s.smsSessions[%zu]", base, i);
		if (apply_session(&ld, json_object_array_get_idx(sessions, i),
		    path))
			goto out;
	}
	rc = 0;
out:
	json_object_put(ld.seen_skipped);
	json_object_put(ld.tenants);
	return rc;
}

int
fixtures_apply(struct emu *emu, const char *source, struct json_object *doc,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	struct json_object *projects;
	char base[40];

	/* An export: {"projects": [document, ...]}. */
	if (!json_object_object_get_ex(doc, "projects", &projects) ||
	    projects == NULL)
		return apply_project(emu, source, doc, "$", counts, err,
		    errlen);
	if (!json_object_is_type(projects, json_type_array)) {
		snprintf(err, errlen, "%s: $.projects: expected an array of "
		    "fixture documents", source);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(projects); i++) {
		struct json_object *p = json_object_array_get_idx(projects, i);

		snprintf(base, sizeof(base), "$.projects[%zu]", i);
		if (!json_object_is_type(p, json_type_object)) {
			snprintf(err, errlen, "%s: %s: expected an object",
			    source, base);
			return -1;
		}
		if (apply_project(emu, source, p, base, counts, err, errlen))
			return -1;
	}
	return 0;
}

static struct json_object *
read_doc(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct json_object *doc = NULL;
	char *buf = NULL, reason[256];
	size_t n = 0, cap = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > FIXTURE_MAX_FILE ||
			    (nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: larger than %u MiB",
				    path, FIXTURE_MAX_FILE >> 20);
				goto out;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	doc = reqparse_json(buf, n, reason, sizeof(reason));
	if (doc == NULL)
		snprintf(err, errlen, "%s: invalid JSON: %s", path,
		    reqparse_is_null_doc(reason) ? "null document" : reason);
	else if (!json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "%s: $: the document must be a JSON "
		    "object", path);
		json_object_put(doc);
		doc = NULL;
	}
out:
	fclose(f);
	free(buf);
	return doc;
}

int
fixtures_load_files(struct emu *emu, char *const *paths, size_t n,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	memset(counts, 0, sizeof(*counts));
	if (n == 0)
		return 0;
	if (store_begin(emu->store)) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *doc = read_doc(paths[i], err, errlen);
		int r;

		if (doc == NULL) {
			store_rollback(emu->store);
			return -1;
		}
		r = fixtures_apply(emu, paths[i], doc, counts, err, errlen);
		json_object_put(doc);
		if (r) {
			store_rollback(emu->store);
			return -1;
		}
	}
	if (store_commit(emu->store)) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	return 0;
}
