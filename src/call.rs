// SPDX-License-Identifier: GPL-2.0

//! One process_getinfo(2) call, start to end.

use kernel::{alloc::KVVec, prelude::*};

use crate::{
    facts::{Access, Facts},
    request,
    serialize::{call_gfp, Output, RecordBuf},
    sys::{self, CallerNs, Getinfo, Syscall},
    uapi::{self, ProcessInfo},
    walk::{self, Member, Snapshot},
};

/// process_getinfo(2).
pub(crate) struct Call;

impl Getinfo for Call {
    /// The system call's body; `E2BIG` after `*inout_sz` has been set to the size needed.
    fn getinfo(call: Syscall) -> Result {
        let args = request::check(call.nr_proc, call.proc_is_null, call.flags, call.mask)?;
        let cap = request::read_size(call.inout_sz, call.compat)?;
        let input = request::read_input(&args, call.proc_)?;

        let facts = Facts::new(CallerNs::current()?, &args)?;
        let mut snap = walk::collect(
            &input,
            args.has(uapi::THREADS),
            facts.ns(),
            facts.needs_tasks(),
        )?;
        drop(input);
        let decided = if args.has(uapi::STRICT) {
            // Fail before anything is written.
            Some(decide_all(&facts, &snap)?)
        } else {
            None
        };

        let mut e = Emitter {
            facts,
            decided,
            out: Output::new(call.out_buf, cap),
            rec: RecordBuf::new(),
        };
        if args.has(uapi::ALL) {
            for (i, m) in snap.members.iter_mut().enumerate() {
                e.member(m, i, -1)?;
                // Done with the task: put the reference while its task_struct is still cache-hot.
                m.task = None;
            }
        } else {
            e.answers(&mut snap)?;
        }
        drop(snap);

        let mut header = ProcessInfo {
            mask: args.mask,
            ..Default::default()
        };
        if args.mask & uapi::INFO_MEMINFO != 0 {
            sys::meminfo(&mut header);
        }
        e.out.finish(header, call.inout_sz, call.compat)
    }
}

/// Under `STRICT`: what the caller may learn about every task, decided before anything is
/// written; `ESRCH` if a named id names no visible task, `EACCES` if a fact is denied.
fn decide_all(facts: &Facts, snap: &Snapshot) -> Result<KVVec<Access>> {
    if snap.answers.iter().any(|a| a.run.is_none()) {
        return Err(ESRCH);
    }
    let mut decided = KVVec::with_capacity(snap.members.len(), call_gfp())?;
    for m in snap.members.iter() {
        Emitter::pause()?;
        // No reference is put before the records are built; were one, its task would count
        // as hidden.
        let access = facts.access(m.task.as_deref())?;
        if !access.hidden() && facts.denies(&access) {
            return Err(EACCES);
        }
        decided.push(access, call_gfp())?;
    }
    // A named id all of whose tasks are hidden names no visible process.
    for a in snap.answers.iter() {
        if let Some(run) = a.run.and_then(|r| snap.runs.get(r)) {
            if decided
                .get(run.range())
                .is_some_and(|d| d.iter().all(Access::hidden))
            {
                return Err(ESRCH);
            }
        }
    }
    Ok(decided)
}

/// Builds records and hands them to the output.
struct Emitter {
    facts: Facts,
    /// Under `STRICT`, the access to each member, decided in advance.
    decided: Option<KVVec<Access>>,
    out: Output,
    rec: RecordBuf,
}

impl Emitter {
    /// Checks for a fatal signal and yields the CPU if due, between records.
    fn pause() -> Result {
        if sys::fatal_signal_pending() {
            return Err(EINTR);
        }
        sys::cond_resched();
        Ok(())
    }

    /// The record of member `i`, unless it is hidden from the caller; whether it was emitted.
    fn member(&mut self, m: &Member, i: usize, input_index: i32) -> Result<bool> {
        Self::pause()?;
        let task = m.task.as_deref();
        let access = match self.decided.as_ref().and_then(|d| d.get(i)) {
            Some(a) => a.clone(),
            // Not under `STRICT` (and, were a decision missing, decided now).
            None => self.facts.access(task)?,
        };
        if access.hidden() {
            return Ok(false);
        }
        self.rec.start(self.out.next_offset());
        let rec = self
            .facts
            .build(m, task, input_index, access, &mut self.rec)?;
        self.out.emit(&rec, &self.rec)?;
        Ok(true)
    }

    /// The `PROCREC_GONE` record of a named id.
    fn gone(&mut self, id: i32, input_index: i32) -> Result {
        self.rec.start(self.out.next_offset());
        let rec = self.facts.gone(id, input_index);
        self.out.emit(&rec, &self.rec)
    }

    /// The records of every element of `proc`, in order. An id named again is answered again:
    /// its records are built anew while they are written, and only counted, by the size they
    /// had the first time, once the result no longer fits.
    fn answers(&mut self, snap: &mut Snapshot) -> Result {
        for (idx, a) in snap.answers.iter().enumerate() {
            let input_index = i32::try_from(idx)?;
            let Some(run) = a.run.and_then(|r| snap.runs.get_mut(r)) else {
                Self::pause()?;
                self.gone(a.id, input_index)?;
                continue;
            };
            if let (true, Some(bytes)) = (self.out.truncated(), run.bytes) {
                Self::pause()?;
                self.out.skip(bytes)?;
                continue;
            }
            let before = self.out.next_offset();
            let mut any = false;
            for i in run.range() {
                // INVARIANT: a run covers members the pass pushed.
                if let Some(m) = snap.members.get(i) {
                    any |= self.member(m, i, input_index)?;
                }
            }
            if !any {
                // Every task it names is hidden from the caller.
                self.gone(a.id, input_index)?;
            }
            // The output only grows.
            let bytes = self.out.next_offset().saturating_sub(before);
            run.bytes.get_or_insert(bytes);
        }
        Ok(())
    }
}
