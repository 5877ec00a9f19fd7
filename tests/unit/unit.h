/* Shared runner for the check suites: TAP on stdout, exit 1 on failure. */
#ifndef MFAEMU_TESTS_UNIT_H
#define MFAEMU_TESTS_UNIT_H

#include <check.h>

int unit_run(Suite *suite);

/* Unset every MFAEMU_* variable, so the caller's environment cannot leak in. */
void unit_clear_env(void);

#define UNIT_MAIN(suite_fn) \
	int main(void) { return unit_run(suite_fn()); }

#endif
