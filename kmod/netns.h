/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NETNS_H
#define _PODNET_NETNS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/minmax.h>
#include <linux/rhashtable-types.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct podnet_net - podnet state of one network namespace (one "node")
 * @devs: the podnet devices of the namespace (RTNL)
 * @gen: bumped on every change of ports or addresses, so that dumps can
 *	report that they saw the tables change (RTNL)
 * @svc_lock: serialises changes to services and endpoints
 * @svcs: service ports, in order of creation (svc_lock)
 * @nsvcs: how many (svc_lock)
 * @svc_gen: bumped on every service or endpoint change (svc_lock)
 * @next_svc_id: id of the next service (svc_lock)
 * @nodeports: service ports with a NodePort (svc_lock; read locklessly)
 * @nat_on: the netfilter hooks are registered (svc_lock)
 * @fes: frontends, struct podnet_fe (RCU readers)
 * @vips: ClusterIP addresses, struct podnet_vip (RCU readers)
 * @aff: ClientIP affinity entries (RCU readers, lock-free writers)
 * @naff: number of affinity entries
 * @aff_gc: reaps expired affinity entries
 * @cfg: settings for services, struct podnet_cfg (svc_lock; RCU readers)
 * @nodes: the other nodes, struct podnet_node, in order of creation (RTNL)
 * @nnodes: how many (RTNL)
 * @node_gen: bumped on every change of @nodes, for dumps (RTNL)
 * @uplinks: devices other nodes' pods' packets come in on, struct
 *	podnet_uplink (RTNL)
 */
struct podnet_net {
	struct list_head devs;
	unsigned int gen;

	struct mutex svc_lock;
	struct list_head svcs;
	unsigned int nsvcs;
	unsigned int svc_gen;
	u32 next_svc_id;
	unsigned int nodeports;
	bool nat_on;
	struct rhashtable fes;
	struct rhashtable vips;
	struct rhashtable aff;
	atomic_t naff;
	struct delayed_work aff_gc;
	struct podnet_cfg __rcu *cfg;

	struct list_head nodes;
	unsigned int nnodes;
	unsigned int node_gen;
	struct list_head uplinks;
};

extern unsigned int podnet_net_id;

static inline struct podnet_net *podnet_net(const struct net *net)
{
	return net_generic(net, podnet_net_id);
}

/*
 * A namespace's limit: @limit, or @userns_limit if lower and @net belongs to
 * a user namespace other than the initial one, whose root any user may be
 * (Debian 12 allows unprivileged user namespaces): what such a root makes
 * podnet allocate is charged to its memory cgroup, and also kept to less.
 */
static inline unsigned int podnet_limit(const struct net *net,
					unsigned int limit,
					unsigned int userns_limit)
{
	if (net->user_ns != &init_user_ns)
		return min(limit, userns_limit);
	return limit;
}

/*
 * What a configuration request allocates and keeps: charged to the
 * caller's memory cgroup (as nf_tables charges its rules), and where that
 * cgroup is at its memory.max the request fails with -ENOMEM, undone,
 * instead of the cgroup's OOM killer taking the caller's processes (as
 * BPF maps are allocated, bpf_map_area_alloc()).
 */
#define PODNET_GFP_CFG (GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL)

int podnet_netns_init(void);
void podnet_netns_uninit(void);

#endif /* _PODNET_NETNS_H */
