/*
 * bare_mhd: the ceiling for any libmicrohttpd server on this machine.
 *
 * It runs MHD exactly as mfaemu does (internal polling thread, epoll, ITC,
 * a thread pool of --threads, default 2) and answers every request, GET
 * or POST (the body is read and dropped), with one fixed small JSON body.
 * Nothing else happens per request, so what mfaemu gets on the same route
 * shape divided by what this gets is the share of the MHD ceiling left.
 *
 *   bare_mhd [--port N] [--threads N]
 *
 * Prints "bare_mhd listening on http://127.0.0.1:PORT" when ready, like
 * mfaemu, and stops on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

static const char body[] = "{\"phoneResponseInfo\": {\"sessionInfo\": "
    "\"bare-0000000000000000000000000000000000000000\"}}\n";

/* One response, built once; MHD reference-counts it across threads. */
static struct MHD_Response *reply;

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	static int first_call;

	if (*con_cls == NULL) {
		*con_cls = &first_call;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, reply);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	unsigned port = 0, threads = 2;
	sigset_t stop;
	int fd, one = 1, sig;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)atoi(argv[i + 1]);
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Bound here, as mfaemu does, so --port 0 can print the port. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("bare_mhd: listen");
		return 1;
	}
	reply = MHD_create_response_from_buffer(sizeof(body) - 1,
	    (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json; charset=UTF-8");
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC, ntohs(sa.sin_port), NULL, NULL, on_request, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, 1000u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bare_mhd: cannot start the daemon\n");
		return 1;
	}
	printf("bare_mhd listening on http://127.0.0.1:%u\n",
	    ntohs(sa.sin_port));
	fflush(stdout);
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(reply);
	close(fd);
	return 0;
}
