// SPDX-License-Identifier: GPL-2.0
/*
 * The facts process scanners read (ps, top, trace collectors, Android's
 * PSS scans): CPU_TIMES, SESSION, CMDLINE and MEMORY_ROLLUP, compared with
 * /proc/PID/stat, /proc/PID/task/TID/stat, /proc/PID/cmdline and
 * /proc/PID/smaps_rollup on every process of a populated guest (kernel
 * threads, a zombie, a multi-threaded process, an exec'd process, a process
 * in a child pid namespace, a process with 1,000 file and anonymous VMAs
 * and shared memory), as root and as nobody.
 *
 * A process's counters move while it runs, so each comparison reads procfs
 * before and after the call: a value is compared exactly when procfs gave
 * the same before and after (retried a few times), and must lie between
 * the two for the counters that only grow.
 *
 * The tests skip as a whole when the system call is not available, and a
 * fact the running kernel does not list in supported_mask skips its test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <sched.h>
#include <sys/stat.h>

#include "pgi_harness.h"

#define NOBODY		65534
#define RETRIES		5
#define MANY_MAPS	1000
#define SHARED_PAGES	64
#define KIDS_MAX	8

#define SCAN_FACTS	(PROCESS_INFO_IDS | PROCESS_INFO_CPU_TIMES | \
			 PROCESS_INFO_SESSION | PROCESS_INFO_CMDLINE)

/* The fields of /proc/PID/stat the new facts mirror. */
struct stat_line {
	int pgid, sid, tpgid;
	unsigned int tty_nr;
	unsigned long long min_flt, maj_flt, utime, stime, start;
	unsigned int nr_threads;
};

/* /proc/PID/smaps_rollup, in kB, in struct procrec_rollup's order. */
#define NR_ROLLUP	15
static const char *const rollup_keys[NR_ROLLUP] = {
	"Rss:", "Pss:", "Pss_Dirty:", "Pss_Anon:", "Pss_File:", "Pss_Shmem:",
	"Shared_Clean:", "Shared_Dirty:", "Private_Clean:", "Private_Dirty:",
	"Referenced:", "Anonymous:", "Swap:", "SwapPss:", "Locked:",
};

FIXTURE(scanner)
{
	struct process_info hdr;
	long tck;		/* clock ticks per second */
	struct pgi_child kids[KIDS_MAX];
	int nr_kids;
	pid_t zombie;
	char file[64];
};

FIXTURE_SETUP(scanner)
{
	self->nr_kids = 0;
	self->zombie = 0;
	self->file[0] = '\0';
	PGI_PROBE_OR_SKIP(&self->hdr);
	self->tck = sysconf(_SC_CLK_TCK);
	ASSERT_GT(self->tck, 0);
}

FIXTURE_TEARDOWN(scanner)
{
	int i;

	for (i = 0; i < self->nr_kids; i++)
		pgi_child_kill(&self->kids[i]);
	if (self->zombie > 0)
		waitpid(self->zombie, NULL, 0);
	if (self->file[0])
		unlink(self->file);
}

static bool supported(FIXTURE_DATA(scanner) *self, __u64 bits)
{
	return (self->hdr.supported_mask & bits) == bits;
}

/* Parses /proc/@pid/stat (or task/@tid/stat if @tid): 0, or -errno. */
static int read_stat(pid_t pid, pid_t tid, struct stat_line *s)
{
	char path[96], buf[1024], *p;
	unsigned long long f[64];
	int n = 0, err;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	err = pgi_read_str(path, buf, sizeof(buf));
	if (err)
		return err;
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p += 2;
	/* f[3] is field 3 (state, skipped), f[4] field 4, ... */
	for (n = 3; n < 64 && *p; n++) {
		char *end;

		if (n == 3) {
			p = strchr(p, ' ');
			if (!p)
				break;
			p++;
			continue;
		}
		f[n] = strtoll(p, &end, 10);
		if (end == p)
			break;
		p = *end ? end + 1 : end;
	}
	if (n < 23)
		return -EINVAL;
	s->pgid = (int)f[5];
	s->sid = (int)f[6];
	s->tty_nr = (unsigned int)f[7];
	s->tpgid = (int)f[8];
	s->min_flt = f[10];
	s->maj_flt = f[12];
	s->utime = f[14];
	s->stime = f[15];
	s->nr_threads = (unsigned int)f[20];
	s->start = f[22];
	return 0;
}

/* Reads /proc/@pid/cmdline whole into *@out (malloc'ed): its length, or -errno. */
static ssize_t read_cmdline(pid_t pid, char **out)
{
	char path[64];
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd;

	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			n = -errno;
			free(buf);
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	*out = buf;
	return len;
}

/* Parses /proc/@pid/smaps_rollup into @kb: 0, or -errno. */
static int read_rollup(pid_t pid, unsigned long long kb[NR_ROLLUP])
{
	char path[64], *text, *line, *save = NULL;
	int i, found = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	errno = 0;
	text = pgi_read_file(path, 1 << 16);
	if (!text)
		return errno ? -errno : -EIO;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < NR_ROLLUP; i++)
			if (!strncmp(line, rollup_keys[i], strlen(rollup_keys[i])) &&
			    line[strlen(rollup_keys[i])] == ' ') {
				kb[i] = strtoull(line + strlen(rollup_keys[i]), NULL, 10);
				found++;
			}
	free(text);
	/* An mm-less task's smaps_rollup is empty. */
	return found == NR_ROLLUP ? 0 : (found ? -EINVAL : -ESRCH);
}

static void rollup_of(const struct procrec_rollup *r, unsigned long long kb[NR_ROLLUP])
{
	const __u64 v[NR_ROLLUP] = {
		r->rss_kb, r->pss_kb, r->pss_dirty_kb, r->pss_anon_kb,
		r->pss_file_kb, r->pss_shmem_kb, r->shared_clean_kb,
		r->shared_dirty_kb, r->private_clean_kb, r->private_dirty_kb,
		r->referenced_kb, r->anonymous_kb, r->swap_kb, r->swap_pss_kb,
		r->locked_kb,
	};
	int i;

	for (i = 0; i < NR_ROLLUP; i++)
		kb[i] = v[i];
}

/* The record of @tid (under THREADS) or of process @pid alone. */
static void *call_one(pid_t pid, bool threads, __u64 mask, size_t *used)
{
	return pgi_getinfo_alloc(1, &pid, threads ? PROCESS_GETINFO_THREADS : 0,
				 mask, used);
}

static const struct procrec *find_tid(const void *buf, pid_t tid)
{
	const struct procrec *rec;

	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec))
		if (rec->tid == tid)
			return rec;
	return NULL;
}

/* ns -> clock ticks, as nsec_to_clock_t() does for USER_HZ 100. */
static unsigned long long ticks(__u64 ns, long tck)
{
	return ns / (1000000000ULL / tck);
}

/*
 * Compares the CPU_TIMES and SESSION of @pid (or thread @tid) with its stat
 * line: 1 compared, 0 gone or never stable, -1 mismatch (with @why).
 */
static int compare_stat(FIXTURE_DATA(scanner) *self, pid_t pid, pid_t tid,
			char *why, size_t whylen)
{
	int try;

	for (try = 0; try < RETRIES; try++) {
		struct stat_line a, c;
		const struct procrec *r;
		size_t used;
		void *buf;

		if (read_stat(pid, tid, &a))
			return 0;
		buf = call_one(tid ? tid : pid, tid != 0, SCAN_FACTS, &used);
		if (!buf)
			return pgi_fail(why, whylen, "call: %s", strerror(errno));
		if (read_stat(pid, tid, &c)) {
			free(buf);
			return 0;
		}
		r = find_tid(buf, tid ? tid : pid);
		if (!r || (r->status & PROCREC_GONE)) {
			free(buf);
			return 0;
		}
		if (!(r->mask & PROCESS_INFO_CPU_TIMES) || !(r->mask & PROCESS_INFO_SESSION)) {
			free(buf);
			return pgi_fail(why, whylen, "%d/%d: mask %#llx", pid, tid,
					(unsigned long long)r->mask);
		}
		/* Exact: what does not move. */
		if (ticks(r->start_time_ns, self->tck) != a.start ||
		    r->pgid != a.pgid || r->sid != a.sid || r->tty_nr != a.tty_nr) {
			pgi_fail(why, whylen,
				 "%d/%d: start %llu/%llu pgid %d/%d sid %d/%d tty %u/%u",
				 pid, tid, ticks(r->start_time_ns, self->tck), a.start,
				 r->pgid, a.pgid, r->sid, a.sid, r->tty_nr, a.tty_nr);
			free(buf);
			return -1;
		}
		/* Growing counters: between the two reads. */
		if (ticks(r->utime_ns, self->tck) < a.utime ||
		    ticks(r->utime_ns, self->tck) > c.utime ||
		    ticks(r->stime_ns, self->tck) < a.stime ||
		    ticks(r->stime_ns, self->tck) > c.stime ||
		    r->min_flt < a.min_flt || r->min_flt > c.min_flt ||
		    r->maj_flt < a.maj_flt || r->maj_flt > c.maj_flt) {
			pgi_fail(why, whylen,
				 "%d/%d: utime %llu in [%llu, %llu], stime %llu in [%llu, %llu], minflt %llu in [%llu, %llu], majflt %llu in [%llu, %llu]",
				 pid, tid, ticks(r->utime_ns, self->tck), a.utime, c.utime,
				 ticks(r->stime_ns, self->tck), a.stime, c.stime,
				 (unsigned long long)r->min_flt, a.min_flt, c.min_flt,
				 (unsigned long long)r->maj_flt, a.maj_flt, c.maj_flt);
			free(buf);
			return -1;
		}
		/* What may change: exact when procfs did not see it change. */
		if (a.nr_threads == c.nr_threads && a.tpgid == c.tpgid &&
		    (r->nr_threads != a.nr_threads || r->tpgid != a.tpgid)) {
			pgi_fail(why, whylen, "%d/%d: threads %u/%u tpgid %d/%d",
				 pid, tid, r->nr_threads, a.nr_threads, r->tpgid, a.tpgid);
			free(buf);
			return -1;
		}
		free(buf);
		if (a.nr_threads == c.nr_threads && a.tpgid == c.tpgid)
			return 1;
	}
	return 0;
}

/* Compares CMDLINE with /proc/@pid/cmdline: 1 compared, 0 gone/unstable, -1 mismatch. */
static int compare_cmdline(pid_t pid, char *why, size_t whylen)
{
	int try;

	for (try = 0; try < RETRIES; try++) {
		char *a = NULL, *c = NULL;
		const struct procrec *r;
		ssize_t na, nc;
		int ret = 0;
		size_t used;
		void *buf;

		na = read_cmdline(pid, &a);
		if (na < 0)
			return 0;
		buf = call_one(pid, false, SCAN_FACTS, &used);
		nc = read_cmdline(pid, &c);
		r = buf ? find_tid(buf, pid) : NULL;
		if (!buf)
			ret = pgi_fail(why, whylen, "call: %s", strerror(errno));
		else if (nc < 0 || !r || (r->status & PROCREC_GONE))
			ret = 0;
		else if (na != nc || memcmp(a, c, na))
			ret = 2;	/* changed meanwhile: retry */
		else if (!(r->mask & PROCESS_INFO_CMDLINE))
			/* Kernel threads and zombies: absent, and procfs empty. */
			ret = na == 0 ? 1 :
			      pgi_fail(why, whylen, "%d: no CMDLINE, procfs %zd bytes", pid, na);
		else if (r->cmdline_size != (__u32)na ||
			 memcmp((const char *)buf + r->cmdline_offset, a, na) ||
			 ((const char *)buf)[r->cmdline_offset + na] != '\0')
			ret = pgi_fail(why, whylen, "%d: cmdline %u bytes, procfs %zd",
				       pid, r->cmdline_size, na);
		else
			ret = 1;
		free(a);
		free(c);
		free(buf);
		if (ret != 2)
			return ret;
	}
	return 0;
}

/* Compares MEMORY_ROLLUP with smaps_rollup: 1 compared, 0 unstable/gone, -1 mismatch. */
static int compare_rollup(pid_t pid, char *why, size_t whylen)
{
	int try;

	for (try = 0; try < RETRIES; try++) {
		unsigned long long a[NR_ROLLUP], c[NR_ROLLUP], got[NR_ROLLUP];
		const struct procrec *r;
		int ea, ec, i;
		size_t used;
		void *buf;

		ea = read_rollup(pid, a);
		buf = call_one(pid, false, PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_ROLLUP, &used);
		ec = read_rollup(pid, c);
		if (!buf)
			return pgi_fail(why, whylen, "call: %s", strerror(errno));
		r = find_tid(buf, pid);
		if (!r || (r->status & PROCREC_GONE) || ea == -ENOENT || ec == -ENOENT) {
			free(buf);
			return 0;
		}
		if (ea == -EACCES || ea == -EPERM) {
			/* Denied by procfs: NOACCESS here. */
			bool ok = (r->status & PROCREC_NOACCESS) &&
				  !(r->mask & PROCESS_INFO_MEMORY_ROLLUP);

			free(buf);
			return ok ? 1 : pgi_fail(why, whylen, "%d: smaps_rollup denied, status %#x",
						 pid, r->status);
		}
		if (ea == -ESRCH) {
			/* No mm (a kernel thread, a zombie): absent, without NOACCESS. */
			bool ok = !(r->mask & PROCESS_INFO_MEMORY_ROLLUP) && !r->status;

			free(buf);
			return ok ? 1 : pgi_fail(why, whylen, "%d: no mm, mask %#llx status %#x",
						 pid, (unsigned long long)r->mask, r->status);
		}
		if (ea || ec || memcmp(a, c, sizeof(a))) {
			free(buf);
			continue;	/* unreadable or changed meanwhile */
		}
		if (!(r->mask & PROCESS_INFO_MEMORY_ROLLUP) || !r->rollup_offset) {
			free(buf);
			return pgi_fail(why, whylen, "%d: no rollup, mask %#llx status %#x", pid,
					(unsigned long long)r->mask, r->status);
		}
		rollup_of((const void *)((const char *)buf + r->rollup_offset), got);
		for (i = 0; i < NR_ROLLUP; i++)
			if (got[i] != a[i]) {
				pgi_fail(why, whylen, "%d: %s %llu kB, smaps_rollup %llu kB",
					 pid, rollup_keys[i], got[i], a[i]);
				free(buf);
				return -1;
			}
		free(buf);
		return 1;
	}
	return 0;
}

/* ---- the population ---- */

static int name_threaded(void *arg)
{
	(void)arg;
	return prctl(PR_SET_NAME, "pgi-threads");
}

/*
 * Maps MANY_MAPS pages of the file @arg and of anonymous memory, alternating,
 * and SHARED_PAGES of shmem shared with a child of its own.
 */
static int many_maps(void *arg)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open(arg, O_RDONLY | O_CLOEXEC), i;
	char *shm;

	prctl(PR_SET_NAME, "pgi-maps");
	if (fd < 0)
		return -1;
	for (i = 0; i < MANY_MAPS; i++) {
		volatile char *f = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, (off_t)i * pg);
		char *a = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (f == MAP_FAILED || a == MAP_FAILED)
			return -1;
		(void)f[0];
		a[0] = (char)i;
		/* Keep them separate VMAs. */
		mprotect(a, pg, PROT_READ);
	}
	close(fd);
	shm = mmap(NULL, SHARED_PAGES * pg, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return -1;
	memset(shm, 1, SHARED_PAGES * pg);
	/* Share the pages with a child, so their PSS is halved. */
	if (fork() == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "pgi-maps-kid");
		for (;;)
			pause();
	}
	return 0;
}

/* A child that execs busybox cat, blocked reading its command pipe (its stdin). */
static int exec_cat(int cmd, int ack, void *arg)
{
	(void)arg;
	if (dup2(cmd, 0) < 0)
		return pgi_child_fail(ack, "dup2: %s", strerror(errno));
	pgi_child_ready(ack);
	execl("/bin/busybox", "cat", "-", "arg with spaces", "", "last", NULL);
	_exit(1);
}

/* pid 1 of a new pid namespace, with a child of its own; both block. */
static int ns_init(int cmd, int ack, void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWPID))
		return pgi_child_fail(ack, "unshare: %s", strerror(errno));
	if (fork() == 0) {
		pgi_child_ready(ack);
		return pgi_child_block(cmd);
	}
	return pgi_child_block(cmd);
}

/* Starts the population; every child is reaped in the teardown. */
static void populate(struct __test_metadata *_metadata, FIXTURE_DATA(scanner) *self)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct pgi_blocked threaded = { .setup = name_threaded, .nr_threads = 4 };
	struct pgi_blocked maps = { .setup = many_maps, .arg = self->file };
	pid_t pid;
	int fd;

	/* Multi-threaded. */
	ASSERT_EQ(0, pgi_spawn_blocked(&self->kids[self->nr_kids++], &threaded));

	/* 1,000 file and anonymous VMAs and shared memory. */
	snprintf(self->file, sizeof(self->file), "/tmp/pgi-scan-%d", getpid());
	fd = open(self->file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, MANY_MAPS * pg));
	close(fd);
	ASSERT_EQ(0, pgi_spawn_blocked(&self->kids[self->nr_kids++], &maps));

	/* Exec'd, with arguments (its own command line). */
	pgi_child_spawn(_metadata, self->kids, &self->nr_kids, KIDS_MAX, exec_cat, NULL);
	pgi_child_wait(_metadata, &self->kids[self->nr_kids - 1]);

	/* A zombie (reaped in the teardown). */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(0);
	self->zombie = pid;

	/* A child pid namespace, seen from here. */
	pgi_child_spawn(_metadata, self->kids, &self->nr_kids, KIDS_MAX, ns_init, NULL);
	pgi_child_wait(_metadata, &self->kids[self->nr_kids - 1]);
	pgi_sleep_ms(200);	/* let them settle: exec, zombie */
}

/* Every visible process's pids, from ALL. */
static int all_pids(pid_t *pids, int max)
{
	const struct procrec *rec;
	size_t used;
	void *buf;
	int n = 0;

	buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL, PROCESS_INFO_IDS, &used);
	if (!buf)
		return -1;
	for (rec = pgi_first_rec(buf); rec && n < max; rec = pgi_next_rec(buf, rec))
		pids[n++] = rec->tgid;
	free(buf);
	return n;
}

/* Every process: CPU_TIMES and SESSION as /proc/PID/stat, CMDLINE as /proc/PID/cmdline. */
TEST_F_TIMEOUT(scanner, stat_and_cmdline_of_every_process, 600)
{
	static pid_t pids[4096];
	int n, i, stat_ok = 0, cmd_ok = 0, skipped = 0;
	char why[512];

	if (!supported(self, SCAN_FACTS))
		SKIP(return, "CPU_TIMES, SESSION or CMDLINE not in supported_mask");
	populate(_metadata, self);
	n = all_pids(pids, 4096);
	ASSERT_GT(n, 10);
	for (i = 0; i < n; i++) {
		int s = compare_stat(self, pids[i], 0, why, sizeof(why));
		int c = compare_cmdline(pids[i], why, sizeof(why));

		ASSERT_GE(s, 0) TH_LOG("stat: %s", why);
		ASSERT_GE(c, 0) TH_LOG("cmdline: %s", why);
		stat_ok += s;
		cmd_ok += c;
		skipped += !s;
	}
	ksft_print_msg("%d processes: stat facts equal for %d, cmdline for %d; %d too busy\n",
		       n, stat_ok, cmd_ok, skipped);
	/* All but a few busy ones are compared. */
	EXPECT_GE(stat_ok, n - 3);
	EXPECT_GE(cmd_ok, n - 3);
}

/* Under THREADS: each thread's own times, as /proc/PID/task/TID/stat. */
TEST_F(scanner, thread_times_as_task_stat)
{
	const struct procrec *rec;
	int compared = 0;
	size_t used;
	char why[512];
	pid_t kid;
	void *buf;

	if (!supported(self, SCAN_FACTS))
		SKIP(return, "CPU_TIMES or SESSION not in supported_mask");
	populate(_metadata, self);
	kid = self->kids[0].pid;
	buf = call_one(kid, true, SCAN_FACTS, &used);
	ASSERT_NE(NULL, buf);
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec)) {
		int r = compare_stat(self, kid, rec->tid, why, sizeof(why));

		ASSERT_GE(r, 0) TH_LOG("%s", why);
		compared += r;
		/* nr_threads is the group's, in every thread's record (as stat shows). */
		EXPECT_EQ(5U, rec->nr_threads);
	}
	EXPECT_EQ(5, compared);
	free(buf);
}

/* Kernel threads and zombies have no command line and no rollup; PSS is exact. */
TEST_F_TIMEOUT(scanner, rollup_of_every_process, 600)
{
	static pid_t pids[4096];
	int n, i, ok = 0;
	char why[512];

	if (!supported(self, PROCESS_INFO_MEMORY_ROLLUP))
		SKIP(return, "MEMORY_ROLLUP not in supported_mask");
	populate(_metadata, self);
	n = all_pids(pids, 4096);
	ASSERT_GT(n, 10);
	for (i = 0; i < n; i++) {
		int r = compare_rollup(pids[i], why, sizeof(why));

		ASSERT_GE(r, 0) TH_LOG("%s", why);
		ok += r;
	}
	ksft_print_msg("%d processes: rollup equal to smaps_rollup for %d\n", n, ok);
	EXPECT_GE(ok, n - 3);
}

/* The shared memory's PSS is split between its two mappers, as smaps_rollup says. */
TEST_F(scanner, pss_of_shared_memory)
{
	unsigned long long before[NR_ROLLUP], kb[NR_ROLLUP], shared_kb;
	const struct procrec *rec;
	const struct procrec_rollup *r;
	void *buf = NULL;
	int try;
	size_t used;
	pid_t kid;

	if (!supported(self, PROCESS_INFO_MEMORY_ROLLUP))
		SKIP(return, "MEMORY_ROLLUP not in supported_mask");
	populate(_metadata, self);
	kid = self->kids[1].pid;
	/*
	 * The child's pages that it still shares with this process since
	 * fork() count half in its PSS until one side writes them: a write
	 * here between the call and the procfs read moves the child's PSS.
	 * Compare a call that smaps_rollup brackets with the same values.
	 */
	for (try = 0; try < RETRIES; try++) {
		free(buf);
		ASSERT_EQ(0, read_rollup(kid, before));
		buf = call_one(kid, false, PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_ROLLUP, &used);
		ASSERT_NE(NULL, buf);
		ASSERT_EQ(0, read_rollup(kid, kb));
		if (!memcmp(before, kb, sizeof(kb)))
			break;
	}
	ASSERT_LT(try, RETRIES) TH_LOG("smaps_rollup of %d moved in every attempt", kid);
	rec = pgi_first_rec(buf);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(!!(rec->mask & PROCESS_INFO_MEMORY_ROLLUP));
	r = (const void *)((const char *)buf + rec->rollup_offset);
	ASSERT_EQ((__u32)PROCREC_ROLLUP_SIZE_VER0, r->size);
	EXPECT_EQ(kb[0], r->rss_kb);
	EXPECT_EQ(kb[1], r->pss_kb);
	EXPECT_EQ(kb[5], r->pss_shmem_kb);
	/*
	 * SHARED_PAGES dirty pages of shmem mapped by two processes: they are
	 * Shared_Dirty, and count half in Pss (other pages may be shared too).
	 */
	shared_kb = (unsigned long long)SHARED_PAGES * sysconf(_SC_PAGESIZE) / 1024;
	EXPECT_GE(r->shared_dirty_kb, shared_kb);
	EXPECT_GE(r->rss_kb - r->pss_kb, shared_kb / 2);
	EXPECT_GE(r->rss_kb, r->pss_kb);
	free(buf);
}

struct as_nobody {
	int rc;
	char why[256];
};

/*
 * As nobody: CMDLINE of root's processes as /proc/PID/cmdline (no ptrace
 * check), MEMORY_ROLLUP denied as smaps_rollup is.
 */
TEST_F(scanner, access_as_nobody)
{
	struct as_nobody *sh;
	int status;
	pid_t pid;

	if (!supported(self, PROCESS_INFO_CMDLINE | PROCESS_INFO_MEMORY_ROLLUP))
		SKIP(return, "CMDLINE or MEMORY_ROLLUP not in supported_mask");
	populate(_metadata, self);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t target = self->kids[2].pid;	/* the exec'd one, root's */

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(1);
		if (compare_cmdline(target, sh->why, sizeof(sh->why)) != 1 ||
		    compare_rollup(target, sh->why, sizeof(sh->why)) != 1 ||
		    compare_rollup(1, sh->why, sizeof(sh->why)) != 1)
			sh->rc = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, sh->rc) TH_LOG("%s", sh->why);
	munmap(sh, sizeof(*sh));
}

/* Not asked, not paid: without the new bits the fields stay zero and the record has no extras. */
TEST_F(scanner, absent_unless_asked)
{
	const struct procrec *rec;
	size_t used;
	void *buf;
	pid_t me = getpid();

	buf = call_one(me, false, PROCESS_INFO_IDS, &used);
	ASSERT_NE(NULL, buf);
	rec = pgi_first_rec(buf);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(0ULL, rec->utime_ns + rec->start_time_ns + rec->min_flt);
	EXPECT_EQ(0U, rec->cmdline_offset + rec->cmdline_size + rec->rollup_offset);
	EXPECT_EQ(0, rec->pgid + rec->sid);
	EXPECT_EQ((size_t)PROCESS_INFO_SIZE_VER0 + sizeof(*rec), used);
	free(buf);
}

TEST_HARNESS_MAIN
