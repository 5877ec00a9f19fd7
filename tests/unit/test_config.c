/*
 * Configuration as a user sets it: defaults, MFAEMU_* variables, flags on
 * top, and one clear error naming the flag or variable that is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "version.h"
#include "unit.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_ARGS 16

/* Per-test state; the fixture frees it so a failed assertion leaks none. */
static struct config cfg;
static char err[512];

static void
setup(void)
{
	unit_clear_env();
	memset(&cfg, 0, sizeof(cfg));
	memset(err, 0, sizeof(err));
}

static void
teardown(void)
{
	config_free(&cfg);
	unit_clear_env();
}

/*
 * Run config_load on "mfaemu" followed by `args` (NULL-terminated). The
 * strings are literals: getopt may permute the array but keeps pointers
 * into them past the call.
 */
static enum config_result
load(const char *const *args)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	argv[argc++] = (char *)"mfaemu";
	for (; args != NULL && *args != NULL; args++) {
		ck_assert_int_lt(argc, MAX_ARGS + 1);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	config_free(&cfg);
	return config_load(&cfg, argc, argv, err, sizeof(err));
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_loads(const char *const *args)
{
	enum config_result r = load(args);

	ck_assert_msg(r == CONFIG_OK, "config_load: %d: %s", (int)r, err);
}

START_TEST(config_defaults)
{
	assert_loads(NULL);
	ck_assert_str_eq(cfg.host, "127.0.0.1");
	ck_assert_uint_eq(cfg.port, 9099);
	ck_assert_str_eq(cfg.project, "demo-project");
	ck_assert(cfg.require_key);
	ck_assert_uint_eq(cfg.max_body, 65536);
	ck_assert_uint_eq(cfg.sms_code_ttl, 300);
	ck_assert_uint_eq(cfg.credential_ttl, 600);
	ck_assert_uint_eq(cfg.max_attempts, 5);
	ck_assert_uint_eq(cfg.threads, 2);
	ck_assert_uint_eq(cfg.connection_timeout, 30);
	ck_assert_uint_eq(cfg.max_connections, 1024);
	ck_assert_uint_eq(cfg.max_connections_per_ip, 512);
	ck_assert_int_eq(cfg.log_level, LOG_INFO);
	ck_assert_int_eq(cfg.log_format, LOG_TEXT);
	ck_assert(cfg.access_log);
	ck_assert_ptr_null(cfg.db_path);
	ck_assert_ptr_null(cfg.signing_key_path);
	ck_assert_uint_eq(cfg.nfixtures, 0);
	ck_assert(!cfg.check_only);
}
END_TEST

START_TEST(config_env_applies)
{
	setenv("MFAEMU_HOST", "0.0.0.0", 1);
	setenv("MFAEMU_PORT", "1234", 1);
	setenv("MFAEMU_DB", "/tmp/state.db", 1);
	setenv("MFAEMU_PROJECT", "my-project-1", 1);
	setenv("MFAEMU_SIGNING_KEY", "/keys/k.pem", 1);
	setenv("MFAEMU_LOG_LEVEL", "debug", 1);
	setenv("MFAEMU_REQUIRE_KEY", "false", 1);
	setenv("MFAEMU_MAX_BODY", "2048", 1);
	setenv("MFAEMU_THREADS", "8", 1);
	setenv("MFAEMU_CONNECTION_TIMEOUT", "5", 1);
	setenv("MFAEMU_MAX_CONNECTIONS", "10", 1);
	setenv("MFAEMU_SMS_CODE_TTL", "60", 1);
	setenv("MFAEMU_MAX_ATTEMPTS", "3", 1);
	setenv("MFAEMU_CREDENTIAL_TTL", "120", 1);
	setenv("MFAEMU_LOG_FORMAT", "json", 1);
	setenv("MFAEMU_ACCESS_LOG", "false", 1);
	assert_loads(NULL);
	ck_assert_int_eq(cfg.log_format, LOG_JSON);
	ck_assert(!cfg.access_log);
	ck_assert_str_eq(cfg.host, "0.0.0.0");
	ck_assert_uint_eq(cfg.port, 1234);
	ck_assert_str_eq(cfg.db_path, "/tmp/state.db");
	ck_assert_str_eq(cfg.project, "my-project-1");
	ck_assert_str_eq(cfg.signing_key_path, "/keys/k.pem");
	ck_assert_int_eq(cfg.log_level, LOG_DEBUG);
	ck_assert(!cfg.require_key);
	ck_assert_uint_eq(cfg.max_body, 2048);
	ck_assert_uint_eq(cfg.threads, 8);
	ck_assert_uint_eq(cfg.connection_timeout, 5);
	ck_assert_uint_eq(cfg.max_connections, 10);
	ck_assert_uint_eq(cfg.sms_code_ttl, 60);
	ck_assert_uint_eq(cfg.max_attempts, 3);
	ck_assert_uint_eq(cfg.credential_ttl, 120);
}
END_TEST

START_TEST(config_flags_apply)
{
	assert_loads(ARGS("--host", "::1", "--port=0", "--db", "/tmp/f.db",
	    "--project", "flag-project", "--log-level=warn",
	    "--require-key", "no", "--check"));
	ck_assert_str_eq(cfg.host, "::1");
	ck_assert_uint_eq(cfg.port, 0);
	ck_assert_str_eq(cfg.db_path, "/tmp/f.db");
	ck_assert_str_eq(cfg.project, "flag-project");
	ck_assert_int_eq(cfg.log_level, LOG_WARN);
	ck_assert(!cfg.require_key);
	ck_assert(cfg.check_only);

	assert_loads(ARGS("--max-body", "1024", "--threads", "256",
	    "--sms-code-ttl", "1", "--credential-ttl", "31536000",
	    "--max-attempts", "1000", "--signing-key", "k.pem"));
	ck_assert_uint_eq(cfg.max_body, 1024);
	ck_assert_uint_eq(cfg.threads, 256);
	ck_assert_uint_eq(cfg.sms_code_ttl, 1);
	ck_assert_uint_eq(cfg.credential_ttl, 31536000);
	ck_assert_uint_eq(cfg.max_attempts, 1000);
	ck_assert_str_eq(cfg.signing_key_path, "k.pem");
	ck_assert(!cfg.check_only);
}
END_TEST

START_TEST(config_flags_override_env)
{
	setenv("MFAEMU_PORT", "1234", 1);
	setenv("MFAEMU_PROJECT", "env-project", 1);
	setenv("MFAEMU_REQUIRE_KEY", "false", 1);
	setenv("MFAEMU_THREADS", "8", 1);
	setenv("MFAEMU_DB", "/tmp/env.db", 1);
	assert_loads(ARGS("--port", "4321", "--project", "flag-project",
	    "--require-key=true", "--db", "/tmp/flag.db"));
	ck_assert_uint_eq(cfg.port, 4321);
	ck_assert_str_eq(cfg.project, "flag-project");
	ck_assert(cfg.require_key);
	ck_assert_str_eq(cfg.db_path, "/tmp/flag.db");
	/* What no flag sets keeps the environment's value. */
	ck_assert_uint_eq(cfg.threads, 8);
}
END_TEST

START_TEST(config_fixtures_flag_repeatable)
{
	assert_loads(ARGS("--fixtures", "a.json", "--fixtures=b.json",
	    "--fixtures", "c.json"));
	ck_assert_uint_eq(cfg.nfixtures, 3);
	ck_assert_str_eq(cfg.fixtures[0], "a.json");
	ck_assert_str_eq(cfg.fixtures[1], "b.json");
	ck_assert_str_eq(cfg.fixtures[2], "c.json");
}
END_TEST

START_TEST(config_fixtures_env_comma_separated)
{
	setenv("MFAEMU_FIXTURES", "fixtures/demo.json,/tmp/b.json", 1);
	assert_loads(NULL);
	ck_assert_uint_eq(cfg.nfixtures, 2);
	ck_assert_str_eq(cfg.fixtures[0], "fixtures/demo.json");
	ck_assert_str_eq(cfg.fixtures[1], "/tmp/b.json");
}
END_TEST

START_TEST(config_fixtures_env_names_are_trimmed)
{
	setenv("MFAEMU_FIXTURES", " a.json,  b.json\t, c.json ", 1);
	assert_loads(NULL);
	ck_assert_uint_eq(cfg.nfixtures, 3);
	ck_assert_str_eq(cfg.fixtures[0], "a.json");
	ck_assert_str_eq(cfg.fixtures[1], "b.json");
	ck_assert_str_eq(cfg.fixtures[2], "c.json");
}
END_TEST

START_TEST(config_fixtures_on_existing_modes)
{
	assert_loads(NULL);
	ck_assert_int_eq(cfg.fixtures_on_existing, CONFIG_ON_EXISTING_SKIP);
	setenv("MFAEMU_FIXTURES_ON_EXISTING", "fail", 1);
	assert_loads(NULL);
	ck_assert_int_eq(cfg.fixtures_on_existing, CONFIG_ON_EXISTING_FAIL);
	assert_loads(ARGS("--fixtures-on-existing", "replace"));
	ck_assert_int_eq(cfg.fixtures_on_existing,
	    CONFIG_ON_EXISTING_REPLACE);
}
END_TEST

START_TEST(config_fixtures_flags_replace_env)
{
	setenv("MFAEMU_FIXTURES", "env1.json,env2.json", 1);
	assert_loads(ARGS("--fixtures", "flag1.json", "--fixtures",
	    "flag2.json"));
	ck_assert_uint_eq(cfg.nfixtures, 2);
	ck_assert_str_eq(cfg.fixtures[0], "flag1.json");
	ck_assert_str_eq(cfg.fixtures[1], "flag2.json");
}
END_TEST

/*
 * MFAEMU_SIGNING_KEY="$(cat k.pem)": a value holding a PEM block (or any
 * line break) is the key itself, never a file name; the last setting wins.
 */
#define PEM_TEXT "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n" \
	"-----END PRIVATE KEY-----\n"

START_TEST(config_signing_key_inline_pem)
{
	setenv("MFAEMU_SIGNING_KEY", PEM_TEXT, 1);
	assert_loads(NULL);
	ck_assert_ptr_nonnull(cfg.signing_key_pem);
	ck_assert_str_eq(cfg.signing_key_pem, PEM_TEXT);
	ck_assert_ptr_null(cfg.signing_key_path);

	/* A file named on the command line replaces the variable's PEM. */
	assert_loads(ARGS("--signing-key", "k.pem"));
	ck_assert_str_eq(cfg.signing_key_path, "k.pem");
	ck_assert_ptr_null(cfg.signing_key_pem);

	/* And PEM text on the command line replaces a file from the env. */
	setenv("MFAEMU_SIGNING_KEY", "/keys/k.pem", 1);
	assert_loads(ARGS("--signing-key", "\n" PEM_TEXT));
	ck_assert_str_eq(cfg.signing_key_pem, "\n" PEM_TEXT);
	ck_assert_ptr_null(cfg.signing_key_path);
}
END_TEST

/* A misspelt flag given the key (--signing_key=PEM) is named, not quoted. */
START_TEST(config_unknown_option_hides_its_value)
{
	ck_assert_int_eq(load(ARGS("--signing_key=" PEM_TEXT)), CONFIG_ERROR);
	ck_assert_msg(strstr(err, "--signing_key") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "PRIVATE") == NULL &&
	    strstr(err, "MIIE") == NULL, "key material in '%s'", err);
}
END_TEST

/* Bad settings: CONFIG_ERROR and a message naming where and what. */
static const struct {
	const char *env;		/* variable to set, or NULL */
	const char *env_value;
	const char *args[MAX_ARGS];	/* NULL-terminated */
	const char *says[2];		/* what the message must hold */
} bad[] = {
	{ NULL, NULL, { "--port", "70000" }, { "--port", "70000" } },
	{ "MFAEMU_PORT", "70000", { NULL }, { "MFAEMU_PORT", "70000" } },
	{ NULL, NULL, { "--port", "-1" }, { "--port", "-1" } },
	{ NULL, NULL, { "--port", "80x" }, { "--port", "80x" } },
	{ NULL, NULL, { "--threads", "0" }, { "--threads", "'0'" } },
	{ "MFAEMU_THREADS", "0", { NULL }, { "MFAEMU_THREADS", "'0'" } },
	{ NULL, NULL, { "--threads", "257" }, { "--threads", "257" } },
	{ NULL, NULL, { "--project", "UPPER" }, { "--project", "UPPER" } },
	{ "MFAEMU_PROJECT", "UPPER", { NULL }, { "MFAEMU_PROJECT", "UPPER" } },
	{ NULL, NULL, { "--project", "abc" }, { "--project", "abc" } },
	{ NULL, NULL, { "--project", "1project" }, { "--project",
	    "1project" } },
	{ NULL, NULL, { "--log-level", "loud" }, { "--log-level", "loud" } },
	{ "MFAEMU_LOG_LEVEL", "loud", { NULL }, { "MFAEMU_LOG_LEVEL",
	    "loud" } },
	{ NULL, NULL, { "--log-format", "xml" }, { "--log-format",
	    "expected text or json, got 'xml'" } },
	{ "MFAEMU_LOG_FORMAT", "JSON", { NULL }, { "MFAEMU_LOG_FORMAT",
	    "got 'JSON'" } },
	{ NULL, NULL, { "--access-log", "loud" }, { "--access-log",
	    "'loud'" } },
	{ NULL, NULL, { "--require-key", "maybe" }, { "--require-key",
	    "maybe" } },
	{ "MFAEMU_REQUIRE_KEY", "maybe", { NULL }, { "MFAEMU_REQUIRE_KEY",
	    "maybe" } },
	{ NULL, NULL, { "--max-body", "1023" }, { "--max-body", "1023" } },
	{ NULL, NULL, { "--max-attempts", "0" }, { "--max-attempts", "'0'" } },
	{ NULL, NULL, { "--sms-code-ttl", "0" }, { "--sms-code-ttl", "'0'" } },
	{ NULL, NULL, { "--credential-ttl", "x" }, { "--credential-ttl",
	    "'x'" } },
	{ NULL, NULL, { "--host", "" }, { "--host", "''" } },
	{ NULL, NULL, { "--fixtures", "" }, { "--fixtures", "empty" } },
	{ "MFAEMU_FIXTURES", "a.json,,b.json", { NULL }, { "MFAEMU_FIXTURES",
	    "empty file name" } },
	{ "MFAEMU_FIXTURES", "a.json, ", { NULL }, { "MFAEMU_FIXTURES",
	    "empty file name" } },
	{ NULL, NULL, { "--fixtures-on-existing", "overwrite" }, {
	    "--fixtures-on-existing", "skip, replace or fail, got "
	    "'overwrite'" } },
	{ "MFAEMU_FIXTURES_ON_EXISTING", "SKIP", { NULL }, {
	    "MFAEMU_FIXTURES_ON_EXISTING", "'SKIP'" } },
	{ NULL, NULL, { "--nope" }, { "--nope", "unknown option" } },
	{ NULL, NULL, { "--port", "1", "--loud" }, { "--loud",
	    "unknown option" } },
	{ NULL, NULL, { "-p", "1" }, { "-p", "unknown option" } },
	{ NULL, NULL, { "--port" }, { "--port", "missing value" } },
	{ NULL, NULL, { "stray" }, { "stray", "unexpected argument" } },
	{ NULL, NULL, { "--port", "1", "stray" }, { "stray",
	    "unexpected argument" } },
};

START_TEST(config_rejects_bad_values)
{
	enum config_result r;

	if (bad[_i].env != NULL)
		setenv(bad[_i].env, bad[_i].env_value, 1);
	r = load(bad[_i].args);
	ck_assert_msg(r == CONFIG_ERROR, "accepted (%d) %s%s%s", (int)r,
	    bad[_i].args[0] ? bad[_i].args[0] : "",
	    bad[_i].env ? " with " : "", bad[_i].env ? bad[_i].env : "");
	for (int i = 0; i < 2; i++)
		ck_assert_msg(strstr(err, bad[_i].says[i]) != NULL,
		    "'%s' does not say \"%s\"", err, bad[_i].says[i]);
}
END_TEST

/* Run config_load with stdout going to a file; returns what it printed. */
static enum config_result
load_capturing_stdout(const char *const *args, char *out, size_t outlen)
{
	char path[] = "/tmp/mfaemu-config-XXXXXX";
	int fd = mkstemp(path), saved;
	enum config_result r;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(saved, 0);
	dup2(fd, STDOUT_FILENO);
	r = load(args);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return r;
}

START_TEST(config_help_exits)
{
	char out[8192];

	ck_assert_int_eq(load_capturing_stdout(ARGS("--help"), out,
	    sizeof(out)), CONFIG_EXIT);
	ck_assert_ptr_nonnull(strstr(out, "usage: mfaemu"));
	ck_assert_ptr_nonnull(strstr(out, "--port"));
	ck_assert_ptr_nonnull(strstr(out, "MFAEMU_PORT"));
	ck_assert_ptr_nonnull(strstr(out, "--fixtures"));

	/* -h is --help. */
	ck_assert_int_eq(load_capturing_stdout(ARGS("-h"), out,
	    sizeof(out)), CONFIG_EXIT);
	ck_assert_ptr_nonnull(strstr(out, "usage: mfaemu"));
	ck_assert_ptr_nonnull(strstr(out, "--fixtures-on-existing MODE"));

	/* --help wins over settings before it. */
	ck_assert_int_eq(load_capturing_stdout(ARGS("--port", "1", "--help"),
	    out, sizeof(out)), CONFIG_EXIT);
}
END_TEST

START_TEST(config_version_exits)
{
	char out[256];

	ck_assert_int_eq(load_capturing_stdout(ARGS("--version"), out,
	    sizeof(out)), CONFIG_EXIT);
	ck_assert_str_eq(out, "mfaemu " MFAEMU_VERSION "\n");
}
END_TEST

/* Loading twice in one process (tests, --check then run) starts afresh. */
START_TEST(config_reload_starts_fresh)
{
	assert_loads(ARGS("--fixtures", "a.json", "--port", "1"));
	ck_assert_uint_eq(cfg.nfixtures, 1);
	assert_loads(ARGS("--threads", "3"));
	ck_assert_uint_eq(cfg.nfixtures, 0);
	ck_assert_uint_eq(cfg.port, 9099);
	ck_assert_uint_eq(cfg.threads, 3);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_defaults);
	tcase_add_test(tc, config_env_applies);
	tcase_add_test(tc, config_flags_apply);
	tcase_add_test(tc, config_flags_override_env);
	tcase_add_test(tc, config_fixtures_flag_repeatable);
	tcase_add_test(tc, config_fixtures_env_comma_separated);
	tcase_add_test(tc, config_fixtures_env_names_are_trimmed);
	tcase_add_test(tc, config_fixtures_on_existing_modes);
	tcase_add_test(tc, config_fixtures_flags_replace_env);
	tcase_add_test(tc, config_signing_key_inline_pem);
	tcase_add_test(tc, config_unknown_option_hides_its_value);
	tcase_add_loop_test(tc, config_rejects_bad_values, 0, N(bad));
	tcase_add_test(tc, config_help_exits);
	tcase_add_test(tc, config_version_exits);
	tcase_add_test(tc, config_reload_starts_fresh);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(config_suite)
