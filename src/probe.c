#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "portable.h"
#include "probe.h"

#define PROBE_TIMEOUT_MS 2000

static int
wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, PROBE_TIMEOUT_MS) == 1 ? 0 : -1;
}

int
probe_run(const char *host, unsigned port)
{
	struct addrinfo hints, *res = NULL;
	const char *target = host;
	char portstr[8], req[128], resp[64];
	ssize_t n;
	size_t got = 0;
	int fd = -1, ok = 0;

	/* A daemon bound to every address is reachable on loopback. */
	if (strcmp(host, "0.0.0.0") == 0)
		target = "127.0.0.1";
	else if (strcmp(host, "::") == 0)
		target = "::1";
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if (getaddrinfo(target, portstr, &hints, &res) != 0)
		return 1;
	fd = socket_cloexec(res->ai_family, res->ai_socktype, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0)
		goto out;
	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n"
	    "Connection: close\r\n\r\n", target);
	if (wait_fd(fd, POLLOUT) || write(fd, req, strlen(req)) < 0)
		goto out;
	while (got < sizeof(resp) - 1 && wait_fd(fd, POLLIN) == 0 &&
	    (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	ok = strncmp(resp, "HTTP/1.1 200", 12) == 0 ||
	    strncmp(resp, "HTTP/1.0 200", 12) == 0;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return ok ? 0 : 1;
}
