// SPDX-License-Identifier: GPL-2.0

//! The `pgi` command on the host, through the procfs backend (which works everywhere), and
//! the auto backend's note when the system call is missing.

use std::process::{Command, Output};

fn pgi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgi"))
        .args(args)
        .output()
        .expect("run pgi")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "pgi failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

#[test]
fn ps_default_and_thread_columns() {
    let out = stdout(&pgi(&["--backend", "procfs", "ps"]));
    let header = out.lines().next().unwrap();
    assert_eq!(
        words(header),
        ["PID", "PPID", "S", "UID", "PRI", "NI", "RSS", "VSZ", "COMM"]
    );
    let me = std::process::id().to_string();
    // pgi's parent is this test: its row is there.
    assert!(out.lines().any(|l| words(l).first() == Some(&me.as_str())));
    let out = stdout(&pgi(&["ps", "-T", "--backend", "procfs"]));
    assert_eq!(
        words(out.lines().next().unwrap())[..3],
        ["PID", "TID", "PPID"]
    );
}

#[test]
fn ps_fields_sort_and_json() {
    let out = stdout(&pgi(&[
        "--backend",
        "procfs",
        "ps",
        "-o",
        "pid,comm",
        "--sort",
        "-pid",
    ]));
    let pids: Vec<i64> = out
        .lines()
        .skip(1)
        .map(|l| words(l)[0].parse().unwrap())
        .collect();
    assert!(pids.len() > 1 && pids.windows(2).all(|w| w[0] >= w[1]));

    let out = stdout(&pgi(&[
        "--backend",
        "procfs",
        "--json",
        "ps",
        "-p",
        "1",
        "-o",
        "pid,s,nvma,comm",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = &v.as_array().unwrap()[0];
    assert_eq!(row["pid"], 1);
    assert!(row["s"].is_string());
    assert!(row["comm"].is_string());
    // nvma is null when the map is not readable (an unprivileged test run), a number otherwise.
    assert!(row["nvma"].is_null() || row["nvma"].is_u64());

    let bad = pgi(&["ps", "-o", "pid,nosuch"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown field"));
}

#[test]
fn maps_matches_proc_maps() {
    let mut child = Command::new("sleep").arg("30").spawn().expect("sleep");
    let pid = child.id().to_string();
    // Let it exec and settle.
    let mut last = String::new();
    let mut same = false;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let proc_maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
        let out = stdout(&pgi(&["--backend", "procfs", "maps", &pid]));
        // The first column is the flags; the rest is the maps line.
        let ours: String = out.lines().map(|l| format!("{}\n", &l[5..])).collect();
        if ours == proc_maps && proc_maps.contains("sleep") {
            same = true;
            let json = stdout(&pgi(&["--backend", "procfs", "--json", "maps", &pid]));
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["vmas"].as_array().unwrap().len(), out.lines().count());
            break;
        }
        last = format!("{ours}\n---\n{proc_maps}");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(same, "{last}");
}

#[test]
fn meminfo_and_gone_pids() {
    let out = stdout(&pgi(&["--backend", "procfs", "meminfo"]));
    let keys: Vec<&str> = out.lines().map(|l| words(l)[0]).collect();
    assert_eq!(
        keys,
        [
            "MemTotal:",
            "MemFree:",
            "MemAvailable:",
            "Buffers:",
            "Cached:",
            "SwapTotal:",
            "SwapFree:"
        ]
    );
    let json = stdout(&pgi(&["--backend", "procfs", "--json", "meminfo"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["mem_total_kb"].as_u64().unwrap() > 0);
    // As ps: no process selected is a failure; a missing one is skipped.
    assert!(!pgi(&["--backend", "procfs", "ps", "-p", "-7"])
        .status
        .success());
    assert!(!pgi(&["--backend", "procfs", "maps", "-7"]).status.success());
}

#[test]
fn auto_backend_says_when_it_falls_back() {
    let probe = process_getinfo::sys::supported_mask();
    let out = pgi(&["meminfo"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    match probe {
        Err(e) if e.errno() == libc::ENOSYS => {
            assert!(err.contains("ENOSYS"), "{err}");
            let strict = pgi(&["--backend", "syscall", "meminfo"]);
            assert!(!strict.status.success());
            assert!(String::from_utf8_lossy(&strict.stderr).contains("not available"));
        }
        _ => assert!(err.is_empty(), "{err}"),
    }
}
