/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels a Debian 12 node may run: the 6.1 LTS
 * series podnet targets (6.1.0-47 to 6.1.0-57) and the 6.12 series of
 * bookworm's updates (Debian 13's kernel). Point releases move names too,
 * so what a kernel has is read off its headers: a macro, or what Kbuild
 * finds in them (PODNET_HAVE_*).
 */
#ifndef _PODNET_COMPAT_H
#define _PODNET_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/inet_dscp.h>
#include <net/ip6_fib.h>
/* 6.5 moved the GSO helpers out of skbuff.h, 6.10 RPS out of netdevice.h. */
#ifdef PODNET_HAVE_GSO_H
#include <net/gso.h>
#endif
#ifdef PODNET_HAVE_RPS_H
#include <net/rps.h>
#endif
#ifdef PODNET_HAVE_NETDEV_RX_QUEUE_H
#include <net/netdev_rx_queue.h>
#endif

/*
 * The bits of an IPv4 TOS byte that select a route: IPTOS_RT_MASK until
 * 6.12 dropped it for the DSCP (ip_route_input_noref() masks it itself).
 */
#ifdef IPTOS_RT_MASK
#define PODNET_RT_TOS(tos)	((tos) & IPTOS_RT_MASK)
#else
#define PODNET_RT_TOS(tos)	((tos) & INET_DSCP_MASK)
#endif

/* Lockless transmit, and no moving to another namespace. */
static inline void podnet_dev_set_local_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
#if defined(NETIF_F_NETNS_LOCAL)
	dev->features |= NETIF_F_NETNS_LOCAL;
#elif defined(PODNET_HAVE_NETNS_IMMUTABLE)
	dev->netns_immutable = true;
#else
	dev->netns_local = true;
#endif
}

/*
 * Whether tc could see what the device receives or sends: a clsact or
 * ingress qdisc's filters or a tc BPF program (6.6's tcx entry holds the
 * mini qdisc that was the device's own until then).
 */
static inline bool podnet_dev_tc(const struct net_device *dev)
{
#if defined(CONFIG_NET_XGRESS)
	return rcu_access_pointer(dev->tcx_ingress) ||
	       rcu_access_pointer(dev->tcx_egress);
#else
	bool tc = false;
#ifdef CONFIG_NET_INGRESS
	tc |= !!rcu_access_pointer(dev->miniq_ingress);
#endif
#ifdef CONFIG_NET_EGRESS
	tc |= !!rcu_access_pointer(dev->miniq_egress);
#endif
	return tc;
#endif
}

/*
 * A multicast group for CAP_NET_ADMIN in the namespace's user namespace:
 * 6.1.y took GENL_UNS_ADMIN_PERM there (6.7's first form) until 6.8's
 * GENL_MCAST_CAP_NET_ADMIN reached it.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define PODNET_MCAST_CAP_NET_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define PODNET_MCAST_CAP_NET_ADMIN	GENL_UNS_ADMIN_PERM
#endif

/* The IPv6 route of a dst (a helper from 6.10, in 6.1.y since 6.1.17x). */
#ifndef dst_rt6_info
#define dst_rt6_info(_ptr) \
	((const struct rt6_info *)container_of(_ptr, struct rt6_info, dst))
#endif

/* A dump's parsed request attributes (6.2 gave dumps a struct genl_info). */
static inline struct nlattr **
podnet_dump_attrs(const struct genl_dumpit_info *info)
{
#ifdef PODNET_HAVE_DUMPIT_INFO
	return info->info.attrs;
#else
	return info->attrs;
#endif
}

#endif /* _PODNET_COMPAT_H */
