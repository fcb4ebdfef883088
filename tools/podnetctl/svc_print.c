// SPDX-License-Identifier: GPL-2.0
/*
 * podnetctl: services and endpoints as `show', `monitor' and `save' print
 * them, in words and in JSON.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "podnetctl.h"
#include "service.h"

/* Printing */

void svc_info_print(const struct svc_info *svc, FILE *f)
{
	const char *sched = word_name(sched_words, svc->sched);
	const char *policy = word_name(policy_words, svc->policy);
	char buf[SVC_STRLEN];
	unsigned int i;

	fputs(svc_key_fmt(&svc->key, buf), f);
	if (sched)
		fprintf(f, " sched %s", sched);
	else
		fprintf(f, " sched %u", svc->sched);
	if (svc->affinity)
		fprintf(f, " affinity %" PRIu32, svc->affinity);
	if (svc->nodeport)
		fprintf(f, " nodeport %u", svc->nodeport);
	for (i = 0; i < svc->next; i++)
		fprintf(f, " external %s", addr_fmt(&svc->addrs->ext[i], buf));
	for (i = 0; i < svc->nlb; i++)
		fprintf(f, " lb %s", addr_fmt(&svc->addrs->lb[i], buf));
	for (i = 0; i < svc->nranges; i++)
		fprintf(f, " source-range %s", prefix_fmt(&svc->addrs->ranges[i], buf));
	if (policy)
		fprintf(f, " policy %s", policy);
	else
		fprintf(f, " policy %u", svc->policy);
	if (svc->ipolicy == PODNET_POLICY_LOCAL)
		fputs(" internal-policy local", f);
	else if (svc->ipolicy != PODNET_POLICY_CLUSTER)
		fprintf(f, " internal-policy %u", svc->ipolicy);
	if (svc->flags & PODNET_SVC_F_MASQUERADE)
		fputs(" masquerade", f);
	if (svc->owner == PODNET_OWNER_APPLY)
		fputs(" owner apply", f);
	else if (svc->owner)
		fprintf(f, " owner %" PRIu32, svc->owner);
	if (svc->name[0])
		fprintf(f, " name %s", svc->name);
	if (svc->flags & ~PODNET_SVC_F_ALL)
		fprintf(f, " flags %#" PRIx32, svc->flags & ~PODNET_SVC_F_ALL);
}

void ep_print(const struct ep *ep, bool conns, FILE *f)
{
	char buf[EP_STRLEN];

	fprintf(f, "%s weight %u", ep_fmt(ep, buf), ep->weight);
	if (ep->flags & PODNET_EP_F_LOCAL)
		fputs(" local", f);
	if (ep->flags & PODNET_EP_F_TERMINATING)
		fputs(" terminating", f);
	if (ep->flags & PODNET_EP_F_OTHER_ZONE)
		fputs(" other-zone", f);
	if (ep->flags & ~PODNET_EP_F_ALL)
		fprintf(f, " flags %#" PRIx32, ep->flags & ~PODNET_EP_F_ALL);
	if (conns)
		fprintf(f, " conns %" PRIu64, ep->conns);
}

static void svc_stats_print(const struct svc_info *svc, FILE *f)
{
	const uint64_t *s = svc->stats;

	fprintf(f, "  conns %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
		" rejected %" PRIu64 "\n",
		s[PODNET_SVC_STATS_A_CONNS], s[PODNET_SVC_STATS_A_PACKETS],
		s[PODNET_SVC_STATS_A_BYTES], s[PODNET_SVC_STATS_A_REJECTED]);
}

static cJSON *ep_json(const struct ep *ep, bool conns)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddItemToObject(o, "addr", json_addr(&ep->addr));
	cJSON_AddNumberToObject(o, "port", ep->port);
	cJSON_AddNumberToObject(o, "weight", ep->weight);
	cJSON_AddBoolToObject(o, "local", !!(ep->flags & PODNET_EP_F_LOCAL));
	cJSON_AddBoolToObject(o, "terminating", !!(ep->flags & PODNET_EP_F_TERMINATING));
	cJSON_AddBoolToObject(o, "other_zone", !!(ep->flags & PODNET_EP_F_OTHER_ZONE));
	if (conns)
		json_add_u64(o, "conns", ep->conns);
	return o;
}

cJSON *svc_info_json(const struct svc_info *svc)
{
	const char *sched = word_name(sched_words, svc->sched);
	const char *policy = word_name(policy_words, svc->policy);
	cJSON *o = cJSON_CreateObject(), *a, *stats;
	char buf[SVC_STRLEN];
	unsigned int i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "service", svc_key_fmt(&svc->key, buf));
	cJSON_AddStringToObject(o, "proto", proto_name(svc->key.proto));
	cJSON_AddItemToObject(o, "addr", json_addr(&svc->key.addr));
	cJSON_AddNumberToObject(o, "port", svc->key.port);
	if (sched)
		cJSON_AddStringToObject(o, "sched", sched);
	else
		cJSON_AddNumberToObject(o, "sched", svc->sched);
	if (svc->affinity)
		cJSON_AddNumberToObject(o, "affinity", svc->affinity);
	else
		cJSON_AddNullToObject(o, "affinity");
	if (svc->nodeport)
		cJSON_AddNumberToObject(o, "nodeport", svc->nodeport);
	else
		cJSON_AddNullToObject(o, "nodeport");
	a = cJSON_AddArrayToObject(o, "external");
	for (i = 0; a && i < svc->next; i++)
		cJSON_AddItemToArray(a, json_addr(&svc->addrs->ext[i]));
	if (policy)
		cJSON_AddStringToObject(o, "policy", policy);
	else
		cJSON_AddNumberToObject(o, "policy", svc->policy);
	a = cJSON_AddArrayToObject(o, "lb");
	for (i = 0; a && i < svc->nlb; i++)
		cJSON_AddItemToArray(a, json_addr(&svc->addrs->lb[i]));
	a = cJSON_AddArrayToObject(o, "source_ranges");
	for (i = 0; a && i < svc->nranges; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(prefix_fmt(&svc->addrs->ranges[i], buf)));
	cJSON_AddStringToObject(o, "internal_policy",
				word_name(policy_words, svc->ipolicy) ?: "?");
	cJSON_AddBoolToObject(o, "masquerade", !!(svc->flags & PODNET_SVC_F_MASQUERADE));
	if (svc->owner == PODNET_OWNER_APPLY)
		cJSON_AddStringToObject(o, "owner", "apply");
	else
		cJSON_AddNullToObject(o, "owner");
	if (svc->name[0])
		cJSON_AddStringToObject(o, "name", svc->name);
	else
		cJSON_AddNullToObject(o, "name");
	if (svc->has_stats) {
		stats = cJSON_AddObjectToObject(o, "stats");
		for (i = 0; stats && i < ARRAY_SIZE(svc_stat_names); i++)
			if (svc_stat_names[i])
				json_add_u64(stats, svc_stat_names[i], svc->stats[i]);
	}
	a = cJSON_AddArrayToObject(o, "endpoints");
	for (i = 0; a && i < svc->eps.n; i++) {
		cJSON *e = ep_json(&svc->eps.v[i], svc->has_stats);

		if (!e) {
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddItemToArray(a, e);
	}
	return o;
}

/*
 * monitor's endpoint events: the service with the endpoint set the command
 * left, not the endpoint it added or removed:
 *   10.96.0.10:53/udp 10.244.1.2:5353 weight 1 local, 10.244.1.3:5353 weight 1
 */
void svc_eps_event_print(const void *obj, FILE *f)
{
	const struct svc_info *svc = obj;
	char buf[SVC_STRLEN];
	unsigned int i;

	fputs(svc_key_fmt(&svc->key, buf), f);
	if (!svc->eps.n)
		fputs(" none", f);
	for (i = 0; i < svc->eps.n; i++) {
		fputs(i ? ", " : " ", f);
		ep_print(&svc->eps.v[i], false, f);
	}
}

/*
 * monitor's service add: the service, then on a line of its own the
 * endpoints it was added with (a batch's "service add" and "endpoint set"
 * of one service go to the kernel as one request), as save prints them.
 */
void svc_add_event_print(const void *obj, FILE *f)
{
	const struct svc_info *svc = obj;

	svc_type.print(obj, f);
	if (svc->eps.n) {
		fputs("\nendpoint set ", f);
		svc_eps_event_print(obj, f);
	}
}

void ep_set_print(const struct svc_key *key, const struct ep_list *eps, FILE *f)
{
	char buf[SVC_STRLEN];
	unsigned int i;

	fprintf(f, "endpoint set %s ", svc_key_fmt(key, buf));
	if (!eps->n)
		fputs("none", f);
	for (i = 0; i < eps->n; i++)
		fprintf(f, "%s%s", i ? "," : "", ep_fmt(&eps->v[i], buf));
}

/* Services as objects */

static int svc_type_parse(struct nl_msg *msg, void *obj)
{
	return svc_info_parse(msg, obj);
}

/*
 * A dump message that repeats the previous message's service carries more
 * of its endpoints (the kernel cuts a service too large for one message).
 */
static int svc_type_merge(void *obj, void *more)
{
	struct svc_info *svc = obj, *m = more;
	unsigned int i;

	if (svc_key_cmp(&svc->key, &m->key))
		return 0;
	for (i = 0; i < m->eps.n; i++)
		if (ep_list_add(&svc->eps, &m->eps.v[i]) < 0)
			return -1;
	return 1;
}

static void svc_type_free(void *obj)
{
	svc_info_free(obj);
}

static void svc_type_print(const void *obj, FILE *f)
{
	svc_info_print(obj, f);
}

/* Counters, then an endpoint a line. */
static void svc_type_print_more(const void *obj, FILE *f)
{
	const struct svc_info *svc = obj;
	unsigned int i;

	if (svc->has_stats)
		svc_stats_print(svc, f);
	for (i = 0; i < svc->eps.n; i++) {
		fputs("  ", f);
		ep_print(&svc->eps.v[i], svc->has_stats, f);
		putc('\n', f);
	}
}

static cJSON *svc_type_json(const void *obj)
{
	return svc_info_json(obj);
}

/*
 *   service add 10.96.0.10:53/udp sched rr policy cluster
 *   endpoint set 10.96.0.10:53/udp 10.244.1.2:5353,10.244.1.3:5353
 *   endpoint add 10.96.0.10:53/udp 10.244.1.2:5353 weight 3 local
 *
 * Endpoints with a weight or flags of their own are added again with them.
 */
static void svc_type_save(const void *obj, FILE *f)
{
	const struct svc_info *svc = obj;
	char buf[SVC_STRLEN];
	unsigned int i;

	fputs("service add ", f);
	svc_info_print(svc, f);
	putc('\n', f);
	if (!svc->eps.n)
		return;
	ep_set_print(&svc->key, &svc->eps, f);
	putc('\n', f);
	for (i = 0; i < svc->eps.n; i++) {
		const struct ep *ep = &svc->eps.v[i];

		if (ep->weight == 1 && !ep->flags)
			continue;
		fprintf(f, "endpoint add %s ", svc_key_fmt(&svc->key, buf));
		ep_print(ep, false, f);
		putc('\n', f);
	}
}

const struct obj_type svc_type = {
	.name = "service",
	.size = sizeof(struct svc_info),
	.get_cmd = PODNET_CMD_SERVICE_GET,
	.parse = svc_type_parse,
	.merge = svc_type_merge,
	.free = svc_type_free,
	.print = svc_type_print,
	.print_more = svc_type_print_more,
	.json = svc_type_json,
	.save = svc_type_save,
};
