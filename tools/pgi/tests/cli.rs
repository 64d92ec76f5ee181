// SPDX-License-Identifier: MIT OR Apache-2.0

//! The `pgi` command on the host, through the procfs backend (which works everywhere), and
//! the auto backend's note when the system call is missing.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use common::{pgi, procfs, procfs_as, procfs_json, stdout, words};
use serde_json::Value as Json;

/// A scratch directory of this test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pgi-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A child that sleeps until killed, named `comm` (the name of the symlink to sleep it runs).
struct Sleeper(Child);

impl Sleeper {
    fn start(dir: &std::path::Path, comm: &[u8]) -> Sleeper {
        let sleep = ["/usr/bin/sleep", "/bin/sleep"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("sleep");
        let link = dir.join(OsStr::from_bytes(comm));
        std::os::unix::fs::symlink(sleep, &link).unwrap();
        let child = Command::new(&link).arg("60").spawn().expect("spawn");
        let pid = child.id();
        let s = Sleeper(child);
        // Wait for the exec: then comm is the link's name.
        for _ in 0..500 {
            let c = std::fs::read(format!("/proc/{pid}/comm")).unwrap_or_default();
            if c.strip_suffix(b"\n") == Some(comm) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the child never got its name");
    }

    fn pid(&self) -> String {
        self.0.id().to_string()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The name of the issue: an escape sequence and a newline, 15 bytes as comm allows.
const EVIL: &[u8] = b"ev\x1b[31mil\nNEWLI";

#[test]
fn ps_default_and_thread_columns() {
    let out = stdout(&procfs(&["ps"]));
    let header = out.lines().next().unwrap();
    assert_eq!(
        words(header),
        ["PID", "PPID", "S", "UID", "PRI", "NI", "RSS", "VSZ", "COMMAND"]
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
    let out = stdout(&procfs(&["ps", "-o", "pid,comm", "--sort", "-pid"]));
    let pids: Vec<i64> = out
        .lines()
        .skip(1)
        .map(|l| words(l)[0].parse().unwrap())
        .collect();
    assert!(pids.len() > 1 && pids.windows(2).all(|w| w[0] >= w[1]));

    let v = procfs_json(&["ps", "-p", "1", "-o", "pid,s,nvma,comm"]);
    let row = &v.as_array().unwrap()[0];
    assert_eq!(row["pid"], 1);
    assert!(row["s"].is_string());
    assert!(row["comm"].is_string());
    // nvma is null when the map is not readable (an unprivileged test run), a number otherwise.
    assert!(row["nvma"].is_null() || row["nvma"].is_u64());

    let bad = pgi(&["ps", "-o", "pid,nosuch"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown field"));
    // args, command and cmd are the command line (CMDLINE), not comm.
    let me = std::process::id().to_string();
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
    let want: String = String::from_utf8_lossy(&cmdline)
        .trim_end_matches('\0')
        .replace('\0', " ");
    for name in ["args", "command", "cmd"] {
        let row = ps_row(&me, &format!("pid,{name}"));
        assert_eq!(row[1..].join(" "), want, "{name}");
    }
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
        let out = stdout(&procfs(&["maps", &pid]));
        // The first column is the flags; the rest is the maps line.
        let ours: String = out.lines().map(|l| format!("{}\n", &l[5..])).collect();
        if ours == proc_maps && proc_maps.contains("sleep") {
            same = true;
            let v = procfs_json(&["maps", &pid]);
            let vmas = v["vmas"].as_array().unwrap();
            assert_eq!(vmas.len(), out.lines().count());
            // Addresses as maps prints them, in strings: no precision lost to doubles.
            let first = proc_maps.split([' ', '-']).collect::<Vec<_>>();
            assert_eq!(vmas[0]["start"], first[0]);
            assert_eq!(vmas[0]["end"], first[1]);
            assert!(vmas.iter().all(|m| m["start"].is_string()
                && m["end"].is_string()
                && m["offset"].is_string()
                && m["inode"].is_string()));
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
    let out = stdout(&procfs(&["meminfo"]));
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
    let v = procfs_json(&["meminfo"]);
    assert!(v["mem_total_kb"].as_u64().unwrap() > 0);
    // As ps: no process selected is a failure; a missing one is skipped.
    assert!(!procfs(&["ps", "-p", "-7"]).status.success());
    assert!(!procfs(&["maps", "-7"]).status.success());
}

#[test]
fn auto_backend_falls_back_silently_unless_verbose() {
    let probe = process_getinfo::sys::supported_mask();
    let quiet = pgi(&["meminfo"]);
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    let loud = pgi(&["-v", "meminfo"]);
    assert!(loud.status.success());
    let err = String::from_utf8_lossy(&loud.stderr);
    match probe {
        Err(e) if e.is_unavailable() => {
            assert!(err.contains("read /proc instead"), "{err}");
            let strict = pgi(&["--backend", "syscall", "meminfo"]);
            assert!(!strict.status.success());
            let err = String::from_utf8_lossy(&strict.stderr);
            assert!(err.contains("not available"), "{err}");
            assert!(err.contains("473 was not made"), "{err}");
        }
        _ => assert!(err.is_empty(), "{err}"),
    }
}

#[test]
fn ps_escapes_control_characters_and_json_keeps_the_bytes() {
    let dir = scratch("evil-ps");
    let evil = Sleeper::start(&dir, EVIL);
    let bin = Sleeper::start(&dir, b"bin\xff\xfename");
    let pids = format!("{},{}", evil.pid(), bin.pid());
    let out = procfs(&["ps", "-p", &pids, "-o", "pid,comm"]);
    let text = stdout(&out);
    assert!(!text.bytes().any(|b| b == 0x1b), "{text:?}");
    assert_eq!(text.lines().count(), 3, "{text:?}");
    assert!(
        text.contains(&format!("{} ev?[31mil?NEWLI\n", evil.pid())),
        "{text:?}"
    );
    assert!(
        text.contains(&format!("{} bin??name\n", bin.pid())),
        "{text:?}"
    );

    let v = procfs_json(&["ps", "-p", &pids, "-o", "pid,comm"]);
    let comm = |pid: &str| {
        let pid: i64 = pid.parse().unwrap();
        let mut rows = v.as_array().unwrap().iter();
        rows.find(|r| r["pid"] == pid).unwrap()["comm"].clone()
    };
    assert_eq!(comm(&evil.pid()), Json::from("ev\u{1b}[31mil\nNEWLI"));
    // Not UTF-8: the documented {"hex": ...} form, every byte.
    assert_eq!(
        comm(&bin.pid()),
        serde_json::json!({ "hex": "62696efffe6e616d65" })
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn maps_escapes_control_characters_in_names() {
    let dir = scratch("evil-maps");
    let path = dir.join(OsStr::from_bytes(EVIL));
    std::fs::write(&path, vec![7u8; 4096]).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: a fresh private read-only mapping of a file we own, unmapped below.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            std::os::fd::AsRawFd::as_raw_fd(&file),
            0,
        )
    };
    assert_ne!(addr, libc::MAP_FAILED);
    let me = std::process::id().to_string();
    let text = stdout(&procfs(&["maps", &me]));
    let v = procfs_json(&["maps", &me]);
    // SAFETY: the mapping made above.
    unsafe { libc::munmap(addr, 4096) };

    assert!(!text.bytes().any(|b| b == 0x1b), "{text:?}");
    let dir_text = dir.to_str().unwrap();
    let ours: Vec<&str> = text.lines().filter(|l| l.contains(dir_text)).collect();
    assert_eq!(ours.len(), 1, "{text}");
    assert!(ours[0].ends_with("/ev\\033[31mil\\012NEWLI"), "{}", ours[0]);
    let start = format!("{:08x}", addr as usize);
    let vma = v["vmas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["start"] == start.as_str())
        .expect("the mapping in JSON");
    let want = format!("{}/ev\u{1b}[31mil\nNEWLI", dir_text);
    assert_eq!(vma["name"], Json::from(want.as_str()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cells of the one row of `pgi ps -p PID -o COLS`, through procfs.
fn ps_row(pid: &str, cols: &str) -> Vec<String> {
    let out = stdout(&procfs(&["ps", "-p", pid, "-o", cols]));
    let row = out.lines().nth(1).unwrap_or_else(|| panic!("{out}"));
    row.split_whitespace().map(String::from).collect()
}

#[test]
fn pri_ni_and_stat_mean_what_ps_means() {
    let dir = scratch("prio");
    let nice = Sleeper::start(&dir, b"pgi-nice");
    let pid: i32 = nice.pid().parse().unwrap();
    // SAFETY: plain system calls on our own child.
    unsafe {
        assert_eq!(
            libc::setpriority(libc::PRIO_PROCESS, pid as libc::id_t, 5),
            0
        );
        assert_eq!(libc::kill(pid, libc::SIGSTOP), 0);
    }
    std::thread::sleep(Duration::from_millis(100));
    let cols = "pid,pri,priority,ni,stat,cls";
    // stat's priority 25 (nice 5): ps's pri is 39 - 25.
    assert_eq!(
        ps_row(&nice.pid(), cols)[1..],
        ["14", "25", "5", "TN", "TS"]
    );

    let rt = Sleeper::start(&dir, b"pgi-fifo");
    let param = libc::sched_param { sched_priority: 99 };
    let rtpid: i32 = rt.pid().parse().unwrap();
    // SAFETY: a plain system call on our own child with a valid sched_param.
    if unsafe { libc::sched_setscheduler(rtpid, libc::SCHED_FIFO, &param) } != 0 {
        eprintln!(
            "note: no SCHED_FIFO here ({}); the real-time half is skipped",
            std::io::Error::last_os_error()
        );
        return;
    }
    assert_eq!(
        ps_row(&rt.pid(), cols)[1..],
        ["139", "-100", "-", "S", "FF"]
    );
    let v = procfs_json(&["ps", "-p", &rt.pid(), "-o", cols]);
    assert_eq!(v[0]["ni"], Json::Null);
    assert_eq!(v[0]["denied"], serde_json::json!([]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kernel_threads_have_zero_rss_and_denied_is_told_apart() {
    // A kernel thread: no memory, so RSS and VSZ are 0 as in ps, and nothing is denied.
    let kthread = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|p| {
            let st = std::fs::read_to_string(format!("/proc/{p}/status")).unwrap_or_default();
            *p > 1 && st.contains("Kthread:\t1")
        });
    if let Some(k) = kthread {
        let k = k.to_string();
        let v = procfs_json(&["ps", "-p", &k, "-o", "pid,rss,vsz,vmseq"]);
        assert_eq!(v[0]["rss"], Json::from(0), "{v}");
        assert_eq!(v[0]["vsz"], Json::from(0), "{v}");
        assert_eq!(v[0]["denied"], serde_json::json!([]), "{v}");
        let out = stdout(&procfs(&["ps", "-p", &k, "-o", "rss,vsz"]));
        assert_eq!(
            out.lines()
                .nth(1)
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["0", "0"]
        );
    } else {
        eprintln!("note: no kernel thread visible here");
    }
    // Pid 1's memory map is denied to nobody: `?` in the table, null and named in JSON.
    // SAFETY: geteuid() has no preconditions.
    let uid = (unsafe { libc::geteuid() } == 0).then_some(65534);
    let out = procfs_as(uid, &["ps", "-p", "1", "-o", "pid,nvma,comm"]);
    let row: Vec<String> = stdout(&out)
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    assert_eq!(row[..2], ["1", "?"], "{row:?}");
    let out = procfs_as(uid, &["--json", "ps", "-p", "1", "-o", "pid,nvma,comm"]);
    let v: Json = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["nvma"], Json::Null);
    assert_eq!(v[0]["denied"], serde_json::json!(["memory_map"]));
    assert!(v[0]["comm"].is_string());
}

#[test]
fn a_pid_given_twice_is_one_row() {
    let me = std::process::id().to_string();
    let twice = format!("{me},{me},1");
    let out = stdout(&procfs(&["ps", "-p", &twice, "-o", "pid"]));
    assert_eq!(
        out.lines().skip(1).filter(|l| l.trim() == me).count(),
        1,
        "{out}"
    );
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn help_describes_pgi_and_its_backends() {
    let out = stdout(&pgi(&["--help"]));
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("pgi: a process table, a live view, a memory report"),
        "{out}"
    );
    // clap's ValueEnum: each backend with its own help.
    assert!(out.contains("syscall: process_getinfo(2) only"), "{out}");
    assert!(
        out.contains("procfs:  /proc only") || out.contains("procfs: /proc only"),
        "{out}"
    );
    let bad = pgi(&["--backend", "bogus", "meminfo"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("[possible values: syscall, procfs, auto]")
    );
}

#[test]
fn the_library_pulls_neither_clap_nor_serde_json() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--manifest-path", manifest])
        .args([
            "-p",
            "process-getinfo",
            "--all-features",
            "-e",
            "normal,build",
        ])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(
        names.contains(&"process-getinfo") && names.contains(&"libc"),
        "{tree}"
    );
    for heavy in ["clap", "clap_builder", "serde_json"] {
        assert!(!names.contains(&heavy), "{heavy} in\n{tree}");
    }
}
