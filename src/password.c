#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "password.h"

static int
digest(const char *password, const uint8_t *salt, size_t saltlen,
    uint8_t out[PASSWORD_HASH_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, salt, saltlen) &&
	    EVP_DigestUpdate(ctx, password, strlen(password)) &&
	    EVP_DigestFinal_ex(ctx, out, &n) && n == PASSWORD_HASH_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
password_hash(const char *password, uint8_t salt[PASSWORD_SALT_LEN],
    uint8_t hash[PASSWORD_HASH_LEN])
{
	if (RAND_bytes(salt, PASSWORD_SALT_LEN) != 1)
		return -1;
	return digest(password, salt, PASSWORD_SALT_LEN, hash);
}

int
password_verify(const char *password, const uint8_t *salt, size_t saltlen,
    const uint8_t *hash, size_t hashlen)
{
	uint8_t got[PASSWORD_HASH_LEN];
	int ok;

	if (hashlen != PASSWORD_HASH_LEN ||
	    digest(password, salt, saltlen, got))
		return 0;
	ok = CRYPTO_memcmp(got, hash, PASSWORD_HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}
