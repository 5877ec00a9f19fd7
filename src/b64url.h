/*
 * RFC 4648 section 5 base64url without padding, as JWTs (RFC 7515) and
 * JWKs write it.
 */
#ifndef MFAEMU_B64URL_H
#define MFAEMU_B64URL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The number of characters that encode `n` bytes. */
size_t b64url_len(size_t n);

/*
 * Encode `n` bytes, NUL-terminated, into `out`. Returns the string
 * length, or -1 when `outcap` is too small (it needs b64url_len(n) + 1
 * bytes) or `in` is NULL with `n` > 0.
 */
ssize_t b64url_encode(const uint8_t *in, size_t n, char *out,
    size_t outcap);

/*
 * Decode `n` characters strictly: no padding, no white space, nothing
 * outside the alphabet, and the unused low bits of the last character
 * zero. Returns a malloc'd buffer (caller frees) with its length in
 * *outlen, or NULL.
 */
uint8_t *b64url_decode(const char *in, size_t n, size_t *outlen);

#endif
