// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for endpoint choice (kmod/sched.c): eligible pools (ready,
 * terminating, local), weighted random and round robin, Maglev spread and
 * disruption, ClientIP affinity and its expiry.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "../sched.h"

static void sk_specs(struct podnet_ep_spec *specs, unsigned int n, u16 weight)
{
	unsigned int i;

	memset(specs, 0, n * sizeof(*specs));
	for (i = 0; i < n; i++) {
		ipv6_addr_set_v4mapped(htonl(0x0af40000 + i + 1), &specs[i].addr);
		specs[i].port = htons(8080);
		specs[i].weight = weight;
	}
}

static struct podnet_svc *sk_svc(struct kunit *test, u8 sched, u32 affinity)
{
	static u32 id = 0xfff00000;
	struct podnet_svc *svc;

	svc = kunit_kzalloc(test, sizeof(*svc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->spec.sched = sched;
	svc->spec.affinity = affinity;
	svc->net = &init_net;
	svc->id = id++;
	return svc;
}

static struct podnet_eps *sk_eps(struct kunit *test,
				 const struct podnet_ep_spec *specs,
				 unsigned int n, u8 sched)
{
	struct podnet_eps *eps = podnet_eps_build(specs, n, sched, NULL);

	KUNIT_ASSERT_NOT_NULL(test, eps);
	return eps;
}

static void sk_flow(struct podnet_flow *flow, u32 client, u16 sport)
{
	memset(flow, 0, sizeof(*flow));
	ipv6_addr_set_v4mapped(htonl(client), &flow->saddr);
	flow->sport = htons(sport);
	flow->proto = IPPROTO_TCP;
}

static int sk_index(const struct podnet_eps *eps, const struct podnet_ep *ep)
{
	return ep ? ep - eps->ep : -1;
}

static void sk_terminating_only_when_no_ready(struct kunit *test)
{
	struct podnet_svc *svc = sk_svc(test, PODNET_SCHED_RANDOM, 0);
	struct podnet_ep_spec specs[3];
	struct podnet_eps *eps;
	struct podnet_flow flow;
	int i;

	sk_specs(specs, 3, 1);
	specs[0].flags = PODNET_EP_F_TERMINATING;
	specs[2].flags = PODNET_EP_F_TERMINATING;
	eps = sk_eps(test, specs, 3, svc->spec.sched);
	for (i = 0; i < 200; i++) {
		sk_flow(&flow, 0x0a000001, 1000 + i);
		KUNIT_EXPECT_EQ(test, sk_index(eps, podnet_sched_pick(svc, eps, false, &flow)), 1);
	}
	podnet_eps_free(eps);

	/* No ready endpoint left: the terminating ones still serve. */
	specs[1].flags = PODNET_EP_F_TERMINATING;
	eps = sk_eps(test, specs, 3, svc->spec.sched);
	KUNIT_EXPECT_EQ(test, eps->cluster.n, 3U);
	podnet_eps_free(eps);
}

static void sk_local_only(struct kunit *test)
{
	struct podnet_svc *svc = sk_svc(test, PODNET_SCHED_RR, 0);
	struct podnet_ep_spec specs[4];
	struct podnet_eps *eps;
	struct podnet_flow flow;
	int i;

	sk_specs(specs, 4, 1);
	specs[3].flags = PODNET_EP_F_LOCAL;
	eps = sk_eps(test, specs, 4, svc->spec.sched);
	sk_flow(&flow, 0xc6336401, 4000);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_EQ(test, sk_index(eps, podnet_sched_pick(svc, eps, true, &flow)), 3);
	podnet_eps_free(eps);

	specs[3].flags = 0;
	eps = sk_eps(test, specs, 4, svc->spec.sched);
	KUNIT_EXPECT_NULL(test, podnet_sched_pick(svc, eps, true, &flow));
	KUNIT_EXPECT_NOT_NULL(test, podnet_sched_pick(svc, eps, false, &flow));
	podnet_eps_free(eps);
}

static void sk_empty_set(struct kunit *test)
{
	struct podnet_svc *svc = sk_svc(test, PODNET_SCHED_MAGLEV, 0);
	struct podnet_eps *eps = sk_eps(test, NULL, 0, svc->spec.sched);
	struct podnet_flow flow;

	sk_flow(&flow, 1, 1);
	KUNIT_EXPECT_NULL(test, podnet_sched_pick(svc, eps, false, &flow));
	podnet_eps_free(eps);
}

struct sk_weight_case {
	const char *name;
	u8 sched;
};

static const struct sk_weight_case sk_weight_cases[] = {
	{ "random", PODNET_SCHED_RANDOM },
	{ "rr", PODNET_SCHED_RR },
	{ "maglev", PODNET_SCHED_MAGLEV },
};

static void sk_weight_desc(const struct sk_weight_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sk_weight, sk_weight_cases, sk_weight_desc);

/* Weights 1, 1, 2: the third endpoint gets about half the connections. */
static void sk_weights_honoured(struct kunit *test)
{
	const struct sk_weight_case *c = test->param_value;
	struct podnet_svc *svc = sk_svc(test, c->sched, 0);
	unsigned int count[3] = {}, i, n = 12000;
	struct podnet_ep_spec specs[3];
	struct podnet_eps *eps;
	struct podnet_flow flow;

	sk_specs(specs, 3, 1);
	specs[2].weight = 2;
	eps = sk_eps(test, specs, 3, c->sched);
	for (i = 0; i < n; i++) {
		int k;

		sk_flow(&flow, 0x0a000000 + i, 30000 + i % 5000);
		k = sk_index(eps, podnet_sched_pick(svc, eps, false, &flow));
		KUNIT_ASSERT_GE(test, k, 0);
		count[k]++;
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_GT(test, count[i], n / 4 - n / 20);
		KUNIT_EXPECT_LT(test, count[i], n / 4 + n / 20);
	}
	KUNIT_EXPECT_GT(test, count[2], n / 2 - n / 20);
	KUNIT_EXPECT_LT(test, count[2], n / 2 + n / 20);
	podnet_eps_free(eps);
}

static void sk_rr_cycles(struct kunit *test)
{
	struct podnet_svc *svc = sk_svc(test, PODNET_SCHED_RR, 0);
	struct podnet_ep_spec specs[4];
	struct podnet_eps *eps;
	struct podnet_flow flow;
	unsigned int seen = 0, i;

	sk_specs(specs, 4, 1);
	eps = sk_eps(test, specs, 4, PODNET_SCHED_RR);
	sk_flow(&flow, 0x0a000001, 1);
	for (i = 0; i < 4; i++)
		seen |= 1U << sk_index(eps, podnet_sched_pick(svc, eps, false, &flow));
	KUNIT_EXPECT_EQ(test, seen, 0xfU);
	podnet_eps_free(eps);
}

/* Maglev: every endpoint owns close to M/N slots. */
static void sk_maglev_even(struct kunit *test)
{
	const unsigned int n = 50, m = PODNET_MAGLEV_SIZE;
	struct podnet_ep_spec *specs;
	unsigned int *count, i;
	struct podnet_eps *eps;

	specs = kunit_kcalloc(test, n, sizeof(*specs), GFP_KERNEL);
	count = kunit_kcalloc(test, n, sizeof(*count), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, specs);
	KUNIT_ASSERT_NOT_NULL(test, count);
	sk_specs(specs, n, 1);
	eps = sk_eps(test, specs, n, PODNET_SCHED_MAGLEV);
	KUNIT_ASSERT_NOT_NULL(test, eps->cluster.maglev);
	for (i = 0; i < m; i++) {
		KUNIT_ASSERT_LT(test, (unsigned int)eps->cluster.maglev[i], n);
		count[eps->cluster.maglev[i]]++;
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_GE(test, count[i], m / n - 1);
		KUNIT_EXPECT_LE(test, count[i], m / n + 1);
	}
	podnet_eps_free(eps);
}

/*
 * Maglev: removing one of N endpoints moves its own slots, and only few
 * others (Cilium quotes about 1 % when M > 100 N).
 */
static void sk_maglev_disruption(struct kunit *test)
{
	const unsigned int n = 100, m = PODNET_MAGLEV_SIZE, gone = 37;
	unsigned int moved = 0, i;
	struct podnet_ep_spec *specs;
	struct podnet_eps *a, *b;

	specs = kunit_kcalloc(test, n, sizeof(*specs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, specs);
	sk_specs(specs, n, 1);
	a = sk_eps(test, specs, n, PODNET_SCHED_MAGLEV);
	specs[gone] = specs[n - 1];
	b = sk_eps(test, specs, n - 1, PODNET_SCHED_MAGLEV);
	for (i = 0; i < m; i++) {
		const struct podnet_ep *ea = &a->ep[a->cluster.idx[a->cluster.maglev[i]]];
		const struct podnet_ep *eb = &b->ep[b->cluster.idx[b->cluster.maglev[i]]];

		if (ea - a->ep == gone)
			continue;
		if (!ipv6_addr_equal(&ea->addr, &eb->addr))
			moved++;
	}
	kunit_info(test, "maglev: %u of %u slots moved besides the removed endpoint's (%u.%02u%%)",
		   moved, m, moved * 100 / m, moved * 10000 / m % 100);
	KUNIT_EXPECT_LT(test, moved * 100, m * 2);
	podnet_eps_free(a);
	podnet_eps_free(b);
}

/* Same client address, any port: same endpoint, until the timeout. */
static void sk_affinity_sticks_and_expires(struct kunit *test)
{
	struct podnet_svc *svc = sk_svc(test, PODNET_SCHED_RR, 1);
	struct podnet_ep_spec specs[3];
	struct podnet_eps *eps;
	struct podnet_flow flow;
	int first, i;

	sk_specs(specs, 3, 1);
	eps = sk_eps(test, specs, 3, PODNET_SCHED_RR);
	rcu_read_lock();
	sk_flow(&flow, 0x0a0000fe, 1000);
	first = sk_index(eps, podnet_sched_pick(svc, eps, false, &flow));
	for (i = 0; i < 10; i++) {
		sk_flow(&flow, 0x0a0000fe, 2000 + i);
		KUNIT_EXPECT_EQ(test, sk_index(eps, podnet_sched_pick(svc, eps, false, &flow)), first);
	}
	/* Another client is round-robined past it. */
	sk_flow(&flow, 0x0a0000fd, 1000);
	KUNIT_EXPECT_NE(test, sk_index(eps, podnet_sched_pick(svc, eps, false, &flow)), first);
	rcu_read_unlock();

	msleep(2100);
	rcu_read_lock();
	sk_flow(&flow, 0x0a0000fe, 3000);
	/* Expired: round robin goes on from where it was, to another one. */
	KUNIT_EXPECT_NE(test, sk_index(eps, podnet_sched_pick(svc, eps, false, &flow)), first);
	rcu_read_unlock();
	podnet_eps_free(eps);
}

static struct kunit_case sk_cases[] = {
	KUNIT_CASE(sk_terminating_only_when_no_ready),
	KUNIT_CASE(sk_local_only),
	KUNIT_CASE(sk_empty_set),
	KUNIT_CASE_PARAM(sk_weights_honoured, sk_weight_gen_params),
	KUNIT_CASE(sk_rr_cycles),
	KUNIT_CASE(sk_maglev_even),
	KUNIT_CASE(sk_maglev_disruption),
	KUNIT_CASE(sk_affinity_sticks_and_expires),
	{}
};

static struct kunit_suite sk_suite = {
	.name = "podnet_sched",
	.test_cases = sk_cases,
};

kunit_test_suite(sk_suite);
