/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/kube: what the parsers of each kind of object (object.c: Service,
 * EndpointSlice; node.c: Node) share. Not for users of kube.h.
 */
#ifndef PODNET_KUBE_PARSE_H
#define PODNET_KUBE_PARSE_H

#include <cJSON.h>

#include "kube.h"

/*
 * Parsing: the object's kind and key, and the index of the array element
 * being read. A field is named by its path, where a "%u" stands for
 * @idx ("spec.ports[%u].port"): the path is only formatted for an error.
 */
struct ctx {
	const char *kind;
	char key[300];
	unsigned int idx;
	struct kube_err *err;
};

/*
 * Member @name of object @o, the first of that name, as
 * cJSON_GetObjectItemCaseSensitive() finds it; a member's first byte is
 * compared before the rest (the library calls strcmp() on each member).
 */
const cJSON *kube_member(const cJSON *o, const char *name);
/* "<kind> <key>: <field, @idx in it>: <what>" into c->err; returns -1. */
int kube_bad(struct ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * An optional string member: NULL if absent, null or "" (Go's zero value,
 * which kube-proxy cannot tell from absent); -1 if not a string.
 */
int kube_get_str(struct ctx *c, const cJSON *o, const char *name,
		 const char *field, const char **out);
/* An optional array or object member (@array): NULL if absent or null. */
int kube_get_node(struct ctx *c, const cJSON *o, const char *name,
		  const char *field, bool array, const cJSON **out);

/* @field, of the array element @idx. */
static inline const char *kube_at(struct ctx *c, const char *field, unsigned int idx)
{
	c->idx = idx;
	return field;
}

#endif /* PODNET_KUBE_PARSE_H */
