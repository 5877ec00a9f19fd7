#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/* The first buffer; it doubles from there up to the cap. */
#define FILE_FIRST_BUFFER 8192

/* "larger than 64 MiB" for the caps the callers use, else in bytes. */
static void
file_too_large(const char *path, size_t cap, char *err, size_t errlen)
{
	if (cap >= (1u << 20) && cap % (1u << 20) == 0)
		snprintf(err, errlen, "%s: larger than %zu MiB", path,
		    cap >> 20);
	else
		snprintf(err, errlen, "%s: larger than %zu bytes", path, cap);
}

/*
 * Room for at least one more byte and the NUL, at most cap + 2 bytes: one
 * byte past the cap is how a file that is too large shows itself.
 */
static int
file_grow(char **buf, size_t *size, size_t cap)
{
	size_t want = *size ? *size * 2 : FILE_FIRST_BUFFER;
	char *nb;

	if (want > cap + 2 || want < *size)
		want = cap + 2;
	if ((nb = realloc(*buf, want)) == NULL)
		return -1;
	*buf = nb;
	*size = want;
	return 0;
}

char *
file_read_all(const char *path, size_t cap, size_t *len, char *err,
    size_t errlen)
{
	FILE *f;
	char *buf = NULL;
	size_t n = 0, size = 0, got;
	int e;

	if (cap > SIZE_MAX / 2)
		cap = SIZE_MAX / 2;
	if ((f = fopen(path, "rb")) == NULL) {
		e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	do {
		if (n + 1 >= size && file_grow(&buf, &size, cap) != 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			e = ENOMEM;
			goto fail;
		}
		got = fread(buf + n, 1, size - n - 1, f);
		n += got;
		if (n > cap) {
			file_too_large(path, cap, err, errlen);
			e = EFBIG;
			goto fail;
		}
	} while (got > 0);
	/* A short read is the end of the file or an error: tell them apart. */
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		e = EIO;
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	errno = e;
	return NULL;
}

/* Write a test file in folder `dir`, then remove it; -1 with the reason. */
static int
file_test_write(const char *dir, const char *path, char *err, size_t errlen)
{
	char name[4200];
	int fd, e = 0;

	snprintf(name, sizeof(name), "%s/.mfaemu-check-XXXXXX", dir);
	if ((fd = mkstemp(name)) < 0) {
		e = errno;
	} else {
		if (write(fd, "x", 1) != 1)
			e = errno ? errno : EIO;
		if (close(fd) != 0 && e == 0)
			e = errno;
		unlink(name);
	}
	if (e != 0) {
		snprintf(err, errlen, "%s: cannot write in %s: %s", path, dir,
		    strerror(e));
		return -1;
	}
	return 0;
}

int
file_check_creatable(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "%s: cannot create it: %s: %s", path,
		    dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot create it: %s is not a "
		    "folder", path, dir);
		return -1;
	}
	return file_test_write(dir, path, err, errlen);
}

int
file_check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return file_check_creatable(dir, err, errlen);
		snprintf(err, errlen, "%s: cannot create or write it: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a folder", dir);
		return -1;
	}
	return file_test_write(dir, dir, err, errlen);
}

int
file_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
