#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-programs.sh KERNEL_DIR OUT_DIR: build the static programs the guest
# runs (selftests, examples) into OUT_DIR and list them, for the kernel's
# architecture: x86_64 (and -m32), or arm64 (and 32-bit arm).
#
# selftests/ is laid out as a kernel tree's tools/testing/selftests/
# process_getinfo/, and its Makefile includes ../lib.mk. Here that file is
# not beside it: make looks for it in the -I directories too, as DIR/../lib.mk,
# so DIR is KERNEL_DIR's selftests/kselftest/ and the kernel's own lib.mk
# builds them (with its kselftest_harness.h). The uapi header is this
# repository's (the patch series carries the same file); USERCFLAGS and
# USERLDFLAGS are lib.mk's knobs for -Werror and a static link; V=1 with -s
# keeps lib.mk's per-program "CC" lines out, as -s keeps the commands out.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1 out=$2
ksft=$kdir/src/tools/testing/selftests
progs=(process_getinfo_enosys_test process_getinfo_test process_getinfo_facts_test
	process_getinfo_scanner_test process_getinfo_access_test process_getinfo_bounds_test
	process_getinfo_errors_test process_getinfo_compat_test
	process_getinfo_leak_test process_getinfo_fuzz_test process_getinfo_lifecycle_test
	process_getinfo_stress_test)
# The same tests as 32-bit programs (-m32: the kernel's compat entry), named
# <test>_m32 in the guest. kselftest_harness.h casts the pointers ASSERT_NE()
# compares to intmax_t, which -m32 warns about: that warning is not an error.
progs32=(process_getinfo_test process_getinfo_facts_test process_getinfo_errors_test
	process_getinfo_compat_test process_getinfo_leak_test process_getinfo_fuzz_test)
# On arm64 the programs are built by clang for aarch64 and, as the 32-bit
# ones, for arm (EABI, hard float), linked static by lld against Debian's
# cross libc and libgcc: Debian's cross gcc packages conflict with the
# gcc-multilib that builds the x86 -m32 programs.
cross=() cross64=() cross32=() m32=-m32 ld='' cc=gcc
if grep -q '^CONFIG_ARM64=y' "$kdir/build/.config"; then
	. "$top/scripts/env.sh"
	cross=(LLVM="$LLVM_SUFFIX")
	cross64=(CROSS_COMPILE=aarch64-linux-gnu-) cross32=(CROSS_COMPILE=arm-linux-gnueabihf-)
	m32='' ld=-fuse-ld=lld cc="clang$LLVM_SUFFIX --target=aarch64-linux-gnu $ld"
fi
mkdir -p "$out" "$out/m32"
make -s V=1 -C "$top/selftests" -I "$ksft/kselftest" OUTPUT="$out" "${cross[@]}" "${cross64[@]}" \
	KHDR_INCLUDES="-isystem $top/uapi" USERCFLAGS=-Werror USERLDFLAGS="-static $ld" >&2
make -s V=1 -C "$top/selftests" -I "$ksft/kselftest" OUTPUT="$out/m32" "${cross[@]}" "${cross32[@]}" \
	KHDR_INCLUDES="-isystem $top/uapi" USERCFLAGS="-Werror $m32 -Wno-pointer-to-int-cast" \
	USERLDFLAGS="-static $m32 $ld" "${progs32[@]/#/$out/m32/}" >&2
list=("${progs[@]/#/$out/}")
for p in "${progs32[@]}"; do
	cp "$out/m32/$p" "$out/${p}_m32"
	list+=("$out/${p}_m32")
done
make -s -C "$top/examples" OUT="$out" CC="$cc" >&2
ls "${list[@]}" "$out/ps"
