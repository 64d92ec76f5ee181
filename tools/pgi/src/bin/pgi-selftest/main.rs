// SPDX-License-Identifier: MIT OR Apache-2.0

//! `pgi-selftest`: the guest's integration test of the crate against the running kernel.
//!
//! Run as root with the module loaded, it asks both backends (process_getinfo(2) and /proc)
//! about a quiet set of processes (itself, pid 1, kthreadd, and children it forks and keeps
//! blocked: one sleeping with another nice and oom_score_adj, one stopped, one zombie) and
//! checks that they give identical records for every fact both know. It prints TAP; on ENOSYS
//! it prints `1..0 # SKIP`.

mod checks;
mod procs;

use std::process::ExitCode;

use process_getinfo::sys;

fn main() -> ExitCode {
    // The unprivileged helper of the NOACCESS check (see `checks::noaccess`).
    if std::env::args().nth(1).as_deref() == Some("--as-nobody") {
        return checks::nobody_helper();
    }
    match sys::supported_mask() {
        Ok(_) => {}
        Err(e) if e.is_unavailable() => {
            println!("1..0 # SKIP {e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            println!("Bail out! probing process_getinfo(2): {e:?}");
            return ExitCode::FAILURE;
        }
    }
    let procs = match procs::Procs::start() {
        Ok(p) => p,
        Err(e) => {
            println!("Bail out! starting the test processes: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tests = checks::all(&procs);
    println!("1..{}", tests.len());
    let missing = checks::unsupported();
    if !missing.is_empty() {
        // Loudly: these facts' checks are skipped, not passed.
        let names: Vec<String> = missing.names().collect();
        println!(
            "# WARNING: this kernel's process_getinfo(2) does not know {}: their checks are \
             SKIPPED",
            names.join(", ")
        );
        eprintln!(
            "pgi-selftest: WARNING: facts {} not in supported_mask; their checks are SKIPPED",
            names.join(", ")
        );
    }
    let mut failed = 0;
    for (i, (name, test)) in tests.iter().enumerate() {
        match test() {
            Ok(()) => println!("ok {} {name}", i + 1),
            Err(why) => {
                failed += 1;
                println!("not ok {} {name}", i + 1);
                for line in why.lines() {
                    println!("# {line}");
                }
            }
        }
    }
    drop(tests);
    drop(procs);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
