/*
 * RS256 signing with OpenSSL 3 EVP_PKEY, and the documents verifiers fetch
 * to check our tokens (JWKS and Google's x509 map).
 *
 * Everything a verifier compares against (kid, n, e) is computed once when a
 * key is made, so struct tokens_key stays read-only afterwards and threads can
 * share it: each sign or verify uses its own EVP_MD_CTX.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <json.h>

#include "b64url.h"
#include "tokens.h"

#define TOKENS_RSA_BITS		2048
#define TOKENS_KID_LEN		40
#define TOKENS_RANDOM_MIN	16
#define TOKENS_RANDOM_MAX	64
#define TOKENS_CERT_CN		"securetoken.system.gserviceaccount.com"
#define TOKENS_CERT_DAYS	3652	/* ten years, leap days included */
/* Every JSON we serialise: compact, and "https://..." stays unescaped. */
#define TOKENS_JSON_FLAGS \
	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct tokens_key {
	EVP_PKEY	*pkey;
	char		 kid[TOKENS_KID_LEN + 1];
	char		*n_b64;		/* JWKS modulus, base64url */
	char		*e_b64;		/* JWKS exponent, base64url */
	size_t		 sig_len;	/* RS256 signature size */
};

static char *
bn_param_b64url(const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	uint8_t *bin = NULL;
	char *b64 = NULL;
	size_t cap;
	int nbytes;

	if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
		goto done;
	/* BN_bn2bin is big-endian and minimal, as RFC 7518 6.3.1 wants. */
	nbytes = BN_num_bytes(bn);
	if (nbytes <= 0 || (bin = malloc((size_t)nbytes)) == NULL)
		goto done;
	BN_bn2bin(bn, bin);
	cap = b64url_len((size_t)nbytes) + 1;
	if ((b64 = malloc(cap)) != NULL)
		b64url_encode(bin, (size_t)nbytes, b64, cap);
done:
	free(bin);
	BN_free(bn);
	return b64;
}

static int
key_compute_kid(struct tokens_key *key)
{
	unsigned char *der = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int derlen, ok = -1;

	/* SubjectPublicKeyInfo, the DER that `openssl pkey -pubout` prints. */
	if ((derlen = i2d_PUBKEY(key->pkey, &der)) <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)derlen, md, &mdlen, EVP_sha1(), NULL) &&
	    mdlen * 2 == TOKENS_KID_LEN) {
		for (unsigned int i = 0; i < mdlen; i++)
			snprintf(key->kid + i * 2, 3, "%02x", md[i]);
		ok = 0;
	}
	OPENSSL_free(der);
	return ok;
}

/* Takes ownership of `pkey` (freed on failure). */
static struct tokens_key *
key_wrap(EVP_PKEY *pkey)
{
	struct tokens_key *key;
	int size;

	if ((key = calloc(1, sizeof(*key))) == NULL) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	key->pkey = pkey;
	if ((size = EVP_PKEY_get_size(pkey)) <= 0 ||
	    key_compute_kid(key) == -1 ||
	    (key->n_b64 = bn_param_b64url(pkey, OSSL_PKEY_PARAM_RSA_N)) ==
	    NULL ||
	    (key->e_b64 = bn_param_b64url(pkey, OSSL_PKEY_PARAM_RSA_E)) ==
	    NULL) {
		tokens_key_free(key);
		ERR_clear_error();
		return NULL;
	}
	key->sig_len = (size_t)size;
	return key;
}

struct tokens_key *
tokens_key_generate(void)
{
	EVP_PKEY *pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)TOKENS_RSA_BITS)) == NULL) {
		ERR_clear_error();
		return NULL;
	}
	return key_wrap(pkey);
}

/*
 * Never ask for a passphrase: without this, an encrypted PEM would make
 * OpenSSL prompt on the terminal at start-up.
 */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

/* 1 when a JWT signed with the key verifies with it. */
static int
key_self_test(const struct tokens_key *key)
{
	struct json_object *claims = json_object_new_object(), *back;
	char *jwt;

	json_object_object_add(claims, "self_test", json_object_new_int(1));
	jwt = tokens_sign_jwt(key, claims);
	json_object_put(claims);
	back = jwt ? tokens_verify_jwt(key, jwt) : NULL;
	free(jwt);
	json_object_put(back);
	return back != NULL;
}

/*
 * The PEM text as an RSA private key of at least TOKENS_RSA_BITS (owned),
 * or NULL with the reason in err.
 */
static EVP_PKEY *
pem_rsa_private_key(const char *pem, size_t len, char *err, size_t errlen)
{
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = NULL;
	BIO *bio;
	char msg[64];
	int bits;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	/* Reads PKCS#8 and traditional "RSA PRIVATE KEY" alike. */
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		set_err(err, errlen, "not an unencrypted PEM private key");
	} else if (!EVP_PKEY_is_a(pkey, "RSA")) {
		/* RSA-PSS keys are refused too: RS256 is PKCS#1 v1.5. */
		set_err(err, errlen, "not an RSA key");
	} else if ((bits = EVP_PKEY_get_bits(pkey)) < TOKENS_RSA_BITS) {
		snprintf(msg, sizeof(msg), "RSA key has %d bits, at least %d "
		    "needed", bits, TOKENS_RSA_BITS);
		set_err(err, errlen, msg);
	} else if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &d)) {
		set_err(err, errlen, "RSA key has no private part");
	} else {
		BN_clear_free(d);
		return pkey;
	}
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return NULL;
}

struct tokens_key *
tokens_key_from_pem(const char *pem, size_t len, char *err, size_t errlen)
{
	struct tokens_key *key;
	EVP_PKEY *pkey;

	if (pem == NULL || len == 0 || len > INT_MAX) {
		set_err(err, errlen, "no PEM text");
		return NULL;
	}
	if ((pkey = pem_rsa_private_key(pem, len, err, errlen)) == NULL)
		return NULL;
	if ((key = key_wrap(pkey)) == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	/*
	 * A damaged key would sign tokens nobody can verify: sign and verify
	 * once. (EVP_PKEY_pairwise_check also tests the primes, which costs
	 * some 40 ms at every start.)
	 */
	if (!key_self_test(key)) {
		tokens_key_free(key);
		set_err(err, errlen, "RSA key is inconsistent");
		ERR_clear_error();
		return NULL;
	}
	return key;
}

void
tokens_key_free(struct tokens_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key->n_b64);
	free(key->e_b64);
	free(key);
}

/* What was written to a memory BIO, as a malloc'd string, or NULL. */
static char *
bio_string(BIO *bio)
{
	char *data, *s;
	long len;

	if ((len = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	return s;
}

char *
tokens_key_private_pem(const struct tokens_key *key)
{
	BIO *bio;
	char *pem = NULL;

	/*
	 * A secure-memory BIO clears its buffer when it grows and when it is
	 * freed, so the only copy left behind is the one we return.
	 */
	if (key == NULL || (bio = BIO_new(BIO_s_secmem())) == NULL)
		return NULL;
	if (PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, NULL, NULL, 0,
	    NULL, NULL) == 1)
		pem = bio_string(bio);
	BIO_free(bio);
	ERR_clear_error();
	return pem;
}

const char *
tokens_key_kid(const struct tokens_key *key)
{
	return key->kid;
}

/*
 * Add `v` (new, consumed either way) to `obj` as `key`: 0, or -1 when `v`
 * is NULL (it could not be made) or the add failed.
 */
static int
add_member(struct json_object *obj, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

struct json_object *
tokens_jwks(const struct tokens_key *const *keys, size_t n)
{
	struct json_object *doc, *arr, *jwk;

	if (keys == NULL && n > 0)
		return NULL;
	if ((doc = json_object_new_object()) == NULL)
		return NULL;
	arr = json_object_new_array();
	if (add_member(doc, "keys", arr) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((jwk = json_object_new_object()) == NULL ||
		    json_object_array_add(arr, jwk) != 0) {
			json_object_put(jwk);
			goto fail;
		}
		if (add_member(jwk, "kty", json_object_new_string("RSA")) ||
		    add_member(jwk, "alg", json_object_new_string("RS256")) ||
		    add_member(jwk, "use", json_object_new_string("sig")) ||
		    add_member(jwk, "kid",
		    json_object_new_string(keys[i]->kid)) ||
		    add_member(jwk, "n",
		    json_object_new_string(keys[i]->n_b64)) ||
		    add_member(jwk, "e",
		    json_object_new_string(keys[i]->e_b64)))
			goto fail;
	}
	return doc;
fail:
	json_object_put(doc);
	return NULL;
}

static int
cert_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* A self-signed certificate as PEM; malloc'd, caller frees. */
static char *
cert_pem(const struct tokens_key *key, int64_t not_before)
{
	X509 *x = NULL;
	X509_NAME *name;
	BIGNUM *serial = NULL;
	BIO *bio = NULL;
	char *pem = NULL;
	time_t t = (time_t)not_before;

	if ((int64_t)t != not_before)
		return NULL;
	if ((x = X509_new()) == NULL || (serial = BN_new()) == NULL)
		goto done;
	/* 159 random bits: positive and within RFC 5280's 20 octets. */
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(serial, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL)
		goto done;
	if (ASN1_TIME_set(X509_getm_notBefore(x), t) == NULL ||
	    ASN1_TIME_adj(X509_getm_notAfter(x), t, TOKENS_CERT_DAYS, 0) ==
	    NULL)
		goto done;
	if ((name = X509_get_subject_name(x)) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)TOKENS_CERT_CN, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_set_pubkey(x, key->pkey))
		goto done;
	/* The extensions Google's securetoken certificates carry. */
	if (cert_add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    cert_add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    cert_add_ext(x, NID_ext_key_usage, "clientAuth"))
		goto done;
	if (X509_sign(x, key->pkey, EVP_sha256()) <= 0)
		goto done;
	if ((bio = BIO_new(BIO_s_mem())) != NULL && PEM_write_bio_X509(bio, x))
		pem = bio_string(bio);
done:
	BIO_free(bio);
	BN_free(serial);
	X509_free(x);
	ERR_clear_error();
	return pem;
}

/*
 * Each call makes new certificates with new serials, and costs one RSA
 * signature per key: serve a built document rather than calling per request.
 */
struct json_object *
tokens_x509(const struct tokens_key *const *keys, size_t n,
    int64_t not_before)
{
	struct json_object *doc, *str;
	char *pem;

	if (keys == NULL && n > 0)
		return NULL;
	if ((doc = json_object_new_object()) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		pem = cert_pem(keys[i], not_before);
		str = pem != NULL ? json_object_new_string(pem) : NULL;
		free(pem);
		if (add_member(doc, keys[i]->kid, str) != 0) {
			json_object_put(doc);
			return NULL;
		}
	}
	return doc;
}

/* RSASSA-PKCS1-v1_5 with SHA-256 over `msg`; `sig` holds key->sig_len. */
static int
rs256_sign(const struct tokens_key *key, const char *msg, size_t len,
    uint8_t *sig)
{
	EVP_MD_CTX *md;
	size_t siglen = key->sig_len;
	int ok = -1;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key->pkey,
	    NULL) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg,
	    len) == 1 && siglen == key->sig_len)
		ok = 0;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

static int
rs256_verify(const struct tokens_key *key, const char *msg, size_t len,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *md;
	int ok = -1;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL,
	    key->pkey, NULL) == 1 &&
	    EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
	    len) == 1)
		ok = 0;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

char *
tokens_sign_jwt(const struct tokens_key *key, struct json_object *claims)
{
	struct json_object *hdr;
	const char *hjson, *pjson;
	size_t hlen, plen, hb, pb, total;
	uint8_t *sig = NULL;
	char *jwt = NULL;

	if (key == NULL || !json_object_is_type(claims, json_type_object))
		return NULL;
	if ((hdr = json_object_new_object()) == NULL)
		return NULL;
	/* json-c keeps insertion order, so the header is always the same. */
	if (json_object_object_add(hdr, "alg",
	    json_object_new_string("RS256")) != 0 ||
	    json_object_object_add(hdr, "kid",
	    json_object_new_string(key->kid)) != 0 ||
	    json_object_object_add(hdr, "typ",
	    json_object_new_string("JWT")) != 0)
		goto done;
	/* Both strings belong to their objects and live until the put. */
	if ((hjson = json_object_to_json_string_length(hdr, TOKENS_JSON_FLAGS,
	    &hlen)) == NULL ||
	    (pjson = json_object_to_json_string_length(claims,
	    TOKENS_JSON_FLAGS, &plen)) == NULL)
		goto done;
	hb = b64url_len(hlen);
	pb = b64url_len(plen);
	total = hb + 1 + pb + 1 + b64url_len(key->sig_len) + 1;
	if ((jwt = malloc(total)) == NULL ||
	    (sig = malloc(key->sig_len)) == NULL)
		goto fail;
	b64url_encode((const uint8_t *)hjson, hlen, jwt, total);
	jwt[hb] = '.';
	b64url_encode((const uint8_t *)pjson, plen, jwt + hb + 1,
	    total - hb - 1);
	jwt[hb + 1 + pb] = '.';
	if (rs256_sign(key, jwt, hb + 1 + pb, sig) == -1)
		goto fail;
	b64url_encode(sig, key->sig_len, jwt + hb + 1 + pb + 1,
	    total - hb - 1 - pb - 1);
	goto done;
fail:
	free(jwt);
	jwt = NULL;
done:
	free(sig);
	json_object_put(hdr);
	return jwt;
}

/*
 * Decode one base64url segment and parse it as a JSON object, strictly:
 * no trailing bytes, no NULs, valid UTF-8. Even the white space JSON allows
 * around the object is refused, since tokens_sign_jwt never writes it.
 * Returns a new object (caller owns) or NULL.
 */
static struct json_object *
segment_json(const char *seg, size_t n)
{
	struct json_tokener *tok;
	struct json_object *obj = NULL;
	uint8_t *raw;
	size_t len;

	if ((raw = b64url_decode(seg, n, &len)) == NULL)
		return NULL;
	if (len < 2 || len > INT_MAX || raw[0] != '{' || raw[len - 1] != '}' ||
	    memchr(raw, '\0', len) != NULL ||
	    (tok = json_tokener_new()) == NULL)
		goto done;
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, (const char *)raw, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
done:
	free(raw);
	return obj;
}

/* Whether `obj` (borrowed) has string member `name` equal to `want`. */
static int
member_equals(struct json_object *obj, const char *name, const char *want)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, name, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == strlen(want) &&
	    memcmp(json_object_get_string(v), want, strlen(want)) == 0;
}

struct json_object *
tokens_verify_jwt(const struct tokens_key *key, const char *jwt)
{
	struct json_object *hdr = NULL, *payload = NULL;
	const char *dot1, *dot2;
	uint8_t *sig = NULL;
	size_t siglen, total;

	if (key == NULL || jwt == NULL)
		return NULL;
	total = strlen(jwt);
	if ((dot1 = strchr(jwt, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL ||
	    strchr(dot2 + 1, '.') != NULL)
		return NULL;
	/* The header first: it is cheap, and says whether the key fits. */
	if ((hdr = segment_json(jwt, (size_t)(dot1 - jwt))) == NULL)
		goto done;
	if (!member_equals(hdr, "alg", "RS256") ||
	    !member_equals(hdr, "kid", key->kid) ||
	    /* RFC 7515 4.1.11: we understand no extensions. */
	    json_object_object_get_ex(hdr, "crit", NULL))
		goto done;
	if ((sig = b64url_decode(dot2 + 1, total - (size_t)(dot2 + 1 - jwt),
	    &siglen)) == NULL || siglen != key->sig_len)
		goto done;
	if (rs256_verify(key, jwt, (size_t)(dot2 - jwt), sig, siglen) == -1)
		goto done;
	payload = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
done:
	free(sig);
	json_object_put(hdr);
	return payload;
}

char *
tokens_unsigned_jwt(struct json_object *claims)
{
	static const char hjson[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
	const char *pjson;
	size_t plen, hb, pb, total;
	char *jwt;

	if (!json_object_is_type(claims, json_type_object) ||
	    (pjson = json_object_to_json_string_length(claims,
	    TOKENS_JSON_FLAGS, &plen)) == NULL)
		return NULL;
	hb = b64url_len(sizeof(hjson) - 1);
	pb = b64url_len(plen);
	total = hb + 1 + pb + 2;
	if ((jwt = malloc(total)) == NULL)
		return NULL;
	b64url_encode((const uint8_t *)hjson, sizeof(hjson) - 1, jwt, total);
	jwt[hb] = '.';
	b64url_encode((const uint8_t *)pjson, plen, jwt + hb + 1,
	    total - hb - 1);
	jwt[hb + 1 + pb] = '.';
	jwt[hb + 1 + pb + 1] = '\0';
	return jwt;
}

struct json_object *
tokens_read_unsigned_jwt(const char *jwt)
{
	struct json_object *hdr, *payload = NULL;
	const char *dot1, *dot2;

	if (jwt == NULL || (dot1 = strchr(jwt, '.')) == NULL ||
	    (dot2 = strchr(dot1 + 1, '.')) == NULL || dot2[1] != '\0')
		return NULL;
	if ((hdr = segment_json(jwt, (size_t)(dot1 - jwt))) == NULL)
		return NULL;
	if (member_equals(hdr, "alg", "none") &&
	    !json_object_object_get_ex(hdr, "crit", NULL))
		payload = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	json_object_put(hdr);
	return payload;
}

int
tokens_random(const char *prefix, size_t nbytes, char *out, size_t outcap)
{
	uint8_t raw[TOKENS_RANDOM_MAX];
	size_t plen;
	int ok = -1;

	if (prefix == NULL)
		prefix = "";
	plen = strlen(prefix);
	if (out == NULL || nbytes < TOKENS_RANDOM_MIN ||
	    nbytes > TOKENS_RANDOM_MAX ||
	    outcap < plen + b64url_len(nbytes) + 1)
		return -1;
	if (RAND_bytes(raw, (int)nbytes) == 1) {
		memcpy(out, prefix, plen);
		b64url_encode(raw, nbytes, out + plen, outcap - plen);
		ok = 0;
	} else
		ERR_clear_error();
	/* The token is a secret; do not leave its bytes on the stack. */
	OPENSSL_cleanse(raw, sizeof(raw));
	return ok;
}

int
tokens_random_id(char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[TOKENS_ID_LEN];
	size_t i = 0;

	/* Rejection sampling: bytes >= 248 would favour the first letters. */
	while (i < TOKENS_ID_LEN) {
		if (RAND_bytes(r, sizeof(r)) != 1)
			return -1;
		for (size_t k = 0; k < sizeof(r) && i < TOKENS_ID_LEN; k++) {
			if (r[k] < 248)
				out[i++] = alphabet[r[k] % 62];
		}
	}
	out[TOKENS_ID_LEN] = '\0';
	return 0;
}
