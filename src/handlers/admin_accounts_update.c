/*
 * The Admin API's accounts.update (firebase-admin updateUser, and
 * revokeRefreshTokens through validSince):
 *   POST /v1/projects/{p}[/tenants/{t}]/accounts:update
 * email, password, displayName, phoneNumber, emailVerified, disableUser,
 * deleteAttribute, deleteProvider, validSince, mfa.enrollments,
 * customAttributes (setCustomUserClaims).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/admin_common.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "id_token.h"
#include "password.h"
#include "phone.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"
#include "user_import.h"

/* The request's members; strings borrowed from it. */
struct update_in {
	const char *uid, *email, *password, *name, *phone, *photo, *claims;
	int verified, disable;		/* -1: absent */
	int clear_claims;		/* claims is "" or "{}" */
	/* Absent: reqparse refuses INT64_MIN, so no client can send it. */
	int64_t valid_since;
	struct json_object *mfa, *enrollments, *del_attr, *del_provider;
};

/*
 * customAttributes (NULL: absent): stored for the user's ID tokens and
 * lookups; "" or "{}" clears them.
 */
static int
check_claims_or_reply(struct request *req, const char *text, int *clear)
{
	char detail[128];
	enum err_code code;

	if (text == NULL)
		return 0;
	code = id_token_check_custom_claims(text, clear, detail,
	    sizeof(detail));
	if (code == ERR__NONE)
		return 0;
	reply_error(req, code, "%s", detail);
	return -1;
}

/* The values Google refuses before looking the user up, in its order. */
static int
check_values_or_reply(struct request *req, struct update_in *in)
{
	enum err_code code = ERR__NONE;
	const char *detail = NULL;

	if (in->email != NULL && !account_valid_email(in->email)) {
		code = ERR_INVALID_EMAIL;
	} else if (!reqparse_empty(in->phone) && !phone_valid(in->phone)) {
		code = ERR_INVALID_PHONE_NUMBER;
		detail = "Invalid format.";
	} else if (in->password != NULL && strlen(in->password) < 6) {
		code = ERR_WEAK_PASSWORD;
		detail = "Password should be at least 6 characters";
	} else if (in->name != NULL && strlen(in->name) > STORE_TEXT_MAX) {
		code = ERR_INVALID_ARGUMENT;
		detail = "displayName is too long";
	} else if (in->photo != NULL && strlen(in->photo) > STORE_URL_MAX) {
		code = ERR_INVALID_ARGUMENT;
		detail = "photoUrl is too long";
	} else if (in->valid_since != INT64_MIN && (in->valid_since < 0 ||
	    in->valid_since > INT64_MAX / 1000)) {
		/* Seconds, kept in ms: past INT64_MAX / 1000 it overflows. */
		reply_error(req, ERR_INVALID_ARGUMENT, "validSince must be "
		    "0-%lld seconds", (long long)(INT64_MAX / 1000));
		return -1;
	}
	if (code == ERR__NONE)
		return check_claims_or_reply(req, in->claims,
		    &in->clear_claims);
	reply_error(req, code, detail ? "%s" : NULL, detail);
	return -1;
}

static int
read_update_or_reply(struct request *req, struct update_in *in)
{
	struct reqparse_field mf[] = {
		{ "enrollments", RP_ARRAY, &in->enrollments },
	};
	struct reqparse_field f[] = {
		{ "localId", RP_STRING, &in->uid, ERR_MISSING_LOCAL_ID },
		{ "email", RP_STRING, &in->email },
		{ "password", RP_STRING, &in->password },
		{ "displayName", RP_STRING, &in->name },
		{ "photoUrl", RP_STRING, &in->photo },
		{ "phoneNumber", RP_STRING, &in->phone },
		{ "emailVerified", RP_BOOL, &in->verified },
		{ "disableUser", RP_BOOL, &in->disable },
		{ "validSince", RP_INT, &in->valid_since },
		{ "mfa", RP_OBJECT, &in->mfa, .sub = mf, .nsub = 1 },
		{ "deleteAttribute", RP_ARRAY, &in->del_attr },
		{ "deleteProvider", RP_ARRAY, &in->del_provider },
		{ "customAttributes", RP_STRING, &in->claims },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return -1;
	return check_values_or_reply(req, in);
}

/* `in` applied to user u (in memory); its email and phone must be free. */
static enum err_code
change_user(struct store *st, const struct admin_realm *r,
    const struct update_in *in, struct store_user *u)
{
	struct store_user other;

	if (in->email != NULL && store_user_find_email(st, r->project,
	    r->tenant, in->email, &other) == STORE_OK && other.id != u->id)
		return ERR_EMAIL_EXISTS;
	if (!reqparse_empty(in->phone) && store_user_find_phone(st,
	    r->project, r->tenant, in->phone, &other) == STORE_OK &&
	    other.id != u->id)
		return ERR_PHONE_NUMBER_EXISTS;
	if (in->email != NULL)
		snprintf(u->email, sizeof(u->email), "%s", in->email);
	if (in->phone != NULL)
		snprintf(u->phone_number, sizeof(u->phone_number), "%s",
		    in->phone);
	if (in->name != NULL)
		snprintf(u->display_name, sizeof(u->display_name), "%s",
		    in->name);
	if (in->photo != NULL)
		snprintf(u->photo_url, sizeof(u->photo_url), "%s", in->photo);
	if (reqparse_array_holds(in->del_attr, "DISPLAY_NAME"))
		u->display_name[0] = '\0';
	if (reqparse_array_holds(in->del_attr, "PHOTO_URL"))
		u->photo_url[0] = '\0';
	if (reqparse_array_holds(in->del_provider, "phone"))
		u->phone_number[0] = '\0';
	if (in->verified >= 0)
		u->email_verified = in->verified;
	if (in->disable >= 0)
		u->disabled = in->disable;
	if (in->valid_since != INT64_MIN)
		u->valid_since = in->valid_since * 1000;
	if (in->claims != NULL)
		snprintf(u->custom_attributes, sizeof(u->custom_attributes),
		    "%s", in->clear_claims ? "" : in->claims);
	return ERR__NONE;
}

static int
set_password(struct store *st, int64_t user_id, const char *password,
    int64_t now)
{
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
	int rc = -1;

	if (password_hash(password, salt, hash) == 0 &&
	    store_user_set_password(st, user_id, salt, sizeof(salt), hash,
	    sizeof(hash), now) == STORE_OK)
		rc = 0;
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

/* Replace the user's factors with `enrollments` (NULL: none). */
static enum err_code
replace_enrollments(struct emu *emu, const struct store_user *u,
    struct json_object *enrollments, char *detail, size_t dlen)
{
	struct user_import imp;
	struct user_import_error err;
	int rc;

	if (store_enrollment_clear(emu->store, u->id) != STORE_OK)
		return ERR_SERVICE_UNAVAILABLE;
	if (enrollments == NULL)
		return ERR__NONE;
	if (!admin_mfa_phones_valid(enrollments)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_MFA_PHONE_NUMBER;
	}
	if (user_import_begin(&imp, emu, u->project_id, &err) != 0)
		return err.code;
	rc = user_import_enrollments(&imp, u, enrollments, &err);
	user_import_end(&imp);
	if (rc == 0)
		return ERR__NONE;
	user_import_error_text(&err, "mfa.enrollments", detail, dlen);
	return err.code;
}

/*
 * Inside the transaction: apply `in` to its user. Returns ERR__NONE, the
 * code to reply with, or SERVICE_UNAVAILABLE when the store failed.
 */
/* Federated providers named in deleteProvider; "phone" is the field's. */
static int
unlink_providers(struct store *st, const struct store_user *u,
    struct json_object *list)
{
	for (size_t i = 0; list != NULL && i < json_object_array_length(list);
	    i++) {
		const char *p = json_object_get_string(
		    json_object_array_get_idx(list, i));

		if (p != NULL && strcmp(p, "phone") != 0 &&
		    store_provider_delete(st, u->id, p) == STORE_ERROR)
			return -1;
	}
	return 0;
}

/*
 * Inside the transaction: apply `in` to its user, left in *u. Returns
 * ERR__NONE, the code to reply with, or SERVICE_UNAVAILABLE when the
 * store failed.
 */
static enum err_code
update_user(struct emu *emu, const struct admin_realm *r,
    const struct update_in *in, struct store_user *u, char *detail,
    size_t dlen)
{
	int64_t now = clock_now_ms(&emu->clock);
	enum err_code code;
	int rc = store_user_find(emu->store, r->project, r->tenant, in->uid,
	    u);

	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? ERR_USER_NOT_FOUND :
		    ERR_SERVICE_UNAVAILABLE;
	if ((code = change_user(emu->store, r, in, u)) != ERR__NONE)
		return code;
	/* A new password revokes the sessions, as Identity Toolkit does. */
	if (in->password != NULL && in->valid_since == INT64_MIN)
		u->valid_since = now / 1000 * 1000;
	rc = store_user_update(emu->store, u);
	if (rc != STORE_OK)
		return rc == STORE_EXISTS ? ERR_EMAIL_EXISTS :
		    ERR_SERVICE_UNAVAILABLE;
	if ((in->password != NULL &&
	    set_password(emu->store, u->id, in->password, now) != 0) ||
	    unlink_providers(emu->store, u, in->del_provider) != 0)
		return ERR_SERVICE_UNAVAILABLE;
	if (in->mfa != NULL)
		return replace_enrollments(emu, u, in->enrollments, detail,
		    dlen);
	return ERR__NONE;
}

void
admin_accounts_update(struct request *req)
{
	struct update_in in = {
		.verified = -1, .disable = -1, .valid_since = INT64_MIN,
	};
	struct admin_realm r;
	struct json_object *body;
	struct store_user u;
	enum err_code code;
	char detail[512] = "";

	admin_realm_of(req, &r);
	if (read_update_or_reply(req, &in) != 0 ||
	    txn_begin_or_reply(req) != 0 ||
	    admin_realm_exists_or_reply(req, &r))
		return;
	code = update_user(req->emu, &r, &in, &u, detail, sizeof(detail));
	if (code == ERR_SERVICE_UNAVAILABLE) {
		txn_fail(req);
		return;
	}
	if (code != ERR__NONE) {
		txn_refuse(req, false, code, detail[0] ? "%s" : NULL, detail);
		return;
	}
	/* The user as it is now, password and providers included. */
	body = store_user_get(req->emu->store, u.id, &u) == STORE_OK ?
	    account_set_info_body(req->emu->store, &u) : NULL;
	txn_commit_reply_json(req, body);
}
