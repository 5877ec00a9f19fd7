/*
 * accounts.signInWithCustomToken: sign in with a token the app's backend
 * made (firebase-admin createCustomToken). Unsigned emulator-mode tokens
 * are accepted as the Firebase emulator accepts them; RS256 tokens must
 * verify against --custom-token-key. The token's `claims` become the
 * session's developer claims, in every ID token it gives, refreshes too.
 *
 * Second factors: Google lists custom tokens among the first factors
 * without MFA, and the SDK's signInWithCustomToken cannot resolve an
 * mfaPendingCredential; so a user with second factors is signed in
 * directly, and enrolling from such a session is UNSUPPORTED_FIRST_FACTOR
 * (mfa_enrollment_common.c).
 * POST /v1/accounts:signInWithCustomToken
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "custom_token.h"
#include "emu.h"
#include "handlers/account.h"
#include "handlers/handlers.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "id_token.h"
#include "reply.h"
#include "reqparse.h"

/* What firebase-admin puts in `aud`. */
#define CUSTOM_TOKEN_AUD "https://identitytoolkit.googleapis.com/" \
	"google.identity.identitytoolkit.v1.IdentityToolkit"
/* Google's longest custom token life (exp - iat). */
#define CUSTOM_TOKEN_MAX_LIFE 3600

/* The token's payload, read into what the sign-in needs. */
struct custom {
	const char *token, *tenant;
	struct json_object *payload;	/* owned */
	const char *uid;		/* borrowed from payload */
	char claims[STORE_CLAIMS_MAX + 1];
};

static const char *
member_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* RS256 tokens: aud, and a life on the emulator clock as Google checks. */
static int
signed_checks_or_reply(struct request *req, struct json_object *p)
{
	struct json_object *v;
	int64_t iat = 0, exp = 0, now = clock_now_s(&req->emu->clock);

	if (json_object_object_get_ex(p, "iat", &v) &&
	    json_object_is_type(v, json_type_int))
		iat = json_object_get_int64(v);
	if (json_object_object_get_ex(p, "exp", &v) &&
	    json_object_is_type(v, json_type_int))
		exp = json_object_get_int64(v);
	if (exp <= now) {
		reply_error(req, ERR_INVALID_CUSTOM_TOKEN, "the token has "
		    "expired (exp is before the emulator clock)");
		return -1;
	}
	if (iat <= 0 || exp - iat > CUSTOM_TOKEN_MAX_LIFE) {
		reply_error(req, ERR_INVALID_CUSTOM_TOKEN, "iat is required "
		    "and exp may be at most %d s after it",
		    CUSTOM_TOKEN_MAX_LIFE);
		return -1;
	}
	return 0;
}

static int
claims_or_reply(struct request *req, struct custom *c)
{
	struct json_object *claims;
	const char *text;

	if (!json_object_object_get_ex(c->payload, "claims", &claims) ||
	    claims == NULL)
		return 0;
	if (!json_object_is_type(claims, json_type_object)) {
		reply_error(req, ERR_INVALID_CLAIMS, "claims must be a JSON "
		    "object");
		return -1;
	}
	json_object_object_foreach(claims, k, v) {
		(void)v;
		if (id_token_reserved_claim(k)) {
			reply_error(req, ERR_FORBIDDEN_CLAIM, "%.64s", k);
			return -1;
		}
	}
	text = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN);
	if (strlen(text) > STORE_CLAIMS_MAX) {
		reply_error(req, ERR_CLAIMS_TOO_LARGE, "claims take at most "
		    "%d bytes as JSON", STORE_CLAIMS_MAX);
		return -1;
	}
	if (json_object_object_length(claims) > 0)
		strcpy(c->claims, text);
	return 0;
}

/* Decode and check the token: audience, uid, tenant, claims. */
static int
token_or_reply(struct request *req, struct custom *c)
{
	const char *aud, *tid;
	bool is_signed;
	char why[160];

	c->payload = custom_token_read(c->token,
	    req->emu->cfg.custom_token_key_pem, &is_signed, why, sizeof(why));
	if (c->payload == NULL) {
		reply_error(req, ERR_INVALID_CUSTOM_TOKEN, "%s", why);
		return -1;
	}
	aud = member_str(c->payload, "aud");
	if (c->token[0] != '{' && (aud == NULL ||
	    strcmp(aud, CUSTOM_TOKEN_AUD) != 0)) {
		reply_error(req, ERR_INVALID_CUSTOM_TOKEN, "aud must be %s",
		    CUSTOM_TOKEN_AUD);
		return -1;
	}
	if (is_signed && signed_checks_or_reply(req, c->payload) != 0)
		return -1;
	if ((c->uid = member_str(c->payload, "uid")) == NULL)
		c->uid = member_str(c->payload, "user_id");
	if (reqparse_empty(c->uid)) {
		reply_error(req, ERR_MISSING_IDENTIFIER, "the token has no "
		    "uid");
		return -1;
	}
	if (strlen(c->uid) > STORE_ID_MAX) {
		reply_error(req, ERR_INVALID_CUSTOM_TOKEN, "uid is longer than "
		    "%d characters", STORE_ID_MAX);
		return -1;
	}
	tid = member_str(c->payload, "tenant_id");
	if (tid != NULL && !reqparse_empty(c->tenant) &&
	    strcmp(tid, c->tenant) != 0) {
		reply_error(req, ERR_TENANT_ID_MISMATCH, "the token is for "
		    "tenant '%.128s'", tid);
		return -1;
	}
	if (reqparse_empty(c->tenant))
		c->tenant = tid ? tid : "";
	return claims_or_reply(req, c);
}

/* Inside the transaction: the uid's user, made when it is new. */
static int
user_or_reply(struct request *req, const struct custom *c, int64_t now,
    struct store_user *u, bool *is_new)
{
	struct emu *emu = req->emu;
	struct store_realm realm;
	int r;

	if (account_realm_or_reply(req, c->tenant, &realm) != 0)
		return -1;
	r = store_user_find(emu->store, emu->cfg.project, c->tenant, c->uid, u);
	*is_new = r == STORE_NOT_FOUND;
	if (*is_new) {
		if (account_new_user(emu, c->tenant, c->uid, now, u) != 0)
			return txn_refuse(req, false, ERR_INTERNAL_ERROR, NULL);
		r = store_user_insert(emu->store, u, NULL, 0, NULL, 0);
	}
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	snprintf(req->ev_local_id, sizeof(req->ev_local_id), "%s", c->uid);
	if (u->disabled)
		return txn_refuse(req, false, ERR_USER_DISABLED, NULL);
	return 0;
}

void
accounts_sign_in_with_custom_token(struct request *req)
{
	struct custom c = { 0 };
	struct reqparse_field f[] = {
		{ "token", RP_STRING, &c.token, ERR_MISSING_CUSTOM_TOKEN },
		{ "tenantId", RP_STRING, &c.tenant },
	};
	struct account_session sess = { .sign_in_provider = "custom",
	    .login = true };
	struct account_tokens tok;
	struct store_user u;
	struct json_object *body;
	bool is_new;
	int64_t now;

	if (reqparse_fields_or_reply(req, req->json, NULL, f,
	    sizeof(f) / sizeof(f[0])) || token_or_reply(req, &c) != 0 ||
	    txn_begin_at_or_reply(req, &now) != 0)
		goto out;
	if (user_or_reply(req, &c, now, &u, &is_new) != 0)
		goto out;
	sess.auth_time = now / 1000;
	sess.claims = c.claims[0] ? c.claims : NULL;
	if (account_issue_tokens_or_reply(req, &u, &sess, now, &tok) != 0)
		goto out;
	body = json_object_new_object();
	json_object_object_add(body, "kind", json_object_new_string(
	    "identitytoolkit#VerifyCustomTokenResponse"));
	account_add_tokens(body, &tok);
	json_object_object_add(body, "isNewUser",
	    json_object_new_boolean(is_new));
	free(tok.id_token);
	reply_json(req, 200, body);
out:
	json_object_put(c.payload);
}
