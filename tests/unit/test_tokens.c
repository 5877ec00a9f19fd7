/*
 * tokens: RS256 JWTs, JWKS, x509 map, random tokens.
 * Where it matters the tests check results with plain OpenSSL rather than
 * with tokens.c itself, so a bug shared by signer and verifier still shows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <json.h>

#include "b64url.h"
#include "tokens.h"
#include "unit.h"

#define NOT_BEFORE	1700000000	/* 2023-11-14T22:13:20Z */

/* Made once per test case in the parent, so forked tests share them. */
static struct tokens_key *key_a, *key_b;

static void
keys_setup(void)
{
	key_a = tokens_key_generate();
	key_b = tokens_key_generate();
	ck_assert_ptr_nonnull(key_a);
	ck_assert_ptr_nonnull(key_b);
}

static void
keys_teardown(void)
{
	tokens_key_free(key_a);
	tokens_key_free(key_b);
	key_a = key_b = NULL;
}

/* Lenient decoder for the tests' own use; malloc'd, caller frees. */
static uint8_t *
b64url_dec(const char *in, size_t n, size_t *outlen)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t *out = malloc(n + 1);
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	const char *p;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < n; i++) {
		p = memchr(alpha, in[i], 64);
		ck_assert_msg(p != NULL && in[i] != '\0', "bad char %c", in[i]);
		acc = (acc << 6 | (uint32_t)(p - alpha)) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Encode for the tests; malloc'd, caller frees. */
static char *
b64url_enc(const void *in, size_t n)
{
	size_t cap = n / 3 * 4 + 5;
	char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_ge(b64url_encode(in, n, out, cap), 0);
	return out;
}

static int
is_b64url(const char *s)
{
	return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_")] == '\0';
}

/* The key's EVP_PKEY, read back from its PEM; caller frees. */
static EVP_PKEY *
pkey_of(const struct tokens_key *key)
{
	char *pem = tokens_key_private_pem(key);
	EVP_PKEY *pkey;
	BIO *bio;

	ck_assert_ptr_nonnull(pem);
	bio = BIO_new_mem_buf(pem, -1);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(pkey);
	BIO_free(bio);
	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	return pkey;
}

static int
rs256_check(EVP_PKEY *pkey, const char *msg, size_t len, const uint8_t *sig,
    size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok;

	ck_assert_int_eq(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
	    pkey), 1);
	ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
	    len);
	EVP_MD_CTX_free(md);
	return ok == 1;
}

/*
 * A correctly RS256-signed token with any header and payload bytes, so a
 * test can make exactly one thing wrong. Malloc'd, caller frees.
 */
static char *
sign_raw(EVP_PKEY *pkey, const char *hdr, const char *payload, size_t plen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char *h = b64url_enc(hdr, strlen(hdr));
	char *p = b64url_enc(payload, plen);
	char *s, *input, *jwt;
	uint8_t sig[1024];
	size_t siglen = sizeof(sig);

	ck_assert_int_gt(asprintf(&input, "%s.%s", h, p), 0);
	ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
	    pkey), 1);
	ck_assert_int_eq(EVP_DigestSign(md, sig, &siglen,
	    (const unsigned char *)input, strlen(input)), 1);
	s = b64url_enc(sig, siglen);
	ck_assert_int_gt(asprintf(&jwt, "%s.%s", input, s), 0);
	EVP_MD_CTX_free(md);
	free(h);
	free(p);
	free(s);
	free(input);
	return jwt;
}

static char *
header_for(const char *alg, const char *kid)
{
	char *hdr;

	ck_assert_int_gt(asprintf(&hdr,
	    "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", alg, kid), 0);
	return hdr;
}

/* Claims shaped like a Firebase ID token; caller owns. */
static struct json_object *
sample_claims(void)
{
	struct json_object *c = json_tokener_parse(
	    "{\"iss\":\"https://securetoken.google.com/demo-mfa\","
	    "\"aud\":\"demo-mfa\",\"auth_time\":1700000000,"
	    "\"user_id\":\"u1\",\"sub\":\"u1\",\"iat\":1700000000,"
	    "\"exp\":1700003600,\"email\":\"zo\u00eb@example.com\","
	    "\"firebase\":{\"identities\":"
	    "{\"email\":[\"zo\u00eb@example.com\"]},"
	    "\"sign_in_provider\":\"password\","
	    "\"sign_in_second_factor\":\"phone\","
	    "\"second_factor_identifier\":\"a/b+c\"}}");

	ck_assert_ptr_nonnull(c);
	return c;
}

/* A token from key_a over sample_claims(); malloc'd, caller frees. */
static char *
sample_jwt(void)
{
	struct json_object *claims = sample_claims();
	char *jwt = tokens_sign_jwt(key_a, claims);

	ck_assert_ptr_nonnull(jwt);
	json_object_put(claims);
	return jwt;
}

static void
assert_rejected(const char *jwt)
{
	struct json_object *payload = tokens_verify_jwt(key_a, jwt);

	ck_assert_msg(payload == NULL, "accepted: %s", jwt);
}

START_TEST(tokens_sign_verify_round_trip)
{
	struct json_object *claims = sample_claims(), *payload;
	char *jwt = tokens_sign_jwt(key_a, claims);

	ck_assert_ptr_nonnull(jwt);
	payload = tokens_verify_jwt(key_a, jwt);
	ck_assert_ptr_nonnull(payload);
	ck_assert_msg(json_object_equal(claims, payload),
	    "payload changed: %s", json_object_to_json_string(payload));
	json_object_put(payload);
	json_object_put(claims);
	free(jwt);
}
END_TEST

START_TEST(tokens_sign_compact_header_and_payload)
{
	char *jwt = sample_jwt(), *want;
	const char *dot1 = strchr(jwt, '.'), *dot2;
	uint8_t *hdr, *payload;
	size_t hlen, plen;

	ck_assert_ptr_nonnull(dot1);
	dot2 = strchr(dot1 + 1, '.');
	ck_assert_ptr_nonnull(dot2);
	ck_assert_ptr_null(strchr(dot2 + 1, '.'));
	ck_assert(is_b64url(dot2 + 1));
	ck_assert_ptr_null(strchr(jwt, '='));
	/* 2048-bit signature: 256 bytes, 342 characters. */
	ck_assert_uint_eq(strlen(dot2 + 1), 342);

	hdr = b64url_dec(jwt, (size_t)(dot1 - jwt), &hlen);
	want = header_for("RS256", tokens_key_kid(key_a));
	ck_assert_str_eq((char *)hdr, want);
	payload = b64url_dec(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen);
	/* No escaped slashes, as Google's own tokens. */
	ck_assert_ptr_null(strstr((char *)payload, "\\/"));
	ck_assert_ptr_nonnull(strstr((char *)payload,
	    "\"iss\":\"https://securetoken.google.com/demo-mfa\""));
	ck_assert_ptr_null(strchr((char *)payload, ' '));
	free(want);
	free(hdr);
	free(payload);
	free(jwt);
}
END_TEST

START_TEST(tokens_sign_rejects_non_object)
{
	struct json_object *arr = json_object_new_array();

	ck_assert_ptr_null(tokens_sign_jwt(key_a, arr));
	ck_assert_ptr_null(tokens_sign_jwt(key_a, NULL));
	json_object_put(arr);
}
END_TEST

START_TEST(tokens_verify_any_changed_char_fails)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char *jwt = sample_jwt();
	struct json_object *payload;
	size_t len = strlen(jwt), idx;

	/* Every position, header, payload and signature alike. */
	for (size_t i = 0; i < len; i++) {
		char saved = jwt[i];

		if (saved == '.')
			continue;
		/*
		 * The least change: the lowest bit of the 6-bit value, which
		 * in a segment's last character may be a spare bit.
		 */
		idx = (size_t)(strchr(alpha, saved) - alpha);
		jwt[i] = alpha[idx ^ 1];
		assert_rejected(jwt);
		/* And a far one. */
		jwt[i] = alpha[idx ^ 0x20];
		assert_rejected(jwt);
		jwt[i] = saved;
	}
	/* Control: restored, it verifies again. */
	ck_assert_ptr_nonnull(payload = tokens_verify_jwt(key_a, jwt));
	json_object_put(payload);
	free(jwt);
}
END_TEST

START_TEST(tokens_verify_truncated_or_extended_fails)
{
	char *jwt = sample_jwt(), *s;
	size_t len = strlen(jwt);

	ck_assert_ptr_nonnull(s = malloc(len + 3));
	memcpy(s, jwt, len + 1);
	s[len - 1] = '\0';
	assert_rejected(s);
	*strrchr(s, '.') = '\0';
	assert_rejected(s);
	snprintf(s, len + 3, "%s.", jwt);
	assert_rejected(s);
	snprintf(s, len + 3, "%sA", jwt);
	assert_rejected(s);
	snprintf(s, len + 3, "%s=", jwt);
	assert_rejected(s);
	snprintf(s, len + 3, "%s\n", jwt);
	assert_rejected(s);
	snprintf(s, len + 3, " %s", jwt);
	assert_rejected(s);
	free(s);
	free(jwt);
}
END_TEST

START_TEST(tokens_verify_wrong_kid_fails)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	const char *body = "{\"sub\":\"u1\"}";
	char *hdr, *jwt;
	struct json_object *claims = sample_claims(), *payload;

	/* Control: the hand-made token verifies when nothing is wrong. */
	hdr = header_for("RS256", tokens_key_kid(key_a));
	jwt = sign_raw(pkey, hdr, body, strlen(body));
	ck_assert_ptr_nonnull(payload = tokens_verify_jwt(key_a, jwt));
	json_object_put(payload);
	free(hdr);
	free(jwt);

	/* Right signature, kid of another key. */
	hdr = header_for("RS256", tokens_key_kid(key_b));
	jwt = sign_raw(pkey, hdr, body, strlen(body));
	assert_rejected(jwt);
	free(hdr);
	free(jwt);

	/* Signed by another key, both kid and signature wrong for key_a. */
	jwt = tokens_sign_jwt(key_b, claims);
	ck_assert_ptr_nonnull(jwt);
	assert_rejected(jwt);
	ck_assert_ptr_nonnull(payload = tokens_verify_jwt(key_b, jwt));
	json_object_put(payload);
	free(jwt);

	json_object_put(claims);
	EVP_PKEY_free(pkey);
}
END_TEST

/* Headers that must be refused even when the signature is right. */
static const char *const bad_headers[] = {
	"{\"alg\":\"none\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"alg\":\"rs256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"alg\":\"RS512\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"alg\":\"PS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"kid\":\"%s\",\"typ\":\"JWT\"}",
	"{\"alg\":null,\"kid\":\"%s\"}",
	"{\"alg\":[\"RS256\"],\"kid\":\"%s\"}",
	"{\"alg\":\"RS256\",\"kid\":\"%s\",\"crit\":[\"exp\"]}",
	"{\"alg\":\"RS256\",\"kid\":\"%s\"} ",
	"\t{\"alg\":\"RS256\",\"kid\":\"%s\"}",
	"{\"alg\":\"RS256\",\"kid\":\"%s\"}{}",
	"{'alg':'RS256','kid':'%s'}",
	"[\"RS256\",\"%s\"]",
	"{\"alg\":\"RS256\"}%.0s",
	"{\"alg\":\"RS256\",\"kid\":\"x%s\"}",
};

START_TEST(tokens_verify_bad_header_fails)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	const char *body = "{\"sub\":\"u1\"}";
	char *hdr, *jwt, *b64;

	ck_assert_int_gt(asprintf(&hdr, bad_headers[_i],
	    tokens_key_kid(key_a)), 0);
	jwt = sign_raw(pkey, hdr, body, strlen(body));
	assert_rejected(jwt);
	free(jwt);

	/* "alg":"none" tokens often come with an empty signature. */
	b64 = b64url_enc(hdr, strlen(hdr));
	ck_assert_int_gt(asprintf(&jwt, "%s.eyJzdWIiOiJ1MSJ9.", b64), 0);
	assert_rejected(jwt);
	free(jwt);
	free(b64);
	free(hdr);
	EVP_PKEY_free(pkey);
}
END_TEST

/* Payloads that are not one clean JSON object, all correctly signed. */
static const struct {
	const char	*text;
	size_t		 len;
} bad_payloads[] = {
#define BYTES(s)	{ s, sizeof(s) - 1 }
	BYTES("{\"sub\":\"u1\"} "),
	BYTES("{\"sub\":\"u1\"}\n"),
	BYTES(" {\"sub\":\"u1\"}"),
	BYTES("{\"sub\":\"u1\"}x"),
	BYTES("{\"sub\":\"u1\"}{}"),
	BYTES("{\"sub\":\"u1\"}\0"),
	BYTES("{\"sub\":\"u\0\"}"),
	BYTES("{\"sub\":\"\xff\"}"),
	BYTES("{\"sub\":\"u1\""),
	BYTES("{'sub':'u1'}"),
	BYTES("{\"sub\":\"u1\",}"),
	BYTES("[\"u1\"]"),
	BYTES("\"u1\""),
	BYTES("42"),
	BYTES(""),
#undef BYTES
};

START_TEST(tokens_verify_bad_payload_fails)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	char *hdr = header_for("RS256", tokens_key_kid(key_a));
	char *jwt = sign_raw(pkey, hdr, bad_payloads[_i].text,
	    bad_payloads[_i].len);

	assert_rejected(jwt);
	free(jwt);
	free(hdr);
	EVP_PKEY_free(pkey);
}
END_TEST

static const char *const garbage[] = {
	"", ".", "..", "...", "a", "a.b", "a.b.c", "a.b.c.d",
	"eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9..",
	"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.",
	"!!!.???.***", "====.====.====", "\xff\xfe.\x01.\x02",
};

START_TEST(tokens_verify_garbage_fails)
{
	assert_rejected(garbage[_i]);
}
END_TEST

START_TEST(tokens_verify_null_fails)
{
	char *jwt = sample_jwt();

	ck_assert_ptr_null(tokens_verify_jwt(key_a, NULL));
	ck_assert_ptr_null(tokens_verify_jwt(NULL, jwt));
	free(jwt);
}
END_TEST

static void
assert_kid_shape(const char *kid)
{
	ck_assert_uint_eq(strlen(kid), 40);
	ck_assert_uint_eq(strspn(kid, "0123456789abcdef"), 40);
}

START_TEST(tokens_kid_is_sha1_of_public_key)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	unsigned char *der = NULL, md[20];
	char hex[41];
	int derlen;

	assert_kid_shape(tokens_key_kid(key_a));
	assert_kid_shape(tokens_key_kid(key_b));
	ck_assert_str_ne(tokens_key_kid(key_a), tokens_key_kid(key_b));
	/* Borrowed and stable: the same pointer each time. */
	ck_assert_ptr_eq(tokens_key_kid(key_a), tokens_key_kid(key_a));

	derlen = i2d_PUBKEY(pkey, &der);
	ck_assert_int_gt(derlen, 0);
	ck_assert_int_eq(EVP_Digest(der, (size_t)derlen, md, NULL,
	    EVP_sha1(), NULL), 1);
	for (int i = 0; i < 20; i++)
		snprintf(hex + i * 2, 3, "%02x", md[i]);
	ck_assert_str_eq(hex, tokens_key_kid(key_a));
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
}
END_TEST

START_TEST(tokens_key_pem_round_trip)
{
	char *pem = tokens_key_private_pem(key_a), *jwt;
	struct tokens_key *copy;
	struct json_object *claims = sample_claims(), *payload;
	char err[128] = "";

	ck_assert_ptr_nonnull(pem);
	ck_assert_msg(strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0,
	    "not PKCS#8: %.40s", pem);
	copy = tokens_key_from_pem(pem, strlen(pem), err, sizeof(err));
	ck_assert_msg(copy != NULL, "rejected: %s", err);
	ck_assert_str_eq(tokens_key_kid(copy), tokens_key_kid(key_a));

	/* Either copy verifies what the other signs. */
	jwt = tokens_sign_jwt(copy, claims);
	ck_assert_ptr_nonnull(payload = tokens_verify_jwt(key_a, jwt));
	json_object_put(payload);

	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
	free(jwt);
	json_object_put(claims);
	tokens_key_free(copy);
}
END_TEST

/* PEM text of `pkey`, PKCS#8 or traditional; malloc'd, caller frees. */
static char *
pem_of(EVP_PKEY *pkey, int traditional)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *pem;
	long len;

	ck_assert_int_eq(traditional ?
	    PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0,
	    NULL, NULL) :
	    PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	ck_assert_int_gt(len, 0);
	pem = strndup(data, (size_t)len);
	BIO_free(bio);
	return pem;
}

START_TEST(tokens_key_pem_traditional_accepted)
{
	EVP_PKEY *pkey = pkey_of(key_b);
	char *pem = pem_of(pkey, 1), err[128] = "";
	struct tokens_key *copy;

	ck_assert_ptr_nonnull(strstr(pem, "BEGIN RSA PRIVATE KEY"));
	copy = tokens_key_from_pem(pem, strlen(pem), err, sizeof(err));
	ck_assert_msg(copy != NULL, "rejected: %s", err);
	ck_assert_str_eq(tokens_key_kid(copy), tokens_key_kid(key_b));
	tokens_key_free(copy);
	free(pem);
	EVP_PKEY_free(pkey);
}
END_TEST

/* from_pem must fail on `pem` with a reason containing `want`. */
static void
assert_pem_rejected(const char *pem, size_t len, const char *want)
{
	char err[128] = "";

	ck_assert_ptr_null(tokens_key_from_pem(pem, len, err, sizeof(err)));
	ck_assert_msg(err[0] != '\0', "no reason given");
	ck_assert_msg(strstr(err, want) != NULL, "reason \"%s\" lacks \"%s\"",
	    err, want);
	/* No err buffer is fine too. */
	ck_assert_ptr_null(tokens_key_from_pem(pem, len, NULL, 0));
}

START_TEST(tokens_key_pem_rejects_garbage)
{
	const char *junk = "-----BEGIN PRIVATE KEY-----\nnot base64\n"
	    "-----END PRIVATE KEY-----\n";
	char err[8];

	assert_pem_rejected("hello", 5, "PEM");
	assert_pem_rejected(junk, strlen(junk), "PEM");
	assert_pem_rejected("", 0, "PEM");
	assert_pem_rejected(NULL, 0, "PEM");

	/* A short buffer gets a truncated, terminated reason. */
	memset(err, 'x', sizeof(err));
	ck_assert_ptr_null(tokens_key_from_pem("x", 1, err, sizeof(err)));
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
}
END_TEST

START_TEST(tokens_key_pem_rejects_ec)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	char *pem;

	ck_assert_ptr_nonnull(ec);
	pem = pem_of(ec, 0);
	assert_pem_rejected(pem, strlen(pem), "not an RSA key");
	free(pem);
	EVP_PKEY_free(ec);
}
END_TEST

START_TEST(tokens_key_pem_rejects_small_rsa)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	char *pem;

	ck_assert_ptr_nonnull(rsa);
	pem = pem_of(rsa, 0);
	assert_pem_rejected(pem, strlen(pem), "2048");
	free(pem);
	pem = pem_of(rsa, 1);
	assert_pem_rejected(pem, strlen(pem), "1024 bits");
	free(pem);
	EVP_PKEY_free(rsa);
}
END_TEST

START_TEST(tokens_key_pem_rejects_public_only)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;

	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, pkey), 1);
	len = BIO_get_mem_data(bio, &data);
	assert_pem_rejected(data, (size_t)len, "private key");
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}
END_TEST

START_TEST(tokens_key_pem_rejects_encrypted)
{
	EVP_PKEY *pkey = pkey_of(key_a);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;

	/* Must fail without prompting for the passphrase. */
	ck_assert_int_eq(PEM_write_bio_PKCS8PrivateKey(bio, pkey,
	    EVP_aes_128_cbc(), "secret", 6, NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	ck_assert_ptr_nonnull(strstr(data, "ENCRYPTED"));
	assert_pem_rejected(data, (size_t)len, "unencrypted");
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}
END_TEST

static const char *
jwk_str(struct json_object *jwk, const char *name)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(jwk, name, &v), "no %s", name);
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

START_TEST(tokens_jwks_fields)
{
	const struct tokens_key *keys[] = { key_a, key_b };
	struct json_object *doc = tokens_jwks(keys, 2), *arr, *jwk;
	uint8_t *n;
	size_t nlen;

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_object_object_length(doc), 1);
	ck_assert(json_object_object_get_ex(doc, "keys", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 2);
	for (size_t i = 0; i < 2; i++) {
		jwk = json_object_array_get_idx(arr, i);
		ck_assert_int_eq(json_object_object_length(jwk), 6);
		ck_assert_str_eq(jwk_str(jwk, "kty"), "RSA");
		ck_assert_str_eq(jwk_str(jwk, "alg"), "RS256");
		ck_assert_str_eq(jwk_str(jwk, "use"), "sig");
		ck_assert_str_eq(jwk_str(jwk, "kid"),
		    tokens_key_kid(keys[i]));
		ck_assert_str_eq(jwk_str(jwk, "e"), "AQAB");
		ck_assert(is_b64url(jwk_str(jwk, "n")));
		/* Unsigned big-endian, no leading zero byte (RFC 7518). */
		n = b64url_dec(jwk_str(jwk, "n"), strlen(jwk_str(jwk, "n")),
		    &nlen);
		ck_assert_uint_eq(nlen, 256);
		ck_assert_uint_ge(n[0], 0x80);
		free(n);
	}
	json_object_put(doc);

	doc = tokens_jwks(NULL, 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN), "{\"keys\":[]}");
	json_object_put(doc);
}
END_TEST

/* The public key a verifier would build from a JWK's n and e alone. */
static EVP_PKEY *
pkey_from_jwk(struct json_object *jwk)
{
	const char *ns = jwk_str(jwk, "n"), *es = jwk_str(jwk, "e");
	size_t nlen, elen;
	uint8_t *n = b64url_dec(ns, strlen(ns), &nlen);
	uint8_t *e = b64url_dec(es, strlen(es), &elen);
	BIGNUM *bn_n = BN_bin2bn(n, (int)nlen, NULL);
	BIGNUM *bn_e = BN_bin2bn(e, (int)elen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;

	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N,
	    bn_n), 1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E,
	    bn_e), 1);
	ck_assert_ptr_nonnull(params = OSSL_PARAM_BLD_to_param(bld));
	ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
	    params), 1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(bn_n);
	BN_free(bn_e);
	free(n);
	free(e);
	return pkey;
}

START_TEST(tokens_jwks_verifies_externally)
{
	const struct tokens_key *keys[] = { key_b, key_a };
	struct json_object *doc = tokens_jwks(keys, 2), *arr, *jwk;
	char *jwt = sample_jwt();
	const char *dot2 = strrchr(jwt, '.');
	EVP_PKEY *pub;
	uint8_t *sig;
	size_t siglen;

	ck_assert(json_object_object_get_ex(doc, "keys", &arr));
	jwk = json_object_array_get_idx(arr, 1);
	ck_assert_str_eq(jwk_str(jwk, "kid"), tokens_key_kid(key_a));
	pub = pkey_from_jwk(jwk);
	sig = b64url_dec(dot2 + 1, strlen(dot2 + 1), &siglen);
	ck_assert(rs256_check(pub, jwt, (size_t)(dot2 - jwt), sig, siglen));
	/* And the check is real: another key's n does not verify. */
	EVP_PKEY_free(pub);
	pub = pkey_from_jwk(json_object_array_get_idx(arr, 0));
	ck_assert(!rs256_check(pub, jwt, (size_t)(dot2 - jwt), sig, siglen));
	EVP_PKEY_free(pub);
	free(sig);
	free(jwt);
	json_object_put(doc);
}
END_TEST

static X509 *
cert_of(struct json_object *doc, const char *kid)
{
	struct json_object *v;
	BIO *bio;
	X509 *x;

	ck_assert_msg(json_object_object_get_ex(doc, kid, &v), "no %s", kid);
	ck_assert(json_object_is_type(v, json_type_string));
	ck_assert(strncmp(json_object_get_string(v),
	    "-----BEGIN CERTIFICATE-----\n", 28) == 0);
	bio = BIO_new_mem_buf(json_object_get_string(v), -1);
	ck_assert_ptr_nonnull(x = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	BIO_free(bio);
	return x;
}

START_TEST(tokens_x509_map_certificates)
{
	const struct tokens_key *keys[] = { key_a, key_b };
	struct json_object *doc = tokens_x509(keys, 2, NOT_BEFORE);
	char cn[128];
	int days, secs;

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_object_object_length(doc), 2);
	for (size_t i = 0; i < 2; i++) {
		X509 *x = cert_of(doc, tokens_key_kid(keys[i]));
		EVP_PKEY *mine = pkey_of(keys[i]);
		EVP_PKEY *pub = X509_get0_pubkey(x);
		BIGNUM *serial;

		ck_assert_ptr_nonnull(pub);
		ck_assert_int_eq(EVP_PKEY_eq(pub, mine), 1);
		ck_assert_int_eq(X509_verify(x, pub), 1);
		ck_assert_int_gt(X509_NAME_get_text_by_NID(
		    X509_get_subject_name(x), NID_commonName, cn,
		    sizeof(cn)), 0);
		ck_assert_str_eq(cn, "securetoken.system.gserviceaccount.com");
		ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x),
		    X509_get_issuer_name(x)), 0);
		ck_assert_int_eq(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x),
		    NOT_BEFORE), 0);
		ck_assert_int_eq(ASN1_TIME_diff(&days, &secs,
		    X509_get0_notBefore(x), X509_get0_notAfter(x)), 1);
		ck_assert_int_ge(days, 3650);
		ck_assert_int_le(days, 3653);
		ck_assert_int_eq(X509_get_signature_nid(x),
		    NID_sha256WithRSAEncryption);
		serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		ck_assert(!BN_is_zero(serial) && !BN_is_negative(serial));
		BN_free(serial);
		EVP_PKEY_free(mine);
		X509_free(x);
	}
	json_object_put(doc);
}
END_TEST

START_TEST(tokens_x509_serials_random)
{
	const struct tokens_key *keys[] = { key_a };
	struct json_object *d1 = tokens_x509(keys, 1, NOT_BEFORE);
	struct json_object *d2 = tokens_x509(keys, 1, NOT_BEFORE);
	X509 *x1 = cert_of(d1, tokens_key_kid(key_a));
	X509 *x2 = cert_of(d2, tokens_key_kid(key_a));

	ck_assert_int_ne(ASN1_INTEGER_cmp(X509_get0_serialNumber(x1),
	    X509_get0_serialNumber(x2)), 0);
	X509_free(x1);
	X509_free(x2);
	json_object_put(d1);
	json_object_put(d2);

	d1 = tokens_x509(NULL, 0, NOT_BEFORE);
	ck_assert_int_eq(json_object_object_length(d1), 0);
	json_object_put(d1);
}
END_TEST

START_TEST(tokens_random_lengths)
{
	static const struct {
		size_t	nbytes;
		size_t	chars;
	} t[] = { { 16, 22 }, { 17, 23 }, { 32, 43 }, { 48, 64 }, { 64, 86 } };
	char out[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(tokens_random("", t[i].nbytes, out,
		    sizeof(out)), 0);
		ck_assert_uint_eq(strlen(out), t[i].chars);
		ck_assert(is_b64url(out));
	}
	ck_assert_int_eq(tokens_random("", 15, out, sizeof(out)), -1);
	ck_assert_int_eq(tokens_random("", 65, out, sizeof(out)), -1);
	ck_assert_int_eq(tokens_random("", 0, out, sizeof(out)), -1);
}
END_TEST

START_TEST(tokens_random_prefix)
{
	char out[128];

	ck_assert_int_eq(tokens_random("AMf-", 32, out, sizeof(out)), 0);
	ck_assert_uint_eq(strlen(out), 4 + 43);
	ck_assert(strncmp(out, "AMf-", 4) == 0);
	ck_assert(is_b64url(out + 4));
}
END_TEST

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(tokens_random_unique)
{
	enum { count = 2000 };
	static char toks[count][32];

	for (int i = 0; i < count; i++)
		ck_assert_int_eq(tokens_random("", 16, toks[i],
		    sizeof(toks[i])), 0);
	qsort(toks, count, sizeof(toks[0]), cmp_str);
	for (int i = 1; i < count; i++)
		ck_assert_str_ne(toks[i - 1], toks[i]);
}
END_TEST

START_TEST(tokens_random_small_buffer)
{
	char out[64];

	/* "r-" + 22 characters + NUL is 25 bytes. */
	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(tokens_random("r-", 16, out, 24), -1);
	ck_assert_int_eq(tokens_random("r-", 16, out, 25), 0);
	ck_assert_uint_eq(strlen(out), 24);
	ck_assert_int_eq(tokens_random("r-", 16, NULL, 0), -1);
}
END_TEST

#define NELEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
tokens_suite(void)
{
	Suite *s = suite_create("tokens");
	TCase *jwt = tcase_create("jwt");
	TCase *keys = tcase_create("keys");
	TCase *enc = tcase_create("encoding");

	/* RSA key generation is slow under valgrind. */
	tcase_set_timeout(jwt, 120);
	tcase_set_timeout(keys, 120);
	tcase_add_unchecked_fixture(jwt, keys_setup, keys_teardown);
	tcase_add_unchecked_fixture(keys, keys_setup, keys_teardown);

	tcase_add_test(jwt, tokens_sign_verify_round_trip);
	tcase_add_test(jwt, tokens_sign_compact_header_and_payload);
	tcase_add_test(jwt, tokens_sign_rejects_non_object);
	tcase_add_test(jwt, tokens_verify_any_changed_char_fails);
	tcase_add_test(jwt, tokens_verify_truncated_or_extended_fails);
	tcase_add_test(jwt, tokens_verify_wrong_kid_fails);
	tcase_add_loop_test(jwt, tokens_verify_bad_header_fails, 0,
	    NELEMS(bad_headers));
	tcase_add_loop_test(jwt, tokens_verify_bad_payload_fails, 0,
	    NELEMS(bad_payloads));
	tcase_add_loop_test(jwt, tokens_verify_garbage_fails, 0,
	    NELEMS(garbage));
	tcase_add_test(jwt, tokens_verify_null_fails);
	suite_add_tcase(s, jwt);

	tcase_add_test(keys, tokens_kid_is_sha1_of_public_key);
	tcase_add_test(keys, tokens_key_pem_round_trip);
	tcase_add_test(keys, tokens_key_pem_traditional_accepted);
	tcase_add_test(keys, tokens_key_pem_rejects_garbage);
	tcase_add_test(keys, tokens_key_pem_rejects_ec);
	tcase_add_test(keys, tokens_key_pem_rejects_small_rsa);
	tcase_add_test(keys, tokens_key_pem_rejects_public_only);
	tcase_add_test(keys, tokens_key_pem_rejects_encrypted);
	tcase_add_test(keys, tokens_jwks_fields);
	tcase_add_test(keys, tokens_jwks_verifies_externally);
	tcase_add_test(keys, tokens_x509_map_certificates);
	tcase_add_test(keys, tokens_x509_serials_random);
	suite_add_tcase(s, keys);

	tcase_add_test(enc, tokens_random_lengths);
	tcase_add_test(enc, tokens_random_prefix);
	tcase_add_test(enc, tokens_random_unique);
	tcase_add_test(enc, tokens_random_small_buffer);
	suite_add_tcase(s, enc);

	return s;
}

UNIT_MAIN(tokens_suite)
