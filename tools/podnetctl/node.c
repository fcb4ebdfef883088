// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl node: the other nodes of the cluster and how their pods are
 * reached (PODNET_CMD_NODE_*; the entries themselves: underlay.c).
 *
 *   podnetctl node add node-b ip 192.168.1.12 podcidr 10.244.1.0/24 \
 *           podcidr fd00:244:1::/64 [encap vxlan|none] [vtep-mac MAC]
 *   podnetctl node del node-b
 *   podnetctl node show [NAME]
 *
 * add (or change: add of a name the kernel has) stores the node in the
 * kernel, which checks it against the other nodes and this node's own pod
 * prefixes, then writes its routes, neighbour and forwarding entries and
 * removes those of the node as it was. If they cannot be written, the
 * node is put back as it was; in a batch, a later line's failure puts it
 * back too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ipc.h"
#include "node.h"
#include "object.h"
#include "podnetctl.h"
#include "service.h"

static const struct word encap_words[] = {
	{ "vxlan", PODNET_ENCAP_VXLAN },
	{ "none", PODNET_ENCAP_NONE },
	{ "host-gw", PODNET_ENCAP_NONE },
	{ NULL, 0 },
};

/* On the wire */

static struct nla_policy top_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_NODE] = { .type = NLA_NESTED },
};

static struct nla_policy node_policy[PODNET_NODE_A_MAX + 1] = {
	[PODNET_NODE_A_NAME] = { .type = NLA_STRING },
	[PODNET_NODE_A_ADDRS] = { .type = NLA_NESTED },
	[PODNET_NODE_A_CIDRS] = { .type = NLA_NESTED },
	[PODNET_NODE_A_ENCAP] = { .type = NLA_U8 },
	[PODNET_NODE_A_VTEP_MAC] = { .minlen = MAC_LEN },
};

static int node_msg_parse(struct nl_msg *msg, void *obj)
{
	struct nlattr *tb[PODNET_A_MAX + 1], *nb[PODNET_NODE_A_MAX + 1];
	struct pn_node *n = obj;

	memset(n, 0, sizeof(*n));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PODNET_A_MAX, top_policy) < 0 ||
	    !tb[PODNET_A_NODE] ||
	    nla_parse_nested(nb, PODNET_NODE_A_MAX, tb[PODNET_A_NODE], node_policy) < 0 ||
	    !nb[PODNET_NODE_A_NAME] || !nb[PODNET_NODE_A_ADDRS] ||
	    !nb[PODNET_NODE_A_CIDRS])
		return fail("malformed node from the kernel");
	nla_strlcpy(n->name, nb[PODNET_NODE_A_NAME], sizeof(n->name));
	if (ipc_addrs_parse(nb[PODNET_NODE_A_ADDRS], n->addr, 2, &n->naddr,
			    "node addresses") < 0 ||
	    prefixes_parse(nb[PODNET_NODE_A_CIDRS], n->cidr, 2, &n->ncidr) < 0)
		return -1;
	if (nb[PODNET_NODE_A_ENCAP])
		n->encap = nla_get_u8(nb[PODNET_NODE_A_ENCAP]);
	if (nb[PODNET_NODE_A_VTEP_MAC])
		memcpy(n->mac, nla_data(nb[PODNET_NODE_A_VTEP_MAC]), MAC_LEN);
	return 0;
}

static void addr_label(const void *val, char *buf, size_t size)
{
	char s[ADDR_STRLEN];

	snprintf(buf, size, "%s", addr_fmt(val, s));
}

static int node_put(struct ipc *ipc, struct nl_msg *msg, const struct pn_node *n)
{
	struct nlattr *nest, *list;
	unsigned int i;

	nest = nla_nest_start(msg, PODNET_A_NODE);
	if (!nest)
		return -1;
	ipc_label(ipc, msg, n->name);
	if (nla_put_string(msg, PODNET_NODE_A_NAME, n->name) < 0)
		return -1;
	if (n->naddr) {
		list = nla_nest_start(msg, PODNET_NODE_A_ADDRS);
		if (!list)
			return -1;
		for (i = 0; i < n->naddr; i++) {
			const struct pn_addr *a = &n->addr[i];

			ipc_label_fmt(ipc, msg, addr_label, a, sizeof(*a));
			if (nla_put(msg, a->family == AF_INET ? PODNET_ADDR_A_IPV4 :
				    PODNET_ADDR_A_IPV6, (int)addr_len(a->family),
				    a->bytes) < 0)
				return -1;
		}
		nla_nest_end(msg, list);
	}
	if (n->ncidr) {
		list = nla_nest_start(msg, PODNET_NODE_A_CIDRS);
		if (!list)
			return -1;
		for (i = 0; i < n->ncidr; i++)
			if (put_prefix(ipc, msg, &n->cidr[i]))
				return -1;
		nla_nest_end(msg, list);
	}
	if (n->naddr && nla_put_u8(msg, PODNET_NODE_A_ENCAP, n->encap) < 0)
		return -1;
	if (n->mac_given) {
		ipc_label(ipc, msg, "vtep-mac");
		if (nla_put(msg, PODNET_NODE_A_VTEP_MAC, MAC_LEN, n->mac) < 0)
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* PODNET_CMD_NODE_SET of @n, PODNET_CMD_NODE_DEL or _GET of @n's name. */
static int node_send(struct ipc *ipc, uint8_t cmd, const struct pn_node *n,
		     struct pn_node *reply)
{
	struct nl_msg *msg = ipc_msg(ipc, cmd, 0);
	struct pn_node key;

	if (!msg)
		return -1;
	if (cmd != PODNET_CMD_NODE_SET) {
		memset(&key, 0, sizeof(key));
		memcpy(key.name, n->name, sizeof(key.name));
		n = &key;
	}
	if (node_put(ipc, msg, n) < 0) {
		nlmsg_free(msg);
		return fail("request too long");
	}
	return ipc_transact(ipc, msg, reply ? node_msg_parse : NULL, reply);
}

static void node_print(const void *obj, FILE *f)
{
	const struct pn_node *n = obj;
	char buf[PREFIX_STRLEN], mac[MAC_STRLEN];
	unsigned int i;

	fputs(n->name, f);
	for (i = 0; i < n->naddr; i++)
		fprintf(f, " ip %s", addr_fmt(&n->addr[i], buf));
	for (i = 0; i < n->ncidr; i++)
		fprintf(f, " podcidr %s", prefix_fmt(&n->cidr[i], buf));
	fprintf(f, " encap %s", word_name(encap_words, n->encap) ?: "?");
	if (n->encap == PODNET_ENCAP_VXLAN)
		fprintf(f, " vtep-mac %s", mac_fmt(n->mac, mac));
}

static cJSON *node_json(const void *obj)
{
	const struct pn_node *n = obj;
	char buf[PREFIX_STRLEN];
	cJSON *o = cJSON_CreateObject(), *a, *c;
	unsigned int i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", n->name);
	a = cJSON_AddArrayToObject(o, "ips");
	for (i = 0; a && i < n->naddr; i++)
		cJSON_AddItemToArray(a, json_addr(&n->addr[i]));
	c = cJSON_AddArrayToObject(o, "podcidrs");
	for (i = 0; c && i < n->ncidr; i++)
		cJSON_AddItemToArray(c, cJSON_CreateString(prefix_fmt(&n->cidr[i], buf)));
	cJSON_AddStringToObject(o, "encap", word_name(encap_words, n->encap) ?: "?");
	json_add_mac(o, "vtep_mac", n->encap == PODNET_ENCAP_VXLAN ? n->mac : NULL);
	return o;
}

static void node_save_line(const void *obj, FILE *f)
{
	fputs("node add ", f);
	node_print(obj, f);
	fputc('\n', f);
}

const struct obj_type node_type = {
	.name = "node",
	.size = sizeof(struct pn_node),
	.get_cmd = PODNET_CMD_NODE_GET,
	.parse = node_msg_parse,
	.print = node_print,
	.json = node_json,
	.save = node_save_line,
};

/* The family */

enum { NODE_VERB_HELP = VERB_HELP };

struct node_cmd {
	struct cmd cmd;
	int verb;
	bool all;		/* show without a name */
	bool had;		/* batch: the kernel had the node before */
	struct pn_node node;
	struct pn_node old;	/* batch: as it was */
};

static int rt_socket(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return fail("out of memory");
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(sk);
		return fail("cannot open an rtnetlink socket: %s", nl_geterror(err));
	}
	*skp = sk;
	return 0;
}

/* 1 and the node as the kernel has it in *@n, 0 if it has none, or -1. */
static int node_get(struct ipc *ipc, const char *name, struct pn_node *n)
{
	struct pn_node key = { 0 };
	int err;

	snprintf(key.name, sizeof(key.name), "%s", name);
	err = node_send(ipc, PODNET_CMD_NODE_GET, &key, n);
	if (err == -ENOENT)
		return 0;
	return err < 0 ? -1 : 1;
}

int node_set(struct ipc *ipc, const struct pn_node *want)
{
	struct pn_node old, now;
	struct nl_sock *sk;
	char msg[512];
	int had, err;

	if (rt_socket(&sk) < 0)
		return -1;
	had = node_get(ipc, want->name, &old);
	if (had < 0 || node_send(ipc, PODNET_CMD_NODE_SET, want, NULL) < 0 ||
	    node_get(ipc, want->name, &now) <= 0) {
		nl_socket_free(sk);
		return -1;
	}
	err = underlay_node_set(sk, &now, had ? &old : NULL);
	if (err < 0) {
		/* Put the node back as it was: its entries, then the table. */
		snprintf(msg, sizeof(msg), "%s", fail_msg());
		underlay_node_del(sk, &now);
		if (had) {
			underlay_node_set(sk, &old, NULL);
			node_send(ipc, PODNET_CMD_NODE_SET, &old, NULL);
		} else {
			node_send(ipc, PODNET_CMD_NODE_DEL, &now, NULL);
		}
		fail("%s", msg);
	}
	nl_socket_free(sk);
	return err;
}

int node_remove(struct ipc *ipc, const struct pn_node *key)
{
	struct pn_node old;
	struct nl_sock *sk;
	int had, err;

	had = node_get(ipc, key->name, &old);
	if (had < 0)
		return -1;
	if (!had)
		return fail("node %s: no such node", key->name);
	if (node_send(ipc, PODNET_CMD_NODE_DEL, key, NULL) < 0 || rt_socket(&sk) < 0)
		return -1;
	err = underlay_node_del(sk, &old);
	nl_socket_free(sk);
	return err;
}

static bool node_equal(const struct pn_node *a, const struct pn_node *b)
{
	unsigned int i;

	if (strcmp(a->name, b->name) || a->naddr != b->naddr ||
	    a->ncidr != b->ncidr || a->encap != b->encap ||
	    (a->encap == PODNET_ENCAP_VXLAN && memcmp(a->mac, b->mac, MAC_LEN)))
		return false;
	for (i = 0; i < a->naddr; i++)
		if (!addr_equal(&a->addr[i], &b->addr[i]))
			return false;
	for (i = 0; i < a->ncidr; i++)
		if (!prefix_equal(&a->cidr[i], &b->cidr[i]))
			return false;
	return true;
}

int node_converge(struct ipc *ipc, const struct pn_node *want, size_t nwant,
		  const char *only, bool dry_run)
{
	struct obj_list l = { .type = &node_type };
	const struct pn_node *have;
	int ret = 0;
	size_t i, j;

	if (obj_dump(ipc, &l, NULL, NULL) < 0) {
		fprintf(stderr, PROG ": %s\n", fail_msg());
		return EXIT_FAILED;
	}
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < l.n; j++) {
			have = obj_at(&l, j);
			if (!strcmp(have->name, want[i].name))
				break;
		}
		if (j < l.n && node_equal(obj_at(&l, j), &want[i]))
			continue;
		if (dry_run) {
			fputs("node add ", stdout);
			node_print(&want[i], stdout);
			putchar('\n');
		} else if (node_set(ipc, &want[i]) < 0) {
			fprintf(stderr, PROG ": %s\n", fail_msg());
			ret = EXIT_FAILED;
		}
	}
	for (j = 0; j < l.n; j++) {
		have = obj_at(&l, j);
		for (i = 0; i < nwant && strcmp(have->name, want[i].name); i++)
			;
		if (i < nwant || (only && strcmp(have->name, only)))
			continue;
		if (dry_run) {
			printf("node del %s\n", have->name);
		} else if (node_remove(ipc, have) < 0) {
			fprintf(stderr, PROG ": %s\n", fail_msg());
			ret = EXIT_FAILED;
		}
	}
	if (dry_run)
		fflush(stdout);
	obj_list_free(&l);
	return ret;
}

static int node_run(struct ipc *ipc, struct cmd *cmd)
{
	struct node_cmd *nc = container_of(cmd, struct node_cmd, cmd);
	struct obj_list l = { .type = &node_type };
	struct pn_node n;
	int ret;

	switch (nc->verb) {
	case VERB_HELP:
		node_usage(stdout);
		return 0;
	case VERB_ADD:
		return node_set(ipc, &nc->node);
	case VERB_DEL:
		return node_remove(ipc, &nc->node);
	}
	if (!nc->all) {
		ret = node_get(ipc, nc->node.name, &n);
		if (ret <= 0)
			return ret < 0 ? -1 : fail("node %s: no such node", nc->node.name);
		if (opts.json)
			return json_print(node_json(&n), opts.pretty);
		node_print(&n, stdout);
		putchar('\n');
		return 0;
	}
	ret = obj_dump(ipc, &l, NULL, NULL);
	if (!ret)
		ret = obj_show(&l);
	obj_list_free(&l);
	return ret;
}

static void node_cmd_print(const struct cmd *cmd, FILE *f)
{
	const struct node_cmd *nc = container_of(cmd, const struct node_cmd, cmd);

	switch (nc->verb) {
	case VERB_HELP:
		fputs("node help", f);
		return;
	case VERB_ADD:
		fputs("node add ", f);
		node_print(&nc->node, f);
		return;
	case VERB_DEL:
		fprintf(f, "node del %s", nc->node.name);
		return;
	}
	fprintf(f, "node show%s%s", nc->all ? "" : " ", nc->all ? "" : nc->node.name);
}

static void node_cmd_free(struct cmd *cmd)
{
	free(container_of(cmd, struct node_cmd, cmd));
}

/* Batch: the node as it is, before add or del changes it. */
static int node_save(struct ipc *ipc, struct cmd *cmd)
{
	struct node_cmd *nc = container_of(cmd, struct node_cmd, cmd);
	int had = node_get(ipc, nc->node.name, &nc->old);

	if (had < 0)
		return -1;
	nc->had = had;
	return 0;
}

/* Batch: a later line failed; put the node back as it was. */
static int node_undo(struct ipc *ipc, struct cmd *cmd)
{
	struct node_cmd *nc = container_of(cmd, struct node_cmd, cmd);

	if (nc->had) {
		nc->old.mac_given = true;	/* as the kernel had it */
		return node_set(ipc, &nc->old);
	}
	return nc->verb == VERB_ADD ? node_remove(ipc, &nc->node) : 0;
}

static const struct cmd_ops node_ops = {
	.run = node_run, .print = node_cmd_print, .free = node_cmd_free,
};

static const struct cmd_ops node_change_ops = {
	.run = node_run, .save = node_save, .undo = node_undo,
	.print = node_cmd_print, .free = node_cmd_free,
};

static const struct cmd_ops node_help_ops = {
	.run = node_run, .print = node_cmd_print, .free = node_cmd_free,
	.flags = CMD_LOCAL,
};

static int name_check(const char *s)
{
	if (!*s || strlen(s) >= PODNET_NODE_NAME_MAX)
		return fail("node name `%s': 1 to %d characters", s,
			    PODNET_NODE_NAME_MAX - 1);
	return 0;
}

static int node_args(int argc, char **argv, struct pn_node *n)
{
	bool encap = false;
	struct pn_addr a;
	struct pn_prefix p;
	unsigned int i;
	int e, k;

	n->encap = PODNET_ENCAP_VXLAN;
	for (k = 0; k < argc; k += 2) {
		const char *w = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;

		if (!v)
			return fail("`%s' needs a value", w);
		if (!strcmp(w, "ip")) {
			if (addr_parse(v, &a) < 0)
				return -1;
			for (i = 0; i < n->naddr; i++)
				if (n->addr[i].family == a.family)
					return fail("ip `%s': one address of each family", v);
			n->addr[n->naddr++] = a;
		} else if (!strcmp(w, "podcidr")) {
			if (prefix_parse(v, &p) < 0)
				return -1;
			for (i = 0; i < n->ncidr; i++)
				if (n->cidr[i].addr.family == p.addr.family)
					return fail("podcidr `%s': one prefix of each family", v);
			n->cidr[n->ncidr++] = p;
		} else if (!strcmp(w, "encap")) {
			if (encap)
				return fail("duplicate `encap'");
			e = word_lookup(encap_words, v, "encap");
			if (e < 0)
				return -1;
			n->encap = (uint8_t)e;
			encap = true;
		} else if (!strcmp(w, "vtep-mac")) {
			if (n->mac_given)
				return fail("duplicate `vtep-mac'");
			if (mac_parse(v, n->mac) < 0)
				return -1;
			n->mac_given = true;
		} else {
			return fail("node add: unexpected argument `%s'", w);
		}
	}
	if (!n->naddr)
		return fail("node add: `ip ADDRESS' not given");
	if (!n->ncidr)
		return fail("node add: `podcidr PREFIX' not given");
	if (n->mac_given && n->encap != PODNET_ENCAP_VXLAN)
		return fail("vtep-mac is for encap vxlan");
	if (n->encap == PODNET_ENCAP_VXLAN && !n->mac_given)
		node_vtep_mac(n, n->mac);
	return 0;
}

int node_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct node_cmd *nc;
	int verb = verb_lookup(&argc, &argv, "node", NULL);

	if (verb < 0)
		return -1;
	nc = calloc(1, sizeof(*nc));
	if (!nc)
		return fail("out of memory");
	nc->verb = verb;
	nc->cmd.ops = verb == VERB_HELP ? &node_help_ops :
		      verb == VERB_SHOW ? &node_ops : &node_change_ops;
	if (verb == VERB_HELP || (verb == VERB_SHOW && !argc)) {
		nc->all = true;
		if (argc)
			goto extra;
		*cmdp = &nc->cmd;
		return 0;
	}
	if (!argc) {
		fail("node %s: NAME not given", verb == VERB_ADD ? "add" : "del");
		goto err;
	}
	if (name_check(argv[0]) < 0)
		goto err;
	snprintf(nc->node.name, sizeof(nc->node.name), "%s", argv[0]);
	argc--;
	argv++;
	if (verb == VERB_ADD) {
		if (node_args(argc, argv, &nc->node) < 0)
			goto err;
	} else if (argc) {
		goto extra;
	}
	*cmdp = &nc->cmd;
	return 0;
extra:
	fail("node: unexpected argument `%s'", argv[0]);
err:
	free(nc);
	return -1;
}

void node_usage(FILE *f)
{
	fputs("Usage: " PROG " node add NAME ip ADDRESS [ip ADDRESS6] podcidr PREFIX\n"
	      "                 [podcidr PREFIX6] [encap vxlan|none] [vtep-mac MAC]\n"
	      "       " PROG " node del NAME\n"
	      "       " PROG " node [show [NAME]]\n"
	      "The other nodes of the cluster and how their pods are reached: add (or\n"
	      "change) routes each pod prefix to the node, over the VXLAN device\n"
	      "" NODE_VXLAN_DEV " (encap vxlan, the default: VNI 1, UDP port 8472, as flannel;\n"
	      "made on first use, towards the node's address) or via the node's address\n"
	      "of the prefix's family (encap none: the nodes share a link). The node's\n"
	      "VTEP MAC is derived from its address unless given (a flannel node's:\n"
	      "its flannel.alpha.coreos.com/backend-data VtepMAC). A pod prefix of this\n"
	      "node's own (an address of a podnet device) or of another node is refused.\n", f);
}
