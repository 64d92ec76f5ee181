// SPDX-License-Identifier: GPL-2.0
/*
 * The error paths of process_getinfo(2) that take a big or a constrained
 * system to reach: a fatal signal ends a call that would run for minutes,
 * a small memory cgroup makes the call fail with ENOMEM (its kernel memory
 * is charged to the caller), and an enormous *inout_sz is only a number.
 * The tests skip as a whole when the system call is not available (ENOSYS);
 * the memory cgroup test skips when there is no cgroup2 memory controller.
 * Children are always reaped, and what the tests change (vm.max_map_count,
 * the cgroup2 mount and its memory controller) is put back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <poll.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define MANY_VMAS		100000
#define SMALL_BUF		4096
/* The file the long call's process maps: this many 250-byte directories deep. */
#define DEEP_DIRS		6
#define DEEP_NAME_LEN		250
/*
 * Threads of the 100,000-VMA process in fatal_signal_ends_long_call: with
 * THREADS each is a record of the whole map, so a call naming it walks
 * the map once per thread (4 GiB of records at most: about 670).
 */
#define BIG_THREADS		700
#define THREAD_STACK		(64 * 1024)
/* Its VMAs, two per thread stack (the stack and its guard), and slack. */
#define MAP_COUNT_NEEDED	(MANY_VMAS + 2 * BIG_THREADS + 1000)

/*
 * fatal_signal_ends_long_call: SIGKILL comes KILL_DELAY_MS after the caller
 * says it is about to call, and the caller must be reaped within a bound:
 * the whole call's duration / LONG_CALL_RATIO, at most KILL_BOUND_MS, and
 * at least KILL_SLACK_RECORDS records' worth (the walk ends between
 * records).
 */
#define KILL_DELAY_MS		500
#define KILL_BOUND_MS		20000
#define LONG_CALL_RATIO		30
#define KILL_SLACK_RECORDS	3
#define TIMING_RUNS		3

#define CG_ROOT			"/sys/fs/cgroup"
/* The headroom above the caller's usage in enomem_in_small_memcg. */
#define CG_HEADROOM		(1024L * 1024)
#define HUGE_TEST_BUF		(1024L * 1024)
#define NO_ADJ			(-2000)	/* not an oom_score_adj */

/* What a calling child reports for one call. */
struct reply {
	long ret;
	int err;
	int __pad;
	size_t sz;
};

/* A file deep down a directory chain, made by the test. */
struct deep_file {
	char path[PATH_MAX];	/* the file, or "" */
	int nr_dirs;		/* the directories above it made by the test */
};

/* The cgroup made by the test, and what the test changed to make it. */
struct cgroup {
	char path[PATH_MAX];	/* the cgroup, or "" */
	bool mounted;		/* cgroup2 was mounted by the test */
	bool memory_on;		/* +memory was enabled by the test */
};

FIXTURE(errors)
{
	struct pgi_kids kids;
	long old_map_count;	/* vm.max_map_count to restore, or -1 */
	struct deep_file deep;
	struct cgroup cg;
};

FIXTURE_SETUP(errors)
{
	struct process_info hdr;

	self->kids.nr = 0;
	self->old_map_count = -1;
	self->deep.path[0] = '\0';
	self->deep.nr_dirs = 0;
	self->cg.path[0] = '\0';
	self->cg.mounted = false;
	self->cg.memory_on = false;

	PGI_PROBE_OR_SKIP(&hdr);
}

/* The value of "@key " in a flat-keyed file such as memory.events, or -1. */
static long long read_key(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char s[1024], *p;

	if (pgi_read_str(path, s, sizeof(s)))
		return -1;
	for (p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

static void cg_path(char *buf, size_t len, const char *cg, const char *file)
{
	snprintf(buf, len, "%s/%s", cg, file);
}

static long long cg_read(const char *cg, const char *file)
{
	char path[PATH_MAX + 32];

	cg_path(path, sizeof(path), cg, file);
	return pgi_read_long(path);
}

static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[PATH_MAX + 32];

	cg_path(path, sizeof(path), cg, file);
	return pgi_write_str(path, val);
}

/* Moves @pid into cgroup @cg. */
static int cg_enter(const char *cg, pid_t pid)
{
	char s[32];

	snprintf(s, sizeof(s), "%d", pid);
	return cg_write(cg, "cgroup.procs", s);
}

/* Moves every task of the test's cgroup back to the root, then removes it. */
static void cg_remove(struct cgroup *cg)
{
	char path[PATH_MAX + 32], *line = NULL;
	size_t len = 0;
	FILE *f;

	if (!cg->path[0])
		return;
	cg_path(path, sizeof(path), cg->path, "cgroup.procs");
	f = fopen(path, "re");
	if (f) {
		while (getline(&line, &len, f) > 0) {
			line[strcspn(line, "\n")] = '\0';
			cg_write(CG_ROOT, "cgroup.procs", line);
		}
		fclose(f);
	}
	free(line);
	rmdir(cg->path);
	cg->path[0] = '\0';
}

static void cg_teardown(struct cgroup *cg)
{
	cg_remove(cg);
	if (cg->memory_on)
		cg_write(CG_ROOT, "cgroup.subtree_control", "-memory");
	cg->memory_on = false;
	if (cg->mounted)
		umount(CG_ROOT);
	cg->mounted = false;
}

/* Removes the deep file and the directories above it, deepest first. */
static void deep_remove(struct deep_file *deep)
{
	char *slash;

	if (!deep->path[0])
		return;
	unlink(deep->path);
	for (; deep->nr_dirs > 0; deep->nr_dirs--) {
		slash = strrchr(deep->path, '/');
		if (!slash)
			break;
		*slash = '\0';
		rmdir(deep->path);
	}
	deep->path[0] = '\0';
}

FIXTURE_TEARDOWN(errors)
{
	pgi_kids_kill(&self->kids);
	cg_teardown(&self->cg);
	deep_remove(&self->deep);
	pgi_map_count_restore(&self->old_map_count);
}

/*
 * Makes a new cgroup with the memory controller, mounting cgroup2 and
 * enabling the controller first if need be.  Returns a reason to skip, or
 * NULL when the cgroup is @cg.
 */
static const char *cg_setup(struct cgroup *cg)
{
	static char why[128];
	char s[512];
	int err;

	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		if (mkdir(CG_ROOT, 0755) && errno != EEXIST)
			goto fail;
		if (mount("none", CG_ROOT, "cgroup2", 0, NULL))
			goto fail;
		cg->mounted = true;
	}
	if (pgi_read_str(CG_ROOT "/cgroup.controllers", s, sizeof(s)))
		goto fail;
	if (!strstr(s, "memory"))
		return "cgroup2 has no memory controller";
	if (pgi_read_str(CG_ROOT "/cgroup.subtree_control", s, sizeof(s)))
		goto fail;
	if (!strstr(s, "memory")) {
		err = cg_write(CG_ROOT, "cgroup.subtree_control", "+memory");
		if (err) {
			errno = -err;
			goto fail;
		}
		cg->memory_on = true;
	}
	snprintf(cg->path, sizeof(cg->path), "%s/pgi-errors-%d", CG_ROOT,
		 getpid());
	if (mkdir(cg->path, 0755)) {
		cg->path[0] = '\0';
		goto fail;
	}
	return NULL;
fail:
	snprintf(why, sizeof(why), "no cgroup2 memory controller: %s",
		 strerror(errno));
	return why;
}

/* ---- the children's side ---- */

/*
 * Maps MANY_VMAS pages of alternating protection, then sleeps: anonymous
 * memory, or the file at @arg if given (its one page mapped MANY_VMAS times
 * over; nothing is touched, so nothing beyond it is read).
 */
/* Threads kid_many() starts (set before the fork): each a record of the whole map. */
static int kid_many_threads;

static int kid_many(int cmd, int ack, void *arg)
{
	long pg = sysconf(_SC_PAGESIZE), i;
	const char *path = arg;
	int fd = -1;
	char *p;

	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 1;
	}
	p = mmap(NULL, MANY_VMAS * pg, PROT_READ,
		 MAP_PRIVATE | MAP_NORESERVE | (path ? 0 : MAP_ANONYMOUS),
		 fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED)
		return 1;
	for (i = 1; i < MANY_VMAS; i += 2)
		if (mprotect(p + i * pg, pg, PROT_READ | PROT_WRITE))
			return 1;
	if (pgi_start_threads(kid_many_threads, THREAD_STACK) < kid_many_threads)
		return 1;
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/* What a calling child is asked to do. */
struct call_args {
	int nr_proc;
	const int *proc;	/* valid in the child: set before the fork */
	int flags;
	__u64 mask;
	size_t buf_len;		/* bytes of buffer, touched before "ready" */
	size_t sz;		/* *inout_sz to pass */
	int oom_score_adj;	/* set before "ready" unless NO_ADJ */
	bool once;		/* one call right after "ready", no reply */
};

/* Is a successful call's buffer malformed, or written at or past @used? */
static bool buf_bad(const char *buf, size_t len, size_t used)
{
	if (used > len || pgi_check_buffer(buf, used, NULL, 0))
		return true;
	for (; used < len; used++)
		if (buf[used])
			return true;
	return false;
}

/*
 * Makes the call of @arg (a struct call_args) each time the parent writes
 * a byte, and replies with a struct reply; with ->once, makes it once
 * right after "ready" and then exits 3.  The buffer is touched first, so
 * the call itself faults in no user memory.
 */
static int kid_caller(int cmd, int ack, void *arg)
{
	const struct call_args *a = arg;
	struct reply r;
	char *buf, c;

	buf = mmap(NULL, a->buf_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0, a->buf_len);
	if (a->oom_score_adj != NO_ADJ &&
	    pgi_write_long("/proc/self/oom_score_adj", a->oom_score_adj))
		return 1;
	pgi_child_ready(ack);
	for (;;) {
		if (!a->once && !pgi_child_command(cmd, &c))
			return 0;
		memset(&r, 0, sizeof(r));
		memset(buf, 0, a->buf_len);
		r.sz = a->sz;
		r.ret = sys_process_getinfo(a->nr_proc, a->proc, a->flags,
					    a->mask, buf, &r.sz);
		r.err = r.ret ? errno : 0;
		if (a->once)
			return 3;
		if (r.ret == 0 && buf_bad(buf, a->buf_len, r.sz))
			r.err = -1;	/* success, but a bad buffer */
		if (write(ack, &r, sizeof(r)) != sizeof(r))
			return 2;
	}
}

/* ---- the parent's side ---- */

/* Has a calling child make its call once more; returns its reply. */
static struct reply kid_call(struct __test_metadata *_metadata,
			     struct pgi_child *k)
{
	struct reply r = { .ret = 0 };
	ssize_t n;

	ASSERT_EQ(1, write(k->cmd, "c", 1));
	do {
		n = read(k->ack, &r, sizeof(r));
	} while (n < 0 && errno == EINTR);
	ASSERT_EQ((ssize_t)sizeof(r), n) {
		TH_LOG("child %d did not reply (killed?)", k->pid);
	}
	return r;
}

/*
 * Starts the 100,000-VMA process (of file @path if not NULL) among @kids,
 * raising vm.max_map_count for it (the old value in *@old_map_count).
 */
static struct pgi_child *spawn_big(struct __test_metadata *_metadata,
				   struct pgi_kids *kids, long *old_map_count,
				   const char *path)
{
	struct pgi_child *k;

	pgi_map_count_raise(_metadata, MAP_COUNT_NEEDED, old_map_count);
	k = pgi_kids_spawn(_metadata, kids, kid_many, (void *)path);
	pgi_child_wait(_metadata, k);
	return k;
}

/*
 * Makes a one-page file DEEP_DIRS directories of DEEP_NAME_LEN bytes down
 * /tmp: a VMA of it costs a walk of its long path to name (the name itself
 * is stored once per record).
 */
static const char *make_deep_file(struct __test_metadata *_metadata,
				  struct deep_file *deep)
{
	char name[DEEP_NAME_LEN + 1];
	size_t len;
	int i, fd;

	memset(name, 'd', DEEP_NAME_LEN);
	name[DEEP_NAME_LEN] = '\0';
	len = snprintf(deep->path, sizeof(deep->path), "/tmp/pgi-errors-%d",
		       getpid());
	ASSERT_EQ(0, mkdir(deep->path, 0755));
	deep->nr_dirs = 1;
	for (i = 0; i < DEEP_DIRS; i++) {
		len += snprintf(deep->path + len, sizeof(deep->path) - len,
				"/%s", name);
		ASSERT_LT(len, sizeof(deep->path) - 8);
		ASSERT_EQ(0, mkdir(deep->path, 0755));
		deep->nr_dirs++;
	}
	strcat(deep->path, "/map");
	fd = open(deep->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, sysconf(_SC_PAGESIZE)));
	close(fd);
	return deep->path;
}

/* SIGKILL ends a call of many minutes within about one record (EINTR never reaches user space). */
TEST_F_TIMEOUT(errors, fatal_signal_ends_long_call, 600)
{
	const __u64 mask = PROCESS_INFO_MEMORY_MAP;
	__u64 buf[SMALL_BUF / 8];
	long long t0, one_ns = LLONG_MAX, full_ns, bound_ns, reap_ns;
	size_t sz, rec_sz, walked;
	struct call_args args;
	struct pgi_child *big, *k;
	int *ids, i, pidfd, status;
	struct pollfd pfd;

	kid_many_threads = BIG_THREADS;
	big = spawn_big(_metadata, &self->kids, &self->old_map_count,
			make_deep_file(_metadata, &self->deep));
	kid_many_threads = 0;

	/* One record of the big process, timed; the buffer is too small. */
	for (i = 0; i < TIMING_RUNS; i++) {
		sz = sizeof(buf);
		t0 = pgi_now_ns();
		ASSERT_EQ(-1, sys_process_getinfo(1, &big->pid, 0, mask, buf,
						  &sz));
		t0 = pgi_now_ns() - t0;
		ASSERT_EQ(E2BIG, errno);
		if (t0 < one_ns)
			one_ns = t0;
	}
	ASSERT_GE(sz, (size_t)MANY_VMAS * PROCREC_VMA_SIZE_VER0);
	rec_sz = sz - PROCESS_INFO_SIZE_VER0;

	/*
	 * The call below names the big process with THREADS: a record of the
	 * whole map per thread, each built (the buffer is too small, but the
	 * size needed is counted).  Offsets are __u32, so it ends (EOVERFLOW)
	 * once its records pass 4 GiB: it walks at most that many records.
	 */
	walked = (UINT32_MAX - PROCESS_INFO_SIZE_VER0) / rec_sz;
	if (walked > BIG_THREADS + 1)
		walked = BIG_THREADS + 1;
	full_ns = one_ns * (long long)walked;
	bound_ns = full_ns / LONG_CALL_RATIO;
	if (bound_ns > KILL_BOUND_MS * 1000000LL)
		bound_ns = KILL_BOUND_MS * 1000000LL;
	TH_LOG("a record: %zu bytes, %lld ms; the call: %zu records, >= %lld s; bound %lld ms",
	       rec_sz, one_ns / 1000000, walked, full_ns / 1000000000,
	       bound_ns / 1000000);
	ASSERT_GE(full_ns, LONG_CALL_RATIO * bound_ns);
	ASSERT_GE(bound_ns, KILL_SLACK_RECORDS * one_ns) {
		TH_LOG("the call is too short to prove anything");
	}

	ids = malloc(sizeof(*ids));
	ASSERT_NE(NULL, ids);
	ids[0] = big->pid;
	args = (struct call_args) {
		.nr_proc = 1,
		.proc = ids,
		.flags = PROCESS_GETINFO_THREADS,
		.mask = mask,
		.buf_len = SMALL_BUF,
		.sz = SMALL_BUF,
		.oom_score_adj = NO_ADJ,
		.once = true,
	};
	k = pgi_kids_spawn(_metadata, &self->kids, kid_caller, &args);
	free(ids);
	pidfd = pgi_pidfd_open(k->pid);
	ASSERT_GE(pidfd, 0) {
		TH_LOG("pidfd_open: %s", strerror(errno));
	}
	pgi_child_wait(_metadata, k);

	pgi_sleep_ms(KILL_DELAY_MS);
	/* Still in the call: it has not returned, so it has not exited. */
	pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	ASSERT_EQ(0, poll(&pfd, 1, 0)) {
		TH_LOG("the call returned within %d ms", KILL_DELAY_MS);
	}
	ASSERT_EQ(0, kill(k->pid, SIGKILL));
	t0 = pgi_now_ns();
	ASSERT_EQ(1, poll(&pfd, 1, bound_ns / 1000000)) {
		TH_LOG("not reaped %lld ms after SIGKILL", bound_ns / 1000000);
	}
	reap_ns = pgi_now_ns() - t0;
	close(pidfd);
	ASSERT_EQ(k->pid, waitpid(k->pid, &status, 0));
	k->pid = 0;
	TH_LOG("reaped %lld ms after SIGKILL", reap_ns / 1000000);
	ASSERT_LE(reap_ns, bound_ns);
	/* Killed, not exited: the call never returned to user space. */
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGKILL, WTERMSIG(status));

	/* The big process's mmap lock was let go: it can still be read. */
	sz = sizeof(buf);
	ASSERT_EQ(-1, sys_process_getinfo(1, &big->pid, 0, mask, buf, &sz));
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(rec_sz + PROCESS_INFO_SIZE_VER0, sz);
}

/* The call is charged to the caller: a killable caller with 1 MiB to spare gets ENOMEM, no OOM. */
TEST_F_TIMEOUT(errors, enomem_in_small_memcg, 600)
{
	const __u64 mask = PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP;
	char events[PATH_MAX + 32], max[32];
	long long cur, after, oom, oom_kill;
	struct call_args args;
	struct pgi_child *big, *k;
	const char *why;
	struct reply r;
	int status;

	why = cg_setup(&self->cg);
	if (why)
		SKIP(return, "%s", why);
	cg_path(events, sizeof(events), self->cg.path, "memory.events");
	big = spawn_big(_metadata, &self->kids, &self->old_map_count, NULL);

	args = (struct call_args) {
		.nr_proc = 1,
		.proc = &big->pid,
		.mask = mask,
		.buf_len = SMALL_BUF,
		.sz = SMALL_BUF,
		.oom_score_adj = NO_ADJ,
	};
	k = pgi_kids_spawn(_metadata, &self->kids, kid_caller, &args);
	pgi_child_wait(_metadata, k);
	ASSERT_EQ(0, cg_enter(self->cg.path, k->pid));

	cur = cg_read(self->cg.path, "memory.current");
	ASSERT_GE(cur, 0);
	snprintf(max, sizeof(max), "%lld", cur + CG_HEADROOM);
	ASSERT_EQ(0, cg_write(self->cg.path, "memory.max", max));

	r = kid_call(_metadata, k);
	after = cg_read(self->cg.path, "memory.current");
	oom = read_key(events, "oom");
	oom_kill = read_key(events, "oom_kill");
	TH_LOG("memory.current %lld, memory.max %s; after the call %lld; oom %lld, oom_kill %lld",
	       cur, max, after, oom, oom_kill);
	ASSERT_EQ(-1, r.ret);
	ASSERT_EQ(ENOMEM, r.err) {
		TH_LOG("errno %d (%s)", r.err, strerror(r.err));
	}
	/* __GFP_RETRY_MAYFAIL: the OOM killer is never invoked for the call. */
	ASSERT_EQ(0, oom);
	ASSERT_EQ(0, oom_kill);

	ASSERT_EQ(0, cg_write(self->cg.path, "memory.max", "max"));
	r = kid_call(_metadata, k);
	ASSERT_EQ(-1, r.ret);
	ASSERT_EQ(E2BIG, r.err) {
		TH_LOG("errno %d (%s)", r.err, strerror(r.err));
	}
	ASSERT_GE(r.sz, (size_t)MANY_VMAS * PROCREC_VMA_SIZE_VER0);

	ASSERT_EQ(0, cg_enter(CG_ROOT, k->pid));
	status = pgi_child_reap(_metadata, k);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The cgroup is gone once its last task has left. */
	snprintf(events, sizeof(events), "%s", self->cg.path);
	cg_remove(&self->cg);
	ASSERT_EQ(-1, access(events, F_OK));
}

/* *inout_sz = SIZE_MAX / 2 is only a size: the call succeeds, sets it, allocates nothing for it. */
TEST_F(errors, enormous_inout_sz)
{
	long long base = -1, peak;
	struct call_args args;
	char path[PATH_MAX + 32], s[32];
	const char *why;
	struct reply r;
	struct pgi_child *k;
	int fd = -1, status;
	ssize_t n;

	why = cg_setup(&self->cg);
	if (why)
		TH_LOG("%s: checking the result only", why);
	args = (struct call_args) {
		.flags = PROCESS_GETINFO_ALL,
		.mask = PROCESS_INFO_IDS,
		.buf_len = HUGE_TEST_BUF,
		.sz = SIZE_MAX / 2,
		.oom_score_adj = NO_ADJ,
	};
	k = pgi_kids_spawn(_metadata, &self->kids, kid_caller, &args);
	pgi_child_wait(_metadata, k);
	if (!why) {
		ASSERT_EQ(0, cg_enter(self->cg.path, k->pid));
		/* A write to memory.peak restarts this fd's peak from now. */
		cg_path(path, sizeof(path), self->cg.path, "memory.peak");
		fd = open(path, O_RDWR | O_CLOEXEC);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(1, write(fd, "0", 1));
		base = cg_read(self->cg.path, "memory.current");
		ASSERT_GE(base, 0);
	}

	r = kid_call(_metadata, k);
	ASSERT_EQ(0, r.ret) {
		TH_LOG("errno %d (%s)", r.err, strerror(r.err));
	}
	ASSERT_EQ(0, r.err) {
		TH_LOG("the buffer is malformed or written past %zu", r.sz);
	}
	ASSERT_GE(r.sz, (size_t)PROCESS_INFO_SIZE_VER0 + PROCREC_SIZE_VER0);
	ASSERT_LT(r.sz, (size_t)HUGE_TEST_BUF);
	ASSERT_EQ(0U, r.sz % 8);

	if (fd >= 0) {
		n = pread(fd, s, sizeof(s) - 1, 0);
		ASSERT_GT(n, 0);
		s[n] = '\0';
		peak = strtoll(s, NULL, 10);
		close(fd);
		TH_LOG("%zu bytes used; memory.current %lld before, peak %lld during the call",
		       r.sz, base, peak);
		ASSERT_LT(peak - base, HUGE_TEST_BUF);
		ASSERT_EQ(0, cg_enter(CG_ROOT, k->pid));
	}
	status = pgi_child_reap(_metadata, k);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
