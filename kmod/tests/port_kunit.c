// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for podnet's port and address tables (kmod/port.c): real
 * podnet and Ethernet devices are registered in init_net and attached,
 * bound, looked up and torn down through podnet.ko's own functions.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/ipv6.h>

#include "../device.h"
#include "../port.h"

#define PK_MAX_DEVS 210

struct pk_ctx {
	struct net_device *devs[PK_MAX_DEVS];
	unsigned int ndevs;
};

static netdev_tx_t pk_xmit(struct sk_buff *skb, struct net_device *dev)
{
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* Ports must look like veth node ends; these have no peer to deliver to. */
static struct net_device *pk_peer(struct net_device *dev)
{
	return NULL;
}

static const struct net_device_ops pk_eth_ops = {
	.ndo_start_xmit = pk_xmit,
	.ndo_get_peer_dev = pk_peer,
};

static void pk_eth_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &pk_eth_ops;
	/* The core insists on it for devices with ndo_get_peer_dev. */
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	eth_hw_addr_random(dev);
}

static struct net_device *pk_new(struct kunit *test, bool podnet)
{
	struct pk_ctx *ctx = test->priv;
	struct net_device *dev;
	int err;

	KUNIT_ASSERT_LT(test, ctx->ndevs, PK_MAX_DEVS);
	if (podnet)
		dev = alloc_netdev(sizeof(struct podnet_dev), "pnk%d",
				   NET_NAME_ENUM, podnet_setup);
	else
		dev = alloc_netdev(0, "pke%d", NET_NAME_ENUM, pk_eth_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	rtnl_lock();
	err = register_netdevice(dev);
	rtnl_unlock();
	if (err)
		free_netdev(dev);
	KUNIT_ASSERT_EQ(test, err, 0);
	ctx->devs[ctx->ndevs++] = dev;
	return dev;
}

static void pk_del(struct kunit *test, struct net_device *dev)
{
	struct pk_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ctx->ndevs; i++)
		if (ctx->devs[i] == dev)
			ctx->devs[i] = NULL;
	rtnl_lock();
	unregister_netdevice(dev);
	rtnl_unlock();
}

static void pk_spec(struct podnet_pod_spec *spec, const char *const *addrs,
		    unsigned int n)
{
	unsigned int i;

	memset(spec, 0, sizeof(*spec));
	for (i = 0; i < n; i++) {
		__be32 v4;

		if (in4_pton(addrs[i], -1, (u8 *)&v4, -1, NULL))
			ipv6_addr_set_v4mapped(v4, &spec->addrs[i]);
		else
			WARN_ON(!in6_pton(addrs[i], -1, spec->addrs[i].s6_addr,
					  -1, NULL));
	}
	spec->naddrs = n;
}

static int pk_attach(struct net_device *pdev, struct net_device *dev,
		     const char *const *addrs, unsigned int n)
{
	struct podnet_pod_spec spec;
	int err;

	pk_spec(&spec, addrs, n);
	rtnl_lock();
	err = podnet_port_attach(netdev_priv(pdev), dev, n ? &spec : NULL,
				 NULL);
	rtnl_unlock();
	return err;
}

static struct podnet_port *pk_lookup(struct net_device *pdev, const char *a)
{
	struct podnet_pod_spec spec;
	struct podnet_port *port;

	pk_spec(&spec, &a, 1);
	rcu_read_lock();
	port = podnet_addr_lookup(netdev_priv(pdev), &spec.addrs[0]);
	rcu_read_unlock();
	return port;
}

static struct podnet_port *pk_port(struct net_device *dev)
{
	struct podnet_port *port;

	rtnl_lock();
	port = podnet_port_get_rtnl(dev);
	rtnl_unlock();
	return port;
}

static void pk_bind_lookup(struct kunit *test)
{
	static const char *const addrs[] = { "10.244.1.2", "fd00:244:1::2" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth = pk_new(test, false);
	struct podnet_port *port;

	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth, addrs, 2), 0);
	port = pk_port(eth);
	KUNIT_ASSERT_NOT_NULL(test, port);
	KUNIT_EXPECT_PTR_EQ(test, port->pn, (struct podnet_dev *)netdev_priv(pn));
	KUNIT_EXPECT_EQ(test, port->naddrs, 2U);
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn, "10.244.1.2"), port);
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn, "fd00:244:1::2"), port);
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "10.244.1.3"));
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "fd00:244:1::3"));
	/* An IPv4 address is not its IPv4-compatible IPv6 twin. */
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "::10.244.1.2"));
	KUNIT_EXPECT_PTR_EQ(test, netdev_master_upper_dev_get_rcu(eth), pn);
	KUNIT_EXPECT_EQ(test, ((struct podnet_dev *)netdev_priv(pn))->nports, 1U);
}

static void pk_conflict_changes_nothing(struct kunit *test)
{
	static const char *const a[] = { "10.244.1.2" };
	static const char *const b[] = { "10.244.1.3", "10.244.1.2" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth1 = pk_new(test, false);
	struct net_device *eth2 = pk_new(test, false);
	struct podnet_port *port1;

	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth1, a, 1), 0);
	port1 = pk_port(eth1);
	KUNIT_EXPECT_EQ(test, pk_attach(pn, eth2, b, 2), -EEXIST);
	KUNIT_EXPECT_NULL(test, pk_port(eth2));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(eth2->rx_handler));
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "10.244.1.3"));
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn, "10.244.1.2"), port1);
	KUNIT_EXPECT_EQ(test, ((struct podnet_dev *)netdev_priv(pn))->nports, 1U);
}

static void pk_duplicate_in_request(struct kunit *test)
{
	static const char *const a[] = { "fd00::5", "10.0.0.5", "fd00::5" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth = pk_new(test, false);

	KUNIT_EXPECT_EQ(test, pk_attach(pn, eth, a, 3), -EEXIST);
	KUNIT_EXPECT_NULL(test, pk_port(eth));
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "fd00::5"));
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, "10.0.0.5"));
}

static void pk_same_address_two_devices(struct kunit *test)
{
	static const char *const a[] = { "10.244.1.2" };
	struct net_device *pn1 = pk_new(test, true);
	struct net_device *pn2 = pk_new(test, true);
	struct net_device *eth1 = pk_new(test, false);
	struct net_device *eth2 = pk_new(test, false);

	/* Tables are per podnet device: two pod networks may overlap. */
	KUNIT_ASSERT_EQ(test, pk_attach(pn1, eth1, a, 1), 0);
	KUNIT_ASSERT_EQ(test, pk_attach(pn2, eth2, a, 1), 0);
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn1, a[0]), pk_port(eth1));
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn2, a[0]), pk_port(eth2));
}

enum pk_bad_kind { PK_LOOPBACK, PK_PODNET, PK_ENSLAVED };

struct pk_bad_case {
	const char *name;
	enum pk_bad_kind kind;
	int err;
};

static const struct pk_bad_case pk_bad_cases[] = {
	{ "loopback", PK_LOOPBACK, -EINVAL },
	{ "podnet device", PK_PODNET, -EINVAL },
	{ "port of another master", PK_ENSLAVED, -EBUSY },
};

static void pk_bad_case_desc(const struct pk_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pk_bad, pk_bad_cases, pk_bad_case_desc);

static void pk_rejects_device(struct kunit *test)
{
	static const char *const a[] = { "10.244.9.9" };
	const struct pk_bad_case *c = test->param_value;
	struct net_device *pn = pk_new(test, true);
	struct net_device *dev;

	switch (c->kind) {
	case PK_LOOPBACK:
		dev = init_net.loopback_dev;
		break;
	case PK_PODNET:
		dev = pk_new(test, true);
		break;
	default:
		dev = pk_new(test, false);
		KUNIT_ASSERT_EQ(test, pk_attach(pk_new(test, true), dev, NULL, 0), 0);
		break;
	}
	KUNIT_EXPECT_EQ(test, pk_attach(pn, dev, a, 1), c->err);
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, a[0]));
	KUNIT_EXPECT_EQ(test, ((struct podnet_dev *)netdev_priv(pn))->nports, 0U);
}

static void pk_port_unregistered(struct kunit *test)
{
	static const char *const a[] = { "10.244.1.7", "fd00::7" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth = pk_new(test, false);

	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth, a, 2), 0);
	pk_del(test, eth);
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, a[0]));
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, a[1]));
	KUNIT_EXPECT_EQ(test, ((struct podnet_dev *)netdev_priv(pn))->nports, 0U);
}

static void pk_podnet_unregistered(struct kunit *test)
{
	static const char *const a[] = { "10.1.0.1" }, *const b[] = { "10.1.0.2" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth1 = pk_new(test, false);
	struct net_device *eth2 = pk_new(test, false);

	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth1, a, 1), 0);
	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth2, b, 1), 0);
	pk_del(test, pn);
	KUNIT_EXPECT_NULL(test, pk_port(eth1));
	KUNIT_EXPECT_NULL(test, pk_port(eth2));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(eth1->rx_handler));
	KUNIT_EXPECT_NULL(test, netdev_master_upper_dev_get_rcu(eth2));
}

static void pk_bind_after_master(struct kunit *test)
{
	static const char *const a[] = { "10.2.0.1" };
	struct net_device *pn = pk_new(test, true);
	struct net_device *eth = pk_new(test, false);
	struct podnet_pod_spec spec;
	struct podnet_port *port;

	/* "ip link set DEV master pn0": a port without addresses. */
	KUNIT_ASSERT_EQ(test, pk_attach(pn, eth, NULL, 0), 0);
	port = pk_port(eth);
	KUNIT_ASSERT_NOT_NULL(test, port);
	KUNIT_EXPECT_EQ(test, port->naddrs, 0U);
	pk_spec(&spec, a, 1);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, podnet_port_bind(port, &spec, NULL), 0);
	KUNIT_EXPECT_EQ(test, podnet_port_bind(port, &spec, NULL), -EEXIST);
	rtnl_unlock();
	KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn, a[0]), port);
	rtnl_lock();
	podnet_port_detach(port);
	rtnl_unlock();
	KUNIT_EXPECT_NULL(test, pk_lookup(pn, a[0]));
	KUNIT_EXPECT_NULL(test, pk_port(eth));
}

static void pk_many_ports(struct kunit *test)
{
	struct net_device *pn = pk_new(test, true);
	char (*buf)[INET6_ADDRSTRLEN];
	struct net_device **eth;
	const char *a[1];
	unsigned int i;

	eth = kunit_kcalloc(test, 200, sizeof(*eth), GFP_KERNEL);
	buf = kunit_kcalloc(test, 200, sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, eth);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 200; i++) {
		eth[i] = pk_new(test, false);
		snprintf(buf[i], sizeof(*buf), "10.3.%u.%u", i / 250, i % 250 + 1);
		a[0] = buf[i];
		KUNIT_ASSERT_EQ(test, pk_attach(pn, eth[i], a, 1), 0);
	}
	for (i = 0; i < 200; i++)
		KUNIT_EXPECT_PTR_EQ(test, pk_lookup(pn, buf[i]), pk_port(eth[i]));
	KUNIT_EXPECT_EQ(test, ((struct podnet_dev *)netdev_priv(pn))->nports, 200U);
}

static int pk_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct pk_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void pk_exit(struct kunit *test)
{
	struct pk_ctx *ctx = test->priv;
	LIST_HEAD(kill);
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < ctx->ndevs; i++)
		if (ctx->devs[i])
			unregister_netdevice_queue(ctx->devs[i], &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct kunit_case pk_cases[] = {
	KUNIT_CASE(pk_bind_lookup),
	KUNIT_CASE(pk_conflict_changes_nothing),
	KUNIT_CASE(pk_duplicate_in_request),
	KUNIT_CASE(pk_same_address_two_devices),
	KUNIT_CASE_PARAM(pk_rejects_device, pk_bad_gen_params),
	KUNIT_CASE(pk_port_unregistered),
	KUNIT_CASE(pk_podnet_unregistered),
	KUNIT_CASE(pk_bind_after_master),
	KUNIT_CASE(pk_many_ports),
	{}
};

static struct kunit_suite pk_suite = {
	.name = "podnet_port",
	.init = pk_init,
	.exit = pk_exit,
	.test_cases = pk_cases,
};

kunit_test_suite(pk_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for podnet's port and address tables");
MODULE_IMPORT_NS(PODNET_KUNIT);
