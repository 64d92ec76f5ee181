// SPDX-License-Identifier: GPL-2.0

//! Validating the arguments and copying in what the caller passed.

use kernel::{
    alloc::KVVec,
    prelude::*,
    uaccess::{UserPtr, UserSlice},
};

use crate::{
    rules::{self, Args, Selection},
    serialize::call_gfp,
    sys::PidRef,
    uapi,
};

/// What to inspect, copied in.
pub(crate) enum Input {
    /// Every visible process.
    All,
    /// Pids, in the order of `proc`.
    Pids(KVVec<i32>),
    /// Pidfds, in the order of `proc`: the descriptor and the pid it refers to.
    Pidfds(KVVec<(i32, PidRef)>),
}

/// Validates everything that needs no user memory (`EINVAL`).
pub(crate) fn check(nr_proc: i32, proc_is_null: bool, flags: i32, mask: u64) -> Result<Args> {
    rules::check_args(nr_proc, proc_is_null, flags, mask).map_err(|_| EINVAL)
}

/// Reads `*inout_sz`: a `size_t` of the caller's, 32 bits wide for a compat caller.
pub(crate) fn read_size(inout_sz: UserPtr, compat: bool) -> Result<usize> {
    if compat {
        let sz = UserSlice::new(inout_sz, core::mem::size_of::<u32>())
            .reader()
            .read::<u32>()?;
        return Ok(kernel::num::casts::u32_as_usize(sz));
    }
    UserSlice::new(inout_sz, core::mem::size_of::<usize>())
        .reader()
        .read::<usize>()
}

/// Copies in the ids of `proc` (each byte read once) and resolves pidfds (`EBADF`).
pub(crate) fn read_input(args: &Args, proc_: UserPtr) -> Result<Input> {
    let n = match args.selection {
        Selection::All => return Ok(Input::All),
        Selection::Ids(n) => n,
    };
    // `n` is at most `NR_PROC_MAX` (`check()`): the product cannot overflow.
    let len = n.saturating_mul(core::mem::size_of::<i32>());
    let mut raw = KVVec::<u8>::new();
    UserSlice::new(proc_, len).read_all(&mut raw, call_gfp())?;
    let ids = raw
        .chunks_exact(4)
        .filter_map(|c| <[u8; 4]>::try_from(c).ok())
        .map(i32::from_ne_bytes);
    if args.has(uapi::PIDFD) {
        let mut pidfds = KVVec::with_capacity(n, call_gfp())?;
        for fd in ids {
            pidfds.push((fd, PidRef::from_pidfd(fd)?), call_gfp())?;
        }
        Ok(Input::Pidfds(pidfds))
    } else {
        let mut pids = KVVec::with_capacity(n, call_gfp())?;
        for id in ids {
            pids.push(id, call_gfp())?;
        }
        Ok(Input::Pids(pids))
    }
}
