#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under traffic: while pod1 opens TCP connections and sends UDP
# datagrams to pod2, directly and through a ClusterIP (conntrack NAT), one
# thing is taken away: pod2's port veth, the podnet device, pod2's network
# namespace, the node's network namespace, or the module itself. The
# traffic fails from then on and stops when asked, nothing hangs, and the
# kernel reports nothing (tests/vm/run fails the run on any splat; on the
# debug kernel KASAN, lockdep and kmemleak watch). Two rounds of the five
# on Debian's kernel, one on the debug kernel.
#
#  ┌──────────────── node ($NODE) ────────────────┐
#  │ pn0 10.244.1.1/24                            │  service 10.96.0.10:80/tcp,udp
#  │  ├─ vp1 ───────┐   ├─ vp2 ───────┐           │    -> 10.244.1.3:8080
#  └────────────────┼─────────────────┼───────────┘
#          pod1 eth0 ($P1)     pod2 eth0 ($P2)
#          10.244.1.2          10.244.1.3, echo on 8080 (tcp, udp)
#          four loads: tcp and udp to pod2 and to the ClusterIP
#
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"

require_podnet
require_cmd podnetctl

rounds=2
[ "$PODNET_KERNEL" != debug ] || rounds=1
answered=0
failed=0
kinds=(port device podns nodens rmmod)
declare -A what=(
	[port]="pod2's port veth deleted"
	[device]="pn0 deleted"
	[podns]="pod2's namespace deleted (its server gone)"
	[nodens]="the node's namespace deleted"
	[rmmod]="rmmod podnet (live services, conntrack entries)"
)
tap_plan $((rounds * ${#kinds[@]} * 2))

LOADS=()
SERVER=

# up: a node, two pods, the service, pod2's echo server and the four loads.
up() {
	setup_ns NODE P1 P2 || return 1
	node_setup "$NODE" pn0 10.244.1.1/24 || return 1
	pod_attach "$NODE" pn0 vp1 "$P1" 10.244.1.2/24 || return 1
	pod_attach "$NODE" pn0 vp2 "$P2" 10.244.1.3/24 || return 1
	printf '%s\n' "service add 10.96.0.10:80/tcp" "service add 10.96.0.10:80/udp" \
		"endpoint set 10.96.0.10:80/tcp 10.244.1.3:8080" \
		"endpoint set 10.96.0.10:80/udp 10.244.1.3:8080" |
		podnetctl -n "$NODE" -b - || return 1
	local out a
	pntv out serve "$P2" echo echo tcp4:8080 udp4:8080 || { echo "$out"; return 1; }
	SERVER=${out#server }
	LOADS=()
	for a in "10.244.1.3 8080 tcp" "10.244.1.3 8080 udp" "10.96.0.10 80 tcp" "10.96.0.10 80 udp"; do
		# shellcheck disable=SC2086 # (ADDR PORT PROTO)
		pntv out load "$P1" $a || { echo "$out"; return 1; }
		LOADS+=("${out#load }")
	done
	# Traffic for a while before the teardown.
	pnt sleep 500
}

# unserve: stop pod2's server; pnt's main thread leaves pod2's namespace
# (the last it entered could be one that is to go).
unserve() {
	[ -z "$SERVER" ] || pnt unserve "$SERVER" >/dev/null
	SERVER=
	pnt sysctl "$P1" net.ipv4.ip_forward >/dev/null
}

# loads_stop: every load stops when asked, each having had answers before
# the teardown.
loads_stop() {
	local id out rc=0
	for id in "${LOADS[@]}"; do
		pntv out unload "$id" || { echo "$out"; rc=1; continue; }
		echo "load $id: $out"
		[[ "$out" =~ ^([0-9]+)\ ok\ ([0-9]+)\ failed$ ]] || { rc=1; continue; }
		answered=$((answered + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
		[ "${BASH_REMATCH[1]}" -gt 0 ] || rc=1
	done
	LOADS=()
	return $rc
}

teardown() { # KIND
	case "$1" in
	port) ip -n "$NODE" link del vp2 ;;
	device) ip -n "$NODE" link del pn0 ;;
	podns)
		unserve
		cleanup_ns "$P2" && link_gone "$NODE" vp2
		;;
	nodens) cleanup_ns "$NODE" && link_gone "$P1" eth0 ;;
	rmmod) rmmod podnet && ! test -d /sys/module/podnet ;;
	esac
}


for ((r = 1; r <= rounds; r++)); do
	for k in "${kinds[@]}"; do
		podnet_insmod || ksft_fail "cannot load podnet"
		up || ksft_fail "round $r, $k: the node and its traffic could not be set up"
		check "round $r: ${what[$k]} under traffic" teardown "$k"
		pnt sleep 200
		check "... the traffic had answers, then stopped when asked" loads_stop
		unserve
		for ns in "$NODE" "$P1" "$P2"; do
			[ ! -e "/run/netns/$ns" ] || cleanup_ns "$ns"
		done
	done
done
log "exchanges answered: $answered, failed (after a teardown): $failed, teardowns: $((rounds * ${#kinds[@]}))"
podnet_insmod
exit_tests
