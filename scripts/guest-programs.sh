#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-programs.sh KERNEL_DIR OUT_DIR: build the static programs the guest
# runs (selftests, examples) into OUT_DIR and list them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1 out=$2
mkdir -p "$out"
make -s -C "$top/selftests" KSFT_DIR="$kdir/src/tools/testing/selftests" OUT="$out" >&2
make -s -C "$top/examples" OUT="$out" >&2
ls "$out"/process_getinfo_enosys_test "$out"/process_getinfo_test "$out"/process_getinfo_facts_test \
	"$out"/process_getinfo_access_test "$out"/process_getinfo_bounds_test "$out"/process_getinfo_errors_test \
	"$out"/process_getinfo_leak_test "$out"/process_getinfo_fuzz_test \
	"$out"/process_getinfo_lifecycle_test "$out"/process_getinfo_stress_test "$out"/ps
