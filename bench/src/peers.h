/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What process_getinfo(2) is measured against besides procfs (issue 13):
 *
 *   floor_taskpass   the bench-only module bench/floor: visit every process
 *                    and store its ids in a kernel array (the task pass's
 *                    floor), one ioctl on /proc/pgi_floor
 *   floor_copyout    the same module: copy_to_user() of the bytes pgi_ids
 *                    returns (the copy-out's floor)
 *   bpf_*            read the pinned BPF task iterator (bench/bpf) that
 *                    writes the same fact set as the pgi_* method of the same
 *                    suffix, and parse its binary records
 *   bpf_vmas         read the pinned BPF task_vma iterator: every VMA of
 *                    every process with its name
 *
 * Each method is used only where it exists: the floors where the module
 * loaded, the BPF ones on the bench's BPF kernel (bench/run.sh's second
 * boot), where pgibpf pinned them under /sys/fs/bpf.
 */
#ifndef PGI_BENCH_PEERS_H
#define PGI_BENCH_PEERS_H

#include "methods.h"

#include <linux/types.h>

#include "../bpf/pgi_iter.h"
#include "../floor/pgi_floor.h"

#define FLOOR_PATH	"/proc/pgi_floor"
#define BPF_PIN_DIR	"/sys/fs/bpf"

static int floor_fd = -1;

static int floor_available(void)
{
	if (floor_fd < 0)
		floor_fd = open(FLOOR_PATH, O_RDONLY | O_CLOEXEC);
	return floor_fd >= 0;
}

static long m_floor_taskpass(struct ctx *c)
{
	struct pgi_floor_arg a = { 0 };

	if (SC(ioctl(floor_fd, PGI_FLOOR_TASKPASS, &a)))
		die("PGI_FLOOR_TASKPASS");
	c->bytes = 0;
	return (long)a.count;
}

/* Copies c->floor_bytes (set by the caller from a pgi_ids snapshot). */
static long m_floor_copyout(struct ctx *c)
{
	struct pgi_floor_arg a = { 0 };

	if (c->pgicap < c->floor_bytes) {
		free(c->pgibuf);
		c->pgicap = c->floor_bytes;
		c->pgibuf = xmalloc(c->pgicap);
	}
	a.buf = (__u64)(uintptr_t)c->pgibuf;
	a.len = c->floor_bytes;
	if (SC(ioctl(floor_fd, PGI_FLOOR_COPYOUT, &a)))
		die("PGI_FLOOR_COPYOUT %zu bytes", c->floor_bytes);
	c->bytes = c->floor_bytes;
	return c->floor_records;
}

/* The size and record count floor_copyout copies: one pgi_ids snapshot's. */
static void floor_prepare(struct ctx *c)
{
	int all = c->all;

	c->all = 1;
	c->floor_records = m_pgi_ids(c);
	c->floor_bytes = c->bytes;
	c->all = all;
}

static int bpf_available(void)
{
	return access(BPF_PIN_DIR "/pgi_all", R_OK) == 0;
}

/* One snapshot: read the pinned iterator @name to its end into the arena. */
static size_t bpf_read(struct ctx *c, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), BPF_PIN_DIR "/%s", name);
	fd = SC(open(path, O_RDONLY | O_CLOEXEC));
	if (fd < 0)
		die("open %s", path);
	c->arena_len = 0;
	for (;;) {
		ssize_t r;

		arena_reserve(c, 256 * 1024);
		r = SC(read(fd, c->arena + c->arena_len, c->arena_cap - c->arena_len));
		if (r < 0)
			die("read %s", path);
		if (!r)
			break;
		c->arena_len += (size_t)r;
	}
	SC(close(fd));
	c->bytes = c->arena_len;
	return c->arena_len;
}

/* /proc/PID/stat's state letter (task_state_index()) from the raw fields. */
static char bpf_state(__u32 state, __u32 exit_state)
{
	static const char letters[] = "RSDTtXZPI";
	__u32 s = (state | exit_state) & 0x7f;	/* TASK_REPORT */
	int i = 0;

	if (state == 0x402)			/* TASK_IDLE */
		return 'I';
	while (s) {
		i++;
		s >>= 1;
	}
	return letters[i];
}

#define TAKE(bit, blk)							\
	do {								\
		if (ids.mask & (bit)) {					\
			if (p + sizeof(blk) > end)			\
				die("bpf record %ld truncated", rec);	\
			memcpy(&(blk), p, sizeof(blk));			\
			p += sizeof(blk);				\
		}							\
	} while (0)

static long m_bpf_task(struct ctx *c, const char *name)
{
	const char *p, *end;
	long rec = 0;

	bpf_read(c, name);	/* may move the arena */
	p = c->arena;
	end = c->arena + c->arena_len;
	while (p < end) {
		const char *next;
		struct pgi_bpf_ids ids;
		struct pgi_bpf_status st = { 0 };
		struct pgi_bpf_creds cr = { 0 };
		struct pgi_bpf_prio pr = { 0 };
		struct pgi_bpf_oom oom = { 0 };
		struct pgi_bpf_comm cm = { 0 };
		struct pgi_bpf_vm vm = { 0 };
		struct pfacts *f;

		if ((size_t)(end - p) < sizeof(ids))
			die("bpf record %ld truncated", rec);
		memcpy(&ids, p, sizeof(ids));
		next = p + ids.len;
		if (ids.len < sizeof(ids) || next > end)
			die("bpf record %ld: length %u", rec, ids.len);
		p += sizeof(ids);
		TAKE(PGI_BPF_STATUS, st);
		TAKE(PGI_BPF_CREDS, cr);
		TAKE(PGI_BPF_PRIO, pr);
		TAKE(PGI_BPF_OOM, oom);
		TAKE(PGI_BPF_COMM, cm);
		TAKE(PGI_BPF_VM, vm);
		f = facts_at(c, (size_t)rec++);
		f->pid = ids.pid;
		f->tgid = ids.tgid;
		f->ppid = ids.ppid;
		f->state = bpf_state(st.state, st.exit_state);
		memcpy(f->uid, cr.uid, sizeof(f->uid));
		memcpy(f->gid, cr.gid, sizeof(f->gid));
		f->prio = pr.prio;
		f->nice = pr.nice;
		f->policy = pr.policy;
		f->oom = oom.oom_score_adj;
		memcpy(f->comm, cm.comm, sizeof(cm.comm));
		f->comm[sizeof(cm.comm)] = '\0';
		/* pages to kB; /proc/PID/status clamps the counters at 0 */
		f->vm_kb[0] = vm.anon > 0 ? (unsigned long long)vm.anon * 4 : 0;
		f->vm_kb[1] = vm.file > 0 ? (unsigned long long)vm.file * 4 : 0;
		f->vm_kb[2] = vm.shmem > 0 ? (unsigned long long)vm.shmem * 4 : 0;
		f->vm_kb[3] = vm.total_vm * 4;
		f->vm_kb[4] = vm.swap > 0 ? (unsigned long long)vm.swap * 4 : 0;
		p = next;
	}
	return rec;
}

#define BPF_TASK_METHOD(fn, name)		\
	static long fn(struct ctx *c)		\
	{					\
		return m_bpf_task(c, name);	\
	}

BPF_TASK_METHOD(m_bpf_all, "pgi_all")
BPF_TASK_METHOD(m_bpf_no_vm, "pgi_no_vm")
BPF_TASK_METHOD(m_bpf_ids, "pgi_ids")
BPF_TASK_METHOD(m_bpf_ids_status, "pgi_ids_status")
BPF_TASK_METHOD(m_bpf_ids_oom, "pgi_ids_oom")
BPF_TASK_METHOD(m_bpf_ids_creds, "pgi_ids_creds")
BPF_TASK_METHOD(m_bpf_ids_prio, "pgi_ids_prio")
BPF_TASK_METHOD(m_bpf_ids_comm, "pgi_ids_comm")
BPF_TASK_METHOD(m_bpf_ids_vm, "pgi_ids_vm")

/*
 * Every VMA of every process.  The iterator has no pid filter once pinned,
 * so for one process (pop_only) the others' VMAs are read and skipped: the
 * guest's few dozen small processes, well under 1% of the big map.
 */
static long m_bpf_vmas(struct ctx *c)
{
	const char *p, *end;
	size_t nv = 0;
	long rec = 0;
	int last = 0;

	bpf_read(c, "pgi_vmas");
	p = c->arena;
	end = c->arena + c->arena_len;
	while (p < end) {
		struct pgi_bpf_vma h;
		struct vmarec *v;

		if ((size_t)(end - p) < sizeof(h))
			die("bpf vma record %zu truncated", nv);
		memcpy(&h, p, sizeof(h));
		if (h.len < sizeof(h) || p + h.len > end || h.name_len > h.len - sizeof(h))
			die("bpf vma record %zu: length %u", nv, h.len);
		if (h.pid != last) {
			last = h.pid;
			rec++;
		}
		if (!c->all && (c->npids != 1 || h.pid != c->pids[0])) {
			p += h.len;
			continue;
		}
		v = vma_at(c, nv++);
		v->start = h.start;
		v->end = h.end;
		v->off = h.pgoff << 12;
		v->inode = h.ino;
		v->major = h.dev >> 20;
		v->minor = h.dev & 0xfffff;
		v->prot = (unsigned int)(h.flags & 7);	/* VM_READ|VM_WRITE|VM_EXEC */
		v->shared = !!(h.flags & 8);		/* VM_SHARED */
		v->name = h.name_len > 1 ? (unsigned int)(p + sizeof(h) - c->arena) : 0;
		v->pid = h.pid;
		p += h.len;
	}
	c->nvmas = (long)nv;
	c->names = c->arena;
	return c->all ? rec : 1;
}

#endif /* PGI_BENCH_PEERS_H */
