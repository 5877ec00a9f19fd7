/* What the Admin API's account routes share. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/admin_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "phone.h"
#include "reply.h"
#include "reqparse.h"
#include "store.h"
#include "tokens.h"
#include "user_import.h"

void
admin_realm_of(struct request *req, struct admin_realm *r)
{
	r->project = req->captures[0];
	r->tenant = req->ncaptures > 1 ? req->captures[1] : "";
}

int
admin_realm_exists_or_reply(struct request *req, const struct admin_realm *r)
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
	if (rc == STORE_NOT_FOUND)
		return txn_refuse(req, false, ERR_TENANT_NOT_FOUND, NULL);
	txn_fail(req);
	return -1;
}

const char *
admin_str_member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int
admin_mfa_phones_valid(struct json_object *mfa)
{
	struct json_object *v;

	if (mfa == NULL || !json_object_is_type(mfa, json_type_array))
		return 1;
	for (size_t i = 0; i < json_object_array_length(mfa); i++) {
		struct json_object *e = json_object_array_get_idx(mfa, i);

		if (json_object_object_get_ex(e, "phoneInfo", &v) &&
		    (!json_object_is_type(v, json_type_string) ||
		    !phone_valid(json_object_get_string(v))))
			return 0;
	}
	return 1;
}

/* The Admin API's own checks of a new user, in Google's order and words. */
static enum err_code
check_formats(struct json_object *in, char *detail, size_t dlen)
{
	const char *email = admin_str_member(in, "email");
	const char *phone = admin_str_member(in, "phoneNumber");
	const char *password = admin_str_member(in, "password");
	struct json_object *mfa;

	if (email != NULL && !account_valid_email(email)) {
		snprintf(detail, dlen, "email '%.100s'", email);
		return ERR_INVALID_EMAIL;
	}
	if (password != NULL && strlen(password) < 6) {
		snprintf(detail, dlen, "Password should be at least 6 "
		    "characters");
		return ERR_WEAK_PASSWORD;
	}
	if (phone != NULL && !phone_valid(phone)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_PHONE_NUMBER;
	}
	if (json_object_object_get_ex(in, "mfaInfo", &mfa) &&
	    !admin_mfa_phones_valid(mfa)) {
		snprintf(detail, dlen, "Invalid format.");
		return ERR_INVALID_MFA_PHONE_NUMBER;
	}
	return ERR__NONE;
}

/* The localId, email and phone number must be free in the realm. */
static enum err_code
check_free(struct store *st, const struct admin_realm *r, const char *uid,
    struct json_object *in, char *detail, size_t dlen)
{
	const char *email = admin_str_member(in, "email");
	const char *phone = admin_str_member(in, "phoneNumber");
	struct store_user existing;

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
	return ERR__NONE;
}

enum err_code
admin_create_user(struct user_import *imp, const struct admin_realm *r,
    struct json_object *in, char uid_out[STORE_ID_MAX + 1], char *detail,
    size_t dlen)
{
	struct user_import_target target = { .tenant = r->tenant };
	struct user_import_error err;
	enum err_code code;
	char gen[32];

	if (!json_object_is_type(in, json_type_object)) {
		snprintf(detail, dlen, "a user must be an object");
		return ERR_INVALID_ARGUMENT;
	}
	target.local_id = admin_str_member(in, "localId");
	if (reqparse_empty(target.local_id)) {
		if (tokens_random_id(gen) != 0) {
			snprintf(detail, dlen, "RAND_bytes failed");
			return ERR_INTERNAL_ERROR;
		}
		target.local_id = gen;
	}
	if ((code = check_formats(in, detail, dlen)) != ERR__NONE ||
	    (code = check_free(imp->emu->store, r, target.local_id, in,
	    detail, dlen)) != ERR__NONE)
		return code;
	switch (user_import_user(imp, in, &target, &err)) {
	case USER_IMPORT_INSERTED:
		snprintf(uid_out, STORE_ID_MAX + 1, "%s", target.local_id);
		return ERR__NONE;
	case USER_IMPORT_SKIPPED:	/* stored already; check_free saw to it */
		snprintf(detail, dlen, "localId '%.128s'", target.local_id);
		return ERR_DUPLICATE_LOCAL_ID;
	case USER_IMPORT_FAILED:
		break;
	}
	user_import_error_text(&err, "", detail, dlen);
	return err.code;
}

int
admin_delete_user(struct store *st, const struct admin_realm *r,
    const char *uid)
{
	struct store_user u;
	int rc = store_user_find(st, r->project, r->tenant, uid, &u);

	return rc == STORE_OK ? store_user_delete(st, u.id) : rc;
}
