// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi ps`: a process table from one query, with procps's field names, meanings and layouts
//! (`pgi ps aux`, `pgi ps -ef`).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::Duration;

use process_getinfo::serialization::Bytes;
use process_getinfo::tty::TtyNames;
use process_getinfo::{Mask, Record, State, VmaFlags};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::clock::{self, Clock};
use crate::escape;
use crate::names::Names;

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Does not apply to this process (e.g. NI of a real-time task): `-` in text, `null` in
    /// JSON.
    Missing,
    /// The fact was denied: `?` in text, `null` in JSON (and named in the row's `denied`).
    Denied,
    /// A number that fits a double exactly.
    Int(i64),
    /// A 64-bit value that may not: a string in JSON.
    Big(u64),
    /// A percentage in tenths (`%CPU`, `%MEM`): `12.5`, or `123` from 100 on, as procps.
    Tenths(i64),
    /// A time or date shown as text and sorted, and put in JSON, as the number (seconds).
    Keyed(i64, String),
    /// Bytes from the process (a name): `?` for control characters in text, the exact bytes
    /// in JSON.
    Text(Vec<u8>),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Missing => "-".to_string(),
            Value::Denied => "?".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Big(u) => u.to_string(),
            Value::Tenths(t) if *t > 999 => (t / 10).to_string(),
            Value::Tenths(t) => format!("{}.{}", t / 10, t % 10),
            Value::Keyed(_, s) => s.clone(),
            Value::Text(b) => escape::ps(b),
        }
    }

    /// The number this cell sorts by, if it is one.
    pub fn number(&self) -> Option<i128> {
        match self {
            Value::Int(i) | Value::Tenths(i) | Value::Keyed(i, _) => Some(i128::from(*i)),
            Value::Big(u) => Some(i128::from(*u)),
            _ => None,
        }
    }

    fn cmp(&self, other: &Value) -> Ordering {
        let rank = |v: &Value| match v {
            Value::Missing | Value::Denied => 0,
            Value::Text(_) => 2,
            _ => 1,
        };
        match (self, other) {
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            _ => match (self.number(), other.number()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => rank(self).cmp(&rank(other)),
            },
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing | Value::Denied => s.serialize_none(),
            Value::Int(i) | Value::Keyed(i, _) => s.serialize_i64(*i),
            Value::Tenths(t) => s.serialize_f64(*t as f64 / 10.0),
            Value::Big(u) => s.collect_str(u),
            Value::Text(b) => Bytes(b).serialize(s),
        }
    }
}

/// What the cells are computed with besides the record.
pub struct Ctx {
    /// When the snapshot was taken.
    pub clock: Clock,
    /// `MemTotal`, for `%MEM`.
    pub mem_total_kb: u64,
    /// User and group names.
    pub names: RefCell<Names>,
    /// Terminal names.
    pub ttys: RefCell<TtyNames>,
    /// The `--forest` prefix of each record (by its offset in the buffer).
    pub forest: HashMap<u32, String>,
}

impl Ctx {
    /// A context for a snapshot taken now.
    pub fn new(mem_total_kb: u64) -> Ctx {
        Ctx {
            clock: Clock::now(),
            mem_total_kb,
            names: RefCell::new(Names::default()),
            ttys: RefCell::new(TtyNames::default()),
            forest: HashMap::new(),
        }
    }

    /// How long the process of `r` has run, if its start time is known.
    pub fn elapsed(&self, r: &Record<'_>) -> Option<Duration> {
        Some(self.clock.since_boot.saturating_sub(r.cpu?.start_time))
    }
}

type Get = fn(&Record<'_>, &Ctx) -> Value;

/// A column: its `-o` name, header, the facts it needs and how to compute it.
pub struct Field {
    /// The name for `-o` and `--sort` (and the JSON key).
    pub name: &'static str,
    /// Other names accepted.
    pub aliases: &'static [&'static str],
    /// The column header.
    pub header: &'static str,
    /// The facts it asks for.
    pub mask: Mask,
    /// The facts whose denial makes the cell `?` (by default all of `mask`).
    pub needs: Mask,
    /// Right-aligned (numbers) or left-aligned (text).
    pub right: bool,
    /// procps's width: the column is at least this wide.
    pub width: usize,
    /// Longer text is cut to `width` with a `+` at the end, as procps cuts user names.
    pub cut: bool,
    /// What the field shows.
    pub help: &'static str,
    get: Get,
}

impl Field {
    // One argument per column of the table below, which reads best flat.
    #[allow(clippy::too_many_arguments)]
    const fn new(
        name: &'static str,
        aliases: &'static [&'static str],
        header: &'static str,
        mask: Mask,
        right: bool,
        width: usize,
        help: &'static str,
        get: Get,
    ) -> Field {
        Field {
            name,
            aliases,
            header,
            mask,
            needs: mask,
            right,
            width,
            cut: false,
            help,
            get,
        }
    }

    const fn needs(mut self, needs: Mask) -> Field {
        self.needs = needs;
        self
    }

    const fn cut(mut self) -> Field {
        self.cut = true;
        self
    }

    /// The cell for `r`: [`Value::Denied`] when a fact it needs was denied.
    pub fn cell(&self, r: &Record<'_>, ctx: &Ctx) -> Value {
        if r.denied().intersects(self.needs) {
            Value::Denied
        } else {
            (self.get)(r, ctx)
        }
    }
}

fn int<T: Into<i64>>(v: Option<T>) -> Value {
    v.map_or(Value::Missing, |v| Value::Int(v.into()))
}

fn big(v: u64) -> Value {
    i64::try_from(v).map_or(Value::Big(v), Value::Int)
}

fn text(v: Option<String>) -> Value {
    v.map_or(Value::Missing, |s| Value::Text(s.into_bytes()))
}

/// A KiB counter of `VM_COUNTERS`: 0 for a process without memory (a kernel thread), as ps.
fn kb(r: &Record<'_>, f: fn(&process_getinfo::VmCounters) -> u64) -> Value {
    big(r.vm.as_ref().map_or(0, f))
}

/// A KiB counter of `MEMORY_ROLLUP`: 0 for a process without memory, as `kb`.
fn rollup_kb(r: &Record<'_>, f: fn(&process_getinfo::Rollup) -> u64) -> Value {
    big(r.rollup.as_ref().map_or(0, f))
}

/// The name `lookup` finds for an id, or the number where the database has none (as procps).
fn name_or_id(id: Option<u32>, lookup: impl FnOnce(u32) -> Option<Vec<u8>>) -> Value {
    match id {
        None => Value::Missing,
        Some(i) => lookup(i).map_or(Value::Int(i64::from(i)), Value::Text),
    }
}

/// A user name, or the uid.
fn user(uid: Option<u32>, ctx: &Ctx) -> Value {
    name_or_id(uid, |u| ctx.names.borrow_mut().user(u))
}

/// A group name, or the gid.
fn group(gid: Option<u32>, ctx: &Ctx) -> Value {
    name_or_id(gid, |g| ctx.names.borrow_mut().group(g))
}

/// Tenths of a percent of CPU time over the process's life (procps's pcpu): CPU time per
/// elapsed time, truncated.
pub fn pcpu_tenths(r: &Record<'_>, ctx: &Ctx) -> Option<i64> {
    let cpu = r.cpu?.total().as_nanos();
    let life = ctx.elapsed(r)?.as_nanos();
    Some(
        (cpu * 1000)
            .checked_div(life)
            .map_or(0, |t| i64::try_from(t).unwrap_or(i64::MAX)),
    )
}

/// Tenths of a percent of MemTotal in the resident set (procps's pmem), at most 99.9.
pub fn pmem_tenths(rss_kb: u64, mem_total_kb: u64) -> i64 {
    if mem_total_kb == 0 {
        return 0;
    }
    let t = u128::from(rss_kb) * 1000 / u128::from(mem_total_kb);
    i64::try_from(t.min(999)).unwrap_or(999)
}

/// `-o stat`: the state letter and procps's modifiers, in its order: `<` (nice < 0), `N`
/// (nice > 0), `L` (locked pages), `s` (session leader), `l` (multi-threaded), `+` (in the
/// terminal's foreground process group). Each needs its fact: `L` shows when the record has
/// the memory rollup (`Locked` > 0) or the memory map (a locked VMA), which `-o stat` does
/// not ask for by itself (process_getinfo(2) has no VmLck).
fn stat(r: &Record<'_>, _: &Ctx) -> Value {
    let Some(state) = r.state else {
        return Value::Missing;
    };
    let mut s = vec![state.as_byte()];
    match r.prio.map(|p| p.nice) {
        Some(n) if n < 0 => s.push(b'<'),
        Some(n) if n > 0 => s.push(b'N'),
        _ => {}
    }
    let locked = r.rollup.is_some_and(|ro| ro.locked_kb > 0)
        || r.memory_map
            .is_some_and(|m| m.iter().any(|v| v.flags.contains(VmaFlags::LOCKED)));
    if locked {
        s.push(b'L');
    }
    if let (Some(ses), Some(ids)) = (r.session, r.ids) {
        if ses.is_leader(ids.tgid) {
            s.push(b's');
        }
    }
    if r.cpu.is_some_and(|c| c.nr_threads > 1) {
        s.push(b'l');
    }
    if r.session.is_some_and(|ses| ses.is_foreground()) {
        s.push(b'+');
    }
    Value::Text(s)
}

/// `[dd-]hh:mm:ss` (procps's `time`).
fn hms(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}-{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// `[[dd-]hh:]mm:ss` (procps's `etime`).
fn etime(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h) {
        (0, 0) => format!("{m:02}:{s:02}"),
        (0, _) => format!("{h:02}:{m:02}:{s:02}"),
        _ => format!("{d}-{h:02}:{m:02}:{s:02}"),
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn cpu_time(r: &Record<'_>, show: fn(u64) -> String) -> Value {
    match r.cpu {
        Some(c) => Value::Keyed(secs(c.total()), show(c.total().as_secs())),
        None => Value::Missing,
    }
}

/// When the process started, as seconds since the epoch.
fn started(r: &Record<'_>, ctx: &Ctx) -> Option<i64> {
    Some(ctx.clock.boot_time.saturating_add(secs(r.cpu?.start_time)))
}

fn start_field(r: &Record<'_>, ctx: &Ctx, show: fn(i64, &Clock) -> String) -> Value {
    match started(r, ctx) {
        Some(t) => Value::Keyed(t, show(t, &ctx.clock)),
        None => Value::Missing,
    }
}

/// The `--forest` prefix of `r`.
fn prefix<'c>(r: &Record<'_>, ctx: &'c Ctx) -> &'c str {
    ctx.forest.get(&r.offset).map_or("", String::as_str)
}

/// `args`: the command line as ps shows it, or `[comm]` (with ` <defunct>` for a zombie) for
/// a process without one (a kernel thread, an exited process, an empty command line).
pub fn args(r: &Record<'_>, ctx: &Ctx) -> Value {
    let mut out = prefix(r, ctx).as_bytes().to_vec();
    match (r.cmdline.filter(|c| !c.is_empty()), r.comm) {
        (Some(c), _) => out.extend_from_slice(&c.ps_bytes()),
        (None, Some(comm)) => {
            out.push(b'[');
            out.extend_from_slice(comm);
            out.push(b']');
            if r.state == Some(State::Zombie) {
                out.extend_from_slice(b" <defunct>");
            }
        }
        (None, None) => return Value::Missing,
    }
    Value::Text(out)
}

fn comm(r: &Record<'_>, ctx: &Ctx) -> Value {
    match r.comm {
        Some(c) => {
            let mut out = prefix(r, ctx).as_bytes().to_vec();
            out.extend_from_slice(c);
            Value::Text(out)
        }
        None => Value::Missing,
    }
}

fn tty(r: &Record<'_>, ctx: &Ctx) -> Value {
    match (r.session, r.ids) {
        (Some(s), ids) => {
            let pid = ids.map_or(r.raw_tid, |i| i.tid);
            Value::Text(ctx.ttys.borrow_mut().name(s.tty_nr, pid).into_bytes())
        }
        (None, _) => Value::Missing,
    }
}

const STAT: Mask = Mask::STATUS
    .union(Mask::PRIO)
    .union(Mask::SESSION)
    .union(Mask::CPU_TIMES)
    .union(Mask::IDS);
const ARGS: Mask = Mask::CMDLINE.union(Mask::COMM).union(Mask::STATUS);
const PMEM: Mask = Mask::VM_COUNTERS.union(Mask::MEMINFO);
const CPU: Mask = Mask::CPU_TIMES;

/// Every field, in `--help` order.
pub static FIELDS: &[Field] = &[
    Field::new(
        "pid",
        &["tgid"],
        "PID",
        Mask::IDS,
        true,
        5,
        "process id (thread group id)",
        |r, _| int(r.ids.map(|i| i.tgid)),
    ),
    Field::new(
        "tid",
        &["lwp", "spid"],
        "TID",
        Mask::IDS,
        true,
        5,
        "thread id",
        |r, _| int(r.ids.map(|i| i.tid)),
    ),
    Field::new(
        "ppid",
        &[],
        "PPID",
        Mask::IDS,
        true,
        5,
        "parent's process id (0 if not visible)",
        |r, _| int(r.ids.map(|i| i.ppid)),
    ),
    Field::new(
        "pgid",
        &["pgrp"],
        "PGID",
        Mask::SESSION,
        true,
        5,
        "process group id",
        |r, _| int(r.session.map(|s| s.pgid)),
    ),
    Field::new(
        "sid",
        &["sess", "session"],
        "SID",
        Mask::SESSION,
        true,
        5,
        "session id",
        |r, _| int(r.session.map(|s| s.sid)),
    ),
    Field::new(
        "tpgid",
        &[],
        "TPGID",
        Mask::SESSION,
        true,
        5,
        "foreground process group of the terminal (-1: none)",
        |r, _| int(r.session.map(|s| s.tpgid)),
    ),
    Field::new(
        "tname",
        &[],
        "TTY",
        Mask::SESSION,
        false,
        8,
        "controlling terminal (pts/3, tty1; ? for none)",
        tty,
    ),
    Field::new(
        "tty",
        &["tt"],
        "TT",
        Mask::SESSION,
        false,
        8,
        "controlling terminal, as tname",
        tty,
    ),
    Field::new(
        "s",
        &["state"],
        "S",
        Mask::STATUS,
        false,
        1,
        "state letter (R S D T t X Z P I)",
        |r, _| {
            r.state
                .map_or(Value::Missing, |s| Value::Text(vec![s.as_byte()]))
        },
    ),
    Field::new(
        "stat",
        &[],
        "STAT",
        STAT,
        false,
        4,
        "state and modifiers: < N L s l + (L needs pss or nvma in the columns)",
        stat,
    )
    .needs(Mask::STATUS),
    Field::new(
        "user",
        &["euser", "uname"],
        "USER",
        Mask::CREDS,
        false,
        8,
        "effective user name (the uid if it has none)",
        |r, c| user(r.creds.map(|c| c.uid.effective), c),
    )
    .cut(),
    Field::new(
        "uid_hack",
        &[],
        "UID",
        Mask::CREDS,
        false,
        8,
        "effective user name, as ps -f's UID",
        |r, c| user(r.creds.map(|c| c.uid.effective), c),
    )
    .cut(),
    Field::new(
        "ruser",
        &[],
        "RUSER",
        Mask::CREDS,
        false,
        8,
        "real user name",
        |r, c| user(r.creds.map(|c| c.uid.real), c),
    )
    .cut(),
    Field::new(
        "suser",
        &[],
        "SUSER",
        Mask::CREDS,
        false,
        8,
        "saved user name",
        |r, c| user(r.creds.map(|c| c.uid.saved), c),
    )
    .cut(),
    Field::new(
        "fuser",
        &[],
        "FUSER",
        Mask::CREDS,
        false,
        8,
        "filesystem user name",
        |r, c| user(r.creds.map(|c| c.uid.fs), c),
    )
    .cut(),
    Field::new(
        "group",
        &["egroup"],
        "GROUP",
        Mask::CREDS,
        false,
        8,
        "effective group name",
        |r, c| group(r.creds.map(|c| c.gid.effective), c),
    )
    .cut(),
    Field::new(
        "rgroup",
        &[],
        "RGROUP",
        Mask::CREDS,
        false,
        8,
        "real group name",
        |r, c| group(r.creds.map(|c| c.gid.real), c),
    )
    .cut(),
    Field::new(
        "uid",
        &["euid"],
        "UID",
        Mask::CREDS,
        true,
        5,
        "effective uid",
        |r, _| int(r.creds.map(|c| c.uid.effective)),
    ),
    Field::new(
        "ruid",
        &[],
        "RUID",
        Mask::CREDS,
        true,
        5,
        "real uid",
        |r, _| int(r.creds.map(|c| c.uid.real)),
    ),
    Field::new(
        "suid",
        &[],
        "SUID",
        Mask::CREDS,
        true,
        5,
        "saved uid",
        |r, _| int(r.creds.map(|c| c.uid.saved)),
    ),
    Field::new(
        "fsuid",
        &[],
        "FSUID",
        Mask::CREDS,
        true,
        5,
        "filesystem uid",
        |r, _| int(r.creds.map(|c| c.uid.fs)),
    ),
    Field::new(
        "gid",
        &["egid"],
        "GID",
        Mask::CREDS,
        true,
        5,
        "effective gid",
        |r, _| int(r.creds.map(|c| c.gid.effective)),
    ),
    Field::new(
        "rgid",
        &[],
        "RGID",
        Mask::CREDS,
        true,
        5,
        "real gid",
        |r, _| int(r.creds.map(|c| c.gid.real)),
    ),
    Field::new(
        "sgid",
        &[],
        "SGID",
        Mask::CREDS,
        true,
        5,
        "saved gid",
        |r, _| int(r.creds.map(|c| c.gid.saved)),
    ),
    Field::new(
        "fsgid",
        &[],
        "FSGID",
        Mask::CREDS,
        true,
        5,
        "filesystem gid",
        |r, _| int(r.creds.map(|c| c.gid.fs)),
    ),
    Field::new(
        "%cpu",
        &["pcpu"],
        "%CPU",
        CPU,
        true,
        4,
        "CPU time over the process's life, % (as ps, not top)",
        |r, c| pcpu_tenths(r, c).map_or(Value::Missing, Value::Tenths),
    ),
    Field::new(
        "c",
        &[],
        "C",
        CPU,
        true,
        2,
        "%cpu as an integer, at most 99 (ps -f's C)",
        |r, c| pcpu_tenths(r, c).map_or(Value::Missing, |t| Value::Int((t / 10).min(99))),
    ),
    Field::new(
        "%mem",
        &["pmem"],
        "%MEM",
        PMEM,
        true,
        4,
        "resident set over MemTotal, %",
        |r, c| Value::Tenths(pmem_tenths(r.vm.map_or(0, |v| v.rss_kb()), c.mem_total_kb)),
    )
    .needs(Mask::VM_COUNTERS),
    Field::new(
        "pri",
        &[],
        "PRI",
        Mask::PRIO,
        true,
        3,
        "priority as ps: 39 - priority (19 for nice 0, 139 for FIFO 99)",
        |r, _| int(r.prio.map(|p| p.ps_pri())),
    ),
    Field::new(
        "priority",
        &[],
        "PRI",
        Mask::PRIO,
        true,
        3,
        "priority, field 18 of /proc/PID/stat",
        |r, _| int(r.prio.map(|p| p.prio)),
    ),
    Field::new(
        "ni",
        &["nice"],
        "NI",
        Mask::PRIO,
        true,
        3,
        "nice value (- for real-time policies, as ps)",
        |r, _| int(r.prio.and_then(|p| p.ps_nice())),
    ),
    Field::new(
        "cls",
        &["policy", "class"],
        "CLS",
        Mask::PRIO,
        false,
        3,
        "scheduling class (TS FF RR B IDL DLN)",
        |r, _| text(r.prio.map(|p| p.policy.ps_class().into_owned())),
    ),
    Field::new(
        "vsz",
        &["vsize"],
        "VSZ",
        Mask::VM_COUNTERS,
        true,
        6,
        "virtual size, KiB",
        |r, _| kb(r, |v| v.vm_size_kb),
    ),
    Field::new(
        "rss",
        &["rssize", "rsz"],
        "RSS",
        Mask::VM_COUNTERS,
        true,
        5,
        "resident set, KiB (anon + file + shmem)",
        |r, _| kb(r, |v| v.rss_kb()),
    ),
    Field::new(
        "swap",
        &[],
        "SWAP",
        Mask::VM_COUNTERS,
        true,
        5,
        "swapped out, KiB",
        |r, _| kb(r, |v| v.swap_kb),
    ),
    Field::new(
        "rssanon",
        &[],
        "RSSANON",
        Mask::VM_COUNTERS,
        true,
        7,
        "resident anonymous memory, KiB",
        |r, _| kb(r, |v| v.rss_anon_kb),
    ),
    Field::new(
        "rssfile",
        &[],
        "RSSFILE",
        Mask::VM_COUNTERS,
        true,
        7,
        "resident file mappings, KiB",
        |r, _| kb(r, |v| v.rss_file_kb),
    ),
    Field::new(
        "rssshmem",
        &[],
        "RSSSHMEM",
        Mask::VM_COUNTERS,
        true,
        8,
        "resident shared memory, KiB",
        |r, _| kb(r, |v| v.rss_shmem_kb),
    ),
    Field::new(
        "pss",
        &[],
        "PSS",
        Mask::MEMORY_ROLLUP,
        true,
        5,
        "proportional set size, KiB (smaps_rollup)",
        |r, _| rollup_kb(r, |v| v.pss_kb),
    ),
    Field::new(
        "uss",
        &[],
        "USS",
        Mask::MEMORY_ROLLUP,
        true,
        5,
        "unique set size, KiB: Private_Clean + Private_Dirty",
        |r, _| rollup_kb(r, |v| v.uss_kb()),
    ),
    Field::new(
        "swappss",
        &[],
        "SWAPPSS",
        Mask::MEMORY_ROLLUP,
        true,
        7,
        "proportional swap, KiB (smaps_rollup)",
        |r, _| rollup_kb(r, |v| v.swap_pss_kb),
    ),
    Field::new(
        "nlwp",
        &["thcount"],
        "NLWP",
        CPU,
        true,
        4,
        "threads in the process",
        |r, _| int(r.cpu.map(|c| c.nr_threads)),
    ),
    Field::new(
        "min_flt",
        &["minflt"],
        "MINFL",
        CPU,
        true,
        5,
        "minor page faults",
        |r, _| r.cpu.map_or(Value::Missing, |c| big(c.min_flt)),
    ),
    Field::new(
        "maj_flt",
        &["majflt"],
        "MAJFL",
        CPU,
        true,
        5,
        "major page faults",
        |r, _| r.cpu.map_or(Value::Missing, |c| big(c.maj_flt)),
    ),
    Field::new(
        "time",
        &["cputime"],
        "TIME",
        CPU,
        true,
        8,
        "CPU time, [dd-]hh:mm:ss (JSON: seconds)",
        |r, _| cpu_time(r, hms),
    ),
    Field::new(
        "bsdtime",
        &[],
        "TIME",
        CPU,
        true,
        6,
        "CPU time, m:ss (ps u's TIME)",
        |r, _| cpu_time(r, |s| format!("{}:{:02}", s / 60, s % 60)),
    ),
    Field::new(
        "times",
        &["cputimes"],
        "TIME",
        CPU,
        true,
        6,
        "CPU time in seconds",
        |r, _| {
            r.cpu
                .map_or(Value::Missing, |c| Value::Int(secs(c.total())))
        },
    ),
    Field::new(
        "etime",
        &[],
        "ELAPSED",
        CPU,
        true,
        11,
        "time since start, [[dd-]hh:]mm:ss (JSON: seconds)",
        |r, c| {
            c.elapsed(r).map_or(Value::Missing, |e| {
                Value::Keyed(secs(e), etime(e.as_secs()))
            })
        },
    ),
    Field::new(
        "etimes",
        &[],
        "ELAPSED",
        CPU,
        true,
        7,
        "time since start, seconds",
        |r, c| c.elapsed(r).map_or(Value::Missing, |e| Value::Int(secs(e))),
    ),
    Field::new(
        "start_time",
        &[],
        "START",
        CPU,
        false,
        5,
        "start: HH:MM today, MmmDD this year, else YYYY (JSON: epoch seconds)",
        |r, c| start_field(r, c, clock::short_date),
    ),
    Field::new(
        "stime",
        &[],
        "STIME",
        CPU,
        false,
        5,
        "start, as start_time (ps -f's STIME)",
        |r, c| start_field(r, c, clock::short_date),
    ),
    Field::new(
        "start",
        &[],
        "STARTED",
        CPU,
        true,
        8,
        "start: HH:MM:SS within 24 h, else Mmm DD (JSON: epoch seconds)",
        |r, c| start_field(r, c, clock::started),
    ),
    Field::new(
        "lstart",
        &[],
        "STARTED",
        CPU,
        false,
        24,
        "start, as ctime(3) (JSON: epoch seconds)",
        |r, c| start_field(r, c, |t, _| clock::ctime(t)),
    ),
    Field::new(
        "oom",
        &["oomadj", "oom_score_adj"],
        "OOMADJ",
        Mask::OOM_SCORE_ADJ,
        true,
        6,
        "oom_score_adj",
        |r, _| int(r.oom_score_adj),
    ),
    Field::new(
        "vmseq",
        &["vm_seq"],
        "VMSEQ",
        Mask::VM_SEQ,
        true,
        5,
        "memory map change cookie",
        |r, _| r.vm_seq.map_or(Value::Missing, Value::Big),
    ),
    Field::new(
        "nvma",
        &["nvmas"],
        "NVMA",
        Mask::MEMORY_MAP,
        true,
        4,
        "number of VMAs (reads the memory map)",
        |r, _| int(r.memory_map.and_then(|m| i64::try_from(m.len()).ok())),
    ),
    Field::new(
        "comm",
        &["ucmd", "ucomm"],
        "COMMAND",
        Mask::COMM,
        false,
        0,
        "command name (control characters as ?)",
        comm,
    ),
    Field::new(
        "args",
        &["command"],
        "COMMAND",
        ARGS,
        false,
        0,
        "command line; [comm] without one (kernel threads)",
        args,
    )
    .needs(Mask::COMM),
    Field::new(
        "cmd",
        &[],
        "CMD",
        ARGS,
        false,
        0,
        "command line, as args (ps -f's CMD)",
        args,
    )
    .needs(Mask::COMM),
];

/// `ps u`'s columns.
pub const U_FORMAT: &str = "user,pid,%cpu,%mem,vsz,rss,tname,stat,start_time,bsdtime,args";
/// `ps -f`'s columns.
pub const F_FORMAT: &str = "uid_hack,pid,ppid,c,stime,tname,time,cmd";
/// `ps ax`'s columns (BSD options without `u`).
pub const BSD_FORMAT: &str = "pid,tname,stat,bsdtime,args";

/// The field named `name`.
pub fn field(name: &str) -> Option<&'static Field> {
    let n = name.trim().to_ascii_lowercase();
    FIELDS
        .iter()
        .find(|f| f.name == n || f.aliases.contains(&n.as_str()))
}

/// Parses a `-o` list (commas or spaces).
pub fn fields(list: &str) -> Result<Vec<&'static Field>, String> {
    list.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| field(s).ok_or_else(|| format!("unknown field {s:?} (see pgi ps --help)")))
        .collect()
}

/// A `--sort` key: a field, descending with a leading `-`.
pub struct SortKey {
    field: &'static Field,
    descending: bool,
}

/// Parses a `--sort` list such as `-rss,pid`.
pub fn sort_keys(list: &str) -> Result<Vec<SortKey>, String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (descending, name) = match s.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, s.strip_prefix('+').unwrap_or(s)),
            };
            let field = field(name).ok_or_else(|| format!("unknown sort field {name:?}"))?;
            Ok(SortKey { field, descending })
        })
        .collect()
}

/// The facts needed for these columns and keys (always the ids, for the default order).
pub fn mask(cols: &[&Field], keys: &[SortKey]) -> Mask {
    cols.iter()
        .map(|f| f.mask)
        .chain(keys.iter().map(|k| k.field.mask))
        .fold(Mask::IDS, |m, b| m | b)
}

/// One row: its cells, and the facts denied for its process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The cells, one per column.
    pub values: Vec<Value>,
    /// The requested facts that were denied.
    pub denied: Mask,
}

/// Sorts records by the keys, then by pid and tid.
fn sort(recs: &mut [&Record<'_>], keys: &[SortKey], ctx: &Ctx) {
    let id = |r: &Record<'_>| r.ids.map_or((r.raw_tid, r.raw_tid), |i| (i.tgid, i.tid));
    recs.sort_by(|a, b| {
        for k in keys {
            let o = k.field.cell(a, ctx).cmp(&k.field.cell(b, ctx));
            let o = if k.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        id(a).cmp(&id(b))
    });
}

/// The `--forest` order and prefixes: each process under its parent (a thread under its
/// process), siblings in sort order, with procps's ` \_ ` art.
fn forest<'r, 'a>(recs: &[&'r Record<'a>], ctx: &mut Ctx) -> Vec<&'r Record<'a>> {
    let parent = |r: &Record<'_>| r.ids.map(|i| if i.tid != i.tgid { i.tgid } else { i.ppid });
    let key = |r: &Record<'_>| r.ids.map(|i| i.tid);
    let present: std::collections::HashSet<i32> = recs.iter().filter_map(|r| key(r)).collect();
    let mut children: HashMap<i32, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        match parent(r).filter(|p| present.contains(p) && Some(*p) != key(r)) {
            Some(p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(recs.len());
    // Depth-first, with an explicit stack: (index, the art of its ancestors, last child?).
    let mut stack: Vec<(usize, String, Option<bool>)> = roots
        .iter()
        .rev()
        .map(|&i| (i, String::new(), None))
        .collect();
    let mut placed = vec![false; recs.len()];
    while let Some((i, above, last)) = stack.pop() {
        if std::mem::replace(&mut placed[i], true) {
            continue;
        }
        let r = recs[i];
        let mine = match last {
            None => String::new(),
            Some(_) => format!("{above} \\_ "),
        };
        ctx.forest.insert(r.offset, mine);
        out.push(r);
        let below = match last {
            None => String::new(),
            Some(true) => format!("{above}    "),
            Some(false) => format!("{above} |  "),
        };
        if let Some(kids) = key(r).and_then(|k| children.get(&k)) {
            let n = kids.len();
            for (j, &c) in kids.iter().enumerate().rev() {
                stack.push((c, below.clone(), Some(j + 1 == n)));
            }
        }
    }
    // A loop in the parent links (ids reused): whatever was not reached, as roots.
    for (i, r) in recs.iter().enumerate() {
        if !placed[i] {
            out.push(r);
        }
    }
    out
}

/// The table: one row per record, sorted (and in a tree with `forest`).
pub fn rows(
    records: &[Record<'_>],
    cols: &[&Field],
    keys: &[SortKey],
    ctx: &mut Ctx,
    tree: bool,
) -> Vec<Row> {
    let mut recs: Vec<&Record<'_>> = records.iter().collect();
    sort(&mut recs, keys, ctx);
    if tree {
        recs = forest(&recs, ctx);
    }
    recs.iter()
        .map(|r| Row {
            values: cols.iter().map(|f| f.cell(r, ctx)).collect(),
            denied: r.denied(),
        })
        .collect()
}

/// A cell's text, cut to the column's width with `+` where the field says so.
fn shown(f: &Field, v: &Value) -> String {
    let t = v.text();
    if f.cut && f.width > 1 && t.chars().count() > f.width {
        let mut c: String = t.chars().take(f.width - 1).collect();
        c.push('+');
        c
    } else {
        t
    }
}

/// The text table, ps style: a header line, columns at least procps's widths, right-aligned
/// numbers, the last column unpadded.
pub fn render(cols: &[&Field], rows: &[Row]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.values
                .iter()
                .zip(cols)
                .map(|(v, f)| shown(f, v))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, f)| {
            cells
                .iter()
                .filter_map(|r| r.get(i).map(|c| c.chars().count()))
                .fold(f.header.len().max(f.width), usize::max)
        })
        .collect();
    let line = |vals: Vec<&str>| {
        let last = vals.len().saturating_sub(1);
        let mut s = String::new();
        for (i, (v, f)) in vals.iter().zip(cols).enumerate() {
            if i > 0 {
                s.push(' ');
            }
            let w = widths.get(i).copied().unwrap_or(0);
            if f.right {
                s.push_str(&format!("{v:>w$}"));
            } else if i == last {
                s.push_str(v);
            } else {
                s.push_str(&format!("{v:<w$}"));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(cols.iter().map(|f| f.header).collect());
    for r in &cells {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// The JSON table: an array of objects keyed by field name, in column order, each with
/// `denied`: the facts denied for that process (their fields are `null`).
pub struct Table<'a> {
    /// The columns.
    pub cols: &'a [&'static Field],
    /// The rows.
    pub rows: &'a [Row],
}

struct JsonRow<'a>(&'a [&'static Field], &'a Row);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len() + 1))?;
        for (f, v) in self.0.iter().zip(&self.1.values) {
            m.serialize_entry(f.name, v)?;
        }
        m.serialize_entry("denied", &self.1.denied.names().collect::<Vec<_>>())?;
        m.end()
    }
}

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for r in self.rows {
            seq.serialize_element(&JsonRow(self.cols, r))?;
        }
        seq.end()
    }
}

/// The `--help` text listing the fields.
pub fn fields_help() -> String {
    let mut s = String::from("Fields for -o and --sort (--sort -FIELD sorts descending):\n");
    for f in FIELDS {
        let names = std::iter::once(f.name)
            .chain(f.aliases.iter().copied())
            .collect::<Vec<_>>()
            .join(", ");
        s.push_str(&format!("  {names:<26} {:<9} {}\n", f.header, f.help));
    }
    s.push_str(&format!(
        "\nFormats: BSD u (pgi ps aux): {U_FORMAT}\n         -f (pgi ps -ef): {F_FORMAT}\n\
         \x20        BSD without u (pgi ps ax): {BSD_FORMAT}\n\
         - : does not apply (NI of a real-time task); ? : denied (TTY ? : no terminal). RSS and \
         VSZ of a kernel thread are 0.\n"
    ));
    s
}
