#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: debug=release
#
# podnetctl against the module: pod add/del/show (human and JSON), kernel
# errors as one line naming the token (exit 2), dumps over many recvmsg()
# calls, batches applied all or nothing (undo of add, of del, of an
# address-less port; exit 3 when an undo fails), save and restore, monitor,
# -n with a name and with a path.
#
#   netns A:  pn0 (podnet)        pn1 (podnet)
#              |  |  |   ...
#          veth1 veth2 veth3 ... (node ends; peers pveth1... in A too)
#
# (SC2317: the functions are run by check, busywait and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl jq

monitor_pid=
cleanup() {
	[ -z "$monitor_pid" ] || kill "$monitor_pid" 2>/dev/null
	cleanup_all_ns
	rm -rf "$tmp"
}
tmp=$(mktemp -d)

pc() { podnetctl -n "$A" "$@"; }

# veth NAME...: a veth pair NAME / pNAME in A, both up (one ip batch).
veth() {
	local v
	for v in "$@"; do
		echo "link add $v type veth peer name p$v"
		echo "link set $v up"
		echo "link set p$v up"
	done | ip -n "$A" -b -
}

# mac DEV: DEV's MAC address in A.
mac() { link_field "$A" "$1" mac; }

# json_check JQ-EXPR: the JSON of "pc -j pod show" makes JQ-EXPR true
# (.: the array, $p: {ifname: pod}).
json_check() {
	local out
	out=$(pc -j pod show) || return 1
	jq -e "(map({key: .ifname, value: .}) | from_entries) as \$p | $1" <<<"$out" >/dev/null ||
		{ echo "not ($1):"; echo "${out:0:2000}"; return 1; }
}

# show_is IFNAME LINE [dev DEV]: the first line of "pod show [dev DEV] IFNAME" is LINE.
show_is() {
	local got
	got=$(pc pod show "${@:3}" "$1") || return 1
	got=${got%%$'\n'*}
	[ "$got" = "$2" ] || { echo "got:  $got"; echo "want: $2"; return 1; }
}

no_pods() {
	local out
	out=$(pc pod show "$@")
	[ -z "$out" ] || { echo "$out"; return 1; }
}

tap_plan 46
setup_ns A
if ! { ip -n "$A" link add pn0 type podnet && ip -n "$A" link set pn0 up &&
	ip -n "$A" link add pn1 type podnet && ip -n "$A" link set pn1 up; }; then
	ksft_fail "cannot create pn0, pn1"
fi
veth veth1 veth2 veth3 veth4 || ksft_fail "cannot create veths"
mac1=$(mac pveth1)

# --- pod add / show / del ---
check "pod add veth1 dev pn0 ip 10.244.1.2 ip fd00::2" \
	pc pod add veth1 dev pn0 ip 10.244.1.2 ip fd00::2
check "pod show veth1: the pod line (MAC of the peer)" \
	show_is veth1 "veth1 dev pn0 mac $mac1 ip 10.244.1.2 fd00::2"
check "pod show: counters line" \
	has_line '    rx +([0-9]) pkts +([0-9]) bytes  tx +([0-9]) pkts +([0-9]) bytes  drop spoof +([0-9]) proto +([0-9]) neigh +([0-9]) tx +([0-9])  switched +([0-9])' pc pod show
# The counters may move between the two calls (the pod's IPv6 DAD, router
# solicitations): numbers aside, the same text.
# shellcheck disable=SC2317
same_text() { # "pod" and "pod show", numbers aside
	local a b
	a=$(pc pod) && b=$(pc pod show) || return 1
	a=${a//+([0-9])/N} b=${b//+([0-9])/N}
	[ "$a" = "$b" ] || { echo "$a"; echo "$b"; return 1; }
}
check "pod (alone) is pod show" same_text
check "-j pod show: the pod as JSON" \
	json_check 'length == 1 and $p.veth1.dev == "pn0" and $p.veth1.addrs == ["10.244.1.2", "fd00::2"] and $p.veth1.mac == "'"$mac1"'" and $p.veth1.ifindex > 0 and ($p.veth1.stats | keys) == (["rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drop_spoof", "drop_proto", "drop_neigh", "drop_tx", "switched"] | sort)'
# shellcheck disable=SC2317
pretty_json() { # -j -p: JSON over more than one line
	local out
	out=$(pc -j -p pod show) && [[ "$out" == *$'\n'* ]] && jq -e . <<<"$out" >/dev/null
}
check "-j -p pod show is valid JSON, pretty" pretty_json
check "pod add veth2 with a given MAC" \
	pc pod add veth2 dev pn0 ip 10.244.1.3 mac 02:00:00:00:00:02
check "pod show dev pn0 veth2" \
	show_is veth2 "veth2 dev pn0 mac 02:00:00:00:00:02 ip 10.244.1.3" dev pn0
check "pod show dev pn1: empty" no_pods dev pn1
check "pod show dev pn0: two pods" count_lines 2 "* dev pn0 *" pc pod show dev pn0

# --- kernel errors: one line, naming what was typed ---
check "no such pod device: names it" \
	errline "podnetctl: *\`veth9'" pc pod add veth9 dev pn0 ip 10.244.1.9
check "no such podnet device: names it" \
	errline "podnetctl: *\`pn9'" pc pod add veth3 dev pn9 ip 10.244.1.9
check "not a podnet device: names it" \
	errline "podnetctl: *\`veth4'" pc pod add veth3 dev veth4 ip 10.244.1.9
check "address bound to another pod: names it" \
	errline "podnetctl: *\`10.244.1.2'" pc pod add veth3 dev pn0 ip 10.244.1.9 ip 10.244.1.2
check "pod show of a port of another device" \
	errline "podnetctl: *" pc pod show dev pn1 veth1
check "pod del of a device that is not a port" \
	errline "podnetctl: *\`veth3'" pc pod del veth3
check "nothing changed by the failures" \
	count_lines 2 "* dev *" pc pod show
check "pod del veth1" pc pod del veth1
check "veth1 is gone" errline "podnetctl: *\`veth1'" pc pod show veth1
check "pod del veth2" pc pod del veth2
check "no pods left" no_pods

# --- batches ---
printf 'pod add veth1 dev pn0 ip 10.244.1.2\npod add veth2 dev pn0 ip 10.244.1.3\n# the next one fails\npod add veth3 dev pn0 ip 10.244.1.4 ip 10.244.1.2\n' >"$tmp/b1"
check "batch: line 4 refused, reported as line 4" \
	errline "podnetctl: line 4: *\`10.244.1.2'" pc -b "$tmp/b1"
check "batch: lines 1-2 undone" no_pods

pc pod add veth1 dev pn0 ip 10.244.1.2 ip fd00::2 mac 02:00:00:00:00:01
printf 'pod del veth1\npod add veth2 dev pn0 ip 10.244.1.2\npod add veth3 dev pn0 ip 10.244.1.2\n' >"$tmp/b2"
check "batch: del, add, failing add" \
	errline "podnetctl: line 3: *\`10.244.1.2'" pc -b "$tmp/b2"
check "batch: the deleted pod is back as it was" \
	show_is veth1 "veth1 dev pn0 mac 02:00:00:00:00:01 ip 10.244.1.2 fd00::2"
check "batch: the added pod is gone" errline "podnetctl: *\`veth2'" pc pod show veth2

ip -n "$A" link set veth4 master pn0
printf 'pod add veth4 dev pn0 ip 10.244.1.5\npod add veth3 dev pn9 ip 10.244.1.6\n' >"$tmp/b3"
check "batch: binding an address-less port, then a failure" \
	errline "podnetctl: line 2: *\`pn9'" pc -b "$tmp/b3"
check "batch: the port is attached again, without addresses" \
	eval 'has_line "* master pn0 *" ip -n "$A" link show veth4 && show_is veth4 "veth4 dev pn0 mac $(mac pveth4)"'
# undo_fails: the same batch with no file descriptor left for the
# rtnetlink socket that attaching the port again needs: exit 3, the
# failure and the line that could not be undone reported.
# shellcheck disable=SC2317
undo_fails() {
	local out rc
	out=$(
		exec 2>&1 >/dev/null
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-"
		done
		ulimit -n 4
		pc -b "$tmp/b3")
	rc=$?
	[ $rc -eq 3 ] && [[ "$out" == "podnetctl: line 2: "*"\`pn9'"$'\n'"podnetctl: line 1: cannot undo \`pod add veth4 dev pn0 ip 10.244.1.5': "* ]] ||
		{ echo "exit $rc: $out"; return 1; }
}
check "batch whose undo fails: exit 3, the line not undone named" undo_fails
ip -n "$A" link set veth4 nomaster

printf 'pod del veth1\npod add veth1 dev pn0 ip 10.244.1.2\npod add veth2 dev pn0 ip fd00::2\npod show\n' >"$tmp/b4"
check "batch: a good batch applies every line" pc -b "$tmp/b4"
check "batch: ... and its result" \
	show_is veth2 "veth2 dev pn0 mac $(mac pveth2) ip fd00::2"
check "batch from stdin" pc -b - <<<$'pod del veth1\npod del veth2'
check "no pods left" no_pods

# --- a dump over many recvmsg() calls ---
n=150
for ((i = 1; i <= n; i++)); do echo "link add m$i type veth peer name pm$i"; done >"$tmp/links"
ip -n "$A" -b "$tmp/links"
for ((i = 1; i <= n; i++)); do echo "pod add m$i dev pn1 ip 10.245.$((i / 200)).$((i % 200 + 1)) ip fd01::$i"; done >"$tmp/pods"
check "batch of $n pod adds" pc -b "$tmp/pods"
check "pod show dev pn1: $n pods" count_lines $n "* dev pn1 *" pc pod show dev pn1
check "-j pod show: $n pods" json_check "length == $n"

# --- save: a batch that restores everything ---
pc -b - <<'EOF2'
service add 10.96.0.10:80/tcp sched maglev affinity 600 nodeport 30080 external 192.0.2.10 external 192.0.2.11 policy local masquerade
endpoint set 10.96.0.10:80/tcp 10.245.0.2:8080,10.245.0.3:8080,10.245.0.4:8080
endpoint add 10.96.0.10:80/tcp 10.245.0.3:8080 weight 7 local
endpoint add 10.96.0.10:80/tcp 10.245.0.4:8080 terminating
service add [fd00::10]:53/udp sched rr
service add 10.96.0.11:53/sctp
endpoint set 10.96.0.11:53/sctp 10.245.0.5:53
EOF2
pc save >"$tmp/save1"
# The save, turned into deletions: everything goes, then comes back.
sed -n 's/^pod add \([^ ]*\) .*/pod del \1/p; s/^service add \([^ ]*\) .*/service del \1/p' \
	"$tmp/save1" | pc -b -
# shellcheck disable=SC2317
restored() {
	[ -z "$(pc pod show)$(pc service show)" ] || { echo "not all deleted"; return 1; }
	pc -b "$tmp/save1" && pc save >"$tmp/save2" &&
		[ "$(grep -c . "$tmp/save1")" -gt $((n + 7)) ] &&
		diff -u <(sort "$tmp/save1") <(sort "$tmp/save2")
}
check "save, delete all, restore with -b: save prints the same ($n pods, 3 services)" restored

# --- monitor ---
# mon_probe FILE REGEX: the add of a probe pod shows up in FILE (the monitor
# listens; a monitor that subscribed between the add and the del saw only the
# del, so the probe goes again).
# shellcheck disable=SC2317
mon_probe() {
	pc -b - >/dev/null 2>&1 <<<$'pod add veth3 dev pn0 ip 10.244.9.9\npod del veth3'
	grep -q -e "$2" "$1"
}
# shellcheck disable=SC2317
mon_events() { # FILE FROM: the veth1 events from line FROM on are an add and a del
	tail -n +"$2" "$1" | jq -e -s 'map(select(.pod.ifname == "veth1") | [.event, .pod.ifname, .pod.addrs, .pod.mac])
		== [["pod_add", "veth1", ["10.244.1.2"], "02:00:00:00:00:01"], ["pod_del", "veth1", ["10.244.1.2"], "02:00:00:00:00:01"]]' >/dev/null
}
pc -j monitor >"$tmp/mon" 2>"$tmp/mon.err" &
monitor_pid=$!
busywait 10000 mon_probe "$tmp/mon" '"pod_add".*"veth3"' >/dev/null
lines=$(wc -l <"$tmp/mon")
pc pod add veth1 dev pn0 ip 10.244.1.2 mac 02:00:00:00:00:01
ip -n "$A" link del veth1
check "-j monitor: pod_add, then pod_del when the device goes" busywait 5000 mon_events "$tmp/mon" $((lines + 1))
kill "$monitor_pid"
wait "$monitor_pid" 2>/dev/null
monitor_pid=
pc monitor >"$tmp/mon2" &
monitor_pid=$!
busywait 10000 mon_probe "$tmp/mon2" '^pod add veth3 ' >/dev/null
check "monitor: human lines" \
	has_line "pod add veth3 dev pn0 mac $(mac pveth3) ip 10.244.9.9" cat "$tmp/mon2"
kill "$monitor_pid"
wait "$monitor_pid" 2>/dev/null
monitor_pid=

# --- without CAP_NET_ADMIN (root, the capability out of its bounding set) ---
# nocap WANT ARG...: podnetctl ARG... fails with exit 2 and one line WANT.
nocap() {
	local want=$1 out rc
	shift
	pntv out run "$A" timeout 10 setpriv --bounding-set=-net_admin podnetctl "$@"
	rc=$?
	# shellcheck disable=SC2053 # a glob
	[ $rc -eq 2 ] && [[ "$out" == $want ]] || { echo "exit $rc: $out"; return 1; }
}
check "without CAP_NET_ADMIN: pod show is refused" \
	nocap "podnetctl: *Operation not permitted*" pod show
check "without CAP_NET_ADMIN: the events group cannot be joined" \
	nocap "podnetctl: cannot join the multicast group \`events': Operation not permitted" monitor
# Every command of the family, well formed, and the three dumps (nlfuzz eperm).
eperm_all() {
	local out
	pntv out run "$A" timeout 10 setpriv --bounding-set=-net_admin \
		"$(cd "$(dirname "$0")" && pwd)/lib/nlfuzz" eperm
	echo "$out"
	[[ "$out" == *"eperm: $1 requests, $1 refused with EPERM" ]]
}
check "without CAP_NET_ADMIN: each of the 15 commands and the 3 dumps refused with EPERM" eperm_all 18

# --- namespaces ---
check "-n: another netns has no pods" eval '[ -z "$(podnetctl pod show)" ]'
check "-n PATH: /run/netns/A is A" \
	eval '[ -n "$(pc pod show)" ] && [ "$(podnetctl -n "/run/netns/$A" pod show)" = "$(pc pod show)" ]'
# shellcheck disable=SC2317
proc_path() { # the namespace of a process in A, as a CNI runtime names it
	local pid out
	# Not through pc: $! would be the subshell running the function.
	podnetctl -n "$A" monitor >/dev/null &
	pid=$!
	# In A once it has called setns() (test -ef: the same nsfs inode).
	busywait 5000 test "/proc/$pid/ns/net" -ef "/run/netns/$A" >/dev/null ||
		{ kill "$pid"; echo "the monitor never entered A"; return 1; }
	out=$(podnetctl -n "/proc/$pid/ns/net" pod show)
	kill "$pid"
	wait "$pid" 2>/dev/null
	[ -n "$out" ] && [ "$out" = "$(pc pod show)" ] || { echo "$out"; return 1; }
}
check "-n /proc/PID/ns/net: a process's namespace (a podnetctl in A)" proc_path
check "-n: a netns that does not exist" \
	errline "podnetctl: cannot open network namespace \`no-such-ns-$$': *" podnetctl -n "no-such-ns-$$" pod show

exit_tests
