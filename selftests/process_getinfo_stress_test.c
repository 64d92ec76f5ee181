// SPDX-License-Identifier: GPL-2.0
/*
 * process_getinfo(2) under load.  NR_CALLERS threads ask for every fact of
 * every thread (ALL | THREADS, the header's supported_mask) in a loop while
 * separate churn processes fork, exit, start and end threads, map, unmap
 * and reprotect memory and exec, and a thread of the caller changes the
 * caller's own memory map under the calls.  Every call must succeed or
 * fail with E2BIG (then the prefix is checked and the buffer grown); every
 * result must be well-formed and self-consistent.  Afterwards the slab
 * usage must be back where it was (KASAN's quarantine is flushed by
 * shrinking every cache) and, where kmemleak is built in, a scan must
 * report no leak allocated by process_getinfo.
 *
 * The run lasts DURATION seconds: the first argument, else the environment
 * variable PGI_STRESS_SECS, else DEFAULT_SECS.  The test skips when the
 * system call is not available (ENOSYS); the slab and kmemleak checks
 * need root and are reported as skipped parts otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define DEFAULT_SECS		20
/*
 * The time limit of all_threads_under_churn: the run's DURATION plus
 * MARGIN_SECS (two settles, the calls-only phase, kmemleak), checked at
 * the end.  The harness's timeout holds MAX_SECS, more than make stress's
 * 600.
 */
#define MARGIN_SECS		300
#define MAX_SECS		900
#define UNDER_CHURN_TIMEOUT	(MAX_SECS + MARGIN_SECS)
#define NR_CALLERS		4
#define NR_CHURNERS		2
#define CHURN_KIDS		3	/* live children per churner at most */
#define CHURN_THREADS		3	/* threads per churn child at most */
#define ERRNO_MAX		256
#define EXPLICIT_IDS		16	/* ids per explicit-id call */
#define GROW_TRIES		16
#define PROGRESS_SECS		30
/* The argument that makes an exec'd copy of this program exit at once. */
#define EXIT_NOW_ARG		"--pgi-exit-now"

/* The slab checks: settle rounds, and how far usage may drift (kB). */
#define SETTLE_ROUNDS		2
#define SETTLE_SLEEP_MS		1000
#define SLAB_SLACK_KB		8192	/* after the churn: caches refilled */
#define SLAB_SLACK_PCT		10
#define CALLS_SLACK_KB		2048	/* after calls alone */
#define CALLS_PHASE_SECS	3

static int stress_secs = DEFAULT_SECS;

/* What a caller thread did. */
struct caller {
	pthread_t th;
	struct run *run;
	unsigned int seed;
	pid_t tid;
	unsigned char *buf;
	size_t cap;
	size_t last_need;
	int ids[EXPLICIT_IDS];
	int nr_ids;
	unsigned long long calls, ok, records, truncated_checked, grown;
	unsigned long long explicit_calls, gone_records, small_calls;
	unsigned long long err[ERRNO_MAX];
};

/* Counters of the churn processes, in shared memory. */
struct churn_stats {
	int stop;		/* set by the test: the churners end */
	unsigned long long forks, execs, threads, exits;
	unsigned long long mmaps, munmaps, mprotects, reparented;
	unsigned long long self_maps;	/* changes of the caller's own map */
};

struct run {
	int stop;		/* the callers end (read atomically) */
	__u64 mask;
	pid_t tgid;
	pthread_barrier_t started, done;	/* of the caller threads */
	struct pgi_failure fail;
	struct churn_stats *churn;	/* MAP_SHARED */
	struct caller callers[NR_CALLERS];
	/* The tids listed before the run, sorted, and how often each was missing. */
	int *base_tids;
	unsigned long long *base_start;	/* their start times */
	unsigned int nr_base;
	unsigned int *base_missed;
};

FIXTURE(stress)
{
	__u64 supported_mask;
	pid_t churners[NR_CHURNERS];
	struct churn_stats *churn;
	bool mounted_debugfs;
};

FIXTURE_SETUP(stress)
{
	struct process_info hdr;
	int i;

	for (i = 0; i < NR_CHURNERS; i++)
		self->churners[i] = 0;
	self->churn = NULL;
	self->mounted_debugfs = false;

	PGI_PROBE_OR_SKIP(&hdr);
	self->supported_mask = hdr.supported_mask;
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	for (i = 0; i < NR_CHURNERS; i++) {
		if (self->churners[i] > 0) {
			kill(self->churners[i], SIGKILL);
			waitpid(self->churners[i], NULL, 0);
		}
	}
	if (self->mounted_debugfs)
		umount(PGI_DEBUGFS);
}

/* A caller's failure: the first is kept; every caller stops. */
#define run_fail(run, ...) pgi_fail_first(&(run)->fail, __VA_ARGS__)

/* ---- the churn: separate processes ---- */

static void add(unsigned long long *ctr)
{
	__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
}

/* Maps, reprotects and unmaps a few regions @rounds times. */
static void map_churn(struct churn_stats *st, unsigned int *seed, int rounds)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < rounds; i++) {
		size_t len = (1 + pgi_rnd(seed) % 8) * pg;
		int flags = MAP_ANONYMOUS |
			    (pgi_rnd(seed) & 1 ? MAP_SHARED : MAP_PRIVATE);
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (p == MAP_FAILED)
			continue;
		add(&st->mmaps);
		p[0] = 1;
		if (len > (size_t)pg) {
			mprotect(p + pg, pg, PROT_READ);
			add(&st->mprotects);
		}
		if (pgi_rnd(seed) & 1)
			prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME,
			      (unsigned long)p, len, "pgi-churn");
		munmap(p, len);
		add(&st->munmaps);
	}
}

struct churn_thread {
	struct churn_stats *st;
	unsigned int seed;
};

static void *churn_thread_main(void *arg)
{
	struct churn_thread *ct = arg;

	map_churn(ct->st, &ct->seed, 1 + pgi_rnd(&ct->seed) % 8);
	if (pgi_rnd(&ct->seed) & 1)
		pthread_exit(NULL);
	/* The rest sleep until the process exits under them. */
	for (;;)
		pause();
	return NULL;
}

/* One short life: threads, a file mapping, maps, maybe an orphan; exits. */
static void churn_life(struct churn_stats *st, unsigned int seed)
{
	struct churn_thread ct[CHURN_THREADS];
	int fd, i, n = pgi_rnd(&seed) % (CHURN_THREADS + 1);
	pthread_t th;
	void *file;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	file = fd < 0 ? MAP_FAILED :
	       mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd >= 0)
		close(fd);
	if (file != MAP_FAILED)
		add(&st->mmaps);
	for (i = 0; i < n; i++) {
		ct[i].st = st;
		ct[i].seed = seed + i + 1;
		if (!pthread_create(&th, NULL, churn_thread_main, &ct[i])) {
			pthread_detach(th);
			add(&st->threads);
		}
	}
	if (pgi_rnd(&seed) % 4 == 0) {
		/* A grandchild outlives this process: it is reparented. */
		if (fork() == 0) {
			pgi_sleep_ms(pgi_rnd(&seed) % 20);
			_exit(0);
		}
		add(&st->forks);
		add(&st->reparented);
	}
	map_churn(st, &seed, 1 + pgi_rnd(&seed) % 16);
	pgi_sleep_ms(pgi_rnd(&seed) % 10);
	_exit(0);	/* with its threads still running */
}

/*
 * Reaps exited children (and orphans, as a subreaper); with @block, waits
 * until one of the @live direct children in @kids has exited.
 */
static void churn_reap(struct churn_stats *st, pid_t *kids, int *live,
		       bool block)
{
	pid_t w;
	int i;

	while ((w = waitpid(-1, NULL, block ? 0 : WNOHANG)) > 0) {
		add(&st->exits);
		for (i = 0; i < *live; i++) {
			if (kids[i] == w) {
				kids[i] = kids[--*live];
				block = false;
				break;
			}
		}
	}
}

/* Forks lives and execs until @stop; never returns. */
static void churner_main(struct run *run, unsigned int seed)
{
	struct churn_stats *st = run->churn;
	pid_t pid, kids[CHURN_KIDS];
	int live = 0;

	/* Reparented grandchildren are the subreaper's to reap, not init's. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		unsigned int r = pgi_rnd(&seed);

		pid = fork();
		if (pid < 0) {
			pgi_sleep_ms(1);
		} else if (pid == 0) {
			if (r % 8 == 0) {
				execl("/proc/self/exe", "pgi-stress-exec",
				      EXIT_NOW_ARG, (char *)NULL);
				_exit(127);
			}
			churn_life(st, r);
		} else {
			add(&st->forks);
			if (r % 8 == 0)
				add(&st->execs);
			kids[live++] = pid;
		}
		churn_reap(st, kids, &live, live >= CHURN_KIDS);
	}
	while (waitpid(-1, NULL, 0) > 0)
		add(&st->exits);
	_exit(0);
}

/* ---- the caller's side ---- */

/* Changes the caller's own memory map while the calls copy into it. */
static void *self_churn_main(void *arg)
{
	struct run *run = arg;
	unsigned int seed = 0x5e1f;

	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		map_churn(run->churn, &seed, 1);
		add(&run->churn->self_maps);
	}
	return NULL;
}

static bool state_ok(__u8 s)
{
	return s && strchr("RSDTtXZPI", s);
}

/*
 * Checks a well-formed ALL | THREADS result: every record is a live task
 * with its facts, each tid appears once, each process's threads are
 * adjacent, every parent is in the result (the task set is one picture of
 * the tree: a pass that let a parent exit and its children be reparented
 * part way through could name a parent it no longer lists), and this
 * process appears with every caller thread.
 */
static int check_all(struct caller *c, char *why, size_t len)
{
	const struct process_info *hdr = (const void *)c->buf;
	const struct procrec *rec;
	const __u64 always = PROCESS_INFO_IDS | PROCESS_INFO_STATUS |
		PROCESS_INFO_OOM_SCORE_ADJ | PROCESS_INFO_CREDS |
		PROCESS_INFO_PRIO | PROCESS_INFO_COMM;
	unsigned int n = hdr->nr_procrecs, i = 0, runs = 0, mine = 0, k;
	int *tids, *run_tgids, *ppids, prev = 0, err = -1;

	if (hdr->mask != c->run->mask || hdr->flags)
		return pgi_fail(why, len, "header mask %#llx flags %#x",
				(unsigned long long)hdr->mask, hdr->flags);
	tids = malloc(sizeof(int) * (n + 1));
	run_tgids = malloc(sizeof(int) * (n + 1));
	ppids = malloc(sizeof(int) * (n + 1));
	if (!tids || !run_tgids || !ppids) {
		pgi_fail(why, len, "out of memory");
		goto out;
	}
	for (rec = pgi_first_rec(c->buf); rec; rec = pgi_next_rec(c->buf, rec)) {
		if (rec->input_index != -1 || rec->status & PROCREC_GONE) {
			pgi_fail(why, len, "record %u: input_index %d status %#x",
				 i, rec->input_index, rec->status);
			goto out;
		}
		if ((rec->mask & always) != (always & c->run->mask)) {
			pgi_fail(why, len, "record %u (tid %d): mask %#llx",
				 i, rec->tid, (unsigned long long)rec->mask);
			goto out;
		}
		if (rec->tid <= 0 || rec->tgid <= 0 || rec->ppid < 0 ||
		    !state_ok(rec->state)) {
			pgi_fail(why, len, "record %u: tid %d tgid %d ppid %d state %#x",
				 i, rec->tid, rec->tgid, rec->ppid, rec->state);
			goto out;
		}
		if (!i || rec->tgid != prev)
			run_tgids[runs++] = rec->tgid;
		prev = rec->tgid;
		ppids[i] = rec->ppid;
		tids[i++] = rec->tid;
		if (rec->tgid == c->run->tgid) {
			for (k = 0; k < NR_CALLERS; k++)
				if (c->run->callers[k].tid == rec->tid)
					mine++;
		}
	}
	qsort(tids, n, sizeof(int), pgi_cmp_int);
	for (k = 1; k < n; k++) {
		if (tids[k] == tids[k - 1]) {
			pgi_fail(why, len, "tid %d appears twice", tids[k]);
			goto out;
		}
	}
	/* Judged after the run, when it is known which of them lived throughout. */
	for (k = 0; k < c->run->nr_base; k++)
		if (!bsearch(&c->run->base_tids[k], tids, n, sizeof(int), pgi_cmp_int))
			__atomic_fetch_add(&c->run->base_missed[k], 1,
					   __ATOMIC_RELAXED);
	qsort(run_tgids, runs, sizeof(int), pgi_cmp_int);
	for (k = 1; k < runs; k++) {
		if (run_tgids[k] == run_tgids[k - 1]) {
			pgi_fail(why, len, "threads of %d not adjacent",
				 run_tgids[k]);
			goto out;
		}
	}
	/* 0: the parent is outside the caller's pid namespace (or none). */
	for (k = 0; k < n; k++) {
		if (ppids[k] && !bsearch(&ppids[k], run_tgids, runs, sizeof(int),
					 pgi_cmp_int)) {
			pgi_fail(why, len, "record %u: parent %d not in the result",
				 k, ppids[k]);
			goto out;
		}
	}
	if (mine != NR_CALLERS) {
		pgi_fail(why, len, "%u of the %d caller threads listed",
			 mine, NR_CALLERS);
		goto out;
	}
	/* Remember a few ids for the explicit-id calls. */
	c->nr_ids = 0;
	for (k = 0; k < EXPLICIT_IDS && n; k++)
		c->ids[c->nr_ids++] = tids[pgi_rnd(&c->seed) % n];
	err = 0;
out:
	free(tids);
	free(run_tgids);
	free(ppids);
	return err;
}

/*
 * Checks an explicit-id THREADS result: records follow the order of the
 * ids, a gone id gives one GONE record, and a live id's records are the
 * threads of one process, the named thread among them.
 */
static int check_explicit(struct caller *c, char *why, size_t len)
{
	const struct procrec *rec;
	int idx = -1, tgid = 0;
	bool named = true, gone = false;

	for (rec = pgi_first_rec(c->buf); rec; rec = pgi_next_rec(c->buf, rec)) {
		if (rec->input_index != idx) {
			if (rec->input_index != idx + 1 ||
			    rec->input_index >= c->nr_ids)
				return pgi_fail(why, len, "input_index %d after %d",
						rec->input_index, idx);
			if (!named)
				return pgi_fail(why, len, "id %d not among its threads",
						c->ids[idx]);
			idx = rec->input_index;
			tgid = rec->tgid;
			named = false;
			gone = false;
		} else if (gone) {
			return pgi_fail(why, len, "more than one record for gone id %d",
					c->ids[idx]);
		}
		if (rec->status & PROCREC_GONE) {
			if (rec->tid != c->ids[idx] || rec->mask)
				return pgi_fail(why, len,
						"gone record: tid %d mask %#llx for id %d",
						rec->tid,
						(unsigned long long)rec->mask,
						c->ids[idx]);
			c->gone_records++;
			named = true;
			gone = true;
			continue;
		}
		if (rec->tgid != tgid)
			return pgi_fail(why, len, "id %d: tgid %d then %d",
					c->ids[idx], tgid, rec->tgid);
		if (rec->tid == c->ids[idx])
			named = true;
	}
	if (!named)
		return pgi_fail(why, len, "id %d not among its threads",
				c->ids[idx]);
	if (idx != c->nr_ids - 1)
		return pgi_fail(why, len, "%d records' ids answered, %d asked",
				idx + 1, c->nr_ids);
	return 0;
}

static void count_err(struct caller *c, int err)
{
	c->err[err >= 0 && err < ERRNO_MAX ? err : 0]++;
}

/*
 * One call: grows the buffer on E2BIG (checking the truncated prefix each
 * time).  Returns 0 with *@used set, or the errno of a failure.
 */
static int call_grow(struct caller *c, int nr, const int *ids, int flags,
		     size_t *used)
{
	char why[256];
	int tries, err;

	for (tries = 0; tries < GROW_TRIES; tries++) {
		size_t sz = c->cap;

		c->calls++;
		if (!sys_process_getinfo(nr, ids, flags, c->run->mask, c->buf,
					 &sz)) {
			if (sz > c->cap)
				run_fail(c->run, "success with %zu bytes used of %zu",
					 sz, c->cap);
			c->ok++;
			*used = sz;
			c->last_need = sz;
			return 0;
		}
		err = errno;
		count_err(c, err);
		if (err != E2BIG)
			return err;
		if (sz <= c->cap) {
			run_fail(c->run, "E2BIG with %zu bytes needed of %zu",
				 sz, c->cap);
			return err;
		}
		if (pgi_check_buffer(c->buf, c->cap, why, sizeof(why)) ||
		    !(((struct process_info *)c->buf)->flags &
		      PROCESS_INFO_TRUNCATED)) {
			run_fail(c->run, "E2BIG prefix of %zu bytes: %s", c->cap,
				 why);
			return err;
		}
		c->truncated_checked++;
		c->last_need = sz;
		c->cap = sz + sz / 8 + 4096;
		free(c->buf);
		c->buf = malloc(c->cap);
		if (!c->buf) {
			run_fail(c->run, "malloc(%zu) failed", c->cap);
			return ENOMEM;
		}
		c->grown++;
	}
	run_fail(c->run, "E2BIG %d times in a row", GROW_TRIES);
	return E2BIG;
}

/* A call with a buffer smaller than the last result: E2BIG, valid prefix. */
static void call_small(struct caller *c)
{
	const struct process_info *hdr = (const void *)c->buf;
	size_t cap, sz;
	char why[256];
	int err;

	if (!c->last_need)
		return;
	cap = pgi_rnd(&c->seed) % c->last_need;
	sz = cap;
	c->calls++;
	c->small_calls++;
	if (!sys_process_getinfo(0, NULL, PROCESS_GETINFO_ALL |
				 PROCESS_GETINFO_THREADS, c->run->mask,
				 c->buf, &sz)) {
		/* The system shrank below the old size: still well-formed. */
		c->ok++;
		if (pgi_check_buffer(c->buf, sz, why, sizeof(why)) ||
		    check_all(c, why, sizeof(why)))
			run_fail(c->run, "small call (%zu bytes): %s", cap, why);
		return;
	}
	err = errno;
	count_err(c, err);
	if (err == ENOMEM)
		return;
	if (err != E2BIG) {
		run_fail(c->run, "small call (%zu bytes): %s", cap,
			 pgi_errname(err));
		return;
	}
	if (sz <= cap) {
		run_fail(c->run, "small call: E2BIG, %zu needed of %zu", sz, cap);
		return;
	}
	if (cap >= PROCESS_INFO_SIZE_VER0 &&
	    (pgi_check_buffer(c->buf, cap, why, sizeof(why)) ||
	     !(hdr->flags & PROCESS_INFO_TRUNCATED))) {
		run_fail(c->run, "small call prefix of %zu bytes: %s", cap, why);
		return;
	}
	c->truncated_checked++;
}

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	struct run *run = c->run;
	char why[256];
	size_t used;
	int err;

	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		unsigned int kind = pgi_rnd(&c->seed) % 8;

		if (kind == 0) {
			call_small(c);
			continue;
		}
		if (kind == 1 && c->nr_ids) {
			c->explicit_calls++;
			err = call_grow(c, c->nr_ids, c->ids,
					PROCESS_GETINFO_THREADS, &used);
			if (err == ENOMEM)	/* documented; counted */
				continue;
			if (err) {
				run_fail(run, "explicit-id call: %s",
					 pgi_errname(err));
				break;
			}
			if (pgi_check_buffer(c->buf, used, why, sizeof(why)) ||
			    check_explicit(c, why, sizeof(why)))
				run_fail(run, "explicit-id result: %s", why);
			continue;
		}
		err = call_grow(c, 0, NULL, PROCESS_GETINFO_ALL |
				PROCESS_GETINFO_THREADS, &used);
		if (err == ENOMEM)
			continue;
		if (err) {
			run_fail(run, "ALL|THREADS call: %s", pgi_errname(err));
			break;
		}
		if (pgi_check_buffer(c->buf, used, why, sizeof(why)) ||
		    check_all(c, why, sizeof(why))) {
			run_fail(run, "ALL|THREADS result (%zu bytes): %s",
				 used, why);
			break;
		}
		c->records += ((struct process_info *)c->buf)->nr_procrecs;
	}
	return NULL;
}

static void *caller_start(void *arg)
{
	struct caller *c = arg;

	/* Every caller's tid is known before any result is checked... */
	c->tid = gettid();
	pthread_barrier_wait(&c->run->started);
	caller_main(c);
	/* ...and every caller is alive until the last call has returned. */
	pthread_barrier_wait(&c->run->done);
	return NULL;
}

/* ---- slab and kmemleak ---- */

/*
 * Lets the slab settle: drops the page cache and reclaimable objects and
 * shrinks every cache (which also empties KASAN's quarantine of it).
 */
static void settle(void)
{
	char path[512];
	struct dirent *de;
	int round;
	DIR *dir;

	for (round = 0; round < SETTLE_ROUNDS; round++) {
		sync();
		pgi_write_str("/proc/sys/vm/drop_caches", "3");
		dir = opendir("/sys/kernel/slab");
		while (dir && (de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 de->d_name);
			pgi_write_str(path, "1");
		}
		if (dir)
			closedir(dir);
		pgi_sleep_ms(SETTLE_SLEEP_MS);
	}
}

struct slab_usage {
	long long slab_kb, sunreclaim_kb, vmalloc_kb;
};

static struct slab_usage slab_now(void)
{
	struct slab_usage u = {
		.slab_kb = pgi_meminfo_kb("Slab"),
		.sunreclaim_kb = pgi_meminfo_kb("SUnreclaim"),
		.vmalloc_kb = pgi_meminfo_kb("VmallocUsed"),
	};

	return u;
}

/* ---- the test ---- */

static void log_errors(struct __test_metadata *_metadata,
		       const unsigned long long *err)
{
	char s[1024];
	size_t len = pgi_errno_hist(s, sizeof(s), err, ERRNO_MAX, "other");

	TH_LOG("errors by errno:%s", len ? s : " none");
}

/* Makes the calls of caller @c for @secs seconds, with nothing else running. */
static unsigned long long calls_alone(struct run *run, struct caller *c,
				      int secs)
{
	long long end = pgi_now_ms() + secs * 1000LL;
	unsigned long long before = c->calls;
	char why[256];
	size_t used;
	int err;

	while (pgi_now_ms() < end && !run->fail.failed) {
		err = call_grow(c, 0, NULL, PROCESS_GETINFO_ALL |
				PROCESS_GETINFO_THREADS, &used);
		if (err) {
			run_fail(run, "calls-only phase: %s", pgi_errname(err));
			break;
		}
		if (pgi_check_buffer(c->buf, used, why, sizeof(why)))
			run_fail(run, "calls-only phase: %s", why);
	}
	return c->calls - before;
}

/* Field 22 of /proc/@tid/stat (the start time), or 0 if @tid is gone. */
static unsigned long long start_time(int tid)
{
	unsigned long long start = 0;
	char path[64], s[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, s, sizeof(s) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	s[n] = '\0';
	p = strrchr(s, ')');
	/* After "comm)": state is field 3, start time field 22. */
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

/* Records the tids of the solo caller's last ALL | THREADS result. */
static int take_baseline(struct run *run, struct caller *solo)
{
	const struct process_info *hdr = (const void *)solo->buf;
	const struct procrec *rec;
	unsigned int n = 0;

	run->base_tids = calloc(hdr->nr_procrecs, sizeof(int));
	run->base_start = calloc(hdr->nr_procrecs, sizeof(*run->base_start));
	run->base_missed = calloc(hdr->nr_procrecs, sizeof(unsigned int));
	if (!run->base_tids || !run->base_start || !run->base_missed)
		return -1;
	for (rec = pgi_first_rec(solo->buf); rec; rec = pgi_next_rec(solo->buf, rec))
		run->base_tids[n++] = rec->tid;
	qsort(run->base_tids, n, sizeof(int), pgi_cmp_int);
	for (n = 0; n < hdr->nr_procrecs; n++)
		run->base_start[n] = start_time(run->base_tids[n]);
	run->nr_base = n;
	return 0;
}

/*
 * Every fact of every thread, from NR_CALLERS threads under fork/exec/
 * thread/mmap churn: every call succeeds (E2BIG grows the buffer), every
 * result is well-formed and consistent, and no memory is leaked.
 */
TEST_F_TIMEOUT(stress, all_threads_under_churn, UNDER_CHURN_TIMEOUT)
{
	struct slab_usage s0, s1, s2, s3;
	struct caller solo = { .seed = 1 };
	unsigned int stable = 0;
	unsigned long long tot[ERRNO_MAX] = { 0 };
	unsigned long long calls = 0, ok = 0, records = 0, trunc = 0;
	unsigned long long grown = 0, expl = 0, gone = 0, small = 0, alone;
	bool root = geteuid() == 0, leakcheck;
	long long start_ms = pgi_now_ms(), t0, slack, progress;
	pthread_t self_churn;
	struct run *run;
	char *report;
	int i, e, ours, total;

	ASSERT_LE(stress_secs, MAX_SECS) {
		TH_LOG("at most %d s fit the %d s timeout", MAX_SECS,
		       UNDER_CHURN_TIMEOUT);
	}
	run = calloc(1, sizeof(*run));
	ASSERT_NE(NULL, run);
	pgi_failure_init(&run->fail, &run->stop);
	pthread_barrier_init(&run->started, NULL, NR_CALLERS);
	pthread_barrier_init(&run->done, NULL, NR_CALLERS);
	run->mask = self->supported_mask;
	run->tgid = getpid();
	self->churn = mmap(NULL, sizeof(*self->churn), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->churn);
	run->churn = self->churn;
	for (i = 0; i < NR_CALLERS; i++) {
		struct caller *c = &run->callers[i];

		c->run = run;
		c->seed = 0x9e3779b9u * (i + 1);
		c->buf = pgi_alloc_start(_metadata, &c->cap);
	}

	solo.run = run;
	solo.buf = pgi_alloc_start(_metadata, &solo.cap);

	/* Warm up (caches, the module's size guess), then the baselines. */
	alone = calls_alone(run, &solo, 1);
	ASSERT_EQ(0, run->fail.failed) {
		TH_LOG("%s", run->fail.why);
	}
	ASSERT_EQ(0, take_baseline(run, &solo));
	pgi_kmemleak_open(&self->mounted_debugfs);
	leakcheck = root && !access(PGI_KMEMLEAK_PATH, W_OK);
	if (leakcheck)
		pgi_kmemleak_clear();
	if (root)
		settle();
	s0 = slab_now();

	/* The run: churn processes, caller threads, the self churn. */
	t0 = pgi_now_ms();
	for (i = 0; i < NR_CHURNERS; i++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0)
			churner_main(run, 0x1234567u + i);
		self->churners[i] = pid;
	}
	for (i = 0; i < NR_CALLERS; i++)
		ASSERT_EQ(0, pthread_create(&run->callers[i].th, NULL,
					    caller_start, &run->callers[i]));
	ASSERT_EQ(0, pthread_create(&self_churn, NULL, self_churn_main, run));
	progress = t0 + PROGRESS_SECS * 1000LL;
	while (!run->fail.failed && pgi_now_ms() - t0 < stress_secs * 1000LL) {
		pgi_sleep_ms(100);
		if (pgi_now_ms() >= progress) {
			unsigned long long n = 0;

			for (i = 0; i < NR_CALLERS; i++)
				n += run->callers[i].calls;
			TH_LOG("%lld s: %llu calls, %llu forks",
			       (pgi_now_ms() - t0) / 1000, n, self->churn->forks);
			progress += PROGRESS_SECS * 1000LL;
		}
	}
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&self->churn->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NR_CALLERS; i++)
		pthread_join(run->callers[i].th, NULL);
	pthread_join(self_churn, NULL);
	for (i = 0; i < NR_CHURNERS; i++) {
		int status;

		ASSERT_EQ(self->churners[i], waitpid(self->churners[i],
						     &status, 0));
		self->churners[i] = 0;
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}

	for (i = 0; i < NR_CALLERS; i++) {
		struct caller *c = &run->callers[i];

		calls += c->calls;
		ok += c->ok;
		records += c->records;
		trunc += c->truncated_checked;
		grown += c->grown;
		expl += c->explicit_calls;
		gone += c->gone_records;
		small += c->small_calls;
		for (e = 0; e < ERRNO_MAX; e++)
			tot[e] += c->err[e];
	}
	TH_LOG("%d s: %llu calls (%llu ok, %llu records)", stress_secs, calls,
	       ok, records);
	TH_LOG("%llu explicit-id calls (%llu gone records), %llu small-buffer calls",
	       expl, gone, small);
	TH_LOG("%llu truncated prefixes checked, %llu buffer growths", trunc,
	       grown);
	log_errors(_metadata, tot);
	TH_LOG("churn: %llu forks, %llu execs, %llu threads, %llu exits, %llu orphans",
	       self->churn->forks, self->churn->execs, self->churn->threads,
	       self->churn->exits, self->churn->reparented);
	TH_LOG("churn: %llu mmaps, %llu munmaps, %llu mprotects",
	       self->churn->mmaps, self->churn->munmaps,
	       self->churn->mprotects);
	TH_LOG("churn: %llu changes of the caller's own map",
	       self->churn->self_maps);
	ASSERT_EQ(0, run->fail.failed) {
		TH_LOG("%s", run->fail.why);
	}
	ASSERT_GT(ok, 0ULL);
	/* A task that lived throughout was in every ALL | THREADS result. */
	for (i = 0; i < (int)run->nr_base; i++) {
		if (!run->base_start[i] ||
		    start_time(run->base_tids[i]) != run->base_start[i])
			continue;
		stable++;
		EXPECT_EQ(0U, run->base_missed[i]) {
			TH_LOG("tid %d lived throughout but was missing from %u results",
			       run->base_tids[i], run->base_missed[i]);
		}
	}
	TH_LOG("%u tasks lived throughout the run: each was in every result",
	       stable);
	/* E2BIG is handled by growing; ENOMEM is allowed (and logged). */
	for (e = 1; e < ERRNO_MAX; e++) {
		if (e == E2BIG || e == ENOMEM)
			continue;
		EXPECT_EQ(0ULL, tot[e]) {
			TH_LOG("%llu calls failed with %s", tot[e], pgi_errname(e));
		}
	}
	EXPECT_EQ(0ULL, tot[0]);

	if (!root) {
		TH_LOG("not root: slab and kmemleak checks skipped");
		goto out;
	}

	/* The slab is back where it was once the churn's objects are gone. */
	settle();
	s1 = slab_now();
	slack = SLAB_SLACK_KB + s0.sunreclaim_kb * SLAB_SLACK_PCT / 100;
	TH_LOG("slab after the run: Slab %lld -> %lld kB, VmallocUsed %lld -> %lld kB",
	       s0.slab_kb, s1.slab_kb, s0.vmalloc_kb, s1.vmalloc_kb);
	TH_LOG("slab after the run: SUnreclaim %lld -> %lld kB (slack %lld kB)",
	       s0.sunreclaim_kb, s1.sunreclaim_kb, slack);
	EXPECT_LT(s1.sunreclaim_kb - s0.sunreclaim_kb, slack);

	/* Calls alone: a leak per call or per record would show here. */
	s2 = s1;
	alone = calls_alone(run, &solo, CALLS_PHASE_SECS);
	ASSERT_EQ(0, run->fail.failed) {
		TH_LOG("%s", run->fail.why);
	}
	settle();
	s3 = slab_now();
	TH_LOG("%llu calls alone (%u records each): SUnreclaim %lld -> %lld kB",
	       alone, ((struct process_info *)solo.buf)->nr_procrecs,
	       s2.sunreclaim_kb, s3.sunreclaim_kb);
	TH_LOG("%llu calls alone: VmallocUsed %lld -> %lld kB", alone,
	       s2.vmalloc_kb, s3.vmalloc_kb);
	EXPECT_LT(s3.sunreclaim_kb - s2.sunreclaim_kb, CALLS_SLACK_KB);
	EXPECT_LT(s3.vmalloc_kb - s2.vmalloc_kb, CALLS_SLACK_KB);

	if (!leakcheck) {
		TH_LOG("no %s: kmemleak check skipped", PGI_KMEMLEAK_PATH);
		goto out;
	}
	pgi_sleep_ms(PGI_KMEMLEAK_AGE_MS);
	t0 = pgi_now_ms();
	ASSERT_EQ(0, pgi_write_str(PGI_KMEMLEAK_PATH, "scan"));
	report = pgi_read_file(PGI_KMEMLEAK_PATH, PGI_KMEMLEAK_REPORT_MAX);
	ASSERT_NE(NULL, report);
	/* Ours: the backtrace mentions process_getinfo (module or system call). */
	ours = pgi_kmemleak_log(_metadata, report, false, &total);
	/* (Worded so that no log scanner takes it for a kmemleak report.) */
	TH_LOG("leak scan (%lld ms): %d objects reported, %d mention process_getinfo",
	       pgi_now_ms() - t0, total, ours);
	free(report);
	EXPECT_EQ(0, ours);
out:
	for (i = 0; i < NR_CALLERS; i++)
		free(run->callers[i].buf);
	free(solo.buf);
	free(run->base_tids);
	free(run->base_start);
	free(run->base_missed);
	free(run);
	pgi_assert_within(_metadata, start_ms, stress_secs + MARGIN_SECS);
}

int main(int argc, char **argv)
{
	const char *env = getenv("PGI_STRESS_SECS");

	/* An exec'd copy from the churn: exit at once. */
	if (argc > 1 && !strcmp(argv[1], EXIT_NOW_ARG))
		return 0;
	if (env && *env)
		stress_secs = atoi(env);
	if (argc > 1 && isdigit((unsigned char)argv[1][0])) {
		stress_secs = atoi(argv[1]);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (stress_secs < 1)
		stress_secs = 1;
	return test_harness_run(argc, argv);
}
