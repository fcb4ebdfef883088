/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_CONFIG_H
#define _PODNET_CONFIG_H

#include <linux/in6.h>
#include <linux/podnet.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

struct net;

/**
 * struct podnet_prefix - an address prefix
 * @addr: the address, bits past @len zero (IPv4 as IPv4-mapped)
 * @len: its length in bits (IPv4: 96 + the IPv4 length)
 */
struct podnet_prefix {
	struct in6_addr addr;
	u8 len;
};

enum podnet_cfg_list {
	PODNET_CFG_CLUSTER,	/* PODNET_CFG_A_CLUSTER_CIDRS */
	PODNET_CFG_NODEPORT,	/* PODNET_CFG_A_NODEPORT_CIDRS */
	PODNET_CFG_SERVICE,	/* PODNET_CFG_A_SERVICE_CIDRS */
	PODNET_CFG_NLISTS
};

/**
 * struct podnet_cfg - a namespace's settings (PODNET_A_CONFIG), immutable
 *	once published, replaced whole under svc_lock
 * @rcu: freed after a grace period
 * @n: prefixes in each list
 * @pfx: the lists, by enum podnet_cfg_list
 */
struct podnet_cfg {
	struct rcu_head rcu;
	u64 applied;			/* the setter's mark, 0: none */
	unsigned int applied_gen;	/* svc_gen when it was set */
	u8 n[PODNET_CFG_NLISTS];
	struct podnet_prefix pfx[PODNET_CFG_NLISTS][PODNET_CFG_MAX_PREFIXES];
};

bool podnet_prefix_match(const struct podnet_prefix *p, unsigned int n,
			 const struct in6_addr *addr);

/*
 * Whether @addr is in list @l of @net's settings; @none if the list has no
 * prefix of @addr's family. Context: RCU read-side section.
 */
bool podnet_cfg_match(const struct net *net, enum podnet_cfg_list l,
		      const struct in6_addr *addr, bool none);

/*
 * Parse a nest of PODNET_PREFIXES_A_PREFIX into @p (at most @max; @family
 * AF_INET or AF_INET6 to allow only that family, 0 for both).
 */
int podnet_nl_parse_prefixes(const struct nlattr *nest, int family,
			     struct podnet_prefix *p, unsigned int max,
			     unsigned int *n, struct netlink_ext_ack *extack);
int podnet_nl_put_prefixes(struct sk_buff *skb, int type,
			   const struct podnet_prefix *p, unsigned int n);
extern const struct nla_policy podnet_prefixes_policy[PODNET_PREFIXES_A_MAX + 1];
extern const struct nla_policy podnet_cfg_policy[PODNET_CFG_A_MAX + 1];

int podnet_nl_cfg_set(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_cfg_get(struct sk_buff *skb, struct genl_info *info);
void podnet_cfg_net_exit(struct net *net);

#endif /* _PODNET_CONFIG_H */
