/*
 * Store transactions in handlers. A store failure is the server's
 * problem: it becomes a 503 whose reason goes to the log, never the body.
 */
#ifndef MFAEMU_HANDLERS_TXN_H
#define MFAEMU_HANDLERS_TXN_H

struct request;

/* store_begin(); on failure reply 503 and return -1. */
int txn_begin_or_reply(struct request *req);

/* store_commit() (the store is released either way); 503 on failure. */
int txn_commit_or_reply(struct request *req);

/* Roll the open transaction back and reply 503. */
void txn_fail(struct request *req);

/* Reply 503 for a store error after the store was released. */
void txn_unavailable(struct request *req);

/*
 * The one rule for a store result inside the transaction: STORE_ERROR is
 * the server's problem, so roll back, reply 503 and return -1. Any other
 * result (found, not found, taken) is the handler's to judge: return 0.
 * No store failure becomes a 500, a 400 or a success.
 */
int txn_check_or_reply(struct request *req, int store_result);

#endif
