// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: delegation. The IPAM plugin the configuration
 * names ("ipam": {"type": ...}) is found in CNI_PATH and run as the
 * runtime runs plugins: the same environment with CNI_COMMAND set, the
 * same network configuration on stdin, its result or error object on
 * stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cni.h"

#define OUT_MAX (1 << 20)

/* The executable @type in one of CNI_PATH's directories, into @buf. */
static int find_plugin(const char *path, const char *type, char *buf, size_t size)
{
	const char *p = path, *end;

	while (*p) {
		end = strchrnul(p, ':');
		if (end > p &&
		    snprintf(buf, size, "%.*s/%s", (int)(end - p), p, type) < (int)size &&
		    access(buf, X_OK) == 0)
			return 0;
		p = *end ? end + 1 : end;
	}
	return cni_fail(CNI_ERR_CONFIG, "ipam.type: no plugin `%s' in CNI_PATH `%s'",
			type, path);
}

/* A delegate's error object (or whatever it printed) as our error. */
static int delegate_error(const char *type, const char *out, int status)
{
	cJSON *j = out ? cJSON_Parse(out) : NULL;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "msg");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "details");

	if (cJSON_IsNumber(c) && cJSON_IsString(m)) {
		cni_fail(c->valueint, "%s: %s", type, m->valuestring);
		if (cJSON_IsString(d))
			cni_set_details(d->valuestring);
	} else if (WIFSIGNALED(status)) {
		cni_fail(CNI_ERR_SYSTEM, "%s: killed by signal %d", type,
			 WTERMSIG(status));
	} else {
		cni_fail(CNI_ERR_SYSTEM, "%s: exit status %d%s%.200s", type,
			 WEXITSTATUS(status), out && *out ? ": " : "", out ? out : "");
	}
	cJSON_Delete(j);
	return -1;
}

/* The configuration as given, or with cniVersion replaced. */
static char *stdin_data(const struct cni_conf *conf, const char *command,
			const char *version)
{
	cJSON *copy;
	char *s;

	if (!strcmp(command, "VERSION")) {
		copy = cJSON_CreateObject();
		cJSON_AddStringToObject(copy, "cniVersion",
					version ? version : conf->version);
	} else if (version) {
		copy = cJSON_Duplicate(conf->root, true);
		cJSON_ReplaceItemInObjectCaseSensitive(copy, "cniVersion",
						       cJSON_CreateString(version));
	} else {
		return strdup(conf->raw);
	}
	s = copy ? cJSON_PrintUnformatted(copy) : NULL;
	cJSON_Delete(copy);
	return s;
}

/*
 * Feed @data to @in and read @out whole (at most OUT_MAX bytes) at the same
 * time, so that a delegate that writes before it has read all of its
 * stdin cannot block on us, nor we on it. NULL if it wrote too much.
 */
static char *talk(int in, int out, const char *data)
{
	size_t len = strlen(data), off = 0, size = 4096, n = 0;
	char *buf = malloc(size), *p;
	struct pollfd pfd[2];
	ssize_t r;

	if (!buf)
		return NULL;
	pfd[0].fd = in;
	pfd[0].events = POLLOUT;
	pfd[1].fd = out;
	pfd[1].events = POLLIN;
	if (!len) {
		close(in);
		pfd[0].fd = -1;
	}
	while (pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].fd >= 0 && pfd[0].revents) {
			r = write(in, data + off, len - off);
			if (r > 0)
				off += r;
			if ((r < 0 && errno != EINTR && errno != EAGAIN) || off == len) {
				close(in);	/* all of it, or the delegate left */
				pfd[0].fd = -1;
			}
		}
		if (!pfd[1].revents)
			continue;
		if (n + 1 == size) {
			p = size < OUT_MAX ? realloc(buf, size * 2) : NULL;
			if (!p)
				goto fail;
			buf = p;
			size *= 2;
		}
		r = read(out, buf + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			pfd[1].fd = -1;
		else
			n += r;
	}
	if (pfd[0].fd >= 0)
		close(in);
	buf[n] = '\0';
	return buf;
fail:
	if (pfd[0].fd >= 0)
		close(in);
	free(buf);
	return NULL;
}

int cni_exec(const struct cni_env *env, const struct cni_conf *conf,
	     const char *type, const char *command, const char *version,
	     char **outp)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = 0, ret = -1;
	char path[4096], *data = NULL, *output = NULL;
	void (*old)(int);
	pid_t pid, w;

	*outp = NULL;
	if (find_plugin(env->path, type, path, sizeof(path)) < 0)
		return -1;
	data = stdin_data(conf, command, version);
	if (!data)
		return cni_fail(CNI_ERR_SYSTEM, "out of memory");
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		cni_fail(CNI_ERR_SYSTEM, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		cni_fail(CNI_ERR_AGAIN, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
		    setenv("CNI_COMMAND", command, 1) < 0)
			_exit(127);
		execl(path, type, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	/* A delegate that exits before reading stdin: EPIPE, not SIGPIPE. */
	old = signal(SIGPIPE, SIG_IGN);
	output = talk(in[1], out[0], data);
	in[1] = -1;		/* closed by talk() */
	signal(SIGPIPE, old);
	if (!output)
		kill(pid, SIGKILL);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (!output) {
		cni_fail(CNI_ERR_SYSTEM, "%s: more than %d bytes of output", type, OUT_MAX);
	} else if (w < 0) {
		cni_fail(CNI_ERR_SYSTEM, "%s: waitpid: %s", type, strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*outp = output;
		output = NULL;
		ret = 0;
	} else {
		delegate_error(type, output, status);
	}
out:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	free(output);
	free(data);
	return ret;
}

/*
 * The newest version both speak, no newer than the configuration's
 * (@min: the oldest that will do): from the delegate's VERSION answer.
 */
static const char *common_version(const struct cni_env *env,
				  const struct cni_conf *conf, int min)
{
	const char *best = NULL;
	const cJSON *arr, *v;
	char *out;
	cJSON *j;

	if (cni_exec(env, conf, conf->ipam_type, "VERSION", NULL, &out) < 0)
		return NULL;
	j = cJSON_Parse(out);
	free(out);
	arr = cJSON_GetObjectItemCaseSensitive(j, "supportedVersions");
	cJSON_ArrayForEach(v, arr) {
		int i = cJSON_IsString(v) ? cni_version_index(v->valuestring) : -1;

		if (i >= min && i <= conf->vindex &&
		    (!best || i > cni_version_index(best)))
			best = cni_versions[i];
	}
	cJSON_Delete(j);
	if (!best)
		cni_fail(CNI_ERR_VERSION, "%s speaks no CNI version podnet speaks",
			 conf->ipam_type);
	return best;
}

int ipam_run(const struct cni_env *env, const struct cni_conf *conf,
	     const char *command, struct cni_result *r, bool *skipped)
{
	bool new_cmd = !strcmp(command, "STATUS") || !strcmp(command, "GC");
	struct cni_saved_err saved;
	const char *version = NULL;
	char *out = NULL;
	cJSON *j;
	int ret;

	if (skipped)
		*skipped = false;
	if (new_cmd) {
		/* 1.1.0's commands: only for an IPAM that knows them. */
		version = common_version(env, conf, 0);
		if (!version)
			return -1;
		if (cni_version_index(version) < CNI_V1_1_0) {
			if (skipped)
				*skipped = true;
			return 0;
		}
		version = NULL;
	}
	ret = cni_exec(env, conf, conf->ipam_type, command, version, &out);
	if (ret < 0 && cni_code() == CNI_ERR_VERSION && !new_cmd) {
		cni_set_details(NULL);
		version = common_version(env, conf, 0);
		if (!version)
			return -1;
		ret = cni_exec(env, conf, conf->ipam_type, command, version, &out);
	}
	if (ret < 0 || !r) {
		free(out);
		return ret;
	}
	j = cJSON_Parse(out);
	free(out);
	if (!j)
		cni_fail(CNI_ERR_DECODE, "%s: its result is not JSON", conf->ipam_type);
	else if (result_parse(j, r) < 0)
		cni_fail(CNI_ERR_DECODE, "%s: its result: %s", conf->ipam_type,
			 fail_msg());
	else if (!r->nips)
		cni_fail(CNI_ERR_CONFIG, "%s gave no address", conf->ipam_type);
	else
		ret = 1;
	cJSON_Delete(j);
	if (ret == 1)
		return 0;
	/* Allocated, but of no use: give it back, keep the error. */
	cni_err_save(&saved);
	ipam_run(env, conf, "DEL", NULL, NULL);
	return cni_err_restore(&saved);
}
