// SPDX-License-Identifier: GPL-2.0

//! The task set: one pass under `tasklist_lock` that takes a reference on
//! every selected task and records its ids, so thread ids line up with their
//! processes. Nothing in the pass sleeps or allocates.

use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{alloc::KVVec, prelude::*, sync::aref::ARef, task::Task};

use crate::{
    request::Input,
    serialize::call_gfp,
    sys::{self, CallerNs, TaskList},
    uapi,
};

/// One record to produce.
pub(crate) struct Target {
    /// The task, or `None` if the requested id names no visible process (`PROCREC_GONE`).
    pub(crate) task: Option<ARef<Task>>,
    pub(crate) input_index: i32,
    /// Thread id in the caller's pid namespace; for a gone target, the requested id.
    pub(crate) tid: i32,
    pub(crate) tgid: i32,
    pub(crate) ppid: i32,
}

/// The size of the last task set, a first guess for the next call's capacity.
static LAST_COUNT: AtomicUsize = AtomicUsize::new(256);

/// Collects the targets of `input`; every thread of each process with `threads`.
pub(crate) fn collect(input: &Input, threads: bool, ns: &CallerNs) -> Result<KVVec<Target>> {
    // One record per id; with threads a few per id to start with; under ALL, as many as last
    // time. A pass that finds more retries with the exact count plus slack.
    let per_id = if threads { 4 } else { 1 };
    let mut cap = match input {
        Input::Pids(ids) => ids.len().saturating_mul(per_id),
        Input::Pidfds(fds) => fds.len().saturating_mul(per_id),
        Input::All => LAST_COUNT.load(Ordering::Relaxed),
    };
    loop {
        let mut set = Set {
            targets: KVVec::with_capacity(cap, call_gfp())?,
            wanted: 0,
        };
        {
            let tasks = TaskList::lock();
            set.fill(&tasks, input, threads, ns)?;
        }
        if set.wanted <= set.targets.len() {
            if matches!(input, Input::All) {
                LAST_COUNT.store(set.wanted, Ordering::Relaxed);
            }
            return Ok(set.targets);
        }
        // The set outgrew the guess: retry with room to spare, after dropping the lock (and,
        // with `set`, the references taken).
        cap = set
            .wanted
            .checked_add(set.wanted / 4)
            .and_then(|n| n.checked_add(64))
            .ok_or(ENOMEM)?;
        drop(set);
        if sys::fatal_signal_pending() {
            return Err(EINTR);
        }
    }
}

/// Targets gathered under the lock, and how many there should have been.
struct Set {
    targets: KVVec<Target>,
    wanted: usize,
}

impl Set {
    /// Adds a target if there is room (no allocation under the lock); counts it either way.
    fn add(&mut self, target: Target) -> Result {
        self.wanted = self.wanted.checked_add(1).ok_or(ENOMEM)?;
        // Dropping a target that does not fit only puts its task reference.
        let _ = self.targets.push_within_capacity(target);
        Ok(())
    }

    fn add_task(&mut self, tasks: &TaskList, ns: &CallerNs, task: &Task, idx: i32) -> Result {
        let (tid, tgid, ppid) = tasks.ids(ns, task);
        if tid == 0 {
            // Not visible in the caller's pid namespace.
            return Ok(());
        }
        if self.targets.len() < self.targets.capacity() {
            self.add(Target {
                task: Some(ARef::from(task)),
                input_index: idx,
                tid,
                tgid,
                ppid,
            })
        } else {
            // Only counting now: take no reference.
            self.wanted = self.wanted.checked_add(1).ok_or(ENOMEM)?;
            Ok(())
        }
    }

    fn add_selected(
        &mut self,
        tasks: &TaskList,
        ns: &CallerNs,
        task: &Task,
        idx: i32,
        threads: bool,
    ) -> Result {
        if threads {
            for t in tasks.threads(task) {
                self.add_task(tasks, ns, t, idx)?;
            }
            Ok(())
        } else {
            self.add_task(tasks, ns, task, idx)
        }
    }

    fn add_gone(&mut self, id: i32, idx: i32) -> Result {
        self.add(Target {
            task: None,
            input_index: idx,
            tid: id,
            tgid: 0,
            ppid: 0,
        })
    }

    fn fill(&mut self, tasks: &TaskList, input: &Input, threads: bool, ns: &CallerNs) -> Result {
        match input {
            Input::All => {
                for p in tasks.processes() {
                    self.add_selected(tasks, ns, p, -1, threads)?;
                }
            }
            Input::Pids(ids) => {
                for (i, &id) in ids.iter().enumerate() {
                    let idx = i32::try_from(i)?;
                    match (id > 0).then(|| tasks.find(ns, id)).flatten() {
                        Some(t) => self.add_selected(tasks, ns, t, idx, threads)?,
                        None => self.add_gone(id, idx)?,
                    }
                }
            }
            Input::Pidfds(fds) => {
                for (i, (fd, pid)) in fds.iter().enumerate() {
                    let idx = i32::try_from(i)?;
                    let before = self.wanted;
                    if let Some(t) = tasks.pid_task(pid) {
                        self.add_selected(tasks, ns, t, idx, threads)?;
                    }
                    if self.wanted == before {
                        // Exited, or not visible from here.
                        self.add_gone(*fd, idx)?;
                    }
                }
            }
        }
        Ok(())
    }
}

const _: () = assert!(uapi::NR_PROC_MAX as u64 <= i32::MAX as u64);
