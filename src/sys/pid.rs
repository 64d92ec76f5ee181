// SPDX-License-Identifier: GPL-2.0

//! Counted references to `struct pid`, from pidfds.

use core::ptr::NonNull;
use kernel::{bindings, error::from_err_ptr, prelude::*};

/// A counted reference to a `struct pid`, from a pidfd.
///
/// # Invariants
///
/// `0` holds a reference taken by `pidfd_get_pid()`.
pub(crate) struct PidRef(NonNull<bindings::pid>);

impl PidRef {
    /// The pid that the caller's file descriptor `fd` refers to; `EBADF` if `fd` is not a pidfd.
    pub(crate) fn from_pidfd(fd: i32) -> Result<Self> {
        let fd = u32::try_from(fd).map_err(|_| EBADF)?;
        let mut f_flags = 0u32;
        // SAFETY: Any value is a valid argument and `f_flags` is a valid out-pointer; errors come
        // back as `ERR_PTR`.
        let pid = from_err_ptr(unsafe { bindings::pidfd_get_pid(fd, &mut f_flags) })?;
        // INVARIANT: a non-error return carries a reference.
        NonNull::new(pid).map(Self).ok_or(EBADF)
    }

    /// The `struct pid`, valid while `self` lives.
    pub(crate) fn as_ptr(&self) -> *mut bindings::pid {
        self.0.as_ptr()
    }

    /// The address of the `struct pid`: two pidfds of one process give the same.
    pub(crate) fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl Drop for PidRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own one reference.
        unsafe { bindings::put_pid(self.0.as_ptr()) };
    }
}
