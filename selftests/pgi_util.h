/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the process_getinfo(2) selftests: the system call
 * wrapper, a validator for the output buffer, a growing-buffer caller and
 * small procfs readers to compare the results against.
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
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/process_getinfo.h>

#ifndef __NR_process_getinfo
#define __NR_process_getinfo 473
#endif

/* Every fact bit this version of the uapi header knows. */
#define PGI_KNOWN_MASK		((PROCESS_INFO_MEMORY_MAP << 1) - 1)

/* Buffer sizes and attempts of pgi_getinfo_alloc(). */
#define PGI_ALLOC_START		4096
#define PGI_ALLOC_HEADROOM	4096
#define PGI_ALLOC_TRIES		8

/* Room for the longest name /proc/PID/comm shows (workqueue workers). */
#define PGI_COMM_MAX		128

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

#endif /* __PGI_UTIL_H */
