// SPDX-License-Identifier: MIT OR Apache-2.0

//! Bounds-checked reads of integers, structs and strings.

use super::{Header, Item, ParseError};

/// Bounds-checked native-endian reads.
fn bytes<const N: usize>(buf: &[u8], off: usize) -> Option<[u8; N]> {
    buf.get(off..off.checked_add(N)?)?.try_into().ok()
}

pub(super) fn rd_u32(buf: &[u8], off: usize) -> Option<u32> {
    bytes(buf, off).map(u32::from_ne_bytes)
}

pub(super) fn rd_i32(buf: &[u8], off: usize) -> Option<i32> {
    bytes(buf, off).map(i32::from_ne_bytes)
}

pub(super) fn rd_u64(buf: &[u8], off: usize) -> Option<u64> {
    bytes(buf, off).map(u64::from_ne_bytes)
}

pub(super) fn rd_u8(buf: &[u8], off: usize) -> Option<u8> {
    buf.get(off).copied()
}

/// A buffer and the size of its header, past which its structs and strings lie.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Buf<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) hdr_size: usize,
}

impl<'a> Buf<'a> {
    /// The buffer `bytes` with the header `h`.
    pub(super) fn new(bytes: &'a [u8], h: &Header) -> Buf<'a> {
        Buf {
            bytes,
            hdr_size: usize::try_from(h.size).unwrap_or(usize::MAX),
        }
    }

    /// Checks that a struct with a VER0 size of `ver0` can start at `off` (past the header,
    /// 8-byte aligned, its VER0 prefix inside the buffer) and that its own `size` is at least
    /// `ver0` and fits; returns `off` as a `usize`.
    pub(super) fn struct_at(&self, off: u32, ver0: usize, item: Item) -> Result<usize, ParseError> {
        let buf = self.bytes;
        let o = usize::try_from(off).map_err(|_| ParseError::Offset(item, off))?;
        let fits = |len: usize| o.checked_add(len).is_some_and(|end| end <= buf.len());
        if o < self.hdr_size || o % 8 != 0 || !fits(ver0) {
            return Err(ParseError::Offset(item, off));
        }
        // The size is the first u32 of every struct.
        let size = rd_u32(buf, o).ok_or(ParseError::Offset(item, off))?;
        let s = usize::try_from(size).map_err(|_| ParseError::Size(item, size))?;
        if s < ver0 || !fits(s) {
            return Err(ParseError::Size(item, size));
        }
        Ok(o)
    }

    /// Where the string at `off` starts: past the header, or it is a `ParseError::String`.
    fn string_start(&self, off: u32, item: Item) -> Result<usize, ParseError> {
        usize::try_from(off)
            .ok()
            .filter(|&o| o >= self.hdr_size)
            .ok_or(ParseError::String(item, off))
    }

    /// The NUL-terminated string at `off`, without its NUL: it may be as long as the buffer
    /// allows (a file name longer than `PATH_MAX` is printed whole by /proc/PID/maps, and so
    /// stored). Finding its end costs its length.
    pub(super) fn string_at(&self, off: u32, item: Item) -> Result<&'a [u8], ParseError> {
        let o = self.string_start(off, item)?;
        let bad = ParseError::String(item, off);
        let tail = self.bytes.get(o..).ok_or_else(|| bad.clone())?;
        // CStr's search for the NUL is core's word-at-a-time memchr.
        let s = std::ffi::CStr::from_bytes_until_nul(tail).map_err(|_| bad)?;
        Ok(s.to_bytes())
    }

    /// The `size` bytes at `off` that a NUL must follow (the command line: NULs inside are
    /// its separators).
    pub(super) fn bytes_at(&self, off: u32, size: u32, item: Item) -> Result<&'a [u8], ParseError> {
        let o = self.string_start(off, item)?;
        let bad = ParseError::String(item, off);
        let n = usize::try_from(size).map_err(|_| bad.clone())?;
        let end = o.checked_add(n).ok_or_else(|| bad.clone())?;
        if self.bytes.get(end) != Some(&0) {
            return Err(bad);
        }
        self.bytes.get(o..end).ok_or(bad)
    }
}

/// Where the decoders get the strings of a buffer from.
pub(super) trait Strings<'a> {
    /// The string at `off`.
    fn get(&mut self, off: u32, item: Item) -> Result<&'a [u8], ParseError>;
}

/// The strings of a checked buffer, measured again when handed out, except that a name shared
/// by consecutive VMAs (the segments of one file) is measured once per run.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Rescan<'a> {
    buf: Buf<'a>,
    last: Option<(u32, &'a [u8])>,
}

impl<'a> Rescan<'a> {
    pub(super) fn new(buf: Buf<'a>) -> Rescan<'a> {
        Rescan { buf, last: None }
    }
}

impl<'a> Strings<'a> for Rescan<'a> {
    fn get(&mut self, off: u32, item: Item) -> Result<&'a [u8], ParseError> {
        if let Some((o, s)) = self.last {
            if o == off {
                return Ok(s);
            }
        }
        let s = self.buf.string_at(off, item)?;
        self.last = Some((off, s));
        Ok(s)
    }
}

/// The check of every string of a buffer, in time linear in the buffer's size whatever the
/// strings: a string reached again by the same offset (a file name shared by many VMAs) is
/// looked up, not measured again; a new offset must not start inside, or run into, a string
/// already measured (the kernel stores each string once and shares it only by its offset), so
/// every byte is measured at most once.
pub(super) struct Checker<'a> {
    buf: Buf<'a>,
    /// Offset to length of the strings measured.
    known: std::collections::HashMap<u32, u32>,
    /// One bit per byte of the buffer: part of a string measured (its NUL included).
    covered: Vec<u64>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(buf: Buf<'a>) -> Checker<'a> {
        Checker {
            buf,
            known: std::collections::HashMap::new(),
            covered: vec![0; buf.bytes.len().div_ceil(64)],
        }
    }

    fn is_covered(&self, i: usize) -> bool {
        self.covered
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Whether any byte of `from..=to` is covered; then covers them all. Word at a time.
    fn cover(&mut self, from: usize, to: usize) -> bool {
        let mut hit = false;
        let mut i = from;
        while i <= to {
            let (w, b) = (i / 64, i % 64);
            let n = (64 - b).min(to - i + 1);
            let bits = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << b
            };
            if let Some(word) = self.covered.get_mut(w) {
                hit |= *word & bits != 0;
                *word |= bits;
            }
            i += n;
        }
        hit
    }
}

impl<'a> Strings<'a> for Checker<'a> {
    fn get(&mut self, off: u32, item: Item) -> Result<&'a [u8], ParseError> {
        let buf = self.buf.bytes;
        let o = usize::try_from(off).map_err(|_| ParseError::String(item, off))?;
        if let Some(&n) = self.known.get(&off) {
            let n = usize::try_from(n).map_err(|_| ParseError::String(item, off))?;
            return buf.get(o..o + n).ok_or(ParseError::String(item, off));
        }
        if o < buf.len() && self.is_covered(o) {
            return Err(ParseError::StringOverlap(item, off));
        }
        let s = self.buf.string_at(off, item)?;
        // Covering stops at the first string it meets: the scan above went at most that far.
        if self.cover(o, o + s.len()) {
            return Err(ParseError::StringOverlap(item, off));
        }
        let n = u32::try_from(s.len()).map_err(|_| ParseError::String(item, off))?;
        self.known.insert(off, n);
        Ok(s)
    }
}
