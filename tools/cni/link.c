// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: links, addresses and routes over rtnetlink, on
 * libnl-route-3 (link.h). What "ip link add ... type veth peer name ...
 * netns ...", "ip addr add" and "ip route add" do, one request each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "link.h"
#include "netns.h"

/* A libnl error as ours: transient ones are "try again later". */
static int nl_fail(int err, const char *what)
{
	err = err < 0 ? -err : err;
	return cni_fail(err == NLE_BUSY || err == NLE_AGAIN ? CNI_ERR_AGAIN :
			CNI_ERR_SYSTEM, "%s: %s", what, nl_geterror(err));
}

int rt_open(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(sk);
		return nl_fail(err, "rtnetlink socket");
	}
	*skp = sk;
	return 0;
}

int rt_open_in(int nsfd, const char *netns, struct nl_sock **sk)
{
	int self = netns_open("/proc/self/ns/net"), ret;

	if (self < 0)
		return cni_fail(CNI_ERR_SYSTEM, "%s", fail_msg());
	if (netns_set(nsfd, netns) < 0) {
		close(self);
		return cni_fail(CNI_ERR_SYSTEM, "%s", fail_msg());
	}
	ret = rt_open(sk);
	if (netns_set(self, "/proc/self/ns/net") < 0) {
		/* Never go on in the container's namespace (IPAM DEL, say). */
		fprintf(stderr, CNI_PROG ": cannot return to the node's namespace: %s\n",
			fail_msg());
		abort();
	}
	close(self);
	return ret;
}

void rt_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static void info_fill(struct rtnl_link *l, struct link_info *li)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *s;

	memset(li, 0, sizeof(*li));
	li->ifindex = rtnl_link_get_ifindex(l);
	li->flags = rtnl_link_get_flags(l);
	li->mtu = rtnl_link_get_mtu(l);
	li->master = rtnl_link_get_master(l);
	s = rtnl_link_get_name(l);
	snprintf(li->name, sizeof(li->name), "%s", s ? s : "");
	if (mac && nl_addr_get_len(mac) == MAC_LEN)
		mac_fmt(nl_addr_get_binary_addr(mac), li->mac);
	s = rtnl_link_get_type(l);
	snprintf(li->kind, sizeof(li->kind), "%s", s ? s : "");
	s = rtnl_link_get_ifalias(l);
	snprintf(li->alias, sizeof(li->alias), "%s", s ? s : "");
}

int link_get(struct nl_sock *sk, const char *name, struct link_info *li)
{
	struct rtnl_link *l = NULL;
	int err = rtnl_link_get_kernel(sk, 0, name, &l);

	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return 0;
	if (err < 0)
		return nl_fail(err, name);
	info_fill(l, li);
	rtnl_link_put(l);
	return 1;
}

struct foreach_arg {
	int (*fn)(const struct link_info *li, void *arg);
	void *arg;
	int ret;
};

static void foreach_cb(struct nl_object *obj, void *arg)
{
	struct foreach_arg *fa = arg;
	struct link_info li;

	if (fa->ret)
		return;
	info_fill((struct rtnl_link *)obj, &li);
	fa->ret = fa->fn(&li, fa->arg);
}

int link_foreach(struct nl_sock *sk, int (*fn)(const struct link_info *li, void *arg),
		 void *arg)
{
	struct foreach_arg fa = { .fn = fn, .arg = arg };
	struct nl_cache *cache;
	int err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	if (err < 0)
		return nl_fail(err, "links");
	nl_cache_foreach(cache, foreach_cb, &fa);
	nl_cache_free(cache);
	return fa.ret;
}

int link_podnet_add(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	rtnl_link_set_name(l, name);
	err = rtnl_link_set_type(l, "podnet");
	if (!err) {
		rtnl_link_set_flags(l, IFF_UP);
		err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(l);
	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? nl_fail(err, name) : 0;
}

int link_veth_add(struct nl_sock *sk, const char *host, const char *peer_name,
		  int nsfd, unsigned int mtu)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *peer;
	int err;

	if (!l)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, host);
	rtnl_link_set_name(peer, peer_name);
	/*
	 * Neither end up yet: veth_newlink() (6.1) opens the peer before it
	 * has one (-ENOTCONN); nor the alias, which rtnl_create_link() does
	 * not set (only do_setlink() does).
	 */
	rtnl_link_set_ns_fd(peer, nsfd);
	if (mtu) {
		rtnl_link_set_mtu(l, mtu);
		rtnl_link_set_mtu(peer, mtu);
	}
	err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(l);
	if (err == -NLE_EXIST)
		return -EEXIST;
	return err < 0 ? nl_fail(err, host) : 0;
}

int link_set(struct nl_sock *sk, const struct link_info *li, const char *alias)
{
	struct rtnl_link *l = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int err = -NLE_NOMEM;

	if (l && change) {
		rtnl_link_set_ifindex(l, li->ifindex);
		rtnl_link_set_flags(change, IFF_UP);
		if (alias)
			rtnl_link_set_ifalias(change, alias);
		err = rtnl_link_change(sk, l, change, 0);
	}
	rtnl_link_put(change);
	rtnl_link_put(l);
	return err < 0 ? nl_fail(err, li->name) : 0;
}

int link_del(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	rtnl_link_set_ifindex(l, ifindex);
	err = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return 0;
	return err < 0 ? nl_fail(err, "delete link") : 0;
}

static struct nl_addr *nladdr(const struct pn_addr *a, unsigned int plen)
{
	struct nl_addr *n = nl_addr_build(a->family, a->bytes, addr_len(a->family));

	if (n)
		nl_addr_set_prefixlen(n, plen);
	return n;
}

int rt_addr_add(struct nl_sock *sk, int ifindex, const struct pn_addr *a,
		unsigned int plen, bool exist_ok)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = nladdr(a, plen);
	char buf[ADDR_STRLEN];
	int err = -NLE_NOMEM;

	if (ra && local) {
		rtnl_addr_set_ifindex(ra, ifindex);
		rtnl_addr_set_family(ra, a->family);
		err = rtnl_addr_set_local(ra, local);
		if (a->family == AF_INET6)
			rtnl_addr_set_flags(ra, IFA_F_NODAD);
		if (!err)
			err = rtnl_addr_add(sk, ra, exist_ok ? 0 : NLM_F_EXCL);
	}
	nl_addr_put(local);
	rtnl_addr_put(ra);
	if (err == -NLE_EXIST && exist_ok)
		return 0;
	return err < 0 ? nl_fail(err, addr_fmt(a, buf)) : 0;
}

struct addr_find {
	int ifindex;
	struct nl_addr *want;
	bool found;
};

static void addr_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)obj;
	struct addr_find *f = arg;
	struct nl_addr *local = rtnl_addr_get_local(ra);

	if (rtnl_addr_get_ifindex(ra) == f->ifindex && local &&
	    rtnl_addr_get_prefixlen(ra) == (int)nl_addr_get_prefixlen(f->want) &&
	    !nl_addr_cmp_prefix(local, f->want) &&
	    nl_addr_get_len(local) == nl_addr_get_len(f->want) &&
	    !memcmp(nl_addr_get_binary_addr(local), nl_addr_get_binary_addr(f->want),
		    nl_addr_get_len(local)))
		f->found = true;
}

int rt_addr_has(struct nl_sock *sk, int ifindex, const struct pn_addr *a,
		unsigned int plen)
{
	struct addr_find f = { .ifindex = ifindex, .want = nladdr(a, plen) };
	struct nl_cache *cache;
	int err;

	if (!f.want)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	err = rtnl_addr_alloc_cache(sk, &cache);
	if (err < 0) {
		nl_addr_put(f.want);
		return nl_fail(err, "addresses");
	}
	nl_cache_foreach(cache, addr_cb, &f);
	nl_cache_free(cache);
	nl_addr_put(f.want);
	return f.found;
}

int rt_route_add(struct nl_sock *sk, int ifindex, const struct cni_route *r)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nladdr(&r->dst.addr, r->dst.len), *gw = NULL;
	char buf[PREFIX_STRLEN];
	int err = -NLE_NOMEM;

	if (r->has_gw)
		gw = nladdr(&r->gw, addr_len(r->gw.family) * 8);
	if (rt && nh && dst && (gw || !r->has_gw)) {
		rtnl_route_set_family(rt, r->dst.addr.family);
		rtnl_route_set_table(rt, RT_TABLE_MAIN);
		rtnl_route_set_protocol(rt, RTPROT_BOOT);
		rtnl_route_set_type(rt, RTN_UNICAST);
		rtnl_route_set_scope(rt, r->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
		err = rtnl_route_set_dst(rt, dst);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		if (gw)
			rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(rt, nh);
		nh = NULL;
		if (!err)
			err = rtnl_route_add(sk, rt, NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(gw);
	nl_addr_put(dst);
	rtnl_route_put(rt);
	return err < 0 ? nl_fail(err, prefix_fmt(&r->dst, buf)) : 0;
}

struct route_find {
	int ifindex;
	const struct cni_route *want;
	bool found;
};

static bool nladdr_is(struct nl_addr *n, const struct pn_addr *a, unsigned int plen)
{
	unsigned int len = addr_len(a->family);

	if (!n)		/* a default route may come without RTA_DST */
		return plen == 0;
	return nl_addr_get_family(n) == a->family &&
	       nl_addr_get_prefixlen(n) == plen &&
	       (plen == 0 || (nl_addr_get_len(n) == len &&
			      !memcmp(nl_addr_get_binary_addr(n), a->bytes, len)));
}

static void route_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct route_find *f = arg;
	struct rtnl_nexthop *nh;

	if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_family(rt) != f->want->dst.addr.family ||
	    !nladdr_is(rtnl_route_get_dst(rt), &f->want->dst.addr, f->want->dst.len) ||
	    rtnl_route_get_nnexthops(rt) != 1)
		return;
	nh = rtnl_route_nexthop_n(rt, 0);
	if (rtnl_route_nh_get_ifindex(nh) != f->ifindex)
		return;
	if (f->want->has_gw &&
	    !nladdr_is(rtnl_route_nh_get_gateway(nh), &f->want->gw,
		       addr_len(f->want->gw.family) * 8))
		return;
	f->found = true;
}

int rt_route_has(struct nl_sock *sk, int ifindex, const struct cni_route *r)
{
	struct route_find f = { .ifindex = ifindex, .want = r };
	struct nl_cache *cache;
	int err = rtnl_route_alloc_cache(sk, r->dst.addr.family, 0, &cache);

	if (err < 0)
		return nl_fail(err, "routes");
	nl_cache_foreach(cache, route_cb, &f);
	nl_cache_free(cache);
	return f.found;
}
