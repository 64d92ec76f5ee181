// SPDX-License-Identifier: GPL-2.0
/*
 * process_getinfo(2) without its module: run on the patched kernel before
 * the module is loaded and after it is unloaded.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "kselftest_harness.h"
#include "pgi_harness.h"

/* With no implementation registered the system call fails with ENOSYS. */
TEST(enosys)
{
	struct process_info hdr;
	size_t sz = sizeof(hdr);
	long ret;
	int err;

	ret = sys_process_getinfo(0, NULL, 0, 0, &hdr, &sz);
	err = errno;
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(ENOSYS, err);
}

TEST_HARNESS_MAIN
