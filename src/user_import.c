/* One user from JSON into the store, for fixtures, imports and the Admin API. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base32.h"
#include "clock.h"
#include "emu.h"
#include "id_token.h"
#include "password.h"
#include "phone.h"
#include "reqparse.h"
#include "store.h"
#include "totp.h"
#include "user_import.h"

/* A user's members as read from its JSON; strings borrowed from it. */
struct user_in {
	const char *local_id, *email, *password, *hash64, *salt64, *name,
	    *phone, *tenant, *photo, *refreshed, *claims;
	int verified, disabled, email_link;
	int claims_empty;		/* customAttributes "" or "{}" */
	bool replacing;			/* a stored user is being replaced */
	int64_t created, valid_since, last_login, password_updated;
	struct json_object *mfa, *providers;
};

/* The password as the store keeps it; hashlen 0 for none. */
struct user_password {
	uint8_t salt[64], hash[64];
	ssize_t saltlen, hashlen;
};

static int
fail(struct user_import_error *err, enum err_code code, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct user_import_error *err, enum err_code code, const char *path,
    const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	snprintf(err->path, sizeof(err->path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static int
store_fail(struct user_import *imp, const char *path,
    struct user_import_error *err)
{
	return fail(err, ERR_SERVICE_UNAVAILABLE, path, "store error: %s",
	    store_errmsg(imp->emu->store));
}

static int
check_fields(struct json_object *obj, const char *path,
    const struct reqparse_field *f, size_t n, struct user_import_error *err)
{
	char reason[256];
	const char *at;

	if (!json_object_is_type(obj, json_type_object))
		return fail(err, ERR_INVALID_ARGUMENT, path,
		    "expected an object");
	if (reqparse_fields(obj, NULL, f, n, reason, sizeof(reason)) == 0)
		return 0;
	/* reqparse names the field; keep just that part. */
	at = strstr(reason, "Invalid value at ");
	return fail(err, ERR_INVALID_ARGUMENT, path, "%s", at ? at : reason);
}

int
user_import_fields(struct json_object *obj, const struct reqparse_field *f,
    size_t n, struct user_import_error *err)
{
	return check_fields(obj, "", f, n, err);
}

static int
check_len(const char *path, const char *field, const char *v, size_t max,
    struct user_import_error *err)
{
	if (v != NULL && strlen(v) > max)
		return fail(err, ERR_INVALID_ARGUMENT, path,
		    "%s is longer than %zu characters", field, max);
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

int
user_import_valid_tenant_id(const char *s)
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

int
user_import_valid_id(const char *s)
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

void
user_import_error_text(const struct user_import_error *err,
    const char *base, char *out, size_t outlen)
{
	const char *path = err->path;
	/* "$.users[0]" and "mfaInfo[1]" join with a dot, "[1]" without. */
	const char *sep = *base != '\0' && *path != '\0' && *path != '[' ?
	    "." : "";

	if (*base == '\0' && *path == '\0')
		snprintf(out, outlen, "%s", err->detail);
	else
		snprintf(out, outlen, "%s%s%s: %s", base, sep, path,
		    err->detail);
}

int
user_import_begin(struct user_import *imp, struct emu *emu,
    const char *project, struct user_import_error *err)
{
	memset(imp, 0, sizeof(*imp));
	imp->emu = emu;
	imp->project = project;
	imp->now = clock_now_ms(&emu->clock);
	imp->seen_skipped = json_object_new_object();
	if (imp->seen_skipped == NULL)
		return fail(err, ERR_INTERNAL_ERROR, "", "out of memory");
	if (store_user_max_id(emu->store, &imp->stored_max_id) != STORE_OK)
		return store_fail(imp, "", err);
	return 0;
}

void
user_import_end(struct user_import *imp)
{
	json_object_put(imp->seen_skipped);
	imp->seen_skipped = NULL;
}

/* ------------------------------------------------------------ factors */

static int
read_totp(struct json_object *info, const char *path,
    struct store_enrollment *e, struct user_import_error *err)
{
	const char *secret = NULL, *alg = NULL;
	int64_t digits = 6, period = 30;
	ssize_t n;
	struct reqparse_field f[] = {
		{ "sharedSecretKey", RP_STRING, &secret, ERR_INVALID_ARGUMENT,
		    "sharedSecretKey (the base32 secret) is required" },
		{ "hashingAlgorithm", RP_STRING, &alg },
		{ "verificationCodeLength", RP_INT, &digits },
		{ "periodSec", RP_INT, &period },
	};

	if (check_fields(info, path, f, 4, err))
		return -1;
	n = base32_decode(secret, e->totp_secret, sizeof(e->totp_secret));
	if (n < 10)
		return fail(err, ERR_INVALID_ARGUMENT, path, "sharedSecretKey "
		    "must be base32 of 10-%d bytes", TOTP_MAX_SECRET);
	e->totp_secret_len = (size_t)n;
	e->totp_alg = TOTP_SHA1;
	if (alg != NULL && totp_alg_parse(alg, &e->totp_alg))
		return fail(err, ERR_INVALID_ARGUMENT, path, "hashingAlgorithm "
		    "'%s' must be SHA1, SHA256 or SHA512", alg);
	if (digits < TOTP_MIN_DIGITS || digits > TOTP_MAX_DIGITS)
		return fail(err, ERR_INVALID_ARGUMENT, path,
		    "verificationCodeLength must be 6-8");
	if (period < 15 || period > 300)
		return fail(err, ERR_INVALID_ARGUMENT, path,
		    "periodSec must be 15-300");
	e->totp_digits = (int)digits;
	e->totp_period = (int)period;
	e->kind = STORE_FACTOR_TOTP;
	return 0;
}

/* The factor itself: a phone number or a TOTP secret, exactly one. */
static int
read_factor(const char *phone, struct json_object *totp, const char *path,
    struct store_enrollment *e, struct user_import_error *err)
{
	char p[sizeof(err->path)];

	if ((phone == NULL) == (totp == NULL))
		return fail(err, ERR_INVALID_ARGUMENT, path, "give exactly one "
		    "of phoneInfo and totpInfo");
	if (totp != NULL) {
		snprintf(p, sizeof(p), "%.100s.totpInfo", path);
		return read_totp(totp, p, e, err);
	}
	if (!phone_valid(phone))
		return fail(err, ERR_INVALID_MFA_PHONE_NUMBER, path, "phoneInfo "
		    "'%s' is not an E.164 phone number (like +15555550100)",
		    phone);
	e->kind = STORE_FACTOR_PHONE;
	strcpy(e->phone_number, phone);
	return 0;
}

/* The enrollment id given, or (Firebase exports may omit it) a stable one. */
static int
read_enrollment_id(const char *id, const struct store_user *u, size_t index,
    const char *path, struct store_enrollment *e,
    struct user_import_error *err)
{
	if (id == NULL)
		snprintf(e->enrollment_id, sizeof(e->enrollment_id),
		    "%.100s-%zu", u->local_id, index);
	else if (!user_import_valid_id(id))
		return fail(err, ERR_INVALID_ARGUMENT, path, "mfaEnrollmentId "
		    "must be 1-%d printable characters without spaces or '/'",
		    STORE_ID_MAX);
	else
		strcpy(e->enrollment_id, id);
	return 0;
}

static int
read_enrollment(struct user_import *imp, const struct store_user *u,
    struct json_object *m, const char *path, size_t index,
    struct store_enrollment *e, struct user_import_error *err)
{
	const char *id = NULL, *name = NULL, *at = NULL, *phone = NULL;
	struct json_object *totp = NULL;
	struct reqparse_field f[] = {
		{ "mfaEnrollmentId", RP_STRING, &id },
		{ "displayName", RP_STRING, &name },
		{ "enrolledAt", RP_STRING, &at },
		{ "phoneInfo", RP_STRING, &phone },
		{ "totpInfo", RP_OBJECT, &totp },
	};

	memset(e, 0, sizeof(*e));
	e->user_id = u->id;
	e->enrolled_at = imp->now;
	if (check_fields(m, path, f, 5, err) ||
	    read_enrollment_id(id, u, index, path, e, err) ||
	    check_len(path, "displayName", name, STORE_TEXT_MAX, err))
		return -1;
	if (name != NULL)
		strcpy(e->display_name, name);
	if (at != NULL && clock_parse_rfc3339(at, &e->enrolled_at))
		return fail(err, ERR_INVALID_ARGUMENT, path, "enrolledAt '%s' is "
		    "not an RFC 3339 time (like 2026-01-01T00:00:00Z)", at);
	return read_factor(phone, totp, path, e, err);
}

/* Entries of `mfa` for user u; their paths are "<list>[i]". */
static int
add_enrollments(struct user_import *imp, const struct store_user *u,
    struct json_object *mfa, const char *list, struct user_import_error *err)
{
	struct store_enrollment e;
	char path[sizeof(err->path)];
	int r;

	for (size_t i = 0; mfa != NULL && i < json_object_array_length(mfa);
	    i++) {
		snprintf(path, sizeof(path), "%s[%zu]", list, i);
		if (read_enrollment(imp, u, json_object_array_get_idx(mfa, i),
		    path, i, &e, err) != 0) {
			OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
			return -1;
		}
		r = store_enrollment_insert(imp->emu->store, &e);
		OPENSSL_cleanse(e.totp_secret, sizeof(e.totp_secret));
		if (r == STORE_EXISTS)
			return fail(err, ERR_INVALID_ARGUMENT, path,
			    "mfaEnrollmentId '%s' appears twice for this user",
			    e.enrollment_id);
		if (r != STORE_OK)
			return store_fail(imp, path, err);
		imp->enrollments++;
	}
	return 0;
}

int
user_import_enrollments(struct user_import *imp, const struct store_user *u,
    struct json_object *mfa_info, struct user_import_error *err)
{
	if (!json_object_is_type(mfa_info, json_type_array))
		return fail(err, ERR_INVALID_ARGUMENT, "", "expected an array");
	return add_enrollments(imp, u, mfa_info, "", err);
}

/* ---------------------------------------------------------- providers */

/* One providerUserInfo entry into *p; -1 when it is malformed. */
static int
read_provider(struct json_object *o, const char *path,
    struct store_provider *p, struct user_import_error *err)
{
	const char *v[7] = { NULL };
	struct reqparse_field f[] = {
		{ "providerId", RP_STRING, &v[0], ERR_INVALID_ARGUMENT,
		    "providerId is required" },
		{ "rawId", RP_STRING, &v[1] },
		{ "federatedId", RP_STRING, &v[2] },
		{ "email", RP_STRING, &v[3] },
		{ "displayName", RP_STRING, &v[4] },
		{ "photoUrl", RP_STRING, &v[5] },
		{ "screenName", RP_STRING, &v[6] },
	};
	char *out[7] = { p->provider_id, p->raw_id, p->federated_id,
	    p->email, p->display_name, p->photo_url, p->screen_name };
	size_t cap[7] = { sizeof(p->provider_id), sizeof(p->raw_id),
	    sizeof(p->federated_id), sizeof(p->email),
	    sizeof(p->display_name), sizeof(p->photo_url),
	    sizeof(p->screen_name) };

	memset(p, 0, sizeof(*p));
	if (check_fields(o, path, f, 7, err))
		return -1;
	if (v[1] == NULL)	/* Google's exports may name it federatedId */
		v[1] = v[2];
	if (v[1] == NULL || *v[1] == '\0')
		return fail(err, ERR_INVALID_ARGUMENT, path, "rawId is "
		    "required");
	for (size_t i = 0; i < 7; i++) {
		if (v[i] != NULL && strlen(v[i]) >= cap[i])
			return fail(err, ERR_INVALID_ARGUMENT, path, "%s is "
			    "longer than %zu characters", f[i].name,
			    cap[i] - 1);
		if (v[i] != NULL)
			strcpy(out[i], v[i]);
	}
	return 0;
}

/*
 * The federated entries of providerUserInfo; "password" and "phone"
 * follow from the user's own email, password and phone number.
 */
static int
add_providers(struct user_import *imp, const struct store_user *u,
    struct json_object *list, struct user_import_error *err)
{
	struct store_provider p;
	char path[sizeof(err->path)];
	int r;

	for (size_t i = 0; list != NULL && i < json_object_array_length(list);
	    i++) {
		snprintf(path, sizeof(path), "providerUserInfo[%zu]", i);
		if (read_provider(json_object_array_get_idx(list, i), path, &p,
		    err) != 0)
			return -1;
		if (strcmp(p.provider_id, "password") == 0 ||
		    strcmp(p.provider_id, "phone") == 0)
			continue;
		r = store_provider_put(imp->emu->store, u, &p);
		if (r == STORE_EXISTS)
			return fail(err, ERR_INVALID_ARGUMENT, path, "%s user "
			    "'%s' is linked to another user already",
			    p.provider_id, p.raw_id);
		if (r != STORE_OK)
			return store_fail(imp, path, err);
	}
	return 0;
}

/* -------------------------------------------------------------- users */

/* Members only a file's user names; the Admin API's come from the call. */
static bool
file_only(const char *name)
{
	return strcmp(name, "localId") == 0 ||
	    strcmp(name, "validSince") == 0 || strcmp(name, "tenantId") == 0;
}

static int
read_user(struct json_object *obj, bool from_file, struct user_in *in,
    struct user_import_error *err)
{
	const struct reqparse_field all[] = {
		{ "localId", RP_STRING, &in->local_id, ERR_INVALID_ARGUMENT,
		    "localId is required" },
		{ "email", RP_STRING, &in->email },
		{ "password", RP_STRING, &in->password },
		{ "passwordHash", RP_STRING, &in->hash64 },
		{ "salt", RP_STRING, &in->salt64 },
		{ "createdAt", RP_INT, &in->created },
		{ "validSince", RP_INT, &in->valid_since },
		{ "displayName", RP_STRING, &in->name },
		{ "phoneNumber", RP_STRING, &in->phone },
		{ "emailVerified", RP_BOOL, &in->verified },
		{ "disabled", RP_BOOL, &in->disabled },
		{ "tenantId", RP_STRING, &in->tenant },
		{ "mfaInfo", RP_ARRAY, &in->mfa },
		{ "photoUrl", RP_STRING, &in->photo },
		{ "lastLoginAt", RP_INT, &in->last_login },
		{ "lastRefreshAt", RP_STRING, &in->refreshed },
		{ "passwordUpdatedAt", RP_INT, &in->password_updated },
		{ "emailLinkSignin", RP_BOOL, &in->email_link },
		{ "providerUserInfo", RP_ARRAY, &in->providers },
		{ "customAttributes", RP_STRING, &in->claims },
	};
	struct reqparse_field f[sizeof(all) / sizeof(all[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (from_file || !file_only(all[i].name))
			f[n++] = all[i];
	}
	return check_fields(obj, "", f, n, err);
}

/* A password, or a hash and salt as mfaemu exports them; not both. */
static int
read_password(const struct user_in *in, struct user_password *pw,
    struct user_import_error *err)
{
	if (in->password != NULL && (in->hash64 != NULL || in->salt64 != NULL))
		return fail(err, ERR_INVALID_ARGUMENT, "", "give password or "
		    "passwordHash and salt, not both");
	if ((in->hash64 == NULL) != (in->salt64 == NULL))
		return fail(err, ERR_INVALID_ARGUMENT, "",
		    "passwordHash and salt go together");
	if (in->hash64 != NULL &&
	    ((pw->hashlen = b64_decode(in->hash64, pw->hash,
	    sizeof(pw->hash))) != PASSWORD_HASH_LEN ||
	    (pw->saltlen = b64_decode(in->salt64, pw->salt,
	    sizeof(pw->salt))) <= 0))
		return fail(err, ERR_INVALID_ARGUMENT, "", "passwordHash and "
		    "salt must be base64 as mfaemu exports them (a %d-byte "
		    "salted SHA-256)", PASSWORD_HASH_LEN);
	return 0;
}

/* customAttributes as the Admin API's accounts:update checks them. */
static int
check_claims(struct user_in *in, struct user_import_error *err)
{
	char detail[128];
	enum err_code code;

	if (in->claims == NULL)
		return 0;
	code = id_token_check_custom_claims(in->claims, &in->claims_empty,
	    detail, sizeof(detail));
	return code == ERR__NONE ? 0 : fail(err, code, "", "%s", detail);
}

static int
check_user(const struct user_in *in, struct user_import_error *err)
{
	if (in->created < 0 || in->valid_since < 0 ||
	    in->valid_since > INT64_MAX / 1000 || in->last_login < 0 ||
	    in->password_updated < 0)
		return fail(err, ERR_INVALID_ARGUMENT, "", "createdAt, "
		    "lastLoginAt, passwordUpdatedAt (ms) and validSince (s) "
		    "must be non-negative");
	if (!user_import_valid_id(in->local_id))
		return fail(err, ERR_INVALID_ARGUMENT, "", "localId must be "
		    "1-%d printable characters without spaces or '/'",
		    STORE_ID_MAX);
	if (check_len("", "email", in->email, STORE_TEXT_MAX, err) ||
	    check_len("", "displayName", in->name, STORE_TEXT_MAX, err) ||
	    check_len("", "photoUrl", in->photo, STORE_URL_MAX, err) ||
	    check_len("", "password", in->password, 4096, err))
		return -1;
	if (in->email != NULL && strchr(in->email, '@') == NULL)
		return fail(err, ERR_INVALID_EMAIL, "", "email '%s' has no '@'",
		    in->email);
	if (in->phone != NULL && !phone_valid(in->phone))
		return fail(err, ERR_INVALID_PHONE_NUMBER, "", "phoneNumber "
		    "'%s' is not an E.164 phone number (like +15555550100)",
		    in->phone);
	return 0;
}

/* A file's user goes to a tenant the file declared (or one stored). */
static int
check_tenant(struct user_import *imp, const char *tenant,
    struct user_import_error *err)
{
	struct store_realm realm;
	int r;

	if (*tenant == '\0')
		return 0;
	r = store_realm_get(imp->emu->store, imp->project, tenant, &realm);
	if (r == STORE_OK)
		return 0;
	if (r == STORE_NOT_FOUND)
		return fail(err, ERR_TENANT_NOT_FOUND, "", "tenantId '%s' is not "
		    "declared in $.tenants", tenant);
	return store_fail(imp, "", err);
}

void
user_import_note_id(struct json_object *list, const char *project,
    const char *tenant, const char *key, const char *id)
{
	struct json_object *o;

	if (list == NULL)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "projectId", json_object_new_string(project));
	if (*tenant != '\0')
		json_object_object_add(o, "tenantId",
		    json_object_new_string(tenant));
	json_object_object_add(o, key, json_object_new_string(id));
	json_object_array_add(list, o);
}

/*
 * A localId already stored is skipped (or, with REPLACE, deleted for the
 * batch's version) when it was stored before the batch, once; refused
 * when the batch inserted or skipped it already. Returns 1 to skip, 0 to
 * insert, -1 on error.
 */
static int
check_stored(struct user_import *imp, struct user_in *in,
    struct user_import_error *err)
{
	struct store_user existing;
	char key[STORE_ID_MAX * 2 + 2];
	int r = store_user_find(imp->emu->store, imp->project, in->tenant,
	    in->local_id, &existing);

	if (r == STORE_NOT_FOUND)
		return 0;
	if (r != STORE_OK)
		return store_fail(imp, "", err);
	snprintf(key, sizeof(key), "%s/%s", in->tenant, in->local_id);
	if (existing.id > imp->stored_max_id ||
	    json_object_object_get_ex(imp->seen_skipped, key, NULL))
		return fail(err, ERR_DUPLICATE_LOCAL_ID, "", "localId '%s' "
		    "appears twice", in->local_id);
	json_object_object_add(imp->seen_skipped, key, NULL);
	if (imp->on_existing != CONFIG_ON_EXISTING_REPLACE) {
		imp->skipped++;
		user_import_note_id(imp->skipped_ids, imp->project, in->tenant,
		    "localId", in->local_id);
		return 1;
	}
	if (store_user_delete(imp->emu->store, existing.id) != STORE_OK)
		return store_fail(imp, "", err);
	in->replacing = true;
	return 0;
}

static int
insert_user(struct user_import *imp, const struct user_in *in,
    struct user_password *pw, struct store_user *u,
    struct user_import_error *err)
{
	int r;

	memset(u, 0, sizeof(*u));
	strcpy(u->project_id, imp->project);
	strcpy(u->tenant_id, in->tenant);
	strcpy(u->local_id, in->local_id);
	snprintf(u->email, sizeof(u->email), "%s", in->email ? in->email : "");
	snprintf(u->display_name, sizeof(u->display_name), "%s",
	    in->name ? in->name : "");
	snprintf(u->phone_number, sizeof(u->phone_number), "%s",
	    in->phone ? in->phone : "");
	u->email_verified = in->verified;
	u->disabled = in->disabled;
	u->created_at = in->created ? in->created : imp->now;
	/* Google sets validSince when the account is made. */
	u->valid_since = in->valid_since ? in->valid_since * 1000 :
	    (in->replacing ? imp->now : u->created_at) / 1000 * 1000;
	snprintf(u->photo_url, sizeof(u->photo_url), "%s",
	    in->photo ? in->photo : "");
	u->last_login_at = in->last_login;
	u->password_updated_at = in->password_updated ? in->password_updated :
	    imp->now;
	u->email_link_signin = in->email_link;
	if (in->claims != NULL && !in->claims_empty)
		snprintf(u->custom_attributes, sizeof(u->custom_attributes),
		    "%s", in->claims);
	if (in->refreshed != NULL && clock_parse_rfc3339(in->refreshed,
	    &u->last_refresh_at))
		return fail(err, ERR_INVALID_ARGUMENT, "", "lastRefreshAt '%s' "
		    "is not an RFC 3339 time", in->refreshed);
	if (in->password != NULL) {
		if (password_hash(in->password, pw->salt, pw->hash))
			return fail(err, ERR_INTERNAL_ERROR, "",
			    "cannot hash the password");
		pw->saltlen = PASSWORD_SALT_LEN;
		pw->hashlen = PASSWORD_HASH_LEN;
	}
	r = store_user_insert(imp->emu->store, u, pw->hashlen ? pw->salt :
	    NULL, (size_t)pw->saltlen, pw->hashlen ? pw->hash : NULL,
	    (size_t)pw->hashlen);
	if (r == STORE_EXISTS)
		return fail(err, ERR_EMAIL_EXISTS, "", "email '%s' is already "
		    "used by another user", in->email ? in->email : "");
	if (r != STORE_OK)
		return store_fail(imp, "", err);
	return 0;
}

/* Count the user in, and list it when it replaced a stored one. */
static enum user_import_result
counted(struct user_import *imp, const struct user_in *in)
{
	if (!in->replacing) {
		imp->users++;
	} else {
		imp->replaced++;
		user_import_note_id(imp->replaced_ids, imp->project, in->tenant,
		    "localId", in->local_id);
	}
	return USER_IMPORT_INSERTED;
}

enum user_import_result
user_import_user(struct user_import *imp, struct json_object *user,
    const struct user_import_target *target, struct user_import_error *err)
{
	struct user_in in = { .tenant = "" };
	struct user_password pw = { .hashlen = 0 };
	struct store_user u;
	int r;

	if (read_user(user, target == NULL, &in, err))
		return USER_IMPORT_FAILED;
	if (target != NULL) {
		in.tenant = target->tenant;
		in.local_id = target->local_id;
	}
	if (read_password(&in, &pw, err) || check_user(&in, err) ||
	    check_claims(&in, err) ||
	    (target == NULL && check_tenant(imp, in.tenant, err)))
		return USER_IMPORT_FAILED;
	r = check_stored(imp, &in, err);
	if (r != 0)
		return r > 0 ? USER_IMPORT_SKIPPED : USER_IMPORT_FAILED;
	r = insert_user(imp, &in, &pw, &u, err);
	OPENSSL_cleanse(&pw, sizeof(pw));
	if (r != 0 || add_enrollments(imp, &u, in.mfa, "mfaInfo", err) ||
	    add_providers(imp, &u, in.providers, err))
		return USER_IMPORT_FAILED;
	return counted(imp, &in);
}
