#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hostcheck.h"

/* ":digits" or nothing. */
static bool
port_ok(const char *s)
{
	if (*s == '\0')
		return true;
	if (*s++ != ':' || *s == '\0' || strlen(s) > 5)
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

/*
 * Copy the name of Host `host` (without port or brackets) into `name`.
 * Returns 0, or -1 when the header is malformed or too long.
 */
static int
host_name(const char *host, char *name, size_t cap)
{
	const char *end;

	if (host[0] == '[') {
		host++;
		if ((end = strchr(host, ']')) == NULL || !port_ok(end + 1))
			return -1;
	} else if ((end = strchr(host, ':')) == NULL) {
		end = host + strlen(host);
	} else if (!port_ok(end)) {
		return -1;
	}
	if (end == host || (size_t)(end - host) >= cap)
		return -1;
	memcpy(name, host, (size_t)(end - host));
	name[end - host] = '\0';
	return 0;
}

static bool
is_localhost(const char *name)
{
	size_t n = strlen(name);

	/* A trailing dot names the same host (fully qualified). */
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 9 && strncasecmp(name, "localhost", 9) == 0)
		return true;
	return n > 10 && strncasecmp(name + n - 10, ".localhost", 10) == 0;
}

bool
hostcheck_loopback(const char *name)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (is_localhost(name))
		return true;
	if (inet_pton(AF_INET, name, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, name, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

bool
hostcheck_trusted(const char *host, const char *listen)
{
	char name[256];

	if (host == NULL || host_name(host, name, sizeof(name)) != 0)
		return false;
	if (listen != NULL && strcasecmp(name, listen) == 0)
		return true;
	/* An IPv6 address only in brackets: "::1" alone is no Host. */
	if (host[0] != '[' && strchr(name, ':') != NULL)
		return false;
	return hostcheck_loopback(name);
}

const char *
hostcheck_connectable(const char *host)
{
	if (strcmp(host, "0.0.0.0") == 0)
		return "127.0.0.1";
	if (strcmp(host, "::") == 0)
		return "::1";
	return host;
}

void
hostcheck_url(char *out, size_t outlen, const char *host, unsigned port)
{
	bool v6 = strchr(host, ':') != NULL;

	snprintf(out, outlen, "http://%s%s%s:%u", v6 ? "[" : "", host,
	    v6 ? "]" : "", port);
}
