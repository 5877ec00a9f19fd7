#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "faults.h"
#include "phone.h"
#include "reqparse.h"

void
faults_init(struct faults *f)
{
	memset(f, 0, sizeof(*f));
	atomic_init(&f->n, 0);
	pthread_mutex_init(&f->lock, NULL);
	f->next_id = 1;
	f->rng = 0x9e3779b97f4a7c15ULL;
}

void
faults_destroy(struct faults *f)
{
	pthread_mutex_destroy(&f->lock);
}

/* Probabilities need no secrecy, only spread: xorshift64. */
static double
next_unit(struct faults *f)
{
	uint64_t x = f->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	f->rng = x;
	return (double)(x >> 11) / (double)(1ULL << 53);
}

/*
 * A double as the shortest text that reads back the same: 0.1, not
 * json-c's 0.10000000000000001.
 */
static struct json_object *
shortest_double(double d)
{
	char text[32];

	snprintf(text, sizeof(text), "%.15g", d);
	if (strtod(text, NULL) != d)
		snprintf(text, sizeof(text), "%.17g", d);
	return json_object_new_double_s(d, text);
}

static struct json_object *
rule_json(const struct fault_rule *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *m = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64((int64_t)r->id));
	json_object_object_add(o, "route", json_object_new_string(r->route));
	if (r->enrollment_id[0])
		json_object_object_add(m, "mfaEnrollmentId",
		    json_object_new_string(r->enrollment_id));
	if (r->phone_number[0])
		json_object_object_add(m, "phoneNumber",
		    json_object_new_string(r->phone_number));
	if (r->tenant_id[0])
		json_object_object_add(m, "tenantId",
		    json_object_new_string(r->tenant_id));
	json_object_object_add(o, "match", m);
	if (r->remaining >= 0)
		json_object_object_add(o, "remaining",
		    json_object_new_int64(r->remaining));
	json_object_object_add(o, "probability",
	    shortest_double(r->probability));
	if (r->has_error)
		json_object_object_add(o, "error",
		    json_object_new_string(errors_info(r->error)->code));
	if (r->latency_ms)
		json_object_object_add(o, "latencyMs",
		    json_object_new_int((int)r->latency_ms));
	if (r->drop)
		json_object_object_add(o, "drop", json_object_new_boolean(1));
	json_object_object_add(o, "fired",
	    json_object_new_int64((int64_t)r->fired));
	return o;
}

/* Write the reason into err; returns -1. */
static int __attribute__((format(printf, 3, 4)))
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A rule as POST /emulator/v1/faults gives it, its fields borrowed. */
struct rule_spec {
	const char *route, *error;
	const char *enrollment_id, *phone_number, *tenant_id;	/* match */
	struct json_object *match;
	int64_t count, latency;
	double probability;
	int drop;
};

/* Every member known, each of its type, the route given. */
static int
spec_parse(struct json_object *spec, struct rule_spec *s, char *err,
    size_t errlen)
{
	const struct reqparse_field match[] = {
		{ "mfaEnrollmentId", RP_STRING, &s->enrollment_id },
		{ "phoneNumber", RP_STRING, &s->phone_number },
		{ "tenantId", RP_STRING, &s->tenant_id },
	};
	const struct reqparse_field fields[] = {
		{ "route", RP_STRING, &s->route, ERR_INVALID_ARGUMENT,
		    "route is required: a method name like "
		    "accounts.mfaSignIn.start, a path, or \"*\"" },
		{ "match", RP_OBJECT, &s->match, .sub = match, .nsub = 3 },
		{ "count", RP_INT, &s->count },
		{ "probability", RP_NUMBER, &s->probability },
		{ "error", RP_STRING, &s->error },
		{ "latencyMs", RP_INT, &s->latency },
		{ "drop", RP_BOOL, &s->drop },
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);

	memset(s, 0, sizeof(*s));
	s->count = -1;
	s->probability = 1.0;
	if (reqparse_fields_known(spec, NULL, fields, n, err, errlen))
		return -1;
	return reqparse_fields(spec, NULL, fields, n, err, errlen);
}

static int
copy_field(char *dst, size_t cap, const char *src, const char *name,
    char *err, size_t errlen)
{
	if (src == NULL)
		return 0;
	if (*src == '\0')
		return bad(err, errlen, "%s: must not be empty (leave it out "
		    "to match any)", name);
	if (strlen(src) >= cap)
		return bad(err, errlen, "%s: longer than %zu characters",
		    name, cap - 1);
	strcpy(dst, src);
	return 0;
}

/* Which requests the rule matches; the route as `resolve` names it. */
static int
rule_match(struct fault_rule *r, const struct rule_spec *s,
    faults_route_resolver resolve, char *err, size_t errlen)
{
	if (resolve(s->route, r->route, sizeof(r->route), err, errlen) != 0)
		return -1;
	if (s->phone_number != NULL && !phone_valid(s->phone_number))
		return bad(err, errlen, "match.phoneNumber: '%.40s' is not an "
		    "E.164 number like +15555550101", s->phone_number);
	return copy_field(r->enrollment_id, sizeof(r->enrollment_id),
	    s->enrollment_id, "match.mfaEnrollmentId", err, errlen) ||
	    copy_field(r->phone_number, sizeof(r->phone_number),
	    s->phone_number, "match.phoneNumber", err, errlen) ||
	    copy_field(r->tenant_id, sizeof(r->tenant_id), s->tenant_id,
	    "match.tenantId", err, errlen) ? -1 : 0;
}

/* How often the rule fires: `count` times, each with `probability`. */
static int
rule_odds(struct fault_rule *r, struct json_object *spec,
    const struct rule_spec *s, char *err, size_t errlen)
{
	if (json_object_object_get_ex(spec, "count", NULL) && s->count < 1)
		return bad(err, errlen, "count: must be at least 1 (omit it "
		    "for no limit)");
	r->remaining = s->count;
	r->probability = s->probability;
	if (!(r->probability > 0.0 && r->probability <= 1.0))
		return bad(err, errlen, "probability: must be more than 0 and "
		    "at most 1");
	return 0;
}

/* What the rule does when it fires: an error, latency, or a drop. */
static int
rule_effect(struct fault_rule *r, const struct rule_spec *s, char *err,
    size_t errlen)
{
	if (s->error != NULL) {
		if (errors_lookup(s->error, &r->error) != 0)
			return bad(err, errlen, "error: '%.60s' is not a code "
			    "mfaemu knows (e.g. QUOTA_EXCEEDED, "
			    "INTERNAL_ERROR, SERVICE_UNAVAILABLE; GET "
			    "/emulator/v1/catalog lists them all)", s->error);
		r->has_error = true;
	}
	if (s->latency < 0 || s->latency > 60000)
		return bad(err, errlen, "latencyMs: must be 0-60000");
	r->latency_ms = (unsigned)s->latency;
	r->drop = s->drop == 1;
	if (!r->has_error && r->latency_ms == 0 && !r->drop)
		return bad(err, errlen, "give an effect: error, latencyMs or "
		    "drop");
	if (r->drop && r->has_error)
		return bad(err, errlen, "drop: a dropped connection gets no "
		    "error reply: give drop or error, not both");
	return 0;
}

struct json_object *
faults_add(struct faults *f, struct json_object *spec,
    faults_route_resolver resolve, char *err, size_t errlen)
{
	struct rule_spec s;
	struct fault_rule r;
	struct json_object *out = NULL;

	memset(&r, 0, sizeof(r));
	if (spec_parse(spec, &s, err, errlen) ||
	    rule_match(&r, &s, resolve, err, errlen) ||
	    rule_odds(&r, spec, &s, err, errlen) ||
	    rule_effect(&r, &s, err, errlen))
		return NULL;
	pthread_mutex_lock(&f->lock);
	if (f->n == FAULTS_MAX) {
		bad(err, errlen, "at most %d fault rules", FAULTS_MAX);
	} else {
		r.id = f->next_id++;
		f->rules[f->n++] = r;
		out = rule_json(&r);
	}
	pthread_mutex_unlock(&f->lock);
	return out;
}

int
faults_remove(struct faults *f, uint64_t id)
{
	int rc = -1;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		if (f->rules[i].id == id) {
			memmove(&f->rules[i], &f->rules[i + 1],
			    (f->n - i - 1) * sizeof(f->rules[0]));
			f->n--;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void
faults_clear(struct faults *f)
{
	pthread_mutex_lock(&f->lock);
	f->n = 0;
	pthread_mutex_unlock(&f->lock);
}

struct json_object *
faults_json(struct faults *f)
{
	struct json_object *arr = json_object_new_array();

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++)
		json_object_array_add(arr, rule_json(&f->rules[i]));
	pthread_mutex_unlock(&f->lock);
	return arr;
}

bool
faults_any(struct faults *f)
{
	return atomic_load_explicit(&f->n, memory_order_relaxed) != 0;
}

static bool
field_matches(const char *want, const char *got)
{
	return want[0] == '\0' || (got != NULL && strcmp(want, got) == 0);
}

static bool
route_matches(const char *want, const struct fault_request *rq)
{
	return strcmp(want, "*") == 0 ||
	    (rq->route_name != NULL && strcmp(want, rq->route_name) == 0) ||
	    (rq->route_path != NULL && strcmp(want, rq->route_path) == 0);
}

struct fault_action
faults_match(struct faults *f, const struct fault_request *rq)
{
	struct fault_action a;

	memset(&a, 0, sizeof(a));
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct fault_rule *r = &f->rules[i];

		if (r->remaining == 0 || !route_matches(r->route, rq) ||
		    !field_matches(r->enrollment_id, rq->enrollment_id) ||
		    !field_matches(r->phone_number, rq->phone_number) ||
		    !field_matches(r->tenant_id, rq->tenant_id))
			continue;
		if (r->probability < 1.0 && next_unit(f) >= r->probability)
			continue;
		if (r->remaining > 0)
			r->remaining--;
		r->fired++;
		a.fire = true;
		a.has_error = r->has_error;
		a.error = r->error;
		a.latency_ms = r->latency_ms;
		a.drop = r->drop;
		a.rule_id = r->id;
		break;
	}
	pthread_mutex_unlock(&f->lock);
	return a;
}
