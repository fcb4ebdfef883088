// SPDX-License-Identifier: GPL-2.0
/*
 * IP from pod to pod on one podnet device, from a pod to a ClusterIP, and
 * from another node's tunnel to a pod, through the IP stack's steps but
 * not through the podnet device.
 *
 * A pod's packet goes to the node's IP stack as received on the podnet
 * device: a second pass through the receive path (RX_HANDLER_ANOTHER), then
 * ip_rcv() or ipv6_rcv(); a packet routed back out of the device goes
 * through the device's transmit path to podnet_xmit(), which delivers it to
 * the port that owns its next hop. For a packet to another pod of the same
 * device, or to a ClusterIP of the namespace (which the Service hook's DNAT
 * at PRE_ROUTING turns into an endpoint's address), the rx_handler takes the
 * steps of that path itself, in the same order and with the same devices:
 * PRE_ROUTING hooks (conntrack, NAT, iptables, nftables: in = the podnet
 * device), the node's route lookup (rules, routes, reverse path filter,
 * forwarding enabled), then, if the route forwards it out of the device to a
 * directly connected address, what ip_forward() or ip6_forward() does (TTL
 * or hop limit, FORWARD hooks, MIB counters) and ip_output() or ip6_output()
 * (POST_ROUTING hooks: SNAT, conntrack confirmation), and what podnet_xmit()
 * does (podnet_output(): to the pod that owns the address, or host
 * unreachable), except that the packet for a pod is handed back to the
 * rx_handler's receive loop as received on the pod's end of its veth pair
 * (podnet_deliver()) instead of sent on the node end. Routed anywhere
 * else, or due an ICMP error (TTL expiring, too big), it is handed to the
 * stack where ip_rcv_finish() or ip6_rcv_finish() would hand it
 * (dst_input()). The destination pod is
 * looked up before the hooks (to take this path at all), and again only if a
 * hook changed the destination (DNAT) or held the packet past the RCU
 * section it was found in; the route to a pod is kept on its port while the
 * route lookup could not give another (struct podnet_route).
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
 *
 * A packet from another node (podnet_fwd_node(): from the rx_handler
 * tunnel.c puts on the VXLAN device, or the ingress hook uplink.c puts on
 * the device a host-gw node is routed by) takes the same steps with the
 * device it was received on as the way in: PRE_ROUTING and the route
 * lookup as ip_rcv() on it, then ip_forward() out of the pod's podnet
 * device (FORWARD and POST_ROUTING: in that device, out the podnet device)
 * and podnet_xmit()'s delivery, the route looked up each time. Its pass
 * through the way in is not skipped but done (taps, tc, ingress hooks saw
 * it before podnet): only the podnet device's own passes are left out.
 */

#include <linux/inetdevice.h>
#include <linux/moduleparam.h>
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
#include <net/ip_fib.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "device.h"
#include "fwd.h"
#include "netns.h"
#include "port.h"
#include "service.h"

/*
 * fastpath=0: every pod's packet takes the IP stack through the podnet
 * device, and what the stack routes to a pod leaves by the node end of its
 * veth pair. The test suite runs both ways (tests/vm/run --param
 * fastpath=0) to show that this file changes no outcome.
 */
static bool podnet_fastpath = true;
module_param_named(fastpath, podnet_fastpath, bool, 0644);
MODULE_PARM_DESC(fastpath,
		 "forward pod to pod and pod to ClusterIP in the rx_handler, handing packets to the pod's end (default: on)");

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

/*
 * The pod a packet on this path goes to, as the rx_handler found it, for the
 * steps the hooks call back before they return (same CPU, same RCU
 * section): its route and delivery need no second look-up, and delivery
 * can hand the packet back to the rx_handler's receive loop (@rx). A hook
 * that holds the packet (NFQUEUE) gives it back later without them.
 */
struct podnet_fwd_ctx {
	const struct sk_buff *skb;
	struct podnet_dev *pn;
	struct podnet_port *out;
	struct sk_buff *rx;
};

static DEFINE_PER_CPU(struct podnet_fwd_ctx, podnet_fwd_ctx);

/*
 * The pod @skb goes to, past PRE_ROUTING: the one the rx_handler found if it
 * still owns the destination, else (a hook translated it: DNAT, a
 * ClusterIP) the one that owns it now, or NULL. The one found is handed on
 * to delivery.
 */
static struct podnet_port *podnet_fwd_dst_pod(struct sk_buff *skb,
					      const struct in6_addr *daddr)
{
	struct podnet_fwd_ctx *ctx = this_cpu_ptr(&podnet_fwd_ctx);
	bool sync = ctx->skb == skb;
	struct podnet_port *out;

	if (sync && ctx->out && podnet_port_owns(ctx->out, daddr))
		return ctx->out;
	if (!sync && !netif_is_podnet(skb->dev))
		return NULL;	/* from a tunnel, given back later: the stack's */
	out = podnet_fwd_pod(sync ? ctx->pn : netdev_priv(skb->dev), daddr);
	if (sync)
		ctx->out = out;
	return out;
}

/*
 * The podnet device a packet on this path leaves by: the one it came in on
 * from a pod, or (from a tunnel) the one of the pod the rx_handler found;
 * NULL for a packet from a tunnel that a hook gave back later (NFQUEUE),
 * which then takes the IP stack's path.
 */
static struct net_device *podnet_fwd_out_dev(const struct sk_buff *skb)
{
	struct podnet_fwd_ctx *ctx = this_cpu_ptr(&podnet_fwd_ctx);

	if (netif_is_podnet(skb->dev))
		return skb->dev;
	return ctx->skb == skb ? ctx->pn->dev : NULL;
}

/*
 * NF_HOOK() at PRE_ROUTING, with @out as the pod @skb goes to. Return:
 * RX_HANDLER_ANOTHER if delivery handed the packet back as received on the
 * pod's end of its veth pair (podnet_deliver()), for the receive loop to
 * take it there, else RX_HANDLER_CONSUMED.
 */
static rx_handler_result_t
podnet_fwd_hooks(u8 pf, struct net *net, struct sk_buff *skb,
		 struct podnet_dev *pn, struct podnet_port *out,
		 int (*okfn)(struct net *, struct sock *, struct sk_buff *))
{
	struct podnet_fwd_ctx *ctx = this_cpu_ptr(&podnet_fwd_ctx);
	struct podnet_fwd_ctx saved = *ctx;
	struct sk_buff *rx;

	ctx->skb = skb;
	ctx->pn = pn;
	ctx->out = out;
	ctx->rx = NULL;
	NF_HOOK(pf, NF_INET_PRE_ROUTING, net, NULL, skb, skb->dev, NULL, okfn);
	ctx = this_cpu_ptr(&podnet_fwd_ctx);
	rx = ctx->rx;
	*ctx = saved;
	return rx == skb ? RX_HANDLER_ANOTHER : RX_HANDLER_CONSUMED;
}

/*
 * The route the IP stack last gave packets forwarded to a pod, kept on its
 * port (one per family) so that the next packet to the same address takes
 * it without a route lookup: as TCP keeps the route of a connection's
 * incoming packets (early demux: the socket's rx dst), and as the IP
 * stack's list receive hands a route on to the next packet of a batch with
 * the same destination (route hints). It is taken only while the lookup
 * could not give another route for another source, mark or port: no policy
 * routing rules, no source-specific IPv6 routes, no multipath route, and for
 * IPv4 no routing realms, no reverse path filter and no ICMP redirects on
 * the podnet device (the lookup's check of the source is then only the
 * martian check, made here); and only for the same destination (and IPv4
 * TOS). dst_check() says whether it is still the route: a change to
 * routes, rules, addresses, devices or forwarding makes it stale, as it
 * makes TCP's, and the next packet looks the route up again.
 *
 * A route in use (taken in the last second) is not replaced by another
 * destination's or TOS's: two flows to one pod that differ in those would
 * otherwise replace each other on every packet, an allocation, a dst
 * reference and an RCU callback a packet that any pod could drive. The
 * second flow's packets are looked up, as without a kept route.
 */
struct podnet_route {
	struct dst_entry *dst;
	struct in6_addr daddr;
	unsigned long used;
	u32 cookie;
	u8 tos;
	struct rcu_head rcu;
};

enum { PODNET_ROUTE4, PODNET_ROUTE6 };

static void podnet_route_free(struct podnet_route *r)
{
	dst_release(r->dst);
	kfree(r);
}

static void podnet_route_free_rcu(struct rcu_head *head)
{
	podnet_route_free(container_of(head, struct podnet_route, rcu));
}

static struct dst_entry *podnet_route_get(struct podnet_port *port, int i,
					  const struct in6_addr *daddr, u8 tos)
{
	struct podnet_route *r = rcu_dereference(port->routes[i]);
	struct dst_entry *dst;

	if (!r || !ipv6_addr_equal(&r->daddr, daddr) || r->tos != tos)
		return NULL;
	dst = dst_check(r->dst, r->cookie);
	/* At most one write a jiffy, to a line the other CPUs read. */
	if (dst && time_after(jiffies, READ_ONCE(r->used)))
		WRITE_ONCE(r->used, jiffies);
	return dst;
}

/* Keep @dst, the route the IP stack gave @skb, for packets to @daddr. */
static void podnet_route_save(struct podnet_port *port, int i,
			      struct dst_entry *dst,
			      const struct in6_addr *daddr, u8 tos, u32 cookie)
{
	struct podnet_route *r, *old;

	old = rcu_dereference(port->routes[i]);
	if (old && time_before(jiffies, READ_ONCE(old->used) + HZ) &&
	    dst_check(old->dst, old->cookie))
		return;
	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return;
	if (!dst_hold_safe(dst)) {
		kfree(r);
		return;
	}
	r->dst = dst;
	r->daddr = *daddr;
	r->cookie = cookie;
	r->tos = tos;
	r->used = jiffies;
	old = unrcu_pointer(xchg(&port->routes[i], RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, podnet_route_free_rcu);
}

/**
 * podnet_fwd_routes_free() - let go of the routes kept on a port
 * @port: the port, past a grace period after its detach (no packet path
 *	holds it any more)
 */
void podnet_fwd_routes_free(struct podnet_port *port)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(port->routes); i++) {
		struct podnet_route *r;

		r = rcu_dereference_protected(port->routes[i], true);
		if (r)
			podnet_route_free(r);
	}
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
	struct podnet_fwd_ctx *ctx = this_cpu_ptr(&podnet_fwd_ctx);
	struct podnet_dev *pn = netdev_priv(skb->dev);
	struct podnet_port *out;

	if (ctx->skb == skb) {
		/* Called back before the hooks return: the rx_handler's RCU. */
		out = podnet_output(pn, ctx->out, skb, &ctx->rx);
		if (out)
			podnet_port_count(out, PODNET_PC_SWITCHED, 1);
	} else {
		/* A hook gave it back later (NFQUEUE). */
		rcu_read_lock();
		out = podnet_output(pn, NULL, skb, NULL);
		if (out)
			podnet_port_count(out, PODNET_PC_SWITCHED, 1);
		rcu_read_unlock();
	}
	return 0;
}

/* ip_forward_finish() and ip_output(), past FORWARD. */
static int podnet_fwd4_forwarded(struct net *net, struct sock *sk,
				 struct sk_buff *skb)
{
	struct net_device *in = skb->dev, *dev = skb_dst(skb)->dev;

	__IP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(net, IPSTATS_MIB_OUTOCTETS, skb->len);
	skb_clear_tstamp(skb);
	IP_UPD_PO_STATS(net, IPSTATS_MIB_OUT, skb->len);
	/* ip_output(): out by the route's device (the podnet device). */
	skb->dev = dev;
	return NF_HOOK(NFPROTO_IPV4, NF_INET_POST_ROUTING, net, sk, skb, in,
		       dev, podnet_fwd_xmit);
}

/*
 * Whether ip_route_input_noref() routes a packet from a pod to one address
 * the same way whatever its source, mark and ports (struct podnet_route).
 */
static bool podnet_fwd4_same_route(struct net *net, struct in_device *in_dev,
				   __be32 saddr)
{
	return !fib4_has_custom_rules(net) && !fib_num_tclassid_users(net) &&
	       IN_DEV_FORWARD(in_dev) && !IN_DEV_RPFILTER(in_dev) &&
	       !IN_DEV_TX_REDIRECTS(in_dev) && !ipv4_is_multicast(saddr) &&
	       !ipv4_is_lbcast(saddr) && !ipv4_is_zeronet(saddr) &&
	       !ipv4_is_loopback(saddr);
}

/*
 * ip_route_input_noref(), or the route it gave the last packet to the same
 * pod address if it is sure to give the same; *@keep is set to the pod's
 * port if the route is to be kept there once it proves to forward.
 */
static int podnet_fwd4_route(struct net *net, struct sk_buff *skb,
			     struct net_device *dev, struct podnet_port **keep)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	u8 tos = PODNET_RT_TOS(iph->tos);
	struct podnet_port *out;
	struct in6_addr daddr;
	struct dst_entry *dst;
	int err;

	ipv6_addr_set_v4mapped(iph->daddr, &daddr);
	out = podnet_fwd_dst_pod(skb, &daddr);
	/* Routes are kept for packets from pods only (in: the podnet device). */
	if (!out || !in_dev || !netif_is_podnet(dev) ||
	    !podnet_fwd4_same_route(net, in_dev, iph->saddr))
		return ip_route_input_noref(skb, iph->daddr, iph->saddr,
					    iph->tos, dev);
	dst = podnet_route_get(out, PODNET_ROUTE4, &daddr, tos);
	if (dst) {
		skb_dst_drop(skb);
		skb_dst_set_noref(skb, dst);
		return 0;
	}
	err = ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos, dev);
	if (!err && !(IPCB(skb)->flags & IPSKB_MULTIPATH))
		*keep = out;
	return err;
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
	struct net_device *dev = skb->dev, *out = podnet_fwd_out_dev(skb);
	struct podnet_port *keep = NULL;
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt;
	struct in6_addr daddr;
	int err;

	if (!skb_valid_dst(skb)) {
		err = podnet_fwd4_route(net, skb, dev, &keep);
		if (unlikely(err)) {
			if (err == -EXDEV)
				__NET_INC_STATS(net, LINUX_MIB_IPRPFILTER);
			kfree_skb(skb);
			return NET_RX_DROP;
		}
	}
	rt = skb_rtable(skb);
	if (rt->rt_type != RTN_UNICAST || rt->dst.dev != out || !out ||
	    rt->rt_uses_gateway || rt->dst.lwtstate || skb->sk ||
	    iph->ttl <= 1 ||
	    !podnet_fwd_fits(skb, ip_dst_mtu_maybe_forward(&rt->dst, true),
			     IPCB(skb)->frag_max_size) ||
	    skb_cow_head(skb, ETH_HLEN))
		return dst_input(skb);

	/* skb_cow_head() may have moved the header. */
	iph = ip_hdr(skb);
	if (keep) {
		ipv6_addr_set_v4mapped(iph->daddr, &daddr);
		podnet_route_save(keep, PODNET_ROUTE4, &rt->dst, &daddr,
				  PODNET_RT_TOS(iph->tos), 0);
	}
	skb_forward_csum(skb);
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	ip_decrease_ttl(ip_hdr(skb));
	if (READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority))
		skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	return NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, dev, out,
		       podnet_fwd4_forwarded);
}

/*
 * The pod of @daddr: of @pn for a packet from one of its pods (or a
 * ClusterIP's, @out NULL: *@pn kept); from a tunnel (@pn NULL), of any
 * podnet device of @net, its device in *@pn. False: not for this path.
 */
static bool podnet_fwd_find(struct net *net, struct podnet_dev **pn,
			    const struct in6_addr *daddr,
			    struct podnet_port **out)
{
	struct podnet_dev *d;

	if (*pn) {
		*out = podnet_fwd_pod(*pn, daddr);
		return *out || podnet_vip_known(net, daddr);
	}
	list_for_each_entry_rcu(d, &podnet_net(net)->devs, node) {
		*out = podnet_fwd_pod(d, daddr);
		if (*out) {
			*pn = d;
			/* it leaves by that device, unseen by its passes */
			return podnet_dev_quiet(d->dev);
		}
	}
	return false;
}

/*
 * The IPv4 part of ip_rcv(), for a packet the rx_handler has checked,
 * received on @dev: from a pod of @pn (the podnet device, whose second pass
 * is the one skipped), or from another node (@pn NULL: the tunnel or an
 * uplink, its pass done). Return: as podnet_fwd().
 */
static rx_handler_result_t podnet_fwd4(struct net_device *dev,
				       struct podnet_dev *pn,
				       struct sk_buff *skb)
{
	struct net *net = dev_net(dev);
	const struct iphdr *iph = ip_hdr(skb);
	struct podnet_port *out;
	struct in6_addr daddr;

	if (iph->ihl != 5 || ntohs(iph->tot_len) != skb->len ||
	    ip_fast_csum(iph, iph->ihl) || (pn && !podnet_dev_quiet(dev)) ||
	    podnet_fwd_xfrm(net, skb))
		return RX_HANDLER_PASS;
	ipv6_addr_set_v4mapped(iph->daddr, &daddr);
	if (!podnet_fwd_find(net, &pn, &daddr, &out))
		return RX_HANDLER_PASS;

	/*
	 * As ip_rcv() takes it after the second pass on the podnet device (or
	 * the pass on the tunnel device).
	 */
	if (!skb_sk_is_prefetched(skb))
		skb_orphan(skb);
	skb->skb_iif = dev->ifindex;
	skb_set_transport_header(skb, sizeof(*iph));
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	IPCB(skb)->iif = dev->ifindex;
	__IP_UPD_PO_STATS(net, IPSTATS_MIB_IN, skb->len);
	__IP_ADD_STATS(net, IPSTATS_MIB_NOECTPKTS + (iph->tos & INET_ECN_MASK),
		       max_t(unsigned short, 1, skb_shinfo(skb)->gso_segs));
	return podnet_fwd_hooks(NFPROTO_IPV4, net, skb, pn, out,
				podnet_fwd4_routed);
}

/* ip6_forward_finish() and ip6_output(), past FORWARD. */
static int podnet_fwd6_forwarded(struct net *net, struct sock *sk,
				 struct sk_buff *skb)
{
	struct inet6_dev *idev = ip6_dst_idev(skb_dst(skb));
	struct net_device *in = skb->dev, *dev = skb_dst(skb)->dev;

	__IP6_INC_STATS(net, idev, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP6_ADD_STATS(net, idev, IPSTATS_MIB_OUTOCTETS, skb->len);
	skb_clear_tstamp(skb);
	if (unlikely(READ_ONCE(idev->cnf.disable_ipv6))) {
		IP6_INC_STATS(net, idev, IPSTATS_MIB_OUTDISCARDS);
		kfree_skb(skb);
		return 0;
	}
	/* ip6_output(): out by the route's device (the podnet device). */
	skb->dev = dev;
	return NF_HOOK(NFPROTO_IPV6, NF_INET_POST_ROUTING, net, sk, skb, in,
		       dev, podnet_fwd_xmit);
}

/* ip6_route_input(), for a packet that is not ICMPv6. */
static void podnet_fwd6_lookup(struct net *net, struct sk_buff *skb)
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
 * podnet_fwd6_lookup(), or the route it gave the last packet to the same pod
 * address if it is sure to give the same (no policy routing rules, no
 * source-specific routes, not multipath); *@keep as in podnet_fwd4_route().
 */
static void podnet_fwd6_route(struct net *net, struct sk_buff *skb,
			      struct podnet_port **keep)
{
	struct podnet_port *out = podnet_fwd_dst_pod(skb, &ipv6_hdr(skb)->daddr);
	struct dst_entry *dst;

	/* Routes are kept for packets from pods only (in: the podnet device). */
	if (!out || !netif_is_podnet(skb->dev) || fib6_has_custom_rules(net) ||
	    fib6_routes_require_src(net)) {
		podnet_fwd6_lookup(net, skb);
		return;
	}
	dst = podnet_route_get(out, PODNET_ROUTE6, &ipv6_hdr(skb)->daddr, 0);
	if (dst) {
		skb_dst_drop(skb);
		skb_dst_set_noref(skb, dst);
		return;
	}
	podnet_fwd6_lookup(net, skb);
	if (!(IP6CB(skb)->flags & IP6SKB_MULTIPATH))
		*keep = out;
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
	struct net_device *dev = skb->dev, *out = podnet_fwd_out_dev(skb);
	struct podnet_port *keep = NULL;
	const struct ipv6hdr *hdr;
	const struct rt6_info *rt;
	struct dst_entry *dst;

	if (!skb_valid_dst(skb))
		podnet_fwd6_route(net, skb, &keep);
	dst = skb_dst(skb);
	rt = dst_rt6_info(dst);
	hdr = ipv6_hdr(skb);
	if (!out || dst->error || dst->dev != out || dst->output != ip6_output ||
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

	if (keep)
		podnet_route_save(keep, PODNET_ROUTE6, dst, &ipv6_hdr(skb)->daddr,
				  0, rt6_get_cookie(rt));
	skb_forward_csum(skb);
	ipv6_hdr(skb)->hop_limit--;
	return NF_HOOK(NFPROTO_IPV6, NF_INET_FORWARD, net, NULL, skb, dev, out,
		       podnet_fwd6_forwarded);
}

/*
 * The IPv6 part of ipv6_rcv(), for a packet the rx_handler has checked
 * (from a pod: its source is a unicast address of the pod), received on
 * @dev as podnet_fwd4() says. Hop-by-hop options (jumbograms, router
 * alert) take the IP stack.
 */
static rx_handler_result_t podnet_fwd6(struct net_device *dev,
				       struct podnet_dev *pn,
				       struct sk_buff *skb)
{
	struct net *net = dev_net(dev);
	const struct ipv6hdr *hdr = ipv6_hdr(skb);
	struct inet6_dev *idev = __in6_dev_get(dev);
	struct podnet_port *out;

	if (!idev || READ_ONCE(idev->cnf.disable_ipv6) ||
	    hdr->nexthdr == NEXTHDR_HOP || hdr->nexthdr == IPPROTO_ICMPV6 ||
	    ntohs(hdr->payload_len) + sizeof(*hdr) != skb->len ||
	    ipv6_addr_loopback(&hdr->saddr) ||
	    ipv6_addr_loopback(&hdr->daddr) ||
	    ipv6_addr_is_multicast(&hdr->daddr) ||
	    (pn && !podnet_dev_quiet(dev)) || podnet_fwd_xfrm(net, skb))
		return RX_HANDLER_PASS;
	if (!podnet_fwd_find(net, &pn, &hdr->daddr, &out))
		return RX_HANDLER_PASS;

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
	return podnet_fwd_hooks(NFPROTO_IPV6, net, skb, pn, out,
				podnet_fwd6_routed);
}

/**
 * podnet_fwd() - forward a pod's packet to another pod of the same device
 *	or to a ClusterIP
 * @in: the port it came in on
 * @skb: a packet from the pod, its IP header pulled and its source checked,
 *	skb->data at its network header, already set up as received on the
 *	podnet device
 *
 * Context: RCU read-side section (the rx_handler).
 * Return: RX_HANDLER_PASS if the packet was not taken (it is to go to the IP
 * stack as received on the podnet device), RX_HANDLER_CONSUMED if it was,
 * RX_HANDLER_ANOTHER if it was and is handed back as received on the pod
 * end of the destination pod's veth pair (skb->dev), for the receive loop
 * to take it there.
 */
rx_handler_result_t podnet_fwd(struct podnet_port *in, struct sk_buff *skb)
{
	if (skb->pkt_type != PACKET_HOST || !READ_ONCE(podnet_fastpath))
		return RX_HANDLER_PASS;
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return podnet_fwd4(in->pn->dev, in->pn, skb);
	case htons(ETH_P_IPV6):
		return podnet_fwd6(in->pn->dev, in->pn, skb);
	default:
		return RX_HANDLER_PASS;
	}
}

/**
 * podnet_fwd_node() - forward a packet from another node to a pod
 * @skb: a packet received on the tunnel device (podnet.1, kmod/tunnel.c)
 *	or on an uplink (kmod/uplink.c), skb->data at its network header
 *
 * The same steps as podnet_fwd() takes, in the IP stack's order, with the
 * device the packet came in on as the way in and the pod's podnet device
 * as the one it leaves by: PRE_ROUTING, the route lookup (not kept), what
 * ip_forward() does, FORWARD, POST_ROUTING, and the pod's port. Only for a
 * packet to a pod of a podnet device of the namespace, whose passes
 * nothing would see (podnet_dev_quiet()), received on a device that is not
 * an L3 master's port (whose own pass would follow).
 *
 * Context: RCU read-side section (the tunnel device's rx_handler, or the
 * uplink's ingress hook).
 * Return: as podnet_fwd(); RX_HANDLER_PASS: to the IP stack as received on
 * that device.
 */
rx_handler_result_t podnet_fwd_node(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct in6_addr *saddr;

	if (skb->pkt_type != PACKET_HOST || !READ_ONCE(podnet_fastpath) ||
	    netif_is_l3_slave(dev) || skb_vlan_tag_present(skb))
		return RX_HANDLER_PASS;
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (!pskb_may_pull(skb, sizeof(struct iphdr)) ||
		    ip_hdr(skb)->version != 4)
			return RX_HANDLER_PASS;
		return podnet_fwd4(dev, NULL, skb);
	case htons(ETH_P_IPV6):
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6)
			return RX_HANDLER_PASS;
		/* ip6_forward() refuses these, with an ICMP error or none. */
		saddr = &ipv6_hdr(skb)->saddr;
		if (ipv6_addr_any(saddr) || ipv6_addr_is_multicast(saddr) ||
		    ipv6_addr_loopback(saddr) ||
		    (saddr->s6_addr32[0] & htonl(0xffc00000)) == htonl(0xfe800000))
			return RX_HANDLER_PASS;
		return podnet_fwd6(dev, NULL, skb);
	default:
		return RX_HANDLER_PASS;
	}
}
