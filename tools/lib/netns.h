/* SPDX-License-Identifier: GPL-2.0 */
/* libpodnet: network namespaces, by name or by path. */
#ifndef PODNET_NETNS_H
#define PODNET_NETNS_H

#define NETNS_RUN_DIR "/run/netns"

/*
 * @netns: a name (bound under /run/netns by "ip netns add"), or a path to
 * a namespace file such as /proc/PID/ns/net or /run/netns/cni-UUID (what a
 * container runtime hands over): anything with a '/'.
 *
 * netns_check(): is it one? netns_open(): an O_CLOEXEC descriptor of it, or
 * -1 with fail() set (errno kept). netns_set(): make @fd the calling
 * thread's network namespace (sockets opened before keep theirs).
 * netns_enter(): both. 0, or -1 with fail() set naming @netns.
 */
int netns_check(const char *netns);
int netns_open(const char *netns);
int netns_set(int fd, const char *netns);
int netns_enter(const char *netns);

#endif /* PODNET_NETNS_H */
