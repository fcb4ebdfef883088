#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for podnet's benchmarks (sourced by tests/bench/*.sh, which run as
# root inside the test VM: tests/bench/run boots it with tests/vm/run).
#
# A benchmark prints what it does as it goes, then a line "@@ results" and
# its table: tests/bench/run shows the table (and the whole output only when
# the script failed), and puts the "@@ data" lines (data) in CSV files that
# it plots. It exits 0 when it measured, 1 with a "bench: ..." message when
# it could not set up. step says on the VM's console what it starts, for
# the runner's progress lines.
#
# It reuses tests/net/lib.sh (setup_ns, cleanup_ns, the EXIT trap that deletes
# the namespaces) and tests/net/lib/pods.sh (node_setup, pod_veth,
# pod_attach).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../net/lib.sh
source "$BENCH_DIR/../net/lib.sh"
# shellcheck source=../net/lib/pods.sh
source "$BENCH_DIR/../net/lib/pods.sh"

BENCH_TMP=$(mktemp -d /tmp/podnet-bench.XXXXXX)
BENCH_PIDS=()

# die MESSAGE: the benchmark cannot run.
die() {
	echo "bench: $*" >&2
	exit 1
}

# need_cmd CMD...: every CMD is installed (else exit 1).
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || die "'$c' is not installed (tests/install-deps)"
	done
}

# need_podnet: root, and the podnet module loaded (tests/vm/run loads
# it; standalone, it is insmod'ed from $PODNET_KO).
need_podnet() {
	[ "$(id -u)" -eq 0 ] || die "needs root (run it with tests/bench/run)"
	[ -d /sys/module/podnet ] || podnet_insmod 2>/dev/null ||
		die "the podnet module is not loaded and insmod $PODNET_KO failed"
	command -v podnetctl >/dev/null ||
		die "podnetctl is not in PATH (make -C tools; tests/vm/run puts tools/podnetctl in PATH)"
}

# bg NS CMD...: run CMD in netns NS in the background; killed at exit.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" </dev/null >/dev/null 2>&1 &
	BENCH_PIDS+=($!)
}

bench_cleanup() {
	kill_bg
	cleanup_all_ns
	rm -rf "$BENCH_TMP"
}
cleanup() { bench_cleanup; }

# kill_bg: stop every background process started with bg.
kill_bg() {
	local p
	for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	BENCH_PIDS=()
}

# now: seconds since the epoch, microseconds (no fork).
now() { echo "$EPOCHREALTIME"; }

# elapsed START: seconds since START (a value of now).
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'; }

# timed VAR CMD...: run CMD, set VAR to its wall time in seconds; CMD's exit
# code is returned.
timed() {
	local __var=$1 __t0 __rc
	shift
	__t0=$EPOCHREALTIME
	"$@"
	__rc=$?
	printf -v "$__var" '%s' "$(elapsed "$__t0")"
	return $__rc
}

# median X...: the median of numbers (the mean of the middle two for an even
# count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# runs_median KEY: the median of the runs in RUNS[KEY] (an associative array
# of the calling script: space-separated values, one per round).
runs_median() {
	local -a v
	read -ra v <<<"${RUNS[$1]}"
	median "${v[@]}"
}

# runs_ratio A B: the median of the round-by-round ratios RUNS[A] / RUNS[B]
# (two-decimal), for series measured in turn in each round.
runs_ratio() {
	local -a a b r
	local i
	read -ra a <<<"${RUNS[$1]}"
	read -ra b <<<"${RUNS[$2]}"
	for i in "${!a[@]}"; do
		r+=("$(ratio "${a[$i]}" "${b[$i]:-0}" %.4f)")
	done
	ratio "$(median "${r[@]}")" 1
}

# ratio A B [FORMAT]: A / B ("-" if B is zero or missing).
ratio() {
	awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN {
		if (b + 0 == 0 || a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "-"; else printf f "\n", a / b }'
}

# kmem_kb: unreclaimable kernel memory now, in kB: SUnreclaim + VmallocUsed +
# Percpu of /proc/meminfo (slab objects, vmalloc'ed tables, per-CPU
# counters; reclaimable caches such as dentries are left out).
kmem_kb() {
	awk '/^(SUnreclaim|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}

# --- services: one generator per datapath, same set of services --------------
#
# Service i (1..N) is the ClusterIP 10.96.(i/256).(i%256), port 80/tcp, with
# endpoints 10.244.1.2:8080 and 10.244.1.3:8080. Service N, the last one
# programmed, is the target of the measurements; with TARGET_EPS=3 it has a
# third endpoint, 10.244.1.4:8080 (an endpoint change).

EP1=10.244.1.2
EP2=10.244.1.3
EP3=10.244.1.4
EP_PORT=8080

vip() { echo "10.96.$(($1 / 256)).$(($1 % 256))"; }

# The awk prologue every generator shares.
_gen_awk_lib='
function vip(i) { return sprintf("10.96.%d.%d", int(i / 256), i % 256) }
function neps(i) { return i == N ? T : 2 }
function ep(j) { return j == 0 ? E1 : (j == 1 ? E2 : E3) }
function kp_hash(x,    h, k) {
	for (k = 0; k < 8; k++) {
		h = h substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", x % 32 + 1, 1)
		x = int(x / 32)
	}
	return h
}
function kp_svc(i) { return "service-" kp_hash((i * 2654435761) % 4294967296) "-bench/svc-" i "/tcp/http" }
function kp_ep(i, j) {
	return "endpoint-" kp_hash(((4 * i + j) * 2246822519 + 374761393) % 4294967296) \
		"-bench/svc-" i "/tcp/http__" ep(j) "/" P
}
# service i in a kube-proxy transaction: its chains added and flushed
# (ensureChain()), then, after its map elements, its rules
function kp_chains(t, i, n,    j) {
	for (j = 0; j < n; j++)
		printf "add chain %s %s\nflush chain %s %s\n", t, kp_ep(i, j), t, kp_ep(i, j)
	printf "add chain %s %s\nflush chain %s %s\n", t, kp_svc(i), t, kp_svc(i)
}
function kp_rules(t, i, n,    j, m) {
	m = ""
	for (j = 0; j < n; j++)
		m = m (j ? " , " : "") j " : goto " kp_ep(i, j)
	printf "add rule %s %s numgen random mod %d vmap { %s }\n", t, kp_svc(i), n, m
	for (j = 0; j < n; j++) {
		printf "add rule %s %s ip saddr %s jump mark-for-masquerade\n", t, kp_ep(i, j), ep(j)
		printf "add rule %s %s meta l4proto tcp dnat to %s:%d\n", t, kp_ep(i, j), ep(j), P
	}
}
'
_gen() { # N TARGET_EPS AWK-PROGRAM
	awk -v N="$1" -v T="$2" -v E1=$EP1 -v E2=$EP2 -v E3=$EP3 -v P=$EP_PORT \
		"$_gen_awk_lib BEGIN { $3 }"
}

# gen_podnet N [TARGET_EPS] [WHAT]: a podnetctl batch. WHAT: all (default),
# services (service add lines only), endpoints (endpoint set lines only).
gen_podnet() {
	_gen "$1" "${2:-2}" '
		what = "'"${3:-all}"'"
		for (i = 1; i <= N; i++) {
			if (what != "endpoints")
				printf "service add %s:80/tcp\n", vip(i)
			if (what != "services") {
				s = ""
				for (j = 0; j < neps(i); j++)
					s = s (j ? "," : "") ep(j) ":" P
				printf "endpoint set %s:80/tcp %s\n", vip(i), s
			}
		}'
}

# gen_iptables N [TARGET_EPS] [STALE]: the nat table as kube-proxy's iptables
# mode writes it for iptables-restore --noflush (kubernetes/kubernetes
# pkg/proxy/iptables/proxier.go, syncProxyRules(), no --cluster-cidr): every
# KUBE-* chain declared (which flushes it), the masquerade chains' rules,
# one KUBE-SERVICES rule per service, a KUBE-SVC chain spreading with -m
# statistic, a KUBE-SEP chain per endpoint marking hairpin traffic for
# masquerade and doing the DNAT, and KUBE-SERVICES' last rule, to
# KUBE-NODEPORTS. STALE=1: also delete the target's third KUBE-SEP chain (an
# endpoint gone).
gen_iptables() {
	_gen "$1" "${2:-2}" '
		stale = "'"${3:-0}"'"
		print "*nat"
		print ":KUBE-SERVICES - [0:0]"
		print ":KUBE-NODEPORTS - [0:0]"
		print ":KUBE-POSTROUTING - [0:0]"
		print ":KUBE-MARK-MASQ - [0:0]"
		for (i = 1; i <= N; i++) {
			printf ":KUBE-SVC-%016X - [0:0]\n", i
			for (j = 0; j < neps(i); j++)
				printf ":KUBE-SEP-%015X%c - [0:0]\n", i, 97 + j
		}
		if (stale == 1)
			printf ":KUBE-SEP-%015X%c - [0:0]\n", N, 99
		print "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
		print "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000"
		print "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
		print "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000"
		for (i = 1; i <= N; i++)
			printf "-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"bench/svc-%d:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-%016X\n", vip(i), i, i
		for (i = 1; i <= N; i++) {
			n = neps(i)
			for (j = 0; j < n; j++) {
				if (j < n - 1)
					printf "-A KUBE-SVC-%016X -m comment --comment \"bench/svc-%d:http -> %s:%d\" -m statistic --mode random --probability %.11f -j KUBE-SEP-%015X%c\n", i, i, ep(j), P, 1 / (n - j), i, 97 + j
				else
					printf "-A KUBE-SVC-%016X -m comment --comment \"bench/svc-%d:http -> %s:%d\" -j KUBE-SEP-%015X%c\n", i, i, ep(j), P, i, 97 + j
			}
			for (j = 0; j < n; j++) {
				printf "-A KUBE-SEP-%015X%c -s %s/32 -m comment --comment \"bench/svc-%d:http\" -j KUBE-MARK-MASQ\n", i, 97 + j, ep(j), i
				printf "-A KUBE-SEP-%015X%c -p tcp -m comment --comment \"bench/svc-%d:http\" -m tcp -j DNAT --to-destination %s:%d\n", i, 97 + j, i, ep(j), P
			}
		}
		print "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
		if (stale == 1)
			printf "-X KUBE-SEP-%015X%c\n", N, 99
		print "COMMIT"'
}

# gen_nft N [TARGET_EPS]: the transaction kube-proxy's nftables mode sends
# (nft -f) on its first sync for these services, as its proxier.go writes it
# (kubernetes/kubernetes pkg/proxy/nftables/proxier.go: setupNFTables() and
# syncProxyRules(), no --cluster-cidr, as podnetctl apply runs here): the
# table's base chains, sets and maps; then for each service its endpoint
# chains and service chain, each added and flushed (ensureChain()), its
# ClusterIP in the cluster-ips set and in the service-ips verdict map, the
# service chain's numgen vmap, and in each endpoint chain the hairpin rule
# (mark-for-masquerade when the endpoint is the client) and the DNAT. The
# chain names are kube-proxy's: HASH-namespace/name/protocol/port (its
# HASH is 8 base32 characters of a SHA-256; here of a counter).
gen_nft() {
	_gen "$1" "${2:-2}" '
		t = "ip kube-proxy"
		print "add table " t " { comment \"rules for kube-proxy\" ; }"
		n = split("filter-prerouting filter prerouting -110,filter-input filter input -110," \
			"filter-forward filter forward -110,filter-output filter output -110," \
			"filter-output-post-dnat filter output -90,nat-prerouting nat prerouting -100," \
			"nat-output nat output -100,nat-postrouting nat postrouting 100", bc, ",")
		for (k = 1; k <= n; k++) {
			split(bc[k], f, " ")
			printf "add chain %s %s { type %s hook %s priority %s ; }\n", t, f[1], f[2], f[3], f[4]
			printf "flush chain %s %s\n", t, f[1]
		}
		n = split("nodeport-endpoints-check filter-input ct state new," \
			"service-endpoints-check filter-input ct state new," \
			"service-endpoints-check filter-forward ct state new," \
			"service-endpoints-check filter-output ct state new," \
			"firewall-check filter-prerouting ct state new,firewall-check filter-output ct state new," \
			"services nat-output,services nat-prerouting,masquerading nat-postrouting," \
			"cluster-ips-check filter-forward ct state new," \
			"cluster-ips-check filter-output-post-dnat ct state new", jc, ",")
		for (k = 1; k <= n; k++) {
			m = split(jc[k], f, " ")
			if (!(f[1] in made))
				printf "add chain %s %s\nflush chain %s %s\n", t, f[1], t, f[1]
			made[f[1]] = 1
			x = ""
			for (j = 3; j <= m; j++)
				x = x f[j] " "
			printf "add rule %s %s %sjump %s\n", t, f[2], x, f[1]
		}
		printf "add chain %s mark-for-masquerade\nflush chain %s mark-for-masquerade\n", t, t
		printf "add rule %s mark-for-masquerade mark set mark or 0x4000\n", t
		printf "add rule %s masquerading mark and 0x4000 == 0 return\n", t
		printf "add rule %s masquerading mark set mark xor 0x4000\n", t
		printf "add rule %s masquerading masquerade fully-random\n", t
		printf "add set %s cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }\n", t
		printf "add rule %s cluster-ips-check ip daddr @cluster-ips reject" \
			" comment \"Reject traffic to invalid ports of ClusterIPs\"\n", t
		printf "add map %s no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }\n", t
		printf "add map %s no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }\n", t
		printf "add chain %s reject-chain\nflush chain %s reject-chain\nadd rule %s reject-chain reject\n", t, t, t
		printf "add rule %s service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services\n", t
		printf "add rule %s nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n", t
		printf "add map %s firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n", t
		printf "add rule %s firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips\n", t
		printf "add map %s service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n", t
		printf "add map %s service-nodeports { type inet_proto . inet_service : verdict ; }\n", t
		printf "add rule %s services ip daddr . meta l4proto . th dport vmap @service-ips\n", t
		printf "add rule %s services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n", t
		printf "flush set %s cluster-ips\n", t
		n = split("service-ips firewall-ips no-endpoint-services no-endpoint-nodeports service-nodeports", mp, " ")
		for (k = 1; k <= n; k++)
			printf "flush map %s %s\n", t, mp[k]
		for (i = 1; i <= N; i++) {
			kp_chains(t, i, neps(i))
			printf "add element %s cluster-ips { %s }\n", t, vip(i)
			printf "add element %s service-ips { %s . tcp . 80 : goto %s }\n", t, vip(i), kp_svc(i)
			kp_rules(t, i, neps(i))
		}'
}

# gen_kube N: the same services as gen_podnet, as `kubectl get
# services,endpointslices -A -o json' prints them: one List, a Service and
# an EndpointSlice (two ready endpoints with their nodeName, zone and
# targetRef, as the EndpointSlice controller writes them) per service, with
# the metadata the API server adds (uid, resourceVersion, timestamps,
# labels, ownerReferences), indented as kubectl indents.
gen_kube() {
	_gen "$1" 2 '
		print "{\n    \"apiVersion\": \"v1\",\n    \"items\": ["
		for (i = 1; i <= N; i++) {
			uid = sprintf("%08x-0000-4000-8000-%012x", i, i)
			printf "        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Service\",\n"
			printf "            \"metadata\": {\n                \"creationTimestamp\": \"2026-12-01T10:00:00Z\",\n"
			printf "                \"labels\": {\n                    \"app\": \"svc-%d\"\n                },\n", i
			printf "                \"name\": \"svc-%d\",\n                \"namespace\": \"bench\",\n", i
			printf "                \"resourceVersion\": \"%d\",\n                \"uid\": \"%s\"\n            },\n", 1000 + i, uid
			printf "            \"spec\": {\n                \"clusterIP\": \"%s\",\n                \"clusterIPs\": [\n                    \"%s\"\n                ],\n", vip(i), vip(i)
			printf "                \"internalTrafficPolicy\": \"Cluster\",\n                \"ipFamilies\": [\n                    \"IPv4\"\n                ],\n"
			printf "                \"ipFamilyPolicy\": \"SingleStack\",\n                \"ports\": [\n                    {\n"
			printf "                        \"name\": \"http\",\n                        \"port\": 80,\n                        \"protocol\": \"TCP\",\n"
			printf "                        \"targetPort\": %d\n                    }\n                ],\n", P
			printf "                \"selector\": {\n                    \"app\": \"svc-%d\"\n                },\n", i
			printf "                \"sessionAffinity\": \"None\",\n                \"type\": \"ClusterIP\"\n            },\n"
			printf "            \"status\": {\n                \"loadBalancer\": {}\n            }\n        },\n"
			printf "        {\n            \"addressType\": \"IPv4\",\n            \"apiVersion\": \"discovery.k8s.io/v1\",\n            \"endpoints\": [\n"
			for (j = 0; j < 2; j++) {
				printf "                {\n                    \"addresses\": [\n                        \"%s\"\n                    ],\n", ep(j)
				printf "                    \"conditions\": {\n                        \"ready\": true,\n                        \"serving\": true,\n                        \"terminating\": false\n                    },\n"
				printf "                    \"nodeName\": \"node%d\",\n", j + 1
				printf "                    \"targetRef\": {\n                        \"kind\": \"Pod\",\n                        \"name\": \"svc-%d-%c\",\n", i, 97 + j
				printf "                        \"namespace\": \"bench\",\n                        \"uid\": \"%08x-0000-4000-8001-%012x\"\n                    },\n", i, 2 * i + j
				printf "                    \"zone\": \"zone-a\"\n                }%s\n", j ? "" : ","
			}
			printf "            ],\n            \"kind\": \"EndpointSlice\",\n            \"metadata\": {\n"
			printf "                \"creationTimestamp\": \"2026-12-01T10:00:01Z\",\n                \"generateName\": \"svc-%d-\",\n", i
			printf "                \"generation\": 1,\n                \"labels\": {\n"
			printf "                    \"endpointslice.kubernetes.io/managed-by\": \"endpointslice-controller.k8s.io\",\n"
			printf "                    \"kubernetes.io/service-name\": \"svc-%d\"\n                },\n", i
			printf "                \"name\": \"svc-%d-x7k2p\",\n                \"namespace\": \"bench\",\n", i
			printf "                \"ownerReferences\": [\n                    {\n                        \"apiVersion\": \"v1\",\n"
			printf "                        \"blockOwnerDeletion\": true,\n                        \"controller\": true,\n"
			printf "                        \"kind\": \"Service\",\n                        \"name\": \"svc-%d\",\n", i
			printf "                        \"uid\": \"%s\"\n                    }\n                ],\n", uid
			printf "                \"resourceVersion\": \"%d\",\n                \"uid\": \"%08x-0000-4000-8002-%012x\"\n            },\n", 20000 + i, i, i
			printf "            \"ports\": [\n                {\n                    \"name\": \"http\",\n                    \"port\": %d,\n                    \"protocol\": \"TCP\"\n                }\n            ]\n", P
			printf "        }%s\n", i < N ? "," : ""
		}
		print "    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}"'
}

# nft_change N ADD: one endpoint change of the target service (service N),
# as kube-proxy's partial sync sends it in one nft transaction: the
# service's chains added, flushed and filled again (ADD=1: with the third
# endpoint, 10.244.1.4:8080; ADD=0: without it, its chain flushed). kube-proxy
# deletes a stale chain in a later transaction, a second on; here the
# same one does, so that the next change starts from the same table.
nft_change() {
	_gen "$1" "$((2 + $2))" '
		t = "ip kube-proxy"
		kp_chains(t, N, T)
		kp_rules(t, N, T)
		if (T == 2)
			printf "flush chain %s %s\ndelete chain %s %s\n", t, kp_ep(N, 2), t, kp_ep(N, 2)'
}

# nft_svc_chain N: the name of service N's chain in kube-proxy's table.
nft_svc_chain() {
	_gen "$1" 2 'print kp_svc(N)'
}

# nft_svc_chains NS: how many service chains (kp_svc) NS's kube-proxy table has.
nft_svc_chains() {
	ip netns exec "$1" nft list chains ip | grep -c 'chain service-[A-Z2-7]\{8\}-'
}

# gen_ipvs N: ipvsadm -R input: a virtual service per ClusterIP (rr), its
# real servers in masquerading (NAT) mode.
gen_ipvs() {
	_gen "$1" 2 '
		for (i = 1; i <= N; i++) {
			printf "-A -t %s:80 -s rr\n", vip(i)
			for (j = 0; j < neps(i); j++)
				printf "-a -t %s:80 -r %s:%d -m -w 1\n", vip(i), ep(j), P
		}'
}

# gen_vips N DEV: ip -batch input putting every ClusterIP on DEV (kube-proxy's
# IPVS mode binds them to the dummy device kube-ipvs0).
gen_vips() {
	_gen "$1" 2 '
		for (i = 1; i <= N; i++)
			printf "addr add %s/32 dev '"$2"'\n", vip(i)'
}

# ipvs_base NS: the dummy device for the VIPs and kube-proxy's IPVS sysctls.
ipvs_base() {
	ip -n "$1" link add kube-ipvs0 type dummy &&
		ip netns exec "$1" sysctl -qw net.ipv4.vs.conntrack=1 net.ipv4.vs.expire_nodest_conn=1
}

# kube_nat_chains NS: the iptables nat chains kube-proxy installs on every
# node, here with no service in them: KUBE-SERVICES (from PREROUTING and
# OUTPUT) and KUBE-POSTROUTING (masquerade what KUBE-MARK-MASQ marked); in
# its iptables mode, what gen_iptables' restore then fills. Its
# MASQUERADE rule makes the node track connections (conntrack and its NAT
# engine on every connection): empty nat chains alone would not. Beside
# IPVS, kube-proxy's IPVS mode also has ipset matches in KUBE-SERVICES
# (ClusterIPs to mark for masquerade, NodePorts); they are left out (ipset is
# not installed), which costs IPVS less than the real chain.
kube_nat_chains() {
	ip netns exec "$1" iptables-restore -w <<-'EOF'
		*nat
		:KUBE-SERVICES - [0:0]
		:KUBE-POSTROUTING - [0:0]
		:KUBE-MARK-MASQ - [0:0]
		-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
		-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
		-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
		-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
		-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
		-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
		-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
		COMMIT
	EOF
}

# iperf_gbps NS DST STREAMS SECS WHAT: Gbit/s received by one iperf3 run
# from NS to DST (-t SECS, the first second left out, -P STREAMS); WHAT
# names it in errors.
iperf_gbps() {
	local out
	out=$(ip netns exec "$1" iperf3 -c "$2" -t "$4" -O 1 -P "$3" -J 2>"$BENCH_TMP/iperf.err") || {
		echo "bench: $5: iperf3 -P $3 failed:"
		printf '%s\n' "$out" | grep '"error"'
		cat "$BENCH_TMP/iperf.err"
		return 1
	}
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' <<<"$out"
}

# build_connbench: compile the connection-rate client/server into $BENCH_TMP.
build_connbench() {
	need_cmd gcc
	gcc -O2 -Wall -o "$BENCH_TMP/connbench" "$BENCH_DIR/connbench.c" ||
		die "cannot compile $BENCH_DIR/connbench.c"
	# shellcheck disable=SC2034 # used by the scripts
	CONNBENCH=$BENCH_TMP/connbench
}

# The datapaths' modules, loaded up front so that no measurement includes a
# module load.
load_modules() {
	local m
	for m in "$@"; do
		modprobe "$m" 2>/dev/null || die "modprobe $m failed"
	done
}

# results: the table follows.
results() { echo "@@ results"; }

# data SET FIELD...: one row of the CSV file SET.csv of the report (a comma
# in a field becomes a semicolon; the first row of a set names its columns).
data() {
	local fields=("${@:2}") IFS=,
	fields=("${fields[@]//,/;}")
	echo "@@ data $1,${fields[*]}"
}

# step WHAT: a progress line, on the VM's console (the runner shows it as
# it comes) and in the output.
step() {
	local line
	line="podnet-bench: $(basename "$0" .sh): $*"
	echo "$line"
	echo "$line" >/dev/console 2>/dev/null || true
}
