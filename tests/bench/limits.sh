#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=900
#
# Memory of one network namespace filled to podnet's limits by the root of
# a user namespace (what a pod with CAP_NET_ADMIN in its own user namespace
# can make the node's kernel hold):
#
#   initial user namespace (the VM)
#   └─ user namespace (unshare --user --map-root-user), in cgroup $CG
#      └─ its network namespace: max_services_userns service ports (1024),
#         Maglev (the largest tables), each with max_endpoints endpoints (512)
#
# Loaded with podnetctl -b in two steps, the services alone, then their
# endpoint sets. For each step: what its memory cgroup was charged
# (memory.current, after minus before) and the kernel's unreclaimable memory
# (kmem_kb: SUnreclaim + VmallocUsed + Percpu, the whole VM's, after minus
# before): the two agree when podnet charges what it allocates. From them,
# bytes per service and per endpoint, and what a namespace of the initial
# user namespace would hold at its own limit, max_services (65536) x
# max_endpoints: computed, not loaded (it does not fit in the VM).
#
# Environment: BENCH_LIMIT_SVCS (max_services_userns), BENCH_LIMIT_EPS
# (max_endpoints).
#
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

need_podnet
need_cmd unshare

P=/sys/module/podnet/parameters
N=${BENCH_LIMIT_SVCS:-$(cat "$P/max_services_userns")}
E=${BENCH_LIMIT_EPS:-$(cat "$P/max_endpoints")}
INIT_MAX=$(cat "$P/max_services")
CG=/sys/fs/cgroup/podnet-bench-limits.$$
param_keep max_services_userns max_endpoints
cleanup() {
	bench_cleanup
	rmdir "$CG" 2>/dev/null
}
echo "$N" >"$P/max_services_userns"
echo "$E" >"$P/max_endpoints"
[[ " $(</sys/fs/cgroup/cgroup.controllers) " == *" memory "* ]] ||
	die "no memory controller in /sys/fs/cgroup"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control && mkdir "$CG" ||
	die "cannot make the memory cgroup $CG"

F=$BENCH_TMP
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "service add 10.96.%d.%d:80/tcp sched maglev\n", int(i / 256), i % 256 }' >"$F/services"
awk -v n="$N" -v e="$E" 'BEGIN {
	for (j = 0; j < e; j++)
		eps = eps (j ? "," : "") sprintf("10.244.%d.%d:8080", int(j / 250), j % 250 + 2)
	for (i = 1; i <= n; i++)
		printf "endpoint set 10.96.%d.%d:80/tcp %s\n", int(i / 256), i % 256, eps
}' >"$F/endpoints"
echo "$N services x $E endpoints; input $(($(wc -c <"$F/services") / 1024)) KiB +" \
	"$(($(wc -c <"$F/endpoints") / 1024)) KiB; $(nproc) CPUs, $(uname -r)"

# The user namespace's script (with lib.sh's kmem_kb and elapsed): a line
# "STEP charged_bytes kmem_kb seconds" a step, then "services N".
# shellcheck disable=SC2016 # expanded by the inner bash
script="$(declare -f kmem_kb elapsed)"'
load() {
	local m0 k0 t0
	sync; m0=$(<"$CG/memory.current"); k0=$(kmem_kb); t0=$EPOCHREALTIME
	podnetctl -b "$2" || exit 1
	echo "$1 $(($(<"$CG/memory.current") - m0)) $(($(kmem_kb) - k0)) $(printf "%.2f" "$(elapsed "$t0")")"
}
load services "$F/services"
load endpoints "$F/endpoints"
echo "services $(podnetctl save | grep -c "^service add ")"
'
step "loading $N services, then $N x $E endpoints, in a user namespace"
(echo "$BASHPID" >"$CG/cgroup.procs" &&
	CG=$CG F=$F exec unshare --user --map-root-user --net bash -c "$script") >"$F/report" 2>&1 ||
	{ cat "$F/report"; die "the user namespace's load failed"; }
cat "$F/report"
read -r _ svc_b svc_k svc_s < <(grep '^services ' "$F/report" | head -n 1)
read -r _ eps_b eps_k eps_s < <(grep '^endpoints ' "$F/report")
loaded=$(awk '$1 == "services" && NF == 2 { print $2 }' "$F/report")
[ "$loaded" = "$N" ] || die "$loaded services loaded, want $N"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
per_svc=$((svc_b / N))
per_ep=$((eps_b / (N * E)))
init_b=$((INIT_MAX * (per_svc + E * per_ep)))

results
printf '| one namespace of a user namespace | charged to its cgroup | kernel memory (kmem) | time |\n'
printf '|---|---|---|---|\n'
printf '| %d Maglev services | %s MiB | %s MiB | %s s |\n' "$N" "$(mib "$svc_b")" "$(mib $((svc_k * 1024)))" "$svc_s"
printf '| + %d endpoints each (%d) | %s MiB | %s MiB | %s s |\n' "$E" $((N * E)) "$(mib "$eps_b")" "$(mib $((eps_k * 1024)))" "$eps_s"
printf '| at the limits | **%s MiB** | %s MiB | |\n' "$(mib $((svc_b + eps_b)))" "$(mib $(((svc_k + eps_k) * 1024)))"
echo
echo "charged: $per_svc bytes a service, $per_ep bytes an endpoint; a namespace of the"
echo "initial user namespace at max_services ($INIT_MAX) x $E endpoints would hold" \
	"$(mib "$init_b") MiB (computed)"
data limits step services endpoints charged_bytes kmem_kb seconds
data limits services "$N" 0 "$svc_b" "$svc_k" "$svc_s"
data limits endpoints "$N" $((N * E)) "$eps_b" "$eps_k" "$eps_s"
