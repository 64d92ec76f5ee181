#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz MODULE.ko CONF BIN...: the benchmark guest's
# busybox initramfs: the module at /lib/process_getinfo.ko, CONF at
# /etc/bench.conf, each BIN in /bin and bench/guest-init.sh as /init.
# (scripts/mkinitramfs.sh, with the benchmark's own init.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 ko=$2 conf=$3
shift 3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,lib,proc,sys,dev,tmp,etc}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
cp "$ko" "$root/lib/process_getinfo.ko"
cp "$conf" "$root/etc/bench.conf"
for b in "$@"; do
	cp "$b" "$root/bin/"
done
install -m 0755 "$here/guest-init.sh" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
