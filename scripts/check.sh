#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# check.sh: every test. Host tests first, then the guest tests on the debug
# kernels (KASAN, lockdep, ...), x86_64 and arm64. Ends with the line `N passed, N failed` and
# exits non-zero on any failure. A splat in the guest's kernel log (BUG,
# WARNING, Oops, KASAN, UBSAN, lockdep, RCU, hung task) counts as a failed
# test even when every program passed.
set -uo pipefail
. "$(dirname "$0")/test-lib.sh" check

# 1. Host: the module's pure logic (src/rules.rs, src/uapi.rs).
if rustc --edition 2021 --test "$top/tests/host/rules.rs" -o "$out/rules-test" 2> "$out/rules-build.log"; then
	"$out/rules-test" > "$out/rules.log" 2>&1
	r=$(sed -n 's/^test result: .*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$out/rules.log")
	pass=$((pass + ${r% *})); fail=$((fail + ${r#* }))
	echo "host rules: ${r% *} passed, ${r#* } failed"
	grep -q '^test result: ok' "$out/rules.log" || cat "$out/rules.log"
else
	cat "$out/rules-build.log"; ko "host rules build"
fi

# 2. Host: the userspace crate, pgi, its fuzzer, the man page.
PGI_CHECK_KEEP=1 "$top/tools/check-host.sh" > "$out/tools.log" 2>&1
r=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out/tools.log" | tail -n1)
if [ -n "$r" ]; then
	pass=$((pass + ${r% *})); fail=$((fail + ${r#* }))
	grep -E '^(PASS|FAIL)' "$out/tools.log"
else
	cat "$out/tools.log"; ko "tools/check-host.sh"
fi

# 3. Host: the uapi header is C90 and the patch series carries it unchanged.
if gcc -std=c90 -pedantic -Wall -Werror -fsyntax-only -x c -I"$top/uapi" \
	- <<< '#include <linux/process_getinfo.h>' 2> "$out/uapi.log"; then
	ok "uapi header compiles as C90"
else
	cat "$out/uapi.log"; ko "uapi header compiles as C90"
fi

# 3a. Host: the series' last patch carries selftests/ unchanged.
if python3 "$here/series-carries.py" "$top"/patches/[0-9]*-selftests-add-process_getinfo-selftests.patch \
	"$top/selftests" tools/testing/selftests/process_getinfo/ > "$out/series-selftests.log" 2>&1; then
	ok "patch series carries selftests/"
else
	cat "$out/series-selftests.log"; ko "patch series carries selftests/"
fi

# 3b. Host: the syzkaller description keeps the rules syz-sysgen enforces
#     (syzkaller itself is not available here; see syzkaller/README.md).
if python3 "$top/syzkaller/lint.py" "$top/syzkaller/process_getinfo.txt" \
	"$top/uapi/linux/process_getinfo.h" > "$out/syzkaller-lint.log" 2>&1; then
	ok "syzkaller description lint"
else
	cat "$out/syzkaller-lint.log"; ko "syzkaller description lint"
fi

# 3c. Host: shellcheck finds nothing in the shell scripts (the guests' /init
#     included), following what they source.
if (cd "$top" && shellcheck -x scripts/*.sh bench/*.sh tools/*.sh .ci/run) \
	> "$out/shellcheck.log" 2>&1; then
	ok "shellcheck: scripts, bench, tools, .ci"
else
	cat "$out/shellcheck.log"; ko "shellcheck: scripts, bench, tools, .ci"
fi

# 4. Guest: the debug kernel, the module, the selftests; then the same on
#    arm64 (QEMU's virt machine): the core selftests, 64-bit and 32-bit arm.
#    PGI_ARCH=x86_64 or arm64 runs only that architecture's guest.
arch=${PGI_ARCH:-all}
case $arch in all|x86_64|arm64) ;; *) ko "PGI_ARCH=$arch (all, x86_64 or arm64)"; summary ;; esac
[ "$arch" = arm64 ] || guest_tests check "${PGI_GUEST_TIMEOUT:-2700}"
[ "$arch" = x86_64 ] || guest_tests core "${PGI_ARM64_TIMEOUT:-1800}" arm64
summary
