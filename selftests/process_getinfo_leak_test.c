// SPDX-License-Identifier: GPL-2.0
/*
 * What process_getinfo(2) must not give away.  In a result with every fact
 * of every thread, every byte that no struct, field or string accounts
 * for (padding, __reserved, the fields of facts a record does not carry)
 * is zero; no byte past the size is written; no 64-bit word holds a kernel
 * address (but the [vsyscall] VMA's bounds); and in a user namespace the
 * ids of others are the overflow id unless mapped, exactly as
 * /proc/PID/status shows them there, while a denied memory map leaves
 * nothing behind.  The tests skip as a whole when the system call is not
 * available (ENOSYS); the user namespace tests skip without them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define HDR			PROCESS_INFO_SIZE_VER0
#define KERNEL_START		0xffff800000000000ULL
#define VSYSCALL_START		0xffffffffff600000ULL
#define VSYSCALL_END		0xffffffffff601000ULL
#define CHILD_THREADS		2
#define UNPRIV_ID		1000	/* the uid and gid of the mapped test */
#define MSG_MAX			512
#define MAX_TRIES		8

FIXTURE(leak)
{
	__u64 supported;
	struct pgi_child kid;	/* blocked, with CHILD_THREADS threads */
	pid_t child;		/* its pid */
};

/*
 * The setup of the blocked child (with CHILD_THREADS threads, started by
 * pgi_spawn_blocked()): a name, a file mapping, shared and named anonymous
 * memory: every kind of record and VMA.
 */
static int child_setup(void *arg)
{
	int fd;
	char *a;

	(void)arg;
	prctl(PR_SET_NAME, "pgi-leak-kid");
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
	mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	a = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a != MAP_FAILED)
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME,
		      (unsigned long)a, 4096, "pgi-leak");
	return 0;
}

FIXTURE_SETUP(leak)
{
	const struct pgi_blocked blocked = {
		.setup = child_setup, .nr_threads = CHILD_THREADS,
	};
	struct process_info hdr;

	self->kid = PGI_CHILD_NONE;
	self->child = 0;
	PGI_PROBE_OR_SKIP(&hdr);
	self->supported = hdr.supported_mask;
	ASSERT_EQ(0, pgi_spawn_blocked(&self->kid, &blocked));
	self->child = self->kid.pid;
}

FIXTURE_TEARDOWN(leak)
{
	pgi_child_kill(&self->kid);
}

/* ---- what a well-behaved buffer looks like ---- */

/* Marks [@off, @off + @len) of @map as accounted for. */
static void cover(unsigned char *map, size_t used, size_t off, size_t len)
{
	if (off < used)
		memset(map + off, 1, len < used - off ? len : used - off);
}

static void cover_str(unsigned char *map, const void *buf, size_t used,
		      size_t off)
{
	cover(map, used, off, strnlen((const char *)buf + off, used - off) + 1);
}

/* A field of struct procrec, by place. */
struct field {
	size_t off, len;
	const char *name;
};

#define FIELD(f) { offsetof(struct procrec, f), sizeof(((struct procrec *)0)->f), #f }

/* The fields each fact fills (tid aside: a GONE record holds the id there). */
static const struct {
	__u64 bit;
	struct field f[8];
} fact_fields[] = {
	{ PROCESS_INFO_IDS, { FIELD(tgid), FIELD(ppid) } },
	{ PROCESS_INFO_STATUS, { FIELD(state) } },
	{ PROCESS_INFO_OOM_SCORE_ADJ, { FIELD(oom_score_adj) } },
	{ PROCESS_INFO_CREDS, { FIELD(uid_real), FIELD(uid_effective),
				FIELD(uid_saved), FIELD(uid_fs), FIELD(gid_real),
				FIELD(gid_effective), FIELD(gid_saved),
				FIELD(gid_fs) } },
	{ PROCESS_INFO_PRIO, { FIELD(prio), FIELD(nice), FIELD(policy) } },
	{ PROCESS_INFO_COMM, { FIELD(comm_offset) } },
	{ PROCESS_INFO_VM_COUNTERS, { FIELD(rss_anon_kb), FIELD(rss_file_kb),
				      FIELD(rss_shmem_kb), FIELD(vm_size_kb),
				      FIELD(swap_kb) } },
	{ PROCESS_INFO_VM_SEQ, { FIELD(vm_seq) } },
	{ PROCESS_INFO_MEMORY_MAP, { FIELD(nr_vmas), FIELD(first_vma_offset) } },
	{ PROCESS_INFO_CPU_TIMES, { FIELD(utime_ns), FIELD(stime_ns),
				    FIELD(start_time_ns), FIELD(min_flt),
				    FIELD(maj_flt), FIELD(nr_threads) } },
	{ PROCESS_INFO_SESSION, { FIELD(pgid), FIELD(sid), FIELD(tty_nr),
				  FIELD(tpgid) } },
	{ PROCESS_INFO_CMDLINE, { FIELD(cmdline_offset), FIELD(cmdline_size) } },
	{ PROCESS_INFO_MEMORY_ROLLUP, { FIELD(rollup_offset) } },
};

/* The fields of every fact a record does not carry are zero. */
static int check_unfilled(const struct procrec *r, unsigned int i, char *why)
{
	const unsigned char *b = (const unsigned char *)r;
	unsigned int k, j;
	size_t n;

	if (!(r->mask & PROCESS_INFO_IDS) && !(r->status & PROCREC_GONE) &&
	    r->tid)
		return pgi_fail(why, MSG_MAX, "record %u: tid %d without IDS",
				i, r->tid);
	for (k = 0; k < ARRAY_SIZE(fact_fields); k++) {
		if (r->mask & fact_fields[k].bit)
			continue;
		for (j = 0; j < ARRAY_SIZE(fact_fields[k].f); j++) {
			const struct field *f = &fact_fields[k].f[j];

			for (n = 0; f->name && n < f->len; n++)
				if (b[f->off + n])
					return pgi_fail(why, MSG_MAX,
							"record %u: %s set without its fact %#llx",
							i, f->name,
							(unsigned long long)fact_fields[k].bit);
		}
	}
	return 0;
}

/*
 * Walks a buffer pgi_check_buffer() accepted: each byte no struct or
 * string accounts for must be zero, as must the fields of facts a record
 * does not carry and the meminfo fields when MEMINFO was not asked for;
 * VMAs without a name have no file; prot and flags hold known bits only.
 */
static int check_zeroes(const void *buf, size_t used, char *why,
			unsigned int *nr_vmas)
{
	const struct process_info *hdr = buf;
	const unsigned char *b = buf;
	const struct procrec *r;
	unsigned char *map;
	unsigned int i = 0;
	size_t off;
	int err = -1;

	*nr_vmas = 0;
	map = calloc(1, used);
	if (!map)
		return pgi_fail(why, MSG_MAX, "out of memory");
	cover(map, used, 0, hdr->size);
	if (!(hdr->mask & PROCESS_INFO_MEMINFO) &&
	    (hdr->mem_total_kb | hdr->mem_free_kb | hdr->mem_available_kb |
	     hdr->buffers_kb | hdr->cached_kb | hdr->swap_total_kb |
	     hdr->swap_free_kb)) {
		pgi_fail(why, MSG_MAX, "meminfo fields set without MEMINFO");
		goto out;
	}
	for (r = pgi_first_rec(buf); r; r = pgi_next_rec(buf, r), i++) {
		const struct procrec_vma *v;
		__u32 voff;

		cover(map, used, (const unsigned char *)r - b, r->size);
		if (check_unfilled(r, i, why))
			goto out;
		if (r->mask & PROCESS_INFO_COMM)
			cover_str(map, buf, used, r->comm_offset);
		/* The command line's bytes and the NUL after them. */
		if (r->mask & PROCESS_INFO_CMDLINE)
			cover(map, used, r->cmdline_offset, r->cmdline_size + 1);
		if (r->mask & PROCESS_INFO_MEMORY_ROLLUP) {
			const struct procrec_rollup *ro = (const void *)(b + r->rollup_offset);

			cover(map, used, r->rollup_offset, ro->size);
			if (ro->__reserved0) {
				pgi_fail(why, MSG_MAX, "record %u: rollup __reserved0 set", i);
				goto out;
			}
		}
		if (!(r->mask & PROCESS_INFO_MEMORY_MAP))
			continue;
		for (voff = r->first_vma_offset; voff;
		     voff = v->next_procrec_vma_offset) {
			v = (const void *)(b + voff);
			(*nr_vmas)++;
			cover(map, used, voff, v->size);
			if (v->backing_file_name_offset)
				cover_str(map, buf, used,
					  v->backing_file_name_offset);
			else if (v->inode || v->dev_major || v->dev_minor ||
				 v->file_offset) {
				pgi_fail(why, MSG_MAX,
					 "record %u: VMA %#llx without a name has inode %llu dev %u:%u offset %#llx",
					 i, (unsigned long long)v->start,
					 (unsigned long long)v->inode,
					 v->dev_major, v->dev_minor,
					 (unsigned long long)v->file_offset);
				goto out;
			}
			if (v->prot & ~7U || v->flags & ~0xfU) {
				pgi_fail(why, MSG_MAX,
					 "record %u: VMA %#llx prot %#x flags %#x",
					 i, (unsigned long long)v->start,
					 v->prot, v->flags);
				goto out;
			}
		}
	}
	for (off = 0; off < used; off++) {
		if (!map[off] && b[off]) {
			pgi_fail(why, MSG_MAX,
				 "byte %zu (%#x) belongs to no struct or string",
				 off, b[off]);
			goto out;
		}
	}
	err = 0;
out:
	free(map);
	return err;
}

/*
 * Every 8-byte aligned word must be below the kernel's half of the address
 * space, but the [vsyscall] VMA's start and end, and the words that pair a
 * small field with a negative one (status and input_index, ppid and
 * oom_score_adj, prio and nice), which are checked field by field.
 */
static int check_no_kernel_words(const void *buf, size_t used, char *why,
				 unsigned int *vsyscalls)
{
	const unsigned char *b = buf;
	unsigned char *ok;
	const struct procrec *r;
	size_t off;
	unsigned int i = 0;
	int err = -1;

	*vsyscalls = 0;
	ok = calloc(1, used / 8 + 1);
	if (!ok)
		return pgi_fail(why, MSG_MAX, "out of memory");
	for (r = pgi_first_rec(buf); r; r = pgi_next_rec(buf, r), i++) {
		size_t roff = (const unsigned char *)r - b;
		const struct procrec_vma *v;
		__u32 voff;

		if (r->input_index < -1 || r->status > 3 || r->ppid < 0 ||
		    r->oom_score_adj < -1000 || r->oom_score_adj > 1000 ||
		    r->nice < -20 || r->nice > 19 || r->prio < -101 ||
		    r->prio > 139 || r->pgid < -1 || r->sid < -1 ||
		    r->tpgid < -1) {
			pgi_fail(why, MSG_MAX,
				 "record %u: status %u input_index %d ppid %d oom_score_adj %d prio %d nice %d",
				 i, r->status, r->input_index, r->ppid,
				 r->oom_score_adj, r->prio, r->nice);
			goto out;
		}
		ok[(roff + offsetof(struct procrec, status)) / 8] = 1;
		ok[(roff + offsetof(struct procrec, ppid)) / 8] = 1;
		ok[(roff + offsetof(struct procrec, prio)) / 8] = 1;
		/* nr_threads and pgid (-1 once the task is past its session). */
		ok[(roff + offsetof(struct procrec, pgid)) / 8] = 1;
		/* The command line is the process's data, not the kernel's. */
		if (r->mask & PROCESS_INFO_CMDLINE) {
			size_t c;

			for (c = r->cmdline_offset / 8;
			     c <= ((size_t)r->cmdline_offset + r->cmdline_size) / 8 &&
			     c <= used / 8; c++)
				ok[c] = 1;
		}
		if (!(r->mask & PROCESS_INFO_MEMORY_MAP))
			continue;
		for (voff = r->first_vma_offset; voff;
		     voff = v->next_procrec_vma_offset) {
			v = (const void *)(b + voff);
			if (v->start == VSYSCALL_START && v->end == VSYSCALL_END &&
			    v->backing_file_name_offset &&
			    !strcmp((const char *)b + v->backing_file_name_offset,
				    "[vsyscall]")) {
				ok[(voff + offsetof(struct procrec_vma, start)) / 8] = 1;
				ok[(voff + offsetof(struct procrec_vma, end)) / 8] = 1;
				(*vsyscalls)++;
			}
		}
	}
	for (off = 0; off + 8 <= used; off += 8) {
		__u64 w;

		memcpy(&w, b + off, 8);
		if (w >= KERNEL_START && !ok[off / 8]) {
			pgi_fail(why, MSG_MAX, "word at %zu is %#llx", off,
				 (unsigned long long)w);
			goto out;
		}
	}
	err = 0;
out:
	free(ok);
	return err;
}

/* Calls with a pattern-filled buffer of @alloc bytes and *inout_sz @cap; returns the errno. */
static int call_filled(int nr, const int *ids, int flags, __u64 mask,
		       unsigned char *buf, size_t alloc, size_t cap,
		       size_t *sz)
{
	memset(buf, PGI_PATTERN, alloc);
	*sz = cap;
	return sys_process_getinfo(nr, ids, flags, mask, buf, sz) ? errno : 0;
}

/* A full ALL | THREADS result with every fact, in a malloc()ed buffer. */
static void *everything(__u64 supported, size_t *used)
{
	return pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL |
				 PROCESS_GETINFO_THREADS, supported, used);
}

/* ---- the tests ---- */

/* Padding, __reserved, unfilled facts: zero in every struct of ALL|THREADS|every fact. */
TEST_F(leak, padding_and_unfilled_fields_are_zero)
{
	const int ids[] = { self->child, INT_MAX, 1, -5 };
	unsigned int nr_vmas;
	char why[MSG_MAX];
	size_t used;
	__u64 bit;
	void *buf;

	buf = everything(self->supported, &used);
	ASSERT_NE(NULL, buf) {
		TH_LOG("process_getinfo: %s", strerror(errno));
	}
	ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_EQ(0, check_zeroes(buf, used, why, &nr_vmas)) {
		TH_LOG("ALL|THREADS: %s", why);
	}
	TH_LOG("ALL|THREADS|every fact: %u records, %u VMAs, %zu bytes",
	       ((struct process_info *)buf)->nr_procrecs, nr_vmas, used);
	TH_LOG("ALL|THREADS|every fact: every unaccounted byte zero");
	free(buf);

	/* Gone ids and no MEMINFO: the GONE records carry nothing else. */
	buf = pgi_getinfo_alloc(4, ids, PROCESS_GETINFO_THREADS,
				self->supported & ~PROCESS_INFO_MEMINFO, &used);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
		TH_LOG("%s", why);
	}
	ASSERT_EQ(0, check_zeroes(buf, used, why, &nr_vmas)) {
		TH_LOG("explicit ids: %s", why);
	}
	free(buf);

	/* Facts one at a time: nothing of the others shows. */
	for (bit = 1; bit & self->supported; bit <<= 1) {
		buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL |
					PROCESS_GETINFO_THREADS, bit, &used);
		ASSERT_NE(NULL, buf);
		ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
			TH_LOG("%s", why);
		}
		ASSERT_EQ(0, check_zeroes(buf, used, why, &nr_vmas)) {
			TH_LOG("mask %#llx: %s", (unsigned long long)bit, why);
		}
		free(buf);
	}
}

/* No byte at or past the size (the given one on E2BIG) is written; *inout_sz is 8 bytes. */
TEST_F(leak, nothing_written_past_the_size)
{
	const int ids[] = { self->child, getpid(), INT_MAX };
	const struct { int nr; const int *ids; int flags; } q[] = {
		{ 0, NULL, PROCESS_GETINFO_ALL | PROCESS_GETINFO_THREADS },
		{ 0, NULL, PROCESS_GETINFO_ALL },
		{ 3, ids, PROCESS_GETINFO_THREADS },
		{ 3, ids, 0 },
		{ 0, NULL, 0 },
	};
	struct { __u64 before; size_t sz; __u64 after; } guarded;
	size_t need, alloc, sz, cap, caps[6];
	unsigned int i, c, tries, checked = 0;
	unsigned char *buf;
	char why[MSG_MAX];
	int err;

	for (i = 0; i < ARRAY_SIZE(q); i++) {
		/* The size needed, then the buffer with room to spare. */
		need = 0;
		ASSERT_EQ(-1, sys_process_getinfo(q[i].nr, q[i].ids, q[i].flags,
						  self->supported, NULL, &need));
		ASSERT_EQ(E2BIG, errno);
		alloc = need * 2 + 4096;
		buf = aligned_alloc(8, alloc);
		ASSERT_NE(NULL, buf);

		for (tries = 0; tries < MAX_TRIES; tries++) {
			err = call_filled(q[i].nr, q[i].ids, q[i].flags,
					  self->supported, buf, alloc, alloc - 4096,
					  &sz);
			if (err != E2BIG)
				break;
		}
		ASSERT_EQ(0, err);
		ASSERT_TRUE(pgi_untouched(buf, sz, alloc)) {
			TH_LOG("query %u: written past %zu", i, sz);
		}
		ASSERT_EQ(0, pgi_check_buffer(buf, sz, why, sizeof(why))) {
			TH_LOG("%s", why);
		}
		checked++;

		/* Too small by a little, by half, to just the header, and less. */
		caps[0] = sz - 1;
		caps[1] = sz / 2;
		caps[2] = HDR;
		caps[3] = HDR - 1;
		caps[4] = 1;
		caps[5] = 0;
		for (c = 0; c < ARRAY_SIZE(caps); c++) {
			cap = caps[c];
			err = call_filled(q[i].nr, q[i].ids, q[i].flags,
					  self->supported, buf, alloc, cap, &sz);
			if (!err)	/* the result shrank meanwhile */
				continue;
			ASSERT_EQ(E2BIG, err);
			ASSERT_GT(sz, cap);
			ASSERT_TRUE(pgi_untouched(buf, cap, alloc)) {
				TH_LOG("query %u: E2BIG with size %zu, written past it",
				       i, cap);
			}
			if (cap < HDR) {
				ASSERT_TRUE(pgi_untouched(buf, 0, cap)) {
					TH_LOG("query %u: size %zu, no header, but written",
					       i, cap);
				}
			} else {
				ASSERT_EQ(0, pgi_check_buffer(buf, cap, why, sizeof(why))) {
					TH_LOG("query %u: prefix of %zu: %s", i, cap, why);
				}
			}
			checked++;
		}

		/* *inout_sz: the 8 bytes around it stay as they were. */
		memset(&guarded, PGI_PATTERN, sizeof(guarded));
		guarded.sz = alloc;
		err = sys_process_getinfo(q[i].nr, q[i].ids, q[i].flags,
					  self->supported, buf, &guarded.sz) ?
		      errno : 0;
		ASSERT_EQ(0, err);
		ASSERT_EQ(0xA5A5A5A5A5A5A5A5ULL, guarded.before);
		ASSERT_EQ(0xA5A5A5A5A5A5A5A5ULL, guarded.after);
		free(buf);
	}
	TH_LOG("%u calls: nothing written past the size", checked);
}

/* No 8-byte word of any result holds a kernel address, but [vsyscall]'s bounds. */
TEST_F(leak, no_kernel_addresses)
{
	const int ids[] = { self->child, getpid(), 1, 2, INT_MAX };
	unsigned int vsys, total_vsys = 0, i;
	unsigned char *buf;
	char why[MSG_MAX];
	size_t used, sz;
	int err;

	/* Everything about everyone, and the explicit ids (kernel threads among them). */
	for (i = 0; i < 2; i++) {
		buf = i ? pgi_getinfo_alloc(5, ids, PROCESS_GETINFO_THREADS,
					    self->supported, &used) :
			  everything(self->supported, &used);
		ASSERT_NE(NULL, buf);
		ASSERT_EQ(0, pgi_check_buffer(buf, used, why, sizeof(why))) {
			TH_LOG("%s", why);
		}
		ASSERT_EQ(0, check_no_kernel_words(buf, used, why, &vsys)) {
			TH_LOG("%s: %s", i ? "explicit ids" : "ALL|THREADS", why);
		}
		total_vsys += vsys;
		if (i) {
			free(buf);
			continue;
		}
		/* A truncated prefix of it, too (what lies past its records is ours). */
		memset(buf, 0, used);
		sz = used / 2;
		err = sys_process_getinfo(0, NULL, PROCESS_GETINFO_ALL |
					  PROCESS_GETINFO_THREADS,
					  self->supported, buf, &sz) ? errno : 0;
		if (err == E2BIG) {
			ASSERT_EQ(0, pgi_check_buffer(buf, used / 2, why, sizeof(why))) {
				TH_LOG("%s", why);
			}
			ASSERT_EQ(0, check_no_kernel_words(buf, used / 2, why, &vsys)) {
				TH_LOG("prefix: %s", why);
			}
		}
		free(buf);
	}
	TH_LOG("no kernel addresses; %u [vsyscall] VMAs allowed", total_vsys);
}

/* ---- user namespaces ---- */

/* One id line ("Uid:" or "Gid:") of /proc/@pid/status: real, effective, saved, fs. */
static int status_ids(pid_t pid, const char *key, unsigned int ids[4])
{
	char path[64], *line = NULL;
	size_t len = 0, klen = strlen(key);
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &len, f) > 0) {
		if (!strncmp(line, key, klen) &&
		    sscanf(line + klen, "%u %u %u %u", &ids[0], &ids[1],
			   &ids[2], &ids[3]) == 4) {
			ret = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

static unsigned int read_uint(const char *path, unsigned int dflt)
{
	unsigned int v = dflt;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

/* What a child in a user namespace checks, and how it answers. */
struct ns_check {
	pid_t others[3];	/* processes of the initial namespace's root */
	unsigned int overflow_uid, overflow_gid;
	unsigned int own_uid, own_gid;	/* its ids as it should see them */
	bool own_mapped;
};

/*
 * Checks the records of @buf (for the ids @ids of struct ns_check): every
 * uid and gid is what /proc/PID/status shows from here, others' are the
 * overflow ids and its own are @own_*; others' memory maps are denied with
 * nothing left behind.  Returns 0, or -1 with @msg.
 */
static int ns_check_records(const struct ns_check *nc, const void *buf,
			    const int *ids, char *msg)
{
	unsigned int st_u[4], st_g[4], k, n = 0;
	const struct procrec *r;

	for (r = pgi_first_rec(buf); r; r = pgi_next_rec(buf, r), n++) {
		const unsigned int u[4] = { r->uid_real, r->uid_effective,
					    r->uid_saved, r->uid_fs };
		const unsigned int g[4] = { r->gid_real, r->gid_effective,
					    r->gid_saved, r->gid_fs };
		bool own = r->tid == getpid();
		unsigned int want_u = own ? nc->own_uid : nc->overflow_uid;
		unsigned int want_g = own ? nc->own_gid : nc->overflow_gid;

		if (r->status & PROCREC_GONE || !(r->mask & PROCESS_INFO_CREDS))
			return pgi_fail(msg, MSG_MAX,
					"id %d: status %#x mask %#llx", ids[n],
					r->status, (unsigned long long)r->mask);
		if (status_ids(r->tid, "Uid:", st_u) ||
		    status_ids(r->tid, "Gid:", st_g))
			return pgi_fail(msg, MSG_MAX,
					"cannot read /proc/%d/status", r->tid);
		for (k = 0; k < 4; k++) {
			if (u[k] != st_u[k] || g[k] != st_g[k])
				return pgi_fail(msg, MSG_MAX,
						"pid %d: uid[%u] %u gid[%u] %u, /proc shows %u %u",
						r->tid, k, u[k], k, g[k],
						st_u[k], st_g[k]);
			if (u[k] != want_u || g[k] != want_g)
				return pgi_fail(msg, MSG_MAX,
						"pid %d: uid[%u] %u gid[%u] %u, expected %u %u",
						r->tid, k, u[k], k, g[k],
						want_u, want_g);
		}
		if (own) {
			if (!(r->mask & PROCESS_INFO_MEMORY_MAP) || !r->nr_vmas)
				return pgi_fail(msg, MSG_MAX,
						"own memory map missing (mask %#llx)",
						(unsigned long long)r->mask);
			continue;
		}
		/* Root's processes outside: no maps, and not a trace of one. */
		if (!(r->status & PROCREC_NOACCESS) ||
		    r->mask & (PROCESS_INFO_VM_SEQ | PROCESS_INFO_MEMORY_MAP) ||
		    r->vm_seq || r->nr_vmas || r->first_vma_offset)
			return pgi_fail(msg, MSG_MAX,
					"pid %d: status %#x mask %#llx vm_seq %#llx nr_vmas %u first_vma_offset %u",
					r->tid, r->status,
					(unsigned long long)r->mask,
					(unsigned long long)r->vm_seq,
					r->nr_vmas, r->first_vma_offset);
	}
	if (n != 4)
		return pgi_fail(msg, MSG_MAX, "%u records for 4 ids", n);
	return 0;
}

/*
 * In the namespace: asks for this process and the others of @nc with
 * their ids, credentials and maps, and checks them.  Writes a message to
 * @out; returns non-zero on failure.
 */
static int ns_child_check(const struct ns_check *nc, int out)
{
	int ids[4] = { getpid(), nc->others[0], nc->others[1], nc->others[2] };
	const __u64 mask = PROCESS_INFO_IDS | PROCESS_INFO_CREDS |
			   PROCESS_INFO_VM_SEQ | PROCESS_INFO_MEMORY_MAP;
	char msg[MSG_MAX], why[MSG_MAX];
	int err = -1;
	size_t used;
	void *buf;

	buf = pgi_getinfo_alloc(4, ids, 0, mask, &used);
	if (!buf)
		pgi_fail(msg, MSG_MAX, "process_getinfo: %s", strerror(errno));
	else if (pgi_check_buffer(buf, used, why, sizeof(why)))
		pgi_fail(msg, MSG_MAX, "%s", why);
	else
		err = ns_check_records(nc, buf, ids, msg);
	if (!err)
		snprintf(msg, sizeof(msg),
			 "own ids %u/%u, others' %u/%u, as /proc/PID/status shows them",
			 nc->own_uid, nc->own_gid, nc->overflow_uid,
			 nc->overflow_gid);
	free(buf);
	if (write(out, msg, strlen(msg)) < 0)
		return 2;
	return err ? 1 : 0;
}

/* Who the child of run_in_userns() becomes before it enters the namespace. */
struct userns_child {
	const struct ns_check *nc;
	uid_t uid;		/* if not -1 */
	gid_t gid;		/* if not -1 */
};

/*
 * The child of run_in_userns(): becomes @arg's ids, enters a new user
 * namespace and says "r" (or 's' when there are no user namespaces to
 * enter, 'e' on another error), then on the parent's go (once its maps
 * are written) runs ns_child_check(), which replies with its message.
 */
static int userns_child(int cmd, int ack, void *arg)
{
	const struct userns_child *u = arg;
	char c;

	if (u->gid != (gid_t)-1 &&
	    (setgroups(0, NULL) || setresgid(u->gid, u->gid, u->gid)))
		return 3;
	if (u->uid != (uid_t)-1 && setresuid(u->uid, u->uid, u->uid))
		return 3;
	if (unshare(CLONE_NEWUSER)) {
		c = errno == EPERM || errno == EINVAL || errno == ENOSPC ?
		    's' : 'e';
		if (write(ack, &c, 1) < 0)
			return 2;
		return 4;
	}
	pgi_child_ready(ack);
	if (!pgi_child_command(cmd, &c))
		return 2;
	return ns_child_check(u->nc, ack);
}

/*
 * Runs ns_child_check() in a child that first becomes @uid/@gid (if not
 * -1) and enters a new user namespace, whose maps are then written from
 * here if @map.  Returns the child's exit status (-1 if it cannot be
 * started or waited for, -2 without user namespaces); its message in @msg.
 */
static int run_in_userns(struct ns_check *nc, uid_t uid, gid_t gid, bool map,
			 char *msg, size_t msglen)
{
	const struct userns_child u = { .nc = nc, .uid = uid, .gid = gid };
	char c, path[64], line[64];
	struct pgi_child child;
	int status;

	if (pgi_child_start(&child, userns_child, (void *)&u))
		return -1;
	if (read(child.ack, &c, 1) != 1)
		c = 'e';
	if (c == 'r' && map) {
		snprintf(line, sizeof(line), "0 %u 1", uid);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", child.pid);
		if (pgi_write_str(path, line))
			c = 'm';
		snprintf(line, sizeof(line), "0 %u 1", gid);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", child.pid);
		if (pgi_write_str(path, line))
			c = 'm';
	}
	/* A child that failed has exited: no write to its closed pipe. */
	if ((c == 'r' || c == 'm') && write(child.cmd, "g", 1) < 0)
		c = 'e';
	pgi_child_close(&child);
	pgi_child_report(&child, msg, msglen);
	if (c == 's')
		snprintf(msg, msglen, "no user namespaces here");
	else if (c == 'm')
		snprintf(msg, msglen, "cannot write the id maps");
	if (pgi_child_stop(&child, &status))
		return -1;
	if (c == 's')
		return -2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* In a new user namespace without maps, every id reads as the overflow id, as /proc shows. */
TEST_F(leak, userns_unmapped_ids_are_overflow)
{
	struct ns_check nc = {
		.others = { 1, getpid(), self->child },
	};
	char msg[MSG_MAX];
	int ret;

	nc.overflow_uid = read_uint("/proc/sys/kernel/overflowuid", 65534);
	nc.overflow_gid = read_uint("/proc/sys/kernel/overflowgid", 65534);
	/* Its own uid 0 is not mapped either. */
	nc.own_uid = nc.overflow_uid;
	nc.own_gid = nc.overflow_gid;
	ret = run_in_userns(&nc, -1, -1, false, msg, sizeof(msg));
	if (ret == -2)
		SKIP(return, "%s", msg);
	ASSERT_EQ(0, ret) {
		TH_LOG("in the namespace: %s", msg);
	}
	TH_LOG("%s", msg);
}

/* With maps "0 <its id> 1": its own ids read 0, root's the overflow id, as /proc shows. */
TEST_F(leak, userns_mapped_own_ids)
{
	struct ns_check nc = {
		.others = { 1, getpid(), self->child },
		.own_uid = 0,
		.own_gid = 0,
	};
	char msg[MSG_MAX];
	int ret;

	if (geteuid())
		SKIP(return, "not root: cannot become uid %d", UNPRIV_ID);
	nc.overflow_uid = read_uint("/proc/sys/kernel/overflowuid", 65534);
	nc.overflow_gid = read_uint("/proc/sys/kernel/overflowgid", 65534);
	ret = run_in_userns(&nc, UNPRIV_ID, UNPRIV_ID, true, msg, sizeof(msg));
	if (ret == -2)
		SKIP(return, "%s", msg);
	ASSERT_EQ(0, ret) {
		TH_LOG("in the namespace: %s", msg);
	}
	TH_LOG("%s", msg);
}

TEST_HARNESS_MAIN
