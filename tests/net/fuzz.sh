#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzed netlink, from concurrent writers, under device churn: nlfuzz
# (lib/nlfuzz.c) sends the podnet family structure-aware malformed and
# half-valid requests (every command, attributes of every set with values
# from small pools, garbage, out-of-range types, wrong lengths, truncated
# messages, dumps), from two processes at once, in a node that has
# something to act on, while an "ip -b" deletes and re-creates pn1 and the
# veth v4 over and over (ports torn down under the requests):
#
#   node ($NODE): pn0, pn1 (podnet devices, up)
#                 v1..v4 (veths, peers pv1..pv4 in the node): pods to be
#
# Every request is answered; each writer has requests accepted (the fuzzer
# reaches the commands' work, not only the policies) and refused; the
# node's pods and services can still be listed; what a monitor reported
# through it all (every accepted change) gives each service as the node's
# dump shows it; the namespace goes with whatever the fuzzer left in it;
# and (the runner) no kernel splat nor, on the debug kernel, kmemleak
# report. The seed is fixed, so a failure can be replayed: PODNET_FUZZ_SEED
# and PODNET_FUZZ_MSGS change them.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl jq
FUZZ=$(cd "$(dirname "$0")" && pwd)/lib/nlfuzz
[ -x "$FUZZ" ] || ksft_fail "$FUZZ not built (make test-tools)"
SEED=${PODNET_FUZZ_SEED:-1}
# Under KASAN and lockdep each request costs more: fewer there.
MSGS=${PODNET_FUZZ_MSGS:-$([ "${PODNET_KERNEL:-}" = debug ] && echo 1500 || echo 20000)}

MON=/tmp/fuzz-monitor.$$
monitor_pid=
cleanup() {
	[ -z "$monitor_pid" ] || kill "$monitor_pid" 2>/dev/null
	rm -f "$MON" "$MON.err"
	cleanup_all_ns
}

tap_plan 6
setup_ns NODE
{
	echo "link add pn0 type podnet"
	echo "link add pn1 type podnet"
	echo "link set pn0 up"
	echo "link set pn1 up"
	for i in 1 2 3 4; do
		echo "link add v$i type veth peer name pv$i"
		echo "link set v$i up"
	done
} | ip -n "$NODE" -b - || ksft_fail "cannot set up the node"

for ((i = 0; i < 50; i++)); do
	printf '%s\n' "link del pn1" "link add pn1 type podnet" "link set pn1 up" \
		"link del v4" "link add v4 type veth peer name pv4" "link set v4 up"
done >"$CHECK_OUT.churn"

# A monitor listens through it all: once a probe's change shows, it does;
# once a later probe's shows, it has reported every change before it (the
# kernel sends a namespace's service events in the order it makes them).
podnetctl -n "$NODE" -j monitor >"$MON" 2>"$MON.err" &
monitor_pid=$!
mon_probe() { # N
	podnetctl -n "$NODE" -b - >/dev/null 2>&1 <<<"service add 10.99.9.$1:80/tcp"$'\n'"service del 10.99.9.$1:80/tcp"
	grep -q "\"event\":\"service_del\",\"service\":{\"service\":\"10.99.9.$1:80/tcp\"" "$MON"
}
busywait 10000 mon_probe 1 >/dev/null || ksft_fail "the monitor does not listen"
OUT=
# shellcheck disable=SC2317
fuzz() {
	# pnt waits this long for the writers' answer (make fuzz: minutes).
	local rc churn PNT_TIMEOUT=$((MSGS / 100 + 300))
	# The devices churn for as long as the writers write.
	while [ ! -e "$CHECK_OUT.stop" ]; do
		ip -n "$NODE" -force -b "$CHECK_OUT.churn" >/dev/null 2>&1
	done &
	churn=$!
	pntv OUT run "$NODE" "$FUZZ" -n "$MSGS" -s "$SEED" -j 2
	rc=$?
	touch "$CHECK_OUT.stop"
	wait "$churn"
	rm -f "$CHECK_OUT.churn" "$CHECK_OUT.stop"
	echo "$OUT"
	return $rc
}
check "nlfuzz: 2 writers x $MSGS requests (seed $SEED) under device churn, every one answered" fuzz
echo "$OUT" | sed 's/^/# /'
# shellcheck disable=SC2317
both_ways() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" =~ ^writer\ [0-9]+:\ [0-9]+\ messages,\ ([0-9]+)\ accepted,\ ([0-9]+)\ refused ]] ||
			continue
		[ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[2]}" -gt 0 ] || { echo "$line"; return 1; }
		n=$((n + 1))
	done <<<"$OUT"
	[ $n -eq 2 ] || { echo "$n writer lines, want 2"; return 1; }
}
check "... each writer had requests accepted and refused" both_ways
# shellcheck disable=SC2317
lists() {
	local pods svcs
	pods=$(podnetctl -n "$NODE" -j pod show) && svcs=$(podnetctl -n "$NODE" -j service show) &&
		jq -e 'type == "array"' <<<"$pods" >/dev/null && jq -e 'type == "array"' <<<"$svcs" >/dev/null &&
		echo "left: $(jq length <<<"$pods") pods, $(jq length <<<"$svcs") services"
}
check "... the node's pods and services can still be listed" lists
# shellcheck disable=SC2317
saved() {
	local save
	save=$(podnetctl -n "$NODE" save) && podnetctl --dry-run -b - <<<"$save" >/dev/null
}
check "... and saved as a batch that parses" saved
# What was accepted, as the monitor reported it: each service as its last
# event left it (a deleted one gone) is each service as a dump shows it.
replayed() {
	local mon dump
	busywait 10000 mon_probe 2 >/dev/null || { echo "the monitor lags"; return 1; }
	if [ -s "$MON.err" ]; then
		cat "$MON.err"
		return 1
	fi
	mon=$(jq -s -S 'reduce (.[] | select(.service)) as $e ({};
		if $e.event == "service_del" then del(.[$e.service.service])
		else .[$e.service.service] = ($e.service | del(.stats, .endpoints[]?.conns)) end)' "$MON") &&
		dump=$(podnetctl -n "$NODE" -j service show |
			jq -S 'map({(.service): del(.stats, .endpoints[]?.conns)}) | add // {}') || return 1
	echo "$(grep -c . "$MON") events, $(jq length <<<"$dump") services left"
	diff <(echo "$mon") <(echo "$dump")
}
check "the monitor's events (every accepted change) give what the node's dump shows" replayed
check "the namespace goes with what the fuzzer left in it" cleanup_ns "$NODE"
exit_tests
