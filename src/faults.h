/*
 * Fault injection: rules the control plane sets and the router applies
 * before a handler runs. A rule names a route (its method name, like
 * "accounts.mfaSignIn.start", its path pattern, or "*": the control plane
 * turns the forms users paste into these), may match request fields
 * (mfaEnrollmentId, phone number, tenantId), fires `count` times or with a
 * probability, and answers with a Google error, adds latency, or drops the
 * connection. One mutex guards the list; the rule count is also atomic, so
 * that faults_any() can skip the lock on the usual path with no rules.
 */
#ifndef MFAEMU_FAULTS_H
#define MFAEMU_FAULTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

#define FAULTS_MAX 64

struct json_object;

struct fault_rule {
	uint64_t id;
	char route[96];
	char enrollment_id[129];
	char phone_number[21];
	char tenant_id[129];
	int64_t remaining;	/* -1: no count limit */
	double probability;	/* 0 < p <= 1 */
	bool has_error;
	enum err_code error;
	unsigned latency_ms;
	bool drop;
	uint64_t fired;
};

struct faults {
	pthread_mutex_t lock;
	struct fault_rule rules[FAULTS_MAX];
	atomic_size_t n;	/* changed under the lock, read by faults_any */
	uint64_t next_id;
	uint64_t rng;		/* xorshift state for probabilities */
};

/* What the router must do for a request. */
struct fault_action {
	bool fire;
	bool has_error;
	enum err_code error;
	unsigned latency_ms;
	bool drop;
	uint64_t rule_id;
};

/* Request facts a rule can match. NULL fields match only wildcards. */
struct fault_request {
	const char *route_name;
	const char *route_path;
	const char *enrollment_id;
	const char *phone_number;
	const char *tenant_id;
};

void faults_init(struct faults *f);
void faults_destroy(struct faults *f);

/*
 * What a rule's "route" names, as the rule keeps it: "*", a route's name
 * or its path pattern (the routes are the router's, above this module).
 * 0 with it in out, or -1 with "route: why" in err.
 */
typedef int (*faults_route_resolver)(const char *given, char *out,
    size_t outlen, char *err, size_t errlen);

/*
 * Add a rule from its JSON form (borrowed): every member known and of its
 * type, the route as `resolve` names it. On success returns the rule as
 * JSON (new, owned); on a bad rule NULL with "field: reason" in err.
 */
struct json_object *faults_add(struct faults *f, struct json_object *spec,
    faults_route_resolver resolve, char *err, size_t errlen);

/* 0 when a rule with that id was removed, -1 when there is none. */
int faults_remove(struct faults *f, uint64_t id);
void faults_clear(struct faults *f);
struct json_object *faults_json(struct faults *f);

/*
 * Whether any rule is set, without the lock: a rule added while a request
 * is being dispatched may apply from the next request on.
 */
bool faults_any(struct faults *f);

/* The first live rule matching `rq`, consumed once, as an action. */
struct fault_action faults_match(struct faults *f,
    const struct fault_request *rq);

#endif
