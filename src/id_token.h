/*
 * Firebase ID tokens: the claims Google puts in them, signed RS256 or
 * unsigned (alg none) as the realm's idTokenAlg says.
 */
#ifndef MFAEMU_ID_TOKEN_H
#define MFAEMU_ID_TOKEN_H

#include <stdint.h>

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
 * An ID token for `user` issued now by the emulator clock, RS256 or
 * unsigned as info->unsigned_token says.
 * Returns a malloc'd string (caller frees) or NULL.
 */
char *id_token_issue(struct emu *emu, const struct store_user *user,
    const struct id_token_info *info);

#endif
