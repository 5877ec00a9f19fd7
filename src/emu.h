/*
 * struct emu: the one context every handler receives. Set up before the
 * HTTP server starts; afterwards its fields are read-only, except the clock
 * (atomic) and the store (own locking).
 */
#ifndef MFAEMU_EMU_H
#define MFAEMU_EMU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "events.h"
#include "faults.h"

struct store;
struct tokens_key;

struct emu {
	struct config cfg;	/* owned */
	struct store *store;
	struct clock clock;
	/*
	 * The signing key and its public documents (rendered once). A new
	 * key takes some 100 ms to make, so a fresh in-memory store makes it
	 * on a thread while the daemon starts serving; emu_key() waits for
	 * it. Set once, read-only afterwards.
	 */
	pthread_mutex_t key_lock;
	pthread_cond_t key_cond;
	pthread_t key_thread;
	bool key_thread_running;
	bool key_done;		/* key (or its failure) is final */
	struct tokens_key *key;
	char *jwks_pretty, *jwks_compact;
	char *x509_pretty, *x509_compact;

	struct events events;
	struct faults faults;

	int64_t started_at_ms;
};

/*
 * Open the store, load or create the signing key. Takes ownership of *cfg
 * (the caller's copy is cleared). On failure returns -1 with one clear
 * line in err. Fixtures and imports are loaded by the caller, above: the
 * loaders take a struct emu.
 */
int emu_open(struct emu *emu, struct config *cfg, char *err, size_t errlen);
void emu_close(struct emu *emu);

/*
 * The signing key, waiting for it if it is still being made; NULL only
 * if making it failed (then every signing request answers 500).
 */
const struct tokens_key *emu_key(struct emu *emu);

/* The JWKS or x509 document, pretty or compact; NULL as for emu_key. */
const char *emu_key_doc(struct emu *emu, bool x509, bool pretty);

/* Seconds between two runs of emu_prune() in the daemon. */
#define EMU_PRUNE_INTERVAL 1

/*
 * Delete what can no longer be used (expired sessions, credentials, outbox
 * entries past the code lifetime), so a long-running daemon stays small.
 */
void emu_prune(struct emu *emu);

#endif
