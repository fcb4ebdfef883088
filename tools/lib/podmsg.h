/* SPDX-License-Identifier: GPL-2.0 */
/* libpodnet: pods (podnet ports) over generic netlink. */
#ifndef PODNET_PODMSG_H
#define PODNET_PODMSG_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <linux/podnet.h>

#include "addr.h"
#include "ipc.h"

/*
 * A pod: as parsed from the command line (names only, indexes 0), or as
 * reported by the kernel (both).
 */
struct pod_info {
	char dev[IFNAMSIZ];
	uint32_t dev_ifindex;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	bool has_mac;
	uint8_t mac[MAC_LEN];
	unsigned int naddrs;
	struct pn_addr addrs[PODNET_POD_MAX_ADDRS];
	bool has_stats;
	uint64_t stats[PODNET_STATS_A_MAX + 1];	/* by PODNET_STATS_A_* */
};

/* The counters' names, by PODNET_STATS_A_* (NULL: padding). */
extern const char *const pod_stat_names[PODNET_STATS_A_MAX + 1];

/*
 * Parse a PODNET_CMD_POD_* reply or notification. 0, or -1 with fail()
 * set.
 */
int pod_info_parse(struct nl_msg *msg, struct pod_info *pod);

/*
 * Requests: a pod and its device are named by index if known, else by
 * name. pod_msg_put_dev() puts the device's attribute in @msg.
 * pod_msg_send() sends PODNET_CMD_POD_ADD (with the addresses and MAC),
 * _DEL or _GET (not a dump) for @pod, the device with _ADD, and with the
 * others if @with_dev; replies go to @fn. pod_get(): the pod @which names,
 * as the kernel has it, into @pod. 0, or a negative errno with fail() set.
 */
int pod_msg_put_dev(struct ipc *ipc, struct nl_msg *msg, const struct pod_info *pod);
int pod_msg_send(struct ipc *ipc, uint8_t cmd, const struct pod_info *pod,
		 bool with_dev, ipc_reply_fn fn, void *arg);
int pod_get(struct ipc *ipc, const struct pod_info *which, bool with_dev,
	    struct pod_info *pod);

#endif /* PODNET_PODMSG_H */
