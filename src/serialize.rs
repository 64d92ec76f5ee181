// SPDX-License-Identifier: GPL-2.0

//! Records in kernel memory, and their copy to the caller's buffer.
//!
//! One record (a `struct procrec` with its strings and VMAs) is built at a
//! time in a reused kernel buffer, with offsets already relative to the
//! caller's buffer. Finished records gather in a batch of about [`BATCH`]
//! bytes that is copied out in one go, between records, when no lock is held;
//! a record larger than that is copied out on its own. Kernel memory is thus
//! bounded by the largest single record plus one batch.

use kernel::{
    alloc::{flags, Flags, KVVec},
    prelude::*,
    transmute::AsBytes,
    uaccess::{UserPtr, UserSlice},
};

use crate::{
    rules::{self, Layout, Overflow},
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

/// One record under construction.
///
/// # Invariants
///
/// While a record is being built, `bytes[..PROCREC_SIZE]` is reserved for its `struct procrec`
/// and `base` is the record's offset in the caller's buffer.
pub(crate) struct RecordBuf {
    bytes: KVVec<u8>,
    base: usize,
}

impl RecordBuf {
    pub(crate) fn new() -> Self {
        Self {
            bytes: KVVec::new(),
            base: 0,
        }
    }

    /// Starts a record that will sit at offset `base` of the caller's buffer.
    pub(crate) fn start(&mut self, base: usize) -> Result {
        self.bytes.clear();
        // One copy of zeroes rather than `resize()`'s byte-at-a-time fill.
        self.bytes
            .extend_from_slice(&[0u8; uapi::PROCREC_SIZE], call_gfp())?;
        self.base = base;
        Ok(())
    }

    /// The buffer offset of local offset `local`.
    pub(crate) fn abs(&self, local: usize) -> Result<u32> {
        Ok(rules::offset32(
            self.base.checked_add(local).ok_or(EOVERFLOW)?,
        )?)
    }

    fn align(&mut self) -> Result {
        let len = self.bytes.len();
        let pad = rules::align8(len)?.checked_sub(len).ok_or(EINVAL)?;
        if pad > 0 {
            self.bytes
                .extend_from_slice([0u8; 7].get(..pad).ok_or(EINVAL)?, call_gfp())?;
        }
        Ok(())
    }

    /// Appends `s` and a NUL; returns its local offset.
    pub(crate) fn push_str(&mut self, s: &[u8]) -> Result<usize> {
        let local = self.bytes.len();
        self.bytes.extend_from_slice(s, call_gfp())?;
        self.bytes.push(0, call_gfp())?;
        Ok(local)
    }

    /// Whether the NUL-terminated string at local offset `local` is `s`.
    pub(crate) fn str_eq(&self, local: usize, s: &[u8]) -> bool {
        let end = local.saturating_add(s.len());
        self.bytes.get(local..end) == Some(s) && self.bytes.get(end) == Some(&0)
    }

    /// Makes room for `n` more VMAs (and a page of names) without reallocating.
    pub(crate) fn reserve_vmas(&mut self, n: usize) -> Result {
        let bytes = n
            .checked_mul(uapi::PROCREC_VMA_SIZE)
            .and_then(|b| b.checked_add(NAMES_SLACK))
            .ok_or(ENOMEM)?;
        Ok(self.bytes.reserve(bytes, call_gfp())?)
    }

    /// Appends a VMA at the next 8-byte boundary; returns its local offset.
    pub(crate) fn push_vma(&mut self, vma: &ProcRecVma) -> Result<usize> {
        self.align()?;
        let local = self.bytes.len();
        self.bytes.extend_from_slice(vma.as_bytes(), call_gfp())?;
        Ok(local)
    }

    /// Overwrites the `__u32` at local offset `local` (a `next` link already pushed).
    pub(crate) fn set_u32(&mut self, local: usize, value: u32) -> Result {
        let end = local.checked_add(4).ok_or(EINVAL)?;
        self.bytes
            .get_mut(local..end)
            .ok_or(EINVAL)?
            .copy_from_slice(&value.to_ne_bytes());
        Ok(())
    }

    /// Completes the record with its `struct procrec` and pads it to 8 bytes.
    pub(crate) fn finish(&mut self, rec: &ProcRec) -> Result {
        self.align()?;
        self.bytes
            .get_mut(..uapi::PROCREC_SIZE)
            .ok_or(EINVAL)?
            .copy_from_slice(rec.as_bytes());
        Ok(())
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
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

    /// Places a finished record if it fits, links it to the previous one, and adds it to the
    /// batch (copying the batch out when it is full). Must not be called with a lock held.
    pub(crate) fn emit(&mut self, rec: &RecordBuf) -> Result {
        let bytes = rec.as_bytes();
        let Some(placed) = self.layout.place(bytes.len())? else {
            return Ok(());
        };
        if let Some(prev) = placed.prev {
            let link = rules::offset32(placed.offset)?.to_ne_bytes();
            let at = prev
                .checked_add(uapi::PROCREC_NEXT_OFFSET)
                .ok_or(EOVERFLOW)?;
            let in_batch = at
                .checked_sub(self.pending_at)
                .and_then(|i| Some(i..i.checked_add(link.len())?))
                .and_then(|r| self.pending.get_mut(r));
            match in_batch {
                Some(dst) => dst.copy_from_slice(&link),
                // The previous record is out already.
                None => self.write_at(at, &link)?,
            }
        }
        if bytes.len() >= BATCH {
            // A large record (a memory map) goes out on its own, after the batch before it.
            self.flush()?;
            return self.write_at(placed.offset, bytes);
        }
        // Records are placed back to back (anything else starts a new batch), and a batch
        // never outgrows the room reserved for it.
        let end = self.pending.len().checked_add(bytes.len());
        if self.pending_at.checked_add(self.pending.len()) != Some(placed.offset)
            || end.is_none_or(|end| end > BATCH)
        {
            self.flush()?;
        }
        if self.pending.is_empty() {
            self.pending.reserve(BATCH, call_gfp())?;
            self.pending_at = placed.offset;
        }
        Ok(self.pending.extend_from_slice(bytes, call_gfp())?)
    }

    /// Writes the header and `*inout_sz`; `E2BIG` if the result did not fit.
    pub(crate) fn finish(mut self, mask: u64, meminfo: [u64; 7], inout_sz: UserPtr) -> Result {
        self.flush()?;
        let s = self.layout.finish()?;
        if s.header_fits {
            let header = ProcessInfo {
                size: rules::offset32(uapi::PROCESS_INFO_SIZE)?,
                first_procrec_offset: s.first_offset,
                nr_procrecs: s.nr_written,
                flags: if s.truncated {
                    uapi::PROCESS_INFO_TRUNCATED
                } else {
                    0
                },
                mask,
                supported_mask: uapi::SUPPORTED_MASK,
                meminfo,
            };
            self.write_at(0, header.as_bytes())?;
        }
        UserSlice::new(inout_sz, core::mem::size_of::<usize>())
            .writer()
            .write(&s.needed)?;
        if s.truncated {
            Err(E2BIG)
        } else {
            Ok(())
        }
    }
}
