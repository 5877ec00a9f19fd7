/* mfaemu: command line, start-up, signals and shutdown. */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "emu.h"
#include "firebase_data.h"
#include "fixtures.h"
#include "http_server.h"
#include "id_token.h"
#include "log.h"
#include "probe.h"
#include "router.h"

/* The --import folder, then the --fixtures files; -1 with err. */
static int
load_data(struct emu *emu, char *err, size_t errlen)
{
	const struct config *cfg = &emu->cfg;
	struct fixtures_counts c;

	if (cfg->import_dir != NULL) {
		if (firebase_import(emu, cfg->import_dir, &c, err, errlen))
			return -1;
		log_info("imported %s: %zu users, %zu enrollments; %zu "
		    "already stored", cfg->import_dir, c.users,
		    c.enrollments, c.skipped);
	}
	if (cfg->nfixtures > 0) {
		if (fixtures_load_files(emu, cfg->fixtures, cfg->nfixtures,
		    &c, err, errlen))
			return -1;
		log_info("fixtures: %zu users, %zu enrollments, %zu pending "
		    "credentials, %zu test numbers loaded; %zu already stored",
		    c.users, c.enrollments, c.credentials, c.test_numbers,
		    c.skipped);
	}
	/*
	 * Parsed fixture and import files are freed by now, but glibc keeps
	 * the heap they grew (about 16 bytes per byte of JSON): give it back
	 * (0.2 s for 100,000 users; --check exits instead).
	 */
	if ((cfg->nfixtures > 0 || cfg->import_dir != NULL) &&
	    !cfg->check_only)
		malloc_trim(0);
	return 0;
}

/* "HOST:PORT", an IPv6 address in brackets. */
static void
host_port(char *out, size_t outlen, const char *h, unsigned port)
{
	snprintf(out, outlen, "%s%s%s:%u", strchr(h, ':') ? "[" : "", h,
	    strchr(h, ':') ? "]" : "", port);
}

/*
 * After the listening line: how ID tokens are signed, where verifiers find
 * the keys, and what firebase-admin needs, since its emulator mode accepts
 * only unsigned tokens, the first thing a backend team runs into.
 */
static void
print_token_setup(const struct config *cfg, unsigned port)
{
	char base[320], hostport[300];
	const char *h = cfg->host;

	/* A wildcard address is not one to connect to: name loopback. */
	if (strcmp(h, "0.0.0.0") == 0)
		h = "127.0.0.1";
	else if (strcmp(h, "::") == 0)
		h = "::1";
	host_port(hostport, sizeof(hostport), h, port);
	snprintf(base, sizeof(base), "http://%s", hostport);
	log_plain(NULL, 0, "ID tokens: %s (--id-token-alg; per project or "
	    "tenant: \"idTokenAlg\" in fixtures or PATCH /emulator/v1/"
	    "projects/{p}[/tenants/{t}]/config)", cfg->unsigned_id_tokens ?
	    "unsigned, alg none, like the Firebase Auth Emulator's" :
	    "RS256, signed");
	log_plain(NULL, 0, "  JWKS %s%s", base, ID_TOKEN_JWKS_PATH);
	log_plain(NULL, 0, "  x509 %s%s", base, ID_TOKEN_X509_PATH);
	log_plain(NULL, 0, "  firebase-admin: FIREBASE_AUTH_EMULATOR_HOST=%s",
	    hostport);
	if (!cfg->unsigned_id_tokens)
		log_plain(NULL, 0, "    (its Node SDK's verifyIdToken refuses "
		    "RS256 tokens, \"invalid signature\": set \"idTokenAlg\": "
		    "\"none\" for its project, or --id-token-alg none)");
}

/* The ready line scripts wait for; in JSON its "url" field too. */
static void
print_ready(const struct config *cfg, unsigned port)
{
	char hostport[300], url[320];
	struct log_field f[] = { LOG_STR("url", url) };

	host_port(hostport, sizeof(hostport), cfg->host, port);
	snprintf(url, sizeof(url), "http://%s", hostport);
	log_plain(f, 1, "mfaemu listening on %s", url);
}

/*
 * Serve until SIGINT or SIGTERM (blocked in every thread: see main), the
 * main thread tidying the store meanwhile; then stop and export. Returns
 * the exit status.
 */
static int
serve(struct emu *emu, const sigset_t *stop_signals)
{
	struct http_server *srv;
	char err[1024];
	int sig;

	log_async_start();
	if ((srv = http_server_start(&emu->cfg, emu, &router_app, err,
	    sizeof(err))) == NULL) {
		log_async_stop();
		log_error("%s", err);
		return EXIT_FAILURE;
	}
	print_ready(&emu->cfg, http_server_port(srv));
	print_token_setup(&emu->cfg, http_server_port(srv));
	for (;;) {
		struct timespec tick = { .tv_sec = EMU_PRUNE_INTERVAL };

		sig = sigtimedwait(stop_signals, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		emu_prune(emu);
	}
	log_info("%s received, shutting down", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	http_server_stop(srv);
	log_async_stop();
	if (emu->cfg.export_dir != NULL) {
		if (firebase_export(emu, emu->cfg.export_dir, err,
		    sizeof(err)) != 0) {
			log_error("export failed: %s", err);
			return EXIT_FAILURE;
		}
		log_info("exported users to %s", emu->cfg.export_dir);
	}
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct emu emu;
	sigset_t stop_signals;
	char err[1024];
	int rc;

	switch (config_load(&cfg, argc, argv, err, sizeof(err))) {
	case CONFIG_EXIT:
		config_free(&cfg);
		return EXIT_SUCCESS;
	case CONFIG_ERROR:
		fprintf(stderr, "mfaemu: %s\n", err);
		config_free(&cfg);
		return 2;
	case CONFIG_OK:
		break;
	}
	if (cfg.probe) {
		rc = probe_run(cfg.host, cfg.port);
		config_free(&cfg);
		return rc;
	}
	log_set_level(cfg.log_level);
	log_set_format(cfg.log_format);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A full file-size limit must fail the write (SQLITE_FULL, a 503),
	 * not kill us.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * Block the stop signals before any thread starts, so every thread
	 * inherits the mask and only serve()'s sigtimedwait() sees them.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	if (emu_open(&emu, &cfg, err, sizeof(err)) != 0 ||
	    load_data(&emu, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_FAILURE;
	} else if (emu.cfg.check_only) {
		log_plain(NULL, 0, "mfaemu: configuration and fixtures are "
		    "valid");
		rc = EXIT_SUCCESS;
	} else {
		rc = serve(&emu, &stop_signals);
	}
	emu_close(&emu);
	return rc;
}
