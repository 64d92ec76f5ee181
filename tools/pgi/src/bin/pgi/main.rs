// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi`: ps, top, mem, maps and meminfo from one process_getinfo(2) call each.

mod clock;
mod escape;
mod mem;
mod names;
mod ps;
mod top;

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use process_getinfo::{Backend, Mask, Query, Record, Snapshot, Vma, VmaFlags};
use serde::Serialize;

/// pgi: a process table, a live view, a memory report, a memory map or the system's memory,
/// from one process_getinfo(2) call each (or from /proc on a kernel without the call).
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
    /// A process table, with procps's fields and forms: `pgi ps aux`, `pgi ps -ef`,
    /// `pgi ps -eo pid,user,%cpu,args --sort -%cpu`. Without options: every process,
    /// PID PPID S UID PRI NI RSS VSZ COMM.
    #[command(after_help = ps::fields_help())]
    Ps(PsArgs),
    /// A live, refreshing view of the processes (q quits; c, m, p, n sort by CPU, memory,
    /// PSS, pid). %CPU is the CPU time used between two refreshes, from one call each.
    Top(top::TopArgs),
    /// Memory per process, as Android's procrank and smem report it: VSS, RSS, PSS, USS, swap
    /// and swap PSS in KiB, sorted by PSS, with totals (one call).
    Mem(mem::MemArgs),
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

/// `pgi ps`'s options.
#[derive(clap::Args)]
struct PsArgs {
    /// BSD options, without a dash: `a` (every user's processes), `x` (also those without a
    /// terminal), `u` (the user-oriented columns), `f` (the forest). `aux`: everything. Without
    /// `a`, only the processes of this effective user; without `x`, only those with a
    /// terminal.
    #[arg(value_name = "BSD")]
    bsd: Option<String>,
    /// Every process (the default without BSD options).
    #[arg(short = 'e', short_alias = 'A')]
    every: bool,
    /// Full format: UID PID PPID C STIME TTY TIME CMD.
    #[arg(short = 'f')]
    full: bool,
    /// Columns to show, comma-separated (see the list below).
    #[arg(short = 'o', long = "format", value_name = "FIELDS")]
    format: Option<String>,
    /// Sort keys, comma-separated; a leading `-` sorts descending (default: pid, tid).
    #[arg(long, value_name = "FIELDS", allow_hyphen_values = true)]
    sort: Option<String>,
    /// One row per thread, with a TID column.
    #[arg(short = 'T', long)]
    threads: bool,
    /// Select these pids (comma-separated); each once.
    #[arg(short = 'p', long = "pid", value_name = "PIDS", value_delimiter = ',')]
    pids: Vec<i32>,
    /// Select the processes of these effective users (names or uids, comma-separated).
    #[arg(
        short = 'u',
        long = "user",
        value_name = "USERS",
        value_delimiter = ','
    )]
    users: Vec<String>,
    /// Select the processes with these command names (comm, comma-separated).
    #[arg(short = 'C', value_name = "NAMES", value_delimiter = ',')]
    names: Vec<String>,
    /// Each process under its parent, with ASCII art in the command column.
    #[arg(long)]
    forest: bool,
}

fn run_query(cli: &Cli, q: Query<'_>) -> Result<Snapshot, String> {
    let snap = q
        .backend(cli.backend.into())
        .run()
        .map_err(|e| e.to_string())?;
    note_fallback(cli, &snap);
    Ok(snap)
}

/// With `-v`, says which facts were read from /proc.
fn note_fallback(cli: &Cli, snap: &Snapshot) {
    if !cli.verbose {
        return;
    }
    if snap.fell_back() {
        eprintln!("pgi: process_getinfo(2) is not available here; read /proc instead");
    } else if snap.source() == process_getinfo::Source::Syscall && !snap.procfs_facts().is_empty() {
        let facts: Vec<String> = snap.procfs_facts().names().collect();
        eprintln!(
            "pgi: this kernel's process_getinfo(2) does not know {}; read from /proc instead",
            facts.join(",")
        );
    }
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

/// The BSD letters of `pgi ps aux`.
#[derive(Default)]
struct Bsd {
    all_users: bool,
    no_tty_too: bool,
    user_format: bool,
    forest: bool,
}

fn bsd(letters: &str) -> Result<Bsd, String> {
    let mut b = Bsd::default();
    for c in letters.chars() {
        match c {
            'a' => b.all_users = true,
            'x' => b.no_tty_too = true,
            'u' => b.user_format = true,
            'f' => b.forest = true,
            // Wide output: pgi never cuts the command line.
            'w' => {}
            _ => {
                return Err(format!(
                    "unknown BSD option {c:?} in {letters:?} (a, u, x, f, w)"
                ))
            }
        }
    }
    Ok(b)
}

fn cmd_ps(cli: &Cli, a: &PsArgs) -> Result<bool, String> {
    let b = a.bsd.as_deref().map(bsd).transpose()?;
    let default = match (&b, a.full, a.threads) {
        (Some(b), _, _) if b.user_format => ps::U_FORMAT,
        (_, true, _) => ps::F_FORMAT,
        (Some(_), _, _) => ps::BSD_FORMAT,
        (None, false, true) => "pid,tid,ppid,s,uid,pri,ni,rss,vsz,comm",
        (None, false, false) => "pid,ppid,s,uid,pri,ni,rss,vsz,comm",
    };
    let cols = ps::fields(a.format.as_deref().unwrap_or(default))?;
    if cols.is_empty() {
        return Err("no fields selected".into());
    }
    let keys = ps::sort_keys(a.sort.as_deref().unwrap_or(""))?;
    let forest = a.forest || b.as_ref().is_some_and(|b| b.forest);
    let uids = a
        .users
        .iter()
        .map(|u| names::uid_of(u).ok_or_else(|| format!("user name does not exist: {u}")))
        .collect::<Result<HashSet<u32>, String>>()?;
    let comms: HashSet<&[u8]> = a.names.iter().map(|n| n.as_bytes()).collect();
    // As ps: -p, -u and -C add up; with only -p, ask for just those pids.
    let only_pids = !a.pids.is_empty() && uids.is_empty() && comms.is_empty();
    let q = if only_pids {
        let mut seen = HashSet::new();
        Query::pids(a.pids.iter().copied().filter(|p| seen.insert(*p)))
    } else {
        Query::all()
    };
    let mut mask = ps::mask(&cols, &keys) | Mask::MEMINFO;
    if !uids.is_empty() || b.as_ref().is_some_and(|b| !b.all_users) {
        mask |= Mask::CREDS;
    }
    if !comms.is_empty() {
        mask |= Mask::COMM;
    }
    if b.as_ref().is_some_and(|b| !b.no_tty_too) {
        mask |= Mask::SESSION;
    }
    let snap = run_query(cli, q.mask(mask).threads(a.threads))?;
    let info = snap.info();
    // SAFETY: geteuid() has no preconditions.
    let me = unsafe { libc::geteuid() };
    let pids: HashSet<i32> = a.pids.iter().copied().collect();
    let selected = |r: &Record<'_>| -> bool {
        if r.is_gone() {
            return false;
        }
        let euid = r.creds.map(|c| c.uid.effective);
        let any_selection = !(pids.is_empty() && uids.is_empty() && comms.is_empty());
        if !only_pids && any_selection {
            let by_pid = r.ids.is_some_and(|i| pids.contains(&i.tgid));
            let by_user = euid.is_some_and(|u| uids.contains(&u));
            let by_name = r.comm.is_some_and(|c| comms.contains(c));
            if !(by_pid || by_user || by_name) {
                return false;
            }
        }
        if let Some(b) = &b {
            if !b.all_users && euid != Some(me) {
                return false;
            }
            if !b.no_tty_too && r.session.is_none_or(|s| s.tty_nr.is_none()) {
                return false;
            }
        }
        true
    };
    let recs: Vec<_> = info.records().filter(selected).collect();
    let mem_total = info.meminfo().map_or(0, |m| m.mem_total_kb);
    let mut ctx = ps::Ctx::new(mem_total);
    let rows = ps::rows(&recs, &cols, &keys, &mut ctx, forest);
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
        Cmd::Ps(a) => cmd_ps(&cli, a),
        Cmd::Top(a) => top::run(&cli, a),
        Cmd::Mem(a) => mem::run(&cli, a),
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

/// A record of process `pid` (a child of init) named `comm`, with `IDS` and `COMM`: what the
/// views' tests start their records from.
#[cfg(test)]
fn test_record(pid: i32, comm: &'static [u8]) -> Record<'static> {
    let mut r = Record::default();
    r.ids = Some(process_getinfo::Ids {
        tid: pid,
        tgid: pid,
        ppid: 1,
    });
    r.comm = Some(comm);
    r
}
