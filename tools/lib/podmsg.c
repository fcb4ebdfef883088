// SPDX-License-Identifier: GPL-2.0
/*
 * libpodnet: pods (the ports of a podnet device, with their addresses)
 * over generic netlink: PODNET_CMD_POD_ADD, _DEL, _GET and their replies.
 */
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "err.h"
#include "ipc.h"
#include "podmsg.h"

/* Replies: attribute policies. */

static struct nla_policy top_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_DEV_IFINDEX]	= { .type = NLA_U32 },
	[PODNET_A_DEV_IFNAME]	= { .type = NLA_STRING, .maxlen = IFNAMSIZ },
	[PODNET_A_POD]		= { .type = NLA_NESTED },
};

static struct nla_policy pod_policy[PODNET_POD_A_MAX + 1] = {
	[PODNET_POD_A_IFINDEX]	= { .type = NLA_U32 },
	[PODNET_POD_A_IFNAME]	= { .type = NLA_STRING, .maxlen = IFNAMSIZ },
	[PODNET_POD_A_ADDRS]	= { .type = NLA_NESTED },
	[PODNET_POD_A_MAC]	= { .minlen = MAC_LEN, .maxlen = MAC_LEN },
	[PODNET_POD_A_STATS]	= { .type = NLA_NESTED },
};

const char *const pod_stat_names[PODNET_STATS_A_MAX + 1] = {
	[PODNET_STATS_A_RX_PACKETS]	= "rx_packets",
	[PODNET_STATS_A_RX_BYTES]	= "rx_bytes",
	[PODNET_STATS_A_TX_PACKETS]	= "tx_packets",
	[PODNET_STATS_A_TX_BYTES]	= "tx_bytes",
	[PODNET_STATS_A_DROP_SPOOF]	= "drop_spoof",
	[PODNET_STATS_A_DROP_PROTO]	= "drop_proto",
	[PODNET_STATS_A_DROP_NEIGH]	= "drop_neigh",
	[PODNET_STATS_A_DROP_TX]	= "drop_tx",
	[PODNET_STATS_A_SWITCHED]	= "switched",
};

int pod_info_parse(struct nl_msg *msg, struct pod_info *pod)
{
	struct nlattr *tb[PODNET_A_MAX + 1], *pb[PODNET_POD_A_MAX + 1];

	memset(pod, 0, sizeof(*pod));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PODNET_A_MAX, top_policy) < 0 ||
	    !tb[PODNET_A_POD] ||
	    nla_parse_nested(pb, PODNET_POD_A_MAX, tb[PODNET_A_POD], pod_policy) < 0)
		return fail("malformed reply from the kernel");

	if (tb[PODNET_A_DEV_IFINDEX])
		pod->dev_ifindex = nla_get_u32(tb[PODNET_A_DEV_IFINDEX]);
	if (tb[PODNET_A_DEV_IFNAME])
		nla_strlcpy(pod->dev, tb[PODNET_A_DEV_IFNAME], sizeof(pod->dev));
	if (pb[PODNET_POD_A_IFINDEX])
		pod->ifindex = nla_get_u32(pb[PODNET_POD_A_IFINDEX]);
	if (pb[PODNET_POD_A_IFNAME])
		nla_strlcpy(pod->ifname, pb[PODNET_POD_A_IFNAME], sizeof(pod->ifname));
	if (pb[PODNET_POD_A_MAC]) {
		memcpy(pod->mac, nla_data(pb[PODNET_POD_A_MAC]), MAC_LEN);
		pod->has_mac = true;
	}
	if (pb[PODNET_POD_A_ADDRS] &&
	    ipc_addrs_parse(pb[PODNET_POD_A_ADDRS], pod->addrs, PODNET_POD_MAX_ADDRS,
			    &pod->naddrs, "addresses") < 0)
		return -1;
	if (pb[PODNET_POD_A_STATS] &&
	    ipc_stats_parse(pb[PODNET_POD_A_STATS], pod_stat_names, PODNET_STATS_A_MAX,
			    pod->stats) < 0)
		return -1;
	pod->has_stats = pb[PODNET_POD_A_STATS];
	return 0;
}

/* Requests. A pod and its device are named by index if known, else by name. */

int pod_msg_put_dev(struct ipc *ipc, struct nl_msg *msg, const struct pod_info *pod)
{
	ipc_label(ipc, msg, pod->dev);
	if (pod->dev_ifindex)
		return nla_put_u32(msg, PODNET_A_DEV_IFINDEX, pod->dev_ifindex);
	return nla_put_string(msg, PODNET_A_DEV_IFNAME, pod->dev);
}

static int put_pod(struct ipc *ipc, struct nl_msg *msg, const struct pod_info *pod,
		   bool full)
{
	char buf[ADDR_STRLEN];
	struct nlattr *nest, *addrs;
	unsigned int i;

	nest = nla_nest_start(msg, PODNET_A_POD);
	if (!nest)
		return -1;
	ipc_label(ipc, msg, pod->ifname);
	if (pod->ifindex ?
	    nla_put_u32(msg, PODNET_POD_A_IFINDEX, pod->ifindex) :
	    nla_put_string(msg, PODNET_POD_A_IFNAME, pod->ifname))
		return -1;
	if (full) {
		addrs = nla_nest_start(msg, PODNET_POD_A_ADDRS);
		if (!addrs)
			return -1;
		for (i = 0; i < pod->naddrs; i++) {
			const struct pn_addr *a = &pod->addrs[i];

			ipc_label(ipc, msg, addr_fmt(a, buf));
			if (nla_put(msg, a->family == AF_INET ? PODNET_ADDR_A_IPV4 :
				    PODNET_ADDR_A_IPV6, addr_len(a->family), a->bytes))
				return -1;
		}
		nla_nest_end(msg, addrs);
		if (pod->has_mac) {
			ipc_label(ipc, msg, mac_fmt(pod->mac, buf));
			if (nla_put(msg, PODNET_POD_A_MAC, MAC_LEN, pod->mac))
				return -1;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

int pod_msg_send(struct ipc *ipc, uint8_t cmd, const struct pod_info *pod,
		       bool with_dev, ipc_reply_fn fn, void *arg)
{
	struct nl_msg *msg = ipc_msg(ipc, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (((cmd == PODNET_CMD_POD_ADD || with_dev) && pod_msg_put_dev(ipc, msg, pod)) ||
	    put_pod(ipc, msg, pod, cmd == PODNET_CMD_POD_ADD)) {
		nlmsg_free(msg);
		fail("netlink message too long");
		return -EMSGSIZE;
	}
	return ipc_transact(ipc, msg, fn, arg);
}

static int get_one_cb(struct nl_msg *msg, void *arg)
{
	return pod_info_parse(msg, arg);
}

int pod_get(struct ipc *ipc, const struct pod_info *which, bool with_dev,
	    struct pod_info *pod)
{
	return pod_msg_send(ipc, PODNET_CMD_POD_GET, which, with_dev, get_one_cb, pod);
}
