/* RFC 4648 base32 for TOTP secrets; see base32.h for the contract. */
#include <limits.h>
#include <stdint.h>

#include "base32.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Symbol value, or -1 outside the alphabet; lower case is accepted. */
static int
base32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

ssize_t
base32_decode(const char *in, uint8_t *out, size_t outcap)
{
	const char *p;
	uint32_t acc = 0;
	size_t n = 0, nsym = 0, npad = 0;
	int bits = 0, v;

	if (in == NULL || (out == NULL && outcap > 0))
		return -1;
	for (p = in; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '=') {
			npad++;
			continue;
		}
		/* Padding only ever ends the input. */
		if (npad > 0)
			return -1;
		if ((v = base32_value(*p)) < 0)
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		nsym++;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outcap || n >= SSIZE_MAX)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/*
	 * Five or more leftover bits mean a symbol that carries no byte at
	 * all (1, 3 or 6 symbols in the last group): no encoder emits that.
	 * Non-zero leftover bits would make two spellings of one secret.
	 */
	if (bits >= 5 || acc != 0)
		return -1;
	/* When present, padding must fill out the last group of eight. */
	if (npad > 0 && (npad >= 8 || (nsym + npad) % 8 != 0))
		return -1;
	return (ssize_t)n;
}

ssize_t
base32_encode(const uint8_t *in, size_t n, char *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t i, k = 0, need;
	int bits = 0;

	if (n > (SIZE_MAX - 4) / 8 || (in == NULL && n > 0) || out == NULL)
		return -1;
	need = (n * 8 + 4) / 5 + 1;
	if (outcap < need || need - 1 > SSIZE_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[k++] = base32_alphabet[(acc >> bits) & 31];
		}
		/* Keep only unconsumed bits so acc never overflows. */
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[k++] = base32_alphabet[(acc << (5 - bits)) & 31];
	out[k] = '\0';
	return (ssize_t)k;
}
