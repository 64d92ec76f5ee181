// SPDX-License-Identifier: MIT OR Apache-2.0

//! The parser's worst case is linear in the buffer's size. Buffers shaped to make a naive
//! parser quadratic (8,001 records that all point to one 20,000-VMA chain; VMA names that all
//! point into one long run of bytes; 20,000 VMAs sharing one 1 MiB name) must be rejected, or
//! parsed, in about the time an honest buffer of the same size takes: the bound is a generous
//! 10 times, measured on this machine in the same run, never an absolute time. Strings have no
//! length limit: a 5,029-byte path (longer than PATH_MAX) parses whole.

use std::time::{Duration, Instant};

use process_getinfo::encode::Builder;
use process_getinfo::uapi::{ProcRec, ProcRecVma, ProcessInfo, PROCREC_SIZE_VER1};
use process_getinfo::{Info, Mask, ParseError, Record, Vma, Vmas};

const RECORDS: usize = 8001;
const VMAS: usize = 20_000;
const HDR: usize = 88;
const VMA: usize = 64;

/// The fastest of five parses (and the last result).
fn time(buf: &[u8]) -> (Duration, Result<usize, ParseError>) {
    let mut best = Duration::MAX;
    let mut res = Ok(0);
    for _ in 0..5 {
        let t = Instant::now();
        res = Info::parse(buf).map(|i| {
            i.records()
                .map(|r| r.memory_map.map_or(0, |m| m.len()))
                .sum()
        });
        best = best.min(t.elapsed());
    }
    (best, res)
}

fn vma(i: usize, next: u32, name: u32) -> [u8; VMA] {
    ProcRecVma {
        size: VMA as u32,
        next_procrec_vma_offset: next,
        start: (i as u64 + 1) * 4096,
        end: (i as u64 + 2) * 4096,
        backing_file_name_offset: name,
        ..Default::default()
    }
    .to_ne_bytes()
}

/// Records that all share one VMA chain: header, the chain, then the records.
fn shared_chain() -> Vec<u8> {
    let mut buf = vec![0u8; HDR];
    let chain = buf.len() as u32;
    for i in 0..VMAS {
        let next = if i + 1 < VMAS {
            (HDR + (i + 1) * VMA) as u32
        } else {
            0
        };
        buf.extend_from_slice(&vma(i, next, 0));
    }
    let first_rec = buf.len();
    for r in 0..RECORDS {
        let next = if r + 1 < RECORDS {
            (first_rec + (r + 1) * PROCREC_SIZE_VER1) as u32
        } else {
            0
        };
        let rec = ProcRec {
            size: PROCREC_SIZE_VER1 as u32,
            next_procrec_offset: next,
            mask: Mask::MEMORY_MAP.bits(),
            input_index: -1,
            nr_vmas: VMAS as u32,
            first_vma_offset: chain,
            ..Default::default()
        };
        buf.extend_from_slice(&rec.to_ne_bytes());
    }
    let hdr = ProcessInfo {
        size: HDR as u32,
        first_procrec_offset: first_rec as u32,
        nr_procrecs: RECORDS as u32,
        mask: Mask::MEMORY_MAP.bits(),
        supported_mask: Mask::all().bits(),
        ..Default::default()
    };
    buf[..HDR].copy_from_slice(&hdr.to_ne_bytes());
    buf
}

/// An honest buffer of about `len` bytes: 8,001 records sharing out 20,000 VMAs of their own.
fn honest(len: usize) -> Vec<u8> {
    let mut b = Builder::new(Mask::MEMORY_MAP, Mask::all());
    let vmas: Vec<Vma<'_>> = (0..VMAS)
        .map(|i| Vma {
            start: (i as u64 + 1) * 4096,
            end: (i as u64 + 2) * 4096,
            ..Default::default()
        })
        .collect();
    for r in 0..RECORDS {
        let (from, to) = (r * VMAS / RECORDS, (r + 1) * VMAS / RECORDS);
        let mut rec = Record::default();
        rec.memory_map = Some(Vmas::from_slice(&vmas[from..to]));
        b.push(&rec).unwrap();
    }
    let mut buf = b.finish();
    buf.resize(buf.len().max(len), 0);
    buf
}

#[test]
fn records_sharing_one_long_vma_chain_cost_one_walk() {
    let attack = shared_chain();
    let good = honest(attack.len());
    assert!(good.len().abs_diff(attack.len()) < attack.len() / 10);
    assert_eq!(time(&good).1, Ok(VMAS));
    let r = rejected_in_linear_time(&attack);
    assert!(matches!(r, ParseError::Shared(..)), "{r:?}");
}

/// Parses `attack` and an honest buffer of its size; the attack must be rejected in at most
/// ten times the honest buffer's time. Returns why it was rejected.
fn rejected_in_linear_time(attack: &[u8]) -> ParseError {
    let (t_good, _) = time(&honest(attack.len()));
    let (t_attack, r_attack) = time(attack);
    assert!(
        t_attack <= t_good * 10,
        "attack {t_attack:?}, honest buffer {t_good:?}"
    );
    r_attack.expect_err("the attack parsed")
}

#[test]
fn names_pointing_into_one_long_run_are_bounded() {
    // One record, 20,000 VMAs whose names start at successive bytes of a 1 MiB run that has a
    // NUL only at its end: a parser that scans each to its NUL does 20,000 MiB of work.
    let run = 1 << 20;
    let mut buf = vec![0u8; HDR];
    let rec_at = buf.len();
    buf.resize(rec_at + PROCREC_SIZE_VER1, 0);
    let vmas_at = buf.len();
    let names_at = vmas_at + VMAS * VMA;
    for i in 0..VMAS {
        let next = if i + 1 < VMAS {
            (vmas_at + (i + 1) * VMA) as u32
        } else {
            0
        };
        buf.extend_from_slice(&vma(i, next, (names_at + i) as u32));
    }
    buf.extend(std::iter::repeat_n(b'a', run));
    buf.push(0);
    let rec = ProcRec {
        size: PROCREC_SIZE_VER1 as u32,
        mask: Mask::MEMORY_MAP.bits(),
        input_index: -1,
        nr_vmas: VMAS as u32,
        first_vma_offset: vmas_at as u32,
        ..Default::default()
    };
    buf[rec_at..vmas_at].copy_from_slice(&rec.to_ne_bytes());
    let hdr = ProcessInfo {
        size: HDR as u32,
        first_procrec_offset: rec_at as u32,
        nr_procrecs: 1,
        mask: Mask::MEMORY_MAP.bits(),
        ..Default::default()
    };
    buf[..HDR].copy_from_slice(&hdr.to_ne_bytes());
    // The second name starts inside the first: the kernel never stores strings so.
    let r = rejected_in_linear_time(&buf);
    assert!(matches!(r, ParseError::StringOverlap(..)), "{r:?}");
}

/// One record whose `VMAS` VMAs all name the same `len`-byte file, stored once (as the kernel
/// shares a name by its offset).
fn shared_name(len: usize) -> Vec<u8> {
    let name: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
    let vmas: Vec<Vma<'_>> = (0..VMAS)
        .map(|i| Vma {
            start: (i as u64 + 1) * 4096,
            end: (i as u64 + 2) * 4096,
            name: Some(&name),
            ..Default::default()
        })
        .collect();
    let mut b = Builder::new(Mask::MEMORY_MAP, Mask::all());
    let mut rec = Record::default();
    rec.memory_map = Some(Vmas::from_slice(&vmas));
    b.push(&rec).unwrap();
    b.finish()
}

#[test]
fn many_vmas_sharing_one_very_long_name_parse_in_linear_time() {
    // 20,000 VMAs share one 1 MiB name: measuring it once per VMA would be 20 GiB of work.
    let buf = shared_name(1 << 20);
    let (t_good, _) = time(&honest(buf.len()));
    let (t_shared, r) = time(&buf);
    assert_eq!(r, Ok(VMAS));
    assert!(
        t_shared <= t_good * 10,
        "shared name {t_shared:?}, honest buffer {t_good:?}"
    );
    // Iterating hands out the whole name, measured once for the run of VMAs sharing it.
    let info = Info::parse(&buf).unwrap();
    let t = Instant::now();
    let total: usize = info
        .records()
        .flat_map(|r| r.memory_map.unwrap().iter())
        .map(|v| v.name.unwrap().len())
        .sum();
    let t_iter = t.elapsed();
    assert_eq!(total, VMAS << 20);
    assert!(
        t_iter <= t_good * 10,
        "iteration {t_iter:?}, honest buffer {t_good:?}"
    );
}

#[test]
fn a_name_longer_than_path_max_parses_whole() {
    // The kernel's tested case: a 5,029-byte path.
    let mut path = b"/tmp".to_vec();
    while path.len() < 5029 {
        path.extend_from_slice(b"/dir");
    }
    path.truncate(5029);
    let vmas = [Vma {
        start: 0x1000,
        end: 0x2000,
        name: Some(&path),
        ..Default::default()
    }];
    let mut b = Builder::new(Mask::MEMORY_MAP, Mask::all());
    let mut rec = Record::default();
    rec.memory_map = Some(Vmas::from_slice(&vmas));
    b.push(&rec).unwrap();
    let buf = b.finish();
    let info = Info::parse(&buf).unwrap();
    let got = info.records().next().unwrap().memory_map.unwrap();
    assert_eq!(got.iter().next().unwrap().name, Some(&path[..]));
}
