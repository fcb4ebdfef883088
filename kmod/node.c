// SPDX-License-Identifier: GPL-2.0
/*
 * The other nodes of the cluster (PODNET_CMD_NODE_*): a table per
 * namespace of what each node is called, where it is on the underlay, which
 * pod prefixes it has and how they are reached. Nothing on the packet path
 * reads it: the routes, neighbour and forwarding-database entries it
 * stands for are the kernel's own, written by podnetctl over rtnetlink, and
 * the table is what they are checked against and rebuilt from. Changed and
 * read under RTNL, which also guards the podnet devices whose addresses a
 * node's prefixes must not overlap. A node reached without a tunnel
 * (encap none) also holds the uplink (kmod/uplink.c) its pods' packets
 * come in on, whose hook takes them to the pods by podnet's forward path.
 */

#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "compat.h"
#include "config.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "node.h"
#include "uplink.h"

static unsigned int podnet_max_nodes = 5000;
module_param_named(max_nodes, podnet_max_nodes, uint, 0644);
MODULE_PARM_DESC(max_nodes,
		 "most nodes a namespace knows (default 5000, Kubernetes' largest cluster; 1024 in a user namespace's)");

#define PODNET_MAX_NODES_USERNS 1024

/**
 * struct podnet_node - another node of the cluster
 * @list: entry in podnet_net.nodes (RTNL)
 * @name: its name
 * @addr: its underlay addresses (IPv4 as IPv4-mapped), @naddr of them
 * @cidr: its pod prefixes, @ncidr of them
 * @encap: enum podnet_encap
 * @vtep_mac: its VXLAN device's MAC address (vxlan)
 * @up: the uplinks its pods' packets come in on, one an address (encap
 *	none; NULL where there is none)
 */
struct podnet_node {
	struct list_head list;
	struct podnet_uplink *up[2];
	struct in6_addr addr[2];
	struct podnet_prefix cidr[2];
	u8 naddr;
	u8 ncidr;
	u8 encap;
	u8 vtep_mac[ETH_ALEN];
	char name[PODNET_NODE_NAME_MAX];
};

const struct nla_policy podnet_node_policy[PODNET_NODE_A_MAX + 1] = {
	[PODNET_NODE_A_NAME] = { .type = NLA_NUL_STRING,
				 .len = PODNET_NODE_NAME_MAX - 1 },
	[PODNET_NODE_A_ADDRS] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_NODE_A_CIDRS] = NLA_POLICY_NESTED(podnet_prefixes_policy),
	[PODNET_NODE_A_ENCAP] = NLA_POLICY_MAX(NLA_U8, PODNET_ENCAP_MAX),
	[PODNET_NODE_A_VTEP_MAC] = NLA_POLICY_ETH_ADDR,
};

static struct podnet_node *podnet_node_find(struct podnet_net *pnet,
					    const char *name)
{
	struct podnet_node *node;

	ASSERT_RTNL();
	list_for_each_entry(node, &pnet->nodes, list)
		if (!strcmp(node->name, name))
			return node;
	return NULL;
}

static bool podnet_prefix_overlap(const struct podnet_prefix *a,
				  const struct in6_addr *addr, u8 len)
{
	return ipv6_prefix_equal(&a->addr, addr, min(a->len, len));
}

/* Whether @p overlaps the prefix of an address of a podnet device. */
static bool podnet_node_local(struct net *net, const struct podnet_prefix *p)
{
	struct podnet_dev *pn;
	bool hit = false;

	list_for_each_entry(pn, &podnet_net(net)->devs, node) {
		const struct in_device *in_dev = __in_dev_get_rtnl(pn->dev);
		struct inet6_dev *idev = __in6_dev_get(pn->dev);
		const struct in_ifaddr *ifa;
		struct inet6_ifaddr *ifp;
		struct in6_addr a;

		if (in_dev) {
			in_dev_for_each_ifa_rtnl(ifa, in_dev) {
				ipv6_addr_set_v4mapped(ifa->ifa_local, &a);
				if (podnet_prefix_overlap(p, &a,
							  96 + ifa->ifa_prefixlen))
					return true;
			}
		}
		if (!idev)
			continue;
		read_lock_bh(&idev->lock);
		list_for_each_entry(ifp, &idev->addr_list, if_list)
			if (podnet_prefix_overlap(p, &ifp->addr,
						  ifp->prefix_len))
				hit = true;
		read_unlock_bh(&idev->lock);
		if (hit)
			return true;
	}
	return false;
}

static int podnet_node_parse(struct nlattr **tb, struct podnet_node *node,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	unsigned int n, i;
	int rem, err;

	nla_strscpy(node->name, tb[PODNET_NODE_A_NAME], sizeof(node->name));
	if (!node->name[0]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_NAME],
				    "empty node name");
		return -EINVAL;
	}
	nla_for_each_nested(nla, tb[PODNET_NODE_A_ADDRS], rem) {
		if (node->naddr == ARRAY_SIZE(node->addr)) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "a node has one address of each family");
			return -EINVAL;
		}
		err = podnet_nl_parse_addr(nla, &node->addr[node->naddr],
					   extack);
		if (err)
			return err;
		if (node->naddr &&
		    ipv6_addr_v4mapped(&node->addr[0]) ==
		    ipv6_addr_v4mapped(&node->addr[1])) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "a node has one address of each family");
			return -EINVAL;
		}
		node->naddr++;
	}
	if (!node->naddr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_ADDRS],
				    "node has no address");
		return -EINVAL;
	}
	err = podnet_nl_parse_prefixes(tb[PODNET_NODE_A_CIDRS], 0, node->cidr,
				       ARRAY_SIZE(node->cidr), &n, extack);
	if (err)
		return err;
	node->ncidr = n;
	if (!n || (n == 2 && ipv6_addr_v4mapped(&node->cidr[0].addr) ==
			     ipv6_addr_v4mapped(&node->cidr[1].addr))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_CIDRS],
				    "a node has one or two pod prefixes, one of each family");
		return -EINVAL;
	}
	node->encap = PODNET_ENCAP_VXLAN;
	if (tb[PODNET_NODE_A_ENCAP])
		node->encap = nla_get_u8(tb[PODNET_NODE_A_ENCAP]);
	for (i = 0; i < n; i++) {
		bool v4 = ipv6_addr_v4mapped(&node->cidr[i].addr);

		if (node->cidr[i].len == (v4 ? 96 : 0)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_CIDRS],
					    "pod prefix of length 0");
			return -EINVAL;
		}
		if (node->encap == PODNET_ENCAP_NONE &&
		    ipv6_addr_v4mapped(&node->addr[0]) != v4 &&
		    (node->naddr == 1 ||
		     ipv6_addr_v4mapped(&node->addr[1]) != v4)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_CIDRS],
					    "encap none: no node address of the pod prefix's family to route it via");
			return -EINVAL;
		}
	}
	if (tb[PODNET_NODE_A_VTEP_MAC]) {
		if (node->encap != PODNET_ENCAP_VXLAN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_VTEP_MAC],
					    "a VTEP MAC is for encap vxlan");
			return -EINVAL;
		}
		nla_memcpy(node->vtep_mac, tb[PODNET_NODE_A_VTEP_MAC], ETH_ALEN);
		if (!is_valid_ether_addr(node->vtep_mac)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PODNET_NODE_A_VTEP_MAC],
					    "VTEP MAC must be a unicast address");
			return -EINVAL;
		}
	} else if (node->encap == PODNET_ENCAP_VXLAN) {
		const struct in6_addr *a = &node->addr[0];

		if (node->naddr == 2 && !ipv6_addr_v4mapped(a))
			a = &node->addr[1];
		node->vtep_mac[0] = PODNET_VTEP_MAC_PREFIX >> 8;
		node->vtep_mac[1] = PODNET_VTEP_MAC_PREFIX & 0xff;
		memcpy(node->vtep_mac + 2, &a->s6_addr32[3], 4);
	}
	return 0;
}

/* The @i-th attribute nested in @nest (the request's i-th prefix). */
static const struct nlattr *podnet_nth(const struct nlattr *nest,
				       unsigned int i)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, nest, rem)
		if (!i--)
			return nla;
	return nest;
}

/* What another node of the table, or this node, already has. */
static int podnet_node_check(struct net *net, const struct podnet_node *node,
			     const struct nlattr *cidrs,
			     struct netlink_ext_ack *extack)
{
	const struct podnet_node *o;
	unsigned int i, j;

	for (i = 0; i < node->ncidr; i++)
		if (podnet_node_local(net, &node->cidr[i])) {
			NL_SET_ERR_MSG_ATTR(extack, podnet_nth(cidrs, i),
					    "pod prefix overlaps this node's own (an address of a podnet device)");
			return -EINVAL;
		}
	list_for_each_entry(o, &podnet_net(net)->nodes, list) {
		if (!strcmp(o->name, node->name))
			continue;
		for (i = 0; i < node->ncidr; i++)
			for (j = 0; j < o->ncidr; j++)
				if (podnet_prefix_overlap(&node->cidr[i],
							  &o->cidr[j].addr,
							  o->cidr[j].len)) {
					NL_SET_ERR_MSG_ATTR(extack,
							    podnet_nth(cidrs, i),
							    "pod prefix overlaps another node's");
					return -EEXIST;
				}
		for (i = 0; i < node->naddr; i++)
			for (j = 0; j < o->naddr; j++)
				if (ipv6_addr_equal(&node->addr[i],
						    &o->addr[j])) {
					NL_SET_ERR_MSG_MOD(extack,
							   "another node has that address");
					return -EEXIST;
				}
	}
	return 0;
}

static int podnet_nl_fill_node(struct sk_buff *skb,
			       const struct podnet_node *node, u32 portid,
			       u32 seq, int flags, u8 cmd,
			       struct netlink_callback *cb)
{
	struct nlattr *nest, *addrs;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &podnet_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, PODNET_A_NODE);
	if (!nest || nla_put_string(skb, PODNET_NODE_A_NAME, node->name))
		goto cancel;
	addrs = nla_nest_start(skb, PODNET_NODE_A_ADDRS);
	if (!addrs)
		goto cancel;
	for (i = 0; i < node->naddr; i++)
		if (podnet_nl_put_addr(skb, 0, &node->addr[i]))
			goto cancel;
	nla_nest_end(skb, addrs);
	if (podnet_nl_put_prefixes(skb, PODNET_NODE_A_CIDRS, node->cidr,
				   node->ncidr) ||
	    nla_put_u8(skb, PODNET_NODE_A_ENCAP, node->encap) ||
	    (node->encap == PODNET_ENCAP_VXLAN &&
	     nla_put(skb, PODNET_NODE_A_VTEP_MAC, ETH_ALEN, node->vtep_mac)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int podnet_nl_event_node(struct sk_buff *skb, const void *node, u8 cmd)
{
	return podnet_nl_fill_node(skb, node, 0, 0, 0, cmd, NULL);
}

static void podnet_nl_notify_node(struct net *net,
				  const struct podnet_node *node, u8 cmd)
{
	podnet_nl_event(net, GENLMSG_DEFAULT_SIZE, podnet_nl_event_node, node,
			cmd);
}

/*
 * A node changed: the mark of "podnetctl apply" (PODNET_CFG_A_APPLIED),
 * valid while svc_gen stays, no longer holds. After RTNL is let go: no
 * lock of the namespace's services is ever taken under RTNL.
 */
static void podnet_node_changed(struct podnet_net *pnet)
{
	mutex_lock(&pnet->svc_lock);
	pnet->svc_gen++;
	mutex_unlock(&pnet->svc_lock);
}

/* Take the uplinks of a node reached without a tunnel. Context: RTNL. */
static int podnet_node_uplinks(struct net *net, struct podnet_node *node)
{
	unsigned int i;

	if (node->encap != PODNET_ENCAP_NONE)
		return 0;
	for (i = 0; i < node->naddr; i++) {
		node->up[i] = podnet_uplink_get(net, &node->addr[i]);
		if (IS_ERR(node->up[i])) {
			int err = PTR_ERR(node->up[i]);

			node->up[i] = NULL;
			return err;
		}
	}
	return 0;
}

/* Let go of a node's uplinks, then of the node. Context: RTNL. */
static void podnet_node_free(struct podnet_node *node)
{
	if (!node)
		return;
	podnet_uplink_put(node->up[0]);
	podnet_uplink_put(node->up[1]);
	kfree(node);
}

static int podnet_nl_node_attrs(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (podnet_nl_missing(info, PODNET_A_NODE, "node"))
		return -EINVAL;
	err = nla_parse_nested(tb, PODNET_NODE_A_MAX, info->attrs[PODNET_A_NODE],
			       podnet_node_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PODNET_A_NODE], tb,
			      PODNET_NODE_A_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "node name not given");
		return -EINVAL;
	}
	return 0;
}

int podnet_nl_node_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_NODE_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_node *node, *old;
	int err;

	err = podnet_nl_node_attrs(info, tb);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PODNET_A_NODE], tb,
			      PODNET_NODE_A_ADDRS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "node addresses not given");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PODNET_A_NODE], tb,
			      PODNET_NODE_A_CIDRS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "node pod prefixes not given");
		return -EINVAL;
	}
	node = kzalloc(sizeof(*node), PODNET_GFP_CFG);
	if (!node)
		return -ENOMEM;
	err = podnet_node_parse(tb, node, info->extack);
	if (err)
		goto free;
	rtnl_lock();
	err = podnet_node_check(net, node, tb[PODNET_NODE_A_CIDRS],
				info->extack);
	if (err)
		goto unlock;
	old = podnet_node_find(pnet, node->name);
	if (!old && pnet->nnodes >= podnet_limit(net, READ_ONCE(podnet_max_nodes),
						 PODNET_MAX_NODES_USERNS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many nodes (max_nodes)");
		err = -ENOSPC;
		goto unlock;
	}
	err = podnet_node_uplinks(net, node);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "cannot take the node's uplink");
		goto unlock;
	}
	if (old) {
		list_replace(&old->list, &node->list);
	} else {
		list_add_tail(&node->list, &pnet->nodes);
		pnet->nnodes++;
	}
	pnet->node_gen++;
	podnet_nl_notify_node(net, node, PODNET_CMD_NODE_SET);
	podnet_node_free(old);
	rtnl_unlock();
	podnet_node_changed(pnet);
	return 0;
unlock:
	podnet_node_free(node);
	rtnl_unlock();
	return err;
free:
	kfree(node);
	return err;
}

int podnet_nl_node_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_NODE_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_node *node;
	int err;

	err = podnet_nl_node_attrs(info, tb);
	if (err)
		return err;
	rtnl_lock();
	node = podnet_node_find(pnet, nla_data(tb[PODNET_NODE_A_NAME]));
	if (!node) {
		rtnl_unlock();
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PODNET_NODE_A_NAME],
				    "no such node");
		return -ENOENT;
	}
	list_del(&node->list);
	pnet->nnodes--;
	pnet->node_gen++;
	podnet_nl_notify_node(net, node, PODNET_CMD_NODE_DEL);
	podnet_node_free(node);
	rtnl_unlock();
	podnet_node_changed(pnet);
	return 0;
}

int podnet_nl_node_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_NODE_A_MAX + 1];
	struct podnet_net *pnet = podnet_net(genl_info_net(info));
	struct podnet_node *node;
	struct sk_buff *msg;
	int err;

	err = podnet_nl_node_attrs(info, tb);
	if (err)
		return err;
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	node = podnet_node_find(pnet, nla_data(tb[PODNET_NODE_A_NAME]));
	if (!node) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PODNET_NODE_A_NAME],
				    "no such node");
		err = -ENOENT;
	} else {
		err = podnet_nl_fill_node(msg, node, info->snd_portid,
					  info->snd_seq, 0, PODNET_CMD_NODE_GET,
					  NULL);
	}
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Dump cursor: args[0] nodes done. */
int podnet_nl_node_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct podnet_net *pnet = podnet_net(sock_net(skb->sk));
	struct podnet_node *node;
	unsigned long i = 0;

	rtnl_lock();
	cb->seq = pnet->node_gen;
	list_for_each_entry(node, &pnet->nodes, list) {
		if (i++ < cb->args[0])
			continue;
		if (podnet_nl_fill_node(skb, node, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					PODNET_CMD_NODE_GET, cb)) {
			i--;
			break;
		}
	}
	cb->args[0] = i;
	rtnl_unlock();
	return skb->len;
}

/* The namespace is going: its nodes with it. Context: RTNL. */
void podnet_node_net_exit(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);
	struct podnet_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, &pnet->nodes, list)
		podnet_node_free(node);
	INIT_LIST_HEAD(&pnet->nodes);
	pnet->nnodes = 0;
}
