// SPDX-License-Identifier: MIT OR Apache-2.0

//! Bounds-checked reads of integers, structs and strings.

use super::{Item, ParseError};

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

/// Checks that a struct with a VER0 size of `ver0` can start at `off` (past the header, 8-byte
/// aligned, its VER0 prefix inside `buf`) and that its own `size` is at least `ver0` and fits;
/// returns `off` as a `usize`.
pub(super) fn struct_at(
    buf: &[u8],
    off: u32,
    ver0: usize,
    hdr_size: usize,
    item: Item,
) -> Result<usize, ParseError> {
    let o = usize::try_from(off).map_err(|_| ParseError::Offset(item, off))?;
    let fits = |len: usize| o.checked_add(len).is_some_and(|end| end <= buf.len());
    if o < hdr_size || o % 8 != 0 || !fits(ver0) {
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

/// The longest string, NUL included: `PATH_MAX`, the longest name the kernel writes for a VMA
/// (and /proc/PID/maps prints). Bounding it keeps the decoding of every string, however often
/// it is shared, a constant amount of work.
pub const MAX_STRING: usize = 4096;

/// The NUL-terminated string at `off` (without its NUL), at most [`MAX_STRING`] bytes with it.
pub(super) fn string_at(
    buf: &[u8],
    off: u32,
    hdr_size: usize,
    item: Item,
) -> Result<&[u8], ParseError> {
    let bad = ParseError::String(item, off);
    let o = usize::try_from(off).map_err(|_| bad.clone())?;
    if o < hdr_size {
        return Err(bad);
    }
    let tail = buf.get(o..).ok_or_else(|| bad.clone())?;
    let tail = tail.get(..MAX_STRING).unwrap_or(tail);
    let nul = tail.iter().position(|&c| c == 0).ok_or(bad)?;
    Ok(tail.get(..nul).unwrap_or_default())
}
