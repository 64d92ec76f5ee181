/* SPDX-License-Identifier: GPL-2.0 */
/*
 * process_getinfo(2) in-kernel interface: the hook an implementing module
 * registers, and the kernel internals exported to that module alone.
 */
#ifndef _LINUX_PROCESS_GETINFO_H
#define _LINUX_PROCESS_GETINFO_H

#include <linux/types.h>
#include <uapi/linux/process_getinfo.h>

struct module;
struct mm_struct;
struct path;
struct pid;
struct pid_namespace;
struct task_struct;
struct vm_area_struct;

/**
 * struct process_getinfo_ops - an implementation of process_getinfo(2)
 * @owner: the module providing @getinfo; pinned for the length of each call
 * @getinfo: the system call's body, with the system call's arguments;
 *	returns 0 or a negative errno
 */
struct process_getinfo_ops {
	struct module *owner;
	long (*getinfo)(int nr_proc, const int __user *proc, int flags,
			u64 mask, void __user *out_buf,
			size_t __user *inout_sz);
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

/* Length of the buffer process_getinfo_task_comm() fills. */
#define PROCESS_GETINFO_COMM_LEN	64

void process_getinfo_tasklist_read_lock(void);
void process_getinfo_tasklist_read_unlock(void);
void process_getinfo_meminfo(struct process_getinfo_meminfo *mi);
struct mm_struct *process_getinfo_mm_access(struct task_struct *task,
					    bool audit);
struct pid *process_getinfo_pidfd_get_pid(unsigned int fd);
void process_getinfo_task_comm(struct task_struct *task, char *buf);
int process_getinfo_task_prio(const struct task_struct *task);
void process_getinfo_task_ids(struct task_struct *task,
			      struct pid_namespace *ns, pid_t *ids);
bool process_getinfo_task_vm_counters(struct task_struct *task, u64 *pages);
u64 process_getinfo_vm_seq(struct task_struct *task, struct mm_struct *mm);
struct vm_area_struct *process_getinfo_gate_vma(struct mm_struct *mm);
const char *process_getinfo_vma_name(struct vm_area_struct *vma, char *buf,
				     size_t size);
const struct path *process_getinfo_vma_path(struct vm_area_struct *vma);

#endif /* _LINUX_PROCESS_GETINFO_H */
