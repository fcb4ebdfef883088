#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=1200
#
# Pod-to-pod TCP throughput (iperf3), side by side in one boot:
#
#  (a) veth    two namespaces joined by a bare veth pair: no bridge at all
#  (b) bridge  two pods on a Linux bridge br0 (10.244.1.1/24) in a node netns
#  (e) bridge, as a Kubernetes node runs it: (b) with br_netfilter
#              (bridge-nf-call-iptables=1, so that kube-proxy's NAT sees
#              bridged pod traffic) and the nat chains kube-proxy installs
#              on every node (lib.sh kube_nat_chains; no service): conntrack
#              on, as on a podnet node with a Service (f)
#  (c) podnet  two pods on pn0 (10.244.1.1/24, forwarding on) in a node netns,
#              attached with podnetctl pod add; pod-to-pod IPv4 takes
#              podnet's own forward path (kmod/fwd.c: the IP stack's hooks
#              and route, not the podnet device's passes), as the script
#              checks (pod 2's "switched" counter)
#  (f) podnet  (c) as a Kubernetes node always runs it: with a Service
#              programmed (a ClusterIP in front of pod 2), so that podnet's
#              NAT hooks and conntrack are on for all pod traffic, as they
#              are for (e)
#  (g) podnet  (c) on a node as an operator sets one up, sysctls left as
#              they are: ICMP redirects on (net.ipv4.conf.all.
#              send_redirects=1), so that the route to a pod is looked up
#              for every packet (kmod/fwd.c keeps it only while the lookup
#              has no side effect); (c) turns them off, as the README says
#  (d) podnet  the same node as (c) after 198 more pods (each a netns with
#              its veth attached to pn0) joined it: 200 pods
#  (b6) (c6)   (b) and (c) over IPv6 (fd00:244:1::/64 on br0 and pn0):
#              podnet's forward path takes IPv6 TCP too (checked)
#
# in every case pod 1 is 10.244.1.2 (fd00:244:1::2; iperf3 client), pod 2
# 10.244.1.3 (fd00:244:1::3; iperf3 server). Each measurement is iperf3 -t $BENCH_SECS after a second
# left out (-O 1), with 1 and 2 streams, repeated $BENCH_REPS times (a, b, c
# interleaved); the table gives the median and the runs. Ratios: podnet over
# bridge and over veth, podnet with a Service over the bridge with
# br_netfilter (f/e: both with conntrack), 200 pods over 2 pods (d/c: the
# pod lookups do not depend on how many pods there are), and podnet over
# bridge for IPv6 (c6/b6), as the ratio of the medians and as the
# median of the ratios round by round (a, b, c, f, b6, c6 are measured in
# turn in each round, so that a drift of the VM's speed during the run,
# which TCG has with --wall, touches both sides of a ratio alike; (d) and
# then (e) come after all the rounds: (e) needs br_netfilter, which once
# loaded would hook (b) too).
#
# Environment: BENCH_SECS (5), BENCH_REPS (3), BENCH_IDLE_PODS (198).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

SECS=${BENCH_SECS:-5}
REPS=${BENCH_REPS:-3}
IDLE=${BENCH_IDLE_PODS:-198}

need_podnet
need_cmd iperf3 python3 ping iptables-restore conntrack
[ "$IDLE" -le 251 ] || die "BENCH_IDLE_PODS=$IDLE: at most 251 (one /24)"

# --- (a) veth pair ---
setup_ns VA VB
ip -n "$VA" link add eth0 type veth peer name eth0 netns "$VB" || die "cannot create a veth pair"
ip -n "$VA" addr add 10.244.1.2/24 dev eth0
ip -n "$VB" addr add 10.244.1.3/24 dev eth0
ip -n "$VA" link set eth0 up
ip -n "$VB" link set eth0 up

# bridge_node NODE PREFIX POD1 POD2: br0 (10.244.1.1/24, fd00:244:1::1/64)
# in NODE, the two pods (10.244.1.2, .3; fd00:244:1::2, ::3) on it by veths
# PREFIX1, PREFIX2.
bridge_node() {
	local node=$1 prefix=$2 i=1 pod
	ip -n "$node" link add br0 type bridge || die "cannot create a bridge (modprobe bridge)"
	ip -n "$node" addr add 10.244.1.1/24 dev br0
	ip -n "$node" addr add fd00:244:1::1/64 dev br0 nodad
	ip -n "$node" link set br0 up
	for pod in "$3" "$4"; do
		pod_veth "$node" "$prefix$i" "$pod" 10.244.1.$((i + 1))/24 fd00:244:1::$((i + 1))/64 ||
			die "cannot create pod $i's veth"
		ip -n "$node" link set "$prefix$i" master br0 || die "cannot attach pod $i to br0"
		i=$((i + 1))
	done
}

# podnet_node NODE PREFIX POD1 POD2 [plain]: pn0 (10.244.1.1/24,
# fd00:244:1::1/64) in NODE, the two pods (10.244.1.2, .3; fd00:244:1::2,
# ::3) attached to it by veths PREFIX1, PREFIX2; unless plain, no ICMP
# redirects.
podnet_node() {
	local node=$1 prefix=$2 i=1 pod
	node_setup "$node" pn0 10.244.1.1/24 fd00:244:1::1/64 ||
		die "cannot create pn0 (ip link add pn0 type podnet)"
	# Pod-to-pod traffic leaves the node by the device it came in on: no
	# ICMP redirects for that.
	[ "${5:-}" = plain ] ||
		ip netns exec "$node" sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.pn0.send_redirects=0
	for pod in "$3" "$4"; do
		pod_attach "$node" pn0 "$prefix$i" "$pod" 10.244.1.$((i + 1))/24 fd00:244:1::$((i + 1))/64 ||
			die "podnetctl pod add $prefix$i failed"
		i=$((i + 1))
	done
}

# --- (b) Linux bridge ---
setup_ns BN BP1 BP2
bridge_node "$BN" vb "$BP1" "$BP2"

# --- (c) podnet ---
setup_ns PN PP1 PP2
podnet_node "$PN" vp "$PP1" "$PP2"

# --- (g) podnet, sysctls as they come ---
setup_ns GN GP1 GP2
podnet_node "$GN" vg "$GP1" "$GP2" plain

# --- (f) podnet with a Service: conntrack and the NAT hooks on ---
setup_ns SN SP1 SP2
podnet_node "$SN" vs "$SP1" "$SP2"
printf '%s\n' "service add 10.96.0.10:5201/tcp" "endpoint set 10.96.0.10:5201/tcp 10.244.1.3:5201" |
	podnetctl -n "$SN" -b - || die "cannot add the Service (podnetctl -b)"

declare -A CLIENT=([veth]=$VA [bridge]=$BP1 [podnet]=$PP1 [podnetsvc]=$SP1 [podnet200]=$PP1
	[bridge6]=$BP1 [podnet6]=$PP1 [podnetplain]=$GP1)
declare -A SERVER=([veth]=$VB [bridge]=$BP2 [podnet]=$PP2 [podnetsvc]=$SP2 [podnet200]=$PP2
	[bridge6]=$BP2 [podnet6]=$PP2 [podnetplain]=$GP2)
declare -A DST=([bridge6]=fd00:244:1::3 [podnet6]=fd00:244:1::3)
CFGS=(veth bridge podnet podnetplain podnetsvc bridge6 podnet6)

# serve CFG...: pod 1 of each pings its pod 2, which gets an iperf3 server
# (the IPv6 rows use their IPv4 row's), and each server listens.
serve() {
	local cfg
	for cfg in "$@"; do
		ip netns exec "${CLIENT[$cfg]}" ping -c1 -W3 "${DST[$cfg]:-10.244.1.3}" >/dev/null ||
			die "$cfg: pod 1 cannot ping pod 2 (${DST[$cfg]:-10.244.1.3})"
		[ -n "${DST[$cfg]}" ] || bg "${SERVER[$cfg]}" iperf3 -s
	done
	for cfg in "$@"; do
		busywait 5000 sh -c "ip netns exec ${SERVER[$cfg]} ss -Hltn 'sport = :5201' | grep -q ." >/dev/null ||
			die "$cfg: the iperf3 server does not listen"
	done
}
# tracked NODE: the pings went through conntrack on NODE.
tracked() {
	ip netns exec "$1" conntrack -L 2>/dev/null | grep -q 'src=10.244.1.2 dst=10.244.1.3' ||
		die "node $1: the pods' traffic is not tracked by conntrack"
}
serve "${CFGS[@]}"
tracked "$SN"
# ... and on the podnet nodes, podnet's forward path (kmod/fwd.c).
for port in "$PN vp2" "$SN vs2" "$GN vg2"; do
	read -r node veth <<<"$port"
	pod_stat_gt "$node" "$veth" switched 0 ||
		die "node $node: the pods' traffic did not take podnet's forward path"
done

# iperf CFG STREAMS: Gbit/s received, one run.
iperf() { iperf_gbps "${CLIENT[$1]}" "${DST[$1]:-10.244.1.3}" "$2" "$SECS" "$1"; }

declare -A RUNS
measure() { # REP CFG
	local p v s0
	[ "$2" != podnet6 ] || s0=$(pod_stat "$PN" vp2 switched)
	for p in 1 2; do
		v=$(iperf "$2" "$p") || die "$2: iperf3 -P $p failed (see above)"
		RUNS[$2,$p]+=" $v"
		echo "run $1/$REPS  $2  -P $p  $v Gbit/s"
	done
	# Checked once measured: ICMPv6 (the ping above) takes the IP stack.
	[ "$2" != podnet6 ] || pod_stat_gt "$PN" vp2 switched $((s0 + 1000)) ||
		die "podnet6: the pods' IPv6 TCP did not take podnet's forward path"
}

echo "iperf3 -t $SECS -O 1, $REPS runs, $(nproc) CPUs, $(uname -r)"
for ((rep = 1; rep <= REPS; rep++)); do
	step "round $rep of $REPS: ${CFGS[*]}"
	for cfg in "${CFGS[@]}"; do
		measure "$rep" "$cfg"
	done
done

# --- (d) 200 pods: $IDLE idle pods, each a netns with its veth on pn0 ---
step "$IDLE more pods, then (d) and (e)"
t0=$(now)
: >"$BENCH_TMP/idle-node.ip"
: >"$BENCH_TMP/idle.podnet"
for ((i = 3; i < 3 + IDLE; i++)); do
	ns=idle$i-${PN#PN-}
	ip netns add "$ns" || die "cannot create netns $ns"
	NS_LIST+=("$ns")
	echo "link add vp$i type veth peer name eth0 netns $ns" >>"$BENCH_TMP/idle-node.ip"
	echo "link set vp$i up" >>"$BENCH_TMP/idle-node.ip"
	echo "pod add vp$i dev pn0 ip 10.244.1.$((i + 1))" >>"$BENCH_TMP/idle.podnet"
done
ip -n "$PN" -b "$BENCH_TMP/idle-node.ip" || die "cannot create the idle pods' veths"
for ((i = 3; i < 3 + IDLE; i++)); do
	printf '%s\n' "addr add 10.244.1.$((i + 1))/24 dev eth0" "link set eth0 up" \
		"route add default via 10.244.1.1" | ip -n "idle$i-${PN#PN-}" -b - ||
		die "cannot configure idle pod $i"
done
podnetctl -n "$PN" -b "$BENCH_TMP/idle.podnet" || die "podnetctl -b (pod add of $IDLE idle pods) failed"
npods=$(podnetctl -n "$PN" -j pod show dev pn0 | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$npods" -eq $((IDLE + 2)) ] || die "pn0 has $npods pods, want $((IDLE + 2))"
echo "attached $IDLE idle pods in $(elapsed "$t0") s: pn0 has $npods pods"
ip netns exec "$PP1" ping -c1 -W3 10.244.1.3 >/dev/null || die "podnet, $npods pods: pod 1 cannot ping pod 2"
ip netns exec "idle3-${PN#PN-}" ping -c1 -W3 10.244.1.1 >/dev/null || die "idle pod 3 cannot ping its gateway"
for ((rep = 1; rep <= REPS; rep++)); do
	measure "$rep" podnet200
done

# --- (e), last: br_netfilter, once loaded, hooks every bridge's namespace ---
# It registers its hooks in every namespace that has a bridge, (b)'s too
# (bridged traffic then takes nf_hook_slow() at each bridge hook even with
# bridge-nf-call-* off), and a node that does not need it (a podnet node, a
# plain bridge without kube-proxy) does not load it: (a) to (d) are
# measured before it is loaded. Until the evening of 2026-11-27, (b) was
# measured with it loaded and turned off in (b)'s namespace: a slower
# bridge than one without it.
load_modules br_netfilter xt_comment xt_mark xt_MASQUERADE
setup_ns FN FP1 FP2
bridge_node "$FN" vf "$FP1" "$FP2"
ip netns exec "$FN" sysctl -qw net.bridge.bridge-nf-call-iptables=1 ||
	die "cannot set net.bridge.bridge-nf-call-iptables in the node netns"
kube_nat_chains "$FN" || die "cannot load kube-proxy's nat chains"

CLIENT[bridgenf]=$FP1
SERVER[bridgenf]=$FP2
serve bridgenf
tracked "$FN"
for ((rep = 1; rep <= REPS; rep++)); do
	measure "$rep" bridgenf
done

# --- the table ---
med() { runs_median "$1,$2"; } # CFG STREAMS
row() { # LABEL CFG
	local p m runs line
	line=$(printf '%-24s' "$1")
	for p in 1 2; do
		m=$(med "$2" "$p")
		runs=${RUNS[$2,$p]# }
		line+=$(printf '  %6.2f  %-20s' "$m" "[$runs]")
	done
	echo "$line"
	data throughput "$2" "$1" "$(med "$2" 1)" "$(med "$2" 2)"
}
rrow() { # LABEL A B
	printf '%-24s  %6s  %-20s  %6s  %-20s\n' "$1" \
		"$(ratio "$(med "$2" 1)" "$(med "$3" 1)")" "($(runs_ratio "$2,1" "$3,1"))" \
		"$(ratio "$(med "$2" 2)" "$(med "$3" 2)")" "($(runs_ratio "$2,2" "$3,2"))"
}

results
data throughput cfg path gbps_1_stream gbps_2_streams
echo "Pod-to-pod TCP throughput, Gbit/s: iperf3 -t $SECS (first second omitted), median of $REPS runs [runs]"
printf '%-24s  %-28s  %s\n' "" "1 stream" "2 streams (-P 2)"
row "(a) veth pair, direct" veth
row "(b) Linux bridge" bridge
row "(e) bridge+br_netfilter" bridgenf
row "(c) podnet, 2 pods" podnet
row "(g) podnet, sysctls as they come" podnetplain
row "(f) podnet + a Service" podnetsvc
row "(d) podnet, $npods pods" podnet200
row "(b6) Linux bridge, IPv6" bridge6
row "(c6) podnet, IPv6" podnet6
echo
echo "ratio of the medians (median of the round-by-round ratios)"
printf '%-24s  %-28s  %s\n' "ratio" "1 stream" "2 streams"
rrow "podnet / bridge (c/b)" podnet bridge
rrow "plain podnet / br (g/b)" podnetplain bridge
rrow "podnet / bridge+nf (c/e)" podnet bridgenf
rrow "podnet / veth (c/a)" podnet veth
rrow "podnet+svc / br+nf (f/e)" podnetsvc bridgenf
rrow "podnet+svc / podnet (f/c)" podnetsvc podnet
rrow "$npods pods / 2 (d/c)" podnet200 podnet
rrow "IPv6 podnet/br (c6/b6)" podnet6 bridge6
exit 0
