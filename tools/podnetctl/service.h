/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnetctl: service ports and their endpoints, shared by the service and
 * endpoint families (service.c, endpoint.c), their wire format (svc_msg.c),
 * printing (svc_print.c) and batch bookkeeping (svc_batch.c), and monitor.c.
 */
#ifndef PODNETCTL_SERVICE_H
#define PODNETCTL_SERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>
#include <linux/podnet.h>

#include "addr.h"
#include "json.h"
#include "object.h"
#include "podnetctl.h"

struct ipc;

/* What names a service port: protocol, ClusterIP, port. */
struct svc_key {
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP */
	uint16_t port;		/* host order */
	struct pn_addr addr;
};

/* Long enough for "[fd00::10]:80/sctp" (svc_key_fmt()). */
#define SVC_STRLEN (ADDR_STRLEN + 16)
/* Long enough for "[fd00::2]:8080" (ep_fmt()). */
#define EP_STRLEN (ADDR_STRLEN + 8)

/* An endpoint: as typed (weight 1, no flags by default) or as reported. */
struct ep {
	struct pn_addr addr;
	uint16_t port;		/* host order */
	uint16_t weight;
	uint32_t flags;		/* PODNET_EP_F_* */
	uint64_t conns;		/* replies with statistics only */
};

struct ep_list {
	struct ep *v;
	unsigned int n;
};

/*
 * The addresses few service ports have: external and LoadBalancer IPs,
 * source ranges. One allocation, made when the first is added.
 */
struct svc_addrs {
	struct pn_addr ext[PODNET_SVC_MAX_EXTERNAL];
	struct pn_addr lb[PODNET_SVC_MAX_EXTERNAL];	/* LoadBalancer IPs */
	struct pn_prefix ranges[PODNET_SVC_MAX_SOURCE_RANGES];
};

/*
 * A service port: as typed for service add (defaults where nothing was
 * given), or as reported by the kernel.
 */
struct svc_info {
	struct svc_key key;
	uint8_t sched;		/* enum podnet_sched */
	uint8_t policy;		/* enum podnet_policy */
	uint8_t ipolicy;	/* enum podnet_policy, internal traffic */
	uint32_t flags;		/* PODNET_SVC_F_* */
	uint32_t owner;		/* 0, PODNET_OWNER_APPLY */
	uint32_t affinity;	/* seconds, 0: none */
	uint16_t nodeport;	/* 0: none */
	unsigned int next, nlb, nranges;	/* in @addrs */
	struct svc_addrs *addrs;	/* owned; NULL if none was ever added */
	char name[PODNET_SVC_NAME_MAX];	/* "" if none */
	bool has_stats;
	uint64_t stats[PODNET_SVC_STATS_A_MAX + 1];	/* by PODNET_SVC_STATS_A_* */
	struct ep_list eps;	/* owned: ep_list_free() */
};

/* kube-proxy's default ClientIP affinity timeout, for a bare "affinity". */
#define SVC_AFFINITY_DEFAULT 10800
#define SVC_AFFINITY_MAX 86400

/* Words (service.c): protocols, schedulers, policies. */
extern const struct word proto_words[], sched_words[], policy_words[];
const char *proto_name(uint8_t proto);	/* "tcp", or "?" */
/* Counter names, for JSON; the order of the human counters line. */
extern const char *const svc_stat_names[PODNET_SVC_STATS_A_MAX + 1];

/* Parsing what was typed; 0, or -1 with fail() set naming the word. */

/* A decimal number from 1 to @max, digits only. */
bool num_parse(const char *s, unsigned long max, unsigned long *v);
/* "10.96.0.10:53/udp", "[fd00::10]:80/tcp" */
int svc_key_parse(const char *s, struct svc_key *key);
/*
 * "10.244.1.2:5353", "[fd00::2]:8080", of the service's family; weight 1,
 * no flags.
 */
int ep_parse(const char *s, const struct svc_key *svc, struct ep *ep);

const char *svc_key_fmt(const struct svc_key *key, char buf[SVC_STRLEN]);
const char *ep_fmt(const struct ep *ep, char buf[EP_STRLEN]);
bool ep_equal(const struct ep *a, const struct ep *b);	/* address and port */

void ep_list_free(struct ep_list *l);
/* Append @ep; 0, or -1 with fail() set. */
int ep_list_add(struct ep_list *l, const struct ep *ep);
/* The index of the endpoint with @ep's address and port, or -1. */
int ep_list_find(const struct ep_list *l, const struct ep *ep);

/* Order of service keys: protocol, port, address. */
int svc_key_cmp(const struct svc_key *a, const struct svc_key *b);

/*
 * Parse a PODNET_CMD_SERVICE_* or _ENDPOINT_* reply or notification
 * (svc_msg.c).
 */
int svc_info_parse(struct nl_msg *msg, struct svc_info *svc);
/* A nest of PODNET_PREFIXES_A_PREFIX into @p (at most @max). */
int prefixes_parse(struct nlattr *nest, struct pn_prefix *p, unsigned int max,
		   unsigned int *n);
/* One PODNET_PREFIXES_A_PREFIX. */
int put_prefix(struct ipc *ipc, struct nl_msg *msg, const struct pn_prefix *p);
void svc_info_free(struct svc_info *svc);
/* @svc->addrs, allocated if it is not yet: 0, or -1 with fail() set. */
int svc_addrs_get(struct svc_info *svc);
/*
 * @src into @dst, with a copy of its addresses and without its endpoints
 * (@dst's are empty): 0, or -1 with fail() set.
 */
int svc_info_copy(struct svc_info *dst, const struct svc_info *src);

/*
 * "10.96.0.10:53/udp sched rr affinity 10800 nodeport 30053
 * external 192.0.2.10 policy local masquerade", no newline
 */
void svc_info_print(const struct svc_info *svc, FILE *f);
/* "10.244.1.2:5353 weight 1 local terminating[ conns 6]", no newline */
void ep_print(const struct ep *ep, bool conns, FILE *f);
/* {service, proto, addr, port, sched, ..., [stats], endpoints} */
cJSON *svc_info_json(const struct svc_info *svc);
/* monitor: "SVC EP weight 1 local, EP weight 1" ("SVC none"), no newline */
void svc_eps_event_print(const void *svc, FILE *f);
void svc_add_event_print(const void *svc, FILE *f);
/* "endpoint set SVC EP,EP..." ("none" if it has none), no newline */
void ep_set_print(const struct svc_key *key, const struct ep_list *eps, FILE *f);

/* Services as objects (object.h; svc_print.c). */
extern const struct obj_type svc_type;

/*
 * Requests (svc_msg.c): 0, or -1 with fail() set; svc_get(): 0, or a
 * negative errno (-ENOENT: no such service) with fail() set.
 */
int svc_get(struct ipc *ipc, const struct svc_key *key, struct svc_info *svc);
/*
 * PODNET_CMD_SERVICE_ADD of @svc's settings, and of @eps (with their weights
 * and flags) as its first endpoints unless NULL.
 */
int svc_add_send(struct ipc *ipc, const struct svc_info *svc,
		 const struct ep_list *eps);
/* The same, the labels of @eps tagged @eps_tag (a batch's next line). */
int svc_add_tagged(struct ipc *ipc, const struct svc_info *svc,
		   const struct ep_list *eps, unsigned int eps_tag);
int svc_del_send(struct ipc *ipc, const struct svc_key *key);
/* PODNET_CMD_SERVICE_SET: @svc's settings, in place (endpoints kept). */
int svc_change_send(struct ipc *ipc, const struct svc_info *svc);
/*
 * PODNET_CMD_ENDPOINT_SET: replace the endpoints of @key by @eps, with
 * their weights and flags (those not the defaults).
 */
int ep_set_send(struct ipc *ipc, const struct svc_key *key, const struct ep_list *eps);
/* PODNET_CMD_ENDPOINT_ADD (with weight and flags) or _DEL of @ep. */
int ep_one_send(struct ipc *ipc, uint8_t cmd, const struct svc_key *key,
		const struct ep *ep);

/* Commands of both families: they follow each other through a batch. */

enum svc_op {
	SVC_ADD = VERB_ADD, SVC_DEL = VERB_DEL, SVC_SHOW = VERB_SHOW,
	SVC_HELP = VERB_HELP, SVC_CHANGE = VERB_N,
	EP_ADD, EP_DEL, EP_SET, EP_HELP,
};

/* service add: which options were typed (canonical form). */
enum svc_given {
	GIVEN_SCHED	= 1 << 0,
	GIVEN_AFFINITY	= 1 << 1,
	GIVEN_NODEPORT	= 1 << 2,
	GIVEN_POLICY	= 1 << 3,
	GIVEN_MASQ	= 1 << 4,
	GIVEN_WEIGHT	= 1 << 5,	/* endpoint add */
	GIVEN_IPOLICY	= 1 << 6,
};

/**
 * struct svc_cmd - a parsed service or endpoint command
 * @cmd: the generic part
 * @op: what it is
 * @svc: the service: its key; service add, change: its settings; endpoint set:
 *	the endpoints, in @svc.eps
 * @given: enum svc_given
 * @key_given: service show: one service
 * @ep: endpoint add, endpoint del: the endpoint
 * @prev: in a batch, the previous line changing the same service, or NULL
 * @tracked: counted in the batch's table of services
 *
 * A batch's lines are not undone one by one: if the batch fails, each
 * service that its applied lines changed is put back as a dump found it
 * before the batch (svc_batch_save(), svc_batch_restore()).
 */
struct svc_cmd {
	struct cmd cmd;
	enum svc_op op;
	struct svc_info svc;
	unsigned int given;
	bool key_given;
	struct ep ep;

	struct svc_cmd *prev;
	bool tracked;
};

static inline struct svc_cmd *to_svc_cmd(struct cmd *cmd)
{
	return container_of(cmd, struct svc_cmd, cmd);
}

static inline const struct svc_cmd *to_svc_cmd_const(const struct cmd *cmd)
{
	return container_of(cmd, const struct svc_cmd, cmd);
}

/* svc_batch.c: */
/* A new command (zeroed, endpoint weight 1); NULL with fail() set. */
struct svc_cmd *svc_cmd_new(enum svc_op op, const struct cmd_ops *ops);
/* The same, of the service or endpoint family (apply builds batches). */
struct svc_cmd *service_cmd_new(enum svc_op op);
struct svc_cmd *endpoint_cmd_new(enum svc_op op);
/*
 * In a batch (-b, or one built with line numbers), a line changing the service @sc->svc.key has been
 * parsed: link it to the previous one (@sc->prev). 0, or -1 with fail().
 */
int svc_cmd_track(struct svc_cmd *sc);
/* cmd_ops.free of both families. */
void svc_cmd_free(struct cmd *cmd);

#endif /* PODNETCTL_SERVICE_H */
