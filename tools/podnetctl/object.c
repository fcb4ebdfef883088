// SPDX-License-Identifier: GPL-2.0
/* podnetctl: dumping, showing and freeing objects of any kind (object.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "node.h"
#include "object.h"
#include "pod.h"
#include "podnetctl.h"
#include "service.h"

const struct obj_type *const obj_types[] = { &pod_type, &svc_type, &node_type };
const unsigned int nobj_types = ARRAY_SIZE(obj_types);

void *obj_slot(struct obj_list *l)
{
	if (l->n == l->size) {
		size_t size = l->size ? 2 * l->size : 16;
		char *v = realloc(l->v, size * l->type->size);

		if (!v) {
			fail("out of memory");
			return NULL;
		}
		l->v = v;
		l->size = size;
	}
	return memset(obj_at(l, l->n), 0, l->type->size);
}

void obj_list_clear(struct obj_list *l)
{
	while (l->n) {
		l->n--;
		if (l->type->free)
			l->type->free(obj_at(l, l->n));
	}
}

void obj_list_free(struct obj_list *l)
{
	obj_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->size = 0;
}

int obj_list_cb(struct nl_msg *msg, void *arg)
{
	struct obj_list *l = arg;
	const struct obj_type *t = l->type;
	void *obj = obj_slot(l);
	int merged;

	if (!obj || t->parse(msg, obj) < 0)
		return -1;
	if (l->n && t->merge) {
		merged = t->merge(obj_at(l, l->n - 1), obj);
		if (merged) {
			if (t->free)
				t->free(obj);
			return merged < 0 ? -1 : 0;
		}
	}
	l->n++;
	return 0;
}

int obj_dump(struct ipc *ipc, struct obj_list *l,
	     int (*fill)(struct ipc *ipc, struct nl_msg *msg, const void *arg),
	     const void *arg)
{
	bool grown = false;
	struct nl_msg *msg;
	int err, tries;

	/*
	 * The kernel fills each part of a dump up to what the reader's
	 * last recvmsg() asked for, up to 32 KiB: ask for that much, fewer
	 * messages. A dump that failed with EMSGSIZE before the kernel saw
	 * it is tried again.
	 */
	nl_socket_set_msg_buf_size(ipc->sk, 32768);
	for (tries = 0; ; tries++) {
		obj_list_clear(l);
		msg = ipc_msg(ipc, l->type->get_cmd, NLM_F_DUMP);
		if (!msg)
			return -1;
		if (fill && fill(ipc, msg, arg)) {
			nlmsg_free(msg);
			return fail("netlink message too long");
		}
		err = ipc_transact(ipc, msg, obj_list_cb, l);
		if (err == -EMSGSIZE && !grown) {
			grown = true;
			continue;
		}
		if (err != IPC_DUMP_INTR)
			return err < 0 ? -1 : 0;
		if (tries == 3) {
			warn("%ss changed during the dump: the list may be inconsistent",
			     l->type->name);
			return 0;
		}
	}
}

int obj_show(const struct obj_list *l)
{
	const struct obj_type *t = l->type;
	cJSON *arr;
	size_t i;

	if (!opts.json) {
		for (i = 0; i < l->n; i++) {
			t->print(obj_at(l, i), stdout);
			putchar('\n');
			if (t->print_more)
				t->print_more(obj_at(l, i), stdout);
		}
		fflush(stdout);
		return 0;
	}
	/*
	 * Unindented, one object at a time, each freed once printed: as one
	 * tree (some ten nodes an endpoint), a namespace's services at its
	 * limits (1024 x 512 endpoints) took over 120 s in the test VM, 10 s
	 * this way. Indented output is one tree, for its indentation.
	 */
	if (!opts.pretty) {
		putchar('[');
		for (i = 0; i < l->n; i++) {
			cJSON *o = t->json(obj_at(l, i));
			char *s = o ? cJSON_PrintUnformatted(o) : NULL;

			cJSON_Delete(o);
			if (!s)
				return fail("out of memory");
			if (i)
				putchar(',');
			fputs(s, stdout);
			free(s);
		}
		puts("]");
		fflush(stdout);
		return 0;
	}
	arr = cJSON_CreateArray();
	if (!arr)
		return fail("out of memory");
	for (i = 0; i < l->n; i++) {
		cJSON *o = t->json(obj_at(l, i));

		if (!o) {
			cJSON_Delete(arr);
			return fail("out of memory");
		}
		cJSON_AddItemToArray(arr, o);
	}
	return json_print(arr, opts.pretty);
}
