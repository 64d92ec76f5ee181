// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi ps -e -o ...` against a procps-style reader of /proc written here, field by field, on
//! every process of the host (through the procfs backend). The reader does what procps does:
//! /proc/PID/stat split after the last `)`, Uid and Vm lines of status, the command line with
//! its trailing NULs dropped and the others spaces (`[comm]` without one), the terminal by
//! procps's order (/proc/tty/drivers, fd/2, the major/minor rules, fd/255), user names from
//! /etc/passwd, %CPU as CPU ticks over elapsed ticks, %MEM as VmRSS over MemTotal, START by
//! local time. A field passes when pgi's value is the reader's just before or just after (for
//! CPU time: between them) in one of three rounds; processes that come or go are skipped.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::MetadataExt;

use common::{procfs, procfs_json, stdout};
use serde_json::Value as Json;

const COLS: &str = "pid,ppid,user,uid,tname,stat,nlwp,pgid,sid,tpgid,ni,pri,vsz,rss,time,\
                    start_time,min_flt,maj_flt,%cpu,%mem,args,comm";
/// The fields compared as pgi's text shows them (dates and times formatted).
const TEXT_COLS: &str = "pid,time,start_time,bsdtime,etime,tname,stat";

/// One process as the reader sees it: field name to value (as pgi's JSON or text shows it).
type View = BTreeMap<&'static str, Json>;

fn hz() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) as u64 }
}

fn escape(b: &[u8]) -> String {
    let mut out = String::new();
    for chunk in b.utf8_chunks() {
        out.extend(
            chunk
                .valid()
                .chars()
                .map(|c| if c.is_control() { '?' } else { c }),
        );
        out.extend(chunk.invalid().iter().map(|_| '?'));
    }
    out
}

fn passwd() -> HashMap<u32, String> {
    std::fs::read_to_string("/etc/passwd")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((f.get(2)?.parse().ok()?, f.first()?.to_string()))
        })
        .collect()
}

fn rdev(p: &str) -> Option<(u64, u64)> {
    let d = std::fs::metadata(p).ok()?.rdev();
    Some((
        ((d >> 8) & 0xfff) | ((d >> 32) & !0xfff),
        (d & 0xff) | ((d >> 12) & !0xff),
    ))
}

/// procps's dev_to_tty(), in its order.
fn tty(nr: i64, pid: &str) -> String {
    if nr == 0 {
        return "?".into();
    }
    let nr = nr as u32 as u64;
    let (maj, min) = ((nr >> 8) & 0xfff, (nr & 0xff) | ((nr >> 12) & 0xfff00));
    let want = Some((maj, min));
    let short = |p: &str| p.strip_prefix("/dev/").unwrap_or(p).to_string();
    let drivers = std::fs::read_to_string("/proc/tty/drivers").unwrap_or_default();
    for l in drivers.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (Some(path), Some(m), Some(range)) = (f.get(1), f.get(2), f.get(3)) else {
            continue;
        };
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        let (Ok(m), Ok(a), Ok(b)) = (m.parse::<u64>(), a.parse::<u64>(), b.parse::<u64>()) else {
            continue;
        };
        if m == maj && (a..=b).contains(&min) {
            let numbered = format!("{path}{min}");
            if rdev(&numbered) == want {
                return short(&numbered);
            }
            if rdev(&numbered).is_none() && rdev(path) == want {
                return short(path);
            }
            break;
        }
    }
    let link = |fd: &str| -> Option<String> {
        let t = std::fs::read_link(format!("/proc/{pid}/{fd}")).ok()?;
        let t = t.to_str()?.to_string();
        (rdev(&t) == want).then(|| short(&t))
    };
    if let Some(n) = link("fd/2") {
        return n;
    }
    let guess = match maj {
        4 if min < 64 => Some(format!("/dev/tty{min}")),
        4 => Some(format!("/dev/ttyS{}", min - 64)),
        136..=143 => Some(format!("/dev/pts/{}", min + (maj - 136) * 256)),
        188 => Some(format!("/dev/ttyUSB{min}")),
        _ => None,
    };
    if let Some(g) = guess.filter(|g| rdev(g) == want) {
        return short(&g);
    }
    link("fd/255").unwrap_or_else(|| "?".into())
}

fn local(t: i64) -> libc::tm {
    // SAFETY: a zeroed tm is valid; localtime_r writes only it.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        tm
    }
}

/// procps's pr_stime.
fn start_time(t: i64, now: i64) -> String {
    let (tm, n) = (local(t), local(now));
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if tm.tm_year != n.tm_year {
        format!("{}", 1900 + tm.tm_year)
    } else if tm.tm_yday != n.tm_yday {
        format!("{}{:02}", mon[tm.tm_mon as usize], tm.tm_mday)
    } else {
        format!("{:02}:{:02}", tm.tm_hour, tm.tm_min)
    }
}

/// The `n`th word of `s` (from 0), parsed.
fn word<T: std::str::FromStr>(s: &str, n: usize) -> T
where
    T::Err: std::fmt::Debug,
{
    s.split_whitespace().nth(n).unwrap().parse().unwrap()
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// Every process, as procps would read it; and, apart, the text fields.
fn reader() -> HashMap<i64, (View, View)> {
    let hz = hz();
    let users = passwd();
    let uptime: f64 = word(&std::fs::read_to_string("/proc/uptime").unwrap(), 0);
    let stat_all = std::fs::read_to_string("/proc/stat").unwrap();
    let btime: i64 = stat_all
        .lines()
        .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
        .unwrap();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let total: u64 = word(field(&meminfo, "MemTotal").unwrap(), 0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut out = HashMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let (Ok(stat), Ok(status), Ok(cmdline)) = (
            std::fs::read_to_string(format!("/proc/{pid}/stat")),
            std::fs::read_to_string(format!("/proc/{pid}/status")),
            std::fs::read(format!("/proc/{pid}/cmdline")),
        ) else {
            continue;
        };
        let comm = &stat[stat.find('(').unwrap() + 1..stat.rfind(')').unwrap()];
        let f: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let at = |n: usize| f[n - 3];
        let num = |n: usize| at(n).parse::<i64>().unwrap();
        let state = at(3);
        let (utime, stime, start) = (num(14), num(15), num(22));
        let ticks = (utime + stime) as u64;
        let uid: u32 = word(field(&status, "Uid").unwrap(), 1);
        let kb = |k: &str| -> u64 { field(&status, k).map_or(0, |v| word(v, 0)) };
        let (nice, prio, policy) = (num(19), num(18), num(41));
        let mut st = state.to_string();
        if nice < 0 {
            st.push('<');
        }
        if nice > 0 {
            st.push('N');
        }
        // L (VmLck) is left out: process_getinfo(2) has no VmLck (see pgi ps --help).
        if num(6) == pid.parse::<i64>().unwrap() {
            st.push('s');
        }
        if num(20) > 1 {
            st.push('l');
        }
        if num(5) == num(8) {
            st.push('+');
        }
        let end = cmdline.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
        let args = if cmdline.is_empty() {
            let z = if state == "Z" { " <defunct>" } else { "" };
            format!("[{}]{z}", escape(comm.as_bytes()))
        } else {
            let b: Vec<u8> = cmdline[..end]
                .iter()
                .map(|&c| if c == 0 || c == b'\n' { b' ' } else { c })
                .collect();
            escape(&b)
        };
        let elapsed = uptime - start as f64 / hz as f64;
        let pcpu = if elapsed > 0.0 {
            (ticks as f64 * 1000.0 / (elapsed * hz as f64)) as u64
        } else {
            0
        };
        let rss = kb("VmRSS");
        let pmem = (rss * 1000 / total).min(999);
        let secs = ticks / hz;
        let started = btime + start / hz as i64;
        let user = users
            .get(&uid)
            .cloned()
            .map_or(Json::from(uid), |u| Json::from(u.as_str()));
        let tname = tty(num(7), pid);
        let mut v = View::new();
        v.insert("pid", Json::from(pid.parse::<i64>().unwrap()));
        v.insert("ppid", Json::from(num(4)));
        v.insert("user", user);
        v.insert("uid", Json::from(uid));
        v.insert("tname", Json::from(tname.as_str()));
        v.insert("stat", Json::from(st.as_str()));
        v.insert("nlwp", Json::from(num(20)));
        v.insert("pgid", Json::from(num(5)));
        v.insert("sid", Json::from(num(6)));
        v.insert("tpgid", Json::from(num(8)));
        v.insert(
            "ni",
            if policy == 0 || policy == 3 {
                Json::from(nice)
            } else {
                Json::Null
            },
        );
        v.insert("pri", Json::from(39 - prio));
        v.insert("vsz", Json::from(kb("VmSize")));
        v.insert("rss", Json::from(rss));
        v.insert("time", Json::from(secs));
        v.insert("start_time", Json::from(started));
        v.insert("min_flt", Json::from(num(10)));
        v.insert("maj_flt", Json::from(num(12)));
        v.insert("%cpu", Json::from(pcpu));
        v.insert("%mem", Json::from(pmem));
        v.insert("args", Json::from(args.as_str()));
        v.insert("comm", Json::from(comm));
        let mut t = View::new();
        let hms = format!(
            "{:02}:{:02}:{:02}",
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60
        );
        let hms = if secs >= 86400 {
            format!("{}-{hms}", secs / 86400)
        } else {
            hms
        };
        t.insert("time", Json::from(hms));
        t.insert("start_time", Json::from(start_time(started, now)));
        t.insert(
            "bsdtime",
            Json::from(format!("{}:{:02}", secs / 60, secs % 60)),
        );
        let e = elapsed as u64;
        let (d, h, m, s) = (e / 86400, e / 3600 % 24, e / 60 % 60, e % 60);
        let et = match (d, h) {
            (0, 0) => format!("{m:02}:{s:02}"),
            (0, _) => format!("{h:02}:{m:02}:{s:02}"),
            _ => format!("{d}-{h:02}:{m:02}:{s:02}"),
        };
        t.insert("etime", Json::from(et));
        t.insert("tname", Json::from(tname.as_str()));
        t.insert("stat", Json::from(st.as_str()));
        out.insert(pid.parse().unwrap(), (v, t));
    }
    out
}

/// One round: the mismatches (pid, field) with what each side said, and how many processes
/// were compared.
fn round() -> (BTreeMap<(i64, String), String>, usize) {
    let before = reader();
    let json = procfs_json(&["ps", "-e", "-o", COLS]);
    let text = stdout(&procfs(&["ps", "-e", "-o", TEXT_COLS]));
    let after = reader();
    let mut bad = BTreeMap::new();
    let mut compared = 0;
    let mut check =
        |pid: i64, name: &str, got: &Json, b: &Json, a: &Json| {
            let ok =
                got == b
                    || got == a
                    || match name {
                        // Monotonic counters: between the two reads.
                        "time" | "min_flt" | "maj_flt" => got
                            .as_i64()
                            .zip(b.as_i64())
                            .zip(a.as_i64())
                            .is_some_and(|((g, b), a)| b <= g && g <= a),
                        // pgi's elapsed time is CLOCK_BOOTTIME, the reader's /proc/uptime (10 ms):
                        // a tenth either way at a boundary.
                        "%cpu" => got.as_f64().zip(b.as_f64()).zip(a.as_f64()).is_some_and(
                            |((g, b), a)| {
                                let g = (g * 10.0).round();
                                (b.min(a) - 1.0..=b.max(a) + 1.0).contains(&g)
                            },
                        ),
                        "%mem" => got.as_f64().zip(b.as_f64()).zip(a.as_f64()).is_some_and(
                            |((g, b), a)| {
                                let g = (g * 10.0).round();
                                (b.min(a)..=b.max(a)).contains(&g)
                            },
                        ),
                        _ => false,
                    };
            if !ok {
                bad.insert(
                    (pid, name.to_string()),
                    format!("pgi {got}, before {b}, after {a}"),
                );
            }
        };
    let mut denied = Vec::new();
    for row in json.as_array().unwrap() {
        let pid = row["pid"].as_i64().unwrap();
        let (Some((b, _)), Some((a, _))) = (before.get(&pid), after.get(&pid)) else {
            continue;
        };
        compared += 1;
        for name in b.keys() {
            check(pid, name, &row[*name], &b[*name], &a[*name]);
        }
        // As root nothing is denied; otherwise what is must be what the reader cannot read.
        if row["denied"] != serde_json::json!([]) {
            denied.push((pid, row["denied"].to_string()));
        }
    }
    for (pid, d) in denied {
        bad.insert((pid, "denied".into()), format!("pgi {d}"));
    }
    let names: Vec<&str> = TEXT_COLS.split(',').collect();
    for line in text.lines().skip(1) {
        let w: Vec<&str> = line.split_whitespace().collect();
        let pid: i64 = w[0].parse().unwrap();
        let (Some((_, b)), Some((_, a))) = (before.get(&pid), after.get(&pid)) else {
            continue;
        };
        for (i, name) in names.iter().enumerate().skip(1) {
            let got = Json::from(w[i]);
            let ok_time = |k: &str| {
                // Formatted CPU time between the two reads: compare as seconds.
                let s = |v: &str| -> u64 {
                    let (d, rest) = v
                        .split_once('-')
                        .map_or((0, v), |(d, r)| (d.parse().unwrap(), r));
                    d * 86400
                        + rest
                            .split(':')
                            .fold(0, |acc, x| acc * 60 + x.parse::<u64>().unwrap())
                };
                let (g, lo, hi) = (
                    s(w[i]),
                    s(b[k].as_str().unwrap()),
                    s(a[k].as_str().unwrap()),
                );
                lo <= g && g <= hi
            };
            let ok = got == b[*name]
                || got == a[*name]
                || (matches!(*name, "time" | "bsdtime" | "etime") && ok_time(name));
            if !ok {
                bad.insert(
                    (pid, format!("text {name}")),
                    format!("pgi {got}, before {}, after {}", b[*name], a[*name]),
                );
            }
        }
    }
    (bad, compared)
}

#[test]
fn every_process_matches_a_procps_style_reader() {
    let mut still: Option<BTreeMap<(i64, String), String>> = None;
    let mut compared = 0;
    for _ in 0..3 {
        let (bad, n) = round();
        compared = compared.max(n);
        // A mismatch stands only if it is there in every round (busy processes move).
        still = Some(match still {
            None => bad,
            Some(prev) => prev
                .into_iter()
                .filter(|(k, _)| bad.contains_key(k))
                .collect(),
        });
        if still.as_ref().is_some_and(BTreeMap::is_empty) {
            break;
        }
    }
    let still = still.unwrap();
    assert!(compared >= 10, "only {compared} processes compared");
    assert!(
        still.is_empty(),
        "{} mismatches:\n{}",
        still.len(),
        still
            .iter()
            .map(|((p, f), w)| format!("pid {p} {f}: {w}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("compared {compared} processes field by field");
}
