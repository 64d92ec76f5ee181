// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi`: ps, maps and meminfo from one process_getinfo(2) call each.

mod escape;
mod ps;

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use process_getinfo::{Backend, Mask, Query, Snapshot, Vma, VmaFlags};
use serde::Serialize;

/// pgi: a process table, a memory map or the system's memory, from one process_getinfo(2)
/// call each (or from /proc on a kernel without the call).
#[derive(Parser)]
#[command(name = "pgi", version)]
struct Cli {
    /// Who answers.
    #[arg(long, global = true, value_enum, default_value_t = BackendArg::Auto)]
    backend: BackendArg,
    /// Print JSON instead of text (addresses, inodes and other 64-bit values as strings).
    #[arg(long, global = true)]
    json: bool,
    /// Say on stderr when the automatic backend reads /proc because the call is missing.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

/// The `--backend` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    /// process_getinfo(2) only: fail where the kernel does not carry it.
    Syscall,
    /// /proc only.
    Procfs,
    /// process_getinfo(2), or /proc where the kernel does not carry it.
    Auto,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Backend {
        match b {
            BackendArg::Syscall => Backend::Syscall,
            BackendArg::Procfs => Backend::Procfs,
            BackendArg::Auto => Backend::Auto,
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// A process table: PID PPID S UID PRI NI RSS VSZ COMM by default.
    #[command(after_help = ps::fields_help())]
    Ps {
        /// Columns to show, comma-separated (see the list below).
        #[arg(short = 'o', long = "format", value_name = "FIELDS")]
        format: Option<String>,
        /// Sort keys, comma-separated; a leading `-` sorts descending (default: pid, tid).
        #[arg(long, value_name = "FIELDS", allow_hyphen_values = true)]
        sort: Option<String>,
        /// One row per thread, with a TID column.
        #[arg(short = 'T', long)]
        threads: bool,
        /// Only these pids (comma-separated) instead of every process; each once.
        #[arg(short = 'p', long = "pid", value_name = "PIDS", value_delimiter = ',')]
        pids: Vec<i32>,
    },
    /// The memory map of a process, as /proc/PID/maps, after a flags column:
    /// s shared, l locked, h hugetlb, S special name (`-` when not set). Control characters
    /// in names are escaped as \ooo, as maps escapes a newline (\012).
    Maps {
        /// The process (or thread) id.
        pid: i32,
    },
    /// System memory counters, as /proc/meminfo.
    Meminfo,
}

fn run_query(cli: &Cli, q: Query<'_>) -> Result<Snapshot, String> {
    let snap = q
        .backend(cli.backend.into())
        .run()
        .map_err(|e| e.to_string())?;
    if snap.fell_back() && cli.verbose {
        eprintln!("pgi: process_getinfo(2) is not available here; read /proc instead");
    }
    Ok(snap)
}

/// Writes `out` to stdout; a closed pipe (`pgi ps | head`) is not an error.
fn print(out: &[u8]) -> Result<(), String> {
    let mut o = std::io::stdout().lock();
    match o.write_all(out).and_then(|_| o.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn print_json(v: &impl Serialize) -> Result<(), String> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    s.push('\n');
    print(s.as_bytes())
}

fn cmd_ps(
    cli: &Cli,
    format: Option<&str>,
    sort: Option<&str>,
    threads: bool,
    pids: &[i32],
) -> Result<bool, String> {
    let default = if threads {
        "pid,tid,ppid,s,uid,pri,ni,rss,vsz,comm"
    } else {
        "pid,ppid,s,uid,pri,ni,rss,vsz,comm"
    };
    let cols = ps::fields(format.unwrap_or(default))?;
    if cols.is_empty() {
        return Err("no fields selected".into());
    }
    let keys = ps::sort_keys(sort.unwrap_or(""))?;
    let q = if pids.is_empty() {
        Query::all()
    } else {
        // As ps: a pid given twice is one row.
        let mut seen = HashSet::new();
        Query::pids(pids.iter().copied().filter(|p| seen.insert(*p)))
    };
    let snap = run_query(cli, q.mask(ps::mask(&cols, &keys)).threads(threads))?;
    let info = snap.info();
    let recs: Vec<_> = info.records().filter(|r| !r.is_gone()).collect();
    let rows = ps::rows(&recs, &cols, &keys);
    if cli.json {
        print_json(&ps::Table {
            cols: &cols,
            rows: &rows,
        })?;
    } else {
        print(ps::render(&cols, &rows).as_bytes())?;
    }
    // As ps: no process selected is a failure.
    Ok(!rows.is_empty())
}

fn vma_flags(v: &Vma<'_>) -> String {
    [
        (VmaFlags::SHARED, 's'),
        (VmaFlags::LOCKED, 'l'),
        (VmaFlags::HUGETLB, 'h'),
        (VmaFlags::SPECIAL, 'S'),
    ]
    .iter()
    .map(|&(f, c)| if v.flags.contains(f) { c } else { '-' })
    .collect()
}

fn cmd_maps(cli: &Cli, pid: i32) -> Result<bool, String> {
    let snap = run_query(cli, Query::pids([pid]).mask(Mask::MEMORY_MAP))?;
    let info = snap.info();
    let rec = info
        .records()
        .next()
        .ok_or_else(|| "no record returned".to_string())?;
    if rec.is_gone() {
        return Err(format!("{pid}: no such process"));
    }
    if !rec.denied().is_empty() {
        return Err(format!("{pid}: permission denied"));
    }
    // No memory map: a kernel thread (or an exited process); like /proc/PID/maps, print nothing.
    let vmas = rec.memory_map.unwrap_or_default();
    if cli.json {
        #[derive(Serialize)]
        struct Maps<'a> {
            pid: i32,
            vmas: process_getinfo::Vmas<'a>,
        }
        print_json(&Maps { pid, vmas })?;
        return Ok(true);
    }
    let mut out = Vec::new();
    let mut line = Vec::new();
    for v in vmas {
        line.clear();
        v.write_maps_line(&mut line);
        out.extend_from_slice(vma_flags(&v).as_bytes());
        out.push(b' ');
        out.extend_from_slice(&escape::octal(&line));
        out.push(b'\n');
    }
    print(&out).map(|_| true)
}

fn cmd_meminfo(cli: &Cli) -> Result<bool, String> {
    let snap = run_query(cli, Query::header_only().mask(Mask::MEMINFO))?;
    let m = snap
        .info()
        .meminfo()
        .ok_or_else(|| "no meminfo in the answer".to_string())?;
    if cli.json {
        print_json(&m)?;
    } else {
        let s: String = m
            .entries()
            .iter()
            .map(|(k, v)| format!("{:<16}{v:>8} kB\n", format!("{k}:")))
            .collect();
        print(s.as_bytes())?;
    }
    Ok(true)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match &cli.cmd {
        Cmd::Ps {
            format,
            sort,
            threads,
            pids,
        } => cmd_ps(&cli, format.as_deref(), sort.as_deref(), *threads, pids),
        Cmd::Maps { pid } => cmd_maps(&cli, *pid),
        Cmd::Meminfo => cmd_meminfo(&cli),
    };
    match res {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("pgi: {e}");
            ExitCode::FAILURE
        }
    }
}
