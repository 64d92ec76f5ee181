// SPDX-License-Identifier: GPL-2.0

//! The memory map of one process: every VMA in address order, taken under
//! one hold of the mmap read lock, with the names /proc/PID/maps prints.
//! Identical names within a record are stored once (a hash table of the
//! names already written), and the name of a mapped file is rendered once
//! per record, however many VMAs map it (a cache keyed by the file's path).

use core::ptr::NonNull;
use kernel::{alloc::KVVec, ffi::c_void, num::casts::u32_as_usize, prelude::*};

use crate::{
    rules,
    serialize::{call_gfp, RecordBuf},
    sys::{MmapRead, Vma, VmaName},
    uapi::{self, ProcRec, ProcRecVma},
};

/// The first size of the buffer names are rendered into: `PATH_MAX`, the longest path most
/// programs can open. Longer names (a file reached through relative paths, deeper than
/// `PATH_MAX` from the root) grow it, as seq_file grows its buffer for /proc/PID/maps.
const NAME_SCRATCH_START: usize = 4096;

/// The largest the name buffer grows: seq_file's limit (`MAX_RW_COUNT`, `INT_MAX` rounded down
/// to a page), so that every name /proc/PID/maps can print is rendered. A longer one fails the
/// call with `ENOMEM`, as it fails a read of maps.
const NAME_SCRATCH_MAX: usize = 0x7fff_f000;
const _: () = assert!(NAME_SCRATCH_MAX % kernel::page::PAGE_SIZE == 0);

/// `struct procrec_vma`'s `size`.
const VMA_SIZE: u32 = 64;
const _: () = assert!(VMA_SIZE as usize == uapi::PROCREC_VMA_SIZE);

/// Writes memory maps into records; its buffers are reused across records.
pub(crate) struct MapWriter {
    scratch: KVVec<u8>,
    names: NameTable,
    paths: PathCache,
}

impl MapWriter {
    /// A writer; it allocates only if memory maps are wanted.
    pub(crate) fn new(wanted: bool) -> Result<Self> {
        let mut scratch = KVVec::new();
        if wanted {
            scratch.resize(NAME_SCRATCH_START, 0, call_gfp())?;
        }
        Ok(Self {
            scratch,
            names: NameTable::new(),
            paths: PathCache::new(),
        })
    }

    /// Appends the VMA chain of the locked mm to `buf` and fills `first_vma_offset` and
    /// `nr_vmas` of `rec`.
    pub(crate) fn write(
        &mut self,
        lock: &MmapRead<'_>,
        buf: &mut RecordBuf,
        rec: &mut ProcRec,
    ) -> Result {
        self.names.clear();
        self.paths.clear();
        let mut nr: u32 = 0;
        let mut prev_vma: Option<usize> = None;

        for vma in lock.vmas() {
            let (prot, mut flags) = vma.prot_and_flags();
            let file = vma.file();
            // A name that is a file's path is rendered once per record; any other name once per
            // VMA: two VMAs of one file can still have different names (named shared anonymous
            // memory, [anon_shmem:NAME], is named per VMA, and then has no path key).
            let key = file.as_ref().and_then(|_| vma.path_key());
            let cached = key.and_then(|k| self.paths.get(k));
            let (name_offset, special) = match cached {
                Some(hit) => hit,
                None => {
                    let named = match render_name(&mut self.scratch, &vma)? {
                        None => (0, false),
                        Some(name) => (self.names.intern(buf, name)?, name.first() == Some(&b'[')),
                    };
                    if let Some(k) = key {
                        self.paths.put(k, named);
                    }
                    named
                }
            };
            if special {
                flags |= uapi::PROCREC_VMA_SPECIAL;
            }
            let mut v = ProcRecVma {
                size: VMA_SIZE,
                start: vma.start(),
                end: vma.end(),
                prot,
                flags,
                backing_file_name_offset: name_offset,
                ..Default::default()
            };
            if let Some(f) = file {
                (v.inode, v.dev_major, v.dev_minor, v.file_offset) =
                    (f.inode, f.dev_major, f.dev_minor, f.offset);
            }
            let local = buf.push_vma(&v)?;
            let link = buf.abs(local)?;
            match prev_vma {
                Some(p) => buf.link_vma(p, link),
                None => rec.first_vma_offset = link,
            }
            prev_vma = Some(local);
            nr = nr.checked_add(1).ok_or(EOVERFLOW)?;
        }
        rec.nr_vmas = nr;
        Ok(())
    }
}

/// The name of `vma`, rendered into `scratch`, which grows until the name fits.
fn render_name<'s>(scratch: &'s mut KVVec<u8>, vma: &Vma<'s>) -> Result<Option<&'s [u8]>> {
    let name = loop {
        match vma.name(scratch) {
            Ok(name) => break name,
            Err(e) if e == ENAMETOOLONG => {
                let len = scratch.len().checked_mul(2).ok_or(ENOMEM)?;
                if len > NAME_SCRATCH_MAX {
                    return Err(ENOMEM);
                }
                // Under the mmap read lock: a sleeping allocation is allowed there, and it is
                // charged to the caller and fails rather than invoke the OOM killer.
                scratch.resize(len, 0, call_gfp())?;
            }
            Err(e) => return Err(e),
        }
    };
    Ok(match name {
        None => None,
        // INVARIANT: `Vma::name()` describes a string inside the buffer it was given.
        Some(VmaName::Scratch { start, len }) => {
            Some(scratch.get(start..start.saturating_add(len)).unwrap_or(&[]))
        }
        Some(VmaName::Const(c)) => Some(c),
    })
}

/// Names of mapped files already stored in the current record, by path: a small direct-mapped
/// cache in front of rendering them. A library is mapped by a few consecutive VMAs, so a few
/// slots catch nearly every repeat; a miss only renders the name again.
struct PathCache {
    /// `(path address, name offset in the buffer, special)`; address 0 marks an empty slot.
    slots: [(usize, u32, bool); PATH_SLOTS],
}

const PATH_SLOTS: usize = 16;

impl PathCache {
    fn new() -> Self {
        Self {
            slots: [(0, 0, false); PATH_SLOTS],
        }
    }

    fn clear(&mut self) {
        self.slots = [(0, 0, false); PATH_SLOTS];
    }

    /// The slot of a path address: paths sit in `struct file`s, slab objects far larger than
    /// 64 bytes, so the bits above the sixth vary the most.
    fn slot(key: NonNull<c_void>) -> usize {
        (key.as_ptr().addr() >> 6) % PATH_SLOTS
    }

    fn get(&self, key: NonNull<c_void>) -> Option<(u32, bool)> {
        let addr = key.as_ptr().addr();
        self.slots
            .get(Self::slot(key))
            .filter(|s| s.0 == addr)
            .map(|s| (s.1, s.2))
    }

    fn put(&mut self, key: NonNull<c_void>, (offset, special): (u32, bool)) {
        if let Some(s) = self.slots.get_mut(Self::slot(key)) {
            *s = (key.as_ptr().addr(), offset, special);
        }
    }
}

/// Names already stored in the current record: an open-addressing hash table from the name's
/// hash to its local offset.
struct NameTable {
    /// `(hash, local offset + 1)`; 0 marks an empty slot. The length is 0 or a power of two.
    slots: KVVec<(u32, u32)>,
    used: usize,
}

/// The home slot of hash `h` in a table of `len` (a power of two) slots.
fn slot_of(h: u32, len: usize) -> usize {
    u32_as_usize(h) & len.wrapping_sub(1)
}

fn fnv1a(s: &[u8]) -> u32 {
    s.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

impl NameTable {
    fn new() -> Self {
        Self {
            slots: KVVec::new(),
            used: 0,
        }
    }

    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = (0, 0));
        self.used = 0;
    }

    /// Keeps the load factor at most one half.
    fn grow(&mut self) -> Result {
        let needed = self
            .used
            .checked_add(1)
            .and_then(|n| n.checked_mul(2))
            .ok_or(ENOMEM)?;
        if needed <= self.slots.len() {
            return Ok(());
        }
        let len = self.slots.len().max(32).checked_mul(2).ok_or(ENOMEM)?;
        let mut slots = KVVec::new();
        slots.resize(len, (0u32, 0u32), call_gfp())?;
        for &(h, off) in self.slots.iter().filter(|s| s.1 != 0) {
            let mut i = slot_of(h, len);
            while slots.get(i).is_some_and(|s| s.1 != 0) {
                i = i.wrapping_add(1) & len.wrapping_sub(1);
            }
            // INVARIANT: `i` is masked below `len`, and the probe stopped at an empty slot.
            if let Some(slot) = slots.get_mut(i) {
                *slot = (h, off);
            }
        }
        self.slots = slots;
        Ok(())
    }

    /// The buffer offset of `name` in the record, storing it first if it is new.
    fn intern(&mut self, buf: &mut RecordBuf, name: &[u8]) -> Result<u32> {
        self.grow()?;
        let h = fnv1a(name);
        let len = self.slots.len();
        let mut i = slot_of(h, len);
        // The table is never full (load factor <= 1/2), so the probe ends at an empty slot.
        loop {
            // INVARIANT: `grow()` made the table non-empty and `i` is masked below its length.
            // Were it not, the name would only be stored once more.
            let Some(slot) = self.slots.get_mut(i) else {
                let local = buf.push_str(name)?;
                return buf.abs(local);
            };
            let (sh, soff) = *slot;
            let Some(local) = soff.checked_sub(1) else {
                let local = buf.push_str(name)?;
                *slot = (h, rules::offset32(local)?.checked_add(1).ok_or(EOVERFLOW)?);
                self.used = self.used.saturating_add(1);
                return buf.abs(local);
            };
            let local = usize::try_from(local)?;
            if sh == h && buf.str_eq(local, name) {
                return buf.abs(local);
            }
            i = i.wrapping_add(1) & len.wrapping_sub(1);
        }
    }
}
