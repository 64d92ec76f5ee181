// SPDX-License-Identifier: GPL-2.0

//! An mm's mmap read lock, its VMAs in the order /proc/PID/maps lists them,
//! and what maps prints for each.

use core::{ffi::CStr, ptr::NonNull};
use kernel::{
    bindings,
    error::from_err_ptr,
    ffi::c_void,
    mm::{virt::VmaRef, MmWithUser, MmapReadGuard},
    num::casts::usize_as_u64,
    prelude::*,
};

use crate::uapi;

/// The number of VMAs of `mm`, the gate VMA not counted, read without the mmap lock: a hint
/// for sizing buffers before the lock is taken.
pub(crate) fn mm_map_count(mm: &MmWithUser) -> usize {
    // SAFETY: `mm` is valid (the caller holds a user reference); `map_count` is read racily (in
    // C), which only makes the hint stale.
    let n = unsafe { bindings::mm_map_count(mm.as_raw()) };
    // A count is never negative.
    usize::try_from(n).unwrap_or(0)
}

/// A read hold of an mm's mmap lock, taken killably.
pub(crate) struct MmapRead<'a>(MmapReadGuard<'a>);

impl<'a> MmapRead<'a> {
    /// Takes the mmap lock for reading; `EINTR` on a fatal signal.
    pub(crate) fn lock(mm: &'a MmWithUser) -> Result<Self> {
        Ok(Self(mm.mmap_read_lock_killable()?))
    }

    /// The locked mm, valid while the lock is held.
    pub(crate) fn mm_ptr(&self) -> *mut bindings::mm_struct {
        self.0.mm().as_raw()
    }

    /// The VMAs that end above `addr`, in address order (the gate VMA not included).
    pub(crate) fn vmas_from(&self, addr: u64) -> impl Iterator<Item = Vma<'_>> + '_ {
        // A user address fits an `unsigned long`; a larger one finds no VMA.
        let addr = usize::try_from(addr).unwrap_or(usize::MAX);
        self.0.vmas_from(addr).map(Vma)
    }

    /// The mmap-lock write sequence of the mm: it moves whenever the mmap lock is taken for
    /// writing, so across every change of the memory map. `None` if this kernel keeps none
    /// (`!CONFIG_PER_VMA_LOCK`).
    #[cfg(CONFIG_PER_VMA_LOCK)]
    pub(crate) fn write_seq(&self) -> Option<u32> {
        // SAFETY: The mm is valid; writers of the sequence hold the mmap lock for writing,
        // which the read hold excludes.
        Some(unsafe { (*self.mm_ptr()).__bindgen_anon_1.mm_lock_seq.sequence })
    }

    /// See above: this kernel keeps no write sequence.
    #[cfg(not(CONFIG_PER_VMA_LOCK))]
    pub(crate) fn write_seq(&self) -> Option<u32> {
        None
    }

    /// Whether another task waits for the mmap lock (`mmap_lock_is_contended()`).
    #[cfg(not(CONFIG_PREEMPT_RT))]
    pub(crate) fn contended(&self) -> bool {
        // SAFETY: The mm is valid. `first_waiter` is read racily, as `rwsem_is_contended()`
        // reads it (`data_race()`): a stale answer only ends a chunk early or late.
        let waiter = unsafe {
            core::ptr::addr_of!((*self.mm_ptr()).__bindgen_anon_1.mmap_lock.first_waiter)
                .read_volatile()
        };
        !waiter.is_null()
    }

    /// See above: the rwsem of `PREEMPT_RT` is not read here; a chunk then never ends early.
    #[cfg(CONFIG_PREEMPT_RT)]
    pub(crate) fn contended(&self) -> bool {
        false
    }

    /// The mm's `start_brk`, `brk` and `start_stack`, which decide which VMAs /proc/PID/maps
    /// calls `[heap]` and `[stack]`.
    pub(crate) fn layout(&self) -> Layout {
        let mm = self.mm_ptr();
        // SAFETY: The mm is valid. `brk()` changes `start_brk` and `brk` under the mmap write
        // lock, but `prctl(PR_SET_MM)` changes all three under the read lock (and the mm's
        // `arg_lock`), so each is read once, as READ_ONCE() would: a value read while it
        // changes is the old one or the new one.
        unsafe {
            let mm = core::ptr::addr_of!((*mm).__bindgen_anon_1);
            Layout {
                start_brk: core::ptr::addr_of!((*mm).start_brk).read_volatile(),
                brk: core::ptr::addr_of!((*mm).brk).read_volatile(),
                start_stack: core::ptr::addr_of!((*mm).start_stack).read_volatile(),
            }
        }
    }

    /// The gate VMA: x86_64's `[vsyscall]` (`__HAVE_ARCH_GATE_AREA`), when it is mapped.
    /// /proc/PID/maps lists it after every VMA of the tree.
    #[cfg(CONFIG_X86_64)]
    pub(crate) fn gate(&self) -> Option<Vma<'_>> {
        // SAFETY: The mm is valid and locked; the gate VMA is static, or NULL.
        let gate = unsafe { bindings::get_gate_vma(self.mm_ptr()) };
        // SAFETY: A non-NULL gate VMA is static, so valid for as long as the lock is held.
        (!gate.is_null()).then(|| Vma(unsafe { VmaRef::from_raw(gate) }))
    }

    /// The gate VMA: none on this architecture (arm64 has no gate area, and
    /// `get_gate_vma()` is an inline that returns NULL).
    #[cfg(not(CONFIG_X86_64))]
    pub(crate) fn gate(&self) -> Option<Vma<'_>> {
        None
    }
}

/// The addresses of an mm that decide which VMAs are named `[heap]` and `[stack]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) start_brk: usize,
    pub(crate) brk: usize,
    pub(crate) start_stack: usize,
}

impl Layout {
    /// The address ranges (inclusive) whose VMAs may be named otherwise under `now` than
    /// under `self`: the heap's, old and new, if the break moved, and the stack's start, old
    /// and new, if it moved.
    pub(crate) fn moved(&self, now: &Layout) -> [Option<(usize, usize)>; 2] {
        let heap = (now.start_brk, now.brk) != (self.start_brk, self.brk);
        let stack = now.start_stack != self.start_stack;
        [
            heap.then(|| (now.start_brk.min(self.start_brk), now.brk.max(self.brk))),
            stack.then(|| {
                (
                    now.start_stack.min(self.start_stack),
                    now.start_stack.max(self.start_stack),
                )
            }),
        ]
    }
}

/// What identifies a VMA as it was under one hold of the mmap lock. Two identities taken
/// under different holds are equal only if the VMA was not changed in between: every change
/// of a VMA's fields write-locks it first (`vma_start_write()`), which stores the mm's write
/// sequence (odd, new for each write hold) in `vm_lock_seq`, and so does every insertion of
/// a new VMA; a VMA freed and another allocated at its address thus differ in it. All of it
/// is in the VMA's first cache line. What it does not cover is what no mmap lock protects
/// either: the path of a mapped file, renamed or deleted meanwhile, and the mm's
/// [`Layout`], which the walk compares itself.
///
/// Never dereferenced: the VMA it was taken from may be gone.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct VmaIdent {
    vma: usize,
    start: usize,
    end: usize,
    flags: usize,
    lock_seq: u32,
}

impl VmaIdent {
    /// No VMA's identity: marks a VMA read that went.
    pub(crate) const NONE: Self = Self {
        vma: 0,
        start: 0,
        end: 0,
        flags: 0,
        lock_seq: 0,
    };

    /// Whether this is [`Self::NONE`]: no VMA is at address 0.
    pub(crate) fn is_none(&self) -> bool {
        self.vma == 0
    }
}

/// A VMA, valid while the mmap lock is held.
pub(crate) struct Vma<'a>(&'a VmaRef);

/// What the mapped file of a VMA contributes to its line in /proc/PID/maps.
pub(crate) struct VmaFile {
    pub(crate) inode: u64,
    pub(crate) dev_major: u32,
    pub(crate) dev_minor: u32,
    pub(crate) offset: u64,
}

/// Where the name of a VMA is.
pub(crate) enum VmaName<'a> {
    /// At `scratch[start..start + len]`.
    Scratch { start: usize, len: usize },
    /// A constant string (`[heap]`, `[vdso]`, ...).
    Const(&'a [u8]),
}

impl<'a> Vma<'a> {
    fn raw(&self) -> *mut bindings::vm_area_struct {
        self.0.as_ptr()
    }

    /// This VMA's identity (see [`VmaIdent`]).
    pub(crate) fn ident(&self) -> VmaIdent {
        VmaIdent {
            vma: self.raw().addr(),
            start: self.0.start(),
            end: self.0.end(),
            flags: self.0.flags(),
            lock_seq: self.lock_seq(),
        }
    }

    #[cfg(CONFIG_PER_VMA_LOCK)]
    fn lock_seq(&self) -> u32 {
        // SAFETY: The VMA is valid; `vm_lock_seq` is read reliably under the mmap lock.
        unsafe { (*self.raw()).vm_lock_seq }
    }

    #[cfg(not(CONFIG_PER_VMA_LOCK))]
    fn lock_seq(&self) -> u32 {
        0
    }

    pub(crate) fn start(&self) -> u64 {
        usize_as_u64(self.0.start())
    }

    pub(crate) fn end(&self) -> u64 {
        usize_as_u64(self.0.end())
    }

    /// `PROT_*` and `PROCREC_VMA_*` bits.
    pub(crate) fn prot_and_flags(&self) -> (u32, u32) {
        let f = self.0.flags();
        let has = |bit: bindings::vm_flags_t| f & bit != 0;
        let mut prot = 0;
        if has(bindings::VM_READ) {
            prot |= uapi::PROT_READ;
        }
        if has(bindings::VM_WRITE) {
            prot |= uapi::PROT_WRITE;
        }
        if has(bindings::VM_EXEC) {
            prot |= uapi::PROT_EXEC;
        }
        let mut flags = 0;
        if has(bindings::VM_MAYSHARE) {
            flags |= uapi::PROCREC_VMA_SHARED;
        }
        if has(1 << bindings::VMA_LOCKED_BIT) {
            flags |= uapi::PROCREC_VMA_LOCKED;
        }
        // SAFETY: The VMA is valid under the mmap lock.
        if unsafe { bindings::is_vm_hugetlb_page(self.raw()) } {
            flags |= uapi::PROCREC_VMA_HUGETLB;
        }
        (prot, flags)
    }

    /// The mapped file's inode, device and offset, as /proc/PID/maps prints them.
    pub(crate) fn file(&self) -> Option<VmaFile> {
        // SAFETY: The VMA is valid under the mmap lock, which keeps `vm_file` and `vm_pgoff`
        // stable; they are read through the raw pointer.
        let (file, pgoff) = unsafe { ((*self.raw()).vm_file, (*self.raw()).vm_pgoff) };
        if file.is_null() {
            return None;
        }
        let (mut inode, mut dev) = (0u64, 0u32);
        // SAFETY: The VMA holds a reference on its file for as long as it exists, and the VMA
        // exists while the mmap lock is held; the inode and its super block outlive the file.
        // The out-pointers are valid locals.
        unsafe { bindings::inode_ino_dev(bindings::file_user_inode(file), &mut inode, &mut dev) };
        Some(VmaFile {
            inode,
            // `MAJOR()` and `MINOR()` of a kernel `dev_t`.
            dev_major: dev >> bindings::MINORBITS,
            dev_minor: dev & bindings::MINORMASK,
            offset: usize_as_u64(pgoff).saturating_mul(usize_as_u64(kernel::page::PAGE_SIZE)),
        })
    }

    /// When the name of this VMA is a file's path: that path, as an opaque key. Two VMAs with
    /// the same key under one hold of the mmap lock have the same name.
    pub(crate) fn path_key(&self) -> Option<NonNull<c_void>> {
        // SAFETY: The VMA is valid under the mmap lock.
        let path = unsafe { bindings::process_getinfo_vma_path(self.raw()) };
        NonNull::new(path.cast_mut().cast())
    }

    /// The name /proc/PID/maps prints for this VMA, unescaped, without its NUL: rendered into
    /// `scratch`, or a constant. `Err(ENAMETOOLONG)` if `scratch` is too small for it.
    pub(crate) fn name(&self, scratch: &mut [u8]) -> Result<Option<VmaName<'a>>> {
        let base = scratch.as_mut_ptr();
        // SAFETY: The VMA is valid under the mmap lock; `scratch` is writable for its length.
        let name = from_err_ptr(unsafe {
            bindings::process_getinfo_vma_name(self.raw(), base, scratch.len()).cast_mut()
        })?;
        if name.is_null() {
            return Ok(None);
        }
        let start = name.addr().wrapping_sub(base.addr());
        if start < scratch.len() {
            // Rendered into `scratch`: described by position, so that the caller keeps the
            // use of its buffer.
            // SAFETY: A non-NULL return is a NUL-terminated string; this one is in `scratch`.
            let len = unsafe { CStr::from_char_ptr(name) }.to_bytes().len();
            Ok(Some(VmaName::Scratch { start, len }))
        } else {
            // SAFETY: A non-NULL return outside `scratch` is a constant NUL-terminated string,
            // valid while the mmap lock is held (`'a`).
            let bytes: &'a [u8] = unsafe { CStr::from_char_ptr(name) }.to_bytes();
            Ok(Some(VmaName::Const(bytes)))
        }
    }
}
