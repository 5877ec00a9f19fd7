/*
 * Signing keys and tokens: RS256 JWTs, the JWKS and x509 documents Google
 * publishes for securetoken, and opaque random tokens.
 * A struct tokens_key is immutable once made, so any thread may sign with it.
 */
#ifndef MFAEMU_TOKENS_H
#define MFAEMU_TOKENS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct tokens_key;

/* A fresh RSA-2048 key. Returns NULL on failure. */
struct tokens_key *tokens_key_generate(void);

/*
 * A key from a PEM private key (PKCS#8 or traditional RSA). Returns NULL when
 * the text is not an RSA private key of at least 2048 bits; then, if `err` is
 * not NULL, a short reason is written to it.
 */
struct tokens_key *tokens_key_from_pem(const char *pem, size_t len,
    char *err, size_t errlen);

void tokens_key_free(struct tokens_key *key);

/* The private key as PKCS#8 PEM; malloc'd, caller frees (and cleanses). */
char *tokens_key_private_pem(const struct tokens_key *key);

/*
 * The key id: 40 lower-case hex digits of the SHA-1 of the public key's DER,
 * the same shape as Google's kids. Borrowed; lives as long as the key.
 */
const char *tokens_key_kid(const struct tokens_key *key);

/*
 * JWKS document {"keys":[{kty,alg,use,kid,n,e}]} for the given keys.
 * Returns a new json object (caller owns) or NULL.
 */
struct json_object *tokens_jwks(const struct tokens_key *const *keys,
    size_t n);

/*
 * Google's x509 map {"<kid>": "-----BEGIN CERTIFICATE-----\n..."} with a
 * self-signed certificate per key (CN securetoken.system.gserviceaccount.com,
 * valid from `not_before` for ten years, unix seconds).
 * Returns a new json object (caller owns) or NULL.
 */
struct json_object *tokens_x509(const struct tokens_key *const *keys,
    size_t n, int64_t not_before);

/*
 * Sign `claims` (borrowed) as a compact JWS: header {"alg":"RS256",
 * "kid":<kid>,"typ":"JWT"}, base64url without padding.
 * Returns a malloc'd NUL-terminated string (caller frees) or NULL.
 */
char *tokens_sign_jwt(const struct tokens_key *key,
    struct json_object *claims);

/*
 * Verify a compact RS256 JWS against `key` and return its payload as a new
 * json object (caller owns), or NULL if the token is malformed, uses another
 * algorithm or kid, or its signature does not verify. Claims (exp, aud...)
 * are not checked here.
 */
struct json_object *tokens_verify_jwt(const struct tokens_key *key,
    const char *jwt);

/*
 * An unsigned JWT ({"alg":"none"}, empty signature), the kind the Firebase
 * Auth Emulator issues and firebase-admin's emulator mode insists on.
 * Returns a malloc'd string or NULL.
 */
char *tokens_unsigned_jwt(struct json_object *claims);

/* The payload of an unsigned JWT (new object, owned) or NULL. */
struct json_object *tokens_read_unsigned_jwt(const char *jwt);

/*
 * An opaque random token: `nbytes` (16..64) bytes from RAND_bytes, base64url
 * without padding, prefixed by `prefix` (may be ""). Writes NUL-terminated
 * into `out`; returns 0, or -1 when out is too small or RAND_bytes fails.
 */
int tokens_random(const char *prefix, size_t nbytes, char *out,
    size_t outcap);

/*
 * A Firebase-style id (uids, enrollment ids): 28 characters of
 * [A-Za-z0-9] from RAND_bytes into out (29 bytes). Returns 0 or -1.
 */
#define TOKENS_ID_LEN 28
int tokens_random_id(char *out);

#endif
