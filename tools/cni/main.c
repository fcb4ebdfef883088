// SPDX-License-Identifier: GPL-2.0
/*
 * podnet, the CNI plugin: a container runtime's call, read and answered.
 *
 * Reads CNI_COMMAND and the other CNI_* variables and the network
 * configuration on stdin, runs the command (cmd.c), and prints its result,
 * or an error object ({"cniVersion", "code", "msg", "details"}) with exit
 * status 1. See cni.h for the files.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"
#include "json.h"

const char *const cni_versions[] = {
	"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL
};

int cni_version_index(const char *v)
{
	int i;

	for (i = 0; v && cni_versions[i]; i++)
		if (!strcmp(v, cni_versions[i]))
			return i;
	return -1;
}

static int code;
static char details[4096];

int cni_fail(int c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	code = c;
	return fail("%s", buf);
}

int cni_code(void)
{
	return code ? code : CNI_ERR_SYSTEM;
}

void cni_set_code(int c)
{
	code = c;
}

void cni_set_details(const char *d)
{
	snprintf(details, sizeof(details), "%s", d ? d : "");
}

const char *cni_details(void)
{
	return details[0] ? details : NULL;
}

void cni_err_save(struct cni_saved_err *s)
{
	s->code = cni_code();
	snprintf(s->msg, sizeof(s->msg), "%s", fail_msg());
	snprintf(s->details, sizeof(s->details), "%s", details);
}

int cni_err_restore(const struct cni_saved_err *s)
{
	cni_set_details(s->details[0] ? s->details : NULL);
	return cni_fail(s->code, "%s", s->msg);
}

/* The error object on stdout; the exit status. */
static int report(const char *version)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	if (!o || !cJSON_AddStringToObject(o, "cniVersion",
					   cni_version_index(version) >= 0 ?
					   version : "1.1.0") ||
	    !cJSON_AddNumberToObject(o, "code", cni_code()) ||
	    !cJSON_AddStringToObject(o, "msg", fail_msg()) ||
	    (cni_details() && !cJSON_AddStringToObject(o, "details", cni_details())))
		goto oom;
	s = cJSON_PrintUnformatted(o);
	if (!s)
		goto oom;
	puts(s);
	free(s);
	cJSON_Delete(o);
	return 1;
oom:
	cJSON_Delete(o);
	printf("{\"code\":%d,\"msg\":\"out of memory\"}\n", CNI_ERR_SYSTEM);
	return 1;
}

/* stdin, whole: the network configuration (the runtime closes it). */
static int read_stdin(struct cni_conf *conf)
{
	size_t size = 4096, n = 0;
	char *buf = malloc(size);
	ssize_t r;

	for (;;) {
		if (!buf)
			return cni_fail(CNI_ERR_IO, "out of memory reading stdin");
		if (n + 1 == size) {
			char *p = size < (16 << 20) ? realloc(buf, size * 2) : NULL;

			if (!p) {
				free(buf);
				return cni_fail(CNI_ERR_IO,
						"network configuration over 16 MiB");
			}
			buf = p;
			size *= 2;
		}
		r = read(STDIN_FILENO, buf + n, size - n - 1);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return cni_fail(CNI_ERR_IO, "cannot read stdin: %s", strerror(errno));
		}
		n += r;
	}
	buf[n] = '\0';
	conf->raw = buf;
	conf->rawlen = n;
	return 0;
}

static const char *env_get(const char *name)
{
	const char *v = getenv(name);

	return v ? v : "";
}

/*
 * VERSION: the versions supported, the configuration's cniVersion (if
 * stdin has one we know) as the version of the answer.
 */
static int cmd_version(const struct cni_conf *conf)
{
	cJSON *o = cJSON_CreateObject(), *v, *j;
	const char *ver = "1.1.0";
	int i;

	j = conf->raw ? cJSON_Parse(conf->raw) : NULL;
	v = cJSON_GetObjectItemCaseSensitive(j, "cniVersion");
	if (cJSON_IsString(v) && cni_version_index(v->valuestring) >= 0)
		ver = cni_versions[cni_version_index(v->valuestring)];
	cJSON_Delete(j);
	if (!o || !cJSON_AddStringToObject(o, "cniVersion", ver))
		goto oom;
	v = cJSON_AddArrayToObject(o, "supportedVersions");
	for (i = 0; v && cni_versions[i]; i++)
		cJSON_AddItemToArray(v, cJSON_CreateString(cni_versions[i]));
	return json_print(o, false);
oom:
	cJSON_Delete(o);
	return cni_fail(CNI_ERR_SYSTEM, "out of memory");
}

static const struct {
	const char *name;
	int (*fn)(const struct cni_env *env, struct cni_conf *conf);
} commands[] = {
	{ "ADD", cmd_add },
	{ "DEL", cmd_del },
	{ "CHECK", cmd_check },
	{ "STATUS", cmd_status },
	{ "GC", cmd_gc },
};

static void usage(void)
{
	int i;

	fprintf(stderr, "CNI podnet plugin " PODNETCTL_VERSION
		": the pod device of podnet (ip link add pn0 type podnet)\n"
		"CNI protocol versions supported:");
	for (i = 0; cni_versions[i]; i++)
		fprintf(stderr, "%s %s", i ? "," : "", cni_versions[i]);
	fputc('\n', stderr);
}

int main(void)
{
	struct cni_conf conf = { 0 };
	struct cni_env env = {
		.command = env_get("CNI_COMMAND"),
		.containerid = env_get("CNI_CONTAINERID"),
		.netns = env_get("CNI_NETNS"),
		.ifname = env_get("CNI_IFNAME"),
		.args = env_get("CNI_ARGS"),
		.path = env_get("CNI_PATH"),
	};
	unsigned int i;
	int ret;

	err_prog = CNI_PROG;
	/* A runtime may leave SIGCHLD ignored: then waitpid() could not see
	 * how the IPAM plugin ended. */
	signal(SIGCHLD, SIG_DFL);
	if (!*env.command) {
		usage();
		return 1;
	}
	if (!strcmp(env.command, "VERSION")) {
		if (isatty(STDIN_FILENO) || read_stdin(&conf) == 0)
			ret = cmd_version(&conf);
		else
			ret = -1;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(env.command, commands[i].name))
			break;
	if (i == ARRAY_SIZE(commands)) {
		ret = cni_fail(CNI_ERR_ENV, "CNI_COMMAND: unknown command `%s'",
			       env.command);
		goto out;
	}
	ret = read_stdin(&conf);
	if (!ret)
		ret = conf_parse(&conf, env.command);
	if (!ret)
		ret = cni_args_check(env.args);
	if (!ret)
		ret = commands[i].fn(&env, &conf);
out:
	if (ret)
		ret = report(conf.version);
	conf_free(&conf);
	return ret;
}
