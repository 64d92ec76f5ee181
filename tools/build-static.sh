#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# build-static.sh OUT_DIR: build `pgi` and `pgi-selftest` as fully static
# x86_64 binaries (glibc, +crt-static; musl is not needed) and copy them to
# OUT_DIR/pgi and OUT_DIR/pgi-selftest, for the busybox guest.
#
# The explicit --target keeps RUSTFLAGS away from build scripts and proc
# macros, which must stay dynamic host programs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-static.sh OUT_DIR}
target=x86_64-unknown-linux-gnu
mkdir -p "$out"
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
	cargo build --release --manifest-path "$here/Cargo.toml" \
	-p pgi --target "$target" --bins >&2
dir=${CARGO_TARGET_DIR:-$here/target}/$target/release
for b in pgi pgi-selftest; do
	install -m 0755 "$dir/$b" "$out/$b"
	if ! file -L "$out/$b" | grep -Eq 'statically linked|static-pie linked'; then
		echo "build-static.sh: $out/$b is not static: $(file -L "$out/$b")" >&2
		exit 1
	fi
done
echo "$out/pgi" "$out/pgi-selftest"
