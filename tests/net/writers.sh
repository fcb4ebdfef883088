#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrent writers: three podnetctl writers change services of one node
# at once (single commands, batches, batches whose last line the kernel
# refuses), a fourth process dumps them over and over, and a monitor
# listens. Every command applies or is refused whole (exit 0 or 2, never
# 3), every dump parses and lists each service once (or says it was
# interrupted), the node ends as the accepted commands say, and the
# monitor's events, replayed, give that same end.
#
#  ┌──────── node ($NODE) ────────┐
#  │ writer W: 10.96.W.1-4:80/tcp  │  endpoints 10.244.1.2-5:8080
#  │ dumper: service show, -j      │  monitor: every event
#  └───────────────────────────────┘
#
# BENCH_WRITERS_OPS (40 on Debian's kernel, 8 on the debug kernel): the
# commands each writer runs.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl jq

ops=${BENCH_WRITERS_OPS:-40}
[ "$PODNET_KERNEL" != debug ] || ops=${BENCH_WRITERS_OPS:-8}
tmp=/tmp/writers.$$
monitor_pid=
cleanup() {
	[ -z "$monitor_pid" ] || kill "$monitor_pid" 2>/dev/null
	cleanup_all_ns
	rm -rf "$tmp"
}
mkdir -p "$tmp"

tap_plan 5
setup_ns NODE
pc() { podnetctl -n "$NODE" "$@"; }

# The monitor, listening once a probe's add shows.
pc monitor >"$tmp/mon" 2>"$tmp/mon.err" &
monitor_pid=$!
mon_probe() {
	pc -b - >/dev/null 2>&1 <<<$'service add 10.96.9.9:80/tcp\nservice del 10.96.9.9:80/tcp'
	grep -q '^service add 10.96.9.9:80/tcp' "$tmp/mon"
}
busywait 10000 mon_probe >/dev/null || ksft_fail "the monitor does not listen"

# writer W: OPS commands on services 10.96.W.1-4; each logged to W.log as
# its lines, then "rc N".
writer() {
	local w=$1 i k e f rc lines
	RANDOM=$w
	for ((i = 0; i < ops; i++)); do
		k=$((RANDOM % 4 + 1)) e=$((RANDOM % 4 + 2)) f=$((RANDOM % 3 + 2))
		[ $f -lt $e ] || f=$((f + 1))
		case $((RANDOM % 4)) in
		0) lines="service add 10.96.$w.$k:80/tcp" ;;
		1) lines="service del 10.96.$w.$k:80/tcp" ;;
		2) lines="service add 10.96.$w.$k:80/tcp"$'\n'"endpoint set 10.96.$w.$k:80/tcp 10.244.1.$e:8080,10.244.1.$f:8080" ;;
		3) lines="endpoint set 10.96.$w.$k:80/tcp 10.244.1.$e:8080"$'\n'"service del 10.96.$w.99:80/tcp" ;;
		esac
		pc -b - <<<"$lines" >/dev/null 2>>"$tmp/$w.err"
		rc=$?
		printf '%s\nrc %d\n' "$lines" $rc >>"$tmp/$w.log"
	done
}

# dumper: service show -j until the writers are done; one line a dump:
# "ok", "flagged" (podnetctl said it changed during the dump) or "bad".
dumper() {
	local out
	while [ ! -e "$tmp/done" ]; do
		if out=$(pc -j service show 2>"$tmp/dump.err") &&
			jq -e 'map("\(.addr):\(.port)/\(.proto)") | length == (unique | length)' \
				<<<"$out" >/dev/null; then
			if grep -q "changed during the dump" "$tmp/dump.err"; then
				echo flagged
			else
				echo ok
			fi
		else
			echo bad
		fi
	done >"$tmp/dumps"
}

dumper &
dpid=$!
wpids=()
for w in 1 2 3; do
	writer $w &
	wpids+=($!)
done
wait "${wpids[@]}"
touch "$tmp/done"
wait "$dpid"
whole() { # every writer's command ended with exit 0 or 2
	! grep -h "^rc" "$tmp"/[123].log | grep -v "^rc [02]$" &&
		[ "$(cat "$tmp"/[123].log | grep -c "^rc")" -eq $((3 * ops)) ]
}
check "3 writers x $ops commands at once: each applied or refused whole (exit 0 or 2)" whole
log "commands: $(grep -h "^rc 0" "$tmp"/[123].log | wc -l) applied, $(grep -h "^rc 2" "$tmp"/[123].log | wc -l) refused; dumps: $(sort "$tmp/dumps" | uniq -c | xargs)"
check "every dump parsed and listed each service once, or said it was interrupted" \
	eval '[ -s "$tmp/dumps" ] && ! grep -q bad "$tmp/dumps"'

# state: from "service add/del KEY" and "endpoint set KEY EP..." lines
# (applied in order), "KEY EP,EP" for each service left, sorted.
state() {
	awk '
	$1 == "service" && $2 == "add" { svc[$3] = ""; next }
	$1 == "service" && $2 == "del" { delete svc[$3]; next }
	$1 == "endpoint" && $2 == "set" {
		eps = ""
		for (i = 4; i <= NF; i++) {
			n = split($i, a, ",")
			for (j = 1; j <= n; j++) if (a[j] ~ /^[0-9.]+:[0-9]+$/) eps = eps " " a[j]
		}
		n = split(eps, a, " ")
		s = ""
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") a[i]
		svc[$3] = s
	}
	END { for (k in svc) print k, svc[k] }' "$@" | sort
}
# accepted LOG...: the lines of the commands that applied.
accepted() {
	awk '/^rc / { if ($2 == 0) printf "%s", buf; buf = ""; next } { buf = buf $0 "\n" }' "$@"
}
accepted "$tmp"/[123].log >"$tmp/accepted"
pc save >"$tmp/save" || ksft_fail "podnetctl save failed"
check "the node's services are what the accepted commands say" \
	diff <(state "$tmp/accepted") <(state "$tmp/save")
# The monitor may lag: its end is awaited (the probe's lines left out).
mon_diff() { diff <(grep -v ' 10\.96\.9\.9:' "$tmp/mon" | state) <(state "$tmp/save"); }
if ! check "the monitor's events, replayed, give the same services" busywait 10000 mon_diff; then
	for k in $(mon_diff | awk '/^[<>]/ { print $2 }' | sort -u); do
		grep -F " $k" "$tmp/mon" | sed "s/^/# monitor: /"
		grep -F -h -A2 " $k" "$tmp"/[123].log | sed "s/^/# sent: /"
	done
fi
check "... no monitor error (no event lost)" eval '! [ -s "$tmp/mon.err" ] || cat "$tmp/mon.err"'
exit_tests
