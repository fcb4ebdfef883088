// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the per-node pod datapath of a Kubernetes cluster.
 */

#include <linux/genetlink.h>
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "nat.h"
#include "netlink.h"
#include "netns.h"
#include "port.h"

static int __init podnet_mod_init(void)
{
	int err;

	err = podnet_nat_init();
	if (err)
		goto err_nat;
	err = podnet_netns_init();
	if (err)
		goto err_netns;
	err = podnet_port_init();
	if (err)
		goto err_port;
	err = podnet_genl_init();
	if (err)
		goto err_genl;
	err = podnet_device_init();
	if (err)
		goto err_device;
	pr_info("pod datapath loaded\n");
	return 0;

err_device:
	podnet_genl_uninit();
err_genl:
	podnet_port_uninit();
err_port:
	podnet_netns_uninit();
err_netns:
	podnet_nat_uninit();
err_nat:
	return err;
}

static void __exit podnet_mod_exit(void)
{
	podnet_device_uninit();
	podnet_genl_uninit();
	podnet_port_uninit();
	podnet_netns_uninit();
	podnet_nat_uninit();
	/* Ports, services and endpoint sets are freed by RCU callbacks. */
	rcu_barrier();
}

module_init(podnet_mod_init);
module_exit(podnet_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("podnet: Kubernetes pod bridge and Service datapath");
MODULE_AUTHOR("The podnet authors");
MODULE_VERSION("0.1.0");
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(PODNET_GENL_NAME);
