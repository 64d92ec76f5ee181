// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF task and task_vma iterators, process_getinfo(2)'s peer in the
 * benchmark (issue 13).  One iter/task program per fact set pgibench times
 * (the set is a constant, so each program does only its own work), and one
 * iter/task_vma program that writes every VMA with its name.  pgibpf pins
 * them under /sys/fs/bpf; a read of the pinned file runs the program over
 * every task.  Reading them needs CAP_BPF and CAP_PERFMON (root here);
 * process_getinfo(2) needs no privilege.
 *
 * The iterators visit every thread: a record is written for thread-group
 * leaders only, one per process as process_getinfo(2) and /proc/PID give.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "pgi_iter.h"

char LICENSE[] SEC("license") = "GPL";

#define ALL (PGI_BPF_STATUS | PGI_BPF_CREDS | PGI_BPF_PRIO | PGI_BPF_OOM | PGI_BPF_COMM | \
	     PGI_BPF_VM)

struct task_buf {
	struct pgi_bpf_ids ids;
	struct pgi_bpf_status status;
	struct pgi_bpf_creds creds;
	struct pgi_bpf_prio prio;
	struct pgi_bpf_oom oom;
	struct pgi_bpf_comm comm;
	struct pgi_bpf_vm vm;
};

/* The record's size for @mask: the ids, then each fact's block. */
#define REC_LEN(mask)							\
	(sizeof(struct pgi_bpf_ids) +					\
	 ((mask) & PGI_BPF_STATUS ? sizeof(struct pgi_bpf_status) : 0) +	\
	 ((mask) & PGI_BPF_CREDS ? sizeof(struct pgi_bpf_creds) : 0) +	\
	 ((mask) & PGI_BPF_PRIO ? sizeof(struct pgi_bpf_prio) : 0) +	\
	 ((mask) & PGI_BPF_OOM ? sizeof(struct pgi_bpf_oom) : 0) +	\
	 ((mask) & PGI_BPF_COMM ? sizeof(struct pgi_bpf_comm) : 0) +	\
	 ((mask) & PGI_BPF_VM ? sizeof(struct pgi_bpf_vm) : 0))

/* Appends block @b to the record at @off when @bit is in @mask. */
#define PUT(bit, b)							\
	do {								\
		if (mask & (bit)) {					\
			__builtin_memcpy(out + off, &(b), sizeof(b));	\
			off += sizeof(b);				\
		}							\
	} while (0)

static __always_inline int emit_task(struct bpf_iter__task *ctx, const __u32 mask)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	struct task_buf b = {};
	char out[sizeof(struct task_buf)] __attribute__((aligned(8)));
	__u32 off;

	if (!t || t->pid != t->tgid)
		return 0;
	b.ids.len = REC_LEN(mask);
	b.ids.mask = mask;
	b.ids.pid = t->pid;
	b.ids.tgid = t->tgid;
	b.ids.ppid = t->real_parent->tgid;
	if (mask & PGI_BPF_STATUS) {
		b.status.state = t->__state;
		b.status.exit_state = t->exit_state;
	}
	if (mask & PGI_BPF_CREDS) {
		const struct cred *c = t->real_cred;

		b.creds.uid[0] = c->uid.val;
		b.creds.uid[1] = c->euid.val;
		b.creds.uid[2] = c->suid.val;
		b.creds.uid[3] = c->fsuid.val;
		b.creds.gid[0] = c->gid.val;
		b.creds.gid[1] = c->egid.val;
		b.creds.gid[2] = c->sgid.val;
		b.creds.gid[3] = c->fsgid.val;
	}
	if (mask & PGI_BPF_PRIO) {
		b.prio.prio = t->prio - 100;		/* MAX_RT_PRIO */
		b.prio.nice = t->static_prio - 120;	/* DEFAULT_PRIO */
		b.prio.policy = t->policy;
	}
	if (mask & PGI_BPF_OOM)
		b.oom.oom_score_adj = t->signal->oom_score_adj;
	if (mask & PGI_BPF_COMM)
		bpf_probe_read_kernel(b.comm.comm, sizeof(b.comm.comm), t->comm);
	if (mask & PGI_BPF_VM) {
		struct mm_struct *mm = t->mm;

		if (mm) {
			b.vm.file = mm->rss_stat[MM_FILEPAGES].count;
			b.vm.anon = mm->rss_stat[MM_ANONPAGES].count;
			b.vm.swap = mm->rss_stat[MM_SWAPENTS].count;
			b.vm.shmem = mm->rss_stat[MM_SHMEMPAGES].count;
			b.vm.total_vm = mm->total_vm;
		}
	}
	if (mask == 0) {	/* IDS alone: no copy */
		bpf_seq_write(seq, &b.ids, sizeof(b.ids));
		return 0;
	}
	__builtin_memcpy(out, &b.ids, sizeof(b.ids));
	off = sizeof(b.ids);
	PUT(PGI_BPF_STATUS, b.status);
	PUT(PGI_BPF_CREDS, b.creds);
	PUT(PGI_BPF_PRIO, b.prio);
	PUT(PGI_BPF_OOM, b.oom);
	PUT(PGI_BPF_COMM, b.comm);
	PUT(PGI_BPF_VM, b.vm);
	bpf_seq_write(seq, out, REC_LEN(mask));
	return 0;
}

#define TASK_PROG(name, mask)						\
	SEC("iter/task") int name(struct bpf_iter__task *ctx)		\
	{								\
		return emit_task(ctx, mask);				\
	}

TASK_PROG(pgi_ids, 0)
TASK_PROG(pgi_ids_status, PGI_BPF_STATUS)
TASK_PROG(pgi_ids_oom, PGI_BPF_OOM)
TASK_PROG(pgi_ids_creds, PGI_BPF_CREDS)
TASK_PROG(pgi_ids_prio, PGI_BPF_PRIO)
TASK_PROG(pgi_ids_comm, PGI_BPF_COMM)
TASK_PROG(pgi_ids_vm, PGI_BPF_VM)
TASK_PROG(pgi_no_vm, ALL & ~PGI_BPF_VM)
TASK_PROG(pgi_all, ALL)

struct vma_buf {
	struct pgi_bpf_vma h;
	char name[PGI_BPF_NAME_MAX];
};

/* The per-CPU scratch record: larger than the 512-byte BPF stack allows. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vma_buf);
} vma_scratch SEC(".maps");

/* "[anon:NAME]" in @r->name; returns the length with the NUL, 0 if none. */
static __always_inline long anon_name(struct vma_buf *r, struct anon_vma_name *an)
{
	long n;

	__builtin_memcpy(r->name, "[anon:", 6);
	n = bpf_probe_read_kernel_str(r->name + 6, PGI_BPF_NAME_MAX - 8, an->name);
	if (n <= 0)
		return 0;
	n += 6;		/* the NUL's place takes the ']' */
	if (n > PGI_BPF_NAME_MAX - 2)
		return 0;
	r->name[(n - 1) & (PGI_BPF_NAME_MAX - 1)] = ']';
	r->name[n & (PGI_BPF_NAME_MAX - 1)] = '\0';
	return n + 1;
}

/* The names /proc/PID/maps gives a VMA with no file (get_vma_name()). */
static __always_inline long other_name(struct vma_buf *r, struct vm_area_struct *v)
{
	struct mm_struct *mm = v->vm_mm;

	if (v->vm_ops && v->vm_private_data) {
		/*
		 * A special mapping ([vdso], [vvar], ...): vm_ops->name's answer.
		 * (Only those have both without a file in the bench guest; a
		 * driver's VMA with private data would be misnamed.)
		 */
		struct vm_special_mapping *sm = v->vm_private_data;

		return bpf_probe_read_kernel_str(r->name, PGI_BPF_NAME_MAX, sm->name);
	}
	if (v->vm_start <= mm->brk && v->vm_end >= mm->start_brk) {
		__builtin_memcpy(r->name, "[heap]", 7);
		return 7;
	}
	if (v->vm_start <= mm->start_stack && v->vm_end >= mm->start_stack) {
		__builtin_memcpy(r->name, "[stack]", 8);
		return 8;
	}
	if (v->anon_name)
		return anon_name(r, v->anon_name);
	return 0;
}

SEC("iter/task_vma") int pgi_vmas(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct vm_area_struct *v = ctx->vma;
	struct task_struct *t = ctx->task;
	struct file *f;
	struct vma_buf *r;
	__u32 zero = 0, len;
	long n;

	if (!t || !v || t->pid != t->tgid)
		return 0;
	r = bpf_map_lookup_elem(&vma_scratch, &zero);
	if (!r)
		return 0;
	r->h.pid = t->tgid;
	r->h.start = v->vm_start;
	r->h.end = v->vm_end;
	r->h.flags = v->vm_flags;
	f = v->vm_file;
	if (f) {
		struct inode *ino = f->f_inode;

		r->h.pgoff = v->vm_pgoff;
		r->h.ino = ino->i_ino;
		r->h.dev = ino->i_sb->s_dev;
		/* bpf_d_path() takes a non-const path; it only reads it. */
		n = bpf_d_path((struct path *)&f->f_path, r->name, PGI_BPF_NAME_MAX);
	} else {
		r->h.pgoff = 0;
		r->h.ino = 0;
		r->h.dev = 0;
		n = other_name(r, v);
	}
	if (n < 0 || n > PGI_BPF_NAME_MAX)
		n = 0;
	r->h.name_len = n;
	len = (sizeof(r->h) + n + 7) & ~7u;
	if (len > sizeof(*r))
		len = sizeof(*r);
	r->h.len = len;
	bpf_seq_write(seq, r, len);
	return 0;
}
