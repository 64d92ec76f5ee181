// SPDX-License-Identifier: GPL-2.0

//! The safe builder: which processes, which facts, threads or not, strict or not, and which
//! backend answers.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::PathBuf;
use std::str::FromStr;

use crate::encode::EncodeError;
use crate::flags::{Flags, Mask};
use crate::parse::{Info, ParseError};
use crate::procfs;
use crate::sys::{self, SysError};

/// Calls made before giving up on E2BIG.
pub const MAX_TRIES: u32 = 8;

/// The first buffer size tried by default.
pub const DEFAULT_INITIAL_SIZE: usize = 64 * 1024;

/// The buffer size to retry with after E2BIG reported `needed` bytes: `needed` plus an eighth
/// plus 4 KiB of headroom, since processes come and go between calls.
pub fn grow(needed: usize) -> usize {
    needed
        .saturating_add(needed / 8)
        .saturating_add(4096)
        .min(u32::MAX as usize)
}

/// Which processes a query asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// None: the header only (`nr_proc == 0`), e.g. for meminfo.
    None,
    /// Every process visible in the caller's pid namespace (`PROCESS_GETINFO_ALL`).
    All,
    /// These pids (thread ids), in this order.
    Pids(Vec<i32>),
    /// These pidfds (`PROCESS_GETINFO_PIDFD`); the caller keeps them open.
    Pidfds(Vec<i32>),
}

/// Who answers a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// process_getinfo(2) only; ENOSYS is [`Error::Unavailable`].
    Syscall,
    /// /proc only: the same records, read file by file (not one snapshot), without
    /// `VM_SEQ` and without the VMA flags maps does not show (see [`crate::procfs`]).
    Procfs,
    /// process_getinfo(2), falling back to /proc when it answers ENOSYS.
    #[default]
    Auto,
}

impl FromStr for Backend {
    type Err = String;

    fn from_str(s: &str) -> Result<Backend, String> {
        match s {
            "syscall" => Ok(Backend::Syscall),
            "procfs" => Ok(Backend::Procfs),
            "auto" => Ok(Backend::Auto),
            _ => Err(format!("unknown backend {s:?} (syscall, procfs, auto)")),
        }
    }
}

/// Why a query failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// process_getinfo(2) is not available here (ENOSYS: an unpatched kernel, or the module is
    /// not loaded).
    Unavailable,
    /// Still E2BIG after [`MAX_TRIES`] calls; the last call needed `needed` bytes.
    TooBig {
        /// The size the last call needed.
        needed: usize,
        /// The calls made.
        tries: u32,
    },
    /// The call failed with this errno (the procfs backend reports the errno the kernel would).
    Os(io::Error),
    /// Reading a procfs file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The returned buffer is malformed.
    Parse(ParseError),
    /// The procfs backend could not encode its answer.
    Encode(EncodeError),
}

impl Error {
    /// The errno this error stands for, if any.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Unavailable => Some(libc::ENOSYS),
            Error::TooBig { .. } => Some(libc::E2BIG),
            Error::Os(e) | Error::Io { source: e, .. } => e.raw_os_error(),
            Error::Parse(_) | Error::Encode(_) => None,
        }
    }

    pub(crate) fn errno_value(errno: i32) -> Error {
        Error::Os(io::Error::from_raw_os_error(errno))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable => write!(
                f,
                "process_getinfo(2) is not available (ENOSYS: kernel without the call, or module not loaded)"
            ),
            Error::TooBig { needed, tries } => write!(
                f,
                "result still did not fit after {tries} calls (last needed {needed} bytes)"
            ),
            Error::Os(e) => write!(f, "process_getinfo: {e}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Parse(e) => write!(f, "malformed buffer: {e}"),
            Error::Encode(e) => write!(f, "cannot encode the procfs answer: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Os(e) | Error::Io { source: e, .. } => Some(e),
            Error::Parse(e) => Some(e),
            Error::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Error {
        Error::Parse(e)
    }
}

/// Which backend produced a [`Snapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// process_getinfo(2).
    Syscall,
    /// /proc.
    Procfs,
}

/// The answer to a query: an owned buffer in the process_getinfo(2) format.
#[derive(Debug, Clone)]
pub struct Snapshot {
    bytes: Vec<u8>,
    source: Source,
    fell_back: bool,
    calls: u32,
}

impl Snapshot {
    /// Parses (and checks) the buffer.
    pub fn info(&self) -> Result<Info<'_>, ParseError> {
        Info::parse(&self.bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Who answered.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Whether [`Backend::Auto`] fell back to /proc because the call answered ENOSYS.
    pub fn fell_back(&self) -> bool {
        self.fell_back
    }

    /// The system calls made (more than one after E2BIG); 0 for procfs.
    pub fn calls(&self) -> u32 {
        self.calls
    }
}

/// A query, built step by step and run with [`Query::run`].
///
/// ```no_run
/// use process_getinfo::{Mask, Query};
/// let snap = Query::all().mask(Mask::IDS | Mask::COMM).threads(true).run()?;
/// for rec in snap.info()?.records() {
///     println!("{:?} {:?}", rec.ids, rec.comm_lossy());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Query {
    target: Target,
    mask: Mask,
    threads: bool,
    strict: bool,
    backend: Backend,
    initial_size: usize,
}

impl Query {
    /// A query about `target`, asking for no fact yet.
    pub fn new(target: Target) -> Query {
        Query {
            target,
            mask: Mask::empty(),
            threads: false,
            strict: false,
            backend: Backend::Auto,
            initial_size: DEFAULT_INITIAL_SIZE,
        }
    }

    /// Every visible process.
    pub fn all() -> Query {
        Query::new(Target::All)
    }

    /// No process: only the header (meminfo, supported_mask).
    pub fn header_only() -> Query {
        Query::new(Target::None)
    }

    /// These pids.
    pub fn pids(pids: impl IntoIterator<Item = i32>) -> Query {
        Query::new(Target::Pids(pids.into_iter().collect()))
    }

    /// These pidfds, which must stay open until [`Query::run`] returns.
    pub fn pidfds<'fd>(fds: impl IntoIterator<Item = BorrowedFd<'fd>>) -> Query {
        Query::new(Target::Pidfds(
            fds.into_iter().map(|fd| fd.as_raw_fd()).collect(),
        ))
    }

    /// The facts wanted.
    pub fn mask(mut self, mask: Mask) -> Query {
        self.mask = mask;
        self
    }

    /// One record per thread (`PROCESS_GETINFO_THREADS`).
    pub fn threads(mut self, yes: bool) -> Query {
        self.threads = yes;
        self
    }

    /// Fail with ESRCH/EACCES instead of per-record status (`PROCESS_GETINFO_STRICT`).
    pub fn strict(mut self, yes: bool) -> Query {
        self.strict = yes;
        self
    }

    /// Who answers (default [`Backend::Auto`]).
    pub fn backend(mut self, backend: Backend) -> Query {
        self.backend = backend;
        self
    }

    /// The first buffer size to try (default [`DEFAULT_INITIAL_SIZE`]); at least the header.
    pub fn initial_size(mut self, size: usize) -> Query {
        self.initial_size = size.max(crate::uapi::PROCESS_INFO_SIZE_VER0);
        self
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The facts asked for.
    pub fn wanted(&self) -> Mask {
        self.mask
    }

    /// The kernel flags this query passes.
    pub fn flags(&self) -> Flags {
        let mut f = Flags::empty();
        f.set(Flags::ALL, self.target == Target::All);
        f.set(Flags::PIDFD, matches!(self.target, Target::Pidfds(_)));
        f.set(Flags::THREADS, self.threads);
        f.set(Flags::STRICT, self.strict);
        f
    }

    fn ids(&self) -> &[i32] {
        match &self.target {
            Target::Pids(v) | Target::Pidfds(v) => v,
            Target::None | Target::All => &[],
        }
    }

    /// Runs the query on the chosen backend.
    pub fn run(&self) -> Result<Snapshot, Error> {
        match self.backend {
            Backend::Syscall => self.run_syscall(),
            Backend::Procfs => self.run_procfs(false),
            Backend::Auto => match self.run_syscall() {
                Err(Error::Unavailable) => self.run_procfs(true),
                other => other,
            },
        }
    }

    fn run_procfs(&self, fell_back: bool) -> Result<Snapshot, Error> {
        let bytes = procfs::query(&self.target, self.flags(), self.mask)?;
        Ok(Snapshot {
            bytes,
            source: Source::Procfs,
            fell_back,
            calls: 0,
        })
    }

    /// Calls the kernel, growing the buffer on E2BIG at most [`MAX_TRIES`] times.
    fn run_syscall(&self) -> Result<Snapshot, Error> {
        let mut size = self.initial_size;
        let mut needed = 0;
        for calls in 1..=MAX_TRIES {
            let mut buf = vec![0u8; size];
            match sys::process_getinfo(self.ids(), self.flags(), self.mask, &mut buf) {
                Ok(used) => {
                    buf.truncate(used);
                    return Ok(Snapshot {
                        bytes: buf,
                        source: Source::Syscall,
                        fell_back: false,
                        calls,
                    });
                }
                Err(SysError::TooBig { needed: n }) => {
                    needed = n;
                    size = grow(n);
                }
                Err(SysError::Os(e)) if e.raw_os_error() == Some(libc::ENOSYS) => {
                    return Err(Error::Unavailable)
                }
                Err(SysError::Os(e)) => return Err(Error::Os(e)),
            }
        }
        Err(Error::TooBig {
            needed,
            tries: MAX_TRIES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_has_headroom_and_saturates() {
        assert_eq!(grow(8000), 8000 + 1000 + 4096);
        assert_eq!(grow(usize::MAX), u32::MAX as usize);
    }

    #[test]
    fn flags_follow_the_builder() {
        let q = Query::all().threads(true).strict(true);
        assert_eq!(q.flags(), Flags::ALL | Flags::THREADS | Flags::STRICT);
        assert_eq!(Query::pids([1]).flags(), Flags::empty());
        assert_eq!(Query::new(Target::Pidfds(vec![3])).flags(), Flags::PIDFD);
        assert_eq!("procfs".parse::<Backend>(), Ok(Backend::Procfs));
        assert!("x".parse::<Backend>().is_err());
    }
}
