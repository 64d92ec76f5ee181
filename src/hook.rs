// SPDX-License-Identifier: GPL-2.0

//! The entry the kernel's system call dispatches to.

use kernel::{
    ffi::{c_int, c_long, c_void},
    uaccess::UserPtr,
};

use crate::call;

/// `struct process_getinfo_ops.getinfo`: converts the C arguments and the result.
///
/// # Safety
///
/// Called by the kernel's `sys_process_getinfo()` in the caller's process context, with this
/// module pinned. The pointers are user pointers, only ever accessed through `UserSlice`.
pub(crate) unsafe extern "C" fn entry(
    nr_proc: c_int,
    proc_: *const c_int,
    flags: c_int,
    mask: u64,
    out_buf: *mut c_void,
    inout_sz: *mut usize,
) -> c_long {
    let result = call::process_getinfo(
        nr_proc,
        UserPtr::from_ptr(proc_.cast_mut().cast()),
        proc_.is_null(),
        flags,
        mask,
        UserPtr::from_ptr(out_buf),
        UserPtr::from_ptr(inout_sz.cast()),
    );
    match result {
        Ok(()) => 0,
        // An `int` errno always fits a `long`; the fallback is unreachable.
        Err(e) => c_long::try_from(e.to_errno()).unwrap_or(-1),
    }
}
