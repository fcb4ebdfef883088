// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: running parsed commands, and batch files (-b FILE).
 *
 * A batch is all or nothing. Every line is parsed before anything is sent.
 * Then, if the batch has service or endpoint lines, one dump records every
 * service as it is (svc_batch_save()), and the commands run in order.
 * Service and endpoint lines are pipelined (CMD_PIPELINE): their requests
 * are queued and sent many at a time, and the kernel's acks read in bulk,
 * so their failure is known some lines later, and the lines queued after
 * a failing one may have been applied too. Other lines (pod) go one at a
 * time, after the queue is answered, each one's family first recording
 * what it is about to change (cmd_ops.save).
 *
 * If line K fails (the first that does), the error is reported as
 * "podnetctl: line K: <message>"; every service that an applied line
 * changed, whichever line it was, is put back as the dump found it
 * (svc_batch_restore()), and the other applied lines are undone in
 * reverse order (cmd_ops.undo).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
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

/* A batch built by a command (apply) names the line by what it says. */
static void print_error(const struct cmd *cmd)
{
	char *text = NULL;
	size_t len;
	FILE *f;

	if (cmd && cmd->line && !opts.batch) {
		f = open_memstream(&text, &len);
		if (f) {
			cmd->ops->print(cmd, f);
			fclose(f);
		}
	}
	if (text)
		fprintf(stderr, PROG ": %s: %s\n", text, fail_msg());
	else if (cmd && cmd->line)
		fprintf(stderr, PROG ": line %u: %s\n", cmd->line, fail_msg());
	else
		fprintf(stderr, PROG ": %s\n", fail_msg());
	free(text);
}

/*
 * Undo the applied ones of cmds[n - 1] .. cmds[0]; report what cannot be
 * (-1 if anything).
 */
static int undo(struct ipc *ipc, struct cmd **cmds, unsigned int n)
{
	int ret = 0;

	while (n--) {
		struct cmd *cmd = cmds[n];
		char *text = NULL;
		size_t len;
		FILE *f;

		if (!cmd->applied || !cmd->ops->undo || cmd->ops->undo(ipc, cmd) == 0)
			continue;
		ret = -1;
		f = open_memstream(&text, &len);
		if (f) {
			cmd->ops->print(cmd, f);
			fclose(f);
		}
		fprintf(stderr, PROG ": line %u: cannot undo `%s': %s\n",
			cmd->line, text ? text : "?", fail_msg());
		free(text);
	}
	return ret;
}

/**
 * struct batch - a batch being run
 * @cmds: its commands
 * @failed: a line failed
 * @first: the first line that did (index in @cmds)
 * @msg: its error
 */
struct batch {
	struct cmd **cmds;
	bool failed;
	unsigned int first;
	char msg[1024];
};

/* cmds[@i] failed with @msg: keep it if no earlier line did. */
static void batch_fail(struct batch *b, unsigned int i, const char *msg)
{
	if (b->failed && b->first <= i)
		return;
	b->failed = true;
	b->first = i;
	snprintf(b->msg, sizeof(b->msg), "%s", msg);
}

/*
 * The ack of a pipelined line; its tag is its index (of the line at fault,
 * when two lines made one request: neither was applied then).
 */
static void batch_ack(void *arg, unsigned int tag, int error, const char *msg)
{
	struct batch *b = arg;

	if (!error)
		return;
	b->cmds[tag]->applied = false;
	if (b->cmds[tag]->joined)
		b->cmds[tag + 1]->applied = false;
	if (tag && b->cmds[tag - 1]->joined)
		b->cmds[tag - 1]->applied = false;
	batch_fail(b, tag, msg);
}

/*
 * Run line @i: queued if pipelined (with the next one, if they make one
 * request), else once the queue is answered. Returns the lines it took.
 */
static unsigned int batch_line(struct ipc *ipc, struct batch *b,
			       unsigned int i, unsigned int ncmds)
{
	struct cmd *cmd = b->cmds[i], *next = i + 1 < ncmds ? b->cmds[i + 1] : NULL;
	bool pipelined = cmd->ops->flags & CMD_PIPELINE;
	int ret;

	if (ipc_pipeline(ipc, pipelined ? batch_ack : NULL, b) < 0) {
		batch_fail(b, i, fail_msg());
		return 1;
	}
	if (b->failed)
		return 1;	/* an earlier line, as the queue's acks say */
	if (!pipelined && cmd->ops->save && cmd->ops->save(ipc, cmd) < 0) {
		batch_fail(b, i, fail_msg());
		return 1;
	}
	ipc->tag = i;
	cmd->applied = true;
	if (pipelined && next && cmd->ops->run_joined) {
		cmd->joined = true;
		next->applied = true;
		ret = cmd->ops->run_joined(ipc, cmd, next);
		if (ret > 0)
			return 2;
		cmd->joined = false;
		next->applied = false;
		if (ret < 0)
			goto failed;
	}
	if (cmd->ops->run(ipc, cmd) < 0)
		goto failed;
	return 1;
failed:
	cmd->applied = false;
	batch_fail(b, i, fail_msg());
	/* Lines queued before it may have failed first. */
	if (ipc_flush(ipc) < 0)
		warn("%s", fail_msg());
	return 1;
}

static bool interrupted(void)
{
	sigset_t pending;

	return !sigpending(&pending) &&
	       (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
		sigismember(&pending, SIGHUP));
}

/*
 * A batch: all or nothing, with SIGINT, SIGTERM and SIGHUP held off so
 * that an interrupted batch is undone too. They are looked for after
 * every line sent on its own, and every 64 pipelined lines (which are
 * not even sent until the queue fills).
 */
static int batch_run(struct ipc *ipc, struct cmd **cmds, unsigned int ncmds)
{
	struct batch b = { .cmds = cmds };
	sigset_t sigs, old;
	unsigned int i, n;
	int ret = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);

	for (i = 0; i < ncmds; i++) {
		cmds[i]->applied = false;
		cmds[i]->joined = false;
	}
	if (svc_batch_save(ipc) < 0) {
		print_error(NULL);	/* nothing was changed */
		ret = EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < ncmds && !b.failed; i += n) {
		n = batch_line(ipc, &b, i, ncmds);
		if (b.failed || ((cmds[i]->ops->flags & CMD_PIPELINE) &&
				 i / 64 == (i + n) / 64 && i + n != ncmds))
			continue;
		if (interrupted()) {
			/* What was queued is sent: a failure there comes first. */
			if (ipc_flush(ipc) < 0)
				batch_fail(&b, i, fail_msg());
			batch_fail(&b, i, "interrupted");
		}
	}
	if (ipc_pipeline(ipc, NULL, NULL) < 0)
		batch_fail(&b, i - 1, fail_msg());
	if (b.failed) {
		fail("%s", b.msg);
		print_error(cmds[b.first]);
		ret = EXIT_FAILED;
		/* Both, whatever the first says. */
		if (svc_batch_restore(ipc) < 0)
			ret = EXIT_UNDO;
		if (undo(ipc, cmds, ncmds) < 0)
			ret = EXIT_UNDO;
	}
out:
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);	/* a pending signal now takes effect */
	return ret;
}

/*
 * Run @cmds in order: a single command as it is; a batch (commands with
 * line numbers) all or nothing. Prints the error; returns the exit status
 * (0, EXIT_FAILED or EXIT_UNDO).
 */
int cmds_run(struct ipc *ipc, struct cmd **cmds, unsigned int ncmds)
{
	unsigned int i;

	if (ncmds && cmds[0]->line)
		return batch_run(ipc, cmds, ncmds);
	for (i = 0; i < ncmds; i++) {
		int ret = cmds[i]->ops->run(ipc, cmds[i]);

		if (ret > 0)
			return ret;	/* an exit status, the error reported */
		if (ret < 0) {
			print_error(cmds[i]);
			return EXIT_FAILED;
		}
	}
	fflush(stdout);
	return 0;
}
