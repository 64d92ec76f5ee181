// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi ps aux`, `pgi ps -ef` and their options, `pgi mem` and `pgi top` (batch, and in a
//! real terminal under tmux), on the host through the procfs backend.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{procfs, procfs_json, stdout, words};
use serde_json::Value as Json;

/// A child process, killed when dropped.
struct Kid(Child);

impl Kid {
    fn spawn(cmd: &mut Command) -> Kid {
        let k = Kid(cmd.stdin(Stdio::null()).spawn().expect("spawn"));
        // Let it exec.
        let pid = k.pid();
        for _ in 0..200 {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            if !exe.to_string_lossy().contains("views-") {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(50));
        k
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn row_of(out: &str, pid: u32, col: usize) -> Option<Vec<String>> {
    out.lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .find(|w| w.get(col).is_some_and(|p| p == &pid.to_string()))
}

#[test]
fn aux_and_ef_have_procps_columns() {
    let out = stdout(&procfs(&["ps", "aux"]));
    assert_eq!(
        words(out.lines().next().unwrap()),
        ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"]
    );
    let me = std::process::id();
    let mine = row_of(&out, me, 1).expect("this test in ps aux");
    // SAFETY: geteuid() has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(mine[0], "root");
    }
    // Kernel threads: [name], 0 memory.
    if let Some(k) = row_of(&out, 2, 1) {
        if std::fs::read_to_string("/proc/2/status").is_ok_and(|s| s.contains("Kthread:\t1")) {
            assert_eq!(k[10], "[kthreadd]");
            assert_eq!((k[4].as_str(), k[5].as_str()), ("0", "0"));
        }
    }
    let out = stdout(&procfs(&["ps", "-ef"]));
    assert_eq!(
        words(out.lines().next().unwrap()),
        ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
    );
    let mine = row_of(&out, me, 1).expect("this test in ps -ef");
    // TIME is [dd-]hh:mm:ss, STIME HH:MM or MmmDD or a year.
    assert!(
        mine[6].len() >= 8 && mine[6].matches(':').count() == 2,
        "{mine:?}"
    );
    // BSD letters: ax is PID TTY STAT TIME COMMAND; an unknown letter is an error.
    let out = stdout(&procfs(&["ps", "ax"]));
    assert_eq!(
        words(out.lines().next().unwrap()),
        ["PID", "TTY", "STAT", "TIME", "COMMAND"]
    );
    assert!(!procfs(&["ps", "aqx"]).status.success());
}

#[test]
fn selection_by_user_and_name() {
    let sleeper = Kid::spawn(Command::new("sleep").arg("30"));
    let out = stdout(&procfs(&["ps", "-C", "sleep", "-o", "pid,comm"]));
    assert!(row_of(&out, sleeper.pid(), 0).is_some(), "{out}");
    assert!(out.lines().skip(1).all(|l| words(l)[1] == "sleep"), "{out}");
    // SAFETY: geteuid() has no preconditions.
    let uid = unsafe { libc::geteuid() };
    let json: Json = procfs_json(&["ps", "-u", &uid.to_string(), "-o", "pid,uid,user"]);
    let rows = json.as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["uid"] == uid));
    if uid == 0 {
        let by_name: Json = procfs_json(&["ps", "-u", "root", "-o", "pid,uid"]);
        let rows = by_name.as_array().unwrap();
        assert!(!rows.is_empty() && rows.iter().all(|r| r["uid"] == 0));
    }
    assert!(!procfs(&["ps", "-u", "no-such-user-pgi"]).status.success());
    // -p, -u and -C add up, as in ps.
    let out = stdout(&procfs(&["ps", "-C", "sleep", "-p", "1", "-o", "pid,comm"]));
    assert!(row_of(&out, 1, 0).is_some() && row_of(&out, sleeper.pid(), 0).is_some());
}

#[test]
fn forest_draws_children_under_parents_and_stat_has_modifiers() {
    // A shell in its own session with two children: one threaded (l), one plain.
    let sh = Kid::spawn(
        Command::new("setsid")
            .arg("sh")
            .arg("-c")
            .arg("sleep 31 & sleep 32 & wait"),
    );
    std::thread::sleep(Duration::from_millis(200));
    let out = stdout(&procfs(&[
        "ps",
        "-e",
        "--forest",
        "-o",
        "pid,ppid,stat,args",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    let at = |pid: u32| {
        lines
            .iter()
            .position(|l| words(l).first() == Some(&pid.to_string().as_str()))
    };
    let sh_at = at(sh.pid()).expect("the shell");
    let sh_line = lines[sh_at];
    // The shell leads its session: s.
    assert!(words(sh_line)[2].contains('s'), "{sh_line}");
    let kids: Vec<&&str> = lines[sh_at + 1..]
        .iter()
        .take(2)
        .filter(|l| words(l)[1] == sh.pid().to_string())
        .collect();
    assert_eq!(kids.len(), 2, "{out}");
    let indent = sh_line.find("sh -c").unwrap();
    for k in &kids {
        assert_eq!(k.find("\\_ sleep 3"), Some(indent + 1), "{out}");
    }
}

#[test]
fn json_schema_of_the_new_fields() {
    let me = std::process::id().to_string();
    let v: Json = procfs_json(&["ps",
        "-p",
        &me,
        "-o",
        "pid,user,%cpu,%mem,tname,stat,start_time,time,etimes,nlwp,pgid,sid,tpgid,minflt,pss,uss,args",
    ]);
    let r = &v[0];
    assert_eq!(r["pid"], std::process::id());
    assert!(r["user"].is_string() || r["user"].is_u64());
    assert!(r["%cpu"].is_f64() || r["%cpu"].is_u64(), "{r}");
    assert!(r["%mem"].is_number());
    assert!(r["tname"].is_string() && r["stat"].is_string());
    // Times and dates are numbers in JSON: seconds, and seconds since the epoch.
    let start = r["start_time"].as_i64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - 3600..=now + 1).contains(&start), "{r}");
    assert!(r["time"].is_i64() && r["etimes"].is_i64());
    assert!(r["nlwp"].as_u64().unwrap() >= 1);
    // SAFETY: getsid(0) and getpgrp() have no preconditions.
    assert_eq!(r["sid"], unsafe { libc::getsid(0) });
    assert_eq!(r["pgid"], unsafe { libc::getpgrp() });
    // JSON keys are the canonical names (minflt is an alias of min_flt).
    assert!(r["min_flt"].as_u64().unwrap() > 0);
    assert!(r["pss"].as_u64().unwrap() > 0);
    assert!(r["uss"].as_u64().unwrap() <= r["pss"].as_u64().unwrap());
    assert!(r["args"].as_str().unwrap().contains("views"));
    assert_eq!(r["denied"], serde_json::json!([]));
}

#[test]
fn mem_sorts_by_pss_and_totals_it() {
    let out = procfs(&["--json", "mem"]);
    let v: Json = serde_json::from_str(&stdout(&out)).unwrap();
    let procs = v["processes"].as_array().unwrap();
    assert!(!procs.is_empty());
    let pss: Vec<u64> = procs
        .iter()
        .map(|p| p["pss_kb"].as_u64().unwrap())
        .collect();
    assert!(pss.windows(2).all(|w| w[0] >= w[1]), "{pss:?}");
    assert_eq!(
        v["total"]["pss_kb"].as_u64().unwrap(),
        pss.iter().sum::<u64>()
    );
    assert_eq!(
        v["total"]["processes"].as_u64().unwrap(),
        procs.len() as u64
    );
    for p in procs {
        let uss = p["uss_kb"].as_u64().unwrap();
        assert!(uss <= p["rss_kb"].as_u64().unwrap(), "{p}");
    }
    // Our own row: USS is Private_Clean + Private_Dirty of smaps_rollup (this test process
    // is quiet while pgi reads it: allow the counters to move by a few pages).
    let me = std::process::id();
    let mine = procs.iter().find(|p| p["pid"] == me).expect("own row");
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap();
    let kb = |k: &str| -> u64 {
        rollup
            .lines()
            .find_map(|l| {
                l.strip_prefix(k)?
                    .strip_prefix(':')?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap()
    };
    let uss = kb("Private_Clean") + kb("Private_Dirty");
    assert!(
        mine["uss_kb"].as_u64().unwrap().abs_diff(uss) < 1024,
        "{mine} vs {uss}"
    );
    let text = stdout(&procfs(&["mem"]));
    assert!(
        text.starts_with("    PID       Vss       Rss       Pss       Uss"),
        "{text}"
    );
    assert!(text.contains("TOTAL ("), "{text}");
}

#[test]
fn top_batch_shows_cpu_of_a_busy_process() {
    let busy = Kid::spawn(Command::new("sh").arg("-c").arg("while :; do :; done"));
    let idle = Kid::spawn(Command::new("sleep").arg("30"));
    let out = stdout(&procfs(&["top", "-b", "-n", "2", "-d", "1"]));
    let frames: Vec<&str> = out
        .split("pgi top - up ")
        .filter(|f| !f.is_empty())
        .collect();
    assert_eq!(frames.len(), 2, "{out}");
    let last = frames[1];
    let header = last
        .lines()
        .find(|l| l.trim_start().starts_with("PID"))
        .unwrap();
    assert_eq!(
        words(header),
        [
            "PID", "USER", "PR", "NI", "VIRT", "RES", "PSS", "S", "%CPU", "%MEM", "TIME+",
            "COMMAND"
        ]
    );
    let cpu = |pid: u32| -> f64 {
        last.lines()
            .find(|l| words(l).first() == Some(&pid.to_string().as_str()))
            .map(|l| words(l)[8].parse().unwrap())
            .unwrap_or_else(|| panic!("{pid} not in\n{last}"))
    };
    // A spinning shell uses most of a CPU over a second (the machine may be busy: > 20%); a
    // sleeper none.
    assert!(cpu(busy.pid()) > 20.0, "{last}");
    assert_eq!(cpu(idle.pid()), 0.0, "{last}");
    // Sorted by %CPU: the busy one comes before the sleeper.
    let pos = |pid: u32| {
        last.find(&format!("\n{:>5} ", pid))
            .or_else(|| last.find(&format!(" {pid} ")))
    };
    assert!(pos(busy.pid()) < pos(idle.pid()), "{last}");
    assert!(
        last.contains("Tasks: ") && last.contains("MiB Mem :"),
        "{last}"
    );
}

/// tmux on a private server socket, killed when dropped.
struct Tmux {
    sock: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.sock)
            .args(args)
            .output()
            .expect("tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// Waits for the screen to satisfy `ok`; returns it.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        let mut s = self.screen();
        while !ok(&s) {
            assert!(Instant::now() < until, "waiting for {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
            s = self.screen();
        }
        s
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The pids of the table's rows, top to bottom.
fn pids_on(screen: &str) -> Vec<i64> {
    screen
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("PID"))
        .skip(1)
        .filter_map(|l| words(l).first()?.parse().ok())
        .collect()
}

#[test]
fn top_in_a_real_terminal_sorts_on_keys_and_quits() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("note: no tmux here (tools/check-host.sh installs it); skipped");
        return;
    }
    let t = Tmux {
        sock: format!("pgi-test-{}", std::process::id()),
    };
    let cmd = format!(
        "{} --backend procfs top -d 0.5; echo PGI-EXITED $?; sleep 60",
        env!("CARGO_BIN_EXE_pgi")
    );
    let o = t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "150",
        "-y",
        "40",
        &cmd,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = t.wait("the first frame", |s| {
        s.contains("PID") && s.contains("COMMAND") && pids_on(s).len() > 5
    });
    assert!(s.contains("pgi top - up"), "{s}");
    t.cmd(&["send-keys", "-t", "t", "n"]);
    let s = t.wait("sorted by pid", |s| s.contains("sorted by Pid"));
    let pids = pids_on(&s);
    assert!(
        pids.len() > 5 && pids.windows(2).all(|w| w[0] < w[1]),
        "{s}"
    );
    t.cmd(&["send-keys", "-t", "t", "m"]);
    let s = t.wait("sorted by memory", |s| s.contains("sorted by Mem"));
    let res: Vec<u64> = s
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("PID"))
        .skip(1)
        .filter_map(|l| words(l).get(5)?.parse().ok())
        .collect();
    assert!(res.len() > 5 && res.windows(2).all(|w| w[0] >= w[1]), "{s}");
    t.cmd(&["send-keys", "-t", "t", "q"]);
    let s = t.wait("pgi to quit", |s| s.contains("PGI-EXITED"));
    assert!(s.contains("PGI-EXITED 0"), "{s}");
    // The terminal is restored: the alternate screen is gone, the shell's line is there.
    assert!(!s.contains("COMMAND"), "{s}");
}
