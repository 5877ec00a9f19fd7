/* base32: RFC 4648 vectors and the leniency authenticator apps need. */
#include <stdint.h>
#include <string.h>

#include "base32.h"
#include "unit.h"

struct base32_vector {
	const char	*plain;
	const char	*padded;
	const char	*unpadded;
};

/* RFC 4648 section 10. */
static const struct base32_vector base32_rfc[] = {
	{ "",		"",			"" },
	{ "f",		"MY======",		"MY" },
	{ "fo",		"MZXQ====",		"MZXQ" },
	{ "foo",	"MZXW6===",		"MZXW6" },
	{ "foob",	"MZXW6YQ=",		"MZXW6YQ" },
	{ "fooba",	"MZXW6YTB",		"MZXW6YTB" },
	{ "foobar",	"MZXW6YTBOI======",	"MZXW6YTBOI" },
};
#define BASE32_NRFC (sizeof(base32_rfc) / sizeof(base32_rfc[0]))

/* Accepted spellings of "foobar". */
static const char *const base32_foobar_ok[] = {
	"mzxw6ytboi",
	"mzxw6ytboi======",
	"MzXw6YtBoI",
	"MZXW 6YTB OI",
	"mzxw-6ytb-oi",
	" MZXW6YTBOI ",
	"MZXW 6YTB OI== ====",
};
#define BASE32_NOK (sizeof(base32_foobar_ok) / sizeof(base32_foobar_ok[0]))

static const char *const base32_invalid[] = {
	/* Outside the alphabet: 0, 1, 8, 9 and punctuation. */
	"MZXW0YTB",
	"MZXW1YTB",
	"MZXW8YTB",
	"MZXW9YTB",
	"MZXW!YTB",
	"MZXW\tYTB",
	"MZXW_YTB",
	"MZXW\xc3\xa9YTB",
	/* Misplaced padding. */
	"=MY",
	"M=Y",
	"MY=A",
	"MY======MY",
	"MY=====",
	"MY=======",
	"MY==============",
	"MZXW6YTB========",
	"========",
	/* Symbol counts no encoder produces. */
	"M",
	"MZX",
	"MZXW6Y",
	"MZXW6YTBM",
	/* Non-zero trailing bits. */
	"MZ",
	"MZ======",
	"MZXR",
	"MZXW7",
	"MZXW6YR",
};
#define BASE32_NINVALID (sizeof(base32_invalid) / sizeof(base32_invalid[0]))

START_TEST(base32_decode_rfc4648_padded)
{
	const struct base32_vector *v = &base32_rfc[_i];
	uint8_t out[16];
	ssize_t n;

	n = base32_decode(v->padded, out, sizeof(out));
	ck_assert_int_eq(n, (ssize_t)strlen(v->plain));
	ck_assert_mem_eq(out, v->plain, (size_t)n);
}
END_TEST

START_TEST(base32_decode_rfc4648_unpadded)
{
	const struct base32_vector *v = &base32_rfc[_i];
	uint8_t out[16];
	ssize_t n;

	n = base32_decode(v->unpadded, out, sizeof(out));
	ck_assert_int_eq(n, (ssize_t)strlen(v->plain));
	ck_assert_mem_eq(out, v->plain, (size_t)n);
}
END_TEST

START_TEST(base32_encode_rfc4648)
{
	const struct base32_vector *v = &base32_rfc[_i];
	char out[32];
	ssize_t n;

	n = base32_encode((const uint8_t *)v->plain, strlen(v->plain), out,
	    sizeof(out));
	ck_assert_int_eq(n, (ssize_t)strlen(v->unpadded));
	ck_assert_str_eq(out, v->unpadded);
}
END_TEST

START_TEST(base32_decode_lenient_spellings)
{
	uint8_t out[16];
	ssize_t n;

	n = base32_decode(base32_foobar_ok[_i], out, sizeof(out));
	ck_assert_int_eq(n, 6);
	ck_assert_mem_eq(out, "foobar", 6);
}
END_TEST

START_TEST(base32_decode_rejects_invalid)
{
	uint8_t out[16];

	ck_assert_msg(base32_decode(base32_invalid[_i], out, sizeof(out)) ==
	    -1, "accepted \"%s\"", base32_invalid[_i]);
}
END_TEST

START_TEST(base32_decode_output_too_small)
{
	uint8_t out[6];

	ck_assert_int_eq(base32_decode("MZXW6YTBOI", out, 5), -1);
	ck_assert_int_eq(base32_decode("MZXW6YTBOI", out, 6), 6);
	ck_assert_int_eq(base32_decode("MY", out, 0), -1);
	ck_assert_int_eq(base32_decode("", NULL, 0), 0);
}
END_TEST

START_TEST(base32_encode_output_too_small)
{
	const uint8_t in[6] = { 'f', 'o', 'o', 'b', 'a', 'r' };
	char out[11];

	/* Ten symbols plus the NUL. */
	ck_assert_int_eq(base32_encode(in, sizeof(in), out, 10), -1);
	ck_assert_int_eq(base32_encode(in, sizeof(in), out, 11), 10);
	ck_assert_str_eq(out, "MZXW6YTBOI");
	ck_assert_int_eq(base32_encode(in, 0, out, 0), -1);
	ck_assert_int_eq(base32_encode(in, 0, out, 1), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(base32_totp_secret)
{
	/* The RFC 6238 SHA1 seed, as an authenticator app would show it. */
	static const char seed[] = "12345678901234567890";
	static const char b32[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	uint8_t out[20];
	char enc[33];

	ck_assert_int_eq(base32_encode((const uint8_t *)seed, 20, enc,
	    sizeof(enc)), 32);
	ck_assert_str_eq(enc, b32);
	ck_assert_int_eq(base32_decode(b32, out, sizeof(out)), 20);
	ck_assert_mem_eq(out, seed, 20);
}
END_TEST

START_TEST(base32_round_trip_all_lengths)
{
	uint8_t in[64], out[64];
	char enc[(64 * 8 + 4) / 5 + 1];
	size_t i, n;
	ssize_t r;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	/* Every remainder of the 5-byte group and every byte value. */
	for (n = 0; n <= sizeof(in); n++) {
		r = base32_encode(in, n, enc, (n * 8 + 4) / 5 + 1);
		ck_assert_int_eq(r, (ssize_t)((n * 8 + 4) / 5));
		ck_assert_int_eq(base32_decode(enc, out, n), (ssize_t)n);
		ck_assert_mem_eq(out, in, n);
	}
}
END_TEST

static Suite *
base32_suite(void)
{
	Suite *s = suite_create("base32");
	TCase *tc = tcase_create("base32");

	tcase_add_loop_test(tc, base32_decode_rfc4648_padded, 0, BASE32_NRFC);
	tcase_add_loop_test(tc, base32_decode_rfc4648_unpadded, 0,
	    BASE32_NRFC);
	tcase_add_loop_test(tc, base32_encode_rfc4648, 0, BASE32_NRFC);
	tcase_add_loop_test(tc, base32_decode_lenient_spellings, 0,
	    BASE32_NOK);
	tcase_add_loop_test(tc, base32_decode_rejects_invalid, 0,
	    BASE32_NINVALID);
	tcase_add_test(tc, base32_decode_output_too_small);
	tcase_add_test(tc, base32_encode_output_too_small);
	tcase_add_test(tc, base32_totp_secret);
	tcase_add_test(tc, base32_round_trip_all_lengths);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(base32_suite)
