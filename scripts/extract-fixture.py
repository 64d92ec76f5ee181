#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""extract-fixture.py LOG NAME OUT: write the buffer a guest test printed as hex.

process_getinfo_compat_test (with PGI_FIXTURE set) has its 32-bit helper print the buffer a
32-bit caller received between `PGI-FIXTURE-BEGIN NAME SIZE` and
`PGI-FIXTURE-END NAME` lines; this writes those SIZE bytes to OUT, the
userspace crate's fixture (tools/tests/fixtures/).
"""
import re
import sys


def main():
    log, name, out = sys.argv[1:4]
    hexdata, size, inside = [], None, False
    for line in open(log, errors="replace"):
        line = line.strip()
        m = re.match(r"PGI-FIXTURE-BEGIN (\S+) (\d+)$", line)
        if m and m.group(1) == name:
            inside, size, hexdata = True, int(m.group(2)), []
            continue
        if inside and line == f"PGI-FIXTURE-END {name}":
            inside = False
            continue
        if inside:
            hexdata.append(line)
    if size is None:
        print(f"no fixture {name} in {log}", file=sys.stderr)
        return 1
    data = bytes.fromhex("".join(hexdata))
    if len(data) != size:
        print(f"fixture {name}: {len(data)} bytes, announced {size}", file=sys.stderr)
        return 1
    open(out, "wb").write(data)
    print(f"{out}: {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
