// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state. Each namespace is an independent node: its
 * own podnet devices, ports and addresses.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "kunit.h"
#include "netns.h"
#include "device.h"
#include "node.h"
#include "service.h"

unsigned int podnet_net_id __read_mostly;
PODNET_EXPORT_FOR_KUNIT(podnet_net_id);

static int __net_init podnet_net_init(struct net *net)
{
	struct podnet_net *pnet = podnet_net(net);

	INIT_LIST_HEAD(&pnet->devs);
	INIT_LIST_HEAD(&pnet->nodes);
	INIT_LIST_HEAD(&pnet->uplinks);
	return podnet_svc_net_init(net);
}

/*
 * Delete the podnet devices of dying namespaces in one batch, as vxlan and
 * geneve do: the core deletes rtnl_link_ops devices too, but later, and a
 * batch here keeps the teardown to one unregister_netdevice_many(), with
 * the other nodes and the uplink hooks they hold. Then their services: no
 * pod sends through a node whose services are gone (a .exit would run
 * before this, ops_exit_list() of 6.1).
 */
static void __net_exit podnet_net_exit_batch(struct list_head *net_list)
{
	struct podnet_dev *pn, *tmp;
	LIST_HEAD(kill);
	struct net *net;

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		list_for_each_entry_safe(pn, tmp, &podnet_net(net)->devs, node)
			unregister_netdevice_queue(pn->dev, &kill);
		podnet_node_net_exit(net);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list)
		podnet_svc_net_unhook(net);
	/*
	 * A packet in a hook just taken off (an uplink's, NAT's) is done with
	 * the namespace's state before it is freed: the hooks' own removal
	 * does not wait for it, and on module removal nothing else does
	 * before ops_free_list() (unregister_pernet_device() of 6.1).
	 */
	synchronize_net();
	list_for_each_entry(net, net_list, exit_list) {
		WARN_ON_ONCE(!list_empty(&podnet_net(net)->devs));
		podnet_svc_net_exit(net);
	}
}

static struct pernet_operations podnet_net_ops = {
	.init = podnet_net_init,
	.exit_batch = podnet_net_exit_batch,
	.id = &podnet_net_id,
	.size = sizeof(struct podnet_net),
};

/**
 * podnet_netns_init() - register the per-namespace state
 *
 * Return: 0 or a negative errno.
 */
int __init podnet_netns_init(void)
{
	return register_pernet_device(&podnet_net_ops);
}

/**
 * podnet_netns_uninit() - unregister the per-namespace state
 */
void podnet_netns_uninit(void)
{
	unregister_pernet_device(&podnet_net_ops);
}
