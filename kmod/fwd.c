// SPDX-License-Identifier: GPL-2.0
/*
 * IP from pod to pod on one podnet device, through the IP stack's steps but
 * not through the podnet device.
 *
 * A pod's packet goes to the node's IP stack as received on the podnet
 * device: a second pass through the receive path (RX_HANDLER_ANOTHER), then
 * ip_rcv() or ipv6_rcv(); a packet routed back out of the device goes
 * through the device's transmit path to podnet_xmit(), which delivers it to
 * the port that owns its next hop. For a packet to another pod of the same
 * device, the rx_handler takes the steps of that path itself, in the same
 * order and with the same devices: PRE_ROUTING hooks (conntrack, NAT,
 * iptables, nftables: in = the podnet device), the node's route lookup
 * (rules, routes, reverse path filter, forwarding enabled), then, if the
 * route forwards it out of the device to a directly connected address,
 * what ip_forward() or ip6_forward() does (TTL or hop limit, FORWARD hooks,
 * MIB counters) and ip_output() or ip6_output() (POST_ROUTING hooks: SNAT,
 * conntrack confirmation), and what podnet_xmit() does (podnet_output():
 * to the pod that owns the address, or host unreachable). Routed anywhere
 * else, or due an ICMP error (TTL expiring, too big), it is handed to the
 * stack where ip_rcv_finish() or ip6_rcv_finish() would hand it
 * (dst_input()). The destination is looked up twice: before the hooks (to
 * take this path at all) and at the end (DNAT may have changed it, and a
 * hook may hold the packet past the RCU section it was looked up in).
 *
 * What it leaves out is what only the podnet device's own passes would
 * show: so it is not taken while the device has a tap (tcpdump), a tc
 * filter, a qdisc, a netfilter ingress or egress hook, or an L3 master
 * (VRF); nor with IPsec policies, IPv4 options, IPv6 hop-by-hop options,
 * reassembled fragments, or a packet whose header is not one ip_rcv() or
 * ipv6_rcv() would take as it is. It also sends no ICMP redirect (the stack
 * sends one when a packet leaves by the device it came in on; pods do not
 * need them) and skips early demux (a node socket lookup that a forwarded
 * packet never matches). ICMPv6 takes the IP stack: its route lookup
 * hashes multipath routes with a function modules cannot call.
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/dst_metadata.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sch_generic.h>
#include <net/xfrm.h>

#include "device.h"
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

/*
 * Whether IPsec could apply: policies, or a default policy other than
 * accept, for forwarded or sent packets, or a packet that was decrypted.
 */
#ifdef CONFIG_XFRM
static bool podnet_fwd_xfrm(const struct net *net, const struct sk_buff *skb)
{
	return READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_FWD]) ||
	       READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_OUT]) ||
	       READ_ONCE(net->xfrm.policy_default[XFRM_POLICY_FWD]) !=
			XFRM_USERPOLICY_ACCEPT ||
	       READ_ONCE(net->xfrm.policy_default[XFRM_POLICY_OUT]) !=
			XFRM_USERPOLICY_ACCEPT ||
	       skb_sec_path(skb);
}
#else
static bool podnet_fwd_xfrm(const struct net *net, const struct sk_buff *skb)
{
	return false;
}
#endif

static struct podnet_port *podnet_fwd_pod(struct podnet_dev *pn,
					  const struct in6_addr *key)
{
	struct podnet_port *port = podnet_addr_lookup(pn, key);

	if (!port || is_zero_ether_addr(port->pod_mac) ||
	    !netif_running(port->dev))
		return NULL;
	return port;
}

static struct podnet_port *podnet_fwd_pod4(struct podnet_dev *pn,
					   __be32 addr)
{
	struct in6_addr key;

	ipv6_addr_set_v4mapped(addr, &key);
	return podnet_fwd_pod(pn, &key);
}

/*
 * Whether it goes out whole, as it came: the IP stack fragments it, or says
 * it must, or fragments again what conntrack reassembled (@frag_max_size).
 */
static bool podnet_fwd_fits(struct sk_buff *skb, unsigned int mtu,
			    u16 frag_max_size)
{
	if (frag_max_size)
		return false;
	/* LRO frames are not forwarded: the IP stack warns and drops them. */
	if (skb_is_gso(skb))
		return skb_shinfo(skb)->gso_type &&
		       skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu;
}

/*
 * ip_finish_output2() or ip6_finish_output2() and podnet_xmit(), past
 * POST_ROUTING: to the pod that owns the next hop (or an ICMP error).
 */
static int podnet_fwd_xmit(struct net *net, struct sock *sk,
			   struct sk_buff *skb)
{
	struct podnet_port *out;

	/* A hook may give the packet back later (NFQUEUE): take RCU here. */
	rcu_read_lock();
	out = podnet_output(netdev_priv(skb->dev), skb);
	if (out)
		podnet_port_count(out, PODNET_PC_SWITCHED, 1);
	rcu_read_unlock();
	return 0;
}

/* ip_forward_finish() and ip_output(), past FORWARD. */
static int podnet_fwd4_forwarded(struct net *net, struct sock *sk,
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
 * DNAT did. A packet forwarded out of this device to a directly connected
 * address goes on as ip_forward() would send it; anything else, and anything
 * ip_forward() would answer with an ICMP error, is the IP stack's from
 * here (dst_input()), as it is after ip_rcv_finish().
 */
static int podnet_fwd4_routed(struct net *net, struct sock *sk,
			      struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct iphdr *iph = ip_hdr(skb);
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
	    !podnet_fwd_fits(skb, ip_dst_mtu_maybe_forward(&rt->dst, true),
			     IPCB(skb)->frag_max_size) ||
	    skb_cow_head(skb, ETH_HLEN))
		return dst_input(skb);

	skb_forward_csum(skb);
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	ip_decrease_ttl(ip_hdr(skb));
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	return NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, dev, dev,
		       podnet_fwd4_forwarded);
}

/* The IPv4 part of ip_rcv(), for a packet the rx_handler has checked. */
static bool podnet_fwd4(struct podnet_port *in, struct sk_buff *skb)
{
	struct net_device *dev = in->pn->dev;
	struct net *net = dev_net(dev);
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->ihl != 5 || ntohs(iph->tot_len) != skb->len ||
	    ip_fast_csum(iph, iph->ihl) || !podnet_fwd_quiet(dev) ||
	    podnet_fwd_xfrm(net, skb) || !podnet_fwd_pod4(in->pn, iph->daddr))
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
		podnet_fwd4_routed);
	return true;
}

/* ip6_forward_finish() and ip6_output(), past FORWARD. */
static int podnet_fwd6_forwarded(struct net *net, struct sock *sk,
				 struct sk_buff *skb)
{
	struct inet6_dev *idev = ip6_dst_idev(skb_dst(skb));
	struct net_device *dev = skb->dev;

	__IP6_INC_STATS(net, idev, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP6_ADD_STATS(net, idev, IPSTATS_MIB_OUTOCTETS, skb->len);
	skb_clear_tstamp(skb);
	if (unlikely(READ_ONCE(idev->cnf.disable_ipv6))) {
		IP6_INC_STATS(net, idev, IPSTATS_MIB_OUTDISCARDS);
		kfree_skb(skb);
		return 0;
	}
	return NF_HOOK(NFPROTO_IPV6, NF_INET_POST_ROUTING, net, sk, skb, dev,
		       dev, podnet_fwd_xmit);
}

/* ip6_route_input(), for a packet that is not ICMPv6. */
static void podnet_fwd6_route(struct net *net, struct sk_buff *skb)
{
	const struct ipv6hdr *hdr = ipv6_hdr(skb);
	const struct ip_tunnel_info *tun_info;
	struct flow_keys _flkeys;
	struct flowi6 fl6 = {
		.flowi6_iif = skb->dev->ifindex,
		.daddr = hdr->daddr,
		.saddr = hdr->saddr,
		.flowlabel = ip6_flowinfo(hdr),
		.flowi6_mark = skb->mark,
		.flowi6_proto = hdr->nexthdr,
	};

	tun_info = skb_tunnel_info(skb);
	if (tun_info && !(tun_info->mode & IP_TUNNEL_INFO_TX))
		fl6.flowi6_tun_key.tun_id = tun_info->key.tun_id;
	fib6_rules_early_flow_dissect(net, skb, &fl6, &_flkeys);
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, ip6_route_input_lookup(net, skb->dev, &fl6, skb,
						      RT6_LOOKUP_F_HAS_SADDR |
						      RT6_LOOKUP_F_DST_NOREF));
}

/*
 * ip6_rcv_finish(), past PRE_ROUTING, then what ip6_forward() checks: as
 * podnet_fwd4_routed() for IPv6. The route forwards (ip6_forward() is its
 * input) when it is neither local, anycast, multicast nor an error route
 * (a DNAT rule may have made the destination anything).
 */
static int podnet_fwd6_routed(struct net *net, struct sock *sk,
			      struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct ipv6hdr *hdr;
	const struct rt6_info *rt;
	struct dst_entry *dst;

	if (!skb_valid_dst(skb))
		podnet_fwd6_route(net, skb);
	dst = skb_dst(skb);
	rt = dst_rt6_info(dst);
	hdr = ipv6_hdr(skb);
	if (dst->error || dst->dev != dev || dst->output != ip6_output ||
	    dst->input == ip6_input || dst->lwtstate ||
	    ipv6_addr_is_multicast(&hdr->daddr) ||
	    rt->rt6i_flags & (RTF_GATEWAY | RTF_LOCAL | RTF_ANYCAST |
			      RTF_REJECT) ||
	    !READ_ONCE(net->ipv6.devconf_all->forwarding) ||
	    READ_ONCE(net->ipv6.devconf_all->proxy_ndp) ||
	    skb->sk || hdr->hop_limit <= 1 ||
	    !podnet_fwd_fits(skb, max_t(u32, ip6_dst_mtu_maybe_forward(dst, true),
					IPV6_MIN_MTU),
			     IP6CB(skb)->frag_max_size) ||
	    skb_cow_head(skb, ETH_HLEN))
		return dst_input(skb);

	skb_forward_csum(skb);
	ipv6_hdr(skb)->hop_limit--;
	return NF_HOOK(NFPROTO_IPV6, NF_INET_FORWARD, net, NULL, skb, dev, dev,
		       podnet_fwd6_forwarded);
}

/*
 * The IPv6 part of ipv6_rcv(), for a packet the rx_handler has checked
 * (its source is a unicast address of the pod). Hop-by-hop options
 * (jumbograms, router alert) take the IP stack.
 */
static bool podnet_fwd6(struct podnet_port *in, struct sk_buff *skb)
{
	struct net_device *dev = in->pn->dev;
	struct net *net = dev_net(dev);
	const struct ipv6hdr *hdr = ipv6_hdr(skb);
	struct inet6_dev *idev = __in6_dev_get(dev);

	if (!idev || READ_ONCE(idev->cnf.disable_ipv6) ||
	    hdr->nexthdr == NEXTHDR_HOP || hdr->nexthdr == IPPROTO_ICMPV6 ||
	    ntohs(hdr->payload_len) + sizeof(*hdr) != skb->len ||
	    ipv6_addr_loopback(&hdr->saddr) ||
	    ipv6_addr_loopback(&hdr->daddr) ||
	    ipv6_addr_is_multicast(&hdr->daddr) || !podnet_fwd_quiet(dev) ||
	    podnet_fwd_xfrm(net, skb) || !podnet_fwd_pod(in->pn, &hdr->daddr))
		return false;

	/* As ipv6_rcv() takes it after the second pass on the podnet device. */
	__IP6_UPD_PO_STATS(net, idev, IPSTATS_MIB_IN, skb->len);
	memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
	IP6CB(skb)->iif = dev->ifindex;
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	__IP6_ADD_STATS(net, idev,
			IPSTATS_MIB_NOECTPKTS +
				(ipv6_get_dsfield(hdr) & INET_ECN_MASK),
			max_t(unsigned short, 1, skb_shinfo(skb)->gso_segs));
	skb->skb_iif = dev->ifindex;
	skb_set_transport_header(skb, sizeof(*hdr));
	if (!skb_sk_is_prefetched(skb))
		skb_orphan(skb);
	NF_HOOK(NFPROTO_IPV6, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL,
		podnet_fwd6_routed);
	return true;
}

/**
 * podnet_fwd() - forward a pod's packet to another pod of the same device
 * @in: the port it came in on
 * @skb: a packet from the pod, its IP header pulled and its source checked,
 *	skb->data at its network header, already set up as received on the
 *	podnet device
 *
 * Context: RCU read-side section (the rx_handler).
 * Return: true if the packet was taken, false if it is to go to the IP
 * stack as received on the podnet device.
 */
bool podnet_fwd(struct podnet_port *in, struct sk_buff *skb)
{
	if (skb->pkt_type != PACKET_HOST)
		return false;
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return podnet_fwd4(in, skb);
	case htons(ETH_P_IPV6):
		return podnet_fwd6(in, skb);
	default:
		return false;
	}
}
