// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: configure podnet devices (the pod datapath of a Kubernetes
 * node) over the "podnet" generic netlink family.
 *
 * Everything the user typed (or the whole batch file) is parsed and
 * checked before the netlink socket is opened; only then are commands
 * sent. A command family is a file (pod.c, monitor.c) with an entry in
 * families[] below.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ipc.h"
#include "netns.h"
#include "podnetctl.h"

#ifndef PODNETCTL_VERSION
#define PODNETCTL_VERSION "unknown"
#endif

struct opts opts;

int word_lookup(const struct word *words, const char *arg, const char *what)
{
	const struct word *w, *found = NULL;
	size_t len = strlen(arg);

	if (!len)
		return fail("empty %s", what);
	for (w = words; w->name; w++) {
		if (!strcmp(w->name, arg))
			return w->id;
		if (!strncmp(w->name, arg, len)) {
			if (found && found->id != w->id)
				return fail("ambiguous %s `%s': %s or %s?", what, arg,
					    found->name, w->name);
			found = w;
		}
	}
	if (!found)
		return fail("unknown %s `%s'", what, arg);
	return found->id;
}

const char *word_name(const struct word *words, int id)
{
	for (; words->name; words++)
		if (words->id == id)
			return words->name;
	return NULL;
}

int verb_lookup(int *argc, char ***argv, const char *family,
		const struct word *more)
{
	static const struct word std[] = {
		{ "add", VERB_ADD },
		{ "del", VERB_DEL },
		{ "delete", VERB_DEL },
		{ "show", VERB_SHOW },
		{ "list", VERB_SHOW },
		{ "help", VERB_HELP },
	};
	struct word verbs[ARRAY_SIZE(std) + 8];
	unsigned int n = ARRAY_SIZE(std);
	char what[32];
	int verb;

	if (*argc == 0)
		return VERB_SHOW;
	memcpy(verbs, std, sizeof(std));
	for (; more && more->name && n < ARRAY_SIZE(verbs) - 1; more++)
		verbs[n++] = *more;
	verbs[n] = (struct word){ NULL, 0 };
	snprintf(what, sizeof(what), "%s command", family);
	verb = word_lookup(verbs, (*argv)[0], what);
	if (verb >= 0) {
		--*argc;
		++*argv;
	}
	return verb;
}

static void usage(FILE *f)
{
	unsigned int i;

	fputs("Usage: " PROG " [OPTIONS] COMMAND [ARGUMENTS]\n"
	      "       " PROG " [OPTIONS] -b FILE\n"
	      "Commands:\n", f);
	for (i = 0; i < nfamilies; i++)
		fprintf(f, "  %-9s %s\n", families[i].name, families[i].help);
	fputs("Options:\n"
	      "  -j, --json           JSON output\n"
	      "  -p, --pretty         pretty-print JSON (with -j)\n"
	      "  -n, --netns NETNS    act in network namespace NETNS: a name (" NETNS_RUN_DIR "/NETNS)\n"
	      "                       or a path (/proc/PID/ns/net)\n"
	      "  -b, --batch FILE     read commands from FILE (- for standard input);\n"
	      "                       all of them are applied, or none\n"
	      "      --dry-run        parse and print the commands in canonical form,\n"
	      "                       send nothing\n"
	      "  -h, --help           show this help\n"
	      "  -V, --version        show the version\n"
	      "Options go before the command. Commands may be abbreviated to a unique\n"
	      "prefix. `" PROG " help COMMAND' shows the arguments of a command.\n"
	      "Exit status: 0 done, 1 usage error (nothing sent), 2 refused by the\n"
	      "kernel or failed (a batch is put back), 3 a batch failed and could not\n"
	      "all be put back.\n", f);
}

/* help [COMMAND] */

struct help_cmd {
	struct cmd cmd;
	const struct family *family;
};

static int help_run(struct ipc *ipc, struct cmd *cmd)
{
	const struct family *fam = container_of(cmd, struct help_cmd, cmd)->family;

	(void)ipc;
	if (fam && fam->usage)
		fam->usage(stdout);
	else
		usage(stdout);
	return 0;
}

static void help_print(const struct cmd *cmd, FILE *f)
{
	const struct family *fam = container_of(cmd, const struct help_cmd, cmd)->family;

	fprintf(f, "help%s%s", fam ? " " : "", fam ? fam->name : "");
}

static void help_free(struct cmd *cmd)
{
	free(container_of(cmd, struct help_cmd, cmd));
}

static const struct cmd_ops help_ops = {
	.run = help_run,
	.print = help_print,
	.free = help_free,
	.flags = CMD_LOCAL,
};

static int family_lookup(const char *arg)
{
	struct word words[32];
	unsigned int i, n = 0;

	for (i = 0; i < nfamilies && n < ARRAY_SIZE(words) - 2; i++) {
		words[n++] = (struct word){ families[i].name, (int)i };
		if (families[i].alias)
			words[n++] = (struct word){ families[i].alias, (int)i };
	}
	words[n] = (struct word){ NULL, 0 };
	return word_lookup(words, arg, "command");
}

int help_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct help_cmd *hc;
	int i = -1;

	if (argc > 1)
		return fail("help: unexpected argument `%s'", argv[1]);
	if (argc == 1 && (i = family_lookup(argv[0])) < 0)
		return -1;
	hc = calloc(1, sizeof(*hc));
	if (!hc)
		return fail("out of memory");
	hc->family = i >= 0 ? &families[i] : NULL;
	hc->cmd.ops = &help_ops;
	*cmdp = &hc->cmd;
	return 0;
}

/* The command table: a family is a file and an entry here. */
const struct family families[] = {
	{ .name = "pod", .parse = pod_parse, .usage = pod_usage,
	  .help = "attach pods to a podnet device, detach them, show them" },
	{ .name = "service", .alias = "s", .parse = service_parse,
	  .usage = service_usage,
	  .help = "add service ports (ClusterIP, NodePort, external IPs), delete, show them" },
	{ .name = "endpoint", .parse = endpoint_parse, .usage = endpoint_usage,
	  .help = "add, remove or replace the endpoints of a service" },
	{ .name = "monitor", .parse = monitor_parse, .usage = monitor_usage,
	  .help = "print changes as they happen" },
	{ .name = "config", .parse = config_parse, .usage = config_usage,
	  .help = "set the cluster CIDRs, NodePort addresses and service CIDRs" },
	{ .name = "node", .parse = node_parse, .usage = node_usage,
	  .help = "the other nodes: routes to their pods (VXLAN or direct), show them" },
	{ .name = "apply", .parse = apply_parse, .usage = apply_usage, .options = true,
	  .help = "make the services what Kubernetes Service and EndpointSlice objects say" },
	{ .name = "save", .parse = save_parse, .usage = save_usage,
	  .help = "print every pod and service as a batch that -b restores" },
	{ .name = "help", .parse = help_parse,
	  .help = "show this help, or a command's (help pod)" },
};
const unsigned int nfamilies = ARRAY_SIZE(families);

int cmd_parse(int argc, char **argv, struct cmd **cmdp)
{
	int i;

	int f = family_lookup(argv[0]);

	if (f < 0)
		return -1;
	/* No argument starts with '-': options go before the command. */
	for (i = 1; i < argc && !families[f].options; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return fail("option `%s' after the command: options go first (" PROG
				    " %s %s ...)", argv[i], argv[i], argv[0]);
	i = f;
	if (families[i].parse(argc - 1, argv + 1, cmdp) < 0)
		return -1;
	(*cmdp)->line = 0;
	return 0;
}

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'n' },
	{ "batch", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "dry-run", no_argument, NULL, 'D' },	/* parse and print, send nothing */
	{ NULL, 0, NULL, 0 },
};

static int parse_options(int argc, char **argv)
{
	int c;

	opterr = 0;
	/* '+': stop at the command; its arguments are its own. */
	while ((c = getopt_long(argc, argv, "+:jpn:b:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.pretty = true;
			break;
		case 'n':
			if (netns_check(optarg) < 0)
				return -1;
			opts.netns = optarg;
			break;
		case 'b':
			opts.batch = optarg;
			break;
		case 'D':
			opts.dry_run = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf(PROG " " PODNETCTL_VERSION "\n");
			exit(0);
		case ':':
			return fail("option `%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return fail("unknown option `-%c'", optopt);
			return fail("unknown option `%s'", argv[optind - 1]);
		}
	}
	return 0;
}

static void dry_run(struct cmd **cmds, unsigned int ncmds)
{
	unsigned int i;

	for (i = 0; i < ncmds; i++) {
		cmds[i]->ops->print(cmds[i], stdout);
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	struct cmd **cmds = NULL, *cmd;
	unsigned int ncmds = 0, i;
	struct ipc ipc = { 0 };
	int ret, status = EXIT_USAGE;
	bool local = true;

	err_prog = PROG;
	/* 1. Parse everything. */
	if (parse_options(argc, argv) < 0)
		goto err;
	if (opts.batch) {
		if (optind < argc) {
			fail("unexpected argument `%s' after -b %s", argv[optind],
			     opts.batch);
			goto err;
		}
		if (batch_parse(opts.batch, &cmds, &ncmds) < 0)
			goto err;
	} else {
		if (optind == argc) {
			fail("missing command; try `" PROG " help'");
			goto err;
		}
		if (cmd_parse(argc - optind, argv + optind, &cmd) < 0)
			goto err;
		cmds = malloc(sizeof(*cmds));
		if (!cmds) {
			cmd->ops->free(cmd);
			fail("out of memory");
			goto err;
		}
		cmds[ncmds++] = cmd;
	}
	if (opts.dry_run) {
		dry_run(cmds, ncmds);
		cmds_free(cmds, ncmds);
		return 0;
	}
	/* From here on, the command line was right. */
	status = EXIT_FAILED;

	/* 2. Only then open the socket (in the namespace asked for), and send. */
	for (i = 0; i < ncmds; i++)
		if (!(cmds[i]->ops->flags & CMD_LOCAL))
			local = false;
	if (!local) {
		if (opts.netns && netns_enter(opts.netns) < 0)
			goto err_free;
		if (ipc_open(&ipc) < 0)
			goto err_free;
	}
	ret = cmds_run(&ipc, cmds, ncmds);
	ipc_close(&ipc);
	cmds_free(cmds, ncmds);
	return ret;

err_free:
	cmds_free(cmds, ncmds);
err:
	fprintf(stderr, PROG ": %s\n", fail_msg());
	return status;
}
