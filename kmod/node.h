/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NODE_H
#define _PODNET_NODE_H

#include <linux/podnet.h>
#include <net/genetlink.h>

struct net;

extern const struct nla_policy podnet_node_policy[PODNET_NODE_A_MAX + 1];

int podnet_nl_node_set(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_node_del(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_node_get(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_node_dump(struct sk_buff *skb, struct netlink_callback *cb);
void podnet_node_net_exit(struct net *net);

#endif /* _PODNET_NODE_H */
