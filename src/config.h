/*
 * Configuration: built-in defaults, then MFAEMU_* environment variables,
 * then command-line flags. Validated in one place; the rest of the program
 * trusts it.
 */
#ifndef MFAEMU_CONFIG_H
#define MFAEMU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"

#define CONFIG_MAX_FIXTURES 64

/*
 * What loading fixtures does with an entry already stored (a user by
 * localId in its realm, a pending credential or SMS session by id):
 * keep the stored one, replace it with the fixture's, or load nothing.
 */
enum config_on_existing {
	CONFIG_ON_EXISTING_SKIP,
	CONFIG_ON_EXISTING_REPLACE,
	CONFIG_ON_EXISTING_FAIL,
};

/* The modes' names, "skip, replace or fail", for messages. */
#define CONFIG_ON_EXISTING_NAMES "skip, replace or fail"

struct config {
	char host[256];
	unsigned port;
	char *db_path;			/* NULL: in-memory store */
	char *fixtures[CONFIG_MAX_FIXTURES];
	size_t nfixtures;
	enum config_on_existing fixtures_on_existing;
	char project[129];
	/*
	 * --signing-key names a file, or holds the PEM text itself (a value
	 * with "-----BEGIN" or a line break in it): at most one is set. The
	 * PEM is a secret: no message quotes it, config_free() wipes it.
	 */
	char *signing_key_path;
	char *signing_key_pem;
	/*
	 * --custom-token-key: the PEM (public key, certificate or private
	 * key) that RS256 custom tokens must verify against, read from the
	 * file or given inline and checked at load; NULL: only unsigned
	 * (emulator-mode) custom tokens are accepted.
	 */
	char *custom_token_key_pem;
	char *control_token;		/* NULL: control plane open */
	char *import_dir;		/* Firebase emulator export to load */
	char *export_dir;		/* where to write one at exit */
	enum log_level log_level;
	enum log_format log_format;	/* --log-format text or json */
	bool access_log;		/* a line per request, at info */
	bool check_only;
	bool probe;		/* --probe: health-check a daemon */
	bool require_key;
	bool unsigned_id_tokens;	/* --id-token-alg none */

	/* HTTP limits. */
	unsigned max_body;		/* bytes, at most 64 MiB */
	unsigned threads;
	unsigned connection_timeout;	/* seconds */
	unsigned max_connections;
	unsigned max_connections_per_ip;	/* 0: no per-address limit */

	/* Credential and code lifetimes and limits. */
	unsigned sms_code_ttl;		/* seconds */
	unsigned max_attempts;
	unsigned credential_ttl;	/* seconds */
	/* Google's recent-login window for sensitive changes; 0: off. */
	unsigned recent_login_seconds;
};

enum config_result {
	CONFIG_OK,
	CONFIG_EXIT,	/* --help or --version printed: exit 0 */
	CONFIG_ERROR,	/* reason in err */
};

/*
 * Fill `cfg` from defaults, the environment and argv. Strings in cfg are
 * malloc'd; free them with config_free(). On CONFIG_ERROR `err` says what
 * is wrong and which flag or variable.
 */
enum config_result config_load(struct config *cfg, int argc, char **argv,
    char *err, size_t errlen);

void config_free(struct config *cfg);

/* "skip", "replace" or "fail" into *out; -1 for anything else. */
int config_on_existing_parse(const char *s, enum config_on_existing *out);

/* The --help text. */
void config_usage(FILE *out);

#endif
