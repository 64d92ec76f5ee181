// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi mem`: memory per process as Android's procrank and smem report it, from one call
//! (`MEMORY_ROLLUP`, the counters of /proc/PID/smaps_rollup, for every process).

use process_getinfo::{Mask, Query, Record};
use serde::Serialize;

use crate::{escape, print, print_json, run_query, Cli};

/// `pgi mem`'s options.
#[derive(clap::Args)]
pub struct MemArgs {
    /// The column to sort by, largest first: pss (the default), uss, rss, vss, swap, swappss,
    /// or pid (smallest first).
    #[arg(long, default_value = "pss", value_parser = ["pss", "uss", "rss", "vss", "swap", "swappss", "pid"])]
    sort: String,
}

/// One process's row, in KiB.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Row {
    /// The process id.
    pub pid: i32,
    /// Virtual size (`VmSize`).
    pub vss_kb: u64,
    /// Resident set (smaps_rollup's `Rss`).
    pub rss_kb: u64,
    /// Proportional set (`Pss`).
    pub pss_kb: u64,
    /// Unique set: `Private_Clean` + `Private_Dirty`.
    pub uss_kb: u64,
    /// Swapped out (`Swap`).
    pub swap_kb: u64,
    /// Proportional swap (`SwapPss`).
    pub swap_pss_kb: u64,
    /// The command line (or `[comm]`), as `ps -o args` shows it.
    #[serde(serialize_with = "bytes")]
    pub command: Vec<u8>,
}

fn bytes<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    process_getinfo::serialization::Bytes(b).serialize(s)
}

/// The totals of the columns (VSS is not totalled: address space is not memory).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Processes in the report.
    pub processes: usize,
    /// Sum of RSS (pages shared by several processes counted in each).
    pub rss_kb: u64,
    /// Sum of PSS: the memory the processes use, each shared page counted once in all.
    pub pss_kb: u64,
    /// Sum of USS.
    pub uss_kb: u64,
    /// Sum of swap.
    pub swap_kb: u64,
    /// Sum of swap PSS.
    pub swap_pss_kb: u64,
}

/// The report: one row per process whose memory could be read, sorted.
pub fn report(recs: &[Record<'_>], sort: &str) -> (Vec<Row>, Totals, usize) {
    let mut rows = Vec::new();
    let mut unreadable = 0;
    for r in recs.iter().filter(|r| !r.is_gone()) {
        let Some(ro) = r.rollup else {
            // A kernel thread or exited process has no memory; a denied one is counted.
            if r.denied().contains(Mask::MEMORY_ROLLUP) {
                unreadable += 1;
            }
            continue;
        };
        let command = match crate::ps::args(r, &crate::ps::Ctx::new(0)) {
            crate::ps::Value::Text(t) => t,
            _ => Vec::new(),
        };
        rows.push(Row {
            pid: r.ids.map_or(r.raw_tid, |i| i.tgid),
            vss_kb: r.vm.map_or(0, |v| v.vm_size_kb),
            rss_kb: ro.rss_kb,
            pss_kb: ro.pss_kb,
            uss_kb: ro.uss_kb(),
            swap_kb: ro.swap_kb,
            swap_pss_kb: ro.swap_pss_kb,
            command,
        });
    }
    let key = |r: &Row| match sort {
        "uss" => r.uss_kb,
        "rss" => r.rss_kb,
        "vss" => r.vss_kb,
        "swap" => r.swap_kb,
        "swappss" => r.swap_pss_kb,
        _ => r.pss_kb,
    };
    if sort == "pid" {
        rows.sort_by_key(|r| r.pid);
    } else {
        rows.sort_by(|a, b| key(b).cmp(&key(a)).then(a.pid.cmp(&b.pid)));
    }
    let t = rows.iter().fold(
        Totals {
            processes: rows.len(),
            ..Totals::default()
        },
        |mut t, r| {
            t.rss_kb += r.rss_kb;
            t.pss_kb += r.pss_kb;
            t.uss_kb += r.uss_kb;
            t.swap_kb += r.swap_kb;
            t.swap_pss_kb += r.swap_pss_kb;
            t
        },
    );
    (rows, t, unreadable)
}

/// The text report, procrank's layout: KiB with a `K`, totals under the columns, then RAM.
fn render(rows: &[Row], t: &Totals, meminfo: Option<process_getinfo::Meminfo>) -> String {
    let mut out = format!(
        "{:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n",
        "PID", "Vss", "Rss", "Pss", "Uss", "Swap", "SwapPss", "cmdline"
    );
    for r in rows {
        out.push_str(&format!(
            "{:>7} {:>8}K {:>8}K {:>8}K {:>8}K {:>8}K {:>8}K  {}\n",
            r.pid,
            r.vss_kb,
            r.rss_kb,
            r.pss_kb,
            r.uss_kb,
            r.swap_kb,
            r.swap_pss_kb,
            escape::ps(&r.command)
        ));
    }
    let bar = "-".repeat(9);
    out.push_str(&format!(
        "{:>7} {:>9} {bar:>9} {bar:>9} {bar:>9} {bar:>9} {bar:>9}\n",
        "", ""
    ));
    out.push_str(&format!(
        "{:>7} {:>9} {:>8}K {:>8}K {:>8}K {:>8}K {:>8}K  TOTAL ({} processes)\n",
        "", "", t.rss_kb, t.pss_kb, t.uss_kb, t.swap_kb, t.swap_pss_kb, t.processes
    ));
    if let Some(m) = meminfo {
        out.push_str(&format!(
            "\nRAM: {}K total, {}K free, {}K available, {}K buffers, {}K cached\n\
             Swap: {}K total, {}K free\n",
            m.mem_total_kb,
            m.mem_free_kb,
            m.mem_available_kb,
            m.buffers_kb,
            m.cached_kb,
            m.swap_total_kb,
            m.swap_free_kb
        ));
    }
    out
}

/// `pgi mem`.
pub fn run(cli: &Cli, a: &MemArgs) -> Result<bool, String> {
    let mask = Mask::IDS
        | Mask::COMM
        | Mask::CMDLINE
        | Mask::STATUS
        | Mask::VM_COUNTERS
        | Mask::MEMORY_ROLLUP
        | Mask::MEMINFO;
    let snap = run_query(cli, Query::all().mask(mask))?;
    let info = snap.info();
    let recs: Vec<_> = info.records().collect();
    let (rows, totals, unreadable) = report(&recs, &a.sort);
    if cli.json {
        #[derive(Serialize)]
        struct Report<'a> {
            processes: &'a [Row],
            total: &'a Totals,
            unreadable: usize,
            meminfo: Option<process_getinfo::Meminfo>,
        }
        print_json(&Report {
            processes: &rows,
            total: &totals,
            unreadable,
            meminfo: info.meminfo(),
        })?;
    } else {
        print(render(&rows, &totals, info.meminfo()).as_bytes())?;
    }
    if unreadable > 0 {
        eprintln!(
            "pgi mem: {unreadable} processes whose memory may not be read were left out \
             (smaps_rollup needs ptrace read access)"
        );
    }
    Ok(!rows.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use process_getinfo::encode::Builder;
    use process_getinfo::{Info, Rollup, Status, VmCounters};

    #[test]
    fn sorted_by_pss_with_totals_and_uss() {
        let mut b = Builder::new(
            Mask::IDS | Mask::MEMORY_ROLLUP | Mask::VM_COUNTERS | Mask::COMM,
            Mask::all(),
        );
        for (pid, pss, pc, pd) in [(10, 5, 1, 2), (11, 50, 3, 4), (12, 20, 0, 0)] {
            let mut r = crate::test_record(pid, b"x");
            r.vm = Some(VmCounters::default());
            r.rollup = Some(Rollup {
                pss_kb: pss,
                rss_kb: pss * 2,
                private_clean_kb: pc,
                private_dirty_kb: pd,
                ..Default::default()
            });
            b.push(&r).unwrap();
        }
        // A kernel thread (no rollup, nothing denied) and a process whose rollup is denied.
        for (pid, status) in [(2, Status::empty()), (13, Status::NOACCESS)] {
            let mut r = crate::test_record(pid, b"k");
            r.status = status;
            // The denied one has memory (its VM counters are there); the kernel thread not.
            if pid == 13 {
                r.vm = Some(VmCounters::default());
            }
            b.push(&r).unwrap();
        }
        let buf = b.finish();
        let info = Info::parse(&buf).unwrap();
        let recs: Vec<_> = info.records().collect();
        let (rows, t, unreadable) = report(&recs, "pss");
        assert_eq!(rows.iter().map(|r| r.pid).collect::<Vec<_>>(), [11, 12, 10]);
        assert_eq!(rows[0].uss_kb, 7);
        assert_eq!(
            (t.processes, t.pss_kb, t.uss_kb, t.rss_kb),
            (3, 75, 10, 150)
        );
        assert_eq!(unreadable, 1);
        assert_eq!(rows[0].command, b"[x]");
        let (rows, _, _) = report(&recs, "pid");
        assert_eq!(rows[0].pid, 10);
        let text = render(&rows, &t, None);
        assert!(
            text.lines().last().unwrap().contains("TOTAL (3 processes)"),
            "{text}"
        );
    }
}
