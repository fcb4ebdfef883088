#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-vm: module=unloaded host-prepare kernel=debian
#
# DKMS packaging, on Debian's kernel only. The host runs this script with
# --host-prepare first (tests/vm/run, "host-prepare" above): "make
# dkms-build" for the guest's kernel into DKMS trees of its own, as a node
# builds against its kernel's headers (an emulated guest would take five
# minutes over it). In the guest: dkms install of what the host built,
# modprobe finds it, creating a podnet link autoloads it, "make
# dkms-remove" removes it.
# (SC2317: functions run by check and the trap.)
# shellcheck source-path=SCRIPTDIR disable=SC2317

# --host-prepare: PODNET_REPO, PODNET_KERNEL, PODNET_KREL and PODNET_PREP
# (a directory the guest sees at the same path) come from tests/vm/run.
if [ "${1:-}" = --host-prepare ]; then
	set -e
	[ "$PODNET_KERNEL" = debian ] || exit 0
	rm -rf "$PODNET_PREP"
	mkdir -p "$PODNET_PREP"
	make -C "$PODNET_REPO" --no-print-directory dkms-build \
		DKMS_TREES="$PODNET_PREP" KERNELRELEASE_DKMS="$PODNET_KREL"
	make -C "$PODNET_REPO" --no-print-directory module-install \
		KDIR="/lib/modules/$PODNET_KREL/build" INSTALL_MOD_PATH="$PODNET_PREP/inst"
	exit
fi

source "$(dirname "$0")/lib.sh"

require_root
[ "${PODNET_KERNEL:-debian}" = debian ] || ksft_skip "DKMS is tested on Debian's kernel only (the debug kernel has no packaged headers)"
require_cmd dkms make modprobe
krel=$(uname -r)
[ -n "${PODNET_PREP:-}" ] && [ -d "$PODNET_PREP/dkms" ] ||
	ksft_fail "no DKMS build from the host (PODNET_PREP='${PODNET_PREP:-}'): run under tests/vm/run"

# depmod reads every one of the kernel's 4 000 modules, 25 s in the
# emulated guest, and dkms install and remove run it each. So, while the
# test runs, /lib/modules/RELEASE is a small tree bound over the real one:
# the modules podnet needs, modules.builtin and modules.order. DKMS and
# depmod do what they do on a node, over 10 modules; the kernel's own
# modprobe (the autoload) sees the same tree; cleanup unmounts it, and
# the tests after this one find the real tree as it was.
small_tree() {
	local mods=$1 real=/lib/modules/$krel deps line p
	deps=$(modinfo -F depends "$PODNET_PREP/inst$real/updates/$ko") || return 1
	mkdir -p "$mods" || return 1
	cp -P "$real"/modules.builtin "$real"/modules.builtin.modinfo "$real"/modules.order \
		"$real"/build "$real"/source "$mods/" || return 1
	while read -r line; do
		[[ "$line" == insmod\ * ]] || continue
		p=${line#insmod }
		p=${p%% *}
		mkdir -p "$mods/$(dirname "${p#"$real"/}")" && cp "$p" "$mods/${p#"$real"/}" || return 1
	done < <(modprobe -S "$krel" --show-depends -a ${deps//,/ })
	mount --bind "$mods" "$real" && depmod -a "$krel"
}
# A kernel that compresses its modules (6.12's CONFIG_MODULE_COMPRESS_XZ)
# has module-install and DKMS compress podnet.ko too.
ko=podnet.ko
for f in "$PODNET_PREP/inst/lib/modules/$krel/updates/"podnet.ko*; do
	[ -e "$f" ] && ko=${f##*/}
done
small_tree "/tmp/dkms-modules.$$" || ksft_fail "cannot set up the small module tree"

version=$(sed -n 's/^VERSION := //p' "$PODNET_REPO/Makefile")
trees=(--sourcetree "$PODNET_PREP/src" --dkmstree "$PODNET_PREP/dkms")

cleanup() {
	ip link del t0 2>/dev/null
	rmmod podnet 2>/dev/null
	cleanup_all_ns
	umount "/lib/modules/$krel" 2>/dev/null
	rm -rf "/tmp/dkms-modules.$$"
}

[ -d /sys/module/podnet ] && { rmmod podnet || ksft_fail "cannot unload podnet"; }

tap_plan 9
# make module-install (no DKMS), done by the host under PODNET_PREP/inst: in
# the directory of the release the kernel reports, and in its modules.dep.
installed() {
	local d=$PODNET_PREP/inst/lib/modules/$krel
	[ -f "$d/updates/$ko" ] || { ls -R "$PODNET_PREP/inst/lib/modules" 2>&1 | head; return 1; }
	has_line "updates/$ko:*" cat "$d/modules.dep"
}
check "make module-install: updates/$ko for $krel, in modules.dep" installed
check "dkms status: built on the host for $krel" \
	has_line "podnet/$version, $krel, *: built" dkms status "${trees[@]}" podnet/"$version" -k "$krel"
check "dkms install" dkms install podnet/"$version" -k "$krel" "${trees[@]}"
check "dkms status: installed for $krel" \
	has_line "podnet/$version, $krel, *: installed" dkms status "${trees[@]}" podnet/"$version" -k "$krel"
check "modprobe podnet loads updates/dkms/podnet.ko (compressed as the kernel's)" \
	eval 'modprobe podnet && [ -d /sys/module/podnet ] &&
	      has_line "/lib/modules/$krel/updates/dkms/podnet.ko*" modinfo -n podnet'
check "rmmod podnet" rmmod podnet
check "ip link add t0 type podnet autoloads podnet" \
	eval 'ip link add t0 type podnet && [ -d /sys/module/podnet ]'
check "ip link del t0; rmmod podnet" eval 'ip link del t0 && rmmod podnet'
# shellcheck disable=SC2317
removed() {
	make -C "$PODNET_REPO" --no-print-directory dkms-remove DKMS_TREES="$PODNET_PREP" || return 1
	[ -z "$(dkms status "${trees[@]}" podnet)" ] || { dkms status "${trees[@]}" podnet; return 1; }
	! modinfo -n podnet 2>/dev/null
}
check "make dkms-remove" removed
exit_tests
