/*
 * Fixture documents into the store: realms and test numbers here, users
 * through the user importer (user_import.c), then pending credentials and
 * SMS sessions, which name users already loaded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "clock.h"
#include "emu.h"
#include "file.h"
#include "fixtures.h"
#include "phone.h"
#include "reqparse.h"
#include "settings.h"
#include "sms_code.h"
#include "store.h"
#include "user_import.h"

#define FIXTURE_MAX_FILE (256u << 20)

/* Load state: where we are in the document, for error messages. */
struct load {
	struct emu *emu;
	const char *source;
	const char *project;
	int64_t now;
	struct fixtures_report *rep;
	struct user_import imp;		/* the document's users */
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

/*
 * Every member of a document or tenant entry (`path`) is a setting or
 * one of `extra`: a misspelt "user" would otherwise load nothing.
 */
static int
known_members(struct load *ld, struct json_object *obj, const char *path,
    const char *const *extra)
{
	char reason[512];

	if (settings_known(obj, path, extra, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(ld->err, ld->errlen, "%s: %s", ld->source, reason);
	return -1;
}

/* One more of `key` in the realm, and in the total `*total`. */
static void
count(struct load *ld, const char *tenant, const char *key, size_t *total,
    size_t n)
{
	*total += n;
	fixtures_report_add(ld->rep, ld->project, tenant, key, n);
}

static int
store_fail(struct load *ld, const char *path)
{
	return fail(ld, path, "store error: %s", store_errmsg(ld->emu->store));
}

/* The importer's error about what it was given at `base`. */
static int
import_fail(struct load *ld, const char *base,
    const struct user_import_error *e)
{
	char text[768];

	user_import_error_text(e, base, text, sizeof(text));
	snprintf(ld->err, ld->errlen, "%s: %s", ld->source, text);
	return -1;
}

/* Check a table of fields at `path`: types, then the required ones. */
static int
fields(struct load *ld, struct json_object *obj, const char *path,
    const struct reqparse_field *f, size_t n)
{
	struct user_import_error e;

	if (user_import_fields(obj, f, n, &e) == 0)
		return 0;
	return import_fail(ld, path, &e);
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
		if (!phone_valid(phone))
			return fail(ld, p, "'%s' is not an E.164 phone number "
			    "(like +15555550100)", phone);
		if (!json_object_is_type(code, json_type_string) ||
		    !sms_code_valid_code(json_object_get_string(code)))
			return fail(ld, p, "the code must be a string of 6 "
			    "digits");
		if (store_test_phone_put(ld->emu->store, ld->project, tenant,
		    phone, json_object_get_string(code)) != STORE_OK)
			return store_fail(ld, p);
		count(ld, tenant, "testPhoneNumbers",
		    &ld->rep->total.test_numbers, 1);
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
		count(ld, "", "tenants", &ld->rep->total.realms, 1);
	snprintf(p, sizeof(p), "%.200s.testPhoneNumbers", path);
	return apply_test_numbers(ld, numbers, p, tenant);
}

/* Each entry of `list` (NULL: none) through `apply`, at "base.name[i]". */
static int
apply_each(struct load *ld, struct json_object *list, const char *base,
    const char *name,
    int (*apply)(struct load *, struct json_object *, const char *))
{
	char path[128];

	for (size_t i = 0; list != NULL && i < json_object_array_length(list);
	    i++) {
		snprintf(path, sizeof(path), "%s.%s[%zu]", base, name, i);
		if (apply(ld, json_object_array_get_idx(list, i), path))
			return -1;
	}
	return 0;
}

static int
apply_tenant(struct load *ld, struct json_object *t, const char *path)
{
	const char *id = NULL;
	struct json_object *mfa = NULL, *numbers = NULL;
	struct reqparse_field f[] = {
		{ "tenantId", RP_STRING, &id, ERR_INVALID_ARGUMENT,
		    "tenantId is required" },
		{ "mfa", RP_OBJECT, &mfa },
		{ "testPhoneNumbers", RP_OBJECT, &numbers },
	};

	static const char *const members[] = { "tenantId", "testPhoneNumbers",
	    NULL };

	if (fields(ld, t, path, f, 3) || known_members(ld, t, path, members))
		return -1;
	if (!user_import_valid_tenant_id(id))
		return fail(ld, path, "tenantId '%s' must be 1-%d letters, "
		    "digits, '-' or '_'", id, STORE_ID_MAX);
	return apply_realm(ld, id, t, numbers, path);
}

/* The user through the importer; what it did counts in its realm. */
static int
apply_user(struct load *ld, struct json_object *obj, const char *path)
{
	struct user_import *imp = &ld->imp;
	struct fixtures_counts *t = &ld->rep->total;
	size_t users = imp->users, enrollments = imp->enrollments,
	    skipped = imp->skipped, replaced = imp->replaced;
	struct user_import_error e;
	const char *tenant;

	if (user_import_user(imp, obj, NULL, &e) == USER_IMPORT_FAILED)
		return import_fail(ld, path, &e);
	/* Imported: the tenantId, if any, is a string. */
	tenant = json_object_get_string(json_object_object_get(obj,
	    "tenantId"));
	if (tenant == NULL)
		tenant = "";
	count(ld, tenant, "users", &t->users, imp->users - users);
	count(ld, tenant, "enrollments", &t->enrollments,
	    imp->enrollments - enrollments);
	count(ld, tenant, "skipped", &t->skipped, imp->skipped - skipped);
	count(ld, tenant, "replaced", &t->replaced, imp->replaced - replaced);
	return 0;
}

/*
 * An entry (`key` `id`, in `tenant`) found stored: 1 to keep it (skip,
 * fail), 0 once `del` removed it for the fixture's (replace), -1 on a
 * store error. The caller counts what it loads; this counts what it
 * keeps.
 */
static int
existing(struct load *ld, const char *tenant, const char *key,
    const char *id, int (*del)(struct store *, const char *))
{
	struct fixtures_report *r = ld->rep;

	if (r->on_existing != CONFIG_ON_EXISTING_REPLACE) {
		count(ld, tenant, "skipped", &r->total.skipped, 1);
		user_import_note_id(r->skipped_ids, ld->project, tenant, key,
		    id);
		return 1;
	}
	if (del(ld->emu->store, id) != STORE_OK)
		return -1;
	count(ld, tenant, "replaced", &r->total.replaced, 1);
	user_import_note_id(r->replaced_ids, ld->project, tenant, key, id);
	return 0;
}

/* A pendingCredentials entry as read; strings borrowed from the JSON. */
struct credential_in {
	const char *value, *local_id, *tenant, *provider, *expire_time;
	int64_t expires_in, failed, created, expires, used;
};

static int
read_credential(struct load *ld, struct json_object *obj, const char *path,
    struct credential_in *c)
{
	static const char required[] = "mfaPendingCredential and localId are "
	    "required";
	const char *create_time = NULL, *used_time = NULL;
	struct reqparse_field f[] = {
		{ "mfaPendingCredential", RP_STRING, &c->value,
		    ERR_INVALID_ARGUMENT, required },
		{ "localId", RP_STRING, &c->local_id, ERR_INVALID_ARGUMENT,
		    required },
		{ "tenantId", RP_STRING, &c->tenant },
		{ "expiresIn", RP_INT, &c->expires_in },
		{ "signInProvider", RP_STRING, &c->provider },
		{ "createTime", RP_STRING, &create_time },
		{ "expireTime", RP_STRING, &c->expire_time },
		{ "usedTime", RP_STRING, &used_time },
		{ "failedAttempts", RP_INT, &c->failed },
	};
	size_t len;

	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])) ||
	    opt_time(ld, path, "createTime", create_time, &c->created) ||
	    opt_time(ld, path, "expireTime", c->expire_time, &c->expires) ||
	    opt_time(ld, path, "usedTime", used_time, &c->used))
		return -1;
	if (c->expire_time != NULL && json_object_object_get_ex(obj,
	    "expiresIn", NULL))
		return fail(ld, path, "give expiresIn or expireTime, not both");
	if (c->failed < 0 || c->failed > 1000000)
		return fail(ld, path, "failedAttempts must be 0-1000000");
	len = strlen(c->value);
	if (!user_import_valid_id(c->value) && !(len <= STORE_TOKEN_MAX &&
	    len > STORE_ID_MAX))
		return fail(ld, path, "mfaPendingCredential must be 1-%d "
		    "printable characters without spaces", STORE_TOKEN_MAX);
	if (c->expires_in < 0 || c->expires_in > 10LL * 365 * 86400 ||
	    (c->expires_in == 0 && json_object_object_get_ex(obj, "expiresIn",
	    NULL)))
		return fail(ld, path, "expiresIn must be 1-315360000 seconds");
	if (c->provider != NULL && (strlen(c->provider) == 0 ||
	    strlen(c->provider) > 32))
		return fail(ld, path, "signInProvider must be 1-32 characters");
	return 0;
}

/*
 * The credential's realm must be declared (or stored); without expiresIn
 * or expireTime the credential lives as long as the realm says.
 */
static int
credential_realm(struct load *ld, struct credential_in *c, const char *path)
{
	struct store_realm realm;
	struct settings set;
	int r = store_realm_get(ld->emu->store, ld->project, c->tenant,
	    &realm);

	if (r == STORE_NOT_FOUND && *c->tenant != '\0')
		return fail(ld, path, "tenantId '%s' is not declared in "
		    "$.tenants", c->tenant);
	if (r != STORE_OK)
		return store_fail(ld, path);
	if (c->expires_in == 0 && c->expire_time == NULL) {
		settings_effective(&ld->emu->cfg, &realm, &set);
		c->expires_in = set.credential_ttl;
	}
	return 0;
}

static int
apply_credential(struct load *ld, struct json_object *obj, const char *path)
{
	struct credential_in in = { .tenant = "", .created = ld->now };
	struct store_credential c, stored;
	struct store_user u;
	int r;

	if (read_credential(ld, obj, path, &in) ||
	    credential_realm(ld, &in, path))
		return -1;
	r = store_user_find(ld->emu->store, ld->project, in.tenant,
	    in.local_id, &u);
	if (r == STORE_NOT_FOUND)
		return fail(ld, path, "no user with localId '%s'%s%s",
		    in.local_id, *in.tenant ? " in tenant " : "", in.tenant);
	if (r != STORE_OK)
		return store_fail(ld, path);
	r = store_credential_get(ld->emu->store, in.value, &stored);
	if (r == STORE_OK && stored.user_id != u.id)
		return fail(ld, path, "mfaPendingCredential '%s' already "
		    "belongs to another user", in.value);
	if (r == STORE_OK && (r = existing(ld, in.tenant,
	    "mfaPendingCredential", in.value, store_credential_delete)) != 0)
		return r > 0 ? 0 : store_fail(ld, path);
	if (r != STORE_OK && r != STORE_NOT_FOUND)
		return store_fail(ld, path);
	memset(&c, 0, sizeof(c));
	strcpy(c.credential, in.value);
	c.user_id = u.id;
	strcpy(c.project_id, ld->project);
	strcpy(c.tenant_id, in.tenant);
	strcpy(c.sign_in_provider, in.provider ? in.provider : "password");
	c.created_at = in.created;
	c.expires_at = in.expire_time ? in.expires :
	    in.created + in.expires_in * 1000;
	c.used_at = in.used;
	c.failed_attempts = (int)in.failed;
	if (store_credential_insert(ld->emu->store, &c) != STORE_OK)
		return store_fail(ld, path);
	count(ld, in.tenant, "pendingCredentials", &ld->rep->total.credentials,
	    1);
	return 0;
}

/* An smsSessions entry as read; strings borrowed from the JSON. */
struct session_in {
	const char *info, *cred, *enrollment, *phone, *code;
	int64_t attempts;
};

static int
read_session(struct load *ld, struct json_object *obj, const char *path,
    struct session_in *in, struct store_sms_session *x)
{
	static const char required[] = "sessionInfo, mfaPendingCredential, "
	    "mfaEnrollmentId, code and expireTime are required";
	const char *create_time = NULL, *expire_time = NULL,
	    *consumed_time = NULL;
	struct reqparse_field f[] = {
		{ "sessionInfo", RP_STRING, &in->info, ERR_INVALID_ARGUMENT,
		    required },
		{ "mfaPendingCredential", RP_STRING, &in->cred,
		    ERR_INVALID_ARGUMENT, required },
		{ "mfaEnrollmentId", RP_STRING, &in->enrollment,
		    ERR_INVALID_ARGUMENT, required },
		{ "phoneNumber", RP_STRING, &in->phone },
		{ "code", RP_STRING, &in->code, ERR_INVALID_ARGUMENT,
		    required },
		{ "createTime", RP_STRING, &create_time },
		{ "expireTime", RP_STRING, &expire_time, ERR_INVALID_ARGUMENT,
		    required },
		{ "consumedTime", RP_STRING, &consumed_time },
		{ "attempts", RP_INT, &in->attempts },
	};
	size_t n;

	if (fields(ld, obj, path, f, sizeof(f) / sizeof(f[0])) ||
	    opt_time(ld, path, "createTime", create_time, &x->created_at) ||
	    opt_time(ld, path, "expireTime", expire_time, &x->expires_at) ||
	    opt_time(ld, path, "consumedTime", consumed_time,
	    &x->consumed_at))
		return -1;
	n = strlen(in->code);
	if (strlen(in->info) > STORE_TOKEN_MAX || n > STORE_CODE_MAX ||
	    strspn(in->code, "0123456789") != n || n < 4)
		return fail(ld, path, "sessionInfo is too long or code is not "
		    "4-8 digits");
	if (in->attempts < 0 || in->attempts > 1000000)
		return fail(ld, path, "attempts must be 0-1000000");
	return 0;
}

/* The session's credential, in this project, and its user's phone factor. */
static int
session_factor(struct load *ld, const struct session_in *in,
    const char *path, struct store_credential *c, struct store_enrollment *e)
{
	int r = store_credential_get(ld->emu->store, in->cred, c);

	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    strcmp(c->project_id, ld->project) != 0))
		return fail(ld, path, "mfaPendingCredential '%.64s' is not in "
		    "this project", in->cred);
	if (r != STORE_OK)
		return store_fail(ld, path);
	r = store_enrollment_get(ld->emu->store, c->user_id, in->enrollment,
	    e);
	OPENSSL_cleanse(e->totp_secret, sizeof(e->totp_secret));
	if (r == STORE_NOT_FOUND || (r == STORE_OK &&
	    e->kind != STORE_FACTOR_PHONE))
		return fail(ld, path, "mfaEnrollmentId '%.64s' is not a phone "
		    "factor of the credential's user", in->enrollment);
	if (r != STORE_OK)
		return store_fail(ld, path);
	if (in->phone != NULL && strcmp(in->phone, e->phone_number) != 0)
		return fail(ld, path, "phoneNumber is not the enrollment's");
	return 0;
}

static int
apply_session(struct load *ld, struct json_object *obj, const char *path)
{
	struct session_in in = { .attempts = 0 };
	struct store_sms_session x, stored;
	struct store_credential c;
	struct store_enrollment e;
	int r;

	memset(&x, 0, sizeof(x));
	x.created_at = ld->now;
	if (read_session(ld, obj, path, &in, &x) ||
	    session_factor(ld, &in, path, &c, &e))
		return -1;
	r = store_sms_get(ld->emu->store, in.info, &stored);
	if (r == STORE_OK && (r = existing(ld, c.tenant_id, "sessionInfo",
	    in.info, store_sms_delete)) != 0)
		return r > 0 ? 0 : store_fail(ld, path);
	if (r != STORE_OK && r != STORE_NOT_FOUND)
		return store_fail(ld, path);
	strcpy(x.session_info, in.info);
	strcpy(x.credential, c.credential);
	x.enrollment = e.id;
	strcpy(x.phone_number, e.phone_number);
	strcpy(x.code, in.code);
	x.attempts = (int)in.attempts;
	if (store_sms_insert(ld->emu->store, &x) != STORE_OK)
		return store_fail(ld, path);
	count(ld, c.tenant_id, "smsSessions", &ld->rep->total.sessions, 1);
	return 0;
}

/* The lists of a project's document (borrowed; NULL when absent). */
struct project_lists {
	struct json_object *test_numbers, *tenants, *users, *credentials,
	    *sessions;
};

/* The lists in dependency order: users name realms, credentials users. */
static int
apply_lists(struct load *ld, struct json_object *doc, const char *base,
    const struct project_lists *l)
{
	if (apply_realm(ld, "", doc, l->test_numbers, base) ||
	    apply_each(ld, l->tenants, base, "tenants", apply_tenant) ||
	    apply_each(ld, l->users, base, "users", apply_user) ||
	    apply_each(ld, l->credentials, base, "pendingCredentials",
	    apply_credential) ||
	    apply_each(ld, l->sessions, base, "smsSessions", apply_session))
		return -1;
	return 0;
}

/* A document's members besides the settings. */
static const char *const doc_members[] = { "projectId", "testPhoneNumbers",
	"tenants", "users", "pendingCredentials", "smsSessions", NULL };

int
fixtures_doc_known(struct json_object *doc, const char *const *more,
    char *err, size_t errlen)
{
	const char *extra[16];
	size_t n = 0;

	for (size_t i = 0; doc_members[i] != NULL; i++)
		extra[n++] = doc_members[i];
	extra[n++] = "projects";
	for (; more != NULL && *more != NULL && n < 15; more++)
		extra[n++] = *more;
	extra[n] = NULL;
	return settings_known(doc, "$", extra, err, errlen);
}

/* One project's document (the top level, or an entry of "projects"). */
static int
apply_project(struct emu *emu, const char *source, struct json_object *doc,
    const char *base, struct fixtures_report *rep, char *err,
    size_t errlen)
{
	const char *project = NULL;
	struct json_object *mfa = NULL;
	struct project_lists l = { NULL };
	struct reqparse_field f[] = {
		{ "projectId", RP_STRING, &project },
		{ "mfa", RP_OBJECT, &mfa },
		{ "testPhoneNumbers", RP_OBJECT, &l.test_numbers },
		{ "tenants", RP_ARRAY, &l.tenants },
		{ "users", RP_ARRAY, &l.users },
		{ "pendingCredentials", RP_ARRAY, &l.credentials },
		{ "smsSessions", RP_ARRAY, &l.sessions },
	};
	struct load ld = {
		.emu = emu, .source = source, .rep = rep,
		.now = clock_now_ms(&emu->clock), .err = err, .errlen = errlen,
	};
	struct user_import_error e;
	char path[128];
	int rc;

	if (fields(&ld, doc, base, f, sizeof(f) / sizeof(f[0])) ||
	    known_members(&ld, doc, base, doc_members))
		return -1;
	ld.project = project ? project : emu->cfg.project;
	if (!user_import_valid_id(ld.project)) {
		snprintf(path, sizeof(path), "%s.projectId", base);
		return fail(&ld, path, "must be 1-%d printable characters "
		    "without spaces or '/'", STORE_ID_MAX);
	}
	fixtures_report_project(rep, source, ld.project, emu->cfg.project);
	if (user_import_begin(&ld.imp, emu, ld.project, &e) != 0) {
		rc = import_fail(&ld, "$", &e);
	} else {
		ld.imp.on_existing = rep->on_existing;
		ld.imp.skipped_ids = rep->skipped_ids;
		ld.imp.replaced_ids = rep->replaced_ids;
		rc = apply_lists(&ld, doc, base, &l);
	}
	user_import_end(&ld.imp);
	return rc;
}

/* The documents of an export: {"projects": [document, ...]}. */
static int
apply_projects(struct emu *emu, const char *source,
    struct json_object *projects, struct fixtures_report *rep, char *err,
    size_t errlen)
{
	char base[40];

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
		if (apply_project(emu, source, p, base, rep, err, errlen))
			return -1;
	}
	return 0;
}

/* An export's top level holds "projects" and nothing else. */
static int
projects_only(const char *source, struct json_object *doc, char *err,
    size_t errlen)
{
	static const char *const only[] = { "projects" };
	char reason[512];

	if (reqparse_names_known(doc, "$", only, 1, reason,
	    sizeof(reason)) == 0)
		return 0;
	snprintf(err, errlen, "%s: %s", source, reason);
	return -1;
}

int
fixtures_apply(struct emu *emu, const char *source, struct json_object *doc,
    struct fixtures_report *rep, char *err, size_t errlen)
{
	struct json_object *projects;
	int r;

	if (!json_object_object_get_ex(doc, "projects", &projects) ||
	    projects == NULL)
		r = apply_project(emu, source, doc, "$", rep, err, errlen);
	else if (projects_only(source, doc, err, errlen) != 0)
		r = -1;
	else
		r = apply_projects(emu, source, projects, rep, err, errlen);
	if (r != 0)
		return FIXTURES_INVALID;
	return fixtures_report_existing(rep, err, errlen) ? FIXTURES_EXISTING :
	    0;
}

static struct json_object *
read_doc(const char *path, char *err, size_t errlen)
{
	struct json_object *doc;
	char *buf, reason[256];
	size_t n;

	if ((buf = file_read_all(path, FIXTURE_MAX_FILE, &n, err, errlen)) ==
	    NULL)
		return NULL;
	doc = reqparse_json(buf, n, reason, sizeof(reason));
	free(buf);
	if (doc == NULL)
		snprintf(err, errlen, "%s: invalid JSON: %s", path,
		    reqparse_is_null_doc(reason) ? "null document" : reason);
	else if (!json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "%s: $: the document must be a JSON "
		    "object", path);
		json_object_put(doc);
		doc = NULL;
	}
	return doc;
}

int
fixtures_load_files(struct emu *emu, char *const *paths, size_t n,
    struct fixtures_report *rep, char *err, size_t errlen)
{
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
			return FIXTURES_INVALID;
		}
		r = fixtures_apply(emu, paths[i], doc, rep, err, errlen);
		json_object_put(doc);
		if (r) {
			store_rollback(emu->store);
			return r;
		}
	}
	if (store_commit(emu->store)) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	return 0;
}
