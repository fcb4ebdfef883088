#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Services for podnet's network tests (sourced after lib.sh and pods.sh):
# the two-node topology of service.sh and apply.sh (see the diagram at
# the top of either), backends that answer with their name and the peer
# address they saw, and clients that count who answered.

# svc_topology: namespaces NODE EXT A1 A2 A3 NODEB B1, wired as drawn.
svc_topology() {
	setup_ns NODE EXT A1 A2 A3 NODEB B1
	node_setup "$NODE" pn0 10.244.1.1/24 fd00:244:1::1/64
	node_setup "$NODEB" pn0 10.244.2.1/24
	pod_attach "$NODE" pn0 va1 "$A1" 10.244.1.2/24 fd00:244:1::2/64
	pod_attach "$NODE" pn0 va2 "$A2" 10.244.1.3/24 fd00:244:1::3/64
	pod_attach "$NODE" pn0 va3 "$A3" 10.244.1.4/24 fd00:244:1::4/64
	pod_attach "$NODEB" pn0 vb1 "$B1" 10.244.2.2/24
	ip -n "$NODE" -b - <<EOF
link add up0 type veth peer name ext0 netns $EXT
addr add 192.0.2.1/24 dev up0
link set up0 up
route add default via 192.0.2.2
link add ab0 type veth peer name ab1 netns $NODEB
addr add 198.51.100.1/24 dev ab0
link set ab0 up
route add 10.244.2.0/24 via 198.51.100.2
EOF
	ip -n "$EXT" -b - <<EOF
addr add 192.0.2.2/24 dev ext0
link set ext0 up
route add 10.244.1.0/24 via 192.0.2.1
route add 203.0.113.0/24 via 192.0.2.1
EOF
	ip -n "$NODEB" -b - <<EOF
addr add 198.51.100.2/24 dev ab1
link set ab1 up
route add 10.244.1.0/24 via 198.51.100.1
EOF
}

# Backends answer with their name and the client address they see, over
# TCP and UDP, IPv4 and IPv6, and SCTP (which both kernels must have: the
# sctp module loads with the first socket).
serve() { # NS NAME
	check "backend $2 listens (TCP, UDP, SCTP)" \
		pnt serve "$1" "$2" name tcp4:8080 tcp6:8080 udp4:5353 udp6:5353 sctp4:9000
}
# get_is NS ADDR PORT GLOB [PROTO] [OPT=VAL...]: one request to ADDR:PORT
# from NS; its answer (backend name and the client address it saw, or
# "ERR <errno>") matches GLOB.
get_is() {
	local ns=$1 addr=$2 port=$3 want=$4 proto=${5:-tcp} out
	shift 4
	[ $# -eq 0 ] || shift
	pntv out get "$ns" "$addr" "$port" "$proto" "$@"
	echo "$out"
	# shellcheck disable=SC2053 # a glob
	[[ "$out" == $want ]]
}
# tally NS ADDR PORT N [PROTO] [OPT=VAL...]: N requests; $TALLY is
# "NAME COUNT" for each answering backend in name order (ERR for failures),
# $ANSWERS the answers.
TALLY=
ANSWERS=
tally() {
	local ns=$1 addr=$2 port=$3 n=$4 proto=${5:-tcp} out name rest
	local -A c=()
	shift 4
	[ $# -eq 0 ] || shift
	pntv out get "$ns" "$addr" "$port" "$proto" "$n" "$@"
	# shellcheck disable=SC2034 # read by checks (in eval)
	ANSWERS=$out
	while read -r name rest; do
		c[$name]=$((${c[$name]:-0} + 1))
	done <<<"$out"
	TALLY=
	for name in A1 A2 B1 ERR; do
		[ -z "${c[$name]:-}" ] || TALLY+="${TALLY:+ }$name ${c[$name]}"
	done
	echo "$TALLY"
}
# both_seen NS ADDR PORT N: N requests reached both A1 and A2, each at least
# N/10 times, and nothing else. With a fair choice N=20 fails that one time
# in 25000 and N=30 one in a million (N/5 failed one time in 400: a CI run
# fell on A1 3 of 20).
both_seen() {
	tally "$@" || return 1
	[[ "$TALLY" =~ ^A1\ ([0-9]+)\ A2\ ([0-9]+)$ ]] &&
		[ "${BASH_REMATCH[1]}" -ge $(($4 / 10)) ] && [ "${BASH_REMATCH[2]}" -ge $(($4 / 10)) ]
}
only() { # NAME NS ADDR PORT N: all N requests answered by NAME
	local name=$1
	shift
	tally "$@" && [ "$TALLY" = "$name $4" ]
}
# svc_jq SVC EXPR: jq EXPR is true of service SVC's JSON (podnetctl -j
# service show SVC: an array of one).
svc_jq() {
	local out
	out=$(podnetctl -n "$NODE" -j service show "$1") || { echo "$out"; return 1; }
	jq -e ".[0] | $2" <<<"$out" >/dev/null || { echo "not ($2):"; echo "$out"; return 1; }
}
pctl() { podnetctl -n "$NODE" "$@"; }
