#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""parse-guest-log.py LOG [MODE]: count the guest's results.

Reads the serial log of a guest run (see guest-init.sh): the TAP lines of
each program framed by PGI-BEGIN/PGI-END, the exit status of each step, and
the kernel log. Prints a report on stderr and, on stdout, one line of three
numbers for the caller's counters: "PASSED FAILED SKIPPED".

A step with a non-zero exit status that printed no failing TAP line counts
as one failure; so does every splat in the kernel log.
"""
import re
import sys

SPLATS = [
    r"\bBUG:", r"\bWARNING:", r"\bOops\b", r"KASAN:", r"UBSAN:",
    r"possible circular locking", r"possible recursive locking",
    r"inconsistent lock state", r"suspicious RCU usage",
    r"lockdep", r"INFO: task .* blocked for more than",
    r"soft lockup", r"Kernel panic", r"kmemleak: .* new suspected",
    r"general protection fault", r"Call Trace:",
]
# Lines the kernel prints at boot that merely mention the words.
BENIGN = [r"RCU lockdep checking is enabled", r"Lock dependency validator",
          r"MAX_LOCKDEP", r"lockdep_", r"^\s*\.\.\. ", r"KASAN: .*(init|enabled|KernelAddressSanitizer initialized)",
          r"kmemleak: Kernel memory leak detector initialized"]

# Every step guest-init.sh runs in each mode (check, core, stress), in order.
EXPECTED = {
    "check": ["process_getinfo_enosys_test_before_insmod", "insmod",
              "process_getinfo_test", "process_getinfo_facts_test",
              "process_getinfo_scanner_test",
              "process_getinfo_access_test", "process_getinfo_bounds_test",
              "process_getinfo_errors_test", "pgi_selftest",
              "process_getinfo_leak_test", "process_getinfo_fuzz_test",
              "process_getinfo_compat_test", "process_getinfo_compat_test_m32",
              "process_getinfo_test_m32", "process_getinfo_facts_test_m32",
              "process_getinfo_errors_test_m32", "process_getinfo_leak_test_m32",
              "process_getinfo_fuzz_test_m32",
              "process_getinfo_lifecycle_test", "process_getinfo_stress_test",
              "rmmod", "process_getinfo_enosys_test_after_rmmod"],
    "core": ["process_getinfo_enosys_test_before_insmod", "insmod"]
    + [t + w for t in ["process_getinfo_test", "process_getinfo_facts_test",
                       "process_getinfo_errors_test", "process_getinfo_compat_test",
                       "process_getinfo_leak_test"] for w in ["", "_m32"]]
    + ["process_getinfo_fuzz_test", "process_getinfo_fuzz_test_m32",
       "rmmod", "process_getinfo_enosys_test_after_rmmod"],
    "stress": ["process_getinfo_enosys_test_before_insmod", "insmod",
               "process_getinfo_leak_test", "process_getinfo_fuzz_test",
               "process_getinfo_stress_test", "process_getinfo_lifecycle_test",
               "process_getinfo_leak_test_after", "rmmod",
               "process_getinfo_enosys_test_after_rmmod"],
}


def main():
    text = open(sys.argv[1], errors="replace").read().splitlines()
    expected = EXPECTED[sys.argv[2] if len(sys.argv) > 2 else "check"]
    passed = failed = skipped = 0
    seen = {}
    cur = None
    for line in text:
        m = re.search(r"PGI-BEGIN (\S+)", line)
        if m:
            cur = m.group(1)
            seen[cur] = {"ok": 0, "notok": 0, "skip": 0, "rc": None}
            continue
        m = re.match(r"^PGI-END (\S+) rc=(\d+)", line)
        if m and m.group(1) in seen:
            seen[m.group(1)]["rc"] = int(m.group(2))
            cur = None
            continue
        if cur is None:
            continue
        if re.match(r"^ok \d+ .*# SKIP", line):
            seen[cur]["skip"] += 1
            print(f"SKIP: {cur}: {line}", file=sys.stderr)
        elif re.match(r"^ok \d+ ", line):
            seen[cur]["ok"] += 1
        elif re.match(r"^not ok \d+ ", line):
            seen[cur]["notok"] += 1
            print(f"FAIL: {cur}: {line}", file=sys.stderr)
    for step in expected:
        s = seen.get(step)
        if s is None or s["rc"] is None:
            failed += 1
            print(f"FAIL: guest step {step} did not run to its end", file=sys.stderr)
            continue
        passed += s["ok"]
        failed += s["notok"]
        skipped += s["skip"]
        tap = s["ok"] + s["notok"] + s["skip"]
        if tap == 0:
            # insmod, rmmod: the step itself is the test.
            if s["rc"] == 0:
                passed += 1
            else:
                failed += 1
                print(f"FAIL: guest step {step} exited {s['rc']}", file=sys.stderr)
        elif s["rc"] != 0 and s["notok"] == 0:
            failed += 1
            print(f"FAIL: guest step {step} exited {s['rc']}", file=sys.stderr)
        print(f"guest {step}: {s['ok']} passed, {s['notok']} failed, {s['skip']} skipped",
              file=sys.stderr)
    # The kernel's lines: the dmesg dump at the end, and what the kernel printed
    # to the console meanwhile (timestamped). Program output that merely says
    # "WARNING" is not the kernel's.
    splats = []
    in_dmesg = False
    for line in text:
        if line.startswith("PGI-DMESG-BEGIN"):
            in_dmesg = True
            continue
        if line.startswith("PGI-DMESG-END"):
            in_dmesg = False
            continue
        if not in_dmesg and not re.match(r"^\[\s*\d+\.\d+\]", line):
            continue
        if any(re.search(b, line) for b in BENIGN):
            continue
        if any(re.search(p, line) for p in SPLATS):
            splats.append(line)
    if splats:
        failed += 1
        print(f"FAIL: kernel log has {len(splats)} splat line(s):", file=sys.stderr)
        for line in splats[:40]:
            print("    " + line, file=sys.stderr)
    else:
        passed += 1
        print("PASS: guest kernel log has no BUG/WARNING/KASAN/UBSAN/lockdep report",
              file=sys.stderr)
    print(passed, failed, skipped)


if __name__ == "__main__":
    main()
