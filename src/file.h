/*
 * Reading whole files (the signing key, fixture files, Firebase exports)
 * and writing whole buffers (exports, log lines).
 */
#ifndef MFAEMU_FILE_H
#define MFAEMU_FILE_H

#include <stddef.h>

/*
 * Read the file at `path` into a malloc'd buffer (caller frees), NUL-
 * terminated, with its length in *len. A file of more than `cap` bytes is
 * refused. On failure returns NULL with "path: reason" in err and errno
 * set: fopen's on an open failure (ENOENT for a missing file), EFBIG over
 * the cap, EIO on a read error, ENOMEM.
 */
char *file_read_all(const char *path, size_t cap, size_t *len, char *err,
    size_t errlen);

/*
 * Write all `n` bytes to `fd`, again after a short write or EINTR; -1
 * with errno on failure.
 */
int file_write_all(int fd, const void *buf, size_t n);

#endif
