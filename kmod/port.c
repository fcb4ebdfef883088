// SPDX-License-Identifier: GPL-2.0
/*
 * Ports of a podnet device and the pod addresses bound to them.
 *
 * A port is the node end of a pod's veth pair. Its frames are taken by an
 * rx_handler: ARP and neighbour solicitations are answered here (neigh.c),
 * IP packets whose source address is bound to the port are handed to the
 * node's IP stack as received on the podnet device, everything else is
 * dropped and counted. The address table maps every bound address to its
 * port, for the source check on receive and for delivery on transmit.
 *
 * Writers hold RTNL; the packet path reads under RCU and takes no lock.
 */

#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/ipv6.h>

#include "port.h"
#include "device.h"
#include "fwd.h"
#include "kunit.h"
#include "neigh.h"
#include "netlink.h"
#include "netns.h"
#include "tunnel.h"
#include "uplink.h"

/*
 * What the receive checks make of a packet: a drop reason (one of the
 * PODNET_PC_DROP_* of enum podnet_port_counter), or one of these.
 */
enum {
	PODNET_RX_ACCEPT = PODNET_PC_MAX,
	PODNET_RX_CONSUMED,
};

static rx_handler_result_t podnet_handle_frame(struct sk_buff **pskb);

/**
 * podnet_port_get_rtnl() - the podnet port a device is, if any
 * @dev: a network device
 *
 * Context: RTNL.
 * Return: the port, or NULL if @dev is not a podnet port.
 */
struct podnet_port *podnet_port_get_rtnl(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != podnet_handle_frame)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}
PODNET_EXPORT_FOR_KUNIT(podnet_port_get_rtnl);

static unsigned int podnet_rx_ipv4(struct podnet_port *port,
				   struct sk_buff *skb)
{
	struct in6_addr saddr;

	if (!pskb_may_pull(skb, sizeof(struct iphdr)) || ip_hdr(skb)->version != 4)
		return PODNET_PC_DROP_PROTO;
	ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &saddr);
	return podnet_port_owns(port, &saddr) ? PODNET_RX_ACCEPT :
						   PODNET_PC_DROP_SPOOF;
}

static unsigned int podnet_rx_ipv6(struct podnet_port *port,
				   struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;

	if (!pskb_may_pull(skb, sizeof(*ip6h)) || ipv6_hdr(skb)->version != 6)
		return PODNET_PC_DROP_PROTO;
	if (podnet_neigh_is_ns(skb)) {
		podnet_neigh_ns_rcv(port, skb);
		return PODNET_RX_CONSUMED;
	}
	ip6h = ipv6_hdr(skb);
	/*
	 * Link-local traffic (router solicitations, MLD) is not routed: what
	 * ipv6_addr_type() says of fe80::/10, ff00::/8 and ::, without its
	 * call and the rest of its classification on every packet.
	 */
	if ((ip6h->saddr.s6_addr32[0] & htonl(0xffc00000)) == htonl(0xfe800000) ||
	    ipv6_addr_is_multicast(&ip6h->saddr) || ipv6_addr_any(&ip6h->saddr))
		return PODNET_PC_DROP_PROTO;
	/*
	 * An IPv4-mapped source would pass for the pod's IPv4 address (the
	 * key it is bound under), which is no IPv6 address of the pod's.
	 * (6.1's ip6_rcv_core() has no check for it.)
	 */
	if (ipv6_addr_v4mapped(&ip6h->saddr))
		return PODNET_PC_DROP_SPOOF;
	return podnet_port_owns(port, &ip6h->saddr) ? PODNET_RX_ACCEPT :
							 PODNET_PC_DROP_SPOOF;
}

/* Called under rcu_read_lock() from __netif_receive_skb_core(). */
static rx_handler_result_t podnet_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	rx_handler_result_t res;
	unsigned int verdict;
	struct podnet_port *port;
	struct net_device *pdev;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	*pskb = skb;

	port = rcu_dereference(skb->dev->rx_handler_data);
	pdev = port->pn->dev;

	/*
	 * An 802.1Q tag (the receive path has moved the frame's outer tag
	 * here): a frame for a VLAN podnet has none of. A priority tag (VLAN
	 * 0) is only cleared, as __netif_receive_skb_core() of 6.1 does.
	 */
	if (unlikely(skb_vlan_tag_present(skb))) {
		if (skb_vlan_tag_get_id(skb)) {
			verdict = PODNET_PC_DROP_PROTO;
			goto verdict;
		}
		__vlan_hwaccel_clear_tag(skb);
	}

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		verdict = podnet_rx_ipv4(port, skb);
		break;
	case htons(ETH_P_IPV6):
		verdict = podnet_rx_ipv6(port, skb);
		break;
	case htons(ETH_P_ARP):
		podnet_neigh_arp_rcv(port, skb);
		return RX_HANDLER_CONSUMED;
	default:
		verdict = PODNET_PC_DROP_PROTO;
		break;
	}

verdict:
	if (verdict == PODNET_RX_CONSUMED)
		return RX_HANDLER_CONSUMED;
	if (verdict != PODNET_RX_ACCEPT || unlikely(!netif_running(pdev))) {
		if (verdict != PODNET_RX_ACCEPT)
			podnet_port_count(port, (enum podnet_port_counter)verdict, 1);
		dev_core_stats_rx_dropped_inc(pdev);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}

	podnet_port_count2(port, PODNET_PC_RX_PACKETS, skb->len);
	dev_sw_netstats_rx_add(pdev, skb->len);
	/* Received on the podnet device, a device without link-layer header. */
	skb->dev = pdev;
	skb_reset_mac_header(skb);
	skb->mac_len = 0;
	/* Not taken (PASS): to the IP stack, as received on the device. */
	res = podnet_fwd(port, skb);
	return res == RX_HANDLER_PASS ? RX_HANDLER_ANOTHER : res;
}

static void podnet_port_peer_mac(struct podnet_port *port)
{
	const struct net_device_ops *ops = port->dev->netdev_ops;
	struct net_device *peer;

	if (!ops->ndo_get_peer_dev)
		return;
	rcu_read_lock();
	peer = ops->ndo_get_peer_dev(port->dev);
	if (peer && peer->addr_len == ETH_ALEN)
		ether_addr_copy(port->pod_mac, peer->dev_addr);
	rcu_read_unlock();
}

static void podnet_addr_free_rcu(struct podnet_addr *a)
{
	kfree_rcu(a, rcu);
}

static void podnet_port_unbind(struct podnet_port *port)
{
	unsigned int i, n = port->naddrs;

	WRITE_ONCE(port->naddrs, 0);
	for (i = 0; i < n; i++) {
		struct podnet_addr *a = port->addrs[i];

		rhashtable_remove_fast(&port->pn->addrs, &a->node,
				       podnet_addr_params);
		WRITE_ONCE(port->addrs[i], NULL);
		podnet_addr_free_rcu(a);
	}
}

/**
 * podnet_port_bind() - bind a pod's addresses to a port without any
 * @port: the port
 * @spec: the addresses (and MAC address, if given)
 * @extack: error reporting
 *
 * Either every address is bound or none is.
 *
 * Context: RTNL.
 * Return: 0, -EEXIST if the port has addresses or one of them is bound to
 * another port, -ENOMEM.
 */
int podnet_port_bind(struct podnet_port *port,
		     const struct podnet_pod_spec *spec,
		     struct netlink_ext_ack *extack)
{
	struct podnet_dev *pn = port->pn;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	if (port->naddrs) {
		NL_SET_ERR_MSG_MOD(extack, "pod already has addresses bound");
		return -EEXIST;
	}
	for (i = 0; i < spec->naddrs; i++) {
		struct podnet_addr *a;

		if (rhashtable_lookup_fast(&pn->addrs, &spec->addrs[i],
					   podnet_addr_params)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "address already bound to another pod");
			NL_SET_BAD_ATTR(extack, spec->attrs[i]);
			err = -EEXIST;
			goto err_unbind;
		}
		a = kzalloc(sizeof(*a), PODNET_GFP_CFG);
		if (!a) {
			err = -ENOMEM;
			goto err_unbind;
		}
		a->key = spec->addrs[i];
		a->port = port;
		err = rhashtable_lookup_insert_fast(&pn->addrs, &a->node,
						    podnet_addr_params);
		if (err) {
			kfree(a);
			if (err == -EEXIST) {
				NL_SET_ERR_MSG_MOD(extack,
						   "address given twice");
				NL_SET_BAD_ATTR(extack, spec->attrs[i]);
			}
			goto err_unbind;
		}
		WRITE_ONCE(port->addrs[port->naddrs], a);
		/* The slot before the count: podnet_port_owns(). */
		smp_store_release(&port->naddrs, port->naddrs + 1);
	}
	if (!is_zero_ether_addr(spec->mac)) {
		ether_addr_copy(port->pod_mac, spec->mac);
		port->mac_fixed = true;
	}
	podnet_net(dev_net(pn->dev))->gen++;
	return 0;

err_unbind:
	podnet_port_unbind(port);
	return err;
}
PODNET_EXPORT_FOR_KUNIT(podnet_port_bind);

/**
 * podnet_port_attach() - make a device a port of a podnet device
 * @pn: the podnet device
 * @dev: the device to attach (a pod's veth node end)
 * @spec: addresses to bind, or NULL for none ("ip link set DEV master")
 * @extack: error reporting
 *
 * Context: RTNL.
 * Return: 0 or a negative errno; on error nothing has changed.
 */
int podnet_port_attach(struct podnet_dev *pn, struct net_device *dev,
		       const struct podnet_pod_spec *spec,
		       struct netlink_ext_ack *extack)
{
	struct podnet_port *port;
	int err;

	ASSERT_RTNL();
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "loopback cannot be a pod port");
		return -EINVAL;
	}
	if (netif_is_podnet(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a podnet device cannot be a pod port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    !dev->netdev_ops->ndo_get_peer_dev) {
		NL_SET_ERR_MSG_MOD(extack, "pod port must be the node end of a veth pair");
		return -EINVAL;
	}
	/*
	 * podnet_deliver() counts what it hands over in the port's tstats,
	 * as veth_xmit() does; a veth of a 6.1.y before veth's move to tstats
	 * has pcpu_lstats there instead.
	 */
	if (dev->pcpu_stat_type != NETDEV_PCPU_STAT_TSTATS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "pod port does not count in tstats (a veth of this kernel cannot be a port)");
		return -EOPNOTSUPP;
	}
	if (!net_eq(dev_net(dev), dev_net(pn->dev))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "pod port is in another network namespace");
		return -EINVAL;
	}
	if (netdev_master_upper_dev_get(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "device is already a port of another master");
		return -EBUSY;
	}

	port = kzalloc(sizeof(*port), PODNET_GFP_CFG);
	if (!port)
		return -ENOMEM;
	port->stats = __netdev_alloc_pcpu_stats(struct podnet_port_stats,
						 PODNET_GFP_CFG);
	if (!port->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	port->dev = dev;
	port->pn = pn;
	podnet_port_peer_mac(port);

	err = netdev_rx_handler_register(dev, podnet_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "device already has a receive handler (bridge, bond, macvlan?)");
		goto err_free;
	}
	err = netdev_master_upper_dev_link(dev, pn->dev, NULL, NULL, extack);
	if (err)
		goto err_unregister;
	if (spec) {
		err = podnet_port_bind(port, spec, extack);
		if (err)
			goto err_unlink;
	}

	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	list_add_tail_rcu(&port->node, &pn->ports);
	pn->nports++;
	podnet_net(dev_net(pn->dev))->gen++;
	podnet_nl_notify_pod(port, PODNET_CMD_POD_ADD);
	return 0;

err_unlink:
	netdev_upper_dev_unlink(dev, pn->dev);
err_unregister:
	netdev_rx_handler_unregister(dev);
err_free:
	free_percpu(port->stats);
	kfree(port);
	return err;
}
PODNET_EXPORT_FOR_KUNIT(podnet_port_attach);

static void podnet_port_free_rcu(struct rcu_head *head)
{
	struct podnet_port *port = container_of(head, struct podnet_port, rcu);

	podnet_fwd_routes_free(port);
	free_percpu(port->stats);
	kfree(port);
}

/**
 * podnet_port_detach() - detach a port, unbinding its addresses
 * @port: the port
 *
 * Announces PODNET_CMD_POD_DEL. The port is freed after a grace period.
 *
 * Context: RTNL.
 */
void podnet_port_detach(struct podnet_port *port)
{
	struct podnet_dev *pn = port->pn;
	struct net_device *dev = port->dev;

	ASSERT_RTNL();
	podnet_nl_notify_pod(port, PODNET_CMD_POD_DEL);
	podnet_port_unbind(port);
	list_del_rcu(&port->node);
	pn->nports--;
	podnet_net(dev_net(pn->dev))->gen++;
	netdev_upper_dev_unlink(dev, pn->dev);
	/* Waits for the packet path to let go of the port. */
	netdev_rx_handler_unregister(dev);
	netdev_put(dev, &port->dev_tracker);
	call_rcu(&port->rcu, podnet_port_free_rcu);
}
PODNET_EXPORT_FOR_KUNIT(podnet_port_detach);

/**
 * podnet_port_detach_all() - detach every port of a podnet device
 * @pn: the podnet device
 *
 * Context: RTNL.
 */
void podnet_port_detach_all(struct podnet_dev *pn)
{
	struct podnet_port *port, *tmp;

	list_for_each_entry_safe(port, tmp, &pn->ports, node)
		podnet_port_detach(port);
}

/**
 * podnet_port_read_stats() - sum a port's per-CPU counters
 * @port: the port
 * @out: the sums, indexed by enum podnet_port_counter
 */
void podnet_port_read_stats(const struct podnet_port *port,
			    u64 out[PODNET_PC_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * PODNET_PC_MAX);
	for_each_possible_cpu(cpu) {
		const struct podnet_port_stats *s = per_cpu_ptr(port->stats, cpu);
		u64 v[PODNET_PC_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PODNET_PC_MAX; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < PODNET_PC_MAX; i++)
			out[i] += v[i];
	}
}

static int podnet_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct podnet_port *port;

	podnet_tunnel_netdev_event(dev, event);
	podnet_uplink_netdev_event(dev, event);
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	port = podnet_port_get_rtnl(dev);
	if (port)
		podnet_port_detach(port);
	return NOTIFY_DONE;
}

static struct notifier_block podnet_netdev_notifier = {
	.notifier_call = podnet_netdev_event,
};

/**
 * podnet_port_init() - watch for port devices going away, for tunnel
 *	devices coming and going (tunnel.c) and for uplinks going (uplink.c)
 *
 * Return: 0 or a negative errno.
 */
int __init podnet_port_init(void)
{
	return register_netdevice_notifier(&podnet_netdev_notifier);
}

/**
 * podnet_port_uninit() - stop watching devices
 */
void podnet_port_uninit(void)
{
	unregister_netdevice_notifier(&podnet_netdev_notifier);
}
