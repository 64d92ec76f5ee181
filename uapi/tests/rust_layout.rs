// SPDX-License-Identifier: GPL-2.0

//! The Rust crate's `#[repr(C)]` mirrors (tools/src/uapi.rs) against this directory's C header,
//! field by field: a C program built from `linux/process_getinfo.h` prints every `offsetof` and
//! `sizeof`, and each must equal the Rust side. Also checks the constants. It lives with the
//! header so that the published crate holds no test that reaches outside it; cargo runs it as
//! the `uapi_layout` test of the workspace's `pgi` package (tools/pgi/Cargo.toml). Skipped
//! (with a note) when no C compiler exists.

use std::mem::{offset_of, size_of};
use std::path::Path;
use std::process::Command;

use process_getinfo::uapi::*;

/// The C name of a field: the Rust one, or the one given after `=`.
macro_rules! cname {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $cf:ident) => {
        stringify!($cf)
    };
}

macro_rules! layout {
    ($($ty:ident : $cty:literal [$($f:ident $(= $cf:ident)?),* $(,)?]),* $(,)?) => {{
        let mut c = String::new();
        let mut rust = String::new();
        $(
            c.push_str(&format!(
                "printf(\"{} size %zu\\n\", sizeof(struct {}));\n", $cty, $cty));
            rust.push_str(&format!("{} size {}\n", $cty, size_of::<$ty>()));
            $(
                let cf = cname!($f $(, $cf)?);
                c.push_str(&format!(
                    "printf(\"{} {} %zu\\n\", offsetof(struct {}, {}));\n",
                    $cty, cf, $cty, cf));
                rust.push_str(&format!("{} {} {}\n", $cty, cf, offset_of!($ty, $f)));
            )*
        )*
        (c, rust)
    }};
}

macro_rules! consts {
    ($($name:ident),* $(,)?) => {{
        let mut c = String::new();
        let mut rust = String::new();
        $(
            c.push_str(&format!(
                "printf(\"{} %llu\\n\", (unsigned long long)({}));\n",
                stringify!($name), stringify!($name)));
            rust.push_str(&format!("{} {}\n", stringify!($name), $name as u64));
        )*
        (c, rust)
    }};
}

#[test]
fn mirrors_match_the_c_header() {
    let (c1, r1) = layout!(
        ProcessInfo: "process_info" [size, first_procrec_offset, nr_procrecs, flags, mask,
            supported_mask, mem_total_kb, mem_free_kb, mem_available_kb, buffers_kb, cached_kb,
            swap_total_kb, swap_free_kb],
        ProcRec: "procrec" [size, next_procrec_offset, mask, status, input_index, tid, tgid,
            ppid, oom_score_adj, uid_real, uid_effective, uid_saved, uid_fs, gid_real,
            gid_effective, gid_saved, gid_fs, prio, nice, policy, comm_offset, state,
            reserved0 = __reserved0, nr_vmas, first_vma_offset, reserved1 = __reserved1,
            rss_anon_kb, rss_file_kb, rss_shmem_kb, vm_size_kb, swap_kb, vm_seq, utime_ns,
            stime_ns, start_time_ns, min_flt, maj_flt, nr_threads, pgid, sid, tty_nr, tpgid,
            cmdline_offset, cmdline_size, rollup_offset],
        ProcRecVma: "procrec_vma" [size, next_procrec_vma_offset, start, end, file_offset,
            inode, dev_major, dev_minor, prot, flags, backing_file_name_offset,
            reserved0 = __reserved0],
        ProcRecRollup: "procrec_rollup" [size, reserved0 = __reserved0, rss_kb, pss_kb,
            pss_dirty_kb, pss_anon_kb, pss_file_kb, pss_shmem_kb, shared_clean_kb,
            shared_dirty_kb, private_clean_kb, private_dirty_kb, referenced_kb, anonymous_kb,
            swap_kb, swap_pss_kb, locked_kb],
    );
    let nr = NR_PROCESS_GETINFO;
    let (c2, r2) = consts!(
        PROCESS_GETINFO_ALL,
        PROCESS_GETINFO_THREADS,
        PROCESS_GETINFO_PIDFD,
        PROCESS_GETINFO_STRICT,
        PROCESS_INFO_MEMINFO,
        PROCESS_INFO_IDS,
        PROCESS_INFO_STATUS,
        PROCESS_INFO_OOM_SCORE_ADJ,
        PROCESS_INFO_CREDS,
        PROCESS_INFO_PRIO,
        PROCESS_INFO_COMM,
        PROCESS_INFO_VM_COUNTERS,
        PROCESS_INFO_VM_SEQ,
        PROCESS_INFO_MEMORY_MAP,
        PROCESS_INFO_CPU_TIMES,
        PROCESS_INFO_SESSION,
        PROCESS_INFO_CMDLINE,
        PROCESS_INFO_MEMORY_ROLLUP,
        PROCESS_INFO_TRUNCATED,
        PROCREC_GONE,
        PROCREC_NOACCESS,
        PROCREC_VMA_SHARED,
        PROCREC_VMA_LOCKED,
        PROCREC_VMA_HUGETLB,
        PROCREC_VMA_SPECIAL,
        PROCESS_INFO_SIZE_VER0,
        PROCREC_SIZE_VER0,
        PROCREC_SIZE_VER1,
        PROCREC_VMA_SIZE_VER0,
        PROCREC_ROLLUP_SIZE_VER0,
    );
    let (c3, r3) = (
        "printf(\"nr %d\\nmax %d\\n\", __NR_process_getinfo, PROCESS_GETINFO_NR_PROC_MAX);\n",
        format!("nr {nr}\nmax {NR_PROC_MAX}\n"),
    );

    // tools/pgi/../../uapi: the directory of this file.
    let uapi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../uapi");
    let dir = std::env::temp_dir().join(format!("pgi-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(
        &src,
        format!(
            "#include <stddef.h>\n#include <stdio.h>\n#include <linux/process_getinfo.h>\n\
             int main(void)\n{{\n{c1}{c2}{c3}return 0;\n}}\n"
        ),
    )
    .unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let built = Command::new(&cc)
        .arg("-Wall")
        .arg("-Werror")
        .arg(format!("-I{}", uapi.display()))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status();
    match built {
        Err(e) => {
            eprintln!("note: no C compiler ({cc}: {e}); layout check skipped");
            return;
        }
        Ok(s) => assert!(s.success(), "the C layout program did not build"),
    }
    let out = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{r1}{r2}{r3}")
    );
}
