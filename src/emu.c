#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "emu.h"
#include "file.h"
#include "log.h"
#include "reply.h"
#include "store.h"
#include "tokens.h"

/* A PEM key is a few KiB; anything near this is not a key. */
#define EMU_KEY_FILE_MAX (64u << 20)

static int
render(struct json_object *doc, char **pretty, char **compact)
{
	if (doc == NULL)
		return -1;
	*pretty = reply_pretty_text(doc, NULL);
	*compact = strdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return *pretty && *compact ? 0 : -1;
}

/* With the key made: render its documents and wake any waiters. */
static void
key_publish(struct emu *emu, struct tokens_key *key)
{
	const struct tokens_key *keys[1] = { key };
	char *jp = NULL, *jc = NULL, *xp = NULL, *xc = NULL;

	if (key != NULL && (render(tokens_jwks(keys, 1), &jp, &jc) ||
	    render(tokens_x509(keys, 1, clock_now_s(&emu->clock) - 86400),
	    &xp, &xc))) {
		log_error("cannot render the public keys");
		tokens_key_free(key);
		key = NULL;
	}
	pthread_mutex_lock(&emu->key_lock);
	emu->key = key;
	emu->jwks_pretty = jp;
	emu->jwks_compact = jc;
	emu->x509_pretty = xp;
	emu->x509_compact = xc;
	emu->key_done = true;
	pthread_cond_broadcast(&emu->key_cond);
	pthread_mutex_unlock(&emu->key_lock);
}

/* Make a new key and keep it in the store, so tokens outlive restarts. */
static void *
key_generate_thread(void *arg)
{
	struct emu *emu = arg;
	struct tokens_key *key = tokens_key_generate();
	char *pem = key ? tokens_key_private_pem(key) : NULL;
	int stored = -1;

	if (pem != NULL && store_begin(emu->store) == 0) {
		if (store_signing_key_put(emu->store, tokens_key_kid(key), pem,
		    clock_now_ms(&emu->clock)) == STORE_OK)
			stored = store_commit(emu->store);
		else
			store_rollback(emu->store);
	}
	if (pem != NULL) {
		OPENSSL_cleanse(pem, strlen(pem));
		free(pem);
	}
	if (key == NULL)
		log_error("cannot generate a signing key");
	else if (stored != 0)
		log_warn("the new signing key could not be stored (%s); tokens "
		    "will not verify after a restart",
		    store_errmsg(emu->store));
	key_publish(emu, key);
	return NULL;
}

/*
 * The key in `pem` (consumed: wiped and freed), published; 0, or -1 with
 * the reason in `reason`.
 */
static int
key_from_pem(struct emu *emu, char *pem, size_t len, char *reason,
    size_t reasonlen)
{
	struct tokens_key *key;

	key = tokens_key_from_pem(pem, len, reason, reasonlen);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (key == NULL)
		return -1;
	key_publish(emu, key);
	return 0;
}

/* The key kept in the store, else a new one made on a thread. */
static int
load_stored_key(struct emu *emu, char *err, size_t errlen)
{
	char reason[512];
	char *pem = NULL;
	int r;

	if (store_begin(emu->store) != 0) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	r = store_signing_key_get(emu->store, &pem);
	store_rollback(emu->store);
	if (r == STORE_OK) {
		if (key_from_pem(emu, pem, strlen(pem), reason,
		    sizeof(reason)) != 0) {
			snprintf(err, errlen, "the signing key in the store is "
			    "unusable: %s", reason);
			return -1;
		}
		return 0;
	}
	if (r != STORE_NOT_FOUND) {
		snprintf(err, errlen, "store: %s", store_errmsg(emu->store));
		return -1;
	}
	if (pthread_create(&emu->key_thread, NULL, key_generate_thread,
	    emu) != 0) {
		snprintf(err, errlen, "cannot start the key generator");
		return -1;
	}
	emu->key_thread_running = true;
	return 0;
}

/*
 * The key from --signing-key, else the one kept in the store, else a new
 * one made on a thread (see struct emu).
 */
static int
load_key(struct emu *emu, char *err, size_t errlen)
{
	char reason[512];
	char *pem;
	size_t len;

	if (emu->cfg.signing_key_pem != NULL) {
		/* The PEM text itself: say which setting, never quote it. */
		pem = emu->cfg.signing_key_pem;
		emu->cfg.signing_key_pem = NULL;
		if (key_from_pem(emu, pem, strlen(pem), reason,
		    sizeof(reason)) != 0) {
			snprintf(err, errlen, "--signing-key "
			    "(MFAEMU_SIGNING_KEY) PEM text: %s", reason);
			return -1;
		}
		return 0;
	}
	if (emu->cfg.signing_key_path == NULL)
		return load_stored_key(emu, err, errlen);
	if ((pem = file_read_all(emu->cfg.signing_key_path, EMU_KEY_FILE_MAX,
	    &len, reason, sizeof(reason))) == NULL) {
		snprintf(err, errlen, "--signing-key %s", reason);
		return -1;
	}
	if (key_from_pem(emu, pem, len, reason, sizeof(reason)) != 0) {
		snprintf(err, errlen, "--signing-key %s: %s",
		    emu->cfg.signing_key_path, reason);
		return -1;
	}
	return 0;
}

const struct tokens_key *
emu_key(struct emu *emu)
{
	const struct tokens_key *key;

	pthread_mutex_lock(&emu->key_lock);
	while (!emu->key_done)
		pthread_cond_wait(&emu->key_cond, &emu->key_lock);
	key = emu->key;
	pthread_mutex_unlock(&emu->key_lock);
	return key;
}

const char *
emu_key_doc(struct emu *emu, bool x509, bool pretty)
{
	if (emu_key(emu) == NULL)
		return NULL;
	if (x509)
		return pretty ? emu->x509_pretty : emu->x509_compact;
	return pretty ? emu->jwks_pretty : emu->jwks_compact;
}

int
emu_open(struct emu *emu, struct config *cfg, char *err, size_t errlen)
{
	memset(emu, 0, sizeof(*emu));
	emu->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	clock_init(&emu->clock);
	faults_init(&emu->faults);
	pthread_mutex_init(&emu->key_lock, NULL);
	pthread_cond_init(&emu->key_cond, NULL);
	emu->started_at_ms = clock_now_ms(&emu->clock);
	if (events_init(&emu->events) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}

	/* --check writes nothing: it works on a copy of the store. */
	emu->store = emu->cfg.check_only ? store_open_copy(emu->cfg.db_path,
	    err, errlen) : store_open(emu->cfg.db_path, err, errlen);
	if (emu->store == NULL)
		return -1;
	if (load_key(emu, err, errlen))
		return -1;
	return 0;
}

void
emu_close(struct emu *emu)
{
	if (emu->key_thread_running)
		pthread_join(emu->key_thread, NULL);
	store_close(emu->store);
	tokens_key_free(emu->key);
	free(emu->jwks_pretty);
	free(emu->jwks_compact);
	free(emu->x509_pretty);
	free(emu->x509_compact);
	config_free(&emu->cfg);
	events_destroy(&emu->events);
	faults_destroy(&emu->faults);
	pthread_mutex_destroy(&emu->key_lock);
	pthread_cond_destroy(&emu->key_cond);
	memset(emu, 0, sizeof(*emu));
}

/* Rows of each kind one pruning transaction removes at most. */
#define PRUNE_BATCH 100

void
emu_prune(struct emu *emu)
{
	int64_t grace = (int64_t)emu->cfg.sms_code_ttl * 1000;
	int64_t removed, total = 0;
	bool more = true;

	/*
	 * Small transactions, with a pause between them so that waiting
	 * requests take the lock: a backlog of expired rows costs many short
	 * holds instead of one long stall.
	 */
	while (more) {
		if (store_begin(emu->store) != 0)
			return;
		removed = store_prune(emu->store, clock_now_ms(&emu->clock),
		    grace, PRUNE_BATCH, &more);
		if (removed < 0) {
			log_warn("pruning the store failed: %s",
			    store_errmsg(emu->store));
			store_rollback(emu->store);
			return;
		}
		if (store_commit(emu->store) != 0) {
			log_warn("pruning the store failed: %s",
			    store_errmsg(emu->store));
			return;
		}
		total += removed;
		if (more)
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 },
			    NULL);
	}
	if (total > 0)
		log_debug("pruned %lld expired rows", (long long)total);
}
