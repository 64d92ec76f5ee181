// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time check (compiled with -fsyntax-only against the guest kernel's
 * include/uapi): the copies in kuapi.h match Linux 7.3.
 */
#include <stddef.h>
#include <linux/fs.h>
#include <linux/pidfd.h>

#define KUAPI_CHECK_ONLY
#include "kuapi.h"

_Static_assert(sizeof(struct procmap_query) == KUAPI_PROCMAP_QUERY_SIZE, "procmap_query size");
_Static_assert(offsetof(struct procmap_query, vma_name_addr) == KUAPI_PROCMAP_QUERY_NAME_ADDR_OFF,
	       "procmap_query.vma_name_addr");
_Static_assert(PROCMAP_QUERY == KUAPI_PROCMAP_QUERY_NR, "PROCMAP_QUERY");
_Static_assert(PROCMAP_QUERY_COVERING_OR_NEXT_VMA == 0x10, "COVERING_OR_NEXT");
_Static_assert(sizeof(struct pidfd_info) == KUAPI_PIDFD_INFO_SIZE, "pidfd_info size");
_Static_assert(offsetof(struct pidfd_info, pid) == KUAPI_PIDFD_INFO_PID_OFF, "pidfd_info.pid");
_Static_assert(offsetof(struct pidfd_info, ruid) == KUAPI_PIDFD_INFO_RUID_OFF, "pidfd_info.ruid");
_Static_assert(PIDFD_GET_INFO == KUAPI_PIDFD_GET_INFO_NR, "PIDFD_GET_INFO");
_Static_assert(PIDFD_INFO_CREDS == 2, "PIDFD_INFO_CREDS");
