#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "router.h"

#define JWKS_PATH "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
#define X509_PATH "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"

static const struct route routes[] = {
	{ "POST", API_IDENTITYTOOLKIT, "/v2/accounts/mfaSignIn:start",
	    mfa_signin_start, ROUTE_JSON | ROUTE_KEY, 0 },
	{ "POST", API_IDENTITYTOOLKIT, "/v2/accounts/mfaSignIn:finalize",
	    mfa_signin_finalize, ROUTE_JSON | ROUTE_KEY, 0 },
	{ "POST", API_IDENTITYTOOLKIT, "/v1/accounts:signUp", accounts_sign_up,
	    ROUTE_JSON | ROUTE_KEY, 0 },
	{ "POST", API_IDENTITYTOOLKIT, "/v1/accounts:signInWithPassword",
	    accounts_sign_in_with_password, ROUTE_JSON | ROUTE_KEY, 0 },
	{ "POST", API_IDENTITYTOOLKIT, "/v1/accounts:lookup", accounts_lookup,
	    ROUTE_JSON | ROUTE_KEY, 0 },
	{ "GET", API_IDENTITYTOOLKIT, "/v2/recaptchaConfig", recaptcha_config,
	    ROUTE_KEY, 0 },
	{ "POST", API_SECURETOKEN, "/v1/token", securetoken_token,
	    ROUTE_JSON | ROUTE_FORM | ROUTE_KEY, 0 },
	{ "GET", API_GOOGLEAPIS, JWKS_PATH, keys_jwks, 0, 0 },
	{ "GET", API_GOOGLEAPIS, X509_PATH, keys_x509, 0, 0 },
	{ "GET", API_EMULATOR, "/", emulator_root, 0, 0 },
	{ "GET", API_EMULATOR, "/emulator/v1/projects/*/verificationCodes",
	    emulator_verification_codes, 0, 0 },
	{ "GET", API_EMULATOR,
	    "/emulator/v1/projects/*/tenants/*/verificationCodes",
	    emulator_verification_codes, 0, 0 },
	{ "DELETE", API_EMULATOR, "/emulator/v1/projects/*/accounts",
	    emulator_delete_accounts, 0, 0 },
	{ "DELETE", API_EMULATOR, "/emulator/v1/projects/*/tenants/*/accounts",
	    emulator_delete_accounts, 0, 0 },
	{ "GET", API_EMULATOR, "/emulator/v1/clock", emulator_clock_get, 0,
	    0 },
	{ "POST", API_EMULATOR, "/emulator/v1/clock", emulator_clock_post,
	    ROUTE_JSON, 0 },
	{ "POST", API_EMULATOR, "/emulator/v1/projects/*/pendingCredentials",
	    emulator_mint_credential, ROUTE_JSON, 0 },
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
is_media_type(const char *ct, const char *type)
{
	size_t n = strlen(type);

	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* System parameters that generated Google clients send. */
static int
system_params_or_reply(struct request *req)
{
	if (req->xgafv_param != NULL) {
		if (strcmp(req->xgafv_param, "1") == 0)
			req->xgafv = 1;
		else if (strcmp(req->xgafv_param, "2") == 0)
			req->xgafv = 2;
		else {
			reply_error(req, ERR_INVALID_ARGUMENT, "Invalid value "
			    "for $.xgafv: '%s' (expected 1 or 2)",
			    req->xgafv_param);
			return -1;
		}
	}
	if (req->pretty_param != NULL) {
		if (strcmp(req->pretty_param, "false") == 0 ||
		    strcmp(req->pretty_param, "0") == 0)
			req->pretty = false;
		else if (strcmp(req->pretty_param, "true") == 0 ||
		    strcmp(req->pretty_param, "1") == 0 ||
		    req->pretty_param[0] == '\0')
			req->pretty = true;
		else {
			reply_error(req, ERR_INVALID_ARGUMENT, "Invalid value "
			    "for prettyPrint: '%s' (expected true or false)",
			    req->pretty_param);
			return -1;
		}
	}
	if (req->alt != NULL && strcmp(req->alt, "json") != 0) {
		reply_error(req, ERR_INVALID_ARGUMENT, "Invalid value for alt: "
		    "'%s' (only json is supported)", req->alt);
		return -1;
	}
	return 0;
}

static void
preflight(struct request *req)
{
	reply_add_header(req, "Access-Control-Allow-Methods",
	    "GET, POST, PUT, PATCH, DELETE, OPTIONS");
	reply_add_header(req, "Access-Control-Allow-Headers",
	    req->acr_headers ? req->acr_headers :
	    "Content-Type, Authorization, X-Client-Version, X-Firebase-gmpid");
	reply_add_header(req, "Access-Control-Max-Age", "86400");
	reply_raw(req, 204, NULL, "", 0);
}

static int
body_or_reply(struct request *req)
{
	char err[256];

	if (req->content_type != NULL && (req->route->flags & ROUTE_FORM) &&
	    is_media_type(req->content_type,
	    "application/x-www-form-urlencoded")) {
		req->json = reqparse_form(req->body ? req->body : "",
		    req->body_len, err, sizeof(err));
		if (req->json == NULL) {
			reply_error(req, ERR_INVALID_ARGUMENT, "%s", err);
			return -1;
		}
		return 0;
	}
	if (req->content_type != NULL &&
	    !is_media_type(req->content_type, "application/json")) {
		reply_error(req, ERR_INVALID_ARGUMENT, "Content-Type '%.100s' "
		    "is not supported; send application/json%s",
		    req->content_type, (req->route->flags & ROUTE_FORM) ?
		    " or application/x-www-form-urlencoded" : "");
		return -1;
	}
	if (req->body_len == 0) {
		req->json = json_object_new_object();
		return 0;
	}
	if (req->content_type == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "the request has a body "
		    "but no Content-Type; send application/json");
		return -1;
	}
	req->json = reqparse_json(req->body, req->body_len, err, sizeof(err));
	if (req->json == NULL) {
		reply_error(req, ERR_INVALID_ARGUMENT, "Invalid JSON payload "
		    "received. %s", reqparse_is_null_doc(err) ?
		    "The body must be a JSON object, got null" : err);
		return -1;
	}
	if (!json_object_is_type(req->json, json_type_object)) {
		reply_error(req, ERR_INVALID_ARGUMENT, "Invalid JSON payload "
		    "received. The body must be a JSON object, got %s",
		    json_type_to_name(json_object_get_type(req->json)));
		return -1;
	}
	return 0;
}

void
router_dispatch(struct request *req)
{
	char allow[64];
	enum router_match m;
	size_t buflen;

	if (system_params_or_reply(req))
		return;
	if (strcmp(req->method, "OPTIONS") == 0) {
		preflight(req);
		return;
	}
	buflen = strlen(req->url) + 1;
	if ((req->path_buf = malloc(buflen)) == NULL) {
		reply_error(req, ERR_INTERNAL_ERROR, "out of memory");
		return;
	}
	m = router_match(req->method, req->url, &req->route, &req->path,
	    req->captures, &req->ncaptures, req->path_buf, buflen, allow,
	    sizeof(allow));
	if (m == ROUTER_NOT_FOUND) {
		reply_error(req, ERR_NOT_FOUND, "no route for %s %.200s",
		    req->method, req->url);
		return;
	}
	if (m == ROUTER_METHOD_NOT_ALLOWED) {
		reply_add_header(req, "Allow", allow);
		reply_error(req, ERR_METHOD_NOT_ALLOWED, "%.200s accepts %s",
		    req->url, allow);
		return;
	}
	if (req->too_large) {
		reply_error(req, ERR_PAYLOAD_TOO_LARGE, "the request body is "
		    "larger than %zu bytes", req->body_cap);
		return;
	}
	if (req->authorization != NULL &&
	    strcmp(req->authorization, "Bearer owner") == 0)
		req->admin = true;
	if ((req->route->flags & ROUTE_KEY) && req->emu->cfg.require_key &&
	    !req->admin && (req->key == NULL || *req->key == '\0')) {
		reply_error(req, ERR_PERMISSION_DENIED, NULL);
		return;
	}
	if ((req->route->flags & ROUTE_JSON) && body_or_reply(req))
		return;
	req->route->handler(req);
	if (req->status == 0)
		reply_error(req, ERR_INTERNAL_ERROR, "handler for %s sent no "
		    "reply", req->route->pattern);
}
