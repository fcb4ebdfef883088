// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: services and endpoints on the wire: parsing the kernel's
 * replies and notifications, building requests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ipc.h"
#include "podnetctl.h"
#include "service.h"

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
	[PODNET_SVC_A_INTERNAL_POLICY] = { .type = NLA_U8 },
	[PODNET_SVC_A_LB]	= { .type = NLA_NESTED },
	[PODNET_SVC_A_SOURCE_RANGES] = { .type = NLA_NESTED },
	[PODNET_SVC_A_OWNER]	= { .type = NLA_U32 },
	[PODNET_SVC_A_NAME]	= { .type = NLA_STRING },
};

static struct nla_policy prefix_policy[PODNET_PREFIX_A_MAX + 1] = {
	[PODNET_PREFIX_A_ADDR]	= { .type = NLA_NESTED },
	[PODNET_PREFIX_A_LEN]	= { .type = NLA_U8 },
};

static struct nla_policy ep_policy[PODNET_EP_A_MAX + 1] = {
	[PODNET_EP_A_ADDR]	= { .type = NLA_NESTED },
	[PODNET_EP_A_PORT]	= { .type = NLA_U16 },
	[PODNET_EP_A_WEIGHT]	= { .type = NLA_U16 },
	[PODNET_EP_A_FLAGS]	= { .type = NLA_U32 },
	[PODNET_EP_A_CONNS]	= { .type = NLA_U64 },
};

/* A nest holding one address. */
static int one_addr(struct nlattr *nest, struct pn_addr *addr)
{
	unsigned int n;

	if (ipc_addrs_parse(nest, addr, 1, &n, "addresses") < 0)
		return -1;
	return n ? 0 : fail("malformed reply: address missing");
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

int prefixes_parse(struct nlattr *nest, struct pn_prefix *p, unsigned int max,
		   unsigned int *n)
{
	struct nlattr *a, *tb[PODNET_PREFIX_A_MAX + 1];
	int rem;

	*n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PODNET_PREFIXES_A_PREFIX)
			continue;
		if (*n == max)
			return fail("malformed reply: too many prefixes");
		if (nla_parse_nested(tb, PODNET_PREFIX_A_MAX, a, prefix_policy) < 0 ||
		    !tb[PODNET_PREFIX_A_ADDR] || !tb[PODNET_PREFIX_A_LEN] ||
		    one_addr(tb[PODNET_PREFIX_A_ADDR], &p[*n].addr) < 0)
			return fail("malformed reply: bad prefix");
		p[(*n)++].len = nla_get_u8(tb[PODNET_PREFIX_A_LEN]);
	}
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
	if (sb[PODNET_SVC_A_INTERNAL_POLICY])
		svc->ipolicy = nla_get_u8(sb[PODNET_SVC_A_INTERNAL_POLICY]);
	if (sb[PODNET_SVC_A_OWNER])
		svc->owner = nla_get_u32(sb[PODNET_SVC_A_OWNER]);
	if (sb[PODNET_SVC_A_NAME])
		nla_strlcpy(svc->name, sb[PODNET_SVC_A_NAME], sizeof(svc->name));
	svc->has_stats = sb[PODNET_SVC_A_STATS];
	if ((sb[PODNET_SVC_A_EXTERNAL] || sb[PODNET_SVC_A_LB] ||
	     sb[PODNET_SVC_A_SOURCE_RANGES]) && svc_addrs_get(svc) < 0)
		return -1;
	if ((sb[PODNET_SVC_A_EXTERNAL] &&
	     ipc_addrs_parse(sb[PODNET_SVC_A_EXTERNAL], svc->addrs->ext,
			     PODNET_SVC_MAX_EXTERNAL, &svc->next, "external addresses") < 0) ||
	    (sb[PODNET_SVC_A_LB] &&
	     ipc_addrs_parse(sb[PODNET_SVC_A_LB], svc->addrs->lb, PODNET_SVC_MAX_EXTERNAL,
			     &svc->nlb, "LoadBalancer addresses") < 0) ||
	    (sb[PODNET_SVC_A_SOURCE_RANGES] &&
	     prefixes_parse(sb[PODNET_SVC_A_SOURCE_RANGES], svc->addrs->ranges,
			    PODNET_SVC_MAX_SOURCE_RANGES, &svc->nranges) < 0) ||
	    (sb[PODNET_SVC_A_STATS] &&
	     ipc_stats_parse(sb[PODNET_SVC_A_STATS], svc_stat_names,
			     PODNET_SVC_STATS_A_MAX, svc->stats) < 0) ||
	    (sb[PODNET_SVC_A_ENDPOINTS] && parse_eps(sb[PODNET_SVC_A_ENDPOINTS], svc) < 0)) {
		svc_info_free(svc);
		return -1;
	}
	return 0;
}

void svc_info_free(struct svc_info *svc)
{
	ep_list_free(&svc->eps);
	free(svc->addrs);
	svc->addrs = NULL;
	svc->next = svc->nlb = svc->nranges = 0;
}

int svc_addrs_get(struct svc_info *svc)
{
	if (!svc->addrs)
		svc->addrs = calloc(1, sizeof(*svc->addrs));
	return svc->addrs ? 0 : fail("out of memory");
}

int svc_info_copy(struct svc_info *dst, const struct svc_info *src)
{
	*dst = *src;
	dst->eps = (struct ep_list){ 0 };
	dst->addrs = NULL;
	if (!src->addrs)
		return 0;
	dst->addrs = malloc(sizeof(*dst->addrs));
	if (!dst->addrs) {
		dst->next = dst->nlb = dst->nranges = 0;
		return fail("out of memory");
	}
	*dst->addrs = *src->addrs;
	return 0;
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

static void label_prefix(const void *val, char *buf, size_t size)
{
	char b[PREFIX_STRLEN];

	snprintf(buf, size, "%s", prefix_fmt(val, b));
}

/* A nest of @type holding @n addresses, unless @n is 0. */
static int put_addrs(struct ipc *ipc, struct nl_msg *msg, int type,
		     const struct pn_addr *a, unsigned int n)
{
	struct nlattr *nest;
	unsigned int i;

	if (!n)
		return 0;
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -1;
	for (i = 0; i < n; i++) {
		label_val(ipc, msg, label_addr, &a[i]);
		if (put_addr(msg, &a[i]))
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int put_prefix(struct ipc *ipc, struct nl_msg *msg, const struct pn_prefix *p)
{
	struct nlattr *nest;

	label_val(ipc, msg, label_prefix, p);
	nest = nla_nest_start(msg, PODNET_PREFIXES_A_PREFIX);
	if (!nest || put_addr_nest(ipc, msg, PODNET_PREFIX_A_ADDR, &p->addr,
				   label_prefix, p, sizeof(*p)))
		return -1;
	label_val(ipc, msg, label_prefix, p);
	if (nla_put_u8(msg, PODNET_PREFIX_A_LEN, p->len))
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
	if (svc->addrs &&
	    (put_addrs(ipc, msg, PODNET_SVC_A_EXTERNAL, svc->addrs->ext, svc->next) ||
	     put_addrs(ipc, msg, PODNET_SVC_A_LB, svc->addrs->lb, svc->nlb)))
		return -1;
	if (svc->nranges) {
		ext = nla_nest_start(msg, PODNET_SVC_A_SOURCE_RANGES);
		if (!ext)
			return -1;
		for (i = 0; i < svc->nranges; i++)
			if (put_prefix(ipc, msg, &svc->addrs->ranges[i]))
				return -1;
		nla_nest_end(msg, ext);
	}
	ipc_label(ipc, msg, word_name(policy_words, svc->policy) ?: "policy");
	if (nla_put_u8(msg, PODNET_SVC_A_POLICY, svc->policy))
		return -1;
	ipc_label(ipc, msg, word_name(policy_words, svc->ipolicy) ?: "internal-policy");
	if (nla_put_u8(msg, PODNET_SVC_A_INTERNAL_POLICY, svc->ipolicy))
		return -1;
	if (svc->owner) {
		ipc_label(ipc, msg, "owner");
		if (nla_put_u32(msg, PODNET_SVC_A_OWNER, svc->owner))
			return -1;
	}
	if (svc->name[0]) {
		ipc_label(ipc, msg, svc->name);
		if (nla_put_string(msg, PODNET_SVC_A_NAME, svc->name))
			return -1;
	}
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
int svc_add_tagged(struct ipc *ipc, const struct svc_info *svc,
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

int svc_change_send(struct ipc *ipc, const struct svc_info *svc)
{
	struct nl_msg *msg = ipc_msg(ipc, PODNET_CMD_SERVICE_SET, 0);

	if (!msg)
		return -1;
	if (put_spec(ipc, msg, svc))
		return too_long(msg);
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
