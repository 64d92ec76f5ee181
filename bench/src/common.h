/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the benchmark programs: the clock, counted system calls,
 * and the VMA layout the memory-map populations use.
 *
 * The clock.  The release guest is a tinyconfig kernel under QEMU TCG.
 * Without ACPI it found no HPET or PM timer, marked the TSC unstable and ran
 * on the refined-jiffies clocksource, so CLOCK_MONOTONIC moved in 4 ms steps
 * (HZ=250); with ACPI (for its second CPU) it runs on the TSC.  Either way
 * the guest's RDTSC returns the host's TSC under TCG, which is monotonic and
 * fine-grained, so every interval is timed with RDTSC and converted with a
 * rate calibrated against CLOCK_MONOTONIC over seconds.
 */
#ifndef PGI_BENCH_COMMON_H
#define PGI_BENCH_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t tsc_now(void)
{
	return __builtin_ia32_rdtsc();
}

/* Ticks per second of tsc_now(), set by main() from the command line. */
static double tsc_hz = 1e9;

static inline double tsc_ns(uint64_t ticks)
{
	return (double)ticks * 1e9 / tsc_hz;
}

static inline uint64_t tsc_ticks(double seconds)
{
	return (uint64_t)(seconds * tsc_hz);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fprintf(stderr, "pgibench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", err, strerror(err));
	exit(2);
}

/*
 * Every system call a method makes goes through SC(), so a snapshot's count
 * is read off the counter: no strace, no guessing.
 */
static unsigned long nr_syscalls;
#define SC(call) (nr_syscalls++, (call))

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("malloc %zu", n);
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("realloc %zu", n);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v and returns the @q quantile (nearest rank). */
static double quantile(double *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)n);
	if (i >= n)
		i = n - 1;
	return v[i];
}

/* The files the memory-map populations map, so that VMA names matter. */
#define VMA_NR_FILES	4
#define VMA_FILE_PAGES	16
#define VMA_FILE_DIR	"/tmp/pgi-bench"
/*
 * The shared population's file: on the ramfs bench/guest-init.sh mounts
 * here (the guest's / and /tmp are tmpfs, whose pages count as shmem), or
 * in VMA_FILE_DIR where there is none.
 */
#define SHARED_FILE_DIR	"/ramfs"

static void vma_files(int fds[VMA_NR_FILES])
{
	char path[128];
	int i;

	mkdir(VMA_FILE_DIR, 0755);
	for (i = 0; i < VMA_NR_FILES; i++) {
		snprintf(path, sizeof(path), VMA_FILE_DIR "/libbench-%d.so.%d", i, i + 1);
		fds[i] = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fds[i] < 0)
			die("open %s", path);
		if (ftruncate(fds[i], VMA_FILE_PAGES * 4096L))
			die("ftruncate %s", path);
	}
}

/*
 * make_vmas - map @n one-page VMAs that cannot merge: anonymous read-only,
 * anonymous read-write and a private read-only mapping of one of the files,
 * in turn (@with_files), or only the two anonymous kinds, alternating.
 * Returns the base of the [base, base + n pages) range.
 */
static char *make_vmas(long n, int with_files)
{
	int fds[VMA_NR_FILES];
	char *base;
	long i;

	if (n <= 0)
		return NULL;
	vma_files(fds);
	base = mmap(NULL, n * 4096L, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		die("mmap reserve %ld pages", n);
	for (i = 0; i < n; i++) {
		char *at = base + i * 4096L;
		void *p;

		switch (with_files ? i % 3 : i % 2) {
		case 0:
			p = mmap(at, 4096, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		case 1:
			p = mmap(at, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		default:
			p = mmap(at, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED,
				 fds[(i / 3) % VMA_NR_FILES],
				 ((i / 3) % VMA_FILE_PAGES) * 4096L);
			break;
		}
		if (p != at)
			die("mmap VMA %ld of %ld", i, n);
	}
	for (i = 0; i < VMA_NR_FILES; i++)
		close(fds[i]);
	return base;
}

#endif /* PGI_BENCH_COMMON_H */
