#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The podnet CNI plugin's answers that need no kernel: VERSION, and the
# error objects (code, msg) for input it refuses before it touches a link,
# an address or the IPAM plugin. Everything that does is
# tests/net/cni.sh, in the VM.
#
# Usage: tools/tests/cni.sh [PLUGIN]   (TAP output; exit 0 or 1)

here=$(cd "$(dirname "$0")" && pwd)
P=${1:-$here/../cni/podnet}
[ -x "$P" ] || { echo "cni.sh: $P not built (make -C tools)" >&2; exit 1; }

n=0
failed=0
result() { # RC NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || echo "#   $3"
	fi
}

CONF='{"cniVersion":"1.0.0","name":"podnet","type":"podnet","device":"pn0","ipam":{"type":"host-local","ranges":[[{"subnet":"10.244.1.0/24"}]]}}'
conf() { # VERSION [FIELDS]
	printf '{"cniVersion":"%s","name":"podnet","type":"podnet"%s,"ipam":{"type":"host-local"}}' "$1" "${2:-}"
}

# run CMD CONF [VAR=VALUE...]: the plugin, as a runtime runs it (these
# variables unless overridden: container c1, eth0, /nonexistent/netns,
# CNI_PATH /nonexistent); $out, $rc.
run() {
	local cmd=$1 conf=$2
	shift 2
	out=$(env CNI_COMMAND="$cmd" CNI_CONTAINERID=c1 CNI_IFNAME=eth0 \
		CNI_NETNS=/nonexistent/netns CNI_PATH=/nonexistent CNI_ARGS= "$@" "$P" <<<"$conf")
	rc=$?
}

# refused NAME CODE MSG CMD CONF [VAR=VALUE...]: exit 1, and an error
# object with CODE and exactly MSG (a glob), as JSON.
refused() {
	local name=$1 code=$2 msg=$3 got
	shift 3
	run "$@"
	got=$(jq -r '"\(.code) \(.msg)"' <<<"$out" 2>/dev/null)
	# shellcheck disable=SC2053 # a glob
	[ "$rc" -eq 1 ] && [[ "$got" == "$code "$msg ]]
	result $? "$name" "exit $rc: $out (want code $code, msg $msg)"
}

echo "TAP version 13"
run VERSION ""
[ "$rc" -eq 0 ] && jq -e '.cniVersion == "1.1.0" and .supportedVersions == ["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]' <<<"$out" >/dev/null
result $? "VERSION: 0.3.0 to 1.1.0" "$out"
run VERSION '{"cniVersion":"0.4.0"}'
[ "$rc" -eq 0 ] && jq -e '.cniVersion == "0.4.0"' <<<"$out" >/dev/null
result $? "VERSION answers in the version it was asked in" "$out"

refused "no CNI_CONTAINERID: code 4" 4 "CNI_CONTAINERID: missing" ADD "$CONF" CNI_CONTAINERID=
refused "a CNI_CONTAINERID that is no container ID: code 4" 4 "CNI_CONTAINERID: \`-x' is not a container ID" \
	ADD "$CONF" CNI_CONTAINERID=-x
refused "a CNI_IFNAME with a slash: code 4" 4 "CNI_IFNAME: *" ADD "$CONF" CNI_IFNAME=a/b
refused "no CNI_NETNS on ADD: code 4" 4 "CNI_NETNS: missing" ADD "$CONF" CNI_NETNS=
refused "no CNI_PATH: code 4" 4 "CNI_PATH: missing" DEL "$CONF" CNI_PATH=
refused "a CNI_ARGS key unknown without IgnoreUnknown: code 4" 4 "CNI_ARGS: unknown argument \`K8S_POD_NAME' (set IgnoreUnknown=1)" \
	DEL "$CONF" CNI_ARGS="K8S_POD_NAME=web"
refused "CNI_ARGS that are not KEY=VALUE: code 4" 4 "CNI_ARGS: \`junk' is not KEY=VALUE" DEL "$CONF" CNI_ARGS="IgnoreUnknown=1;junk"
refused "an unknown CNI_COMMAND: code 4" 4 "CNI_COMMAND: unknown command \`FROB'" FROB "$CONF"
refused "not JSON: code 6" 6 "network configuration: not a JSON object" ADD "{nope"
refused "cniVersion 0.2.0: code 1" 1 "incompatible CNI version: the configuration's is \`0.2.0'" ADD "$(conf 0.2.0)"
refused "no cniVersion: code 1" 1 "incompatible CNI version: the configuration's is \`(none)'" \
	ADD '{"name":"podnet","type":"podnet","ipam":{"type":"host-local"}}'
refused "a bad network name: code 7" 7 "name: \`-net' is not a network name" ADD "${CONF/\"podnet\",/\"-net\",}"
refused "mtu 20: code 7" 7 "mtu: not an MTU (68 to 65535)" ADD "$(conf 1.0.0 ',"mtu":20')"
refused "mtu 1e12: code 7" 7 "mtu: not an MTU (68 to 65535)" ADD "$(conf 1.0.0 ',"mtu":1e12')"
refused "a device name with a slash: code 7" 7 "device: *" ADD "$(conf 1.0.0 ',"device":"a/b"')"
refused "no ipam: code 7" 7 "ipam: missing (podnet delegates addresses to an IPAM plugin)" \
	ADD '{"cniVersion":"1.0.0","name":"podnet","type":"podnet"}'
refused "an ipam type with a slash: code 7" 7 "ipam.type: not a plugin name" \
	ADD '{"cniVersion":"1.0.0","name":"podnet","type":"podnet","ipam":{"type":"../x"}}'
refused "STATUS in 1.0.0: code 1" 1 "STATUS needs cniVersion 1.1.0, not 1.0.0" STATUS "$CONF"
refused "GC in 0.4.0: code 1" 1 "GC needs cniVersion 1.1.0, not 0.4.0" GC "$(conf 0.4.0)"
refused "CHECK in 0.3.1: code 1" 1 "CHECK needs cniVersion 0.4.0, not 0.3.1" CHECK "$(conf 0.3.1)"
refused "CHECK without prevResult: code 7" 7 "prevResult: missing (CHECK needs it)" CHECK "$CONF" CNI_NETNS=/proc/self/ns/net
refused "CHECK with a prevResult that is no result: code 7" 7 "prevResult: ips\[0\]: invalid address \`x'" \
	CHECK "${CONF%\}},\"prevResult\":{\"ips\":[{\"address\":\"x/24\"}]}}" CNI_NETNS=/proc/self/ns/net
refused "GC without valid-attachments: code 7" 7 "cni.dev/valid-attachments: missing (GC needs it)" GC "$(conf 1.1.0)"
refused "GC with a valid attachment that is no attachment: code 7" 7 "cni.dev/valid-attachments: item 0 is not *" \
	GC "$(conf 1.1.0 ',"cni.dev/valid-attachments":[{"containerID":"c1"}]')"
refused "an error object names the configuration's version" 1 "STATUS needs*" STATUS "$(conf 0.4.0)"
jq -e '.cniVersion == "0.4.0"' <<<"$out" >/dev/null
result $? "... as its cniVersion" "$out"

echo "1..$n"
[ "$failed" -eq 0 ]
