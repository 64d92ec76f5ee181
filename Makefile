# SPDX-License-Identifier: GPL-2.0
#
# process_getinfo: `make run` boots the patched kernel in QEMU and shows the
# system call at work; `make check` runs every test. Both build whatever is
# missing (kernels are cached in $(PGI_CACHE), default ~/.cache/process-getinfo).
#
# Kbuild reads this directory's Kbuild file for the module itself; this
# Makefile only drives the scripts.

.PHONY: all run check check-x86_64 check-arm64 stress bench setup kernel-debug kernel-release \
	kernel-arm64 patches clean

all: check

run:
	scripts/run.sh

check:
	scripts/check.sh

# The host tests and one architecture's guest (make check runs both).
check-x86_64:
	PGI_ARCH=x86_64 scripts/check.sh

check-arm64:
	PGI_ARCH=arm64 scripts/check.sh

# The long reliability runs on the debug kernel (about 68 minutes):
# millions of fuzzed calls, 10 minutes of stress, 200 unload rounds.
stress:
	scripts/stress.sh

# Benchmarks against procfs, PROCMAP_QUERY and PIDFD_GET_INFO, side by side in
# one boot of the release kernel; writes bench/results/.
bench:
	bench/run.sh

setup:
	scripts/setup.sh

kernel-debug:
	scripts/build-kernel.sh debug

kernel-release:
	scripts/build-kernel.sh release

kernel-arm64:
	scripts/build-kernel.sh arm64

# Regenerate patches/ from a Linux git tree (LINUX=path) carrying the series.
patches:
	scripts/format-patches.sh $(LINUX)

clean:
	rm -rf build
