/*
 * The event log: the last EVENTS_MAX requests to the API routes and how
 * they ended, for tests that assert what happened. Any thread may record
 * and read (one mutex; records are small fixed-size copies).
 */
#ifndef MFAEMU_EVENTS_H
#define MFAEMU_EVENTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define EVENTS_MAX 1000

struct json_object;

struct event {
	uint64_t seq;
	int64_t time_ms;		/* emulator clock */
	char method[8];
	char path[128];
	char route[48];			/* "accounts.mfaSignIn.start" */
	unsigned status;
	char code[48];			/* error CODE, "" on success */
	char local_id[129];
	char tenant_id[129];
	char enrollment_id[129];
};

struct events {
	pthread_mutex_t lock;
	/*
	 * EVENTS_MAX slots (650 KB) from calloc, so pages are only touched
	 * as events arrive: an idle daemon does not pay for the whole ring.
	 */
	struct event *ring;
	uint64_t next_seq;		/* seq of the next event, from 1 */
};

/* -1 when out of memory. */
int events_init(struct events *ev);
void events_destroy(struct events *ev);

/* Copy `e` in (its seq is assigned here). */
void events_record(struct events *ev, const struct event *e);

void events_clear(struct events *ev);

/*
 * The newest `limit` events (all when 0), oldest first, with seq greater
 * than `after`, as a JSON array (new object, owned).
 */
struct json_object *events_json(struct events *ev, size_t limit,
    uint64_t after);

#endif
