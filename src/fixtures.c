#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

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
	struct json_object *seen_users;		/* set of "tenant/localId" */
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
	ld->counts->realms++;
	snprintf(p, sizeof(p), "%.200s.testPhoneNumbers", path);
	return apply_test_numbers(ld, numbers, p, tenant);
}

static int
apply_tenants(struct load *ld, struct json_object *tenants)
{
	char path[64];

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

		snprintf(path, sizeof(path), "$.tenants[%zu]", i);
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

static int
apply_user(struct load *ld, struct json_object *obj, const char *path)
{
	struct store_user u, existing;
	const char *local_id = NULL, *email = NULL, *password = NULL,
	    *name = NULL, *phone = NULL, *tenant = "";
	int verified = 0, disabled = 0;
	struct json_object *mfa = NULL;
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &local_id },
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "displayName", RP_STRING, &name },
		{ "phoneNumber", RP_STRING, &phone },
		{ "emailVerified", RP_BOOL, &verified },
		{ "disabled", RP_BOOL, &disabled },
		{ "tenantId", RP_STRING, &tenant },
		{ "mfaInfo", RP_ARRAY, &mfa },
	};
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
	char key[STORE_ID_MAX * 2 + 2], p[300];
	int r;

	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])))
		return -1;
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

	snprintf(key, sizeof(key), "%s/%s", tenant, local_id);
	if (json_object_object_get_ex(ld->seen_users, key, NULL))
		return fail(ld, path, "localId '%s' appears twice", local_id);
	json_object_object_add(ld->seen_users, key, NULL);

	r = store_user_find(ld->emu->store, ld->project, tenant, local_id,
	    &existing);
	if (r == STORE_OK) {
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
	u.created_at = ld->now;
	if (password != NULL && password_hash(password, salt, hash))
		return fail(ld, path, "cannot hash the password");
	r = store_user_insert(ld->emu->store, &u, password ? salt : NULL,
	    sizeof(salt), password ? hash : NULL, sizeof(hash));
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
	    *provider = NULL;
	int64_t expires_in = 0;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &value },
		{ "localId", RP_STRING, &local_id },
		{ "tenantId", RP_STRING, &tenant },
		{ "expiresIn", RP_INT, &expires_in },
		{ "signInProvider", RP_STRING, &provider },
	};
	int r;

	if (fields(ld, obj, path, f, 5))
		return -1;
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
	if (expires_in == 0) {
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
	c.created_at = ld->now;
	c.expires_at = ld->now + expires_in * 1000;
	if (store_credential_insert(ld->emu->store, &c) != STORE_OK)
		return store_fail(ld, path);
	ld->counts->credentials++;
	return 0;
}

int
fixtures_apply(struct emu *emu, const char *source, struct json_object *doc,
    struct fixtures_counts *counts, char *err, size_t errlen)
{
	const char *project = NULL;
	struct json_object *mfa = NULL, *numbers = NULL, *tenants = NULL,
	    *users = NULL, *creds = NULL;
	struct reqparse_field f[] = {
		{ "projectId", RP_STRING, &project },
		{ "mfa", RP_OBJECT, &mfa },
		{ "testPhoneNumbers", RP_OBJECT, &numbers },
		{ "tenants", RP_ARRAY, &tenants },
		{ "users", RP_ARRAY, &users },
		{ "pendingCredentials", RP_ARRAY, &creds },
	};
	struct load ld = {
		.emu = emu, .source = source, .counts = counts,
		.now = clock_now_ms(&emu->clock), .err = err, .errlen = errlen,
	};
	char path[64];
	int rc = -1;

	if (fields(&ld, doc, "$", f, sizeof(f) / sizeof(f[0])))
		return -1;
	ld.project = project ? project : emu->cfg.project;
	if (*ld.project == '\0' || strlen(ld.project) > STORE_ID_MAX)
		return fail(&ld, "$.projectId", "must be 1-%d characters",
		    STORE_ID_MAX);
	ld.seen_users = json_object_new_object();
	ld.tenants = json_object_new_object();
	if (ld.seen_users == NULL || ld.tenants == NULL) {
		fail(&ld, "$", "out of memory");
		goto out;
	}
	if (apply_realm(&ld, "", doc, numbers, "$") ||
	    apply_tenants(&ld, tenants))
		goto out;
	for (size_t i = 0; users != NULL && i < json_object_array_length(users);
	    i++) {
		snprintf(path, sizeof(path), "$.users[%zu]", i);
		if (apply_user(&ld, json_object_array_get_idx(users, i), path))
			goto out;
	}
	for (size_t i = 0; creds != NULL && i < json_object_array_length(creds);
	    i++) {
		snprintf(path, sizeof(path), "$.pendingCredentials[%zu]", i);
		if (apply_credential(&ld, json_object_array_get_idx(creds, i),
		    path))
			goto out;
	}
	rc = 0;
out:
	json_object_put(ld.seen_users);
	json_object_put(ld.tenants);
	return rc;
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
