#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "config.h"
#include "custom_token.h"
#include "file.h"
#include "version.h"

struct config_opt;

/*
 * Sets one setting from `val`; `src` names where it came from ("--port",
 * "MFAEMU_PORT") for messages.
 */
typedef enum config_result config_set_fn(struct config *cfg,
    const struct config_opt *o, const char *val, const char *src,
    char *err, size_t errlen);

static config_set_fn set_uint, set_bool, set_true, set_string,
    set_host, set_fixtures, set_on_existing, set_project, set_signing_key,
    set_log_level, set_log_format, set_id_token_alg, set_custom_token_key,
    set_help, set_version;

/*
 * One row per setting: its flag, its environment variable, its help, and
 * how a value sets it. The generic setters (set_uint, set_bool, set_true,
 * set_string) write the field at `field`, within [min, max] (a string's
 * length for set_string, 0: no maximum), and refuse a value with
 * "SRC: <must>, got 'VALUE'" (set_string: "SRC: <must>").
 */
struct config_opt {
	const char *flag;
	const char *env;	/* NULL: flag only */
	const char *arg;	/* the value in --help; NULL: takes none */
	const char *help;
	config_set_fn *set;
	size_t field;		/* offsetof(struct config, ...) */
	unsigned long min, max;
	const char *must;
};

#define F(name) offsetof(struct config, name)

static const struct config_opt config_opts[] = {
	{ "host", "MFAEMU_HOST", "ADDR",
	    "address to listen on (default 127.0.0.1)", set_host },
	{ "port", "MFAEMU_PORT", "N",
	    "port to listen on, 0 picks a free one (default 9099)",
	    set_uint, F(port), 0, 65535, "port must be 0-65535" },
	{ "db", "MFAEMU_DB", "PATH",
	    "SQLite file that keeps state across restarts (default: memory)",
	    set_string, F(db_path), 1, 0, "empty path" },
	{ "fixtures", "MFAEMU_FIXTURES", "FILE",
	    "fixture file to load at start; repeatable (env: comma-separated)",
	    set_fixtures },
	{ "fixtures-on-existing", "MFAEMU_FIXTURES_ON_EXISTING", "MODE",
	    "users and credentials already stored: skip (keep them), replace "
	    "(the fixture's win) or fail (default skip)", set_on_existing },
	{ "project", "MFAEMU_PROJECT", "ID",
	    "project id for requests and fixtures (default demo-project)",
	    set_project },
	{ "signing-key", "MFAEMU_SIGNING_KEY", "PEM",
	    "RSA private key for ID tokens: a file, or the PEM text itself "
	    "(default: generated, kept in store)", set_signing_key },
	{ "custom-token-key", "MFAEMU_CUSTOM_TOKEN_KEY", "PEM",
	    "key that RS256 custom tokens verify against: a public key, "
	    "certificate or private key, as a file or the PEM text (default: "
	    "unsigned emulator-mode tokens only)", set_custom_token_key },
	{ "log-level", "MFAEMU_LOG_LEVEL", "LEVEL",
	    "error, warn, info or debug (default info)", set_log_level },
	{ "log-format", "MFAEMU_LOG_FORMAT", "FORMAT",
	    "text, or json for one JSON object a line (default text)",
	    set_log_format },
	{ "access-log", "MFAEMU_ACCESS_LOG", "BOOL",
	    "log a line per request at info level (default true)",
	    set_bool, F(access_log) },
	{ "id-token-alg", "MFAEMU_ID_TOKEN_ALG", "ALG",
	    "RS256, or none for firebase-admin's emulator mode (default RS256)",
	    set_id_token_alg },
	{ "require-key", "MFAEMU_REQUIRE_KEY", "BOOL",
	    "refuse Identity Toolkit calls without ?key= (default true)",
	    set_bool, F(require_key) },
	{ "max-body", "MFAEMU_MAX_BODY", "BYTES",
	    "largest request body accepted (default 65536)",
	    set_uint, F(max_body), 1024, 64UL << 20,
	    "body limit must be 1024-67108864 bytes" },
	{ "threads", "MFAEMU_THREADS", "N",
	    "HTTP worker threads (default 2)",
	    set_uint, F(threads), 1, 256, "threads must be 1-256" },
	{ "connection-timeout", "MFAEMU_CONNECTION_TIMEOUT", "SECONDS",
	    "close idle connections after this (default 30)",
	    set_uint, F(connection_timeout), 1, 86400,
	    "timeout must be 1-86400 seconds" },
	{ "max-connections", "MFAEMU_MAX_CONNECTIONS", "N",
	    "most concurrent connections (default 1024)",
	    set_uint, F(max_connections), 1, 100000,
	    "connections must be 1-100000" },
	{ "max-connections-per-ip", "MFAEMU_MAX_CONNECTIONS_PER_IP", "N",
	    "most concurrent connections from one address (default 512)",
	    set_uint, F(max_connections_per_ip), 0, 100000,
	    "connections must be 0-100000 (0: no limit)" },
	{ "sms-code-ttl", "MFAEMU_SMS_CODE_TTL", "SECONDS",
	    "lifetime of an SMS sign-in session (default 300)",
	    set_uint, F(sms_code_ttl), 1, 31536000,
	    "lifetime must be 1-31536000 seconds" },
	{ "max-attempts", "MFAEMU_MAX_ATTEMPTS", "N",
	    "wrong codes before a session or credential dies (default 5)",
	    set_uint, F(max_attempts), 1, 1000, "attempts must be 1-1000" },
	{ "credential-ttl", "MFAEMU_CREDENTIAL_TTL", "SECONDS",
	    "lifetime of a pending credential (default 600)",
	    set_uint, F(credential_ttl), 1, 31536000,
	    "lifetime must be 1-31536000 seconds" },
	{ "recent-login", "MFAEMU_RECENT_LOGIN", "SECONDS",
	    "how recent a sign-in must be to change a password or email or "
	    "delete the account; 0 turns the check off (default 300)",
	    set_uint, F(recent_login_seconds), 0, 31536000,
	    "the window must be 0-31536000 seconds" },
	{ "import", "MFAEMU_IMPORT", "DIR",
	    "load a Firebase Auth Emulator export (auth_export/accounts.json)",
	    set_string, F(import_dir), 1, 3000, "a directory path" },
	{ "export-on-exit", "MFAEMU_EXPORT_ON_EXIT", "DIR",
	    "write users in the Firebase emulator's layout at exit",
	    set_string, F(export_dir), 1, 3000, "a directory path" },
	{ "control-token", "MFAEMU_CONTROL_TOKEN", "T",
	    "require 'Authorization: Bearer T' on /emulator/v1 (default: open)",
	    set_string, F(control_token), 1, 256,
	    "the token must be 1-256 characters" },
	{ "check", NULL, NULL,
	    "validate everything start-up would do and report what would "
	    "load, changing nothing (no store file written), then exit",
	    set_true, F(check_only) },
	{ "probe", NULL, NULL,
	    "exit 0 if mfaemu answers ready at --host/--port, else say what "
	    "does (health checks)",
	    set_true, F(probe) },
	{ "help", NULL, NULL, "show this help (also -h)", set_help },
	{ "version", NULL, NULL, "show the version", set_version },
};
#define NOPTS (sizeof(config_opts) / sizeof(config_opts[0]))
#undef F

/* getopt_long's value for row i: past every character option. */
#define OPT_VAL0 256

static enum config_result
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum config_result
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CONFIG_ERROR;
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
	    strcasecmp(s, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0 ||
	    strcasecmp(s, "no") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Project ids as Google allows them: 6-30 of [a-z0-9-], letter first. */
static int
valid_project(const char *s)
{
	size_t n = strlen(s);

	if (n < 6 || n > 30 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

static int
replace_str(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Free a string that may hold a secret, wiping it first. */
static void
free_secret(char **slot)
{
	if (*slot != NULL) {
		OPENSSL_cleanse(*slot, strlen(*slot));
		free(*slot);
		*slot = NULL;
	}
}

/*
 * The PEM text itself rather than a file name: no file name holds a PEM
 * armour line or a line break, and taking such a value for a path would
 * quote the key in the "cannot open" message.
 */
static bool
is_inline_pem(const char *val)
{
	return strstr(val, "-----BEGIN") != NULL || strpbrk(val, "\r\n") !=
	    NULL;
}

/* A command-line word as a message may quote it. */
static const char *
shown(const char *word)
{
	return is_inline_pem(word) ? "(PEM text, not shown)" : word;
}

static enum config_result
add_fixture(struct config *cfg, const char *path, char *err, size_t errlen)
{
	if (*path == '\0')
		return fail(err, errlen, "--fixtures: empty file name");
	if (cfg->nfixtures == CONFIG_MAX_FIXTURES)
		return fail(err, errlen, "--fixtures: at most %d files",
		    CONFIG_MAX_FIXTURES);
	if ((cfg->fixtures[cfg->nfixtures] = strdup(path)) == NULL)
		return fail(err, errlen, "out of memory");
	cfg->nfixtures++;
	return CONFIG_OK;
}

/* The field of cfg that row o sets. */
static void *
field(struct config *cfg, const struct config_opt *o)
{
	return (char *)cfg + o->field;
}

static enum config_result
set_uint(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	unsigned long n;

	if (parse_uint(val, o->min, o->max, &n))
		return fail(err, errlen, "%s: %s, got '%s'", src, o->must, val);
	*(unsigned *)field(cfg, o) = (unsigned)n;
	return CONFIG_OK;
}

static enum config_result
set_bool(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	if (parse_bool(val, (bool *)field(cfg, o)))
		return fail(err, errlen, "%s: expected true or false, got '%s'",
		    src, val);
	return CONFIG_OK;
}

static enum config_result
set_true(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	*(bool *)field(cfg, o) = true;
	return CONFIG_OK;
}

/* A malloc'd string of min to max (0: any) bytes; the last one wins. */
static enum config_result
set_string(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	size_t n = strlen(val);

	if (n < o->min || (o->max != 0 && n > o->max))
		return fail(err, errlen, "%s: %s", src, o->must);
	if (replace_str((char **)field(cfg, o), val))
		return fail(err, errlen, "out of memory");
	return CONFIG_OK;
}

static enum config_result
set_host(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	if (*val == '\0' || strlen(val) >= sizeof(cfg->host))
		return fail(err, errlen, "%s: invalid host '%s'", src, val);
	strcpy(cfg->host, val);
	return CONFIG_OK;
}

/* `s` without the blanks around it (in place). */
static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/*
 * A flag names one file; the environment form is comma-separated, each
 * name trimmed of blanks ("a.json, b.json"); an empty name is an error.
 */
static enum config_result
set_fixtures(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	char *copy, *tok, *rest;
	enum config_result r = CONFIG_OK;

	if (strncmp(src, "--", 2) == 0)
		return add_fixture(cfg, val, err, errlen);
	if ((copy = strdup(val)) == NULL)
		return fail(err, errlen, "out of memory");
	rest = copy;
	while (r == CONFIG_OK && (tok = strsep(&rest, ",")) != NULL) {
		tok = trim(tok);
		if (*tok == '\0')
			r = fail(err, errlen, "%s: empty file name in '%s' (names "
			    "are separated by single commas)", src, val);
		else
			r = add_fixture(cfg, tok, err, errlen);
	}
	free(copy);
	return r;
}

int
config_on_existing_parse(const char *s, enum config_on_existing *out)
{
	static const char *const names[] = { "skip", "replace", "fail" };

	for (size_t i = 0; i < 3; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum config_on_existing)i;
			return 0;
		}
	}
	return -1;
}

static enum config_result
set_on_existing(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (config_on_existing_parse(val, &cfg->fixtures_on_existing))
		return fail(err, errlen, "%s: expected %s, got '%s'", src,
		    CONFIG_ON_EXISTING_NAMES, val);
	return CONFIG_OK;
}

static enum config_result
set_project(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (!valid_project(val))
		return fail(err, errlen, "%s: '%s' is not a valid project id "
		    "(6-30 characters of a-z, 0-9 and '-', starting with a "
		    "letter)", src, val);
	strcpy(cfg->project, val);
	return CONFIG_OK;
}

static enum config_result
set_signing_key(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (*val == '\0')
		return fail(err, errlen, "%s: empty path", src);
	/* The last setting wins, whichever form it takes. */
	free_secret(&cfg->signing_key_pem);
	free(cfg->signing_key_path);
	cfg->signing_key_path = NULL;
	if (is_inline_pem(val))
		return (cfg->signing_key_pem = strdup(val)) == NULL ?
		    fail(err, errlen, "out of memory") : CONFIG_OK;
	return replace_str(&cfg->signing_key_path, val) ?
	    fail(err, errlen, "out of memory") : CONFIG_OK;
}

static enum config_result
set_custom_token_key(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	char reason[128];
	size_t n;

	if (*val == '\0')
		return fail(err, errlen, "%s: empty path", src);
	free(cfg->custom_token_key_pem);
	if (is_inline_pem(val))
		cfg->custom_token_key_pem = strdup(val);
	else if ((cfg->custom_token_key_pem = file_read_all(val, 1 << 20, &n,
	    reason, sizeof(reason))) == NULL)
		return fail(err, errlen, "%s: %s", src, reason);
	if (cfg->custom_token_key_pem == NULL)
		return fail(err, errlen, "out of memory");
	if (custom_token_key_check(cfg->custom_token_key_pem, reason,
	    sizeof(reason)) != 0)
		return fail(err, errlen, "%s: %s", src, reason);
	return CONFIG_OK;
}

static enum config_result
set_log_level(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (log_level_parse(val, &cfg->log_level))
		return fail(err, errlen, "%s: log level must be error, warn, "
		    "info or debug, got '%s'", src, val);
	return CONFIG_OK;
}

static enum config_result
set_log_format(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (log_format_parse(val, &cfg->log_format))
		return fail(err, errlen, "%s: expected text or json, got '%s'",
		    src, val);
	return CONFIG_OK;
}

static enum config_result
set_id_token_alg(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	if (strcmp(val, "RS256") == 0)
		cfg->unsigned_id_tokens = false;
	else if (strcmp(val, "none") == 0)
		cfg->unsigned_id_tokens = true;
	else
		return fail(err, errlen, "%s: expected RS256 or none, got "
		    "'%s'", src, val);
	return CONFIG_OK;
}

static enum config_result
set_help(struct config *cfg, const struct config_opt *o, const char *val,
    const char *src, char *err, size_t errlen)
{
	config_usage(stdout);
	return CONFIG_EXIT;
}

static enum config_result
set_version(struct config *cfg, const struct config_opt *o,
    const char *val, const char *src, char *err, size_t errlen)
{
	printf("mfaemu %s\n", MFAEMU_VERSION);
	return CONFIG_EXIT;
}

void
config_usage(FILE *out)
{
	fprintf(out, "usage: mfaemu [options]\n\n"
	    "A local emulator of Google Identity Toolkit's MFA sign-in API.\n"
	    "Each option can also be set by the environment variable "
	    "shown.\n\n");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct config_opt *o = &config_opts[i];
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->flag,
		    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s%s%s%s\n", left, o->help,
		    o->env ? " [" : "", o->env ? o->env : "",
		    o->env ? "]" : "");
	}
}

static void
set_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->host, "127.0.0.1");
	cfg->port = 9099;
	strcpy(cfg->project, "demo-project");
	cfg->log_level = LOG_INFO;
	cfg->log_format = LOG_TEXT;
	cfg->access_log = true;
	cfg->require_key = true;
	cfg->max_body = 64 * 1024;
	cfg->threads = 2;
	cfg->connection_timeout = 30;
	cfg->max_connections = 1024;
	cfg->max_connections_per_ip = 512;
	cfg->sms_code_ttl = 300;
	cfg->max_attempts = 5;
	cfg->credential_ttl = 600;
	cfg->recent_login_seconds = 300;
}

/* The MFAEMU_* variables that are set and not empty, in table order. */
static enum config_result
apply_env(struct config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct config_opt *o = &config_opts[i];
		enum config_result r;
		const char *v;

		if (o->env == NULL || (v = getenv(o->env)) == NULL ||
		    *v == '\0')
			continue;
		if ((r = o->set(cfg, o, v, o->env, err, errlen)) != CONFIG_OK)
			return r;
	}
	return CONFIG_OK;
}

/* An unknown option or one without its value (ch '?' or ':'). */
static enum config_result
bad_option(int ch, const char *word, char *err, size_t errlen)
{
	char name[64];

	/* The name only: a misspelt --signing_key=...'s value may be a key. */
	if (word == NULL)
		word = "?";
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	return fail(err, errlen, "%s '%s' (see --help)", ch == ':' ?
	    "missing value for" : "unknown option", shown(name));
}

/* The command line, in order; the last setting of each wins. */
static enum config_result
apply_flags(struct config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	struct option longopts[NOPTS + 1];
	bool flag_fixtures = false;
	int ch;

	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i].name = config_opts[i].flag;
		longopts[i].has_arg = config_opts[i].arg ? required_argument :
		    no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = OPT_VAL0 + (int)i;
	}
	memset(&longopts[NOPTS], 0, sizeof(longopts[NOPTS]));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		const struct config_opt *o;
		enum config_result r;
		char src[64];

		if (ch == 'h')
			return set_help(cfg, NULL, NULL, "-h", err, errlen);
		if (ch < OPT_VAL0 || ch >= OPT_VAL0 + (int)NOPTS)
			return bad_option(ch, argv[optind - 1], err, errlen);
		o = &config_opts[ch - OPT_VAL0];
		/* Environment fixtures are replaced, not joined, by flags. */
		if (o->set == set_fixtures && !flag_fixtures) {
			for (size_t i = 0; i < cfg->nfixtures; i++)
				free(cfg->fixtures[i]);
			cfg->nfixtures = 0;
			flag_fixtures = true;
		}
		snprintf(src, sizeof(src), "--%s", o->flag);
		if ((r = o->set(cfg, o, optarg, src, err, errlen)) != CONFIG_OK)
			return r;
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s' (see "
		    "--help)", shown(argv[optind]));
	return CONFIG_OK;
}

enum config_result
config_load(struct config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	enum config_result r;

	set_defaults(cfg);
	if ((r = apply_env(cfg, err, errlen)) != CONFIG_OK)
		return r;
	return apply_flags(cfg, argc, argv, err, errlen);
}

void
config_free(struct config *cfg)
{
	free(cfg->db_path);
	free(cfg->signing_key_path);
	free_secret(&cfg->signing_key_pem);
	free_secret(&cfg->control_token);
	free(cfg->import_dir);
	free(cfg->export_dir);
	free(cfg->custom_token_key_pem);
	for (size_t i = 0; i < cfg->nfixtures; i++)
		free(cfg->fixtures[i]);
	memset(cfg, 0, sizeof(*cfg));
}
