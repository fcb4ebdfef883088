#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Endpoint churn under load: the service's endpoint set is replaced as fast
# as the kernel takes it (nlfuzz churn: {e1, e2}, then {e3, e4}, then back)
# while two threads of the client pod open one new connection after the
# other to the ClusterIP. A connection begun after a change returned must
# reach an endpoint of the new set (the uapi: "from the moment the command
# returns no new connection picks it"), and none may fail: every endpoint
# keeps serving. Each connection's start and answer and each change's send
# and return are logged with CLOCK_MONOTONIC; the logs are compared.
#
#  ┌───────────── node ($NODE) ─────────────┐
#  │ pn0 10.244.1.1/24                       │  service 10.96.0.10:80/tcp
#  │  ├─ vc ───────┐   ├─ ve ───────┐        │    e1..e4: 10.244.1.3:8081..8084
#  └───────────────┼──────────────────┼────────┘
#        client eth0 ($C)      endpoints eth0 ($E)
#        10.244.1.2            10.244.1.3: e1..e4 on ports 8081..8084, each
#        two loads             answering its name
#
# BENCH_CHURN_SECONDS (3) and BENCH_CHURN_RATE (1000 changes a second; 0:
# as fast as the kernel takes them) set how long and how hard it runs
# (tests/vm/run passes BENCH_* on to the guest).
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"

require_podnet
require_cmd podnetctl

secs=${BENCH_CHURN_SECONDS:-3}
rate=${BENCH_CHURN_RATE:-1000}
nlfuzz=$PODNET_REPO/tests/net/lib/nlfuzz
tmp=/tmp/churn.$$
cleanup() {
	cleanup_all_ns
	rm -f "$tmp".*
}

tap_plan 4
setup_ns NODE C E
node_setup "$NODE" pn0 10.244.1.1/24
# Over a thousand connections a second from one client: conntrack would
# keep each closed one for two minutes (TIME_WAIT; 10 s once reset) and
# fill its table (a few thousand entries in this VM), dropping new ones. A
# busy node's operator shortens those or grows the table; here, one second
# each.
pnt sysctl "$NODE" net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 \
	net.netfilter.nf_conntrack_tcp_timeout_close=1 >/dev/null ||
	ksft_fail "cannot set the node's conntrack timeouts"
pod_attach "$NODE" pn0 vc "$C" 10.244.1.2/24
pod_attach "$NODE" pn0 ve "$E" 10.244.1.3/24
set0=10.244.1.3:8081,10.244.1.3:8082
set1=10.244.1.3:8083,10.244.1.3:8084
check "the service, its endpoints e1..e4 listening" eval '
	printf "%s\n" "service add 10.96.0.10:80/tcp" "endpoint set 10.96.0.10:80/tcp $set0" |
		podnetctl -n "$NODE" -b - &&
	for i in 1 2 3 4; do pnt serve "$E" "e$i" name "tcp4:808$i" || exit 1; done'

loads=()
for i in 1 2; do
	pntv out load "$C" 10.96.0.10 80 tcp log="$tmp.load$i" send=0 || ksft_fail "$out"
	loads+=("${out#load }")
done
churn() {
	ip netns exec "$NODE" "$nlfuzz" churn "$secs" "$rate" 10.96.0.10 80 "$set0" "$set1" >"$tmp.changes"
}
check "$secs s of endpoint set changes under connections" churn
tail -n 1 "$tmp.changes" | sed 's/^/# /'
for id in "${loads[@]}"; do pnt unload "$id" >/dev/null; done

# verdict: each connection's endpoint against the sets in force. A
# connection begun after change k returned picks from change k's set or
# from that of a change sent before its answer came.
verdict() {
	sort -n -k1,1 "$tmp".load* | awk -v secs="$secs" '
	function names(i) { return i == 0 ? " e1 e2 " : " e3 e4 " }
	FNR == NR {
		if ($1 == "change") { n++; sent[n] = $2; ret[n] = $3; set[n] = $4 }
		next
	}
	{
		total++
		if ($3 == "-") { failed++; why[$4 " " $5]++; next }
		while (k < n && ret[k + 1] < $1) k++
		allowed = k ? names(set[k]) : names(0)
		for (j = k + 1; j <= n && sent[j] < $2; j++) allowed = allowed names(set[j])
		if (index(allowed, " " $3 " ")) ok++; else bad++
	}
	END {
		printf "changes %d (%.0f a second), connections %d (%.0f a second): %d to the set in force, %d to a removed endpoint, %d failed\n",
			n, n / secs, total, total / secs, ok, bad + 0, failed + 0
		for (w in why) printf "failed at %s: %d\n", w, why[w]
		exit !(n > 0 && ok > 0 && !bad && !failed)
	}' "$tmp.changes" -
}
check "no connection begun after a change reached an endpoint it removed, none failed" verdict
sed 's/^/# /' "$CHECK_OUT"
last_set() { # a new connection after the churn reaches the last set sent
	local last want out
	last=$(awk '$1 == "change" { s = $4 } END { print s }' "$tmp.changes")
	want="e1 e2"
	[ "$last" = 0 ] || want="e3 e4"
	pntv out get "$C" 10.96.0.10 80 tcp 4 || { echo "$out"; return 1; }
	while read -r w _; do
		[[ " $want " == *" $w "* ]] || { echo "got $w, the last set is $want"; return 1; }
	done <<<"$out"
}
check "after it, new connections reach the last set sent" last_set
exit_tests
