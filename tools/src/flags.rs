// SPDX-License-Identifier: MIT OR Apache-2.0

//! Typed bit sets: the facts ([`Mask`]), the selection flags ([`Flags`]), a record's
//! [`Status`], the header's [`InfoFlags`], and a VMA's [`Prot`] and [`VmaFlags`].

use std::fmt;
use std::str::FromStr;

use crate::uapi;

bitflags::bitflags! {
    /// The facts a call asks for (`PROCESS_INFO_*`), and those a record holds.
    ///
    /// ```
    /// use process_getinfo::Mask;
    /// let m = Mask::IDS | Mask::COMM;
    /// assert!(m.contains(Mask::IDS));
    /// assert_eq!("ids,comm".parse::<Mask>().unwrap(), m);
    /// assert!("ids,bogus".parse::<Mask>().is_err());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub struct Mask: u64 {
        /// The header's system memory counters, as /proc/meminfo.
        const MEMINFO = uapi::PROCESS_INFO_MEMINFO;
        /// `tid`, `tgid`, `ppid`.
        const IDS = uapi::PROCESS_INFO_IDS;
        /// The one-letter state of /proc/PID/stat.
        const STATUS = uapi::PROCESS_INFO_STATUS;
        /// `oom_score_adj`.
        const OOM_SCORE_ADJ = uapi::PROCESS_INFO_OOM_SCORE_ADJ;
        /// Real, effective, saved and filesystem uids and gids.
        const CREDS = uapi::PROCESS_INFO_CREDS;
        /// `prio`, `nice`, `policy`.
        const PRIO = uapi::PROCESS_INFO_PRIO;
        /// The command name of /proc/PID/comm.
        const COMM = uapi::PROCESS_INFO_COMM;
        /// `RssAnon`, `RssFile`, `RssShmem`, `VmSize`, `VmSwap`.
        const VM_COUNTERS = uapi::PROCESS_INFO_VM_COUNTERS;
        /// The memory map change cookie.
        const VM_SEQ = uapi::PROCESS_INFO_VM_SEQ;
        /// The memory map, one entry per VMA.
        const MEMORY_MAP = uapi::PROCESS_INFO_MEMORY_MAP;
        /// CPU times, start time, faults and thread count, as /proc/PID/stat.
        const CPU_TIMES = uapi::PROCESS_INFO_CPU_TIMES;
        /// Process group, session, controlling terminal and its foreground group.
        const SESSION = uapi::PROCESS_INFO_SESSION;
        /// The command line, as /proc/PID/cmdline.
        const CMDLINE = uapi::PROCESS_INFO_CMDLINE;
        /// The memory counters of /proc/PID/smaps_rollup (RSS, PSS, USS, swap...).
        const MEMORY_ROLLUP = uapi::PROCESS_INFO_MEMORY_ROLLUP;
    }
}

impl Mask {
    /// The facts that live in records (every bit but [`Mask::MEMINFO`]).
    pub const RECORD: Mask = Mask::all().difference(Mask::MEMINFO);

    /// The facts that do not apply to a process without memory (a kernel thread, an exited
    /// process): the kernel leaves them out of such a record without `NOACCESS`.
    pub const NEEDS_MM: Mask = Mask::VM_COUNTERS
        .union(Mask::VM_SEQ)
        .union(Mask::MEMORY_MAP)
        .union(Mask::CMDLINE)
        .union(Mask::MEMORY_ROLLUP);

    /// The facts of the first version of the call (`PROCREC_SIZE_VER0` records): a kernel
    /// that knows only these never writes the fields of the others.
    pub const VER0: Mask = Mask::MEMINFO
        .union(Mask::IDS)
        .union(Mask::STATUS)
        .union(Mask::OOM_SCORE_ADJ)
        .union(Mask::CREDS)
        .union(Mask::PRIO)
        .union(Mask::COMM)
        .union(Mask::VM_COUNTERS)
        .union(Mask::VM_SEQ)
        .union(Mask::MEMORY_MAP);

    /// Parses one fact name, case-insensitively: `meminfo`, `ids`, `status`,
    /// `oom_score_adj`, `creds`, `prio`, `comm`, `vm_counters`, `vm_seq`, `memory_map`,
    /// `cpu_times`, `session`, `cmdline`, `memory_rollup` (`-` may stand for `_`), or `all`.
    pub fn parse_name(name: &str) -> Option<Mask> {
        let n = name.trim().to_ascii_uppercase().replace('-', "_");
        if n == "ALL" {
            return Some(Mask::all());
        }
        Mask::from_name(&n)
    }

    /// The lowercase names of the known facts in this mask, in bit order.
    pub fn names(self) -> impl Iterator<Item = String> {
        self.iter_names().map(|(n, _)| n.to_ascii_lowercase())
    }
}

/// The error of [`Mask::from_str`]: a name that is no fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseMaskError {
    name: String,
}

impl ParseMaskError {
    /// The name that is no fact.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for ParseMaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown fact {:?}", self.name)
    }
}

impl std::error::Error for ParseMaskError {}

impl FromStr for Mask {
    type Err = ParseMaskError;

    /// Parses a comma-separated list of fact names (see [`Mask::parse_name`]); an empty list
    /// is the empty mask.
    fn from_str(list: &str) -> Result<Mask, ParseMaskError> {
        list.split(',')
            .filter(|s| !s.trim().is_empty())
            .try_fold(Mask::empty(), |m, s| {
                Mask::parse_name(s)
                    .map(|b| m | b)
                    .ok_or_else(|| ParseMaskError {
                        name: s.trim().to_string(),
                    })
            })
    }
}

bitflags::bitflags! {
    /// The selection flags of the call (`PROCESS_GETINFO_*`). The safe [`crate::Query`] sets
    /// them from its builder methods; they are public for the raw wrapper.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Flags: u32 {
        /// Every process visible in the caller's pid namespace.
        const ALL = uapi::PROCESS_GETINFO_ALL;
        /// One record per thread.
        const THREADS = uapi::PROCESS_GETINFO_THREADS;
        /// The ids are pidfds.
        const PIDFD = uapi::PROCESS_GETINFO_PIDFD;
        /// Fail with ESRCH/EACCES instead of per-record status.
        const STRICT = uapi::PROCESS_GETINFO_STRICT;
    }
}

bitflags::bitflags! {
    /// The header's `flags`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct InfoFlags: u32 {
        /// The call failed with E2BIG: the buffer holds a valid prefix only.
        const TRUNCATED = uapi::PROCESS_INFO_TRUNCATED;
    }
}

bitflags::bitflags! {
    /// A record's `status`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Status: u32 {
        /// The id names no visible process; the record's `tid` holds the requested id.
        const GONE = uapi::PROCREC_GONE;
        /// Some requested fact was denied and is left out of the record's mask.
        const NOACCESS = uapi::PROCREC_NOACCESS;
    }
}

bitflags::bitflags! {
    /// A VMA's protection (`PROT_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Prot: u32 {
        /// `PROT_READ`.
        const READ = libc::PROT_READ as u32;
        /// `PROT_WRITE`.
        const WRITE = libc::PROT_WRITE as u32;
        /// `PROT_EXEC`.
        const EXEC = libc::PROT_EXEC as u32;
    }
}

bitflags::bitflags! {
    /// A VMA's `flags` (`PROCREC_VMA_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct VmaFlags: u32 {
        /// Shared mapping (`s` in /proc/PID/maps).
        const SHARED = uapi::PROCREC_VMA_SHARED;
        /// Locked in memory (mlock).
        const LOCKED = uapi::PROCREC_VMA_LOCKED;
        /// A hugetlbfs mapping.
        const HUGETLB = uapi::PROCREC_VMA_HUGETLB;
        /// The name is a special `[bracketed]` one (`[heap]`, `[stack]`, `[vdso]`...).
        const SPECIAL = uapi::PROCREC_VMA_SPECIAL;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_names() {
        assert_eq!(Mask::parse_name("oom-score-adj"), Some(Mask::OOM_SCORE_ADJ));
        assert_eq!(Mask::parse_name("Memory_Map"), Some(Mask::MEMORY_MAP));
        assert_eq!(Mask::parse_name("all"), Some(Mask::all()));
        assert_eq!(Mask::parse_name("bogus"), None);
        let e = "ids,bogus".parse::<Mask>().unwrap_err();
        assert_eq!(e.name(), "bogus");
        assert_eq!(e.to_string(), "unknown fact \"bogus\"");
        assert_eq!("".parse::<Mask>().unwrap(), Mask::empty());
        assert_eq!(
            (Mask::IDS | Mask::VM_SEQ).names().collect::<Vec<_>>(),
            ["ids", "vm_seq"]
        );
    }

    #[test]
    fn mask_matches_header() {
        assert_eq!(
            Mask::all().bits(),
            (uapi::PROCESS_INFO_MEMORY_ROLLUP << 1) - 1
        );
        assert_eq!(Mask::VER0.bits(), (uapi::PROCESS_INFO_MEMORY_MAP << 1) - 1);
        assert!(!Mask::RECORD.contains(Mask::MEMINFO));
        assert_eq!(
            "cpu-times,session,cmdline,memory_rollup".parse::<Mask>(),
            Ok(Mask::CPU_TIMES | Mask::SESSION | Mask::CMDLINE | Mask::MEMORY_ROLLUP)
        );
    }
}
