#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py LOG RESULTS_DIR [--guest-mem MiB] [--elapsed s] [--commit id] [--kernel name]

Pulls the JSON that bench/guest-init.sh's experiments print between
"PGI-BENCH-BEGIN name" and "PGI-BENCH-END name" out of the guest's serial log
and writes, into RESULTS_DIR:

  <name>.json            one file per experiment: the raw per-run figures
  summary.md             medians, ratios, targets, breakdowns, interference
  cost-per-process.svg   cost per process against N, one line per method
  scan-cost-per-process.svg  the same for the scanners' sweeps (issue 11)

Only the standard library: the SVG is written by hand.
"""
import argparse
import glob
import json
import math
import os
import re
import sys

# The anchors' targets (shared/anchors.md).
TARGET_STATUS = 30.0
TARGET_FLOOR = 10.0
TARGET_MAPS = 40.0
# Issue 11's targets, at N >= 1,000: PSS against a smaps_rollup sweep, and the
# ps aux and trace-collector sweeps against their procfs readers.
TARGET_PSS = 10.0
TARGET_SWEEP = 30.0
TARGET_MIN_N = 1000

PROC_METHODS = [
    ("procfs_status_oom_stat", "procfs: status + oom_score_adj + stat, parsed"),
    ("procfs_status_oom", "procfs: status + oom_score_adj, parsed (anchors' sweep)"),
    ("procfs_open_close", "procfs: open+close stat only (floor)"),
    ("pidfd_get_info", "pidfd_open + PIDFD_GET_INFO + close (ids, creds only)"),
    ("pidfd_get_info_held", "PIDFD_GET_INFO on pidfds opened beforehand"),
    ("pgi_all", "process_getinfo ALL, all facts"),
    ("pgi_no_vm_counters", "process_getinfo ALL, all facts but VM_COUNTERS"),
    ("pgi_ids", "process_getinfo ALL, IDS only"),
    ("pgi_null", "process_getinfo, header only (fixed cost)"),
]
FACT_METHODS = ["pgi_ids", "pgi_ids+status", "pgi_ids+oom_score_adj", "pgi_ids+creds",
                "pgi_ids+prio", "pgi_ids+comm", "pgi_ids+vm_counters", "pgi_no_vm_counters",
                "pgi_all"]
SVG_METHODS = [
    ("procfs_status_oom_stat", "procfs status+oom+stat", "#d62728"),
    ("procfs_status_oom", "procfs status+oom_score_adj", "#ff7f0e"),
    ("procfs_open_close", "procfs open+close (floor)", "#8c564b"),
    ("pidfd_get_info", "PIDFD_GET_INFO (open+ioctl+close)", "#9467bd"),
    ("pidfd_get_info_held", "PIDFD_GET_INFO (pidfds held)", "#e377c2"),
    ("pgi_all", "process_getinfo, all facts", "#1f77b4"),
    ("pgi_ids", "process_getinfo, IDS only", "#17becf"),
]
# The scanners' sweeps (issue 11): (procfs reader, process_getinfo, target, what).
SWEEPS = [
    ("procfs_smaps_rollup", "pgi_rollup", TARGET_PSS, "PSS of every process",
     "`/proc/*/smaps_rollup`, all 15 counters parsed",
     "one call, `ALL`, `IDS|MEMORY_ROLLUP`"),
    ("procfs_psaux", "pgi_psaux", TARGET_SWEEP, "the ps aux sweep",
     "`/proc/*/stat` + `status` + `cmdline` (+ `/proc/meminfo` once), parsed as procps-ng does",
     "one call, `ALL`, `IDS|STATUS|CREDS|PRIO|COMM|VM_COUNTERS|CPU_TIMES|SESSION|CMDLINE|MEMINFO`"),
    ("procfs_collector", "pgi_collector", TARGET_SWEEP, "the trace-collector sweep",
     "`/proc/*/status` + `oom_score_adj` + `cmdline`, and `/proc/*/task/*/comm`",
     "one call, `ALL|THREADS`, `IDS|STATUS|CREDS|OOM_SCORE_ADJ|COMM|VM_COUNTERS|CMDLINE`"),
]
SCAN_FACT_METHODS = ["pgi_ids", "pgi_ids+cpu_times", "pgi_ids+session", "pgi_ids+cmdline",
                     "pgi_rollup", "pgi_psaux", "pgi_collector", "pgi_collector_2calls"]
SCAN_SVG_METHODS = [
    ("procfs_smaps_rollup", "procfs smaps_rollup", "#d62728"),
    ("pgi_rollup", "process_getinfo MEMORY_ROLLUP", "#1f77b4"),
    ("procfs_psaux", "procfs stat+status+cmdline (ps aux)", "#ff7f0e"),
    ("pgi_psaux", "process_getinfo, ps aux's facts", "#17becf"),
    ("procfs_collector", "procfs collector (+ task/*/comm)", "#8c564b"),
    ("pgi_collector", "process_getinfo ALL|THREADS, collector", "#2ca02c"),
]
INTERFERE_METHODS = ["idle", "cpu_burn", "procfs_status_oom_stat", "procfs_status_oom",
                     "procfs_open_close", "pidfd_get_info", "pgi_all", "maps_text",
                     "procmap_query", "pgi_maps"]
# Issue 13's targets: pgi_ids within 2x of the floors, pgi_all at least 5x the
# open+close floor, memory maps at least 8x text maps, every fact set at least
# as fast as the BPF iterator, a writer on a big map within 2x of text maps.
TARGET_IDS_FLOOR = 2.0
TARGET_FLOOR_13 = 5.0
TARGET_MAPS_13 = 8.0
TARGET_WRITER = 2.0
# process_getinfo's fact sets and the BPF task iterator programs that write the same facts.
BPF_PAIRS = [("pgi_ids", "bpf_ids"), ("pgi_ids+status", "bpf_ids+status"),
             ("pgi_ids+oom_score_adj", "bpf_ids+oom_score_adj"),
             ("pgi_ids+creds", "bpf_ids+creds"), ("pgi_ids+prio", "bpf_ids+prio"),
             ("pgi_ids+comm", "bpf_ids+comm"), ("pgi_ids+vm_counters", "bpf_ids+vm_counters"),
             ("pgi_no_vm_counters", "bpf_no_vm_counters"), ("pgi_all", "bpf_all")]
# Methods both kernels run: their figures show whether the bpf variant is comparable.
VARIANT_PROC = ["procfs_status_oom", "procfs_open_close", "pgi_all", "pgi_ids"]
VARIANT_MAPS = ["maps_text", "procmap_query", "pgi_maps"]


def parse_log(path):
    exps, steps, skips, info = {}, {}, [], {}
    cur, buf = None, []
    for line in open(path, errors="replace").read().splitlines():
        m = re.match(r"^PGI-BENCH-BEGIN (\S+)", line)
        if m:
            cur, buf = m.group(1), []
            continue
        m = re.match(r"^PGI-BENCH-END (\S+)", line)
        if m and cur == m.group(1):
            try:
                exps[cur] = json.loads("".join(buf))
            except json.JSONDecodeError as e:
                print(f"report: {cur}: bad JSON ({e})", file=sys.stderr)
            cur = None
            continue
        if cur is not None:
            if line.startswith("{") or buf:
                buf.append(line)
            continue
        m = re.match(r"^PGI-BENCH-STEP (\S+) rc=(\d+)", line)
        if m:
            steps[m.group(1)] = int(m.group(2))
        elif line.startswith("PGI-BENCH-SKIP "):
            skips.append(line[len("PGI-BENCH-SKIP "):])
        elif line.startswith("PGI-BENCH-TSC-HZ "):
            info["tsc_hz"] = float(line.split()[1])
        elif line.startswith("PGI-BENCH-START "):
            info["start_uptime"] = float(line.split()[1])
        elif line.startswith("PGI-BENCH-FINISH "):
            info["finish_uptime"] = float(line.split()[1])
    return exps, steps, skips, info


def med(exp, m):
    ms = exp["methods"].get(m)
    return ms["median_ns"] if ms else None


def mn(exp, m):
    ms = exp["methods"].get(m)
    return min(ms["ns"]) if ms else None


def r2(exp, a, b):
    """The ratio a/b from the medians, and (in brackets) from the fastest runs."""
    r, q = ratio(med(exp, a), med(exp, b)), ratio(mn(exp, a), mn(exp, b))
    return f"{rfmt(r)} ({rfmt(q)})"


def fmt(v, digits=3):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def rfmt(r):
    return "-" if r is None else f"{r:.1f}x"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def met(v, target):
    if v is None:
        return "not measured"
    return "**met**" if v >= target else "not met"


def procinfo_section(P, L):
    Ns = sorted(P)
    L.append("## 1. Process information for all processes\n")
    L.append("N sleeping processes (children of one spawner, each blocked in read() on a pipe) "
             "plus the guest's own (kernel threads, init, the benchmark): the record count is "
             "what every method returned. Median of the runs; one snapshot = one sweep of every "
             "process.\n")
    head = ["method"] + [f"N={n:,} ({P[n]['methods']['pgi_all']['records']:,} procs)" for n in Ns]
    rows = []
    for m, desc in PROC_METHODS:
        rows.append([f"`{m}`"] + [fmt(med(P[n], m) / 1e6 if med(P[n], m) else None)
                                   for n in Ns])
    L.append("**Median time per snapshot (ms)**\n")
    L.append(table(head, rows) + "\n")
    rows = []
    for m, desc in PROC_METHODS:
        if m == "pgi_null":
            continue
        cells = []
        for n in Ns:
            e = P[n]["methods"].get(m)
            cells.append(fmt(e["median_ns"] / e["records"] / 1e3) if e and e["records"] else "-")
        rows.append([f"`{m}`"] + cells)
    L.append("**Cost per process (µs per record)** (plotted in `cost-per-process.svg`)\n")
    L.append(table(["method"] + [f"N={n:,}" for n in Ns], rows) + "\n")
    L.append("Methods: " + "; ".join(f"`{m}`: {d}" for m, d in PROC_METHODS) + ".\n")

    rows = []
    for m in ["procfs_status_oom_stat", "procfs_status_oom", "procfs_open_close",
              "pidfd_get_info", "pidfd_get_info_held"]:
        rows.append([f"`{m}` / `pgi_all`"] + [r2(P[n], m, "pgi_all") for n in Ns])
    rows.append(["`procfs_status_oom` / `pgi_no_vm_counters`"] +
                [r2(P[n], "procfs_status_oom", "pgi_no_vm_counters") for n in Ns])
    rows.append(["`procfs_open_close` / `pgi_ids`"] +
                [r2(P[n], "procfs_open_close", "pgi_ids") for n in Ns])
    for m in ["pidfd_get_info", "pidfd_get_info_held"]:
        rows.append([f"`{m}` / `pgi_ids+creds` (the same facts)"] +
                    [r2(P[n], m, "pgi_ids+creds") for n in Ns])
    L.append("**Ratios (how many times faster process_getinfo is)**: from the medians, and in "
             "brackets from the fastest run of each method\n")
    L.append(table(["ratio"] + [f"N={n:,}" for n in Ns], rows) + "\n")

    rows = []
    for m, _ in PROC_METHODS:
        rows.append([f"`{m}`"] + [
            f"{P[n]['methods'][m]['syscalls']:,} / {fmt(P[n]['methods'][m]['pgalloc_per_snapshot'])}"
            for n in Ns])
    L.append("**System calls per snapshot / pages allocated per snapshot** (counted in the "
             "benchmark's own wrappers around every open/read/close/getdents64/ioctl/syscall; "
             "pages from /proc/vmstat `pgalloc_*`, minus an empty loop's; see section 5)\n")
    L.append(table(["method"] + [f"N={n:,}" for n in Ns], rows) + "\n")

    L.append("### Where process_getinfo's time goes\n")
    L.append("Each fact alone on top of IDS, in µs per record: `(median - pgi_null) / records`; "
             "the second figure is what the fact adds to IDS alone.\n")
    rows = []
    for m in FACT_METHODS:
        cells = []
        for n in Ns:
            e = P[n]["methods"].get(m)
            base = P[n]["methods"].get("pgi_ids")
            null = med(P[n], "pgi_null") or 0
            if not e or not e["records"]:
                cells.append("-")
                continue
            per = (e["median_ns"] - null) / e["records"] / 1e3
            add = (e["median_ns"] - base["median_ns"]) / e["records"] / 1e3
            cells.append(f"{per:.2f}" + ("" if m == "pgi_ids" else f" ({add:+.2f})"))
        rows.append([f"`{m}`"] + cells)
    L.append(table(["mask"] + [f"N={n:,}" for n in Ns], rows) + "\n")
    rows = []
    for m in ["pgi_all", "pgi_ids"]:
        cells = []
        for n in Ns:
            e = P[n]["methods"].get(m)
            if not e or "median_syscall_ns" not in e or not e["records"]:
                cells.append("-")
                continue
            k = e["median_syscall_ns"] / e["records"] / 1e3
            u = (e["median_ns"] - e["median_syscall_ns"]) / e["records"] / 1e3
            cells.append(f"{k:.2f} + {u:.2f}")
        rows.append([f"`{m}`"] + cells)
    L.append("Inside the system call + walking the records in user space, µs per record:\n")
    L.append(table(["method"] + [f"N={n:,}" for n in Ns], rows) + "\n")
    cross = []
    for n in Ns:
        x = P[n]["cross_check"]
        tot = x.get("compared_without_self", x["procfs_records"])
        d = f"{x['different_facts']} differ"
        if x.get("differences"):
            d += ": " + x["differences"]
        cross.append(f"N={n:,}: {x['same_facts']:,} of {tot:,} processes identical ({d})")
    L.append("Same facts? `procfs_status_oom_stat` and `pgi_all` compared process by process "
             "(ids, state, uids, gids, oom_score_adj, prio, nice, policy, comm, VmSize; the "
             "benchmark's own process left out, its VmSize moves between the two snapshots; "
             "a difference is listed as pid comm: field procfs-state/pgi-state): "
             + "; ".join(cross) + ".\n")
    per_proc = [f"N={n:,}: {P[n].get('population_kb_per_proc', 0):.0f} kB" for n in Ns]
    L.append("Kernel memory per sleeping process (MemAvailable drop / N): "
             + ", ".join(per_proc) + ".\n")


def maps_name(e):
    s = f"{e['procs']} x {e['vmas_per_proc']:,}"
    if e.get("vma_kind") == "anon":
        s += " (anonymous only)"
    return s


def maps_section(M, L):
    L.append("## 2. Memory maps\n")
    L.append("Populations of processes whose VMAs are one page each, in turn anonymous "
             "read-only, anonymous read-write and a private read-only mapping of one of four "
             "files in /tmp (so that names matter and nothing merges); the anonymous-only "
             "variant alternates the two anonymous kinds. Population experiments look at every "
             "process (`/proc/*` and `PROCESS_GETINFO_ALL`; `pgi_maps_pids` passes the "
             "population's pids); the single big process is looked at by pid. Every method "
             "returns every VMA with its name. `pgi_ids` is the same call without MEMORY_MAP.\n")
    keys = sorted(M, key=lambda k: (M[k]["procs"] == 1, M[k]["vmas_per_proc"],
                                    M[k].get("vma_kind") == "anon"))
    rows = []
    for k in keys:
        e = M[k]
        t, q, p = med(e, "maps_text"), med(e, "procmap_query"), med(e, "pgi_maps")
        pp = med(e, "pgi_maps_pids")
        nv = e["methods"]["pgi_maps"]["vmas"]
        rows.append([maps_name(e), f"{nv:,}", fmt(t / 1e6), fmt(q / 1e6), fmt(p / 1e6),
                     fmt(pp / 1e6) if pp else "-", r2(e, "maps_text", "pgi_maps"),
                     r2(e, "procmap_query", "pgi_maps")])
    L.append("**Median time per snapshot (ms) and ratios** (ratios from the medians, and in "
             "brackets from the fastest runs)\n")
    L.append(table(["population", "VMAs seen", "maps_text", "procmap_query", "pgi_maps",
                    "pgi_maps_pids", "text / pgi", "query / pgi"], rows) + "\n")
    rows = []
    for k in keys:
        e = M[k]
        ids = med(e, "pgi_ids")
        cells = [maps_name(e)]
        for m in ["maps_text", "procmap_query", "pgi_maps"]:
            x = e["methods"][m]
            cells.append(fmt(x["median_ns"] / max(x["vmas"], 1)))
        x = e["methods"]["pgi_maps"]
        cells.append(fmt((x["median_ns"] - ids) / max(x["vmas"], 1)))
        cells.append(" / ".join(f"{e['methods'][m]['syscalls']:,}"
                                for m in ["maps_text", "procmap_query", "pgi_maps"]))
        cells.append(" / ".join(fmt(e['methods'][m]['pgalloc_per_snapshot'])
                                for m in ["maps_text", "procmap_query", "pgi_maps"]))
        rows.append(cells)
    L.append("**Per VMA (ns) and counts per snapshot**\n")
    L.append(table(["population", "maps_text ns/VMA", "procmap_query ns/VMA", "pgi_maps ns/VMA",
                    "pgi_maps minus pgi_ids, ns/VMA", "syscalls text / query / pgi",
                    "pages allocated text / query / pgi"], rows) + "\n")
    cross = [f"{maps_name(M[k])}: {M[k]['cross_check']['same_vmas']:,} of "
             f"{M[k]['cross_check']['text_vmas']:,} identical "
             f"({M[k]['cross_check']['different_vmas']} differ)" for k in keys]
    L.append("Same VMAs? `maps_text` and `pgi_maps` compared VMA by VMA (range, prot, shared, "
             "offset, device, inode, name), the benchmark's own process left out: " + "; ".join(cross) + ". PROCMAP_QUERY does not "
             "return the `[vsyscall]` gate VMA (one per process fewer).\n")
    mixed = [k for k in keys if M[k]["procs"] == 1 and M[k].get("vma_kind") != "anon"]
    anon = [k for k in keys if M[k]["procs"] == 1 and M[k].get("vma_kind") == "anon"]
    if mixed and anon:
        em, ea = M[mixed[0]], M[anon[0]]

        def per_vma(e, m):
            return (med(e, m) - (med(e, "pgi_ids") if m.startswith("pgi") else 0)) / \
                e["methods"][m]["vmas"]
        nf = em["vmas_per_proc"] // 3
        na_m = em["methods"]["pgi_maps"]["vmas"] - nf
        extra = {}
        for m in ["maps_text", "procmap_query", "pgi_maps"]:
            # Cost of a file VMA beyond an anonymous one, from the two big processes.
            tot_m = med(em, m) - (med(em, "pgi_ids") if m == "pgi_maps" else 0)
            anon_cost = per_vma(ea, m)
            extra[m] = (tot_m - na_m * anon_cost) / nf
        L.append("**Per-VMA cost, anonymous against file-backed** (the two single processes): "
                 "an anonymous VMA costs " + ", ".join(f"`{m}` {per_vma(ea, m):.0f} ns" for m in
                                                       ["maps_text", "procmap_query", "pgi_maps"])
                 + "; a file-backed VMA (its name rendered with d_path) costs " +
                 ", ".join(f"`{m}` {extra[m]:.0f} ns" for m in extra) + ".\n")


def interfere_section(I, L):
    L.append("## 3. Interference\n")
    L.append("While a scanner takes snapshots of every process, a fresh small process measures "
             "fork()+exit+waitpid() latency, then another (with 1,000 VMAs of its own, so that "
             "the memory-map scanners read it) measures mmap()+munmap() of one page. `idle`: no "
             "scanner; `cpu_burn`: a scanner that only spins in user space, the share of the "
             "cost that is just sharing the CPU. **The guest has two CPUs** (QEMU TCG; ACPI "
             "brings up the second), and every experiment runs twice: **same CPU**, scanner and "
             "probes pinned to CPU 0, so they take turns on it as on a one-CPU machine and "
             "differences come from how long the scanner keeps the CPU or a lock; **split**, "
             "scanner on CPU 0 and probes on CPU 1, so only the locks the two share are left. "
             "`loop`: the scanner snapshots back to back (faster methods take more snapshots); "
             "`paced`: every method takes the same number of snapshots per second. The "
             "`tasks` experiments run the fork probe alone under the process-fact scanners "
             "on 10,000 and 50,000 sleeping processes: the task pass under `tasklist_lock` at "
             "scale.\n")
    for k in sorted(I, key=interfere_order):
        e = I[k]
        pace = e.get("pace_hz", 0)
        mode = "loop" if not pace else f"paced at {pace:g} snapshots/s"
        mode += {"same": ", scanner and probes on the same CPU",
                 "split": ", scanner and probes on different CPUs"}.get(e.get("pinning"), "")
        if "bigmap" in k:
            L.append(f"**{mode}, the mmap prober has {e['probe_vmas']:,} VMAs**, and only the "
                     f"memory-map scanners run (a writer on a big map while it is read), "
                     f"{e.get('rounds', 1)} rounds of {e['seconds_per_probe']:g} s\n")
        else:
            L.append(f"**{mode}, N={e['n']:,} sleeping processes, {e.get('rounds', 1)} rounds "
                     f"of {e['seconds_per_probe']:g} s per probe**: medians over the rounds, "
                     "the range over the rounds in brackets\n")
        rows = []
        for m in INTERFERE_METHODS:
            x = e["methods"].get(m)
            if not x:
                continue
            f, mm = x.get("fork_exit"), x.get("mmap_munmap")
            if f is None:
                f = {"p50_ns": None, "p99_ns": None, "max_ns": None, "samples": 0}
            if mm is None:
                mm = {"p50_ns": None, "p99_ns": None, "max_ns": None, "samples": 0}

            def rng(d, key, scale):
                v = d.get(key + "_reps")
                if not v:
                    return ""
                return f" ({fmt(min(v) / scale)}-{fmt(max(v) / scale)})"

            def sc(v, scale):
                return None if v is None else v / scale
            rows.append([f"`{m}`", fmt(sc(f["p50_ns"], 1e6)),
                         fmt(sc(f["p99_ns"], 1e6)) + rng(f, "p99_ns", 1e6),
                         fmt(sc(f["max_ns"], 1e6)) + rng(f, "max_ns", 1e6), f"{f['samples']:,}",
                         fmt(sc(mm["p50_ns"], 1e3)),
                         fmt(sc(mm["p99_ns"], 1e3)) + rng(mm, "p99_ns", 1e3),
                         fmt(sc(mm["max_ns"], 1e3)) + rng(mm, "max_ns", 1e3),
                         f"{mm['samples']:,}",
                         fmt(x.get("scanner_snapshots_per_s"))])
        head = ["scanner", "fork p50 ms", "fork p99 ms (rounds)", "fork max ms (rounds)",
                "forks", "mmap p50 µs", "mmap p99 µs (rounds)", "mmap max µs (rounds)",
                "mmaps", "snapshots/s"]
        if "bigmap" in k:
            head = [head[0]] + head[5:]
            rows = [[r[0]] + r[5:] for r in rows]
        elif "-tasks-" in k:
            head = head[:5] + head[9:]
            rows = [r[:5] + r[9:] for r in rows]
        L.append(table(head, rows) + "\n")
    L.append("Reading these (an interpretation, consistent with the numbers): with scanner "
             "and probe on one CPU, every busy scanner, even `cpu_burn`, delays a woken prober "
             "until the scheduler preempts it, so p99 rises for all of them; with the probes on "
             "the other CPU that share goes, and what is left is what the two share. What "
             "process_getinfo adds is time a prober waits for a lock: the task pass runs under "
             "`tasklist_lock` (read, not preemptible, and fork and exit take it for writing), "
             "for the whole pass, which grows with the number of processes (the `tasks` "
             "tables); and MEMORY_MAP holds a process's mmap read lock until another task "
             "waits for it, and must read a map that keeps changing once under one hold to give "
             "one picture of it, which writers (mmap, munmap, fork's dup_mmap) wait for (the "
             "bigmap tables). In 7.3 /proc/PID/maps and PROCMAP_QUERY read under per-VMA locks "
             "instead, so writers barely wait for them, and they give no picture of one "
             "instant.\n")


def interfere_order(k):
    return ("-tasks-" in k, "bigmap" in k, k)


def profile_section(R, L):
    L.append("## 6. Profiles\n")
    L.append("Where the time goes, from the kernel's own sampling (perf_event_open, cpu-clock "
             "software event on the benchmark process, which without high-resolution timers "
             "fires on the 250 Hz tick; addresses resolved with /proc/kallsyms, the module's "
             "symbols included). Time with interrupts off is credited to where they come back "
             "on (`_raw_spin_unlock_irqrestore` and the like). Top symbols, % of samples.\n")
    for k in sorted(R):
        e = R[k]
        what = (f"N={e['n']:,} sleeping processes" if e["kind"] in ("procinfo", "scan")
                else f"one process with {e['vmas']:,} VMAs")
        for m, x in e["methods"].items():
            L.append(f"**`{m}`, {what}**: {x['samples']:,} samples over {x['snapshots']:,} "
                     f"snapshots\n")
            rows = [[f"`{h['sym']}`", f"{h['pct']:.1f}"] for h in x["top"][:14]]
            L.append(table(["symbol", "%"], rows) + "\n")


MODULE_WORK = "the module's own work (records, buffers, copy-out)"


def module_work(sym):
    """Whether a profile symbol is the module's own work (records, buffers, copy-out)."""
    s = sym.split()[0]
    return "process_getinfo_mod" in sym or "kvec" in s or "uaccess" in s \
        or "drop_in_place" in s \
        or s in ("memcpy_orig", "memset_orig", "__pi_memset", "rep_movs_alternative",
                 "_copy_to_user", "rust_helper_copy_to_user", "rust_helper_is_vm_hugetlb_page",
                 "rust_helper_file_user_inode", "inode_ino_dev")


# Profile symbols by what they do (heuristic, by name).
def category(sym, maps):
    s = sym.split()[0]
    if sym.startswith("[user"):
        return "user space (the benchmark's parsing)"
    if maps:
        if s.startswith(("mas_", "mt_", "vma_next", "lock_next_vma", "find_vma")):
            return "VMA tree walk (shared with maps)"
        if s in ("d_path", "prepend_path", "prepend", "prepend_name", "copy_from_kernel_nofault",
                 "get_vma_name", "anon_vma_name", "strlen", "process_getinfo_vma_name",
                 "arch_vma_name", "__d_path", "dentry_path") or "vma_name" in s \
                or "vma_path" in s:
            return "VMA names (d_path and friends, shared with maps)"
    else:
        if "pid_nr_ns" in s or s in ("pid_nr_ns", "__task_pid_nr_ns", "pid_task",
                                      "process_getinfo_task_ids"):
            return "pid numbers (task_*_nr_ns)"
        if ("task_struct" in s and ("get_" in s or "put_" in s)) or s in ("__put_task_struct",):
            return "task references (get/put_task_struct)"
        if s.startswith(("_raw_spin", "get_task_mm", "mmput")) or "mm_counter" in s \
                or "percpu_counter" in s or s == "process_getinfo_task_vm_counters":
            return "VM counters (get_task_mm, per-CPU rss sums, locks)"
        if "kuid" in s or "kgid" in s or "map_id" in s or "cred" in s:
            return "creds (uid/gid mapping)"
        if "task_state" in s or "task_comm" in s or "task_prio" in s or "nice" in s \
                or "oom" in s or "policy" in s:
            return "other facts (state, comm, prio, oom)"
    if module_work(sym):
        return MODULE_WORK
    return "other kernel"


def breakdown(x, classify):
    """The profile `x` by kind of work: `classify(sym)` names each symbol's kind."""
    cats = {}
    for h in x["top"]:
        c = classify(h["sym"])
        cats[c] = cats.get(c, 0) + h["pct"]
    listed = sum(h["pct"] for h in x["top"])
    cats["other kernel"] = cats.get("other kernel", 0) + max(0.0, 100 - listed)
    return cats


# The scanners' profiles by what the work is, and which procfs reader does the same work.
WALK = "the smaps_rollup page walk"
ARGS = "reading the argument pages (access_remote_vm)"
IRQOFF = "irq-off sections (per-CPU RSS sums, the sighand lock)"
MMLOCK = "the mmap read lock"
SHARED_WITH = {  # the work of each sweep's procfs reader that the call must do too
    "pgi_rollup": (WALK, MMLOCK),
    "pgi_psaux": (ARGS, IRQOFF, MMLOCK),
    "pgi_collector": (ARGS, IRQOFF, MMLOCK),
}
# What could still lower that shared work, where it alone caps the ratio below the target.
REMEDY = {
    "pgi_rollup": "PSS needs every mapped page's map count; only a running per-mm total, "
                  "which the kernel does not keep, would avoid the walk",
    "pgi_psaux": "the command line lives in the process's own memory, which procfs and the "
                 "call both read through get_user_pages; the RSS sums and CPU times are the "
                 "same per-CPU and per-thread sums /proc/PID/status and stat make",
    "pgi_collector": "the command line lives in the process's own memory, which procfs and "
                     "the call both read through get_user_pages; the RSS sums are the same "
                     "per-CPU sums /proc/PID/status makes",
}


def scan_category(sym):
    s = sym.split()[0]
    if sym.startswith("[user"):
        return "user space (the benchmark's parsing)"
    if s.startswith(("smaps_", "smap_", "walk_", "__walk_page", "vm_normal_page", "folio_",
                      "pte_", "pmd_", "page_mapcount", "mas_", "mt_next")) \
            and not s.startswith(("mas_walk",)):
        return WALK
    if s in ("get_mm_cmdline", "__access_remote_vm", "access_remote_vm", "__get_user_pages",
             "get_user_pages_remote", "follow_page_pte", "follow_page_mask", "mtree_load",
             "mt_find", "find_vma", "vma_lookup", "find_extend_vma", "kmap_local_page",
             "copy_from_user_page", "mas_walk",
             "proc_pid_get_cmdline", "process_getinfo_cmdline") or s.startswith("gup_") \
            or "get_user_pages" in s or "cmdline" in s:
        return ARGS
    if s.startswith(("down_read", "up_read", "mmap_read", "rwsem_")) or "mmap_lock" in s:
        return MMLOCK
    if s.startswith(("_raw_spin_unlock_irq", "_raw_spin_lock_irq")) or "percpu_counter" in s \
            or "cputime" in s or "lock_task_sighand" in s:
        return IRQOFF
    if module_work(sym):
        return MODULE_WORK
    return "other kernel"


def scan_why(prof, pgi, procfs, target, p_us, g_us):
    """The explanation of a missed sweep target, from the scan profile: the share of the call's
    time that is work the procfs reader does too, and the ratio that alone allows."""
    x = prof["methods"].get(pgi) if prof else None
    if not x:
        return "No profile of this method in this run: the shares of its time are not known."
    cats = breakdown(x, scan_category)
    shared_names = SHARED_WITH.get(pgi, ())
    shared_names = tuple(c for c in shared_names if cats.get(c, 0) > 0)
    shared = sum(cats.get(c, 0) for c in shared_names)
    floor = g_us * shared / 100
    txt = (f"`{pgi}`'s profile by kind of work (N={prof['n']:,}; by symbol name, so "
           "approximate): " + ", ".join(f"{k} {v:.0f}%" for k, v in
                                        sorted(cats.items(), key=lambda kv: -kv[1])) + ". ")
    if not shared or not floor:
        return txt + "None of it is classed as work the procfs reader also does."
    cap = p_us / floor
    names = ", ".join(shared_names[:-1]) + (" and " if len(shared_names) > 1 else "") \
        + shared_names[-1]
    txt += (f"The work `{procfs}` does too, in the same kernel functions ({names}), is "
            f"{shared:.0f}% of the call's time: {fmt(floor)} µs per record. ")
    if cap < target:
        txt += (f"Even if everything else cost nothing, the ratio could not pass {cap:.1f}x, "
                f"below the {target:.0f}x target, whatever the call's own costs: "
                + REMEDY.get(pgi, "the shared work is the floor") + ".")
    else:
        own = cats.get(MODULE_WORK, 0)
        txt += (f"That work alone would allow {cap:.0f}x, so the target is missed by the rest: "
                f"the module's own work (records, buffers, copy-out) is {own:.0f}% and other "
                f"kernel work {cats.get('other kernel', 0):.0f}%, which is issue 13's to cut.")
    return txt


def why_section(P, M, R, L):
    L.append("## 7. Why the speed targets are not met: the evidence\n")
    prof_p = next((e for e in R.values() if e["kind"] == "procinfo"), None)
    prof_m = next((e for e in R.values() if e["kind"] == "maps"), None)
    if P:
        n = max(P)
        e = P[n]["methods"]
        per = {m: e[m]["median_ns"] / e[m]["records"] / 1e3 for m in
               ["pgi_all", "pgi_ids", "procfs_open_close", "procfs_status_oom"]}
        L.append(f"**Process facts (N={n:,}).** The floor of procfs, opening and closing one "
                 f"file, costs {per['procfs_open_close']:.2f} µs per process here; a 10x win "
                 f"needs all facts in {per['procfs_open_close'] / 10:.2f} µs per record, but "
                 f"process_getinfo spends {per['pgi_ids']:.2f} µs on a record with IDS alone "
                 f"and {per['pgi_all']:.2f} µs with every fact (30x the status sweep would need "
                 f"{per['procfs_status_oom'] / 30:.2f} µs). Section 1's breakdown shows the "
                 "costs are not additive (all facts together cost more than IDS plus each "
                 "fact's own increment), most likely because every record then touches a "
                 "handful of cold objects (task_struct, signal_struct, cred, mm_struct and its "
                 "per-CPU counters) and TCG's software TLB pays for every new page; per-record "
                 "costs also grow with N for the same reason.\n")
        if prof_p:
            for m in ["pgi_all", "pgi_ids"]:
                x = prof_p["methods"].get(m)
                if not x:
                    continue
                cats = breakdown(x, lambda sym: category(sym, False))
                L.append(f"`{m}` profile by kind of work (N={prof_p['n']:,}; by symbol name, "
                         "so approximate): " + ", ".join(
                             f"{k} {v:.0f}%" for k, v in
                             sorted(cats.items(), key=lambda kv: -kv[1])) + ".\n")
    if M:
        big = [k for k in M if M[k]["procs"] == 1 and M[k].get("vma_kind") != "anon"]
        if big:
            e = M[big[0]]
            nv = e["methods"]["pgi_maps"]["vmas"]
            t = e["methods"]["maps_text"]["median_ns"] / nv
            p = (e["methods"]["pgi_maps"]["median_ns"] - e["methods"]["pgi_ids"]["median_ns"]) / nv
            txt = (f"**Memory maps ({nv:,} VMAs in one process).** Text maps cost {t:.0f} ns "
                   f"per VMA, process_getinfo {p:.0f} ns: a 40x win needs {t / 40:.0f} ns per "
                   "VMA, everything included. ")
            if prof_m and "pgi_maps" in prof_m["methods"]:
                cats = breakdown(prof_m["methods"]["pgi_maps"], lambda sym: category(sym, True))
                shared = sum(v for k, v in cats.items() if "shared with maps" in k)
                floor = p * shared / 100
                txt += ("Its profile by kind of work: " + ", ".join(
                    f"{k} {v:.0f}%" for k, v in sorted(cats.items(), key=lambda kv: -kv[1]))
                    + f". Walking the VMA tree and rendering the names is work text maps does "
                    f"too: {shared:.0f}% of process_getinfo's time, {floor:.0f} ns per VMA. "
                    f"Even if everything else cost nothing, the ratio could not pass "
                    f"{t / floor:.0f}x on this VMA mix. (The anchors' ~40x is PROCMAP_QUERY's "
                    "published figure for its motivating pattern, a symbolizer finding the few "
                    "VMAs that cover a batch of addresses, against parsing the whole text map; "
                    "it is not a figure for returning every VMA.)")
            L.append(txt + "\n")


def alloc_section(P, M, L):
    L.append("## 5. Kernel allocations\n")
    L.append("Allocation calls are **not measurable on this kernel**: the release config is "
             "tinyconfig-based with `SLUB_TINY` (no `SLUB_DEBUG`, so no /proc/slabinfo and no "
             "/sys/kernel/slab) and without tracing (no kmem tracepoints, no kprobes, no BPF). "
             "What is measured instead: pages handed out by the page allocator per snapshot "
             "(/proc/vmstat `pgalloc_*` over a batch of snapshots, minus an empty batch's), "
             "which catches slab refills (with SLUB_TINY an emptied slab page goes back at once, "
             "so per-file procfs allocations show up as page churn), kvmalloc'ed buffers and "
             "page tables; and the net change of `Slab:` in /proc/meminfo over the batch "
             "(retained memory, which should be 0).\n")
    Ns = sorted(P)
    rows = []
    for m, _ in PROC_METHODS:
        rows.append([f"`{m}`"] + [
            f"{fmt(P[n]['methods'][m]['pgalloc_per_snapshot'])} ({P[n]['methods'][m]['slab_kb_delta']:+.0f} kB)"
            for n in Ns])
    L.append("**Process facts: pages allocated per snapshot (Slab: change over the batch)**\n")
    L.append(table(["method"] + [f"N={n:,}" for n in Ns], rows) + "\n")
    if P:
        pg = [(n, P[n]["methods"]["pgi_all"]["pgalloc_per_snapshot"],
               P[n]["methods"]["procfs_status_oom"]["pgalloc_per_snapshot"]) for n in Ns]
        L.append("process_getinfo's per-call pages grow with N only through its task arrays "
                 "(one entry per process, kvmalloc'ed, as design.md allows: O(number of "
                 "tasks) for references); procfs's grow by about one page per file read. "
                 + "; ".join(f"N={n:,}: {a:.0f} vs {b:.0f}" for n, a, b in pg) + ".\n")


def targets_section(P, M, I, L, S=None, B=None):
    L.append("## 4. Targets (shared/anchors.md, and issue 13's in section 9)\n")
    Ns = sorted(P)
    rows = []
    for n in Ns:
        r = ratio(med(P[n], "procfs_status_oom"), med(P[n], "pgi_all"))
        rows.append([f">= {TARGET_STATUS:.0f}x the `/proc/*/status` + `oom_score_adj` sweep",
                     f"N={n:,}", rfmt(r), met(r, TARGET_STATUS)])
    for n in Ns:
        r = ratio(med(P[n], "procfs_open_close"), med(P[n], "pgi_all"))
        rows.append([f">= {TARGET_FLOOR:.0f}x opening and closing one file per process",
                     f"N={n:,}", rfmt(r), met(r, TARGET_FLOOR)])
    keys = sorted(M, key=lambda k: (M[k]["procs"] == 1, M[k]["vmas_per_proc"],
                                    M[k].get("vma_kind") == "anon"))
    for k in keys:
        r = ratio(med(M[k], "maps_text"), med(M[k], "pgi_maps"))
        rows.append([f">= {TARGET_MAPS:.0f}x text maps", maps_name(M[k]), rfmt(r),
                     met(r, TARGET_MAPS)])
    for k in keys:
        r = ratio(med(M[k], "procmap_query"), med(M[k], "pgi_maps"))
        rows.append(["faster than PROCMAP_QUERY", maps_name(M[k]), rfmt(r), met(r, 1.0)])
    sc = set()
    for e in list(P.values()) + list(M.values()):
        for m, x in e["methods"].items():
            if m.startswith("pgi"):
                sc.add(x["syscalls"])
    rows.append(["1 syscall per snapshot (2 after an E2BIG)", "all points",
                 ", ".join(str(s) for s in sorted(sc)) + " (the E2BIG retries happened in the "
                 "warm-up)", "**met**" if sc <= {1, 2} else "not met"])
    if S:
        for procfs, pgi, target, what, _, _ in SWEEPS:
            for k in scan_keys(S):
                e = S[k]
                if e.get("population") != "sleeping" or e["n"] < TARGET_MIN_N:
                    continue
                r = ratio(med(e, procfs), med(e, pgi))
                rows.append([f">= {target:.0f}x {what} (`{procfs}` / `{pgi}`, section 8)",
                             scan_label(e), rfmt(r), met(r, target)])
        sc = {}
        for e in S.values():
            for m, x in e["methods"].items():
                if m.startswith("pgi"):
                    sc.setdefault(m == "pgi_collector_2calls", set()).add(x["syscalls"])
        one = sc.get(False, set())
        rows.append(["1 syscall per snapshot, the sweeps' calls (`pgi_collector_2calls` makes "
                     "2 by design: " + ", ".join(str(s) for s in sorted(sc.get(True, set())))
                     + ")", "section 8", ", ".join(str(s) for s in sorted(one)),
                     "**met**" if one <= {1, 2} else "not met"])
    for k in sorted(I, key=interfere_order):
        e = I[k]
        pace = e.get("pace_hz", 0)
        mode = "loop" if not pace else f"paced {pace:g}/s"
        if "bigmap" in k:
            mode += f", prober with {e['probe_vmas']:,} VMAs"
        else:
            mode += f", N={e['n']:,}"
        if e.get("pinning") in ("same", "split"):
            mode += ", " + {"same": "same CPU", "split": "2 CPUs"}[e["pinning"]]
        for probe, label in [("fork_exit", "fork/exit"), ("mmap_munmap", "mmap/munmap")]:
            for mine, theirs in [("pgi_all", "procfs_status_oom_stat"),
                                 ("pgi_maps", "maps_text")]:
                a = e["methods"].get(mine, {}).get(probe)
                b = e["methods"].get(theirs, {}).get(probe)
                if not a or not b:
                    continue
                verdicts = []
                for key in ["p99_ns", "max_ns"]:
                    va = a.get(key + "_reps", [a[key]])
                    vb = b.get(key + "_reps", [b[key]])
                    if max(va) < min(vb):
                        verdicts.append("better")
                    elif min(va) > max(vb):
                        verdicts.append("worse")
                    else:
                        verdicts.append("within noise")
                ok = "worse" not in verdicts
                rows.append([f"{label} latency under `{mine}` no worse than under `{theirs}`",
                             mode,
                             f"p99 {fmt(a['p99_ns'] / 1e3)} vs {fmt(b['p99_ns'] / 1e3)} µs "
                             f"({verdicts[0]}), max {fmt(a['max_ns'] / 1e3)} vs "
                             f"{fmt(b['max_ns'] / 1e3)} µs ({verdicts[1]})",
                             "**met**" if ok else "not met"])
    rows += issue13_rows(P, M, I, B or {})
    L.append(table(["target", "point", "measured", "verdict"], rows) + "\n")
    L.append("(Ratios are judged on the medians. Latencies: \"better\"/\"worse\" when the "
             "ranges over the rounds do not overlap, \"within noise\" when they do; met unless "
             "worse.)\n")


def floor_sum(e):
    t, c = med(e, "floor_taskpass"), med(e, "floor_copyout")
    return None if t is None or c is None else t + c


def by_experiment(B, kind):
    if kind == "procinfo":
        return {e["n"]: e for e in B.values() if e["experiment"] == "procinfo"}
    return {k: e for k, e in B.items() if e["experiment"] == "maps"}


def maps_keys(M):
    return sorted(M, key=lambda k: (M[k]["procs"] == 1, M[k]["vmas_per_proc"],
                                    M[k].get("vma_kind") == "anon"))


def issue13_rows(P, M, I, B):
    """The target table's lines for issue 13 (section 9 has the figures)."""
    rows = []
    for n in sorted(P):
        f, ids = floor_sum(P[n]), med(P[n], "pgi_ids")
        r = ratio(ids, f)
        rows.append([f"`pgi_ids` within {TARGET_IDS_FLOOR:.0f}x of the task-pass floor + the "
                     "copy-out floor (issue 13)", f"N={n:,}",
                     "-" if r is None else f"{fmt(ids / 1e6)} vs {fmt(f / 1e6)} ms: {rfmt(r)}",
                     "not measured" if r is None else
                     ("**met**" if r <= TARGET_IDS_FLOOR else "not met")])
    for n in sorted(P):
        r = ratio(med(P[n], "procfs_open_close"), med(P[n], "pgi_all"))
        rows.append([f">= {TARGET_FLOOR_13:.0f}x opening and closing one file per process "
                     "(issue 13)", f"N={n:,}", rfmt(r), met(r, TARGET_FLOOR_13)])
    for k in maps_keys(M):
        r = ratio(med(M[k], "maps_text"), med(M[k], "pgi_maps"))
        rows.append([f">= {TARGET_MAPS_13:.0f}x text maps (issue 13)", maps_name(M[k]),
                     rfmt(r), met(r, TARGET_MAPS_13)])
    BM = by_experiment(B, "maps")
    for k in maps_keys(BM):
        r = ratio(med(BM[k], "bpf_vmas"), med(BM[k], "pgi_maps"))
        rows.append(["memory maps at least as fast as the BPF task_vma iterator (bpf kernel)",
                     maps_name(BM[k]), rfmt(r), met(r, 1.0)])
    BP = by_experiment(B, "procinfo")
    for pgi, bpf in BPF_PAIRS:
        rs = [(n, ratio(med(BP[n], bpf), med(BP[n], pgi))) for n in sorted(BP)]
        rs = [(n, r) for n, r in rs if r is not None]
        if not rs:
            rows.append([f"`{pgi}` at least as fast as the BPF task iterator", "all N", "-",
                         "not measured"])
            continue
        worst = min(r for _, r in rs)
        rows.append([f"`{pgi}` at least as fast as the BPF task iterator (`{bpf}` / `{pgi}`, "
                     "bpf kernel)", ", ".join(f"N={n:,}" for n, _ in rs),
                     ", ".join(rfmt(r) for _, r in rs), met(worst, 1.0)])
    for k in sorted(I, key=interfere_order):
        e = I[k]
        if "bigmap" not in k or e.get("pace_hz"):
            continue
        a = e["methods"].get("pgi_maps", {}).get("mmap_munmap")
        b = e["methods"].get("maps_text", {}).get("mmap_munmap")
        if not a or not b:
            continue
        r = ratio(a["max_ns"], b["max_ns"])
        where = {"same": "same CPU", "split": "2 CPUs"}.get(e.get("pinning"), "")
        rows.append([f"a writer's worst mmap+munmap on a {e['probe_vmas']:,}-VMA map under a "
                     f"looping `pgi_maps` within {TARGET_WRITER:.0f}x of its worst under "
                     "looping text maps (issue 13)", f"loop, {where}".rstrip(", "),
                     f"{fmt(a['max_ns'] / 1e6)} vs {fmt(b['max_ns'] / 1e6)} ms: {rfmt(r)}",
                     "**met**" if r is not None and r <= TARGET_WRITER else "not met"])
    return rows


def peers_section(P, M, I, B, L, bpf_kernel):
    L.append("## 9. Floors and the BPF iterator (issue 13)\n")
    L.append("**Floors** (release kernel, the same boot as sections 1-3). `floor_taskpass`: the "
             "bench-only module bench/floor visits every process (`for_each_process`) and "
             "stores its pid, tgid and parent's tgid, plain fields, in a kernel array, in one "
             "ioctl. It walks under `rcu_read_lock()`: `tasklist_lock` is not exported to "
             "modules, and a read_lock no writer contends is one atomic per pass. "
             "`floor_copyout`: one ioctl that copy_to_user()s as many bytes as `pgi_ids` "
             "returned, from a kernel buffer kept across calls. Both go through the same "
             "syscall entry as the call.\n")
    Ns = sorted(P)
    rows = []
    for n in Ns:
        e = P[n]
        t, c, ids = med(e, "floor_taskpass"), med(e, "floor_copyout"), med(e, "pgi_ids")
        if t is None or c is None:
            continue
        recs = e["methods"]["pgi_ids"]["records"]
        nb = e["methods"]["floor_copyout"]["bytes"]
        rows.append([f"N={n:,} ({recs:,})", f"{fmt(t / 1e6)} ({fmt(t / recs)} ns)",
                     f"{fmt(c / 1e6)} ({nb:,} B)", fmt((t + c) / 1e6),
                     f"{fmt(ids / 1e6)} ({fmt(ids / recs)} ns)", rfmt(ratio(ids, t + c)),
                     fmt((ids - t - c) / recs)])
    if rows:
        L.append(table(["population (records)", "floor_taskpass ms (per task)",
                        "floor_copyout ms (bytes)", "floors ms", "pgi_ids ms (per record)",
                        "pgi_ids / floors", "pgi_ids above the floors, ns per record"],
                       rows) + "\n")
        n = max(k for k in Ns if floor_sum(P[k]))
        e = P[n]
        recs = e["methods"]["pgi_ids"]["records"]
        t, c = med(e, "floor_taskpass") / recs, med(e, "floor_copyout") / recs
        ids = med(e, "pgi_ids") / recs
        rb = e["methods"]["pgi_ids"]["bytes"] / recs
        L.append(f"Arithmetic (N={n:,}): within {TARGET_IDS_FLOOR:.0f}x of the floors means "
                 f"{TARGET_IDS_FLOOR * (t + c):,.0f} ns per record at most; `pgi_ids` takes "
                 f"{ids:,.0f} ns ({t:,.0f} of the floors' per record being the pass and "
                 f"{c:,.0f} the copy-out of its {rb:.0f} bytes). What the call does per task "
                 "that the floor does not: it reads the ids in the caller's pid namespace "
                 "through a call per task and checks that the task is still visible there; "
                 "it copies what the pass found into the snapshot's array of members once "
                 "`tasklist_lock` is released (with `IDS` alone and no `hidepid` that hides "
                 "processes it takes no reference on the tasks; every other fact set takes "
                 "one there and drops it after the record); and it assembles each record "
                 "(the 224-byte fixed part, the chain) in a 32 KiB batch that is copied out "
                 "when full, where the floor stores 12 bytes. Section 7 sorts the `pgi_ids` "
                 "profile by kind of work.\n")
    else:
        L.append("(The floors module did not load: no figures.)\n")
    lock_arithmetic(P, M, I, L)
    BP, BM = by_experiment(B, "procinfo"), by_experiment(B, "maps")
    if not BP and not BM:
        L.append("**BPF iterator**: not run (`PGI_BENCH_BPF=0`, or the bpf guest did not "
                 "finish).\n")
        return
    L.append(f"**The BPF task iterator** (second boot: `{bpf_kernel}`, config/bpf.config: the "
             "release kernel with BPF, BTF and the tracing program type). bench/bpf/"
             "pgi_iter.bpf.c has one `iter/task` program per fact set (the set a constant, so "
             "each does only its own work) writing binary records with `bpf_seq_write()`, and "
             "one `iter/task_vma` program writing every VMA with its name (`bpf_d_path()` for "
             "files; `[heap]`, `[stack]`, `[anon:...]` and the special mappings' names as "
             "/proc/PID/maps gives them). `pgibpf` pins them under /sys/fs/bpf once; a "
             "snapshot is open + read to the end + close of the pinned file, and parsing the "
             "records. **Privilege: reading them needs CAP_BPF and CAP_PERFMON (loading "
             "them, CAP_BPF and CAP_SYS_ADMIN or CAP_PERFMON); process_getinfo(2) needs none.** "
             "What they return differs in three ways that favour BPF: the VM counters are the "
             "per-CPU counters' approximate `.count`, where /proc/PID/status and "
             "process_getinfo sum the per-CPU parts (summing needs `bpf_per_cpu_ptr()` on a "
             "`__percpu`-tagged pointer, and this kernel's BTF, built from GCC's DWARF, has no "
             "such tags); a kernel "
             "thread's name is `task->comm`, cut at 15 characters, where procfs and "
             "process_getinfo give the full name; and the task_vma iterator drops the mmap lock "
             "when a writer waits and carries on from where it was, so one process's map is "
             "not one picture. A pinned iterator has no pid filter, so for the single big "
             "process `bpf_vmas` reads every process's VMAs and keeps that one's.\n")
    if BP:
        head = ["fact set"] + [f"N={n:,}" for n in sorted(BP)]
        rows = []
        for pgi, bpf in BPF_PAIRS:
            cells = []
            for n in sorted(BP):
                a, b = med(BP[n], pgi), med(BP[n], bpf)
                cells.append("-" if a is None or b is None else
                             f"{fmt(a / 1e6)} / {fmt(b / 1e6)} ({rfmt(ratio(b, a))})")
            rows.append([f"`{pgi}` / `{bpf}`"] + cells)
        L.append("**Process facts: process_getinfo / BPF iterator, ms per snapshot (how many "
                 "times faster process_getinfo is)**\n")
        L.append(table(head, rows) + "\n")
        n = max(BP)
        e = BP[n]
        slow = []
        for pgi, bpf in BPF_PAIRS:
            a, b = e["methods"].get(pgi), e["methods"].get(bpf)
            if not a or not b or a["median_ns"] <= b["median_ns"]:
                continue
            slow.append(f"`{pgi}` {(a['median_ns'] - b['median_ns']) / a['records']:,.0f} "
                        f"ns per record ({a['bytes'] / a['records']:.0f} against "
                        f"{b['bytes'] / b['records']:.0f} bytes)")
        if slow:
            L.append(f"Arithmetic (N={n:,}), where process_getinfo is the slower, what it "
                     "spends per record beyond the iterator: " + "; ".join(slow) + ". Part "
                     "of it is work the iterator does not do. VM_COUNTERS sums each RSS "
                     "counter over the CPUs (`percpu_counter_sum()`, a raw spinlock with "
                     "interrupts off) as /proc/PID/status does, where the program reads the "
                     "counters' approximate `.count`; COMM gives a kernel thread's full name "
                     "as procfs does (the `comm` differences of the cross-check below), the "
                     "program `task->comm`; "
                     "and every record has the fixed layout of the uapi (the ids alone "
                     "take a full record) where each program writes only its own blocks. "
                     "The rest is the call's own per-record overhead, the same as above the "
                     "floors.\n")
        cross = []
        for n in sorted(BP):
            x = BP[n].get("cross_check_bpf")
            if x:
                d = f"{x['different_facts']} differ"
                if x.get("differences"):
                    d += ": " + x["differences"]
                cross.append(f"N={n:,}: {x['same_facts']:,} of "
                             f"{x['compared_without_self']:,} identical ({d})")
        if cross:
            L.append("Same facts? `procfs_status_oom_stat` and `bpf_all`, compared as in "
                     "section 1: " + "; ".join(cross) + ".\n")
    if BM:
        rows = []
        for k in maps_keys(BM):
            e = BM[k]
            a, b = med(e, "pgi_maps"), med(e, "bpf_vmas")
            x = e.get("cross_check_bpf", {})
            rows.append([maps_name(e), f"{e['methods']['pgi_maps']['vmas']:,}",
                         fmt(med(e, "maps_text") / 1e6), fmt(a / 1e6),
                         fmt(b / 1e6) if b else "-", r2(e, "bpf_vmas", "pgi_maps"),
                         f"{x.get('same_vmas', 0):,} of {x.get('text_vmas', 0):,}"
                         if x else "-"])
        L.append("**Memory maps: process_getinfo against the BPF task_vma iterator** (ms per "
                 "snapshot; the last column compares `bpf_vmas` with `maps_text` as section 2 "
                 "compares `pgi_maps`)\n")
        L.append(table(["population", "VMAs", "maps_text", "pgi_maps", "bpf_vmas",
                        "bpf / pgi", "VMAs identical to text maps"], rows) + "\n")
    # Is the bpf kernel comparable with the release kernel?
    rows, worst = [], 0.0
    for n in sorted(BP):
        if n not in P:
            continue
        for m in VARIANT_PROC:
            row = variant_row(f"N={n:,}", m, P[n], BP[n])
            if row:
                rows.append(row[0])
                worst = max(worst, row[1])
    for k in maps_keys(BM):
        if k not in M:
            continue
        for m in VARIANT_MAPS:
            row = variant_row(maps_name(BM[k]), m, M[k], BM[k])
            if row:
                rows.append(row[0])
                worst = max(worst, row[1])
    if rows:
        L.append("**The two kernels side by side**: the same methods' medians on the release "
                 "kernel (section 1-2) and on the bpf kernel; \"within noise\" when the ranges "
                 "of the runs overlap.\n")
        L.append(table(["point", "method", "release ms", "bpf kernel ms", "bpf / release",
                        "verdict"], rows) + "\n")
        L.append(f"The largest difference is {worst * 100:.0f}% of the release figure. The "
                 "ratios between process_getinfo and BPF above are taken within the bpf "
                 "kernel's boot; the ratios against procfs in sections 1-4 within the release "
                 "kernel's.\n")


def lock_arithmetic(P, M, I, L):
    """Why the interference targets of issue 13 are missed, where they are."""
    big = [k for k in I if "bigmap" in k and not I[k].get("pace_hz")]
    one = [k for k in M if M[k]["procs"] == 1 and M[k].get("vma_kind") != "anon"]
    if big and one:
        e = M[one[0]]
        nv = e["methods"]["pgi_maps"]["vmas"]
        read = med(e, "pgi_maps")
        parts = []
        for k in sorted(big):
            x = I[k]["methods"]
            a = x.get("pgi_maps", {}).get("mmap_munmap")
            b = x.get("maps_text", {}).get("mmap_munmap")
            if a and b:
                parts.append(f"{I[k].get('pinning', 'free')} CPU: {fmt(a['max_ns'] / 1e6)} ms "
                             f"against {fmt(b['max_ns'] / 1e6)} ms")
        L.append(f"**Arithmetic of the writer's wait.** One `pgi_maps` read of the "
                 f"{nv:,}-VMA map takes {fmt(read / 1e6)} ms (section 2), "
                 f"{read / nv:,.0f} ns per VMA. While a writer changes the map all the time, "
                 "the walk can only certify one picture by comparing the VMAs it read with "
                 "the whole map under one hold (their identities, no names: cheaper than a "
                 "read, but a pass over every VMA), so the writer's worst wait is of the "
                 "order of one such comparison. The writer's worst mmap+munmap under the "
                 "looping scanners: " + "; ".join(parts) + ". Within 2x of text maps needs "
                 "that pass in about twice text maps' worst wait (README: an instrumented "
                 "boot timed it at about 9 ms for 100,000 VMAs).\n")
    tasks = sorted(k for k in I if "-tasks-" in k)
    if tasks and P:
        rows = []
        for k in tasks:
            e = I[k]
            x = e["methods"]
            a = x.get("pgi_all", {}).get("fork_exit")
            b = x.get("procfs_status_oom_stat", {}).get("fork_exit")
            if not a or not b:
                continue
            fl = P.get(e["n"], {}).get("methods", {}).get("floor_taskpass")
            rows.append([f"N={e['n']:,}", e.get("pinning", "free"),
                         fmt(a["p99_ns"] / 1e6), fmt(b["p99_ns"] / 1e6),
                         fmt(a["max_ns"] / 1e6), fmt(b["max_ns"] / 1e6),
                         fmt(fl["median_ns"] / 1e6) if fl else "-"])
        if rows:
            L.append("**fork/exit at scale.** The call takes its task set in one pass under "
                     "`tasklist_lock` (read), and fork and exit take it for writing, so a fork "
                     "waits for the rest of a pass; the procfs sweep takes no lock across "
                     "processes. The pass records tasks and ids only (references are taken "
                     "after it, outside the lock), and it has room for the tasks forked since "
                     "the last call, so the pass is rarely taken twice. `floor_taskpass` "
                     "(the pass alone, under RCU) is a lower bound on that hold.\n")
            L.append(table(["population", "CPUs", "fork p99 under pgi_all ms",
                            "under procfs ms", "fork max under pgi_all ms", "under procfs ms",
                            "floor_taskpass ms"], rows) + "\n")


def variant_row(point, m, rel, bpf):
    a, b = rel["methods"].get(m), bpf["methods"].get(m)
    if not a or not b:
        return None
    r = b["median_ns"] / a["median_ns"]
    overlap = min(b["ns"]) <= max(a["ns"]) and min(a["ns"]) <= max(b["ns"])
    verdict = "within noise" if overlap else ("slower" if r > 1 else "faster")
    return ([point, f"`{m}`", fmt(a["median_ns"] / 1e6), fmt(b["median_ns"] / 1e6),
             f"{r:.2f}", verdict], abs(r - 1))


def scan_keys(S):
    """The sweeps' experiments: the sleeping populations by N, then the shared ones."""
    return sorted(S, key=lambda k: (S[k].get("population") != "sleeping", S[k]["n"], k))


def scan_label(e):
    if e.get("population") == "sleeping":
        return f"N={e['n']:,}"
    return f"shared {e['n']:,} x {e.get('threads_per_proc', 1)} threads"


def per_rec(e, m, minus=None):
    """µs per record of method m (less method `minus`), from the medians."""
    x = e["methods"].get(m)
    if not x or not x["records"]:
        return None
    v = x["median_ns"] - (med(e, minus) if minus else 0)
    return v / x["records"] / 1e3


def scan_section(S, R, L):
    keys = scan_keys(S)
    L.append("## 8. The scanners' sweeps (issue 11): PSS, ps aux, a trace collector\n")
    L.append("The facts real scanners read for every process, each against the procfs reader "
             "that gets them today, side by side on the same processes in the same boot: the "
             "N sleeping processes of section 1 (the same population, measured right after "
             "section 1's methods, in their own rounds), and a population of processes sharing "
             "pages for PSS: each maps the same 1 MiB of a file (on a ramfs, so file pages and "
             "not shmem), 1 MiB of `MAP_SHARED` anonymous memory (shmem) and 1 MiB of private "
             "anonymous memory written before the fork (shared copy-on-write), all resident; "
             "each also has extra named threads that sleep, so that the collector's per-thread "
             "work is visible. Every method parses into the same structs as its counterpart "
             "(parsing is part of every cost) and looks at every process (`/proc/*`, "
             "`PROCESS_GETINFO_ALL`). Ratios are procfs / process_getinfo (how many times "
             "faster the call is), from the medians and, in brackets, from the fastest runs. "
             f"Targets (shared/anchors.md): {TARGET_PSS:.0f}x for PSS, {TARGET_SWEEP:.0f}x for "
             f"the ps aux and collector sweeps, at N >= {TARGET_MIN_N:,}.\n")
    head = ["", *[f"{scan_label(S[k])} ({S[k]['methods']['pgi_psaux']['records']:,} procs)"
                  for k in keys]]
    for procfs, pgi, target, what, pdesc, gdesc in SWEEPS:
        L.append(f"### {what[0].upper() + what[1:]}\n")
        L.append(f"`{procfs}`: {pdesc}. `{pgi}`: {gdesc}.")
        if pgi == "pgi_collector":
            L.append("`pgi_collector_2calls`: `ALL` with the process facts and `CMDLINE`, "
                     "then `ALL|THREADS` with `IDS|COMM` (two system calls, two snapshots). "
                     "The one-call form gives every thread's record the process facts and the "
                     "group's command line too; the reader takes the process from the leader's "
                     "record (tid == tgid) and every record's comm; what the other records "
                     "repeat is counted below (command-line bytes, in the buffer the kernel "
                     "fills and copies out).")
        L.append("\n")
        methods = [procfs, pgi] + (["pgi_collector_2calls"] if pgi == "pgi_collector" else [])
        rows = []
        for m in methods:
            rows.append([f"`{m}` ms"] + [fmt(med(S[k], m) / 1e6 if med(S[k], m) else None)
                                         for k in keys])
        for m in methods:
            rows.append([f"`{m}` µs per process"] + [fmt(per_rec(S[k], m)) for k in keys])
        for m in methods[1:]:
            rows.append([f"**`{procfs}` / `{m}`**"] + [r2(S[k], procfs, m) for k in keys])
        if pgi == "pgi_collector":
            rows.append(["thread records (procfs / one call / two calls)"] + [
                " / ".join(f"{S[k]['methods'][m].get('threads', 0):,}" for m in methods)
                for k in keys])
            rows.append(["command-line bytes the one call repeats in non-leader records"] + [
                f"{S[k]['methods']['pgi_collector'].get('dup_cmdline_bytes', 0):,} of "
                f"{S[k]['methods']['pgi_collector']['bytes']:,}" for k in keys])
        rows.append(["syscalls per snapshot (" + " / ".join(methods) + ")"] + [
            " / ".join(f"{S[k]['methods'][m]['syscalls']:,}" for m in methods) for k in keys])
        rows.append(["pages allocated per snapshot (the same order)"] + [
            " / ".join(fmt(S[k]['methods'][m]['pgalloc_per_snapshot']) for m in methods)
            for k in keys])
        verdicts = []
        for k in keys:
            r = ratio(med(S[k], procfs), med(S[k], pgi))
            judged = S[k].get("population") == "sleeping" and S[k]["n"] >= TARGET_MIN_N
            verdicts.append(f"{rfmt(r)}: {met(r, target)}" if judged
                            else f"{rfmt(r)} (N < {TARGET_MIN_N:,}: not judged)")
        rows.append([f"**target >= {target:.0f}x**"] + verdicts)
        L.append(table(head, rows) + "\n")

    L.append("### Where the new facts' time goes\n")
    L.append("µs per record, median less `pgi_ids` (the same call with IDS alone, parsed the "
             "same way) in brackets; then, for the three sweeps, inside the system call + "
             "walking the records in user space.\n")
    rows = []
    for m in SCAN_FACT_METHODS:
        cells = []
        for k in keys:
            v = per_rec(S[k], m)
            add = per_rec(S[k], m, "pgi_ids")
            cells.append("-" if v is None else f"{v:.2f}" + ("" if m == "pgi_ids"
                                                             else f" ({add:+.2f})"))
        rows.append([f"`{m}`"] + cells)
    for m in ["pgi_rollup", "pgi_psaux", "pgi_collector"]:
        cells = []
        for k in keys:
            x = S[k]["methods"].get(m)
            if not x or "median_syscall_ns" not in x or not x["records"]:
                cells.append("-")
                continue
            kk = x["median_syscall_ns"] / x["records"] / 1e3
            u = (x["median_ns"] - x["median_syscall_ns"]) / x["records"] / 1e3
            cells.append(f"{kk:.2f} + {u:.2f}")
        rows.append([f"`{m}` in call + user"] + cells)
    L.append(table(["mask"] + [scan_label(S[k]) for k in keys], rows) + "\n")

    L.append("### Same facts?\n")
    L.append("Each procfs reader and its process_getinfo counterpart, one snapshot each, "
             "compared record by record, the benchmark's own process left out (its memory "
             "moves between the two snapshots); \"unmatched\" counts processes only one "
             "snapshot saw. PSS: all 15 counters and whether there is a rollup at all (kernel "
             "threads have none). ps aux: ids, tty, state, uids/gids, prio/nice, threads, start "
             "time, VSZ/RSS, comm, the command line byte for byte, and CPU times and fault counts, "
             "which may only move forward between the two snapshots (counted, not a difference); "
             "procfs's VmLck (STAT's `L`) has no counterpart in the call. Collector: the process "
             "facts of section 1 with oom_score_adj and the command line, and every thread's comm. "
             "The buffers also pass the selftests' `pgi_check_buffer()`.\n")
    for k in keys:
        x = S[k].get("cross_check", {})
        parts = []
        for m, c in x.items():
            t = (f"`{m}` {c['same']:,} of {c['compared_without_self']:,} identical "
                 f"({c['different']} differ, {c['unmatched']} unmatched")
            if c.get("differences"):
                t += ": " + c["differences"]
            t += ")"
            if "threads" in c:
                th = c["threads"]
                t += (f", threads {th['same']:,} of {th['compared_without_self']:,} identical "
                      f"({th['different']} differ, {th['unmatched']} unmatched"
                      + (": " + th["differences"] if th.get("differences") else "") + ")")
            if c.get("times_or_faults_moved_on"):
                t += f", {c['times_or_faults_moved_on']} with CPU time or faults moved on"
            bad = [f"{b}: {c[b]}" for b in ("buffer_check", "buffer_check_threads")
                   if b in c and c[b] != "ok"]
            if bad:
                t += " **MALFORMED BUFFER** " + "; ".join(bad)
            parts.append(t)
        L.append(f"- {scan_label(S[k])}: " + "; ".join(parts) + ".")
    L.append("")

    prof = next((e for e in R.values() if e.get("kind") == "scan"), None)
    missed = []
    for procfs, pgi, target, what, _, _ in SWEEPS:
        for k in keys:
            e = S[k]
            if e.get("population") != "sleeping" or e["n"] < TARGET_MIN_N:
                continue
            r = ratio(med(e, procfs), med(e, pgi))
            if r is None or r < target:
                missed.append((procfs, pgi, target, what, e, r))
    L.append("### Why a target is missed: the evidence\n")
    if not missed:
        L.append("Every target of this section is met.\n")
        return
    L.append("The arithmetic below is computed from this run and its scan profile (section 6"
             + (f", `profile-scan-{prof['n']}`" if prof else ": no scan profile in this run")
             + "); profile shares are by symbol name, and time with interrupts off is "
             "credited to where they come back on.\n")
    by = {}
    for procfs, pgi, target, what, e, r in missed:
        by.setdefault((procfs, pgi, target, what), []).append((e, r))
    for (procfs, pgi, target, what), pts in by.items():
        L.append(f"**{what[0].upper() + what[1:]}: `{pgi}` against `{procfs}`, target "
                 f"{target:.0f}x, missed at " + ", ".join(
                     f"{scan_label(e)} ({rfmt(r)})" for e, r in pts) + ".**\n")
        e = pts[-1][0]
        x = e["methods"][pgi]
        p_us = per_rec(e, procfs)
        g_us = per_rec(e, pgi)
        ids = per_rec(e, "pgi_ids")
        k_us = x.get("median_syscall_ns", 0) / x["records"] / 1e3 if x["records"] else 0
        txt = (f"At {scan_label(e)}: `{procfs}` costs {fmt(p_us)} µs per process "
               f"({e['methods'][procfs]['syscalls'] / max(e['methods'][procfs]['records'], 1):.1f}"
               f" system calls each); {target:.0f}x needs {fmt(p_us / target)} µs per record, "
               f"everything included; `{pgi}` spends {fmt(g_us)} µs ({fmt(k_us)} inside the "
               f"call, {fmt(g_us - k_us)} walking the records), of which IDS alone is "
               f"{fmt(ids)} µs.")
        if pgi == "pgi_psaux":
            txt += (" The new facts on top of IDS: " + ", ".join(
                f"{m.split('+')[1]} {per_rec(e, m, 'pgi_ids'):+.2f} µs"
                for m in ["pgi_ids+cpu_times", "pgi_ids+session", "pgi_ids+cmdline"]
                if per_rec(e, m, "pgi_ids") is not None) + ".")
        if pgi == "pgi_collector":
            c2 = per_rec(e, "pgi_collector_2calls")
            txt += (f" Two calls instead: {fmt(c2)} µs per process "
                    f"({r2(e, procfs, 'pgi_collector_2calls')}); repeated command lines: "
                    f"{x.get('dup_cmdline_bytes', 0):,} bytes.")
        if prof and pgi in prof["methods"]:
            top = prof["methods"][pgi]["top"][:5]
            txt += (f" Top of `{pgi}`'s profile (N={prof['n']:,}): " + ", ".join(
                f"`{h['sym']}` {h['pct']:.0f}%" for h in top) + ".")
        L.append(txt + "\n")
        L.append(scan_why(prof, pgi, procfs, target, p_us, g_us) + "\n")


def svg_plot(P, path, methods=None, title=None):
    Ns = sorted(P)
    if not Ns:
        return
    W, H = 860, 480
    left, right, top, bottom = 70, 300, 40, 60
    pw, ph = W - left - right, H - top - bottom
    series = []
    for m, label, color in methods or SVG_METHODS:
        pts = []
        for n in Ns:
            e = P[n]["methods"].get(m)
            if e and e["records"]:
                pts.append((e["records"], e["median_ns"] / e["records"] / 1e3))
        if pts:
            series.append((label, color, pts))
    xs = [x for _, _, p in series for x, _ in p]
    ys = [y for _, _, p in series for _, y in p]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    if x1 - x0 < 1:
        x1 = x0 + 1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if y1 - y0 < 1:
        y1 = y0 + 1

    def X(v):
        return left + (math.log10(v) - x0) / (x1 - x0) * pw

    def Y(v):
        return top + ph - (math.log10(v) - y0) / (y1 - y0) * ph

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{left + pw / 2}" y="22" text-anchor="middle" font-size="15">'
         f'{title or "Cost per process of a snapshot of every process (QEMU TCG, one boot)"}'
         '</text>']
    for e in range(y0, y1 + 1):
        for k in range(1, 10):
            v = k * 10 ** e
            if v > 10 ** y1 or v < 10 ** y0:
                continue
            y = Y(v)
            o.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                     f'stroke="{"#ccc" if k == 1 else "#eee"}"/>')
        y = Y(10 ** e)
        lab = f"{10 ** e:g}"
        o.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{lab}</text>')
    for e in range(x0, x1 + 1):
        for k in range(1, 10):
            v = k * 10 ** e
            if v > 10 ** x1:
                continue
            x = X(v)
            o.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" '
                     f'stroke="{"#ccc" if k == 1 else "#eee"}"/>')
        o.append(f'<text x="{X(10 ** e):.1f}" y="{top + ph + 18}" text-anchor="middle">'
                 f'{10 ** e:,}</text>')
    o.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    o.append(f'<text x="{left + pw / 2}" y="{H - 18}" text-anchor="middle">'
             'processes in the snapshot (N sleeping + the guest\'s own), log scale</text>')
    o.append(f'<text transform="translate(18,{top + ph / 2}) rotate(-90)" text-anchor="middle">'
             'µs per process (median), log scale</text>')
    for i, (label, color, pts) in enumerate(series):
        d = " ".join(f"{'M' if j == 0 else 'L'}{X(x):.1f},{Y(y):.1f}"
                     for j, (x, y) in enumerate(pts))
        o.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            o.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{color}"/>')
        ly = top + 10 + i * 20
        o.append(f'<line x1="{left + pw + 12}" y1="{ly}" x2="{left + pw + 32}" y2="{ly}" '
                 f'stroke="{color}" stroke-width="2"/>')
        o.append(f'<text x="{left + pw + 38}" y="{ly + 4}">{label}</text>')
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("results")
    ap.add_argument("--guest-mem", default="?")
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--kernel", default="unknown")
    ap.add_argument("--bpf-log", default=None)
    ap.add_argument("--bpf-kernel", default="unknown")
    a = ap.parse_args()

    exps, steps, skips, info = parse_log(a.log)
    os.makedirs(a.results, exist_ok=True)
    for old in glob.glob(os.path.join(a.results, "*.json")):
        os.remove(old)
    meta = {"commit": a.commit, "kernel": a.kernel, "guest_mem_mib": a.guest_mem,
            "host_elapsed_s": a.elapsed, **info}
    for name, e in exps.items():
        e["meta"] = meta
        with open(os.path.join(a.results, f"{name}.json"), "w") as f:
            json.dump(e, f, indent=1)
            f.write("\n")
    B, bsteps, bskips = {}, {}, []
    if a.bpf_log and os.path.exists(a.bpf_log):
        B, bsteps, bskips, binfo = parse_log(a.bpf_log)
        bmeta = {**meta, "kernel": a.bpf_kernel, **binfo}
        for name, e in B.items():
            e["meta"] = bmeta
            with open(os.path.join(a.results, f"bpf-{name}.json"), "w") as f:
                json.dump(e, f, indent=1)
                f.write("\n")

    P = {e["n"]: e for e in exps.values() if e["experiment"] == "procinfo"}
    M = {k: e for k, e in exps.items() if e["experiment"] == "maps"}
    I = {k: e for k, e in exps.items() if e["experiment"] == "interfere"}
    R = {k: e for k, e in exps.items() if e["experiment"] == "profile"}
    S = {k: e for k, e in exps.items() if e["experiment"] == "scan"}
    g = next(iter(exps.values()))["guest"] if exps else {}

    L = ["# process_getinfo(2) benchmarks\n"]
    L.append(f"Generated by `make bench` (bench/run.sh) from one boot of the release kernel "
             f"`{a.kernel}` in QEMU TCG with {a.guest_mem} MiB, {g.get('cpus', '?')} CPUs"
             + (f", and one of its BPF variant `{a.bpf_kernel}` for section 9" if B else "") +
             f"; tree `{a.commit}`; {a.elapsed // 60} min {a.elapsed % 60} s on the host. "
             "Raw per-run figures are in the `*.json` files next to this one (`bpf-*.json`: "
             "the second boot).\n")
    L.append("**How to read this.** QEMU TCG emulates every instruction, so absolute times are "
             "many times those of real hardware, and not uniformly so: only the ratios, measured "
             "side by side on the same processes in the same boot, carry over. Each point is "
             "the median of the runs after one warm-up snapshot per method; within a round "
             "every method takes one snapshot, the order rotating from round to round. "
             "Intervals are timed with RDTSC, which TCG passes through from the host, "
             f"calibrated against CLOCK_MONOTONIC over 3 s ({g.get('tsc_hz', 0) / 1e9:.3f} GHz): "
             "without ACPI the guest's clock was `refined-jiffies` (4 ms steps); with it the "
             "kernel finds the PM timer and runs on the TSC, and RDTSC serves both ways.\n")
    hq = [(k, e["host_quiet"]) for k, e in sorted(exps.items()) if "host_quiet" in e]
    if hq:
        L.append("**Host noise.** The host is shared, and a descheduled QEMU thread counts as "
                 "guest time, so each timed snapshot first waits (20 ms at a time) until a fixed "
                 "user-space spin runs within 25% of its best time, and is taken again (up to "
                 "twice) if the spin is slow right after it; the fastest run of each method is "
                 "given next to the median for that reason. Snapshots taken again / runs kept "
                 "on a busy host: " + ", ".join(
                     f"{k} {q['snapshots_redone']}/{q['runs_disturbed']}" for k, q in hq) + ".\n")
    failed = {k: v for k, v in steps.items() if v}
    missing = [k for k in steps if k not in exps]
    failed.update({f"bpf kernel: {k}": v for k, v in bsteps.items() if v})
    missing += [f"bpf kernel: {k}" for k in bsteps if k not in B]
    skips = skips + [f"bpf kernel: {s}" for s in bskips]
    if failed or skips or missing:
        L.append("**Missing points.** " + "; ".join(
            [f"`{k}` exited with {v}" for k, v in failed.items()] +
            [f"`{k}` printed no results" for k in missing if k not in failed] +
            [s for s in skips]) + ".\n")
    if P:
        procinfo_section(P, L)
    if M:
        maps_section(M, L)
    if I:
        interfere_section(I, L)
    targets_section(P, M, I, L, S, B)
    if P:
        alloc_section(P, M, L)
    if R:
        profile_section(R, L)
    why_section(P, M, R, L)
    if S:
        scan_section(S, R, L)
    peers_section(P, M, I, B, L, a.bpf_kernel)
    with open(os.path.join(a.results, "summary.md"), "w") as f:
        f.write("\n".join(L))
    svg_plot(P, os.path.join(a.results, "cost-per-process.svg"))
    sleeping = {e["n"]: e for e in S.values() if e.get("population") == "sleeping"}
    if sleeping:
        svg_plot(sleeping, os.path.join(a.results, "scan-cost-per-process.svg"), SCAN_SVG_METHODS,
                 "Cost per process of the scanners' sweeps (QEMU TCG, one boot)")
    print(f"report: {len(exps)} experiments -> {a.results}", file=sys.stderr)
    return 0 if exps else 1


if __name__ == "__main__":
    sys.exit(main())
