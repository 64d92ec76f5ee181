// SPDX-License-Identifier: MIT OR Apache-2.0

//! The safe builder: which processes, which facts, threads or not, strict or not, and which
//! backend answers. It sits above the backends ([`crate::backend`]) and only builds a
//! [`Request`] for one of them.

use std::os::fd::BorrowedFd;

use crate::backend::{Auto, Backend, Procfs, Provider, Syscall};
use crate::error::Error;
use crate::flags::{Flags, Mask};
use crate::request::{Request, Target};
use crate::snapshot::Snapshot;

/// A query, built step by step and run with [`Query::run`].
///
/// `'fd` is the lifetime of the pidfds of [`Query::pidfds`]: a query cannot outlive them, so a
/// pidfd cannot be closed (and its number reused) before the query runs.
///
/// ```no_run
/// use process_getinfo::{Mask, Query};
/// let snap = Query::all().mask(Mask::IDS | Mask::COMM).threads(true).run()?;
/// for rec in snap.info().records() {
///     println!("{:?} {:?}", rec.ids, rec.comm_lossy());
/// }
/// # Ok::<(), process_getinfo::Error>(())
/// ```
///
/// The borrow of the pidfds is checked:
///
/// ```compile_fail,E0597
/// use std::os::fd::AsFd;
/// use process_getinfo::{Mask, Query};
/// let query = {
///     let pidfd = std::fs::File::open("/dev/null").unwrap();
///     Query::pidfds([pidfd.as_fd()]).mask(Mask::IDS)
/// }; // `pidfd` is closed here, while the query still holds it
/// let _ = query.run();
/// ```
#[derive(Debug, Clone)]
pub struct Query<'fd> {
    request: Request<'fd>,
    backend: Backend,
    syscall: Syscall,
}

impl<'fd> Query<'fd> {
    /// A query about `target`, asking for no fact yet.
    pub fn new(target: Target<'fd>) -> Query<'fd> {
        Query {
            request: Request::new(target),
            backend: Backend::Auto,
            syscall: Syscall::default(),
        }
    }

    /// Every visible process.
    pub fn all() -> Query<'fd> {
        Query::new(Target::All)
    }

    /// No process: only the header (meminfo, supported_mask).
    pub fn header_only() -> Query<'fd> {
        Query::new(Target::None)
    }

    /// These pids.
    pub fn pids(pids: impl IntoIterator<Item = i32>) -> Query<'fd> {
        Query::new(Target::Pids(pids.into_iter().collect()))
    }

    /// These pidfds, borrowed for as long as the query lives.
    pub fn pidfds(fds: impl IntoIterator<Item = BorrowedFd<'fd>>) -> Query<'fd> {
        Query::new(Target::Pidfds(fds.into_iter().collect()))
    }

    /// The facts wanted.
    pub fn mask(mut self, mask: Mask) -> Query<'fd> {
        self.request.mask = mask;
        self
    }

    /// One record per thread (`PROCESS_GETINFO_THREADS`).
    pub fn threads(mut self, yes: bool) -> Query<'fd> {
        self.request.threads = yes;
        self
    }

    /// Fail with ESRCH/EACCES instead of per-record status (`PROCESS_GETINFO_STRICT`).
    pub fn strict(mut self, yes: bool) -> Query<'fd> {
        self.request.strict = yes;
        self
    }

    /// Who answers (default [`Backend::Auto`]).
    pub fn backend(mut self, backend: Backend) -> Query<'fd> {
        self.backend = backend;
        self
    }

    /// The first buffer size the system call gets (see [`Syscall::initial_size`]).
    pub fn initial_size(mut self, size: usize) -> Query<'fd> {
        self.syscall = self.syscall.initial_size(size);
        self
    }

    /// The request this query makes.
    pub fn request(&self) -> &Request<'fd> {
        &self.request
    }

    /// The target.
    pub fn target(&self) -> &Target<'fd> {
        &self.request.target
    }

    /// The facts asked for.
    pub fn wanted(&self) -> Mask {
        self.request.mask
    }

    /// The kernel flags this query passes.
    pub fn flags(&self) -> Flags {
        self.request.flags()
    }

    /// Runs the query on the chosen backend.
    pub fn run(&self) -> Result<Snapshot, Error> {
        match self.backend {
            Backend::Syscall => self.syscall.answer(&self.request),
            Backend::Procfs => Procfs::default().answer(&self.request),
            Backend::Auto => Auto {
                syscall: self.syscall.clone(),
                procfs: Procfs::default(),
            }
            .answer(&self.request),
        }
    }

    /// Runs the query on `provider` (a backend configured by hand, or one of the caller's),
    /// whatever [`Query::backend`] says.
    pub fn run_with(&self, provider: &dyn Provider) -> Result<Snapshot, Error> {
        provider.answer(&self.request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_the_builder() {
        let q = Query::all().threads(true).strict(true);
        assert_eq!(q.flags(), Flags::ALL | Flags::THREADS | Flags::STRICT);
        assert_eq!(Query::pids([1]).flags(), Flags::empty());
        let f = std::fs::File::open("/dev/null").unwrap();
        let q = Query::pidfds([std::os::fd::AsFd::as_fd(&f)]);
        assert_eq!(q.flags(), Flags::PIDFD);
        assert_eq!(q.request().ids(), [std::os::fd::AsRawFd::as_raw_fd(&f)]);
    }
}
