#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: debug=release
#
# The podnet CNI plugin run as a runtime runs it (CNI_* variables, the
# network configuration on stdin), with the reference host-local IPAM from
# Debian's containernetworking-plugins: ADD in every result version, CHECK,
# STATUS, GC, DEL in every state a runtime leaves an attachment in, the
# error objects, and 50 ADDs and DELs at once.
#
#  ┌──────────────────────── node ($NODE: the plugin runs here) ────────────────────────┐
#  │ pn0 (made by the first ADD) 10.244.1.1/24 fd00:244:1::1/64  (host-local's gateways) │
#  │  ├─ pnXXXXXXXXXXXX ─┐   ├─ pn... ─┐   ...    one veth pair an attachment, named   │
#  └─────────────────────┼─────────────┼────────  from its container ID and CNI_IFNAME ──┘
#            eth0 in $P1 ($CID1)   eth0 in $P2   ... $P3-$P6, and C1-C50 (all at once;
#                                                    C1-C10 on the debug kernel)
#            10.244.1.x fd00:244:1::x (host-local's, in $IPAM)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/cni.sh"

require_podnet
require_cmd jq podnetctl
PLUGIN=$PODNET_REPO/tools/cni/podnet
REF=/usr/lib/cni
[ -x "$PLUGIN" ] || ksft_fail "no $PLUGIN (make -C tools)"
[ -x "$REF/host-local" ] || ksft_skip "no host-local (containernetworking-plugins)"

# Everything runs inside the node's namespace: one "ip netns exec" for the
# whole test instead of one for each of the plugin's runs.
if [ "${1:-}" != --in-node ]; then
	setup_ns NODE
	ip netns exec "$NODE" "$0" --in-node
	exit $?
fi

echo "TAP version 13"
tmp=/tmp/cni.$$
IPAM=$tmp.ipam
mkdir -p "$IPAM"
cleanup() {
	cleanup_all_ns
	rm -rf "$tmp" "$tmp".*
}

# conf VERSION [FIELDS] [NAME] [RANGES]: a network configuration.
conf() {
	local ranges=${4:-'[{"subnet":"10.244.1.0/24"}],[{"subnet":"fd00:244:1::/64"}]'}
	printf '{"cniVersion":"%s","name":"%s","type":"podnet","device":"pn0"%s,"ipam":{"type":"host-local","dataDir":"%s","ranges":[%s]}}' \
		"$1" "${3:-podnet}" "${2:-}" "$IPAM" "$ranges"
}

# cni CMD CONF [id=ID] [netns=PATH] [ifname=IF] [args=ARGS] [path=DIRS]
# [bin=PLUGIN]: run the plugin (podnet's, or PLUGIN) as a runtime does; $out: what it printed, $rc its exit
# status. No subshell: the output goes through a file.
cni() {
	local cmd=$1 conf=$2 id=$CID netns=$NETNS ifname=eth0 args='' path=$REF bin=$PLUGIN kv
	shift 2
	for kv; do
		case $kv in
		bin=*) bin=${kv#bin=} ;;
		id=*) id=${kv#id=} ;;
		netns=*) netns=${kv#netns=} ;;
		ifname=*) ifname=${kv#ifname=} ;;
		args=*) args=${kv#args=} ;;
		path=*) path=${kv#path=} ;;
		esac
	done
	CNI_COMMAND=$cmd CNI_CONTAINERID=$id CNI_NETNS=$netns CNI_IFNAME=$ifname \
		CNI_ARGS=$args CNI_PATH=$path "$bin" <<<"$conf" >"$tmp.out"
	rc=$?
	out=$(<"$tmp.out")
}

cni_ok() { # CMD CONF [VAR=VAL...]: exit 0
	cni "$@"
	[ "$rc" -eq 0 ] || { echo "exit $rc: $out"; return 1; }
}

# cni_err CODE GLOB CMD CONF [VAR=VAL...]: exit 1 and an error object with
# code CODE and a msg that matches GLOB.
cni_err() {
	local code=$1 glob=$2
	shift 2
	cni "$@"
	if [ "$rc" -ne 1 ] || ! [[ "$out" =~ \"code\":([0-9]+) ]] ||
	   [ "${BASH_REMATCH[1]}" != "$code" ] ||
	   ! [[ "$out" =~ \"msg\":\"([^\"]*)\" ]]; then
		echo "exit $rc: $out (want code $code)"
		return 1
	fi
	# shellcheck disable=SC2053 # a glob
	[[ "${BASH_REMATCH[1]}" == $glob ]] || { echo "msg: ${BASH_REMATCH[1]}, want $glob"; return 1; }
}

# jq_ok EXPR: $out satisfies the jq expression EXPR.
jq_ok() { jq -e "$1" <<<"$out" >/dev/null || { echo "$out"; return 1; }; }

# veths: the names of the node's veths (the plugin's node ends), in $veths.
veths=()
veths() { node_veths veths; }

# ipam_holds ID: host-local has an address for container ID (its files
# hold "ID\r\nIFNAME").
ipam_holds() {
	local f
	for f in "$IPAM"/*/*; do
		[ -f "$f" ] && [[ "$(<"$f")" == "$1"* ]] && return 0
	done
	return 1
}
ipam_free() { ! ipam_holds "$1" || { echo "host-local still holds an address for $1"; return 1; }; }

setup_ns P1 P2 P3 P4 P5 P6 P7
CONF=$(conf 1.0.0)

# 1. ADD in 1.0.0: the device made, the result as the spec has it.
CID=c1 NETNS=/run/netns/$P1
check "ADD (1.0.0, dual stack): exit 0" cni_ok ADD "$CONF"
R1=$out
check "ADD's result: host and sandbox interfaces, ips on the sandbox's, default routes" jq_ok '
	.cniVersion == "1.0.0" and (.interfaces | length) == 2 and
	(.interfaces[0].name | test("^pn[0-9a-f]{12}$")) and (.interfaces[0] | has("sandbox") | not) and
	.interfaces[1].name == "eth0" and .interfaces[1].sandbox == "'"$NETNS"'" and
	(.interfaces[1].mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")) and
	([.ips[] | .interface] == [1, 1]) and (.ips[0] | has("version") | not) and
	(.ips[0].address | startswith("10.244.1.")) and .ips[0].gateway == "10.244.1.1" and
	(.ips[1].address | startswith("fd00:244:1::")) and .ips[1].gateway == "fd00:244:1::1" and
	(.routes | map(.dst) | sort) == ["0.0.0.0/0", "::/0"]'
H1=$(jq -r '.interfaces[0].name' <<<"$R1")
IP1=$(jq -r '.ips[0].address | split("/")[0]' <<<"$R1")
IP1_6=$(jq -r '.ips[1].address | split("/")[0]' <<<"$R1")
# shellcheck disable=SC2317 # called through check
dev_ready() {
	local out
	out=$(ip -d addr show pn0) || return 1
	[[ "$out" == *"podnet"* && "$out" == *"10.244.1.1/24"* && "$out" == *"fd00:244:1::1/64"* &&
	   "$out" == *"<"*UP*">"* ]] || { echo "$out"; return 1; }
}
check "pn0 made by ADD: podnet, up, with host-local's gateways" dev_ready
check "the port is bound to the pod's addresses (podnetctl pod show)" \
	has_line "$H1 dev pn0 mac * ip $IP1 $IP1_6" podnetctl pod show dev pn0

CID=c2 NETNS=/run/netns/$P2
# shellcheck disable=SC2317 # called through check
add_040() {
	cni_ok ADD "$(conf 0.4.0)" && jq_ok '.cniVersion == "0.4.0" and ([.ips[].version] == ["4", "6"])'
}
check "ADD in 0.4.0: ips carry their version" add_040
R2=$out
IP2=$(jq -r '.ips[0].address | split("/")[0]' <<<"$R2")
IP2_6=$(jq -r '.ips[1].address | split("/")[0]' <<<"$R2")
check "pod 1 reaches pod 2 (IPv4)" has_line "reply from $IP2 *" pnt ping "$P1" "$IP2"
check "pod 1 reaches pod 2 (IPv6)" has_line "reply from $IP2_6 *" pnt ping "$P1" "$IP2_6"
check "pod 2 reaches its gateway, the node" has_line "reply from 10.244.1.1 *" pnt ping "$P2" 10.244.1.1

# host-local 1.1.1 speaks up to 1.0.0: asked again in 1.0.0, the result in 1.1.0.
CID=c5 NETNS=/run/netns/$P5
# shellcheck disable=SC2317 # called through check
add_110() {
	cni_ok ADD "$(conf 1.1.0 ',"mtu":1400')" &&
		jq_ok '.cniVersion == "1.1.0" and .interfaces[0].mtu == 1400 and .interfaces[1].mtu == 1400'
}
check "ADD in 1.1.0 with mtu 1400 (host-local asked in 1.0.0)" add_110
IP5=$(jq -r '.ips[0].address | split("/")[0]' <<<"$out")
check "the pod's end has MTU 1400" has_line "* mtu 1400 *" ip -n "$P5" link show eth0

# No mtu configured, and VXLAN to other nodes (podnetctl node add made
# podnet.1): the pod gets podnet.1's MTU, room for the encapsulation.
# shellcheck disable=SC2317 # called through check
vxlan_mtu() {
	local rc
	ip link add podnet.1 mtu 1450 type vxlan id 1 dstport 8472 || return 1
	cni_ok ADD "$(conf 1.1.0)" id=c7 netns="/run/netns/$P7" &&
		jq_ok '.interfaces[0].mtu == 1450 and .interfaces[1].mtu == 1450' &&
		has_line "* mtu 1450 *" ip -n "$P7" link show eth0
	rc=$?
	ip link del podnet.1
	cni_ok DEL "$(conf 1.1.0)" id=c7 netns="/run/netns/$P7" || rc=1
	return $rc
}
check "no mtu, podnet.1 there (VXLAN to other nodes): the pod gets its MTU, 1450" vxlan_mtu

# 2. CHECK against the result of ADD; and when something differs.
CID=c1 NETNS=/run/netns/$P1
check "CHECK with ADD's result as prevResult: exit 0" cni_ok CHECK "${CONF%\}},\"prevResult\":$R1}"
ip -n "$P1" route del default
check "CHECK: the default route gone is named (code 101)" \
	cni_err 101 "eth0: no route to 0.0.0.0/0" CHECK "${CONF%\}},\"prevResult\":$R1}"
ip -n "$P1" route add default via 10.244.1.1
podnetctl pod del "$H1"
podnetctl pod add "$H1" dev pn0 ip "$IP1"
check "CHECK: an address unbound from the port is named" \
	cni_err 101 "$H1: $IP1_6 not bound to the port" CHECK "${CONF%\}},\"prevResult\":$R1}"
podnetctl pod del "$H1"
podnetctl pod add "$H1" dev pn0 ip "$IP1" ip "$IP1_6"

# Chained after podnet, as a conflist runs them: tuning and bandwidth find
# their interfaces in its result (bandwidth the node's end by the veth's
# peer index) and pass it on.
# shellcheck disable=SC2317 # called through check
chained() { # TYPE FIELDS: the plugin ADDs with podnet's result as prevResult
	cni_ok ADD "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"type\":\"$1\",$2,\"prevResult\":$R1}" \
		bin="$REF/$1" &&
		jq_ok ".interfaces == $(jq -c .interfaces <<<"$R1") and .ips == $(jq -c .ips <<<"$R1")"
}
check "tuning after podnet: its sysctl set in the pod, the result passed on" \
	eval 'chained tuning "\"sysctl\":{\"net.ipv4.conf.eth0.rp_filter\":\"2\"}" &&
	      [ "$(ip netns exec "$P1" cat /proc/sys/net/ipv4/conf/eth0/rp_filter)" = 2 ]'
if [ "${PODNET_KERNEL:-}" != debug ]; then # no sch_tbf in the debug kernel
	check "bandwidth after podnet: a tbf on the node's end, the result passed on" \
		eval 'chained bandwidth "\"runtimeConfig\":{\"bandwidth\":{\"ingressRate\":8000000,\"ingressBurst\":80000}}" &&
		      has_line "qdisc tbf *" tc qdisc show dev "$H1"'
fi

# 3. STATUS (1.1.0): ready; not when the device is down; host-local predates it.
# shellcheck disable=SC2317 # called through check
status_ok() { cni_ok STATUS "$(conf 1.1.0)" && [ -z "$out" ]; }
check "STATUS: ready (exit 0, nothing printed)" status_ok
ip link set pn0 down
check "STATUS with pn0 down: code 50" cni_err 50 "device pn0: down" STATUS "$(conf 1.1.0)"
ip link set pn0 up

# 4. Errors that reach the system: error objects with the spec's codes,
# nothing left behind (those found in the input alone: tools/tests/cni.sh).
check "device lo: code 7" cni_err 7 "device lo: a plain device, not podnet" ADD "${CONF/\"pn0\"/\"lo\"}" id=c9
check "an IPAM not in CNI_PATH: code 7" cni_err 7 "ipam.type: no plugin \`host-local' in CNI_PATH*" ADD "$CONF" id=c9 path=/nonexistent

# A failed ADD undoes itself: CNI_IFNAME taken in the namespace.
ip -n "$P3" link add eth0 type dummy
veths
nveths=${#veths[@]}
check "ADD into a namespace that has eth0 fails, naming it" \
	cni_err 100 "CNI_IFNAME: eth0 exists in /run/netns/$P3" ADD "$CONF" id=c3 netns="/run/netns/$P3"
# shellcheck disable=SC2317 # called through check
nothing_left() { # ID: no veth more than before, host-local let go
	veths
	[ "${#veths[@]}" -eq "$nveths" ] || { echo "veths: ${veths[*]}"; return 1; }
	ipam_free "$1"
}
check "... and leaves no veth and no address taken" nothing_left c3
ip -n "$P3" link del eth0
# host-local's own error, passed on: a /30 has one address to give.
TINY=$(conf 1.0.0 "" tiny '[{"subnet":"10.9.0.0/30"}]')
check "ADD in a /30: its one address" cni_ok ADD "$TINY" id=t1 netns="/run/netns/$P3"
veths
nveths=${#veths[@]}
check "the next ADD: host-local's error object, passed on" \
	cni_err 999 "host-local: failed to allocate*" ADD "$TINY" id=t2 netns="/run/netns/$P4"
check "... and nothing left" nothing_left t2

# 5. GC (1.1.0): the attachments of this network not listed go; another
# network's stay; host-local (1.0.0) is not asked.
CID=c4 NETNS=/run/netns/$P4
cni_ok ADD "$CONF" >/dev/null
H4=$(jq -r '.interfaces[0].name' <<<"$out")
GC=$(conf 1.1.0 ',"cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"},{"containerID":"c2","ifname":"eth0"},{"containerID":"c5","ifname":"eth0"}]')
check "GC keeping c1, c2, c5: exit 0" cni_ok GC "$GC"
# shellcheck disable=SC2317 # called through check
gc_done() {
	veths
	[[ " ${veths[*]} " != *" $H4 "* ]] || { echo "$H4 is still here"; return 1; }
	[[ " ${veths[*]} " == *" $H1 "* ]] || { echo "$H1 went"; return 1; }
	[ "${#veths[@]}" -eq 4 ] || { echo "veths: ${veths[*]}"; return 1; }
	ipam_free c4
}
check "GC: c4's veth gone and its address freed (host-local has no GC: a DEL); c1, c2, c5 and the other network's t1 kept" gc_done

# An IPAM that speaks 1.1.0 is passed STATUS and GC (host-local predates
# them): a stand-in that logs its commands, ready unless told otherwise.
mkdir -p "$tmp.bin"
cat >"$tmp.bin/ipam11" <<EOF
#!/bin/bash
echo "\$CNI_COMMAND" >>"$tmp.ipam11.log"
case \$CNI_COMMAND in
VERSION) echo '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}' ;;
STATUS) [ ! -e "$tmp.ipam11.down" ] || { echo '{"cniVersion":"1.1.0","code":50,"msg":"pool offline"}'; exit 1; } ;;
ADD) echo '{"cniVersion":"1.1.0","ips":[]}' ;;
esac
EOF
chmod +x "$tmp.bin/ipam11"
C11=$(conf 1.1.0 ',"cni.dev/valid-attachments":null' other)
C11=${C11/\"host-local\"/\"ipam11\"}
# shellcheck disable=SC2317 # called through check
passed_on() { # CMD: the plugin exits 0, the IPAM was asked VERSION, then CMD
	rm -f "$tmp.ipam11.log"
	cni_ok "$1" "$C11" path="$tmp.bin" || return 1
	[ "$(<"$tmp.ipam11.log")" = $'VERSION\n'"$1" ] || { cat "$tmp.ipam11.log"; return 1; }
}
check "STATUS passed on to an IPAM of 1.1.0" passed_on STATUS
check "GC (valid-attachments null, as Go sends an empty list) passed on to it" passed_on GC
# shellcheck disable=SC2317 # called through check
add_refused() { # an address that ADD cannot use is given back
	rm -f "$tmp.ipam11.log"
	cni_err 7 "ipam11 gave no address" ADD "$C11" path="$tmp.bin" id=c9 netns=/run/netns/"$P3" &&
		[ "$(<"$tmp.ipam11.log")" = $'ADD\nDEL' ] || { cat "$tmp.ipam11.log"; return 1; }
}
check "an IPAM result ADD cannot use: an error, and IPAM DEL gives it back" add_refused
touch "$tmp.ipam11.down"
check "the IPAM not ready: its error object, code 50" \
	cni_err 50 "ipam11: pool offline" STATUS "$C11" path="$tmp.bin"
# shellcheck disable=SC2317 # called through check
sigchld_ignored() { # as a runtime may leave it: the IPAM's failure still seen
	(trap '' CHLD; cni_err 50 "ipam11: pool offline" STATUS "$C11" path="$tmp.bin")
}
check "... the same with SIGCHLD ignored by the caller" sigchld_ignored

# 6. DEL in every state: made, again, without the namespace (containerd),
# after GC, never made; a restart (DEL, then ADD of the same container ID
# in a new namespace).
# shellcheck disable=SC2317 # called through check
del_freed() { # ID CONF [VAR=VAL...]: DEL exits 0, host-local let go
	local id=$1
	shift
	cni_ok DEL "$@" id="$id" && ipam_free "$id"
}
check "DEL c4 after GC took its veth: exit 0, its address freed" del_freed c4 "$CONF"
check "DEL c2 with an empty CNI_NETNS (containerd): exit 0, its address freed" \
	del_freed c2 "$(conf 0.4.0)" netns=
check "... its port gone" count_lines 0 "* ip $IP2 *" podnetctl pod show
check "DEL c2 again: exit 0" cni_ok DEL "$(conf 0.4.0)" id=c2 netns=
check "DEL of an attachment never made: exit 0" cni_ok DEL "$CONF" id=never
CID=c1 NETNS=/run/netns/$P1
# A half-made attachment (its veth, no port bound): DEL takes it all.
podnetctl pod del "$H1"
# shellcheck disable=SC2317 # called through check
del_half() {
	cni_ok DEL "$CONF" || return 1
	veths
	[[ " ${veths[*]} " != *" $H1 "* ]] || { echo "$H1 is still here"; return 1; }
	ipam_free c1
}
check "DEL of a half-made attachment: exit 0, veth gone, address freed" del_half
# shellcheck disable=SC2317 # called through check
restart() {
	cni_ok ADD "$CONF" netns="/run/netns/$P6" && jq_ok ".interfaces[0].name == \"$H1\""
}
check "restart: ADD c1 again into a new namespace, the same veth name" restart
R6=$out
IP6=$(jq -r '.ips[0].address | split("/")[0]' <<<"$R6")
check "... and pod 5 reaches pod 6" has_line "reply from $IP6 *" pnt ping "$P5" "$IP6"
check "... CHECK agrees" cni_ok CHECK "${CONF%\}},\"prevResult\":$R6}" netns="/run/netns/$P6"
check "... and pod 6 reaches pod 5" has_line "reply from $IP5 *" pnt ping "$P6" "$IP5"
check "CNI_ARGS as podman sends them (IgnoreUnknown=1)" \
	cni_ok DEL "$CONF" netns="/run/netns/$P6" args="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web"
check "DEL with a prevResult podnet would not give (link-local gateway, 9 interfaces): exit 0" \
	cni_ok DEL "$(conf 1.1.0 ',"prevResult":{"interfaces":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d"},{"name":"e"},{"name":"f"},{"name":"g"},{"name":"h"},{"name":"i"}],"ips":[{"address":"10.244.1.99/24","gateway":"fe80::1"}]}')" id=c5
cni DEL "$TINY" id=t1
# shellcheck disable=SC2317 # called through check
all_gone() { # ID...: no veth, no port; host-local holds nothing for ID
	local id
	veths
	[ "${#veths[@]}" -eq 0 ] || { echo "veths: ${veths[*]}"; return 1; }
	count_lines 0 "pn*" podnetctl pod show || return 1
	for id; do ipam_free "$id" || return 1; done
}
check "every attachment deleted: no veth, no port, no address left" all_gone c1 c5 t1

# 7. 50 ADDs at once (runtimes run plugins in parallel), then 50 DELs; 10
# on the debug kernel, where each of the 200 processes costs a second and
# 10 take the same locks at once.
N=50
[ "${PODNET_KERNEL:-}" = debug ] && N=10
names=()
for ((i = 1; i <= N; i++)); do names+=("C$i"); done
setup_ns "${names[@]}"
# shellcheck disable=SC2317 # called through check
parallel() { # CMD: run it for the N containers at once; all must exit 0
	local i ns failed=0 pids=()
	for ((i = 1; i <= N; i++)); do
		ns=C$i
		CNI_COMMAND=$1 CNI_CONTAINERID=par$i CNI_NETNS=/run/netns/${!ns} CNI_IFNAME=eth0 \
			CNI_ARGS='' CNI_PATH=$REF "$PLUGIN" <<<"$CONF" >"$tmp.par$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$tmp.par$((i + 1))"; }
	done
	[ "$failed" -eq 0 ] || { echo "$failed of $N failed"; return 1; }
}
# shellcheck disable=SC2317 # called through check
distinct() { # N distinct addresses in the results, N ports
	local i a seen=" "
	for ((i = 1; i <= N; i++)); do
		[[ "$(<"$tmp.par$i")" =~ \"address\":\"([0-9.]+)/ ]] || { echo "par$i: no address"; return 1; }
		a=${BASH_REMATCH[1]}
		[[ "$seen" != *" $a "* ]] || { echo "$a given twice"; return 1; }
		seen+="$a "
	done
	count_lines "$N" "pn* dev pn0 *" podnetctl pod show
}
check "$N ADDs at once: all exit 0" parallel ADD
check "$N distinct addresses, $N ports" distinct
check "$N DELs at once: all exit 0" parallel DEL
check "nothing left: no veth, no port, no address" all_gone par1 "par$N"

exit_tests
