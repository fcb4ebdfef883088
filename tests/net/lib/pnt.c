// SPDX-License-Identifier: GPL-2.0
/*
 * pnt: the test driver of podnet's network tests (tests/net/lib.sh starts
 * one per test as a bash coprocess).
 *
 * A test spends its time starting processes, not moving packets: under the
 * debug kernel every exec costs about a second. pnt is started once and
 * does in-process what the tests used to start socat, ping, tcpdump,
 * python3, sysctl and "ip netns exec" for: it enters a network namespace
 * with setns() (the name is /run/netns/NAME, as ip netns makes it) and
 * runs each exchange itself.
 *
 * It reads one command a line on stdin (words separated by blanks), writes
 * what the command prints and then one line "%% RC", RC being the
 * command's exit code (0: done as asked; 1: it ran and says what went
 * wrong; 2: a usage error). Commands:
 *
 *   serve NS NAME name|echo SPEC...     listen in NS, in the background
 *	SPEC is tcp4:PORT, tcp6:PORT, udp4:PORT, udp6:PORT, sctp4:PORT or
 *	sctp6:PORT. "name" answers every connection or datagram with
 *	"NAME PEERADDR"; "echo" sends back what it receives. Listening when
 *	the command returns; prints "server ID".
 *   unserve ID                          close that server's sockets
 *   load NS ADDR PORT tcp|udp [log=FILE] [send=0]
 *                                       traffic in the background, until
 *	unload: one exchange after the other with a server's echo or name
 *	(a new TCP connection each, or a datagram and its answer), each given
 *	500 ms. Prints "load ID". log=FILE: a line an exchange, "START END
 *	WORD" (CLOCK_MONOTONIC nanoseconds: before the socket was made, when
 *	the answer came; WORD: the answer's first word, or "- STEP ERRNO" if
 *	connect or read failed). send=0: TCP connections only read (a name
 *	server's answer), so that they end without a reset.
 *   unload ID                           stop it; prints "N ok N failed"
 *   get NS ADDR PORT tcp|udp|sctp [N] [OPT=VAL...]
 *	N (1) requests, one at a time, each on a new socket; one line each:
 *	the first line of the answer, or "ERR <errno name>" (ECONNREFUSED:
 *	a reset or port unreachable; ETIMEDOUT: nothing within the timeout).
 *	OPT: ctimeout=MS (2000, connect), timeout=MS (5000, the answer),
 *	send=WORD (sent, then for TCP the write side is shut down; UDP sends
 *	"x" without it), sport=PORT (source port, SO_REUSEADDR).
 *   ping NS ADDR [count=N] [ttl=N] [size=N] [df=0|1] [src=ADDR]
 *        [timeout=MS] [interval=MS]
 *	ICMP or ICMPv6 echo on a raw socket; one line a probe:
 *	"reply from ADDR ttl N", "ERR type T code C from ADDR [mtu N]" (an
 *	ICMP error about this probe), "ERR ETIMEDOUT", "ERR <errno name>"
 *	(the send failed). ADDR may carry a scope: ff02::1%eth0.
 *   udpsend NS ADDR PORT N [TOS,TOS]    N datagrams "podnet" to ADDR:PORT
 *                                       (TOS,TOS: IPv4 TOS or IPv6 traffic
 *                                       class, alternating)
 *   hops SERVER_NS ADDR PORT CLIENT_NS  one UDP datagram from CLIENT_NS to
 *	ADDR:PORT in SERVER_NS; prints "hops N", its hop limit (or TTL) there
 *   icmperr NS ADDR HOPS SIZE           a UDP datagram of SIZE bytes, hop
 *	limit HOPS, not to be fragmented; prints the ICMP error it got back
 *	from the error queue: "origin O type T code C info I", or
 *	"ERR ETIMEDOUT" after 5 s
 *   frame NS DEV ETHERTYPE HEX          HEX (bytes as hex digits) sent as
 *	they are on DEV by a packet socket, protocol ETHERTYPE (hex: 0800)
 *   ipframe NS DEV DSTMAC SRC DST [udp=PORT] [vlan=VID]
 *	an ICMP or ICMPv6 echo request SRC -> DST, or a UDP datagram from
 *	port 40000 to PORT, in an Ethernet frame from DEV's address to
 *	DSTMAC, 802.1Q-tagged with VID if vlan= is given, sent on DEV by a
 *	packet socket (past the IP stack and its checks on SRC)
 *   tap NS DEV|any                      a packet socket bound to DEV (or
 *	to every device of NS), as tcpdump -i DEV|any opens (a tap:
 *	dev_nit_active()); prints "tap ID"
 *   tapcount ID                         what it captured since the last
 *	tapcount: "packets N echo_request N echo_reply N" (ICMP and ICMPv6)
 *   untap ID
 *   sysctl NS KEY[=VALUE]...            write /proc/sys/KEY (dots for
 *	slashes) in NS, or print its value
 *   linkstat NS DEV                     "rx_packets N rx_bytes N tx_packets N
 *	tx_bytes N rx_dropped N tx_dropped N mac MAC" (getifaddrs() in NS)
 *   up NS DEV...                        set DEVs up
 *   run NS PROG ARG...                  run PROG in NS (fork, setns, exec;
 *	stdin /dev/null, stdout and stderr to pnt's stdout); RC is its
 *	exit code
 *   sleep MS
 *
 * Built by tests/net/lib/Makefile (tests/vm/run builds it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#define MAX_ARGS 64
#define MAX_SERVERS 64
#define MAX_SOCKS 8
#define MAX_TAPS 8

/* Output goes to stdout, which the test reads line by line. */
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *errname(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "EUNKNOWN";
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long now_ms(void)
{
	return now_ns() / 1000000;
}

/* --- namespaces --- */

/* A file descriptor of network namespace NAME (/run/netns/NAME, or a path). */
static int open_ns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		out("cannot open network namespace %s: %s", path, strerror(errno));
	return fd;
}

static int enter_ns(const char *name)
{
	int fd = open_ns(name), err;

	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	if (err)
		out("setns %s: %s", name, strerror(errno));
	close(fd);
	return err;
}

/* --- addresses --- */

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/* ADDR (with an optional %IFNAME scope, looked up in the current netns). */
static int parse_addr(const char *s, int port, union sa *a, socklen_t *len)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], *scope;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", s);
	scope = strchr(buf, '%');
	if (scope)
		*scope++ = '\0';
	if (!scope && inet_pton(AF_INET, buf, &a->in.sin_addr) == 1) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(port);
		*len = sizeof(a->in);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &a->in6.sin6_addr) == 1) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(port);
		if (scope) {
			a->in6.sin6_scope_id = if_nametoindex(scope);
			if (!a->in6.sin6_scope_id) {
				out("no interface %s", scope);
				return -1;
			}
		}
		*len = sizeof(a->in6);
		return 0;
	}
	out("not an address: %s", s);
	return -1;
}

static const char *addr_str(const union sa *a, char *buf, size_t len)
{
	if (a->sa.sa_family == AF_INET)
		return inet_ntop(AF_INET, &a->in.sin_addr, buf, len);
	return inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, len);
}

static int parse_num(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || end == s || *end || *v < min || *v > max) {
		out("not a number from %ld to %ld: %s", min, max, s);
		return -1;
	}
	return 0;
}

/* OPT=VAL arguments: the value of @key, or NULL. */
static const char *opt(int argc, char **argv, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static int opt_num(int argc, char **argv, const char *key, long min, long max,
		   long *v)
{
	const char *s = opt(argc, argv, key);

	return s ? parse_num(s, min, max, v) : 0;
}

/* --- sockets with deadlines --- */

static int wait_fd(int fd, short events, long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		n = poll(&p, 1, left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* connect() within @ms; 0 or -errno. */
static int connect_ms(int fd, const union sa *a, socklen_t len, long ms)
{
	int flags = fcntl(fd, F_GETFL), err;
	socklen_t elen = sizeof(err);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, &a->sa, len) && errno != EINPROGRESS)
		return -errno;
	err = wait_fd(fd, POLLOUT, now_ms() + ms);
	if (err)
		return err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen))
		return -errno;
	fcntl(fd, F_SETFL, flags);
	return -err;
}

/* Read until EOF (or one datagram) within @ms into @buf; length or -errno. */
static int read_ms(int fd, char *buf, size_t size, long ms, bool dgram)
{
	long deadline = now_ms() + ms;
	size_t got = 0;
	ssize_t n;
	int err;

	buf[0] = '\0';
	while (got < size - 1) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return got ? (int)got : err;
		n = recv(fd, buf + got, size - 1 - got, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return got ? (int)got : -errno;
		}
		got += n;
		buf[got] = '\0';
		if (!n || dgram)
			break;
	}
	return got;
}

static int proto_of(const char *s, int *type, int *proto)
{
	if (!strcmp(s, "tcp")) {
		*type = SOCK_STREAM;
		*proto = IPPROTO_TCP;
	} else if (!strcmp(s, "udp")) {
		*type = SOCK_DGRAM;
		*proto = IPPROTO_UDP;
	} else if (!strcmp(s, "sctp")) {
		*type = SOCK_STREAM;
		*proto = IPPROTO_SCTP;
	} else {
		out("unknown protocol %s (tcp, udp or sctp)", s);
		return -1;
	}
	return 0;
}

/* --- servers: sockets made here, served by one thread --- */

struct server {
	bool used;
	bool echo;
	char name[64];
	int fds[MAX_SOCKS];
	int nfds;
};

/* What an epoll entry stands for: a listener, a datagram socket or a
 * connection of server @srv.
 */
struct conn {
	int fd;
	int srv;
	bool listener;
	bool dgram;
};

static struct server servers[MAX_SERVERS];
static pthread_mutex_t servers_lock = PTHREAD_MUTEX_INITIALIZER;
static int epfd;

static void peer_str(int fd, const union sa *peer, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	(void)fd;
	if (!addr_str(peer, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s", a);
}

static void conn_close(struct conn *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static void serve_event(struct conn *c)
{
	struct server *s;
	char buf[65536], peer[INET6_ADDRSTRLEN], msg[160];
	union sa from;
	socklen_t flen = sizeof(from);
	struct epoll_event ev;
	struct conn *nc;
	bool echo;
	ssize_t n;
	int fd;

	pthread_mutex_lock(&servers_lock);
	s = &servers[c->srv];
	echo = s->echo;
	snprintf(msg, sizeof(msg), "%s", s->name);
	pthread_mutex_unlock(&servers_lock);

	if (c->listener) {
		fd = accept4(c->fd, &from.sa, &flen, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		if (!echo) {
			peer_str(fd, &from, peer, sizeof(peer));
			n = snprintf(buf, sizeof(buf), "%s %s\n", msg, peer);
			if (send(fd, buf, n, MSG_NOSIGNAL) < 0)
				perror("pnt: serve: send");
			close(fd);
			return;
		}
		nc = calloc(1, sizeof(*nc));
		if (!nc) {
			close(fd);
			return;
		}
		nc->fd = fd;
		nc->srv = c->srv;
		ev.events = EPOLLIN;
		ev.data.ptr = nc;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(nc);
		}
		return;
	}
	if (c->dgram) {
		n = recvfrom(c->fd, buf, sizeof(buf), MSG_DONTWAIT, &from.sa, &flen);
		if (n < 0)
			return;
		if (!echo) {
			peer_str(c->fd, &from, peer, sizeof(peer));
			n = snprintf(buf, sizeof(buf), "%s %s\n", msg, peer);
		}
		sendto(c->fd, buf, n, 0, &from.sa, flen);
		return;
	}
	/* An echo connection: send back what comes, close at EOF. */
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0) {
		if (send(c->fd, buf, n, MSG_NOSIGNAL) == n)
			return;
	} else if (n < 0 && errno == EAGAIN) {
		return;
	}
	shutdown(c->fd, SHUT_WR);
	conn_close(c);
}

static void *server_thread(void *arg)
{
	struct epoll_event ev[16];
	int i, n;

	(void)arg;
	for (;;) {
		n = epoll_wait(epfd, ev, 16, -1);
		for (i = 0; i < n; i++)
			serve_event(ev[i].data.ptr);
	}
	return NULL;
}

static int listen_spec(const char *spec, int *fd, bool *dgram)
{
	char proto[8];
	int port, family, type, p, one = 1;
	union sa a = {};
	socklen_t len;

	if (sscanf(spec, "%7[a-z]%*[46]:%d", proto, &port) != 2 ||
	    !strchr(spec, ':') || proto_of(proto, &type, &p)) {
		out("not a listener (tcp4:PORT, udp6:PORT, sctp4:PORT...): %s", spec);
		return -1;
	}
	family = spec[strlen(proto)] == '6' ? AF_INET6 : AF_INET;
	a.sa.sa_family = family;
	if (family == AF_INET) {
		a.in.sin_port = htons(port);
		len = sizeof(a.in);
	} else {
		a.in6.sin6_port = htons(port);
		a.in6.sin6_addr = in6addr_any;
		len = sizeof(a.in6);
	}
	*fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, p);
	if (*fd < 0) {
		out("%s: socket: %s", spec, errname(errno));
		return -1;
	}
	setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(*fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(*fd, &a.sa, len) || (type == SOCK_STREAM && listen(*fd, 64))) {
		out("%s: bind/listen: %s", spec, errname(errno));
		close(*fd);
		return -1;
	}
	*dgram = type == SOCK_DGRAM;
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct server *s = NULL;
	struct epoll_event ev;
	struct conn *c;
	int i, id, fd;
	bool dgram;

	if (argc < 4 || (strcmp(argv[2], "name") && strcmp(argv[2], "echo"))) {
		out("usage: serve NS NAME name|echo SPEC...");
		return 2;
	}
	if (enter_ns(argv[0]))
		return 1;
	pthread_mutex_lock(&servers_lock);
	for (id = 0; id < MAX_SERVERS; id++) {
		if (!servers[id].used) {
			s = &servers[id];
			memset(s, 0, sizeof(*s));
			s->used = true;
			break;
		}
	}
	pthread_mutex_unlock(&servers_lock);
	if (!s) {
		out("too many servers");
		return 1;
	}
	snprintf(s->name, sizeof(s->name), "%s", argv[1]);
	s->echo = !strcmp(argv[2], "echo");
	for (i = 3; i < argc && s->nfds < MAX_SOCKS; i++) {
		if (listen_spec(argv[i], &fd, &dgram))
			goto err;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			goto err;
		}
		c->fd = fd;
		c->srv = id;
		c->listener = !dgram;
		c->dgram = dgram;
		s->fds[s->nfds++] = fd;
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
	}
	out("server %d", id);
	return 0;
err:
	/* The listeners made so far stay, in server @id: unserve closes them. */
	out("server %d (incomplete)", id);
	return 1;
}

static int cmd_unserve(int argc, char **argv)
{
	long id;
	int i;

	if (argc != 1 || parse_num(argv[0], 0, MAX_SERVERS - 1, &id))
		return 2;
	pthread_mutex_lock(&servers_lock);
	if (!servers[id].used) {
		pthread_mutex_unlock(&servers_lock);
		out("no server %ld", id);
		return 1;
	}
	/* The epoll entries' struct conn leak here, a few bytes a server:
	 * the serving thread may hold one right now.
	 */
	for (i = 0; i < servers[id].nfds; i++) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, servers[id].fds[i], NULL);
		close(servers[id].fds[i]);
	}
	servers[id].used = false;
	pthread_mutex_unlock(&servers_lock);
	return 0;
}

/* --- clients --- */

static int one_get(const union sa *a, socklen_t alen, int type, int proto,
		   long sport, long ctimeout, long timeout, const char *send_word)
{
	char buf[4096], *nl;
	int fd, err, one = 1;
	union sa src = {};
	ssize_t n;

	fd = socket(a->sa.sa_family, type | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		out("ERR %s", errname(errno));
		return 1;
	}
	if (sport) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		src.sa.sa_family = a->sa.sa_family;
		if (a->sa.sa_family == AF_INET)
			src.in.sin_port = htons(sport);
		else
			src.in6.sin6_port = htons(sport);
		if (bind(fd, &src.sa, alen)) {
			out("ERR bind %s", errname(errno));
			close(fd);
			return 1;
		}
	}
	err = connect_ms(fd, a, alen, ctimeout);
	if (err)
		goto fail;
	if (type == SOCK_DGRAM || send_word) {
		char msg[256];

		n = snprintf(msg, sizeof(msg), "%s\n", send_word ? send_word : "x");
		if (send(fd, msg, n, MSG_NOSIGNAL) != n) {
			err = -errno;
			goto fail;
		}
		if (type == SOCK_STREAM && proto == IPPROTO_TCP)
			shutdown(fd, SHUT_WR);
	}
	err = read_ms(fd, buf, sizeof(buf), timeout, type == SOCK_DGRAM);
	if (err < 0)
		goto fail;
	close(fd);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	out("%s", buf);
	return 0;
fail:
	close(fd);
	out("ERR %s", errname(-err));
	return 1;
}

static int cmd_get(int argc, char **argv)
{
	long port, n = 1, sport = 0, ctimeout = 2000, timeout = 5000, i;
	int type, proto, rc = 0, first = 4;
	union sa a;
	socklen_t alen;

	if (argc < 4) {
		out("usage: get NS ADDR PORT tcp|udp|sctp [N] [OPT=VAL...]");
		return 2;
	}
	if (parse_num(argv[2], 1, 65535, &port) || proto_of(argv[3], &type, &proto))
		return 2;
	if (argc > 4 && !strchr(argv[4], '=')) {
		if (parse_num(argv[4], 1, 100000, &n))
			return 2;
		first = 5;
	}
	if (opt_num(argc - first, argv + first, "sport", 1, 65535, &sport) ||
	    opt_num(argc - first, argv + first, "ctimeout", 1, 600000, &ctimeout) ||
	    opt_num(argc - first, argv + first, "timeout", 1, 600000, &timeout))
		return 2;
	if (enter_ns(argv[0]) || parse_addr(argv[1], port, &a, &alen))
		return 1;
	for (i = 0; i < n; i++)
		rc |= one_get(&a, alen, type, proto, sport, ctimeout, timeout,
			      opt(argc - first, argv + first, "send"));
	return rc;
}

/* --- load: exchanges in a thread of their own --- */

#define MAX_LOADS 8

struct load {
	bool used;
	int nsfd, type, proto;
	union sa a;
	socklen_t alen;
	pthread_t thr;
	FILE *log;
	bool nosend;
	atomic_bool stop;
	atomic_long ok, failed;
};

static struct load loads[MAX_LOADS];

static bool load_one(struct load *l)
{
	unsigned long long start = now_ns();
	const char *step = "connect";
	char buf[256] = "";
	int fd, err;

	fd = socket(l->a.sa.sa_family, l->type | SOCK_CLOEXEC, l->proto);
	if (fd < 0)
		return false;
	err = connect_ms(fd, &l->a, l->alen, 500);
	if (!err) {
		/*
		 * A name server answers and closes at once, unread data and
		 * all: a reset, which may come before this send or shutdown.
		 * What counts is the answer, read even after a reset.
		 */
		if ((l->type == SOCK_DGRAM || !l->nosend) &&
		    send(fd, "x\n", 2, MSG_NOSIGNAL) == 2 && l->type == SOCK_STREAM)
			shutdown(fd, SHUT_WR);
		step = "read";
		err = read_ms(fd, buf, sizeof(buf), 500, l->type == SOCK_DGRAM);
		err = err > 0 ? 0 : err ? err : -ENODATA;
	}
	close(fd);
	if (l->log) {
		buf[strcspn(buf, " \n")] = '\0';
		if (err)
			fprintf(l->log, "%llu %llu - %s %s\n", start, now_ns(), step, errname(-err));
		else
			fprintf(l->log, "%llu %llu %s\n", start, now_ns(), buf);
	}
	return !err;
}

static void *load_thread(void *arg)
{
	struct load *l = arg;

	/* A thread's network namespace is its own. */
	if (setns(l->nsfd, CLONE_NEWNET))
		return NULL;
	while (!atomic_load(&l->stop)) {
		if (load_one(l)) {
			atomic_fetch_add(&l->ok, 1);
		} else {
			atomic_fetch_add(&l->failed, 1);
			/* Refused at once (no route, a reset): no busy loop. */
			usleep(10000);
		}
	}
	return NULL;
}

static int cmd_load(int argc, char **argv)
{
	struct load *l = NULL;
	long port;
	int id, type, proto;

	const char *log = opt(argc - 4, argv + 4, "log");
	const char *snd = opt(argc - 4, argv + 4, "send");

	if (argc < 4 || argc > 4 + !!log + !!snd || (snd && strcmp(snd, "0")) ||
	    parse_num(argv[2], 1, 65535, &port) ||
	    proto_of(argv[3], &type, &proto) || proto == IPPROTO_SCTP) {
		out("usage: load NS ADDR PORT tcp|udp [log=FILE] [send=0]");
		return 2;
	}
	for (id = 0; id < MAX_LOADS && !l; id++)
		if (!loads[id].used)
			l = &loads[id];
	if (!l) {
		out("too many loads");
		return 1;
	}
	id--;
	memset(l, 0, sizeof(*l));
	if (parse_addr(argv[1], port, &l->a, &l->alen))
		return 1;
	l->nsfd = open_ns(argv[0]);
	if (l->nsfd < 0)
		return 1;
	l->type = type;
	l->proto = proto;
	l->nosend = snd;
	if (log) {
		l->log = fopen(log, "w");
		if (!l->log) {
			close(l->nsfd);
			out("cannot write %s: %s", log, strerror(errno));
			return 1;
		}
	}
	if (pthread_create(&l->thr, NULL, load_thread, l)) {
		if (l->log)
			fclose(l->log);
		close(l->nsfd);
		out("ERR thread");
		return 1;
	}
	l->used = true;
	out("load %d", id);
	return 0;
}

static int cmd_unload(int argc, char **argv)
{
	struct load *l;
	long id;

	if (argc != 1 || parse_num(argv[0], 0, MAX_LOADS - 1, &id))
		return 2;
	l = &loads[id];
	if (!l->used) {
		out("no load %ld", id);
		return 1;
	}
	atomic_store(&l->stop, true);
	pthread_join(l->thr, NULL);
	close(l->nsfd);
	if (l->log)
		fclose(l->log);
	l->used = false;
	out("%ld ok %ld failed", atomic_load(&l->ok), atomic_load(&l->failed));
	return 0;
}

/* --- ping --- */

struct echo_hdr {
	uint8_t type, code;
	uint16_t csum, id, seq;
};

static uint16_t csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const uint8_t *)w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * What came back about the probe @id/@seq: 1 an echo reply, 2 an ICMP
 * error about it, 0 something else. @pkt is an IPv4 packet (@v6 false) or
 * an ICMPv6 message.
 */
static int ping_match(const uint8_t *pkt, ssize_t len, bool v6, uint16_t id,
		      uint16_t seq, int *type, int *code, unsigned int *info)
{
	const struct echo_hdr *e, *inner;
	size_t off = 0, ioff;

	if (!v6) {
		if (len < 20)
			return 0;
		off = (pkt[0] & 0xf) * 4;
	}
	if (len < (ssize_t)(off + 8))
		return 0;
	e = (const void *)(pkt + off);
	*type = e->type;
	*code = e->code;
	*info = ntohl(*(const uint32_t *)(pkt + off + 4));
	if ((!v6 && e->type == ICMP_ECHOREPLY) || (v6 && e->type == ICMP6_ECHO_REPLY))
		return e->id == id && e->seq == seq;
	if (!v6 && (e->type == ICMP_DEST_UNREACH || e->type == ICMP_TIME_EXCEEDED ||
		    e->type == ICMP_PARAMETERPROB)) {
		ioff = off + 8;
		if (len < (ssize_t)(ioff + 20) || pkt[ioff + 9] != IPPROTO_ICMP)
			return 0;
		ioff += (pkt[ioff] & 0xf) * 4;
	} else if (v6 && e->type < 128) {
		ioff = off + 8;
		if (len < (ssize_t)(ioff + 40) || pkt[ioff + 6] != IPPROTO_ICMPV6)
			return 0;
		ioff += 40;
	} else {
		return 0;
	}
	if (len < (ssize_t)(ioff + 8))
		return 0;
	inner = (const void *)(pkt + ioff);
	return inner->id == id && inner->seq == seq ? 2 : 0;
}

static int cmd_ping(int argc, char **argv)
{
	long count = 1, ttl = 0, size = 56, df = -1, timeout = 2000, interval = 0, i;
	static uint16_t next_id;
	uint8_t pkt[65536], cbuf[256];
	char from_s[INET6_ADDRSTRLEN];
	int fd, one = 1, rc = 0, type, code, m;
	union sa a, src, from;
	socklen_t alen, slen;
	const char *s;
	uint16_t id;
	bool v6;

	if (argc < 2) {
		out("usage: ping NS ADDR [count=N] [ttl=N] [size=N] [df=0|1] [src=ADDR] [timeout=MS] [interval=MS]");
		return 2;
	}
	if (opt_num(argc - 2, argv + 2, "count", 1, 10000, &count) ||
	    opt_num(argc - 2, argv + 2, "ttl", 1, 255, &ttl) ||
	    opt_num(argc - 2, argv + 2, "size", 0, 65000, &size) ||
	    opt_num(argc - 2, argv + 2, "df", 0, 1, &df) ||
	    opt_num(argc - 2, argv + 2, "timeout", 1, 600000, &timeout) ||
	    opt_num(argc - 2, argv + 2, "interval", 0, 600000, &interval))
		return 2;
	if (enter_ns(argv[0]) || parse_addr(argv[1], 0, &a, &alen))
		return 1;
	v6 = a.sa.sa_family == AF_INET6;
	fd = socket(a.sa.sa_family, SOCK_RAW | SOCK_CLOEXEC,
		    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0) {
		out("ERR socket %s", errname(errno));
		return 1;
	}
	s = opt(argc - 2, argv + 2, "src");
	if (s && (parse_addr(s, 0, &src, &slen) || bind(fd, &src.sa, slen))) {
		out("ERR bind %s %s", s, errname(errno));
		close(fd);
		return 1;
	}
	if (v6) {
		int v = ttl, pmtu = df ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_DONT;

		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one));
		if (ttl) {
			setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v));
			setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &v, sizeof(v));
		}
		if (df >= 0)
			setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	} else {
		int v = ttl, pmtu = df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;

		if (ttl)
			setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
		if (df >= 0)
			setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	}
	id = htons((getpid() << 4) + next_id++);
	for (i = 0; i < count; i++) {
		struct echo_hdr *e = (void *)pkt;
		long deadline = now_ms() + timeout;
		uint16_t seq = htons(i + 1);
		bool done = false;

		if (i && interval)
			usleep(interval * 1000);
		memset(pkt, 0x5a, 8 + size);
		e->type = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
		e->code = 0;
		e->csum = 0;
		e->id = id;
		e->seq = seq;
		if (!v6)
			e->csum = csum(pkt, 8 + size);
		if (sendto(fd, pkt, 8 + size, 0, &a.sa, alen) < 0) {
			out("ERR %s", errname(errno));
			rc = 1;
			continue;
		}
		while (!done) {
			struct iovec iov = { pkt, sizeof(pkt) };
			struct msghdr mh = {
				.msg_name = &from, .msg_namelen = sizeof(from),
				.msg_iov = &iov, .msg_iovlen = 1,
				.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
			};
			unsigned int info;
			struct cmsghdr *cm;
			ssize_t n;
			int hops = -1;

			if (wait_fd(fd, POLLIN, deadline)) {
				out("ERR ETIMEDOUT");
				rc = 1;
				break;
			}
			n = recvmsg(fd, &mh, MSG_DONTWAIT);
			if (n < 0)
				continue;
			m = ping_match(pkt, n, v6, id, seq, &type, &code, &info);
			if (!m)
				continue;
			addr_str(&from, from_s, sizeof(from_s));
			for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
				if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT)
					memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
			if (m == 1) {
				out("reply from %s ttl %d", from_s, v6 ? hops : pkt[8]);
			} else {
				bool too_big = v6 ? type == ICMP6_PACKET_TOO_BIG :
					(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED);

				if (too_big)
					out("ERR type %d code %d from %s mtu %u", type, code,
					    from_s, v6 ? info : info & 0xffff);
				else
					out("ERR type %d code %d from %s", type, code, from_s);
				rc = 1;
			}
			done = true;
		}
	}
	close(fd);
	return rc;
}

/* --- UDP: bursts, hop limits, ICMP errors --- */

static int udp_socket(const union sa *a)
{
	int fd = socket(a->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		out("ERR socket %s", errname(errno));
	return fd;
}

static int cmd_udpsend(int argc, char **argv)
{
	long port, n, i, tos[2] = { -1, -1 };
	union sa a;
	socklen_t alen;
	int fd, rc = 0;
	char *comma = argc == 5 ? strchr(argv[4], ',') : NULL;

	if (comma)
		*comma = '\0';
	if ((argc != 4 && argc != 5) || parse_num(argv[2], 1, 65535, &port) ||
	    parse_num(argv[3], 1, 1000000, &n) ||
	    (argc == 5 && (!comma || parse_num(argv[4], 0, 255, &tos[0]) ||
			   parse_num(comma + 1, 0, 255, &tos[1])))) {
		out("usage: udpsend NS ADDR PORT N [TOS,TOS]");
		return 2;
	}
	if (enter_ns(argv[0]) || parse_addr(argv[1], port, &a, &alen))
		return 1;
	fd = udp_socket(&a);
	if (fd < 0)
		return 1;
	for (i = 0; i < n; i++) {
		int t = tos[i % 2];

		if (t >= 0 &&
		    (a.sa.sa_family == AF_INET ?
		     setsockopt(fd, IPPROTO_IP, IP_TOS, &t, sizeof(t)) :
		     setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &t, sizeof(t)))) {
			out("ERR TOS %s", errname(errno));
			rc = 1;
			break;
		}
		if (sendto(fd, "podnet", 6, 0, &a.sa, alen) != 6) {
			out("ERR %s", errname(errno));
			rc = 1;
			break;
		}
	}
	close(fd);
	return rc;
}

static int cmd_hops(int argc, char **argv)
{
	uint8_t cbuf[128], buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	union sa a, any = {};
	struct cmsghdr *cm;
	int sfd, cfd, one = 1, hops = -1;
	socklen_t alen;
	long port;

	if (argc != 4 || parse_num(argv[2], 1, 65535, &port)) {
		out("usage: hops SERVER_NS ADDR PORT CLIENT_NS");
		return 2;
	}
	if (enter_ns(argv[0]) || parse_addr(argv[1], port, &a, &alen))
		return 1;
	sfd = udp_socket(&a);
	if (sfd < 0)
		return 1;
	any.sa.sa_family = a.sa.sa_family;
	if (a.sa.sa_family == AF_INET) {
		any.in.sin_port = a.in.sin_port;
		setsockopt(sfd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	} else {
		any.in6.sin6_port = a.in6.sin6_port;
		setsockopt(sfd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one));
	}
	if (bind(sfd, &any.sa, alen)) {
		out("ERR bind %s", errname(errno));
		close(sfd);
		return 1;
	}
	if (enter_ns(argv[3]) || (cfd = udp_socket(&a)) < 0) {
		close(sfd);
		return 1;
	}
	if (sendto(cfd, "podnet", 6, 0, &a.sa, alen) != 6) {
		out("ERR send %s", errname(errno));
		goto fail;
	}
	if (wait_fd(sfd, POLLIN, now_ms() + 5000) || recvmsg(sfd, &mh, 0) < 0) {
		out("ERR ETIMEDOUT");
		goto fail;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if ((cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) ||
		    (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL))
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
	}
	close(sfd);
	close(cfd);
	out("hops %d", hops);
	return hops < 0;
fail:
	close(sfd);
	close(cfd);
	return 1;
}

static int cmd_icmperr(int argc, char **argv)
{
	static char buf[65536];
	uint8_t cbuf[512];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct sock_extended_err *ee = NULL;
	struct cmsghdr *cm;
	long hops, size;
	int fd, one = 1, v;
	union sa a;
	socklen_t alen;

	if (argc != 4 || parse_num(argv[2], 1, 255, &hops) ||
	    parse_num(argv[3], 1, 65000, &size)) {
		out("usage: icmperr NS ADDR HOPS SIZE");
		return 2;
	}
	if (enter_ns(argv[0]) || parse_addr(argv[1], 9, &a, &alen))
		return 1;
	fd = udp_socket(&a);
	if (fd < 0)
		return 1;
	v = hops;
	if (a.sa.sa_family == AF_INET6) {
		int pmtu = IPV6_PMTUDISC_PROBE;

		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	} else {
		int pmtu = IP_PMTUDISC_PROBE;

		setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	}
	memset(buf, 'x', size);
	if (sendto(fd, buf, size, 0, &a.sa, alen) != size) {
		out("ERR send %s", errname(errno));
		close(fd);
		return 1;
	}
	if (wait_fd(fd, POLLERR, now_ms() + 5000) ||
	    recvmsg(fd, &mh, MSG_ERRQUEUE) < 0) {
		out("ERR ETIMEDOUT");
		close(fd);
		return 1;
	}
	close(fd);
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if ((cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR) ||
		    (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR))
			ee = (void *)CMSG_DATA(cm);
	if (!ee) {
		out("ERR no error in the error queue");
		return 1;
	}
	out("origin %u type %u code %u info %u", ee->ee_origin, ee->ee_type,
	    ee->ee_code, ee->ee_info);
	return 0;
}

/* --- taps --- */

static int taps[MAX_TAPS];

static int cmd_tap(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	int id, fd;

	if (argc != 2) {
		out("usage: tap NS DEV|any");
		return 2;
	}
	for (id = 0; id < MAX_TAPS && taps[id]; id++)
		;
	if (id == MAX_TAPS) {
		out("too many taps");
		return 1;
	}
	if (enter_ns(argv[0]))
		return 1;
	ll.sll_ifindex = strcmp(argv[1], "any") ? if_nametoindex(argv[1]) : 0;
	if (!ll.sll_ifindex && strcmp(argv[1], "any")) {
		out("no device %s", argv[1]);
		return 1;
	}
	/* Protocol 0 until bound: no moment on every device's tap list. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ll.sll_protocol = htons(ETH_P_ALL);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		out("ERR packet socket on %s: %s", argv[1], errname(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	taps[id] = fd;
	out("tap %d", id);
	return 0;
}

static int tap_id(int argc, char **argv)
{
	long id;

	if (argc != 1 || parse_num(argv[0], 0, MAX_TAPS - 1, &id) || !taps[id])
		return -1;
	return id;
}

static int cmd_tapcount(int argc, char **argv)
{
	unsigned long pkts = 0, req = 0, rep = 0;
	struct sockaddr_ll ll;
	socklen_t llen;
	uint8_t buf[2048];
	int id = tap_id(argc, argv);
	ssize_t n;

	if (id < 0) {
		out("usage: tapcount ID");
		return 2;
	}
	for (;;) {
		llen = sizeof(ll);
		n = recvfrom(taps[id], buf, sizeof(buf), 0, (struct sockaddr *)&ll, &llen);
		if (n < 0)
			break;
		pkts++;
		if (ll.sll_protocol == htons(ETH_P_IP) && n >= 28 && buf[9] == IPPROTO_ICMP) {
			uint8_t t = buf[(buf[0] & 0xf) * 4];

			req += t == ICMP_ECHO;
			rep += t == ICMP_ECHOREPLY;
		} else if (ll.sll_protocol == htons(ETH_P_IPV6) && n >= 48 &&
			   buf[6] == IPPROTO_ICMPV6) {
			req += buf[40] == ICMP6_ECHO_REQUEST;
			rep += buf[40] == ICMP6_ECHO_REPLY;
		}
	}
	out("packets %lu echo_request %lu echo_reply %lu", pkts, req, rep);
	return 0;
}

static int cmd_untap(int argc, char **argv)
{
	int id = tap_id(argc, argv);

	if (id < 0) {
		out("usage: untap ID");
		return 2;
	}
	close(taps[id]);
	taps[id] = 0;
	return 0;
}

/* --- frames --- */

/* Send @len bytes as they are on @dev (in the current netns). */
static int send_raw(const char *dev, uint16_t proto, const void *buf, size_t len)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
	};
	ssize_t n;
	int fd;

	ll.sll_ifindex = if_nametoindex(dev);
	if (!ll.sll_ifindex) {
		out("no device %s", dev);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		out("ERR packet socket: %s", errname(errno));
		return 1;
	}
	n = sendto(fd, buf, len, 0, (struct sockaddr *)&ll, sizeof(ll));
	close(fd);
	if (n != (ssize_t)len) {
		out("ERR %s", n < 0 ? errname(errno) : "short send");
		return 1;
	}
	out("sent %zu", len);
	return 0;
}

static int cmd_frame(int argc, char **argv)
{
	uint8_t buf[2048];
	size_t len = 0, i;
	char *end = NULL;
	long proto = -1;

	if (argc == 4)
		proto = strtol(argv[2], &end, 16);
	if (argc != 4 || *end || proto < 0 || proto > 0xffff ||
	    strlen(argv[3]) % 2 || strlen(argv[3]) / 2 > sizeof(buf)) {
		out("usage: frame NS DEV ETHERTYPE HEX");
		return 2;
	}
	for (i = 0; argv[3][i]; i += 2) {
		unsigned int b;

		if (sscanf(argv[3] + i, "%2x", &b) != 1) {
			out("usage: frame NS DEV ETHERTYPE HEX");
			return 2;
		}
		buf[len++] = b;
	}
	if (enter_ns(argv[0]))
		return 1;
	return send_raw(argv[1], proto, buf, len);
}

/* The Internet checksum of an IPv6 pseudo-header and @len bytes at @p. */
static uint16_t csum6(const uint8_t *ip6, const void *p, size_t len)
{
	uint8_t buf[40 + 64];

	if (len > 64)
		return 0;
	memcpy(buf, ip6 + 8, 32);
	buf[32] = 0;
	buf[33] = 0;
	buf[34] = len >> 8;
	buf[35] = len & 0xff;
	buf[36] = 0;
	buf[37] = 0;
	buf[38] = 0;
	buf[39] = ip6[6];
	memcpy(buf + 40, p, len);
	return csum(buf, 40 + len);
}

static int cmd_ipframe(int argc, char **argv)
{
	uint8_t f[128] = { 0 }, *p = f + 12, *l4;
	struct ifreq ifr = { 0 };
	unsigned int m[6];
	long vid = -1, port = -1;
	union sa src, dst;
	socklen_t alen;
	size_t l4len;
	bool v6;
	int fd, i;

	if (argc < 5 || argc > 7 ||
	    sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6 ||
	    parse_addr(argv[3], 0, &src, &alen) || parse_addr(argv[4], 0, &dst, &alen) ||
	    src.sa.sa_family != dst.sa.sa_family ||
	    opt_num(argc - 5, argv + 5, "vlan", 0, 4095, &vid) ||
	    opt_num(argc - 5, argv + 5, "udp", 1, 65535, &port)) {
		out("usage: ipframe NS DEV DSTMAC SRC DST [udp=PORT] [vlan=VID]");
		return 2;
	}
	v6 = src.sa.sa_family == AF_INET6;
	if (enter_ns(argv[0]))
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		out("no device %s", argv[1]);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	for (i = 0; i < 6; i++)
		f[i] = m[i];
	memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
	if (vid >= 0) {
		*p++ = 0x81;
		*p++ = 0x00;
		*p++ = vid >> 8;
		*p++ = vid & 0xff;
	}
	*p++ = v6 ? 0x86 : 0x08;
	*p++ = v6 ? 0xdd : 0x00;
	/* An 8-byte ICMP echo request or UDP header, and 8 bytes of data. */
	l4len = 16;
	l4 = p + (v6 ? 40 : 20);
	memcpy(l4 + 8, "podnet!", 8);
	if (port >= 0) {
		l4[0] = 40000 >> 8;
		l4[1] = 40000 & 0xff;
		l4[2] = port >> 8;
		l4[3] = port & 0xff;
		l4[5] = l4len;
	} else {
		struct echo_hdr *e = (void *)l4;

		e->type = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
		e->id = htons(getpid() & 0xffff);
		e->seq = htons(1);
	}
	if (v6) {
		p[0] = 0x60;
		p[5] = l4len;
		p[6] = port >= 0 ? IPPROTO_UDP : IPPROTO_ICMPV6;
		p[7] = 64;
		memcpy(p + 8, &src.in6.sin6_addr, 16);
		memcpy(p + 24, &dst.in6.sin6_addr, 16);
		*(uint16_t *)(l4 + (port >= 0 ? 6 : 2)) = csum6(p, l4, l4len);
	} else {
		p[0] = 0x45;
		p[3] = 20 + l4len;
		p[8] = 64;
		p[9] = port >= 0 ? IPPROTO_UDP : IPPROTO_ICMP;
		memcpy(p + 12, &src.in.sin_addr, 4);
		memcpy(p + 16, &dst.in.sin_addr, 4);
		*(uint16_t *)(p + 10) = csum(p, 20);
		if (port < 0)
			*(uint16_t *)(l4 + 2) = csum(l4, l4len);
	}
	return send_raw(argv[1], vid >= 0 ? ETH_P_8021Q : v6 ? ETH_P_IPV6 : ETH_P_IP,
			f, l4 + l4len - f);
}

/* --- the rest --- */

static int cmd_sysctl(int argc, char **argv)
{
	char path[PATH_MAX], *p, *eq;
	int i, fd;

	if (argc < 2) {
		out("usage: sysctl NS KEY[=VALUE]...");
		return 2;
	}
	if (enter_ns(argv[0]))
		return 1;
	for (i = 1; i < argc; i++) {
		char val[256];
		ssize_t n;

		eq = strchr(argv[i], '=');
		if (eq)
			*eq = '\0';
		snprintf(path, sizeof(path), "/proc/sys/%s", argv[i]);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, (eq ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		if (fd >= 0 && !eq) {
			n = read(fd, val, sizeof(val) - 1);
			if (n >= 0) {
				val[n] = '\0';
				val[strcspn(val, "\n")] = '\0';
				out("%s", val);
				close(fd);
				continue;
			}
		}
		if (fd < 0 || !eq || write(fd, eq + 1, strlen(eq + 1)) < 0) {
			out("sysctl %s%s%s: %s", argv[i], eq ? "=" : "", eq ? eq + 1 : "",
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			return 1;
		}
		close(fd);
	}
	return 0;
}

static int cmd_linkstat(int argc, char **argv)
{
	struct ifaddrs *ifa, *i;
	int rc = 1;

	if (argc != 2) {
		out("usage: linkstat NS DEV");
		return 2;
	}
	if (enter_ns(argv[0]))
		return 1;
	if (getifaddrs(&ifa)) {
		out("getifaddrs: %s", strerror(errno));
		return 1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		struct rtnl_link_stats *st = i->ifa_data;

		/* glibc gives the link's own entry (its only one with
		 * ifa_data) no address when it has none (pn0).
		 */
		if (!st || strcmp(i->ifa_name, argv[1]))
			continue;
		struct sockaddr_ll *ll = (void *)i->ifa_addr;
		char mac[3 * 8] = "none";
		int j, o = 0;

		for (j = 0; ll && ll->sll_family == AF_PACKET && j < ll->sll_halen && j < 8; j++)
			o += snprintf(mac + o, sizeof(mac) - o, "%s%02x", j ? ":" : "",
				      ll->sll_addr[j]);
		out("rx_packets %u rx_bytes %u tx_packets %u tx_bytes %u rx_dropped %u tx_dropped %u mac %s",
		    st->rx_packets, st->rx_bytes, st->tx_packets, st->tx_bytes,
		    st->rx_dropped, st->tx_dropped, mac);
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	if (rc)
		out("no device %s", argv[1]);
	return rc;
}

static int cmd_up(int argc, char **argv)
{
	struct ifreq ifr;
	int fd, i, rc = 0;

	if (argc < 2) {
		out("usage: up NS DEV...");
		return 2;
	}
	if (enter_ns(argv[0]))
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		out("socket: %s", strerror(errno));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[i]);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
				continue;
		}
		out("up %s: %s", argv[i], strerror(errno));
		rc = 1;
	}
	close(fd);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	int status, fd;
	pid_t pid;

	if (argc < 2) {
		out("usage: run NS PROG ARG...");
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		out("fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		dup2(1, 2);
		signal(SIGPIPE, SIG_DFL);
		if (enter_ns(argv[0]))
			_exit(126);
		execvp(argv[1], argv + 1);
		printf("%s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_sleep(int argc, char **argv)
{
	long ms;

	if (argc != 1 || parse_num(argv[0], 0, 3600000, &ms))
		return 2;
	usleep(ms * 1000);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "serve", cmd_serve },
	{ "unserve", cmd_unserve },
	{ "get", cmd_get },
	{ "load", cmd_load },
	{ "unload", cmd_unload },
	{ "ping", cmd_ping },
	{ "udpsend", cmd_udpsend },
	{ "hops", cmd_hops },
	{ "icmperr", cmd_icmperr },
	{ "tap", cmd_tap },
	{ "tapcount", cmd_tapcount },
	{ "untap", cmd_untap },
	{ "frame", cmd_frame },
	{ "ipframe", cmd_ipframe },
	{ "sysctl", cmd_sysctl },
	{ "linkstat", cmd_linkstat },
	{ "up", cmd_up },
	{ "run", cmd_run },
	{ "sleep", cmd_sleep },
};

int main(void)
{
	char *line = NULL, *argv[MAX_ARGS + 1], *tok, *save;
	size_t cap = 0;
	pthread_t thr;
	unsigned int i;
	int argc, rc;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || pthread_create(&thr, NULL, server_thread, NULL)) {
		perror("pnt");
		return 1;
	}
	while (getline(&line, &cap, stdin) > 0) {
		argc = 0;
		for (tok = strtok_r(line, " \t\n", &save); tok && argc < MAX_ARGS;
		     tok = strtok_r(NULL, " \t\n", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		if (!argc)
			continue;
		rc = -1;
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			if (!strcmp(argv[0], cmds[i].name)) {
				rc = cmds[i].fn(argc - 1, argv + 1);
				break;
			}
		}
		if (rc < 0) {
			out("unknown command %s", argv[0]);
			rc = 2;
		}
		printf("%%%% %d\n", rc);
		fflush(stdout);
	}
	return 0;
}
