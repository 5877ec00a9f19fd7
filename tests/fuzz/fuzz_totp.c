/*
 * The TOTP input paths: base32 secrets (decode, encode, round trips),
 * totp_verify with arbitrary parameters and codes, algorithm names and
 * RFC 3339 times. The first byte picks the mode (ASCII '0'..'3' in the
 * seeds); the rest is its input:
 *   0  base32_decode of the text, then encode and decode again
 *   1  base32_encode of the bytes, then decode
 *   2  totp_verify: alg, digits, period, window, now (8 bytes LE),
 *      code length, code, key (the rest)
 *   3  clock_parse_rfc3339 and totp_alg_parse of the text, with round trips
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "clock.h"
#include "fuzz_common.h"
#include "totp.h"

#define MAX_OUT 4096

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_totp: %s\n", what);
	abort();
}

static void
base32_decode_mode(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size);
	uint8_t out[MAX_OUT], again[MAX_OUT];
	char enc[MAX_OUT * 2];
	ssize_t n, m, k;

	n = base32_decode(in, out, sizeof(out));
	if (n >= 0) {
		/* Canonical text decodes to the same bytes. */
		if ((k = base32_encode(out, (size_t)n, enc, sizeof(enc))) < 0)
			fail("encode of decoded bytes failed");
		m = base32_decode(enc, again, sizeof(again));
		if (m != n || memcmp(out, again, (size_t)n) != 0)
			fail("decode(encode(decode(x))) != decode(x)");
		/* Exactly n bytes of room is enough; one less is not. */
		if (base32_decode(in, again, (size_t)n) != n)
			fail("decode needs more than its output size");
		if (n > 0 && base32_decode(in, again, (size_t)n - 1) != -1)
			fail("decode wrote past outcap");
	}
	/* A tiny buffer must not be overrun either (ASan watches). */
	{
		uint8_t *small = malloc(3);

		if (small != NULL) {
			(void)base32_decode(in, small, 3);
			free(small);
		}
	}
	(void)base32_decode(in, NULL, 0);
	free(in);
}

static void
base32_encode_mode(const uint8_t *data, size_t size)
{
	size_t need = (size * 8 + 4) / 5 + 1;
	char *enc = malloc(need);
	uint8_t *dec = malloc(size + 1);
	ssize_t k, n;

	if (enc == NULL || dec == NULL)
		abort();
	k = base32_encode(data, size, enc, need);
	if (k != (ssize_t)need - 1 || strlen(enc) != need - 1)
		fail("encode length");
	if (base32_encode(data, size, enc, need - 1) != -1)
		fail("encode accepted a short buffer");
	/* Re-encode after the failed call: it may have written into enc. */
	(void)base32_encode(data, size, enc, need);
	n = base32_decode(enc, dec, size);
	if (n != (ssize_t)size || (size > 0 && memcmp(dec, data, size) != 0))
		fail("decode(encode(x)) != x");
	free(enc);
	free(dec);
}

static int64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

static void
totp_mode(const uint8_t *data, size_t size)
{
	enum totp_alg alg;
	int digits, period, window, r;
	int64_t now;
	size_t codelen;
	char code[32], cand[TOTP_MAX_DIGITS + 1];
	const uint8_t *key;
	size_t keylen;
	uint64_t step = 0, st;

	if (size < 13)
		return;
	/* 3 and up are not algorithms: the code must refuse them. */
	alg = (enum totp_alg)(data[0] % 5);
	digits = data[1] % 12;
	period = (int)(int8_t)data[2];
	window = data[3] % 14 - 1;
	now = le64(data + 4);
	codelen = data[12] % 16;
	data += 13;
	size -= 13;
	if (codelen > size)
		codelen = size;
	memcpy(code, data, codelen);
	code[codelen] = '\0';
	key = data + codelen;
	keylen = size - codelen;
	if (keylen > TOTP_MAX_SECRET)
		keylen = TOTP_MAX_SECRET;

	r = totp_verify(keylen ? key : NULL, keylen, alg, digits, period, now,
	    window, code, &step);
	if (r < -1 || r > 1)
		fail("totp_verify result");
	if (r == 1) {
		/* The step it names must give the code. */
		if (totp_hotp(key, keylen, alg, step, digits, cand) != 0 ||
		    strcmp(cand, code) != 0)
			fail("matched step does not give the code");
		st = totp_step(now, period);
		if (step + (uint64_t)window < st ||
		    step > st + (uint64_t)window)
			fail("matched step outside the window");
	}
	/* The current code always verifies with valid parameters. */
	if (digits >= TOTP_MIN_DIGITS && digits <= TOTP_MAX_DIGITS &&
	    period > 0 && window >= 0 && window <= 10 && alg <= TOTP_SHA512) {
		st = totp_step(now, period);
		if (totp_hotp(key, keylen, alg, st, digits, cand) != 0)
			fail("totp_hotp failed on valid parameters");
		if (strlen(cand) != (size_t)digits)
			fail("totp_hotp length");
		r = totp_verify(keylen ? key : NULL, keylen, alg, digits,
		    period, now, window, cand, &step);
		if (r != 1)
			fail("the current code does not verify");
		if (step > st)
			fail("not the earliest matching step");
	}
}

static void
text_mode(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	char out[64];
	int64_t ms, ms2;
	enum totp_alg alg, alg2;

	if (clock_parse_rfc3339(s, &ms) == 0 &&
	    clock_format_rfc3339(ms, out, sizeof(out)) == 0 &&
	    out[0] != '-' && strlen(out) == 24) {
		if (clock_parse_rfc3339(out, &ms2) != 0 || ms2 != ms) {
			fprintf(stderr, "%s -> %lld -> %s\n", s, (long long)ms,
			    out);
			fail("RFC 3339 round trip");
		}
	}
	if (totp_alg_parse(s, &alg) == 0) {
		if (totp_alg_parse(totp_alg_name(alg), &alg2) != 0 ||
		    alg2 != alg)
			fail("algorithm name round trip");
	}
	free(s);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		base32_decode_mode(data + 1, size - 1);
		break;
	case 1:
		base32_encode_mode(data + 1, size - 1);
		break;
	case 2:
		totp_mode(data + 1, size - 1);
		break;
	default:
		text_mode(data + 1, size - 1);
		break;
	}
	return 0;
}
