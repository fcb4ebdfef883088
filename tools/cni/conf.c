// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: the network configuration, CNI_ARGS, and results
 * read (an IPAM plugin's, a prevResult).
 *
 *   {"cniVersion": "1.1.0", "name": "NET", "type": "podnet",
 *    "device": "pn0", "mtu": 1500, "ipam": {"type": "host-local", ...},
 *    "dns": {...}, "prevResult": {...},
 *    "cni.dev/valid-attachments": [{"containerID": ..., "ifname": ...}]}
 *
 * Fields the runtime adds that this plugin has no use for (args,
 * runtimeConfig, capabilities) are ignored, as the spec asks.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni.h"

static cJSON *field(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* A string field, or NULL if absent; -1 (code 7) if not a string. */
static int string_field(const cJSON *o, const char *name, const char *what,
			const char **s)
{
	const cJSON *v = field(o, name);

	*s = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return cni_fail(CNI_ERR_CONFIG, "%s%s: not a string", what, name);
	*s = v->valuestring;
	return 0;
}

bool cni_name_valid(const char *s)
{
	if (!s || !isalnum((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static int parse_valid(struct cni_conf *conf, const cJSON *arr)
{
	const cJSON *a;
	unsigned int n = 0;

	/* null: none (what a Go runtime sends for an empty list) */
	if (!cJSON_IsArray(arr) && !cJSON_IsNull(arr))
		return cni_fail(CNI_ERR_CONFIG, "cni.dev/valid-attachments: not a list");
	conf->valid = calloc(cJSON_GetArraySize(arr) + 1, sizeof(*conf->valid));
	if (!conf->valid)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	cJSON_ArrayForEach(a, arr) {
		struct cni_attachment *at = &conf->valid[n];

		if (!cJSON_IsObject(a) ||
		    string_field(a, "containerID", "cni.dev/valid-attachments: ",
				 &at->containerid) < 0 ||
		    string_field(a, "ifname", "cni.dev/valid-attachments: ",
				 &at->ifname) < 0 ||
		    !at->containerid || !at->ifname)
			return cni_fail(CNI_ERR_CONFIG,
					"cni.dev/valid-attachments: item %u is not {\"containerID\": ..., \"ifname\": ...}",
					n);
		n++;
	}
	conf->nvalid = n;
	conf->has_valid = true;
	return 0;
}

int conf_parse(struct cni_conf *conf, const char *command)
{
	const cJSON *v, *ipam;
	const char *s;

	strcpy(conf->device, "pn0");
	conf->root = cJSON_ParseWithLength(conf->raw, conf->rawlen);
	if (!cJSON_IsObject(conf->root))
		return cni_fail(CNI_ERR_DECODE, "network configuration: not a JSON object");
	if (string_field(conf->root, "cniVersion", "", &conf->version) < 0)
		return -1;
	conf->vindex = cni_version_index(conf->version);
	if (conf->vindex < 0) {
		cni_set_details("plugin supports 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0");
		return cni_fail(CNI_ERR_VERSION,
				"incompatible CNI version: the configuration's is `%s'",
				conf->version ? conf->version : "(none)");
	}
	if ((!strcmp(command, "STATUS") || !strcmp(command, "GC")) &&
	    conf->vindex < CNI_V1_1_0)
		return cni_fail(CNI_ERR_VERSION, "%s needs cniVersion 1.1.0, not %s",
				command, conf->version);
	if (!strcmp(command, "CHECK") && conf->vindex < CNI_V0_4_0)
		return cni_fail(CNI_ERR_VERSION, "CHECK needs cniVersion 0.4.0, not %s",
				conf->version);
	if (string_field(conf->root, "name", "", &conf->name) < 0)
		return -1;
	if (!cni_name_valid(conf->name))
		return cni_fail(CNI_ERR_CONFIG, "name: `%s' is not a network name",
				conf->name ? conf->name : "");
	if (string_field(conf->root, "device", "", &s) < 0)
		return -1;
	if (s) {
		if (ifname_check(s, "device") < 0)
			return cni_fail(CNI_ERR_CONFIG, "device: %s", fail_msg());
		strcpy(conf->device, s);
	}
	v = field(conf->root, "mtu");
	if (v) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 68 || v->valuedouble > 65535 ||
		    v->valuedouble != (int)v->valuedouble)
			return cni_fail(CNI_ERR_CONFIG, "mtu: not an MTU (68 to 65535)");
		conf->mtu = v->valueint;
	}
	ipam = field(conf->root, "ipam");
	if (ipam) {
		if (!cJSON_IsObject(ipam) ||
		    string_field(ipam, "type", "ipam.", &conf->ipam_type) < 0)
			return cni_fail(CNI_ERR_CONFIG, "ipam: not an object with a type");
		if (!conf->ipam_type || !*conf->ipam_type || strchr(conf->ipam_type, '/'))
			return cni_fail(CNI_ERR_CONFIG, "ipam.type: not a plugin name");
	}
	if (!conf->ipam_type && strcmp(command, "STATUS") && strcmp(command, "GC"))
		return cni_fail(CNI_ERR_CONFIG,
				"ipam: missing (podnet delegates addresses to an IPAM plugin)");
	v = field(conf->root, "dns");
	if (v && !cJSON_IsNull(v)) {
		if (!cJSON_IsObject(v))
			return cni_fail(CNI_ERR_CONFIG, "dns: not an object");
		conf->dns = (cJSON *)v;
	}
	/*
	 * prevResult: CHECK's subject. ADD, first in its chain, makes a result
	 * of its own and passes no earlier one on; DEL must succeed whatever
	 * the cached result holds.
	 */
	v = field(conf->root, "prevResult");
	if (v && !cJSON_IsNull(v) && !strcmp(command, "CHECK")) {
		/* cni_fail() formats before it overwrites fail_msg(). */
		if (result_parse(v, &conf->prev) < 0)
			return cni_fail(CNI_ERR_CONFIG, "prevResult: %s", fail_msg());
		conf->has_prev = true;
	}
	v = field(conf->root, "cni.dev/valid-attachments");
	if (v && parse_valid(conf, v) < 0)
		return -1;
	return 0;
}

void conf_free(struct cni_conf *conf)
{
	result_free(&conf->prev);
	free(conf->valid);
	cJSON_Delete(conf->root);
	free(conf->raw);
}

/*
 * CNI_ARGS: "K=V;K=V". podnet has no argument of its own: any key is an
 * error unless IgnoreUnknown is true ("1", "true"), as runtimes set it.
 */
int cni_args_check(const char *args)
{
	char *copy = strdup(args), *save = NULL, *p, *unknown = NULL;
	bool ignore = false;
	int ret = 0;

	if (!copy)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	for (p = strtok_r(copy, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(p, '=');

		if (!eq || eq == p) {
			ret = cni_fail(CNI_ERR_ENV, "CNI_ARGS: `%s' is not KEY=VALUE", p);
			goto out;
		}
		*eq = '\0';
		if (!strcmp(p, "IgnoreUnknown")) {
			if (!strcmp(eq + 1, "1") || !strcasecmp(eq + 1, "true"))
				ignore = true;
			else if (strcmp(eq + 1, "0") && strcasecmp(eq + 1, "false")) {
				ret = cni_fail(CNI_ERR_ENV,
					       "CNI_ARGS: IgnoreUnknown=%s is not a boolean",
					       eq + 1);
				goto out;
			}
		} else if (!unknown) {
			unknown = p;
		}
	}
	if (unknown && !ignore)
		ret = cni_fail(CNI_ERR_ENV,
			       "CNI_ARGS: unknown argument `%s' (set IgnoreUnknown=1)",
			       unknown);
out:
	free(copy);
	return ret;
}

/* "10.244.1.5/24": an address with its prefix length. */
static int cidr_parse(const char *s, struct pn_addr *a, unsigned int *plen)
{
	char buf[ADDR_STRLEN + 4], *slash, *end;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return fail("invalid address `%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return fail("`%s' has no prefix length", s);
	*slash = '\0';
	if (addr_parse(buf, a) < 0)
		return -1;
	n = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || n > addr_len(a->family) * 8)
		return fail("invalid prefix length in `%s'", s);
	*plen = n;
	return 0;
}

/* A gateway: any address (a link-local IPv6 router is one). */
static int gw_parse(const cJSON *o, const char *name, bool *has, struct pn_addr *gw)
{
	const cJSON *v = field(o, name);

	*has = false;
	memset(gw, 0, sizeof(*gw));
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return fail("%s: not a string", name);
	if (inet_pton(AF_INET, v->valuestring, &gw->v4) == 1)
		gw->family = AF_INET;
	else if (inet_pton(AF_INET6, v->valuestring, &gw->v6) == 1)
		gw->family = AF_INET6;
	else
		return fail("%s: `%s' is not an address", name, v->valuestring);
	*has = true;
	return 0;
}

/* fail("WHERE: <the last error>"), the last error copied first. */
static int fail_at(const char *what, unsigned int i)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s", fail_msg());
	return fail("%s[%u]: %s", what, i, msg);
}

static void copy_str(char *dst, size_t size, const cJSON *v)
{
	if (cJSON_IsString(v))
		snprintf(dst, size, "%s", v->valuestring);
}

/*
 * A result of any version from 0.3.0 on (ips[].version, which 1.0.0
 * dropped, is ignored): interfaces, ips, routes, dns.
 */
int result_parse(const cJSON *j, struct cni_result *r)
{
	const cJSON *arr, *o;

	memset(r, 0, sizeof(*r));
	if (!cJSON_IsObject(j))
		return fail("not a JSON object");
	arr = field(j, "interfaces");
	cJSON_ArrayForEach(o, arr) {
		struct cni_iface *i = &r->ifaces[r->nifaces];
		const cJSON *mtu = field(o, "mtu");

		if (r->nifaces == CNI_MAX_IFACES)
			return fail("more than %d interfaces", CNI_MAX_IFACES);
		if (!cJSON_IsString(field(o, "name")))
			return fail("interfaces[%u]: no name", r->nifaces);
		copy_str(i->name, sizeof(i->name), field(o, "name"));
		copy_str(i->mac, sizeof(i->mac), field(o, "mac"));
		copy_str(i->sandbox, sizeof(i->sandbox), field(o, "sandbox"));
		if (cJSON_IsNumber(mtu) && mtu->valueint > 0)
			i->mtu = mtu->valueint;
		r->nifaces++;
	}
	arr = field(j, "ips");
	cJSON_ArrayForEach(o, arr) {
		struct cni_ip *ip = &r->ips[r->nips];
		const cJSON *a = field(o, "address"), *idx = field(o, "interface");

		if (r->nips == CNI_MAX_IPS)
			return fail("more than %d addresses", CNI_MAX_IPS);
		if (!cJSON_IsString(a))
			return fail("ips[%u]: no address", r->nips);
		if (cidr_parse(a->valuestring, &ip->addr, &ip->plen) < 0 ||
		    gw_parse(o, "gateway", &ip->has_gw, &ip->gw) < 0)
			return fail_at("ips", r->nips);
		if (ip->has_gw && ip->gw.family != ip->addr.family)
			return fail("ips[%u]: gateway of another family", r->nips);
		ip->iface = -1;
		if (cJSON_IsNumber(idx)) {
			if (idx->valueint < 0 || idx->valueint >= (int)r->nifaces)
				return fail("ips[%u]: interface %d: no such interface",
					    r->nips, idx->valueint);
			ip->iface = idx->valueint;
		}
		r->nips++;
	}
	arr = field(j, "routes");
	cJSON_ArrayForEach(o, arr) {
		struct cni_route *rt = &r->routes[r->nroutes];
		const cJSON *dst = field(o, "dst");

		if (r->nroutes == CNI_MAX_ROUTES)
			return fail("more than %d routes", CNI_MAX_ROUTES);
		if (!cJSON_IsString(dst))
			return fail("routes[%u]: no dst", r->nroutes);
		if (prefix_parse(dst->valuestring, &rt->dst) < 0 ||
		    gw_parse(o, "gw", &rt->has_gw, &rt->gw) < 0)
			return fail_at("routes", r->nroutes);
		if (rt->has_gw && rt->gw.family != rt->dst.addr.family)
			return fail("routes[%u]: gateway of another family", r->nroutes);
		r->nroutes++;
	}
	o = field(j, "dns");
	if (cJSON_IsObject(o)) {
		r->dns = cJSON_Duplicate(o, true);
		if (!r->dns)
			return fail("out of memory");
	}
	return 0;
}

void result_free(struct cni_result *r)
{
	cJSON_Delete(r->dns);
	r->dns = NULL;
}
