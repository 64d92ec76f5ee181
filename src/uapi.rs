// SPDX-License-Identifier: GPL-2.0

//! The Rust mirror of `uapi/linux/process_getinfo.h`: flags, fact bits and
//! the four output structs, field by field. `sys.rs` checks at compile time
//! that every size and value here equals the C header's. It uses only
//! `core`, so the host unit tests compile it unchanged.

/// Selection flags.
pub(crate) const ALL: u32 = 1 << 0;
pub(crate) const THREADS: u32 = 1 << 1;
pub(crate) const PIDFD: u32 = 1 << 2;
pub(crate) const STRICT: u32 = 1 << 3;
pub(crate) const KNOWN_FLAGS: u32 = ALL | THREADS | PIDFD | STRICT;

/// Most ids one call takes.
pub(crate) const NR_PROC_MAX: i32 = 65536;

/// Fact bits.
pub(crate) const INFO_MEMINFO: u64 = 1 << 0;
pub(crate) const INFO_IDS: u64 = 1 << 1;
pub(crate) const INFO_STATUS: u64 = 1 << 2;
pub(crate) const INFO_OOM_SCORE_ADJ: u64 = 1 << 3;
pub(crate) const INFO_CREDS: u64 = 1 << 4;
pub(crate) const INFO_PRIO: u64 = 1 << 5;
pub(crate) const INFO_COMM: u64 = 1 << 6;
pub(crate) const INFO_VM_COUNTERS: u64 = 1 << 7;
pub(crate) const INFO_VM_SEQ: u64 = 1 << 8;
pub(crate) const INFO_MEMORY_MAP: u64 = 1 << 9;
pub(crate) const INFO_CPU_TIMES: u64 = 1 << 10;
pub(crate) const INFO_SESSION: u64 = 1 << 11;
pub(crate) const INFO_CMDLINE: u64 = 1 << 12;
pub(crate) const INFO_MEMORY_ROLLUP: u64 = 1 << 13;

/// Every fact this module fills, on a kernel that keeps (`per_vma_lock`) or does not keep the
/// mmap-lock write sequence that `VM_SEQ` is built on (`CONFIG_PER_VMA_LOCK`).
pub(crate) const fn supported_mask(per_vma_lock: bool) -> u64 {
    let all = INFO_MEMINFO
        | INFO_IDS
        | INFO_STATUS
        | INFO_OOM_SCORE_ADJ
        | INFO_CREDS
        | INFO_PRIO
        | INFO_COMM
        | INFO_VM_COUNTERS
        | INFO_VM_SEQ
        | INFO_MEMORY_MAP
        | INFO_CPU_TIMES
        | INFO_SESSION
        | INFO_CMDLINE
        | INFO_MEMORY_ROLLUP;
    if per_vma_lock {
        all
    } else {
        all & !INFO_VM_SEQ
    }
}

/// Every fact this module fills on the kernel it is built for.
pub(crate) const SUPPORTED_MASK: u64 = supported_mask(cfg!(CONFIG_PER_VMA_LOCK));

/// The facts that live in records (all but the header's MEMINFO).
pub(crate) const RECORD_MASK: u64 = SUPPORTED_MASK & !INFO_MEMINFO;

/// The facts read under the target's mmap lock: the map and the vm_seq of its last hold.
pub(crate) const MM_LOCKED_MASK: u64 = INFO_VM_SEQ | INFO_MEMORY_MAP;

/// The facts that need ptrace read access to the target's mm (the check of /proc/PID/maps and
/// /proc/PID/smaps_rollup).
pub(crate) const MM_ACCESS_MASK: u64 = MM_LOCKED_MASK | INFO_MEMORY_ROLLUP;

/// `process_info.flags`.
pub(crate) const PROCESS_INFO_TRUNCATED: u32 = 1 << 0;

/// `procrec.status` bits.
pub(crate) const PROCREC_GONE: u32 = 1 << 0;
pub(crate) const PROCREC_NOACCESS: u32 = 1 << 1;

/// `procrec_vma.flags`.
pub(crate) const PROCREC_VMA_SHARED: u32 = 1 << 0;
pub(crate) const PROCREC_VMA_LOCKED: u32 = 1 << 1;
pub(crate) const PROCREC_VMA_HUGETLB: u32 = 1 << 2;
pub(crate) const PROCREC_VMA_SPECIAL: u32 = 1 << 3;

/// `procrec_vma.prot` bits (the `PROT_*` values of `<sys/mman.h>`).
pub(crate) const PROT_READ: u32 = 0x1;
pub(crate) const PROT_WRITE: u32 = 0x2;
pub(crate) const PROT_EXEC: u32 = 0x4;

/// Longest comm string, with its NUL (kernel threads have long names).
pub(crate) const COMM_LEN: usize = 64;

/// `struct process_info`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct ProcessInfo {
    pub(crate) size: u32,
    pub(crate) first_procrec_offset: u32,
    pub(crate) nr_procrecs: u32,
    pub(crate) flags: u32,
    pub(crate) mask: u64,
    pub(crate) supported_mask: u64,
    pub(crate) mem_total_kb: u64,
    pub(crate) mem_free_kb: u64,
    pub(crate) mem_available_kb: u64,
    pub(crate) buffers_kb: u64,
    pub(crate) cached_kb: u64,
    pub(crate) swap_total_kb: u64,
    pub(crate) swap_free_kb: u64,
}

/// `struct procrec`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct ProcRec {
    pub(crate) size: u32,
    pub(crate) next_procrec_offset: u32,
    pub(crate) mask: u64,
    pub(crate) status: u32,
    pub(crate) input_index: i32,
    pub(crate) tid: i32,
    pub(crate) tgid: i32,
    pub(crate) ppid: i32,
    pub(crate) oom_score_adj: i32,
    pub(crate) uid_real: u32,
    pub(crate) uid_effective: u32,
    pub(crate) uid_saved: u32,
    pub(crate) uid_fs: u32,
    pub(crate) gid_real: u32,
    pub(crate) gid_effective: u32,
    pub(crate) gid_saved: u32,
    pub(crate) gid_fs: u32,
    pub(crate) prio: i32,
    pub(crate) nice: i32,
    pub(crate) policy: u32,
    pub(crate) comm_offset: u32,
    pub(crate) state: u8,
    pub(crate) reserved0: [u8; 3],
    pub(crate) nr_vmas: u32,
    pub(crate) first_vma_offset: u32,
    pub(crate) reserved1: u32,
    pub(crate) rss_anon_kb: u64,
    pub(crate) rss_file_kb: u64,
    pub(crate) rss_shmem_kb: u64,
    pub(crate) vm_size_kb: u64,
    pub(crate) swap_kb: u64,
    pub(crate) vm_seq: u64,
    // PROCREC_SIZE_VER0
    pub(crate) utime_ns: u64,
    pub(crate) stime_ns: u64,
    pub(crate) start_time_ns: u64,
    pub(crate) min_flt: u64,
    pub(crate) maj_flt: u64,
    pub(crate) nr_threads: u32,
    pub(crate) pgid: i32,
    pub(crate) sid: i32,
    pub(crate) tty_nr: u32,
    pub(crate) tpgid: i32,
    pub(crate) cmdline_offset: u32,
    pub(crate) cmdline_size: u32,
    pub(crate) rollup_offset: u32,
    // PROCREC_SIZE_VER1
}

/// `struct procrec_vma`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct ProcRecVma {
    pub(crate) size: u32,
    pub(crate) next_procrec_vma_offset: u32,
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) file_offset: u64,
    pub(crate) inode: u64,
    pub(crate) dev_major: u32,
    pub(crate) dev_minor: u32,
    pub(crate) prot: u32,
    pub(crate) flags: u32,
    pub(crate) backing_file_name_offset: u32,
    pub(crate) reserved0: u32,
}

/// `struct procrec_rollup`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct ProcRecRollup {
    pub(crate) size: u32,
    pub(crate) reserved0: u32,
    pub(crate) rss_kb: u64,
    pub(crate) pss_kb: u64,
    pub(crate) pss_dirty_kb: u64,
    pub(crate) pss_anon_kb: u64,
    pub(crate) pss_file_kb: u64,
    pub(crate) pss_shmem_kb: u64,
    pub(crate) shared_clean_kb: u64,
    pub(crate) shared_dirty_kb: u64,
    pub(crate) private_clean_kb: u64,
    pub(crate) private_dirty_kb: u64,
    pub(crate) referenced_kb: u64,
    pub(crate) anonymous_kb: u64,
    pub(crate) swap_kb: u64,
    pub(crate) swap_pss_kb: u64,
    pub(crate) locked_kb: u64,
}

/// Size of the header, where the first record starts.
pub(crate) const PROCESS_INFO_SIZE: usize = core::mem::size_of::<ProcessInfo>();
pub(crate) const PROCREC_SIZE: usize = core::mem::size_of::<ProcRec>();
pub(crate) const PROCREC_VMA_SIZE: usize = core::mem::size_of::<ProcRecVma>();
pub(crate) const PROCREC_ROLLUP_SIZE: usize = core::mem::size_of::<ProcRecRollup>();

/// Offset of `next_procrec_offset` in `struct procrec`.
pub(crate) const PROCREC_NEXT_OFFSET: usize = core::mem::offset_of!(ProcRec, next_procrec_offset);
/// Offset of `next_procrec_vma_offset` in `struct procrec_vma`.
pub(crate) const VMA_NEXT_OFFSET: usize =
    core::mem::offset_of!(ProcRecVma, next_procrec_vma_offset);

const _: () = assert!(
    PROCESS_INFO_SIZE == 88
        && PROCREC_SIZE == 224
        && PROCREC_VMA_SIZE == 64
        && PROCREC_ROLLUP_SIZE == 128
);
const _: () = assert!(
    PROCESS_INFO_SIZE % 8 == 0
        && PROCREC_SIZE % 8 == 0
        && PROCREC_VMA_SIZE % 8 == 0
        && PROCREC_ROLLUP_SIZE % 8 == 0
);
// Every fact has a bit below 32, so 32-bit callers (a 32-bit `mask`) can ask for it.
const _: () = assert!(supported_mask(true) >> 32 == 0);
