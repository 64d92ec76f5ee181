// SPDX-License-Identifier: GPL-2.0

//! `pgi`: ps, maps and meminfo from one process_getinfo(2) call each.

mod ps;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use process_getinfo::{Backend, Info, Mask, Query, Snapshot, Vma, VmaFlags};
use serde_json::{json, Value as Json};

/// Process information from one process_getinfo(2) call.
#[derive(Parser)]
#[command(name = "pgi", version, about)]
struct Cli {
    /// Who answers: the system call, /proc, or the call with a fallback to /proc on ENOSYS.
    #[arg(long, global = true, default_value = "auto", value_parser = ["syscall", "procfs", "auto"])]
    backend: String,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
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
        /// Only these pids (comma-separated) instead of every process.
        #[arg(short = 'p', long = "pid", value_name = "PIDS", value_delimiter = ',')]
        pids: Vec<i32>,
    },
    /// The memory map of a process, as /proc/PID/maps, after a flags column:
    /// s shared, l locked, h hugetlb, S special name (`-` when not set).
    Maps {
        /// The process (or thread) id.
        pid: i32,
    },
    /// System memory counters, as /proc/meminfo.
    Meminfo,
}

fn run_query(q: Query, backend: &str) -> Result<Snapshot, String> {
    let backend: Backend = backend.parse()?;
    let snap = q.backend(backend).run().map_err(|e| e.to_string())?;
    if snap.fell_back() {
        eprintln!("pgi: process_getinfo(2) is not available (ENOSYS); reading /proc instead");
    }
    Ok(snap)
}

fn parse(snap: &Snapshot) -> Result<Info<'_>, String> {
    snap.info().map_err(|e| format!("malformed buffer: {e}"))
}

fn print(out: &str) -> Result<(), String> {
    let mut o = std::io::stdout().lock();
    match o.write_all(out.as_bytes()).and_then(|_| o.flush()) {
        // A closed pipe (`pgi ps | head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn print_json(v: &Json) -> Result<(), String> {
    print(&format!("{v:#}\n"))
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
        Query::pids(pids.iter().copied())
    };
    let snap = run_query(
        q.mask(ps::mask(&cols, &keys)).threads(threads),
        &cli.backend,
    )?;
    let info = parse(&snap)?;
    let recs: Vec<_> = info.records().filter(|r| !r.is_gone()).collect();
    let rows = ps::rows(&recs, &cols, &keys);
    if cli.json {
        print_json(&ps::json(&cols, &rows))?;
    } else {
        print(&ps::render(&cols, &rows))?;
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

fn vma_json(v: &Vma<'_>) -> Json {
    let flags: Vec<&str> = [
        (VmaFlags::SHARED, "shared"),
        (VmaFlags::LOCKED, "locked"),
        (VmaFlags::HUGETLB, "hugetlb"),
        (VmaFlags::SPECIAL, "special"),
    ]
    .iter()
    .filter(|(f, _)| v.flags.contains(*f))
    .map(|&(_, n)| n)
    .collect();
    json!({
        "start": v.start,
        "end": v.end,
        "perms": String::from_utf8_lossy(&v.perms()),
        "offset": v.file_offset,
        "dev_major": v.dev_major,
        "dev_minor": v.dev_minor,
        "inode": v.inode,
        "name": v.name_lossy(),
        "flags": flags,
    })
}

fn cmd_maps(cli: &Cli, pid: i32) -> Result<bool, String> {
    let snap = run_query(Query::pids([pid]).mask(Mask::MEMORY_MAP), &cli.backend)?;
    let info = parse(&snap)?;
    let rec = info
        .records()
        .next()
        .ok_or_else(|| "no record returned".to_string())?;
    if rec.is_gone() {
        return Err(format!("{pid}: no such process"));
    }
    if rec.is_noaccess() {
        return Err(format!("{pid}: permission denied"));
    }
    // No memory map: a kernel thread (or an exited process); like /proc/PID/maps, print nothing.
    let vmas = rec.memory_map.into_iter().flatten();
    if cli.json {
        let v: Vec<Json> = vmas.map(|v| vma_json(&v)).collect();
        return print_json(&json!({ "pid": pid, "vmas": v })).map(|_| true);
    }
    let mut out = Vec::new();
    for v in vmas {
        out.extend_from_slice(vma_flags(&v).as_bytes());
        out.push(b' ');
        v.write_maps_line(&mut out);
        out.push(b'\n');
    }
    let mut o = std::io::stdout().lock();
    match o.write_all(&out).and_then(|_| o.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(true),
    }
}

fn cmd_meminfo(cli: &Cli) -> Result<bool, String> {
    let snap = run_query(Query::header_only().mask(Mask::MEMINFO), &cli.backend)?;
    let info = parse(&snap)?;
    let m = info
        .meminfo()
        .ok_or_else(|| "no meminfo in the answer".to_string())?;
    if cli.json {
        print_json(&json!({
            "mem_total_kb": m.mem_total_kb,
            "mem_free_kb": m.mem_free_kb,
            "mem_available_kb": m.mem_available_kb,
            "buffers_kb": m.buffers_kb,
            "cached_kb": m.cached_kb,
            "swap_total_kb": m.swap_total_kb,
            "swap_free_kb": m.swap_free_kb,
        }))?;
    } else {
        let s: String = m
            .entries()
            .iter()
            .map(|(k, v)| format!("{:<16}{v:>8} kB\n", format!("{k}:")))
            .collect();
        print(&s)?;
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
