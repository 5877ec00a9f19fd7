/*
 * Custom tokens (accounts:signInWithCustomToken): reading what
 * firebase-admin's createCustomToken makes, unsigned in emulator mode
 * (alg "none", empty signature) or RS256 signed by a service account, and
 * checking the RS256 signature against a key the daemon was given.
 */
#ifndef MFAEMU_CUSTOM_TOKEN_H
#define MFAEMU_CUSTOM_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/*
 * 0 when `pem` holds an RSA public key, certificate or private key that
 * can verify RS256; else -1 with a reason (never the key) in err.
 */
int custom_token_key_check(const char *pem, char *err, size_t errlen);

/*
 * The payload of custom token `token` (new object, owned), or NULL with
 * the reason in `why`. Accepted: an unsigned JWT (alg none, empty
 * signature), a JSON object text (the Firebase emulator's convenience),
 * and, when `key_pem` is not NULL, an RS256 JWT whose signature verifies
 * against it. *is_signed tells which. Claims are not checked here.
 */
struct json_object *custom_token_read(const char *token,
    const char *key_pem, bool *is_signed, char *why, size_t whylen);

#endif
