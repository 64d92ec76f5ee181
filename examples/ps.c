// SPDX-License-Identifier: GPL-2.0
/*
 * ps: list every process with one process_getinfo(2) call.
 *
 * A first call with mask 0 asks which facts this kernel knows; the second
 * asks for all processes at once, growing the buffer if the kernel says
 * E2BIG, and the records are found by following their offsets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/process_getinfo.h>

#ifndef __NR_process_getinfo
#define __NR_process_getinfo 473
#endif

#define PS_WANTED	(PROCESS_INFO_IDS | PROCESS_INFO_COMM |		\
			 PROCESS_INFO_STATUS | PROCESS_INFO_PRIO |	\
			 PROCESS_INFO_CREDS | PROCESS_INFO_VM_COUNTERS)

/* Room for a few thousand processes: most systems need one call. */
#define PS_START_SIZE	(256 * 1024)
#define PS_MAX_TRIES	8

struct row {
	__u64 mask;
	int pid;
	int ppid;
	char state;
	unsigned int uid;
	unsigned long long rss_kb;
	const char *comm;
};

static long sys_process_getinfo(int nr_proc, const int *proc, int flags,
				unsigned long mask, void *buf, size_t *sz)
{
	return syscall(__NR_process_getinfo, nr_proc, proc, flags, mask,
		       buf, sz);
}

static void die_errno(const char *what)
{
	if (errno == ENOSYS)
		fprintf(stderr,
			"ps: process_getinfo(2) is not available on this kernel (ENOSYS): is the process_getinfo module loaded?\n");
	else
		fprintf(stderr, "ps: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Does [off, off + len) lie inside the @used bytes, 8-byte aligned? */
static bool in_bounds(size_t off, size_t len, size_t used)
{
	return off && !(off % 8) && off <= used && len <= used - off;
}

static const char *string_at(const char *buf, size_t off, size_t used)
{
	if (!off || off >= used || !memchr(buf + off, '\0', used - off))
		return NULL;
	return buf + off;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Fills @rows from the record chain; returns the number of rows. */
static size_t collect(const char *buf, size_t used, struct row *rows)
{
	const struct process_info *hdr = (const void *)buf;
	__u32 off = hdr->first_procrec_offset;
	size_t n = 0;

	while (off && n < hdr->nr_procrecs) {
		const struct procrec *rec = (const void *)(buf + off);
		struct row *r = &rows[n];

		if (!in_bounds(off, PROCREC_SIZE_VER0, used) ||
		    rec->size < PROCREC_SIZE_VER0 ||
		    !in_bounds(off, rec->size, used)) {
			fprintf(stderr, "ps: malformed record at offset %u\n",
				off);
			exit(1);
		}
		r->mask = rec->mask;
		r->pid = rec->tgid;
		r->ppid = rec->ppid;
		r->state = rec->state;
		r->uid = rec->uid_effective;
		r->rss_kb = rec->rss_anon_kb + rec->rss_file_kb +
			    rec->rss_shmem_kb;
		r->comm = NULL;
		if (rec->mask & PROCESS_INFO_COMM)
			r->comm = string_at(buf, rec->comm_offset, used);
		n++;
		off = rec->next_procrec_offset;
	}
	return n;
}

static void print_row(const struct row *r)
{
	char pid[16] = "-", ppid[16] = "-", uid[16] = "-", rss[24] = "-";
	char state = '-';

	if (r->mask & PROCESS_INFO_IDS) {
		snprintf(pid, sizeof(pid), "%d", r->pid);
		snprintf(ppid, sizeof(ppid), "%d", r->ppid);
	}
	if ((r->mask & PROCESS_INFO_STATUS) && r->state)
		state = r->state;
	if (r->mask & PROCESS_INFO_CREDS)
		snprintf(uid, sizeof(uid), "%u", r->uid);
	if (r->mask & PROCESS_INFO_VM_COUNTERS)
		snprintf(rss, sizeof(rss), "%llu", r->rss_kb);
	printf("%7s %7s %c %5s %8s %s\n", pid, ppid, state, uid, rss,
	       r->comm ? r->comm : "-");
}

int main(void)
{
	struct process_info *hdr;
	size_t size, sz, n, i;
	unsigned long mask;
	struct row *rows;
	int calls = 0;
	char *buf;

	/* Which facts does this kernel know? */
	size = PS_START_SIZE;
	buf = malloc(size);
	if (!buf)
		die_errno("malloc");
	sz = size;
	if (sys_process_getinfo(0, NULL, 0, 0, buf, &sz))
		die_errno("process_getinfo");
	hdr = (struct process_info *)buf;
	mask = PS_WANTED & hdr->supported_mask;

	/* Every process, in one call unless the buffer was too small. */
	for (;;) {
		sz = size;
		calls++;
		if (!sys_process_getinfo(0, NULL, PROCESS_GETINFO_ALL, mask,
					 buf, &sz))
			break;
		if (errno != E2BIG || calls == PS_MAX_TRIES)
			die_errno("process_getinfo");
		free(buf);
		/* Processes come and go: ask for some headroom. */
		size = sz + sz / 8 + 4096;
		buf = malloc(size);
		if (!buf)
			die_errno("malloc");
	}
	hdr = (struct process_info *)buf;
	if (sz < PROCESS_INFO_SIZE_VER0 || hdr->size < PROCESS_INFO_SIZE_VER0 ||
	    hdr->size > sz || hdr->nr_procrecs > sz / PROCREC_SIZE_VER0) {
		fprintf(stderr, "ps: malformed header\n");
		return 1;
	}

	rows = calloc(hdr->nr_procrecs ? hdr->nr_procrecs : 1, sizeof(*rows));
	if (!rows)
		die_errno("calloc");
	n = collect(buf, sz, rows);
	qsort(rows, n, sizeof(*rows), cmp_row);

	printf("%7s %7s %c %5s %8s %s\n", "PID", "PPID", 'S', "UID",
	       "RSS(kB)", "COMM");
	for (i = 0; i < n; i++)
		print_row(&rows[i]);
	printf("process_getinfo: %zu processes in %d call%s (%zu bytes)\n",
	       n, calls, calls == 1 ? "" : "s", sz);

	free(rows);
	free(buf);
	return 0;
}
