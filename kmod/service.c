// SPDX-License-Identifier: GPL-2.0
/*
 * Service ports: frontends (ClusterIP, external IPs, NodePort) mapped to
 * endpoint sets. Changes are incremental: adding, deleting or changing one
 * service or endpoint touches that service only, whatever the number of
 * services in the namespace.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "kunit.h"
#include "nat.h"
#include "netlink.h"
#include "netns.h"
#include "sched.h"
#include "service.h"

unsigned int podnet_max_services = 65536;
PODNET_EXPORT_FOR_KUNIT(podnet_max_services);
module_param_named(max_services, podnet_max_services, uint, 0644);
MODULE_PARM_DESC(max_services, "service ports per network namespace");

static unsigned int podnet_max_services_userns = 1024;
module_param_named(max_services_userns, podnet_max_services_userns, uint, 0644);
MODULE_PARM_DESC(max_services_userns,
		 "service ports per network namespace of a user namespace other than the initial one");

unsigned int podnet_max_endpoints = 512;
PODNET_EXPORT_FOR_KUNIT(podnet_max_endpoints);
module_param_named(max_endpoints, podnet_max_endpoints, uint, 0644);
MODULE_PARM_DESC(max_endpoints, "endpoints per service port (at most 65535)");

static const struct rhashtable_params podnet_fe_params = {
	.key_len = sizeof(struct podnet_fe_key),
	.key_offset = offsetof(struct podnet_fe, key),
	.head_offset = offsetof(struct podnet_fe, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params podnet_vip_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct podnet_vip, addr),
	.head_offset = offsetof(struct podnet_vip, node),
	.automatic_shrinking = true,
};

static void podnet_fe_wildcard(struct podnet_fe_key *key)
{
	bool v4 = ipv6_addr_v4mapped(&key->addr);

	memset(&key->addr, 0, sizeof(key->addr));
	if (v4)
		key->addr.s6_addr16[5] = htons(0xffff);
}

/**
 * podnet_vip_known() - whether an address is a ClusterIP of the namespace
 * @net: the namespace
 * @addr: the address (IPv4 as IPv4-mapped)
 *
 * Context: RCU read-side section.
 */
bool podnet_vip_known(const struct net *net, const struct in6_addr *addr)
{
	struct podnet_net *pnet = podnet_net(net);

	return atomic_read(&pnet->vips.nelems) &&
	       rhashtable_lookup(&pnet->vips, addr, podnet_vip_params);
}

/**
 * podnet_fe_lookup() - the service a new connection is addressed to
 * @net: the namespace
 * @key: destination address, port and protocol of the connection
 * @local_dst: whether the destination is a local address of the node (only
 *	asked when a NodePort could match); NULL to match NodePorts anyway
 * @known_vip: set if nothing matched but the address is a ClusterIP
 * @kind: set to the enum podnet_fe_kind of the frontend matched (or NULL)
 *
 * Context: RCU read-side section.
 * Return: the service or NULL.
 */
struct podnet_svc *podnet_fe_lookup(struct net *net,
				    const struct podnet_fe_key *key,
				    bool (*local_dst)(struct net *net,
						      const struct in6_addr *a),
				    bool *known_vip, u8 *kind)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_fe_key wild;
	struct podnet_fe *fe;

	fe = rhashtable_lookup(&pnet->fes, key, podnet_fe_params);
	if (fe)
		goto found;
	if (READ_ONCE(pnet->nodeports)) {
		/* The hash first: most packets are to no NodePort at all. */
		wild = *key;
		podnet_fe_wildcard(&wild);
		fe = rhashtable_lookup(&pnet->fes, &wild, podnet_fe_params);
		if (fe && (!local_dst || local_dst(net, &key->addr)))
			goto found;
	}
	if (known_vip)
		*known_vip = podnet_vip_known(net, &key->addr);
	return NULL;
found:
	if (kind)
		*kind = fe->kind;
	return fe->svc;
}
PODNET_EXPORT_FOR_KUNIT(podnet_fe_lookup);

/**
 * podnet_svc_find() - a service by its ClusterIP, port and protocol
 * @net: the namespace
 * @key: the ClusterIP frontend
 *
 * Context: svc_lock held.
 * Return: the service or NULL.
 */
struct podnet_svc *podnet_svc_find(struct net *net,
				   const struct podnet_fe_key *key)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_fe *fe;

	lockdep_assert_held(&pnet->svc_lock);
	fe = rhashtable_lookup_fast(&pnet->fes, key, podnet_fe_params);
	return fe && fe->kind == PODNET_FE_CLUSTERIP ? fe->svc : NULL;
}
PODNET_EXPORT_FOR_KUNIT(podnet_svc_find);

static int podnet_vip_get(struct podnet_net *pnet, const struct in6_addr *addr)
{
	struct podnet_vip *vip;
	int err;

	vip = rhashtable_lookup_fast(&pnet->vips, addr, podnet_vip_params);
	if (vip) {
		vip->users++;
		return 0;
	}
	vip = kzalloc(sizeof(*vip), PODNET_GFP_CFG);
	if (!vip)
		return -ENOMEM;
	vip->addr = *addr;
	vip->users = 1;
	err = rhashtable_insert_fast(&pnet->vips, &vip->node, podnet_vip_params);
	if (err)
		kfree(vip);
	return err;
}

static void podnet_vip_put(struct podnet_net *pnet, const struct in6_addr *addr)
{
	struct podnet_vip *vip;

	vip = rhashtable_lookup_fast(&pnet->vips, addr, podnet_vip_params);
	if (WARN_ON_ONCE(!vip) || --vip->users)
		return;
	rhashtable_remove_fast(&pnet->vips, &vip->node, podnet_vip_params);
	kfree_rcu(vip, rcu);
}

/* Past a grace period after its unhashing, or never published. */
static void podnet_svc_free(struct podnet_svc *svc)
{
	unsigned int i;

	for (i = 0; i < svc->nfes; i++)
		kfree(svc->fes[i]);
	if (svc->more)
		kfree(svc->more->name);
	kfree(svc->more);
	podnet_eps_free(rcu_dereference_protected(svc->eps, 1));
	if (!svc->stats_moved)
		free_percpu(svc->stats);
	kfree(svc);
}

static void podnet_svc_free_rcu(struct rcu_head *head)
{
	podnet_svc_free(container_of(head, struct podnet_svc, rcu));
}

/* The frontends stay with the service until it is freed. */
static void podnet_svc_unhash_fes(struct podnet_net *pnet,
				  struct podnet_svc *svc)
{
	unsigned int i;

	for (i = 0; i < svc->nfes; i++)
		rhashtable_remove_fast(&pnet->fes, &svc->fes[i]->node,
				       podnet_fe_params);
}

/* A frontend of @kind is taken by another service: say which. */
static void podnet_fe_taken(struct netlink_ext_ack *extack, u8 kind,
			    const struct nlattr *nla)
{
	if (kind == PODNET_FE_CLUSTERIP)
		NL_SET_ERR_MSG_MOD(extack, "service already exists");
	else if (kind == PODNET_FE_NODEPORT)
		NL_SET_ERR_MSG_MOD(extack,
				   "NodePort already in use for this protocol");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "external address already in use with this port and protocol");
	if (nla)
		NL_SET_BAD_ATTR(extack, nla);
}

/* Order of endpoints by address, then port. */
static int podnet_ep_cmp(const struct podnet_ep_spec *x,
			 const struct podnet_ep_spec *y)
{
	int c = memcmp(&x->addr, &y->addr, sizeof(x->addr));

	return c ?: (int)ntohs(x->port) - (int)ntohs(y->port);
}

/* ... and of their positions in @priv: by endpoint, then position. */
static int podnet_ep_index_cmp(const void *a, const void *b, const void *priv)
{
	u32 i = *(const u32 *)a, j = *(const u32 *)b;

	return podnet_ep_cmp((const struct podnet_ep_spec *)priv + i,
			     (const struct podnet_ep_spec *)priv + j) ?:
	       (i > j) - (i < j);
}

/**
 * podnet_ep_index_init() - sort a list of endpoints for lookups
 * @ix: the index
 * @specs: the list; it must stay as it is while @ix is used
 * @n: its length
 *
 * Endpoint sets are up to max_endpoints (65535) long: comparing two of
 * them, or one with itself, takes n log n steps this way, not n * n.
 *
 * Return: 0, or -ENOMEM. podnet_ep_index_free() it.
 */
int podnet_ep_index_init(struct podnet_ep_index *ix,
			 const struct podnet_ep_spec *specs, unsigned int n)
{
	unsigned int i;

	ix->specs = specs;
	ix->n = n;
	ix->pos = kvmalloc_array(n ?: 1, sizeof(*ix->pos), GFP_KERNEL);
	if (!ix->pos)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ix->pos[i] = i;
	sort_r(ix->pos, n, sizeof(*ix->pos), podnet_ep_index_cmp, NULL, specs);
	return 0;
}
PODNET_EXPORT_FOR_KUNIT(podnet_ep_index_init);

/**
 * podnet_ep_index_free() - free what podnet_ep_index_init() allocated
 * @ix: the index
 */
void podnet_ep_index_free(struct podnet_ep_index *ix)
{
	kvfree(ix->pos);
	ix->pos = NULL;
}
PODNET_EXPORT_FOR_KUNIT(podnet_ep_index_free);

/**
 * podnet_ep_index_find() - where an endpoint is in an indexed list
 * @ix: the index
 * @ep: the endpoint (address and port; weight and flags are not compared)
 *
 * Return: its first position in the list, or -1.
 */
int podnet_ep_index_find(const struct podnet_ep_index *ix,
			 const struct podnet_ep_spec *ep)
{
	unsigned int lo = 0, hi = ix->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (podnet_ep_cmp(&ix->specs[ix->pos[mid]], ep) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && !podnet_ep_cmp(&ix->specs[ix->pos[lo]], ep))
		return ix->pos[lo];
	return -1;
}
PODNET_EXPORT_FOR_KUNIT(podnet_ep_index_find);

/**
 * podnet_ep_index_dup() - the first endpoint an indexed list repeats
 * @ix: the index
 *
 * Return: the position of the first entry in the list that repeats an
 * earlier one, or -1 if none does.
 */
int podnet_ep_index_dup(const struct podnet_ep_index *ix)
{
	int dup = -1;
	unsigned int i;

	for (i = 1; i < ix->n; i++)
		if (!podnet_ep_cmp(&ix->specs[ix->pos[i - 1]],
				   &ix->specs[ix->pos[i]]) &&
		    (dup < 0 || ix->pos[i] < dup))
			dup = ix->pos[i];
	return dup;
}
PODNET_EXPORT_FOR_KUNIT(podnet_ep_index_dup);

/**
 * podnet_ep_find() - where an endpoint is in a list of endpoints
 * @specs: the list
 * @n: its length
 * @ep: the endpoint (address and port; weight and flags are not compared)
 *
 * Return: its index in @specs, or -1.
 */
int podnet_ep_find(const struct podnet_ep_spec *specs, unsigned int n,
		   const struct podnet_ep_spec *ep)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!podnet_ep_cmp(&specs[i], ep))
			return i;
	return -1;
}

/* An endpoint set: at most max_endpoints. */
static int podnet_eps_check(unsigned int n, struct netlink_ext_ack *extack)
{
	if (n > podnet_max_eps()) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many endpoints (module parameter max_endpoints)");
		return -ENOSPC;
	}
	return 0;
}

/* The frontend of @svc (NULL: none) with @key, or NULL. */
static struct podnet_fe *podnet_svc_fe(const struct podnet_svc *svc,
				       const struct podnet_fe_key *key)
{
	unsigned int i;

	for (i = 0; svc && i < svc->nfes; i++)
		if (!memcmp(&svc->fes[i]->key, key, sizeof(*key)))
			return svc->fes[i];
	return NULL;
}

/*
 * The frontends of a service with @spec and @ext, in podnet_svc.fes order
 * (ClusterIP, external and LoadBalancer addresses, NodePort), allocated
 * into @svc->fes, not hashed; the attribute that gave each in @nla. Also
 * its name and source ranges.
 */
static int podnet_svc_new_fes(struct podnet_svc *svc,
			      const struct podnet_svc_spec *spec,
			      const struct podnet_svc_ext *ext,
			      const struct nlattr **nla)
{
	unsigned int i, next = ext ? ext->n : 0, nlb = ext ? ext->nlb : 0;
	struct podnet_fe *fe;

	if (ext && (ext->name || ext->nranges)) {
		svc->more = kzalloc(struct_size(svc->more, ranges, ext->nranges),
				    PODNET_GFP_CFG);
		if (!svc->more)
			return -ENOMEM;
		if (ext->nranges)
			memcpy(svc->more->ranges, ext->ranges,
			       ext->nranges * sizeof(*ext->ranges));
		svc->more->nranges = ext->nranges;
		if (ext->name) {
			svc->more->name = kstrdup(ext->name, PODNET_GFP_CFG);
			if (!svc->more->name)
				return -ENOMEM;
		}
	}
	for (i = 0; i < 1 + next + !!spec->nodeport; i++) {
		fe = kzalloc(sizeof(*fe), PODNET_GFP_CFG);
		if (!fe)
			return -ENOMEM;
		fe->key = spec->key;
		fe->svc = svc;
		if (!i) {
			fe->kind = PODNET_FE_CLUSTERIP;
			nla[i] = ext ? ext->svc_nla : NULL;
		} else if (i <= next) {
			fe->kind = i > next - nlb ? PODNET_FE_LB :
						    PODNET_FE_EXTERNAL;
			fe->key.addr = ext->addr[i - 1];
			nla[i] = ext->nla[i - 1];
		} else {
			fe->kind = PODNET_FE_NODEPORT;
			fe->key.port = spec->nodeport;
			podnet_fe_wildcard(&fe->key);
			nla[i] = ext ? ext->nodeport_nla : NULL;
		}
		svc->fes[svc->nfes++] = fe;
	}
	return 0;
}

/*
 * Hash the frontends of @svc that @old, the service it takes the place of
 * (NULL: none), does not have. One that another service has fails with
 * -EEXIST, naming the attribute that gave it (@nla, in podnet_svc.fes
 * order). On failure those hashed are taken out again; they may have been
 * seen, so @svc is freed after a grace period.
 */
static int podnet_svc_hash_fes(struct podnet_net *pnet, struct podnet_svc *svc,
			       const struct podnet_svc *old,
			       const struct nlattr *const *nla,
			       struct netlink_ext_ack *extack)
{
	unsigned int i, j;
	int err;

	for (i = 0; i < svc->nfes; i++) {
		if (podnet_svc_fe(old, &svc->fes[i]->key))
			continue;
		err = rhashtable_lookup_insert_fast(&pnet->fes,
						    &svc->fes[i]->node,
						    podnet_fe_params);
		if (err)
			goto undo;
	}
	return 0;

undo:
	if (err == -EEXIST)
		podnet_fe_taken(extack, svc->fes[i]->kind, nla[i]);
	for (j = 0; j < i; j++)
		if (!podnet_svc_fe(old, &svc->fes[j]->key))
			rhashtable_remove_fast(&pnet->fes, &svc->fes[j]->node,
					       podnet_fe_params);
	return err;
}

/**
 * podnet_svc_add() - add a service port
 * @net: the namespace
 * @spec: the service
 * @ext: its external addresses, none twice nor the ClusterIP (may be NULL)
 * @specs: its first endpoints, none twice (may be NULL if @n is 0)
 * @n: how many
 * @extack: error reporting
 *
 * Either the service is added with all its frontends and endpoints, or
 * nothing changes: a new service has its endpoints from its first packet.
 *
 * Context: svc_lock held.
 * Return: 0, -EEXIST, -ENOSPC (max_services, max_services_userns,
 * max_endpoints), -ENOMEM.
 */
int podnet_svc_add(struct net *net, const struct podnet_svc_spec *spec,
		   const struct podnet_svc_ext *ext,
		   const struct podnet_ep_spec *specs, unsigned int n,
		   struct netlink_ext_ack *extack)
{
	const struct nlattr *nla[PODNET_SVC_MAX_FES];
	unsigned int next = ext ? ext->n : 0;
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_svc *svc;
	struct podnet_eps *eps;
	int err;

	lockdep_assert_held(&pnet->svc_lock);
	if (pnet->nsvcs >= podnet_max_services) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many services (module parameter max_services)");
		return -ENOSPC;
	}
	if (pnet->nsvcs >= podnet_limit(net, UINT_MAX,
					podnet_max_services_userns)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many services for a namespace of a user namespace (module parameter max_services_userns)");
		return -ENOSPC;
	}
	err = podnet_eps_check(n, extack);
	if (err)
		return err;
	svc = kzalloc(struct_size(svc, fes, 1 + next + !!spec->nodeport),
		      PODNET_GFP_CFG);
	if (!svc)
		return -ENOMEM;
	err = -ENOMEM;
	svc->stats = __netdev_alloc_pcpu_stats(struct podnet_svc_stats,
					       PODNET_GFP_CFG);
	eps = podnet_eps_build(specs, n, spec->sched, NULL);
	RCU_INIT_POINTER(svc->eps, eps);
	if (!svc->stats || !eps)
		goto err_free;
	svc->spec = *spec;
	svc->net = net;
	svc->id = pnet->next_svc_id++;

	err = podnet_svc_new_fes(svc, spec, ext, nla);
	if (err)
		goto err_free;
	err = podnet_svc_hash_fes(pnet, svc, NULL, nla, extack);
	if (err) {
		call_rcu(&svc->rcu, podnet_svc_free_rcu);
		return err;
	}
	err = podnet_vip_get(pnet, &spec->key.addr);
	if (err)
		goto err_unlink;
	if (!pnet->nat_on) {
		err = podnet_nat_enable(net);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot register the netfilter NAT hooks");
			goto err_vip;
		}
		pnet->nat_on = true;
	}

	list_add_tail(&svc->node, &pnet->svcs);
	pnet->nsvcs++;
	pnet->svc_gen++;
	if (spec->nodeport)
		WRITE_ONCE(pnet->nodeports, pnet->nodeports + 1);
	podnet_nl_notify_svc(svc, PODNET_CMD_SERVICE_ADD);
	if (spec->key.proto == IPPROTO_UDP && n)
		podnet_nat_flush_udp(svc, NULL, 0);
	return 0;

err_vip:
	podnet_vip_put(pnet, &spec->key.addr);
err_unlink:
	podnet_svc_unhash_fes(pnet, svc);
	/* The frontends may have been seen: free after a grace period. */
	call_rcu(&svc->rcu, podnet_svc_free_rcu);
	return err;
err_free:
	/* Never seen: its frontends, endpoints and counters go at once. */
	podnet_svc_free(svc);
	return err;
}
PODNET_EXPORT_FOR_KUNIT(podnet_svc_add);

/*
 * Unlink a service; with @flush, also delete the conntrack entries of its
 * UDP flows, which would otherwise keep going to its endpoints until they
 * time out (not for a dying namespace: its table goes with it).
 */
static void podnet_svc_remove(struct podnet_net *pnet, struct podnet_svc *svc,
			      bool flush)
{
	podnet_svc_unhash_fes(pnet, svc);
	podnet_vip_put(pnet, &svc->spec.key.addr);
	list_del(&svc->node);
	pnet->nsvcs--;
	pnet->svc_gen++;
	if (svc->spec.nodeport)
		WRITE_ONCE(pnet->nodeports, pnet->nodeports - 1);
	if (flush && svc->spec.key.proto == IPPROTO_UDP &&
	    podnet_svc_eps(svc)->n) {
		/*
		 * Once every hook that could have found a frontend is done,
		 * no new entry can appear behind the flush; the frontends it
		 * matches on are freed with the service.
		 */
		synchronize_rcu_expedited();
		podnet_nat_flush_udp_fes(svc->net, svc->fes, svc->nfes, true);
	}
	call_rcu(&svc->rcu, podnet_svc_free_rcu);
}

/**
 * podnet_svc_del() - delete a service port
 * @net: the namespace
 * @svc: the service, found under svc_lock
 *
 * Context: svc_lock held.
 * Return: 0.
 */
int podnet_svc_del(struct net *net, struct podnet_svc *svc)
{
	struct podnet_net *pnet = podnet_net(net);

	lockdep_assert_held(&pnet->svc_lock);
	podnet_nl_notify_svc(svc, PODNET_CMD_SERVICE_DEL);
	podnet_svc_remove(pnet, svc, true);
	if (!pnet->nsvcs && pnet->nat_on) {
		podnet_nat_disable(net);
		pnet->nat_on = false;
	}
	return 0;
}
PODNET_EXPORT_FOR_KUNIT(podnet_svc_del);

/*
 * Publish a new endpoint set built from @specs and flush the UDP conntrack
 * entries of endpoints it no longer has.
 */
static int podnet_eps_replace(struct podnet_svc *svc,
			      const struct podnet_ep_spec *specs,
			      unsigned int n, u8 cmd,
			      struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = podnet_net(svc->net);
	struct podnet_eps *old, *eps;
	struct podnet_ep_spec *gone = NULL;
	struct podnet_ep_index ix;
	unsigned int i, ngone = 0;
	int err;

	lockdep_assert_held(&pnet->svc_lock);
	err = podnet_eps_check(n, extack);
	if (err)
		return err;
	old = podnet_svc_eps(svc);
	eps = podnet_eps_build(specs, n, svc->spec.sched, old);
	if (!eps)
		return -ENOMEM;
	if (svc->spec.key.proto == IPPROTO_UDP && old->n) {
		gone = kvcalloc(old->n, sizeof(*gone), GFP_KERNEL);
		if (!gone || podnet_ep_index_init(&ix, specs, n)) {
			kvfree(gone);
			podnet_eps_free(eps);
			return -ENOMEM;
		}
		for (i = 0; i < old->n; i++) {
			struct podnet_ep_spec e = {
				.addr = old->ep[i].addr,
				.port = old->ep[i].port,
			};

			if (podnet_ep_index_find(&ix, &e) < 0)
				gone[ngone++] = e;
		}
		podnet_ep_index_free(&ix);
	}
	rcu_assign_pointer(svc->eps, eps);
	pnet->svc_gen++;
	podnet_nl_notify_svc(svc, cmd);
	if (svc->spec.key.proto == IPPROTO_UDP && !old->n && n)
		podnet_nat_flush_udp(svc, NULL, 0);
	if (ngone) {
		/*
		 * Once every hook that could have picked from the old set is
		 * done, no new entry to a removed endpoint can appear behind
		 * the flush.
		 */
		synchronize_rcu_expedited();
		podnet_nat_flush_udp(svc, gone, ngone);
		podnet_eps_free(old);
	} else {
		podnet_eps_free_rcu(old);
	}
	kvfree(gone);
	return 0;
}

static struct podnet_ep_spec *podnet_eps_specs(const struct podnet_eps *eps,
					       unsigned int extra)
{
	struct podnet_ep_spec *specs;
	unsigned int i;

	specs = kvcalloc(eps->n + extra, sizeof(*specs), GFP_KERNEL);
	if (!specs)
		return NULL;
	for (i = 0; i < eps->n; i++) {
		specs[i].addr = eps->ep[i].addr;
		specs[i].port = eps->ep[i].port;
		specs[i].weight = eps->ep[i].weight;
		specs[i].flags = eps->ep[i].flags;
	}
	return specs;
}

/**
 * podnet_ep_add() - add an endpoint, or update its weight and flags
 * @svc: the service
 * @ep: the endpoint
 * @extack: error reporting
 *
 * Context: svc_lock held.
 * Return: 0 or a negative errno.
 */
int podnet_ep_add(struct podnet_svc *svc, const struct podnet_ep_spec *ep,
		  struct netlink_ext_ack *extack)
{
	const struct podnet_eps *eps = podnet_svc_eps(svc);
	struct podnet_ep_spec *specs;
	unsigned int n = eps->n;
	int i, err;

	specs = podnet_eps_specs(eps, 1);
	if (!specs)
		return -ENOMEM;
	i = podnet_ep_find(specs, n, ep);
	if (i < 0)
		i = n++;
	specs[i] = *ep;
	err = podnet_eps_replace(svc, specs, n, PODNET_CMD_ENDPOINT_ADD, extack);
	kvfree(specs);
	return err;
}

/**
 * podnet_ep_del() - remove an endpoint
 * @svc: the service
 * @ep: the endpoint (address and port)
 * @extack: error reporting
 *
 * Context: svc_lock held.
 * Return: 0, -ENOENT if the service has no such endpoint, -ENOMEM.
 */
int podnet_ep_del(struct podnet_svc *svc, const struct podnet_ep_spec *ep,
		  struct netlink_ext_ack *extack)
{
	const struct podnet_eps *eps = podnet_svc_eps(svc);
	struct podnet_ep_spec *specs;
	int i, err;

	specs = podnet_eps_specs(eps, 0);
	if (!specs)
		return -ENOMEM;
	i = podnet_ep_find(specs, eps->n, ep);
	if (i < 0) {
		kvfree(specs);
		NL_SET_ERR_MSG_MOD(extack, "service has no such endpoint");
		return -ENOENT;
	}
	specs[i] = specs[eps->n - 1];
	err = podnet_eps_replace(svc, specs, eps->n - 1,
				 PODNET_CMD_ENDPOINT_DEL, extack);
	kvfree(specs);
	return err;
}

/**
 * podnet_ep_set() - replace a service's endpoint set
 * @svc: the service
 * @eps: the new endpoints, none twice
 * @n: how many
 * @extack: error reporting
 *
 * Context: svc_lock held.
 * Return: 0 or a negative errno.
 */
int podnet_ep_set(struct podnet_svc *svc, const struct podnet_ep_spec *eps,
		  unsigned int n, struct netlink_ext_ack *extack)
{
	return podnet_eps_replace(svc, eps, n, PODNET_CMD_ENDPOINT_SET, extack);
}

/**
 * podnet_svc_change() - change a service port's settings in place
 * @net: the namespace
 * @old: the service, found under svc_lock
 * @spec: its new settings, with the same key
 * @ext: its new external addresses, and the attributes to blame (or NULL)
 * @extack: error reporting
 *
 * A new service object takes the old one's place: each frontend the two
 * share is swapped with one rhashtable replacement, so that a packet finds
 * the old settings or the new, never a mix. It takes over the counters,
 * the endpoints (rebuilt for the new scheduler, their connection counts
 * kept), the round-robin position and the id (affinity entries stay
 * valid). Connections already translated are untouched. A frontend it no
 * longer has translates no new connection, and its UDP entries are
 * flushed; a new one is taken only if no other service has it. Either all
 * of this happens or nothing changes.
 *
 * Context: svc_lock held.
 * Return: 0, -EEXIST (a new frontend is taken), -ENOMEM.
 */
int podnet_svc_change(struct net *net, struct podnet_svc *old,
		      const struct podnet_svc_spec *spec,
		      const struct podnet_svc_ext *ext,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *nla[PODNET_SVC_MAX_FES];
	struct podnet_fe *gone[PODNET_SVC_MAX_FES];
	struct podnet_fe *added[PODNET_SVC_MAX_FES];
	unsigned int next = ext ? ext->n : 0, i, ngone = 0, nadded = 0;
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_eps *oeps = podnet_svc_eps(old), *eps;
	struct podnet_ep_spec *specs;
	struct podnet_svc *svc;
	struct podnet_fe *ofe;
	int err;

	lockdep_assert_held(&pnet->svc_lock);
	svc = kzalloc(struct_size(svc, fes, 1 + next + !!spec->nodeport),
		      PODNET_GFP_CFG);
	if (!svc)
		return -ENOMEM;
	specs = podnet_eps_specs(oeps, 0);
	eps = specs ? podnet_eps_build(specs, oeps->n, spec->sched, oeps) : NULL;
	kvfree(specs);
	if (!eps) {
		kfree(svc);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(svc->eps, eps);
	svc->spec = *spec;
	svc->net = net;
	svc->id = old->id;
	atomic_set(&svc->rr, atomic_read(&old->rr));
	/* Borrowed until the swap: a reader may count through either. */
	svc->stats = old->stats;
	svc->stats_moved = true;
	err = podnet_svc_new_fes(svc, spec, ext, nla);
	if (err) {
		podnet_svc_free(svc);
		return err;
	}

	/* New frontends first: the only step that can fail. */
	err = podnet_svc_hash_fes(pnet, svc, old, nla, extack);
	if (err) {
		/* Not the counters: they are still the old service's. */
		call_rcu(&svc->rcu, podnet_svc_free_rcu);
		return err;
	}
	for (i = 0; i < svc->nfes; i++) {
		ofe = podnet_svc_fe(old, &svc->fes[i]->key);
		/* The old one is hashed, and svc_lock held: cannot fail. */
		if (ofe)
			WARN_ON(rhashtable_replace_fast(&pnet->fes, &ofe->node,
							&svc->fes[i]->node,
							podnet_fe_params));
		else
			added[nadded++] = svc->fes[i];
	}
	for (i = 0; i < old->nfes; i++) {
		if (podnet_svc_fe(svc, &old->fes[i]->key))
			continue;
		rhashtable_remove_fast(&pnet->fes, &old->fes[i]->node,
				       podnet_fe_params);
		gone[ngone++] = old->fes[i];
	}

	list_replace(&old->node, &svc->node);
	pnet->svc_gen++;
	WRITE_ONCE(pnet->nodeports, pnet->nodeports - !!old->spec.nodeport +
		   !!spec->nodeport);
	svc->stats_moved = false;
	old->stats_moved = true;
	podnet_nl_notify_svc(svc, PODNET_CMD_SERVICE_SET);
	if (spec->key.proto == IPPROTO_UDP && eps->n) {
		/* As for a new service: flows that bypassed a new frontend. */
		podnet_nat_flush_udp_fes(net, added, nadded, false);
		if (ngone) {
			/* No new entry to a gone frontend behind the flush. */
			synchronize_rcu_expedited();
			podnet_nat_flush_udp_fes(net, gone, ngone, true);
		}
	}
	call_rcu(&old->rcu, podnet_svc_free_rcu);
	return 0;
}
PODNET_EXPORT_FOR_KUNIT(podnet_svc_change);

/**
 * podnet_svc_read_stats() - sum a service's per-CPU counters
 * @svc: the service
 * @out: sums, indexed by enum podnet_svc_counter
 */
void podnet_svc_read_stats(const struct podnet_svc *svc,
			   u64 out[PODNET_SC_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * PODNET_SC_MAX);
	for_each_possible_cpu(cpu) {
		const struct podnet_svc_stats *s = per_cpu_ptr(svc->stats, cpu);
		u64 v[PODNET_SC_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PODNET_SC_MAX; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < PODNET_SC_MAX; i++)
			out[i] += v[i];
	}
}

/**
 * podnet_svc_net_init() - set up a namespace's service tables
 * @net: the namespace
 *
 * Return: 0 or a negative errno.
 */
int podnet_svc_net_init(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);
	int err;

	mutex_init(&pnet->svc_lock);
	INIT_LIST_HEAD(&pnet->svcs);
	err = rhashtable_init(&pnet->fes, &podnet_fe_params);
	if (err)
		return err;
	err = rhashtable_init(&pnet->vips, &podnet_vip_params);
	if (err)
		goto err_fes;
	err = podnet_aff_net_init(net);
	if (err)
		goto err_vips;
	return 0;

err_vips:
	rhashtable_destroy(&pnet->vips);
err_fes:
	rhashtable_destroy(&pnet->fes);
	return err;
}

/**
 * podnet_svc_net_unhook() - take a dying namespace's NAT hooks off
 * @net: the namespace
 *
 * A packet already in them goes on under RCU: the caller waits for a grace
 * period before podnet_svc_net_exit() frees what they read.
 */
void podnet_svc_net_unhook(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);

	mutex_lock(&pnet->svc_lock);
	if (pnet->nat_on) {
		podnet_nat_disable(net);
		pnet->nat_on = false;
	}
	mutex_unlock(&pnet->svc_lock);
}

/**
 * podnet_svc_net_exit() - delete a dying namespace's services
 * @net: the namespace, its hooks off a grace period ago
 *	(podnet_svc_net_unhook())
 */
void podnet_svc_net_exit(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_svc *svc, *tmp;

	mutex_lock(&pnet->svc_lock);
	list_for_each_entry_safe(svc, tmp, &pnet->svcs, node)
		podnet_svc_remove(pnet, svc, false);
	mutex_unlock(&pnet->svc_lock);
	podnet_aff_net_exit(net);
	podnet_cfg_net_exit(net);
	rhashtable_destroy(&pnet->vips);
	rhashtable_destroy(&pnet->fes);
}
