// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl config: the namespace's service settings, kube-proxy's flags
 * of the same names (PODNET_CMD_CONFIG_SET, _GET):
 *
 *   podnetctl config set cluster-cidr 10.244.0.0/16,fd00:244::/56 \
 *           nodeport-addresses 192.0.2.0/24 service-cidr 10.96.0.0/12
 *   podnetctl config
 *   cluster-cidr 10.244.0.0/16,fd00:244::/56 nodeport-addresses 192.0.2.0/24 ...
 *
 * set replaces every list (one not given is emptied); apply sets them from
 * its options.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "config.h"
#include "ipc.h"
#include "object.h"
#include "podnetctl.h"
#include "service.h"

const char *const cfg_words[CFG_NLISTS] = {
	[CFG_CLUSTER] = "cluster-cidr",
	[CFG_NODEPORT] = "nodeport-addresses",
	[CFG_SERVICE] = "service-cidr",
};

static const int cfg_attrs[CFG_NLISTS] = {
	[CFG_CLUSTER] = PODNET_CFG_A_CLUSTER_CIDRS,
	[CFG_NODEPORT] = PODNET_CFG_A_NODEPORT_CIDRS,
	[CFG_SERVICE] = PODNET_CFG_A_SERVICE_CIDRS,
};

int cfg_list_parse(const char *s, struct pn_cfg *cfg, enum cfg_list l)
{
	char *dup, *save = NULL, *w;
	int err = 0;

	cfg->n[l] = 0;
	if (!strcmp(s, "none"))
		return 0;
	dup = strdup(s);
	if (!dup)
		return fail("out of memory");
	for (w = strtok_r(dup, ",", &save); w && !err; w = strtok_r(NULL, ",", &save)) {
		if (cfg->n[l] == PODNET_CFG_MAX_PREFIXES)
			err = fail("too many %s prefixes at `%s' (at most %d)",
				   cfg_words[l], w, PODNET_CFG_MAX_PREFIXES);
		else if (prefix_parse(w, &cfg->p[l][cfg->n[l]]) < 0)
			err = -1;
		else
			cfg->n[l]++;
	}
	if (!err && !cfg->n[l])
		err = fail("`%s' needs prefixes (or none)", cfg_words[l]);
	free(dup);
	return err;
}

bool cfg_equal(const struct pn_cfg *a, const struct pn_cfg *b)
{
	unsigned int l, i;

	for (l = 0; l < CFG_NLISTS; l++) {
		if (a->n[l] != b->n[l])
			return false;
		for (i = 0; i < a->n[l]; i++)
			if (!prefix_equal(&a->p[l][i], &b->p[l][i]))
				return false;
	}
	return true;
}

void cfg_print(const struct pn_cfg *cfg, FILE *f)
{
	char buf[PREFIX_STRLEN];
	unsigned int l, i;
	bool any = false;

	for (l = 0; l < CFG_NLISTS; l++) {
		if (!cfg->n[l])
			continue;
		fprintf(f, "%s%s ", any ? " " : "", cfg_words[l]);
		for (i = 0; i < cfg->n[l]; i++)
			fprintf(f, "%s%s", i ? "," : "", prefix_fmt(&cfg->p[l][i], buf));
		any = true;
	}
	if (!any)
		fputs("none", f);
}

/* On the wire */

static struct nla_policy top_policy[PODNET_A_MAX + 1] = {
	[PODNET_A_CONFIG]	= { .type = NLA_NESTED },
};

static struct nla_policy cfg_policy[PODNET_CFG_A_MAX + 1] = {
	[PODNET_CFG_A_CLUSTER_CIDRS]	= { .type = NLA_NESTED },
	[PODNET_CFG_A_NODEPORT_CIDRS]	= { .type = NLA_NESTED },
	[PODNET_CFG_A_SERVICE_CIDRS]	= { .type = NLA_NESTED },
	[PODNET_CFG_A_APPLIED]		= { .type = NLA_U64 },
};

static int cfg_parse(struct nl_msg *msg, void *obj)
{
	struct nlattr *tb[PODNET_A_MAX + 1], *cb[PODNET_CFG_A_MAX + 1];
	struct pn_cfg *cfg = obj;
	unsigned int l;

	memset(cfg, 0, sizeof(*cfg));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PODNET_A_MAX, top_policy) < 0 ||
	    !tb[PODNET_A_CONFIG] ||
	    nla_parse_nested(cb, PODNET_CFG_A_MAX, tb[PODNET_A_CONFIG], cfg_policy) < 0)
		return fail("malformed reply from the kernel");
	for (l = 0; l < CFG_NLISTS; l++)
		if (cb[cfg_attrs[l]] &&
		    prefixes_parse(cb[cfg_attrs[l]], cfg->p[l], PODNET_CFG_MAX_PREFIXES,
				   &cfg->n[l]) < 0)
			return -1;
	if (cb[PODNET_CFG_A_APPLIED])
		cfg->applied = nla_get_u64(cb[PODNET_CFG_A_APPLIED]);
	return 0;
}

int cfg_get(struct ipc *ipc, struct pn_cfg *cfg)
{
	struct nl_msg *msg = ipc_msg(ipc, PODNET_CMD_CONFIG_GET, 0);

	if (!msg)
		return -1;
	return ipc_transact(ipc, msg, cfg_parse, cfg) < 0 ? -1 : 0;
}

int cfg_set_send(struct ipc *ipc, const struct pn_cfg *cfg)
{
	struct nl_msg *msg = ipc_msg(ipc, PODNET_CMD_CONFIG_SET, 0);
	struct nlattr *nest, *list;
	unsigned int l, i;

	if (!msg)
		return -1;
	nest = nla_nest_start(msg, PODNET_A_CONFIG);
	if (!nest)
		goto too_long;
	for (l = 0; l < CFG_NLISTS; l++) {
		if (!cfg->n[l])
			continue;
		list = nla_nest_start(msg, cfg_attrs[l]);
		if (!list)
			goto too_long;
		for (i = 0; i < cfg->n[l]; i++)
			if (put_prefix(ipc, msg, &cfg->p[l][i]))
				goto too_long;
		nla_nest_end(msg, list);
	}
	if (cfg->applied &&
	    nla_put_u64(msg, PODNET_CFG_A_APPLIED, cfg->applied) < 0)
		goto too_long;
	nla_nest_end(msg, nest);
	return ipc_transact(ipc, msg, NULL, NULL) < 0 ? -1 : 0;
too_long:
	nlmsg_free(msg);
	return fail("request too long");
}

static void cfg_obj_print(const void *obj, FILE *f)
{
	cfg_print(obj, f);
}

static cJSON *cfg_json(const void *obj)
{
	const struct pn_cfg *cfg = obj;
	char buf[PREFIX_STRLEN], key[32], *p;
	cJSON *o = cJSON_CreateObject(), *a;
	unsigned int l, i;

	for (l = 0; o && l < CFG_NLISTS; l++) {
		snprintf(key, sizeof(key), "%s", cfg_words[l]);
		for (p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		a = cJSON_AddArrayToObject(o, key);
		for (i = 0; a && i < cfg->n[l]; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(prefix_fmt(&cfg->p[l][i], buf)));
	}
	if (!o)
		return NULL;
	/* apply's mark, while it holds: a hex string (64 bits stay exact) */
	if (cfg->applied) {
		snprintf(buf, sizeof(buf), "%016" PRIx64, cfg->applied);
		cJSON_AddStringToObject(o, "applied", buf);
	} else {
		cJSON_AddNullToObject(o, "applied");
	}
	return o;
}

const struct obj_type cfg_type = {
	.name = "config",
	.size = sizeof(struct pn_cfg),
	.parse = cfg_parse,
	.print = cfg_obj_print,
	.json = cfg_json,
};

/* The family */

struct cfg_cmd {
	struct cmd cmd;
	bool set, help;
	struct pn_cfg cfg;
};

static int cfg_run(struct ipc *ipc, struct cmd *cmd)
{
	struct cfg_cmd *cc = container_of(cmd, struct cfg_cmd, cmd);
	struct pn_cfg cfg;

	if (cc->help) {
		config_usage(stdout);
		return 0;
	}
	if (cc->set)
		return cfg_set_send(ipc, &cc->cfg);
	if (cfg_get(ipc, &cfg) < 0)
		return -1;
	if (opts.json)
		return json_print(cfg_json(&cfg), opts.pretty);
	cfg_print(&cfg, stdout);
	putchar('\n');
	return 0;
}

static void cfg_cmd_print(const struct cmd *cmd, FILE *f)
{
	const struct cfg_cmd *cc = container_of(cmd, const struct cfg_cmd, cmd);

	if (cc->help) {
		fputs("config help", f);
	} else if (cc->set) {
		fputs("config set ", f);
		cfg_print(&cc->cfg, f);
	} else {
		fputs("config show", f);
	}
}

static void cfg_cmd_free(struct cmd *cmd)
{
	free(container_of(cmd, struct cfg_cmd, cmd));
}

static const struct cmd_ops cfg_ops = {
	.run = cfg_run, .print = cfg_cmd_print, .free = cfg_cmd_free,
};

static const struct cmd_ops cfg_help_ops = {
	.run = cfg_run, .print = cfg_cmd_print, .free = cfg_cmd_free,
	.flags = CMD_LOCAL,
};

int config_parse(int argc, char **argv, struct cmd **cmdp)
{
	static const struct word verbs[] = {
		{ "show", 0 }, { "list", 0 }, { "set", 1 }, { "help", 2 }, { NULL, 0 },
	};
	struct cfg_cmd *cc;
	bool given[CFG_NLISTS] = { false };
	int verb = 0, i, l;

	if (argc) {
		verb = word_lookup(verbs, argv[0], "config command");
		if (verb < 0)
			return -1;
		argc--;
		argv++;
	}
	if (verb != 1 && argc)
		return fail("config %s: unexpected argument `%s'", verb ? "help" : "show",
			    argv[0]);
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return fail("out of memory");
	cc->set = verb == 1;
	cc->help = verb == 2;
	cc->cmd.ops = cc->help ? &cfg_help_ops : &cfg_ops;
	for (i = 0; i < argc; i += 2) {
		for (l = 0; l < CFG_NLISTS; l++)
			if (!strcmp(argv[i], cfg_words[l]))
				break;
		if (l == CFG_NLISTS) {
			fail("config set: unexpected argument `%s'", argv[i]);
			goto err;
		}
		if (given[l]) {
			fail("duplicate `%s'", argv[i]);
			goto err;
		}
		given[l] = true;
		if (i + 1 == argc) {
			fail("`%s' needs prefixes (or none)", argv[i]);
			goto err;
		}
		if (cfg_list_parse(argv[i + 1], &cc->cfg, l) < 0)
			goto err;
	}
	*cmdp = &cc->cmd;
	return 0;
err:
	free(cc);
	return -1;
}

void config_usage(FILE *f)
{
	fputs("Usage: " PROG " config [show]\n"
	      "       " PROG " config set [cluster-cidr P[,P]...|none]\n"
	      "                  [nodeport-addresses P[,P]...|none] [service-cidr P[,P]...|none]\n"
	      "The namespace's service settings, kube-proxy's flags of the same names:\n"
	      "traffic to a ClusterIP from outside the cluster CIDRs is masqueraded\n"
	      "(none: none is); NodePorts are served only on the node's addresses in\n"
	      "the NodePort prefixes (none: on all); a new connection to an address in\n"
	      "the service CIDRs that no service has is dropped. set replaces all\n"
	      "three: a list not given is emptied. At most 16 prefixes a list.\n", f);
}
