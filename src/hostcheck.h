/*
 * Which names a browser may use to reach the control plane. A page on an
 * attacker's domain whose DNS answer turns into 127.0.0.1 (DNS rebinding)
 * is same-origin with the daemon as far as the browser knows; only the
 * Host header still carries the attacker's name.
 */
#ifndef MFAEMU_HOSTCHECK_H
#define MFAEMU_HOSTCHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether `host` (a Host header: name or address, optional ":port";
 * IPv6 in brackets) names this machine's loopback (127.0.0.0/8, ::1,
 * localhost, *.localhost) or is exactly `listen` (the --host the daemon
 * was started with). NULL or malformed: false.
 */
bool hostcheck_trusted(const char *host, const char *listen);

/* Whether a bare name or address (no port, no brackets) is loopback. */
bool hostcheck_loopback(const char *name);

/*
 * The address to connect to for a daemon listening on `host`: a wildcard
 * (0.0.0.0, ::) is reached on its loopback (127.0.0.1, ::1); any other
 * host is itself.
 */
const char *hostcheck_connectable(const char *host);

/* "http://HOST:PORT" into out, an IPv6 address in brackets. */
void hostcheck_url(char *out, size_t outlen, const char *host,
    unsigned port);

#endif
