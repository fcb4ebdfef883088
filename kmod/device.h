/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_DEVICE_H
#define _PODNET_DEVICE_H

#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>

/**
 * struct podnet_dev - private part of a podnet device
 * @dev: the device
 * @node: entry in podnet_net.devs (RTNL)
 * @ports: its ports, struct podnet_port.node (RTNL for writers, RCU readers)
 * @nports: number of ports (RTNL)
 * @addrs: bound pod addresses, struct podnet_addr, looked up under RCU on
 *	the packet path; changed under RTNL
 */
struct podnet_dev {
	struct net_device *dev;
	struct list_head node;
	struct list_head ports;
	unsigned int nports;
	struct rhashtable addrs;
};

struct podnet_port;

extern const struct net_device_ops podnet_netdev_ops;

void podnet_setup(struct net_device *dev);
bool podnet_dev_quiet(struct net_device *dev);
bool podnet_deliver(struct podnet_port *port, struct sk_buff *skb,
		    struct sk_buff **rx);
struct podnet_port *podnet_output(struct podnet_dev *pn,
				  struct podnet_port *hint, struct sk_buff *skb,
				  struct sk_buff **rx);

static inline bool netif_is_podnet(const struct net_device *dev)
{
	return dev->netdev_ops == &podnet_netdev_ops;
}

int podnet_device_init(void);
void podnet_device_uninit(void);

#endif /* _PODNET_DEVICE_H */
