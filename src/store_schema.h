/* The compiled-in migrations, generated from schema/ at build time. */
#ifndef MFAEMU_STORE_SCHEMA_H
#define MFAEMU_STORE_SCHEMA_H

#include <stddef.h>

struct store_migration {
	const char *name;	/* file name, "NNN_name.sql" */
	const char *sql;
};

/* Migration i brings the store to PRAGMA user_version i + 1. */
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

#endif
