/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NETLINK_H
#define _PODNET_NETLINK_H

#include <linux/types.h>

struct podnet_port;

void podnet_nl_notify_pod(const struct podnet_port *port, u8 cmd);
int podnet_genl_init(void);
void podnet_genl_uninit(void);

#endif /* _PODNET_NETLINK_H */
