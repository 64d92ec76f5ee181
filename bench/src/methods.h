/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The methods under comparison.  Each takes one snapshot of the same facts
 * into the same arrays (struct pfacts, struct vmarec), so that parsing is
 * part of every method's cost, and counts its system calls with SC().
 *
 * Process facts (ids, state, uids/gids, VM counters, oom_score_adj, prio,
 * nice, policy, comm):
 *   procfs_status_oom_stat  /proc/PID/{status,oom_score_adj,stat}, parsed
 *   procfs_status_oom       /proc/PID/{status,oom_score_adj} (the anchors'
 *                           sweep; no prio/nice/policy)
 *   procfs_open_close       open+close /proc/PID/stat: the floor of procfs
 *   pidfd_get_info          pidfd_open + PIDFD_GET_INFO + close (ids and
 *                           creds only: all that ioctl knows)
 *   pidfd_get_info_held     PIDFD_GET_INFO on pidfds opened beforehand
 *   pgi_*                   one process_getinfo(2) call
 * Memory maps:
 *   maps_text               read and parse /proc/PID/maps
 *   procmap_query           PROCMAP_QUERY ioctl per VMA on /proc/PID/maps
 *   pgi_maps                process_getinfo(2) with MEMORY_MAP
 * The scanners' sweeps (issue 11):
 *   procfs_smaps_rollup     /proc/PID/smaps_rollup, all 15 counters parsed
 *   pgi_rollup              IDS|MEMORY_ROLLUP
 *   procfs_psaux            /proc/PID/{stat,status,cmdline}: what ps aux reads
 *   pgi_psaux               the same facts in one call
 *   procfs_collector        /proc/PID/{status,oom_score_adj,cmdline} and
 *                           /proc/PID/task/TID/comm (a trace collector's poll)
 *   pgi_collector           one ALL|THREADS call with every fact
 *   pgi_collector_2calls    ALL with the process facts, ALL|THREADS with comm
 *
 * Reading procfs the way the fastest careful tools do: openat() relative
 * to one /proc directory fd, one read() into a 4 KiB buffer for the
 * single-record files (status, stat and oom_score_adj are produced whole,
 * so a short read is the end, as procps' file2str() assumes), read() until
 * 0 for maps (seq_file hands maps out a page at a time).
 */
#ifndef PGI_BENCH_METHODS_H
#define PGI_BENCH_METHODS_H

#include "common.h"
#include "kuapi.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <linux/process_getinfo.h>

#define PGI_FACTS	(PROCESS_INFO_IDS | PROCESS_INFO_STATUS |	\
			 PROCESS_INFO_CREDS | PROCESS_INFO_PRIO |	\
			 PROCESS_INFO_OOM_SCORE_ADJ | PROCESS_INFO_COMM | \
			 PROCESS_INFO_VM_COUNTERS)

/* The sweeps of issue 11. ps aux: MEMINFO for %MEM's MemTotal. */
#define PGI_PSAUX_FACTS	(PROCESS_INFO_IDS | PROCESS_INFO_STATUS |	\
			 PROCESS_INFO_CREDS | PROCESS_INFO_PRIO |	\
			 PROCESS_INFO_COMM | PROCESS_INFO_VM_COUNTERS |	\
			 PROCESS_INFO_CPU_TIMES | PROCESS_INFO_SESSION | \
			 PROCESS_INFO_CMDLINE | PROCESS_INFO_MEMINFO)
/* A trace collector: status + oom_score_adj + cmdline per process... */
#define PGI_COLLECTOR_FACTS (PROCESS_INFO_IDS | PROCESS_INFO_STATUS |	\
			     PROCESS_INFO_CREDS | PROCESS_INFO_OOM_SCORE_ADJ | \
			     PROCESS_INFO_COMM | PROCESS_INFO_VM_COUNTERS | \
			     PROCESS_INFO_CMDLINE)
/* ... and comm per thread. */
#define PGI_COLLECTOR_THREAD_FACTS (PROCESS_INFO_IDS | PROCESS_INFO_COMM)

/* The facts of one process, whichever method produced them. */
struct pfacts {
	int pid, tgid, ppid, oom, prio, nice;
	unsigned int policy;
	unsigned int uid[4], gid[4];
	unsigned long long vm_kb[5];	/* anon, file, shmem, size, swap */
	char state;
	char comm[23];
};

/* One VMA; @name is an offset into the method's name store, 0 for none. */
struct vmarec {
	unsigned long long start, end, off, inode;
	unsigned int major, minor, prot, shared;
	unsigned int name;
	int pid;
};

/* Longest comm kept (the call's COMM_LEN; workqueue workers' names are cut). */
#define COMM_MAX	64
/* The counters of smaps_rollup, in struct procrec_rollup's order. */
#define ROLLUP_NR	15

/* smaps_rollup of one process. */
struct rollrec {
	int pid;
	int has;			/* 0: none (a kernel thread, or gone) */
	unsigned long long kb[ROLLUP_NR];
};

/* What ps aux shows of one process, as procps reads it. */
struct psrec {
	int pid, tgid, ppid, pgid, sid, tpgid, prio, nice;
	unsigned int tty_nr, nlwp;
	unsigned int uid[4], gid[4];
	unsigned long long utime, stime, start;	/* clock ticks, as in stat */
	unsigned long long min_flt, maj_flt;
	unsigned long long vsz_kb, rss_kb, lck_kb;
	int has_lck;			/* VmLck known (procfs only) */
	unsigned int cmd, cmd_len;	/* command line: c->cmds + cmd */
	char state;
	char comm[COMM_MAX];
};

/* A trace collector's process (status facts, oom_score_adj, cmdline)... */
struct colrec {
	struct pfacts f;
	unsigned int cmd, cmd_len;
};

/* ... and thread. */
struct thrrec {
	int tid, tgid;
	char comm[COMM_MAX];
};

struct ctx {
	/* What to look at: every process, or the @npids of @pids. */
	int all;
	int *pids;
	int npids;

	/* Per-snapshot scratch, kept across snapshots as a monitor would. */
	int *epids;
	size_t epids_cap;
	char *dents;
	size_t dents_sz;
	char rbuf[4096];
	struct pfacts *facts;
	size_t facts_cap;
	struct vmarec *vmas;
	size_t vmas_cap;
	char *arena;			/* maps text, PROCMAP_QUERY names */
	size_t arena_cap, arena_len;
	char *pgibuf;			/* process_getinfo(2) output */
	size_t pgicap;
	int *held_fds;			/* pidfd_get_info_held */
	int nheld;

	/* Results of the last snapshot. */
	long records;
	long nvmas;
	size_t bytes;			/* bytes read from procfs / produced */
	const char *names;		/* base of vmarec.name offsets */
	unsigned long e2big;		/* E2BIG retries, all snapshots */
	uint64_t call_ticks;		/* inside process_getinfo(2), last snapshot */

	/* The sweeps of issue 11: their records, kept like the others. */
	struct rollrec *rolls;
	size_t rolls_cap;
	struct psrec *ps;
	size_t ps_cap;
	struct colrec *cols;
	size_t cols_cap;
	struct thrrec *thrs;
	size_t thrs_cap;
	const char *cmds;		/* base of the cmd offsets */
	char *pgibuf2;			/* pgi_collector_2calls' second call */
	size_t pgicap2, bytes2;
	unsigned long long mem_total_kb;	/* ps aux's %MEM */
	long nthreads;			/* thread records, last snapshot */
	size_t dup_cmd_bytes;		/* command lines repeated in threads' records */
};

static void ctx_init(struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->all = 1;
	c->dents_sz = 64 * 1024;
	c->dents = xmalloc(c->dents_sz);
	c->pgicap = 64 * 1024;
	c->pgibuf = xmalloc(c->pgicap);
	c->arena_cap = 64 * 1024;
	c->arena = xmalloc(c->arena_cap);
}

static struct pfacts *facts_at(struct ctx *c, size_t i)
{
	if (i >= c->facts_cap) {
		size_t cap = c->facts_cap ? c->facts_cap * 2 : 1024;

		while (cap <= i)
			cap *= 2;
		c->facts = xrealloc(c->facts, cap * sizeof(*c->facts));
		c->facts_cap = cap;
	}
	return &c->facts[i];
}

static struct vmarec *vma_at(struct ctx *c, size_t i)
{
	if (i >= c->vmas_cap) {
		size_t cap = c->vmas_cap ? c->vmas_cap * 2 : 4096;

		while (cap <= i)
			cap *= 2;
		c->vmas = xrealloc(c->vmas, cap * sizeof(*c->vmas));
		c->vmas_cap = cap;
	}
	return &c->vmas[i];
}

static void arena_reserve(struct ctx *c, size_t more)
{
	if (c->arena_cap - c->arena_len < more) {
		while (c->arena_cap - c->arena_len < more)
			c->arena_cap *= 2;
		c->arena = xrealloc(c->arena, c->arena_cap);
	}
}

/* ---- enumeration ---- */

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * The targets of a snapshot: every /proc/[0-9]* entry (read now), or the
 * fixed list.  Returns a /proc directory fd for openat(); the caller closes.
 */
static int targets(struct ctx *c, int **pids, size_t *n)
{
	int fd = SC(open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	size_t cnt = 0;

	if (fd < 0)
		die("open /proc");
	if (!c->all) {
		*pids = c->pids;
		*n = c->npids;
		return fd;
	}
	for (;;) {
		long r = SC(syscall(SYS_getdents64, fd, c->dents, c->dents_sz));
		long off = 0;

		if (r < 0)
			die("getdents64 /proc");
		if (!r)
			break;
		while (off < r) {
			struct linux_dirent64 *d = (void *)(c->dents + off);
			const char *s = d->d_name;
			int v = 0;

			off += d->d_reclen;
			if (*s < '1' || *s > '9')
				continue;
			while (*s >= '0' && *s <= '9')
				v = v * 10 + (*s++ - '0');
			if (*s)
				continue;
			if (cnt == c->epids_cap) {
				c->epids_cap = c->epids_cap ? c->epids_cap * 2 : 4096;
				c->epids = xrealloc(c->epids, c->epids_cap * sizeof(int));
			}
			c->epids[cnt++] = v;
		}
	}
	*pids = c->epids;
	*n = cnt;
	return fd;
}

/* "PID/name" into @buf. */
static void pid_path(char *buf, int pid, const char *name)
{
	char tmp[16];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid);
	while (i)
		*buf++ = tmp[--i];
	*buf++ = '/';
	strcpy(buf, name);
}

/* One read of a whole single-record procfs file; -1 if it is gone. */
static long read_small(struct ctx *c, int dirfd, int pid, const char *name)
{
	char path[48];
	long n;
	int fd;

	pid_path(path, pid, name);
	fd = SC(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
	if (fd < 0)
		return -1;
	n = SC(read(fd, c->rbuf, sizeof(c->rbuf) - 1));
	SC(close(fd));
	if (n < 0)
		return -1;
	c->rbuf[n] = '\0';
	c->bytes += (size_t)n;
	return n;
}

/* ---- parsers ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *parse_ull(const char *p, unsigned long long *v)
{
	unsigned long long x = 0;

	p = skip_ws(p);
	while (*p >= '0' && *p <= '9')
		x = x * 10 + (unsigned long long)(*p++ - '0');
	*v = x;
	return p;
}

static const char *parse_int(const char *p, int *v)
{
	unsigned long long x;
	int neg;

	p = skip_ws(p);
	neg = *p == '-';
	p = parse_ull(p + neg, &x);
	*v = neg ? -(int)x : (int)x;
	return p;
}

static void parse_ids4(const char *p, unsigned int v[4])
{
	unsigned long long x;
	int i;

	for (i = 0; i < 4; i++) {
		p = parse_ull(p, &x);
		v[i] = (unsigned int)x;
	}
}

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(line, k, sizeof(k) - 1))

/* /proc/PID/status: ids, state, uids/gids, VM counters, and Name. */
static void parse_status(const char *buf, size_t n, struct pfacts *f)
{
	const char *line = buf, *end = buf + n;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *colon, *v;
		size_t klen;

		if (!nl)
			nl = end;
		colon = memchr(line, ':', (size_t)(nl - line));
		if (!colon)
			goto next;
		klen = (size_t)(colon - line);
		v = colon + 1;
		switch (klen) {
		case 3:
			if (KEY("Pid"))
				parse_int(v, &f->pid);
			else if (KEY("Uid"))
				parse_ids4(v, f->uid);
			else if (KEY("Gid"))
				parse_ids4(v, f->gid);
			break;
		case 4:
			if (KEY("Name")) {
				size_t l;

				v = skip_ws(v);
				l = (size_t)(nl - v);
				if (l >= sizeof(f->comm))
					l = sizeof(f->comm) - 1;
				memcpy(f->comm, v, l);
				f->comm[l] = '\0';
			} else if (KEY("Tgid")) {
				parse_int(v, &f->tgid);
			} else if (KEY("PPid")) {
				parse_int(v, &f->ppid);
			}
			break;
		case 5:
			if (KEY("State"))
				f->state = *skip_ws(v);
			break;
		case 6:
			if (KEY("VmSize"))
				parse_ull(v, &f->vm_kb[3]);
			else if (KEY("VmSwap"))
				parse_ull(v, &f->vm_kb[4]);
			break;
		case 7:
			if (KEY("RssAnon"))
				parse_ull(v, &f->vm_kb[0]);
			else if (KEY("RssFile"))
				parse_ull(v, &f->vm_kb[1]);
			break;
		case 8:
			if (KEY("RssShmem"))
				parse_ull(v, &f->vm_kb[2]);
			break;
		}
next:
		line = nl + 1;
	}
}

/* /proc/PID/stat: comm (field 2), prio (18), nice (19), policy (41). */
static void parse_stat(const char *buf, struct pfacts *f)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	unsigned long long x;
	const char *p;
	int field;
	size_t l;

	if (!open || !close || close < open)
		return;
	l = (size_t)(close - open - 1);
	if (l >= sizeof(f->comm))
		l = sizeof(f->comm) - 1;
	memcpy(f->comm, open + 1, l);
	f->comm[l] = '\0';
	p = close + 2;			/* field 3: state */
	for (field = 3; *p && field <= 41; field++) {
		if (field == 18) {
			p = parse_int(p, &f->prio);
		} else if (field == 19) {
			p = parse_int(p, &f->nice);
		} else if (field == 41) {
			parse_ull(p, &x);
			f->policy = (unsigned int)x;
		} else {
			while (*p && *p != ' ')
				p++;
		}
		while (*p == ' ')
			p++;
	}
}

static unsigned long long hex(const char **pp)
{
	const char *p = *pp;
	unsigned long long x = 0;

	for (;; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else
			break;
		x = x << 4 | d;
	}
	*pp = p;
	return x;
}

/*
 * One line of /proc/PID/maps, NUL-terminated in place:
 * "start-end perms offset major:minor inode   name".
 */
static void parse_maps_line(char *line, const char *base, struct vmarec *v)
{
	const char *p = line;
	unsigned long long x;

	v->start = hex(&p);
	p++;
	v->end = hex(&p);
	p++;
	v->prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) |
		  (p[2] == 'x' ? PROT_EXEC : 0);
	v->shared = p[3] == 's';
	p += 5;
	v->off = hex(&p);
	p++;
	v->major = (unsigned int)hex(&p);
	p++;
	v->minor = (unsigned int)hex(&p);
	p = parse_ull(p, &x);
	v->inode = x;
	p = skip_ws(p);
	v->name = *p ? (unsigned int)(p - base) : 0;
}

/* ---- process facts ---- */

/* @which: 2 = status + oom_score_adj + stat, 1 = status + oom_score_adj. */
static long m_procfs_status(struct ctx *c, int which)
{
	size_t n, i, rec = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	c->bytes = 0;
	for (i = 0; i < n; i++) {
		struct pfacts *f = facts_at(c, rec);
		long len;

		memset(f, 0, sizeof(*f));
		len = read_small(c, dirfd, pids[i], "status");
		if (len < 0)
			continue;
		parse_status(c->rbuf, (size_t)len, f);
		if (read_small(c, dirfd, pids[i], "oom_score_adj") < 0)
			continue;
		parse_int(c->rbuf, &f->oom);
		if (which == 2) {
			if (read_small(c, dirfd, pids[i], "stat") < 0)
				continue;
			parse_stat(c->rbuf, f);
		}
		rec++;
	}
	SC(close(dirfd));
	return (long)rec;
}

static long m_procfs_status_oom_stat(struct ctx *c)
{
	return m_procfs_status(c, 2);
}

static long m_procfs_status_oom(struct ctx *c)
{
	return m_procfs_status(c, 1);
}

static long m_procfs_open_close(struct ctx *c)
{
	size_t n, i, rec = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	for (i = 0; i < n; i++) {
		char path[48];
		int fd;

		pid_path(path, pids[i], "stat");
		fd = SC(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
		if (fd < 0)
			continue;
		SC(close(fd));
		rec++;
	}
	SC(close(dirfd));
	return (long)rec;
}

static void pidfd_facts(const struct pidfd_info *pi, struct pfacts *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = (int)pi->pid;
	f->tgid = (int)pi->tgid;
	f->ppid = (int)pi->ppid;
	f->uid[0] = pi->ruid;
	f->uid[1] = pi->euid;
	f->uid[2] = pi->suid;
	f->uid[3] = pi->fsuid;
	f->gid[0] = pi->rgid;
	f->gid[1] = pi->egid;
	f->gid[2] = pi->sgid;
	f->gid[3] = pi->fsgid;
}

static long m_pidfd_get_info(struct ctx *c)
{
	size_t n, i, rec = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	for (i = 0; i < n; i++) {
		struct pidfd_info pi = { .mask = PIDFD_INFO_PID | PIDFD_INFO_CREDS };
		int fd = (int)SC(syscall(SYS_pidfd_open, pids[i], 0));

		if (fd < 0)
			continue;
		if (!SC(ioctl(fd, PIDFD_GET_INFO, &pi)))
			pidfd_facts(&pi, facts_at(c, rec++));
		SC(close(fd));
	}
	SC(close(dirfd));
	return (long)rec;
}

/* Opens (outside any timing) a pidfd for every current target. */
static void pidfd_hold(struct ctx *c)
{
	size_t n, i;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	c->held_fds = xrealloc(c->held_fds, (n ? n : 1) * sizeof(int));
	c->nheld = 0;
	for (i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

		if (fd >= 0)
			c->held_fds[c->nheld++] = fd;
	}
	close(dirfd);
}

static void pidfd_release(struct ctx *c)
{
	while (c->nheld)
		close(c->held_fds[--c->nheld]);
}

static long m_pidfd_get_info_held(struct ctx *c)
{
	long rec = 0;
	int i;

	for (i = 0; i < c->nheld; i++) {
		struct pidfd_info pi = { .mask = PIDFD_INFO_PID | PIDFD_INFO_CREDS };

		if (!SC(ioctl(c->held_fds[i], PIDFD_GET_INFO, &pi)))
			pidfd_facts(&pi, facts_at(c, (size_t)rec++));
	}
	return rec;
}

/*
 * One process_getinfo(2) call into the kept buffer *@buf, growing it on
 * E2BIG to the size the kernel asked for plus headroom.  Adds the time
 * spent inside the call to call_ticks; returns the bytes used.
 */
static size_t pgi_call_into(struct ctx *c, char **buf, size_t *cap, int nr, const int *pids,
			    int flags, unsigned long mask)
{
	int tries;

	if (!*cap) {
		*cap = 64 * 1024;
		*buf = xmalloc(*cap);
	}
	for (tries = 0;; tries++) {
		size_t sz = *cap;
		uint64_t t0 = tsc_now();
		long r = SC(syscall(__NR_process_getinfo, nr, pids, flags, mask, *buf, &sz));

		c->call_ticks += tsc_now() - t0;
		if (!r)
			return sz;
		if (errno != E2BIG || tries == 8)
			die("process_getinfo(nr %d, flags %#x, mask %#lx)", nr, flags, mask);
		c->e2big++;
		*cap = sz + sz / 8 + 4096;
		free(*buf);
		*buf = xmalloc(*cap);
	}
}

/* One snapshot: process_getinfo(2) into c->pgibuf. */
static void pgi_call(struct ctx *c, int nr, const int *pids, int flags, unsigned long mask)
{
	c->call_ticks = 0;
	c->bytes = pgi_call_into(c, &c->pgibuf, &c->pgicap, nr, pids, flags, mask);
}

static void pgi_target(struct ctx *c, unsigned long mask)
{
	if (c->all)
		pgi_call(c, 0, NULL, PROCESS_GETINFO_ALL, mask);
	else
		pgi_call(c, c->npids, c->pids, 0, mask);
}

static void pgi_rec_facts(const char *buf, const struct procrec *r, struct pfacts *f)
{
	f->pid = r->tid;
	f->tgid = r->tgid;
	f->ppid = r->ppid;
	f->state = (char)r->state;
	memcpy(f->uid, &r->uid_real, sizeof(f->uid));
	memcpy(f->gid, &r->gid_real, sizeof(f->gid));
	f->oom = r->oom_score_adj;
	f->prio = r->prio;
	f->nice = r->nice;
	f->policy = r->policy;
	f->vm_kb[0] = r->rss_anon_kb;
	f->vm_kb[1] = r->rss_file_kb;
	f->vm_kb[2] = r->rss_shmem_kb;
	f->vm_kb[3] = r->vm_size_kb;
	f->vm_kb[4] = r->swap_kb;
	if (r->mask & PROCESS_INFO_COMM) {
		strncpy(f->comm, buf + r->comm_offset, sizeof(f->comm) - 1);
		f->comm[sizeof(f->comm) - 1] = '\0';
	} else {
		f->comm[0] = '\0';
	}
}

/* process_getinfo(2) with @mask, records parsed into the facts array. */
static long m_pgi_mask(struct ctx *c, unsigned long mask)
{
	const struct process_info *hdr;
	const struct procrec *r;
	long rec = 0;
	__u32 off;

	pgi_target(c, mask);
	hdr = (const void *)c->pgibuf;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		r = (const void *)(c->pgibuf + off);
		pgi_rec_facts(c->pgibuf, r, facts_at(c, (size_t)rec++));
	}
	return rec;
}

static long m_pgi_all(struct ctx *c)
{
	return m_pgi_mask(c, PGI_FACTS);
}

static long m_pgi_no_vm(struct ctx *c)
{
	return m_pgi_mask(c, PGI_FACTS & ~PROCESS_INFO_VM_COUNTERS);
}

static long m_pgi_ids(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS);
}

static long m_pgi_ids_status(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_STATUS);
}

static long m_pgi_ids_oom(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_OOM_SCORE_ADJ);
}

static long m_pgi_ids_creds(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_CREDS);
}

static long m_pgi_ids_prio(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_PRIO);
}

static long m_pgi_ids_comm(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_COMM);
}

static long m_pgi_ids_vm(struct ctx *c)
{
	return m_pgi_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_VM_COUNTERS);
}

/* The fixed cost of the call: the header alone. */
static long m_pgi_null(struct ctx *c)
{
	pgi_call(c, 0, NULL, 0, 0);
	return 0;
}

/* ---- memory maps ---- */

static long m_maps_text(struct ctx *c)
{
	size_t n, i, nv = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);
	long rec = 0;

	c->arena_len = 1;		/* offset 0 means "no name" */
	c->bytes = 0;
	for (i = 0; i < n; i++) {
		size_t start;
		char path[48];
		char *p, *end;
		int fd;

		pid_path(path, pids[i], "maps");
		fd = SC(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
		if (fd < 0)
			continue;
		start = c->arena_len;
		for (;;) {
			long r;

			arena_reserve(c, 16384);
			r = SC(read(fd, c->arena + c->arena_len, c->arena_cap - c->arena_len - 1));
			if (r <= 0)
				break;
			c->arena_len += (size_t)r;
		}
		SC(close(fd));
		c->bytes += c->arena_len - start;
		c->arena[c->arena_len++] = '\0';
		for (p = c->arena + start, end = c->arena + c->arena_len - 1; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			struct vmarec *v;

			if (!nl)
				nl = end;
			*nl = '\0';
			v = vma_at(c, nv++);
			parse_maps_line(p, c->arena, v);
			v->pid = pids[i];
			p = nl + 1;
		}
		rec++;
	}
	SC(close(dirfd));
	c->nvmas = (long)nv;
	c->names = c->arena;
	return rec;
}

static long m_procmap_query(struct ctx *c)
{
	size_t n, i, nv = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);
	long rec = 0;

	c->arena_len = 1;
	for (i = 0; i < n; i++) {
		unsigned long long addr = 0;
		char path[48];
		int fd;

		pid_path(path, pids[i], "maps");
		fd = SC(openat(dirfd, path, O_RDONLY | O_CLOEXEC));
		if (fd < 0)
			continue;
		for (;;) {
			struct procmap_query q;
			struct vmarec *v;

			arena_reserve(c, 4096);
			memset(&q, 0, sizeof(q));
			q.size = sizeof(q);
			q.query_flags = PROCMAP_QUERY_COVERING_OR_NEXT_VMA;
			q.query_addr = addr;
			q.vma_name_size = 4096;
			q.vma_name_addr = (unsigned long)(c->arena + c->arena_len);
			if (SC(ioctl(fd, PROCMAP_QUERY, &q)))
				break;	/* ENOENT: past the last VMA */
			v = vma_at(c, nv++);
			v->start = q.vma_start;
			v->end = q.vma_end;
			v->off = q.vma_offset;
			v->inode = q.inode;
			v->major = q.dev_major;
			v->minor = q.dev_minor;
			v->prot = (q.vma_flags & PROCMAP_QUERY_VMA_READABLE ? PROT_READ : 0) |
				  (q.vma_flags & PROCMAP_QUERY_VMA_WRITABLE ? PROT_WRITE : 0) |
				  (q.vma_flags & PROCMAP_QUERY_VMA_EXECUTABLE ? PROT_EXEC : 0);
			v->shared = !!(q.vma_flags & PROCMAP_QUERY_VMA_SHARED);
			v->pid = pids[i];
			v->name = 0;
			if (q.vma_name_size) {
				v->name = (unsigned int)c->arena_len;
				c->arena_len += q.vma_name_size;
			}
			addr = q.vma_end;
		}
		SC(close(fd));
		rec++;
	}
	SC(close(dirfd));
	c->nvmas = (long)nv;
	c->names = c->arena;
	return rec;
}

static long m_pgi_maps_mask(struct ctx *c, unsigned long mask)
{
	const struct process_info *hdr;
	const struct procrec *r;
	size_t nv = 0;
	long rec = 0;
	__u32 off;

	pgi_target(c, mask);
	hdr = (const void *)c->pgibuf;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		const struct procrec_vma *pv;
		__u32 voff;

		r = (const void *)(c->pgibuf + off);
		rec++;
		if (!(r->mask & PROCESS_INFO_MEMORY_MAP))
			continue;
		for (voff = r->first_vma_offset; voff; voff = pv->next_procrec_vma_offset) {
			struct vmarec *v = vma_at(c, nv++);

			pv = (const void *)(c->pgibuf + voff);
			v->start = pv->start;
			v->end = pv->end;
			v->off = pv->file_offset;
			v->inode = pv->inode;
			v->major = pv->dev_major;
			v->minor = pv->dev_minor;
			v->prot = pv->prot;
			v->shared = !!(pv->flags & PROCREC_VMA_SHARED);
			v->name = pv->backing_file_name_offset;
			v->pid = r->tid;
		}
	}
	c->nvmas = (long)nv;
	c->names = c->pgibuf;
	return rec;
}

static long m_pgi_maps(struct ctx *c)
{
	return m_pgi_maps_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP);
}

/* The same call without MEMORY_MAP: what the VMAs add is the difference. */
static long m_pgi_maps_ids(struct ctx *c)
{
	return m_pgi_maps_mask(c, PROCESS_INFO_IDS);
}

/* ---- the scanners' sweeps (issue 11): PSS, ps aux, a trace collector ---- */

static void *grow_at(void *arr, size_t *cap, size_t i, size_t elem)
{
	if (i >= *cap) {
		size_t n = *cap ? *cap * 2 : 1024;

		while (n <= i)
			n *= 2;
		arr = xrealloc(arr, n * elem);
		*cap = n;
	}
	return arr;
}

/* &c->ARR[i], the array grown as needed (ARR_cap is its capacity). */
#define AT(c, arr, i) ({							\
	size_t at_i_ = (i);							\
										\
	(c)->arr = grow_at((c)->arr, &(c)->arr##_cap, at_i_, sizeof(*(c)->arr));	\
	&(c)->arr[at_i_];							\
})

/* Nanoseconds per clock tick (USER_HZ), the unit of stat's times. */
static unsigned long long tick_ns(void)
{
	static unsigned long long ns;

	if (!ns) {
		long hz = sysconf(_SC_CLK_TCK);

		ns = 1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100);
	}
	return ns;
}

/* A /proc directory entry's pid, or -1 if it is not a number. */
static int dent_id(const char *s)
{
	int v = 0;

	if (*s < '1' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return *s ? -1 : v;
}

/*
 * A whole file appended to the arena, read() until 0 (procps'
 * read_unvectored() for cmdline: a short read is not documented to be the
 * end), followed by a NUL.  Returns its length and *@off, or -1 if gone.
 */
static long read_arena(struct ctx *c, int dirfd, const char *path, unsigned int *off)
{
	size_t start = c->arena_len;
	int fd = SC(openat(dirfd, path, O_RDONLY | O_CLOEXEC));

	if (fd < 0)
		return -1;
	for (;;) {
		long r;

		arena_reserve(c, 4096);
		r = SC(read(fd, c->arena + c->arena_len, c->arena_cap - c->arena_len - 1));
		if (r < 0) {
			SC(close(fd));
			c->arena_len = start;
			return -1;
		}
		if (!r)
			break;
		c->arena_len += (size_t)r;
	}
	SC(close(fd));
	c->bytes += c->arena_len - start;
	c->arena[c->arena_len++] = '\0';
	*off = (unsigned int)start;
	return (long)(c->arena_len - 1 - start);
}

/* A comm, up to a newline (the comm file's) or NUL, cut to COMM_MAX - 1. */
static void copy_comm(char *dst, const char *src)
{
	size_t l = 0;

	while (l < COMM_MAX - 1 && src[l] && src[l] != '\n')
		l++;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* The record's fields past PROCREC_SIZE_VER0 are there? */
static const struct procrec *rec_v1(const char *buf, __u32 off)
{
	const struct procrec *r = (const void *)(buf + off);

	if (r->size < PROCREC_SIZE_VER1)
		die("procrec of %u bytes: a kernel without CPU_TIMES...MEMORY_ROLLUP", r->size);
	return r;
}

/* process_getinfo(2) on the experiment's targets, with extra @flags. */
static void pgi_target_flags(struct ctx *c, int flags, unsigned long mask)
{
	if (c->all)
		pgi_call(c, 0, NULL, PROCESS_GETINFO_ALL | flags, mask);
	else
		pgi_call(c, c->npids, c->pids, flags, mask);
}

/* -- PSS: smaps_rollup -- */

_Static_assert(offsetof(struct procrec_rollup, locked_kb) -
	       offsetof(struct procrec_rollup, rss_kb) == (ROLLUP_NR - 1) * 8,
	       "procrec_rollup: 15 counters in a row");

/*
 * /proc/PID/smaps_rollup: a header line, then "Key:   value kB" lines; the
 * 15 counters of struct procrec_rollup are kept (KSM, LazyFree, the THP and
 * hugetlb lines are skipped, as the call does not return them).
 */
static void parse_rollup(const char *buf, size_t n, struct rollrec *rr)
{
	const char *line = buf, *end = buf + n;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *colon;
		size_t klen;
		int k = -1;

		if (!nl)
			nl = end;
		colon = memchr(line, ':', (size_t)(nl - line));
		if (!colon)
			goto next;
		klen = (size_t)(colon - line);
		switch (klen) {
		case 3:
			k = KEY("Rss") ? 0 : KEY("Pss") ? 1 : -1;
			break;
		case 4:
			k = KEY("Swap") ? 12 : -1;
			break;
		case 6:
			k = KEY("Locked") ? 14 : -1;
			break;
		case 7:
			k = KEY("SwapPss") ? 13 : -1;
			break;
		case 8:
			k = KEY("Pss_Anon") ? 3 : KEY("Pss_File") ? 4 : -1;
			break;
		case 9:
			k = KEY("Pss_Dirty") ? 2 : KEY("Pss_Shmem") ? 5 :
			    KEY("Anonymous") ? 11 : -1;
			break;
		case 10:
			k = KEY("Referenced") ? 10 : -1;
			break;
		case 12:
			k = KEY("Shared_Clean") ? 6 : KEY("Shared_Dirty") ? 7 : -1;
			break;
		case 13:
			k = KEY("Private_Clean") ? 8 : KEY("Private_Dirty") ? 9 : -1;
			break;
		}
		if (k >= 0)
			parse_ull(colon + 1, &rr->kb[k]);
next:
		line = nl + 1;
	}
}

static long m_procfs_smaps_rollup(struct ctx *c)
{
	size_t n, i;
	long rec = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	c->bytes = 0;
	for (i = 0; i < n; i++) {
		struct rollrec *rr = AT(c, rolls, (size_t)rec++);
		long len;

		memset(rr, 0, sizeof(*rr));
		rr->pid = pids[i];
		/* A kernel thread's (no mm) fails to open, with ESRCH. */
		len = read_small(c, dirfd, pids[i], "smaps_rollup");
		if (len <= 0)
			continue;
		rr->has = 1;
		parse_rollup(c->rbuf, (size_t)len, rr);
	}
	SC(close(dirfd));
	return rec;
}

static long m_pgi_rollup(struct ctx *c)
{
	const struct process_info *hdr;
	const struct procrec *r;
	long rec = 0;
	__u32 off;

	pgi_target_flags(c, 0, PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_ROLLUP);
	hdr = (const void *)c->pgibuf;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		struct rollrec *rr = AT(c, rolls, (size_t)rec++);

		r = rec_v1(c->pgibuf, off);
		rr->pid = r->tid;
		rr->has = !!(r->mask & PROCESS_INFO_MEMORY_ROLLUP);
		if (rr->has) {
			const struct procrec_rollup *ro;

			ro = (const void *)(c->pgibuf + r->rollup_offset);
			memcpy(rr->kb, &ro->rss_kb, sizeof(rr->kb));
		} else {
			memset(rr->kb, 0, sizeof(rr->kb));
		}
	}
	return rec;
}

/* -- ps aux: stat + status + cmdline, as procps-ng 4 reads them -- */

/*
 * /proc/PID/stat as procps' stat2proc() takes it: comm between the first
 * '(' and the last ')', then the fields ps aux uses: state (3), ppid,
 * pgrp, session, tty_nr, tpgid (4-8), minflt (10), majflt (12), utime,
 * stime (14, 15), priority, nice, num_threads (18-20), starttime (22).
 */
static void parse_stat_ps(const char *buf, struct psrec *r)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	const char *p;
	size_t l;
	int field, tty;

	if (!open || !close || close < open)
		return;
	l = (size_t)(close - open - 1);
	if (l >= sizeof(r->comm))
		l = sizeof(r->comm) - 1;
	memcpy(r->comm, open + 1, l);
	r->comm[l] = '\0';
	p = close + 2;
	r->state = *p;
	for (field = 3; *p && field <= 22; field++) {
		switch (field) {
		case 4:
			p = parse_int(p, &r->ppid);
			break;
		case 5:
			p = parse_int(p, &r->pgid);
			break;
		case 6:
			p = parse_int(p, &r->sid);
			break;
		case 7:
			p = parse_int(p, &tty);
			r->tty_nr = (unsigned int)tty;
			break;
		case 8:
			p = parse_int(p, &r->tpgid);
			break;
		case 10:
			p = parse_ull(p, &r->min_flt);
			break;
		case 12:
			p = parse_ull(p, &r->maj_flt);
			break;
		case 14:
			p = parse_ull(p, &r->utime);
			break;
		case 15:
			p = parse_ull(p, &r->stime);
			break;
		case 18:
			p = parse_int(p, &r->prio);
			break;
		case 19:
			p = parse_int(p, &r->nice);
			break;
		case 20: {
			unsigned long long x;

			p = parse_ull(p, &x);
			r->nlwp = (unsigned int)x;
			break;
		}
		case 22:
			p = parse_ull(p, &r->start);
			break;
		default:
			while (*p && *p != ' ')
				p++;
		}
		while (*p == ' ')
			p++;
	}
}

/*
 * /proc/PID/status for ps aux: the uids and gids (USER, and what ps -o
 * shows), VmSize and VmRSS (procps-ng 4 takes VSZ and RSS from here) and
 * VmLck (STAT's 'L').
 */
static void parse_status_ps(const char *buf, size_t n, struct psrec *r)
{
	const char *line = buf, *end = buf + n;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *colon, *v;
		size_t klen;

		if (!nl)
			nl = end;
		colon = memchr(line, ':', (size_t)(nl - line));
		if (!colon)
			goto next;
		klen = (size_t)(colon - line);
		v = colon + 1;
		switch (klen) {
		case 3:
			if (KEY("Uid"))
				parse_ids4(v, r->uid);
			else if (KEY("Gid"))
				parse_ids4(v, r->gid);
			break;
		case 4:
			if (KEY("Tgid"))
				parse_int(v, &r->tgid);
			break;
		case 5:
			if (KEY("VmRSS"))
				parse_ull(v, &r->rss_kb);
			else if (KEY("VmLck")) {
				parse_ull(v, &r->lck_kb);
				r->has_lck = 1;
			}
			break;
		case 6:
			if (KEY("VmSize"))
				parse_ull(v, &r->vsz_kb);
			break;
		}
next:
		line = nl + 1;
	}
}

/* MemTotal of /proc/meminfo (%MEM), read once per snapshot as ps does. */
static unsigned long long meminfo_total(struct ctx *c, int dirfd)
{
	unsigned long long kb = 0;
	long n;
	int fd = SC(openat(dirfd, "meminfo", O_RDONLY | O_CLOEXEC));

	if (fd < 0)
		die("open /proc/meminfo");
	n = SC(read(fd, c->rbuf, sizeof(c->rbuf) - 1));
	SC(close(fd));
	if (n > 0) {
		c->rbuf[n] = '\0';
		c->bytes += (size_t)n;
		if (!strncmp(c->rbuf, "MemTotal:", 9))
			parse_ull(c->rbuf + 9, &kb);
	}
	return kb;
}

static long m_procfs_psaux(struct ctx *c)
{
	size_t n, i;
	long rec = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	c->bytes = 0;
	c->arena_len = 1;
	c->mem_total_kb = meminfo_total(c, dirfd);
	for (i = 0; i < n; i++) {
		struct psrec *r = AT(c, ps, (size_t)rec);
		char path[48];
		long len;

		memset(r, 0, sizeof(*r));
		r->pid = pids[i];
		if (read_small(c, dirfd, pids[i], "stat") < 0)
			continue;
		parse_stat_ps(c->rbuf, r);
		len = read_small(c, dirfd, pids[i], "status");
		if (len < 0)
			continue;
		parse_status_ps(c->rbuf, (size_t)len, r);
		pid_path(path, pids[i], "cmdline");
		len = read_arena(c, dirfd, path, &r->cmd);
		if (len < 0)
			continue;
		r->cmd_len = (unsigned int)len;
		rec++;
	}
	SC(close(dirfd));
	c->cmds = c->arena;
	return rec;
}

/* One record into ps aux's facts (stat's units: clock ticks, kB). */
static void pgi_ps_rec(const char *buf, const struct procrec *r, struct psrec *p)
{
	unsigned long long t = tick_ns();

	memset(p, 0, sizeof(*p));
	p->pid = r->tid;
	p->tgid = r->tgid;
	p->ppid = r->ppid;
	p->state = (char)r->state;
	memcpy(p->uid, &r->uid_real, sizeof(p->uid));
	memcpy(p->gid, &r->gid_real, sizeof(p->gid));
	p->prio = r->prio;
	p->nice = r->nice;
	p->vsz_kb = r->vm_size_kb;
	p->rss_kb = r->rss_anon_kb + r->rss_file_kb + r->rss_shmem_kb;
	p->utime = r->utime_ns / t;
	p->stime = r->stime_ns / t;
	p->start = r->start_time_ns / t;
	p->min_flt = r->min_flt;
	p->maj_flt = r->maj_flt;
	p->nlwp = r->nr_threads;
	p->pgid = r->pgid;
	p->sid = r->sid;
	p->tpgid = r->tpgid;
	p->tty_nr = r->tty_nr;
	if (r->mask & PROCESS_INFO_COMM)
		copy_comm(p->comm, buf + r->comm_offset);
	if (r->mask & PROCESS_INFO_CMDLINE) {
		p->cmd = r->cmdline_offset;
		p->cmd_len = r->cmdline_size;
	}
}

/* process_getinfo(2) with @mask, records parsed into ps aux's facts. */
static long m_pgi_ps_mask(struct ctx *c, unsigned long mask)
{
	const struct process_info *hdr;
	const struct procrec *r;
	long rec = 0;
	__u32 off;

	pgi_target_flags(c, 0, mask);
	hdr = (const void *)c->pgibuf;
	c->mem_total_kb = hdr->mem_total_kb;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		r = rec_v1(c->pgibuf, off);
		pgi_ps_rec(c->pgibuf, r, AT(c, ps, (size_t)rec++));
	}
	c->cmds = c->pgibuf;
	return rec;
}

static long m_pgi_psaux(struct ctx *c)
{
	return m_pgi_ps_mask(c, PGI_PSAUX_FACTS);
}

/* Each new fact on top of IDS, parsed the same way: where the time goes. */
static long m_pgi_ps_ids(struct ctx *c)
{
	return m_pgi_ps_mask(c, PROCESS_INFO_IDS);
}

static long m_pgi_ps_ids_cpu_times(struct ctx *c)
{
	return m_pgi_ps_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_CPU_TIMES);
}

static long m_pgi_ps_ids_session(struct ctx *c)
{
	return m_pgi_ps_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_SESSION);
}

static long m_pgi_ps_ids_cmdline(struct ctx *c)
{
	return m_pgi_ps_mask(c, PROCESS_INFO_IDS | PROCESS_INFO_CMDLINE);
}

/* -- a trace collector: status + oom_score_adj + cmdline, comm of every thread -- */

/* /proc/PID/task/TID/comm of every thread, through the task directory's fd. */
static long task_comms(struct ctx *c, int taskfd, int tgid, long nt)
{
	for (;;) {
		long r = SC(syscall(SYS_getdents64, taskfd, c->dents, c->dents_sz));
		long off = 0;

		if (r <= 0)
			break;
		while (off < r) {
			struct linux_dirent64 *d = (void *)(c->dents + off);
			int tid = dent_id(d->d_name);
			struct thrrec *t;

			off += d->d_reclen;
			if (tid < 0 || read_small(c, taskfd, tid, "comm") < 0)
				continue;
			t = AT(c, thrs, (size_t)nt++);
			t->tid = tid;
			t->tgid = tgid;
			copy_comm(t->comm, c->rbuf);
		}
	}
	return nt;
}

static long m_procfs_collector(struct ctx *c)
{
	size_t n, i;
	long rec = 0, nt = 0;
	int *pids;
	int dirfd = targets(c, &pids, &n);

	c->bytes = 0;
	c->arena_len = 1;
	for (i = 0; i < n; i++) {
		struct colrec *cr = AT(c, cols, (size_t)rec);
		char path[48];
		int taskfd;
		long len;

		memset(cr, 0, sizeof(*cr));
		len = read_small(c, dirfd, pids[i], "status");
		if (len < 0)
			continue;
		parse_status(c->rbuf, (size_t)len, &cr->f);
		if (read_small(c, dirfd, pids[i], "oom_score_adj") < 0)
			continue;
		parse_int(c->rbuf, &cr->f.oom);
		pid_path(path, pids[i], "cmdline");
		len = read_arena(c, dirfd, path, &cr->cmd);
		if (len < 0)
			continue;
		cr->cmd_len = (unsigned int)len;
		pid_path(path, pids[i], "task");
		taskfd = SC(openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
		if (taskfd < 0)
			continue;
		nt = task_comms(c, taskfd, pids[i], nt);
		SC(close(taskfd));
		rec++;
	}
	SC(close(dirfd));
	c->cmds = c->arena;
	c->nthreads = nt;
	return rec;
}

/* A thread's record; with @proc (the leader's) also its process's. */
static void pgi_col_rec(struct ctx *c, const char *buf, const struct procrec *r, long nt,
			struct colrec *proc)
{
	struct thrrec *t = AT(c, thrs, (size_t)nt);

	t->tid = r->tid;
	t->tgid = r->tgid;
	t->comm[0] = '\0';
	if (r->mask & PROCESS_INFO_COMM)
		copy_comm(t->comm, buf + r->comm_offset);
	if (!proc)
		return;
	pgi_rec_facts(buf, r, &proc->f);
	proc->cmd = proc->cmd_len = 0;
	if (r->mask & PROCESS_INFO_CMDLINE) {
		proc->cmd = r->cmdline_offset;
		proc->cmd_len = r->cmdline_size;
	}
}

/*
 * One call, ALL|THREADS with every fact: a record per thread, each with the
 * process facts and the group's command line; the leader's (tid == tgid)
 * give the process, every record its thread's comm.  What the other
 * threads' records repeat is counted in dup_cmd_bytes.
 */
static long m_pgi_collector(struct ctx *c)
{
	const struct process_info *hdr;
	const struct procrec *r;
	long rec = 0, nt = 0;
	__u32 off;

	pgi_target_flags(c, PROCESS_GETINFO_THREADS, PGI_COLLECTOR_FACTS);
	hdr = (const void *)c->pgibuf;
	c->dup_cmd_bytes = 0;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		int leader;

		r = rec_v1(c->pgibuf, off);
		leader = r->tid == r->tgid;
		pgi_col_rec(c, c->pgibuf, r, nt++, leader ? AT(c, cols, (size_t)rec++) : NULL);
		if (!leader && (r->mask & PROCESS_INFO_CMDLINE))
			c->dup_cmd_bytes += r->cmdline_size + 1;
	}
	c->cmds = c->pgibuf;
	c->nthreads = nt;
	return rec;
}

/* Two calls: ALL with the process facts, then ALL|THREADS with IDS|COMM. */
static long m_pgi_collector_2calls(struct ctx *c)
{
	const struct process_info *hdr;
	const struct procrec *r;
	long rec = 0, nt = 0;
	__u32 off;

	if (c->all) {
		pgi_call(c, 0, NULL, PROCESS_GETINFO_ALL, PGI_COLLECTOR_FACTS);
		c->bytes2 = pgi_call_into(c, &c->pgibuf2, &c->pgicap2, 0, NULL,
					  PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS,
					  PGI_COLLECTOR_THREAD_FACTS);
	} else {
		pgi_call(c, c->npids, c->pids, 0, PGI_COLLECTOR_FACTS);
		c->bytes2 = pgi_call_into(c, &c->pgibuf2, &c->pgicap2, c->npids, c->pids,
					  PROCESS_GETINFO_THREADS, PGI_COLLECTOR_THREAD_FACTS);
	}
	c->bytes += c->bytes2;
	hdr = (const void *)c->pgibuf;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		r = rec_v1(c->pgibuf, off);
		pgi_rec_facts(c->pgibuf, r, &AT(c, cols, (size_t)rec)->f);
		c->cols[rec].cmd = c->cols[rec].cmd_len = 0;
		if (r->mask & PROCESS_INFO_CMDLINE) {
			c->cols[rec].cmd = r->cmdline_offset;
			c->cols[rec].cmd_len = r->cmdline_size;
		}
		rec++;
	}
	hdr = (const void *)c->pgibuf2;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		r = (const void *)(c->pgibuf2 + off);
		pgi_col_rec(c, c->pgibuf2, r, nt++, NULL);
	}
	c->cmds = c->pgibuf;
	c->nthreads = nt;
	c->dup_cmd_bytes = 0;
	return rec;
}

static long m_noop(struct ctx *c)
{
	(void)c;
	return 0;
}

#endif /* PGI_BENCH_METHODS_H */
