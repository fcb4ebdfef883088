/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_FWD_H
#define _PODNET_FWD_H

#include <linux/netdevice.h>

struct podnet_port;

rx_handler_result_t podnet_fwd(struct podnet_port *in, struct sk_buff *skb);
rx_handler_result_t podnet_fwd_node(struct sk_buff *skb);
void podnet_fwd_routes_free(struct podnet_port *port);

#endif /* _PODNET_FWD_H */
