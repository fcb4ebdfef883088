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
	local out
	out=$(ip -n "$1" -d link show "$2") || return 1
	[[ "$out" == *" podnet "* ]] || { echo "$out"; return 1; }
}

tap_plan 14
check "podnet is loaded" test "$(</sys/module/podnet/initstate)" = live

setup_ns A B
check "ip link add pn0 type podnet (netns A)" ip -n "$A" link add pn0 type podnet
check "ip -d link show: kind podnet" is_podnet "$A" pn0
check "ip link set pn0 up" ip -n "$A" link set pn0 up
check_fail "a second pn0 in the same netns is refused" "*File exists*" \
	ip -n "$A" link add pn0 type podnet
check "ip link add pn0 type podnet (netns B)" ip -n "$B" link add pn0 type podnet
check "a second device in netns B" ip -n "$B" link add pn1 type podnet
check "ip link del pn1" ip -n "$B" link del pn1
check_fail "pn1 is gone" "*does not exist*" ip -n "$B" link show pn1
# A veth pair across A and B: its end in B goes when A is dismantled.
ip -n "$A" link add ab type veth peer name ba netns "$B"
check "delete netns A (with its pn0)" cleanup_ns "$A"
check "... netns A is dismantled (its veth peer left B)" link_gone "$B" ba

check "rmmod podnet with pn0 in netns B" rmmod podnet
check_fail "pn0 in netns B went with the module" "*does not exist*" ip -n "$B" link show pn0
check "insmod podnet.ko again, add pn0 in netns B" \
	sh -c "insmod '$PODNET_KO' ${PODNET_MODPARAMS:-} && ip -n '$B' link add pn0 type podnet && ip -n '$B' link del pn0"

podnet_insmod 2>/dev/null
exit_tests
