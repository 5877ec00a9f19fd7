/* b64url: RFC 4648 vectors, the URL alphabet, and strict decoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "unit.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 4648 section 10, with the padding dropped. */
static const struct {
	const char	*in;
	const char	*out;
} b64_vectors[] = {
	{ "", "" },
	{ "f", "Zg" },
	{ "fo", "Zm8" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg" },
	{ "fooba", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(b64url_encode_rfc4648)
{
	char out[16];
	ssize_t n;

	memset(out, 'x', sizeof(out));
	n = b64url_encode((const uint8_t *)b64_vectors[_i].in,
	    strlen(b64_vectors[_i].in), out, sizeof(out));
	ck_assert_int_eq(n, (ssize_t)strlen(b64_vectors[_i].out));
	ck_assert_uint_eq(b64url_len(strlen(b64_vectors[_i].in)), (size_t)n);
	ck_assert_str_eq(out, b64_vectors[_i].out);
}
END_TEST

START_TEST(b64url_decode_rfc4648)
{
	const char *enc = b64_vectors[_i].out;
	size_t len = 99;
	uint8_t *out = b64url_decode(enc, strlen(enc), &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(b64_vectors[_i].in));
	ck_assert_mem_eq(out, b64_vectors[_i].in, len);
	free(out);
}
END_TEST

START_TEST(b64url_encode_url_alphabet)
{
	const uint8_t in[] = { 0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83 };
	char out[16];

	/* "+/+/ABCD" in standard base64. */
	ck_assert_int_eq(b64url_encode(in, sizeof(in), out, sizeof(out)), 8);
	ck_assert_str_eq(out, "-_-_ABCD");
}
END_TEST

START_TEST(b64url_encode_small_buffer)
{
	char out[8];

	/* Room for the NUL is required. */
	ck_assert_int_eq(b64url_encode((const uint8_t *)"foobar", 6, out, 8),
	    -1);
	ck_assert_int_eq(b64url_encode((const uint8_t *)"fooba", 5, out, 7),
	    -1);
	ck_assert_int_eq(b64url_encode((const uint8_t *)"fooba", 5, out, 8),
	    7);
	ck_assert_int_eq(b64url_encode(NULL, 1, out, 8), -1);
	ck_assert_int_eq(b64url_encode(NULL, 0, out, 1), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

/* What a strict decoder refuses, so one value has one spelling. */
static const char *const b64_invalid[] = {
	"Zg==",		/* padding */
	"Zm9v+g",	/* standard alphabet */
	"Zm9v/g",
	"Zm 9v",	/* white space */
	"Z",		/* a lone character holds no byte */
	"Zh",		/* "f" with a low bit set in its last character */
	"Zm9",		/* "fo" with low bits set */
};

START_TEST(b64url_decode_rejects)
{
	size_t len;

	ck_assert_ptr_null(b64url_decode(b64_invalid[_i],
	    strlen(b64_invalid[_i]), &len));
}
END_TEST

START_TEST(b64url_round_trip_all_bytes)
{
	uint8_t in[256], *back;
	char out[400];
	size_t len;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	for (size_t n = 0; n <= sizeof(in); n++) {
		ck_assert_int_ge(b64url_encode(in, n, out, sizeof(out)), 0);
		back = b64url_decode(out, strlen(out), &len);
		ck_assert_ptr_nonnull(back);
		ck_assert_uint_eq(len, n);
		ck_assert_mem_eq(back, in, n);
		free(back);
	}
}
END_TEST

static Suite *
b64url_suite(void)
{
	Suite *s = suite_create("b64url");
	TCase *tc = tcase_create("b64url");

	tcase_add_loop_test(tc, b64url_encode_rfc4648, 0,
	    NELEMS(b64_vectors));
	tcase_add_loop_test(tc, b64url_decode_rfc4648, 0,
	    NELEMS(b64_vectors));
	tcase_add_test(tc, b64url_encode_url_alphabet);
	tcase_add_test(tc, b64url_encode_small_buffer);
	tcase_add_loop_test(tc, b64url_decode_rejects, 0,
	    NELEMS(b64_invalid));
	tcase_add_test(tc, b64url_round_trip_all_bytes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(b64url_suite)
