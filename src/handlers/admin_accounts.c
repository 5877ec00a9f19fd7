/*
 * The Admin API's user management, as firebase-admin calls it in emulator
 * mode (Authorization: Bearer owner; the router refuses these routes
 * without an admin credential):
 *   POST /v1/projects/{p}[/tenants/{t}]/accounts            create
 *   POST .../accounts:lookup  :update  :delete  :batchCreate  :batchDelete
 *   GET  .../accounts:batchGet?maxResults=N&nextPageToken=T
 * Users are written through the fixture loader, so a user created here is
 * exactly one a fixture file would have made.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "fixtures.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "password.h"
#include "reply.h"
#include "reqparse.h"
#include "sms_code.h"
#include "store.h"
#include "user_info.h"
#include "tokens.h"

#define BATCH_MAX_USERS 1000
#define PAGE_MAX 1000

struct admin_realm {
	const char *project;
	const char *tenant;	/* "" for the project */
};

static void
realm_of(struct request *req, struct admin_realm *r)
{
	r->project = req->captures[0];
	r->tenant = req->ncaptures > 1 ? req->captures[1] : "";
}

/* Inside the transaction: the realm must exist (TENANT_NOT_FOUND). */
static int
realm_exists_or_reply(struct request *req, const struct admin_realm *r)
{
	struct store_realm realm;
	int rc;

	if (strlen(r->project) > STORE_ID_MAX ||
	    strlen(r->tenant) > STORE_ID_MAX)
		rc = STORE_NOT_FOUND;
	else if (*r->tenant == '\0')
		rc = store_realm_ensure(req->emu->store, r->project, "");
	else
		rc = store_realm_get(req->emu->store, r->project, r->tenant,
		    &realm);
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_NOT_FOUND) {
		store_rollback(req->emu->store);
		reply_error(req, ERR_TENANT_NOT_FOUND, NULL);
		return -1;
	}
	txn_fail(req);
	return -1;
}

static const char *
str_member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Phone factors must be E.164, answered as INVALID_MFA_PHONE_NUMBER. */
static int
mfa_phones_valid(struct json_object *mfa)
{
	struct json_object *v;

	if (mfa == NULL || !json_object_is_type(mfa, json_type_array))
		return 1;
	for (size_t i = 0; i < json_object_array_length(mfa); i++) {
		struct json_object *e = json_object_array_get_idx(mfa, i);

		if (json_object_object_get_ex(e, "phoneInfo", &v) &&
		    (!json_object_is_type(v, json_type_string) ||
		    !sms_code_valid_phone(json_object_get_string(v))))
			return 0;
	}
	return 1;
}

/*
 * Inside the transaction: create one user from an Identity Toolkit
 * UserInfo-shaped object (borrowed). On failure returns the error code
 * and a detail; the caller undoes the savepoint.
 */
static enum err_code
create_one(struct request *req, const struct admin_realm *r,
    struct json_object *in, char *uid_out, char *detail, size_t dlen)
{
	static const char *const keep[] = { "localId", "email", "password",
	    "displayName", "phoneNumber", "emailVerified", "disabled",
	    "passwordHash", "salt", "createdAt", "mfaInfo" };
	struct store *st = req->emu->store;
	struct json_object *doc, *users, *u, *v, *tenants;
	struct fixtures_counts counts;
	struct store_user existing;
	const char *uid, *email, *phone;
	char gen[32], err[512];
	int rc;

	if (!json_object_is_type(in, json_type_object)) {
		snprintf(detail, dlen, "a user must be an object");
		return ERR_INVALID_ARGUMENT;
	}
	uid = str_member(in, "localId");
	email = str_member(in, "email");
	phone = str_member(in, "phoneNumber");
	if (uid == NULL || *uid == '\0') {
		if (tokens_random_id(gen) != 0) {
			snprintf(detail, dlen, "RAND_bytes failed");
			return ERR_INTERNAL_ERROR;
		}
		uid = gen;
	}
	if (email != NULL && !account_valid_email(email)) {
		snprintf(detail, dlen, "email '%.100s'", email);
		return ERR_INVALID_EMAIL;
	}
	if (phone != NULL && !sms_code_valid_phone(phone)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_PHONE_NUMBER;
	}
	if (json_object_object_get_ex(in, "mfaInfo", &v) &&
	    !mfa_phones_valid(v)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_MFA_PHONE_NUMBER;
	}
	if (strlen(uid) <= STORE_ID_MAX && store_user_find(st, r->project,
	    r->tenant, uid, &existing) == STORE_OK) {
		snprintf(detail, dlen, "localId '%.128s'", uid);
		return ERR_DUPLICATE_LOCAL_ID;
	}
	if (email != NULL && store_user_find_email(st, r->project, r->tenant,
	    email, &existing) == STORE_OK)
		return ERR_EMAIL_EXISTS;
	if (phone != NULL && store_user_find_phone(st, r->project, r->tenant,
	    phone, &existing) == STORE_OK)
		return ERR_PHONE_NUMBER_EXISTS;

	/* The fixture loader does the rest, with the same checks. */
	u = json_object_new_object();
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (json_object_object_get_ex(in, keep[i], &v) && v != NULL)
			json_object_object_add(u, keep[i], json_object_get(v));
	}
	json_object_object_add(u, "localId", json_object_new_string(uid));
	if (*r->tenant != '\0')
		json_object_object_add(u, "tenantId",
		    json_object_new_string(r->tenant));
	doc = json_object_new_object();
	users = json_object_new_array();
	json_object_array_add(users, u);
	json_object_object_add(doc, "projectId",
	    json_object_new_string(r->project));
	if (*r->tenant != '\0') {
		struct json_object *t = json_object_new_object();

		json_object_object_add(t, "tenantId",
		    json_object_new_string(r->tenant));
		tenants = json_object_new_array();
		json_object_array_add(tenants, t);
		json_object_object_add(doc, "tenants", tenants);
	}
	json_object_object_add(doc, "users", users);
	rc = fixtures_apply(req->emu, "user", doc, &counts, err, sizeof(err));
	json_object_put(doc);
	if (rc != 0) {
		/* "user: $.users[0].mfaInfo[1]: reason" -> "mfaInfo[1]: ..." */
		const char *at = strstr(err, "$.users[0]");

		if (at != NULL) {
			at += 10;
			at += *at == '.' ? 1 : *at == ':' ? 2 : 0;
		}
		snprintf(detail, dlen, "%s", at ? at : err);
		return ERR_INVALID_ARGUMENT;
	}
	snprintf(uid_out, STORE_ID_MAX + 1, "%s", uid);
	return ERR__COUNT;	/* success */
}

/* POST .../accounts: create a user (firebase-admin createUser). */
void
admin_accounts_create(struct request *req)
{
	struct admin_realm r;
	struct json_object *body;
	char uid[STORE_ID_MAX + 1], detail[512] = "";
	enum err_code code;
	struct store_user u;

	realm_of(req, &r);
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	code = create_one(req, &r, req->json, uid, detail, sizeof(detail));
	if (code != ERR__COUNT) {
		store_rollback(req->emu->store);
		reply_error(req, code, detail[0] ? "%s" : NULL, detail);
		return;
	}
	if (store_user_find(req->emu->store, r.project, r.tenant, uid, &u) !=
	    STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SignupNewUserResponse"));
	json_object_object_add(body, "localId", json_object_new_string(uid));
	if (u.email[0])
		json_object_object_add(body, "email",
		    json_object_new_string(u.email));
	if (u.display_name[0])
		json_object_object_add(body, "displayName",
		    json_object_new_string(u.display_name));
	reply_json(req, 200, body);
}

/* Add the user (once) with its mfaInfo to `users`. */
static int
add_user(struct request *req, const struct store_user *u,
    struct json_object *users, struct json_object *seen)
{
	struct json_object *info;

	if (json_object_object_get_ex(seen, u->local_id, NULL))
		return 0;
	json_object_object_add(seen, u->local_id, NULL);
	if ((info = account_mfa_info(req->emu->store, u->id, false)) == NULL)
		return -1;
	json_object_array_add(users, user_info_json(u, info));
	return 0;
}

/*
 * POST .../accounts:lookup {localId: [], email: [], phoneNumber: []}:
 * the users found, in that order; no "users" member when none.
 */
void
admin_accounts_lookup(struct request *req)
{
	static const char *const keys[] = { "localId", "email",
	    "phoneNumber" };
	struct store *st = req->emu->store;
	struct json_object *users, *seen, *body;
	struct admin_realm r;

	realm_of(req, &r);
	for (size_t k = 0; k < 3; k++) {
		struct json_object *arr;

		if (json_object_object_get_ex(req->json, keys[k], &arr) &&
		    arr != NULL && !json_object_is_type(arr, json_type_array)) {
			reply_error(req, ERR_INVALID_ARGUMENT, "Invalid JSON "
			    "payload received. Invalid value at '%s' "
			    "(TYPE_REPEATED)", keys[k]);
			return;
		}
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	users = json_object_new_array();
	seen = json_object_new_object();
	for (size_t k = 0; k < 3; k++) {
		struct json_object *arr;

		if (!json_object_object_get_ex(req->json, keys[k], &arr) ||
		    arr == NULL)
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *v = json_object_array_get_idx(arr,
			    i);
			const char *key = json_object_get_string(v);
			struct store_user u;
			int rc;

			if (!json_object_is_type(v, json_type_string))
				continue;
			rc = k == 0 ? store_user_find(st, r.project, r.tenant,
			    key, &u) : k == 1 ? store_user_find_email(st,
			    r.project, r.tenant, key, &u) :
			    store_user_find_phone(st, r.project, r.tenant, key,
			    &u);
			if (rc == STORE_NOT_FOUND)
				continue;
			if (rc != STORE_OK || add_user(req, &u, users, seen)) {
				json_object_put(users);
				json_object_put(seen);
				txn_fail(req);
				return;
			}
		}
	}
	store_rollback(st);
	json_object_put(seen);
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#GetAccountInfoResponse"));
	/* firebase-admin treats a missing "users" as "not found". */
	if (json_object_array_length(users) > 0)
		json_object_object_add(body, "users", users);
	else
		json_object_put(users);
	reply_json(req, 200, body);
}

/* Replace the user's enrollments with mfa.enrollments (phone or TOTP). */
static enum err_code
replace_enrollments(struct request *req, const struct store_user *u,
    struct json_object *enrollments, char *detail, size_t dlen)
{
	char reason[400];

	if (store_enrollment_clear(req->emu->store, u->id) != STORE_OK)
		return ERR_SERVICE_UNAVAILABLE;
	if (enrollments == NULL)
		return ERR__COUNT;
	if (!mfa_phones_valid(enrollments)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_MFA_PHONE_NUMBER;
	}
	if (fixtures_add_enrollments(req->emu, u, enrollments, reason,
	    sizeof(reason)) != 0) {
		snprintf(detail, dlen, "mfa.enrollments%s", reason);
		return ERR_INVALID_ARGUMENT;
	}
	return ERR__COUNT;
}

/*
 * POST .../accounts:update (firebase-admin updateUser, revokeRefreshTokens
 * through validSince): email, password, displayName, phoneNumber,
 * emailVerified, disableUser, deleteAttribute, deleteProvider, validSince,
 * mfa.enrollments.
 */
void
admin_accounts_update(struct request *req)
{
	struct store *st = req->emu->store;
	const char *uid = NULL, *email = NULL, *password = NULL, *name = NULL,
	    *phone = NULL;
	int verified = -1, disable = -1;
	/* Absent: reqparse refuses INT64_MIN, so no client can send it. */
	int64_t valid_since = INT64_MIN;
	struct json_object *mfa = NULL, *del_attr = NULL, *del_provider = NULL,
	    *enrollments = NULL, *body;
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &uid },
		{ "email", RP_STRING, &email },
		{ "password", RP_STRING, &password },
		{ "displayName", RP_STRING, &name },
		{ "phoneNumber", RP_STRING, &phone },
		{ "emailVerified", RP_BOOL, &verified },
		{ "disableUser", RP_BOOL, &disable },
		{ "validSince", RP_INT, &valid_since },
		{ "mfa", RP_OBJECT, &mfa },
		{ "deleteAttribute", RP_ARRAY, &del_attr },
		{ "deleteProvider", RP_ARRAY, &del_provider },
	};
	struct reqparse_field mf[] = {
		{ "enrollments", RP_ARRAY, &enrollments },
	};
	struct admin_realm r;
	struct store_user u, other;
	enum err_code code;
	char detail[512] = "";
	int rc;

	realm_of(req, &r);
	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) || (mfa != NULL &&
	    reqparse_fields_or_reply(req, mfa, "mfa", mf, 1)))
		return;
	if (reqparse_empty(uid)) {
		reply_error(req, ERR_MISSING_LOCAL_ID, NULL);
		return;
	}
	if (email != NULL && !account_valid_email(email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return;
	}
	if (!reqparse_empty(phone) && !sms_code_valid_phone(phone)) {
		reply_error(req, ERR_INVALID_PHONE_NUMBER, "Invalid format.");
		return;
	}
	if (password != NULL && strlen(password) < 6) {
		reply_error(req, ERR_WEAK_PASSWORD, "Password should be at "
		    "least 6 characters");
		return;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName is too "
		    "long");
		return;
	}
	/* Seconds, kept in ms: past INT64_MAX / 1000 the product overflows. */
	if (valid_since != INT64_MIN && (valid_since < 0 ||
	    valid_since > INT64_MAX / 1000)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "validSince must be "
		    "0-%lld seconds", (long long)(INT64_MAX / 1000));
		return;
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	rc = store_user_find(st, r.project, r.tenant, uid, &u);
	if (rc == STORE_NOT_FOUND) {
		store_rollback(st);
		reply_error(req, ERR_USER_NOT_FOUND, NULL);
		return;
	}
	if (rc != STORE_OK)
		goto broken;
	if (email != NULL) {
		if (store_user_find_email(st, r.project, r.tenant, email,
		    &other) == STORE_OK && other.id != u.id) {
			store_rollback(st);
			reply_error(req, ERR_EMAIL_EXISTS, NULL);
			return;
		}
		snprintf(u.email, sizeof(u.email), "%s", email);
	}
	if (phone != NULL) {
		if (*phone != '\0' && store_user_find_phone(st, r.project,
		    r.tenant, phone, &other) == STORE_OK && other.id != u.id) {
			store_rollback(st);
			reply_error(req, ERR_PHONE_NUMBER_EXISTS, NULL);
			return;
		}
		snprintf(u.phone_number, sizeof(u.phone_number), "%s", phone);
	}
	if (name != NULL)
		snprintf(u.display_name, sizeof(u.display_name), "%s", name);
	for (size_t i = 0; del_attr && i < json_object_array_length(del_attr);
	    i++) {
		const char *a = json_object_get_string(
		    json_object_array_get_idx(del_attr, i));

		if (a != NULL && strcmp(a, "DISPLAY_NAME") == 0)
			u.display_name[0] = '\0';
	}
	for (size_t i = 0; del_provider &&
	    i < json_object_array_length(del_provider); i++) {
		const char *p = json_object_get_string(
		    json_object_array_get_idx(del_provider, i));

		if (p != NULL && strcmp(p, "phone") == 0)
			u.phone_number[0] = '\0';
	}
	if (verified >= 0)
		u.email_verified = verified;
	if (disable >= 0)
		u.disabled = disable;
	if (valid_since != INT64_MIN)
		u.valid_since = valid_since * 1000;
	rc = store_user_update(st, &u);
	if (rc == STORE_EXISTS) {
		store_rollback(st);
		reply_error(req, ERR_EMAIL_EXISTS, NULL);
		return;
	}
	if (rc != STORE_OK)
		goto broken;
	if (password != NULL) {
		uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];

		if (password_hash(password, salt, hash) != 0 ||
		    store_user_set_password(st, u.id, salt, sizeof(salt), hash,
		    sizeof(hash)) != STORE_OK)
			goto broken;
	}
	if (mfa != NULL) {
		code = replace_enrollments(req, &u, enrollments, detail,
		    sizeof(detail));
		if (code == ERR_SERVICE_UNAVAILABLE)
			goto broken;
		if (code != ERR__COUNT) {
			store_rollback(st);
			reply_error(req, code, "%s", detail);
			return;
		}
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#SetAccountInfoResponse"));
	json_object_object_add(body, "localId", json_object_new_string(uid));
	reply_json(req, 200, body);
	return;
broken:
	txn_fail(req);
}

static int
delete_uid(struct store *st, const struct admin_realm *r, const char *uid)
{
	struct store_user u;
	int rc = store_user_find(st, r->project, r->tenant, uid, &u);

	return rc == STORE_OK ? store_user_delete(st, u.id) : rc;
}

/* POST .../accounts:delete {localId} */
void
admin_accounts_delete(struct request *req)
{
	const char *uid = NULL;
	struct reqparse_field f[] = { { "localId", RP_STRING, &uid } };
	struct json_object *body;
	struct admin_realm r;
	int rc;

	realm_of(req, &r);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if (reqparse_empty(uid)) {
		reply_error(req, ERR_MISSING_LOCAL_ID, NULL);
		return;
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	rc = delete_uid(req->emu->store, &r, uid);
	if (rc == STORE_NOT_FOUND) {
		store_rollback(req->emu->store);
		reply_error(req, ERR_USER_NOT_FOUND, NULL);
		return;
	}
	if (rc != STORE_OK) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#DeleteAccountResponse"));
	reply_json(req, 200, body);
}

/* POST .../accounts:batchDelete {localIds: [], force} */
void
admin_accounts_batch_delete(struct request *req)
{
	struct json_object *ids = NULL;
	int force = 0;
	struct reqparse_field f[] = {
		{ "localIds", RP_ARRAY, &ids },
		{ "force", RP_BOOL, &force },
	};
	struct admin_realm r;

	realm_of(req, &r);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 2))
		return;
	if (ids == NULL || json_object_array_length(ids) == 0) {
		reply_error(req, ERR_MISSING_LOCAL_ID, NULL);
		return;
	}
	if (json_object_array_length(ids) > BATCH_MAX_USERS) {
		reply_error(req, ERR_INVALID_ARGUMENT, "at most %d localIds",
		    BATCH_MAX_USERS);
		return;
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		const char *uid = json_object_get_string(
		    json_object_array_get_idx(ids, i));
		int rc = uid ? delete_uid(req->emu->store, &r, uid) :
		    STORE_NOT_FOUND;

		if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
			txn_fail(req);
			return;
		}
	}
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_json(req, 200, json_object_new_object());
}

/* A per-user batchCreate error, in the words Google uses for them. */
static void
batch_message(enum err_code code, const char *detail, char *out,
    size_t outlen)
{
	const char *fixed = NULL;

	if (code == ERR_INVALID_ARGUMENT &&
	    strcmp(detail, "localId is missing") == 0)
		fixed = "localId is missing";
	else if (code == ERR_INVALID_EMAIL)
		fixed = "email is invalid";
	else if (code == ERR_INVALID_PHONE_NUMBER)
		fixed = "phone number format is invalid";
	else if (code == ERR_DUPLICATE_LOCAL_ID)
		fixed = "localId belongs to an existing account - can not "
		    "overwrite.";
	if (fixed != NULL)
		snprintf(out, outlen, "%s", fixed);
	else
		snprintf(out, outlen, "%s%s%s", errors_info(code)->code,
		    detail[0] ? " : " : "", detail);
}

/*
 * POST .../accounts:batchCreate {users: [...]}: each user stands alone;
 * the ones that fail are listed in error[] ({index, message}) as Google
 * answers, the rest are created.
 */
void
admin_accounts_batch_create(struct request *req)
{
	struct store *st = req->emu->store;
	struct json_object *users = NULL, *errors, *body;
	struct reqparse_field f[] = { { "users", RP_ARRAY, &users } };
	struct admin_realm r;

	realm_of(req, &r);
	if (reqparse_fields_or_reply(req, req->json, NULL, f, 1))
		return;
	if (users == NULL || json_object_array_length(users) == 0) {
		reply_error(req, ERR_MISSING_USER_ACCOUNT, NULL);
		return;
	}
	if (json_object_array_length(users) > BATCH_MAX_USERS) {
		reply_error(req, ERR_INVALID_ARGUMENT, "at most %d users in "
		    "one batchCreate", BATCH_MAX_USERS);
		return;
	}
	/* The same localId twice refuses the whole request, as Google does. */
	{
		struct json_object *seen = json_object_new_object();

		for (size_t i = 0; i < json_object_array_length(users); i++) {
			const char *uid = str_member(
			    json_object_array_get_idx(users, i), "localId");

			if (uid == NULL || *uid == '\0')
				continue;
			if (json_object_object_get_ex(seen, uid, NULL)) {
				json_object_put(seen);
				reply_error(req, ERR_DUPLICATE_LOCAL_ID, "%.128s",
				    uid);
				return;
			}
			json_object_object_add(seen, uid, NULL);
		}
		json_object_put(seen);
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	errors = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(users); i++) {
		struct json_object *u = json_object_array_get_idx(users, i);
		char uid[STORE_ID_MAX + 1], detail[512] = "", msg[640];
		enum err_code code;

		if (store_savepoint(st) != STORE_OK) {
			json_object_put(errors);
			txn_fail(req);
			return;
		}
		/* batchCreate needs the localId; create generates none. */
		if (json_object_is_type(u, json_type_object) &&
		    reqparse_empty(str_member(u, "localId"))) {
			code = ERR_INVALID_ARGUMENT;
			snprintf(detail, sizeof(detail), "localId is missing");
		} else {
			code = create_one(req, &r, u, uid, detail,
			    sizeof(detail));
		}
		if (code == ERR__COUNT) {
			if (store_savepoint_release(st) != STORE_OK) {
				json_object_put(errors);
				txn_fail(req);
				return;
			}
			continue;
		}
		/* Failed, the item may be half applied: the batch stops. */
		if (store_savepoint_rollback(st) != STORE_OK) {
			json_object_put(errors);
			txn_fail(req);
			return;
		}
		{
			struct json_object *e = json_object_new_object();

			batch_message(code, detail, msg, sizeof(msg));
			json_object_object_add(e, "index",
			    json_object_new_int((int)i));
			json_object_object_add(e, "message",
			    json_object_new_string(msg));
			json_object_array_add(errors, e);
		}
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(errors);
		return;
	}
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#UploadAccountResponse"));
	if (json_object_array_length(errors) > 0)
		json_object_object_add(body, "error", errors);
	else
		json_object_put(errors);
	reply_json(req, 200, body);
}

struct page {
	struct request *req;
	struct json_object *users;
	int64_t last_id;
	int failed;
};

static int
page_add(const struct store_user *u, void *arg)
{
	struct page *pg = arg;
	struct json_object *info = account_mfa_info(pg->req->emu->store, u->id,
	    false);

	if (info == NULL) {
		pg->failed = 1;
		return 1;
	}
	json_object_array_add(pg->users, user_info_json(u, info));
	pg->last_id = u->id;
	return 0;
}

/*
 * GET .../accounts:batchGet?maxResults=N&nextPageToken=T: users in a
 * stable order; the token is opaque (the last row id seen).
 */
void
admin_accounts_batch_get(struct request *req)
{
	const char *max = http_server_query(req, "maxResults");
	const char *token = http_server_query(req, "nextPageToken");
	struct page pg = { .req = req };
	struct admin_realm r;
	struct json_object *body;
	long long after = 0, limit = PAGE_MAX;
	char *end, next[32];

	realm_of(req, &r);
	if (max != NULL && *max != '\0') {
		errno = 0;
		limit = strtoll(max, &end, 10);
		if (errno != 0 || *end != '\0' || limit < 1 ||
		    limit > PAGE_MAX) {
			reply_error(req, ERR_INVALID_ARGUMENT, "maxResults must "
			    "be 1-%d", PAGE_MAX);
			return;
		}
	}
	if (token != NULL && *token != '\0') {
		errno = 0;
		after = strtoll(token, &end, 10);
		if (errno != 0 || *end != '\0' || after < 0) {
			reply_error(req, ERR_INVALID_PAGE_SELECTION, NULL);
			return;
		}
	}
	if (txn_begin_or_reply(req) != 0 || realm_exists_or_reply(req, &r))
		return;
	pg.users = json_object_new_array();
	if (store_user_page(req->emu->store, r.project, r.tenant, after,
	    (int)limit, page_add, &pg) != STORE_OK || pg.failed) {
		json_object_put(pg.users);
		txn_fail(req);
		return;
	}
	store_rollback(req->emu->store);
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#DownloadAccountResponse"));
	if ((long long)json_object_array_length(pg.users) == limit) {
		snprintf(next, sizeof(next), "%lld", (long long)pg.last_id);
		json_object_object_add(body, "nextPageToken",
		    json_object_new_string(next));
	}
	if (json_object_array_length(pg.users) > 0)
		json_object_object_add(body, "users", pg.users);
	else
		json_object_put(pg.users);
	reply_json(req, 200, body);
}
