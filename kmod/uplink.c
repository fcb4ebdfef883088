// SPDX-License-Identifier: GPL-2.0
/*
 * The way in from nodes reached without a tunnel (encap none, "host-gw"):
 * their pods' packets come in on the device of this node's route to the
 * node's address (its uplink), routed by the other node straight to the
 * pod address. podnet takes what that device receives through a netfilter
 * ingress hook (NF_NETDEV_INGRESS, the hook nftables' netdev family uses),
 * not an rx_handler: an uplink may be a bond or a bridge, whose receive
 * path is theirs (and a device that became a port of one since it was
 * taken passes everything on to its master). A packet for a pod of a podnet
 * device of the namespace goes to it by podnet's forward path
 * (podnet_fwd_node(), kmod/fwd.c), as one from the tunnel does, with the
 * IP stack's steps and the uplink as the way in; anything else (the node's
 * own traffic, NodePorts, ClusterIPs) goes on to the IP stack untouched.
 *
 * The hook is put on a device when the first node routed via it is set
 * (the device its address is routed through then: a route changed later
 * is followed when the node is set again) and taken off when the last such
 * node goes, when the device goes or leaves the namespace, or with the
 * namespace. Its priority is the last, so that the device's other ingress
 * hooks (nftables' netdev chains) see the packet first, as its taps and tc
 * filters did. All of it under RTNL.
 */

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "compat.h"
#include "device.h"
#include "fwd.h"
#include "netns.h"
#include "uplink.h"

/**
 * struct podnet_uplink - a device other nodes' pods' packets come in on
 * @list: entry in podnet_net.uplinks (RTNL)
 * @dev: the device, NULL once it went (RTNL)
 * @ops: the ingress hook on it
 * @users: nodes routed via it (RTNL)
 */
struct podnet_uplink {
	struct list_head list;
	struct net_device *dev;
	struct nf_hook_ops ops;
	unsigned int users;
};

/* Called under rcu_read_lock() from __netif_receive_skb_core(). */
static unsigned int podnet_uplink_rx(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	rx_handler_result_t res;

	/*
	 * A port of a bridge or bond (an rx_handler of theirs is next): the
	 * stack receives what is for this node on its master, and so does
	 * podnet, if the master is an uplink too. What is not for this host
	 * podnet_fwd_node() passes on.
	 */
	if (unlikely(skb_shared(skb) || rcu_access_pointer(skb->dev->rx_handler)))
		return NF_ACCEPT;
	res = podnet_fwd_node(skb);
	if (res == RX_HANDLER_PASS)
		return NF_ACCEPT;
	/*
	 * Handed back as received on the pod's end of its veth pair
	 * (RX_HANDLER_ANOTHER): a hook cannot restart the receive loop as an
	 * rx_handler does, so the pod's end receives it now, as a bridge
	 * passes a frame up to its own device (br_pass_frame_up()).
	 */
	if (res == RX_HANDLER_ANOTHER)
		netif_receive_skb(skb);
	return NF_STOLEN;
}

/* The device this node sends to @addr by, if podnet may take its input. */
static struct net_device *podnet_uplink_dev(struct net *net,
					    const struct in6_addr *addr)
{
	struct net_device *dev = NULL;

	if (ipv6_addr_v4mapped(addr)) {
		struct flowi4 fl4 = { .daddr = addr->s6_addr32[3] };
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return NULL;
		if (rt->rt_type == RTN_UNICAST)
			dev = rt->dst.dev;
		ip_rt_put(rt);
	} else {
		struct flowi6 fl6 = { .daddr = *addr };
		struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);

		if (!dst->error &&
		    !(dst_rt6_info(dst)->rt6i_flags & (RTF_LOCAL | RTF_REJECT)))
			dev = dst->dev;
		dst_release(dst);
	}
	/* Not the loopback, a podnet device or an L3 master's port. */
	if (!dev || dev->flags & IFF_LOOPBACK || netif_is_podnet(dev) ||
	    netif_is_l3_slave(dev) || netif_is_l3_master(dev))
		return NULL;
	return dev;
}

/**
 * podnet_uplink_get() - take the way in from a node reached without a tunnel
 * @net: this node's namespace
 * @addr: the other node's address (IPv4 as IPv4-mapped)
 *
 * Context: RTNL.
 * Return: the uplink, with a reference for the node, to be put with
 * podnet_uplink_put(); NULL if there is none to take (no route to @addr, or
 * by a device podnet leaves alone: its packets then take the IP stack's
 * path); an ERR_PTR() if the hook could not be put on the device.
 */
struct podnet_uplink *podnet_uplink_get(struct net *net,
					const struct in6_addr *addr)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_uplink *up;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	dev = podnet_uplink_dev(net, addr);
	if (!dev)
		return NULL;
	list_for_each_entry(up, &pnet->uplinks, list) {
		if (up->dev == dev) {
			up->users++;
			return up;
		}
	}
	up = kzalloc(sizeof(*up), PODNET_GFP_CFG);
	if (!up)
		return ERR_PTR(-ENOMEM);
	up->dev = dev;
	up->users = 1;
	up->ops.hook = podnet_uplink_rx;
	up->ops.pf = NFPROTO_NETDEV;
	up->ops.hooknum = NF_NETDEV_INGRESS;
	up->ops.priority = INT_MAX;
	up->ops.dev = dev;
	err = nf_register_net_hook(net, &up->ops);
	if (err) {
		kfree(up);
		return ERR_PTR(err);
	}
	list_add(&up->list, &pnet->uplinks);
	return up;
}

/*
 * Take the hook off. A packet already in it goes on under RCU; the hook's
 * code is podnet's, which module removal keeps until readers are done
 * (free_module() waits for them), and it reads nothing of @up.
 */
static void podnet_uplink_unhook(struct podnet_uplink *up)
{
	nf_unregister_net_hook(dev_net(up->dev), &up->ops);
	up->dev = NULL;
}

/**
 * podnet_uplink_put() - let go of a node's uplink
 * @up: what podnet_uplink_get() gave, or NULL
 *
 * Context: RTNL.
 */
void podnet_uplink_put(struct podnet_uplink *up)
{
	ASSERT_RTNL();
	if (!up || --up->users)
		return;
	if (up->dev)
		podnet_uplink_unhook(up);
	list_del(&up->list);
	kfree(up);
}

/**
 * podnet_uplink_netdev_event() - a device goes, or leaves its namespace:
 *	its hook with it (the nodes routed via it keep their reference)
 * @dev: the device a netdevice notifier event is about
 * @event: the event
 *
 * Context: RTNL.
 */
void podnet_uplink_netdev_event(struct net_device *dev, unsigned long event)
{
	struct podnet_uplink *up;

	if (event != NETDEV_UNREGISTER)
		return;
	list_for_each_entry(up, &podnet_net(dev_net(dev))->uplinks, list)
		if (up->dev == dev)
			podnet_uplink_unhook(up);
}
