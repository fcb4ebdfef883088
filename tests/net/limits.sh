#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits: the module parameters max_services (service ports per network
# namespace) and max_endpoints (endpoints per service port) are enforced with
# a clear error and no state change, per namespace, and can be changed at
# run time (/sys/module/podnet/parameters).
#
#  ┌─ node A ($A): pn0 10.244.1.1/24, services 10.96.0.1-4:80/tcp
#  └─ node B ($B): pn0 10.244.2.1/24, its own services: A's count is not B's
#
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_podnet
require_cmd podnetctl jq

P=/sys/module/podnet/parameters
if [ ! -w "$P/max_services" ] || [ ! -w "$P/max_endpoints" ]; then
	ksft_skip "no writable $P/max_services, $P/max_endpoints"
fi
param_keep max_services max_endpoints
OLD_EPS=$(cat "$P/max_endpoints")

# count_is NS "SERVICES ENDPOINTS": what service show -j lists in NS.
count_is() {
	local n
	n=$(podnetctl -n "$1" -j service show |
		jq -r '"\(length) \([.[].endpoints | length] | add // 0)"') || return 1
	[ "$n" = "$2" ] || { echo "got $n, want $2"; return 1; }
}
# batch NS LINE...: the LINEs as one podnetctl batch in NS.
batch() {
	local ns=$1
	shift
	printf '%s\n' "$@" | podnetctl -n "$ns" -b -
}
# eps N: N endpoints 10.244.1.2:8080, 10.244.1.3:8080, ... comma-separated.
eps() {
	local i s=
	for ((i = 0; i < $1; i++)); do
		s+="${s:+,}10.244.$((1 + (i + 2) / 256)).$(((i + 2) % 256)):8080"
	done
	echo "$s"
}

tap_plan 23
setup_ns A B
ip -n "$A" link add pn0 type podnet
ip -n "$B" link add pn0 type podnet

# --- max_services ---
echo 3 >"$P/max_services"
check "max_services=3: three services" batch "$A" \
	"service add 10.96.0.1:80/tcp" "service add 10.96.0.2:80/tcp" "service add 10.96.0.3:80/tcp"
check "the fourth is refused, naming the limit" \
	errline "podnetctl: podnet: too many services (module parameter max_services)*" \
	podnetctl -n "$A" service add 10.96.0.4:80/tcp
check "... and not added" count_is "$A" "3 0"
check "a batch over the limit applies nothing" \
	errline "podnetctl: line 3: podnet: too many services*" batch "$A" \
	"service del 10.96.0.3:80/tcp" "service add 10.96.0.4:80/tcp" "service add 10.96.0.5:80/tcp"
# shellcheck disable=SC2317
undone() { # the deleted service is back, the added one gone
	podnetctl -n "$A" service show 10.96.0.3:80/tcp >/dev/null &&
		errline "podnetctl: podnet: no such service \`10.96.0.4:80/tcp'" \
			podnetctl -n "$A" service show 10.96.0.4:80/tcp
}
check "... the deleted service is back, the added one gone" undone
check "the limit is per namespace: node B has three of its own" batch "$B" \
	"service add 10.96.0.1:80/tcp" "service add 10.96.0.2:80/tcp" "service add 10.96.0.3:80/tcp"
check "a service deleted makes room" batch "$A" "service del 10.96.0.3:80/tcp" "service add 10.96.0.4:80/tcp"
echo 4 >"$P/max_services"
check "max_services raised at run time: a fourth" podnetctl -n "$A" service add 10.96.0.5:80/tcp
echo 2 >"$P/max_services"
check "lowered below the count: existing services stay" count_is "$A" "4 0"
check "... and no new one" errline "podnetctl: podnet: too many services*" \
	podnetctl -n "$A" service add 10.96.0.6:80/tcp

# --- max_endpoints ---
echo 4 >"$P/max_endpoints"
check "max_endpoints=4: endpoint set of four" \
	podnetctl -n "$A" endpoint set 10.96.0.1:80/tcp "$(eps 4)"
check "endpoint set of five is refused, naming the limit" \
	errline "podnetctl: podnet: too many endpoints (module parameter max_endpoints)*" \
	podnetctl -n "$A" endpoint set 10.96.0.1:80/tcp "$(eps 5)"
check "endpoint add of a fifth is refused" \
	errline "podnetctl: podnet: too many endpoints*" \
	podnetctl -n "$A" endpoint add 10.96.0.1:80/tcp 10.244.1.200:8080
check "the four endpoints are unchanged" count_is "$A" "4 4"
check "another service has its own four" \
	podnetctl -n "$A" endpoint set 10.96.0.2:80/tcp "$(eps 4)"
# A service add and its endpoint set make one request: the endpoints' fault
# is the second line's, and the service is not added either.
echo 10 >"$P/max_services"
check "service add + endpoint set of five: line 2 is refused, naming the fifth" \
	errline "podnetctl: line 2: podnet: too many endpoints (module parameter max_endpoints) \`10.244.1.6:8080'" \
	batch "$B" "service add 10.96.0.9:80/tcp" "endpoint set 10.96.0.9:80/tcp $(eps 5)"
check "... and the service is not there" count_is "$B" "3 0"
echo 2 >"$P/max_services"
echo 70000 >"$P/max_endpoints"
check "max_endpoints over 65535 is read as 65535: 2000 endpoints" \
	podnetctl -n "$A" endpoint set 10.96.0.4:80/tcp "$(eps 2000)"
echo "$OLD_EPS" >"$P/max_endpoints"
check "back to the default ($OLD_EPS): a set of $OLD_EPS" \
	podnetctl -n "$A" endpoint set 10.96.0.5:80/tcp "$(eps "$OLD_EPS")"
check "service show lists all of them" count_is "$A" "4 $((8 + 2000 + OLD_EPS))"
# shellcheck disable=SC2317
eps_of() { # SVC N: service show SVC lists N endpoints
	local n
	n=$(podnetctl -n "$A" -j service show "$1" | jq '.[0].endpoints | length')
	[ "$n" = "$2" ] || { echo "$n endpoints, want $2"; return 1; }
}
check "service show of one service with $OLD_EPS endpoints" eps_of 10.96.0.5:80/tcp "$OLD_EPS"
check "an endpoint more is refused" \
	errline "podnetctl: podnet: too many endpoints*" \
	podnetctl -n "$A" endpoint add 10.96.0.5:80/tcp 10.244.9.9:8080
check "node B unaffected" count_is "$B" "3 0"
exit_tests
