/*
 * The token signer's public keys at Google's paths, so standard verifiers
 * (firebase-admin, jose, google-auth) work when pointed here:
 *   GET /service_accounts/v1/jwk/securetoken@system.gserviceaccount.com
 *   GET /robot/v1/metadata/x509/securetoken@system.gserviceaccount.com
 * Two paths, one resource: the same keys as a JWKS or as x509
 * certificates, rendered together (emu_key_doc) and served alike, so
 * they share this file.
 */
#include <stdbool.h>
#include <string.h>

#include "emu.h"
#include "handlers/handlers.h"
#include "http_server.h"
#include "reply.h"

static void
send_doc(struct request *req, bool x509)
{
	const char *doc = emu_key_doc(req->emu, x509, req->pretty);

	if (doc == NULL) {
		reply_error(req, ERR_INTERNAL_ERROR, "no signing key");
		return;
	}
	/* Verifiers cache by max-age, as they do with Google's answer. */
	reply_add_header(req, "Cache-Control", "public, max-age=3600");
	reply_raw(req, 200, "application/json; charset=UTF-8", doc,
	    strlen(doc));
}

void
keys_jwks(struct request *req)
{
	send_doc(req, false);
}

void
keys_x509(struct request *req)
{
	send_doc(req, true);
}
