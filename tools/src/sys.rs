// SPDX-License-Identifier: GPL-2.0

//! The system call: a raw `unsafe` wrapper and a safe one over slices. This is the only module
//! of the library with `unsafe` code.

use std::io;

use crate::flags::{Flags, Mask};
use crate::uapi::NR_PROCESS_GETINFO;

/// Calls process_getinfo(2) with exactly the kernel's arguments.
///
/// Returns 0 on success and -1 with `errno` set on failure, like glibc's `syscall()`.
///
/// # Safety
///
/// `proc_` must be NULL or point to `nr_proc` readable `c_int`s; `out_buf` must be valid for
/// writes of `*inout_sz` bytes; `inout_sz` must be valid for reads and writes. (The kernel
/// checks these and fails with EFAULT rather than crash, but a bad pointer into this process's
/// own memory would let the kernel overwrite it.)
pub unsafe fn process_getinfo_raw(
    nr_proc: libc::c_int,
    proc_: *const libc::c_int,
    flags: libc::c_int,
    mask: libc::c_ulong,
    out_buf: *mut libc::c_void,
    inout_sz: *mut libc::size_t,
) -> libc::c_long {
    // SAFETY: The caller guarantees the pointers' validity; the syscall takes six
    // register-sized arguments, which these are.
    unsafe {
        libc::syscall(
            NR_PROCESS_GETINFO,
            nr_proc,
            proc_,
            flags,
            mask,
            out_buf,
            inout_sz,
        )
    }
}

/// What a failed call says.
#[derive(Debug)]
pub enum SysError {
    /// E2BIG: the result needs `needed` bytes (the buffer then holds a valid prefix if at least
    /// the header fitted).
    TooBig {
        /// The size the call's snapshot needed.
        needed: usize,
    },
    /// Any other error.
    Os(io::Error),
}

impl SysError {
    /// The errno.
    pub fn errno(&self) -> i32 {
        match self {
            SysError::TooBig { .. } => libc::E2BIG,
            SysError::Os(e) => e.raw_os_error().unwrap_or(0),
        }
    }
}

/// Calls process_getinfo(2) on `ids` (pids, or pidfds with [`Flags::PIDFD`]) into `out`.
///
/// An empty `ids` is passed as NULL (as [`Flags::ALL`] requires). Returns the number of bytes
/// used.
pub fn process_getinfo(
    ids: &[i32],
    flags: Flags,
    mask: Mask,
    out: &mut [u8],
) -> Result<usize, SysError> {
    let einval = || SysError::Os(io::Error::from_raw_os_error(libc::EINVAL));
    let nr = libc::c_int::try_from(ids.len()).map_err(|_| einval())?;
    let flags = libc::c_int::try_from(flags.bits()).map_err(|_| einval())?;
    let mask = libc::c_ulong::try_from(mask.bits()).map_err(|_| einval())?;
    let ptr = if ids.is_empty() {
        std::ptr::null()
    } else {
        ids.as_ptr()
    };
    let mut sz: libc::size_t = out.len();
    // SAFETY: `ptr` is NULL or points to `nr` `i32`s (`c_int` is `i32`); `out` is valid for
    // writes of `sz` bytes; `sz` is a local.
    let ret =
        unsafe { process_getinfo_raw(nr, ptr, flags, mask, out.as_mut_ptr().cast(), &mut sz) };
    if ret == 0 {
        return Ok(sz);
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::E2BIG) {
        return Err(SysError::TooBig { needed: sz });
    }
    Err(SysError::Os(err))
}

/// Asks for the header only (no ids, mask 0): the facts this kernel supports, or the error
/// (ENOSYS when the call is not available).
pub fn supported_mask() -> Result<Mask, SysError> {
    let mut buf = [0u8; 4096];
    process_getinfo(&[], Flags::empty(), Mask::empty(), &mut buf)?;
    let info = crate::parse::Info::parse(&buf)
        .map_err(|_| SysError::Os(io::Error::from_raw_os_error(libc::EPROTO)))?;
    Ok(info.supported_mask())
}
