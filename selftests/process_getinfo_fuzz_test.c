// SPDX-License-Identifier: GPL-2.0
/*
 * Argument fuzzing of process_getinfo(2).  Deterministic tests walk the
 * edges (nr_proc at its boundaries, every buffer size around every record
 * boundary, buffers running into a guard page, pidfds of exited processes,
 * descriptors that are not pidfds); a seeded random loop then mixes them
 * all: random counts, ids, flags and masks, and pointers that are NULL,
 * unmapped, PROT_NONE, read-only, kernel, non-canonical, misaligned or cut
 * short by a guard page.  Every result must be success or an errno the
 * contract allows for those arguments, and every successful (or truncated)
 * buffer must be well-formed, with nothing written past its end.
 *
 * $PGI_FUZZ_CALLS sets the number of random calls (DEFAULT_CALLS) and
 * $PGI_FUZZ_SEED the seed (printed; by default from the clock).  The tests
 * skip as a whole when the system call is not available (ENOSYS).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/eventfd.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

/* About four minutes under TCG with KASAN; stress runs ask for millions. */
#define DEFAULT_CALLS		150000
/*
 * The time limit of random_arguments: FIXED_SECS plus a second per
 * CALLS_PER_SEC calls (a call took 1.5 ms under TCG with KASAN: 2 ms each
 * leaves room), checked as the calls go.  The harness's timeout holds
 * MAX_CALLS, more than make stress's 2,000,000.
 */
#define FIXED_SECS		300
#define CALLS_PER_SEC		500
#define MAX_CALLS		2500000ULL
#define RANDOM_TIMEOUT		(FIXED_SECS + MAX_CALLS / CALLS_PER_SEC)
#define BUDGET_EVERY		1024	/* calls between checks of the limit */
#define ERRNO_MAX		256
#define NR_MAX			PROCESS_GETINFO_NR_PROC_MAX
#define HDR			PROCESS_INFO_SIZE_VER0
#define KNOWN_FLAGS		(PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS | \
				 PROCESS_GETINFO_PIDFD | PROCESS_GETINFO_STRICT)
/* The output arena (a guard page follows it) and the id region (likewise). */
#define ARENA			(256 * 1024)
#define IDS_BYTES		(NR_MAX * sizeof(int))
/* Bytes past the end checked for stray writes in the random loop. */
#define WINDOW			64
/* *inout_sz as the read-only page holds it. */
#define RO_SIZE			4096
/* Ids in the read-only page, after its size. */
#define RO_IDS_OFF		64
#define RO_NR_IDS		8
#define CHILD_THREADS		2
#define WHY_MAX			256

/* Where a pointer argument points. */
enum ptr_kind {
	P_GOOD,		/* mapped read-write, big enough */
	P_MISALIGNED,	/* as P_GOOD, plus 1..7 bytes */
	P_PARTIAL,	/* read-write, but a guard page cuts it short */
	P_RO,		/* a read-only page */
	P_NULL,
	P_SMALL,	/* (void *)8 */
	P_UNMAPPED,	/* nothing mapped there */
	P_NONE,		/* a PROT_NONE page */
	P_KERNEL,	/* a kernel address */
	P_NONCANON,	/* not a canonical address */
	P_NR_KINDS,
};

static const char *const kind_name[] = {
	"good", "misaligned", "partial", "ro", "NULL", "8", "unmapped",
	"PROT_NONE", "kernel", "non-canonical",
};

/*
 * Addresses no process can use.  A 32-bit process has no kernel or
 * non-canonical address: the top pages of its 4 GiB (above the compat
 * TASK_SIZE, 0xffffe000 on x86_64) are never mapped for it.
 */
#if __SIZEOF_POINTER__ == 8
#define KERNEL_PTR_0	0xffff888000000000UL	/* the direct map */
#define KERNEL_PTR_1	0xffffffff81000000UL	/* the kernel's text */
#define KERNEL_PTR_2	0xffffffffff600000UL	/* the vsyscall page */
#define NONCANON_PTR_0	0x8000000000000000UL
#define NONCANON_PTR_1	0x0000800000000000UL
#else
#define KERNEL_PTR_0	0xffffe000UL
#define KERNEL_PTR_1	0xfffff000UL
#define KERNEL_PTR_2	0xfffffff8UL
#define NONCANON_PTR_0	0xffffe000UL
#define NONCANON_PTR_1	0xfffff000UL
#endif

/* The fuzzer's memory: one reservation, mprotect()ed into parts. */
struct mem {
	long pg;
	unsigned char *base;
	size_t len;
	unsigned char *arena;	/* ARENA bytes, then a guard page */
	unsigned char *ids;	/* IDS_BYTES, then a guard page */
	unsigned char *ro;	/* read-only: RO_SIZE at 0, ids at RO_IDS_OFF */
	unsigned char *none;	/* PROT_NONE */
	unsigned char *szp;	/* a read-write page for *inout_sz, then a guard */
	unsigned char *unmapped;
	unsigned char *check;	/* malloc()ed ARENA: aligned copy for checks */
};

/* Processes and descriptors the ids are drawn from. */
struct targets {
	struct pgi_child kid;	/* blocked on a pipe, with CHILD_THREADS threads */
	pid_t child;		/* its pid */
	pid_t zombie;		/* exited, not reaped */
	pid_t reaped;		/* exited and reaped: its pid names nothing */
	int pidfd_child, pidfd_self, pidfd_zombie, pidfd_reaped;
	int devnull, pipe_r, pipe_w, evfd, memfd, procdir, closed;
};

FIXTURE(fuzz)
{
	__u64 supported;
	struct mem m;
	struct targets t;
};

/*
 * The setup of the blocked child (with CHILD_THREADS threads, started by
 * pgi_spawn_blocked()): a file mapping.
 */
static int child_setup(void *arg)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	(void)arg;
	if (fd >= 0)
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	return 0;
}

static int setup_mem(struct mem *m)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *p;

	m->pg = pg;
	/* arena+g, ids+g, ro, none, szp+g, unmapped */
	m->len = ARENA + pg + IDS_BYTES + pg + 3 * pg + pg + pg;
	m->base = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (m->base == MAP_FAILED)
		return -1;
	p = m->base;
	m->arena = p;
	p += ARENA + pg;
	m->ids = p;
	p += IDS_BYTES + pg;
	m->ro = p;
	m->none = p + pg;
	m->szp = p + 2 * pg;
	m->unmapped = p + 4 * pg;
	if (mprotect(m->arena, ARENA, PROT_READ | PROT_WRITE) ||
	    mprotect(m->ids, IDS_BYTES, PROT_READ | PROT_WRITE) ||
	    mprotect(m->ro, pg, PROT_READ | PROT_WRITE) ||
	    mprotect(m->szp, pg, PROT_READ | PROT_WRITE) ||
	    munmap(m->unmapped, pg))
		return -1;
	memset(m->arena, PGI_PATTERN, ARENA);
	m->check = aligned_alloc(8, ARENA);
	return m->check ? 0 : -1;
}

/* Fills the read-only page (size, then ids) and seals it. */
static int seal_ro(struct mem *m, const int *ids)
{
	*(size_t *)m->ro = RO_SIZE;
	memcpy(m->ro + RO_IDS_OFF, ids, RO_NR_IDS * sizeof(int));
	return mprotect(m->ro, m->pg, PROT_READ);
}

FIXTURE_SETUP(fuzz)
{
	const struct pgi_blocked blocked = {
		.setup = child_setup, .nr_threads = CHILD_THREADS,
	};
	struct process_info hdr;
	struct targets *t = &self->t;
	int ro_ids[RO_NR_IDS];
	int p[2];

	memset(t, 0, sizeof(*t));
	t->kid = PGI_CHILD_NONE;
	self->m.base = MAP_FAILED;
	self->m.check = NULL;
	PGI_PROBE_OR_SKIP(&hdr);
	self->supported = hdr.supported_mask;
	ASSERT_EQ(0, setup_mem(&self->m));

	ASSERT_EQ(0, pgi_spawn_blocked(&t->kid, &blocked));
	t->child = t->kid.pid;
	t->zombie = fork();
	ASSERT_GE(t->zombie, 0);
	if (!t->zombie)
		_exit(0);
	t->reaped = fork();
	ASSERT_GE(t->reaped, 0);
	if (!t->reaped)
		_exit(0);
	t->pidfd_reaped = pgi_pidfd_open(t->reaped);
	ASSERT_GE(t->pidfd_reaped, 0);
	ASSERT_EQ(t->reaped, waitpid(t->reaped, NULL, 0));
	t->pidfd_child = pgi_pidfd_open(t->child);
	t->pidfd_self = pgi_pidfd_open(getpid());
	t->pidfd_zombie = pgi_pidfd_open(t->zombie);
	ASSERT_GE(t->pidfd_child, 0);
	ASSERT_GE(t->pidfd_self, 0);
	ASSERT_GE(t->pidfd_zombie, 0);
	/* The zombie has exited once its pidfd polls readable. */
	ASSERT_EQ(0, waitid(P_PID, t->zombie, NULL, WEXITED | WNOWAIT));
	t->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(t->devnull, 0);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	t->pipe_r = p[0];
	t->pipe_w = p[1];
	t->evfd = eventfd(0, EFD_CLOEXEC);
	t->memfd = memfd_create("pgi-fuzz", MFD_CLOEXEC);
	t->procdir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	t->closed = dup(t->devnull);
	ASSERT_GE(t->closed, 0);
	close(t->closed);

	ro_ids[0] = getpid();
	ro_ids[1] = t->child;
	ro_ids[2] = t->reaped;
	ro_ids[3] = 1;
	ro_ids[4] = 0;
	ro_ids[5] = -1;
	ro_ids[6] = INT_MAX;
	ro_ids[7] = t->zombie;
	ASSERT_EQ(0, seal_ro(&self->m, ro_ids));
}

FIXTURE_TEARDOWN(fuzz)
{
	struct targets *t = &self->t;

	pgi_child_kill(&t->kid);
	if (t->zombie > 0)
		waitpid(t->zombie, NULL, 0);
	if (self->m.base != MAP_FAILED)
		munmap(self->m.base, self->m.len);
	free(self->m.check);
}

/* ---- helpers ---- */

static unsigned long long rng_state;

/* xorshift64*: a small, seedable generator. */
static unsigned long long rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)(rnd64() >> 32) % n : 0;
}

/* pgi_check_buffer() on an aligned copy (the buffer itself may not be). */
static int check_copy(struct mem *m, const void *buf, size_t used, char *why)
{
	if (used > ARENA)
		return pgi_fail(why, WHY_MAX, "%zu bytes used: larger than the arena", used);
	memcpy(m->check, buf, used);
	return pgi_check_buffer(m->check, used, why, WHY_MAX);
}

/*
 * The end of a record in a complete result: where the next begins, or the
 * end of the result for the last.  The "tight" end is one past its last
 * byte of struct or string (before any alignment padding).
 */
static void record_ends(const unsigned char *buf, size_t used,
			size_t *next_end, size_t *tight_end, unsigned int nr)
{
	const struct procrec *rec = pgi_first_rec(buf);
	unsigned int i;

	for (i = 0; i < nr && rec; i++, rec = pgi_next_rec(buf, rec)) {
		size_t off = (const unsigned char *)rec - buf;
		size_t end = off + rec->size;
		const struct procrec_vma *v;
		__u32 voff;

		if ((rec->mask & PROCESS_INFO_COMM) && rec->comm_offset) {
			size_t e = rec->comm_offset +
				   strlen((const char *)buf + rec->comm_offset) + 1;
			if (e > end)
				end = e;
		}
		for (voff = (rec->mask & PROCESS_INFO_MEMORY_MAP) ?
			    rec->first_vma_offset : 0; voff;
		     voff = v->next_procrec_vma_offset) {
			v = (const void *)(buf + voff);
			if (voff + v->size > end)
				end = voff + v->size;
			if (v->backing_file_name_offset) {
				size_t e = v->backing_file_name_offset +
					   strlen((const char *)buf +
						  v->backing_file_name_offset) + 1;
				if (e > end)
					end = e;
			}
		}
		tight_end[i] = end;
		next_end[i] = rec->next_procrec_offset ?
			      rec->next_procrec_offset : used;
	}
}

/* ---- deterministic edges ---- */

/* nr_proc at -1, 0, 1, MAX, MAX+1, INT_MIN, INT_MAX: EINVAL exactly outside 0..MAX. */
TEST_F_TIMEOUT(fuzz, nr_proc_boundaries, 300)
{
	static const struct {
		int nr;
		int err;	/* with enough ids and a small buffer */
	} cases[] = {
		{ -1, EINVAL }, { 0, 0 }, { 1, 0 }, { NR_MAX, E2BIG },
		{ NR_MAX + 1, EINVAL }, { INT_MIN, EINVAL }, { INT_MAX, EINVAL },
	};
	int *ids = (int *)self->m.ids, i, err;
	unsigned char buf[4096] __aligned(8);
	char why[WHY_MAX];
	size_t sz;
	long ret;

	/* MAX ids, every one this process, then the guard page. */
	for (i = 0; i < NR_MAX; i++)
		ids[i] = getpid();
	for (i = 0; i < (int)ARRAY_SIZE(cases); i++) {
		sz = sizeof(buf);
		ret = sys_process_getinfo(cases[i].nr, ids, 0,
					  PROCESS_INFO_IDS, buf, &sz);
		err = ret ? errno : 0;
		/* MAX + 1 and beyond are EINVAL, not EFAULT from the guard. */
		EXPECT_EQ(cases[i].err, err) {
			TH_LOG("nr_proc %d: %s, expected %s", cases[i].nr,
			       pgi_errname(err), pgi_errname(cases[i].err));
		}
		if (!err) {
			EXPECT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
				TH_LOG("nr_proc %d: %s", cases[i].nr, why);
			}
			EXPECT_EQ((__u32)cases[i].nr,
				  ((struct process_info *)buf)->nr_procrecs);
		}
		if (err == E2BIG)
			EXPECT_GE(sz, (size_t)HDR + (size_t)NR_MAX * PROCREC_SIZE_VER0);
		/* Under ALL, any nr_proc but 0 is EINVAL. */
		sz = sizeof(buf);
		ret = sys_process_getinfo(cases[i].nr, NULL, PROCESS_GETINFO_ALL,
					  PROCESS_INFO_IDS, buf, &sz);
		err = ret ? errno : 0;
		if (cases[i].nr)
			EXPECT_EQ(EINVAL, err) {
				TH_LOG("ALL with nr_proc %d: %s", cases[i].nr,
				       pgi_errname(err));
			}
	}
	/*
	 * MAX ids with THREADS: still a valid call, whatever the kernel
	 * guesses about threads per id, on a machine with memory to spare.
	 */
	sz = sizeof(buf);
	ret = sys_process_getinfo(NR_MAX, ids, PROCESS_GETINFO_THREADS,
				  PROCESS_INFO_IDS, buf, &sz);
	err = ret ? errno : 0;
	EXPECT_EQ(E2BIG, err) {
		TH_LOG("nr_proc %d with THREADS: %s (%zu bytes asked for)",
		       NR_MAX, pgi_errname(err), sz);
	}
	/* MAX ids but one readable before the guard page: EFAULT. */
	sz = sizeof(buf);
	ret = sys_process_getinfo(NR_MAX, ids + 1, 0, PROCESS_INFO_IDS, buf, &sz);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EFAULT, errno);
	/* A NULL array of 1 or MAX ids: EFAULT; of 0 ids: nothing to read. */
	sz = sizeof(buf);
	ret = sys_process_getinfo(1, NULL, 0, PROCESS_INFO_IDS, buf, &sz);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EFAULT, errno);
	sz = sizeof(buf);
	EXPECT_EQ(0, sys_process_getinfo(0, (int *)self->m.none, 0,
					 PROCESS_INFO_IDS, buf, &sz));
}

/* Unreadable/unwritable proc, out_buf and inout_sz are EFAULT; a read-only proc is fine. */
TEST_F(fuzz, bad_pointers)
{
	struct mem *m = &self->m;
	void *const bad[] = {
		NULL, (void *)8, m->unmapped, m->none,
		(void *)KERNEL_PTR_0, (void *)KERNEL_PTR_2,
		(void *)NONCANON_PTR_0, (void *)NONCANON_PTR_1,
	};
	int pid = getpid(), i;
	size_t sz, *szp = (size_t *)m->szp;
	char why[WHY_MAX];
	long ret;

	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		sz = 4096;
		ret = sys_process_getinfo(1, bad[i], 0, PROCESS_INFO_IDS,
					  m->arena, &sz);
		EXPECT_TRUE(ret == -1 && errno == EFAULT) {
			TH_LOG("proc %p: %ld %s", bad[i], ret, pgi_errname(errno));
		}
		sz = 4096;
		ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS, bad[i],
					  &sz);
		EXPECT_TRUE(ret == -1 && errno == EFAULT) {
			TH_LOG("out_buf %p: %ld %s", bad[i], ret, pgi_errname(errno));
		}
		/* Nothing to write: the pointer is never used. */
		sz = 0;
		ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS, bad[i],
					  &sz);
		EXPECT_TRUE(ret == -1 && errno == E2BIG && sz > HDR) {
			TH_LOG("out_buf %p, size 0: %ld %s, %zu", bad[i], ret,
			       pgi_errname(errno), sz);
		}
		ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS,
					  m->arena, bad[i]);
		EXPECT_TRUE(ret == -1 && errno == EFAULT) {
			TH_LOG("inout_sz %p: %ld %s", bad[i], ret, pgi_errname(errno));
		}
	}
	/* Read-only memory: out_buf and *inout_sz must be written. */
	sz = 4096;
	ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS, m->ro, &sz);
	EXPECT_TRUE(ret == -1 && errno == EFAULT) {
		TH_LOG("read-only out_buf: %ld %s", ret, pgi_errname(errno));
	}
	ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS, m->arena,
				  (size_t *)m->ro);
	EXPECT_TRUE(ret == -1 && errno == EFAULT) {
		TH_LOG("read-only inout_sz: %ld %s", ret, pgi_errname(errno));
	}
	/* *inout_sz running into the guard page after its page. */
	ret = sys_process_getinfo(1, &pid, 0, PROCESS_INFO_IDS, m->arena,
				  (size_t *)(m->szp + m->pg - sizeof(size_t) / 2));
	EXPECT_TRUE(ret == -1 && errno == EFAULT) {
		TH_LOG("inout_sz across the guard: %ld %s", ret, pgi_errname(errno));
	}
	/* A read-only proc and a misaligned *inout_sz are fine. */
	szp = (size_t *)(m->szp + 3);
	*szp = 4096;
	ret = sys_process_getinfo(RO_NR_IDS, (int *)(m->ro + RO_IDS_OFF), 0,
				  PROCESS_INFO_IDS | PROCESS_INFO_COMM, m->arena,
				  szp);
	EXPECT_EQ(0, ret) {
		TH_LOG("read-only proc: %s", pgi_errname(errno));
	}
	if (!ret) {
		EXPECT_EQ(0, pgi_check_buffer(m->arena, *szp, why, sizeof(why))) {
			TH_LOG("%s", why);
		}
		EXPECT_EQ((__u32)RO_NR_IDS,
			  ((struct process_info *)m->arena)->nr_procrecs);
	}
	memset(m->arena, PGI_PATTERN, ARENA);
}

/*
 * A small, stable query: the blocked child's threads and an id that names
 * nothing, with every fact but MEMINFO and MEMORY_ROLLUP, which move by
 * themselves: the system's free memory, and the child's PSS, which grows
 * each time this process writes a page it still shares with its fork.
 * (random_arguments checks every prefix of buffers with both.)
 */
static int stable_query(pid_t child, __u64 supported, int *ids, __u64 *mask)
{
	ids[0] = child;
	ids[1] = INT_MAX;
	*mask = supported & ~(PROCESS_INFO_MEMINFO | PROCESS_INFO_MEMORY_ROLLUP);
	return PROCESS_GETINFO_THREADS;
}

/*
 * Every size from 0 to needed + 8: E2BIG with the exact size below (a valid
 * prefix of whole records from the header's size on), success at and
 * above, and never a byte written past the size given.
 */
TEST_F_TIMEOUT(fuzz, every_size_around_every_record, 300)
{
	const struct process_info *hdr;
	unsigned char *full, *buf;
	size_t need, sz, s, alloc, next_end[8], tight_end[8];
	unsigned int nr, fit_next, fit_tight, k;
	int ids[2], flags, checked = 0;
	char why[WHY_MAX];
	__u64 mask;
	long ret;

	flags = stable_query(self->t.child, self->supported, ids, &mask);
	full = pgi_getinfo_alloc(2, ids, flags, mask, &need);
	ASSERT_NE(NULL, full) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(full, need, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	nr = ((struct process_info *)full)->nr_procrecs;
	ASSERT_EQ(1U + CHILD_THREADS + 1, nr);
	record_ends(full, need, next_end, tight_end, nr);
	alloc = need + 64;
	buf = aligned_alloc(8, (alloc + 7) & ~7UL);
	ASSERT_NE(NULL, buf);
	hdr = (const void *)buf;

	for (s = 0; s <= need + 8; s++) {
		memset(buf, PGI_PATTERN, alloc);
		sz = s;
		ret = sys_process_getinfo(2, ids, flags, mask, buf, &sz);
		if (s >= need) {
			ASSERT_EQ(0, ret) {
				TH_LOG("size %zu of %zu: %s", s, need, pgi_errname(errno));
			}
			ASSERT_EQ(need, sz);
			/* The same snapshot of the same blocked processes. */
			ASSERT_EQ(0, memcmp(buf, full, need)) {
				TH_LOG("size %zu: a different result", s);
			}
			ASSERT_TRUE(pgi_untouched(buf, need, alloc));
			checked++;
			continue;
		}
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(E2BIG, errno) {
			TH_LOG("size %zu of %zu: %s", s, need, pgi_errname(errno));
		}
		ASSERT_EQ(need, sz) {
			TH_LOG("size %zu: E2BIG asks for %zu, not %zu", s, sz, need);
		}
		ASSERT_TRUE(pgi_untouched(buf, s, alloc)) {
			TH_LOG("size %zu: bytes written past it", s);
		}
		if (s < HDR) {
			/* Not even the header fits: nothing is written. */
			ASSERT_TRUE(pgi_untouched(buf, 0, s)) {
				TH_LOG("size %zu: written although the header does not fit", s);
			}
			checked++;
			continue;
		}
		ASSERT_EQ(0, pgi_check_buffer(buf, s, why, sizeof(why))) {
			TH_LOG("size %zu: %s", s, why);
		}
		ASSERT_EQ(PROCESS_INFO_TRUNCATED, hdr->flags);
		/* Whole records only: those that end (with or without padding) within s. */
		for (fit_next = 0; fit_next < nr && next_end[fit_next] <= s; fit_next++)
			;
		for (fit_tight = 0; fit_tight < nr && tight_end[fit_tight] <= s; fit_tight++)
			;
		ASSERT_TRUE(hdr->nr_procrecs >= fit_next &&
			    hdr->nr_procrecs <= fit_tight) {
			TH_LOG("size %zu: %u records, %u..%u fit", s,
			       hdr->nr_procrecs, fit_next, fit_tight);
		}
		/* ...the same records as the full result, the chain ended. */
		for (k = 0; k < hdr->nr_procrecs; k++) {
			size_t off = k ? next_end[k - 1] :
				     ((struct process_info *)full)->first_procrec_offset;
			const struct procrec *r = (const void *)(buf + off);

			ASSERT_EQ(0, memcmp(buf + off + 8, full + off + 8,
					    tight_end[k] - off - 8)) {
				TH_LOG("size %zu: record %u differs", s, k);
			}
			ASSERT_EQ(k + 1 < hdr->nr_procrecs ? next_end[k] : 0,
				  (size_t)r->next_procrec_offset);
		}
		checked++;
	}
	TH_LOG("%d sizes from 0 to %zu checked around %u records", checked,
	       need + 8, nr);
	free(buf);
	free(full);
}

/*
 * A buffer whose tail runs into a guard page: EFAULT, E2BIG with a valid
 * prefix, or success with everything inside the mapped part.
 */
TEST_F_TIMEOUT(fuzz, buffer_into_guard_page, 300)
{
	struct mem *m = &self->m;
	unsigned long long n_ok = 0, n_e2big = 0, n_efault = 0;
	size_t need, avail, cap, sz, caps[4];
	int ids[2], flags, c;
	unsigned char *buf;
	char why[WHY_MAX];
	__u64 mask;
	long ret;
	void *full;

	flags = stable_query(self->t.child, self->supported, ids, &mask);
	full = pgi_getinfo_alloc(2, ids, flags, mask, &need);
	ASSERT_NE(NULL, full);
	free(full);

	for (avail = 0; avail <= need + 16; avail += 8) {
		caps[0] = avail;
		caps[1] = avail + 8;
		caps[2] = need;
		caps[3] = need + 4096;
		for (c = 0; c < 4; c++) {
			cap = caps[c];
			buf = m->arena + ARENA - avail;
			memset(buf, PGI_PATTERN, avail);
			sz = cap;
			ret = sys_process_getinfo(2, ids, flags, mask, buf, &sz);
			if (!ret) {
				n_ok++;
				ASSERT_LE(sz, avail) {
					TH_LOG("success, %zu bytes, %zu mapped", sz, avail);
				}
				ASSERT_LE(sz, cap);
				ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
					TH_LOG("%zu mapped, size %zu: %s", avail, cap, why);
				}
				ASSERT_TRUE(pgi_untouched(buf, sz, avail));
			} else if (errno == E2BIG) {
				n_e2big++;
				size_t prefix = cap < avail ? cap : avail;

				ASSERT_GT(sz, cap);
				ASSERT_TRUE(pgi_untouched(buf, prefix, avail));
				if (cap >= HDR) {
					ASSERT_EQ(0, pgi_check_buffer(buf, prefix, why,
								      sizeof(why))) {
						TH_LOG("%zu mapped, size %zu: E2BIG prefix: %s",
						       avail, cap, why);
					}
				}
			} else {
				n_efault++;
				ASSERT_EQ(EFAULT, errno) {
					TH_LOG("%zu mapped, size %zu: %s", avail, cap,
					       pgi_errname(errno));
				}
				/* A fault needs a size beyond the mapped part. */
				ASSERT_GT(cap, avail);
			}
		}
	}
	memset(m->arena, PGI_PATTERN, ARENA);
	TH_LOG("%zu bytes needed; %llu ok, %llu E2BIG, %llu EFAULT", need, n_ok,
	       n_e2big, n_efault);
}

/* An exited process's pidfd gives a GONE record (ESRCH with STRICT); a zombie's, its record. */
TEST_F(fuzz, pidfds_of_exited_processes)
{
	struct targets *t = &self->t;
	int fds[3] = { t->pidfd_reaped, t->pidfd_zombie, t->pidfd_child };
	const struct procrec *rec;
	unsigned char buf[8192] __aligned(8);
	char why[WHY_MAX];
	size_t sz = sizeof(buf);
	long ret;

	ret = sys_process_getinfo(3, fds, PROCESS_GETINFO_PIDFD,
				  PROCESS_INFO_IDS | PROCESS_INFO_STATUS |
				  PROCESS_INFO_VM_COUNTERS, buf, &sz);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s", pgi_errname(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_EQ(3U, ((struct process_info *)buf)->nr_procrecs);
	rec = pgi_first_rec(buf);
	EXPECT_EQ(PROCREC_GONE, rec->status);
	EXPECT_EQ(t->pidfd_reaped, rec->tid);
	EXPECT_EQ(0ULL, rec->mask);
	rec = pgi_next_rec(buf, rec);
	EXPECT_EQ(0U, rec->status);
	EXPECT_EQ(t->zombie, rec->tid);
	EXPECT_EQ('Z', rec->state);
	/* An exited process has no memory: the counters do not apply. */
	EXPECT_EQ(0ULL, rec->mask & PROCESS_INFO_VM_COUNTERS);
	rec = pgi_next_rec(buf, rec);
	EXPECT_EQ(t->child, rec->tid);
	EXPECT_NE(0ULL, rec->mask & PROCESS_INFO_VM_COUNTERS);

	sz = sizeof(buf);
	ret = sys_process_getinfo(3, fds, PROCESS_GETINFO_PIDFD |
				  PROCESS_GETINFO_STRICT, PROCESS_INFO_IDS, buf,
				  &sz);
	EXPECT_TRUE(ret == -1 && errno == ESRCH) {
		TH_LOG("STRICT: %ld %s", ret, pgi_errname(errno));
	}
}

/* Descriptors that are not pidfds (and numbers that are no descriptor) are EBADF. */
TEST_F(fuzz, descriptors_that_are_not_pidfds)
{
	struct targets *t = &self->t;
	const int bad[] = {
		-1, INT_MIN, t->closed, t->devnull, t->pipe_r, t->evfd,
		t->memfd, t->procdir, 1 << 20, INT_MAX,
	};
	unsigned char buf[4096] __aligned(8);
	int fds[2], i, strict;
	size_t sz;
	long ret;

	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		for (strict = 0; strict < 2; strict++) {
			fds[0] = t->pidfd_self;
			fds[1] = bad[i];
			sz = sizeof(buf);
			ret = sys_process_getinfo(2, fds, PROCESS_GETINFO_PIDFD |
						  (strict ? PROCESS_GETINFO_STRICT : 0),
						  PROCESS_INFO_IDS, buf, &sz);
			EXPECT_TRUE(ret == -1 && errno == EBADF) {
				TH_LOG("fd %d%s: %ld %s", bad[i],
				       strict ? " (STRICT)" : "", ret, pgi_errname(errno));
			}
		}
	}
	/* As pids (no PIDFD) the same numbers are only ids. */
	sz = sizeof(buf);
	ret = sys_process_getinfo(1, &t->devnull, 0, PROCESS_INFO_IDS, buf, &sz);
	EXPECT_EQ(0, ret);
	/* PIDFD with no descriptors at all: the header. */
	sz = sizeof(buf);
	EXPECT_EQ(0, sys_process_getinfo(0, NULL, PROCESS_GETINFO_PIDFD, 0,
					 buf, &sz));
}

/* ---- the random loop ---- */

/* One random call: its arguments and what the oracle allows. */
struct call {
	int nr;
	int *proc;
	int flags;
	unsigned long mask;
	unsigned char *out;
	size_t *szp;
	size_t cap;		/* *szp before the call, as the kernel reads it */
	enum ptr_kind pk, ok, sk;
	size_t proc_readable;	/* bytes of proc readable */
	size_t out_writable;	/* bytes of out writable */
	bool sz_read_fault, sz_write_fault;
	bool bad_fd;		/* a readable id is not a pidfd */
};

struct stats {
	unsigned long long calls, faults, einval_expected;
	unsigned long long err[ERRNO_MAX];
	unsigned long long kinds[3][P_NR_KINDS];
	unsigned long long checked_ok, checked_prefix;
};

static void *bad_ptr(struct mem *m, enum ptr_kind k)
{
	switch (k) {
	case P_NULL:
		return NULL;
	case P_SMALL:
		return (void *)8;
	case P_UNMAPPED:
		return m->unmapped;
	case P_NONE:
		return m->none;
	case P_KERNEL:
		return rnd(2) ? (void *)KERNEL_PTR_0 : (void *)KERNEL_PTR_1;
	default:
		return rnd(2) ? (void *)NONCANON_PTR_0 : (void *)NONCANON_PTR_1;
	}
}

static enum ptr_kind pick_kind(void)
{
	unsigned int r = rnd(100);

	if (r < 70)
		return P_GOOD;
	if (r < 75)
		return P_MISALIGNED;
	if (r < 83)
		return P_PARTIAL;
	if (r < 88)
		return P_RO;
	return P_NULL + rnd(P_NR_KINDS - P_NULL);
}

static int pick_nr(void)
{
	static const int invalid[] = { -1, -2, NR_MAX + 1, INT_MIN, INT_MAX };
	unsigned int r = rnd(100);

	/* The largest valid counts make the slowest calls: rarely. */
	if (!rnd(20000))
		return rnd(2) ? NR_MAX : NR_MAX - 1;
	if (r < 8)
		return invalid[rnd(ARRAY_SIZE(invalid))];
	if (r < 15)
		return 0;
	return 1 + rnd(8);
}

/* An id for the proc array: a pid, or with PIDFD a descriptor. */
static int pick_id(struct targets *t, bool pidfd)
{
	static const int odd[] = { 0, -1, INT_MIN, INT_MAX, 1, 2 };

	if (pidfd) {
		switch (rnd(12)) {
		case 0: case 1: case 2:
			return t->pidfd_child;
		case 3: case 4:
			return t->pidfd_self;
		case 5:
			return t->pidfd_zombie;
		case 6:
			return t->pidfd_reaped;
		case 7:
			return t->devnull;
		case 8:
			return t->closed;
		case 9:
			return -1;
		default:
			return (int)rnd64();
		}
	}
	switch (rnd(8)) {
	case 0: case 1:
		return t->child;
	case 2:
		return getpid();
	case 3:
		return t->zombie;
	case 4:
		return t->reaped;
	case 5:
		return 1 + rnd(4096);
	case 6:
		return odd[rnd(ARRAY_SIZE(odd))];
	default:
		return (int)rnd64();
	}
}

static bool is_pidfd(struct targets *t, int fd)
{
	return fd == t->pidfd_child || fd == t->pidfd_self ||
	       fd == t->pidfd_zombie || fd == t->pidfd_reaped;
}

static size_t pick_cap(void)
{
	static const size_t edges[] = {
		0, 1, HDR - 1, HDR, HDR + 1, HDR + PROCREC_SIZE_VER0,
		ARENA, ARENA + 1, SIZE_MAX, SIZE_MAX / 2,
		(size_t)(1ULL << 32),	/* 0 for a 32-bit caller: also an edge */
		((size_t)1 << 31) + 8,
	};

	switch (rnd(4)) {
	case 0:
		return edges[rnd(ARRAY_SIZE(edges))];
	case 1:
		return rnd(1024);
	default:
		return rnd(65536);
	}
}

/*
 * Builds a random call into @c (the proc array and *inout_sz included) in
 * the memory @m, naming @t, for a mask within @supported.
 */
static void make_call(struct mem *m, struct targets *t, __u64 supported,
		      struct call *c)
{
	size_t n_ids, i;

	memset(c, 0, sizeof(*c));
	/* Flags: mostly valid combinations; sometimes any bits. */
	c->flags = rnd(16);
	if (!rnd(3))
		c->flags &= ~PROCESS_GETINFO_ALL;
	if (!rnd(20))
		c->flags |= 1 << (4 + rnd(28));
	if (!rnd(50))
		c->flags = (int)rnd64();
	/* Mask: a subset of what is supported; sometimes unknown bits. */
	c->mask = rnd64() & supported;
	if (!rnd(4))
		c->mask &= PROCESS_INFO_IDS | PROCESS_INFO_COMM | PROCESS_INFO_STATUS;
	if (!rnd(20))
		c->mask |= 1UL << rnd(64);
	if (!rnd(50))
		c->mask = rnd64();
	/* ALL and MEMORY_MAP together are the slow calls: keep them rare. */
	if ((c->flags & PROCESS_GETINFO_ALL) && rnd(16))
		c->flags &= ~PROCESS_GETINFO_ALL;

	c->nr = pick_nr();
	if ((c->flags & PROCESS_GETINFO_ALL) && rnd(4))
		c->nr = 0;

	/* proc */
	c->pk = pick_kind();
	if ((c->flags & PROCESS_GETINFO_ALL) && rnd(4))
		c->pk = P_NULL;
	n_ids = c->nr > 0 && c->nr <= NR_MAX ? (size_t)c->nr : 64;
	switch (c->pk) {
	case P_GOOD:
	case P_MISALIGNED:	/* ints need no alignment for the kernel */
		c->pk = P_GOOD;
		c->proc = (int *)(m->ids + IDS_BYTES) - n_ids;
		c->proc_readable = n_ids * sizeof(int);
		break;
	case P_PARTIAL:
		i = n_ids ? rnd(n_ids) : 0;
		c->proc = (int *)(m->ids + IDS_BYTES) - i;
		c->proc_readable = i * sizeof(int);
		n_ids = i;
		break;
	case P_RO:
		c->proc = (int *)(m->ro + RO_IDS_OFF);
		c->proc_readable = m->pg - RO_IDS_OFF;
		n_ids = 0;
		for (i = 0; c->nr > 0 && i < (size_t)c->nr && i < RO_NR_IDS; i++)
			c->bad_fd |= !is_pidfd(t, c->proc[i]);
		if (c->nr > RO_NR_IDS)
			c->bad_fd = true;	/* the zeros after them */
		break;
	default:
		c->proc = bad_ptr(m, c->pk);
		n_ids = 0;
	}
	for (i = 0; i < n_ids; i++) {
		/* Long arrays: mostly one id that names nothing (cheap). */
		int id = n_ids > 64 && rnd(64) ? INT_MAX :
			 pick_id(t, c->flags & PROCESS_GETINFO_PIDFD);

		c->proc[i] = id;
		if (c->nr > 0 && i < (size_t)c->nr)
			c->bad_fd |= !is_pidfd(t, id);
	}

	/* out_buf */
	c->ok = pick_kind();
	c->cap = pick_cap();
	switch (c->ok) {
	case P_GOOD:
		c->out = m->arena;
		c->out_writable = ARENA;
		break;
	case P_MISALIGNED:
		i = 1 + rnd(7);
		c->out = m->arena + i;
		c->out_writable = ARENA - i;
		break;
	case P_PARTIAL:
		i = rnd(8192);
		c->out = m->arena + ARENA - i;
		c->out_writable = i;
		break;
	case P_RO:
		c->out = m->ro;
		break;
	default:
		c->out = bad_ptr(m, c->ok);
	}

	/* inout_sz */
	c->sk = pick_kind();
	switch (c->sk) {
	case P_GOOD:
		c->szp = (size_t *)m->szp;
		*c->szp = c->cap;
		break;
	case P_MISALIGNED:
		c->szp = (size_t *)(m->szp + 1 + rnd(7));
		*c->szp = c->cap;
		break;
	case P_PARTIAL:
		c->szp = (size_t *)(m->szp + m->pg - 1 - rnd(sizeof(size_t) - 1));
		c->sz_read_fault = true;
		break;
	case P_RO:
		c->szp = (size_t *)m->ro;
		c->cap = RO_SIZE;
		c->sz_write_fault = true;
		break;
	default:
		c->szp = bad_ptr(m, c->sk);
		c->sz_read_fault = true;
	}
}

#define BIT(e)	(1ULL << (e))

/* The errnos the contract allows for @c, @supported known (bit 0: success). */
static unsigned long long allowed(__u64 supported, struct call *c)
{
	bool all = c->flags & PROCESS_GETINFO_ALL;
	bool pidfd = c->flags & PROCESS_GETINFO_PIDFD;
	bool strict = c->flags & PROCESS_GETINFO_STRICT;
	bool einval, proc_fault, out_fault;
	unsigned long long ok = BIT(ENOMEM);

	einval = (c->flags & ~KNOWN_FLAGS) || (c->mask & ~supported) ||
		 (all && (c->proc || c->nr || pidfd)) ||
		 (!all && (c->nr < 0 || c->nr > NR_MAX));
	proc_fault = !all && c->nr > 0 && c->nr <= NR_MAX &&
		     c->proc_readable < (size_t)c->nr * sizeof(int);
	out_fault = c->out_writable < c->cap;
	if (einval) {
		ok |= BIT(EINVAL);
		if (c->sz_read_fault || c->sz_write_fault || proc_fault ||
		    out_fault)
			ok |= BIT(EFAULT);
		return ok;
	}
	if (c->sz_read_fault || proc_fault) {
		ok |= BIT(EFAULT);
		if (pidfd && c->bad_fd && c->nr > 0)
			ok |= BIT(EBADF);
		return ok;
	}
	if (pidfd && c->nr > 0 && c->bad_fd) {
		ok |= BIT(EBADF);
		if (out_fault || c->sz_write_fault)
			ok |= BIT(EFAULT);
		return ok;
	}
	if (strict)
		ok |= BIT(ESRCH) | BIT(EACCES);
	if (c->sz_write_fault)
		return ok | BIT(EFAULT);
	ok |= BIT(0) | BIT(E2BIG);
	if (out_fault)
		ok |= BIT(EFAULT);
	return ok;
}

static void describe(struct call *c, char *s, size_t len)
{
	snprintf(s, len,
		 "nr_proc %d proc %s(%zu readable) flags %#x mask %#lx out_buf %s(%zu writable) *inout_sz %zu inout_sz %s",
		 c->nr, kind_name[c->pk], c->proc_readable, c->flags, c->mask,
		 kind_name[c->ok], c->out_writable, c->cap, kind_name[c->sk]);
}

/*
 * Checks a successful call's buffer: well-formed, what was asked, records
 * in the order of the ids (a GONE record names its id), nothing past its
 * end.  Returns 0 or -1 with @why.
 */
static int check_success(struct mem *m, __u64 supported, struct call *c,
			 size_t sz, char *why)
{
	const struct process_info *hdr = (const void *)m->check;
	bool all = c->flags & PROCESS_GETINFO_ALL;
	const struct procrec *rec;
	int idx = all ? -1 : 0, seen = 0;

	if (sz > c->cap || sz > c->out_writable)
		return pgi_fail(why, WHY_MAX, "%zu bytes used", sz);
	if (check_copy(m, c->out, sz, why))
		return -1;
	if (hdr->mask != c->mask || hdr->flags ||
	    hdr->supported_mask != supported)
		return pgi_fail(why, WHY_MAX, "header mask %#llx flags %#x",
				(unsigned long long)hdr->mask, hdr->flags);
	for (rec = pgi_first_rec(hdr); rec; rec = pgi_next_rec(hdr, rec)) {
		if (all) {
			if (rec->input_index != -1)
				return pgi_fail(why, WHY_MAX, "input_index %d under ALL",
						rec->input_index);
			continue;
		}
		if (rec->input_index == idx + 1 && seen) {
			idx++;
			seen = 0;
		}
		if (rec->input_index != idx || idx >= c->nr)
			return pgi_fail(why, WHY_MAX, "input_index %d, expected %d",
					rec->input_index, idx);
		if ((rec->status & PROCREC_GONE) && rec->tid != c->proc[idx])
			return pgi_fail(why, WHY_MAX, "gone record of id %d has tid %d",
					c->proc[idx], rec->tid);
		seen++;
		if (!(c->flags & PROCESS_GETINFO_THREADS) && seen > 1)
			return pgi_fail(why, WHY_MAX, "two records for id %d", idx);
	}
	if (!all && c->nr > 0 && (idx != c->nr - 1 || !seen))
		return pgi_fail(why, WHY_MAX, "records for %d of %d ids", idx + 1,
				c->nr);
	if (c->ok != P_PARTIAL &&
	    !pgi_untouched(c->out, sz, sz + WINDOW < c->out_writable ?
			   sz + WINDOW : c->out_writable))
		return pgi_fail(why, WHY_MAX, "written past %zu", sz);
	return 0;
}

static unsigned long long fuzz_calls(void)
{
	const char *env = getenv("PGI_FUZZ_CALLS");

	return env && *env ? strtoull(env, NULL, 0) : DEFAULT_CALLS;
}

/*
 * Random arguments, PGI_FUZZ_CALLS of them: each result is one the
 * contract allows for its arguments, with well-formed output.
 */
TEST_F_TIMEOUT(fuzz, random_arguments, RANDOM_TIMEOUT)
{
	const char *env_seed = getenv("PGI_FUZZ_SEED");
	unsigned long long n = fuzz_calls(), seed, i, mask;
	long long start_ms = pgi_now_ms();
	struct timespec t0, t1;
	struct stats *st;
	char why[WHY_MAX], desc[512], hist[1024];
	struct call c;
	size_t len;
	int err, e;
	long ret;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	seed = env_seed && *env_seed ? strtoull(env_seed, NULL, 0) :
	       (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	rng_state = seed ? seed : 1;
	TH_LOG("seed %#llx (PGI_FUZZ_SEED), %llu calls (PGI_FUZZ_CALLS)", seed, n);
	ASSERT_LE(n, MAX_CALLS) {
		TH_LOG("at most %llu calls fit the %llu s timeout", MAX_CALLS,
		       RANDOM_TIMEOUT);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);

	for (i = 0; i < n; i++) {
		size_t dirty;

		if (i % BUDGET_EVERY == 0)
			pgi_assert_within(_metadata, start_ms,
					  FIXED_SECS + n / CALLS_PER_SEC);

		make_call(&self->m, &self->t, self->supported, &c);
		mask = allowed(self->supported, &c);
		ret = sys_process_getinfo(c.nr, c.proc, c.flags, c.mask, c.out,
					  c.szp);
		err = ret ? errno : 0;
		st->calls++;
		st->err[err < ERRNO_MAX ? err : 0]++;
		st->kinds[0][c.pk]++;
		st->kinds[1][c.ok]++;
		st->kinds[2][c.sk]++;
		if (c.sz_read_fault || c.sz_write_fault ||
		    c.proc_readable < (size_t)(c.nr > 0 ? c.nr : 0) * sizeof(int) ||
		    c.out_writable < c.cap)
			st->faults++;
		if (mask & BIT(EINVAL))
			st->einval_expected++;
		if (err == ENOMEM && st->err[ENOMEM] == 1) {
			describe(&c, desc, sizeof(desc));
			TH_LOG("call %llu: ENOMEM (allowed, but look): %s", i, desc);
		}
		describe(&c, desc, sizeof(desc));
		ASSERT_TRUE(err < 64 && (mask & BIT(err))) {
			TH_LOG("call %llu (seed %#llx): %s: %s", i, seed, desc,
			       pgi_errname(err));
		}
		if (!err) {
			ASSERT_EQ(0, check_success(&self->m, self->supported, &c,
						   *c.szp, why)) {
				TH_LOG("call %llu (seed %#llx): %s: %s", i, seed,
				       desc, why);
			}
			st->checked_ok++;
		} else if (err == E2BIG) {
			size_t got = *c.szp;
			size_t prefix = c.cap < c.out_writable ? c.cap : c.out_writable;

			ASSERT_GT(got, c.cap) {
				TH_LOG("call %llu (seed %#llx): %s: E2BIG, %zu needed",
				       i, seed, desc, got);
			}
			if (c.cap >= HDR) {
				ASSERT_EQ(0, check_copy(&self->m, c.out, prefix, why)) {
					TH_LOG("call %llu (seed %#llx): %s: E2BIG prefix: %s",
					       i, seed, desc, why);
				}
				ASSERT_EQ(PROCESS_INFO_TRUNCATED,
					  ((struct process_info *)self->m.check)->flags);
				st->checked_prefix++;
			}
			if (c.ok != P_PARTIAL && prefix < c.out_writable) {
				ASSERT_TRUE(pgi_untouched(c.out, prefix,
							  prefix + WINDOW < c.out_writable ?
							  prefix + WINDOW : c.out_writable)) {
					TH_LOG("call %llu (seed %#llx): %s: written past the size",
					       i, seed, desc);
				}
			}
		}
		/* Put the pattern back wherever the call may have written. */
		if (c.out_writable && err != EINVAL && !c.sz_read_fault) {
			dirty = c.cap < c.out_writable ? c.cap : c.out_writable;
			if (!err && *c.szp + WINDOW < dirty)
				dirty = *c.szp + WINDOW;
			memset(c.out, PGI_PATTERN, dirty);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	pgi_errno_hist(hist, sizeof(hist), st->err, ERRNO_MAX, "ok");
	TH_LOG("%llu calls in %.1f s", st->calls,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	TH_LOG("%llu with a bad or short pointer, %llu with invalid arguments",
	       st->faults, st->einval_expected);
	TH_LOG("results:%s", hist);
	TH_LOG("buffers checked: %llu complete, %llu truncated prefixes",
	       st->checked_ok, st->checked_prefix);
	for (e = 0; e < 3; e++) {
		int k;

		len = 0;
		for (k = 0; k < P_NR_KINDS; k++)
			len += snprintf(hist + len, sizeof(hist) - len, " %s:%llu",
					kind_name[k], st->kinds[e][k]);
		TH_LOG("%s:%s", e == 0 ? "proc" : e == 1 ? "out_buf" : "inout_sz",
		       hist);
	}
	free(st);
}

TEST_HARNESS_MAIN
