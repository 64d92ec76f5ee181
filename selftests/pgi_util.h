/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the process_getinfo(2) selftests (and pgibench), defined
 * in pgi_util.c: the system call wrapper, a validator for the output
 * buffer, a growing-buffer caller, small procfs readers to compare the
 * results against, child processes, and what several tests do alike (time,
 * random numbers, errno names, vm.max_map_count, kmemleak).  The headers
 * included here, and the fallback definitions below them, are the tests'
 * common preamble.
 *
 * The helpers that need kselftest_harness.h (they take a test's _metadata
 * and use ASSERT_*() and SKIP()) are in pgi_harness.h.
 */
#ifndef __PGI_UTIL_H
#define __PGI_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/process_getinfo.h>

#ifndef __NR_process_getinfo
#define __NR_process_getinfo 473
#endif

#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/* The kernel's attribute macros, where kselftest.h does not define them. */
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif
#ifndef __aligned
#define __aligned(x)		__attribute__((aligned(x)))
#endif

/* Every fact bit this version of the uapi header knows. */
#define PGI_KNOWN_MASK		((PROCESS_INFO_MEMORY_ROLLUP << 1) - 1)

/* Buffer sizes and attempts of pgi_getinfo_alloc(). */
#define PGI_ALLOC_START		4096
#define PGI_ALLOC_HEADROOM	4096
#define PGI_ALLOC_TRIES		8

/* Room for the longest name /proc/PID/comm shows (workqueue workers). */
#define PGI_COMM_MAX		128

/* The byte buffers are filled with to see what the kernel wrote. */
#define PGI_PATTERN		0xA5

/* Raised for the processes with 100,000 VMAs, and put back. */
#define PGI_MAP_COUNT_PATH	"/proc/sys/vm/max_map_count"

/* kmemleak and the debugfs it shows in; it reports objects older than 5 s. */
#define PGI_DEBUGFS		"/sys/kernel/debug"
#define PGI_KMEMLEAK_PATH	PGI_DEBUGFS "/kmemleak"
#define PGI_KMEMLEAK_AGE_MS	6000
#define PGI_KMEMLEAK_REPORT_MAX	(256 * 1024)

/* The longest reason a child sends its parent (pgi_child_fail()). */
#define PGI_CHILD_MSG_MAX	512

/* The longest reason of a struct pgi_failure. */
#define PGI_FAILURE_MAX		512

static inline long sys_process_getinfo(int nr_proc, const int *proc,
				       int flags, unsigned long mask,
				       void *buf, size_t *sz)
{
	return syscall(__NR_process_getinfo, nr_proc, proc, flags, mask,
		       buf, sz);
}

/* A pidfd of @pid, or -1 with errno set. */
static inline int pgi_pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

/* ---- the output buffer ---- */

__printf(3, 4) int pgi_fail(char *why, size_t whylen, const char *fmt, ...);
int pgi_check_buffer(const void *buf, size_t used, char *why, size_t whylen);
void *pgi_getinfo_alloc(int nr_proc, const int *proc, int flags,
			unsigned long mask, size_t *used);
bool pgi_untouched(const unsigned char *p, size_t from, size_t to);

/* The struct at @off in @buf, or NULL for offset 0 (none, a chain's end). */
static inline const void *pgi_at(const void *buf, __u32 off)
{
	return off ? (const char *)buf + off : NULL;
}

/*
 * pgi_first_rec, pgi_next_rec - walk the records of a buffer that
 * pgi_check_buffer() accepted.
 */
static inline const struct procrec *pgi_first_rec(const void *buf)
{
	const struct process_info *hdr = buf;

	return pgi_at(buf, hdr->first_procrec_offset);
}

static inline const struct procrec *pgi_next_rec(const void *buf,
						 const struct procrec *rec)
{
	return pgi_at(buf, rec->next_procrec_offset);
}

static inline const char *pgi_rec_comm(const void *buf,
				       const struct procrec *rec)
{
	return (const char *)buf + rec->comm_offset;
}

/* pgi_first_vma, pgi_next_vma - walk the VMA chain of a checked record. */
static inline const struct procrec_vma *pgi_first_vma(const void *buf,
						      const struct procrec *rec)
{
	return pgi_at(buf, rec->first_vma_offset);
}

static inline const struct procrec_vma *pgi_next_vma(const void *buf,
						     const struct procrec_vma *vma)
{
	return pgi_at(buf, vma->next_procrec_vma_offset);
}

/* ---- files, procfs ---- */

int pgi_write_str(const char *path, const char *s);
int pgi_write_long(const char *path, long val);
int pgi_read_str(const char *path, char *s, size_t len);
long pgi_read_long(const char *path);
char *pgi_read_file(const char *path, size_t max);
int pgi_read_comm(pid_t pid, char *comm, size_t len);
pid_t pgi_read_ppid(pid_t pid);
int pgi_count_proc_pids(void);
long long pgi_meminfo_kb(const char *key);
int pgi_map_count_restore(long *old);

/* ---- time, random numbers, errno names, sorting ---- */

void pgi_sleep_ms(long ms);
long long pgi_now_ns(void);
long long pgi_now_ms(void);
unsigned int pgi_rnd(unsigned int *seed);
const char *pgi_errname(int err);
size_t pgi_errno_hist(char *s, size_t len, const unsigned long long *err,
		      int nr, const char *zero);
int pgi_cmp_int(const void *a, const void *b);

/**
 * struct pgi_failure - the first of the failures that threads report
 * @lock: taken to set @failed and @why
 * @failed: set once, by the first pgi_fail_first() (read without @lock)
 * @why: its reason
 * @stop: set (atomically) by every pgi_fail_first(): the threads' loops end
 */
struct pgi_failure {
	pthread_mutex_t lock;
	int failed;
	char why[PGI_FAILURE_MAX];
	int *stop;
};

void pgi_failure_init(struct pgi_failure *f, int *stop);
__printf(2, 3) void pgi_fail_first(struct pgi_failure *f, const char *fmt, ...);

/* ---- child processes ---- */

/**
 * struct pgi_child - a child process and the parent's ends of its pipes
 * @pid: the child, or 0 (none yet, or reaped)
 * @cmd: the write end of the child's command pipe, or -1: the child reads
 *	its commands there, and EOF once the parent closes it
 * @ack: the read end of the child's reply pipe, or -1: the child's "ready"
 *	byte, its replies, or its reason for failing
 *
 * pgi_child_start() forks the child; pgi_child_close(), pgi_child_stop()
 * and pgi_child_kill() close the pipes (close them only through these: the
 * children started later close the pipes of those started before them, so
 * that each sees its own EOF).
 */
struct pgi_child {
	pid_t pid;
	int cmd;
	int ack;
};

#define PGI_CHILD_NONE	((struct pgi_child){ .pid = 0, .cmd = -1, .ack = -1 })

/* What a child runs, with its ends of the pipes; it exits with the result. */
typedef int (*pgi_child_fn)(int cmd, int ack, void *arg);

/* The parent's side. */
int pgi_child_start(struct pgi_child *c, pgi_child_fn fn, void *arg);
int pgi_child_wait_ready(struct pgi_child *c, char *why, size_t whylen);
size_t pgi_child_report(struct pgi_child *c, char *msg, size_t len);
void pgi_child_close(struct pgi_child *c);
int pgi_child_stop(struct pgi_child *c, int *status);
void pgi_child_kill(struct pgi_child *c);

/* The child's side. */
void pgi_child_ready(int ack);
bool pgi_child_command(int cmd, char *c);
int pgi_child_block(int cmd);
__printf(2, 3) int pgi_child_fail(int ack, const char *fmt, ...);
void *pgi_pause_thread(void *arg);
int pgi_start_threads(int nr, size_t stack_size);

/**
 * struct pgi_blocked - the child most tests look at: it runs @setup (if
 * not NULL; non-zero fails the child, with errno), starts @nr_threads
 * pgi_pause_thread() threads (on stacks of @stack_size bytes, or the
 * default if 0), says it is ready, and blocks until its command pipe
 * closes.  pgi_spawn_blocked() starts one.
 */
struct pgi_blocked {
	int (*setup)(void *arg);
	void *arg;
	int nr_threads;
	size_t stack_size;
};

int pgi_blocked_main(int cmd, int ack, void *blocked);
int pgi_spawn_blocked(struct pgi_child *c, const struct pgi_blocked *b);

/* ---- kmemleak ---- */

bool pgi_kmemleak_open(bool *mounted_debugfs);
void pgi_kmemleak_clear(void);
char *pgi_kmemleak_next(char **pos, bool unresolved, bool *mine);

#endif /* __PGI_UTIL_H */
