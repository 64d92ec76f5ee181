/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helpers of pgi_util.h for tests built on kselftest_harness.h: they
 * take the test's _metadata and use its ASSERT_*(), TH_LOG() and SKIP().
 */
#ifndef __PGI_HARNESS_H
#define __PGI_HARNESS_H

#include "kselftest_harness.h"
#include "pgi_util.h"

/*
 * PGI_PROBE_OR_SKIP - in a FIXTURE_SETUP(), call process_getinfo(2) for
 * the header alone into *@hdr: skip the test when the system call is not
 * available (ENOSYS), fail it when the call fails otherwise.  A macro, so
 * that SKIP() returns from the setup and the log names the test's line.
 */
#define PGI_PROBE_OR_SKIP(hdr) do {					\
	struct process_info *_hdr = (hdr);				\
	size_t sz = sizeof(*_hdr);					\
	long ret;							\
									\
	ret = sys_process_getinfo(0, NULL, 0, 0, _hdr, &sz);		\
	if (ret < 0 && errno == ENOSYS)					\
		SKIP(return, "process_getinfo(2) is not available (ENOSYS)"); \
	ASSERT_EQ(0, ret) {						\
		TH_LOG("probe failed: %s", strerror(errno));		\
	}								\
} while (0)

/**
 * pgi_child_spawn - pgi_child_start() a child into a test's array
 * @_metadata: the test's metadata, for ASSERT_*()
 * @kids: the test's children (its teardown pgi_child_kill()s them)
 * @nr_kids: how many of @kids there are so far (incremented)
 * @max_kids: the size of @kids
 * @fn: what the child runs
 * @arg: the third argument of @fn
 *
 * Return: the new child, @kids[*@nr_kids - 1].
 */
static inline struct pgi_child *pgi_child_spawn(struct __test_metadata *_metadata,
						struct pgi_child *kids, int *nr_kids,
						int max_kids, pgi_child_fn fn,
						void *arg)
{
	struct pgi_child *k;

	ASSERT_LT(*nr_kids, max_kids);
	k = &kids[*nr_kids];
	ASSERT_EQ(0, pgi_child_start(k, fn, arg)) {
		TH_LOG("cannot start a child: %s", strerror(errno));
	}
	(*nr_kids)++;
	return k;
}

/* The most children a test keeps at once. */
#define PGI_KIDS_MAX	4

/**
 * struct pgi_kids - the children of a test, which its teardown kills
 * @kid: the children started (pgi_kids_spawn())
 * @nr: how many of @kid there are
 */
struct pgi_kids {
	struct pgi_child kid[PGI_KIDS_MAX];
	int nr;
};

/* Starts a child of @kids that runs @fn(@arg); returns it. */
static inline struct pgi_child *pgi_kids_spawn(struct __test_metadata *_metadata,
					       struct pgi_kids *kids,
					       pgi_child_fn fn, void *arg)
{
	return pgi_child_spawn(_metadata, kids->kid, &kids->nr, PGI_KIDS_MAX,
			       fn, arg);
}

/* pgi_child_kill()s every child of @kids. */
static inline void pgi_kids_kill(struct pgi_kids *kids)
{
	int i;

	for (i = 0; i < kids->nr; i++)
		pgi_child_kill(&kids->kid[i]);
}

/* Waits for the child's "ready" byte; fails the test with its reason if not. */
static inline void pgi_child_wait(struct __test_metadata *_metadata,
				  struct pgi_child *k)
{
	char why[PGI_CHILD_MSG_MAX];

	ASSERT_EQ(0, pgi_child_wait_ready(k, why, sizeof(why))) {
		TH_LOG("child %d: %s", k->pid, why);
	}
}

/* pgi_child_stop()s the child; returns its wait status. */
static inline int pgi_child_reap(struct __test_metadata *_metadata,
				 struct pgi_child *k)
{
	pid_t pid = k->pid;
	int status = 0;

	ASSERT_EQ(0, pgi_child_stop(k, &status)) {
		TH_LOG("waitpid %d: %s", pid, strerror(errno));
	}
	return status;
}

/*
 * pgi_alloc_start - the buffer a caller that grows it on E2BIG starts from:
 * PGI_ALLOC_START bytes, its size in *@cap
 */
static inline unsigned char *pgi_alloc_start(struct __test_metadata *_metadata,
					     size_t *cap)
{
	unsigned char *buf = malloc(PGI_ALLOC_START);

	ASSERT_NE(NULL, buf);
	*cap = PGI_ALLOC_START;
	return buf;
}

/*
 * pgi_map_count_raise - make vm.max_map_count at least @needed, saving the
 * old value in *@saved for pgi_map_count_restore() if it changes it
 */
static inline void pgi_map_count_raise(struct __test_metadata *_metadata,
				       long needed, long *saved)
{
	long old = pgi_read_long(PGI_MAP_COUNT_PATH);

	ASSERT_GT(old, 0);
	if (old < needed) {
		*saved = old;
		ASSERT_EQ(0, pgi_write_long(PGI_MAP_COUNT_PATH, needed));
	}
}

/**
 * pgi_kmemleak_log - log a kmemleak report, object by object
 * @_metadata: the test's metadata, for TH_LOG()
 * @report: the report (split up in place), or NULL
 * @unresolved: as for pgi_kmemleak_next()
 * @total: set to the number of objects reported
 *
 * Return: how many of them are ours (pgi_kmemleak_next()).
 */
static inline int pgi_kmemleak_log(struct __test_metadata *_metadata,
				   char *report, bool unresolved, int *total)
{
	char *obj, *line, *save;
	int ours = 0;
	bool mine;

	*total = 0;
	while ((obj = pgi_kmemleak_next(&report, unresolved, &mine))) {
		(*total)++;
		ours += mine;
		for (line = strtok_r(obj, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			TH_LOG("leak report%s: %s", mine ? " (ours)" : "", line);
	}
	return ours;
}

/*
 * pgi_assert_within - fail the test once @budget_s seconds have passed
 * since @t0_ms (a pgi_now_ms()): the time limit of a test whose length is
 * chosen at run time, checked as it goes, below the fixed
 * TEST_F_TIMEOUT() that holds its longest run
 */
static inline void pgi_assert_within(struct __test_metadata *_metadata,
				     long long t0_ms, long long budget_s)
{
	ASSERT_LT(pgi_now_ms() - t0_ms, budget_s * 1000) {
		TH_LOG("over the time limit of %lld s for this run", budget_s);
	}
}

#endif /* __PGI_HARNESS_H */
