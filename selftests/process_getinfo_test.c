// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of process_getinfo(2) against what procfs shows.  They use only the
 * facts every implementation has (IDS, COMM, MEMINFO) and skip as a whole
 * when the system call is not available (ENOSYS).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define BUF_SIZE		4096
#define ALL_TRIES		5

FIXTURE(process_getinfo)
{
	__u64 supported_mask;
	struct pgi_child child;
};

FIXTURE_SETUP(process_getinfo)
{
	struct process_info *hdr;
	size_t sz = BUF_SIZE;
	long ret;

	self->child = PGI_CHILD_NONE;

	hdr = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, hdr);
	ret = sys_process_getinfo(0, NULL, 0, 0, hdr, &sz);
	if (ret < 0 && errno == ENOSYS) {
		free(hdr);
		SKIP(return, "process_getinfo(2) is not available (ENOSYS)");
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("probe failed: %s", strerror(errno));
	}
	self->supported_mask = hdr->supported_mask;
	free(hdr);
}

FIXTURE_TEARDOWN(process_getinfo)
{
	pgi_child_kill(&self->child);
}

/* Mask 0 with no ids returns just the header, with supported_mask. */
TEST_F(process_getinfo, header_only)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM |
			   PROCESS_INFO_MEMINFO;
	struct process_info *hdr;
	char why[256];
	size_t sz = BUF_SIZE;

	hdr = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, hdr);
	ASSERT_EQ(0, sys_process_getinfo(0, NULL, 0, 0, hdr, &sz));
	ASSERT_GE(hdr->size, (__u32)PROCESS_INFO_SIZE_VER0);
	ASSERT_EQ(hdr->size, sz);
	ASSERT_EQ(0U, hdr->nr_procrecs);
	ASSERT_EQ(0U, hdr->first_procrec_offset);
	ASSERT_EQ(0U, hdr->flags);
	ASSERT_EQ(0ULL, hdr->mask);
	ASSERT_EQ(want, hdr->supported_mask & want);
	ASSERT_EQ(0ULL, hdr->supported_mask & ~PGI_KNOWN_MASK);
	ASSERT_EQ(0, pgi_check_buffer(hdr, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	free(hdr);
}

/* MEMINFO alone fills the header with what /proc/meminfo shows. */
TEST_F(process_getinfo, meminfo)
{
	struct process_info *hdr;
	long long total;
	char why[256];
	size_t sz = BUF_SIZE;

	hdr = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, hdr);
	ASSERT_EQ(0, sys_process_getinfo(0, NULL, 0, PROCESS_INFO_MEMINFO,
					 hdr, &sz));
	ASSERT_EQ(0, pgi_check_buffer(hdr, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_EQ(hdr->size, sz);
	ASSERT_EQ(PROCESS_INFO_MEMINFO, hdr->mask);
	ASSERT_EQ(0U, hdr->nr_procrecs);

	total = pgi_meminfo_kb("MemTotal");
	ASSERT_GT(total, 0);
	ASSERT_EQ((__u64)total, hdr->mem_total_kb);
	ASSERT_LE(hdr->mem_free_kb, hdr->mem_total_kb);
	ASSERT_LE(hdr->swap_free_kb, hdr->swap_total_kb);
	free(hdr);
}

/*
 * One try of the ALL comparison: returns 0 if the records match procfs,
 * 1 if they differ in a way a process starting, exiting or renaming itself
 * explains (worth a retry).  Contract violations fail the test at once.
 */
static int check_all_once(struct __test_metadata *_metadata)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	const struct process_info *hdr;
	const struct procrec *rec;
	bool seen_self = false, seen_parent = false;
	int *pids, nr = 0, count, i, differ = 0;
	char comm[PGI_COMM_MAX], why[256];
	size_t used;
	void *buf;

	buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL, want, &used);
	ASSERT_NE(NULL, buf) {
		TH_LOG("process_getinfo(ALL): %s", strerror(errno));
	}
	count = pgi_count_proc_pids();
	ASSERT_GT(count, 0);

	ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	hdr = buf;
	ASSERT_EQ(want, hdr->mask);
	ASSERT_EQ(0U, hdr->flags);
	ASSERT_GT(hdr->nr_procrecs, 0U);

	pids = calloc(hdr->nr_procrecs, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec)) {
		int ret;

		ASSERT_EQ(want, rec->mask);
		ASSERT_EQ(0U, rec->status);
		ASSERT_EQ(-1, rec->input_index);
		ASSERT_GT(rec->tid, 0);
		ASSERT_EQ(rec->tgid, rec->tid);
		pids[nr++] = rec->tid;
		if (rec->tid == getpid())
			seen_self = true;
		if (rec->tid == getppid())
			seen_parent = true;

		ret = pgi_read_comm(rec->tid, comm, sizeof(comm));
		if (ret == -ENOENT || ret == -ESRCH)
			continue;	/* exited since */
		ASSERT_EQ(0, ret);
		if (strcmp(comm, pgi_rec_comm(buf, rec))) {
			TH_LOG("pid %d: comm '%s', /proc says '%s'",
			       rec->tid, pgi_rec_comm(buf, rec), comm);
			differ = 1;
		}
	}
	ASSERT_EQ(hdr->nr_procrecs, (__u32)nr);
	ASSERT_TRUE(seen_self);
	ASSERT_TRUE(seen_parent);

	qsort(pids, nr, sizeof(*pids), pgi_cmp_int);
	for (i = 1; i < nr; i++)
		ASSERT_NE(pids[i - 1], pids[i]);

	if (nr != count) {
		TH_LOG("%d records, %d /proc entries", nr, count);
		differ = 1;
	}
	free(pids);
	free(buf);
	return differ;
}

/* ALL gives one well-formed record per process, as /proc lists them. */
TEST_F(process_getinfo, all_ids_comm)
{
	int try;

	for (try = 1; try <= ALL_TRIES; try++) {
		if (!check_all_once(_metadata))
			break;
		TH_LOG("try %d: records differ from /proc", try);
	}
	ASSERT_LE(try, ALL_TRIES);
}

/*
 * Names @pid alone with the mask @want, into a BUF_SIZE buffer: a checked
 * buffer of one record, *@recp (the buffer is the caller's to free).
 */
static void *one_record(struct __test_metadata *_metadata, pid_t pid,
			__u64 want, const struct procrec **recp)
{
	const struct process_info *hdr;
	size_t sz = BUF_SIZE;
	char why[256];
	void *buf;

	buf = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, sys_process_getinfo(1, &pid, 0, want, buf, &sz)) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	hdr = buf;
	ASSERT_EQ(1U, hdr->nr_procrecs);
	*recp = pgi_first_rec(buf);
	ASSERT_NE(NULL, *recp);
	return buf;
}

/* The setup of forked_child's blocked child: its name. */
static int name_child(void *arg)
{
	return prctl(PR_SET_NAME, arg, 0, 0, 0);
}

/* A named child's record has its ids, its parent and its comm. */
TEST_F(process_getinfo, forked_child)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	const struct pgi_blocked named = { .setup = name_child, .arg = "pgi-child" };
	char comm[PGI_COMM_MAX];
	const struct procrec *rec;
	pid_t pid;
	int status;
	void *buf;

	ASSERT_EQ(0, pgi_spawn_blocked(&self->child, &named));
	pid = self->child.pid;

	buf = one_record(_metadata, pid, want, &rec);
	ASSERT_EQ(want, rec->mask);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(0, rec->input_index);
	ASSERT_EQ(pid, rec->tid);
	ASSERT_EQ(pid, rec->tgid);
	ASSERT_EQ(getpid(), rec->ppid);
	ASSERT_EQ(pgi_read_ppid(pid), rec->ppid);
	ASSERT_STREQ("pgi-child", pgi_rec_comm(buf, rec));
	ASSERT_EQ(0, pgi_read_comm(pid, comm, sizeof(comm)));
	ASSERT_STREQ(comm, pgi_rec_comm(buf, rec));
	free(buf);

	status = pgi_child_reap(_metadata, &self->child);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/*
 * Hundreds of records, more than one batch of the module's copy-out (it
 * copies records out 32 KiB at a time): every one in order, linked, with
 * its child's ids and comm; and cut in the middle, a valid prefix with
 * nothing written past the size.
 */
#define MANY_CHILDREN		500

/* 500 forks: about 35 ms each on the emulated debug kernel, 17 s in all. */
TEST_F_TIMEOUT(process_getinfo, many_children, 180)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	const struct process_info *hdr;
	const struct procrec *rec;
	int ready[2], i, n;
	size_t sz, need, alloc;
	pid_t *pids;
	char why[256], c;
	unsigned char *buf;
	long ret;

	pids = calloc(MANY_CHILDREN, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	for (i = 0; i < MANY_CHILDREN; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			/* Killed at the end, or with the test if it fails. */
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (prctl(PR_SET_NAME, "pgi-many", 0, 0, 0) ||
			    write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	close(ready[1]);
	for (i = 0; i < MANY_CHILDREN; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);

	sz = 0;
	ASSERT_EQ(-1, sys_process_getinfo(MANY_CHILDREN, pids, 0, want, &c, &sz));
	ASSERT_EQ(E2BIG, errno);
	need = sz;
	ASSERT_GT(need, (size_t)MANY_CHILDREN * PROCREC_SIZE_VER0);
	alloc = need + 4096;
	buf = malloc(alloc);
	ASSERT_NE(NULL, buf);
	hdr = (const struct process_info *)buf;

	memset(buf, PGI_PATTERN, alloc);
	ASSERT_EQ(0, sys_process_getinfo(MANY_CHILDREN, pids, 0, want, buf, &sz)) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(need, sz);
	ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_TRUE(pgi_untouched(buf, need, alloc));
	ASSERT_EQ((__u32)MANY_CHILDREN, hdr->nr_procrecs);
	for (i = 0, rec = pgi_first_rec(buf); rec; i++, rec = pgi_next_rec(buf, rec)) {
		ASSERT_EQ(i, rec->input_index);
		ASSERT_EQ(want, rec->mask);
		ASSERT_EQ(pids[i], rec->tid);
		ASSERT_EQ(pids[i], rec->tgid);
		ASSERT_EQ(getpid(), rec->ppid);
		ASSERT_STREQ("pgi-many", pgi_rec_comm(buf, rec));
	}
	ASSERT_EQ(MANY_CHILDREN, i);

	/* Half the size: the records that fit, in order, and nothing more. */
	memset(buf, PGI_PATTERN, alloc);
	sz = need / 2;
	ret = sys_process_getinfo(MANY_CHILDREN, pids, 0, want, buf, &sz);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(need, sz);
	ASSERT_EQ(0, pgi_check_buffer(buf, need / 2, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_TRUE(pgi_untouched(buf, need / 2, alloc));
	n = hdr->nr_procrecs;
	ASSERT_GT(n, MANY_CHILDREN / 3);
	ASSERT_LT(n, MANY_CHILDREN);
	for (i = 0, rec = pgi_first_rec(buf); rec; i++, rec = pgi_next_rec(buf, rec))
		ASSERT_EQ(pids[i], rec->tid);
	ASSERT_EQ(n, i);
	free(buf);

	for (i = 0; i < MANY_CHILDREN; i++) {
		kill(pids[i], SIGKILL);
		ASSERT_EQ(pids[i], waitpid(pids[i], NULL, 0));
	}
	free(pids);
}

/* Records for explicit ids come back in the order of the ids. */
TEST_F(process_getinfo, explicit_order)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	const int ids[] = { getpid(), 1, getppid() };
	char comm[PGI_COMM_MAX], why[256];
	const struct process_info *hdr;
	const struct procrec *rec;
	size_t used;
	void *buf;
	int i;

	buf = pgi_getinfo_alloc(ARRAY_SIZE(ids), ids, 0, want, &used);
	ASSERT_NE(NULL, buf) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	hdr = buf;
	ASSERT_EQ(ARRAY_SIZE(ids), hdr->nr_procrecs);
	rec = pgi_first_rec(buf);
	for (i = 0; i < (int)ARRAY_SIZE(ids); i++) {
		ASSERT_NE(NULL, rec);
		ASSERT_EQ(0U, rec->status);
		ASSERT_EQ(want, rec->mask);
		ASSERT_EQ(i, rec->input_index);
		ASSERT_EQ(ids[i], rec->tid);
		ASSERT_EQ(ids[i], rec->tgid);
		rec = pgi_next_rec(buf, rec);
	}
	ASSERT_NULL(rec);

	rec = pgi_first_rec(buf);
	ASSERT_EQ(getppid(), rec->ppid);
	ASSERT_EQ(0, pgi_read_comm(getpid(), comm, sizeof(comm)));
	ASSERT_STREQ(comm, pgi_rec_comm(buf, rec));
	free(buf);
}

/* An id naming no process gives a GONE record, or ESRCH under STRICT. */
TEST_F(process_getinfo, gone_pid)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	const struct procrec *rec;
	size_t sz;
	void *buf;
	long ret;
	int pid;

	/* A pid that was just in use and is now free. */
	self->child.pid = fork();
	ASSERT_GE(self->child.pid, 0);
	if (self->child.pid == 0)
		_exit(0);
	pid = self->child.pid;
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	self->child.pid = 0;

	buf = one_record(_metadata, pid, want, &rec);
	ASSERT_EQ(PROCREC_GONE, rec->status);
	ASSERT_EQ(0, rec->input_index);
	ASSERT_EQ(pid, rec->tid);
	ASSERT_EQ(0ULL, rec->mask);

	sz = BUF_SIZE;
	ret = sys_process_getinfo(1, &pid, PROCESS_GETINFO_STRICT, want,
				  buf, &sz);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(ESRCH, errno);
	free(buf);
}

/*
 * A call for @ids and @want into @buf (all @alloc bytes of it filled with
 * PGI_PATTERN first) that gives it @sz bytes must fail with E2BIG and
 * report @need.
 */
static void call_e2big(struct __test_metadata *_metadata, const int *ids,
		       __u64 want, unsigned char *buf, size_t alloc, size_t sz,
		       size_t need)
{
	long ret;

	memset(buf, PGI_PATTERN, alloc);
	ret = sys_process_getinfo(2, ids, 0, want, buf, &sz);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(need, sz);
}

/* E2BIG reports the exact size, leaves a valid prefix and never overruns. */
TEST_F(process_getinfo, e2big)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM |
			   PROCESS_INFO_MEMINFO;
	const int ids[] = { getpid(), 1 };
	const struct process_info *hdr;
	size_t sz, need, alloc;
	unsigned char *buf;
	char why[256];
	long ret;

	/* Size 0: nothing fits, the needed size comes back. */
	buf = malloc(BUF_SIZE);
	ASSERT_NE(NULL, buf);
	memset(buf, PGI_PATTERN, BUF_SIZE);
	sz = 0;
	ret = sys_process_getinfo(2, ids, 0, want, buf, &sz);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(E2BIG, errno);
	ASSERT_GE(sz, (size_t)PROCESS_INFO_SIZE_VER0 + 2 * PROCREC_SIZE_VER0);
	ASSERT_TRUE(pgi_untouched(buf, 0, BUF_SIZE));
	need = sz;
	free(buf);

	alloc = need + 256;
	buf = malloc(alloc);
	ASSERT_NE(NULL, buf);
	hdr = (const struct process_info *)buf;

	/* One byte short: a truncated but valid prefix, nothing past it. */
	call_e2big(_metadata, ids, want, buf, alloc, need - 1, need);
	ASSERT_EQ(PROCESS_INFO_TRUNCATED, hdr->flags & PROCESS_INFO_TRUNCATED);
	ASSERT_EQ(0, pgi_check_buffer(buf, need - 1, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_LT(hdr->nr_procrecs, 2U);
	ASSERT_TRUE(pgi_untouched(buf, need - 1, alloc));

	/* Exactly the size asked for: success, nothing written past it. */
	memset(buf, PGI_PATTERN, alloc);
	sz = need;
	ret = sys_process_getinfo(2, ids, 0, want, buf, &sz);
	ASSERT_EQ(0, ret) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(need, sz);
	ASSERT_EQ(0U, hdr->flags & PROCESS_INFO_TRUNCATED);
	ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_EQ(2U, hdr->nr_procrecs);
	ASSERT_EQ(want, hdr->mask);
	ASSERT_TRUE(pgi_untouched(buf, need, alloc));

	/* Smaller than the header: E2BIG, buffer pgi_untouched. */
	call_e2big(_metadata, ids, want, buf, alloc,
		   PROCESS_INFO_SIZE_VER0 - 1, need);
	ASSERT_TRUE(pgi_untouched(buf, 0, alloc));
	free(buf);
}

/* Every malformed request fails with EINVAL. */
TEST_F(process_getinfo, einval)
{
	const unsigned long top_bit = 1UL << (8 * sizeof(unsigned long) - 1);
	const __u64 ids = PROCESS_INFO_IDS;
	int pid = getpid();
	int *many;
	size_t sz;
	void *buf;
	int i;

	buf = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, buf);

#define ASSERT_EINVAL(nr, proc, flags, mask) do {			\
		sz = BUF_SIZE;						\
		ASSERT_EQ(-1, sys_process_getinfo(nr, proc, flags,	\
						  mask, buf, &sz));	\
		ASSERT_EQ(EINVAL, errno);				\
	} while (0)

	ASSERT_EINVAL(1, &pid, 1 << 4, ids);
	ASSERT_EINVAL(1, &pid, 1 << 30, ids);
	if (!(self->supported_mask & (PROCESS_INFO_MEMORY_MAP << 1)))
		ASSERT_EINVAL(1, &pid, 0, PROCESS_INFO_MEMORY_MAP << 1);
	if (!(self->supported_mask & top_bit))
		ASSERT_EINVAL(1, &pid, 0, top_bit);
	ASSERT_EINVAL(-1, &pid, 0, ids);
	ASSERT_EINVAL(0, &pid, PROCESS_GETINFO_ALL, ids);
	ASSERT_EINVAL(1, NULL, PROCESS_GETINFO_ALL, ids);
	ASSERT_EINVAL(0, NULL, PROCESS_GETINFO_ALL | PROCESS_GETINFO_PIDFD,
		      ids);

	/* Too many ids, all of them valid: only the count is wrong. */
	many = malloc((PROCESS_GETINFO_NR_PROC_MAX + 1) * sizeof(*many));
	ASSERT_NE(NULL, many);
	for (i = 0; i <= PROCESS_GETINFO_NR_PROC_MAX; i++)
		many[i] = pid;
	ASSERT_EINVAL(PROCESS_GETINFO_NR_PROC_MAX + 1, many, 0, ids);
#undef ASSERT_EINVAL

	/* The maximum itself is accepted (the buffer is just too small). */
	sz = BUF_SIZE;
	ASSERT_EQ(-1, sys_process_getinfo(PROCESS_GETINFO_NR_PROC_MAX, many, 0,
					  ids, buf, &sz));
	ASSERT_EQ(E2BIG, errno);
	ASSERT_GT(sz, (size_t)PROCESS_GETINFO_NR_PROC_MAX * PROCREC_SIZE_VER0);
	free(many);
	free(buf);
}

/* Unreadable or unwritable user pointers fail with EFAULT. */
TEST_F(process_getinfo, efault)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM;
	int pid = getpid();
	size_t sz;
	void *buf;

	buf = calloc(1, BUF_SIZE);
	ASSERT_NE(NULL, buf);

	sz = BUF_SIZE;
	ASSERT_EQ(-1, sys_process_getinfo(1, &pid, 0, want, (void *)8, &sz));
	ASSERT_EQ(EFAULT, errno);

	ASSERT_EQ(-1, sys_process_getinfo(1, &pid, 0, want, buf,
					  (size_t *)8));
	ASSERT_EQ(EFAULT, errno);

	sz = BUF_SIZE;
	ASSERT_EQ(-1, sys_process_getinfo(1, (int *)8, 0, want, buf, &sz));
	ASSERT_EQ(EFAULT, errno);
	free(buf);
}

TEST_HARNESS_MAIN
