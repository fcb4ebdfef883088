#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=1200
#
# Pod to pod across two nodes: TCP throughput (iperf3) and new connections
# a second (connbench), side by side in one boot, over the same underlay
# (a veth pair between the nodes, 192.168.50.1 and .2):
#
#   pod 1 (10.244.1.2) ── node 1 ══ underlay ══ node 2 ── pod 2 (10.244.2.2)
#
#  (a) routed    the limit: veths and routes only, no bridge, no tunnel
#                (pod 1's veth end on node 1 has 10.244.1.1/24, node 1
#                routes 10.244.2.0/24 via node 2, and back)
#  (b) flannel   the flannel way (its vxlan backend) as flanneld leaves a
#                node: pods on a Linux bridge cni0 with br_netfilter
#                (bridge-nf-call-iptables=1, as kube-proxy needs it),
#                flannel.1 (VXLAN, VNI 1, port 8472, nolearning) with the
#                route, neighbour and fdb entries written by hand, pods at
#                MTU 1450
#  (c) podnet    podnet's VXLAN: pn0, podnetctl node add (podnet.1 made by
#      vxlan     it), pods at MTU 1450 (what the CNI plugin gives them)
#  (d) podnet    podnet routed directly: podnetctl node add ... encap none
#      host-gw
#
# Each measurement: iperf3 -t $BENCH_SECS after a second left out, 1 and 2
# streams; connbench for $BENCH_SECS with $BENCH_WORKERS workers; the
# configurations in turn in each of $BENCH_REPS rounds. Goals: (c) >= (b),
# (d) >= 0.95 (a).
#
# Environment: BENCH_SECS (5), BENCH_REPS (3), BENCH_WORKERS (2).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

SECS=${BENCH_SECS:-5}
REPS=${BENCH_REPS:-3}
WORKERS=${BENCH_WORKERS:-2}

need_podnet
need_cmd iperf3 python3 ping bridge
load_modules br_netfilter vxlan
build_connbench

MAC1=5a:8c:1f:00:00:01
MAC2=5a:8c:1f:00:00:02

# underlay N1 N2: the nodes' link, forwarding on in both.
underlay() {
	ip -n "$1" link add ul0 type veth peer name ul0 netns "$2" || die "cannot create the underlay"
	ip -n "$1" addr add 192.168.50.1/24 dev ul0
	ip -n "$2" addr add 192.168.50.2/24 dev ul0
	ip -n "$1" link set ul0 up
	ip -n "$2" link set ul0 up
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=1
}

# pod NODE VETH POD I [MTU]: pod POD of node I (10.244.I.2/24, gateway
# 10.244.I.1) on veth VETH.
pod() {
	pod_veth "$1" "$2" "$3" "10.244.$4.2/24" || die "cannot create pod $4's veth"
	[ -z "${5:-}" ] || ip -n "$3" link set eth0 mtu "$5"
}

# --- (a) routed veths ---
routed_node() { # NODE POD I PEER
	pod "$1" va "$2" "$3"
	ip -n "$1" addr add "10.244.$3.1/24" dev va
	ip -n "$1" route add "10.244.$4.0/24" via "192.168.50.$4"
}
setup_ns AN1 AN2 AP1 AP2
underlay "$AN1" "$AN2"
routed_node "$AN1" "$AP1" 1 2
routed_node "$AN2" "$AP2" 2 1

# --- (b) flannel: cni0 + br_netfilter + flannel.1 ---
flannel_node() { # NODE POD I PEER MAC PEERMAC
	ip -n "$1" -b - <<-END || die "cannot set up flannel node $3"
		link add cni0 type bridge
		addr add 10.244.$3.1/24 dev cni0
		link set cni0 up
		link add flannel.1 address $5 mtu 1450 type vxlan id 1 local 192.168.50.$3 dev ul0 dstport 8472 nolearning
		addr add 10.244.$3.0/32 dev flannel.1
		link set flannel.1 up
		route add 10.244.$4.0/24 via 10.244.$4.0 dev flannel.1 onlink
		neigh add 10.244.$4.0 lladdr $6 dev flannel.1 nud permanent
	END
	bridge -n "$1" fdb append "$6" dev flannel.1 dst "192.168.50.$4" self permanent ||
		die "cannot add flannel node $3's fdb entry"
	ip netns exec "$1" sysctl -qw net.bridge.bridge-nf-call-iptables=1 ||
		die "cannot turn br_netfilter on in flannel node $3"
	pod "$1" vb "$2" "$3" 1450
	ip -n "$1" link set vb mtu 1450
	ip -n "$1" link set vb master cni0
}
setup_ns BN1 BN2 BP1 BP2
underlay "$BN1" "$BN2"
flannel_node "$BN1" "$BP1" 1 2 "$MAC1" "$MAC2"
flannel_node "$BN2" "$BP2" 2 1 "$MAC2" "$MAC1"

# --- (c), (d) podnet ---
podnet_node() { # NODE POD I PEER ENCAP [MTU]
	node_setup "$1" pn0 "10.244.$3.1/24" || die "cannot create pn0"
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.pn0.send_redirects=0
	podnetctl -n "$1" node add "node$4" ip "192.168.50.$4" podcidr "10.244.$4.0/24" encap "$5" ||
		die "podnetctl node add (encap $5) failed"
	pod_attach "$1" pn0 vp "$2" "10.244.$3.2/24" || die "podnetctl pod add failed"
	[ -z "${6:-}" ] || ip -n "$2" link set eth0 mtu "$6"
}
setup_ns CN1 CN2 CP1 CP2 DN1 DN2 DP1 DP2
underlay "$CN1" "$CN2"
podnet_node "$CN1" "$CP1" 1 2 vxlan 1450
podnet_node "$CN2" "$CP2" 2 1 vxlan 1450
underlay "$DN1" "$DN2"
podnet_node "$DN1" "$DP1" 1 2 none
podnet_node "$DN2" "$DP2" 2 1 none

declare -A CLIENT=([routed]=$AP1 [flannel]=$BP1 [vxlan]=$CP1 [hostgw]=$DP1)
declare -A SERVER=([routed]=$AP2 [flannel]=$BP2 [vxlan]=$CP2 [hostgw]=$DP2)
CFGS=(routed flannel vxlan hostgw)

for cfg in "${CFGS[@]}"; do
	ip netns exec "${CLIENT[$cfg]}" ping -c1 -W3 10.244.2.2 >/dev/null ||
		die "$cfg: pod 1 cannot ping pod 2"
	bg "${SERVER[$cfg]}" iperf3 -s
	bg "${SERVER[$cfg]}" "$CONNBENCH" server 8080
done
for cfg in "${CFGS[@]}"; do
	busywait 5000 sh -c "ip netns exec ${SERVER[$cfg]} ss -Hltn | grep -q ':5201 .*' && ip netns exec ${SERVER[$cfg]} ss -Hltn | grep -q ':8080 '" >/dev/null ||
		die "$cfg: the servers do not listen"
done
# The podnet pairs cross by VXLAN (podnet.1) and directly (ul0): checked.
[ "$(ip -n "$CN1" -s -j link show podnet.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')" -gt 0 ] ||
	die "vxlan: nothing went out of podnet.1"
ip -n "$DN1" route show 10.244.2.0/24 | grep -q 'via 192.168.50.2 dev ul0' ||
	die "hostgw: no direct route to node 2's pods"

# iperf CFG STREAMS: Gbit/s received, one run.
iperf() { iperf_gbps "${CLIENT[$1]}" 10.244.2.2 "$2" "$SECS" "$1"; }

# conns CFG: new connections a second, one run.
conns() {
	local out
	out=$(ip netns exec "${CLIENT[$1]}" "$CONNBENCH" client 10.244.2.2 8080 "$SECS" "$WORKERS") ||
		{ echo "bench: $1: connbench: $out"; return 1; }
	echo "$1: $out" >&2
	awk '{ for (i = 1; i < NF; i++) if ($i == "rate") print $(i + 1) }' <<<"$out"
}

declare -A RUNS
measure() { # REP CFG
	local p v
	for p in 1 2; do
		v=$(iperf "$2" "$p") || die "$2: iperf3 -P $p failed (see above)"
		RUNS[$2,$p]+=" $v"
		echo "run $1/$REPS  $2  -P $p  $v Gbit/s"
	done
	v=$(conns "$2") || die "$2: connbench failed"
	RUNS[$2,c]+=" $v"
	echo "run $1/$REPS  $2  $v connections/s"
}

echo "iperf3 -t $SECS -O 1, connbench $SECS s x $WORKERS workers, $REPS rounds, $(nproc) CPUs, $(uname -r)"
for ((rep = 1; rep <= REPS; rep++)); do
	step "round $rep of $REPS: ${CFGS[*]}"
	for cfg in "${CFGS[@]}"; do
		measure "$rep" "$cfg"
	done
done

# --- the table ---
med() { runs_median "$1,$2"; } # CFG WHAT
row() { # LABEL CFG
	local w line
	line=$(printf '%-22s' "$1")
	for w in 1 2; do
		line+=$(printf '  %6.2f  %-20s' "$(med "$2" "$w")" "[${RUNS[$2,$w]# }]")
	done
	line+=$(printf '  %7.0f  %s' "$(med "$2" c)" "[${RUNS[$2,c]# }]")
	echo "$line"
	data node_throughput "$2" "$1" "$(med "$2" 1)" "$(med "$2" 2)" "$(med "$2" c)"
}
rrow() { # LABEL A B
	local w line
	line=$(printf '%-22s' "$1")
	for w in 1 2 c; do
		line+=$(printf '  %6s %-14s' "$(ratio "$(med "$2" "$w")" "$(med "$3" "$w")")" "($(runs_ratio "$2,$w" "$3,$w"))")
	done
	echo "$line"
}

results
data node_throughput cfg path gbps_1_stream gbps_2_streams conns_per_s
echo "Pod to pod across two nodes: iperf3 Gbit/s (first second omitted) and connbench connections/s, median of $REPS runs [runs]"
printf '%-22s  %-28s  %-28s  %s\n' "" "1 stream" "2 streams (-P 2)" "connections/s"
row "(a) routed (limit)" routed
row "(b) flannel way" flannel
row "(c) podnet vxlan" vxlan
row "(d) podnet host-gw" hostgw
echo
echo "ratio of the medians (median of the round-by-round ratios)"
printf '%-22s  %-21s  %-21s  %s\n' "ratio" "1 stream" "2 streams" "connections/s"
rrow "vxlan / flannel (c/b)" vxlan flannel
rrow "host-gw / limit (d/a)" hostgw routed
rrow "vxlan / limit (c/a)" vxlan routed
exit 0
