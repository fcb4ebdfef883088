#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What tools/kube makes of Kubernetes objects, without a kernel: the
# service ports one node should have (tests/kube-ports prints them, one
# line each), against kube-proxy's semantics (nftables mode), for the
# Services kubectl wrote (kube/services.json, kube/gen-services) and
# hand-written EndpointSlices (kube/slices.json); then objects that are
# wrong, each named in one error line.
#
#   node1 (--node-name), zone a (--zone), address 192.168.1.5 (--node-ip)
#
# Usage: tools/tests/kube.sh [KUBE-PORTS]   (TAP output; exit 0 or 1)

here=$(cd "$(dirname "$0")" && pwd)
K=${1:-$here/kube-ports}
[ -x "$K" ] || { echo "kube.sh: $K not built (make -C tools)" >&2; exit 1; }

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	printf '#   %s\n' "$@"
}

out=$("$K" --node-name node1 --zone a --node-ip 192.168.1.5 \
	"$here/kube/services.json" "$here/kube/slices.json")
rc=$?

# port NAME EXPECTED...: the lines of the ports named NAME (all families).
port() {
	local name=$1 got want
	shift
	got=$(grep "^$name " <<<"$out")
	want=$(printf '%s\n' "$@")
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "want: $want" "got:  $got"
	fi
}

[ $rc -eq 0 ] && ok "the fixtures translate" || not_ok "the fixtures translate" "exit $rc: $out"

# Ports matched by name and protocol, two slices merged, a copy that is
# ready wins over a terminating one, nil conditions read as kube-proxy
# reads them (ready), serving-terminating kept flagged, not serving and
# not ready left out, nodeName == --node-name flagged local.
port "default/web:http" \
	"default/web:http tcp 10.96.0.10:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps 10.244.1.2:8080 local,10.244.2.3:8080,10.244.2.4:8080,10.244.3.7:8080"
# A slice port of the same name and another protocol is not the port's.
port "default/proto:p" \
	"default/proto:p udp 10.96.0.53:53 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -"
# NodePort, externalIPs of the port's family, both policies, affinity.
port "default/np:http" \
	"default/np:http tcp 10.96.0.20:80 nodeport 30080 policy local internal local affinity 600 masq 0 ext 192.0.2.10 lb - ranges - eps 10.244.1.2:8080 local,10.244.2.3:8080"
# LB ingress IPs but not ipMode Proxy or hostnames; source ranges, and
# the LB IP allowed too since a range holds the node (allowFromNode).
port "default/lb:https" \
	"default/lb:https tcp 10.96.0.30:443 nodeport 30443 policy cluster internal cluster affinity 0 masq 0 ext - lb 203.0.113.1 ranges 198.51.100.0/24,192.168.1.0/24,203.0.113.1/32 eps 10.244.2.3:8443"
# Dual-stack: one port per family, each with its family's slice; the
# FQDN slice ignored; an unnamed port named by its number.
port "default/dual:80" \
	"default/dual:80 tcp 10.96.0.40:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps 10.244.1.2:8080 local" \
	"default/dual:80 tcp [fd00:96::40]:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps [fd00:244:1::2]:8080 local"
# Zone hints: every ready endpoint hinted, one for zone a: the others
# flagged other-zone; terminating ones untouched.
port "default/zone:http" \
	"default/zone:http tcp 10.96.0.50:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps 10.244.1.2:8080,10.244.2.3:8080 other-zone,10.244.2.4:8080 terminating"
# ClientIP without a timeout: 10800 s; no conditions at all: ready.
port "default/aff:http" \
	"default/aff:http tcp 10.96.0.70:80 policy cluster internal cluster affinity 10800 masq 0 ext - lb - ranges - eps 10.244.1.2:8080"
port "kube-system/sctp:s" \
	"kube-system/sctp:s sctp 10.96.0.80:9 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps 10.244.1.2:9"
# Headless, ExternalName and another proxy's services make no port.
if grep -qE '^default/(headless|ext|other):' <<<"$out"; then
	not_ok "headless, ExternalName, service-proxy-name ignored" "$out"
else
	ok "headless, ExternalName, service-proxy-name ignored"
fi
if [ "$(grep -c . <<<"$out")" -eq 9 ]; then
	ok "nine ports in all"
else
	not_ok "nine ports in all" "$out"
fi

# Without --zone, hints are not used; without --node-name nothing is local.
out=$("$K" "$here/kube/services.json" "$here/kube/slices.json")
if grep -q 'other-zone\|:[0-9]* local' <<<"$out"; then
	not_ok "no --zone, no --node-name: no other-zone or local flag" "$out"
else
	ok "no --zone, no --node-name: no other-zone or local flag"
fi
out=$("$K" --masquerade-all "$here/kube/services.json" "$here/kube/slices.json")
if [ "$(grep -c 'masq 1' <<<"$out")" -eq 9 ]; then
	ok "--masquerade-all: every port masquerades (its ClusterIP traffic)"
else
	not_ok "--masquerade-all: every port masquerades (its ClusterIP traffic)" "$out"
fi

# Cases of kube-proxy's own tests (pkg/proxy: topology_test.go,
# servicechangetracker_test.go, nftables/proxier_test.go TestBadIPs),
# objects one after another. kobj NAME JSON... EXPECTED-LINES: the ports
# tests/kube-ports prints for the objects, as node1 in zone a.
kobj() {
	local name=$1 want=${*: -1} got
	got=$(printf '%s\n' "${@:2:$#-2}" | "$K" --node-name node1 --zone a -)
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "want: $want" "got:  $got"
	fi
}
S='"apiVersion":"v1","kind":"Service","metadata":{"name":"t","namespace":"default"}'
P='"ports":[{"name":"p","port":80}]'
ES() { # ENDPOINTS-JSON: t's slice
	printf '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"t-1","namespace":"default","labels":{"kubernetes.io/service-name":"t"}},"addressType":"IPv4","ports":[{"name":"p","port":8080}],"endpoints":[%s]}' "$1"
}
E() { # ADDR NODE-HINTS ZONE-HINTS: a ready endpoint with hints ("-": none)
	local h='' n z
	n=$(sed -E 's/([^,]+)/{"name":"\1"}/g' <<<"$2")
	z=$(sed -E 's/([^,]+)/{"name":"\1"}/g' <<<"$3")
	[ "$2" = - ] || h="\"forNodes\":[$n]"
	[ "$3" = - ] || h="$h${h:+,}\"forZones\":[$z]"
	printf '{"addresses":["%s"],"conditions":{"ready":true}%s}' "$1" "${h:+,\"hints\":{$h\}}"
}
CIP="{$S,\"spec\":{\"clusterIP\":\"10.96.0.1\",$P}}"
L="default/t:p tcp 10.96.0.1:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps"
kobj "node hints, one for this node: the others flagged (PreferSameNode)" "$CIP" \
	"$(ES "$(E 10.0.1.1 node1 b),$(E 10.0.1.2 node2 a),$(E 10.0.1.3 node1,node2 a)")" \
	"$L 10.0.1.1:8080,10.0.1.2:8080 other-zone,10.0.1.3:8080"
kobj "node hints, none for this node: the zone hints are used" "$CIP" \
	"$(ES "$(E 10.0.1.1 node2 a),$(E 10.0.1.2 node3 b)")" \
	"$L 10.0.1.1:8080,10.0.1.2:8080 other-zone"
kobj "one ready endpoint without node hints: the zone hints are used" "$CIP" \
	"$(ES "$(E 10.0.1.1 node1 b),$(E 10.0.1.2 - a)")" \
	"$L 10.0.1.1:8080 other-zone,10.0.1.2:8080"
kobj "a zone hint named \"\" is a hint for no zone (the API server takes it)" "$CIP" \
	"$(ES "$(E 10.0.1.1 - a),$(E 10.0.1.2 - '')" | sed 's/"forZones":\[\]/"forZones":[{"name":""}]/')" \
	"$L 10.0.1.1:8080,10.0.1.2:8080 other-zone"
kobj "an LB IP that is also an externalIP keeps its source ranges" \
	"{$S,\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.96.0.1\",\"externalIPs\":[\"8.8.8.8\"],\"loadBalancerSourceRanges\":[\"0.0.0.0/1\"],$P},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"8.8.8.8\"}]}}}" \
	"default/t:p tcp 10.96.0.1:80 policy cluster internal cluster affinity 0 masq 0 ext - lb 8.8.8.8 ranges 0.0.0.0/1 eps -"
kobj "externalTrafficPolicy Local: only where the service is reached otherwise than by its ClusterIP" \
	"{$S,\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.1\",\"externalTrafficPolicy\":\"Local\",$P}}" \
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"u\",\"namespace\":\"default\"},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.2\",\"externalIPs\":[\"192.0.2.9\"],\"externalTrafficPolicy\":\"Local\",$P}}" \
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"v\",\"namespace\":\"default\"},\"spec\":{\"clusterIP\":\"10.96.0.3\",\"externalTrafficPolicy\":\"Local\",\"ports\":[{\"name\":\"p\",\"port\":80,\"nodePort\":30001}]}}" \
	"$L -
default/u:p tcp 10.96.0.2:80 policy local internal cluster affinity 0 masq 0 ext 192.0.2.9 lb - ranges - eps -
default/v:p tcp 10.96.0.3:80 nodeport 30001 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -"
kobj "cluster IPs: without ipFamilies clusterIP alone, with them clusterIPs by family" \
	"{$S,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"clusterIPs\":[\"10.96.0.1\",\"fd00::1\"],$P}}" \
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"u\",\"namespace\":\"default\"},\"spec\":{\"clusterIP\":\"fd00::2\",\"clusterIPs\":[\"fd00::2\",\"10.96.0.2\"],\"ipFamilies\":[\"IPv6\",\"IPv4\"],$P}}" \
	"$L -
default/u:p tcp 10.96.0.2:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -
default/u:p tcp [fd00::2]:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -"
kobj "healthCheckNodePort: a LoadBalancer service of policy Local has one, others none" \
	"{$S,\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.96.0.1\",\"externalTrafficPolicy\":\"Local\",\"healthCheckNodePort\":32000,$P}}" \
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"u\",\"namespace\":\"default\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.2\",\"externalTrafficPolicy\":\"Local\",\"healthCheckNodePort\":32001,$P}}" \
	"default/t:p tcp 10.96.0.1:80 healthcheck 32000 policy local internal cluster affinity 0 masq 0 ext - lb - ranges - eps -
default/u:p tcp 10.96.0.2:80 policy local internal cluster affinity 0 masq 0 ext - lb - ranges - eps -"
kobj "addresses with leading zeros read as decimal, as the API server once took them" \
	"{$S,\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"172.30.0.041\",\"externalIPs\":[\"192.168.099.022\"],\"loadBalancerSourceRanges\":[\"203.0.113.000/025\"],$P},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.004\"}]}}}" \
	"$(ES '{"addresses":["10.180.00.001"]}')" \
	"default/t:p tcp 172.30.0.41:80 policy cluster internal cluster affinity 0 masq 0 ext 192.168.99.22 lb 1.2.3.4 ranges 203.0.113.0/25 eps 10.180.0.1:8080"

kobj "Go's zero values (\"\", nodePort 0) read as absent; an ipMode of \"\" is no VIP (IsVIPMode)" \
	"{$S,\"spec\":{\"type\":\"\",\"clusterIP\":\"10.96.0.1\",\"externalTrafficPolicy\":\"\",\"internalTrafficPolicy\":\"\",\"sessionAffinity\":\"\",\"ports\":[{\"name\":\"p\",\"port\":80,\"nodePort\":0,\"protocol\":\"\"}]},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.1\",\"ipMode\":\"\"},{\"ip\":\"192.0.2.2\"}]}}}" \
	"default/t:p tcp 10.96.0.1:80 policy cluster internal cluster affinity 0 masq 0 ext - lb 192.0.2.2 ranges - eps -"

# bad NAME JSON EXPECTED: one error line, exit 1.
bad() {
	local name=$1 json=$2 want="error: $3" got rc
	got=$(printf '%s' "$json" | "$K" -)
	rc=$?
	if [ $rc -eq 1 ] && [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "want: $want (exit 1)" "got:  $got (exit $rc)"
	fi
}

SVC='"apiVersion":"v1","kind":"Service","metadata":{"name":"bad","namespace":"default"}'
SL='"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s","namespace":"default","labels":{"kubernetes.io/service-name":"x"}}'
bad "a port number that is a string" \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":\"80\"}]}}" \
	"Service default/bad: spec.ports[0].port: not an integer from 1 to 65535"
bad "a name missing" \
	'{"apiVersion":"v1","kind":"Service","metadata":{"namespace":"default"},"spec":{"ports":[{"port":80}]}}' \
	"Service ?: metadata.name: missing"
bad "an endpoint of the wrong family" \
	"{$SL,\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"\",\"port\":80}],\"endpoints\":[{\"addresses\":[\"fd00::1\"]}]}" \
	"EndpointSlice default/s: endpoints[0].addresses[0]: \`fd00::1' is not of the slice's addressType IPv4"
bad "an unknown protocol" \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80,\"protocol\":\"ICMP\"}]}}" \
	"Service default/bad: spec.ports[0].protocol: protocol \`ICMP' is not TCP, UDP or SCTP"
bad "an affinity timeout that is a string" \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80}],\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":\"x\"}}}}" \
	"Service default/bad: spec.sessionAffinityConfig.clientIP.timeoutSeconds: not an integer from 1 to 86400"
bad "a cluster IP of another family than its ipFamilies entry" \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"clusterIPs\":[\"10.96.0.1\",\"10.96.0.2\"],\"ipFamilies\":[\"IPv4\",\"IPv6\"],\"ports\":[{\"port\":80}]}}" \
	"Service default/bad: spec.clusterIPs[1]: \`10.96.0.2' is not of spec.ipFamilies[1]"
bad "truncated JSON" \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80}]}" \
	"-: value 1: truncated JSON"

# Objects of other kinds are skipped; objects one after another and a
# List are read alike.
got=$(printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}\n%s\n' \
	"{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80}]}}" | "$K" -)
if [ "$got" = "default/bad:80 tcp 10.96.0.1:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -" ]; then
	ok "another kind skipped, the next object read"
else
	not_ok "another kind skipped, the next object read" "$got"
fi

# Malformed values between good ones (as a watch stream may have them):
# each reported once, the reader resynchronised on the next value.
got=$(printf '%s\n' '{not json}' '[1, 2' ']' ',' '"x"' "{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":80}]}}" |
	timeout 10 "$K" --keep-going -)
want="skipped: -: value 1: not valid JSON
skipped: a value that is not a JSON object
skipped: -: value 3: not valid JSON
skipped: a value that is not a JSON object
default/bad:80 tcp 10.96.0.1:80 policy cluster internal cluster affinity 0 masq 0 ext - lb - ranges - eps -"
if [ "$got" = "$want" ]; then
	ok "malformed values skipped, one line each, the next object read"
else
	not_ok "malformed values skipped, one line each, the next object read" "want: $want" "got:  $got"
fi

# Nodes: podCIDRs over podCIDR; the first InternalIP of each family;
# flannel's annotations: public-ip over the InternalIP, backend-type,
# backend-data's VtepMAC (backend-v6-data's on an IPv6-only node: its
# flannel-v6.1); a node without podCIDRs yet.
NODE='"apiVersion":"v1","kind":"Node"'
got=$(printf '%s\n' \
	"{$NODE,\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.1.0/24\",\"fd00:244:1::/64\"]},\"status\":{\"addresses\":[{\"type\":\"Hostname\",\"address\":\"n1\"},{\"type\":\"InternalIP\",\"address\":\"192.168.1.11\"},{\"type\":\"InternalIP\",\"address\":\"192.168.1.99\"},{\"type\":\"ExternalIP\",\"address\":\"203.0.113.1\"},{\"type\":\"InternalIP\",\"address\":\"fd00:1::11\"}]}}" \
	"{$NODE,\"metadata\":{\"name\":\"f1\",\"annotations\":{\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"5a:8c:1f:0:0:9\\\"}\",\"flannel.alpha.coreos.com/backend-type\":\"vxlan\",\"flannel.alpha.coreos.com/public-ip\":\"192.168.1.12\"}},\"spec\":{\"podCIDR\":\"10.244.2.0/24\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.12\"}]}}" \
	"{$NODE,\"metadata\":{\"name\":\"f6\",\"annotations\":{\"flannel.alpha.coreos.com/backend-data\":\"null\",\"flannel.alpha.coreos.com/backend-v6-data\":\"{\\\"VNI\\\":1,\\\"VtepMAC\\\":\\\"5a:8c:1f:0:0:6\\\"}\",\"flannel.alpha.coreos.com/backend-type\":\"vxlan\",\"flannel.alpha.coreos.com/public-ipv6\":\"fd00:1::16\"}},\"spec\":{\"podCIDRs\":[\"fd00:244:6::/64\"]}}" \
	"{$NODE,\"metadata\":{\"name\":\"f2\",\"annotations\":{\"flannel.alpha.coreos.com/backend-data\":\"null\",\"flannel.alpha.coreos.com/backend-type\":\"host-gw\"}},\"spec\":{\"podCIDRs\":[\"10.244.3.0/24\"]},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.168.1.13\"}]}}" \
	"{$NODE,\"metadata\":{\"name\":\"new\"},\"spec\":{},\"status\":{}}" | "$K" -)
want="node n1 ips 192.168.1.11,fd00:1::11 podcidrs 10.244.1.0/24,fd00:244:1::/64 encap - vtep-mac -
node f1 ips 192.168.1.12 podcidrs 10.244.2.0/24 encap vxlan vtep-mac 5a:8c:1f:00:00:09
node f6 ips fd00:1::16 podcidrs fd00:244:6::/64 encap vxlan vtep-mac 5a:8c:1f:00:00:06
node f2 ips 192.168.1.13 podcidrs 10.244.3.0/24 encap none vtep-mac -
node new ips - podcidrs - encap - vtep-mac -"
if [ "$got" = "$want" ]; then
	ok "Node objects: podCIDRs, InternalIPs, flannel's annotations"
else
	not_ok "Node objects: podCIDRs, InternalIPs, flannel's annotations" "want: $want" "got:  $got"
fi
bad "a Node with two IPv4 podCIDRs" \
	"{$NODE,\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDRs\":[\"10.244.1.0/24\",\"10.244.9.0/24\"]}}" \
	"Node n: spec.podCIDRs[1]: a second prefix of one family"
bad "a Node whose InternalIP is no address" \
	"{$NODE,\"metadata\":{\"name\":\"n\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"node-1\"}]}}" \
	"Node n: status.addresses[0]: InternalIP \`node-1' is not an IP address"
bad "a flannel backend podnet does not speak" \
	"{$NODE,\"metadata\":{\"name\":\"n\",\"annotations\":{\"flannel.alpha.coreos.com/backend-type\":\"wireguard\"}}}" \
	"Node n: metadata.annotations: flannel.alpha.coreos.com/backend-type \`wireguard': podnet speaks vxlan and host-gw"
bad "a flannel VtepMAC that is no unicast MAC" \
	"{$NODE,\"metadata\":{\"name\":\"n\",\"annotations\":{\"flannel.alpha.coreos.com/backend-type\":\"vxlan\",\"flannel.alpha.coreos.com/backend-data\":\"{\\\"VtepMAC\\\":\\\"ff:ff:ff:ff:ff:ff\\\"}\"}}}" \
	"Node n: metadata.annotations: flannel.alpha.coreos.com/backend-data: VtepMAC is not a unicast MAC address"

# Parsing ahead (a helper thread takes a List's second part; --ahead-min 0
# for any List): the same lines as the reader alone, for the fixtures, for
# a List with other kinds, invalid objects and malformed JSON in its second
# part, and for a List whose indentation misleads the helper's guess of
# where an item starts.
same() {
	local name=$1 alone ahead
	shift
	alone=$("$K" --ahead-min never "$@" 2>&1; echo "exit $?")
	ahead=$("$K" --ahead-min 0 "$@" 2>&1; echo "exit $?")
	if [ "$ahead" = "$alone" ] && [ "$(grep -c . <<<"$alone")" -gt 2 ]; then
		ok "parsed ahead: $name"
	else
		not_ok "parsed ahead: $name" "alone: $alone" "ahead: $ahead"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same "the fixtures" --node-name node1 --zone a "$here/kube/services.json" "$here/kube/slices.json"
svc() { printf '{%s,"spec":{"clusterIP":"10.96.1.%d","ports":[{"port":%d}]}}\n' "${SVC/bad/s$1}" "$1" "$1"; }
{
	for i in 1 2 3 4 5 6; do svc $i; done
	echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}'
	echo "{$NODE,\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDRs\":[\"10.244.1.0/24\"]}}"
	svc 7
	echo "{$SVC,\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":\"80\"}]}}"
	for i in 8 9 10; do svc $i; done
} | jq -s '{apiVersion: "v1", kind: "List", items: .}' >"$tmp/mixed.json"
same "other kinds and an invalid object" --keep-going "$tmp/mixed.json"
same "an invalid object: the error" "$tmp/mixed.json"
# Malformed JSON after the middle: the rest of the List is lost, alike.
sed 's/"10.96.1.9"/10.96.1.9/' "$tmp/mixed.json" >"$tmp/cut.json"
same "malformed JSON" --keep-going "$tmp/cut.json"
# Two commas between two items after the middle: not JSON, alike.
{
	printf '{"kind": "List", "items": [\n'
	for i in 1 2 3 4 5 6 7 8; do
		case $i in 1) ;; 7) printf ',,\n' ;; *) printf ',\n' ;; esac
		printf '  %s' "$(svc $i)"
	done
	printf '\n]}\n'
} >"$tmp/commas.json"
same "two commas" --keep-going "$tmp/commas.json"
# Each item's spec on a line of its own, indented as the first item, and
# the other items on no line of their own: the guess (the first such line
# past the middle) is no item's start.
{
	printf '{"kind": "List", "items": [\n  '
	for i in 1 2 3 4 5 6 7 8; do
		[ $i -eq 1 ] || printf ', '
		printf '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s%d", "namespace": "default"}, "spec":\n  {"clusterIP": "10.96.2.%d", "ports": [{"port": 80}]}}' $i $i
	done
	printf '\n]}\n'
} >"$tmp/indent.json"
same "an indentation that misleads" "$tmp/indent.json"

echo "1..$n"
[ $failed -eq 0 ]
