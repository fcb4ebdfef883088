/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Kubernetes objects a node's datapath is made of, and what they
 * make: v1 Service and discovery.k8s.io/v1 EndpointSlice objects as
 * the API server serves them (JSON, libcjson), a store of them, and the
 * podnet service ports they translate to on one node with kube-proxy's
 * semantics (nftables mode). No netlink here: podnetctl apply (and any
 * later Kubernetes tool) turns the ports into requests.
 *
 * Errors: functions that can fail write one line naming the object and
 * the field at fault into a struct kube_err and return -1.
 */
#ifndef PODNET_KUBE_H
#define PODNET_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#define KUBE_MAX_NODE_IPS 64	/* the node's addresses kept, at most */
#define KUBE_MAX_ADDRS 16	/* external or LB addresses per family */
#define KUBE_MAX_RANGES 64	/* source ranges per family */
#define KUBE_NAME_MAX 256	/* "namespace/name:port" with its NUL */
#define KUBE_AFFINITY_DEFAULT 10800

struct kube_err {
	char msg[512];
	/*
	 * kube_object_parse(), kube_node_parse(): the key of a Service
	 * ("namespace/name") or a Node (its name) refused once its metadata
	 * was read, else "".
	 */
	char key[300];
};

int kube_fail(struct kube_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An address (network order) and a prefix. */
struct kube_addr {
	int family;		/* AF_INET, AF_INET6 */
	uint8_t b[16];
};

struct kube_prefix {
	struct kube_addr addr;	/* bits past @len zero */
	uint8_t len;
};

/* "10.0.0.1", "fd00::1" (no prefix); 0 or -1. */
int kube_addr_parse(const char *s, struct kube_addr *a);
/* "10.0.0.0/8", "fd00::/64", or an address (full length); 0 or -1. */
int kube_prefix_parse(const char *s, struct kube_prefix *p);
bool kube_prefix_has(const struct kube_prefix *p, const struct kube_addr *a);
bool kube_addr_equal(const struct kube_addr *a, const struct kube_addr *b);
/* An IPv6 link-local address (fe80::/10). */
bool kube_addr_linklocal(const struct kube_addr *a);

/* The node's view: kube-proxy's flags. */
struct kube_opts {
	const char *node_name;		/* --node-name (--hostname-override) */
	const char *zone;		/* --zone: topology.kubernetes.io/zone */
	bool masquerade_all;		/* --masquerade-all */
	unsigned int nnode_ips;
	struct kube_addr node_ips[KUBE_MAX_NODE_IPS];	/* the node's addresses */
};

/* What is kept of a Service. */
struct kube_svc_port {
	char *name;		/* "" if unnamed */
	uint8_t proto;		/* IPPROTO_* */
	uint16_t port;
	uint16_t nodeport;	/* 0: none */
};

struct kube_service {
	char *key;		/* "namespace/name" */
	bool ignored;		/* headless, ExternalName, another proxy's */
	unsigned int nips;
	struct kube_addr ips[2];	/* clusterIPs, one per family */
	unsigned int nports;
	struct kube_svc_port *ports;
	unsigned int next, nlb, nranges;
	struct kube_addr *ext;		/* externalIPs */
	struct kube_addr *lb;		/* LB ingress IPs, ipMode VIP */
	struct kube_prefix *ranges;	/* loadBalancerSourceRanges */
	bool etp_local, itp_local;
	uint32_t affinity;		/* seconds, 0: none */
	uint16_t hc_port;		/* healthCheckNodePort, 0: none */
};

struct kube_endpoint {
	struct kube_addr addr;
	bool ready, serving, terminating;
	char *node;			/* nodeName or NULL */
	unsigned int nzones, nnodes;
	char **zones;			/* hints.forZones[].name */
	char **nodes;			/* hints.forNodes[].name */
};

struct kube_slice_port {
	char *name;			/* NULL: the port is ignored */
	uint8_t proto;
	uint16_t port;			/* 0: ignored */
};

struct kube_slice {
	char *key;			/* "namespace/name" */
	char *service;			/* "namespace/service-name", or NULL */
	int family;			/* 0: FQDN, ignored */
	unsigned int nports, neps;
	struct kube_slice_port *ports;
	struct kube_endpoint *eps;
};

enum kube_kind { KUBE_SERVICE, KUBE_SLICE };

/*
 * Parse a Service or EndpointSlice object: 0 with *@svc or *@slice set
 * (kube_service_free(), kube_slice_free()) and *@kind saying which; 1 if
 * the object is of another kind (ignored); -1 with @err set.
 */
int kube_object_parse(const cJSON *obj, enum kube_kind *kind,
		      struct kube_service **svc, struct kube_slice **slice,
		      struct kube_err *err);
void kube_service_free(struct kube_service *s);
void kube_slice_free(struct kube_slice *s);

/*
 * What a v1 Node says of reaching its pods (node.c). A node without pod
 * prefixes or addresses is not reachable yet.
 */
enum { KUBE_ENCAP_VXLAN, KUBE_ENCAP_NONE };	/* enum podnet_encap */

struct kube_node {
	char *name;
	char *zone;			/* label topology.kubernetes.io/zone */
	bool leaving;			/* deleted, or tainted to be (autoscaler) */
	unsigned int naddr, ncidr;
	struct kube_addr addr[2];	/* one of each family */
	struct kube_prefix cidr[2];	/* the same */
	int encap;			/* KUBE_ENCAP_*, -1: not said */
	bool has_mac;			/* flannel's VtepMAC */
	uint8_t mac[6];
};

/*
 * Parse a v1 Node: 0 with *@node set (kube_node_free()), 1 if the object
 * is of another kind, -1 with @err set.
 */
int kube_node_parse(const cJSON *obj, struct kube_node **node, struct kube_err *err);
void kube_node_free(struct kube_node *n);

/* The objects known, by key. */
struct kube_store {
	void *services;		/* tsearch() tree of struct kube_service */
	void *slices;		/* tsearch() tree of struct kube_slice */
	void *byservice;	/* the slices of each service (state.c) */
	size_t nservices, nslices;
};

/*
 * Put an object in the store (replacing the one with its key), or take it
 * out (@del). The store owns what it is given. *@service is set to the
 * key of the service whose ports may have changed (owned by the store,
 * valid until the next change).
 */
int kube_store_put(struct kube_store *st, enum kube_kind kind, void *obj,
		   bool del, const char **service);
void kube_store_free(struct kube_store *st);

/* A podnet service port as a node should have it. */
struct kube_ep {
	struct kube_addr addr;
	uint16_t port;
	uint32_t flags;			/* PODNET_EP_F_* */
};

/* The addresses few ports have, apart. */
struct kube_port_addrs {
	struct kube_addr ext[KUBE_MAX_ADDRS];
	struct kube_addr lb[KUBE_MAX_ADDRS];
	struct kube_prefix ranges[KUBE_MAX_RANGES];
};

struct kube_port {
	char name[KUBE_NAME_MAX];	/* "namespace/name:port" */
	const char *service;		/* "namespace/name", the store's */
	uint16_t hc_port;		/* the service's healthCheckNodePort */
	struct kube_addr vip;
	uint8_t proto;
	uint16_t port, nodeport;
	uint8_t policy, ipolicy;	/* enum podnet_policy */
	uint32_t affinity, flags;	/* PODNET_SVC_F_* */
	unsigned int next, nlb, nranges, neps;
	struct kube_port_addrs *addrs;	/* NULL while next, nlb, nranges are 0 */
	struct kube_ep *eps;		/* sorted by address and port */
};

struct kube_ports {
	struct kube_port *v;
	size_t n, size;
};

/*
 * Append the ports of service @key (none if it is not in the store or is
 * ignored) to @out. 0, or -1 with @err set (out of memory, a port with
 * more addresses than podnet takes).
 */
int kube_service_ports(const struct kube_store *st, const char *key,
		       const struct kube_opts *o, struct kube_ports *out,
		       struct kube_err *err);
/* Whether the store has the Service of key @key ("namespace/name"). */
bool kube_store_has(const struct kube_store *st, const char *key);
/* @fn for the key ("namespace/name") of every Service of the store. */
void kube_store_each(const struct kube_store *st,
		     void (*fn)(const char *key, void *arg), void *arg);
/* kube_service_ports() for every service of the store. */
int kube_all_ports(const struct kube_store *st, const struct kube_opts *o,
		   struct kube_ports *out, struct kube_err *err);
void kube_ports_free(struct kube_ports *p);

/*
 * Reading JSON values one after another from a file descriptor, as
 * "kubectl get -o json" (one value) and "kubectl get --watch
 * --output-watch-events -o json" (one value per event) print them. A List
 * (or ServiceList, EndpointSliceList) is handed over an item at a time,
 * so that a large list is never one cJSON tree.
 */
struct kube_scan {
	size_t pos, depth;	/* how far, how deep the value was scanned */
	bool str, esc;		/* in a string, after a backslash */
};

struct kube_ahead;		/* reader.c */

struct kube_reader {
	int fd;
	const char *name;	/* for errors: the file name or "-" */
	char *buf;
	size_t len, size, off;
	bool eof;
	unsigned int value;	/* values read so far */
	bool whole;		/* read to the end before parsing */
	bool mapped;		/* @buf is a regular file, mapped */
	/* Inside a List: where it starts, its next item, where it ends. */
	bool in_list, items_first;
	size_t list_at, items_at, list_end;
	struct kube_scan scan;	/* the top-level value being read */
	/*
	 * A List read whole whose items, and what follows them in the
	 * input, take up at least @ahead_min bytes (KUBE_AHEAD_MIN unless
	 * the caller sets it; SIZE_MAX: never) has its second part parsed
	 * by a helper thread while the caller takes the first (reader.c).
	 */
	size_t ahead_min;
	struct kube_ahead *ahead;
};

#define KUBE_AHEAD_MIN (1 << 20)

/*
 * What kube_reader_next() hands over: a JSON value (the reader's: it
 * lasts until the next call of any reader on this thread, which parse
 * into one arena; not to be freed), or, for a List's item the helper
 * thread parsed ahead, what kube_object_parse() made of it (a Service
 * or an EndpointSlice, now the caller's). Anything else the helper met
 * (another kind, an invalid object, an object with a watch event's
 * "type" or "object" member) comes as JSON, for the caller to judge as
 * it would have without the helper.
 */
struct kube_value {
	cJSON *json;		/* NULL: @obj instead */
	enum kube_kind kind;
	void *obj;		/* struct kube_service or kube_slice */
};

void kube_reader_init(struct kube_reader *r, int fd, const char *name);
/*
 * The next object: a List's next item, or the next top-level value.
 * 1 with *@v set, 0 at the end, KUBE_AGAIN if @fd is non-blocking and has
 * nothing more yet, -1 with @err set (malformed JSON: the value is
 * skipped, and the reader goes on with the next one).
 */
#define KUBE_AGAIN 2
int kube_reader_next(struct kube_reader *r, struct kube_value *v, struct kube_err *err);
/*
 * A blocking input read to its end (r->buf, r->len), before
 * kube_reader_next() parses it: 0, or -1 with @err set.
 */
int kube_reader_load(struct kube_reader *r, struct kube_err *err);
void kube_reader_free(struct kube_reader *r);

#endif /* PODNET_KUBE_H */
