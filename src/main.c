/* mfaemu: command line, start-up, signals and shutdown. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "emu.h"
#include "firebase_data.h"
#include "http_server.h"
#include "log.h"
#include "probe.h"

int
main(int argc, char **argv)
{
	struct config cfg;
	struct emu emu;
	struct http_server *srv;
	sigset_t stop_signals;
	char err[1024];
	int sig;

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
		int rc = probe_run(cfg.host, cfg.port);

		config_free(&cfg);
		return rc;
	}
	log_set_level(cfg.log_level);
	signal(SIGPIPE, SIG_IGN);
	/* A full file-size limit must fail the write (SQLITE_FULL, a 503), not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	/*
	 * Block the stop signals before any thread starts, so every thread
	 * inherits the mask and only the sigwait() below sees them.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	if (emu_open(&emu, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "mfaemu: %s\n", err);
		emu_close(&emu);
		return EXIT_FAILURE;
	}
	if (emu.cfg.check_only) {
		printf("mfaemu: configuration and fixtures are valid\n");
		emu_close(&emu);
		return EXIT_SUCCESS;
	}
	if ((srv = http_server_start(&emu, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mfaemu: %s\n", err);
		emu_close(&emu);
		return EXIT_FAILURE;
	}
	printf("mfaemu listening on http://%s%s%s:%u\n",
	    strchr(emu.cfg.host, ':') ? "[" : "", emu.cfg.host,
	    strchr(emu.cfg.host, ':') ? "]" : "", http_server_port(srv));
	fflush(stdout);

	/* The main thread waits for a stop signal and tidies the store. */
	for (;;) {
		struct timespec tick = { .tv_sec = EMU_PRUNE_INTERVAL };

		sig = sigtimedwait(&stop_signals, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		emu_prune(&emu);
	}
	log_info("%s received, shutting down", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	http_server_stop(srv);
	if (emu.cfg.export_dir != NULL) {
		if (firebase_export(&emu, emu.cfg.export_dir, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "mfaemu: export failed: %s\n", err);
			emu_close(&emu);
			return EXIT_FAILURE;
		}
		log_info("exported users to %s", emu.cfg.export_dir);
	}
	emu_close(&emu);
	return EXIT_SUCCESS;
}
