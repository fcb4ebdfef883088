/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PODNET_NETLINK_H
#define _PODNET_NETLINK_H

#include <linux/podnet.h>
#include <net/genetlink.h>

struct podnet_port;
struct podnet_svc;
struct podnet_ep_spec;

/* Shared by netlink.c (the family, pods) and netlink-svc.c (services). */
extern struct genl_family podnet_family;
extern const struct nla_policy podnet_addr_policy[PODNET_ADDR_A_MAX + 1];

/*
 * A required root attribute (GENL_REQ_ATTR_CHECK()): true, with the
 * attribute named in the extended ack and @what as its message, if missing.
 */
#define podnet_nl_missing(info, attr, what) ({				\
	bool __miss = GENL_REQ_ATTR_CHECK(info, attr);			\
									\
	if (__miss)							\
		NL_SET_ERR_MSG_MOD((info)->extack,			\
				   what " not given (" #attr ")");	\
	__miss;								\
})

enum podnet_mcgrp {
	PODNET_MCGRP_EVENTS_ID,
};

int podnet_nl_parse_addr(const struct nlattr *nla, struct in6_addr *addr,
			 struct netlink_ext_ack *extack);
int podnet_nl_put_addr(struct sk_buff *skb, int type, const struct in6_addr *a);
int podnet_nl_ep_spec(const struct nlattr *nest, bool v4, bool full,
		      struct podnet_ep_spec *ep, struct netlink_ext_ack *extack);

int podnet_nl_svc_add(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_svc_del(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_svc_set(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_svc_get(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb);
int podnet_nl_ep_add(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_ep_del(struct sk_buff *skb, struct genl_info *info);
int podnet_nl_ep_set(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy podnet_svc_policy[PODNET_SVC_A_MAX + 1];
extern const struct nla_policy podnet_ep_policy[PODNET_EP_A_MAX + 1];
extern const struct nla_policy podnet_eps_policy[PODNET_EPS_A_MAX + 1];

void podnet_nl_event(struct net *net, size_t size,
		     int (*fill)(struct sk_buff *skb, const void *obj, u8 cmd),
		     const void *obj, u8 cmd);
void podnet_nl_notify_pod(const struct podnet_port *port, u8 cmd);
void podnet_nl_notify_svc(const struct podnet_svc *svc, u8 cmd);
int podnet_genl_init(void);
void podnet_genl_uninit(void);

#endif /* _PODNET_NETLINK_H */
