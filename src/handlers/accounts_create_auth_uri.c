/*
 * accounts.createAuthUri: how an email signs in (the SDK's
 * fetchSignInMethodsForEmail). With email enumeration protection on, the
 * methods are no longer told (Google's documented behaviour).
 *   POST /v1/accounts:createAuthUri
 *
 * providerId (a popup or redirect sign-in's authUri) is refused: the
 * emulator has no real IdP to send anyone to; signInWithCredential with
 * a fake id_token does the same job (accounts:signInWithIdp).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "reqparse.h"
#include "settings.h"
#include "tokens.h"

struct methods {
	struct json_object *all, *signin;
};

static void
add_both(struct methods *m, const char *all, const char *signin)
{
	if (all != NULL)
		json_object_array_add(m->all, json_object_new_string(all));
	if (signin != NULL)
		json_object_array_add(m->signin,
		    json_object_new_string(signin));
}

static int
add_provider(const struct store_provider *p, void *arg)
{
	add_both(arg, p->provider_id, p->provider_id);
	return 0;
}

/* Inside the transaction: the user's sign-in methods into m. */
static int
methods_of(struct store *st, const struct store_user *u, struct methods *m)
{
	if (u->has_password || u->email_link_signin)
		add_both(m, "password", NULL);
	if (u->has_password)
		add_both(m, NULL, "password");
	if (u->email_link_signin)
		add_both(m, NULL, "emailLink");
	return store_provider_list(st, u->id, add_provider, m);
}

static int
request_or_reply(struct request *req, const char *identifier,
    const char *continue_uri, const char *provider)
{
	if (!account_valid_email(identifier)) {
		reply_error(req, ERR_INVALID_IDENTIFIER, NULL);
		return -1;
	}
	if (strstr(continue_uri, "://") == NULL) {
		reply_error(req, ERR_INVALID_CONTINUE_URI, NULL);
		return -1;
	}
	if (!reqparse_empty(provider)) {
		reply_error(req, ERR_OPERATION_NOT_ALLOWED, "createAuthUri "
		    "with providerId (popup/redirect) is not supported; use "
		    "signInWithCredential");
		return -1;
	}
	return 0;
}

/* Inside the transaction: the answer's members for the realm's user. */
static int
lookup_or_reply(struct request *req, const char *tenant,
    const char *identifier, struct json_object *body)
{
	struct emu *emu = req->emu;
	struct methods m = { json_object_new_array(), json_object_new_array() };
	struct store_realm realm;
	struct settings set;
	struct store_user u;
	int r;

	if (account_realm_or_reply(req, tenant, &realm) != 0)
		goto fail;
	settings_effective(&emu->cfg, &realm, &set);
	r = store_user_find_email(emu->store, emu->cfg.project, tenant,
	    identifier, &u);
	if (r == STORE_OK)
		r = methods_of(emu->store, &u, &m);
	if (r != STORE_OK && r != STORE_NOT_FOUND) {
		txn_fail(req);
		goto fail;
	}
	if (!set.email_privacy) {
		json_object_object_add(body, "registered",
		    json_object_new_boolean(r == STORE_OK));
		json_object_object_add(body, "allProviders", m.all);
		json_object_object_add(body, "signinMethods", m.signin);
		m.all = m.signin = NULL;
	}
	json_object_put(m.all);
	json_object_put(m.signin);
	store_rollback(emu->store);
	return 0;
fail:
	json_object_put(m.all);
	json_object_put(m.signin);
	return -1;
}

void
accounts_create_auth_uri(struct request *req)
{
	const char *identifier = NULL, *continue_uri = NULL, *provider = NULL,
	    *tenant = NULL, *session = NULL;
	struct reqparse_field f[] = {
		{ "identifier", RP_STRING, &identifier,
		    ERR_MISSING_IDENTIFIER },
		{ "continueUri", RP_STRING, &continue_uri,
		    ERR_MISSING_CONTINUE_URI },
		{ "providerId", RP_STRING, &provider },
		{ "tenantId", RP_STRING, &tenant },
		{ "sessionId", RP_STRING, &session },
	};
	struct json_object *body;
	char sid[STORE_TOKEN_MAX + 1];

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) ||
	    request_or_reply(req, identifier, continue_uri, provider) != 0)
		return;
	if (reqparse_empty(session) || strlen(session) > STORE_TOKEN_MAX) {
		if (tokens_random("", 18, sid, sizeof(sid)) != 0) {
			reply_error(req, ERR_INTERNAL_ERROR,
			    "RAND_bytes failed");
			return;
		}
		session = sid;
	}
	if (txn_begin_or_reply(req) != 0)
		return;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#CreateAuthUriResponse"));
	if (lookup_or_reply(req, reqparse_empty(tenant) ? "" : tenant,
	    identifier, body) != 0) {
		json_object_put(body);
		return;
	}
	json_object_object_add(body, "sessionId",
	    json_object_new_string(session));
	reply_json(req, 200, body);
}
