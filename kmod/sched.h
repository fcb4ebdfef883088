/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_SCHED_H
#define _PODNET_SCHED_H

#include "service.h"

/**
 * struct podnet_flow - what endpoint choice may look at
 * @saddr: client address (IPv4 as IPv4-mapped)
 * @sport: client port
 * @proto: IP protocol
 */
struct podnet_flow {
	struct in6_addr saddr;
	__be16 sport;
	u8 proto;
};

struct podnet_eps *podnet_eps_build(const struct podnet_ep_spec *specs,
				    unsigned int n, u8 sched,
				    const struct podnet_eps *old);
void podnet_eps_free(struct podnet_eps *eps);
void podnet_eps_free_rcu(struct podnet_eps *eps);
struct podnet_ep *podnet_sched_pick(struct podnet_svc *svc,
				    struct podnet_eps *eps, bool local_only,
				    const struct podnet_flow *flow);
u16 *podnet_maglev_build(const struct podnet_eps *eps,
			 const struct podnet_pool *pool);
int podnet_aff_net_init(struct net *net);
void podnet_aff_net_exit(struct net *net);

#endif /* _PODNET_SCHED_H */
