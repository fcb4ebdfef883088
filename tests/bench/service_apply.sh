#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=1500
#
# podnetctl apply against what it replaces, in one boot: N services x 2
# endpoints (the set of service_program.sh), each from an empty node netns:
#
#   apply      podnetctl apply -f of the Service and EndpointSlice objects as
#              `kubectl get services,endpointslices -A -o json' prints them
#              (one List, with the metadata the API server adds)
#   batch      podnetctl -b of the same services (service add + endpoint set)
#   nftables   nft -f of kube-proxy's nftables-mode table for them (what
#              kube-proxy in nftables mode loads for the same objects)
#
# then a second podnetctl apply of the same input into the loaded node (no
# change: it finds its mark, PODNET_CFG_A_APPLIED, and stops), a third
# after another change took the mark away (the input parsed and compared
# with the kernel's services, nothing sent), and the peak resident memory
# of the apply process (getrusage's ru_maxrss) against the size of its
# input.
#
# Times are wall seconds of the command, process start included. Each
# round runs apply, its re-applies and the batch one after another, so
# that under --wall (where the host's load moves every figure) the two
# being compared see the same conditions.
#
# Environment: BENCH_SVCS (10000), BENCH_ROUNDS (3: apply and the no-op
# re-apply, each a median of this many runs).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317,SC2004,SC2154
# (SC2154: t and t2 are set by timed, through printf -v.)
source "$(dirname "$0")/lib.sh"

N=${BENCH_SVCS:-10000}
ROUNDS=${BENCH_ROUNDS:-3}

need_podnet
need_cmd python3 nft
load_modules nf_conntrack nf_nat nft_chain_nat nft_nat nft_numgen

F=$BENCH_TMP
gen_podnet "$N" >"$F/podnet"
gen_kube "$N" >"$F/kube.json"
gen_nft "$N" >"$F/nft"
INBYTES=$(wc -c <"$F/kube.json")
echo "$N services x 2 endpoints; input: kubectl JSON $((INBYTES / 1024)) KiB," \
	"podnet batch $(wc -l <"$F/podnet") lines, nft $(wc -l <"$F/nft") lines"
echo "$(nproc) CPUs, $(uname -r), $(nft --version)"

# maxrss VAR CMD...: run CMD; VAR is its peak resident set size in KiB.
maxrss() {
	local __var=$1 __out
	shift
	__out=$(python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r)' "$@") || return 1
	printf -v "$__var" '%s' "$__out"
}

# count NS: "SERVICES ENDPOINTS" of the namespace.
count() {
	podnetctl -n "$1" -j service show | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(len(s), sum(len(x["endpoints"]) for x in s))'
}

declare -A RUNS T

step "apply and batch"
for ((r = 1; r <= ROUNDS; r++)); do
	setup_ns P
	timed t podnetctl -n "$P" apply -f "$F/kube.json" ||
		die "apply: podnetctl apply of $N services failed"
	RUNS[apply]+=" $t"
	n=$(count "$P")
	[ "$n" = "$N $((2 * N))" ] || die "apply: service show lists $n services and endpoints, want $N $((2 * N))"
	timed t podnetctl -n "$P" apply -f "$F/kube.json" || die "apply: the re-apply failed"
	RUNS[noop]+=" $t"
	# Something else changes (a service added and deleted): the mark is
	# gone, the same input is parsed and compared again, and nothing sent.
	podnetctl -n "$P" -b - <<<$'service add 10.255.0.1:80/tcp\nservice del 10.255.0.1:80/tcp' ||
		die "apply: cannot add and delete a service"
	out=$(podnetctl -n "$P" apply --dry-run -f "$F/kube.json") || die "apply --dry-run failed"
	[ -z "$out" ] || die "apply: a re-apply would still change: $(head -n 3 <<<"$out")"
	timed t2 podnetctl -n "$P" apply -f "$F/kube.json" || die "apply: the re-apply failed"
	RUNS[diff]+=" $t2"
	cleanup_ns "$P"
	# The batch in the same round, so that both see the host alike (--wall).
	setup_ns P
	timed t podnetctl -n "$P" -b "$F/podnet" || die "batch: podnetctl -b of $N services failed"
	RUNS[batch]+=" $t"
	cleanup_ns "$P"
	echo "round $r: apply $(awk '{ print $NF }' <<<"${RUNS[apply]}") s, no-op re-apply" \
		"$(awk '{ print $NF }' <<<"${RUNS[noop]}") s, re-apply after another change $t2 s," \
		"batch $t s"
done
setup_ns P
maxrss RSS_LOAD podnetctl -n "$P" apply -f "$F/kube.json" || die "apply (maxrss) failed"
maxrss RSS_NOOP podnetctl -n "$P" apply -f "$F/kube.json" || die "re-apply (maxrss) failed"
cleanup_ns "$P"

step "nftables"
setup_ns X
timed t ip netns exec "$X" nft -f "$F/nft" || die "nftables: nft -f of $N services failed"
RUNS[nftables]=" $t"
n=$(nft_svc_chains "$X")
[ "$n" -eq "$N" ] || die "nftables: $n service chains, want $N"
ip netns exec "$X" nft flush ruleset
cleanup_ns "$X"

for k in apply noop diff batch nftables; do
	T[$k]=$(runs_median "$k")
done

results
data apply what seconds runs
echo "Programming $N services x 2 endpoints from empty, in one boot (seconds, median"
echo "of $ROUNDS runs; nft -f once)"
printf '%-40s %10s   %s\n' "" seconds runs
row() { # KEY LABEL
	printf '%-40s %10.3f   %s\n' "$2" "${T[$1]}" "${RUNS[$1]# }"
	data apply "$2" "${T[$1]}" "${RUNS[$1]# }"
}
row apply "podnetctl apply -f (kubectl JSON)"
row batch "podnetctl -b (the same services)"
row nftables "nft -f (kube-proxy's nftables table)"
row noop "podnetctl apply -f again (no change)"
row diff "... after another change (read, compared)"
echo
echo "apply / nft -f:        $(ratio "${T[apply]}" "${T[nftables]}" %.4f)  (goal <= 0.02)"
echo "apply / podnetctl -b:  $(ratio "${T[apply]}" "${T[batch]}" %.2f)  (goal <= 2)"
echo "no-op re-apply:        ${T[noop]} s  (goal <= 0.5)"
echo "apply's peak memory:   load $RSS_LOAD KiB, re-apply $RSS_NOOP KiB; input $((INBYTES / 1024)) KiB:" \
	"$(ratio "$RSS_LOAD" "$((INBYTES / 1024))" %.2f)x, $(ratio "$RSS_NOOP" "$((INBYTES / 1024))" %.2f)x (goal <= 3)"
exit 0
