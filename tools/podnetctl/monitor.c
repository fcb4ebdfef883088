// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl monitor: print every change the kernel announces on the
 * "events" multicast group, one line each, until killed.
 *
 *   pod add veth1 dev pn0 mac aa:bb:cc:dd:ee:ff ip 10.244.1.2 fd00::2
 *   {"event":"add","pod":{"ifname":"veth1",...}}
 */
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "ipc.h"
#include "pod.h"
#include "podnetctl.h"
#include "service.h"

struct monitor_cmd {
	struct cmd cmd;
	bool help;
};

static int pod_event(uint8_t cmd, struct nl_msg *msg)
{
	const char *event = cmd == PODNET_CMD_POD_ADD ? "add" : "del";
	struct pod_info pod;
	cJSON *o, *p;

	if (pod_info_parse(msg, &pod) < 0)
		return -1;
	if (!opts.json) {
		printf("pod %s ", event);
		pod_info_print(&pod, stdout);
		putchar('\n');
		fflush(stdout);
		return 0;
	}
	o = cJSON_CreateObject();
	p = pod_info_json(&pod);
	if (!o || !p) {
		cJSON_Delete(o);
		cJSON_Delete(p);
		return fail("out of memory");
	}
	cJSON_AddStringToObject(o, "event", event);
	cJSON_AddItemToObject(o, "pod", p);
	return json_print(o, true);
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));

	(void)arg;
	switch (g->cmd) {
	case PODNET_CMD_POD_ADD:
	case PODNET_CMD_POD_DEL:
		/* A malformed event is reported, and the monitor goes on. */
		if (pod_event(g->cmd, msg) < 0)
			warn("%s", fail_msg());
		return 0;
	case PODNET_CMD_SERVICE_ADD:
	case PODNET_CMD_SERVICE_DEL:
	case PODNET_CMD_ENDPOINT_ADD:
	case PODNET_CMD_ENDPOINT_DEL:
	case PODNET_CMD_ENDPOINT_SET:
		if (service_event(g->cmd, msg) < 0)
			warn("%s", fail_msg());
		return 0;
	default:
		return 0;	/* an event of a newer kernel */
	}
}

static int monitor_run(struct ipc *ipc, struct cmd *cmd)
{
	if (container_of(cmd, struct monitor_cmd, cmd)->help) {
		monitor_usage(stdout);
		return 0;
	}
	return ipc_listen(ipc, PODNET_MCGRP_EVENTS, event_cb, NULL);
}

static void monitor_print(const struct cmd *cmd, FILE *f)
{
	if (container_of(cmd, const struct monitor_cmd, cmd)->help)
		fputs("monitor help", f);
	else
		fputs(opts.json ? "monitor -j" : "monitor", f);
}

static void monitor_free(struct cmd *cmd)
{
	free(container_of(cmd, struct monitor_cmd, cmd));
}

static const struct cmd_ops monitor_ops = {
	.run = monitor_run,
	.print = monitor_print,
	.free = monitor_free,
	.flags = CMD_NO_BATCH,
};

static const struct cmd_ops monitor_help_ops = {
	.run = monitor_run,
	.print = monitor_print,
	.free = monitor_free,
	.flags = CMD_LOCAL,
};

int monitor_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct monitor_cmd *mc;
	bool help = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			opts.json = true;
		else if (!strcmp(argv[i], "help") && argc == 1)
			help = true;
		else
			return fail("monitor: unexpected argument `%s'", argv[i]);
	}
	mc = calloc(1, sizeof(*mc));
	if (!mc)
		return fail("out of memory");
	mc->help = help;
	mc->cmd.ops = help ? &monitor_help_ops : &monitor_ops;
	*cmdp = &mc->cmd;
	return 0;
}

void monitor_usage(FILE *f)
{
	fputs("Usage: " PROG " monitor [-j]\n"
	      "Print each change (pod add, pod del, service add, service del,\n"
	      "endpoint add, del, set: with the endpoints the service has now) as\n"
	      "one line, in JSON with -j, until killed.\n", f);
}
