/*
 * Fixture documents (CONTRACT section 9) into the store, all or nothing;
 * their users go through the user importer (user_import.h), as the Admin
 * API's and the Firebase import's do.
 * Entries already in the store (same localId in the realm, same pending
 * credential or SMS session) are by default kept as stored, so restarting
 * a --db daemon with the same fixture files is safe and used credentials
 * stay used; the report's on_existing can replace them or refuse the load.
 */
#ifndef MFAEMU_FIXTURES_H
#define MFAEMU_FIXTURES_H

#include <stddef.h>

#include "fixtures_report.h"

struct emu;
struct json_object;

/* fixtures_apply's and fixtures_load_files' failures. */
#define FIXTURES_INVALID (-1)
#define FIXTURES_EXISTING (-2)	/* on_existing FAIL and entries stored */

/*
 * 0 when every top-level member of a fixture document is the format's
 * (a setting, projectId, users, ..., projects) or one of `more`
 * (NULL-terminated: a request's own members); else -1 with
 * "$.member: unknown field (did you mean x?); ..." in err.
 */
int fixtures_doc_known(struct json_object *doc, const char *const *more,
    char *err, size_t errlen);

/*
 * Load one document (borrowed) inside the caller's store transaction,
 * adding to `rep` (fixtures_report_init; its on_existing says what
 * happens to entries already stored). `source` names it in errors and
 * warnings ("fixtures/demo.json"). On failure returns FIXTURES_INVALID
 * with "source: $.json.path: reason" in err, or FIXTURES_EXISTING naming
 * the entries stored already; the caller rolls back.
 */
int fixtures_apply(struct emu *emu, const char *source,
    struct json_object *doc, struct fixtures_report *rep, char *err,
    size_t errlen);

/* Read, parse and load files in one transaction, committed on success. */
int fixtures_load_files(struct emu *emu, char *const *paths, size_t n,
    struct fixtures_report *rep, char *err, size_t errlen);

#endif
