/*
 * accounts.resetPassword: with {oobCode} alone, say what a code is for
 * without using it (SDK checkActionCode, verifyPasswordResetCode); with
 * {oobCode, newPassword}, apply a PASSWORD_RESET code (SDK
 * confirmPasswordReset): the new password, the email verified (the user
 * read the mail), and every earlier session revoked.
 * POST /v1/accounts:resetPassword
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "handlers/oob_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "password.h"
#include "reply.h"
#include "reqparse.h"

struct reset {
	const char *code, *new_password, *tenant;
	uint8_t salt[PASSWORD_SALT_LEN], hash[PASSWORD_HASH_LEN];
	struct store_oob oob;
	int64_t now;
};

/* Google's answer: what the code is for (new object, owned). */
static struct json_object *
code_info(const struct store_oob *o)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#ResetPasswordResponse"));
	json_object_object_add(body, "requestType",
	    json_object_new_string(o->request_type));
	/* As the Firebase Auth Emulator: a sign-in link names no account. */
	if (strcmp(o->request_type, "EMAIL_SIGNIN") != 0)
		json_object_object_add(body, "email",
		    json_object_new_string(o->email));
	if (o->new_email[0] != '\0')
		json_object_object_add(body, "newEmail",
		    json_object_new_string(o->new_email));
	return body;
}

/* Inside the transaction: the code's user takes the new password. */
static int
apply_or_reply(struct request *req, struct reset *rs)
{
	struct store *st = req->emu->store;
	struct store_user u;
	int r;

	if (strcmp(rs->oob.request_type, "PASSWORD_RESET") != 0)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "the code "
		    "is a %s code, not a password reset", rs->oob.request_type);
	r = store_user_find_email(st, rs->oob.project_id, rs->oob.tenant_id,
	    rs->oob.email, &u);
	if (txn_check_or_reply(req, r))
		return -1;
	if (r == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_EMAIL_NOT_FOUND, "no user "
		    "has the code's email any more");
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
	    u.local_id);
	if (u.disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	u.email_verified = 1;
	/* Whole seconds, as Identity Toolkit's validSince. */
	u.valid_since = rs->now - rs->now % 1000;
	r = store_user_set_password(st, u.id, rs->salt, sizeof(rs->salt),
	    rs->hash, sizeof(rs->hash), rs->now);
	if (r == STORE_OK)
		r = store_user_update(st, &u);
	if (r == STORE_OK)
		r = store_oob_use(st, rs->oob.code, rs->now);
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return txn_commit_or_reply(req);
}

static void
reset(struct request *req, struct reset *rs)
{
	struct emu *emu = req->emu;

	if (rs->new_password != NULL && strlen(rs->new_password) < 6) {
		reply_error(req, ERR_WEAK_PASSWORD, "Password should be at "
		    "least 6 characters");
		return;
	}
	/* Hashing is no store work: done before the transaction. */
	if (rs->new_password != NULL &&
	    password_hash(rs->new_password, rs->salt, rs->hash) != 0) {
		reply_error(req, ERR_INTERNAL_ERROR, "hashing failed");
		return;
	}
	if (txn_begin_at_or_reply(req, &rs->now) != 0)
		return;
	if (oob_code_or_reply(req, rs->code, emu->cfg.project, rs->tenant,
	    rs->now, &rs->oob))
		return;
	if (rs->new_password == NULL) {
		/* Inspecting uses nothing up. */
		store_rollback(emu->store);
		reply_json(req, 200, code_info(&rs->oob));
		return;
	}
	if (apply_or_reply(req, rs) == 0)
		reply_json(req, 200, code_info(&rs->oob));
}

void
accounts_reset_password(struct request *req)
{
	struct reset rs = { 0 };
	const char *email = NULL, *old_password = NULL;
	struct reqparse_field f[] = {
		{ "oobCode", RP_STRING, &rs.code, ERR_MISSING_OOB_CODE },
		{ "newPassword", RP_STRING, &rs.new_password },
		{ "email", RP_STRING, &email },
		{ "oldPassword", RP_STRING, &old_password },
		{ "tenantId", RP_STRING, &rs.tenant },
	};

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])))
		return;
	if (reqparse_empty(rs.new_password))
		rs.new_password = NULL;
	if (reqparse_empty(rs.tenant))
		rs.tenant = "";
	reset(req, &rs);
	OPENSSL_cleanse(rs.hash, sizeof(rs.hash));
}
