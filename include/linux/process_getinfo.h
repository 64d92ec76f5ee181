/* SPDX-License-Identifier: GPL-2.0 */
/*
 * process_getinfo(2) in-kernel interface: the hook an implementing module
 * registers, and the kernel internals exported to that module alone.
 */
#ifndef _LINUX_PROCESS_GETINFO_H
#define _LINUX_PROCESS_GETINFO_H

#include <linux/types.h>
#include <uapi/linux/process_getinfo.h>

struct mm_struct;
struct module;
struct path;
struct pid_namespace;
struct task_struct;
struct vm_area_struct;

/**
 * struct process_getinfo_ops - an implementation of process_getinfo(2)
 * @owner: the module providing @getinfo; pinned for the length of each call
 * @getinfo: the system call's body, with the system call's arguments and
 *	@compat: whether the caller is a 32-bit process on a 64-bit kernel,
 *	whose *@inout_sz is a 32-bit size_t; returns 0 or a negative errno
 */
struct process_getinfo_ops {
	struct module *owner;
	long (*getinfo)(int nr_proc, const int __user *proc, int flags,
			u64 mask, void __user *out_buf, void __user *inout_sz,
			bool compat);
};

int process_getinfo_register(const struct process_getinfo_ops *ops);
void process_getinfo_unregister(const struct process_getinfo_ops *ops);

/**
 * struct process_getinfo_meminfo - the /proc/meminfo values of the header
 */
struct process_getinfo_meminfo {
	u64 mem_total_kb;
	u64 mem_free_kb;
	u64 mem_available_kb;
	u64 buffers_kb;
	u64 cached_kb;
	u64 swap_total_kb;
	u64 swap_free_kb;
};

/**
 * struct process_getinfo_ids - a task's ids in a pid namespace
 * @tid: its thread id
 * @tgid: its thread group id
 * @ppid: its parent's thread group id
 */
struct process_getinfo_ids {
	pid_t tid;
	pid_t tgid;
	pid_t ppid;
};

/**
 * struct process_getinfo_vm_counters - the counters of /proc/PID/status
 * @rss_anon: RssAnon, in pages
 * @rss_file: RssFile, in pages
 * @rss_shmem: RssShmem, in pages
 * @total_vm: VmSize, in pages
 * @swap: VmSwap, in pages
 */
struct process_getinfo_vm_counters {
	u64 rss_anon;
	u64 rss_file;
	u64 rss_shmem;
	u64 total_vm;
	u64 swap;
};

/**
 * struct process_getinfo_times - the times and counts of /proc/PID/stat
 * @utime_ns: user CPU time
 * @stime_ns: system CPU time
 * @start_time_ns: start time after boot
 * @min_flt: minor faults
 * @maj_flt: major faults
 * @nr_threads: threads in the task's thread group
 */
struct process_getinfo_times {
	u64 utime_ns;
	u64 stime_ns;
	u64 start_time_ns;
	u64 min_flt;
	u64 maj_flt;
	u32 nr_threads;
};

/**
 * struct process_getinfo_session - the session fields of /proc/PID/stat
 * @pgid: process group id
 * @sid: session id
 * @tpgid: foreground process group of the controlling terminal
 * @tty_nr: the controlling terminal, as new_encode_dev() encodes it
 */
struct process_getinfo_session {
	pid_t pgid;
	pid_t sid;
	pid_t tpgid;
	u32 tty_nr;
};

/* Length of the buffer process_getinfo_task_comm() fills. */
#define PROCESS_GETINFO_COMM_LEN	64

void process_getinfo_tasklist_read_lock(void);
void process_getinfo_tasklist_read_unlock(void);
void process_getinfo_meminfo(struct process_getinfo_meminfo *mi);
void process_getinfo_task_comm(struct task_struct *task, char *buf);
void process_getinfo_task_ids(struct task_struct *task,
			      struct pid_namespace *ns,
			      struct process_getinfo_ids *ids);
bool process_getinfo_task_vm_counters(struct task_struct *task,
				      struct process_getinfo_vm_counters *vm);
u64 process_getinfo_vm_seq(struct task_struct *task, struct mm_struct *mm);
void process_getinfo_task_times(struct task_struct *task, bool whole,
				struct process_getinfo_times *t);
void process_getinfo_task_session(struct task_struct *task,
				  struct pid_namespace *ns,
				  struct process_getinfo_session *s);
const char *process_getinfo_vma_name(struct vm_area_struct *vma, char *buf,
				     size_t size);
const struct path *process_getinfo_vma_path(struct vm_area_struct *vma);
ssize_t process_getinfo_mm_cmdline(struct mm_struct *mm, char *buf,
				   size_t count, loff_t pos);
int process_getinfo_mm_rollup(struct task_struct *task, struct mm_struct *mm,
			      struct procrec_rollup *r);

#endif /* _LINUX_PROCESS_GETINFO_H */
