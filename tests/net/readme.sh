#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: debug=release
#
# The README's commands, as they are written there: every ```sh block of
# README.md runs, in order, as a "bash -e" script in a fresh node namespace
# (entered with setns() alone, as a shell on the node would be: the named
# namespace the README adds outlives the block), its working directory a
# directory of its own, and must succeed; then a look at what they built.
# A README command that no longer works fails here.
#
#   node ($NODE): pn0 10.244.1.1/24 fd00:244:1::1/64
#     └─ veth1 ─ pod1 (the README's netns) eth0 10.244.1.2 fd00:244:1::2
#
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl jq kubectl

readme=$(dirname "$0")/../../README.md
tmp=$(mktemp -d)
cleanup() {
	ip netns del pod1 2>/dev/null
	cleanup_all_ns
	rm -rf "$tmp"
}

# The blocks: $tmp/block1.sh, block2.sh, ...
awk -v dir="$tmp" '
	/^```sh$/ { n++; f = dir "/block" n ".sh"; inblock = 1; next }
	/^```/ && inblock { inblock = 0; close(f); next }
	inblock { print > f }
' "$readme"
blocks=("$tmp"/block*.sh)
printf '%s\n' 'cd "$(dirname "$1")" && exec bash -e "$1"' >"$tmp/run"
[ -f "${blocks[0]}" ] || ksft_fail "no \`\`\`sh block in README.md"
ip netns del pod1 2>/dev/null

tap_plan $((${#blocks[@]} + 5))
setup_ns NODE
for ((i = 1; i <= ${#blocks[@]}; i++)); do
	check "README block $i ($(grep -c . "$tmp/block$i.sh") lines, from \`$(head -n 1 "$tmp/block$i.sh")')" \
		pnt run "$NODE" bash "$tmp/run" "$tmp/block$i.sh"
done
check "the README's pod reaches its gateway over IPv4 and IPv6" \
	eval 'pnt ping pod1 10.244.1.1 && pnt ping pod1 fd00:244:1::1'
check "the README's service is back from its save, as changed" \
	eval "podnetctl -n '$NODE' -j service show 10.96.0.10:53/udp |
		jq -e '.[0] | .sched == \"maglev\" and .nodeport == 30053 and
		.endpoints == [{\"addr\": \"10.244.1.2\", \"port\": 5353, \"weight\": 2,
		\"local\": true, \"terminating\": false, \"other_zone\": false,
		\"conns\": 0}]' >/dev/null"
check "the README's pod is back from the save" \
	has_line "veth1 dev pn0 mac * ip 10.244.1.2 fd00:244:1::2" podnetctl -n "$NODE" pod show
check "the README's Service object is a service made by apply" \
	eval "podnetctl -n '$NODE' -j service show 10.96.0.20:80/tcp |
		jq -e '.[0] | .owner == \"apply\" and .name == \"default/web:80-8080\" and
		([.endpoints[] | [.addr, .port, .local]] == [[\"10.244.1.2\", 8080, true]])' >/dev/null"
check "... and the namespace has apply's CIDRs" \
	eval "podnetctl -n '$NODE' -j config show |
		jq -e '.cluster_cidr == [\"10.244.0.0/16\"] and .service_cidr == [\"10.96.0.0/16\"]' >/dev/null"
exit_tests
