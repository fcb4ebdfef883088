#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, run inside the VM by tests/vm/demo: the VM is the node, pn0 its
# pod bridge, pod1 and pod2 two pods (network namespaces) on veth pairs.
#
#   node: pn0 10.244.1.1/24
#          ├─ veth-pod1 ── eth0 10.244.1.2  (netns pod1)  web server :8080
#          ├─ veth-pod2 ── eth0 10.244.1.3  (netns pod2)  web server :8080
#          └─ veth-pod3 ── eth0 10.244.1.4  (netns pod3)  client
#   Service 10.96.0.10:80/tcp -> pod1:8080, pod2:8080
#
# Then the same node through its container runtime: containerd starts two
# busybox containers with "ctr run --cni" on the README's
# /etc/cni/net.d/10-podnet.conflist, and the podnet CNI plugin wires them
# to pn0 (addresses from host-local, 10.244.1.0/24).
set -uo pipefail

run() {
	echo "\$ $*"
	"$@"
}

cleanup() {
	set +e
	ip netns del pod1 2>/dev/null
	ip netns del pod2 2>/dev/null
	ip netns del pod3 2>/dev/null
	[ -z "${servers:-}" ] || kill $servers 2>/dev/null
	[ -z "${ctrs:-}" ] || kill $ctrs 2>/dev/null
	command -v cni_teardown >/dev/null && cni_teardown
	ip link del pn0 2>/dev/null
	rm -rf "${tmp:-/nonexistent}"
}
trap cleanup EXIT

set -e
run ip link add pn0 type podnet
run ip addr add 10.244.1.1/24 dev pn0
run ip link set pn0 up
# Pod to pod traffic leaves the node by the device it came in on: no ICMP
# redirects for that.
run sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.pn0.send_redirects=0

for i in 1 2 3; do
	pod=pod$i addr=10.244.1.$((i + 1))
	echo
	echo "# $pod: $addr"
	run ip netns add $pod
	run ip link add veth-$pod type veth peer name eth0 netns $pod
	run ip link set veth-$pod up
	ip -n $pod link set lo up
	run ip -n $pod addr add $addr/24 dev eth0
	run ip -n $pod link set eth0 up
	run ip -n $pod route add default via 10.244.1.1
	if command -v podnetctl >/dev/null; then
		run podnetctl pod add veth-$pod dev pn0 ip $addr
	else
		run ip link set veth-$pod master pn0
	fi
done

echo
run ip -d link show pn0
echo
run ip netns exec pod1 ping -c 3 10.244.1.3
echo
run ip netns exec pod2 ping -c 2 10.244.1.1
if command -v podnetctl >/dev/null; then
	echo
	run podnetctl pod show
fi

command -v podnetctl >/dev/null || exit 0

echo
echo "# a web server in pod1 and pod2, answering with its name"
servers=
for i in 1 2; do
	ip netns exec pod$i socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:"echo hello from pod$i" &
	servers="$servers $!"
done
sleep 1
echo
echo "# a Service in front of them"
run podnetctl service add 10.96.0.10:80/tcp
run podnetctl endpoint set 10.96.0.10:80/tcp 10.244.1.2:8080,10.244.1.3:8080
echo
echo "# pod3 asks the Service 20 times"
for i in $(seq 20); do
	ip netns exec pod3 socat -T2 - TCP:10.96.0.10:80,connect-timeout=2 </dev/null
done | sort | uniq -c
echo
run podnetctl service show
echo
echo "# pod2 goes away while pod3 keeps asking"
( for i in $(seq 20); do
	ip netns exec pod3 socat -T2 - TCP:10.96.0.10:80,connect-timeout=2 </dev/null 2>&1
	sleep 0.1
done | sort | uniq -c ) &
load=$!
sleep 1
run podnetctl endpoint del 10.96.0.10:80/tcp 10.244.1.3:8080
wait $load
echo
run podnetctl service show
echo
# the translations are the kernel's own conntrack entries
echo "\$ conntrack -L -d 10.96.0.10 | head -n 3"
conntrack -L -d 10.96.0.10 2>/dev/null | head -n 3 || true
echo "... $(conntrack -L -d 10.96.0.10 2>/dev/null | wc -l) entries, of which $(conntrack -L -d 10.96.0.10 2>/dev/null | grep -c 'src=10.244.1.3 ') went to pod2"
echo
echo "# the node's whole configuration, as a batch that podnetctl -b puts back"
run podnetctl save

# --- the same node through its container runtime ---
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v containerd >/dev/null && [ -x "$repo/tools/cni/podnet" ] || exit 0
export PODNET_REPO=$repo
# shellcheck source=../net/lib/cni.sh
source "$repo/tests/net/lib/cni.sh"
pnt() { sleep 0.1; } # lib/cni.sh's waits ("pnt sleep 100")
tmp=$(mktemp -d)
echo
echo "# the same node through its container runtime: the pods and the service go"
for i in 1 2 3; do run ip netns del pod$i; done
run podnetctl service del 10.96.0.10:80/tcp
run ip link del pn0
echo
echo "# containerd, a busybox image (no registry), the CNI plugins"
oci_busybox_image "$tmp/image" docker.io/library/busybox-demo:latest
cni_setup podnet 10.244.1.0/24
containerd_start "$tmp/containerd"
ctr images import "$tmp/image/image.tar" >/dev/null
echo "\$ cat $CNI_CONFLIST"
cat "$CNI_CONFLIST"
echo
echo "# two containers: ctr run --cni (each ends on SIGTERM, and ctr then sends DEL)"
ctrs=
for c in c1 c2; do
	echo "\$ ctr run --cni --rm --env NAME=$c docker.io/library/busybox-demo:latest $c &"
	ctr run --cni --rm --null-io --env NAME=$c docker.io/library/busybox-demo:latest $c &
	ctrs="$ctrs $!"
	while_alive $! hostlocal_ip ip_$c default-$c
done
echo
run ip -d link show pn0
echo
run podnetctl pod show dev pn0
echo
echo "# c1 asks c2 (c2 answers with its name and the address it saw)"
# shellcheck disable=SC2154 # set by hostlocal_ip (a nameref)
run ctr tasks exec --exec-id demo c1 wget -q -O - "http://$ip_c2/cgi-bin/who"
echo
echo "# the containers end: ctr sends DEL, the plugin takes the veths and ports"
kill $ctrs
wait $ctrs || true
ctrs=
run podnetctl pod show dev pn0

