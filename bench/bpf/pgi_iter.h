/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records the benchmark's BPF iterators write (pgi_iter.bpf.c) and
 * pgibench reads (bench/src/methods.h): binary, through bpf_seq_write(),
 * the way a BPF user replacing procfs would write them.
 *
 * A task record is pgi_bpf_ids followed by the blocks of the facts it
 * carries, in the order of the PGI_BPF_* bits; pgi_bpf_ids.len is the
 * record's size.  A VMA record is pgi_bpf_vma followed by the name's bytes
 * and a NUL (name_len counts the NUL; 0 for no name), padded to 8 bytes.
 */
#ifndef PGI_BENCH_BPF_ITER_H
#define PGI_BENCH_BPF_ITER_H

#define PGI_BPF_STATUS	0x01
#define PGI_BPF_CREDS	0x02
#define PGI_BPF_PRIO	0x04
#define PGI_BPF_OOM	0x08
#define PGI_BPF_COMM	0x10
#define PGI_BPF_VM	0x20

struct pgi_bpf_ids {
	__u32 len, mask;
	__s32 pid, tgid, ppid;
};

struct pgi_bpf_status {
	__u32 state, exit_state;	/* task->__state, task->exit_state */
};

struct pgi_bpf_creds {
	__u32 uid[4], gid[4];		/* real, effective, saved, fs */
};

struct pgi_bpf_prio {
	__s32 prio, nice;		/* as /proc/PID/stat shows them */
	__u32 policy, pad;
};

struct pgi_bpf_oom {
	__s32 oom_score_adj, pad;
};

struct pgi_bpf_comm {
	char comm[16];
};

/*
 * Pages: the counters' approximate .count (percpu_counter_read()), where
 * /proc/PID/status and process_getinfo(2) add the per-CPU parts.
 */
struct pgi_bpf_vm {
	__s64 anon, file, shmem, swap;
	__u64 total_vm;
};

struct pgi_bpf_vma {
	__u32 len;			/* of the record, name and padding included */
	__s32 pid;
	__u64 start, end, pgoff, flags;
	__u64 ino;
	__u32 dev;			/* kernel dev_t: major << 20 | minor */
	__u32 name_len;
};

#define PGI_BPF_NAME_MAX	256

#endif /* PGI_BENCH_BPF_ITER_H */
