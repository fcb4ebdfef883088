// SPDX-License-Identifier: GPL-2.0
/*
 * The "podnet" generic netlink family: parses and validates requests, calls
 * the tables' own operations, builds replies and notifications. The API is
 * documented in uapi/linux/podnet.h.
 *
 * Every operation runs under genl_mutex and takes RTNL, which guards the
 * port and address tables.
 */

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "compat.h"
#include "config.h"
#include "device.h"
#include "kunit.h"
#include "netlink.h"
#include "netns.h"
#include "node.h"
#include "port.h"

static const struct genl_multicast_group podnet_mcgrps[] = {
	/* Pods' addresses and endpoint sets: for whom GET is (CAP_NET_ADMIN). */
	[PODNET_MCGRP_EVENTS_ID] = { .name = PODNET_MCGRP_EVENTS,
				     .flags = PODNET_MCAST_CAP_NET_ADMIN },
};

const struct nla_policy podnet_addr_policy[PODNET_ADDR_A_MAX + 1] = {
	[PODNET_ADDR_A_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[PODNET_ADDR_A_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy podnet_pod_policy[PODNET_POD_A_MAX + 1] = {
	[PODNET_POD_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PODNET_POD_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_POD_A_ADDRS] = NLA_POLICY_NESTED(podnet_addr_policy),
	[PODNET_POD_A_MAC] = NLA_POLICY_ETH_ADDR,
	[PODNET_POD_A_STATS] = { .type = NLA_REJECT },
	[PODNET_POD_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy podnet_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PODNET_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PODNET_A_POD] = NLA_POLICY_NESTED(podnet_pod_policy),
	[PODNET_A_SERVICE] = NLA_POLICY_NESTED(podnet_svc_policy),
	[PODNET_A_ENDPOINT] = NLA_POLICY_NESTED(podnet_ep_policy),
	[PODNET_A_ENDPOINTS] = NLA_POLICY_NESTED(podnet_eps_policy),
	[PODNET_A_CONFIG] = NLA_POLICY_NESTED(podnet_cfg_policy),
	[PODNET_A_NODE] = NLA_POLICY_NESTED(podnet_node_policy),
};

/* A device named by exactly one of an index and a name attribute. */
static struct net_device *podnet_nl_netdev(struct net *net,
					   const struct nlattr *index,
					   const struct nlattr *name, bool pod,
					   struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (index && name) {
		NL_SET_ERR_MSG_MOD(extack, "give a device by index or by name, not both");
		NL_SET_BAD_ATTR(extack, name);
		return ERR_PTR(-EINVAL);
	}
	if (!index && !name) {
		if (pod)
			NL_SET_ERR_MSG_MOD(extack, "pod device not given");
		else
			NL_SET_ERR_MSG_MOD(extack, "podnet device not given");
		return ERR_PTR(-EINVAL);
	}
	dev = index ? __dev_get_by_index(net, nla_get_u32(index)) :
		      __dev_get_by_name(net, nla_data(name));
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no such network device");
		NL_SET_BAD_ATTR(extack, index ?: name);
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

static struct podnet_dev *podnet_nl_dev(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	dev = podnet_nl_netdev(net, attrs[PODNET_A_DEV_IFINDEX],
			       attrs[PODNET_A_DEV_IFNAME], false, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (!netif_is_podnet(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "not a podnet device");
		NL_SET_BAD_ATTR(extack, attrs[PODNET_A_DEV_IFINDEX] ?:
					attrs[PODNET_A_DEV_IFNAME]);
		return ERR_PTR(-EINVAL);
	}
	return netdev_priv(dev);
}

/* Parse PODNET_A_POD into @tb and find the pod's port device. */
static struct net_device *podnet_nl_pod_dev(struct net *net,
					    struct genl_info *info,
					    struct nlattr **tb)
{
	struct nlattr *pod = info->attrs[PODNET_A_POD];
	int err;

	if (podnet_nl_missing(info, PODNET_A_POD, "pod"))
		return ERR_PTR(-EINVAL);
	err = nla_parse_nested(tb, PODNET_POD_A_MAX, pod, podnet_pod_policy,
			       info->extack);
	if (err)
		return ERR_PTR(err);
	return podnet_nl_netdev(net, tb[PODNET_POD_A_IFINDEX],
				tb[PODNET_POD_A_IFNAME], true, info->extack);
}

/**
 * podnet_nl_parse_addr() - a unicast address from a PODNET_ADDR_A_* attribute
 * @nla: the attribute
 * @addr: the address (IPv4 as IPv4-mapped)
 * @extack: error reporting
 *
 * Return: 0 or -EINVAL.
 */
int podnet_nl_parse_addr(const struct nlattr *nla, struct in6_addr *addr,
			 struct netlink_ext_ack *extack)
{
	if (nla_type(nla) == PODNET_ADDR_A_IPV4) {
		__be32 a = nla_get_in_addr(nla);

		/* 0.0.0.0/8: "this network", a source only. */
		if (!(ntohl(a) >> 24) || ipv4_is_multicast(a) ||
		    ipv4_is_lbcast(a) || ipv4_is_loopback(a))
			goto bad;
		ipv6_addr_set_v4mapped(a, addr);
		return 0;
	}
	if (nla_type(nla) == PODNET_ADDR_A_IPV6) {
		int type;

		*addr = nla_get_in6_addr(nla);
		type = ipv6_addr_type(addr);
		if (type == IPV6_ADDR_ANY || ipv6_addr_v4mapped(addr) ||
		    type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LOOPBACK |
			    IPV6_ADDR_LINKLOCAL))
			goto bad;
		return 0;
	}
	NL_SET_ERR_MSG_MOD(extack, "unknown address attribute");
	NL_SET_BAD_ATTR(extack, nla);
	return -EINVAL;
bad:
	NL_SET_ERR_MSG_MOD(extack, "address must be a unicast address");
	NL_SET_BAD_ATTR(extack, nla);
	return -EINVAL;
}
PODNET_EXPORT_FOR_KUNIT(podnet_nl_parse_addr);

static int podnet_nl_parse_spec(struct nlattr **tb, struct podnet_pod_spec *spec,
				struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem, err;

	memset(spec, 0, sizeof(*spec));
	if (!tb[PODNET_POD_A_ADDRS]) {
		NL_SET_ERR_MSG_MOD(extack, "pod addresses not given (PODNET_POD_A_ADDRS)");
		return -EINVAL;
	}
	nla_for_each_nested(nla, tb[PODNET_POD_A_ADDRS], rem) {
		if (spec->naddrs == PODNET_POD_MAX_ADDRS) {
			NL_SET_ERR_MSG_MOD(extack, "too many pod addresses");
			NL_SET_BAD_ATTR(extack, nla);
			return -E2BIG;
		}
		err = podnet_nl_parse_addr(nla, &spec->addrs[spec->naddrs],
					   extack);
		if (err)
			return err;
		spec->attrs[spec->naddrs++] = nla;
	}
	if (!spec->naddrs) {
		NL_SET_ERR_MSG_MOD(extack, "pod addresses empty");
		NL_SET_BAD_ATTR(extack, tb[PODNET_POD_A_ADDRS]);
		return -EINVAL;
	}
	if (tb[PODNET_POD_A_MAC]) {
		nla_memcpy(spec->mac, tb[PODNET_POD_A_MAC], ETH_ALEN);
		if (!is_valid_ether_addr(spec->mac)) {
			NL_SET_ERR_MSG_MOD(extack, "pod MAC address must be unicast and non-zero");
			NL_SET_BAD_ATTR(extack, tb[PODNET_POD_A_MAC]);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * podnet_nl_put_addr() - put an address as PODNET_ADDR_A_IPV4 or _IPV6
 * @skb: the message
 * @type: the attribute to nest it in, or 0 to put it bare
 * @a: the address (IPv4 as IPv4-mapped)
 *
 * Return: 0 or -EMSGSIZE.
 */
int podnet_nl_put_addr(struct sk_buff *skb, int type, const struct in6_addr *a)
{
	struct nlattr *nest = NULL;
	int err;

	if (type) {
		nest = nla_nest_start(skb, type);
		if (!nest)
			return -EMSGSIZE;
	}
	if (ipv6_addr_v4mapped(a))
		err = nla_put_in_addr(skb, PODNET_ADDR_A_IPV4, a->s6_addr32[3]);
	else
		err = nla_put_in6_addr(skb, PODNET_ADDR_A_IPV6, a);
	if (err)
		return err;
	if (nest)
		nla_nest_end(skb, nest);
	return 0;
}

static int podnet_nl_put_stats(struct sk_buff *skb,
			       const struct podnet_port *port)
{
	static const u16 attr[PODNET_PC_MAX] = {
		[PODNET_PC_RX_PACKETS] = PODNET_STATS_A_RX_PACKETS,
		[PODNET_PC_RX_BYTES] = PODNET_STATS_A_RX_BYTES,
		[PODNET_PC_TX_PACKETS] = PODNET_STATS_A_TX_PACKETS,
		[PODNET_PC_TX_BYTES] = PODNET_STATS_A_TX_BYTES,
		[PODNET_PC_DROP_SPOOF] = PODNET_STATS_A_DROP_SPOOF,
		[PODNET_PC_DROP_PROTO] = PODNET_STATS_A_DROP_PROTO,
		[PODNET_PC_DROP_NEIGH] = PODNET_STATS_A_DROP_NEIGH,
		[PODNET_PC_DROP_TX] = PODNET_STATS_A_DROP_TX,
		[PODNET_PC_SWITCHED] = PODNET_STATS_A_SWITCHED,
	};
	u64 v[PODNET_PC_MAX];
	struct nlattr *nest;
	int i;

	podnet_port_read_stats(port, v);
	nest = nla_nest_start(skb, PODNET_POD_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < PODNET_PC_MAX; i++)
		if (nla_put_u64_64bit(skb, attr[i], v[i], PODNET_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int podnet_nl_fill_pod(struct sk_buff *skb,
			      const struct podnet_port *port, u32 portid,
			      u32 seq, int flags, u8 cmd,
			      struct netlink_callback *cb)
{
	const struct net_device *pdev = port->pn->dev;
	struct nlattr *pod, *addrs;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &podnet_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, PODNET_A_DEV_IFINDEX, pdev->ifindex) ||
	    nla_put_string(skb, PODNET_A_DEV_IFNAME, pdev->name))
		goto cancel;
	pod = nla_nest_start(skb, PODNET_A_POD);
	if (!pod)
		goto cancel;
	if (nla_put_u32(skb, PODNET_POD_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, PODNET_POD_A_IFNAME, port->dev->name))
		goto cancel;
	if (!is_zero_ether_addr(port->pod_mac) &&
	    nla_put(skb, PODNET_POD_A_MAC, ETH_ALEN, port->pod_mac))
		goto cancel;
	if (port->naddrs) {
		addrs = nla_nest_start(skb, PODNET_POD_A_ADDRS);
		if (!addrs)
			goto cancel;
		for (i = 0; i < port->naddrs; i++)
			if (podnet_nl_put_addr(skb, 0, &port->addrs[i]->key))
				goto cancel;
		nla_nest_end(skb, addrs);
	}
	if (cmd == PODNET_CMD_POD_GET && podnet_nl_put_stats(skb, port))
		goto cancel;
	nla_nest_end(skb, pod);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * podnet_nl_event() - announce a change to the events group, if anyone
 *	listens in @net
 * @net: the namespace
 * @size: the message's size
 * @fill: puts the object's message (no port id, sequence or flags)
 * @obj: the object
 * @cmd: the command that changed it
 *
 * Context: process context.
 */
void podnet_nl_event(struct net *net, size_t size,
		     int (*fill)(struct sk_buff *skb, const void *obj, u8 cmd),
		     const void *obj, u8 cmd)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&podnet_family, net, PODNET_MCGRP_EVENTS_ID))
		return;
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return;
	if (fill(skb, obj, cmd)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&podnet_family, net, skb, 0,
				PODNET_MCGRP_EVENTS_ID, GFP_KERNEL);
}

static int podnet_nl_event_pod(struct sk_buff *skb, const void *port, u8 cmd)
{
	return podnet_nl_fill_pod(skb, port, 0, 0, 0, cmd, NULL);
}

/**
 * podnet_nl_notify_pod() - announce a pod change to the events group
 * @port: the port
 * @cmd: PODNET_CMD_POD_ADD or PODNET_CMD_POD_DEL
 *
 * Context: RTNL, process context.
 */
void podnet_nl_notify_pod(const struct podnet_port *port, u8 cmd)
{
	podnet_nl_event(dev_net(port->pn->dev), NLMSG_GOODSIZE,
			podnet_nl_event_pod, port, cmd);
}

static int podnet_nl_pod_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PODNET_POD_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct podnet_pod_spec spec;
	struct podnet_port *port;
	struct net_device *dev;
	struct podnet_dev *pn;
	int err;

	rtnl_lock();
	pn = podnet_nl_dev(net, info->attrs, info->extack);
	if (IS_ERR(pn)) {
		err = PTR_ERR(pn);
		goto out;
	}
	dev = podnet_nl_pod_dev(net, info, tb);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	err = podnet_nl_parse_spec(tb, &spec, info->extack);
	if (err)
		goto out;

	port = podnet_port_get_rtnl(dev);
	if (!port) {
		err = podnet_port_attach(pn, dev, &spec, info->extack);
	} else if (port->pn != pn) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "device is a port of another podnet device");
		err = -EBUSY;
	} else {
		err = podnet_port_bind(port, &spec, info->extack);
		if (!err)
			podnet_nl_notify_pod(port, PODNET_CMD_POD_ADD);
	}
out:
	rtnl_unlock();
	return err;
}

/* The port PODNET_A_POD names, of the podnet device given, if one is. */
static struct podnet_port *podnet_nl_port(struct net *net,
					  struct genl_info *info)
{
	struct nlattr *tb[PODNET_POD_A_MAX + 1];
	struct podnet_port *port;
	struct net_device *dev;
	struct podnet_dev *pn;

	dev = podnet_nl_pod_dev(net, info, tb);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = podnet_port_get_rtnl(dev);
	if (!port) {
		NL_SET_ERR_MSG_MOD(info->extack, "device is not a pod port");
		NL_SET_BAD_ATTR(info->extack, tb[PODNET_POD_A_IFINDEX] ?:
					      tb[PODNET_POD_A_IFNAME]);
		return ERR_PTR(-ENOENT);
	}
	if (info->attrs[PODNET_A_DEV_IFINDEX] ||
	    info->attrs[PODNET_A_DEV_IFNAME]) {
		pn = podnet_nl_dev(net, info->attrs, info->extack);
		if (IS_ERR(pn))
			return ERR_CAST(pn);
		if (port->pn != pn) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "pod is not a port of that podnet device");
			return ERR_PTR(-ENOENT);
		}
	}
	return port;
}

static int podnet_nl_pod_del(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_port *port;
	int err = 0;

	rtnl_lock();
	port = podnet_nl_port(genl_info_net(info), info);
	if (IS_ERR(port))
		err = PTR_ERR(port);
	else
		podnet_port_detach(port);
	rtnl_unlock();
	return err;
}

static int podnet_nl_pod_get(struct sk_buff *skb, struct genl_info *info)
{
	struct podnet_port *port;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	port = podnet_nl_port(genl_info_net(info), info);
	if (IS_ERR(port))
		err = PTR_ERR(port);
	else
		err = podnet_nl_fill_pod(msg, port, info->snd_portid,
					 info->snd_seq, 0, PODNET_CMD_POD_GET,
					 NULL);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump cursor: args[0] the ifindex of the podnet device asked for (0: all),
 * args[1] devices done, args[2] ports of the current device done.
 */
static int podnet_nl_pod_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = podnet_dump_attrs(genl_dumpit_info(cb));
	struct net *net = sock_net(cb->skb->sk);
	struct podnet_dev *pn;
	int err = 0;

	if (!attrs[PODNET_A_DEV_IFINDEX] && !attrs[PODNET_A_DEV_IFNAME])
		return 0;
	rtnl_lock();
	pn = podnet_nl_dev(net, attrs, cb->extack);
	if (IS_ERR(pn))
		err = PTR_ERR(pn);
	else
		cb->args[0] = pn->dev->ifindex;
	rtnl_unlock();
	return err;
}

static int podnet_nl_pod_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct podnet_net *pnet = podnet_net(sock_net(skb->sk));
	struct podnet_port *port;
	struct podnet_dev *pn;
	unsigned long di = 0, pi;

	rtnl_lock();
	cb->seq = pnet->gen;
	list_for_each_entry(pn, &pnet->devs, node) {
		if (cb->args[0] && pn->dev->ifindex != cb->args[0])
			continue;
		if (di++ < cb->args[1])
			continue;
		pi = 0;
		list_for_each_entry(port, &pn->ports, node) {
			if (pi++ < cb->args[2])
				continue;
			if (podnet_nl_fill_pod(skb, port,
					       NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq, NLM_F_MULTI,
					       PODNET_CMD_POD_GET, cb)) {
				cb->args[2] = pi - 1;
				goto out;
			}
		}
		cb->args[1] = di;
		cb->args[2] = 0;
	}
out:
	rtnl_unlock();
	return skb->len;
}

static const struct genl_ops podnet_genl_ops[] = {
	{
		.cmd = PODNET_CMD_POD_ADD,
		.doit = podnet_nl_pod_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_POD_DEL,
		.doit = podnet_nl_pod_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_POD_GET,
		.doit = podnet_nl_pod_get,
		.start = podnet_nl_pod_dump_start,
		.dumpit = podnet_nl_pod_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_SERVICE_ADD,
		.doit = podnet_nl_svc_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_SERVICE_DEL,
		.doit = podnet_nl_svc_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_SERVICE_GET,
		.doit = podnet_nl_svc_get,
		.dumpit = podnet_nl_svc_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ENDPOINT_ADD,
		.doit = podnet_nl_ep_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ENDPOINT_DEL,
		.doit = podnet_nl_ep_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_ENDPOINT_SET,
		.doit = podnet_nl_ep_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_SERVICE_SET,
		.doit = podnet_nl_svc_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_CONFIG_SET,
		.doit = podnet_nl_cfg_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_CONFIG_GET,
		.doit = podnet_nl_cfg_get,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_NODE_SET,
		.doit = podnet_nl_node_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_NODE_DEL,
		.doit = podnet_nl_node_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PODNET_CMD_NODE_GET,
		.doit = podnet_nl_node_get,
		.dumpit = podnet_nl_node_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family podnet_family __ro_after_init = {
	.name = PODNET_GENL_NAME,
	.version = PODNET_GENL_VERSION,
	.maxattr = PODNET_A_MAX,
	.policy = podnet_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = podnet_genl_ops,
	.n_ops = ARRAY_SIZE(podnet_genl_ops),
	/* Zero, as for any new family: every command validated strictly. */
	.resv_start_op = 0,
	/*
	 * Not under genl_mutex: every command takes the lock of what it
	 * reads or changes (RTNL for pods and nodes, the namespace's
	 * svc_lock for its services and settings), as Open vSwitch's
	 * families take ovs_mutex. A UDP endpoint's removal waits for RCU
	 * and walks the conntrack table: that holds up its own namespace's
	 * writers, not every namespace's nor every other family's.
	 */
	.parallel_ops = true,
	.mcgrps = podnet_mcgrps,
	.n_mcgrps = ARRAY_SIZE(podnet_mcgrps),
};

/**
 * podnet_genl_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init podnet_genl_init(void)
{
	return genl_register_family(&podnet_family);
}

/**
 * podnet_genl_uninit() - unregister the generic netlink family
 */
void podnet_genl_uninit(void)
{
	genl_unregister_family(&podnet_family);
}
