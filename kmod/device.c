// SPDX-License-Identifier: GPL-2.0
/*
 * The podnet device: a node's pod bridge.
 *
 * A layer-3 device (ARPHRD_NONE, no link-layer header, no ARP). Pod frames
 * reach the IP stack as received on it (port.c); what the stack routes out
 * of it is delivered here to the port that owns the next hop, with an
 * Ethernet header addressed to the pod.
 */

#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <net/icmp.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "kunit.h"
#include "netns.h"
#include "port.h"

#define PODNET_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE | \
			 NETIF_F_RXCSUM)

/*
 * The next hop of a packet routed out of the device: the gateway of its
 * route, or its destination if directly connected.
 */
static bool podnet_nexthop(struct sk_buff *skb, struct in6_addr *nh)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP): {
		const struct rtable *rt = skb_rtable(skb);
		__be32 daddr = ip_hdr(skb)->daddr;

		ipv6_addr_set_v4mapped(rt ? rt_nexthop(rt, daddr) : daddr, nh);
		return true;
	}
	case htons(ETH_P_IPV6): {
		const struct rt6_info *rt = (const struct rt6_info *)skb_dst(skb);

		*nh = rt ? *rt6_nexthop((struct rt6_info *)rt,
					&ipv6_hdr(skb)->daddr) :
			   ipv6_hdr(skb)->daddr;
		return true;
	}
	default:
		return false;
	}
}

static void podnet_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
}

/**
 * podnet_deliver() - send a packet to a pod
 * @port: the pod's port
 * @skb: an IP packet, skb->data at its header (consumed)
 *
 * The packet gets an Ethernet header addressed to the pod and is sent on the
 * node end of the pod's veth pair, as a bridge sends on its port: the node
 * end's qdisc, taps and counters see it.
 *
 * Context: RCU read-side section.
 */
void podnet_deliver(struct podnet_port *port, struct sk_buff *skb)
{
	struct net_device *dev = port->pn->dev;
	unsigned int len = skb->len;
	struct ethhdr *eth;

	if (unlikely(is_zero_ether_addr(port->pod_mac) ||
		     skb_cow_head(skb, ETH_HLEN))) {
		podnet_port_count(port, PODNET_PC_DROP_TX, 1);
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return;
	}

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, port->pod_mac);
	ether_addr_copy(eth->h_source, port->dev->dev_addr);
	eth->h_proto = skb->protocol;

	skb->dev = port->dev;
	if (likely(dev_queue_xmit(skb) == NET_XMIT_SUCCESS)) {
		podnet_port_count2(port, PODNET_PC_TX_PACKETS, len);
		dev_sw_netstats_tx_add(dev, 1, len);
	} else {
		podnet_port_count(port, PODNET_PC_DROP_TX, 1);
		dev_core_stats_tx_dropped_inc(dev);
	}
}

/**
 * podnet_output() - send a packet routed out of a podnet device to its pod
 * @pn: the device
 * @hint: the port it is likely going to, or NULL
 * @skb: an IP packet routed out of it (consumed)
 *
 * It goes to the port that owns its next hop (@hint if that one does,
 * without a look-up); if no port does, the sender is told the host is
 * unreachable.
 *
 * Context: RCU read-side section.
 * Return: the port it was handed to, or NULL if it was dropped.
 */
struct podnet_port *podnet_output(struct podnet_dev *pn,
				  struct podnet_port *hint, struct sk_buff *skb)
{
	struct podnet_port *port;
	struct in6_addr nh;

	if (!podnet_nexthop(skb, &nh))
		goto drop;
	if (hint && podnet_port_owns(hint, &nh))
		port = hint;
	else
		port = podnet_addr_lookup(pn, &nh);
	if (!port) {
		podnet_unreachable(skb);
		goto drop;
	}
	podnet_deliver(port, skb);
	return port;

drop:
	dev_core_stats_tx_dropped_inc(pn->dev);
	kfree_skb(skb);
	return NULL;
}

static netdev_tx_t podnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	rcu_read_lock();
	podnet_output(netdev_priv(dev), NULL, skb);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int podnet_init(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	err = rhashtable_init(&pn->addrs, &podnet_addr_params);
	if (err) {
		free_percpu(dev->tstats);
		return err;
	}
	pn->dev = dev;
	INIT_LIST_HEAD(&pn->ports);
	list_add(&pn->node, &podnet_net(dev_net(dev))->devs);
	return 0;
}

/* Also called when register_netdevice() fails after podnet_init(). */
static void podnet_uninit(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	podnet_port_detach_all(pn);
	list_del(&pn->node);
}

/* After the last reference is gone: nothing can look at the tables now. */
static void podnet_destruct(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	rhashtable_destroy(&pn->addrs);
	free_percpu(dev->tstats);
}

static int podnet_add_slave(struct net_device *dev, struct net_device *port_dev,
			    struct netlink_ext_ack *extack)
{
	return podnet_port_attach(netdev_priv(dev), port_dev, NULL, extack);
}

static int podnet_del_slave(struct net_device *dev, struct net_device *port_dev)
{
	struct podnet_port *port = podnet_port_get_rtnl(port_dev);

	if (!port || port->pn != netdev_priv(dev))
		return -EINVAL;
	podnet_port_detach(port);
	return 0;
}

static int podnet_open(struct net_device *dev)
{
	netif_carrier_on(dev);
	return 0;
}

static int podnet_stop(struct net_device *dev)
{
	netif_carrier_off(dev);
	return 0;
}

const struct net_device_ops podnet_netdev_ops = {
	.ndo_init = podnet_init,
	.ndo_uninit = podnet_uninit,
	.ndo_open = podnet_open,
	.ndo_stop = podnet_stop,
	.ndo_start_xmit = podnet_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_add_slave = podnet_add_slave,
	.ndo_del_slave = podnet_del_slave,
};
PODNET_EXPORT_FOR_KUNIT(podnet_netdev_ops);

/**
 * podnet_setup() - initialise a podnet net_device
 * @dev: the device, with struct podnet_dev as private area
 */
void podnet_setup(struct net_device *dev)
{
	dev->netdev_ops = &podnet_netdev_ops;
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = ETH_HLEN;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->features |= PODNET_FEATURES | NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
	dev->hw_features |= PODNET_FEATURES;
	dev->hw_enc_features |= PODNET_FEATURES;
	dev->vlan_features |= PODNET_FEATURES;
	dev->needs_free_netdev = true;
	dev->priv_destructor = podnet_destruct;
	netif_keep_dst(dev);
}
PODNET_EXPORT_FOR_KUNIT(podnet_setup);

static int podnet_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	int err;

	err = register_netdevice(dev);
	if (err)
		return err;
	netif_carrier_off(dev);
	return 0;
}

static size_t podnet_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32));	/* IFLA_PODNET_PORTS */
}

static int podnet_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct podnet_dev *pn = netdev_priv(dev);

	if (nla_put_u32(skb, IFLA_PODNET_PORTS, pn->nports))
		return -EMSGSIZE;
	return 0;
}

static const struct nla_policy podnet_link_policy[IFLA_PODNET_MAX + 1] = {
	[IFLA_PODNET_PORTS] = { .type = NLA_REJECT },
};

static struct rtnl_link_ops podnet_link_ops __read_mostly = {
	.kind = KBUILD_MODNAME,
	.priv_size = sizeof(struct podnet_dev),
	.setup = podnet_setup,
	.newlink = podnet_newlink,
	.get_size = podnet_get_size,
	.fill_info = podnet_fill_info,
	.maxtype = IFLA_PODNET_MAX,
	.policy = podnet_link_policy,
};

/**
 * podnet_device_init() - register the "podnet" link type
 *
 * Return: 0 or a negative errno.
 */
int __init podnet_device_init(void)
{
	return rtnl_link_register(&podnet_link_ops);
}

/**
 * podnet_device_uninit() - unregister the link type, deleting every device
 */
void podnet_device_uninit(void)
{
	rtnl_link_unregister(&podnet_link_ops);
}
