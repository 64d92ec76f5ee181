// SPDX-License-Identifier: MIT OR Apache-2.0

//! Writing well-formed buffers, in the layout the kernel uses.
//!
//! The procfs backend builds its answer with this, so that both backends hand out the same
//! buffer format and the same parsed types; tests use it to make buffers too. Each record is
//! its `struct procrec` (`PROCREC_SIZE_VER1` bytes, as a kernel with `CPU_TIMES` writes it),
//! then its comm, its command line (its bytes and a NUL), its `struct procrec_rollup`, then its
//! VMAs (8-byte aligned) with each distinct file name stored once per record.

use std::collections::HashMap;
use std::fmt;

use crate::flags::{InfoFlags, Mask};
use crate::parse::{Record, Vmas};
use crate::record::{Ids, Meminfo};
use crate::uapi::{
    ProcRec, ProcRecRollup, ProcRecVma, ProcessInfo, PROCESS_INFO_SIZE_VER0,
    PROCREC_ROLLUP_SIZE_VER0, PROCREC_SIZE_VER1, PROCREC_VMA_SIZE_VER0,
};

/// Why a record cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// The buffer would pass 4 GiB, beyond what a `__u32` offset reaches.
    TooLarge,
    /// A string holds a NUL byte.
    Nul,
    /// The record has facts the header's mask lacks.
    Mask(Mask),
    /// VMAs are empty or out of address order.
    VmaOrder,
    /// The input index does not fit the `__s32` field.
    InputIndex(usize),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooLarge => write!(f, "buffer beyond 4 GiB"),
            EncodeError::Nul => write!(f, "string with a NUL byte"),
            EncodeError::Mask(m) => write!(f, "record facts {m:?} not requested"),
            EncodeError::VmaOrder => write!(f, "VMAs empty or out of order"),
            EncodeError::InputIndex(i) => write!(f, "input index {i} beyond i32"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Builds a buffer: a header, then records appended one by one.
#[derive(Debug, Clone)]
pub struct Builder {
    buf: Vec<u8>,
    header: ProcessInfo,
    last: Option<usize>,
}

fn off32(o: usize) -> Result<u32, EncodeError> {
    u32::try_from(o).map_err(|_| EncodeError::TooLarge)
}

fn align8(buf: &mut Vec<u8>) {
    buf.resize(buf.len().next_multiple_of(8), 0);
}

fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(dst) = buf.get_mut(at..at + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

fn push_str(buf: &mut Vec<u8>, s: &[u8]) -> Result<u32, EncodeError> {
    if s.contains(&0) {
        return Err(EncodeError::Nul);
    }
    let off = off32(buf.len())?;
    buf.extend_from_slice(s);
    buf.push(0);
    Ok(off)
}

impl Builder {
    /// A buffer answering a request for `mask`, from a producer that knows `supported`.
    pub fn new(mask: Mask, supported: Mask) -> Builder {
        Builder {
            buf: vec![0; PROCESS_INFO_SIZE_VER0],
            header: ProcessInfo {
                size: PROCESS_INFO_SIZE_VER0 as u32,
                mask: mask.bits(),
                supported_mask: supported.bits(),
                ..Default::default()
            },
            last: None,
        }
    }

    /// Sets the system memory counters.
    pub fn meminfo(&mut self, m: &Meminfo) {
        m.write_raw(&mut self.header);
    }

    /// Sets the header's flags.
    pub fn flags(&mut self, flags: InfoFlags) {
        self.header.flags = flags.bits();
    }

    /// Appends one record: its facts that are `Some` (see [`Record`]); on error the buffer is
    /// unchanged.
    pub fn push(&mut self, r: &Record<'_>) -> Result<(), EncodeError> {
        let mask = r.facts();
        if !Mask::from_bits_retain(self.header.mask).contains(mask) {
            return Err(EncodeError::Mask(mask));
        }
        let saved = self.buf.len();
        let res = self.push_inner(r, mask);
        if res.is_err() {
            self.buf.truncate(saved);
        }
        res
    }

    fn push_inner(&mut self, r: &Record<'_>, mask: Mask) -> Result<(), EncodeError> {
        let input_index = match r.input_index {
            None => -1,
            Some(i) => i32::try_from(i).map_err(|_| EncodeError::InputIndex(i))?,
        };
        align8(&mut self.buf);
        let at = self.buf.len();
        let at32 = off32(at)?;
        self.buf.resize(at + PROCREC_SIZE_VER1, 0);
        let ids = r.ids.unwrap_or(Ids {
            tid: r.raw_tid,
            ..Default::default()
        });
        let creds = r.creds.unwrap_or_default();
        let prio = r.prio.unwrap_or_default();
        let vm = r.vm.unwrap_or_default();
        let cpu = r.cpu.unwrap_or_default();
        let session = r.session.unwrap_or_default();
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let mut rec = ProcRec {
            size: PROCREC_SIZE_VER1 as u32,
            mask: mask.bits(),
            status: r.status.bits(),
            input_index,
            tid: ids.tid,
            tgid: ids.tgid,
            ppid: ids.ppid,
            oom_score_adj: r.oom_score_adj.unwrap_or(0),
            uid_real: creds.uid.real,
            uid_effective: creds.uid.effective,
            uid_saved: creds.uid.saved,
            uid_fs: creds.uid.fs,
            gid_real: creds.gid.real,
            gid_effective: creds.gid.effective,
            gid_saved: creds.gid.saved,
            gid_fs: creds.gid.fs,
            prio: prio.prio,
            nice: prio.nice,
            policy: prio.policy.to_raw(),
            state: r.state.map_or(0, |s| s.as_byte()),
            vm_seq: r.vm_seq.unwrap_or(0),
            utime_ns: ns(cpu.utime),
            stime_ns: ns(cpu.stime),
            start_time_ns: ns(cpu.start_time),
            min_flt: cpu.min_flt,
            maj_flt: cpu.maj_flt,
            nr_threads: cpu.nr_threads,
            pgid: session.pgid,
            sid: session.sid,
            tty_nr: session.tty_nr.0,
            tpgid: session.tpgid,
            ..Default::default()
        };
        vm.write_raw(&mut rec);
        if let Some(comm) = r.comm {
            rec.comm_offset = push_str(&mut self.buf, comm)?;
        }
        if let Some(cmdline) = r.cmdline {
            let bytes = cmdline.as_bytes();
            rec.cmdline_offset = off32(self.buf.len())?;
            rec.cmdline_size = u32::try_from(bytes.len()).map_err(|_| EncodeError::TooLarge)?;
            self.buf.extend_from_slice(bytes);
            self.buf.push(0);
        }
        if let Some(ro) = r.rollup {
            align8(&mut self.buf);
            rec.rollup_offset = off32(self.buf.len())?;
            let mut raw = ProcRecRollup {
                size: PROCREC_ROLLUP_SIZE_VER0 as u32,
                ..Default::default()
            };
            ro.write_raw(&mut raw);
            self.buf.extend_from_slice(&raw.to_ne_bytes());
        }
        if let Some(vmas) = r.memory_map {
            let (first, nr) = self.push_vmas(vmas)?;
            rec.first_vma_offset = first;
            rec.nr_vmas = nr;
        }
        align8(&mut self.buf);
        off32(self.buf.len())?;
        put(&mut self.buf, at, &rec.to_ne_bytes());
        match self.last {
            Some(prev) => put(
                &mut self.buf,
                prev + std::mem::offset_of!(ProcRec, next_procrec_offset),
                &at32.to_ne_bytes(),
            ),
            None => self.header.first_procrec_offset = at32,
        }
        self.last = Some(at);
        self.header.nr_procrecs += 1;
        Ok(())
    }

    fn push_vmas(&mut self, vmas: Vmas<'_>) -> Result<(u32, u32), EncodeError> {
        let mut names: HashMap<Vec<u8>, u32> = HashMap::new();
        // The name of the VMA before, by address: the segments of one file share one slice,
        // which need not be hashed again.
        let mut last: Option<(&[u8], u32)> = None;
        let mut first = 0;
        let mut prev: Option<(usize, u64)> = None;
        for v in vmas.iter() {
            if v.start >= v.end || prev.is_some_and(|(_, end)| v.start < end) {
                return Err(EncodeError::VmaOrder);
            }
            let name_off = match v.name {
                None => 0,
                Some(n) => match last {
                    Some((l, o)) if std::ptr::eq(l, n) => o,
                    _ => {
                        let o = match names.get(n) {
                            Some(&o) => o,
                            None => {
                                let o = push_str(&mut self.buf, n)?;
                                names.insert(n.to_vec(), o);
                                o
                            }
                        };
                        last = Some((n, o));
                        o
                    }
                },
            };
            align8(&mut self.buf);
            let at = self.buf.len();
            let at32 = off32(at)?;
            let raw = ProcRecVma {
                size: PROCREC_VMA_SIZE_VER0 as u32,
                start: v.start,
                end: v.end,
                file_offset: v.file_offset,
                inode: v.inode,
                dev_major: v.dev_major,
                dev_minor: v.dev_minor,
                prot: v.prot.bits(),
                flags: v.flags.bits(),
                backing_file_name_offset: name_off,
                ..Default::default()
            };
            self.buf.extend_from_slice(&raw.to_ne_bytes());
            match prev {
                Some((p, _)) => put(
                    &mut self.buf,
                    p + std::mem::offset_of!(ProcRecVma, next_procrec_vma_offset),
                    &at32.to_ne_bytes(),
                ),
                None => first = at32,
            }
            prev = Some((at, v.end));
        }
        let nr = u32::try_from(vmas.len()).map_err(|_| EncodeError::TooLarge)?;
        Ok((first, nr))
    }

    /// The number of records so far.
    pub fn len(&self) -> usize {
        usize::try_from(self.header.nr_procrecs).unwrap_or(usize::MAX)
    }

    /// Whether no record was pushed.
    pub fn is_empty(&self) -> bool {
        self.header.nr_procrecs == 0
    }

    /// The finished buffer.
    pub fn finish(mut self) -> Vec<u8> {
        let h = self.header.to_ne_bytes();
        put(&mut self.buf, 0, &h);
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::{Prot, Status, VmaFlags};
    use crate::parse::Info;
    use crate::record::Vma;

    #[test]
    fn roundtrip_one_record() {
        let vmas = [
            Vma {
                start: 0x1000,
                end: 0x2000,
                prot: Prot::READ,
                name: Some(b"/bin/x"),
                ..Default::default()
            },
            Vma {
                start: 0x2000,
                end: 0x3000,
                prot: Prot::READ | Prot::EXEC,
                flags: VmaFlags::SHARED,
                name: Some(b"/bin/x"),
                ..Default::default()
            },
        ];
        let mut b = Builder::new(Mask::all(), Mask::all());
        b.meminfo(&Meminfo {
            mem_total_kb: 42,
            ..Default::default()
        });
        let mut r = Record::default();
        r.input_index = Some(3);
        r.ids = Some(Ids {
            tid: 7,
            tgid: 7,
            ppid: 1,
        });
        r.comm = Some(b"init");
        r.memory_map = Some(Vmas::from_slice(&vmas));
        r.cpu = Some(crate::CpuTimes {
            utime: std::time::Duration::from_nanos(1_234_567_891),
            stime: std::time::Duration::from_millis(20),
            start_time: std::time::Duration::from_secs(5),
            min_flt: 10,
            maj_flt: 2,
            nr_threads: 3,
        });
        r.session = Some(crate::Session {
            pgid: 7,
            sid: 7,
            tty_nr: crate::TtyNr((136 << 8) | 1),
            tpgid: 7,
        });
        r.cmdline = Some(crate::Cmdline::new(b"/sbin/init\0splash\0"));
        r.rollup = Some(crate::Rollup {
            pss_kb: 100,
            locked_kb: 4,
            ..Default::default()
        });
        b.push(&r).unwrap();
        let mut gone = Record::default();
        gone.status = Status::GONE;
        gone.raw_tid = 99;
        gone.input_index = Some(4);
        b.push(&gone).unwrap();
        let buf = b.finish();
        let info = Info::parse(&buf).unwrap();
        assert_eq!(info.meminfo().unwrap().mem_total_kb, 42);
        let recs: Vec<_> = info.records().collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].comm, Some(&b"init"[..]));
        assert_eq!(
            (
                recs[0].cpu,
                recs[0].session,
                recs[0].cmdline,
                recs[0].rollup
            ),
            (r.cpu, r.session, r.cmdline, r.rollup)
        );
        assert_eq!(recs[0].input_index, Some(3));
        let got: Vec<_> = recs[0].memory_map.unwrap().iter().collect();
        assert_eq!(got, vmas);
        // The shared name is stored once.
        assert_eq!(got[0].name.unwrap().as_ptr(), got[1].name.unwrap().as_ptr());
        assert!(recs[1].is_gone());
        assert_eq!(recs[1].raw_tid, 99);
        assert_eq!(recs[1].ids, None);
    }

    #[test]
    fn rejects_bad_input() {
        let mut b = Builder::new(Mask::IDS, Mask::all());
        let mut comm = Record::default();
        comm.comm = Some(b"x");
        assert!(matches!(b.push(&comm), Err(EncodeError::Mask(_))));
        let mut b = Builder::new(Mask::all(), Mask::all());
        let mut nul = Record::default();
        nul.comm = Some(b"a\0b");
        assert_eq!(b.push(&nul), Err(EncodeError::Nul));
        let bad = [Vma {
            start: 2,
            end: 1,
            ..Default::default()
        }];
        let mut r = Record::default();
        r.memory_map = Some(Vmas::from_slice(&bad));
        assert_eq!(b.push(&r), Err(EncodeError::VmaOrder));
        let mut far = Record::default();
        far.input_index = Some(usize::MAX);
        assert_eq!(b.push(&far), Err(EncodeError::InputIndex(usize::MAX)));
        assert!(b.is_empty());
        assert!(Info::parse(&b.finish()).unwrap().is_empty());
    }
}
