// SPDX-License-Identifier: MIT OR Apache-2.0

//! Records: the one record type (parsed from a buffer, or built to be encoded), decoding one,
//! and the iterator over the chain.

use std::mem::offset_of;

use std::time::Duration;

use super::read::{rd_i32, rd_u32, rd_u64, rd_u8, Buf, Rescan, Strings};
use super::vmas::Chain;
use super::{Header, Item, ParseError, Vmas};
use crate::flags::{Mask, Status};
use crate::record::{
    Cmdline, CpuTimes, Creds, IdSet, Ids, Policy, Prio, Rollup, Session, State, TtyNr, VmCounters,
};
use crate::uapi::{ProcRec, PROCREC_ROLLUP_SIZE_VER0, PROCREC_SIZE_VER0, PROCREC_SIZE_VER1};

/// The facts of one record: what the parser hands out, and what the encoder
/// ([`crate::encode::Builder::push`]) takes.
///
/// Each `Option` is `Some` exactly when the record's mask has the fact's bit. A record to encode
/// is built from [`Record::default`] by setting fields; the encoder derives the mask from the
/// facts that are `Some` and ignores `offset` and `mask`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Record<'a> {
    /// The record's offset in the buffer it was parsed from (0 in a record built by hand).
    pub offset: u32,
    /// The facts this record holds.
    pub mask: Mask,
    /// `GONE`, `NOACCESS`.
    pub status: Status,
    /// The index into the requested ids this record answers; `None` under ALL.
    pub input_index: Option<usize>,
    /// The raw `tid` field: for a [`Status::GONE`] record, the requested id (or pidfd).
    pub raw_tid: i32,
    /// `IDS`.
    pub ids: Option<Ids>,
    /// `STATUS`.
    pub state: Option<State>,
    /// `OOM_SCORE_ADJ`.
    pub oom_score_adj: Option<i32>,
    /// `CREDS`.
    pub creds: Option<Creds>,
    /// `PRIO`.
    pub prio: Option<Prio>,
    /// `COMM`: the name without its NUL, borrowed from the buffer.
    pub comm: Option<&'a [u8]>,
    /// `VM_COUNTERS` (absent for kernel threads).
    pub vm: Option<VmCounters>,
    /// `VM_SEQ`.
    pub vm_seq: Option<u64>,
    /// `MEMORY_MAP`: the VMAs.
    pub memory_map: Option<Vmas<'a>>,
    /// `CPU_TIMES`.
    pub cpu: Option<CpuTimes>,
    /// `SESSION`.
    pub session: Option<Session>,
    /// `CMDLINE` (absent for kernel threads and exited processes), borrowed from the buffer.
    pub cmdline: Option<Cmdline<'a>>,
    /// `MEMORY_ROLLUP` (absent for kernel threads and exited processes).
    pub rollup: Option<Rollup>,
    /// The record facts the call asked for (the header's mask), for [`Record::denied`].
    requested: Mask,
}

impl<'a> Record<'a> {
    /// Whether the requested id named no visible process.
    pub fn is_gone(&self) -> bool {
        self.status.contains(Status::GONE)
    }

    /// Whether some requested fact was denied.
    pub fn is_noaccess(&self) -> bool {
        self.status.contains(Status::NOACCESS)
    }

    /// The comm, lossily decoded as UTF-8.
    pub fn comm_lossy(&self) -> Option<std::borrow::Cow<'a, str>> {
        self.comm.map(String::from_utf8_lossy)
    }

    /// The mask the facts that are `Some` make (what the encoder writes).
    pub fn facts(&self) -> Mask {
        let mut m = Mask::empty();
        m.set(Mask::IDS, self.ids.is_some());
        m.set(Mask::STATUS, self.state.is_some());
        m.set(Mask::OOM_SCORE_ADJ, self.oom_score_adj.is_some());
        m.set(Mask::CREDS, self.creds.is_some());
        m.set(Mask::PRIO, self.prio.is_some());
        m.set(Mask::COMM, self.comm.is_some());
        m.set(Mask::VM_COUNTERS, self.vm.is_some());
        m.set(Mask::VM_SEQ, self.vm_seq.is_some());
        m.set(Mask::MEMORY_MAP, self.memory_map.is_some());
        m.set(Mask::CPU_TIMES, self.cpu.is_some());
        m.set(Mask::SESSION, self.session.is_some());
        m.set(Mask::CMDLINE, self.cmdline.is_some());
        m.set(Mask::MEMORY_ROLLUP, self.rollup.is_some());
        m
    }

    /// The record facts the call asked for (the header's mask); empty in a record built by
    /// hand.
    pub fn requested(&self) -> Mask {
        self.requested & Mask::RECORD
    }

    /// The record facts that were asked for and are not in this record (denied or not
    /// applicable); empty for a record that was not parsed, or that is [`Record::is_gone`].
    pub fn missing(&self) -> Mask {
        if self.is_gone() {
            return Mask::empty();
        }
        (self.requested & Mask::RECORD) - self.mask
    }

    /// The missing facts that were denied, rather than not applicable.
    ///
    /// The kernel marks a record `NOACCESS` when a fact was denied and leaves out without a
    /// mark the facts that do not apply (those of [`Mask::NEEDS_MM`] for a process without
    /// memory). When both happen in one record, the record alone cannot say which fact is
    /// which; the rule is: without `NOACCESS` nothing was denied; with it, the
    /// [`Mask::NEEDS_MM`] facts count as not applicable when `VM_COUNTERS` or `CMDLINE` (which
    /// need no more access than `STATUS`, `CREDS`, `PRIO`, `COMM`, `OOM_SCORE_ADJ`,
    /// `CPU_TIMES` or `SESSION`) is missing while one of those is present, and every other
    /// missing fact counts as denied.
    pub fn denied(&self) -> Mask {
        let missing = self.missing();
        if !self.is_noaccess() {
            return Mask::empty();
        }
        let same_access = Mask::STATUS
            | Mask::CREDS
            | Mask::PRIO
            | Mask::COMM
            | Mask::OOM_SCORE_ADJ
            | Mask::CPU_TIMES
            | Mask::SESSION;
        let no_mm = missing.intersects(Mask::VM_COUNTERS | Mask::CMDLINE)
            && self.mask.intersects(same_access);
        if no_mm {
            missing - Mask::NEEDS_MM
        } else {
            missing
        }
    }

    /// The missing facts that do not apply to this process (see [`Record::denied`]).
    pub fn not_applicable(&self) -> Mask {
        self.missing() - self.denied()
    }
}

/// What a record links to besides its facts.
pub(super) struct Links {
    /// The next record's offset.
    pub(super) next: u32,
    /// The rollup's offset, when the record has `MEMORY_ROLLUP`.
    pub(super) rollup: Option<u32>,
}

/// The facts that live in the fields after `PROCREC_SIZE_VER0`.
const VER1_FACTS: Mask = Mask::CPU_TIMES
    .union(Mask::SESSION)
    .union(Mask::CMDLINE)
    .union(Mask::MEMORY_ROLLUP);

pub(super) fn decode_record<'a>(
    buf: Buf<'a>,
    h: &Header,
    index: u32,
    off: u32,
    strings: &mut impl Strings<'a>,
) -> Result<(Record<'a>, Links), ParseError> {
    let item = Item::Record(index);
    let b = buf.struct_at(off, PROCREC_SIZE_VER0, item)?;
    // `struct_at` checked that the VER0 prefix is inside `buf`: no read below can fail.
    let bad = ParseError::Offset(item, off);
    let bytes = buf.bytes;
    let u32f = |f: usize| rd_u32(bytes, b + f).ok_or(bad.clone());
    let i32f = |f: usize| rd_i32(bytes, b + f).ok_or(bad.clone());
    let u64f = |f: usize| rd_u64(bytes, b + f).ok_or(bad.clone());

    let raw_mask = u64f(offset_of!(ProcRec, mask))?;
    if raw_mask & !h.mask.bits() != 0 {
        return Err(ParseError::RecordMask(index, raw_mask));
    }
    let mask = Mask::from_bits_retain(raw_mask);
    let has = |m: Mask| mask.contains(m);
    // A record of a kernel before CPU_TIMES is PROCREC_SIZE_VER0 bytes and has none of the
    // facts after it; one that claims them must hold their fields.
    let size = u32f(offset_of!(ProcRec, size))?;
    if mask.intersects(VER1_FACTS) && usize::try_from(size).map_or(true, |s| s < PROCREC_SIZE_VER1)
    {
        return Err(ParseError::Size(item, size));
    }
    let raw_tid = i32f(offset_of!(ProcRec, tid))?;
    let idset = |fields: [usize; 4]| -> Result<IdSet, ParseError> {
        Ok(IdSet {
            real: u32f(fields[0])?,
            effective: u32f(fields[1])?,
            saved: u32f(fields[2])?,
            fs: u32f(fields[3])?,
        })
    };

    let mut rec = Record {
        offset: off,
        mask,
        status: Status::from_bits_retain(u32f(offset_of!(ProcRec, status))?),
        input_index: usize::try_from(i32f(offset_of!(ProcRec, input_index))?).ok(),
        raw_tid,
        requested: h.mask,
        ..Record::default()
    };
    if has(Mask::IDS) {
        rec.ids = Some(Ids {
            tid: raw_tid,
            tgid: i32f(offset_of!(ProcRec, tgid))?,
            ppid: i32f(offset_of!(ProcRec, ppid))?,
        });
    }
    if has(Mask::STATUS) {
        let letter = rd_u8(bytes, b + offset_of!(ProcRec, state)).ok_or(bad.clone())?;
        rec.state = Some(State::from_byte(letter));
    }
    if has(Mask::OOM_SCORE_ADJ) {
        rec.oom_score_adj = Some(i32f(offset_of!(ProcRec, oom_score_adj))?);
    }
    if has(Mask::CREDS) {
        rec.creds = Some(Creds {
            uid: idset([
                offset_of!(ProcRec, uid_real),
                offset_of!(ProcRec, uid_effective),
                offset_of!(ProcRec, uid_saved),
                offset_of!(ProcRec, uid_fs),
            ])?,
            gid: idset([
                offset_of!(ProcRec, gid_real),
                offset_of!(ProcRec, gid_effective),
                offset_of!(ProcRec, gid_saved),
                offset_of!(ProcRec, gid_fs),
            ])?,
        });
    }
    if has(Mask::PRIO) {
        rec.prio = Some(Prio {
            prio: i32f(offset_of!(ProcRec, prio))?,
            nice: i32f(offset_of!(ProcRec, nice))?,
            policy: Policy::from_raw(u32f(offset_of!(ProcRec, policy))?),
        });
    }
    if has(Mask::COMM) {
        let at = u32f(offset_of!(ProcRec, comm_offset))?;
        rec.comm = Some(strings.get(at, item)?);
    }
    if has(Mask::VM_COUNTERS) {
        rec.vm = Some(VmCounters::read_raw(u64f)?);
    }
    if has(Mask::VM_SEQ) {
        rec.vm_seq = Some(u64f(offset_of!(ProcRec, vm_seq))?);
    }
    if has(Mask::MEMORY_MAP) {
        rec.memory_map = Some(Vmas::chain(Chain {
            buf,
            first: u32f(offset_of!(ProcRec, first_vma_offset))?,
            nr: u32f(offset_of!(ProcRec, nr_vmas))?,
            record: index,
        }));
    }
    if has(Mask::CPU_TIMES) {
        let ns = |f: usize| u64f(f).map(Duration::from_nanos);
        rec.cpu = Some(CpuTimes {
            utime: ns(offset_of!(ProcRec, utime_ns))?,
            stime: ns(offset_of!(ProcRec, stime_ns))?,
            start_time: ns(offset_of!(ProcRec, start_time_ns))?,
            min_flt: u64f(offset_of!(ProcRec, min_flt))?,
            maj_flt: u64f(offset_of!(ProcRec, maj_flt))?,
            nr_threads: u32f(offset_of!(ProcRec, nr_threads))?,
        });
    }
    if has(Mask::SESSION) {
        rec.session = Some(Session {
            pgid: i32f(offset_of!(ProcRec, pgid))?,
            sid: i32f(offset_of!(ProcRec, sid))?,
            tty_nr: TtyNr(u32f(offset_of!(ProcRec, tty_nr))?),
            tpgid: i32f(offset_of!(ProcRec, tpgid))?,
        });
    }
    if has(Mask::CMDLINE) {
        let at = u32f(offset_of!(ProcRec, cmdline_offset))?;
        let n = u32f(offset_of!(ProcRec, cmdline_size))?;
        rec.cmdline = Some(Cmdline::new(buf.bytes_at(at, n, item)?));
    }
    let mut rollup = None;
    if has(Mask::MEMORY_ROLLUP) {
        let at = u32f(offset_of!(ProcRec, rollup_offset))?;
        rec.rollup = Some(decode_rollup(buf, at, index)?);
        rollup = Some(at);
    }
    let next = u32f(offset_of!(ProcRec, next_procrec_offset))?;
    Ok((rec, Links { next, rollup }))
}

fn decode_rollup(buf: Buf<'_>, off: u32, record: u32) -> Result<Rollup, ParseError> {
    let item = Item::Rollup(record);
    let b = buf.struct_at(off, PROCREC_ROLLUP_SIZE_VER0, item)?;
    let bad = ParseError::Offset(item, off);
    Rollup::read_raw(|o| rd_u64(buf.bytes, b + o).ok_or(bad.clone()))
}

/// The iterator of [`crate::Info::records`].
#[derive(Debug, Clone)]
pub struct Records<'a> {
    pub(super) buf: &'a [u8],
    pub(super) header: Header,
    pub(super) next: u32,
    pub(super) index: u32,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        if self.index >= self.header.nr_procrecs {
            return None;
        }
        // `Info::parse` checked this chain, so decoding cannot fail; stop if it somehow does.
        let buf = Buf::new(self.buf, &self.header);
        let mut strings = Rescan::new(buf);
        match decode_record(buf, &self.header, self.index, self.next, &mut strings) {
            Ok((rec, links)) => {
                self.index += 1;
                self.next = links.next;
                Some(rec)
            }
            Err(_) => {
                self.index = self.header.nr_procrecs;
                None
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.header.nr_procrecs.saturating_sub(self.index)).unwrap_or(0);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Records<'_> {}
