#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: host-prepare kernel=debian
#
# Real container runtimes call the CNI plugin: containerd ("ctr run --cni")
# and podman (its CNI backend) start busybox containers on the network
# "podnet" (/etc/cni/net.d/10-podnet.conflist: the plugin, host-local IPAM
# on 10.244.1.0/24, portmap), which must get addresses, reach each other
# and the node, publish a port, survive a restart and leave nothing behind.
#
#  ┌────────────────────────── the VM's own namespace: the node ─────────────────────────┐
#  │ node0 (dummy) 192.0.2.1, the node's address: pnt answers "node PEER" on TCP 8000      │
#  │ containerd + ctr run --cni: c1, c2          podman run -p 8080:80: p1                 │
#  │ pn0 (podnet) or cni0 (bridge) 10.244.1.1/24                                           │
#  │  ├─ host veth ──────────┐   ├─ host veth ──────────┐   ├─ host veth ──────────┐       │
#  └─────────────────────────┼────────────────────────────┼────────────────────────────┼───────┘
#                 c1 eth0 10.244.1.a         c2 eth0 10.244.1.b         p1 eth0 10.244.1.c
#                 httpd :80, /cgi-bin/who answers "NAME PEER"           <- 192.0.2.1:8080 (portmap)
#
# The plugin: $PODNET_CNI_TYPE (tests/vm/run passes it on), "podnet" (ours,
# tools/cni/podnet, attaching to pn0) or "bridge" (the reference plugin);
# unset: podnet if tools/cni/podnet is built, else bridge.
#
# What the clients send (libcni 1.1.2, CNI 1.0.0, as seen here): ctr
# gives CNI_CONTAINERID "default-NAME", CNI_NETNS /proc/PID/ns/net and an
# empty CNI_ARGS on ADD; only a ctr run that is not detached sends DEL at
# all, once its task has exited, with an empty CNI_NETNS (the netns and
# the container's end of the veth are gone by then). So c1 and c2 run as
# background "ctr run --cni --rm" processes, each ended with a SIGTERM
# that ctr forwards to the container (whose /start exits on it). podman
# gives CNI_NETNS /run/netns/netns-UUID and CNI_ARGS
# "IgnoreUnknown=1;K8S_POD_NAME=NAME", asks each plugin VERSION first
# (CNI_NETNS, CNI_IFNAME and CNI_PATH "dummy"), passes the port mappings
# to portmap as runtimeConfig, and restarts a container with DEL (the old
# netns) then ADD (a new one) under the same ID; it shows an address only
# if the result's ips[].interface points at an interfaces[] entry with a
# sandbox. DEL runs the chain backwards, each plugin given the cached
# result as prevResult. CNI_IFNAME is eth0 throughout.
# shellcheck source-path=SCRIPTDIR disable=SC2317 # functions run by check

IMAGE=docker.io/library/podnet-busybox:latest

# --host-prepare (tests/vm/run, "host-prepare" above): the image archive
# is built on the host, where its tar and sha256sum cost nothing, into
# PODNET_PREP, which the guest sees at the same path.
if [ "${1:-}" = --host-prepare ]; then
	set -e
	source "$(dirname "$0")/lib/cni.sh"
	rm -rf "$PODNET_PREP"
	oci_busybox_image "$PODNET_PREP/image" "$IMAGE"
	echo "$OCI_IMAGE_ID" >"$PODNET_PREP/image/id"
	exit
fi

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/cni.sh"

[ "${PODNET_VM:-}" = 1 ] ||
	ksft_skip "runs only in the test VM (tests/vm/run): the runtimes write /etc/cni, /opt/cni and /var/lib/cni"
require_root
require_cmd containerd ctr runc podman conmon iptables-save
[ -x /usr/lib/cni/host-local ] || ksft_skip "no reference CNI plugins in /usr/lib/cni (containernetworking-plugins)"

TYPE=${PODNET_CNI_TYPE:-}
if [ -z "$TYPE" ]; then
	if [ -x "$PODNET_REPO/tools/cni/podnet" ]; then TYPE=podnet; else TYPE=bridge; fi
fi
case "$TYPE" in
podnet)
	require_podnet
	require_cmd podnetctl
	[ -x "$PODNET_REPO/tools/cni/podnet" ] || ksft_fail "$PODNET_REPO/tools/cni/podnet is not built (make -C tools)"
	;;
bridge) ;;
*) ksft_fail "PODNET_CNI_TYPE='$TYPE': podnet or bridge" ;;
esac

echo "TAP version 13"
log "CNI plugin: $TYPE"

SUBNET=10.244.1.0/24
NODE_IP=192.0.2.1
tmp=/tmp/cni_runtime.$$
declare -A CTR_PID # the background "ctr run" processes, by container name
ip_c1='' ip_c2='' ip_p1='' p1_id='' PN0_OURS=''

cleanup() {
	local n i
	# SIGTERM to each "ctr run" ends its container (and sends DEL); what
	# is still running after 10 s is killed, containerd_stop does the rest.
	for n in "${!CTR_PID[@]}"; do
		kill -TERM "${CTR_PID[$n]}" 2>/dev/null
	done
	for ((i = 0; i < 100; i++)); do
		for n in "${!CTR_PID[@]}"; do
			kill -0 "${CTR_PID[$n]}" 2>/dev/null || unset "CTR_PID[$n]"
		done
		[ ${#CTR_PID[@]} -gt 0 ] || break
		pnt sleep 100 >/dev/null
	done
	for n in "${!CTR_PID[@]}"; do
		kill -KILL "${CTR_PID[$n]}" 2>/dev/null
	done
	cni_teardown
	ip link del node0 2>/dev/null
	[ "$TYPE" = bridge ] && ip link del cni0 2>/dev/null
	[ -n "$PN0_OURS" ] && ip link del pn0 2>/dev/null
	cleanup_all_ns
	rm -rf "$tmp"
}

# --- the node ---
pnt_start
mkdir -p "$tmp"
pnt sysctl /proc/self/ns/net net.ipv4.ip_forward=1 >/dev/null
ip -b - <<EOF
link add node0 type dummy
addr add $NODE_IP/32 dev node0
link set node0 up
EOF
# podnet: no pn0 yet, the plugin's first ADD makes it (with host-local's
# gateway); removed at the end.
if [ "$TYPE" = podnet ]; then
	ip link show pn0 >/dev/null 2>&1 && ksft_fail "pn0 exists already"
	PN0_OURS=1
fi
pnt serve /proc/self/ns/net node name tcp4:8000 >/dev/null

# --- the image, the runtimes, the network ---
IMG=${PODNET_PREP:-/nonexistent}/image
check "an OCI image archive of busybox-static (no registry), from the host" \
	eval '[ -f "$IMG/image.tar" ] && read -r OCI_IMAGE_ID <"$IMG/id"'
check "CNI configuration: $CNI_CONFLIST, plugins in $CNI_BIN" cni_setup "$TYPE" "$SUBNET"
check "containerd starts (state on a tmpfs)" containerd_start "$tmp/containerd"
check "ctr images import" ctr images import "$IMG/image.tar"
podman_setup "$tmp/podman"
check "podman load" podman load -q -i "$IMG/image.tar"

# ctr_run NAME: "ctr run --cni --rm" in the background (it sends DEL when
# its task ends); waits until host-local has given default-NAME (ctr's
# container ID: namespace-name) an address, which goes in $ip_NAME.
ctr_run() {
	local name=$1
	ctr run --cni --rm --null-io --env "NAME=$name" "$IMAGE" "$name" \
		>"$tmp/ctr-$name.log" 2>&1 </dev/null &
	CTR_PID[$name]=$!
	while_alive "${CTR_PID[$name]}" hostlocal_ip "ip_$name" "default-$name" && return 0
	echo "no address for default-$name; ctr run says:"
	cat "$tmp/ctr-$name.log"
	return 1
}

# ctr_stop NAME: SIGTERM to its "ctr run", which forwards it to the
# container: the task exits, ctr sends DEL, removes the container and
# exits 0.
ctr_stop() {
	local name=$1 pid=${CTR_PID[$1]} i rc
	kill -TERM "$pid" || return 1
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		pnt sleep 100 >/dev/null
	done
	kill -0 "$pid" 2>/dev/null && { echo "ctr run $name still running after 30 s"; return 1; }
	wait "$pid"
	rc=$?
	unset "CTR_PID[$name]"
	[ $rc -eq 0 ] || { echo "ctr run $name: exit $rc"; cat "$tmp/ctr-$name.log"; return 1; }
}

# who URL WANT: an HTTP GET from the node (busybox wget: its -T crashes
# under TCG, timeout(1) bounds it) answers WANT (a glob), retried for 20 s
# (a container's httpd starts after its network).
who_once() {
	local out
	out=$(timeout 10 busybox wget -q -O - "$1" 2>&1)
	# shellcheck disable=SC2053 # a glob
	[[ "$out" == $2 ]] || { echo "GET $1: '$out', want '$2'"; return 1; }
}
who() { busywait 20000 who_once "$@"; }

# veths N: the node has N veth devices.
veths() {
	local names
	node_veths names || return 1
	[ ${#names[@]} -eq "$1" ] || { echo "${#names[@]} veths, want $1: ${names[*]}"; return 1; }
}

# pods_listed IP...: "podnetctl pod show dev pn0" lists one pod for each
# of these addresses (lines "VETH dev pn0 [mac MAC] ip ADDR..."), each on
# a host veth, and no other pod.
pods_listed() {
	local out names line a n=0
	local -A pod_of=()
	out=$(podnetctl pod show dev pn0) || { echo "$out"; return 1; }
	node_veths names || return 1
	while IFS= read -r line; do
		[[ "$line" == *" dev pn0 "* ]] || continue
		n=$((n + 1))
		[[ " ${names[*]} " == *" ${line%% *} "* ]] ||
			{ echo "${line%% *} is no veth of the node: ${names[*]}"; return 1; }
		[[ "$line" == *" ip "* ]] || continue
		for a in ${line##* ip }; do pod_of[$a]=${line%% *}; done
	done <<<"$out"
	for a in "$@"; do
		[ -n "${pod_of[$a]:-}" ] || { echo "no pod with $a:"; echo "$out"; return 1; }
	done
	[ $n -eq $# ] || { echo "$n pods, want $#:"; echo "$out"; return 1; }
}

# --- containerd: two containers ---
check "ctr run --cni c1: host-local gives it an address" ctr_run c1
check "ctr run --cni c2: another address" eval 'ctr_run c2 && [ "$ip_c1" != "$ip_c2" ]'
log "c1 $ip_c1, c2 $ip_c2"
check "two host veths" veths 2
if [ "$TYPE" = podnet ]; then
	check "pn0 made by the plugin: up, with host-local's gateway" \
		has_line "*inet 10.244.1.1/24 *" ip addr show dev pn0 up
	check "pod show dev pn0 lists c1 and c2" pods_listed "$ip_c1" "$ip_c2"
fi
check "node -> c1 (HTTP, c1 sees the node's address)" who "http://$ip_c1/cgi-bin/who" "c1 *"
check "node -> c2" who "http://$ip_c2/cgi-bin/who" "c2 *"
out=$(ctr tasks exec --exec-id t1 c1 sh -c \
	"timeout 10 wget -q -O - http://$ip_c2/cgi-bin/who; timeout 10 nc $NODE_IP 8000 </dev/null" 2>&1)
check "c1 -> c2 (c2 sees c1's own address)" has_line "c2 *$ip_c1*" echo "$out"
check "c1 -> the node's address (the node sees c1's own address)" has_line "node $ip_c1" echo "$out"

# --- podman: a published port, a restart ---
out=$(podman run -d --name p1 --network "$CNI_NET" -p 8080:80 -e NAME=p1 "$OCI_IMAGE_ID" 2>&1)
p1_id=${out##*$'\n'}
check "podman run -d --network $CNI_NET -p 8080:80 p1" hostlocal_ip ip_p1 "$p1_id"
[ -n "$ip_p1" ] || echo "#   podman run: $out"
log "p1 $ip_p1 (container $p1_id)"
# p1_shown: podman inspect shows the address host-local gave p1.
p1_shown() {
	local out
	out=$(podman inspect --format "{{.NetworkSettings.Networks.$CNI_NET.IPAddress}}" p1) ||
		{ echo "$out"; return 1; }
	[ -n "$ip_p1" ] && [ "$out" = "$ip_p1" ] || { echo "podman shows '$out', host-local gave '$ip_p1'"; return 1; }
}
check "podman inspect shows p1's address" p1_shown
check "three addresses, three host veths" eval 'hostlocal_ips all && [ ${#all[@]} -eq 3 ] && veths 3'
check "node -> $NODE_IP:8080 (portmap) -> p1" who "http://$NODE_IP:8080/cgi-bin/who" "p1 *"
check "node -> p1's own address" who "http://$ip_p1/cgi-bin/who" "p1 *"
out=$(podman exec p1 sh -c \
	"timeout 10 wget -q -O - http://$ip_c1/cgi-bin/who; timeout 10 nc $NODE_IP 8000 </dev/null" 2>&1)
check "p1 -> c1 (across runtimes)" has_line "c1 *$ip_p1*" echo "$out"
check "p1 -> the node's address" has_line "node $ip_p1" echo "$out"
[ "$TYPE" = podnet ] && check "pod show dev pn0 lists c1, c2 and p1" pods_listed "$ip_c1" "$ip_c2" "$ip_p1"

# podman restart: DEL, then ADD under the same container ID in a new netns.
old_p1=$ip_p1
check "podman restart p1 (DEL, then ADD with the same ID)" podman restart p1
check "... p1 has one address from host-local, three in all" \
	eval 'hostlocal_ip ip_p1 "$p1_id" && hostlocal_ips all && [ ${#all[@]} -eq 3 ]'
log "p1 $old_p1 -> $ip_p1"
check "... podman inspect shows it" p1_shown
check "... the old host veth went, three in all" veths 3
check "... the published port reaches p1 again" who "http://$NODE_IP:8080/cgi-bin/who" "p1 *"
check "... node -> p1's address" who "http://$ip_p1/cgi-bin/who" "p1 *"
[ "$TYPE" = podnet ] && check "... pod show dev pn0 lists its new address" pods_listed "$ip_c1" "$ip_c2" "$ip_p1"

# --- everything leaves ---
check "c1 ends: ctr run sends DEL, exits 0" ctr_stop c1
check "... c1's address is released" eval '! hostlocal_ip ip default-c1'
check "... two host veths left" veths 2
check "... c2 still reachable" who "http://$ip_c2/cgi-bin/who" "c2 *"
check "c2 ends the same way" ctr_stop c2
check "podman rm -f -t 0 p1" podman rm -f -t 0 p1
check "no address left in host-local ($HOSTLOCAL_DIR)" eval 'hostlocal_ips all && [ ${#all[@]} -eq 0 ] || { echo "left: ${all[*]}"; false; }'
check "no veth left on the node" veths 0
# port_rule_gone: portmap took its DNAT rule for 8080 with it.
port_rule_gone() {
	local out
	out=$(iptables-save -t nat) || return 1
	[[ "$out" != *"--dport 8080"* ]] || { echo "$out"; return 1; }
}
check "no portmap rule for 8080 left" port_rule_gone
if [ "$TYPE" = podnet ]; then
	check "pod show dev pn0 lists nothing" pods_listed
fi
check "ctr containers: none left" eval 'out=$(ctr containers ls -q) && [ -z "$out" ] || { echo "$out"; false; }'

echo "1..$TAP_N"
exit_tests
