// SPDX-License-Identifier: MIT OR Apache-2.0

//! A seeded generator of well-formed buffers, independent of the crate's encoder: random
//! records, laid out in random order with random gaps, with structs larger than VER0 (as a
//! newer kernel would write them) and file names shared between VMAs.

#![allow(dead_code)]

use std::time::Duration;

use process_getinfo::uapi::{ProcRec, ProcRecRollup, ProcRecVma, ProcessInfo};
use process_getinfo::{
    Cmdline, CpuTimes, Creds, IdSet, Ids, Info, Mask, Meminfo, Policy, Prio, Prot, Rollup, Session,
    State, TtyNr, VmCounters, Vma, VmaFlags,
};

/// SplitMix64: small, seeded, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn u32(&mut self) -> u32 {
        self.u64() as u32
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        (self.u64() % (n as u64).max(1)) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// An owned VMA of the model: the crate's VMA (its `name` `None`), and the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GVma {
    pub vma: Vma<'static>,
    pub name: Option<Vec<u8>>,
}

/// An owned record of the model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GRec {
    pub status: u32,
    pub input_index: i32,
    pub tid: i32,
    pub ids: Option<Ids>,
    pub state: Option<u8>,
    pub oom: Option<i32>,
    pub creds: Option<Creds>,
    pub prio: Option<Prio>,
    pub comm: Option<Vec<u8>>,
    pub vm: Option<VmCounters>,
    pub vm_seq: Option<u64>,
    pub vmas: Option<Vec<GVma>>,
    pub cpu: Option<CpuTimes>,
    pub session: Option<Session>,
    pub cmdline: Option<Vec<u8>>,
    pub rollup: Option<Rollup>,
}

impl GRec {
    pub fn mask(&self) -> Mask {
        let mut m = Mask::empty();
        m.set(Mask::IDS, self.ids.is_some());
        m.set(Mask::STATUS, self.state.is_some());
        m.set(Mask::OOM_SCORE_ADJ, self.oom.is_some());
        m.set(Mask::CREDS, self.creds.is_some());
        m.set(Mask::PRIO, self.prio.is_some());
        m.set(Mask::COMM, self.comm.is_some());
        m.set(Mask::VM_COUNTERS, self.vm.is_some());
        m.set(Mask::VM_SEQ, self.vm_seq.is_some());
        m.set(Mask::MEMORY_MAP, self.vmas.is_some());
        m.set(Mask::CPU_TIMES, self.cpu.is_some());
        m.set(Mask::SESSION, self.session.is_some());
        m.set(Mask::CMDLINE, self.cmdline.is_some());
        m.set(Mask::MEMORY_ROLLUP, self.rollup.is_some());
        m
    }
}

/// The model of a whole buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GBuf {
    pub mask: Mask,
    pub truncated: bool,
    pub meminfo: Option<Meminfo>,
    pub recs: Vec<GRec>,
}

fn name(rng: &mut Rng) -> Vec<u8> {
    const POOL: [&[u8]; 7] = [
        b"/usr/lib/libc.so.6",
        b"/bin/busybox",
        b"[heap]",
        b"[stack]",
        b"/tmp/with space (deleted)",
        b"/tmp/new\nline",
        b"",
    ];
    if rng.chance(20) {
        let n = rng.below(300);
        (0..n).map(|_| 1 + rng.below(255) as u8).collect()
    } else {
        rng.pick(&POOL).to_vec()
    }
}

fn idset(rng: &mut Rng) -> IdSet {
    IdSet {
        real: rng.u32(),
        effective: rng.u32(),
        saved: rng.u32(),
        fs: rng.u32(),
    }
}

pub fn gen_rec(rng: &mut Rng, mask: Mask, max_vmas: usize) -> GRec {
    let want = |rng: &mut Rng, m: Mask| mask.contains(m) && rng.chance(85);
    let mut r = GRec {
        status: rng.below(4) as u32,
        input_index: rng.below(1000) as i32 - 1,
        tid: rng.u32() as i32,
        ..Default::default()
    };
    if want(rng, Mask::IDS) {
        r.ids = Some(Ids {
            tid: r.tid,
            tgid: rng.u32() as i32,
            ppid: rng.u32() as i32,
        });
    }
    if want(rng, Mask::STATUS) {
        r.state = Some(*rng.pick(b"RSDTtXZPI"));
    }
    if want(rng, Mask::OOM_SCORE_ADJ) {
        r.oom = Some(rng.below(2001) as i32 - 1000);
    }
    if want(rng, Mask::CREDS) {
        r.creds = Some(Creds {
            uid: idset(rng),
            gid: idset(rng),
        });
    }
    if want(rng, Mask::PRIO) {
        r.prio = Some(Prio {
            prio: rng.below(140) as i32 - 100,
            nice: rng.below(40) as i32 - 20,
            policy: Policy::from_raw(rng.below(9) as u32),
        });
    }
    if want(rng, Mask::COMM) {
        let n = rng.below(64);
        r.comm = Some((0..n).map(|_| 1 + rng.below(255) as u8).collect());
    }
    if want(rng, Mask::VM_COUNTERS) {
        r.vm = Some(VmCounters {
            rss_anon_kb: rng.u64(),
            rss_file_kb: rng.u64(),
            rss_shmem_kb: rng.u64(),
            vm_size_kb: rng.u64(),
            swap_kb: rng.u64(),
        });
    }
    if want(rng, Mask::VM_SEQ) {
        r.vm_seq = Some(rng.u64());
    }
    if want(rng, Mask::MEMORY_MAP) {
        let n = rng.below(max_vmas + 1);
        let mut addr = rng.below(1 << 20) as u64 * 4096;
        let mut v = Vec::new();
        for _ in 0..n {
            // Adjacent VMAs are allowed (start == previous end).
            addr += rng.below(4) as u64 * 4096;
            let len = (1 + rng.below(64) as u64) * 4096;
            let vma = Vma {
                start: addr,
                end: addr + len,
                file_offset: rng.u64(),
                inode: rng.u64(),
                dev_major: rng.u32(),
                dev_minor: rng.u32(),
                prot: Prot::from_bits_retain(rng.below(8) as u32),
                flags: VmaFlags::from_bits_retain(rng.below(16) as u32),
                name: None,
            };
            let name = rng.chance(70).then(|| name(rng));
            v.push(GVma { vma, name });
            addr += len;
        }
        r.vmas = Some(v);
    }
    if want(rng, Mask::CPU_TIMES) {
        r.cpu = Some(CpuTimes {
            utime: Duration::from_nanos(rng.u64()),
            stime: Duration::from_nanos(rng.u64()),
            start_time: Duration::from_nanos(rng.u64()),
            min_flt: rng.u64(),
            maj_flt: rng.u64(),
            nr_threads: rng.u32(),
        });
    }
    if want(rng, Mask::SESSION) {
        r.session = Some(Session {
            pgid: rng.u32() as i32,
            sid: rng.u32() as i32,
            tty_nr: TtyNr(rng.u32()),
            tpgid: rng.u32() as i32,
        });
    }
    if want(rng, Mask::CMDLINE) {
        // Any bytes, NULs included (the separators), sometimes empty or long.
        let n = if rng.chance(10) { 5000 } else { rng.below(80) };
        r.cmdline = Some((0..n).map(|_| rng.below(256) as u8).collect());
    }
    if want(rng, Mask::MEMORY_ROLLUP) {
        let mut v = || rng.u64();
        r.rollup = Some(Rollup {
            rss_kb: v(),
            pss_kb: v(),
            pss_dirty_kb: v(),
            pss_anon_kb: v(),
            pss_file_kb: v(),
            pss_shmem_kb: v(),
            shared_clean_kb: v(),
            shared_dirty_kb: v(),
            private_clean_kb: v(),
            private_dirty_kb: v(),
            referenced_kb: v(),
            anonymous_kb: v(),
            swap_kb: v(),
            swap_pss_kb: v(),
            locked_kb: v(),
        });
    }
    r
}

pub fn gen_model(rng: &mut Rng, max_recs: usize, max_vmas: usize) -> GBuf {
    let mut mask = Mask::from_bits_retain(rng.u64() & Mask::all().bits());
    match rng.below(10) {
        0..=2 => mask = Mask::all(),
        // What a kernel before CPU_TIMES asks and answers.
        3 => mask &= Mask::VER0,
        _ => {}
    }
    let n = rng.below(max_recs + 1);
    let recs = (0..n).map(|_| gen_rec(rng, mask, max_vmas)).collect();
    GBuf {
        mask,
        truncated: rng.chance(10),
        meminfo: mask.contains(Mask::MEMINFO).then(|| Meminfo {
            mem_total_kb: rng.u64(),
            mem_free_kb: rng.u64(),
            mem_available_kb: rng.u64(),
            buffers_kb: rng.u64(),
            cached_kb: rng.u64(),
            swap_total_kb: rng.u64(),
            swap_free_kb: rng.u64(),
        }),
        recs,
    }
}

/// What goes into the buffer, before placement.
enum Blob {
    Rec(usize),
    Vma(usize, usize),
    Comm(usize),
    Name(Vec<u8>),
    Cmdline(usize),
    Rollup(usize),
}

fn put(buf: &mut [u8], at: usize, b: &[u8]) {
    buf[at..at + b.len()].copy_from_slice(b);
}

/// Lays a model out into bytes: blobs in random order with random gaps, structs 8-byte
/// aligned and possibly larger than VER0 (with garbage in the extension), names shared.
pub fn layout(rng: &mut Rng, m: &GBuf) -> Vec<u8> {
    let grow = |rng: &mut Rng| if rng.chance(30) { 8 * rng.below(4) } else { 0 };
    let hdr_size = 88 + grow(rng);
    // A buffer whose records hold none of the facts after VER0 may come from an old kernel,
    // which writes PROCREC_SIZE_VER0 records.
    let ver0 = m.recs.iter().all(|r| (r.mask() - Mask::VER0).is_empty()) && rng.chance(50);
    let rec_size = if ver0 { 152 } else { 224 } + grow(rng);
    let vma_size = 64 + grow(rng);
    let rollup_size = 128 + grow(rng);

    let mut blobs = Vec::new();
    let mut names: Vec<Vec<u8>> = Vec::new();
    for (i, r) in m.recs.iter().enumerate() {
        blobs.push(Blob::Rec(i));
        if r.comm.is_some() {
            blobs.push(Blob::Comm(i));
        }
        if r.cmdline.is_some() {
            blobs.push(Blob::Cmdline(i));
        }
        if r.rollup.is_some() {
            blobs.push(Blob::Rollup(i));
        }
        for (j, v) in r.vmas.iter().flatten().enumerate() {
            blobs.push(Blob::Vma(i, j));
            if let Some(n) = &v.name {
                if !names.contains(n) {
                    names.push(n.clone());
                    blobs.push(Blob::Name(n.clone()));
                }
            }
        }
    }
    // Shuffle (Fisher-Yates) unless the kernel's own order is wanted.
    if rng.chance(70) {
        for i in (1..blobs.len()).rev() {
            let j = rng.below(i + 1);
            blobs.swap(i, j);
        }
    }
    let mut cursor = hdr_size;
    let mut at = Vec::with_capacity(blobs.len());
    for b in &blobs {
        cursor += if rng.chance(20) { rng.below(24) } else { 0 };
        let (align, len) = match b {
            Blob::Rec(_) => (8, rec_size),
            Blob::Vma(..) => (8, vma_size),
            Blob::Comm(i) => (1, m.recs[*i].comm.as_ref().unwrap().len() + 1),
            Blob::Name(n) => (1, n.len() + 1),
            Blob::Cmdline(i) => (1, m.recs[*i].cmdline.as_ref().unwrap().len() + 1),
            Blob::Rollup(_) => (8, rollup_size),
        };
        cursor = cursor.next_multiple_of(align);
        at.push(cursor);
        cursor += len;
    }
    let total = cursor + if rng.chance(20) { rng.below(64) } else { 0 };
    let mut buf: Vec<u8> = (0..total).map(|_| rng.u64() as u8).collect();

    let find = |pred: &dyn Fn(&Blob) -> bool| -> u32 {
        blobs.iter().position(pred).map_or(0, |k| at[k] as u32)
    };
    let name_off = |n: &Vec<u8>| find(&|b: &Blob| matches!(b, Blob::Name(x) if x == n));
    for (k, b) in blobs.iter().enumerate() {
        let o = at[k];
        match b {
            Blob::Comm(i) => {
                let c = m.recs[*i].comm.as_ref().unwrap();
                put(&mut buf, o, c);
                buf[o + c.len()] = 0;
            }
            Blob::Name(n) => {
                put(&mut buf, o, n);
                buf[o + n.len()] = 0;
            }
            Blob::Cmdline(i) => {
                let c = m.recs[*i].cmdline.as_ref().unwrap();
                put(&mut buf, o, c);
                buf[o + c.len()] = 0;
            }
            Blob::Rollup(i) => {
                let r = m.recs[*i].rollup.unwrap();
                let raw = ProcRecRollup {
                    size: rollup_size as u32,
                    reserved0: 0,
                    rss_kb: r.rss_kb,
                    pss_kb: r.pss_kb,
                    pss_dirty_kb: r.pss_dirty_kb,
                    pss_anon_kb: r.pss_anon_kb,
                    pss_file_kb: r.pss_file_kb,
                    pss_shmem_kb: r.pss_shmem_kb,
                    shared_clean_kb: r.shared_clean_kb,
                    shared_dirty_kb: r.shared_dirty_kb,
                    private_clean_kb: r.private_clean_kb,
                    private_dirty_kb: r.private_dirty_kb,
                    referenced_kb: r.referenced_kb,
                    anonymous_kb: r.anonymous_kb,
                    swap_kb: r.swap_kb,
                    swap_pss_kb: r.swap_pss_kb,
                    locked_kb: r.locked_kb,
                };
                put(&mut buf, o, &raw.to_ne_bytes());
            }
            Blob::Vma(i, j) => {
                let vmas = m.recs[*i].vmas.as_ref().unwrap();
                let GVma { vma: v, name } = &vmas[*j];
                let next = if j + 1 < vmas.len() {
                    find(&|b: &Blob| matches!(b, Blob::Vma(x, y) if x == i && *y == j + 1))
                } else {
                    0
                };
                let raw = ProcRecVma {
                    size: vma_size as u32,
                    next_procrec_vma_offset: next,
                    start: v.start,
                    end: v.end,
                    file_offset: v.file_offset,
                    inode: v.inode,
                    dev_major: v.dev_major,
                    dev_minor: v.dev_minor,
                    prot: v.prot.bits(),
                    flags: v.flags.bits(),
                    backing_file_name_offset: name.as_ref().map_or(0, name_off),
                    reserved0: 0,
                };
                put(&mut buf, o, &raw.to_ne_bytes());
            }
            Blob::Rec(i) => {
                let r = &m.recs[*i];
                let next = if i + 1 < m.recs.len() {
                    find(&|b: &Blob| matches!(b, Blob::Rec(x) if *x == i + 1))
                } else {
                    0
                };
                let c = r.creds.unwrap_or_default();
                let p = r.prio.unwrap_or_default();
                let vm = r.vm.unwrap_or_default();
                let vmas = r.vmas.as_deref().unwrap_or_default();
                let cpu = r.cpu.unwrap_or_default();
                let ses = r.session.unwrap_or_default();
                let ns = |d: Duration| d.as_nanos() as u64;
                let raw = ProcRec {
                    size: rec_size as u32,
                    next_procrec_offset: next,
                    mask: r.mask().bits(),
                    status: r.status,
                    input_index: r.input_index,
                    tid: r.tid,
                    tgid: r.ids.map_or(0, |x| x.tgid),
                    ppid: r.ids.map_or(0, |x| x.ppid),
                    oom_score_adj: r.oom.unwrap_or(0),
                    uid_real: c.uid.real,
                    uid_effective: c.uid.effective,
                    uid_saved: c.uid.saved,
                    uid_fs: c.uid.fs,
                    gid_real: c.gid.real,
                    gid_effective: c.gid.effective,
                    gid_saved: c.gid.saved,
                    gid_fs: c.gid.fs,
                    prio: p.prio,
                    nice: p.nice,
                    policy: p.policy.to_raw(),
                    comm_offset: if r.comm.is_some() {
                        find(&|b: &Blob| matches!(b, Blob::Comm(x) if x == i))
                    } else {
                        0
                    },
                    state: r.state.unwrap_or(0),
                    reserved0: [0; 3],
                    nr_vmas: vmas.len() as u32,
                    first_vma_offset: if vmas.is_empty() {
                        0
                    } else {
                        find(&|b: &Blob| matches!(b, Blob::Vma(x, 0) if x == i))
                    },
                    reserved1: 0,
                    rss_anon_kb: vm.rss_anon_kb,
                    rss_file_kb: vm.rss_file_kb,
                    rss_shmem_kb: vm.rss_shmem_kb,
                    vm_size_kb: vm.vm_size_kb,
                    swap_kb: vm.swap_kb,
                    vm_seq: r.vm_seq.unwrap_or(0),
                    utime_ns: ns(cpu.utime),
                    stime_ns: ns(cpu.stime),
                    start_time_ns: ns(cpu.start_time),
                    min_flt: cpu.min_flt,
                    maj_flt: cpu.maj_flt,
                    nr_threads: cpu.nr_threads,
                    pgid: ses.pgid,
                    sid: ses.sid,
                    tty_nr: ses.tty_nr.0,
                    tpgid: ses.tpgid,
                    cmdline_offset: if r.cmdline.is_some() {
                        find(&|b: &Blob| matches!(b, Blob::Cmdline(x) if x == i))
                    } else {
                        0
                    },
                    cmdline_size: r.cmdline.as_ref().map_or(0, |c| c.len() as u32),
                    rollup_offset: if r.rollup.is_some() {
                        find(&|b: &Blob| matches!(b, Blob::Rollup(x) if x == i))
                    } else {
                        0
                    },
                };
                // A VER0 record is the prefix of the struct (the rest of its space garbage).
                let bytes = raw.to_ne_bytes();
                let n = if ver0 { 152 } else { bytes.len() };
                put(&mut buf, o, &bytes[..n]);
            }
        }
    }
    let mi = m.meminfo.unwrap_or_default();
    let hdr = ProcessInfo {
        size: hdr_size as u32,
        first_procrec_offset: if m.recs.is_empty() {
            0
        } else {
            find(&|b: &Blob| matches!(b, Blob::Rec(0)))
        },
        nr_procrecs: m.recs.len() as u32,
        flags: m.truncated as u32,
        mask: m.mask.bits(),
        supported_mask: Mask::all().bits() | (rng.u64() & !Mask::all().bits()),
        mem_total_kb: mi.mem_total_kb,
        mem_free_kb: mi.mem_free_kb,
        mem_available_kb: mi.mem_available_kb,
        buffers_kb: mi.buffers_kb,
        cached_kb: mi.cached_kb,
        swap_total_kb: mi.swap_total_kb,
        swap_free_kb: mi.swap_free_kb,
    };
    put(&mut buf, 0, &hdr.to_ne_bytes());
    buf
}

/// Reads a parsed buffer back into the model's form.
pub fn read_back(info: &Info<'_>) -> GBuf {
    let recs = info
        .records()
        .map(|r| GRec {
            status: r.status.bits(),
            input_index: r.input_index.map_or(-1, |i| i as i32),
            tid: r.raw_tid,
            ids: r.ids,
            state: r.state.map(State::as_byte),
            oom: r.oom_score_adj,
            creds: r.creds,
            prio: r.prio,
            comm: r.comm.map(<[u8]>::to_vec),
            vm: r.vm,
            vm_seq: r.vm_seq,
            vmas: r.memory_map.map(|m| {
                m.iter()
                    .map(|v| GVma {
                        vma: Vma { name: None, ..v },
                        name: v.name.map(<[u8]>::to_vec),
                    })
                    .collect()
            }),
            cpu: r.cpu,
            session: r.session,
            cmdline: r.cmdline.map(|c| c.as_bytes().to_vec()),
            rollup: r.rollup,
        })
        .collect();
    GBuf {
        mask: info.mask(),
        truncated: info.is_truncated(),
        meminfo: info.meminfo(),
        recs,
    }
}

/// Every string a parsed buffer hands out, checked to lie inside `buf` and end at a NUL there.
/// Also checks that the iterators yield exactly the counts they report.
pub fn check_strings(buf: &[u8], info: &Info<'_>) -> Result<usize, String> {
    let range = buf.as_ptr_range();
    let inside = |s: &[u8]| -> bool {
        let p = s.as_ptr_range();
        // The NUL right after the string must be in the buffer too.
        range.start <= p.start
            && p.end < range.end
            && buf[p.end as usize - range.start as usize] == 0
            && !s.contains(&0)
    };
    // 1 for a string inside the buffer, 0 for none.
    let string = |s: Option<&[u8]>, what: &str| -> Result<usize, String> {
        match s {
            Some(s) if !inside(s) => Err(format!("{what} outside the buffer")),
            s => Ok(usize::from(s.is_some())),
        }
    };
    let mut n = 0;
    let mut recs = 0;
    for r in info.records() {
        recs += 1;
        n += string(r.comm, "comm")?;
        if let Some(c) = r.cmdline {
            // NULs inside are the separators; the NUL after must be in the buffer.
            let c = c.as_bytes();
            let p = c.as_ptr_range();
            if !(range.start <= p.start && p.end < range.end)
                || buf[p.end as usize - range.start as usize] != 0
            {
                return Err("cmdline outside the buffer".into());
            }
            let args: usize = Cmdline::new(c).args().map(|a| a.len() + 1).sum();
            if args.saturating_sub(1) > c.len() {
                return Err("cmdline arguments beyond its bytes".into());
            }
            n += 1;
        }
        if let Some(m) = r.memory_map {
            let mut count = 0;
            for v in m.iter() {
                count += 1;
                n += string(v.name, "VMA name")?;
            }
            if count != m.len() {
                return Err(format!("VMA iterator gave {count} of {}", m.len()));
            }
        }
    }
    if recs != info.len() {
        return Err(format!("record iterator gave {recs} of {}", info.len()));
    }
    Ok(n)
}
