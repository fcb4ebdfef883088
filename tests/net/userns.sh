#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may configure podnet, and who pays for it: the root of a user
# namespace configures the network namespace its user namespace owns and
# no other, what it makes podnet allocate is charged to its memory cgroup
# (GFP_KERNEL_ACCOUNT, as nf_tables charges its rules), its services are
# kept to the module parameter max_services_userns (set to 1 + N here), and
# its cgroup's memory.max stops what it can load (the request at the limit
# fails with ENOMEM; the loader may then meet its cgroup's OOM killer).
#
#   initial user namespace: node ($NODE), pn0
#   └─ user namespace (unshare --user --map-root-user), in cgroup $CG
#      └─ its network namespace: pn0, 1 + N Maglev services (a 32 KiB
#         lookup table each)
#
# Two user namespaces do it all, the second with memory.max set (each
# process costs a second under the debug kernel) and report; the checks
# read their report.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl unshare jq

N=100
CG=/sys/fs/cgroup/podnet-userns.$$
P=/sys/module/podnet/parameters
param_keep max_services_userns
report=$(mktemp)
batchfile=$(mktemp)
bigfile=$(mktemp)
cleanup() {
	rmdir "$CG" 2>/dev/null
	rm -f "$report" "$batchfile" "$bigfile"
	cleanup_all_ns
}

tap_plan 8
setup_ns NODE
ip -n "$NODE" link add pn0 type podnet
check "a memory cgroup" eval '[[ " $(</sys/fs/cgroup/cgroup.controllers) " == *" memory "* ]] &&
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control && mkdir "$CG"'

for ((i = 1; i <= N; i++)); do
	echo "service add 10.98.0.$i:80/tcp sched maglev"
	echo "endpoint set 10.98.0.$i:80/tcp 10.244.1.2:8080"
done >"$batchfile"
# The user namespace's script: each step reports a line "STEP: ..." (the
# steps go on after a failure, so that each check has its line).
# shellcheck disable=SC2016 # expanded by the inner bash
script='
rc() { local out rc; out=$("$@" 2>&1); rc=$?; echo "${out:+$out }rc=$rc"; }
echo "pod bridge: $(rc ip link add pn0 type podnet)"
echo "service: $(rc podnetctl service add 10.96.0.1:80/tcp sched maglev)"
echo "node: $(rc podnetctl -n "$NODE" service show)"
before=$(<"$CG/memory.current")
echo "batch: $(rc podnetctl -b "$BATCH")"
after=$(<"$CG/memory.current")
echo "services: $(podnetctl -j service show | jq length)"
echo "limit: $(rc podnetctl service add 10.96.0.2:80/tcp)"
echo "charged: $((after - before))"
'
echo $((N + 1)) >"$P/max_services_userns"
(echo "$BASHPID" >"$CG/cgroup.procs" &&
	NODE=$NODE CG=$CG BATCH=$batchfile exec unshare --user --map-root-user --net bash -c "$script") >"$report" 2>&1

# Then its cgroup's memory.max 16 MiB over what it uses: 1000 Maglev
# services (64 KiB of tables each) do not fit. The load stops at the limit:
# podnet's requests fail with ENOMEM where the charge fails (no OOM kill
# from inside a request), but the loader, whose own pages the kernel's
# reclaimed on the way, is then as likely to be killed by its cgroup's OOM
# killer; which of the two is reported. The cgroup never holds more than
# memory.max, the node is unaffected, and the memory comes back with the
# namespace.
for ((i = 1; i <= 1000; i++)); do
	echo "service add 10.97.$((i / 256)).$((i % 256)):80/tcp sched maglev"
	echo "endpoint set 10.97.$((i / 256)).$((i % 256)):80/tcp 10.244.1.2:8080"
done >"$bigfile"
# shellcheck disable=SC2016 # expanded by the inner bash
script='
rc() { local out rc; out=$("$@" 2>&1); rc=$?; echo "${out:+$out }rc=$rc"; }
echo "memory.max: $(rc podnetctl -b "$BATCH")"
echo "loaded: $(podnetctl save | grep -c "^service add ")"
'
echo 2000 >"$P/max_services_userns"
base=$(<"$CG/memory.current")
echo $((base + 16 * 1048576)) >"$CG/memory.max"
(echo "$BASHPID" >"$CG/cgroup.procs" &&
	BATCH=$bigfile exec unshare --user --map-root-user --net bash -c "$script") >>"$report" 2>&1
{
	echo "oom_kill: $(awk '$1 == "oom_kill" { print $2 }' "$CG/memory.events")"
	echo "peak: $(<"$CG/memory.peak") (memory.max $(<"$CG/memory.max"))"
	# Its network namespace went with its last process: its memory too
	# (freed after RCU grace periods: waited for).
	if busywait 10000 eval '[ $(<"$CG/memory.current") -lt $((base + 1048576)) ]'; then
		echo "after: back ($(($(<"$CG/memory.current") - base)) bytes from the start)"
	else
		echo "after: still $(($(<"$CG/memory.current") - base)) bytes over the start"
	fi
} >>"$report"
echo "# user namespace's report:"
sed 's/^/#   /' "$report"

# reported STEP GLOB: the report's line "STEP: ..." matches "STEP: GLOB".
reported() {
	local line
	while IFS= read -r line; do
		# shellcheck disable=SC2053 # a glob
		[[ "$line" == "$1: "* ]] || continue
		[[ "$line" == "$1: "$2 ]] && return 0
		echo "$line"
		return 1
	done <"$report"
	echo "no \"$1:\" line"
	return 1
}
check "user namespace root: pn0 and a service in its own network namespace" \
	eval 'reported "pod bridge" "rc=0" && reported service "rc=0"'
check "... and nothing in the node's" \
	reported node "podnetctl: cannot enter network namespace \`$NODE': Operation not permitted rc=2"
check "a batch of $N Maglev services in it" \
	eval 'reported batch "rc=0" && reported services "$((N + 1))"'
check "... and no more than max_services_userns" \
	reported limit "podnetctl: podnet: too many services for a namespace of a user namespace (module parameter max_services_userns)* rc=2"
# reported_num STEP OP N: the report's line "STEP: V ..." has a number V,
# and V OP N (test's -ge, -lt, ...).
reported_num() {
	local line v
	line=$(grep -m 1 "^$1: " "$report") || { echo "no \"$1:\" line"; return 1; }
	v=${line#"$1: "}
	v=${v%% *}
	[[ "$v" =~ ^-?[0-9]+$ ]] && test "$v" "$2" "$3" || { echo "$line, want $2 $3"; return 1; }
}
# memory.current moves with the processes' own memory too: three quarters
# of the tables is the bar (uncharged, the difference is about nothing).
check "... charged to its memory cgroup: at least 3/4 of $N x 32 KiB" \
	reported_num charged -ge $((N * 32768 * 3 / 4))
check "memory.max 16 MiB over its use: 1000 Maglev services stop at the limit, never over it" \
	eval 'reported_num loaded -lt 1000 && reported_num peak -le "$(<"$CG/memory.max")"'
node_unaffected() {
	printf '%s\n' "service add 10.96.9.1:80/tcp sched maglev" \
		"endpoint set 10.96.9.1:80/tcp 10.244.1.2:8080" | podnetctl -n "$NODE" -b -
}
check "... the node unaffected; the memory back when the namespace went" \
	eval 'node_unaffected && reported after "back *"'
exit_tests
