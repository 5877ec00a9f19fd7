/*
 * Password hashes for fixture and sign-up users. An emulator needs no slow
 * KDF: a salted SHA-256 keeps plain passwords out of the store and exports.
 */
#ifndef MFAEMU_PASSWORD_H
#define MFAEMU_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_SALT_LEN 16
#define PASSWORD_HASH_LEN 32

/* New random salt and the hash of `password` with it. Returns 0 or -1. */
int password_hash(const char *password, uint8_t salt[PASSWORD_SALT_LEN],
    uint8_t hash[PASSWORD_HASH_LEN]);

/* 1 when `password` matches; constant time in the hash. */
int password_verify(const char *password, const uint8_t *salt,
    size_t saltlen, const uint8_t *hash, size_t hashlen);

#endif
