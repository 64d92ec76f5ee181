// SPDX-License-Identifier: GPL-2.0
/*
 * Every fact of process_getinfo(2) against procfs.  Children are put in
 * known states (running, sleeping, stopped, zombie; renamed; with chosen
 * credentials, priorities, oom_score_adj, memory and mappings) and block on
 * a pipe while they are looked at, so what /proc/PID/{stat,status,comm,
 * maps,task} and /proc/meminfo show must equal what the system call
 * returns.  The tests skip as a whole when the system call is not available
 * (ENOSYS).  Children are always reaped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <sched.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define NR_FILES		4
#define NR_THREADS		5	/* besides the main thread */
#define MANY_VMAS		100000
#define MAP_COUNT_NEEDED	(MANY_VMAS + 1000)
#define WAIT_STATE_MS		10000

/* VM counters in the order of struct procrec and of these status lines. */
static const char *const vm_keys[] = {
	"RssAnon", "RssFile", "RssShmem", "VmSize", "VmSwap",
};

/* The files a test made (add_file()), removed by its teardown. */
struct files {
	char path[NR_FILES][64];
	int nr;
};

FIXTURE(facts)
{
	struct pgi_kids kids;
	struct files files;
	long old_map_count;	/* vm.max_map_count to restore, or -1 */
};

FIXTURE_SETUP(facts)
{
	struct process_info hdr;

	self->kids.nr = 0;
	self->files.nr = 0;
	self->old_map_count = -1;

	PGI_PROBE_OR_SKIP(&hdr);
}

FIXTURE_TEARDOWN(facts)
{
	int i;

	pgi_kids_kill(&self->kids);
	for (i = 0; i < self->files.nr; i++)
		unlink(self->files.path[i]);
	pgi_map_count_restore(&self->old_map_count);
}

/* ---- the children's side ---- */

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* A check inside a child that reports through its pipe. */
#define KID_CHECK(ack, cond, fmt, ...) do {				\
		if (!(cond))						\
			return pgi_child_fail(ack, "line %d: %s: " fmt, \
					      __LINE__, #cond, ##__VA_ARGS__); \
	} while (0)

/* Sends the parent the report "ok"; returns 0. */
static int kid_ok(int ack)
{
	return write(ack, "ok", 2) == 2 ? 0 : 2;
}

/* Sleeps on its pipe; renames itself to @arg first if given. */
static int kid_sleeper(int cmd, int ack, void *arg)
{
	if (arg && prctl(PR_SET_NAME, arg, 0, 0, 0))
		return pgi_child_fail(ack, "PR_SET_NAME: %s", strerror(errno));
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/* Never sleeps. */
static int kid_spinner(int cmd, int ack, void *arg)
{
	unsigned long spin = 0;

	(void)cmd;
	(void)arg;
	pgi_child_ready(ack);
	/* An atomic store: the compiler keeps every increment. */
	for (;;)
		__atomic_store_n(&spin, spin + 1, __ATOMIC_RELAXED);
	return 0;
}

/* Sets distinct real, effective and saved ids (gids first), then sleeps. */
static int kid_creds(int cmd, int ack, void *arg)
{
	(void)arg;
	if (setresgid(2001, 2002, 2003))
		return pgi_child_fail(ack, "setresgid: %s", strerror(errno));
	if (setresuid(1001, 1002, 1003))
		return pgi_child_fail(ack, "setresuid: %s", strerror(errno));
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

#define VM_ANON_KB	4096	/* private anonymous memory, touched */
#define VM_FILE_KB	2048	/* a tmpfs file, read: shmem pages */
#define VM_SHM_KB	1024	/* shared anonymous memory, touched: shmem */

/*
 * Touches anonymous, file and shared memory of known sizes, then sleeps.
 * Each page is touched through an atomic access, which the compiler keeps.
 */
static int kid_vm(int cmd, int ack, void *arg)
{
	const char *path = arg;
	char *anon, *file, *shm;
	long pg = page_size(), i;
	unsigned long sum = 0;
	int fd;

	anon = mmap(NULL, VM_ANON_KB * 1024L, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		return pgi_child_fail(ack, "mmap anon: %s", strerror(errno));
	for (i = 0; i < VM_ANON_KB * 1024L; i += pg)
		__atomic_store_n(&anon[i], 1, __ATOMIC_RELAXED);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pgi_child_fail(ack, "open %s: %s", path, strerror(errno));
	file = mmap(NULL, VM_FILE_KB * 1024L, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED)
		return pgi_child_fail(ack, "mmap file: %s", strerror(errno));
	for (i = 0; i < VM_FILE_KB * 1024L; i += pg)
		sum += __atomic_load_n(&file[i], __ATOMIC_RELAXED);

	shm = mmap(NULL, VM_SHM_KB * 1024L, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return pgi_child_fail(ack, "mmap shared: %s", strerror(errno));
	for (i = 0; i < VM_SHM_KB * 1024L; i += pg)
		__atomic_store_n(&shm[i], (char)sum, __ATOMIC_RELAXED);

	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/* The files kid_map() maps, created by the parent. */
struct map_files {
	const char *shared;	/* mapped twice, through two opens */
	const char *newline;	/* a name with '\n', which maps escapes */
	const char *deleted;	/* unlinked while mapped */
};

static void *map_file(const char *path, int oflags, long len, int prot,
		      int flags, long off)
{
	void *p;
	int fd;

	fd = open(path, oflags | O_CLOEXEC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, len, prot, flags, fd, off);
	close(fd);
	return p;
}

static int set_anon_name(void *p, long len, const char *name)
{
	return prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, len,
		     (unsigned long)name);
}

/* Builds a memory map with every kind of name, then sleeps. */
static int kid_map(int cmd, int ack, void *arg)
{
	const struct map_files *f = arg;
	long pg = page_size();
	char *p;

	p = sbrk(16 * pg);
	if (p == (void *)-1)
		return pgi_child_fail(ack, "sbrk: %s", strerror(errno));
	memset(p, 1, 16 * pg);

	p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || set_anon_name(p, 3 * pg, "pgi-named"))
		return pgi_child_fail(ack, "named anon: %s", strerror(errno));

	/* One file through two opens, not adjacent: two names to share. */
	if (map_file(f->shared, O_RDWR, 2 * pg, PROT_READ | PROT_WRITE,
		     MAP_SHARED, 0) == MAP_FAILED)
		return pgi_child_fail(ack, "map %s: %s", f->shared, strerror(errno));
	if (mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	    MAP_FAILED)
		return pgi_child_fail(ack, "mmap: %s", strerror(errno));
	if (map_file(f->shared, O_RDONLY, pg, PROT_READ, MAP_PRIVATE, pg) ==
	    MAP_FAILED)
		return pgi_child_fail(ack, "map %s: %s", f->shared, strerror(errno));

	if (map_file(f->newline, O_RDONLY, pg, PROT_READ | PROT_EXEC,
		     MAP_PRIVATE, 0) == MAP_FAILED)
		return pgi_child_fail(ack, "map newline file: %s", strerror(errno));
	if (map_file(f->deleted, O_RDONLY, pg, PROT_READ, MAP_SHARED, 0) ==
	    MAP_FAILED || unlink(f->deleted))
		return pgi_child_fail(ack, "map %s: %s", f->deleted, strerror(errno));

	/* Shared anonymous memory whose second page is named: one file, two names. */
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || set_anon_name(p + pg, pg, "pgi-shm"))
		return pgi_child_fail(ack, "named shared anon: %s", strerror(errno));

	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/*
 * Maps @arg (a long; MANY_VMAS if NULL) pages of alternating protection,
 * then sleeps.
 */
static int kid_many(int cmd, int ack, void *arg)
{
	long pg = page_size(), n = arg ? (long)arg : MANY_VMAS, i;
	char *p;

	p = mmap(NULL, n * pg, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return pgi_child_fail(ack, "mmap: %s", strerror(errno));
	for (i = 1; i < n; i += 2)
		if (mprotect(p + i * pg, pg, PROT_READ | PROT_WRITE))
			return pgi_child_fail(ack, "mprotect %ld: %s", i,
					      strerror(errno));
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/* Changes its memory map on command: 'm'map, 'p'rotect, 'u'nmap a page. */
static int kid_vm_seq(int cmd, int ack, void *arg)
{
	long pg = page_size();
	char *p = NULL, c;
	int ret;

	(void)arg;
	pgi_child_ready(ack);
	while (pgi_child_command(cmd, &c)) {
		switch (c) {
		case 'm':
			p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ret = p == MAP_FAILED ? -1 : 0;
			break;
		case 'p':
			ret = mprotect(p, pg, PROT_READ);
			break;
		case 'u':
			ret = munmap(p, pg);
			break;
		default:
			ret = -1;
		}
		if (ret)
			return pgi_child_fail(ack, "op %c: %s", c, strerror(errno));
		pgi_child_ready(ack);
	}
	return 0;
}

/* Starts NR_THREADS more threads, then sleeps. */
static int kid_threads(int cmd, int ack, void *arg)
{
	(void)arg;
	if (pgi_start_threads(NR_THREADS, 0) < NR_THREADS)
		return pgi_child_fail(ack, "pthread_create: %s",
				      strerror(errno));
	pgi_child_ready(ack);
	return pgi_child_block(cmd);
}

/* ---- the parent's side ---- */

/* Reaps a reporting child: it must have said "ok" and exited 0. */
static void kid_check_report(struct __test_metadata *_metadata,
			     struct pgi_child *k)
{
	char msg[PGI_CHILD_MSG_MAX];
	int status;

	pgi_child_report(k, msg, sizeof(msg));
	status = pgi_child_reap(_metadata, k);
	ASSERT_STREQ("ok", msg);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* Makes the file @name of @len bytes among @files. */
static void add_file(struct __test_metadata *_metadata, struct files *files,
		     const char *name, long len)
{
	char *path, block[4096];
	long done;
	int fd;

	ASSERT_LT(files->nr, NR_FILES);
	path = files->path[files->nr];
	snprintf(path, sizeof(files->path[0]), "/tmp/pgi-facts-%d-%s",
		 getpid(), name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_GE(fd, 0) {
		TH_LOG("create %s: %s", path, strerror(errno));
	}
	files->nr++;
	memset(block, 'p', sizeof(block));
	for (done = 0; done < len; done += sizeof(block)) {
		ASSERT_EQ((ssize_t)sizeof(block),
			  write(fd, block, sizeof(block)));
	}
	close(fd);
}

static void proc_path(char *buf, size_t len, pid_t pid, const char *file)
{
	snprintf(buf, len, "/proc/%d/%s", pid, file);
}

/* /proc/PID/stat: the state letter and the numeric fields from the 4th on. */
struct pstat {
	char state;
	long long f[53];	/* f[n] is field n (1-based, as in proc(5)) */
};

static int read_pstat(const char *path, struct pstat *st)
{
	char buf[1024], *p, *end;
	ssize_t n;
	int fd, i;

	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EIO;
	st->state = p[2];
	p += 3;
	for (i = 4; i < (int)ARRAY_SIZE(st->f); i++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		st->f[i] = (long long)strtoull(p, &end, 10);
		if (*p == '-')
			st->f[i] = strtoll(p, &end, 10);
		if (end == p)
			return -EIO;
		p = end;
	}
	return 0;
}

static int read_pid_stat(pid_t pid, struct pstat *st)
{
	char path[64];

	proc_path(path, sizeof(path), pid, "stat");
	return read_pstat(path, st);
}

/* The numbers of the "@key:" line of status file @path; how many, or -errno. */
static int read_status_path(const char *path, const char *key, long long *v,
			    int n)
{
	size_t len = 0, klen = strlen(key);
	char *line = NULL, *p, *end;
	int ret = -ENOENT;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &len, f) > 0) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		p = line + klen + 1;
		for (ret = 0; ret < n; ret++) {
			v[ret] = strtoll(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		break;
	}
	free(line);
	fclose(f);
	return ret;
}

static int read_status(pid_t pid, const char *key, long long *v, int n)
{
	char path[64];

	proc_path(path, sizeof(path), pid, "status");
	return read_status_path(path, key, v, n);
}

/* One line of /proc/PID/maps, with the name unescaped. */
struct maps_line {
	unsigned long long start, end, off, ino;
	unsigned int major, minor;
	char perms[5];
	char *name;
};

/* maps escapes '\n' in paths as "\012"; undo that (in place). */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static void free_maps(struct maps_line *lines, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(lines[i].name);
	free(lines);
}

/* Every line of /proc/@pid/maps; NULL on error. */
static struct maps_line *read_maps(pid_t pid, size_t *nr)
{
	struct maps_line *lines = NULL, *l;
	size_t cap = 0, len = 0;
	char path[64], *line = NULL;
	ssize_t n;
	FILE *f;
	int pos;

	*nr = 0;
	proc_path(path, sizeof(path), pid, "maps");
	f = fopen(path, "re");
	if (!f)
		return NULL;
	while ((n = getline(&line, &len, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (*nr == cap) {
			cap = cap ? 2 * cap : 64;
			l = realloc(lines, cap * sizeof(*lines));
			if (!l)
				goto fail;
			lines = l;
		}
		l = &lines[*nr];
		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &l->start,
			   &l->end, l->perms, &l->off, &l->major, &l->minor,
			   &l->ino, &pos) != 7)
			goto fail;
		l->name = strdup(line + pos);
		if (!l->name)
			goto fail;
		unescape(l->name);
		(*nr)++;
	}
	free(line);
	fclose(f);
	return lines;
fail:
	free(line);
	fclose(f);
	free_maps(lines, *nr);
	*nr = 0;
	return NULL;
}

/* Calls process_getinfo(2) with a growing buffer and validates the result. */
static void *query(struct __test_metadata *_metadata, int nr, const int *ids,
		   int flags, __u64 mask)
{
	char why[256];
	size_t used;
	void *buf;

	buf = pgi_getinfo_alloc(nr, ids, flags, mask, &used);
	ASSERT_NE(NULL, buf) {
		TH_LOG("process_getinfo(nr %d, flags %#x, mask %#llx): %s",
		       nr, flags, (unsigned long long)mask, strerror(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	return buf;
}

/* The one record of a query for the visible @pid. */
static const struct procrec *query_pid(struct __test_metadata *_metadata,
				       pid_t pid, int flags, __u64 mask,
				       void **bufp)
{
	const struct process_info *hdr;
	const struct procrec *rec;

	*bufp = query(_metadata, 1, &pid, flags, mask);
	hdr = *bufp;
	ASSERT_EQ(mask, hdr->mask);
	ASSERT_EQ(1U, hdr->nr_procrecs);
	rec = pgi_first_rec(*bufp);
	ASSERT_NE(NULL, rec);
	ASSERT_EQ(0, rec->input_index);
	ASSERT_EQ(0U, rec->status & PROCREC_GONE);
	return rec;
}

static const char *vma_name(const void *buf, const struct procrec_vma *vma)
{
	if (!vma->backing_file_name_offset)
		return "";
	return (const char *)buf + vma->backing_file_name_offset;
}

/* The VMA chain of @rec equals the lines of maps, field by field. */
static void check_vmas(struct __test_metadata *_metadata, const void *buf,
		       const struct procrec *rec,
		       const struct maps_line *lines, size_t nr)
{
	const struct procrec_vma *vma = pgi_first_vma(buf, rec);
	char got[PATH_MAX + 128], want[PATH_MAX + 128];
	size_t i, differ = 0;

	ASSERT_EQ(nr, (size_t)rec->nr_vmas);
	for (i = 0; i < nr; i++, vma = pgi_next_vma(buf, vma)) {
		const struct maps_line *l = &lines[i];
		const char *name;

		ASSERT_NE(NULL, vma);
		name = vma_name(buf, vma);
		snprintf(got, sizeof(got), "%llx-%llx %c%c%c%c %llx %x:%x %llu %s",
			 (unsigned long long)vma->start,
			 (unsigned long long)vma->end,
			 vma->prot & PROT_READ ? 'r' : '-',
			 vma->prot & PROT_WRITE ? 'w' : '-',
			 vma->prot & PROT_EXEC ? 'x' : '-',
			 vma->flags & PROCREC_VMA_SHARED ? 's' : 'p',
			 (unsigned long long)vma->file_offset,
			 vma->dev_major, vma->dev_minor,
			 (unsigned long long)vma->inode, name);
		snprintf(want, sizeof(want), "%llx-%llx %s %llx %x:%x %llu %s",
			 l->start, l->end, l->perms, l->off, l->major, l->minor,
			 l->ino, l->name);
		if (strcmp(want, got) ||
		    (name[0] == '[') != !!(vma->flags & PROCREC_VMA_SPECIAL)) {
			/* Show the first few differences, fail after all. */
			if (differ++ < 10)
				TH_LOG("VMA %zu of %zu: maps '%s', got '%s' flags %#x",
				       i, nr, want, got, vma->flags);
		}
		ASSERT_EQ(0U, vma->prot & ~(__u32)(PROT_READ | PROT_WRITE |
						   PROT_EXEC));
	}
	ASSERT_NULL(vma);
	ASSERT_EQ(0U, differ) {
		TH_LOG("%zu of %zu VMAs differ from /proc/PID/maps", differ, nr);
	}
}

/* /proc/PID/stat shows @state before and after; the record says the same. */
static void check_state(struct __test_metadata *_metadata, pid_t pid,
			char state, __u64 extra, __u64 expect_mask)
{
	const __u64 want = PROCESS_INFO_STATUS | PROCESS_INFO_IDS | extra;
	const struct procrec *rec;
	struct pstat before, after;
	void *buf;

	ASSERT_EQ(0, read_pid_stat(pid, &before));
	ASSERT_EQ(state, before.state);
	rec = query_pid(_metadata, pid, 0, want, &buf);
	ASSERT_EQ(0, read_pid_stat(pid, &after));
	ASSERT_EQ(state, after.state);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(expect_mask, rec->mask);
	ASSERT_EQ(pid, rec->tid);
	ASSERT_EQ(before.state, rec->state) {
		TH_LOG("state '%c', /proc/%d/stat says '%c'", rec->state, pid,
		       before.state);
	}
	free(buf);
}

/* Polls /proc/@pid/stat until it shows @state. */
static bool wait_state(pid_t pid, char state)
{
	struct pstat st;
	int ms;

	for (ms = 0; ms < WAIT_STATE_MS; ms++) {
		if (read_pid_stat(pid, &st))
			return false;
		if (st.state == state)
			return true;
		usleep(1000);
	}
	return false;
}

/* A busy child is R, as /proc/PID/stat shows. */
TEST_F(facts, state_running)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_spinner, NULL);

	pgi_child_wait(_metadata, k);
	check_state(_metadata, k->pid, 'R', 0,
		    PROCESS_INFO_STATUS | PROCESS_INFO_IDS);
}

/* A child blocked reading a pipe is S, as /proc/PID/stat shows. */
TEST_F(facts, state_sleeping)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_sleeper, NULL);

	pgi_child_wait(_metadata, k);
	ASSERT_TRUE(wait_state(k->pid, 'S'));
	check_state(_metadata, k->pid, 'S', 0,
		    PROCESS_INFO_STATUS | PROCESS_INFO_IDS);
}

/* A child stopped by SIGSTOP is T, as /proc/PID/stat shows. */
TEST_F(facts, state_stopped)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_sleeper, NULL);
	int status;

	pgi_child_wait(_metadata, k);
	ASSERT_EQ(0, kill(k->pid, SIGSTOP));
	ASSERT_EQ(k->pid, waitpid(k->pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	check_state(_metadata, k->pid, 'T', 0,
		    PROCESS_INFO_STATUS | PROCESS_INFO_IDS);
}

/* An exited, unreaped child is Z; its memory facts are left out, not denied. */
TEST_F(facts, state_zombie)
{
	const __u64 mm_facts = PROCESS_INFO_VM_COUNTERS | PROCESS_INFO_VM_SEQ |
			       PROCESS_INFO_MEMORY_MAP;
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_sleeper, NULL);
	siginfo_t info;

	pgi_child_wait(_metadata, k);
	pgi_child_close(k);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, waitid(P_PID, k->pid, &info, WEXITED | WNOWAIT));
	ASSERT_EQ(k->pid, info.si_pid);
	check_state(_metadata, k->pid, 'Z', mm_facts,
		    PROCESS_INFO_STATUS | PROCESS_INFO_IDS);
}

/* comm after PR_SET_NAME equals /proc/PID/comm. */
TEST_F(facts, comm)
{
	static const char name[] = "pgi-renamed";
	char comm[PGI_COMM_MAX];
	const struct procrec *rec;
	struct pgi_child *k;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_sleeper, (void *)name);
	pgi_child_wait(_metadata, k);
	ASSERT_EQ(0, pgi_read_comm(k->pid, comm, sizeof(comm)));
	ASSERT_STREQ(name, comm);
	rec = query_pid(_metadata, k->pid, 0, PROCESS_INFO_COMM, &buf);
	ASSERT_EQ(PROCESS_INFO_COMM, rec->mask);
	ASSERT_STREQ(comm, pgi_rec_comm(buf, rec));
	free(buf);
}

/* tid, tgid and ppid equal Pid, Tgid and PPid of /proc/PID/status. */
TEST_F(facts, ids)
{
	long long pid, tgid, ppid;
	const struct procrec *rec;
	struct pgi_child *k;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_sleeper, NULL);
	pgi_child_wait(_metadata, k);
	ASSERT_EQ(1, read_status(k->pid, "Pid", &pid, 1));
	ASSERT_EQ(1, read_status(k->pid, "Tgid", &tgid, 1));
	ASSERT_EQ(1, read_status(k->pid, "PPid", &ppid, 1));
	rec = query_pid(_metadata, k->pid, 0, PROCESS_INFO_IDS, &buf);
	ASSERT_EQ(PROCESS_INFO_IDS, rec->mask);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(pid, rec->tid);
	ASSERT_EQ(tgid, rec->tgid);
	ASSERT_EQ(ppid, rec->ppid);
	ASSERT_EQ(k->pid, rec->tid);
	ASSERT_EQ(getpid(), rec->ppid);
	free(buf);
}

/* All eight ids after setresgid/setresuid equal the Uid:/Gid: lines. */
TEST_F(facts, creds)
{
	long long uid[4], gid[4];
	const struct procrec *rec;
	struct pgi_child *k;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_creds, NULL);
	pgi_child_wait(_metadata, k);
	ASSERT_EQ(4, read_status(k->pid, "Uid", uid, 4));
	ASSERT_EQ(4, read_status(k->pid, "Gid", gid, 4));
	rec = query_pid(_metadata, k->pid, 0, PROCESS_INFO_CREDS, &buf);
	ASSERT_EQ(PROCESS_INFO_CREDS, rec->mask);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(uid[0], rec->uid_real);
	ASSERT_EQ(uid[1], rec->uid_effective);
	ASSERT_EQ(uid[2], rec->uid_saved);
	ASSERT_EQ(uid[3], rec->uid_fs);
	ASSERT_EQ(gid[0], rec->gid_real);
	ASSERT_EQ(gid[1], rec->gid_effective);
	ASSERT_EQ(gid[2], rec->gid_saved);
	ASSERT_EQ(gid[3], rec->gid_fs);
	/* And they are the ids the child set (fs ids follow effective ids). */
	ASSERT_EQ(1001U, rec->uid_real);
	ASSERT_EQ(1002U, rec->uid_effective);
	ASSERT_EQ(1003U, rec->uid_saved);
	ASSERT_EQ(1002U, rec->uid_fs);
	ASSERT_EQ(2001U, rec->gid_real);
	ASSERT_EQ(2002U, rec->gid_effective);
	ASSERT_EQ(2003U, rec->gid_saved);
	ASSERT_EQ(2002U, rec->gid_fs);
	free(buf);
}

/* prio, nice and policy equal fields 18, 19 and 41 of /proc/PID/stat. */
static void check_prio(struct __test_metadata *_metadata, pid_t pid,
		       unsigned int policy)
{
	const struct procrec *rec;
	struct pstat st;
	void *buf;

	ASSERT_EQ(0, read_pid_stat(pid, &st));
	rec = query_pid(_metadata, pid, 0, PROCESS_INFO_PRIO, &buf);
	ASSERT_EQ(PROCESS_INFO_PRIO, rec->mask);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(st.f[18], rec->prio);
	ASSERT_EQ(st.f[19], rec->nice);
	ASSERT_EQ(st.f[41], (long long)rec->policy);
	ASSERT_EQ(policy, rec->policy);
	free(buf);
}

/* After setpriority(7), prio and nice are those of /proc; policy SCHED_OTHER. */
TEST_F(facts, prio_nice)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_sleeper, NULL);

	pgi_child_wait(_metadata, k);
	ASSERT_EQ(0, setpriority(PRIO_PROCESS, k->pid, 7));
	check_prio(_metadata, k->pid, SCHED_OTHER);
	ASSERT_EQ(7, getpriority(PRIO_PROCESS, k->pid));
}

/* A SCHED_FIFO child (priority 10) has policy SCHED_FIFO and /proc's prio. */
TEST_F(facts, prio_fifo)
{
	struct sched_param sp = { .sched_priority = 10 };
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_sleeper, NULL);

	pgi_child_wait(_metadata, k);
	ASSERT_EQ(0, sched_setscheduler(k->pid, SCHED_FIFO, &sp)) {
		TH_LOG("sched_setscheduler: %s", strerror(errno));
	}
	check_prio(_metadata, k->pid, SCHED_FIFO);
}

/* oom_score_adj after writing 123 to /proc/PID/oom_score_adj is 123. */
TEST_F(facts, oom_score_adj)
{
	const struct procrec *rec;
	char path[64];
	struct pgi_child *k;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_sleeper, NULL);
	pgi_child_wait(_metadata, k);
	proc_path(path, sizeof(path), k->pid, "oom_score_adj");
	ASSERT_EQ(0, pgi_write_long(path, 123));
	ASSERT_EQ(123, pgi_read_long(path));
	rec = query_pid(_metadata, k->pid, 0, PROCESS_INFO_OOM_SCORE_ADJ, &buf);
	ASSERT_EQ(PROCESS_INFO_OOM_SCORE_ADJ, rec->mask);
	ASSERT_EQ(123, rec->oom_score_adj);
	free(buf);
}

static void read_vm_status(struct __test_metadata *_metadata, pid_t pid,
			   long long *kb)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(vm_keys); i++) {
		ASSERT_EQ(1, read_status(pid, vm_keys[i], &kb[i], 1)) {
			TH_LOG("/proc/%d/status has no %s", pid, vm_keys[i]);
		}
	}
}

/* VM counters of a quiescent child equal RssAnon..VmSwap of /proc exactly. */
TEST_F(facts, vm_counters)
{
	long long before[5], after[5];
	const struct procrec *rec;
	__u64 got[5];
	struct pgi_child *k;
	void *buf;
	int i;

	add_file(_metadata, &self->files, "data", VM_FILE_KB * 1024L);
	k = pgi_kids_spawn(_metadata, &self->kids, kid_vm, self->files.path[0]);
	pgi_child_wait(_metadata, k);

	read_vm_status(_metadata, k->pid, before);
	rec = query_pid(_metadata, k->pid, 0, PROCESS_INFO_VM_COUNTERS, &buf);
	read_vm_status(_metadata, k->pid, after);
	ASSERT_EQ(PROCESS_INFO_VM_COUNTERS, rec->mask);
	ASSERT_EQ(0U, rec->status);
	got[0] = rec->rss_anon_kb;
	got[1] = rec->rss_file_kb;
	got[2] = rec->rss_shmem_kb;
	got[3] = rec->vm_size_kb;
	got[4] = rec->swap_kb;
	/* No tolerance: the child is blocked, so /proc must not move either. */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(before[i], after[i]) {
			TH_LOG("%s moved while the child slept", vm_keys[i]);
		}
		ASSERT_EQ(before[i], (long long)got[i]) {
			TH_LOG("%s: %llu kB, /proc says %lld kB", vm_keys[i],
			       (unsigned long long)got[i], before[i]);
		}
	}
	/* And they account for what the child touched (tmpfs is shmem). */
	ASSERT_GE(rec->rss_anon_kb, (__u64)VM_ANON_KB);
	ASSERT_GE(rec->rss_shmem_kb, (__u64)(VM_FILE_KB + VM_SHM_KB));
	ASSERT_GE(rec->vm_size_kb, (__u64)(VM_ANON_KB + VM_FILE_KB + VM_SHM_KB));
	free(buf);
}

/* kthreadd (pid 2) has no mm: VM facts absent, as /proc/2/status lacks them. */
TEST_F(facts, kthread_no_vm)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_COMM |
			   PROCESS_INFO_VM_COUNTERS | PROCESS_INFO_VM_SEQ |
			   PROCESS_INFO_MEMORY_MAP;
	char comm[PGI_COMM_MAX];
	const struct procrec *rec;
	long long kb;
	void *buf;

	ASSERT_EQ(0, pgi_read_comm(2, comm, sizeof(comm)));
	ASSERT_STREQ("kthreadd", comm);
	ASSERT_EQ(-ENOENT, read_status(2, "VmSize", &kb, 1));
	rec = query_pid(_metadata, 2, 0, want, &buf);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(PROCESS_INFO_IDS | PROCESS_INFO_COMM, rec->mask);
	ASSERT_EQ(2, rec->tid);
	ASSERT_EQ(0, rec->ppid);
	ASSERT_STREQ(comm, pgi_rec_comm(buf, rec));
	free(buf);
}

static const struct maps_line *find_line(const struct maps_line *lines,
					 size_t nr, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(lines[i].name, name))
			return &lines[i];
	return NULL;
}

/* The memory map equals /proc/PID/maps line by line, special names included. */
TEST_F_TIMEOUT(facts, memory_map, 120)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP;
	static const char *const special[] = {
		"[heap]", "[stack]", "[anon:pgi-named]",
		"[anon_shmem:pgi-shm]", "/dev/zero (deleted)",
#ifdef __arm__
		/* arm64's 32-bit processes: the kuser helpers page */
		"[vectors]",
#else
		"[vdso]",
#endif
	};
	const struct procrec_vma **vmas, *vma;
	char deleted[80], exe[PATH_MAX];
	const struct maps_line *l;
	struct map_files files;
	struct maps_line *lines;
	const struct procrec *rec;
	size_t nr, i, j, nr_shared = 0, nr_exe = 0;
	__u64 shared_offs = 0;
	struct pgi_child *k;
	ssize_t n;
	void *buf;

	add_file(_metadata, &self->files, "shared", 4 * page_size());
	add_file(_metadata, &self->files, "new\nline", page_size());
	add_file(_metadata, &self->files, "deleted", page_size());
	files.shared = self->files.path[0];
	files.newline = self->files.path[1];
	files.deleted = self->files.path[2];
	snprintf(deleted, sizeof(deleted), "%s (deleted)", files.deleted);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_GT(n, 0);
	exe[n] = '\0';

	k = pgi_kids_spawn(_metadata, &self->kids, kid_map, &files);
	pgi_child_wait(_metadata, k);
	lines = read_maps(k->pid, &nr);
	ASSERT_NE(NULL, lines);
	rec = query_pid(_metadata, k->pid, 0, want, &buf);
	ASSERT_EQ(want, rec->mask);
	ASSERT_EQ(0U, rec->status);
	check_vmas(_metadata, buf, rec, lines, nr);

	/*
	 * Every kind of name is there to be compared; on x86_64 [vsyscall]
	 * comes last (a 32-bit process has none, nor has arm64 a gate area).
	 */
	for (i = 0; i < ARRAY_SIZE(special); i++) {
		ASSERT_NE(NULL, find_line(lines, nr, special[i])) {
			TH_LOG("no %s in maps", special[i]);
		}
	}
	ASSERT_NE(NULL, find_line(lines, nr, files.newline));
	ASSERT_NE(NULL, find_line(lines, nr, deleted));
#ifdef __x86_64__
	ASSERT_STREQ("[vsyscall]", lines[nr - 1].name);
#endif
	l = find_line(lines, nr, files.shared);
	ASSERT_NE(NULL, l);

	/* Identical names within the record are stored once. */
	vmas = calloc(nr, sizeof(*vmas));
	ASSERT_NE(NULL, vmas);
	for (i = 0, vma = pgi_first_vma(buf, rec); i < nr;
	     i++, vma = pgi_next_vma(buf, vma))
		vmas[i] = vma;
	for (i = 0; i < nr; i++) {
		const char *name = vma_name(buf, vmas[i]);

		if (!strcmp(name, files.shared)) {
			nr_shared++;
			shared_offs += vmas[i]->file_offset;
		}
		if (!strcmp(name, exe))
			nr_exe++;
		for (j = i + 1; j < nr && *name; j++) {
			if (strcmp(name, vma_name(buf, vmas[j])))
				continue;
			ASSERT_EQ(vmas[i]->backing_file_name_offset,
				  vmas[j]->backing_file_name_offset) {
				TH_LOG("'%s' stored twice (VMAs %zu, %zu)",
				       name, i, j);
			}
		}
	}
	/* The two mappings of one file: offsets 0 and one page. */
	ASSERT_EQ(2U, nr_shared);
	ASSERT_EQ((__u64)page_size(), shared_offs);
	ASSERT_GE(nr_exe, 2U) {
		TH_LOG("the test binary %s is mapped %zu times", exe, nr_exe);
	}
	free(vmas);
	free_maps(lines, nr);
	free(buf);
}

/* A process with 100,000 VMAs: one valid chain that equals maps. */
TEST_F_TIMEOUT(facts, many_vmas, 600)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP;
	const struct procrec *rec;
	struct maps_line *lines;
	struct pgi_child *k;
	size_t nr;
	void *buf;

	pgi_map_count_raise(_metadata, MAP_COUNT_NEEDED, &self->old_map_count);

	k = pgi_kids_spawn(_metadata, &self->kids, kid_many, NULL);
	pgi_child_wait(_metadata, k);
	lines = read_maps(k->pid, &nr);
	ASSERT_NE(NULL, lines);
	ASSERT_GE(nr, (size_t)MANY_VMAS);
	rec = query_pid(_metadata, k->pid, 0, want, &buf);
	ASSERT_EQ(want, rec->mask);
	ASSERT_EQ(nr, (size_t)rec->nr_vmas);
	check_vmas(_metadata, buf, rec, lines, nr);
	free_maps(lines, nr);
	free(buf);

	pgi_child_reap(_metadata, k);
	ASSERT_EQ(0, pgi_map_count_restore(&self->old_map_count));
}

/*
 * Every process's memory map in one call, with records of every size: the
 * module gathers small records in batches of 32 KiB and copies a large one
 * (here a map of 2,000 VMAs, 128 KiB) out on its own, so the chain crosses
 * both kinds of boundary.  Each child's record equals its maps.
 */
#define BATCH_SLEEPERS		64
#define BATCH_BIG_VMAS		2000

TEST_F_TIMEOUT(facts, all_maps_batched, 300)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP;
	pid_t pids[BATCH_SLEEPERS + 1];
	const struct procrec *rec;
	struct maps_line *lines;
	struct pgi_child *big = NULL;
	int i, seen = 0;
	size_t nr;
	void *buf;

	for (i = 0; i < BATCH_SLEEPERS; i++) {
		if (i == BATCH_SLEEPERS / 2) {
			/* In the middle of the task list. */
			big = pgi_kids_spawn(_metadata, &self->kids, kid_many,
					     (void *)(long)BATCH_BIG_VMAS);
			pgi_child_wait(_metadata, big);
		}
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			/* Killed at the end, or with the test if it fails. */
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			for (;;)
				pause();
		}
	}
	pids[BATCH_SLEEPERS] = big->pid;

	buf = query(_metadata, 0, NULL, PROCESS_GETINFO_ALL, want);
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec)) {
		for (i = 0; i <= BATCH_SLEEPERS; i++)
			if (rec->tid == pids[i])
				break;
		if (i > BATCH_SLEEPERS)
			continue;
		seen++;
		ASSERT_EQ(want, rec->mask);
		lines = read_maps(rec->tid, &nr);
		ASSERT_NE(NULL, lines);
		if (rec->tid == big->pid)
			ASSERT_GE(nr, (size_t)BATCH_BIG_VMAS);
		check_vmas(_metadata, buf, rec, lines, nr);
		free_maps(lines, nr);
	}
	ASSERT_EQ(BATCH_SLEEPERS + 1, seen);
	free(buf);

	for (i = 0; i < BATCH_SLEEPERS; i++) {
		kill(pids[i], SIGKILL);
		ASSERT_EQ(pids[i], waitpid(pids[i], NULL, 0));
	}
	pgi_child_reap(_metadata, big);
}

static __u64 vm_seq_of(struct __test_metadata *_metadata, pid_t pid)
{
	const struct procrec *rec;
	void *buf;
	__u64 seq;

	rec = query_pid(_metadata, pid, 0, PROCESS_INFO_VM_SEQ, &buf);
	ASSERT_EQ(PROCESS_INFO_VM_SEQ, rec->mask);
	ASSERT_EQ(0U, rec->status);
	seq = rec->vm_seq;
	free(buf);
	return seq;
}

static void kid_command(struct __test_metadata *_metadata, struct pgi_child *k,
			char op)
{
	ASSERT_EQ(1, write(k->cmd, &op, 1));
	pgi_child_wait(_metadata, k);
}

/* vm_seq stays put while nothing changes and moves on mmap, mprotect, munmap. */
TEST_F(facts, vm_seq)
{
	static const char ops[] = { 'm', 'p', 'u' };
	struct pgi_child *k;
	__u64 seq, prev;
	unsigned int i;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_vm_seq, NULL);
	pgi_child_wait(_metadata, k);
	prev = vm_seq_of(_metadata, k->pid);
	/* Nothing takes a quiescent child's mmap lock for writing (no THP). */
	ASSERT_EQ(prev, vm_seq_of(_metadata, k->pid));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		kid_command(_metadata, k, ops[i]);
		seq = vm_seq_of(_metadata, k->pid);
		ASSERT_NE(prev, seq) {
			TH_LOG("vm_seq %#llx unchanged after '%c'",
			       (unsigned long long)seq, ops[i]);
		}
		ASSERT_EQ(seq, vm_seq_of(_metadata, k->pid));
		prev = seq;
	}
}

/* The thread ids of /proc/@pid/task, sorted. */
static int read_tids(pid_t pid, int *tids, int max)
{
	struct dirent *de;
	char path[64];
	int nr = 0;
	DIR *dir;

	proc_path(path, sizeof(path), pid, "task");
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (nr == max)
			break;
		tids[nr++] = atoi(de->d_name);
	}
	closedir(dir);
	qsort(tids, nr, sizeof(*tids), pgi_cmp_int);
	return nr;
}

/* The records from @rec on that belong to @tgid, all adjacent, are @tids. */
static void check_thread_recs(struct __test_metadata *_metadata,
			      const void *buf, const struct procrec *rec,
			      pid_t tgid, const int *tids, int nr_tids,
			      int input_index)
{
	int got[NR_THREADS + 2], nr = 0, i;

	for (; rec && rec->tgid == tgid; rec = pgi_next_rec(buf, rec)) {
		ASSERT_LT(nr, (int)ARRAY_SIZE(got));
		ASSERT_EQ(0U, rec->status);
		ASSERT_EQ(input_index, rec->input_index);
		ASSERT_EQ(getpid(), rec->ppid);
		got[nr++] = rec->tid;
	}
	/*
	 * No record of this thread group after the adjacent run.  (The braces
	 * stay: ASSERT_*() is two statements, and its bail belongs in the loop.)
	 */
	for (; rec; rec = pgi_next_rec(buf, rec)) {
		ASSERT_NE(tgid, rec->tgid);
	}
	ASSERT_EQ(nr_tids, nr);
	qsort(got, nr, sizeof(*got), pgi_cmp_int);
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(tids[i], got[i]);
	}
}

/* THREADS gives one adjacent record per /proc/PID/task entry, also under ALL. */
TEST_F(facts, threads)
{
	int tids[NR_THREADS + 2], nr, other, i;
	const struct procrec *rec;
	char path[80];
	long long ppid;
	struct pgi_child *k;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_threads, NULL);
	pgi_child_wait(_metadata, k);
	nr = read_tids(k->pid, tids, ARRAY_SIZE(tids));
	ASSERT_EQ(NR_THREADS + 1, nr);

	/* The leader's pid with THREADS: every thread. */
	buf = query(_metadata, 1, &k->pid, PROCESS_GETINFO_THREADS,
		    PROCESS_INFO_IDS);
	ASSERT_EQ((__u32)nr, ((struct process_info *)buf)->nr_procrecs);
	rec = pgi_first_rec(buf);
	check_thread_recs(_metadata, buf, rec, k->pid, tids, nr, 0);
	free(buf);

	/* Another thread's id with THREADS names the same thread group. */
	other = tids[0] == k->pid ? tids[1] : tids[0];
	buf = query(_metadata, 1, &other, PROCESS_GETINFO_THREADS,
		    PROCESS_INFO_IDS);
	ASSERT_EQ((__u32)nr, ((struct process_info *)buf)->nr_procrecs);
	check_thread_recs(_metadata, buf, pgi_first_rec(buf), k->pid, tids,
			  nr, 0);
	free(buf);

	/* ALL | THREADS: the same run of records somewhere in the list. */
	buf = query(_metadata, 0, NULL,
		    PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS,
		    PROCESS_INFO_IDS);
	for (rec = pgi_first_rec(buf); rec && rec->tgid != k->pid;
	     rec = pgi_next_rec(buf, rec)) {
		ASSERT_EQ(-1, rec->input_index);
	}
	ASSERT_NE(NULL, rec);
	check_thread_recs(_metadata, buf, rec, k->pid, tids, nr, -1);
	free(buf);

	/* Without THREADS a non-leader tid is just that thread. */
	for (i = 0; i < nr; i++) {
		if (tids[i] == k->pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", k->pid,
			 tids[i]);
		ASSERT_EQ(1, read_status_path(path, "PPid", &ppid, 1));
		rec = query_pid(_metadata, tids[i], 0, PROCESS_INFO_IDS, &buf);
		ASSERT_EQ(0U, rec->status);
		ASSERT_EQ(tids[i], rec->tid);
		ASSERT_EQ(k->pid, rec->tgid);
		ASSERT_EQ(ppid, rec->ppid);
		free(buf);
	}
}

/* A pidfd names its process; once reaped it is GONE (ESRCH with STRICT). */
TEST_F(facts, pidfd)
{
	const int flags = PROCESS_GETINFO_PIDFD;
	__u64 buf0[512];
	const struct procrec *rec;
	int pidfd, fd, status;
	struct pgi_child *k;
	size_t sz;
	void *buf;

	k = pgi_kids_spawn(_metadata, &self->kids, kid_sleeper, NULL);
	pgi_child_wait(_metadata, k);
	pidfd = pgi_pidfd_open(k->pid);
	ASSERT_GE(pidfd, 0) {
		TH_LOG("pidfd_open: %s", strerror(errno));
	}

	rec = query_pid(_metadata, pidfd, flags, PROCESS_INFO_IDS, &buf);
	ASSERT_EQ(0U, rec->status);
	ASSERT_EQ(PROCESS_INFO_IDS, rec->mask);
	ASSERT_EQ(k->pid, rec->tid);
	ASSERT_EQ(k->pid, rec->tgid);
	ASSERT_EQ(getpid(), rec->ppid);
	free(buf);

	status = pgi_child_reap(_metadata, k);
	ASSERT_TRUE(WIFEXITED(status));
	buf = query(_metadata, 1, &pidfd, flags, PROCESS_INFO_IDS);
	ASSERT_EQ(1U, ((struct process_info *)buf)->nr_procrecs);
	rec = pgi_first_rec(buf);
	ASSERT_EQ(PROCREC_GONE, rec->status);
	ASSERT_EQ(0, rec->input_index);
	ASSERT_EQ(pidfd, rec->tid);
	ASSERT_EQ(0ULL, rec->mask);
	free(buf);

	sz = sizeof(buf0);
	ASSERT_EQ(-1, sys_process_getinfo(1, &pidfd,
					  flags | PROCESS_GETINFO_STRICT,
					  PROCESS_INFO_IDS, buf0, &sz));
	ASSERT_EQ(ESRCH, errno);

	/* Not a pidfd, and not an open fd at all. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	sz = sizeof(buf0);
	ASSERT_EQ(-1, sys_process_getinfo(1, &fd, flags, PROCESS_INFO_IDS,
					  buf0, &sz));
	ASSERT_EQ(EBADF, errno);
	close(fd);
	sz = sizeof(buf0);
	ASSERT_EQ(-1, sys_process_getinfo(1, &fd, flags, PROCESS_INFO_IDS,
					  buf0, &sz));
	ASSERT_EQ(EBADF, errno);
	close(pidfd);
}

/* [self, missing, 1] gives three records in that order, the middle GONE. */
TEST_F(facts, explicit_missing_middle)
{
	const struct procrec *rec;
	long long ppid1;
	int ids[3], i;
	pid_t gone;
	void *buf;

	gone = fork();
	ASSERT_GE(gone, 0);
	if (gone == 0)
		_exit(0);
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));
	ids[0] = getpid();
	ids[1] = gone;
	ids[2] = 1;
	ASSERT_EQ(1, read_status(1, "PPid", &ppid1, 1));

	buf = query(_metadata, 3, ids, 0, PROCESS_INFO_IDS);
	ASSERT_EQ(3U, ((struct process_info *)buf)->nr_procrecs);
	for (i = 0, rec = pgi_first_rec(buf); i < 3;
	     i++, rec = pgi_next_rec(buf, rec)) {
		ASSERT_NE(NULL, rec);
		ASSERT_EQ(i, rec->input_index);
		ASSERT_EQ(ids[i], rec->tid);
		ASSERT_EQ(i == 1 ? PROCREC_GONE : 0U, rec->status);
		ASSERT_EQ(i == 1 ? 0ULL : PROCESS_INFO_IDS, rec->mask);
		if (i != 1)
			ASSERT_EQ(ids[i], rec->tgid);
		if (i == 2)
			ASSERT_EQ(ppid1, rec->ppid);
	}
	ASSERT_NULL(rec);
	free(buf);
}

/* The line count of /proc/self/maps open at @fd, read into @text. */
static long count_maps(int fd, char *text, size_t len)
{
	size_t got = 0;
	long lines = 0;
	ssize_t n;

	while ((n = read(fd, text + got, len - got)) > 0)
		got += n;
	if (n < 0 || got == len)
		return -EIO;
	while (got--)
		lines += text[got] == '\n';
	return lines;
}

/* As nobody: pid 1's map is denied (EACCES with STRICT), our own is not. */
static int kid_noaccess(int cmd, int ack, void *arg)
{
	const __u64 want = PROCESS_INFO_IDS | PROCESS_INFO_VM_SEQ |
			   PROCESS_INFO_MEMORY_MAP;
	const size_t len = 1 << 20;
	const struct procrec *rec;
	char why[256], *text;
	int one = 1, me, fd;
	long lines;
	size_t sz;
	void *buf;

	(void)cmd;
	(void)arg;
	buf = malloc(len);
	text = malloc(len);
	KID_CHECK(ack, buf && text, "");
	/*
	 * Opened while still root: the guest's / may not be searchable by
	 * nobody.  maps checks access at open, and our own mm is always ours.
	 */
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	KID_CHECK(ack, fd >= 0, "%s", strerror(errno));
	KID_CHECK(ack, !setgroups(0, NULL), "%s", strerror(errno));
	KID_CHECK(ack, !setgid(65534), "%s", strerror(errno));
	KID_CHECK(ack, !setuid(65534), "%s", strerror(errno));

	sz = len;
	KID_CHECK(ack, !sys_process_getinfo(1, &one, 0, want, buf, &sz),
		  "%s", strerror(errno));
	KID_CHECK(ack, !pgi_check_buffer(buf, sz, why, sizeof(why)), "%s", why);
	rec = pgi_first_rec(buf);
	KID_CHECK(ack, ((struct process_info *)buf)->nr_procrecs == 1, "");
	KID_CHECK(ack, rec->status == PROCREC_NOACCESS, "status %#x",
		  rec->status);
	KID_CHECK(ack, rec->mask == PROCESS_INFO_IDS, "mask %#llx",
		  (unsigned long long)rec->mask);
	KID_CHECK(ack, rec->tid == 1, "tid %d", rec->tid);

	sz = len;
	KID_CHECK(ack, sys_process_getinfo(1, &one, PROCESS_GETINFO_STRICT,
					   want, buf, &sz) == -1 &&
		  errno == EACCES, "errno %d", errno);

	me = getpid();
	lines = count_maps(fd, text, len);
	close(fd);
	KID_CHECK(ack, lines > 0, "%ld", lines);
	sz = len;
	KID_CHECK(ack, !sys_process_getinfo(1, &me, PROCESS_GETINFO_STRICT,
					    want, buf, &sz),
		  "%s", strerror(errno));
	KID_CHECK(ack, !pgi_check_buffer(buf, sz, why, sizeof(why)), "%s", why);
	rec = pgi_first_rec(buf);
	KID_CHECK(ack, rec->status == 0, "status %#x", rec->status);
	KID_CHECK(ack, rec->mask == want, "mask %#llx",
		  (unsigned long long)rec->mask);
	KID_CHECK(ack, (long)rec->nr_vmas == lines, "nr_vmas %u, maps has %ld",
		  rec->nr_vmas, lines);
	return kid_ok(ack);
}

/* Without ptrace access MEMORY_MAP and VM_SEQ are NOACCESS; ids remain. */
TEST_F(facts, noaccess)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids,
					     kid_noaccess, NULL);

	kid_check_report(_metadata, k);
}

/* Pid 1 of a new pid namespace: its view of ALL, ids and an outside pid. */
static int ns_init(int ack, pid_t outside)
{
	const struct pgi_blocked blocked = { 0 };
	const struct process_info *hdr;
	const struct procrec *rec;
	struct pgi_child child;
	int status, me = 1;
	char why[256];
	pid_t kid;
	size_t used;
	void *buf;

	KID_CHECK(ack, getpid() == 1, "pid %d", getpid());
	KID_CHECK(ack, !pgi_spawn_blocked(&child, &blocked), "%s",
		  strerror(errno));
	kid = child.pid;
	KID_CHECK(ack, kid == 2, "first child is %d", kid);

	/* ALL: exactly this namespace's two processes, with local ids. */
	buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL, PROCESS_INFO_IDS,
				&used);
	KID_CHECK(ack, buf, "%s", strerror(errno));
	KID_CHECK(ack, !pgi_check_buffer(buf, used, why, sizeof(why)), "%s",
		  why);
	hdr = buf;
	KID_CHECK(ack, hdr->nr_procrecs == 2, "%u records", hdr->nr_procrecs);
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec)) {
		KID_CHECK(ack, rec->status == 0 && rec->input_index == -1, "");
		KID_CHECK(ack, rec->tid == rec->tgid, "tid %d", rec->tid);
		if (rec->tid == 1)
			KID_CHECK(ack, rec->ppid == 0, "ppid %d", rec->ppid);
		else
			KID_CHECK(ack, rec->tid == kid && rec->ppid == 1,
				  "tid %d ppid %d", rec->tid, rec->ppid);
	}
	free(buf);

	/* Its own pid 1 has no visible parent. */
	buf = pgi_getinfo_alloc(1, &me, 0, PROCESS_INFO_IDS, &used);
	KID_CHECK(ack, buf, "%s", strerror(errno));
	rec = pgi_first_rec(buf);
	KID_CHECK(ack, rec && rec->status == 0 && rec->tid == 1 &&
		  rec->ppid == 0, "");
	free(buf);

	/* The parent's global pid names nothing in here. */
	buf = pgi_getinfo_alloc(1, &outside, 0, PROCESS_INFO_IDS, &used);
	KID_CHECK(ack, buf, "%s", strerror(errno));
	rec = pgi_first_rec(buf);
	KID_CHECK(ack, rec && rec->status == PROCREC_GONE &&
		  rec->tid == outside && rec->mask == 0, "");
	free(buf);

	KID_CHECK(ack, !pgi_child_stop(&child, &status), "%s", strerror(errno));
	return kid_ok(ack);
}

static int kid_pidns(int cmd, int ack, void *arg)
{
	pid_t me = getpid(), init;
	int status;

	(void)cmd;
	(void)arg;
	KID_CHECK(ack, !unshare(CLONE_NEWPID), "%s", strerror(errno));
	init = fork();
	KID_CHECK(ack, init >= 0, "%s", strerror(errno));
	if (init == 0)
		_exit(ns_init(ack, me));
	KID_CHECK(ack, waitpid(init, &status, 0) == init, "%s",
		  strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

/* In a new pid namespace ALL sees only that namespace, with its own pids. */
TEST_F(facts, pid_namespace)
{
	struct pgi_child *k = pgi_kids_spawn(_metadata, &self->kids, kid_pidns,
					     NULL);

	kid_check_report(_metadata, k);
}

/* MEMINFO: totals equal /proc/meminfo, moving values within a tolerance. */
TEST_F(facts, meminfo)
{
	/* Free memory moves: 10% of the value or 8 MiB, whichever is larger. */
	static const char *const moving[] = {
		"MemFree", "MemAvailable", "Buffers", "Cached",
	};
	const struct process_info *hdr;
	long long val, tol;
	__u64 got[4];
	void *buf;
	int i;

	buf = query(_metadata, 0, NULL, 0, PROCESS_INFO_MEMINFO);
	hdr = buf;
	ASSERT_EQ(PROCESS_INFO_MEMINFO, hdr->mask);
	ASSERT_EQ(0U, hdr->nr_procrecs);
	ASSERT_EQ(pgi_meminfo_kb("MemTotal"), (long long)hdr->mem_total_kb);
	ASSERT_EQ(pgi_meminfo_kb("SwapTotal"), (long long)hdr->swap_total_kb);
	ASSERT_EQ(pgi_meminfo_kb("SwapFree"), (long long)hdr->swap_free_kb);
	got[0] = hdr->mem_free_kb;
	got[1] = hdr->mem_available_kb;
	got[2] = hdr->buffers_kb;
	got[3] = hdr->cached_kb;
	for (i = 0; i < 4; i++) {
		val = pgi_meminfo_kb(moving[i]);
		ASSERT_GE(val, 0);
		tol = val / 10 > 8192 ? val / 10 : 8192;
		ASSERT_LE(llabs((long long)got[i] - val), tol) {
			TH_LOG("%s: %llu kB, /proc/meminfo says %lld kB",
			       moving[i], (unsigned long long)got[i], val);
		}
	}
	free(buf);
}

TEST_HARNESS_MAIN
