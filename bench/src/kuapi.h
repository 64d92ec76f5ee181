/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two Linux 7.3 uapi interfaces the benchmark compares against, copied
 * from include/uapi/linux/fs.h (PROCMAP_QUERY, 6.11) and
 * include/uapi/linux/pidfd.h (PIDFD_GET_INFO, 6.13): the host's
 * linux-libc-dev is older than both.  kuapi-check.c checks, at build time,
 * every number below against the headers of the kernel the guest runs.
 */
#ifndef PGI_BENCH_KUAPI_H
#define PGI_BENCH_KUAPI_H

#define KUAPI_PROCMAP_QUERY_SIZE		104
#define KUAPI_PROCMAP_QUERY_NAME_ADDR_OFF	88
#define KUAPI_PROCMAP_QUERY_NR			0xc0686611UL
#define KUAPI_PIDFD_INFO_SIZE			88
#define KUAPI_PIDFD_INFO_PID_OFF		16
#define KUAPI_PIDFD_INFO_RUID_OFF		28
#define KUAPI_PIDFD_GET_INFO_NR			0xc058ff0bUL

#ifndef KUAPI_CHECK_ONLY
#include <linux/types.h>
#include <stddef.h>

#define PROCMAP_QUERY_VMA_READABLE		0x01
#define PROCMAP_QUERY_VMA_WRITABLE		0x02
#define PROCMAP_QUERY_VMA_EXECUTABLE		0x04
#define PROCMAP_QUERY_VMA_SHARED		0x08
#define PROCMAP_QUERY_COVERING_OR_NEXT_VMA	0x10
#define PROCMAP_QUERY_FILE_BACKED_VMA		0x20

struct procmap_query {
	__u64 size;
	__u64 query_flags;		/* in */
	__u64 query_addr;		/* in */
	__u64 vma_start;		/* out */
	__u64 vma_end;			/* out */
	__u64 vma_flags;		/* out */
	__u64 vma_page_size;		/* out */
	__u64 vma_offset;		/* out */
	__u64 inode;			/* out */
	__u32 dev_major;		/* out */
	__u32 dev_minor;		/* out */
	__u32 vma_name_size;		/* in/out */
	__u32 build_id_size;		/* in/out */
	__u64 vma_name_addr;		/* in */
	__u64 build_id_addr;		/* in */
};

#define PROCMAP_QUERY	KUAPI_PROCMAP_QUERY_NR	/* _IOWR('f', 17, struct procmap_query) */

#define PIDFD_INFO_PID			(1ULL << 0)
#define PIDFD_INFO_CREDS		(1ULL << 1)
#define PIDFD_INFO_CGROUPID		(1ULL << 2)

struct pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 ruid;
	__u32 rgid;
	__u32 euid;
	__u32 egid;
	__u32 suid;
	__u32 sgid;
	__u32 fsuid;
	__u32 fsgid;
	__s32 exit_code;
	__u32 coredump_mask;
	__u32 coredump_signal;
	__u32 coredump_code;
	__u32 coredump_pad;
	__u64 supported_mask;
};

#define PIDFD_GET_INFO	KUAPI_PIDFD_GET_INFO_NR	/* _IOWR(0xFF, 11, struct pidfd_info) */

_Static_assert(sizeof(struct procmap_query) == KUAPI_PROCMAP_QUERY_SIZE, "procmap_query");
_Static_assert(offsetof(struct procmap_query, vma_name_addr) == KUAPI_PROCMAP_QUERY_NAME_ADDR_OFF,
	       "procmap_query.vma_name_addr");
_Static_assert(sizeof(struct pidfd_info) == KUAPI_PIDFD_INFO_SIZE, "pidfd_info");
_Static_assert(offsetof(struct pidfd_info, pid) == KUAPI_PIDFD_INFO_PID_OFF, "pidfd_info.pid");
_Static_assert(offsetof(struct pidfd_info, ruid) == KUAPI_PIDFD_INFO_RUID_OFF, "pidfd_info.ruid");
#endif /* KUAPI_CHECK_ONLY */

#endif /* PGI_BENCH_KUAPI_H */
