// SPDX-License-Identifier: GPL-2.0

//! The registration of a process_getinfo(2) implementation with the
//! kernel's hook (`struct process_getinfo_ops`).

use core::marker::PhantomData;
use kernel::{
    bindings,
    error::to_result,
    ffi::{c_int, c_long, c_void},
    prelude::*,
    types::Opaque,
    uaccess::UserPtr,
};

/// The arguments of one process_getinfo(2) call; the pointers are user pointers.
pub(crate) struct Syscall {
    pub(crate) nr_proc: i32,
    pub(crate) proc_: UserPtr,
    /// Whether `proc_` is NULL.
    pub(crate) proc_is_null: bool,
    pub(crate) flags: i32,
    pub(crate) mask: u64,
    pub(crate) out_buf: UserPtr,
    pub(crate) inout_sz: UserPtr,
    /// A 32-bit caller on a 64-bit kernel: `*inout_sz` is a 32-bit `size_t`.
    pub(crate) compat: bool,
}

/// The body of process_getinfo(2).
pub(crate) trait Getinfo {
    /// Handles one call.
    fn getinfo(call: Syscall) -> Result;
}

/// A registration of `T` as the implementation of process_getinfo(2).
///
/// # Invariants
///
/// `ops` is registered with `process_getinfo_register()` from its initialisation until drop; it
/// is pinned, so the address the kernel holds stays valid.
#[pin_data(PinnedDrop)]
pub(crate) struct Registration<T: Getinfo> {
    #[pin]
    ops: Opaque<bindings::process_getinfo_ops>,
    _t: PhantomData<T>,
}

// SAFETY: The registration only holds the ops struct, which the kernel reads under RCU and which
// is never written after registration; it can be dropped from any thread.
unsafe impl<T: Getinfo> Send for Registration<T> {}
// SAFETY: `&Registration` gives no access to anything.
unsafe impl<T: Getinfo> Sync for Registration<T> {}

impl<T: Getinfo> Registration<T> {
    /// Registers `T` as process_getinfo(2)'s body, owned by `module`.
    pub(crate) fn register(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            ops <- Opaque::try_ffi_init(move |slot: *mut bindings::process_getinfo_ops| {
                // SAFETY: The initializer can write to the provided `slot`.
                unsafe {
                    slot.write(bindings::process_getinfo_ops {
                        owner: module.as_ptr(),
                        getinfo: Some(Self::entry),
                    })
                };
                // SAFETY: `slot` holds a valid ops struct, in pinned memory that is not freed
                // before `drop` has unregistered it.
                // INVARIANT: registered if this returns `Ok`.
                to_result(unsafe { bindings::process_getinfo_register(slot) })
            }),
            _t: PhantomData,
        })
    }

    /// `struct process_getinfo_ops.getinfo`: converts the C arguments and the result.
    ///
    /// # Safety
    ///
    /// Called by the kernel's `sys_process_getinfo()` in the caller's process context, with the
    /// module pinned. The pointers are user pointers, only ever accessed through `UserSlice`.
    unsafe extern "C" fn entry(
        nr_proc: c_int,
        proc_: *const c_int,
        flags: c_int,
        mask: u64,
        out_buf: *mut c_void,
        inout_sz: *mut c_void,
        compat: bool,
    ) -> c_long {
        let result = T::getinfo(Syscall {
            nr_proc,
            proc_: UserPtr::from_ptr(proc_.cast_mut().cast()),
            proc_is_null: proc_.is_null(),
            flags,
            mask,
            out_buf: UserPtr::from_ptr(out_buf),
            inout_sz: UserPtr::from_ptr(inout_sz),
            compat,
        });
        match result {
            Ok(()) => 0,
            // `long` is at least 32 bits wide on every Linux target: the errno always fits.
            Err(e) => c_long::try_from(e.to_errno()).unwrap_or(c_long::MIN),
        }
    }
}

#[pinned_drop]
impl<T: Getinfo> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant `ops` is registered. The call waits for an RCU grace
        // period, after which no new caller can reach `ops`; callers already inside hold a
        // reference on the module, so module exit (and with it this drop) cannot run under them.
        unsafe { bindings::process_getinfo_unregister(self.ops.get()) };
    }
}
