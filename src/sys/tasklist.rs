// SPDX-License-Identifier: GPL-2.0

//! The task list under `tasklist_lock` (read): the processes of a pid
//! namespace, the threads of a group, lookups by pid, and the ids of a task.
//!
//! The hold is kept to what must be read under the lock: a pass records the
//! tasks it wants as [`Seen`] and takes its references after the lock is
//! released, in the RCU read-side section the hold was nested in. Fork and
//! exit wait for every hold of the lock (they take it for writing), and a
//! reference is an atomic write to a line of the task that the pass would
//! not otherwise dirty.
//!
//! Every field of a `task_struct` is read in C (the helpers of the series):
//! bindgen's layout of it is not GCC's. On the GCC-built release kernel it
//! puts `tasks` at 0x310 and `pid` at 0x3e0 where GCC has 0x340 and 0x410
//! (the size agrees), while the fields of `mm_struct`, `vm_area_struct`,
//! `cred` and `rw_semaphore` read in Rust here and in [`super::mm`] agree.

use core::ptr::{self, NonNull};
use kernel::{
    bindings,
    ffi::c_int,
    sync::{aref::ARef, rcu},
    task::Task,
};

use super::{pid::PidRef, task::CallerNs};

/// Borrows a raw task pointer as a `Task`.
///
/// # Safety
///
/// `ptr` must point to a valid task that stays valid for `'a`.
unsafe fn task_ref<'a>(ptr: *mut bindings::task_struct) -> &'a Task {
    // SAFETY: `Task` is a `repr(transparent)` wrapper of `task_struct`; validity is the
    // caller's promise.
    unsafe { &*ptr.cast::<Task>() }
}

/// A task's ids in the caller's pid namespace; 0 where one is not visible there.
pub(crate) struct Ids {
    pub(crate) tid: i32,
    pub(crate) tgid: i32,
    pub(crate) ppid: i32,
}

/// A read hold of `tasklist_lock`, nested in an RCU read-side section (for the RCU-protected
/// lists, and so that the tasks it sees outlive it: see [`Seen`]).
///
/// While it exists no task can be added to or removed from the task list, no thread group can
/// change and no task can be attached to or detached from its pids. Nothing may sleep while it
/// is held: it is a spinning lock.
///
/// # Invariants
///
/// `tasklist_lock` is held for reading for the lifetime of the guard, and `_rcu` is an RCU
/// read-side section that began before it and ends after it.
pub(crate) struct TaskList<'a> {
    _rcu: &'a rcu::Guard,
}

impl<'a> TaskList<'a> {
    /// Takes `tasklist_lock` for reading, inside the RCU read-side section `rcu`.
    pub(crate) fn lock(rcu: &'a rcu::Guard) -> Self {
        // SAFETY: Always valid from process context; released in `Drop`.
        unsafe { bindings::process_getinfo_tasklist_read_lock() };
        // INVARIANT: locked just above, inside `rcu`, which the borrow keeps going until after
        // `Drop` has released the lock.
        Self { _rcu: rcu }
    }

    /// `task`, found through this hold, to be given a reference once the lock is released
    /// ([`Seen::get`]).
    pub(crate) fn seen(&self, task: &Task) -> Seen {
        Seen(NonNull::from(task))
    }

    /// Every thread group leader on the task list, including those outside the caller's pid
    /// namespace (callers filter with [`TaskList::ids`]).
    pub(crate) fn processes(&self) -> impl Iterator<Item = &Task> + '_ {
        // `init_task` is a static, always valid task, the head of the task list.
        let init = ptr::addr_of_mut!(bindings::init_task);
        let mut cur = init;
        core::iter::from_fn(move || {
            // SAFETY: `cur` is on the task list, which cannot change while `self` holds
            // `tasklist_lock`.
            let next = unsafe { bindings::next_task(cur) };
            if next == init {
                return None;
            }
            cur = next;
            // SAFETY: tasks on the list stay valid while `tasklist_lock` is held (`self`).
            Some(unsafe { task_ref(next) })
        })
    }

    /// Every thread group leader with a pid in the caller's pid namespace, in pid order: the
    /// walk of procfs's readdir, over the namespace's own pids, so that a caller in a child
    /// namespace visits its namespace's processes and not the host's.
    pub(crate) fn processes_in<'b>(
        &'b self,
        ns: &'b CallerNs,
    ) -> impl Iterator<Item = &'b Task> + 'b {
        let pid_ns = ns.pid_ns_ptr();
        let mut nr: c_int = 1;
        core::iter::from_fn(move || loop {
            // SAFETY: `pid_ns` is valid for the call (`CallerNs`); the namespace's pid table may
            // be read under RCU, which `self` holds.
            let pid = unsafe { bindings::find_ge_pid(nr, pid_ns) };
            if pid.is_null() {
                return None;
            }
            // SAFETY: `pid` is on the namespace's table and stays valid under RCU.
            let found = unsafe { bindings::pid_nr_ns(pid, pid_ns) };
            // Pid numbers stay below `PID_MAX_LIMIT`; the next search starts after this one.
            nr = found.checked_add(1)?;
            // SAFETY: As above. Tasks are attached to and detached from their pids only under
            // `tasklist_lock` held for writing, which `self` excludes, so the leader found is on
            // the task list.
            let task = unsafe { bindings::pid_task(pid, bindings::pid_type_PIDTYPE_TGID) };
            if !task.is_null() {
                // SAFETY: A task on the task list stays valid while `tasklist_lock` is held.
                return Some(unsafe { task_ref(task) });
            }
        })
    }

    /// The leader of `task`'s thread group.
    pub(crate) fn leader<'b>(&'b self, task: &'b Task) -> &'b Task {
        // SAFETY: `task` is valid; its group leader is a valid task that cannot change while
        // `tasklist_lock` is held.
        unsafe { task_ref(bindings::task_group_leader(task.as_ptr())) }
    }

    /// The number of threads in `task`'s thread group: as many as [`Self::threads`] yields.
    pub(crate) fn nr_threads(&self, task: &Task) -> usize {
        // SAFETY: `task` is valid; `signal->nr_threads` changes together with the thread list,
        // under `tasklist_lock` held for writing, which `self` excludes.
        let n = unsafe { bindings::get_nr_threads(task.as_ptr()) };
        // A count is never negative.
        usize::try_from(n).unwrap_or(0)
    }

    /// Every thread of the thread group that `task` belongs to, leader first.
    pub(crate) fn threads<'b>(&'b self, task: &'b Task) -> impl Iterator<Item = &'b Task> + 'b {
        // SAFETY: `task` is valid; its group leader cannot change while `tasklist_lock` is held.
        let mut cur = unsafe { bindings::task_group_leader(task.as_ptr()) };
        core::iter::from_fn(move || {
            if cur.is_null() {
                return None;
            }
            let this = cur;
            // SAFETY: `this` is a live member of its thread group, whose list cannot change
            // while `tasklist_lock` is held. The leader is the first entry of the list.
            cur = unsafe { bindings::__next_thread(this) };
            // SAFETY: As above.
            Some(unsafe { task_ref(this) })
        })
    }

    /// The task whose pid is `nr` in the caller's pid namespace.
    pub(crate) fn find(&self, ns: &CallerNs, nr: i32) -> Option<&Task> {
        // SAFETY: The pid namespace is valid (`CallerNs`); the pid hash may be read under
        // `tasklist_lock` and RCU, both held by `self`.
        let task = unsafe {
            bindings::pid_task(
                bindings::find_pid_ns(nr, ns.pid_ns_ptr()),
                bindings::pid_type_PIDTYPE_PID,
            )
        };
        // SAFETY: A task found on the pid hash stays valid while `tasklist_lock` is held.
        (!task.is_null()).then(|| unsafe { task_ref(task) })
    }

    /// The task `pid` refers to, if it still exists.
    pub(crate) fn pid_task(&self, pid: &PidRef) -> Option<&Task> {
        // SAFETY: `pid` holds a reference; the lookup is valid under `tasklist_lock` and RCU.
        let task = unsafe { bindings::pid_task(pid.as_ptr(), bindings::pid_type_PIDTYPE_PID) };
        // SAFETY: As in `find`.
        (!task.is_null()).then(|| unsafe { task_ref(task) })
    }

    /// `task`'s ids in the caller's pid namespace.
    pub(crate) fn ids(&self, ns: &CallerNs, task: &Task) -> Ids {
        let mut ids = bindings::process_getinfo_ids::default();
        // SAFETY: The task is on the task list and `tasklist_lock` is held (`self`), as the
        // function requires; the pid namespace is valid (`CallerNs`).
        unsafe { bindings::process_getinfo_task_ids(task.as_ptr(), ns.pid_ns_ptr(), &mut ids) };
        Ids {
            tid: ids.tid,
            tgid: ids.tgid,
            ppid: ids.ppid,
        }
    }
}

impl Drop for TaskList<'_> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the lock is held. (The RCU section goes on.)
        unsafe { bindings::process_getinfo_tasklist_read_unlock() };
    }
}

/// A task that a [`TaskList`] hold found (on the task list or a thread list, attached to its
/// pid: a task leaves them all in one write hold of `tasklist_lock`, in `__unhash_process()`):
/// valid until the RCU read-side section that hold was nested in ends.
#[derive(Clone, Copy)]
pub(crate) struct Seen(NonNull<Task>);

impl Seen {
    /// A reference on the task, taken without `tasklist_lock`.
    ///
    /// # Safety
    ///
    /// `self` was returned by [`TaskList::seen`] for a task found through that hold, and the
    /// RCU read-side section the hold was nested in has not ended.
    pub(crate) unsafe fn get(self) -> ARef<Task> {
        // SAFETY: The task was hashed during a read hold of `tasklist_lock` inside an RCU
        // read-side section that has not ended (the caller's promise). It is unhashed in a
        // write hold, so after that read hold, and the reference it keeps while hashed is put by
        // `delayed_put_task_struct()`, which `release_task()` queues with `call_rcu()` after
        // unhashing it: not before the section ends. So the task is valid and its count is not
        // zero, as `ARef::from` requires.
        ARef::from(unsafe { self.0.as_ref() })
    }
}
