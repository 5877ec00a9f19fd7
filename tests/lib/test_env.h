/*
 * Test-only: the one environment cleaner of the C test programs. The check
 * suites (tests/unit/unit.c) and the fuzz targets (tests/fuzz) share no
 * library but the core, so it is static inline here and neither build
 * lists another source file.
 */
#ifndef MFAEMU_TESTS_TEST_ENV_H
#define MFAEMU_TESTS_TEST_ENV_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/*
 * Unset every MFAEMU_* variable, so the caller's environment cannot leak
 * into config_load. Starts over after each unsetenv, which may move the
 * entries of environ.
 */
static inline void
test_env_clear(void)
{
	for (int again = 1; again;) {
		again = 0;
		for (char **e = environ; *e != NULL; e++) {
			char name[128];
			size_t n = strcspn(*e, "=");

			if (strncmp(*e, "MFAEMU_", 7) != 0 || n >= sizeof(name))
				continue;
			memcpy(name, *e, n);
			name[n] = '\0';
			unsetenv(name);
			again = 1;
			break;
		}
	}
}

#endif
