#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "config.h"
#include "version.h"

enum {
	OPT_HOST = 256, OPT_PORT, OPT_DB, OPT_FIXTURES, OPT_PROJECT,
	OPT_SIGNING_KEY, OPT_LOG_LEVEL, OPT_CHECK, OPT_HELP, OPT_VERSION,
	OPT_REQUIRE_KEY, OPT_MAX_BODY, OPT_THREADS, OPT_CONN_TIMEOUT,
	OPT_MAX_CONNECTIONS, OPT_SMS_CODE_TTL, OPT_MAX_ATTEMPTS,
	OPT_CREDENTIAL_TTL, OPT_PROBE, OPT_CONTROL_TOKEN, OPT_IMPORT,
	OPT_EXPORT_ON_EXIT, OPT_MAX_CONN_PER_IP, OPT_ID_TOKEN_ALG,
};

/* One row per setting: its flag, its environment variable, its help. */
static const struct config_opt {
	int id;
	const char *flag;
	const char *env;	/* NULL: flag only */
	int has_arg;
	const char *arg;
	const char *help;
} config_opts[] = {
	{ OPT_HOST, "host", "MFAEMU_HOST", 1, "ADDR",
	    "address to listen on (default 127.0.0.1)" },
	{ OPT_PORT, "port", "MFAEMU_PORT", 1, "N",
	    "port to listen on, 0 picks a free one (default 9099)" },
	{ OPT_DB, "db", "MFAEMU_DB", 1, "PATH",
	    "SQLite file that keeps state across restarts (default: memory)" },
	{ OPT_FIXTURES, "fixtures", "MFAEMU_FIXTURES", 1, "FILE",
	    "fixture file to load at start; repeatable (env: comma-separated)" },
	{ OPT_PROJECT, "project", "MFAEMU_PROJECT", 1, "ID",
	    "project id for requests and fixtures (default demo-project)" },
	{ OPT_SIGNING_KEY, "signing-key", "MFAEMU_SIGNING_KEY", 1, "PEM",
	    "RSA private key for ID tokens: a file, or the PEM text itself "
	    "(default: generated, kept in store)" },
	{ OPT_LOG_LEVEL, "log-level", "MFAEMU_LOG_LEVEL", 1, "LEVEL",
	    "error, warn, info or debug (default info)" },
	{ OPT_ID_TOKEN_ALG, "id-token-alg", "MFAEMU_ID_TOKEN_ALG", 1, "ALG",
	    "RS256, or none for firebase-admin's emulator mode (default RS256)" },
	{ OPT_REQUIRE_KEY, "require-key", "MFAEMU_REQUIRE_KEY", 1, "BOOL",
	    "refuse Identity Toolkit calls without ?key= (default true)" },
	{ OPT_MAX_BODY, "max-body", "MFAEMU_MAX_BODY", 1, "BYTES",
	    "largest request body accepted (default 65536)" },
	{ OPT_THREADS, "threads", "MFAEMU_THREADS", 1, "N",
	    "HTTP worker threads (default 2)" },
	{ OPT_CONN_TIMEOUT, "connection-timeout", "MFAEMU_CONNECTION_TIMEOUT",
	    1, "SECONDS", "close idle connections after this (default 30)" },
	{ OPT_MAX_CONNECTIONS, "max-connections", "MFAEMU_MAX_CONNECTIONS", 1,
	    "N", "most concurrent connections (default 1024)" },
	{ OPT_MAX_CONN_PER_IP, "max-connections-per-ip",
	    "MFAEMU_MAX_CONNECTIONS_PER_IP", 1, "N",
	    "most concurrent connections from one address (default 512)" },
	{ OPT_SMS_CODE_TTL, "sms-code-ttl", "MFAEMU_SMS_CODE_TTL", 1,
	    "SECONDS", "lifetime of an SMS sign-in session (default 300)" },
	{ OPT_MAX_ATTEMPTS, "max-attempts", "MFAEMU_MAX_ATTEMPTS", 1, "N",
	    "wrong codes before a session or credential dies (default 5)" },
	{ OPT_CREDENTIAL_TTL, "credential-ttl", "MFAEMU_CREDENTIAL_TTL", 1,
	    "SECONDS", "lifetime of a pending credential (default 600)" },
	{ OPT_IMPORT, "import", "MFAEMU_IMPORT", 1, "DIR",
	    "load a Firebase Auth Emulator export (auth_export/accounts.json)" },
	{ OPT_EXPORT_ON_EXIT, "export-on-exit", "MFAEMU_EXPORT_ON_EXIT", 1,
	    "DIR", "write users in the Firebase emulator's layout at exit" },
	{ OPT_CONTROL_TOKEN, "control-token", "MFAEMU_CONTROL_TOKEN", 1, "T",
	    "require 'Authorization: Bearer T' on /emulator/v1 (default: open)" },
	{ OPT_CHECK, "check", NULL, 0, NULL,
	    "validate configuration and fixtures, then exit" },
	{ OPT_PROBE, "probe", NULL, 0, NULL,
	    "exit 0 if a daemon answers at --host/--port (health checks)" },
	{ OPT_HELP, "help", NULL, 0, NULL, "show this help" },
	{ OPT_VERSION, "version", NULL, 0, NULL, "show the version" },
};
#define NOPTS (sizeof(config_opts) / sizeof(config_opts[0]))

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

/* Apply one setting; `src` names where it came from, for messages. */
static enum config_result
apply(struct config *cfg, int id, const char *val, const char *src,
    char *err, size_t errlen)
{
	unsigned long n;

	switch (id) {
	case OPT_HOST:
		if (*val == '\0' || strlen(val) >= sizeof(cfg->host))
			return fail(err, errlen, "%s: invalid host '%s'", src,
			    val);
		strcpy(cfg->host, val);
		return CONFIG_OK;
	case OPT_PORT:
		if (parse_uint(val, 0, 65535, &n))
			return fail(err, errlen,
			    "%s: port must be 0-65535, got '%s'", src, val);
		cfg->port = (unsigned)n;
		return CONFIG_OK;
	case OPT_DB:
		if (*val == '\0')
			return fail(err, errlen, "%s: empty path", src);
		return replace_str(&cfg->db_path, val) ? fail(err, errlen,
		    "out of memory") : CONFIG_OK;
	case OPT_FIXTURES: {
		/* The environment form is comma-separated. */
		char *copy, *tok, *save = NULL;
		enum config_result r = CONFIG_OK;

		if (strncmp(src, "--", 2) == 0)
			return add_fixture(cfg, val, err, errlen);
		if ((copy = strdup(val)) == NULL)
			return fail(err, errlen, "out of memory");
		for (tok = strtok_r(copy, ",", &save); tok != NULL &&
		    r == CONFIG_OK; tok = strtok_r(NULL, ",", &save))
			r = add_fixture(cfg, tok, err, errlen);
		free(copy);
		return r;
	}
	case OPT_PROJECT:
		if (!valid_project(val))
			return fail(err, errlen, "%s: '%s' is not a valid "
			    "project id (6-30 characters of a-z, 0-9 and '-', "
			    "starting with a letter)", src, val);
		strcpy(cfg->project, val);
		return CONFIG_OK;
	case OPT_SIGNING_KEY:
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
	case OPT_IMPORT:
	case OPT_EXPORT_ON_EXIT:
		if (*val == '\0' || strlen(val) > 3000)
			return fail(err, errlen, "%s: a directory path", src);
		return replace_str(id == OPT_IMPORT ? &cfg->import_dir :
		    &cfg->export_dir, val) ? fail(err, errlen,
		    "out of memory") : CONFIG_OK;
	case OPT_CONTROL_TOKEN:
		if (*val == '\0' || strlen(val) > 256)
			return fail(err, errlen, "%s: the token must be 1-256 "
			    "characters", src);
		return replace_str(&cfg->control_token, val) ?
		    fail(err, errlen, "out of memory") : CONFIG_OK;
	case OPT_LOG_LEVEL:
		if (log_level_parse(val, &cfg->log_level))
			return fail(err, errlen, "%s: log level must be error, "
			    "warn, info or debug, got '%s'", src, val);
		return CONFIG_OK;
	case OPT_ID_TOKEN_ALG:
		if (strcmp(val, "RS256") == 0)
			cfg->unsigned_id_tokens = false;
		else if (strcmp(val, "none") == 0)
			cfg->unsigned_id_tokens = true;
		else
			return fail(err, errlen, "%s: expected RS256 or none, "
			    "got '%s'", src, val);
		return CONFIG_OK;
	case OPT_REQUIRE_KEY:
		if (parse_bool(val, &cfg->require_key))
			return fail(err, errlen,
			    "%s: expected true or false, got '%s'", src, val);
		return CONFIG_OK;
	case OPT_MAX_BODY:
		if (parse_uint(val, 1024, 64UL << 20, &n))
			return fail(err, errlen, "%s: body limit must be "
			    "1024-67108864 bytes, got '%s'", src, val);
		cfg->max_body = n;
		return CONFIG_OK;
	case OPT_THREADS:
		if (parse_uint(val, 1, 256, &n))
			return fail(err, errlen,
			    "%s: threads must be 1-256, got '%s'", src, val);
		cfg->threads = (unsigned)n;
		return CONFIG_OK;
	case OPT_CONN_TIMEOUT:
		if (parse_uint(val, 1, 86400, &n))
			return fail(err, errlen, "%s: timeout must be "
			    "1-86400 seconds, got '%s'", src, val);
		cfg->connection_timeout = (unsigned)n;
		return CONFIG_OK;
	case OPT_MAX_CONNECTIONS:
		if (parse_uint(val, 1, 100000, &n))
			return fail(err, errlen, "%s: connections must be "
			    "1-100000, got '%s'", src, val);
		cfg->max_connections = (unsigned)n;
		return CONFIG_OK;
	case OPT_MAX_CONN_PER_IP:
		if (parse_uint(val, 0, 100000, &n))
			return fail(err, errlen, "%s: connections must be "
			    "0-100000 (0: no limit), got '%s'", src, val);
		cfg->max_connections_per_ip = (unsigned)n;
		return CONFIG_OK;
	case OPT_SMS_CODE_TTL:
	case OPT_CREDENTIAL_TTL:
		if (parse_uint(val, 1, 31536000, &n))
			return fail(err, errlen, "%s: lifetime must be "
			    "1-31536000 seconds, got '%s'", src, val);
		if (id == OPT_SMS_CODE_TTL)
			cfg->sms_code_ttl = (unsigned)n;
		else
			cfg->credential_ttl = (unsigned)n;
		return CONFIG_OK;
	case OPT_MAX_ATTEMPTS:
		if (parse_uint(val, 1, 1000, &n))
			return fail(err, errlen,
			    "%s: attempts must be 1-1000, got '%s'", src, val);
		cfg->max_attempts = (unsigned)n;
		return CONFIG_OK;
	case OPT_CHECK:
		cfg->check_only = true;
		return CONFIG_OK;
	case OPT_PROBE:
		cfg->probe = true;
		return CONFIG_OK;
	}
	return fail(err, errlen, "%s: unknown setting", src);
}

void
config_usage(FILE *out)
{
	fprintf(out, "usage: mfaemu [options]\n\n"
	    "A local emulator of Google Identity Toolkit's MFA sign-in API.\n"
	    "Each option can also be set by the environment variable shown.\n\n");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct config_opt *o = &config_opts[i];
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->flag,
		    o->has_arg ? " " : "", o->has_arg ? o->arg : "");
		fprintf(out, "  %-28s %s%s%s%s\n", left, o->help,
		    o->env ? " [" : "", o->env ? o->env : "",
		    o->env ? "]" : "");
	}
}

enum config_result
config_load(struct config *cfg, int argc, char **argv, char *err,
    size_t errlen)
{
	struct option longopts[NOPTS + 1];
	enum config_result r;
	int ch;

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->host, "127.0.0.1");
	cfg->port = 9099;
	strcpy(cfg->project, "demo-project");
	cfg->log_level = LOG_INFO;
	cfg->require_key = true;
	cfg->max_body = 64 * 1024;
	cfg->threads = 2;
	cfg->connection_timeout = 30;
	cfg->max_connections = 1024;
	cfg->max_connections_per_ip = 512;
	cfg->sms_code_ttl = 300;
	cfg->max_attempts = 5;
	cfg->credential_ttl = 600;

	for (size_t i = 0; i < NOPTS; i++) {
		const char *v;

		if (config_opts[i].env == NULL ||
		    (v = getenv(config_opts[i].env)) == NULL || *v == '\0')
			continue;
		r = apply(cfg, config_opts[i].id, v, config_opts[i].env, err,
		    errlen);
		if (r != CONFIG_OK)
			return r;
	}

	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i].name = config_opts[i].flag;
		longopts[i].has_arg = config_opts[i].has_arg ?
		    required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = config_opts[i].id;
	}
	memset(&longopts[NOPTS], 0, sizeof(longopts[NOPTS]));

	/* Environment fixtures are replaced, not joined, by flags. */
	optind = 1;
	opterr = 0;
	{
		bool flag_fixtures = false;

		while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) !=
		    -1) {
			char src[64];

			if (ch == '?' || ch == ':') {
				const char *bad = argv[optind - 1];
				char name[64];

				/*
				 * The name only: the value of a misspelt
				 * --signing_key=... may be the key.
				 */
				if (bad == NULL)
					bad = "?";
				snprintf(name, sizeof(name), "%.*s",
				    (int)strcspn(bad, "="), bad);
				return fail(err, errlen, "%s '%s' (see --help)",
				    ch == ':' ? "missing value for" :
				    "unknown option", shown(name));
			}
			if (ch == OPT_HELP) {
				config_usage(stdout);
				return CONFIG_EXIT;
			}
			if (ch == OPT_VERSION) {
				printf("mfaemu %s\n", MFAEMU_VERSION);
				return CONFIG_EXIT;
			}
			if (ch == OPT_FIXTURES && !flag_fixtures) {
				for (size_t i = 0; i < cfg->nfixtures; i++)
					free(cfg->fixtures[i]);
				cfg->nfixtures = 0;
				flag_fixtures = true;
			}
			for (size_t i = 0; i < NOPTS; i++) {
				if (config_opts[i].id == ch)
					snprintf(src, sizeof(src), "--%s",
					    config_opts[i].flag);
			}
			r = apply(cfg, ch, optarg, src, err, errlen);
			if (r != CONFIG_OK)
				return r;
		}
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s' (see --help)",
		    shown(argv[optind]));
	return CONFIG_OK;
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
	for (size_t i = 0; i < cfg->nfixtures; i++)
		free(cfg->fixtures[i]);
	memset(cfg, 0, sizeof(*cfg));
}
