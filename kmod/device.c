// SPDX-License-Identifier: GPL-2.0
/*
 * The podnet device: a node's pod bridge.
 *
 * A layer-3 device (ARPHRD_NONE, no link-layer header, no ARP). Pod frames
 * reach the IP stack as received on it (port.c); what the stack routes out
 * of it is delivered here to the port that owns the next hop, with an
 * Ethernet header addressed to the pod. What the forward path (fwd.c)
 * delivers can instead be handed straight to the pod's end of the veth pair.
 */

#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <net/dst_metadata.h>
#include <net/icmp.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/rtnetlink.h>
#include <net/sch_generic.h>

#include "compat.h"
#include "device.h"
#include "kunit.h"
#include "netns.h"
#include "port.h"

#define PODNET_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE | \
			 NETIF_F_RXCSUM)

/*
 * The next hop of a packet routed out of the device: the gateway of its
 * route, or its destination if directly connected or if it has no route
 * (sent on the device by a packet socket, which gives no header either:
 * a packet too short for one has no next hop).
 */
static bool podnet_nexthop(struct sk_buff *skb, struct in6_addr *nh)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP): {
		const struct rtable *rt;
		__be32 daddr;

		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			return false;
		daddr = ip_hdr(skb)->daddr;
		rt = skb_valid_dst(skb) ? skb_rtable(skb) : NULL;
		ipv6_addr_set_v4mapped(rt ? rt_nexthop(rt, daddr) : daddr, nh);
		return true;
	}
	case htons(ETH_P_IPV6): {
		struct rt6_info *rt;

		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			return false;
		rt = skb_valid_dst(skb) ? (struct rt6_info *)skb_dst(skb) : NULL;
		*nh = rt ? *rt6_nexthop(rt, &ipv6_hdr(skb)->daddr) :
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

/*
 * Whether a tap would see what @dev sends or receives. dev_nit_active() of
 * 6.1 (and 6.12) is true for a tap on every device (tcpdump -i any) of any
 * namespace: the list of those is one for the host. Those taps are packet
 * sockets, the only kind the kernel has (af_packet.c), and packet_rcv()
 * drops what a device of another namespace gives them: one on every device
 * counts only when @dev's namespace has a packet socket at all.
 */
static bool podnet_dev_tapped(struct net_device *dev)
{
	if (!list_empty(&dev->ptype_all))
		return true;
	return dev_nit_active(dev) &&
	       !hlist_empty(&dev_net(dev)->packet.sklist);
}

/**
 * podnet_dev_quiet() - whether only netfilter and routing see a device's
 *	traffic
 * @dev: a device
 *
 * False if it has a tap (tcpdump), a tc filter, a qdisc, a netfilter ingress
 * or egress hook, or an L3 master (VRF): what a packet's passes through its
 * receive or transmit path would show it to.
 *
 * Context: RCU read-side section.
 */
bool podnet_dev_quiet(struct net_device *dev)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);

#ifdef CONFIG_NETFILTER_INGRESS
	if (rcu_access_pointer(dev->nf_hooks_ingress))
		return false;
#endif
#ifdef CONFIG_NETFILTER_EGRESS
	if (rcu_access_pointer(dev->nf_hooks_egress))
		return false;
#endif
	if (podnet_dev_tc(dev))
		return false;
	/* noqueue (the device's default) has no enqueue: no qdisc at all. */
	if (rcu_dereference(txq->qdisc)->enqueue)
		return false;
	return !netif_is_l3_slave(dev) && !podnet_dev_tapped(dev);
}

/*
 * Whether receive packet steering could send what @dev receives through
 * netif_rx() to another CPU: an RPS map or flow table on one of its
 * receive queues, as get_rps_cpu() of 6.1 looks for (rps_needed alone is
 * any device's, in any namespace).
 */
static bool podnet_rps_steers(const struct net_device *dev)
{
#ifdef CONFIG_RPS
	unsigned int i;

	if (!static_branch_unlikely(&rps_needed))
		return false;
	for (i = 0; i < dev->real_num_rx_queues; i++)
		if (rcu_access_pointer(dev->_rx[i].rps_map) ||
		    rcu_access_pointer(dev->_rx[i].rps_flow_table))
			return true;
#endif
	return false;
}

/*
 * The pod's end of the veth pair if a packet sent on the node end @dev
 * would reach it as it is, with nothing on the way to see it: the node
 * end's transmit path is quiet (podnet_dev_quiet()) and needs neither
 * segmentation nor checksumming for its features, the pod end takes it
 * without NAPI (no XDP program, GRO off: veth's own path then) and no RPS
 * map of its could send it to another CPU.
 */
static struct net_device *podnet_peer(struct net_device *dev,
				      struct sk_buff *skb)
{
	netdev_features_t features = dev->features;
	struct net_device *peer;

	if (!podnet_dev_quiet(dev) || netif_needs_gso(skb, features) ||
	    skb_needs_linearize(skb, features) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL &&
	     !(features & NETIF_F_HW_CSUM)))
		return NULL;
	peer = dev->netdev_ops->ndo_get_peer_dev(dev);
	if (!peer || peer->wanted_features & NETIF_F_GRO ||
	    dev_xdp_prog_count(peer) || podnet_rps_steers(peer))
		return NULL;
	return peer;
}

/**
 * podnet_deliver() - send a packet to a pod
 * @port: the pod's port
 * @skb: an IP packet, skb->data at its header (consumed, or handed back in
 *	*@rx)
 * @rx: NULL, or where to hand the packet back as received on the pod's end
 *	of the veth pair, for the caller's receive loop to take it there
 *	(RX_HANDLER_ANOTHER)
 *
 * The packet gets an Ethernet header addressed to the pod and is sent on the
 * node end of the pod's veth pair, as a bridge sends on its port: the node
 * end's qdisc, taps and counters see it. When the caller can take it (@rx)
 * and nothing on that transmit path would see it (podnet_peer()), the steps
 * veth takes to receive it on the pod's end are taken here instead, the
 * node end's counters included, and the receive loop takes it on from there
 * without the node end's transmit, the pod end's backlog queue and the
 * softirq that empties it: as a tc program's bpf_redirect_peer() does.
 *
 * Context: RCU read-side section.
 * Return: true if the packet was sent or handed back, false if dropped.
 */
bool podnet_deliver(struct podnet_port *port, struct sk_buff *skb,
		    struct sk_buff **rx)
{
	struct net_device *dev = port->pn->dev;
	unsigned int len = skb->len;
	struct net_device *peer;
	struct ethhdr *eth;

	if (unlikely(is_zero_ether_addr(port->pod_mac) ||
		     skb_cow_head(skb, ETH_HLEN))) {
		kfree_skb(skb);
		goto drop;
	}

	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, port->pod_mac);
	ether_addr_copy(eth->h_source, port->dev->dev_addr);
	eth->h_proto = skb->protocol;

	skb->dev = port->dev;
	peer = rx ? podnet_peer(port->dev, skb) : NULL;
	if (peer) {
		/*
		 * veth_xmit(): __dev_forward_skb() and its counters (a device
		 * with ndo_get_peer_dev() must count in tstats: the sent count
		 * of the node end is the received count of the pod's end).
		 */
		if (____dev_forward_skb(peer, skb, true))
			goto drop;
		skb->protocol = eth_type_trans(skb, peer);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
		skb_reset_mac_len(skb);
		dev_sw_netstats_tx_add(port->dev, 1, len + ETH_HLEN);
		*rx = skb;
	} else if (unlikely(dev_queue_xmit(skb) != NET_XMIT_SUCCESS)) {
		goto drop;
	}
	podnet_port_count2(port, PODNET_PC_TX_PACKETS, len);
	dev_sw_netstats_tx_add(dev, 1, len);
	return true;

drop:
	podnet_port_count(port, PODNET_PC_DROP_TX, 1);
	dev_core_stats_tx_dropped_inc(dev);
	return false;
}

/**
 * podnet_output() - send a packet routed out of a podnet device to its pod
 * @pn: the device
 * @hint: the port it is likely going to, or NULL
 * @skb: an IP packet routed out of it (consumed, or handed back in *@rx)
 * @rx: as for podnet_deliver()
 *
 * It goes to the port that owns its next hop (@hint if that one does,
 * without a look-up); if no port does, the sender is told the host is
 * unreachable.
 *
 * Context: RCU read-side section.
 * Return: the port it was handed to, or NULL if it was dropped.
 */
struct podnet_port *podnet_output(struct podnet_dev *pn,
				  struct podnet_port *hint, struct sk_buff *skb,
				  struct sk_buff **rx)
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
	return podnet_deliver(port, skb, rx) ? port : NULL;

drop:
	dev_core_stats_tx_dropped_inc(pn->dev);
	kfree_skb(skb);
	return NULL;
}

static netdev_tx_t podnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	rcu_read_lock();
	podnet_output(netdev_priv(dev), NULL, skb, NULL);
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
	/* Read under RCU by the tunnel's rx_handler (fwd.c). */
	list_add_rcu(&pn->node, &podnet_net(dev_net(dev))->devs);
	return 0;
}

/* Also called when register_netdevice() fails after podnet_init(). */
static void podnet_uninit(struct net_device *dev)
{
	struct podnet_dev *pn = netdev_priv(dev);

	podnet_port_detach_all(pn);
	/* unregister_netdevice_many() waits for readers before the free */
	list_del_rcu(&pn->node);
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
	dev->features |= PODNET_FEATURES;
	podnet_dev_set_local_lltx(dev);
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
