/* Custom tokens: decoding, and RS256 checked against a configured key. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "custom_token.h"
#include "reqparse.h"

/* The first RSA key of the PEM text: public, in a certificate, private. */
static EVP_PKEY *
load_key(const char *pem)
{
	EVP_PKEY *pkey = NULL;
	size_t len = strlen(pem);
	BIO *bio;
	X509 *cert;

	if (len > INT_MAX)
		return NULL;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) != NULL)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pkey == NULL && bio != NULL && BIO_reset(bio) == 1 &&
	    (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		pkey = X509_get_pubkey(cert);
		X509_free(cert);
	}
	/* An empty passphrase: an encrypted key fails instead of asking. */
	if (pkey == NULL && bio != NULL && BIO_reset(bio) == 1)
		pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	BIO_free(bio);
	ERR_clear_error();
	if (pkey != NULL && !EVP_PKEY_is_a(pkey, "RSA")) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

int
custom_token_key_check(const char *pem, char *err, size_t errlen)
{
	EVP_PKEY *pkey = load_key(pem);

	if (pkey == NULL) {
		snprintf(err, errlen, "not a PEM RSA public key, certificate "
		    "or unencrypted private key");
		return -1;
	}
	EVP_PKEY_free(pkey);
	return 0;
}

/* Base64url segment [s, s+n) as JSON (new object) or NULL. */
static struct json_object *
segment_json(const char *s, size_t n)
{
	struct json_object *o;
	char reason[128];
	size_t len;
	uint8_t *raw = b64url_decode(s, n, &len);

	if (raw == NULL)
		return NULL;
	o = reqparse_json((const char *)raw, len, reason, sizeof(reason));
	free(raw);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* 1 when the signature segment verifies RS256 over [jwt, dot2). */
static int
rs256_ok(const char *key_pem, const char *jwt, const char *dot2)
{
	EVP_PKEY *pkey = load_key(key_pem);
	EVP_MD_CTX *ctx = NULL;
	uint8_t *sig;
	size_t siglen;
	int ok = 0;

	sig = b64url_decode(dot2 + 1, strlen(dot2 + 1), &siglen);
	if (pkey != NULL && sig != NULL && (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1)
		ok = EVP_DigestVerify(ctx, sig, siglen,
		    (const unsigned char *)jwt, (size_t)(dot2 - jwt)) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	free(sig);
	ERR_clear_error();
	return ok;
}

static const char *
header_alg(struct json_object *hdr)
{
	struct json_object *v;

	if (!json_object_object_get_ex(hdr, "alg", &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

struct json_object *
custom_token_read(const char *token, const char *key_pem, bool *is_signed,
    char *why, size_t whylen)
{
	struct json_object *hdr, *payload = NULL;
	const char *dot1, *dot2, *alg;
	char reason[128];

	*is_signed = false;
	if (*token == '{') {
		payload = reqparse_json(token, strlen(token), reason,
		    sizeof(reason));
		if (payload == NULL || !json_object_is_type(payload,
		    json_type_object)) {
			json_object_put(payload);
			snprintf(why, whylen, "Invalid assertion format");
			return NULL;
		}
		return payload;
	}
	if ((dot1 = strchr(token, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL || strchr(dot2 + 1, '.') ||
	    (hdr = segment_json(token, (size_t)(dot1 - token))) == NULL) {
		snprintf(why, whylen, "Invalid assertion format");
		return NULL;
	}
	alg = header_alg(hdr);
	if (strcmp(alg, "none") == 0 && dot2[1] != '\0')
		snprintf(why, whylen, "an unsigned (alg none) token must have "
		    "an empty signature");
	else if (strcmp(alg, "RS256") == 0 && key_pem == NULL)
		snprintf(why, whylen, "RS256 custom tokens need the daemon "
		    "started with --custom-token-key");
	else if (strcmp(alg, "RS256") == 0 && !rs256_ok(key_pem, token, dot2))
		snprintf(why, whylen, "the signature does not verify against "
		    "--custom-token-key");
	else if (strcmp(alg, "none") != 0 && strcmp(alg, "RS256") != 0)
		snprintf(why, whylen, "alg must be RS256 or none");
	else if ((payload = segment_json(dot1 + 1,
	    (size_t)(dot2 - dot1 - 1))) == NULL)
		snprintf(why, whylen, "Invalid assertion format");
	else
		*is_signed = strcmp(alg, "RS256") == 0;
	json_object_put(hdr);
	return payload;
}
