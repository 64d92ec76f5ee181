#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# stress.sh: the long reliability runs (make stress) on the debug kernel:
# 2,000,000 fuzzed calls, 600 s of callers against fork/exec/thread/mmap
# churn, 200 unload/load rounds with callers in flight, the information-leak
# test before and after. About 68 minutes under TCG, 51 of them the fuzzed
# calls; the guest is stopped after PGI_GUEST_TIMEOUT (6,000 s). The kernel
# command line may shorten them: PGI_APPEND="pgi.fuzz_calls=N
# pgi.stress_secs=N pgi.lifecycle_loops=N". Ends with `N passed, N failed`;
# any kernel splat (KASAN, lockdep, hung task, kmemleak) is a failure.
set -uo pipefail
. "$(dirname "$0")/test-lib.sh" stress
start=$(date +%s)
guest_tests stress "${PGI_GUEST_TIMEOUT:-6000}"
grep -E '^# (process_getinfo_[a-z_]+\.c|pgi_harness\.h):[0-9]+:' "$out/guest.log"
echo "stress run: $(( $(date +%s) - start )) s"
summary
