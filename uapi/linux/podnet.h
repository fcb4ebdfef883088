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
 * Pod traffic
 * -----------
 * An IPv4 or IPv6 packet from one pod to another pod of the same device
 * goes through the IP stack's steps (PRE_ROUTING hooks, route lookup,
 * FORWARD and POST_ROUTING hooks, TTL or hop limit, IP MIB counters)
 * without passing through the podnet device itself, unless the device has
 * a tap, tc filter, qdisc, netfilter ingress/egress hook or L3 master, or
 * the namespace IPsec policies. It sends no ICMP redirect. So does a
 * packet from another node to a pod, received on the namespace's VXLAN
 * device named PODNET_VXLAN_DEV: podnet takes that device's receive path
 * (an rx_handler, once a device of kind vxlan has that name; anything not
 * for a pod goes on to the IP stack as received on it), and the packet
 * takes the same steps with that device as the way in and the podnet
 * device as the way out.
 * PODNET_STATS_A_SWITCHED counts the packets delivered to a pod this way.
 * ICMPv6 and IPv6 packets with a hop-by-hop header go through the device.
 *
 * The device is configured over the generic netlink family "podnet"
 * (PODNET_GENL_NAME, version PODNET_GENL_VERSION). Every command needs
 * CAP_NET_ADMIN in the user namespace owning the network namespace of the
 * socket, and acts on that network namespace only. Errors come with an
 * extended ack message naming what is wrong; a failed command changes
 * nothing. What a command makes the module keep (pods' addresses,
 * services, endpoint sets and their lookup tables) is charged to the
 * memory cgroup of the process that sent it. A network namespace owned by
 * a user namespace other than the initial one has tighter limits: the
 * module parameters max_services_userns (1024 services) and
 * max_affinity_userns (65536 ClientIP affinity entries).
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
 * The device must be the node end of a veth pair in the same network
 * namespace, and not a port of any other master. An
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
 *            PODNET_STATS_A_SWITCHED: to the pod from another pod of the
 *                device or from the VXLAN device, not through the podnet
 *                device (see "Pod traffic" above)
 *
 * Services
 * ========
 *
 * A service port is a frontend (VIP, port, protocol) translated to one of
 * its endpoints (pod address, port) by podnet's netfilter hooks on the
 * kernel's conntrack NAT engine: DNAT at PRE_ROUTING and LOCAL_OUT on the
 * first packet of a connection, masquerade at POST_ROUTING where needed.
 * Services belong to the network namespace (the node), not to a device.
 * A service is named by PODNET_A_SERVICE with PODNET_SVC_A_PROTO,
 * PODNET_SVC_A_ADDR and PODNET_SVC_A_PORT.
 *
 * PODNET_CMD_SERVICE_ADD
 * ----------------------
 *    PODNET_A_SERVICE: NLA_NESTED
 *        PODNET_SVC_A_PROTO: NLA_U8, IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 *        PODNET_SVC_A_ADDR: NLA_NESTED, one PODNET_ADDR_A_IPV4 or _IPV6:
 *            the ClusterIP
 *        PODNET_SVC_A_PORT: NLA_U16, 1 to 65535
 *        PODNET_SVC_A_SCHED: NLA_U8, enum podnet_sched (default random)
 *        PODNET_SVC_A_AFFINITY: NLA_U32, ClientIP session affinity timeout
 *            in seconds, 1 to 86400 (absent: no affinity)
 *        PODNET_SVC_A_NODEPORT: NLA_U16, also answer on this port of every
 *            local address of the node but loopback (optional)
 *        PODNET_SVC_A_EXTERNAL: NLA_NESTED, up to PODNET_SVC_MAX_EXTERNAL
 *            PODNET_ADDR_A_* of the ClusterIP's family: external and
 *            LoadBalancer IPs, extra VIPs of the same service port
 *        PODNET_SVC_A_POLICY: NLA_U8, enum podnet_policy (default cluster):
 *            externalTrafficPolicy, for the NodePort and the external and
 *            LoadBalancer addresses
 *        PODNET_SVC_A_INTERNAL_POLICY: NLA_U8, enum podnet_policy (default
 *            cluster): internalTrafficPolicy, for the ClusterIP
 *        PODNET_SVC_A_FLAGS: NLA_U32, PODNET_SVC_F_* (unknown bits are
 *            rejected with EOPNOTSUPP)
 *        PODNET_SVC_A_LB: NLA_NESTED, up to PODNET_SVC_MAX_EXTERNAL
 *            PODNET_ADDR_A_* of the ClusterIP's family: LoadBalancer
 *            ingress addresses, extra VIPs of the same service port that
 *            PODNET_SVC_A_SOURCE_RANGES applies to
 *        PODNET_SVC_A_SOURCE_RANGES: NLA_NESTED, up to
 *            PODNET_SVC_MAX_SOURCE_RANGES PODNET_PREFIXES_A_PREFIX of the
 *            ClusterIP's family: loadBalancerSourceRanges. New connections
 *            to a PODNET_SVC_A_LB address from any other source are
 *            dropped (the ClusterIP, NodePort and external addresses are
 *            not filtered)
 *        PODNET_SVC_A_OWNER: NLA_U32, who manages the service: 0 (the
 *            default) by hand, PODNET_OWNER_APPLY by "podnetctl apply";
 *            kept and reported, not interpreted by the module
 *        PODNET_SVC_A_NAME: NLA_NUL_STRING, up to PODNET_SVC_NAME_MAX bytes
 *            with the NUL: a name for people ("namespace/name:port"),
 *            kept and reported, not interpreted
 *    PODNET_A_ENDPOINTS: NLA_NESTED, optional: its first endpoints, as in
 *        PODNET_CMD_ENDPOINT_SET
 *
 * The service is added with its endpoints, if given, in one step: it never
 * rejects a connection for want of the endpoints it was added with.
 * Fails with EEXIST if the service, its NodePort or one of its external
 * addresses (with this port and protocol) is already in use, or an endpoint
 * is given twice, and with ENOSPC past the max_services (or
 * max_services_userns) or max_endpoints
 * module parameter.
 *
 * PODNET_CMD_SERVICE_SET
 * ----------------------
 *    PODNET_A_SERVICE: as in PODNET_CMD_SERVICE_ADD
 *
 * Changes the settings of an existing service in place: every attribute of
 * PODNET_CMD_SERVICE_ADD but the key is given anew, absent ones taking
 * their defaults (no NodePort, no external or LoadBalancer addresses, no
 * source ranges, no affinity, no owner, no name). The
 * service keeps its counters, its endpoints (with their weights, flags and
 * connection counts) and its affinity entries; connections already
 * translated keep their translation. New connections see the old settings
 * or the new, never a mix. UDP entries to a NodePort or external address
 * it no longer has are flushed. Fails with ENOENT if there is no such
 * service, with EEXIST if a new NodePort or external address is in use by
 * another service; then nothing changes. PODNET_A_ENDPOINTS is not taken.
 *
 * PODNET_CMD_SERVICE_DEL
 * ----------------------
 *    PODNET_A_SERVICE: PROTO, ADDR, PORT
 *
 * Deletes the service. Established connections keep their translation in
 * conntrack until they end; UDP entries are flushed at once.
 *
 * PODNET_CMD_SERVICE_GET
 * ----------------------
 * As a request, names a service as PODNET_CMD_SERVICE_DEL does; as a dump,
 * returns every service of the namespace, resumable, NLM_F_DUMP_INTR when
 * the table changed meanwhile. Each message carries PODNET_A_SERVICE with
 * the attributes of PODNET_CMD_SERVICE_ADD (defaults included) and
 *        PODNET_SVC_A_STATS: NLA_NESTED, NLA_U64 counters
 *            PODNET_SVC_STATS_A_CONNS: connections translated
 *            PODNET_SVC_STATS_A_PACKETS, _BYTES: packets and bytes of
 *                translated connections, both directions
 *            PODNET_SVC_STATS_A_REJECTED: new connections rejected (no
 *                endpoint) or dropped (policy local, no local endpoint)
 *        PODNET_SVC_A_ENDPOINTS: NLA_NESTED, one PODNET_EPS_A_ENDPOINT per
 *            endpoint:
 *            PODNET_EP_A_ADDR, PODNET_EP_A_PORT, PODNET_EP_A_WEIGHT,
 *            PODNET_EP_A_FLAGS, PODNET_EP_A_CONNS (connections given to it)
 * In a dump, a service whose endpoints do not fit in one message is cut:
 * the next message repeats the service (same attributes) and carries the
 * endpoints that follow. Readers append the endpoints of consecutive
 * messages about the same service.
 *
 * How a new connection to a service port is translated
 * ----------------------------------------------------
 * As kube-proxy's nftables mode does. Traffic to the ClusterIP is internal:
 * it goes to the ready endpoints (PODNET_EP_F_TERMINATING ones when none is
 * ready), or under internal policy local to the local ones among them. It
 * is masqueraded when the service has PODNET_SVC_F_MASQUERADE, or when the
 * namespace has cluster CIDRs (PODNET_CMD_CONFIG_SET) and the source is in
 * none of them. Traffic to the NodePort, an external or a LoadBalancer
 * address is external: under policy cluster it goes to any endpoint and is
 * masqueraded; under policy local it keeps its source address and goes to
 * local endpoints only, except traffic from the cluster CIDRs (to any
 * endpoint, not masqueraded) and traffic the node itself sends (to any
 * endpoint, masqueraded). A connection whose source turns out to be the
 * endpoint chosen (hairpin) is masqueraded. Masquerading takes a random
 * source port (kube-proxy's "masquerade fully-random"). A service port
 * without any eligible endpoint rejects new connections (TCP reset, ICMP
 * port unreachable); one that has endpoints, only none local where policy
 * local asks for them, drops them. So does a LoadBalancer address for a
 * source outside PODNET_SVC_A_SOURCE_RANGES.
 *
 * PODNET_CMD_CONFIG_SET, PODNET_CMD_CONFIG_GET
 * --------------------------------------------
 *    PODNET_A_CONFIG: NLA_NESTED
 *        PODNET_CFG_A_CLUSTER_CIDRS: NLA_NESTED, PODNET_PREFIXES_A_PREFIX:
 *            the pods' addresses across the cluster (kube-proxy's
 *            --cluster-cidr, its local traffic detector; a family with
 *            no prefix here has none)
 *        PODNET_CFG_A_NODEPORT_CIDRS: NLA_NESTED, PODNET_PREFIXES_A_PREFIX:
 *            NodePorts answer on the node's addresses in these prefixes
 *            only (kube-proxy's --nodeport-addresses); none of a family:
 *            on every local address of it but loopback
 *        PODNET_CFG_A_SERVICE_CIDRS: NLA_NESTED, PODNET_PREFIXES_A_PREFIX:
 *            new connections to an address in these prefixes that is no
 *            ClusterIP are dropped (kube-proxy's --service-cluster-ip-range)
 *        PODNET_CFG_A_APPLIED: NLA_U64, an opaque mark of the state the
 *            setter made (podnetctl apply: a hash of its input); CONFIG_GET
 *            reports it only while no service, endpoint, setting or node
 *            has changed since the CONFIG_SET that stored it, and never 0
 *        PODNET_CFG_A_PAD: padding for the u64
 *    where each PODNET_PREFIXES_A_PREFIX is NLA_NESTED:
 *        PODNET_PREFIX_A_ADDR: NLA_NESTED, one PODNET_ADDR_A_*
 *        PODNET_PREFIX_A_LEN: NLA_U8, 0 to 32 (IPv4) or 128 (IPv6)
 *
 * The namespace's settings for services, up to PODNET_CFG_MAX_PREFIXES
 * prefixes per list. CONFIG_SET replaces all of them (an absent list is
 * emptied) and the mark (absent: none); one that leaves every list as it
 * was changes nothing else: no event, and services, endpoints and
 * settings count as unchanged since, for the mark it stores. CONFIG_GET (a
 * request) answers with PODNET_A_CONFIG.
 *
 * PODNET_CMD_ENDPOINT_ADD, PODNET_CMD_ENDPOINT_DEL
 * ------------------------------------------------
 *    PODNET_A_SERVICE: PROTO, ADDR, PORT
 *    PODNET_A_ENDPOINT: NLA_NESTED
 *        PODNET_EP_A_ADDR: NLA_NESTED, one PODNET_ADDR_A_* of the service's
 *            family
 *        PODNET_EP_A_PORT: NLA_U16, 1 to 65535
 *        PODNET_EP_A_WEIGHT: NLA_U16, 1 to 65535 (default 1; add only)
 *        PODNET_EP_A_FLAGS: NLA_U32, PODNET_EP_F_* (add only)
 *
 * ENDPOINT_ADD of an endpoint the service has updates its weight and flags
 * (this is how an endpoint is marked terminating). ENDPOINT_DEL removes it:
 * from the moment the command returns no new connection picks it, and UDP
 * conntrack entries translated to it are deleted. Fails with ENOSPC past
 * the max_endpoints module parameter.
 *
 * PODNET_CMD_ENDPOINT_SET
 * -----------------------
 *    PODNET_A_SERVICE: PROTO, ADDR, PORT
 *    PODNET_A_ENDPOINTS: NLA_NESTED, zero or more
 *        PODNET_EPS_A_ENDPOINT: NLA_NESTED, as PODNET_A_ENDPOINT
 *
 * Replaces the whole endpoint set in one step: readers see the old set or
 * the new one, never a mix. UDP entries of removed endpoints are flushed;
 * when a UDP service gets its first endpoints (here or at SERVICE_ADD),
 * untranslated UDP entries to its frontends are flushed, so that flows
 * that began before go to the endpoints.
 *
 * Nodes
 * =====
 *
 * The other nodes of the cluster, whose pods this node reaches: a name,
 * the node's addresses on the network the nodes share (the underlay), its
 * pod prefixes and how its pods are reached. The module keeps the table
 * (per namespace, like everything else) and checks it; podnetctl writes
 * the routes, neighbour and forwarding-database entries each node needs
 * (rtnetlink), as flannel does.
 *
 * PODNET_CMD_NODE_SET
 * -------------------
 *    PODNET_A_NODE: NLA_NESTED
 *        PODNET_NODE_A_NAME: NLA_NUL_STRING, 1 to PODNET_NODE_NAME_MAX - 1
 *            bytes: the Kubernetes Node's name
 *        PODNET_NODE_A_ADDRS: NLA_NESTED, one or two PODNET_ADDR_A_*, at
 *            most one of each family: the node's underlay addresses
 *        PODNET_NODE_A_CIDRS: NLA_NESTED, one or two
 *            PODNET_PREFIXES_A_PREFIX, at most one of each family: its
 *            pods' prefixes (spec.podCIDRs)
 *        PODNET_NODE_A_ENCAP: NLA_U8, enum podnet_encap (default vxlan)
 *        PODNET_NODE_A_VTEP_MAC: 6 bytes, vxlan only: the MAC address of
 *            the node's VXLAN device (flannel's VtepMAC); absent, the one
 *            derived from its address (PODNET_VTEP_MAC_PREFIX)
 *
 * Adds the node, or replaces the one of that name whole. Refused: a pod
 * prefix that overlaps another node's, or a prefix of an address of a
 * podnet device of this namespace (the local node's own pods); an address
 * another node has; with encap none, a pod prefix of a family the node has
 * no address of (its pods are routed via that address). At most
 * max_nodes (module parameter, 5000; a user namespace's namespace 1024).
 * With encap none, the device this namespace routes each of the node's
 * addresses by then (its uplink) gets podnet's netfilter ingress hook, which
 * takes packets for this node's pods to them by podnet's forward path, as
 * podnet does with what "podnet.1" receives; a failure to put it there
 * refuses the request.
 *
 * PODNET_CMD_NODE_DEL
 * -------------------
 *    PODNET_A_NODE: NLA_NESTED
 *        PODNET_NODE_A_NAME
 *
 * PODNET_CMD_NODE_GET
 * -------------------
 * As a request, names a node as PODNET_CMD_NODE_DEL does and is answered
 * with PODNET_A_NODE as NODE_SET takes it (PODNET_NODE_A_ENCAP and, for
 * vxlan, PODNET_NODE_A_VTEP_MAC always present); as a dump, one message
 * per node, in order of creation, resumable, flagged NLM_F_DUMP_INTR if the
 * table changed while it ran.
 *
 * VXLAN, as flannel's vxlan backend does it: VNI PODNET_VXLAN_VNI, UDP
 * port PODNET_VXLAN_PORT, one VXLAN device per node ("podnet.1", learning
 * off) whose address is the network address of each of the node's pod
 * prefixes (/32, /128). For each other node: a route to its pod prefix via
 * the network address of that prefix, on link, through the device; a
 * permanent neighbour entry giving that address the node's VTEP MAC; a
 * forwarding-database entry sending that MAC to the node's address. What
 * that device receives for a pod goes to the pod by podnet's forward path
 * (see "Pod traffic").
 *
 * Notifications
 * -------------
 * Every change is sent to the multicast group PODNET_MCGRP_EVENTS as a
 * message of the command that made it, with the attributes of the GET reply
 * of its object (without statistics): PODNET_CMD_POD_ADD and _DEL carry a
 * pod, PODNET_CMD_SERVICE_ADD, _SET and _DEL a service, PODNET_CMD_ENDPOINT_ADD,
 * _DEL and _SET the service with its new endpoint set, PODNET_CMD_CONFIG_SET
 * the new settings, PODNET_CMD_NODE_SET and _DEL a node. A port that goes
 * away with its device is announced as PODNET_CMD_POD_DEL too. Joining the
 * group needs CAP_NET_ADMIN in the namespace's user namespace, as every
 * command does.
 */

#ifndef _UAPI_LINUX_PODNET_H
#define _UAPI_LINUX_PODNET_H

#define PODNET_GENL_NAME "podnet"
#define PODNET_GENL_VERSION 1
#define PODNET_MCGRP_EVENTS "events"

/* The most addresses one pod may have bound. */
#define PODNET_POD_MAX_ADDRS 8
/* The most external addresses of one service port, and LoadBalancer ones. */
#define PODNET_SVC_MAX_EXTERNAL 16
/* The most loadBalancerSourceRanges of one service port. */
#define PODNET_SVC_MAX_SOURCE_RANGES 64
/* The longest service name, with its NUL. */
#define PODNET_SVC_NAME_MAX 256
/* The most prefixes of one list of PODNET_A_CONFIG. */
#define PODNET_CFG_MAX_PREFIXES 16
/* PODNET_SVC_A_OWNER of the services "podnetctl apply" manages. */
#define PODNET_OWNER_APPLY 1
/* The longest node name, with its NUL (a DNS subdomain is up to 253). */
#define PODNET_NODE_NAME_MAX 254
/*
 * VXLAN between nodes: flannel's VNI and UDP port, and the device that
 * podnetctl makes for it (whose MTU the CNI plugin gives new pods).
 */
#define PODNET_VXLAN_VNI 1
#define PODNET_VXLAN_PORT 8472
#define PODNET_VXLAN_DEV "podnet.1"
/*
 * A node's VTEP MAC unless given: these two bytes (0e:70, locally
 * administered), then the last four of its IPv4 address (or of its IPv6
 * address if it has none).
 */
#define PODNET_VTEP_MAC_PREFIX 0x0e70

/**
 * enum podnet_cmd - commands of the podnet generic netlink family
 * @PODNET_CMD_UNSPEC: unused
 * @PODNET_CMD_POD_ADD: attach a port and bind addresses; needs PODNET_A_DEV_*
 *	and PODNET_A_POD with a port name and PODNET_POD_A_ADDRS
 * @PODNET_CMD_POD_DEL: detach a port; needs PODNET_A_POD with a port name
 * @PODNET_CMD_POD_GET: get one port (PODNET_A_POD) or dump all of them
 * @PODNET_CMD_SERVICE_ADD: add a service port; needs PODNET_A_SERVICE,
 *	takes PODNET_A_ENDPOINTS
 * @PODNET_CMD_SERVICE_DEL: delete a service port; needs PODNET_A_SERVICE
 * @PODNET_CMD_SERVICE_GET: get one service or dump all of them
 * @PODNET_CMD_ENDPOINT_ADD: add or update an endpoint; needs
 *	PODNET_A_SERVICE and PODNET_A_ENDPOINT
 * @PODNET_CMD_ENDPOINT_DEL: remove an endpoint; needs PODNET_A_SERVICE and
 *	PODNET_A_ENDPOINT
 * @PODNET_CMD_ENDPOINT_SET: replace the endpoint set; needs PODNET_A_SERVICE
 *	and PODNET_A_ENDPOINTS
 * @PODNET_CMD_SERVICE_SET: change a service port's settings in place; needs
 *	PODNET_A_SERVICE
 * @PODNET_CMD_CONFIG_SET: set the namespace's settings; takes PODNET_A_CONFIG
 * @PODNET_CMD_CONFIG_GET: get them
 * @PODNET_CMD_NODE_SET: add or replace a node; needs PODNET_A_NODE
 * @PODNET_CMD_NODE_DEL: delete a node; needs PODNET_A_NODE with its name
 * @PODNET_CMD_NODE_GET: get one node or dump all of them
 */
enum podnet_cmd {
	PODNET_CMD_UNSPEC,
	PODNET_CMD_POD_ADD,
	PODNET_CMD_POD_DEL,
	PODNET_CMD_POD_GET,
	PODNET_CMD_SERVICE_ADD,
	PODNET_CMD_SERVICE_DEL,
	PODNET_CMD_SERVICE_GET,
	PODNET_CMD_ENDPOINT_ADD,
	PODNET_CMD_ENDPOINT_DEL,
	PODNET_CMD_ENDPOINT_SET,
	PODNET_CMD_SERVICE_SET,
	PODNET_CMD_CONFIG_SET,
	PODNET_CMD_CONFIG_GET,
	PODNET_CMD_NODE_SET,
	PODNET_CMD_NODE_DEL,
	PODNET_CMD_NODE_GET,
	__PODNET_CMD_MAX
};
#define PODNET_CMD_MAX (__PODNET_CMD_MAX - 1)

/**
 * enum podnet_attr - top-level attributes
 * @PODNET_A_UNSPEC: unused
 * @PODNET_A_DEV_IFINDEX: the podnet device, by index (u32)
 * @PODNET_A_DEV_IFNAME: the podnet device, by name (string)
 * @PODNET_A_POD: a pod (port), nested enum podnet_pod_attr
 * @PODNET_A_SERVICE: a service port, nested enum podnet_svc_attr
 * @PODNET_A_ENDPOINT: an endpoint, nested enum podnet_ep_attr
 * @PODNET_A_ENDPOINTS: an endpoint set, nested enum podnet_eps_attr
 * @PODNET_A_CONFIG: the namespace's settings, nested enum podnet_cfg_attr
 * @PODNET_A_NODE: another node, nested enum podnet_node_attr
 */
enum podnet_attr {
	PODNET_A_UNSPEC,
	PODNET_A_DEV_IFINDEX,
	PODNET_A_DEV_IFNAME,
	PODNET_A_POD,
	PODNET_A_SERVICE,
	PODNET_A_ENDPOINT,
	PODNET_A_ENDPOINTS,
	PODNET_A_CONFIG,
	PODNET_A_NODE,
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
 * @PODNET_STATS_A_SWITCHED: packets delivered to the pod from another pod of
 *	the device or from the VXLAN device without passing through the
 *	podnet device
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
	PODNET_STATS_A_SWITCHED,
	__PODNET_STATS_A_MAX
};
#define PODNET_STATS_A_MAX (__PODNET_STATS_A_MAX - 1)

/**
 * enum podnet_sched - how a service picks an endpoint for a new connection
 * @PODNET_SCHED_RANDOM: at random, in proportion to the weights
 * @PODNET_SCHED_RR: round robin, in proportion to the weights
 * @PODNET_SCHED_MAGLEV: Maglev consistent hashing of the client address and
 *	port (lookup table of PODNET_MAGLEV_SIZE entries, weights honoured)
 */
enum podnet_sched {
	PODNET_SCHED_RANDOM,
	PODNET_SCHED_RR,
	PODNET_SCHED_MAGLEV,
	__PODNET_SCHED_MAX
};
#define PODNET_SCHED_MAX (__PODNET_SCHED_MAX - 1)
#define PODNET_MAGLEV_SIZE 16381

/**
 * enum podnet_policy - externalTrafficPolicy and internalTrafficPolicy
 *	(see "How a new connection to a service port is translated")
 * @PODNET_POLICY_CLUSTER: any endpoint; external traffic is masqueraded to
 *	the node's address
 * @PODNET_POLICY_LOCAL: local endpoints only, dropped when there is none;
 *	external traffic keeps its client address
 */
enum podnet_policy {
	PODNET_POLICY_CLUSTER,
	PODNET_POLICY_LOCAL,
	__PODNET_POLICY_MAX
};
#define PODNET_POLICY_MAX (__PODNET_POLICY_MAX - 1)

/*
 * PODNET_SVC_A_FLAGS: masquerade every connection to the service's
 * ClusterIP (kube-proxy's --masquerade-all; external traffic is
 * masqueraded as its policy says).
 */
#define PODNET_SVC_F_MASQUERADE (1U << 0)
#define PODNET_SVC_F_ALL PODNET_SVC_F_MASQUERADE

/* PODNET_EP_A_FLAGS: the endpoint runs on this node. */
#define PODNET_EP_F_LOCAL (1U << 0)
/* PODNET_EP_A_FLAGS: the endpoint is terminating (serving, not ready). */
#define PODNET_EP_F_TERMINATING (1U << 1)
/*
 * PODNET_EP_A_FLAGS: the endpoint's topology hints are for other zones (or,
 * where every ready endpoint has node hints, for other nodes): it takes no
 * connection of policy cluster while a ready endpoint without this flag
 * exists (local traffic policies ignore it).
 */
#define PODNET_EP_F_OTHER_ZONE (1U << 2)
#define PODNET_EP_F_ALL (PODNET_EP_F_LOCAL | PODNET_EP_F_TERMINATING | \
			 PODNET_EP_F_OTHER_ZONE)

/**
 * enum podnet_svc_attr - attributes of a service port, in PODNET_A_SERVICE
 * @PODNET_SVC_A_UNSPEC: unused
 * @PODNET_SVC_A_PROTO: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP (u8)
 * @PODNET_SVC_A_ADDR: the ClusterIP, nested enum podnet_addr_attr
 * @PODNET_SVC_A_PORT: the service port (u16)
 * @PODNET_SVC_A_SCHED: enum podnet_sched (u8)
 * @PODNET_SVC_A_AFFINITY: ClientIP affinity timeout, seconds (u32)
 * @PODNET_SVC_A_NODEPORT: NodePort (u16)
 * @PODNET_SVC_A_EXTERNAL: external/LoadBalancer IPs, nested
 *	enum podnet_addr_attr
 * @PODNET_SVC_A_POLICY: enum podnet_policy (u8)
 * @PODNET_SVC_A_FLAGS: PODNET_SVC_F_* (u32)
 * @PODNET_SVC_A_STATS: counters, nested enum podnet_svc_stats_attr (replies)
 * @PODNET_SVC_A_ENDPOINTS: endpoints, nested enum podnet_eps_attr (replies)
 * @PODNET_SVC_A_PAD: padding for 64-bit attributes
 * @PODNET_SVC_A_INTERNAL_POLICY: enum podnet_policy for the ClusterIP (u8)
 * @PODNET_SVC_A_LB: LoadBalancer ingress IPs, nested enum podnet_addr_attr
 * @PODNET_SVC_A_SOURCE_RANGES: sources allowed to the LoadBalancer IPs,
 *	nested enum podnet_prefixes_attr
 * @PODNET_SVC_A_OWNER: who manages it, 0 or PODNET_OWNER_APPLY (u32)
 * @PODNET_SVC_A_NAME: a name for people (string)
 */
enum podnet_svc_attr {
	PODNET_SVC_A_UNSPEC,
	PODNET_SVC_A_PROTO,
	PODNET_SVC_A_ADDR,
	PODNET_SVC_A_PORT,
	PODNET_SVC_A_SCHED,
	PODNET_SVC_A_AFFINITY,
	PODNET_SVC_A_NODEPORT,
	PODNET_SVC_A_EXTERNAL,
	PODNET_SVC_A_POLICY,
	PODNET_SVC_A_FLAGS,
	PODNET_SVC_A_STATS,
	PODNET_SVC_A_ENDPOINTS,
	PODNET_SVC_A_PAD,
	PODNET_SVC_A_INTERNAL_POLICY,
	PODNET_SVC_A_LB,
	PODNET_SVC_A_SOURCE_RANGES,
	PODNET_SVC_A_OWNER,
	PODNET_SVC_A_NAME,
	__PODNET_SVC_A_MAX
};
#define PODNET_SVC_A_MAX (__PODNET_SVC_A_MAX - 1)

/**
 * enum podnet_svc_stats_attr - service counters, in PODNET_SVC_A_STATS
 * @PODNET_SVC_STATS_A_UNSPEC: unused
 * @PODNET_SVC_STATS_A_CONNS: connections translated (u64)
 * @PODNET_SVC_STATS_A_PACKETS: packets of translated connections (u64)
 * @PODNET_SVC_STATS_A_BYTES: bytes of translated connections (u64)
 * @PODNET_SVC_STATS_A_REJECTED: new connections rejected or dropped for
 *	want of an endpoint (u64)
 * @PODNET_SVC_STATS_A_PAD: padding for 64-bit attributes
 */
enum podnet_svc_stats_attr {
	PODNET_SVC_STATS_A_UNSPEC,
	PODNET_SVC_STATS_A_CONNS,
	PODNET_SVC_STATS_A_PACKETS,
	PODNET_SVC_STATS_A_BYTES,
	PODNET_SVC_STATS_A_REJECTED,
	PODNET_SVC_STATS_A_PAD,
	__PODNET_SVC_STATS_A_MAX
};
#define PODNET_SVC_STATS_A_MAX (__PODNET_SVC_STATS_A_MAX - 1)

/**
 * enum podnet_eps_attr - an endpoint set (PODNET_A_ENDPOINTS,
 *	PODNET_SVC_A_ENDPOINTS)
 * @PODNET_EPS_A_UNSPEC: unused
 * @PODNET_EPS_A_ENDPOINT: one endpoint, nested enum podnet_ep_attr
 */
enum podnet_eps_attr {
	PODNET_EPS_A_UNSPEC,
	PODNET_EPS_A_ENDPOINT,
	__PODNET_EPS_A_MAX
};
#define PODNET_EPS_A_MAX (__PODNET_EPS_A_MAX - 1)

/**
 * enum podnet_ep_attr - attributes of an endpoint
 * @PODNET_EP_A_UNSPEC: unused
 * @PODNET_EP_A_ADDR: its address, nested enum podnet_addr_attr
 * @PODNET_EP_A_PORT: its port (u16)
 * @PODNET_EP_A_WEIGHT: its weight, 1 to 65535 (u16)
 * @PODNET_EP_A_FLAGS: PODNET_EP_F_* (u32)
 * @PODNET_EP_A_CONNS: connections given to it (u64, replies)
 * @PODNET_EP_A_PAD: padding for 64-bit attributes
 */
enum podnet_ep_attr {
	PODNET_EP_A_UNSPEC,
	PODNET_EP_A_ADDR,
	PODNET_EP_A_PORT,
	PODNET_EP_A_WEIGHT,
	PODNET_EP_A_FLAGS,
	PODNET_EP_A_CONNS,
	PODNET_EP_A_PAD,
	__PODNET_EP_A_MAX
};
#define PODNET_EP_A_MAX (__PODNET_EP_A_MAX - 1)

/**
 * enum podnet_cfg_attr - the namespace's settings, in PODNET_A_CONFIG
 * @PODNET_CFG_A_UNSPEC: unused
 * @PODNET_CFG_A_CLUSTER_CIDRS: the cluster's pod prefixes, nested enum
 *	podnet_prefixes_attr
 * @PODNET_CFG_A_NODEPORT_CIDRS: where NodePorts answer, the same
 * @PODNET_CFG_A_SERVICE_CIDRS: the ClusterIP ranges, the same
 * @PODNET_CFG_A_APPLIED: the mark of the state as a setter made it (u64)
 * @PODNET_CFG_A_PAD: padding
 */
enum podnet_cfg_attr {
	PODNET_CFG_A_UNSPEC,
	PODNET_CFG_A_CLUSTER_CIDRS,
	PODNET_CFG_A_NODEPORT_CIDRS,
	PODNET_CFG_A_SERVICE_CIDRS,
	PODNET_CFG_A_APPLIED,
	PODNET_CFG_A_PAD,
	__PODNET_CFG_A_MAX
};
#define PODNET_CFG_A_MAX (__PODNET_CFG_A_MAX - 1)

/**
 * enum podnet_prefixes_attr - a list of prefixes
 * @PODNET_PREFIXES_A_UNSPEC: unused
 * @PODNET_PREFIXES_A_PREFIX: one prefix, nested enum podnet_prefix_attr
 */
enum podnet_prefixes_attr {
	PODNET_PREFIXES_A_UNSPEC,
	PODNET_PREFIXES_A_PREFIX,
	__PODNET_PREFIXES_A_MAX
};
#define PODNET_PREFIXES_A_MAX (__PODNET_PREFIXES_A_MAX - 1)

/**
 * enum podnet_prefix_attr - an address prefix
 * @PODNET_PREFIX_A_UNSPEC: unused
 * @PODNET_PREFIX_A_ADDR: its address, nested enum podnet_addr_attr (the
 *	bits past the length are ignored)
 * @PODNET_PREFIX_A_LEN: its length in bits (u8)
 */
enum podnet_prefix_attr {
	PODNET_PREFIX_A_UNSPEC,
	PODNET_PREFIX_A_ADDR,
	PODNET_PREFIX_A_LEN,
	__PODNET_PREFIX_A_MAX
};
#define PODNET_PREFIX_A_MAX (__PODNET_PREFIX_A_MAX - 1)

/**
 * enum podnet_encap - how a node's pods are reached
 * @PODNET_ENCAP_VXLAN: over the namespace's VXLAN device
 * @PODNET_ENCAP_NONE: routed via the node's address (nodes share a link)
 */
enum podnet_encap {
	PODNET_ENCAP_VXLAN,
	PODNET_ENCAP_NONE,
	__PODNET_ENCAP_MAX
};
#define PODNET_ENCAP_MAX (__PODNET_ENCAP_MAX - 1)

/**
 * enum podnet_node_attr - attributes of a node, in PODNET_A_NODE
 * @PODNET_NODE_A_UNSPEC: unused
 * @PODNET_NODE_A_NAME: its name (string)
 * @PODNET_NODE_A_ADDRS: its addresses, nested enum podnet_addr_attr
 * @PODNET_NODE_A_CIDRS: its pod prefixes, nested enum podnet_prefixes_attr
 * @PODNET_NODE_A_ENCAP: enum podnet_encap (u8)
 * @PODNET_NODE_A_VTEP_MAC: its VXLAN device's MAC address (6 bytes)
 */
enum podnet_node_attr {
	PODNET_NODE_A_UNSPEC,
	PODNET_NODE_A_NAME,
	PODNET_NODE_A_ADDRS,
	PODNET_NODE_A_CIDRS,
	PODNET_NODE_A_ENCAP,
	PODNET_NODE_A_VTEP_MAC,
	__PODNET_NODE_A_MAX
};
#define PODNET_NODE_A_MAX (__PODNET_NODE_A_MAX - 1)

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
