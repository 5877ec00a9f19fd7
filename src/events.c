#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "clock.h"
#include "events.h"

int
events_init(struct events *ev)
{
	memset(ev, 0, sizeof(*ev));
	if ((ev->ring = calloc(EVENTS_MAX, sizeof(*ev->ring))) == NULL)
		return -1;
	pthread_mutex_init(&ev->lock, NULL);
	ev->next_seq = 1;
	return 0;
}

void
events_destroy(struct events *ev)
{
	if (ev->ring == NULL)
		return;
	free(ev->ring);
	ev->ring = NULL;
	pthread_mutex_destroy(&ev->lock);
}

void
events_record(struct events *ev, const struct event *e)
{
	struct event *slot;

	pthread_mutex_lock(&ev->lock);
	slot = &ev->ring[ev->next_seq % EVENTS_MAX];
	*slot = *e;
	slot->seq = ev->next_seq++;
	pthread_mutex_unlock(&ev->lock);
}

void
events_clear(struct events *ev)
{
	/* A fresh ring gives back the old one's pages; memset if none. */
	struct event *fresh = calloc(EVENTS_MAX, sizeof(*fresh));

	pthread_mutex_lock(&ev->lock);
	if (fresh != NULL) {
		free(ev->ring);
		ev->ring = fresh;
	} else {
		memset(ev->ring, 0, EVENTS_MAX * sizeof(*ev->ring));
	}
	pthread_mutex_unlock(&ev->lock);
}

static void
add_opt(struct json_object *o, const char *k, const char *v)
{
	if (v[0] != '\0')
		json_object_object_add(o, k, json_object_new_string(v));
}

static struct json_object *
event_json(const struct event *e)
{
	struct json_object *o = json_object_new_object();
	char when[32];

	json_object_object_add(o, "seq",
	    json_object_new_int64((int64_t)e->seq));
	if (clock_format_rfc3339(e->time_ms, when, sizeof(when)) == 0)
		json_object_object_add(o, "time", json_object_new_string(when));
	add_opt(o, "method", e->method);
	add_opt(o, "path", e->path);
	add_opt(o, "route", e->route);
	json_object_object_add(o, "status",
	    json_object_new_int((int)e->status));
	add_opt(o, "code", e->code);
	add_opt(o, "localId", e->local_id);
	add_opt(o, "tenantId", e->tenant_id);
	add_opt(o, "mfaEnrollmentId", e->enrollment_id);
	return o;
}

struct json_object *
events_json(struct events *ev, size_t limit, uint64_t after)
{
	struct json_object *arr = json_object_new_array();
	uint64_t first, last;

	pthread_mutex_lock(&ev->lock);
	last = ev->next_seq;	/* exclusive */
	first = last > EVENTS_MAX ? last - EVENTS_MAX : 1;
	if (limit > 0 && last - first > limit)
		first = last - limit;
	if (first <= after)
		first = after + 1;
	for (uint64_t seq = first; seq < last; seq++) {
		const struct event *e = &ev->ring[seq % EVENTS_MAX];

		/* Cleared slots have seq 0. */
		if (e->seq == seq)
			json_object_array_add(arr, event_json(e));
	}
	pthread_mutex_unlock(&ev->lock);
	return arr;
}
