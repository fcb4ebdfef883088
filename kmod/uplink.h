/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_UPLINK_H
#define _PODNET_UPLINK_H

#include <linux/in6.h>

struct net;
struct net_device;
struct podnet_uplink;

struct podnet_uplink *podnet_uplink_get(struct net *net,
					const struct in6_addr *addr);
void podnet_uplink_put(struct podnet_uplink *up);
void podnet_uplink_netdev_event(struct net_device *dev, unsigned long event);

#endif /* _PODNET_UPLINK_H */
