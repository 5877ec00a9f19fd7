/* RFC 4648 base32, as authenticator apps use it for TOTP secrets. */
#ifndef MFAEMU_BASE32_H
#define MFAEMU_BASE32_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Decode `in` (NUL-terminated) into `out`. Case-insensitive; '=' padding at
 * the end, spaces and '-' between groups are accepted, as authenticator apps
 * show secrets grouped. Returns the number of bytes written, or -1 when a
 * character is outside the alphabet, the padding is misplaced, the trailing
 * bits are not zero, or the output would exceed `outcap`.
 */
ssize_t base32_decode(const char *in, uint8_t *out, size_t outcap);

/*
 * Encode `n` bytes into upper-case base32 without padding, NUL-terminated.
 * Returns the string length, or -1 when `outcap` is too small (it needs
 * (n * 8 + 4) / 5 + 1 bytes).
 */
ssize_t base32_encode(const uint8_t *in, size_t n, char *out, size_t outcap);

#endif
