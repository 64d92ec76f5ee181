// SPDX-License-Identifier: GPL-2.0

//! The memory map of one process: every VMA in address order, taken under
//! one hold of the mmap read lock, with the names /proc/PID/maps prints.
//! Identical names within a record are stored once.

use kernel::{alloc::KVVec, prelude::*};

use crate::{
    rules,
    serialize::RecordBuf,
    sys::MmapRead,
    uapi::{self, ProcRec, ProcRecVma},
};

/// `PATH_MAX`: the longest name a VMA can have.
const NAME_MAX_LEN: usize = 4096;

/// Writes memory maps into records; its buffers are reused across records.
pub(crate) struct MapWriter {
    scratch: KVVec<u8>,
    names: NameTable,
}

impl MapWriter {
    /// A writer; it allocates only if memory maps are wanted.
    pub(crate) fn new(wanted: bool) -> Result<Self> {
        let mut scratch = KVVec::new();
        if wanted {
            scratch.resize(NAME_MAX_LEN, 0, GFP_KERNEL_ACCOUNT)?;
        }
        Ok(Self {
            scratch,
            names: NameTable::new(),
        })
    }

    /// Appends the VMA chain of the locked mm to `buf` and fills `first_vma_offset` and
    /// `nr_vmas` of `rec`.
    pub(crate) fn write(&mut self, lock: &MmapRead<'_>, buf: &mut RecordBuf, rec: &mut ProcRec) -> Result {
        self.names.clear();
        let mut nr: u32 = 0;
        let mut prev_vma: Option<usize> = None;
        // The name of the previous VMA's file, reused while the file does not change.
        let mut prev_file: Option<(usize, u32)> = None;

        for vma in lock.vmas() {
            let (prot, mut flags) = vma.prot_and_flags();
            let file = vma.file();
            let name_offset = match (&file, prev_file) {
                (Some(f), Some((key, off))) if f.key == key => off,
                _ => {
                    let off = match vma.name(&mut self.scratch)? {
                        None => 0,
                        Some(name) => {
                            if name.first() == Some(&b'[') {
                                flags |= uapi::PROCREC_VMA_SPECIAL;
                            }
                            self.names.intern(buf, name)?
                        }
                    };
                    // Named shared anonymous memory ([anon_shmem:NAME]) is named per VMA.
                    prev_file = match &file {
                        Some(f) if flags & uapi::PROCREC_VMA_SPECIAL == 0 => Some((f.key, off)),
                        _ => None,
                    };
                    off
                }
            };
            let (inode, dev, pgoff) = file.as_ref().map_or((0, 0, 0), |f| (f.inode, f.dev, f.pgoff));
            let (dev_major, dev_minor) = rules::dev_split(dev);
            let v = ProcRecVma {
                size: rules::offset32(uapi::PROCREC_VMA_SIZE)?,
                start: vma.start(),
                end: vma.end(),
                file_offset: pgoff,
                inode,
                dev_major,
                dev_minor,
                prot,
                flags,
                backing_file_name_offset: name_offset,
                ..Default::default()
            };
            let local = buf.push_vma(&v)?;
            let link = buf.abs(local)?;
            match prev_vma {
                Some(p) => buf.set_u32(
                    p.checked_add(uapi::VMA_NEXT_OFFSET).ok_or(EOVERFLOW)?,
                    link,
                )?,
                None => rec.first_vma_offset = link,
            }
            prev_vma = Some(local);
            nr = nr.checked_add(1).ok_or(EOVERFLOW)?;
        }
        rec.nr_vmas = nr;
        Ok(())
    }
}

/// Names already stored in the current record: an open-addressing hash table from the name's
/// hash to its local offset.
struct NameTable {
    /// `(hash, local offset + 1)`; 0 marks an empty slot. The length is 0 or a power of two.
    slots: KVVec<(u32, u32)>,
    used: usize,
}

fn fnv1a(s: &[u8]) -> u32 {
    s.iter()
        .fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
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
        let needed = self.used.checked_add(1).and_then(|n| n.checked_mul(2)).ok_or(ENOMEM)?;
        if needed <= self.slots.len() {
            return Ok(());
        }
        let len = self.slots.len().max(32).checked_mul(2).ok_or(ENOMEM)?;
        let mut slots = KVVec::new();
        slots.resize(len, (0u32, 0u32), GFP_KERNEL_ACCOUNT)?;
        for &(h, off) in self.slots.iter().filter(|s| s.1 != 0) {
            let mut i = (h as usize) & (len - 1);
            while slots[i].1 != 0 {
                i = (i + 1) & (len - 1);
            }
            slots[i] = (h, off);
        }
        self.slots = slots;
        Ok(())
    }

    /// The buffer offset of `name` in the record, storing it first if it is new.
    fn intern(&mut self, buf: &mut RecordBuf, name: &[u8]) -> Result<u32> {
        self.grow()?;
        let h = fnv1a(name);
        let mask = self.slots.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            let (sh, soff) = self.slots[i];
            if soff == 0 {
                let local = buf.push_str(name)?;
                self.slots[i] = (h, rules::offset32(local)?.checked_add(1).ok_or(EOVERFLOW)?);
                self.used += 1;
                return buf.abs(local);
            }
            let local = (soff - 1) as usize;
            if sh == h && buf.str_eq(local, name) {
                return buf.abs(local);
            }
            i = (i + 1) & mask;
        }
    }
}
