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
 * The scanners' sweeps of issue 11 (PSS, ps aux, a trace collector) are in
 * sweeps.h.
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
	size_t floor_bytes;		/* floor_copyout: the bytes pgi_ids returned */
	long floor_records;		/* and its records */

	/* The sweeps of issue 11 (sweeps.h): their records, kept like the others. */
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

static long m_noop(struct ctx *c)
{
	(void)c;
	return 0;
}

#endif /* PGI_BENCH_METHODS_H */
