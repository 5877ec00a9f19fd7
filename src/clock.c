#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

/*
 * The control plane moves the clock rarely and from one request at a
 * time in practice; readers are many. Atomics keep readers lock-free; two
 * racing writers may lose one move, which no test relies on.
 */
void
clock_init(struct clock *c)
{
	atomic_init(&c->offset_ms, 0);
	atomic_init(&c->frozen_ms, 0);
}

static int64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_now_ms(struct clock *c)
{
	int64_t frozen = atomic_load(&c->frozen_ms);

	if (frozen != 0)
		return frozen;
	return real_ms() + atomic_load(&c->offset_ms);
}

int64_t
clock_now_s(struct clock *c)
{
	int64_t ms = clock_now_ms(c);

	/* Floor, so times before the epoch (a clock moved back) stay sane. */
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

void
clock_advance_ms(struct clock *c, int64_t delta_ms)
{
	if (atomic_load(&c->frozen_ms) != 0)
		atomic_fetch_add(&c->frozen_ms, delta_ms);
	else
		atomic_fetch_add(&c->offset_ms, delta_ms);
}

void
clock_set_ms(struct clock *c, int64_t unix_ms)
{
	/* 0 means "not frozen"; a clock frozen at the epoch is 1 ms late. */
	if (atomic_load(&c->frozen_ms) != 0)
		atomic_store(&c->frozen_ms, unix_ms != 0 ? unix_ms : 1);
	else
		atomic_store(&c->offset_ms, unix_ms - real_ms());
}

void
clock_freeze(struct clock *c)
{
	int64_t now = clock_now_ms(c);

	atomic_store(&c->frozen_ms, now != 0 ? now : 1);
}

void
clock_unfreeze(struct clock *c)
{
	int64_t frozen = atomic_exchange(&c->frozen_ms, 0);

	if (frozen != 0)
		atomic_store(&c->offset_ms, frozen - real_ms());
}

int
clock_frozen(struct clock *c)
{
	return atomic_load(&c->frozen_ms) != 0;
}

int64_t
clock_offset_ms(struct clock *c)
{
	int64_t frozen = atomic_load(&c->frozen_ms);

	/*
	 * A running clock's offset is the one stored: reading the real clock
	 * twice (now, then real) could straddle a millisecond.
	 */
	if (frozen != 0)
		return frozen - real_ms();
	return atomic_load(&c->offset_ms);
}

int
clock_format_rfc3339(int64_t unix_ms, char *out, size_t outcap)
{
	time_t secs = (time_t)(unix_ms >= 0 ? unix_ms / 1000 :
	    -((-unix_ms + 999) / 1000));
	int ms = (int)(unix_ms - (int64_t)secs * 1000);
	struct tm tm;
	int n;

	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	n = snprintf(out, outcap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ms);
	return n > 0 && (size_t)n < outcap ? 0 : -1;
}

static int
parse_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* ".ddd" (optional): milliseconds; digits past the third are ignored. */
static int
parse_fraction(const char **p, int *ms)
{
	int scale = 100, digits = 0;

	*ms = 0;
	if (**p != '.')
		return 0;
	for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, digits++) {
		*ms += (**p - '0') * scale;
		scale /= 10;
	}
	return digits > 0 ? 0 : -1;
}

/* "Z", "+hh:mm" or "-hh:mm": the offset east of UTC, in seconds. */
static int
parse_zone(const char **p, int64_t *east_s)
{
	int sign, tzh, tzm;

	*east_s = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '+' ? 1 : -1;
	(*p)++;
	if (parse_digits(p, 2, &tzh) || *(*p)++ != ':' ||
	    parse_digits(p, 2, &tzm) || tzh > 23 || tzm > 59)
		return -1;
	*east_s = sign * (tzh * 3600 + tzm * 60);
	return 0;
}

static bool
date_valid(int year, int mon, int day)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1])
		return false;
	return mon != 2 || day != 29 ||
	    (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
}

/* Days from civil (Howard Hinnant's algorithm), no timegm() needed. */
static int64_t
days_from_civil(int year, int mon, int day)
{
	int y = year - (mon <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int64_t)era * 146097 + doe - 719468;
}

int
clock_parse_rfc3339(const char *s, int64_t *unix_ms)
{
	int year, mon, day, hour, min, sec, ms;
	int64_t east_s;
	const char *p = s;

	if (parse_digits(&p, 4, &year) || *p++ != '-' ||
	    parse_digits(&p, 2, &mon) || *p++ != '-' ||
	    parse_digits(&p, 2, &day) || (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if (parse_digits(&p, 2, &hour) || *p++ != ':' ||
	    parse_digits(&p, 2, &min) || *p++ != ':' ||
	    parse_digits(&p, 2, &sec) || parse_fraction(&p, &ms) ||
	    parse_zone(&p, &east_s))
		return -1;
	if (*p != '\0' || !date_valid(year, mon, day) || hour > 23 ||
	    min > 59 || sec > 60)
		return -1;
	*unix_ms = (days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	    min * 60 + sec - east_s) * 1000 + ms;
	return 0;
}
