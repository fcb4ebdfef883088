/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_TUNNEL_H
#define _PODNET_TUNNEL_H

struct net_device;

void podnet_tunnel_netdev_event(struct net_device *dev, unsigned long event);

#endif /* _PODNET_TUNNEL_H */
