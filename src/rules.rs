// SPDX-License-Identifier: GPL-2.0

//! The pure rules of the protocol: argument validation and the placement of
//! records in the caller's buffer.
//!
//! Nothing here touches the kernel, so the host unit tests (`make check`)
//! compile this file unchanged.

use crate::uapi;

/// The arguments break a rule of design.md section 1 or 2 (`EINVAL`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// A byte offset does not fit the `__u32` offsets of the format (`EOVERFLOW`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Overflow;

/// What the caller asked to inspect.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum Selection {
    /// Every visible process (`PROCESS_GETINFO_ALL`).
    All,
    /// This many pids or pidfds from `proc`.
    Ids(usize),
}

/// Validated arguments.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Args {
    pub(crate) flags: u32,
    pub(crate) mask: u64,
    pub(crate) selection: Selection,
}

impl Args {
    pub(crate) fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

/// Validates the arguments that need no user memory.
pub(crate) fn check_args(
    nr_proc: i32,
    proc_is_null: bool,
    flags: i32,
    mask: u64,
) -> Result<Args, Invalid> {
    let flags = u32::from_ne_bytes(flags.to_ne_bytes());
    if flags & !uapi::KNOWN_FLAGS != 0 || mask & !uapi::SUPPORTED_MASK != 0 {
        return Err(Invalid);
    }
    let selection = if flags & uapi::ALL != 0 {
        if flags & uapi::PIDFD != 0 || !proc_is_null || nr_proc != 0 {
            return Err(Invalid);
        }
        Selection::All
    } else {
        if nr_proc > uapi::NR_PROC_MAX {
            return Err(Invalid);
        }
        Selection::Ids(usize::try_from(nr_proc).map_err(|_| Invalid)?)
    };
    Ok(Args {
        flags,
        mask,
        selection,
    })
}

/// `n` rounded up to a multiple of 8.
pub(crate) fn align8(n: usize) -> Result<usize, Overflow> {
    Ok(n.checked_add(7).ok_or(Overflow)? & !7)
}

/// `n` as a buffer offset.
pub(crate) fn offset32(n: usize) -> Result<u32, Overflow> {
    u32::try_from(n).map_err(|_| Overflow)
}

/// `pages` pages of `1 << page_shift` bytes, in kB.
pub(crate) fn pages_to_kb(pages: u64, page_shift: usize) -> u64 {
    pages.saturating_mul(1u64 << page_shift.saturating_sub(10))
}

/// Major and minor numbers of a kernel `dev_t` (`MINORBITS` is 20).
pub(crate) fn dev_split(dev: u32) -> (u32, u32) {
    (dev >> 20, dev & ((1 << 20) - 1))
}

/// Where a record went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Placed {
    /// Its offset in the buffer.
    pub(crate) offset: usize,
    /// The offset of the record before it, whose `next` must now point to it.
    pub(crate) prev: Option<usize>,
}

/// The layout of the output: records after the header, in order, until the first one that
/// does not fit; after that only their sizes are counted.
#[derive(Debug)]
pub(crate) struct Layout {
    cap: usize,
    /// Bytes the complete result needs so far: where the next record starts.
    pos: usize,
    truncated: bool,
    nr_written: u32,
    first: Option<usize>,
    last: Option<usize>,
}

/// The final accounting of a call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Bytes the complete result needs (the value for `*inout_sz`).
    pub(crate) needed: usize,
    /// Whether the header fits in the buffer.
    pub(crate) header_fits: bool,
    pub(crate) truncated: bool,
    pub(crate) nr_written: u32,
    pub(crate) first_offset: u32,
}

impl Layout {
    /// A layout for a buffer of `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            pos: uapi::PROCESS_INFO_SIZE,
            truncated: cap < uapi::PROCESS_INFO_SIZE,
            nr_written: 0,
            first: None,
            last: None,
        }
    }

    /// The offset the next record will have.
    pub(crate) fn next_offset(&self) -> usize {
        self.pos
    }

    /// Accounts the next record, `len` bytes (a multiple of 8); says where to write it if it is
    /// to be written.
    pub(crate) fn place(&mut self, len: usize) -> Result<Option<Placed>, Overflow> {
        let offset = self.pos;
        let end = offset.checked_add(len).ok_or(Overflow)?;
        // Every offset, including those inside the last record, must fit in a `__u32`.
        offset32(end)?;
        self.pos = end;
        if self.truncated || end > self.cap {
            self.truncated = true;
            return Ok(None);
        }
        let prev = self.last.replace(offset);
        if prev.is_none() {
            self.first = Some(offset);
        }
        self.nr_written = self.nr_written.checked_add(1).ok_or(Overflow)?;
        Ok(Some(Placed { offset, prev }))
    }

    pub(crate) fn finish(&self) -> Result<Summary, Overflow> {
        Ok(Summary {
            needed: self.pos,
            header_fits: self.cap >= uapi::PROCESS_INFO_SIZE,
            truncated: self.truncated,
            nr_written: self.nr_written,
            first_offset: offset32(self.first.unwrap_or(0))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_valid() {
        assert_eq!(
            check_args(0, true, 0, 0),
            Ok(Args {
                flags: 0,
                mask: 0,
                selection: Selection::Ids(0)
            })
        );
        let all = (uapi::ALL | uapi::THREADS | uapi::STRICT) as i32;
        assert_eq!(
            check_args(0, true, all, uapi::SUPPORTED_MASK).map(|a| a.selection),
            Ok(Selection::All)
        );
        assert_eq!(
            check_args(uapi::NR_PROC_MAX, false, uapi::PIDFD as i32, uapi::INFO_IDS)
                .map(|a| a.selection),
            Ok(Selection::Ids(65536))
        );
    }

    #[test]
    fn args_invalid() {
        assert_eq!(check_args(0, true, 1 << 4, 0), Err(Invalid));
        assert_eq!(check_args(0, true, i32::MIN, 0), Err(Invalid));
        assert_eq!(
            check_args(0, true, 0, uapi::INFO_MEMORY_MAP << 1),
            Err(Invalid)
        );
        assert_eq!(check_args(0, true, 0, 1 << 63), Err(Invalid));
        assert_eq!(check_args(-1, false, 0, 0), Err(Invalid));
        assert_eq!(check_args(i32::MIN, false, 0, 0), Err(Invalid));
        assert_eq!(check_args(uapi::NR_PROC_MAX + 1, false, 0, 0), Err(Invalid));
        let all = uapi::ALL as i32;
        assert_eq!(check_args(1, true, all, 0), Err(Invalid));
        assert_eq!(check_args(0, false, all, 0), Err(Invalid));
        assert_eq!(
            check_args(0, true, all | uapi::PIDFD as i32, 0),
            Err(Invalid)
        );
    }

    #[test]
    fn arithmetic() {
        assert_eq!(align8(0), Ok(0));
        assert_eq!(align8(1), Ok(8));
        assert_eq!(align8(88), Ok(88));
        assert_eq!(align8(usize::MAX), Err(Overflow));
        assert_eq!(offset32(u32::MAX as usize), Ok(u32::MAX));
        assert_eq!(offset32(u32::MAX as usize + 1), Err(Overflow));
        assert_eq!(pages_to_kb(3, 12), 12);
        assert_eq!(pages_to_kb(u64::MAX, 12), u64::MAX);
        assert_eq!(dev_split((8 << 20) | 3), (8, 3));
    }

    #[test]
    fn layout_fits_exactly() {
        let h = uapi::PROCESS_INFO_SIZE;
        let mut l = Layout::new(h + 16 + 8);
        assert_eq!(
            l.place(16),
            Ok(Some(Placed {
                offset: h,
                prev: None
            }))
        );
        assert_eq!(
            l.place(8),
            Ok(Some(Placed {
                offset: h + 16,
                prev: Some(h)
            }))
        );
        let s = l.finish().unwrap();
        assert_eq!(
            s,
            Summary {
                needed: h + 24,
                header_fits: true,
                truncated: false,
                nr_written: 2,
                first_offset: h as u32
            }
        );
    }

    #[test]
    fn layout_truncates_to_a_prefix() {
        let h = uapi::PROCESS_INFO_SIZE;
        let mut l = Layout::new(h + 16 + 7);
        assert!(l.place(16).unwrap().is_some());
        assert_eq!(l.place(8), Ok(None));
        // A later record that would fit is not written: the output is a prefix.
        assert_eq!(l.place(0), Ok(None));
        let s = l.finish().unwrap();
        assert_eq!((s.needed, s.truncated, s.nr_written), (h + 24, true, 1));
    }

    #[test]
    fn layout_without_room_for_the_header() {
        let mut l = Layout::new(uapi::PROCESS_INFO_SIZE - 1);
        assert_eq!(l.place(8), Ok(None));
        let s = l.finish().unwrap();
        assert!(!s.header_fits && s.truncated);
        assert_eq!(s.first_offset, 0);
        assert_eq!(
            Layout::new(uapi::PROCESS_INFO_SIZE)
                .finish()
                .unwrap()
                .truncated,
            false
        );
    }

    #[test]
    fn layout_overflow() {
        let mut l = Layout::new(usize::MAX);
        assert_eq!(l.place(u32::MAX as usize), Err(Overflow));
        assert_eq!(l.place(usize::MAX), Err(Overflow));
    }
}
