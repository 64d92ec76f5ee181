// SPDX-License-Identifier: GPL-2.0

//! The VMA chain of a record, and its iterator.

use std::mem::offset_of;

use super::read::{rd_u32, rd_u64, string_at, struct_at};
use super::{Item, ParseError};
use crate::flags::{Prot, VmaFlags};
use crate::record::Vma;
use crate::uapi::{ProcRecVma, PROCREC_VMA_SIZE_VER0};

/// The memory map of one record: a chain of VMAs, checked when the buffer was parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vmas<'a> {
    pub(super) buf: &'a [u8],
    pub(super) hdr_size: usize,
    pub(super) first: u32,
    pub(super) nr: u32,
    pub(super) record: u32,
}

impl<'a> Vmas<'a> {
    /// The number of VMAs.
    pub fn len(&self) -> usize {
        usize::try_from(self.nr).unwrap_or(0)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.nr == 0
    }

    /// The VMAs, in address order.
    pub fn iter(&self) -> VmaIter<'a> {
        VmaIter {
            vmas: *self,
            next: self.first,
            index: 0,
        }
    }

    pub(super) fn check(&self, record: u32) -> Result<(), ParseError> {
        let count = ParseError::Count {
            record: Some(record),
            count: self.nr,
            first: self.first,
        };
        if usize::try_from(self.nr).map_or(true, |n| n > self.buf.len() / PROCREC_VMA_SIZE_VER0)
            || (self.nr == 0) != (self.first == 0)
        {
            return Err(count);
        }
        let mut off = self.first;
        let mut prev_end = 0u64;
        for index in 0..self.nr {
            let item = Item::Vma { record, vma: index };
            if off == 0 {
                return Err(ParseError::ChainEnds(item));
            }
            let (vma, next) = self.decode(index, off)?;
            if vma.start >= vma.end || (index > 0 && vma.start < prev_end) {
                return Err(ParseError::VmaRange(item, vma.start, vma.end));
            }
            prev_end = vma.end;
            off = next;
        }
        if off != 0 {
            return Err(ParseError::ChainTooLong {
                record: Some(record),
            });
        }
        Ok(())
    }

    fn decode(&self, index: u32, off: u32) -> Result<(Vma<'a>, u32), ParseError> {
        let buf = self.buf;
        let item = Item::Vma {
            record: self.record,
            vma: index,
        };
        let b = struct_at(buf, off, PROCREC_VMA_SIZE_VER0, self.hdr_size, item)?;
        let bad = ParseError::Offset(item, off);
        let u32f = |f: usize| rd_u32(buf, b + f).ok_or(bad.clone());
        let u64f = |f: usize| rd_u64(buf, b + f).ok_or(bad.clone());
        let name_off = u32f(offset_of!(ProcRecVma, backing_file_name_offset))?;
        let name = if name_off == 0 {
            None
        } else {
            Some(string_at(buf, name_off, self.hdr_size, item)?)
        };
        let vma = Vma {
            start: u64f(offset_of!(ProcRecVma, start))?,
            end: u64f(offset_of!(ProcRecVma, end))?,
            file_offset: u64f(offset_of!(ProcRecVma, file_offset))?,
            inode: u64f(offset_of!(ProcRecVma, inode))?,
            dev_major: u32f(offset_of!(ProcRecVma, dev_major))?,
            dev_minor: u32f(offset_of!(ProcRecVma, dev_minor))?,
            prot: Prot::from_bits_retain(u32f(offset_of!(ProcRecVma, prot))?),
            flags: VmaFlags::from_bits_retain(u32f(offset_of!(ProcRecVma, flags))?),
            name,
        };
        Ok((vma, u32f(offset_of!(ProcRecVma, next_procrec_vma_offset))?))
    }
}

impl<'a> IntoIterator for Vmas<'a> {
    type Item = Vma<'a>;
    type IntoIter = VmaIter<'a>;

    fn into_iter(self) -> VmaIter<'a> {
        self.iter()
    }
}

/// The iterator of [`Vmas::iter`].
#[derive(Debug, Clone)]
pub struct VmaIter<'a> {
    vmas: Vmas<'a>,
    next: u32,
    index: u32,
}

impl<'a> Iterator for VmaIter<'a> {
    type Item = Vma<'a>;

    fn next(&mut self) -> Option<Vma<'a>> {
        if self.index >= self.vmas.nr {
            return None;
        }
        // Checked by `Info::parse`; stop if decoding somehow fails.
        match self.vmas.decode(self.index, self.next) {
            Ok((vma, next)) => {
                self.index += 1;
                self.next = next;
                Some(vma)
            }
            Err(_) => {
                self.index = self.vmas.nr;
                None
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.vmas.nr.saturating_sub(self.index)).unwrap_or(0);
        (n, Some(n))
    }
}

impl ExactSizeIterator for VmaIter<'_> {}
