/* file: whole-file reads (the cap, each failure), whole-buffer writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "file.h"
#include "unit.h"

static char file_dir[] = "/tmp/mfaemu-test-file-XXXXXX";
static char file_path[sizeof(file_dir) + 16];

static void
file_setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(file_dir));
	snprintf(file_path, sizeof(file_path), "%s/f", file_dir);
}

static void
file_teardown(void)
{
	unlink(file_path);
	rmdir(file_dir);
	strcpy(file_dir, "/tmp/mfaemu-test-file-XXXXXX");
}

/* Write `n` bytes of a repeating pattern to file_path. */
static void
file_write(size_t n)
{
	FILE *f = fopen(file_path, "wb");
	char *buf = malloc(n + 1);

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (int)(i % 26));
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	free(buf);
}

/* Sizes around the first buffer (8192) and its doublings. */
static const size_t file_sizes[] = { 0, 1, 8190, 8191, 8192, 16383,
    16384, 100000 };
#define FILE_NSIZES (sizeof(file_sizes) / sizeof(file_sizes[0]))

START_TEST(file_read_all_whole_file)
{
	size_t n = file_sizes[_i], len = 1;
	char err[256] = "", *buf;

	file_write(n);
	buf = file_read_all(file_path, 1u << 20, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(buf[n], '\0');
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(buf[i], 'a' + (int)(i % 26));
	free(buf);
}
END_TEST

START_TEST(file_read_all_cap_is_inclusive)
{
	size_t n = file_sizes[_i], len = 0;
	char err[256] = "", *buf;

	file_write(n);
	buf = file_read_all(file_path, n, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, n);
	free(buf);
	if (n == 0)
		return;
	errno = 0;
	ck_assert_ptr_null(file_read_all(file_path, n - 1, &len, err,
	    sizeof(err)));
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_ptr_nonnull(strstr(err, "larger than"));
	ck_assert_ptr_nonnull(strstr(err, file_path));
}
END_TEST

START_TEST(file_read_all_cap_in_mib)
{
	size_t len;
	char err[256];

	file_write((1u << 20) + 1);
	ck_assert_ptr_null(file_read_all(file_path, 1u << 20, &len, err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, ": larger than 1 MiB"));
}
END_TEST

START_TEST(file_read_all_missing_is_enoent)
{
	size_t len;
	char err[256];

	errno = 0;
	ck_assert_ptr_null(file_read_all(file_path, 100, &len, err,
	    sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(err, ": cannot open: "));
}
END_TEST

/* A directory opens but cannot be read: ferror, not an empty file. */
START_TEST(file_read_all_read_error)
{
	size_t len;
	char err[256];

	errno = 0;
	ck_assert_ptr_null(file_read_all(file_dir, 100, &len, err,
	    sizeof(err)));
	ck_assert_int_eq(errno, EIO);
	ck_assert_ptr_nonnull(strstr(err, ": read error"));
}
END_TEST

/*
 * A buffer larger than a pipe holds goes out whole, in several writes,
 * while the other end reads; a closed descriptor is -1 with its errno.
 */
START_TEST(file_write_all_whole_buffer)
{
	enum { N = 256 * 1024 };
	char *out = malloc(N), *in = malloc(N);
	size_t got = 0;
	int fds[2], status;
	pid_t pid;

	ck_assert(out != NULL && in != NULL && pipe(fds) == 0);
	for (size_t i = 0; i < N; i++)
		out[i] = (char)(i * 7);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		_exit(file_write_all(fds[1], out, N) == 0 ? 0 : 1);
	}
	close(fds[1]);
	for (ssize_t n; got < N && (n = read(fds[0], in + got, N - got)) > 0;)
		got += (size_t)n;
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(got, N);
	ck_assert(memcmp(in, out, N) == 0);
	errno = 0;
	ck_assert_int_eq(file_write_all(fds[0], out, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	free(out);
	free(in);
}
END_TEST

static Suite *
file_suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, file_setup, file_teardown);
	tcase_add_loop_test(tc, file_read_all_whole_file, 0, FILE_NSIZES);
	tcase_add_loop_test(tc, file_read_all_cap_is_inclusive, 0,
	    FILE_NSIZES);
	tcase_add_test(tc, file_read_all_cap_in_mib);
	tcase_add_test(tc, file_read_all_missing_is_enoent);
	tcase_add_test(tc, file_read_all_read_error);
	tcase_add_test(tc, file_write_all_whole_buffer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(file_suite)
