#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

int
unit_run(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void
unit_clear_env(void)
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
