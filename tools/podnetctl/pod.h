/* SPDX-License-Identifier: GPL-2.0 */
/* podnetctl: pods (podnet ports), shared by pod.c and monitor.c. */
#ifndef PODNETCTL_POD_H
#define PODNETCTL_POD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>
#include <linux/podnet.h>

#include "addr.h"
#include "json.h"
#include "object.h"

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

/*
 * Parse a PODNET_CMD_POD_* reply or notification. 0, or -1 with fail()
 * set.
 */
int pod_info_parse(struct nl_msg *msg, struct pod_info *pod);

/* "veth1 dev pn0 mac aa:bb:cc:dd:ee:ff ip 10.244.1.2 fd00::2", no newline */
void pod_info_print(const struct pod_info *pod, FILE *f);

/* {ifname, ifindex, dev, mac, addrs, [stats]} */
cJSON *pod_info_json(const struct pod_info *pod);

/* Pods as objects (object.h). */
extern const struct obj_type pod_type;

#endif /* PODNETCTL_POD_H */
