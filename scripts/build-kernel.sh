#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# build-kernel.sh VARIANT: build the patched Linux 7.3 kernel unless the cache
# already holds it, and print the directory that holds src/ (patched source)
# and build/ (O= tree, bzImage or Image). VARIANT is "debug" or "release"
# (x86_64), or "arm64": the debug kernel for arm64 (base.config, debug.config
# and arm64.config, built with LLVM for ARCH=arm64).
#
# The cache key covers every input: the kernel source package version, the
# pinned rustc, the compiler choice, both config fragments and the patch
# series (its diffs only: rewording a commit message, or regenerating the series
# with new dates or commit ids, does not invalidate it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/env.sh"

variant=${1:?usage: build-kernel.sh debug|release|bpf|arm64}
arch='' frags=("$top/config/base.config" "$top/config/$variant.config")
case $variant in
debug) llvm="LLVM=$LLVM_SUFFIX" ;;
release) llvm= ;;
bpf)
	llvm=
	frags=("$top/config/base.config" "$top/config/release.config" "$top/config/bpf.config") ;;
arm64)
	llvm="LLVM=$LLVM_SUFFIX" arch=arm64
	frags=("$top/config/base.config" "$top/config/debug.config" "$top/config/arm64.config") ;;
*) echo "build-kernel.sh: unknown variant '$variant'" >&2; exit 2 ;;
esac

# Bump when this script changes what it produces.
schema=2
key=$( {
	echo "schema=$schema ksrc=$KSRC_DEB_VERSION rust=$RUST_VERSION $llvm${arch:+ ARCH=$arch}"
	cat "${frags[@]}"
	for p in "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		# The diff alone: commit messages, ids and dates are not build inputs,
		# nor are the selftests the series carries (the guest's are built
		# from selftests/).
		awk '/^diff --git /{p = $3 !~ /^a\/tools\/testing\/selftests\//} /^-- $/{p=0}
			p && !/^index [0-9a-f]/' "$p"
	done
} | sha256sum | cut -c1-16)
out=$PGI_CACHE/kernels/$variant-$key

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

log() { echo "build-kernel[$variant]: $*" >&2; }
mkdir -p "$PGI_CACHE/kernels"
exec 9>"$PGI_CACHE/kernels/$variant.lock"
log "waiting for the build lock" && flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
"$here/setup.sh" >&2

rm -rf "$out"
mkdir -p "$out"
log "extracting source into $out/src"
mkdir -p "$out/src"
tar -xJf "$KSRC_TARBALL" -C "$out/src" --strip-components=1
for p in "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "${p##*/}" = 0000-cover-letter.patch ] && continue
	log "applying $(basename "$p")"
	patch -d "$out/src" -p1 --batch --forward --quiet < "$p"
done

mk() { make -C "$out/src" O="$out/build" ${arch:+ARCH=$arch} ${llvm:+"$llvm"} "$@"; }
log "configuring (tinyconfig + ${frags[*]##*/})"
mk -s tinyconfig >&2
ARCH=$arch "$out/src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" \
	"${frags[@]}" >/dev/null
mk -s olddefconfig >&2

# Kconfig silently drops options whose dependencies are missing: check that
# every requested symbol holds its value from the last fragment naming it
# (merge_config.sh's rule: a later fragment overrides an earlier one).
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$out/build/.config" || { log "NOT SET: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$out/build/.config" && { log "NOT UNSET: $opt"; bad=1; } ;;
	esac
done < <(cat "${frags[@]}" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1 &/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 &/p' |
	awk '{sym = $1; sub(/^[^ ]* /, ""); last[sym] = $0; if (!(sym in seen)) { seen[sym] = 1; order[n++] = sym } }
		END { for (i = 0; i < n; i++) print last[order[i]] }')
[ $bad = 0 ] || { log "config check failed (see $out/build/.config)"; exit 1; }

log "building (make -j$(( $(nproc) + 1 )) $llvm)"
start=$(date +%s)
mk -s -j"$(( $(nproc) + 1 ))" >&2
log "built in $(( $(date +%s) - start )) s"
touch "$out/.done"
# Keep the two newest builds of this variant; older inputs are stale.
find "$PGI_CACHE/kernels" -mindepth 1 -maxdepth 1 -type d -name "$variant-*" \
	-printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
	while IFS= read -r old; do rm -rf "$old"; done
echo "$out"
