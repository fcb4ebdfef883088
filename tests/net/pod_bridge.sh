#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pod bridge: a podnet device switches pod traffic through the node's IP
# stack, answers ARP and neighbour discovery, drops spoofed sources, and lets
# go of its ports however they leave.
#
#  ┌──────────────────────────── node ($NODE) ─────────────────────────────┐
#  │ pn0  10.244.1.1/24  fd00:244:1::1/64                    up0 192.0.2.1 ├── ext0 192.0.2.2 ($EXT)
#  │  ├─ vp1 ──────┐     ├─ vp2 ──────┐    ├─ vp3 ─────┐    ├─ vp4 ─────┐  │   (the world, routes
#  └───────────────┼────────────────────┼───────────────────┼───────────────┼──┘    10.244.1.0/24 back)
#          pod1 eth0 ($P1)      pod2 eth0 ($P2)     pod3 ($P3)      pod4 ($P4)
#          10.244.1.2           10.244.1.3          10.244.1.4      10.244.1.5
#          fd00:244:1::2        fd00:244:1::3       (deleted with   (ip link set
#                                                    its netns)      master only)
#
#  ┌─ node B ($NODEB): pn0 10.244.1.1/24, pod ($PB) 10.244.1.2: same addresses,
#  └─ another node: nothing is shared.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"

require_podnet
require_cmd podnetctl nft conntrack tc ethtool
echo "TAP version 13"

setup_ns NODE EXT P1 P2 P3 P4 NODEB PB
node_setup "$NODE" pn0 10.244.1.1/24 fd00:244:1::1/64
ip -n "$NODE" -b - <<EOF
link add up0 type veth peer name ext0 netns $EXT
addr add 192.0.2.1/24 dev up0
link set up0 up
EOF
ip -n "$EXT" -b - <<EOF
addr add 192.0.2.2/24 dev ext0
link set ext0 up
route add 10.244.1.0/24 via 192.0.2.1
EOF
tmp=/tmp/pod_bridge.$$
cleanup() {
	cleanup_all_ns
	rm -f "$tmp".*
}
# nft_file NS: the nftables script on stdin, applied in NS.
nft_file() {
	cat >"$tmp.nft"
	ns_run "$1" nft -f "$tmp.nft"
}

# shellcheck disable=SC2317 # called through check
link_is() { # NS DEV WORD: "ip -d link show DEV" has WORD
	local out
	out=$(ip -n "$1" -d link show "$2") || return 1
	[[ "$out" == *[\ \<,]"$3"[\ \>,]* ]] || { echo "$out"; return 1; }
}
check "ip -d link show: kind podnet" link_is "$NODE" pn0 podnet
check "pn0 has carrier when up" link_is "$NODE" pn0 LOWER_UP
check "pod add pod1 (IPv4 + IPv6)" pod_attach "$NODE" pn0 vp1 "$P1" 10.244.1.2/24 fd00:244:1::2/64
check "pod add pod2" pod_attach "$NODE" pn0 vp2 "$P2" 10.244.1.3/24 fd00:244:1::3/64
check "pod add pod3" pod_attach "$NODE" pn0 vp3 "$P3" 10.244.1.4/24

check "pod1 -> gateway (IPv4)" ping_ok "$P1" 10.244.1.1
check "pod1 -> gateway (IPv6, neighbour discovery)" ping_ok "$P1" fd00:244:1::1
check "pod1 -> pod2 (IPv4)" ping_ok "$P1" 10.244.1.3
check "pod1 -> pod2 (IPv6)" ping_ok "$P1" fd00:244:1::3
check "pod2 -> pod1 and pod3 (IPv4)" eval 'ping_ok "$P2" 10.244.1.2 && ping_ok "$P2" 10.244.1.4'
check "node -> pod1 (IPv4)" ping_ok "$NODE" 10.244.1.2
check "node -> pod1 (IPv6)" ping_ok "$NODE" fd00:244:1::2
check "pod1 -> the world, routed by the node" ping_ok "$P1" 192.0.2.2
check "pod1 ARP cache: gateway and pod2 resolve to vp1's MAC" \
	arp_is_port "$NODE" vp1 "$P1" 10.244.1.1 10.244.1.3
check "a tap on vp2 sees pod1's ping to pod2 and the reply" tap_sees "$NODE" vp2 "$P1" 10.244.1.3
check "TCP pod1 -> pod2" tcp_echo "$P2" 10.244.1.3 5001 "$P1"
check "TCP pod1 -> pod2 over IPv6" tcp_echo "$P2" fd00:244:1::3 5002 "$P1"
check "UDP pod1 -> pod2" udp_echo "$P2" 10.244.1.3 5003 "$P1"
check "TCP world -> pod2" tcp_echo "$P2" 10.244.1.3 5004 "$EXT"

# Pod to pod on the same device: through the node's routing and netfilter
# hooks but not through pn0 itself ("switched", counted on the receiving
# pod's port), unless something on pn0 would see the difference; ICMPv6
# through pn0.
# shellcheck disable=SC2317 # called through check
ping1() { pnt ping "$P1" "$@"; }
# shellcheck disable=SC2317
all_counted() { # N: the pre, fwd and post chains counted N packets each
	local out c
	pntv out run "$NODE" nft list table inet t || { echo "$out"; return 1; }
	for c in c_pre c_fwd c_post; do
		[[ "$out" =~ chain\ $c\ \{[^}]*counter\ packets\ $1\  ]] || { echo "$out"; return 1; }
	done
}
check "pod1 -> pod2 switched (IPv4)" switched "$NODE" vp2 1 ping1 10.244.1.3
check "... the TTL decremented once" ping_says "reply from 10.244.1.3 ttl 63" "$P1" 10.244.1.3
check "pod1 -> pod2 UDP over IPv6 switched, hop limit decremented once" \
	switched "$NODE" vp2 1 udp6_hops 63 "$P2" fd00:244:1::3 5006 "$P1"
check "ICMPv6 pod1 -> pod2 through pn0, hop limit decremented once" \
	switched "$NODE" vp2 0 ping_says "reply from fd00:244:1::3 ttl 63" "$P1" fd00:244:1::3
check "IPv6 hop limit 1: time exceeded from the node" \
	switched "$NODE" vp2 0 icmp6_error "$P1" fd00:244:1::3 1 100 3
check "TTL 1: time exceeded from the node" switched "$NODE" vp2 0 \
	ping_says "ERR type 11 code 0 from 10.244.1.1" "$P1" 10.244.1.3 ttl=1
ip -n "$NODE" link set pn0 mtu 1400
check "larger than pn0's MTU with DF: frag needed from the node" switched "$NODE" vp2 0 \
	ping_says "ERR type 3 code 4 from 10.244.1.1 mtu 1400" "$P1" 10.244.1.3 df=1 size=1450
check "... without DF: gets through, fragmented" ping1 10.244.1.3 df=0 size=1450
check "IPv6 larger than pn0's MTU: packet too big from the node" \
	switched "$NODE" vp2 0 icmp6_error "$P1" fd00:244:1::3 64 1450 2 1400
ip -n "$NODE" link set pn0 mtu 1500
nft_file "$NODE" <<'NFT'
table inet t {
	chain c_pre { type filter hook prerouting priority 0; ip saddr 10.244.1.2 ip daddr 10.244.1.3 iif pn0 counter; }
	chain c_fwd { type filter hook forward priority 0; ip saddr 10.244.1.2 ip daddr 10.244.1.3 iif pn0 oif pn0 counter; }
	chain c_post { type filter hook postrouting priority 0; ip saddr 10.244.1.2 ip daddr 10.244.1.3 oif pn0 counter; }
}
NFT
check "nftables chains at prerouting, forward, postrouting: pod1 -> pod2 switched" \
	switched "$NODE" vp2 1 ping1 10.244.1.3
check "... each chain saw it once, from pn0 to pn0" all_counted 1
nft_file "$NODE" <<'NFT'
add rule inet t c_fwd ip saddr 10.244.1.2 ip daddr 10.244.1.3 drop
add rule inet t c_fwd ip6 saddr fd00:244:1::2 ip6 daddr fd00:244:1::3 meta l4proto udp drop
NFT
check_fail "a forward drop rule drops it" "ERR ETIMEDOUT" ping1 10.244.1.3 timeout=1000
check_fail "... and one for IPv6 UDP drops that" "got 'ERR ETIMEDOUT'" \
	udp_echo "$P2" fd00:244:1::3 5007 "$P1"
nft_file "$NODE" <<'NFT'
flush chain inet t c_fwd
add chain inet t c_nat { type nat hook prerouting priority -100; }
add rule inet t c_nat ip saddr 10.244.1.2 ip daddr 10.244.1.3 dnat ip to 10.244.1.4
NFT
check "a DNAT rule at prerouting sends pod1's ping for pod2 to pod3" \
	switched "$NODE" vp3 1 ping1 10.244.1.3
check "... conntrack has the translated flow" \
	ct_has "$NODE" "*src=10.244.1.4 dst=10.244.1.2*" -d 10.244.1.3
nft_file "$NODE" <<'NFT'
flush chain inet t c_nat
add rule inet t c_nat ip saddr 10.244.1.2 ip daddr 10.244.1.3 dnat ip to 10.244.1.99
NFT
check "... to an address no pod has: host unreachable from the node" switched "$NODE" vp2 0 \
	ping_says "ERR type 3 code 1 from *" "$P1" 10.244.1.3 timeout=5000
ns_run "$NODE" nft delete table inet t
check "no chain left: switched" switched "$NODE" vp2 1 ping1 10.244.1.3

# The route the node gave pod1's packets for pod2, kept on pod2's port and
# taken again without a lookup (kmod/fwd.c, struct podnet_route): for IPv4
# only while the lookup's check of the source is trivial (no ICMP
# redirects, no reverse path filter on pn0), and never once the routing has
# changed. Lookups are counted by the FIB's tracepoints.
# lookups ADDR OP N [TOS,TOS]: 50 datagrams to pod2's ADDR (100, with these
# TOS by turns), switched, take OP N route lookups on pn0.
# shellcheck disable=SC2317
lookups() {
	local n=50 tos=("${@:4}")
	[ ${#tos[@]} -eq 0 ] || n=100
	# The stack's path (fastpath=0) looks up the route of every datagram.
	fastpath_on || set -- "$1" -ge $n
	fib_lookups "-> $1/.*==> dev pn0 " \
		switched "$NODE" vp2 $n pnt udpsend "$P1" "$1" 9 $n "${tos[@]}" || return 1
	test "$FIB_LOOKUPS" "$2" "$3" || { echo "$FIB_LOOKUPS route lookups, want $2 $3"; return 1; }
}
check "ICMP redirects on: every datagram pod1 -> pod2 is routed" lookups 10.244.1.3 -ge 50
pnt sysctl "$NODE" net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.pn0.send_redirects=0
check "ICMP redirects off: the route is kept (50 datagrams, < 10 lookups)" lookups 10.244.1.3 -lt 10
# Two flows to pod2 that differ in TOS: the route in use stays kept, the
# other flow's datagrams are looked up (replacing each other, they cost an
# allocation and an RCU callback a packet, and every one was looked up).
check "... two TOS by turns: the route in use stays kept (100 datagrams, <= 60 lookups)" \
	lookups 10.244.1.3 -le 60 0,16
ip -n "$NODE" route add prohibit 10.244.1.3/32
# prohibited ADDR: pod1's ping to ADDR gets the node's "administratively
# prohibited", or nothing: the node's ICMP errors to pod1 share a budget
# with the redirects it just sent pod1 (ip_error() and
# ip_rt_send_redirect() use the same inet_peer tokens), which may hold it
# back for a second.
# shellcheck disable=SC2317
prohibited() {
	local out
	pntv out ping "$P1" "$1" timeout=1000 && { echo "$out"; return 1; }
	[[ "$out" == *"ERR type 3 code 13 from 10.244.1.1"* || "$out" == *"ERR ETIMEDOUT"* ]] ||
		{ echo "$out"; return 1; }
}
check "... a route added for pod2 applies at once: refused, nothing reaches pod2" \
	switched "$NODE" vp2 0 prohibited 10.244.1.3
ip -n "$NODE" route del prohibit 10.244.1.3/32
check "... and its removal" switched "$NODE" vp2 1 ping1 10.244.1.3
pnt sysctl "$NODE" net.ipv4.conf.pn0.forwarding=0
# No ICMP error: ip_error() sends none for a device that does not forward.
check_fail "... forwarding off on pn0: pod1 -> pod2 stops" "ERR ETIMEDOUT" ping1 10.244.1.3 timeout=1000
pnt sysctl "$NODE" net.ipv4.conf.pn0.forwarding=1
ip -n "$NODE" link set pn0 mtu 1300
check "... so does a smaller MTU on pn0" switched "$NODE" vp2 0 \
	ping_says "ERR type 3 code 4 from 10.244.1.1 mtu 1300" "$P1" 10.244.1.3 df=1 size=1350
ip -n "$NODE" link set pn0 mtu 1500
pnt sysctl "$NODE" net.ipv4.conf.pn0.rp_filter=1
check "reverse path filter on pn0: every datagram is routed" lookups 10.244.1.3 -ge 50
pnt sysctl "$NODE" net.ipv4.conf.pn0.rp_filter=0
check "IPv6: the route is kept (50 datagrams, < 10 lookups)" lookups fd00:244:1::3 -lt 10
ip -n "$NODE" route add prohibit fd00:244:1::3/128
check_fail "... a route added for pod2 applies at once" "got 'ERR EACCES'" \
	udp_echo "$P2" fd00:244:1::3 5009 "$P1"
ip -n "$NODE" route del prohibit fd00:244:1::3/128
check "... and its removal" switched "$NODE" vp2 1 udp_echo "$P2" fd00:244:1::3 5010 "$P1"
ip -n "$NODE" rule add from 10.244.1.2 to 10.244.1.3 prohibit
check_fail "a policy routing rule prohibiting pod1 -> pod2 applies" "ERR type 3 code 13 from 10.244.1.1" \
	ping1 10.244.1.3
ip -n "$NODE" rule del from 10.244.1.2 to 10.244.1.3 prohibit
# The kernel does not forget that there were rules (fib_has_custom_rules).
check "... once there were rules, every datagram is routed" lookups 10.244.1.3 -ge 50
ip -n "$NODE" -6 rule add from fd00:244:1::2 to fd00:244:1::3 prohibit
check_fail "... IPv6: a policy routing rule applies" "got 'ERR EACCES'" \
	udp_echo "$P2" fd00:244:1::3 5011 "$P1"
ip -n "$NODE" -6 rule del from fd00:244:1::2 to fd00:244:1::3 prohibit
check "... once there were rules, every datagram is routed" lookups fd00:244:1::3 -ge 50
pnt sysctl "$NODE" net.ipv4.conf.all.send_redirects=1 net.ipv4.conf.pn0.send_redirects=1
check "a tap on pn0 sees pod1 -> pod2 (a tap on pn0: through pn0)" \
	switched "$NODE" vp2 0 tap_sees "$NODE" pn0 "$P1" 10.244.1.3
check "no tap left: switched" switched "$NODE" vp2 1 ping1 10.244.1.3
# A tap on every device (tcpdump -i any) is on one list for the whole host,
# but sees only its own namespace's devices: one in pod2's namespace sees
# the ping there and leaves the node's path alone.
check "a tap on every device of pod2's namespace sees the ping; switched" \
	switched "$NODE" vp2 1 tap_sees "$P2" any "$P1" 10.244.1.3
check "a tap on every device of the node's namespace sees pod1 -> pod2" \
	switched "$NODE" vp2 0 tap_sees "$NODE" any "$P1" 10.244.1.3

# A switched packet is handed to pod2's eth0 as veth hands it over (the
# same checks, scrubbing and counters), received there without vp2's
# transmit path and eth0's backlog queue, unless something on vp2 would see
# the difference or veth would take its NAPI path (kmod/device.c).
# shellcheck disable=SC2317
veth_counted() { # 10 pings pod1 -> pod2 count 10 more sent on vp2, received on pod2's eth0
	local tx rx tx1 rx1
	tx=$(link_field "$NODE" vp2 tx_packets) && rx=$(link_field "$P2" eth0 rx_packets) || return 1
	ping1 10.244.1.3 count=10 >/dev/null || return 1
	tx1=$(link_field "$NODE" vp2 tx_packets) && rx1=$(link_field "$P2" eth0 rx_packets) || return 1
	if [ $((tx1 - tx)) -lt 10 ] || [ $((rx1 - rx)) -lt 10 ]; then
		echo "vp2 sent $((tx1 - tx)) more, eth0 received $((rx1 - rx)) more"
		return 1
	fi
}
# shellcheck disable=SC2317
ping_qdisc() { # pod1 pings pod2; vp2's root qdisc sent a packet
	local out
	ping1 10.244.1.3 >/dev/null || return 1
	pntv out run "$NODE" tc -s qdisc show dev vp2
	[[ "$out" =~ Sent\ [0-9]+\ bytes\ [1-9][0-9]*\ pkt ]] || { echo "$out"; return 1; }
}
check "10 pings switched: counted sent on vp2, received on pod2's eth0" \
	switched "$NODE" vp2 10 veth_counted
check "a tap on pod2's eth0 sees the ping from pod1 and the reply" \
	switched "$NODE" vp2 1 tap_sees "$P2" eth0 "$P1" 10.244.1.3
ns_run "$NODE" tc qdisc add dev vp2 root pfifo
check "a qdisc on vp2: pod1 -> pod2 goes through it" \
	switched "$NODE" vp2 1 ping_qdisc
ns_run "$NODE" tc qdisc del dev vp2 root
ns_run "$P2" ethtool -K eth0 gro on
check "GRO on pod2's eth0 (veth's NAPI path): TCP pod1 -> pod2" tcp_echo "$P2" 10.244.1.3 5013 "$P1"
ns_run "$P2" ethtool -K eth0 gro off
check "GRO off again: TCP pod1 -> pod2 over IPv6" tcp_echo "$P2" fd00:244:1::3 5014 "$P1"
# RPS: a map on a device podnet does not deliver to (the guest's lo, in
# the initial namespace) leaves the hand-over on; one on pod2's eth0, which
# could steer what it receives to another CPU, turns it off for pod2: veth
# queues the request to eth0's backlog (netif_rx), the reply to pod1 is
# still handed over.
# shellcheck disable=SC2317
rx_queued() { # N CMD...: CMD made N packets queued on a pod's eth0
	local want=$1
	shift
	# The stack's path (fastpath=0): the ping and its reply both cross a
	# veth pair, into the backlog of pod2's eth0 and of pod1's.
	fastpath_on || want=2
	fib_lookups "netif_rx: dev=eth0 " "$@" || return 1
	[ "$FIB_LOOKUPS" -eq "$want" ] || { echo "netif_rx on eth0: $FIB_LOOKUPS, want $want"; return 1; }
}
rps_lo=/sys/class/net/lo/queues/rx-0/rps_cpus
check "an RPS map on another namespace's lo: pod1 <-> pod2 still handed over" \
	eval 'echo 1 >"$rps_lo" && rx_queued 0 ping1 10.244.1.3'
echo 0 >"$rps_lo"
rps_p2() { ip netns exec "$P2" sh -c "echo $1 >/sys/class/net/eth0/queues/rx-0/rps_cpus"; }
check "an RPS map on pod2's eth0: pod1 -> pod2 queued there, the reply handed over" \
	eval 'rps_p2 1 && rx_queued 1 ping1 10.244.1.3'
rps_p2 0

check "pod show lists pod1 with both addresses" \
	pods_are "$NODE" 1 '*"addrs":*"10.244.1.2","fd00:244:1::2"*' vp1
check "pod show -j: pod1 received packets" pod_stat_gt "$NODE" vp1 rx_packets 0
check "pod show -j: pod1 was sent packets" pod_stat_gt "$NODE" vp1 tx_packets 0
check "pod show dev pn0 lists three pods" pods_are "$NODE" 3 '*' dev pn0

# Anti-spoofing: a source the port does not own is dropped and counted.
pod_stat "$NODE" vp1 drop_spoof >/dev/null
before=$STAT
ip -n "$P1" addr add 10.244.1.99/32 dev eth0
check_fail "spoofed IPv4 source is dropped" "ERR ETIMEDOUT" \
	ping1 10.244.1.3 src=10.244.1.99 timeout=1000
ip -n "$P3" addr add 10.244.1.3/32 dev eth0
check_fail "pod2's address as source is dropped" "ERR ETIMEDOUT" \
	pnt ping "$P3" 10.244.1.1 src=10.244.1.3 timeout=1000
check "drop_spoof counted" pod_stat_gt "$NODE" vp1 drop_spoof "$before"
ip -n "$P1" addr del 10.244.1.99/32 dev eth0
# first_dropped COUNTER "FIRST" "SECOND": pod1 sends pod2 two echo requests
# as frames on its eth0 ("pnt ipframe ... SRC DST [OPT]", FIRST then
# SECOND); once the second reached pod2's eth0 (a tap there), it must be
# the only request seen, and vp1's COUNTER must have counted the first.
# shellcheck disable=SC2317 # called through check
first_dropped() {
	local counter=$1 mac out id before seen=0 i
	local -a first second
	read -ra first <<<"$2"
	read -ra second <<<"$3"
	mac=$(link_field "$NODE" vp1 mac) || { echo "$mac"; return 1; }
	pod_stat "$NODE" vp1 "$counter" >/dev/null || return 1
	before=$STAT
	pntv out tap "$P2" eth0 || { echo "$out"; return 1; }
	id=${out#tap }
	if ! pnt ipframe "$P1" eth0 "$mac" "${first[@]}" ||
		! pnt ipframe "$P1" eth0 "$mac" "${second[@]}"; then
		pnt untap "$id"
		return 1
	fi >/dev/null
	for ((i = 0; i <= 50 && seen == 0; i++)); do
		[ $i -eq 0 ] || pnt sleep 100 >/dev/null
		pntv out tapcount "$id"
		[[ "$out" =~ echo_request\ ([0-9]+) ]] && seen=$((seen + BASH_REMATCH[1]))
	done
	pntv out tapcount "$id"
	[[ "$out" =~ echo_request\ ([0-9]+) ]] && seen=$((seen + BASH_REMATCH[1]))
	pnt untap "$id"
	[ $seen -eq 1 ] || { echo "pod2 saw $seen echo requests, want 1 (the second)"; return 1; }
	pod_stat_gt "$NODE" vp1 "$counter" "$before"
}
# 802.1Q: a tagged frame is for a VLAN podnet has none of; the port drops it
# instead of switching it to pod2 still tagged.
check "a VLAN-tagged frame from pod1 is dropped at its port (drop_proto), the same untagged passes" \
	first_dropped drop_proto "10.244.1.2 10.244.1.3 vlan=100" "10.244.1.2 10.244.1.3"
# ::ffff:10.244.1.2 is no address of pod1's, although its IPv4 address is
# bound under that key.
check "IPv6 from pod1's IPv4 address, IPv4-mapped, is dropped (drop_spoof)" \
	first_dropped drop_spoof "::ffff:10.244.1.2 fd00:244:1::3" "fd00:244:1::2 fd00:244:1::3"
# Link-local sources are not routed: pod1's ping to all nodes on the link
# (from its fe80:: address) stops at its port, counted as drop_proto.
pod_stat "$NODE" vp1 drop_proto >/dev/null
before=$STAT
pnt ping "$P1" ff02::1%eth0 timeout=500 >/dev/null
check "IPv6 from a link-local source: dropped, drop_proto counted" \
	pod_stat_gt "$NODE" vp1 drop_proto "$before"

# A port attached with "ip link set master" has no addresses: it switches nothing.
pod_veth "$NODE" vp4 "$P4" 10.244.1.5/24
check "ip link set vp4 master pn0" ip -n "$NODE" link set vp4 master pn0
check "pod show lists vp4 without addresses" pods_are "$NODE" 1 '*"addrs":\[\]*' vp4
check_fail "vp4 without addresses cannot send" "ERR ETIMEDOUT" pnt ping "$P4" 10.244.1.1 timeout=1000
check "pod add binds addresses to vp4" podnetctl -n "$NODE" pod add vp4 dev pn0 ip 10.244.1.5
check "pod4 -> gateway after pod add" ping_ok "$P4" 10.244.1.1

# Device behaviour.
check "MTU 1400" ip -n "$NODE" link set pn0 mtu 1400
check_fail "MTU 70000 is refused" "*mtu greater than device maximum*" \
	ip -n "$NODE" link set pn0 mtu 70000
ip -n "$NODE" -b - <<EOF
link set pn0 mtu 1500
link set pn0 down
EOF
check_fail "pn0 down: pod1 -> pod2 stops" "ERR ETIMEDOUT" ping1 10.244.1.3 timeout=1000
ip -n "$NODE" link set pn0 up
check "pn0 up again: pod1 -> pod2" busywait 5000 ping1 10.244.1.3 timeout=1000
# shellcheck disable=SC2317
pn0_counts() {
	local n
	n=$(link_field "$NODE" pn0 rx_packets) || return 1
	[ "$n" -gt 0 ] || { echo "rx_packets $n"; return 1; }
}
check "pn0 counts packets" pn0_counts
# A packet socket on pn0 sends what it likes: one byte of IPv4, or an IPv6
# header cut short, has no next hop to look at; dropped and counted.
# shellcheck disable=SC2317
pn0_drops() { # ETHERTYPE HEX
	local before after out
	before=$(link_field "$NODE" pn0 tx_dropped) || { echo "$before"; return 1; }
	pntv out frame "$NODE" pn0 "$1" "$2" || { echo "$out"; return 1; }
	after=$(link_field "$NODE" pn0 tx_dropped) || { echo "$after"; return 1; }
	[ "$after" -eq $((before + 1)) ] || { echo "tx_dropped $before -> $after"; return 1; }
}
check "a one-byte IPv4 packet sent on pn0 is dropped and counted" pn0_drops 0800 45
check "a cut IPv6 header sent on pn0 is dropped and counted" pn0_drops 86dd 6000000000083a40fd00024400010000

# Bad input: a clear error and no change.
ip -n "$NODE" -b - <<EOF
link add pn1 type podnet
link add br0 type bridge
link add dummy0 type dummy
EOF
pod_veth "$NODE" vpx "$P4" 10.244.1.50/24 eth1
ip -n "$NODE" link set vpx master br0
pod_veth "$NODE" vpy "$P4" 10.244.1.51/24 eth2
pc() { podnetctl -n "$NODE" "$@"; }
check "loopback cannot be a pod" errline "podnetctl: podnet: loopback cannot be a pod port" pc pod add lo dev pn0 ip 10.244.1.60
check "a podnet device cannot be a pod" errline "podnetctl: podnet: a podnet device cannot be a pod port" pc pod add pn1 dev pn0 ip 10.244.1.61
check "unknown device" errline "podnetctl: podnet: no such network device \`nosuch0'" pc pod add nosuch0 dev pn0 ip 10.244.1.62
check "a dummy device is not a podnet device" errline "podnetctl: podnet: not a podnet device \`dummy0'" \
	pc pod add vpx dev dummy0 ip 10.244.1.63
check "a bridge port cannot be a pod" errline "podnetctl: podnet: device is already a port of another master" pc pod add vpx dev pn0 ip 10.244.1.64
check "a dummy device cannot be a pod" errline "podnetctl: podnet: pod port must be the node end of a veth pair" pc pod add dummy0 dev pn0 ip 10.244.1.65
check "an address bound to another pod" errline "podnetctl: podnet: address already bound*\`10.244.1.2'" \
	pc pod add vpy dev pn0 ip 10.244.1.51 ip 10.244.1.2
check "malformed address" errline -s 1 "podnetctl: *\`10.244.1.300'" pc pod add vpy dev pn0 ip 10.244.1.300
check "failed adds changed nothing" eval 'pods_are "$NODE" 4 "*" && ! link_is "$NODE" vpy master'
check "pod1 still owns 10.244.1.2" ping1 10.244.1.3

# Another node, same addresses: isolated.
node_setup "$NODEB" pn0 10.244.1.1/24
check "node B: pod with the same address" pod_attach "$NODEB" pn0 vb1 "$PB" 10.244.1.2/24
check "node B: pod -> its gateway" ping_ok "$PB" 10.244.1.1
check "node B sees only its own pod" pods_are "$NODEB" 1 '*"ifname":"vb1"*'

# Ports leave: pod del, veth deleted, pod netns deleted, podnet device deleted.
check "pod del vp2" pc pod del vp2
check_fail "pod1 -> pod2 after pod del" "ERR type 3 code 1 from 10.244.1.1" ping1 10.244.1.3
check "vp2 has no master after pod del" eval '! link_is "$NODE" vp2 master'
check "veth of pod1 deleted while attached" ip -n "$NODE" link del vp1
check "pod show: vp1 is gone" errline "podnetctl: *\`vp1'" pc pod show vp1
cleanup_ns "$P3"
# shellcheck disable=SC2317
no_vp3() { ! pods_are "$NODE" 1 '*' vp3 >/dev/null 2>&1; }
check "pod3's netns deleted: vp3 is gone" busywait 3000 no_vp3
check "ip link del pn0 with a port attached" ip -n "$NODE" link del pn0
check "vp4 released (no master)" eval '! link_is "$NODE" vp4 master'
check "node B unaffected" ping_ok "$PB" 10.244.1.1
check "node B netns deleted with a pod attached" cleanup_ns "$NODEB"
check "... and dismantled (its pod's eth0 went with vb1)" link_gone "$PB" eth0

echo "1..$TAP_N"
exit_tests
