/*
 * accounts.update for the signed-in user (the SDK's updateProfile,
 * updatePassword, updateEmail, unlink and, on old SDKs, linking an email
 * and password to an anonymous user). A body with an oobCode applies an
 * out-of-band code instead (accounts_update_oob).
 *   POST /v1/accounts:update
 *
 * Choices where Google is unclear (see the README): displayName or
 * photoUrl given as JSON null deletes it, as production does; changing
 * the password or email needs a recent sign-in (--recent-login) and ends
 * the user's other sessions; new tokens come back whenever the caller
 * asks (returnSecureToken) or the change ended the presented one, and
 * keep its session (sign-in time, second factor, claims).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "password.h"
#include "reply.h"
#include "reqparse.h"

/* Identity Toolkit's floor for a password's length. */
#define UPDATE_PASSWORD_MIN 6

struct update {
	const char *id_token, *oob_code, *email, *password, *name, *photo;
	const char *tenant, *custom_attrs;
	int return_tokens, disable;
	bool del_name, del_photo, del_password, del_email;
	struct json_object *del_attr, *del_provider;
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
};

/* 1 when member `k` of the body is present as JSON null. */
static bool
null_member(struct json_object *body, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(body, k, &v) && v == NULL;
}

/* The values of Google's SetAccountInfoRequest.UserAttributeName. */
static const char *const attribute_names[] = {
	"USER_ATTRIBUTE_NAME_UNSPECIFIED", "EMAIL", "DISPLAY_NAME",
	"PROVIDER", "PHOTO_URL", "PASSWORD", "RAW_USER_INFO", NULL
};

/* 1 when `v` is one of the NULL-ended `values`. */
static int
enum_value(const char *const *values, const char *v)
{
	for (; *values != NULL; values++) {
		if (strcmp(*values, v) == 0)
			return 1;
	}
	return 0;
}

/* deleteAttribute's values: Google's enum, minus what has no meaning here. */
static int
delete_attrs_or_reply(struct request *req, struct update *up)
{
	for (size_t i = 0; up->del_attr != NULL &&
	    i < json_object_array_length(up->del_attr); i++) {
		struct json_object *v = json_object_array_get_idx(up->del_attr,
		    i);
		const char *a = json_object_get_string(v);

		/* Not a UserAttributeName: Google's front end refuses it. */
		if (!json_object_is_type(v, json_type_string) ||
		    !enum_value(attribute_names, a)) {
			reply_error(req, ERR_INVALID_JSON_VALUE, "Invalid "
			    "value at 'delete_attribute[%zu]' (TYPE_ENUM), "
			    "%.60s", i, json_object_to_json_string_ext(v,
			    JSON_C_TO_STRING_PLAIN));
			return -1;
		}
		if (strcmp(a, "DISPLAY_NAME") == 0)
			up->del_name = true;
		else if (strcmp(a, "PHOTO_URL") == 0)
			up->del_photo = true;
		else if (strcmp(a, "PASSWORD") == 0)
			up->del_password = true;
		else if (strcmp(a, "EMAIL") == 0)
			up->del_email = true;
		else {
			reply_error(req, ERR_INVALID_ARGUMENT,
			    "deleteAttribute '%.40s' is not supported: "
			    "DISPLAY_NAME, PHOTO_URL, PASSWORD or EMAIL", a);
			return -1;
		}
	}
	return 0;
}

/* deleteProvider must be a list of provider ids. */
static int
delete_providers_or_reply(struct request *req, const struct update *up)
{
	for (size_t i = 0; up->del_provider != NULL &&
	    i < json_object_array_length(up->del_provider); i++) {
		struct json_object *v = json_object_array_get_idx(
		    up->del_provider, i);

		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > STORE_PROVIDER_MAX) {
			reply_error(req, ERR_INVALID_ARGUMENT, "Invalid "
			    "value at 'deleteProvider[%zu]' (a provider id)", i);
			return -1;
		}
	}
	return 0;
}

/* The values Google refuses before looking at the token, in its order. */
static int
values_or_reply(struct request *req, struct update *up)
{
	up->del_name = null_member(req->json, "displayName");
	up->del_photo = null_member(req->json, "photoUrl");
	/* Neither a change (idToken) nor a code to apply (oobCode). */
	if (reqparse_empty(up->id_token)) {
		reply_error(req, ERR_INVALID_REQ_TYPE, "give an idToken to "
		    "change the account or an oobCode to apply");
		return -1;
	}
	if (up->custom_attrs != NULL) {
		reply_error(req, ERR_INSUFFICIENT_PERMISSION,
		    "customAttributes need the Admin API");
		return -1;
	}
	if (up->disable >= 0) {
		reply_error(req, ERR_OPERATION_NOT_ALLOWED, "disableUser needs "
		    "the Admin API");
		return -1;
	}
	if (up->email != NULL && !account_valid_email(up->email)) {
		reply_error(req, ERR_INVALID_EMAIL, NULL);
		return -1;
	}
	if (up->password != NULL &&
	    strlen(up->password) < UPDATE_PASSWORD_MIN) {
		reply_error(req, ERR_WEAK_PASSWORD, "Password should be at "
		    "least %d characters", UPDATE_PASSWORD_MIN);
		return -1;
	}
	if ((up->name != NULL && strlen(up->name) > STORE_TEXT_MAX) ||
	    (up->photo != NULL && strlen(up->photo) > STORE_URL_MAX)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "displayName (%d) or "
		    "photoUrl (%d characters) is too long", STORE_TEXT_MAX,
		    STORE_URL_MAX);
		return -1;
	}
	return delete_attrs_or_reply(req, up) ||
	    delete_providers_or_reply(req, up);
}

/* Inside the transaction: may this session change the email? */
static int
email_change_or_reply(struct request *req, const struct update *up,
    struct account_ctx *ctx)
{
	int n;

	if (ctx->set.email_privacy)
		return txn_refuse(req, false, ERR_OPERATION_NOT_ALLOWED,
		    "Please verify the new email before changing email.");
	if ((n = account_enrollment_count(req->emu->store, ctx->user.id)) < 0) {
		txn_fail(req);
		return -1;
	}
	if (n > 0)
		return txn_refuse(req, false,
		    ERR_EMAIL_CHANGE_NEEDS_VERIFICATION, "Multi-factor users "
		    "must always have a verified email");
	return account_email_free_or_reply(req, &ctx->user, up->email);
}

/* The changes in memory; true in *revoke when other sessions must end. */
static void
apply_fields(const struct update *up, struct account_ctx *ctx, bool *revoke)
{
	struct store_user *u = &ctx->user;

	if (up->name != NULL)
		snprintf(u->display_name, sizeof(u->display_name), "%s",
		    up->name);
	if (up->photo != NULL)
		snprintf(u->photo_url, sizeof(u->photo_url), "%s", up->photo);
	if (up->del_name)
		u->display_name[0] = '\0';
	if (up->del_photo)
		u->photo_url[0] = '\0';
	if (up->email != NULL) {
		if (strcasecmp(u->email, up->email) != 0)
			u->email_verified = 0;
		snprintf(u->email, sizeof(u->email), "%s", up->email);
	}
	if (up->del_email) {
		u->email[0] = '\0';
		u->email_verified = 0;
		u->email_link_signin = 0;
	}
	*revoke = up->email != NULL || up->password != NULL || up->del_email;
	if (*revoke)
		u->valid_since = ctx->now / 1000 * 1000;
}

/* Inside the transaction: providers unlinked, password set or removed. */
static int
store_changes(struct store *st, const struct update *up,
    struct account_ctx *ctx, bool unlink_password)
{
	int64_t id = ctx->user.id;
	int r = store_user_update(st, &ctx->user);

	for (size_t i = 0; r == STORE_OK && up->del_provider != NULL &&
	    i < json_object_array_length(up->del_provider); i++) {
		const char *p = json_object_get_string(
		    json_object_array_get_idx(up->del_provider, i));

		if (strcmp(p, "password") != 0 && strcmp(p, "phone") != 0 &&
		    store_provider_delete(st, id, p) == STORE_ERROR)
			r = STORE_ERROR;
	}
	if (r == STORE_OK && (up->del_password || unlink_password))
		r = store_user_clear_password(st, id);
	if (r == STORE_OK && up->password != NULL)
		r = store_user_set_password(st, id, up->salt, sizeof(up->salt),
		    up->hash, sizeof(up->hash), ctx->now);
	if (r == STORE_OK)
		r = store_user_get(st, id, &ctx->user);
	return r;
}

/* Inside the transaction: check, apply and store; *revoke as above. */
static int
change_or_reply(struct request *req, struct update *up,
    struct account_ctx *ctx, bool *revoke)
{
	bool sensitive = up->email != NULL || up->password != NULL;
	bool unlink_password = reqparse_array_holds(up->del_provider,
	    "password");
	int r;

	if (sensitive && account_recent_login_or_reply(req, ctx) != 0)
		return -1;
	if (up->email != NULL && strcasecmp(up->email, ctx->user.email) != 0 &&
	    email_change_or_reply(req, up, ctx) != 0)
		return -1;
	apply_fields(up, ctx, revoke);
	if (reqparse_array_holds(up->del_provider, "phone"))
		ctx->user.phone_number[0] = '\0';
	if (unlink_password && up->email == NULL) {
		/* Unlinking "password" takes the email with it. */
		ctx->user.email[0] = '\0';
		ctx->user.email_verified = 0;
		ctx->user.email_link_signin = 0;
	}
	r = store_changes(req->emu->store, up, ctx, unlink_password);
	return account_stored_or_reply(req, r);
}

/* The answer: the user as it is now, and new tokens when wanted. */
static void
reply_updated(struct request *req, const struct update *up,
    struct account_ctx *ctx, bool revoke)
{
	struct json_object *body = account_set_info_body(req->emu->store,
	    &ctx->user);
	struct account_session sess;
	struct account_tokens tok;

	if (body == NULL) {
		txn_fail(req);
		return;
	}
	if (!up->return_tokens && !revoke) {
		if (txn_commit_or_reply(req) == 0)
			reply_json(req, 200, body);
		else
			json_object_put(body);
		return;
	}
	account_ctx_session(ctx, &sess);
	if (up->password != NULL)
		sess.sign_in_provider = "password";
	if (account_issue_tokens_or_reply(req, &ctx->user, &sess, ctx->now,
	    &tok) != 0) {
		json_object_put(body);
		return;
	}
	account_add_tokens(body, &tok);
	free(tok.id_token);
	reply_json(req, 200, body);
}

void
accounts_update(struct request *req)
{
	struct update up = { .disable = -1 };
	struct reqparse_field f[] = {
		{ "idToken", RP_STRING, &up.id_token },
		{ "oobCode", RP_STRING, &up.oob_code },
		{ "email", RP_STRING, &up.email },
		{ "password", RP_STRING, &up.password },
		{ "displayName", RP_STRING, &up.name },
		{ "photoUrl", RP_STRING, &up.photo },
		{ "deleteAttribute", RP_ARRAY, &up.del_attr },
		{ "deleteProvider", RP_ARRAY, &up.del_provider },
		{ "returnSecureToken", RP_BOOL, &up.return_tokens },
		{ "tenantId", RP_STRING, &up.tenant },
		{ "customAttributes", RP_STRING, &up.custom_attrs },
		{ "disableUser", RP_BOOL, &up.disable },
	};
	struct account_ctx ctx;
	bool revoke = false;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (!reqparse_empty(up.oob_code)) {
		accounts_update_oob(req);
		return;
	}
	if (values_or_reply(req, &up) != 0)
		return;
	if (up.password != NULL && password_hash(up.password, up.salt,
	    up.hash) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "hashing failed");
		return;
	}
	if (account_resolve_or_reply(req, up.id_token, up.tenant, &ctx) == 0 &&
	    change_or_reply(req, &up, &ctx, &revoke) == 0)
		reply_updated(req, &up, &ctx, revoke);
	OPENSSL_cleanse(up.hash, sizeof(up.hash));
}
