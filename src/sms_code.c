#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sms_code.h"

int
sms_code_generate(char *out, unsigned digits)
{
	uint32_t v, mod = 1;

	if (digits < 4 || digits > SMS_CODE_MAX_DIGITS)
		return -1;
	for (unsigned i = 0; i < digits; i++)
		mod *= 10;
	/* Rejection sampling keeps every code equally likely. */
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -1;
	} while (v >= UINT32_MAX - UINT32_MAX % mod);
	v %= mod;
	for (int i = (int)digits - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[digits] = '\0';
	return 0;
}

int
sms_code_valid_code(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return i == SMS_CODE_DIGITS;
}

int
sms_code_equal(const char *expected, const char *given)
{
	size_t n = strlen(expected);

	if (strlen(given) != n)
		return 0;
	return CRYPTO_memcmp(expected, given, n) == 0;
}
