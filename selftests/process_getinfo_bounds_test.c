// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds an unprivileged caller cannot break (design.md section 5): the
 * work under tasklist_lock stays O(tasks + nr_proc) whatever the arguments
 * (a pid repeated PROCESS_GETINFO_NR_PROC_MAX times with THREADS does not
 * stall fork() elsewhere), ALL from a child pid namespace costs that
 * namespace's tasks and not the host's, and a file name longer than
 * PATH_MAX is returned as /proc/PID/maps prints it instead of failing the
 * call, and a memory map walked in chunks (the mmap lock let go between
 * them) is still one picture while a writer changes it.
 *
 * The tests skip as a whole when the system call is not available.
 * Children are reaped and the directories made are removed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define NOBODY			65534

/* repeated_ids_keep_fork_fast */
#define MAX_THREADS		4000	/* as many as the guest allows, up to this */
#define MIN_THREADS		500
#define THREAD_STACK		(64 * 1024)
#define PHASE_MS		3000	/* idle phase, then calling phase */
#define LATENCY_RATIO		10	/* worst fork while calling vs idle */
#define CALL_BUF		(1024 * 1024)

/* all_from_child_ns_costs_its_own_tasks */
#define HOST_TASKS		5000
#define NS_TASKS		3
#define NS_RUNS			7
#define NS_RATIO		10

/* long_names_as_maps_prints_them */
#define DIR_NAME_LEN		250
#define FILE_NAME_MAX		255
#define NR_LONG			5

/* map_walk_is_one_picture */
#define TORN_MARKERS		8
#define TORN_SEG		2500	/* pages after each marker: one VMA each */
#define TORN_PAGES		(TORN_MARKERS * TORN_SEG)	/* many of the module's chunks */
#define TORN_MS			10000
#define TORN_MIN_CALLS		5
#define TORN_MIN_ROUNDS		100	/* writer steps while the calls ran */
#define TORN_NAME		"pgi-torn"	/* the markers' anonymous name */

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

FIXTURE(bounds)
{
	char base[PATH_MAX];	/* the directory made by the test, or "" */
	int depth;		/* levels of DIR_NAME_LEN directories under it */
};

FIXTURE_SETUP(bounds)
{
	struct process_info hdr;

	self->base[0] = '\0';
	self->depth = 0;
	PGI_PROBE_OR_SKIP(&hdr);
}

static void dir_name(char *name, int level)
{
	memset(name, 'a' + level % 26, DIR_NAME_LEN);
	name[DIR_NAME_LEN] = '\0';
}

/* Opens directory level @d under @base by relative steps. */
static int open_level(const char *base, int d)
{
	char name[DIR_NAME_LEN + 1];
	int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC), i;

	for (i = 0; fd >= 0 && i < d; i++) {
		int next;

		dir_name(name, i);
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

FIXTURE_TEARDOWN(bounds)
{
	char name[DIR_NAME_LEN + 1];
	int fd, d;

	if (!self->base[0])
		return;
	/* Walk down by relative paths (the full path is longer than PATH_MAX). */
	for (d = self->depth; d >= 0; d--) {
		fd = open_level(self->base, d);
		if (fd < 0)
			continue;
		{
			DIR *dir = fdopendir(dup(fd));
			struct dirent *e;

			while (dir && (e = readdir(dir)))
				if (e->d_type == DT_REG)
					unlinkat(fd, e->d_name, 0);
			if (dir)
				closedir(dir);
		}
		if (d < self->depth) {
			dir_name(name, d);
			unlinkat(fd, name, AT_REMOVEDIR);
		}
		close(fd);
	}
	rmdir(self->base);
}

/* ---- repeated_ids_keep_fork_fast ---- */

/*
 * The phase (0 idle, 1 calling, 2 done) lives in memory shared between
 * processes: it is read and set only through these (relaxed atomics: every
 * access reaches memory).
 */
static int phase_get(const int *phase)
{
	return __atomic_load_n(phase, __ATOMIC_RELAXED);
}

static void phase_set(int *phase, int val)
{
	__atomic_store_n(phase, val, __ATOMIC_RELAXED);
}

/* Forks and reaps children back to back, recording the worst latency per phase. */
static void probe(int *phase, long long *worst, long *samples)
{
	while (phase_get(phase) < 2) {
		int ph = phase_get(phase);
		long long t = pgi_now_ns(), dt;
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			continue;
		waitpid(pid, NULL, 0);
		dt = pgi_now_ns() - t;
		if (ph == phase_get(phase) && ph < 2) {
			if (dt > worst[ph])
				worst[ph] = dt;
			samples[ph]++;
		}
	}
}

struct caller_report {
	int nr_threads;
	int rc;
	long calls;
	long long worst_call_ns;
	size_t sz_repeated;	/* *inout_sz after the repeated-id call */
	int err_repeated;
	char msg[256];
};

/*
 * The unprivileged caller: starts as many threads as it can, then while the
 * phase is "calling" repeats the worst calls: its own pid NR_PROC_MAX times
 * with THREADS, and ALL|THREADS.
 */
static void caller(int *phase, struct caller_report *r)
{
	static int ids[PROCESS_GETINFO_NR_PROC_MAX];
	void *buf;
	int i;

	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		snprintf(r->msg, sizeof(r->msg), "setuid: %s", strerror(errno));
		r->rc = 1;
		return;
	}
	r->nr_threads = 1 + pgi_start_threads(MAX_THREADS - 1, THREAD_STACK);
	buf = malloc(CALL_BUF);
	if (!buf) {
		r->rc = 1;
		return;
	}
	for (i = 0; i < PROCESS_GETINFO_NR_PROC_MAX; i++)
		ids[i] = getpid();
	/* Ready: the prober starts its idle phase. */
	phase_set(phase, -1);
	while (phase_get(phase) != 1)
		pgi_sleep_ms(10);
	while (phase_get(phase) == 1) {
		long long t = pgi_now_ns();
		size_t sz = CALL_BUF;
		long ret;

		ret = sys_process_getinfo(PROCESS_GETINFO_NR_PROC_MAX, ids,
					  PROCESS_GETINFO_THREADS, PROCESS_INFO_IDS,
					  buf, &sz);
		r->err_repeated = ret ? errno : 0;
		r->sz_repeated = sz;
		sz = CALL_BUF;
		if (sys_process_getinfo(0, NULL, PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS,
					PROCESS_INFO_IDS, buf, &sz) && errno != E2BIG) {
			snprintf(r->msg, sizeof(r->msg), "ALL|THREADS: %s", strerror(errno));
			r->rc = 1;
		}
		t = pgi_now_ns() - t;
		if (t > r->worst_call_ns)
			r->worst_call_ns = t;
		r->calls++;
	}
	free(buf);
}

/*
 * A pid repeated PROCESS_GETINFO_NR_PROC_MAX times with THREADS, by an
 * unprivileged process with as many threads as the guest allows, and
 * ALL|THREADS, do not hold tasklist_lock long: the worst fork()+exit()
 * latency of another process while they run stays within LATENCY_RATIO of
 * its worst while they do not.  The repeated call fails with E2BIG and the
 * exact size, or with EOVERFLOW when that size passes 4 GiB.
 */
TEST_F_TIMEOUT(bounds, repeated_ids_keep_fork_fast, 300)
{
	struct shared {
		int phase;
		struct caller_report r;
	} *sh;
	long long worst[2] = { 0, 0 };
	long samples[2] = { 0, 0 };
	unsigned long long want;
	pid_t pid;
	int status;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		caller(&sh->phase, &sh->r);
		phase_set(&sh->phase, 2);
		_exit(0);
	}
	while (phase_get(&sh->phase) == 0)
		pgi_sleep_ms(10);
	ASSERT_EQ(0, sh->r.rc) TH_LOG("%s", sh->r.msg);
	ASSERT_GE(sh->r.nr_threads, MIN_THREADS);

	/* Idle, then calling, PHASE_MS each; the prober runs in this process. */
	phase_set(&sh->phase, 0);
	{
		pid_t timer = fork();

		ASSERT_GE(timer, 0);
		if (timer == 0) {
			pgi_sleep_ms(PHASE_MS);
			phase_set(&sh->phase, 1);
			pgi_sleep_ms(PHASE_MS);
			phase_set(&sh->phase, 2);
			_exit(0);
		}
		probe(&sh->phase, worst, samples);
		waitpid(timer, NULL, 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, sh->r.rc) TH_LOG("%s", sh->r.msg);
	ksft_print_msg("%d threads, %ld call pairs (worst %.1f ms)\n",
		       sh->r.nr_threads, sh->r.calls, sh->r.worst_call_ns / 1e6);
	ksft_print_msg("worst fork+exit: idle %.2f ms (%ld), calling %.2f ms (%ld)\n",
		       worst[0] / 1e6, samples[0], worst[1] / 1e6, samples[1]);
	ASSERT_GT(sh->r.calls, 0);
	ASSERT_GT(samples[0], 0);
	ASSERT_GT(samples[1], 0);
	EXPECT_LE(worst[1], LATENCY_RATIO * worst[0]);

	/* Every thread of the group once per id: exact size, or past 4 GiB. */
	want = sizeof(struct process_info) +
	       (unsigned long long)PROCESS_GETINFO_NR_PROC_MAX * sh->r.nr_threads *
	       sizeof(struct procrec);
	if (want > UINT32_MAX) {
		EXPECT_EQ(EOVERFLOW, sh->r.err_repeated);
	} else {
		EXPECT_EQ(E2BIG, sh->r.err_repeated);
		EXPECT_EQ(want, sh->r.sz_repeated);
	}
	munmap(sh, sizeof(*sh));
}

/* The same pid named twice with THREADS: each id gets the group, in order. */
TEST_F(bounds, repeated_ids_are_answered_each)
{
	const struct pgi_blocked three_threads = { .nr_threads = 3 };
	const struct procrec *rec;
	struct pgi_child child;
	int ids[5], n = 0;
	size_t used;
	pid_t kid;
	void *buf;

	ASSERT_EQ(0, pgi_spawn_blocked(&child, &three_threads));
	kid = child.pid;
	ids[0] = kid;
	ids[1] = getpid();
	ids[2] = kid;
	ids[3] = -5;
	ids[4] = kid;
	buf = pgi_getinfo_alloc(5, ids, PROCESS_GETINFO_THREADS,
				PROCESS_INFO_IDS | PROCESS_INFO_COMM, &used);
	ASSERT_NE(NULL, buf);
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec), n++) {
		static const int want_index[] = { 0, 0, 0, 0, 1, 2, 2, 2, 2, 3, 4, 4, 4, 4 };

		ASSERT_LT(n, (int)ARRAY_SIZE(want_index));
		EXPECT_EQ(want_index[n], rec->input_index);
		if (rec->input_index == 3) {
			EXPECT_EQ(PROCREC_GONE, rec->status);
			EXPECT_EQ(-5, rec->tid);
		} else if (rec->input_index != 1) {
			EXPECT_EQ(kid, rec->tgid);
		}
	}
	EXPECT_EQ(14, n);
	free(buf);
	/* Without THREADS: one record per id, repeats included. */
	buf = pgi_getinfo_alloc(5, ids, 0, PROCESS_INFO_IDS, &used);
	ASSERT_NE(NULL, buf);
	n = 0;
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec), n++) {
		EXPECT_EQ(n, rec->input_index);
		EXPECT_EQ(ids[n], rec->tid);
	}
	EXPECT_EQ(5, n);
	free(buf);
	pgi_child_kill(&child);
}

/* ---- all_from_child_ns_costs_its_own_tasks ---- */

/*
 * The shortest of NS_RUNS calls of ALL|THREADS with IDS (what the call costs:
 * a busy host preempting the guest only adds to some); the records of the
 * last.
 */
static long long time_all(int *nr_recs)
{
	long long t[NS_RUNS];
	size_t sz, cap = 1 << 22;
	void *buf = malloc(cap);
	int i;

	if (!buf)
		return -1;
	for (i = 0; i < NS_RUNS; i++) {
		long long t0 = pgi_now_ns();

		sz = cap;
		if (sys_process_getinfo(0, NULL, PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS,
					PROCESS_INFO_IDS, buf, &sz)) {
			free(buf);
			return -1;
		}
		t[i] = pgi_now_ns() - t0;
	}
	*nr_recs = ((struct process_info *)buf)->nr_procrecs;
	free(buf);
	for (i = 1; i < NS_RUNS; i++)
		if (t[i] < t[0])
			t[0] = t[i];
	return t[0];
}

/*
 * With HOST_TASKS extra tasks on the host, ALL|THREADS from a new pid
 * namespace holding NS_TASKS tasks lists those and takes under a tenth of
 * the time of the same call from the initial namespace.
 */
TEST_F_TIMEOUT(bounds, all_from_child_ns_costs_its_own_tasks, 900)
{
	struct {
		long long ns_time;
		int nr_recs;
		int ok;
	} *sh;
	const struct pgi_blocked host_threads = {
		.nr_threads = HOST_TASKS, .stack_size = THREAD_STACK,
	};
	long long host_time, t0 = pgi_now_ms();
	int host_recs = 0, status;
	struct pgi_child many;
	pid_t init;

	ASSERT_EQ(0, pgi_spawn_blocked(&many, &host_threads));
	ksft_print_msg("%d threads started in %lld ms\n", HOST_TASKS, pgi_now_ms() - t0);
	host_time = time_all(&host_recs);
	ASSERT_GT(host_time, 0);
	ASSERT_GT(host_recs, HOST_TASKS);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	init = fork();
	ASSERT_GE(init, 0);
	if (init == 0) {
		/* pid 1 of the new namespace, and two blocked children. */
		const struct pgi_blocked blocked = { 0 };
		struct pgi_child k1, k2;
		int err1 = pgi_spawn_blocked(&k1, &blocked);
		int err2 = pgi_spawn_blocked(&k2, &blocked);

		sh->ns_time = time_all(&sh->nr_recs);
		sh->ok = getpid() == 1 && !err1 && !err2;
		pgi_child_kill(&k1);
		pgi_child_kill(&k2);
		_exit(0);
	}
	ASSERT_EQ(init, waitpid(init, &status, 0));
	pgi_child_kill(&many);
	ASSERT_TRUE(sh->ok);
	ksft_print_msg("ALL|THREADS, IDS: %d records in %.3f ms from the initial pid namespace\n",
		       host_recs, host_time / 1e6);
	ksft_print_msg("ALL|THREADS, IDS: %d records in %.3f ms from a child namespace\n",
		       sh->nr_recs, sh->ns_time / 1e6);
	EXPECT_EQ(NS_TASKS, sh->nr_recs);
	ASSERT_GT(sh->ns_time, 0);
	EXPECT_LT(sh->ns_time * NS_RATIO, host_time);
	munmap(sh, sizeof(*sh));
}

/* ---- long_names_as_maps_prints_them ---- */

/* The names a child maps. */
struct long_files {
	const char *base;			/* the directory they are under */
	char rel[NR_LONG][FILE_NAME_MAX + 1];	/* file names in the deepest dirs */
	int level[NR_LONG];			/* depth of each */
	size_t len[NR_LONG];			/* full path lengths */
	bool unlink_after_map[NR_LONG];
};

/* The name field of each line of /proc/@pid/maps, in order; the count. */
static int maps_names(pid_t pid, char ***names)
{
	char path[64], *text, *line, *save = NULL;
	int n = 0, cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	text = pgi_read_file(path, 16 << 20);
	if (!text)
		return -1;
	*names = NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;
		int field;

		/* address perms offset dev inode, then padding, then the name */
		for (field = 0; field < 5 && p; field++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		while (p && *p == ' ')
			p++;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = realloc(*names, cap * sizeof(**names));
		}
		(*names)[n++] = strdup(p ? p : "");
	}
	free(text);
	return n;
}

/* The setup of the blocked child: maps each file, unlinking those it should. */
static int map_long_files(void *arg)
{
	const struct long_files *lf = arg;
	int i;

	for (i = 0; i < NR_LONG; i++) {
		int dir = open_level(lf->base, lf->level[i]);
		int fd = dir >= 0 ? openat(dir, lf->rel[i], O_RDONLY | O_CLOEXEC) : -1;

		if (fd < 0 || mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED)
			return -1;
		if (lf->unlink_after_map[i] && unlinkat(dir, lf->rel[i], 0))
			return -1;
		close(fd);
		close(dir);
	}
	return 0;
}

/*
 * Files whose paths are PATH_MAX - 1, PATH_MAX and PATH_MAX + 1 bytes long,
 * one of 5,029 bytes, and one of 5,029 bytes unlinked after it is mapped:
 * MEMORY_MAP returns every name as /proc/PID/maps prints it, and a snapshot
 * of every process's map succeeds.
 */
TEST_F(bounds, long_names_as_maps_prints_them)
{
	static const size_t lens[NR_LONG] = { PATH_MAX - 1, PATH_MAX, PATH_MAX + 1, 5029, 5029 };
	char name[DIR_NAME_LEN + 1], rb[PATH_MAX];
	struct long_files lf;
	const struct pgi_blocked mapper = { .setup = map_long_files, .arg = &lf };
	const struct procrec *rec;
	const struct procrec_vma *v;
	struct pgi_child child;
	char **names = NULL;
	int i, n, found = 0, dfd;
	size_t base_len, used;
	pid_t kid;
	void *buf;

	snprintf(self->base, sizeof(self->base), "/tmp/pgi-long-%d", getpid());
	ASSERT_EQ(0, mkdir(self->base, 0755));
	ASSERT_NE(NULL, realpath(self->base, rb));
	base_len = strlen(rb);
	/* Enough levels for the longest name. */
	self->depth = (5029 - base_len - 1 - 1) / (DIR_NAME_LEN + 1);
	dfd = open(self->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(dfd, 0);
	for (i = 0; i < self->depth; i++) {
		int next;

		dir_name(name, i);
		ASSERT_EQ(0, mkdirat(dfd, name, 0755));
		next = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(dfd);
		dfd = next;
		ASSERT_GE(dfd, 0);
	}
	close(dfd);

	memset(&lf, 0, sizeof(lf));
	lf.base = self->base;
	for (i = 0; i < NR_LONG; i++) {
		/* The shallowest level whose file name can make the length. */
		int d;
		size_t f = 0;

		for (d = 0; d <= self->depth; d++) {
			size_t dirs = base_len + (size_t)d * (DIR_NAME_LEN + 1);

			if (lens[i] > dirs + 1 && lens[i] - dirs - 1 <= FILE_NAME_MAX) {
				f = lens[i] - dirs - 1;
				break;
			}
		}
		ASSERT_LE(d, self->depth);
		lf.level[i] = d;
		lf.len[i] = lens[i];
		memset(lf.rel[i], 'f', f);
		lf.rel[i][0] = '0' + i;
		lf.rel[i][f] = '\0';
		lf.unlink_after_map[i] = i == NR_LONG - 1;
		dfd = open_level(self->base, d);
		ASSERT_GE(dfd, 0);
		n = openat(dfd, lf.rel[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		ASSERT_GE(n, 0);
		ASSERT_EQ(0, ftruncate(n, 4096));
		close(n);
		close(dfd);
	}

	ASSERT_EQ(0, pgi_spawn_blocked(&child, &mapper));
	kid = child.pid;

	buf = pgi_getinfo_alloc(1, &kid, 0, PROCESS_INFO_MEMORY_MAP, &used);
	ASSERT_NE(NULL, buf) TH_LOG("MEMORY_MAP: %s", strerror(errno));
	n = maps_names(kid, &names);
	ASSERT_GT(n, 0);
	rec = pgi_first_rec(buf);
	ASSERT_NE(NULL, rec);
	ASSERT_EQ((unsigned int)n, rec->nr_vmas);
	v = pgi_first_vma(buf, rec);
	for (i = 0; i < n && v; i++) {
		const char *got = v->backing_file_name_offset ?
				  (const char *)buf + v->backing_file_name_offset : "";
		size_t j;

		EXPECT_STREQ(names[i], got);
		for (j = 0; j < NR_LONG; j++)
			if (strlen(got) == lf.len[j] + (lf.unlink_after_map[j] ? 10 : 0))
				found++;
		v = pgi_next_vma(buf, v);
	}
	EXPECT_EQ(n, i);
	/* Each long file is found once (the unlinked one with " (deleted)"). */
	EXPECT_EQ(NR_LONG, found);
	free(buf);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);

	/* A snapshot of every map on the system succeeds with it in. */
	buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL, PROCESS_INFO_MEMORY_MAP, &used);
	EXPECT_NE(NULL, buf) TH_LOG("ALL|MEMORY_MAP: %s", strerror(errno));
	free(buf);
	pgi_child_kill(&child);
}

/* ---- map_walk_is_one_picture ---- */

/*
 * The child's map: TORN_MARKERS marker slots spread over TORN_PAGES pages of
 * alternating protection (one VMA each), a PROT_NONE guard page below them.
 * A thread of the child moves a token around the slots, each step one
 * system call: map slot i + 1, unmap slot i, i = i + 1 (modulo
 * TORN_MARKERS).  So at every instant the map holds the marker of one slot,
 * or of two adjacent ones.  A walk that saw some slots before a step and
 * others after can see no marker, two apart, or three.  Each marker is
 * named TORN_NAME right after it is mapped, so that the walk reads names
 * again as the map changes (and drops those of markers gone).
 *
 * The struct lives in memory shared with the parent.
 */
struct torn_map {
	unsigned long rounds;	/* steps done by the writer */
	unsigned long stop;	/* set by the parent to end the writer */
	uintptr_t slot[TORN_MARKERS];	/* set by the child's setup */
};

static bool torn_map_page(uintptr_t at, bool map)
{
	const long pg = sysconf(_SC_PAGESIZE);

	if (!map)
		return !munmap((void *)at, pg);
	return mmap((void *)at, pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == (void *)at &&
	       !prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, at, pg, TORN_NAME);
}

static void *torn_writer(void *arg)
{
	struct torn_map *t = arg;
	int i = 0;

	while (!__atomic_load_n(&t->stop, __ATOMIC_RELAXED)) {
		int next = (i + 1) % TORN_MARKERS;

		if (!torn_map_page(t->slot[next], true) || !torn_map_page(t->slot[i], false))
			break;	/* the parent sees the steps stop */
		i = next;
		__atomic_add_fetch(&t->rounds, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* The blocked child's setup: the map, then the writer thread. */
static int torn_setup(void *arg)
{
	struct torn_map *t = arg;
	const long pg = sysconf(_SC_PAGESIZE);
	pthread_t th;
	char *base;
	int i, err;

	/*
	 * guard, then per marker: its slot and TORN_SEG pages, alternately
	 * PROT_NONE and PROT_READ, the first PROT_NONE: a slot's neighbours
	 * are never read-write like its marker, so that it merges with none.
	 */
	base = mmap(NULL, (1 + TORN_MARKERS * (TORN_SEG + 1) + 1) * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	for (i = 0; i < TORN_MARKERS; i++) {
		char *slot = base + (1 + (long)i * (TORN_SEG + 1)) * pg;
		int j;

		t->slot[i] = (uintptr_t)slot;
		for (j = 2; j <= TORN_SEG; j += 2)
			if (mprotect(slot + (long)j * pg, pg, PROT_READ))
				return -1;
		if (munmap(slot, pg))
			return -1;
	}
	if (!torn_map_page(t->slot[0], true))
		return -1;
	err = pthread_create(&th, NULL, torn_writer, t);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* FNV-1a of @len bytes at @p, continuing from @h. */
static __u64 torn_fold(__u64 h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

/* Whether the markers seen (bit i: slot i) are one, or two adjacent ones. */
static bool torn_valid(unsigned int seen)
{
	int i;

	for (i = 0; i < TORN_MARKERS; i++) {
		unsigned int one = 1U << i, two = one | 1U << (i + 1) % TORN_MARKERS;

		if (seen == one || seen == two)
			return true;
	}
	return false;
}

/*
 * MEMORY_MAP of a 20,000-VMA map (read in several holds of the mmap lock,
 * which the writer keeps asking for) while a thread of its process moves a
 * token around the marker slots: every snapshot holds the markers of one
 * instant, all the other VMAs, in address order, and the same named VMAs
 * with the same names (which the walk keeps across holds, while it reads
 * the markers that changed again and leaves out those that went).
 */
TEST_F_TIMEOUT(bounds, map_walk_is_one_picture, 300)
{
	struct torn_map *t;
	struct pgi_blocked b = { .setup = torn_setup };
	struct pgi_child child;
	long calls = 0, pairs = 0, others = -1;
	__u64 names0 = 0;
	unsigned long rounds0, rounds;
	long long end;
	pid_t kid;

	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t);
	b.arg = t;
	ASSERT_EQ(0, pgi_spawn_blocked(&child, &b));
	kid = child.pid;
	rounds0 = __atomic_load_n(&t->rounds, __ATOMIC_RELAXED);
	end = pgi_now_ms() + TORN_MS;
	while (pgi_now_ms() < end) {
		const struct procrec *rec;
		const struct procrec_vma *v;
		const char *name;
		unsigned int seen = 0;
		__u64 prev_end = 0, names = 0xcbf29ce484222325ULL;
		long n = 0, markers = 0;
		size_t used;
		void *buf;
		int i;

		buf = pgi_getinfo_alloc(1, &kid, 0, PROCESS_INFO_MEMORY_MAP, &used);
		ASSERT_NE(NULL, buf) TH_LOG("MEMORY_MAP: %s", strerror(errno));
		rec = pgi_first_rec(buf);
		ASSERT_NE(NULL, rec);
		ASSERT_EQ(0U, rec->status);
		for (v = pgi_first_vma(buf, rec); v; v = pgi_next_vma(buf, v)) {
			ASSERT_LE(prev_end, v->start);
			ASSERT_LT(v->start, v->end);
			prev_end = v->end;
			n++;
			name = v->backing_file_name_offset ?
			       (const char *)buf + v->backing_file_name_offset : NULL;
			for (i = 0; i < TORN_MARKERS; i++)
				if (v->start == t->slot[i])
					break;
			if (i < TORN_MARKERS) {
				seen |= 1U << i;
				markers++;
				/* Named right after it was mapped, or not yet. */
				ASSERT_TRUE(!name || !strcmp(name, "[anon:" TORN_NAME "]"))
					TH_LOG("call %ld: marker %d named '%s'", calls, i, name);
			} else if (name) {
				names = torn_fold(names, &v->start, sizeof(v->start));
				names = torn_fold(names, name, strlen(name) + 1);
			}
		}
		ASSERT_EQ(rec->nr_vmas, (__u32)n);
		free(buf);
		ASSERT_TRUE(torn_valid(seen))
			TH_LOG("call %ld: markers %#x: not one instant's", calls, seen);
		if (others < 0) {
			others = n - markers;
			names0 = names;
		}
		/* Only the markers move: the other named VMAs stay as they were. */
		ASSERT_EQ(names0, names)
			TH_LOG("call %ld: the named VMAs differ from the first call's", calls);
		ASSERT_EQ(others, n - markers)
			TH_LOG("call %ld: %ld VMAs besides the markers, not %ld",
			       calls, n - markers, others);
		pairs += markers == 2;
		calls++;
	}
	rounds = __atomic_load_n(&t->rounds, __ATOMIC_RELAXED) - rounds0;
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELAXED);
	TH_LOG("%ld calls over %ld other VMAs, %ld seeing two markers; %lu writer steps",
	       calls, others, pairs, rounds);
	EXPECT_GE(others, TORN_PAGES);
	EXPECT_GE(calls, TORN_MIN_CALLS);
	EXPECT_GE(rounds, (unsigned long)TORN_MIN_ROUNDS);
	pgi_child_kill(&child);
	munmap(t, sizeof(*t));
}

TEST_HARNESS_MAIN
