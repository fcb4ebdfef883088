#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may configure podnet, and who pays for it: the root of a user
# namespace configures the network namespace its user namespace owns and
# no other, what it makes podnet allocate is charged to its memory cgroup
# (GFP_KERNEL_ACCOUNT, as nf_tables charges its rules), and its services
# are kept to the module parameter max_services_userns (set to 1 + N here).
#
#   initial user namespace: node ($NODE), pn0
#   └─ user namespace (unshare --user --map-root-user), in cgroup $CG
#      └─ its network namespace: pn0, 1 + N Maglev services (a 32 KiB
#         lookup table each)
#
# One user namespace does it all (each process costs a second under the
# debug kernel) and reports; the checks read its report.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl unshare jq

N=100
CG=/sys/fs/cgroup/podnet-userns.$$
P=/sys/module/podnet/parameters
OLD_LIMIT=$(cat "$P/max_services_userns")
report=$(mktemp)
batchfile=$(mktemp)
cleanup() {
	echo "$OLD_LIMIT" >"$P/max_services_userns"
	rmdir "$CG" 2>/dev/null
	rm -f "$report" "$batchfile"
	cleanup_all_ns
}

tap_plan 6
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
# shellcheck disable=SC2317
charged_at_least() { # BYTES: the report's "charged" line says at least BYTES
	local line
	while IFS= read -r line; do
		[[ "$line" =~ ^charged:\ (-?[0-9]+)$ ]] || continue
		[ "${BASH_REMATCH[1]}" -ge "$1" ] && return 0
		echo "$line, want at least $1"
		return 1
	done <"$report"
	echo "no \"charged:\" line"
	return 1
}
# memory.current moves with the processes' own memory too: three quarters
# of the tables is the bar (uncharged, the difference is about nothing).
check "... charged to its memory cgroup: at least 3/4 of $N x 32 KiB" charged_at_least $((N * 32768 * 3 / 4))
exit_tests
