#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: debug=release
#
# Nodes: three podnet nodes and a flannel node on one underlay reach each
# other's pods, over the kernel's VXLAN (VNI 1, port 8472, as flannel) and
# routed directly (encap none), with no NAT between pods.
#
#   underlay ($UL): bridge br0 192.168.50.100 (an outside client), 192.168.50.0/24, fd00:50::/64
#     ┌───────────────┬───────────────┬────────────────┬────────────────┐
#   ul0 .1 ::1      ul0 .2 ::2      ul0 .3 ::3        ul0 .9
#  node A ($A)     node B ($B)     node C ($C)      flannel node ($F)
#  pn0 10.244.1.1  pn0 10.244.2.1  pn0 10.244.3.1   cni0 (bridge) 10.244.9.1
#      fd00:244:1::1   fd00:244:2::1   fd00:244:3::1  flannel.1 (by hand)
#   pod ($PA) .2    pod ($PB) .2    pod ($PC) .2     pod ($PF) 10.244.9.2
#
# Each podnet node has the other two (`podnetctl node add`), and A the
# flannel node; podnet.1 is made by the first vxlan node added.
#
#  node D ($D) ul0 fd00:52::4 ══ veth ══ ul0 fd00:52::5 node E ($E): an
#  IPv6 underlay; pods ($PD, $PE) 10.244.4.2, 10.244.5.2 (and IPv6).
#
# On the debug kernel in make release-check only (40 s there): the node
# table's commands and dumps are fuzz.sh's there too, and the packets'
# paths through pn0 to and from other devices pod_bridge.sh's (its pods
# and the outside namespace); the rest is the kernel's own VXLAN and
# routing, and podnetctl.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"

require_podnet
require_cmd podnetctl bridge nft
echo "TAP version 13"

setup_ns UL A B C F PA PB PC PF
ip -n "$UL" -b - <<END
link add br0 type bridge
addr add 192.168.50.100/24 dev br0
link set br0 up
END
tmp=/tmp/nodes.$$
cleanup() {
	cleanup_all_ns
	rm -f "$tmp".*
}
declare -A NODEIP=([A]=1 [B]=2 [C]=3)
for n in A B C; do
	i=${NODEIP[$n]}
	node_setup "${!n}" pn0 "10.244.$i.1/24" "fd00:244:$i::1/64"
	ip -n "${!n}" -b - <<END
link add ul0 type veth peer name ul$i netns $UL
addr add 192.168.50.$i/24 dev ul0
addr add fd00:50::$i/64 dev ul0 nodad
link set ul0 up
END
	ip -n "$UL" -b - <<END
link set ul$i master br0
link set ul$i up
END
done
pod_attach "$A" pn0 va "$PA" 10.244.1.2/24 fd00:244:1::2/64
pod_attach "$B" pn0 vb "$PB" 10.244.2.2/24 fd00:244:2::2/64
pod_attach "$C" pn0 vc "$PC" 10.244.3.2/24 fd00:244:3::2/64
for p in PA PB PC; do
	pnt serve "${!p}" "$p" name tcp4:80 tcp6:80 >/dev/null
	pnt serve "${!p}" "$p" echo tcp4:7 >/dev/null
done

# vtep_mac IPV4: the MAC podnet derives for a node (PODNET_VTEP_MAC_PREFIX).
vtep_mac() {
	local o1 o2 o3 o4
	IFS=. read -r o1 o2 o3 o4 <<<"$1"
	printf '0e:70:%02x:%02x:%02x:%02x' "$o1" "$o2" "$o3" "$o4"
}

# add_nodes ENCAP: every podnet node gets the other two (a batch each).
add_nodes() {
	local n m i
	for n in A B C; do
		for m in A B C; do
			[ $n = $m ] && continue
			i=${NODEIP[$m]}
			echo "node add node-$m ip 192.168.50.$i ip fd00:50::$i" \
				"podcidr 10.244.$i.0/24 podcidr fd00:244:$i::/64 encap $1"
		done | podnetctl -n "${!n}" -b - || return 1
	done
}

# sees NS ADDR WANT [PORT]: a TCP connection from NS to ADDR:PORT (80) is
# answered "NAME WANT": the server saw WANT as the client's address.
sees() {
	local out
	pntv out get "$1" "$2" "${4:-80}" tcp || { echo "$out"; return 1; }
	[[ "$out" == *" $3" ]] || { echo "got '$out', want the peer $3"; return 1; }
}

# pings NS ADDR: one echo answered.
pings() { has_line "reply from *" pnt ping "$1" "$2" count=1 timeout=2000; }

check "node add (vxlan): each node has the other two" add_nodes vxlan
check "podnet.1: vxlan id 1, local 192.168.50.1, dstport 8472, nolearning" \
	has_line "*vxlan id 1 local 192.168.50.1 dev ul0 *dstport 8472 nolearning*" \
	ip -n "$A" -d link show podnet.1
check "podnet.1: the underlay's MTU less 50" \
	has_line "*podnet.1:*mtu 1450 *" ip -n "$A" link show podnet.1
check "podnet.1 has the first address of A's pod prefix" \
	has_line "*inet 10.244.1.0/32 *" ip -n "$A" addr show podnet.1
check "route to B's pods: via 10.244.2.0 dev podnet.1 onlink" \
	has_line "10.244.2.0/24 via 10.244.2.0 dev podnet.1 proto 112 onlink*" \
	ip -n "$A" route show 10.244.2.0/24
check "neighbour 10.244.2.0: B's VTEP MAC, permanent" \
	has_line "10.244.2.0 lladdr $(vtep_mac 192.168.50.2) PERMANENT*" \
	ip -n "$A" neigh show dev podnet.1 10.244.2.0
check "fdb: B's VTEP MAC to 192.168.50.2" \
	has_line "$(vtep_mac 192.168.50.2) dst 192.168.50.2 self permanent" \
	bridge -n "$A" fdb show dev podnet.1
check "node show: B as added" \
	has_line "node-B ip 192.168.50.2 ip fd00:50::2 podcidr 10.244.2.0/24 podcidr fd00:244:2::/64 encap vxlan vtep-mac $(vtep_mac 192.168.50.2)" \
	podnetctl -n "$A" node show
check "vxlan: pod A -> pod B (IPv4), B's pod sees A's pod's address" \
	sees "$PA" 10.244.2.2 10.244.1.2
check "vxlan: pod A -> pod B (IPv6), no NAT" \
	sees "$PA" fd00:244:2::2 fd00:244:1::2
check "vxlan: pod C -> pod A (IPv4), no NAT" sees "$PC" 10.244.1.2 10.244.3.2
check "vxlan: pod B -> pod C (IPv6), no NAT" sees "$PB" fd00:244:3::2 fd00:244:2::2
check "vxlan: node A -> pod B" pings "$A" 10.244.2.2

# fwd_path WHAT IIF TABLE: A's pod's echo request reaches B's pod by
# podnet's forward path (kmod/fwd.c; B's switched +1), seen by B's FORWARD
# hook (an nft TABLE of its own) with IIF as the way in and pn0 as the way
# out, as the IP stack's path shows it.
fwd_path() {
	cat >"$tmp.nft" <<NFT
table inet $3 {
	chain cross {
		type filter hook forward priority 0;
		iifname "$2" oifname "pn0" ip daddr 10.244.2.2 icmp type echo-request counter
	}
}
NFT
	pnt run "$B" nft -f "$tmp.nft" >/dev/null
	check "$1: A's pod's echo request reaches B's pod by podnet's forward path" \
		switched "$B" vb 1 pings "$PA" 10.244.2.2
	check "... seen by B's FORWARD hook: in $2, out pn0" \
		has_line "*counter packets 1 *" pnt run "$B" nft list chain inet "$3" cross
}
# From the tunnel (B's podnet.1, taken by podnet: kmod/tunnel.c).
fwd_path vxlan podnet.1 pnt
# tapped_pn0: with a tap on B's pn0, the IP stack's path (the tap sees it).
tapped_pn0() {
	local out id rc
	pntv out tap "$B" pn0 || { echo "$out"; return 1; }
	id=${out#tap }
	switched "$B" vb 0 pings "$PA" 10.244.2.2
	rc=$?
	pntv out tapcount "$id"
	[[ "$out" == *"echo_request 1 "* ]] || { echo "the tap saw: $out"; rc=1; }
	pnt untap "$id" >/dev/null
	return $rc
}
check "... with a tap on B's pn0: by the IP stack's path, which the tap sees" tapped_pn0

# MTU: pn0 leaves room for VXLAN; a pod whose MTU does not is told so by
# ICMP; pods with that MTU (the CNI plugin gives new pods podnet.1's)
# move a stream of full-size segments.
check "pn0's MTU lowered to podnet.1's, 1450" has_line "*pn0:*mtu 1450 *" ip -n "$A" link show pn0
check "a 1500-byte IPv4 packet not to be fragmented, A's pod to B's: ICMP frag needed, MTU 1450" \
	has_line "*type 3 code 4 info 1450" pnt icmperr "$PA" 10.244.2.2 64 1472
check "the same over IPv6: ICMPv6 packet too big, MTU 1450" \
	has_line "*type 2 code 0 info 1450" pnt icmperr "$PA" fd00:244:2::2 64 1452
# frag_creates NS: IPv4 fragments NS made (/proc/net/snmp, Ip: FragCreates).
frag_creates() {
	pnt run "$1" cat /proc/net/snmp | awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "FragCreates") c = i; h = 1 } else print $c }'
}
# bulk: 4 MB over TCP from A's pod to B's, both at MTU 1450; node A made
# no fragment of it.
bulk() {
	local f0 f1
	f0=$(frag_creates "$A")
	pnt run "$PB" iperf3 -s -D -1 >/dev/null || return 1
	busywait 5000 has_line "*:5201 *" pnt run "$PB" ss -Htln >/dev/null || return 1
	pnt run "$PA" iperf3 -c 10.244.2.2 -n 4M || return 1
	f1=$(frag_creates "$A")
	[ "$f0" = "$f1" ] || { echo "node A made $((f1 - f0)) fragments"; return 1; }
}
ip -n "$PA" link set eth0 mtu 1450
ip -n "$PB" link set eth0 mtu 1450
check "4 MB of TCP between pods of A and B, at MTU 1450: no fragment" bulk

# A service on A whose endpoints are on B and C.
podnetctl -n "$A" -b - <<END
config set cluster-cidr 10.244.0.0/16,fd00:244::/48
service add 10.96.0.10:80/tcp nodeport 30080
endpoint set 10.96.0.10:80/tcp 10.244.2.2:80,10.244.3.2:80
END
ip -n "$A" route add default via 192.168.50.100
# answers NS ADDR PORT SEEN...: 16 connections to ADDR:PORT from NS, all
# answered, by B's pod and by C's, each of which saw one of SEEN.
answers() {
	local ns=$1 addr=$2 port=$3 out line b=0 c=0 s ok
	shift 3
	pntv out get "$ns" "$addr" "$port" tcp 16 || { echo "$out"; return 1; }
	while read -r line; do
		ok=
		for s; do [[ "$line" == *" $s" ]] && ok=1; done
		[ -n "$ok" ] || { echo "answer '$line': not from one of $*"; return 1; }
		case "$line" in PB\ *) b=$((b + 1)) ;; PC\ *) c=$((c + 1)) ;; esac
	done <<<"$out"
	[ $b -gt 0 ] && [ $c -gt 0 ] && [ $((b + c)) -eq 16 ] ||
		{ echo "B's pod answered $b, C's $c of 16:"; echo "$out"; return 1; }
}
check "ClusterIP on A, endpoints on B and C: from A's pod, both, not masqueraded" \
	answers "$PA" 10.96.0.10 80 10.244.1.2
check "... from node A itself: both, from A's address" \
	answers "$A" 10.96.0.10 80 192.168.50.1 10.244.1.0
check "NodePort on A from outside: both, masqueraded to A (policy cluster)" \
	answers "$UL" 192.168.50.1 30080 10.244.1.0
podnetctl -n "$A" service change 10.96.0.10:80/tcp nodeport 30080 policy local
check_fail "policy local, no endpoint on A: dropped" "ERR *" \
	pnt get "$UL" 192.168.50.1 30080 tcp ctimeout=1000
podnetctl -n "$A" endpoint add 10.96.0.10:80/tcp 10.244.1.2:80 local
check "policy local, an endpoint on A: the client's address kept" \
	sees "$UL" 192.168.50.1 192.168.50.100 30080

# Refused, and nothing changed.
before=$(podnetctl -n "$A" node show)
check "refused: a node with A's own pod prefix" \
	errline "*overlaps this node's own*10.244.1.0/25*" \
	podnetctl -n "$A" node add x ip 192.168.50.7 podcidr 10.244.1.0/25
check "refused: a pod prefix overlapping node-B's" \
	errline "*overlaps another node's*10.244.2.128/25*" \
	podnetctl -n "$A" node add x ip 192.168.50.7 podcidr 10.244.2.128/25
check "refused: node-B's address for another node" \
	errline "*another node has that address*" \
	podnetctl -n "$A" node add x ip 192.168.50.2 podcidr 10.244.7.0/24
check "refused: encap none with no address of the prefix's family" \
	errline "*encap none: no node address of the pod prefix's family*" \
	podnetctl -n "$A" node add x ip 192.168.50.7 podcidr fd00:244:7::/64 encap none
check "refused: two IPv4 addresses (usage, exit 1)" \
	errline -s 1 "*one address of each family*" \
	podnetctl -n "$A" node add x ip 192.168.50.7 ip 192.168.50.8 podcidr 10.244.7.0/24
check "refused: a batch whose second line is wrong (exit 2)" \
	errline "podnetctl: line 2: *overlaps another node's*" podnetctl -n "$A" -b - <<END
node add x ip 192.168.50.7 podcidr 10.244.7.0/24
node add y ip 192.168.50.8 podcidr 10.244.3.0/25
END
check "... the nodes are as they were (its first line undone)" test "$(podnetctl -n "$A" node show)" = "$before"
check "... no route but B's and C's written (x's removed with it)" \
	test "$(ip -n "$A" route show proto 112 | wc -l)" = 2
check "save: the nodes as a batch" has_line "node add node-B ip 192.168.50.2 *" podnetctl -n "$A" save

# host-gw: the same nodes, changed in place.
check "node add (encap none): each node changed in place" add_nodes none
check "route to B's pods: via 192.168.50.2 (host-gw)" \
	has_line "10.244.2.0/24 via 192.168.50.2 dev ul0 proto 112*" \
	ip -n "$A" route show 10.244.2.0/24
check "route to B's IPv6 pods: via fd00:50::2" \
	has_line "fd00:244:2::/64 via fd00:50::2 dev ul0 proto 112*" \
	ip -n "$A" -6 route show fd00:244:2::/64
check "B's VXLAN neighbour and fdb entries are gone" \
	test -z "$(ip -n "$A" neigh show dev podnet.1 10.244.2.0; bridge -n "$A" fdb show dev podnet.1 | grep "$(vtep_mac 192.168.50.2)")"
check "host-gw: pod A -> pod B (IPv4), no NAT" sees "$PA" 10.244.2.2 10.244.1.2
check "host-gw: pod C -> pod B (IPv6), no NAT" sees "$PC" fd00:244:2::2 fd00:244:3::2

# From B's uplink (kmod/uplink.c: an ingress hook on ul0, the device B
# routes A's address by).
fwd_path host-gw ul0 pntgw
# uplink_gone: a node routed by a device of its own on B (a dummy), the
# device deleted before the node (the hook goes with the device), then
# the node; B's pod still reached from A's by the forward path.
uplink_gone() {
	ip -n "$B" -b - <<END || return 1
link add ulx type dummy
addr add 192.168.60.1/24 dev ulx
link set ulx up
END
	podnetctl -n "$B" node add node-X ip 192.168.60.7 podcidr 10.244.7.0/24 encap none &&
		ip -n "$B" link del ulx &&
		podnetctl -n "$B" node del node-X &&
		switched "$B" vb 1 pings "$PA" 10.244.2.2
}
check "host-gw: an uplink deleted before its node, then the node" uplink_gone
# hook_gone: B's host-gw nodes deleted (the uplink hook with the last) and
# a route of B's own to A's pods: A's pod's echo request reaches B's pod
# by the IP stack's path (switched unmoved: fails if the hook stayed).
hook_gone() {
	podnetctl -n "$B" node del node-A && podnetctl -n "$B" node del node-C &&
		ip -n "$B" route add 10.244.1.0/24 via 192.168.50.1 &&
		switched "$B" vb 0 pings "$PA" 10.244.2.2
}
check "host-gw: B's nodes deleted, its uplink hook with them: the stack's path" hook_gone
check "... and put back" add_nodes none

# load_to NS ADDR: TCP exchanges from NS with ADDR:7, an echo server (it
# reads to the end and closes after the client: no reset that could
# overtake its answer, as one from a name server, which answers and closes
# with the client's data unread, may when the two leave by different CPUs:
# a read ECONNRESET in about one exchange in a hundred on the debug
# kernel, with podnet's forward path on or off), in the background, their
# id in $LOAD.
LOAD=
load_to() {
	local out
	pntv out load "$1" "$2" 7 tcp log="$tmp.load" || { echo "$out"; return 1; }
	LOAD=${out#load }
}
# unload_clean: the load's exchanges, all answered (its log shown if not).
unload_clean() {
	local out
	pntv out unload "$LOAD" || { echo "$out"; return 1; }
	echo "$out"
	[[ "$out" != "0 ok"* ]] || return 1
	[[ "$out" == *" 0 failed" ]] || { cat "$tmp.load"; return 1; }
}
load_to "$PA" 10.244.3.2
check "node del node-B (on A) while A's pod talks to C's" podnetctl -n "$A" node del node-B
check "... the traffic to C's pod went on, not one exchange lost" unload_clean
check "... its routes are gone" \
	test -z "$(ip -n "$A" route show 10.244.2.0/24; ip -n "$A" -6 route show fd00:244:2::/64)"
check_fail "... A's pod no longer reaches B's pod" "ERR *" \
	pnt get "$PA" 10.244.2.2 80 tcp ctimeout=1000
check "refused: del of a node A does not have" \
	errline "*no such node*" podnetctl -n "$A" node del node-B

# A flannel node, written as flanneld writes it: a bridge cni0, flannel.1
# with a MAC of its own; on A, a node with that VTEP MAC.
FMAC=5a:8c:1f:00:00:09
pnt sysctl "$F" net.ipv4.ip_forward=1 >/dev/null
ip -n "$F" -b - <<END
link add ul0 type veth peer name ul9 netns $UL
addr add 192.168.50.9/24 dev ul0
link set ul0 up
link add cni0 type bridge
addr add 10.244.9.1/24 dev cni0
link set cni0 up
link add flannel.1 address $FMAC mtu 1450 type vxlan id 1 local 192.168.50.9 dev ul0 dstport 8472 nolearning
addr add 10.244.9.0/32 dev flannel.1
link set flannel.1 up
route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
neigh add 10.244.1.0 lladdr $(vtep_mac 192.168.50.1) dev flannel.1 nud permanent
link add vethf type veth peer name eth0 netns $PF
link set vethf master cni0
link set vethf up
END
bridge -n "$F" fdb append "$(vtep_mac 192.168.50.1)" dev flannel.1 dst 192.168.50.1 self permanent
ip -n "$UL" -b - <<END
link set ul9 master br0
link set ul9 up
END
ip -n "$PF" -b - <<END
addr add 10.244.9.2/24 dev eth0
link set eth0 up
route add default via 10.244.9.1
END
pnt serve "$PF" PF name tcp4:80 >/dev/null
check "node add of the flannel node, with its VtepMAC" \
	podnetctl -n "$A" node add flannel-f ip 192.168.50.9 podcidr 10.244.9.0/24 vtep-mac "$FMAC"
check "podnet pod -> flannel pod, no NAT" sees "$PA" 10.244.9.2 10.244.1.2
check "flannel pod -> podnet pod, no NAT" sees "$PF" 10.244.1.2 10.244.9.2

# One node's namespace deleted under traffic: the others go on.
load_to "$PA" 10.244.3.2
pnt sleep 300 >/dev/null
check "delete node C's namespace while A's pod talks to C's" cleanup_ns "$C" "$PC"
# unload_went: the load's exchanges were under way (some answered).
unload_went() {
	local out
	pntv out unload "$LOAD" || { echo "$out"; return 1; }
	echo "$out"
	[[ "$out" =~ ^[1-9][0-9]*\ ok ]]
}
check "... it was under way (exchanges answered before)" unload_went
check "node A still reaches the flannel pod" sees "$PA" 10.244.9.2 10.244.1.2
check "node show -j on A: flannel-f with its VTEP MAC" \
	has_line '*"name":"flannel-f"*"encap":"vxlan","vtep_mac":"5a:8c:1f:00:00:09"*' \
	podnetctl -n "$A" -j node show

# An IPv6 underlay: nodes D and E, each with only an IPv6 address on a
# link of their own. podnet.1 goes over IPv6 (MTU less 70), IPv4 and
# IPv6 pods reach each other over it.
setup_ns D E PD PE
for n in D E; do
	[ $n = D ] && i=4 || i=5
	node_setup "${!n}" pn0 "10.244.$i.1/24" "fd00:244:$i::1/64"
done
ip -n "$D" -b - <<END
link add ul0 type veth peer name ul0 netns $E
addr add fd00:52::4/64 dev ul0 nodad
link set ul0 up
END
ip -n "$E" -b - <<END
addr add fd00:52::5/64 dev ul0 nodad
link set ul0 up
END
pod_attach "$D" pn0 vd "$PD" 10.244.4.2/24 fd00:244:4::2/64
pod_attach "$E" pn0 ve "$PE" 10.244.5.2/24 fd00:244:5::2/64
pnt serve "$PE" PE name tcp4:80 tcp6:80 >/dev/null
pnt serve "$PE" PE echo tcp4:7 >/dev/null
add_de() {
	podnetctl -n "$D" node add node-E ip fd00:52::5 podcidr 10.244.5.0/24 podcidr fd00:244:5::/64 &&
		podnetctl -n "$E" node add node-D ip fd00:52::4 podcidr 10.244.4.0/24 podcidr fd00:244:4::/64
}
check "IPv6 underlay: node add on D and E" add_de
check "... podnet.1 over IPv6, MTU 1500 less 70" \
	has_line "*mtu 1430 *vxlan id 1 local fd00:52::4 dev ul0 *dstport 8472 nolearning*" \
	ip -n "$D" -d -o link show podnet.1
check "... pod D -> pod E (IPv4), no NAT" sees "$PD" 10.244.5.2 10.244.4.2
check "... pod D -> pod E (IPv6), no NAT" sees "$PD" fd00:244:5::2 fd00:244:4::2

# Node objects (kubectl get nodes -o json) through apply, on A: itself
# (--node-name) left out, node-B back (no annotations: --encap, vxlan by
# default), the flannel node from its annotations, node-C (its namespace
# gone, no Node object) removed.
cat >"$tmp.nodes" <<END
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-A"},
  "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24", "fd00:244:1::/64"]},
  "status": {"addresses": [{"type": "InternalIP", "address": "192.168.50.1"},
                           {"type": "Hostname", "address": "node-a"}]}},
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-B"},
  "spec": {"podCIDR": "10.244.2.0/24", "podCIDRs": ["10.244.2.0/24", "fd00:244:2::/64"]},
  "status": {"addresses": [{"type": "InternalIP", "address": "192.168.50.2"},
                           {"type": "InternalIP", "address": "fd00:50::2"},
                           {"type": "Hostname", "address": "node-b"}]}},
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "flannel-f", "annotations": {
    "flannel.alpha.coreos.com/backend-data": "{\"VNI\":1,\"VtepMAC\":\"$FMAC\"}",
    "flannel.alpha.coreos.com/backend-type": "vxlan",
    "flannel.alpha.coreos.com/kube-subnet-manager": "true",
    "flannel.alpha.coreos.com/public-ip": "192.168.50.9"}},
  "spec": {"podCIDR": "10.244.9.0/24", "podCIDRs": ["10.244.9.0/24"]},
  "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.9"}]}}
]}
END
check "apply --dry-run of Node objects: node-B added, node-C deleted, the rest as it is" \
	test "$(podnetctl -n "$A" --dry-run apply -f "$tmp.nodes" --node-name node-A)" = \
	"node add node-B ip 192.168.50.2 ip fd00:50::2 podcidr 10.244.2.0/24 podcidr fd00:244:2::/64 encap vxlan vtep-mac $(vtep_mac 192.168.50.2)
node del node-C"
# A monitor on A; listening once it reports a probe node set.
podnetctl -n "$A" -j monitor >"$tmp.mon" &
MONITOR=$!
probe() {
	podnetctl -n "$A" node add probe ip 192.168.50.99 podcidr 10.244.99.0/24 encap none &&
		has_line '*"event":"node_set","node":{"name":"probe"*' cat "$tmp.mon"
}
busywait 10000 probe >/dev/null || echo "# the monitor reported no probe node"
podnetctl -n "$A" node del probe
check "apply of Node objects" podnetctl -n "$A" apply -f "$tmp.nodes" --node-name node-A
# monitored GLOB...: the monitor reported a line matching each GLOB.
monitored() {
	local g
	for g; do
		busywait 5000 has_line "$g" cat "$tmp.mon" >/dev/null ||
			{ echo "no event matches '$g':"; cat "$tmp.mon"; return 1; }
	done
}
check "... the monitor reported node-B set and node-C deleted" monitored \
	'{"event":"node_set","node":{"name":"node-B",*"encap":"vxlan"*}}' \
	'{"event":"node_del","node":{"name":"node-C",*}}'
kill "$MONITOR"
check "... A's nodes: node-B and flannel-f (public-ip, VtepMAC), no node-C" \
	test "$(podnetctl -n "$A" node show)" = "flannel-f ip 192.168.50.9 podcidr 10.244.9.0/24 encap vxlan vtep-mac $FMAC
node-B ip 192.168.50.2 ip fd00:50::2 podcidr 10.244.2.0/24 podcidr fd00:244:2::/64 encap vxlan vtep-mac $(vtep_mac 192.168.50.2)"
check "... pod A -> pod B again, no NAT" sees "$PA" 10.244.2.2 10.244.1.2
check "... pod A -> flannel pod, no NAT" sees "$PA" 10.244.9.2 10.244.1.2
check "... the service added by hand is left alone" \
	has_line "10.96.0.10:80/tcp *" podnetctl -n "$A" service show
check "apply --encap none: node-B over host-gw, flannel-f (backend-type vxlan) as it was" \
	podnetctl -n "$A" apply -f "$tmp.nodes" --node-name node-A --encap none
check "... route to B's pods via 192.168.50.2" \
	has_line "10.244.2.0/24 via 192.168.50.2 dev ul0 proto 112*" ip -n "$A" route show 10.244.2.0/24
check "... pod A -> pod B, no NAT" sees "$PA" 10.244.2.2 10.244.1.2
# relearned NS NODE...: `node del' of each by hand, then the same apply
# again puts them back (a node's change takes away apply's mark).
relearned() {
	local ns=$1 n
	shift
	for n; do podnetctl -n "$ns" node del "$n" || return 1; done
	podnetctl -n "$ns" apply -f "$tmp.nodes" --node-name node-A --encap none || return 1
	for n; do has_line "$n *" podnetctl -n "$ns" node show || return 1; done
}
check "node-B deleted by hand: the same apply again puts it back" relearned "$A" node-B
before=$(podnetctl -n "$A" node show)
sed 's|"10.244.2.0/24", "fd00|"10.244.2.0/33", "fd00|' "$tmp.nodes" >"$tmp.bad"
check "apply of a Node with a bad podCIDR: one error line naming it, exit 1" \
	errline -s 1 "podnetctl: Node node-B: spec.podCIDRs[[]0[]]: not a prefix" \
	podnetctl -n "$A" apply -f "$tmp.bad" --node-name node-A
check "... nothing changed" test "$(podnetctl -n "$A" node show)" = "$before"

# One List with Node, Service and EndpointSlice objects configures the
# node whole: the nodes as before, the service with its endpoint on B.
sed 's|^]}$|,|' "$tmp.nodes" >"$tmp.whole"
cat >>"$tmp.whole" <<END
 {"apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "web", "namespace": "default", "uid": "4f0c0b5e-0000-4000-8000-000000000001"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"],
           "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]}},
 {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
  "metadata": {"name": "web-x1", "namespace": "default",
               "labels": {"kubernetes.io/service-name": "web"}},
  "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
  "endpoints": [{"addresses": ["10.244.2.2"], "nodeName": "node-B",
                 "conditions": {"ready": true, "serving": true, "terminating": false}}]}
]}
END
whole() {
	podnetctl -n "$A" apply -f "$tmp.whole" --node-name node-A --encap none &&
		test "$(podnetctl -n "$A" node show)" = "$before" &&
		sees "$PA" 10.96.0.20 10.244.1.2
}
check "one List of Nodes, a Service and its EndpointSlice: the nodes as they were, the service to B's pod" whole

# An uplink that is a bridge: B's underlay addresses moved to a bridge
# bru whose port is ul0; node-A set again on B follows its route there.
# ul0 keeps node-C's hook (C is still in B's table), and as a port leaves
# what comes in on it to the bridge: the FORWARD hook sees bru as the way
# in, as the IP stack would (that check fails if podnet takes it on ul0).
ip -n "$B" -b - <<END
link add bru type bridge
link set bru up
addr flush dev ul0
link set ul0 master bru
addr add 192.168.50.2/24 dev bru
addr add fd00:50::2/64 dev bru nodad
END
check "node-A set again on B, its address now routed by a bridge" \
	podnetctl -n "$B" node add node-A ip 192.168.50.1 ip fd00:50::1 \
	podcidr 10.244.1.0/24 podcidr fd00:244:1::/64 encap none
fwd_path "host-gw, the uplink a bridge" bru pntbr

# Last: the module goes while D's pod sends to E's pod through E's
# podnet.1, which podnet has taken, and A's pod to B's over host-gw (B's
# uplink hook), and comes back; podnet.1 is taken again and passes on
# what is for no pod (E's own address on it).
load_to "$PA" 10.244.2.2
load_gw=$LOAD
load_to "$PD" 10.244.5.2
pnt sleep 300 >/dev/null
check "rmmod podnet while E's podnet.1 takes D's pod's traffic and B's uplink A's pod's" \
	rmmod podnet
check "... the traffic was under way" unload_went
LOAD=$load_gw
check "... over host-gw too" unload_went
check "... insmod podnet again" podnet_insmod
check "... E's podnet.1 passes what is for no pod: node D reaches its address" \
	pings "$D" 10.244.5.0

echo "1..$TAP_N"
exit_tests
