#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=1500
#
# New-connection rate through a ClusterIP with N services programmed (N = 1,
# 1000, 10000 by default; the target service programmed last), for four
# Service datapaths, one at a time:
#
#   podnet     podnetctl -b: "service add VIP:80/tcp" and "endpoint set VIP:80/tcp
#              10.244.1.2:8080,10.244.1.3:8080" per service
#   iptables   kube-proxy's iptables mode, loaded with iptables-restore: a
#              KUBE-SERVICES rule per service (jumped to from PREROUTING and
#              OUTPUT), KUBE-SVC chains (-m statistic), KUBE-SEP chains (DNAT)
#   nftables   kube-proxy's nftables mode, loaded with nft -f: a verdict map on
#              daddr . l4proto . dport, numgen random per service
#   ipvs       kube-proxy's IPVS mode: ipvsadm -R (rr, masquerading), the VIPs
#              on the dummy device kube-ipvs0
#   ipvs-kp    ipvs with the iptables nat chains kube-proxy's IPVS mode also
#              installs (KUBE-SERVICES, KUBE-POSTROUTING; lib.sh kube_nat_chains):
#              conntrack and its NAT engine on, as on a real IPVS-mode node
#
#  node ($NODE): pn0 10.244.1.1/24, forwarding on; the datapath under test
#    ├─ client pod ($C) 10.244.1.10: connbench client -> VIP:80
#    ├─ endpoint pod ($E1) 10.244.1.2: connbench server :8080
#    └─ endpoint pod ($E2) 10.244.1.3: connbench server :8080
#
# The pods hang off a podnet device in every case (it only switches; its
# Service hooks are registered only while podnet has services). Each
# (datapath, N), and the reference (straight to a pod's address, no
# service), has its own node and pods, all of them up at once: they are
# programmed one after the other, then measured in rounds, each round
# running every one of them in turn (starting one further each round), so
# that a drift of the VM's speed, which TCG has, touches every column alike;
# the ratios are medians of the round-by-round ratios. The client
# (tests/bench/connbench.c, compiled here) runs $BENCH_WORKERS processes
# each doing connect(), read() to the server's FIN, close(), for $BENCH_SECS
# seconds; the node's conntrack entries are flushed before and after each
# run; a first round is a warm-up, left out; the table gives the median of
# $BENCH_REPS rounds.
#
# Environment: BENCH_NS ("1 10 100 1000 10000"), BENCH_SECS (3), BENCH_REPS (3),
# BENCH_WORKERS (2), BENCH_DATAPATHS ("podnet iptables nftables ipvs ipvs-kp").
#
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

read -ra NSVC <<<"${BENCH_NS:-1 10 100 1000 10000}"
SECS=${BENCH_SECS:-3}
REPS=${BENCH_REPS:-3}
WORKERS=${BENCH_WORKERS:-2}
read -ra DPS <<<"${BENCH_DATAPATHS:-podnet iptables nftables ipvs ipvs-kp}"
NMAX=${NSVC[-1]}

need_podnet
need_cmd gcc python3 iptables-restore nft ipvsadm conntrack
load_modules nf_conntrack nf_conntrack_netlink nf_nat iptable_nat xt_statistic xt_comment xt_tcpudp \
	nft_chain_nat nft_nat nft_numgen nft_ct ip_vs ip_vs_rr dummy xt_mark xt_MASQUERADE
sysctl -qw net.netfilter.nf_conntrack_max=262144
build_connbench

# --- the node and its pods ---
# shellcheck disable=SC2153 # NODE, C, E1, E2: set by setup_ns
topo_up() {
	setup_ns NODE C E1 E2
	node_setup "$NODE" pn0 10.244.1.1/24 || die "cannot create pn0"
	ip netns exec "$NODE" sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.pn0.send_redirects=0
	pod_attach "$NODE" pn0 ve1 "$E1" $EP1/24 || die "cannot attach endpoint pod 1"
	pod_attach "$NODE" pn0 ve2 "$E2" $EP2/24 || die "cannot attach endpoint pod 2"
	pod_attach "$NODE" pn0 vc "$C" 10.244.1.10/24 || die "cannot attach the client pod"
	ip netns exec "$C" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	bg "$E1" "$CONNBENCH" server $EP_PORT
	bg "$E2" "$CONNBENCH" server $EP_PORT
	busywait 5000 sh -c "ip netns exec $E1 ss -Hltn 'sport = :$EP_PORT' | grep -q . &&
		ip netns exec $E2 ss -Hltn 'sport = :$EP_PORT' | grep -q ." >/dev/null ||
		die "the endpoint servers do not listen"
}

# program DP N: load N services into the node's datapath DP.
program() {
	local f=$BENCH_TMP/svc
	case "$1" in
	podnet)
		gen_podnet "$2" >"$f"
		podnetctl -n "$NODE" -b "$f"
		;;
	iptables)
		gen_iptables "$2" >"$f"
		kube_nat_chains "$NODE" && ip netns exec "$NODE" iptables-restore -w --noflush "$f"
		;;
	nftables)
		gen_nft "$2" >"$f"
		ip netns exec "$NODE" nft -f "$f"
		;;
	ipvs | ipvs-kp)
		gen_vips "$2" kube-ipvs0 >"$f.ip"
		gen_ipvs "$2" >"$f"
		{ [ "$1" = ipvs ] || kube_nat_chains "$NODE"; } &&
			ipvs_base "$NODE" && ip -n "$NODE" -b "$f.ip" &&
			ip netns exec "$NODE" ipvsadm -R <"$f"
		;;
	esac
}

# flush DP: empty the node's datapath (so that deleting the namespace has
# little left to do in the background).
flush() {
	case "$1" in
	podnet)
		gen_podnet "$2" 2 services | sed 's/^service add/service del/' >"$BENCH_TMP/del"
		podnetctl -n "$NODE" -b "$BENCH_TMP/del"
		;;
	iptables)
		ip netns exec "$NODE" iptables -w -t nat -F &&
			ip netns exec "$NODE" iptables -w -t nat -X
		;;
	nftables) ip netns exec "$NODE" nft flush ruleset ;;
	ipvs) ip netns exec "$NODE" ipvsadm -C && ip -n "$NODE" link del kube-ipvs0 ;;
	ipvs-kp)
		NODE=$NODE flush ipvs && NODE=$NODE flush iptables
		;;
	esac
}

# rate NODE CLIENT ADDR PORT SECS: one run of the client; prints the
# connbench line.
rate() {
	ip netns exec "$1" conntrack -F >/dev/null 2>&1
	ip netns exec "$2" "$CONNBENCH" client "$3" "$4" "$5" "$WORKERS"
	local rc=$?
	ip netns exec "$1" conntrack -F >/dev/null 2>&1
	return $rc
}

# measure REP KEY: one run of KEY (warm-up if REP is 0) into RUNS[KEY].
declare -A RUNS ERRS PROG NODEOF CLIENTOF ADDROF PORTOF
measure() {
	local rep=$1 key=$2 out r e
	out=$(rate "${NODEOF[$key]}" "${CLIENTOF[$key]}" "${ADDROF[$key]}" "${PORTOF[$key]}" \
		"$([ "$rep" -eq 0 ] && echo 1 || echo "$SECS")") ||
		die "$key: no connection to ${ADDROF[$key]}:${PORTOF[$key]} completed ($out)"
	if [ "$rep" -eq 0 ]; then
		echo "$key: warm-up: $out"
		return
	fi
	echo "$key: round $rep/$REPS: $out"
	r=$(awk '{ for (i = 1; i < NF; i++) if ($i == "rate") print $(i + 1) }' <<<"$out")
	e=$(awk '{ for (i = 1; i < NF; i++) if ($i == "errors") print $(i + 1) }' <<<"$out")
	RUNS[$key]+=" $r"
	ERRS[$key]=$((${ERRS[$key]:-0} + e))
}

# add_node KEY ADDR PORT: a node and its pods for KEY, the client aiming at
# ADDR:PORT.
add_node() {
	topo_up
	NODEOF[$1]=$NODE
	CLIENTOF[$1]=$C
	ADDROF[$1]=$2
	PORTOF[$1]=$3
	KEYS+=("$1")
}

echo "connbench: $WORKERS workers, $SECS s runs, $REPS rounds after a warm-up; $(nproc) CPUs, $(uname -r)"
iptables --version

# Reference: straight to an endpoint pod's address, no service, no conntrack.
KEYS=()
add_node direct $EP1 $EP_PORT
for dp in "${DPS[@]}"; do
	step "programming $dp: N=${NSVC[*]}"
	for n in "${NSVC[@]}"; do
		add_node "$dp,$n" "$(vip "$n")" 80
		t0=$(now)
		program "$dp" "$n" || die "$dp: programming $n services failed"
		PROG[$dp,$n]=$(elapsed "$t0")
		echo "$dp N=$n: programmed in ${PROG[$dp,$n]} s"
	done
done
for ((rep = 0; rep <= REPS; rep++)); do
	step "round $rep of $REPS (0: warm-up), ${#KEYS[@]} nodes"
	for ((i = 0; i < ${#KEYS[@]}; i++)); do
		measure "$rep" "${KEYS[(i + rep) % ${#KEYS[@]}]}"
	done
done
for dp in "${DPS[@]}"; do
	for n in "${NSVC[@]}"; do
		if [ "$dp" = podnet ]; then
			podnetctl -n "${NODEOF[$dp,$n]}" service show "$(vip "$n"):80/tcp" | sed 's/^/  /'
		fi
		NODE=${NODEOF[$dp,$n]} flush "$dp" "$n" || echo "bench: flushing $dp N=$n failed"
	done
done
kill_bg

# --- the table ---
runs() { # KEY: the runs, rounded
	local -a v
	read -ra v <<<"${RUNS[$1]}"
	printf '%.0f ' "${v[@]}" | sed 's/ $//'
}
label() {
	case "$1" in
	podnet) echo "podnet" ;;
	iptables) echo "iptables ($(iptables --version | sed -n 's/.*(\(.*\)).*/\1/p'))" ;;
	nftables) echo "nftables (kube-proxy)" ;;
	ipvs) echo "IPVS (rr, masq)" ;;
	ipvs-kp) echo "IPVS + kube-proxy nat" ;;
	esac
}

results
data connrate datapath services conns_per_s
data program_time datapath services seconds
for dp in "${DPS[@]}"; do
	for n in "${NSVC[@]}"; do
		data connrate "$(label "$dp")" "$n" "$(runs_median "$dp,$n")"
		data program_time "$(label "$dp")" "$n" "${PROG[$dp,$n]}"
	done
done
data connrate "no service (pod IP)" 0 "$(runs_median direct)"
echo "New TCP connections/s from a pod to a ClusterIP (2 endpoint pods), N services"
echo "programmed, the target last. connbench: $WORKERS workers, median of $REPS rounds of $SECS s runs [runs]"
hdr=$(printf '%-24s' datapath)
for n in "${NSVC[@]}"; do hdr+=$(printf '  %-26s' "N=$n"); done
hdr+="  N=$NMAX/N=${NSVC[0]} (*)"
echo "$hdr"
for dp in "${DPS[@]}"; do
	line=$(printf '%-24s' "$(label "$dp")")
	for n in "${NSVC[@]}"; do
		line+=$(printf '  %7.0f %-18s' "$(runs_median "$dp,$n")" "[$(runs "$dp,$n")]")
	done
	line+="  $(runs_ratio "$dp,$NMAX" "$dp,${NSVC[0]}")"
	echo "$line"
done
printf '%-24s  %7.0f %-18s\n' "no service (pod IP)" "$(runs_median direct)" \
	"[$(runs direct)]"
echo
line="podnet / other at N=$NMAX:"
for dp in "${DPS[@]}"; do
	[ "$dp" = podnet ] && continue
	line+="  $dp $(runs_ratio "podnet,$NMAX" "$dp,$NMAX")x"
done
echo "$line"
echo "(*) ratios: the median of the round-by-round ratios"
errs=""
for k in "${!ERRS[@]}"; do
	[ "${ERRS[$k]}" -eq 0 ] || errs+=" $k: ${ERRS[$k]}"
done
echo "failed connections (refused/timed out, all runs):${errs:- none}"
echo
echo "Time to program the N services before the runs (s; see service_program for the details)"
echo "$(printf '%-24s' datapath)$(for n in "${NSVC[@]}"; do printf '  %-10s' "N=$n"; done)"
for dp in "${DPS[@]}"; do
	echo "$(printf '%-24s' "$(label "$dp")")$(for n in "${NSVC[@]}"; do printf '  %-10.3f' "${PROG[$dp,$n]}"; done)"
done
exit 0
