#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=5400
#
# The podnet CNI plugin against the reference bridge plugin (Debian's
# containernetworking-plugins, what a node without podnet would run: a
# Linux bridge, isGateway), both with the same host-local IPAM, in one
# boot: the time of an ADD and of a DEL, for N pods one after another and
# then N pods P at a time (as a runtime starts pods in parallel). Each
# plugin runs in a node namespace of its own and gives each pod a
# namespace of its own (the same N namespaces, emptied by the DELs).
#
# Times are wall seconds (the guest's clock: instructions under the
# runner's --count) of the runtime's call, process start included: the
# plugin, and the host-local it runs.
#
# Environment: BENCH_PODS (200), BENCH_PARALLEL (8).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317,SC2154
# (SC2154: secs is set by timed, through printf -v.)
N=${BENCH_PODS:-200}
PAR=${BENCH_PARALLEL:-8}
REF=/usr/lib/cni
CNI_BIN=$PODNET_REPO/tools/cni/podnet

# conf TYPE: the network configuration; host-local keeps its state under
# $STATE/TYPE.
conf() {
	local plugin
	case $1 in
	podnet) plugin='"type":"podnet","device":"pn0"' ;;
	bridge) plugin='"type":"bridge","bridge":"cni0","isGateway":true' ;;
	esac
	printf '{"cniVersion":"1.0.0","name":"bench-%s",%s,"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.244.0.0/16"}]]}}' \
		"$1" "$plugin" "$STATE/$1"
}

# In a node's namespace: "--node TYPE SEQ|PAR ADD|DEL POD..." runs the
# plugin for each pod (namespace names), one at a time or $PAR at a time,
# and fails if one of its runs did. Before lib.sh, whose EXIT trap is the
# parent's business.
if [ "${1:-}" = --node ]; then
	type=$2 mode=$3 cmd=$4
	shift 4
	bin=$REF/$type
	[ "$type" = podnet ] && bin=$CNI_BIN
	c=$(conf "$type")
	i=0 running=0 failed=0
	for ns; do
		i=$((i + 1))
		CNI_COMMAND=$cmd CNI_CONTAINERID=pod$i CNI_NETNS=/run/netns/$ns CNI_IFNAME=eth0 \
			CNI_PATH=$REF CNI_ARGS='' "$bin" <<<"$c" >"$STATE/out.$i" &
		if [ "$mode" = SEQ ]; then
			wait $! || failed=$((failed + 1))
			continue
		fi
		running=$((running + 1))
		if [ $running -ge "$PAR" ]; then
			wait -n || failed=$((failed + 1))
			running=$((running - 1))
		fi
	done
	while [ $running -gt 0 ]; do
		wait -n || failed=$((failed + 1))
		running=$((running - 1))
	done
	[ $failed -eq 0 ] || { echo "$type $cmd: $failed of $# failed:" >&2; cat "$STATE"/out.* >&2; exit 1; }
	exit 0
fi

source "$(dirname "$0")/lib.sh"

need_podnet
[ -x "$CNI_BIN" ] || die "no $CNI_BIN (make -C tools)"
[ -x "$REF/bridge" ] && [ -x "$REF/host-local" ] ||
	die "no bridge or host-local in $REF (containernetworking-plugins)"
export STATE=$BENCH_TMP

pods=()
for ((i = 1; i <= N; i++)); do pods+=("B$i"); done
setup_ns NODE_podnet NODE_bridge "${pods[@]}"
names=()
for p in "${pods[@]}"; do names+=("${!p}"); done
for ty in podnet bridge; do
	node=NODE_$ty
	pnt sysctl "${!node}" net.ipv4.ip_forward=1 >/dev/null
done
echo "$N pods, one after another and $PAR at a time; host-local IPAM; $(nproc) CPUs, $(uname -r)"
echo "bridge: $("$REF/bridge" 2>&1 | head -n 1); podnet: tools/cni/podnet"

declare -A T
for mode in SEQ PAR; do
	for ty in podnet bridge; do
		node=NODE_$ty
		for cmd in ADD DEL; do
			step "$ty: $N ${cmd}s, $mode"
			timed secs ip netns exec "${!node}" "$0" --node "$ty" "$mode" "$cmd" "${names[@]}" ||
				die "$ty: $cmd ($mode) failed"
			T[$ty.$mode.$cmd]=$secs
		done
		# After the DELs: nothing left behind but the bridge or pn0.
		left=$(ip -n "${!node}" -o link show type veth | wc -l)
		[ "$left" -eq 0 ] || die "$ty: $left veths left after the DELs"
	done
done

results
data cni plugin mode add_ms del_ms addel_ms
echo "CNI ADD and DEL, $N pods (milliseconds a pod; host-local IPAM in both)"
printf '%-28s %10s %10s %12s\n' "" ADD DEL "ADD+DEL"
for mode in SEQ PAR; do
	label="one at a time"
	[ $mode = PAR ] && label="$PAR at a time"
	for ty in podnet bridge; do
		add=$(awk -v s="${T[$ty.$mode.ADD]}" -v n="$N" 'BEGIN { printf "%.1f", s * 1000 / n }')
		del=$(awk -v s="${T[$ty.$mode.DEL]}" -v n="$N" 'BEGIN { printf "%.1f", s * 1000 / n }')
		sum=$(awk -v a="$add" -v d="$del" 'BEGIN { printf "%.1f", a + d }')
		T[$ty.$mode.SUM]=$sum
		printf '%-28s %10s %10s %12s\n' "$ty, $label" "$add" "$del" "$sum"
		data cni "$ty" "$label" "$add" "$del" "$sum"
	done
done
echo
echo "podnet / bridge, ADD+DEL: one at a time $(ratio "${T[podnet.SEQ.SUM]}" "${T[bridge.SEQ.SUM]}" %.2f)," \
	"$PAR at a time $(ratio "${T[podnet.PAR.SUM]}" "${T[bridge.PAR.SUM]}" %.2f) (goal <= 1)"
exit 0
