// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit and 64-bit callers get the same bytes: the buffer's layout has no
 * pointer-sized field, so a 32-bit program on a 64-bit kernel (the compat
 * entry: a 32-bit mask and *inout_sz) and a 64-bit program asking the same
 * about the same processes, with nothing changing in between, get byte for
 * byte the same buffer.  This program is built twice, 64-bit and -m32 (the
 * guest has both, the second as <this>_m32); each runs the other width's
 * build as a helper (--snapshot) and compares the helper's buffer with its
 * own.  The 32-bit build also checks that every fact has a bit a 32-bit
 * mask reaches, and that *inout_sz is written as a 32-bit size_t.
 *
 * With PGI_FIXTURE set, a 32-bit helper also prints its snapshot as hex between
 * PGI-FIXTURE-BEGIN/END lines: the userspace crate's fixture of a buffer
 * from a 32-bit call is taken from there.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/stat.h>

#include "pgi_harness.h"

#define NR_KIDS		3
#define HELPER_SUFFIX	"_m32"
#define MAX_BUF		(8 << 20)

/* Everything stable about a process that blocks: MEMINFO changes by itself. */
#define STABLE_FACTS	(PROCESS_INFO_IDS | PROCESS_INFO_STATUS | \
			 PROCESS_INFO_OOM_SCORE_ADJ | PROCESS_INFO_CREDS | \
			 PROCESS_INFO_PRIO | PROCESS_INFO_COMM | \
			 PROCESS_INFO_VM_COUNTERS | PROCESS_INFO_VM_SEQ | \
			 PROCESS_INFO_MEMORY_MAP | PROCESS_INFO_CPU_TIMES | \
			 PROCESS_INFO_SESSION | PROCESS_INFO_CMDLINE | \
			 PROCESS_INFO_MEMORY_ROLLUP)

/* The helper: one call for @pids with @mask, the buffer written to @path. */
static int snapshot(const char *pids_arg, const char *mask_arg, const char *path)
{
	int pids[NR_KIDS * 2], n = 0, fd;
	unsigned long long mask = strtoull(mask_arg, NULL, 0);
	const char *p = pids_arg;
	size_t sz = MAX_BUF;
	void *buf = malloc(MAX_BUF);

	while (buf && *p && n < (int)ARRAY_SIZE(pids)) {
		pids[n++] = atoi(p);
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	if (!buf || sys_process_getinfo(n, pids, PROCESS_GETINFO_THREADS,
					(unsigned long)mask, buf, &sz)) {
		fprintf(stderr, "%s: %s\n", __func__, strerror(errno));
		return 2;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, sz) != (ssize_t)sz) {
		fprintf(stderr, "%s: %s: %s\n", __func__, path, strerror(errno));
		return 2;
	}
	close(fd);
	if (getenv("PGI_FIXTURE") && sizeof(size_t) == 4) {
		size_t i;

		printf("PGI-FIXTURE-BEGIN compat32 %zu\n", sz);
		for (i = 0; i < sz; i++)
			printf("%02x%s", ((unsigned char *)buf)[i], i % 32 == 31 ? "\n" : "");
		printf("\nPGI-FIXTURE-END compat32\n");
	}
	free(buf);
	return 0;
}

FIXTURE(compat)
{
	struct process_info hdr;
	struct pgi_child kids[NR_KIDS];
	int nr_kids;
	char helper[PATH_MAX];
	char out[64];
};

FIXTURE_SETUP(compat)
{
	char self_path[PATH_MAX - 8];
	ssize_t n;

	self->nr_kids = 0;
	self->out[0] = '\0';
	PGI_PROBE_OR_SKIP(&self->hdr);
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	ASSERT_GT(n, 0);
	self_path[n] = '\0';
	/* The other width's build: this name with, or without, the suffix. */
	if (sizeof(void *) == 8) {
		snprintf(self->helper, sizeof(self->helper), "%s%s", self_path, HELPER_SUFFIX);
	} else {
		size_t len = strlen(self_path), slen = strlen(HELPER_SUFFIX);

		ASSERT_GT(len, slen);
		ASSERT_STREQ(HELPER_SUFFIX, self_path + len - slen);
		self_path[len - slen] = '\0';
		snprintf(self->helper, sizeof(self->helper), "%s", self_path);
	}
	if (access(self->helper, X_OK))
		SKIP(return, "no %d-bit build of this test beside it",
		     sizeof(void *) == 8 ? 32 : 64);
}

FIXTURE_TEARDOWN(compat)
{
	int i;

	for (i = 0; i < self->nr_kids; i++)
		pgi_child_kill(&self->kids[i]);
	if (self->out[0])
		unlink(self->out);
}

/* Runs the other width's build as a helper; returns its buffer, *@len bytes. */
static void *run_helper(struct __test_metadata *_metadata, FIXTURE_DATA(compat) *self,
			const char *pids, unsigned long long mask, size_t *len)
{
	char maskstr[32];
	struct stat st;
	int status, fd;
	void *buf;
	pid_t pid;

	snprintf(self->out, sizeof(self->out), "/tmp/pgi-compat-%d", getpid());
	snprintf(maskstr, sizeof(maskstr), "%#llx", mask);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		execl(self->helper, self->helper, "--snapshot", pids, maskstr, self->out, NULL);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	fd = open(self->out, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &st));
	buf = malloc(st.st_size ? st.st_size : 1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(st.st_size, read(fd, buf, st.st_size));
	close(fd);
	*len = st.st_size;
	return buf;
}

/* The index of the first byte that differs, or @len. */
static size_t first_difference(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < len && x[i] == y[i]; i++)
		;
	return i;
}

/*
 * Three blocked children (one with threads), every stable fact, THREADS:
 * the helper's buffer and this program's are the same bytes.
 *
 * One fact can move while the children sleep: PSS.  The children share
 * their anonymous pages with this process (they are its forks), and each
 * page this process writes between the two calls stops being shared, so a
 * child's Pss grows.  Each such page moves once; the comparison is
 * repeated (a bounded number of times) until two calls in a row see the
 * same sharing.  A width-dependent difference differs every time.
 */
#define ATTEMPTS	5

TEST_F(compat, same_bytes_for_both_widths)
{
	struct pgi_blocked threaded = { .nr_threads = 3, .stack_size = 65536 };
	struct pgi_blocked plain = { 0 };
	__u64 mask = STABLE_FACTS & self->hdr.supported_mask;
	size_t mine_len, theirs_len, diff = 0;
	int ids[NR_KIDS], i, attempt;
	void *mine, *theirs;
	char pids[64];

	for (i = 0; i < NR_KIDS; i++) {
		ASSERT_EQ(0, pgi_spawn_blocked(&self->kids[self->nr_kids++],
					       i ? &plain : &threaded));
		ids[i] = self->kids[i].pid;
	}
	snprintf(pids, sizeof(pids), "%d,%d,%d", ids[0], ids[1], ids[2]);
	pgi_sleep_ms(100);	/* let them settle in their read() */

	for (attempt = 1; attempt <= ATTEMPTS; attempt++) {
		theirs = run_helper(_metadata, self, pids, mask, &theirs_len);
		mine = pgi_getinfo_alloc(NR_KIDS, ids, PROCESS_GETINFO_THREADS, mask,
					 &mine_len);
		ASSERT_NE(NULL, mine);
		ASSERT_EQ(0, pgi_check_buffer(theirs, theirs_len, NULL, 0));
		ksft_print_msg("attempt %d: %zu bytes from the %d-bit call, %zu from the %d-bit\n",
			       attempt, mine_len, (int)sizeof(void *) * 8, theirs_len,
			       sizeof(void *) == 8 ? 32 : 64);
		ASSERT_EQ(mine_len, theirs_len);
		diff = first_difference(mine, theirs, mine_len);
		if (diff < mine_len) {
			size_t j, from = diff & ~(size_t)7;

			ksft_print_msg("attempt %d: first difference at byte %zu\n", attempt, diff);
			for (j = from; j < from + 16 && j + 8 <= mine_len; j += 8)
				ksft_print_msg("  %5zu: %016llx %016llx\n", j,
					       *(unsigned long long *)((char *)mine + j),
					       *(unsigned long long *)((char *)theirs + j));
		}
		free(mine);
		free(theirs);
		if (diff == mine_len)
			break;
	}
	EXPECT_EQ(mine_len, diff);
}

/* A 32-bit caller reaches every fact, and gets *inout_sz as a 32-bit size_t. */
TEST_F(compat, a_32_bit_mask_reaches_every_fact)
{
	struct {
		size_t sz;
		unsigned char guard[8];
	} s;
	unsigned char tiny[16];
	int me = getpid();

	EXPECT_EQ(0ULL, self->hdr.supported_mask >> 32);
	if (sizeof(size_t) != 4)
		SKIP(return, "a 64-bit caller");
	memset(&s, 0xa5, sizeof(s));
	s.sz = sizeof(tiny);
	ASSERT_EQ(-1, sys_process_getinfo(1, &me, 0, (unsigned long)self->hdr.supported_mask,
					  tiny, &s.sz));
	ASSERT_EQ(E2BIG, errno);
	EXPECT_GT(s.sz, sizeof(struct process_info) + sizeof(struct procrec));
	EXPECT_TRUE(pgi_untouched(s.guard, 0, sizeof(s.guard)));
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--snapshot"))
		return snapshot(argv[2], argv[3], argv[4]);
	return test_harness_run(argc, argv);
}
