/*
 * The fixture loader: each input is parsed as the control plane and
 * --fixtures parse it (reqparse_json, objects only) and applied inside a
 * store transaction that is then rolled back, so every input meets the
 * same empty store. Properties: a failure names the source and says why;
 * a document that loads loads again in the same transaction (a restarted
 * --db daemon reloads its fixture files over what they stored).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emu.h"
#include "fixtures.h"
#include "fuzz_common.h"
#include "reqparse.h"
#include "store.h"

/* 2026-03-01T00:00:00Z: the clock every input starts at. */
#define FUZZ_T0_MS 1772323200000LL

static struct emu emu;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *args[] = { (char *)"fuzz_fixtures" };

	fuzz_quiet();
	fuzz_emu_open(&emu, 1, args);
	clock_freeze(&emu.clock);
	clock_set_ms(&emu.clock, FUZZ_T0_MS);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fixtures_report c, c2;
	struct json_object *doc;
	char err[1024];

	doc = reqparse_json((const char *)data, size, err, sizeof(err));
	if (doc == NULL)
		return 0;
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return 0;
	}
	clock_set_ms(&emu.clock, FUZZ_T0_MS);
	if (store_begin(emu.store) != 0)
		abort();
	if (fixtures_report_init(&c, CONFIG_ON_EXISTING_SKIP) != 0 ||
	    fixtures_report_init(&c2, CONFIG_ON_EXISTING_SKIP) != 0)
		abort();
	err[0] = '\0';
	if (fixtures_apply(&emu, "fuzz", doc, &c, err, sizeof(err)) != 0) {
		if (strncmp(err, "fuzz: ", 6) != 0) {
			fprintf(stderr, "fixture error without the source: "
			    "'%s'\n", err);
			abort();
		}
	} else {
		err[0] = '\0';
		if (fixtures_apply(&emu, "fuzz", doc, &c2, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "a fixture that loaded fails to load "
			    "again: %s\n", err);
			abort();
		}
	}
	store_rollback(emu.store);
	fixtures_report_free(&c);
	fixtures_report_free(&c2);
	json_object_put(doc);
	return 0;
}
