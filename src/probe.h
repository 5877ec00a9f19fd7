/*
 * The health probe: `mfaemu --probe` asks a running daemon (at the
 * configured host and port) for GET / and exits 0 when it answers 200.
 * Container health checks use it, so images need no curl.
 */
#ifndef MFAEMU_PROBE_H
#define MFAEMU_PROBE_H

/* Returns 0 when the daemon answered 200 within two seconds, else 1. */
int probe_run(const char *host, unsigned port);

#endif
