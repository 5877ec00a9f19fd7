/*
 * Firebase ID tokens: the claims Google puts in them, signed RS256 or
 * unsigned (alg none) as the realm's idTokenAlg says.
 */
#ifndef MFAEMU_ID_TOKEN_H
#define MFAEMU_ID_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct emu;
struct json_object;
struct store_user;

#define ID_TOKEN_LIFETIME 3600

/* Where verifiers find the signing keys: Google's paths (router.c). */
#define ID_TOKEN_JWKS_PATH \
	"/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
#define ID_TOKEN_X509_PATH \
	"/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"

struct id_token_info {
	const char *sign_in_provider;	/* "password" */
	const char *second_factor;	/* "phone", "totp" or NULL */
	const char *enrollment_id;	/* with second_factor */
	int64_t auth_time;		/* unix seconds */
	/* Developer claims of the session (JSON object text) or NULL. */
	const char *claims;
	/* Federated identities {"google.com": ["sub"]} (borrowed) or NULL. */
	struct json_object *identities;
	/* Unsigned (alg none) rather than RS256: id_token_realm_unsigned. */
	int unsigned_token;
};

/*
 * Inside a store transaction: 1 when the realm's ID tokens are unsigned
 * (alg none), 0 when RS256, -1 on a store error. The realm's idTokenAlg
 * where set, else (for a tenant) its project's, else --id-token-alg: a
 * project switched to none takes its tenants along, as firebase-admin
 * verifies every tenant's tokens of its project alike.
 */
int id_token_realm_unsigned(struct emu *emu, const char *project,
    const char *tenant);

/*
 * 1 when `k` is a claim name a developer claim may not use: the JWT and
 * Firebase names firebase-admin and the Firebase emulator reserve
 * (custom tokens' claims, the Admin API's customAttributes).
 */
int id_token_reserved_claim(const char *k);

/*
 * customAttributes as Google and the Firebase emulator check them: at
 * most STORE_CLAIMS_MAX bytes (CLAIMS_TOO_LARGE), a JSON object
 * (INVALID_CLAIMS), no reserved name (FORBIDDEN_CLAIM). Returns ERR__NONE
 * when they may be stored, else the code with the reply's detail in
 * `detail` (for FORBIDDEN_CLAIM the name, which Google's message shows).
 * *empty is set to 1 for "" or an object without members: storing it
 * clears the claims.
 */
enum err_code id_token_check_custom_claims(const char *text, int *empty,
    char *detail, size_t dlen);

/*
 * An ID token for `user` issued now by the emulator clock, RS256 or
 * unsigned as info->unsigned_token says. The user's custom attributes
 * and the session's claims are top-level claims; where both name a
 * claim, the session's (a custom token's) wins.
 * Returns a malloc'd string (caller frees) or NULL.
 */
char *id_token_issue(struct emu *emu, const struct store_user *user,
    const struct id_token_info *info);

#endif
