// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel from the other nodes: the VXLAN device named PODNET_VXLAN_DEV
 * ("podnet.1", which podnetctl makes for the nodes it reaches over VXLAN).
 * podnet takes what that device receives (an rx_handler, as a bridge takes
 * its ports'): a packet for a pod of a podnet device of its namespace goes
 * to the pod by podnet's forward path (podnet_fwd_node(), kmod/fwd.c),
 * with the IP stack's steps and devices; anything else goes on to the IP
 * stack as received on the tunnel device, as without podnet.
 *
 * A device is taken when it is registered (or renamed) with that name and
 * is of kind "vxlan", in any namespace, and let go when it goes, is renamed
 * or podnet is unloaded (the netdevice notifier's replay). A device that
 * already has an rx_handler (a bridge port) is left alone.
 */

#include <linux/netdevice.h>
#include <linux/podnet.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "fwd.h"
#include "tunnel.h"

/* Called under rcu_read_lock() from __netif_receive_skb_core(). */
static rx_handler_result_t podnet_tunnel_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	*pskb = skb;
	return podnet_fwd_node(skb);
}

static bool podnet_tunnel_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, "vxlan") &&
	       !strcmp(dev->name, PODNET_VXLAN_DEV);
}

/**
 * podnet_tunnel_netdev_event() - take or let go of a tunnel device
 * @dev: the device a netdevice notifier event is about
 * @event: the event
 *
 * Context: RTNL.
 */
void podnet_tunnel_netdev_event(struct net_device *dev, unsigned long event)
{
	bool ours = rtnl_dereference(dev->rx_handler) == podnet_tunnel_rx;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
		if (!ours && podnet_tunnel_dev(dev) &&
		    !rtnl_dereference(dev->rx_handler)) {
			if (netdev_rx_handler_register(dev, podnet_tunnel_rx, NULL))
				netdev_warn(dev, "podnet: cannot take its receive path\n");
		} else if (ours && !podnet_tunnel_dev(dev)) {
			netdev_rx_handler_unregister(dev);
		}
		break;
	case NETDEV_UNREGISTER:
		if (ours)
			netdev_rx_handler_unregister(dev);
		break;
	}
}
