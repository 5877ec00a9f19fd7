#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "emu.h"
#include "handlers/oob_common.h"
#include "handlers/txn.h"
#include "hostcheck.h"
#include "http_server.h"
#include "log.h"
#include "reply.h"
#include "settings.h"
#include "tokens.h"

/*
 * Each type's link mode (what the SDK's ActionCodeURL reads) and
 * lifetime. Google documents none of the lifetimes; these are what
 * Firebase engineers have given (reset 1 h, verify 3 days, sign-in link
 * 6 h); email changes and recovery as verification.
 */
static const struct oob_type {
	const char *name, *mode;
	int64_t ttl_s;
} oob_types[] = {
	{ "VERIFY_EMAIL", "verifyEmail", 3 * 86400 },
	{ "PASSWORD_RESET", "resetPassword", 3600 },
	{ "EMAIL_SIGNIN", "signIn", 6 * 3600 },
	{ "VERIFY_AND_CHANGE_EMAIL", "verifyAndChangeEmail", 3 * 86400 },
	{ "RECOVER_EMAIL", "recoverEmail", 3 * 86400 },
};
#define NTYPES (sizeof(oob_types) / sizeof(oob_types[0]))

static const struct oob_type *
type_of(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++) {
		if (strcmp(oob_types[i].name, name) == 0)
			return &oob_types[i];
	}
	return NULL;
}

int
oob_type_known(const char *type)
{
	return type != NULL && type_of(type) != NULL;
}

int
oob_continue_url_valid(const char *url)
{
	const char *p = url;
	size_t n = strlen(url);

	if (n == 0 || n > OOB_CONTINUE_URL_MAX || !isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return 0;
	for (p = url; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/*
 * Append `s` form-encoded as URLSearchParams writes it (the emulator
 * builds its links so): [A-Za-z0-9*-._] kept, space as '+', the rest %XX.
 */
static void
append_encoded(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	for (; *s != '\0' && n + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_')
			out[n++] = (char)c;
		else if (c == ' ')
			out[n++] = '+';
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
	}
	out[n] = '\0';
}

/* 1 when a Host header can stand in a link as it is: host[:port]. */
static int
host_ok(const char *h)
{
	size_t n = h ? strlen(h) : 0;

	if (n == 0 || n > 255)
		return 0;
	for (; *h != '\0'; h++) {
		if (!isalnum((unsigned char)*h) && strchr(".-_:[]", *h) == NULL)
			return 0;
	}
	return 1;
}

/*
 * This daemon's URL as the client reached it (its Host header: right
 * behind a published container port or with --port 0), else the listen
 * address, a wildcard one read as the loopback address.
 */
static void
base_url(struct request *req, char *out, size_t cap)
{
	const struct config *cfg = &req->emu->cfg;
	const char *host = cfg->host;

	if (host_ok(req->host)) {
		snprintf(out, cap, "http://%s", req->host);
		return;
	}
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 ||
	    *host == '\0')
		host = "127.0.0.1";
	hostcheck_url(out, cap, host, cfg->port);
}

/*
 * The email outbox line: the link carries the code, as the Firebase
 * emulator prints it, so a developer can follow it from the log.
 */
static void
log_oob(const struct store_oob *o)
{
	struct log_field f[] = { LOG_STR("requestType", o->request_type),
	    LOG_STR("email", o->email),
	    LOG_STR("newEmail", o->new_email[0] ? o->new_email : NULL),
	    LOG_STR("projectId", o->project_id),
	    LOG_STR("tenantId", o->tenant_id[0] ? o->tenant_id : NULL),
	    LOG_STR("oobLink", o->link) };

	log_fields(LOG_INFO, f, sizeof(f) / sizeof(f[0]), "oob: %s for %s%s%s: "
	    "%s", o->request_type, o->email, o->new_email[0] ? " -> " : "",
	    o->new_email, o->link);
}

/*
 * The link the emulator would mail: its action page, with the query the
 * Firebase Auth Emulator writes, in its order.
 */
static void
make_link(struct request *req, const struct oob_type *t,
    const struct oob_new *n, const char *code, char *out, size_t cap)
{
	const char *key = req->key && *req->key ? req->key : "fake-api-key";
	size_t len;

	base_url(req, out, cap);
	len = strlen(out);
	snprintf(out + len, cap - len, "/emulator/action?mode=%s&lang=en&"
	    "oobCode=%s&apiKey=", t->mode, code);
	append_encoded(out, cap, key);
	if (n->continue_url != NULL && *n->continue_url != '\0') {
		strncat(out, "&continueUrl=", cap - strlen(out) - 1);
		append_encoded(out, cap, n->continue_url);
	}
	if (*n->tenant != '\0') {
		strncat(out, "&tenantId=", cap - strlen(out) - 1);
		append_encoded(out, cap, n->tenant);
	}
}

int
oob_issue_or_reply(struct request *req, const struct oob_new *n,
    const struct settings *set, int64_t now, struct store_oob *out)
{
	const struct oob_type *t = type_of(n->request_type);

	memset(out, 0, sizeof(*out));
	/* 40 bytes: 54 base64url characters, as long as the emulator's. */
	if (t == NULL || tokens_random("", 40, out->code,
	    sizeof(out->code)) != 0)
		return txn_refuse(req, false, ERR_INTERNAL_ERROR, "no code");
	snprintf(out->project_id, sizeof(out->project_id), "%s", n->project);
	snprintf(out->tenant_id, sizeof(out->tenant_id), "%s", n->tenant);
	snprintf(out->request_type, sizeof(out->request_type), "%s", t->name);
	snprintf(out->email, sizeof(out->email), "%s", n->email);
	snprintf(out->new_email, sizeof(out->new_email), "%s",
	    n->new_email ? n->new_email : "");
	make_link(req, t, n, out->code, out->link, sizeof(out->link));
	out->created_at = now;
	out->expires_at = now + 1000 * (set->oob_code_ttl ?
	    (int64_t)set->oob_code_ttl : t->ttl_s);
	if (txn_check_or_reply(req, store_oob_insert(req->emu->store, out)))
		return -1;
	log_oob(out);
	return 0;
}

int
oob_code_or_reply(struct request *req, const char *code, const char *project,
    const char *tenant, int64_t now, struct store_oob *out)
{
	int r = store_oob_get(req->emu->store, code, out);

	if (txn_check_or_reply(req, r))
		return -1;
	if (r == STORE_NOT_FOUND || strcmp(out->project_id, project) != 0 ||
	    strcmp(out->tenant_id, tenant) != 0)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "no such "
		    "code in this %s", *tenant ? "tenant" : "project");
	if (out->used_at != 0)
		return txn_refuse(req, false, ERR_INVALID_OOB_CODE, "the code "
		    "has been used");
	if (now >= out->expires_at)
		return txn_refuse(req, false, ERR_EXPIRED_OOB_CODE, NULL);
	return 0;
}

int
oob_realm_settings(struct request *req, const char *project,
    const char *tenant, struct settings *out)
{
	struct store_realm realm;
	int r = store_realm_get(req->emu->store, project, tenant, &realm);

	if (r == STORE_NOT_FOUND) {
		memset(&realm, 0, sizeof(realm));
		realm.mfa_phone = realm.mfa_totp = 1;
		r = STORE_OK;
	}
	if (r == STORE_OK)
		settings_effective(&req->emu->cfg, &realm, out);
	return r;
}
