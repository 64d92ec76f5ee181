#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# build-module.sh KERNEL_DIR OUT_DIR [extra make args]: build the Rust module
# against a kernel from build-kernel.sh, with the same compiler and for the
# same architecture, into OUT_DIR
# (the source tree stays clean: Kbuild's MO=).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/env.sh"
kdir=$1 out=$2
shift 2
llvm='' arch=''
grep -q '^CONFIG_CC_IS_CLANG=y' "$kdir/build/.config" && llvm="LLVM=$LLVM_SUFFIX"
grep -q '^CONFIG_ARM64=y' "$kdir/build/.config" && arch=ARCH=arm64
mkdir -p "$out"
make -s -C "$kdir/src" O="$kdir/build" M="$top" MO="$out" ${arch:+"$arch"} ${llvm:+"$llvm"} "$@" >&2
echo "$out/process_getinfo.ko"
