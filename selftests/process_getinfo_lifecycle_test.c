// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading the process_getinfo module while calls are in
 * flight.  NR_CALLERS threads call process_getinfo(2) without pause while
 * the test loads the module with finit_module(2) and unloads it with
 * delete_module(2, O_NONBLOCK), retrying while calls hold it.  Every call
 * must return 0 (with a well-formed buffer), E2BIG (the buffer is grown)
 * or ENOSYS, and ENOSYS only while the module is unloaded or an unload
 * that succeeded overlapped the call; right after an unload the system
 * call answers ENOSYS, right after a load it works.
 *
 * The module is MODULE_PATH (or $PGI_MODULE); the number of load/unload
 * rounds is $PGI_LIFECYCLE_LOOPS or DEFAULT_LOOPS.  The module is left
 * loaded if it was loaded at the start, unloaded otherwise.  The test
 * skips without root, without the module file, or when the module cannot
 * be loaded at all (a kernel without the process_getinfo hook).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sched.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define MODULE_PATH		"/lib/process_getinfo.ko"
#define MODULE_NAME		"process_getinfo"
#define DEFAULT_LOOPS		20
/*
 * The time limit of load_unload_under_calls: FIXED_SECS plus ROUND_SECS a
 * round (a round takes about 1.7 s under TCG with KASAN), checked round by
 * round.  The harness's timeout holds MAX_LOOPS rounds, more than make
 * stress's 200.
 */
#define FIXED_SECS		120
#define ROUND_SECS		5
#define MAX_LOOPS		250
#define UNDER_CALLS_TIMEOUT	(FIXED_SECS + MAX_LOOPS * ROUND_SECS)
#define NR_CALLERS		3
#define ERRNO_MAX		256
/* Retry a refused unload this long before lightening the calls. */
#define UNLOAD_SPIN_MS		500
/* ...and give up this long after that. */
#define UNLOAD_GIVE_UP_MS	30000
/* How long each state lasts, at most, between transitions. */
#define DWELL_MAX_MS		40
/* The ring of transition outcomes the callers look back at. */
#define RING			1024

struct caller {
	pthread_t th;
	struct shared *sh;
	unsigned int seed;
	unsigned char *buf;
	size_t cap;
	int pidfd;
	unsigned long long calls, ok, enosys, e2big;
	unsigned long long raced_ok, raced_enosys;	/* across a state change */
	unsigned long long err[ERRNO_MAX];
};

/*
 * The state the callers judge their results by.  Transition n (a load or
 * an unload attempt) runs while seq == 2n + 1; before seq becomes 2n + 2,
 * changed[n % RING] says whether it changed the state and loaded holds the
 * state after it.
 */
struct shared {
	int stop;
	int hold_off;		/* callers make only light calls */
	unsigned int seq;
	int loaded;
	unsigned char changed[RING];
	__u64 mask;		/* every fact the module supports */
	struct pgi_failure fail;
	struct caller callers[NR_CALLERS];
};

FIXTURE(lifecycle)
{
	const char *path;
	int fd;
	bool was_loaded;
	bool loaded;
	bool mounted_debugfs;
	struct shared *sh;
};

static long finit_module_args(int fd, const char *args)
{
	return syscall(__NR_finit_module, fd, args, 0);
}

static long finit_module(int fd)
{
	return finit_module_args(fd, "");
}

static long delete_module(void)
{
	return syscall(__NR_delete_module, MODULE_NAME, O_NONBLOCK);
}

/* Whether the system call answers: 1 yes, 0 ENOSYS, -errno otherwise. */
static int probe(__u64 *supported)
{
	struct process_info hdr;
	size_t sz = sizeof(hdr);

	if (!sys_process_getinfo(0, NULL, 0, 0, &hdr, &sz)) {
		if (supported)
			*supported = hdr.supported_mask;
		return 1;
	}
	return errno == ENOSYS ? 0 : -errno;
}

FIXTURE_SETUP(lifecycle)
{
	int ret;

	self->fd = -1;
	self->sh = NULL;
	self->mounted_debugfs = false;
	self->path = getenv("PGI_MODULE") ?: MODULE_PATH;

	ret = probe(NULL);
	ASSERT_GE(ret, 0) {
		TH_LOG("probe failed: %s", strerror(-ret));
	}
	self->was_loaded = ret == 1;
	self->loaded = self->was_loaded;
	if (geteuid())
		SKIP(return, "not root: cannot load modules");
	self->fd = open(self->path, O_RDONLY | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", self->path, strerror(errno));
	if (!self->loaded) {
		if (finit_module(self->fd))
			SKIP(return, "process_getinfo(2) is not available and %s does not load: %s",
			     self->path, strerror(errno));
		self->loaded = true;
		ASSERT_EQ(1, probe(NULL));
	}
}

/* Puts the module back the way it was found. */
FIXTURE_TEARDOWN(lifecycle)
{
	long long t;
	int i;

	if (self->sh) {
		__atomic_store_n(&self->sh->stop, 1, __ATOMIC_SEQ_CST);
		for (i = 0; i < NR_CALLERS; i++)
			if (self->sh->callers[i].th)
				pthread_join(self->sh->callers[i].th, NULL);
	}
	if (self->fd >= 0) {
		if (self->was_loaded && !self->loaded && !finit_module(self->fd))
			self->loaded = true;
		for (t = 0; !self->was_loaded && self->loaded && t < 30000; t++) {
			if (!delete_module())
				self->loaded = false;
			else
				usleep(1000);
		}
		close(self->fd);
	}
	if (self->mounted_debugfs)
		umount(PGI_DEBUGFS);
}

/* A caller's failure: the first is kept; every caller stops. */
#define sh_fail(sh, ...) pgi_fail_first(&(sh)->fail, __VA_ARGS__)

/* ---- transitions (the test's thread) ---- */

static void transition_begin(struct shared *sh)
{
	__atomic_add_fetch(&sh->seq, 1, __ATOMIC_SEQ_CST);
}

static void transition_end(struct shared *sh, bool changed, bool loaded)
{
	unsigned int n = sh->seq / 2;

	sh->changed[n % RING] = changed;
	__atomic_store_n(&sh->loaded, loaded, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->seq, 1, __ATOMIC_SEQ_CST);
}

/*
 * Whether a transition that changed the state overlapped a call that
 * began at @s1 and ended at @s2 (or one is still running).
 */
static bool changed_during(struct shared *sh, unsigned int s1,
			   unsigned int s2)
{
	unsigned int n;

	if (s2 & 1)
		return true;	/* still running: either outcome */
	if (s2 - s1 >= 2 * RING)
		return true;
	for (n = s1 / 2; n < s2 / 2; n++)
		if (__atomic_load_n(&sh->changed[n % RING], __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/* ---- the callers ---- */

/*
 * One call of the kind @kind, judged against the module's state: 0, or
 * -1 after recording a failure.
 */
static int one_call(struct caller *c, int kind)
{
	struct shared *sh = c->sh;
	int self_ids[2] = { getpid(), 1 };
	unsigned int s1, s2;
	int loaded, err, nr = 0, flags = 0;
	const int *ids = NULL;
	__u64 mask = 0;
	char why[256];
	size_t sz;
	long ret;

	switch (kind) {
	case 0:		/* everything about everyone */
		flags = PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS;
		mask = sh->mask;
		break;
	case 1:		/* the header only */
		break;
	case 2:		/* this process and init, with their maps */
		nr = 2;
		ids = self_ids;
		mask = PROCESS_INFO_IDS | PROCESS_INFO_COMM |
		       PROCESS_INFO_MEMORY_MAP;
		break;
	default:	/* a pidfd: its reference taken and put */
		nr = 1;
		ids = &c->pidfd;
		flags = PROCESS_GETINFO_PIDFD | PROCESS_GETINFO_THREADS;
		mask = PROCESS_INFO_IDS | PROCESS_INFO_VM_SEQ;
		break;
	}

	s1 = __atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST);
	loaded = __atomic_load_n(&sh->loaded, __ATOMIC_SEQ_CST);
	sz = c->cap;
	ret = sys_process_getinfo(nr, ids, flags, mask, c->buf, &sz);
	err = ret ? errno : 0;
	s2 = __atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST);
	c->calls++;
	c->err[err < ERRNO_MAX ? err : 0]++;

	switch (err) {
	case 0:
		c->ok++;
		if (changed_during(sh, s1, s2)) {
			c->raced_ok++;
		} else if (!loaded) {
			sh_fail(sh, "kind %d: success while unloaded (transitions %u..%u)",
				kind, s1, s2);
			return -1;
		}
		if (pgi_check_buffer(c->buf, sz, why, sizeof(why))) {
			sh_fail(sh, "kind %d: bad buffer: %s", kind, why);
			return -1;
		}
		return 0;
	case ENOSYS:
		c->enosys++;
		if (changed_during(sh, s1, s2)) {
			c->raced_enosys++;
		} else if (loaded) {
			sh_fail(sh, "kind %d: ENOSYS while loaded (transitions %u..%u)",
				kind, s1, s2);
			return -1;
		}
		return 0;
	case E2BIG:
		c->e2big++;
		if (sz <= c->cap) {
			sh_fail(sh, "kind %d: E2BIG with %zu needed of %zu",
				kind, sz, c->cap);
			return -1;
		}
		free(c->buf);
		c->cap = sz + 4096;
		c->buf = malloc(c->cap);
		if (!c->buf) {
			sh_fail(sh, "malloc(%zu) failed", c->cap);
			return -1;
		}
		return 0;
	default:
		sh_fail(sh, "kind %d: %s", kind, pgi_errname(err));
		return -1;
	}
}

static void *caller_main(void *arg)
{
	struct caller *c = arg;

	while (!__atomic_load_n(&c->sh->stop, __ATOMIC_SEQ_CST)) {
		int kind = pgi_rnd(&c->seed) % 4;

		/* Header-only calls are short: an unload gets between them. */
		if (__atomic_load_n(&c->sh->hold_off, __ATOMIC_SEQ_CST))
			kind = 1;
		if (one_call(c, kind))
			break;
	}
	return NULL;
}

/* ---- kmemleak ---- */

/*
 * Scans for leaks and counts the reported objects whose backtrace names
 * process_getinfo or a module address no symbol resolves any more (an
 * unloaded instance of the module), printing every report.
 */
static int kmemleak_ours(struct __test_metadata *_metadata, int *total)
{
	char *s = NULL;
	int ours;

	if (!pgi_write_str(PGI_KMEMLEAK_PATH, "scan"))
		s = pgi_read_file(PGI_KMEMLEAK_PATH, PGI_KMEMLEAK_REPORT_MAX);
	ours = pgi_kmemleak_log(_metadata, s, true, total);
	free(s);
	return ours;
}

/* ---- the test ---- */

static int loops(void)
{
	const char *env = getenv("PGI_LIFECYCLE_LOOPS");
	int n = env && *env ? atoi(env) : DEFAULT_LOOPS;

	return n > 0 ? n : 1;
}

/*
 * Unload and reload the module under continuous calls: every call gives
 * 0/E2BIG/ENOSYS consistent with the state, ENOSYS right after an
 * unload, success right after a load, and the module's state restored.
 */
/* Unloads the module, retrying while a call holds it: 0 or -errno. */
static int unload(void)
{
	int t;

	for (t = 0; t < 30000; t++) {
		if (!delete_module())
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		usleep(1000);
	}
	return -EBUSY;
}

/*
 * hidepid and gid given at load time take effect, as procfs's mount
 * options; a value procfs does not know fails the load.
 */
TEST_F(lifecycle, load_time_parameters)
{
	char s[32];

	ASSERT_EQ(0, unload());
	self->loaded = false;
	ASSERT_EQ(-1, finit_module_args(self->fd, "hidepid=3"));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, probe(NULL));
	ASSERT_EQ(0, finit_module_args(self->fd, "hidepid=invisible gid=77"));
	self->loaded = true;
	ASSERT_EQ(0, pgi_read_str("/sys/module/" MODULE_NAME "/parameters/hidepid", s, sizeof(s)));
	EXPECT_EQ(2, atoi(s));
	ASSERT_EQ(0, pgi_read_str("/sys/module/" MODULE_NAME "/parameters/gid", s, sizeof(s)));
	EXPECT_EQ(77, atoi(s));
	/* Back to the defaults for what follows. */
	ASSERT_EQ(0, unload());
	self->loaded = false;
	ASSERT_EQ(0, finit_module(self->fd));
	self->loaded = true;
	ASSERT_EQ(0, pgi_read_str("/sys/module/" MODULE_NAME "/parameters/hidepid", s, sizeof(s)));
	EXPECT_EQ(0, atoi(s));
}

TEST_F_TIMEOUT(lifecycle, load_unload_under_calls, UNDER_CALLS_TIMEOUT)
{
	unsigned long long tot[ERRNO_MAX] = { 0 }, calls = 0, ok = 0;
	unsigned long long enosys = 0, refused = 0, held_off = 0;
	unsigned long long raced_ok = 0, raced_enosys = 0;
	int nloops = loops(), round, i, e, ours, total;
	bool leakcheck = pgi_kmemleak_open(&self->mounted_debugfs);
	long long t0 = pgi_now_ms(), t, slowest = 0;
	struct shared *sh;
	char s[1024];

	ASSERT_LE(nloops, MAX_LOOPS) {
		TH_LOG("at most %d rounds fit the %d s timeout", MAX_LOOPS,
		       UNDER_CALLS_TIMEOUT);
	}
	sh = calloc(1, sizeof(*sh));
	ASSERT_NE(NULL, sh);
	self->sh = sh;
	pgi_failure_init(&sh->fail, &sh->stop);
	sh->loaded = 1;
	ASSERT_EQ(1, probe(&sh->mask));
	if (leakcheck)
		pgi_kmemleak_clear();
	for (i = 0; i < NR_CALLERS; i++) {
		struct caller *c = &sh->callers[i];

		c->sh = sh;
		c->seed = 0x2545f491u * (i + 1);
		c->buf = pgi_alloc_start(_metadata, &c->cap);
		c->pidfd = pgi_pidfd_open(getpid());
		ASSERT_GE(c->pidfd, 0);
	}
	for (i = 0; i < NR_CALLERS; i++)
		ASSERT_EQ(0, pthread_create(&sh->callers[i].th, NULL,
					    caller_main, &sh->callers[i]));

	for (round = 0; round < nloops && !sh->fail.failed; round++) {
		pgi_assert_within(_metadata, t0, FIXED_SECS + nloops * ROUND_SECS);
		/* Unload: refused while calls hold the module; retried. */
		t = pgi_now_ms();
		for (;;) {
			long ret;

			transition_begin(sh);
			ret = delete_module();
			e = ret ? errno : 0;
			transition_end(sh, !ret, !!ret);
			if (!ret)
				break;
			ASSERT_TRUE(e == EAGAIN || e == EWOULDBLOCK ||
				    e == EBUSY) {
				TH_LOG("delete_module: %s", strerror(e));
			}
			refused++;
			if (!sh->hold_off && pgi_now_ms() - t > UNLOAD_SPIN_MS) {
				__atomic_store_n(&sh->hold_off, 1,
						 __ATOMIC_SEQ_CST);
				held_off++;
			}
			ASSERT_LT(pgi_now_ms() - t, UNLOAD_SPIN_MS + UNLOAD_GIVE_UP_MS) {
				TH_LOG("the module could not be unloaded in %d ms",
				       UNLOAD_SPIN_MS + UNLOAD_GIVE_UP_MS);
			}
			sched_yield();
		}
		self->loaded = false;
		__atomic_store_n(&sh->hold_off, 0, __ATOMIC_SEQ_CST);
		if (pgi_now_ms() - t > slowest)
			slowest = pgi_now_ms() - t;
		/* Gone: the system call answers ENOSYS. */
		ASSERT_EQ(0, probe(NULL));
		pgi_sleep_ms(rand() % DWELL_MAX_MS);

		/* Load: then it answers. */
		transition_begin(sh);
		e = finit_module(self->fd) ? errno : 0;
		transition_end(sh, !e, !e);
		ASSERT_EQ(0, e) {
			TH_LOG("finit_module: %s", strerror(e));
		}
		self->loaded = true;
		ASSERT_EQ(1, probe(NULL));
		pgi_sleep_ms(rand() % DWELL_MAX_MS);
	}

	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < NR_CALLERS; i++) {
		struct caller *c = &sh->callers[i];

		pthread_join(c->th, NULL);
		c->th = 0;
		calls += c->calls;
		ok += c->ok;
		enosys += c->enosys;
		raced_ok += c->raced_ok;
		raced_enosys += c->raced_enosys;
		for (e = 0; e < ERRNO_MAX; e++)
			tot[e] += c->err[e];
		free(c->buf);
		close(c->pidfd);
	}
	pgi_errno_hist(s, sizeof(s), tot, ERRNO_MAX, "ok");
	TH_LOG("%d load/unload rounds in %lld ms; %llu unloads refused while calls held the module",
	       round, pgi_now_ms() - t0, refused);
	TH_LOG("%llu unloads waited for light calls; slowest unload %lld ms",
	       held_off, slowest);
	TH_LOG("%llu calls during them:%s; across a load or unload: %llu ok, %llu ENOSYS",
	       calls, s, raced_ok, raced_enosys);
	ASSERT_EQ(0, sh->fail.failed) {
		TH_LOG("%s", sh->fail.why);
	}
	ASSERT_EQ(nloops, round);
	ASSERT_GT(ok, 0ULL);
	ASSERT_GT(enosys, 0ULL);

	if (!leakcheck) {
		TH_LOG("no %s: kmemleak check skipped", PGI_KMEMLEAK_PATH);
		return;
	}
	pgi_sleep_ms(PGI_KMEMLEAK_AGE_MS);
	ours = kmemleak_ours(_metadata, &total);
	/* (Worded so that no log scanner takes it for a kmemleak report.) */
	TH_LOG("leak scan: %d objects reported, %d from process_getinfo",
	       total, ours);
	EXPECT_EQ(0, ours);
}

TEST_HARNESS_MAIN
