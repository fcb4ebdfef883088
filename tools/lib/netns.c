// SPDX-License-Identifier: GPL-2.0
/* libpodnet: network namespaces (netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "netns.h"

int netns_check(const char *netns)
{
	if (strchr(netns, '/'))
		return strlen(netns) > 255 ?
		       fail("network namespace path too long `%s'", netns) : 0;
	if (!*netns || strlen(netns) > 255 ||
	    !strcmp(netns, ".") || !strcmp(netns, ".."))
		return fail("invalid network namespace name `%s'", netns);
	return 0;
}

int netns_open(const char *netns)
{
	char path[PATH_MAX];
	int fd, err;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", strchr(netns, '/') ? "" :
			     NETNS_RUN_DIR "/", netns) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return fail("network namespace path too long `%s'", netns);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fail("cannot open network namespace `%s': %s", netns, strerror(err));
		errno = err;
	}
	return fd;
}

int netns_set(int fd, const char *netns)
{
	int err;

	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		fail("cannot enter network namespace `%s': %s", netns, strerror(err));
		errno = err;
		return -1;
	}
	return 0;
}

int netns_enter(const char *netns)
{
	int fd = netns_open(netns), ret;

	if (fd < 0)
		return -1;
	ret = netns_set(fd, netns);
	close(fd);
	return ret;
}
