/*
 * struct emu: the one context every handler receives. Set up before the
 * HTTP server starts; afterwards its fields are read-only, except the clock
 * (atomic), the store (own locking) and the atomic counters.
 */
#ifndef MFAEMU_EMU_H
#define MFAEMU_EMU_H

#include <stdatomic.h>
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
	struct tokens_key *key;

	/* The public key documents, rendered once (they never change). */
	char *jwks_pretty, *jwks_compact;
	char *x509_pretty, *x509_compact;

	struct events events;
	struct faults faults;

	int64_t started_at_ms;
	_Atomic uint64_t requests;
	_Atomic uint64_t sms_sent;
};

/*
 * Open the store, load or create the signing key, load fixtures. Takes
 * ownership of *cfg (the caller's copy is cleared). On failure returns -1
 * with one clear line in err.
 */
int emu_open(struct emu *emu, struct config *cfg, char *err, size_t errlen);
void emu_close(struct emu *emu);

/* Seconds between two runs of emu_prune() in the daemon. */
#define EMU_PRUNE_INTERVAL 10

/*
 * Delete what can no longer be used (expired sessions, credentials, outbox
 * entries past the code lifetime), so a long-running daemon stays small.
 */
void emu_prune(struct emu *emu);

#endif
