// SPDX-License-Identifier: GPL-2.0

//! One process_getinfo(2) call, start to end.

use kernel::{prelude::*, uaccess::UserPtr};

use crate::{
    facts::Facts,
    request,
    serialize::{Output, RecordBuf},
    sys::{self, CallerNs},
    uapi, walk,
};

/// The system call's body; `E2BIG` after `*inout_sz` has been set to the size needed.
pub(crate) fn process_getinfo(
    nr_proc: i32,
    proc_: UserPtr,
    proc_is_null: bool,
    flags: i32,
    mask: u64,
    out_buf: UserPtr,
    inout_sz: UserPtr,
) -> Result {
    let args = request::check(nr_proc, proc_is_null, flags, mask)?;
    let cap = request::read_size(inout_sz)?;
    let input = request::read_input(&args, proc_)?;

    let mut facts = Facts::new(CallerNs::current(), &args)?;
    let mut targets = walk::collect(&input, args.has(uapi::THREADS), facts.ns())?;
    drop(input);
    if args.has(uapi::STRICT) && targets.iter().any(|t| t.task.is_none()) {
        // Fail before anything is written.
        return Err(ESRCH);
    }

    let mut out = Output::new(out_buf, cap);
    let mut rec = RecordBuf::new();
    for target in targets.iter_mut() {
        if sys::fatal_signal_pending() {
            return Err(EINTR);
        }
        sys::cond_resched();
        rec.start(out.next_offset())?;
        facts.build(target, &mut rec)?;
        // Done with the task: put the reference while its task_struct is still cache-hot.
        target.task = None;
        out.emit(&rec)?;
    }
    drop(targets);

    let meminfo = if args.mask & uapi::INFO_MEMINFO != 0 {
        sys::meminfo()
    } else {
        [0; 7]
    };
    out.finish(args.mask, meminfo, inout_sz)
}
