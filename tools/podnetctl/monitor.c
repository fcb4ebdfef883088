// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl monitor: print every change the kernel announces on the
 * "events" multicast group, one line each (a service added with endpoints:
 * its "service add" and "endpoint set" lines), until killed.
 *
 *   pod add veth1 dev pn0 mac aa:bb:cc:dd:ee:ff ip 10.244.1.2 fd00::2
 *   {"event":"pod_add","pod":{"ifname":"veth1",...}}
 *   endpoint set 10.96.0.10:53/udp 10.244.1.2:5353 weight 1 local
 *   {"event":"endpoint_set","service":{...,"endpoints":[...]}}
 */
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "config.h"
#include "ipc.h"
#include "node.h"
#include "object.h"
#include "pod.h"
#include "podnetctl.h"
#include "service.h"

struct monitor_cmd {
	struct cmd cmd;
	bool help;
};

/*
 * What each notification is about, and its name: "pod add" in words,
 * "pod_add" in JSON. Endpoint events carry their service, with the
 * endpoint set the command left.
 */
static const struct event {
	uint8_t cmd;
	const char *name;
	const struct obj_type *type;
	void (*print)(const void *obj, FILE *f);	/* NULL: type->print */
} events[] = {
	{ PODNET_CMD_POD_ADD, "pod add", &pod_type, NULL },
	{ PODNET_CMD_POD_DEL, "pod del", &pod_type, NULL },
	{ PODNET_CMD_SERVICE_ADD, "service add", &svc_type, svc_add_event_print },
	{ PODNET_CMD_SERVICE_SET, "service change", &svc_type, NULL },
	{ PODNET_CMD_SERVICE_DEL, "service del", &svc_type, NULL },
	{ PODNET_CMD_ENDPOINT_ADD, "endpoint add", &svc_type, svc_eps_event_print },
	{ PODNET_CMD_ENDPOINT_DEL, "endpoint del", &svc_type, svc_eps_event_print },
	{ PODNET_CMD_ENDPOINT_SET, "endpoint set", &svc_type, svc_eps_event_print },
	{ PODNET_CMD_CONFIG_SET, "config set", &cfg_type, NULL },
	{ PODNET_CMD_NODE_SET, "node set", &node_type, NULL },
	{ PODNET_CMD_NODE_DEL, "node del", &node_type, NULL },
};

static int event_print(const struct event *ev, const void *obj)
{
	char name[32];
	cJSON *o, *j;
	char *p;

	if (!opts.json) {
		printf("%s ", ev->name);
		(ev->print ?: ev->type->print)(obj, stdout);
		putchar('\n');
		fflush(stdout);
		return 0;
	}
	snprintf(name, sizeof(name), "%s", ev->name);
	for (p = name; *p; p++)
		if (*p == ' ')
			*p = '_';
	o = cJSON_CreateObject();
	j = ev->type->json(obj);
	if (!o || !j) {
		cJSON_Delete(o);
		cJSON_Delete(j);
		return fail("out of memory");
	}
	cJSON_AddStringToObject(o, "event", name);
	cJSON_AddItemToObject(o, ev->type->name, j);
	return json_print(o, false);
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	uint8_t cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	const struct event *ev = NULL;
	unsigned int i;
	void *obj;
	int err;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(events); i++)
		if (events[i].cmd == cmd)
			ev = &events[i];
	if (!ev)
		return 0;	/* an event of a newer kernel */
	/* A malformed event is reported, and the monitor goes on. */
	obj = calloc(1, ev->type->size);
	if (!obj) {
		warn("out of memory");
		return 0;
	}
	err = ev->type->parse(msg, obj);
	if (!err) {
		err = event_print(ev, obj);
		if (ev->type->free)
			ev->type->free(obj);
	}
	if (err < 0)
		warn("%s", fail_msg());
	free(obj);
	return 0;
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
		fputs("monitor", f);
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
		if (!strcmp(argv[i], "help") && argc == 1)
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
	fputs("Usage: " PROG " [-j] monitor\n"
	      "Print each change (pod add, pod del, service add, change, del,\n"
	      "endpoint add, del, set: with the endpoints the service has now;\n"
	      "config set) as one line, until killed. In JSON (-j), the event is named pod_add,\n"
	      "service_change, endpoint_set... and the object is under \"pod\",\n"
	      "\"service\" or \"config\".\n", f);
}
