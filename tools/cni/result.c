// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: results written in the version the configuration
 * asks for. 1.0.0 and 1.1.0 have one shape; 0.3.0 to 0.4.0 add "version"
 * ("4" or "6") to each of ips[]; 1.1.0 adds interfaces[].mtu.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cni.h"
#include "json.h"

static cJSON *iface_json(const struct cni_iface *i, int vindex)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", i->name);
	if (i->mac[0])
		cJSON_AddStringToObject(o, "mac", i->mac);
	if (i->mtu && vindex >= CNI_V1_1_0)
		cJSON_AddNumberToObject(o, "mtu", i->mtu);
	if (i->sandbox[0])
		cJSON_AddStringToObject(o, "sandbox", i->sandbox);
	return o;
}

static cJSON *ip_json(const struct cni_ip *ip, int vindex)
{
	char buf[ADDR_STRLEN], cidr[PREFIX_STRLEN];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (vindex < CNI_V1_0_0)
		cJSON_AddStringToObject(o, "version",
					ip->addr.family == AF_INET ? "4" : "6");
	snprintf(cidr, sizeof(cidr), "%s/%u", addr_fmt(&ip->addr, buf), ip->plen);
	cJSON_AddStringToObject(o, "address", cidr);
	if (ip->has_gw)
		cJSON_AddStringToObject(o, "gateway", addr_fmt(&ip->gw, buf));
	if (ip->iface >= 0)
		cJSON_AddNumberToObject(o, "interface", ip->iface);
	return o;
}

static cJSON *route_json(const struct cni_route *rt)
{
	char buf[PREFIX_STRLEN];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "dst", prefix_fmt(&rt->dst, buf));
	if (rt->has_gw)
		cJSON_AddStringToObject(o, "gw", addr_fmt(&rt->gw, buf));
	return o;
}

cJSON *result_json(const struct cni_result *r, const char *version)
{
	int vindex = cni_version_index(version);
	cJSON *o = cJSON_CreateObject(), *arr;
	unsigned int i;

	if (!o || !cJSON_AddStringToObject(o, "cniVersion", version))
		goto oom;
	if (r->nifaces) {
		arr = cJSON_AddArrayToObject(o, "interfaces");
		for (i = 0; arr && i < r->nifaces; i++)
			cJSON_AddItemToArray(arr, iface_json(&r->ifaces[i], vindex));
	}
	arr = cJSON_AddArrayToObject(o, "ips");
	for (i = 0; arr && i < r->nips; i++)
		cJSON_AddItemToArray(arr, ip_json(&r->ips[i], vindex));
	if (r->nroutes) {
		arr = cJSON_AddArrayToObject(o, "routes");
		for (i = 0; arr && i < r->nroutes; i++)
			cJSON_AddItemToArray(arr, route_json(&r->routes[i]));
	}
	if (r->dns)
		cJSON_AddItemToObject(o, "dns", cJSON_Duplicate(r->dns, true));
	return o;
oom:
	cJSON_Delete(o);
	return NULL;
}

int result_print(const struct cni_result *r, const char *version)
{
	cJSON *o = result_json(r, version);

	if (!o)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	return json_print(o, false);
}
