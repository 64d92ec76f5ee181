// SPDX-License-Identifier: GPL-2.0

//! Records: decoding one, and the iterator over the chain.

use std::mem::offset_of;

use super::read::{rd_i32, rd_u32, rd_u64, rd_u8, string_at, struct_at};
use super::{Header, Item, ParseError, Vmas};
use crate::flags::{Mask, Status};
use crate::record::{Creds, IdSet, Ids, Prio, State, VmCounters};
use crate::uapi::{ProcRec, PROCREC_SIZE_VER0};

/// The facts of one record. Each `Option` is `Some` exactly when the record's mask has the
/// fact's bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Record<'a> {
    /// The record's offset in the buffer.
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
}

pub(super) fn decode_record<'a>(
    buf: &'a [u8],
    h: &Header,
    index: u32,
    off: u32,
) -> Result<(Record<'a>, u32), ParseError> {
    let item = Item::Record(index);
    let b = struct_at(
        buf,
        off,
        PROCREC_SIZE_VER0,
        usize::try_from(h.size).unwrap_or(0),
        item,
    )?;
    let hdr_size = usize::try_from(h.size).unwrap_or(usize::MAX);
    // `struct_at` checked that the VER0 prefix is inside `buf`: no read below can fail.
    let bad = ParseError::Offset(item, off);
    let u32f = |f: usize| rd_u32(buf, b + f).ok_or(bad.clone());
    let i32f = |f: usize| rd_i32(buf, b + f).ok_or(bad.clone());
    let u64f = |f: usize| rd_u64(buf, b + f).ok_or(bad.clone());

    let raw_mask = u64f(offset_of!(ProcRec, mask))?;
    if raw_mask & !h.mask.bits() != 0 {
        return Err(ParseError::RecordMask(index, raw_mask));
    }
    let mask = Mask::from_bits_retain(raw_mask);
    let has = |m: Mask| mask.contains(m);
    let input_index = i32f(offset_of!(ProcRec, input_index))?;
    let raw_tid = i32f(offset_of!(ProcRec, tid))?;

    let ids = if has(Mask::IDS) {
        Some(Ids {
            tid: raw_tid,
            tgid: i32f(offset_of!(ProcRec, tgid))?,
            ppid: i32f(offset_of!(ProcRec, ppid))?,
        })
    } else {
        None
    };
    let state = if has(Mask::STATUS) {
        Some(State(
            rd_u8(buf, b + offset_of!(ProcRec, state)).ok_or(bad.clone())?,
        ))
    } else {
        None
    };
    let oom_score_adj = if has(Mask::OOM_SCORE_ADJ) {
        Some(i32f(offset_of!(ProcRec, oom_score_adj))?)
    } else {
        None
    };
    let creds = if has(Mask::CREDS) {
        Some(Creds {
            uid: IdSet {
                real: u32f(offset_of!(ProcRec, uid_real))?,
                effective: u32f(offset_of!(ProcRec, uid_effective))?,
                saved: u32f(offset_of!(ProcRec, uid_saved))?,
                fs: u32f(offset_of!(ProcRec, uid_fs))?,
            },
            gid: IdSet {
                real: u32f(offset_of!(ProcRec, gid_real))?,
                effective: u32f(offset_of!(ProcRec, gid_effective))?,
                saved: u32f(offset_of!(ProcRec, gid_saved))?,
                fs: u32f(offset_of!(ProcRec, gid_fs))?,
            },
        })
    } else {
        None
    };
    let prio = if has(Mask::PRIO) {
        Some(Prio {
            prio: i32f(offset_of!(ProcRec, prio))?,
            nice: i32f(offset_of!(ProcRec, nice))?,
            policy: u32f(offset_of!(ProcRec, policy))?,
        })
    } else {
        None
    };
    let comm = if has(Mask::COMM) {
        Some(string_at(
            buf,
            u32f(offset_of!(ProcRec, comm_offset))?,
            hdr_size,
            item,
        )?)
    } else {
        None
    };
    let vm = if has(Mask::VM_COUNTERS) {
        Some(VmCounters {
            rss_anon_kb: u64f(offset_of!(ProcRec, rss_anon_kb))?,
            rss_file_kb: u64f(offset_of!(ProcRec, rss_file_kb))?,
            rss_shmem_kb: u64f(offset_of!(ProcRec, rss_shmem_kb))?,
            vm_size_kb: u64f(offset_of!(ProcRec, vm_size_kb))?,
            swap_kb: u64f(offset_of!(ProcRec, swap_kb))?,
        })
    } else {
        None
    };
    let vm_seq = if has(Mask::VM_SEQ) {
        Some(u64f(offset_of!(ProcRec, vm_seq))?)
    } else {
        None
    };
    let memory_map = if has(Mask::MEMORY_MAP) {
        Some(Vmas {
            buf,
            hdr_size,
            first: u32f(offset_of!(ProcRec, first_vma_offset))?,
            nr: u32f(offset_of!(ProcRec, nr_vmas))?,
            record: index,
        })
    } else {
        None
    };
    let rec = Record {
        offset: off,
        mask,
        status: Status::from_bits_retain(u32f(offset_of!(ProcRec, status))?),
        input_index: usize::try_from(input_index).ok(),
        raw_tid,
        ids,
        state,
        oom_score_adj,
        creds,
        prio,
        comm,
        vm,
        vm_seq,
        memory_map,
    };
    Ok((rec, u32f(offset_of!(ProcRec, next_procrec_offset))?))
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
        match decode_record(self.buf, &self.header, self.index, self.next) {
            Ok((rec, next)) => {
                self.index += 1;
                self.next = next;
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
