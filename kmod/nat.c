// SPDX-License-Identifier: GPL-2.0
/*
 * The Service datapath on the kernel's conntrack NAT engine.
 *
 * Hooks are registered in a namespace when its first service is added:
 *  - DNAT (PRE_ROUTING for pod and external traffic, LOCAL_OUT for the
 *    node's own): on the first packet of a connection to a frontend, pick an
 *    endpoint and nf_nat_setup_info() to it; conntrack translates the rest
 *    of the connection, its replies and related ICMP errors. A frontend
 *    without any endpoint rejects (TCP RST, ICMP port unreachable); one
 *    whose endpoints are all on other nodes where its policy asks for local
 *    ones drops. So do a ClusterIP's unknown ports (reject), addresses of
 *    the service CIDRs that are no ClusterIP (drop), and LoadBalancer
 *    addresses for sources outside the service's source ranges (drop).
 *  - masquerade (POST_ROUTING): hairpin connections (a pod reaching itself
 *    through its service), external traffic under policy cluster, the
 *    node's own external traffic under policy local, ClusterIP traffic
 *    from outside the cluster CIDRs (when the namespace has some of its
 *    family), and all ClusterIP traffic of a service with the masquerade
 *    flag.
 *
 * Which traffic is which, and what each policy does, is kube-proxy's
 * nftables mode (pkg/proxy/nftables/proxier.go, syncProxyRules()): see
 * "How a new connection to a service port is translated" in
 * uapi/linux/podnet.h.
 *  - accounting (PRE_ROUTING and LOCAL_OUT, after NAT): packets and bytes of
 *    translated connections, in both directions.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>
#include <net/route.h>

#include "nat.h"
#include "netns.h"
#include "sched.h"
#include "service.h"

static bool podnet_proto_ok(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

/*
 * The frontend key of a tuple's destination; false for an IPv6 tuple to an
 * IPv4-mapped address, which keys IPv4 frontends: no service has it.
 */
static bool podnet_tuple_key(const struct nf_conntrack_tuple *t, u8 pf,
			     struct podnet_fe_key *key)
{
	memset(key, 0, sizeof(*key));
	if (pf == NFPROTO_IPV4) {
		ipv6_addr_set_v4mapped(t->dst.u3.ip, &key->addr);
	} else {
		if (ipv6_addr_v4mapped(&t->dst.u3.in6))
			return false;
		key->addr = t->dst.u3.in6;
	}
	key->port = t->dst.u.all;
	key->proto = t->dst.protonum;
	return true;
}

/*
 * NodePorts answer on the node's own addresses, never on loopback, and
 * only on those in the namespace's NodePort CIDRs if it has some.
 */
static bool podnet_local_dst(struct net *net, const struct in6_addr *a)
{
	if (!podnet_cfg_match(net, PODNET_CFG_NODEPORT, a, true))
		return false;
	if (ipv6_addr_v4mapped(a))
		return !ipv4_is_loopback(a->s6_addr32[3]) &&
		       inet_addr_type(net, a->s6_addr32[3]) == RTN_LOCAL;
	return !ipv6_addr_loopback(a) && ipv6_chk_addr(net, a, NULL, 0);
}

static struct podnet_svc *podnet_ct_svc(struct net *net, const struct nf_conn *ct,
					u8 pf, bool *known_vip, u8 *kind)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct podnet_fe_key key;

	if (!podnet_tuple_key(t, pf, &key))
		return NULL;
	if (!podnet_proto_ok(t->dst.protonum)) {
		/* No service port, but a ClusterIP still says no. */
		if (known_vip)
			*known_vip = podnet_vip_known(net, &key.addr);
		return NULL;
	}
	return podnet_fe_lookup(net, &key, podnet_local_dst, known_vip, kind);
}

/* An address as a frontend key has it: IPv4 as IPv4-mapped. */
static void podnet_ct_addr(const union nf_inet_addr *a, u8 pf,
			   struct in6_addr *out)
{
	if (pf == NFPROTO_IPV4)
		ipv6_addr_set_v4mapped(a->ip, out);
	else
		*out = a->in6;
}

/*
 * Whether new connections of a service from @saddr go to its local
 * endpoints only: the ClusterIP's under internal policy local; external
 * traffic's under policy local, but for traffic from the cluster's pods
 * (the cluster CIDRs) or from the node itself, which kube-proxy
 * "short-circuits" to every endpoint.
 */
static bool podnet_local_only(struct net *net, const struct podnet_svc *svc,
			      u8 kind, const struct in6_addr *saddr,
			      bool from_node)
{
	if (kind == PODNET_FE_CLUSTERIP)
		return svc->spec.ipolicy == PODNET_POLICY_LOCAL;
	return svc->spec.policy == PODNET_POLICY_LOCAL && !from_node &&
	       !podnet_cfg_match(net, PODNET_CFG_CLUSTER, saddr, false);
}

static void podnet_reject(struct sk_buff *skb, const struct nf_hook_state *state,
			  u8 proto)
{
	if (state->pf == NFPROTO_IPV4) {
		if (proto == IPPROTO_TCP)
			nf_send_reset(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	} else {
		if (proto == IPPROTO_TCP)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
	}
}

static unsigned int podnet_nat_dst(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *t;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range = {};
	bool known_vip = false, local_only;
	struct podnet_flow flow;
	struct podnet_svc *svc;
	struct podnet_eps *eps;
	struct podnet_ep *ep;
	struct in6_addr daddr;
	struct nf_conn *ct;
	unsigned int verdict;
	u8 kind;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	svc = podnet_ct_svc(state->net, ct, state->pf, &known_vip, &kind);
	if (!svc) {
		/* A ClusterIP without this port: fail fast, as kube-proxy. */
		if (known_vip) {
			podnet_reject(skb, state, t->dst.protonum);
			return NF_DROP;
		}
		/* An unallocated address of the service CIDRs. */
		podnet_ct_addr(&t->dst.u3, state->pf, &daddr);
		if (podnet_cfg_match(state->net, PODNET_CFG_SERVICE, &daddr,
				     false))
			return NF_DROP;
		return NF_ACCEPT;
	}

	podnet_ct_addr(&t->src.u3, state->pf, &flow.saddr);
	flow.sport = t->src.u.all;
	flow.proto = t->dst.protonum;
	if (kind == PODNET_FE_LB && svc->more && svc->more->nranges &&
	    !podnet_prefix_match(svc->more->ranges, svc->more->nranges,
				 &flow.saddr)) {
		podnet_svc_count(svc, PODNET_SC_REJECTED, 1);
		return NF_DROP;
	}
	local_only = podnet_local_only(state->net, svc, kind, &flow.saddr,
				       state->hook == NF_INET_LOCAL_OUT);

	eps = rcu_dereference(svc->eps);
	ep = podnet_sched_pick(svc, eps, local_only, &flow);
	if (!ep) {
		podnet_svc_count(svc, PODNET_SC_REJECTED, 1);
		/* No endpoint at all: reject; none local: drop. */
		if (!eps->cluster.n)
			podnet_reject(skb, state, t->dst.protonum);
		return NF_DROP;
	}

	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	if (state->pf == NFPROTO_IPV4)
		range.min_addr.ip = ep->addr.s6_addr32[3];
	else
		range.min_addr.in6 = ep->addr;
	range.max_addr = range.min_addr;
	range.min_proto.all = ep->port;
	range.max_proto.all = ep->port;
	verdict = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
	if (verdict == NF_ACCEPT) {
		podnet_svc_count(svc, PODNET_SC_CONNS, 1);
		atomic64_inc(&ep->conns);
	}
	return verdict;
}

static unsigned int podnet_nat_masq(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *orig, *reply;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range = {};
	struct podnet_svc *svc;
	struct in6_addr saddr;
	struct nf_conn *ct;
	bool masq;
	u8 kind;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	svc = podnet_ct_svc(state->net, ct, state->pf, NULL, &kind);
	if (!svc)
		return NF_ACCEPT;

	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	podnet_ct_addr(&orig->src.u3, state->pf, &saddr);
	if (nf_inet_addr_cmp(&orig->src.u3, &reply->src.u3))
		masq = true;	/* hairpin */
	else if (kind == PODNET_FE_CLUSTERIP)	/* masquerade-all, off-cluster */
		masq = svc->spec.flags & PODNET_SVC_F_MASQUERADE ||
		       !podnet_cfg_match(state->net, PODNET_CFG_CLUSTER,
					 &saddr, true);
	else if (svc->spec.policy == PODNET_POLICY_CLUSTER)
		masq = true;
	else	/* the node's own, short-circuited to every endpoint */
		masq = !skb->skb_iif;
	if (!masq)
		return NF_ACCEPT;
	/* kube-proxy's "masquerade fully-random": a random source port. */
	range.flags = NF_NAT_RANGE_PROTO_RANDOM_FULLY;
	if (state->pf == NFPROTO_IPV4)
		return nf_nat_masquerade_ipv4(skb, state->hook, &range,
					      state->out);
	return nf_nat_masquerade_ipv6(skb, &range, state->out);
}

static unsigned int podnet_nat_count(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct podnet_svc *svc;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !(ct->status & IPS_DST_NAT))
		return NF_ACCEPT;
	svc = podnet_ct_svc(state->net, ct, state->pf, NULL, NULL);
	if (svc) {
		struct podnet_svc_stats *s = this_cpu_ptr(svc->stats);

		u64_stats_update_begin(&s->syncp);
		u64_stats_inc(&s->c[PODNET_SC_PACKETS]);
		u64_stats_add(&s->c[PODNET_SC_BYTES], skb->len);
		u64_stats_update_end(&s->syncp);
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops podnet_nat4_ops[] = {
	{
		.hook = podnet_nat_dst,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST,
	},
	{
		.hook = podnet_nat_dst,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST,
	},
	{
		.hook = podnet_nat_masq,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC,
	},
};

static const struct nf_hook_ops podnet_nat6_ops[] = {
	{
		.hook = podnet_nat_dst,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST,
	},
	{
		.hook = podnet_nat_dst,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST,
	},
	{
		.hook = podnet_nat_masq,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_NAT_SRC,
	},
};

static const struct nf_hook_ops podnet_count_ops[] = {
	{
		.hook = podnet_nat_count,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST + 1,
	},
	{
		.hook = podnet_nat_count,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST + 1,
	},
	{
		.hook = podnet_nat_count,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
	{
		.hook = podnet_nat_count,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
};

static void podnet_nat_unregister(struct net *net, unsigned int n4,
				  unsigned int n6)
{
	while (n6)
		nf_nat_ipv6_unregister_fn(net, &podnet_nat6_ops[--n6]);
	while (n4)
		nf_nat_ipv4_unregister_fn(net, &podnet_nat4_ops[--n4]);
}

/**
 * podnet_nat_enable() - register a namespace's hooks (first service)
 * @net: the namespace
 *
 * Context: svc_lock held.
 * Return: 0 or a negative errno; on error nothing is registered.
 */
int podnet_nat_enable(struct net *net)
{
	unsigned int n4 = 0, n6 = 0;
	int err;

	err = nf_ct_netns_get(net, NFPROTO_INET);
	if (err)
		return err;
	for (; n4 < ARRAY_SIZE(podnet_nat4_ops); n4++) {
		err = nf_nat_ipv4_register_fn(net, &podnet_nat4_ops[n4]);
		if (err)
			goto err;
	}
	for (; n6 < ARRAY_SIZE(podnet_nat6_ops); n6++) {
		err = nf_nat_ipv6_register_fn(net, &podnet_nat6_ops[n6]);
		if (err)
			goto err;
	}
	err = nf_register_net_hooks(net, podnet_count_ops,
				    ARRAY_SIZE(podnet_count_ops));
	if (err)
		goto err;
	return 0;
err:
	podnet_nat_unregister(net, n4, n6);
	nf_ct_netns_put(net, NFPROTO_INET);
	return err;
}

/**
 * podnet_nat_disable() - unregister a namespace's hooks (last service)
 * @net: the namespace
 *
 * Context: svc_lock held.
 */
void podnet_nat_disable(struct net *net)
{
	nf_unregister_net_hooks(net, podnet_count_ops,
				ARRAY_SIZE(podnet_count_ops));
	podnet_nat_unregister(net, ARRAY_SIZE(podnet_nat4_ops),
			      ARRAY_SIZE(podnet_nat6_ops));
	nf_ct_netns_put(net, NFPROTO_INET);
}

/**
 * struct podnet_flush - which UDP conntrack entries to delete
 * @fes: entries whose original destination is one of these frontends ...
 * @nfes: ... how many
 * @all: ... every one of them, translated or not; else, with @gone NULL,
 *	those not translated; else those translated to an endpoint of @gone
 * @gone: endpoints
 * @n: how many
 */
struct podnet_flush {
	struct podnet_fe *const *fes;
	unsigned int nfes;
	bool all;
	const struct podnet_ep_spec *gone;
	unsigned int n;
};

static int podnet_flush_iter(struct nf_conn *ct, void *data)
{
	const struct nf_conntrack_tuple *orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	const struct podnet_flush *f = data;
	u8 pf = nf_ct_l3num(ct);
	struct podnet_fe_key key;
	struct in6_addr src;
	unsigned int i;
	bool ours = false;

	if (orig->dst.protonum != IPPROTO_UDP ||
	    (!f->all && !(ct->status & IPS_DST_NAT) != !f->gone))
		return 0;
	if (!podnet_tuple_key(orig, pf, &key))
		return 0;
	for (i = 0; i < f->nfes && !ours; i++) {
		const struct podnet_fe_key *fk = &f->fes[i]->key;

		if (fk->port != key.port || fk->proto != key.proto)
			continue;
		ours = f->fes[i]->kind == PODNET_FE_NODEPORT ?
		       ipv6_addr_v4mapped(&fk->addr) == (pf == NFPROTO_IPV4) :
		       ipv6_addr_equal(&fk->addr, &key.addr);
	}
	if (!ours || f->all || !f->gone)
		return ours;
	if (pf == NFPROTO_IPV4)
		ipv6_addr_set_v4mapped(reply->src.u3.ip, &src);
	else
		src = reply->src.u3.in6;
	for (i = 0; i < f->n; i++)
		if (f->gone[i].port == reply->src.u.all &&
		    ipv6_addr_equal(&f->gone[i].addr, &src))
			return 1;
	return 0;
}

static void podnet_flush(struct net *net, struct podnet_flush *f)
{
	struct nf_ct_iter_data d = { .net = net, .data = f };

	if (podnet_net(net)->nat_on)
		nf_ct_iterate_cleanup_net(podnet_flush_iter, &d);
}

/**
 * podnet_nat_flush_udp() - delete UDP conntrack entries of removed endpoints
 *	or, with @gone NULL, untranslated entries to a service's frontends
 * @svc: the service
 * @gone: the endpoints removed from it, or NULL: the service has just got
 *	its first endpoints
 * @n: how many
 *
 * Connected UDP flows pinned to an endpoint that is gone would otherwise
 * blackhole until their conntrack entry times out (kubernetes #19029); a
 * flow to a frontend that began while it had no endpoints (or before it
 * existed) would keep bypassing it, as kube-proxy also flushes.
 *
 * Context: svc_lock held, process context.
 */
void podnet_nat_flush_udp(struct podnet_svc *svc,
			  const struct podnet_ep_spec *gone, unsigned int n)
{
	struct podnet_flush f = {
		.fes = svc->fes, .nfes = svc->nfes, .gone = gone, .n = n,
	};

	podnet_flush(svc->net, &f);
}

/**
 * podnet_nat_flush_udp_fes() - delete the UDP conntrack entries to frontends
 * @net: the namespace
 * @fes: the frontends
 * @nfes: how many
 * @all: every entry to them: they went away (a service deleted, a NodePort
 *	or external address removed) and were unhashed a grace period ago,
 *	so that no new entry to them can appear behind the flush; else only
 *	the entries not translated: they are new frontends, and flows that
 *	began before would keep bypassing them
 *
 * Context: svc_lock held, process context.
 */
void podnet_nat_flush_udp_fes(struct net *net, struct podnet_fe *const *fes,
			      unsigned int nfes, bool all)
{
	struct podnet_flush f = { .fes = fes, .nfes = nfes, .all = all };

	if (nfes)
		podnet_flush(net, &f);
}

/**
 * podnet_nat_init() - module-wide NAT set up
 *
 * Return: 0 or a negative errno.
 */
int __init podnet_nat_init(void)
{
	return nf_nat_masquerade_inet_register_notifiers();
}

/**
 * podnet_nat_uninit() - module-wide NAT tear down
 */
void podnet_nat_uninit(void)
{
	nf_nat_masquerade_inet_unregister_notifiers();
}
