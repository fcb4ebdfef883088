// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: send the podnet generic netlink family malformed and half-valid
 * requests, built from its attribute trees (uapi/linux/podnet.h), and read
 * every answer. Structure-aware: most attributes have their type's shape
 * and values from small pools (so that some requests succeed and later ones
 * act on what they made), some are garbage, out-of-range types, wrong
 * lengths, truncated messages, dumps with filters, dumps abandoned (the
 * socket closed with its answer unread). Half the requests are
 * well formed (then one in five gets a bit flipped), so that services,
 * endpoints and pods come and go and the commands' work is reached.
 *
 *   nlfuzz [-n MESSAGES] [-s SEED] [-j WRITERS]
 *   nlfuzz churn SECONDS RATE VIP PORT SET...
 *   nlfuzz eperm
 *
 * Runs in the current network namespace; WRITERS processes (default 1)
 * fuzz at once, each with its own seed (SEED + i). Prints one line per
 * writer: "writer I: N messages, A accepted, R refused (errno counts),
 * D dumps (B abandoned), T unanswered"; exits 0 if every message was
 * answered, 1 if one was not (a hung or lost answer), 2 on a usage or setup
 * error.
 *
 * eperm: every command of the family, well formed, and a dump of each GET,
 * for a caller without CAP_NET_ADMIN: one line "CMD NAME[ dump]: ERRNO" a
 * request, then "eperm: N requests, M refused with EPERM"; exits 0 if all
 * were.
 *
 * churn: for SECONDS, RATE a second (0: as fast as the kernel answers),
 * PODNET_CMD_ENDPOINT_SET
 * on the TCP service VIP:PORT (IPv4) with each SET in turn (SET: ADDR:PORT
 * endpoints separated by commas). One line a change: "change SENT RETURNED
 * INDEX REFUSED", times in CLOCK_MONOTONIC nanoseconds (when the request
 * was sent, when its ack came), INDEX the SET's (from 0), REFUSED 1 if the
 * kernel refused it; then "churn: N changes, R refused, in MS ms".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/podnet.h>

#define BUFSZ 65536
#define ALIGN4(n) (((n) + 3) & ~3u)

/* xorshift64*: reproducible from the seed. */
static uint64_t rs;

static uint32_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return (uint32_t)((rs * 0x2545F4914F6CDD1DULL) >> 32);
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int percent)
{
	return below(100) < percent;
}

/* A message being built. */
struct msg {
	unsigned char buf[BUFSZ];
	size_t len;
};

static void *put(struct msg *m, uint16_t type, const void *data, size_t dlen)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	size_t need = ALIGN4(NLA_HDRLEN + dlen);

	if (m->len + need > sizeof(m->buf))
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	memset((char *)a + NLA_HDRLEN + dlen, 0, need - NLA_HDRLEN - dlen);
	m->len += need;
	return a;
}

/* Attribute shapes. */
enum kind { K_U8, K_U16, K_U32, K_U64, K_STR, K_MAC, K_ADDR, K_NEST };

struct aset;
struct atype {
	enum kind kind;
	const struct aset *nested;	/* K_NEST: the set inside */
	const uint32_t *pool;		/* values to draw from, or NULL */
	unsigned int npool;
};

struct aset {
	unsigned int max;
	const struct atype *t;		/* indexed by type, 0 unused */
};

#define POOL(...) (const uint32_t[]){ __VA_ARGS__ }, \
	sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)

static const struct aset addr_set, addrs_set, pod_set, svc_set, ep_set, eps_set;

static const struct atype addr_t[] = {
	[PODNET_ADDR_A_IPV4] = { K_ADDR },
	[PODNET_ADDR_A_IPV6] = { K_ADDR },
};
static const struct aset addr_set = { PODNET_ADDR_A_MAX, addr_t };
/* PODNET_POD_A_ADDRS and PODNET_SVC_A_EXTERNAL: a list of addresses. */
static const struct aset addrs_set = { PODNET_ADDR_A_MAX, addr_t };

static const struct atype stats_t[] = { [1] = { K_U64 }, [2] = { K_U64 } };
static const struct aset stats_set = { 2, stats_t };

static const struct atype pod_t[] = {
	[PODNET_POD_A_IFINDEX] = { K_U32, NULL, POOL(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) },
	[PODNET_POD_A_IFNAME] = { K_STR },
	[PODNET_POD_A_ADDRS] = { K_NEST, &addrs_set },
	[PODNET_POD_A_MAC] = { K_MAC },
	[PODNET_POD_A_STATS] = { K_NEST, &stats_set },
	[PODNET_POD_A_PAD] = { K_U32 },
};
static const struct aset pod_set = { PODNET_POD_A_MAX, pod_t };

static const struct atype ep_t[] = {
	[PODNET_EP_A_ADDR] = { K_NEST, &addr_set },
	[PODNET_EP_A_PORT] = { K_U16, NULL, POOL(0, 1, 53, 80, 8080, 65535) },
	[PODNET_EP_A_WEIGHT] = { K_U16, NULL, POOL(0, 1, 2, 7, 65535) },
	[PODNET_EP_A_FLAGS] = { K_U32, NULL, POOL(0, 1, 2, 3, 4, 0xffffffff) },
	[PODNET_EP_A_CONNS] = { K_U64 },
	[PODNET_EP_A_PAD] = { K_U32 },
};
static const struct aset ep_set = { PODNET_EP_A_MAX, ep_t };

static const struct atype eps_t[] = {
	[PODNET_EPS_A_ENDPOINT] = { K_NEST, &ep_set },
};
static const struct aset eps_set = { PODNET_EPS_A_MAX, eps_t };

static const struct atype svc_t[] = {
	[PODNET_SVC_A_PROTO] = { K_U8, NULL, POOL(0, 1, 6, 17, 132, 255) },
	[PODNET_SVC_A_ADDR] = { K_NEST, &addr_set },
	[PODNET_SVC_A_PORT] = { K_U16, NULL, POOL(0, 53, 80, 443) },
	[PODNET_SVC_A_SCHED] = { K_U8, NULL, POOL(0, 1, 2, 3, 200) },
	[PODNET_SVC_A_AFFINITY] = { K_U32, NULL, POOL(0, 1, 10800, 86400, 86401) },
	[PODNET_SVC_A_NODEPORT] = { K_U16, NULL, POOL(0, 30080, 30081, 65535) },
	[PODNET_SVC_A_EXTERNAL] = { K_NEST, &addrs_set },
	[PODNET_SVC_A_POLICY] = { K_U8, NULL, POOL(0, 1, 2) },
	[PODNET_SVC_A_FLAGS] = { K_U32, NULL, POOL(0, 1, 2, 0x80000000) },
	[PODNET_SVC_A_STATS] = { K_NEST, &stats_set },
	[PODNET_SVC_A_ENDPOINTS] = { K_NEST, &eps_set },
	[PODNET_SVC_A_PAD] = { K_U32 },
};
static const struct aset svc_set = { PODNET_SVC_A_MAX, svc_t };

static const struct atype top_t[] = {
	[PODNET_A_DEV_IFINDEX] = { K_U32, NULL, POOL(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) },
	[PODNET_A_DEV_IFNAME] = { K_STR },
	[PODNET_A_POD] = { K_NEST, &pod_set },
	[PODNET_A_SERVICE] = { K_NEST, &svc_set },
	[PODNET_A_ENDPOINT] = { K_NEST, &ep_set },
	[PODNET_A_ENDPOINTS] = { K_NEST, &eps_set },
};
static const struct aset top_set = { PODNET_A_MAX, top_t };

static const char *const names[] = {
	"pn0", "pn1", "v1", "v2", "v3", "v4", "lo", "eth0", "", "nosuch",
	"0123456789abcdef",	/* IFNAMSIZ long: no room for the NUL */
};

/* A small pool of addresses: services, pods, the node's, odd ones. */
static void pick_addr(int v6, unsigned char *out)
{
	static const unsigned char v4[][4] = {
		{ 10, 96, 0, 1 }, { 10, 96, 0, 2 }, { 10, 244, 1, 2 },
		{ 10, 244, 1, 3 }, { 10, 244, 1, 1 }, { 127, 0, 0, 1 },
		{ 0, 0, 0, 0 }, { 224, 0, 0, 1 }, { 255, 255, 255, 255 },
		{ 192, 0, 2, 10 },
	};
	static const unsigned char v6p[][16] = {
		{ 0xfd, 0, [15] = 1 }, { 0xfd, 0, [15] = 2 },
		{ 0xfd, 0, 0x02, 0x44, [15] = 2 }, { [15] = 1 }, { 0 },
		{ 0xfe, 0x80, [15] = 1 }, { 0xff, 0x02, [15] = 1 },
		{ [10] = 0xff, [11] = 0xff, 10, 96, 0, 1 },
	};

	if (v6)
		memcpy(out, v6p[below(sizeof(v6p) / sizeof(v6p[0]))], 16);
	else
		memcpy(out, v4[below(sizeof(v4) / sizeof(v4[0]))], 4);
}

static void put_garbage(struct msg *m, unsigned int max_type)
{
	unsigned char junk[40];
	unsigned int i, n = below(sizeof(junk) + 1);

	for (i = 0; i < n; i++)
		junk[i] = chance(50) ? 0 : rnd();
	put(m, below(max_type + 3) | (chance(5) ? NLA_F_NESTED : 0), junk, n);
}

static void put_set(struct msg *m, const struct aset *set, int depth);

static void put_attr(struct msg *m, const struct aset *set, uint16_t type, int depth)
{
	const struct atype *t = &set->t[type];
	unsigned char b[16];
	uint32_t v;
	size_t len;

	v = t->pool && chance(85) ? t->pool[below(t->npool)] : rnd();
	switch (t->kind) {
	case K_U8:
	case K_U16:
	case K_U32:
	case K_U64:
		len = t->kind == K_U8 ? 1 : t->kind == K_U16 ? 2 :
		      t->kind == K_U32 ? 4 : 8;
		if (chance(5))	/* a wrong length */
			len = below(9);
		memset(b, 0, sizeof(b));
		memcpy(b, &v, len < 4 ? len : 4);
		put(m, type, b, len);
		break;
	case K_STR: {
		const char *s = names[below(sizeof(names) / sizeof(names[0]))];

		/* The NUL, mostly. */
		put(m, type, s, strlen(s) + (chance(90) ? 1 : 0));
		break;
	}
	case K_MAC:
		for (len = 0; len < 6; len++)
			b[len] = rnd();
		if (chance(30))
			b[0] &= 0xfe;	/* unicast */
		put(m, type, b, chance(90) ? 6 : below(9));
		break;
	case K_ADDR:
		pick_addr(type == PODNET_ADDR_A_IPV6 ? !chance(5) : chance(5), b);
		put(m, type, b, type == PODNET_ADDR_A_IPV6 ? 16 : 4);
		break;
	case K_NEST: {
		struct nlattr *nest = put(m, type | (chance(50) ? NLA_F_NESTED : 0), NULL, 0);
		size_t start = m->len;

		if (!nest)
			return;
		if (depth < 4)
			put_set(m, t->nested, depth + 1);
		nest->nla_len = NLA_HDRLEN + (m->len - start);
		break;
	}
	}
}

/* Up to a few attributes of @set, mostly well formed. */
static void put_set(struct msg *m, const struct aset *set, int depth)
{
	unsigned int i, n = below(set == &eps_set || set == &addrs_set ? 10 : 6);

	for (i = 0; i < n && m->len < BUFSZ - 256; i++) {
		uint16_t type = 1 + below(set->max);

		if (chance(8))
			put_garbage(m, set->max);
		else
			put_attr(m, set, type, depth);
	}
}

/*
 * Well-formed requests, from the same small pools: half of the messages,
 * so that services, endpoints and pods come and go and the commands' work
 * (endpoint set swaps, in-place changes, flushes, port teardown) is
 * reached, not only the policies. One in five is then damaged a little.
 */
static struct nlattr *nest_start(struct msg *m, uint16_t type)
{
	return put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, struct nlattr *nest, size_t start)
{
	if (nest)
		nest->nla_len = NLA_HDRLEN + (m->len - start);
}

/* A service key: TCP or UDP, one of three ClusterIPs, port 80 or 53. */
static int put_key(struct msg *m)
{
	static const unsigned char vip4[][4] = { { 10, 96, 0, 1 }, { 10, 96, 0, 2 } };
	static const unsigned char vip6[16] = { 0xfd, 0, [15] = 0x10 };
	int v6 = chance(25);
	uint8_t proto = chance(50) ? 6 : 17;
	uint16_t port = chance(50) ? 80 : 53;
	struct nlattr *a;
	size_t start;

	put(m, PODNET_SVC_A_PROTO, &proto, 1);
	a = nest_start(m, PODNET_SVC_A_ADDR);
	start = m->len;
	if (v6)
		put(m, PODNET_ADDR_A_IPV6, vip6, 16);
	else
		put(m, PODNET_ADDR_A_IPV4, vip4[below(2)], 4);
	nest_end(m, a, start);
	put(m, PODNET_SVC_A_PORT, &port, 2);
	return v6;
}

static void put_ep(struct msg *m, uint16_t type, int v6, int full)
{
	unsigned char b[16] = { 0xfd, 0, 0x02, 0x44, [15] = 2 };
	struct nlattr *e, *a;
	size_t s1, s2;
	uint16_t port = chance(50) ? 8080 : 5353, w = 1 + below(3);
	uint32_t flags = below(4);

	e = nest_start(m, type);
	s1 = m->len;
	a = nest_start(m, PODNET_EP_A_ADDR);
	s2 = m->len;
	if (v6) {
		b[15] = 2 + below(4);
		put(m, PODNET_ADDR_A_IPV6, b, 16);
	} else {
		unsigned char v4[4] = { 10, 244, 1, 2 + below(4) };

		put(m, PODNET_ADDR_A_IPV4, v4, 4);
	}
	nest_end(m, a, s2);
	put(m, PODNET_EP_A_PORT, &port, 2);
	if (full && chance(50))
		put(m, PODNET_EP_A_WEIGHT, &w, 2);
	if (full && chance(50))
		put(m, PODNET_EP_A_FLAGS, &flags, 4);
	nest_end(m, e, s1);
}

/*
 * A node: one of three names; to set, one of three underlay addresses and
 * pod prefixes (overlapping ones, to be refused), an encap and a VTEP MAC.
 */
static void put_node(struct msg *m, int full)
{
	static const char *const names[] = { "n1", "n2", "n3" };
	unsigned char ip[4] = { 192, 168, 50, 1 + below(3) };
	unsigned char pfx[4] = { 10, 245, below(3), 0 };
	unsigned char mac[6] = { 0x02, 0, 0, 0, 0, below(3) };
	uint8_t len = chance(80) ? 24 : 16, encap = below(2);
	struct nlattr *n, *a, *p, *q;
	size_t s1, s2, s3, s4;

	n = nest_start(m, PODNET_A_NODE);
	s1 = m->len;
	put(m, PODNET_NODE_A_NAME, names[below(3)], 3);
	if (full) {
		a = nest_start(m, PODNET_NODE_A_ADDRS);
		s2 = m->len;
		put(m, PODNET_ADDR_A_IPV4, ip, 4);
		nest_end(m, a, s2);
		a = nest_start(m, PODNET_NODE_A_CIDRS);
		s2 = m->len;
		p = nest_start(m, PODNET_PREFIXES_A_PREFIX);
		s3 = m->len;
		q = nest_start(m, PODNET_PREFIX_A_ADDR);
		s4 = m->len;
		put(m, PODNET_ADDR_A_IPV4, pfx, 4);
		nest_end(m, q, s4);
		put(m, PODNET_PREFIX_A_LEN, &len, 1);
		nest_end(m, p, s3);
		nest_end(m, a, s2);
		if (chance(50))
			put(m, PODNET_NODE_A_ENCAP, &encap, 1);
		if (!encap && chance(30))
			put(m, PODNET_NODE_A_VTEP_MAC, mac, 6);
	}
	nest_end(m, n, s1);
}

static void put_eps(struct msg *m, int v6)
{
	struct nlattr *n = nest_start(m, PODNET_A_ENDPOINTS);
	size_t start = m->len;
	unsigned int i, k = below(5);

	for (i = 0; i < k; i++)
		put_ep(m, PODNET_EPS_A_ENDPOINT, v6, 1);
	nest_end(m, n, start);
}

static void put_valid(struct msg *m, uint8_t cmd)
{
	static const char *const ports[] = { "v1", "v2", "v3", "v4" };
	struct nlattr *n, *a;
	size_t s1, s2;
	uint32_t v;
	int v6;

	switch (cmd) {
	case PODNET_CMD_POD_ADD:
	case PODNET_CMD_POD_DEL:
	case PODNET_CMD_POD_GET:
		if (cmd == PODNET_CMD_POD_ADD || chance(30))
			put(m, PODNET_A_DEV_IFNAME, chance(80) ? "pn0" : "pn1", 4);
		n = nest_start(m, PODNET_A_POD);
		s1 = m->len;
		put(m, PODNET_POD_A_IFNAME, ports[below(4)], 3);
		if (cmd == PODNET_CMD_POD_ADD) {
			unsigned char v4[4] = { 10, 244, 1, 2 + below(6) };

			a = nest_start(m, PODNET_POD_A_ADDRS);
			s2 = m->len;
			put(m, PODNET_ADDR_A_IPV4, v4, 4);
			nest_end(m, a, s2);
		}
		nest_end(m, n, s1);
		break;
	case PODNET_CMD_NODE_SET:
	case PODNET_CMD_NODE_DEL:
	case PODNET_CMD_NODE_GET:
		put_node(m, cmd == PODNET_CMD_NODE_SET);
		break;
	default:
		n = nest_start(m, PODNET_A_SERVICE);
		s1 = m->len;
		v6 = put_key(m);
		if (cmd == PODNET_CMD_SERVICE_ADD || cmd == PODNET_CMD_SERVICE_SET) {
			if (chance(50)) {
				v = below(3);
				put(m, PODNET_SVC_A_SCHED, &v, 1);
			}
			if (chance(30)) {
				v = 1 + below(600);
				put(m, PODNET_SVC_A_AFFINITY, &v, 4);
			}
			if (chance(40)) {
				v = 30080 + below(3);
				put(m, PODNET_SVC_A_NODEPORT, &v, 2);
			}
			if (chance(30)) {
				v = below(2);
				put(m, PODNET_SVC_A_POLICY, &v, 1);
			}
			if (chance(20)) {
				v = 1;
				put(m, PODNET_SVC_A_FLAGS, &v, 4);
			}
		}
		nest_end(m, n, s1);
		if (cmd == PODNET_CMD_ENDPOINT_ADD || cmd == PODNET_CMD_ENDPOINT_DEL)
			put_ep(m, PODNET_A_ENDPOINT, v6, cmd == PODNET_CMD_ENDPOINT_ADD);
		if (cmd == PODNET_CMD_ENDPOINT_SET ||
		    (cmd == PODNET_CMD_SERVICE_ADD && chance(50)))
			put_eps(m, v6);
		break;
	}
}

/* Resolve the family over CTRL_CMD_GETFAMILY. */
static int family_id(int fd)
{
	struct msg m = { .len = NLMSG_HDRLEN + GENL_HDRLEN };
	struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	static unsigned char rbuf[BUFSZ];
	struct nlattr *a;
	ssize_t n;
	int rem;

	put(&m, CTRL_ATTR_FAMILY_NAME, PODNET_GENL_NAME, sizeof(PODNET_GENL_NAME));
	h->nlmsg_len = m.len;
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	if (send(fd, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	h = (struct nlmsghdr *)rbuf;
	if (n < (ssize_t)NLMSG_HDRLEN || h->nlmsg_type == NLMSG_ERROR)
		return -1;
	a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	rem = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= ALIGN4(a->nla_len), a = (struct nlattr *)((char *)a + ALIGN4(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	return -1;
}

struct counts {
	unsigned long msgs, accepted, refused, dumps, abandoned, unanswered;
	unsigned long err[140];
};

/*
 * Read until the answer to @seq is complete (a dump's error or NLMSG_DONE
 * ends it, a request's ack ends it): the error it carries (0: accepted), or
 * -1 if none came.
 */
static int answer(int fd, uint32_t seq)
{
	static unsigned char rbuf[BUFSZ];

	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return -1;	/* timed out */
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			/* A GET reply or a dump's part: more follows. */
		}
	}
}

/* Count an answer's error @e (answer()): 0, or -1 if there was none. */
static int count(struct counts *c, int e)
{
	if (e < 0)
		return -1;
	if (!e) {
		c->accepted++;
	} else {
		c->refused++;
		c->err[e < 140 ? e : 0]++;
	}
	return 0;
}

/*
 * A generic netlink socket whose answers take at most 5 s, and the podnet
 * family's id in *@fam: the socket, or -1 (said on stderr).
 */
static int genl_open(int *fam)
{
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlfuzz: netlink socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*fam = family_id(fd);
	if (*fam < 0) {
		fprintf(stderr, "nlfuzz: no podnet family (is podnet.ko loaded?)\n");
		close(fd);
		return -1;
	}
	return fd;
}

static int writer(unsigned int id, uint64_t seed, unsigned long nmsgs)
{
	static struct msg m;
	struct counts c = { 0 };
	int fd, fam, one, i;
	unsigned long k;
	uint32_t seq = 1;

	rs = seed * 2654435761ULL + 0x9e3779b97f4a7c15ULL;
	fd = genl_open(&fam);
	if (fd < 0)
		return 2;
	for (k = 0; k < nmsgs; k++) {
		struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
		struct genlmsghdr *g = NLMSG_DATA(h);
		int dump = 0;

		memset(m.buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		m.len = NLMSG_HDRLEN + GENL_HDRLEN;
		g->cmd = below(PODNET_CMD_MAX + 3);
		g->version = chance(95) ? PODNET_GENL_VERSION : rnd();
		if (g->cmd && g->cmd <= PODNET_CMD_MAX && chance(50)) {
			put_valid(&m, g->cmd);
			/* A little damage: one byte of an attribute. */
			if (chance(20) && m.len > NLMSG_HDRLEN + GENL_HDRLEN)
				m.buf[NLMSG_HDRLEN + GENL_HDRLEN +
				      below(m.len - NLMSG_HDRLEN - GENL_HDRLEN)] ^= 1 << below(8);
		} else {
			put_set(&m, &top_set, 0);
		}
		h->nlmsg_len = m.len;
		h->nlmsg_type = fam;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		if ((g->cmd == PODNET_CMD_POD_GET || g->cmd == PODNET_CMD_SERVICE_GET ||
		     g->cmd == PODNET_CMD_NODE_GET) && chance(40)) {
			h->nlmsg_flags |= NLM_F_DUMP;
			dump = 1;
			c.dumps++;
		}
		if (chance(3) && h->nlmsg_len > NLMSG_HDRLEN + GENL_HDRLEN)
			h->nlmsg_len -= 1 + below(h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
		h->nlmsg_seq = ++seq;
		c.msgs++;
		if (send(fd, m.buf, h->nlmsg_len, 0) < 0) {
			/* The kernel may refuse a message outright. */
			c.refused++;
			c.err[errno < 140 ? errno : 0]++;
			continue;
		}
		if (dump && chance(10)) {
			/*
			 * Abandoned: the kernel ends the dump when the socket
			 * goes (netlink_release()), wherever it was.
			 */
			close(fd);
			c.abandoned++;
			fd = genl_open(&fam);
			if (fd < 0)
				return 2;
			continue;
		}
		if (count(&c, answer(fd, seq)) < 0)
			c.unanswered++;
	}
	printf("writer %u: %lu messages, %lu accepted, %lu refused (", id, c.msgs,
	       c.accepted, c.refused);
	for (i = 0, one = 0; i < 140; i++)
		if (c.err[i])
			printf("%s%s %lu", one++ ? ", " : "", i ? strerror(i) : "other", c.err[i]);
	printf("), %lu dumps (%lu abandoned), %lu unanswered\n", c.dumps,
	       c.abandoned, c.unanswered);
	fflush(stdout);
	close(fd);
	return c.unanswered ? 1 : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An address attribute @type: a nest holding one IPv4 address. */
static void put_addr4(struct msg *m, uint16_t type, const unsigned char *a4)
{
	struct nlattr *a = nest_start(m, type);
	size_t start = m->len;

	put(m, PODNET_ADDR_A_IPV4, a4, 4);
	nest_end(m, a, start);
}

/* ADDR:PORT as PODNET_EPS_A_ENDPOINT: 0, or -1 if it is none. */
static int put_ep_str(struct msg *m, const char *s)
{
	char buf[64], *colon;
	unsigned char a4[4];
	struct nlattr *e;
	size_t start;
	uint16_t port;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	port = strtoul(colon + 1, NULL, 10);
	if (!port || inet_pton(AF_INET, buf, a4) != 1)
		return -1;
	e = nest_start(m, PODNET_EPS_A_ENDPOINT);
	start = m->len;
	put_addr4(m, PODNET_EP_A_ADDR, a4);
	put(m, PODNET_EP_A_PORT, &port, 2);
	nest_end(m, e, start);
	return 0;
}

/* One ENDPOINT_SET request for VIP:PORT/tcp with the endpoints of @set. */
static int churn_msg(struct msg *m, int fam, uint32_t seq, const unsigned char *vip,
		     uint16_t port, char *set)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	uint8_t proto = 6;
	struct nlattr *n;
	size_t start;
	char *tok, *save, buf[1024];

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	g->cmd = PODNET_CMD_ENDPOINT_SET;
	g->version = PODNET_GENL_VERSION;
	n = nest_start(m, PODNET_A_SERVICE);
	start = m->len;
	put(m, PODNET_SVC_A_PROTO, &proto, 1);
	put_addr4(m, PODNET_SVC_A_ADDR, vip);
	put(m, PODNET_SVC_A_PORT, &port, 2);
	nest_end(m, n, start);
	n = nest_start(m, PODNET_A_ENDPOINTS);
	start = m->len;
	snprintf(buf, sizeof(buf), "%s", set);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (put_ep_str(m, tok))
			return -1;
	nest_end(m, n, start);
	h->nlmsg_len = m->len;
	h->nlmsg_type = fam;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = seq;
	return 0;
}

static int churn(int argc, char **argv)
{
	unsigned char vip[4];
	static struct msg m;
	struct counts c = { 0 };
	uint64_t t0, end, sent, ret, secs;
	unsigned long n = 0, refused, rate;
	uint16_t port;
	uint32_t seq = 1;
	int fd, fam, i, nsets;

	if (argc < 5 || inet_pton(AF_INET, argv[2], vip) != 1 ||
	    !(port = strtoul(argv[3], NULL, 10))) {
		fprintf(stderr, "usage: nlfuzz churn SECONDS RATE VIP PORT SET...\n");
		return 2;
	}
	secs = strtoull(argv[0], NULL, 10);
	rate = strtoul(argv[1], NULL, 10);
	argc--;
	argv++;
	nsets = argc - 3;
	fd = genl_open(&fam);
	if (fd < 0)
		return 2;
	t0 = now_ns();
	end = t0 + secs * 1000000000ULL;
	for (i = 0; now_ns() < end; i = (i + 1) % nsets, n++) {
		if (churn_msg(&m, fam, ++seq, vip, port, argv[3 + i])) {
			fprintf(stderr, "nlfuzz: churn: bad set '%s'\n", argv[3 + i]);
			return 2;
		}
		/* The n-th change no earlier than n / RATE seconds in. */
		while (rate && now_ns() < t0 + n * 1000000000ULL / rate)
			usleep(100);
		refused = c.refused;
		sent = now_ns();
		if (send(fd, m.buf, m.len, 0) < 0 || count(&c, answer(fd, seq)) < 0) {
			fprintf(stderr, "nlfuzz: churn: change %lu unanswered\n", n);
			return 1;
		}
		ret = now_ns();
		printf("change %llu %llu %d %d\n", (unsigned long long)sent,
		       (unsigned long long)ret, i, c.refused > refused);
	}
	printf("churn: %lu changes, %lu refused, in %llu ms\n", n, c.refused,
	       (unsigned long long)(now_ns() - t0) / 1000000);
	close(fd);
	return c.refused ? 1 : 0;
}

static int eperm(void)
{
	static struct msg m;
	unsigned int cmd, dump, n = 0, ok = 0;
	uint32_t seq = 1;
	int fd, fam, e;

	fd = genl_open(&fam);
	if (fd < 0)
		return 2;
	for (cmd = 1; cmd <= PODNET_CMD_MAX; cmd++) {
		for (dump = 0; dump < 2; dump++) {
			struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
			struct genlmsghdr *g = NLMSG_DATA(h);

			if (dump && cmd != PODNET_CMD_POD_GET &&
			    cmd != PODNET_CMD_SERVICE_GET &&
			    cmd != PODNET_CMD_NODE_GET)
				continue;
			memset(m.buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
			m.len = NLMSG_HDRLEN + GENL_HDRLEN;
			g->cmd = cmd;
			g->version = PODNET_GENL_VERSION;
			put_valid(&m, cmd);
			h->nlmsg_len = m.len;
			h->nlmsg_type = fam;
			h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
					 (dump ? NLM_F_DUMP : 0);
			h->nlmsg_seq = ++seq;
			n++;
			e = send(fd, m.buf, h->nlmsg_len, 0) < 0 ? errno :
			    answer(fd, seq);
			printf("cmd %u%s: %s\n", cmd, dump ? " dump" : "",
			       e < 0 ? "no answer" : e ? strerror(e) : "accepted");
			ok += e == EPERM;
		}
	}
	printf("eperm: %u requests, %u refused with EPERM\n", n, ok);
	close(fd);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long nmsgs = 10000, writers = 1, i;
	uint64_t seed = 1;
	int opt, rc = 0, st;

	if (argc > 1 && !strcmp(argv[1], "churn"))
		return churn(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "eperm"))
		return eperm();

	while ((opt = getopt(argc, argv, "n:s:j:")) != -1) {
		switch (opt) {
		case 'n':
			nmsgs = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'j':
			writers = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-n MESSAGES] [-s SEED] [-j WRITERS]\n");
			return 2;
		}
	}
	if (!writers || writers > 16)
		return fprintf(stderr, "nlfuzz: -j from 1 to 16\n"), 2;
	if (writers == 1)
		return writer(0, seed, nmsgs);
	for (i = 0; i < writers; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return perror("nlfuzz: fork"), 2;
		if (!pid)
			_exit(writer(i, seed + i, nmsgs));
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) > rc)
			rc = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
	return rc;
}
