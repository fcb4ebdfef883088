/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnetctl: the other nodes of the cluster (node.c), and the routes,
 * neighbour and forwarding-database entries that reach their pods
 * (underlay.c).
 */
#ifndef PODNETCTL_NODE_H
#define PODNETCTL_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/podnet.h>

#include "addr.h"

/* The VXLAN device podnet keeps in each node's namespace. */
#define NODE_VXLAN_DEV PODNET_VXLAN_DEV

/* What PODNET_A_NODE holds. */
struct pn_node {
	char name[PODNET_NODE_NAME_MAX];
	struct pn_addr addr[2];		/* at most one of each family */
	unsigned int naddr;
	struct pn_prefix cidr[2];	/* the same */
	unsigned int ncidr;
	uint8_t encap;			/* enum podnet_encap */
	bool mac_given;			/* parsed from a command: vtep-mac */
	uint8_t mac[MAC_LEN];		/* vxlan: its VTEP MAC */
};

struct nl_sock;
struct obj_type;

extern const struct obj_type node_type;

struct ipc;

/*
 * Add or change node @n (its VTEP MAC set for vxlan) and write its
 * entries; remove node @key (its name) and its entries. 0, or -1 with
 * fail() set.
 */
int node_set(struct ipc *ipc, const struct pn_node *n);
int node_remove(struct ipc *ipc, const struct pn_node *key);
/*
 * Make the kernel's nodes @want (apply): those that differ set, those
 * not wanted removed (only the one named @only, unless NULL); with
 * @dry_run, print the commands instead. 0, or EXIT_FAILED with each
 * failure reported.
 */
int node_converge(struct ipc *ipc, const struct pn_node *want, size_t nwant,
		  const char *only, bool dry_run);

/* The VTEP MAC podnet derives from a node's address (PODNET_VTEP_MAC_PREFIX). */
void node_vtep_mac(const struct pn_node *n, uint8_t mac[MAC_LEN]);

/*
 * Write what reaches @n's pods (replacing what reached them before), the
 * VXLAN device first if @n is the first vxlan node; then remove what @old
 * (the node as it was, or NULL) had and @n has not. 0, or -1 with fail().
 */
int underlay_node_set(struct nl_sock *sk, const struct pn_node *n,
		      const struct pn_node *old);
/* Remove what reaches @n's pods; what is gone already is no error. */
int underlay_node_del(struct nl_sock *sk, const struct pn_node *n);

#endif /* PODNETCTL_NODE_H */
