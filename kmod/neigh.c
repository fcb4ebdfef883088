// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbour resolution for pods: the podnet device answers every ARP
 * request and IPv6 neighbour solicitation of a pod (for its gateway, for
 * another pod, for any address on its link) with the MAC address of the
 * pod's port, so that everything a pod sends goes through the node's IP
 * stack. Requests for the pod's own address (duplicate address detection,
 * gratuitous ARP) are not answered.
 *
 * Called from the port's rx_handler, under RCU; every function here
 * consumes the skb.
 */

#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include <net/arp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "neigh.h"
#include "port.h"

static void podnet_learn_mac(struct podnet_port *port, const u8 *mac)
{
	if (port->mac_fixed || !is_valid_ether_addr(mac) ||
	    ether_addr_equal(port->pod_mac, mac))
		return;
	ether_addr_copy(port->pod_mac, mac);
}

/**
 * podnet_neigh_arp_rcv() - answer a pod's ARP request
 * @port: the port it came in on
 * @skb: the ARP packet (consumed)
 */
void podnet_neigh_arp_rcv(struct podnet_port *port, struct sk_buff *skb)
{
	struct net_device *dev = port->dev;
	struct in6_addr key;
	struct arphdr *arp;
	struct sk_buff *reply;
	u8 *p, sha[ETH_ALEN];
	__be32 sip, tip;

	if (!pskb_may_pull(skb, arp_hdr_len(dev)))
		goto bad;
	arp = arp_hdr(skb);
	if (arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
	    arp->ar_pln != 4)
		goto bad;
	if (arp->ar_op != htons(ARPOP_REQUEST))
		goto consume;

	p = (u8 *)(arp + 1);
	ether_addr_copy(sha, p);
	memcpy(&sip, p + ETH_ALEN, 4);
	memcpy(&tip, p + 2 * ETH_ALEN + 4, 4);

	/* Probes and announcements of the pod's own address: no answer. */
	if (!sip || sip == tip)
		goto consume;
	ipv6_addr_set_v4mapped(sip, &key);
	if (podnet_addr_lookup(port->pn, &key) != port) {
		podnet_port_count(port, PODNET_PC_DROP_SPOOF, 1);
		goto drop;
	}
	podnet_learn_mac(port, sha);

	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha,
			   dev->dev_addr, sha);
	if (!reply)
		goto bad;
	arp_xmit(reply);
consume:
	consume_skb(skb);
	return;
bad:
	podnet_port_count(port, PODNET_PC_DROP_NEIGH, 1);
drop:
	kfree_skb(skb);
}

/**
 * podnet_neigh_is_ns() - whether an IPv6 packet is a neighbour solicitation
 * @skb: IPv6 packet, network header pulled
 *
 * Return: true if it is one (its ICMPv6 header is pulled then).
 */
bool podnet_neigh_is_ns(struct sk_buff *skb)
{
	const struct icmp6hdr *icmp6;

	if (ipv6_hdr(skb)->nexthdr != IPPROTO_ICMPV6 ||
	    !pskb_may_pull(skb, sizeof(struct ipv6hdr) + sizeof(*icmp6)))
		return false;
	icmp6 = (const struct icmp6hdr *)(skb->data + sizeof(struct ipv6hdr));
	return icmp6->icmp6_type == NDISC_NEIGHBOUR_SOLICITATION;
}

static struct sk_buff *podnet_na_build(struct net_device *dev,
				       const struct in6_addr *saddr,
				       const struct in6_addr *daddr,
				       const u8 *dmac)
{
	unsigned int icmplen = sizeof(struct nd_msg) + 8; /* + target lladdr */
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_msg *na;
	u8 *opt;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + sizeof(*ip6h) + icmplen,
			GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(icmplen);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 255;
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;

	skb_set_transport_header(skb, skb->len);
	na = skb_put_zero(skb, icmplen);
	na->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->icmph.icmp6_router = 1;
	na->icmph.icmp6_solicited = 1;
	na->icmph.icmp6_override = 1;
	na->target = *saddr;
	opt = na->opt;
	opt[0] = ND_OPT_TARGET_LL_ADDR;
	opt[1] = 1;	/* in units of 8 octets */
	ether_addr_copy(opt + 2, dev->dev_addr);
	na->icmph.icmp6_cksum = csum_ipv6_magic(saddr, daddr, icmplen,
						IPPROTO_ICMPV6,
						csum_partial(na, icmplen, 0));

	skb->protocol = htons(ETH_P_IPV6);
	skb->dev = dev;
	if (dev_hard_header(skb, dev, ETH_P_IPV6, dmac, dev->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/**
 * podnet_neigh_ns_rcv() - answer a pod's neighbour solicitation
 * @port: the port it came in on
 * @skb: the solicitation (consumed), ICMPv6 header pulled
 */
void podnet_neigh_ns_rcv(struct podnet_port *port, struct sk_buff *skb)
{
	unsigned int len = sizeof(struct ipv6hdr) + sizeof(struct nd_msg);
	struct in6_addr saddr, target;
	struct sk_buff *reply;
	const struct nd_msg *ns;
	u8 dmac[ETH_ALEN];
	int type;

	if (!pskb_may_pull(skb, len))
		goto bad;
	if (ipv6_hdr(skb)->hop_limit != 255)
		goto bad;
	ns = (const struct nd_msg *)(skb->data + sizeof(struct ipv6hdr));
	if (ns->icmph.icmp6_code || ipv6_addr_is_multicast(&ns->target))
		goto bad;
	saddr = ipv6_hdr(skb)->saddr;
	target = ns->target;

	/* Duplicate address detection, or resolving itself: no answer. */
	type = ipv6_addr_type(&saddr);
	if (type == IPV6_ADDR_ANY ||
	    podnet_addr_lookup(port->pn, &target) == port)
		goto consume;
	/* The source must be the pod's, or its link-local address. */
	if (!(type & IPV6_ADDR_LINKLOCAL) &&
	    podnet_addr_lookup(port->pn, &saddr) != port) {
		podnet_port_count(port, PODNET_PC_DROP_SPOOF, 1);
		goto drop;
	}

	ether_addr_copy(dmac, eth_hdr(skb)->h_source);
	podnet_learn_mac(port, dmac);

	reply = podnet_na_build(port->dev, &target, &saddr, dmac);
	if (!reply)
		goto bad;
	dev_queue_xmit(reply);
consume:
	consume_skb(skb);
	return;
bad:
	podnet_port_count(port, PODNET_PC_DROP_NEIGH, 1);
drop:
	kfree_skb(skb);
}
