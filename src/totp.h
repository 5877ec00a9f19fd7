/* One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238). */
#ifndef MFAEMU_TOTP_H
#define MFAEMU_TOTP_H

#include <stddef.h>
#include <stdint.h>

enum totp_alg { TOTP_SHA1, TOTP_SHA256, TOTP_SHA512 };

#define TOTP_MIN_DIGITS 6
#define TOTP_MAX_DIGITS 8
#define TOTP_MAX_SECRET 64

/*
 * Parse an algorithm name: "SHA1", "SHA256", "SHA512" (case-insensitive,
 * an optional "HMAC_" or "HMAC-" prefix allowed). Returns 0 or -1.
 */
int totp_alg_parse(const char *name, enum totp_alg *out);

/* The canonical name: "SHA1", "SHA256" or "SHA512". */
const char *totp_alg_name(enum totp_alg alg);

/*
 * HOTP value for `counter`, written as exactly `digits` decimal digits
 * (zero-padded) plus NUL into `out` (at least TOTP_MAX_DIGITS + 1 bytes).
 * Returns 0, or -1 when digits is outside 6..8 or HMAC fails.
 */
int totp_hotp(const uint8_t *key, size_t keylen, enum totp_alg alg,
    uint64_t counter, int digits, char *out);

/* TOTP time step of `unix_seconds` for `period` seconds (T0 = 0). */
uint64_t totp_step(int64_t unix_seconds, int period);

/*
 * Unix milliseconds from which no window totp_verify() allows accepts
 * `step` any more: how long a used step must be remembered to refuse its
 * code again. The widest window counts, not the realm's, because the
 * window can be widened after the code was used. INT64_MAX when the time
 * does not fit; 0 for a period <= 0.
 */
int64_t totp_step_expiry_ms(uint64_t step, int period);

/*
 * Check `code` against the steps step(now) - window .. step(now) + window.
 * Every candidate is compared in constant time and all are computed, so
 * timing does not reveal which step matched. On a match returns 1 and stores
 * the matching step in *matched_step; returns 0 when none match (including
 * a code of the wrong length or with non-digits), -1 on bad parameters.
 */
int totp_verify(const uint8_t *key, size_t keylen, enum totp_alg alg,
    int digits, int period, int64_t now_unix_seconds, int window,
    const char *code, uint64_t *matched_step);

#endif
