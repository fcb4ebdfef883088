#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: debug=release
#
# podnetctl apply: Kubernetes Service and EndpointSlice objects (written by
# kubectl, finished with jq as the API server would) made into services
# with kube-proxy's semantics, checked on real traffic; apply's own
# guarantees (declarative, all or nothing, only what differs) checked by
# the monitor; --watch fed a stream of events through a FIFO.
#
#                 ┌─────────────────────── node A ($NODE, "node1") ──────────────┐
#  ext ($EXT) ────┤ up0 192.0.2.1          pn0 10.244.1.1/24 fd00:244:1::1/64     │
#  192.0.2.2      │                         ├─ va1 ─ pod A1 ($A1) 10.244.1.2  fd00:244:1::2 │ backends:
#  (the world;    │                         ├─ va2 ─ pod A2 ($A2) 10.244.1.3  fd00:244:1::3 │ TCP 8080, UDP 5353:
#   routes the    │                         └─ va3 ─ pod A3 ($A3) 10.244.1.4  (client)      │ answer
#   pod CIDR, the │ ab0 198.51.100.1 ─┐                                           │ "NAME PEERADDR"
#   service CIDR  └───────────────────┼───────────────────────────────────────────┘
#   and 203.0.113.0/24 via node A)    │
#                 ┌── node B ($NODEB, "node2") ┴ ab1 198.51.100.2 ── pn0 10.244.2.1/24 ─ vb1 ─ pod B1 ($B1) 10.244.2.2
#
# apply runs in node A with --node-name node1 --cluster-cidr 10.244.0.0/16
# --service-cidr 10.96.0.0/16.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/pods.sh"
source "$(dirname "$0")/lib/svc.sh"

require_podnet
require_cmd podnetctl kubectl jq curl
echo "TAP version 13"

svc_topology
ip -n "$EXT" route add 10.96.0.0/16 via 192.0.2.1

tmp=/tmp/apply.$$
WATCH=
MON=
cleanup() {
	[ -z "$WATCH" ] || kill "$WATCH" 2>/dev/null
	[ -z "$MON" ] || kill "$MON" 2>/dev/null
	cleanup_all_ns
	rm -f "$tmp".*
}

check "backend A1 listens" pnt serve "$A1" A1 name tcp4:8080 tcp6:8080 udp4:5353
check "backend A2 listens" pnt serve "$A2" A2 name tcp4:8080 tcp6:8080 udp4:5353
check "backend B1 listens" pnt serve "$B1" B1 name tcp4:8080

# --- the objects ---
# Three Services from kubectl (a Go program: seconds to start in the VM),
# the others derived from them with jq, one jq a set of objects (a process
# costs about a second under the debug kernel).
kubectl create service clusterip t --tcp=80:8080 --dry-run=client -o json >"$tmp.cip"
kubectl create service nodeport t --tcp=80:8080 --dry-run=client -o json >"$tmp.np"
kubectl create service loadbalancer t --tcp=80:8080 --dry-run=client -o json >"$tmp.lb"
# jq functions: svc(TEMPLATE; NAME; CLUSTERIP), a Service as the API server
# has it; slice(SERVICE; PORT; ENDPOINTS[; ADDRESSTYPE]), its EndpointSlice.
JQDEFS='
def svc($t; $name; $ip): $t[0] | .metadata.name = $name |
	.metadata.namespace = "default" | .spec.clusterIP = $ip |
	.spec.clusterIPs = [$ip] | .spec.ports[0].name = "http";
def slice($svc; $port; $eps; $type): {
	apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
	metadata: {name: ($svc + "-" + ($type | ascii_downcase)), namespace: "default",
		labels: {"kubernetes.io/service-name": $svc}},
	addressType: $type,
	ports: [{name: "http", protocol: "TCP", port: $port}],
	endpoints: $eps};
def slice($svc; $port; $eps): slice($svc; $port; $eps; "IPv4");
'
# kube JQ [JQ ARGS...]: the objects JQ makes (the templates are $cip, $np, $lb).
kube() {
	jq -n --slurpfile cip "$tmp.cip" --slurpfile np "$tmp.np" --slurpfile lb "$tmp.lb" \
		"${@:2}" "$JQDEFS $1"
}
ep() { # ADDR NODE [CONDITIONS-JSON] [ZONE]
	local cond=${3:-'{"ready":true}'} hints=
	[ -z "${4:-}" ] || hints=',"hints":{"forZones":[{"name":"'$4'"}]}'
	printf '{"addresses":["%s"],"nodeName":"%s","conditions":%s%s}' "$1" "$2" "$cond" "$hints"
}
a1=$(ep 10.244.1.2 node1) a2=$(ep 10.244.1.3 node1) b1=$(ep 10.244.2.2 node2)

# objects: every Service and its slice; $web2 (default $a2) is web's second
# endpoint, $LB_RANGE (default 198.51.100.0/24) lb's source range.
objects() {
	kube '
	# ClusterIP, two local endpoints.
	svc($cip; "web"; "10.96.0.10"), slice("web"; 8080; [$a1, $web2]),
	# NodePort, externalTrafficPolicy Local: A1 local, B1 not.
	(svc($np; "np"; "10.96.0.20") | .spec.ports[0].nodePort = 30080 |
		.spec.externalTrafficPolicy = "Local"), slice("np"; 8080; [$a1, $b1]),
	# ... with no local endpoint.
	(svc($np; "np2"; "10.96.0.21") | .spec.ports[0].nodePort = 30081 |
		.spec.externalTrafficPolicy = "Local"), slice("np2"; 8080; [$b1]),
	# internalTrafficPolicy Local, no local endpoint.
	(svc($cip; "itp"; "10.96.0.30") | .spec.internalTrafficPolicy = "Local"),
	slice("itp"; 8080; [$b1]),
	# No endpoint at all.
	svc($cip; "empty"; "10.96.0.40"),
	# LoadBalancer, its IP (an externalIP too) open to $range only.
	(svc($lb; "lb"; "10.96.0.50") | .spec.ports[0].nodePort = 30050 |
		.spec.loadBalancerSourceRanges = [$range] |
		.spec.externalIPs = ["203.0.113.10"] |
		.status.loadBalancer.ingress = [{ip: "203.0.113.10", ipMode: "VIP"}]),
	slice("lb"; 8080; [$a1]),
	# Only a serving, terminating endpoint: KEP-1669'"'"'s fallback.
	svc($cip; "term"; "10.96.0.60"), slice("term"; 8080; [$term]),
	# Zone hints: A1 for zone a (this node'"'"'s), A2 for zone b.
	svc($cip; "zone"; "10.96.0.70"), slice("zone"; 8080; [$za, $zb]),
	# ClientIP affinity; dual-stack.
	(svc($cip; "aff"; "10.96.0.80") | .spec.sessionAffinity = "ClientIP" |
		.spec.sessionAffinityConfig.clientIP.timeoutSeconds = 60),
	slice("aff"; 8080; [$a1, $a2]),
	(svc($np; "dual"; "10.96.0.90") | .spec.clusterIPs = ["10.96.0.90", "fd00:96::90"] |
		.spec.ipFamilies = ["IPv4", "IPv6"] | .spec.ports[0].nodePort = 30090),
	slice("dual"; 8080; [$a1v6]; "IPv6"),
	# UDP, the slice'"'"'s port (targetPort) differs from the service'"'"'s.
	(svc($cip; "dns"; "10.96.0.53") | .spec.ports[0] |= (.protocol = "UDP" | .port = 53)),
	(slice("dns"; 5353; [$a2]) | .metadata.name = "dns-x" | .ports[0].protocol = "UDP")' \
		--argjson a1 "$a1" --argjson a2 "$a2" --argjson b1 "$b1" \
		--argjson web2 "${web2:-$a2}" --arg range "${LB_RANGE:-198.51.100.0/24}" \
		--argjson term "$(ep 10.244.1.2 node1 '{"ready":false,"serving":true,"terminating":true}')" \
		--argjson za "$(ep 10.244.1.2 node1 '{"ready":true}' a)" \
		--argjson zb "$(ep 10.244.1.3 node1 '{"ready":true}' b)" \
		--argjson a1v6 "$(ep fd00:244:1::2 node1)"
}
objects >"$tmp.all" || ksft_fail "cannot write the objects"
OPTS=(--node-name node1 --cluster-cidr 10.244.0.0/16 --service-cidr 10.96.0.0/16)
papply() { podnetctl -n "$NODE" apply "${OPTS[@]}" "$@"; }

# --- applying ---
check "a manual service (not apply's)" pctl service add 10.96.1.1:80/tcp
check "apply -f: $(grep -c '"kind": "Service"' "$tmp.all") services" papply -f "$tmp.all"
check "show tells apply's services apart (owner, name)" svc_jq 10.96.0.10:80/tcp \
	'.owner == "apply" and .name == "default/web:http" and (.endpoints | length) == 2'
check "the manual service is left alone" svc_jq 10.96.1.1:80/tcp '.owner == null'
check "the settings are set" eval 'pctl config | grep -qx "cluster-cidr 10.244.0.0/16 service-cidr 10.96.0.0/16"'

# --- kube-proxy's semantics, on traffic ---
check "pod -> ClusterIP: both endpoints, client address kept" \
	eval 'both_seen "$A3" 10.96.0.10 80 20 && [[ "$ANSWERS" != *" 10.244.1.1"* ]]'
check "node -> ClusterIP: masqueraded (source outside --cluster-cidr)" \
	get_is "$NODE" 10.96.0.10 80 "A[12] 10.244.1.1"
check "outside -> ClusterIP: masqueraded" get_is "$EXT" 10.96.0.10 80 "A[12] 10.244.1.1"
check "unknown port of a ClusterIP: rejected" get_is "$A3" 10.96.0.10 81 "ERR ECONNREFUSED" tcp ctimeout=10000
check "unallocated address in --service-cidr: dropped" \
	get_is "$A3" 10.96.0.99 80 "ERR ETIMEDOUT" tcp ctimeout=1500
check "no endpoint: rejected" get_is "$A3" 10.96.0.40 80 "ERR ECONNREFUSED" tcp ctimeout=10000
check "externalTrafficPolicy Local: outside -> NodePort reaches the local endpoint, client kept" \
	eval 'tally "$EXT" 192.0.2.1 30080 4 && [ "$ANSWERS" = "$(printf "A1 192.0.2.2\n%.0s" 1 2 3 4)" ]'
check "... pod -> its ClusterIP: any endpoint (internal policy Cluster)" \
	eval 'tally "$A3" 10.96.0.20 80 20 && [[ "$TALLY" =~ ^A1\ [0-9]+\ B1\ [0-9]+$ ]]'
check "ETP Local, none local: outside -> NodePort dropped" \
	get_is "$EXT" 192.0.2.1 30081 "ERR ETIMEDOUT" tcp ctimeout=1500
check "... pod -> NodePort goes to the cluster's endpoints" get_is "$A3" 10.244.1.1 30081 "B1 *"
check "internalTrafficPolicy Local, none local: pod -> ClusterIP dropped" \
	get_is "$A3" 10.96.0.30 80 "ERR ETIMEDOUT" tcp ctimeout=1500
check "LoadBalancer IP (an externalIP too) from outside its source ranges: dropped" \
	get_is "$EXT" 203.0.113.10 80 "ERR ETIMEDOUT" tcp ctimeout=1500
check "... its NodePort is not restricted" get_is "$EXT" 192.0.2.1 30050 "A1 10.244.1.1"
check "only a serving terminating endpoint: it serves" get_is "$A3" 10.96.0.60 80 "A1 *"
check "zone hints without --zone: not used" both_seen "$A3" 10.96.0.70 80 20
kube '{apiVersion: "v1", kind: "Node", metadata: {name: "node1",
	labels: {"topology.kubernetes.io/zone": "a"}}}' >"$tmp.node1"
check "... with node1's Node object, labelled zone a, the hints are used" \
	eval 'papply -f "$tmp.all" -f "$tmp.node1" && only A1 "$A3" 10.96.0.70 80 8'
OPTS0=("${OPTS[@]}")
OPTS+=(--zone a)
check "... with --zone a the hints are used" eval 'papply -f "$tmp.all" && only A1 "$A3" 10.96.0.70 80 8'
check "ClientIP affinity: one client, one endpoint" \
	eval 'tally "$A3" 10.96.0.80 80 8 && [[ "$TALLY" =~ ^A[12]\ 8$ ]]'
check "dual-stack: the IPv6 ClusterIP reaches the IPv6 endpoint, client kept (no IPv6 --cluster-cidr)" \
	get_is "$A3" fd00:96::90 80 "A1 fd00:244:1::4"
check "UDP, targetPort as the slice gives it" get_is "$A3" 10.96.0.53 53 "A2 *" udp
check "--masquerade-all: pod -> ClusterIP masqueraded" \
	eval 'papply --masquerade-all --nodeport-addresses 192.0.2.0/24 -f "$tmp.all" &&
	get_is "$A3" 10.96.0.10 80 "A[12] 10.244.1.1"'
check "... outside -> NodePort of policy Local: client kept (ClusterIP traffic only)" \
	get_is "$EXT" 192.0.2.1 30080 "A1 192.0.2.2"
check "--nodeport-addresses 192.0.2.0/24: no NodePort on the node's other addresses" \
	get_is "$A3" 10.244.1.1 30080 "ERR ECONNREFUSED" tcp ctimeout=10000
check "... but IPv6 NodePorts on every IPv6 address (no IPv6 prefix given)" \
	get_is "$A3" fd00:244:1::1 30090 "A1 *"
check "... and without them again, the pod's address is kept" \
	eval 'papply -f "$tmp.all" && get_is "$A3" 10.96.0.10 80 "A[12] 10.244.1.4"'

# --- declarative: only what differs ---
# monitor_during CMD...: the kernel's events while CMD runs, in $tmp.ev.
# A change of the manual service 10.96.1.1 (which changes nothing) marks
# when the monitor listens, and when the events of CMD are all in.
monitor_during() {
	local n rc
	podnetctl -n "$NODE" monitor >"$tmp.mon" &
	MON=$!
	busywait 20000 eval 'pctl service change 10.96.1.1:80/tcp && grep -q 10.96.1.1 "$tmp.mon"'
	"$@"
	rc=$?
	n=$(grep -c 10.96.1.1 "$tmp.mon")
	pctl service change 10.96.1.1:80/tcp
	busywait 20000 eval "[ \"\$(grep -c 10.96.1.1 \"$tmp.mon\")\" -gt $n ]"
	kill "$MON"
	wait "$MON" 2>/dev/null
	MON=
	grep -v 10.96.1.1 "$tmp.mon" >"$tmp.ev"
	cat "$tmp.ev"
	return $rc
}
check "a re-apply of the same input changes nothing in the kernel" \
	eval 'monitor_during papply -f "$tmp.all" && ! grep . "$tmp.ev"'
check "after an apply, its mark is kept with the settings" \
	eval 'papply -f "$tmp.all" &&
	pctl -j config | jq -e ".applied | test(\"^[0-9a-f]{16}$\")" >/dev/null'
check "a change behind apply's back: the mark is gone" \
	eval 'pctl endpoint del 10.96.0.10:80/tcp 10.244.1.3:8080 &&
	pctl -j config | jq -e ".applied == null" >/dev/null'
check "... and the same input again puts it right" \
	eval 'papply -f "$tmp.all" && svc_jq 10.96.0.10:80/tcp "(.endpoints | length) == 2"'
web2=$(ep 10.244.1.3 node1 '{"ready":false,"serving":false,"terminating":true}') \
	objects >"$tmp.all2"
check "one endpoint not ready: one request, to that service" \
	eval 'monitor_during papply -f "$tmp.all2" && [ "$(grep -c . "$tmp.ev")" -eq 1 ] &&
	grep -q "^endpoint set 10.96.0.10:80/tcp 10.244.1.2:8080 weight 1 local$" "$tmp.ev"'
check "... it gets no new connection" eval 'only A1 "$A3" 10.96.0.10 80 8'
check "--dry-run prints what it would change, and changes nothing" \
	eval 'out=$(podnetctl -n "$NODE" apply "${OPTS[@]}" --dry-run -f "$tmp.all") &&
	[ "$out" = "endpoint set 10.96.0.10:80/tcp 10.244.1.2:8080,10.244.1.3:8080" ] &&
	svc_jq 10.96.0.10:80/tcp "(.endpoints | length) == 1"'
LB_RANGE=192.0.2.0/24 objects >"$tmp.all3"
check "source ranges changed: outside reaches the LoadBalancer IP, masqueraded" \
	eval 'papply -f "$tmp.all3" && get_is "$EXT" 203.0.113.10 80 "A1 10.244.1.1"'

# --- all or nothing ---
pctl save >"$tmp.before"
{ cat "$tmp.all"; kube 'slice("web"; 8080; [{addresses: ["fd00::1"]}])'; } >"$tmp.bad"
check "an endpoint of the wrong family: one line naming it, exit 1" errline -s 1 \
	"podnetctl: EndpointSlice default/web-ipv4: endpoints\[0\].addresses\[0\]: *fd00::1*" \
	papply -f "$tmp.bad"
{ cat "$tmp.all"; kube 'svc($cip; "bad"; "10.96.0.11") | .spec.ports[0].port = "80"'; } >"$tmp.bad"
check "a port that is a string: one line naming it, exit 1" errline -s 1 \
	"podnetctl: Service default/bad: spec.ports\[0\].port: *" papply -f "$tmp.bad"
{ cat "$tmp.all"; kube 'svc($cip; "clash"; "10.96.1.1")'; } >"$tmp.bad"
check "a port that is a manual service's: refused, exit 2" errline \
	"podnetctl: default/clash:http: 10.96.1.1:80/tcp is already a service that apply did not make*" \
	papply -f "$tmp.bad"
check "... and nothing was applied" eval 'pctl save | diff "$tmp.before" -'
{ cat "$tmp.all"; kube 'svc($cip; "np3"; "10.96.0.22") | .spec.ports[0].nodePort = 30080'; } >"$tmp.bad"
check "a NodePort taken twice: the kernel refuses, the batch is put back" \
	eval '! papply -f "$tmp.bad" && pctl save | diff "$tmp.before" -'

# --- watch ---
mkfifo "$tmp.fifo"
podnetctl -n "$NODE" apply "${OPTS0[@]}" --nodeport-addresses 192.0.2.0/24 --watch \
	--sync-period 1s -f "$tmp.fifo" 2>"$tmp.werr" &
WATCH=$!
exec 7>"$tmp.fifo"
# event TYPE JQ [JQ ARGS...]: a watch event of the object JQ makes, on one line.
event() { kube "{type: \"$1\", object: ($2)}" -c "${@:3}"; }
# A slice before its service, the same event twice, bad events between.
event ADDED 'slice("w"; 8080; [$a1])' --argjson a1 "$a1" >&7
# An event over two lines, its object without apiVersion.
echo '{"type": "ADDED", "object": {"kind": "Service",' >&7
echo '"metadata": {"name": "x"}}}' >&7
echo '{not json}' >&7
event ADDED 'svc($cip; "w"; "10.96.0.12") | .spec.ports[0].port = "x"' >&7
event ADDED 'svc($cip; "w"; "10.96.0.12")' >&7
event MODIFIED 'svc($cip; "w"; "10.96.0.12")' >&7
echo '{"type": "BOOKMARK", "object": {"kind": "Service", "apiVersion": "v1"}}' >&7
check "watch: a slice, then its service (and bad events): applied" \
	busywait 20000 get_is "$A3" 10.96.0.12 80 "A1 *"
event MODIFIED 'slice("w"; 8080; [$a1, $b1])' --argjson a1 "$a1" --argjson b1 "$b1" >&7
check "watch: an endpoint added" busywait 20000 svc_jq 10.96.0.12:80/tcp '(.endpoints | length) == 2'
event MODIFIED 'slice("w"; 8080; [$za, $zb])' \
	--argjson za "$(ep 10.244.1.2 node1 '{"ready":true}' a)" \
	--argjson zb "$(ep 10.244.2.2 node2 '{"ready":true}' b)" >&7
jq -c '{type: "ADDED", object: .}' "$tmp.node1" >&7
check "watch: node1's Node object labelled zone a: its services follow their zone hints" \
	busywait 20000 svc_jq 10.96.0.12:80/tcp '[.endpoints[] | select(.other_zone)] | length == 1'
hz() { ip netns exec "$EXT" curl -s -i --max-time 5 "http://192.0.2.1:10256$1" | tr -d '\r'; }
check "watch: kube-proxy's /healthz on 10256 from outside: 200, the node eligible" \
	busywait 20000 eval 'out=$(hz /healthz) && [[ "$out" == "HTTP/1.1 200 OK"* ]] &&
	[[ "$out" == *"\"nodeEligible\": true}" ]]'
jq -c '{type: "MODIFIED", object: (.spec.taints = [{key: "ToBeDeletedByClusterAutoscaler",
	effect: "NoSchedule"}])}' "$tmp.node1" >&7
check "watch: ... node1 tainted to be deleted: 503, not eligible; /livez 200, over IPv6 too" \
	busywait 20000 eval 'out=$(hz /healthz) && [[ "$out" == "HTTP/1.1 503 "* ]] &&
	[[ "$out" == *"\"nodeEligible\": false}" ]] &&
	[[ "$(ip netns exec "$A3" curl -s -i -g --max-time 5 "http://[fd00:244:1::1]:10256/livez")" == "HTTP/1.1 200 OK"* ]]'
# kube-proxy's health checks: a LoadBalancer service of policy Local
# answers on its healthCheckNodePort whether this node has ready endpoints.
event ADDED '(svc($lb; "hc"; "10.96.0.14") | .spec.ports[0].nodePort = 30014 |
	.spec.externalTrafficPolicy = "Local" | .spec.healthCheckNodePort = 30914)' >&7
event ADDED 'slice("hc"; 8080; [$a1, $b1])' --argjson a1 "$a1" --argjson b1 "$b1" >&7
hc() { ip netns exec "$EXT" curl -s -i --max-time 5 http://192.0.2.1:30914/healthz | tr -d '\r'; }
check "watch: healthCheckNodePort from outside: 200, one local endpoint, kube-proxy's body" \
	busywait 20000 eval 'out=$(hc) && [[ "$out" == "HTTP/1.1 200 OK"* ]] &&
	grep -qx "X-Load-Balancing-Endpoint-Weight: 1" <<<"$out" &&
	[[ "$out" == *"{\"service\":{\"namespace\":\"default\",\"name\":\"hc\"},\"localEndpoints\":1,\"serviceProxyHealthy\":true}" ]]'
check "watch: ... not on the node's addresses outside --nodeport-addresses (pn0's, from a pod)" \
	eval 'ip netns exec "$A3" curl -s --max-time 5 http://10.244.1.1:30914/; [ $? -eq 7 ]'
event MODIFIED 'slice("hc"; 8080; [$b1, $t1])' --argjson b1 "$b1" \
	--argjson t1 "$(ep 10.244.1.2 node1 '{"ready":false,"serving":true,"terminating":true}')" >&7
check "watch: ... only a terminating endpoint here: 503, none counted" \
	busywait 20000 eval 'out=$(hc) && [[ "$out" == "HTTP/1.1 503 Service Unavailable"* ]] &&
	[[ "$out" == *"\"localEndpoints\":0,"* ]]'
event DELETED 'svc($lb; "hc"; "10.96.0.14")' >&7
check "watch: ... the service deleted: its port closed" \
	busywait 20000 eval 'ip netns exec "$EXT" curl -s --max-time 5 http://192.0.2.1:30914/; [ $? -eq 7 ]'
event DELETED 'svc($cip; "web"; "10.96.0.10")' >&7
check "watch: a service deleted" busywait 20000 eval '! pctl service show 10.96.0.10:80/tcp'
# exited PID: the process has ended (a zombie until it is waited for).
exited() {
	local state
	read -r _ _ state _ <"/proc/$1/stat" 2>/dev/null || return 0
	[ "$state" = Z ]
}
check "watch: each bad event reported in one line, the process still running" \
	eval '! exited $WATCH && [ "$(grep -c . "$tmp.werr")" -eq 3 ]'
# A change the node refuses (its port is the manual service's) is tried
# again every --sync-period (1s): kube-proxy's /healthz and /livez say 503
# once it has waited twice that (node1 eligible again), 200 once it is in.
jq -c '{type: "MODIFIED", object: .}' "$tmp.node1" >&7
event ADDED 'svc($cip; "clash"; "10.96.1.1")' >&7
check "watch: a change refused (a manual service's port): /healthz 503, node eligible; /livez 503" \
	busywait 20000 eval 'out=$(hz /healthz) && [[ "$out" == "HTTP/1.1 503 "* ]] &&
	[[ "$out" == *"\"nodeEligible\": true}" ]] && [[ "$(hz /livez)" == "HTTP/1.1 503 "* ]]'
pctl service del 10.96.1.1:80/tcp
check "watch: ... the manual service deleted: applied at the next try, /healthz 200" \
	busywait 20000 eval 'svc_jq 10.96.1.1:80/tcp ".owner == \"apply\"" >/dev/null &&
	[[ "$(hz /healthz)" == "HTTP/1.1 200 OK"* ]]'
# A Node change the kernel refuses (node8's pod prefix inside node7's) is
# tried again too, in once node7's Node is deleted; but no Node makes the
# node unhealthy (every node has the same Node objects).
# nodeobj TYPE NAME PODCIDR IP: a watch event of a host-gw Node.
nodeobj() {
	jq -cn --arg t "$1" --arg n "$2" --arg c "$3" --arg ip "$4" '{type: $t, object: {
		apiVersion: "v1", kind: "Node", metadata: {name: $n,
		annotations: {"flannel.alpha.coreos.com/backend-type": "host-gw"}},
		spec: {podCIDR: $c, podCIDRs: [$c]},
		status: {addresses: [{type: "InternalIP", address: $ip}]}}}'
}
node_names() { pctl -j node show | jq -c 'map(.name) | sort'; }
nodeobj ADDED node7 10.99.0.0/24 198.51.100.7 >&7
nodeobj ADDED node8 10.99.0.0/25 198.51.100.8 >&7
check "watch: a Node refused (its pod prefix inside another's), tried twice more: /healthz 200" \
	busywait 20000 eval '[ "$(node_names)" = "[\"node7\"]" ] &&
	[ "$(grep -c "overlaps another node" "$tmp.werr")" -ge 3 ] && [[ "$(hz /healthz)" == "HTTP/1.1 200 OK"* ]]'
nodeobj DELETED node7 10.99.0.0/24 198.51.100.7 >&7
check "watch: ... the other's Node deleted: in at the next try, /healthz 200" \
	busywait 20000 eval '[ "$(node_names)" = "[\"node8\"]" ] &&
	[[ "$(hz /healthz)" == "HTTP/1.1 200 OK"* ]]'
# A Node watch's bookmark marked k8s.io/initial-events-end: the nodes
# whose Node it did not name go (node9, added by hand), not one whose
# Node's only event it refused (node10's: an address that is none).
printf '%s\n' "node add node9 ip 198.51.100.9 podcidr 10.99.9.0/24 encap none" \
	"node add node10 ip 198.51.100.10 podcidr 10.99.10.0/24 encap none" | pctl -b -
nodeobj ADDED node10 10.99.10.0/24 198.51.100.999 >&7
echo '{"type": "BOOKMARK", "object": {"kind": "Node", "apiVersion": "v1", "metadata":
	{"resourceVersion": "1001", "annotations": {"k8s.io/initial-events-end": "true"}}}}' >&7
check "watch: a Node bookmark marked initial-events-end: a node no Node named removed, a refused Node's kept" \
	busywait 20000 eval '[ "$(node_names)" = "[\"node10\",\"node8\"]" ]'
# A watch with sendInitialEvents ends the Services there are with a
# bookmark marked k8s.io/initial-events-end: then the services apply made
# whose Service it did not name go (those of the one-shot applies above),
# but not those of a Service whose event it refused (aff's, kept as they
# were).
apply_names() { pctl -j service show | jq -c '[.[] | select(.owner == "apply") | .name] | unique'; }
check "watch: before an initial-events-end bookmark, apply's services of Services it did not name" \
	eval '[ "$(apply_names | jq length)" -gt 3 ]'
event ADDED 'svc($cip; "aff"; "10.96.0.80") | .spec.ports[0].port = "x"' >&7
echo '{"type": "BOOKMARK", "object": {"kind": "Service", "apiVersion": "v1", "metadata":
	{"resourceVersion": "1000", "annotations": {"k8s.io/initial-events-end": "true"}}}}' >&7
check "watch: ... after it, only those of the Services it named, and of the one it refused" busywait 20000 \
	eval '[ "$(apply_names)" = "[\"default/aff:http\",\"default/clash:http\",\"default/w:http\"]" ]'
exec 7>&-
check "watch: the end of the input ends it, exit 0" \
	eval 'busywait 20000 exited $WATCH && wait $WATCH'
WATCH=
# A watch that starts again: a Service whose slices have not come (they
# come on another input) keeps the endpoints the kernel has, and a slice
# whose Service has not come changes nothing, until they come or one
# --sync-period (3s) has passed. The first dump that has the Service
# after them (mark) still has w's endpoints and clash.
mkfifo "$tmp.fifo2"
podnetctl -n "$NODE" apply "${OPTS0[@]}" --watch --sync-period 3s -f "$tmp.fifo2" \
	2>>"$tmp.werr" &
WATCH=$!
exec 7>"$tmp.fifo2"
event ADDED 'slice("clash"; 8080; [$a1])' --argjson a1 "$a1" >&7
event ADDED 'svc($cip; "w"; "10.96.0.12")' >&7
event ADDED 'svc($cip; "mark"; "10.96.0.13")' >&7
# shellcheck disable=SC2317 # called through check
w_then_mark() {
	local out
	out=$(pctl -j service show) || return 1
	jq -e 'map(select(.name == "default/mark:http")) | length == 1' <<<"$out" >/dev/null ||
		return 1
	jq -e '(map(select(.name == "default/w:http"))[0].endpoints | length == 2) and
		(map(select(.name == "default/clash:http")) | length == 1)' <<<"$out" >/dev/null ||
		{ echo "$out"; return 2; }
}
check "watch again: a Service before its slices keeps the kernel's endpoints, a slice before its Service changes nothing" \
	busywait 20000 w_then_mark
check "... until one --sync-period has passed: w's slices never came, none; clash's Service never came, gone" \
	busywait 20000 eval 'svc_jq 10.96.0.12:80/tcp "(.endpoints | length) == 0" &&
	! pctl service show 10.96.1.1:80/tcp 2>/dev/null'
exec 7>&-
check "... the end of the input ends it, exit 0" eval 'busywait 20000 exited $WATCH && wait $WATCH'
WATCH=
sed 's/^/# /' "$tmp.werr"

# --- a large List ---
# 300 Services with their slices, each with the 4 KB annotation kubectl
# apply leaves (1.5 MB in all): read by two threads (tools/kube/reader.c),
# the second part's items handed over already parsed.
kube '{apiVersion: "v1", kind: "List", items: [range(300) as $i |
	(svc($cip; "big\($i)"; "10.96.\(2 + ($i / 250 | floor)).\($i % 250 + 1)") |
		.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] =
		("x" * 4000)), slice("big\($i)"; 8080; [$a1])]}' --argjson a1 "$a1" >"$tmp.big"
jq '.items[560].type = "ClusterIP"' "$tmp.big" >"$tmp.bigbad"
check "a List of 1.5 MB, a Service late in it with a watch event's \"type\": refused, exit 1" errline -s 1 \
	"podnetctl: $tmp.bigbad: value 1: unknown event type \`ClusterIP'" papply -f "$tmp.bigbad"
check "... without it: every service applied, the last reached" \
	eval 'papply -f "$tmp.big" &&
	[ "$(pctl -j service show | jq "map(select(.owner == \"apply\")) | length")" -eq 300 ] &&
	get_is "$A3" 10.96.3.50 80 "A1 *"'

exit_tests
