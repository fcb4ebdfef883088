// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 from pod to pod on one podnet device, forwarded by the port's
 * rx_handler.
 *
 * A pod's packet goes through the node's IP stack: the rx_handler hands it
 * over as received on the podnet device, the node routes it, and a packet
 * routed back out of the device reaches podnet_xmit(), which delivers it to
 * the port that owns its next hop. For a packet to another pod of the same
 * device, the rx_handler can do what the stack would do, when nothing on
 * the way would see the difference:
 *  - no netfilter hook at IPv4 PRE_ROUTING or FORWARD in the namespace (an
 *    iptables or nftables chain there, conntrack, podnet's own Service
 *    hooks: the packet takes the IP stack, so netfilter sees all pod
 *    traffic);
 *  - no IPsec policy; on the podnet device, no tap (tcpdump), tc filter,
 *    qdisc, or netfilter ingress or egress hook;
 *  - a packet the stack would forward as it is: no IP options, TTL above 1,
 *    no larger than the device's MTU, a valid header checksum, as long as
 *    its header says, to an address bound to another port of the device;
 *  - routed by the node (rules, routes, reverse path filter, forwarding
 *    enabled: ip_route_input_noref()) out of this device straight to that
 *    address.
 * It then does what ip_forward() and ip_output() do: TTL decremented, IP
 * MIB counted, POST_ROUTING hooks run (AppArmor and SELinux have one in
 * every namespace), and delivers the packet with podnet_deliver(), as
 * podnet_xmit() does. What it leaves out is the second pass through the
 * receive path as the podnet device's, the IP layer's own functions, the
 * podnet device's transmit path, and ICMP redirects (the stack sends one when
 * a packet leaves by the device it came in on; pods do not need them).
 * Everything else, IPv6 included, takes the IP stack, which also answers
 * with the ICMP errors a router sends.
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sch_generic.h>

#include "fwd.h"
#include "port.h"

/*
 * Whether the IP stack would show this device's traffic to anything but
 * the route lookup and the POST_ROUTING hooks, which podnet_fwd_ipv4()
 * runs itself.
 */
static bool podnet_fwd_quiet(struct net_device *dev,
			     struct nf_hook_entries __rcu *const *hooks)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);

	if (rcu_access_pointer(hooks[NF_INET_PRE_ROUTING]) ||
	    rcu_access_pointer(hooks[NF_INET_FORWARD]))
		return false;
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
	return !dev_nit_active(dev);
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

/* The port of @daddr, if it can take a packet of @skb's size from @in. */
static struct podnet_port *podnet_fwd_port(struct podnet_port *in,
					   struct sk_buff *skb, __be32 daddr)
{
	unsigned int mtu = READ_ONCE(in->pn->dev->mtu);
	struct podnet_port *out;
	struct in6_addr key;

	if (skb->len > mtu &&
	    !(skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return NULL;
	/* LRO frames are not forwarded: the IP stack warns and drops them. */
	if (skb_is_gso(skb) && !skb_shinfo(skb)->gso_type)
		return NULL;
	ipv6_addr_set_v4mapped(daddr, &key);
	out = podnet_addr_lookup(in->pn, &key);
	if (!out || out == in || is_zero_ether_addr(out->pod_mac) ||
	    !netif_running(out->dev))
		return NULL;
	return out;
}

/* Past POST_ROUTING: to the pod. */
static void podnet_fwd_out(struct podnet_port *out, struct sk_buff *skb)
{
	skb_dst_drop(skb);
	podnet_deliver(out, skb);
}

/* POST_ROUTING's okfn, when a hook (NFQUEUE) gives the packet back later. */
static int podnet_fwd_finish(struct net *net, struct sock *sk,
			     struct sk_buff *skb)
{
	struct podnet_port *out;
	struct in6_addr key;

	rcu_read_lock();
	ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &key);
	out = podnet_addr_lookup(netdev_priv(skb->dev), &key);
	if (out)
		podnet_fwd_out(out, skb);
	else
		kfree_skb(skb);
	rcu_read_unlock();
	return 0;
}

static bool podnet_fwd_ipv4(struct podnet_port *in, struct sk_buff *skb)
{
	struct net_device *dev = in->pn->dev;
	struct net *net = dev_net(dev);
	const struct iphdr *iph = ip_hdr(skb);
	struct podnet_port *out;
	struct rtable *rt;
	struct iphdr *h;

	if (iph->ihl != 5 || ntohs(iph->tot_len) != skb->len ||
	    iph->ttl <= 1 || ip_fast_csum(iph, iph->ihl) ||
	    podnet_fwd_xfrm(net, skb) ||
	    !podnet_fwd_quiet(dev, net->nf.hooks_ipv4))
		return false;
	out = podnet_fwd_port(in, skb, iph->daddr);
	if (!out)
		return false;

	/*
	 * Routed as the IP stack routes it (policy rules, routes, reverse
	 * path filter, forwarding enabled): it must be forwarded out of this
	 * device straight to that pod.
	 */
	skb->dev = dev;
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	if (ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos, dev))
		goto stack;
	rt = skb_rtable(skb);
	if (rt->rt_type != RTN_UNICAST || rt->dst.dev != dev ||
	    rt->rt_uses_gateway)
		goto stack;
	/* The headers are written below: make them the skb's own. */
	if (skb_cow_head(skb, ETH_HLEN))
		goto stack;

	__IP_UPD_PO_STATS(net, IPSTATS_MIB_IN, skb->len);
	skb_forward_csum(skb);
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	h = ip_hdr(skb);
	ip_decrease_ttl(h);
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(h->tos);
	__IP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(net, IPSTATS_MIB_OUTOCTETS, skb->len);
	__IP_UPD_PO_STATS(net, IPSTATS_MIB_OUT, skb->len);
	skb_clear_tstamp(skb);
	podnet_port_count(in, PODNET_PC_SWITCHED, 1);
	if (nf_hook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, NULL, skb, dev,
		    dev, podnet_fwd_finish) == 1)
		podnet_fwd_out(out, skb);
	return true;

stack:
	skb_dst_drop(skb);
	return false;
}

/**
 * podnet_fwd() - forward a pod's packet to another pod of the same device
 * @in: the port it came in on
 * @skb: an IP packet from the pod, its source checked, skb->data at its
 *	header
 *
 * Context: RCU read-side section (the rx_handler).
 * Return: true if the packet was taken (forwarded, or dropped by a
 * POST_ROUTING hook), false if it is to take the node's IP stack.
 */
bool podnet_fwd(struct podnet_port *in, struct sk_buff *skb)
{
	if (skb->pkt_type != PACKET_HOST || skb->protocol != htons(ETH_P_IP))
		return false;
	return podnet_fwd_ipv4(in, skb);
}
