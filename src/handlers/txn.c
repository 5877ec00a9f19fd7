#include <stdarg.h>

#include <json-c/json.h>

#include "emu.h"
#include "handlers/txn.h"
#include "http_server.h"
#include "reply.h"
#include "store.h"

void
txn_unavailable(struct request *req)
{
	reply_error(req, ERR_SERVICE_UNAVAILABLE, "store: %s",
	    store_errmsg(req->emu->store));
}

int
txn_begin_or_reply(struct request *req)
{
	if (store_begin(req->emu->store) == 0)
		return 0;
	txn_unavailable(req);
	return -1;
}

int
txn_begin_at_or_reply(struct request *req, int64_t *now)
{
	if (txn_begin_or_reply(req) != 0)
		return -1;
	*now = clock_now_ms(&req->emu->clock);
	return 0;
}

int
txn_commit_or_reply(struct request *req)
{
	if (store_commit(req->emu->store) == 0)
		return 0;
	txn_unavailable(req);
	return -1;
}

void
txn_fail(struct request *req)
{
	store_rollback(req->emu->store);
	txn_unavailable(req);
}

void
txn_commit_reply_json(struct request *req, struct json_object *body)
{
	if (body == NULL) {
		txn_fail(req);
		return;
	}
	if (txn_commit_or_reply(req) != 0) {
		json_object_put(body);
		return;
	}
	reply_json(req, 200, body);
}

int
txn_check_or_reply(struct request *req, int store_result)
{
	if (store_result == STORE_OK || store_result == STORE_NOT_FOUND ||
	    store_result == STORE_EXISTS)
		return 0;
	txn_fail(req);
	return -1;
}

int
txn_refuse(struct request *req, bool keep, enum err_code code,
    const char *fmt, ...)
{
	va_list ap;

	if (keep) {
		if (txn_commit_or_reply(req) != 0)
			return -1;
	} else {
		store_rollback(req->emu->store);
	}
	va_start(ap, fmt);
	reply_verror(req, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
txn_write_or_reply(struct request *req,
    int (*step)(struct request *req, void *arg), void *arg)
{
	int r;

	if (txn_begin_or_reply(req) != 0)
		return -1;
	r = step(req, arg);
	if (r == TXN_REPLIED)
		return -1;
	if (r != STORE_OK) {
		txn_fail(req);
		return -1;
	}
	return txn_commit_or_reply(req);
}
