/*
 * Calls that differ between systems, each with a fallback for where the
 * Linux (glibc) form is absent; meson's checks decide (sysdeps.h).
 */
#ifndef MFAEMU_PORTABLE_H
#define MFAEMU_PORTABLE_H

/*
 * socket() whose descriptor is closed on exec: SOCK_CLOEXEC where the
 * system has it, else fcntl(FD_CLOEXEC) right after. -1 with errno.
 */
int socket_cloexec(int domain, int type, int protocol);

/*
 * libmicrohttpd's flag for the best way to wait on sockets that it and
 * the system both support: epoll, else poll, else select (0).
 */
unsigned portable_mhd_poll_flag(void);

#endif
