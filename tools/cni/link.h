/* SPDX-License-Identifier: GPL-2.0 */
/* podnet, the CNI plugin: links, addresses and routes over rtnetlink. */
#ifndef PODNET_CNI_LINK_H
#define PODNET_CNI_LINK_H

#include <stdbool.h>
#include <net/if.h>

#include "cni.h"

struct nl_sock;

#define LINK_ALIAS_MAX 256

struct link_info {
	int ifindex;
	unsigned int flags;		/* IFF_* */
	unsigned int mtu;
	int master;			/* ifindex, 0 if none */
	char name[IFNAMSIZ];
	char mac[MAC_STRLEN];
	char kind[32];			/* "veth", "podnet", "" */
	char alias[LINK_ALIAS_MAX];
};

/*
 * An rtnetlink socket in the current network namespace, or in the one of
 * @nsfd (entered and left again). 0, or -1 with cni_fail() set.
 */
int rt_open(struct nl_sock **sk);
int rt_open_in(int nsfd, const char *netns, struct nl_sock **sk);
void rt_close(struct nl_sock *sk);

/* 1 and *@li if @name exists, 0 if not, -1 with cni_fail() set. */
int link_get(struct nl_sock *sk, const char *name, struct link_info *li);
/* Every link, to @fn (which returns 0 to go on). */
int link_foreach(struct nl_sock *sk, int (*fn)(const struct link_info *li, void *arg),
		 void *arg);
/* A podnet device @name, up; one made meanwhile by another ADD will do. */
int link_podnet_add(struct nl_sock *sk, const char *name);
/*
 * A veth pair: @host here, @peer in the namespace of @nsfd, both down,
 * both with @mtu unless 0. -EEXIST if @host or @peer exists.
 */
int link_veth_add(struct nl_sock *sk, const char *host, const char *peer,
		  int nsfd, unsigned int mtu);
/* Bring a link up, and give it @alias unless NULL. */
int link_set(struct nl_sock *sk, const struct link_info *li, const char *alias);
/* Delete link @ifindex; gone already is not an error. */
int link_del(struct nl_sock *sk, int ifindex);

/* Add @a/@plen on @ifindex (IPv6 without DAD); @exist_ok: there already. */
int rt_addr_add(struct nl_sock *sk, int ifindex, const struct pn_addr *a,
		unsigned int plen, bool exist_ok);
/* 1 if @ifindex has @a/@plen, 0 if not, -1. */
int rt_addr_has(struct nl_sock *sk, int ifindex, const struct pn_addr *a,
		unsigned int plen);
/* A route of the main table through @ifindex. */
int rt_route_add(struct nl_sock *sk, int ifindex, const struct cni_route *r);
/* 1 if the main table has @r (through @ifindex), 0 if not, -1. */
int rt_route_has(struct nl_sock *sk, int ifindex, const struct cni_route *r);

#endif /* PODNET_CNI_LINK_H */
