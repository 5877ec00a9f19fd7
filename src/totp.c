/* HOTP (RFC 4226) and TOTP (RFC 6238); see totp.h for the contract. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "totp.h"

/*
 * Identity Toolkit's adjacentIntervals setting allows 0..10; a larger
 * window would only turn one request into thousands of HMACs.
 */
#define TOTP_MAX_WINDOW 10

static const uint32_t totp_pow10[TOTP_MAX_DIGITS + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

int
totp_alg_parse(const char *name, enum totp_alg *out)
{
	if (name == NULL || out == NULL)
		return -1;
	if (strncasecmp(name, "HMAC_", 5) == 0 ||
	    strncasecmp(name, "HMAC-", 5) == 0)
		name += 5;
	if (strcasecmp(name, "SHA1") == 0)
		*out = TOTP_SHA1;
	else if (strcasecmp(name, "SHA256") == 0)
		*out = TOTP_SHA256;
	else if (strcasecmp(name, "SHA512") == 0)
		*out = TOTP_SHA512;
	else
		return -1;
	return 0;
}

const char *
totp_alg_name(enum totp_alg alg)
{
	switch (alg) {
	case TOTP_SHA1:
		return "SHA1";
	case TOTP_SHA256:
		return "SHA256";
	case TOTP_SHA512:
		return "SHA512";
	}
	/* Only reachable through a cast; NULL makes that bug loud. */
	return NULL;
}

static const EVP_MD *
totp_md(enum totp_alg alg)
{
	switch (alg) {
	case TOTP_SHA1:
		return EVP_sha1();
	case TOTP_SHA256:
		return EVP_sha256();
	case TOTP_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

int
totp_hotp(const uint8_t *key, size_t keylen, enum totp_alg alg,
    uint64_t counter, int digits, char *out)
{
	const EVP_MD *md;
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, off;
	uint32_t bin;
	int i, len;

	if (digits < TOTP_MIN_DIGITS || digits > TOTP_MAX_DIGITS ||
	    out == NULL || (key == NULL && keylen > 0) || keylen > INT_MAX ||
	    (md = totp_md(alg)) == NULL)
		return -1;
	/* The counter is hashed as 8 big-endian bytes (RFC 4226 5.2). */
	for (i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	if (HMAC(md, key, (int)keylen, msg, sizeof(msg), mac, &maclen) ==
	    NULL || maclen < 20) {
		OPENSSL_cleanse(mac, sizeof(mac));
		return -1;
	}
	/* Dynamic truncation (RFC 4226 5.3), for every hash length. */
	off = mac[maclen - 1] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 |
	    (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 |
	    (uint32_t)mac[off + 3];
	OPENSSL_cleanse(mac, sizeof(mac));
	len = snprintf(out, TOTP_MAX_DIGITS + 1, "%0*lu", digits,
	    (unsigned long)(bin % totp_pow10[digits]));
	return len == digits ? 0 : -1;
}

uint64_t
totp_step(int64_t unix_seconds, int period)
{
	/* Steps are unsigned: times before T0 all fall into step 0. */
	if (period <= 0 || unix_seconds < 0)
		return 0;
	return (uint64_t)unix_seconds / (uint64_t)period;
}

int64_t
totp_step_expiry_ms(uint64_t step, int period)
{
	uint64_t limit;

	if (period <= 0)
		return 0;
	/* The last step whose window still holds `step`, then its end. */
	limit = (uint64_t)INT64_MAX / 1000 / (uint64_t)period;
	if (step >= limit - TOTP_MAX_WINDOW - 1)
		return INT64_MAX;
	return (int64_t)((step + TOTP_MAX_WINDOW + 1) * (uint64_t)period *
	    1000);
}

int
totp_verify(const uint8_t *key, size_t keylen, enum totp_alg alg,
    int digits, int period, int64_t now_unix_seconds, int window,
    const char *code, uint64_t *matched_step)
{
	char cand[TOTP_MAX_DIGITS + 1];
	uint64_t now, lo, hi, s, found = 0, mask;
	size_t len;
	int i, eq, matched = 0;

	if (digits < TOTP_MIN_DIGITS || digits > TOTP_MAX_DIGITS ||
	    period <= 0 || window < 0 || window > TOTP_MAX_WINDOW ||
	    code == NULL || (key == NULL && keylen > 0) ||
	    totp_md(alg) == NULL)
		return -1;
	/* The code's shape is public, so rejecting it early leaks nothing. */
	len = strnlen(code, TOTP_MAX_DIGITS + 1);
	if (len != (size_t)digits)
		return 0;
	for (i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;

	now = totp_step(now_unix_seconds, period);
	lo = now >= (uint64_t)window ? now - (uint64_t)window : 0;
	hi = now + (uint64_t)window;
	for (s = lo; s <= hi; s++) {
		if (totp_hotp(key, keylen, alg, s, digits, cand) != 0) {
			OPENSSL_cleanse(cand, sizeof(cand));
			return -1;
		}
		eq = CRYPTO_memcmp(cand, code, (size_t)digits) == 0;
		/*
		 * Keep the earliest match without branching on it, so every
		 * step costs the same whether or not it matched.
		 */
		mask = 0 - (uint64_t)(eq & !matched);
		found = (found & ~mask) | (s & mask);
		matched |= eq;
	}
	OPENSSL_cleanse(cand, sizeof(cand));
	if (matched && matched_step != NULL)
		*matched_step = found;
	return matched;
}
