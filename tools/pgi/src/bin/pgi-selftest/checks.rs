// SPDX-License-Identifier: MIT OR Apache-2.0

//! The checks: each is a name and a closure returning `Err(why)` on failure.

use std::collections::BTreeSet;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::OnceLock;

use process_getinfo::backend::{Provider, Syscall};
use process_getinfo::{
    sys, Backend, Error, Flags, Info, Mask, Query, Record, Request, Snapshot, Target, Unavailable,
    VmaFlags,
};

use crate::procs::Procs;

/// A named check.
pub type Test<'a> = (String, Box<dyn Fn() -> Result<(), String> + 'a>);

/// The facts both backends know, compared one by one.
const FACTS: [(&str, Mask); 12] = [
    ("ids", Mask::IDS),
    ("state", Mask::STATUS),
    ("comm", Mask::COMM),
    ("creds", Mask::CREDS),
    ("prio/nice/policy", Mask::PRIO),
    ("oom_score_adj", Mask::OOM_SCORE_ADJ),
    ("VM counters", Mask::VM_COUNTERS),
    ("memory map lines", Mask::MEMORY_MAP),
    ("CPU times (in ticks), faults, threads", Mask::CPU_TIMES),
    ("pgid/sid/tty_nr/tpgid", Mask::SESSION),
    ("command line bytes", Mask::CMDLINE),
    ("smaps_rollup counters", Mask::MEMORY_ROLLUP),
];

/// The facts of [`FACTS`] the running kernel does not know (not in its `supported_mask`):
/// skipped, and said so.
pub fn unsupported() -> Mask {
    let all = FACTS.iter().fold(Mask::empty(), |m, f| m | f.1);
    sys::supported_mask().map_or(Mask::empty(), |s| all - s)
}

/// How many times the whole comparison is retried for facts that moved between reads.
const ROUNDS: usize = 5;

/// A fact of a record in a comparable form (`None` when the record lacks it).
fn view(fact: Mask, r: &Record<'_>) -> String {
    match fact {
        Mask::IDS => format!("{:?}", r.ids),
        Mask::STATUS => format!("{:?}", r.state.map(|s| s.as_char())),
        Mask::COMM => format!("{:?}", r.comm_lossy()),
        Mask::CREDS => format!("{:?}", r.creds),
        Mask::PRIO => format!("{:?}", r.prio),
        Mask::OOM_SCORE_ADJ => format!("{:?}", r.oom_score_adj),
        Mask::VM_COUNTERS => format!("{:?}", r.vm),
        // /proc has clock ticks: the call's nanoseconds, truncated as stat truncates them.
        Mask::CPU_TIMES => match r.cpu {
            None => "None".into(),
            Some(c) => {
                let tick = 1_000_000_000 / u128::from(sys::clock_ticks_per_second());
                let t = |d: std::time::Duration| d.as_nanos() / tick;
                format!(
                    "{} {} {} {} {} {}",
                    t(c.utime),
                    t(c.stime),
                    c.min_flt,
                    c.maj_flt,
                    t(c.start_time),
                    c.nr_threads
                )
            }
        },
        Mask::SESSION => format!("{:?}", r.session),
        Mask::CMDLINE => format!("{:?}", r.cmdline.map(|c| c.as_bytes())),
        Mask::MEMORY_ROLLUP => format!("{:?}", r.rollup),
        // maps shows neither mlock nor hugetlb: compare the line and the flags it implies.
        Mask::MEMORY_MAP => match r.memory_map {
            None => "None".into(),
            Some(m) => m
                .iter()
                .map(|v| {
                    let f = v.flags & (VmaFlags::SHARED | VmaFlags::SPECIAL);
                    format!("{} {f:?}", v.maps_line())
                })
                .collect::<Vec<_>>()
                .join("\n"),
        },
        _ => String::new(),
    }
}

/// Whether the call's view `s` of `fact` agrees with procfs's views before (`p1`) and after
/// (`p2`): equal to one of them, or, for the counters of CPU_TIMES that only grow, between them
/// (with the rest equal).
fn agree(fact: Mask, s: &str, p1: &str, p2: &str) -> bool {
    if s == p1 || s == p2 {
        return true;
    }
    if fact != Mask::CPU_TIMES {
        return false;
    }
    let nums = |v: &str| -> Option<Vec<u128>> { v.split(' ').map(|x| x.parse().ok()).collect() };
    match (nums(s), nums(p1), nums(p2)) {
        (Some(s), Some(a), Some(b)) if s.len() == 6 && a.len() == 6 && b.len() == 6 => {
            // utime, stime, min_flt, maj_flt grow; start time and threads as they are.
            (0..4).all(|i| a[i] <= s[i] && s[i] <= b[i])
                && s[4] == a[4]
                && (s[5] == a[5] || s[5] == b[5])
        }
        _ => false,
    }
}

fn run(q: &Query<'_>, b: Backend) -> Result<Snapshot, String> {
    q.clone()
        .backend(b)
        .run()
        .map_err(|e| format!("{b:?}: {e}"))
}

fn records(s: &Snapshot) -> Result<Vec<Record<'_>>, String> {
    Ok(s.info().records().collect())
}

/// The first difference between two views, for the TAP diagnostics.
fn diff(sys: &str, proc: &str) -> String {
    let (a, b): (Vec<_>, Vec<_>) = (sys.lines().collect(), proc.lines().collect());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            return format!(
                "line {} of {}/{}:\n syscall: {}\n procfs:  {}",
                i + 1,
                a.len(),
                b.len(),
                x.unwrap_or(&"(none)"),
                y.unwrap_or(&"(none)")
            );
        }
    }
    String::new()
}

/// Per target, per fact: `None` when equal, else the difference.
type Matrix = Vec<Vec<Option<String>>>;

/// Facts named in `PGI_SELFTEST_SKIP` (a comma list of fact names, e.g. `oom_score_adj`) are
/// neither asked for nor compared: their checks are reported as skipped.
fn skipped() -> Mask {
    std::env::var("PGI_SELFTEST_SKIP")
        .ok()
        .and_then(|s| s.parse::<Mask>().ok())
        .unwrap_or_default()
}

/// Compares every fact of every target. A fact passes if the syscall's view equals the procfs
/// view taken just before or just after it, in any of [`ROUNDS`] rounds.
fn compare(pids: &[i32]) -> Result<Matrix, String> {
    let mask = FACTS.iter().fold(Mask::empty(), |m, f| m | f.1) - skipped() - unsupported();
    let q = Query::pids(pids.iter().copied()).mask(mask);
    let mut m: Matrix = vec![vec![Some("not compared".into()); FACTS.len()]; pids.len()];
    // Warm up, so that our own heap has grown to what the comparison needs.
    run(&q, Backend::Procfs)?;
    run(&q, Backend::Syscall)?;
    for _ in 0..ROUNDS {
        let p1 = run(&q, Backend::Procfs)?;
        let s = run(&q, Backend::Syscall)?;
        let p2 = run(&q, Backend::Procfs)?;
        let (p1, s, p2) = (records(&p1)?, records(&s)?, records(&p2)?);
        if s.len() != pids.len() || p1.len() != pids.len() || p2.len() != pids.len() {
            return Err(format!(
                "record counts: syscall {}, procfs {}/{}, wanted {}",
                s.len(),
                p1.len(),
                p2.len(),
                pids.len()
            ));
        }
        for (t, row) in m.iter_mut().enumerate() {
            for (cell, &(_, fact)) in row.iter_mut().zip(FACTS.iter()) {
                if cell.is_none() || !mask.contains(fact) {
                    *cell = None;
                    continue;
                }
                let sv = view(fact, &s[t]);
                let (v1, v2) = (view(fact, &p1[t]), view(fact, &p2[t]));
                *cell = (!agree(fact, &sv, &v1, &v2)).then(|| diff(&sv, &v2));
            }
        }
        if m.iter().flatten().all(Option::is_none) {
            break;
        }
    }
    Ok(m)
}

fn errno_of(r: Result<Snapshot, Error>) -> Option<i32> {
    r.err().and_then(|e| e.errno())
}

fn ensure(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(why())
    }
}

fn proc_pids() -> BTreeSet<i32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Both backends agree that pid 1's memory map is denied to nobody.
fn noaccess() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // The helper drops to nobody itself: glibc's setuid() after fork() in a threaded static
    // program fails with ENOSYS on the test kernel, and Command::uid() relies on it.
    let out = std::process::Command::new(exe)
        .arg("--as-nobody")
        .output()
        .map_err(|e| format!("spawn: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let want = format!(
        "status=NOACCESS mask={:?} strict_errno={}",
        Mask::IDS,
        libc::EACCES
    );
    ensure(
        lines.len() == 2
            && lines[0] == format!("Syscall {want}")
            && lines[1] == format!("Procfs {want}"),
        || format!("helper said:\n{text}\nwanted:\nSyscall {want}\nProcfs {want}"),
    )
}

/// The helper's side: become nobody, ask about pid 1's ids and memory map.
pub fn nobody_helper() -> ExitCode {
    // Raw system calls: this process has one thread, which is all they change.
    // SAFETY: Plain system calls with integer arguments (and NULL for an empty group list).
    let dropped = unsafe {
        libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) == 0
            && libc::syscall(libc::SYS_setgid, 65534) == 0
            && libc::syscall(libc::SYS_setuid, 65534) == 0
    };
    if !dropped {
        println!("cannot become nobody: {}", std::io::Error::last_os_error());
        return ExitCode::FAILURE;
    }
    for b in [Backend::Syscall, Backend::Procfs] {
        let q = Query::pids([1])
            .mask(Mask::IDS | Mask::MEMORY_MAP)
            .backend(b);
        let line = match q.run() {
            Ok(s) => match s.info().records().next() {
                Some(r) => {
                    let status = if r.is_noaccess() { "NOACCESS" } else { "ok" };
                    let strict = errno_of(q.clone().strict(true).run()).unwrap_or(0);
                    format!("status={status} mask={:?} strict_errno={strict}", r.mask)
                }
                None => "no record".into(),
            },
            Err(e) => format!("error: {e}"),
        };
        println!("{b:?} {line}");
    }
    ExitCode::SUCCESS
}

/// Every check, in order.
pub fn all(p: &Procs) -> Vec<Test<'_>> {
    let me = std::process::id() as i32;
    let pids: Vec<i32> = p.targets.iter().map(|t| t.pid).collect();
    let matrix: Rc<OnceLock<Result<Matrix, String>>> = Rc::new(OnceLock::new());
    let mut tests: Vec<Test<'_>> = Vec::new();

    let skip = skipped();
    let missing = unsupported();
    for (ti, t) in p.targets.iter().enumerate() {
        for (fi, (fname, fact)) in FACTS.iter().enumerate() {
            let (matrix, pids) = (matrix.clone(), pids.clone());
            let note = if skip.contains(*fact) {
                " # SKIP excluded by PGI_SELFTEST_SKIP".to_string()
            } else if missing.contains(*fact) {
                format!(
                    " # SKIP NOT IN THIS KERNEL'S supported_mask ({}): the module does not \
                     implement it yet",
                    fact.names().collect::<Vec<_>>().join(",")
                )
            } else {
                String::new()
            };
            tests.push((
                format!("{} (pid {}): {fname} agree{note}", t.what, t.pid),
                Box::new(move || {
                    let m = matrix.get_or_init(|| compare(&pids)).as_ref()?;
                    match m.get(ti).and_then(|r| r.get(fi)) {
                        Some(None) => Ok(()),
                        Some(Some(why)) => Err(why.clone()),
                        None => Err("no result".into()),
                    }
                }),
            ));
        }
    }

    tests.push((
        format!(
            "auto: facts the kernel lacks are read from /proc, the rest by the call{}",
            if missing.is_empty() {
                " # SKIP this kernel knows every fact"
            } else {
                ""
            }
        ),
        Box::new(move || {
            if missing.is_empty() {
                return Ok(());
            }
            let q = Query::pids([me]).mask(Mask::IDS | Mask::COMM | missing);
            let s = run(&q, Backend::Auto)?;
            let r = records(&s)?;
            let r = r.first().ok_or("no record")?;
            ensure(
                s.source() == process_getinfo::Source::Syscall
                    && s.procfs_facts() == missing
                    && r.mask == q.wanted()
                    && r.ids.is_some_and(|i| i.tgid == me),
                || {
                    format!(
                        "source {:?}, from procfs {:?}, record mask {:?}",
                        s.source(),
                        s.procfs_facts(),
                        r.mask
                    )
                },
            )
        }),
    ));

    tests.push((
        "threads of self: same tids, tgids and comms in both".into(),
        Box::new(move || {
            let q = Query::pids([me]).threads(true).mask(Mask::IDS | Mask::COMM);
            let (s, pf) = (run(&q, Backend::Syscall)?, run(&q, Backend::Procfs)?);
            let key = |r: &Record<'_>| (r.ids, r.comm_lossy().map(|c| c.into_owned()));
            let mut a: Vec<_> = records(&s)?.iter().map(key).collect();
            let mut b: Vec<_> = records(&pf)?.iter().map(key).collect();
            a.sort();
            b.sort();
            ensure(a == b && a.len() >= 2, || {
                format!("syscall {a:?}\nprocfs  {b:?}")
            })?;
            ensure(
                a.iter().any(|k| k.1.as_deref() == Some("pgi-worker")),
                || "no pgi-worker thread".into(),
            )
        }),
    ));

    tests.push((
        "ALL: every visible process exactly once, leaders only".into(),
        Box::new(|| {
            let before = proc_pids();
            let s = run(&Query::all().mask(Mask::IDS), Backend::Syscall)?;
            let after = proc_pids();
            let recs = records(&s)?;
            let got: BTreeSet<i32> = recs.iter().filter_map(|r| r.ids).map(|i| i.tgid).collect();
            ensure(got.len() == recs.len(), || {
                "duplicate or id-less records".into()
            })?;
            ensure(
                recs.iter()
                    .all(|r| r.input_index.is_none() && r.ids.is_some_and(|i| i.tid == i.tgid)),
                || "a record that is not a leader, or has an input_index".into(),
            )?;
            let must: BTreeSet<i32> = before.intersection(&after).copied().collect();
            let may: BTreeSet<i32> = before.union(&after).copied().collect();
            ensure(got.is_superset(&must) && got.is_subset(&may), || {
                format!(
                    "missing {:?}, extra {:?}",
                    must.difference(&got).collect::<Vec<_>>(),
                    got.difference(&may).collect::<Vec<_>>()
                )
            })
        }),
    ));

    tests.push((
        "ALL|THREADS: every thread once, each process's threads adjacent".into(),
        Box::new(move || {
            let s = run(
                &Query::all().threads(true).mask(Mask::IDS),
                Backend::Syscall,
            )?;
            let ids: Vec<_> = records(&s)?.iter().filter_map(|r| r.ids).collect();
            let tids: BTreeSet<i32> = ids.iter().map(|i| i.tid).collect();
            ensure(tids.len() == ids.len(), || "a tid twice".into())?;
            let mut seen = BTreeSet::new();
            for w in ids.windows(2) {
                if w[0].tgid != w[1].tgid && !seen.insert(w[0].tgid) {
                    return Err(format!("threads of {} not adjacent", w[0].tgid));
                }
            }
            let mine: BTreeSet<i32> = ids.iter().filter(|i| i.tgid == me).map(|i| i.tid).collect();
            let task: BTreeSet<i32> = std::fs::read_dir("/proc/self/task")
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect();
            ensure(mine == task, || {
                format!("own threads {mine:?}, /proc {task:?}")
            })
        }),
    ));

    tests.push((
        "MEMINFO: MemTotal and SwapTotal agree, free <= total".into(),
        Box::new(|| {
            let q = Query::header_only().mask(Mask::MEMINFO);
            let (s, pf) = (run(&q, Backend::Syscall)?, run(&q, Backend::Procfs)?);
            let mi = |s: &Snapshot| s.info().meminfo();
            let (a, b) = (mi(&s).ok_or("no meminfo")?, mi(&pf).ok_or("no meminfo")?);
            ensure(
                a.mem_total_kb == b.mem_total_kb
                    && a.swap_total_kb == b.swap_total_kb
                    && a.mem_free_kb <= a.mem_total_kb
                    && a.mem_available_kb <= a.mem_total_kb
                    && s.info().is_empty(),
                || format!("syscall {a:?}\nprocfs  {b:?}"),
            )
        }),
    ));

    let gone = p.gone;
    tests.push((
        format!("reaped pid {gone}: GONE with the requested id, in both"),
        Box::new(move || {
            let q = Query::pids([gone, me]).mask(Mask::IDS);
            for b in [Backend::Syscall, Backend::Procfs] {
                let s = run(&q, b)?;
                let r = records(&s)?;
                ensure(
                    r.len() == 2
                        && r[0].is_gone()
                        && r[0].raw_tid == gone
                        && r[0].input_index == Some(0)
                        && r[0].ids.is_none()
                        && !r[1].is_gone()
                        && r[1].input_index == Some(1),
                    || format!("{b:?}: {r:?}"),
                )?;
            }
            Ok(())
        }),
    ));

    tests.push((
        format!("STRICT: reaped pid {gone} is ESRCH in both"),
        Box::new(move || {
            let q = Query::pids([me, gone]).mask(Mask::IDS).strict(true);
            let e =
                [Backend::Syscall, Backend::Procfs].map(|b| errno_of(q.clone().backend(b).run()));
            ensure(e == [Some(libc::ESRCH); 2], || format!("errnos {e:?}"))
        }),
    ));

    let sleeper = p.sleeper;
    tests.push((
        format!("pidfd of pid {sleeper}: the same record as its pid, in both"),
        Box::new(move || {
            // SAFETY: pidfd_open() takes a pid and flags and returns a new fd or -1.
            let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, sleeper, 0) };
            let fd = i32::try_from(fd).map_err(|_| "pidfd_open failed".to_string())?;
            // SAFETY: `fd` is a new descriptor that nothing else owns.
            let fd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
            let mask = Mask::IDS | Mask::COMM | Mask::STATUS | Mask::PRIO;
            let by_fd = Query::pidfds([fd.as_fd()]).mask(mask);
            let by_pid = Query::pids([sleeper]).mask(mask);
            let mut views = Vec::new();
            for q in [&by_fd, &by_pid] {
                for b in [Backend::Syscall, Backend::Procfs] {
                    let s = run(q, b)?;
                    let r = records(&s)?;
                    let r = r.first().ok_or("no record")?;
                    views.push(format!(
                        "{:?} {:?} {:?} {:?}",
                        r.ids,
                        r.comm_lossy(),
                        r.state,
                        r.prio
                    ));
                }
            }
            ensure(views.windows(2).all(|w| w[0] == w[1]), || views.join("\n"))
        }),
    ));

    tests.push((
        "pidfd that is not a pidfd: EBADF in both".into(),
        Box::new(|| {
            let f = std::fs::File::open("/dev/null").map_err(|e| e.to_string())?;
            let q = Query::pidfds([f.as_fd()]).mask(Mask::IDS);
            let e =
                [Backend::Syscall, Backend::Procfs].map(|b| errno_of(q.clone().backend(b).run()));
            ensure(e == [Some(libc::EBADF); 2], || format!("errnos {e:?}"))
        }),
    ));

    tests.push((
        "unknown mask bit: EINVAL".into(),
        Box::new(|| {
            let mut buf = vec![0u8; 4096];
            let bad = Mask::from_bits_retain(1 << 40);
            let e = sys::process_getinfo(&[], Flags::empty(), bad, &mut buf).map_err(|e| e.errno());
            ensure(e == Err(Some(libc::EINVAL)), || format!("{e:?}"))
        }),
    ));

    tests.push((
        "E2BIG: Query grows from a header-sized buffer".into(),
        Box::new(|| {
            let q = Query::all()
                .mask(Mask::IDS | Mask::COMM | Mask::MEMORY_MAP)
                .initial_size(88);
            let s = run(&q, Backend::Syscall)?;
            let info = s.info();
            ensure(
                s.calls() >= 2 && !info.is_truncated() && !info.is_empty(),
                || format!("calls {}, records {}", s.calls(), info.len()),
            )
        }),
    ));

    tests.push((
        "E2BIG: the buffer holds a TRUNCATED prefix of complete records".into(),
        Box::new(|| {
            let mut buf = vec![0u8; 2048];
            let mask = Mask::IDS | Mask::COMM;
            match sys::process_getinfo(&[], Flags::ALL, mask, &mut buf) {
                Err(Error::TooBig { needed, calls: 1 }) if needed > buf.len() => {}
                other => return Err(format!("expected E2BIG, got {other:?}")),
            }
            let info = Info::parse(&buf).map_err(|e| e.to_string())?;
            ensure(
                info.is_truncated()
                    && !info.is_empty()
                    && info.records().all(|r| r.mask == mask && r.comm.is_some()),
                || format!("truncated {}, records {}", info.is_truncated(), info.len()),
            )
        }),
    ));

    tests.push((
        "probe: the module is in /sys/module, and a sysfs root without it stops the call".into(),
        Box::new(|| {
            let req = Request::new(Target::None);
            let real = Syscall::default().answer(&req).map_err(|e| e.to_string())?;
            ensure(real.calls() == 1, || format!("calls {}", real.calls()))?;
            let empty = std::env::temp_dir().join("pgi-selftest-empty-sysfs");
            std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
            match Syscall::default().sysfs_root(&empty).answer(&req) {
                Err(Error::Unavailable(Unavailable::NotCarried { .. })) => Ok(()),
                other => Err(format!("with an empty sysfs root: {other:?}")),
            }
        }),
    ));

    // Nobody can reach /proc only if every directory above it is searchable by others.
    let searchable = |p: &str| {
        std::fs::metadata(p)
            .is_ok_and(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o001 != 0)
    };
    let blocked = !(searchable("/") && searchable("/proc"));
    tests.push((
        format!(
            "NOACCESS: pid 1's memory map is denied to nobody, EACCES with STRICT, in both{}",
            if blocked {
                " # SKIP / or /proc is not searchable by others, so nobody cannot read /proc"
            } else {
                ""
            }
        ),
        Box::new(move || if blocked { Ok(()) } else { noaccess() }),
    ));
    tests
}
