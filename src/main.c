/* mfaemu: command line, start-up, signals and shutdown. */
#include "sysdeps.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "emu.h"
#include "file.h"
#include "firebase_data.h"
#include "hostcheck.h"
#include "fixtures.h"
#include "http_server.h"
#include "id_token.h"
#include "log.h"
#include "probe.h"
#include "router.h"

/* The --fixtures files, reported per project; -1 with err. */
static int
load_fixtures(struct emu *emu, const char *what, char *err, size_t errlen)
{
	const struct config *cfg = &emu->cfg;
	struct fixtures_report rep;
	int r;

	if (fixtures_report_init(&rep, cfg->fixtures_on_existing) != 0) {
		fixtures_report_free(&rep);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = fixtures_load_files(emu, cfg->fixtures, cfg->nfixtures, &rep, err,
	    errlen);
	if (r == FIXTURES_EXISTING)
		/* The message names the option that chose it. */
		snprintf(err + strlen(err), errlen - strlen(err), " (see "
		    "--fixtures-on-existing)");
	if (r == 0)
		fixtures_report_log(&rep, what);
	fixtures_report_free(&rep);
	return r == 0 ? 0 : -1;
}

/* The --import folder, then the --fixtures files; -1 with err. */
static int
load_data(struct emu *emu, char *err, size_t errlen)
{
	const struct config *cfg = &emu->cfg;
	const char *what = cfg->check_only ? "check: would load" :
	    "fixtures:";
	struct fixtures_counts c;
	char text[512];

	if (cfg->import_dir != NULL) {
		if (firebase_import(emu, cfg->import_dir, &c, err, errlen))
			return -1;
		fixtures_counts_text(&c, text, sizeof(text));
		log_info("%s %s: %s", cfg->check_only ? "check: would import" :
		    "imported", cfg->import_dir, text);
	}
	if (cfg->nfixtures > 0 && load_fixtures(emu, what, err, errlen))
		return -1;
	/*
	 * Parsed fixture and import files are freed by now, but glibc keeps
	 * the heap they grew (about 16 bytes per byte of JSON): give it back
	 * (0.2 s for 100,000 users; --check exits instead).
	 */
#ifdef HAVE_MALLOC_TRIM
	if ((cfg->nfixtures > 0 || cfg->import_dir != NULL) &&
	    !cfg->check_only)
		malloc_trim(0);
#endif
	return 0;
}

/*
 * --check, after the store, key and data: what shutdown needs, the
 * --export-on-exit folder. Prints "check: ok" or the problem; the status.
 */
static int
check_more(struct emu *emu)
{
	char err[1024];

	if (emu->cfg.export_dir != NULL && file_check_dir(emu->cfg.export_dir,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "mfaemu: --export-on-exit %s\n", err);
		printf("check: failed\n");
		return EXIT_FAILURE;
	}
	printf("check: ok\n");
	return EXIT_SUCCESS;
}

/*
 * After the listening line: how ID tokens are signed, where verifiers find
 * the keys, and what firebase-admin needs, since its emulator mode accepts
 * only unsigned tokens, the first thing a backend team runs into.
 */
static void
print_token_setup(const struct config *cfg, unsigned port)
{
	char base[320];
	/* "HOST:PORT", as FIREBASE_AUTH_EMULATOR_HOST takes it. */
	const char *hostport = base + strlen("http://");

	hostcheck_url(base, sizeof(base), hostcheck_connectable(cfg->host),
	    port);
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
	char url[320];
	struct log_field f[] = { LOG_STR("url", url) };

	hostcheck_url(url, sizeof(url), cfg->host, port);
	log_plain(f, 1, "mfaemu listening on %s", url);
}

#ifdef HAVE_SIGTIMEDWAIT
/*
 * Wait for SIGINT or SIGTERM (blocked in every thread: see main), pruning
 * the store every EMU_PRUNE_INTERVAL meanwhile. Returns the signal.
 */
static int
wait_for_stop(struct emu *emu, const sigset_t *stop_signals)
{
	for (;;) {
		struct timespec tick = { .tv_sec = EMU_PRUNE_INTERVAL };
		int sig = sigtimedwait(stop_signals, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM)
			return sig;
		emu_prune(emu);
	}
}
#else
/*
 * Without sigtimedwait() (macOS): a thread takes the stop signal with
 * sigwait() and wakes the main thread, which prunes on a timed wait.
 */
struct stop_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const sigset_t *set;
	int sig;
};

static void *
stop_waiter(void *arg)
{
	struct stop_wait *w = arg;
	int sig = 0;

	while (sig != SIGINT && sig != SIGTERM)
		if (sigwait(w->set, &sig) != 0)
			sig = 0;
	pthread_mutex_lock(&w->mu);
	w->sig = sig;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
wait_for_stop(struct emu *emu, const sigset_t *stop_signals)
{
	struct stop_wait w = { PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, stop_signals, 0 };
	pthread_t waiter;
	struct timespec at;

	if (pthread_create(&waiter, NULL, stop_waiter, &w) != 0) {
		log_warn("no signal thread: expired rows are not pruned");
		stop_waiter(&w);
		return w.sig;
	}
	pthread_mutex_lock(&w.mu);
	while (w.sig == 0) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_sec += EMU_PRUNE_INTERVAL;
		if (pthread_cond_timedwait(&w.cv, &w.mu, &at) != 0 &&
		    w.sig == 0) {
			pthread_mutex_unlock(&w.mu);
			emu_prune(emu);
			pthread_mutex_lock(&w.mu);
		}
	}
	pthread_mutex_unlock(&w.mu);
	pthread_join(waiter, NULL);
	return w.sig;
}
#endif

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
	fflush(stdout);
	sig = wait_for_stop(emu, stop_signals);
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
	 * inherits the mask and only serve()'s wait_for_stop() sees them.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	if (emu_open(&emu, &cfg, err, sizeof(err)) != 0 ||
	    load_data(&emu, err, sizeof(err)) != 0) {
		log_error("%s", err);
		if (emu.cfg.check_only)
			printf("check: failed\n");
		rc = EXIT_FAILURE;
	} else if (emu.cfg.check_only) {
		rc = check_more(&emu);
	} else {
		rc = serve(&emu, &stop_signals);
	}
	emu_close(&emu);
	return rc;
}
