// SPDX-License-Identifier: MIT OR Apache-2.0

//! Property tests on generated well-formed buffers (seeded, deterministic): the parser reads
//! back exactly what the generator wrote, whatever the layout, and the crate's encoder writes
//! buffers the parser reads back the same way. Then targeted corruptions of such buffers, each
//! with the error it must give.

mod common;

use common::{check_strings, gen_model, layout, read_back, GBuf, GRec, Rng};
use process_getinfo::encode::Builder;
use std::mem::offset_of;

use process_getinfo::uapi::ProcRec;
use process_getinfo::{
    Info, InfoFlags, Item, Mask, ParseError, Prot, Record, State, Status, Vma, Vmas,
};

const CASES: u64 = 1500;

#[test]
fn generated_buffers_parse_back_exactly() {
    for seed in 0..CASES {
        let mut rng = Rng::new(seed);
        let model = gen_model(&mut rng, 12, 20);
        let buf = layout(&mut rng, &model);
        let info = Info::parse(&buf).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(read_back(&info), model, "seed {seed}");
        check_strings(&buf, &info).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

#[test]
fn parsing_ignores_bytes_past_the_used_size_and_alignment_of_the_slice() {
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let model = gen_model(&mut rng, 6, 6);
        let buf = layout(&mut rng, &model);
        // The same bytes at an odd address: offsets are relative, reads are unaligned-safe.
        let mut shifted = vec![0u8; buf.len() + 1];
        shifted[1..].copy_from_slice(&buf);
        let info = Info::parse(&shifted[1..]).unwrap();
        assert_eq!(read_back(&info), model, "seed {seed}");
    }
}

fn encode(model: &GBuf) -> Vec<u8> {
    let mut b = Builder::new(model.mask, Mask::all());
    if let Some(m) = &model.meminfo {
        b.meminfo(m);
    }
    if model.truncated {
        b.flags(InfoFlags::TRUNCATED);
    }
    for r in &model.recs {
        let vmas: Option<Vec<Vma<'_>>> = r.vmas.as_ref().map(|v| {
            v.iter()
                .map(|g| Vma {
                    name: g.name.as_deref(),
                    ..g.vma
                })
                .collect()
        });
        let mut rec = Record::default();
        rec.status = Status::from_bits_retain(r.status);
        rec.input_index = usize::try_from(r.input_index).ok();
        rec.raw_tid = r.tid;
        rec.ids = r.ids;
        rec.state = r.state.map(State::from_byte);
        rec.oom_score_adj = r.oom;
        rec.creds = r.creds;
        rec.prio = r.prio;
        rec.comm = r.comm.as_deref();
        rec.vm = r.vm;
        rec.vm_seq = r.vm_seq;
        rec.memory_map = vmas.as_deref().map(Vmas::from_slice);
        rec.cpu = r.cpu;
        rec.session = r.session;
        rec.cmdline = r.cmdline.as_deref().map(process_getinfo::Cmdline::new);
        rec.rollup = r.rollup;
        b.push(&rec).unwrap();
    }
    b.finish()
}

#[test]
fn encoder_roundtrips_through_the_parser() {
    for seed in 0..CASES {
        let mut rng = Rng::new(seed ^ 0xe4c0de);
        let model = gen_model(&mut rng, 12, 20);
        let buf = encode(&model);
        let info = Info::parse(&buf).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(read_back(&info), model, "seed {seed}");
        assert_eq!(buf.len() % 8, 0);
    }
}

/// A small buffer with two records, the second with three VMAs.
fn sample() -> (GBuf, Vec<u8>) {
    let mut rng = Rng::new(7);
    let mut model = gen_model(&mut rng, 0, 0);
    model.mask = Mask::all();
    model.meminfo = Some(Default::default());
    let mut a = common::gen_rec(&mut rng, Mask::IDS | Mask::COMM, 0);
    a.ids = Some(Default::default());
    a.comm = Some(b"first".to_vec());
    let mut b = GRec {
        comm: Some(b"second".to_vec()),
        ..Default::default()
    };
    b.vmas = Some(
        (0..3)
            .map(|i| common::GVma {
                vma: Vma {
                    start: 0x1000 * (2 * i + 1),
                    end: 0x1000 * (2 * i + 2),
                    prot: Prot::READ,
                    ..Default::default()
                },
                name: Some(b"/lib/x".to_vec()),
            })
            .collect(),
    );
    model.recs = vec![a, b];
    let buf = encode(&model);
    (model, buf)
}

fn set_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(buf[at..at + 4].try_into().unwrap())
}

#[test]
fn corruptions_give_the_right_errors() {
    let (_, good) = sample();
    let info = Info::parse(&good).unwrap();
    let recs: Vec<_> = info.records().collect();
    let (r0, r1) = (recs[0].offset as usize, recs[1].offset as usize);
    let first_vma = u32_at(&good, r1 + offset_of!(ProcRec, first_vma_offset)) as usize;
    let nr_vmas = offset_of!(ProcRec, nr_vmas);
    let comm = offset_of!(ProcRec, comm_offset);
    let case = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        Info::parse(&b).map(|_| ())
    };
    assert_eq!(
        case(&|b| b.truncate(87)),
        Err(ParseError::Short { len: 87 })
    );
    assert!(matches!(
        case(&|b| set_u32(b, 0, 80)),
        Err(ParseError::HeaderSize { .. })
    ));
    assert!(matches!(
        case(&|b| set_u32(b, 0, u32::MAX)),
        Err(ParseError::HeaderSize { .. })
    ));
    // nr_procrecs one more: the chain ends early; one less: it goes on.
    assert_eq!(
        case(&|b| set_u32(b, 8, 3)),
        Err(ParseError::ChainEnds(Item::Record(2)))
    );
    assert_eq!(
        case(&|b| set_u32(b, 8, 1)),
        Err(ParseError::ChainTooLong { record: None })
    );
    assert!(matches!(
        case(&|b| set_u32(b, 8, u32::MAX)),
        Err(ParseError::Count { .. })
    ));
    assert!(matches!(
        case(&|b| set_u32(b, 4, 0)),
        Err(ParseError::Count { .. })
    ));
    // A loop: the second record points back at the first.
    assert_eq!(
        case(&|b| set_u32(b, r1 + 4, r0 as u32)),
        Err(ParseError::ChainTooLong { record: None })
    );
    // Misaligned, inside the header, past the end.
    assert!(matches!(
        case(&|b| set_u32(b, 4, r0 as u32 + 4)),
        Err(ParseError::Offset(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, 4, 8)),
        Err(ParseError::Offset(..))
    ));
    let len = good.len() as u32;
    assert!(matches!(
        case(&|b| set_u32(b, 4, len)),
        Err(ParseError::Offset(..))
    ));
    // Record sizes below VER0 or past the end.
    assert!(matches!(
        case(&|b| set_u32(b, r0, 100)),
        Err(ParseError::Size(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r1, len)),
        Err(ParseError::Size(..))
    ));
    // A record mask beyond the header's.
    assert!(matches!(
        case(&|b| set_u32(b, 16, Mask::IDS.bits() as u32)),
        Err(ParseError::RecordMask(..))
    ));
    // comm: no NUL before the end, inside the header, out of range.
    assert!(case(&|b| {
        let at = u32_at(b, r0 + comm) as usize;
        let n = b.len();
        b[at..n].iter_mut().for_each(|c| *c = b'x');
    })
    .is_err());
    assert!(matches!(
        case(&|b| set_u32(b, r0 + comm, 4)),
        Err(ParseError::String(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r0 + comm, len)),
        Err(ParseError::String(..))
    ));
    // VMAs: count off by one either way, overlapping, empty, bad name.
    assert!(matches!(
        case(&|b| set_u32(b, r1 + nr_vmas, 4)),
        Err(ParseError::ChainEnds(_))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r1 + nr_vmas, 2)),
        Err(ParseError::ChainTooLong { record: Some(1) })
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r1 + nr_vmas, 0)),
        Err(ParseError::Count { .. })
    ));
    assert!(matches!(
        case(&|b| b[first_vma + 16..first_vma + 24].copy_from_slice(&0u64.to_ne_bytes())),
        Err(ParseError::VmaRange(..))
    ));
    assert!(matches!(
        case(&|b| b[first_vma + 8..first_vma + 16].copy_from_slice(&u64::MAX.to_ne_bytes())),
        Err(ParseError::VmaRange(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, first_vma + 56, 3)),
        Err(ParseError::String(..))
    ));
    // Self-loop in the VMA chain: the same VMA reached twice.
    assert!(matches!(
        case(&|b| set_u32(b, first_vma + 4, first_vma as u32)),
        Err(ParseError::Shared(..))
    ));
    // The second record's memory map is the first record itself.
    assert!(matches!(
        case(&|b| set_u32(b, r1 + offset_of!(ProcRec, first_vma_offset), r0 as u32)),
        Err(ParseError::Shared(..))
    ));
    // The untouched buffer is still fine, and larger structs are skipped by size.
    assert!(case(&|_| {}).is_ok());
}

#[test]
fn truncated_prefixes_never_panic() {
    let (_, good) = sample();
    for n in 0..=good.len() {
        let r = Info::parse(&good[..n]);
        if n < good.len() {
            // The last string ends at the very end, so every proper prefix loses something.
            assert!(r.is_err(), "prefix {n}");
        } else {
            assert!(r.is_ok());
        }
    }
}

#[test]
fn corruptions_of_the_new_facts_give_the_right_errors() {
    let mut b = Builder::new(Mask::all(), Mask::all());
    for _ in 0..2 {
        let mut r = Record::default();
        r.comm = Some(b"x");
        r.cmdline = Some(process_getinfo::Cmdline::new(b"a\0b\0"));
        r.rollup = Some(process_getinfo::Rollup::default());
        r.cpu = Some(process_getinfo::CpuTimes::default());
        b.push(&r).unwrap();
    }
    let good = b.finish();
    let info = Info::parse(&good).unwrap();
    let recs: Vec<_> = info.records().collect();
    let (r0, r1) = (recs[0].offset as usize, recs[1].offset as usize);
    let case = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        Info::parse(&b).map(|_| ())
    };
    let cmd_off = offset_of!(ProcRec, cmdline_offset);
    let cmd_size = offset_of!(ProcRec, cmdline_size);
    let rollup = offset_of!(ProcRec, rollup_offset);
    // A VER0-sized record that claims CPU_TIMES.
    assert!(matches!(
        case(&|b| set_u32(b, r0, 152)),
        Err(ParseError::Size(Item::Record(0), 152))
    ));
    // The command line: no NUL right after it, past the end, inside the header.
    assert!(matches!(
        case(&|b| set_u32(b, r0 + cmd_size, 2)),
        Err(ParseError::String(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r0 + cmd_size, u32::MAX)),
        Err(ParseError::String(..))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r0 + cmd_off, 8)),
        Err(ParseError::String(..))
    ));
    // The rollup: shared by two records, misaligned, a size below VER0.
    let ro0 = u32_at(&good, r0 + rollup);
    assert!(matches!(
        case(&|b| set_u32(b, r1 + rollup, ro0)),
        Err(ParseError::Shared(Item::Rollup(1), _))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, r0 + rollup, ro0 + 4)),
        Err(ParseError::Offset(Item::Rollup(0), _))
    ));
    assert!(matches!(
        case(&|b| set_u32(b, ro0 as usize, 120)),
        Err(ParseError::Size(Item::Rollup(0), 120))
    ));
    // A comm that starts inside the other record's comm ("x\0" at c0: c0 + 1 is its NUL).
    let c0 = u32_at(&good, r0 + offset_of!(ProcRec, comm_offset));
    assert!(matches!(
        case(&|b| set_u32(b, r1 + offset_of!(ProcRec, comm_offset), c0 + 1)),
        Err(ParseError::StringOverlap(Item::Record(1), _))
    ));
    // The same comm shared by offset is fine; the untouched buffer too.
    assert!(case(&|b| set_u32(b, r1 + offset_of!(ProcRec, comm_offset), c0)).is_ok());
    assert!(case(&|_| {}).is_ok());
}
