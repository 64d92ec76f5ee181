// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi top`: a refreshing view of the processes, one process_getinfo(2) call per refresh.
//!
//! %CPU is top's: the CPU time a process used between two refreshes over the time between
//! them (100 is one CPU), from `CPU_TIMES` of the two calls; a process is matched across calls
//! by its pid and start time, so a reused pid starts afresh. The full-screen view uses
//! ratatui over crossterm; `-b` prints frames as text instead, for scripts and tests.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use process_getinfo::{Mask, Meminfo, Query, Record, State};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row as TRow, Table};

use crate::clock::Clock;
use crate::names::Names;
use crate::{escape, run_query, Cli};

/// What the view is sorted by, largest first (pid: smallest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortBy {
    /// %CPU since the last refresh.
    Cpu,
    /// Resident memory.
    Mem,
    /// Proportional set size.
    Pss,
    /// Process id.
    Pid,
}

/// `pgi top`'s options.
#[derive(clap::Args)]
pub struct TopArgs {
    /// Batch mode: print each frame as text instead of the full-screen view.
    #[arg(short = 'b', long)]
    batch: bool,
    /// Stop after this many frames (default: until q, or for ever with -b).
    #[arg(short = 'n', long = "iterations", value_name = "N")]
    iterations: Option<u64>,
    /// Seconds between refreshes.
    #[arg(
        short = 'd',
        long = "delay",
        value_name = "SECS",
        default_value_t = 3.0
    )]
    delay: f64,
    /// The first sort order (keys c, m, s, n, or top's P, M, N change it).
    #[arg(short = 'o', long = "sort", value_enum, default_value_t = SortBy::Cpu)]
    sort: SortBy,
    /// Leave out the PSS column: then no process's pages are walked (MEMORY_ROLLUP costs a
    /// walk of every process's page tables per refresh).
    #[arg(long)]
    no_pss: bool,
}

/// One process in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Proc {
    pub pid: i32,
    pub user: String,
    pub pr: String,
    pub ni: String,
    pub virt_kb: u64,
    pub res_kb: u64,
    pub pss_kb: Option<u64>,
    /// What the PSS column shows without a rollup: `?` denied, `-` none (a kernel thread).
    pub pss_mark: char,
    pub state: char,
    /// In tenths of a percent of one CPU.
    pub cpu_tenths: u64,
    pub mem_tenths: i64,
    pub time: Duration,
    pub command: String,
}

/// A frame: the counts and the processes.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub procs: Vec<Proc>,
    pub meminfo: Option<Meminfo>,
    pub since_boot: Duration,
    pub states: HashMap<char, usize>,
    /// Who answered: `process_getinfo(2), N call(s)` or `/proc`.
    pub source: String,
}

/// The CPU time of each process at the last refresh, by (pid, start time).
type Times = HashMap<(i32, Duration), Duration>;

fn mask(pss: bool) -> Mask {
    let m = Mask::IDS
        | Mask::STATUS
        | Mask::CREDS
        | Mask::PRIO
        | Mask::COMM
        | Mask::VM_COUNTERS
        | Mask::CPU_TIMES
        | Mask::MEMINFO;
    if pss {
        m | Mask::MEMORY_ROLLUP
    } else {
        m
    }
}

/// top's PR: stat's priority, or `rt` for the real-time priority 99 (-100).
fn pr(r: &Record<'_>) -> String {
    match r.prio {
        Some(p) if p.prio == -100 => "rt".to_string(),
        Some(p) => p.prio.to_string(),
        None => "?".to_string(),
    }
}

/// Builds a frame from the records, with %CPU against `prev` over `wall`; updates `prev`.
pub fn frame(
    recs: &[Record<'_>],
    prev: &mut Times,
    wall: Duration,
    meminfo: Option<Meminfo>,
    since_boot: Duration,
    names: &mut Names,
) -> Frame {
    let mut now = Times::new();
    let mut f = Frame {
        meminfo,
        since_boot,
        ..Frame::default()
    };
    let total = meminfo.map_or(0, |m| m.mem_total_kb);
    for r in recs.iter().filter(|r| !r.is_gone()) {
        let (Some(ids), Some(cpu)) = (r.ids, r.cpu) else {
            continue;
        };
        let key = (ids.tgid, cpu.start_time);
        let used = cpu.total();
        now.insert(key, used);
        let delta = prev
            .get(&key)
            .map_or(Duration::ZERO, |p| used.saturating_sub(*p));
        let cpu_tenths = if wall.is_zero() {
            0
        } else {
            u64::try_from(delta.as_nanos() * 1000 / wall.as_nanos()).unwrap_or(u64::MAX)
        };
        let state = r.state.map_or('?', State::as_char);
        *f.states.entry(state).or_default() += 1;
        let res_kb = r.vm.map_or(0, |v| v.rss_kb());
        let uid = r.creds.map(|c| c.uid.effective);
        let user = uid.map_or("?".into(), |u| {
            names.user(u).map_or(u.to_string(), |n| escape::ps(&n))
        });
        f.procs.push(Proc {
            pid: ids.tgid,
            user,
            pr: pr(r),
            ni: r.prio.map_or("?".into(), |p| {
                p.ps_nice().map_or("-".into(), |n| n.to_string())
            }),
            virt_kb: r.vm.map_or(0, |v| v.vm_size_kb),
            res_kb,
            pss_kb: r.rollup.map(|ro| ro.pss_kb),
            pss_mark: if r.denied().contains(Mask::MEMORY_ROLLUP) {
                '?'
            } else {
                '-'
            },
            state,
            cpu_tenths,
            mem_tenths: crate::ps::pmem_tenths(res_kb, total),
            time: used,
            command: r.comm.map_or(String::new(), escape::ps),
        });
    }
    *prev = now;
    f
}

/// Sorts a frame's processes.
pub fn sort(procs: &mut [Proc], by: SortBy) {
    procs.sort_by(|a, b| {
        let o = match by {
            SortBy::Cpu => b
                .cpu_tenths
                .cmp(&a.cpu_tenths)
                .then(b.res_kb.cmp(&a.res_kb)),
            SortBy::Mem => b.res_kb.cmp(&a.res_kb),
            SortBy::Pss => b.pss_kb.cmp(&a.pss_kb),
            SortBy::Pid => std::cmp::Ordering::Equal,
        };
        o.then(a.pid.cmp(&b.pid))
    });
}

/// top's TIME+: minutes:seconds.hundredths.
fn time_plus(d: Duration) -> String {
    let cs = d.as_millis() / 10;
    format!("{}:{:02}.{:02}", cs / 6000, cs / 100 % 60, cs % 100)
}

fn tenths(t: u64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

const HEADERS: [&str; 12] = [
    "PID", "USER", "PR", "NI", "VIRT", "RES", "PSS", "S", "%CPU", "%MEM", "TIME+", "COMMAND",
];

fn cells(p: &Proc) -> [String; 12] {
    [
        p.pid.to_string(),
        p.user.clone(),
        p.pr.clone(),
        p.ni.clone(),
        p.virt_kb.to_string(),
        p.res_kb.to_string(),
        p.pss_kb.map_or(p.pss_mark.to_string(), |v| v.to_string()),
        p.state.to_string(),
        tenths(p.cpu_tenths),
        tenths(u64::try_from(p.mem_tenths).unwrap_or(0)),
        time_plus(p.time),
        p.command.clone(),
    ]
}

/// The summary lines above the table.
fn summary(f: &Frame, by: SortBy) -> Vec<String> {
    let up = f.since_boot.as_secs();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let count = |c: char| f.states.get(&c).copied().unwrap_or(0);
    let cpu: u64 = f.procs.iter().map(|p| p.cpu_tenths).sum();
    let mut lines = vec![
        format!(
            "pgi top - up {}:{:02}:{:02}, load average: {}   sorted by {by:?}, read by {}",
            up / 3600,
            up / 60 % 60,
            up % 60,
            load.join(", "),
            f.source
        ),
        format!(
            "Tasks: {} total, {} running, {} sleeping, {} stopped, {} zombie   %CPU (all processes): {}",
            f.procs.len(),
            count('R'),
            count('S') + count('D') + count('I'),
            count('T') + count('t'),
            count('Z'),
            tenths(cpu)
        ),
    ];
    if let Some(m) = f.meminfo {
        let mib = |kb: u64| format!("{:.1}", kb as f64 / 1024.0);
        lines.push(format!(
            "MiB Mem : {} total, {} free, {} avail, {} buff/cache",
            mib(m.mem_total_kb),
            mib(m.mem_free_kb),
            mib(m.mem_available_kb),
            mib(m.buffers_kb + m.cached_kb)
        ));
        lines.push(format!(
            "MiB Swap: {} total, {} free",
            mib(m.swap_total_kb),
            mib(m.swap_free_kb)
        ));
    }
    lines
}

/// A frame as text (batch mode): the summary, a blank line, then the table.
pub fn render_text(f: &Frame, by: SortBy) -> String {
    let mut out = summary(f, by).join("\n");
    out.push_str("\n\n");
    let rows: Vec<[String; 12]> = f.procs.iter().map(cells).collect();
    let mut widths = HEADERS.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |c: &[&str]| {
        let mut s = String::new();
        for (i, v) in c.iter().enumerate() {
            let w = widths[i];
            match i {
                1 | 7 => s.push_str(&format!("{v:<w$} ")),
                11 => s.push_str(v),
                _ => s.push_str(&format!("{v:>w$} ")),
            }
        }
        s.push('\n');
        s
    };
    out.push_str(&line(&HEADERS));
    for r in &rows {
        out.push_str(&line(&r.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

/// Takes one sample: the records of one call, turned into a frame.
struct Sampler<'c> {
    cli: &'c Cli,
    mask: Mask,
    prev: Times,
    last: Option<Duration>,
    names: Names,
}

impl Sampler<'_> {
    fn sample(&mut self) -> Result<Frame, String> {
        let snap = run_query(self.cli, Query::all().mask(self.mask))?;
        let clock = Clock::now();
        let wall = self
            .last
            .map_or(Duration::ZERO, |l| clock.since_boot.saturating_sub(l));
        self.last = Some(clock.since_boot);
        let info = snap.info();
        let recs: Vec<_> = info.records().collect();
        let mut f = frame(
            &recs,
            &mut self.prev,
            wall,
            info.meminfo(),
            clock.since_boot,
            &mut self.names,
        );
        f.source = if snap.fell_back() || snap.source() == process_getinfo::Source::Procfs {
            "/proc".to_string()
        } else if snap.procfs_facts().is_empty() {
            format!("process_getinfo(2), {} call(s)", snap.calls())
        } else {
            format!(
                "process_getinfo(2), {} call(s), and /proc for {}",
                snap.calls(),
                snap.procfs_facts().names().collect::<Vec<_>>().join(",")
            )
        };
        Ok(f)
    }
}

/// `pgi top`.
pub fn run(cli: &Cli, a: &TopArgs) -> Result<bool, String> {
    if !(a.delay.is_finite() && a.delay >= 0.0) {
        return Err(format!("bad delay {}", a.delay));
    }
    let delay = Duration::from_secs_f64(a.delay);
    let mut s = Sampler {
        cli,
        mask: mask(!a.no_pss),
        prev: Times::new(),
        last: None,
        names: Names::default(),
    };
    // A first sample to measure %CPU against, a moment before the first frame (as top).
    s.sample()?;
    std::thread::sleep(delay.min(Duration::from_millis(500)));
    if a.batch {
        batch(&mut s, a, delay)
    } else {
        interactive(&mut s, a, delay)
    }
}

fn batch(s: &mut Sampler<'_>, a: &TopArgs, delay: Duration) -> Result<bool, String> {
    let mut n = 0;
    loop {
        let mut f = s.sample()?;
        sort(&mut f.procs, a.sort);
        let mut text = render_text(&f, a.sort);
        text.push('\n');
        let mut o = std::io::stdout().lock();
        match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(true),
            Err(e) => return Err(e.to_string()),
            Ok(()) => {}
        }
        n += 1;
        if a.iterations.is_some_and(|max| n >= max) {
            return Ok(true);
        }
        std::thread::sleep(delay);
    }
}

fn interactive(s: &mut Sampler<'_>, a: &TopArgs, delay: Duration) -> Result<bool, String> {
    let mut terminal = ratatui::try_init().map_err(|e| format!("terminal: {e}"))?;
    let res = view(&mut terminal, s, a, delay);
    ratatui::restore();
    res
}

fn view(
    terminal: &mut ratatui::DefaultTerminal,
    s: &mut Sampler<'_>,
    a: &TopArgs,
    delay: Duration,
) -> Result<bool, String> {
    let mut by = a.sort;
    let mut n = 0;
    let mut f = s.sample()?;
    loop {
        sort(&mut f.procs, by);
        terminal
            .draw(|fr| draw(fr, &f, by))
            .map_err(|e| format!("terminal: {e}"))?;
        n += 1;
        if a.iterations.is_some_and(|max| n >= max) {
            return Ok(true);
        }
        // Keys until the next refresh.
        let due = Instant::now() + delay;
        loop {
            let left = due.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            if !event::poll(left).map_err(|e| e.to_string())? {
                break;
            }
            if let Event::Key(k) = event::read().map_err(|e| e.to_string())? {
                if k.kind != KeyEventKind::Press {
                    continue;
                }
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                let new = match k.code {
                    _ if ctrl_c => return Ok(true),
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(true),
                    KeyCode::Char('c') | KeyCode::Char('P') => Some(SortBy::Cpu),
                    KeyCode::Char('m') | KeyCode::Char('M') => Some(SortBy::Mem),
                    KeyCode::Char('s') | KeyCode::Char('S') => Some(SortBy::Pss),
                    KeyCode::Char('n') | KeyCode::Char('N') => Some(SortBy::Pid),
                    _ => None,
                };
                if let Some(new) = new {
                    by = new;
                    sort(&mut f.procs, by);
                    terminal
                        .draw(|fr| draw(fr, &f, by))
                        .map_err(|e| format!("terminal: {e}"))?;
                }
            }
        }
        f = s.sample()?;
    }
}

fn draw(fr: &mut ratatui::Frame<'_>, f: &Frame, by: SortBy) {
    let lines = summary(f, by);
    let mut help = lines.clone();
    help.push("q quit   c %CPU   m memory   s PSS   n PID".to_string());
    let [top, table] = Layout::vertical([
        Constraint::Length(u16::try_from(help.len()).unwrap_or(6)),
        Constraint::Min(1),
    ])
    .areas(fr.area());
    fr.render_widget(Paragraph::new(help.join("\n")), top);
    // The widths of the HEADERS columns; COMMAND takes the rest of the line.
    let widths = [7, 8, 3, 3, 9, 8, 8, 1, 5, 5, 9]
        .map(Constraint::Length)
        .into_iter()
        .chain([Constraint::Fill(1)]);
    // Numbers right-aligned, as in the text frames; USER, S and COMMAND left.
    let align = |i: usize, s: String| -> Cell<'static> {
        let line = Line::from(s);
        Cell::from(if matches!(i, 1 | 7 | 11) {
            line
        } else {
            line.right_aligned()
        })
    };
    let rows = f
        .procs
        .iter()
        .take(usize::from(table.height))
        .map(|p| TRow::new(cells(p).into_iter().enumerate().map(|(i, c)| align(i, c))));
    let header = TRow::new(
        HEADERS
            .iter()
            .enumerate()
            .map(|(i, h)| align(i, h.to_string())),
    )
    .style(Style::new().add_modifier(Modifier::REVERSED));
    fr.render_widget(Table::new(rows, widths).header(header), table);
}

#[cfg(test)]
mod tests {
    use super::*;
    use process_getinfo::encode::Builder;
    use process_getinfo::{CpuTimes, Info};

    fn snapshot(used_ms: &[(i32, u64)]) -> Vec<u8> {
        let mut b = Builder::new(Mask::IDS | Mask::CPU_TIMES | Mask::COMM, Mask::all());
        for &(pid, ms) in used_ms {
            let mut r = crate::test_record(pid, b"p");
            r.cpu = Some(CpuTimes {
                utime: Duration::from_millis(ms),
                start_time: Duration::from_secs(u64::try_from(pid).unwrap()),
                ..Default::default()
            });
            b.push(&r).unwrap();
        }
        b.finish()
    }

    #[test]
    fn cpu_is_the_delta_over_the_wall_time() {
        let mut prev = Times::new();
        let mut names = Names::default();
        let one = snapshot(&[(10, 1000), (11, 0)]);
        let info = Info::parse(&one).unwrap();
        let recs: Vec<_> = info.records().collect();
        let f = frame(
            &recs,
            &mut prev,
            Duration::ZERO,
            None,
            Duration::ZERO,
            &mut names,
        );
        assert!(f.procs.iter().all(|p| p.cpu_tenths == 0));
        // Two seconds later: pid 10 used 1 s more (50%), pid 11 3 s (150%: two CPUs), pid 12
        // is new (0 until next time).
        let two = snapshot(&[(10, 2000), (11, 3000), (12, 500)]);
        let info = Info::parse(&two).unwrap();
        let recs: Vec<_> = info.records().collect();
        let two_s = Duration::from_secs(2);
        let mut f = frame(&recs, &mut prev, two_s, None, two_s, &mut names);
        sort(&mut f.procs, SortBy::Cpu);
        let got: Vec<(i32, u64)> = f.procs.iter().map(|p| (p.pid, p.cpu_tenths)).collect();
        assert_eq!(got, [(11, 1500), (10, 500), (12, 0)]);
        assert_eq!(time_plus(Duration::from_millis(61_234)), "1:01.23");
        let text = render_text(&f, SortBy::Cpu);
        assert!(text.contains("\n\nPID USER"), "{text}");
        assert!(text.contains("\n 11 "), "{text}");
    }
}
