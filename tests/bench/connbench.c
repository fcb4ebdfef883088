// SPDX-License-Identifier: GPL-2.0
/*
 * connbench: the TCP connection-rate load of tests/bench/service_connrate.sh.
 *
 *   connbench server PORT
 *	Accept connections on PORT (all addresses) and close each one at once,
 *	forever. The server closing first keeps TIME_WAIT on the server side,
 *	so the client never runs out of ports.
 *
 *   connbench client ADDR PORT SECONDS [WORKERS]
 *	WORKERS processes (default 2), each opening connections to ADDR:PORT
 *	one after the other for SECONDS: connect(), read() until the server's
 *	FIN, close(). Prints one line:
 *	    conns N errors E refused R timeout T other O secs S rate R
 *	where rate is completed connections per second of wall time. Exits 1
 *	if no connection completed.
 *
 * Built by the bench scripts with "gcc -O2 -o connbench connbench.c".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct worker {
	unsigned long conns, refused, timeout, other;
	double end;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: connbench server PORT\n"
			"       connbench client ADDR PORT SECONDS [WORKERS]\n");
	return 2;
}

static int server(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s, c;

	signal(SIGPIPE, SIG_IGN);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) || listen(s, 4096)) {
		perror("connbench server");
		return 1;
	}
	for (;;) {
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE)
			perror("accept");
	}
}

static void client_loop(const struct sockaddr_in *sin, double deadline,
			struct worker *w)
{
	struct timeval tmo = { .tv_sec = 2 };
	char buf[64];
	ssize_t n;
	int s;

	while (now() < deadline) {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0) {
			w->other++;
			usleep(1000);
			continue;
		}
		/* SO_SNDTIMEO bounds connect(), SO_RCVTIMEO the read. */
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
		if (connect(s, (const struct sockaddr *)sin, sizeof(*sin))) {
			if (errno == ECONNREFUSED)
				w->refused++;
			else if (errno == EINPROGRESS || errno == ETIMEDOUT || errno == EAGAIN)
				w->timeout++;
			else
				w->other++;
			close(s);
			continue;
		}
		do
			n = read(s, buf, sizeof(buf));
		while (n > 0);
		if (n == 0)
			w->conns++;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			w->timeout++;
		else if (errno == ECONNRESET)
			w->conns++;	/* completed, the server's close raced */
		else
			w->other++;
		close(s);
	}
	w->end = now();
}

static int client(const char *addr, int port, double secs, int nworkers)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	unsigned long conns = 0, refused = 0, timeout = 0, other = 0;
	double start, deadline, end = 0;
	struct worker *w;
	int i;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "connbench: invalid IPv4 address '%s'\n", addr);
		return 2;
	}
	w = mmap(NULL, nworkers * sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(w, 0, nworkers * sizeof(*w));
	signal(SIGPIPE, SIG_IGN);
	start = now();
	deadline = start + secs;
	for (i = 0; i < nworkers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			client_loop(&sin, deadline, &w[i]);
			_exit(0);
		}
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	for (i = 0; i < nworkers; i++) {
		conns += w[i].conns;
		refused += w[i].refused;
		timeout += w[i].timeout;
		other += w[i].other;
		if (w[i].end > end)
			end = w[i].end;
	}
	if (end <= start)
		end = now();
	printf("conns %lu errors %lu refused %lu timeout %lu other %lu secs %.3f rate %.1f\n",
	       conns, refused + timeout + other, refused, timeout, other,
	       end - start, conns / (end - start));
	return conns ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atof(argv[4]),
			      argc == 6 ? atoi(argv[5]) : 2);
	return usage();
}
