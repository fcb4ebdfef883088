// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 from pod to pod on one podnet device, through the IP stack's steps
 * but not through the podnet device.
 *
 * A pod's packet goes to the node's IP stack as received on the podnet
 * device: a second pass through the receive path (RX_HANDLER_ANOTHER), then
 * ip_rcv(); a packet routed back out of the device goes through the device's
 * transmit path to podnet_xmit(), which delivers it to the port that owns
 * its next hop. For a packet to another pod of the same device, the
 * rx_handler takes the steps of that path itself, in the same order and
 * with the same devices: PRE_ROUTING hooks (conntrack, NAT, iptables,
 * nftables: in = the podnet device), the node's route lookup (rules,
 * routes, reverse path filter, forwarding enabled), then, if the route
 * forwards it out of the device to one of its pods, what ip_forward() does
 * (TTL, FORWARD hooks, IP MIB counters) and ip_output() (POST_ROUTING
 * hooks: SNAT, conntrack confirmation), and delivers it with
 * podnet_deliver(), as podnet_xmit() does. Routed anywhere else, or due an
 * ICMP error (TTL expiring, too big), it is handed to the stack where
 * ip_rcv_finish() would hand it (dst_input()).
 *
 * What it leaves out is what only the podnet device's own passes would
 * show: so it is not taken while the device has a tap (tcpdump), a tc
 * filter, a qdisc, a netfilter ingress or egress hook, or an L3 master
 * (VRF); nor with IPsec policies, IP options, or a packet whose header is
 * not one ip_rcv() would take as it is. It also sends no ICMP redirect
 * (the stack sends one when a packet leaves by the device it came in on;
 * pods do not need them) and skips early demux (a node socket lookup that
 * a forwarded packet never matches). IPv6 takes the IP stack.
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/dst_metadata.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sch_generic.h>

#include "fwd.h"
#include "port.h"

/*
 * Whether anything but netfilter and routing would see this device's
 * traffic in the IP stack: what the second pass through the receive path
 * as the podnet device's, and its transmit path, would show it to.
 */
static bool podnet_fwd_quiet(struct net_device *dev)
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
#ifdef CONFIG_NET_INGRESS
	if (rcu_access_pointer(dev->miniq_ingress))
		return false;
#endif
#ifdef CONFIG_NET_EGRESS
	if (rcu_access_pointer(dev->miniq_egress))
		return false;
#endif
	/* noqueue (the device's default) has no enqueue: no qdisc at all. */
	if (rcu_dereference(txq->qdisc)->enqueue)
		return false;
	return !netif_is_l3_slave(dev) && !dev_nit_active(dev);
}

#ifdef CONFIG_XFRM
static bool podnet_fwd_xfrm(const struct net *net, const struct sk_buff *skb)
{
	return net->xfrm.policy_count[XFRM_POLICY_FWD] ||
	       net->xfrm.policy_count[XFRM_POLICY_OUT] || skb_sec_path(skb);
}
#else
static bool podnet_fwd_xfrm(const struct net *net, const struct sk_buff *skb)
{
	return false;
}
#endif

static struct podnet_port *podnet_fwd_pod(struct podnet_dev *pn, __be32 addr)
{
	struct podnet_port *port;
	struct in6_addr key;

	ipv6_addr_set_v4mapped(addr, &key);
	port = podnet_addr_lookup(pn, &key);
	if (!port || is_zero_ether_addr(port->pod_mac) ||
	    !netif_running(port->dev))
		return NULL;
	return port;
}

/* Whether it goes out whole: the IP stack fragments, or says it must. */
static bool podnet_fwd_fits(struct sk_buff *skb, unsigned int mtu)
{
	/* LRO frames are not forwarded: the IP stack warns and drops them. */
	if (skb_is_gso(skb))
		return skb_shinfo(skb)->gso_type &&
		       skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu && IPCB(skb)->frag_max_size <= mtu;
}

/* ip_finish_output2() and podnet_xmit(), past POST_ROUTING. */
static int podnet_fwd_xmit(struct net *net, struct sock *sk,
			   struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct rtable *rt = skb_rtable(skb);
	struct podnet_port *out = NULL;

	/* A hook may give the packet back later (NFQUEUE): take RCU here. */
	rcu_read_lock();
	/* No hook re-routes a forwarded packet but IPsec, excluded above. */
	if (likely(rt && rt->dst.dev == dev))
		out = podnet_fwd_pod(netdev_priv(dev),
				     rt_nexthop(rt, ip_hdr(skb)->daddr));
	if (unlikely(!out)) {
		rcu_read_unlock();
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	skb_dst_drop(skb);
	podnet_port_count(out, PODNET_PC_SWITCHED, 1);
	podnet_deliver(out, skb);
	rcu_read_unlock();
	return 0;
}

/* ip_forward_finish() and ip_output(), past FORWARD. */
static int podnet_fwd_forwarded(struct net *net, struct sock *sk,
				struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	__IP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(net, IPSTATS_MIB_OUTOCTETS, skb->len);
	skb_clear_tstamp(skb);
	IP_UPD_PO_STATS(net, IPSTATS_MIB_OUT, skb->len);
	return NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, skb, dev,
		       dev, podnet_fwd_xmit);
}

/*
 * ip_rcv_finish(), past PRE_ROUTING: routed as the IP stack routes it
 * (rules, routes, reverse path filter, forwarding enabled), after whatever
 * DNAT did. A packet forwarded out of this device to one of its pods goes
 * on as ip_forward() would send it; anything else, and anything
 * ip_forward() would answer with an ICMP error, is the IP stack's from
 * here (dst_input()), as it is after ip_rcv_finish().
 */
static int podnet_fwd_routed(struct net *net, struct sock *sk,
			     struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct iphdr *iph = ip_hdr(skb);
	const struct podnet_port *pod;
	const struct rtable *rt;
	int err;

	if (!skb_valid_dst(skb)) {
		err = ip_route_input_noref(skb, iph->daddr, iph->saddr,
					   iph->tos, dev);
		if (unlikely(err)) {
			if (err == -EXDEV)
				__NET_INC_STATS(net, LINUX_MIB_IPRPFILTER);
			kfree_skb(skb);
			return NET_RX_DROP;
		}
	}
	rt = skb_rtable(skb);
	if (rt->rt_type != RTN_UNICAST || rt->dst.dev != dev ||
	    rt->rt_uses_gateway || rt->dst.lwtstate || skb->sk ||
	    iph->ttl <= 1 ||
	    !podnet_fwd_fits(skb, ip_dst_mtu_maybe_forward(&rt->dst, true)))
		return dst_input(skb);
	rcu_read_lock();
	pod = podnet_fwd_pod(netdev_priv(dev), iph->daddr);
	rcu_read_unlock();
	if (!pod || skb_cow_head(skb, ETH_HLEN))
		return dst_input(skb);

	skb_forward_csum(skb);
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	ip_decrease_ttl(ip_hdr(skb));
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	return NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, dev, dev,
		       podnet_fwd_forwarded);
}

/**
 * podnet_fwd() - forward a pod's packet to another pod of the same device
 * @in: the port it came in on
 * @skb: a packet from the pod, its source checked, skb->data at its
 *	network header, already set up as received on the podnet device
 *
 * Context: RCU read-side section (the rx_handler).
 * Return: true if the packet was taken, false if it is to go to the IP
 * stack as received on the podnet device.
 */
bool podnet_fwd(struct podnet_port *in, struct sk_buff *skb)
{
	struct net_device *dev = in->pn->dev;
	struct net *net = dev_net(dev);
	const struct iphdr *iph;

	if (skb->pkt_type != PACKET_HOST || skb->protocol != htons(ETH_P_IP))
		return false;
	iph = ip_hdr(skb);
	if (iph->ihl != 5 || ntohs(iph->tot_len) != skb->len ||
	    ip_fast_csum(iph, iph->ihl) || !podnet_fwd_quiet(dev) ||
	    podnet_fwd_xfrm(net, skb) || !podnet_fwd_pod(in->pn, iph->daddr))
		return false;

	/* As ip_rcv() takes it after the second pass on the podnet device. */
	if (!skb_sk_is_prefetched(skb))
		skb_orphan(skb);
	skb->skb_iif = dev->ifindex;
	skb_set_transport_header(skb, sizeof(*iph));
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	IPCB(skb)->iif = dev->ifindex;
	__IP_UPD_PO_STATS(net, IPSTATS_MIB_IN, skb->len);
	__IP_ADD_STATS(net, IPSTATS_MIB_NOECTPKTS + (iph->tos & INET_ECN_MASK),
		       max_t(unsigned short, 1, skb_shinfo(skb)->gso_segs));
	NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL,
		podnet_fwd_routed);
	return true;
}
