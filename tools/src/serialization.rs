// SPDX-License-Identifier: MIT OR Apache-2.0

//! The `serde` representation of the crate's types (with the `serde` feature).
//!
//! It is made for JSON consumers, including those that read every number as a double:
//!
//! - Values that can pass 2^53 are strings: addresses and file offsets in lowercase hex without
//!   `0x`, zero-padded to 8 digits as /proc/PID/maps prints them (`"7ffd1000"`), inodes,
//!   `vm_seq`, CPU times in nanoseconds (2^53 ns is 104 days of CPU time) and fault counts in
//!   decimal (`"4242"`). Counters in KiB, ids, priorities and thread counts are numbers (a KiB
//!   count of a 64-bit address space stays below 2^54 / 1024).
//! - Byte strings (comm, file names) are a JSON string when they are valid UTF-8, with JSON's
//!   escapes for control characters (`"ev\u001b[31mil\nNEWLI"`); otherwise an object
//!   `{"hex": "..."}` holding every byte as two lowercase hex digits. Either way the exact
//!   bytes come back.
//! - Bit sets ([`Mask`], [`Status`], [`VmaFlags`], [`Prot`], [`InfoFlags`]) are arrays of
//!   lowercase names (`["ids", "comm"]`); bits this crate does not know are a hex string
//!   (`"0x400"`).
//! - [`State`] is its letter (`"S"`), [`Policy`] its lowercase name (`"fifo"`, or the number for
//!   an unknown one).
//! - A [`Record`] holds `input_index` (or null), `status`, `tid`, each fact it has under the
//!   fact's name, and `denied`: the requested facts left out because they were denied. A fact
//!   absent from the object was not requested or does not apply (see [`Record::denied`]).
//!   `cpu_times` is `{"utime_ns", "stime_ns", "start_time_ns", "min_flt", "maj_flt"}` (decimal
//!   strings) and `nr_threads`; `session` is `{"pgid", "sid", "tty_nr", "tpgid"}` (`tty_nr`
//!   encoded as stat's field 7); `cmdline` is the array of arguments (each a byte string as
//!   below); `memory_rollup` holds the fifteen `*_kb` counters of smaps_rollup.
//! - A [`Vma`] holds `start`, `end`, `perms` (`"r-xp"`), `offset`, `dev` (`"08:01"`),
//!   `inode`, `flags` and `name` (absent when maps prints none).
//!
//! `Deserialize` exists for the plain value types (ids, creds, prio, state, policy, counters,
//! meminfo, the bit sets); records and VMAs borrow from a buffer and are only serialized.

use std::fmt::Write;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::flags::{InfoFlags, Mask, Prot, Status, VmaFlags};
use crate::parse::{Record, Vmas};
use crate::record::{Cmdline, CpuTimes, Policy, State, Vma};

/// Bytes as a JSON-friendly value: a string if they are UTF-8, else `{"hex": "..."}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                let mut hex = String::with_capacity(self.0.len() * 2);
                for b in self.0 {
                    let _ = write!(hex, "{b:02x}");
                }
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("hex", &hex)?;
                m.end()
            }
        }
    }
}

/// A `u64` that may pass 2^53, as a string: `Hex` for addresses and offsets, `Dec` otherwise.
enum Big {
    Hex(u64),
    Dec(u64),
}

impl Serialize for Big {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Big::Hex(v) => s.collect_str(&format_args!("{v:08x}")),
            Big::Dec(v) => s.collect_str(v),
        }
    }
}

macro_rules! bitset_serde {
    ($($ty:ident),* $(,)?) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let unknown = self.bits() & !$ty::all().bits();
                let mut seq = s.serialize_seq(None)?;
                for (name, _) in self.iter_names() {
                    seq.serialize_element(&name.to_ascii_lowercase())?;
                }
                if unknown != 0 {
                    seq.serialize_element(&format!("{unknown:#x}"))?;
                }
                seq.end()
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let names = Vec::<String>::deserialize(d)?;
                names.iter().try_fold($ty::empty(), |acc, n| {
                    let bit = match n.strip_prefix("0x") {
                        Some(hex) => {
                            let raw = u64::from_str_radix(hex, 16).map_err(de::Error::custom)?;
                            let raw = raw.try_into().map_err(de::Error::custom)?;
                            $ty::from_bits_retain(raw)
                        }
                        None => $ty::from_name(&n.to_ascii_uppercase()).ok_or_else(|| {
                            de::Error::custom(format!("unknown name {n:?}"))
                        })?,
                    };
                    Ok(acc | bit)
                })
            }
        }
    )*};
}

bitset_serde!(Mask, Status, VmaFlags, Prot, InfoFlags);

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(char::from(self.as_byte()).encode_utf8(&mut [0; 4]))
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<State, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_bytes() {
            [b] => Ok(State::from_byte(*b)),
            _ => Err(de::Error::custom(format!("state {s:?} is not one letter"))),
        }
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let name = match self {
            Policy::Other => "other",
            Policy::Fifo => "fifo",
            Policy::RoundRobin => "rr",
            Policy::Batch => "batch",
            Policy::Idle => "idle",
            Policy::Deadline => "deadline",
            Policy::Unknown(raw) => return s.serialize_u32(*raw),
        };
        s.serialize_str(name)
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Name(String),
            Number(u32),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Number(n) => Policy::from_raw(n),
            Raw::Name(n) => match n.as_str() {
                "other" => Policy::Other,
                "fifo" => Policy::Fifo,
                "rr" => Policy::RoundRobin,
                "batch" => Policy::Batch,
                "idle" => Policy::Idle,
                "deadline" => Policy::Deadline,
                _ => return Err(de::Error::custom(format!("unknown policy {n:?}"))),
            },
        })
    }
}

impl Serialize for CpuTimes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ns = |d: std::time::Duration| Big::Dec(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("utime_ns", &ns(self.utime))?;
        m.serialize_entry("stime_ns", &ns(self.stime))?;
        m.serialize_entry("start_time_ns", &ns(self.start_time))?;
        m.serialize_entry("min_flt", &Big::Dec(self.min_flt))?;
        m.serialize_entry("maj_flt", &Big::Dec(self.maj_flt))?;
        m.serialize_entry("nr_threads", &self.nr_threads)?;
        m.end()
    }
}

impl Serialize for Cmdline<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.args().map(Bytes))
    }
}

impl Serialize for Vma<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("start", &Big::Hex(self.start))?;
        m.serialize_entry("end", &Big::Hex(self.end))?;
        m.serialize_entry("perms", &String::from_utf8_lossy(&self.perms()))?;
        m.serialize_entry("offset", &Big::Hex(self.file_offset))?;
        m.serialize_entry(
            "dev",
            &format!("{:02x}:{:02x}", self.dev_major, self.dev_minor),
        )?;
        m.serialize_entry("inode", &Big::Dec(self.inode))?;
        m.serialize_entry("flags", &self.flags)?;
        if let Some(name) = self.name {
            m.serialize_entry("name", &Bytes(name))?;
        }
        m.end()
    }
}

impl Serialize for Vmas<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A fact of a record under its name, when the record holds it.
fn fact<M: SerializeMap, T: Serialize>(
    m: &mut M,
    name: &str,
    v: Option<&T>,
) -> Result<(), M::Error> {
    match v {
        Some(v) => m.serialize_entry(name, v),
        None => Ok(()),
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("input_index", &self.input_index)?;
        m.serialize_entry("status", &self.status)?;
        m.serialize_entry("tid", &self.raw_tid)?;
        fact(&mut m, "ids", self.ids.as_ref())?;
        fact(&mut m, "state", self.state.as_ref())?;
        fact(&mut m, "oom_score_adj", self.oom_score_adj.as_ref())?;
        fact(&mut m, "creds", self.creds.as_ref())?;
        fact(&mut m, "prio", self.prio.as_ref())?;
        fact(&mut m, "comm", self.comm.map(Bytes).as_ref())?;
        fact(&mut m, "vm_counters", self.vm.as_ref())?;
        fact(&mut m, "vm_seq", self.vm_seq.map(Big::Dec).as_ref())?;
        fact(&mut m, "memory_map", self.memory_map.as_ref())?;
        fact(&mut m, "cpu_times", self.cpu.as_ref())?;
        fact(&mut m, "session", self.session.as_ref())?;
        fact(&mut m, "cmdline", self.cmdline.as_ref())?;
        fact(&mut m, "memory_rollup", self.rollup.as_ref())?;
        m.serialize_entry("denied", &self.denied())?;
        m.end()
    }
}
