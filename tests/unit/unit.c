#include <stdlib.h>
#include <string.h>

#include "../lib/test_env.h"
#include "clock.h"
#include "config.h"
#include "emu.h"
#include "store.h"
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
	test_env_clear();
}

void
unit_emu_open(struct emu *emu, const char *name)
{
	char *argv[] = { (char *)name, NULL };
	char err[1024];

	unit_clear_env();
	memset(emu, 0, sizeof(*emu));
	ck_assert_msg(config_load(&emu->cfg, 1, argv, err, sizeof(err)) ==
	    CONFIG_OK, "config_load: %s", err);
	clock_init(&emu->clock);
	emu->store = store_open(NULL, err, sizeof(err));
	ck_assert_msg(emu->store != NULL, "store_open: %s", err);
}

void
unit_emu_close(struct emu *emu)
{
	store_close(emu->store);
	config_free(&emu->cfg);
	memset(emu, 0, sizeof(*emu));
}
