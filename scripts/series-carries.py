#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""series-carries.py PATCH DIR PREFIX: does PATCH create DIR's files, unchanged, under PREFIX?

The series' last patch adds the selftests to tools/testing/selftests/process_getinfo/.
This reads the files that patch creates under PREFIX and compares them, byte for byte,
with the files of DIR (the repository's selftests/). Prints each difference; exit 1 if any.
"""
import os
import re
import sys


def created_files(patch, prefix):
    files, cur, lines = {}, None, []
    text = open(patch, encoding="utf-8", errors="surrogateescape").read().split("\n")
    i = 0
    while i < len(text):
        line = text[i]
        m = re.match(r"^\+\+\+ b/(.*)$", line)
        if m:
            if cur is not None:
                files[cur] = lines
            path = m.group(1)
            cur = path[len(prefix):] if path.startswith(prefix) else None
            lines = []
        elif line.startswith("diff --git "):
            if cur is not None:
                files[cur] = lines
            cur = None
        elif cur is not None and line.startswith("+"):
            lines.append(line[1:] + "\n")
        elif cur is not None and line.startswith("\\ No newline at end of file") and lines:
            lines[-1] = lines[-1][:-1]
        i += 1
    if cur is not None:
        files[cur] = lines
    return {k: "".join(v) for k, v in files.items()}


def main():
    patch, directory, prefix = sys.argv[1:4]
    carried = created_files(patch, prefix)
    here = {f: open(os.path.join(directory, f), encoding="utf-8", errors="surrogateescape").read()
            for f in os.listdir(directory) if os.path.isfile(os.path.join(directory, f))}
    bad = 0
    for f in sorted(set(carried) | set(here)):
        if f not in carried:
            print(f"not in the series: {f}")
            bad = 1
        elif f not in here:
            print(f"only in the series: {f}")
            bad = 1
        elif carried[f] != here[f]:
            print(f"differs: {f}")
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
