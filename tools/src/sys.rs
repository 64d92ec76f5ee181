// SPDX-License-Identifier: MIT OR Apache-2.0

//! The system call: the probe that says whether this kernel carries it, a raw `unsafe` wrapper,
//! and a safe one over slices. This is the only module of the library with `unsafe` code.
//!
//! # Which kernels are called
//!
//! 473 is the first free system call number of Linux 7.3, and the process_getinfo series
//! takes it; a kernel without the series may one day give it to another call, which would then
//! run with our arguments. So the safe functions call it only on a kernel known to carry
//! process_getinfo(2): one where the module is loaded, which sysfs shows as
//! `/sys/module/process_getinfo/` (a module that is loaded, or built in with parameters as this
//! one has, always has that directory; the module can only load on a kernel with the series,
//! whose hook it registers). Elsewhere they fail with
//! [`Unavailable::NotCarried`] without making the call. Where sysfs is mounted elsewhere (or
//! the probe is to be tested), [`crate::backend::Syscall::sysfs_root`] names its root.
//! [`process_getinfo_raw`] makes the call unconditionally.

use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Unavailable};
use crate::flags::{Flags, Mask};
use crate::parse::Info;
use crate::uapi::NR_PROCESS_GETINFO;

/// Where sysfs is mounted normally.
pub const SYSFS: &str = "/sys";

/// The directory, below sysfs, that shows the module is loaded.
pub const MODULE_DIR: &str = "module/process_getinfo";

/// Whether the kernel whose sysfs is mounted at `sysfs_root` carries process_getinfo(2):
/// `Ok(())` if `<sysfs_root>/module/process_getinfo` is a directory.
pub fn probe(sysfs_root: &Path) -> Result<(), Unavailable> {
    let dir = sysfs_root.join(MODULE_DIR);
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Unavailable::NotCarried { probed: dir })
    }
}

/// Calls process_getinfo(2) with exactly the kernel's arguments, on any kernel.
///
/// Returns 0 on success and -1 with `errno` set on failure, like glibc's `syscall()`. This
/// does not [`probe`]: on a kernel without process_getinfo(2), number 473 may be another call.
///
/// # Safety
///
/// `proc_` must be NULL or point to `nr_proc` readable `c_int`s; `out_buf` must be valid for
/// writes of `*inout_sz` bytes; `inout_sz` must be valid for reads and writes. (The kernel
/// checks these and fails with EFAULT rather than crash, but a bad pointer into this process's
/// own memory would let the kernel overwrite it.) The kernel must carry process_getinfo(2)
/// (see [`probe`]).
pub unsafe fn process_getinfo_raw(
    nr_proc: libc::c_int,
    proc_: *const libc::c_int,
    flags: libc::c_int,
    mask: libc::c_ulong,
    out_buf: *mut libc::c_void,
    inout_sz: *mut libc::size_t,
) -> libc::c_long {
    // SAFETY: The caller guarantees the pointers' validity and that 473 is process_getinfo;
    // the syscall takes six register-sized arguments, which these are.
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

/// One call on a kernel already probed.
pub(crate) fn call_probed(
    ids: &[i32],
    flags: Flags,
    mask: Mask,
    out: &mut [u8],
) -> Result<usize, Error> {
    let einval = || Error::errno_value(libc::EINVAL);
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
    // writes of `sz` bytes; `sz` is a local; the caller probed the kernel.
    let ret =
        unsafe { process_getinfo_raw(nr, ptr, flags, mask, out.as_mut_ptr().cast(), &mut sz) };
    if ret == 0 {
        return Ok(sz);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::E2BIG) => Err(Error::TooBig {
            needed: sz,
            calls: 1,
        }),
        Some(libc::ENOSYS) => Err(Error::Unavailable(Unavailable::Enosys)),
        _ => Err(Error::Os(err)),
    }
}

/// Calls process_getinfo(2) on `ids` (pids, or pidfds with [`Flags::PIDFD`]) into `out`, if
/// [`probe`] finds it under [`SYSFS`].
///
/// An empty `ids` is passed as NULL (as [`Flags::ALL`] requires). Returns the number of bytes
/// used; E2BIG is [`Error::TooBig`] (the buffer then holds a valid prefix if at least the
/// header fitted), ENOSYS and a failed probe are [`Error::Unavailable`].
pub fn process_getinfo(
    ids: &[i32],
    flags: Flags,
    mask: Mask,
    out: &mut [u8],
) -> Result<usize, Error> {
    probe(&PathBuf::from(SYSFS))?;
    call_probed(ids, flags, mask, out)
}

/// The clock ticks per second of /proc's times (`USER_HZ`, `sysconf(_SC_CLK_TCK)`; 100 on
/// every Linux architecture but alpha and ia64).
pub fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf() only reads a configuration value; _SC_CLK_TCK is a valid name.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(hz).ok().filter(|&h| h > 0).unwrap_or(100)
}

/// Asks for the header only (no ids, mask 0): the facts this kernel supports, or the error
/// ([`Error::Unavailable`] when the call is not available).
pub fn supported_mask() -> Result<Mask, Error> {
    let mut buf = [0u8; 4096];
    let used = process_getinfo(&[], Flags::empty(), Mask::empty(), &mut buf)?;
    let info = Info::parse(buf.get(..used).unwrap_or(&buf))?;
    Ok(info.supported_mask())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_looks_for_the_module_directory() {
        let root = std::env::temp_dir().join(format!("pgi-probe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("module")).unwrap();
        assert_eq!(
            probe(&root),
            Err(Unavailable::NotCarried {
                probed: root.join("module/process_getinfo")
            })
        );
        std::fs::create_dir_all(root.join("module/process_getinfo/parameters")).unwrap();
        assert_eq!(probe(&root), Ok(()));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
