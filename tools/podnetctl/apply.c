// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl apply: make the namespace's services what Kubernetes Service
 * and EndpointSlice objects say, as kube-proxy would (tools/kube):
 *
 *   kubectl get services,endpointslices -A -o json |
 *           podnetctl -n node1 apply -f - --node-name node1 \
 *                   --cluster-cidr 10.244.0.0/16 --service-cidr 10.96.0.0/12
 *
 * Once: every input is read into a store of objects, the service ports
 * the node should have are computed, the services the kernel has are
 * dumped, and the difference is sent as one batch (batch.c: all or
 * nothing). Services apply makes carry owner apply and their port's name
 * ("namespace/name:port"); the others are left alone, and a port that
 * would replace one of them is an error. The settings (--cluster-cidr,
 * --nodeport-addresses, --service-cidr) are set first, and put back if
 * the batch fails.
 *
 * --watch: the same, then each watch event of the inputs is applied as it
 * comes: the ports of the one service it concerns, against what the
 * kernel was last told. Bad events are reported and skipped; the end of
 * every input, SIGTERM, SIGINT or SIGHUP ends it (exit status 0). A
 * service whose change the kernel refused (or that clashed with a
 * service apply did not make) is tried again every --sync-period, as
 * kube-proxy tries a failed sync again; /healthz says 503 once such a
 * change has waited twice that. A watch that starts with the Services
 * there are (the API server's sendInitialEvents) ends them with a bookmark
 * marked k8s.io/initial-events-end: then the services apply made whose
 * Service was not among them are deleted (not those of a Service whose
 * last event was refused: they stay as they were), and so are, after a
 * Node watch's, the nodes whose Node was not. A Service whose EndpointSlices
 * the watch has not seen yet (they come on another input, or have not
 * come yet) keeps the endpoints the kernel has for its ports until they
 * come or one --sync-period has passed, as kube-proxy does not sync before
 * it has both: a watch that starts again does not take every service's
 * endpoints away for the time between the two inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <poll.h>
#include <search.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "config.h"
#include "healthcheck.h"
#include "ipc.h"
#include "kube.h"
#include "node.h"
#include "object.h"
#include "podnetctl.h"
#include "service.h"

#define APPLY_MAX_INPUTS 16

struct apply_cmd {
	struct cmd cmd;
	bool help, watch, dry_run, cfg_given;
	unsigned int ninputs;
	char *inputs[APPLY_MAX_INPUTS];
	char *node_name, *zone;
	bool masquerade_all;
	bool healthz_off;	/* --healthz-bind-address "" */
	struct kube_addr healthz_addr;	/* --watch: kube-proxy's own health */
	uint16_t healthz_port;
	int encap;		/* --encap: enum podnet_encap */
	long long sync_period;	/* --sync-period, ms */
	struct pn_cfg cfg;
};

/**
 * struct apply - a run
 * @ipc: the socket
 * @ac: the command
 * @o: the node, as tools/kube wants it
 * @st: the objects read so far
 * @applied: tsearch() tree of the services apply made (struct svc_info *,
 *	owned), as the kernel was last known to have them
 * @foreign: the same for the services it did not make: never touched
 * @cmds: the batch being built
 * @nodes: tsearch() tree of the Node objects read (struct kube_node *)
 * @nodes_seen: the input had Node objects: the kernel's nodes are made
 *	what they say
 * @node_event: --watch: the name of the node the last event was about
 * @hc: --watch: the services' health check servers (healthcheck.c)
 * @retry: --watch: the services and nodes whose last change was not
 *	applied, each tried again one --sync-period after; @retry_at: the
 *	first of those times (ms, monotonic), 0 if none
 * @listed: --watch: an input has sent every Service there is (the
 *	bookmark that ends a watch's initial events)
 * @seen: --watch: tsearch() tree of the services ("namespace/name",
 *	owned) whose Service the watch has had an event of, or has waited
 *	for one --sync-period
 * @sliced: the same for their EndpointSlices
 */
struct retry {
	char *name;		/* "namespace/name", or a node's (no '/') */
	long long due;		/* ms, monotonic */
	bool node;
};

struct apply {
	struct ipc *ipc;
	struct apply_cmd *ac;
	struct kube_opts o;
	struct kube_store st;
	void *applied, *foreign;
	struct cmd **cmds;
	unsigned int ncmds, size;
	void *nodes;
	bool nodes_seen;
	char *node_event;
	struct hc *hc;
	struct retry *retry;
	unsigned int nretry, retry_size;
	long long retry_at;
	bool listed, nodes_listed;	/* an initial-events-end bookmark */
	void *seen, *sliced;
	void *refused;		/* Services and Nodes whose last event was refused */
};

static int key_cmp(const void *a, const void *b)
{
	return svc_key_cmp(&((const struct svc_info *)a)->key,
			   &((const struct svc_info *)b)->key);
}

static void info_free(void *p)
{
	svc_info_free(p);
	free(p);
}

/* Conversions from tools/kube */

static void addr_from(struct pn_addr *a, const struct kube_addr *k)
{
	memset(a, 0, sizeof(*a));
	a->family = k->family;
	memcpy(a->bytes, k->b, addr_len(k->family));
}

static int ep_cmp(const void *a, const void *b)
{
	const struct ep *x = a, *y = b;
	int d;

	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	d = memcmp(x->addr.bytes, y->addr.bytes, addr_len(x->addr.family));
	if (d)
		return d;
	return x->port < y->port ? -1 : x->port > y->port;
}

/* A port as the kernel should have it: settings and endpoints (sorted). */
static int port_to_svc(const struct kube_port *kp, struct svc_info *svc)
{
	unsigned int i;

	memset(svc, 0, sizeof(*svc));
	svc->key.proto = kp->proto;
	svc->key.port = kp->port;
	addr_from(&svc->key.addr, &kp->vip);
	svc->sched = PODNET_SCHED_RANDOM;	/* nftables mode's numgen random */
	svc->policy = kp->policy;
	svc->ipolicy = kp->ipolicy;
	svc->flags = kp->flags;
	svc->owner = PODNET_OWNER_APPLY;
	svc->affinity = kp->affinity;
	svc->nodeport = kp->nodeport;
	if (kp->next > PODNET_SVC_MAX_EXTERNAL || kp->nlb > PODNET_SVC_MAX_EXTERNAL ||
	    kp->nranges > PODNET_SVC_MAX_SOURCE_RANGES)
		return fail("%s: too many addresses", kp->name);
	if ((kp->next || kp->nlb || kp->nranges) && svc_addrs_get(svc) < 0)
		return -1;
	svc->next = kp->next;
	for (i = 0; i < kp->next; i++)
		addr_from(&svc->addrs->ext[i], &kp->addrs->ext[i]);
	svc->nlb = kp->nlb;
	for (i = 0; i < kp->nlb; i++)
		addr_from(&svc->addrs->lb[i], &kp->addrs->lb[i]);
	svc->nranges = kp->nranges;
	for (i = 0; i < kp->nranges; i++) {
		addr_from(&svc->addrs->ranges[i].addr, &kp->addrs->ranges[i].addr);
		svc->addrs->ranges[i].len = kp->addrs->ranges[i].len;
	}
	snprintf(svc->name, sizeof(svc->name), "%s", kp->name);
	if (kp->neps) {
		svc->eps.v = calloc(kp->neps, sizeof(*svc->eps.v));
		if (!svc->eps.v)
			return fail("out of memory");
	}
	for (i = 0; i < kp->neps; i++) {
		struct ep *ep = &svc->eps.v[i];

		addr_from(&ep->addr, &kp->eps[i].addr);
		ep->port = kp->eps[i].port;
		ep->weight = 1;
		ep->flags = kp->eps[i].flags;
	}
	svc->eps.n = kp->neps;
	if (svc->eps.n)		/* (v is NULL without endpoints) */
		qsort(svc->eps.v, svc->eps.n, sizeof(*svc->eps.v), ep_cmp);
	return 0;
}

/* The ports of @ports as services, sorted by key; two with one key fail. */
static int ports_to_svcs(const struct kube_ports *ports, struct svc_info **svcs)
{
	struct svc_info *v = calloc(ports->n + 1, sizeof(*v));
	char buf[SVC_STRLEN];
	size_t i;

	if (!v)
		return fail("out of memory");
	for (i = 0; i < ports->n; i++) {
		if (port_to_svc(&ports->v[i], &v[i]) < 0)
			goto err;
	}
	qsort(v, ports->n, sizeof(*v), key_cmp);
	for (i = 1; i < ports->n; i++) {
		if (!key_cmp(&v[i - 1], &v[i])) {
			fail("%s and %s are both %s", v[i - 1].name, v[i].name,
			     svc_key_fmt(&v[i].key, buf));
			goto err;
		}
	}
	*svcs = v;
	return 0;
err:
	for (i = 0; i < ports->n; i++)
		svc_info_free(&v[i]);
	free(v);
	return -1;
}

static void svcs_free(struct svc_info *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		svc_info_free(&v[i]);
	free(v);
}

/* Comparing what the kernel has with what it should have */

static bool addrs_equal(const struct pn_addr *a, const struct pn_addr *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!addr_equal(&a[i], &b[i]))
			return false;
	return true;
}

static bool settings_equal(const struct svc_info *a, const struct svc_info *b)
{
	unsigned int i;

	if (a->sched != b->sched || a->policy != b->policy ||
	    a->ipolicy != b->ipolicy || a->flags != b->flags ||
	    a->owner != b->owner || a->affinity != b->affinity ||
	    a->nodeport != b->nodeport || strcmp(a->name, b->name) ||
	    a->next != b->next || a->nlb != b->nlb || a->nranges != b->nranges)
		return false;
	if (!a->next && !a->nlb && !a->nranges)
		return true;
	if (!addrs_equal(a->addrs->ext, b->addrs->ext, a->next) ||
	    !addrs_equal(a->addrs->lb, b->addrs->lb, a->nlb))
		return false;
	for (i = 0; i < a->nranges; i++)
		if (!prefix_equal(&a->addrs->ranges[i], &b->addrs->ranges[i]))
			return false;
	return true;
}

/* @want's endpoints are sorted; @have's are sorted here. */
static bool eps_equal(struct svc_info *have, const struct svc_info *want)
{
	unsigned int i;

	if (have->eps.n != want->eps.n)
		return false;
	if (have->eps.n)
		qsort(have->eps.v, have->eps.n, sizeof(*have->eps.v), ep_cmp);
	for (i = 0; i < want->eps.n; i++) {
		const struct ep *a = &have->eps.v[i], *b = &want->eps.v[i];

		if (ep_cmp(a, b) || a->weight != b->weight || a->flags != b->flags)
			return false;
	}
	return true;
}

static int eps_copy(struct ep_list *dst, const struct ep_list *src)
{
	dst->n = 0;
	dst->v = NULL;
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	if (!dst->v)
		return fail("out of memory");
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = src->n;
	return 0;
}

/* Building the batch */

static int push(struct apply *a, enum svc_op op, const struct svc_info *svc,
		bool eps)
{
	struct svc_cmd *sc;

	if (a->ncmds == a->size) {
		unsigned int size = a->size ? 2 * a->size : 64;
		struct cmd **v = realloc(a->cmds, size * sizeof(*v));

		if (!v)
			return fail("out of memory");
		a->cmds = v;
		a->size = size;
	}
	sc = service_cmd_new(op);
	if (!sc)
		return -1;
	if (svc_info_copy(&sc->svc, svc) < 0) {
		svc_cmd_free(&sc->cmd);
		return -1;
	}
	if (op == SVC_ADD || op == SVC_CHANGE) {
		sc->given = GIVEN_SCHED;
		if (svc->affinity)
			sc->given |= GIVEN_AFFINITY;
		if (svc->nodeport)
			sc->given |= GIVEN_NODEPORT;
		if (svc->policy != PODNET_POLICY_CLUSTER)
			sc->given |= GIVEN_POLICY;
		if (svc->ipolicy != PODNET_POLICY_CLUSTER)
			sc->given |= GIVEN_IPOLICY;
		if (svc->flags & PODNET_SVC_F_MASQUERADE)
			sc->given |= GIVEN_MASQ;
	}
	if (eps && eps_copy(&sc->svc.eps, &svc->eps) < 0) {
		svc_cmd_free(&sc->cmd);
		return -1;
	}
	a->cmds[a->ncmds++] = &sc->cmd;
	sc->cmd.line = a->ncmds;
	return svc_cmd_track(sc);
}

/* The length of the Service's key ("namespace/name") in a service's name. */
static size_t key_len(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon ? colon - name : 0;
}

/* @svc's name is that of a port of service @service ("namespace/name"). */
static bool of_service(const struct svc_info *svc, const char *service)
{
	size_t n = strlen(service);

	return key_len(svc->name) == n && !strncmp(svc->name, service, n);
}

struct stale_walk {
	struct apply *a;
	const char *service;		/* NULL: any */
	const struct svc_info *want;
	size_t nwant;
	int err;
};

static void stale_cb(const void *node, VISIT v, void *arg)
{
	const struct svc_info *svc = *(const struct svc_info *const *)node;
	struct stale_walk *w = arg;

	if ((v != postorder && v != leaf) || w->err)
		return;
	if (w->service && !of_service(svc, w->service))
		return;
	if (bsearch(svc, w->want, w->nwant, sizeof(*w->want), key_cmp))
		return;
	w->err = push(w->a, SVC_DEL, svc, false);
}

/*
 * The commands that make the kernel's services of @service (all if NULL)
 * @want (sorted): the deletions first (a NodePort or an address they free
 * may be another's), then changes, then additions.
 */
static int diff(struct apply *a, const char *service, struct svc_info *want,
		size_t nwant)
{
	struct stale_walk w = { a, service, want, nwant, 0 };
	char buf[SVC_STRLEN];
	struct svc_info **have;
	size_t i;
	int pass;

	twalk_r(a->applied, stale_cb, &w);
	if (w.err)
		return -1;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nwant; i++) {
			if (tfind(&want[i], &a->foreign, key_cmp))
				return fail("%s: %s is already a service that apply did not make (service del it first)",
					    want[i].name, svc_key_fmt(&want[i].key, buf));
			have = tfind(&want[i], &a->applied, key_cmp);
			if (pass == 0 && have) {
				if (!settings_equal(*have, &want[i]) &&
				    push(a, SVC_CHANGE, &want[i], false) < 0)
					return -1;
				if (!eps_equal(*have, &want[i]) &&
				    push(a, EP_SET, &want[i], true) < 0)
					return -1;
			} else if (pass == 1 && !have) {
				if (push(a, SVC_ADD, &want[i], false) < 0 ||
				    (want[i].eps.n && push(a, EP_SET, &want[i], true) < 0))
					return -1;
			}
		}
	}
	return 0;
}

/* After a batch went through: the kernel has @want, and not the deleted. */
static int record(struct apply *a, struct svc_info *want, size_t nwant)
{
	struct svc_info *copy, **slot;
	unsigned int i;

	for (i = 0; i < a->ncmds; i++) {
		struct svc_cmd *sc = to_svc_cmd(a->cmds[i]);

		if (sc->op != SVC_DEL)
			continue;
		slot = tfind(&sc->svc, &a->applied, key_cmp);
		if (slot) {
			copy = *slot;
			tdelete(copy, &a->applied, key_cmp);
			info_free(copy);
		}
	}
	for (i = 0; i < nwant; i++) {
		copy = malloc(sizeof(*copy));
		if (!copy)
			return fail("out of memory");
		if (svc_info_copy(copy, &want[i]) < 0 ||
		    eps_copy(&copy->eps, &want[i].eps) < 0) {
			info_free(copy);
			return -1;
		}
		slot = tsearch(copy, &a->applied, key_cmp);
		if (!slot) {
			info_free(copy);
			return fail("out of memory");
		}
		if (*slot != copy) {
			info_free(*slot);
			*slot = copy;
		}
	}
	return 0;
}

static void cmds_clear(struct apply *a)
{
	cmds_free(a->cmds, a->ncmds);
	a->cmds = NULL;
	a->ncmds = a->size = 0;
}

static const char *zone_of(const struct apply *a);

/* The first time something on the list is due (0: nothing). */
static void retry_next(struct apply *a)
{
	unsigned int i;

	a->retry_at = 0;
	for (i = 0; i < a->nretry; i++)
		if (!a->retry_at || a->retry[i].due < a->retry_at)
			a->retry_at = a->retry[i].due;
}

static bool retry_services(const struct apply *a)
{
	unsigned int i;

	for (i = 0; i < a->nretry; i++)
		if (!a->retry[i].node)
			return true;
	return false;
}

/*
 * --watch: the change of service @name ("namespace/name"), or of the node
 * of that name (@node), was applied (@ok), or is to be tried again one
 * --sync-period from now. The health server is told whether every
 * service's change is in (a node's is not kube-proxy's business: one bad
 * Node object would make every node unhealthy).
 */
static void retry_note(struct apply *a, const char *name, bool node, bool ok)
{
	long long due = mono_ms() + a->ac->sync_period;
	struct retry *v;
	unsigned int i;

	for (i = 0; i < a->nretry && strcmp(a->retry[i].name, name); i++)
		;
	if (ok && i < a->nretry) {
		free(a->retry[i].name);
		a->retry[i] = a->retry[--a->nretry];
	} else if (!ok && i < a->nretry) {
		a->retry[i].due = due;
	} else if (!ok) {
		v = a->retry;
		if (a->nretry == a->retry_size) {
			v = realloc(a->retry, (a->retry_size * 2 + 8) * sizeof(*v));
			if (v) {
				a->retry = v;
				a->retry_size = a->retry_size * 2 + 8;
			}
		}
		if (v)
			a->retry[a->nretry] = (struct retry){ strdup(name), due, node };
		if (v && a->retry[a->nretry].name)
			a->nretry++;
		else
			warn("out of memory: %s will not be tried again", name);
	}
	retry_next(a);
	if (node)
		return;
	if (!ok)
		hc_queued(a->hc);	/* unhealthy in time, even if not retried */
	else if (!retry_services(a))
		hc_updated(a->hc);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* --watch: @key into a tree of names (@a->seen, @a->sliced, @a->refused). */
static int key_add(void **tree, const char *key)
{
	char *k, **slot;

	if (tfind(key, tree, name_cmp))
		return 0;
	k = strdup(key);
	slot = k ? tsearch(k, tree, name_cmp) : NULL;
	if (!slot) {
		free(k);
		return fail("out of memory");
	}
	return 0;
}

static void key_del(void **tree, const char *key)
{
	char **slot = tfind(key, tree, name_cmp), *k;

	if (!slot)
		return;
	k = *slot;
	tdelete(key, tree, name_cmp);
	free(k);
}

/*
 * --watch: an object refused by its parser (@err), as an event of @del.
 * A Service or a Node refused keeps what apply made of it before, from
 * prune() and prune_nodes() too, until an event of it is taken or one is
 * refused as deleted.
 */
static void refused_note(struct apply *a, const struct kube_err *err, bool del)
{
	if (!a->ac->watch || !err->key[0])
		return;
	if (del)
		key_del(&a->refused, err->key);
	else
		key_add(&a->refused, err->key);	/* (out of memory: pruned) */
}

/*
 * The endpoints the kernel has for those of @want's ports that it has and
 * that have none (their service's EndpointSlices have not come yet).
 */
static int keep_eps(struct apply *a, struct svc_info *want, size_t nwant)
{
	struct svc_info **have;
	unsigned int j;
	size_t i;

	for (i = 0; i < nwant; i++) {
		have = tfind(&want[i], &a->applied, key_cmp);
		if (!have || want[i].eps.n)
			continue;
		for (j = 0; j < (*have)->eps.n; j++)
			if (ep_list_add(&want[i].eps, &(*have)->eps.v[j]) < 0)
				return fail("out of memory");
		/* In want's order, as diff() compares them. */
		qsort(want[i].eps.v, want[i].eps.n, sizeof(*want[i].eps.v), ep_cmp);
	}
	return 0;
}

/*
 * Make the ports of @service (every service if NULL) what the store says:
 * 0, or an exit status with the error reported.
 */
static int converge(struct apply *a, const char *service)
{
	struct kube_ports ports = { 0 };
	struct svc_info *want = NULL;
	struct kube_err err;
	bool watch = a->ac->watch && service, held = false;
	unsigned int i;
	size_t nwant;
	int ret;

	/*
	 * --watch: an EndpointSlice of a Service the watch has not had yet
	 * (it comes on another input) changes nothing until it comes, or
	 * until one --sync-period has passed: the kernel keeps what it has.
	 */
	if (watch && !tfind(service, &a->seen, name_cmp)) {
		if (!a->ac->dry_run)
			retry_note(a, service, false, false);
		return 0;
	}
	a->o.zone = zone_of(a);
	if ((service ? kube_service_ports(&a->st, service, &a->o, &ports, &err) :
		       kube_all_ports(&a->st, &a->o, &ports, &err)) < 0) {
		kube_ports_free(&ports);
		fail("%s", err.msg);
		goto bad;
	}
	ret = ports_to_svcs(&ports, &want);
	nwant = ports.n;
	if (ret < 0) {
		kube_ports_free(&ports);
		goto retry;
	}
	/* Its slices have not come: the endpoints the kernel has, meanwhile. */
	held = watch && nwant && !tfind(service, &a->sliced, name_cmp);
	if (held && keep_eps(a, want, nwant) < 0) {
		kube_ports_free(&ports);
		svcs_free(want, nwant);
		goto retry;
	}
	if (diff(a, service, want, nwant) < 0) {
		kube_ports_free(&ports);
		cmds_clear(a);
		svcs_free(want, nwant);
		goto retry;
	}
	ret = 0;
	if (a->ac->dry_run) {
		for (i = 0; i < a->ncmds; i++) {
			a->cmds[i]->ops->print(a->cmds[i], stdout);
			putchar('\n');
		}
		fflush(stdout);
	} else if (a->ncmds) {
		ret = cmds_run(a->ipc, a->cmds, a->ncmds);
	}
	if (!ret && a->ac->watch && record(a, want, nwant) < 0) {
		fprintf(stderr, PROG ": %s\n", fail_msg());
		ret = EXIT_FAILED;
	}
	/* Held: its slices, or one --sync-period, then it goes through whole. */
	if (watch && !a->ac->dry_run)
		retry_note(a, service, false, !ret && !held);
	/* Gone, and its ports with it: the watch forgets it. */
	if (watch && !ret && !kube_store_has(&a->st, service)) {
		key_del(&a->seen, service);
		key_del(&a->sliced, service);
	}
	/* The objects' view, as kube-proxy's, whatever the kernel said. */
	if (a->hc)
		hc_sync(a->hc, service, &ports);
	kube_ports_free(&ports);
	cmds_clear(a);
	svcs_free(want, nwant);
	a->o.zone = NULL;	/* a Node object's, which the next event may free */
	return ret;
bad:
	/*
	 * Objects podnet cannot take (more addresses than it has room
	 * for): reported and skipped, as a bad event, not tried again.
	 */
	if (watch && !a->ac->dry_run)
		retry_note(a, service, false, true);
	goto err;
retry:
	if (watch && !a->ac->dry_run)
		retry_note(a, service, false, false);
err:
	a->o.zone = NULL;
	fprintf(stderr, PROG ": %s\n", fail_msg());
	return EXIT_FAILED;
}

/* Nodes */

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kube_node *)a)->name,
		      ((const struct kube_node *)b)->name);
}

static void node_free(void *p)
{
	kube_node_free(p);
}

/* This node's Node object (--node-name), if the input has it. */
static const struct kube_node *own_node(const struct apply *a)
{
	struct kube_node key = { .name = a->ac->node_name }, **found;

	if (!a->ac->node_name)
		return NULL;
	found = tfind(&key, &a->nodes, node_cmp);
	return found ? *found : NULL;
}

/*
 * This node's zone: --zone, else the topology.kubernetes.io/zone label of
 * its Node object (kube-proxy's topologyLabels), if the input has it.
 */
static const char *zone_of(const struct apply *a)
{
	const struct kube_node *n = own_node(a);

	return a->ac->zone || !n ? a->ac->zone : n->zone;
}

/* This node's Node object is there, and not leaving. */
static bool node_eligible(const struct apply *a)
{
	const struct kube_node *n = own_node(a);

	return n && !n->leaving;
}

static void converge_cb(const char *key, void *arg)
{
	struct apply *a = arg;

	converge(a, key);	/* reports its errors */
	hc_between(a->hc);
}

/* A Node object (or anything else, ignored) into @a->nodes. */
static int take_node(struct apply *a, const cJSON *v, bool del)
{
	struct kube_node *n, **found;
	struct kube_err err;
	int ret = kube_node_parse(v, &n, &err);

	if (ret < 0) {
		refused_note(a, &err, del);
		return fail("%s", err.msg);
	}
	if (ret > 0)
		return 0;	/* another kind */
	if (a->ac->watch)
		key_del(&a->refused, n->name);
	a->nodes_seen = true;
	free(a->node_event);
	a->node_event = strdup(n->name);
	if (!a->node_event) {
		kube_node_free(n);
		return fail("out of memory");
	}
	found = tfind(n, &a->nodes, node_cmp);
	if (found) {
		struct kube_node *old = *found;

		tdelete(old, &a->nodes, node_cmp);
		kube_node_free(old);
	}
	if (del) {
		kube_node_free(n);
		return 0;
	}
	if (!tsearch(n, &a->nodes, node_cmp)) {
		kube_node_free(n);
		return fail("out of memory");
	}
	return 0;
}

struct node_want {
	const struct apply *a;
	const char *only;
	struct pn_node *v;
	size_t n;
	int err;
};

/* A node of the store as podnet's: nodes not reachable yet skipped. */
static void want_cb(const void *node, VISIT v, void *arg)
{
	const struct kube_node *k = *(const struct kube_node *const *)node;
	const struct apply_cmd *ac;
	struct node_want *w = arg;
	struct pn_node *p;
	unsigned int i;

	if ((v != postorder && v != leaf) || w->err)
		return;
	ac = w->a->ac;
	if ((w->only && strcmp(k->name, w->only)) || !k->naddr || !k->ncidr ||
	    (ac->node_name && !strcmp(k->name, ac->node_name)))
		return;
	if (strlen(k->name) >= PODNET_NODE_NAME_MAX) {
		w->err = fail("Node %s: name longer than %d", k->name,
			      PODNET_NODE_NAME_MAX - 1);
		return;
	}
	p = &w->v[w->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", k->name);
	for (i = 0; i < k->naddr; i++)
		addr_from(&p->addr[i], &k->addr[i]);
	p->naddr = k->naddr;
	for (i = 0; i < k->ncidr; i++) {
		addr_from(&p->cidr[i].addr, &k->cidr[i].addr);
		p->cidr[i].len = k->cidr[i].len;
	}
	p->ncidr = k->ncidr;
	p->encap = (uint8_t)(k->encap >= 0 ? k->encap : ac->encap);
	if (p->encap == PODNET_ENCAP_VXLAN && k->has_mac) {
		memcpy(p->mac, k->mac, MAC_LEN);
		p->mac_given = true;
	} else if (p->encap == PODNET_ENCAP_VXLAN) {
		node_vtep_mac(p, p->mac);
	}
}

static void count_cb(const void *node, VISIT v, void *arg)
{
	(void)node;
	if (v == postorder || v == leaf)
		++*(size_t *)arg;
}

/*
 * Make the kernel's nodes what the Node objects say (all of them, or the
 * one named @only): this node itself (--node-name) left out. 0, or an
 * exit status with the errors reported.
 */
static int converge_nodes(struct apply *a, const char *only)
{
	struct node_want w = { .a = a, .only = only };
	size_t n = 0;
	int ret;

	twalk_r(a->nodes, count_cb, &n);
	w.v = calloc(n + 1, sizeof(*w.v));
	if (!w.v) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	twalk_r(a->nodes, want_cb, &w);
	if (w.err) {
		fprintf(stderr, PROG ": %s\n", fail_msg());
		ret = EXIT_FAILED;
	} else {
		ret = node_converge(a->ipc, w.v, w.n, only, a->ac->dry_run);
	}
	free(w.v);
	return ret;
}

/* Reading */

/* A Service or an EndpointSlice into the store (which owns it): 0, or -1. */
static int put(struct apply *a, enum kube_kind kind, void *obj, bool del,
	       const char **service)
{
	if (kube_store_put(&a->st, kind, obj, del, service) < 0)
		return fail("out of memory");
	if (!a->ac->watch || !*service)
		return 0;
	if (kind == KUBE_SERVICE)
		key_del(&a->refused, *service);
	return key_add(kind == KUBE_SLICE ? &a->sliced : &a->seen, *service);
}

/*
 * Whether a BOOKMARK's object (of @kind) ends a watch's initial events
 * (sendInitialEvents: the API server has sent every object there is).
 */
static bool initial_events_end(const cJSON *obj, const char *kind)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *an = cJSON_GetObjectItemCaseSensitive(m, "annotations");
	const cJSON *end = cJSON_GetObjectItemCaseSensitive(an, "k8s.io/initial-events-end");

	return cJSON_IsString(k) && !strcmp(k->valuestring, kind) &&
	       cJSON_IsString(end) && !strcmp(end->valuestring, "true");
}

/*
 * A value of an input: a watch event ({"type": ..., "object": ...}) or an
 * object (as ADDED). Put in the store; *@service is the service it
 * concerns (NULL: none). 0, or -1 with fail() set.
 */
static int take(struct apply *a, const cJSON *v, const char *name,
		unsigned int value, const char **service)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(v, "type");
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(v, "object");
	struct kube_service *svc = NULL;
	struct kube_slice *slice = NULL;
	struct kube_err err;
	enum kube_kind kind;
	bool del = false;
	int ret;

	*service = NULL;
	if (!cJSON_IsObject(v))
		return fail("%s: value %u: not an object", name, value);
	if (type || obj) {
		if (!cJSON_IsString(type))
			return fail("%s: value %u: watch event without a type", name, value);
		if (!strcmp(type->valuestring, "BOOKMARK")) {
			a->listed |= initial_events_end(obj, "Service");
			a->nodes_listed |= initial_events_end(obj, "Node");
			return 0;
		}
		if (!strcmp(type->valuestring, "ERROR"))
			return fail("%s: value %u: an ERROR event", name, value);
		if (!strcmp(type->valuestring, "DELETED"))
			del = true;
		else if (strcmp(type->valuestring, "ADDED") &&
			 strcmp(type->valuestring, "MODIFIED"))
			return fail("%s: value %u: unknown event type `%s'", name, value,
				    type->valuestring);
		if (!cJSON_IsObject(obj))
			return fail("%s: value %u: %s event without an object", name, value,
				    type->valuestring);
		v = obj;
	}
	ret = kube_object_parse(v, &kind, &svc, &slice, &err);
	if (ret < 0) {
		refused_note(a, &err, del);
		return fail("%s", err.msg);
	}
	if (ret > 0)
		return take_node(a, v, del);
	return put(a, kind, kind == KUBE_SERVICE ? (void *)svc : (void *)slice, del, service);
}

static int input_open(const char *path, bool nonblock)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;

	if (fd < 0)
		return fail("cannot open `%s': %s", path, strerror(errno));
	if (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return fail("`%s': %s", path, strerror(errno));
	return fd;
}

/* A 64-bit hash of @n bytes, eight at a time, into @h (not 0). */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;

	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = ((h ^ w) << 29 | (h ^ w) >> 35) * 0x9e3779b97f4a7c15ULL;
	}
	for (; n; n--, b++)
		h = (h ^ *b) * 0x100000001b3ULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* A string (NULL as "") and its terminating NUL, into @h. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	s = s ?: "";
	return hash_bytes(h, s, strlen(s) + 1);
}

/*
 * Every input read to its end (@in, kept for parse(); each closed once
 * read): 0, or -1 with fail() set. *@mark: a hash of the inputs, the
 * options and podnetctl's version, the mark of the state this run makes
 * (PODNET_CFG_A_APPLIED).
 */
static int load_inputs(struct apply *a, struct kube_reader *in, uint64_t *mark)
{
	const struct apply_cmd *ac = a->ac;
	uint64_t h = 0xcbf29ce484222325ULL;
	bool flags[] = { ac->masquerade_all, ac->cfg_given,
			 ac->encap == PODNET_ENCAP_NONE };
	struct kube_err err;
	unsigned int i;
	int fd, ret;

	for (i = 0; i < ac->ninputs; i++) {
		fd = input_open(ac->inputs[i], false);
		if (fd < 0)
			return -1;
		kube_reader_init(&in[i], fd, ac->inputs[i]);
		ret = kube_reader_load(&in[i], &err);
		if (fd != STDIN_FILENO)
			close(fd);
		if (ret < 0)
			return fail("%s", err.msg);
		h = hash_bytes(h, in[i].buf, in[i].len);
		h = hash_bytes(h, &in[i].len, sizeof(in[i].len));
	}
	h = hash_str(h, PODNETCTL_VERSION);
	h = hash_str(h, ac->node_name);
	h = hash_str(h, ac->zone);
	h = hash_bytes(h, flags, sizeof(flags));
	if (ac->cfg_given)
		h = hash_bytes(h, &ac->cfg, sizeof(ac->cfg));
	*mark = h;
	return 0;
}

/* The inputs loaded, into the store: 0, or -1 with fail() set. */
static int parse(struct apply *a, struct kube_reader *in)
{
	struct kube_value v;
	const char *service;
	struct kube_err err;
	unsigned int i;
	int got;

	for (i = 0; i < a->ac->ninputs; i++) {
		while ((got = kube_reader_next(&in[i], &v, &err)) != 0) {
			if (got < 0)
				return fail("%s", err.msg);
			if (v.json)
				got = take(a, v.json, in[i].name, in[i].value, &service);
			else
				got = put(a, v.kind, v.obj, false, &service);
			if (got < 0)
				return -1;
		}
	}
	return 0;
}

static void inputs_free(struct apply *a, struct kube_reader *in)
{
	unsigned int i;

	for (i = 0; i < a->ac->ninputs; i++)
		kube_reader_free(&in[i]);
}

/* The node's addresses (for the source ranges that hold one). */
static int node_ips(struct kube_opts *o)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return fail("cannot list the node's addresses: %s", strerror(errno));
	for (i = ifa; i && o->nnode_ips < KUBE_MAX_NODE_IPS; i = i->ifa_next) {
		struct kube_addr *k = &o->node_ips[o->nnode_ips];

		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			k->family = AF_INET;
			memcpy(k->b, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			k->family = AF_INET6;
			memcpy(k->b, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		o->nnode_ips++;
	}
	freeifaddrs(ifa);
	return 0;
}

/* What the kernel has: services into @applied or @foreign. */
static int load(struct apply *a)
{
	struct obj_list l = { .type = &svc_type };
	struct svc_info *copy, **slot;
	size_t i;
	int ret = 0;

	if (obj_dump(a->ipc, &l, NULL, NULL) < 0)
		return -1;
	for (i = 0; i < l.n && !ret; i++) {
		struct svc_info *svc = obj_at(&l, i);

		copy = malloc(sizeof(*copy));
		if (!copy) {
			ret = fail("out of memory");
			break;
		}
		*copy = *svc;		/* what it owns moves with it */
		svc->eps = (struct ep_list){ 0 };
		svc->addrs = NULL;
		slot = tsearch(copy, copy->owner == PODNET_OWNER_APPLY ? &a->applied :
			       &a->foreign, key_cmp);
		if (!slot || *slot != copy) {
			info_free(copy);
			if (!slot)
				ret = fail("out of memory");
		}
	}
	obj_list_free(&l);
	return ret;
}

/* Set the settings if they differ from @old, what the kernel has. */
static int settings(struct apply *a, const struct pn_cfg *old, bool *changed)
{
	*changed = false;
	if (!a->ac->cfg_given || cfg_equal(old, &a->ac->cfg))
		return 0;
	if (a->ac->dry_run) {
		fputs("config set ", stdout);
		cfg_print(&a->ac->cfg, stdout);
		putchar('\n');
		return 0;
	}
	*changed = true;
	return cfg_set_send(a->ipc, &a->ac->cfg);
}

/* Watching */

struct input {
	struct kube_reader r;
	bool done;
};

/*
 * With --nodeport-addresses, the health check servers listen on the
 * node's addresses in them alone, as kube-proxy's do (its
 * newServiceHealthServer(): nodePortAddresses.GetNodeIPs()); for a family
 * without prefixes in them, on every address of that family the node has
 * now (but IPv6 link-local ones, which need a scope).
 */
static void hc_narrow(struct apply *a)
{
	unsigned int i, j, n = 0, np = a->ac->cfg.n[CFG_NODEPORT];
	struct kube_prefix p[PODNET_CFG_MAX_PREFIXES];
	struct kube_addr in[KUBE_MAX_NODE_IPS];

	for (j = 0; j < np; j++) {
		const struct pn_prefix *q = &a->ac->cfg.p[CFG_NODEPORT][j];

		p[j].addr.family = q->addr.family;
		memcpy(p[j].addr.b, q->addr.bytes, sizeof(p[j].addr.b));
		p[j].len = q->len;
	}
	for (i = 0; i < a->o.nnode_ips; i++) {
		const struct kube_addr *ip = &a->o.node_ips[i];
		bool family = false, has = false;

		for (j = 0; j < np; j++) {
			family |= p[j].addr.family == ip->family;
			has |= kube_prefix_has(&p[j], ip);
		}
		if (!family && kube_addr_linklocal(ip))
			continue;
		for (j = 0; j < n && !kube_addr_equal(&in[j], ip); j++)
			;
		if ((has || !family) && j == n)	/* an address twice: once */
			in[n++] = *ip;
	}
	hc_addresses(a->hc, in, n);
}

struct keys {
	char **v;
	size_t n, size;
	bool nomem;
};

static void applied_key(const void *node, VISIT which, void *arg)
{
	const struct svc_info *svc = *(const struct svc_info *const *)node;
	size_t n = key_len(svc->name);
	struct keys *k = arg;
	char **v;

	if ((which != postorder && which != leaf) || !n || k->nomem)
		return;
	if (k->n == k->size) {
		v = realloc(k->v, (k->size * 2 + 16) * sizeof(*v));
		if (!v) {
			k->nomem = true;
			return;
		}
		k->v = v;
		k->size = k->size * 2 + 16;
	}
	k->v[k->n] = strndup(svc->name, n);
	if (k->v[k->n])
		k->n++;
	else
		k->nomem = true;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * --watch, once an input has sent every Service there is: the services
 * apply made whose Service was not among them go (they were deleted while
 * no watch was there to tell).
 */
static void prune(struct apply *a)
{
	struct keys k = { 0 };
	size_t i;

	twalk_r(a->applied, applied_key, &k);
	if (k.nomem)
		warn("out of memory: the services of deleted Services are kept");
	else if (k.n)
		qsort(k.v, k.n, sizeof(*k.v), str_cmp);
	for (i = 0; i < k.n && !k.nomem; i++) {
		if ((i && !strcmp(k.v[i], k.v[i - 1])) || kube_store_has(&a->st, k.v[i]) ||
		    tfind(k.v[i], &a->refused, name_cmp))
			continue;
		/* Named as gone, by the list's end. */
		if (key_add(&a->seen, k.v[i]) < 0)
			warn("%s", fail_msg());
		else
			converge(a, k.v[i]);	/* reports its errors */
		hc_between(a->hc);
	}
	for (i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
}

/*
 * --watch: the services and nodes whose change failed (or waited for
 * their Service or slices) one --sync-period ago, once more, as the
 * objects say now, and against the kernel's services as they are now (a
 * service apply did not make may have gone, or one it made changed by
 * hand).
 */
static void retry_run(struct apply *a)
{
	void *applied = a->applied, *foreign = a->foreign;
	long long now = mono_ms();
	struct retry *v;
	unsigned int i, n = 0;
	bool services = false;

	v = malloc(a->nretry * sizeof(*v) + 1);
	for (i = 0; v && i < a->nretry; i++) {
		if (a->retry[i].due > now)
			continue;
		v[n] = a->retry[i];
		v[n].name = strdup(a->retry[i].name);
		if (!v[n].name)
			break;
		services |= !v[n++].node;
	}
	if (!v || i < a->nretry) {
		warn("out of memory: what is to be tried again waits another --sync-period");
		goto later;
	}
	if (services) {
		a->applied = a->foreign = NULL;
		if (load(a) < 0) {
			warn("cannot read the services to try again: %s", fail_msg());
			tdestroy(a->applied, info_free);
			tdestroy(a->foreign, info_free);
			a->applied = applied;
			a->foreign = foreign;
			goto later;
		}
		tdestroy(applied, info_free);
		tdestroy(foreign, info_free);
	}
	/*
	 * The names stay on the list while the round goes: converge()
	 * takes off those that go in (the health server told when no
	 * service is left, not before), and sets a failure's next try.
	 */
	for (i = 0; i < n; i++) {
		if (v[i].node) {
			/* As the Node objects say now. */
			retry_note(a, v[i].name, true, !converge_nodes(a, v[i].name));
		} else if (key_add(&a->seen, v[i].name) < 0 ||
			   key_add(&a->sliced, v[i].name) < 0) {
			warn("%s", fail_msg());
			retry_note(a, v[i].name, false, false);
		} else {
			/* Waited for its Service and slices long enough. */
			converge(a, v[i].name);	/* reports its errors, notes a retry */
		}
		hc_between(a->hc);
	}
	while (n)
		free(v[--n].name);
	free(v);
	retry_next(a);
	return;
later:
	while (n)
		free(v[--n].name);
	free(v);
	for (i = 0; i < a->nretry; i++)
		if (a->retry[i].due <= now)
			a->retry[i].due = now + a->ac->sync_period;
	retry_next(a);
}

/* --watch: a Node event's change; tried again if the kernel refuses it. */
static void node_event(struct apply *a)
{
	int ret = converge_nodes(a, a->node_event);	/* reports its errors */

	if (!a->ac->dry_run)
		retry_note(a, a->node_event, true, !ret);
}

/*
 * --watch, once an input has sent every Node there is: the kernel's nodes
 * whose Node was not among them go (deleted while no watch was there to
 * tell), but not one whose Node's last event was refused.
 */
static void prune_nodes(struct apply *a)
{
	struct obj_list l = { .type = &node_type };
	struct kube_node key = { 0 };
	const struct pn_node *have;
	size_t j;
	int ret;

	if (obj_dump(a->ipc, &l, NULL, NULL) < 0) {
		warn("%s", fail_msg());
		return;
	}
	for (j = 0; j < l.n; j++) {
		have = obj_at(&l, j);
		key.name = (char *)have->name;
		if (tfind(&key, &a->nodes, node_cmp) || tfind(have->name, &a->refused, name_cmp))
			continue;
		ret = converge_nodes(a, have->name);	/* reports its errors */
		if (!a->ac->dry_run)
			retry_note(a, have->name, true, !ret);
		hc_between(a->hc);
	}
	obj_list_free(&l);
}

/* The poll() timeout: the health servers', or the next retry's if sooner. */
static int watch_timeout(const struct apply *a)
{
	int t = a->hc ? hc_timeout(a->hc) : -1;
	long long left;

	if (!a->retry_at)
		return t;
	left = a->retry_at - mono_ms();
	if (left < 0)
		left = 0;
	return t < 0 || left < t ? (int)left : t;
}

static int watch(struct apply *a)
{
	struct input in[APPLY_MAX_INPUTS] = { 0 };
	struct pollfd pfd[APPLY_MAX_INPUTS + 1], *all = NULL;
	unsigned int i, n = a->ac->ninputs, open = 0, nh = 0;
	char *zone;
	struct signalfd_siginfo si;
	const char *service;
	struct kube_value v;
	struct kube_err err;
	sigset_t sigs;
	int fd, ret = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	pfd[n].fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	pfd[n].events = POLLIN;
	if (pfd[n].fd < 0) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	for (i = 0; i < n; i++) {
		fd = input_open(a->ac->inputs[i], true);
		if (fd < 0) {
			fprintf(stderr, PROG ": %s\n", fail_msg());
			ret = EXIT_FAILED;
			goto out;
		}
		kube_reader_init(&in[i].r, fd, a->ac->inputs[i]);
		in[i].r.ahead_min = SIZE_MAX;	/* every object as JSON: events */
		pfd[i].fd = fd;
		pfd[i].events = POLLIN;
		open++;
	}
	if (!a->ac->dry_run) {
		a->hc = hc_new();
		if (!a->hc) {
			fprintf(stderr, PROG ": out of memory\n");
			ret = EXIT_FAILED;
			goto out;
		}
		if (a->ac->cfg.n[CFG_NODEPORT])
			hc_narrow(a);
		if (!a->ac->healthz_off)	/* reported; tried again */
			hc_proxy(a->hc, &a->ac->healthz_addr, a->ac->healthz_port);
		/* kube-proxy's healthTimeout: twice its sync period. */
		hc_health_timeout(a->hc, 2 * a->ac->sync_period);
	}
	while (open) {
		/*
		 * The inputs and the signals (pfd), then the sockets of the
		 * health check servers, which come and go.
		 */
		free(all);
		all = calloc(n + 1 + (a->hc ? hc_nfds(a->hc) : 0), sizeof(*all));
		if (!all) {
			fprintf(stderr, PROG ": out of memory\n");
			ret = EXIT_FAILED;
			break;
		}
		memcpy(all, pfd, (n + 1) * sizeof(*pfd));
		nh = a->hc ? hc_pollfds(a->hc, all + n + 1) : 0;
		if (poll(all, n + 1 + nh, watch_timeout(a)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			ret = EXIT_FAILED;
			break;
		}
		memcpy(pfd, all, (n + 1) * sizeof(*pfd));
		if (pfd[n].revents) {
			if (read(pfd[n].fd, &si, sizeof(si)) > 0)
				break;
		}
		if (a->hc)
			hc_serve(a->hc, all + n + 1, nh);
		for (i = 0; i < n; i++) {
			int got;

			if (in[i].done || !pfd[i].revents)
				continue;
			while ((got = kube_reader_next(&in[i].r, &v, &err)) != KUBE_AGAIN) {
				if (got == 0) {
					in[i].done = true;
					pfd[i].fd = -1;
					open--;
					break;
				}
				if (got < 0) {
					warn("%s", err.msg);
					continue;
				}
				zone = zone_of(a) ? strdup(zone_of(a)) : NULL;
				got = take(a, v.json, in[i].r.name, in[i].r.value, &service);
				if (got < 0)
					warn("%s", fail_msg());
				else if (service)
					converge(a, service);	/* reports its errors */
				else if (a->node_event)
					node_event(a);
				if (a->listed) {
					a->listed = false;
					prune(a);
				}
				if (a->nodes_listed) {
					a->nodes_listed = false;
					prune_nodes(a);
				}
				/* This node leaving: load balancers are told. */
				if (got >= 0 && a->node_event && a->ac->node_name &&
				    !strcmp(a->node_event, a->ac->node_name))
					hc_node_eligible(a->hc, node_eligible(a));
				/* This node's zone changed: every service again. */
				if (got >= 0 && !service && a->node_event &&
				    strcmp(zone ?: "", zone_of(a) ?: ""))
					kube_store_each(&a->st, converge_cb, a);
				free(zone);
				free(a->node_event);
				a->node_event = NULL;
				hc_between(a->hc);
			}
		}
		if (a->retry_at && mono_ms() >= a->retry_at)
			retry_run(a);
	}
out:
	for (i = 0; i < n; i++) {
		if (in[i].r.fd > 0)
			close(in[i].r.fd);
		kube_reader_free(&in[i].r);
	}
	close(pfd[n].fd);
	free(all);
	hc_free(a->hc);
	a->hc = NULL;
	while (a->nretry) {
		a->nretry--;
		warn("%s: its last change was never applied", a->retry[a->nretry].name);
		free(a->retry[a->nretry].name);
	}
	free(a->retry);
	a->retry = NULL;
	tdestroy(a->seen, free);
	tdestroy(a->sliced, free);
	tdestroy(a->refused, free);
	a->seen = a->sliced = a->refused = NULL;
	return ret;
}

/*
 * After a run that went through: the kernel's settings (the same lists:
 * no event) with this run's mark, so that the same run again, while
 * nothing has changed since, has nothing to read or send. A failure
 * only costs the next run its shortcut.
 */
static void mark_state(struct apply *a, const struct pn_cfg *now, uint64_t mark)
{
	struct pn_cfg cfg = a->ac->cfg_given ? a->ac->cfg : *now;

	cfg.applied = mark;
	if (cfg_set_send(a->ipc, &cfg) < 0)
		warn("cannot mark the services as applied: %s", fail_msg());
}

static int apply_run(struct ipc *ipc, struct cmd *cmd)
{
	struct apply_cmd *ac = container_of(cmd, struct apply_cmd, cmd);
	struct kube_reader in[APPLY_MAX_INPUTS] = { 0 };
	struct apply a = { .ipc = ipc, .ac = ac };
	struct pn_cfg now;
	uint64_t mark = 0;
	bool changed;
	int ret = EXIT_FAILED;

	if (ac->help) {
		apply_usage(stdout);
		return 0;
	}
	a.o.node_name = ac->node_name;
	a.o.zone = ac->zone;
	a.o.masquerade_all = ac->masquerade_all;
	if (!ac->watch && load_inputs(&a, in, &mark) < 0) {
		ret = EXIT_USAGE;	/* the input is wrong: nothing sent */
		goto err;
	}
	if (cfg_get(ipc, &now) < 0)
		goto err;
	if (!ac->watch) {
		if (now.applied == mark) {
			ret = 0;	/* the kernel is as this very run left it */
			goto out;
		}
		if (parse(&a, in) < 0) {
			ret = EXIT_USAGE;
			goto err;
		}
		inputs_free(&a, in);
	}
	if (node_ips(&a.o) < 0 || load(&a) < 0)
		goto err;
	if (settings(&a, &now, &changed) < 0)
		goto err;
	ret = ac->watch ? watch(&a) : converge(&a, NULL);
	/* Nodes after the services (their batch is all or nothing; nodes go one by one). */
	if (!ret && !ac->watch && a.nodes_seen)
		ret = converge_nodes(&a, NULL);
	if (ret && changed) {
		now.applied = 0;	/* what the mark said no longer holds */
		if (cfg_set_send(ipc, &now) < 0) {
			fprintf(stderr, PROG ": cannot put the settings back: %s\n", fail_msg());
			ret = EXIT_UNDO;
		}
	}
	if (!ret && !ac->watch && !ac->dry_run)
		mark_state(&a, &now, mark);	/* its lists, unless settings() set them */
	goto out;
err:
	fprintf(stderr, PROG ": %s\n", fail_msg());
out:
	inputs_free(&a, in);
	tdestroy(a.applied, info_free);
	tdestroy(a.foreign, info_free);
	kube_store_free(&a.st);
	tdestroy(a.nodes, node_free);
	free(a.node_event);
	return ret;
}

static void apply_print(const struct cmd *cmd, FILE *f)
{
	const struct apply_cmd *ac = container_of(cmd, const struct apply_cmd, cmd);
	unsigned int i;

	fputs("apply", f);
	for (i = 0; i < ac->ninputs; i++)
		fprintf(f, " -f %s", ac->inputs[i]);
	if (ac->watch)
		fputs(" --watch", f);
}

static void apply_free(struct cmd *cmd)
{
	struct apply_cmd *ac = container_of(cmd, struct apply_cmd, cmd);
	unsigned int i;

	for (i = 0; i < ac->ninputs; i++)
		free(ac->inputs[i]);
	free(ac->node_name);
	free(ac->zone);
	free(ac);
}

static const struct cmd_ops apply_ops = {
	.run = apply_run, .print = apply_print, .free = apply_free,
	.flags = CMD_NO_BATCH,
};

static const struct cmd_ops apply_help_ops = {
	.run = apply_run, .print = apply_print, .free = apply_free,
	.flags = CMD_LOCAL,
};

static const struct option apply_options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "watch", no_argument, NULL, 'w' },
	{ "node-name", required_argument, NULL, 'N' },
	{ "hostname-override", required_argument, NULL, 'N' },
	{ "zone", required_argument, NULL, 'z' },
	{ "cluster-cidr", required_argument, NULL, 'c' },
	{ "nodeport-addresses", required_argument, NULL, 'a' },
	{ "service-cidr", required_argument, NULL, 's' },
	{ "masquerade-all", no_argument, NULL, 'm' },
	{ "encap", required_argument, NULL, 'e' },
	{ "dry-run", no_argument, NULL, 'D' },
	{ "healthz-bind-address", required_argument, NULL, 'H' },
	{ "sync-period", required_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 },
};

/*
 * --healthz-bind-address: "ADDR:PORT", "[ADDR]:PORT", or ADDR alone (port
 * 10256), as kube-proxy reads it; "" for none (podnet's).
 */
static int healthz_parse(struct apply_cmd *ac, const char *arg)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(arg, ':'), *given = arg;
	unsigned long port;
	size_t len;

	ac->healthz_off = !*arg;
	if (!*arg)
		return 0;
	if (!kube_addr_parse(arg, &ac->healthz_addr)) {
		ac->healthz_port = 10256;
		return 0;
	}
	len = colon ? (size_t)(colon - arg) : 0;
	if (len && arg[0] == '[' && arg[len - 1] == ']') {
		arg++;
		len -= 2;
	}
	if (!colon || !len || len >= sizeof(buf) || !num_parse(colon + 1, 65535, &port))
		return fail("apply: --healthz-bind-address `%s': ADDR:PORT, e.g. 0.0.0.0:10256",
			    given);
	memcpy(buf, arg, len);
	buf[len] = '\0';
	if (kube_addr_parse(buf, &ac->healthz_addr) < 0)
		return fail("apply: --healthz-bind-address: `%s' is not an IP address", buf);
	ac->healthz_port = port;
	return 0;
}

/*
 * --sync-period: a Go duration, as kube-proxy reads it (time.ParseDuration:
 * "30s", "1m30s", "1.5h", "+2s"): numbers, each with a unit (ns, us, µs,
 * ms, s, m, h); from 1s (kube-proxy's --min-sync-period, under which it
 * refuses a --sync-period) to 24h. In ms, rounded up.
 */
static int duration_parse(const char *arg, long long *ms)
{
	static const struct { const char *unit; unsigned long long ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	const unsigned long long max = 24 * 3600000000000ULL;
	unsigned long long total = 0;
	const char *p = arg;

	if (*p == '+')
		p++;
	do {
		unsigned long long whole = 0, frac = 0, scale = 1, ns;
		size_t len, best = 0, u = 0, i;
		bool digits = false;

		for (; *p >= '0' && *p <= '9'; p++, digits = true) {
			whole = whole * 10 + (*p - '0');
			if (whole > max)
				goto bad;
		}
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (*p - '0');
					scale *= 10;
				}
			}
		}
		if (!digits)
			goto bad;
		for (i = 0; i < ARRAY_SIZE(units); i++) {
			len = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, len) && len > best) {
				best = len;
				u = i;
			}
		}
		if (!best)
			goto bad;
		p += best;
		ns = units[u].ns;
		if (whole > max / ns)
			goto bad;
		/* The fraction: frac / scale of a unit, to the nanosecond. */
		total += whole * ns + (unsigned long long)((long double)frac * ns / scale);
		if (total > max)
			goto bad;
	} while (*p);
	if (total < 1000000000ULL)
		goto bad;
	*ms = (total + 999999) / 1000000;
	return 0;
bad:
	return fail("apply: --sync-period `%s': a duration from 1s to 24h, e.g. 30s or 1m30s",
		    arg);
}

static int apply_opt(struct apply_cmd *ac, int c, const char *arg, char **argv)
{
	switch (c) {
	case 'f':
		if (ac->ninputs == APPLY_MAX_INPUTS)
			return fail("too many inputs (at most %d)", APPLY_MAX_INPUTS);
		ac->inputs[ac->ninputs] = strdup(arg);
		if (!ac->inputs[ac->ninputs++])
			return fail("out of memory");
		return 0;
	case 'w':
		ac->watch = true;
		return 0;
	case 'N':
	case 'z':
		if (!*arg)
			return fail("`%s' needs a value", argv[optind - 1]);
		free(c == 'N' ? ac->node_name : ac->zone);
		if (c == 'N')
			ac->node_name = strdup(arg);
		else
			ac->zone = strdup(arg);
		return (c == 'N' ? ac->node_name : ac->zone) ? 0 : fail("out of memory");
	case 'c':
	case 'a':
	case 's':
		ac->cfg_given = true;
		return cfg_list_parse(arg, &ac->cfg, c == 'c' ? CFG_CLUSTER :
				      c == 'a' ? CFG_NODEPORT : CFG_SERVICE);
	case 'm':
		ac->masquerade_all = true;
		return 0;
	case 'e':
		if (!strcmp(arg, "vxlan"))
			ac->encap = PODNET_ENCAP_VXLAN;
		else if (!strcmp(arg, "none") || !strcmp(arg, "host-gw"))
			ac->encap = PODNET_ENCAP_NONE;
		else
			return fail("apply: --encap `%s': vxlan or none", arg);
		return 0;
	case 'D':
		ac->dry_run = true;
		return 0;
	case 'H':
		return healthz_parse(ac, arg);
	case 'P':
		return duration_parse(arg, &ac->sync_period);
	case ':':
		return fail("apply: option `%s' needs an argument", argv[optind - 1]);
	default:
		return fail("apply: unknown option `%s'", argv[optind - 1]);
	}
}

int apply_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct apply_cmd *ac;
	int c;

	ac = calloc(1, sizeof(*ac));
	if (!ac)
		return fail("out of memory");
	ac->cmd.ops = &apply_ops;
	/* kube-proxy's default --healthz-bind-address, 0.0.0.0:10256. */
	ac->healthz_addr.family = AF_INET;
	ac->healthz_port = 10256;
	ac->sync_period = 30000;	/* kube-proxy's default --sync-period */
	if (argc == 1 && !strcmp(argv[0], "help")) {
		ac->help = true;
		ac->cmd.ops = &apply_help_ops;
		*cmdp = &ac->cmd;
		return 0;
	}
	/*
	 * apply needs the kernel's services even to print what it would
	 * change: podnetctl --dry-run apply means apply --dry-run.
	 */
	ac->dry_run = opts.dry_run;
	opts.dry_run = false;
	/* argv[-1] is "apply", getopt's program name. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "+:f:", apply_options, NULL)) != -1)
		if (apply_opt(ac, c, optarg, argv - 1) < 0)
			goto err;
	if (optind <= argc) {
		fail("apply: unexpected argument `%s'", argv[optind - 1]);
		goto err;
	}
	if (!ac->ninputs) {
		fail("apply needs an input (-f FILE, - for standard input)");
		goto err;
	}
	*cmdp = &ac->cmd;
	return 0;
err:
	apply_free(&ac->cmd);
	return -1;
}

void apply_usage(FILE *f)
{
	fputs("Usage: " PROG " apply -f FILE|- [-f FILE]... [--watch] [--node-name NAME]\n"
	      "           [--zone ZONE] [--cluster-cidr P[,P]...] [--nodeport-addresses P[,P]...]\n"
	      "           [--service-cidr P[,P]...] [--masquerade-all] [--encap vxlan|none]\n"
	      "           [--healthz-bind-address ADDR:PORT] [--sync-period DURATION]\n"
	      "           [--dry-run]\n"
	      "Make the services what the Service and EndpointSlice objects in FILE say,\n"
	      "as kube-proxy (nftables mode) would: FILE holds what `kubectl get\n"
	      "nodes,services,endpointslices -A -o json' prints (a List, objects one after\n"
	      "another, or watch events). Node objects, when there are any, make the\n"
	      "other nodes (" PROG " help node) what they say, after the services: their\n"
	      "podCIDRs, InternalIPs and flannel's annotations (public-ip, backend-type,\n"
	      "VtepMAC); --encap (default vxlan) where no backend-type says.\n"
	      "Services apply made that the objects no\n"
	      "longer have are deleted; others are left alone. Only what differs is\n"
	      "sent, all or nothing; --dry-run prints it instead. The options are\n"
	      "kube-proxy's: --node-name (--hostname-override) makes endpoints on that\n"
	      "node local, --zone picks zone hints; the prefixes set the namespace's\n"
	      "settings (" PROG " help config) when given.\n"
	      "--watch: then apply each watch event (kubectl get --watch\n"
	      "--output-watch-events -o json) as it comes, until every input ends or\n"
	      "SIGTERM; a bad event is reported and skipped. Meanwhile it answers\n"
	      "health checks as kube-proxy does: on each healthCheckNodePort, and\n"
	      "/healthz, /livez on --healthz-bind-address (0.0.0.0:10256; \"\": none).\n"
	      "A service's change that fails is tried again every --sync-period (30s);\n"
	      "/healthz says 503 once one has waited twice that.\n", f);
}
