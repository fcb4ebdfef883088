/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NETNS_H
#define _PODNET_NETNS_H

#include <linux/list.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct podnet_net - podnet state of one network namespace (one "node")
 * @devs: the podnet devices of the namespace (RTNL)
 * @gen: bumped on every change of ports or addresses, so that dumps can
 *	report that they saw the tables change (RTNL)
 */
struct podnet_net {
	struct list_head devs;
	unsigned int gen;
};

extern unsigned int podnet_net_id;

static inline struct podnet_net *podnet_net(const struct net *net)
{
	return net_generic(net, podnet_net_id);
}

int podnet_netns_init(void);
void podnet_netns_uninit(void);

#endif /* _PODNET_NETNS_H */
