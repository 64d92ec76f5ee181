// SPDX-License-Identifier: MIT OR Apache-2.0

//! What a query asks: which processes, which facts, threads or not, strict or not. Every
//! backend answers a [`Request`].

use std::os::fd::BorrowedFd;

use crate::flags::{Flags, Mask};

/// Which processes a request asks about. `'fd` is the lifetime of borrowed pidfds.
#[derive(Debug, Clone)]
pub enum Target<'fd> {
    /// None: the header only (`nr_proc == 0`), e.g. for meminfo.
    None,
    /// Every process visible in the caller's pid namespace (`PROCESS_GETINFO_ALL`).
    All,
    /// These pids (thread ids), in this order.
    Pids(Vec<i32>),
    /// These pidfds (`PROCESS_GETINFO_PIDFD`), borrowed: they stay open while the request
    /// lives.
    Pidfds(Vec<BorrowedFd<'fd>>),
}

/// A request: the target, the facts, and the flags.
#[derive(Debug, Clone)]
pub struct Request<'fd> {
    /// The processes.
    pub target: Target<'fd>,
    /// The facts wanted.
    pub mask: Mask,
    /// One record per thread (`PROCESS_GETINFO_THREADS`).
    pub threads: bool,
    /// Fail with ESRCH/EACCES instead of per-record status (`PROCESS_GETINFO_STRICT`).
    pub strict: bool,
}

impl<'fd> Request<'fd> {
    /// A request about `target` for no fact, without threads, not strict.
    pub fn new(target: Target<'fd>) -> Request<'fd> {
        Request {
            target,
            mask: Mask::empty(),
            threads: false,
            strict: false,
        }
    }

    /// The kernel flags this request passes.
    pub fn flags(&self) -> Flags {
        let mut f = Flags::empty();
        f.set(Flags::ALL, matches!(self.target, Target::All));
        f.set(Flags::PIDFD, matches!(self.target, Target::Pidfds(_)));
        f.set(Flags::THREADS, self.threads);
        f.set(Flags::STRICT, self.strict);
        f
    }

    /// The ids the call takes in `proc`: the pids, or the pidfds' numbers.
    pub fn ids(&self) -> Vec<i32> {
        use std::os::fd::AsRawFd;
        match &self.target {
            Target::Pids(v) => v.clone(),
            Target::Pidfds(v) => v.iter().map(|fd| fd.as_raw_fd()).collect(),
            Target::None | Target::All => Vec::new(),
        }
    }
}
