/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpodnet: what podnetctl and the CNI plugin share (tools/lib): errors,
 * addresses, the podnet generic netlink client, JSON helpers, network
 * namespaces, pods.
 *
 * Errors: every function that can fail records one line saying what is
 * wrong with fail() and returns -1; the program reports fail_msg() its own
 * way (podnetctl on stderr, the CNI plugin in an error object).
 */
#ifndef PODNET_ERR_H
#define PODNET_ERR_H

#include <stddef.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The program's name, the prefix of warn()'s lines; set by main(). */
extern const char *err_prog;

int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *fail_msg(void);
/* Print a warning ("<err_prog>: <message>") on stderr right away. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PODNET_ERR_H */
