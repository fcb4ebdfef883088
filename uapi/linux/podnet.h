/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podnet: the per-node pod datapath of a Kubernetes cluster.
 *
 * Documentation
 * =============
 *
 * A podnet device ("ip link add pn0 type podnet") is a node's pod bridge.
 * Its ports are the node ends of the pods' veth pairs. It is a layer-3
 * device (ARPHRD_NONE, no link-layer header): frames a pod sends are taken
 * off its port, checked against the addresses bound to that port (anything
 * else is dropped as spoofed) and handed to the node's IP stack as received
 * on the podnet device, so routing, netfilter and conntrack see every pod
 * packet. Packets the stack routes out of the podnet device are delivered to
 * the port that owns the destination address. ARP requests and IPv6
 * neighbour solicitations from pods are answered by the device with the
 * port's own MAC address.
 *
 * The device is configured over the generic netlink family "podnet"
 * (PODNET_GENL_NAME, version PODNET_GENL_VERSION). Every command needs
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * socket, and acts on that network namespace only. Errors come with an
 * extended ack message naming what is wrong; a failed command changes
 * nothing.
 *
 * A podnet device is named by exactly one of PODNET_A_DEV_IFINDEX and
 * PODNET_A_DEV_IFNAME; a pod (port) by exactly one of PODNET_POD_A_IFINDEX
 * and PODNET_POD_A_IFNAME inside PODNET_A_POD.
 *
 * PODNET_CMD_POD_ADD
 * ------------------
 * Attach a network device (the node end of a pod's veth pair) to a podnet
 * device as a port and bind the pod's addresses to it:
 *
 *    PODNET_A_DEV_IFINDEX: NLA_U32             } exactly one
 *    PODNET_A_DEV_IFNAME: NLA_NUL_STRING       }
 *    PODNET_A_POD: NLA_NESTED
 *        PODNET_POD_A_IFINDEX: NLA_U32         } exactly one
 *        PODNET_POD_A_IFNAME: NLA_NUL_STRING   }
 *        PODNET_POD_A_ADDRS: NLA_NESTED, 1 to PODNET_POD_MAX_ADDRS of
 *            PODNET_ADDR_A_IPV4: 4 bytes, network order
 *            PODNET_ADDR_A_IPV6: 16 bytes, network order
 *        PODNET_POD_A_MAC: 6 bytes, optional: the pod's MAC address. By
 *            default it is read from the veth peer and learned from the
 *            pod's ARP and neighbour discovery traffic.
 *
 * The device must be an Ethernet device in the same network namespace, not
 * loopback, not a podnet device and not a port of any other master. An
 * address may be bound to one port of a podnet device at a time. If the
 * device is already a port of this podnet device without addresses (it was
 * attached with "ip link set DEV master pn0"), the addresses are bound to it.
 *
 * PODNET_CMD_POD_DEL
 * ------------------
 *    PODNET_A_POD: NLA_NESTED
 *        PODNET_POD_A_IFINDEX or PODNET_POD_A_IFNAME
 *
 * Detaches the port from its podnet device and unbinds its addresses. A
 * port is also detached when its device is deleted or leaves the network
 * namespace, when it is released with "ip link set DEV nomaster", and when
 * the podnet device is deleted.
 *
 * PODNET_CMD_POD_GET
 * ------------------
 * As a request (no NLM_F_DUMP), names one pod as in PODNET_CMD_POD_DEL and
 * is answered with one message. As a dump, optionally filtered by
 * PODNET_A_DEV_IFINDEX or PODNET_A_DEV_IFNAME, it returns one message per
 * port, resumable across as many recvmsg() calls as it takes; a dump that
 * sees the port table change is flagged NLM_F_DUMP_INTR. Each message:
 *
 *    PODNET_A_DEV_IFINDEX: NLA_U32
 *    PODNET_A_DEV_IFNAME: NLA_NUL_STRING
 *    PODNET_A_POD: NLA_NESTED
 *        PODNET_POD_A_IFINDEX: NLA_U32
 *        PODNET_POD_A_IFNAME: NLA_NUL_STRING
 *        PODNET_POD_A_MAC: 6 bytes (absent while unknown)
 *        PODNET_POD_A_ADDRS: NLA_NESTED (absent when none are bound)
 *            PODNET_ADDR_A_IPV4 / PODNET_ADDR_A_IPV6, one per address
 *        PODNET_POD_A_STATS: NLA_NESTED, NLA_U64 counters
 *            PODNET_STATS_A_RX_PACKETS, PODNET_STATS_A_RX_BYTES:
 *                from the pod, accepted
 *            PODNET_STATS_A_TX_PACKETS, PODNET_STATS_A_TX_BYTES:
 *                to the pod
 *            PODNET_STATS_A_DROP_SPOOF: source address not bound to the port
 *            PODNET_STATS_A_DROP_PROTO: neither IPv4, IPv6 nor ARP
 *            PODNET_STATS_A_DROP_NEIGH: malformed ARP or neighbour
 *                discovery, or an answer that could not be sent
 *            PODNET_STATS_A_DROP_TX: could not be delivered to the pod
 *
 * Notifications
 * -------------
 * Every change is sent to the multicast group PODNET_MCGRP_EVENTS as a
 * message of the command that made it (PODNET_CMD_POD_ADD,
 * PODNET_CMD_POD_DEL) with the attributes of a PODNET_CMD_POD_GET reply
 * (without statistics). A port that goes away with its device is announced
 * as PODNET_CMD_POD_DEL too.
 */

#ifndef _UAPI_LINUX_PODNET_H
#define _UAPI_LINUX_PODNET_H

#define PODNET_GENL_NAME "podnet"
#define PODNET_GENL_VERSION 1
#define PODNET_MCGRP_EVENTS "events"

/* The most addresses one pod may have bound. */
#define PODNET_POD_MAX_ADDRS 8

/**
 * enum podnet_cmd - commands of the podnet generic netlink family
 * @PODNET_CMD_UNSPEC: unused
 * @PODNET_CMD_POD_ADD: attach a port and bind addresses; needs PODNET_A_DEV_*
 *	and PODNET_A_POD with a port name and PODNET_POD_A_ADDRS
 * @PODNET_CMD_POD_DEL: detach a port; needs PODNET_A_POD with a port name
 * @PODNET_CMD_POD_GET: get one port (PODNET_A_POD) or dump all of them
 */
enum podnet_cmd {
	PODNET_CMD_UNSPEC,
	PODNET_CMD_POD_ADD,
	PODNET_CMD_POD_DEL,
	PODNET_CMD_POD_GET,
	__PODNET_CMD_MAX
};
#define PODNET_CMD_MAX (__PODNET_CMD_MAX - 1)

/**
 * enum podnet_attr - top-level attributes
 * @PODNET_A_UNSPEC: unused
 * @PODNET_A_DEV_IFINDEX: the podnet device, by index (u32)
 * @PODNET_A_DEV_IFNAME: the podnet device, by name (string)
 * @PODNET_A_POD: a pod (port), nested enum podnet_pod_attr
 */
enum podnet_attr {
	PODNET_A_UNSPEC,
	PODNET_A_DEV_IFINDEX,
	PODNET_A_DEV_IFNAME,
	PODNET_A_POD,
	__PODNET_A_MAX
};
#define PODNET_A_MAX (__PODNET_A_MAX - 1)

/**
 * enum podnet_pod_attr - attributes of a pod, nested in PODNET_A_POD
 * @PODNET_POD_A_UNSPEC: unused
 * @PODNET_POD_A_IFINDEX: the port device, by index (u32)
 * @PODNET_POD_A_IFNAME: the port device, by name (string)
 * @PODNET_POD_A_ADDRS: the pod's addresses, nested enum podnet_addr_attr,
 *	one attribute per address; required by PODNET_CMD_POD_ADD
 * @PODNET_POD_A_MAC: the pod's MAC address (6 bytes)
 * @PODNET_POD_A_STATS: counters, nested enum podnet_stats_attr (replies only)
 * @PODNET_POD_A_PAD: padding for 64-bit attributes
 */
enum podnet_pod_attr {
	PODNET_POD_A_UNSPEC,
	PODNET_POD_A_IFINDEX,
	PODNET_POD_A_IFNAME,
	PODNET_POD_A_ADDRS,
	PODNET_POD_A_MAC,
	PODNET_POD_A_STATS,
	PODNET_POD_A_PAD,
	__PODNET_POD_A_MAX
};
#define PODNET_POD_A_MAX (__PODNET_POD_A_MAX - 1)

/**
 * enum podnet_addr_attr - one address, nested in PODNET_POD_A_ADDRS
 * @PODNET_ADDR_A_UNSPEC: unused
 * @PODNET_ADDR_A_IPV4: an IPv4 address, 4 bytes in network order
 * @PODNET_ADDR_A_IPV6: an IPv6 address, 16 bytes in network order
 */
enum podnet_addr_attr {
	PODNET_ADDR_A_UNSPEC,
	PODNET_ADDR_A_IPV4,
	PODNET_ADDR_A_IPV6,
	__PODNET_ADDR_A_MAX
};
#define PODNET_ADDR_A_MAX (__PODNET_ADDR_A_MAX - 1)

/**
 * enum podnet_stats_attr - per-port counters, nested in PODNET_POD_A_STATS
 * @PODNET_STATS_A_UNSPEC: unused
 * @PODNET_STATS_A_RX_PACKETS: packets from the pod accepted
 * @PODNET_STATS_A_RX_BYTES: bytes from the pod accepted
 * @PODNET_STATS_A_TX_PACKETS: packets delivered to the pod
 * @PODNET_STATS_A_TX_BYTES: bytes delivered to the pod
 * @PODNET_STATS_A_DROP_SPOOF: dropped: source address not bound to the port
 * @PODNET_STATS_A_DROP_PROTO: dropped: not IPv4, IPv6 or ARP
 * @PODNET_STATS_A_DROP_NEIGH: dropped: bad ARP/ND, or answer not sent
 * @PODNET_STATS_A_DROP_TX: dropped on the way to the pod
 * @PODNET_STATS_A_PAD: padding for 64-bit attributes
 */
enum podnet_stats_attr {
	PODNET_STATS_A_UNSPEC,
	PODNET_STATS_A_RX_PACKETS,
	PODNET_STATS_A_RX_BYTES,
	PODNET_STATS_A_TX_PACKETS,
	PODNET_STATS_A_TX_BYTES,
	PODNET_STATS_A_DROP_SPOOF,
	PODNET_STATS_A_DROP_PROTO,
	PODNET_STATS_A_DROP_NEIGH,
	PODNET_STATS_A_DROP_TX,
	PODNET_STATS_A_PAD,
	__PODNET_STATS_A_MAX
};
#define PODNET_STATS_A_MAX (__PODNET_STATS_A_MAX - 1)

/**
 * enum podnet_link_attr - rtnetlink attributes of a podnet device
 *	(IFLA_INFO_DATA), shown by "ip -d link show"
 * @IFLA_PODNET_UNSPEC: unused
 * @IFLA_PODNET_PORTS: number of ports (u32, read only)
 */
enum podnet_link_attr {
	IFLA_PODNET_UNSPEC,
	IFLA_PODNET_PORTS,
	__IFLA_PODNET_MAX
};
#define IFLA_PODNET_MAX (__IFLA_PODNET_MAX - 1)

#endif /* _UAPI_LINUX_PODNET_H */
