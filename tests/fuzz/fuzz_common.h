/*
 * Shared by the libFuzzer targets: a fixed RSA test key (so token seeds
 * carry a known kid and nothing waits for key generation), quiet logging
 * and small helpers. Test-only; never link into the daemon.
 */
#ifndef MFAEMU_FUZZ_COMMON_H
#define MFAEMU_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

struct emu;
struct json_object;

/* The libFuzzer entry points; every target defines both. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A 2048-bit RSA private key (traditional PEM), for tests only. */
extern const char fuzz_key_pem[];

/* Log errors only, and drop MFAEMU_* variables so the config is the default. */
void fuzz_quiet(void);

/* A NUL-terminated malloc'd copy of n bytes (abort on out of memory). */
char *fuzz_strndup(const uint8_t *data, size_t n);

/*
 * Build an emu as the daemon would: config_load with `argv` (argc items),
 * then emu_open. --signing-key gets the fixed key through a temp file.
 * Aborts with a message on failure.
 */
void fuzz_emu_open(struct emu *emu, int argc, char **argv);

/* Where the sources are (fixtures/demo.json), from -DFUZZ_SOURCE_ROOT. */
const char *fuzz_source_root(void);

/* Read a whole file; malloc'd, NUL-terminated; abort on failure. */
char *fuzz_read_file(const char *path, size_t *len);

#endif
