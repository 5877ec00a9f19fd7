/*
 * --export-on-exit's files: the Firebase layout written whole or not at
 * all. A write that fails part-way (here a file-size limit, as a full disk
 * would) leaves the previous export as it was, no partial or temporary
 * file, and no open file descriptor. Imports go through the user
 * importer: stored users are kept, a refused user is named.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "config.h"
#include "emu.h"
#include "firebase_data.h"
#include "fixtures.h"
#include "store.h"
#include "unit.h"

#define USERS 100

static struct emu emu;
static char err[2048];
static char dir[64];
static struct rlimit saved_fsize;
static void (*saved_xfsz)(int);

/* An emu with USERS users in an in-memory store, and an empty folder. */
static void
setup(void)
{
	struct json_object *doc = json_object_new_object(),
	    *users = json_object_new_array();
	struct fixtures_report rep;

	unit_emu_open(&emu, "test_firebase_data");
	for (int i = 0; i < USERS; i++) {
		struct json_object *u = json_object_new_object();
		char s[64];

		snprintf(s, sizeof(s), "user%d", i);
		json_object_object_add(u, "localId", json_object_new_string(s));
		snprintf(s, sizeof(s), "user%d@example.com", i);
		json_object_object_add(u, "email", json_object_new_string(s));
		json_object_array_add(users, u);
	}
	json_object_object_add(doc, "projectId",
	    json_object_new_string(emu.cfg.project));
	json_object_object_add(doc, "users", users);
	ck_assert_int_eq(store_begin(emu.store), 0);
	ck_assert_int_eq(fixtures_report_init(&rep, CONFIG_ON_EXISTING_SKIP),
	    0);
	ck_assert_msg(fixtures_apply(&emu, "setup", doc, &rep, err,
	    sizeof(err)) == 0, "%s", err);
	fixtures_report_free(&rep);
	ck_assert_int_eq(store_commit(emu.store), 0);
	json_object_put(doc);

	snprintf(dir, sizeof(dir), "/tmp/mfaemu-export-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	getrlimit(RLIMIT_FSIZE, &saved_fsize);
	saved_xfsz = signal(SIGXFSZ, SIG_IGN);
	err[0] = '\0';
}

static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static void
teardown(void)
{
	setrlimit(RLIMIT_FSIZE, &saved_fsize);
	signal(SIGXFSZ, saved_xfsz);
	unit_emu_close(&emu);
	remove_tree(dir);
}

/* Open file descriptors of this process. */
static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* The names in `path`, sorted and joined with spaces. */
static void
listing(const char *path, char *out, size_t outlen)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			strncat(out, names[i]->d_name,
			    outlen - strlen(out) - 1);
			strncat(out, " ", outlen - strlen(out) - 1);
		}
		free(names[i]);
	}
	free(names);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

START_TEST(firebase_export_writes_whole_files)
{
	char path[256], names[256];
	struct json_object *doc, *users;
	char *text;

	ck_assert_msg(firebase_export(&emu, dir, err, sizeof(err)) == 0, "%s",
	    err);
	listing(dir, names, sizeof(names));
	ck_assert_str_eq(names, "auth_export firebase-export-metadata.json ");
	snprintf(path, sizeof(path), "%s/auth_export", dir);
	listing(path, names, sizeof(names));
	ck_assert_str_eq(names, "accounts.json config.json ");
	snprintf(path, sizeof(path), "%s/auth_export/accounts.json", dir);
	text = slurp(path);
	doc = json_tokener_parse(text);
	ck_assert_msg(doc != NULL, "accounts.json is not JSON");
	ck_assert(json_object_object_get_ex(doc, "users", &users));
	ck_assert_uint_eq(json_object_array_length(users), USERS);
	json_object_put(doc);
	free(text);
}
END_TEST

START_TEST(firebase_export_failed_write_leaves_nothing)
{
	struct rlimit small = saved_fsize;
	char path[512], auth[256], before[256], after[256];
	char *good, *now;
	int fds;

	ck_assert_msg(firebase_export(&emu, dir, err, sizeof(err)) == 0, "%s",
	    err);
	snprintf(auth, sizeof(auth), "%s/auth_export", dir);
	snprintf(path, sizeof(path), "%s/accounts.json", auth);
	good = slurp(path);
	ck_assert_uint_gt(strlen(good), 8192);
	listing(auth, before, sizeof(before));

	/* Soft limit: writes past 1 KB fail (EFBIG) as on a full disk. */
	small.rlim_cur = 1024;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	fds = open_fds();
	ck_assert_int_eq(firebase_export(&emu, dir, err, sizeof(err)), -1);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved_fsize), 0);

	ck_assert_msg(strstr(err, "accounts.json") != NULL, "'%s'", err);
	ck_assert_int_eq(open_fds(), fds);
	listing(auth, after, sizeof(after));
	ck_assert_str_eq(after, before);
	now = slurp(path);
	ck_assert_str_eq(now, good);
	free(now);
	free(good);
}
END_TEST

/* A folder that cannot be made: an error naming it, nothing written. */
START_TEST(firebase_export_unmakeable_folder)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/file", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(firebase_export(&emu, path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL, "'%s'", err);
}
END_TEST

/* Importing its own export again keeps every stored user as it is. */
START_TEST(firebase_import_skips_stored_users)
{
	struct fixtures_counts c;

	ck_assert_msg(firebase_export(&emu, dir, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_msg(firebase_import(&emu, dir, &c, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(c.users, 0);
	ck_assert_uint_eq(c.skipped, USERS);
}
END_TEST

/* A user the importer refuses: the file and its JSON path, nothing kept. */
START_TEST(firebase_import_names_the_refused_user)
{
	char path[256];
	struct store_user u;
	struct fixtures_counts c;
	FILE *f;

	snprintf(path, sizeof(path), "%s/auth_export", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/auth_export/accounts.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"users\": [{\"localId\": \"new-user\", \"tenantId\": "
	    "\"t-new\"}, {\"localId\": \"bad\", \"mfaInfo\": "
	    "[{\"phoneInfo\": \"555\"}]}]}", f);
	fclose(f);
	ck_assert_int_eq(firebase_import(&emu, dir, &c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "accounts.json: $.users[1].mfaInfo[0]: ") !=
	    NULL, "'%s'", err);
	ck_assert_int_eq(store_begin(emu.store), 0);
	ck_assert_int_eq(store_user_find(emu.store, emu.cfg.project, "t-new",
	    "new-user", &u), STORE_NOT_FOUND);
	store_rollback(emu.store);
}
END_TEST

static Suite *
firebase_data_suite(void)
{
	Suite *s = suite_create("firebase_data");
	TCase *tc = tcase_create("firebase_data");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, firebase_export_writes_whole_files);
	tcase_add_test(tc, firebase_export_failed_write_leaves_nothing);
	tcase_add_test(tc, firebase_export_unmakeable_folder);
	tcase_add_test(tc, firebase_import_skips_stored_users);
	tcase_add_test(tc, firebase_import_names_the_refused_user);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(firebase_data_suite)
