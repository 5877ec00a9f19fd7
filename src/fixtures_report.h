/*
 * What loading fixtures did, per project and tenant, for the start-up
 * log, --check and POST /emulator/v1/fixtures: counts, the entries kept
 * or replaced because they were stored already, and a warning for each
 * project loaded that is not the served one (--project), whose users an
 * app started with --project never sees.
 */
#ifndef MFAEMU_FIXTURES_REPORT_H
#define MFAEMU_FIXTURES_REPORT_H

#include <stddef.h>

#include "config.h"

struct json_object;

struct fixtures_counts {
	size_t realms;		/* tenants declared */
	size_t users;		/* new users */
	size_t enrollments;
	size_t credentials;
	size_t sessions;
	size_t test_numbers;
	size_t skipped;		/* already in the store, kept */
	size_t replaced;	/* already in the store, replaced */
};

struct fixtures_report {
	enum config_on_existing on_existing;
	struct fixtures_counts total;
	/*
	 * {"project": {"users": n, ..., "byTenant": {"t": {...}}}}: the
	 * reply's member names (fixtures_report_json); byTenant only when a
	 * tenant got anything.
	 */
	struct json_object *projects;
	struct json_object *warnings;		/* strings */
	/* user_import_note_id entries: users, credentials, sessions. */
	struct json_object *skipped_ids, *replaced_ids;
};

/* An empty report; -1 when out of memory (then free it all the same). */
int fixtures_report_init(struct fixtures_report *r,
    enum config_on_existing on_existing);

void fixtures_report_free(struct fixtures_report *r);

/*
 * Add n to the counter `key` ("users", "enrollments",
 * "pendingCredentials", "smsSessions", "testPhoneNumbers", "tenants",
 * "skipped", "replaced") of the project, and of its tenant unless tenant
 * is "" (or key is "tenants"). The totals are the caller's.
 */
void fixtures_report_add(struct fixtures_report *r, const char *project,
    const char *tenant, const char *key, size_t n);

/*
 * Note that `source` (a file name, "request") loads `project`: a warning
 * when it is not `served`, once per source and project.
 */
void fixtures_report_project(struct fixtures_report *r, const char *source,
    const char *project, const char *served);

/*
 * With on_existing FAIL: -1 with "N entries already stored: ..." naming
 * them in err when any was; else 0.
 */
int fixtures_report_existing(const struct fixtures_report *r, char *err,
    size_t errlen);

/*
 * "5 users, 6 enrollments, 1 pending credential, 1 test number; 2
 * already stored, kept": users and enrollments always, the rest when not
 * zero.
 */
void fixtures_counts_text(const struct fixtures_counts *c, char *out,
    size_t outlen);

/*
 * Log one line per project ("<what> project p: counts") and tenant, then
 * the warnings (log_warn).
 */
void fixtures_report_log(const struct fixtures_report *r, const char *what);

/*
 * Into reply `body`: the totals (the per-project counters' names), then
 * the report's JSON, moved: "projects", "warnings", "skippedIds",
 * "replacedIds" (the report no longer holds them).
 */
void fixtures_report_json(struct fixtures_report *r, struct json_object *body);

#endif
