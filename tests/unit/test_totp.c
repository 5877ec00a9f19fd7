/* totp: RFC 4226 and RFC 6238 vectors, the verify window, bad input. */
#include <stdint.h>
#include <string.h>

#include "totp.h"
#include "unit.h"

/* The RFC 6238 Appendix B seeds: the ASCII digits repeated per hash. */
static const char totp_seed20[] = "12345678901234567890";
static const char totp_seed32[] = "12345678901234567890123456789012";
static const char totp_seed64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

struct totp_vector {
	int64_t		 time;
	uint64_t	 step;
	enum totp_alg	 alg;
	const char	*code;
};

/* RFC 6238 Appendix B, every row: 8 digits, 30 s period, T0 = 0. */
static const struct totp_vector totp_rfc6238[] = {
	{ 59,		0x0000000000000001, TOTP_SHA1,   "94287082" },
	{ 59,		0x0000000000000001, TOTP_SHA256, "46119246" },
	{ 59,		0x0000000000000001, TOTP_SHA512, "90693936" },
	{ 1111111109,	0x00000000023523EC, TOTP_SHA1,   "07081804" },
	{ 1111111109,	0x00000000023523EC, TOTP_SHA256, "68084774" },
	{ 1111111109,	0x00000000023523EC, TOTP_SHA512, "25091201" },
	{ 1111111111,	0x00000000023523ED, TOTP_SHA1,   "14050471" },
	{ 1111111111,	0x00000000023523ED, TOTP_SHA256, "67062674" },
	{ 1111111111,	0x00000000023523ED, TOTP_SHA512, "99943326" },
	{ 1234567890,	0x000000000273EF07, TOTP_SHA1,   "89005924" },
	{ 1234567890,	0x000000000273EF07, TOTP_SHA256, "91819424" },
	{ 1234567890,	0x000000000273EF07, TOTP_SHA512, "93441116" },
	{ 2000000000,	0x0000000003F940AA, TOTP_SHA1,   "69279037" },
	{ 2000000000,	0x0000000003F940AA, TOTP_SHA256, "90698825" },
	{ 2000000000,	0x0000000003F940AA, TOTP_SHA512, "38618901" },
	{ 20000000000,	0x0000000027BC86AA, TOTP_SHA1,   "65353130" },
	{ 20000000000,	0x0000000027BC86AA, TOTP_SHA256, "77737706" },
	{ 20000000000,	0x0000000027BC86AA, TOTP_SHA512, "47863826" },
};
#define TOTP_NRFC6238 (sizeof(totp_rfc6238) / sizeof(totp_rfc6238[0]))

/* RFC 4226 Appendix D: HOTP-SHA1, 6 digits, counts 0 to 9. */
static const char *const totp_rfc4226[] = {
	"755224", "287082", "359152", "969429", "338314",
	"254676", "287922", "162583", "399871", "520489",
};
#define TOTP_NRFC4226 (sizeof(totp_rfc4226) / sizeof(totp_rfc4226[0]))

struct totp_padded {
	uint64_t	 counter;
	int		 digits;
	const char	*code;
};

/* Values with a leading zero, computed independently (Python hmac). */
static const struct totp_padded totp_zero_padded[] = {
	{ 30, 6, "026920" },
	{ 4,  7, "0338314" },
	{ 21, 8, "05191635" },
};
#define TOTP_NPADDED (sizeof(totp_zero_padded) / sizeof(totp_zero_padded[0]))

struct totp_alg_case {
	const char	*name;
	int		 ok;
	enum totp_alg	 alg;
};

static const struct totp_alg_case totp_alg_cases[] = {
	{ "SHA1",		0,  TOTP_SHA1 },
	{ "sha1",		0,  TOTP_SHA1 },
	{ "HMAC_SHA1",		0,  TOTP_SHA1 },
	{ "SHA256",		0,  TOTP_SHA256 },
	{ "HMAC_SHA256",	0,  TOTP_SHA256 },
	{ "hmac-sha256",	0,  TOTP_SHA256 },
	{ "SHA512",		0,  TOTP_SHA512 },
	{ "Hmac_Sha512",	0,  TOTP_SHA512 },
	{ "MD5",		-1, TOTP_SHA1 },
	{ "HMAC_MD5",		-1, TOTP_SHA1 },
	{ "",			-1, TOTP_SHA1 },
	{ "SHA",		-1, TOTP_SHA1 },
	{ "SHA-1",		-1, TOTP_SHA1 },
	{ "SHA1 ",		-1, TOTP_SHA1 },
	{ "SHA384",		-1, TOTP_SHA1 },
	{ "HMAC_",		-1, TOTP_SHA1 },
	{ "HMAC_HMAC_SHA1",	-1, TOTP_SHA1 },
};
#define TOTP_NALG (sizeof(totp_alg_cases) / sizeof(totp_alg_cases[0]))

static const uint8_t *
totp_seed(enum totp_alg alg, size_t *len)
{
	const char *s = alg == TOTP_SHA1 ? totp_seed20 :
	    alg == TOTP_SHA256 ? totp_seed32 : totp_seed64;

	*len = strlen(s);
	return (const uint8_t *)s;
}

START_TEST(totp_rfc6238_vectors)
{
	const struct totp_vector *v = &totp_rfc6238[_i];
	const uint8_t *key;
	size_t keylen;
	char out[TOTP_MAX_DIGITS + 1];
	uint64_t step = 0;

	key = totp_seed(v->alg, &keylen);
	ck_assert_uint_eq(totp_step(v->time, 30), v->step);
	ck_assert_int_eq(totp_hotp(key, keylen, v->alg, v->step, 8, out), 0);
	ck_assert_str_eq(out, v->code);
	ck_assert_int_eq(totp_verify(key, keylen, v->alg, 8, 30, v->time, 0,
	    v->code, &step), 1);
	ck_assert_uint_eq(step, v->step);
}
END_TEST

START_TEST(totp_rfc4226_hotp_vectors)
{
	char out[TOTP_MAX_DIGITS + 1];

	ck_assert_int_eq(totp_hotp((const uint8_t *)totp_seed20, 20,
	    TOTP_SHA1, (uint64_t)_i, 6, out), 0);
	ck_assert_str_eq(out, totp_rfc4226[_i]);
}
END_TEST

START_TEST(totp_hotp_zero_pads)
{
	const struct totp_padded *p = &totp_zero_padded[_i];
	char out[TOTP_MAX_DIGITS + 1];

	ck_assert_int_eq(totp_hotp((const uint8_t *)totp_seed20, 20,
	    TOTP_SHA1, p->counter, p->digits, out), 0);
	ck_assert_str_eq(out, p->code);
	ck_assert_uint_eq(strlen(out), (size_t)p->digits);
}
END_TEST

START_TEST(totp_hotp_rejects_bad_digits)
{
	char out[TOTP_MAX_DIGITS + 1];
	const uint8_t *key = (const uint8_t *)totp_seed20;

	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, 0, 5, out), -1);
	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, 0, 9, out), -1);
	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, 0, 0, out), -1);
	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, 0, -6, out), -1);
}
END_TEST

START_TEST(totp_verify_accepts_adjacent_steps)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	uint64_t step = 0;

	/* The previous step's code, checked one step later. */
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "07081804", &step), 1);
	ck_assert_uint_eq(step, 0x23523EC);
	/* The next step's code, checked one step early. */
	step = 0;
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111109,
	    1, "14050471", &step), 1);
	ck_assert_uint_eq(step, 0x23523ED);
	/* The current step's code. */
	step = 0;
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "14050471", &step), 1);
	ck_assert_uint_eq(step, 0x23523ED);
}
END_TEST

START_TEST(totp_verify_rejects_two_steps_off)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	char before[TOTP_MAX_DIGITS + 1], after[TOTP_MAX_DIGITS + 1];
	uint64_t now = totp_step(1234567890, 30), step = 42;

	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, now - 2, 6, before),
	    0);
	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, now + 2, 6, after), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 6, 30, 1234567890, 1,
	    before, &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 6, 30, 1234567890, 1,
	    after, &step), 0);
	/* A miss leaves the caller's step alone. */
	ck_assert_uint_eq(step, 42);
}
END_TEST

START_TEST(totp_verify_window_zero_is_exact)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	uint64_t step;

	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    0, "07081804", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    0, "14050471", &step), 1);
}
END_TEST

START_TEST(totp_verify_window_at_epoch)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	uint64_t step = 42;

	/* Step 0 minus the window must not wrap around. */
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 6, 30, 0, 1,
	    "755224", &step), 1);
	ck_assert_uint_eq(step, 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 6, 30, 10, 1,
	    "287082", &step), 1);
	ck_assert_uint_eq(step, 1);
}
END_TEST

START_TEST(totp_verify_rejects_malformed_codes)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	uint64_t step;

	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "1405047", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "140504710", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "1405047a", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, " 4050471", &step), 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "+4050471", &step), 0);
	/* A 6-digit prefix of the right code is still the wrong length. */
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 1111111111,
	    1, "140504", &step), 0);
}
END_TEST

START_TEST(totp_verify_rejects_bad_params)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	uint64_t step;

	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 5, 30, 59, 1,
	    "28708", &step), -1);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 9, 30, 59, 1,
	    "942870820", &step), -1);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 0, 59, 1,
	    "94287082", &step), -1);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, -30, 59, 1,
	    "94287082", &step), -1);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 59, -1,
	    "94287082", &step), -1);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, 30, 59, 1,
	    NULL, &step), -1);
}
END_TEST

START_TEST(totp_step_boundaries)
{
	ck_assert_uint_eq(totp_step(0, 30), 0);
	ck_assert_uint_eq(totp_step(29, 30), 0);
	ck_assert_uint_eq(totp_step(30, 30), 1);
	ck_assert_uint_eq(totp_step(59, 60), 0);
	ck_assert_uint_eq(totp_step(60, 60), 1);
}
END_TEST

/*
 * A used step must be remembered until no window accepts it: the widest
 * window (10, the most totp_verify allows) takes it up to the expiry and
 * not from there on, whatever the period.
 */
static const int totp_periods[] = { 15, 30, 60, 300 };
#define TOTP_NPERIODS (sizeof(totp_periods) / sizeof(totp_periods[0]))

START_TEST(totp_step_expiry_ends_the_widest_window)
{
	const uint8_t *key = (const uint8_t *)totp_seed20;
	const int period = totp_periods[_i];
	uint64_t s = totp_step(1111111111, period), step = 0;
	char code[TOTP_MAX_DIGITS + 1];
	int64_t end = totp_step_expiry_ms(s, period);

	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, period, 0, 11,
	    "00000000", &step), -1);
	ck_assert_int_eq(totp_hotp(key, 20, TOTP_SHA1, s, 8, code), 0);
	ck_assert_int_eq(end % 1000, 0);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, period,
	    end / 1000 - 1, 10, code, &step), 1);
	ck_assert_uint_eq(step, s);
	ck_assert_int_eq(totp_verify(key, 20, TOTP_SHA1, 8, period,
	    end / 1000, 10, code, &step), 0);
}
END_TEST

START_TEST(totp_step_expiry_saturates)
{
	ck_assert_int_eq(totp_step_expiry_ms(UINT64_MAX, 30), INT64_MAX);
	ck_assert_int_eq(totp_step_expiry_ms(INT64_MAX / 1000 / 300, 300),
	    INT64_MAX);
	ck_assert_int_eq(totp_step_expiry_ms(0, 30), 11 * 30 * 1000);
	ck_assert_int_eq(totp_step_expiry_ms(5, 0), 0);
}
END_TEST

START_TEST(totp_alg_parse_names)
{
	const struct totp_alg_case *c = &totp_alg_cases[_i];
	enum totp_alg alg = TOTP_SHA1;

	ck_assert_msg(totp_alg_parse(c->name, &alg) == c->ok,
	    "\"%s\" should give %d", c->name, c->ok);
	if (c->ok == 0)
		ck_assert_int_eq(alg, c->alg);
}
END_TEST

START_TEST(totp_alg_name_round_trips)
{
	static const enum totp_alg algs[] = {
		TOTP_SHA1, TOTP_SHA256, TOTP_SHA512
	};
	enum totp_alg parsed;
	size_t i;

	ck_assert_str_eq(totp_alg_name(TOTP_SHA1), "SHA1");
	ck_assert_str_eq(totp_alg_name(TOTP_SHA256), "SHA256");
	ck_assert_str_eq(totp_alg_name(TOTP_SHA512), "SHA512");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		ck_assert_int_eq(totp_alg_parse(totp_alg_name(algs[i]),
		    &parsed), 0);
		ck_assert_int_eq(parsed, algs[i]);
	}
	ck_assert_int_eq(totp_alg_parse(NULL, &parsed), -1);
}
END_TEST

static Suite *
totp_suite(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("totp");

	tcase_add_loop_test(tc, totp_rfc6238_vectors, 0, TOTP_NRFC6238);
	tcase_add_loop_test(tc, totp_rfc4226_hotp_vectors, 0, TOTP_NRFC4226);
	tcase_add_loop_test(tc, totp_hotp_zero_pads, 0, TOTP_NPADDED);
	tcase_add_test(tc, totp_hotp_rejects_bad_digits);
	tcase_add_test(tc, totp_verify_accepts_adjacent_steps);
	tcase_add_test(tc, totp_verify_rejects_two_steps_off);
	tcase_add_test(tc, totp_verify_window_zero_is_exact);
	tcase_add_test(tc, totp_verify_window_at_epoch);
	tcase_add_test(tc, totp_verify_rejects_malformed_codes);
	tcase_add_test(tc, totp_verify_rejects_bad_params);
	tcase_add_test(tc, totp_step_boundaries);
	tcase_add_loop_test(tc, totp_step_expiry_ends_the_widest_window, 0,
	    TOTP_NPERIODS);
	tcase_add_test(tc, totp_step_expiry_saturates);
	tcase_add_loop_test(tc, totp_alg_parse_names, 0, TOTP_NALG);
	tcase_add_test(tc, totp_alg_name_round_trips);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(totp_suite)
