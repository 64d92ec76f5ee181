// SPDX-License-Identifier: MIT OR Apache-2.0

//! The quiet processes the checks look at.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One process of the quiet set.
pub struct Target {
    /// Its pid.
    pub pid: i32,
    /// What it is, for test names.
    pub what: &'static str,
}

/// The quiet set, and what keeps it quiet.
pub struct Procs {
    /// Ourselves, pid 1, kthreadd and the children.
    pub targets: Vec<Target>,
    /// A sleeping child (nice 5, oom_score_adj 100), for the pidfd check too.
    pub sleeper: i32,
    /// A pid that was reaped: it names no process now.
    pub gone: i32,
    children: Vec<i32>,
    worker: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

/// Forks a child that names itself `name` and sleeps until killed. Only async-signal-safe
/// calls run in the child.
fn fork_sleeper(name: &'static [u8]) -> Result<i32, String> {
    // SAFETY: No other thread exists yet (the worker is spawned after the forks), and the
    // child only calls prctl(), pause() and _exit().
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(format!("fork: {}", std::io::Error::last_os_error())),
        0 => {
            // SAFETY: `name` is NUL-terminated; prctl and pause take no Rust state.
            unsafe {
                libc::prctl(libc::PR_SET_NAME, name.as_ptr());
                loop {
                    libc::pause();
                }
            }
        }
        pid => Ok(pid),
    }
}

/// Forks a child that exits at once.
fn fork_exit() -> Result<i32, String> {
    // SAFETY: As above; the child only calls _exit().
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(format!("fork: {}", std::io::Error::last_os_error())),
        // SAFETY: _exit() ends the child without running Rust destructors.
        0 => unsafe { libc::_exit(0) },
        pid => Ok(pid),
    }
}

/// The state letter of /proc/PID/stat.
pub fn state_of(pid: i32) -> Option<char> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s[s.rfind(')')? + 1..]
        .split_whitespace()
        .next()?
        .chars()
        .next()
}

fn wait_state(pid: i32, want: char) -> Result<(), String> {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if state_of(pid) == Some(want) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err(format!("pid {pid} never reached state {want}"))
}

impl Procs {
    /// Forks the children and spawns a blocked worker thread.
    pub fn start() -> Result<Procs, String> {
        let mut p = Procs {
            targets: Vec::new(),
            sleeper: 0,
            gone: 0,
            children: Vec::new(),
            worker: None,
        };
        let sleeper = fork_sleeper(b"pgi-sleeper\0")?;
        p.children.push(sleeper);
        let stopped = fork_sleeper(b"pgi-stopped\0")?;
        p.children.push(stopped);
        let zombie = fork_exit()?;
        p.children.push(zombie);
        let gone = fork_exit()?;
        // SAFETY: Plain system calls on our own children.
        unsafe {
            libc::waitpid(gone, std::ptr::null_mut(), 0);
            if libc::setpriority(libc::PRIO_PROCESS, sleeper as libc::id_t, 5) != 0 {
                return Err(format!("setpriority: {}", std::io::Error::last_os_error()));
            }
            libc::kill(stopped, libc::SIGSTOP);
        }
        std::fs::write(format!("/proc/{sleeper}/oom_score_adj"), "100")
            .map_err(|e| format!("oom_score_adj: {e}"))?;
        wait_state(sleeper, 'S')?;
        wait_state(stopped, 'T')?;
        wait_state(zombie, 'Z')?;

        let (tx, rx) = mpsc::channel::<()>();
        let worker = std::thread::Builder::new()
            .name("pgi-worker".into())
            .spawn(move || {
                let _ = rx.recv();
            })
            .map_err(|e| format!("thread: {e}"))?;
        p.worker = Some((tx, worker));

        let me = std::process::id() as i32;
        p.sleeper = sleeper;
        p.gone = gone;
        p.targets = vec![
            Target {
                pid: me,
                what: "self",
            },
            Target {
                pid: 1,
                what: "init",
            },
            Target {
                pid: 2,
                what: "kthreadd",
            },
            Target {
                pid: sleeper,
                what: "sleeping child",
            },
            Target {
                pid: stopped,
                what: "stopped child",
            },
            Target {
                pid: zombie,
                what: "zombie child",
            },
        ];
        Ok(p)
    }
}

impl Drop for Procs {
    fn drop(&mut self) {
        if let Some((tx, worker)) = self.worker.take() {
            drop(tx);
            let _ = worker.join();
        }
        for &pid in &self.children {
            // SAFETY: Plain system calls on our own children.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
        }
    }
}
