# SPDX-License-Identifier: GPL-2.0
#
# podnet: module (podnet.ko), tools (podnetctl), install, DKMS, tests.

VERSION := 0.1.0

ifeq ($(KDIR),)
# The running kernel's build directory, else the newest of Debian 12's 6.1
# headers (the target; tests/release builds against the others).
KDIR := $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; else \
	ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null | sort -V | tail -n 1; fi)
endif

PREFIX ?= /usr
DESTDIR ?=
# DKMS's trees: the system's unless DKMS_TREES names a directory to keep
# them in (DKMS_TREES/src, DKMS_TREES/dkms; tests/vm/run builds there).
DKMS_TREES ?=
ifeq ($(DKMS_TREES),)
DKMS_SRC := $(DESTDIR)/usr/src/podnet-$(VERSION)
DKMS_FLAGS :=
else
DKMS_SRC := $(DKMS_TREES)/src/podnet-$(VERSION)
DKMS_FLAGS := --sourcetree $(DKMS_TREES)/src --dkmstree $(DKMS_TREES)/dkms
endif
DKMS_K := $(if $(KERNELRELEASE_DKMS),-k $(KERNELRELEASE_DKMS))
CHECKPATCH ?= $(firstword $(wildcard $(PODNET_CACHE)/linux-source-*/scripts/checkpatch.pl) \
		$(wildcard /var/cache/podnet/linux-source-*/scripts/checkpatch.pl))

.PHONY: all module module-debug tools test-tools install module-install tools-install \
	dkms-build dkms-install dkms-remove check release-check fuzz demo bench style clean

all: module tools

kdir-check:
	@if [ -z "$(KDIR)" ] || [ ! -e "$(KDIR)/Makefile" ]; then \
		echo "podnet: no kernel build directory '$(KDIR)': apt-get install linux-headers-amd64, or set KDIR=" >&2; \
		exit 1; fi
	@echo "podnet: building against $(KDIR)"

# WERROR=1 (the default; dkms.conf clears it): warnings are errors.
WERROR ?= 1

module: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) PODNET_WERROR=$(WERROR) modules

module-debug: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) PODNET_WERROR=$(WERROR) ccflags-y+=-DDEBUG modules

tools:
	$(MAKE) -C tools

# The test driver of tests/net (tests/vm/run builds it too).
test-tools:
	$(MAKE) -C tests/net/lib

install: module-install tools-install

# The release KDIR is for, as its kernel reports it (uname -r): Debian's
# headers say the upstream version in include/config/kernel.release.
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

# INSTALL_MOD_PATH: install under that directory instead of /.
module-install: module
	@[ -n "$(KREL)" ] || { echo "podnet: no UTS_RELEASE in $(KDIR)/include/generated/utsrelease.h" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KREL) INSTALL_MOD_DIR=updates modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KREL)

tools-install:
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# dkms-install is dkms-build (copy the source, dkms add, dkms build) and
# dkms install.
dkms-build:
	@command -v dkms >/dev/null || { echo "podnet: dkms not found: apt-get install dkms" >&2; exit 1; }
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC) $(if $(DKMS_TREES),$(DKMS_TREES)/dkms)
	cp -r Kbuild Makefile dkms.conf kmod uapi $(DKMS_SRC)/
	sed -i 's/@VERSION@/$(VERSION)/' $(DKMS_SRC)/dkms.conf
	dkms add podnet/$(VERSION) $(DKMS_FLAGS)
	dkms build podnet/$(VERSION) $(DKMS_K) $(DKMS_FLAGS)

dkms-install: dkms-build
	dkms install podnet/$(VERSION) $(DKMS_K) $(DKMS_FLAGS)

dkms-remove:
	dkms remove podnet/$(VERSION) --all $(DKMS_FLAGS)
	rm -rf $(DKMS_SRC)

check:
	tests/check

# Before a release: other kernels, and the suite with the forward path off.
release-check:
	tests/release

# The netlink fuzzer at length on the debug kernel (KASAN, lockdep,
# kmemleak): FUZZ_MSGS requests from each of tests/net/fuzz.sh's two
# writers (make check has them send 1500 each there, 20000 on Debian's).
FUZZ_MSGS ?= 500000
fuzz: tools test-tools
	tests/install-deps
	tests/vm/build-kernel
	PODNET_FUZZ_MSGS=$(FUZZ_MSGS) tests/vm/run --kernel debug \
		--timeout $$(($(FUZZ_MSGS) / 20 + 900)) tests/net/fuzz.sh

# Both install what they need first (tests/install-deps; tests/check runs
# it as its first phase).
demo:
	tests/install-deps
	tests/vm/demo

bench:
	tests/bench/run

style:
	@[ -n "$(CHECKPATCH)" ] || { echo "podnet: checkpatch.pl not found: run tests/vm/build-kernel (extracts linux-source-6.1)" >&2; exit 1; }
	$(CHECKPATCH) --no-tree --terse --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f \
		$$(git ls-files 'kmod/*.c' 'kmod/*.h' 'kmod/tests/*.c' 'uapi/linux/*.h')

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	if [ -d tools ]; then $(MAKE) -C tools clean; fi
	rm -rf .build
