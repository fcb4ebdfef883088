// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for address parsing in the netlink layer (kmod/netlink.c):
 * every pod, service and endpoint address goes through it; and the
 * endpoint parser's own checks (kmod/netlink-svc.c), which podnetctl's
 * checks keep a request from reaching.
 */

#include <kunit/test.h>
#include <linux/inet.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "../netlink.h"
#include "../service.h"

struct nk_case {
	const char *addr;
	int err;
};

static const struct nk_case nk_cases[] = {
	{ "10.244.1.2", 0 },
	{ "192.0.2.255", 0 },
	{ "0.0.0.0", -EINVAL },
	{ "0.1.2.3", -EINVAL },
	{ "127.0.0.1", -EINVAL },
	{ "224.0.0.1", -EINVAL },
	{ "255.255.255.255", -EINVAL },
	{ "fd00:244:1::2", 0 },
	{ "2001:db8::1", 0 },
	{ "::", -EINVAL },
	{ "::1", -EINVAL },
	{ "fe80::1", -EINVAL },
	{ "ff02::1", -EINVAL },
	{ "::ffff:10.0.0.1", -EINVAL },
};

static void nk_desc(const struct nk_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->addr);
}

KUNIT_ARRAY_PARAM(nk, nk_cases, nk_desc);

static void nk_parse_addr(struct kunit *test)
{
	const struct nk_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct {
		struct nlattr nla;
		u8 data[16];
	} attr = {};
	struct in6_addr got, want;
	bool v4;

	v4 = in4_pton(c->addr, -1, attr.data, -1, NULL);
	if (v4) {
		attr.nla.nla_type = PODNET_ADDR_A_IPV4;
		attr.nla.nla_len = nla_attr_size(4);
		ipv6_addr_set_v4mapped(*(__be32 *)attr.data, &want);
	} else {
		KUNIT_ASSERT_TRUE(test, in6_pton(c->addr, -1, attr.data, -1, NULL));
		attr.nla.nla_type = PODNET_ADDR_A_IPV6;
		attr.nla.nla_len = nla_attr_size(16);
		memcpy(&want, attr.data, 16);
	}
	KUNIT_EXPECT_EQ(test, podnet_nl_parse_addr(&attr.nla, &got, &extack),
			c->err);
	if (c->err) {
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)&attr.nla);
	} else {
		KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&got, &want));
	}
}

struct nk_ep_case {
	const char *addr;	/* the endpoint's */
	bool v4;		/* the service's family */
	int err;
};

static const struct nk_ep_case nk_ep_cases[] = {
	{ "10.244.1.2", true, 0 },
	{ "fd00:244:1::2", false, 0 },
	{ "fd00:244:1::2", true, -EINVAL },
	{ "10.244.1.2", false, -EINVAL },
};

static void nk_ep_desc(const struct nk_ep_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s on an IPv%d service", c->addr,
		 c->v4 ? 4 : 6);
}

KUNIT_ARRAY_PARAM(nk_ep, nk_ep_cases, nk_ep_desc);

/*
 * An endpoint of another family than its service is refused by the
 * kernel, naming the endpoint's address.
 */
static void nk_ep_family(struct kunit *test)
{
	const struct nk_ep_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct nlattr *ep_nest, *addr_nest;
	struct podnet_ep_spec ep;
	struct sk_buff *skb;
	u8 a[16];
	bool v4;

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	v4 = in4_pton(c->addr, -1, a, -1, NULL);
	KUNIT_ASSERT_TRUE(test, v4 || in6_pton(c->addr, -1, a, -1, NULL));
	ep_nest = nla_nest_start(skb, PODNET_EPS_A_ENDPOINT);
	addr_nest = nla_nest_start(skb, PODNET_EP_A_ADDR);
	KUNIT_ASSERT_EQ(test, nla_put(skb, v4 ? PODNET_ADDR_A_IPV4 : PODNET_ADDR_A_IPV6,
				      v4 ? 4 : 16, a), 0);
	nla_nest_end(skb, addr_nest);
	KUNIT_ASSERT_EQ(test, nla_put_u16(skb, PODNET_EP_A_PORT, 8080), 0);
	nla_nest_end(skb, ep_nest);

	KUNIT_EXPECT_EQ(test, podnet_nl_ep_spec(ep_nest, c->v4, true, &ep, &extack),
			c->err);
	if (c->err) {
		KUNIT_EXPECT_STREQ(test, extack._msg,
				   "podnet: endpoint of another family than the service");
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)addr_nest);
	} else {
		KUNIT_EXPECT_EQ(test, ntohs(ep.port), 8080);
		KUNIT_EXPECT_EQ(test, ipv6_addr_v4mapped(&ep.addr), c->v4);
		KUNIT_EXPECT_PTR_EQ(test, extack._msg, (const char *)NULL);
	}
	kfree_skb(skb);
}

static struct kunit_case nk_test_cases[] = {
	KUNIT_CASE_PARAM(nk_parse_addr, nk_gen_params),
	KUNIT_CASE_PARAM(nk_ep_family, nk_ep_gen_params),
	{}
};

static struct kunit_suite nk_suite = {
	.name = "podnet_netlink",
	.test_cases = nk_test_cases,
};

kunit_test_suite(nk_suite);
