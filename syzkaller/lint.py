#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lint.py DESCRIPTION HEADER: check a syzkaller description without syzkaller.

syz-sysgen is not available here (no Go toolchain, no syzkaller checkout),
so this checks the rules of docs/syscall_descriptions_syntax.md that a
description of one system call can break, and that syz-sysgen enforces:

- in syscall arguments, `len`, `bytesize`, `bitsize` and `flags` take one
  type-option and `const` one (the value): no base type ("wrong number of
  arguments for type len" otherwise); in struct and union fields and
  pointees they take two, the second an integer type;
- every type named is a builtin, a flags set, a struct or union, a
  resource syzkaller's linux descriptions define, or a type alias here;
- every flags value and `const` name is defined by the uapi header (which
  syz-extract reads), and every `len`/`bytesize` names a sibling argument;
- brackets balance and every struct and union has at least one field;
- every fact bit of the header (PROCESS_INFO_* other than sizes and
  TRUNCATED) is in process_info_mask, so a new fact is never left unfuzzed.

Prints one line per problem and exits 1 if there is any.
"""
import re
import sys

INTS = {"int8", "int16", "int32", "int64", "intptr", "int16be", "int32be", "int64be"}
BUILTIN = INTS | {"const", "flags", "array", "ptr", "ptr64", "buffer", "string",
                  "stringnoz", "filename", "len", "bytesize", "bitsize", "vma", "proc",
                  "void", "fileoff", "text", "bool8", "bool16", "bool32", "bool64",
                  "boolptr"}
# Resources of syzkaller's sys/linux descriptions that this one uses.
RESOURCES = {"pid", "fd", "fd_pidfd"}
LEN_TYPES = {"len", "bytesize", "bitsize"}
DIRS = {"in", "out", "inout"}


def split_top(s, sep=","):
    """Splits s at top-level separators (outside brackets)."""
    parts, depth, cur = [], 0, ""
    for c in s:
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        if c == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_type(t):
    m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_$]*)(?:\[(.*)\])?(?::\d+)?", t.strip())
    if not m:
        return None, None
    return m.group(1), split_top(m.group(2)) if m.group(2) is not None else []


def main():
    desc, header = sys.argv[1], sys.argv[2]
    text = open(desc).read()
    defines = set(re.findall(r"^#define\s+([A-Z0-9_]+)", open(header).read(), re.M))
    problems = []
    lines = [l.split("#", 1)[0].rstrip() for l in text.splitlines()]

    flags, structs, calls, fields = {}, {}, [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("include "):
            i += 1
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
        if m:
            flags[m.group(1)] = [v.strip() for v in m.group(2).split(",")]
            i += 1
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_$]*)\((.*)\)\s*(\S*)$", line)
        if m:
            calls.append((i + 1, m.group(1), m.group(2)))
            i += 1
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*([{\[])$", line)
        if m:
            name, close = m.group(1), "}" if m.group(2) == "{" else "]"
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(close):
                if lines[i].strip():
                    body.append((i + 1, lines[i].strip()))
                i += 1
            if not body:
                problems.append(f"{desc}:{i}: {name} has no fields")
            structs[name] = body
            i += 1
            continue
        problems.append(f"{desc}:{i + 1}: cannot parse: {line}")
        i += 1

    facts = sorted(d for d in defines if d.startswith("PROCESS_INFO_")
                   and not d.startswith("PROCESS_INFO_SIZE_") and d != "PROCESS_INFO_TRUNCATED")
    for fact in facts:
        if fact not in flags.get("process_info_mask", []):
            problems.append(f"{desc}: process_info_mask lacks {fact}")

    known = BUILTIN | RESOURCES | set(structs)

    def check_type(lineno, t, in_arg, siblings):
        name, opts = parse_type(t)
        if name is None:
            problems.append(f"{desc}:{lineno}: bad type {t!r}")
            return
        if name not in known:
            problems.append(f"{desc}:{lineno}: unknown type {name}")
            return
        base = [] if in_arg else ["base"]
        if name in LEN_TYPES | {"flags"}:
            want = 1 + len(base)
            if len(opts) != want:
                problems.append(f"{desc}:{lineno}: wrong number of arguments for type {name}: "
                                f"{len(opts)}, want {want} ({'syscall argument' if in_arg else 'field'})")
                return
            if not in_arg and opts[1] not in INTS:
                problems.append(f"{desc}:{lineno}: {name} base type {opts[1]} is not an int type")
            if name == "flags" and opts[0] not in flags:
                problems.append(f"{desc}:{lineno}: unknown flags {opts[0]}")
            if name in LEN_TYPES and siblings is not None and opts[0] not in siblings \
                    and opts[0] != "parent":
                problems.append(f"{desc}:{lineno}: {name} of unknown field {opts[0]}")
        elif name == "const":
            want = 1 + len(base)
            if len(opts) != want:
                problems.append(f"{desc}:{lineno}: wrong number of arguments for type const: "
                                f"{len(opts)}, want {want}")
                return
            if not re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", opts[0]) and opts[0] not in defines:
                problems.append(f"{desc}:{lineno}: const {opts[0]} not in the header")
        elif name in ("ptr", "ptr64"):
            if len(opts) not in (2, 3) or opts[0] not in DIRS or (len(opts) == 3 and opts[2] != "opt"):
                problems.append(f"{desc}:{lineno}: bad ptr options {opts}")
                return
            check_type(lineno, opts[1], False, siblings)
        elif name == "array":
            if not 1 <= len(opts) <= 2:
                problems.append(f"{desc}:{lineno}: bad array options {opts}")
                return
            check_type(lineno, opts[0], False, None)
        elif name in INTS:
            if len(opts) > 1:
                problems.append(f"{desc}:{lineno}: bad int options {opts}")

    for lineno, name, args in calls:
        arglist = split_top(args)
        names = [a.split(None, 1)[0] for a in arglist]
        for a in arglist:
            parts = a.split(None, 1)
            if len(parts) != 2:
                problems.append(f"{desc}:{lineno}: argument without type: {a}")
                continue
            check_type(lineno, parts[1], True, set(names))
    for sname, body in structs.items():
        names = [f.split(None, 1)[0] for _, f in body]
        for lineno, f in body:
            parts = f.split(None, 1)
            if len(parts) != 2:
                problems.append(f"{desc}:{lineno}: field without type: {f}")
                continue
            check_type(lineno, parts[1], False, set(names))
    for fname, values in flags.items():
        for v in values:
            if v and v not in defines and not re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", v):
                problems.append(f"{desc}: flags {fname}: {v} not in the header")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
