// SPDX-License-Identifier: MIT OR Apache-2.0

//! The memory map of a record (a VMA chain in a buffer, or a slice of VMAs to encode), and its
//! iterator.

use std::mem::offset_of;

use super::read::{rd_u32, rd_u64, Buf, Rescan, Strings};
use super::{Item, ParseError};
use crate::flags::{Prot, VmaFlags};
use crate::record::Vma;
use crate::uapi::{ProcRecVma, PROCREC_VMA_SIZE_VER0};

/// A VMA chain in a buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chain<'a> {
    pub(super) buf: Buf<'a>,
    pub(super) first: u32,
    pub(super) nr: u32,
    pub(super) record: u32,
}

impl<'a> Chain<'a> {
    /// Decodes VMA `index`, at `off`, its name from `strings`; returns it and the offset of
    /// the next.
    pub(super) fn decode(
        &self,
        index: u32,
        off: u32,
        strings: &mut impl Strings<'a>,
    ) -> Result<(Vma<'a>, u32), ParseError> {
        let buf = self.buf.bytes;
        let item = Item::Vma {
            record: self.record,
            vma: index,
        };
        let b = self.buf.struct_at(off, PROCREC_VMA_SIZE_VER0, item)?;
        let bad = ParseError::Offset(item, off);
        let u32f = |f: usize| rd_u32(buf, b + f).ok_or(bad.clone());
        let u64f = |f: usize| rd_u64(buf, b + f).ok_or(bad.clone());
        let name_off = u32f(offset_of!(ProcRecVma, backing_file_name_offset))?;
        let name = match name_off {
            0 => None,
            at => Some(strings.get(at, item)?),
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

#[derive(Debug, Clone, Copy)]
enum Repr<'a> {
    Chain(Chain<'a>),
    Slice(&'a [Vma<'a>]),
}

/// The memory map of one record: a chain of VMAs in a checked buffer, or a slice of VMAs
/// ([`Vmas::from_slice`]) for a record to encode.
#[derive(Debug, Clone, Copy)]
pub struct Vmas<'a> {
    repr: Repr<'a>,
}

impl Default for Vmas<'_> {
    fn default() -> Self {
        Vmas::from_slice(&[])
    }
}

impl PartialEq for Vmas<'_> {
    /// The same VMAs in the same order, wherever they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Vmas<'_> {}

impl<'a> Vmas<'a> {
    pub(super) fn chain(c: Chain<'a>) -> Vmas<'a> {
        Vmas {
            repr: Repr::Chain(c),
        }
    }

    pub(super) fn as_chain(&self) -> Option<Chain<'a>> {
        match self.repr {
            Repr::Chain(c) => Some(c),
            Repr::Slice(_) => None,
        }
    }

    /// A memory map made of these VMAs (in address order), e.g. for the encoder.
    pub fn from_slice(vmas: &'a [Vma<'a>]) -> Vmas<'a> {
        Vmas {
            repr: Repr::Slice(vmas),
        }
    }

    /// The number of VMAs.
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Chain(c) => usize::try_from(c.nr).unwrap_or(0),
            Repr::Slice(s) => s.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The VMAs, in address order.
    pub fn iter(&self) -> VmaIter<'a> {
        let (next, names) = match self.repr {
            Repr::Chain(c) => (c.first, Rescan::new(c.buf)),
            Repr::Slice(_) => (0, Rescan::default()),
        };
        VmaIter {
            vmas: *self,
            next,
            index: 0,
            names,
        }
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
///
/// Each VMA's name is measured (its NUL found) when the VMA is handed out, except that a name
/// shared with the VMA before (the segments of one file) is not measured again: iterating costs
/// the VMAs plus the names it hands out.
#[derive(Debug, Clone)]
pub struct VmaIter<'a> {
    vmas: Vmas<'a>,
    next: u32,
    index: usize,
    names: Rescan<'a>,
}

impl<'a> Iterator for VmaIter<'a> {
    type Item = Vma<'a>;

    fn next(&mut self) -> Option<Vma<'a>> {
        let vma = match self.vmas.repr {
            Repr::Slice(s) => *s.get(self.index)?,
            Repr::Chain(c) => {
                let index = u32::try_from(self.index).ok().filter(|&i| i < c.nr)?;
                // Checked by `Info::parse`; stop if decoding somehow fails.
                match c.decode(index, self.next, &mut self.names) {
                    Ok((vma, next)) => {
                        self.next = next;
                        vma
                    }
                    Err(_) => {
                        self.index = self.vmas.len();
                        return None;
                    }
                }
            }
        };
        self.index += 1;
        Some(vma)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.vmas.len().saturating_sub(self.index);
        (n, Some(n))
    }
}

impl ExactSizeIterator for VmaIter<'_> {}
