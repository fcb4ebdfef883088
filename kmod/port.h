/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_PORT_H
#define _PODNET_PORT_H

#include <linux/etherdevice.h>
#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/podnet.h>
#include <linux/rhashtable.h>
#include <linux/u64_stats_sync.h>
#include <net/ipv6.h>

#include "device.h"

struct podnet_port;
struct podnet_route;

/*
 * Locking: ports and addresses are added and removed under RTNL only; the
 * packet path finds them under RCU (the rx_handler runs in an RCU read-side
 * section, the device's xmit takes one) and never takes a lock.
 */

/**
 * struct podnet_addr - one pod address bound to a port
 * @node: in podnet_dev.addrs
 * @key: the address; IPv4 as an IPv4-mapped IPv6 address
 * @port: the port it is bound to
 * @rcu: freed after a grace period
 */
struct podnet_addr {
	struct rhash_head node;
	struct in6_addr key;
	struct podnet_port *port;
	struct rcu_head rcu;
};

enum podnet_port_counter {
	PODNET_PC_RX_PACKETS,
	PODNET_PC_RX_BYTES,
	PODNET_PC_TX_PACKETS,
	PODNET_PC_TX_BYTES,
	PODNET_PC_DROP_SPOOF,
	PODNET_PC_DROP_PROTO,
	PODNET_PC_DROP_NEIGH,
	PODNET_PC_DROP_TX,
	PODNET_PC_SWITCHED,
	PODNET_PC_MAX
};

struct podnet_port_stats {
	u64_stats_t c[PODNET_PC_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct podnet_port - a port of a podnet device (a pod's veth node end)
 * @dev: the port device; a reference is held while attached
 * @dev_tracker: tracks that reference
 * @pn: the podnet device it is a port of
 * @node: in podnet_dev.ports
 * @addrs: addresses bound to it (changed under RTNL, read under RCU by the
 *	rx_handler: podnet_port_owns())
 * @naddrs: number of them
 * @pod_mac: the pod's MAC address, zero while unknown
 * @mac_fixed: @pod_mac was configured and is not learned
 * @stats: per-CPU counters
 * @routes: the IPv4 and IPv6 routes the IP stack last gave packets
 *	forwarded to this pod (fwd.c; replaced on the packet path, freed with
 *	the port)
 * @rcu: freed after a grace period
 */
struct podnet_port {
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct podnet_dev *pn;
	struct list_head node;
	struct podnet_addr *addrs[PODNET_POD_MAX_ADDRS];
	unsigned int naddrs;
	u8 pod_mac[ETH_ALEN] __aligned(2);
	bool mac_fixed;
	struct podnet_port_stats __percpu *stats;
	struct podnet_route __rcu *routes[2];
	struct rcu_head rcu;
};

/**
 * struct podnet_pod_spec - what PODNET_CMD_POD_ADD asks for
 * @addrs: addresses to bind (IPv4 as IPv4-mapped)
 * @naddrs: how many
 * @attrs: the attribute each address came from, for error reports
 * @mac: the pod's MAC address, or zero to read/learn it
 */
struct podnet_pod_spec {
	struct in6_addr addrs[PODNET_POD_MAX_ADDRS];
	const struct nlattr *attrs[PODNET_POD_MAX_ADDRS];
	unsigned int naddrs;
	u8 mac[ETH_ALEN];
};

static inline u32 podnet_addr_hashfn(const void *data, u32 len, u32 seed)
{
	return jhash2(data, sizeof(struct in6_addr) / sizeof(u32), seed);
}

static inline int podnet_addr_cmpfn(struct rhashtable_compare_arg *arg,
				    const void *obj)
{
	const struct podnet_addr *a = obj;

	return !ipv6_addr_equal(&a->key, arg->key);
}

/*
 * The device's address table. Defined here, not exported from port.c, so
 * that the look-ups on the packet path see constant parameters and the
 * compiler inlines the hash and the compare (an extern const would make
 * them calls through the table and memcmp() with a run-time length).
 */
static const struct rhashtable_params podnet_addr_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct podnet_addr, key),
	.head_offset = offsetof(struct podnet_addr, node),
	.automatic_shrinking = true,
	.hashfn = podnet_addr_hashfn,
	.obj_cmpfn = podnet_addr_cmpfn,
};

static inline void podnet_port_count(struct podnet_port *port,
				     enum podnet_port_counter c, u64 n)
{
	struct podnet_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[c], n);
	u64_stats_update_end(&s->syncp);
}

static inline void podnet_port_count2(struct podnet_port *port,
				      enum podnet_port_counter pkts,
				      unsigned int bytes)
{
	struct podnet_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[pkts]);
	u64_stats_add(&s->c[pkts + 1], bytes);
	u64_stats_update_end(&s->syncp);
}

int podnet_port_attach(struct podnet_dev *pn, struct net_device *dev,
		       const struct podnet_pod_spec *spec,
		       struct netlink_ext_ack *extack);
int podnet_port_bind(struct podnet_port *port,
		     const struct podnet_pod_spec *spec,
		     struct netlink_ext_ack *extack);
void podnet_port_detach(struct podnet_port *port);
void podnet_port_detach_all(struct podnet_dev *pn);
struct podnet_port *podnet_port_get_rtnl(const struct net_device *dev);
void podnet_port_read_stats(const struct podnet_port *port,
			    u64 out[PODNET_PC_MAX]);
int podnet_port_init(void);
void podnet_port_uninit(void);

/*
 * Whether @addr is bound to @port: a look at the port's own few addresses,
 * cheaper than hashing into the device's table. podnet_port_bind() publishes
 * each address before the count that covers it; unbinding clears the count
 * first (a packet racing with it may find a NULL slot: it is taken as not
 * bound, as it would be a moment later).
 *
 * Context: RCU read-side section.
 */
static inline bool podnet_port_owns(const struct podnet_port *port,
				    const struct in6_addr *addr)
{
	unsigned int i, n;

	/* Pairs with podnet_port_bind(): the first n slots are filled. */
	n = smp_load_acquire(&port->naddrs);
	for (i = 0; i < n; i++) {
		const struct podnet_addr *a = READ_ONCE(port->addrs[i]);

		if (a && ipv6_addr_equal(&a->key, addr))
			return true;
	}
	return false;
}

/**
 * podnet_addr_lookup() - the port an address is bound to
 * @pn: podnet device
 * @key: the address (IPv4 as IPv4-mapped)
 *
 * Context: RCU read-side section.
 * Return: the port or NULL.
 */
static inline struct podnet_port *podnet_addr_lookup(struct podnet_dev *pn,
						     const struct in6_addr *key)
{
	struct podnet_addr *a;

	a = rhashtable_lookup(&pn->addrs, key, podnet_addr_params);
	return a ? a->port : NULL;
}

#endif /* _PODNET_PORT_H */
