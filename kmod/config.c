// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's settings for services (PODNET_CMD_CONFIG_SET and _GET):
 * the cluster's pod prefixes (kube-proxy's local traffic detector), the
 * prefixes NodePorts answer on and the ClusterIP ranges. One immutable
 * object, replaced whole and read under RCU by the netfilter hooks.
 */

#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "config.h"
#include "netlink.h"
#include "netns.h"

static const struct nla_policy podnet_prefix_policy[PODNET_PREFIX_A_MAX + 1] = {
	[PODNET_PREFIX_A_ADDR] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_PREFIX_A_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy podnet_prefixes_policy[PODNET_PREFIXES_A_MAX + 1] = {
	[PODNET_PREFIXES_A_PREFIX] = NLA_POLICY_NESTED(podnet_prefix_policy),
};

const struct nla_policy podnet_cfg_policy[PODNET_CFG_A_MAX + 1] = {
	[PODNET_CFG_A_CLUSTER_CIDRS] = NLA_POLICY_NESTED(podnet_prefixes_policy),
	[PODNET_CFG_A_NODEPORT_CIDRS] = NLA_POLICY_NESTED(podnet_prefixes_policy),
	[PODNET_CFG_A_SERVICE_CIDRS] = NLA_POLICY_NESTED(podnet_prefixes_policy),
	[PODNET_CFG_A_APPLIED] = { .type = NLA_U64 },
	[PODNET_CFG_A_PAD] = { .type = NLA_REJECT },
};

static const u16 podnet_cfg_attr[PODNET_CFG_NLISTS] = {
	[PODNET_CFG_CLUSTER] = PODNET_CFG_A_CLUSTER_CIDRS,
	[PODNET_CFG_NODEPORT] = PODNET_CFG_A_NODEPORT_CIDRS,
	[PODNET_CFG_SERVICE] = PODNET_CFG_A_SERVICE_CIDRS,
};

#define podnet_cfg_deref(pnet)						\
	rcu_dereference_protected((pnet)->cfg,				\
				  lockdep_is_held(&(pnet)->svc_lock))

/**
 * podnet_prefix_match() - whether an address is in one of some prefixes
 * @p: the prefixes
 * @n: how many
 * @addr: the address (IPv4 as IPv4-mapped)
 *
 * Return: true if it is.
 */
bool podnet_prefix_match(const struct podnet_prefix *p, unsigned int n,
			 const struct in6_addr *addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ipv6_prefix_equal(&p[i].addr, addr, p[i].len))
			return true;
	return false;
}

/*
 * A list is per family, as kube-proxy's --cluster-cidr and
 * --nodeport-addresses are: prefixes of IPv4 alone say nothing of IPv6.
 */
bool podnet_cfg_match(const struct net *net, enum podnet_cfg_list l,
		      const struct in6_addr *addr, bool none)
{
	const struct podnet_cfg *cfg = rcu_dereference(podnet_net(net)->cfg);
	bool v4 = ipv6_addr_v4mapped(addr), family = false;
	unsigned int i;

	if (!cfg)
		return none;
	for (i = 0; i < cfg->n[l]; i++) {
		const struct podnet_prefix *p = &cfg->pfx[l][i];

		if (ipv6_addr_v4mapped(&p->addr) != v4)
			continue;
		if (ipv6_prefix_equal(&p->addr, addr, p->len))
			return true;
		family = true;
	}
	return !family && none;
}

static int podnet_nl_parse_prefix(const struct nlattr *nest, int family,
				  struct podnet_prefix *p,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PODNET_PREFIX_A_MAX + 1];
	const struct nlattr *a;
	struct in6_addr addr;
	unsigned int len;
	int err, rem, n = 0;

	err = nla_parse_nested(tb, PODNET_PREFIX_A_MAX, nest,
			       podnet_prefix_policy, extack);
	if (err)
		return err;
	if (!tb[PODNET_PREFIX_A_ADDR] || !tb[PODNET_PREFIX_A_LEN]) {
		NL_SET_ERR_MSG_MOD(extack, "prefix needs address and length");
		NL_SET_BAD_ATTR(extack, nest);
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	len = nla_get_u8(tb[PODNET_PREFIX_A_LEN]);
	nla_for_each_nested(a, tb[PODNET_PREFIX_A_ADDR], rem) {
		if (n++)
			break;
		if (nla_type(a) == PODNET_ADDR_A_IPV4) {
			if (family == AF_INET6) {
				NL_SET_ERR_MSG_MOD(extack,
						   "prefix of another family than the service");
				NL_SET_BAD_ATTR(extack, a);
				return -EINVAL;
			}
			if (len > 32)
				goto bad_len;
			ipv6_addr_set_v4mapped(nla_get_in_addr(a), &p->addr);
			len += 96;
		} else if (nla_type(a) == PODNET_ADDR_A_IPV6) {
			if (family == AF_INET) {
				NL_SET_ERR_MSG_MOD(extack,
						   "prefix of another family than the service");
				NL_SET_BAD_ATTR(extack, a);
				return -EINVAL;
			}
			p->addr = nla_get_in6_addr(a);
		} else {
			n = 2;
		}
	}
	if (n != 1) {
		NL_SET_ERR_MSG_MOD(extack, "prefix needs exactly one address");
		NL_SET_BAD_ATTR(extack, tb[PODNET_PREFIX_A_ADDR]);
		return -EINVAL;
	}
	/* ipv6_addr_prefix() clears its destination first: not in place */
	addr = p->addr;
	ipv6_addr_prefix(&p->addr, &addr, len);
	p->len = len;
	return 0;

bad_len:
	NL_SET_ERR_MSG_MOD(extack, "IPv4 prefix longer than 32");
	NL_SET_BAD_ATTR(extack, tb[PODNET_PREFIX_A_LEN]);
	return -EINVAL;
}

int podnet_nl_parse_prefixes(const struct nlattr *nest, int family,
			     struct podnet_prefix *p, unsigned int max,
			     unsigned int *n, struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem, err;

	*n = 0;
	nla_for_each_nested(nla, nest, rem) {
		if (*n == max) {
			NL_SET_ERR_MSG_MOD(extack, "too many prefixes");
			NL_SET_BAD_ATTR(extack, nla);
			return -E2BIG;
		}
		err = podnet_nl_parse_prefix(nla, family, &p[*n], extack);
		if (err)
			return err;
		(*n)++;
	}
	return 0;
}

int podnet_nl_put_prefixes(struct sk_buff *skb, int type,
			   const struct podnet_prefix *p, unsigned int n)
{
	struct nlattr *nest, *pfx;
	unsigned int i;
	bool v4;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		v4 = ipv6_addr_v4mapped(&p[i].addr);
		pfx = nla_nest_start(skb, PODNET_PREFIXES_A_PREFIX);
		if (!pfx ||
		    podnet_nl_put_addr(skb, PODNET_PREFIX_A_ADDR, &p[i].addr) ||
		    nla_put_u8(skb, PODNET_PREFIX_A_LEN,
			       v4 ? p[i].len - 96 : p[i].len))
			return -EMSGSIZE;
		nla_nest_end(skb, pfx);
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* @gen: the namespace's svc_gen, for the mark (0 and no mark: an event) */
static int podnet_nl_fill_cfg(struct sk_buff *skb, const struct podnet_cfg *cfg,
			      unsigned int gen, u32 portid, u32 seq, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;
	int l;

	hdr = genlmsg_put(skb, portid, seq, &podnet_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, PODNET_A_CONFIG);
	if (!nest)
		goto cancel;
	for (l = 0; cfg && l < PODNET_CFG_NLISTS; l++)
		if (cfg->n[l] &&
		    podnet_nl_put_prefixes(skb, podnet_cfg_attr[l],
					   cfg->pfx[l], cfg->n[l]))
			goto cancel;
	if (cmd == PODNET_CMD_CONFIG_GET && cfg && cfg->applied &&
	    cfg->applied_gen == gen &&
	    nla_put_u64_64bit(skb, PODNET_CFG_A_APPLIED, cfg->applied,
			      PODNET_CFG_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int podnet_nl_event_cfg(struct sk_buff *skb, const void *cfg, u8 cmd)
{
	return podnet_nl_fill_cfg(skb, cfg, 0, 0, 0, cmd);
}

static bool podnet_cfg_empty(const struct podnet_cfg *c)
{
	int l;

	for (l = 0; l < PODNET_CFG_NLISTS; l++)
		if (c->n[l])
			return false;
	return true;
}

/* @a and @b have the same lists (parsed alike: unused entries are zero) */
static bool podnet_cfg_same(const struct podnet_cfg *a,
			    const struct podnet_cfg *b)
{
	return !memcmp(a->n, b->n, sizeof(a->n)) &&
	       !memcmp(a->pfx, b->pfx, sizeof(a->pfx));
}

int podnet_nl_cfg_set(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct nlattr *tb[PODNET_CFG_A_MAX + 1] = {};
	struct podnet_cfg *cfg, *old;
	unsigned int n;
	int l, err;
	bool same;

	if (info->attrs[PODNET_A_CONFIG]) {
		err = nla_parse_nested(tb, PODNET_CFG_A_MAX,
				       info->attrs[PODNET_A_CONFIG],
				       podnet_cfg_policy, info->extack);
		if (err)
			return err;
	}
	cfg = kzalloc(sizeof(*cfg), PODNET_GFP_CFG);
	if (!cfg)
		return -ENOMEM;
	for (l = 0; l < PODNET_CFG_NLISTS; l++) {
		if (!tb[podnet_cfg_attr[l]])
			continue;
		err = podnet_nl_parse_prefixes(tb[podnet_cfg_attr[l]], 0,
					       cfg->pfx[l],
					       PODNET_CFG_MAX_PREFIXES, &n,
					       info->extack);
		if (err) {
			kfree(cfg);
			return err;
		}
		cfg->n[l] = n;
	}
	if (tb[PODNET_CFG_A_APPLIED])
		cfg->applied = nla_get_u64(tb[PODNET_CFG_A_APPLIED]);
	mutex_lock(&pnet->svc_lock);
	old = podnet_cfg_deref(pnet);
	/* The same settings (only the mark may differ): nothing to tell. */
	same = old ? podnet_cfg_same(old, cfg) : podnet_cfg_empty(cfg);
	if (!same)
		pnet->svc_gen++;
	cfg->applied_gen = pnet->svc_gen;
	rcu_assign_pointer(pnet->cfg, cfg);
	if (!same)
		podnet_nl_event(genl_info_net(info), GENLMSG_DEFAULT_SIZE,
				podnet_nl_event_cfg, cfg, PODNET_CMD_CONFIG_SET);
	mutex_unlock(&pnet->svc_lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

int podnet_nl_cfg_get(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&pnet->svc_lock);
	err = podnet_nl_fill_cfg(msg, podnet_cfg_deref(pnet), pnet->svc_gen,
				 info->snd_portid,
				 info->snd_seq, PODNET_CMD_CONFIG_GET);
	mutex_unlock(&pnet->svc_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The namespace is gone: no hook can read its settings any more. */
void podnet_cfg_net_exit(struct net *net)
{
	kfree(rcu_dereference_protected(podnet_net(net)->cfg, 1));
}
