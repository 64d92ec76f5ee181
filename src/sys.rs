// SPDX-License-Identifier: GPL-2.0

//! The only module that names `kernel::bindings`.
//!
//! Safe abstractions over the C side of the patch series and over the
//! kernel functions the module calls, one subject per file as in the
//! `kernel` crate, built on its abstractions where they exist (`Task`,
//! `MmWithUser`, `MmapReadGuard`, `VmaRef`, `PidNamespace`, `Credential`,
//! `Opaque`): [`hook`] (the registration), [`param`] (the module
//! parameters), [`tasklist`] (the pass under `tasklist_lock`), [`task`] (the
//! facts of one task), [`mm`] (an mm, its lock and its VMAs), [`pid`] (pids
//! from pidfds). Each wrapper is written so it could move into the `kernel`
//! crate as a `rust: task: ...` or `rust: mm: ...` patch.

use kernel::bindings;

use crate::uapi;

mod hook;
mod mm;
mod param;
mod pid;
mod task;
mod tasklist;

pub(crate) use hook::{Getinfo, Registration, Syscall};
pub(crate) use mm::{mm_map_count, MmapRead, Vma, VmaIdent, VmaName};
pub(crate) use param::hidepid;
pub(crate) use pid::PidRef;
pub(crate) use task::{cmdline, CallerNs, Rollup, TaskFacts};
pub(crate) use tasklist::{Seen, TaskList};

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

/// What /proc/meminfo shows, in kB, into the header's fields.
pub(crate) fn meminfo(header: &mut uapi::ProcessInfo) {
    let mut mi = bindings::process_getinfo_meminfo::default();
    // SAFETY: `mi` is a valid struct for the function to fill.
    unsafe { bindings::process_getinfo_meminfo(&mut mi) };
    header.mem_total_kb = mi.mem_total_kb;
    header.mem_free_kb = mi.mem_free_kb;
    header.mem_available_kb = mi.mem_available_kb;
    header.buffers_kb = mi.buffers_kb;
    header.cached_kb = mi.cached_kb;
    header.swap_total_kb = mi.swap_total_kb;
    header.swap_free_kb = mi.swap_free_kb;
}

// The Rust mirror of the uapi must match the C header the kernel was built with.
const _: () = {
    use core::mem::{offset_of, size_of};
    use kernel::num::casts::u32_as_usize;
    assert!(size_of::<uapi::ProcessInfo>() == u32_as_usize(bindings::PROCESS_INFO_SIZE_VER0));
    assert!(size_of::<uapi::ProcessInfo>() == size_of::<bindings::process_info>());
    assert!(size_of::<uapi::ProcRec>() == u32_as_usize(bindings::PROCREC_SIZE_VER1));
    assert!(size_of::<uapi::ProcRec>() == size_of::<bindings::procrec>());
    assert!(offset_of!(uapi::ProcRec, utime_ns) == u32_as_usize(bindings::PROCREC_SIZE_VER0));
    assert!(
        offset_of!(uapi::ProcRec, rollup_offset) == offset_of!(bindings::procrec, rollup_offset)
    );
    assert!(offset_of!(uapi::ProcRec, vm_seq) == offset_of!(bindings::procrec, vm_seq));
    assert!(offset_of!(uapi::ProcRec, gid_fs) == offset_of!(bindings::procrec, gid_fs));
    assert!(size_of::<uapi::ProcRecVma>() == u32_as_usize(bindings::PROCREC_VMA_SIZE_VER0));
    assert!(size_of::<uapi::ProcRecVma>() == size_of::<bindings::procrec_vma>());
    assert!(size_of::<uapi::ProcRecRollup>() == u32_as_usize(bindings::PROCREC_ROLLUP_SIZE_VER0));
    assert!(size_of::<uapi::ProcRecRollup>() == size_of::<bindings::procrec_rollup>());
    assert!(size_of::<Rollup>() == uapi::PROCREC_ROLLUP_SIZE);
    assert!(
        offset_of!(uapi::ProcRecRollup, locked_kb)
            == offset_of!(bindings::procrec_rollup, locked_kb)
    );
    assert!(uapi::ALL == bindings::PROCESS_GETINFO_ALL);
    assert!(uapi::THREADS == bindings::PROCESS_GETINFO_THREADS);
    assert!(uapi::PIDFD == bindings::PROCESS_GETINFO_PIDFD);
    assert!(uapi::STRICT == bindings::PROCESS_GETINFO_STRICT);
    assert!(uapi::NR_PROC_MAX as u32 == bindings::PROCESS_GETINFO_NR_PROC_MAX);
    assert!(uapi::INFO_MEMINFO == bindings::PROCESS_INFO_MEMINFO as u64);
    assert!(uapi::INFO_MEMORY_MAP == bindings::PROCESS_INFO_MEMORY_MAP as u64);
    assert!(uapi::INFO_CPU_TIMES == bindings::PROCESS_INFO_CPU_TIMES as u64);
    assert!(uapi::INFO_SESSION == bindings::PROCESS_INFO_SESSION as u64);
    assert!(uapi::INFO_CMDLINE == bindings::PROCESS_INFO_CMDLINE as u64);
    assert!(uapi::INFO_MEMORY_ROLLUP == bindings::PROCESS_INFO_MEMORY_ROLLUP as u64);
    assert!(uapi::COMM_LEN == u32_as_usize(bindings::PROCESS_GETINFO_COMM_LEN));
    assert!(uapi::PROCREC_VMA_SPECIAL == bindings::PROCREC_VMA_SPECIAL);
};
