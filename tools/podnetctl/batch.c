// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: running parsed commands, and batch files (-b FILE).
 *
 * A batch is all or nothing. Every line is parsed before anything is sent;
 * then the commands run in order, each one's family first recording what
 * it is about to change (cmd_ops.save). If line K fails, the lines before
 * it are undone in reverse order (cmd_ops.undo) and the error is reported
 * as "podnetctl: line K: <message>".
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "podnetctl.h"

/* Split @line into words, in place; '#' at the start of a word ends it. */
static int split(char *line, char ***argvp, int *sizep)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (argc + 1 >= *sizep) {
			int size = *sizep ? 2 * *sizep : 16;
			char **v = realloc(*argvp, size * sizeof(*v));

			if (!v)
				return fail("out of memory");
			*argvp = v;
			*sizep = size;
		}
		(*argvp)[argc++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (*argvp)
		(*argvp)[argc] = NULL;
	return argc;
}

/* Re-prefix the pending error with "line N: ". */
static int fail_line(unsigned int line)
{
	char *msg = strdup(fail_msg());

	if (!msg)
		return fail("out of memory");
	fail("line %u: %s", line, msg);
	free(msg);
	return -1;
}

int batch_parse(const char *path, struct cmd ***cmdsp, unsigned int *ncmdsp)
{
	struct cmd **cmds = NULL, *cmd;
	unsigned int ncmds = 0, size = 0, lineno = 0;
	char *line = NULL, **argv = NULL;
	size_t linesize = 0;
	int argc, argvsize = 0, ret = -1;
	FILE *f;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return fail("cannot open batch file `%s': %s", path, strerror(errno));
	while (getline(&line, &linesize, f) >= 0) {
		lineno++;
		argc = split(line, &argv, &argvsize);
		if (argc < 0)
			goto out;
		if (!argc)
			continue;
		if (cmd_parse(argc, argv, &cmd) < 0) {
			fail_line(lineno);
			goto out;
		}
		cmd->line = lineno;
		if (ncmds == size) {
			unsigned int nsize = size ? 2 * size : 16;
			struct cmd **v = realloc(cmds, nsize * sizeof(*v));

			if (!v) {
				cmd->ops->free(cmd);
				fail("out of memory");
				goto out;
			}
			cmds = v;
			size = nsize;
		}
		cmds[ncmds++] = cmd;
		if (cmd->ops->flags & CMD_NO_BATCH) {
			fail("line %u: `%s' cannot be used in a batch", lineno, argv[0]);
			goto out;
		}
	}
	if (ferror(f)) {
		fail("cannot read batch file `%s': %s", path, strerror(errno));
		goto out;
	}
	*cmdsp = cmds;
	*ncmdsp = ncmds;
	cmds = NULL;
	ncmds = 0;
	ret = 0;
out:
	cmds_free(cmds, ncmds);
	free(argv);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

void cmds_free(struct cmd **cmds, unsigned int ncmds)
{
	unsigned int i;

	for (i = 0; i < ncmds; i++)
		cmds[i]->ops->free(cmds[i]);
	free(cmds);
}

static void print_error(const struct cmd *cmd)
{
	if (cmd && cmd->line)
		fprintf(stderr, PROG ": line %u: %s\n", cmd->line, fail_msg());
	else
		fprintf(stderr, PROG ": %s\n", fail_msg());
}

/* Undo cmds[n - 1] .. cmds[0]; report what cannot be undone. */
static void undo(struct ipc *ipc, struct cmd **cmds, unsigned int n)
{
	while (n--) {
		struct cmd *cmd = cmds[n];
		char *text = NULL;
		size_t len;
		FILE *f;

		if (!cmd->ops->undo || cmd->ops->undo(ipc, cmd) == 0)
			continue;
		f = open_memstream(&text, &len);
		if (f) {
			cmd->ops->print(cmd, f);
			fclose(f);
		}
		fprintf(stderr, PROG ": line %u: cannot undo `%s': %s\n",
			cmd->line, text ? text : "?", fail_msg());
		free(text);
	}
}

/*
 * Run @cmds in order: a single command as it is; a batch (commands with
 * line numbers) all or nothing, with SIGINT, SIGTERM and SIGHUP held off
 * so that an interrupted batch is undone too. Prints the error; returns
 * the exit status.
 */
int cmds_run(struct ipc *ipc, struct cmd **cmds, unsigned int ncmds)
{
	bool batch = ncmds && cmds[0]->line;
	sigset_t sigs, old, pending;
	unsigned int i;
	int ret = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (batch)
		sigprocmask(SIG_BLOCK, &sigs, &old);

	for (i = 0; i < ncmds; i++) {
		struct cmd *cmd = cmds[i];

		if (batch && cmd->ops->save && cmd->ops->save(ipc, cmd) < 0) {
			print_error(cmd);
			undo(ipc, cmds, i);
			ret = 1;
			break;
		}
		if (cmd->ops->run(ipc, cmd) < 0) {
			print_error(cmd);
			if (batch)
				undo(ipc, cmds, i);
			ret = 1;
			break;
		}
		if (batch && !sigpending(&pending) &&
		    (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
		     sigismember(&pending, SIGHUP))) {
			fail("interrupted");
			print_error(cmd);
			undo(ipc, cmds, i + 1);
			ret = 1;
			break;
		}
	}
	fflush(stdout);
	if (batch)	/* a pending signal now takes effect */
		sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
