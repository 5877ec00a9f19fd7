/*
 * JWT and key parsing. The first byte picks the mode (ASCII '0'..'3' in
 * the seeds); the rest is its input:
 *   0  tokens_verify_jwt of the text against the fixed key
 *   1  "HEADER\nPAYLOAD": both base64url-encoded and signed with the
 *      fixed key ("{{kid}}" in the header becomes its kid), so the checks
 *      after the signature are reached; then tokens_verify_jwt
 *   2  a JSON object of claims: tokens_sign_jwt, then tokens_verify_jwt
 *      must give the same claims back
 *   3  tokens_key_from_pem of the bytes; a key it accepts must sign tokens
 *      that verify
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "b64url.h"
#include "fuzz_common.h"
#include "tokens.h"

static struct tokens_key *key;
static EVP_PKEY *pkey;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_tokens: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[128];
	BIO *bio;

	fuzz_quiet();
	key = tokens_key_from_pem(fuzz_key_pem, strlen(fuzz_key_pem), err,
	    sizeof(err));
	bio = BIO_new_mem_buf(fuzz_key_pem, -1);
	pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL || pkey == NULL)
		fail("the fixed key does not load");
	return 0;
}

static char *
b64(const uint8_t *in, size_t n)
{
	size_t cap = (n + 2) / 3 * 4 + 1;
	char *out = malloc(cap);

	if (out == NULL || b64url_encode(in, n, out, cap) < 0)
		fail("b64url_encode");
	return out;
}

/* "{{kid}}" in the header text becomes the key's kid. */
static char *
with_kid(const char *s, size_t n, size_t *outlen)
{
	const char *kid = tokens_key_kid(key);
	char *out = malloc(n * 6 + 1);
	size_t o = 0;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < n;) {
		if (n - i >= 7 && memcmp(s + i, "{{kid}}", 7) == 0) {
			memcpy(out + o, kid, strlen(kid));
			o += strlen(kid);
			i += 7;
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static void
signed_mode(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen, plen, siglen = 0;
	char *hdr, *h64, *p64, *input, *s64, *jwt;
	uint8_t sig[512];
	struct json_object *out;
	EVP_MD_CTX *ctx;

	if (nl == NULL)
		return;
	hdr = with_kid((const char *)data, (size_t)(nl - data), &hlen);
	plen = size - (size_t)(nl - data) - 1;
	h64 = b64((const uint8_t *)hdr, hlen);
	p64 = b64(nl + 1, plen);
	input = malloc(strlen(h64) + strlen(p64) + 2);
	if (input == NULL)
		abort();
	sprintf(input, "%s.%s", h64, p64);
	siglen = sizeof(sig);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const uint8_t *)input,
	    strlen(input)) != 1)
		fail("signing");
	EVP_MD_CTX_free(ctx);
	s64 = b64(sig, siglen);
	jwt = malloc(strlen(input) + strlen(s64) + 2);
	if (jwt == NULL)
		abort();
	sprintf(jwt, "%s.%s", input, s64);
	out = tokens_verify_jwt(key, jwt);
	/* Accepted: the header must have said RS256 and our kid. */
	if (out != NULL && (strstr(hdr, "RS256") == NULL ||
	    strstr(hdr, tokens_key_kid(key)) == NULL))
		fail("accepted a header without RS256 and the kid");
	if (out != NULL && !json_object_is_type(out, json_type_object))
		fail("payload is not an object");
	json_object_put(out);
	free(hdr);
	free(h64);
	free(p64);
	free(input);
	free(s64);
	free(jwt);
}

static void
round_trip_mode(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *claims, *out;
	char *jwt;

	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	claims = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (claims == NULL || !json_object_is_type(claims, json_type_object)) {
		json_object_put(claims);
		return;
	}
	jwt = tokens_sign_jwt(key, claims);
	if (jwt == NULL)
		fail("tokens_sign_jwt failed on an object");
	out = tokens_verify_jwt(key, jwt);
	if (out == NULL) {
		fprintf(stderr, "claims: %s\n", json_object_to_json_string(
		    claims));
		fail("a token we signed does not verify");
	}
	if (!json_object_equal(out, claims)) {
		fprintf(stderr, "claims: %s\nback: %s\n",
		    json_object_to_json_string(claims),
		    json_object_to_json_string(out));
		fail("verify(sign(claims)) != claims");
	}
	json_object_put(out);
	json_object_put(claims);
	free(jwt);
}

static void
pem_mode(const uint8_t *data, size_t size)
{
	char err[128];
	struct tokens_key *k;
	struct json_object *claims, *out = NULL;
	char *jwt;

	err[0] = '\0';
	k = tokens_key_from_pem((const char *)data, size, err, sizeof(err));
	if (k == NULL) {
		if (err[0] == '\0')
			fail("from_pem failed without a reason");
		return;
	}
	claims = json_object_new_object();
	json_object_object_add(claims, "sub", json_object_new_string("u"));
	if ((jwt = tokens_sign_jwt(k, claims)) == NULL ||
	    (out = tokens_verify_jwt(k, jwt)) == NULL)
		fail("an accepted key does not sign and verify");
	json_object_put(out);
	json_object_put(claims);
	free(jwt);
	tokens_key_free(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	struct json_object *out;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		s = fuzz_strndup(data + 1, size - 1);
		out = tokens_verify_jwt(key, s);
		if (out != NULL && !json_object_is_type(out, json_type_object))
			fail("payload is not an object");
		json_object_put(out);
		free(s);
		break;
	case 1:
		signed_mode(data + 1, size - 1);
		break;
	case 2:
		round_trip_mode(data + 1, size - 1);
		break;
	default:
		pem_mode(data + 1, size - 1);
		break;
	}
	return 0;
}
