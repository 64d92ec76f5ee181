// SPDX-License-Identifier: GPL-2.0
/*
 * pgi_floor: the benchmark's floors (issue 13), never loaded with the product.
 *
 * process_getinfo(2) visits every task and copies its records out.  This
 * module times the least either part can cost on the same kernel, in the
 * same boot, so bench/results/summary.md can say how far the call is from
 * them:
 *
 *  - PGI_FLOOR_TASKPASS: visit every process (for_each_process) and store
 *    its pid, tgid and parent's tgid, plain fields, in a kernel array.
 *    The walk is under rcu_read_lock(): tasklist_lock is not exported to
 *    modules (the series exports its read side to process_getinfo only).
 *    Taking it for reading is one atomic per pass when nobody writes, so
 *    the per-task figure is the same.
 *  - PGI_FLOOR_COPYOUT: copy_to_user() of the byte count the call returned,
 *    from a kernel buffer that is kept (and so warm) across calls.
 *
 * Both return through /proc/pgi_floor's ioctl so that pgibench times them
 * with the same clock and the same syscall entry as the call itself.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/mutex.h>

#include "pgi_floor.h"

struct floor_ids {
	pid_t pid, tgid, ppid;
};

static DEFINE_MUTEX(floor_lock);
static struct floor_ids *ids;
static size_t ids_cap;
static void *kbuf;
static size_t kbuf_len;

static long floor_taskpass(struct pgi_floor_arg *a)
{
	struct task_struct *p;
	size_t n;

	for (;;) {
		n = 0;
		rcu_read_lock();
		for_each_process(p) {
			if (n < ids_cap) {
				ids[n].pid = p->pid;
				ids[n].tgid = p->tgid;
				ids[n].ppid = rcu_dereference(p->real_parent)->tgid;
			}
			n++;
		}
		rcu_read_unlock();
		if (n <= ids_cap)
			break;
		/* Grown outside the walk, as the call grows its buffers. */
		kvfree(ids);
		ids_cap = n + n / 4 + 64;
		ids = kvmalloc_array(ids_cap, sizeof(*ids), GFP_KERNEL);
		if (!ids) {
			ids_cap = 0;
			return -ENOMEM;
		}
	}
	a->count = n;
	return 0;
}

static long floor_copyout(struct pgi_floor_arg *a)
{
	if (a->len > SZ_1G)
		return -E2BIG;
	if (a->len > kbuf_len) {
		kvfree(kbuf);
		kbuf = kvzalloc(a->len, GFP_KERNEL);
		kbuf_len = kbuf ? a->len : 0;
		if (!kbuf)
			return -ENOMEM;
	}
	if (copy_to_user(u64_to_user_ptr(a->buf), kbuf, a->len))
		return -EFAULT;
	return 0;
}

static long floor_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pgi_floor_arg a;
	long ret;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	mutex_lock(&floor_lock);
	switch (cmd) {
	case PGI_FLOOR_TASKPASS:
		ret = floor_taskpass(&a);
		break;
	case PGI_FLOOR_COPYOUT:
		ret = floor_copyout(&a);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&floor_lock);
	if (!ret && copy_to_user((void __user *)arg, &a, sizeof(a)))
		ret = -EFAULT;
	return ret;
}

static const struct proc_ops floor_ops = {
	.proc_ioctl = floor_ioctl,
	.proc_lseek = noop_llseek,
};

static int __init floor_init(void)
{
	return proc_create("pgi_floor", 0444, NULL, &floor_ops) ? 0 : -ENOMEM;
}

static void __exit floor_exit(void)
{
	remove_proc_entry("pgi_floor", NULL);
	kvfree(ids);
	kvfree(kbuf);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("process_getinfo benchmark floors (bench only)");
MODULE_LICENSE("GPL");
