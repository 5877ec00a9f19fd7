/*
 * The emulator clock: moving it, reading it, and the RFC 3339 text that
 * fixtures (enrolledAt) and replies use.
 */
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "unit.h"

/*
 * Reading a moved clock between two reads of an unmoved one brackets it
 * exactly, so no assertion depends on how long anything takes.
 */
static void
assert_offset(struct clock *moved, int64_t offset)
{
	struct clock base;
	int64_t before, now, after;

	clock_init(&base);
	before = clock_now_ms(&base);
	now = clock_now_ms(moved);
	after = clock_now_ms(&base);
	ck_assert_int_eq(clock_offset_ms(moved), offset);
	ck_assert_int_ge(now, before + offset);
	ck_assert_int_le(now, after + offset);
}

START_TEST(clock_init_starts_at_real_time)
{
	struct clock c;

	clock_init(&c);
	assert_offset(&c, 0);
}
END_TEST

/* Each step moves the clock by `delta`; `offset` is the total since init. */
static const struct {
	int64_t delta;
	int64_t offset;
} advance_steps[] = {
	{ 3600 * 1000, 3600 * 1000 },
	{ -5400 * 1000, -1800 * 1000 },
	{ -1, -1800 * 1000 - 1 },
	{ 1800 * 1000 + 1, 0 },
	{ 400LL * 86400 * 1000, 400LL * 86400 * 1000 },
};

/*
 * A running clock reports the offset it was moved by, exactly, however
 * often it is read: the control plane's offsetMillis must not wobble by a
 * millisecond when a read straddles one.
 */
START_TEST(clock_offset_is_exact_while_running)
{
	struct clock c;

	clock_init(&c);
	clock_advance_ms(&c, 100000);
	for (int i = 0; i < 200000; i++)
		ck_assert_int_eq(clock_offset_ms(&c), 100000);
}
END_TEST

START_TEST(clock_advance_moves_now)
{
	struct clock c;

	clock_init(&c);
	for (size_t i = 0; i < sizeof(advance_steps) /
	    sizeof(advance_steps[0]); i++) {
		clock_advance_ms(&c, advance_steps[i].delta);
		assert_offset(&c, advance_steps[i].offset);
	}
}
END_TEST

START_TEST(clock_init_resets_offset)
{
	struct clock c;

	clock_init(&c);
	clock_advance_ms(&c, 123456);
	clock_init(&c);
	assert_offset(&c, 0);
}
END_TEST

/* s * 1000 <= ms < (s + 1) * 1000 for some ms read around s. */
static void
assert_floor(struct clock *c)
{
	int64_t m1, s, m2;

	m1 = clock_now_ms(c);
	s = clock_now_s(c);
	m2 = clock_now_ms(c);
	ck_assert_int_le(s * 1000, m2);
	ck_assert_int_gt((s + 1) * 1000, m1);
}

START_TEST(clock_now_s_floors)
{
	struct clock base, c;

	clock_init(&base);
	clock_init(&c);
	assert_floor(&c);

	/* About 1.5 s before the epoch: truncation would say -1, floor -2. */
	clock_advance_ms(&c, -clock_now_ms(&base) - 1500);
	ck_assert_int_lt(clock_now_ms(&c), 0);
	assert_floor(&c);
	ck_assert_int_le(clock_now_s(&c), -2);
}
END_TEST

static const struct {
	int64_t ms;
	const char *text;
} format_cases[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ 1767323045678LL, "2026-01-02T03:04:05.678Z" },
	{ 1767225600000LL, "2026-01-01T00:00:00.000Z" },
	{ -1, "1969-12-31T23:59:59.999Z" },
	{ -1001, "1969-12-31T23:59:58.999Z" },
	{ 951825600000LL, "2000-02-29T12:00:00.000Z" },
	{ 2147483648000LL, "2038-01-19T03:14:08.000Z" },
	{ 4133980799999LL, "2100-12-31T23:59:59.999Z" },
};

START_TEST(clock_format_rfc3339_utc_millis)
{
	char out[25];

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(clock_format_rfc3339(format_cases[_i].ms, out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, format_cases[_i].text);
}
END_TEST

START_TEST(clock_format_rejects_short_buffer)
{
	char out[24];

	ck_assert_int_eq(clock_format_rfc3339(0, out, sizeof(out)), -1);
}
END_TEST

START_TEST(clock_format_parse_round_trip)
{
	static const int64_t values[] = { 0, 1, 999, 1000, -1, -1001,
	    1767323045678LL, 951825600000LL, 4133980799999LL,
	    253402300799999LL /* 9999-12-31T23:59:59.999Z */ };
	char text[25];
	int64_t back;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ck_assert_int_eq(clock_format_rfc3339(values[i], text,
		    sizeof(text)), 0);
		back = 42;
		ck_assert_msg(clock_parse_rfc3339(text, &back) == 0,
		    "%s does not parse back", text);
		ck_assert_int_eq(back, values[i]);
	}
}
END_TEST

static const struct {
	const char *text;
	int64_t ms;
} parse_ok[] = {
	{ "2026-01-01T00:00:00Z", 1767225600000LL },
	{ "2026-01-01t00:00:00z", 1767225600000LL },
	{ "2026-01-02T03:04:05.678Z", 1767323045678LL },
	{ "2026-01-01T00:00:00.5Z", 1767225600500LL },
	{ "2026-01-01T00:00:00.05Z", 1767225600050LL },
	{ "2026-01-01T00:00:00.123456789Z", 1767225600123LL },
	{ "2026-01-01T00:00:00+00:00", 1767225600000LL },
	{ "2026-01-01T00:00:00-00:00", 1767225600000LL },
	/* 02:00 at +02:00 is midnight UTC. */
	{ "2026-01-01T02:00:00+02:00", 1767225600000LL },
	/* 19:00 on the 31st at -05:00 is midnight UTC on the 1st. */
	{ "2025-12-31T19:00:00-05:00", 1767225600000LL },
	{ "2026-01-01T05:30:00.250+05:30", 1767225600250LL },
	{ "2026-01-01T01:00:00+02:00", 1767225600000LL - 3600 * 1000 },
	{ "2000-02-29T12:00:00Z", 951825600000LL },
	{ "1969-12-31T23:59:59.999Z", -1 },
	{ "1970-01-01T00:00:00Z", 0 },
};

START_TEST(clock_parse_rfc3339_accepts)
{
	int64_t ms = 42;

	ck_assert_msg(clock_parse_rfc3339(parse_ok[_i].text, &ms) == 0,
	    "'%s' was rejected", parse_ok[_i].text);
	ck_assert_int_eq(ms, parse_ok[_i].ms);
}
END_TEST

static const char *const parse_bad[] = {
	"2026-13-01T00:00:00Z",		/* month 13 */
	"2026-00-10T00:00:00Z",		/* month 0 */
	"2026-01-00T00:00:00Z",		/* day 0 */
	"2026-02-30T00:00:00Z",		/* Feb 30 */
	"2026-04-31T00:00:00Z",		/* Apr 31 */
	"2025-02-29T00:00:00Z",		/* Feb 29 in a common year */
	"2026-01-32T00:00:00Z",
	"2026-01-01 00:00:00Z",		/* space instead of T */
	"2026-01-0100:00:00Z",		/* no T at all */
	"2026-01-01T00:00:00Zjunk",	/* trailing junk */
	"2026-01-01T00:00:00Z ",
	"2026-01-01T00:00:00",		/* no zone */
	"2026-01-01T24:00:00Z",
	"2026-01-01T00:60:00Z",
	"2026-01-01T00:00:61Z",
	"2026-01-01T00:00:00.Z",	/* empty fraction */
	"2026-01-01T00:00:00+0200",	/* offset without colon */
	"2026-01-01T00:00:00+24:00",
	"2026-01-01T00:00:00+02:60",
	"2026-1-01T00:00:00Z",
	"26-01-01T00:00:00Z",
	"2026-01-01",
	"",
};

START_TEST(clock_parse_rfc3339_rejects)
{
	int64_t ms = 42;

	ck_assert_msg(clock_parse_rfc3339(parse_bad[_i], &ms) == -1,
	    "'%s' was accepted as %lld", parse_bad[_i], (long long)ms);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("clock");

	tcase_add_test(tc, clock_init_starts_at_real_time);
	tcase_add_test(tc, clock_offset_is_exact_while_running);
	tcase_add_test(tc, clock_advance_moves_now);
	tcase_add_test(tc, clock_init_resets_offset);
	tcase_add_test(tc, clock_now_s_floors);
	tcase_add_loop_test(tc, clock_format_rfc3339_utc_millis, 0,
	    N(format_cases));
	tcase_add_test(tc, clock_format_rejects_short_buffer);
	tcase_add_test(tc, clock_format_parse_round_trip);
	tcase_add_loop_test(tc, clock_parse_rfc3339_accepts, 0, N(parse_ok));
	tcase_add_loop_test(tc, clock_parse_rfc3339_rejects, 0,
	    N(parse_bad));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(clock_suite)
