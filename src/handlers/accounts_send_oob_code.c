/*
 * accounts.sendOobCode: mail a code (as a link) that verifies an email,
 * resets a password, signs in by link or changes the email. mfaemu's
 * "mail" is its outbox, GET .../oobCodes (emulator_oob_codes.c).
 * POST /v1/accounts:sendOobCode, and with the Admin API's credential
 * /v1/projects/{p}[/tenants/{t}]/accounts:sendOobCode, which may ask for
 * the link in the answer (returnOobLink).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/oob_common.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"

struct send_oob {
	const char *type, *email, *new_email, *id_token, *continue_url;
	const char *project, *tenant;	/* the realm the code is for */
	int return_link;
	/* Identity Toolkit keeps addresses in lower case. */
	char email_lc[STORE_TEXT_MAX + 1], new_email_lc[STORE_TEXT_MAX + 1];
	struct store_user user;		/* whose email the code is for */
	struct settings set;
	int64_t now;
};

/* `s` (borrowed; NULL or checked to fit) in lower case into out. */
static const char *
lower(const char *s, char *out, size_t cap)
{
	size_t i = 0;

	if (s == NULL)
		return NULL;
	for (; s[i] != '\0' && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
	return out;
}

static int
is_type(const struct send_oob *so, const char *type)
{
	return strcmp(so->type, type) == 0;
}

/* An email member: present (missing_code otherwise) and well formed. */
static int
email_or_reply(struct request *req, const char *email, const char *name,
    enum err_code missing_code)
{
	if (reqparse_empty(email)) {
		reply_error(req, missing_code, NULL);
		return -1;
	}
	if (!account_valid_email(email)) {
		reply_error(req, ERR_INVALID_EMAIL, "%s is not an email "
		    "address", name);
		return -1;
	}
	return 0;
}

/* The realm: the Admin API's URL names it, else the body's tenantId. */
static int
realm_or_reply(struct request *req, struct send_oob *so, const char *tenant)
{
	const char *path_tenant = req->ncaptures > 1 ? req->captures[1] : NULL;

	so->project = req->ncaptures > 0 ? req->captures[0] :
	    req->emu->cfg.project;
	if (reqparse_empty(tenant))
		tenant = "";
	if (path_tenant != NULL && *tenant != '\0' &&
	    strcmp(tenant, path_tenant) != 0) {
		reply_error(req, ERR_TENANT_ID_MISMATCH, "tenantId '%s' is not "
		    "the URL's tenant '%s'", tenant, path_tenant);
		return -1;
	}
	so->tenant = path_tenant ? path_tenant : tenant;
	if (strlen(so->project) > STORE_ID_MAX ||
	    strlen(so->tenant) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_TENANT_ID, NULL);
		return -1;
	}
	return 0;
}

/*
 * 1 when `t` is a value of Google's GetOobCodeRequest.OobReqType; others
 * are refused by Google's front end before the service sees them.
 */
static int
google_req_type(const char *t)
{
	static const char *const names[] = { "OOB_REQ_TYPE_UNSPECIFIED",
	    "PASSWORD_RESET", "OLD_EMAIL_AGREE", "NEW_EMAIL_ACCEPT",
	    "VERIFY_EMAIL", "RECOVER_EMAIL", "EMAIL_SIGNIN",
	    "VERIFY_AND_CHANGE_EMAIL", "REVERT_SECOND_FACTOR_ADDITION" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i], t) == 0)
			return 1;
	}
	return 0;
}

/* Checks that need no store, in the Firebase Auth Emulator's order. */
static int
request_or_reply(struct request *req, struct send_oob *so)
{
	if (so->return_link && !req->admin) {
		reply_error(req, ERR_INSUFFICIENT_PERMISSION, "returnOobLink "
		    "needs the Admin API's credential (Bearer owner)");
		return -1;
	}
	if (!reqparse_empty(so->continue_url) &&
	    !oob_continue_url_valid(so->continue_url)) {
		reply_error(req, ERR_INVALID_CONTINUE_URI, "continueUrl must "
		    "be an absolute URL of at most %d characters",
		    OOB_CONTINUE_URL_MAX);
		return -1;
	}
	if (!reqparse_empty(so->type) && !google_req_type(so->type)) {
		reply_error(req, ERR_INVALID_JSON_VALUE, "Invalid value at "
		    "'request_type' (TYPE_ENUM), \"%.40s\"", so->type);
		return -1;
	}
	if (reqparse_empty(so->type) || !oob_type_known(so->type) ||
	    is_type(so, "RECOVER_EMAIL")) {
		reply_error(req, ERR_MISSING_REQ_TYPE, "requestType must be "
		    "VERIFY_EMAIL, PASSWORD_RESET, EMAIL_SIGNIN or "
		    "VERIFY_AND_CHANGE_EMAIL");
		return -1;
	}
	if (is_type(so, "VERIFY_AND_CHANGE_EMAIL") &&
	    email_or_reply(req, so->new_email, "newEmail",
	    ERR_MISSING_NEW_EMAIL))
		return -1;
	/* An admin may name the user by email instead of an idToken. */
	if ((is_type(so, "VERIFY_EMAIL") ||
	    is_type(so, "VERIFY_AND_CHANGE_EMAIL")) &&
	    reqparse_empty(so->id_token) &&
	    (!req->admin || reqparse_empty(so->email))) {
		/* As the Firebase emulator answers each: VERIFY_EMAIL reads
		 * an empty token, VERIFY_AND_CHANGE_EMAIL asks for one. */
		reply_error(req, is_type(so, "VERIFY_EMAIL") ?
		    ERR_INVALID_ID_TOKEN : ERR_MISSING_ID_TOKEN,
		    "idToken is required");
		return -1;
	}
	if ((is_type(so, "PASSWORD_RESET") || is_type(so, "EMAIL_SIGNIN") ||
	    reqparse_empty(so->id_token)) &&
	    email_or_reply(req, so->email, "email", ERR_MISSING_EMAIL))
		return -1;
	so->email = lower(so->email, so->email_lc, sizeof(so->email_lc));
	so->new_email = lower(so->new_email, so->new_email_lc,
	    sizeof(so->new_email_lc));
	return 0;
}

/*
 * Begin the transaction with the code's user: the idToken's, or the one
 * with that email (PASSWORD_RESET, an admin's VERIFY_*). *found is 0 when
 * no user has the email (EMAIL_SIGNIN, or a reset that may not say so).
 */
static int
user_or_reply(struct request *req, struct send_oob *so, bool *found)
{
	struct account_ctx ctx;
	int r;

	*found = true;
	if (!reqparse_empty(so->id_token)) {
		if (account_resolve_or_reply(req, so->id_token, so->tenant,
		    &ctx) != 0)
			return -1;
		/* Changing the email is one of Google's sensitive actions. */
		if (is_type(so, "VERIFY_AND_CHANGE_EMAIL") &&
		    account_recent_login_or_reply(req, &ctx) != 0)
			return -1;
		so->user = ctx.user;
		so->project = so->user.project_id;
		so->tenant = so->user.tenant_id;
		so->now = ctx.now;
		return 0;
	}
	if (txn_begin_at_or_reply(req, &so->now) != 0)
		return -1;
	if (*so->tenant != '\0') {
		struct store_realm realm;

		r = store_realm_get(req->emu->store, so->project, so->tenant,
		    &realm);
		if (txn_check_or_reply(req, r))
			return -1;
		if (r == STORE_NOT_FOUND)
			return txn_refuse(req, false, ERR_INVALID_TENANT_ID,
			    "tenantId '%s' is not a tenant of project '%s'",
			    so->tenant, so->project);
	}
	r = store_user_find_email(req->emu->store, so->project, so->tenant,
	    so->email, &so->user);
	if (txn_check_or_reply(req, r))
		return -1;
	*found = r == STORE_OK;
	if (!*found && !is_type(so, "PASSWORD_RESET") &&
	    !is_type(so, "EMAIL_SIGNIN"))
		return txn_refuse(req, false, ERR_USER_NOT_FOUND, NULL);
	return 0;
}

/*
 * Inside the transaction: 1 when the code must not be sent though the
 * answer is 200 (email enumeration protection), 0 to send it, -1 after
 * replying.
 */
static int
withhold_or_reply(struct request *req, struct send_oob *so, bool found)
{
	struct store_user other;
	int r;

	if (!found && is_type(so, "PASSWORD_RESET"))
		return so->set.email_privacy ? 1 :
		    txn_refuse(req, false, ERR_EMAIL_NOT_FOUND, NULL);
	if (found && so->user.email[0] == '\0')
		return txn_refuse(req, false, ERR_MISSING_EMAIL, "the user "
		    "has no email");
	if (!is_type(so, "VERIFY_AND_CHANGE_EMAIL"))
		return 0;
	r = store_user_find_email(req->emu->store, so->project, so->tenant,
	    so->new_email, &other);
	if (txn_check_or_reply(req, r))
		return -1;
	if (r == STORE_NOT_FOUND || other.id == so->user.id)
		return 0;
	return so->set.email_privacy ? 1 :
	    txn_refuse(req, false, ERR_EMAIL_EXISTS, NULL);
}

static void
reply_sent(struct request *req, const char *email, const struct store_oob *o)
{
	struct json_object *body = json_object_new_object();

	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#GetOobConfirmationCodeResponse"));
	json_object_object_add(body, "email", json_object_new_string(email));
	if (o != NULL) {
		json_object_object_add(body, "oobCode",
		    json_object_new_string(o->code));
		json_object_object_add(body, "oobLink",
		    json_object_new_string(o->link));
	}
	reply_json(req, 200, body);
}

/* Inside the transaction, the user known: issue the code and reply. */
static void
send_code(struct request *req, struct send_oob *so, bool found)
{
	struct oob_new n = {
		.project = so->project, .tenant = so->tenant,
		.request_type = so->type, .continue_url = so->continue_url,
	};
	struct store_oob o;
	int w;

	if (txn_check_or_reply(req, oob_realm_settings(req, so->project,
	    so->tenant, &so->set)))
		return;
	if ((w = withhold_or_reply(req, so, found)) < 0)
		return;
	n.email = found ? so->user.email : so->email;
	if (found)
		snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s",
		    so->user.local_id);
	if (w == 0 && is_type(so, "VERIFY_AND_CHANGE_EMAIL"))
		n.new_email = so->new_email;
	if (w == 0 && oob_issue_or_reply(req, &n, &so->set, so->now, &o))
		return;
	if (txn_commit_or_reply(req) != 0)
		return;
	reply_sent(req, n.email, w == 0 && so->return_link ? &o : NULL);
}

void
accounts_send_oob_code(struct request *req)
{
	struct send_oob so = { 0 };
	const char *tenant = NULL, *ignored = NULL;
	int flag = 0;
	struct reqparse_field f[] = {
		{ "requestType", RP_STRING, &so.type },
		{ "email", RP_STRING, &so.email },
		{ "newEmail", RP_STRING, &so.new_email },
		{ "idToken", RP_STRING, &so.id_token },
		{ "continueUrl", RP_STRING, &so.continue_url },
		{ "canHandleCodeInApp", RP_BOOL, &flag },
		{ "iOSBundleId", RP_STRING, &ignored },
		{ "iOSAppStoreId", RP_STRING, &ignored },
		{ "androidPackageName", RP_STRING, &ignored },
		{ "androidInstallApp", RP_BOOL, &flag },
		{ "androidMinimumVersion", RP_STRING, &ignored },
		{ "dynamicLinkDomain", RP_STRING, &ignored },
		{ "linkDomain", RP_STRING, &ignored },
		{ "tenantId", RP_STRING, &tenant },
		{ "targetProjectId", RP_STRING, &ignored },
		{ "returnOobLink", RP_BOOL, &so.return_link },
		{ "captchaResp", RP_STRING, &ignored },
		{ "userIp", RP_STRING, &ignored },
		{ "clientType", RP_STRING, &ignored },
		{ "recaptchaVersion", RP_STRING, &ignored },
	};
	bool found;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) || realm_or_reply(req, &so, tenant) ||
	    request_or_reply(req, &so) || user_or_reply(req, &so, &found))
		return;
	send_code(req, &so, found);
}
