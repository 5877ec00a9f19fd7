#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "errors.h"
#include "events.h"
#include "faults.h"
#include "fieldmask.h"
#include "handlers/handlers.h"
#include "hostcheck.h"
#include "http_server.h"
#include "id_token.h"
#include "reply.h"
#include "reqlog.h"
#include "reqparse.h"
#include "router.h"
#include "sysparams.h"
#include "store.h"

#define JWKS_PATH ID_TOKEN_JWKS_PATH
#define X509_PATH ID_TOKEN_X509_PATH

#define IDT API_IDENTITYTOOLKIT
#define EMU API_EMULATOR
#define JK (ROUTE_JSON | ROUTE_KEY)
#define AJ (ROUTE_JSON | ROUTE_ADMIN)
#define PA "/v1/projects/*/accounts"
#define TA "/v1/projects/*/tenants/*/accounts"
#define PT "/v2/projects/*/tenants"
#define P "/emulator/v1/projects/*"
#define T "/emulator/v1/projects/*/tenants/*"
#define FIXTURE_MAX_BODY (64u << 20)

static const struct route routes[] = {
	/* Identity Toolkit and securetoken, as clients call them. */
	{ "accounts.mfaSignIn.start", "POST", IDT,
	    "/v2/accounts/mfaSignIn:start", mfa_signin_start, JK, 0 },
	{ "accounts.mfaSignIn.finalize", "POST", IDT,
	    "/v2/accounts/mfaSignIn:finalize", mfa_signin_finalize, JK, 0 },
	{ "accounts.mfaEnrollment.start", "POST", IDT,
	    "/v2/accounts/mfaEnrollment:start", mfa_enrollment_start, JK, 0 },
	{ "accounts.mfaEnrollment.finalize", "POST", IDT,
	    "/v2/accounts/mfaEnrollment:finalize", mfa_enrollment_finalize, JK,
	    0 },
	{ "accounts.mfaEnrollment.withdraw", "POST", IDT,
	    "/v2/accounts/mfaEnrollment:withdraw", mfa_enrollment_withdraw, JK,
	    0 },
	{ "accounts.signUp", "POST", IDT, "/v1/accounts:signUp",
	    accounts_sign_up, JK, 0 },
	{ "accounts.signInWithPassword", "POST", IDT,
	    "/v1/accounts:signInWithPassword", accounts_sign_in_with_password,
	    JK, 0 },
	{ "accounts.lookup", "POST", IDT, "/v1/accounts:lookup",
	    accounts_lookup, JK, 0 },
	{ "accounts.sendOobCode", "POST", IDT, "/v1/accounts:sendOobCode",
	    accounts_send_oob_code, JK, 0 },
	{ "accounts.resetPassword", "POST", IDT, "/v1/accounts:resetPassword",
	    accounts_reset_password, JK, 0 },
	{ "accounts.signInWithEmailLink", "POST", IDT,
	    "/v1/accounts:signInWithEmailLink",
	    accounts_sign_in_with_email_link, JK, 0 },
	{ "accounts.signInWithIdp", "POST", IDT,
	    "/v1/accounts:signInWithIdp", accounts_sign_in_with_idp, JK, 0 },
	{ "accounts.createAuthUri", "POST", IDT,
	    "/v1/accounts:createAuthUri", accounts_create_auth_uri, JK, 0 },
	{ "accounts.signInWithCustomToken", "POST", IDT,
	    "/v1/accounts:signInWithCustomToken",
	    accounts_sign_in_with_custom_token, JK, 0 },
	{ "accounts.update", "POST", IDT, "/v1/accounts:update",
	    accounts_update, JK, 0 },
	{ "accounts.delete", "POST", IDT, "/v1/accounts:delete",
	    accounts_delete, JK, 0 },
	{ "getRecaptchaConfig", "GET", IDT, "/v2/recaptchaConfig",
	    recaptcha_config, ROUTE_KEY, 0 },
	{ "securetoken.token", "POST", API_SECURETOKEN, "/v1/token",
	    securetoken_token, JK | ROUTE_FORM, 0 },
	{ "keys.jwks", "GET", API_GOOGLEAPIS, JWKS_PATH, keys_jwks, 0, 0 },
	{ "keys.x509", "GET", API_GOOGLEAPIS, X509_PATH, keys_x509, 0, 0 },

	/* The Admin API (firebase-admin in emulator mode). */
	{ "admin.accounts.create", "POST", IDT, PA, admin_accounts_create, AJ,
	    0 },
	{ "admin.accounts.create", "POST", IDT, TA, admin_accounts_create, AJ,
	    0 },
	{ "admin.accounts.lookup", "POST", IDT, PA ":lookup",
	    admin_accounts_lookup, AJ, 0 },
	{ "admin.accounts.lookup", "POST", IDT, TA ":lookup",
	    admin_accounts_lookup, AJ, 0 },
	{ "admin.accounts.update", "POST", IDT, PA ":update",
	    admin_accounts_update, AJ, 0 },
	{ "admin.accounts.update", "POST", IDT, TA ":update",
	    admin_accounts_update, AJ, 0 },
	{ "admin.accounts.delete", "POST", IDT, PA ":delete",
	    admin_accounts_delete, AJ, 0 },
	{ "admin.accounts.delete", "POST", IDT, TA ":delete",
	    admin_accounts_delete, AJ, 0 },
	{ "admin.accounts.batchCreate", "POST", IDT, PA ":batchCreate",
	    admin_accounts_batch_create, AJ, 4u << 20 },
	{ "admin.accounts.batchCreate", "POST", IDT, TA ":batchCreate",
	    admin_accounts_batch_create, AJ, 4u << 20 },
	{ "admin.accounts.batchDelete", "POST", IDT, PA ":batchDelete",
	    admin_accounts_batch_delete, AJ, 0 },
	{ "admin.accounts.batchDelete", "POST", IDT, TA ":batchDelete",
	    admin_accounts_batch_delete, AJ, 0 },
	{ "admin.accounts.batchGet", "GET", IDT, PA ":batchGet",
	    admin_accounts_batch_get, ROUTE_ADMIN, 0 },
	{ "accounts.sendOobCode", "POST", IDT, PA ":sendOobCode",
	    accounts_send_oob_code, AJ, 0 },
	{ "accounts.sendOobCode", "POST", IDT, TA ":sendOobCode",
	    accounts_send_oob_code, AJ, 0 },
	{ "admin.accounts.batchGet", "GET", IDT, TA ":batchGet",
	    admin_accounts_batch_get, ROUTE_ADMIN, 0 },
	{ "admin.config.get", "GET", IDT, "/v2/projects/*/config",
	    admin_config_get, ROUTE_ADMIN, 0 },
	{ "admin.config.update", "PATCH", IDT, "/v2/projects/*/config",
	    admin_config_patch, AJ, 0 },
	{ "admin.tenants.create", "POST", IDT, PT, admin_tenants_create, AJ,
	    0 },
	{ "admin.tenants.list", "GET", IDT, PT, admin_tenants_list,
	    ROUTE_ADMIN, 0 },
	{ "admin.tenants.get", "GET", IDT, PT "/*", admin_tenants_get,
	    ROUTE_ADMIN, 0 },
	{ "admin.tenants.patch", "PATCH", IDT, PT "/*", admin_tenants_patch,
	    AJ, 0 },
	{ "admin.tenants.delete", "DELETE", IDT, PT "/*",
	    admin_tenants_delete, ROUTE_ADMIN, 0 },

	/* The Firebase Auth Emulator's own endpoints. */
	{ "emulator.root", "GET", EMU, "/", emulator_root, 0, 0 },
	{ "emulator.verificationCodes", "GET", EMU, P "/verificationCodes",
	    emulator_verification_codes_list, 0, 0 },
	{ "emulator.verificationCodes", "GET", EMU, T "/verificationCodes",
	    emulator_verification_codes_list, 0, 0 },
	{ "emulator.oobCodes", "GET", EMU, P "/oobCodes",
	    emulator_oob_codes_list, 0, 0 },
	{ "emulator.oobCodes", "GET", EMU, T "/oobCodes",
	    emulator_oob_codes_list, 0, 0 },
	{ "emulator.deleteAccounts", "DELETE", EMU, P "/accounts",
	    emulator_accounts_delete, 0, 0 },
	{ "emulator.deleteAccounts", "DELETE", EMU, T "/accounts",
	    emulator_accounts_delete, 0, 0 },

	/* mfaemu's control plane. */
	{ "control.clearCodes", "DELETE", EMU, P "/verificationCodes",
	    control_verification_codes_clear, 0, 0 },
	{ "control.clearCodes", "DELETE", EMU, T "/verificationCodes",
	    control_verification_codes_clear, 0, 0 },
	{ "control.clearOobCodes", "DELETE", EMU, P "/oobCodes",
	    control_oob_codes_clear, 0, 0 },
	{ "control.clearOobCodes", "DELETE", EMU, T "/oobCodes",
	    control_oob_codes_clear, 0, 0 },
	{ "control.clock", "GET", EMU, "/emulator/v1/clock",
	    control_clock_get, 0, 0 },
	{ "control.clock", "POST", EMU, "/emulator/v1/clock",
	    control_clock_set, ROUTE_JSON, 0 },
	{ "control.mintCredential", "POST", EMU, P "/pendingCredentials",
	    control_credentials_mint, ROUTE_JSON, 0 },
	{ "control.refreshTokens", "GET", EMU, P "/accounts/*/refreshTokens",
	    control_refresh_tokens_list, 0, 0 },
	{ "control.refreshTokens", "GET", EMU, T "/accounts/*/refreshTokens",
	    control_refresh_tokens_list, 0, 0 },
	{ "control.reset", "DELETE", EMU, "/emulator/v1/state",
	    control_state_reset, 0, 0 },
	{ "control.reset", "DELETE", EMU, P, control_state_reset, 0, 0 },
	{ "control.reset", "DELETE", EMU, T, control_state_reset, 0, 0 },
	{ "control.fixtures", "POST", EMU, "/emulator/v1/fixtures",
	    control_fixtures_load, ROUTE_JSON, FIXTURE_MAX_BODY },
	{ "control.export", "GET", EMU, "/emulator/v1/export",
	    control_export, 0, 0 },
	{ "control.config", "GET", EMU, P "/config", control_config_get, 0,
	    0 },
	{ "control.config", "GET", EMU, T "/config", control_config_get, 0,
	    0 },
	{ "control.config", "PATCH", EMU, P "/config", control_config_patch,
	    ROUTE_JSON, 0 },
	{ "control.config", "PATCH", EMU, T "/config", control_config_patch,
	    ROUTE_JSON, 0 },
	{ "control.faults", "GET", EMU, "/emulator/v1/faults",
	    control_faults_list, 0, 0 },
	{ "control.faults", "POST", EMU, "/emulator/v1/faults",
	    control_faults_add, ROUTE_JSON, 0 },
	{ "control.faults", "DELETE", EMU, "/emulator/v1/faults",
	    control_faults_clear, 0, 0 },
	{ "control.faults", "DELETE", EMU, "/emulator/v1/faults/*",
	    control_faults_delete, 0, 0 },
	{ "control.events", "GET", EMU, "/emulator/v1/events",
	    control_events_list, 0, 0 },
	{ "control.events", "DELETE", EMU, "/emulator/v1/events",
	    control_events_clear, 0, 0 },
	{ "control.catalog", "GET", EMU, "/emulator/v1/catalog",
	    control_catalog, 0, 0 },

	/* The web inspector's files (src/ui), open: the page asks for a token. */
	{ "emulator.ui", "GET", EMU, "/emulator/ui", emulator_ui_redirect,
	    ROUTE_PUBLIC, 0 },
	{ "emulator.ui", "GET", EMU, "/emulator/ui/", emulator_ui_index,
	    ROUTE_PUBLIC, 0 },
	{ "emulator.ui", "GET", EMU, "/emulator/ui/*", emulator_ui_asset,
	    ROUTE_PUBLIC, 0 },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))


static const char *const api_prefix[] = {
	[API_IDENTITYTOOLKIT] = "/identitytoolkit.googleapis.com",
	[API_SECURETOKEN] = "/securetoken.googleapis.com",
	[API_GOOGLEAPIS] = "/www.googleapis.com",
	[API_EMULATOR] = NULL,
};

/* The url without the route's API prefix, or the url itself. */
static const char *
strip_prefix(const struct route *r, const char *url)
{
	const char *p = api_prefix[r->api];
	size_t n;

	if (p == NULL)
		return url;
	n = strlen(p);
	if (strncmp(url, p, n) == 0 && url[n] == '/')
		return url + n;
	return url;
}

/*
 * Match `path` against `pattern`, where '*' stands for one non-empty
 * segment. Captured segments are copied into buf when it is not NULL.
 */
static int
match_pattern(const char *pattern, const char *path, const char **captures,
    size_t *ncaptures, char *buf, size_t buflen)
{
	size_t used = 0, nc = 0;

	while (*pattern != '\0') {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0 || nc == REQUEST_MAX_CAPTURES)
				return 0;
			if (buf != NULL) {
				if (used + n + 1 > buflen)
					return 0;
				memcpy(buf + used, path, n);
				buf[used + n] = '\0';
				captures[nc] = buf + used;
				used += n + 1;
			}
			nc++;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	if (*path != '\0')
		return 0;
	if (ncaptures != NULL)
		*ncaptures = nc;
	return 1;
}

enum router_match
router_match(const char *method, const char *url, const struct route **route,
    const char **path_out, const char **captures, size_t *ncaptures,
    char *buf, size_t buflen, char *allow, size_t allowlen)
{
	size_t allowed = 0;

	if (allow != NULL && allowlen > 0)
		allow[0] = '\0';
	for (size_t i = 0; i < NROUTES; i++) {
		const struct route *r = &routes[i];
		const char *path = strip_prefix(r, url);

		if (!match_pattern(r->pattern, path, NULL, NULL, NULL, 0))
			continue;
		if (strcmp(r->method, method) == 0) {
			if (!match_pattern(r->pattern, path, captures,
			    ncaptures, buf, buflen))
				return ROUTER_NOT_FOUND;
			*route = r;
			*path_out = path;
			return ROUTER_FOUND;
		}
		if (allow != NULL && strstr(allow, r->method) == NULL) {
			size_t len = strlen(allow);

			snprintf(allow + len, allowlen - len, "%s%s",
			    allowed ? ", " : "", r->method);
		}
		allowed++;
	}
	return allowed ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
}

size_t
router_max_body(const char *method, const char *url, size_t dflt)
{
	for (size_t i = 0; i < NROUTES; i++) {
		const struct route *r = &routes[i];

		if (strcmp(r->method, method) == 0 &&
		    match_pattern(r->pattern, strip_prefix(r, url), NULL, NULL,
		    NULL, 0))
			return r->max_body ? r->max_body : dflt;
	}
	return dflt;
}

static int
body_or_reply(struct request *req)
{
	char err[512];

	if (req->content_type != NULL && (req->route->flags & ROUTE_FORM) &&
	    sysparams_media_type(req->content_type,
	    "application/x-www-form-urlencoded")) {
		req->json = reqparse_form(req->body ? req->body : "",
		    req->body_len, err, sizeof(err));
		if (req->json == NULL) {
			reply_error(req, ERR_BAD_REQUEST, "Invalid form body: "
			    "%s", err);
			return -1;
		}
		return 0;
	}
	if (req->content_type != NULL &&
	    !sysparams_media_type(req->content_type, "application/json")) {
		reply_error(req, ERR_BAD_REQUEST, "Content-Type '%.100s' is "
		    "not supported; send application/json%s",
		    req->content_type, (req->route->flags & ROUTE_FORM) ?
		    " or application/x-www-form-urlencoded" : "");
		return -1;
	}
	if (req->body_len == 0) {
		req->json = json_object_new_object();
		return 0;
	}
	if (req->content_type == NULL) {
		reply_error(req, ERR_BAD_REQUEST, "The request has a body but "
		    "no Content-Type; send application/json");
		return -1;
	}
	req->json = reqparse_json(req->body, req->body_len, err, sizeof(err));
	if (req->json == NULL ||
	    !json_object_is_type(req->json, json_type_object)) {
		reqparse_json_google_error(req->body, req->body_len, err,
		    sizeof(err));
		reply_error(req, ERR_INVALID_JSON, "%s", err);
		return -1;
	}
	return 0;
}

/* Bearer credentials: "owner" for admin calls, the control token. */
static bool
bearer_is(const struct request *req, const char *token)
{
	size_t n = strlen(token);

	/* The control token is a secret: compare it in constant time. */
	return req->authorization != NULL &&
	    strncmp(req->authorization, "Bearer ", 7) == 0 &&
	    strlen(req->authorization + 7) == n &&
	    CRYPTO_memcmp(req->authorization + 7, token, n) == 0;
}

static const char *
json_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * The phone number a request is about: named in the request, or, for
 * mfaSignIn:start, the phone of the enrollment it starts.
 */
static void
fault_phone(struct request *req, char *out, size_t outlen)
{
	static const char *const holders[] = { "phoneSignInInfo",
	    "phoneVerificationInfo", "phoneEnrollmentInfo" };
	const char *cred_id, *enr_id, *phone;
	struct json_object *h;

	out[0] = '\0';
	for (size_t i = 0; i < 3; i++) {
		if (json_object_object_get_ex(req->json, holders[i], &h) &&
		    (phone = json_str(h, "phoneNumber")) != NULL) {
			snprintf(out, outlen, "%s", phone);
			return;
		}
	}
	cred_id = json_str(req->json, "mfaPendingCredential");
	enr_id = json_str(req->json, "mfaEnrollmentId");
	/* Not found or a store failure: no phone, so no phone rule matches. */
	if (cred_id != NULL && enr_id != NULL)
		(void)store_fault_phone(req->emu->store, cred_id, enr_id, out,
		    outlen);
}

/* Apply a matching fault rule; 1 when it answered (or dropped). */
static int
apply_faults(struct request *req)
{
	struct faults *f = &req->emu->faults;
	struct fault_request rq;
	struct fault_action a;
	char phone[32];

	if (!faults_any(f))
		return 0;
	fault_phone(req, phone, sizeof(phone));
	rq.route_name = req->route->name;
	rq.route_path = req->route->pattern;
	rq.enrollment_id = json_str(req->json, "mfaEnrollmentId");
	rq.tenant_id = json_str(req->json, "tenantId");
	rq.phone_number = phone[0] ? phone : NULL;
	a = faults_match(f, &rq);
	if (!a.fire)
		return 0;
	req->fault_rule = a.rule_id;
	reqlog_fault(req->route->name, &a);
	if (a.latency_ms > 0)
		usleep((useconds_t)a.latency_ms * 1000);
	if (a.drop) {
		req->drop = true;
		req->error_code = "DROPPED";
		return 1;
	}
	if (a.has_error) {
		char detail[64];

		/* reqlog_fault logged it: not an error of mfaemu's. */
		snprintf(detail, sizeof(detail), "injected by fault rule %llu",
		    (unsigned long long)a.rule_id);
		reply_error_unlogged(req, a.error, detail);
		return 1;
	}
	return 0;
}

static void
ascii_only(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
	}
}

static void
record_event(struct request *req)
{
	struct event e;

	/* The control plane's own calls would drown what tests look for. */
	if (strncmp(req->url, "/emulator/", 10) == 0 ||
	    strcmp(req->url, "/") == 0)
		return;
	memset(&e, 0, sizeof(e));
	e.time_ms = clock_now_ms(&req->emu->clock);
	snprintf(e.method, sizeof(e.method), "%s", req->method);
	snprintf(e.path, sizeof(e.path), "%s", req->url);
	if (req->route != NULL)
		snprintf(e.route, sizeof(e.route), "%s", req->route->name);
	e.status = req->status;
	if (req->error_code != NULL)
		snprintf(e.code, sizeof(e.code), "%s", req->error_code);
	memcpy(e.local_id, req->ev_local_id, sizeof(e.local_id));
	memcpy(e.tenant_id, req->ev_tenant_id, sizeof(e.tenant_id));
	memcpy(e.enrollment_id, req->ev_enrollment_id,
	    sizeof(e.enrollment_id));
	/*
	 * The log is JSON, and these fields quote what clients sent (cut to
	 * fit, perhaps mid-character): keep them printable ASCII.
	 */
	ascii_only(e.method);
	ascii_only(e.path);
	ascii_only(e.local_id);
	ascii_only(e.tenant_id);
	ascii_only(e.enrollment_id);
	events_record(&req->emu->events, &e);
}

/*
 * Find the route (404, 405) and check the ids in its path. Sets
 * req->route, path and captures; 0, or -1 after replying.
 */
static int
route_or_reply(struct request *req)
{
	char allow[64];
	enum router_match m;
	size_t buflen = strlen(req->url) + 1;

	if ((req->path_buf = malloc(buflen)) == NULL) {
		reply_error(req, ERR_INTERNAL_ERROR, "out of memory");
		return -1;
	}
	m = router_match(req->method, req->url, &req->route, &req->path,
	    req->captures, &req->ncaptures, req->path_buf, buflen, allow,
	    sizeof(allow));
	if (m == ROUTER_NOT_FOUND) {
		reply_error(req, ERR_NOT_FOUND, "no route for %.16s %.200s",
		    req->method, req->url);
		return -1;
	}
	if (m == ROUTER_METHOD_NOT_ALLOWED) {
		/* ESPv2's wording; Allow says which methods would do. */
		reply_add_header(req, "Allow", allow);
		reply_error(req, ERR_METHOD_NOT_ALLOWED, "The current request "
		    "is matched to the defined url template \"%.200s\" but "
		    "its http method is not allowed", req->url);
		return -1;
	}
	/* Project, tenant and rule ids from the path: printable ASCII. */
	for (size_t i = 0; i < req->ncaptures; i++) {
		for (const char *c = req->captures[i]; *c != '\0'; c++) {
			if (*c < 0x21 || *c > 0x7e) {
				reply_error(req, ERR_BAD_REQUEST, "Ids in the "
				    "path are printable ASCII.");
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The route's credentials: the Admin API's bearer token, the API key, the
 * control token. Sets req->admin; 0, or -1 after replying.
 */
static int
access_or_reply(struct request *req)
{
	const struct config *cfg = &req->emu->cfg;

	req->admin = bearer_is(req, "owner") ||
	    (cfg->control_token != NULL && bearer_is(req, cfg->control_token));
	if ((req->route->flags & ROUTE_ADMIN) && !req->admin) {
		if (req->authorization == NULL) {
			reply_add_header(req, "WWW-Authenticate", "Bearer");
			reply_error(req, ERR_UNAUTHENTICATED, "in emulator "
			    "mode send 'Authorization: Bearer owner'");
		} else {
			reply_error(req, ERR_INVALID_AUTH_CREDENTIALS, "in "
			    "emulator mode send 'Authorization: Bearer owner'");
		}
		return -1;
	}
	/* The key in ?key= or, as Google's client libraries send it, a header. */
	if (req->key == NULL || *req->key == '\0')
		req->key = req->api_key_header;
	if ((req->route->flags & ROUTE_KEY) && cfg->require_key &&
	    !req->admin && (req->key == NULL || *req->key == '\0')) {
		reply_error(req, ERR_PERMISSION_DENIED, NULL);
		return -1;
	}
	if (req->route->api == API_EMULATOR && cfg->control_token != NULL &&
	    strcmp(req->route->pattern, "/") != 0 &&
	    !(req->route->flags & ROUTE_PUBLIC) &&
	    !bearer_is(req, cfg->control_token)) {
		reply_add_header(req, "WWW-Authenticate", "Bearer");
		reply_error(req, ERR_UNAUTHENTICATED, "the control plane needs "
		    "'Authorization: Bearer <the --control-token>'");
		return -1;
	}
	return 0;
}

/*
 * DNS rebinding: a page on another domain that resolves to this machine
 * is same-origin with the daemon to the browser, and could read and steer
 * it. The control plane, the inspector and the Admin API answer only to a
 * loopback name or --host. Listening on loopback (the default), that
 * holds for every request: over plain HTTP a browser's same-origin GET
 * carries neither Origin nor Sec-Fetch-Site. Listening wider (0.0.0.0 in
 * Docker), tools may call by the container's name, so it holds only for
 * browsers' requests, known by those headers (their writes always carry
 * Origin).
 */
static int
host_or_reply(struct request *req)
{
	const char *listen = req->emu->cfg.host;

	if (!(req->route->api == API_EMULATOR ||
	    (req->route->flags & ROUTE_ADMIN) || req->admin))
		return 0;
	if ((req->origin == NULL && req->sec_fetch_site == NULL &&
	    !hostcheck_loopback(listen)) ||
	    hostcheck_trusted(req->host, listen))
		return 0;
	reply_error(req, ERR_UNTRUSTED_HOST, "the control plane answers only "
	    "as localhost, a loopback address or its --host, not '%.100s'",
	    req->host ? req->host : "");
	return -1;
}

/*
 * A browser's write to the control plane or with admin rights must come
 * from the inspector: from the daemon's own origin (Origin, Sec-Fetch-Site)
 * and with the X-Mfaemu-UI header, which no form or simple request can
 * carry. CORS answers any origin (the Firebase SDKs call from the app's),
 * so without this any page the developer visits could reset or rewrite
 * the emulator. Tools send neither header and are not concerned.
 */
static int
cross_site_or_reply(struct request *req)
{
	const char *o = req->origin, *site = req->sec_fetch_site;
	bool same;

	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		return 0;
	if (!(req->route->api == API_EMULATOR ||
	    (req->route->flags & ROUTE_ADMIN) || req->admin))
		return 0;
	if (o == NULL && site == NULL)
		return 0;
	same = (site == NULL || strcmp(site, "same-origin") == 0) &&
	    (o == NULL || (req->host != NULL && strncmp(o, "http://", 7) == 0 &&
	    strcmp(o + 7, req->host) == 0));
	if (same && req->ui_header != NULL && strcmp(req->ui_header, "1") == 0)
		return 0;
	reply_error(req, ERR_CROSS_ORIGIN_WRITE, "a browser may change the "
	    "emulator only from its own inspector (same origin, with "
	    "X-Mfaemu-UI: 1)");
	return -1;
}

/* The checks in the order Google's front end makes them, then the handler. */
static void
dispatch(struct request *req)
{
	if (sysparams_override_or_reply(req) ||
	    sysparams_or_reply(req))
		return;
	if (strcmp(req->method, "OPTIONS") == 0) {
		sysparams_preflight(req);
		return;
	}
	if (route_or_reply(req))
		return;
	if (req->too_large) {
		reply_error(req, ERR_PAYLOAD_TOO_LARGE, "Request payload size "
		    "exceeds the limit: %zu bytes.", req->body_cap);
		return;
	}
	if (access_or_reply(req) || host_or_reply(req) ||
	    cross_site_or_reply(req))
		return;
	if ((req->route->flags & ROUTE_JSON) && body_or_reply(req))
		return;
	if (req->route->api != API_EMULATOR && apply_faults(req))
		return;
	req->route->handler(req);
	if (req->status == 0)
		reply_error(req, ERR_INTERNAL_ERROR, "handler for %s sent no "
		    "reply", req->route->pattern);
}

const struct route *
router_routes(size_t *n)
{
	*n = NROUTES;
	return routes;
}

void
router_dispatch(struct request *req)
{
	dispatch(req);
	record_event(req);
}

/* The access line; the router says what the route is. */
static void
router_completed(struct request *req)
{
	const struct route *r = req->route;

	reqlog_access(req, r ? r->pattern : NULL, r != NULL &&
	    (r->api == API_IDENTITYTOOLKIT || r->api == API_SECURETOKEN),
	    json_str(req->json, "tenantId"));
}

static size_t
request_max_body(const struct request *req)
{
	return router_max_body(req->method, req->url, req->emu->cfg.max_body);
}

const struct http_server_app router_app = {
	.max_body = request_max_body,
	.dispatch = router_dispatch,
	.completed = router_completed,
};
