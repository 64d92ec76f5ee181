/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the process_getinfo(2) selftests: the system call
 * wrapper, a validator for the output buffer, a growing-buffer caller,
 * small procfs readers to compare the results against, and what several
 * tests do alike (time, random numbers, errno names, blocked children,
 * vm.max_map_count, kmemleak).  The headers included here, and the
 * fallback definitions below them, are the tests' common preamble.
 *
 * The helpers that take a test's _metadata (ASSERT_*(), SKIP()) are at the
 * end and need kselftest_harness.h included first; without it (pgibench)
 * only the others are defined.
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

/* Writes the string @s to the file @path: 0, or -errno. */
static inline int pgi_write_str(const char *path, const char *s)
{
	ssize_t len = strlen(s);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/* Writes @val in decimal to the file @path: 0, or -errno. */
static inline int pgi_write_long(const char *path, long val)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", val);
	return pgi_write_str(path, s);
}

/* Reads @path (at most @len - 1 bytes), NUL-terminated; -errno on error. */
static inline int pgi_read_str(const char *path, char *s, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, s, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	s[n] = '\0';
	return 0;
}

/* The number at the start of the file @path, or -errno. */
static inline long pgi_read_long(const char *path)
{
	char s[32];
	int err;

	err = pgi_read_str(path, s, sizeof(s));
	if (err)
		return err;
	return strtol(s, NULL, 10);
}

/**
 * pgi_read_file - read a file into a malloc()ed string
 * @path: the file
 * @max: the size of the string: at most @max - 1 bytes are read
 *
 * Return: the NUL-terminated contents, or NULL.
 */
static inline char *pgi_read_file(const char *path, size_t max)
{
	char *s = malloc(max);
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!s)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(s);
		return NULL;
	}
	while (len < max - 1 && (n = read(fd, s + len, max - 1 - len)) > 0)
		len += n;
	close(fd);
	s[len] = '\0';
	return s;
}

static inline long sys_process_getinfo(int nr_proc, const int *proc,
				       int flags, unsigned long mask,
				       void *buf, size_t *sz)
{
	return syscall(__NR_process_getinfo, nr_proc, proc, flags, mask,
		       buf, sz);
}

static inline __attribute__((format(printf, 3, 4)))
int pgi_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * pgi_check_offset - is [@off, @off + @len) inside a buffer of @used bytes,
 * past the header of @hdr_size bytes and 8-byte aligned?
 */
static inline bool pgi_check_offset(size_t off, size_t len, size_t hdr_size,
				    size_t used)
{
	if (off < hdr_size || off % 8)
		return false;
	return off <= used && len <= used - off;
}

/* pgi_check_string - does a NUL-terminated string start at @off? */
static inline bool pgi_check_string(const void *buf, size_t off,
				    size_t hdr_size, size_t used)
{
	if (off < hdr_size || off >= used)
		return false;
	return memchr((const char *)buf + off, 0, used - off);
}

static inline int pgi_check_vmas(const void *buf, size_t used,
				 size_t hdr_size, const struct procrec *rec,
				 unsigned int recno, char *why, size_t whylen)
{
	const unsigned char *base = buf;
	__u64 prev_end = 0;
	__u32 off = rec->first_vma_offset;
	__u32 i;

	if (rec->nr_vmas > used / PROCREC_VMA_SIZE_VER0)
		return pgi_fail(why, whylen, "record %u: nr_vmas %u cannot fit",
				recno, rec->nr_vmas);
	if (!rec->nr_vmas != !off)
		return pgi_fail(why, whylen,
				"record %u: nr_vmas %u but first_vma_offset %u",
				recno, rec->nr_vmas, off);

	for (i = 0; i < rec->nr_vmas; i++) {
		const struct procrec_vma *vma;

		if (!off)
			return pgi_fail(why, whylen,
					"record %u: VMA chain ends after %u of %u",
					recno, i, rec->nr_vmas);
		if (!pgi_check_offset(off, PROCREC_VMA_SIZE_VER0, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: VMA %u at bad offset %u",
					recno, i, off);
		vma = (const struct procrec_vma *)(base + off);
		if (vma->size < PROCREC_VMA_SIZE_VER0 ||
		    !pgi_check_offset(off, vma->size, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: VMA %u at %u has bad size %u",
					recno, i, off, vma->size);
		if (vma->__reserved0)
			return pgi_fail(why, whylen,
					"record %u: VMA %u __reserved0 not zero",
					recno, i);
		if (vma->start >= vma->end)
			return pgi_fail(why, whylen,
					"record %u: VMA %u start %#llx >= end %#llx",
					recno, i,
					(unsigned long long)vma->start,
					(unsigned long long)vma->end);
		if (i && vma->start < prev_end)
			return pgi_fail(why, whylen,
					"record %u: VMA %u start %#llx below previous end %#llx",
					recno, i,
					(unsigned long long)vma->start,
					(unsigned long long)prev_end);
		if (vma->backing_file_name_offset &&
		    !pgi_check_string(buf, vma->backing_file_name_offset,
				      hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: VMA %u bad file name offset %u",
					recno, i, vma->backing_file_name_offset);
		prev_end = vma->end;
		off = vma->next_procrec_vma_offset;
	}
	if (off)
		return pgi_fail(why, whylen,
				"record %u: VMA chain longer than nr_vmas %u",
				recno, rec->nr_vmas);
	return 0;
}

/**
 * pgi_check_buffer - check that an output buffer is well-formed
 * @buf: the buffer process_getinfo(2) filled
 * @used: the bytes of @buf to trust (*inout_sz on success, the buffer
 *	size for a truncated prefix)
 * @why: receives a reason on failure (may be NULL)
 * @whylen: size of @why
 *
 * Walks every link: the header, each procrec, its comm string and its VMA
 * chain, checking bounds, alignment, sizes, chain lengths and zeroed
 * padding.
 *
 * Return: 0 if the buffer is well-formed, -1 otherwise.
 */
static inline int pgi_check_buffer(const void *buf, size_t used, char *why,
				   size_t whylen)
{
	const unsigned char *base = buf;
	const struct process_info *hdr = buf;
	size_t hdr_size;
	__u32 off, i;

	if (used < PROCESS_INFO_SIZE_VER0)
		return pgi_fail(why, whylen, "used %zu smaller than header",
				used);
	if ((unsigned long)buf % 8)
		return pgi_fail(why, whylen, "buffer not 8-byte aligned");
	hdr_size = hdr->size;
	if (hdr_size < PROCESS_INFO_SIZE_VER0 || hdr_size > used)
		return pgi_fail(why, whylen, "header size %zu (used %zu)",
				hdr_size, used);
	if (hdr->flags & ~PROCESS_INFO_TRUNCATED)
		return pgi_fail(why, whylen, "unknown header flags %#x",
				hdr->flags);
	if (hdr->mask & ~hdr->supported_mask)
		return pgi_fail(why, whylen,
				"header mask %#llx not within supported_mask %#llx",
				(unsigned long long)hdr->mask,
				(unsigned long long)hdr->supported_mask);
	if (hdr->nr_procrecs > used / PROCREC_SIZE_VER0)
		return pgi_fail(why, whylen, "nr_procrecs %u cannot fit",
				hdr->nr_procrecs);

	off = hdr->first_procrec_offset;
	if (!hdr->nr_procrecs != !off)
		return pgi_fail(why, whylen,
				"nr_procrecs %u but first_procrec_offset %u",
				hdr->nr_procrecs, off);

	/* A chain that is exactly nr_procrecs long and ends cannot loop. */
	for (i = 0; i < hdr->nr_procrecs; i++) {
		const struct procrec *rec;

		if (!off)
			return pgi_fail(why, whylen,
					"chain ends after %u of %u records",
					i, hdr->nr_procrecs);
		if (!pgi_check_offset(off, PROCREC_SIZE_VER0, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u at bad offset %u", i, off);
		rec = (const struct procrec *)(base + off);
		if (rec->size < PROCREC_SIZE_VER0 ||
		    !pgi_check_offset(off, rec->size, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u at %u has bad size %u",
					i, off, rec->size);
		if (rec->__reserved0[0] || rec->__reserved0[1] ||
		    rec->__reserved0[2] || rec->__reserved1)
			return pgi_fail(why, whylen,
					"record %u: __reserved not zero", i);
		if (rec->mask & ~hdr->mask)
			return pgi_fail(why, whylen,
					"record %u: mask %#llx not within header mask %#llx",
					i, (unsigned long long)rec->mask,
					(unsigned long long)hdr->mask);
		if (rec->status & ~(PROCREC_GONE | PROCREC_NOACCESS))
			return pgi_fail(why, whylen,
					"record %u: unknown status %#x",
					i, rec->status);
		if ((rec->mask & PROCESS_INFO_COMM) &&
		    !pgi_check_string(buf, rec->comm_offset, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: bad comm_offset %u",
					i, rec->comm_offset);
		if ((rec->mask & PROCESS_INFO_MEMORY_MAP) &&
		    pgi_check_vmas(buf, used, hdr_size, rec, i, why, whylen))
			return -1;
		if ((rec->mask & ~PROCESS_INFO_IDS & ~PROCESS_INFO_STATUS &
		     ~PROCESS_INFO_OOM_SCORE_ADJ & ~PROCESS_INFO_CREDS &
		     ~PROCESS_INFO_PRIO & ~PROCESS_INFO_COMM &
		     ~PROCESS_INFO_VM_COUNTERS & ~PROCESS_INFO_VM_SEQ &
		     ~PROCESS_INFO_MEMORY_MAP) && rec->size < PROCREC_SIZE_VER1)
			return pgi_fail(why, whylen,
					"record %u: mask %#llx in a %u-byte record",
					i, (unsigned long long)rec->mask, rec->size);
		if (rec->mask & PROCESS_INFO_CMDLINE) {
			size_t end = (size_t)rec->cmdline_offset + rec->cmdline_size;

			/* The bytes, then a NUL not counted in cmdline_size. */
			if (rec->cmdline_offset < hdr_size || end >= used ||
			    base[end] != '\0')
				return pgi_fail(why, whylen,
						"record %u: bad cmdline %u+%u",
						i, rec->cmdline_offset,
						rec->cmdline_size);
		} else if (rec->size >= PROCREC_SIZE_VER1 &&
			   (rec->cmdline_offset || rec->cmdline_size)) {
			return pgi_fail(why, whylen,
					"record %u: cmdline without CMDLINE", i);
		}
		if (rec->mask & PROCESS_INFO_MEMORY_ROLLUP) {
			const struct procrec_rollup *r;

			if (!pgi_check_offset(rec->rollup_offset,
					      PROCREC_ROLLUP_SIZE_VER0, hdr_size,
					      used))
				return pgi_fail(why, whylen,
						"record %u: bad rollup_offset %u",
						i, rec->rollup_offset);
			r = (const void *)(base + rec->rollup_offset);
			if (r->size < PROCREC_ROLLUP_SIZE_VER0 || r->__reserved0 ||
			    !pgi_check_offset(rec->rollup_offset, r->size,
					      hdr_size, used))
				return pgi_fail(why, whylen,
						"record %u: rollup size %u",
						i, r->size);
			if (r->pss_kb > r->rss_kb || r->swap_pss_kb > r->swap_kb)
				return pgi_fail(why, whylen,
						"record %u: Pss %llu > Rss %llu",
						i, (unsigned long long)r->pss_kb,
						(unsigned long long)r->rss_kb);
		} else if (rec->size >= PROCREC_SIZE_VER1 && rec->rollup_offset) {
			return pgi_fail(why, whylen,
					"record %u: rollup without MEMORY_ROLLUP", i);
		}
		off = rec->next_procrec_offset;
	}
	if (off)
		return pgi_fail(why, whylen,
				"chain longer than nr_procrecs %u (loop?)",
				hdr->nr_procrecs);
	return 0;
}

/*
 * pgi_first_rec, pgi_next_rec - walk the records of a buffer that
 * pgi_check_buffer() accepted.
 */
static inline const struct procrec *pgi_first_rec(const void *buf)
{
	const struct process_info *hdr = buf;

	if (!hdr->first_procrec_offset)
		return NULL;
	return (const void *)((const char *)buf + hdr->first_procrec_offset);
}

static inline const struct procrec *pgi_next_rec(const void *buf,
						 const struct procrec *rec)
{
	if (!rec->next_procrec_offset)
		return NULL;
	return (const void *)((const char *)buf + rec->next_procrec_offset);
}

static inline const char *pgi_rec_comm(const void *buf,
				       const struct procrec *rec)
{
	return (const char *)buf + rec->comm_offset;
}

/**
 * pgi_getinfo_alloc - call process_getinfo(2), growing the buffer on E2BIG
 * @nr_proc, @proc, @flags, @mask: as for process_getinfo(2)
 * @used: set to the bytes used on success
 *
 * Starts with PGI_ALLOC_START bytes; on E2BIG retries with the size the
 * kernel asked for plus PGI_ALLOC_HEADROOM, at most PGI_ALLOC_TRIES calls.
 *
 * Return: a malloc()ed buffer, or NULL with errno set.
 */
static inline void *pgi_getinfo_alloc(int nr_proc, const int *proc,
				      int flags, unsigned long mask,
				      size_t *used)
{
	size_t size = PGI_ALLOC_START;
	void *buf = NULL;
	int tries, err;

	for (tries = 0; tries < PGI_ALLOC_TRIES; tries++) {
		void *nbuf = realloc(buf, size);
		size_t sz = size;

		if (!nbuf) {
			err = ENOMEM;
			goto out_free;
		}
		buf = nbuf;
		if (!sys_process_getinfo(nr_proc, proc, flags, mask, buf, &sz)) {
			*used = sz;
			return buf;
		}
		err = errno;
		if (err != E2BIG)
			goto out_free;
		size = sz + PGI_ALLOC_HEADROOM;
	}
	err = E2BIG;
out_free:
	free(buf);
	errno = err;
	return NULL;
}

/**
 * pgi_read_comm - read /proc/@pid/comm without its newline
 * Return: 0, or -errno.
 */
static inline int pgi_read_comm(pid_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(comm, len, f)) {
		fclose(f);
		return -ESRCH;
	}
	fclose(f);
	n = strlen(comm);
	if (n && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	return 0;
}

/**
 * pgi_read_ppid - the PPid: line of /proc/@pid/status
 * Return: the parent's pid, or -errno.
 */
static inline pid_t pgi_read_ppid(pid_t pid)
{
	char path[64], *line = NULL;
	size_t len = 0;
	pid_t ppid = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		int v;

		if (sscanf(line, "PPid: %d", &v) == 1) {
			ppid = v;
			break;
		}
	}
	free(line);
	fclose(f);
	return ppid;
}

/**
 * pgi_count_proc_pids - count the /proc/[0-9]* entries (thread groups)
 * Return: the count, or -errno.
 */
static inline int pgi_count_proc_pids(void)
{
	struct dirent *de;
	int count = 0;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		const char *p = de->d_name;

		while (isdigit((unsigned char)*p))
			p++;
		if (p != de->d_name && !*p)
			count++;
	}
	closedir(dir);
	return count;
}

/**
 * pgi_meminfo_kb - a kB value of /proc/meminfo, such as "MemTotal"
 * Return: the value, or -1 if it cannot be read.
 */
static inline long long pgi_meminfo_kb(const char *key)
{
	char *line = NULL;
	size_t len = 0, klen = strlen(key);
	long long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (getline(&line, &len, f) > 0) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			if (sscanf(line + klen + 1, "%lld", &val) != 1)
				val = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return val;
}

/* Bytes the kernel must not have written: [@from, @to) is all PGI_PATTERN. */
static inline bool pgi_untouched(const unsigned char *p, size_t from,
				 size_t to)
{
	for (; from < to; from++)
		if (p[from] != PGI_PATTERN)
			return false;
	return true;
}

/* A qsort() and bsearch() comparison of ints. */
static inline int pgi_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* A pidfd of @pid, or -1 with errno set. */
static inline int pgi_pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

/* ---- time, random numbers, errno names ---- */

static inline void pgi_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* CLOCK_MONOTONIC in nanoseconds. */
static inline long long pgi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_MONOTONIC in milliseconds. */
static inline long long pgi_now_ms(void)
{
	return pgi_now_ns() / 1000000;
}

/* pgi_rnd - the next number of the xorshift32 generator seeded by *@seed */
static inline unsigned int pgi_rnd(unsigned int *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

/* The name of @err ("EINVAL"), "0" for 0, or "E?" if it has none. */
static inline const char *pgi_errname(int err)
{
	const char *s = err ? strerrorname_np(err) : "0";

	return s ? s : "E?";
}

/**
 * pgi_errno_hist - list the non-zero counts of @err as " NAME:count"
 * @s: receives the list ("" if every count is zero)
 * @len: the size of @s
 * @err: the counts, indexed by errno
 * @nr: the number of counts
 * @zero: the name of @err[0] (where the calls that succeeded, or the
 *	errnos past @nr, are counted)
 *
 * Return: the length of the list.
 */
static inline size_t pgi_errno_hist(char *s, size_t len,
				    const unsigned long long *err, int nr,
				    const char *zero)
{
	size_t used = 0;
	int e;

	s[0] = '\0';
	for (e = 0; e < nr; e++)
		if (err[e])
			used += snprintf(s + used, len - used, " %s:%llu",
					 e ? pgi_errname(e) : zero, err[e]);
	return used;
}

/* ---- children that block until their command pipe closes ---- */

/* A thread that does nothing until its process ends. */
static inline void *pgi_pause_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/**
 * pgi_spawn_blocked - fork a child that blocks until its command pipe closes
 * @cmd_w: receives the parent's write end of the child's command pipe
 * @setup: run first in the child (may be NULL): its name, its mappings
 * @nr_threads: pgi_pause_thread() threads the child starts after @setup
 *
 * Return: the child's pid once its threads run, or -1.
 */
static inline pid_t pgi_spawn_blocked(int *cmd_w, void (*setup)(void),
				      int nr_threads)
{
	int p[2], r[2], i;
	pthread_t th;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[1]);
		close(r[0]);
		if (setup)
			setup();
		for (i = 0; i < nr_threads; i++)
			if (pthread_create(&th, NULL, pgi_pause_thread, NULL))
				_exit(1);
		if (write(r[1], "r", 1) != 1)
			_exit(1);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	close(r[1]);
	*cmd_w = p[1];
	if (read(r[0], &c, 1) != 1)
		pid = -1;
	close(r[0]);
	return pid;
}

/*
 * pgi_reap_child - close the command pipe @cmd_w (if >= 0) of the child
 * @pid (if > 0), then kill and reap the child
 */
static inline void pgi_reap_child(pid_t pid, int cmd_w)
{
	if (cmd_w >= 0)
		close(cmd_w);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * A child of pgi_kid_spawn(): it runs a pgi_kid_fn, which reads commands
 * from @cmd and answers on @ack, and exits with what that returns.
 */
struct pgi_kid {
	pid_t pid;
	int cmd;	/* the parent's write end of the child's command pipe */
	int ack;	/* the parent's read end of the child's reply pipe */
};

typedef int (*pgi_kid_fn)(int cmd, int ack, void *arg);

/* In the child: tells the parent the child is set up. */
static inline void pgi_kid_ready(int ack)
{
	if (write(ack, "r", 1) != 1)
		_exit(2);
}

/* In the child: the next command byte; false once the pipe is closed. */
static inline bool pgi_kid_command(int cmd, char *c)
{
	ssize_t n;

	do {
		n = read(cmd, c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1;
}

/* In the child: blocks until the parent closes the command pipe; 0. */
static inline int pgi_kid_block(int cmd)
{
	char c;

	while (pgi_kid_command(cmd, &c))
		;
	return 0;
}

/* Closes the pipes of the first @nr of @kids and kills and reaps them. */
static inline void pgi_kids_reap(struct pgi_kid *kids, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (kids[i].ack >= 0)
			close(kids[i].ack);
		pgi_reap_child(kids[i].pid, kids[i].cmd);
	}
}

/*
 * pgi_map_count_restore - put back the vm.max_map_count that
 * pgi_map_count_raise() saved in *@old (if it did, *@old >= 0; it is set
 * to -1 once put back).
 * Return: 0, or -errno.
 */
static inline int pgi_map_count_restore(long *old)
{
	int err;

	if (*old < 0)
		return 0;
	err = pgi_write_long(PGI_MAP_COUNT_PATH, *old);
	if (!err)
		*old = -1;
	return err;
}

/* ---- kmemleak ---- */

/*
 * pgi_kmemleak_open - mount debugfs if kmemleak is built in but not visible
 * @mounted_debugfs: set if debugfs was mounted here (to umount it after)
 * Return: whether kmemleak can be used.
 */
static inline bool pgi_kmemleak_open(bool *mounted_debugfs)
{
	if (!access(PGI_KMEMLEAK_PATH, W_OK))
		return true;
	if (mount("debugfs", PGI_DEBUGFS, "debugfs", 0, NULL))
		return false;
	*mounted_debugfs = true;
	return !access(PGI_KMEMLEAK_PATH, W_OK);
}

/* Older suspects are not ours: have the next report show only new ones. */
static inline void pgi_kmemleak_clear(void)
{
	pgi_write_str(PGI_KMEMLEAK_PATH, "scan");
	pgi_write_str(PGI_KMEMLEAK_PATH, "clear");
}

/**
 * pgi_kmemleak_next - split the next object off a kmemleak report
 * @pos: the report at first, then where the last call left off
 * @unresolved: also count as ours a backtrace with an address no symbol
 *	resolves (an instance of the module unloaded since)
 * @mine: set if the object's backtrace (not its comm line, this program's
 *	name) mentions process_getinfo, or has such an address
 *
 * Return: the object's report, NUL-terminated, or NULL after the last.
 */
static inline char *pgi_kmemleak_next(char **pos, bool unresolved,
				      bool *mine)
{
	char *obj = *pos ? strstr(*pos, "unreferenced object") : NULL;
	char *next, *bt;

	if (!obj) {
		*pos = NULL;
		return NULL;
	}
	next = strstr(obj + 1, "unreferenced object");
	if (next)
		next[-1] = '\0';
	*pos = next;
	bt = strstr(obj, "backtrace");
	*mine = bt && (strstr(bt, "process_getinfo") ||
		       (unresolved && strstr(bt, "] 0xffffffff")));
	return obj;
}

#endif /* __PGI_UTIL_H */

/*
 * The helpers for tests built on kselftest_harness.h, which must be
 * included first: they use the test's _metadata and its ASSERT_*() and
 * SKIP().
 */
#if defined(__KSELFTEST_HARNESS_H) && !defined(__PGI_UTIL_HARNESS_H)
#define __PGI_UTIL_HARNESS_H

/*
 * PGI_PROBE_OR_SKIP - in a FIXTURE_SETUP(), call process_getinfo(2) for
 * the header alone into *@hdr: skip the test when the system call is not
 * available (ENOSYS), fail it when the call fails otherwise.  A macro, so
 * that SKIP() returns from the setup and the log names the test's line.
 */
#define PGI_PROBE_OR_SKIP(hdr) do {					\
	size_t sz = sizeof(*(hdr));					\
	long ret;							\
									\
	ret = sys_process_getinfo(0, NULL, 0, 0, (hdr), &sz);		\
	if (ret < 0 && errno == ENOSYS)					\
		SKIP(return, "process_getinfo(2) is not available (ENOSYS)"); \
	ASSERT_EQ(0, ret) {						\
		TH_LOG("probe failed: %s", strerror(errno));		\
	}								\
} while (0)

/**
 * pgi_kid_spawn - fork a child that runs @fn and exits with its return value
 * @_metadata: the test's metadata, for ASSERT_*()
 * @kids: the test's children
 * @nr_kids: how many of @kids there are so far (incremented)
 * @max_kids: the size of @kids
 * @fn: what the child runs, with the child's ends of its pipes
 * @arg: the third argument of @fn
 *
 * The child holds no other child's pipe open: each sees its own EOF.
 *
 * Return: the new child, @kids[*@nr_kids - 1].
 */
static inline struct pgi_kid *pgi_kid_spawn(struct __test_metadata *_metadata,
					    struct pgi_kid *kids, int *nr_kids,
					    int max_kids, pgi_kid_fn fn,
					    void *arg)
{
	int cmd[2], ack[2], i;
	struct pgi_kid *k;
	pid_t pid;

	ASSERT_LT(*nr_kids, max_kids);
	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ack, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (i = 0; i < *nr_kids; i++) {
			close(kids[i].cmd);
			close(kids[i].ack);
		}
		close(cmd[1]);
		close(ack[0]);
		_exit(fn(cmd[0], ack[1], arg));
	}
	close(cmd[0]);
	close(ack[1]);
	k = &kids[(*nr_kids)++];
	k->pid = pid;
	k->cmd = cmd[1];
	k->ack = ack[0];
	return k;
}

/* Closes the child's command pipe and reaps it; returns its wait status. */
static inline int pgi_kid_stop(struct __test_metadata *_metadata,
			       struct pgi_kid *k)
{
	int status;

	close(k->cmd);
	k->cmd = -1;
	ASSERT_EQ(k->pid, waitpid(k->pid, &status, 0));
	k->pid = 0;
	return status;
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

#endif /* __PGI_UTIL_HARNESS_H */
