// SPDX-License-Identifier: GPL-2.0

//! The facts of one record: what the caller may see of the task, then one
//! step per mask bit.
//!
//! Ids come from the task-list pass ([`crate::walk`]); everything else is
//! read here, one task at a time, with no lock held between tasks.

use kernel::{mm::MmWithUser, page::PAGE_SHIFT, prelude::*, sync::aref::ARef, task::Task};

use crate::{
    maps::MapWriter,
    rules::{self, Args, Hidden},
    serialize::RecordBuf,
    sys::{self, CallerNs, MmapRead, TaskFacts},
    uapi::{self, ProcRec},
    walk::Member,
};

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
    /// For the facts read under the mmap lock, if asked for: the mm, `None` if they do not
    /// apply (a kernel thread, an exited task), `Err(EACCES)` if denied.
    mm: Option<Result<Option<ARef<MmWithUser>>>>,
}

impl Access {
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
    maps: MapWriter,
}

impl Facts {
    pub(crate) fn new(ns: CallerNs, args: &Args) -> Result<Self> {
        let want = args.mask & uapi::RECORD_MASK;
        Ok(Self {
            ns,
            want,
            audit: !args.has(uapi::ALL),
            maps: MapWriter::new(want & uapi::INFO_MEMORY_MAP != 0)?,
        })
    }

    pub(crate) fn ns(&self) -> &CallerNs {
        &self.ns
    }

    fn wants(&self, bit: u64) -> bool {
        self.want & bit != 0
    }

    /// What the caller may learn about `task`: procfs's `hidepid` rule, then the checks of
    /// the facts asked for. `Err` only for `EINTR` and other failures of the checks themselves.
    pub(crate) fn access(&self, task: &Task) -> Result<Access> {
        let f = TaskFacts::new(task);
        let mut a = Access {
            hidden: false,
            details: true,
            sched: true,
            mm: None,
        };
        match f.hidden(self.audit) {
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
        if self.want & uapi::MM_LOCKED_MASK != 0 {
            a.mm = Some(match f.mm_for_maps(self.audit) {
                Err(e) if e == EACCES || e == EPERM => Err(EACCES),
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

    /// Builds the record of a named id that names no visible task into `buf`, which `start`
    /// has prepared.
    pub(crate) fn build_gone(&self, id: i32, input_index: i32, buf: &mut RecordBuf) -> Result {
        let r = ProcRec {
            size: rules::offset32(uapi::PROCREC_SIZE)?,
            input_index,
            status: uapi::PROCREC_GONE,
            tid: id,
            ..Default::default()
        };
        buf.finish(&r)
    }

    /// Builds the record of `m` into `buf`, which `start` has prepared, with what `access`
    /// allows (which must not hide the task).
    pub(crate) fn build(
        &mut self,
        m: &Member,
        task: &Task,
        input_index: i32,
        access: Access,
        buf: &mut RecordBuf,
    ) -> Result {
        let mut r = ProcRec {
            size: rules::offset32(uapi::PROCREC_SIZE)?,
            input_index,
            ..Default::default()
        };
        if self.denies(&access) {
            r.status |= uapi::PROCREC_NOACCESS;
        }
        let mut got = 0u64;
        if self.wants(uapi::INFO_IDS) {
            (r.tid, r.tgid, r.ppid) = (m.tid, m.tgid, m.ppid);
            got |= uapi::INFO_IDS;
        }
        if access.details {
            got |= self.details(task, access, buf, &mut r)?;
        }
        r.mask = got;
        buf.finish(&r)
    }

    /// The facts beyond the ids; returns their bits.
    fn details(
        &mut self,
        task: &Task,
        access: Access,
        buf: &mut RecordBuf,
        r: &mut ProcRec,
    ) -> Result<u64> {
        let f = TaskFacts::new(task);
        let mut got = 0u64;
        if self.wants(uapi::INFO_STATUS) {
            r.state = f.state();
            got |= uapi::INFO_STATUS;
        }
        if self.wants(uapi::INFO_OOM_SCORE_ADJ) {
            r.oom_score_adj = f.oom_score_adj();
            got |= uapi::INFO_OOM_SCORE_ADJ;
        }
        if self.wants(uapi::INFO_CREDS) {
            (r.uids, r.gids) = f.creds(&self.ns);
            got |= uapi::INFO_CREDS;
        }
        if self.wants(uapi::INFO_PRIO) && access.sched {
            (r.prio, r.nice, r.policy) = f.prio();
            got |= uapi::INFO_PRIO;
        }
        if self.wants(uapi::INFO_COMM) {
            let mut comm = [0u8; uapi::COMM_LEN];
            let len = f.comm(&mut comm);
            let local = buf.push_str(comm.get(..len).unwrap_or(&[]))?;
            r.comm_offset = buf.abs(local)?;
            got |= uapi::INFO_COMM;
        }
        if self.wants(uapi::INFO_VM_COUNTERS) {
            // As /proc/PID/status: no mmap lock; nothing for kernel threads.
            if let Some(pages) = f.vm_counters() {
                for (kb, p) in r.vm_kb.iter_mut().zip(pages) {
                    *kb = rules::pages_to_kb(p, PAGE_SHIFT);
                }
                got |= uapi::INFO_VM_COUNTERS;
            }
        }
        // A kernel thread or an exited task (`None`): the facts do not apply; denied (`Err`):
        // `denies()` has marked the record.
        if let Some(Ok(Some(mm))) = access.mm {
            if self.wants(uapi::INFO_MEMORY_MAP) {
                // Room for every VMA and the gate VMA, allocated before the lock is taken;
                // names (and VMAs added meanwhile) may still grow the buffer.
                buf.reserve_vmas(sys::mm_map_count(&mm).saturating_add(1))?;
            }
            let lock = MmapRead::lock(&mm)?;
            if self.wants(uapi::INFO_VM_SEQ) {
                r.vm_seq = f.vm_seq(&lock);
                got |= uapi::INFO_VM_SEQ;
            }
            if self.wants(uapi::INFO_MEMORY_MAP) {
                self.maps.write(&lock, buf, r)?;
                got |= uapi::INFO_MEMORY_MAP;
            }
        }
        Ok(got)
    }
}
