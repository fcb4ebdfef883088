#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=1200
#
# Programming cost of Services, for four datapaths, each in a fresh node
# netns:
#
#  1. load: 10000 services x 2 endpoints from empty, the same set for all:
#       podnet    podnetctl -b FILE (service add + endpoint set per service)
#       iptables  iptables-restore --noflush of kube-proxy's nat table
#       nftables  nft -f of kube-proxy's nftables-mode table
#       ipvs      ipvsadm -R (and, reported apart, ip -b putting the 10000
#                 VIPs on kube-ipvs0, which kube-proxy's IPVS mode also does)
#  2. one endpoint change with the 10000 services present: a third endpoint
#     added to the last service, removed, added again ($BENCH_CHANGES changes,
#     median; only one when it takes over 10 s), done the way each datapath's
#     control plane must do it:
#       podnet    podnetctl endpoint add / endpoint del
#       iptables  iptables-restore of the whole nat table (kube-proxy's full
#                 sync; the removed endpoint's KUBE-SEP chain deleted with -X)
#       nftables  one nft -f transaction, as kube-proxy's partial sync
#                 writes it: the service's chains added, flushed and filled
#                 again (the removed endpoint's chain flushed and deleted)
#       ipvs      ipvsadm -a / ipvsadm -d
#  3. kernel memory: unreclaimable kernel memory (SUnreclaim + VmallocUsed +
#     Percpu of /proc/meminfo) before and after the load; for podnet also
#     split into services alone (service add only), then their endpoints
#     (endpoint set), giving bytes per service and per endpoint.
#
# Times are wall seconds of the command, as run from a shell (process start
# included: that is what a control plane pays too), and kernel seconds: the
# time the kernel spent handling the command's netlink requests, summed over
# its requests, from ftrace's function_graph tracer on the functions every
# request goes through: genl_rcv_msg (podnet, IPVS) and nfnetlink_rcv
# (iptables-nft, nft); none for ipvsadm's setsockopt interface or ip addr
# (it is not used here). Without tracefs the kernel columns say "-".
#
# Environment: BENCH_SVCS (10000), BENCH_CHANGES (3).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317,SC2004
source "$(dirname "$0")/lib.sh"

N=${BENCH_SVCS:-10000}
CHANGES=${BENCH_CHANGES:-3}
T=$N # the target service: the last one
TVIP=$(vip "$T")

need_podnet
need_cmd python3 iptables-restore nft ipvsadm
load_modules nf_conntrack nf_nat iptable_nat xt_statistic xt_comment xt_tcpudp \
	nft_chain_nat nft_nat nft_numgen ip_vs ip_vs_rr dummy

F=$BENCH_TMP
gen_podnet "$N" >"$F/podnet"
gen_podnet "$N" 2 services >"$F/podnet.svc"
gen_podnet "$N" 2 endpoints >"$F/podnet.eps"
gen_iptables "$N" >"$F/ipt"
gen_iptables "$N" 3 >"$F/ipt.add"
gen_iptables "$N" 2 1 >"$F/ipt.del"
gen_nft "$N" >"$F/nft"
nft_change "$T" 1 >"$F/nft.add"
nft_change "$T" 0 >"$F/nft.del"
gen_ipvs "$N" >"$F/ipvs"
gen_vips "$N" kube-ipvs0 >"$F/vips"
echo "$N services x 2 endpoints; input: podnet $(wc -l <"$F/podnet") lines," \
	"iptables-restore $(wc -l <"$F/ipt") lines ($(($(wc -c <"$F/ipt") / 1024)) KiB)," \
	"nft $(wc -l <"$F/nft") lines, ipvsadm $(wc -l <"$F/ipvs") lines"
echo "$(nproc) CPUs, $(uname -r), $(iptables --version)"

declare -A LOAD MEM CHG CHGRUNS SLABTOP KLOAD KCHG KCHGRUNS

# mem_begin / mem_end KEY: kernel memory delta of what ran between them
# (MEM[KEY], kB), and the slab caches that grew most (SLABTOP[KEY]).
slab_snap() { # bytes in use per slab cache
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo 2>/dev/null | sort
}
mem_begin() {
	sleep 2
	slab_snap >"$F/slab.0"
	M0=$(kmem_kb)
}
mem_end() {
	sleep 2
	MEM[$1]=$(($(kmem_kb) - M0))
	slab_snap >"$F/slab.1"
	SLABTOP[$1]=$(join "$F/slab.0" "$F/slab.1" | awk '{ d = $3 - $2; if (d >= 102400) print d, $1 }' |
		sort -rn | head -n 3 | awk '{ printf "%s%s +%d KiB", (NR > 1 ? ", " : ""), $2, $1 / 1024 }')
	echo "$1: kernel memory +${MEM[$1]} kB; slab caches that grew most: ${SLABTOP[$1]:-none}"
}

# Kernel time of netlink requests (see the top): ktrace_start before a
# command, ktrace_stop VAR after it sets VAR to the seconds the traced
# functions took, summed ("-" without tracing; "?" if the buffer overran).
TR=/sys/kernel/tracing
KTRACE=0
ktrace_setup() {
	local fn
	mountpoint -q $TR || mount -t tracefs nodev $TR 2>/dev/null || return 1
	grep -qw function_graph $TR/available_tracers || return 1
	echo 0 >$TR/tracing_on
	: >$TR/set_ftrace_filter
	for fn in genl_rcv_msg nfnetlink_rcv; do
		echo "$fn" >>$TR/set_ftrace_filter 2>/dev/null || return 1
	done
	echo 32768 >$TR/buffer_size_kb
	echo function_graph >$TR/current_tracer || return 1
	KTRACE=1
}
ktrace_start() {
	[ $KTRACE = 1 ] || return 0
	: >$TR/trace
	echo 1 >$TR/tracing_on
}
ktrace_stop() {
	local __v=-
	if [ $KTRACE = 1 ]; then
		echo 0 >$TR/tracing_on
		if grep -q '^overrun: [1-9]' $TR/per_cpu/cpu*/stats; then
			__v='?'
		else
			__v=$(grep -o '[0-9.]* us' $TR/trace | awk '{ s += $1 } END { printf "%.6f\n", s / 1e6 }')
		fi
	fi
	printf -v "$1" '%s' "$__v"
}
ktrace_setup || echo "no ftrace function_graph tracer: kernel times not measured"

# changes DP ADD-CMD... -- DEL-CMD...: CHANGES changes, alternately ADD and
# DEL, each timed (wall and kernel); only one if it takes more than 10 s.
changes() {
	local dp=$1 add=() del=() k t kt
	shift
	while [ "$1" != -- ]; do add+=("$1"); shift; done
	shift
	del=("$@")
	for ((k = 1; k <= CHANGES; k++)); do
		ktrace_start
		if ((k % 2)); then
			timed t "${add[@]}" || die "$dp: endpoint change $k (add: ${add[*]}) failed"
		else
			timed t "${del[@]}" || die "$dp: endpoint change $k (del: ${del[*]}) failed"
		fi
		ktrace_stop kt
		CHGRUNS[$dp]+=" $t"
		KCHGRUNS[$dp]+=" $kt"
		echo "$dp: endpoint change $k: $t s, kernel $kt s"
		# One change that slow is enough to see it (and repeating it would
		# take minutes under TCG).
		if awk -v t="$t" 'BEGIN { exit !(t > 10) }'; then
			echo "$dp: a change takes more than 10 s: not repeated"
			break
		fi
	done
	local -a v
	read -ra v <<<"${CHGRUNS[$dp]}"
	CHG[$dp]=$(median "${v[@]}")
	read -ra v <<<"${KCHGRUNS[$dp]}"
	case "${v[*]}" in
	*[-?]*) KCHG[$dp]=${v[0]} ;;
	*) KCHG[$dp]=$(median "${v[@]}") ;;
	esac
}

# kload DP CMD...: timed "LOAD[DP]" CMD, with the kernel time in KLOAD[DP].
kload() {
	local __dp=$1 __rc
	shift
	ktrace_start
	timed "LOAD[$__dp]" "$@"
	__rc=$?
	ktrace_stop "KLOAD[$__dp]"
	return $__rc
}

# --- podnet ---
setup_ns P
mem_begin
kload podnet podnetctl -n "$P" -b "$F/podnet" || die "podnet: podnetctl -b of $N services failed"
mem_end podnet
n=$(podnetctl -n "$P" -j service show | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(len(s), sum(len(x["endpoints"]) for x in s))')
[ "$n" = "$N $((2 * N))" ] || die "podnet: service show lists $n services and endpoints, want $N $((2 * N))"
echo "podnet: load ${LOAD[podnet]} s, kernel memory +${MEM[podnet]} kB"
changes podnet podnetctl -n "$P" endpoint add "$TVIP:80/tcp" "$EP3:$EP_PORT" -- \
	podnetctl -n "$P" endpoint del "$TVIP:80/tcp" "$EP3:$EP_PORT"
podnetctl -n "$P" service show "$TVIP:80/tcp" | sed 's/^/  /'
sed 's/^service add/service del/' "$F/podnet.svc" | podnetctl -n "$P" -b - || echo "podnet: deleting the services failed"
cleanup_ns "$P"

# podnet, memory split: the services alone, then their endpoints.
setup_ns P
mem_begin
timed "LOAD[podnet_svc]" podnetctl -n "$P" -b "$F/podnet.svc" || die "podnet: service add x $N failed"
mem_end podnet_svc
mem_begin
timed "LOAD[podnet_eps]" podnetctl -n "$P" -b "$F/podnet.eps" || die "podnet: endpoint set x $N failed"
mem_end podnet_eps
echo "podnet: $N services alone ${LOAD[podnet_svc]} s +${MEM[podnet_svc]} kB; then $((2 * N)) endpoints ${LOAD[podnet_eps]} s +${MEM[podnet_eps]} kB"
sed 's/^service add/service del/' "$F/podnet.svc" | podnetctl -n "$P" -b - || echo "podnet: deleting the services failed"
cleanup_ns "$P"

# --- iptables ---
setup_ns I
kube_nat_chains "$I" || die "iptables: cannot create kube-proxy's nat chains"
mem_begin
kload iptables ip netns exec "$I" iptables-restore -w --noflush "$F/ipt" ||
	die "iptables: iptables-restore of $N services failed"
mem_end iptables
n=$(ip netns exec "$I" iptables -w -t nat -S KUBE-SERVICES | grep -c -- '-j KUBE-SVC-')
[ "$n" -eq "$N" ] || die "iptables: KUBE-SERVICES has $n service rules, want $N"
echo "iptables: load ${LOAD[iptables]} s, kernel memory +${MEM[iptables]} kB"
changes iptables ip netns exec "$I" iptables-restore -w --noflush "$F/ipt.add" -- \
	ip netns exec "$I" iptables-restore -w --noflush "$F/ipt.del"
ip netns exec "$I" iptables -w -t nat -S "KUBE-SVC-$(printf %016X "$T")" | sed 's/^/  /'
ip netns exec "$I" iptables -w -t nat -F && ip netns exec "$I" iptables -w -t nat -X
cleanup_ns "$I"

# --- nftables ---
setup_ns X
mem_begin
kload nftables ip netns exec "$X" nft -f "$F/nft" || die "nftables: nft -f of $N services failed"
mem_end nftables
n=$(nft_svc_chains "$X")
[ "$n" -eq "$N" ] || die "nftables: $n service chains, want $N"
echo "nftables: load ${LOAD[nftables]} s, kernel memory +${MEM[nftables]} kB"
changes nftables ip netns exec "$X" nft -f "$F/nft.add" -- ip netns exec "$X" nft -f "$F/nft.del"
ip netns exec "$X" nft list chain ip kube-proxy "$(nft_svc_chain "$T")" | sed 's/^/  /'
ip netns exec "$X" nft flush ruleset
cleanup_ns "$X"

# --- ipvs ---
setup_ns V
ipvs_base "$V" || die "ipvs: cannot create kube-ipvs0"
mem_begin
timed "LOAD[ipvs_vips]" ip -n "$V" -b "$F/vips" || die "ipvs: adding $N VIPs to kube-ipvs0 failed"
kload ipvs ip netns exec "$V" ipvsadm -R <"$F/ipvs" || die "ipvs: ipvsadm -R of $N services failed"
mem_end ipvs
n=$(ip netns exec "$V" ipvsadm -Ln | grep -c '^TCP')
[ "$n" -eq "$N" ] || die "ipvs: ipvsadm -Ln lists $n services, want $N"
echo "ipvs: load ${LOAD[ipvs]} s (+ VIPs ${LOAD[ipvs_vips]} s), kernel memory +${MEM[ipvs]} kB"
changes ipvs ip netns exec "$V" ipvsadm -a -t "$TVIP:80" -r "$EP3:$EP_PORT" -m -w 1 -- \
	ip netns exec "$V" ipvsadm -d -t "$TVIP:80" -r "$EP3:$EP_PORT"
ip netns exec "$V" ipvsadm -Ln -t "$TVIP:80" | sed 's/^/  /'
ip netns exec "$V" ipvsadm -C
ip -n "$V" link del kube-ipvs0
cleanup_ns "$V"

# --- the table ---
DPS=(podnet iptables nftables ipvs)
label() {
	case "$1" in
	podnet) echo "podnet" ;;
	iptables) echo "iptables ($(iptables --version | sed -n 's/.*(\(.*\)).*/\1/p'))" ;;
	nftables) echo "nftables (kube-proxy)" ;;
	ipvs) echo "IPVS" ;;
	esac
}
how() {
	case "$1" in
	podnet) echo "podnetctl -b | endpoint add/del" ;;
	iptables) echo "iptables-restore | whole nat table" ;;
	nftables) echo "nft -f | 1 transaction" ;;
	ipvs) echo "ipvsadm -R | ipvsadm -a/-d" ;;
	esac
}

results
data program datapath load_s load_kernel_s change_s change_kernel_s bytes_per_service services
echo "Programming $N services x 2 endpoints from empty (load), and one endpoint change"
echo "with them present (median of $CHANGES: add, remove, add; once if over 10 s);"
echo "seconds: wall (of the command) and kernel (handling its netlink requests)"
printf '%-22s  %8s %8s  %-30s  %-40s  %-34s  %s\n' datapath "load" "kernel" "one endpoint change [runs]" \
	"kernel [runs]" "how (load | change)" "kernel memory"
# shellcheck disable=SC2059 # fmt VALUE FORMAT: the format is the caller's
fmt() { case "$1" in [0-9]*) printf "$2" "$1" ;; *) echo "$1" ;; esac; }
runs() { local -a v; read -ra v <<<"$1"; local x o=; for x in "${v[@]}"; do o+="${o:+ }$(fmt "$x" "$2")"; done; echo "$o"; }
for dp in "${DPS[@]}"; do
	printf '%-22s  %8.3f %8s  %-30s  %-40s  %-34s  %6d KiB  %5d B/service\n' "$(label "$dp")" "${LOAD[$dp]}" \
		"$(fmt "${KLOAD[$dp]}" %.3f)" "$(printf '%.4f' "${CHG[$dp]}") [$(runs "${CHGRUNS[$dp]}" %.4f)]" \
		"$(fmt "${KCHG[$dp]}" %.6f) [$(runs "${KCHGRUNS[$dp]}" %.6f)]" "$(how "$dp")" \
		"${MEM[$dp]}" "$((${MEM[$dp]} * 1024 / N))"
	data program "$(label "$dp")" "${LOAD[$dp]}" "${KLOAD[$dp]}" "${CHG[$dp]}" "${KCHG[$dp]}" \
		"$((${MEM[$dp]} * 1024 / N))" "$N"
done
printf '%-22s  %8.3f %8s  %-30s  %-40s  %-34s\n' "  + VIPs on kube-ipvs0" "${LOAD[ipvs_vips]}" "" "" "" "ip -b (addr add x $N)"
echo
printf '%-22s  %9s  %14s  %15s  %15s\n' "other / podnet" load "load (kernel)" "endpoint change" "change (kernel)"
for dp in iptables nftables ipvs; do
	printf '%-22s  %9s  %14s  %15s  %15s\n' "$(label "$dp")" "$(ratio "${LOAD[$dp]}" "${LOAD[podnet]}" %.1f)x" \
		"$(ratio "${KLOAD[$dp]}" "${KLOAD[podnet]}" %.1f)x" \
		"$(ratio "${CHG[$dp]}" "${CHG[podnet]}" %.1f)x" "$(ratio "${KCHG[$dp]}" "${KCHG[podnet]}" %.1f)x"
done
best=$(printf '%s\n' "${LOAD[iptables]}" "${LOAD[nftables]}" "${LOAD[ipvs]}" | sort -g | head -n 1)
echo "load: podnet takes $(ratio "${LOAD[podnet]}" "$best" %.3f) of the best other's time (wall; goal <= 0.1)"
echo "one endpoint change, podnet kernel time: ${KCHG[podnet]} s (goal < 0.001)"
echo
echo "podnet kernel memory, $N services loaded in two steps:"
printf '  service add x %d:      %6d KiB  %5d bytes/service   (%.3f s)\n' "$N" "${MEM[podnet_svc]}" \
	"$((${MEM[podnet_svc]} * 1024 / N))" "${LOAD[podnet_svc]}"
printf '  endpoint set x %d:     %6d KiB  %5d bytes/endpoint  (%.3f s, %d endpoints)\n' "$N" "${MEM[podnet_eps]}" \
	"$((${MEM[podnet_eps]} * 1024 / (2 * N)))" "${LOAD[podnet_eps]}" "$((2 * N))"
echo "  slab caches that grew most: services: ${SLABTOP[podnet_svc]:-none}; endpoints: ${SLABTOP[podnet_eps]:-none}"
echo "(kernel memory: SUnreclaim + VmallocUsed + Percpu of /proc/meminfo, after minus before)"
exit 0
