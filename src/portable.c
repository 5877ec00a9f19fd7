#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <sys/socket.h>

#include <microhttpd.h>

#include "portable.h"
#include "sysdeps.h"

int
socket_cloexec(int domain, int type, int protocol)
{
#ifdef HAVE_SOCK_CLOEXEC
	return socket(domain, type | SOCK_CLOEXEC, protocol);
#else
	int fd = socket(domain, type, protocol), saved;

	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
#endif
}

unsigned
portable_mhd_poll_flag(void)
{
#ifdef HAVE_EPOLL
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		return MHD_USE_EPOLL;
#endif
	if (MHD_is_feature_supported(MHD_FEATURE_POLL) == MHD_YES)
		return MHD_USE_POLL;
	return 0;
}
