// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: service and endpoint lines in a batch: which services they
 * change, the snapshot taken before the first is sent, and putting the
 * services back when the batch fails.
 */
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "object.h"
#include "podnetctl.h"
#include "service.h"

/*
 * Batches. A batch's lines changing the same service are linked at parse
 * time (struct svc_cmd.prev) through a tree of services, each holding its
 * latest line. Before the first of them is sent, one dump records every
 * service (the snapshot: svc_batch_save()); their requests are then
 * pipelined, and when the batch fails, every service its applied lines
 * changed is made as the snapshot has it (svc_batch_restore()).
 */

static void *tracked;		/* tsearch() tree of struct svc_cmd * */
static unsigned int ntracked;	/* commands that hold it */
static unsigned int nservices;	/* services in it */

static void snapshot_free(void);

int svc_key_cmp(const struct svc_key *a, const struct svc_key *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.bytes, b->addr.bytes, addr_len(a->addr.family));
}

static int track_cmp(const void *a, const void *b)
{
	return svc_key_cmp(&((const struct svc_cmd *)a)->svc.key,
		       &((const struct svc_cmd *)b)->svc.key);
}

static void track_noop(void *p)
{
	(void)p;
}

int svc_cmd_track(struct svc_cmd *sc)
{
	struct svc_cmd **node;

	if (!opts.batch && !sc->cmd.line)
		return 0;
	node = (struct svc_cmd **)tsearch(sc, &tracked, track_cmp);
	if (!node)
		return fail("out of memory");
	if (*node != sc) {
		sc->prev = *node;
		*node = sc;
	} else {
		nservices++;
	}
	sc->tracked = true;
	ntracked++;
	return 0;
}

struct svc_cmd *svc_cmd_new(enum svc_op op, const struct cmd_ops *ops)
{
	struct svc_cmd *sc = calloc(1, sizeof(*sc));

	if (!sc) {
		fail("out of memory");
		return NULL;
	}
	sc->op = op;
	sc->cmd.ops = ops;
	sc->ep.weight = 1;
	return sc;
}

void svc_cmd_free(struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);

	if (sc->tracked && !--ntracked) {
		tdestroy(tracked, track_noop);
		tracked = NULL;
		nservices = 0;
		snapshot_free();
	}
	svc_info_free(&sc->svc);
	free(sc);
}

/* A batch's snapshot, and putting it back */

static struct obj_list snapshot = { .type = &svc_type };	/* sorted by svc_key_cmp() */

static void snapshot_free(void)
{
	obj_list_free(&snapshot);
}

static int snapshot_cmp(const void *a, const void *b)
{
	return svc_key_cmp(&((const struct svc_info *)a)->key,
		       &((const struct svc_info *)b)->key);
}

static int snapshot_find_cmp(const void *key, const void *elem)
{
	return svc_key_cmp(key, &((const struct svc_info *)elem)->key);
}

/*
 * One dump of all services, taken only if the batch changes some: a GET
 * of each one the batch names would cost a round trip a line.
 */
int svc_batch_save(struct ipc *ipc)
{
	if (!ntracked)
		return 0;
	if (obj_dump(ipc, &snapshot, NULL, NULL) < 0)
		return -1;
	qsort(snapshot.v, snapshot.n, sizeof(struct svc_info), snapshot_cmp);
	return 0;
}

/* What is sent to put a service back; a request's tag is 4 * index + this. */
enum restore_step { RESTORE_DEL, RESTORE_ADD, RESTORE_SET, RESTORE_CHANGE };

/**
 * struct restore - a service that applied lines of the batch changed
 * @key: its key
 * @before: the service in the snapshot, or NULL if it was not there
 * @recreate: a service add or del of it was applied: delete it and add
 *	it back (settings, endpoints) rather than set its endpoints only
 * @rechange: else, a service change of it was applied: change its
 *	settings back too
 * @failed: a request putting it back failed (and was reported)
 */
struct restore {
	const struct svc_key *key;
	const struct svc_info *before;
	bool recreate;
	bool rechange;
	bool failed;
};

/* twalk() takes no argument: the restore being built. */
static struct restore *restores;
static unsigned int nrestores;
static bool incomplete;		/* something could not be put back */

static void restore_collect(const void *node, VISIT which, int depth)
{
	const struct svc_cmd *sc = *(struct svc_cmd *const *)node, *p;
	bool changed = false, recreate = false, rechange = false;
	struct restore *r;

	(void)depth;
	if (which != postorder && which != leaf)
		return;
	for (p = sc; p; p = p->prev) {
		if (!p->cmd.applied)
			continue;
		changed = true;
		if (p->op == SVC_ADD || p->op == SVC_DEL)
			recreate = true;
		if (p->op == SVC_CHANGE)
			rechange = true;
	}
	if (!changed)
		return;
	r = &restores[nrestores++];
	r->key = &sc->svc.key;
	r->before = bsearch(r->key, snapshot.v, snapshot.n, sizeof(struct svc_info),
			    snapshot_find_cmp);
	r->recreate = recreate;
	r->rechange = rechange && !recreate;
	r->failed = false;
}

/* "podnetctl: cannot restore SVC: `REQUEST' failed: MESSAGE" */
static void restore_report(struct restore *r, enum restore_step step,
			   const char *msg)
{
	char buf[SVC_STRLEN];

	incomplete = true;
	if (r->failed)
		return;		/* the first failure says enough */
	r->failed = true;
	fflush(stdout);
	fprintf(stderr, PROG ": cannot restore %s: `", svc_key_fmt(r->key, buf));
	switch (step) {
	case RESTORE_DEL:
		fprintf(stderr, "service del %s", buf);
		break;
	case RESTORE_ADD:
	case RESTORE_CHANGE:
		fprintf(stderr, "service %s ", step == RESTORE_ADD ? "add" : "change");
		svc_info_print(r->before, stderr);
		break;
	case RESTORE_SET:
		ep_set_print(r->key, &r->before->eps, stderr);
		break;
	}
	fprintf(stderr, "' failed: %s\n", msg);
}

static void restore_ack(void *arg, unsigned int tag, int error, const char *msg)
{
	struct restore *r = &restores[tag / 4];

	(void)arg;
	/* A service the batch added may be gone already. */
	if (error && !(tag % 4 == RESTORE_DEL && error == -ENOENT))
		restore_report(r, tag % 4, msg);
}

static void restore_send(struct ipc *ipc, unsigned int i, enum restore_step step)
{
	struct restore *r = &restores[i];
	int err;

	ipc->tag = 4 * i + step;
	switch (step) {
	case RESTORE_DEL:
		err = svc_del_send(ipc, r->key);
		break;
	case RESTORE_ADD:
		err = svc_add_send(ipc, r->before, &r->before->eps);
		break;
	case RESTORE_CHANGE:
		err = svc_change_send(ipc, r->before);
		break;
	default:
		err = ep_set_send(ipc, r->key, &r->before->eps);
		break;
	}
	if (err < 0)
		restore_report(r, step, fail_msg());
}

int svc_batch_restore(struct ipc *ipc)
{
	unsigned int i;

	if (!tracked)
		return 0;
	restores = calloc(nservices, sizeof(*restores));
	if (!restores) {
		warn("cannot restore the services: out of memory");
		return -1;
	}
	nrestores = 0;
	incomplete = false;
	twalk(tracked, restore_collect);
	if (ipc_pipeline(ipc, restore_ack, NULL) < 0) {
		warn("%s", fail_msg());
		incomplete = true;
	}
	/* Deletions first: an old service may take back a new one's NodePort. */
	for (i = 0; i < nrestores; i++)
		if (!restores[i].before || restores[i].recreate)
			restore_send(ipc, i, RESTORE_DEL);
	for (i = 0; i < nrestores; i++) {
		const struct restore *r = &restores[i];

		if (!r->before)
			continue;
		/* Added back with its endpoints, or its settings and endpoints set. */
		if (r->rechange)
			restore_send(ipc, i, RESTORE_CHANGE);
		restore_send(ipc, i, r->recreate ? RESTORE_ADD : RESTORE_SET);
	}
	if (ipc_pipeline(ipc, NULL, NULL) < 0) {
		warn("cannot restore the services: %s", fail_msg());
		incomplete = true;
	}
	free(restores);
	restores = NULL;
	return incomplete ? -1 : 0;
}
