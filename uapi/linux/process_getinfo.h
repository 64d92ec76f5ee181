/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * process_getinfo(2): many facts about many processes in one system call.
 *
 *   int process_getinfo(int nr_proc, const int *proc, int flags,
 *                       unsigned long mask, void *out_buf, size_t *inout_sz);
 *
 * Selection.  @proc holds @nr_proc pids (or pidfds with
 * PROCESS_GETINFO_PIDFD), at most PROCESS_GETINFO_NR_PROC_MAX.  A pid names
 * the thread with that id, as /proc/PID does; with PROCESS_GETINFO_THREADS it
 * names every thread of the thread group that thread belongs to.  With
 * PROCESS_GETINFO_ALL, @proc must be NULL and @nr_proc 0: every thread
 * group visible in the caller's pid namespace (one record for its leader), or
 * with PROCESS_GETINFO_THREADS every visible thread.  @nr_proc == 0 without
 * ALL is valid and returns only the header.  An id may be repeated, or
 * with THREADS name a thread group an earlier id named: each element of
 * @proc is answered by its own records, built again (when the result no
 * longer fits, counted by the size the first answer took).
 *
 * Facts.  @mask is an OR of PROCESS_INFO_* bits; unknown bits fail with
 * EINVAL.  The header's supported_mask lists every bit this kernel knows, so
 * a call with @mask 0 discovers it.  VM_SEQ is known only on kernels with
 * CONFIG_PER_VMA_LOCK, whose mmap-lock write sequence it is built on.
 *
 * Output.  @out_buf receives one relocatable buffer: struct process_info at
 * offset 0, then a chain of struct procrec, each optionally followed by its
 * comm string, its chain of struct procrec_vma and their file names, its
 * command line and its struct procrec_rollup.  Every
 * link is a __u32 byte offset from the start of @out_buf, 0 meaning none, so
 * the buffer can be copied with memcpy and reads the same for 32-bit and
 * 64-bit programs.  Every struct starts 8-byte aligned and begins with
 * __u32 size: a newer kernel appends fields, an older program skips them by
 * following the offsets (never sizeof).  Padding is named __reserved and
 * is zero.  Strings are NUL-terminated; identical VMA file names within one
 * procrec are stored once and shared.  This kernel writes struct procrec
 * with size PROCREC_SIZE_VER1; a reader checks size before it reads a field
 * past PROCREC_SIZE_VER0 (a kernel before CPU_TIMES wrote
 * PROCREC_SIZE_VER0).
 *
 * Size.  On entry *@inout_sz is the size of @out_buf; on success it is set to
 * the bytes used.  If the result does not fit the call fails with E2BIG and
 * *@inout_sz is set to the exact size this call's snapshot needed.  If at
 * least the header fits, @out_buf then holds a valid prefix: the header with
 * PROCESS_INFO_TRUNCATED, nr_procrecs complete records, chains terminated.
 * No byte at or beyond the final *@inout_sz is written.
 *
 * Per-record status.  Without PROCESS_GETINFO_STRICT, a requested id that
 * names no visible process gives a record with PROCREC_GONE (tid then holds
 * the requested id, or the pidfd number) and a fact the caller may not see is
 * left out of the record's mask with PROCREC_NOACCESS set.  With STRICT
 * those fail the call with ESRCH and EACCES, decided for every record before
 * anything is written: a failed STRICT call writes neither @out_buf nor
 * *@inout_sz.  A fact that does not apply (VM_COUNTERS, VM_SEQ, MEMORY_MAP,
 * CMDLINE, MEMORY_ROLLUP of a kernel thread or of an exited process) is
 * left out of the mask without NOACCESS.
 *
 * Consistency.  The task set and all ids (tid, tgid, ppid) are taken in one
 * pass under the task list lock, so thread ids line up with their processes.
 * The other facts are read afterwards, one task at a time; the memory map and
 * vm_seq of one process are one consistent picture, the map of the last hold
 * of its mmap lock (which a long walk, and MEMORY_ROLLUP's smaps_rollup walk,
 * let go when a writer waits).  CPU_TIMES are the thread group's
 * totals in a process's record and the thread's own under THREADS.  Records
 * of explicit ids follow the order of @proc; under THREADS each process's
 * threads are adjacent; under ALL the order is unspecified but each visible
 * process appears exactly once.  The work under the task list lock is bounded
 * by the number of tasks in the caller's pid namespace plus the number of
 * distinct ids, whatever the arguments; ALL from a child pid namespace walks
 * that namespace's pids.
 *
 * Access: never more than /proc shows.  What /proc/PID/stat and
 * /proc/PID/status show, anyone who can see the process in their pid
 * namespace may read, and so the CPU_TIMES and SESSION of /proc/PID/stat and
 * the CMDLINE of /proc/PID/cmdline.  VM_SEQ, MEMORY_MAP and MEMORY_ROLLUP
 * need ptrace read access (PTRACE_MODE_READ_FSCREDS), as /proc/PID/maps and
 * /proc/PID/smaps_rollup do.  PRIO also asks the security modules, as
 * sched_getscheduler(2) does.  procfs's hidepid=
 * hardening applies through the module parameters hidepid (0 off,
 * 1 noaccess, 2 invisible, 4 ptraceable: procfs's values, and names on
 * input) and gid (the exempt group, a gid of the initial user namespace;
 * default 0, as procfs's), set at load time or by root at run time in
 * /sys/module/process_getinfo/parameters/ to match how /proc is mounted: a
 * process procfs would hide is not listed under ALL and is PROCREC_GONE when
 * named; one whose details procfs would deny has only IDS and
 * PROCREC_NOACCESS.  The ptrace checks of an ALL sweep are not audited
 * (PTRACE_MODE_NOAUDIT); those of named ids are, as procfs's are.  Ids are
 * given in the caller's pid namespace and user namespace (unmapped uids and
 * gids read as the overflow id).
 *
 * Errors.  EINVAL (unknown flag or mask bit, bad @nr_proc, ALL with @proc or
 * @nr_proc, PIDFD with ALL), EFAULT, E2BIG (see Size), EBADF (a pidfd that is
 * not a pidfd), ESRCH and EACCES (STRICT only), EINTR (fatal signal during
 * the walk), ENOMEM (also when the caller's memory cgroup is at its limit:
 * the call never invokes the OOM killer), EOVERFLOW (the result would not
 * fit the __u32 offsets: over 4 GiB), ENOSYS (no implementation loaded).
 */
#ifndef _UAPI_LINUX_PROCESS_GETINFO_H
#define _UAPI_LINUX_PROCESS_GETINFO_H

#include <linux/types.h>

/*
 * The system call number: 473 in the x86_64, i386, arm and generic
 * (scripts/syscall.tbl: arm64, riscv, ...) tables.  <asm/unistd.h> of a
 * patched kernel defines it too.  32-bit programs on a 64-bit kernel (i386
 * on x86_64, arm32 on arm64) call the same number through a compat entry:
 * their mask is 32 bits wide, which reaches every fact (every fact has a
 * bit below 32), and their *inout_sz is a 32-bit size_t; the output buffer
 * is the same bytes.  x32 has no entry.
 */
#ifndef __NR_process_getinfo
#define __NR_process_getinfo		473
#endif

/* Selection flags (the @flags argument). */
#define PROCESS_GETINFO_ALL		(1U << 0) /* every visible process */
#define PROCESS_GETINFO_THREADS		(1U << 1) /* one record per thread */
#define PROCESS_GETINFO_PIDFD		(1U << 2) /* @proc holds pidfds */
#define PROCESS_GETINFO_STRICT		(1U << 3) /* ESRCH/EACCES, no status */

/* Most ids one call takes in @proc; more fail with EINVAL. */
#define PROCESS_GETINFO_NR_PROC_MAX	65536

/* Facts (the @mask argument, and the mask fields of the output). */
#define PROCESS_INFO_MEMINFO		(1ULL << 0) /* header: system memory */
#define PROCESS_INFO_IDS		(1ULL << 1) /* tid, tgid, ppid */
#define PROCESS_INFO_STATUS		(1ULL << 2) /* state */
#define PROCESS_INFO_OOM_SCORE_ADJ	(1ULL << 3) /* oom_score_adj */
#define PROCESS_INFO_CREDS		(1ULL << 4) /* uid_*, gid_* */
#define PROCESS_INFO_PRIO		(1ULL << 5) /* prio, nice, policy */
#define PROCESS_INFO_COMM		(1ULL << 6) /* comm_offset */
#define PROCESS_INFO_VM_COUNTERS	(1ULL << 7) /* rss_*_kb, vm_size_kb, swap_kb */
#define PROCESS_INFO_VM_SEQ		(1ULL << 8) /* vm_seq */
#define PROCESS_INFO_MEMORY_MAP		(1ULL << 9) /* first_vma_offset, nr_vmas */
#define PROCESS_INFO_CPU_TIMES		(1ULL << 10) /* utime_ns ... maj_flt, nr_threads */
#define PROCESS_INFO_SESSION		(1ULL << 11) /* pgid, sid, tty_nr, tpgid */
#define PROCESS_INFO_CMDLINE		(1ULL << 12) /* cmdline_offset, cmdline_size */
#define PROCESS_INFO_MEMORY_ROLLUP	(1ULL << 13) /* rollup_offset */

/* process_info.flags */
#define PROCESS_INFO_TRUNCATED		(1U << 0) /* E2BIG: a prefix only */

/* procrec.status: bits */
#define PROCREC_GONE			(1U << 0) /* id names no visible process */
#define PROCREC_NOACCESS		(1U << 1) /* a requested fact was denied */

/* procrec_vma.flags */
#define PROCREC_VMA_SHARED		(1U << 0) /* VM_MAYSHARE: 's' in maps */
#define PROCREC_VMA_LOCKED		(1U << 1) /* mlocked (VM_LOCKED) */
#define PROCREC_VMA_HUGETLB		(1U << 2) /* hugetlbfs mapping */
#define PROCREC_VMA_SPECIAL		(1U << 3) /* name is a [bracketed] special name */

/*
 * struct process_info - the header, at offset 0 of @out_buf
 * @size: sizeof this struct as written by the kernel
 * @first_procrec_offset: offset of the first struct procrec, 0 if none
 * @nr_procrecs: number of records in the chain
 * @flags: PROCESS_INFO_TRUNCATED
 * @mask: the facts requested (and, where they apply, filled)
 * @supported_mask: every PROCESS_INFO_* bit this kernel knows
 * @mem_total_kb ... @swap_free_kb: what /proc/meminfo shows (MEMINFO)
 */
struct process_info {
	__u32 size;
	__u32 first_procrec_offset;
	__u32 nr_procrecs;
	__u32 flags;
	__u64 mask;
	__u64 supported_mask;
	__u64 mem_total_kb;
	__u64 mem_free_kb;
	__u64 mem_available_kb;
	__u64 buffers_kb;
	__u64 cached_kb;
	__u64 swap_total_kb;
	__u64 swap_free_kb;
};

#define PROCESS_INFO_SIZE_VER0		88

/*
 * struct procrec - the facts about one process or thread
 * @size: sizeof this struct as written by the kernel
 * @next_procrec_offset: offset of the next record, 0 for the last
 * @mask: facts filled in this record
 * @status: PROCREC_* bits
 * @input_index: index into @proc this record answers, -1 under ALL
 * @tid, @tgid, @ppid: ids in the caller's pid namespace (IDS); ppid is 0
 *	when the parent is not visible there
 * @oom_score_adj: as /proc/PID/oom_score_adj (OOM_SCORE_ADJ)
 * @uid_real ... @gid_fs: as the Uid:/Gid: lines of /proc/PID/status (CREDS)
 * @prio, @nice: fields 18 and 19 of /proc/PID/stat; @policy: SCHED_* (PRIO)
 * @comm_offset: offset of the NUL-terminated name /proc/PID/comm shows (COMM)
 * @state: one letter of /proc/PID/stat: R S D T t X Z P I (STATUS)
 * @nr_vmas, @first_vma_offset: the struct procrec_vma chain (MEMORY_MAP)
 * @rss_anon_kb ... @swap_kb: RssAnon, RssFile, RssShmem, VmSize, VmSwap of
 *	/proc/PID/status (VM_COUNTERS)
 * @utime_ns, @stime_ns: user and system CPU time, as fields 14 and 15 of
 *	/proc/PID/stat but in nanoseconds; @start_time_ns: start time after
 *	boot, as field 22; @min_flt, @maj_flt: fields 10 and 12; @nr_threads:
 *	field 20.  Thread-group totals in a process's record, the thread's own
 *	(as /proc/PID/task/TID/stat) under THREADS (CPU_TIMES)
 * @pgid, @sid, @tty_nr, @tpgid: fields 5 to 8 of /proc/PID/stat (SESSION)
 * @cmdline_offset, @cmdline_size: the @cmdline_size bytes /proc/PID/cmdline
 *	returns (NUL-separated arguments), followed in the buffer by a NUL not
 *	counted in @cmdline_size (CMDLINE)
 * @rollup_offset: offset of the struct procrec_rollup (MEMORY_ROLLUP)
 * @vm_seq: changes whenever the memory map may have changed (VM_SEQ): the
 *	low 32 bits count the mm's write-lock sections modulo 2^32, the high 32
 *	bits its exec count, so two values from one exec compare equal only if
 *	no change, or a multiple of 2^31 changes, separates them
 */
struct procrec {
	__u32 size;
	__u32 next_procrec_offset;
	__u64 mask;
	__u32 status;
	__s32 input_index;
	__s32 tid;
	__s32 tgid;
	__s32 ppid;
	__s32 oom_score_adj;
	__u32 uid_real;
	__u32 uid_effective;
	__u32 uid_saved;
	__u32 uid_fs;
	__u32 gid_real;
	__u32 gid_effective;
	__u32 gid_saved;
	__u32 gid_fs;
	__s32 prio;
	__s32 nice;
	__u32 policy;
	__u32 comm_offset;
	__u8 state;
	__u8 __reserved0[3];
	__u32 nr_vmas;
	__u32 first_vma_offset;
	__u32 __reserved1;
	__u64 rss_anon_kb;
	__u64 rss_file_kb;
	__u64 rss_shmem_kb;
	__u64 vm_size_kb;
	__u64 swap_kb;
	__u64 vm_seq;
	/* PROCREC_SIZE_VER0 */
	__u64 utime_ns;
	__u64 stime_ns;
	__u64 start_time_ns;
	__u64 min_flt;
	__u64 maj_flt;
	__u32 nr_threads;
	__s32 pgid;
	__s32 sid;
	__u32 tty_nr;
	__s32 tpgid;
	__u32 cmdline_offset;
	__u32 cmdline_size;
	__u32 rollup_offset;
	/* PROCREC_SIZE_VER1 */
};

#define PROCREC_SIZE_VER0		152
#define PROCREC_SIZE_VER1		224	/* CPU_TIMES ... MEMORY_ROLLUP */

/*
 * struct procrec_vma - one VMA, in address order (MEMORY_MAP)
 * @size: sizeof this struct as written by the kernel
 * @next_procrec_vma_offset: offset of the next VMA of this record, 0 for the last
 * @start, @end: the address range, as /proc/PID/maps
 * @file_offset: offset into the file in bytes (0 for anonymous memory)
 * @inode, @dev_major, @dev_minor: the mapped file (0 for anonymous memory)
 * @prot: PROT_READ, PROT_WRITE, PROT_EXEC
 * @flags: PROCREC_VMA_* bits
 * @backing_file_name_offset: offset of the name /proc/PID/maps prints,
 *	unescaped: a path (with " (deleted)" if unlinked), or a special name such
 *	as [heap], [stack], [vdso], [anon:NAME]; 0 when maps prints none.  A
 *	path may be longer than PATH_MAX (maps prints it whole; so does this)
 */
struct procrec_vma {
	__u32 size;
	__u32 next_procrec_vma_offset;
	__u64 start;
	__u64 end;
	__u64 file_offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 prot;
	__u32 flags;
	__u32 backing_file_name_offset;
	__u32 __reserved0;
};

#define PROCREC_VMA_SIZE_VER0		64

/*
 * struct procrec_rollup - what /proc/PID/smaps_rollup shows (MEMORY_ROLLUP)
 * @size: sizeof this struct as written by the kernel
 * @rss_kb ... @locked_kb: Rss, Pss, Pss_Dirty, Pss_Anon, Pss_File,
 *	Pss_Shmem, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty,
 *	Referenced, Anonymous, Swap, SwapPss and Locked, in kB
 */
struct procrec_rollup {
	__u32 size;
	__u32 __reserved0;
	__u64 rss_kb;
	__u64 pss_kb;
	__u64 pss_dirty_kb;
	__u64 pss_anon_kb;
	__u64 pss_file_kb;
	__u64 pss_shmem_kb;
	__u64 shared_clean_kb;
	__u64 shared_dirty_kb;
	__u64 private_clean_kb;
	__u64 private_dirty_kb;
	__u64 referenced_kb;
	__u64 anonymous_kb;
	__u64 swap_kb;
	__u64 swap_pss_kb;
	__u64 locked_kb;
};

#define PROCREC_ROLLUP_SIZE_VER0	128

#endif /* _UAPI_LINUX_PROCESS_GETINFO_H */
