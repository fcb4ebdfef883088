// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl service: service ports (ClusterIP, port, protocol) translated
 * to endpoints by podnet's conntrack NAT hooks; add, delete, show them.
 * Also what endpoint.c and monitor.c share about services: parsing and
 * printing service and endpoint words, replies, requests, and the batch
 * bookkeeping of both families.
 *
 *   service add SVC [sched random|rr|maglev] [affinity [SECONDS]]
 *	[nodeport PORT] [external ADDR]... [policy cluster|local] [masquerade]
 *   service del SVC
 *   service [show] [SVC]
 *
 * SVC is ADDR:PORT/PROTO: 10.96.0.10:53/udp, [fd00::10]:80/tcp.
 */
#include <errno.h>
#include <inttypes.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netlink/genl/genl.h>

#include "ipc.h"
#include "podnetctl.h"
#include "service.h"

/* Words */

static const struct word proto_words[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "sctp", IPPROTO_SCTP },
	{ NULL, 0 },
};

static const struct word sched_words[] = {
	{ "random", PODNET_SCHED_RANDOM },
	{ "rr", PODNET_SCHED_RR },
	{ "maglev", PODNET_SCHED_MAGLEV },
	{ NULL, 0 },
};

static const struct word policy_words[] = {
	{ "cluster", PODNET_POLICY_CLUSTER },
	{ "local", PODNET_POLICY_LOCAL },
	{ NULL, 0 },
};

static const char *word_name(const struct word *words, int id)
{
	for (; words->name; words++)
		if (words->id == id)
			return words->name;
	return NULL;
}

static const char *proto_name(uint8_t proto)
{
	return word_name(proto_words, proto) ?: "?";
}

/* Counter names, for JSON; the order of the human counters line. */
static const char *const stat_names[PODNET_SVC_STATS_A_MAX + 1] = {
	[PODNET_SVC_STATS_A_CONNS]	= "conns",
	[PODNET_SVC_STATS_A_PACKETS]	= "packets",
	[PODNET_SVC_STATS_A_BYTES]	= "bytes",
	[PODNET_SVC_STATS_A_REJECTED]	= "rejected",
};

/* Parsing and printing services and endpoints */

bool num_parse(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (*s - '0');
		if (n > max)
			return false;
	}
	if (!n)
		return false;
	*v = n;
	return true;
}

/*
 * "ADDR:PORT" or "[ADDR]:PORT" in @s, a copy of part of @token, modified.
 * @what ("service", "endpoint") and @form name it in errors.
 */
static int addr_port_parse(char *s, const char *token, const char *what,
			   const char *form, struct pn_addr *addr, uint16_t *port)
{
	unsigned long n;
	char *host, *p;

	if (*s == '[') {
		host = s + 1;
		p = strchr(host, ']');
		if (!p)
			return fail("invalid %s `%s': missing `]'", what, token);
		*p++ = '\0';
		if (*p != ':')
			return fail("invalid %s `%s': expected `:PORT' after `]'",
				    what, token);
		if (*host && !strchr(host, ':'))
			return fail("invalid %s `%s': only an IPv6 address goes in brackets",
				    what, token);
	} else {
		if (strpbrk(s, "[]"))
			return fail("invalid %s `%s': misplaced bracket", what, token);
		p = strchr(s, ':');
		if (!p)
			return fail("invalid %s `%s': expected %s", what, token, form);
		if (strchr(p + 1, ':'))
			return fail("invalid %s `%s': an IPv6 address goes in brackets, [ADDR]:PORT",
				    what, token);
		host = s;
	}
	*p++ = '\0';
	if (!*host)
		return fail("invalid %s `%s': expected %s", what, token, form);
	if (strchr(host, '/'))
		return fail("invalid %s `%s': an address takes no prefix length",
			    what, token);
	if (addr_parse(host, addr) < 0)
		return -1;
	if (!num_parse(p, 65535, &n))
		return fail("invalid %s `%s': port must be a number from 1 to 65535",
			    what, token);
	*port = n;
	return 0;
}

int svc_key_parse(const char *s, struct svc_key *key)
{
	char buf[SVC_STRLEN + 16], *slash;
	const struct word *w;

	memset(key, 0, sizeof(*key));
	if (strlen(s) >= sizeof(buf))
		return fail("invalid service `%s'", s);
	strcpy(buf, s);
	slash = strrchr(buf, '/');
	if (!slash || !slash[1])
		return fail("invalid service `%s': expected ADDR:PORT/PROTO", s);
	*slash++ = '\0';
	for (w = proto_words; w->name; w++)
		if (!strcasecmp(w->name, slash))
			break;
	if (!w->name)
		return fail("invalid service `%s': unknown protocol `%s' (tcp, udp or sctp)",
			    s, slash);
	key->proto = w->id;
	return addr_port_parse(buf, s, "service", "ADDR:PORT/PROTO", &key->addr,
			       &key->port);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int ep_parse(const char *s, const struct svc_key *svc, struct ep *ep)
{
	char buf[EP_STRLEN + 16];

	memset(ep, 0, sizeof(*ep));
	ep->weight = 1;
	if (strlen(s) >= sizeof(buf))
		return fail("invalid endpoint `%s'", s);
	strcpy(buf, s);
	if (addr_port_parse(buf, s, "endpoint", "ADDR:PORT", &ep->addr, &ep->port) < 0)
		return -1;
	if (ep->addr.family != svc->addr.family)
		return fail("invalid endpoint `%s': not %s like the service",
			    s, family_name(svc->addr.family));
	return 0;
}

static const char *addr_port_fmt(const struct pn_addr *addr, uint16_t port,
				 char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	addr_fmt(addr, a);
	if (addr->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
	return buf;
}

const char *svc_key_fmt(const struct svc_key *key, char buf[SVC_STRLEN])
{
	size_t len;

	addr_port_fmt(&key->addr, key->port, buf, SVC_STRLEN);
	len = strlen(buf);
	snprintf(buf + len, SVC_STRLEN - len, "/%s", proto_name(key->proto));
	return buf;
}

const char *ep_fmt(const struct ep *ep, char buf[EP_STRLEN])
{
	return addr_port_fmt(&ep->addr, ep->port, buf, EP_STRLEN);
}

bool ep_equal(const struct ep *a, const struct ep *b)
{
	return a->port == b->port && addr_equal(&a->addr, &b->addr);
}

void ep_list_free(struct ep_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int ep_list_add(struct ep_list *l, const struct ep *ep)
{
	/* Capacity: the next power of two (at least 8) above n. */
	if (l->n >= 8 && !(l->n & (l->n - 1))) {
		struct ep *v = realloc(l->v, 2 * l->n * sizeof(*v));

		if (!v)
			return fail("out of memory");
		l->v = v;
	} else if (!l->v) {
		l->v = malloc(8 * sizeof(*l->v));
		if (!l->v)
			return fail("out of memory");
	}
	l->v[l->n++] = *ep;
	return 0;
}

int ep_list_find(const struct ep_list *l, const struct ep *ep)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (ep_equal(&l->v[i], ep))
			return i;
	return -1;
}

/* Replies */

static struct nla_policy top_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_SERVICE]	= { .type = NLA_NESTED },
};

static struct nla_policy svc_policy[PODNET_SVC_A_MAX + 1] = {
	[PODNET_SVC_A_PROTO]	= { .type = NLA_U8 },
	[PODNET_SVC_A_ADDR]	= { .type = NLA_NESTED },
	[PODNET_SVC_A_PORT]	= { .type = NLA_U16 },
	[PODNET_SVC_A_SCHED]	= { .type = NLA_U8 },
	[PODNET_SVC_A_AFFINITY]	= { .type = NLA_U32 },
	[PODNET_SVC_A_NODEPORT]	= { .type = NLA_U16 },
	[PODNET_SVC_A_EXTERNAL]	= { .type = NLA_NESTED },
	[PODNET_SVC_A_POLICY]	= { .type = NLA_U8 },
	[PODNET_SVC_A_FLAGS]	= { .type = NLA_U32 },
	[PODNET_SVC_A_STATS]	= { .type = NLA_NESTED },
	[PODNET_SVC_A_ENDPOINTS] = { .type = NLA_NESTED },
};

static struct nla_policy ep_policy[PODNET_EP_A_MAX + 1] = {
	[PODNET_EP_A_ADDR]	= { .type = NLA_NESTED },
	[PODNET_EP_A_PORT]	= { .type = NLA_U16 },
	[PODNET_EP_A_WEIGHT]	= { .type = NLA_U16 },
	[PODNET_EP_A_FLAGS]	= { .type = NLA_U32 },
	[PODNET_EP_A_CONNS]	= { .type = NLA_U64 },
};

/* One PODNET_ADDR_A_* attribute; 1 if it is of a kind unknown here. */
static int addr_attr(const struct nlattr *a, struct pn_addr *addr)
{
	int family;

	switch (nla_type(a)) {
	case PODNET_ADDR_A_IPV4:
		family = AF_INET;
		break;
	case PODNET_ADDR_A_IPV6:
		family = AF_INET6;
		break;
	default:
		return 1;	/* a newer kernel's kind of address */
	}
	if (nla_len(a) != (int)addr_len(family))
		return fail("malformed reply: address of %d bytes", nla_len(a));
	memset(addr, 0, sizeof(*addr));
	addr->family = family;
	memcpy(addr->bytes, nla_data(a), nla_len(a));
	return 0;
}

/* A nest holding one address. */
static int one_addr(struct nlattr *nest, struct pn_addr *addr)
{
	struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		err = addr_attr(a, addr);
		if (err <= 0)
			return err;
	}
	return fail("malformed reply: address missing");
}

static int reply_external(struct nlattr *nest, struct svc_info *svc)
{
	struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		if (svc->next == PODNET_SVC_MAX_EXTERNAL)
			return fail("malformed reply: more than %d external addresses",
				    PODNET_SVC_MAX_EXTERNAL);
		err = addr_attr(a, &svc->ext[svc->next]);
		if (err < 0)
			return -1;
		if (!err)
			svc->next++;
	}
	return 0;
}

static int parse_stats(struct nlattr *nest, struct svc_info *svc)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type > PODNET_SVC_STATS_A_MAX || !stat_names[type])
			continue;	/* padding, or a newer counter */
		if (nla_len(a) != sizeof(uint64_t))
			return fail("malformed reply: counter of %d bytes", nla_len(a));
		svc->stats[type] = nla_get_u64(a);
	}
	svc->has_stats = true;
	return 0;
}

static int parse_ep(struct nlattr *nest, struct ep *ep)
{
	struct nlattr *tb[PODNET_EP_A_MAX + 1];

	memset(ep, 0, sizeof(*ep));
	if (nla_parse_nested(tb, PODNET_EP_A_MAX, nest, ep_policy) < 0 ||
	    !tb[PODNET_EP_A_ADDR] || !tb[PODNET_EP_A_PORT])
		return fail("malformed reply: endpoint without address or port");
	if (one_addr(tb[PODNET_EP_A_ADDR], &ep->addr) < 0)
		return -1;
	ep->port = nla_get_u16(tb[PODNET_EP_A_PORT]);
	ep->weight = tb[PODNET_EP_A_WEIGHT] ? nla_get_u16(tb[PODNET_EP_A_WEIGHT]) : 1;
	if (tb[PODNET_EP_A_FLAGS])
		ep->flags = nla_get_u32(tb[PODNET_EP_A_FLAGS]);
	if (tb[PODNET_EP_A_CONNS])
		ep->conns = nla_get_u64(tb[PODNET_EP_A_CONNS]);
	return 0;
}

static int parse_eps(struct nlattr *nest, struct svc_info *svc)
{
	struct nlattr *a;
	struct ep ep;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PODNET_EPS_A_ENDPOINT)
			continue;
		if (parse_ep(a, &ep) < 0 || ep_list_add(&svc->eps, &ep) < 0)
			return -1;
	}
	return 0;
}

int svc_info_parse(struct nl_msg *msg, struct svc_info *svc)
{
	struct nlattr *tb[PODNET_A_MAX + 1], *sb[PODNET_SVC_A_MAX + 1];

	memset(svc, 0, sizeof(*svc));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PODNET_A_MAX, top_policy) < 0 ||
	    !tb[PODNET_A_SERVICE] ||
	    nla_parse_nested(sb, PODNET_SVC_A_MAX, tb[PODNET_A_SERVICE], svc_policy) < 0 ||
	    !sb[PODNET_SVC_A_PROTO] || !sb[PODNET_SVC_A_ADDR] || !sb[PODNET_SVC_A_PORT])
		return fail("malformed reply from the kernel");

	svc->key.proto = nla_get_u8(sb[PODNET_SVC_A_PROTO]);
	svc->key.port = nla_get_u16(sb[PODNET_SVC_A_PORT]);
	if (one_addr(sb[PODNET_SVC_A_ADDR], &svc->key.addr) < 0)
		return -1;
	if (sb[PODNET_SVC_A_SCHED])
		svc->sched = nla_get_u8(sb[PODNET_SVC_A_SCHED]);
	if (sb[PODNET_SVC_A_POLICY])
		svc->policy = nla_get_u8(sb[PODNET_SVC_A_POLICY]);
	if (sb[PODNET_SVC_A_FLAGS])
		svc->flags = nla_get_u32(sb[PODNET_SVC_A_FLAGS]);
	if (sb[PODNET_SVC_A_AFFINITY])
		svc->affinity = nla_get_u32(sb[PODNET_SVC_A_AFFINITY]);
	if (sb[PODNET_SVC_A_NODEPORT])
		svc->nodeport = nla_get_u16(sb[PODNET_SVC_A_NODEPORT]);
	if ((sb[PODNET_SVC_A_EXTERNAL] && reply_external(sb[PODNET_SVC_A_EXTERNAL], svc) < 0) ||
	    (sb[PODNET_SVC_A_STATS] && parse_stats(sb[PODNET_SVC_A_STATS], svc) < 0) ||
	    (sb[PODNET_SVC_A_ENDPOINTS] && parse_eps(sb[PODNET_SVC_A_ENDPOINTS], svc) < 0)) {
		svc_info_free(svc);
		return -1;
	}
	return 0;
}

void svc_info_free(struct svc_info *svc)
{
	ep_list_free(&svc->eps);
}

/* Printing */

void svc_info_print(const struct svc_info *svc, FILE *f)
{
	const char *sched = word_name(sched_words, svc->sched);
	const char *policy = word_name(policy_words, svc->policy);
	char buf[SVC_STRLEN];
	unsigned int i;

	fputs(svc_key_fmt(&svc->key, buf), f);
	if (sched)
		fprintf(f, " sched %s", sched);
	else
		fprintf(f, " sched %u", svc->sched);
	if (svc->affinity)
		fprintf(f, " affinity %" PRIu32, svc->affinity);
	if (svc->nodeport)
		fprintf(f, " nodeport %u", svc->nodeport);
	for (i = 0; i < svc->next; i++)
		fprintf(f, " external %s", addr_fmt(&svc->ext[i], buf));
	if (policy)
		fprintf(f, " policy %s", policy);
	else
		fprintf(f, " policy %u", svc->policy);
	if (svc->flags & PODNET_SVC_F_MASQUERADE)
		fputs(" masquerade", f);
	if (svc->flags & ~PODNET_SVC_F_ALL)
		fprintf(f, " flags %#" PRIx32, svc->flags & ~PODNET_SVC_F_ALL);
}

void ep_print(const struct ep *ep, bool conns, FILE *f)
{
	char buf[EP_STRLEN];

	fprintf(f, "%s weight %u", ep_fmt(ep, buf), ep->weight);
	if (ep->flags & PODNET_EP_F_LOCAL)
		fputs(" local", f);
	if (ep->flags & PODNET_EP_F_TERMINATING)
		fputs(" terminating", f);
	if (ep->flags & ~PODNET_EP_F_ALL)
		fprintf(f, " flags %#" PRIx32, ep->flags & ~PODNET_EP_F_ALL);
	if (conns)
		fprintf(f, " conns %" PRIu64, ep->conns);
}

static void svc_stats_print(const struct svc_info *svc, FILE *f)
{
	const uint64_t *s = svc->stats;

	fprintf(f, "  conns %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
		" rejected %" PRIu64 "\n",
		s[PODNET_SVC_STATS_A_CONNS], s[PODNET_SVC_STATS_A_PACKETS],
		s[PODNET_SVC_STATS_A_BYTES], s[PODNET_SVC_STATS_A_REJECTED]);
}

static cJSON *ep_json(const struct ep *ep, bool conns)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddItemToObject(o, "addr", json_addr(&ep->addr));
	cJSON_AddNumberToObject(o, "port", ep->port);
	cJSON_AddNumberToObject(o, "weight", ep->weight);
	cJSON_AddBoolToObject(o, "local", !!(ep->flags & PODNET_EP_F_LOCAL));
	cJSON_AddBoolToObject(o, "terminating", !!(ep->flags & PODNET_EP_F_TERMINATING));
	if (conns)
		json_add_u64(o, "conns", ep->conns);
	return o;
}

cJSON *svc_info_json(const struct svc_info *svc)
{
	const char *sched = word_name(sched_words, svc->sched);
	const char *policy = word_name(policy_words, svc->policy);
	cJSON *o = cJSON_CreateObject(), *a, *stats;
	char buf[SVC_STRLEN];
	unsigned int i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "service", svc_key_fmt(&svc->key, buf));
	cJSON_AddStringToObject(o, "proto", proto_name(svc->key.proto));
	cJSON_AddItemToObject(o, "addr", json_addr(&svc->key.addr));
	cJSON_AddNumberToObject(o, "port", svc->key.port);
	if (sched)
		cJSON_AddStringToObject(o, "sched", sched);
	else
		cJSON_AddNumberToObject(o, "sched", svc->sched);
	if (svc->affinity)
		cJSON_AddNumberToObject(o, "affinity", svc->affinity);
	else
		cJSON_AddNullToObject(o, "affinity");
	if (svc->nodeport)
		cJSON_AddNumberToObject(o, "nodeport", svc->nodeport);
	else
		cJSON_AddNullToObject(o, "nodeport");
	a = cJSON_AddArrayToObject(o, "external");
	for (i = 0; a && i < svc->next; i++)
		cJSON_AddItemToArray(a, json_addr(&svc->ext[i]));
	if (policy)
		cJSON_AddStringToObject(o, "policy", policy);
	else
		cJSON_AddNumberToObject(o, "policy", svc->policy);
	cJSON_AddBoolToObject(o, "masquerade", !!(svc->flags & PODNET_SVC_F_MASQUERADE));
	if (svc->has_stats) {
		stats = cJSON_AddObjectToObject(o, "stats");
		for (i = 0; stats && i < ARRAY_SIZE(stat_names); i++)
			if (stat_names[i])
				json_add_u64(stats, stat_names[i], svc->stats[i]);
	}
	a = cJSON_AddArrayToObject(o, "endpoints");
	for (i = 0; a && i < svc->eps.n; i++) {
		cJSON *e = ep_json(&svc->eps.v[i], svc->has_stats);

		if (!e) {
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddItemToArray(a, e);
	}
	return o;
}

/* monitor */

static const char *const event_names[][2] = {	/* human, JSON */
	[PODNET_CMD_SERVICE_ADD]	= { "service add", "add" },
	[PODNET_CMD_SERVICE_DEL]	= { "service del", "del" },
	[PODNET_CMD_ENDPOINT_ADD]	= { "endpoint add", "endpoint_add" },
	[PODNET_CMD_ENDPOINT_DEL]	= { "endpoint del", "endpoint_del" },
	[PODNET_CMD_ENDPOINT_SET]	= { "endpoint set", "endpoint_set" },
};

/*
 *   service add 10.96.0.10:53/udp sched rr policy cluster
 *   endpoint set 10.96.0.10:53/udp 10.244.1.2:5353 weight 1 local, 10.244.1.3:5353 weight 1
 *   {"event":"endpoint_set","service":{...,"endpoints":[...]}}
 *
 * The endpoint events carry the service with the endpoint set the command
 * left, not the endpoint it added or removed.
 */
int service_event(uint8_t cmd, struct nl_msg *msg)
{
	struct svc_info svc;
	cJSON *o, *s;
	char buf[SVC_STRLEN];
	unsigned int i;

	if (cmd >= ARRAY_SIZE(event_names) || !event_names[cmd][0])
		return 0;
	if (svc_info_parse(msg, &svc) < 0)
		return -1;
	if (!opts.json) {
		printf("%s ", event_names[cmd][0]);
		if (cmd == PODNET_CMD_SERVICE_ADD || cmd == PODNET_CMD_SERVICE_DEL) {
			svc_info_print(&svc, stdout);
		} else {
			fputs(svc_key_fmt(&svc.key, buf), stdout);
			if (!svc.eps.n)
				fputs(" none", stdout);
			for (i = 0; i < svc.eps.n; i++) {
				fputs(i ? ", " : " ", stdout);
				ep_print(&svc.eps.v[i], false, stdout);
			}
		}
		putchar('\n');
		fflush(stdout);
		svc_info_free(&svc);
		return 0;
	}
	o = cJSON_CreateObject();
	s = svc_info_json(&svc);
	svc_info_free(&svc);
	if (!o || !s) {
		cJSON_Delete(o);
		cJSON_Delete(s);
		return fail("out of memory");
	}
	cJSON_AddStringToObject(o, "event", event_names[cmd][1]);
	cJSON_AddItemToObject(o, "service", s);
	return json_print(o, true);
}

/*
 * Requests. Every attribute is labelled with what was typed for it (in
 * canonical form), for the kernel's error messages.
 */

static int put_addr(struct nl_msg *msg, const struct pn_addr *a)
{
	return nla_put(msg, a->family == AF_INET ? PODNET_ADDR_A_IPV4 :
		       PODNET_ADDR_A_IPV6, addr_len(a->family), a->bytes);
}

/* Labels formatted when an error names them (ipc_label_fmt()). */
static void label_svc(const void *val, char *buf, size_t size)
{
	char b[SVC_STRLEN];

	snprintf(buf, size, "%s", svc_key_fmt(val, b));
}

static void label_ep(const void *val, char *buf, size_t size)
{
	char b[EP_STRLEN];

	snprintf(buf, size, "%s", ep_fmt(val, b));
}

static void label_addr(const void *val, char *buf, size_t size)
{
	char b[ADDR_STRLEN];

	snprintf(buf, size, "%s", addr_fmt(val, b));
}

static void label_u32(const void *val, char *buf, size_t size)
{
	uint32_t n;

	memcpy(&n, val, sizeof(n));
	snprintf(buf, size, "%" PRIu32, n);
}

#define label_val(ipc, msg, fn, p) ipc_label_fmt(ipc, msg, fn, p, sizeof(*(p)))

static void label_num(struct ipc *ipc, struct nl_msg *msg, uint32_t n)
{
	label_val(ipc, msg, label_u32, &n);
}

/* @type: a nest holding @a, both labelled with @fn(@val) (@len bytes). */
static int put_addr_nest(struct ipc *ipc, struct nl_msg *msg, int type,
			 const struct pn_addr *a, ipc_label_fn fn,
			 const void *val, size_t len)
{
	struct nlattr *nest;

	ipc_label_fmt(ipc, msg, fn, val, len);
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -1;
	ipc_label_fmt(ipc, msg, fn, val, len);
	if (put_addr(msg, a))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

/* Open PODNET_A_SERVICE with the key in it: the caller ends the nest. */
static struct nlattr *put_key(struct ipc *ipc, struct nl_msg *msg,
			      const struct svc_key *key)
{
	struct nlattr *nest;

	label_val(ipc, msg, label_svc, key);
	nest = nla_nest_start(msg, PODNET_A_SERVICE);
	if (!nest)
		return NULL;
	ipc_label(ipc, msg, proto_name(key->proto));
	if (nla_put_u8(msg, PODNET_SVC_A_PROTO, key->proto) ||
	    put_addr_nest(ipc, msg, PODNET_SVC_A_ADDR, &key->addr, label_addr,
			  &key->addr, sizeof(key->addr)))
		return NULL;
	label_num(ipc, msg, key->port);
	if (nla_put_u16(msg, PODNET_SVC_A_PORT, key->port))
		return NULL;
	return nest;
}

/* PODNET_A_SERVICE naming the service @key, and nothing else. */
static int put_svc(struct ipc *ipc, struct nl_msg *msg, const struct svc_key *key)
{
	struct nlattr *nest = put_key(ipc, msg, key);

	if (!nest)
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_spec(struct ipc *ipc, struct nl_msg *msg, const struct svc_info *svc)
{
	struct nlattr *nest = put_key(ipc, msg, &svc->key), *ext;
	unsigned int i;

	if (!nest)
		return -1;
	ipc_label(ipc, msg, word_name(sched_words, svc->sched) ?: "sched");
	if (nla_put_u8(msg, PODNET_SVC_A_SCHED, svc->sched))
		return -1;
	if (svc->affinity) {
		label_num(ipc, msg, svc->affinity);
		if (nla_put_u32(msg, PODNET_SVC_A_AFFINITY, svc->affinity))
			return -1;
	}
	if (svc->nodeport) {
		label_num(ipc, msg, svc->nodeport);
		if (nla_put_u16(msg, PODNET_SVC_A_NODEPORT, svc->nodeport))
			return -1;
	}
	if (svc->next) {
		ext = nla_nest_start(msg, PODNET_SVC_A_EXTERNAL);
		if (!ext)
			return -1;
		for (i = 0; i < svc->next; i++) {
			label_val(ipc, msg, label_addr, &svc->ext[i]);
			if (put_addr(msg, &svc->ext[i]))
				return -1;
		}
		nla_nest_end(msg, ext);
	}
	ipc_label(ipc, msg, word_name(policy_words, svc->policy) ?: "policy");
	if (nla_put_u8(msg, PODNET_SVC_A_POLICY, svc->policy))
		return -1;
	if (svc->flags) {
		ipc_label(ipc, msg, svc->flags == PODNET_SVC_F_MASQUERADE ?
			  "masquerade" : "flags");
		if (nla_put_u32(msg, PODNET_SVC_A_FLAGS, svc->flags))
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* An endpoint nest of @type; weight and flags if @full and not defaults. */
static int put_ep(struct ipc *ipc, struct nl_msg *msg, int type,
		  const struct ep *ep, bool full)
{
	struct nlattr *nest;

	label_val(ipc, msg, label_ep, ep);
	nest = nla_nest_start(msg, type);
	/* The kernel blames the address for a family mismatch. */
	if (!nest || put_addr_nest(ipc, msg, PODNET_EP_A_ADDR, &ep->addr,
				   label_ep, ep, sizeof(*ep)))
		return -1;
	label_num(ipc, msg, ep->port);
	if (nla_put_u16(msg, PODNET_EP_A_PORT, ep->port))
		return -1;
	if (full && ep->weight != 1) {
		label_num(ipc, msg, ep->weight);
		if (nla_put_u16(msg, PODNET_EP_A_WEIGHT, ep->weight))
			return -1;
	}
	if (full && ep->flags) {
		label_val(ipc, msg, label_ep, ep);
		if (nla_put_u32(msg, PODNET_EP_A_FLAGS, ep->flags))
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int too_long(struct nl_msg *msg)
{
	nlmsg_free(msg);
	return fail("netlink message too long");
}

static int get_one_cb(struct nl_msg *msg, void *arg)
{
	return svc_info_parse(msg, arg);
}

int svc_get(struct ipc *ipc, const struct svc_key *key, struct svc_info *svc)
{
	struct nl_msg *msg = ipc_msg(ipc, PODNET_CMD_SERVICE_GET, 0);
	int err;

	memset(svc, 0, sizeof(*svc));
	if (!msg)
		return -ENOMEM;
	if (put_svc(ipc, msg, key)) {
		too_long(msg);
		return -EMSGSIZE;
	}
	err = ipc_transact(ipc, msg, get_one_cb, svc);
	if (err < 0)
		svc_info_free(svc);
	return err < 0 ? err : 0;
}

int svc_del_send(struct ipc *ipc, const struct svc_key *key)
{
	struct nl_msg *msg = ipc_msg(ipc, PODNET_CMD_SERVICE_DEL, 0);

	if (!msg)
		return -1;
	if (put_svc(ipc, msg, key))
		return too_long(msg);
	return ipc_transact(ipc, msg, NULL, NULL) < 0 ? -1 : 0;
}

int ep_one_send(struct ipc *ipc, uint8_t cmd, const struct svc_key *key,
		const struct ep *ep)
{
	struct nl_msg *msg = ipc_msg(ipc, cmd, 0);

	if (!msg)
		return -1;
	/* Weight and flags left out are 1 and none, not "unchanged". */
	if (put_svc(ipc, msg, key) ||
	    put_ep(ipc, msg, PODNET_A_ENDPOINT, ep, cmd == PODNET_CMD_ENDPOINT_ADD))
		return too_long(msg);
	return ipc_transact(ipc, msg, NULL, NULL) < 0 ? -1 : 0;
}

/* A request with room for @n endpoints (at most 52 bytes each: IPv6, weight, flags). */
static struct nl_msg *eps_msg(struct ipc *ipc, uint8_t cmd, unsigned int n)
{
	struct nl_msg *msg = ipc_msg(ipc, cmd, 0);
	size_t size = 512 + (size_t)n * 64;

	if (msg && size > nlmsg_get_max_size(msg) && nlmsg_expand(msg, size) < 0) {
		nlmsg_free(msg);
		fail("out of memory");
		return NULL;
	}
	return msg;
}

/* PODNET_A_ENDPOINTS: @eps, with their weights and flags; consumes @msg on error. */
static int put_eps(struct ipc *ipc, struct nl_msg *msg, const struct ep_list *eps)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PODNET_A_ENDPOINTS);
	if (!nest)
		return too_long(msg);
	for (i = 0; i < eps->n; i++)
		if (put_ep(ipc, msg, PODNET_EPS_A_ENDPOINT, &eps->v[i], true))
			return too_long(msg);
	/* An empty set is a set: keep the nest. */
	if (nla_nest_end_keep_empty(msg, nest) < 0) {
		nlmsg_free(msg);
		return fail("too many endpoints (%u) for one netlink attribute", eps->n);
	}
	return 0;
}

/* PODNET_CMD_SERVICE_ADD; the labels of @eps (if any) tagged @eps_tag. */
static int svc_add_tagged(struct ipc *ipc, const struct svc_info *svc,
			  const struct ep_list *eps, unsigned int eps_tag)
{
	struct nl_msg *msg = eps_msg(ipc, PODNET_CMD_SERVICE_ADD, eps ? eps->n : 0);
	unsigned int tag = ipc->tag;
	int err = 0;

	if (!msg)
		return -1;
	if (put_spec(ipc, msg, svc))
		return too_long(msg);
	if (eps) {
		ipc->tag = eps_tag;
		err = put_eps(ipc, msg, eps);
		ipc->tag = tag;
	}
	if (err < 0)
		return -1;
	return ipc_transact(ipc, msg, NULL, NULL) < 0 ? -1 : 0;
}

int svc_add_send(struct ipc *ipc, const struct svc_info *svc,
		 const struct ep_list *eps)
{
	return svc_add_tagged(ipc, svc, eps, ipc->tag);
}

int ep_set_send(struct ipc *ipc, const struct svc_key *key, const struct ep_list *eps)
{
	struct nl_msg *msg = eps_msg(ipc, PODNET_CMD_ENDPOINT_SET, eps->n);

	if (!msg)
		return -1;
	if (put_svc(ipc, msg, key))
		return too_long(msg);
	if (put_eps(ipc, msg, eps) < 0)
		return -1;
	return ipc_transact(ipc, msg, NULL, NULL) < 0 ? -1 : 0;
}

/*
 * Batches. A batch's lines changing the same service are linked at parse
 * time (struct svc_cmd.prev) through a tree of services, each holding its
 * latest line. Before the first of them is sent, one dump records every
 * service (the snapshot: svc_batch_save()); their requests are then
 * pipelined, and when the batch fails, every service its applied lines
 * changed is made as the snapshot has it (svc_batch_restore()).
 */

static void *tracked;		/* tsearch() tree of struct svc_cmd * */
static unsigned int ntracked;	/* commands that hold it */
static unsigned int nservices;	/* services in it */

static void snapshot_free(void);

static int key_cmp(const struct svc_key *a, const struct svc_key *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.bytes, b->addr.bytes, addr_len(a->addr.family));
}

static int track_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct svc_cmd *)a)->svc.key,
		       &((const struct svc_cmd *)b)->svc.key);
}

static void track_noop(void *p)
{
	(void)p;
}

int svc_cmd_track(struct svc_cmd *sc)
{
	struct svc_cmd **node;

	if (!opts.batch)
		return 0;
	node = (struct svc_cmd **)tsearch(sc, &tracked, track_cmp);
	if (!node)
		return fail("out of memory");
	if (*node != sc) {
		sc->prev = *node;
		*node = sc;
	} else {
		nservices++;
	}
	sc->tracked = true;
	ntracked++;
	return 0;
}

struct svc_cmd *svc_cmd_new(enum svc_op op, const struct cmd_ops *ops)
{
	struct svc_cmd *sc = calloc(1, sizeof(*sc));

	if (!sc) {
		fail("out of memory");
		return NULL;
	}
	sc->op = op;
	sc->cmd.ops = ops;
	sc->ep.weight = 1;
	return sc;
}

void svc_cmd_free(struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);

	if (sc->tracked && !--ntracked) {
		tdestroy(tracked, track_noop);
		tracked = NULL;
		nservices = 0;
		snapshot_free();
	}
	svc_info_free(&sc->svc);
	free(sc);
}

/* service add, service del */

static int svc_add_run(struct ipc *ipc, struct cmd *cmd)
{
	return svc_add_send(ipc, &to_svc_cmd(cmd)->svc, NULL);
}

/* Endpoint sets up to this size go with their service add. */
#define JOIN_MAX_EPS 256

/*
 * "service add S" and then "endpoint set S ...": one request, the service
 * created with its endpoints (as the restore of a batch does too).
 */
static int svc_add_run_joined(struct ipc *ipc, struct cmd *cmd, struct cmd *next)
{
	struct svc_cmd *sc = to_svc_cmd(cmd), *nc;

	/* The endpoint family's lines are svc_cmds, linked by service. */
	if (next->ops->free != svc_cmd_free)
		return 0;
	nc = to_svc_cmd(next);
	if (nc->op != EP_SET || nc->prev != sc || nc->svc.eps.n > JOIN_MAX_EPS)
		return 0;
	/* The endpoints are the next line's. */
	return svc_add_tagged(ipc, &sc->svc, &nc->svc.eps, ipc->tag + 1) < 0 ? -1 : 1;
}

static int svc_del_run(struct ipc *ipc, struct cmd *cmd)
{
	return svc_del_send(ipc, &to_svc_cmd(cmd)->svc.key);
}

/* service show */

struct svc_list {
	struct svc_info *v;
	size_t n, size;
};

static void svc_list_clear(struct svc_list *l)
{
	while (l->n)
		svc_info_free(&l->v[--l->n]);
}

/*
 * A dump message. One that repeats the previous message's service carries
 * more of its endpoints (the kernel cuts a service too large for one
 * message): they are appended.
 */
static int list_cb(struct nl_msg *msg, void *arg)
{
	struct svc_list *l = arg;

	if (l->n == l->size) {
		size_t size = l->size ? 2 * l->size : 16;
		struct svc_info *v = realloc(l->v, size * sizeof(*v));

		if (!v)
			return fail("out of memory");
		l->v = v;
		l->size = size;
	}
	if (svc_info_parse(msg, &l->v[l->n]) < 0)
		return -1;
	if (l->n && !key_cmp(&l->v[l->n - 1].key, &l->v[l->n].key)) {
		struct ep_list *to = &l->v[l->n - 1].eps;
		struct svc_info *more = &l->v[l->n];
		unsigned int i;
		int err = 0;

		for (i = 0; i < more->eps.n && !err; i++)
			err = ep_list_add(to, &more->eps.v[i]);
		svc_info_free(more);
		return err;
	}
	l->n++;
	return 0;
}

static int svc_dump(struct ipc *ipc, struct svc_list *l)
{
	bool grown = false;
	struct nl_msg *msg;
	int err, tries;

	/*
	 * The kernel fills each part of a dump up to what the reader's
	 * last recvmsg() asked for, up to 32 KiB: ask for that much, fewer
	 * messages. A dump that failed with EMSGSIZE before the kernel saw
	 * it is tried again.
	 */
	nl_socket_set_msg_buf_size(ipc->sk, 32768);
	for (tries = 0; ; tries++) {
		svc_list_clear(l);
		msg = ipc_msg(ipc, PODNET_CMD_SERVICE_GET, NLM_F_DUMP);
		if (!msg)
			return -1;
		err = ipc_transact(ipc, msg, list_cb, l);
		if (err == -EMSGSIZE && !grown) {
			grown = true;
			continue;
		}
		if (err != IPC_DUMP_INTR)
			return err < 0 ? -1 : 0;
		if (tries == 3) {
			warn("services changed during the dump: the list may be inconsistent");
			return 0;
		}
	}
}

/* A batch's snapshot, and putting it back */

static struct svc_list snapshot;	/* sorted by key_cmp() */

static void snapshot_free(void)
{
	svc_list_clear(&snapshot);
	free(snapshot.v);
	memset(&snapshot, 0, sizeof(snapshot));
}

static int snapshot_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct svc_info *)a)->key,
		       &((const struct svc_info *)b)->key);
}

static int snapshot_find_cmp(const void *key, const void *elem)
{
	return key_cmp(key, &((const struct svc_info *)elem)->key);
}

/*
 * One dump of all services, taken only if the batch changes some: a GET
 * of each one the batch names would cost a round trip a line.
 */
int svc_batch_save(struct ipc *ipc)
{
	if (!ntracked)
		return 0;
	if (svc_dump(ipc, &snapshot) < 0)
		return -1;
	qsort(snapshot.v, snapshot.n, sizeof(*snapshot.v), snapshot_cmp);
	return 0;
}

/* What is sent to put a service back; a request's tag is 4 * index + this. */
enum restore_step { RESTORE_DEL, RESTORE_ADD, RESTORE_SET };

/**
 * struct restore - a service that applied lines of the batch changed
 * @key: its key
 * @before: the service in the snapshot, or NULL if it was not there
 * @recreate: a service add or del of it was applied: delete it and add
 *	it back (settings, endpoints) rather than set its endpoints only
 * @failed: a request putting it back failed (and was reported)
 */
struct restore {
	const struct svc_key *key;
	const struct svc_info *before;
	bool recreate;
	bool failed;
};

/* twalk() takes no argument: the restore being built. */
static struct restore *restores;
static unsigned int nrestores;

static void restore_collect(const void *node, VISIT which, int depth)
{
	const struct svc_cmd *sc = *(struct svc_cmd *const *)node, *p;
	bool changed = false, recreate = false;
	struct restore *r;

	(void)depth;
	if (which != postorder && which != leaf)
		return;
	for (p = sc; p; p = p->prev) {
		if (!p->cmd.applied)
			continue;
		changed = true;
		if (p->op == SVC_ADD || p->op == SVC_DEL)
			recreate = true;
	}
	if (!changed)
		return;
	r = &restores[nrestores++];
	r->key = &sc->svc.key;
	r->before = bsearch(r->key, snapshot.v, snapshot.n, sizeof(*snapshot.v),
			    snapshot_find_cmp);
	r->recreate = recreate;
	r->failed = false;
}

/* "podnetctl: cannot restore SVC: `REQUEST' failed: MESSAGE" */
static void restore_report(struct restore *r, enum restore_step step,
			   const char *msg)
{
	char buf[SVC_STRLEN], ebuf[EP_STRLEN];
	unsigned int i;

	if (r->failed)
		return;		/* the first failure says enough */
	r->failed = true;
	fflush(stdout);
	fprintf(stderr, PROG ": cannot restore %s: `", svc_key_fmt(r->key, buf));
	switch (step) {
	case RESTORE_DEL:
		fprintf(stderr, "service del %s", buf);
		break;
	case RESTORE_ADD:
		fputs("service add ", stderr);
		svc_info_print(r->before, stderr);
		break;
	case RESTORE_SET:
		fprintf(stderr, "endpoint set %s ", buf);
		if (!r->before->eps.n)
			fputs("none", stderr);
		for (i = 0; i < r->before->eps.n; i++)
			fprintf(stderr, "%s%s", i ? "," : "",
				ep_fmt(&r->before->eps.v[i], ebuf));
		break;
	}
	fprintf(stderr, "' failed: %s\n", msg);
}

static void restore_ack(void *arg, unsigned int tag, int error, const char *msg)
{
	struct restore *r = &restores[tag / 4];

	(void)arg;
	/* A service the batch added may be gone already. */
	if (error && !(tag % 4 == RESTORE_DEL && error == -ENOENT))
		restore_report(r, tag % 4, msg);
}

static void restore_send(struct ipc *ipc, unsigned int i, enum restore_step step)
{
	struct restore *r = &restores[i];
	int err;

	ipc->tag = 4 * i + step;
	switch (step) {
	case RESTORE_DEL:
		err = svc_del_send(ipc, r->key);
		break;
	case RESTORE_ADD:
		err = svc_add_send(ipc, r->before, &r->before->eps);
		break;
	default:
		err = ep_set_send(ipc, r->key, &r->before->eps);
		break;
	}
	if (err < 0)
		restore_report(r, step, fail_msg());
}

void svc_batch_restore(struct ipc *ipc)
{
	unsigned int i;

	if (!tracked)
		return;
	restores = calloc(nservices, sizeof(*restores));
	if (!restores) {
		warn("cannot restore the services: out of memory");
		return;
	}
	nrestores = 0;
	twalk(tracked, restore_collect);
	if (ipc_pipeline(ipc, restore_ack, NULL) < 0)
		warn("%s", fail_msg());
	/* Deletions first: an old service may take back a new one's NodePort. */
	for (i = 0; i < nrestores; i++)
		if (!restores[i].before || restores[i].recreate)
			restore_send(ipc, i, RESTORE_DEL);
	for (i = 0; i < nrestores; i++) {
		const struct restore *r = &restores[i];

		if (!r->before)
			continue;
		/* Added back with its endpoints, or its endpoints set. */
		restore_send(ipc, i, r->recreate ? RESTORE_ADD : RESTORE_SET);
	}
	if (ipc_pipeline(ipc, NULL, NULL) < 0)
		warn("cannot restore the services: %s", fail_msg());
	free(restores);
	restores = NULL;
}

static int svc_show_print(const struct svc_list *l)
{
	cJSON *arr;
	size_t i;
	unsigned int j;

	if (!opts.json) {
		for (i = 0; i < l->n; i++) {
			const struct svc_info *svc = &l->v[i];

			svc_info_print(svc, stdout);
			putchar('\n');
			if (svc->has_stats)
				svc_stats_print(svc, stdout);
			for (j = 0; j < svc->eps.n; j++) {
				fputs("  ", stdout);
				ep_print(&svc->eps.v[j], svc->has_stats, stdout);
				putchar('\n');
			}
		}
		fflush(stdout);
		return 0;
	}
	arr = cJSON_CreateArray();
	if (!arr)
		return fail("out of memory");
	for (i = 0; i < l->n; i++) {
		cJSON *o = svc_info_json(&l->v[i]);

		if (!o) {
			cJSON_Delete(arr);
			return fail("out of memory");
		}
		cJSON_AddItemToArray(arr, o);
	}
	return json_print(arr, false);
}

static int svc_show_run(struct ipc *ipc, struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);
	struct svc_list l = { 0 };
	int ret;

	if (sc->key_given) {
		l.v = malloc(sizeof(*l.v));
		if (!l.v)
			return fail("out of memory");
		ret = svc_get(ipc, &sc->svc.key, l.v) < 0 ? -1 : 0;
		l.n = !ret;
	} else {
		ret = svc_dump(ipc, &l);
	}
	if (!ret)
		ret = svc_show_print(&l);
	svc_list_clear(&l);
	free(l.v);
	return ret;
}

/* Canonical forms, for --dry-run and undo messages. */

static void svc_print(const struct cmd *cmd, FILE *f)
{
	const struct svc_cmd *sc = to_svc_cmd_const(cmd);
	const struct svc_info *svc = &sc->svc;
	char buf[SVC_STRLEN];
	unsigned int i;

	switch (sc->op) {
	case SVC_ADD:
		fprintf(f, "service add %s", svc_key_fmt(&svc->key, buf));
		if (sc->given & GIVEN_SCHED)
			fprintf(f, " sched %s", word_name(sched_words, svc->sched));
		if (sc->given & GIVEN_AFFINITY)
			fprintf(f, " affinity %" PRIu32, svc->affinity);
		if (sc->given & GIVEN_NODEPORT)
			fprintf(f, " nodeport %u", svc->nodeport);
		for (i = 0; i < svc->next; i++)
			fprintf(f, " external %s", addr_fmt(&svc->ext[i], buf));
		if (sc->given & GIVEN_POLICY)
			fprintf(f, " policy %s", word_name(policy_words, svc->policy));
		if (sc->given & GIVEN_MASQ)
			fputs(" masquerade", f);
		break;
	case SVC_DEL:
		fprintf(f, "service del %s", svc_key_fmt(&svc->key, buf));
		break;
	case SVC_SHOW:
		fputs("service show", f);
		if (sc->key_given)
			fprintf(f, " %s", svc_key_fmt(&svc->key, buf));
		break;
	default:
		fputs("service help", f);
		break;
	}
}

static int svc_help_run(struct ipc *ipc, struct cmd *cmd)
{
	(void)ipc;
	(void)cmd;
	service_usage(stdout);
	return 0;
}

static const struct cmd_ops svc_ops[] = {
	[SVC_ADD] = {
		.run = svc_add_run, .run_joined = svc_add_run_joined,
		.print = svc_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[SVC_DEL] = {
		.run = svc_del_run, .print = svc_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[SVC_SHOW] = {
		.run = svc_show_run, .print = svc_print, .free = svc_cmd_free,
	},
	[SVC_HELP] = {
		.run = svc_help_run, .print = svc_print, .free = svc_cmd_free,
		.flags = CMD_LOCAL,
	},
};

/* Parsing */

static bool is_keyword(const char *s)
{
	static const char *const kw[] = {
		"sched", "affinity", "nodeport", "external", "policy", "masquerade",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw); i++)
		if (!strcmp(s, kw[i]))
			return true;
	return false;
}

/* "WORD VALUE" given twice: "duplicate `WORD VALUE'" */
static int duplicate(int argc, char **argv, int i)
{
	if (i + 1 < argc && !is_keyword(argv[i + 1]))
		return fail("duplicate `%s %s'", argv[i], argv[i + 1]);
	return fail("duplicate `%s'", argv[i]);
}

/*
 * "external ADDR [ADDR]...": addresses up to the next keyword, or up to a
 * word that does not look like an address at all (no '.' or ':').
 */
static int parse_external(int argc, char **argv, int *i, struct svc_info *svc)
{
	int first = *i + 1;

	if (first == argc || is_keyword(argv[first]))
		return fail("`external' needs an address");
	for (; *i + 1 < argc; ++*i) {
		const char *s = argv[*i + 1];
		struct pn_addr a;
		unsigned int j;

		if (*i + 1 > first && (is_keyword(s) || !strpbrk(s, ".:")))
			break;
		if (strchr(s, '/'))
			return fail("invalid external address `%s': an address takes no prefix length", s);
		if (addr_parse(s, &a) < 0)
			return -1;
		if (a.family != svc->key.addr.family)
			return fail("invalid external address `%s': not %s like the service",
				    s, family_name(svc->key.addr.family));
		if (addr_equal(&a, &svc->key.addr))
			return fail("invalid external address `%s': it is the service's address", s);
		for (j = 0; j < svc->next; j++)
			if (addr_equal(&a, &svc->ext[j]))
				return fail("duplicate external address `%s'", s);
		if (svc->next == PODNET_SVC_MAX_EXTERNAL)
			return fail("too many external addresses at `%s' (at most %d)",
				    s, PODNET_SVC_MAX_EXTERNAL);
		svc->ext[svc->next++] = a;
	}
	return 0;
}

static int parse_add(int argc, char **argv, struct svc_cmd *sc)
{
	struct svc_info *svc = &sc->svc;
	unsigned long n;
	int i, id;

	if (argc < 1)
		return fail("service add needs a service (ADDR:PORT/PROTO)");
	if (svc_key_parse(argv[0], &svc->key) < 0)
		return -1;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "sched")) {
			if (sc->given & GIVEN_SCHED)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`sched' needs random, rr or maglev");
			id = word_lookup(sched_words, argv[i], "scheduler");
			if (id < 0)
				return -1;
			svc->sched = id;
			sc->given |= GIVEN_SCHED;
		} else if (!strcmp(w, "affinity")) {
			if (sc->given & GIVEN_AFFINITY)
				return duplicate(argc, argv, i);
			svc->affinity = SVC_AFFINITY_DEFAULT;
			sc->given |= GIVEN_AFFINITY;
			/* The timeout is optional: a word starting with a digit is it. */
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				if (!num_parse(argv[++i], SVC_AFFINITY_MAX, &n))
					return fail("invalid affinity timeout `%s' (1 to %d seconds)",
						    argv[i], SVC_AFFINITY_MAX);
				svc->affinity = n;
			}
		} else if (!strcmp(w, "nodeport")) {
			if (sc->given & GIVEN_NODEPORT)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`nodeport' needs a port");
			if (!num_parse(argv[i], 65535, &n))
				return fail("invalid NodePort `%s' (1 to 65535)", argv[i]);
			svc->nodeport = n;
			sc->given |= GIVEN_NODEPORT;
		} else if (!strcmp(w, "external")) {
			if (parse_external(argc, argv, &i, svc) < 0)
				return -1;
		} else if (!strcmp(w, "policy")) {
			if (sc->given & GIVEN_POLICY)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`policy' needs cluster or local");
			id = word_lookup(policy_words, argv[i], "policy");
			if (id < 0)
				return -1;
			svc->policy = id;
			sc->given |= GIVEN_POLICY;
		} else if (!strcmp(w, "masquerade")) {
			if (sc->given & GIVEN_MASQ)
				return duplicate(argc, argv, i);
			svc->flags |= PODNET_SVC_F_MASQUERADE;
			sc->given |= GIVEN_MASQ;
		} else {
			return fail("service add: unexpected argument `%s'", w);
		}
	}
	return 0;
}

static int parse_del(int argc, char **argv, struct svc_cmd *sc)
{
	if (argc < 1)
		return fail("service del needs a service (ADDR:PORT/PROTO)");
	if (argc > 1)
		return fail("service del: unexpected argument `%s'", argv[1]);
	return svc_key_parse(argv[0], &sc->svc.key);
}

static int parse_show(int argc, char **argv, struct svc_cmd *sc)
{
	if (argc > 1)
		return fail("service show: unexpected argument `%s'", argv[1]);
	if (argc == 1) {
		if (svc_key_parse(argv[0], &sc->svc.key) < 0)
			return -1;
		sc->key_given = true;
	}
	return 0;
}

static const struct word svc_words[] = {
	{ "add", SVC_ADD },
	{ "del", SVC_DEL },
	{ "delete", SVC_DEL },
	{ "show", SVC_SHOW },
	{ "list", SVC_SHOW },
	{ "help", SVC_HELP },
	{ NULL, 0 },
};

int service_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct svc_cmd *sc;
	int op = SVC_SHOW, err = 0;

	if (argc > 0) {
		op = word_lookup(svc_words, argv[0], "service command");
		if (op < 0)
			return -1;
		argc--;
		argv++;
	}
	sc = svc_cmd_new(op, &svc_ops[op]);
	if (!sc)
		return -1;
	switch (op) {
	case SVC_ADD:
		err = parse_add(argc, argv, sc);
		break;
	case SVC_DEL:
		err = parse_del(argc, argv, sc);
		break;
	case SVC_SHOW:
		err = parse_show(argc, argv, sc);
		break;
	default:
		if (argc)
			err = fail("service help: unexpected argument `%s'", argv[0]);
		break;
	}
	if (!err && (op == SVC_ADD || op == SVC_DEL))
		err = svc_cmd_track(sc);
	if (err) {
		svc_cmd_free(&sc->cmd);
		return -1;
	}
	*cmdp = &sc->cmd;
	return 0;
}

void service_usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " service add SVC [sched random|rr|maglev] [affinity [SECONDS]]\n"
		"                 [nodeport PORT] [external ADDR]... [policy cluster|local]\n"
		"                 [masquerade]\n"
		"       " PROG " service del SVC\n"
		"       " PROG " service [show] [SVC]\n"
		"SVC is ADDR:PORT/PROTO, the ClusterIP, port and protocol (tcp, udp, sctp):\n"
		"10.96.0.10:53/udp, [fd00::10]:80/tcp. affinity alone is %d seconds\n"
		"(at most %d); at most %d external addresses, of the ClusterIP's family.\n"
		"Endpoints: " PROG " help endpoint.\n",
		SVC_AFFINITY_DEFAULT, SVC_AFFINITY_MAX, PODNET_SVC_MAX_EXTERNAL);
}
