/* SPDX-License-Identifier: GPL-2.0 */
/* podnetctl: pods (podnet ports), shared by pod.c and monitor.c. */
#ifndef PODNETCTL_POD_H
#define PODNETCTL_POD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>
#include <linux/podnet.h>

#include "json.h"
#include "object.h"
#include "podmsg.h"

/* "veth1 dev pn0 mac aa:bb:cc:dd:ee:ff ip 10.244.1.2 fd00::2", no newline */
void pod_info_print(const struct pod_info *pod, FILE *f);

/* {ifname, ifindex, dev, mac, addrs, [stats]} */
cJSON *pod_info_json(const struct pod_info *pod);

/* Pods as objects (object.h). */
extern const struct obj_type pod_type;

#endif /* PODNETCTL_POD_H */
