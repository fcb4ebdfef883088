// SPDX-License-Identifier: GPL-2.0
/*
 * kube-ports: what tools/kube makes of Service and EndpointSlice objects,
 * without a kernel: the podnet service ports one node should have, one
 * line each, in a fixed order, for tools/tests/kube.sh to compare; and of
 * Node objects, a line each as they are read.
 *
 *   kube-ports [--node-name N] [--zone Z] [--node-ip A]... [--masquerade-all]
 *              [--keep-going] [--ahead-min BYTES|never] FILE...
 *
 *   default/web:http tcp 10.96.0.10:80 nodeport 30080 policy local
 *   internal cluster affinity 0 masq 0 ext - lb - ranges - eps
 *   10.244.1.2:8080 local,10.244.2.3:8080 terminating
 *
 * An error (a bad object, malformed JSON) is printed as "error: <line>"
 * and the exit status is 1 (with --keep-going, as "skipped: <line>", and
 * the reading goes on). --ahead-min sets how large a List must be for the
 * reader to parse it with a helper thread (struct kube_reader's
 * ahead_min): 0 for every List, "never" for none.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/podnet.h>

#include "kube.h"

static const char *addr(const struct kube_addr *a, char *buf)
{
	return inet_ntop(a->family, a->b, buf, INET6_ADDRSTRLEN);
}

static void addrs(const char *what, const struct kube_addr *a, unsigned int n)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	printf(" %s ", what);
	if (!n)
		putchar('-');
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", addr(&a[i], buf));
}

static void port_print(const struct kube_port *p)
{
	static const char *const proto[256] = {
		[IPPROTO_TCP] = "tcp", [IPPROTO_UDP] = "udp", [IPPROTO_SCTP] = "sctp",
	};
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	printf("%s %s %s%s%s:%u", p->name, proto[p->proto] ?: "?",
	       p->vip.family == AF_INET6 ? "[" : "", addr(&p->vip, buf),
	       p->vip.family == AF_INET6 ? "]" : "", p->port);
	if (p->nodeport)
		printf(" nodeport %u", p->nodeport);
	if (p->hc_port)
		printf(" healthcheck %u", p->hc_port);
	printf(" policy %s internal %s affinity %u masq %u",
	       p->policy == PODNET_POLICY_LOCAL ? "local" : "cluster",
	       p->ipolicy == PODNET_POLICY_LOCAL ? "local" : "cluster",
	       p->affinity, !!(p->flags & PODNET_SVC_F_MASQUERADE));
	addrs("ext", p->addrs ? p->addrs->ext : NULL, p->next);
	addrs("lb", p->addrs ? p->addrs->lb : NULL, p->nlb);
	printf(" ranges ");
	if (!p->nranges)
		putchar('-');
	for (i = 0; i < p->nranges; i++)
		printf("%s%s/%u", i ? "," : "", addr(&p->addrs->ranges[i].addr, buf),
		       p->addrs->ranges[i].len);
	printf(" eps ");
	if (!p->neps)
		putchar('-');
	for (i = 0; i < p->neps; i++) {
		const struct kube_ep *e = &p->eps[i];
		bool v6 = e->addr.family == AF_INET6;

		printf("%s%s%s%s:%u", i ? "," : "", v6 ? "[" : "", addr(&e->addr, buf),
		       v6 ? "]" : "", e->port);
		if (e->flags & PODNET_EP_F_LOCAL)
			printf(" local");
		if (e->flags & PODNET_EP_F_TERMINATING)
			printf(" terminating");
		if (e->flags & PODNET_EP_F_OTHER_ZONE)
			printf(" other-zone");
	}
	putchar('\n');
}

static int cmp(const void *a, const void *b)
{
	const struct kube_port *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	return d ? d : x->vip.family - y->vip.family;
}

/* --keep-going: a bad value is printed ("skipped: ...") and reading goes on. */
static bool keep_going;
static size_t ahead_min = KUBE_AHEAD_MIN;

/*
 * "node NAME ips A[,B] podcidrs P[,Q] encap vxlan|none|- vtep-mac MAC|-",
 * as it is read (the node: tools/kube/node.c).
 */
static void node_print(const struct kube_node *n)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	printf("node %s ips", n->name);
	for (i = 0; i < n->naddr; i++)
		printf("%c%s", i ? ',' : ' ', addr(&n->addr[i], buf));
	if (!n->naddr)
		fputs(" -", stdout);
	fputs(" podcidrs", stdout);
	for (i = 0; i < n->ncidr; i++)
		printf("%c%s/%u", i ? ',' : ' ', addr(&n->cidr[i].addr, buf),
		       n->cidr[i].len);
	if (!n->ncidr)
		fputs(" -", stdout);
	printf(" encap %s vtep-mac ", n->encap < 0 ? "-" :
	       n->encap == KUBE_ENCAP_VXLAN ? "vxlan" : "none");
	if (n->has_mac)
		printf("%02x:%02x:%02x:%02x:%02x:%02x\n", n->mac[0], n->mac[1],
		       n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	else
		puts("-");
}

/* A Node (printed) or an object of another kind: 0, 1 (ignored) or -1. */
static int other_kind(const cJSON *v, struct kube_err *err)
{
	struct kube_node *n;
	int ret = kube_node_parse(v, &n, err);

	if (ret == 0) {
		node_print(n);
		kube_node_free(n);
	}
	return ret;
}

static int read_file(struct kube_store *st, const char *path, struct kube_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0, ret;
	struct kube_service *svc;
	struct kube_slice *slice;
	struct kube_reader r;
	struct kube_value v;
	const char *service;
	enum kube_kind kind;
	void *obj;

	if (fd < 0)
		return kube_fail(err, "%s: cannot open", path);
	kube_reader_init(&r, fd, path);
	r.ahead_min = ahead_min;
	while ((ret = kube_reader_next(&r, &v, err)) != 0) {
		if (ret > 0 && v.json) {
			ret = kube_object_parse(v.json, &kind, &svc, &slice, err);
			if (ret > 0)
				ret = other_kind(v.json, err) < 0 ? -1 : 1;
			if (ret == 0)
				obj = kind == KUBE_SERVICE ? (void *)svc : (void *)slice;
		} else if (ret > 0) {
			kind = v.kind;	/* parsed ahead, by the reader's helper */
			obj = v.obj;
			ret = 0;
		}
		if (ret < 0 && keep_going) {
			printf("skipped: %s\n", err->msg);
			continue;
		}
		if (ret < 0)
			break;
		if (ret == 0 && kube_store_put(st, kind, obj, false, &service) < 0) {
			ret = kube_fail(err, "out of memory");
			break;
		}
	}
	kube_reader_free(&r);
	if (fd)
		close(fd);
	return ret < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "node-name", required_argument, NULL, 'n' },
		{ "zone", required_argument, NULL, 'z' },
		{ "node-ip", required_argument, NULL, 'i' },
		{ "masquerade-all", no_argument, NULL, 'm' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "ahead-min", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct kube_store st = { 0 };
	struct kube_ports ports = { 0 };
	struct kube_opts o = { 0 };
	struct kube_err err;
	char *end;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.node_name = optarg;
			break;
		case 'z':
			o.zone = optarg;
			break;
		case 'i':
			if (o.nnode_ips == KUBE_MAX_NODE_IPS ||
			    kube_addr_parse(optarg, &o.node_ips[o.nnode_ips++]) < 0) {
				fprintf(stderr, "kube-ports: bad --node-ip %s\n", optarg);
				return 2;
			}
			break;
		case 'm':
			o.masquerade_all = true;
			break;
		case 'k':
			keep_going = true;
			break;
		case 'a':
			if (!strcmp(optarg, "never")) {
				ahead_min = SIZE_MAX;
				break;
			}
			ahead_min = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end) {
				fprintf(stderr, "kube-ports: bad --ahead-min %s\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	for (; optind < argc; optind++) {
		if (read_file(&st, argv[optind], &err) < 0) {
			printf("error: %s\n", err.msg);
			kube_store_free(&st);
			return 1;
		}
	}
	if (kube_all_ports(&st, &o, &ports, &err) < 0) {
		printf("error: %s\n", err.msg);
		kube_store_free(&st);
		return 1;
	}
	qsort(ports.v, ports.n, sizeof(*ports.v), cmp);
	for (i = 0; i < ports.n; i++)
		port_print(&ports.v[i]);
	kube_ports_free(&ports);
	kube_store_free(&st);
	return 0;
}
