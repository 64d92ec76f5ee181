# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared settings for the build scripts (sourced, not executed).
# Every pinned version lives here; cache keys are derived from these inputs.
# The scripts that source this file read the variables it does not export:
# shellcheck disable=SC2034

: "${PGI_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/process-getinfo}"
export PGI_CACHE

KSRC_DEB_VERSION=7.3.4-1~bpo13+1
RUST_SRC_DEB_VERSION=1.95.0+dfsg1-2~bpo13+1
RUST_VERSION=1.95.0
BINDGEN_VERSION=0.73.2
LLVM_SUFFIX=-19

export RUSTUP_TOOLCHAIN=$RUST_VERSION
export LIBCLANG_PATH=/usr/lib/llvm${LLVM_SUFFIX}/lib
export RUST_LIB_SRC=$PGI_CACHE/rust-src/usr/lib/rustlib/src/rust/library
KSRC_TARBALL=$PGI_CACHE/linux-source-deb/usr/src/linux-source-7.3.tar.xz
BINDGEN=$PGI_CACHE/cargo/bin/bindgen
export PATH=$PGI_CACHE/cargo/bin:$PATH
