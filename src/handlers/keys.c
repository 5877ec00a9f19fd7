/*
 * The token signer's public keys at Google's paths, so standard verifiers
 * (firebase-admin, jose, google-auth) work when pointed here.
 */
#include <string.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"

static void
send_doc(struct request *req, const char *pretty, const char *compact)
{
	const char *doc = req->pretty ? pretty : compact;

	/* Verifiers cache by max-age, as they do with Google's answer. */
	reply_add_header(req, "Cache-Control", "public, max-age=3600");
	reply_raw(req, 200, "application/json; charset=UTF-8", doc,
	    strlen(doc));
}

void
keys_jwks(struct request *req)
{
	send_doc(req, req->emu->jwks_pretty, req->emu->jwks_compact);
}

void
keys_x509(struct request *req)
{
	send_doc(req, req->emu->x509_pretty, req->emu->x509_compact);
}
