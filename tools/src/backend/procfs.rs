// SPDX-License-Identifier: MIT OR Apache-2.0

//! The fallback backend: the same answer, read from /proc.
//!
//! It follows the system call's semantics where /proc can: the same selection rules, per-record
//! GONE/NOACCESS status (or ESRCH/EACCES with STRICT), facts that do not apply left out, and
//! the answer encoded into the same buffer format ([`crate::encode`]) so that callers parse it
//! with the same code. It reads `status` (ids, creds, VM counters), `stat` (state, prio, nice,
//! policy, CPU times, session), `comm`, `oom_score_adj`, `cmdline`, `smaps_rollup`, `maps` and
//! `/proc/meminfo`, each only for the facts that need it.
//!
//! Differences from the system call (see also [`crate::Backend::Procfs`]):
//! - the answer is not one snapshot: each file is read separately;
//! - `VM_SEQ` is not known: it is left out of the header's mask and of `supported_mask`;
//! - CPU and start times are whole clock ticks (stat's unit, `USER_HZ`), not nanoseconds;
//! - VMA flags hold only `SHARED` and `SPECIAL` (maps shows neither mlock nor hugetlb);
//! - a counter smaps_rollup of an older kernel lacks (`Pss_Dirty`, `Pss_Anon`...) is 0;
//! - a fact whose file may not be read is denied (NOACCESS), even one the call would give;
//! - under ALL the records come in pid order.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Provider;
use crate::encode::Builder;
use crate::error::Error;
use crate::flags::{Mask, Prot, Status, VmaFlags};
use crate::parse::{Record, Vmas};
use crate::record::{
    Cmdline, CpuTimes, Creds, IdSet, Ids, Meminfo, Policy, Prio, Rollup, Session, State, TtyNr,
    VmCounters, Vma,
};
use crate::request::{Request, Target};
use crate::snapshot::{Snapshot, Source};
use crate::uapi::NR_PROC_MAX;

/// The facts the procfs backend can give.
pub const PROCFS_SUPPORTED: Mask = Mask::all().difference(Mask::VM_SEQ);

/// /proc as a backend.
#[derive(Debug, Clone)]
pub struct Procfs {
    root: PathBuf,
}

impl Default for Procfs {
    fn default() -> Procfs {
        Procfs {
            root: PathBuf::from("/proc"),
        }
    }
}

/// Why a task's facts could not be read.
enum Fail {
    /// The task is gone.
    Gone,
    /// Anything else.
    Io(PathBuf, io::Error),
}

/// Reads one file of a task: `Ok(None)` when it may not be read (the facts from it are then
/// left out and the record gets NOACCESS).
fn read(path: &Path, status: &mut Status) -> Result<Option<Vec<u8>>, Fail> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) => denied(path, e, status).map(|()| None),
    }
}

/// What a failed read of a task's file means: the task is gone, or the file is denied (then
/// NOACCESS is set), or an error.
fn denied(path: &Path, e: io::Error, status: &mut Status) -> Result<(), Fail> {
    match e.raw_os_error() {
        Some(libc::ENOENT) | Some(libc::ESRCH) => Err(Fail::Gone),
        Some(libc::EACCES) | Some(libc::EPERM) => {
            *status |= Status::NOACCESS;
            Ok(())
        }
        _ => Err(Fail::Io(path.to_owned(), e)),
    }
}

/// The numeric entries of a directory, sorted.
fn list_ids(dir: &Path) -> io::Result<Vec<i32>> {
    let mut ids: Vec<i32> = fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// One task to read, or an id that names none.
enum Entry {
    Task {
        input_index: Option<usize>,
        dir: PathBuf,
    },
    Gone {
        input_index: Option<usize>,
        id: i32,
    },
}

/// The value of a `Key:` line of a status-like file.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        Some(rest.trim())
    })
}

fn num<T: std::str::FromStr>(s: Option<&str>) -> Option<T> {
    s?.split_whitespace().next()?.parse().ok()
}

fn idset(s: Option<&str>) -> Option<IdSet> {
    let v: Vec<u32> = s?
        .split_whitespace()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    match v[..] {
        [real, effective, saved, fs] => Some(IdSet {
            real,
            effective,
            saved,
            fs,
        }),
        _ => None,
    }
}

/// The fields of /proc/PID/stat after the `(comm)`, starting with field 3 (state).
fn stat_fields(stat: &str) -> Option<Vec<&str>> {
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().collect())
}

/// A /proc/PID/maps line as a VMA with an owned name.
fn parse_maps_line(line: &[u8]) -> Option<(Vma<'static>, Option<Vec<u8>>)> {
    let mut it = line.splitn(6, |&c| c == b' ');
    let range = std::str::from_utf8(it.next()?).ok()?;
    let perms = it.next()?;
    let offset = std::str::from_utf8(it.next()?).ok()?;
    let dev = std::str::from_utf8(it.next()?).ok()?;
    let inode = std::str::from_utf8(it.next()?).ok()?;
    let rest = it.next().unwrap_or_default();
    let (start, end) = range.split_once('-')?;
    let (major, minor) = dev.split_once(':')?;
    let mut prot = Prot::empty();
    let mut flags = VmaFlags::empty();
    match perms {
        [r, w, x, s] => {
            prot.set(Prot::READ, *r == b'r');
            prot.set(Prot::WRITE, *w == b'w');
            prot.set(Prot::EXEC, *x == b'x');
            flags.set(VmaFlags::SHARED, *s == b's');
        }
        _ => return None,
    }
    let name_at = rest.iter().position(|&c| c != b' ').unwrap_or(rest.len());
    let name = unescape(&rest[name_at..]);
    if name.first() == Some(&b'[') {
        flags |= VmaFlags::SPECIAL;
    }
    let vma = Vma {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        file_offset: u64::from_str_radix(offset, 16).ok()?,
        inode: inode.parse().ok()?,
        dev_major: u32::from_str_radix(major, 16).ok()?,
        dev_minor: u32::from_str_radix(minor, 16).ok()?,
        prot,
        flags,
        name: None,
    };
    Some((vma, (!name.is_empty()).then_some(name)))
}

/// Undoes the `\012` escaping maps applies to a newline in a path.
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(b"\\012") {
            out.push(b'\n');
            i += 4;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// The facts of one task, owned.
#[derive(Default)]
pub(super) struct Owned {
    status: Status,
    ids: Option<Ids>,
    state: Option<State>,
    oom_score_adj: Option<i32>,
    creds: Option<Creds>,
    prio: Option<Prio>,
    comm: Option<Vec<u8>>,
    vm: Option<VmCounters>,
    vmas: Option<Vec<(Vma<'static>, Option<Vec<u8>>)>>,
    cpu: Option<CpuTimes>,
    session: Option<Session>,
    cmdline: Option<Vec<u8>>,
    rollup: Option<Rollup>,
}

/// The fields of /proc/PID/stat that CPU_TIMES and SESSION take (`f` from field 3 on), with
/// times converted from `hz` ticks a second to nanoseconds.
fn stat_facts(f: &[&str], hz: u64) -> Option<(CpuTimes, Session)> {
    let at = |n: usize| f.get(n - 3).copied();
    let u = |n: usize| at(n)?.parse::<u64>().ok();
    let i = |n: usize| at(n)?.parse::<i32>().ok();
    let ns_per_tick = 1_000_000_000 / hz.max(1);
    let t = |n: usize| {
        Some(std::time::Duration::from_nanos(
            u(n)?.checked_mul(ns_per_tick)?,
        ))
    };
    let cpu = CpuTimes {
        utime: t(14)?,
        stime: t(15)?,
        start_time: t(22)?,
        min_flt: u(10)?,
        maj_flt: u(12)?,
        nr_threads: at(20)?.parse().ok()?,
    };
    // tty_nr is printed as a signed int: keep its bits.
    let tty = u32::from_ne_bytes(i(7)?.to_ne_bytes());
    let session = Session {
        pgid: i(5)?,
        sid: i(6)?,
        tty_nr: TtyNr(tty),
        tpgid: i(8)?,
    };
    Some((cpu, session))
}

/// The counters of /proc/PID/smaps_rollup (0 for a line this kernel does not print).
fn parse_rollup(text: &str) -> Rollup {
    Rollup::from_names(|k| num(field(text, k)).unwrap_or(0))
}

/// Reads the facts of `mask` for the task at `dir`. Denied facts set NOACCESS; a task that
/// vanishes is `Fail::Gone`.
fn read_task(dir: &Path, mask: Mask, hz: u64) -> Result<Owned, Fail> {
    let mut o = Owned::default();
    let get = |name: &str, o: &mut Owned| -> Result<Option<String>, Fail> {
        let b = read(&dir.join(name), &mut o.status)?;
        Ok(b.map(|b| String::from_utf8_lossy(&b).into_owned()))
    };
    let bad = |what: &str| Fail::Io(dir.join(what), io::ErrorKind::InvalidData.into());
    // Whether the task has memory: status shows Vm lines only then (kernel threads and exited
    // tasks have none). Read once, when a fact needs it.
    let mut has_mm: Option<bool> = None;

    if mask.intersects(Mask::IDS | Mask::CREDS | Mask::VM_COUNTERS) {
        if let Some(st) = get("status", &mut o)? {
            has_mm = Some(field(&st, "VmSize").is_some());
            if mask.contains(Mask::IDS) {
                o.ids = Some(Ids {
                    tid: num(field(&st, "Pid")).ok_or_else(|| bad("status"))?,
                    tgid: num(field(&st, "Tgid")).ok_or_else(|| bad("status"))?,
                    ppid: num(field(&st, "PPid")).ok_or_else(|| bad("status"))?,
                });
            }
            if mask.contains(Mask::CREDS) {
                o.creds = Some(Creds {
                    uid: idset(field(&st, "Uid")).ok_or_else(|| bad("status"))?,
                    gid: idset(field(&st, "Gid")).ok_or_else(|| bad("status"))?,
                });
            }
            // Kernel threads and exited tasks have no mm, and no Vm lines.
            if mask.contains(Mask::VM_COUNTERS) && field(&st, "VmSize").is_some() {
                o.vm = Some(VmCounters::from_names(|k| num(field(&st, k)).unwrap_or(0)));
            }
        }
    }
    if mask.intersects(Mask::STATUS | Mask::PRIO | Mask::CPU_TIMES | Mask::SESSION) {
        if let Some(stat) = get("stat", &mut o)? {
            let f = stat_fields(&stat).ok_or_else(|| bad("stat"))?;
            if mask.intersects(Mask::CPU_TIMES | Mask::SESSION) {
                let (cpu, session) = stat_facts(&f, hz).ok_or_else(|| bad("stat"))?;
                o.cpu = mask.contains(Mask::CPU_TIMES).then_some(cpu);
                o.session = mask.contains(Mask::SESSION).then_some(session);
            }
            if mask.contains(Mask::STATUS) {
                let c = f.first().and_then(|s| s.bytes().next());
                o.state = Some(State::from_byte(c.ok_or_else(|| bad("stat"))?));
            }
            if mask.contains(Mask::PRIO) {
                let at = |n: usize| f.get(n - 3).and_then(|s| s.parse().ok());
                let at_u = |n: usize| f.get(n - 3).and_then(|s| s.parse::<u32>().ok());
                o.prio = Some(Prio {
                    prio: at(18).ok_or_else(|| bad("stat"))?,
                    nice: at(19).ok_or_else(|| bad("stat"))?,
                    policy: Policy::from_raw(at_u(41).ok_or_else(|| bad("stat"))?),
                });
            }
        }
    }
    if mask.contains(Mask::OOM_SCORE_ADJ) {
        if let Some(s) = get("oom_score_adj", &mut o)? {
            o.oom_score_adj = Some(s.trim().parse().map_err(|_| bad("oom_score_adj"))?);
        }
    }
    if mask.contains(Mask::COMM) {
        if let Some(mut b) = read(&dir.join("comm"), &mut o.status)? {
            if b.last() == Some(&b'\n') {
                b.pop();
            }
            o.comm = Some(b);
        }
    }
    if mask.contains(Mask::CMDLINE) {
        if let Some(b) = read(&dir.join("cmdline"), &mut o.status)? {
            // Empty: a kernel thread or an exited task (the fact does not apply), or a process
            // that has memory but no arguments at all.
            let mm = match (b.is_empty(), has_mm) {
                (false, _) => true,
                (true, Some(mm)) => mm,
                (true, None) => {
                    let st = get("status", &mut o)?;
                    st.is_some_and(|st| field(&st, "VmSize").is_some())
                }
            };
            o.cmdline = mm.then_some(b);
        }
    }
    if mask.contains(Mask::MEMORY_ROLLUP) {
        let path = dir.join("smaps_rollup");
        match fs::read(&path) {
            Ok(b) if !b.is_empty() => {
                o.rollup = Some(parse_rollup(&String::from_utf8_lossy(&b)));
            }
            // Empty, or ESRCH from a task that is still there: it has no memory (a kernel
            // thread or an exited task), so the fact does not apply.
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) && dir.exists() => {}
            Err(e) => denied(&path, e, &mut o.status)?,
        }
    }
    if mask.contains(Mask::MEMORY_MAP) {
        // An empty map: a kernel thread or an exited task; the fact does not apply.
        if let Some(b) = read(&dir.join("maps"), &mut o.status)?.filter(|b| !b.is_empty()) {
            let vmas = b
                .split(|&c| c == b'\n')
                .filter(|l| !l.is_empty())
                .map(parse_maps_line)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("maps"))?;
            o.vmas = Some(vmas);
        }
    }
    Ok(o)
}

impl Owned {
    /// Whether a fact was denied (the record gets NOACCESS).
    pub(super) fn denies(&self) -> bool {
        self.status.contains(Status::NOACCESS)
    }

    /// Calls `f` with `rec` plus the facts of `mask` this holds, and this status.
    pub(super) fn merge_into<R>(
        &self,
        rec: Record<'_>,
        mask: Mask,
        f: impl FnOnce(&Record<'_>) -> R,
    ) -> R {
        let vmas: Option<Vec<Vma<'_>>> = self.vmas.as_ref().map(|v| {
            v.iter()
                .map(|(vma, name)| Vma {
                    name: name.as_deref(),
                    ..*vma
                })
                .collect()
        });
        let has = |m: Mask| mask.contains(m);
        // A binding of its own, whose lifetime may be as short as `vmas`'s.
        let mut rec = rec;
        rec.status |= self.status;
        if has(Mask::IDS) {
            rec.ids = self.ids;
        }
        if has(Mask::STATUS) {
            rec.state = self.state;
        }
        if has(Mask::OOM_SCORE_ADJ) {
            rec.oom_score_adj = self.oom_score_adj;
        }
        if has(Mask::CREDS) {
            rec.creds = self.creds;
        }
        if has(Mask::PRIO) {
            rec.prio = self.prio;
        }
        if has(Mask::COMM) {
            rec.comm = self.comm.as_deref();
        }
        if has(Mask::VM_COUNTERS) {
            rec.vm = self.vm;
        }
        if has(Mask::MEMORY_MAP) {
            rec.memory_map = vmas.as_deref().map(Vmas::from_slice);
        }
        if has(Mask::CPU_TIMES) {
            rec.cpu = self.cpu;
        }
        if has(Mask::SESSION) {
            rec.session = self.session;
        }
        if has(Mask::CMDLINE) {
            rec.cmdline = self.cmdline.as_deref().map(Cmdline::new);
        }
        if has(Mask::MEMORY_ROLLUP) {
            rec.rollup = self.rollup;
        }
        f(&rec)
    }
}

/// /proc/meminfo, read by [`Procfs::default`].
pub fn meminfo() -> Result<Meminfo, Error> {
    Procfs::default().meminfo()
}

/// Whether an error means the process is gone (rather than, say, not readable by us).
fn is_gone(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ESRCH))
}

impl Procfs {
    /// procfs mounted at `root` (default `/proc`).
    pub fn at(root: impl AsRef<Path>) -> Procfs {
        Procfs {
            root: root.as_ref().to_owned(),
        }
    }

    /// The system memory counters of `meminfo`.
    pub fn meminfo(&self) -> Result<Meminfo, Error> {
        let path = self.root.join("meminfo");
        let text = fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
        Ok(Meminfo::from_names(|k| num(field(&text, k)).unwrap_or(0)))
    }

    fn dir(&self, id: i32) -> PathBuf {
        self.root.join(id.to_string())
    }

    /// The facts of `mask` of the task whose ids are `ids`, read from its directory (under
    /// `THREADS`, the thread's own: /proc/TGID/task/TID). `Ok(None)` when it is gone.
    pub(super) fn task(
        &self,
        ids: crate::record::Ids,
        threads: bool,
        mask: Mask,
        hz: u64,
    ) -> Result<Option<Owned>, Error> {
        let dir = if threads {
            self.dir(ids.tgid).join("task").join(ids.tid.to_string())
        } else {
            self.dir(ids.tid)
        };
        match read_task(&dir, mask, hz) {
            Ok(o) => Ok(Some(o)),
            Err(Fail::Gone) => Ok(None),
            Err(Fail::Io(path, source)) => Err(Error::Io { path, source }),
        }
    }

    /// The pid a pidfd refers to (the `Pid:` line of its fdinfo): `Ok(None)` when the process
    /// is gone or not in our pid namespace; EBADF for an fd that is not a pidfd.
    fn pidfd_pid(&self, fd: i32) -> Result<Option<i32>, Error> {
        let path = self.root.join("self/fdinfo").join(fd.to_string());
        let text = fs::read_to_string(path).map_err(|_| Error::errno_value(libc::EBADF))?;
        let pid: i32 = num(field(&text, "Pid")).ok_or(Error::errno_value(libc::EBADF))?;
        Ok((pid > 0).then_some(pid))
    }

    /// The threads of the thread group `id` belongs to; `None` if it is gone. When the group
    /// cannot be read, `id` alone stands for it (its reads will then set NOACCESS).
    fn threads_of(&self, id: i32) -> Option<Vec<PathBuf>> {
        let alone = || Some(vec![self.dir(id)]);
        let status = match fs::read_to_string(self.dir(id).join("status")) {
            Ok(s) => s,
            Err(e) if is_gone(&e) => return None,
            Err(_) => return alone(),
        };
        let Some(tgid) = num::<i32>(field(&status, "Tgid")) else {
            return alone();
        };
        let dir = self.dir(tgid).join("task");
        match list_ids(&dir) {
            Ok(tids) => Some(tids.iter().map(|t| dir.join(t.to_string())).collect()),
            Err(e) if is_gone(&e) => None,
            Err(_) => alone(),
        }
    }

    fn entries(&self, target: &Target<'_>, threads: bool) -> Result<Vec<Entry>, Error> {
        use std::os::fd::AsRawFd;
        let mut out = Vec::new();
        let ids: Vec<(i32, Option<i32>)> = match target {
            Target::None => return Ok(out),
            Target::All => {
                let pids = list_ids(&self.root).map_err(|source| Error::Io {
                    path: self.root.clone(),
                    source,
                })?;
                for pid in pids {
                    let dir = self.dir(pid);
                    if !threads {
                        out.push(Entry::Task {
                            input_index: None,
                            dir,
                        });
                        continue;
                    }
                    let task = dir.join("task");
                    for tid in list_ids(&task).unwrap_or_default() {
                        out.push(Entry::Task {
                            input_index: None,
                            dir: task.join(tid.to_string()),
                        });
                    }
                }
                return Ok(out);
            }
            Target::Pids(v) => v.iter().map(|&p| (p, Some(p).filter(|&p| p > 0))).collect(),
            Target::Pidfds(v) => v
                .iter()
                .map(|fd| Ok((fd.as_raw_fd(), self.pidfd_pid(fd.as_raw_fd())?)))
                .collect::<Result<_, Error>>()?,
        };
        if ids.len() > NR_PROC_MAX {
            return Err(Error::errno_value(libc::EINVAL));
        }
        for (i, (id, pid)) in ids.into_iter().enumerate() {
            let input_index = Some(i);
            let gone = Entry::Gone { input_index, id };
            let Some(pid) = pid else {
                out.push(gone);
                continue;
            };
            let dir = self.dir(pid);
            if threads {
                match self.threads_of(pid) {
                    Some(dirs) if !dirs.is_empty() => {
                        out.extend(dirs.into_iter().map(|dir| Entry::Task { input_index, dir }))
                    }
                    _ => out.push(gone),
                }
            } else {
                // Only a missing directory means gone: one we may not look into is still there.
                match fs::symlink_metadata(&dir) {
                    Err(e) if is_gone(&e) => out.push(gone),
                    _ => out.push(Entry::Task { input_index, dir }),
                }
            }
        }
        Ok(out)
    }

    /// Answers a request from /proc, as a buffer in the process_getinfo(2) format.
    fn encode(&self, req: &Request<'_>) -> Result<Vec<u8>, Error> {
        let mask = req.mask;
        if mask.bits() & !Mask::all().bits() != 0 {
            return Err(Error::errno_value(libc::EINVAL));
        }
        let mask = mask & PROCFS_SUPPORTED;
        let strict = req.strict;
        let explicit = !matches!(req.target, Target::All | Target::None);
        let mut b = Builder::new(mask, PROCFS_SUPPORTED);
        let hz = crate::sys::clock_ticks_per_second();
        if mask.contains(Mask::MEMINFO) {
            b.meminfo(&self.meminfo()?);
        }
        for e in self.entries(&req.target, req.threads)? {
            let (input_index, dir, id) = match e {
                Entry::Gone { input_index, id } => {
                    if strict {
                        return Err(Error::errno_value(libc::ESRCH));
                    }
                    push_gone(&mut b, input_index, id)?;
                    continue;
                }
                Entry::Task { input_index, dir } => {
                    let id = dir
                        .file_name()
                        .and_then(|n| n.to_str()?.parse().ok())
                        .unwrap_or(0);
                    (input_index, dir, id)
                }
            };
            let o = match read_task(&dir, mask & Mask::RECORD, hz) {
                Ok(o) => o,
                // Gone between listing and reading: under ALL it simply is not there any more.
                Err(Fail::Gone) if !explicit => continue,
                Err(Fail::Gone) if strict => return Err(Error::errno_value(libc::ESRCH)),
                Err(Fail::Gone) => {
                    push_gone(&mut b, input_index, id)?;
                    continue;
                }
                Err(Fail::Io(path, source)) => return Err(Error::Io { path, source }),
            };
            if strict && o.status.contains(Status::NOACCESS) {
                return Err(Error::errno_value(libc::EACCES));
            }
            let mut rec = Record::default();
            rec.input_index = input_index;
            rec.raw_tid = o.ids.map_or(id, |i| i.tid);
            o.merge_into(rec, Mask::RECORD, |rec| b.push(rec))?;
        }
        Ok(b.finish())
    }
}

impl Provider for Procfs {
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error> {
        let snap = Snapshot::from_bytes(self.encode(req)?, Source::Procfs)?;
        let facts = snap.info().mask() & Mask::RECORD;
        Ok(snap.with_procfs_facts(facts))
    }
}

fn push_gone(b: &mut Builder, input_index: Option<usize>, id: i32) -> Result<(), Error> {
    let mut r = Record::default();
    r.status = Status::GONE;
    r.input_index = input_index;
    r.raw_tid = id;
    Ok(b.push(&r)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_lines() {
        let (v, name) = parse_maps_line(
            b"7f00a000-7f00b000 rw-s 00001000 00:05 4242                       /dev/zero (deleted)",
        )
        .unwrap();
        assert_eq!(
            (v.start, v.end, v.file_offset),
            (0x7f00a000, 0x7f00b000, 0x1000)
        );
        assert_eq!(v.prot, Prot::READ | Prot::WRITE);
        assert_eq!(v.flags, VmaFlags::SHARED);
        assert_eq!((v.dev_major, v.dev_minor, v.inode), (0, 5, 4242));
        assert_eq!(name.as_deref(), Some(&b"/dev/zero (deleted)"[..]));
        let (v, name) = parse_maps_line(b"7ffd1000-7ffd2000 r-xp 00000000 00:00 0 ").unwrap();
        assert_eq!(name, None);
        assert_eq!(v.prot, Prot::READ | Prot::EXEC);
        let (v, name) = parse_maps_line(
            b"7ffd1000-7ffd2000 r-xp 00000000 00:00 0                          [vdso]",
        )
        .unwrap();
        assert_eq!(name.as_deref(), Some(&b"[vdso]"[..]));
        assert!(v.flags.contains(VmaFlags::SPECIAL));
        let (_, name) = parse_maps_line(b"1000-2000 r--p 00000000 08:01 7 /tmp/a\\012b").unwrap();
        assert_eq!(name.as_deref(), Some(&b"/tmp/a\nb"[..]));
        assert!(parse_maps_line(b"garbage").is_none());
    }

    #[test]
    fn maps_line_roundtrip() {
        let line =
            "55d0c5a6b000-55d0c5a6d000 r--p 00000000 08:01 1234                       /usr/bin/cat";
        let (v, name) = parse_maps_line(line.as_bytes()).unwrap();
        let v = Vma {
            name: name.as_deref(),
            ..v
        };
        assert_eq!(v.maps_line(), line);
    }

    #[test]
    fn stat_and_status() {
        let stat = "42 (a) b) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5 1000 10 \
                    18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        let f = stat_fields(stat).unwrap();
        assert_eq!(f[0], "S");
        assert_eq!(f[18 - 3], "20");
        assert_eq!(f[19 - 3], "0");
        assert_eq!(f[41 - 3], "0");
        let status = "Name:\tx\nUid:\t1\t2\t3\t4\nVmSize:\t  100 kB\n";
        assert_eq!(
            idset(field(status, "Uid")),
            Some(IdSet {
                real: 1,
                effective: 2,
                saved: 3,
                fs: 4
            })
        );
        assert_eq!(num::<u64>(field(status, "VmSize")), Some(100));
        assert_eq!(field(status, "Vm"), None);
    }

    #[test]
    fn stat_times_and_session_past_a_comm_with_parentheses() {
        // comm "a) (b" and a tty_nr with the high minor bits (pts/300): fields counted from
        // the last ')', as procps does.
        let tty = (136 << 8) | (300 & 0xff) | ((300 & !0xff) << 12);
        let stat = format!(
            "42 (a) (b) R 1 40 41 {tty} 40 4194560 11 0 12 0 250 7 0 0 20 0 3 0 1234 1000 10 \
             18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        );
        let f = stat_fields(&stat).unwrap();
        let (cpu, session) = stat_facts(&f, 100).unwrap();
        assert_eq!(cpu.utime, std::time::Duration::from_millis(2500));
        assert_eq!(cpu.stime, std::time::Duration::from_millis(70));
        assert_eq!(
            cpu.start_time,
            std::time::Duration::from_secs(12) + std::time::Duration::from_millis(340)
        );
        assert_eq!((cpu.min_flt, cpu.maj_flt, cpu.nr_threads), (11, 12, 3));
        assert_eq!((session.pgid, session.sid, session.tpgid), (40, 41, 40));
        assert_eq!(session.tty_nr.rule_name().as_deref(), Some("pts/300"));
        assert!(stat_facts(&f[..10], 100).is_none());
    }

    #[test]
    fn smaps_rollup_counters() {
        let text =
            "55d0c5a6b000-7ffd1000 ---p 00000000 00:00 0                          [rollup]\n\
                    Rss:                 100 kB\nPss:                  40 kB\nPss_Dirty:  8 kB\n\
                    Shared_Clean:         60 kB\nPrivate_Clean: 10 kB\nPrivate_Dirty: 30 kB\n\
                    Swap:   5 kB\nSwapPss:  2 kB\nLocked:  0 kB\n";
        let r = parse_rollup(text);
        assert_eq!((r.rss_kb, r.pss_kb, r.pss_dirty_kb), (100, 40, 8));
        assert_eq!((r.swap_kb, r.swap_pss_kb, r.uss_kb()), (5, 2, 40));
        assert_eq!(r.pss_anon_kb, 0, "a line this kernel does not print is 0");
    }

    #[test]
    fn self_from_procfs() {
        let me = std::process::id() as i32;
        let mut req = Request::new(Target::Pids(vec![me, -5]));
        req.mask = Mask::all() - Mask::MEMORY_MAP;
        let snap = Procfs::default().answer(&req).unwrap();
        let info = snap.info();
        assert!(!info.mask().contains(Mask::VM_SEQ));
        let recs: Vec<_> = info.records().collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].ids.unwrap().tgid, me);
        let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
        assert_eq!(recs[0].cmdline.unwrap().as_bytes(), &cmdline[..]);
        assert!(recs[0].rollup.unwrap().pss_kb > 0);
        assert!(recs[0].cpu.unwrap().start_time > std::time::Duration::ZERO);
        assert!(recs[0].session.is_some());
        assert!(recs[0]
            .state
            .is_some_and(|s| matches!(s, State::Running | State::Sleeping)));
        assert!(recs[0].vm.is_some());
        assert!(recs[1].is_gone());
        assert_eq!(recs[1].raw_tid, -5);
        assert_eq!(recs[1].input_index, Some(1));
        assert!(info.meminfo().unwrap().mem_total_kb > 0);
    }

    /// A kernel thread has no command line and no rollup (smaps_rollup says ESRCH): the facts
    /// do not apply, the record is there and nothing is denied.
    #[test]
    fn kernel_threads_lack_the_memory_facts() {
        let mut req = Request::new(Target::Pids(vec![2]));
        req.mask = Mask::IDS | Mask::CMDLINE | Mask::MEMORY_ROLLUP | Mask::CPU_TIMES;
        let snap = Procfs::default().answer(&req).unwrap();
        let r = snap.info().records().next().unwrap();
        let kthreadd = std::fs::read_to_string("/proc/2/status").unwrap_or_default();
        if r.is_gone() || !kthreadd.contains("Kthread:\t1") {
            return; // no kthreadd visible here (a pid namespace)
        }
        assert_eq!((r.cmdline, r.rollup), (None, None));
        assert!(r.cpu.is_some());
        assert_eq!(r.denied(), Mask::empty());
        assert_eq!(r.not_applicable(), Mask::CMDLINE | Mask::MEMORY_ROLLUP);
    }
}
