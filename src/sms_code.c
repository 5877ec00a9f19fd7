#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sms_code.h"

int
sms_code_generate(char *out)
{
	uint32_t v;

	/* Rejection sampling keeps all 10^6 codes equally likely. */
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -1;
	} while (v >= 4294000000u);
	v %= 1000000u;
	for (int i = SMS_CODE_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[SMS_CODE_DIGITS] = '\0';
	return 0;
}

int
sms_code_valid_phone(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (s++; *s != '\0'; s++, n++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return n >= 2 && n <= 15;
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

void
sms_code_obfuscate(const char *phone, char *out)
{
	size_t n = strlen(phone), digits = 0;

	for (size_t i = n; i > 0; i--) {
		char c = phone[i - 1];

		if (c >= '0' && c <= '9' && ++digits > 4)
			c = '*';
		out[i - 1] = c;
	}
	out[n] = '\0';
}
