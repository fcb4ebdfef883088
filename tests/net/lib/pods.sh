#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pods and nodes for podnet's tests (sourced after lib.sh).

# node_setup NS DEV ADDR...: a node with a podnet device carrying ADDRs,
# forwarding on.
node_setup() {
	local ns=$1 dev=$2 a
	shift 2
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n "$ns" link add "$dev" type podnet
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$dev"
	done
	ip -n "$ns" link set "$dev" up
}

# pod_veth NODE VETH POD ADDR... [IFNAME]: a veth pair, VETH in NODE, eth0
# (or the last argument if it is not an address) in POD with ADDRs and
# default routes via the first address of the subnet.
pod_veth() {
	local node=$1 veth=$2 pod=$3 ifname=eth0 a gw
	shift 3
	case "${!#}" in */*) ;; *) ifname=${!#}; set -- "${@:1:$(($# - 1))}" ;; esac
	ip -n "$node" link add "$veth" type veth peer name "$ifname" netns "$pod"
	ip -n "$node" link set "$veth" up
	for a in "$@"; do
		ip -n "$pod" addr add "$a" dev "$ifname" nodad 2>/dev/null ||
			ip -n "$pod" addr add "$a" dev "$ifname"
	done
	ip -n "$pod" link set "$ifname" up
	for a in "$@"; do
		case "$a" in
		*:*) gw=$(python3 -c "import ipaddress,sys; print(next(ipaddress.ip_interface(sys.argv[1]).network.hosts()))" "$a")
		     ip -n "$pod" -6 route add default via "$gw" 2>/dev/null ;;
		*) gw=$(python3 -c "import ipaddress,sys; print(next(ipaddress.ip_interface(sys.argv[1]).network.hosts()))" "$a")
		   ip -n "$pod" route add default via "$gw" 2>/dev/null ;;
		esac
	done
	return 0
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

# pod_stat NODE VETH FIELD: one counter of a pod (podnetctl -j pod show).
pod_stat() {
	podnetctl -n "$1" -j pod show "$2" |
		python3 -c "import json,sys; print(json.load(sys.stdin)[0]['stats']['$3'])"
}

# pod_stat_gt NODE VETH FIELD N: that counter is above N.
pod_stat_gt() {
	local v
	v=$(pod_stat "$1" "$2" "$3") || return 1
	[ "$v" -gt "$4" ] || { echo "$3 = $v, want > $4"; return 1; }
}

# switched NODE VETH N CMD...: CMD succeeds and VETH's pod was delivered N
# packets by podnet's forward path (its "switched" counter moved by N).
switched() {
	local node=$1 veth=$2 want=$3 v0 v1
	shift 3
	v0=$(pod_stat "$node" "$veth" switched) || return 1
	"$@" || return 1
	v1=$(pod_stat "$node" "$veth" switched) || return 1
	[ $((v1 - v0)) -eq "$want" ] ||
		{ echo "switched moved by $((v1 - v0)), want $want"; return 1; }
}

# arp_is_port NODE VETH POD IP...: POD resolved each IP to VETH's MAC.
arp_is_port() {
	local node=$1 veth=$2 pod=$3 mac ip
	shift 3
	mac=$(ip -n "$node" -j link show "$veth" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['address'])")
	for ip in "$@"; do
		ip -n "$pod" neigh show "$ip" | grep -q "lladdr $mac" || {
			echo "$ip: $(ip -n "$pod" neigh show "$ip"), want $mac"
			return 1
		}
	done
}

# sock_echo tcp|udp SERVER_NS ADDR PORT CLIENT_NS: a round trip through
# socat, the server echoing with cat.
sock_echo() {
	local proto=$1 sns=$2 addr=$3 port=$4 cns=$5 pid out fam=4 listen ssopt
	case "$addr" in *:*) fam=6 ;; esac
	case "$proto" in
	tcp) listen="TCP$fam-LISTEN:$port,reuseaddr" ssopt=-Hltn ;;
	udp) listen="UDP$fam-RECVFROM:$port,reuseaddr,fork" ssopt=-Hlun ;;
	esac
	ip netns exec "$sns" socat -t10 -T10 "$listen" EXEC:cat &
	pid=$!
	busywait 20000 sh -c "ip netns exec $sns ss $ssopt 'sport = :$port' | grep -q ." >/dev/null
	case "$addr" in *:*) addr="[$addr]" ;; esac
	out=$(echo podnet-hello | ip netns exec "$cns" socat -t10 -T10 - "${proto^^}:$addr:$port")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ "$out" = podnet-hello ] || { echo "got '$out'"; return 1; }
}
tcp_echo() { sock_echo tcp "$@"; }
udp_echo() { sock_echo udp "$@"; }

# udp6_hops HOPS SERVER_NS ADDR PORT CLIENT_NS: a UDP datagram from
# CLIENT_NS reaches ADDR:PORT in SERVER_NS with hop limit HOPS.
udp6_hops() {
	local want=$1 sns=$2 addr=$3 port=$4 cns=$5 f pid got
	f=$(mktemp /tmp/hops.XXXXXX)
	ip netns exec "$sns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
s.bind(("::", int(sys.argv[1])))
s.settimeout(10)
print("ready", flush=True)
_, anc, _, _ = s.recvmsg(64, socket.CMSG_SPACE(4))
print(int.from_bytes(anc[0][2], sys.byteorder))' "$port" >"$f" &
	pid=$!
	busywait 20000 grep -q ready "$f" >/dev/null
	echo podnet | ip netns exec "$cns" socat -u - "UDP6-SENDTO:[$addr]:$port"
	wait "$pid"
	got=$(sed -n 2p "$f")
	rm -f "$f"
	[ "$got" = "$want" ] || { echo "hop limit '$got', want $want"; return 1; }
}

# icmp6_error CLIENT_NS ADDR HOPS SIZE TYPE [INFO]: a UDP datagram of SIZE
# bytes with hop limit HOPS from CLIENT_NS to ADDR, not to be fragmented,
# gets an ICMPv6 error of TYPE back (2 packet too big, 3 time exceeded),
# with INFO (the MTU of a packet too big) if given.
icmp6_error() {
	ip netns exec "$1" python3 -c '
import select, socket, struct, sys
addr, hops, size, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
s.setsockopt(socket.IPPROTO_IPV6, 25, 1)  # IPV6_RECVERR
s.setsockopt(socket.IPPROTO_IPV6, 23, 3)  # IPV6_MTU_DISCOVER: PROBE
s.sendto(b"x" * size, (addr, 9))
p = select.poll()
p.register(s, 0)
if not p.poll(5000):
    sys.exit("no ICMPv6 error")
_, anc, _, _ = s.recvmsg(size, 512, socket.MSG_ERRQUEUE)
_, origin, typ, code, _, info = struct.unpack("=IBBBBI", anc[0][2][:12])
print("origin", origin, "type", typ, "code", code, "info", info)
ok = origin == 3 and typ == want
if len(sys.argv) > 5:
    ok = ok and info == int(sys.argv[5])
sys.exit(0 if ok else 1)' "${@:2}"
}

# tap_sees NODE_NS DEV CLIENT_NS DST [N]: tcpdump on DEV (a pod's node end,
# or the podnet device) sees an echo request from CLIENT_NS to DST and its
# reply among the first N (2) ICMP packets it captures.
tap_sees() {
	local f rc
	f=$(mktemp /tmp/tap.XXXXXX)
	ip netns exec "$1" timeout 30 tcpdump -l -n -c "${5:-2}" --immediate-mode -i "$2" \
		"icmp and host $4" >"$f" 2>"$f.err" &
	busywait 20000 grep -q "listening on" "$f.err" >/dev/null
	ip netns exec "$3" ping -c1 -W5 "$4" >/dev/null
	wait $!
	cat "$f"
	grep -q "echo request" "$f" && grep -q "echo reply" "$f"
	rc=$?
	rm -f "$f" "$f.err"
	return $rc
}
