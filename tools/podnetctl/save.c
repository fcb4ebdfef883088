// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl save: print the namespace's pods, services and nodes as a
 * batch that `podnetctl -b' restores (as `ipvsadm -S' is to `ipvsadm -R'):
 * every setting, endpoint, weight and flag; not the counters.
 *
 *   # podnetctl save: restore with `podnetctl -b FILE'
 *   pod add veth1 dev pn0 mac 02:00:00:00:00:01 ip 10.244.1.2 fd00::2
 *   service add 10.96.0.10:53/udp sched random policy cluster
 *   endpoint set 10.96.0.10:53/udp 10.244.1.2:5353
 *   node add node-b ip 192.168.1.12 podcidr 10.244.2.0/24 encap vxlan ...
 */
#include <stdlib.h>

#include "ipc.h"
#include "object.h"
#include "podnetctl.h"

struct save_cmd {
	struct cmd cmd;
};

static int save_run(struct ipc *ipc, struct cmd *cmd)
{
	struct obj_list *lists;
	unsigned int i;
	size_t j;
	int ret = 0;

	(void)cmd;
	lists = calloc(nobj_types, sizeof(*lists));
	if (!lists)
		return fail("out of memory");
	/* Every dump first: nothing is printed unless all of them worked. */
	for (i = 0; i < nobj_types && !ret; i++) {
		lists[i].type = obj_types[i];
		ret = obj_dump(ipc, &lists[i], NULL, NULL);
	}
	if (!ret) {
		puts("# " PROG " save: restore with `" PROG " -b FILE'");
		for (i = 0; i < nobj_types; i++)
			for (j = 0; j < lists[i].n; j++)
				obj_types[i]->save(obj_at(&lists[i], j), stdout);
		fflush(stdout);
	}
	for (i = 0; i < nobj_types; i++)
		if (lists[i].type)
			obj_list_free(&lists[i]);
	free(lists);
	return ret;
}

static void save_print(const struct cmd *cmd, FILE *f)
{
	(void)cmd;
	fputs("save", f);
}

static void save_free(struct cmd *cmd)
{
	free(container_of(cmd, struct save_cmd, cmd));
}

static const struct cmd_ops save_ops = {
	.run = save_run,
	.print = save_print,
	.free = save_free,
	.flags = CMD_NO_BATCH,
};

int save_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct save_cmd *sc;

	if (argc)
		return fail("save: unexpected argument `%s'", argv[0]);
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return fail("out of memory");
	sc->cmd.ops = &save_ops;
	*cmdp = &sc->cmd;
	return 0;
}

void save_usage(FILE *f)
{
	fputs("Usage: " PROG " save\n"
	      "Print the pods, services and nodes of the namespace as a batch that\n"
	      "`" PROG " -b FILE' restores, into a namespace without them.\n", f);
}
