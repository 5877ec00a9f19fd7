/*
 * The emulator's clock: the only way any module reads the time, so tests and
 * the control plane can move it. Real time plus an offset; readers and
 * writers may be on any thread (the offset is atomic).
 */
#ifndef MFAEMU_CLOCK_H
#define MFAEMU_CLOCK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct clock {
	_Atomic int64_t offset_ms;	/* added to real time */
	_Atomic int64_t frozen_ms;	/* the time while frozen, else 0 */
};

void clock_init(struct clock *c);

/* Emulated unix time in milliseconds. */
int64_t clock_now_ms(struct clock *c);

/* Emulated unix time in whole seconds. */
int64_t clock_now_s(struct clock *c);

/* Move the clock by `delta_ms` (may be negative). */
void clock_advance_ms(struct clock *c, int64_t delta_ms);

int64_t clock_offset_ms(struct clock *c);

/* Jump to an absolute emulated time (frozen or not). */
void clock_set_ms(struct clock *c, int64_t unix_ms);

/* Stop the clock at its current time, or let it run on from there. */
void clock_freeze(struct clock *c);
void clock_unfreeze(struct clock *c);
int clock_frozen(struct clock *c);

/*
 * Format unix milliseconds as RFC 3339 UTC with milliseconds
 * ("2026-01-02T03:04:05.678Z"); `out` needs 25 bytes. Returns 0 or -1.
 */
int clock_format_rfc3339(int64_t unix_ms, char *out, size_t outcap);

/*
 * Parse RFC 3339 ("2026-01-02T03:04:05Z", optional fraction, "Z" or
 * "+hh:mm") into unix milliseconds. Returns 0 or -1.
 */
int clock_parse_rfc3339(const char *s, int64_t *unix_ms);

#endif
