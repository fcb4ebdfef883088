/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podnetctl: what the command families (pod.c, service.c, endpoint.c,
 * monitor.c) share with the driver (podnetctl.c, batch.c).
 *
 * A command line, or one line of a batch file, is parsed by its family into
 * a struct cmd before anything is sent to the kernel. Running it, recording
 * what it is about to change (in a batch) and undoing it are the family's
 * business, through struct cmd_ops.
 */
#ifndef PODNETCTL_H
#define PODNETCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

#define PROG "podnetctl"

#include "err.h"

/* Global options, set by main() before any command is parsed. */
struct opts {
	bool json;		/* -j */
	bool pretty;		/* -p */
	bool dry_run;		/* --dry-run: parse and print, send nothing */
	const char *netns;	/* -n NETNS */
	const char *batch;	/* -b FILE */
};
extern struct opts opts;

/*
 * Errors. Every function that can fail records one line saying what is
 * wrong with fail() (err.h) and returns -1; the driver prints it as
 * "podnetctl: [line N: ]<message>" and exits with one of these (the man
 * page's EXIT STATUS):
 */
enum {
	EXIT_USAGE = 1,		/* the command line or batch file is wrong: nothing sent */
	EXIT_FAILED = 2,	/* refused by the kernel, or the system failed: a
				 * batch was put back as it was */
	EXIT_UNDO = 3,		/* a batch failed and what it had changed could
				 * not all be put back (each such line reported) */
};

struct ipc;
struct cmd;

enum cmd_flags {
	CMD_LOCAL	= 1 << 0,	/* needs no netlink socket (help) */
	CMD_NO_BATCH	= 1 << 1,	/* not allowed in a batch (monitor) */
	/*
	 * In a batch, its requests may be pipelined (ipc_pipeline()): @run
	 * returns before the kernel answers. It has no @save or @undo: what
	 * it changes is put back by svc_batch_restore().
	 */
	CMD_PIPELINE	= 1 << 2,
};

/**
 * struct cmd_ops - what a parsed command can do
 * @run: send it; 0, or -1 with fail() set, or an exit status (> 0) with
 *	the error already reported (apply)
 * @save: batch only, called right before @run: record the state @run is
 *	about to change, so that @undo can restore it. NULL for commands that
 *	change nothing.
 * @undo: batch only, after @run succeeded and a later line failed (or
 *	a pipelined one, before or after it): put back what @save recorded.
 *	NULL if there is nothing to undo.
 * @run_joined: batch only, pipelined commands: send the command and the
 *	line after it, @next, as one request if they make one (a service
 *	added, then its endpoint set: the service appears with its
 *	endpoints). 1 if it did (ipc->tag: the command's; the attributes of
 *	@next labelled with ipc->tag + 1), 0 if they do not make one (nothing
 *	sent), -1 with fail() set. May be NULL.
 * @print: write the command in canonical form (one line, no newline), as
 *	it would be typed; used by --dry-run and in undo failure messages
 * @free: free the command
 * @flags: enum cmd_flags
 */
struct cmd_ops {
	int (*run)(struct ipc *ipc, struct cmd *cmd);
	int (*run_joined)(struct ipc *ipc, struct cmd *cmd, struct cmd *next);
	int (*save)(struct ipc *ipc, struct cmd *cmd);
	int (*undo)(struct ipc *ipc, struct cmd *cmd);
	void (*print)(const struct cmd *cmd, FILE *f);
	void (*free)(struct cmd *cmd);
	unsigned int flags;
};

/* A parsed command; families embed it in their own struct. */
struct cmd {
	const struct cmd_ops *ops;
	unsigned int line;	/* batch line number, 0 on the command line */
	bool applied;		/* batch: sent, and not refused (as far as known) */
	bool joined;		/* batch: sent with the next line (run_joined) */
};

/**
 * struct family - an entry of the top-level command table
 * @name: the word on the command line; any unique prefix selects it
 * @parse: parse the words after @name (argv[0] is the first of them) into
 *	*@cmdp; 0, or -1 with fail() set. Sends nothing, and keeps no pointer
 *	into @argv (a batch reuses its line buffer).
 * @usage: print the family's synopsis
 * @help: one-line description for "podnetctl help"
 * @alias: another word for it, or NULL ("s" for service, which a later
 *	family made ambiguous)
 * @options: its arguments may be options (apply -f FILE): they are its own
 */
struct family {
	const char *name;
	int (*parse)(int argc, char **argv, struct cmd **cmdp);
	void (*usage)(FILE *f);
	const char *help;
	const char *alias;
	bool options;
};

/* The command table, in podnetctl.c. */
extern const struct family families[];
extern const unsigned int nfamilies;

/* Parse one command (a family word and its arguments). */
int cmd_parse(int argc, char **argv, struct cmd **cmdp);

/* Batch files (batch.c). */
int batch_parse(const char *path, struct cmd ***cmdsp, unsigned int *ncmdsp);
int cmds_run(struct ipc *ipc, struct cmd **cmds, unsigned int ncmds);
void cmds_free(struct cmd **cmds, unsigned int ncmds);

/*
 * The services a batch changes (service.c): svc_batch_save() records them
 * all, as they are, before its first line is sent (0, or -1 with fail()
 * set); after a failure, svc_batch_restore() puts back every service that
 * a line marked applied changed, and reports what it cannot put back
 * (-1 if anything).
 */
int svc_batch_save(struct ipc *ipc);
int svc_batch_restore(struct ipc *ipc);

/*
 * Word tables: match @arg against the names of a NULL-terminated table as a
 * unique prefix (an exact match always wins; entries with the same @id are
 * aliases and do not make a prefix ambiguous). Returns the entry's @id, or
 * -1 with fail() set ("unknown <what> `arg'" / "ambiguous <what> `arg'").
 */
struct word {
	const char *name;
	int id;
};
int word_lookup(const struct word *words, const char *arg, const char *what);
/* The first name of @id in @words, or NULL. */
const char *word_name(const struct word *words, int id);

/*
 * The verbs of an object family (pod, service): add, del (delete), show
 * (list; also what no verb means), help, and verbs of its own.
 * verb_lookup() takes the verb off
 * the front of @argc and @argv: its enum verb, or -1 with fail() set
 * ("unknown <family> command `x'").
 */
enum verb { VERB_ADD, VERB_DEL, VERB_SHOW, VERB_HELP, VERB_N };
/* @more: the family's own verbs (ids from VERB_N on), or NULL. */
int verb_lookup(int *argc, char ***argv, const char *family,
		const struct word *more);

/* Families. */
int pod_parse(int argc, char **argv, struct cmd **cmdp);
void pod_usage(FILE *f);
int service_parse(int argc, char **argv, struct cmd **cmdp);
void service_usage(FILE *f);
int endpoint_parse(int argc, char **argv, struct cmd **cmdp);
void endpoint_usage(FILE *f);
int monitor_parse(int argc, char **argv, struct cmd **cmdp);
void monitor_usage(FILE *f);
int save_parse(int argc, char **argv, struct cmd **cmdp);
void save_usage(FILE *f);
int config_parse(int argc, char **argv, struct cmd **cmdp);
void config_usage(FILE *f);
int node_parse(int argc, char **argv, struct cmd **cmdp);
void node_usage(FILE *f);
int apply_parse(int argc, char **argv, struct cmd **cmdp);
void apply_usage(FILE *f);
int help_parse(int argc, char **argv, struct cmd **cmdp);

#endif /* PODNETCTL_H */
