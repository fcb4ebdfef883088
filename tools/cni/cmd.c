// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: ADD, DEL, CHECK, STATUS, GC.
 *
 * A pod's attachment is a veth pair: CNI_IFNAME in the pod's namespace,
 * and on the node a port of the podnet device named "pn" + 12 hex digits
 * of a hash of the container ID and CNI_IFNAME, so that DEL and GC find it
 * without keeping state. Its alias, "podnet-cni NETWORK CONTAINERID
 * IFNAME", says whose it is: GC reads it, and a name that hashes the same
 * for another attachment is never taken for ours. The pod's addresses come
 * from the IPAM plugin; they are bound to the port over generic netlink
 * (PODNET_CMD_POD_ADD, through tools/lib, as "podnetctl pod add" does), and
 * the gateways of the IPAM result are the device's addresses, the pod's
 * default routes going through them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"
#include "ipc.h"
#include "link.h"
#include "netns.h"
#include "podmsg.h"

#define VETH_PREFIX "pn"
#define ALIAS_PREFIX "podnet-cni "

static int env_containerid(const struct cni_env *env)
{
	if (!*env->containerid)
		return cni_fail(CNI_ERR_ENV, "CNI_CONTAINERID: missing");
	if (!cni_name_valid(env->containerid))
		return cni_fail(CNI_ERR_ENV, "CNI_CONTAINERID: `%s' is not a container ID",
				env->containerid);
	return 0;
}

static int env_ifname(const struct cni_env *env)
{
	if (!*env->ifname)
		return cni_fail(CNI_ERR_ENV, "CNI_IFNAME: missing");
	if (ifname_check(env->ifname, "interface name") < 0)
		return cni_fail(CNI_ERR_ENV, "CNI_IFNAME: %s", fail_msg());
	return 0;
}

static int env_path(const struct cni_env *env)
{
	return *env->path ? 0 : cni_fail(CNI_ERR_ENV, "CNI_PATH: missing");
}

/* What ADD, DEL and CHECK need; CNI_NETNS too if @netns. */
static int env_check(const struct cni_env *env, bool netns)
{
	if (env_containerid(env) < 0 || env_ifname(env) < 0 || env_path(env) < 0)
		return -1;
	if (netns && !*env->netns)
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS: missing");
	return 0;
}

/* FNV-1a, 64 bits: of the container ID, a NUL, the interface name. */
static void veth_name(const char *containerid, const char *ifname,
		      char name[IFNAMSIZ])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *parts[] = { containerid, ifname };
	unsigned int i;
	const char *p;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		for (p = parts[i]; ; p++) {
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
			if (!*p)
				break;
		}
	}
	snprintf(name, IFNAMSIZ, VETH_PREFIX "%012llx",
		 (unsigned long long)(h & 0xffffffffffffULL));
}

static int veth_alias(const struct cni_conf *conf, const char *containerid,
		      const char *ifname, char alias[LINK_ALIAS_MAX])
{
	/* IFLA_IFALIAS: at most IFALIASZ - 1 bytes with its NUL. */
	if (snprintf(alias, LINK_ALIAS_MAX, ALIAS_PREFIX "%s %s %s", conf->name,
		     containerid, ifname) >= LINK_ALIAS_MAX - 1)
		return cni_fail(CNI_ERR_CONFIG,
				"network name and container ID too long (%d bytes)",
				LINK_ALIAS_MAX);
	return 0;
}

/*
 * Is @li this attachment's veth? Its alias says so; or it has the name and
 * no alias yet: an ADD that was killed between making the pair and
 * naming it (6.1 cannot set an alias when it makes a link).
 */
static bool veth_ours(const struct link_info *li, const char *alias)
{
	return !strcmp(li->alias, alias) || (!li->alias[0] && !strcmp(li->kind, "veth"));
}

/* The podnet device: made (up) if missing; anything else named so is an error. */
static int device_get(struct nl_sock *rt, const struct cni_conf *conf,
		      struct link_info *dev)
{
	int ret = link_get(rt, conf->device, dev);

	if (ret == 0) {
		if (link_podnet_add(rt, conf->device) < 0)
			return cni_fail(cni_code(), "device %s: cannot make it (is podnet.ko installed?): %s",
					conf->device, fail_msg());
		ret = link_get(rt, conf->device, dev);
		if (ret == 0)
			return cni_fail(CNI_ERR_AGAIN, "device %s: gone as soon as made",
					conf->device);
	}
	if (ret < 0)
		return -1;
	if (strcmp(dev->kind, "podnet"))
		return cni_fail(CNI_ERR_CONFIG, "device %s: a %s device, not podnet",
				conf->device, dev->kind[0] ? dev->kind : "plain");
	return 0;
}

/* IP forwarding for @family, as a gateway needs (the bridge plugin's isGateway). */
static int forwarding_on(int family)
{
	const char *path = family == AF_INET ? "/proc/sys/net/ipv4/ip_forward" :
			   "/proc/sys/net/ipv6/conf/all/forwarding";
	char c = '0';
	int fd = open(path, O_RDWR | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return cni_fail(CNI_ERR_SYSTEM, "%s: %s", path, strerror(errno));
	if (read(fd, &c, 1) == 1 && c != '1' &&
	    pwrite(fd, "1", 1, 0) != 1)
		ret = cni_fail(CNI_ERR_SYSTEM, "%s: %s", path, strerror(errno));
	close(fd);
	return ret;
}

/* The pod's routes: the IPAM's (through the gateway of their family unless
 * they name one), and a default route through each gateway they lack. */
static int routes_make(const struct cni_result *ipam, struct cni_result *r)
{
	const struct pn_addr *gw4 = NULL, *gw6 = NULL;
	bool def4 = false, def6 = false;
	unsigned int i;

	for (i = 0; i < ipam->nips; i++) {
		const struct cni_ip *ip = &ipam->ips[i];

		if (!ip->has_gw)
			continue;
		if (ip->addr.family == AF_INET && !gw4)
			gw4 = &ip->gw;
		if (ip->addr.family == AF_INET6 && !gw6)
			gw6 = &ip->gw;
	}
	for (i = 0; i < ipam->nroutes; i++) {
		struct cni_route rt = ipam->routes[i];
		const struct pn_addr *gw = rt.dst.addr.family == AF_INET ? gw4 : gw6;

		if (!rt.has_gw && gw) {
			rt.gw = *gw;
			rt.has_gw = true;
		}
		if (rt.dst.len == 0)
			*(rt.dst.addr.family == AF_INET ? &def4 : &def6) = true;
		r->routes[r->nroutes++] = rt;
	}
	for (i = 0; i < 2; i++) {
		const struct pn_addr *gw = i ? gw6 : gw4;
		struct cni_route *rt;

		if (!gw || (i ? def6 : def4))
			continue;
		if (r->nroutes == CNI_MAX_ROUTES)
			return cni_fail(CNI_ERR_CONFIG, "more than %d routes", CNI_MAX_ROUTES);
		rt = &r->routes[r->nroutes++];
		memset(rt, 0, sizeof(*rt));
		rt->dst.addr.family = gw->family;
		rt->has_gw = true;
		rt->gw = *gw;
	}
	return 0;
}

/* Bind the pod's addresses (those of interface @iface) to its port. */
static int port_bind(const struct cni_conf *conf, const struct link_info *dev,
		     const struct link_info *host, const struct cni_result *r,
		     int iface)
{
	struct pod_info pod = { 0 };
	struct ipc ipc = { 0 };
	unsigned int i;
	int ret;

	strcpy(pod.dev, conf->device);
	pod.dev_ifindex = dev->ifindex;
	strcpy(pod.ifname, host->name);
	pod.ifindex = host->ifindex;
	for (i = 0; i < r->nips; i++) {
		if (r->ips[i].iface != iface)
			continue;
		if (pod.naddrs == PODNET_POD_MAX_ADDRS)
			return cni_fail(CNI_ERR_CONFIG, "more than %d addresses for a pod",
					PODNET_POD_MAX_ADDRS);
		pod.addrs[pod.naddrs++] = r->ips[i].addr;
	}
	if (ipc_open(&ipc) < 0)
		return cni_fail(CNI_ERR_SYSTEM, "%s", fail_msg());
	ret = pod_msg_send(&ipc, PODNET_CMD_POD_ADD, &pod, false, NULL, NULL);
	ipc_close(&ipc);
	if (ret < 0)
		return cni_fail(ret == -EBUSY || ret == -EAGAIN ? CNI_ERR_AGAIN :
				CNI_ERR_SYSTEM, "pod add %s dev %s: %s", host->name,
				conf->device, fail_msg());
	return 0;
}

int cmd_add(const struct cni_env *env, struct cni_conf *conf)
{
	struct link_info dev, host = { 0 }, ctr, old, vx;
	struct nl_sock *rt = NULL, *ct = NULL;
	struct cni_result ipam = { 0 }, *r;
	bool ipam_done = false, veth_made = false;
	char hname[IFNAMSIZ], alias[LINK_ALIAS_MAX];
	struct cni_saved_err saved;
	unsigned int i, mtu;
	int nsfd = -1, ret = -1, fwd4 = 0, fwd6 = 0;

	r = calloc(1, sizeof(*r));
	if (!r)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	if (env_check(env, true) < 0)
		goto out;
	veth_name(env->containerid, env->ifname, hname);
	if (veth_alias(conf, env->containerid, env->ifname, alias) < 0)
		goto out;
	nsfd = netns_open(env->netns);
	if (nsfd < 0) {
		cni_fail(CNI_ERR_NO_CONTAINER, "CNI_NETNS: %s", fail_msg());
		goto out;
	}
	if (rt_open(&rt) < 0 || device_get(rt, conf, &dev) < 0)
		goto out;
	/* The remains of an ADD of the same attachment that did not finish. */
	ret = link_get(rt, hname, &old);
	if (ret > 0 && !veth_ours(&old, alias)) {
		ret = cni_fail(CNI_ERR_SYSTEM, "%s: taken by `%s'", hname, old.alias);
		goto out;
	}
	if (ret < 0 || (ret > 0 && link_del(rt, old.ifindex) < 0))
		goto out;
	ret = -1;

	if (ipam_run(env, conf, "ADD", &ipam, NULL) < 0)
		goto out;
	ipam_done = true;
	if (routes_make(&ipam, r) < 0)
		goto undo;
	for (i = 0; i < ipam.nips; i++) {
		const struct cni_ip *ip = &ipam.ips[i];

		if (ip->has_gw && rt_addr_add(rt, dev.ifindex, &ip->gw, ip->plen, true) < 0)
			goto undo;
		*(ip->addr.family == AF_INET ? &fwd4 : &fwd6) = 1;
	}
	if ((fwd4 && forwarding_on(AF_INET) < 0) || (fwd6 && forwarding_on(AF_INET6) < 0))
		goto undo;

	/* No MTU configured: with VXLAN to other nodes, what it leaves. */
	mtu = conf->mtu;
	if (!mtu && link_get(rt, PODNET_VXLAN_DEV, &vx) > 0)
		mtu = vx.mtu;
	ret = link_veth_add(rt, hname, env->ifname, nsfd, mtu);
	if (ret == -EEXIST) {
		ret = cni_fail(CNI_ERR_SYSTEM, "CNI_IFNAME: %s exists in %s",
			       env->ifname, env->netns);
		goto undo;
	}
	if (ret < 0)
		goto undo;
	ret = -1;
	veth_made = true;
	ret = link_get(rt, hname, &host);
	if (ret > 0 && link_set(rt, &host, alias) < 0)
		ret = -1;
	if (ret > 0 && rt_open_in(nsfd, env->netns, &ct) == 0)
		ret = link_get(ct, env->ifname, &ctr);
	else if (ret > 0)
		ret = -1;
	if (ret == 0)
		cni_fail(CNI_ERR_AGAIN, "%s: the veth pair went away", hname);
	if (ret <= 0)
		goto undo;
	ret = -1;
	for (i = 0; i < ipam.nips; i++)
		if (rt_addr_add(ct, ctr.ifindex, &ipam.ips[i].addr, ipam.ips[i].plen,
				false) < 0)
			goto undo;
	if (link_set(ct, &ctr, NULL) < 0)
		goto undo;
	for (i = 0; i < r->nroutes; i++)
		if (rt_route_add(ct, ctr.ifindex, &r->routes[i]) < 0)
			goto undo;

	/* The result: the node end, the pod end, the pod's addresses on it. */
	r->nifaces = 2;
	snprintf(r->ifaces[0].name, IFNAMSIZ, "%s", host.name);
	snprintf(r->ifaces[0].mac, MAC_STRLEN, "%s", host.mac);
	snprintf(r->ifaces[1].name, IFNAMSIZ, "%s", env->ifname);
	snprintf(r->ifaces[1].mac, MAC_STRLEN, "%s", ctr.mac);
	snprintf(r->ifaces[1].sandbox, CNI_SANDBOX_MAX, "%s", env->netns);
	r->ifaces[0].mtu = host.mtu;
	r->ifaces[1].mtu = ctr.mtu;
	for (i = 0; i < ipam.nips; i++) {
		r->ips[i] = ipam.ips[i];
		r->ips[i].iface = 1;
	}
	r->nips = ipam.nips;
	if (port_bind(conf, &dev, &host, r, 1) < 0)
		goto undo;
	r->dns = cJSON_Duplicate(conf->dns ? conf->dns : ipam.dns, true);
	ret = result_print(r, conf->version);
	goto out;

undo:
	/* Nothing left behind: the veth pair (and so the port), the address. */
	cni_err_save(&saved);
	if (veth_made && link_get(rt, hname, &old) == 1)
		link_del(rt, old.ifindex);
	if (ipam_done)
		ipam_run(env, conf, "DEL", NULL, NULL);
	ret = cni_err_restore(&saved);
out:
	result_free(&ipam);
	result_free(r);
	free(r);
	rt_close(ct);
	rt_close(rt);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

/*
 * DEL: whatever state the attachment is in (never made, half made, made,
 * deleted already, its namespace gone or not given), afterwards the IPAM
 * has let go of its addresses and there is no veth pair and no port.
 */
int cmd_del(const struct cni_env *env, struct cni_conf *conf)
{
	char hname[IFNAMSIZ], alias[LINK_ALIAS_MAX];
	struct nl_sock *rt = NULL;
	struct link_info host;
	int ret;

	if (env_check(env, false) < 0 ||
	    veth_alias(conf, env->containerid, env->ifname, alias) < 0)
		return -1;
	veth_name(env->containerid, env->ifname, hname);
	if (ipam_run(env, conf, "DEL", NULL, NULL) < 0)
		return -1;
	if (rt_open(&rt) < 0)
		return -1;
	/* The port goes with the link: the device lets go of it. */
	ret = link_get(rt, hname, &host);
	if (ret > 0)
		ret = veth_ours(&host, alias) ? link_del(rt, host.ifindex) : 0;
	rt_close(rt);
	return ret < 0 ? -1 : 0;
}

static int check_fail(const char *fmt, const char *a, const char *b)
{
	return cni_fail(CNI_ERR_CHECK, fmt, a, b);
}

/* CHECK: the attachment is as prevResult says, and the IPAM agrees. */
int cmd_check(const struct cni_env *env, struct cni_conf *conf)
{
	char hname[IFNAMSIZ], alias[LINK_ALIAS_MAX], buf[ADDR_STRLEN];
	const struct cni_result *p = &conf->prev;
	struct link_info dev, host, ctr;
	struct nl_sock *rt = NULL, *ct = NULL;
	struct pod_info which = { 0 }, pod;
	struct ipc ipc = { 0 };
	unsigned int i, j, n = 0;
	int ci = -1, nsfd = -1, ret = -1;

	if (env_check(env, true) < 0 ||
	    veth_alias(conf, env->containerid, env->ifname, alias) < 0)
		return -1;
	if (!conf->has_prev)
		return cni_fail(CNI_ERR_CONFIG, "prevResult: missing (CHECK needs it)");
	veth_name(env->containerid, env->ifname, hname);
	for (i = 0; i < p->nifaces; i++)
		if (!strcmp(p->ifaces[i].name, env->ifname) && p->ifaces[i].sandbox[0])
			ci = i;
	if (ci < 0)
		return check_fail("prevResult: no interface %s in a sandbox%s",
				  env->ifname, "");
	if (strcmp(p->ifaces[ci].sandbox, env->netns))
		return check_fail("prevResult: %s is in %s, not in CNI_NETNS",
				  env->ifname, p->ifaces[ci].sandbox);
	if (ipam_run(env, conf, "CHECK", NULL, NULL) < 0)
		return -1;

	/* The node end: ours, a port of the device with the pod's addresses. */
	if (rt_open(&rt) < 0)
		goto out;
	ret = link_get(rt, conf->device, &dev);
	if (ret == 0 || (ret > 0 && strcmp(dev.kind, "podnet")))
		ret = check_fail("device %s: %s", conf->device,
				 ret ? "not a podnet device" : "missing");
	if (ret < 0)
		goto out;
	ret = link_get(rt, hname, &host);
	if (ret == 0 || (ret > 0 && strcmp(host.alias, alias)))
		ret = check_fail("%s: %s", hname, ret ? "not this attachment's" : "missing");
	if (ret < 0)
		goto out;
	ret = -1;
	if (!(host.flags & IFF_UP)) {
		check_fail("%s: down%s", hname, "");
		goto out;
	}
	strcpy(which.ifname, hname);
	strcpy(which.dev, conf->device);
	if (ipc_open(&ipc) < 0) {
		cni_fail(CNI_ERR_SYSTEM, "%s", fail_msg());
		goto out;
	}
	if (pod_get(&ipc, &which, true, &pod) < 0) {
		check_fail("%s: not a port of %s", hname, conf->device);
		goto out;
	}
	for (i = 0; i < p->nips; i++) {
		if (p->ips[i].iface != ci)
			continue;
		n++;
		for (j = 0; j < pod.naddrs; j++)
			if (addr_equal(&pod.addrs[j], &p->ips[i].addr))
				break;
		if (j == pod.naddrs) {
			check_fail("%s: %s not bound to the port", hname,
				   addr_fmt(&p->ips[i].addr, buf));
			goto out;
		}
	}
	if (n != pod.naddrs) {
		check_fail("%s: the port has addresses prevResult does not%s", hname, "");
		goto out;
	}

	/* The pod end: up, its MAC, MTU, addresses and routes. */
	nsfd = netns_open(env->netns);
	if (nsfd < 0) {
		cni_fail(CNI_ERR_NO_CONTAINER, "CNI_NETNS: %s", fail_msg());
		goto out;
	}
	if (rt_open_in(nsfd, env->netns, &ct) < 0)
		goto out;
	ret = link_get(ct, env->ifname, &ctr);
	if (ret == 0)
		ret = check_fail("%s: missing in %s", env->ifname, env->netns);
	if (ret < 0)
		goto out;
	ret = -1;
	if (!(ctr.flags & IFF_UP)) {
		check_fail("%s: down in %s", env->ifname, env->netns);
		goto out;
	}
	if (p->ifaces[ci].mac[0] && strcasecmp(p->ifaces[ci].mac, ctr.mac)) {
		check_fail("%s: MAC %s, not as prevResult says", env->ifname, ctr.mac);
		goto out;
	}
	if (conf->mtu && ctr.mtu != conf->mtu) {
		cni_fail(CNI_ERR_CHECK, "%s: MTU %u, not %u", env->ifname, ctr.mtu,
			 conf->mtu);
		goto out;
	}
	for (i = 0; i < p->nips; i++) {
		if (p->ips[i].iface != ci)
			continue;
		ret = rt_addr_has(ct, ctr.ifindex, &p->ips[i].addr, p->ips[i].plen);
		if (ret == 0)
			ret = check_fail("%s: no address %s", env->ifname,
					 addr_fmt(&p->ips[i].addr, buf));
		if (ret < 0)
			goto out;
	}
	for (i = 0; i < p->nroutes; i++) {
		char pbuf[PREFIX_STRLEN];

		ret = rt_route_has(ct, ctr.ifindex, &p->routes[i]);
		if (ret == 0)
			ret = check_fail("%s: no route to %s", env->ifname,
					 prefix_fmt(&p->routes[i].dst, pbuf));
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	ipc_close(&ipc);
	rt_close(ct);
	rt_close(rt);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

/*
 * STATUS: ready when the podnet module is there and the device, if made
 * already, is a podnet device and up (ADD makes a missing one); and when
 * the IPAM says it is ready.
 */
int cmd_status(const struct cni_env *env, struct cni_conf *conf)
{
	struct nl_sock *rt = NULL;
	struct link_info dev;
	struct ipc ipc = { 0 };
	int ret;

	if (ipc_open(&ipc) < 0)
		return cni_fail(CNI_ERR_UNAVAILABLE, "%s", fail_msg());
	ipc_close(&ipc);
	if (rt_open(&rt) < 0)
		return -1;
	ret = link_get(rt, conf->device, &dev);
	rt_close(rt);
	if (ret < 0)
		return -1;
	if (ret && strcmp(dev.kind, "podnet"))
		return cni_fail(CNI_ERR_UNAVAILABLE, "device %s: a %s device, not podnet",
				conf->device, dev.kind[0] ? dev.kind : "plain");
	if (ret && !(dev.flags & IFF_UP))
		return cni_fail(CNI_ERR_UNAVAILABLE, "device %s: down", conf->device);
	if (conf->ipam_type) {
		if (env_path(env) < 0)
			return -1;
		return ipam_run(env, conf, "STATUS", NULL, NULL);
	}
	return 0;
}

struct gc_arg {
	struct nl_sock *rt;
	const struct cni_conf *conf;
	size_t prefix_len;
	int errors;
	unsigned int ngone;
	struct cni_gone {
		char cid[LINK_ALIAS_MAX];
		char ifname[IFNAMSIZ];
	} *gone;		/* the attachments whose veth went */
};

/* A veth of this network whose attachment is not a valid one: delete it. */
static int gc_link(const struct link_info *li, void *arg)
{
	struct gc_arg *ga = arg;
	char cid[LINK_ALIAS_MAX], ifname[LINK_ALIAS_MAX], name[IFNAMSIZ];
	unsigned int i;

	if (strlen(li->alias) < ga->prefix_len ||
	    strncmp(li->alias, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) ||
	    strncmp(li->alias + strlen(ALIAS_PREFIX), ga->conf->name,
		    strlen(ga->conf->name)) ||
	    li->alias[ga->prefix_len - 1] != ' ' ||
	    sscanf(li->alias + ga->prefix_len, "%255s %255s", cid, ifname) != 2)
		return 0;
	for (i = 0; i < ga->conf->nvalid; i++)
		if (!strcmp(ga->conf->valid[i].containerid, cid) &&
		    !strcmp(ga->conf->valid[i].ifname, ifname))
			return 0;
	/* Only what ADD would have named so. */
	veth_name(cid, ifname, name);
	if (strcmp(name, li->name))
		return 0;
	if (link_del(ga->rt, li->ifindex) < 0) {
		warn("GC: %s: %s", li->name, fail_msg());
		ga->errors++;
		return 0;
	}
	if (strlen(ifname) < IFNAMSIZ) {
		struct cni_gone *g = realloc(ga->gone, (ga->ngone + 1) * sizeof(*g));

		if (!g)
			return cni_fail(CNI_ERR_SYSTEM, "out of memory");
		ga->gone = g;
		strcpy(g[ga->ngone].cid, cid);
		strcpy(g[ga->ngone].ifname, ifname);
		ga->ngone++;
	}
	return 0;
}

/*
 * An IPAM without GC (before 1.1.0, as Debian's host-local): a DEL for each
 * attachment whose veth GC took, as the runtime would have sent.
 */
static int gc_ipam_dels(const struct cni_env *env, const struct cni_conf *conf,
			const struct gc_arg *ga)
{
	unsigned int i;
	int errors = 0;

	for (i = 0; i < ga->ngone; i++) {
		if (setenv("CNI_CONTAINERID", ga->gone[i].cid, 1) < 0 ||
		    setenv("CNI_IFNAME", ga->gone[i].ifname, 1) < 0 ||
		    setenv("CNI_NETNS", "", 1) < 0 ||
		    ipam_run(env, conf, "DEL", NULL, NULL) < 0) {
			warn("GC: %s %s: IPAM DEL: %s", ga->gone[i].cid,
			     ga->gone[i].ifname, fail_msg());
			errors++;
		}
	}
	return errors;
}

/* GC: every attachment of this network but the valid ones goes, in the IPAM too. */
int cmd_gc(const struct cni_env *env, struct cni_conf *conf)
{
	struct gc_arg ga = { .conf = conf };

	if (!conf->has_valid)
		return cni_fail(CNI_ERR_CONFIG,
				"cni.dev/valid-attachments: missing (GC needs it)");
	if (env_path(env) < 0 || rt_open(&ga.rt) < 0)
		return -1;
	ga.prefix_len = strlen(ALIAS_PREFIX) + strlen(conf->name) + 1;
	/* As much as can be done: a failure does not stop the rest. */
	if (link_foreach(ga.rt, gc_link, &ga) < 0) {
		warn("GC: %s", fail_msg());
		ga.errors++;
	}
	rt_close(ga.rt);
	if (conf->ipam_type) {
		bool skipped;

		if (ipam_run(env, conf, "GC", NULL, &skipped) < 0) {
			warn("GC: IPAM: %s", fail_msg());
			ga.errors++;
		} else if (skipped) {
			ga.errors += gc_ipam_dels(env, conf, &ga);
		}
	}
	free(ga.gone);
	if (ga.errors)
		return cni_fail(CNI_ERR_SYSTEM, "GC: %d of its steps failed (on stderr)",
				ga.errors);
	return 0;
}
