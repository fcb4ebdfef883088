/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NAT_H
#define _PODNET_NAT_H

struct net;
struct podnet_svc;
struct podnet_ep_spec;
struct podnet_fe;

int podnet_nat_enable(struct net *net);
void podnet_nat_disable(struct net *net);
void podnet_nat_flush_udp(struct podnet_svc *svc,
			  const struct podnet_ep_spec *gone, unsigned int n);
void podnet_nat_flush_udp_fes(struct net *net, struct podnet_fe *const *fes,
			      unsigned int nfes, bool all);
int podnet_nat_init(void);
void podnet_nat_uninit(void);

#endif /* _PODNET_NAT_H */
