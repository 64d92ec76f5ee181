/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scanners' sweeps (issue 11): the facts ps, top, Android's PSS scans
 * and trace collectors read for every process, each against the procfs
 * reader that gets them today, into the same structs (struct rollrec,
 * psrec, colrec, thrrec) so that parsing is part of every cost:
 *   procfs_smaps_rollup     /proc/PID/smaps_rollup, all 15 counters parsed
 *   pgi_rollup              IDS|MEMORY_ROLLUP
 *   procfs_psaux            /proc/PID/{stat,status,cmdline}: what ps aux reads
 *   pgi_psaux               the same facts in one call
 *   procfs_collector        /proc/PID/{status,oom_score_adj,cmdline} and
 *                           /proc/PID/task/TID/comm (a trace collector's poll)
 *   pgi_collector           one ALL|THREADS call with every fact
 *   pgi_collector_2calls    ALL with the process facts, ALL|THREADS with comm
 */
#ifndef PGI_BENCH_SWEEPS_H
#define PGI_BENCH_SWEEPS_H

#include "methods.h"

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

#endif /* PGI_BENCH_SWEEPS_H */
