// SPDX-License-Identifier: GPL-2.0

//! Records in kernel memory, and their copy to the caller's buffer.
//!
//! One record is built at a time: its `struct procrec` as a value, and what
//! follows it (its strings, VMAs, command line and rollup) in a reused
//! kernel buffer, with offsets already relative to the caller's buffer.
//! Finished records gather in a batch of about [`BATCH`] bytes that is
//! copied out in one go, between records, when no lock is held; a record
//! larger than that is copied out on its own. Kernel memory is thus
//! bounded by the largest single record plus one batch.

use kernel::{
    alloc::{flags, Flags, KVVec},
    prelude::*,
    transmute::AsBytes,
    uaccess::{UserPtr, UserSlice},
};

use crate::{
    rules::{self, Layout, Overflow},
    sys::Rollup,
    uapi::{self, ProcRec, ProcRecVma, ProcessInfo},
};

// SAFETY: All three are `repr(C)` structs of integers laid out without implicit padding (every
// gap is an explicit `reserved*` field; `sys.rs` checks the sizes against the C header), so
// every byte of a value is initialised.
unsafe impl AsBytes for ProcessInfo {}
// SAFETY: See above.
unsafe impl AsBytes for ProcRec {}
// SAFETY: See above.
unsafe impl AsBytes for ProcRecVma {}

/// Allocations on behalf of a call: charged to the caller's memory cgroup, quiet on failure,
/// and never invoking the OOM killer. Their sizes follow the caller's request, so failure is
/// `ENOMEM` for the caller, not a kernel warning nor a killed task.
#[inline]
pub(crate) fn call_gfp() -> Flags {
    flags::GFP_KERNEL_ACCOUNT | flags::__GFP_NOWARN | flags::__GFP_RETRY_MAYFAIL
}

/// Records are copied out in batches of about this many bytes: one `copy_to_user()` per batch
/// rather than two per record.
pub(crate) const BATCH: usize = 32 * 1024;

/// Room reserved for the names of a memory map on top of its VMAs.
const NAMES_SLACK: usize = 4096;

impl From<Overflow> for Error {
    fn from(_: Overflow) -> Error {
        EOVERFLOW
    }
}

/// What follows the `struct procrec` of the record under construction.
///
/// # Invariants
///
/// `tail` starts at offset `base + PROCREC_SIZE` of the caller's buffer, which is 8-byte
/// aligned (records start 8-byte aligned and `PROCREC_SIZE` is a multiple of 8).
pub(crate) struct RecordBuf {
    tail: KVVec<u8>,
    base: usize,
}

impl RecordBuf {
    pub(crate) fn new() -> Self {
        Self {
            tail: KVVec::new(),
            base: 0,
        }
    }

    /// Starts a record that will sit at offset `base` of the caller's buffer.
    pub(crate) fn start(&mut self, base: usize) {
        self.tail.clear();
        self.base = base;
    }

    /// The buffer offset of local offset `local`.
    pub(crate) fn abs(&self, local: usize) -> Result<u32> {
        let at = self
            .base
            .checked_add(uapi::PROCREC_SIZE)
            .and_then(|a| a.checked_add(local))
            .ok_or(EOVERFLOW)?;
        Ok(rules::offset32(at)?)
    }

    /// Pads the tail to the next 8-byte boundary with zeros.
    fn align(&mut self) -> Result {
        while self.tail.len() % 8 != 0 {
            self.tail.push(0, call_gfp())?;
        }
        Ok(())
    }

    /// Appends `s` and a NUL; returns its local offset.
    pub(crate) fn push_str(&mut self, s: &[u8]) -> Result<usize> {
        let local = self.tail.len();
        self.tail.extend_from_slice(s, call_gfp())?;
        self.tail.push(0, call_gfp())?;
        Ok(local)
    }

    /// The local offset of the next byte appended.
    pub(crate) fn local_len(&self) -> usize {
        self.tail.len()
    }

    /// Whether the NUL-terminated string at local offset `local` is `s`.
    pub(crate) fn str_eq(&self, local: usize, s: &[u8]) -> bool {
        let end = local.saturating_add(s.len());
        self.tail.get(local..end) == Some(s) && self.tail.get(end) == Some(&0)
    }

    /// Appends up to `max` bytes that `fill` writes into the slice it is given and counts;
    /// returns how many it wrote.
    pub(crate) fn append_with(
        &mut self,
        max: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<usize>,
    ) -> Result<usize> {
        let at = self.tail.len();
        let end = at.checked_add(max).ok_or(EOVERFLOW)?;
        self.tail.resize(end, 0, call_gfp())?;
        let got = match self.tail.get_mut(at..end) {
            Some(room) => fill(room).map(|n| n.min(max)),
            // INVARIANT: `resize()` just made `at..end` part of the tail.
            None => Ok(0),
        };
        let kept = match &got {
            Ok(n) => *n,
            Err(_) => 0,
        };
        self.tail.truncate(at.saturating_add(kept));
        got
    }

    /// Makes room for `n` more VMAs (and a page of names) without reallocating.
    pub(crate) fn reserve_vmas(&mut self, n: usize) -> Result {
        let bytes = n
            .checked_mul(uapi::PROCREC_VMA_SIZE)
            .and_then(|b| b.checked_add(NAMES_SLACK))
            .ok_or(ENOMEM)?;
        Ok(self.tail.reserve(bytes, call_gfp())?)
    }

    /// Appends `v` at the next 8-byte boundary; returns its local offset.
    fn push_aligned<T: AsBytes>(&mut self, v: &T) -> Result<usize> {
        self.align()?;
        let local = self.tail.len();
        self.tail.extend_from_slice(v.as_bytes(), call_gfp())?;
        Ok(local)
    }

    /// Appends a VMA; returns its local offset.
    pub(crate) fn push_vma(&mut self, vma: &ProcRecVma) -> Result<usize> {
        self.push_aligned(vma)
    }

    /// Appends a `struct procrec_rollup`; returns its local offset.
    pub(crate) fn push_rollup(&mut self, rollup: &Rollup) -> Result<usize> {
        self.push_aligned(rollup)
    }

    /// Links the VMA at local offset `vma` (as `push_vma()` returned it) to buffer offset
    /// `next`.
    pub(crate) fn link_vma(&mut self, vma: usize, next: u32) {
        let at = vma.saturating_add(uapi::VMA_NEXT_OFFSET);
        // INVARIANT: `push_vma()` appended a whole `ProcRecVma` at `vma`, and the tail only
        // grows while the record is built, so the field is inside it.
        if let Some(field) = self.tail.get_mut(at..).and_then(|t| t.first_chunk_mut()) {
            *field = next.to_ne_bytes();
        }
    }

    /// Completes the record: its size is then a multiple of 8.
    pub(crate) fn finish(&mut self) -> Result {
        self.align()
    }

    /// The record's size, its `struct procrec` included.
    fn len(&self) -> usize {
        uapi::PROCREC_SIZE.saturating_add(self.tail.len())
    }
}

/// The caller's output buffer.
pub(crate) struct Output {
    buf: UserPtr,
    layout: Layout,
    /// Placed records not yet copied out, contiguous from offset `pending_at` of the caller's
    /// buffer.
    pending: KVVec<u8>,
    pending_at: usize,
}

impl Output {
    pub(crate) fn new(buf: UserPtr, cap: usize) -> Self {
        Self {
            buf,
            layout: Layout::new(cap),
            pending: KVVec::new(),
            pending_at: 0,
        }
    }

    /// Where the next record will sit.
    pub(crate) fn next_offset(&self) -> usize {
        self.layout.next_offset()
    }

    /// Whether the result no longer fits: records are only counted.
    pub(crate) fn truncated(&self) -> bool {
        self.layout.truncated()
    }

    /// Counts `len` bytes of records that are not built: records repeated for a repeated id,
    /// once the result no longer fits.
    pub(crate) fn skip(&mut self, len: usize) -> Result {
        Ok(self.layout.skip(len)?)
    }

    fn write_at(&self, offset: usize, data: &[u8]) -> Result {
        UserSlice::new(self.buf.wrapping_byte_add(offset), data.len())
            .writer()
            .write_slice(data)
    }

    /// Copies the pending records out. Must not be called with a lock held.
    pub(crate) fn flush(&mut self) -> Result {
        if !self.pending.is_empty() {
            self.write_at(self.pending_at, &self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Places a finished record (`rec`, then `buf`) if it fits, links it to the previous one,
    /// and adds it to the batch (copying the batch out when it is full). Must not be called
    /// with a lock held.
    pub(crate) fn emit(&mut self, rec: &ProcRec, buf: &RecordBuf) -> Result {
        let len = buf.len();
        let Some(placed) = self.layout.place(len)? else {
            return Ok(());
        };
        if let Some(prev) = placed.prev {
            let link = rules::offset32(placed.offset)?.to_ne_bytes();
            let at = prev.saturating_add(uapi::PROCREC_NEXT_OFFSET);
            let in_batch = at
                .checked_sub(self.pending_at)
                .and_then(|i| self.pending.get_mut(i..))
                .and_then(|p| p.first_chunk_mut());
            match in_batch {
                Some(dst) => *dst = link,
                // The previous record is out already.
                None => self.write_at(at, &link)?,
            }
        }
        if len >= BATCH {
            // A large record (a memory map) goes out on its own, after the batch before it.
            self.flush()?;
            self.write_at(placed.offset, rec.as_bytes())?;
            return self.write_at(placed.offset.saturating_add(uapi::PROCREC_SIZE), &buf.tail);
        }
        // Records are placed back to back (anything else starts a new batch), and a batch
        // never outgrows the room reserved for it.
        if self.pending_at.checked_add(self.pending.len()) != Some(placed.offset)
            || self.pending.len().saturating_add(len) > BATCH
        {
            self.flush()?;
        }
        if self.pending.is_empty() {
            self.pending.reserve(BATCH, call_gfp())?;
            self.pending_at = placed.offset;
        }
        self.pending.extend_from_slice(rec.as_bytes(), call_gfp())?;
        Ok(self.pending.extend_from_slice(&buf.tail, call_gfp())?)
    }

    /// Writes the header and `*inout_sz` (32 bits wide for a `compat` caller); `E2BIG` if the
    /// result did not fit.
    pub(crate) fn finish(
        mut self,
        mut header: ProcessInfo,
        inout_sz: UserPtr,
        compat: bool,
    ) -> Result {
        self.flush()?;
        let s = self.layout.finish()?;
        if s.header_fits {
            header.size = rules::offset32(uapi::PROCESS_INFO_SIZE)?;
            header.first_procrec_offset = s.first_offset;
            header.nr_procrecs = s.nr_written;
            header.flags = if s.truncated {
                uapi::PROCESS_INFO_TRUNCATED
            } else {
                0
            };
            header.supported_mask = uapi::SUPPORTED_MASK;
            self.write_at(0, header.as_bytes())?;
        }
        if compat {
            // Every offset fits in 32 bits (`Layout` checks), so the size needed does too.
            UserSlice::new(inout_sz, core::mem::size_of::<u32>())
                .writer()
                .write(&rules::offset32(s.needed)?)?;
        } else {
            UserSlice::new(inout_sz, core::mem::size_of::<usize>())
                .writer()
                .write(&s.needed)?;
        }
        if s.truncated {
            Err(E2BIG)
        } else {
            Ok(())
        }
    }
}
