// SPDX-License-Identifier: MIT OR Apache-2.0

//! The parser reads a buffer that a 32-bit caller received (x86_64 guest, the compat entry).
//!
//! `tests/fixtures/compat32.bin` was written by the guest's process_getinfo_compat_test: its
//! `-m32` helper asked, with `PROCESS_GETINFO_THREADS`, for every stable fact about three
//! blocked children of the 64-bit test, the first with three extra threads, and printed the buffer as hex
//! (`scripts/extract-fixture.py` turns the guest log into the file). The same test checks in
//! the guest that a 64-bit caller gets the same bytes; this checks that the crate, built for
//! any width, reads those bytes as the records they are.

use std::collections::BTreeMap;

use process_getinfo::{Info, Mask, Status};

fn fixture() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/compat32.bin");
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The facts the compat test asks for (its STABLE_FACTS).
fn asked() -> Mask {
    Mask::IDS
        | Mask::STATUS
        | Mask::OOM_SCORE_ADJ
        | Mask::CREDS
        | Mask::PRIO
        | Mask::COMM
        | Mask::VM_COUNTERS
        | Mask::VM_SEQ
        | Mask::MEMORY_MAP
        | Mask::CPU_TIMES
        | Mask::SESSION
        | Mask::CMDLINE
        | Mask::MEMORY_ROLLUP
}

#[test]
fn a_32_bit_callers_buffer_parses_whole() {
    let buf = fixture();
    let info = Info::parse(&buf).expect("the 32-bit buffer parses");
    assert!(!info.is_truncated());
    assert_eq!(info.header().size as usize % 8, 0);
    // Every fact the kernel knows has a bit a 32-bit mask reaches.
    assert_eq!(info.supported_mask().bits() >> 32, 0);
    assert_eq!(info.mask(), asked() & info.supported_mask());
    assert_eq!(
        info.mask(),
        asked(),
        "the guest kernel knows every fact asked"
    );

    // Three children: one with four threads, two with one; THREADS gives a record each.
    let mut groups: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    let mut sessions = None;
    for rec in info.records() {
        assert_eq!(rec.status, Status::empty(), "record {}", rec.offset);
        assert_eq!(
            rec.mask,
            info.mask(),
            "record {} has every fact",
            rec.offset
        );
        let ids = rec.ids.expect("ids");
        groups.entry(ids.tgid).or_default().push(ids.tid);

        let comm = rec.comm.expect("comm");
        assert!(!comm.is_empty() && !comm.contains(&0), "comm {comm:?}");
        let cpu = rec.cpu.expect("cpu times");
        assert!(cpu.nr_threads >= 1);
        assert!(cpu.start_time.as_nanos() > 0);
        // Children of one test, none calling setsid() or setpgid(): one session, one group.
        let session = rec.session.expect("session");
        let first = *sessions.get_or_insert((session.sid, session.pgid));
        assert_eq!((session.sid, session.pgid), first);
        let cmdline = rec.cmdline.expect("cmdline");
        assert!(cmdline.args().count() >= 1, "argv of {}", ids.tid);
        let vm = rec.vm.expect("vm counters");
        assert!(vm.rss_kb() > 0);
        let rollup = rec.rollup.expect("rollup");
        assert!(rollup.rss_kb > 0 && rollup.pss_kb > 0 && rollup.pss_kb <= rollup.rss_kb);
        assert!(rec.vm_seq.is_some());

        // The map: in address order, non-empty ranges, the program itself among the names.
        let vmas = rec.memory_map.expect("memory map");
        assert!(vmas.len() > 3, "{} VMAs", vmas.len());
        let mut last_end = 0;
        let mut named = 0;
        for vma in vmas.iter() {
            assert!(vma.start < vma.end && vma.start >= last_end);
            last_end = vma.end;
            if let Some(name) = vma.name {
                assert!(!name.is_empty());
                named += 1;
            }
        }
        assert!(named > 0);
    }
    let sizes: Vec<usize> = groups.values().map(Vec::len).collect();
    assert_eq!(groups.len(), 3, "three processes: {groups:?}");
    let mut sorted = sizes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 1, 4], "threads per process: {groups:?}");
    for (tgid, tids) in &groups {
        assert!(tids.contains(tgid), "the leader of {tgid} is listed");
    }
    assert_eq!(info.len(), 6);
}
