// SPDX-License-Identifier: MIT OR Apache-2.0

//! The zero-copy parser of a process_getinfo(2) buffer.
//!
//! [`Info::parse`] checks the whole buffer once, the way the C selftests' `pgi_check_buffer()`
//! does: every offset is inside the buffer, past the header and 8-byte aligned, every `size`
//! is at least the VER0 size and fits, each chain is exactly as long as its count says and then
//! ends, every record's mask lies within the header's, every string is NUL-terminated inside
//! the buffer (of any length: a file name may be longer than `PATH_MAX`), the command line's
//! bytes are followed by a NUL, VMAs are non-empty and in address order, and no struct is
//! reached twice (a record, VMA or rollup shared between chains). A buffer that fails any check
//! is a [`ParseError`]; nothing here panics or uses `unsafe`. The iterators then decode records
//! and VMAs lazily, borrowing strings from the buffer.
//!
//! The work is linear in the buffer's size: every struct is visited once (a bitmap of the
//! 8-byte slots already reached rejects a second visit, so records that all point to one long
//! VMA chain cost one walk of it, not one per record), and every byte of string is measured
//! once: a string reached again by its offset (a name shared by many VMAs) is looked up, and a
//! string that starts inside, or runs into, another is rejected ([`ParseError::StringOverlap`]).
//! Iterating then costs the structs plus the strings handed out.
//!
//! Structs are walked by their offsets and `size` fields only: a newer kernel may write larger
//! structs, whose extra bytes are skipped.

#![forbid(unsafe_code)]

mod error;
mod read;
mod records;
mod vmas;

use std::mem::offset_of;

pub use error::{Item, ParseError};
use read::{rd_u32, rd_u64, Buf, Checker};
use records::decode_record;
pub use records::{Record, Records};
use vmas::Chain;
pub use vmas::{VmaIter, Vmas};

use crate::flags::{InfoFlags, Mask};
use crate::record::Meminfo;
use crate::uapi::{ProcessInfo, PROCESS_INFO_SIZE_VER0, PROCREC_SIZE_VER0, PROCREC_VMA_SIZE_VER0};

#[cfg(test)]
thread_local! {
    /// How many times this thread ran [`Info::parse`] (for the parse-once test).
    pub(crate) static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The 8-byte slots of a buffer at which a struct was already reached.
struct Seen(Vec<u64>);

impl Seen {
    fn new(len: usize) -> Seen {
        Seen(vec![0; (len / 8).div_ceil(64)])
    }

    /// Marks the struct at `off` (8-byte aligned, checked by `struct_at`); an error if it was
    /// reached before.
    fn visit(&mut self, item: Item, off: u32) -> Result<(), ParseError> {
        let slot = usize::try_from(off / 8).map_err(|_| ParseError::Offset(item, off))?;
        let word = self
            .0
            .get_mut(slot / 64)
            .ok_or(ParseError::Offset(item, off))?;
        let bit = 1u64 << (slot % 64);
        if *word & bit != 0 {
            return Err(ParseError::Shared(item, off));
        }
        *word |= bit;
        Ok(())
    }
}

/// The header, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The header's `size`.
    pub size: u32,
    /// `nr_procrecs`.
    pub nr_procrecs: u32,
    /// `first_procrec_offset`.
    pub first_procrec_offset: u32,
    /// `flags`.
    pub flags: InfoFlags,
    /// The facts requested (bits this crate does not know are kept).
    pub mask: Mask,
    /// Every fact the producer knows.
    pub supported_mask: Mask,
    /// The system memory counters, when `mask` has [`Mask::MEMINFO`].
    pub meminfo: Option<Meminfo>,
}

/// A checked buffer: the header and a lazily decoded chain of records.
#[derive(Debug, Clone, Copy)]
pub struct Info<'a> {
    buf: &'a [u8],
    header: Header,
}

impl<'a> Info<'a> {
    /// Checks the whole buffer and returns a view of it.
    pub fn parse(buf: &'a [u8]) -> Result<Info<'a>, ParseError> {
        let len = buf.len();
        if len < PROCESS_INFO_SIZE_VER0 {
            return Err(ParseError::Short { len });
        }
        let short = ParseError::Short { len };
        let r32 = |f: usize| rd_u32(buf, f).ok_or(short.clone());
        let r64 = |f: usize| rd_u64(buf, f).ok_or(short.clone());
        let size = r32(offset_of!(ProcessInfo, size))?;
        if usize::try_from(size).map_or(true, |s| s < PROCESS_INFO_SIZE_VER0 || s > len) {
            return Err(ParseError::HeaderSize { size, len });
        }
        let mask = Mask::from_bits_retain(r64(offset_of!(ProcessInfo, mask))?);
        let meminfo = if mask.contains(Mask::MEMINFO) {
            Some(Meminfo::read_raw(r64)?)
        } else {
            None
        };
        let header = Header {
            size,
            nr_procrecs: r32(offset_of!(ProcessInfo, nr_procrecs))?,
            first_procrec_offset: r32(offset_of!(ProcessInfo, first_procrec_offset))?,
            flags: InfoFlags::from_bits_retain(r32(offset_of!(ProcessInfo, flags))?),
            mask,
            supported_mask: Mask::from_bits_retain(r64(offset_of!(ProcessInfo, supported_mask))?),
            meminfo,
        };
        let info = Info { buf, header };
        info.check()?;
        Ok(info)
    }

    /// A view of a buffer that [`Info::parse`] checked before (with this header).
    pub(crate) fn trusted(buf: &'a [u8], header: Header) -> Info<'a> {
        Info { buf, header }
    }

    /// Walks every record and VMA once.
    fn check(&self) -> Result<(), ParseError> {
        #[cfg(test)]
        PARSES.with(|p| p.set(p.get() + 1));
        let h = &self.header;
        let count_err = ParseError::Count {
            record: None,
            count: h.nr_procrecs,
            first: h.first_procrec_offset,
        };
        let max = self.buf.len() / PROCREC_SIZE_VER0;
        if usize::try_from(h.nr_procrecs).map_or(true, |n| n > max)
            || (h.nr_procrecs == 0) != (h.first_procrec_offset == 0)
        {
            return Err(count_err);
        }
        let mut seen = Seen::new(self.buf.len());
        let buf = Buf::new(self.buf, h);
        let mut strings = Checker::new(buf);
        let mut off = h.first_procrec_offset;
        for index in 0..h.nr_procrecs {
            if off == 0 {
                return Err(ParseError::ChainEnds(Item::Record(index)));
            }
            let (rec, links) = decode_record(buf, h, index, off, &mut strings)?;
            seen.visit(Item::Record(index), off)?;
            if let Some(chain) = rec.memory_map.as_ref().and_then(Vmas::as_chain) {
                check_vmas(&chain, &mut seen, &mut strings)?;
            }
            if let Some(at) = links.rollup {
                seen.visit(Item::Rollup(index), at)?;
            }
            off = links.next;
        }
        if off != 0 {
            return Err(ParseError::ChainTooLong { record: None });
        }
        Ok(())
    }

    /// The decoded header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The facts requested.
    pub fn mask(&self) -> Mask {
        self.header.mask
    }

    /// Every fact the producer knows.
    pub fn supported_mask(&self) -> Mask {
        self.header.supported_mask
    }

    /// Whether the buffer holds only a prefix of the result (E2BIG).
    pub fn is_truncated(&self) -> bool {
        self.header.flags.contains(InfoFlags::TRUNCATED)
    }

    /// The system memory counters, if requested.
    pub fn meminfo(&self) -> Option<Meminfo> {
        self.header.meminfo
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        usize::try_from(self.header.nr_procrecs).unwrap_or(0)
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.header.nr_procrecs == 0
    }

    /// The buffer this view borrows.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The records, in buffer order.
    pub fn records(&self) -> Records<'a> {
        Records {
            buf: self.buf,
            header: self.header,
            next: self.header.first_procrec_offset,
            index: 0,
        }
    }
}

/// Checks one record's VMA chain: its count, each VMA once, address order, the end.
fn check_vmas<'a>(
    c: &Chain<'a>,
    seen: &mut Seen,
    strings: &mut Checker<'a>,
) -> Result<(), ParseError> {
    let count = ParseError::Count {
        record: Some(c.record),
        count: c.nr,
        first: c.first,
    };
    if usize::try_from(c.nr).map_or(true, |n| n > c.buf.bytes.len() / PROCREC_VMA_SIZE_VER0)
        || (c.nr == 0) != (c.first == 0)
    {
        return Err(count);
    }
    let mut off = c.first;
    let mut prev_end = 0u64;
    for index in 0..c.nr {
        let item = Item::Vma {
            record: c.record,
            vma: index,
        };
        if off == 0 {
            return Err(ParseError::ChainEnds(item));
        }
        let (vma, next) = c.decode(index, off, strings)?;
        seen.visit(item, off)?;
        if vma.start >= vma.end || (index > 0 && vma.start < prev_end) {
            return Err(ParseError::VmaRange(item, vma.start, vma.end));
        }
        prev_end = vma.end;
        off = next;
    }
    if off != 0 {
        return Err(ParseError::ChainTooLong {
            record: Some(c.record),
        });
    }
    Ok(())
}
