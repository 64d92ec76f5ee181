// SPDX-License-Identifier: GPL-2.0

//! The facts of one task, read with a reference on it and whatever locks
//! procfs takes for them; and the caller's namespaces they are given in.

use core::ptr::{self, NonNull};
use kernel::{
    bindings,
    cred::Credential,
    error::from_err_ptr,
    ffi::c_char,
    mm::MmWithUser,
    page::PAGE_SHIFT,
    pid_namespace::PidNamespace,
    prelude::*,
    sync::{aref::ARef, rcu},
    task::Task,
    transmute::AsBytes,
    types::NotThreadSafe,
};

use super::{mm::MmapRead, param};
use crate::{
    rules::{self, Hidden, HidePid},
    uapi::{self, ProcRec},
};

/// The caller's namespaces, in which ids are reported.
///
/// # Invariants
///
/// `user_ns` is the current task's user namespace, valid for the duration of the system call
/// that created this value (the value cannot leave the calling thread).
pub(crate) struct CallerNs {
    pid_ns: ARef<PidNamespace>,
    user_ns: *mut bindings::user_namespace,
    /// `user_ns` is the initial user namespace, where ids map to themselves.
    init_user_ns: bool,
    _not_send: NotThreadSafe,
}

impl CallerNs {
    /// The current task's namespaces.
    pub(crate) fn current() -> Result<Self> {
        // A task running a system call has a pid namespace.
        let pid_ns = kernel::current!().get_pid_ns().ok_or(ESRCH)?;
        // SAFETY: `current_user_ns()` reads the current task's credentials, which are stable for
        // the task's own use.
        let user_ns = unsafe { bindings::current_user_ns() };
        // INVARIANT: taken from `current` just above.
        Ok(Self {
            pid_ns,
            user_ns,
            init_user_ns: ptr::eq(user_ns, ptr::addr_of_mut!(bindings::init_user_ns)),
            _not_send: NotThreadSafe,
        })
    }

    /// The caller's pid namespace, valid while `self` lives.
    pub(crate) fn pid_ns_ptr(&self) -> *mut bindings::pid_namespace {
        self.pid_ns.as_ptr()
    }

    /// Whether the caller's pid namespace is the initial one, where every task is visible.
    pub(crate) fn in_initial_pid_ns(&self) -> bool {
        ptr::eq(
            self.pid_ns.as_ptr(),
            ptr::addr_of_mut!(bindings::init_pid_ns),
        )
    }

    /// `id` mapped into the caller's user namespace, or the overflow id.
    fn uid(&self, id: bindings::kuid_t) -> u32 {
        // The initial namespace maps every id but `(uid_t)-1` to itself; that one is munged.
        if self.init_user_ns && id.val != u32::MAX {
            return id.val;
        }
        // SAFETY: `user_ns` is valid by the type invariant.
        unsafe { bindings::from_kuid_munged(self.user_ns, id) }
    }

    /// `id` mapped into the caller's user namespace, or the overflow id.
    fn gid(&self, id: bindings::kgid_t) -> u32 {
        // As in `uid`.
        if self.init_user_ns && id.val != u32::MAX {
            return id.val;
        }
        // SAFETY: `user_ns` is valid by the type invariant.
        unsafe { bindings::from_kgid_munged(self.user_ns, id) }
    }
}

/// The facts of a task that need no lock beyond a reference, and the access checks procfs makes
/// before it shows them.
pub(crate) struct TaskFacts<'a>(&'a Task);

impl<'a> TaskFacts<'a> {
    pub(crate) fn new(task: &'a Task) -> Self {
        Self(task)
    }

    fn raw(&self) -> *mut bindings::task_struct {
        self.0.as_ptr()
    }

    /// Whether procfs's `hidepid=` rule (the module's `hidepid` and `gid` parameters) hides
    /// something of this task from the caller: `proc_pid_permitted()`, which also runs the
    /// ptrace check (audited if `audit`), under `setting` (read once per call).
    pub(crate) fn hidden(&self, setting: HidePid, audit: bool) -> Option<Hidden> {
        let (min, hides) = setting.check()?;
        let mode = bindings::PTRACE_MODE_READ
            | bindings::PTRACE_MODE_FSCREDS
            | if audit {
                0
            } else {
                bindings::PTRACE_MODE_NOAUDIT
            };
        // SAFETY: The task is valid; the function takes what locks it needs.
        let permitted = unsafe {
            bindings::proc_pid_permitted(self.raw(), setting.value(), param::gid(), min, mode)
        };
        (!permitted).then_some(hides)
    }

    /// Whether the security modules let the caller learn the task's scheduling facts (the check
    /// of sched_getscheduler(2)).
    pub(crate) fn may_getscheduler(&self) -> bool {
        // SAFETY: The task is valid.
        unsafe { bindings::security_task_getscheduler(self.raw()) == 0 }
    }

    /// The state letter of /proc/PID/stat.
    pub(crate) fn state(&self) -> u8 {
        // SAFETY: The task is valid (we hold a reference); the state is read racily, as procfs
        // does.
        let c: c_char = unsafe { bindings::task_state_to_char(self.raw()) };
        c
    }

    /// `prio`, `nice` and `policy`, as /proc/PID/stat shows them.
    pub(crate) fn sched(&self, r: &mut ProcRec) {
        let t = self.raw();
        // SAFETY: The task is valid; these fields are read racily (in C), as procfs does.
        let sched = unsafe {
            (
                bindings::task_prio(t),
                bindings::task_nice(t),
                bindings::task_policy(t),
            )
        };
        (r.prio, r.nice, r.policy) = sched;
    }

    /// The oom_score_adj of the task's thread group.
    pub(crate) fn oom_score_adj(&self) -> i32 {
        // SAFETY: `signal` is valid for as long as the task is (it is released in
        // `__put_task_struct()`); the value is read racily, as procfs does.
        i32::from(unsafe { bindings::task_oom_score_adj(self.raw()) })
    }

    /// The name /proc/PID/comm shows, NUL-terminated; returns its length.
    pub(crate) fn comm(&self, buf: &mut [u8; uapi::COMM_LEN]) -> usize {
        // SAFETY: The task is valid and `buf` has the length the function fills.
        unsafe { bindings::process_getinfo_task_comm(self.raw(), buf.as_mut_ptr()) };
        // The function NUL-terminates within the buffer; without a NUL the last byte stands.
        buf.iter()
            .position(|&b| b == 0)
            .unwrap_or(uapi::COMM_LEN - 1)
    }

    /// Real, effective, saved and filesystem uids and gids, in the caller's user namespace.
    pub(crate) fn creds(&self, ns: &CallerNs, r: &mut ProcRec) {
        let _rcu = rcu::read_lock();
        // SAFETY: The task is valid; its objective credentials are RCU-protected and we are in
        // an RCU read-side section until `_rcu` drops, which outlives `cred`'s uses below.
        let cred = unsafe { Credential::from_ptr(bindings::__task_cred(self.raw())) };
        let c = cred.as_ptr();
        // SAFETY: `c` is valid (above). A credential is never changed once published; its
        // fields are read through the raw pointer.
        let (uid, euid, suid, fsuid, gid, egid, sgid, fsgid) = unsafe {
            (
                (*c).uid,
                (*c).euid,
                (*c).suid,
                (*c).fsuid,
                (*c).gid,
                (*c).egid,
                (*c).sgid,
                (*c).fsgid,
            )
        };
        [r.uid_real, r.uid_effective, r.uid_saved, r.uid_fs] =
            [ns.uid(uid), ns.uid(euid), ns.uid(suid), ns.uid(fsuid)];
        [r.gid_real, r.gid_effective, r.gid_saved, r.gid_fs] =
            [ns.gid(gid), ns.gid(egid), ns.gid(sgid), ns.gid(fsgid)];
    }

    /// The memory counters of /proc/PID/status, in kB; `false` for kernel threads and exited
    /// tasks.
    pub(crate) fn vm_counters(&self, r: &mut ProcRec) -> bool {
        let mut vm = bindings::process_getinfo_vm_counters::default();
        // SAFETY: The task is valid; the function takes the task's lock itself.
        if !unsafe { bindings::process_getinfo_task_vm_counters(self.raw(), &mut vm) } {
            return false;
        }
        let kb = |pages| rules::pages_to_kb(pages, PAGE_SHIFT);
        (r.rss_anon_kb, r.rss_file_kb, r.rss_shmem_kb) =
            (kb(vm.rss_anon), kb(vm.rss_file), kb(vm.rss_shmem));
        (r.vm_size_kb, r.swap_kb) = (kb(vm.total_vm), kb(vm.swap));
        true
    }

    /// The times and counts of /proc/PID/stat: the thread group's (`whole`) or the task's own.
    pub(crate) fn times(&self, whole: bool, r: &mut ProcRec) {
        let mut t = bindings::process_getinfo_times::default();
        // SAFETY: The task is valid; the function takes what locks it needs.
        unsafe { bindings::process_getinfo_task_times(self.raw(), whole, &mut t) };
        (r.utime_ns, r.stime_ns, r.start_time_ns) = (t.utime_ns, t.stime_ns, t.start_time_ns);
        (r.min_flt, r.maj_flt, r.nr_threads) = (t.min_flt, t.maj_flt, t.nr_threads);
    }

    /// The session fields of /proc/PID/stat, ids in the caller's pid namespace.
    pub(crate) fn session(&self, ns: &CallerNs, r: &mut ProcRec) {
        let mut s = bindings::process_getinfo_session::default();
        // SAFETY: The task and the pid namespace are valid; the function takes the task's
        // sighand lock itself.
        unsafe { bindings::process_getinfo_task_session(self.raw(), ns.pid_ns_ptr(), &mut s) };
        (r.pgid, r.sid, r.tty_nr, r.tpgid) = (s.pgid, s.sid, s.tty_nr, s.tpgid);
    }

    /// The task's mm if the caller may read its memory map (the check of /proc/PID/maps and
    /// /proc/PID/smaps_rollup, a denial audited if `audit`).
    ///
    /// `Ok(None)` when the task has no mm; `Err(EACCES)` when access is denied.
    pub(crate) fn mm_for_maps(&self, audit: bool) -> Result<Option<ARef<MmWithUser>>> {
        let mode = bindings::PTRACE_MODE_READ
            | bindings::PTRACE_MODE_FSCREDS
            | if audit {
                0
            } else {
                bindings::PTRACE_MODE_NOAUDIT
            };
        // SAFETY: The task is valid; errors come back as `ERR_PTR`.
        match from_err_ptr(unsafe { bindings::mm_access(self.raw(), mode) }) {
            // SAFETY: A valid return holds an `mm_users` reference, which `ARef` now owns.
            Ok(mm) => Ok(NonNull::new(mm).map(|mm| unsafe { ARef::from_raw(mm.cast()) })),
            Err(e) if e == ESRCH => Ok(None),
            Err(e) if e == EPERM => Err(EACCES),
            Err(e) => Err(e),
        }
    }

    /// The task's mm, without an access check (what /proc/PID/cmdline reads); `None` for kernel
    /// threads and exited tasks.
    pub(crate) fn mm(&self) -> Option<ARef<MmWithUser>> {
        // SAFETY: The task is valid; a non-NULL return holds an `mm_users` reference.
        let mm = unsafe { bindings::get_task_mm(self.raw()) };
        // SAFETY: As above: `ARef` owns the reference.
        NonNull::new(mm).map(|mm| unsafe { ARef::from_raw(mm.cast()) })
    }

    /// The memory-map cookie of this task's mm, read under its mmap lock.
    pub(crate) fn vm_seq(&self, lock: &MmapRead<'_>) -> u64 {
        // SAFETY: The task is valid, and `lock` holds the mmap lock of the mm for reading.
        unsafe { bindings::process_getinfo_vm_seq(self.raw(), lock.mm_ptr()) }
    }

    /// What /proc/PID/smaps_rollup shows for `mm` (this task's, from [`Self::mm_for_maps`]).
    /// Takes the mmap lock itself: none may be held.
    pub(crate) fn rollup(&self, mm: &MmWithUser) -> Result<Rollup> {
        let mut r = bindings::procrec_rollup::default();
        // SAFETY: The task and the mm are valid (references held); no mmap lock is held here.
        kernel::error::to_result(unsafe {
            bindings::process_getinfo_mm_rollup(self.raw(), mm.as_raw(), &mut r)
        })?;
        Ok(Rollup(r))
    }
}

/// A `struct procrec_rollup` as the kernel filled it, size included.
#[repr(transparent)]
pub(crate) struct Rollup(bindings::procrec_rollup);

// SAFETY: `struct procrec_rollup` is made of integers with explicit padding (`sys.rs` checks its
// size and offsets against the Rust mirror, which has no implicit padding), so every byte of a
// value is initialised.
unsafe impl AsBytes for Rollup {}

/// Reads up to `dst.len()` bytes of what /proc/PID/cmdline returns for `mm`, from offset `pos`;
/// returns how many (0 past the end).
pub(crate) fn cmdline(mm: &MmWithUser, dst: &mut [u8], pos: u64) -> Result<usize> {
    let pos = i64::try_from(pos).map_err(|_| EOVERFLOW)?;
    // SAFETY: The mm is valid (a user reference is held) and `dst` is writable for its length.
    let n = unsafe {
        bindings::process_getinfo_mm_cmdline(mm.as_raw(), dst.as_mut_ptr(), dst.len(), pos)
    };
    if n < 0 {
        // A negative errno.
        return Err(Error::from_errno(i32::try_from(n).map_err(|_| EINVAL)?));
    }
    usize::try_from(n).map_err(|_| EOVERFLOW)
}
