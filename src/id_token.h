/* Firebase ID tokens: the claims Google puts in them, signed RS256. */
#ifndef MFAEMU_ID_TOKEN_H
#define MFAEMU_ID_TOKEN_H

#include <stdint.h>

struct emu;
struct json_object;
struct store_user;

#define ID_TOKEN_LIFETIME 3600

struct id_token_info {
	const char *sign_in_provider;	/* "password" */
	const char *second_factor;	/* "phone", "totp" or NULL */
	const char *enrollment_id;	/* with second_factor */
	int64_t auth_time;		/* unix seconds */
	/* Developer claims of the session (JSON object text) or NULL. */
	const char *claims;
	/* Federated identities {"google.com": ["sub"]} (borrowed) or NULL. */
	struct json_object *identities;
};

/*
 * A signed ID token for `user` issued now by the emulator clock.
 * Returns a malloc'd string (caller frees) or NULL.
 */
char *id_token_issue(struct emu *emu, const struct store_user *user,
    const struct id_token_info *info);

#endif
