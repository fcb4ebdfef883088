#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for podnet's network tests, in the style of the kernel's
# tools/testing/selftests/net/lib.sh. A test sources this file, then:
#
#	source "$(dirname "$0")/lib.sh"
#	require_podnet
#	tap_plan 2
#	setup_ns A B                 # $A, $B: new netns, lo up, removed at exit
#	check "add pn0" ip -n "$A" link add pn0 type podnet
#	check_fail "no second pn0" "*File exists*" ip -n "$A" link add pn0 type podnet
#	check "A reaches B" pnt ping "$A" 10.0.0.2   # the test driver, below
#	exit_tests                   # exit code: KSFT_PASS/FAIL/SKIP
#
# Every process costs about a second under the debug kernel's KASAN and
# lockdep: the helpers here start as few as they can. Exchanges, pings,
# taps, sysctls and counters go through pnt (tests/net/lib/pnt.c), one
# process for the whole test; configuration goes through "ip -b" batches;
# check runs its command in the test's own shell.
#
# A test that needs its own cleanup defines cleanup() and calls
# cleanup_all_ns from it; lib.sh has set "trap cleanup EXIT".
#
# Tests run as root inside the test VM (tests/vm/run), where PODNET_KO names
# the podnet.ko to insmod (with PODNET_MODPARAMS, tests/vm/run --param) and
# PODNET_KERNEL is debian or debug.

# shellcheck disable=SC2034 # for the tests
KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_SKIP=4

shopt -s extglob

ret=$KSFT_PASS
TAP_N=0
TAP_T=${EPOCHREALTIME/./} # when the last result was printed (us)
NS_LIST=()

: "${PODNET_REPO:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${PODNET_KO:=$PODNET_REPO/podnet.ko}" # (make's, outside tests/vm/run)

log() { echo "# $*"; }

# ksft_skip MESSAGE: skip the whole test.
ksft_skip() {
	echo "# SKIP: $*"
	exit $KSFT_SKIP
}

# ksft_fail MESSAGE: fail the whole test now.
ksft_fail() {
	echo "# FAIL: $*"
	exit $KSFT_FAIL
}

require_root() { [ "$(id -u)" -eq 0 ] || ksft_skip "needs root"; }

# require_cmd CMD...: skip unless every CMD is installed.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || ksft_skip "'$c' is not installed"
	done
}

# require_podnet: the podnet module is loaded (tests/vm/run loads it).
require_podnet() {
	require_root
	[ -d /sys/module/podnet ] || ksft_fail "the podnet module is not loaded"
}

podnet_insmod() {
	# shellcheck disable=SC2086 # (tests/vm/run --param: NAME=VALUE words)
	[ -d /sys/module/podnet ] || insmod "$PODNET_KO" ${PODNET_MODPARAMS:-}
}

# ret_merge RC: fold one result into $ret (FAIL beats SKIP beats PASS).
ret_merge() {
	local rc=$1
	if [ "$rc" -eq $KSFT_FAIL ] || [ "$ret" -eq $KSFT_FAIL ]; then
		ret=$KSFT_FAIL
	elif [ "$rc" -eq $KSFT_SKIP ] || [ "$ret" -eq $KSFT_SKIP ]; then
		ret=$KSFT_SKIP
	else
		ret=$KSFT_PASS
	fi
}

# pnt CMD ARG...: one command to the test driver (tests/net/lib/pnt.c, its
# top comment lists the commands), which setup_ns starts: what it prints on
# stdout, its exit code returned (3 if it gave no answer within
# $PNT_TIMEOUT seconds).
PNT_BIN=${PNT_BIN:-$PODNET_REPO/tests/net/lib/pnt}
PNT_TIMEOUT=${PNT_TIMEOUT:-300}
PNT_PID=
pnt() {
	local out rc
	pntv out "$@"
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	return $rc
}

# pntv VAR CMD ARG...: pnt, what it prints in $VAR instead of on stdout: no
# subshell, as "VAR=$(pnt ...)" would fork.
pntv() {
	local -n pnt_var=$1
	local line
	shift
	pnt_var=
	[ -n "$PNT_PID" ] || { pnt_var="pnt: not started (setup_ns starts it)"; return 3; }
	printf '%s\n' "$*" >&"${PNT[1]}"
	while IFS= read -r -t "$PNT_TIMEOUT" line <&"${PNT[0]}"; do
		case "$line" in
		'%% '*) return "${line#'%% '}" ;;
		esac
		pnt_var+=${pnt_var:+$'\n'}$line
	done
	pnt_var+=${pnt_var:+$'\n'}"pnt: no answer to '$*'"
	return 3
}

# pnt_start: start the test driver (once).
pnt_start() {
	[ -z "$PNT_PID" ] || return 0
	[ -x "$PNT_BIN" ] || ksft_fail "$PNT_BIN is not built (make -C tests/net/lib)"
	coproc PNT { exec "$PNT_BIN"; }
}

pnt_stop() {
	[ -n "$PNT_PID" ] || return 0
	kill "$PNT_PID" 2>/dev/null
	wait "$PNT_PID" 2>/dev/null
	PNT_PID=
}

# setup_ns NAME...: for each NAME, create a netns called NAME-XXXXXX, bring
# its lo up, and set (and export) $NAME to its name. One ip process for all.
setup_ns() {
	local name ns batch=() names=()
	pnt_start
	for name in "$@"; do
		printf -v ns '%s-%04x%04x' "$name" $RANDOM $RANDOM
		batch+=("netns add $ns")
		names+=("$ns")
		printf -v "$name" '%s' "$ns"
		export "${name?}"
	done
	printf '%s\n' "${batch[@]}" | ip -b - || { echo "# setup_ns: cannot create ${names[*]}"; return $KSFT_FAIL; }
	NS_LIST+=("${names[@]}")
	for ns in "${names[@]}"; do
		pnt up "$ns" lo || return $KSFT_FAIL
	done
}

# cleanup_ns NS...: delete these netns (and forget them); fails if one could
# not be deleted.
cleanup_ns() {
	local ns i rc=0
	for ns in "$@"; do
		ip netns delete "$ns" || rc=1
		for i in "${!NS_LIST[@]}"; do
			[ "${NS_LIST[$i]}" = "$ns" ] && unset "NS_LIST[$i]"
		done
	done
	return $rc
}

cleanup_all_ns() {
	local p
	pnt_stop
	[ ${#NS_LIST[@]} -eq 0 ] || cleanup_ns "${NS_LIST[@]}" 2>/dev/null
	fib_tracing_off
	for p in "${PARAMS_KEPT[@]}"; do
		echo "${p#*=}" >"/sys/module/podnet/parameters/${p%%=*}"
	done
}

# param_keep NAME...: podnet's module parameters NAME are set back to their
# values of now by cleanup_all_ns (the test changes them at will).
PARAMS_KEPT=()
param_keep() {
	local n
	for n in "$@"; do
		PARAMS_KEPT+=("$n=$(<"/sys/module/podnet/parameters/$n")") || return 1
	done
}

# link_gone NS DEV: DEV has left NS within 10 s. A veth whose peer was in a
# deleted netns goes when that netns is dismantled (cleanup_net(), which
# runs after "ip netns delete" returns): the sign that it was.
link_gone() {
	busywait 10000 link_absent "$1" "$2"
}
link_absent() {
	local out
	pntv out linkstat "$1" "$2" && { echo "$2 is still in $1"; return 1; }
	[[ "$out" == "no device $2" ]] || { echo "$out"; return 1; }
}

# The default cleanup; a test may define its own (calling cleanup_all_ns).
cleanup() { cleanup_all_ns; }
trap 'cleanup; rm -f "$CHECK_OUT"' EXIT

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds or TIMEOUT_MS have
# passed; prints CMD's last output, returns its last exit code.
busywait() {
	local timeout_ms=$1 start now out rc
	shift
	start=$((${EPOCHREALTIME/./} / 1000))
	while :; do
		out=$("$@")
		rc=$?
		if [ $rc -eq 0 ]; then
			[ -z "$out" ] || echo "$out"
			return 0
		fi
		now=$((${EPOCHREALTIME/./} / 1000))
		if [ $((now - start)) -ge "$timeout_ms" ]; then
			[ -z "$out" ] || echo "$out"
			return $rc
		fi
		pnt sleep 100 >/dev/null
	done
}

# fib_lookups PATTERN CMD...: runs CMD and sets $FIB_LOOKUPS to how many
# FIB lookups (tracepoints fib:fib_table_lookup and fib6:fib6_table_lookup,
# all namespaces) it made whose trace line matches the extended regular
# expression PATTERN; or, with a PATTERN of "netif_rx: ...", how many
# packets a device queued to its backlog (net:netif_rx, "dev=NAME").
#
# The events are enabled once and left on (cleanup_all_ns turns them off);
# each call only opens and closes the ring buffer (tracing_on). Turning an
# event on or off rewrites the kernel's code at every call site of its
# tracepoint, and with record-cmd (on by default) also at the scheduler's
# sched_switch and sched_wakeup, run on every CPU all the time: under QEMU's
# TCG a CPU once ran the breakpoint that this rewriting puts in after it was
# done, in the debug kernel ("int3" oops in ttwu_do_wakeup, a panic).
FIB_EVENTS=(fib/fib_table_lookup fib6/fib6_table_lookup net/netif_rx)
FIB_TRACEFS=/sys/kernel/tracing
FIB_LOOKUPS=
fib_lookups() {
	local pattern=$1 t=$FIB_TRACEFS rc=0 e enabled
	shift
	FIB_LOOKUPS=
	[ -d $t/events/fib ] || mount -t tracefs nodev $t 2>/dev/null
	[ -d $t/events/fib ] || { echo "no FIB tracepoints (tracefs)"; return 1; }
	echo 0 >$t/tracing_on
	read -r enabled <$t/events/fib/fib_table_lookup/enable
	if [ "$enabled" != 1 ]; then
		echo 0 >$t/options/record-cmd
		for e in "${FIB_EVENTS[@]}"; do
			echo 1 >"$t/events/$e/enable"
		done
	fi
	echo >$t/trace
	echo 1 >$t/tracing_on
	"$@" >/dev/null || rc=$?
	echo 0 >$t/tracing_on
	[ "$rc" -eq 0 ] || { echo "$* failed"; return "$rc"; }
	# One reader (grep): bash's read seeks back after each line, and the
	# trace file's iterator loses events across such seeks.
	FIB_LOOKUPS=$(grep -c -E -- "$pattern" $t/trace)
	return 0
}

# fib_tracing_off: turns off what fib_lookups turned on (cleanup_all_ns).
fib_tracing_off() {
	local t=$FIB_TRACEFS e enabled=
	[ -e $t/events/fib/fib_table_lookup/enable ] && read -r enabled <$t/events/fib/fib_table_lookup/enable
	[ "$enabled" = 1 ] || return 0
	for e in "${FIB_EVENTS[@]}"; do
		echo 0 >"$t/events/$e/enable"
	done
	# record-cmd stays off: turning it on (with an event enabled, as the
	# VM's guest keeps one) would rewrite the scheduler's code again.
	echo >$t/trace
	echo 1 >$t/tracing_on
}

# link_field NS DEV FIELD: a field of "pnt linkstat" (rx_packets, mac, ...).
link_field() {
	local out
	pntv out linkstat "$1" "$2" || { echo "$out"; return 1; }
	[[ " $out " =~ \ $3\ ([^ ]+)\  ]] || { echo "no $3 in: $out"; return 1; }
	echo "${BASH_REMATCH[1]}"
}

# count_lines N GLOB CMD...: CMD succeeds and exactly N lines of its
# output match GLOB (no grep, no pipe).
count_lines() {
	local want=$1 glob=$2 out line n=0
	shift 2
	out=$("$@") || { echo "$out"; return 1; }
	while IFS= read -r line; do
		# shellcheck disable=SC2053 # a glob
		[[ "$line" == $glob ]] && n=$((n + 1))
	done <<<"$out"
	[ "$n" -eq "$want" ] || { echo "$n lines match '$glob', want $want:"; echo "$out"; return 1; }
}

# has_line GLOB CMD...: CMD succeeds and a line of its output matches GLOB.
has_line() {
	local glob=$1 out line
	shift
	out=$("$@") || { echo "$out"; return 1; }
	while IFS= read -r line; do
		# shellcheck disable=SC2053 # a glob
		[[ "$line" == $glob ]] && return 0
	done <<<"$out"
	echo "no line matches '$glob':"
	echo "$out"
	return 1
}

# errline [-s STATUS] WANT CMD...: CMD (podnetctl) fails with exit STATUS
# and exactly one stderr line, which matches the glob WANT. STATUS is 2 (the
# kernel refused, or the command failed) unless given: 1 for a usage error.
errline() {
	local status=2 want out rc
	if [ "$1" = -s ]; then
		status=$2
		shift 2
	fi
	want=$1
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne "$status" ] || [[ "$out" == *$'\n'* ]]; then
		echo "exit $rc, stderr:"
		printf '%s\n' "$out"
		return 1
	fi
	# shellcheck disable=SC2053 # a glob
	[[ "$out" == $want ]] || { echo "got: $out"; echo "want: $want"; return 1; }
}

# tap_plan N: print the TAP plan.
tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

# tap_result RC NAME: one TAP line; a check that took PODNET_TAP_SLOW (10)
# seconds or more since the last one (the slow VMs' time goes somewhere)
# says so in a "#" line.
tap_result() {
	local now=${EPOCHREALTIME/./} ds
	TAP_N=$((TAP_N + 1))
	case "$1" in
	"$KSFT_PASS") echo "ok $TAP_N - $2" ;;
	"$KSFT_SKIP") echo "ok $TAP_N - $2 # SKIP" ;;
	*) echo "not ok $TAP_N - $2" ;;
	esac
	ds=$(((now - TAP_T) / 100000))
	[ $ds -lt $((${PODNET_TAP_SLOW:-10} * 10)) ] || echo "#   (took $((ds / 10)).$((ds % 10)) s)"
	TAP_T=$now
	ret_merge "$1"
}

# CMD's output, for check and check_fail: a file, so that CMD runs in the
# test's shell (a function costs no process).
CHECK_OUT=/tmp/podnet-check.$$
show_out() {
	local line
	while IFS= read -r line; do echo "#   $line"; done <"$CHECK_OUT"
}

# check NAME CMD...: run CMD, one TAP line; on failure CMD's output follows
# as "#" lines and the test fails. CMD's exit code is returned.
check() {
	local name=$1 rc
	shift
	"$@" >"$CHECK_OUT" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		tap_result $KSFT_PASS "$name"
	else
		tap_result $KSFT_FAIL "$name"
		echo "#   \$ $*  (exit $rc)"
		show_out
	fi
	return $rc
}

# check_fail NAME WANT CMD...: CMD must fail, for the reason given: a line
# of its output matches the glob WANT.
check_fail() {
	local name=$1 want=$2 rc line
	shift 2
	"$@" >"$CHECK_OUT" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		while IFS= read -r line; do
			# shellcheck disable=SC2053 # a glob
			if [[ "$line" == $want ]]; then
				tap_result $KSFT_PASS "$name"
				return 0
			fi
		done <"$CHECK_OUT"
		tap_result $KSFT_FAIL "$name"
		echo "#   \$ $*  (failed, but no line of its output matches '$want')"
	else
		tap_result $KSFT_FAIL "$name"
		echo "#   \$ $*  (succeeded, should have failed)"
	fi
	show_out
	return 1
}

# skip NAME REASON: a TAP line for a check that cannot run here.
skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
	TAP_T=${EPOCHREALTIME/./}
}

# exit_tests: exit with the accumulated result.
exit_tests() { exit "$ret"; }
