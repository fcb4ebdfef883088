// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: the kernel's own entries that reach another node's pods, over
 * rtnetlink (libnl-route-3), the ones flannel writes:
 *
 *   encap none (host-gw): ip route replace PODCIDR via NODEIP proto 112
 *   encap vxlan, with one device per namespace, made on first use:
 *     ip link add podnet.1 address MAC mtu UNDERLAY-50 type vxlan id 1 \
 *             local LOCALIP dev UNDERLAY dstport 8472 nolearning
 *     ip addr add NETWORK-OF-OWN-PODCIDR/32 dev podnet.1 (and /128)
 *     ip route replace PODCIDR via NETWORK dev podnet.1 onlink proto 112
 *     ip neigh replace NETWORK lladdr VTEPMAC dev podnet.1 nud permanent
 *     bridge fdb replace VTEPMAC dev podnet.1 dst NODEIP self permanent
 *
 * NETWORK is the first address of the remote node's pod prefix, as in
 * flannel (10.244.1.0 for 10.244.1.0/24). The local node's address on the
 * underlay is the source the kernel picks towards the first vxlan node,
 * its own pod prefixes those of the podnet devices' addresses. The podnet
 * devices' MTU is lowered to the VXLAN device's (the CNI plugin gives new
 * pods that MTU too).
 */
#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "node.h"
#include "podnetctl.h"

/* The routes podnetctl writes (iproute2 shows "proto 112"). */
#define NODE_RTPROT 112

static int nl_err(int err, const char *what, const char *name)
{
	return fail("node %s: %s: %s", name, what, nl_geterror(err));
}

static struct nl_addr *nl_pn_addr(const struct pn_addr *a, unsigned int plen)
{
	struct nl_addr *na = nl_addr_build(a->family, a->bytes, addr_len(a->family));

	if (na)
		nl_addr_set_prefixlen(na, (int)plen);
	return na;
}

/* The first address of @p, and its family's full length. */
static const struct pn_addr *prefix_gw(const struct pn_prefix *p)
{
	return &p->addr;	/* prefix_parse() cleared the host bits */
}

static const struct pn_addr *node_addr_of(const struct pn_node *n, int family)
{
	unsigned int i;

	for (i = 0; i < n->naddr; i++)
		if (n->addr[i].family == family)
			return &n->addr[i];
	return NULL;
}

void node_vtep_mac(const struct pn_node *n, uint8_t mac[MAC_LEN])
{
	const struct pn_addr *a = node_addr_of(n, AF_INET);

	if (!a)
		a = &n->addr[0];
	mac[0] = PODNET_VTEP_MAC_PREFIX >> 8;
	mac[1] = PODNET_VTEP_MAC_PREFIX & 0xff;
	memcpy(mac + 2, a->bytes + addr_len(a->family) - 4, 4);
}

/* RTM_GETROUTE: the source address and device the kernel uses to @dst. */
struct route_get {
	struct pn_addr src;
	int oif;
	int err;
	bool done;
};

static int route_get_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[RTA_MAX + 1];
	struct route_get *rg = arg;
	struct rtmsg *rtm = nlmsg_data(nlmsg_hdr(msg));

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[RTA_OIF])
		rg->oif = (int)nla_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PREFSRC] &&
	    nla_len(tb[RTA_PREFSRC]) == (int)addr_len(rtm->rtm_family)) {
		rg->src.family = rtm->rtm_family;
		memcpy(rg->src.bytes, nla_data(tb[RTA_PREFSRC]),
		       addr_len(rtm->rtm_family));
	}
	return NL_OK;
}

static int route_get_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct route_get *)arg)->done = true;
	return NL_STOP;
}

static int route_get_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct route_get *rg = arg;

	(void)nla;
	rg->err = e->error;
	rg->done = true;
	return NL_STOP;
}

static int route_get(struct nl_sock *sk, const struct pn_addr *dst,
		     struct route_get *rg)
{
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)dst->family,
		.rtm_dst_len = (unsigned char)(8 * addr_len(dst->family)),
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, 0);
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err = -NLE_NOMEM;

	memset(rg, 0, sizeof(*rg));
	if (!msg || !cb ||
	    nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)addr_len(dst->family), dst->bytes) < 0)
		goto out;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, route_get_valid, rg);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, route_get_ack, rg);
	nl_cb_err(cb, NL_CB_CUSTOM, route_get_error, rg);
	err = nl_send_auto(sk, msg);
	while (err >= 0 && !rg->done)
		err = nl_recvmsgs(sk, cb);
	if (err >= 0 && rg->err)
		err = -nl_syserr2nlerr(rg->err);
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	return err < 0 ? err : 0;
}

/*
 * The podnet devices' prefixes (this node's pod prefixes) into @p; and
 * each device's MTU lowered to @mtu, the VXLAN device's, if above it.
 */
static int local_devs(struct nl_sock *sk, unsigned int mtu, struct pn_prefix *p,
		      unsigned int max, unsigned int *n)
{
	struct nl_cache *links = NULL, *addrs = NULL;
	struct nl_object *o;
	int err;

	*n = 0;
	err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (err >= 0)
		err = rtnl_addr_alloc_cache(sk, &addrs);
	for (o = err < 0 ? NULL : nl_cache_get_first(links); o;
	     o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o, *change;
		const char *type = rtnl_link_get_type(l);

		if (!type || strcmp(type, "podnet") || rtnl_link_get_mtu(l) <= mtu)
			continue;
		change = rtnl_link_alloc();
		if (!change) {
			err = -NLE_NOMEM;
			break;
		}
		rtnl_link_set_mtu(change, mtu);
		err = rtnl_link_change(sk, l, change, 0);
		rtnl_link_put(change);
		if (err < 0)
			break;
	}
	if (err < 0)
		goto out;
	for (o = nl_cache_get_first(addrs); o && *n < max; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct rtnl_link *l = rtnl_link_get(links, rtnl_addr_get_ifindex(a));
		struct nl_addr *local = rtnl_addr_get_local(a);
		const char *type = l ? rtnl_link_get_type(l) : NULL;
		unsigned int len, i;

		if (l)
			rtnl_link_put(l);
		if (!type || strcmp(type, "podnet") || !local ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE)
			continue;
		memset(&p[*n], 0, sizeof(p[*n]));
		p[*n].addr.family = nl_addr_get_family(local);
		len = addr_len(p[*n].addr.family);
		if (nl_addr_get_len(local) != len)
			continue;
		memcpy(p[*n].addr.bytes, nl_addr_get_binary_addr(local), len);
		p[*n].len = (uint8_t)rtnl_addr_get_prefixlen(a);
		for (i = p[*n].len; i < 8 * len; i++)
			p[*n].addr.bytes[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		(*n)++;
	}
out:
	nl_cache_free(addrs);
	nl_cache_free(links);
	return err;
}

/* Add @a/@plen to @ifindex; there already is fine. */
static int addr_add(struct nl_sock *sk, int ifindex, const struct pn_addr *a,
		    unsigned int plen)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *na = nl_pn_addr(a, plen);
	int err = -NLE_NOMEM;

	if (ra && na) {
		rtnl_addr_set_ifindex(ra, ifindex);
		rtnl_addr_set_local(ra, na);
		if (a->family == AF_INET6)
			rtnl_addr_set_flags(ra, IFA_F_NODAD);
		err = rtnl_addr_add(sk, ra, 0);
		if (err == -NLE_EXIST)
			err = 0;
	}
	nl_addr_put(na);
	rtnl_addr_put(ra);
	return err;
}

/*
 * The VXLAN device, made if missing: towards @n's IPv4 address (its IPv6
 * one if it has none), with the local address and device the kernel
 * routes that by. Its index, and the family of its underlay in *@family.
 */
static int vxlan_dev(struct nl_sock *sk, const struct pn_node *n, int *family)
{
	struct rtnl_link *l = NULL, *under = NULL;
	struct nl_addr *local = NULL, *mac = NULL;
	struct pn_node self = { .naddr = 1 };
	struct pn_prefix own[4];
	struct route_get rg;
	unsigned int nown, i, mtu;
	int err, ifindex;

	err = rtnl_link_get_kernel(sk, 0, NODE_VXLAN_DEV, &l);
	if (err >= 0) {
		const char *type = rtnl_link_get_type(l);

		ifindex = rtnl_link_get_ifindex(l);
		if (!type || strcmp(type, "vxlan")) {
			rtnl_link_put(l);
			return fail("node %s: " NODE_VXLAN_DEV " exists and is no VXLAN device",
				    n->name);
		}
		*family = AF_INET6;
		if (rtnl_link_vxlan_get_local(l, &local) >= 0 && local) {
			*family = nl_addr_get_family(local);
			nl_addr_put(local);
		}
		mtu = rtnl_link_get_mtu(l);
		rtnl_link_put(l);
		goto addrs;
	}
	if (err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV)
		return nl_err(err, NODE_VXLAN_DEV, n->name);

	/*
	 * Over IPv4 if the node has an IPv4 address (as flannel), so that
	 * this node's VTEP MAC comes from its IPv4 address, as the other
	 * nodes derive it.
	 */
	err = route_get(sk, node_addr_of(n, AF_INET) ?: &n->addr[0], &rg);
	if (err < 0)
		return nl_err(err, "no route to its address", n->name);
	if (!rg.src.family || !rg.oif)
		return fail("node %s: no local address towards it", n->name);
	err = rtnl_link_get_kernel(sk, rg.oif, NULL, &under);
	if (err < 0)
		return nl_err(err, "the underlay device", n->name);
	self.addr[0] = rg.src;
	node_vtep_mac(&self, self.mac);

	l = rtnl_link_vxlan_alloc();
	local = nl_pn_addr(&rg.src, 8 * addr_len(rg.src.family));
	mac = nl_addr_build(AF_LLC, self.mac, MAC_LEN);
	err = -NLE_NOMEM;
	if (l && local && mac) {
		rtnl_link_set_name(l, NODE_VXLAN_DEV);
		rtnl_link_set_addr(l, mac);
		/* room for the outer headers: 50 bytes over IPv4, 70 over IPv6 */
		rtnl_link_set_mtu(l, rtnl_link_get_mtu(under) -
				     (rg.src.family == AF_INET ? 50 : 70));
		rtnl_link_set_flags(l, IFF_UP);
		rtnl_link_vxlan_set_id(l, PODNET_VXLAN_VNI);
		rtnl_link_vxlan_set_local(l, local);
		rtnl_link_vxlan_set_link(l, (uint32_t)rg.oif);
		rtnl_link_vxlan_set_port(l, PODNET_VXLAN_PORT);
		rtnl_link_vxlan_set_learning(l, 0);
		err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(mac);
	nl_addr_put(local);
	rtnl_link_put(l);
	rtnl_link_put(under);
	if (err < 0 && err != -NLE_EXIST)
		return nl_err(err, "creating " NODE_VXLAN_DEV, n->name);
	l = NULL;
	err = rtnl_link_get_kernel(sk, 0, NODE_VXLAN_DEV, &l);
	if (err < 0)
		return nl_err(err, NODE_VXLAN_DEV, n->name);
	ifindex = rtnl_link_get_ifindex(l);
	mtu = rtnl_link_get_mtu(l);
	rtnl_link_put(l);
	*family = rg.src.family;
addrs:
	/*
	 * The podnet devices' MTU no larger than the VXLAN device's, and the
	 * first address of each own pod prefix on it, as flannel gives
	 * flannel.1.
	 */
	err = local_devs(sk, mtu, own, ARRAY_SIZE(own), &nown);
	for (i = 0; err >= 0 && i < nown; i++)
		err = addr_add(sk, ifindex, &own[i].addr,
			       8 * addr_len(own[i].addr.family));
	if (err < 0)
		return nl_err(err, "podnet devices' MTU, addresses of " NODE_VXLAN_DEV,
			      n->name);
	return ifindex;
}

static int neigh_op(struct nl_sock *sk, bool add, int family, int ifindex,
		    const struct pn_addr *dst, const uint8_t mac[MAC_LEN])
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *d = nl_pn_addr(dst, 8 * addr_len(dst->family));
	struct nl_addr *ll = nl_addr_build(AF_LLC, mac, MAC_LEN);
	int err = -NLE_NOMEM;

	if (ne && d && ll) {
		/* the family last: libnl refuses a dst of another family */
		rtnl_neigh_set_ifindex(ne, ifindex);
		rtnl_neigh_set_dst(ne, d);
		rtnl_neigh_set_lladdr(ne, ll);
		rtnl_neigh_set_family(ne, family);
		rtnl_neigh_set_state(ne, NUD_PERMANENT);
		if (family == AF_BRIDGE)
			rtnl_neigh_set_flags(ne, NTF_SELF);
		err = add ? rtnl_neigh_add(sk, ne, NLM_F_CREATE | NLM_F_REPLACE) :
			    rtnl_neigh_delete(sk, ne, 0);
	}
	nl_addr_put(ll);
	nl_addr_put(d);
	rtnl_neigh_put(ne);
	return err;
}

/* @gw NULL: delete the route to @dst that podnetctl wrote. */
static int route_op(struct nl_sock *sk, const struct pn_prefix *dst,
		    const struct pn_addr *gw, int ifindex)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *d = nl_pn_addr(&dst->addr, dst->len), *g = NULL;
	int err = -NLE_NOMEM;

	if (!r || !d)
		goto out;
	rtnl_route_set_family(r, (uint8_t)dst->addr.family);
	rtnl_route_set_dst(r, d);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, NODE_RTPROT);
	/* universe: a delete of any scope (libnl would guess link) */
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	if (!gw) {
		err = rtnl_route_delete(sk, r, 0);
		goto out;
	}
	nh = rtnl_route_nh_alloc();
	g = nl_pn_addr(gw, 8 * addr_len(gw->family));
	if (!nh || !g)
		goto out;
	rtnl_route_nh_set_gateway(nh, g);
	if (ifindex) {
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	}
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;
	err = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_REPLACE);
out:
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(g);
	nl_addr_put(d);
	rtnl_route_put(r);
	return err;
}

static bool has_cidr(const struct pn_node *n, const struct pn_prefix *p)
{
	unsigned int i;

	for (i = 0; n && i < n->ncidr; i++)
		if (prefix_equal(&n->cidr[i], p))
			return true;
	return false;
}

/* Remove @n's entries that @keep (NULL: none) does not have. */
static int node_unwrite(struct nl_sock *sk, const struct pn_node *n,
			const struct pn_node *keep)
{
	bool vx = keep && keep->encap == PODNET_ENCAP_VXLAN;
	struct rtnl_link *l = NULL;
	int ifindex = 0, family = AF_INET6, err, ret = 0;
	struct nl_addr *local = NULL;
	const struct pn_addr *under;
	char buf[PREFIX_STRLEN];
	unsigned int i;

	if (n->encap == PODNET_ENCAP_VXLAN &&
	    rtnl_link_get_kernel(sk, 0, NODE_VXLAN_DEV, &l) >= 0) {
		ifindex = rtnl_link_get_ifindex(l);
		if (rtnl_link_vxlan_get_local(l, &local) >= 0 && local) {
			family = nl_addr_get_family(local);
			nl_addr_put(local);
		}
		rtnl_link_put(l);
	}
	for (i = 0; i < n->ncidr; i++) {
		const struct pn_prefix *p = &n->cidr[i];

		if (!has_cidr(keep, p)) {
			err = route_op(sk, p, NULL, 0);
			if (err < 0 && err != -NLE_OBJ_NOTFOUND && !ret)
				ret = fail("node %s: route to %s: %s", n->name,
					   prefix_fmt(p, buf), nl_geterror(err));
		}
		/* a neighbour entry of @keep's replaced it (same address) */
		if (ifindex && !(vx && has_cidr(keep, p))) {
			err = neigh_op(sk, false, p->addr.family, ifindex,
				       prefix_gw(p), n->mac);
			if (err < 0 && err != -NLE_OBJ_NOTFOUND && !ret)
				ret = fail("node %s: neighbour %s: %s", n->name,
					   addr_fmt(prefix_gw(p), buf), nl_geterror(err));
		}
	}
	under = node_addr_of(n, family);
	if (ifindex && under && !(vx && !memcmp(keep->mac, n->mac, MAC_LEN))) {
		err = neigh_op(sk, false, AF_BRIDGE, ifindex, under, n->mac);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND && !ret)
			ret = fail("node %s: forwarding entry: %s", n->name,
				   nl_geterror(err));
	}
	return ret;
}

int underlay_node_set(struct nl_sock *sk, const struct pn_node *n,
		      const struct pn_node *old)
{
	const struct pn_addr *via;
	char buf[PREFIX_STRLEN];
	int ifindex = 0, family = AF_UNSPEC, err;
	unsigned int i;

	if (n->encap == PODNET_ENCAP_VXLAN) {
		ifindex = vxlan_dev(sk, n, &family);
		if (ifindex < 0)
			return -1;
		via = node_addr_of(n, family);
		if (!via)
			return fail("node %s: no %s address, the VXLAN underlay's family",
				    n->name, family == AF_INET ? "IPv4" : "IPv6");
		err = neigh_op(sk, true, AF_BRIDGE, ifindex, via, n->mac);
		if (err < 0)
			return nl_err(err, "forwarding entry", n->name);
	}
	for (i = 0; i < n->ncidr; i++) {
		const struct pn_prefix *p = &n->cidr[i];

		if (ifindex) {
			err = neigh_op(sk, true, p->addr.family, ifindex,
				       prefix_gw(p), n->mac);
			if (err < 0)
				return fail("node %s: neighbour %s: %s", n->name,
					    addr_fmt(prefix_gw(p), buf), nl_geterror(err));
			via = prefix_gw(p);
		} else {
			via = node_addr_of(n, p->addr.family);
		}
		err = route_op(sk, p, via, ifindex);
		if (err < 0)
			return fail("node %s: route to %s: %s", n->name,
				    prefix_fmt(p, buf), nl_geterror(err));
	}
	return old ? node_unwrite(sk, old, n) : 0;
}

int underlay_node_del(struct nl_sock *sk, const struct pn_node *n)
{
	return node_unwrite(sk, n, NULL);
}
