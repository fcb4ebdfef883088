#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test: the module is loaded, podnet devices come and go in network
# namespaces, and the module unloads with devices present and loads again.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet

is_podnet() { # NS DEV
	ip -n "$1" -j -d link show "$2" | grep -q '"info_kind":"podnet"'
}

tap_plan 13
check "podnet is loaded (lsmod)" sh -c "lsmod | grep -q '^podnet '"

setup_ns A B
check "ip link add pn0 type podnet (netns A)" ip -n "$A" link add pn0 type podnet
check "ip -d link show: kind podnet" is_podnet "$A" pn0
check "ip link set pn0 up" ip -n "$A" link set pn0 up
check_fail "a second pn0 in the same netns is refused" ip -n "$A" link add pn0 type podnet
check "ip link add pn0 type podnet (netns B)" ip -n "$B" link add pn0 type podnet
check "a second device in netns B" ip -n "$B" link add pn1 type podnet
check "ip link del pn1" ip -n "$B" link del pn1
check_fail "pn1 is gone" ip -n "$B" link show pn1
check "delete netns A (with its pn0)" cleanup_ns "$A"

check "rmmod podnet with pn0 in netns B" rmmod podnet
check_fail "pn0 in netns B went with the module" ip -n "$B" link show pn0
check "insmod podnet.ko again, add pn0 in netns B" \
	sh -c "insmod '$PODNET_KO' && ip -n '$B' link add pn0 type podnet && ip -n '$B' link del pn0"

podnet_insmod 2>/dev/null
exit_tests
