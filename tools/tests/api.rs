// SPDX-License-Identifier: MIT OR Apache-2.0

//! The public types as a program that depends on the crate uses them: errors that work with
//! `?` and `Box<dyn Error>`, real `FromStr` errors, denied facts told apart from those that do
//! not apply, and (with the `serde` feature) the JSON representation.

use std::error::Error as StdError;

use process_getinfo::encode::{Builder, EncodeError};
use process_getinfo::{
    Backend, Error, Ids, Info, Mask, ParseBackendError, ParseError, ParseMaskError, Record, State,
    Status, Unavailable, VmCounters,
};

fn is_error<E: StdError + Send + Sync + 'static>() {}

#[test]
fn every_public_error_is_a_std_error() {
    is_error::<Error>();
    is_error::<Unavailable>();
    is_error::<ParseError>();
    is_error::<EncodeError>();
    is_error::<ParseMaskError>();
    is_error::<ParseBackendError>();

    fn parse_all() -> Result<(Mask, Backend), Box<dyn StdError + Send + Sync>> {
        let mask: Mask = "ids,comm".parse()?;
        let backend: Backend = "procfs".parse()?;
        Info::parse(&[0u8; 4])?;
        Ok((mask, backend))
    }
    let e = parse_all().unwrap_err();
    assert!(e.downcast_ref::<ParseError>().is_some(), "{e}");
    let e: Box<dyn StdError> = "nope".parse::<Backend>().unwrap_err().into();
    assert!(e.to_string().contains("nope"));
    // The raw wrapper's error is the crate's one error, with its source chain.
    let e = Error::from(Unavailable::Enosys);
    assert_eq!(e.errno(), Some(libc::ENOSYS));
    assert!(e.source().is_some());
}

/// A record of one process with `facts` filled, `status` set, after a request for `asked`.
fn parsed(asked: Mask, status: Status, set: impl Fn(&mut Record<'static>)) -> Vec<u8> {
    let mut b = Builder::new(asked, Mask::all());
    let mut r = Record::default();
    r.status = status;
    set(&mut r);
    b.push(&r).unwrap();
    b.finish()
}

#[test]
fn denied_and_not_applicable_are_told_apart() {
    let asked = Mask::IDS | Mask::STATUS | Mask::VM_COUNTERS | Mask::MEMORY_MAP;
    let ids = Ids {
        tid: 9,
        tgid: 9,
        ppid: 1,
    };
    // A kernel thread: no memory, nothing denied.
    let buf = parsed(asked, Status::empty(), |r| {
        r.ids = Some(ids);
        r.state = Some(State::Sleeping);
    });
    let info = Info::parse(&buf).unwrap();
    let r = info.records().next().unwrap();
    assert_eq!(r.denied(), Mask::empty());
    assert_eq!(r.not_applicable(), Mask::VM_COUNTERS | Mask::MEMORY_MAP);
    // A process of another user: its memory map denied, its counters there.
    let buf = parsed(asked, Status::NOACCESS, |r| {
        r.ids = Some(ids);
        r.state = Some(State::Sleeping);
        r.vm = Some(VmCounters::default());
    });
    let info = Info::parse(&buf).unwrap();
    let r = info.records().next().unwrap();
    assert_eq!(r.denied(), Mask::MEMORY_MAP);
    assert_eq!(r.not_applicable(), Mask::empty());
    // A kernel thread of which something else was denied: its memory facts do not apply.
    let buf = parsed(asked | Mask::PRIO, Status::NOACCESS, |r| {
        r.ids = Some(ids);
        r.state = Some(State::Idle);
    });
    let info = Info::parse(&buf).unwrap();
    let r = info.records().next().unwrap();
    assert_eq!(r.denied(), Mask::PRIO);
    assert_eq!(r.not_applicable(), Mask::VM_COUNTERS | Mask::MEMORY_MAP);
    // Hidden by hidepid: only the ids, everything else denied.
    let buf = parsed(asked, Status::NOACCESS, |r| r.ids = Some(ids));
    let info = Info::parse(&buf).unwrap();
    let r = info.records().next().unwrap();
    assert_eq!(
        r.denied(),
        Mask::STATUS | Mask::VM_COUNTERS | Mask::MEMORY_MAP
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_keeps_bytes_and_big_numbers_exact() {
    use process_getinfo::{Policy, Prio, Vma, VmaFlags, Vmas};
    use serde_json::json;

    let vmas = [Vma {
        start: 0xffff_ffff_ff60_0000,
        end: 0xffff_ffff_ff60_1000,
        file_offset: 0x1000,
        inode: u64::MAX,
        dev_major: 8,
        dev_minor: 1,
        prot: process_getinfo::Prot::READ | process_getinfo::Prot::EXEC,
        flags: VmaFlags::SPECIAL,
        name: Some(b"[vsyscall]"),
    }];
    let mut b = Builder::new(Mask::all(), Mask::all());
    let mut r = Record::default();
    r.comm = Some(b"ev\x1b[31mil\nNEWLI");
    r.vm_seq = Some(u64::MAX - 1);
    r.prio = Some(Prio {
        prio: -100,
        nice: 0,
        policy: Policy::Fifo,
    });
    r.memory_map = Some(Vmas::from_slice(&vmas));
    b.push(&r).unwrap();
    let mut bad = Record::default();
    bad.comm = Some(b"\xff\xfe");
    b.push(&bad).unwrap();
    let buf = b.finish();
    let info = Info::parse(&buf).unwrap();
    let recs: Vec<_> = info.records().collect();
    let v = serde_json::to_value(&recs).unwrap();
    assert_eq!(v[0]["comm"], json!("ev\u{1b}[31mil\nNEWLI"));
    assert_eq!(v[1]["comm"], json!({ "hex": "fffe" }));
    assert_eq!(v[0]["vm_seq"], json!("18446744073709551614"));
    assert_eq!(
        v[0]["prio"],
        json!({ "prio": -100, "nice": 0, "policy": "fifo" })
    );
    let m = &v[0]["memory_map"][0];
    assert_eq!(m["start"], json!("ffffffffff600000"));
    assert_eq!(m["end"], json!("ffffffffff601000"));
    assert_eq!(m["offset"], json!("00001000"));
    assert_eq!(m["inode"], json!("18446744073709551615"));
    assert_eq!(m["dev"], json!("08:01"));
    assert_eq!(m["perms"], json!("r-xp"));
    assert_eq!(m["flags"], json!(["special"]));
    assert_eq!(m["name"], json!("[vsyscall]"));
    assert_eq!(v[0]["denied"], json!([]));
    // The plain value types come back.
    let mask: Mask = serde_json::from_value(json!(["ids", "comm", "0x10000"])).unwrap();
    assert_eq!(
        mask,
        Mask::IDS | Mask::COMM | Mask::from_bits_retain(0x10000)
    );
    assert_eq!(
        serde_json::to_value(mask).unwrap(),
        json!(["ids", "comm", "0x10000"])
    );
    let p: Prio = serde_json::from_value(v[0]["prio"].clone()).unwrap();
    assert_eq!(p.policy, Policy::Fifo);
    let s: State = serde_json::from_value(json!("Z")).unwrap();
    assert_eq!(s, State::Zombie);
}

#[cfg(feature = "serde")]
#[test]
fn serde_of_the_new_facts() {
    use process_getinfo::{Cmdline, CpuTimes, Rollup, Session, TtyNr};
    use serde_json::json;
    use std::time::Duration;

    let mut b = Builder::new(Mask::all(), Mask::all());
    let mut r = Record::default();
    r.cpu = Some(CpuTimes {
        // 2^53 + 1 ns: a double would round it.
        utime: Duration::from_nanos((1 << 53) + 1),
        stime: Duration::from_nanos(5),
        start_time: Duration::from_secs(3),
        min_flt: 7,
        maj_flt: 1,
        nr_threads: 4,
    });
    r.session = Some(Session {
        pgid: 10,
        sid: 9,
        tty_nr: TtyNr((136 << 8) | 3),
        tpgid: -1,
    });
    r.cmdline = Some(Cmdline::new(b"sh\0-c\0\xff\0"));
    r.rollup = Some(Rollup {
        pss_kb: 12,
        private_clean_kb: 1,
        ..Default::default()
    });
    b.push(&r).unwrap();
    let buf = b.finish();
    let info = Info::parse(&buf).unwrap();
    let v = serde_json::to_value(info.records().next().unwrap()).unwrap();
    assert_eq!(
        v["cpu_times"],
        json!({
            "utime_ns": "9007199254740993",
            "stime_ns": "5",
            "start_time_ns": "3000000000",
            "min_flt": "7",
            "maj_flt": "1",
            "nr_threads": 4
        })
    );
    assert_eq!(
        v["session"],
        json!({ "pgid": 10, "sid": 9, "tty_nr": 34819, "tpgid": -1 })
    );
    assert_eq!(v["cmdline"], json!(["sh", "-c", { "hex": "ff" }]));
    assert_eq!(v["memory_rollup"]["pss_kb"], json!(12));
    assert_eq!(v["memory_rollup"]["private_clean_kb"], json!(1));
    assert_eq!(v["memory_rollup"].as_object().unwrap().len(), 15);
    let s: Session = serde_json::from_value(v["session"].clone()).unwrap();
    assert_eq!(s, r.session.unwrap());
}
