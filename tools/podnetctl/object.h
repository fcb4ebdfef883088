/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnetctl: the kinds of object the kernel reports (pods, services),
 * described once so that one piece of code dumps, shows, saves and
 * monitors them all. A new kind of object is a struct obj_type in its
 * family's file and an entry in obj_types[] (object.c).
 */
#ifndef PODNETCTL_OBJECT_H
#define PODNETCTL_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/msg.h>

#include "json.h"

struct ipc;

/**
 * struct obj_type - a kind of object
 * @name: its family's word, its key in JSON events ("pod", "service")
 * @size: the size of its parsed form (struct pod_info, struct svc_info)
 * @get_cmd: PODNET_CMD_*_GET, dumped by obj_dump()
 * @parse: parse a reply or notification into a zeroed object; 0, or -1 with
 *	fail() set (and nothing left to free)
 * @merge: optional: @more, the next message of a dump, continues @obj (the
 *	kernel cuts a service too large for one message): move what it adds
 *	into @obj and return 1; 0 if it is another object; -1 with fail() set
 * @free: optional: free what an object owns (not the object)
 * @print: one line, no newline, as `show' prints it
 * @print_more: optional: the lines `show' prints under it (counters,
 *	endpoints), each ending with a newline
 * @json: the object as `show -j' prints it (NULL: out of memory)
 * @save: the batch lines that recreate it, each ending with a newline
 */
struct obj_type {
	const char *name;
	size_t size;
	uint8_t get_cmd;
	int (*parse)(struct nl_msg *msg, void *obj);
	int (*merge)(void *obj, void *more);
	void (*free)(void *obj);
	void (*print)(const void *obj, FILE *f);
	void (*print_more)(const void *obj, FILE *f);
	cJSON *(*json)(const void *obj);
	void (*save)(const void *obj, FILE *f);
};

/* The kinds of object, in the order `save' writes them (pods, services, nodes). */
extern const struct obj_type *const obj_types[];
extern const unsigned int nobj_types;

/* Objects of one kind. */
struct obj_list {
	const struct obj_type *type;
	char *v;
	size_t n, size;
};

static inline void *obj_at(const struct obj_list *l, size_t i)
{
	return l->v + i * l->type->size;
}

/* Room for one more: the zeroed slot at l->n (the caller counts it), or NULL with fail() set. */
void *obj_slot(struct obj_list *l);
/* Free the objects (not the array); the list is empty. */
void obj_list_clear(struct obj_list *l);
void obj_list_free(struct obj_list *l);

/*
 * Dump every object of l->type into @l (emptied first), with the request's
 * attributes (a filter) put by @fill(@ipc, @msg, @arg) if not NULL (it
 * returns nonzero when the message is too long). A dump that saw the table
 * change is tried again, up to four times, then taken with a warning.
 * 0, or -1 with fail() set.
 */
int obj_dump(struct ipc *ipc, struct obj_list *l,
	     int (*fill)(struct ipc *ipc, struct nl_msg *msg, const void *arg),
	     const void *arg);

/* A reply handler (ipc_reply_fn) parsing one object of @arg's list. */
int obj_list_cb(struct nl_msg *msg, void *arg);

/* `show': every object, as lines or (-j) a JSON array. 0, or -1 with fail(). */
int obj_show(const struct obj_list *l);

#endif /* PODNETCTL_OBJECT_H */
