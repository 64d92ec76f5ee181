// SPDX-License-Identifier: GPL-2.0

//! The facts of one record: one step per mask bit.
//!
//! Ids come from the task-list pass ([`crate::walk`]); everything else is
//! read here, one task at a time, with no lock held between tasks.

use kernel::{page::PAGE_SHIFT, prelude::*};

use crate::{
    maps::MapWriter,
    rules::{self, Args},
    serialize::RecordBuf,
    sys::{self, CallerNs, MmapRead, TaskFacts},
    uapi::{self, ProcRec},
    walk::Target,
};

/// Per-call state reused across records.
pub(crate) struct Facts {
    ns: CallerNs,
    /// Requested per-record facts.
    want: u64,
    strict: bool,
    maps: MapWriter,
}

impl Facts {
    pub(crate) fn new(ns: CallerNs, args: &Args) -> Result<Self> {
        let want = args.mask & uapi::RECORD_MASK;
        Ok(Self {
            ns,
            want,
            strict: args.has(uapi::STRICT),
            maps: MapWriter::new(want & uapi::INFO_MEMORY_MAP != 0)?,
        })
    }

    pub(crate) fn ns(&self) -> &CallerNs {
        &self.ns
    }

    fn wants(&self, bit: u64) -> bool {
        self.want & bit != 0
    }

    /// Builds the record of `target` into `buf`, which `start` has prepared.
    pub(crate) fn build(&mut self, target: &Target, buf: &mut RecordBuf) -> Result {
        let mut r = ProcRec {
            size: rules::offset32(uapi::PROCREC_SIZE)?,
            input_index: target.input_index,
            ..Default::default()
        };
        let Some(task) = target.task.as_deref() else {
            if self.strict {
                return Err(ESRCH);
            }
            r.status = uapi::PROCREC_GONE;
            r.tid = target.tid;
            return buf.finish(&r);
        };
        let f = TaskFacts::new(task);
        let mut got = 0u64;

        if self.wants(uapi::INFO_IDS) {
            (r.tid, r.tgid, r.ppid) = (target.tid, target.tgid, target.ppid);
            got |= uapi::INFO_IDS;
        }
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
        if self.wants(uapi::INFO_PRIO) {
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
        if self.want & uapi::MM_LOCKED_MASK != 0 {
            match f.mm_for_maps() {
                Ok(Some(mm)) => {
                    if self.wants(uapi::INFO_MEMORY_MAP) {
                        // Room for every VMA and the gate VMA, allocated before the lock is
                        // taken; names (and VMAs added meanwhile) may still grow the buffer.
                        buf.reserve_vmas(sys::mm_map_count(&mm).saturating_add(1))?;
                    }
                    let lock = MmapRead::lock(&mm)?;
                    if self.wants(uapi::INFO_VM_SEQ) {
                        r.vm_seq = f.vm_seq(&lock);
                        got |= uapi::INFO_VM_SEQ;
                    }
                    if self.wants(uapi::INFO_MEMORY_MAP) {
                        self.maps.write(&lock, buf, &mut r)?;
                        got |= uapi::INFO_MEMORY_MAP;
                    }
                }
                // A kernel thread, or an exited task: the facts do not apply.
                Ok(None) => {}
                Err(e) if e == EACCES || e == EPERM => {
                    if self.strict {
                        return Err(EACCES);
                    }
                    r.status |= uapi::PROCREC_NOACCESS;
                }
                Err(e) => return Err(e),
            }
        }
        r.mask = got;
        buf.finish(&r)
    }
}
