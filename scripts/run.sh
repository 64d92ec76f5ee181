#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: build what is missing, boot the release kernel in QEMU, load the
# module and show process_getinfo at work (examples/ps: every process from
# one call), next to busybox ps reading /proc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$top/build/run
mkdir -p "$out"
"$here/setup.sh"
kdir=$("$here/build-kernel.sh" release)
ko=$("$here/build-module.sh" "$kdir" "$out/module")
list=$("$here/guest-programs.sh" "$kdir" "$out/bin")
mapfile -t progs <<< "$list"
"$top/tools/build-static.sh" "$out/bin" >&2
progs+=("$out/bin/pgi")
"$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$ko" "${progs[@]}"
echo "booting the release kernel under QEMU (TCG)..."
rc=0
"$here/qemu-run.sh" "$kdir/build/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" run \
	"$out/guest.log" 300 > /dev/null || rc=$?
sed -n '/PGI-END insmod/,/PGI-DMESG-BEGIN/p' "$out/guest.log" | sed '1d;$d'
[ $rc = 0 ] || { echo "run.sh: the guest did not finish (log: $out/guest.log)" >&2; exit 1; }
