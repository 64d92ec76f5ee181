// SPDX-License-Identifier: MIT OR Apache-2.0

//! A deterministic mutation fuzzer of the parser, run as a test.
//!
//! It starts from generated well-formed buffers (with every fact: VER0 and VER1 records, command
//! lines, rollups) and corrupts them: bit flips, random bytes, the offset, size and count
//! fields of the header, records (command line offset and size, rollup offset included), VMAs
//! and rollups set to edge values
//! (0, just inside, just past the end, misaligned, inside the header, another struct's offset,
//! huge), truncation, extension, and spliced chunks. For every mutant the parser must return
//! `Ok` or `Err` without panicking, and every string of an `Ok` result must lie inside the
//! buffer, NUL-terminated there.
//!
//! `fuzz_smoke` runs a fixed number of iterations with every `cargo test`; `fuzz_bounded` runs
//! for `PGI_FUZZ_SECS` seconds (default 20) and is ignored unless asked for:
//! `cargo test --test fuzz -- --ignored` (tools/check-host.sh does).

mod common;

use std::mem::offset_of;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use common::{check_strings, gen_model, layout, Rng};
use process_getinfo::uapi::{ProcRec, ProcRecRollup, ProcRecVma, ProcessInfo};
use process_getinfo::{Info, Mask};

/// A well-formed buffer and the positions of its interesting `u32` fields.
struct Seed {
    buf: Vec<u8>,
    /// Positions of offset, size and count fields.
    fields: Vec<usize>,
    /// Offsets of structs (to make links point at other structs).
    structs: Vec<u32>,
}

fn rd(buf: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(buf[at..at + 4].try_into().unwrap())
}

/// The offset, size and count fields of a record that the mutations aim at.
const REC_FIELDS: [usize; 6] = [
    offset_of!(ProcRec, size),
    offset_of!(ProcRec, next_procrec_offset),
    offset_of!(ProcRec, mask),
    offset_of!(ProcRec, comm_offset),
    offset_of!(ProcRec, nr_vmas),
    offset_of!(ProcRec, first_vma_offset),
];

/// Those after PROCREC_SIZE_VER0, in records that hold them.
const REC_VER1_FIELDS: [usize; 5] = [
    offset_of!(ProcRec, cmdline_offset),
    offset_of!(ProcRec, cmdline_size),
    offset_of!(ProcRec, rollup_offset),
    offset_of!(ProcRec, nr_threads),
    offset_of!(ProcRec, tty_nr),
];

/// Those of a VMA.
const VMA_FIELDS: [usize; 5] = [
    offset_of!(ProcRecVma, size),
    offset_of!(ProcRecVma, next_procrec_vma_offset),
    offset_of!(ProcRecVma, backing_file_name_offset),
    offset_of!(ProcRecVma, start),
    offset_of!(ProcRecVma, end),
];

fn seed(rng: &mut Rng) -> Seed {
    let model = gen_model(rng, 5, 6);
    let buf = layout(rng, &model);
    let mut fields = vec![
        offset_of!(ProcessInfo, size),
        offset_of!(ProcessInfo, first_procrec_offset),
        offset_of!(ProcessInfo, nr_procrecs),
        offset_of!(ProcessInfo, flags),
        offset_of!(ProcessInfo, mask),
    ];
    let mut structs = Vec::new();
    let info = Info::parse(&buf).expect("generated buffers are well-formed");
    for r in info.records() {
        let o = r.offset as usize;
        structs.push(r.offset);
        fields.extend(REC_FIELDS.map(|f| o + f));
        if r.mask.intersects(Mask::CMDLINE | Mask::MEMORY_ROLLUP) {
            fields.extend(REC_VER1_FIELDS.map(|f| o + f));
        }
        if r.rollup.is_some() {
            let ro = rd(&buf, o + offset_of!(ProcRec, rollup_offset));
            structs.push(ro);
            fields.push(ro as usize + offset_of!(ProcRecRollup, size));
        }
        // Walk the VMA chain by hand: the parser does not hand out VMA offsets.
        let mut v = rd(&buf, o + offset_of!(ProcRec, first_vma_offset));
        let n = if r.memory_map.is_some() {
            rd(&buf, o + offset_of!(ProcRec, nr_vmas))
        } else {
            0
        };
        for _ in 0..n {
            let vo = v as usize;
            structs.push(v);
            fields.extend(VMA_FIELDS.map(|f| vo + f));
            v = rd(&buf, vo + offset_of!(ProcRecVma, next_procrec_vma_offset));
        }
    }
    Seed {
        buf,
        fields,
        structs,
    }
}

fn interesting(rng: &mut Rng, s: &Seed, len: usize, old: u32) -> u32 {
    let len32 = len as u32;
    match rng.below(16) {
        0 => 0,
        1 => 1,
        2 => *rng.pick(&[7, 8, 63, 64, 87, 88, 127, 128, 151, 152, 160, 223, 224, 232]),
        3 => len32.wrapping_sub(1),
        4 => len32,
        5 => len32.wrapping_add(1),
        6 => u32::MAX,
        7 => u32::MAX - 7,
        8 => rng.below(len.max(1)) as u32,
        9 => (rng.below(len.max(1)) as u32) & !7,
        10 if !s.structs.is_empty() => *rng.pick(&s.structs),
        11 => old.wrapping_add(1),
        12 => old.wrapping_sub(1),
        13 => old.wrapping_add(8),
        14 => old.wrapping_sub(8),
        _ => rng.u32(),
    }
}

fn mutate(rng: &mut Rng, s: &Seed, other: &[u8]) -> Vec<u8> {
    let mut b = s.buf.clone();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            b.push(rng.u64() as u8);
        }
        let len = b.len();
        match rng.below(10) {
            0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len);
                b[i] = rng.u64() as u8;
            }
            2..=5 => {
                // An offset, size or count field set to an edge value.
                let at = *rng.pick(&s.fields);
                if at + 4 <= len {
                    let v = interesting(rng, s, len, rd(&b, at));
                    b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
                }
            }
            6 => {
                // Any aligned u32.
                let at = rng.below(len / 4) * 4;
                if at + 4 <= len {
                    let v = interesting(rng, s, len, rd(&b, at));
                    b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
                }
            }
            7 => b.truncate(rng.below(len + 1)),
            8 => {
                let n = rng.below(64);
                b.extend((0..n).map(|_| rng.u64() as u8));
            }
            _ => {
                // Splice a chunk of another buffer in.
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = rng.below(other.len() - from).min(64);
                    let to = rng.below(len);
                    let n = n.min(len - to);
                    b[to..to + n].copy_from_slice(&other[from..from + n]);
                }
            }
        }
    }
    b
}

/// Runs until `budget` passes or `iterations` are done, whichever comes first.
fn fuzz(seed_value: u64, budget: Duration, iterations: u64) -> (u64, u64, u64) {
    let mut rng = Rng::new(seed_value);
    let seeds: Vec<Seed> = (0..64).map(|_| seed(&mut rng)).collect();
    let start = Instant::now();
    let (mut n, mut ok, mut err) = (0u64, 0u64, 0u64);
    while n < iterations && start.elapsed() < budget {
        let s = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())].buf;
        let b = mutate(&mut rng, s, other);
        let res = catch_unwind(AssertUnwindSafe(|| {
            Info::parse(&b).map(|info| check_strings(&b, &info))
        }));
        match res {
            Err(_) => panic!("parser panicked on mutant {n} (seed {seed_value}): {b:02x?}"),
            Ok(Ok(Err(why))) => panic!("mutant {n} (seed {seed_value}): {why}: {b:02x?}"),
            Ok(Ok(Ok(_))) => ok += 1,
            Ok(Err(_)) => err += 1,
        }
        n += 1;
    }
    (n, ok, err)
}

#[test]
fn fuzz_smoke() {
    let (n, ok, err) = fuzz(1, Duration::from_secs(60), 20_000);
    assert_eq!(n, 20_000);
    // Both outcomes occur: the mutations neither always break nor never break the buffer.
    assert!(ok > 0 && err > 0, "ok {ok}, err {err}");
}

#[test]
#[ignore = "bounded fuzz (PGI_FUZZ_SECS, default 20): cargo test --test fuzz -- --ignored"]
fn fuzz_bounded() {
    let secs = std::env::var("PGI_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed_value = std::env::var("PGI_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let (n, ok, err) = fuzz(seed_value, Duration::from_secs(secs), u64::MAX);
    println!("fuzz: {n} mutants in {secs} s (seed {seed_value}): {ok} parsed, {err} rejected");
    assert!(n > 0 && err > 0);
}
