/* Shared runner for the check suites: TAP on stdout, exit 1 on failure. */
#ifndef MFAEMU_TESTS_UNIT_H
#define MFAEMU_TESTS_UNIT_H

#include <check.h>

int unit_run(Suite *suite);

/* Unset every MFAEMU_* variable, so the caller's environment cannot leak in. */
void unit_clear_env(void);

struct emu;

/*
 * An emu as the daemon's defaults make it (a clean environment, argv
 * just `name`), with its clock and an in-memory store; no signing key.
 * Fails the test when it cannot be made. unit_emu_close() undoes it.
 */
void unit_emu_open(struct emu *emu, const char *name);
void unit_emu_close(struct emu *emu);

#define UNIT_MAIN(suite_fn) \
	int main(void) { return unit_run(suite_fn()); }

#endif
