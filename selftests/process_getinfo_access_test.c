// SPDX-License-Identifier: GPL-2.0
/*
 * Access: process_getinfo(2) never shows more than /proc would
 * (design.md section 8).  The module's hidepid and gid parameters against a
 * procfs mounted with the same hidepid= and gid= options, compared as an
 * unprivileged user in and out of the exempt group; the security module
 * hook of PRIO (Smack's task_getscheduler, against sched_getscheduler(2));
 * sweeps of every process do not audit their ptrace denials while named
 * ids do; and STRICT fails before it writes anything.
 *
 * The tests skip as a whole when the system call is not available, and
 * the Smack tests when Smack is not the running security module.  What
 * they change (the module parameters, procfs mounts, Smack labels of their
 * own children) is put back or dies with the children.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <grp.h>
#include <sched.h>
#include <sys/klog.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "pgi_harness.h"

#define PARAMS		"/sys/module/process_getinfo/parameters/"
#define HIDEPID_PARAM	PARAMS "hidepid"
#define GID_PARAM	PARAMS "gid"

#define NOBODY		65534
#define OTHER_UID	4343	/* owns a process nobody may not ptrace */
#define EXEMPT_GID	4242	/* the gid= group */

#define MAX_PIDS	4096
#define MSG_MAX		512
#define OWN_RECORDS	400

#define SMACKFS		"/sys/fs/smackfs"
#define SMACK_LOAD	SMACKFS "/load2"
#define SMACK_CALLER	"PgiCaller"
#define SMACK_TARGET	"PgiTarget"
#define LOG_MAX		(1024 * 1024)

FIXTURE(access)
{
	char hidepid[32];	/* the parameters before the test */
	char gid[32];
	char mnt[64];		/* a procfs mounted by the test, or "" */
};

FIXTURE_SETUP(access)
{
	struct process_info hdr;

	self->mnt[0] = '\0';
	PGI_PROBE_OR_SKIP(&hdr);
	ASSERT_EQ(0, pgi_read_str(HIDEPID_PARAM, self->hidepid, sizeof(self->hidepid)));
	ASSERT_EQ(0, pgi_read_str(GID_PARAM, self->gid, sizeof(self->gid)));
}

FIXTURE_TEARDOWN(access)
{
	if (self->hidepid[0])
		pgi_write_str(HIDEPID_PARAM, self->hidepid);
	if (self->gid[0])
		pgi_write_str(GID_PARAM, self->gid);
	if (self->mnt[0]) {
		umount(self->mnt);
		rmdir(self->mnt);
	}
}

/* What a child runs as the user under test: 0, or 1 with a message. */
typedef int (*as_user_fn)(char *msg, void *arg);

struct child_result {
	int rc;
	char msg[MSG_MAX];
};

/* Who the child becomes, and what it runs then. */
struct as_user {
	const char *label;	/* its Smack label, if not NULL (set first) */
	uid_t uid;		/* its uid and gid */
	gid_t extra_gid;	/* a supplementary group, if not 0 */
	as_user_fn fn;
	void *arg;
};

/* Sets this process's Smack label. */
static int smack_set_label(const char *label)
{
	return pgi_write_str("/proc/self/attr/current", label);
}

/* The child of run_as(): becomes the user, runs the function, replies. */
static int as_user_main(int cmd, int ack, void *arg)
{
	const struct as_user *u = arg;
	gid_t groups[1] = { u->extra_gid };
	struct child_result r = { 0 };

	(void)cmd;
	if ((u->label && smack_set_label(u->label)) ||
	    setgroups(u->extra_gid ? 1 : 0, groups) || setgid(u->uid) ||
	    setuid(u->uid)) {
		snprintf(r.msg, sizeof(r.msg), "cannot become %u%s%s: %s",
			 u->uid, u->label ? " labelled " : "",
			 u->label ? u->label : "", strerror(errno));
		r.rc = 1;
	} else {
		r.rc = u->fn(r.msg, u->arg);
	}
	return write(ack, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/*
 * Runs @u's function in a child that becomes @u (its label, uid, gid and
 * supplementary group); its result in @res.  0, or -1 if the child did not
 * run to its end.
 */
static int run_as_user(const struct as_user *u, struct child_result *res)
{
	struct pgi_child c;
	int status;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	if (pgi_child_start(&c, as_user_main, (void *)u))
		return -1;
	do {
		n = read(c.ack, res, sizeof(*res));
	} while (n < 0 && errno == EINTR);
	if (pgi_child_stop(&c, &status) || n != sizeof(*res) ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

/* Runs @fn in a child as @uid (with @extra_gid as a supplementary group if > 0). */
static int run_as(uid_t uid, gid_t extra_gid, as_user_fn fn, void *arg,
		  struct child_result *res)
{
	const struct as_user u = {
		.uid = uid, .extra_gid = extra_gid, .fn = fn, .arg = arg,
	};

	return run_as_user(&u, res);
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The pids readdir lists in the procfs mounted at @mnt, sorted. */
static int readdir_pids(const char *mnt, int *pids, int max)
{
	struct dirent *d;
	int n = 0;
	DIR *dir;

	dir = opendir(mnt);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (numeric(d->d_name) && n < max)
			pids[n++] = atoi(d->d_name);
	closedir(dir);
	qsort(pids, n, sizeof(*pids), pgi_cmp_int);
	return n;
}

/* Whether the procfs at @mnt lets the caller read /PID/stat: 0, or the errno. */
static int procfs_stat_err(const char *mnt, int pid)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/stat", mnt, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

#define DETAIL_FACTS	(PROCESS_INFO_IDS | PROCESS_INFO_STATUS | \
			 PROCESS_INFO_COMM | PROCESS_INFO_CREDS | \
			 PROCESS_INFO_VM_COUNTERS)

struct compare_arg {
	const char *mnt;
	int hidepid;
	/*
	 * DETAIL_FACTS, or IDS alone: then no detail is asked for, so none
	 * is denied (no NOACCESS, no EACCES), and the call takes no
	 * reference on the tasks unless hidepid hides processes.
	 */
	unsigned long mask;
};

static bool contains(const int *sorted, int n, int pid)
{
	return bsearch(&pid, sorted, n, sizeof(*sorted), pgi_cmp_int);
}

/* Whether @pid exists, as the unrestricted /proc sees it. */
static bool exists(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return !access(path, F_OK);
}

/*
 * In a child as the user under test: ALL lists exactly the pids readdir
 * lists, with NOACCESS exactly where procfs denies /PID/stat and a detail
 * is asked for; a named id is GONE (ESRCH under STRICT) exactly where
 * procfs hides it, NOACCESS (EACCES under STRICT) exactly where it denies
 * it and a detail is asked for.  Processes may come and go
 * meanwhile (kernel workers): a pid only procfs lists must be listed by
 * readdir before and after the call; one only the call lists must still
 * exist.
 */
static int compare_with_procfs(char *msg, void *p)
{
	const struct compare_arg *a = p;
	const bool details = a->mask != PROCESS_INFO_IDS;
	static int before[MAX_PIDS], after[MAX_PIDS], got[MAX_PIDS];
	int nb, na, ng = 0, i;
	const struct procrec *rec;
	size_t used;
	void *buf;

	nb = readdir_pids(a->mnt, before, MAX_PIDS);
	buf = pgi_getinfo_alloc(0, NULL, PROCESS_GETINFO_ALL, a->mask, &used);
	if (!buf)
		return pgi_fail(msg, MSG_MAX, "ALL: %s", strerror(errno));
	na = readdir_pids(a->mnt, after, MAX_PIDS);
	if (nb <= 0 || na <= 0) {
		free(buf);
		return pgi_fail(msg, MSG_MAX, "readdir %s failed", a->mnt);
	}
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec)) {
		bool noaccess = rec->status & PROCREC_NOACCESS;
		int err = procfs_stat_err(a->mnt, rec->tgid);

		if (ng < MAX_PIDS)
			got[ng++] = rec->tgid;
		if (noaccess && rec->mask != PROCESS_INFO_IDS) {
			free(buf);
			return pgi_fail(msg, MSG_MAX,
					"pid %d: NOACCESS with mask %#llx",
					rec->tgid,
					(unsigned long long)rec->mask);
		}
		if (err == ENOENT || err == ESRCH)
			continue;	/* hidden (checked below) or exited */
		if (noaccess != (details && err)) {
			free(buf);
			return pgi_fail(msg, MSG_MAX,
					"hidepid=%d pid %d: NOACCESS %d, procfs stat %s",
					a->hidepid, rec->tgid, noaccess,
					pgi_errname(err));
		}
	}
	free(buf);
	qsort(got, ng, sizeof(*got), pgi_cmp_int);
	for (i = 0; i < ng; i++)
		if (!contains(after, na, got[i]) && exists(got[i]))
			return pgi_fail(msg, MSG_MAX,
					"hidepid=%d: pid %d listed by ALL, hidden by procfs",
					a->hidepid, got[i]);
	for (i = 0; i < na; i++)
		if (contains(before, nb, after[i]) && !contains(got, ng, after[i]))
			return pgi_fail(msg, MSG_MAX,
					"hidepid=%d: pid %d listed by procfs, not by ALL",
					a->hidepid, after[i]);

	/* Named ids: GONE exactly where procfs hides, NOACCESS where it denies. */
	for (i = 0; i < na; i++) {
		int pid = after[i], err = procfs_stat_err(a->mnt, pid);
		size_t sz = 0;
		long ret;

		if (err == ENOENT || err == ESRCH)
			continue;	/* exited since */
		buf = pgi_getinfo_alloc(1, &pid, 0, a->mask, &used);
		if (!buf)
			return pgi_fail(msg, MSG_MAX, "pid %d: %s", pid,
					strerror(errno));
		rec = pgi_first_rec(buf);
		if (!rec || (rec->status & PROCREC_GONE) ||
		    !!(rec->status & PROCREC_NOACCESS) != (details && err)) {
			snprintf(msg, MSG_MAX, "named pid %d: status %#x, procfs stat %s",
				 pid, rec ? rec->status : 0, pgi_errname(err));
			free(buf);
			return 1;
		}
		free(buf);
		ret = sys_process_getinfo(1, &pid, PROCESS_GETINFO_STRICT,
					  a->mask, NULL, &sz);
		if (details && err ? !(ret < 0 && errno == EACCES) :
		    !(ret < 0 && errno == E2BIG))
			return pgi_fail(msg, MSG_MAX,
					"STRICT pid %d: %ld %s, procfs stat %s",
					pid, ret, pgi_errname(errno),
					pgi_errname(err));
	}
	/* Named ids procfs hides (listed by the unrestricted /proc only): GONE, ESRCH. */
	nb = readdir_pids("/proc", before, MAX_PIDS);
	for (i = 0; i < nb; i++) {
		int pid = before[i];
		size_t sz = 0;
		long ret;

		if (procfs_stat_err(a->mnt, pid) != ENOENT || !exists(pid))
			continue;
		buf = pgi_getinfo_alloc(1, &pid, 0, a->mask, &used);
		if (!buf)
			return pgi_fail(msg, MSG_MAX, "hidden pid %d: %s", pid,
					strerror(errno));
		rec = pgi_first_rec(buf);
		if (!rec || rec->status != PROCREC_GONE || rec->tid != pid) {
			snprintf(msg, MSG_MAX, "hidden pid %d: status %#x", pid,
				 rec ? rec->status : 0);
			free(buf);
			return 1;
		}
		free(buf);
		ret = sys_process_getinfo(1, &pid, PROCESS_GETINFO_STRICT,
					  a->mask, NULL, &sz);
		if (!(ret < 0 && errno == ESRCH) && exists(pid))
			return pgi_fail(msg, MSG_MAX,
					"STRICT hidden pid %d: %ld %s", pid,
					ret, pgi_errname(errno));
	}
	return 0;
}

/* Who a blocked target child becomes: a Smack label and an owner. */
struct owner {
	const char *label;	/* set first, if not NULL */
	uid_t uid;		/* its uid and gid, if not 0 */
};

/* The setup of a blocked child (a struct owner @arg). */
static int become_owner(void *arg)
{
	const struct owner *o = arg;

	if (o->label && smack_set_label(o->label))
		return -1;
	/* Dumpable, so that processes of the same user may ptrace it. */
	if (o->uid && (setgid(o->uid) || setuid(o->uid) ||
		       prctl(PR_SET_DUMPABLE, 1)))
		return -1;
	return 0;
}

/* Starts a blocked child labelled @label (if not NULL), owned by @uid if not 0. */
static int spawn_owned(struct pgi_child *c, const char *label, uid_t uid)
{
	struct owner o = { .label = label, .uid = uid };
	struct pgi_blocked b = { .setup = become_owner, .arg = &o };

	return pgi_spawn_blocked(c, &b);
}

static int set_hidepid_as_user(char *msg, void *arg)
{
	int err = pgi_write_str(HIDEPID_PARAM, "0");

	(void)arg;
	if (err != -EACCES)
		return pgi_fail(msg, MSG_MAX, "nobody setting hidepid: %s",
				pgi_errname(-err));
	return 0;
}

/* The parameters take procfs's values and names; only root may set them. */
TEST_F(access, params_take_procfs_values_and_names)
{
	static const char *const ok[][2] = {
		{ "0", "0" }, { "1", "1" }, { "2", "2" }, { "4", "4" },
		{ "off", "0" }, { "noaccess", "1" }, { "invisible", "2" },
		{ "ptraceable", "4" },
	};
	static const char *const bad[] = { "3", "5", "-1", "hidden", "\n" };
	struct child_result res;
	char s[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		ASSERT_EQ(0, pgi_write_str(HIDEPID_PARAM, ok[i][0]));
		ASSERT_EQ(0, pgi_read_str(HIDEPID_PARAM, s, sizeof(s)));
		s[strcspn(s, "\n")] = '\0';
		EXPECT_STREQ(ok[i][1], s);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, pgi_write_str(HIDEPID_PARAM, bad[i])) {
			TH_LOG("hidepid: bad value %zu accepted", i);
		}
	ASSERT_EQ(0, pgi_write_str(GID_PARAM, "4242"));
	ASSERT_EQ(0, pgi_read_str(GID_PARAM, s, sizeof(s)));
	EXPECT_EQ(4242, atoi(s));
	/* Unprivileged writes fail (0644, owned by root). */
	ASSERT_EQ(0, run_as(NOBODY, 0, set_hidepid_as_user, NULL, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("%s", res.msg);
}

/*
 * For every hidepid value, the set ALL lists and the records' NOACCESS are
 * those of a procfs mounted with the same options, for nobody outside and
 * inside the exempt group, with processes of root, nobody and another user;
 * asking for details and for the ids alone.
 */
TEST_F(access, hidepid_matches_procfs)
{
	static const int values[] = { 0, 1, 2, 4 };
	struct pgi_child other, mine;
	size_t v;

	ASSERT_EQ(0, spawn_owned(&other, NULL, OTHER_UID));
	ASSERT_EQ(0, spawn_owned(&mine, NULL, NOBODY));
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/pgi-proc");
	ASSERT_EQ(0, mkdir(self->mnt, 0755) && errno != EEXIST ? -1 : 0);

	for (v = 0; v < ARRAY_SIZE(values); v++) {
		static const unsigned long masks[] = { DETAIL_FACTS, PROCESS_INFO_IDS };
		struct compare_arg a = { .mnt = self->mnt, .hidepid = values[v] };
		struct child_result res;
		char opts[64], val[16];
		int in_group;
		size_t m;

		snprintf(opts, sizeof(opts), "hidepid=%d,gid=%d", values[v], EXEMPT_GID);
		ASSERT_EQ(0, mount("proc", self->mnt, "proc", 0, opts)) {
			TH_LOG("mount proc %s: %s", opts, strerror(errno));
		}
		snprintf(val, sizeof(val), "%d", values[v]);
		ASSERT_EQ(0, pgi_write_str(HIDEPID_PARAM, val));
		ASSERT_EQ(0, pgi_write_long(GID_PARAM, EXEMPT_GID));
		for (in_group = 0; in_group <= 1; in_group++) {
			for (m = 0; m < ARRAY_SIZE(masks); m++) {
				a.mask = masks[m];
				ASSERT_EQ(0, run_as(NOBODY, in_group ? EXEMPT_GID : 0,
						    compare_with_procfs, &a, &res));
				EXPECT_EQ(0, res.rc) {
					TH_LOG("%s group %d mask %#lx: %s", opts,
					       EXEMPT_GID, a.mask, res.msg);
					TH_LOG("(caller %s the group)",
					       in_group ? "in" : "not in");
				}
			}
		}
		ASSERT_EQ(0, umount(self->mnt));
	}
	pgi_child_kill(&other);
	pgi_child_kill(&mine);
}

struct strict_arg {
	int denied;	/* a pid whose MEMORY_MAP nobody may not read */
	int err;	/* what naming it gives under STRICT */
};

/*
 * As nobody: OWN_RECORDS readable ids, then one whose memory map is denied
 * (or one that names nothing): STRICT fails with EACCES (ESRCH) and writes
 * nothing, not even *inout_sz.
 */
static int strict_writes_nothing(char *msg, void *p)
{
	const struct strict_arg *a = p;
	static int ids[OWN_RECORDS + 1];
	size_t size = 1 << 20, sz;
	unsigned char *buf;
	int i, pass;

	buf = malloc(size);
	if (!buf)
		return 1;
	for (pass = 0; pass < 2; pass++) {
		int want = pass ? ESRCH : a->err;
		long ret;

		for (i = 0; i < OWN_RECORDS; i++)
			ids[i] = getpid();
		ids[OWN_RECORDS] = pass ? INT_MAX : a->denied;
		memset(buf, PGI_PATTERN, size);
		sz = size;
		ret = sys_process_getinfo(OWN_RECORDS + 1, ids, PROCESS_GETINFO_STRICT,
					  PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP,
					  buf, &sz);
		if (ret != -1 || errno != want) {
			snprintf(msg, MSG_MAX, "STRICT: %ld %s, want %s", ret,
				 pgi_errname(errno), pgi_errname(want));
			free(buf);
			return 1;
		}
		if (sz != size || !pgi_untouched(buf, 0, size)) {
			snprintf(msg, MSG_MAX, "STRICT %s wrote (sz %zu)",
				 pgi_errname(want), sz);
			free(buf);
			return 1;
		}
	}
	free(buf);
	return 0;
}

/* STRICT fails before anything is written, for EACCES as for ESRCH. */
TEST_F(access, strict_fails_before_writing)
{
	struct strict_arg a = { .denied = 1, .err = EACCES };
	struct child_result res;

	ASSERT_EQ(0, run_as(NOBODY, 0, strict_writes_nothing, &a, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("%s", res.msg);
	/* And when hidepid=invisible hides the named process: ESRCH. */
	a.err = ESRCH;
	ASSERT_EQ(0, pgi_write_str(HIDEPID_PARAM, "2"));
	ASSERT_EQ(0, run_as(NOBODY, 0, strict_writes_nothing, &a, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("hidepid=2: %s", res.msg);
}

/* ---- Smack: the task_getscheduler hook, and audit of ptrace denials ---- */

static bool smack_running(void)
{
	char s[64] = "";

	if (pgi_read_str("/proc/self/attr/current", s, sizeof(s)))
		return false;
	if (access(SMACKFS "/load2", W_OK) &&
	    mount("smackfs", SMACKFS, "smackfs", 0, NULL))
		return false;
	return !access(SMACK_LOAD, W_OK);
}

struct smack_arg {
	pid_t target;	/* labelled SMACK_TARGET: the caller may not read it */
	pid_t floor;	/* labelled "_": the caller may read it */
};

/*
 * Labelled SMACK_CALLER, as nobody: PRIO of the target is NOACCESS (with
 * the other facts filled) exactly as sched_getscheduler(2) is EACCES; PRIO
 * of a process the caller may read is filled.
 */
static int prio_as_caller(char *msg, void *p)
{
	const struct smack_arg *a = p;
	const unsigned long mask = PROCESS_INFO_IDS | PROCESS_INFO_PRIO |
				   PROCESS_INFO_STATUS;
	const struct procrec *rec;
	int ids[2] = { a->target, a->floor };
	size_t used;
	void *buf;
	int err;

	errno = 0;
	err = sched_getscheduler(a->target) < 0 ? errno : 0;
	if (err != EACCES)
		return pgi_fail(msg, MSG_MAX, "sched_getscheduler(target): %s",
				pgi_errname(err));
	if (sched_getscheduler(a->floor) < 0)
		return pgi_fail(msg, MSG_MAX, "sched_getscheduler(floor): %s",
				strerror(errno));
	buf = pgi_getinfo_alloc(2, ids, 0, mask, &used);
	if (!buf)
		return pgi_fail(msg, MSG_MAX, "call: %s", strerror(errno));
	rec = pgi_first_rec(buf);
	if (!rec || rec->mask != (mask & ~PROCESS_INFO_PRIO) ||
	    rec->status != PROCREC_NOACCESS) {
		snprintf(msg, MSG_MAX, "target: mask %#llx status %#x",
			 rec ? (unsigned long long)rec->mask : 0ULL,
			 rec ? rec->status : 0);
		free(buf);
		return 1;
	}
	rec = pgi_next_rec(buf, rec);
	if (!rec || rec->mask != mask || rec->status) {
		snprintf(msg, MSG_MAX, "floor: mask %#llx status %#x",
			 rec ? (unsigned long long)rec->mask : 0ULL,
			 rec ? rec->status : 0);
		free(buf);
		return 1;
	}
	free(buf);
	{
		size_t sz = 0;

		if (sys_process_getinfo(1, ids, PROCESS_GETINFO_STRICT, mask, NULL, &sz) != -1 ||
		    errno != EACCES)
			return pgi_fail(msg, MSG_MAX, "STRICT: %s",
					pgi_errname(errno));
	}
	return 0;
}

/* Runs @fn in a child labelled SMACK_CALLER, as nobody. */
static int become_caller(as_user_fn fn, void *arg, struct child_result *res)
{
	const struct as_user u = {
		.label = SMACK_CALLER, .uid = NOBODY, .fn = fn, .arg = arg,
	};

	return run_as_user(&u, res);
}

/* The Smack rules of the tests: the caller may write "_" (its pipes), nothing of the target. */
static int smack_rules(void)
{
	return pgi_write_str(SMACK_LOAD, SMACK_CALLER " _ rwxa");
}

/* PRIO asks the security modules, as sched_getscheduler(2) does. */
TEST_F(access, prio_asks_the_security_modules)
{
	struct pgi_child target_kid, floor_kid;
	struct child_result res;
	struct smack_arg a;

	if (!smack_running())
		SKIP(return, "Smack is not the running security module");
	ASSERT_EQ(0, smack_rules());
	ASSERT_EQ(0, spawn_owned(&target_kid, SMACK_TARGET, 0));
	ASSERT_EQ(0, spawn_owned(&floor_kid, "_", 0));
	a.target = target_kid.pid;
	a.floor = floor_kid.pid;
	ASSERT_EQ(0, become_caller(prio_as_caller, &a, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("%s", res.msg);
	pgi_child_kill(&target_kid);
	pgi_child_kill(&floor_kid);
}

/*
 * How many audit records of Smack ptrace denials of SMACK_TARGET the kernel
 * log holds (kauditd prints them there when no audit daemon runs).
 */
static int audit_denials(void)
{
	char *log = malloc(LOG_MAX), *p, key[64];
	int n, count = 0;

	if (!log)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, LOG_MAX - 1);
	if (n < 0) {
		free(log);
		return -1;
	}
	log[n] = '\0';
	snprintf(key, sizeof(key), "object=\"%s\"", SMACK_TARGET);
	for (p = log; (p = strstr(p, "smack_ptrace_access_check")); p++) {
		char *eol = strchr(p, '\n');

		if (eol)
			*eol = '\0';
		if (strstr(p, key) && strstr(p, "action=denied"))
			count++;
		if (eol)
			*eol = '\n';
	}
	free(log);
	return count;
}

struct audit_arg {
	pid_t target;
	int all;	/* sweep every process, or name the target */
};

static int maps_as_caller(char *msg, void *p)
{
	const struct audit_arg *a = p;
	const struct procrec *rec;
	size_t used;
	void *buf;
	bool seen = false;

	buf = pgi_getinfo_alloc(a->all ? 0 : 1, a->all ? NULL : &a->target,
				a->all ? PROCESS_GETINFO_ALL : 0,
				PROCESS_INFO_IDS | PROCESS_INFO_MEMORY_MAP, &used);
	if (!buf)
		return pgi_fail(msg, MSG_MAX, "call: %s", strerror(errno));
	for (rec = pgi_first_rec(buf); rec; rec = pgi_next_rec(buf, rec))
		if (rec->tgid == a->target) {
			seen = true;
			if (!(rec->status & PROCREC_NOACCESS)) {
				free(buf);
				return pgi_fail(msg, MSG_MAX,
						"target's map not denied");
			}
		}
	free(buf);
	if (!seen)
		return pgi_fail(msg, MSG_MAX, "no record of the target");
	return 0;
}

/*
 * A sweep of every process writes no audit record for the ptrace checks it
 * fails; a named id's denial is audited, as procfs's is.
 */
TEST_F(access, sweeps_do_not_audit)
{
	struct child_result res;
	struct pgi_child target_kid;
	struct audit_arg a;
	int before, after;

	if (!smack_running())
		SKIP(return, "Smack is not the running security module");
	ASSERT_EQ(0, smack_rules());
	/*
	 * The target is nobody's, as the caller: the ptrace check passes the
	 * uid and dumpable rules and reaches Smack, which denies and audits.
	 */
	ASSERT_EQ(0, spawn_owned(&target_kid, SMACK_TARGET, NOBODY));
	a.target = target_kid.pid;

	before = audit_denials();
	ASSERT_GE(before, 0);
	a.all = 1;
	ASSERT_EQ(0, become_caller(maps_as_caller, &a, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("ALL: %s", res.msg);
	pgi_sleep_ms(1500);	/* kauditd prints asynchronously */
	after = audit_denials();
	EXPECT_EQ(before, after) TH_LOG("ALL wrote %d audit records", after - before);

	pgi_sleep_ms(1500);	/* past the printk rate limit's interval */
	a.all = 0;
	ASSERT_EQ(0, become_caller(maps_as_caller, &a, &res));
	EXPECT_EQ(0, res.rc) TH_LOG("named: %s", res.msg);
	pgi_sleep_ms(1500);
	after = audit_denials();
	EXPECT_GT(after, before) TH_LOG("a named id's denial was not audited");
	ksft_print_msg("audit records of the target's ptrace denials: ALL 0, named %d\n",
		       after - before);
	pgi_child_kill(&target_kid);
}

TEST_HARNESS_MAIN
