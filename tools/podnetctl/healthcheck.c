// SPDX-License-Identifier: GPL-2.0
/*
 * Service health checks, as kube-proxy serves them
 * (pkg/proxy/healthcheck/service_health.go): each LoadBalancer Service
 * with externalTrafficPolicy Local has a healthCheckNodePort, on which
 * every node answers HTTP: 200 while the node has ready endpoints of the
 * service, 503 while it has none (terminating ones do not count), with
 * their number in the X-Load-Balancing-Endpoint-Weight header and in a
 * JSON body. A cloud load balancer sends the service's traffic to the
 * nodes that answer 200.
 *
 * The servers live in podnetctl apply --watch, in the node's namespace,
 * on every address of it, or with --nodeport-addresses on the addresses
 * in them (hc_addresses()), as kube-proxy's. Requests are read without
 * blocking the watch loop: the kernel hands a connection over once it has
 * data (TCP_DEFER_ACCEPT), it is answered once its request's header has
 * come, and closed unanswered after HC_TIMEOUT_MS, or when HC_MAX_CONNS
 * others wait and it is the oldest. A port that cannot be listened on is
 * tried again every HC_RETRY_MS, and a listener whose accept() fails for
 * want of memory or descriptors rests as long, instead of waking the loop
 * at once again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cJSON.h>
#include <linux/podnet.h>

#include "err.h"
#include "healthcheck.h"

#define HC_MAX_CONNS 128
#define HC_TIMEOUT_MS 5000
#define HC_RETRY_MS 1000
#define HC_REQ_MAX 4096		/* a request's header, at most */
#define HC_BETWEEN_MS 200

struct hc_server {
	char *service;		/* "namespace/name"; NULL: kube-proxy's own */
	struct kube_addr addr;	/* family 0, 0.0.0.0, ::: every address */
	uint16_t port;
	unsigned int local;	/* ready endpoints on this node */
	int fd;			/* -1: the port could not be listened on */
	long long rest;		/* ms: not polled until then (accept failed) */
	bool seen;		/* hc_sync(): still wanted */
};

struct hc_conn {
	int fd;
	uint16_t port;		/* the server's, looked up when answering */
	size_t got;
	long long deadline;	/* ms, CLOCK_MONOTONIC */
	char req[HC_REQ_MAX];
};

struct hc {
	struct hc_server *v;	/* the services' and kube-proxy's own */
	size_t n, size;
	bool eligible;		/* nodeEligible */
	/* kube-proxy's proxier health (proxy_health.go) */
	long long pending;	/* ms: the oldest change not applied; 0: none */
	long long health_timeout;	/* ms: unhealthy once one is this late */
	struct timespec updated;	/* CLOCK_REALTIME: the last change applied */
	struct hc_conn *conn[HC_MAX_CONNS];
	unsigned int nconn;
	long long retry;	/* ms: when to listen again where it failed */
	long long served;	/* ms: the last hc_serve() */
	/* Where the services' servers listen, if not every address. */
	struct kube_addr addrs[KUBE_MAX_NODE_IPS];
	unsigned int naddrs;
	bool narrowed;
};

long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct hc *hc_new(void)
{
	struct hc *hc = calloc(1, sizeof(struct hc));

	if (!hc)
		return NULL;
	hc->eligible = true;
	hc->health_timeout = 60000;
	clock_gettime(CLOCK_REALTIME, &hc->updated);
	return hc;
}

static void conn_close(struct hc *hc, unsigned int i)
{
	close(hc->conn[i]->fd);
	free(hc->conn[i]);
	hc->conn[i] = hc->conn[--hc->nconn];
}

static void server_close(struct hc_server *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->service);
}

void hc_free(struct hc *hc)
{
	size_t i;

	if (!hc)
		return;
	while (hc->nconn)
		conn_close(hc, 0);
	for (i = 0; i < hc->n; i++)
		server_close(&hc->v[i]);
	free(hc->v);
	free(hc);
}

/* A listening socket of @family bound to @sa, or -1 with errno set. */
static int listen_one(int family, const void *sa, socklen_t len)
{
	int fd, one = 1, zero = 0, defer = HC_TIMEOUT_MS / 1000, err;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (family == AF_INET6)	/* IPv4 too, on an unspecified address */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer));
	if (!bind(fd, sa, len) && !listen(fd, 16))
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* 0.0.0.0 and :: are every address, of both families, as in Go. */
static bool unspecified(const struct kube_addr *a)
{
	static const uint8_t zero[16];

	return !a->family || !memcmp(a->b, zero, a->family == AF_INET ? 4 : 16);
}

/*
 * A socket listening on @s's address, or on every address of the
 * namespace (IPv6 and IPv4, or IPv4 alone where there is no IPv6), or -1.
 */
static int server_listen(const struct hc_server *s)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(s->port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(s->port) };
	int fd;

	if (!unspecified(&s->addr) && s->addr.family == AF_INET6) {
		memcpy(&a6.sin6_addr, s->addr.b, 16);
		return listen_one(AF_INET6, &a6, sizeof(a6));
	}
	if (!unspecified(&s->addr)) {
		memcpy(&a4.sin_addr, s->addr.b, 4);
		return listen_one(AF_INET, &a4, sizeof(a4));
	}
	fd = listen_one(AF_INET6, &a6, sizeof(a6));
	if (fd >= 0 || (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL))
		return fd;
	return listen_one(AF_INET, &a4, sizeof(a4));	/* no IPv6 here */
}

/* A server of @service (NULL: kube-proxy's own) at the end of @hc->v. */
static struct hc_server *server_add(struct hc *hc, const char *service,
				    const struct kube_addr *addr, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];
	struct hc_server *s;

	if (hc->n == hc->size) {
		size_t size = hc->size * 2 + 8;

		s = realloc(hc->v, size * sizeof(*s));
		if (!s)
			return NULL;
		hc->v = s;
		hc->size = size;
	}
	s = &hc->v[hc->n];
	memset(s, 0, sizeof(*s));
	if (service && !(s->service = strdup(service)))
		return NULL;
	if (addr)
		s->addr = *addr;
	s->port = port;
	s->fd = server_listen(s);
	if (s->fd < 0 && service && unspecified(&s->addr))
		warn("%s: cannot serve health checks on port %u: %s", service, port,
		     strerror(errno));
	else if (s->fd < 0 && service)
		warn("%s: cannot serve health checks on %s port %u: %s", service,
		     inet_ntop(addr->family, addr->b, buf, sizeof(buf)), port, strerror(errno));
	else if (s->fd < 0 && unspecified(&s->addr))
		warn("cannot serve kube-proxy's health checks on port %u: %s", port,
		     strerror(errno));
	else if (s->fd < 0)
		warn("cannot serve kube-proxy's health checks on %s port %u: %s",
		     inet_ntop(addr->family, addr->b, buf, sizeof(buf)), port, strerror(errno));
	hc->n++;
	return s;
}

int hc_proxy(struct hc *hc, const struct kube_addr *addr, uint16_t port)
{
	const struct hc_server *s = server_add(hc, NULL, addr, port);

	if (!s)
		warn("out of memory");
	return s && s->fd >= 0 ? 0 : -1;
}

void hc_node_eligible(struct hc *hc, bool eligible)
{
	if (hc)
		hc->eligible = eligible;
}

void hc_health_timeout(struct hc *hc, long long ms)
{
	if (hc)
		hc->health_timeout = ms;
}

void hc_queued(struct hc *hc)
{
	if (hc && !hc->pending)
		hc->pending = mono_ms() ?: 1;
}

void hc_updated(struct hc *hc)
{
	if (!hc)
		return;
	hc->pending = 0;
	clock_gettime(CLOCK_REALTIME, &hc->updated);
}

/*
 * kube-proxy's isHealthy(): no change waits, or none has waited
 * health_timeout yet (the node's eligibility aside).
 */
static bool proxy_healthy(const struct hc *hc)
{
	return !hc->pending || mono_ms() - hc->pending < hc->health_timeout;
}

static bool addr_seen(const struct kube_addr *v, unsigned int n,
		      const struct kube_addr *a)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kube_addr_equal(&v[i], a))
			return true;
	return false;
}

/*
 * The ready endpoints on this node of @service: addresses, each once
 * across its ports (kube-proxy's getLocalReadyEndpointIPs(): a pod is one
 * endpoint whatever its ports), of the family that has more (kube-proxy
 * counts per family). @seen (of @size) is scratch.
 */
static unsigned int count_local(const struct kube_ports *ports, const char *service,
				struct kube_addr *seen, unsigned int size)
{
	unsigned int n = 0, n4 = 0, j;
	size_t i;

	for (i = 0; i < ports->n; i++) {
		const struct kube_port *kp = &ports->v[i];

		if (strcmp(kp->service, service))
			continue;
		for (j = 0; j < kp->neps && n < size; j++) {
			const struct kube_ep *e = &kp->eps[j];

			if ((e->flags & PODNET_EP_F_LOCAL) &&
			    !(e->flags & PODNET_EP_F_TERMINATING) &&
			    !addr_seen(seen, n, &e->addr)) {
				seen[n++] = e->addr;
				n4 += e->addr.family == AF_INET;
			}
		}
	}
	return n4 > n - n4 ? n4 : n - n4;
}

void hc_addresses(struct hc *hc, const struct kube_addr *addrs, unsigned int n)
{
	if (n > KUBE_MAX_NODE_IPS)
		n = KUBE_MAX_NODE_IPS;
	memcpy(hc->addrs, addrs, n * sizeof(*addrs));
	hc->naddrs = n;
	hc->narrowed = true;
}

static bool server_is(const struct hc_server *s, const char *service)
{
	return s->service && !strcmp(s->service, service);
}

/*
 * @service's servers, one an address they listen on, made to listen on
 * @port and to count @local endpoints; -1 if out of memory.
 */
static int service_servers(struct hc *hc, const char *service, uint16_t port,
			   unsigned int local)
{
	struct hc_server *s;
	bool any = false;
	unsigned int j;
	size_t i;

	for (i = 0; i < hc->n;) {
		s = &hc->v[i];
		if (!server_is(s, service)) {
			i++;
			continue;
		}
		if (s->port != port) {
			server_close(s);
			*s = hc->v[--hc->n];
			continue;
		}
		if (s->fd < 0)	/* tried again at each change */
			s->fd = server_listen(s);
		s->local = local;
		s->seen = true;
		any = true;
		i++;
	}
	for (j = 0; !any && j < (hc->narrowed ? hc->naddrs : 1); j++) {
		s = server_add(hc, service, hc->narrowed ? &hc->addrs[j] : NULL, port);
		if (!s)
			return -1;
		s->local = local;
		s->seen = true;
	}
	return 0;
}

void hc_sync(struct hc *hc, const char *service, const struct kube_ports *ports)
{
	struct kube_addr seen[1024];	/* a service's count stops there */
	struct hc_server *s;
	size_t i, j;

	for (i = 0; i < hc->n; i++)
		hc->v[i].seen = false;
	for (i = 0; i < ports->n; i++) {
		const struct kube_port *kp = &ports->v[i];
		unsigned int local;

		if (!kp->hc_port || (service && strcmp(kp->service, service)))
			continue;
		for (j = 0; j < hc->n; j++)	/* once for all its ports */
			if (hc->v[j].seen && server_is(&hc->v[j], kp->service))
				break;
		if (j < hc->n)
			continue;
		local = count_local(ports, kp->service, seen, sizeof(seen) / sizeof(seen[0]));
		if (service_servers(hc, kp->service, kp->hc_port, local) < 0) {
			warn("out of memory");
			return;
		}
	}
	for (i = 0; i < hc->n;) {
		s = &hc->v[i];
		if (s->service && !s->seen && (!service || !strcmp(s->service, service))) {
			server_close(s);
			*s = hc->v[--hc->n];
			continue;
		}
		i++;
	}
}

unsigned int hc_nfds(const struct hc *hc)
{
	return hc->n + hc->nconn;
}

unsigned int hc_pollfds(const struct hc *hc, struct pollfd *pfd)
{
	long long now = mono_ms();
	unsigned int i, n = 0;

	for (i = 0; i < hc->n; i++) {
		if (hc->v[i].fd < 0 || hc->v[i].rest > now)
			continue;
		pfd[n].fd = hc->v[i].fd;
		pfd[n++].events = POLLIN;
	}
	for (i = 0; i < hc->nconn; i++) {
		pfd[n].fd = hc->conn[i]->fd;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static void first(long long *at, long long t)
{
	if (*at < 0 || t < *at)
		*at = t;
}

int hc_timeout(const struct hc *hc)
{
	long long at = -1, now = mono_ms();
	unsigned int i;

	for (i = 0; i < hc->nconn; i++)
		first(&at, hc->conn[i]->deadline);
	for (i = 0; i < hc->n; i++) {
		if (hc->v[i].fd < 0)
			first(&at, hc->retry);
		else if (hc->v[i].rest > now)
			first(&at, hc->v[i].rest);
	}
	if (at < 0)
		return -1;
	return at > now ? (int)(at - now) : 0;
}

/* The connection that has waited longest. */
static unsigned int oldest(const struct hc *hc)
{
	unsigned int i, o = 0;

	for (i = 1; i < hc->nconn; i++)
		if (hc->conn[i]->deadline < hc->conn[o]->deadline)
			o = i;
	return o;
}

static bool conn_read(struct hc *hc, struct hc_conn *c);

static void accept_all(struct hc *hc, struct hc_server *s)
{
	struct hc_conn *c;
	int fd;

	for (;;) {
		fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				s->rest = mono_ms() + HC_RETRY_MS;
			return;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->port = s->port;
		c->got = 0;
		c->deadline = mono_ms() + HC_TIMEOUT_MS;
		/* Its request has come with it, as a rule (TCP_DEFER_ACCEPT). */
		if (conn_read(hc, c)) {
			close(fd);
			free(c);
			continue;
		}
		if (hc->nconn == HC_MAX_CONNS)
			conn_close(hc, oldest(hc));
		hc->conn[hc->nconn++] = c;
	}
}

/*
 * An HTTP answer, then the connection closes: @status, @type, @extra
 * header lines ("" or lines ending in CRLF), @body (not to a HEAD).
 * Small enough for any socket's send buffer: no partial write.
 */
static void respond(int fd, const char *status, const char *type, const char *extra,
		    const char *body, bool head_only)
{
	char head[512];
	int len;

	len = snprintf(head, sizeof(head),
		       "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
		       "X-Content-Type-Options: nosniff\r\n%s"
		       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		       status, type, extra, strlen(body));
	send(fd, head, len, MSG_NOSIGNAL | MSG_DONTWAIT | (head_only ? 0 : MSG_MORE));
	if (!head_only)
		send(fd, body, strlen(body), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/*
 * The answer to a request on @s's port (without its body to a HEAD): 0,
 * or -1 if it cannot be made.
 */
static int answer(const struct hc *hc, const struct hc_server *s, int fd, bool head_only)
{
	bool healthy = proxy_healthy(hc);
	const char *slash = strchr(s->service, '/');
	char weight[64], ns[256], *body = NULL;
	cJSON *o, *svc;

	if (!slash)
		return -1;
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - s->service), s->service);
	o = cJSON_CreateObject();
	svc = cJSON_AddObjectToObject(o, "service");
	if (svc && cJSON_AddStringToObject(svc, "namespace", ns) &&
	    cJSON_AddStringToObject(svc, "name", slash + 1) &&
	    cJSON_AddNumberToObject(o, "localEndpoints", s->local) &&
	    cJSON_AddBoolToObject(o, "serviceProxyHealthy", healthy))
		body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!body)
		return -1;
	snprintf(weight, sizeof(weight), "X-Load-Balancing-Endpoint-Weight: %u\r\n", s->local);
	respond(fd, s->local && healthy ? "200 OK" : "503 Service Unavailable",
		"application/json", weight, body, head_only);
	cJSON_free(body);
	return 0;
}

/* Go's time.Time.String() of @ts, in UTC: what kube-proxy's times look like. */
static void go_time(char *buf, size_t size, const struct timespec *ts)
{
	struct tm tm;
	char frac[16];
	int i;

	gmtime_r(&ts->tv_sec, &tm);
	snprintf(frac, sizeof(frac), ".%09ld", ts->tv_nsec);
	for (i = strlen(frac) - 1; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	if (i == 0)
		frac[0] = '\0';
	i = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + i, size - i, "%s +0000 UTC", frac);
}

/*
 * kube-proxy's own health server (pkg/proxy/healthcheck/proxy_health.go):
 * /healthz, 200 while no change has waited health_timeout to be applied
 * (hc_queued()) and this node takes load balancer traffic (503 once it is
 * leaving), /livez, the same without the node; anything else 404. While
 * healthy, lastUpdated is now (kube-proxy's, for older clients); otherwise
 * the last time everything was applied.
 */
static void answer_proxy(const struct hc *hc, int fd, const char *req)
{
	const char *path = strchr(req, ' ');
	bool healthy = proxy_healthy(hc), healthz;
	char body[256], now[64], last[64];
	const char *status = "200 OK";
	struct timespec ts;
	size_t len;

	path = path ? path + 1 : "";
	len = strcspn(path, " ?\r\n");
	clock_gettime(CLOCK_REALTIME, &ts);
	go_time(now, sizeof(now), &ts);
	healthz = len == 8 && !strncmp(path, "/healthz", 8);
	if (healthz)
		healthy &= hc->eligible;
	if (!healthy)
		status = "503 Service Unavailable";
	go_time(last, sizeof(last), healthy ? &ts : &hc->updated);
	if (healthz) {
		snprintf(body, sizeof(body),
			 "{\"lastUpdated\": \"%s\",\"currentTime\": \"%s\", \"nodeEligible\": %s}",
			 last, now, hc->eligible ? "true" : "false");
	} else if (len == 6 && !strncmp(path, "/livez", 6)) {
		snprintf(body, sizeof(body), "{\"lastUpdated\": \"%s\",\"currentTime\": \"%s\"}",
			 last, now);
	} else {
		status = "404 Not Found";
		snprintf(body, sizeof(body), "404 page not found\n");
	}
	respond(fd, status, *status == '4' ? "text/plain; charset=utf-8" : "application/json",
		"", body, !strncmp(req, "HEAD ", 5));
}

/* Read what @c has sent; true once it is to be closed (answered or not). */
static bool conn_read(struct hc *hc, struct hc_conn *c)
{
	const struct hc_server *s;
	ssize_t n;
	size_t i;

	n = recv(c->fd, c->req + c->got, sizeof(c->req) - 1 - c->got, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n <= 0)
		return true;
	c->got += n;
	c->req[c->got] = '\0';
	if (!strstr(c->req, "\r\n\r\n") && !strstr(c->req, "\n\n") &&
	    c->got < sizeof(c->req) - 1)
		return false;	/* the header is not all there yet */
	for (i = 0; i < hc->n; i++) {
		s = &hc->v[i];
		if (s->port != c->port || s->fd < 0)
			continue;
		if (s->service)
			answer(hc, s, c->fd, !strncmp(c->req, "HEAD ", 5));
		else
			answer_proxy(hc, c->fd, c->req);
		break;
	}
	/* What is left of the request, so that closing sends no reset. */
	for (i = 0; i < 16 && recv(c->fd, c->req, sizeof(c->req), MSG_DONTWAIT) > 0; i++)
		;
	return true;
}

void hc_serve(struct hc *hc, const struct pollfd *pfd, unsigned int n)
{
	long long now = mono_ms();
	unsigned int i, j;

	hc->served = now;
	for (i = 0; i < n; i++) {
		bool conn = false;

		if (!pfd[i].revents)
			continue;
		for (j = 0; j < hc->nconn && !conn; j++) {
			if (hc->conn[j]->fd != pfd[i].fd)
				continue;
			conn = true;
			if (conn_read(hc, hc->conn[j]))
				conn_close(hc, j);
		}
		for (j = 0; j < hc->n && !conn; j++)
			if (hc->v[j].fd == pfd[i].fd)
				accept_all(hc, &hc->v[j]);
	}
	for (i = 0; i < hc->nconn;) {
		if (hc->conn[i]->deadline <= now)
			conn_close(hc, i);
		else
			i++;
	}
	if (now < hc->retry)
		return;
	for (i = 0; i < hc->n; i++)
		if (hc->v[i].fd < 0)
			hc->v[i].fd = server_listen(&hc->v[i]);
	hc->retry = now + HC_RETRY_MS;
}

void hc_between(struct hc *hc)
{
	struct pollfd *pfd;
	unsigned int n;

	if (!hc || mono_ms() - hc->served < HC_BETWEEN_MS)
		return;
	pfd = calloc(hc_nfds(hc) + 1, sizeof(*pfd));
	if (!pfd)
		return;
	n = hc_pollfds(hc, pfd);
	if (poll(pfd, n, 0) >= 0)
		hc_serve(hc, pfd, n);
	free(pfd);
}
