#include <stdint.h>
#include <stdlib.h>

#include "b64url.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64url_len(size_t n)
{
	return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

ssize_t
b64url_encode(const uint8_t *in, size_t n, char *out, size_t outcap)
{
	size_t i, o = 0;
	uint32_t v;

	/* Beyond this the length does not fit its types. */
	if (n > (SIZE_MAX - 4) / 4 * 3 || out == NULL ||
	    outcap < b64url_len(n) + 1 || (in == NULL && n > 0))
		return -1;
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64url_alphabet[v >> 18 & 0x3f];
		out[o++] = b64url_alphabet[v >> 12 & 0x3f];
		out[o++] = b64url_alphabet[v >> 6 & 0x3f];
		out[o++] = b64url_alphabet[v & 0x3f];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64url_alphabet[v >> 18 & 0x3f];
		out[o++] = b64url_alphabet[v >> 12 & 0x3f];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url_alphabet[v >> 18 & 0x3f];
		out[o++] = b64url_alphabet[v >> 12 & 0x3f];
		out[o++] = b64url_alphabet[v >> 6 & 0x3f];
	}
	out[o] = '\0';
	return (ssize_t)o;
}

static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Without the rule on the last character's low bits two spellings of one
 * signature would both verify, and a changed character could go unseen.
 */
uint8_t *
b64url_decode(const char *in, size_t n, size_t *outlen)
{
	uint8_t *out;
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0, v;

	if (n % 4 == 1)
		return NULL;
	/* One spare byte, so an empty segment still gets a real allocation. */
	if ((out = malloc(n / 4 * 3 + 3)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if ((v = b64url_value(in[i])) < 0)
			goto fail;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		goto fail;
	*outlen = o;
	return out;
fail:
	free(out);
	return NULL;
}
