// SPDX-License-Identifier: GPL-2.0

//! The memory map of one process: every VMA in address order, with the names
//! /proc/PID/maps prints. Identical names within a record are stored once (a
//! hash table of the names already written), and the name of a mapped file is
//! rendered once per record, however many VMAs map it (a cache keyed by the
//! file's path).
//!
//! The map is read under the mmap read lock, which is let go when another
//! task waits for it (after at least [`VMA_CHUNK`] VMAs, or a 32nd of those
//! read so far if that is more), so that a writer on a large map waits for a
//! part of the walk, not for all of it. The map is still one picture: if the
//! mm's write sequence moved while the lock was let go, the VMAs read are
//! compared with the tree under the last hold, and those that changed,
//! appeared or went are read again or dropped, so that what is written is the
//! map of the last hold. That comparison reads no names, so it is the one
//! hold a writer that never stops has to wait for. The record is written
//! from what was read after the lock is let go for the last time.

use core::ptr::NonNull;
use kernel::{
    alloc::KVVec,
    ffi::c_void,
    mm::MmWithUser,
    num::casts::{u32_as_usize, usize_as_u64},
    prelude::*,
};

use crate::{
    rules,
    serialize::{call_gfp, RecordBuf},
    sys::{self, MmapRead, Vma, VmaIdent, VmaName},
    uapi::{self, ProcRec, ProcRecVma},
};

/// The fewest VMAs read under one hold of the mmap read lock before it is let go for a
/// waiting task: a fraction of a millisecond of work (bench/results: a 100,000-VMA map takes
/// tens of milliseconds).
const VMA_CHUNK: usize = 1024;

/// The most holds of the lock for one map: each reads at least a 32nd of what was read
/// before, so a map of 100,000 VMAs takes at most about 70; after this many the rest is read
/// under one hold, whatever a writer does meanwhile (a map growing faster than it is read
/// cannot make the walk endless).
const MAX_HOLDS: u32 = 256;

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
    /// The names of the VMAs read, each NUL-terminated.
    pool: KVVec<u8>,
    paths: PathCache,
    /// The VMAs read, in address order; after [`Self::revalidate`], with those of VMAs that
    /// went marked by [`VmaIdent::NONE`].
    items: KVVec<Item>,
    /// VMAs [`Self::revalidate`] found new, each with the index of the item it goes before.
    inserts: KVVec<(usize, Item)>,
    names: NameTable,
}

/// A VMA as it was read under the lock.
#[derive(Clone, Copy)]
struct Item {
    ident: VmaIdent,
    /// As it is written, but for `backing_file_name_offset`: 0 for no name, else the offset
    /// of the name in the pool plus one.
    vma: ProcRecVma,
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
            pool: KVVec::new(),
            paths: PathCache::new(),
            items: KVVec::new(),
            inserts: KVVec::new(),
            names: NameTable::new(),
        })
    }

    /// Appends the VMA chain of `mm` to `buf` and fills `first_vma_offset` and `nr_vmas` of
    /// `rec`. `last_hold` runs under the last hold of the mmap lock, whose map is the one
    /// written, for the facts taken in the same section.
    pub(crate) fn write(
        &mut self,
        mm: &MmWithUser,
        buf: &mut RecordBuf,
        rec: &mut ProcRec,
        last_hold: impl FnOnce(&MmapRead<'_>),
    ) -> Result {
        self.items.clear();
        self.inserts.clear();
        self.pool.clear();
        self.paths.clear();
        // Room for every VMA, allocated before the lock is taken. (A map that grows meanwhile,
        // and comparing VMAs with a map that changed, allocate under it: a sleeping allocation
        // is allowed there, charged to the caller, and fails rather than invoke the OOM killer.)
        let hint = sys::mm_map_count(mm).saturating_add(1);
        self.items.reserve(hint, call_gfp())?;
        let mut lock = MmapRead::lock(mm)?;
        // Without a write sequence a change cannot be seen: then one hold.
        let mut seq = lock.write_seq();
        let mut layout = lock.layout();
        let mut resume: u64 = 0;
        let mut holds: u32 = 1;
        // Whether the map changed while the lock was let go, and the addresses whose VMAs
        // may be named otherwise since (the heap's and the stack's start, old and new).
        let mut moved = false;
        let mut stale: [Option<(usize, usize)>; 2] = [None, None];
        loop {
            // Without a write sequence, or after `MAX_HOLDS`, the rest under this hold.
            let least = match seq {
                Some(_) if holds < MAX_HOLDS => VMA_CHUNK.max(self.items.len() / 32),
                _ => usize::MAX,
            };
            if self.chunk(&lock, &mut resume, least)? {
                break;
            }
            drop(lock);
            if sys::fatal_signal_pending() {
                return Err(EINTR);
            }
            sys::cond_resched();
            lock = MmapRead::lock(mm)?;
            holds = holds.saturating_add(1);
            let now = lock.write_seq();
            if now != seq {
                // A path's address may now be another file's.
                self.paths.clear();
                (moved, seq) = (true, now);
            }
            let l = lock.layout();
            if l != layout {
                stale = widen(stale, layout.moved(&l));
                (moved, layout) = (true, l);
            }
        }
        if moved {
            // What was read before the last hold, made the map of this hold.
            self.revalidate(&lock, stale)?;
        }
        let gate = match lock.gate() {
            Some(g) => Some(self.read(&g)?),
            None => None,
        };
        last_hold(&lock);
        drop(lock);
        self.emit(buf, rec, gate)
    }

    /// Reads the VMAs from `*resume` on, and moves `*resume` past them: at least `least`, then
    /// more until the tree has no more or another task waits for the lock. `Ok(true)` when
    /// the tree has no more.
    fn chunk(&mut self, lock: &MmapRead<'_>, resume: &mut u64, least: usize) -> Result<bool> {
        let mut n = 0usize;
        for vma in lock.vmas_from(*resume) {
            if n >= least && lock.contended() {
                return Ok(false);
            }
            let item = self.read(&vma)?;
            self.items.push(item, call_gfp())?;
            *resume = item.vma.end;
            n = n.wrapping_add(1);
        }
        Ok(true)
    }

    /// Brings the VMAs read up to date with the tree: those unchanged are kept,
    /// those changed or new are read, those gone are dropped; the VMAs that meet a range of
    /// `stale` (addresses, inclusive) are read again, as their names may have changed. The
    /// names of VMAs dropped or read again stay in the pool, unused: at most one per VMA of
    /// the map, as this runs once per walk.
    fn revalidate(&mut self, lock: &MmapRead<'_>, stale: [Option<(usize, usize)>; 2]) -> Result {
        let stale = |it: &Item, vma: &Vma<'_>| {
            it.ident != vma.ident() || stale.iter().any(|&r| in_range(&it.vma, r))
        };
        // The VMAs read that are unchanged, from the lowest on: usually all of them, and then
        // nothing is copied.
        let mut same = 0usize;
        let mut vmas = lock.vmas_from(0);
        let first_other = loop {
            match vmas.next() {
                Some(vma) => match self.items.get(same) {
                    Some(it) if !stale(it, &vma) => same = same.wrapping_add(1),
                    _ => break Some(vma),
                },
                None => break None,
            }
        };
        if first_other.is_none() && same == self.items.len() {
            return Ok(());
        }
        // From the first difference on, the items are compared with the tree: kept if
        // unchanged, read again in place if changed, marked gone if their VMA went; new VMAs
        // are read into `inserts`, each with the item it goes before. Nothing is moved: a move
        // of the items after a change would cost more than the comparison.
        let mut j = same;
        for vma in Iterator::chain(first_other.into_iter(), vmas) {
            let start = vma.start();
            // Items below this VMA are of VMAs that went.
            while let Some(it) = self.items.get_mut(j).filter(|it| it.vma.start < start) {
                it.ident = VmaIdent::NONE;
                j = j.wrapping_add(1);
            }
            match self.items.get(j) {
                Some(it) if !stale(it, &vma) => {}
                // The same start, so no later VMA's: this one, changed.
                Some(it) if it.vma.start == start => {
                    let item = self.read(&vma)?;
                    *self.items.get_mut(j).ok_or(EINVAL)? = item;
                }
                _ => {
                    let item = self.read(&vma)?;
                    self.inserts.push((j, item), call_gfp())?;
                    continue;
                }
            }
            j = j.wrapping_add(1);
        }
        // Items above the last VMA are of VMAs that went.
        for it in self.items.get_mut(j..).unwrap_or(&mut []) {
            it.ident = VmaIdent::NONE;
        }
        Ok(())
    }

    /// What is written for `vma`, its name into the pool.
    fn read(&mut self, vma: &Vma<'_>) -> Result<Item> {
        let (prot, mut flags) = vma.prot_and_flags();
        let file = vma.file();
        // A name that is a file's path is rendered once per map; any other name once per
        // VMA: two VMAs of one file can still have different names (named shared anonymous
        // memory, [anon_shmem:NAME], is named per VMA, and then has no path key). The path
        // cache is emptied whenever the map changed, so a key (an address) is only compared
        // with keys taken while the files that hold them were all mapped.
        let key = file.as_ref().and_then(|_| vma.path_key());
        let (name, special) = match key.and_then(|k| self.paths.get(k)) {
            Some(hit) => hit,
            None => {
                let named = match render_name(&mut self.scratch, vma)? {
                    None => (0, false),
                    Some(name) => (
                        pool_push(&mut self.pool, name)?,
                        name.first() == Some(&b'['),
                    ),
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
            backing_file_name_offset: name,
            ..Default::default()
        };
        if let Some(f) = file {
            (v.inode, v.dev_major, v.dev_minor, v.file_offset) =
                (f.inode, f.dev_major, f.dev_minor, f.offset);
        }
        Ok(Item {
            ident: vma.ident(),
            vma: v,
        })
    }

    /// Writes the VMAs read, then `gate`, as the record's chain.
    fn emit(&mut self, buf: &mut RecordBuf, rec: &mut ProcRec, gate: Option<Item>) -> Result {
        self.names.clear();
        // The pool offset and buffer offset of the last name written: the VMAs of one file
        // are adjacent and share their pool name.
        let mut last: Option<(u32, u32)> = None;
        let mut prev: Option<usize> = None;
        let mut nr: u32 = 0;
        let merged = Merged {
            items: &self.items,
            inserts: &self.inserts,
            i: 0,
            k: 0,
        };
        for item in Iterator::chain(merged, gate.iter()) {
            let mut v = item.vma;
            if let Some(at) = v.backing_file_name_offset.checked_sub(1) {
                v.backing_file_name_offset = match last {
                    Some((p, b)) if p == at => b,
                    _ => {
                        let b = self.names.intern(buf, pool_str(&self.pool, at))?;
                        last = Some((at, b));
                        b
                    }
                };
            }
            let local = buf.push_vma(&v)?;
            let link = buf.abs(local)?;
            match prev {
                Some(p) => buf.link_vma(p, link),
                None => rec.first_vma_offset = link,
            }
            prev = Some(local);
            nr = nr.checked_add(1).ok_or(EOVERFLOW)?;
        }
        rec.nr_vmas = nr;
        Ok(())
    }
}

/// The items of a map and the VMAs inserted among them, in address order, without the
/// items of VMAs that went.
struct Merged<'a> {
    items: &'a [Item],
    inserts: &'a [(usize, Item)],
    /// The next item, and the next insert.
    i: usize,
    k: usize,
}

impl<'a> Iterator for Merged<'a> {
    type Item = &'a Item;

    fn next(&mut self) -> Option<&'a Item> {
        loop {
            let before = self.items.get(self.i).is_none_or(|_| {
                self.inserts
                    .get(self.k)
                    .is_some_and(|&(at, _)| at <= self.i)
            });
            if before {
                let (_, it) = self.inserts.get(self.k)?;
                self.k = self.k.wrapping_add(1);
                return Some(it);
            }
            let it = self.items.get(self.i)?;
            self.i = self.i.wrapping_add(1);
            if !it.ident.is_none() {
                return Some(it);
            }
        }
    }
}

/// The ranges of `acc` grown to take in those of `more`, slot by slot.
fn widen(
    acc: [Option<(usize, usize)>; 2],
    more: [Option<(usize, usize)>; 2],
) -> [Option<(usize, usize)>; 2] {
    let mut out = acc;
    for (o, m) in out.iter_mut().zip(more) {
        *o = match (*o, m) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
    }
    out
}

/// Whether `v` meets the address range `r` (inclusive).
fn in_range(v: &ProcRecVma, r: Option<(usize, usize)>) -> bool {
    r.is_some_and(|(lo, hi)| {
        let (lo, hi) = (usize_as_u64(lo), usize_as_u64(hi));
        v.start <= hi && v.end >= lo
    })
}

/// Appends `name` and a NUL to the pool; returns its offset plus one.
fn pool_push(pool: &mut KVVec<u8>, name: &[u8]) -> Result<u32> {
    let at = u32::try_from(pool.len())?.checked_add(1).ok_or(EOVERFLOW)?;
    pool.extend_from_slice(name, call_gfp())?;
    pool.push(0, call_gfp())?;
    Ok(at)
}

/// The name at offset `at` of the pool, without its NUL.
fn pool_str(pool: &[u8], at: u32) -> &[u8] {
    let tail = pool.get(u32_as_usize(at)..).unwrap_or(&[]);
    let len = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    tail.get(..len).unwrap_or(&[])
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

/// Names of mapped files already read for the current map, by path: a small direct-mapped
/// cache in front of rendering them. A library is mapped by a few consecutive VMAs, so a few
/// slots catch nearly every repeat; a miss only renders the name again.
struct PathCache {
    /// `(path address, name offset in the pool plus one, special)`; address 0 marks an empty
    /// slot.
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
