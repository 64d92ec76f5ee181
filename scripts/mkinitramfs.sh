#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz MODULE.ko BIN...: a busybox initramfs with the
# module at /lib/process_getinfo.ko, each BIN in /bin and guest-init.sh as /init.
# PGI_INIT names another /init (the benchmark's); PGI_ETC_FILES lists files to
# copy into /etc (the benchmark's bench.conf), PGI_LIB_FILES into /lib (its
# floors module); PGI_BUSYBOX names the guest
# architecture's busybox (default: the host's, /bin/busybox).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1 ko=$2
shift 2
root=$(mktemp -d)
chmod 0755 "$root" # the guest's /: unprivileged tests must reach /proc
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,lib,proc,sys,dev,tmp,etc}
cp "${PGI_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
# The applets of the host's busybox (the guest's may not run here; both are
# Debian's busybox-static of the same release).
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
rm -f "$root/bin/ps" # /bin/ps is ours when given; busybox ps stays as `busybox ps`
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
cp "$ko" "$root/lib/process_getinfo.ko"
for f in ${PGI_ETC_FILES:-}; do
	cp "$f" "$root/etc/"
done
for f in ${PGI_LIB_FILES:-}; do
	cp "$f" "$root/lib/"
done
for b in "$@"; do
	cp "$b" "$root/bin/"
done
[ -e "$root/bin/ps" ] || ln -s busybox "$root/bin/ps"
install -m 0755 "${PGI_INIT:-$here/guest-init.sh}" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
