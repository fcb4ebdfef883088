#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# podnetctl's command line and batch parsing, without a kernel module.
#
# Every error case runs with "-n <a netns that does not exist>": podnetctl
# parses everything before it enters the namespace and opens its socket, so
# the parse error must be what it prints (not "cannot open network
# namespace"), exactly one line, with exit code 1 (a usage error) and
# nothing on stdout. What fails after parsing exits 2.
# Valid commands run with --dry-run, which prints each parsed command in
# canonical form and sends nothing.
#
# Usage: tools/tests/cli-parse.sh [PODNETCTL]   (TAP output; exit 0 or 1)

here=$(cd "$(dirname "$0")" && pwd)
P=${1:-$here/../podnetctl/podnetctl}
[ -x "$P" ] || { echo "cli-parse.sh: $P not built (make -C tools)" >&2; exit 1; }

NONS=podnetctl-cli-parse-no-such-netns
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail_test() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	printf '#   %s\n' "$@"
}

# verdict NAME DETAIL: pass if the last command succeeded, else fail.
verdict() {
	if [ $? -eq 0 ]; then
		pass "$1"
	else
		fail_test "$1" "$2"
	fi
}

# run ARGS...: run podnetctl; $out, $err, $rc
run() {
	"$P" "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# error EXPECTED ARGS...: podnetctl -n NONS ARGS fails with exactly the
# line "podnetctl: EXPECTED", exit 1, nothing on stdout.
error() {
	local want="podnetctl: $1"
	shift
	run -n "$NONS" "$@"
	if [ "$rc" -eq 1 ] && [ "$err" = "$want" ] && [ -z "$out" ]; then
		pass "error: $*"
	else
		fail_test "error: $*" "want: $want (exit 1)" "got:  $err (exit $rc)" \
			"stdout: $out"
	fi
}

# parses EXPECTED ARGS...: podnetctl --dry-run ARGS prints EXPECTED, exit 0.
parses() {
	local want=$1
	shift
	run --dry-run "$@"
	if [ "$rc" -eq 0 ] && [ "$out" = "$want" ] && [ -z "$err" ]; then
		pass "parses: $*"
	else
		fail_test "parses: $*" "want: $want" "got:  $out (exit $rc)" "stderr: $err"
	fi
}

# batch_error EXPECTED FILE-CONTENT: -b FILE fails with EXPECTED.
batch_error() {
	printf '%b' "$2" >"$tmp/batch"
	error "$1" -b "$tmp/batch"
}

echo "TAP version 13"

# --- global options ---
error "missing command; try \`podnetctl help'"
error "unknown option \`-x'" -x pod
error "unknown option \`--bogus'" --bogus pod
error "apply: --healthz-bind-address \`10.0.0.1:x': ADDR:PORT, e.g. 0.0.0.0:10256" \
	apply -f - --healthz-bind-address 10.0.0.1:x
error "apply: --healthz-bind-address \`[::]:0': ADDR:PORT, e.g. 0.0.0.0:10256" \
	apply -f - --healthz-bind-address '[::]:0'
error "apply: --healthz-bind-address: \`node-1' is not an IP address" \
	apply -f - --healthz-bind-address node-1:10256
# Go's durations (time.ParseDuration), from kube-proxy's --min-sync-period
# (1s) to a day.
for d in 0 10 1x 0s 25h 1.5 -1s s 1m30 500ms 999999µs 1e3s 0x10s . 24h1ns; do
	error "apply: --sync-period \`$d': a duration from 1s to 24h, e.g. 30s or 1m30s" \
		apply -f - --sync-period "$d"
done
# Those it takes: the run goes on to the namespace, which is not there.
for d in 1m30s 1.5h 2h22m 24h 1s +2s 1000ms .5m 1.s 1000000us; do
	run -n "$NONS" apply -f - --sync-period "$d"
	[ "$rc" -eq 2 ] && [[ "$err" == "podnetctl: cannot open network namespace"* ]]
	verdict "apply --sync-period $d: a duration" "got: $err (exit $rc)"
done
run -n
[ "$rc" -eq 1 ] && [ "$err" = "podnetctl: option \`-n' needs an argument" ]
verdict "error: -n without argument" "got: $err (exit $rc)"
error "invalid network namespace name \`..'" -n .. pod show
# Options go before the command: after it, they are not names.
error "option \`-j' after the command: options go first (podnetctl -j pod ...)" pod show -j
error "option \`--json' after the command: options go first (podnetctl --json monitor ...)" monitor --json
batch_error "line 1: option \`-p' after the command: options go first (podnetctl -p service ...)" \
	"service show -p\n"
error "unknown command \`frobnicate'" frobnicate
error "unexpected argument \`pod' after -b /dev/null" -b /dev/null pod
run -V
[ "$rc" -eq 0 ] && [[ "$out" == "podnetctl "* ]]
verdict "-V" "got: $out"
run --help
[[ "$out" == *"--dry-run"* && "$out" == *"Exit status: 0 done, 1 usage error"* ]]
verdict "--help: --dry-run and the exit statuses" "got: $out"
for h in -h --help help "help pod" "help p" "pod help" "monitor help" "help save"; do
	# shellcheck disable=SC2086
	run $h
	[ "$rc" -eq 0 ] && [[ "$out" == Usage:* ]] && [ -z "$err" ]
	verdict "$h: usage on stdout, exit 0" "got: $out / $err (exit $rc)"
done
error "unknown command \`nope'" help nope
error "help: unexpected argument \`b'" help pod b

# --- pod add ---
error "pod add needs the pod's interface name" pod add
error "pod add needs \`dev DEV'" pod add veth1 ip 10.0.0.1
error "pod add needs \`ip ADDR'" pod add veth1 dev pn0
error "invalid address \`10.0.0.300'" pod add veth1 dev pn0 ip 10.0.0.300
error "invalid address \`10.0.0.1/24': a pod address takes no prefix length" \
	pod add veth1 dev pn0 ip 10.0.0.1/24
error "invalid address \`fd00::1/64': a pod address takes no prefix length" \
	pod add veth1 dev pn0 ip fd00::1/64
error "invalid address \`10.0.0'" pod add veth1 dev pn0 ip 10.0.0.1 10.0.0
error "pod add: unexpected argument \`pn1'" pod add veth1 dev pn0 ip 10.0.0.1 pn1
error "invalid address \`pn1'" pod add veth1 dev pn0 ip pn1
error "invalid address \`0.0.0.0': in 0.0.0.0/8" pod add veth1 dev pn0 ip 0.0.0.0
error "invalid address \`127.0.0.1': loopback" pod add veth1 dev pn0 ip 127.0.0.1
error "invalid address \`224.0.0.5': multicast" pod add veth1 dev pn0 ip 224.0.0.5
error "invalid address \`255.255.255.255': broadcast" pod add veth1 dev pn0 ip 255.255.255.255
error "invalid address \`::': unspecified" pod add veth1 dev pn0 ip ::
error "invalid address \`::1': loopback" pod add veth1 dev pn0 ip ::1
error "invalid address \`ff02::1': multicast" pod add veth1 dev pn0 ip ff02::1
error "invalid address \`fe80::1': link-local" pod add veth1 dev pn0 ip fe80::1
error "invalid address \`::ffff:10.0.0.1': IPv4-mapped (give the IPv4 address)" \
	pod add veth1 dev pn0 ip ::ffff:10.0.0.1
error "duplicate address \`10.0.0.1'" pod add veth1 dev pn0 ip 10.0.0.1 ip 10.0.0.1
error "duplicate address \`fd00:0::1'" pod add veth1 dev pn0 ip fd00::1 fd00:0::1
error "too many addresses at \`10.0.0.9' (a pod has at most 8)" \
	pod add veth1 dev pn0 ip 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 \
	10.0.0.6 10.0.0.7 10.0.0.8 10.0.0.9
error "\`ip' needs an address" pod add veth1 dev pn0 ip
error "\`ip' needs an address" pod add veth1 dev pn0 ip mac 02:00:00:00:00:01
error "\`dev' needs a podnet device name" pod add veth1 ip 10.0.0.1 dev
error "duplicate \`dev pn1'" pod add veth1 dev pn0 dev pn1 ip 10.0.0.1
error "invalid MAC address \`02:00:00:00:00'" pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00
error "invalid MAC address \`02:00:00:00:00:0g'" pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:0g
error "invalid MAC address \`02:00:00:00:00:001'" pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:001
error "invalid MAC address \`2:0:0:0:0:1'" pod add veth1 dev pn0 ip 10.0.0.1 mac 2:0:0:0:0:1
error "invalid MAC address \`01:00:5e:00:00:01': multicast" \
	pod add veth1 dev pn0 ip 10.0.0.1 mac 01:00:5e:00:00:01
error "invalid MAC address \`00:00:00:00:00:00': all zero" \
	pod add veth1 dev pn0 ip 10.0.0.1 mac 00:00:00:00:00:00
error "\`mac' needs a MAC address" pod add veth1 dev pn0 ip 10.0.0.1 mac
error "duplicate \`mac 02:00:00:00:00:02'" \
	pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:01 mac 02:00:00:00:00:02
error "interface name \`veth0123456789ab' is too long (at most 15 characters)" \
	pod add veth0123456789ab dev pn0 ip 10.0.0.1
error "device name \`pn0123456789abcd' is too long (at most 15 characters)" \
	pod add veth1 dev pn0123456789abcd ip 10.0.0.1
error "invalid interface name \`a/b': no '/', ':' or white space allowed" \
	pod add a/b dev pn0 ip 10.0.0.1
error "invalid device name \`..'" pod add veth1 dev .. ip 10.0.0.1
error "pod add: unexpected argument \`weight'" pod add veth1 dev pn0 ip 10.0.0.1 weight 3

parses "pod add veth1 dev pn0 ip 10.244.1.2" pod add veth1 dev pn0 ip 10.244.1.2
parses "pod add veth1 dev pn0 ip 10.244.1.2 ip fd00::2 mac aa:bb:cc:dd:ee:0f" \
	pod add veth1 ip 10.244.1.2 mac AA:BB:CC:DD:EE:0F dev pn0 ip fd00:0:0::2
parses "pod add veth1 dev pn0 ip 10.244.1.2 ip fd00::2" \
	pod add veth1 dev pn0 ip 10.244.1.2 fd00::2
parses "pod add veth1 dev pn0 ip 10.0.0.1 ip 10.0.0.2 ip 10.0.0.3 ip 10.0.0.4 ip 10.0.0.5 ip 10.0.0.6 ip 10.0.0.7 ip 10.0.0.8" \
	pod add veth1 dev pn0 ip 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 \
	10.0.0.6 10.0.0.7 10.0.0.8
parses "pod add veth0123456789a dev pn0 ip 10.0.0.1" pod add veth0123456789a dev pn0 ip 10.0.0.1
parses "pod add dev dev pn0 ip 10.0.0.1" pod add dev dev pn0 ip 10.0.0.1

# --- pod del, pod show, abbreviations ---
error "pod del needs the pod's interface name" pod del
error "pod del: unexpected argument \`dev'" pod del veth1 dev pn0
error "pod show: unexpected argument \`veth2'" pod show veth1 veth2
error "\`dev' needs a podnet device name" pod show dev
error "unknown pod command \`frob'" pod frob
error "unknown pod command \`veth1'" pod veth1
parses "pod del veth1" pod del veth1
parses "pod del veth1" pod delete veth1
parses "pod del veth1" p d veth1
parses "pod add veth1 dev pn0 ip 10.0.0.1" p a veth1 dev pn0 ip 10.0.0.1
parses "pod show" pod
parses "pod show" p
parses "pod show" pod show
parses "pod show" pod list
parses "pod show" pod s
parses "pod show dev pn0" pod show dev pn0
parses "pod show veth1" pod show veth1
parses "pod show dev pn0 veth1" pod show veth1 dev pn0
parses "pod show dev pn0 veth1" -j -p pod show dev pn0 veth1
parses "monitor" monitor
parses "monitor" -j m
error "monitor: unexpected argument \`pod'" monitor pod
parses "save" save
error "save: unexpected argument \`pod'" save pod
batch_error "line 1: \`save' cannot be used in a batch" "save\n"

# --- service add, del, show ---
S=10.96.0.10:53/udp
error "service add needs a service (ADDR:PORT/PROTO)" service add
error "invalid service \`10.96.0.10:0/udp': port must be a number from 1 to 65535" service add 10.96.0.10:0/udp
error "invalid service \`10.96.0.10:65536/udp': port must be a number from 1 to 65535" service add 10.96.0.10:65536/udp
error "invalid service \`10.96.0.10:dns/udp': port must be a number from 1 to 65535" service add 10.96.0.10:dns/udp
error "invalid service \`10.96.0.10:53/icmp': unknown protocol \`icmp' (tcp, udp or sctp)" service add 10.96.0.10:53/icmp
error "invalid service \`10.96.0.10:53': expected ADDR:PORT/PROTO" service add 10.96.0.10:53
error "invalid service \`10.96.0.10:53/': expected ADDR:PORT/PROTO" service add 10.96.0.10:53/
error "invalid service \`10.96.0.10/udp': expected ADDR:PORT/PROTO" service add 10.96.0.10/udp
error "invalid service \`fd00::10:80/tcp': an IPv6 address goes in brackets, [ADDR]:PORT" \
	service add fd00::10:80/tcp
error "invalid service \`[fd00::10:80/tcp': missing \`]'" service add "[fd00::10:80/tcp"
error "invalid service \`[fd00::10]80/tcp': expected \`:PORT' after \`]'" service add "[fd00::10]80/tcp"
error "invalid service \`fd00::10]:80/tcp': misplaced bracket" service add "fd00::10]:80/tcp"
error "invalid service \`[10.96.0.10]:80/tcp': only an IPv6 address goes in brackets" \
	service add "[10.96.0.10]:80/tcp"
error "invalid service \`[]:80/tcp': expected ADDR:PORT/PROTO" service add "[]:80/tcp"
error "invalid service \`10.96.0.10/32:53/udp': an address takes no prefix length" \
	service add 10.96.0.10/32:53/udp
error "invalid address \`10.96.0.300'" service add 10.96.0.300:53/udp
error "invalid address \`ff02::1': multicast" service add "[ff02::1]:53/udp"
error "invalid affinity timeout \`0' (1 to 86400 seconds)" service add $S affinity 0
error "invalid affinity timeout \`86401' (1 to 86400 seconds)" service add $S affinity 86401
error "invalid affinity timeout \`3h' (1 to 86400 seconds)" service add $S affinity 3h
error "duplicate \`affinity 60'" service add $S affinity affinity 60
error "unknown scheduler \`wrr'" service add $S sched wrr
error "\`sched' needs random, rr or maglev" service add $S sched
error "duplicate \`sched maglev'" service add $S sched rr sched maglev
error "unknown policy \`global'" service add $S policy global
error "\`policy' needs cluster or local" service add $S policy
error "invalid NodePort \`0' (1 to 65535)" service add $S nodeport 0
error "invalid NodePort \`65536' (1 to 65535)" service add $S nodeport 65536
error "\`nodeport' needs a port" service add $S nodeport
error "duplicate \`nodeport 30054'" service add $S nodeport 30053 nodeport 30054
error "\`external' needs an address" service add $S external
error "\`external' needs an address" service add $S external policy local
error "invalid external address \`fd00::1': not IPv4 like the service" service add $S external fd00::1
error "invalid external address \`192.0.2.1': not IPv6 like the service" \
	service add "[fd00::10]:53/udp" external 192.0.2.1
error "invalid external address \`10.96.0.10': it is the service's address" service add $S external 10.96.0.10
error "duplicate external address \`192.0.2.1'" service add $S external 192.0.2.1 external 192.0.2.1
error "invalid external address \`192.0.2.1/32': an address takes no prefix length" \
	service add $S external 192.0.2.1/32
error "too many external addresses at \`192.0.2.17' (at most 16)" \
	service add $S external $(seq -f 192.0.2.%g 1 17)
error "duplicate \`masquerade'" service add $S masquerade masquerade
error "service add: unexpected argument \`weight'" service add $S weight 2
error "service add: unexpected argument \`10.244.1.2:53'" service add $S 10.244.1.2:53
error "service del needs a service (ADDR:PORT/PROTO)" service del
error "service del: unexpected argument \`sched'" service del $S sched rr
error "service show: unexpected argument \`x'" service show $S x
error "unknown service command \`set'" service set $S

parses "service add 10.96.0.10:53/udp" service add 10.96.0.10:53/udp
parses "service add 10.96.0.10:53/udp sched rr affinity 10800 nodeport 30053 external 192.0.2.10 policy local masquerade" \
	service add 10.96.0.10:53/udp sched rr affinity nodeport 30053 external 192.0.2.10 policy local masquerade
parses "service add 10.96.0.10:53/udp sched maglev affinity 60 external 192.0.2.10 external 192.0.2.11 policy cluster" \
	service add 10.96.0.10:53/UDP policy c external 192.0.2.10 192.0.2.11 affinity 60 sched m
parses "service add [fd00::10]:80/tcp external fd00::20" service add "[fd00:0::10]:80/tcp" external fd00::20
parses "service add 10.96.0.10:80/sctp affinity 86400 nodeport 1" \
	service add 10.96.0.10:80/sctp affinity 86400 nodeport 1
parses "service change 10.96.0.10:53/udp sched rr nodeport 30053" s c 10.96.0.10:53/udp nodeport 30053 sched rr
parses "service change 10.96.0.10:53/udp" service replace 10.96.0.10:53/udp
error "service change needs a service (ADDR:PORT/PROTO)" service change
error "service change: unexpected argument \`10.244.1.2:53'" service change 10.96.0.10:53/udp 10.244.1.2:53
parses "service del 10.96.0.10:53/udp" service del 10.96.0.10:53/udp
parses "service del 10.96.0.10:53/udp" s d 10.96.0.10:53/udp
parses "service show" service
parses "service show" service list
parses "service show [fd00::10]:80/tcp" service show "[fd00::10]:80/tcp"
for h in "help service" "help s" "service help" "help endpoint" "endpoint help"; do
	# shellcheck disable=SC2086
	run $h
	[ "$rc" -eq 0 ] && [[ "$out" == Usage:* ]] && [ -z "$err" ]
	verdict "$h: usage on stdout, exit 0" "got: $out / $err (exit $rc)"
done

# --- endpoint add, del, set ---
error "endpoint needs a command: add, del or set" endpoint
error "unknown endpoint command \`show'" endpoint show
error "endpoint add needs a service (ADDR:PORT/PROTO)" endpoint add
error "endpoint add needs an endpoint (ADDR:PORT)" endpoint add $S
error "invalid endpoint \`10.244.1.2': expected ADDR:PORT" endpoint add $S 10.244.1.2
error "invalid endpoint \`10.244.1.2:0': port must be a number from 1 to 65535" endpoint add $S 10.244.1.2:0
error "invalid endpoint \`fd00::2:8080': an IPv6 address goes in brackets, [ADDR]:PORT" \
	endpoint add "[fd00::10]:80/tcp" fd00::2:8080
error "invalid endpoint \`[fd00::2]8080': expected \`:PORT' after \`]'" \
	endpoint add "[fd00::10]:80/tcp" "[fd00::2]8080"
error "invalid endpoint \`[fd00::2]:8080': not IPv4 like the service" endpoint add $S "[fd00::2]:8080"
error "invalid endpoint \`10.244.1.2:8080': not IPv6 like the service" \
	endpoint add "[fd00::10]:80/tcp" 10.244.1.2:8080
error "invalid address \`127.0.0.1': loopback" endpoint add $S 127.0.0.1:53
error "invalid weight \`0' (1 to 65535)" endpoint add $S 10.244.1.2:5353 weight 0
error "invalid weight \`65536' (1 to 65535)" endpoint add $S 10.244.1.2:5353 weight 65536
error "\`weight' needs a number" endpoint add $S 10.244.1.2:5353 weight
error "duplicate \`weight 3'" endpoint add $S 10.244.1.2:5353 weight 2 weight 3
error "duplicate \`local'" endpoint add $S 10.244.1.2:5353 local local
error "endpoint add: unexpected argument \`ready'" endpoint add $S 10.244.1.2:5353 ready
error "endpoint del needs an endpoint (ADDR:PORT)" endpoint del $S
error "endpoint del: unexpected argument \`weight'" endpoint del $S 10.244.1.2:5353 weight 1
error "endpoint set needs endpoints (ADDR:PORT[,ADDR:PORT]...) or \`none'" endpoint set $S
error "endpoint set: unexpected argument \`10.244.1.2:1' after \`none'" endpoint set $S none 10.244.1.2:1
error "endpoint set: \`none' goes alone" endpoint set $S 10.244.1.2:1,none
error "invalid endpoint list \`10.244.1.2:1,,10.244.1.3:1': empty endpoint" \
	endpoint set $S 10.244.1.2:1,,10.244.1.3:1
error "invalid endpoint list \`10.244.1.2:1,': empty endpoint" endpoint set $S 10.244.1.2:1,
error "duplicate endpoint \`10.244.1.2:1'" endpoint set $S 10.244.1.2:1,10.244.1.3:1 10.244.1.2:1
error "invalid endpoint \`[fd00::1]:2': not IPv4 like the service" endpoint set $S "10.244.1.2:1,[fd00::1]:2"
# The most that fit in one netlink attribute (its length is 16 bits).
eps=$(for i in $(seq 0 2730); do printf '10.244.%d.%d:80,' $((i / 250)) $((i % 250 + 1)); done)
batch_error "line 1: too many endpoints at \`10.244.10.231:80' (at most 2730 in one set)" \
	"endpoint set $S ${eps%,}\n"
batch_error "line 1: too many endpoints at \`[fd00::71d]:80' (at most 1820 in one set)" \
	"endpoint set [fd00::10]:80/tcp $(for i in $(seq 1 1821); do printf '[fd00::%x]:80 ' "$i"; done)\n"

parses "endpoint add 10.96.0.10:53/udp 10.244.1.2:5353" endpoint add $S 10.244.1.2:5353
parses "endpoint add 10.96.0.10:53/udp 10.244.1.2:5353 weight 3 local terminating" \
	endpoint add $S 10.244.1.2:5353 terminating weight 3 local
parses "endpoint add [fd00::10]:80/tcp [fd00::2]:8080" e a "[fd00::10]:80/tcp" "[fd00:0::2]:8080"
parses "endpoint del 10.96.0.10:53/udp 10.244.1.2:5353" endpoint delete $S 10.244.1.2:5353
parses "endpoint set 10.96.0.10:53/udp 10.244.1.2:5353,10.244.1.3:5353,10.244.1.4:53" \
	endpoint set $S 10.244.1.2:5353,10.244.1.3:5353 10.244.1.4:53
parses "endpoint set 10.96.0.10:53/udp none" e s $S none

# --- batches ---
error "cannot open batch file \`$tmp/none': No such file or directory" -b "$tmp/none"
batch_error "line 3: invalid address \`10.0.0.300'" \
	"pod add veth1 dev pn0 ip 10.0.0.1\n\npod add veth2 dev pn0 ip 10.0.0.300\npod del veth3\n"
batch_error "line 4: unknown command \`podnetctl'" \
	"# pods\n  # indented comment\npod add veth1 dev pn0 ip 10.0.0.1 # two\npodnetctl pod del veth1\n"
batch_error "line 2: \`monitor' cannot be used in a batch" "pod show\nmonitor\n"
batch_error "line 1: pod add needs \`ip ADDR'" "pod add veth1 dev pn0 #ip 10.0.0.1\n"
batch_error "line 2: unknown command \`-j'" "pod show\n-j pod show\n"
# The error is on the first bad line, even if a later one is bad too.
batch_error "line 2: duplicate address \`10.0.0.2'" \
	"pod add a dev pn0 ip 10.0.0.1\npod add b dev pn0 ip 10.0.0.2 10.0.0.2\npod x\n"

# A bad service or endpoint line: nothing is sent, even for the lines before.
batch_error "line 3: invalid endpoint \`[fd00::2]:80': not IPv4 like the service" \
	"service add 10.96.0.10:80/tcp\nendpoint set 10.96.0.10:80/tcp 10.244.1.2:80\nendpoint add 10.96.0.10:80/tcp [fd00::2]:80\n"
batch_error "line 2: invalid affinity timeout \`0' (1 to 86400 seconds)" \
	"service del 10.96.0.10:80/tcp\nservice add 10.96.0.10:80/tcp affinity 0\n"
printf 'service add 10.96.0.10:80/tcp sched rr\nendpoint set 10.96.0.10:80/tcp 10.244.1.2:80,10.244.1.3:80\ne a 10.96.0.10:80/tcp 10.244.1.4:80 weight 2 # comment\nservice del 10.96.0.10:80/tcp\nservice show\n' >"$tmp/batch"
parses "service add 10.96.0.10:80/tcp sched rr
endpoint set 10.96.0.10:80/tcp 10.244.1.2:80,10.244.1.3:80
endpoint add 10.96.0.10:80/tcp 10.244.1.4:80 weight 2
service del 10.96.0.10:80/tcp
service show" -b "$tmp/batch"

printf 'pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:01 # comment\n\n# comment\n\tp d veth2\r\npod\n' >"$tmp/batch"
parses "pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:01
pod del veth2
pod show" -b "$tmp/batch"
STDIN=$tmp/batch parses "pod add veth1 dev pn0 ip 10.0.0.1 mac 02:00:00:00:00:01
pod del veth2
pod show" -b -
printf '\n# nothing\n' >"$tmp/batch"
parses "" -b "$tmp/batch"
# An empty batch needs no socket: it succeeds even in a missing netns.
run -n "$NONS" -b "$tmp/batch"
[ "$rc" -eq 0 ] && [ -z "$out$err" ]
verdict "empty batch: exit 0, no socket" "got: $err (exit $rc)"

# --- after parsing: the namespace and the socket ---
run -n "$NONS" pod show
[ "$rc" -eq 2 ] && [ "$err" = "podnetctl: cannot open network namespace \`$NONS': No such file or directory" ]
verdict "valid command: then the netns is entered (exit 2)" "got: $err (exit $rc)"
# A path names the namespace file itself (what a CNI runtime hands over).
run -n "$tmp/$NONS" pod show
[ "$rc" -eq 2 ] && [ "$err" = "podnetctl: cannot open network namespace \`$tmp/$NONS': No such file or directory" ]
verdict "-n PATH: the path is opened as it is" "got: $err (exit $rc)"
if [ ! -d /sys/module/podnet ]; then
	run -n /proc/self/ns/net pod show
	[ "$rc" -eq 2 ] && [ "$err" = "podnetctl: podnet module not loaded (modprobe podnet)" ]
	verdict "no module: podnet module not loaded, in -n /proc/self/ns/net (exit 2)" \
		"got: $err (exit $rc)"
fi

echo "1..$n"
[ "$failed" -eq 0 ] || echo "# $failed of $n failed"
exit $((failed > 0))
