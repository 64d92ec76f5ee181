// SPDX-License-Identifier: GPL-2.0
/*
 * pgibpf [DIR]: load the benchmark's BPF iterators (pgi_iter.bpf.c), attach
 * each to every task and pin its link as DIR/<program> (default
 * /sys/fs/bpf), then exit: the pinned links keep the programs, and a read
 * of DIR/pgi_all runs one snapshot.  Needs root (CAP_BPF, CAP_PERFMON).
 * Built static against Debian's libbpf by bench/Makefile.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "pgi_iter.skel.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/sys/fs/bpf";
	struct bpf_program *prog;
	struct pgi_iter *skel;
	char path[256];
	int n = 0;

	skel = pgi_iter__open_and_load();
	if (!skel) {
		fprintf(stderr, "pgibpf: loading the iterators: %s\n", strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_link *link = bpf_program__attach_iter(prog, NULL);

		if (!link) {
			fprintf(stderr, "pgibpf: attaching %s: %s\n", bpf_program__name(prog),
				strerror(errno));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
		if (bpf_link__pin(link, path)) {
			fprintf(stderr, "pgibpf: pinning %s: %s\n", path, strerror(errno));
			return 1;
		}
		n++;
	}
	printf("pgibpf: %d iterators pinned in %s\n", n, dir);
	return 0;
}
