/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The bench-only floors module's interface (bench/floor/pgi_floor.c):
 * ioctls on /proc/pgi_floor, used by pgibench's floor_* methods.
 */
#ifndef PGI_FLOOR_H
#define PGI_FLOOR_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct pgi_floor_arg {
	__u64 buf;	/* COPYOUT: user buffer */
	__u64 len;	/* COPYOUT: bytes to copy */
	__u64 count;	/* TASKPASS: out, processes visited */
};

/* Visit every process, store pid, tgid and ppid in a kernel array. */
#define PGI_FLOOR_TASKPASS	_IOWR('P', 0xf0, struct pgi_floor_arg)
/* copy_to_user() of @len bytes from a kernel buffer into @buf. */
#define PGI_FLOOR_COPYOUT	_IOW('P', 0xf1, struct pgi_floor_arg)

#endif /* PGI_FLOOR_H */
