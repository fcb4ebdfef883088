/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnetctl: the namespace's service settings (PODNET_CMD_CONFIG_*):
 * the cluster CIDRs, the NodePort addresses and the service CIDRs, shared
 * by the config family and apply (config.c).
 */
#ifndef PODNETCTL_CONFIG_H
#define PODNETCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/podnet.h>

#include "addr.h"

struct ipc;

/* The lists, in the order of their words (cfg_words). */
enum cfg_list { CFG_CLUSTER, CFG_NODEPORT, CFG_SERVICE, CFG_NLISTS };

struct pn_cfg {
	unsigned int n[CFG_NLISTS];
	struct pn_prefix p[CFG_NLISTS][PODNET_CFG_MAX_PREFIXES];
	/* apply's mark of the state it made (PODNET_CFG_A_APPLIED), 0: none */
	uint64_t applied;
};

/* "cluster-cidr", "nodeport-addresses", "service-cidr" */
extern const char *const cfg_words[CFG_NLISTS];

/* "P[,P]..." into list @l of @cfg (replacing it); 0, or -1 with fail() set. */
int cfg_list_parse(const char *s, struct pn_cfg *cfg, enum cfg_list l);
bool cfg_equal(const struct pn_cfg *a, const struct pn_cfg *b);
/* "cluster-cidr 10.244.0.0/16 service-cidr 10.96.0.0/12" ("none"), no newline */
void cfg_print(const struct pn_cfg *cfg, FILE *f);

/* 0, or -1 with fail() set. */
int cfg_get(struct ipc *ipc, struct pn_cfg *cfg);
int cfg_set_send(struct ipc *ipc, const struct pn_cfg *cfg);

/* Settings as objects, for monitor (not dumped: one per namespace). */
extern const struct obj_type cfg_type;

#endif /* PODNETCTL_CONFIG_H */
