// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl endpoint: the endpoints (pod address and port) a service port
 * is translated to: add or update one, remove one, replace them all.
 *
 *   endpoint add SVC EP [weight N] [local] [terminating]
 *   endpoint del SVC EP
 *   endpoint set SVC EP[,EP]...|none
 *
 * SVC is ADDR:PORT/PROTO (service.c), EP is ADDR:PORT or [ADDR]:PORT.
 */
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "podnetctl.h"
#include "service.h"

/* The most endpoints of a family that fit in one PODNET_A_ENDPOINTS nest. */
static unsigned int max_set(int family)
{
	/* EPS_A_ENDPOINT { EP_A_ADDR { ADDR_A_IPV* }, EP_A_PORT } */
	unsigned int size = 4 + 4 + 4 + addr_len(family) + 8;

	return (0xffff - 4) / size;
}

static int ep_add_run(struct ipc *ipc, struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);

	return ep_one_send(ipc, PODNET_CMD_ENDPOINT_ADD, &sc->svc.key, &sc->ep);
}

static int ep_del_run(struct ipc *ipc, struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);

	return ep_one_send(ipc, PODNET_CMD_ENDPOINT_DEL, &sc->svc.key, &sc->ep);
}

static int ep_set_run(struct ipc *ipc, struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);

	return ep_set_send(ipc, &sc->svc.key, &sc->svc.eps);
}

static int ep_help_run(struct ipc *ipc, struct cmd *cmd)
{
	(void)ipc;
	(void)cmd;
	endpoint_usage(stdout);
	return 0;
}

/* Canonical forms, for --dry-run and undo messages. */
static void ep_cmd_print(const struct cmd *cmd, FILE *f)
{
	const struct svc_cmd *sc = to_svc_cmd_const(cmd);
	char buf[SVC_STRLEN], ebuf[EP_STRLEN];
	unsigned int i;

	switch (sc->op) {
	case EP_ADD:
		fprintf(f, "endpoint add %s %s", svc_key_fmt(&sc->svc.key, buf),
			ep_fmt(&sc->ep, ebuf));
		if (sc->given & GIVEN_WEIGHT)
			fprintf(f, " weight %u", sc->ep.weight);
		if (sc->ep.flags & PODNET_EP_F_LOCAL)
			fputs(" local", f);
		if (sc->ep.flags & PODNET_EP_F_TERMINATING)
			fputs(" terminating", f);
		if (sc->ep.flags & PODNET_EP_F_OTHER_ZONE)
			fputs(" other-zone", f);
		break;
	case EP_DEL:
		fprintf(f, "endpoint del %s %s", svc_key_fmt(&sc->svc.key, buf),
			ep_fmt(&sc->ep, ebuf));
		break;
	case EP_SET:
		fprintf(f, "endpoint set %s ", svc_key_fmt(&sc->svc.key, buf));
		if (!sc->svc.eps.n)
			fputs("none", f);
		for (i = 0; i < sc->svc.eps.n; i++)
			fprintf(f, "%s%s", i ? "," : "", ep_fmt(&sc->svc.eps.v[i], ebuf));
		break;
	default:
		fputs("endpoint help", f);
		break;
	}
}

static const struct cmd_ops ep_ops[] = {
	[EP_ADD] = {
		.run = ep_add_run, .print = ep_cmd_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[EP_DEL] = {
		.run = ep_del_run, .print = ep_cmd_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[EP_SET] = {
		.run = ep_set_run, .print = ep_cmd_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[EP_HELP] = {
		.run = ep_help_run, .print = ep_cmd_print, .free = svc_cmd_free,
		.flags = CMD_LOCAL,
	},
};

struct svc_cmd *endpoint_cmd_new(enum svc_op op)
{
	return svc_cmd_new(op, &ep_ops[op]);
}

/* Parsing */

/* "SVC EP": the first two words of add and del. */
static int parse_svc_ep(int argc, char **argv, const char *op, struct svc_cmd *sc)
{
	if (argc < 1)
		return fail("endpoint %s needs a service (ADDR:PORT/PROTO)", op);
	if (svc_key_parse(argv[0], &sc->svc.key) < 0)
		return -1;
	if (argc < 2)
		return fail("endpoint %s needs an endpoint (ADDR:PORT)", op);
	return ep_parse(argv[1], &sc->svc.key, &sc->ep);
}

static int parse_add(int argc, char **argv, struct svc_cmd *sc)
{
	unsigned long n;
	int i;

	if (parse_svc_ep(argc, argv, "add", sc) < 0)
		return -1;
	for (i = 2; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "weight")) {
			if (sc->given & GIVEN_WEIGHT)
				return fail("duplicate `weight%s%s'", i + 1 < argc ? " " : "",
					    i + 1 < argc ? argv[i + 1] : "");
			if (++i == argc)
				return fail("`weight' needs a number");
			if (!num_parse(argv[i], 65535, &n))
				return fail("invalid weight `%s' (1 to 65535)", argv[i]);
			sc->ep.weight = n;
			sc->given |= GIVEN_WEIGHT;
		} else if (!strcmp(w, "local") || !strcmp(w, "terminating") ||
			   !strcmp(w, "other-zone")) {
			uint32_t flag = w[0] == 'l' ? PODNET_EP_F_LOCAL :
					w[0] == 't' ? PODNET_EP_F_TERMINATING :
						      PODNET_EP_F_OTHER_ZONE;

			if (sc->ep.flags & flag)
				return fail("duplicate `%s'", w);
			sc->ep.flags |= flag;
		} else {
			return fail("endpoint add: unexpected argument `%s'", w);
		}
	}
	return 0;
}

static int parse_del(int argc, char **argv, struct svc_cmd *sc)
{
	if (parse_svc_ep(argc, argv, "del", sc) < 0)
		return -1;
	if (argc > 2)
		return fail("endpoint del: unexpected argument `%s'", argv[2]);
	return 0;
}

/*
 * "SVC EP[,EP]..." (more words of endpoints may follow), or "SVC none".
 * The endpoints go to sc->svc.eps, weight 1, no flags.
 */
static int parse_set(int argc, char **argv, struct svc_cmd *sc)
{
	struct ep_list *l = &sc->svc.eps;
	unsigned int max;
	int i;

	if (argc < 1)
		return fail("endpoint set needs a service (ADDR:PORT/PROTO)");
	if (svc_key_parse(argv[0], &sc->svc.key) < 0)
		return -1;
	if (argc < 2)
		return fail("endpoint set needs endpoints (ADDR:PORT[,ADDR:PORT]...) or `none'");
	if (!strcmp(argv[1], "none")) {
		if (argc > 2)
			return fail("endpoint set: unexpected argument `%s' after `none'",
				    argv[2]);
		return 0;
	}
	max = max_set(sc->svc.key.addr.family);
	for (i = 1; i < argc; i++) {
		char *word = strdup(argv[i]), *tok, *save = NULL;

		if (!word)
			return fail("out of memory");
		if (!*word || *word == ',' || strstr(word, ",,") ||
		    word[strlen(word) - 1] == ',') {
			fail("invalid endpoint list `%s': empty endpoint", argv[i]);
			free(word);
			return -1;
		}
		for (tok = strtok_r(word, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			struct ep ep;

			if (!strcmp(tok, "none")) {
				fail("endpoint set: `none' goes alone");
				break;
			}
			if (ep_parse(tok, &sc->svc.key, &ep) < 0)
				break;
			if (ep_list_find(l, &ep) >= 0) {
				fail("duplicate endpoint `%s'", tok);
				break;
			}
			if (l->n == max) {
				fail("too many endpoints at `%s' (at most %u in one set)",
				     tok, max);
				break;
			}
			if (ep_list_add(l, &ep) < 0)
				break;
		}
		free(word);
		if (tok)
			return -1;
	}
	return 0;
}

static const struct word ep_words[] = {
	{ "add", EP_ADD },
	{ "del", EP_DEL },
	{ "delete", EP_DEL },
	{ "set", EP_SET },
	{ "help", EP_HELP },
	{ NULL, 0 },
};

int endpoint_parse(int argc, char **argv, struct cmd **cmdp)
{
	struct svc_cmd *sc;
	int op, err = 0;

	if (argc < 1)
		return fail("endpoint needs a command: add, del or set");
	op = word_lookup(ep_words, argv[0], "endpoint command");
	if (op < 0)
		return -1;
	argc--;
	argv++;
	sc = svc_cmd_new(op, &ep_ops[op]);
	if (!sc)
		return -1;
	switch (op) {
	case EP_ADD:
		err = parse_add(argc, argv, sc);
		break;
	case EP_DEL:
		err = parse_del(argc, argv, sc);
		break;
	case EP_SET:
		err = parse_set(argc, argv, sc);
		break;
	default:
		if (argc)
			err = fail("endpoint help: unexpected argument `%s'", argv[0]);
		break;
	}
	if (!err && op != EP_HELP)
		err = svc_cmd_track(sc);
	if (err) {
		svc_cmd_free(&sc->cmd);
		return -1;
	}
	*cmdp = &sc->cmd;
	return 0;
}

void endpoint_usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " endpoint add SVC EP [weight N] [local] [terminating]\n"
		"                 [other-zone]\n"
		"       " PROG " endpoint del SVC EP\n"
		"       " PROG " endpoint set SVC EP[,EP]...|none\n"
		"SVC is a service, ADDR:PORT/PROTO (" PROG " help service); EP an endpoint\n"
		"of the service's family, ADDR:PORT: 10.244.1.2:8080, [fd00::2]:8080.\n"
		"endpoint add updates the weight (1 to 65535, default 1) and flags of an\n"
		"endpoint the service has; endpoint set replaces all of them in one step\n"
		"(weight 1, at most %u IPv4 or %u IPv6 endpoints).\n",
		max_set(AF_INET), max_set(AF_INET6));
}
