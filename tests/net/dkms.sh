#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: timeout=900 module=unloaded
#
# DKMS packaging, on Debian's kernel only: "make dkms-install" builds and
# installs podnet for the running kernel, modprobe finds it, creating a
# podnet link autoloads it, "make dkms-remove" removes it.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317
source "$(dirname "$0")/lib.sh"

require_root
[ "${PODNET_KERNEL:-debian}" = debian ] || ksft_skip "DKMS is tested on Debian's kernel only"
require_cmd dkms make modprobe
krel=$(uname -r)
[ -e "/lib/modules/$krel/build/Makefile" ] || ksft_skip "no kernel headers for $krel"

version=$(sed -n 's/^VERSION := //p' "$PODNET_REPO/Makefile")
src=/tmp/podnet-dkms-src

cleanup() {
	ip link del t0 2>/dev/null
	rmmod podnet 2>/dev/null
	if dkms status podnet 2>/dev/null | grep -q .; then
		make -C "$src" dkms-remove >/dev/null 2>&1
	fi
	cleanup_all_ns
}

[ -d /sys/module/podnet ] && { rmmod podnet || ksft_fail "cannot unload podnet"; }

# The repository is read-only under the VM's overlay only in spirit: build
# from a clean copy so nothing the host built in the tree leaks in.
rm -rf "$src"
mkdir -p "$src"
(cd "$PODNET_REPO" && cp -r Kbuild Makefile dkms.conf kmod uapi "$src/")
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '.*.cmd' -o -name modules.order -o -name Module.symvers \) -delete

tap_plan 7
start=$(date +%s)
check "make dkms-install" make -C "$src" dkms-install
log "dkms add + build + install took $(($(date +%s) - start)) s"
check "dkms status: installed for $krel" \
	sh -c "dkms status podnet/$version -k $krel | grep -q ': installed'"
check "modprobe podnet loads updates/dkms/podnet.ko" \
	sh -c "modprobe podnet && [ -d /sys/module/podnet ] &&
	       modinfo -n podnet | grep -q '^/lib/modules/$krel/updates/dkms/podnet.ko'"
check "rmmod podnet" rmmod podnet
check "ip link add t0 type podnet autoloads podnet" \
	sh -c "ip link add t0 type podnet && [ -d /sys/module/podnet ]"
check "ip link del t0; rmmod podnet" sh -c "ip link del t0 && rmmod podnet"
check "make dkms-remove" \
	sh -c "make -C '$src' dkms-remove && ! dkms status podnet | grep -q . &&
	       ! modinfo -n podnet 2>/dev/null"
exit_tests
