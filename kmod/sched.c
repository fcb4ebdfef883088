// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoint choice for new connections: endpoint sets with their eligible
 * pools, weighted random and round robin, Maglev consistent hashing, and
 * ClientIP session affinity.
 *
 * Which endpoints are eligible (KEP-1669): the ready ones; when none is
 * ready, the terminating ones, so that a service whose pods all shut down
 * keeps serving until they are gone. Traffic from outside the node to a
 * service with policy local only considers local endpoints.
 */

#include <linux/gcd.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>

#include "kunit.h"
#include "netns.h"
#include "sched.h"

static u32 podnet_ep_hash(const struct podnet_ep *ep, u32 seed)
{
	return jhash2(ep->addr.s6_addr32, 4, seed ^ (__force u32)ep->port);
}

/**
 * podnet_maglev_build() - the Maglev lookup table of a pool
 * @eps: the endpoint set
 * @pool: the pool, not empty
 *
 * Each endpoint walks its own permutation of the table's slots (derived
 * from its address and port, not from its position, so that the other
 * endpoints keep their slots when one comes or goes) and takes turns,
 * in proportion to its weight, claiming the next free slot.
 *
 * Context: process context, may sleep.
 * Return: PODNET_MAGLEV_SIZE positions in @pool->idx, or NULL on ENOMEM.
 */
u16 *podnet_maglev_build(const struct podnet_eps *eps,
			 const struct podnet_pool *pool)
{
	const u32 m = PODNET_MAGLEV_SIZE;
	u32 *offset, *skip, *next, *turns;
	u32 filled = 0, i, g = 0;
	u16 *table;

	table = kvmalloc_array(m, sizeof(*table), PODNET_GFP_CFG);
	offset = kcalloc(pool->n, 4 * sizeof(u32), GFP_KERNEL);
	if (!table || !offset) {
		kvfree(table);
		kfree(offset);
		return NULL;
	}
	skip = offset + pool->n;
	next = skip + pool->n;
	turns = next + pool->n;
	for (i = 0; i < pool->n; i++) {
		const struct podnet_ep *ep = &eps->ep[pool->idx[i]];

		offset[i] = podnet_ep_hash(ep, 0x6d61676c) % m;
		skip[i] = podnet_ep_hash(ep, 0x65760a5f) % (m - 1) + 1;
		g = gcd(g, ep->weight);
	}
	for (i = 0; i < pool->n; i++)
		turns[i] = eps->ep[pool->idx[i]].weight / g;
	memset(table, 0xff, m * sizeof(*table));

	while (filled < m) {
		for (i = 0; i < pool->n && filled < m; i++) {
			u32 t;

			for (t = 0; t < turns[i] && filled < m; t++) {
				u32 c;

				do {
					c = (offset[i] + (u64)next[i] * skip[i]) % m;
					next[i]++;
				} while (table[c] != 0xffff);
				table[c] = i;
				filled++;
			}
		}
	}
	kfree(offset);
	return table;
}
PODNET_EXPORT_FOR_KUNIT(podnet_maglev_build);

static void podnet_pool_fill(struct podnet_eps *eps, struct podnet_pool *pool,
			     bool local)
{
	u32 pass, want, i;

	/*
	 * Ready endpoints of this zone if there is one (the cluster pool
	 * only: kube-proxy's CategorizeEndpoints() applies topology hints to
	 * it alone), else ready ones, else the terminating ones.
	 */
	for (pass = local; pass < 3; pass++) {
		want = pass == 2 ? PODNET_EP_F_TERMINATING : 0;
		pool->n = 0;
		pool->total = 0;
		for (i = 0; i < eps->n; i++) {
			const struct podnet_ep *ep = &eps->ep[i];

			if ((ep->flags & PODNET_EP_F_TERMINATING) != want ||
			    (local && !(ep->flags & PODNET_EP_F_LOCAL)) ||
			    (!pass && ep->flags & PODNET_EP_F_OTHER_ZONE))
				continue;
			pool->total += ep->weight;
			pool->idx[pool->n] = i;
			pool->cum[pool->n++] = pool->total;
		}
		if (pool->n)
			return;
	}
}

/**
 * podnet_eps_free() - free an endpoint set now
 * @eps: the set, or NULL
 */
void podnet_eps_free(struct podnet_eps *eps)
{
	if (!eps)
		return;
	kvfree(eps->cluster.maglev);
	kvfree(eps->local.maglev);
	kvfree(eps);
}
PODNET_EXPORT_FOR_KUNIT(podnet_eps_free);

static void podnet_eps_rcu(struct rcu_head *head)
{
	podnet_eps_free(container_of(head, struct podnet_eps, rcu));
}

/**
 * podnet_eps_free_rcu() - free an endpoint set after a grace period
 * @eps: the set, or NULL
 */
void podnet_eps_free_rcu(struct podnet_eps *eps)
{
	if (eps)
		call_rcu(&eps->rcu, podnet_eps_rcu);
}

/**
 * podnet_eps_build() - build an immutable endpoint set
 * @specs: the endpoints, without duplicates
 * @n: how many
 * @sched: enum podnet_sched of the service (Maglev builds lookup tables)
 * @old: the set it replaces, whose connection counts carry over, or NULL
 *
 * Context: process context, may sleep.
 * Return: the set, or NULL on ENOMEM.
 */
struct podnet_eps *podnet_eps_build(const struct podnet_ep_spec *specs,
				    unsigned int n, u8 sched,
				    const struct podnet_eps *old)
{
	struct podnet_ep_index ix;
	struct podnet_eps *eps;
	u32 *arrays;
	unsigned int i;
	int j;

	eps = kvzalloc(struct_size(eps, ep, n) + 4 * n * sizeof(u32),
		       PODNET_GFP_CFG);
	if (!eps)
		return NULL;
	eps->n = n;
	arrays = (u32 *)&eps->ep[n];
	eps->cluster.idx = arrays;
	eps->cluster.cum = arrays + n;
	eps->local.idx = arrays + 2 * n;
	eps->local.cum = arrays + 3 * n;

	for (i = 0; i < n; i++) {
		struct podnet_ep *ep = &eps->ep[i];

		ep->addr = specs[i].addr;
		ep->port = specs[i].port;
		ep->weight = specs[i].weight;
		ep->flags = specs[i].flags;
	}
	if (old && old->n) {
		if (podnet_ep_index_init(&ix, specs, n))
			goto err;
		for (i = 0; i < old->n; i++) {
			struct podnet_ep_spec e = {
				.addr = old->ep[i].addr,
				.port = old->ep[i].port,
			};

			j = podnet_ep_index_find(&ix, &e);
			if (j >= 0)
				atomic64_set(&eps->ep[j].conns,
					     atomic64_read(&old->ep[i].conns));
		}
		podnet_ep_index_free(&ix);
	}
	podnet_pool_fill(eps, &eps->cluster, false);
	podnet_pool_fill(eps, &eps->local, true);

	if (sched == PODNET_SCHED_MAGLEV) {
		if (eps->cluster.n) {
			eps->cluster.maglev = podnet_maglev_build(eps, &eps->cluster);
			if (!eps->cluster.maglev)
				goto err;
		}
		if (eps->local.n) {
			eps->local.maglev = podnet_maglev_build(eps, &eps->local);
			if (!eps->local.maglev)
				goto err;
		}
	}
	return eps;
err:
	podnet_eps_free(eps);
	return NULL;
}
PODNET_EXPORT_FOR_KUNIT(podnet_eps_build);

/* The position in @pool whose cumulative weight range holds @r. */
static u32 podnet_pool_find(const struct podnet_pool *pool, u32 r)
{
	u32 lo = 0, hi = pool->n - 1;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (pool->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static u32 podnet_flow_hash(const struct podnet_flow *flow)
{
	return jhash_3words(jhash2(flow->saddr.s6_addr32, 4, 0),
			    (__force u32)flow->sport, flow->proto, 0x706f64);
}

/*
 * ClientIP affinity: the endpoint a client address was last given, per
 * service, in a per-namespace hash table. Entries are refreshed on use (as
 * Cilium does) and expire after the service's timeout; a worker reaps
 * expired ones. The table is bounded by podnet_max_affinity entries, and by
 * podnet_max_affinity_userns in a namespace of another user namespace:
 * entries are made by remote clients (GFP_ATOMIC, charged to no one).
 */
struct podnet_aff_key {
	struct in6_addr client;
	u32 svc_id;
};

struct podnet_aff {
	struct rhash_head node;
	struct podnet_aff_key key;
	struct in6_addr addr;
	__be16 port;
	unsigned long used;
	unsigned long timeout;
	struct rcu_head rcu;
};

static unsigned int podnet_max_affinity = 1 << 20;
module_param_named(max_affinity, podnet_max_affinity, uint, 0644);
MODULE_PARM_DESC(max_affinity, "ClientIP affinity entries per namespace");

static unsigned int podnet_max_affinity_userns = 1 << 16;
module_param_named(max_affinity_userns, podnet_max_affinity_userns, uint, 0644);
MODULE_PARM_DESC(max_affinity_userns,
		 "ClientIP affinity entries per namespace of a user namespace other than the initial one");

static const struct rhashtable_params podnet_aff_params = {
	.key_len = sizeof(struct podnet_aff_key),
	.key_offset = offsetof(struct podnet_aff, key),
	.head_offset = offsetof(struct podnet_aff, node),
	.automatic_shrinking = true,
};

static bool podnet_aff_expired(const struct podnet_aff *a)
{
	return time_after(jiffies, READ_ONCE(a->used) + a->timeout);
}

static struct podnet_ep *podnet_pool_ep(struct podnet_eps *eps,
					const struct podnet_pool *pool,
					const struct in6_addr *addr,
					__be16 port)
{
	u32 i;

	for (i = 0; i < pool->n; i++) {
		struct podnet_ep *ep = &eps->ep[pool->idx[i]];

		if (ep->port == port && ipv6_addr_equal(&ep->addr, addr))
			return ep;
	}
	return NULL;
}

static struct podnet_ep *podnet_aff_get(struct podnet_net *pnet,
					const struct podnet_aff_key *key,
					struct podnet_eps *eps,
					const struct podnet_pool *pool)
{
	struct podnet_aff *a;
	struct podnet_ep *ep;

	a = rhashtable_lookup(&pnet->aff, key, podnet_aff_params);
	if (!a || podnet_aff_expired(a))
		return NULL;
	ep = podnet_pool_ep(eps, pool, &a->addr, a->port);
	if (ep)
		WRITE_ONCE(a->used, jiffies);
	return ep;
}

static void podnet_aff_put(struct net *net, const struct podnet_aff_key *key,
			   const struct podnet_ep *ep, u32 timeout)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_aff *a, *old;

	if (atomic_read(&pnet->naff) >=
	    podnet_limit(net, READ_ONCE(podnet_max_affinity),
			 READ_ONCE(podnet_max_affinity_userns)))
		return;
	a = kzalloc(sizeof(*a), GFP_ATOMIC);
	if (!a)
		return;
	a->key = *key;
	a->addr = ep->addr;
	a->port = ep->port;
	a->used = jiffies;
	a->timeout = (unsigned long)timeout * HZ;

	old = rhashtable_lookup_get_insert_fast(&pnet->aff, &a->node,
						podnet_aff_params);
	if (!old) {
		atomic_inc(&pnet->naff);
		/* Reaping runs only while there is something to reap. */
		if (!delayed_work_pending(&pnet->aff_gc))
			queue_delayed_work(system_power_efficient_wq,
					   &pnet->aff_gc, 10 * HZ);
		return;
	}
	if (IS_ERR(old) ||
	    rhashtable_replace_fast(&pnet->aff, &old->node, &a->node,
				    podnet_aff_params)) {
		kfree(a);
		return;
	}
	kfree_rcu(old, rcu);
}

/**
 * podnet_sched_pick() - choose the endpoint of a new connection
 * @svc: the service
 * @eps: its current endpoint set
 * @local_only: only local endpoints (policy local, traffic from outside)
 * @flow: the connection
 *
 * Context: RCU read-side section (a netfilter hook), never sleeps.
 * Return: the endpoint, or NULL if none is eligible.
 */
struct podnet_ep *podnet_sched_pick(struct podnet_svc *svc,
				    struct podnet_eps *eps, bool local_only,
				    const struct podnet_flow *flow)
{
	const struct podnet_pool *pool = local_only ? &eps->local : &eps->cluster;
	struct podnet_net *pnet = NULL;
	struct podnet_aff_key key;
	struct podnet_ep *ep;
	u32 pos;

	if (!pool->n)
		return NULL;
	if (svc->spec.affinity) {
		pnet = podnet_net(svc->net);
		key.client = flow->saddr;
		key.svc_id = svc->id;
		ep = podnet_aff_get(pnet, &key, eps, pool);
		if (ep)
			return ep;
	}

	switch (svc->spec.sched) {
	case PODNET_SCHED_MAGLEV:
		pos = pool->maglev[podnet_flow_hash(flow) % PODNET_MAGLEV_SIZE];
		break;
	case PODNET_SCHED_RR:
		pos = podnet_pool_find(pool, (u32)atomic_inc_return(&svc->rr) %
					     pool->total);
		break;
	default:
		pos = podnet_pool_find(pool, get_random_u32_below(pool->total));
		break;
	}
	ep = &eps->ep[pool->idx[pos]];
	if (pnet)
		podnet_aff_put(svc->net, &key, ep, svc->spec.affinity);
	return ep;
}
PODNET_EXPORT_FOR_KUNIT(podnet_sched_pick);

static void podnet_aff_gc(struct work_struct *work)
{
	struct podnet_net *pnet = container_of(to_delayed_work(work),
					       struct podnet_net, aff_gc);
	struct rhashtable_iter iter;
	struct podnet_aff *a;

	rhashtable_walk_enter(&pnet->aff, &iter);
	rhashtable_walk_start(&iter);
	while ((a = rhashtable_walk_next(&iter))) {
		if (IS_ERR(a))
			continue;
		if (podnet_aff_expired(a) &&
		    !rhashtable_remove_fast(&pnet->aff, &a->node,
					    podnet_aff_params)) {
			atomic_dec(&pnet->naff);
			kfree_rcu(a, rcu);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	if (atomic_read(&pnet->naff))
		queue_delayed_work(system_power_efficient_wq, &pnet->aff_gc,
				   10 * HZ);
}

/**
 * podnet_aff_net_init() - set up a namespace's affinity table
 * @net: the namespace
 *
 * Return: 0 or a negative errno.
 */
int podnet_aff_net_init(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);
	int err;

	err = rhashtable_init(&pnet->aff, &podnet_aff_params);
	if (err)
		return err;
	INIT_DELAYED_WORK(&pnet->aff_gc, podnet_aff_gc);
	return 0;
}

static void podnet_aff_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * podnet_aff_net_exit() - tear down a namespace's affinity table
 * @net: the namespace; its hooks are gone, nothing reads the table
 */
void podnet_aff_net_exit(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);

	cancel_delayed_work_sync(&pnet->aff_gc);
	rhashtable_free_and_destroy(&pnet->aff, podnet_aff_free, NULL);
}
