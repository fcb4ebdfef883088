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
#	check_fail "no second pn0" ip -n "$A" link add pn0 type podnet
#	exit_tests                   # exit code: KSFT_PASS/FAIL/SKIP
#
# A test that needs its own cleanup defines cleanup() and calls
# cleanup_all_ns from it; lib.sh has set "trap cleanup EXIT".
#
# Tests run as root inside the test VM (tests/vm/run), where PODNET_KO names
# the podnet.ko to insmod and PODNET_KERNEL is debian or debug.

# shellcheck disable=SC2034 # for the tests
KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_SKIP=4

ret=$KSFT_PASS
TAP_N=0
TAP_T=${EPOCHREALTIME/./} # when the last result was printed (us)
NS_LIST=()

: "${PODNET_REPO:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${PODNET_KO:=$PODNET_REPO/.build/$(uname -r)/podnet.ko}"

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
	[ -d /sys/module/podnet ] || insmod "$PODNET_KO"
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

# setup_ns NAME...: for each NAME, create a netns called NAME-XXXXXX, bring
# its lo up, and set (and export) $NAME to its name.
setup_ns() {
	local name ns
	for name in "$@"; do
		ns="$name-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || { echo "# setup_ns: cannot create netns $ns"; return $KSFT_FAIL; }
		ip -n "$ns" link set lo up
		NS_LIST+=("$ns")
		printf -v "$name" '%s' "$ns"
		export "${name?}"
	done
}

# cleanup_ns NS...: delete these netns (and forget them).
cleanup_ns() {
	local ns i
	for ns in "$@"; do
		ip netns delete "$ns" 2>/dev/null
		for i in "${!NS_LIST[@]}"; do
			[ "${NS_LIST[$i]}" = "$ns" ] && unset "NS_LIST[$i]"
		done
	done
	return 0
}

cleanup_all_ns() {
	[ ${#NS_LIST[@]} -eq 0 ] || cleanup_ns "${NS_LIST[@]}"
	fib_tracing_off
}

# The default cleanup; a test may define its own (calling cleanup_all_ns).
cleanup() { cleanup_all_ns; }
trap cleanup EXIT

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds or TIMEOUT_MS have
# passed; prints CMD's last output, returns its last exit code.
busywait() {
	local timeout_ms=$1 start now out rc
	shift
	start=$(date +%s%3N)
	while :; do
		out=$("$@")
		rc=$?
		if [ $rc -eq 0 ]; then
			[ -z "$out" ] || echo "$out"
			return 0
		fi
		now=$(date +%s%3N)
		if [ $((now - start)) -ge "$timeout_ms" ]; then
			[ -z "$out" ] || echo "$out"
			return $rc
		fi
		sleep 0.1
	done
}

# fib_lookups PATTERN CMD...: runs CMD and prints how many FIB lookups
# (tracepoints fib:fib_table_lookup and fib6:fib6_table_lookup, all
# namespaces) it made whose trace line matches the grep PATTERN.
#
# The events are enabled once and left on (cleanup_all_ns turns them off);
# each call only opens and closes the ring buffer (tracing_on). Turning an
# event on or off rewrites the kernel's code at every call site of its
# tracepoint, and with record-cmd (on by default) also at the scheduler's
# sched_switch and sched_wakeup, run on every CPU all the time: under QEMU's
# TCG a CPU once ran the breakpoint that this rewriting puts in after it was
# done, in the debug kernel ("int3" oops in ttwu_do_wakeup, a panic).
FIB_EVENTS=(fib/fib_table_lookup fib6/fib6_table_lookup)
FIB_TRACEFS=/sys/kernel/tracing
fib_lookups() {
	local pattern=$1 t=$FIB_TRACEFS rc=0 e
	shift
	[ -d $t/events/fib ] || mount -t tracefs nodev $t 2>/dev/null
	[ -d $t/events/fib ] || { echo "no FIB tracepoints (tracefs)"; return 1; }
	echo 0 >$t/tracing_on
	if [ "$(cat $t/events/fib/fib_table_lookup/enable)" != 1 ]; then
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
	grep -c -- "$pattern" $t/trace || true
}

# fib_tracing_off: turns off what fib_lookups turned on (cleanup_all_ns).
fib_tracing_off() {
	local t=$FIB_TRACEFS e
	[ "$(cat $t/events/fib/fib_table_lookup/enable 2>/dev/null)" = 1 ] || return 0
	for e in "${FIB_EVENTS[@]}"; do
		echo 0 >"$t/events/$e/enable"
	done
	echo 1 >$t/options/record-cmd
	echo >$t/trace
	echo 1 >$t/tracing_on
}

# errline WANT CMD...: CMD fails with exit 1 and exactly one stderr line,
# which matches the glob WANT.
errline() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 1 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
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

# tap_result RC NAME: one TAP line; a check that took 10 s or more since the
# last one (the slow VMs' time goes somewhere) says so in a "#" line.
tap_result() {
	local now=${EPOCHREALTIME/./} ds
	TAP_N=$((TAP_N + 1))
	case "$1" in
	"$KSFT_PASS") echo "ok $TAP_N - $2" ;;
	"$KSFT_SKIP") echo "ok $TAP_N - $2 # SKIP" ;;
	*) echo "not ok $TAP_N - $2" ;;
	esac
	ds=$(((now - TAP_T) / 100000))
	[ $ds -lt 100 ] || echo "#   (took $((ds / 10)).$((ds % 10)) s)"
	TAP_T=$now
	ret_merge "$1"
}

# check NAME CMD...: run CMD, one TAP line; on failure CMD's output follows
# as "#" lines and the test fails. CMD's exit code is returned.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		tap_result $KSFT_PASS "$name"
	else
		tap_result $KSFT_FAIL "$name"
		echo "#   \$ $*  (exit $rc)"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
	fi
	return $rc
}

# check_fail NAME CMD...: like check, but CMD must fail.
check_fail() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		tap_result $KSFT_PASS "$name"
		return 0
	fi
	tap_result $KSFT_FAIL "$name"
	echo "#   \$ $*  (succeeded, should have failed)"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
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
