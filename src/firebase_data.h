/*
 * The Firebase Auth Emulator's export layout, so data moves both ways:
 *   DIR/firebase-export-metadata.json   {"auth": {"path": "auth_export"}}
 *   DIR/auth_export/accounts.json       {"kind", "users": [...]}
 *   DIR/auth_export/config.json         {"signIn": {...}}
 * Users keep localId, email, emailVerified, displayName, phoneNumber,
 * disabled, createdAt, tenantId and phone mfaInfo. Passwords come in from
 * the emulator's "fakeHash:salt=...:password=..." form and are hashed;
 * they cannot go back out (mfaemu keeps only the hash), and TOTP factors
 * are not written (the Firebase emulator has none).
 */
#ifndef MFAEMU_FIREBASE_DATA_H
#define MFAEMU_FIREBASE_DATA_H

#include <stddef.h>

struct emu;
struct fixtures_counts;

/*
 * Load DIR into the store in one transaction; -1 with err on failure.
 * Users go through the user importer (user_import.h), as fixture users do.
 */
int firebase_import(struct emu *emu, const char *dir,
    struct fixtures_counts *counts, char *err, size_t errlen);

/* Write the daemon project's users to DIR; -1 with err on failure. */
int firebase_export(struct emu *emu, const char *dir, char *err,
    size_t errlen);

#endif
