// SPDX-License-Identifier: MIT OR Apache-2.0

//! What the tests of the `pgi` command share: running it, and reading what it printed.

// Each test file uses its own part.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

use serde_json::Value as Json;

/// Runs `pgi ARGS`, as `uid` (and the group of the same number) when one is given.
pub fn pgi_as(uid: Option<u32>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pgi"));
    c.args(args);
    if let Some(uid) = uid {
        c.uid(uid).gid(uid);
    }
    c.output().expect("run pgi")
}

/// Runs `pgi ARGS`.
pub fn pgi(args: &[&str]) -> Output {
    pgi_as(None, args)
}

/// Runs `pgi --backend procfs ARGS` (which works on every host), as `uid` when one is given.
pub fn procfs_as(uid: Option<u32>, args: &[&str]) -> Output {
    pgi_as(uid, &[&["--backend", "procfs"], args].concat())
}

/// Runs `pgi --backend procfs ARGS`.
pub fn procfs(args: &[&str]) -> Output {
    procfs_as(None, args)
}

/// What `pgi --backend procfs --json ARGS` printed, parsed.
pub fn procfs_json(args: &[&str]) -> Json {
    serde_json::from_str(&stdout(&procfs(&[&["--json"], args].concat()))).unwrap()
}

/// What a successful run printed on stdout.
pub fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "pgi failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The words of a line.
pub fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}
