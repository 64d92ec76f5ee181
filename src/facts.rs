// SPDX-License-Identifier: GPL-2.0

//! The facts of one record: what the caller may see of the task, then one
//! step per mask bit.
//!
//! Ids come from the task-list pass ([`crate::walk`]); everything else is
//! read here, one task at a time, with no lock held between tasks.

use kernel::{mm::MmWithUser, prelude::*, sync::aref::ARef, task::Task};

use crate::{
    maps::MapWriter,
    rules::{self, Args, Hidden, HidePid},
    serialize::RecordBuf,
    sys::{self, CallerNs, MmapRead, TaskFacts},
    uapi::{self, ProcRec},
    walk::Member,
};

/// `struct procrec`'s `size`.
const REC_SIZE: u32 = 224;
const _: () = assert!(REC_SIZE as usize == uapi::PROCREC_SIZE);

/// The command line is read in pieces of this many bytes.
const CMDLINE_CHUNK: usize = 4096;

/// What the caller may learn about one task, decided before its record is built (for all
/// records at once under `STRICT`, so that a denial fails the call before anything is written).
#[derive(Clone)]
pub(crate) struct Access {
    /// Hidden by `hidepid`: no record (`PROCREC_GONE` when named).
    hidden: bool,
    /// Denied by `hidepid=noaccess`: only the ids.
    details: bool,
    /// `PRIO`, allowed by the security modules.
    sched: bool,
    /// For the facts that need ptrace read access to the mm, if asked for: the mm, `None` if
    /// they do not apply (a kernel thread, an exited task), `Err(EACCES)` if denied.
    mm: Option<Result<Option<ARef<MmWithUser>>>>,
}

impl Access {
    /// The access to a task that is gone before it was decided: none.
    pub(crate) fn gone() -> Self {
        Self {
            hidden: true,
            details: false,
            sched: false,
            mm: None,
        }
    }

    /// The access to a task whose records need nothing of it beyond the ids of the task-list
    /// pass (see [`Facts::needs_tasks`]): the ids, and nothing else was checked.
    fn ids_only() -> Self {
        Self {
            hidden: false,
            details: false,
            sched: false,
            mm: None,
        }
    }

    /// Whether the task is hidden from the caller.
    pub(crate) fn hidden(&self) -> bool {
        self.hidden
    }
}

/// Per-call state reused across records.
pub(crate) struct Facts {
    ns: CallerNs,
    /// Requested per-record facts.
    want: u64,
    /// Denials of the ptrace checks are audited: not in a sweep of every process.
    audit: bool,
    /// A record answers for its thread group (as /proc/PID/stat), not for its thread alone (as
    /// /proc/PID/task/TID/stat under `THREADS`).
    whole: bool,
    /// The `hidepid` setting, read once: one call applies one rule to every task.
    hidepid: HidePid,
    maps: MapWriter,
}

impl Facts {
    pub(crate) fn new(ns: CallerNs, args: &Args) -> Result<Self> {
        let want = args.mask & uapi::RECORD_MASK;
        Ok(Self {
            ns,
            want,
            audit: !args.has(uapi::ALL),
            whole: !args.has(uapi::THREADS),
            hidepid: sys::hidepid(),
            maps: MapWriter::new(want & uapi::INFO_MEMORY_MAP != 0)?,
        })
    }

    pub(crate) fn ns(&self) -> &CallerNs {
        &self.ns
    }

    fn wants(&self, bit: u64) -> bool {
        self.want & bit != 0
    }

    /// Whether a record needs its task beyond the ids the task-list pass read: for a fact
    /// other than `IDS`, or for the existence check of `hidepid=invisible` and `ptraceable`.
    /// (Under `hidepid=noaccess` the ids are listed to all, and a record with `IDS` alone
    /// asks for no detail to deny.) If not, the snapshot takes no reference on its tasks: a
    /// walk of every process's ids then costs the pass and the copy-out.
    pub(crate) fn needs_tasks(&self) -> bool {
        self.want & !uapi::INFO_IDS != 0
            || matches!(self.hidepid.check(), Some((_, Hidden::Process)))
    }

    /// What the caller may learn about `task`: procfs's `hidepid` rule, then the checks of
    /// the facts asked for. `Err` only for `EINTR` and other failures of the checks themselves.
    ///
    /// `None`: the snapshot holds no reference on the task, because its records do not need
    /// it ([`Self::needs_tasks`]), or because they have been built (it then counts as gone).
    pub(crate) fn access(&self, task: Option<&Task>) -> Result<Access> {
        let Some(task) = task else {
            return Ok(if self.needs_tasks() {
                Access::gone()
            } else {
                Access::ids_only()
            });
        };
        let f = TaskFacts::new(task);
        let mut a = Access {
            hidden: false,
            details: true,
            sched: true,
            mm: None,
        };
        match f.hidden(self.hidepid, self.audit) {
            Some(Hidden::Process) => {
                a.hidden = true;
                return Ok(a);
            }
            Some(Hidden::Details) => {
                a.details = false;
                return Ok(a);
            }
            None => {}
        }
        if self.wants(uapi::INFO_PRIO) {
            a.sched = f.may_getscheduler();
        }
        if self.want & uapi::MM_ACCESS_MASK != 0 {
            a.mm = Some(match f.mm_for_maps(self.audit) {
                Err(e) if e == EACCES => Err(EACCES),
                Err(e) => return Err(e),
                Ok(mm) => Ok(mm),
            });
        }
        Ok(a)
    }

    /// Whether `access` denies any requested fact (`PROCREC_NOACCESS`, `EACCES` under
    /// `STRICT`).
    pub(crate) fn denies(&self, access: &Access) -> bool {
        (!access.details && self.want & !uapi::INFO_IDS != 0)
            || (!access.sched && self.wants(uapi::INFO_PRIO))
            || matches!(access.mm, Some(Err(_)))
    }

    /// The record of a named id that names no visible task.
    pub(crate) fn gone(&self, id: i32, input_index: i32) -> ProcRec {
        ProcRec {
            size: REC_SIZE,
            input_index,
            status: uapi::PROCREC_GONE,
            tid: id,
            ..Default::default()
        }
    }

    /// Builds the record of `m` (what follows its `struct procrec` into `buf`, which `start`
    /// has prepared), with what `access` allows (which must not hide the task). `task` is
    /// `m`'s, `None` if [`Self::access`] was decided without it.
    pub(crate) fn build(
        &mut self,
        m: &Member,
        task: Option<&Task>,
        input_index: i32,
        access: Access,
        buf: &mut RecordBuf,
    ) -> Result<ProcRec> {
        let mut r = ProcRec {
            size: REC_SIZE,
            input_index,
            ..Default::default()
        };
        if self.denies(&access) {
            r.status |= uapi::PROCREC_NOACCESS;
        }
        if self.wants(uapi::INFO_IDS) {
            (r.tid, r.tgid, r.ppid) = (m.tid, m.tgid, m.ppid);
            r.mask |= uapi::INFO_IDS;
        }
        if let (true, Some(task)) = (access.details, task) {
            self.details(task, access, buf, &mut r)?;
        }
        buf.finish()?;
        Ok(r)
    }

    /// The facts beyond the ids, into `r` and its mask.
    fn details(
        &mut self,
        task: &Task,
        access: Access,
        buf: &mut RecordBuf,
        r: &mut ProcRec,
    ) -> Result {
        let f = TaskFacts::new(task);
        if self.wants(uapi::INFO_STATUS) {
            r.state = f.state();
            r.mask |= uapi::INFO_STATUS;
        }
        if self.wants(uapi::INFO_OOM_SCORE_ADJ) {
            r.oom_score_adj = f.oom_score_adj();
            r.mask |= uapi::INFO_OOM_SCORE_ADJ;
        }
        if self.wants(uapi::INFO_CREDS) {
            f.creds(&self.ns, r);
            r.mask |= uapi::INFO_CREDS;
        }
        if self.wants(uapi::INFO_PRIO) && access.sched {
            f.sched(r);
            r.mask |= uapi::INFO_PRIO;
        }
        if self.wants(uapi::INFO_COMM) {
            let mut comm = [0u8; uapi::COMM_LEN];
            let len = f.comm(&mut comm);
            let local = buf.push_str(comm.get(..len).unwrap_or(&[]))?;
            r.comm_offset = buf.abs(local)?;
            r.mask |= uapi::INFO_COMM;
        }
        // As /proc/PID/status: no mmap lock; nothing for kernel threads.
        if self.wants(uapi::INFO_VM_COUNTERS) && f.vm_counters(r) {
            r.mask |= uapi::INFO_VM_COUNTERS;
        }
        if self.wants(uapi::INFO_CPU_TIMES) {
            f.times(self.whole, r);
            r.mask |= uapi::INFO_CPU_TIMES;
        }
        if self.wants(uapi::INFO_SESSION) {
            f.session(&self.ns, r);
            r.mask |= uapi::INFO_SESSION;
        }
        if self.wants(uapi::INFO_CMDLINE) {
            // As /proc/PID/cmdline: the task's mm without a ptrace check; nothing for kernel
            // threads and exited tasks.
            if let Some(mm) = f.mm() {
                Self::cmdline(&mm, buf, r)?;
                r.mask |= uapi::INFO_CMDLINE;
            }
        }
        // A kernel thread or an exited task (`None`): the facts do not apply; denied (`Err`):
        // `denies()` has marked the record.
        if let Some(Ok(Some(mm))) = access.mm {
            if self.want & uapi::MM_LOCKED_MASK != 0 {
                self.locked(&f, &mm, buf, r)?;
            }
            if self.wants(uapi::INFO_MEMORY_ROLLUP) {
                // The walk of smaps_rollup takes the mmap lock itself, after `locked()` let go.
                let local = buf.push_rollup(&f.rollup(&mm)?)?;
                r.rollup_offset = buf.abs(local)?;
                r.mask |= uapi::INFO_MEMORY_ROLLUP;
            }
        }
        Ok(())
    }

    /// `VM_SEQ` and `MEMORY_MAP`, in one mmap-lock section: the cookie is read under the
    /// hold in which the map written is the mm's map.
    fn locked(
        &mut self,
        f: &TaskFacts<'_>,
        mm: &MmWithUser,
        buf: &mut RecordBuf,
        r: &mut ProcRec,
    ) -> Result {
        let want_seq = self.wants(uapi::INFO_VM_SEQ);
        let mut seq = None;
        if self.wants(uapi::INFO_MEMORY_MAP) {
            // Room for every VMA and the gate VMA, allocated before the lock is taken; names
            // (and VMAs added meanwhile) may still grow the buffer.
            buf.reserve_vmas(sys::mm_map_count(mm).saturating_add(1))?;
            self.maps.write(mm, buf, r, |lock| {
                if want_seq {
                    seq = Some(f.vm_seq(lock));
                }
            })?;
            r.mask |= uapi::INFO_MEMORY_MAP;
        } else if want_seq {
            seq = Some(f.vm_seq(&MmapRead::lock(mm)?));
        }
        if let Some(s) = seq {
            r.vm_seq = s;
            r.mask |= uapi::INFO_VM_SEQ;
        }
        Ok(())
    }

    /// The bytes /proc/PID/cmdline returns for `mm`, and a NUL after them.
    fn cmdline(mm: &MmWithUser, buf: &mut RecordBuf, r: &mut ProcRec) -> Result {
        let start = buf.local_len();
        let mut size = 0usize;
        loop {
            let pos = kernel::num::casts::usize_as_u64(size);
            let got = buf.append_with(CMDLINE_CHUNK, |dst| sys::cmdline(mm, dst, pos))?;
            size = size.checked_add(got).ok_or(EOVERFLOW)?;
            if got < CMDLINE_CHUNK {
                break;
            }
            // The command line is bounded (by the argument and environment area), but can be
            // long: stay killable.
            if sys::fatal_signal_pending() {
                return Err(EINTR);
            }
        }
        buf.push_str(&[])?;
        r.cmdline_offset = buf.abs(start)?;
        r.cmdline_size = rules::offset32(size)?;
        Ok(())
    }
}
