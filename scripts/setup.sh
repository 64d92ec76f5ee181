#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# Idempotent host setup for process_getinfo: Debian packages, the Linux 7.3
# source and the rust-src matching the pinned rustc (both extracted into the
# cache, not installed), and bindgen-cli. Checks every version and stops with
# a message naming what is missing.
#
# Everything heavy lands in $PGI_CACHE (default ~/.cache/process-getinfo),
# outside the clone, so later runs and CI on the same machine reuse it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

die() { echo "setup: error: $*" >&2; exit 1; }
log() { echo "setup: $*" >&2; }

PKGS=(flex bison bc make gcc gcc-multilib libelf-dev libssl-dev cpio kmod busybox-static
      qemu-system-x86 xz-utils clang-19 lld-19 llvm-19 libclang-19-dev
      libclang1-19 groff-base man-db file python3 ca-certificates shellcheck
      qemu-system-arm libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
      libc6-dev-armhf-cross libgcc-12-dev-armhf-cross)
# (The arm64 guest's programs are built by clang-19 and lld against the cross
# libc and libgcc above: Debian's gcc-aarch64-linux-gnu and
# gcc-arm-linux-gnueabihf conflict with gcc-multilib.)

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# `setup.sh bench`: what `make bench` needs on top (bench/run.sh calls it):
# pahole for the BPF kernel's BTF, bpftool, libbpf and the static libraries
# pgibpf links (libelf-dev and zlib1g-dev are in PKGS).
if [ "${1:-}" = bench ]; then
	missing=()
	for p in dwarves bpftool libbpf-dev libzstd-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing for the benchmark: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
			-t bookworm "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
	fi
	exit 0
fi

stamp="$PGI_CACHE/stamps"
mkdir -p "$stamp" "$PGI_CACHE/dl"

# 1. Debian packages (bookworm).
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# 2. A low-priority trixie/trixie-backports source, used only for
#    `apt-get download` of linux-source-7.3 and rust-src.
trixie_src=/etc/apt/sources.list.d/pgi-trixie.sources
trixie_pin=/etc/apt/preferences.d/pgi-trixie
need_update=0
if [ ! -f "$trixie_src" ]; then
	log "adding trixie-backports source (pin 100, download only)"
	$SUDO tee "$trixie_src" >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	$SUDO tee "$trixie_pin" >/dev/null <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100

Package: *
Pin: release n=trixie-backports
Pin-Priority: 100
PIN
	need_update=1
fi
have_src() { [ -f "$KSRC_TARBALL" ] && [ -d "$RUST_LIB_SRC" ]; }
if [ ${#missing[@]} -gt 0 ] || ! have_src; then
	if [ $need_update = 1 ] || [ ! -f "$stamp/apt-update" ]; then
		log "apt-get update"
		$SUDO apt-get update -qq || die "apt-get update failed"
		touch "$stamp/apt-update"
	fi
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		-t bookworm "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi

fetch_deb() { # name version destdir
	local name=$1 ver=$2 dest=$3
	[ -f "$dest/.done" ] && return 0
	log "downloading $name=$ver"
	rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
	(cd "$PGI_CACHE/dl" && apt-get download -qq "$name=$ver") ||
		die "cannot download $name=$ver from trixie-backports"
	dpkg -x "$PGI_CACHE/dl/${name}_${ver//:/%3a}_all.deb" "$dest.tmp" ||
		die "cannot extract $name"
	touch "$dest.tmp/.done"
	rm -rf "$dest" && mv "$dest.tmp" "$dest"
	rm -f "$PGI_CACHE/dl/${name}_"*.deb
}

# 3. Kernel source and rust-src, extracted into the cache.
fetch_deb linux-source-7.3 "$KSRC_DEB_VERSION" "$PGI_CACHE/linux-source-deb"
fetch_deb rust-src "$RUST_SRC_DEB_VERSION" "$PGI_CACHE/rust-src"

# 3a. The arm64 guest's busybox: Debian's busybox-static for arm64, of the
#     host's upstream release (mkinitramfs.sh links the host's applet list),
#     downloaded and extracted into the cache, not installed.
bb=$PGI_CACHE/busybox-arm64
if [ ! -x "$bb/bin/busybox" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding arm64 to apt's architectures (for apt-get download only)"
		$SUDO dpkg --add-architecture arm64
	fi
	$SUDO apt-get update -qq || die "apt-get update failed"
	host_bb=$(dpkg-query -W -f='${Version}' busybox-static)
	arm_bb=$(apt-cache policy busybox-static:arm64 | sed -n 's/^ *Candidate: //p')
	[ "${host_bb%%-*}" = "${arm_bb%%-*}" ] ||
		die "busybox-static:arm64 is '$arm_bb', the host's $host_bb: not the same release"
	log "downloading busybox-static:arm64=$arm_bb"
	rm -rf "$bb.tmp" "$PGI_CACHE/dl/busybox-static_"*_arm64.deb
	(cd "$PGI_CACHE/dl" && apt-get download -qq "busybox-static:arm64=$arm_bb") ||
		die "cannot download busybox-static:arm64"
	dpkg -x "$PGI_CACHE/dl/busybox-static_"*_arm64.deb "$bb.tmp" || die "cannot extract busybox-static:arm64"
	rm -rf "$bb" && mv "$bb.tmp" "$bb"
	rm -f "$PGI_CACHE/dl/busybox-static_"*_arm64.deb
fi

# 4. bindgen-cli, into the cache.
if ! "$BINDGEN" --version >/dev/null 2>&1; then
	log "cargo install bindgen-cli $BINDGEN_VERSION"
	cargo install -q --locked --root "$PGI_CACHE/cargo" \
		bindgen-cli --version "$BINDGEN_VERSION" ||
		die "cargo install bindgen-cli failed"
fi

# 5. Check every version.
rustc_v=$(rustc --version 2>/dev/null | awk '{print $2}') ||
	die "rustc $RUST_VERSION missing (rustup toolchain $RUSTUP_TOOLCHAIN)"
[ "$rustc_v" = "$RUST_VERSION" ] ||
	die "rustc is '$rustc_v', need $RUST_VERSION (RUSTUP_TOOLCHAIN=$RUSTUP_TOOLCHAIN)"
src_v=$(sed -n 's/^version = "\(.*\)"/\1/p' "$RUST_LIB_SRC/core/Cargo.toml" 2>/dev/null | head -n1)
# Debian's library Cargo.toml files carry workspace versions; fall back to
# the package version, which names the upstream release.
[ -n "$src_v" ] && [ "$src_v" != "0.0.0" ] || src_v=${RUST_SRC_DEB_VERSION%%+*}
[ "$src_v" = "$rustc_v" ] || die "rust-src is $src_v but rustc is $rustc_v"
clang_v=$("$LIBCLANG_PATH/../bin/clang" --version 2>/dev/null |
	sed -n 's/.*clang version \([0-9]*\)\..*/\1/p' | head -n1)
if ! { [ -n "$clang_v" ] && [ "$clang_v" -ge 17 ]; }; then
	die "libclang >= 17 needed at $LIBCLANG_PATH (found '${clang_v:-none}')"
fi
bg_v=$("$BINDGEN" --version 2>/dev/null | awk '{print $2}')
printf '%s\n0.71.1\n' "$bg_v" | sort -V -C -r 2>/dev/null ||
	die "bindgen >= 0.71.1 needed (found '${bg_v:-none}')"
[ -f "$KSRC_TARBALL" ] || die "kernel source tarball missing: $KSRC_TARBALL"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing"
clippy-driver --version >/dev/null 2>&1 || die "clippy-driver missing for rustc $RUST_VERSION"
rustfmt --version >/dev/null 2>&1 || die "rustfmt missing for rustc $RUST_VERSION"
[ -x /bin/busybox ] || die "busybox-static missing"
[ -x "$bb/bin/busybox" ] || die "the arm64 busybox missing ($bb)"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing"
command -v shellcheck >/dev/null || die "shellcheck missing"

log "ok: rustc $rustc_v, rust-src $src_v, clang $clang_v, bindgen $bg_v, linux-source $KSRC_DEB_VERSION"
