// SPDX-License-Identifier: GPL-2.0

//! The typed facts of a record, as the parser returns them and the encoder takes them.

use std::borrow::Cow;
use std::fmt;

use crate::flags::{Prot, VmaFlags};

/// `PROCESS_INFO_IDS`: ids in the caller's pid namespace.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Creds {
    /// The uids.
    pub uid: IdSet,
    /// The gids.
    pub gid: IdSet,
}

/// `PROCESS_INFO_PRIO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Prio {
    /// Field 18 (`priority`) of /proc/PID/stat.
    pub prio: i32,
    /// Field 19 (`nice`) of /proc/PID/stat.
    pub nice: i32,
    /// The scheduling policy, `SCHED_*` (field 41 of /proc/PID/stat).
    pub policy: u32,
}

impl Prio {
    /// The policy as `ps -o cls` shows it: TS, FF, RR, B, IDL, DLN, or `?`.
    pub fn policy_name(&self) -> &'static str {
        match self.policy {
            0 => "TS",
            1 => "FF",
            2 => "RR",
            3 => "B",
            5 => "IDL",
            6 => "DLN",
            _ => "?",
        }
    }
}

/// `PROCESS_INFO_STATUS`: the one-letter state of /proc/PID/stat (R, S, D, T, t, X, Z, P, I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct State(pub u8);

impl State {
    /// The letter.
    pub fn as_char(self) -> char {
        char::from(self.0)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

/// `PROCESS_INFO_VM_COUNTERS`, in KiB, as /proc/PID/status shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VmCounters {
    /// `RssAnon`.
    pub rss_anon_kb: u64,
    /// `RssFile`.
    pub rss_file_kb: u64,
    /// `RssShmem`.
    pub rss_shmem_kb: u64,
    /// `VmSize`.
    pub vm_size_kb: u64,
    /// `VmSwap`.
    pub swap_kb: u64,
}

impl VmCounters {
    /// The resident set (`VmRSS`, the RSS column of `ps`): anon + file + shmem.
    pub fn rss_kb(&self) -> u64 {
        self.rss_anon_kb
            .saturating_add(self.rss_file_kb)
            .saturating_add(self.rss_shmem_kb)
    }
}

/// `PROCESS_INFO_MEMINFO`: the header's system memory counters, in KiB, as /proc/meminfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Meminfo {
    /// `MemTotal`.
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

impl Meminfo {
    /// `(name, value)` pairs with the names /proc/meminfo uses, in its order.
    pub fn entries(&self) -> [(&'static str, u64); 7] {
        [
            ("MemTotal", self.mem_total_kb),
            ("MemFree", self.mem_free_kb),
            ("MemAvailable", self.mem_available_kb),
            ("Buffers", self.buffers_kb),
            ("Cached", self.cached_kb),
            ("SwapTotal", self.swap_total_kb),
            ("SwapFree", self.swap_free_kb),
        ]
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
        assert_eq!(
            Prio {
                policy: 1,
                ..Default::default()
            }
            .policy_name(),
            "FF"
        );
    }
}
