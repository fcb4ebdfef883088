#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pods and nodes for podnet's network tests (sourced after lib.sh). Each
# helper starts as few processes as it can: one "ip -b" batch a namespace,
# the rest through pnt.

# node_setup NS DEV ADDR...: a node with a podnet device carrying ADDRs,
# forwarding on, and every ICMP error a check expects sent: none held back
# by the per-destination rate limit (one a second after a burst of six).
node_setup() {
	local ns=$1 dev=$2 a
	shift 2
	pnt sysctl "$ns" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 || return 1
	{
		echo "link add $dev type podnet"
		for a in "$@"; do echo "addr add $a dev $dev"; done
		echo "link set $dev up"
	} | ip -n "$ns" -b -
}

# first_host ADDR/LEN: the first host address of ADDR's subnet (the
# gateway: 10.244.1.0/24 -> 10.244.1.1; IPv6 prefixes a multiple of 16
# long: fd00:244:1::/64 -> fd00:244:1:0:0:0:0:1).
first_host() {
	local a=${1%/*} len=${1#*/} o1 o2 o3 o4 n head tail g=() i out
	if [[ "$a" != *:* ]]; then
		IFS=. read -r o1 o2 o3 o4 <<<"$a"
		n=$(((o1 << 24 | o2 << 16 | o3 << 8 | o4) & ~((1 << (32 - len)) - 1) & 0xffffffff))
		n=$((n + 1))
		echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
		return
	fi
	[ $((len % 16)) -eq 0 ] && [ "$len" -lt 128 ] || { echo "first_host: /$len" >&2; return 1; }
	head=${a%%::*} tail=
	[[ "$a" == *::* ]] && tail=${a#*::}
	IFS=: read -ra g <<<"$head"
	local tg=()
	[ -z "$tail" ] || IFS=: read -ra tg <<<"$tail"
	while [ $((${#g[@]} + ${#tg[@]})) -lt 8 ]; do g+=(0); done
	g+=("${tg[@]}")
	for ((i = len / 16; i < 8; i++)); do g[i]=0; done
	g[7]=1
	out=${g[*]}
	echo "${out// /:}"
}

# pod_veth NODE VETH POD ADDR... [IFNAME]: a veth pair, VETH in NODE, eth0
# (or the last argument if it is not an address) in POD with ADDRs and
# default routes via the first address of the subnet.
pod_veth() {
	local node=$1 veth=$2 pod=$3 ifname=eth0 a gw
	shift 3
	case "${!#}" in */*) ;; *) ifname=${!#}; set -- "${@:1:$(($# - 1))}" ;; esac
	printf 'link add %s type veth peer name %s netns %s\nlink set %s up\n' \
		"$veth" "$ifname" "$pod" "$veth" | ip -n "$node" -b - || return 1
	{
		for a in "$@"; do
			case "$a" in
			*:*) echo "addr add $a dev $ifname nodad" ;;
			*) echo "addr add $a dev $ifname" ;;
			esac
		done
		echo "link set $ifname up"
		for a in "$@"; do
			gw=$(first_host "$a") || return 1
			case "$a" in
			*:*) echo "route replace ::/0 via $gw" ;;
			*) echo "route replace default via $gw" ;;
			esac
		done
	} | ip -n "$pod" -b -
}

# pod_attach NODE DEV VETH POD ADDR/LEN...: pod_veth, then podnetctl pod add.
pod_attach() {
	local node=$1 dev=$2 veth=$3 pod=$4 a args=()
	shift 4
	pod_veth "$node" "$veth" "$pod" "$@" || return 1
	for a in "$@"; do
		args+=(ip "${a%/*}")
	done
	podnetctl -n "$node" pod add "$veth" dev "$dev" "${args[@]}"
}

# pod_stat NODE VETH FIELD: one counter of a pod (podnetctl -j pod show),
# in $STAT (and printed).
STAT=
pod_stat() {
	local j
	j=$(podnetctl -n "$1" -j pod show "$2") || { echo "$j"; return 1; }
	[[ "$j" =~ \"$3\":\ *([0-9]+) ]] || { echo "no \"$3\" in: $j"; return 1; }
	STAT=${BASH_REMATCH[1]}
	echo "$STAT"
}

# pod_stat_gt NODE VETH FIELD N: that counter is above N.
pod_stat_gt() {
	pod_stat "$1" "$2" "$3" >/dev/null || return 1
	[ "$STAT" -gt "$4" ] || { echo "$3 = $STAT, want > $4"; return 1; }
}

# fastpath_on: podnet's forward path (kmod/fwd.c) is on, as it is unless
# podnet was loaded with fastpath=0 (tests/vm/run --param fastpath=0), which
# the suite is run with too: then every packet takes the IP stack's path
# through pn0, the outcomes must be the same, and the checks of what the
# forward path does expect the stack's path instead (nothing switched).
fastpath_on() {
	[ "$(cat /sys/module/podnet/parameters/fastpath 2>/dev/null)" != N ]
}

# switched NODE VETH N CMD...: CMD succeeds and VETH's pod was delivered N
# packets by podnet's forward path (its "switched" counter moved by N; by 0
# with the forward path off).
switched() {
	local node=$1 veth=$2 want=$3 v0
	shift 3
	fastpath_on || want=0
	pod_stat "$node" "$veth" switched >/dev/null || return 1
	v0=$STAT
	"$@" || return 1
	pod_stat "$node" "$veth" switched >/dev/null || return 1
	[ $((STAT - v0)) -eq "$want" ] ||
		{ echo "switched moved by $((STAT - v0)), want $want"; return 1; }
}

# arp_is_port NODE VETH POD IP...: POD resolved each IP to VETH's MAC.
arp_is_port() {
	local node=$1 veth=$2 pod=$3 mac ip neigh
	shift 3
	mac=$(link_field "$node" "$veth" mac) || { echo "$mac"; return 1; }
	neigh=$(ip -n "$pod" neigh show)
	for ip in "$@"; do
		[[ "$neigh" == *"$ip dev "*" lladdr $mac "* ]] || {
			echo "$ip: want $mac in:"
			echo "$neigh"
			return 1
		}
	done
}

# sock_echo tcp|udp SERVER_NS ADDR PORT CLIENT_NS: a round trip through an
# echo server on PORT in SERVER_NS.
sock_echo() {
	local proto=$1 sns=$2 addr=$3 port=$4 cns=$5 out id fam=4 rc
	case "$addr" in *:*) fam=6 ;; esac
	pntv out serve "$sns" echo echo "$proto$fam:$port" || { echo "$out"; return 1; }
	id=${out#server }
	pntv out get "$cns" "$addr" "$port" "$proto" send=podnet-hello
	rc=$?
	pnt unserve "$id"
	[ $rc -eq 0 ] && [ "$out" = podnet-hello ] || { echo "got '$out'"; return 1; }
}
tcp_echo() { sock_echo tcp "$@"; }
udp_echo() { sock_echo udp "$@"; }

# udp6_hops HOPS SERVER_NS ADDR PORT CLIENT_NS: a UDP datagram from
# CLIENT_NS reaches ADDR:PORT in SERVER_NS with hop limit HOPS.
udp6_hops() {
	local want=$1 got
	shift
	pntv got hops "$@" || { echo "$got"; return 1; }
	[ "$got" = "hops $want" ] || { echo "$got, want $want"; return 1; }
}

# icmp6_error CLIENT_NS ADDR HOPS SIZE TYPE [INFO]: a UDP datagram of SIZE
# bytes with hop limit HOPS from CLIENT_NS to ADDR, not to be fragmented,
# gets an ICMP error of TYPE back (IPv6: 2 packet too big, 3 time
# exceeded), with INFO (the MTU of a packet too big) if given.
icmp6_error() {
	local out
	pntv out icmperr "$1" "$2" "$3" "$4" || { echo "$out"; return 1; }
	echo "$out"
	# origin 3 (ICMPv6) or 2 (ICMP)
	[[ "$out" == "origin "[23]" type $5 code "*" info "${6:-*} ]]
}

# ping_ok NS ADDR [OPT=VAL...]: every echo gets its reply (pnt ping).
ping_ok() { pnt ping "$@"; }

# ping_says WANT NS ADDR [OPT=VAL...]: pnt ping prints a line matching the
# glob WANT ("reply from * ttl 63", "ERR type 3 code 4 from * mtu 1400").
ping_says() {
	local want=$1 out line
	shift
	pntv out ping "$@"
	echo "$out"
	while IFS= read -r line; do
		# shellcheck disable=SC2053 # a glob
		[[ "$line" == $want ]] && return 0
	done <<<"$out"
	return 1
}

# tap_sees NODE_NS DEV CLIENT_NS DST: a tap on DEV (a packet socket bound
# to it, as tcpdump opens; a pod's node end, or the podnet device) sees
# CLIENT_NS's echo request to DST and its reply.
tap_sees() {
	local out id rc=0
	pntv out tap "$1" "$2" || { echo "$out"; return 1; }
	id=${out#tap }
	pnt ping "$3" "$4" || rc=1
	pntv out tapcount "$id"
	pnt untap "$id"
	echo "$out"
	[ $rc -eq 0 ] && [[ "$out" == *"echo_request "[1-9]*" echo_reply "[1-9]* ]]
}

# ns_run NS PROG ARG...: PROG run in NS (by pnt: no "ip netns exec").
ns_run() { pnt run "$@"; }

# ct_has NS WANT ARG...: "conntrack -L ARG..." in NS lists a flow matching
# the glob WANT.
ct_has() {
	local ns=$1 want=$2 out
	shift 2
	pntv out run "$ns" conntrack -L "$@"
	# shellcheck disable=SC2053 # a glob
	[[ "$out" == $want ]] || { echo "$out"; return 1; }
}

# pod_count JSON: how many pods (objects with "ifname") JSON lists.
pod_count() {
	local s=$1 n=0
	while [[ "$s" == *'"ifname":'* ]]; do
		s=${s#*'"ifname":'}
		n=$((n + 1))
	done
	echo $n
}

# pods_are NODE N GLOB [ARG...]: "podnetctl -j pod show ARG..." in NODE
# lists N pods and matches GLOB.
pods_are() {
	local node=$1 n=$2 want=$3 out
	shift 3
	out=$(podnetctl -n "$node" -j pod show "$@") || { echo "$out"; return 1; }
	# shellcheck disable=SC2053 # a glob
	[[ "$out" == $want ]] && [ "$(pod_count "$out")" -eq "$n" ] ||
		{ echo "want $n pods like '$want':"; echo "$out"; return 1; }
}
