// SPDX-License-Identifier: GPL-2.0
/*
 * pgibench: the guest side of `make bench`.
 *
 *   pgibench calibrate
 *   pgibench procinfo  TSC_HZ N RUNS [noscan]  (noscan: without the sweeps)
 *   pgibench scan      TSC_HZ PROCS THREADS RUNS  (the sweeps, shared pages)
 *   pgibench maps      TSC_HZ PROCS VMAS RUNS [anon]
 *   pgibench interfere TSC_HZ N SECONDS [PACE_HZ [PROBE_VMAS [free|same|split]]]
 *   pgibench profile   TSC_HZ procinfo|scan N SECONDS | maps VMAS SECONDS
 *   pgibench population N VMAS KIND [THREADS] (internal: the sleeping processes)
 *   pgibench probe-fork TSC_HZ SECONDS  (internal: fork+exit latency)
 *   pgibench probe-mmap TSC_HZ SECONDS VMAS (internal: mmap+munmap latency)
 *
 * Each experiment creates its population, runs every method on the same
 * processes (a warm-up snapshot each, then RUNS rounds in which every method
 * takes one snapshot, the order rotating from round to round), and prints
 * one line of JSON framed by "PGI-BENCH-BEGIN name" / "PGI-BENCH-END name"
 * for bench/report.py.  Progress goes to stderr.
 */
#include "methods.h"
#include "sweeps.h"
#include "peers.h"

#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../../selftests/pgi_util.h"

static const char *self_exe = "/bin/pgibench";

/* ---- JSON ---- */

static char *js;
static size_t js_len, js_cap;
static int js_comma;

static void __attribute__((format(printf, 1, 2))) jraw(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(js + js_len, js_cap - js_len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < js_cap - js_len)
			break;
		js_cap = js_cap ? js_cap * 2 : 65536;
		js = xrealloc(js, js_cap);
	}
	js_len += (size_t)n;
}

static void jsep(void)
{
	if (js_comma)
		jraw(",");
	js_comma = 1;
}

static void jkey(const char *k)
{
	jsep();
	jraw("\"%s\":", k);
	js_comma = 0;
}

static void jobj(const char *k)
{
	if (k)
		jkey(k);
	else
		jsep();
	jraw("{");
	js_comma = 0;
}

static void jend(void)
{
	jraw("}");
	js_comma = 1;
}

static void jnum(const char *k, double v)
{
	jkey(k);
	jraw("%.6g", v);
	js_comma = 1;
}

static void jint(const char *k, long long v)
{
	jkey(k);
	jraw("%lld", v);
	js_comma = 1;
}

static void jstr(const char *k, const char *v)
{
	jkey(k);
	jraw("\"%s\"", v);
	js_comma = 1;
}

static void jarr(const char *k, const double *v, int n)
{
	int i;

	jkey(k);
	jraw("[");
	for (i = 0; i < n; i++)
		jraw("%s%.1f", i ? "," : "", v[i]);
	jraw("]");
	js_comma = 1;
}

static void jbegin(void)
{
	js_len = 0;
	js_comma = 0;
	jraw("{");
}

static void jprint(const char *name)
{
	jraw("}");
	fflush(stderr);
	printf("PGI-BENCH-BEGIN %s\n%s\nPGI-BENCH-END %s\n", name, js, name);
	fflush(stdout);
}

/* ---- the guest ---- */

static long long file_value(const char *path, const char *key)
{
	static char buf[16384];
	long long sum = 0;
	size_t klen = strlen(key);
	char *p;
	long n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Sum every line starting with @key (pgalloc_dma32, pgalloc_normal...). */
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, klen)) {
			char *v = p + klen;

			while (*v && *v != ' ' && *v != '\t')
				v++;
			sum += strtoll(v, NULL, 10);
		}
	}
	return sum;
}

static void env_json(void)
{
	jobj("guest");
	jnum("tsc_hz", tsc_hz);
	jint("cpus", sysconf(_SC_NPROCESSORS_ONLN));
	jint("mem_total_kb", file_value("/proc/meminfo", "MemTotal:"));
	jint("mem_available_kb", file_value("/proc/meminfo", "MemAvailable:"));
	jint("slabinfo", access("/proc/slabinfo", R_OK) == 0);
	jend();
}

static void raise_limits(long nofile)
{
	struct rlimit rl = { .rlim_cur = (rlim_t)nofile, .rlim_max = (rlim_t)nofile };

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit NOFILE %ld", nofile);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- populations ---- */

struct pop {
	pid_t spawner;
	int n;
	int *pids;
};

static void read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		long r = read(fd, p, n);

		if (r <= 0)
			die("population: short read");
		p += r;
		n -= (size_t)r;
	}
}

/* Every member of @p asleep (state S), as process_getinfo(2) sees them? */
static int pop_asleep(struct ctx *c, const struct pop *p)
{
	const struct process_info *hdr;
	const struct procrec *r;
	int asleep = 0;
	__u32 off;

	pgi_call(c, 0, NULL, PROCESS_GETINFO_ALL, PROCESS_INFO_IDS | PROCESS_INFO_STATUS);
	hdr = (const void *)c->pgibuf;
	for (off = hdr->first_procrec_offset; off; off = r->next_procrec_offset) {
		r = (const void *)(c->pgibuf + off);
		if (r->ppid == p->spawner && r->state == 'S')
			asleep++;
	}
	return asleep;
}

/*
 * pop_start_kind - @n sleeping processes of @kind (anon, mixed, shared),
 * each with @vmas extra VMAs and @threads threads: children of a fresh
 * `pgibench population`, each blocked in read() on a pipe.
 */
static void pop_start_kind(struct ctx *c, struct pop *p, int n, long vmas, const char *kind,
			   int threads)
{
	uint64_t t0 = tsc_now();
	int fds[2], i, asleep = 0;
	char nbuf[16], vbuf[24], tbuf[16];

	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	snprintf(vbuf, sizeof(vbuf), "%ld", vmas);
	snprintf(tbuf, sizeof(tbuf), "%d", threads);
	p->spawner = fork();
	if (p->spawner < 0)
		die("fork");
	if (!p->spawner) {
		dup2(fds[1], 1);
		execl(self_exe, "pgibench", "population", nbuf, vbuf, kind, tbuf, (char *)NULL);
		die("exec %s", self_exe);
	}
	close(fds[1]);
	read_full(fds[0], &p->n, sizeof(p->n));
	if (p->n != n)
		die("population: %d of %d processes", p->n, n);
	p->pids = xmalloc((size_t)n * sizeof(int));
	read_full(fds[0], p->pids, (size_t)n * sizeof(int));
	close(fds[0]);
	for (i = 0; i < 6000; i++) {
		asleep = pop_asleep(c, p);
		if (asleep == n)
			break;
		sleep_ms(20);
	}
	if (!strcmp(kind, "shared"))
		fprintf(stderr, "pgibench: population of %d sharing pages (%d threads each): "
			"%d asleep after %.1f s\n", n, threads, asleep,
			tsc_ns(tsc_now() - t0) / 1e9);
	else
		fprintf(stderr,
			"pgibench: population of %d (%ld VMAs each): %d asleep after %.1f s\n",
			n, vmas, asleep, tsc_ns(tsc_now() - t0) / 1e9);
}

/* pop_start - @n sleeping processes, each with @vmas extra VMAs. */
static void pop_start(struct ctx *c, struct pop *p, int n, long vmas, int with_files)
{
	pop_start_kind(c, p, n, vmas, with_files ? "mixed" : "anon", 1);
}

static void pop_stop(struct pop *p)
{
	uint64_t t0 = tsc_now();
	int st;

	kill(p->spawner, SIGTERM);
	waitpid(p->spawner, &st, 0);
	free(p->pids);
	fprintf(stderr, "pgibench: population of %d gone in %.1f s\n", p->n,
		tsc_ns(tsc_now() - t0) / 1e9);
}

/*
 * The shared population's pages: SHARED_PAGES each of a file (on the
 * guest's ramfs, so that they are file pages and not shmem: its / and /tmp
 * are tmpfs), a MAP_SHARED|MAP_ANONYMOUS (shmem) region and a private
 * anonymous region, all written by the spawner before it forks: the
 * private pages are then shared copy-on-write with every child, and each
 * child maps the file and shmem pages by reading them (fork copies no page
 * tables for shared mappings).
 */
#define SHARED_PAGES	256

static char *shared_file, *shared_shm, *shared_anon;

static void shared_regions(void)
{
	const char *dir = access(SHARED_FILE_DIR, W_OK) ? VMA_FILE_DIR : SHARED_FILE_DIR;
	size_t sz = SHARED_PAGES * 4096L, i;
	char path[128], page[4096];
	int fd;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/shared-%d.dat", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open %s", path);
	memset(page, 0x5a, sizeof(page));
	for (i = 0; i < SHARED_PAGES; i++)
		if (write(fd, page, sizeof(page)) != (long)sizeof(page))
			die("write %s", path);
	shared_file = mmap(NULL, sz, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	unlink(path);		/* the pages stay while they are mapped */
	shared_shm = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared_anon = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared_file == MAP_FAILED || shared_shm == MAP_FAILED || shared_anon == MAP_FAILED)
		die("mmap shared regions");
	memset(shared_shm, 1, sz);
	memset(shared_anon, 2, sz);
}

/* Maps the file and shmem pages into this child. */
static void shared_touch(void)
{
	volatile char sum = 0;
	size_t i;

	for (i = 0; i < SHARED_PAGES; i++)
		sum += shared_file[i * 4096] + shared_shm[i * 4096];
	(void)sum;
}

static int threads_started;

static void *sleeper_thread(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "pgib-worker-%d", (int)(intptr_t)arg);
	prctl(PR_SET_NAME, name);
	__atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
	return NULL;
}

/* @k more threads, each named and asleep in pause(), before this returns. */
static void start_threads(int k)
{
	pthread_attr_t attr;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < k; i++) {
		pthread_t t;

		if (pthread_create(&t, &attr, sleeper_thread, (void *)(intptr_t)(i + 1)))
			die("pthread_create");
	}
	while (__atomic_load_n(&threads_started, __ATOMIC_SEQ_CST) < k)
		sched_yield();
}

/* @kind: 0 anonymous VMAs, 1 mixed, 2 shared pages (and @threads threads). */
static int cmd_population(int n, long vmas, int kind, int threads)
{
	int with_files = kind == 1;
	sigset_t set;
	char *base;
	int fds[2], i, sig;
	int *pids;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (kind == 2)
		shared_regions();
	base = make_vmas(vmas, with_files);
	pids = mmap(NULL, (size_t)n * sizeof(int) + 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED)
		die("mmap pids");
	/* The children need none of it. */
	madvise(pids, (size_t)n * sizeof(int) + 4096, MADV_DONTFORK);
	if (pipe(fds))
		die("pipe");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork %d of %d", i, n);
		if (!pid) {
			char ch;

			close(fds[1]);
			close(1);
			if (kind == 2)
				shared_touch();
			if (threads > 1)
				start_threads(threads - 1);
			while (read(fds[0], &ch, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		pids[i] = pid;
	}
	/* Only the children carry the VMAs. */
	if (base)
		munmap(base, (size_t)vmas * 4096);
	if (write(1, &n, sizeof(n)) != sizeof(n))
		die("write");
	for (i = 0; i < n;) {
		long w = write(1, pids + i, (size_t)(n - i) * sizeof(int));

		if (w <= 0)
			die("write pids");
		i += (int)(w / (long)sizeof(int));
	}
	close(1);
	sigwait(&set, &sig);
	close(fds[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/* ---- measurement ---- */

typedef long (*method_fn)(struct ctx *);

/* What a method needs besides process_getinfo and procfs (bench/src/peers.h). */
enum needs { NEEDS_NOTHING, NEEDS_FLOOR, NEEDS_BPF };

struct method {
	const char *name;
	method_fn fn;
	int pop_only;		/* look at the population's pids, not at ALL */
	enum needs needs;	/* skipped where that is missing */
	/* results */
	double *ns;
	double *kns;		/* of which inside process_getinfo(2) */
	long records, nvmas;
	long nthreads;		/* thread records (the collectors) */
	size_t dup_cmd_bytes;	/* command lines repeated in threads' records */
	unsigned long syscalls;
	size_t bytes;
	double pgalloc, slab_kb;
};

/*
 * Keeps the @n methods of @ms this kernel has, in their order, at the front;
 * returns how many.  @name, if not NULL, is looked up among them.
 */
static int keep_available(struct method *ms, int n, const char *name, struct method **found)
{
	int have_floor = floor_available(), have_bpf = bpf_available();
	int i, kept = 0;

	for (i = 0; i < n; i++) {
		if ((ms[i].needs == NEEDS_FLOOR && !have_floor) ||
		    (ms[i].needs == NEEDS_BPF && !have_bpf))
			continue;
		ms[kept++] = ms[i];
	}
	*found = NULL;
	for (i = 0; name && i < kept; i++)
		if (!strcmp(ms[i].name, name))
			*found = &ms[i];
	return kept;
}

static long run_one(struct ctx *c, struct method *m, uint64_t *ticks)
{
	uint64_t t0, t1;
	long rec;

	c->all = !m->pop_only;
	c->nvmas = 0;
	c->nthreads = 0;
	c->dup_cmd_bytes = 0;
	c->call_ticks = 0;
	nr_syscalls = 0;
	t0 = tsc_now();
	rec = m->fn(c);
	t1 = tsc_now();
	if (ticks)
		*ticks = t1 - t0;
	m->records = rec;
	m->nvmas = c->nvmas;
	m->nthreads = c->nthreads;
	m->dup_cmd_bytes = c->dup_cmd_bytes;
	m->syscalls = nr_syscalls;
	m->bytes = c->bytes;
	return rec;
}

/*
 * Kernel allocations.  This kernel has no /proc/slabinfo (SLUB_TINY has no
 * SLUB_DEBUG) and no tracepoints, so allocation calls cannot be counted.
 * What can be: pages handed out by the page allocator (/proc/vmstat
 * pgalloc_*: slab refills, kvmalloc'ed buffers, page tables) per snapshot,
 * and the net change of Slab: in /proc/meminfo across the batch.
 */
static void measure_alloc(struct ctx *c, struct method *m, int k, const struct method *noop)
{
	long long pg0, pg1, sl0, sl1;
	int i;

	c->all = !m->pop_only;
	pg0 = file_value("/proc/vmstat", "pgalloc_");
	sl0 = file_value("/proc/meminfo", "Slab:");
	for (i = 0; i < k; i++)
		m->fn(c);
	pg1 = file_value("/proc/vmstat", "pgalloc_");
	sl1 = file_value("/proc/meminfo", "Slab:");
	m->pgalloc = (double)(pg1 - pg0) / k - (noop ? noop->pgalloc : 0);
	m->slab_kb = (double)(sl1 - sl0);
}

/*
 * The host is shared (other guests, kernel builds), and a descheduled QEMU
 * vCPU thread shows up as guest time, since the clock is the host's TSC.
 * So every timed snapshot waits for a quiet host: a fixed user-space spin,
 * which under TCG slows down exactly when the vCPU thread loses its host
 * CPU, must run within 25% of its fastest time; and it must still do so
 * right after the snapshot, or the snapshot is taken again (at most twice
 * more).  Runs that never get a quiet host are kept and counted.
 */
#define SPIN_ITERS 20000

static struct {
	uint64_t base;		/* fastest spin */
	long waits;		/* 20 ms waits for a quiet host */
	long redone;		/* snapshots taken again */
	long disturbed;		/* runs kept although the host was busy */
	int streak;		/* disturbed runs in a row: past 5, stop waiting */
} quiet;

static uint64_t spin_ticks(void)
{
	uint64_t t0 = tsc_now();
	volatile unsigned long x = 0;
	long i;

	for (i = 0; i < SPIN_ITERS; i++)
		x += (unsigned long)i;
	return tsc_now() - t0;
}

static void quiet_calibrate(void)
{
	int i;

	quiet.base = UINT64_MAX;
	for (i = 0; i < 50; i++) {
		uint64_t t = spin_ticks();

		if (t < quiet.base)
			quiet.base = t;
	}
}

static int quiet_now(void)
{
	return spin_ticks() * 4 <= quiet.base * 5;
}

static int quiet_wait(void)
{
	int i;

	for (i = 0; i < (quiet.streak < 5 ? 25 : 1); i++) {
		if (quiet_now())
			return 1;
		quiet.waits++;
		sleep_ms(20);
	}
	return 0;
}

static void quiet_json(void)
{
	jobj("host_quiet");
	jnum("spin_ns", tsc_ns(quiet.base));
	jint("waits_20ms", quiet.waits);
	jint("snapshots_redone", quiet.redone);
	jint("runs_disturbed", quiet.disturbed);
	jend();
}

static void run_methods(struct ctx *c, struct method *ms, int nm, int runs)
{
	int r, i;

	quiet_calibrate();
	for (i = 0; i < nm; i++) {
		ms[i].ns = xmalloc(sizeof(double) * (size_t)runs);
		ms[i].kns = xmalloc(sizeof(double) * (size_t)runs);
		run_one(c, &ms[i], NULL);	/* warm-up: dentries, buffer sizes */
	}
	for (r = 0; r < runs; r++) {
		for (i = 0; i < nm; i++) {
			struct method *m = &ms[(i + r) % nm];
			int attempt, calm = 0;
			uint64_t t;

			for (attempt = 0; attempt < (quiet.streak < 5 ? 3 : 1); attempt++) {
				calm = quiet_wait();
				run_one(c, m, &t);
				calm = calm && quiet_now();
				if (calm)
					break;
				quiet.redone++;
			}
			quiet.disturbed += !calm;
			quiet.streak = calm ? 0 : quiet.streak + 1;
			m->ns[r] = tsc_ns(t);
			m->kns[r] = tsc_ns(c->call_ticks);
		}
		fprintf(stderr, ".");
	}
	fprintf(stderr, "\n");
}

static double median(const double *v, int n)
{
	double *s = xmalloc(sizeof(double) * (size_t)n);
	double q;

	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	q = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return q;
}

static void methods_json(struct method *ms, int nm, int runs)
{
	int i;

	jobj("methods");
	for (i = 0; i < nm; i++) {
		struct method *m = &ms[i];

		jobj(m->name);
		jarr("ns", m->ns, runs);
		jnum("median_ns", median(m->ns, runs));
		if (!strncmp(m->name, "pgi", 3)) {
			jarr("syscall_ns", m->kns, runs);
			jnum("median_syscall_ns", median(m->kns, runs));
		}
		jint("records", m->records);
		jint("vmas", m->nvmas);
		if (m->nthreads) {
			jint("threads", m->nthreads);
			jint("dup_cmdline_bytes", (long long)m->dup_cmd_bytes);
		}
		jint("syscalls", (long long)m->syscalls);
		jint("bytes", (long long)m->bytes);
		jnum("pgalloc_per_snapshot", m->pgalloc);
		jnum("slab_kb_delta", m->slab_kb);
		jstr("target", m->pop_only ? "population" : "all");
		jend();
	}
	jend();
}

static void alloc_all(struct ctx *c, struct method *ms, int nm, int k)
{
	struct method noop = { .name = "noop", .fn = m_noop };
	int i;

	measure_alloc(c, &noop, k, NULL);
	for (i = 0; i < nm; i++)
		measure_alloc(c, &ms[i], k, &noop);
}

/* Is the buffer of the last call well-formed (selftests' validator)? */
static void check_pgi_buffer(struct ctx *c, const char *what)
{
	char why[256];

	if (pgi_check_buffer(c->pgibuf, c->bytes, why, sizeof(why)))
		die("%s: malformed process_getinfo buffer: %s", what, why);
}

static int cmp_facts_pid(const void *a, const void *b)
{
	const struct pfacts *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The first fact two records of one process disagree on, NULL if none. */
static const char *facts_diff(const struct pfacts *x, const struct pfacts *y)
{
	if (x->tgid != y->tgid || x->ppid != y->ppid)
		return "ids";
	if (x->state != y->state)
		return "state";
	if (memcmp(x->uid, y->uid, sizeof(x->uid)) || memcmp(x->gid, y->gid, sizeof(x->gid)))
		return "creds";
	if (x->oom != y->oom)
		return "oom_score_adj";
	if (x->prio != y->prio || x->nice != y->nice || x->policy != y->policy)
		return "prio";
	if (strcmp(x->comm, y->comm))
		return "comm";
	if (x->vm_kb[3] != y->vm_kb[3])
		return "vm_size";
	return NULL;
}

/*
 * The same facts?  Compares procfs_status_oom_stat with pgi_all, process by
 * process (processes seen by only one are not counted: none should be).
 */
static void cross_check_facts(struct ctx *c, const char *key, struct method *procfs,
			      struct method *pgi)
{
	long na, nb, i = 0, j = 0, same = 0, differ = 0, self = 0;
	char diffs[512] = "";
	struct pfacts *a, *b;
	int me = getpid();

	run_one(c, procfs, NULL);
	na = procfs->records;
	a = xmalloc(sizeof(*a) * (size_t)na);
	memcpy(a, c->facts, sizeof(*a) * (size_t)na);
	run_one(c, pgi, NULL);
	if (!strncmp(pgi->name, "pgi", 3))
		check_pgi_buffer(c, "pgi_all");
	nb = pgi->records;
	b = c->facts;
	qsort(a, (size_t)na, sizeof(*a), cmp_facts_pid);
	qsort(b, (size_t)nb, sizeof(*b), cmp_facts_pid);
	while (i < na && j < nb) {
		if (a[i].pid < b[j].pid) {
			i++;
		} else if (a[i].pid > b[j].pid) {
			j++;
		} else {
			const struct pfacts *x = &a[i++], *y = &b[j++];
			const char *what;

			if (x->pid == me) {
				self++;	/* our own VmSize moves between the two snapshots */
				continue;
			}
			what = facts_diff(x, y);
			if (!what) {
				same++;
				continue;
			}
			if (differ++ < 5)
				snprintf(diffs + strlen(diffs), sizeof(diffs) - strlen(diffs),
					 "%s%d %s: %s %c/%c", *diffs ? "; " : "", x->pid, x->comm,
					 what, x->state, y->state);
		}
	}
	free(a);
	jobj(key);
	jint("procfs_records", na);
	jint("pgi_records", nb);
	jint("compared_without_self", same + differ);
	jint("same_facts", same);
	jint("different_facts", differ);
	jstr("differences", diffs);
	jend();
	(void)self;
}

static int cmp_vma(const void *a, const void *b)
{
	const struct vmarec *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->start > y->start) - (x->start < y->start);
}

/* The same VMAs, names included, from maps_text and pgi_maps? */
static void cross_check_maps(struct ctx *c, const char *key, struct method *text,
			     struct method *pgi)
{
	long na, nb, i = 0, j = 0, same = 0, differ = 0, ta = 0, tb = 0;
	int me = getpid();
	struct vmarec *a, *b;
	char *names;

	run_one(c, text, NULL);
	na = c->nvmas;
	a = xmalloc(sizeof(*a) * (size_t)(na ? na : 1));
	memcpy(a, c->vmas, sizeof(*a) * (size_t)na);
	names = xmalloc(c->arena_len);
	memcpy(names, c->arena, c->arena_len);
	run_one(c, pgi, NULL);
	if (!strncmp(pgi->name, "pgi", 3))
		check_pgi_buffer(c, "pgi_maps");
	nb = c->nvmas;
	b = c->vmas;
	qsort(a, (size_t)na, sizeof(*a), cmp_vma);
	qsort(b, (size_t)nb, sizeof(*b), cmp_vma);
	/* Our own map changes between the two snapshots: compare everyone else's. */
	for (i = 0; i < na; i++)
		ta += a[i].pid != me;
	for (j = 0; j < nb; j++)
		tb += b[j].pid != me;
	i = j = 0;
	while (i < na && j < nb) {
		int d = cmp_vma(&a[i], &b[j]);

		if (d < 0) {
			i++;
		} else if (d > 0) {
			j++;
		} else {
			const struct vmarec *x = &a[i++], *y = &b[j++];
			const char *xn = x->name ? names + x->name : "";
			const char *yn = y->name ? c->names + y->name : "";

			if (x->pid == me)
				continue;
			if (x->end == y->end && x->prot == y->prot && x->shared == y->shared &&
			    x->off == y->off && x->inode == y->inode && x->major == y->major &&
			    x->minor == y->minor && !strcmp(xn, yn))
				same++;
			else
				differ++;
		}
	}
	free(a);
	free(names);
	jobj(key);
	jint("text_vmas", ta);
	jint("pgi_vmas", tb);
	jint("same_vmas", same);
	jint("different_vmas", differ);
	jstr("scope", "every process but the benchmark's own");
	jend();
}

/* ---- cross-checks of the scanners' sweeps (issue 11) ---- */

/* Records compared, and the first few differences in words. */
struct diffs {
	long same, differ, unmatched;
	char text[512];
};

static void __attribute__((format(printf, 2, 3))) diff_add(struct diffs *d, const char *fmt, ...)
{
	size_t l = strlen(d->text);
	va_list ap;

	if (d->differ++ >= 5)
		return;
	if (l)
		l += (size_t)snprintf(d->text + l, sizeof(d->text) - l, "; ");
	if (l >= sizeof(d->text))
		return;
	va_start(ap, fmt);
	vsnprintf(d->text + l, sizeof(d->text) - l, fmt, ap);
	va_end(ap);
}

/* Quotes, backslashes and control characters (from comms) become '?'. */
static void json_safe(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '?';
}

static void diffs_json(struct diffs *d, const char *what, long na, long nb)
{
	char k[64];

	json_safe(d->text);
	snprintf(k, sizeof(k), "procfs_%s", what);
	jint(k, na);
	snprintf(k, sizeof(k), "pgi_%s", what);
	jint(k, nb);
	jint("compared_without_self", d->same + d->differ);
	jint("same", d->same);
	jint("different", d->differ);
	jint("unmatched", d->unmatched);
	jstr("differences", d->text);
}

/* Is a process_getinfo buffer well-formed?  Recorded, not fatal. */
static void buffer_check_json(const char *key, const char *buf, size_t len)
{
	char why[256];

	if (pgi_check_buffer(buf, len, why, sizeof(why))) {
		json_safe(why);
		jstr(key, why);
	} else {
		jstr(key, "ok");
	}
}

#define CMP_BY(name, type, field)						\
static int name(const void *a, const void *b)					\
{										\
	const type *x = a, *y = b;						\
										\
	return (x->field > y->field) - (x->field < y->field);			\
}
CMP_BY(cmp_roll, struct rollrec, pid)
CMP_BY(cmp_ps, struct psrec, pid)
CMP_BY(cmp_col, struct colrec, f.pid)
CMP_BY(cmp_thr, struct thrrec, tid)

/*
 * Walks two arrays sorted by id: -1 when only @a has the next id, 1 when only
 * @b has it, 0 when both do; *i and *j point at the records; 2 at the end.
 */
static int merge_step(long *i, long na, int ida, long *j, long nb, int idb)
{
	if (*i >= na && *j >= nb)
		return 2;
	if (*j >= nb || (*i < na && ida < idb))
		return -1;
	if (*i >= na || ida > idb)
		return 1;
	return 0;
}

static const char *const rollup_names[ROLLUP_NR] = {
	"Rss", "Pss", "Pss_Dirty", "Pss_Anon", "Pss_File", "Pss_Shmem", "Shared_Clean",
	"Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "Swap",
	"SwapPss", "Locked",
};

/* The same smaps_rollup, all 15 counters, from procfs and process_getinfo? */
static void cross_check_rollup(struct ctx *c, struct method *procfs, struct method *pgi)
{
	struct diffs d = { 0 };
	long na, nb, i = 0, j = 0, with = 0;
	struct rollrec *a, *b;
	int me = getpid(), s;

	run_one(c, procfs, NULL);
	na = procfs->records;
	a = xmalloc(sizeof(*a) * (size_t)na);
	memcpy(a, c->rolls, sizeof(*a) * (size_t)na);
	run_one(c, pgi, NULL);
	nb = pgi->records;
	b = c->rolls;
	qsort(a, (size_t)na, sizeof(*a), cmp_roll);
	qsort(b, (size_t)nb, sizeof(*b), cmp_roll);
	while ((s = merge_step(&i, na, i < na ? a[i].pid : 0,
			       &j, nb, j < nb ? b[j].pid : 0)) != 2) {
		const struct rollrec *x, *y;
		int k;

		if (s) {
			d.unmatched += (s < 0 ? a[i++].pid : b[j++].pid) != me;
			continue;
		}
		x = &a[i++];
		y = &b[j++];
		if (x->pid == me)	/* our own memory changes between the snapshots */
			continue;
		if (x->has != y->has) {
			diff_add(&d, "%d: rollup %s/%s", x->pid, x->has ? "yes" : "no",
				 y->has ? "yes" : "no");
			continue;
		}
		for (k = 0; k < ROLLUP_NR && x->kb[k] == y->kb[k]; k++)
			;
		if (k < ROLLUP_NR) {
			diff_add(&d, "%d: %s %llu/%llu kB", x->pid, rollup_names[k], x->kb[k],
				 y->kb[k]);
			continue;
		}
		d.same++;
		with += x->has;
	}
	free(a);
	jobj(pgi->name);
	diffs_json(&d, "records", na, nb);
	jint("same_with_rollup", with);
	buffer_check_json("buffer_check", c->pgibuf, c->bytes);
	jend();
}

/* 0 same, 1 the later snapshot (pgi's) is ahead, -1 it is behind. */
static int ahead(unsigned long long a, unsigned long long b)
{
	return (b > a) - (b < a);
}

/* The same ps aux facts from stat + status + cmdline and from one call? */
static void cross_check_psaux(struct ctx *c, struct method *procfs, struct method *pgi)
{
	struct diffs d = { 0 };
	long na, nb, i = 0, j = 0, moved = 0;
	struct psrec *a, *b;
	char *acmds;
	int me = getpid(), s;

	run_one(c, procfs, NULL);
	na = procfs->records;
	a = xmalloc(sizeof(*a) * (size_t)na);
	memcpy(a, c->ps, sizeof(*a) * (size_t)na);
	acmds = xmalloc(c->arena_len);
	memcpy(acmds, c->arena, c->arena_len);
	run_one(c, pgi, NULL);
	nb = pgi->records;
	b = c->ps;
	qsort(a, (size_t)na, sizeof(*a), cmp_ps);
	qsort(b, (size_t)nb, sizeof(*b), cmp_ps);
	while ((s = merge_step(&i, na, i < na ? a[i].pid : 0,
			       &j, nb, j < nb ? b[j].pid : 0)) != 2) {
		const struct psrec *x, *y;
		const char *what = NULL;
		int go;

		if (s) {
			d.unmatched += (s < 0 ? a[i++].pid : b[j++].pid) != me;
			continue;
		}
		x = &a[i++];
		y = &b[j++];
		if (x->pid == me)
			continue;
		/* CPU time and faults may move on between the snapshots, never back. */
		go = ahead(x->utime, y->utime) | ahead(x->stime, y->stime) |
		     ahead(x->min_flt, y->min_flt) | ahead(x->maj_flt, y->maj_flt);
		if (x->tgid != y->tgid || x->ppid != y->ppid || x->pgid != y->pgid ||
		    x->sid != y->sid || x->tpgid != y->tpgid)
			what = "ids";
		else if (x->tty_nr != y->tty_nr)
			what = "tty_nr";
		else if (x->state != y->state)
			what = "state";
		else if (memcmp(x->uid, y->uid, sizeof(x->uid)) ||
			 memcmp(x->gid, y->gid, sizeof(x->gid)))
			what = "creds";
		else if (x->prio != y->prio || x->nice != y->nice)
			what = "prio";
		else if (x->nlwp != y->nlwp)
			what = "nr_threads";
		else if (x->start != y->start)
			what = "start_time";
		else if (x->vsz_kb != y->vsz_kb || x->rss_kb != y->rss_kb)
			what = "vsz/rss";
		else if (strcmp(x->comm, y->comm))
			what = "comm";
		else if (x->cmd_len != y->cmd_len ||
			 memcmp(acmds + x->cmd, c->cmds + y->cmd, x->cmd_len))
			what = "cmdline";
		else if (ahead(x->utime, y->utime) < 0 || ahead(x->stime, y->stime) < 0 ||
			 ahead(x->min_flt, y->min_flt) < 0 || ahead(x->maj_flt, y->maj_flt) < 0)
			what = "times/faults went back";
		if (what) {
			diff_add(&d, "%d %s: %s", x->pid, x->comm, what);
			continue;
		}
		d.same++;
		moved += go > 0;
	}
	free(a);
	free(acmds);
	jobj(pgi->name);
	diffs_json(&d, "records", na, nb);
	jint("times_or_faults_moved_on", moved);
	jstr("not_compared", "VmLck (ps STAT's L): no fact of the call gives it");
	buffer_check_json("buffer_check", c->pgibuf, c->bytes);
	jend();
}

/*
 * The same collector snapshot from procfs and from each of @pgis: every
 * process's status facts, oom_score_adj and command line, and every thread's
 * comm.
 */
static void cross_check_collector(struct ctx *c, struct method *procfs, struct method **pgis,
				  int npgi)
{
	long na, nta, k;
	struct colrec *a;
	struct thrrec *ta;
	char *acmds;
	int me = getpid();

	run_one(c, procfs, NULL);
	na = procfs->records;
	nta = procfs->nthreads;
	a = xmalloc(sizeof(*a) * (size_t)na);
	memcpy(a, c->cols, sizeof(*a) * (size_t)na);
	ta = xmalloc(sizeof(*ta) * (size_t)nta);
	memcpy(ta, c->thrs, sizeof(*ta) * (size_t)nta);
	acmds = xmalloc(c->arena_len);
	memcpy(acmds, c->arena, c->arena_len);
	qsort(a, (size_t)na, sizeof(*a), cmp_col);
	qsort(ta, (size_t)nta, sizeof(*ta), cmp_thr);

	for (k = 0; k < npgi; k++) {
		struct method *pgi = pgis[k];
		struct diffs d = { 0 }, dt = { 0 };
		long nb, ntb, i = 0, j = 0;
		struct colrec *b;
		struct thrrec *tb;
		int s;

		run_one(c, pgi, NULL);
		nb = pgi->records;
		ntb = pgi->nthreads;
		b = c->cols;
		tb = c->thrs;
		qsort(b, (size_t)nb, sizeof(*b), cmp_col);
		qsort(tb, (size_t)ntb, sizeof(*tb), cmp_thr);
		while ((s = merge_step(&i, na, i < na ? a[i].f.pid : 0, &j, nb,
				       j < nb ? b[j].f.pid : 0)) != 2) {
			const struct colrec *x, *y;
			const char *what;

			if (s) {
				d.unmatched += (s < 0 ? a[i++].f.pid : b[j++].f.pid) != me;
				continue;
			}
			x = &a[i++];
			y = &b[j++];
			if (x->f.pid == me)
				continue;
			what = facts_diff(&x->f, &y->f);
			if (!what && (x->cmd_len != y->cmd_len ||
				      memcmp(acmds + x->cmd, c->cmds + y->cmd, x->cmd_len)))
				what = "cmdline";
			if (what)
				diff_add(&d, "%d %s: %s", x->f.pid, x->f.comm, what);
			else
				d.same++;
		}
		i = j = 0;
		while ((s = merge_step(&i, nta, i < nta ? ta[i].tid : 0, &j, ntb,
				       j < ntb ? tb[j].tid : 0)) != 2) {
			const struct thrrec *x, *y;

			if (s) {
				dt.unmatched += (s < 0 ? ta[i++].tgid : tb[j++].tgid) != me;
				continue;
			}
			x = &ta[i++];
			y = &tb[j++];
			if (x->tgid == me)
				continue;
			if (x->tgid != y->tgid || strcmp(x->comm, y->comm))
				diff_add(&dt, "%d '%s' vs '%s'", x->tid, x->comm, y->comm);
			else
				dt.same++;
		}
		jobj(pgi->name);
		diffs_json(&d, "processes", na, nb);
		jobj("threads");
		diffs_json(&dt, "threads", nta, ntb);
		jend();
		if (c->pgibuf2 && pgi->fn == m_pgi_collector_2calls) {
			buffer_check_json("buffer_check", c->pgibuf, c->bytes - c->bytes2);
			buffer_check_json("buffer_check_threads", c->pgibuf2, c->bytes2);
		} else {
			buffer_check_json("buffer_check", c->pgibuf, c->bytes);
		}
		jend();
	}
	free(a);
	free(ta);
	free(acmds);
}

/* ---- experiments ---- */

/*
 * The scanners' sweeps (issue 11) on the processes there are now: each
 * method against its procfs reader, side by side, one JSON line @name.
 */
static void scan_run(struct ctx *c, const char *name, const char *population, int n,
		     int threads, int runs)
{
	struct method ms[] = {
		{ .name = "procfs_smaps_rollup", .fn = m_procfs_smaps_rollup },
		{ .name = "pgi_rollup", .fn = m_pgi_rollup },
		{ .name = "procfs_psaux", .fn = m_procfs_psaux },
		{ .name = "pgi_psaux", .fn = m_pgi_psaux },
		{ .name = "procfs_collector", .fn = m_procfs_collector },
		{ .name = "pgi_collector", .fn = m_pgi_collector },
		{ .name = "pgi_collector_2calls", .fn = m_pgi_collector_2calls },
		/* What each new fact adds to IDS alone, parsed as pgi_psaux parses. */
		{ .name = "pgi_ids", .fn = m_pgi_ps_ids },
		{ .name = "pgi_ids+cpu_times", .fn = m_pgi_ps_ids_cpu_times },
		{ .name = "pgi_ids+session", .fn = m_pgi_ps_ids_session },
		{ .name = "pgi_ids+cmdline", .fn = m_pgi_ps_ids_cmdline },
	};
	int nm = (int)(sizeof(ms) / sizeof(ms[0]));
	struct method *collectors[] = { &ms[5], &ms[6] };

	memset(&quiet, 0, sizeof(quiet));
	c->e2big = 0;
	fprintf(stderr, "pgibench: %s: %d runs of %d methods ", name, runs, nm);
	run_methods(c, ms, nm, runs);
	alloc_all(c, ms, nm, runs < 5 ? runs : 5);

	jbegin();
	jstr("experiment", "scan");
	jstr("population", population);
	jint("n", n);
	jint("threads_per_proc", threads);
	jint("runs", runs);
	jint("warmup", 1);
	quiet_json();
	jint("e2big_retries", (long long)c->e2big);
	env_json();
	jobj("cross_check");
	cross_check_rollup(c, &ms[0], &ms[1]);
	cross_check_psaux(c, &ms[2], &ms[3]);
	cross_check_collector(c, &ms[4], collectors, 2);
	jend();
	methods_json(ms, nm, runs);
	jprint(name);
}

/*
 * pgibench procinfo HZ N RUNS [noscan]: the process facts, then (unless
 * noscan) the scanners' sweeps on the same N processes.
 */
static int cmd_procinfo(int n, int runs, int scan)
{
	struct method ms[] = {
		{ .name = "procfs_status_oom_stat", .fn = m_procfs_status_oom_stat },
		{ .name = "procfs_status_oom", .fn = m_procfs_status_oom },
		{ .name = "procfs_open_close", .fn = m_procfs_open_close },
		{ .name = "pidfd_get_info", .fn = m_pidfd_get_info },
		{ .name = "pidfd_get_info_held", .fn = m_pidfd_get_info_held },
		{ .name = "pgi_all", .fn = m_pgi_all },
		{ .name = "pgi_no_vm_counters", .fn = m_pgi_no_vm },
		{ .name = "pgi_ids", .fn = m_pgi_ids },
		{ .name = "pgi_null", .fn = m_pgi_null },
		/* One fact at a time on top of IDS: where the time goes. */
		{ .name = "pgi_ids+status", .fn = m_pgi_ids_status },
		{ .name = "pgi_ids+oom_score_adj", .fn = m_pgi_ids_oom },
		{ .name = "pgi_ids+creds", .fn = m_pgi_ids_creds },
		{ .name = "pgi_ids+prio", .fn = m_pgi_ids_prio },
		{ .name = "pgi_ids+comm", .fn = m_pgi_ids_comm },
		{ .name = "pgi_ids+vm_counters", .fn = m_pgi_ids_vm },
		/* The floors (bench/floor), where that module is loaded. */
		{ .name = "floor_taskpass", .fn = m_floor_taskpass, .needs = NEEDS_FLOOR },
		{ .name = "floor_copyout", .fn = m_floor_copyout, .needs = NEEDS_FLOOR },
		/* The BPF task iterator, the same fact sets, on the BPF kernel. */
		{ .name = "bpf_all", .fn = m_bpf_all, .needs = NEEDS_BPF },
		{ .name = "bpf_no_vm_counters", .fn = m_bpf_no_vm, .needs = NEEDS_BPF },
		{ .name = "bpf_ids", .fn = m_bpf_ids, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+status", .fn = m_bpf_ids_status, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+oom_score_adj", .fn = m_bpf_ids_oom, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+creds", .fn = m_bpf_ids_creds, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+prio", .fn = m_bpf_ids_prio, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+comm", .fn = m_bpf_ids_comm, .needs = NEEDS_BPF },
		{ .name = "bpf_ids+vm_counters", .fn = m_bpf_ids_vm, .needs = NEEDS_BPF },
	};
	struct method *bpf_all;
	int nm;
	long long avail0, avail1;
	struct ctx c;
	struct pop p;
	char name[64];

	ctx_init(&c);
	raise_limits(n + 4096L);
	avail0 = file_value("/proc/meminfo", "MemAvailable:");
	pop_start(&c, &p, n, 0, 0);
	avail1 = file_value("/proc/meminfo", "MemAvailable:");
	pidfd_hold(&c);
	nm = keep_available(ms, (int)(sizeof(ms) / sizeof(ms[0])), "bpf_all", &bpf_all);
	if (floor_available())
		floor_prepare(&c);
	fprintf(stderr, "pgibench: procinfo N=%d: %d runs of %d methods ", n, runs, nm);
	run_methods(&c, ms, nm, runs);
	alloc_all(&c, ms, nm, runs < 5 ? runs : 5);

	jbegin();
	jstr("experiment", "procinfo");
	jint("n", n);
	jint("runs", runs);
	jint("warmup", 1);
	jint("pidfds_held", c.nheld);
	quiet_json();
	jnum("population_kb_per_proc", (double)(avail0 - avail1) / n);
	jint("e2big_retries", (long long)c.e2big);
	env_json();
	cross_check_facts(&c, "cross_check", &ms[0], &ms[5]);
	if (bpf_all)
		cross_check_facts(&c, "cross_check_bpf", &ms[0], bpf_all);
	methods_json(ms, nm, runs);
	pidfd_release(&c);
	snprintf(name, sizeof(name), "procinfo-%d", n);
	jprint(name);
	if (scan) {
		snprintf(name, sizeof(name), "scan-%d", n);
		scan_run(&c, name, "sleeping", n, 1, runs);
	}
	pop_stop(&p);
	return 0;
}

/*
 * pgibench scan HZ PROCS THREADS RUNS: the scanners' sweeps over PROCS
 * processes that share file, shmem and copy-on-write anonymous pages
 * (for PSS), each with THREADS threads (for the collector's per-thread
 * work).
 */
static int cmd_scan(int procs, int threads, int runs)
{
	struct ctx c;
	struct pop p;
	char name[64];

	ctx_init(&c);
	raise_limits(procs + 4096L);
	pop_start_kind(&c, &p, procs, 0, "shared", threads);
	snprintf(name, sizeof(name), "scan-shared-%dx%d", procs, threads);
	scan_run(&c, name, "shared", procs, threads, runs);
	pop_stop(&p);
	return 0;
}

static int cmd_maps(int procs, long vmas, int runs, int with_files)
{
	struct method all[] = {
		{ .name = "maps_text", .fn = m_maps_text },
		{ .name = "procmap_query", .fn = m_procmap_query },
		{ .name = "pgi_maps", .fn = m_pgi_maps },
		{ .name = "pgi_maps_pids", .fn = m_pgi_maps, .pop_only = 1 },
		{ .name = "pgi_ids", .fn = m_pgi_maps_ids },
		{ .name = "bpf_vmas", .fn = m_bpf_vmas, .needs = NEEDS_BPF },
	};
	/* One big process: every method looks at that pid only. */
	struct method one[] = {
		{ .name = "maps_text", .fn = m_maps_text, .pop_only = 1 },
		{ .name = "procmap_query", .fn = m_procmap_query, .pop_only = 1 },
		{ .name = "pgi_maps", .fn = m_pgi_maps, .pop_only = 1 },
		{ .name = "pgi_ids", .fn = m_pgi_maps_ids, .pop_only = 1 },
		{ .name = "bpf_vmas", .fn = m_bpf_vmas, .pop_only = 1, .needs = NEEDS_BPF },
	};
	struct method *ms = procs == 1 ? one : all, *bpf_vmas;
	int nm = keep_available(ms, procs == 1 ? (int)(sizeof(one) / sizeof(one[0])) :
				(int)(sizeof(all) / sizeof(all[0])), "bpf_vmas", &bpf_vmas);
	struct ctx c;
	struct pop p;
	char name[64];

	ctx_init(&c);
	pop_start(&c, &p, procs, vmas, with_files);
	c.pids = p.pids;
	c.npids = p.n;
	fprintf(stderr, "pgibench: maps %dx%ld: %d runs of %d methods ", procs, vmas, runs, nm);
	run_methods(&c, ms, nm, runs);
	alloc_all(&c, ms, nm, runs < 5 ? runs : 5);

	jbegin();
	jstr("experiment", "maps");
	jint("procs", procs);
	jint("vmas_per_proc", vmas);
	jstr("vma_kind", with_files ? "mixed" : "anon");
	quiet_json();
	jint("runs", runs);
	jint("warmup", 1);
	jint("e2big_retries", (long long)c.e2big);
	env_json();
	cross_check_maps(&c, "cross_check", &ms[0], &ms[2]);
	if (bpf_vmas)
		cross_check_maps(&c, "cross_check_bpf", &ms[0], bpf_vmas);
	methods_json(ms, nm, runs);
	pop_stop(&p);
	snprintf(name, sizeof(name), "maps-%dx%ld%s", procs, vmas, with_files ? "" : "-anon");
	jprint(name);
	return 0;
}

/* Latency samples of one probe: count, p50, p99, max, mean (ns). */
struct lat {
	long n;
	double p50, p99, max, mean;
};

static void pin_to(int cpu);

static struct lat run_probe(const char *probe, double secs, long vmas, int pin)
{
	char hz[32], sb[32], vb[32], out[256];
	struct lat l = { 0 };
	int fds[2], st;
	long got = 0, r;
	pid_t pid;

	snprintf(hz, sizeof(hz), "%.0f", tsc_hz);
	snprintf(sb, sizeof(sb), "%g", secs);
	snprintf(vb, sizeof(vb), "%ld", vmas);
	if (pipe2(fds, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (pin)
			pin_to(pin == 2 ? 1 : 0);	/* PIN_SPLIT: the other CPU */
		dup2(fds[1], 1);
		execl(self_exe, "pgibench", probe, hz, sb, vb, (char *)NULL);
		die("exec");
	}
	close(fds[1]);
	while ((r = read(fds[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += r;
	out[got] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (sscanf(out, "%ld %lf %lf %lf %lf", &l.n, &l.p50, &l.p99, &l.max, &l.mean) != 5)
		die("probe %s: bad output '%s'", probe, out);
	return l;
}

static long m_cpu_burn(struct ctx *c)
{
	volatile unsigned long x = 0;
	long i;

	(void)c;
	for (i = 0; i < 100000; i++)
		x += (unsigned long)i;
	return 0;
}

#define PROBE_VMAS 1000

/*
 * The scanner: one snapshot after another (@pace_hz 0), or one every
 * 1/@pace_hz seconds, back to back if a snapshot takes longer than that.
 */
static void __attribute__((noreturn)) scanner_loop(struct ctx *c, method_fn fn, double pace_hz,
						   volatile unsigned long *count)
{
	uint64_t period = pace_hz > 0 ? tsc_ticks(1.0 / pace_hz) : 0;
	uint64_t next = tsc_now();

	for (;;) {
		uint64_t now;

		fn(c);
		(*count)++;
		if (!period)
			continue;
		next += period;
		now = tsc_now();
		if (now < next)
			sleep_ms((long)(tsc_ns(next - now) / 1e6));
		else
			next = now;
	}
}

/* One probe's results over the repetitions: medians, and the spread of p99 and max. */
static void lat_reps_json(const char *k, struct lat *l, int reps)
{
	double p50[16], p99[16], max[16];
	long samples = 0;
	int i;

	for (i = 0; i < reps; i++) {
		p50[i] = l[i].p50;
		p99[i] = l[i].p99;
		max[i] = l[i].max;
		samples += l[i].n;
	}
	jobj(k);
	jint("samples", samples);
	jnum("p50_ns", median(p50, reps));
	jnum("p99_ns", median(p99, reps));
	jnum("max_ns", median(max, reps));
	jarr("p99_ns_reps", p99, reps);
	jarr("max_ns_reps", max, reps);
	jend();
}

/* CPU placement of scanner and probes: PIN_FREE leaves it to the scheduler. */
enum pin { PIN_FREE, PIN_SAME, PIN_SPLIT };
static const char *const pin_names[] = { "free", "same", "split" };

/* Pins the calling process to @cpu; children and exec'ed programs inherit it. */
static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d)", cpu);
}

/*
 * pgibench interfere HZ N SECS PACE [PROBE_VMAS [PIN]]: with PROBE_VMAS (say
 * 100,000) the mmap prober is one big process and only the memory-map
 * scanners run (and no fork probe): how long a writer on a big map waits
 * for a scanner that reads that map.  With N of 10,000 or more, only the
 * fork probe runs, under the process-fact scanners (the task pass under
 * tasklist_lock at scale).  PIN: "same" puts scanner and probe on CPU 0,
 * "split" the scanner on CPU 0 and the probe on CPU 1, "free" (the default)
 * pins nothing.
 */
static int cmd_interfere(int n, double secs, double pace_hz, long big_vmas, enum pin pin)
{
	struct method all[] = {
		{ .name = "idle", .fn = NULL },
		{ .name = "cpu_burn", .fn = m_cpu_burn },
		{ .name = "procfs_status_oom_stat", .fn = m_procfs_status_oom_stat },
		{ .name = "procfs_open_close", .fn = m_procfs_open_close },
		{ .name = "pidfd_get_info", .fn = m_pidfd_get_info },
		{ .name = "pgi_all", .fn = m_pgi_all },
		{ .name = "maps_text", .fn = m_maps_text },
		{ .name = "procmap_query", .fn = m_procmap_query },
		{ .name = "pgi_maps", .fn = m_pgi_maps },
	};
	struct method big[] = {
		{ .name = "idle", .fn = NULL },
		{ .name = "maps_text", .fn = m_maps_text },
		{ .name = "procmap_query", .fn = m_procmap_query },
		{ .name = "pgi_maps", .fn = m_pgi_maps },
	};
	struct method tasks[] = {
		{ .name = "idle", .fn = NULL },
		{ .name = "cpu_burn", .fn = m_cpu_burn },
		{ .name = "procfs_status_oom_stat", .fn = m_procfs_status_oom_stat },
		{ .name = "procfs_status_oom", .fn = m_procfs_status_oom },
		{ .name = "pgi_all", .fn = m_pgi_all },
	};
	enum { NALL = sizeof(all) / sizeof(all[0]), REPS = 3 };
	int many = !big_vmas && n >= 10000;
	struct method *ms = big_vmas ? big : many ? tasks : all;
	int NM = big_vmas ? (int)(sizeof(big) / sizeof(big[0])) :
		 many ? (int)(sizeof(tasks) / sizeof(tasks[0])) : NALL;
	long probe_vmas = big_vmas ? big_vmas : PROBE_VMAS;
	struct lat fork_l[NALL][REPS], mmap_l[NALL][REPS];
	double rate[NALL][REPS];
	volatile unsigned long *shared;
	struct ctx c;
	struct pop p;
	int i, r;

	ctx_init(&c);
	raise_limits(n + 4096L);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		die("mmap shared");
	pop_start(&c, &p, n, 0, 0);
	quiet_calibrate();
	for (i = 0; i < NM; i++)
		if (ms[i].fn)
			ms[i].fn(&c);	/* warm-up, and sizes the buffers before the forks */

	/* REPS rounds; in each, every scanner in turn, the order rotating. */
	for (r = 0; r < REPS; r++) {
		for (int j = 0; j < NM; j++) {
			int k = (j + r) % NM;
			uint64_t t0 = 0, t1;
			pid_t scanner = 0;
			int st;

			fprintf(stderr, "pgibench: interference round %d under %s\n", r + 1, ms[k].name);
			quiet_wait();
			if (ms[k].fn) {
				shared[0] = 0;
				scanner = fork();
				if (scanner < 0)
					die("fork scanner");
				if (!scanner) {
					if (pin != PIN_FREE)
						pin_to(0);
					scanner_loop(&c, ms[k].fn, pace_hz, shared);
				}
				sleep_ms(200);
				t0 = tsc_now();
				shared[0] = 0;
			}
			if (!big_vmas)
				fork_l[k][r] = run_probe("probe-fork", secs, 0, pin);
			if (!many)
				mmap_l[k][r] = run_probe("probe-mmap", secs, probe_vmas, pin);
			t1 = tsc_now();
			rate[k][r] = 0;
			if (scanner) {
				rate[k][r] = (double)shared[0] / (tsc_ns(t1 - t0) / 1e9);
				kill(scanner, SIGKILL);
				waitpid(scanner, &st, 0);
			}
		}
	}

	jbegin();
	jstr("experiment", "interfere");
	jint("n", n);
	jnum("seconds_per_probe", secs);
	jnum("pace_hz", pace_hz);
	jint("rounds", REPS);
	jint("probe_vmas", many ? 0 : probe_vmas);
	jstr("pinning", pin_names[pin]);
	env_json();
	quiet_json();
	jobj("methods");
	for (i = 0; i < NM; i++) {
		jobj(ms[i].name);
		if (!big_vmas)
			lat_reps_json("fork_exit", fork_l[i], REPS);
		if (!many)
			lat_reps_json("mmap_munmap", mmap_l[i], REPS);
		if (ms[i].fn)
			jnum("scanner_snapshots_per_s", median(rate[i], REPS));
		jend();
	}
	jend();
	pop_stop(&p);
	{
		char name[64];

		if (pace_hz > 0)
			snprintf(name, sizeof(name), "interfere-paced-%gHz", pace_hz);
		else
			snprintf(name, sizeof(name), "interfere-loop");
		if (big_vmas)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "-bigmap-%ld",
				 big_vmas);
		if (many)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "-tasks-%d", n);
		if (pin != PIN_FREE)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "-cpu-%s",
				 pin_names[pin]);
		jprint(name);
	}
	return 0;
}

/* ---- profile: where a method's time goes, kernel symbols included ---- */

/*
 * No perf(1) in the guest, but the kernel has PERF_EVENTS: sample our own
 * instruction pointer with the cpu-clock software event (which, without
 * high-resolution timers, fires on the 250 Hz tick) while one method loops,
 * and resolve the addresses with /proc/kallsyms (the module's symbols are
 * there too).  Interrupts-off sections are credited to where interrupts
 * come back on.
 */
struct ksym {
	unsigned long addr;
	char name[128];
};

static struct ksym *ksyms;
static size_t nksyms;

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static void load_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	size_t cap = 0;

	if (!f)
		die("/proc/kallsyms");
	while (fgets(line, sizeof(line), f)) {
		char type, name[96], mod[32] = "";
		unsigned long addr;
		int n = sscanf(line, "%lx %c %95s %31s", &addr, &type, name, mod);

		if (n < 3 || (type != 't' && type != 'T'))
			continue;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 16384;
			ksyms = xrealloc(ksyms, cap * sizeof(*ksyms));
		}
		ksyms[nksyms].addr = addr;
		snprintf(ksyms[nksyms].name, sizeof(ksyms[nksyms].name), "%s%s%s", name,
			 *mod ? " " : "", mod);
		nksyms++;
	}
	fclose(f);
	qsort(ksyms, nksyms, sizeof(*ksyms), cmp_ksym);
}

static const char *ksym_name(unsigned long ip)
{
	size_t lo = 0, hi = nksyms;

	if (ip < 0xffff800000000000UL)
		return "[user space: the method's own code and libc]";
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= ip)
			lo = mid;
		else
			hi = mid;
	}
	return nksyms && ksyms[lo].addr <= ip ? ksyms[lo].name : "[kernel: unknown]";
}

struct hit {
	const char *name;
	long n;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return (y->n > x->n) - (y->n < x->n);
}

#define PROF_PAGES 256	/* data pages of the ring: 1 MiB, ~40k samples */

static void profile_method(struct ctx *c, struct method *m, double secs)
{
	struct perf_event_attr attr;
	struct perf_event_mmap_page *meta;
	struct hit *hits = NULL;
	size_t nhits = 0, i, pgsz = 4096;
	uint64_t end, head, tail;
	long samples = 0, lost = 0, snapshots = 0;
	char *ring;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 1000000;
	attr.sample_type = PERF_SAMPLE_IP;
	attr.disabled = 1;
	attr.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		die("perf_event_open");
	meta = mmap(NULL, (PROF_PAGES + 1) * pgsz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED)
		die("mmap perf ring");
	ring = (char *)meta + pgsz;

	c->all = !m->pop_only;
	m->fn(c);			/* warm-up */
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	end = tsc_now() + tsc_ticks(secs);
	while (tsc_now() < end) {
		m->fn(c);
		snapshots++;
	}
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);

	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	if (head - tail > PROF_PAGES * pgsz)
		tail = head - PROF_PAGES * pgsz;	/* overrun: keep the newest */
	while (tail < head) {
		struct perf_event_header hdr;
		unsigned long long ip;
		const char *name;
		size_t off = tail % (PROF_PAGES * pgsz);

		/* Records are 8-byte aligned and the ring a multiple of 8: the header is whole. */
		memcpy(&hdr, ring + off, sizeof(hdr));
		if (hdr.type == PERF_RECORD_SAMPLE) {
			size_t ipoff = (off + sizeof(hdr)) % (PROF_PAGES * pgsz);

			memcpy(&ip, ring + ipoff, sizeof(ip));
			name = ksym_name((unsigned long)ip);
			for (i = 0; i < nhits && hits[i].name != name; i++)
				;
			if (i == nhits) {
				hits = xrealloc(hits, (nhits + 1) * sizeof(*hits));
				hits[nhits].name = name;
				hits[nhits++].n = 0;
			}
			hits[i].n++;
			samples++;
		} else if (hdr.type == PERF_RECORD_LOST) {
			lost++;
		}
		if (!hdr.size)
			break;
		tail += hdr.size;
	}
	munmap(meta, (PROF_PAGES + 1) * pgsz);
	close(fd);
	qsort(hits, nhits, sizeof(*hits), cmp_hit);

	jobj(m->name);
	jint("samples", samples);
	jint("lost_records", lost);
	jint("snapshots", snapshots);
	jnum("seconds", secs);
	jkey("top");
	jraw("[");
	for (i = 0; i < nhits && i < 30; i++)
		jraw("%s{\"sym\":\"%s\",\"pct\":%.2f}", i ? "," : "", hits[i].name,
		     100.0 * (double)hits[i].n / (double)samples);
	jraw("]");
	js_comma = 1;
	jend();
	free(hits);
	fprintf(stderr, "pgibench: profiled %s: %ld samples\n", m->name, samples);
}

/* pgibench profile HZ procinfo|scan N SECS | profile HZ maps VMAS SECS */
static int cmd_profile(const char *kind, long size, double secs)
{
	struct method proc[] = {
		{ .name = "pgi_all", .fn = m_pgi_all },
		{ .name = "pgi_ids", .fn = m_pgi_ids },
		{ .name = "procfs_open_close", .fn = m_procfs_open_close },
		{ .name = "procfs_status_oom", .fn = m_procfs_status_oom },
	};
	struct method maps[] = {
		{ .name = "pgi_maps", .fn = m_pgi_maps, .pop_only = 1 },
		{ .name = "maps_text", .fn = m_maps_text, .pop_only = 1 },
	};
	struct method scan[] = {
		{ .name = "pgi_rollup", .fn = m_pgi_rollup },
		{ .name = "pgi_psaux", .fn = m_pgi_psaux },
		{ .name = "pgi_collector", .fn = m_pgi_collector },
		{ .name = "procfs_smaps_rollup", .fn = m_procfs_smaps_rollup },
		{ .name = "procfs_psaux", .fn = m_procfs_psaux },
		{ .name = "procfs_collector", .fn = m_procfs_collector },
	};
	int is_maps = !strcmp(kind, "maps"), is_scan = !strcmp(kind, "scan");
	struct method *ms = is_maps ? maps : is_scan ? scan : proc;
	int nm = is_maps ? 2 : is_scan ? 6 : 4, i;
	struct ctx c;
	struct pop p;
	char name[64];

	ctx_init(&c);
	load_kallsyms();
	raise_limits(size + 4096L);
	pop_start(&c, &p, is_maps ? 1 : (int)size, is_maps ? size : 0, 1);
	c.pids = p.pids;
	c.npids = p.n;

	jbegin();
	jstr("experiment", "profile");
	jstr("kind", kind);
	jint(is_maps ? "vmas" : "n", size);
	env_json();
	jobj("methods");
	for (i = 0; i < nm; i++)
		profile_method(&c, &ms[i], secs);
	jend();
	pop_stop(&p);
	snprintf(name, sizeof(name), "profile-%s-%ld", kind, size);
	jprint(name);
	return 0;
}

/* ---- probes (run as their own small processes) ---- */

#define PROBE_MAX_SAMPLES (1 << 20)

static int probe_report(double *v, long n)
{
	double sum = 0, p50, p99, max;
	long i;

	for (i = 0; i < n; i++)
		sum += v[i];
	p50 = quantile(v, (size_t)n, 0.50);
	p99 = quantile(v, (size_t)n, 0.99);
	max = n ? v[n - 1] : 0;
	printf("%ld %.0f %.0f %.0f %.0f\n", n, p50, p99, max, n ? sum / (double)n : 0);
	return 0;
}

static int cmd_probe_fork(double secs)
{
	double *v = xmalloc(sizeof(double) * PROBE_MAX_SAMPLES);
	uint64_t end = tsc_now() + tsc_ticks(secs);
	long n = 0;

	memset(v, 0, sizeof(double) * PROBE_MAX_SAMPLES);
	while (n < PROBE_MAX_SAMPLES && tsc_now() < end) {
		uint64_t t0 = tsc_now();
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork");
		if (!pid)
			_exit(0);
		waitpid(pid, &st, 0);
		v[n++] = tsc_ns(tsc_now() - t0);
	}
	return probe_report(v, n);
}

static int cmd_probe_mmap(double secs, long vmas)
{
	double *v = xmalloc(sizeof(double) * PROBE_MAX_SAMPLES);
	uint64_t end;
	long n = 0;

	memset(v, 0, sizeof(double) * PROBE_MAX_SAMPLES);
	make_vmas(vmas, 1);	/* a monitored process has a memory map worth reading */
	end = tsc_now() + tsc_ticks(secs);
	while (n < PROBE_MAX_SAMPLES && tsc_now() < end) {
		uint64_t t0 = tsc_now();
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		munmap(p, 4096);
		v[n++] = tsc_ns(tsc_now() - t0);
	}
	return probe_report(v, n);
}

/* ---- calibration ---- */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the next step of the (jiffies-driven) clock. */
static double mono_edge(uint64_t *tsc)
{
	double a = mono_s(), b;

	while ((b = mono_s()) == a)
		;
	*tsc = tsc_now();
	return b;
}

static int cmd_calibrate(void)
{
	uint64_t c0, c1;
	double m0, m1;

	m0 = mono_edge(&c0);
	while (mono_s() - m0 < 3.0)
		;
	m1 = mono_edge(&c1);
	printf("%.0f\n", (double)(c1 - c0) / (m1 - m0));
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: pgibench calibrate | procinfo HZ N RUNS [noscan] |"
			" scan HZ PROCS THREADS RUNS | maps HZ PROCS VMAS RUNS [anon] |"
			" interfere HZ N SECS [PACE_HZ [VMAS [PIN]]] | profile HZ KIND SIZE SECS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "calibrate"))
		return cmd_calibrate();
	if (!strcmp(cmd, "population") && (argc == 5 || argc == 6))
		return cmd_population(atoi(argv[2]), atol(argv[3]),
				      !strcmp(argv[4], "shared") ? 2 : !!strcmp(argv[4], "anon"),
				      argc == 6 ? atoi(argv[5]) : 1);
	if (argc < 3)
		usage();
	tsc_hz = atof(argv[2]);
	if (tsc_hz < 1e6)
		usage();
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!strcmp(cmd, "procinfo") && (argc == 5 || argc == 6))
		return cmd_procinfo(atoi(argv[3]), atoi(argv[4]),
				    argc == 5 || strcmp(argv[5], "noscan"));
	if (!strcmp(cmd, "scan") && argc == 6)
		return cmd_scan(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (!strcmp(cmd, "maps") && (argc == 6 || argc == 7))
		return cmd_maps(atoi(argv[3]), atol(argv[4]), atoi(argv[5]),
				argc == 6 || strcmp(argv[6], "anon"));
	if (!strcmp(cmd, "interfere") && argc >= 5 && argc <= 8) {
		enum pin pin = PIN_FREE;

		if (argc == 8)
			pin = !strcmp(argv[7], "same") ? PIN_SAME :
			      !strcmp(argv[7], "split") ? PIN_SPLIT : PIN_FREE;
		return cmd_interfere(atoi(argv[3]), atof(argv[4]), argc >= 6 ? atof(argv[5]) : 0,
				     argc >= 7 ? atol(argv[6]) : 0, pin);
	}
	if (!strcmp(cmd, "profile") && argc == 6)
		return cmd_profile(argv[3], atol(argv[4]), atof(argv[5]));
	if (!strcmp(cmd, "probe-fork") && argc >= 4)
		return cmd_probe_fork(atof(argv[3]));
	if (!strcmp(cmd, "probe-mmap") && argc == 5)
		return cmd_probe_mmap(atof(argv[3]), atol(argv[4]));
	usage();
	return 2;
}
