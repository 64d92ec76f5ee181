// SPDX-License-Identifier: MIT OR Apache-2.0

//! The Rust mirror of `<linux/process_getinfo.h>`.
//!
//! The four structs are `#[repr(C)]` copies of the C ones, checked at compile time against the
//! header's `*_SIZE_VER*` values (and, by `uapi/tests/rust_layout.rs` of the repository, field by
//! field against the C header itself). `struct procrec` has grown once: its first
//! [`PROCREC_SIZE_VER0`] bytes are what kernels before `CPU_TIMES` write, and [`ProcRec`] is the
//! [`PROCREC_SIZE_VER1`] layout. A newer kernel may write larger structs still, so the parser
//! reads the prefix each record's `size` covers and follows offsets, never `size_of`.

/// The x86_64 system call number (`__NR_process_getinfo`).
pub const NR_PROCESS_GETINFO: libc::c_long = 473;

/// Most ids one call takes (`PROCESS_GETINFO_NR_PROC_MAX`); more fail with `EINVAL`.
pub const NR_PROC_MAX: usize = 65536;

/// `PROCESS_GETINFO_ALL`: every visible process.
pub const PROCESS_GETINFO_ALL: u32 = 1 << 0;
/// `PROCESS_GETINFO_THREADS`: one record per thread.
pub const PROCESS_GETINFO_THREADS: u32 = 1 << 1;
/// `PROCESS_GETINFO_PIDFD`: `proc` holds pidfds.
pub const PROCESS_GETINFO_PIDFD: u32 = 1 << 2;
/// `PROCESS_GETINFO_STRICT`: ESRCH/EACCES instead of per-record status.
pub const PROCESS_GETINFO_STRICT: u32 = 1 << 3;

/// `PROCESS_INFO_MEMINFO`: the header's system memory counters.
pub const PROCESS_INFO_MEMINFO: u64 = 1 << 0;
/// `PROCESS_INFO_IDS`: `tid`, `tgid`, `ppid`.
pub const PROCESS_INFO_IDS: u64 = 1 << 1;
/// `PROCESS_INFO_STATUS`: `state`.
pub const PROCESS_INFO_STATUS: u64 = 1 << 2;
/// `PROCESS_INFO_OOM_SCORE_ADJ`: `oom_score_adj`.
pub const PROCESS_INFO_OOM_SCORE_ADJ: u64 = 1 << 3;
/// `PROCESS_INFO_CREDS`: `uid_*`, `gid_*`.
pub const PROCESS_INFO_CREDS: u64 = 1 << 4;
/// `PROCESS_INFO_PRIO`: `prio`, `nice`, `policy`.
pub const PROCESS_INFO_PRIO: u64 = 1 << 5;
/// `PROCESS_INFO_COMM`: `comm_offset`.
pub const PROCESS_INFO_COMM: u64 = 1 << 6;
/// `PROCESS_INFO_VM_COUNTERS`: `rss_*_kb`, `vm_size_kb`, `swap_kb`.
pub const PROCESS_INFO_VM_COUNTERS: u64 = 1 << 7;
/// `PROCESS_INFO_VM_SEQ`: `vm_seq`.
pub const PROCESS_INFO_VM_SEQ: u64 = 1 << 8;
/// `PROCESS_INFO_MEMORY_MAP`: `first_vma_offset`, `nr_vmas`.
pub const PROCESS_INFO_MEMORY_MAP: u64 = 1 << 9;
/// `PROCESS_INFO_CPU_TIMES`: `utime_ns` ... `maj_flt`, `nr_threads`.
pub const PROCESS_INFO_CPU_TIMES: u64 = 1 << 10;
/// `PROCESS_INFO_SESSION`: `pgid`, `sid`, `tty_nr`, `tpgid`.
pub const PROCESS_INFO_SESSION: u64 = 1 << 11;
/// `PROCESS_INFO_CMDLINE`: `cmdline_offset`, `cmdline_size`.
pub const PROCESS_INFO_CMDLINE: u64 = 1 << 12;
/// `PROCESS_INFO_MEMORY_ROLLUP`: `rollup_offset`.
pub const PROCESS_INFO_MEMORY_ROLLUP: u64 = 1 << 13;

/// `process_info.flags`: E2BIG, the buffer holds a prefix only.
pub const PROCESS_INFO_TRUNCATED: u32 = 1 << 0;

/// `procrec.status`: the id names no visible process.
pub const PROCREC_GONE: u32 = 1 << 0;
/// `procrec.status`: a requested fact was denied.
pub const PROCREC_NOACCESS: u32 = 1 << 1;

/// `procrec_vma.flags`: `VM_MAYSHARE` (`s` in maps).
pub const PROCREC_VMA_SHARED: u32 = 1 << 0;
/// `procrec_vma.flags`: mlocked (`VM_LOCKED`).
pub const PROCREC_VMA_LOCKED: u32 = 1 << 1;
/// `procrec_vma.flags`: a hugetlbfs mapping.
pub const PROCREC_VMA_HUGETLB: u32 = 1 << 2;
/// `procrec_vma.flags`: the name is a `[bracketed]` special name.
pub const PROCREC_VMA_SPECIAL: u32 = 1 << 3;

/// `PROCESS_INFO_SIZE_VER0`.
pub const PROCESS_INFO_SIZE_VER0: usize = 88;
/// `PROCREC_SIZE_VER0`: a record without the fields from `utime_ns` on (kernels before
/// `CPU_TIMES`).
pub const PROCREC_SIZE_VER0: usize = 152;
/// `PROCREC_SIZE_VER1`: a record with `CPU_TIMES` ... `MEMORY_ROLLUP` (`size_of::<ProcRec>()`).
pub const PROCREC_SIZE_VER1: usize = 224;
/// `PROCREC_VMA_SIZE_VER0`.
pub const PROCREC_VMA_SIZE_VER0: usize = 64;
/// `PROCREC_ROLLUP_SIZE_VER0`.
pub const PROCREC_ROLLUP_SIZE_VER0: usize = 128;

/// `struct process_info`: the header, at offset 0 of the buffer.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Size of this struct as written by the kernel.
    pub size: u32,
    /// Offset of the first `struct procrec`, 0 if none.
    pub first_procrec_offset: u32,
    /// Number of records in the chain.
    pub nr_procrecs: u32,
    /// `PROCESS_INFO_TRUNCATED`.
    pub flags: u32,
    /// The facts requested.
    pub mask: u64,
    /// Every fact bit the kernel knows.
    pub supported_mask: u64,
    /// `MemTotal` of /proc/meminfo.
    pub mem_total_kb: u64,
    /// `MemFree`.
    pub mem_free_kb: u64,
    /// `MemAvailable`.
    pub mem_available_kb: u64,
    /// `Buffers`.
    pub buffers_kb: u64,
    /// `Cached`.
    pub cached_kb: u64,
    /// `SwapTotal`.
    pub swap_total_kb: u64,
    /// `SwapFree`.
    pub swap_free_kb: u64,
}

/// `struct procrec`: the facts about one process or thread.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcRec {
    /// Size of this struct as written by the kernel.
    pub size: u32,
    /// Offset of the next record, 0 for the last.
    pub next_procrec_offset: u32,
    /// Facts filled in this record.
    pub mask: u64,
    /// `PROCREC_*` bits.
    pub status: u32,
    /// Index into `proc` this record answers, -1 under `ALL`.
    pub input_index: i32,
    /// Thread id (the requested id for a `GONE` record).
    pub tid: i32,
    /// Thread group id.
    pub tgid: i32,
    /// Parent's thread group id, 0 if not visible.
    pub ppid: i32,
    /// As /proc/PID/oom_score_adj.
    pub oom_score_adj: i32,
    /// Real uid.
    pub uid_real: u32,
    /// Effective uid.
    pub uid_effective: u32,
    /// Saved set-uid.
    pub uid_saved: u32,
    /// Filesystem uid.
    pub uid_fs: u32,
    /// Real gid.
    pub gid_real: u32,
    /// Effective gid.
    pub gid_effective: u32,
    /// Saved set-gid.
    pub gid_saved: u32,
    /// Filesystem gid.
    pub gid_fs: u32,
    /// Field 18 of /proc/PID/stat.
    pub prio: i32,
    /// Field 19 of /proc/PID/stat.
    pub nice: i32,
    /// `SCHED_*`.
    pub policy: u32,
    /// Offset of the NUL-terminated comm.
    pub comm_offset: u32,
    /// One letter of /proc/PID/stat.
    pub state: u8,
    /// Zero.
    pub reserved0: [u8; 3],
    /// Number of `struct procrec_vma` in the chain.
    pub nr_vmas: u32,
    /// Offset of the first `struct procrec_vma`, 0 if none.
    pub first_vma_offset: u32,
    /// Zero.
    pub reserved1: u32,
    /// `RssAnon` of /proc/PID/status.
    pub rss_anon_kb: u64,
    /// `RssFile`.
    pub rss_file_kb: u64,
    /// `RssShmem`.
    pub rss_shmem_kb: u64,
    /// `VmSize`.
    pub vm_size_kb: u64,
    /// `VmSwap`.
    pub swap_kb: u64,
    /// Changes whenever the memory map may have changed.
    pub vm_seq: u64,
    // PROCREC_SIZE_VER0
    /// User CPU time in ns (field 14 of /proc/PID/stat, in ns).
    pub utime_ns: u64,
    /// System CPU time in ns (field 15).
    pub stime_ns: u64,
    /// Start time after boot in ns (field 22).
    pub start_time_ns: u64,
    /// Minor faults (field 10).
    pub min_flt: u64,
    /// Major faults (field 12).
    pub maj_flt: u64,
    /// Threads in the group (field 20).
    pub nr_threads: u32,
    /// Process group (field 5).
    pub pgid: i32,
    /// Session (field 6).
    pub sid: i32,
    /// Controlling terminal, encoded as stat's `tty_nr` (field 7).
    pub tty_nr: u32,
    /// Foreground process group of the terminal (field 8).
    pub tpgid: i32,
    /// Offset of the command line's bytes.
    pub cmdline_offset: u32,
    /// Bytes of the command line (a NUL follows, not counted).
    pub cmdline_size: u32,
    /// Offset of the `struct procrec_rollup`.
    pub rollup_offset: u32,
    // PROCREC_SIZE_VER1
}

/// `struct procrec_vma`: one VMA.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcRecVma {
    /// Size of this struct as written by the kernel.
    pub size: u32,
    /// Offset of the next VMA of this record, 0 for the last.
    pub next_procrec_vma_offset: u32,
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Offset into the file in bytes.
    pub file_offset: u64,
    /// Inode of the mapped file.
    pub inode: u64,
    /// Major device number of the mapped file.
    pub dev_major: u32,
    /// Minor device number of the mapped file.
    pub dev_minor: u32,
    /// `PROT_READ`, `PROT_WRITE`, `PROT_EXEC`.
    pub prot: u32,
    /// `PROCREC_VMA_*`.
    pub flags: u32,
    /// Offset of the NUL-terminated name, 0 if none.
    pub backing_file_name_offset: u32,
    /// Zero.
    pub reserved0: u32,
}

/// `struct procrec_rollup`: what /proc/PID/smaps_rollup shows, in kB.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProcRecRollup {
    /// Size of this struct as written by the kernel.
    pub size: u32,
    /// Zero.
    pub reserved0: u32,
    /// `Rss`.
    pub rss_kb: u64,
    /// `Pss`.
    pub pss_kb: u64,
    /// `Pss_Dirty`.
    pub pss_dirty_kb: u64,
    /// `Pss_Anon`.
    pub pss_anon_kb: u64,
    /// `Pss_File`.
    pub pss_file_kb: u64,
    /// `Pss_Shmem`.
    pub pss_shmem_kb: u64,
    /// `Shared_Clean`.
    pub shared_clean_kb: u64,
    /// `Shared_Dirty`.
    pub shared_dirty_kb: u64,
    /// `Private_Clean`.
    pub private_clean_kb: u64,
    /// `Private_Dirty`.
    pub private_dirty_kb: u64,
    /// `Referenced`.
    pub referenced_kb: u64,
    /// `Anonymous`.
    pub anonymous_kb: u64,
    /// `Swap`.
    pub swap_kb: u64,
    /// `SwapPss`.
    pub swap_pss_kb: u64,
    /// `Locked`.
    pub locked_kb: u64,
}

const _: () = assert!(core::mem::size_of::<ProcessInfo>() == PROCESS_INFO_SIZE_VER0);
const _: () = assert!(core::mem::size_of::<ProcRec>() == PROCREC_SIZE_VER1);
const _: () = assert!(core::mem::offset_of!(ProcRec, utime_ns) == PROCREC_SIZE_VER0);
const _: () = assert!(core::mem::size_of::<ProcRecVma>() == PROCREC_VMA_SIZE_VER0);
const _: () = assert!(core::mem::size_of::<ProcRecRollup>() == PROCREC_ROLLUP_SIZE_VER0);
const _: () = assert!(core::mem::align_of::<ProcessInfo>() == 8);
const _: () = assert!(core::mem::align_of::<ProcRec>() == 8);
const _: () = assert!(core::mem::align_of::<ProcRecVma>() == 8);
const _: () = assert!(core::mem::align_of::<ProcRecRollup>() == 8);
// The size and the first link sit in the first 8 bytes of every struct.
const _: () = assert!(core::mem::offset_of!(ProcRec, next_procrec_offset) == 4);
const _: () = assert!(core::mem::offset_of!(ProcRecVma, next_procrec_vma_offset) == 4);

/// Implements `to_ne_bytes()` for a uapi struct from its field list (padding stays zero).
macro_rules! to_ne_bytes {
    ($ty:ident, $size:expr, [$($f:ident),* $(,)?]) => {
        impl $ty {
            /// The struct's bytes, as the kernel writes them (native endian, zero padding).
            pub fn to_ne_bytes(&self) -> [u8; $size] {
                let mut out = [0u8; $size];
                $(
                    let b = self.$f.to_ne_bytes();
                    let o = core::mem::offset_of!($ty, $f);
                    out[o..o + b.len()].copy_from_slice(&b);
                )*
                out
            }
        }
    };
}

to_ne_bytes!(
    ProcessInfo,
    PROCESS_INFO_SIZE_VER0,
    [
        size,
        first_procrec_offset,
        nr_procrecs,
        flags,
        mask,
        supported_mask,
        mem_total_kb,
        mem_free_kb,
        mem_available_kb,
        buffers_kb,
        cached_kb,
        swap_total_kb,
        swap_free_kb,
    ]
);

to_ne_bytes!(
    ProcRec,
    PROCREC_SIZE_VER1,
    [
        size,
        next_procrec_offset,
        mask,
        status,
        input_index,
        tid,
        tgid,
        ppid,
        oom_score_adj,
        uid_real,
        uid_effective,
        uid_saved,
        uid_fs,
        gid_real,
        gid_effective,
        gid_saved,
        gid_fs,
        prio,
        nice,
        policy,
        comm_offset,
        state,
        nr_vmas,
        first_vma_offset,
        rss_anon_kb,
        rss_file_kb,
        rss_shmem_kb,
        vm_size_kb,
        swap_kb,
        vm_seq,
        utime_ns,
        stime_ns,
        start_time_ns,
        min_flt,
        maj_flt,
        nr_threads,
        pgid,
        sid,
        tty_nr,
        tpgid,
        cmdline_offset,
        cmdline_size,
        rollup_offset,
    ]
);

to_ne_bytes!(
    ProcRecVma,
    PROCREC_VMA_SIZE_VER0,
    [
        size,
        next_procrec_vma_offset,
        start,
        end,
        file_offset,
        inode,
        dev_major,
        dev_minor,
        prot,
        flags,
        backing_file_name_offset,
    ]
);

to_ne_bytes!(
    ProcRecRollup,
    PROCREC_ROLLUP_SIZE_VER0,
    [
        size,
        rss_kb,
        pss_kb,
        pss_dirty_kb,
        pss_anon_kb,
        pss_file_kb,
        pss_shmem_kb,
        shared_clean_kb,
        shared_dirty_kb,
        private_clean_kb,
        private_dirty_kb,
        referenced_kb,
        anonymous_kb,
        swap_kb,
        swap_pss_kb,
        locked_kb,
    ]
);
