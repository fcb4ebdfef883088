// SPDX-License-Identifier: GPL-2.0
/*
 * Service and EndpointSlice objects (JSON) to struct kube_service and
 * struct kube_slice: every field podnet reads is checked for its type and
 * range, and an error names the object and the field, as
 * "Service default/web: spec.ports[0].port: ...".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kube.h"
#include "parse.h"

int kube_fail(struct kube_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * An IPv4 address whose numbers have leading zeros, read as decimal, as
 * Kubernetes reads the addresses the API server took before it refused
 * them (k8s.io/utils/net ParseIPSloppy(); kube-proxy's TestBadIPs).
 */
static int ipv4_sloppy(const char *s, uint8_t *b)
{
	unsigned int i, v;

	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return -1;
		if (!isdigit((unsigned char)*s))
			return -1;
		for (v = 0; isdigit((unsigned char)*s); s++) {
			v = v * 10 + (*s - '0');
			if (v > 255)
				return -1;
		}
		b[i] = v;
	}
	return *s ? -1 : 0;
}

int kube_addr_parse(const char *s, struct kube_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1 || !ipv4_sloppy(s, a->b)) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int kube_prefix_parse(const char *s, struct kube_prefix *p)
{
	char buf[64], *slash, *end;
	unsigned int i, max;
	long len;

	while (isspace((unsigned char)*s))
		s++;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (i = strlen(buf); i && isspace((unsigned char)buf[i - 1]); i--)
		buf[i - 1] = '\0';
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(p, 0, sizeof(*p));
	if (kube_addr_parse(buf, &p->addr) < 0)
		return -1;
	max = p->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		len = strtol(slash + 1, &end, 10);
		if (*end || len > (long)max)
			return -1;
	}
	p->len = len;
	for (i = 0; i < 16; i++) {
		if ((long)i * 8 >= len)
			p->addr.b[i] = 0;
		else if ((long)i * 8 + 8 > len)
			p->addr.b[i] &= 0xff << (8 - (len - i * 8));
	}
	return 0;
}

bool kube_prefix_has(const struct kube_prefix *p, const struct kube_addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (p->addr.family != a->family || memcmp(p->addr.b, a->b, full))
		return false;
	return !rest || !((p->addr.b[full] ^ a->b[full]) & (0xff << (8 - rest)));
}

bool kube_addr_equal(const struct kube_addr *a, const struct kube_addr *b)
{
	return a->family == b->family && !memcmp(a->b, b->b, 16);
}

bool kube_addr_linklocal(const struct kube_addr *a)
{
	struct in6_addr x;

	if (a->family != AF_INET6)
		return false;
	memcpy(&x, a->b, sizeof(x));
	return IN6_IS_ADDR_LINKLOCAL(&x);
}

int kube_bad(struct ctx *c, const char *field, const char *fmt, ...)
{
	char what[300], path[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), field, c->idx);
	return kube_fail(c->err, "%s %s: %s: %s", c->kind, c->key, path, what);
}

const cJSON *kube_member(const cJSON *o, const char *name)
{
	const cJSON *m;

	if (!o || !name)
		return NULL;
	for (m = o->child; m; m = m->next)
		if (m->string && m->string[0] == name[0] && !strcmp(m->string, name))
			return m;
	return NULL;
}

int kube_get_str(struct ctx *c, const cJSON *o, const char *name,
		 const char *field, const char **out)
{
	const cJSON *v = kube_member(o, name);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return kube_bad(c, field, "not a string");
	/* "" is Go's zero value: kube-proxy cannot tell it from absent. */
	if (*v->valuestring)
		*out = v->valuestring;
	return 0;
}

/* An optional integer member from @min to @max; @def if absent. */
static int get_int(struct ctx *c, const cJSON *o, const char *name,
		   const char *field, long min, long max, long def, long *out)
{
	const cJSON *v = kube_member(o, name);

	*out = def;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long)v->valuedouble ||
	    v->valuedouble < min || v->valuedouble > max)
		return kube_bad(c, field, "not an integer from %ld to %ld", min, max);
	*out = (long)v->valuedouble;
	return 0;
}

/* An optional boolean member; -1 if absent (read as the caller says). */
static int get_bool(struct ctx *c, const cJSON *o, const char *name,
		    const char *field, int *out)
{
	const cJSON *v = kube_member(o, name);

	*out = -1;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return kube_bad(c, field, "not a boolean");
	*out = cJSON_IsTrue(v);
	return 0;
}

int kube_get_node(struct ctx *c, const cJSON *o, const char *name,
		  const char *field, bool array, const cJSON **out)
{
	const cJSON *v = kube_member(o, name);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
		return kube_bad(c, field, "not an %s", array ? "array" : "object");
	*out = v;
	return 0;
}

static int proto_parse(struct ctx *c, const cJSON *o, const char *field,
		       uint8_t *proto)
{
	const char *s;

	if (kube_get_str(c, o, "protocol", field, &s) < 0)
		return -1;
	if (!s || !strcmp(s, "TCP"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "UDP"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "SCTP"))
		*proto = IPPROTO_SCTP;
	else
		return kube_bad(c, field, "protocol `%s' is not TCP, UDP or SCTP", s);
	return 0;
}

/* metadata.namespace/name into c->key; its labels into *@labels. */
static int meta_parse(struct ctx *c, const cJSON *obj, const cJSON **labels)
{
	const char *ns, *name;
	const cJSON *meta;

	snprintf(c->key, sizeof(c->key), "?");
	if (kube_get_node(c, obj, "metadata", "metadata", false, &meta) < 0)
		return -1;
	if (!meta)
		return kube_bad(c, "metadata", "missing");
	if (kube_get_str(c, meta, "name", "metadata.name", &name) < 0 ||
	    kube_get_str(c, meta, "namespace", "metadata.namespace", &ns) < 0)
		return -1;
	if (!name)
		return kube_bad(c, "metadata.name", "missing");
	snprintf(c->key, sizeof(c->key), "%s/%s", ns ?: "default", name);
	return kube_get_node(c, meta, "labels", "metadata.labels", false, labels);
}

static bool has_label(const cJSON *labels, const char *name)
{
	return labels && kube_member(labels, name);
}

/* An array of address strings into a new array of @max at most. */
static int addrs_parse(struct ctx *c, const cJSON *arr, const char *field,
		       struct kube_addr **out, unsigned int *n)
{
	const cJSON *v;
	const char *f;
	unsigned int i = 0;

	*n = 0;
	*out = NULL;
	if (!arr)
		return 0;
	*out = calloc(cJSON_GetArraySize(arr) + 1, sizeof(**out));
	if (!*out)
		return kube_fail(c->err, "out of memory");
	cJSON_ArrayForEach(v, arr) {
		f = kube_at(c, field, i++);
		if (!cJSON_IsString(v))
			return kube_bad(c, f, "not a string");
		if (kube_addr_parse(v->valuestring, &(*out)[*n]) < 0)
			return kube_bad(c, f, "`%s' is not an IP address", v->valuestring);
		(*n)++;
	}
	return 0;
}

void kube_service_free(struct kube_service *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->nports; i++)
		free(s->ports[i].name);
	free(s->ports);
	free(s->ext);
	free(s->lb);
	free(s->ranges);
	free(s->key);
	free(s);
}

static int service_ports(struct ctx *c, const cJSON *spec, struct kube_service *s)
{
	const cJSON *ports, *p;
	const char *name;
	const char *f;
	long n;

	if (kube_get_node(c, spec, "ports", "spec.ports", true, &ports) < 0)
		return -1;
	if (!ports)
		return 0;
	s->ports = calloc(cJSON_GetArraySize(ports) + 1, sizeof(*s->ports));
	if (!s->ports)
		return kube_fail(c->err, "out of memory");
	cJSON_ArrayForEach(p, ports) {
		struct kube_svc_port *sp = &s->ports[s->nports];

		f = kube_at(c, "spec.ports[%u]", s->nports);
		if (!cJSON_IsObject(p))
			return kube_bad(c, f, "not an object");
		s->nports++;
		f = kube_at(c, "spec.ports[%u].name", s->nports - 1);
		if (kube_get_str(c, p, "name", f, &name) < 0)
			return -1;
		sp->name = strdup(name ?: "");
		if (!sp->name)
			return kube_fail(c->err, "out of memory");
		f = kube_at(c, "spec.ports[%u].protocol", s->nports - 1);
		if (proto_parse(c, p, f, &sp->proto) < 0)
			return -1;
		f = kube_at(c, "spec.ports[%u].port", s->nports - 1);
		if (get_int(c, p, "port", f, 1, 65535, 0, &n) < 0)
			return -1;
		if (!n)
			return kube_bad(c, f, "missing");
		sp->port = n;
		/* 0, Go's zero value, is none: newBaseServiceInfo(). */
		f = kube_at(c, "spec.ports[%u].nodePort", s->nports - 1);
		if (get_int(c, p, "nodePort", f, 0, 65535, 0, &n) < 0)
			return -1;
		sp->nodeport = n;
	}
	return 0;
}

/*
 * As kube-proxy: a service without a clusterIP ("" or None) is skipped
 * (ShouldSkipService()); without ipFamilies its clusterIP is its one
 * address, with them clusterIPs[i] is its address of ipFamilies[i]
 * (GetClusterIPByFamily()).
 */
static int service_ips(struct ctx *c, const cJSON *spec, struct kube_service *s)
{
	const cJSON *ips, *fams, *fam, *v;
	const char *ip, *f;
	unsigned int i = 0;
	int family;

	if (kube_get_node(c, spec, "clusterIPs", "spec.clusterIPs", true, &ips) < 0 ||
	    kube_get_node(c, spec, "ipFamilies", "spec.ipFamilies", true, &fams) < 0 ||
	    kube_get_str(c, spec, "clusterIP", "spec.clusterIP", &ip) < 0)
		return -1;
	if (!ip || !strcmp(ip, "None")) {
		s->ignored = true;	/* headless, or none yet */
		return 0;
	}
	if (!fams || !cJSON_GetArraySize(fams)) {
		if (kube_addr_parse(ip, &s->ips[0]) < 0)
			return kube_bad(c, "spec.clusterIP", "`%s' is not an IP address", ip);
		s->nips = 1;
		return 0;
	}
	cJSON_ArrayForEach(fam, fams) {
		f = kube_at(c, "spec.ipFamilies[%u]", i);
		if (!cJSON_IsString(fam) || (strcmp(fam->valuestring, "IPv4") &&
					     strcmp(fam->valuestring, "IPv6")))
			return kube_bad(c, f, "not IPv4 or IPv6");
		family = strcmp(fam->valuestring, "IPv4") ? AF_INET6 : AF_INET;
		v = cJSON_GetArrayItem(ips, i);
		f = kube_at(c, "spec.clusterIPs[%u]", i++);
		if (!v)
			continue;	/* none of that family yet */
		if (!cJSON_IsString(v))
			return kube_bad(c, f, "not a string");
		if (!*v->valuestring || !strcmp(v->valuestring, "None"))
			continue;	/* none of that family */
		if (s->nips == 2)
			return kube_bad(c, f, "more than two cluster IPs");
		if (kube_addr_parse(v->valuestring, &s->ips[s->nips]) < 0)
			return kube_bad(c, f, "`%s' is not an IP address", v->valuestring);
		if (s->ips[s->nips].family != family)
			return kube_bad(c, f, "`%s' is not of spec.ipFamilies[%u]",
					v->valuestring, i - 1);
		if (s->nips && s->ips[0].family == s->ips[1].family)
			return kube_bad(c, f, "two cluster IPs of one family");
		s->nips++;
	}
	if (!s->nips)
		s->ignored = true;
	return 0;
}

static int service_lb(struct ctx *c, const cJSON *obj, const cJSON *spec,
		      struct kube_service *s)
{
	const cJSON *status, *lb, *ingress, *v, *ranges;
	const char *ip, *mode;
	const char *f;
	unsigned int i = 0;

	if (kube_get_node(c, spec, "loadBalancerSourceRanges",
			  "spec.loadBalancerSourceRanges", true, &ranges) < 0)
		return -1;
	if (ranges) {
		s->ranges = calloc(cJSON_GetArraySize(ranges) + 1, sizeof(*s->ranges));
		if (!s->ranges)
			return kube_fail(c->err, "out of memory");
		cJSON_ArrayForEach(v, ranges) {
			f = kube_at(c, "spec.loadBalancerSourceRanges[%u]", i++);
			if (!cJSON_IsString(v))
				return kube_bad(c, f, "not a string");
			if (kube_prefix_parse(v->valuestring, &s->ranges[s->nranges]) < 0)
				return kube_bad(c, f, "`%s' is not a CIDR", v->valuestring);
			s->nranges++;
		}
	}
	if (kube_get_node(c, obj, "status", "status", false, &status) < 0 ||
	    (status && kube_get_node(c, status, "loadBalancer",
				     "status.loadBalancer", false, &lb) < 0))
		return -1;
	if (!status || !lb)
		return 0;
	if (kube_get_node(c, lb, "ingress", "status.loadBalancer.ingress", true,
			  &ingress) < 0)
		return -1;
	if (!ingress)
		return 0;
	s->lb = calloc(cJSON_GetArraySize(ingress) + 1, sizeof(*s->lb));
	if (!s->lb)
		return kube_fail(c->err, "out of memory");
	i = 0;
	cJSON_ArrayForEach(v, ingress) {
		f = kube_at(c, "status.loadBalancer.ingress[%u]", i++);
		if (!cJSON_IsObject(v))
			return kube_bad(c, f, "not an object");
		if (kube_get_str(c, v, "ip", f, &ip) < 0 ||
		    kube_get_str(c, v, "ipMode", f, &mode) < 0)
			return -1;
		/*
		 * A hostname only, or a proxy in the way: not a VIP here. An
		 * ipMode of "" is set, and not VIP (IsVIPMode()).
		 */
		if (!ip || (mode && !strcmp(mode, "Proxy")) ||
		    (!mode && cJSON_IsString(kube_member(v, "ipMode"))))
			continue;
		if (mode && strcmp(mode, "VIP"))
			return kube_bad(c, f, "ipMode `%s' is not VIP or Proxy", mode);
		if (kube_addr_parse(ip, &s->lb[s->nlb]) < 0)
			return kube_bad(c, f, "ip `%s' is not an IP address", ip);
		s->nlb++;
	}
	return 0;
}

static int policy_parse(struct ctx *c, const cJSON *spec, const char *name,
			const char *f, bool *local)
{
	const char *s;

	if (kube_get_str(c, spec, name, f, &s) < 0)
		return -1;
	if (s && strcmp(s, "Local") && strcmp(s, "Cluster"))
		return kube_bad(c, f, "`%s' is not Cluster or Local", s);
	*local = s && !strcmp(s, "Local");
	return 0;
}

static int service_parse(struct ctx *c, const cJSON *obj, struct kube_service *s)
{
	const cJSON *labels, *spec, *cfg = NULL, *cip = NULL, *ext;
	const char *type, *aff;
	long timeout, hc;

	if (meta_parse(c, obj, &labels) < 0)
		return -1;
	s->key = strdup(c->key);
	if (!s->key)
		return kube_fail(c->err, "out of memory");
	if (kube_get_node(c, obj, "spec", "spec", false, &spec) < 0)
		return -1;
	if (!spec)
		return kube_bad(c, "spec", "missing");
	if (kube_get_str(c, spec, "type", "spec.type", &type) < 0)
		return -1;
	if (type && strcmp(type, "ClusterIP") && strcmp(type, "NodePort") &&
	    strcmp(type, "LoadBalancer") && strcmp(type, "ExternalName"))
		return kube_bad(c, "spec.type", "`%s' is not ClusterIP, NodePort, LoadBalancer or ExternalName",
				type);
	if (service_ips(c, spec, s) < 0 || service_ports(c, spec, s) < 0 ||
	    kube_get_node(c, spec, "externalIPs", "spec.externalIPs", true, &ext) < 0 ||
	    addrs_parse(c, ext, "spec.externalIPs[%u]", &s->ext, &s->next) < 0 ||
	    service_lb(c, obj, spec, s) < 0 ||
	    policy_parse(c, spec, "externalTrafficPolicy",
			 "spec.externalTrafficPolicy", &s->etp_local) < 0 ||
	    policy_parse(c, spec, "internalTrafficPolicy",
			 "spec.internalTrafficPolicy", &s->itp_local) < 0 ||
	    kube_get_str(c, spec, "sessionAffinity", "spec.sessionAffinity", &aff) < 0)
		return -1;
	if (aff && strcmp(aff, "None") && strcmp(aff, "ClientIP"))
		return kube_bad(c, "spec.sessionAffinity", "`%s' is not None or ClientIP", aff);
	if (aff && !strcmp(aff, "ClientIP")) {
		if (kube_get_node(c, spec, "sessionAffinityConfig",
				  "spec.sessionAffinityConfig", false, &cfg) < 0 ||
		    (cfg && kube_get_node(c, cfg, "clientIP",
					  "spec.sessionAffinityConfig.clientIP",
					  false, &cip) < 0) ||
		    (cip && get_int(c, cip, "timeoutSeconds",
				    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
				    1, 86400, KUBE_AFFINITY_DEFAULT, &timeout) < 0))
			return -1;
		s->affinity = cip ? timeout : KUBE_AFFINITY_DEFAULT;
	}
	/*
	 * apiservice.ExternalPolicyLocal(): Local only where the service is
	 * reachable otherwise than by its ClusterIP (an absent type is no
	 * ClusterIP there).
	 */
	if (!type || (strcmp(type, "NodePort") && strcmp(type, "LoadBalancer") &&
		      (strcmp(type, "ClusterIP") || !s->next)))
		s->etp_local = false;
	/* apiservice.NeedsHealthCheck(): LoadBalancer and Local. */
	if (get_int(c, spec, "healthCheckNodePort", "spec.healthCheckNodePort",
		    0, 65535, 0, &hc) < 0)
		return -1;
	if (type && !strcmp(type, "LoadBalancer") && s->etp_local)
		s->hc_port = hc;
	if ((type && !strcmp(type, "ExternalName")) ||
	    has_label(labels, "service.kubernetes.io/service-proxy-name") ||
	    has_label(labels, "service.kubernetes.io/headless"))
		s->ignored = true;
	return 0;
}

void kube_slice_free(struct kube_slice *s)
{
	unsigned int i, j;

	if (!s)
		return;
	for (i = 0; i < s->nports; i++)
		free(s->ports[i].name);
	for (i = 0; i < s->neps; i++) {
		free(s->eps[i].node);
		for (j = 0; j < s->eps[i].nzones; j++)
			free(s->eps[i].zones[j]);
		free(s->eps[i].zones);
		for (j = 0; j < s->eps[i].nnodes; j++)
			free(s->eps[i].nodes[j]);
		free(s->eps[i].nodes);
	}
	free(s->ports);
	free(s->eps);
	free(s->service);
	free(s->key);
	free(s);
}

static int slice_ports(struct ctx *c, const cJSON *obj, struct kube_slice *s)
{
	const cJSON *ports, *p, *name;
	const char *f;
	long n;

	if (kube_get_node(c, obj, "ports", "ports", true, &ports) < 0)
		return -1;
	if (!ports)
		return 0;
	s->ports = calloc(cJSON_GetArraySize(ports) + 1, sizeof(*s->ports));
	if (!s->ports)
		return kube_fail(c->err, "out of memory");
	cJSON_ArrayForEach(p, ports) {
		struct kube_slice_port *sp = &s->ports[s->nports];

		f = kube_at(c, "ports[%u]", s->nports++);
		if (!cJSON_IsObject(p))
			return kube_bad(c, f, "not an object");
		name = kube_member(p, "name");
		if (name && !cJSON_IsNull(name) && !cJSON_IsString(name))
			return kube_bad(c, f, "name is not a string");
		if (name && cJSON_IsString(name)) {
			sp->name = strdup(name->valuestring);
			if (!sp->name)
				return kube_fail(c->err, "out of memory");
		}
		if (proto_parse(c, p, f, &sp->proto) < 0)
			return -1;
		f = kube_at(c, "ports[%u].port", s->nports - 1);
		if (get_int(c, p, "port", f, 0, 65535, 0, &n) < 0)
			return -1;
		sp->port = n;
	}
	return 0;
}

/* hints.forZones or hints.forNodes (@field) of endpoint @i: their names. */
static int hints_parse(struct ctx *c, const cJSON *hints, const char *name,
		       const char *field, unsigned int i, char ***names,
		       unsigned int *n)
{
	const char *f = kube_at(c, field, i);
	const cJSON *arr, *h, *hname;

	if (kube_get_node(c, hints, name, f, true, &arr) < 0)
		return -1;
	if (!arr)
		return 0;
	*names = calloc(cJSON_GetArraySize(arr) + 1, sizeof(char *));
	if (!*names)
		return kube_fail(c->err, "out of memory");
	cJSON_ArrayForEach(h, arr) {
		/* A name of "" is a hint too (one that matches nothing). */
		hname = kube_member(h, "name");
		if (!cJSON_IsString(hname))
			return kube_bad(c, f, "a hint without a name");
		if (!((*names)[(*n)++] = strdup(hname->valuestring)))
			return kube_fail(c->err, "out of memory");
	}
	return 0;
}

static int endpoint_parse(struct ctx *c, const cJSON *e, unsigned int i,
			  int family, struct kube_endpoint *ep, bool *skip)
{
	const cJSON *addrs, *cond, *hints, *z;
	const char *node;
	int ready, serving, term;
	const char *f;

	f = kube_at(c, "endpoints[%u]", i);
	if (!cJSON_IsObject(e))
		return kube_bad(c, f, "not an object");
	f = kube_at(c, "endpoints[%u].addresses", i);
	if (kube_get_node(c, e, "addresses", f, true, &addrs) < 0)
		return -1;
	*skip = !addrs || !cJSON_GetArraySize(addrs);
	if (*skip)
		return 0;
	/* kube-proxy uses the first address only. */
	f = kube_at(c, "endpoints[%u].addresses[0]", i);
	z = cJSON_GetArrayItem(addrs, 0);
	if (!cJSON_IsString(z))
		return kube_bad(c, f, "not a string");
	if (kube_addr_parse(z->valuestring, &ep->addr) < 0)
		return kube_bad(c, f, "`%s' is not an IP address", z->valuestring);
	if (ep->addr.family != family)
		return kube_bad(c, f, "`%s' is not of the slice's addressType %s",
				z->valuestring, family == AF_INET ? "IPv4" : "IPv6");
	f = kube_at(c, "endpoints[%u].conditions", i);
	if (kube_get_node(c, e, "conditions", f, false, &cond) < 0)
		return -1;
	ready = serving = term = -1;
	if (cond &&
	    (get_bool(c, cond, "ready", f, &ready) < 0 ||
	     get_bool(c, cond, "serving", f, &serving) < 0 ||
	     get_bool(c, cond, "terminating", f, &term) < 0))
		return -1;
	/* As kube-proxy reads them (endpointslicecache.go, addEndpoints()). */
	ep->ready = ready != 0;
	ep->serving = serving != 0;
	ep->terminating = term == 1;
	f = kube_at(c, "endpoints[%u].nodeName", i);
	if (kube_get_str(c, e, "nodeName", f, &node) < 0)
		return -1;
	if (node && !(ep->node = strdup(node)))
		return kube_fail(c->err, "out of memory");
	f = kube_at(c, "endpoints[%u].hints", i);
	if (kube_get_node(c, e, "hints", f, false, &hints) < 0)
		return -1;
	if (!hints)
		return 0;
	if (hints_parse(c, hints, "forZones", "endpoints[%u].hints.forZones", i,
			&ep->zones, &ep->nzones) < 0 ||
	    hints_parse(c, hints, "forNodes", "endpoints[%u].hints.forNodes", i,
			&ep->nodes, &ep->nnodes) < 0)
		return -1;
	return 0;
}

static int slice_parse(struct ctx *c, const cJSON *obj, struct kube_slice *s)
{
	const cJSON *labels, *eps, *e, *svc;
	const char *type, *slash;
	unsigned int i = 0;
	bool skip = false;

	if (meta_parse(c, obj, &labels) < 0)
		return -1;
	s->key = strdup(c->key);
	if (!s->key)
		return kube_fail(c->err, "out of memory");
	if (kube_get_str(c, obj, "addressType", "addressType", &type) < 0)
		return -1;
	if (!type)
		return kube_bad(c, "addressType", "missing");
	if (!strcmp(type, "IPv4"))
		s->family = AF_INET;
	else if (!strcmp(type, "IPv6"))
		s->family = AF_INET6;
	else if (strcmp(type, "FQDN"))
		return kube_bad(c, "addressType", "`%s' is not IPv4, IPv6 or FQDN", type);
	svc = labels ? kube_member(labels, "kubernetes.io/service-name") :
		       NULL;
	if (svc && !cJSON_IsString(svc))
		return kube_bad(c, "metadata.labels", "kubernetes.io/service-name is not a string");
	/* No service, or another proxy's: the slice is kept, and unused. */
	if (svc && *svc->valuestring && s->family &&
	    !has_label(labels, "service.kubernetes.io/service-proxy-name") &&
	    !has_label(labels, "service.kubernetes.io/headless")) {
		slash = strchr(c->key, '/');
		if (asprintf(&s->service, "%.*s/%s", (int)(slash - c->key), c->key,
			     svc->valuestring) < 0) {
			s->service = NULL;
			return kube_fail(c->err, "out of memory");
		}
	}
	if (!s->family)
		return 0;
	if (slice_ports(c, obj, s) < 0 ||
	    kube_get_node(c, obj, "endpoints", "endpoints", true, &eps) < 0)
		return -1;
	if (!eps)
		return 0;
	s->eps = calloc(cJSON_GetArraySize(eps) + 1, sizeof(*s->eps));
	if (!s->eps)
		return kube_fail(c->err, "out of memory");
	cJSON_ArrayForEach(e, eps) {
		if (endpoint_parse(c, e, i++, s->family, &s->eps[s->neps], &skip) < 0) {
			s->neps++;	/* freed with the slice */
			return -1;
		}
		if (!skip)
			s->neps++;
	}
	return 0;
}

int kube_object_parse(const cJSON *obj, enum kube_kind *kind,
		      struct kube_service **svc, struct kube_slice **slice,
		      struct kube_err *err)
{
	struct ctx c = { .err = err };
	const char *k, *api;
	const cJSON *v;

	*svc = NULL;
	*slice = NULL;
	err->key[0] = '\0';
	if (!cJSON_IsObject(obj))
		return kube_fail(err, "a value that is not a JSON object");
	v = kube_member(obj, "kind");
	k = cJSON_IsString(v) ? v->valuestring : NULL;
	v = kube_member(obj, "apiVersion");
	api = cJSON_IsString(v) ? v->valuestring : NULL;
	if (!k || !api)
		return kube_fail(err, "an object without kind or apiVersion");
	if (!strcmp(k, "Service") && !strcmp(api, "v1")) {
		c.kind = "Service";
		*kind = KUBE_SERVICE;
		*svc = calloc(1, sizeof(**svc));
		if (!*svc)
			return kube_fail(err, "out of memory");
		if (service_parse(&c, obj, *svc) < 0) {
			kube_service_free(*svc);
			*svc = NULL;
			if (strcmp(c.key, "?"))
				snprintf(err->key, sizeof(err->key), "%s", c.key);
			return -1;
		}
		return 0;
	}
	if (!strcmp(k, "EndpointSlice") && !strcmp(api, "discovery.k8s.io/v1")) {
		c.kind = "EndpointSlice";
		*kind = KUBE_SLICE;
		*slice = calloc(1, sizeof(**slice));
		if (!*slice)
			return kube_fail(err, "out of memory");
		if (slice_parse(&c, obj, *slice) < 0) {
			kube_slice_free(*slice);
			*slice = NULL;
			return -1;
		}
		return 0;
	}
	return 1;
}
