// SPDX-License-Identifier: GPL-2.0
/*
 * The service and endpoint commands of the "podnet" generic netlink family
 * (uapi/linux/podnet.h): parse and validate, call service.c, reply. They
 * run under genl_mutex and take the namespace's svc_lock.
 */

#include <net/genetlink.h>
#include <net/ipv6.h>

#include "kunit.h"
#include "netlink.h"
#include "netns.h"
#include "service.h"

const struct nla_policy podnet_ep_policy[PODNET_EP_A_MAX + 1] = {
	[PODNET_EP_A_ADDR] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_EP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PODNET_EP_A_WEIGHT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PODNET_EP_A_FLAGS] = { .type = NLA_U32 },
	[PODNET_EP_A_CONNS] = { .type = NLA_REJECT },
	[PODNET_EP_A_PAD] = { .type = NLA_REJECT },
};

const struct nla_policy podnet_eps_policy[PODNET_EPS_A_MAX + 1] = {
	[PODNET_EPS_A_ENDPOINT] = NLA_POLICY_NESTED(podnet_ep_policy),
};

static struct netlink_range_validation podnet_affinity_range = {
	.min = 1,
	.max = 86400,
};

const struct nla_policy podnet_svc_policy[PODNET_SVC_A_MAX + 1] = {
	[PODNET_SVC_A_PROTO] = { .type = NLA_U8 },
	[PODNET_SVC_A_ADDR] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_SVC_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PODNET_SVC_A_SCHED] = NLA_POLICY_MAX(NLA_U8, PODNET_SCHED_MAX),
	[PODNET_SVC_A_AFFINITY] = NLA_POLICY_FULL_RANGE(NLA_U32, &podnet_affinity_range),
	[PODNET_SVC_A_NODEPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PODNET_SVC_A_EXTERNAL] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_SVC_A_POLICY] = NLA_POLICY_MAX(NLA_U8, PODNET_POLICY_MAX),
	[PODNET_SVC_A_FLAGS] = { .type = NLA_U32 },
	[PODNET_SVC_A_STATS] = { .type = NLA_REJECT },
	[PODNET_SVC_A_ENDPOINTS] = { .type = NLA_REJECT },
	[PODNET_SVC_A_PAD] = { .type = NLA_REJECT },
	[PODNET_SVC_A_INTERNAL_POLICY] = NLA_POLICY_MAX(NLA_U8, PODNET_POLICY_MAX),
	[PODNET_SVC_A_LB] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_SVC_A_SOURCE_RANGES] = NLA_POLICY_NESTED(podnet_prefixes_policy),
	[PODNET_SVC_A_OWNER] = { .type = NLA_U32 },
	[PODNET_SVC_A_NAME] = { .type = NLA_NUL_STRING,
				.len = PODNET_SVC_NAME_MAX - 1 },
};

/* Exactly one address in a nest of PODNET_ADDR_A_*. */
static int podnet_nl_one_addr(const struct nlattr *nest, struct in6_addr *addr,
			      struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem, n = 0, err;

	nla_for_each_nested(nla, nest, rem) {
		if (n++) {
			NL_SET_ERR_MSG_MOD(extack, "give exactly one address");
			NL_SET_BAD_ATTR(extack, nla);
			return -EINVAL;
		}
		err = podnet_nl_parse_addr(nla, addr, extack);
		if (err)
			return err;
	}
	if (!n) {
		NL_SET_ERR_MSG_MOD(extack, "address missing");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	return 0;
}

/* Parse PODNET_A_SERVICE into @tb and its key (protocol, ClusterIP, port). */
static int podnet_nl_svc_key(struct genl_info *info, struct nlattr **tb,
			     struct podnet_fe_key *key)
{
	struct nlattr *svc = info->attrs[PODNET_A_SERVICE];
	struct netlink_ext_ack *extack = info->extack;
	u8 proto;
	int err;

	if (podnet_nl_missing(info, PODNET_A_SERVICE, "service"))
		return -EINVAL;
	err = nla_parse_nested(tb, PODNET_SVC_A_MAX, svc, podnet_svc_policy,
			       extack);
	if (err)
		return err;
	if (!tb[PODNET_SVC_A_PROTO] || !tb[PODNET_SVC_A_ADDR] ||
	    !tb[PODNET_SVC_A_PORT]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "service needs protocol, address and port");
		NL_SET_BAD_ATTR(extack, svc);
		return -EINVAL;
	}
	proto = nla_get_u8(tb[PODNET_SVC_A_PROTO]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP &&
	    proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG_MOD(extack, "protocol must be TCP, UDP or SCTP");
		NL_SET_BAD_ATTR(extack, tb[PODNET_SVC_A_PROTO]);
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	key->proto = proto;
	key->port = htons(nla_get_u16(tb[PODNET_SVC_A_PORT]));
	return podnet_nl_one_addr(tb[PODNET_SVC_A_ADDR], &key->addr, extack);
}

/* Append the addresses of nest @attr (external or LB) to @ext->addr. */
static int podnet_nl_svc_addrs(const struct nlattr *attr,
			       const struct podnet_svc_spec *spec,
			       struct podnet_svc_ext *ext,
			       struct netlink_ext_ack *extack)
{
	bool v4 = ipv6_addr_v4mapped(&spec->key.addr);
	unsigned int first = ext->n;
	const struct nlattr *nla;
	int rem, err;

	nla_for_each_nested(nla, attr, rem) {
		struct in6_addr *a = &ext->addr[ext->n];
		unsigned int i;

		if (ext->n - first == PODNET_SVC_MAX_EXTERNAL) {
			NL_SET_ERR_MSG_MOD(extack, "too many external addresses");
			NL_SET_BAD_ATTR(extack, nla);
			return -E2BIG;
		}
		err = podnet_nl_parse_addr(nla, a, extack);
		if (err)
			return err;
		if (ipv6_addr_v4mapped(a) != v4) {
			NL_SET_ERR_MSG_MOD(extack,
					   "external address of another family than the service");
			NL_SET_BAD_ATTR(extack, nla);
			return -EINVAL;
		}
		for (i = 0; i < ext->n; i++) {
			if (ipv6_addr_equal(&ext->addr[i], a)) {
				NL_SET_ERR_MSG_MOD(extack,
						   "external address given twice");
				NL_SET_BAD_ATTR(extack, nla);
				return -EEXIST;
			}
		}
		if (ipv6_addr_equal(a, &spec->key.addr)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "external address is the ClusterIP");
			NL_SET_BAD_ATTR(extack, nla);
			return -EINVAL;
		}
		ext->nla[ext->n++] = nla;
	}
	return 0;
}

static int podnet_nl_svc_ranges(const struct nlattr *attr,
				const struct podnet_svc_spec *spec,
				struct podnet_svc_ext *ext,
				struct netlink_ext_ack *extack)
{
	bool v4 = ipv6_addr_v4mapped(&spec->key.addr);
	int err;

	ext->ranges = kmalloc_array(PODNET_SVC_MAX_SOURCE_RANGES,
				    sizeof(*ext->ranges), GFP_KERNEL);
	if (!ext->ranges)
		return -ENOMEM;
	err = podnet_nl_parse_prefixes(attr, v4 ? AF_INET : AF_INET6,
				       ext->ranges,
				       PODNET_SVC_MAX_SOURCE_RANGES,
				       &ext->nranges, extack);
	if (!err && !ext->nranges) {
		kfree(ext->ranges);
		ext->ranges = NULL;
	}
	return err;
}

/*
 * Parse PODNET_A_SERVICE into @spec and @ext; on success or failure, the
 * caller kfree()s @ext->ranges.
 */
static int podnet_nl_svc_spec(struct genl_info *info,
			      struct podnet_svc_spec *spec,
			      struct podnet_svc_ext *ext)
{
	struct nlattr *tb[PODNET_SVC_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	int err;

	memset(spec, 0, sizeof(*spec));
	memset(ext, 0, sizeof(*ext));
	err = podnet_nl_svc_key(info, tb, &spec->key);
	if (err)
		return err;
	ext->svc_nla = info->attrs[PODNET_A_SERVICE];
	ext->nodeport_nla = tb[PODNET_SVC_A_NODEPORT];
	if (tb[PODNET_SVC_A_SCHED])
		spec->sched = nla_get_u8(tb[PODNET_SVC_A_SCHED]);
	if (tb[PODNET_SVC_A_POLICY])
		spec->policy = nla_get_u8(tb[PODNET_SVC_A_POLICY]);
	if (tb[PODNET_SVC_A_INTERNAL_POLICY])
		spec->ipolicy = nla_get_u8(tb[PODNET_SVC_A_INTERNAL_POLICY]);
	if (tb[PODNET_SVC_A_OWNER])
		spec->owner = nla_get_u32(tb[PODNET_SVC_A_OWNER]);
	if (tb[PODNET_SVC_A_NAME])
		ext->name = nla_data(tb[PODNET_SVC_A_NAME]);
	if (tb[PODNET_SVC_A_AFFINITY])
		spec->affinity = nla_get_u32(tb[PODNET_SVC_A_AFFINITY]);
	if (tb[PODNET_SVC_A_NODEPORT])
		spec->nodeport = htons(nla_get_u16(tb[PODNET_SVC_A_NODEPORT]));
	if (tb[PODNET_SVC_A_FLAGS]) {
		spec->flags = nla_get_u32(tb[PODNET_SVC_A_FLAGS]);
		if (spec->flags & ~PODNET_SVC_F_ALL) {
			NL_SET_ERR_MSG_MOD(extack, "unknown service flags");
			NL_SET_BAD_ATTR(extack, tb[PODNET_SVC_A_FLAGS]);
			return -EOPNOTSUPP;
		}
	}
	if (tb[PODNET_SVC_A_EXTERNAL]) {
		err = podnet_nl_svc_addrs(tb[PODNET_SVC_A_EXTERNAL], spec, ext,
					  extack);
		if (err)
			return err;
	}
	if (tb[PODNET_SVC_A_LB]) {
		unsigned int n = ext->n;

		err = podnet_nl_svc_addrs(tb[PODNET_SVC_A_LB], spec, ext,
					  extack);
		if (err)
			return err;
		ext->nlb = ext->n - n;
	}
	if (tb[PODNET_SVC_A_SOURCE_RANGES])
		return podnet_nl_svc_ranges(tb[PODNET_SVC_A_SOURCE_RANGES],
					    spec, ext, extack);
	return 0;
}

/**
 * podnet_nl_ep_spec() - parse one endpoint (PODNET_EPS_A_ENDPOINT)
 * @nest: the endpoint's nest
 * @v4: whether its service is IPv4 (the endpoint must be of its family)
 * @full: whether weight and flags may be given (endpoint add)
 * @ep: the endpoint parsed
 * @extack: names the attribute at fault
 *
 * Return: 0, or -EINVAL/-EOPNOTSUPP with @extack set.
 */
int podnet_nl_ep_spec(const struct nlattr *nest, bool v4, bool full,
		      struct podnet_ep_spec *ep, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PODNET_EP_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, PODNET_EP_A_MAX, nest, podnet_ep_policy,
			       extack);
	if (err)
		return err;
	if (!tb[PODNET_EP_A_ADDR] || !tb[PODNET_EP_A_PORT]) {
		NL_SET_ERR_MSG_MOD(extack, "endpoint needs address and port");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	memset(ep, 0, sizeof(*ep));
	err = podnet_nl_one_addr(tb[PODNET_EP_A_ADDR], &ep->addr, extack);
	if (err)
		return err;
	if (ipv6_addr_v4mapped(&ep->addr) != v4) {
		NL_SET_ERR_MSG_MOD(extack,
				   "endpoint of another family than the service");
		NL_SET_BAD_ATTR(extack, tb[PODNET_EP_A_ADDR]);
		return -EINVAL;
	}
	ep->port = htons(nla_get_u16(tb[PODNET_EP_A_PORT]));
	ep->weight = 1;
	if (!full && (tb[PODNET_EP_A_WEIGHT] || tb[PODNET_EP_A_FLAGS])) {
		NL_SET_ERR_MSG_MOD(extack,
				   "weight and flags only go with adding an endpoint");
		NL_SET_BAD_ATTR(extack, tb[PODNET_EP_A_WEIGHT] ?:
					tb[PODNET_EP_A_FLAGS]);
		return -EINVAL;
	}
	if (tb[PODNET_EP_A_WEIGHT])
		ep->weight = nla_get_u16(tb[PODNET_EP_A_WEIGHT]);
	if (tb[PODNET_EP_A_FLAGS]) {
		ep->flags = nla_get_u32(tb[PODNET_EP_A_FLAGS]);
		if (ep->flags & ~PODNET_EP_F_ALL) {
			NL_SET_ERR_MSG_MOD(extack, "unknown endpoint flags");
			NL_SET_BAD_ATTR(extack, tb[PODNET_EP_A_FLAGS]);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}
PODNET_EXPORT_FOR_KUNIT(podnet_nl_ep_spec);

/* The addresses of @svc's frontends of @kind, as nest @type if any. */
static int podnet_nl_put_fes(struct sk_buff *skb, const struct podnet_svc *svc,
			     u8 kind, int type)
{
	struct nlattr *nest = NULL;
	unsigned int i;

	for (i = 0; i < svc->nfes; i++) {
		if (svc->fes[i]->kind != kind)
			continue;
		if (!nest)
			nest = nla_nest_start(skb, type);
		if (!nest || podnet_nl_put_addr(skb, 0, &svc->fes[i]->key.addr))
			return -EMSGSIZE;
	}
	if (nest)
		nla_nest_end(skb, nest);
	return 0;
}

/*
 * Put @svc as PODNET_A_SERVICE with its endpoints from *@ep on. With @cut (a
 * dump), endpoints that do not fit are left for the next message: returns 1
 * with *@ep set to the first of them, once at least one endpoint is in.
 * Return: 0 (all in), 1 (cut), -EMSGSIZE.
 */
static int podnet_nl_put_svc(struct sk_buff *skb, const struct podnet_svc *svc,
			     bool stats, unsigned int *ep, bool cut)
{
	static const u16 sattr[PODNET_SC_MAX] = {
		[PODNET_SC_CONNS] = PODNET_SVC_STATS_A_CONNS,
		[PODNET_SC_PACKETS] = PODNET_SVC_STATS_A_PACKETS,
		[PODNET_SC_BYTES] = PODNET_SVC_STATS_A_BYTES,
		[PODNET_SC_REJECTED] = PODNET_SVC_STATS_A_REJECTED,
	};
	const struct podnet_svc_more *more = svc->more;
	const struct podnet_svc_spec *spec = &svc->spec;
	const struct podnet_eps *eps;
	struct nlattr *nest, *n2, *n3;
	unsigned int i;

	nest = nla_nest_start(skb, PODNET_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, PODNET_SVC_A_PROTO, spec->key.proto) ||
	    podnet_nl_put_addr(skb, PODNET_SVC_A_ADDR, &spec->key.addr) ||
	    nla_put_u16(skb, PODNET_SVC_A_PORT, ntohs(spec->key.port)) ||
	    nla_put_u8(skb, PODNET_SVC_A_SCHED, spec->sched) ||
	    nla_put_u8(skb, PODNET_SVC_A_POLICY, spec->policy) ||
	    nla_put_u8(skb, PODNET_SVC_A_INTERNAL_POLICY, spec->ipolicy) ||
	    nla_put_u32(skb, PODNET_SVC_A_FLAGS, spec->flags) ||
	    (spec->owner &&
	     nla_put_u32(skb, PODNET_SVC_A_OWNER, spec->owner)) ||
	    (more && more->name &&
	     nla_put_string(skb, PODNET_SVC_A_NAME, more->name)) ||
	    (more && more->nranges &&
	     podnet_nl_put_prefixes(skb, PODNET_SVC_A_SOURCE_RANGES,
				    more->ranges, more->nranges)) ||
	    (spec->affinity &&
	     nla_put_u32(skb, PODNET_SVC_A_AFFINITY, spec->affinity)) ||
	    (spec->nodeport &&
	     nla_put_u16(skb, PODNET_SVC_A_NODEPORT, ntohs(spec->nodeport))))
		return -EMSGSIZE;
	if (podnet_nl_put_fes(skb, svc, PODNET_FE_EXTERNAL,
			      PODNET_SVC_A_EXTERNAL) ||
	    podnet_nl_put_fes(skb, svc, PODNET_FE_LB, PODNET_SVC_A_LB))
		return -EMSGSIZE;
	if (stats) {
		u64 v[PODNET_SC_MAX];

		podnet_svc_read_stats(svc, v);
		n2 = nla_nest_start(skb, PODNET_SVC_A_STATS);
		if (!n2)
			return -EMSGSIZE;
		for (i = 0; i < PODNET_SC_MAX; i++)
			if (nla_put_u64_64bit(skb, sattr[i], v[i],
					      PODNET_SVC_STATS_A_PAD))
				return -EMSGSIZE;
		nla_nest_end(skb, n2);
	}
	eps = podnet_svc_eps(svc);
	n2 = nla_nest_start(skb, PODNET_SVC_A_ENDPOINTS);
	if (!n2)
		return -EMSGSIZE;
	for (i = *ep; i < eps->n; i++) {
		const struct podnet_ep *e = &eps->ep[i];

		n3 = nla_nest_start(skb, PODNET_EPS_A_ENDPOINT);
		if (!n3 ||
		    podnet_nl_put_addr(skb, PODNET_EP_A_ADDR, &e->addr) ||
		    nla_put_u16(skb, PODNET_EP_A_PORT, ntohs(e->port)) ||
		    nla_put_u16(skb, PODNET_EP_A_WEIGHT, e->weight) ||
		    nla_put_u32(skb, PODNET_EP_A_FLAGS, e->flags) ||
		    (stats && nla_put_u64_64bit(skb, PODNET_EP_A_CONNS,
						atomic64_read(&e->conns),
						PODNET_EP_A_PAD))) {
			if (!cut || i == *ep)
				return -EMSGSIZE;
			if (n3)
				nla_nest_cancel(skb, n3);
			break;
		}
		nla_nest_end(skb, n3);
	}
	nla_nest_end(skb, n2);
	nla_nest_end(skb, nest);
	if (i < eps->n) {
		*ep = i;
		return 1;
	}
	return 0;
}

/*
 * One message about @svc. In a dump (@cb), from endpoint *@ep on, and cut
 * where the message is full: see podnet_nl_put_svc().
 */
static int podnet_nl_fill_svc(struct sk_buff *skb, const struct podnet_svc *svc,
			      u32 portid, u32 seq, int flags, u8 cmd,
			      struct netlink_callback *cb, unsigned int *ep)
{
	unsigned int from = 0;
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &podnet_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	err = podnet_nl_put_svc(skb, svc, cmd == PODNET_CMD_SERVICE_GET,
				ep ?: &from, cb);
	if (err < 0) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return err;
}

static size_t podnet_nl_svc_size(const struct podnet_svc *svc)
{
	const struct podnet_eps *eps = podnet_svc_eps(svc);

	/*
	 * Generous: a fixed part and at most 64 bytes per endpoint and 40
	 * per source range.
	 */
	return NLMSG_GOODSIZE + (size_t)eps->n * 64 +
	       (svc->more ? svc->more->nranges * 40 : 0);
}

/**
 * podnet_nl_notify_svc() - announce a service change to the events group
 * @svc: the service
 * @cmd: the command that changed it
 *
 * Context: svc_lock held, process context.
 */
static int podnet_nl_event_svc(struct sk_buff *skb, const void *svc, u8 cmd)
{
	return podnet_nl_fill_svc(skb, svc, 0, 0, 0, cmd, NULL, NULL);
}

void podnet_nl_notify_svc(const struct podnet_svc *svc, u8 cmd)
{
	podnet_nl_event(svc->net, podnet_nl_svc_size(svc), podnet_nl_event_svc,
			svc, cmd);
}

/*
 * An array for the endpoints of PODNET_A_ENDPOINTS (kvfree() it), sized for
 * as many as the request has (*@n), up to max_endpoints: counted first.
 */
static struct podnet_ep_spec *podnet_nl_eps_alloc(struct genl_info *info,
						  unsigned int *n)
{
	unsigned int max = podnet_max_eps();
	struct podnet_ep_spec *eps;
	const struct nlattr *nla;
	int rem;

	*n = 0;
	nla_for_each_nested(nla, info->attrs[PODNET_A_ENDPOINTS], rem) {
		if (*n == max) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "too many endpoints (module parameter max_endpoints)");
			NL_SET_BAD_ATTR(info->extack, nla);
			return ERR_PTR(-ENOSPC);
		}
		(*n)++;
	}
	eps = kvmalloc_array(*n ?: 1, sizeof(*eps), GFP_KERNEL);
	return eps ?: ERR_PTR(-ENOMEM);
}

/*
 * Parse PODNET_A_ENDPOINTS (of a service of family @v4) into @eps, @n of
 * them, none given twice.
 */
static int podnet_nl_eps_parse(struct genl_info *info, bool v4,
			       struct podnet_ep_spec *eps, unsigned int n)
{
	struct podnet_ep_index ix;
	const struct nlattr *nla;
	unsigned int i = 0;
	int rem, err, dup;

	nla_for_each_nested(nla, info->attrs[PODNET_A_ENDPOINTS], rem) {
		err = podnet_nl_ep_spec(nla, v4, true, &eps[i++], info->extack);
		if (err)
			return err;
	}
	err = podnet_ep_index_init(&ix, eps, n);
	if (err)
		return err;
	dup = podnet_ep_index_dup(&ix);
	podnet_ep_index_free(&ix);
	if (dup < 0)
		return 0;
	nla_for_each_nested(nla, info->attrs[PODNET_A_ENDPOINTS], rem)
		if (!dup--)
			break;
	NL_SET_ERR_MSG_MOD(info->extack, "endpoint given twice");
	NL_SET_BAD_ATTR(info->extack, nla);
	return -EEXIST;
}

int podnet_nl_svc_add(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct podnet_ep_spec *eps = NULL;
	struct podnet_svc_spec spec;
	struct podnet_svc_ext ext;
	unsigned int n = 0;
	int err;

	err = podnet_nl_svc_spec(info, &spec, &ext);
	if (err)
		goto out;
	if (info->attrs[PODNET_A_ENDPOINTS]) {
		eps = podnet_nl_eps_alloc(info, &n);
		if (IS_ERR(eps)) {
			err = PTR_ERR(eps);
			eps = NULL;
			goto out;
		}
		err = podnet_nl_eps_parse(info,
					  ipv6_addr_v4mapped(&spec.key.addr),
					  eps, n);
		if (err)
			goto out;
	}
	mutex_lock(&pnet->svc_lock);
	err = podnet_svc_add(genl_info_net(info), &spec, &ext, eps, n,
			     info->extack);
	mutex_unlock(&pnet->svc_lock);
out:
	kvfree(eps);
	kfree(ext.ranges);
	return err;
}

/* The service PODNET_A_SERVICE names; call with svc_lock held. */
static struct podnet_svc *podnet_nl_svc(struct genl_info *info,
					struct nlattr **tb)
{
	struct podnet_fe_key key;
	struct podnet_svc *svc;
	int err;

	err = podnet_nl_svc_key(info, tb, &key);
	if (err)
		return ERR_PTR(err);
	svc = podnet_svc_find(genl_info_net(info), &key);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such service");
		NL_SET_BAD_ATTR(info->extack, info->attrs[PODNET_A_SERVICE]);
		return ERR_PTR(-ENOENT);
	}
	return svc;
}

int podnet_nl_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct nlattr *tb[PODNET_SVC_A_MAX + 1];
	struct podnet_svc *svc;
	int err;

	mutex_lock(&pnet->svc_lock);
	svc = podnet_nl_svc(info, tb);
	err = IS_ERR(svc) ? PTR_ERR(svc) :
			    podnet_svc_del(genl_info_net(info), svc);
	mutex_unlock(&pnet->svc_lock);
	return err;
}

int podnet_nl_svc_set(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct podnet_svc_spec spec;
	struct podnet_svc_ext ext;
	struct podnet_svc *svc;
	int err;

	if (info->attrs[PODNET_A_ENDPOINTS]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "endpoints are not changed with the settings");
		NL_SET_BAD_ATTR(info->extack, info->attrs[PODNET_A_ENDPOINTS]);
		return -EINVAL;
	}
	err = podnet_nl_svc_spec(info, &spec, &ext);
	if (err)
		goto out;
	mutex_lock(&pnet->svc_lock);
	svc = podnet_svc_find(genl_info_net(info), &spec.key);
	if (svc) {
		err = podnet_svc_change(genl_info_net(info), svc, &spec, &ext,
					info->extack);
	} else {
		NL_SET_ERR_MSG_MOD(info->extack, "no such service");
		NL_SET_BAD_ATTR(info->extack, info->attrs[PODNET_A_SERVICE]);
		err = -ENOENT;
	}
	mutex_unlock(&pnet->svc_lock);
out:
	kfree(ext.ranges);
	return err;
}

int podnet_nl_svc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct nlattr *tb[PODNET_SVC_A_MAX + 1];
	struct podnet_svc *svc;
	struct sk_buff *msg;
	int err;

	mutex_lock(&pnet->svc_lock);
	svc = podnet_nl_svc(info, tb);
	if (IS_ERR(svc)) {
		mutex_unlock(&pnet->svc_lock);
		return PTR_ERR(svc);
	}
	msg = genlmsg_new(podnet_nl_svc_size(svc), GFP_KERNEL);
	err = msg ? podnet_nl_fill_svc(msg, svc, info->snd_portid,
				       info->snd_seq, 0, PODNET_CMD_SERVICE_GET,
				       NULL, NULL) : -ENOMEM;
	mutex_unlock(&pnet->svc_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump cursor: args[0] services already sent, args[1] endpoints already sent
 * of the next one (a service with more endpoints than one message holds is
 * continued in the next).
 */
int podnet_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct podnet_net *pnet = podnet_net(sock_net(skb->sk));
	struct podnet_svc *svc;
	unsigned long i = 0;
	unsigned int ep;
	int err = 0;

	mutex_lock(&pnet->svc_lock);
	cb->seq = pnet->svc_gen;
	list_for_each_entry(svc, &pnet->svcs, node) {
		if (i < cb->args[0]) {
			i++;
			continue;
		}
		ep = cb->args[1];
		err = podnet_nl_fill_svc(skb, svc, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 PODNET_CMD_SERVICE_GET, cb, &ep);
		if (err < 0)
			break;
		if (err > 0) {	/* cut: the rest in the next message */
			cb->args[1] = ep;
			err = 0;
			break;
		}
		cb->args[1] = 0;
		i++;
	}
	cb->args[0] = i;
	mutex_unlock(&pnet->svc_lock);
	/* A service too large for an empty message cannot be dumped. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int podnet_nl_ep_one(struct genl_info *info, bool add)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct nlattr *tb[PODNET_SVC_A_MAX + 1];
	struct podnet_ep_spec ep;
	struct podnet_svc *svc;
	int err;

	if (podnet_nl_missing(info, PODNET_A_ENDPOINT, "endpoint"))
		return -EINVAL;
	mutex_lock(&pnet->svc_lock);
	svc = podnet_nl_svc(info, tb);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	err = podnet_nl_ep_spec(info->attrs[PODNET_A_ENDPOINT],
				ipv6_addr_v4mapped(&svc->spec.key.addr), add,
				&ep, info->extack);
	if (err)
		goto out;
	err = add ? podnet_ep_add(svc, &ep, info->extack) :
		    podnet_ep_del(svc, &ep, info->extack);
out:
	mutex_unlock(&pnet->svc_lock);
	return err;
}

int podnet_nl_ep_add(struct sk_buff *skb, struct genl_info *info)
{
	return podnet_nl_ep_one(info, true);
}

int podnet_nl_ep_del(struct sk_buff *skb, struct genl_info *info)
{
	return podnet_nl_ep_one(info, false);
}

int podnet_nl_ep_set(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct nlattr *tb[PODNET_SVC_A_MAX + 1];
	struct podnet_ep_spec *eps;
	struct podnet_svc *svc;
	unsigned int n;
	int err;

	if (podnet_nl_missing(info, PODNET_A_ENDPOINTS, "endpoint set"))
		return -EINVAL;
	eps = podnet_nl_eps_alloc(info, &n);
	if (IS_ERR(eps))
		return PTR_ERR(eps);

	mutex_lock(&pnet->svc_lock);
	svc = podnet_nl_svc(info, tb);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out;
	}
	err = podnet_nl_eps_parse(info, ipv6_addr_v4mapped(&svc->spec.key.addr),
				  eps, n);
	if (!err)
		err = podnet_ep_set(svc, eps, n, info->extack);
out:
	mutex_unlock(&pnet->svc_lock);
	kvfree(eps);
	return err;
}
