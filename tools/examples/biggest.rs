// SPDX-License-Identifier: MIT OR Apache-2.0

//! The five processes with the largest resident set, and the largest mapping of each, from
//! two calls: one for every process's counters, one for the chosen processes' memory maps.
//!
//! `cargo run --example biggest [-- --backend procfs]`

use process_getinfo::{Backend, Mask, Query};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend: Backend = match std::env::args().skip_while(|a| a != "--backend").nth(1) {
        Some(b) => b.parse()?,
        None => Backend::Auto,
    };

    // One call: ids, comm and VM counters of every process.
    let all = Query::all()
        .mask(Mask::IDS | Mask::COMM | Mask::VM_COUNTERS)
        .backend(backend)
        .run()?;
    if all.fell_back() {
        eprintln!("note: process_getinfo(2) not available, read /proc instead");
    }
    let info = all.info();
    let mut procs: Vec<_> = info
        .records()
        .filter_map(|r| Some((r.vm?.rss_kb(), r.ids?.tgid, r.comm_lossy()?)))
        .collect();
    procs.sort_by_key(|p| std::cmp::Reverse(p.0));
    procs.truncate(5);

    // A second call: the memory maps of just those (records follow the order of the pids).
    let maps = Query::pids(procs.iter().map(|p| p.1))
        .mask(Mask::MEMORY_MAP)
        .backend(backend)
        .run()?;
    let maps_info = maps.info();
    for ((rss, pid, comm), rec) in procs.iter().zip(maps_info.records()) {
        let biggest = rec
            .memory_map
            .into_iter()
            .flatten()
            .max_by_key(|v| v.end - v.start);
        let what = match (rec.is_gone(), rec.is_noaccess(), biggest) {
            (true, _, _) => "exited meanwhile".to_string(),
            (_, true, _) => "memory map not readable".to_string(),
            (_, _, None) => "no memory map".to_string(),
            (_, _, Some(v)) => format!(
                "largest mapping {} KiB {}",
                (v.end - v.start) / 1024,
                v.name_lossy().unwrap_or("[anon]".into())
            ),
        };
        println!("{pid:>7} {rss:>9} KiB  {comm:<16} {what}");
    }
    Ok(())
}
