// SPDX-License-Identifier: GPL-2.0
/*
 * The store of Services and EndpointSlices, and the podnet service ports
 * they make on one node, as kube-proxy's nftables mode would program it
 * (pkg/proxy: servicechangetracker.go, endpointslicecache.go,
 * topology.go CategorizeEndpoints(); nftables/proxier.go):
 *  - one port per service port and per family of its clusterIPs; its
 *    endpoints are those of the service's slices of that family whose port
 *    has the service port's name and protocol, at the slice's port number;
 *    an address in two slices counts once (a terminating copy loses);
 *  - ready endpoints are used, serving and terminating ones are flagged
 *    (the kernel falls back to them, KEP-1669), others are left out;
 *    nodeName == --node-name flags an endpoint local;
 *  - topology hints: when every ready endpoint has node hints and one is
 *    for --node-name, ready endpoints for other nodes are flagged
 *    other-zone; else when every ready endpoint has zone hints and one is
 *    for --zone, those for other zones are;
 *  - externalIPs and LoadBalancer ingress IPs (not ipMode Proxy) of the
 *    family (an address that is both is an LB IP, its source ranges
 *    checked), loadBalancerSourceRanges of the family when it has LB IPs
 *    (the LB IPs themselves allowed when a range holds a node address).
 */
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/podnet.h>

#include "kube.h"

/* The slices naming one service. */
struct svc_slices {
	char *service;
	struct kube_slice **v;
	size_t n, size;
};

static int cmp_service(const void *a, const void *b)
{
	return strcmp(((const struct kube_service *)a)->key,
		      ((const struct kube_service *)b)->key);
}

static int cmp_slice(const void *a, const void *b)
{
	return strcmp(((const struct kube_slice *)a)->key,
		      ((const struct kube_slice *)b)->key);
}

static int cmp_ss(const void *a, const void *b)
{
	return strcmp(((const struct svc_slices *)a)->service,
		      ((const struct svc_slices *)b)->service);
}

static void ss_remove(struct kube_store *st, struct kube_slice *sl)
{
	struct svc_slices key = { .service = sl->service }, **node, *ss;
	size_t i;

	if (!sl->service)
		return;
	node = tfind(&key, &st->byservice, cmp_ss);
	if (!node)
		return;
	ss = *node;
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i] == sl) {
			ss->v[i] = ss->v[--ss->n];
			break;
		}
	}
	if (!ss->n) {
		tdelete(ss, &st->byservice, cmp_ss);
		free(ss->service);
		free(ss->v);
		free(ss);
	}
}

static int ss_add(struct kube_store *st, struct kube_slice *sl)
{
	struct svc_slices key = { .service = sl->service }, **node, *ss;
	struct kube_slice **v;

	if (!sl->service)
		return 0;
	node = tfind(&key, &st->byservice, cmp_ss);
	if (node) {
		ss = *node;
	} else {
		ss = calloc(1, sizeof(*ss));
		if (!ss || !(ss->service = strdup(sl->service)) ||
		    !tsearch(ss, &st->byservice, cmp_ss)) {
			if (ss)
				free(ss->service);
			free(ss);
			return -1;
		}
	}
	if (ss->n == ss->size) {
		v = realloc(ss->v, (ss->size * 2 + 2) * sizeof(*v));
		if (!v)
			return -1;
		ss->v = v;
		ss->size = ss->size * 2 + 2;
	}
	ss->v[ss->n++] = sl;
	return 0;
}

/*
 * The key a change concerns (valid until the next change): @key itself if
 * it stays in the store, else a copy; NULL with *@oom set if none could
 * be made.
 */
static const char *changed(const char *key, bool stays, bool *oom)
{
	static char *last;

	free(last);
	last = NULL;
	if (!key || stays)
		return key;
	last = strdup(key);
	*oom = !last;
	return last;
}

static int put_service(struct kube_store *st, struct kube_service *s, bool del,
		       const char **service)
{
	struct kube_service *old, **node;
	bool oom = false;

	/* One walk: tsearch() finds the one of this key, or adds @s. */
	node = (struct kube_service **)tsearch(s, &st->services, cmp_service);
	if (!node) {
		kube_service_free(s);
		return -1;
	}
	old = *node == s ? NULL : *node;
	*service = changed(s->key, !del, &oom);
	if (oom) {
		if (!old)
			tdelete(s, &st->services, cmp_service);
		kube_service_free(s);
		return -1;
	}
	if (del) {
		tdelete(s, &st->services, cmp_service);
		kube_service_free(s);
		if (old)
			st->nservices--;
	} else {
		*node = s;
		if (!old)
			st->nservices++;
	}
	kube_service_free(old);
	return 0;
}

static int put_slice(struct kube_store *st, struct kube_slice *sl, bool del,
		     const char **service)
{
	struct kube_slice *old, **node;
	const char *svc;
	bool oom = false;

	node = (struct kube_slice **)tsearch(sl, &st->slices, cmp_slice);
	if (!node) {
		kube_slice_free(sl);
		return -1;
	}
	old = *node == sl ? NULL : *node;
	/*
	 * A slice moving to another service changes both: the caller is told
	 * of the old one; slices never change their service label in
	 * practice (it is set at creation).
	 */
	svc = old && old->service ? old->service : sl->service;
	if (!del && svc && sl->service && !strcmp(svc, sl->service))
		svc = sl->service;
	*service = changed(svc, !del && svc == sl->service, &oom);
	if (oom) {
		if (!old)
			tdelete(sl, &st->slices, cmp_slice);
		kube_slice_free(sl);
		return -1;
	}
	if (old) {
		ss_remove(st, old);
		st->nslices--;
	}
	if (del) {
		tdelete(sl, &st->slices, cmp_slice);
		kube_slice_free(sl);
	} else {
		*node = sl;
		st->nslices++;
	}
	kube_slice_free(old);
	return del ? 0 : ss_add(st, sl);
}

int kube_store_put(struct kube_store *st, enum kube_kind kind, void *obj,
		   bool del, const char **service)
{
	*service = NULL;
	if (kind == KUBE_SERVICE)
		return put_service(st, obj, del, service);
	return put_slice(st, obj, del, service);
}

static void free_service(void *p)
{
	kube_service_free(p);
}

static void free_slice(void *p)
{
	kube_slice_free(p);
}

static void free_ss(void *p)
{
	struct svc_slices *ss = p;

	free(ss->service);
	free(ss->v);
	free(ss);
}

void kube_store_free(struct kube_store *st)
{
	tdestroy(st->services, free_service);
	tdestroy(st->slices, free_slice);
	tdestroy(st->byservice, free_ss);
	memset(st, 0, sizeof(*st));
}

/* Building a port. */

struct cand {
	struct kube_ep ep;
	const struct kube_endpoint *src;
};

static int ep_cmp(const void *a, const void *b)
{
	const struct kube_ep *x = a, *y = b;
	int c = memcmp(x->addr.b, y->addr.b, 16);

	if (c)
		return c;
	return (int)x->port - (int)y->port;
}

static bool has_name(char *const *v, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

enum topo { TOPO_NONE, TOPO_NODE, TOPO_ZONE };

/*
 * topology.go, topologyModeFromHints() (PreferSameTrafficDistribution on,
 * as it is by default since Kubernetes 1.34): same node if every ready
 * endpoint has node hints and one is for this node, else same zone if
 * every ready one has zone hints and one is for this zone.
 */
static enum topo topo_mode(const struct cand *c, size_t n, const struct kube_opts *o)
{
	bool ready = false, all_node = true, for_node = false;
	bool all_zone = true, for_zone = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct kube_endpoint *e = c[i].src;

		if (!e->ready)
			continue;
		ready = true;
		if (!e->nnodes)
			all_node = false;
		else if (has_name(e->nodes, e->nnodes, o->node_name))
			for_node = true;
		if (!e->nzones)
			all_zone = false;
		else if (o->zone && *o->zone && has_name(e->zones, e->nzones, o->zone))
			for_zone = true;
	}
	if (ready && all_node && for_node)
		return TOPO_NODE;
	if (ready && all_zone && for_zone)
		return TOPO_ZONE;
	return TOPO_NONE;
}

static int port_eps(const struct svc_slices *ss, const struct kube_svc_port *sp,
		    int family, const struct kube_opts *o, struct kube_port *kp,
		    struct kube_err *err)
{
	struct cand *c = NULL, *tmp;
	size_t n = 0, size = 0, i, j, k, out;
	enum topo topo;

	for (i = 0; ss && i < ss->n; i++) {
		const struct kube_slice *sl = ss->v[i];
		const struct kube_slice_port *p = NULL;

		if (sl->family != family)
			continue;
		for (j = 0; j < sl->nports; j++) {
			if (sl->ports[j].name && !strcmp(sl->ports[j].name, sp->name) &&
			    sl->ports[j].proto == sp->proto && sl->ports[j].port) {
				p = &sl->ports[j];
				break;
			}
		}
		if (!p)
			continue;
		for (j = 0; j < sl->neps; j++) {
			const struct kube_endpoint *e = &sl->eps[j];

			for (k = 0; k < n; k++)
				if (kube_addr_equal(&c[k].ep.addr, &e->addr) &&
				    c[k].ep.port == p->port)
					break;
			if (k < n) {
				/* The same endpoint twice: a terminating copy loses. */
				if (!e->terminating)
					c[k].src = e;
				continue;
			}
			if (n == size) {
				size = size * 2 + 8;
				tmp = realloc(c, size * sizeof(*c));
				if (!tmp) {
					free(c);
					return kube_fail(err, "out of memory");
				}
				c = tmp;
			}
			memset(&c[n], 0, sizeof(c[n]));
			c[n].ep.addr = e->addr;
			c[n].ep.port = p->port;
			c[n++].src = e;
		}
	}
	topo = topo_mode(c, n, o);
	kp->eps = calloc(n + 1, sizeof(*kp->eps));
	if (!kp->eps) {
		free(c);
		return kube_fail(err, "out of memory");
	}
	for (i = 0, out = 0; i < n; i++) {
		const struct kube_endpoint *e = c[i].src;
		struct kube_ep *ep = &kp->eps[out];

		if (e->ready)
			ep->flags = (topo == TOPO_NODE &&
				     !has_name(e->nodes, e->nnodes, o->node_name)) ||
				    (topo == TOPO_ZONE &&
				     !has_name(e->zones, e->nzones, o->zone)) ?
				    PODNET_EP_F_OTHER_ZONE : 0;
		else if (e->serving && e->terminating)
			ep->flags = PODNET_EP_F_TERMINATING;
		else
			continue;
		if (o->node_name && e->node && !strcmp(o->node_name, e->node))
			ep->flags |= PODNET_EP_F_LOCAL;
		ep->addr = c[i].ep.addr;
		ep->port = c[i].ep.port;
		out++;
	}
	free(c);
	kp->neps = out;
	if (out)
		qsort(kp->eps, kp->neps, sizeof(*kp->eps), ep_cmp);
	return 0;
}

static int grow(struct kube_ports *out, struct kube_err *err)
{
	struct kube_port *v;

	if (out->n < out->size)
		return 0;
	v = realloc(out->v, (out->size * 2 + 16) * sizeof(*v));
	if (!v)
		return kube_fail(err, "out of memory");
	out->v = v;
	out->size = out->size * 2 + 16;
	return 0;
}

static bool addr_in(const struct kube_addr *v, unsigned int n, const struct kube_addr *x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kube_addr_equal(&v[i], x))
			return true;
	return false;
}

/*
 * The externalIPs, LoadBalancer IPs and source ranges of @kp (of its
 * VIP's family), in @a, then copied to kp->addrs if there are any.
 */
static int port_addrs(const struct kube_service *s, const struct kube_opts *o,
		      struct kube_port *kp, struct kube_port_addrs *a,
		      struct kube_err *err)
{
	int family = kp->vip.family;
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	unsigned int i, j;
	bool from_node;

	for (i = 0; i < s->nlb; i++) {
		const struct kube_addr *x = &s->lb[i];

		if (x->family != family || kube_addr_equal(x, &kp->vip) ||
		    addr_in(a->lb, kp->nlb, x))
			continue;
		if (kp->nlb == KUBE_MAX_ADDRS)
			return kube_fail(err, "Service %s: more than %d %s LoadBalancer ingress IPs",
					 s->key, KUBE_MAX_ADDRS, fam);
		a->lb[kp->nlb++] = *x;
	}
	/*
	 * An externalIP that is also an LB IP is one frontend: kube-proxy's
	 * firewall checks its LB IPs' sources before the address is looked up.
	 */
	for (i = 0; i < s->next; i++) {
		const struct kube_addr *x = &s->ext[i];

		if (x->family != family || kube_addr_equal(x, &kp->vip) ||
		    addr_in(a->ext, kp->next, x) || addr_in(a->lb, kp->nlb, x))
			continue;
		if (kp->next == KUBE_MAX_ADDRS)
			return kube_fail(err, "Service %s: more than %d %s externalIPs",
					 s->key, KUBE_MAX_ADDRS, fam);
		a->ext[kp->next++] = *x;
	}
	from_node = false;
	for (i = 0; kp->nlb && i < s->nranges; i++) {
		if (s->ranges[i].addr.family != family)
			continue;
		if (kp->nranges == KUBE_MAX_RANGES)
			return kube_fail(err, "Service %s: more than %d %s loadBalancerSourceRanges",
					 s->key, KUBE_MAX_RANGES, fam);
		a->ranges[kp->nranges++] = s->ranges[i];
		for (j = 0; j < o->nnode_ips; j++)
			if (kube_prefix_has(&s->ranges[i], &o->node_ips[j]))
				from_node = true;
	}
	/* allowFromNode: the node reaches its LB IPs from them. */
	for (i = 0; from_node && i < kp->nlb; i++) {
		if (kp->nranges == KUBE_MAX_RANGES)
			return kube_fail(err, "Service %s: more than %d %s loadBalancerSourceRanges",
					 s->key, KUBE_MAX_RANGES, fam);
		a->ranges[kp->nranges].addr = a->lb[i];
		a->ranges[kp->nranges++].len = family == AF_INET ? 32 : 128;
	}
	if (!kp->next && !kp->nlb && !kp->nranges)
		return 0;
	kp->addrs = malloc(sizeof(*kp->addrs));
	if (!kp->addrs)
		return kube_fail(err, "out of memory");
	*kp->addrs = *a;
	return 0;
}

static int service_ports(const struct kube_store *st, const struct kube_service *s,
			 const struct kube_opts *o, struct kube_ports *out,
			 struct kube_err *err)
{
	struct svc_slices key = { .service = s->key }, **node;
	const struct svc_slices *ss;
	struct kube_port_addrs pa;
	unsigned int f, p;

	if (s->ignored)
		return 0;
	node = tfind(&key, &st->byservice, cmp_ss);
	ss = node ? *node : NULL;
	for (f = 0; f < s->nips; f++) {
		int family = s->ips[f].family;

		for (p = 0; p < s->nports; p++) {
			const struct kube_svc_port *sp = &s->ports[p];
			struct kube_port *kp;

			if (grow(out, err) < 0)
				return -1;
			kp = &out->v[out->n];
			memset(kp, 0, sizeof(*kp));
			if (*sp->name)
				snprintf(kp->name, sizeof(kp->name), "%s:%s", s->key, sp->name);
			else
				snprintf(kp->name, sizeof(kp->name), "%s:%u", s->key, sp->port);
			kp->service = s->key;
			kp->hc_port = s->hc_port;
			kp->vip = s->ips[f];
			kp->proto = sp->proto;
			kp->port = sp->port;
			kp->nodeport = sp->nodeport;
			kp->policy = s->etp_local ? PODNET_POLICY_LOCAL : PODNET_POLICY_CLUSTER;
			kp->ipolicy = s->itp_local ? PODNET_POLICY_LOCAL : PODNET_POLICY_CLUSTER;
			kp->affinity = s->affinity;
			kp->flags = o->masquerade_all ? PODNET_SVC_F_MASQUERADE : 0;
			if (port_addrs(s, o, kp, &pa, err) < 0)
				return -1;
			if (port_eps(ss, sp, family, o, kp, err) < 0) {
				free(kp->addrs);
				return -1;
			}
			out->n++;
		}
	}
	return 0;
}

int kube_service_ports(const struct kube_store *st, const char *key,
		       const struct kube_opts *o, struct kube_ports *out,
		       struct kube_err *err)
{
	struct kube_service k = { .key = (char *)key }, **node;

	node = tfind(&k, &st->services, cmp_service);
	return node ? service_ports(st, *node, o, out, err) : 0;
}

bool kube_store_has(const struct kube_store *st, const char *key)
{
	struct kube_service k = { .key = (char *)key };

	return tfind(&k, &st->services, cmp_service);
}

struct walk {
	const struct kube_store *st;
	const struct kube_opts *o;
	struct kube_ports *out;
	struct kube_err *err;
	int ret;
};

static void walk_one(const void *node, VISIT which, void *arg)
{
	struct walk *w = arg;

	if ((which != postorder && which != leaf) || w->ret)
		return;
	w->ret = service_ports(w->st, *(struct kube_service *const *)node, w->o,
			       w->out, w->err);
}

struct each {
	void (*fn)(const char *key, void *arg);
	void *arg;
};

static void each_one(const void *node, VISIT which, void *arg)
{
	struct each *e = arg;

	if (which == postorder || which == leaf)
		e->fn((*(struct kube_service *const *)node)->key, e->arg);
}

void kube_store_each(const struct kube_store *st,
		     void (*fn)(const char *key, void *arg), void *arg)
{
	struct each e = { fn, arg };

	twalk_r(st->services, each_one, &e);
}

int kube_all_ports(const struct kube_store *st, const struct kube_opts *o,
		   struct kube_ports *out, struct kube_err *err)
{
	struct walk w = { .st = st, .o = o, .out = out, .err = err };

	twalk_r(st->services, walk_one, &w);
	return w.ret;
}

void kube_ports_free(struct kube_ports *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].eps);
		free(p->v[i].addrs);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}
