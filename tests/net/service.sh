#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Service datapath: ClusterIP, NodePort and external IPs translated to
# pod endpoints on conntrack NAT, with kube-proxy's semantics.
#
#                 ┌─────────────────────── node A ($NODE) ───────────────────────┐
#  ext ($EXT) ────┤ up0 192.0.2.1          pn0 10.244.1.1/24 fd00:244:1::1/64     │
#  192.0.2.2      │                         ├─ va1 ─ pod A1 ($A1) 10.244.1.2  fd00:244:1::2 │ backends:
#  (the world;    │                         ├─ va2 ─ pod A2 ($A2) 10.244.1.3  fd00:244:1::3 │ TCP 8080, UDP 5353,
#   routes the    │                         └─ va3 ─ pod A3 ($A3) 10.244.1.4  (client)      │ SCTP 9000: answer
#   pod CIDR and  │ ab0 198.51.100.1 ─┐                                           │ "NAME PEERADDR"
#   203.0.113.0/24└───────────────────┼───────────────────────────────────────────┘
#   via node A)                       │
#                 ┌── node B ($NODEB) ┴ ab1 198.51.100.2 ── pn0 10.244.2.1/24 ─ vb1 ─ pod B1 ($B1) 10.244.2.2
#                 └─ host-gw routes: A: 10.244.2.0/24 via 198.51.100.2; B: 10.244.1.0/24 via 198.51.100.1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"
source "$(dirname "$0")/lib/svc.sh"

require_podnet
require_cmd podnetctl conntrack jq
echo "TAP version 13"

svc_topology
tmp=/tmp/service.$$
LOAD=
cleanup() {
	[ -z "$LOAD" ] || kill "$LOAD" 2>/dev/null
	cleanup_all_ns
	rm -f "$tmp".*
}

serve "$A1" A1
serve "$A2" A2
serve "$B1" B1


# --- ClusterIP, random, two endpoints ---
check "service add 10.96.0.10:80/tcp" pctl service add 10.96.0.10:80/tcp
check "endpoint set: two pods" pctl endpoint set 10.96.0.10:80/tcp 10.244.1.2:8080,10.244.1.3:8080
check "pod -> ClusterIP reaches both endpoints" both_seen "$A3" 10.96.0.10 80 30
check "service show counts connections" svc_jq 10.96.0.10:80/tcp '.stats.conns >= 30'
check "per-endpoint connection counters add up" svc_jq 10.96.0.10:80/tcp \
	'(.endpoints | length) == 2 and ([.endpoints[].conns] | add) == .stats.conns and all(.endpoints[]; .conns > 0)'
check "packets and bytes counted" svc_jq 10.96.0.10:80/tcp '.stats.packets > .stats.conns and .stats.bytes > 0'
check "conntrack shows the translation" \
	ct_has "$NODE" "*src=10.244.1.[23] dst=10.244.1.4*" -d 10.96.0.10
check "node -> ClusterIP (LOCAL_OUT)" get_is "$NODE" 10.96.0.10 80 "A[12] *"
# shellcheck disable=SC2317 # called through check
hairpin() { # 20 requests from pod A1: A1 answers some, seeing the gateway's address, never its own
	local out
	pntv out get "$A1" 10.96.0.10 80 tcp 20
	echo "$out"
	[[ "$out" == *"A1 10.244.1.1"* && "$out" != *"A1 10.244.1.2"* ]]
}
check "hairpin: pod A1 reaches itself through the service, masqueraded to the gateway address" hairpin
check "pod client address is preserved (no masquerade)" get_is "$A3" 10.96.0.10 80 "A[12] 10.244.1.4"
# shellcheck disable=SC2317 # called through check
replies_switched() { # the endpoints' replies reached pod A3 switched (none with fastpath=0)
	fastpath_on && { pod_stat_gt "$NODE" va3 switched 0; return; }
	pod_stat "$NODE" va3 switched >/dev/null || return 1
	[ "$STAT" -eq 0 ] || { echo "switched = $STAT with fastpath=0"; return 1; }
}
check "the endpoints' replies reach the client pod un-DNATed, switched by podnet" replies_switched
# shellcheck disable=SC2317 # called through check
eps_switched() { # ADDR: a request to ADDR:80 from pod A3 reached A1 or A2 switched by podnet
	local v0
	pod_stat "$NODE" va1 switched >/dev/null || return 1
	v0=$STAT
	pod_stat "$NODE" va2 switched >/dev/null || return 1
	v0=$((v0 + STAT))
	get_is "$A3" "$1" 80 "A[12] *" || return 1
	pod_stat "$NODE" va1 switched >/dev/null || return 1
	v0=$((STAT - v0))
	pod_stat "$NODE" va2 switched >/dev/null || return 1
	v0=$((v0 + STAT))
	if fastpath_on; then
		[ $v0 -ge 3 ] || { echo "switched moved by $v0, want >= 3"; return 1; }
	else
		[ $v0 -eq 0 ] || { echo "switched moved by $v0 with fastpath=0"; return 1; }
	fi
}
check "... and the client pod's packets to the ClusterIP reach the endpoints switched too" \
	eps_switched 10.96.0.10

# --- no endpoints, unknown port: rejected at once ---
# A refusal (a reset) within a 10 s connect timeout: a dropped SYN would
# time out instead, so no clock is needed to tell "at once".
check "service without endpoints" pctl service add 10.96.0.20:80/tcp
check "no endpoint: TCP connection refused at once (reset, not dropped)" \
	get_is "$A3" 10.96.0.20 80 "ERR ECONNREFUSED" tcp ctimeout=10000
check "known ClusterIP, unknown port: refused" get_is "$A3" 10.96.0.10 81 "ERR ECONNREFUSED" tcp ctimeout=10000
check "rejected connections counted" svc_jq 10.96.0.20:80/tcp '.stats.rejected >= 1'

# --- endpoint removal and terminating endpoints ---
check "endpoint del 10.244.1.3:8080" pctl endpoint del 10.96.0.10:80/tcp 10.244.1.3:8080
check "removed endpoint gets no new connection" only A1 "$A3" 10.96.0.10 80 15
printf '%s\n' "endpoint add 10.96.0.10:80/tcp 10.244.1.3:8080" \
	"endpoint add 10.96.0.10:80/tcp 10.244.1.2:8080 terminating" >"$tmp.b"
check "endpoint add A2 back, A1 terminating" pctl -b "$tmp.b"
check "terminating endpoint gets no new connection while one is ready" only A2 "$A3" 10.96.0.10 80 15
check "all terminating: they still serve" \
	pctl endpoint add 10.96.0.10:80/tcp 10.244.1.3:8080 terminating
check "all terminating: both serve" both_seen "$A3" 10.96.0.10 80 30

# --- schedulers, affinity ---
cat >"$tmp.b" <<EOF
service add 10.96.0.11:80/tcp sched rr
endpoint set 10.96.0.11:80/tcp 10.244.1.2:8080,10.244.1.3:8080
service add 10.96.0.12:80/tcp sched maglev
endpoint set 10.96.0.12:80/tcp 10.244.1.2:8080,10.244.1.3:8080
service add 10.96.0.13:80/tcp sched rr
endpoint add 10.96.0.13:80/tcp 10.244.1.2:8080 weight 4
endpoint add 10.96.0.13:80/tcp 10.244.1.3:8080
service add 10.96.0.14:80/tcp affinity 60
endpoint set 10.96.0.14:80/tcp 10.244.1.2:8080,10.244.1.3:8080
EOF
check "rr, maglev, weighted rr and affinity services (a batch)" pctl -b "$tmp.b"
# shellcheck disable=SC2317
rr_alternates() { # 4 requests: A1 A2 A1 A2 or A2 A1 A2 A1
	local out names=() name rest
	pntv out get "$A3" 10.96.0.11 80 tcp 4
	while read -r name rest; do names+=("$name"); done <<<"$out"
	echo "${names[*]}"
	case "${names[*]}" in "A1 A2 A1 A2" | "A2 A1 A2 A1") ;; *) return 1 ;; esac
}
check "rr alternates" rr_alternates
check "maglev spreads client ports over both" both_seen "$A3" 10.96.0.12 80 30
check "weights: 4 to 1 over 10 connections" eval 'tally "$A3" 10.96.0.13 80 10 && [ "$TALLY" = "A1 8 A2 2" ]'
check "affinity: one client sticks to one endpoint" \
	eval 'tally "$A3" 10.96.0.14 80 12 && [[ "$TALLY" =~ ^A[12]\ 12$ ]]'
check "affinity shown with its timeout" svc_jq 10.96.0.14:80/tcp '.affinity == 60'

# --- NodePort, external IPs, policy ---
check "NodePort service" eval 'pctl service add 10.96.0.15:80/tcp nodeport 30080 external 203.0.113.10 &&
	pctl endpoint set 10.96.0.15:80/tcp 10.244.1.2:8080,10.244.1.3:8080'
check "outside -> NodePort on the node address, masqueraded (policy cluster)" \
	get_is "$EXT" 192.0.2.1 30080 "A[12] 10.244.1.1"
check "outside -> external IP" get_is "$EXT" 203.0.113.10 80 "A[12] *"
check "pod -> NodePort on the node address" get_is "$A3" 10.244.1.1 30080 "A[12] *"
check "NodePort is not open on 127.0.0.1" get_is "$NODE" 127.0.0.1 30080 "ERR ECONNREFUSED"
check "policy local service" pctl service add 10.96.0.16:80/tcp nodeport 30081 policy local
check "endpoints: A1 local, B1 on node B" eval 'pctl endpoint add 10.96.0.16:80/tcp 10.244.1.2:8080 local &&
	pctl endpoint add 10.96.0.16:80/tcp 10.244.2.2:8080'
check "policy local: outside reaches only the local endpoint, client address preserved" \
	eval 'tally "$EXT" 192.0.2.1 30081 6 && [ "$TALLY" = "A1 6" ] && [[ "$ANSWERS" != *" 10.244.1.1"* ]] &&
	get_is "$EXT" 192.0.2.1 30081 "A1 192.0.2.2"'
check "policy local: pods still use every endpoint" \
	eval 'tally "$A3" 10.96.0.16 80 20 && [[ "$TALLY" =~ ^A1\ [0-9]+\ B1\ [0-9]+$ ]]'
check "policy local, no local endpoint" pctl endpoint set 10.96.0.16:80/tcp 10.244.2.2:8080
check "policy local, none local: outside traffic is dropped, not rejected" \
	get_is "$EXT" 192.0.2.1 30081 "ERR ETIMEDOUT" tcp ctimeout=1500

# --- UDP, stale entries flushed on endpoint removal ---
check "UDP service" eval 'pctl service add 10.96.0.53:53/udp &&
	pctl endpoint set 10.96.0.53:53/udp 10.244.1.2:5353,10.244.1.3:5353'
# udp_from: one datagram of the flow from A3's port 40053; $FROM its answerer.
FROM=
udp_from() {
	local out
	pntv out get "$A3" 10.96.0.53 53 udp sport=40053
	FROM=${out%% *}
	echo "$out"
}
udp_from >/dev/null
first=$FROM
check "UDP through the ClusterIP ($first)" eval '[[ "$first" == A[12] ]]'
case "$first" in A1) gone=10.244.1.2 ;; *) gone=10.244.1.3 ;; esac
check "UDP conntrack entry to $gone exists" ct_has "$NODE" "*src=$gone *" -p udp --orig-dst 10.96.0.53
check "endpoint del of the one in use" pctl endpoint del 10.96.0.53:53/udp "$gone:5353"
check "its UDP conntrack entries are flushed at once" \
	eval '! ct_has "$NODE" "*src=$gone *" -p udp --orig-dst 10.96.0.53'
check "the same UDP flow now reaches the other endpoint" \
	eval 'udp_from && [[ "$FROM" == A[12] && "$FROM" != "$first" ]]'
check "service del of a UDP service flushes its conntrack entries" \
	eval 'ct_has "$NODE" "*src=10.244.1.[23] *" -p udp --orig-dst 10.96.0.53 >/dev/null &&
	pctl service del 10.96.0.53:53/udp &&
	! ct_has "$NODE" "*src=10.244.1.[23] *" -p udp --orig-dst 10.96.0.53'
check "no endpoint: UDP gets port unreachable" eval 'pctl service add 10.96.0.54:53/udp &&
	get_is "$A3" 10.96.0.54 53 "ERR ECONNREFUSED" udp'
# A UDP flow to an address before it is a ClusterIP went to the world and
# has a conntrack entry; once the service has endpoints, that entry is
# flushed and the flow goes to them (kube-proxy flushes too).
check "UDP to 10.96.0.55, not yet a service: routed out, unanswered" \
	get_is "$A3" 10.96.0.55 53 "ERR ETIMEDOUT" udp sport=40055 timeout=1000
check "... the same flow reaches the service's first endpoint" \
	eval 'pctl service add 10.96.0.55:53/udp && pctl endpoint set 10.96.0.55:53/udp 10.244.1.2:5353 &&
	get_is "$A3" 10.96.0.55 53 "A1 *" udp sport=40055'
# An IPv6 datagram to the ClusterIP written as an IPv4-mapped address is
# not the IPv4 service's: not translated (no connection counted for it,
# where the same datagram over IPv4, sent after it, is counted).
# shellcheck disable=SC2317
mapped_untranslated() {
	local mac
	mac=$(link_field "$NODE" va3 mac) || { echo "$mac"; return 1; }
	svc_jq 10.96.0.55:53/udp '.stats.conns == 1' || return 1
	pnt ipframe "$A3" eth0 "$mac" fd00:244:1::4 ::ffff:10.96.0.55 udp=53 >/dev/null || return 1
	pnt ipframe "$A3" eth0 "$mac" 10.244.1.4 10.96.0.55 udp=53 >/dev/null || return 1
	busywait 5000 svc_jq 10.96.0.55:53/udp '.stats.conns >= 2' >/dev/null
	svc_jq 10.96.0.55:53/udp '.stats.conns == 2'
}
check "UDP over IPv6 to [::ffff:10.96.0.55]:53 is not translated" mapped_untranslated

# --- service change: settings in place; counters, endpoints, flows kept ---
# 10.96.0.55:53/udp has counted 2 connections, both to A1, and has the
# translated UDP flow from A3's port 40055.
# shellcheck disable=SC2317
changed_in_place() {
	pctl service change 10.96.0.55:53/udp sched maglev nodeport 30055 || return 1
	svc_jq 10.96.0.55:53/udp '.sched == "maglev" and .nodeport == 30055 and
		.stats.conns == 2 and .endpoints == [{"addr": "10.244.1.2", "port": 5353,
		"weight": 1, "local": false, "terminating": false, "other_zone": false,
		"conns": 2}]' || return 1
	ct_has "$NODE" "*sport=40055 *src=10.244.1.2 *" -p udp --orig-dst 10.96.0.55
}
check "service change: new settings; counters, endpoints and the UDP flow kept" changed_in_place
check "... its new NodePort answers at once" get_is "$EXT" 192.0.2.1 30055 "A1 *" udp
# Masquerade takes a random source port (kube-proxy's "masquerade
# fully-random"): two flows from the outside to the NodePort (policy
# cluster: masqueraded), from ports 40061 and 40062, reach the endpoint
# from other ports.
# shellcheck disable=SC2317
masq_random() {
	local out
	get_is "$EXT" 192.0.2.1 30055 "A1 *" udp sport=40061 >/dev/null &&
		get_is "$EXT" 192.0.2.1 30055 "A1 *" udp sport=40062 >/dev/null || return 1
	pntv out run "$NODE" conntrack -L -p udp --orig-port-dst 30055
	[[ "$out" == *" sport=40061 dport=30055 "* && "$out" == *" sport=40062 dport=30055 "* &&
	   "$out" != *" sport=5353 dport=4006"[12]" "* ]] || { echo "$out"; return 1; }
}
check "... masqueraded from a random source port" masq_random
# shellcheck disable=SC2317
nodeport_gone() {
	ct_has "$NODE" "*dport=30055 *" -p udp >/dev/null || { echo "no entry to the NodePort"; return 1; }
	pctl service change 10.96.0.55:53/udp sched maglev || return 1
	! ct_has "$NODE" "*dport=30055 *" -p udp && svc_jq 10.96.0.55:53/udp '.nodeport == null' &&
		ct_has "$NODE" "*sport=40055 *" -p udp --orig-dst 10.96.0.55
}
check "... NodePort taken off: its UDP entries flushed, the ClusterIP's kept" nodeport_gone
check "service change to a NodePort in use: refused, naming it" \
	errline "podnetctl: podnet: NodePort already in use for this protocol \`30081'" \
	pctl service change 10.96.0.10:80/tcp nodeport 30081
check "... and nothing changed" svc_jq 10.96.0.10:80/tcp '.nodeport == null and (.endpoints | length) == 2'
check "service change of a service that does not exist" \
	errline "podnetctl: podnet: no such service \`10.96.9.9:80/tcp'" pctl service change 10.96.9.9:80/tcp

# --- IPv6, SCTP ---
check "IPv6 ClusterIP" eval "pctl service add '[fd00:96::10]:80/tcp' &&
	pctl endpoint set '[fd00:96::10]:80/tcp' '[fd00:244:1::2]:8080,[fd00:244:1::3]:8080'"
check "pod -> IPv6 ClusterIP reaches both" both_seen "$A3" fd00:96::10 80 20
check "... switched by podnet" eps_switched fd00:96::10
check "SCTP service" eval 'pctl service add 10.96.0.30:9000/sctp &&
	pctl endpoint set 10.96.0.30:9000/sctp 10.244.1.2:9000'
check "pod -> pod over SCTP" get_is "$A3" 10.244.1.2 9000 "A1 *" sctp
check "pod -> SCTP ClusterIP" get_is "$A3" 10.96.0.30 9000 "A1 *" sctp

# --- bad input: a clear error and no change ---
check "malformed service" errline -s 1 "podnetctl: invalid address \`10.96.0.300'" pctl service add 10.96.0.300:80/tcp
check "unknown protocol" errline -s 1 "podnetctl: invalid service \`10.96.0.30:80/icmp': unknown protocol \`icmp' (tcp, udp or sctp)" pctl service add 10.96.0.30:80/icmp
check "endpoint of an unknown service" errline "podnetctl: podnet: no such service \`10.96.9.9:80/tcp'" \
	pctl endpoint add 10.96.9.9:80/tcp 10.244.1.2:8080
check "IPv6 endpoint on an IPv4 service" errline -s 1 "podnetctl: invalid endpoint \`[[]fd00::1]:80': not IPv4 like the service" \
	pctl endpoint add 10.96.0.10:80/tcp '[fd00::1]:80'
check "kernel error names the problem and the NodePort" \
	errline "podnetctl: podnet: NodePort already in use for this protocol \`30080'" \
	pctl service add 10.96.0.90:80/tcp nodeport 30080
check "... and a service added twice" \
	errline "podnetctl: podnet: service already exists \`10.96.0.10:80/tcp'" \
	pctl service add 10.96.0.10:80/tcp
check "an endpoint given twice in a set: podnetctl names it" \
	errline -s 1 "podnetctl: duplicate endpoint \`10.244.1.3:8080'" \
	pctl endpoint set 10.96.0.10:80/tcp 10.244.1.2:8080,10.244.1.3:8080,10.244.1.4:8080,10.244.1.3:8080

# The services without their counters (a restored service starts from zero),
# in $tmp.SUFFIX.
svc_state() {
	podnetctl -n "$NODE" -j service show |
		jq -S 'map(del(.stats) | .endpoints |= map(del(.conns))) | sort_by(.service)' >"$tmp.$1"
}
svc_state s1
printf 'service add 10.96.1.1:80/tcp\nendpoint set 10.96.1.1:80/tcp 10.244.1.2:8080\nservice add 10.96.0.10:80/tcp\n' >"$tmp.b"
check "batch with one failing line: names it" \
	errline "podnetctl: line 3: podnet: service already exists \`10.96.0.10:80/tcp'" pctl -b "$tmp.b"
svc_state s2
check "the failed batch applied nothing" diff -u "$tmp.s1" "$tmp.s2"
# "service add S" and then "endpoint set S": one request, the service
# created with its endpoints (limits.sh: a fault in the endpoints).
printf 'service add 10.96.1.2:80/tcp sched rr\nendpoint set 10.96.1.2:80/tcp 10.244.1.2:8080,10.244.1.3:8080\n' >"$tmp.b"
check "service add + endpoint set in a batch" pctl -b "$tmp.b"
check "... the service has both endpoints" svc_jq 10.96.1.2:80/tcp '(.endpoints | length) == 2'
check "... and serves at once" both_seen "$A3" 10.96.1.2 80 20
pctl service del 10.96.1.2:80/tcp

for i in $(seq 1 300); do
	echo "service add 10.97.$((i / 256)).$((i % 256)):80/tcp"
	echo "endpoint set 10.97.$((i / 256)).$((i % 256)):80/tcp 10.244.1.2:8080,10.244.1.3:8080"
done >"$tmp.b"
echo "endpoint set 10.96.9.9:80/tcp 10.244.1.2:8080" >>"$tmp.b"
check "a batch of 600 lines whose last fails names it" \
	errline "podnetctl: line 601: podnet: no such service \`10.96.9.9:80/tcp'" pctl -b "$tmp.b"
svc_state s2
check "... and applied nothing" diff -u "$tmp.s1" "$tmp.s2"

cat >"$tmp.b" <<EOF
service add 10.96.3.1:80/tcp sched maglev affinity 600
endpoint set 10.96.3.1:80/tcp 10.244.1.2:8080,10.244.1.3:8080
endpoint add 10.96.3.1:80/tcp 10.244.1.3:8080 weight 5 terminating
service add 10.96.3.2:80/tcp nodeport 30302 external 203.0.113.12 policy local masquerade
endpoint set 10.96.3.2:80/tcp 10.244.1.2:8080
endpoint add 10.96.3.2:80/tcp 10.244.1.3:8080 weight 2 local
EOF
pctl -b "$tmp.b"
check "an external address taken for this port: the error names it" \
	errline "podnetctl: podnet: external address already in use with this port and protocol \`203.0.113.12'" \
	pctl service add 10.96.3.9:80/tcp external 198.51.100.7 external 203.0.113.12
svc_state s1
cat >"$tmp.b" <<EOF
endpoint set 10.96.3.1:80/tcp 10.244.1.4:8080
endpoint add 10.96.3.1:80/tcp 10.244.1.2:8080 weight 9
service change 10.96.3.1:80/tcp sched rr nodeport 30301 policy local masquerade
service del 10.96.3.2:80/tcp
service add 10.96.3.3:80/tcp nodeport 30302
endpoint set 10.96.3.3:80/tcp 10.244.1.2:8080
service add 10.96.3.2:80/tcp
endpoint add 10.96.3.2:80/tcp 10.244.1.4:8080
service add 10.96.0.10:80/tcp
endpoint del 10.96.3.1:80/tcp 10.244.1.4:8080
EOF
# Line 9 is not the last request of its sendmsg(): only the last asks for an
# ack, a failure before it is still reported.
check "batch changing, deleting, re-adding services, then failing on line 9, which is named" \
	errline "podnetctl: line 9: podnet: service already exists \`10.96.0.10:80/tcp'" \
	pctl -b "$tmp.b"
svc_state s2
check "... puts them back as they were (settings changed in place too, endpoints, weights, flags)" \
	diff -u "$tmp.s1" "$tmp.s2"
printf 'service del 10.96.3.1:80/tcp\nservice del 10.96.3.2:80/tcp\n' | pctl -b -

# --- notifications ---
ip netns exec "$NODE" podnetctl -j monitor >"$tmp.mon" 2>&1 &
mon=$!
# Listening once a probe service's events show up.
# shellcheck disable=SC2317
mon_probe() {
	printf 'service add 10.96.2.99:80/tcp\nservice del 10.96.2.99:80/tcp\n' | pctl -b - >/dev/null
	[[ "$(<"$tmp.mon")" == *10.96.2.99* ]]
}
busywait 20000 mon_probe >/dev/null
printf '%s\n' "service add 10.96.2.1:80/tcp" "endpoint add 10.96.2.1:80/tcp 10.244.1.2:8080" \
	"service del 10.96.2.1:80/tcp" >"$tmp.b"
pctl -b "$tmp.b"
# shellcheck disable=SC2317
mon_saw() {
	jq -e -s '[.[] | select(.service.service == "10.96.2.1:80/tcp") |
		[.event, (.service.endpoints | map(.addr))]] ==
		[["service_add", []], ["endpoint_add", ["10.244.1.2"]], ["service_del", ["10.244.1.2"]]]' \
		"$tmp.mon" >/dev/null || { cat "$tmp.mon"; return 1; }
}
check "monitor saw service_add, endpoint_add and service_del" busywait 10000 mon_saw
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null

# --- two nodes ---
check "node A service backed by a pod on node B" eval 'pctl service add 10.96.0.40:80/tcp &&
	pctl endpoint set 10.96.0.40:80/tcp 10.244.2.2:8080'
check "pod on A -> ClusterIP -> pod on B" get_is "$A3" 10.96.0.40 80 "B1 10.244.1.4"
check "cross-node pod -> pod" ping_ok "$A3" 10.244.2.2
check "node B sees none of node A's services" \
	eval '[ "$(podnetctl -n "$NODEB" -j service show)" = "[]" ]'
check "node A's ClusterIP means nothing on node B" get_is "$B1" 10.96.0.10 80 "ERR *"
# A load of its own (a second pnt, not the test's), under which node B goes.
"$PNT_BIN" <<<"get $A3 10.96.0.40 80 tcp 100000 ctimeout=300 timeout=300" >/dev/null &
LOAD=$!
check "load on the service to node B" busywait 20000 svc_jq 10.96.0.40:80/tcp '.stats.conns >= 5'
check "delete node B under traffic" cleanup_ns "$NODEB" "$B1"
check "... node B is dismantled (the link to it went)" link_gone "$NODE" ab0
kill "$LOAD" 2>/dev/null
wait "$LOAD" 2>/dev/null
LOAD=

# --- service del, rmmod with live services and conntrack entries ---
check "service del" pctl service del 10.96.0.11:80/tcp
check "a deleted service is no longer translated" get_is "$A3" 10.96.0.11 80 "ERR *"
# shellcheck disable=SC2317
ct_entries() { # node A's conntrack table is not empty
	local n
	pntv n sysctl "$NODE" net.netfilter.nf_conntrack_count || { echo "$n"; return 1; }
	[ "$n" -gt 0 ] || { echo "nf_conntrack_count $n"; return 1; }
}
check "conntrack entries exist before rmmod" ct_entries
pnt_stop
check "rmmod podnet with live services" rmmod podnet
check "insmod podnet again" podnet_insmod

echo "1..$TAP_N"
exit_tests
