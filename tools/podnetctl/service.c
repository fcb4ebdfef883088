// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl service: service ports (ClusterIP, port, protocol) translated
 * to endpoints by podnet's conntrack NAT hooks; add, delete, show them.
 * Also the words of services and endpoints as they are typed, which
 * endpoint.c shares. On the wire: svc_msg.c; printed: svc_print.c; in a
 * batch: svc_batch.c.
 *
 *   service add SVC [sched random|rr|maglev] [affinity [SECONDS]]
 *	[nodeport PORT] [external ADDR]... [policy cluster|local] [masquerade]
 *   service change SVC [the options of service add]
 *   service del SVC
 *   service [show] [SVC]
 *
 * SVC is ADDR:PORT/PROTO: 10.96.0.10:53/udp, [fd00::10]:80/tcp.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netlink/genl/genl.h>

#include "ipc.h"
#include "object.h"
#include "podnetctl.h"
#include "service.h"

/* Words */

const struct word proto_words[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "sctp", IPPROTO_SCTP },
	{ NULL, 0 },
};

const struct word sched_words[] = {
	{ "random", PODNET_SCHED_RANDOM },
	{ "rr", PODNET_SCHED_RR },
	{ "maglev", PODNET_SCHED_MAGLEV },
	{ NULL, 0 },
};

const struct word policy_words[] = {
	{ "cluster", PODNET_POLICY_CLUSTER },
	{ "local", PODNET_POLICY_LOCAL },
	{ NULL, 0 },
};

const char *proto_name(uint8_t proto)
{
	return word_name(proto_words, proto) ?: "?";
}

/* Counter names, for JSON; the order of the human counters line. */
const char *const svc_stat_names[PODNET_SVC_STATS_A_MAX + 1] = {
	[PODNET_SVC_STATS_A_CONNS]	= "conns",
	[PODNET_SVC_STATS_A_PACKETS]	= "packets",
	[PODNET_SVC_STATS_A_BYTES]	= "bytes",
	[PODNET_SVC_STATS_A_REJECTED]	= "rejected",
};

/* Parsing and printing services and endpoints */

bool num_parse(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (*s - '0');
		if (n > max)
			return false;
	}
	if (!n)
		return false;
	*v = n;
	return true;
}

/*
 * "ADDR:PORT" or "[ADDR]:PORT" in @s, a copy of part of @token, modified.
 * @what ("service", "endpoint") and @form name it in errors.
 */
static int addr_port_parse(char *s, const char *token, const char *what,
			   const char *form, struct pn_addr *addr, uint16_t *port)
{
	unsigned long n;
	char *host, *p;

	if (*s == '[') {
		host = s + 1;
		p = strchr(host, ']');
		if (!p)
			return fail("invalid %s `%s': missing `]'", what, token);
		*p++ = '\0';
		if (*p != ':')
			return fail("invalid %s `%s': expected `:PORT' after `]'",
				    what, token);
		if (*host && !strchr(host, ':'))
			return fail("invalid %s `%s': only an IPv6 address goes in brackets",
				    what, token);
	} else {
		if (strpbrk(s, "[]"))
			return fail("invalid %s `%s': misplaced bracket", what, token);
		p = strchr(s, ':');
		if (!p)
			return fail("invalid %s `%s': expected %s", what, token, form);
		if (strchr(p + 1, ':'))
			return fail("invalid %s `%s': an IPv6 address goes in brackets, [ADDR]:PORT",
				    what, token);
		host = s;
	}
	*p++ = '\0';
	if (!*host)
		return fail("invalid %s `%s': expected %s", what, token, form);
	if (strchr(host, '/'))
		return fail("invalid %s `%s': an address takes no prefix length",
			    what, token);
	if (addr_parse(host, addr) < 0)
		return -1;
	if (!num_parse(p, 65535, &n))
		return fail("invalid %s `%s': port must be a number from 1 to 65535",
			    what, token);
	*port = n;
	return 0;
}

int svc_key_parse(const char *s, struct svc_key *key)
{
	char buf[SVC_STRLEN + 16], *slash;
	const struct word *w;

	memset(key, 0, sizeof(*key));
	if (strlen(s) >= sizeof(buf))
		return fail("invalid service `%s'", s);
	strcpy(buf, s);
	slash = strrchr(buf, '/');
	if (!slash || !slash[1])
		return fail("invalid service `%s': expected ADDR:PORT/PROTO", s);
	*slash++ = '\0';
	for (w = proto_words; w->name; w++)
		if (!strcasecmp(w->name, slash))
			break;
	if (!w->name)
		return fail("invalid service `%s': unknown protocol `%s' (tcp, udp or sctp)",
			    s, slash);
	key->proto = w->id;
	return addr_port_parse(buf, s, "service", "ADDR:PORT/PROTO", &key->addr,
			       &key->port);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int ep_parse(const char *s, const struct svc_key *svc, struct ep *ep)
{
	char buf[EP_STRLEN + 16];

	memset(ep, 0, sizeof(*ep));
	ep->weight = 1;
	if (strlen(s) >= sizeof(buf))
		return fail("invalid endpoint `%s'", s);
	strcpy(buf, s);
	if (addr_port_parse(buf, s, "endpoint", "ADDR:PORT", &ep->addr, &ep->port) < 0)
		return -1;
	if (ep->addr.family != svc->addr.family)
		return fail("invalid endpoint `%s': not %s like the service",
			    s, family_name(svc->addr.family));
	return 0;
}

static const char *addr_port_fmt(const struct pn_addr *addr, uint16_t port,
				 char *buf, size_t size)
{
	char a[ADDR_STRLEN];

	addr_fmt(addr, a);
	if (addr->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
	return buf;
}

const char *svc_key_fmt(const struct svc_key *key, char buf[SVC_STRLEN])
{
	size_t len;

	addr_port_fmt(&key->addr, key->port, buf, SVC_STRLEN);
	len = strlen(buf);
	snprintf(buf + len, SVC_STRLEN - len, "/%s", proto_name(key->proto));
	return buf;
}

const char *ep_fmt(const struct ep *ep, char buf[EP_STRLEN])
{
	return addr_port_fmt(&ep->addr, ep->port, buf, EP_STRLEN);
}

bool ep_equal(const struct ep *a, const struct ep *b)
{
	return a->port == b->port && addr_equal(&a->addr, &b->addr);
}

void ep_list_free(struct ep_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int ep_list_add(struct ep_list *l, const struct ep *ep)
{
	/* Capacity: the next power of two (at least 8) above n. */
	if (l->n >= 8 && !(l->n & (l->n - 1))) {
		struct ep *v = realloc(l->v, 2 * l->n * sizeof(*v));

		if (!v)
			return fail("out of memory");
		l->v = v;
	} else if (!l->v) {
		l->v = malloc(8 * sizeof(*l->v));
		if (!l->v)
			return fail("out of memory");
	}
	l->v[l->n++] = *ep;
	return 0;
}

int ep_list_find(const struct ep_list *l, const struct ep *ep)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (ep_equal(&l->v[i], ep))
			return i;
	return -1;
}

/* service add, service del */

static int svc_add_run(struct ipc *ipc, struct cmd *cmd)
{
	return svc_add_send(ipc, &to_svc_cmd(cmd)->svc, NULL);
}

/* Endpoint sets up to this size go with their service add. */
#define JOIN_MAX_EPS 256

/*
 * "service add S" and then "endpoint set S ...": one request, the service
 * created with its endpoints (as the restore of a batch does too).
 */
static int svc_add_run_joined(struct ipc *ipc, struct cmd *cmd, struct cmd *next)
{
	struct svc_cmd *sc = to_svc_cmd(cmd), *nc;

	/* The endpoint family's lines are svc_cmds, linked by service. */
	if (next->ops->free != svc_cmd_free)
		return 0;
	nc = to_svc_cmd(next);
	if (nc->op != EP_SET || nc->prev != sc || nc->svc.eps.n > JOIN_MAX_EPS)
		return 0;
	/* The endpoints are the next line's. */
	return svc_add_tagged(ipc, &sc->svc, &nc->svc.eps, ipc->tag + 1) < 0 ? -1 : 1;
}

static int svc_change_run(struct ipc *ipc, struct cmd *cmd)
{
	return svc_change_send(ipc, &to_svc_cmd(cmd)->svc);
}

static int svc_del_run(struct ipc *ipc, struct cmd *cmd)
{
	return svc_del_send(ipc, &to_svc_cmd(cmd)->svc.key);
}

/* service show */

static int svc_show_run(struct ipc *ipc, struct cmd *cmd)
{
	struct svc_cmd *sc = to_svc_cmd(cmd);
	struct obj_list l = { .type = &svc_type };
	struct svc_info *svc;
	int ret = -1;

	if (sc->key_given) {
		svc = obj_slot(&l);
		if (svc && svc_get(ipc, &sc->svc.key, svc) == 0) {
			l.n = 1;
			ret = 0;
		}
	} else {
		ret = obj_dump(ipc, &l, NULL, NULL);
	}
	if (!ret)
		ret = obj_show(&l);
	obj_list_free(&l);
	return ret;
}

/* Canonical forms, for --dry-run and undo messages. */

static void svc_print(const struct cmd *cmd, FILE *f)
{
	const struct svc_cmd *sc = to_svc_cmd_const(cmd);
	const struct svc_info *svc = &sc->svc;
	char buf[SVC_STRLEN];
	unsigned int i;

	switch (sc->op) {
	case SVC_ADD:
	case SVC_CHANGE:
		fprintf(f, "service %s %s", sc->op == SVC_ADD ? "add" : "change",
			svc_key_fmt(&svc->key, buf));
		if (sc->given & GIVEN_SCHED)
			fprintf(f, " sched %s", word_name(sched_words, svc->sched));
		if (sc->given & GIVEN_AFFINITY)
			fprintf(f, " affinity %" PRIu32, svc->affinity);
		if (sc->given & GIVEN_NODEPORT)
			fprintf(f, " nodeport %u", svc->nodeport);
		for (i = 0; i < svc->next; i++)
			fprintf(f, " external %s", addr_fmt(&svc->addrs->ext[i], buf));
		for (i = 0; i < svc->nlb; i++)
			fprintf(f, " lb %s", addr_fmt(&svc->addrs->lb[i], buf));
		for (i = 0; i < svc->nranges; i++)
			fprintf(f, "%s%s", i ? "," : " source-range ",
				prefix_fmt(&svc->addrs->ranges[i], buf));
		if (sc->given & GIVEN_POLICY)
			fprintf(f, " policy %s", word_name(policy_words, svc->policy));
		if (sc->given & GIVEN_IPOLICY)
			fprintf(f, " internal-policy %s", word_name(policy_words, svc->ipolicy));
		if (sc->given & GIVEN_MASQ)
			fputs(" masquerade", f);
		if (svc->owner == PODNET_OWNER_APPLY)
			fputs(" owner apply", f);
		if (svc->name[0])
			fprintf(f, " name %s", svc->name);
		break;
	case SVC_DEL:
		fprintf(f, "service del %s", svc_key_fmt(&svc->key, buf));
		break;
	case SVC_SHOW:
		fputs("service show", f);
		if (sc->key_given)
			fprintf(f, " %s", svc_key_fmt(&svc->key, buf));
		break;
	default:
		fputs("service help", f);
		break;
	}
}

static int svc_help_run(struct ipc *ipc, struct cmd *cmd)
{
	(void)ipc;
	(void)cmd;
	service_usage(stdout);
	return 0;
}

static const struct cmd_ops svc_ops[] = {
	[SVC_ADD] = {
		.run = svc_add_run, .run_joined = svc_add_run_joined,
		.print = svc_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[SVC_DEL] = {
		.run = svc_del_run, .print = svc_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
	[SVC_SHOW] = {
		.run = svc_show_run, .print = svc_print, .free = svc_cmd_free,
	},
	[SVC_HELP] = {
		.run = svc_help_run, .print = svc_print, .free = svc_cmd_free,
		.flags = CMD_LOCAL,
	},
	[SVC_CHANGE] = {
		.run = svc_change_run, .print = svc_print, .free = svc_cmd_free,
		.flags = CMD_PIPELINE,
	},
};

struct svc_cmd *service_cmd_new(enum svc_op op)
{
	return op >= EP_ADD ? endpoint_cmd_new(op) : svc_cmd_new(op, &svc_ops[op]);
}

/* Parsing */

static bool is_keyword(const char *s)
{
	static const char *const kw[] = {
		"sched", "affinity", "nodeport", "external", "policy", "masquerade",
		"lb", "source-range", "internal-policy", "owner", "name",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw); i++)
		if (!strcmp(s, kw[i]))
			return true;
	return false;
}

/* "WORD VALUE" given twice: "duplicate `WORD VALUE'" */
static int duplicate(int argc, char **argv, int i)
{
	if (i + 1 < argc && !is_keyword(argv[i + 1]))
		return fail("duplicate `%s %s'", argv[i], argv[i + 1]);
	return fail("duplicate `%s'", argv[i]);
}

/*
 * "external ADDR [ADDR]...": addresses up to the next keyword, or up to a
 * word that does not look like an address at all (no '.' or ':').
 */
static int parse_external(int argc, char **argv, int *i, struct svc_info *svc)
{
	const char *what = argv[*i];
	bool lb = !strcmp(what, "lb");
	unsigned int *n = lb ? &svc->nlb : &svc->next;
	int first = *i + 1;
	struct pn_addr *v;

	if (first == argc || is_keyword(argv[first]))
		return fail("`%s' needs an address", what);
	if (svc_addrs_get(svc) < 0)
		return -1;
	v = lb ? svc->addrs->lb : svc->addrs->ext;
	for (; *i + 1 < argc; ++*i) {
		const char *s = argv[*i + 1];
		struct pn_addr a;
		unsigned int j;

		if (*i + 1 > first && (is_keyword(s) || !strpbrk(s, ".:")))
			break;
		if (strchr(s, '/'))
			return fail("invalid %s address `%s': an address takes no prefix length",
				    what, s);
		if (addr_parse(s, &a) < 0)
			return -1;
		if (a.family != svc->key.addr.family)
			return fail("invalid %s address `%s': not %s like the service",
				    what, s, family_name(svc->key.addr.family));
		if (addr_equal(&a, &svc->key.addr))
			return fail("invalid %s address `%s': it is the service's address",
				    what, s);
		for (j = 0; j < svc->next; j++)
			if (addr_equal(&a, &svc->addrs->ext[j]))
				return fail("duplicate external address `%s'", s);
		for (j = 0; j < svc->nlb; j++)
			if (addr_equal(&a, &svc->addrs->lb[j]))
				return fail("duplicate lb address `%s'", s);
		if (*n == PODNET_SVC_MAX_EXTERNAL)
			return fail("too many %s addresses at `%s' (at most %d)",
				    what, s, PODNET_SVC_MAX_EXTERNAL);
		v[(*n)++] = a;
	}
	return 0;
}

/* "source-range PREFIX[,PREFIX]...", of the service's family. */
static int parse_ranges(const char *s, struct svc_info *svc)
{
	char *dup = strdup(s), *save = NULL, *w;
	struct pn_prefix p;
	int err = 0;

	if (!dup || svc_addrs_get(svc) < 0) {
		free(dup);
		return fail("out of memory");
	}
	for (w = strtok_r(dup, ",", &save); w && !err; w = strtok_r(NULL, ",", &save)) {
		if (prefix_parse(w, &p) < 0)
			err = -1;
		else if (p.addr.family != svc->key.addr.family)
			err = fail("invalid source range `%s': not %s like the service",
				   w, family_name(svc->key.addr.family));
		else if (svc->nranges == PODNET_SVC_MAX_SOURCE_RANGES)
			err = fail("too many source ranges at `%s' (at most %d)",
				   w, PODNET_SVC_MAX_SOURCE_RANGES);
		else
			svc->addrs->ranges[svc->nranges++] = p;
	}
	free(dup);
	return err;
}

/* service add and service change: the same words. */
static int parse_add(int argc, char **argv, struct svc_cmd *sc)
{
	const char *cmd = sc->op == SVC_ADD ? "add" : "change";
	struct svc_info *svc = &sc->svc;
	unsigned long n;
	int i, id;

	if (argc < 1)
		return fail("service %s needs a service (ADDR:PORT/PROTO)", cmd);
	if (svc_key_parse(argv[0], &svc->key) < 0)
		return -1;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "sched")) {
			if (sc->given & GIVEN_SCHED)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`sched' needs random, rr or maglev");
			id = word_lookup(sched_words, argv[i], "scheduler");
			if (id < 0)
				return -1;
			svc->sched = id;
			sc->given |= GIVEN_SCHED;
		} else if (!strcmp(w, "affinity")) {
			if (sc->given & GIVEN_AFFINITY)
				return duplicate(argc, argv, i);
			svc->affinity = SVC_AFFINITY_DEFAULT;
			sc->given |= GIVEN_AFFINITY;
			/* The timeout is optional: a word starting with a digit is it. */
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				if (!num_parse(argv[++i], SVC_AFFINITY_MAX, &n))
					return fail("invalid affinity timeout `%s' (1 to %d seconds)",
						    argv[i], SVC_AFFINITY_MAX);
				svc->affinity = n;
			}
		} else if (!strcmp(w, "nodeport")) {
			if (sc->given & GIVEN_NODEPORT)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`nodeport' needs a port");
			if (!num_parse(argv[i], 65535, &n))
				return fail("invalid NodePort `%s' (1 to 65535)", argv[i]);
			svc->nodeport = n;
			sc->given |= GIVEN_NODEPORT;
		} else if (!strcmp(w, "external") || !strcmp(w, "lb")) {
			if (parse_external(argc, argv, &i, svc) < 0)
				return -1;
		} else if (!strcmp(w, "source-range")) {
			if (++i == argc)
				return fail("`source-range' needs a prefix");
			if (parse_ranges(argv[i], svc) < 0)
				return -1;
		} else if (!strcmp(w, "internal-policy")) {
			if (sc->given & GIVEN_IPOLICY)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`internal-policy' needs cluster or local");
			id = word_lookup(policy_words, argv[i], "policy");
			if (id < 0)
				return -1;
			svc->ipolicy = id;
			sc->given |= GIVEN_IPOLICY;
		} else if (!strcmp(w, "owner")) {
			if (++i == argc || (strcmp(argv[i], "apply") && strcmp(argv[i], "none")))
				return fail("`owner' needs apply or none");
			svc->owner = strcmp(argv[i], "apply") ? 0 : PODNET_OWNER_APPLY;
		} else if (!strcmp(w, "name")) {
			if (++i == argc)
				return fail("`name' needs a name");
			if (strlen(argv[i]) >= sizeof(svc->name))
				return fail("name `%s' too long (at most %d bytes)",
					    argv[i], PODNET_SVC_NAME_MAX - 1);
			strcpy(svc->name, argv[i]);
		} else if (!strcmp(w, "policy")) {
			if (sc->given & GIVEN_POLICY)
				return duplicate(argc, argv, i);
			if (++i == argc)
				return fail("`policy' needs cluster or local");
			id = word_lookup(policy_words, argv[i], "policy");
			if (id < 0)
				return -1;
			svc->policy = id;
			sc->given |= GIVEN_POLICY;
		} else if (!strcmp(w, "masquerade")) {
			if (sc->given & GIVEN_MASQ)
				return duplicate(argc, argv, i);
			svc->flags |= PODNET_SVC_F_MASQUERADE;
			sc->given |= GIVEN_MASQ;
		} else {
			return fail("service %s: unexpected argument `%s'", cmd, w);
		}
	}
	return 0;
}

static int parse_del(int argc, char **argv, struct svc_cmd *sc)
{
	if (argc < 1)
		return fail("service del needs a service (ADDR:PORT/PROTO)");
	if (argc > 1)
		return fail("service del: unexpected argument `%s'", argv[1]);
	return svc_key_parse(argv[0], &sc->svc.key);
}

static int parse_show(int argc, char **argv, struct svc_cmd *sc)
{
	if (argc > 1)
		return fail("service show: unexpected argument `%s'", argv[1]);
	if (argc == 1) {
		if (svc_key_parse(argv[0], &sc->svc.key) < 0)
			return -1;
		sc->key_given = true;
	}
	return 0;
}

int service_parse(int argc, char **argv, struct cmd **cmdp)
{
	static const struct word own[] = {
		{ "change", SVC_CHANGE },
		{ "replace", SVC_CHANGE },
		{ NULL, 0 },
	};
	int op = verb_lookup(&argc, &argv, "service", own), err = 0;
	struct svc_cmd *sc;

	if (op < 0)
		return -1;
	sc = svc_cmd_new(op, &svc_ops[op]);
	if (!sc)
		return -1;
	switch (op) {
	case SVC_ADD:
	case SVC_CHANGE:
		err = parse_add(argc, argv, sc);
		break;
	case SVC_DEL:
		err = parse_del(argc, argv, sc);
		break;
	case SVC_SHOW:
		err = parse_show(argc, argv, sc);
		break;
	default:
		if (argc)
			err = fail("service help: unexpected argument `%s'", argv[0]);
		break;
	}
	if (!err && (op == SVC_ADD || op == SVC_DEL || op == SVC_CHANGE))
		err = svc_cmd_track(sc);
	if (err) {
		svc_cmd_free(&sc->cmd);
		return -1;
	}
	*cmdp = &sc->cmd;
	return 0;
}

void service_usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " service add SVC [sched random|rr|maglev] [affinity [SECONDS]]\n"
		"                 [nodeport PORT] [external ADDR]... [policy cluster|local]\n"
		"                 [lb ADDR]... [source-range PREFIX[,PREFIX]...]\n"
		"                 [internal-policy cluster|local] [masquerade]\n"
		"                 [owner apply|none] [name NAME]\n"
		"       " PROG " service change SVC [OPTIONS]\n"
		"       " PROG " service del SVC\n"
		"       " PROG " service [show] [SVC]\n"
		"SVC is ADDR:PORT/PROTO, the ClusterIP, port and protocol (tcp, udp, sctp):\n"
		"10.96.0.10:53/udp, [fd00::10]:80/tcp. affinity alone is %d seconds\n"
		"(at most %d); at most %d external addresses, of the ClusterIP's family.\n"
		"service change gives the service the settings of its OPTIONS, those of\n"
		"service add (defaults for those not given), in place: its counters,\n"
		"endpoints and connections are kept.\n"
		"Endpoints: " PROG " help endpoint.\n",
		SVC_AFFINITY_DEFAULT, SVC_AFFINITY_MAX, PODNET_SVC_MAX_EXTERNAL);
}
