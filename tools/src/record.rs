// SPDX-License-Identifier: MIT OR Apache-2.0

//! The typed facts of a record, as the parser returns them and the encoder takes them.
//!
//! With the `serde` feature they implement `Serialize` and `Deserialize`; see the `serialization` module
//! for the representation.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::flags::{Prot, VmaFlags};

/// `PROCESS_INFO_IDS`: ids in the caller's pid namespace.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Ids {
    /// The thread id (the pid for a thread group leader).
    pub tid: i32,
    /// The thread group id: what `ps` calls the pid.
    pub tgid: i32,
    /// The parent's thread group id; 0 when the parent is not visible.
    pub ppid: i32,
}

/// Four ids of one kind, as a `Uid:` or `Gid:` line of /proc/PID/status.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IdSet {
    /// Real.
    pub real: u32,
    /// Effective.
    pub effective: u32,
    /// Saved set-id.
    pub saved: u32,
    /// Filesystem.
    pub fs: u32,
}

/// `PROCESS_INFO_CREDS`: mapped into the caller's user namespace (the overflow id when
/// unmapped).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Creds {
    /// The uids.
    pub uid: IdSet,
    /// The gids.
    pub gid: IdSet,
}

/// `PROCESS_INFO_PRIO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Prio {
    /// Field 18 (`priority`) of /proc/PID/stat: 0..39 for normal tasks (nice + 20), -2..-100
    /// for real-time ones (-1 - rt_priority), -101 for deadline tasks.
    pub prio: i32,
    /// Field 19 (`nice`) of /proc/PID/stat.
    pub nice: i32,
    /// The scheduling policy (field 41 of /proc/PID/stat).
    pub policy: Policy,
}

impl Prio {
    /// `ps -o pri`: 39 minus the priority, so that larger is more important (19 for nice 0,
    /// 139 for SCHED_FIFO 99), as procps computes it.
    pub fn ps_pri(&self) -> i64 {
        39 - i64::from(self.prio)
    }

    /// `ps -o ni`: the nice value, or `None` where procps prints `-` (a policy other than
    /// SCHED_OTHER and SCHED_BATCH, whose tasks nice does not weigh).
    pub fn ps_nice(&self) -> Option<i32> {
        matches!(self.policy, Policy::Other | Policy::Batch).then_some(self.nice)
    }
}

/// A scheduling policy (`SCHED_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    /// `SCHED_OTHER` (`SCHED_NORMAL`): the default time-sharing policy.
    #[default]
    Other,
    /// `SCHED_FIFO`: real-time, first in first out.
    Fifo,
    /// `SCHED_RR`: real-time, round robin.
    RoundRobin,
    /// `SCHED_BATCH`: time-sharing for batch work.
    Batch,
    /// `SCHED_IDLE`: only when nothing else runs.
    Idle,
    /// `SCHED_DEADLINE`: earliest deadline first.
    Deadline,
    /// A value this crate does not know (e.g. a policy newer than it).
    Unknown(u32),
}

impl Policy {
    /// The policy of a `SCHED_*` value.
    pub fn from_raw(raw: u32) -> Policy {
        match i32::try_from(raw) {
            Ok(libc::SCHED_OTHER) => Policy::Other,
            Ok(libc::SCHED_FIFO) => Policy::Fifo,
            Ok(libc::SCHED_RR) => Policy::RoundRobin,
            Ok(libc::SCHED_BATCH) => Policy::Batch,
            Ok(libc::SCHED_IDLE) => Policy::Idle,
            Ok(libc::SCHED_DEADLINE) => Policy::Deadline,
            _ => Policy::Unknown(raw),
        }
    }

    /// The `SCHED_*` value.
    pub fn to_raw(self) -> u32 {
        let raw = match self {
            Policy::Other => libc::SCHED_OTHER,
            Policy::Fifo => libc::SCHED_FIFO,
            Policy::RoundRobin => libc::SCHED_RR,
            Policy::Batch => libc::SCHED_BATCH,
            Policy::Idle => libc::SCHED_IDLE,
            Policy::Deadline => libc::SCHED_DEADLINE,
            Policy::Unknown(raw) => return raw,
        };
        raw.unsigned_abs()
    }

    /// The policy as `ps -o cls` shows it: TS, FF, RR, B, IDL, DLN, or `#N` for another value.
    pub fn ps_class(self) -> Cow<'static, str> {
        match self {
            Policy::Other => "TS".into(),
            Policy::Fifo => "FF".into(),
            Policy::RoundRobin => "RR".into(),
            Policy::Batch => "B".into(),
            Policy::Idle => "IDL".into(),
            Policy::Deadline => "DLN".into(),
            Policy::Unknown(raw) => format!("#{raw}").into(),
        }
    }
}

/// `PROCESS_INFO_STATUS`: the one-letter state of /proc/PID/stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// `R`: running or runnable.
    Running,
    /// `S`: interruptible sleep.
    Sleeping,
    /// `D`: uninterruptible sleep.
    DiskSleep,
    /// `T`: stopped by a signal.
    Stopped,
    /// `t`: stopped by a tracer.
    TracingStop,
    /// `X`: dead.
    Dead,
    /// `Z`: zombie, exited and not yet reaped.
    Zombie,
    /// `P`: parked (a kernel thread).
    Parked,
    /// `I`: idle (a kernel thread).
    Idle,
    /// A letter this crate does not know.
    Unknown(u8),
}

impl State {
    /// The state of a letter of /proc/PID/stat.
    pub fn from_byte(b: u8) -> State {
        match b {
            b'R' => State::Running,
            b'S' => State::Sleeping,
            b'D' => State::DiskSleep,
            b'T' => State::Stopped,
            b't' => State::TracingStop,
            b'X' => State::Dead,
            b'Z' => State::Zombie,
            b'P' => State::Parked,
            b'I' => State::Idle,
            other => State::Unknown(other),
        }
    }

    /// The letter, as a byte.
    pub fn as_byte(self) -> u8 {
        match self {
            State::Running => b'R',
            State::Sleeping => b'S',
            State::DiskSleep => b'D',
            State::Stopped => b'T',
            State::TracingStop => b't',
            State::Dead => b'X',
            State::Zombie => b'Z',
            State::Parked => b'P',
            State::Idle => b'I',
            State::Unknown(b) => b,
        }
    }

    /// The letter (an unknown byte as the `char` of the same value).
    pub fn as_char(self) -> char {
        char::from(self.as_byte())
    }
}

impl fmt::Display for State {
    /// The letter; an unknown byte that is not a printable ASCII character as `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.as_byte();
        let c = if b.is_ascii_graphic() {
            char::from(b)
        } else {
            '?'
        };
        write!(f, "{c}")
    }
}

/// Defines a struct of KiB counters that a /proc file shows, one line per counter: its field
/// (with its doc), the name the file gives it, and (by the field's name) the field of the uapi
/// struct that carries it. Each counter is so written once for the struct, `entries()`, the
/// procfs backend (`from_names`), the parser (`read_raw`) and the encoder (`write_raw`).
macro_rules! kb_counters {
    (
        $(#[$attr:meta])*
        pub struct $name:ident: $n:literal counters of $file:literal in $raw:ident {
            $( $(#[$doc:meta])* $field:ident = $key:literal, )*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $( $(#[$doc])* pub $field: u64, )*
        }

        impl $name {
            #[doc = concat!("`(name, value)` pairs with the names ", $file, " uses, in its order.")]
            pub fn entries(&self) -> [(&'static str, u64); $n] {
                [$( ($key, self.$field), )*]
            }

            /// The counters, each from `kb` of its name.
            pub(crate) fn from_names(mut kb: impl FnMut(&str) -> u64) -> $name {
                $name { $( $field: kb($key), )* }
            }

            #[doc = concat!(
                "The counters of a `", stringify!($raw), "`, each from `read` of its offset there."
            )]
            pub(crate) fn read_raw<E>(
                mut read: impl FnMut(usize) -> Result<u64, E>,
            ) -> Result<$name, E> {
                Ok($name {
                    $( $field: read(core::mem::offset_of!(crate::uapi::$raw, $field))?, )*
                })
            }

            #[doc = concat!(
                "Writes the counters into the `", stringify!($raw), "` that carries them."
            )]
            pub(crate) fn write_raw(&self, raw: &mut crate::uapi::$raw) {
                $( raw.$field = self.$field; )*
            }
        }
    };
}

kb_counters! {
    /// `PROCESS_INFO_VM_COUNTERS`, in KiB, as /proc/PID/status shows them.
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct VmCounters: 5 counters of "/proc/PID/status" in ProcRec {
        /// `RssAnon`.
        rss_anon_kb = "RssAnon",
        /// `RssFile`.
        rss_file_kb = "RssFile",
        /// `RssShmem`.
        rss_shmem_kb = "RssShmem",
        /// `VmSize`.
        vm_size_kb = "VmSize",
        /// `VmSwap`.
        swap_kb = "VmSwap",
    }
}

impl VmCounters {
    /// The resident set (`VmRSS`, the RSS column of `ps`): anon + file + shmem.
    pub fn rss_kb(&self) -> u64 {
        self.rss_anon_kb
            .saturating_add(self.rss_file_kb)
            .saturating_add(self.rss_shmem_kb)
    }
}

/// `PROCESS_INFO_CPU_TIMES`: what /proc/PID/stat says of CPU time, start time, faults and
/// threads. Thread-group totals in a process's record; the thread's own (as
/// /proc/PID/task/TID/stat) in a record of `THREADS`.
///
/// The system call gives nanoseconds; /proc gives clock ticks (`USER_HZ`, 100 a second), so
/// the procfs backend's times are whole ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CpuTimes {
    /// Time in user mode (field 14, `utime`).
    pub utime: Duration,
    /// Time in kernel mode (field 15, `stime`).
    pub stime: Duration,
    /// When the process started, after boot (field 22, `starttime`), on the clock of
    /// `CLOCK_BOOTTIME` (which /proc/uptime shows).
    pub start_time: Duration,
    /// Minor faults (field 10, `minflt`).
    pub min_flt: u64,
    /// Major faults (field 12, `majflt`).
    pub maj_flt: u64,
    /// Threads in the thread group (field 20, `num_threads`).
    pub nr_threads: u32,
}

impl CpuTimes {
    /// User plus system time: what `ps -o time` shows.
    pub fn total(&self) -> Duration {
        self.utime.saturating_add(self.stime)
    }
}

/// A controlling terminal as /proc/PID/stat encodes it (field 7, `tty_nr`): 0 for none.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TtyNr(pub u32);

impl TtyNr {
    /// Whether the process has no controlling terminal.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// The device's major number (bits 8-19 of `tty_nr`, as the kernel's `new_encode_dev`).
    pub fn major(self) -> u32 {
        (self.0 >> 8) & 0xfff
    }

    /// The device's minor number (bits 0-7 and 20-31).
    pub fn minor(self) -> u32 {
        (self.0 & 0xff) | ((self.0 >> 12) & 0xfff00)
    }

    /// The terminal's name by procps's major/minor rules alone, without looking at /dev
    /// (`pts/3`, `tty1`, `ttyS0`, `ttyUSB0`...): `None` for no terminal or a major number those
    /// rules do not know. [`crate::tty::TtyNames`] resolves names the way `ps` does, checking
    /// /dev first.
    ///
    /// ```
    /// use process_getinfo::TtyNr;
    /// assert_eq!(TtyNr((136 << 8) | 3).rule_name().as_deref(), Some("pts/3"));
    /// assert_eq!(TtyNr((4 << 8) | 1).rule_name().as_deref(), Some("tty1"));
    /// assert_eq!(TtyNr((4 << 8) | 64).rule_name().as_deref(), Some("ttyS0"));
    /// assert_eq!(TtyNr(0).rule_name(), None);
    /// ```
    pub fn rule_name(self) -> Option<String> {
        if self.is_none() {
            return None;
        }
        crate::tty::rule_path(self.major(), self.minor())
            .map(|p| p.strip_prefix("/dev/").unwrap_or(&p).to_string())
    }
}

impl fmt::Display for TtyNr {
    /// `major:minor`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.major(), self.minor())
    }
}

/// `PROCESS_INFO_SESSION`: fields 5 to 8 of /proc/PID/stat.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Session {
    /// The process group (`pgrp`).
    pub pgid: i32,
    /// The session (`session`).
    pub sid: i32,
    /// The controlling terminal.
    pub tty_nr: TtyNr,
    /// The foreground process group of the controlling terminal (`tpgid`), -1 without one.
    pub tpgid: i32,
}

impl Session {
    /// Whether the process with thread group id `tgid` leads this session (`s` in ps's STAT).
    pub fn is_leader(&self, tgid: i32) -> bool {
        self.sid == tgid
    }

    /// Whether the process is in its terminal's foreground process group (`+` in ps's STAT).
    pub fn is_foreground(&self) -> bool {
        self.pgid == self.tpgid
    }
}

/// `PROCESS_INFO_CMDLINE`: the bytes /proc/PID/cmdline returns, borrowed from the buffer:
/// normally the arguments, each followed by a NUL; a process that rewrote its argument area
/// may show anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cmdline<'a>(&'a [u8]);

impl<'a> Cmdline<'a> {
    /// The command line of these bytes (as /proc/PID/cmdline returns them).
    pub fn new(bytes: &'a [u8]) -> Cmdline<'a> {
        Cmdline(bytes)
    }

    /// The bytes, as /proc/PID/cmdline returns them.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// Whether it is empty (e.g. a process that exec'd with no arguments at all).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The arguments: the bytes split at each NUL, the NUL that ends the last one not making
    /// an empty argument after it (empty arguments in between are kept).
    ///
    /// ```
    /// use process_getinfo::Cmdline;
    /// let c = Cmdline::new(b"ls\0-l\0\0/tmp\0");
    /// assert_eq!(c.args().collect::<Vec<_>>(), [&b"ls"[..], b"-l", b"", b"/tmp"]);
    /// assert_eq!(Cmdline::new(b"rewritten title").args().count(), 1);
    /// assert_eq!(Cmdline::new(b"").args().count(), 0);
    /// ```
    pub fn args(&self) -> impl DoubleEndedIterator<Item = &'a [u8]> + Clone + 'a {
        let body = self.0.strip_suffix(b"\0").unwrap_or(self.0);
        let none = self.0.is_empty();
        body.split(|&c| c == 0).filter(move |_| !none)
    }

    /// The command line as `ps -o args` shows it: trailing NULs dropped, every other NUL and
    /// newline a space (control characters are left to the caller to escape).
    pub fn ps_bytes(&self) -> Vec<u8> {
        let end = self.0.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
        self.0[..end]
            .iter()
            .map(|&c| if c == 0 || c == b'\n' { b' ' } else { c })
            .collect()
    }
}

kb_counters! {
    /// `PROCESS_INFO_MEMORY_ROLLUP`: the counters of /proc/PID/smaps_rollup, in KiB.
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Rollup: 15 counters of "smaps_rollup" in ProcRecRollup {
        /// `Rss`: resident memory.
        rss_kb = "Rss",
        /// `Pss`: proportional set size (each page divided among the processes mapping it).
        pss_kb = "Pss",
        /// `Pss_Dirty`.
        pss_dirty_kb = "Pss_Dirty",
        /// `Pss_Anon`.
        pss_anon_kb = "Pss_Anon",
        /// `Pss_File`.
        pss_file_kb = "Pss_File",
        /// `Pss_Shmem`.
        pss_shmem_kb = "Pss_Shmem",
        /// `Shared_Clean`.
        shared_clean_kb = "Shared_Clean",
        /// `Shared_Dirty`.
        shared_dirty_kb = "Shared_Dirty",
        /// `Private_Clean`.
        private_clean_kb = "Private_Clean",
        /// `Private_Dirty`.
        private_dirty_kb = "Private_Dirty",
        /// `Referenced`.
        referenced_kb = "Referenced",
        /// `Anonymous`.
        anonymous_kb = "Anonymous",
        /// `Swap`.
        swap_kb = "Swap",
        /// `SwapPss`: swap divided among the processes sharing it.
        swap_pss_kb = "SwapPss",
        /// `Locked`: the PSS of mlocked mappings.
        locked_kb = "Locked",
    }
}

impl Rollup {
    /// The unique set size (procrank's and smem's USS): `Private_Clean` + `Private_Dirty`, the
    /// memory freed if the process exits.
    pub fn uss_kb(&self) -> u64 {
        self.private_clean_kb.saturating_add(self.private_dirty_kb)
    }
}

kb_counters! {
    /// `PROCESS_INFO_MEMINFO`: the header's system memory counters, in KiB, as /proc/meminfo.
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Meminfo: 7 counters of "/proc/meminfo" in ProcessInfo {
        /// `MemTotal`.
        mem_total_kb = "MemTotal",
        /// `MemFree`.
        mem_free_kb = "MemFree",
        /// `MemAvailable`.
        mem_available_kb = "MemAvailable",
        /// `Buffers`.
        buffers_kb = "Buffers",
        /// `Cached`.
        cached_kb = "Cached",
        /// `SwapTotal`.
        swap_total_kb = "SwapTotal",
        /// `SwapFree`.
        swap_free_kb = "SwapFree",
    }
}

/// One VMA of a memory map. `name` borrows from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Vma<'a> {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Offset into the file, in bytes (the offset column of maps).
    pub file_offset: u64,
    /// Inode of the mapped file, 0 for anonymous memory.
    pub inode: u64,
    /// Major device number.
    pub dev_major: u32,
    /// Minor device number.
    pub dev_minor: u32,
    /// Protection.
    pub prot: Prot,
    /// Shared, locked, hugetlb, special.
    pub flags: VmaFlags,
    /// The name /proc/PID/maps prints (unescaped), without its NUL; `None` when it prints none.
    pub name: Option<&'a [u8]>,
}

impl<'a> Vma<'a> {
    /// The permission column of maps, e.g. `r-xp`.
    pub fn perms(&self) -> [u8; 4] {
        let bit = |p: Prot, c: u8| if self.prot.contains(p) { c } else { b'-' };
        [
            bit(Prot::READ, b'r'),
            bit(Prot::WRITE, b'w'),
            bit(Prot::EXEC, b'x'),
            if self.flags.contains(VmaFlags::SHARED) {
                b's'
            } else {
                b'p'
            },
        ]
    }

    /// The name, lossily decoded as UTF-8.
    pub fn name_lossy(&self) -> Option<Cow<'a, str>> {
        self.name.map(String::from_utf8_lossy)
    }

    /// Appends the line /proc/PID/maps would print for this VMA (64-bit layout, without the
    /// newline), escaping a newline in the name as `\012` as the kernel does.
    pub fn write_maps_line(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let p = self.perms();
        let head = format!(
            "{:08x}-{:08x} {} {:08x} {:02x}:{:02x} {} ",
            self.start,
            self.end,
            String::from_utf8_lossy(&p),
            self.file_offset,
            self.dev_major,
            self.dev_minor,
            self.inode
        );
        out.extend_from_slice(head.as_bytes());
        if let Some(name) = self.name {
            // seq_pad(): the name starts after column 72, then one space.
            let width = out.len() - start;
            out.resize(out.len() + 72usize.saturating_sub(width), b' ');
            out.push(b' ');
            for &c in name {
                if c == b'\n' {
                    out.extend_from_slice(b"\\012");
                } else {
                    out.push(c);
                }
            }
        }
    }

    /// [`Vma::write_maps_line`] as a (lossy) string.
    pub fn maps_line(&self) -> String {
        let mut v = Vec::new();
        self.write_maps_line(&mut v);
        String::from_utf8_lossy(&v).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_line_matches_procfs_layout() {
        let v = Vma {
            start: 0x5555_5555_4000,
            end: 0x5555_5555_6000,
            file_offset: 0x2000,
            inode: 1234,
            dev_major: 8,
            dev_minor: 1,
            prot: Prot::READ | Prot::EXEC,
            flags: VmaFlags::empty(),
            name: Some(b"/usr/bin/cat"),
        };
        let line = v.maps_line();
        assert_eq!(
            line,
            "555555554000-555555556000 r-xp 00002000 08:01 1234                       /usr/bin/cat"
        );
        assert_eq!(line.find('/'), Some(73));
        let anon = Vma {
            name: None,
            flags: VmaFlags::SHARED,
            prot: Prot::READ | Prot::WRITE,
            ..v
        };
        assert!(anon.maps_line().ends_with(" rw-s 00002000 08:01 1234 "));
        let nl = Vma {
            name: Some(b"a\nb"),
            ..v
        };
        assert!(nl.maps_line().ends_with(" a\\012b"));
    }

    #[test]
    fn rss_is_the_sum() {
        let c = VmCounters {
            rss_anon_kb: 1,
            rss_file_kb: 2,
            rss_shmem_kb: 4,
            vm_size_kb: 100,
            swap_kb: 0,
        };
        assert_eq!(c.rss_kb(), 7);
    }

    #[test]
    fn policies_and_states() {
        for raw in 0..9 {
            assert_eq!(Policy::from_raw(raw).to_raw(), raw);
        }
        assert_eq!(Policy::from_raw(libc::SCHED_FIFO as u32), Policy::Fifo);
        assert_eq!(Policy::from_raw(7), Policy::Unknown(7));
        assert_eq!(Policy::Fifo.ps_class(), "FF");
        assert_eq!(Policy::Unknown(7).ps_class(), "#7");
        for b in 0..=255u8 {
            assert_eq!(State::from_byte(b).as_byte(), b);
        }
        assert_eq!(State::from_byte(b'Z'), State::Zombie);
        assert_eq!(State::Unknown(0x1b).to_string(), "?");
        // procps's pri: 39 - priority; its ni: `-` for real-time policies.
        let fifo99 = Prio {
            prio: -100,
            nice: 0,
            policy: Policy::Fifo,
        };
        assert_eq!(fifo99.ps_pri(), 139);
        assert_eq!(fifo99.ps_nice(), None);
        let normal = Prio {
            prio: 20,
            nice: 0,
            policy: Policy::Other,
        };
        assert_eq!(normal.ps_pri(), 19);
        assert_eq!(normal.ps_nice(), Some(0));
    }

    #[test]
    fn tty_numbers_decode_as_stat_encodes_them() {
        // new_encode_dev(): minor's low byte, major, then minor's high bits.
        let pts_300 = TtyNr((136 << 8) | (300 & 0xff) | ((300 & !0xff) << 12));
        assert_eq!((pts_300.major(), pts_300.minor()), (136, 300));
        assert_eq!(pts_300.rule_name().as_deref(), Some("pts/300"));
        assert_eq!(
            TtyNr((137 << 8) | 2).rule_name().as_deref(),
            Some("pts/258")
        );
        assert_eq!(
            TtyNr((188 << 8) | 1).rule_name().as_deref(),
            Some("ttyUSB1")
        );
        assert_eq!(TtyNr((1 << 8) | 3).rule_name(), None);
        assert_eq!(TtyNr((4 << 8) | 1).to_string(), "4:1");
    }

    #[test]
    fn command_lines() {
        let c = Cmdline::new(b"sh\0-c\0echo a\nb\0\0");
        assert_eq!(c.args().count(), 4);
        assert_eq!(c.ps_bytes(), b"sh -c echo a b");
        assert_eq!(Cmdline::new(b"\0\0").args().collect::<Vec<_>>(), [b"", b""]);
        assert_eq!(Cmdline::new(b"\0\0").ps_bytes(), b"");
        let r = Rollup {
            private_clean_kb: 3,
            private_dirty_kb: 4,
            ..Default::default()
        };
        assert_eq!(r.uss_kb(), 7);
        assert_eq!(r.entries()[8], ("Private_Clean", 3));
    }
}
