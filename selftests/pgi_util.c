// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the process_getinfo(2) selftests (and pgibench): see
 * pgi_util.h.  Linked into every test program; nothing here depends on
 * kselftest_harness.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "pgi_util.h"

/* ---- files, procfs ---- */

/* Writes the string @s to the file @path: 0, or -errno. */
int pgi_write_str(const char *path, const char *s)
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
int pgi_write_long(const char *path, long val)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", val);
	return pgi_write_str(path, s);
}

/* Reads @path (at most @len - 1 bytes), NUL-terminated; -errno on error. */
int pgi_read_str(const char *path, char *s, size_t len)
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
long pgi_read_long(const char *path)
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
char *pgi_read_file(const char *path, size_t max)
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

/**
 * pgi_read_comm - read /proc/@pid/comm without its newline
 * Return: 0, or -errno.
 */
int pgi_read_comm(pid_t pid, char *comm, size_t len)
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
pid_t pgi_read_ppid(pid_t pid)
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
int pgi_count_proc_pids(void)
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
long long pgi_meminfo_kb(const char *key)
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

/*
 * pgi_map_count_restore - put back the vm.max_map_count that
 * pgi_map_count_raise() saved in *@old (if it did, *@old >= 0; it is set
 * to -1 once put back).
 * Return: 0, or -errno.
 */
int pgi_map_count_restore(long *old)
{
	int err;

	if (*old < 0)
		return 0;
	err = pgi_write_long(PGI_MAP_COUNT_PATH, *old);
	if (!err)
		*old = -1;
	return err;
}

/* ---- the output buffer ---- */

/* Formats a reason into @why (if not NULL); returns -1. */
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
 * check_offset - is [@off, @off + @len) inside a buffer of @used bytes,
 * past the header of @hdr_size bytes and 8-byte aligned?
 */
static bool check_offset(size_t off, size_t len, size_t hdr_size, size_t used)
{
	if (off < hdr_size || off % 8)
		return false;
	return off <= used && len <= used - off;
}

/* check_string - does a NUL-terminated string start at @off? */
static bool check_string(const void *buf, size_t off, size_t hdr_size,
			 size_t used)
{
	if (off < hdr_size || off >= used)
		return false;
	return memchr((const char *)buf + off, 0, used - off);
}

static int check_vmas(const void *buf, size_t used, size_t hdr_size,
		      const struct procrec *rec, unsigned int recno,
		      char *why, size_t whylen)
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
		if (!check_offset(off, PROCREC_VMA_SIZE_VER0, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: VMA %u at bad offset %u",
					recno, i, off);
		vma = (const struct procrec_vma *)(base + off);
		if (vma->size < PROCREC_VMA_SIZE_VER0 ||
		    !check_offset(off, vma->size, hdr_size, used))
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
		    !check_string(buf, vma->backing_file_name_offset,
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

/*
 * check_scanner_facts - the fields of CPU_TIMES ... MEMORY_ROLLUP of record
 * @i: only in a record large enough for them, the command line followed by
 * a NUL, the rollup a whole struct with Pss no larger than Rss.
 */
static int check_scanner_facts(const unsigned char *base, size_t used,
			       size_t hdr_size, const struct procrec *rec,
			       __u32 i, char *why, size_t whylen)
{
	const __u64 ver1 = PROCESS_INFO_CPU_TIMES | PROCESS_INFO_SESSION |
			   PROCESS_INFO_CMDLINE | PROCESS_INFO_MEMORY_ROLLUP;

	if ((rec->mask & ver1) && rec->size < PROCREC_SIZE_VER1)
		return pgi_fail(why, whylen, "record %u: mask %#llx in a %u-byte record",
				i, (unsigned long long)rec->mask, rec->size);
	if (rec->size < PROCREC_SIZE_VER1)
		return 0;
	if (rec->mask & PROCESS_INFO_CMDLINE) {
		size_t end = (size_t)rec->cmdline_offset + rec->cmdline_size;

		/* The bytes, then a NUL not counted in cmdline_size. */
		if (rec->cmdline_offset < hdr_size || end >= used || base[end] != '\0')
			return pgi_fail(why, whylen, "record %u: bad cmdline %u+%u",
					i, rec->cmdline_offset, rec->cmdline_size);
	} else if (rec->cmdline_offset || rec->cmdline_size) {
		return pgi_fail(why, whylen, "record %u: cmdline without CMDLINE", i);
	}
	if (rec->mask & PROCESS_INFO_MEMORY_ROLLUP) {
		const struct procrec_rollup *r;

		if (!check_offset(rec->rollup_offset, PROCREC_ROLLUP_SIZE_VER0,
				  hdr_size, used))
			return pgi_fail(why, whylen, "record %u: bad rollup_offset %u",
					i, rec->rollup_offset);
		r = (const void *)(base + rec->rollup_offset);
		if (r->size < PROCREC_ROLLUP_SIZE_VER0 || r->__reserved0 ||
		    !check_offset(rec->rollup_offset, r->size, hdr_size, used))
			return pgi_fail(why, whylen, "record %u: rollup size %u", i, r->size);
		if (r->pss_kb > r->rss_kb || r->swap_pss_kb > r->swap_kb)
			return pgi_fail(why, whylen, "record %u: Pss %llu > Rss %llu", i,
					(unsigned long long)r->pss_kb,
					(unsigned long long)r->rss_kb);
	} else if (rec->rollup_offset) {
		return pgi_fail(why, whylen, "record %u: rollup without MEMORY_ROLLUP", i);
	}
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
int pgi_check_buffer(const void *buf, size_t used, char *why, size_t whylen)
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
		if (!check_offset(off, PROCREC_SIZE_VER0, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u at bad offset %u", i, off);
		rec = (const struct procrec *)(base + off);
		if (rec->size < PROCREC_SIZE_VER0 ||
		    !check_offset(off, rec->size, hdr_size, used))
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
		    !check_string(buf, rec->comm_offset, hdr_size, used))
			return pgi_fail(why, whylen,
					"record %u: bad comm_offset %u",
					i, rec->comm_offset);
		if ((rec->mask & PROCESS_INFO_MEMORY_MAP) &&
		    check_vmas(buf, used, hdr_size, rec, i, why, whylen))
			return -1;
		if (check_scanner_facts(base, used, hdr_size, rec, i, why, whylen))
			return -1;
		off = rec->next_procrec_offset;
	}
	if (off)
		return pgi_fail(why, whylen,
				"chain longer than nr_procrecs %u (loop?)",
				hdr->nr_procrecs);
	return 0;
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
void *pgi_getinfo_alloc(int nr_proc, const int *proc, int flags,
			unsigned long mask, size_t *used)
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

/* Bytes the kernel must not have written: [@from, @to) is all PGI_PATTERN. */
bool pgi_untouched(const unsigned char *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != PGI_PATTERN)
			return false;
	return true;
}

/* ---- time, random numbers, errno names, sorting ---- */

void pgi_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* CLOCK_MONOTONIC in nanoseconds. */
long long pgi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_MONOTONIC in milliseconds. */
long long pgi_now_ms(void)
{
	return pgi_now_ns() / 1000000;
}

/* pgi_rnd - the next number of the xorshift32 generator seeded by *@seed */
unsigned int pgi_rnd(unsigned int *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

/* The name of @err ("EINVAL"), "0" for 0, or "E?" if it has none. */
const char *pgi_errname(int err)
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
size_t pgi_errno_hist(char *s, size_t len, const unsigned long long *err,
		      int nr, const char *zero)
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

/* A qsort() and bsearch() comparison of ints. */
int pgi_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

void pgi_failure_init(struct pgi_failure *f, int *stop)
{
	pthread_mutex_init(&f->lock, NULL);
	f->failed = 0;
	f->why[0] = '\0';
	f->stop = stop;
}

/*
 * pgi_fail_first - record a thread's failure in @f unless one is recorded
 * already, then set @f's stop flag to end every thread's loop
 */
void pgi_fail_first(struct pgi_failure *f, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&f->lock);
	if (!f->failed) {
		va_start(ap, fmt);
		vsnprintf(f->why, sizeof(f->why), fmt, ap);
		va_end(ap);
		f->failed = 1;
	}
	pthread_mutex_unlock(&f->lock);
	__atomic_store_n(f->stop, 1, __ATOMIC_SEQ_CST);
}

/* ---- child processes ---- */

/*
 * The parent's ends of the pipes of the children this process started and
 * has not stopped: a new child closes them, so that a child sees EOF on its
 * command pipe once this process closes it, whoever else it started since.
 */
#define CHILD_FDS_MAX	64

static int child_fds[CHILD_FDS_MAX];
static int nr_child_fds;

static int child_fd_add(int fd)
{
	if (nr_child_fds == CHILD_FDS_MAX)
		return -1;
	child_fds[nr_child_fds++] = fd;
	return 0;
}

/* Closes *@fd if pgi_child_start() opened it; sets it to -1. */
static void child_fd_close(int *fd)
{
	int i;

	for (i = 0; *fd >= 0 && i < nr_child_fds; i++) {
		if (child_fds[i] == *fd) {
			close(*fd);
			child_fds[i] = child_fds[--nr_child_fds];
			break;
		}
	}
	*fd = -1;
}

/**
 * pgi_child_start - fork a child that runs @fn and exits with its result
 * @c: receives the child
 * @fn: what the child runs, with its ends of the two pipes
 * @arg: the third argument of @fn (the child's copy of it)
 *
 * The child holds no other child's pipe open: each sees its own EOF.
 *
 * Return: 0, or -1 with errno set (and @c is PGI_CHILD_NONE).
 */
int pgi_child_start(struct pgi_child *c, pgi_child_fn fn, void *arg)
{
	int cmd[2], ack[2], i;
	pid_t pid;

	*c = PGI_CHILD_NONE;
	if (nr_child_fds + 2 > CHILD_FDS_MAX) {
		errno = EMFILE;
		return -1;
	}
	if (pipe2(cmd, O_CLOEXEC))
		return -1;
	if (pipe2(ack, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(cmd[0]);
		close(cmd[1]);
		close(ack[0]);
		close(ack[1]);
		return -1;
	}
	if (pid == 0) {
		for (i = 0; i < nr_child_fds; i++)
			close(child_fds[i]);
		nr_child_fds = 0;
		close(cmd[1]);
		close(ack[0]);
		_exit(fn(cmd[0], ack[1], arg));
	}
	close(cmd[0]);
	close(ack[1]);
	child_fd_add(cmd[1]);
	child_fd_add(ack[0]);
	c->pid = pid;
	c->cmd = cmd[1];
	c->ack = ack[0];
	return 0;
}

static ssize_t read_retry(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n;
}

/**
 * pgi_child_report - read what the child sends until it closes its end
 * @c: the child
 * @msg: receives it, NUL-terminated
 * @len: the size of @msg
 *
 * Return: the length read.
 */
size_t pgi_child_report(struct pgi_child *c, char *msg, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len - 1) {
		n = read_retry(c->ack, msg + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
	}
	msg[got] = '\0';
	return got;
}

/**
 * pgi_child_wait_ready - wait for the child's pgi_child_ready()
 * @c: the child
 * @why: receives, on failure, the child's reason (pgi_child_fail()) or
 *	"exited before it was ready"
 * @whylen: the size of @why (at least 2)
 *
 * Return: 0 once the child is ready, -1 if it failed or exited.
 */
int pgi_child_wait_ready(struct pgi_child *c, char *why, size_t whylen)
{
	char first;
	ssize_t n;

	n = read_retry(c->ack, &first, 1);
	if (n == 1 && first == 'r')
		return 0;
	if (n != 1)
		return pgi_fail(why, whylen, "exited before it was ready");
	why[0] = first;
	pgi_child_report(c, why + 1, whylen - 1);
	return -1;
}

/* Closes the child's command pipe: a child blocked on it exits. */
void pgi_child_close(struct pgi_child *c)
{
	child_fd_close(&c->cmd);
}

/**
 * pgi_child_stop - close the child's command pipe and wait for it to exit
 * @c: the child (then PGI_CHILD_NONE)
 * @status: receives its wait status (may be NULL)
 *
 * Return: 0, or -1 with errno set if it could not be waited for.
 */
int pgi_child_stop(struct pgi_child *c, int *status)
{
	int st = 0, ret = 0;

	child_fd_close(&c->cmd);
	if (c->pid > 0 && waitpid(c->pid, &st, 0) != c->pid)
		ret = -1;
	else if (status)
		*status = st;
	c->pid = 0;
	child_fd_close(&c->ack);
	return ret;
}

/* Closes the child's pipes and kills and reaps it (if it is not reaped). */
void pgi_child_kill(struct pgi_child *c)
{
	child_fd_close(&c->ack);
	child_fd_close(&c->cmd);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	c->pid = 0;
}

/* In the child: tells the parent the child is set up. */
void pgi_child_ready(int ack)
{
	if (write(ack, "r", 1) != 1)
		_exit(2);
}

/* In the child: the next command byte; false once the pipe is closed. */
bool pgi_child_command(int cmd, char *c)
{
	return read_retry(cmd, c, 1) == 1;
}

/* In the child: blocks until the parent closes the command pipe; 0. */
int pgi_child_block(int cmd)
{
	char c;

	while (pgi_child_command(cmd, &c))
		;
	return 0;
}

/* In the child: sends the parent a reason (of at most PGI_CHILD_MSG_MAX); 1. */
int pgi_child_fail(int ack, const char *fmt, ...)
{
	char msg[PGI_CHILD_MSG_MAX];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(msg))
		len = sizeof(msg) - 1;
	if (write(ack, msg, len) != len)
		return 2;
	return 1;
}

/* A thread that does nothing until its process ends. */
void *pgi_pause_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/**
 * pgi_start_threads - start pgi_pause_thread() threads
 * @nr: how many
 * @stack_size: the stack of each, or 0 for the default
 *
 * Return: how many were started: @nr, or fewer with errno set to the
 * error of the first pthread_create() that failed.
 */
int pgi_start_threads(int nr, size_t stack_size)
{
	pthread_attr_t attr;
	pthread_t th;
	int i, err = 0;

	if (stack_size) {
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, stack_size);
	}
	for (i = 0; i < nr; i++) {
		err = pthread_create(&th, stack_size ? &attr : NULL,
				     pgi_pause_thread, NULL);
		if (err)
			break;
	}
	if (stack_size)
		pthread_attr_destroy(&attr);
	if (err)
		errno = err;
	return i;
}

/* The pgi_child_fn of a struct pgi_blocked child (@blocked). */
int pgi_blocked_main(int cmd, int ack, void *blocked)
{
	const struct pgi_blocked *b = blocked;

	if (b->setup && b->setup(b->arg))
		return pgi_child_fail(ack, "setup: %s", strerror(errno));
	if (pgi_start_threads(b->nr_threads, b->stack_size) < b->nr_threads)
		return pgi_child_fail(ack, "pthread_create: %s",
				      strerror(errno));
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/**
 * pgi_spawn_blocked - start a struct pgi_blocked child, and wait until it
 * is ready
 * @c: receives the child
 * @b: what it does
 *
 * Return: 0, or -1 once the child that failed is reaped (its reason is
 * printed as a TAP diagnostic line).
 */
int pgi_spawn_blocked(struct pgi_child *c, const struct pgi_blocked *b)
{
	char why[PGI_CHILD_MSG_MAX];
	pid_t pid;

	if (pgi_child_start(c, pgi_blocked_main, (void *)b))
		return -1;
	if (!pgi_child_wait_ready(c, why, sizeof(why)))
		return 0;
	pid = c->pid;
	pgi_child_kill(c);
	fprintf(stderr, "# blocked child %d: %s\n", pid, why);
	return -1;
}

/* ---- kmemleak ---- */

/*
 * pgi_kmemleak_open - mount debugfs if kmemleak is built in but not visible
 * @mounted_debugfs: set if debugfs was mounted here (to umount it after)
 * Return: whether kmemleak can be used.
 */
bool pgi_kmemleak_open(bool *mounted_debugfs)
{
	if (!access(PGI_KMEMLEAK_PATH, W_OK))
		return true;
	if (mount("debugfs", PGI_DEBUGFS, "debugfs", 0, NULL))
		return false;
	*mounted_debugfs = true;
	return !access(PGI_KMEMLEAK_PATH, W_OK);
}

/* Older suspects are not ours: have the next report show only new ones. */
void pgi_kmemleak_clear(void)
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
char *pgi_kmemleak_next(char **pos, bool unresolved, bool *mine)
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
