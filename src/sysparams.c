/*
 * The front end's part of a request (sysparams.h): method override,
 * system parameters, preflights.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "fieldmask.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "sysparams.h"

const char *const sysparams_names[] = { "key", "alt", "prettyPrint",
    "fields", "$.xgafv", NULL };

int
sysparams_media_type(const char *ct, const char *type)
{
	size_t n = strlen(type);

	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
sysparams_override_or_reply(struct request *req)
{
	const char *m = req->method_override;
	char err[256];
	size_t n;

	if (m == NULL || strcmp(req->method, "OPTIONS") == 0)
		return 0;
	n = strlen(m);
	if (n == 0 || n >= sizeof(req->method_buf) ||
	    strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
	    n) {
		reply_error(req, ERR_BAD_REQUEST, "Invalid value for the "
		    "X-HTTP-Method-Override header: '%.40s' is not an HTTP "
		    "method", m);
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		req->method_buf[i] = (char)(m[i] >= 'a' && m[i] <= 'z' ?
		    m[i] - 'a' + 'A' : m[i]);
	req->method = req->method_buf;
	if (strcmp(req->method, "GET") != 0 || req->body_len == 0 ||
	    req->content_type == NULL || !sysparams_media_type(req->content_type,
	    "application/x-www-form-urlencoded"))
		return 0;
	req->form_query = reqparse_form(req->body, req->body_len, err,
	    sizeof(err));
	if (req->form_query == NULL) {
		reply_error(req, ERR_BAD_REQUEST, "Invalid form body: %s", err);
		return -1;
	}
	/* System parameters may be among them. */
	req->key = http_server_query(req, "key");
	req->xgafv_param = http_server_query(req, "$.xgafv");
	req->alt = http_server_query(req, "alt");
	req->pretty_param = http_server_query(req, "prettyPrint");
	req->fields_param = http_server_query(req, "fields");
	return 0;
}

int
sysparams_or_reply(struct request *req)
{
	char err[128];

	if (req->xgafv_param != NULL) {
		if (strcmp(req->xgafv_param, "1") == 0)
			req->xgafv = 1;
		else if (strcmp(req->xgafv_param, "2") == 0)
			req->xgafv = 2;
		else {
			reply_error(req, ERR_BAD_REQUEST, "Invalid value for "
			    "$.xgafv: '%.40s' (expected 1 or 2)",
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
			reply_error(req, ERR_BAD_REQUEST, "Invalid value for "
			    "prettyPrint: '%.40s' (expected true or false)",
			    req->pretty_param);
			return -1;
		}
	}
	if (req->alt != NULL && strcmp(req->alt, "json") != 0) {
		reply_error(req, ERR_BAD_REQUEST, "Invalid value for alt: "
		    "'%.40s' (only json is supported)", req->alt);
		return -1;
	}
	if (req->fields_param != NULL && req->fields == NULL &&
	    (req->fields = fieldmask_parse(req->fields_param, err,
	    sizeof(err))) == NULL && err[0] != '\0') {
		reply_error(req, ERR_BAD_REQUEST, "Invalid field selection "
		    "'%.100s': %s", req->fields_param, err);
		return -1;
	}
	return 0;
}

void
sysparams_preflight(struct request *req)
{
	reply_add_header(req, "Access-Control-Allow-Methods",
	    "GET, POST, PUT, PATCH, DELETE, OPTIONS");
	reply_add_header(req, "Access-Control-Allow-Headers",
	    req->acr_headers ? req->acr_headers :
	    "Content-Type, Authorization, X-Client-Version, X-Firebase-gmpid");
	/*
	 * Chromium's Private Network Access: a page on a public origin may
	 * call the emulator on loopback only if the preflight says so.
	 */
	if (req->acr_private_network != NULL &&
	    strcasecmp(req->acr_private_network, "true") == 0)
		reply_add_header(req, "Access-Control-Allow-Private-Network",
		    "true");
	reply_add_header(req, "Access-Control-Max-Age", "86400");
	reply_raw(req, 204, NULL, "", 0);
}
