// SPDX-License-Identifier: GPL-2.0

//! The only file that names `kernel::bindings`.
//!
//! Thin, safe wrappers over the C side of the patch series (the hook, the
//! task list lock and the internals exported to this module) and over the
//! inline-function helpers. Each is written so it could move into the
//! `kernel` crate (`rust: task: ...`, `rust: mm: ...`) unchanged.

use core::{
    ffi::CStr,
    marker::PhantomData,
    mem::MaybeUninit,
    ptr::{self, NonNull},
};
use kernel::{
    bindings,
    error::{from_err_ptr, to_result},
    ffi::{c_char, c_int, c_long, c_void},
    mm::MmWithUser,
    prelude::*,
    sync::{aref::ARef, rcu},
    task::Task,
    types::NotThreadSafe,
};

use crate::{rules::Hidden, uapi};

mod param;

/// The signature of the system call's body, as `struct process_getinfo_ops` has it.
pub(crate) type EntryFn =
    unsafe extern "C" fn(c_int, *const c_int, c_int, u64, *mut c_void, *mut usize) -> c_long;

/// A registration of this module's `process_getinfo` implementation.
///
/// # Invariants
///
/// `ops` is registered with `process_getinfo_register()` from creation until drop.
pub(crate) struct Hook {
    ops: KBox<bindings::process_getinfo_ops>,
}

// SAFETY: `Hook` only holds a heap copy of the ops struct, which the C side reads under RCU; it
// is never mutated after registration, so it can be dropped and shared from any thread.
unsafe impl Send for Hook {}
// SAFETY: See above; `&Hook` gives no access at all.
unsafe impl Sync for Hook {}

impl Hook {
    /// Registers `entry` as the body of process_getinfo(2), owned by `module`.
    pub(crate) fn register(module: &'static ThisModule, entry: EntryFn) -> Result<Self> {
        let ops = KBox::new(
            bindings::process_getinfo_ops {
                owner: module.as_ptr(),
                getinfo: Some(entry),
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `ops` is a valid, initialised ops struct in a heap allocation that is neither
        // moved nor freed before `Drop` has unregistered it.
        to_result(unsafe { bindings::process_getinfo_register(&*ops) })?;
        // INVARIANT: registered just above.
        Ok(Self { ops })
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ops` is registered. The call waits for an RCU grace
        // period, after which no new caller can reach `ops`; callers already inside hold a
        // reference on this module, so module exit (and with it this drop) cannot run under
        // them.
        unsafe { bindings::process_getinfo_unregister(&*self.ops) };
    }
}

/// Whether the current task has a fatal signal pending.
pub(crate) fn fatal_signal_pending() -> bool {
    // SAFETY: `get_current()` is the valid current task.
    unsafe { bindings::fatal_signal_pending(bindings::get_current()) != 0 }
}

/// Yields the CPU if a reschedule is due. Must not be called with a spinlock held.
pub(crate) fn cond_resched() {
    // SAFETY: Called from process context with no lock held (the callers only call it between
    // records).
    unsafe { bindings::cond_resched() };
}

/// The caller's namespaces, in which ids are reported.
///
/// # Invariants
///
/// Both pointers are the current task's active pid namespace and user namespace, which stay
/// valid for the duration of the system call that created this value.
pub(crate) struct CallerNs {
    pid_ns: *mut bindings::pid_namespace,
    user_ns: *mut bindings::user_namespace,
    /// `user_ns` is the initial user namespace, where ids map to themselves.
    init_user_ns: bool,
    _not_send: NotThreadSafe,
}

impl CallerNs {
    /// The current task's namespaces.
    pub(crate) fn current() -> Self {
        // SAFETY: The current task's active pid namespace can be read without locks from its
        // own context, and it cannot change while it runs a system call.
        let pid_ns = unsafe { bindings::task_active_pid_ns(bindings::get_current()) };
        // SAFETY: `current_user_ns()` reads the current task's credentials, which are stable
        // for the task's own use.
        let user_ns = unsafe { bindings::current_user_ns() };
        // INVARIANT: both taken from `current` just above.
        Self {
            pid_ns,
            user_ns,
            init_user_ns: ptr::eq(user_ns, ptr::addr_of_mut!(bindings::init_user_ns)),
            _not_send: NotThreadSafe,
        }
    }

    /// Whether the caller's pid namespace is the initial one, where every task is visible.
    pub(crate) fn in_initial_pid_ns(&self) -> bool {
        ptr::eq(self.pid_ns, ptr::addr_of_mut!(bindings::init_pid_ns))
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

/// A counted reference to a `struct pid`, from a pidfd.
///
/// # Invariants
///
/// `0` holds a reference taken by `process_getinfo_pidfd_get_pid()`.
pub(crate) struct PidRef(NonNull<bindings::pid>);

impl PidRef {
    /// The pid that the caller's file descriptor `fd` refers to; `EBADF` if `fd` is not a pidfd.
    pub(crate) fn from_pidfd(fd: i32) -> Result<Self> {
        let fd = u32::try_from(fd).map_err(|_| EBADF)?;
        // SAFETY: Any value is a valid argument; errors come back as `ERR_PTR`.
        let pid = from_err_ptr(unsafe { bindings::process_getinfo_pidfd_get_pid(fd) })?;
        // INVARIANT: a non-error return carries a reference.
        NonNull::new(pid).map(Self).ok_or(EBADF)
    }
}

impl PidRef {
    /// The address of the `struct pid`: two pidfds of one process give the same.
    pub(crate) fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl Drop for PidRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own one reference.
        unsafe { bindings::put_pid(self.0.as_ptr()) };
    }
}

/// An `unsigned long` as a `u64` (lossless on every Linux target).
fn widen(v: usize) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

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

/// A read hold of `tasklist_lock` (plus an RCU read-side section for the RCU-protected lists).
///
/// While it exists no task can be added to or removed from the task list, and no thread group
/// can change. Nothing may sleep while it is held: it is a spinning lock.
///
/// # Invariants
///
/// `tasklist_lock` is held for reading and `_rcu` is an RCU read-side section, for the
/// lifetime of the guard.
pub(crate) struct TaskList {
    _rcu: rcu::Guard,
}

impl TaskList {
    /// Takes `tasklist_lock` for reading.
    pub(crate) fn lock() -> Self {
        // SAFETY: Always valid from process context; released in `Drop`.
        unsafe { bindings::process_getinfo_tasklist_read_lock() };
        // INVARIANT: locked just above; the RCU section starts now.
        Self {
            _rcu: rcu::read_lock(),
        }
    }

    /// Every thread group leader on the task list, including those outside the caller's pid
    /// namespace (callers filter with [`CallerNs`]).
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
    pub(crate) fn processes_in<'a>(
        &'a self,
        ns: &'a CallerNs,
    ) -> impl Iterator<Item = &'a Task> + 'a {
        let mut nr: c_int = 1;
        core::iter::from_fn(move || loop {
            // SAFETY: `ns.pid_ns` is valid (type invariant of `CallerNs`); the namespace's pid
            // table may be read under RCU, which `self` holds.
            let pid = unsafe { bindings::find_ge_pid(nr, ns.pid_ns) };
            if pid.is_null() {
                return None;
            }
            // SAFETY: `pid` is on the namespace's table and stays valid under RCU.
            let found = unsafe { bindings::pid_nr_ns(pid, ns.pid_ns) };
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
    pub(crate) fn leader<'a>(&'a self, task: &'a Task) -> &'a Task {
        // SAFETY: `task` is valid; its group leader is a valid task that cannot change while
        // `tasklist_lock` is held.
        unsafe { task_ref(bindings::task_group_leader(task.as_ptr())) }
    }

    /// The number of threads in `task`'s thread group: as many as [`Self::threads`] yields.
    pub(crate) fn nr_threads(&self, task: &Task) -> usize {
        // SAFETY: `task` is valid; `signal->nr_threads` changes together with the thread list,
        // under `tasklist_lock` held for writing, which `self` excludes.
        let n = unsafe { bindings::get_nr_threads(task.as_ptr()) };
        usize::try_from(n).unwrap_or(0)
    }

    /// Every thread of the thread group that `task` belongs to, leader first.
    pub(crate) fn threads<'a>(&'a self, task: &'a Task) -> impl Iterator<Item = &'a Task> + 'a {
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
        // SAFETY: `ns.pid_ns` is valid (type invariant of `CallerNs`); the pid hash may be
        // read under `tasklist_lock` and RCU, both held by `self`.
        let task = unsafe {
            bindings::pid_task(
                bindings::find_pid_ns(nr, ns.pid_ns),
                bindings::pid_type_PIDTYPE_PID,
            )
        };
        // SAFETY: A task found on the pid hash stays valid while `tasklist_lock` is held.
        (!task.is_null()).then(|| unsafe { task_ref(task) })
    }

    /// The task `pid` refers to, if it still exists.
    pub(crate) fn pid_task(&self, pid: &PidRef) -> Option<&Task> {
        // SAFETY: `pid` holds a reference; the lookup is valid under `tasklist_lock` and RCU.
        let task = unsafe { bindings::pid_task(pid.0.as_ptr(), bindings::pid_type_PIDTYPE_PID) };
        // SAFETY: As in `find`.
        (!task.is_null()).then(|| unsafe { task_ref(task) })
    }

    /// `task`'s thread id, thread group id and parent's thread group id in the caller's pid
    /// namespace; 0 where not visible there.
    pub(crate) fn ids(&self, ns: &CallerNs, task: &Task) -> (i32, i32, i32) {
        let mut ids = [0; 3];
        // SAFETY: The task is on the task list and `tasklist_lock` is held (`self`), as the
        // function requires; `ns.pid_ns` is valid by the invariant of `CallerNs`; `ids` has the
        // three elements it fills.
        unsafe { bindings::process_getinfo_task_ids(task.as_ptr(), ns.pid_ns, ids.as_mut_ptr()) };
        let [tid, tgid, ppid] = ids;
        (tid, tgid, ppid)
    }
}

impl Drop for TaskList {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the lock is held. (`_rcu` ends right after.)
        unsafe { bindings::process_getinfo_tasklist_read_unlock() };
    }
}

/// The scheduling and identity facts of a task that need no lock beyond a reference.
pub(crate) struct TaskFacts<'a>(&'a Task);

impl<'a> TaskFacts<'a> {
    pub(crate) fn new(task: &'a Task) -> Self {
        Self(task)
    }

    fn raw(&self) -> *mut bindings::task_struct {
        self.0.as_ptr()
    }

    /// The state letter of /proc/PID/stat.
    pub(crate) fn state(&self) -> u8 {
        // SAFETY: The task is valid (we hold a reference); the state is read racily, as procfs
        // does.
        let c: c_char = unsafe { bindings::task_state_to_char(self.raw()) };
        c
    }

    /// `prio`, `nice` and `policy`, as /proc/PID/stat shows them.
    pub(crate) fn prio(&self) -> (i32, i32, u32) {
        let t = self.raw();
        // SAFETY: The task is valid; these fields are read racily (in C), as procfs does.
        unsafe {
            (
                bindings::process_getinfo_task_prio(t),
                bindings::task_nice(t),
                bindings::task_policy(t),
            )
        }
    }

    /// The oom_score_adj of the task's thread group.
    pub(crate) fn oom_score_adj(&self) -> i32 {
        // SAFETY: `signal` is valid for as long as the task is (it is released in
        // `__put_task_struct()`); the value is read racily, as procfs does.
        i32::from(unsafe { bindings::task_oom_score_adj(self.raw()) })
    }

    /// The name /proc/PID/comm shows, NUL-terminated.
    pub(crate) fn comm(&self, buf: &mut [u8; uapi::COMM_LEN]) -> usize {
        // SAFETY: The task is valid and `buf` has the length the function fills.
        unsafe { bindings::process_getinfo_task_comm(self.raw(), buf.as_mut_ptr().cast()) };
        buf.iter().position(|&b| b == 0).unwrap_or(buf.len() - 1)
    }

    /// Real, effective, saved and filesystem uids and gids, in the caller's user namespace.
    pub(crate) fn creds(&self, ns: &CallerNs) -> ([u32; 4], [u32; 4]) {
        let _rcu = rcu::read_lock();
        // SAFETY: The task is valid; its objective credentials are RCU-protected and we are in
        // an RCU read-side section until `_rcu` drops.
        let c = unsafe { &*bindings::__task_cred(self.raw()) };
        (
            [
                ns.uid(c.uid),
                ns.uid(c.euid),
                ns.uid(c.suid),
                ns.uid(c.fsuid),
            ],
            [
                ns.gid(c.gid),
                ns.gid(c.egid),
                ns.gid(c.sgid),
                ns.gid(c.fsgid),
            ],
        )
    }

    /// The memory counters of /proc/PID/status in pages: (anon, file, shmem, total_vm, swap);
    /// `None` for kernel threads and exited tasks.
    pub(crate) fn vm_counters(&self) -> Option<[u64; 5]> {
        let mut pages = [0u64; 5];
        // SAFETY: The task is valid; the function takes the task's lock itself and fills the
        // five elements of `pages`.
        unsafe { bindings::process_getinfo_task_vm_counters(self.raw(), pages.as_mut_ptr()) }
            .then_some(pages)
    }

    /// Whether procfs's `hidepid=` rule (the module's `hidepid` and `gid` parameters) hides
    /// something of this task from the caller: `proc_pid_permitted()`, which also runs the
    /// ptrace check (audited if `audit`).
    pub(crate) fn hidden(&self, audit: bool) -> Option<Hidden> {
        let setting = param::hidepid();
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

    /// The task's mm if the caller may read its memory map (the check of /proc/PID/maps, a
    /// denial audited if `audit`).
    ///
    /// `Ok(None)` when the task has no mm; `Err(EACCES)` when access is denied.
    pub(crate) fn mm_for_maps(&self, audit: bool) -> Result<Option<ARef<MmWithUser>>> {
        // SAFETY: The task is valid; errors come back as `ERR_PTR`.
        match from_err_ptr(unsafe { bindings::process_getinfo_mm_access(self.raw(), audit) }) {
            // SAFETY: A valid return holds an `mm_users` reference, which `ARef` now owns.
            Ok(mm) => Ok(NonNull::new(mm).map(|mm| unsafe { ARef::from_raw(mm.cast()) })),
            Err(e) if e == ESRCH => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The memory-map cookie of this task's `mm`, read under its mmap lock.
    pub(crate) fn vm_seq(&self, lock: &MmapRead<'_>) -> u64 {
        // SAFETY: The task is valid, and `lock` holds the mmap lock of `mm` for reading.
        unsafe { bindings::process_getinfo_vm_seq(self.raw(), lock.mm.as_raw()) }
    }
}

/// The number of VMAs of `mm`, the gate VMA not counted, read without the mmap lock: a hint
/// for sizing buffers before the lock is taken.
pub(crate) fn mm_map_count(mm: &MmWithUser) -> usize {
    // SAFETY: `mm` is valid (the caller holds a user reference); `map_count` is read racily (in
    // C), which only makes the hint stale.
    let n = unsafe { bindings::mm_map_count(mm.as_raw()) };
    usize::try_from(n).unwrap_or(0)
}

/// A read hold of an mm's mmap lock.
///
/// # Invariants
///
/// `mm`'s mmap lock is held for reading for the lifetime of the value.
pub(crate) struct MmapRead<'a> {
    mm: &'a MmWithUser,
    _not_send: NotThreadSafe,
}

impl<'a> MmapRead<'a> {
    /// Takes the mmap lock for reading; `EINTR` on a fatal signal.
    pub(crate) fn lock(mm: &'a MmWithUser) -> Result<Self> {
        // SAFETY: `mm` is valid with a user reference; released in `Drop`.
        to_result(unsafe { bindings::mmap_read_lock_killable(mm.as_raw()) })?;
        // INVARIANT: locked just above.
        Ok(Self {
            mm,
            _not_send: NotThreadSafe,
        })
    }

    /// Every VMA in address order, then the gate VMA (as /proc/PID/maps lists them).
    pub(crate) fn vmas(&self) -> VmaIter<'_> {
        let mut vmi = MaybeUninit::<bindings::vma_iterator>::zeroed();
        // SAFETY: `vmi` is writable memory for an iterator; the mm is valid and locked.
        unsafe { bindings::vma_iter_init(vmi.as_mut_ptr(), self.mm.as_raw(), 0) };
        VmaIter {
            // SAFETY: `vma_iter_init` initialised it (and all-zero is valid for it anyway).
            vmi: unsafe { vmi.assume_init() },
            mm: self.mm.as_raw(),
            gate_done: false,
            _lock: PhantomData,
        }
    }
}

impl Drop for MmapRead<'_> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the lock is held.
        unsafe { bindings::mmap_read_unlock(self.mm.as_raw()) };
    }
}

/// Iterates the VMAs of an mm under its mmap read lock.
pub(crate) struct VmaIter<'a> {
    vmi: bindings::vma_iterator,
    mm: *mut bindings::mm_struct,
    gate_done: bool,
    _lock: PhantomData<&'a MmapRead<'a>>,
}

impl<'a> Iterator for VmaIter<'a> {
    type Item = Vma<'a>;

    fn next(&mut self) -> Option<Vma<'a>> {
        // SAFETY: `vmi` was initialised for `mm`, whose mmap lock is held for `'a`.
        let mut vma = unsafe { bindings::vma_next(&mut self.vmi) };
        if vma.is_null() && !self.gate_done {
            self.gate_done = true;
            // SAFETY: `mm` is valid; the gate VMA is static.
            vma = unsafe { bindings::process_getinfo_gate_vma(self.mm) };
        }
        // SAFETY: VMAs in the tree stay valid while the mmap lock is held (`'a`); the gate VMA
        // is static.
        (!vma.is_null()).then(|| Vma(unsafe { &*vma }))
    }
}

/// A VMA, valid while the mmap lock is held.
pub(crate) struct Vma<'a>(&'a bindings::vm_area_struct);

/// What the mapped file of a VMA contributes to its line in /proc/PID/maps.
pub(crate) struct VmaFile {
    pub(crate) inode: u64,
    pub(crate) dev: u32,
    pub(crate) pgoff: u64,
}

impl<'a> Vma<'a> {
    pub(crate) fn start(&self) -> u64 {
        // SAFETY: `vm_start` is the active member for a VMA in the tree or the gate VMA, and is
        // stable under the mmap read lock.
        let start = unsafe { self.0.__bindgen_anon_1.__bindgen_anon_1.vm_start };
        widen(start)
    }

    pub(crate) fn end(&self) -> u64 {
        // SAFETY: As in `start`.
        let end = unsafe { self.0.__bindgen_anon_1.__bindgen_anon_1.vm_end };
        widen(end)
    }

    /// `PROT_*` and `PROCREC_VMA_*` bits.
    pub(crate) fn prot_and_flags(&self) -> (u32, u32) {
        // SAFETY: `vm_flags` is stable under the mmap read lock.
        let f: bindings::vm_flags_t = unsafe { self.0.__bindgen_anon_2.vm_flags };
        let has = |bit: bindings::vm_flags_t| f & bit != 0;
        let mut prot = 0;
        if has(bindings::VM_READ) {
            prot |= uapi::PROT_READ;
        }
        if has(bindings::VM_WRITE) {
            prot |= uapi::PROT_WRITE;
        }
        if has(bindings::VM_EXEC) {
            prot |= uapi::PROT_EXEC;
        }
        let mut flags = 0;
        if has(bindings::VM_MAYSHARE) {
            flags |= uapi::PROCREC_VMA_SHARED;
        }
        if has(1 << bindings::VMA_LOCKED_BIT) {
            flags |= uapi::PROCREC_VMA_LOCKED;
        }
        // SAFETY: The VMA is valid under the mmap lock.
        if unsafe { bindings::is_vm_hugetlb_page(ptr::from_ref(self.0).cast_mut()) } {
            flags |= uapi::PROCREC_VMA_HUGETLB;
        }
        (prot, flags)
    }

    /// The mapped file's inode, device and offset, as /proc/PID/maps prints them.
    pub(crate) fn file(&self) -> Option<VmaFile> {
        let file = self.0.vm_file;
        if file.is_null() {
            return None;
        }
        let (mut inode, mut dev) = (0u64, 0u32);
        // SAFETY: The VMA holds a reference on its file for as long as it exists, and the VMA
        // exists while the mmap lock is held; the inode and its super block outlive the file.
        // The out-pointers are valid locals.
        unsafe { bindings::inode_ino_dev(bindings::file_user_inode(file), &mut inode, &mut dev) };
        Some(VmaFile {
            inode,
            dev,
            pgoff: widen(self.0.vm_pgoff).saturating_mul(widen(kernel::page::PAGE_SIZE)),
        })
    }

    /// When the name of this VMA is a file's path: that path, as an opaque key. Two VMAs with
    /// the same key under one hold of the mmap lock have the same name.
    pub(crate) fn path_key(&self) -> Option<NonNull<c_void>> {
        // SAFETY: The VMA is valid under the mmap lock.
        let path = unsafe { bindings::process_getinfo_vma_path(ptr::from_ref(self.0).cast_mut()) };
        NonNull::new(path.cast_mut().cast())
    }

    /// The name /proc/PID/maps prints for this VMA, unescaped, without its NUL: rendered into
    /// `scratch`, or a constant. `Err(ENAMETOOLONG)` if `scratch` is too small for it.
    pub(crate) fn name(&self, scratch: &mut [u8]) -> Result<Option<VmaName<'a>>> {
        let base = scratch.as_mut_ptr();
        // SAFETY: The VMA is valid under the mmap lock; `scratch` is writable for its length.
        let name = from_err_ptr(unsafe {
            bindings::process_getinfo_vma_name(
                ptr::from_ref(self.0).cast_mut(),
                base,
                scratch.len(),
            )
            .cast_mut()
        })?;
        if name.is_null() {
            return Ok(None);
        }
        let start = (name as usize).wrapping_sub(base as usize);
        if start < scratch.len() {
            // Rendered into `scratch`: described by position, so that the caller keeps the
            // use of its buffer.
            // SAFETY: A non-NULL return is a NUL-terminated string; this one is in `scratch`.
            let len = unsafe { CStr::from_char_ptr(name) }.to_bytes().len();
            Ok(Some(VmaName::Scratch { start, len }))
        } else {
            // SAFETY: A non-NULL return outside `scratch` is a constant NUL-terminated string,
            // valid while the mmap lock is held (`'a`).
            let bytes: &'a [u8] = unsafe { CStr::from_char_ptr(name) }.to_bytes();
            Ok(Some(VmaName::Const(bytes)))
        }
    }
}

/// Where the name of a VMA is.
pub(crate) enum VmaName<'a> {
    /// At `scratch[start..start + len]`.
    Scratch { start: usize, len: usize },
    /// A constant string (`[heap]`, `[vdso]`, ...).
    Const(&'a [u8]),
}

/// What /proc/meminfo shows, in kB, in header order.
pub(crate) fn meminfo() -> [u64; 7] {
    let mut mi = MaybeUninit::<bindings::process_getinfo_meminfo>::zeroed();
    // SAFETY: `mi` is writable memory for the struct, which the function fills.
    unsafe { bindings::process_getinfo_meminfo(mi.as_mut_ptr()) };
    // SAFETY: Filled just above (and all-zero is valid for it anyway).
    let mi = unsafe { mi.assume_init() };
    [
        mi.mem_total_kb,
        mi.mem_free_kb,
        mi.mem_available_kb,
        mi.buffers_kb,
        mi.cached_kb,
        mi.swap_total_kb,
        mi.swap_free_kb,
    ]
}

// The Rust mirror of the uapi must match the C header the kernel was built with.
const _: () = {
    use core::mem::size_of;
    assert!(size_of::<uapi::ProcessInfo>() == bindings::PROCESS_INFO_SIZE_VER0 as usize);
    assert!(size_of::<uapi::ProcessInfo>() == size_of::<bindings::process_info>());
    assert!(size_of::<uapi::ProcRec>() == bindings::PROCREC_SIZE_VER1 as usize);
    assert!(size_of::<uapi::ProcRec>() == size_of::<bindings::procrec>());
    assert!(size_of::<uapi::ProcRecVma>() == bindings::PROCREC_VMA_SIZE_VER0 as usize);
    assert!(size_of::<uapi::ProcRecVma>() == size_of::<bindings::procrec_vma>());
    assert!(uapi::ALL == bindings::PROCESS_GETINFO_ALL);
    assert!(uapi::THREADS == bindings::PROCESS_GETINFO_THREADS);
    assert!(uapi::PIDFD == bindings::PROCESS_GETINFO_PIDFD);
    assert!(uapi::STRICT == bindings::PROCESS_GETINFO_STRICT);
    assert!(uapi::NR_PROC_MAX as u32 == bindings::PROCESS_GETINFO_NR_PROC_MAX);
    assert!(uapi::INFO_MEMORY_MAP == bindings::PROCESS_INFO_MEMORY_MAP as u64);
    assert!(uapi::INFO_MEMINFO == bindings::PROCESS_INFO_MEMINFO as u64);
    assert!(uapi::COMM_LEN == bindings::PROCESS_GETINFO_COMM_LEN as usize);
    assert!(uapi::PROCREC_VMA_SPECIAL == bindings::PROCREC_VMA_SPECIAL);
};
