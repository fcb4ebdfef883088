// SPDX-License-Identifier: GPL-2.0
/*
 * v1 Node objects: what another node of the cluster tells this one about
 * reaching its pods. spec.podCIDRs (or spec.podCIDR), the first
 * InternalIP of each family in status.addresses, and flannel's
 * annotations where a flannel node left them: public-ip and public-ipv6
 * (its address on the underlay, before the InternalIP), backend-type
 * (vxlan or host-gw) and backend-data's VtepMAC (backend-v6-data's for a
 * node with no IPv4 address: its flannel-v6.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kube.h"
#include "parse.h"

#define FLANNEL "flannel.alpha.coreos.com/"

void kube_node_free(struct kube_node *n)
{
	if (n) {
		free(n->name);
		free(n->zone);
		free(n);
	}
}

/* @a as @n's address of its family: if it has none, or @replace. */
static void node_addr(struct kube_node *n, const struct kube_addr *a, bool replace)
{
	unsigned int i;

	for (i = 0; i < n->naddr && n->addr[i].family != a->family; i++)
		;
	if (i == n->naddr)
		n->naddr++;
	else if (!replace)
		return;
	n->addr[i] = *a;
}

static int node_cidrs(struct ctx *c, const cJSON *spec, struct kube_node *n)
{
	const cJSON *cidrs, *v;
	const char *one;
	struct kube_prefix p;
	const char *f;
	unsigned int i = 0, k;

	if (kube_get_node(c, spec, "podCIDRs", "spec.podCIDRs", true, &cidrs) < 0 ||
	    kube_get_str(c, spec, "podCIDR", "spec.podCIDR", &one) < 0)
		return -1;
	if (!cidrs) {
		if (!one)
			return 0;
		if (kube_prefix_parse(one, &n->cidr[0]) < 0)
			return kube_bad(c, "spec.podCIDR", "`%s' is not a prefix", one);
		n->ncidr = 1;
		return 0;
	}
	cJSON_ArrayForEach(v, cidrs) {
		f = kube_at(c, "spec.podCIDRs[%u]", i++);
		if (!cJSON_IsString(v) || kube_prefix_parse(v->valuestring, &p) < 0)
			return kube_bad(c, f, "not a prefix");
		for (k = 0; k < n->ncidr; k++)
			if (n->cidr[k].addr.family == p.addr.family)
				return kube_bad(c, f, "a second prefix of one family");
		n->cidr[n->ncidr++] = p;
	}
	return 0;
}

static int node_addrs(struct ctx *c, const cJSON *obj, struct kube_node *n)
{
	const cJSON *status, *addrs, *v;
	const char *type, *s;
	struct kube_addr a;
	unsigned int i = 0;
	const char *f;

	if (kube_get_node(c, obj, "status", "status", false, &status) < 0 ||
	    (status && kube_get_node(c, status, "addresses", "status.addresses",
				     true, &addrs) < 0))
		return -1;
	if (!status || !addrs)
		return 0;
	cJSON_ArrayForEach(v, addrs) {
		f = kube_at(c, "status.addresses[%u]", i++);
		if (!cJSON_IsObject(v))
			return kube_bad(c, f, "not an object");
		if (kube_get_str(c, v, "type", f, &type) < 0 ||
		    kube_get_str(c, v, "address", f, &s) < 0)
			return -1;
		if (!type || strcmp(type, "InternalIP"))
			continue;
		if (!s || kube_addr_parse(s, &a) < 0)
			return kube_bad(c, f, "InternalIP `%s' is not an IP address",
					s ? s : "");
		node_addr(n, &a, false);
	}
	return 0;
}

static int mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return mac[0] & 1 ? -1 : 0;	/* unicast */
}

/* flannel's annotations: its underlay addresses first, its backend. */
static int node_flannel(struct ctx *c, const cJSON *obj, struct kube_node *n)
{
	const cJSON *meta = kube_member(obj, "metadata");
	const char *ip4, *ip6, *type, *data4, *data6, *data, *key;
	const cJSON *ann, *mac;
	struct kube_addr a;
	bool v4 = false, v6 = false;
	unsigned int i;
	cJSON *d;

	if (kube_get_node(c, meta, "annotations", "metadata.annotations", false, &ann) < 0)
		return -1;
	if (!ann)
		return 0;
	if (kube_get_str(c, ann, FLANNEL "public-ip", "metadata.annotations", &ip4) < 0 ||
	    kube_get_str(c, ann, FLANNEL "public-ipv6", "metadata.annotations", &ip6) < 0 ||
	    kube_get_str(c, ann, FLANNEL "backend-type", "metadata.annotations", &type) < 0 ||
	    kube_get_str(c, ann, FLANNEL "backend-data", "metadata.annotations", &data4) < 0 ||
	    kube_get_str(c, ann, FLANNEL "backend-v6-data", "metadata.annotations", &data6) < 0)
		return -1;
	if (ip4 && (kube_addr_parse(ip4, &a) < 0 || a.family != AF_INET))
		return kube_bad(c, "metadata.annotations", FLANNEL "public-ip `%s' is not an IPv4 address",
				ip4);
	if (ip4)
		node_addr(n, &a, true);
	if (ip6 && (kube_addr_parse(ip6, &a) < 0 || a.family != AF_INET6))
		return kube_bad(c, "metadata.annotations", FLANNEL "public-ipv6 `%s' is not an IPv6 address",
				ip6);
	if (ip6)
		node_addr(n, &a, true);
	if (type && !strcmp(type, "host-gw"))
		n->encap = KUBE_ENCAP_NONE;
	else if (type && !strcmp(type, "vxlan"))
		n->encap = KUBE_ENCAP_VXLAN;
	else if (type)
		return kube_bad(c, "metadata.annotations", FLANNEL "backend-type `%s': podnet speaks vxlan and host-gw",
				type);
	/*
	 * The VTEP podnet's tunnel reaches: flannel.1's (backend-data) over
	 * IPv4, as podnet.1 goes when the node has an IPv4 address; an
	 * IPv6-only node's is flannel-v6.1 (backend-v6-data).
	 */
	for (i = 0; i < n->naddr; i++) {
		v4 |= n->addr[i].family == AF_INET;
		v6 |= n->addr[i].family == AF_INET6;
	}
	data = v6 && !v4 ? data6 : data4;
	key = v6 && !v4 ? FLANNEL "backend-v6-data" : FLANNEL "backend-data";
	if (!data || n->encap != KUBE_ENCAP_VXLAN)
		return 0;
	d = cJSON_Parse(data);
	mac = d ? kube_member(d, "VtepMAC") : NULL;
	if (mac && (!cJSON_IsString(mac) || mac_parse(mac->valuestring, n->mac) < 0)) {
		cJSON_Delete(d);
		return kube_bad(c, "metadata.annotations", "%s: VtepMAC is not a unicast MAC address",
				key);
	}
	n->has_mac = mac != NULL;
	cJSON_Delete(d);
	if (!n->has_mac && data[0] && strcmp(data, "null"))
		return kube_bad(c, "metadata.annotations", "%s: no VtepMAC", key);
	return 0;
}

/*
 * Whether the node is on its way out, as kube-proxy's /healthz tells load
 * balancers (nodeEligible, KEP-3836): deleted, or tainted by the cluster
 * autoscaler to be.
 */
static int node_leaving(struct ctx *c, const cJSON *meta, const cJSON *spec,
			struct kube_node *n)
{
	const cJSON *taints, *t;
	const char *del, *key;
	unsigned int i = 0;

	if (kube_get_str(c, meta, "deletionTimestamp", "metadata.deletionTimestamp", &del) < 0 ||
	    (spec && kube_get_node(c, spec, "taints", "spec.taints", true, &taints) < 0))
		return -1;
	n->leaving = del;
	if (!spec || !taints)
		return 0;
	cJSON_ArrayForEach(t, taints) {
		const char *f = kube_at(c, "spec.taints[%u]", i++);

		if (!cJSON_IsObject(t))
			return kube_bad(c, f, "not an object");
		if (kube_get_str(c, t, "key", f, &key) < 0)
			return -1;
		if (key && !strcmp(key, "ToBeDeletedByClusterAutoscaler"))
			n->leaving = true;
	}
	return 0;
}

static int node_parse(struct ctx *c, const cJSON *obj, struct kube_node **node)
{
	const cJSON *v, *meta, *spec, *labels;
	const char *name, *zone = NULL;
	struct kube_node *n;

	*node = NULL;
	v = kube_member(obj, "kind");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "Node"))
		return 1;
	v = kube_member(obj, "apiVersion");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "v1"))
		return 1;
	if (kube_get_node(c, obj, "metadata", "metadata", false, &meta) < 0)
		return -1;
	if (!meta)
		return kube_bad(c, "metadata", "missing");
	if (kube_get_str(c, meta, "name", "metadata.name", &name) < 0)
		return -1;
	if (!name)
		return kube_bad(c, "metadata.name", "missing");
	snprintf(c->key, sizeof(c->key), "%s", name);
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name))) {
		kube_node_free(n);
		return kube_fail(c->err, "out of memory");
	}
	n->encap = -1;
	/* The zone kube-proxy takes its topology from (topologyLabels). */
	if (kube_get_node(c, meta, "labels", "metadata.labels", false, &labels) < 0 ||
	    (labels && kube_get_str(c, labels, "topology.kubernetes.io/zone",
				    "metadata.labels[topology.kubernetes.io/zone]", &zone) < 0)) {
		kube_node_free(n);
		return -1;
	}
	if (zone && !(n->zone = strdup(zone))) {
		kube_node_free(n);
		return kube_fail(c->err, "out of memory");
	}
	if (kube_get_node(c, obj, "spec", "spec", false, &spec) < 0 ||
	    (spec && node_cidrs(c, spec, n) < 0) ||
	    node_addrs(c, obj, n) < 0 || node_flannel(c, obj, n) < 0 ||
	    node_leaving(c, meta, spec, n) < 0) {
		kube_node_free(n);
		return -1;
	}
	*node = n;
	return 0;
}

int kube_node_parse(const cJSON *obj, struct kube_node **node, struct kube_err *err)
{
	struct ctx c = { .kind = "Node", .err = err };
	int ret;

	err->key[0] = '\0';
	snprintf(c.key, sizeof(c.key), "?");
	ret = node_parse(&c, obj, node);
	if (ret < 0 && strcmp(c.key, "?"))
		snprintf(err->key, sizeof(err->key), "%s", c.key);
	return ret;
}
