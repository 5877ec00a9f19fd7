/*
 * The health probe: `mfaemu --probe` asks what answers at the configured
 * host and port for GET / (plain sockets, two seconds in all) and exits 0
 * only when it is mfaemu and ready, printing "mfaemu VERSION ready at URL
 * (project P)". Otherwise it says on stderr what it found: nothing
 * listening, no reply in time, the Firebase Auth Emulator, or another
 * HTTP server (its status line, Server header and first bytes). Container
 * health checks use it, so images need no curl.
 */
#ifndef MFAEMU_PROBE_H
#define MFAEMU_PROBE_H

/* 0 when mfaemu answered ready, else 1. */
int probe_run(const char *host, unsigned port);

#endif
