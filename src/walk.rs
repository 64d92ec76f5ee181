// SPDX-License-Identifier: GPL-2.0

//! The task set: one pass under `tasklist_lock` that records every selected
//! task and its ids, so thread ids line up with their processes. Nothing in
//! the pass sleeps or allocates, and it takes no reference: those are taken
//! once the lock is released, in the RCU read-side section the pass was
//! nested in ([`sys::Seen`]), so that fork and exit wait only for the reads;
//! and only if the records need more of their tasks than the ids the pass
//! read ([`crate::facts::Facts::needs_tasks`]).
//!
//! The work under the lock is bounded by the number of tasks in the caller's
//! pid namespace plus the number of ids, whatever the arguments: the ids are
//! deduplicated before the lock is taken, each distinct id is resolved once,
//! each thread group is walked at most once (an id that names a group already
//! walked shares its run of tasks), a pass that has run out of room only
//! counts (a group by its thread count, without walking it), and under `ALL`
//! a caller in a child pid namespace walks that namespace's pids rather than
//! the host's task list.

use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{
    alloc::KVVec,
    prelude::*,
    sync::{aref::ARef, rcu},
    task::Task,
};

use crate::{
    request::Input,
    rules::{self, PtrMap},
    serialize::call_gfp,
    sys::{self, CallerNs, PidRef, Seen, TaskList},
};

/// One task of the snapshot, with its ids in the caller's pid namespace.
pub(crate) struct Member {
    /// The task; `None` once its last record is built, or if the records need only the ids.
    pub(crate) task: Option<ARef<Task>>,
    pub(crate) tid: i32,
    pub(crate) tgid: i32,
    pub(crate) ppid: i32,
}

/// The tasks answering one distinct id: `members[start..start + len]`.
#[derive(Clone, Copy)]
pub(crate) struct Run {
    start: usize,
    len: usize,
    /// The bytes its records took when they were first built (set by the caller), so that a
    /// repeat that is only counted (the result no longer fits) costs nothing.
    pub(crate) bytes: Option<usize>,
}

impl Run {
    /// The indices of its members.
    pub(crate) fn range(&self) -> core::ops::Range<usize> {
        self.start..self.start.saturating_add(self.len)
    }
}

/// The answer to one element of `proc`.
pub(crate) struct Answer {
    /// The id as the caller gave it (the pid, or the pidfd number).
    pub(crate) id: i32,
    /// The index of the run of tasks it names, or `None`: no visible task (`PROCREC_GONE`).
    pub(crate) run: Option<usize>,
}

/// The snapshot: the tasks, and what each input id names.
pub(crate) struct Snapshot {
    pub(crate) members: KVVec<Member>,
    pub(crate) runs: KVVec<Run>,
    /// One per element of `proc`, in order; empty under `ALL`, where every member is a record.
    pub(crate) answers: KVVec<Answer>,
}

/// The size of the last `ALL` task set, with [`headroom`] the next such call's first guess:
/// without threads.
static LAST_PROCESSES: AtomicUsize = AtomicUsize::new(256);
/// The same, with threads.
static LAST_THREADS: AtomicUsize = AtomicUsize::new(256);

/// Room for `n` tasks and for those forked before the next pass: a pass that finds more tasks
/// than it has room for is taken again, and fork and exit wait for every pass.
fn headroom(n: usize) -> Result<usize> {
    n.checked_add(n / 4)
        .and_then(|n| n.checked_add(64))
        .ok_or(ENOMEM)
}

/// A distinct id to resolve under the lock.
enum Key<'a> {
    Pid(i32),
    Pidfd(&'a PidRef),
}

/// The ids of `proc`, deduplicated before the lock is taken.
struct Distinct<'a> {
    keys: KVVec<Key<'a>>,
    /// For each element of `proc`, the index of its key in `keys`.
    slot: KVVec<usize>,
}

impl<'a> Distinct<'a> {
    fn new(input: &'a Input) -> Result<Self> {
        let n = match input {
            Input::All => 0,
            Input::Pids(ids) => ids.len(),
            Input::Pidfds(fds) => fds.len(),
        };
        let mut slot = KVVec::new();
        slot.resize(n, 0usize, call_gfp())?;
        let mut keys = KVVec::with_capacity(n, call_gfp())?;
        match input {
            Input::All => {}
            Input::Pids(ids) => {
                let mut sorted = KVVec::with_capacity(n, call_gfp())?;
                for (i, &id) in ids.iter().enumerate() {
                    sorted.push((id, i), call_gfp())?;
                }
                let distinct = rules::dedup(&mut sorted, &mut slot);
                for &(id, _) in sorted.iter().take(distinct) {
                    keys.push(Key::Pid(id), call_gfp())?;
                }
            }
            Input::Pidfds(fds) => {
                // Two pidfds of one process refer to one `struct pid`.
                let mut sorted = KVVec::with_capacity(n, call_gfp())?;
                for (i, (_, pid)) in fds.iter().enumerate() {
                    sorted.push((pid.addr(), i), call_gfp())?;
                }
                let distinct = rules::dedup(&mut sorted, &mut slot);
                // The first pidfd of each distinct pid stands for all of them.
                let mut first = KVVec::new();
                first.resize(distinct, usize::MAX, call_gfp())?;
                for (i, &s) in slot.iter().enumerate() {
                    if let Some(f) = first.get_mut(s) {
                        if *f == usize::MAX {
                            *f = i;
                        }
                    }
                }
                // INVARIANT: every distinct pid is some input's, so each `f` was set to an index
                // of `fds`.
                for (_, pid) in first.iter().filter_map(|&f| fds.get(f)) {
                    keys.push(Key::Pidfd(pid), call_gfp())?;
                }
            }
        }
        Ok(Self { keys, slot })
    }
}

/// Collects the snapshot for `input`; every thread of each process with `threads`; with a
/// reference on each task if `refs`.
pub(crate) fn collect(input: &Input, threads: bool, ns: &CallerNs, refs: bool) -> Result<Snapshot> {
    let distinct = Distinct::new(input)?;
    let nkeys = distinct.keys.len();
    // One task per distinct id; with threads a few per id to start with; under ALL, as many as
    // last time plus headroom. A pass that finds more retries with its count plus headroom.
    let last = if threads {
        &LAST_THREADS
    } else {
        &LAST_PROCESSES
    };
    let mut cap = match input {
        Input::All => headroom(last.load(Ordering::Relaxed))?,
        _ if threads => nkeys.saturating_mul(4),
        _ => nkeys,
    };
    // The thread groups already walked, by leader (only with threads and ids).
    let mut groups = KVVec::new();
    if threads && nkeys > 0 {
        groups.resize(
            PtrMap::slots_for(nkeys).ok_or(ENOMEM)?,
            (0usize, 0usize),
            call_gfp(),
        )?;
    }
    loop {
        let mut pass = Pass {
            found: KVVec::with_capacity(cap, call_gfp())?,
            runs: KVVec::with_capacity(nkeys, call_gfp())?,
            key_run: KVVec::with_capacity(nkeys, call_gfp())?,
            wanted: 0,
            threads,
        };
        // The members are made from what the pass found, after it, in the RCU read-side
        // section it was nested in, where nothing may be allocated.
        let mut members = KVVec::with_capacity(pass.found.capacity(), call_gfp())?;
        groups.iter_mut().for_each(|g| *g = (0, 0));
        let fits = {
            let rcu = rcu::read_lock();
            {
                let tasks = TaskList::lock(&rcu);
                match input {
                    Input::All => pass.fill_all(&tasks, ns)?,
                    _ => {
                        let mut groups = PtrMap::new(&mut groups);
                        pass.fill_keys(&tasks, ns, &distinct.keys, &mut groups)?
                    }
                }
            }
            let fits = pass.wanted <= pass.found.len();
            if fits {
                for f in pass.found.drain_all() {
                    let member = Member {
                        // SAFETY: Every task the pass adds was found through its hold, which
                        // was nested in `rcu`, still going.
                        task: refs.then(|| unsafe { f.task.get() }),
                        tid: f.tid,
                        tgid: f.tgid,
                        ppid: f.ppid,
                    };
                    // Cannot fail: `members` has the capacity `found` had. Were it to, the task
                    // would be left out and the runs after it would name the wrong tasks, so the
                    // call fails.
                    members.push_within_capacity(member).map_err(|_| ENOMEM)?;
                }
            }
            fits
        };
        if fits {
            if matches!(input, Input::All) {
                last.store(pass.wanted, Ordering::Relaxed);
            }
            return pass.finish(members, input, &distinct);
        }
        // The set outgrew the guess: retry with room to spare (no reference was taken).
        cap = headroom(pass.wanted)?;
        drop(pass);
        if sys::fatal_signal_pending() {
            return Err(EINTR);
        }
    }
}

/// A run value in the group map for a group that did not fit: only counted.
const COUNTED: usize = usize::MAX;

/// A task the pass found, with its ids: a [`Member`] once the lock is released.
struct Found {
    task: Seen,
    tid: i32,
    tgid: i32,
    ppid: i32,
}

/// One pass under the lock.
struct Pass {
    found: KVVec<Found>,
    runs: KVVec<Run>,
    /// For each distinct id, the run it names (`None`: gone).
    key_run: KVVec<Option<usize>>,
    /// Members the complete set has: more than `found.len()` if it did not fit.
    wanted: usize,
    threads: bool,
}

impl Pass {
    /// Counts `n` more members that the complete set has.
    fn want(&mut self, n: usize) -> Result {
        self.wanted = self.wanted.checked_add(n).ok_or(ENOMEM)?;
        Ok(())
    }

    /// Whether `n` more members fit without allocating (nothing is allocated under the lock).
    fn room(&self, n: usize) -> bool {
        self.found.capacity().saturating_sub(self.found.len()) >= n
    }

    /// Adds `task` (found through `tasks`) if it is visible in the caller's pid namespace (room
    /// was checked).
    fn add(&mut self, tasks: &TaskList<'_>, ns: &CallerNs, task: &Task) -> Result<bool> {
        let ids = tasks.ids(ns, task);
        if ids.tid == 0 {
            return Ok(false);
        }
        let found = Found {
            task: tasks.seen(task),
            tid: ids.tid,
            tgid: ids.tgid,
            ppid: ids.ppid,
        };
        // Cannot fail: the caller checked the room. Were it to, the task would only be left
        // out, and `wanted` would make the caller retry.
        let _ = self.found.push_within_capacity(found);
        Ok(true)
    }

    /// Adds `task`, or with threads every thread of its group; a run of what was added.
    /// `None` when nothing fit (only counted) or nothing is visible.
    fn add_selected(
        &mut self,
        tasks: &TaskList<'_>,
        ns: &CallerNs,
        task: &Task,
    ) -> Result<Option<Run>> {
        let n = if self.threads {
            tasks.nr_threads(task)
        } else {
            1
        };
        self.want(n)?;
        if !self.room(n) {
            // Only counting now: nothing walked, no reference taken.
            return Ok(None);
        }
        let start = self.found.len();
        if self.threads {
            for t in tasks.threads(task) {
                self.add(tasks, ns, t)?;
            }
        } else {
            self.add(tasks, ns, task)?;
        }
        let len = self.found.len().saturating_sub(start);
        if len == 0 {
            return Ok(None);
        }
        Ok(Some(Run {
            start,
            len,
            bytes: None,
        }))
    }

    fn fill_all(&mut self, tasks: &TaskList<'_>, ns: &CallerNs) -> Result {
        if ns.in_initial_pid_ns() {
            for p in tasks.processes() {
                self.add_selected(tasks, ns, p)?;
            }
        } else {
            for p in tasks.processes_in(ns) {
                self.add_selected(tasks, ns, p)?;
            }
        }
        Ok(())
    }

    fn fill_keys(
        &mut self,
        tasks: &TaskList<'_>,
        ns: &CallerNs,
        keys: &[Key<'_>],
        groups: &mut PtrMap<'_>,
    ) -> Result {
        for key in keys {
            let task = match key {
                Key::Pid(id) => (*id > 0).then(|| tasks.find(ns, *id)).flatten(),
                Key::Pidfd(pid) => tasks.pid_task(pid),
            };
            let run = match task {
                None => None,
                Some(t) if self.threads => self.group_run(tasks, ns, t, groups)?,
                Some(t) => self.new_run(tasks, ns, t)?,
            };
            // Cannot fail: `key_run` has room for every key.
            let _ = self.key_run.push_within_capacity(run);
        }
        Ok(())
    }

    /// A run for a new selection of `task`; `None` if nothing of it is in the set.
    fn new_run(
        &mut self,
        tasks: &TaskList<'_>,
        ns: &CallerNs,
        task: &Task,
    ) -> Result<Option<usize>> {
        let Some(run) = self.add_selected(tasks, ns, task)? else {
            return Ok(None);
        };
        let index = self.runs.len();
        // Cannot fail: `runs` has room for one run per key.
        let _ = self.runs.push_within_capacity(run);
        Ok(Some(index))
    }

    /// The run of `task`'s thread group, walking the group only the first time it is named.
    fn group_run(
        &mut self,
        tasks: &TaskList<'_>,
        ns: &CallerNs,
        task: &Task,
        groups: &mut PtrMap<'_>,
    ) -> Result<Option<usize>> {
        let leader = tasks.leader(task);
        let key = leader.as_ptr().addr();
        match groups.get_or_insert(key, COUNTED) {
            Some((COUNTED, false)) => Ok(None),
            Some((run, false)) => Ok(Some(run)),
            // New group (`groups` has room for every key, so `None` cannot happen; were it to,
            // the group would only be walked once more).
            _ => {
                let run = self.new_run(tasks, ns, leader)?;
                if let Some(r) = run {
                    groups.set(key, r);
                }
                Ok(run)
            }
        }
    }

    /// The snapshot of `members` (what the pass found, in order), with each element of `proc`
    /// mapped to its run.
    fn finish(
        self,
        members: KVVec<Member>,
        input: &Input,
        distinct: &Distinct<'_>,
    ) -> Result<Snapshot> {
        let mut answers = KVVec::with_capacity(distinct.slot.len(), call_gfp())?;
        // INVARIANT: every slot is the index of a key, and the pass gave every key a run (or
        // `None`); a missing one would read as gone.
        let run_of = |s: &usize| self.key_run.get(*s).copied().flatten();
        match input {
            Input::All => {}
            Input::Pids(ids) => {
                for (&id, s) in ids.iter().zip(distinct.slot.iter()) {
                    answers.push(Answer { id, run: run_of(s) }, call_gfp())?;
                }
            }
            Input::Pidfds(fds) => {
                for ((fd, _), s) in fds.iter().zip(distinct.slot.iter()) {
                    let id = *fd;
                    answers.push(Answer { id, run: run_of(s) }, call_gfp())?;
                }
            }
        }
        Ok(Snapshot {
            members,
            runs: self.runs,
            answers,
        })
    }
}

const _: () = assert!(crate::uapi::NR_PROC_MAX as u64 <= i32::MAX as u64);
