/*
 * Fixture documents (CONTRACT section 9) into the store, all or nothing;
 * their users go through the user importer (user_import.h), as the Admin
 * API's and the Firebase import's do.
 * Entries already in the store (same localId in the realm, same pending
 * credential) are kept as stored, so restarting a --db daemon with the same
 * fixture files is safe and used credentials stay used.
 */
#ifndef MFAEMU_FIXTURES_H
#define MFAEMU_FIXTURES_H

#include <stddef.h>

struct emu;
struct json_object;

struct fixtures_counts {
	size_t realms;		/* tenants declared */
	size_t users;
	size_t enrollments;
	size_t credentials;
	size_t sessions;
	size_t test_numbers;
	size_t skipped;		/* already in the store */
};

/*
 * Load one document (borrowed) inside the caller's store transaction.
 * `source` names it in errors ("fixtures/demo.json"). On failure returns -1
 * with "source: $.json.path: reason" in err; the caller rolls back.
 */
int fixtures_apply(struct emu *emu, const char *source,
    struct json_object *doc, struct fixtures_counts *counts, char *err,
    size_t errlen);

/* Read, parse and load files in one transaction. */
int fixtures_load_files(struct emu *emu, char *const *paths, size_t n,
    struct fixtures_counts *counts, char *err, size_t errlen);

#endif
