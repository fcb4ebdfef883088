/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_SERVICE_H
#define _PODNET_SERVICE_H

#include <linux/in6.h>
#include <linux/podnet.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>

#include "config.h"
#include "netns.h"

struct net;
struct netlink_ext_ack;

/*
 * Locking: services, frontends and endpoint sets change under the
 * namespace's podnet_net.svc_lock mutex. The netfilter hooks find them
 * under RCU and take no lock: a frontend is looked up in a hash table, and
 * a service's endpoint set is an immutable object replaced whole with
 * rcu_assign_pointer() on every change (as Open vSwitch swaps its tables).
 */

/**
 * struct podnet_fe_key - what a new connection is matched on
 * @addr: destination address (IPv4 as IPv4-mapped); for a NodePort, the
 *	unspecified address of the family (:: or ::ffff:0.0.0.0)
 * @port: destination port
 * @proto: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 * @pad: zero
 */
struct podnet_fe_key {
	struct in6_addr addr;
	__be16 port;
	u8 proto;
	u8 pad;
};

enum podnet_fe_kind {
	PODNET_FE_CLUSTERIP,
	PODNET_FE_EXTERNAL,
	PODNET_FE_NODEPORT,
	PODNET_FE_LB,
};

/* Frontends of a service: ClusterIP, external and LB addresses, NodePort. */
#define PODNET_SVC_MAX_FES (1 + 2 * PODNET_SVC_MAX_EXTERNAL + 1)

/**
 * struct podnet_fe - a frontend of a service port
 * @node: in podnet_net.fes
 * @key: the match
 * @svc: its service
 * @kind: enum podnet_fe_kind
 *
 * Freed with its service (podnet_svc.rcu).
 */
struct podnet_fe {
	struct rhash_head node;
	struct podnet_fe_key key;
	struct podnet_svc *svc;
	u8 kind;
};

/**
 * struct podnet_vip - a ClusterIP address, for rejecting unknown ports
 * @node: in podnet_net.vips
 * @addr: the address (IPv4 as IPv4-mapped)
 * @users: service ports with this ClusterIP
 * @rcu: freed after a grace period
 */
struct podnet_vip {
	struct rhash_head node;
	struct in6_addr addr;
	unsigned int users;
	struct rcu_head rcu;
};

/**
 * struct podnet_ep - an endpoint
 * @addr: pod address (IPv4 as IPv4-mapped)
 * @port: pod port
 * @weight: relative share of new connections
 * @flags: PODNET_EP_F_*
 * @conns: connections given to it
 */
struct podnet_ep {
	struct in6_addr addr;
	__be16 port;
	u16 weight;
	u32 flags;
	atomic64_t conns;
};

/**
 * struct podnet_pool - endpoints eligible for a kind of traffic
 * @n: how many
 * @total: sum of their weights
 * @idx: their indices in podnet_eps.ep
 * @cum: cumulative weights, @cum[i] = sum of weights of idx[0..i]
 * @maglev: Maglev lookup table (positions in @idx), or NULL
 */
struct podnet_pool {
	u32 n;
	u32 total;
	u32 *idx;
	u32 *cum;
	u16 *maglev;
};

/**
 * struct podnet_eps - a service's endpoint set, immutable once published
 * @rcu: freed after a grace period
 * @cluster: ready endpoints, or the terminating ones if none is ready
 * @local: the same among local endpoints
 * @n: number of endpoints
 * @ep: the endpoints
 */
struct podnet_eps {
	struct rcu_head rcu;
	struct podnet_pool cluster;
	struct podnet_pool local;
	u32 n;
	struct podnet_ep ep[];
};

enum podnet_svc_counter {
	PODNET_SC_CONNS,
	PODNET_SC_PACKETS,
	PODNET_SC_BYTES,
	PODNET_SC_REJECTED,
	PODNET_SC_MAX
};

struct podnet_svc_stats {
	u64_stats_t c[PODNET_SC_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct podnet_svc_spec - a service port's settings
 * @key: ClusterIP, port, protocol
 * @sched: enum podnet_sched
 * @policy: enum podnet_policy, for external traffic
 * @ipolicy: enum podnet_policy, for the ClusterIP
 * @flags: PODNET_SVC_F_*
 * @affinity: ClientIP affinity timeout in seconds, 0 for none
 * @nodeport: NodePort in network order, 0 for none
 * @owner: PODNET_SVC_A_OWNER
 */
struct podnet_svc_spec {
	struct podnet_fe_key key;
	u8 sched;
	u8 policy;
	u8 ipolicy;
	u32 flags;
	u32 affinity;
	__be16 nodeport;
	u32 owner;
};

/**
 * struct podnet_svc_ext - a service port's external addresses, as given,
 *	and what else of its settings is not of fixed size
 * @n: how many addresses
 * @nlb: how many of them, the last ones, are LoadBalancer addresses
 * @addr: the addresses (IPv4 as IPv4-mapped)
 * @nla: the attribute each was given in
 * @svc_nla: the attribute the service was given in
 * @nodeport_nla: the attribute its NodePort was given in
 * @nranges: how many source ranges
 * @ranges: loadBalancerSourceRanges (kmalloc()ed, or NULL; copied by
 *	the service that gets them)
 * @name: its name (PODNET_SVC_A_NAME) or NULL
 *
 * The attributes (each may be NULL) are named in the error when a frontend
 * is already taken.
 */
struct podnet_svc_ext {
	unsigned int n;
	unsigned int nlb;
	struct in6_addr addr[2 * PODNET_SVC_MAX_EXTERNAL];
	const struct nlattr *nla[2 * PODNET_SVC_MAX_EXTERNAL];
	const struct nlattr *svc_nla;
	const struct nlattr *nodeport_nla;
	unsigned int nranges;
	struct podnet_prefix *ranges;
	const char *name;
};

/**
 * struct podnet_svc_more - what not every service port has
 * @name: PODNET_SVC_A_NAME, or NULL
 * @nranges: number of source ranges
 * @ranges: loadBalancerSourceRanges
 */
struct podnet_svc_more {
	char *name;
	unsigned int nranges;
	struct podnet_prefix ranges[];
};

/**
 * struct podnet_svc - a service port
 * @spec: its settings
 * @id: unique in its namespace, for affinity entries
 * @rr: round-robin position
 * @node: in podnet_net.svcs (svc_lock)
 * @eps: current endpoint set (RCU; never NULL once added)
 * @stats: per-CPU counters
 * @net: its namespace
 * @rcu: freed after a grace period
 * @more: its name and source ranges, or NULL if it has neither
 * @nfes: number of frontends
 * @stats_moved: @stats went to the service that took this one's place
 *	(podnet_svc_change()), or was only borrowed from it: not freed here
 * @fes: its frontends: the ClusterIP, the external then LoadBalancer
 *	addresses in the order given, the NodePort (the addresses are read
 *	from here)
 *
 * With one frontend (a ClusterIP) it fits kmalloc's 128-byte slots.
 */
struct podnet_svc {
	struct podnet_svc_spec spec;
	u32 id;
	atomic_t rr;
	struct list_head node;
	struct podnet_eps __rcu *eps;
	struct podnet_svc_stats __percpu *stats;
	struct net *net;
	struct rcu_head rcu;
	struct podnet_svc_more *more;
	u8 nfes;
	bool stats_moved;
	struct podnet_fe *fes[];
};

/**
 * struct podnet_ep_spec - an endpoint as a request gives it
 * @addr: address (IPv4 as IPv4-mapped)
 * @port: port, network order
 * @weight: weight
 * @flags: PODNET_EP_F_*
 */
struct podnet_ep_spec {
	struct in6_addr addr;
	__be16 port;
	u16 weight;
	u32 flags;
};

/*
 * A service's endpoints where its namespace's svc_lock is held (lockdep
 * checks it), as Open vSwitch's ovsl_dereference().
 */
#define podnet_svc_eps(svc)						\
	rcu_dereference_protected((svc)->eps,				\
		lockdep_is_held(&podnet_net((svc)->net)->svc_lock))

static inline void podnet_svc_count(struct podnet_svc *svc,
				    enum podnet_svc_counter c, u64 n)
{
	struct podnet_svc_stats *s = this_cpu_ptr(svc->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[c], n);
	u64_stats_update_end(&s->syncp);
}

struct podnet_svc *podnet_fe_lookup(struct net *net,
				    const struct podnet_fe_key *key,
				    bool (*local_dst)(struct net *net,
						      const struct in6_addr *a),
				    bool *known_vip, u8 *kind);
bool podnet_vip_known(const struct net *net, const struct in6_addr *addr);
struct podnet_svc *podnet_svc_find(struct net *net,
				   const struct podnet_fe_key *key);
int podnet_svc_add(struct net *net, const struct podnet_svc_spec *spec,
		   const struct podnet_svc_ext *ext,
		   const struct podnet_ep_spec *specs, unsigned int n,
		   struct netlink_ext_ack *extack);
int podnet_svc_del(struct net *net, struct podnet_svc *svc);
int podnet_svc_change(struct net *net, struct podnet_svc *old,
		      const struct podnet_svc_spec *spec,
		      const struct podnet_svc_ext *ext,
		      struct netlink_ext_ack *extack);
int podnet_ep_add(struct podnet_svc *svc, const struct podnet_ep_spec *ep,
		  struct netlink_ext_ack *extack);
int podnet_ep_del(struct podnet_svc *svc, const struct podnet_ep_spec *ep,
		  struct netlink_ext_ack *extack);
int podnet_ep_set(struct podnet_svc *svc, const struct podnet_ep_spec *eps,
		  unsigned int n, struct netlink_ext_ack *extack);
void podnet_svc_read_stats(const struct podnet_svc *svc,
			   u64 out[PODNET_SC_MAX]);
int podnet_svc_net_init(struct net *net);
void podnet_svc_net_unhook(struct net *net);
void podnet_svc_net_exit(struct net *net);

extern unsigned int podnet_max_services;
extern unsigned int podnet_max_endpoints;

int podnet_ep_find(const struct podnet_ep_spec *specs, unsigned int n,
		   const struct podnet_ep_spec *ep);

/**
 * struct podnet_ep_index - a list of endpoints sorted for lookups
 * @specs: the list
 * @n: its length
 * @pos: positions in @specs, by address and port (then by position)
 */
struct podnet_ep_index {
	const struct podnet_ep_spec *specs;
	unsigned int n;
	u32 *pos;
};

int podnet_ep_index_init(struct podnet_ep_index *ix,
			 const struct podnet_ep_spec *specs, unsigned int n);
void podnet_ep_index_free(struct podnet_ep_index *ix);
int podnet_ep_index_find(const struct podnet_ep_index *ix,
			 const struct podnet_ep_spec *ep);
int podnet_ep_index_dup(const struct podnet_ep_index *ix);

/* Endpoints a service may have: max_endpoints, read once, at most 65535. */
static inline unsigned int podnet_max_eps(void)
{
	return min(READ_ONCE(podnet_max_endpoints), 65535U);
}

#endif /* _PODNET_SERVICE_H */
