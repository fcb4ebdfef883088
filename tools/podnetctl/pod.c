// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl pod: attach pods (the node ends of their veth pairs) to a
 * podnet device with their addresses, detach them, show them.
 *
 *   pod add IFNAME dev DEV ip ADDR [ip ADDR]... [mac MAC]
 *   pod del IFNAME
 *   pod [show] [dev DEV] [IFNAME]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ipc.h"
#include "object.h"
#include "pod.h"
#include "podnetctl.h"

enum pod_op {
	POD_ADD = VERB_ADD,
	POD_DEL = VERB_DEL,
	POD_SHOW = VERB_SHOW,
	POD_HELP = VERB_HELP,
};

struct pod_cmd {
	struct cmd cmd;
	enum pod_op op;
	struct pod_info pod;	/* names, addresses, MAC as given */
	bool dev_given;		/* show: filter by device */
	bool ifname_given;	/* show: one pod */
	/* batch: the pod before this command ran (save/undo) */
	bool saved;		/* it was a podnet port ... */
	struct pod_info before;	/* ... like this */
};

static struct pod_cmd *to_pod_cmd(struct cmd *cmd)
{
	return container_of(cmd, struct pod_cmd, cmd);
}

static const struct pod_cmd *to_pod_cmd_const(const struct cmd *cmd)
{
	return container_of(cmd, const struct pod_cmd, cmd);
}

void pod_info_print(const struct pod_info *pod, FILE *f)
{
	char buf[ADDR_STRLEN];
	unsigned int i;

	fprintf(f, "%s dev %s", pod->ifname, pod->dev);
	if (pod->has_mac)
		fprintf(f, " mac %s", mac_fmt(pod->mac, buf));
	for (i = 0; i < pod->naddrs; i++)
		fprintf(f, "%s%s", i ? " " : " ip ", addr_fmt(&pod->addrs[i], buf));
}

static void pod_stats_print(const struct pod_info *pod, FILE *f)
{
	const uint64_t *s = pod->stats;

	fprintf(f, "    rx %" PRIu64 " pkts %" PRIu64 " bytes  tx %" PRIu64
		" pkts %" PRIu64 " bytes  drop spoof %" PRIu64 " proto %" PRIu64
		" neigh %" PRIu64 " tx %" PRIu64 "  switched %" PRIu64 "\n",
		s[PODNET_STATS_A_RX_PACKETS], s[PODNET_STATS_A_RX_BYTES],
		s[PODNET_STATS_A_TX_PACKETS], s[PODNET_STATS_A_TX_BYTES],
		s[PODNET_STATS_A_DROP_SPOOF], s[PODNET_STATS_A_DROP_PROTO],
		s[PODNET_STATS_A_DROP_NEIGH], s[PODNET_STATS_A_DROP_TX],
		s[PODNET_STATS_A_SWITCHED]);
}

cJSON *pod_info_json(const struct pod_info *pod)
{
	cJSON *o = cJSON_CreateObject(), *addrs, *stats;
	unsigned int i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "ifname", pod->ifname);
	cJSON_AddNumberToObject(o, "ifindex", pod->ifindex);
	cJSON_AddStringToObject(o, "dev", pod->dev);
	json_add_mac(o, "mac", pod->has_mac ? pod->mac : NULL);
	addrs = cJSON_AddArrayToObject(o, "addrs");
	for (i = 0; addrs && i < pod->naddrs; i++)
		cJSON_AddItemToArray(addrs, json_addr(&pod->addrs[i]));
	if (pod->has_stats) {
		stats = cJSON_AddObjectToObject(o, "stats");
		for (i = 0; stats && i <= PODNET_STATS_A_MAX; i++)
			if (pod_stat_names[i])
				json_add_u64(stats, pod_stat_names[i], pod->stats[i]);
	}
	return o;
}

/* pod add, pod del: run, save, undo */

static int pod_add_run(struct ipc *ipc, struct cmd *cmd)
{
	return pod_msg_send(ipc, PODNET_CMD_POD_ADD, &to_pod_cmd(cmd)->pod,
			   false, NULL, NULL) < 0 ? -1 : 0;
}

static int pod_del_run(struct ipc *ipc, struct cmd *cmd)
{
	return pod_msg_send(ipc, PODNET_CMD_POD_DEL, &to_pod_cmd(cmd)->pod,
			   false, NULL, NULL) < 0 ? -1 : 0;
}

/*
 * Record whether the pod is a podnet port now, and how: a GET that fails
 * means it is not (and if the command is going to fail for another reason,
 * it will say so itself).
 */
static int pod_save(struct ipc *ipc, struct cmd *cmd)
{
	struct pod_cmd *pc = to_pod_cmd(cmd);

	pc->saved = pod_get(ipc, &pc->pod, false, &pc->before) == 0;
	return 0;
}

/* Put the pod back as pod_save() found it. */
static int pod_restore(struct ipc *ipc, struct pod_cmd *pc)
{
	if (!pc->saved)
		return 0;
	if (!pc->before.naddrs)	/* a port without addresses */
		return ipc_set_master(ipc, pc->before.ifindex,
				      pc->before.dev_ifindex) < 0 ? -1 : 0;
	/* By index: names can change; MAC as it was (learned or given). */
	return pod_msg_send(ipc, PODNET_CMD_POD_ADD, &pc->before, false, NULL,
			   NULL) < 0 ? -1 : 0;
}

static int pod_add_undo(struct ipc *ipc, struct cmd *cmd)
{
	struct pod_cmd *pc = to_pod_cmd(cmd);

	if (pod_msg_send(ipc, PODNET_CMD_POD_DEL, &pc->pod, false, NULL, NULL) < 0)
		return -1;
	return pod_restore(ipc, pc);
}

static int pod_del_undo(struct ipc *ipc, struct cmd *cmd)
{
	return pod_restore(ipc, to_pod_cmd(cmd));
}

/* pod show, save */

static int pod_type_parse(struct nl_msg *msg, void *obj)
{
	return pod_info_parse(msg, obj);
}

static void pod_type_print(const void *obj, FILE *f)
{
	pod_info_print(obj, f);
}

static void pod_type_print_more(const void *obj, FILE *f)
{
	const struct pod_info *pod = obj;

	if (pod->has_stats)
		pod_stats_print(pod, f);
}

static cJSON *pod_type_json(const void *obj)
{
	return pod_info_json(obj);
}

/* A port without addresses is not a pod (pod add needs one): a comment. */
static void pod_type_save(const void *obj, FILE *f)
{
	const struct pod_info *pod = obj;

	if (!pod->naddrs) {
		fprintf(f, "# %s dev %s: a port without addresses, not saved\n",
			pod->ifname, pod->dev);
		return;
	}
	fputs("pod add ", f);
	pod_info_print(pod, f);
	putc('\n', f);
}

const struct obj_type pod_type = {
	.name = "pod",
	.size = sizeof(struct pod_info),
	.get_cmd = PODNET_CMD_POD_GET,
	.parse = pod_type_parse,
	.print = pod_type_print,
	.print_more = pod_type_print_more,
	.json = pod_type_json,
	.save = pod_type_save,
};

static int fill_dev(struct ipc *ipc, struct nl_msg *msg, const void *arg)
{
	return pod_msg_put_dev(ipc, msg, arg);
}

static int pod_show_run(struct ipc *ipc, struct cmd *cmd)
{
	struct pod_cmd *pc = to_pod_cmd(cmd);
	struct obj_list l = { .type = &pod_type };
	struct pod_info *pod;
	int ret = -1;

	if (pc->ifname_given) {
		pod = obj_slot(&l);
		/* The kernel checks that it is a port of the device given. */
		if (pod && pod_get(ipc, &pc->pod, pc->dev_given, pod) == 0) {
			l.n = 1;
			ret = 0;
		}
	} else {
		ret = obj_dump(ipc, &l, pc->dev_given ? fill_dev : NULL, &pc->pod);
	}
	if (!ret)
		ret = obj_show(&l);
	obj_list_free(&l);
	return ret;
}

/* Canonical forms, for --dry-run and undo messages. */

static void pod_print(const struct cmd *cmd, FILE *f)
{
	const struct pod_cmd *pc = to_pod_cmd_const(cmd);
	char buf[ADDR_STRLEN];
	unsigned int i;

	switch (pc->op) {
	case POD_ADD:
		fprintf(f, "pod add %s dev %s", pc->pod.ifname, pc->pod.dev);
		for (i = 0; i < pc->pod.naddrs; i++)
			fprintf(f, " ip %s", addr_fmt(&pc->pod.addrs[i], buf));
		if (pc->pod.has_mac)
			fprintf(f, " mac %s", mac_fmt(pc->pod.mac, buf));
		break;
	case POD_DEL:
		fprintf(f, "pod del %s", pc->pod.ifname);
		break;
	case POD_SHOW:
		fputs("pod show", f);
		if (pc->dev_given)
			fprintf(f, " dev %s", pc->pod.dev);
		if (pc->ifname_given)
			fprintf(f, " %s", pc->pod.ifname);
		break;
	case POD_HELP:
		fputs("pod help", f);
		break;
	}
}

static int pod_help_run(struct ipc *ipc, struct cmd *cmd)
{
	(void)ipc;
	(void)cmd;
	pod_usage(stdout);
	return 0;
}

static void pod_free(struct cmd *cmd)
{
	free(to_pod_cmd(cmd));
}

static const struct cmd_ops pod_ops[] = {
	[POD_ADD] = {
		.run = pod_add_run, .save = pod_save, .undo = pod_add_undo,
		.print = pod_print, .free = pod_free,
	},
	[POD_DEL] = {
		.run = pod_del_run, .save = pod_save, .undo = pod_del_undo,
		.print = pod_print, .free = pod_free,
	},
	[POD_SHOW] = {
		.run = pod_show_run, .print = pod_print, .free = pod_free,
	},
	[POD_HELP] = {
		.run = pod_help_run, .print = pod_print, .free = pod_free,
		.flags = CMD_LOCAL,
	},
};

/* Parsing */

static bool is_keyword(const char *s)
{
	return !strcmp(s, "dev") || !strcmp(s, "ip") || !strcmp(s, "mac");
}

/* "dev DEV": the podnet device. */
static int parse_dev(int argc, char **argv, int *i, struct pod_cmd *pc)
{
	if (pc->dev_given)
		return fail("duplicate `dev %s'", *i + 1 < argc ? argv[*i + 1] : "");
	if (++*i == argc)
		return fail("`dev' needs a podnet device name");
	if (ifname_check(argv[*i], "device name") < 0)
		return -1;
	strcpy(pc->pod.dev, argv[*i]);
	pc->dev_given = true;
	return 0;
}

static int parse_ifname(const char *s, struct pod_cmd *pc)
{
	if (ifname_check(s, "interface name") < 0)
		return -1;
	strcpy(pc->pod.ifname, s);
	return 0;
}

/*
 * "ip ADDR [ADDR]...": addresses up to the next keyword, or up to a word
 * that does not look like an address at all (no '.' or ':').
 */
static int parse_ip(int argc, char **argv, int *i, struct pod_cmd *pc)
{
	struct pod_info *pod = &pc->pod;
	int first = *i + 1;

	if (first == argc || is_keyword(argv[first]))
		return fail("`ip' needs an address");
	for (; *i + 1 < argc; ++*i) {
		const char *s = argv[*i + 1];
		struct pn_addr a;
		unsigned int j;

		if (*i + 1 > first && (is_keyword(s) || !strpbrk(s, ".:")))
			break;
		if (addr_parse(s, &a) < 0)
			return -1;
		for (j = 0; j < pod->naddrs; j++)
			if (addr_equal(&a, &pod->addrs[j]))
				return fail("duplicate address `%s'", s);
		if (pod->naddrs == PODNET_POD_MAX_ADDRS)
			return fail("too many addresses at `%s' (a pod has at most %d)",
				    s, PODNET_POD_MAX_ADDRS);
		pod->addrs[pod->naddrs++] = a;
	}
	return 0;
}

static int parse_add(int argc, char **argv, struct pod_cmd *pc)
{
	int i;

	if (argc < 1)
		return fail("pod add needs the pod's interface name");
	if (parse_ifname(argv[0], pc) < 0)
		return -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (parse_dev(argc, argv, &i, pc) < 0)
				return -1;
		} else if (!strcmp(argv[i], "ip")) {
			if (parse_ip(argc, argv, &i, pc) < 0)
				return -1;
		} else if (!strcmp(argv[i], "mac")) {
			if (pc->pod.has_mac)
				return fail("duplicate `mac %s'",
					    i + 1 < argc ? argv[i + 1] : "");
			if (++i == argc)
				return fail("`mac' needs a MAC address");
			if (mac_parse(argv[i], pc->pod.mac) < 0)
				return -1;
			pc->pod.has_mac = true;
		} else {
			return fail("pod add: unexpected argument `%s'", argv[i]);
		}
	}
	if (!pc->dev_given)
		return fail("pod add needs `dev DEV'");
	if (!pc->pod.naddrs)
		return fail("pod add needs `ip ADDR'");
	return 0;
}

static int parse_del(int argc, char **argv, struct pod_cmd *pc)
{
	if (argc < 1)
		return fail("pod del needs the pod's interface name");
	if (argc > 1)
		return fail("pod del: unexpected argument `%s'", argv[1]);
	return parse_ifname(argv[0], pc);
}

static int parse_show(int argc, char **argv, struct pod_cmd *pc)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (parse_dev(argc, argv, &i, pc) < 0)
				return -1;
		} else if (!pc->ifname_given) {
			if (parse_ifname(argv[i], pc) < 0)
				return -1;
			pc->ifname_given = true;
		} else {
			return fail("pod show: unexpected argument `%s'", argv[i]);
		}
	}
	return 0;
}

int pod_parse(int argc, char **argv, struct cmd **cmdp)
{
	int op = verb_lookup(&argc, &argv, "pod", NULL), err = 0;
	struct pod_cmd *pc;

	if (op < 0)
		return -1;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return fail("out of memory");
	pc->op = op;
	pc->cmd.ops = &pod_ops[op];
	switch (op) {
	case POD_ADD:
		err = parse_add(argc, argv, pc);
		break;
	case POD_DEL:
		err = parse_del(argc, argv, pc);
		break;
	case POD_SHOW:
		err = parse_show(argc, argv, pc);
		break;
	case POD_HELP:
		if (argc)
			err = fail("pod help: unexpected argument `%s'", argv[0]);
		break;
	}
	if (err) {
		free(pc);
		return -1;
	}
	*cmdp = &pc->cmd;
	return 0;
}

void pod_usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " pod add IFNAME dev DEV ip ADDR [ip ADDR]... [mac MAC]\n"
		"       " PROG " pod del IFNAME\n"
		"       " PROG " pod [show] [dev DEV] [IFNAME]\n"
		"IFNAME is the node end of a pod's veth pair, DEV a podnet device,\n"
		"ADDR an IPv4 or IPv6 address without prefix length (at most %d).\n",
		PODNET_POD_MAX_ADDRS);
}
