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
 * Whether a file could be created at `path`: 0 when its folder exists
 * and takes a test file (written, then removed), else -1 with
 * "path: reason" in err. A real write, not access(2): root passes
 * permission checks, but not a read-only mount or a parent that is a
 * regular file.
 */
int file_check_creatable(const char *path, char *err, size_t errlen);

/*
 * Whether `dir` is a folder that takes a test file, or does not exist
 * and could be created (file_check_creatable). -1 with "dir: reason".
 */
int file_check_dir(const char *dir, char *err, size_t errlen);

/*
 * Write all `n` bytes to `fd`, again after a short write or EINTR; -1
 * with errno on failure.
 */
int file_write_all(int fd, const void *buf, size_t n);

#endif
