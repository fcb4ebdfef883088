/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NEIGH_H
#define _PODNET_NEIGH_H

#include <linux/skbuff.h>

struct podnet_port;

bool podnet_neigh_is_ns(struct sk_buff *skb);
void podnet_neigh_ns_rcv(struct podnet_port *port, struct sk_buff *skb);
void podnet_neigh_arp_rcv(struct podnet_port *port, struct sk_buff *skb);

#endif /* _PODNET_NEIGH_H */
