/*
 * Store transactions in handlers. A store failure is the server's
 * problem: it becomes a 503 whose reason goes to the log, never the body.
 */
#ifndef MFAEMU_HANDLERS_TXN_H
#define MFAEMU_HANDLERS_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

struct json_object;
struct request;

/* store_begin(); on failure reply 503 and return -1. */
int txn_begin_or_reply(struct request *req);

/*
 * txn_begin_or_reply(), then the emulator clock into *now: the time every
 * check in the transaction uses, read under the store lock so that
 * requests that write see the clock in the order they commit.
 */
int txn_begin_at_or_reply(struct request *req, int64_t *now);

/* store_commit() (the store is released either way); 503 on failure. */
int txn_commit_or_reply(struct request *req);

/* Roll the open transaction back and reply 503. */
void txn_fail(struct request *req);

/*
 * The end of a handler that writes: commit, then reply 200 with `body`
 * (consumed either way). NULL, a store error while building the body,
 * rolls back and replies 503 instead; so does a failed commit.
 */
void txn_commit_reply_json(struct request *req, struct json_object *body);

/* Reply 503 for a store error after the store was released. */
void txn_unavailable(struct request *req);

/*
 * The one rule for a store result inside the transaction: STORE_ERROR is
 * the server's problem, so roll back, reply 503 and return -1. Any other
 * result (found, not found, taken) is the handler's to judge: return 0.
 * No store failure becomes a 500, a 400 or a success.
 */
int txn_check_or_reply(struct request *req, int store_result);

/*
 * End the transaction and reply with an error: `keep` commits what the
 * transaction recorded of the failure (a wrong code's attempt) instead of
 * rolling back; a failed commit replies 503 instead. `fmt` (printf-style,
 * may be NULL) is the detail. Returns -1, for *_or_reply helpers.
 */
int txn_refuse(struct request *req, bool keep, enum err_code code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * What a txn_write_or_reply step returns when it has ended the
 * transaction and replied itself (a 4xx). Apart from every store result.
 */
#define TXN_REPLIED (-100)

/*
 * A handler's writes in one transaction: begin, run `step`, commit.
 * `step` returns a store result (STORE_OK commits; any other rolls back
 * and replies 503) or TXN_REPLIED. Returns 0 once committed, the reply
 * being the caller's; -1 once replied.
 */
int txn_write_or_reply(struct request *req,
    int (*step)(struct request *req, void *arg), void *arg);

#endif
