// SPDX-License-Identifier: MIT OR Apache-2.0

//! Who answers a [`Request`]: the system call ([`Syscall`]), /proc ([`Procfs`]), or the call
//! with a fallback to /proc ([`Auto`]). Each implements [`Provider`]; the builder
//! ([`crate::Query`]) sits above them and picks one from a [`Backend`].

mod procfs;
mod syscall;

use std::fmt;
use std::str::FromStr;

pub use procfs::{meminfo, Procfs, PROCFS_SUPPORTED};
pub use syscall::{grow, Syscall, DEFAULT_INITIAL_SIZE, MAX_TRIES};

use crate::error::Error;
use crate::flags::Mask;
use crate::request::Request;
use crate::snapshot::{Snapshot, Source};

/// Something that answers requests with snapshots in the process_getinfo(2) format.
pub trait Provider {
    /// Answers `req`.
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error>;
}

/// The system call, and /proc where the call is not available or does not know a fact.
///
/// - Where the call is not available ([`Error::Unavailable`]), the whole answer comes from
///   /proc ([`Snapshot::fell_back`]).
/// - Where the kernel's call does not know some facts asked for ([`Error::Unsupported`]: an
///   older module, say one without `CPU_TIMES`), the call answers the facts it knows, with
///   `IDS` added to find each process, in one snapshot; then, for each record, the facts it
///   does not know are read from that process's /proc files and added
///   ([`Snapshot::procfs_facts`] names them). So a monitor keeps the call's single pass for
///   most facts and pays procfs only for the others; those are read a moment after the
///   snapshot (a process that exits in between lacks them, as one without memory does), and
///   with procfs's precision. A fact neither knows (`VM_SEQ` where the kernel lacks it) is
///   left out of the answer's mask. This costs two calls more than an answer the kernel knows
///   whole (the failed one, and the mask-0 call that finds `supported_mask`).
#[derive(Debug, Clone, Default)]
pub struct Auto {
    /// The first choice.
    pub syscall: Syscall,
    /// The fallback.
    pub procfs: Procfs,
}

impl Provider for Auto {
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error> {
        match self.syscall.answer(req) {
            Err(Error::Unavailable(_)) => Ok(self.procfs.answer(req)?.with_fallback()),
            Err(Error::Unsupported { missing, supported }) => self.split(req, missing, supported),
            other => other,
        }
    }
}

impl Auto {
    /// The call for the facts it knows, /proc for the `missing` ones.
    fn split(&self, req: &Request<'_>, missing: Mask, supported: Mask) -> Result<Snapshot, Error> {
        let from_proc = missing & PROCFS_SUPPORTED & Mask::RECORD;
        let known = req.mask & supported;
        let mut sub = req.clone();
        sub.mask = known
            | if from_proc.is_empty() {
                Mask::empty()
            } else {
                Mask::IDS
            };
        let snap = self.syscall.answer(&sub)?;
        let buf = add_from_procfs(&snap, req, from_proc, &self.procfs)?;
        Ok(Snapshot::from_bytes(buf, Source::Syscall)?
            .with_calls(snap.calls() + 2)
            .with_procfs_facts(from_proc))
    }
}

/// `snap` (an answer for `req`'s facts that `from_proc` lacks, plus `IDS`) with the facts of
/// `from_proc` read from /proc for each record, as a new buffer answering `req`.
fn add_from_procfs(
    snap: &Snapshot,
    req: &Request<'_>,
    from_proc: Mask,
    procfs: &Procfs,
) -> Result<Vec<u8>, Error> {
    let info = snap.info();
    let mut b = crate::encode::Builder::new(
        (info.mask() - (Mask::IDS - req.mask)) | from_proc,
        info.supported_mask() | from_proc,
    );
    if let Some(m) = info.meminfo() {
        b.meminfo(&m);
    }
    b.flags(info.header().flags);
    let hz = crate::sys::clock_ticks_per_second();
    for r in info.records() {
        let mut rec = r;
        if !req.mask.contains(Mask::IDS) {
            rec.ids = None;
        }
        let owned = match r.ids {
            Some(ids) if !r.is_gone() && !from_proc.is_empty() => {
                procfs.task(ids, req.threads, from_proc, hz)?
            }
            _ => None,
        };
        match owned {
            Some(o) => {
                if req.strict && o.denies() {
                    return Err(Error::errno_value(libc::EACCES));
                }
                o.merge_into(rec, from_proc, |rec| b.push(rec))?
            }
            None => b.push(&rec)?,
        }
    }
    Ok(b.finish())
}

/// Which backend a [`crate::Query`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// process_getinfo(2) only ([`Syscall`]); where it is not available the query fails with
    /// [`Error::Unavailable`].
    Syscall,
    /// /proc only ([`Procfs`]): the same records, read file by file (not one snapshot),
    /// without `VM_SEQ` and without the VMA flags maps does not show.
    Procfs,
    /// process_getinfo(2), falling back to /proc where it is not available, and reading from
    /// /proc only the facts a kernel's call does not know ([`Auto`]).
    #[default]
    Auto,
}

impl Backend {
    /// Every backend, in the order of the names.
    pub const ALL: [Backend; 3] = [Backend::Syscall, Backend::Procfs, Backend::Auto];

    /// The name [`Backend::from_str`] takes: `syscall`, `procfs`, `auto`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Syscall => "syscall",
            Backend::Procfs => "procfs",
            Backend::Auto => "auto",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of [`Backend::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBackendError {
    given: String,
}

impl fmt::Display for ParseBackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown backend {:?} (syscall, procfs, auto)",
            self.given
        )
    }
}

impl std::error::Error for ParseBackendError {}

impl FromStr for Backend {
    type Err = ParseBackendError;

    fn from_str(s: &str) -> Result<Backend, ParseBackendError> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| ParseBackendError {
                given: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Target;

    #[test]
    fn backend_names() {
        for b in Backend::ALL {
            assert_eq!(b.to_string().parse::<Backend>(), Ok(b));
        }
        let e = "x".parse::<Backend>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown backend \"x\" (syscall, procfs, auto)"
        );
    }

    /// The per-fact fallback: an answer without the newer facts (here from procfs, standing in
    /// for an older kernel's call) gets them from /proc, record by record.
    #[test]
    fn facts_the_call_lacks_are_added_from_procfs() {
        let me = std::process::id() as i32;
        let procfs = Procfs::default();
        let mut old = Request::new(Target::Pids(vec![me, -3]));
        old.mask = Mask::IDS | Mask::COMM;
        let snap = procfs.answer(&old).unwrap();
        let mut req = Request::new(Target::Pids(vec![me, -3]));
        req.mask = Mask::COMM | Mask::CPU_TIMES | Mask::CMDLINE | Mask::SESSION;
        let added = Mask::CPU_TIMES | Mask::CMDLINE | Mask::SESSION;
        let buf = add_from_procfs(&snap, &req, added, &procfs).unwrap();
        let info = crate::Info::parse(&buf).unwrap();
        assert_eq!(info.mask(), req.mask);
        let recs: Vec<_> = info.records().collect();
        assert_eq!(recs.len(), 2);
        let r = &recs[0];
        assert_eq!(r.ids, None, "IDS was not asked for");
        assert_eq!(r.raw_tid, me);
        assert_eq!(r.mask, req.mask);
        let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
        assert_eq!(r.cmdline.unwrap().as_bytes(), &cmdline[..]);
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        let start: u64 = stat[stat.rfind(')').unwrap() + 2..]
            .split(' ')
            .nth(19)
            .unwrap()
            .parse()
            .unwrap();
        let hz = crate::sys::clock_ticks_per_second();
        assert_eq!(
            r.cpu.unwrap().start_time.as_nanos(),
            u128::from(start * (1_000_000_000 / hz))
        );
        // SAFETY: getsid(0) has no preconditions.
        assert_eq!(r.session.unwrap().sid, unsafe { libc::getsid(0) });
        assert!(recs[1].is_gone() && recs[1].mask.is_empty());
    }

    /// With no module directory under the sysfs root, the syscall backend does not call, and
    /// the automatic one falls back.
    #[test]
    fn unprobed_kernel_is_not_called() {
        let root = std::env::temp_dir().join(format!("pgi-nosys-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let syscall = Syscall::default().sysfs_root(&root);
        let req = Request::new(Target::None);
        match syscall.answer(&req) {
            Err(Error::Unavailable(crate::Unavailable::NotCarried { probed })) => {
                assert_eq!(probed, root.join("module/process_getinfo"))
            }
            other => panic!("{other:?}"),
        }
        let auto = Auto {
            syscall,
            procfs: Procfs::default(),
        };
        let snap = auto.answer(&req).unwrap();
        assert!(snap.fell_back());
        assert_eq!(snap.calls(), 0);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
