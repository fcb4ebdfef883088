// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the service tables (kmod/service.c): frontends by ClusterIP,
 * external address and NodePort; a known ClusterIP with an unknown port; a
 * service added with its endpoints; a refused service (conflict,
 * max_services, max_endpoints) leaving the tables as they were; a service
 * changed in place, or not at all when a new frontend is taken.
 * Runs in init_net with addresses of 10.254.0.0/16 and removes what it adds.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "../netns.h"
#include "../service.h"

static void sv_key(struct podnet_fe_key *key, u32 addr, u16 port)
{
	memset(key, 0, sizeof(*key));
	ipv6_addr_set_v4mapped(htonl(addr), &key->addr);
	key->port = htons(port);
	key->proto = IPPROTO_TCP;
}

static void sv_spec(struct podnet_svc_spec *spec, u32 addr, u16 port,
		    u16 nodeport)
{
	memset(spec, 0, sizeof(*spec));
	sv_key(&spec->key, addr, port);
	spec->nodeport = htons(nodeport);
}

static bool sv_local(struct net *net, const struct in6_addr *a)
{
	return true;
}

static bool sv_not_local(struct net *net, const struct in6_addr *a)
{
	return false;
}

static int sv_add_full(const struct podnet_svc_spec *spec,
		       const struct podnet_svc_ext *ext,
		       const struct podnet_ep_spec *eps, unsigned int n,
		       struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = podnet_net(&init_net);
	int err;

	mutex_lock(&pnet->svc_lock);
	err = podnet_svc_add(&init_net, spec, ext, eps, n, extack);
	mutex_unlock(&pnet->svc_lock);
	return err;
}

static int sv_add(const struct podnet_svc_spec *spec,
		  struct netlink_ext_ack *extack)
{
	return sv_add_full(spec, NULL, NULL, 0, extack);
}

static struct podnet_svc *sv_find(const struct podnet_fe_key *key)
{
	struct podnet_net *pnet = podnet_net(&init_net);
	struct podnet_svc *svc;

	mutex_lock(&pnet->svc_lock);
	svc = podnet_svc_find(&init_net, key);
	mutex_unlock(&pnet->svc_lock);
	return svc;
}

static void sv_del(const struct podnet_fe_key *key)
{
	struct podnet_net *pnet = podnet_net(&init_net);
	struct podnet_svc *svc;

	mutex_lock(&pnet->svc_lock);
	svc = podnet_svc_find(&init_net, key);
	if (svc)
		podnet_svc_del(&init_net, svc);
	mutex_unlock(&pnet->svc_lock);
}

/* What a new connection to @key finds; *@known: the address is a ClusterIP. */
static struct podnet_svc *sv_lookup(const struct podnet_fe_key *key,
				    bool (*local)(struct net *,
						  const struct in6_addr *),
				    bool *known)
{
	struct podnet_svc *svc;
	bool dummy;

	rcu_read_lock();
	svc = podnet_fe_lookup(&init_net, key, local, known ?: &dummy, NULL);
	rcu_read_unlock();
	return svc;
}

static unsigned int sv_count(void)
{
	return READ_ONCE(podnet_net(&init_net)->nsvcs);
}

static void sv_clusterip_and_external(struct kunit *test)
{
	struct podnet_svc_ext ext = {};
	struct podnet_svc_spec spec;
	struct podnet_fe_key key;
	struct podnet_svc *svc;
	bool known;

	sv_spec(&spec, 0x0afe000a, 80, 0);
	ext.n = 1;
	ipv6_addr_set_v4mapped(htonl(0x0afe0a4d), &ext.addr[0]);
	KUNIT_ASSERT_EQ(test, sv_add_full(&spec, &ext, NULL, 0, NULL), 0);
	svc = sv_find(&spec.key);
	KUNIT_ASSERT_NOT_NULL(test, svc);

	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&spec.key, sv_local, NULL), svc);
	sv_key(&key, 0x0afe0a4d, 80);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&key, sv_local, NULL), svc);
	/* Another port of the external address is nothing of ours. */
	sv_key(&key, 0x0afe0a4d, 81);
	known = true;
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, &known));
	KUNIT_EXPECT_FALSE(test, known);
	/* Another port of the ClusterIP: known, to be rejected. */
	sv_key(&key, 0x0afe000a, 81);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, &known));
	KUNIT_EXPECT_TRUE(test, known);
	/* UDP to the same address and port is another service. */
	sv_key(&key, 0x0afe000a, 80);
	key.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));
	/* The external address is not a ClusterIP: no service by that key. */
	sv_key(&key, 0x0afe0a4d, 80);
	KUNIT_EXPECT_NULL(test, sv_find(&key));

	sv_del(&spec.key);
	KUNIT_EXPECT_NULL(test, sv_lookup(&spec.key, sv_local, &known));
	KUNIT_EXPECT_FALSE(test, known);
	sv_key(&key, 0x0afe0a4d, 80);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));
}

static void sv_nodeport(struct kunit *test)
{
	unsigned int nodeports = READ_ONCE(podnet_net(&init_net)->nodeports);
	struct podnet_svc_spec spec;
	struct podnet_fe_key key;
	struct podnet_svc *svc;

	sv_spec(&spec, 0x0afe0014, 80, 30080);
	KUNIT_ASSERT_EQ(test, sv_add(&spec, NULL), 0);
	svc = sv_find(&spec.key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_EQ(test, READ_ONCE(podnet_net(&init_net)->nodeports),
			nodeports + 1);

	/* Any local address of the node, that port. */
	sv_key(&key, 0xc6336407, 30080);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&key, sv_local, NULL), svc);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_not_local, NULL));
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&key, NULL, NULL), svc);
	sv_key(&key, 0xc6336407, 30081);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));
	/* An IPv4 service's NodePort is not an IPv6 one. */
	memset(&key.addr, 0, sizeof(key.addr));
	key.addr.s6_addr[15] = 1;
	key.port = htons(30080);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));

	sv_del(&spec.key);
	sv_key(&key, 0xc6336407, 30080);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));
	KUNIT_EXPECT_EQ(test, READ_ONCE(podnet_net(&init_net)->nodeports),
			nodeports);
}

static void sv_conflict_changes_nothing(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct podnet_svc_ext ext = {};
	struct podnet_svc_spec a, b;
	struct podnet_fe_key key;
	struct podnet_svc *svc;
	unsigned int n;

	sv_spec(&a, 0x0afe001e, 80, 30090);
	KUNIT_ASSERT_EQ(test, sv_add(&a, NULL), 0);
	svc = sv_find(&a.key);
	n = sv_count();

	/* Another service, an external address then a NodePort in use. */
	sv_spec(&b, 0x0afe001f, 80, 30090);
	ext.n = 1;
	ipv6_addr_set_v4mapped(htonl(0x0afe0a4e), &ext.addr[0]);
	KUNIT_EXPECT_EQ(test, sv_add_full(&b, &ext, NULL, 0, &extack), -EEXIST);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "NodePort"));
	KUNIT_EXPECT_EQ(test, sv_count(), n);
	KUNIT_EXPECT_NULL(test, sv_find(&b.key));
	/* Its frontends linked before the conflict were taken back. */
	KUNIT_EXPECT_NULL(test, sv_lookup(&b.key, sv_local, NULL));
	sv_key(&key, 0x0afe0a4e, 80);
	KUNIT_EXPECT_NULL(test, sv_lookup(&key, sv_local, NULL));
	sv_key(&key, 0xc6336407, 30090);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&key, sv_local, NULL), svc);

	/* The same service twice. */
	memset(&extack, 0, sizeof(extack));
	KUNIT_EXPECT_EQ(test, sv_add(&a, &extack), -EEXIST);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "already exists"));
	KUNIT_EXPECT_EQ(test, sv_count(), n);
	KUNIT_EXPECT_PTR_EQ(test, sv_find(&a.key), svc);

	sv_del(&a.key);
	KUNIT_EXPECT_EQ(test, sv_count(), n - 1);
}

static int sv_change(const struct podnet_fe_key *key,
		     const struct podnet_svc_spec *spec,
		     const struct podnet_svc_ext *ext,
		     struct netlink_ext_ack *extack)
{
	struct podnet_net *pnet = podnet_net(&init_net);
	struct podnet_svc *svc;
	int err = -ENOENT;

	mutex_lock(&pnet->svc_lock);
	svc = podnet_svc_find(&init_net, key);
	if (svc)
		err = podnet_svc_change(&init_net, svc, spec, ext, extack);
	mutex_unlock(&pnet->svc_lock);
	return err;
}

static void sv_change_in_place(struct kunit *test)
{
	unsigned int nodeports = READ_ONCE(podnet_net(&init_net)->nodeports);
	struct netlink_ext_ack extack = {};
	struct podnet_svc_ext ext = {};
	struct podnet_svc_spec a, b;
	struct podnet_svc *svc, *nsvc;
	struct podnet_fe_key x, y, np;
	unsigned int n;
	u32 id;

	sv_spec(&a, 0x0afe0028, 80, 30091);
	ext.n = 1;
	ipv6_addr_set_v4mapped(htonl(0x0afe0a50), &ext.addr[0]);
	KUNIT_ASSERT_EQ(test, sv_add_full(&a, &ext, NULL, 0, NULL), 0);
	sv_spec(&b, 0x0afe0029, 80, 30092);
	KUNIT_ASSERT_EQ(test, sv_add(&b, NULL), 0);
	svc = sv_find(&a.key);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	id = svc->id;
	n = sv_count();
	sv_key(&x, 0x0afe0a50, 80);
	sv_key(&y, 0x0afe0a51, 80);
	sv_key(&np, 0xc6336407, 30091);

	/* A new external address, then B's NodePort: nothing changes. */
	a.nodeport = htons(30092);
	ipv6_addr_set_v4mapped(htonl(0x0afe0a51), &ext.addr[0]);
	KUNIT_EXPECT_EQ(test, sv_change(&a.key, &a, &ext, &extack), -EEXIST);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "NodePort"));
	KUNIT_EXPECT_PTR_EQ(test, sv_find(&a.key), svc);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&x, sv_local, NULL), svc);
	KUNIT_EXPECT_NULL(test, sv_lookup(&y, sv_local, NULL));
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&np, sv_local, NULL), svc);

	/* Another NodePort and external address, round robin: in place. */
	a.nodeport = htons(30093);
	a.sched = PODNET_SCHED_RR;
	KUNIT_EXPECT_EQ(test, sv_change(&a.key, &a, &ext, NULL), 0);
	nsvc = sv_find(&a.key);
	KUNIT_ASSERT_NOT_NULL(test, nsvc);
	KUNIT_EXPECT_EQ(test, nsvc->spec.sched, PODNET_SCHED_RR);
	KUNIT_EXPECT_EQ(test, nsvc->id, id);
	KUNIT_EXPECT_EQ(test, sv_count(), n);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&a.key, sv_local, NULL), nsvc);
	KUNIT_EXPECT_NULL(test, sv_lookup(&x, sv_local, NULL));
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&y, sv_local, NULL), nsvc);
	KUNIT_EXPECT_NULL(test, sv_lookup(&np, sv_local, NULL));
	sv_key(&np, 0xc6336407, 30093);
	KUNIT_EXPECT_PTR_EQ(test, sv_lookup(&np, sv_local, NULL), nsvc);
	KUNIT_EXPECT_EQ(test, READ_ONCE(podnet_net(&init_net)->nodeports),
			nodeports + 2);

	/* No NodePort any more. */
	a.nodeport = 0;
	KUNIT_EXPECT_EQ(test, sv_change(&a.key, &a, NULL, NULL), 0);
	KUNIT_EXPECT_NULL(test, sv_lookup(&np, sv_local, NULL));
	KUNIT_EXPECT_NULL(test, sv_lookup(&y, sv_local, NULL));
	KUNIT_EXPECT_EQ(test, READ_ONCE(podnet_net(&init_net)->nodeports),
			nodeports + 1);

	sv_del(&a.key);
	sv_del(&b.key);
	KUNIT_EXPECT_EQ(test, sv_count(), n - 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(podnet_net(&init_net)->nodeports),
			nodeports);
}

static void sv_max_services(struct kunit *test)
{
	unsigned int max = podnet_max_services, n = sv_count();
	struct netlink_ext_ack extack = {};
	struct podnet_svc_spec spec;

	sv_spec(&spec, 0x0afe0028, 80, 0);
	podnet_max_services = n + 1;
	KUNIT_EXPECT_EQ(test, sv_add(&spec, NULL), 0);
	spec.key.port = htons(81);
	KUNIT_EXPECT_EQ(test, sv_add(&spec, &extack), -ENOSPC);
	podnet_max_services = max;
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "max_services"));
	KUNIT_EXPECT_NULL(test, sv_find(&spec.key));
	KUNIT_EXPECT_EQ(test, sv_count(), n + 1);
	spec.key.port = htons(80);
	sv_del(&spec.key);
	KUNIT_EXPECT_EQ(test, sv_count(), n);
}

static void sv_with_endpoints(struct kunit *test)
{
	unsigned int max = podnet_max_endpoints, n = sv_count();
	struct netlink_ext_ack extack = {};
	struct podnet_ep_spec eps[2] = {};
	struct podnet_svc_spec spec;
	struct podnet_svc *svc;
	unsigned int i, neps;

	for (i = 0; i < ARRAY_SIZE(eps); i++) {
		ipv6_addr_set_v4mapped(htonl(0x0afe6402 + i), &eps[i].addr);
		eps[i].port = htons(8080);
		eps[i].weight = 1;
	}
	sv_spec(&spec, 0x0afe0032, 80, 0);
	/* Over max_endpoints: no service at all. */
	podnet_max_endpoints = 1;
	KUNIT_EXPECT_EQ(test, sv_add_full(&spec, NULL, eps, 2, &extack), -ENOSPC);
	podnet_max_endpoints = max;
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "max_endpoints"));
	KUNIT_EXPECT_NULL(test, sv_find(&spec.key));
	KUNIT_EXPECT_NULL(test, sv_lookup(&spec.key, sv_local, NULL));
	KUNIT_EXPECT_EQ(test, sv_count(), n);

	/* Its first packet finds both endpoints. */
	KUNIT_ASSERT_EQ(test, sv_add_full(&spec, NULL, eps, 2, NULL), 0);
	rcu_read_lock();
	svc = podnet_fe_lookup(&init_net, &spec.key, sv_local, NULL, NULL);
	neps = svc ? rcu_dereference(svc->eps)->n : 0;
	KUNIT_EXPECT_EQ(test, neps, 2U);
	KUNIT_EXPECT_TRUE(test, svc &&
		ipv6_addr_equal(&rcu_dereference(svc->eps)->ep[1].addr,
				&eps[1].addr));
	rcu_read_unlock();
	sv_del(&spec.key);
	KUNIT_EXPECT_EQ(test, sv_count(), n);
}

/* Endpoint i of a large list: 10.254.(i / 200).(i % 200):8080 + i % 3. */
static void sv_ep(struct podnet_ep_spec *ep, unsigned int i)
{
	memset(ep, 0, sizeof(*ep));
	ipv6_addr_set_v4mapped(htonl(0x0afe0000 + ((i / 200) << 8) + i % 200),
			       &ep->addr);
	ep->port = htons(8080 + i % 3);
}

static void sv_ep_index(struct kunit *test)
{
	const unsigned int n = 5000;
	struct podnet_ep_spec *eps, probe;
	struct podnet_ep_index ix;
	unsigned int i;

	eps = kunit_kcalloc(test, n, sizeof(*eps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, eps);
	/* In reverse, so that sorting has work to do. */
	for (i = 0; i < n; i++)
		sv_ep(&eps[i], n - 1 - i);
	KUNIT_ASSERT_EQ(test, podnet_ep_index_init(&ix, eps, n), 0);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_dup(&ix), -1);
	for (i = 0; i < n; i++) {
		sv_ep(&probe, i);
		probe.weight = 7;	/* not compared */
		KUNIT_EXPECT_EQ(test, podnet_ep_index_find(&ix, &probe),
				(int)(n - 1 - i));
	}
	sv_ep(&probe, 0);
	probe.port = htons(9999);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_find(&ix, &probe), -1);
	sv_ep(&probe, n);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_find(&ix, &probe), -1);
	podnet_ep_index_free(&ix);

	/* Repeats: the first entry that repeats an earlier one is named. */
	eps[4000] = eps[10];
	eps[3000] = eps[2999];
	eps[4500] = eps[10];
	KUNIT_ASSERT_EQ(test, podnet_ep_index_init(&ix, eps, n), 0);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_dup(&ix), 3000);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_find(&ix, &eps[10]), 10);
	podnet_ep_index_free(&ix);

	/* Empty. */
	KUNIT_ASSERT_EQ(test, podnet_ep_index_init(&ix, eps, 0), 0);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_dup(&ix), -1);
	KUNIT_EXPECT_EQ(test, podnet_ep_index_find(&ix, &eps[0]), -1);
	podnet_ep_index_free(&ix);
}

static struct kunit_case sv_cases[] = {
	KUNIT_CASE(sv_clusterip_and_external),
	KUNIT_CASE(sv_nodeport),
	KUNIT_CASE(sv_conflict_changes_nothing),
	KUNIT_CASE(sv_change_in_place),
	KUNIT_CASE(sv_max_services),
	KUNIT_CASE(sv_with_endpoints),
	KUNIT_CASE(sv_ep_index),
	{}
};

static struct kunit_suite sv_suite = {
	.name = "podnet_service",
	.test_cases = sv_cases,
};

kunit_test_suite(sv_suite);
