#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# check-host.sh: every host check of the userspace side, from a clean build
# directory: cargo test of the workspace (the crate process-getinfo, the pgi
# package with pgi ps/top/mem against a procps-style reader of /proc and top
# in tmux, and the layout test that lives with the header in ../uapi/tests;
# each test counted), the bounded fuzz of the parser (PGI_FUZZ_SECS, default
# 20), clippy with -D warnings (with and without features), rustfmt --check,
# rustdoc without warnings, the crate's tests from its unpacked .crate alone,
# cargo publish --dry-run, a build with the declared rust-version, the man
# page through groff -ww and man -l, and the man page's example program built
# with gcc -Wall -Werror.
#
# Prints one PASS/FAIL line per step and ends with `N passed, N failed`,
# where cargo's tests count one each and every other step counts one.
# Exits non-zero on any failure. PGI_CHECK_KEEP=1 keeps the previous build.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export CARGO_TARGET_DIR=$here/target/check-host
logs=$CARGO_TARGET_DIR/logs
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
# step NAME CMD...: one step, its output in $logs/NAME.log, shown on failure.
step() {
	local name=$1 log=$logs/${1//[^A-Za-z0-9]/_}.log
	shift
	if "$@" > "$log" 2>&1; then
		ok "$name"
	else
		ko "$name (log: $log)"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}

# What a fresh Debian machine lacks, through apt-get only.
need=()
command -v gcc > /dev/null || need+=(gcc libc6-dev)
command -v groff > /dev/null || need+=(groff-base)
command -v man > /dev/null || need+=(man-db)
# pgi top's real-terminal test (pgi/tests/views.rs) drives it in tmux.
command -v tmux > /dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

[ "${PGI_CHECK_KEEP:-0}" = 1 ] || rm -rf "$CARGO_TARGET_DIR"
mkdir -p "$logs"
cd "$here" || exit 1

# 1. cargo test: every test counts.
cargo test --manifest-path "$here/Cargo.toml" --workspace --all-features > "$logs/cargo-test.log" 2>&1
rc=$?
read -r tp tf < <(awk '/^test result:/ {
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) ~ /^passed/) p += $i
			if ($(i + 1) ~ /^failed/) f += $i
		}
	} END { print p + 0, f + 0 }' "$logs/cargo-test.log")
pass=$((pass + tp)) fail=$((fail + tf))
if [ "$rc" = 0 ]; then
	echo "PASS: cargo test ($tp tests)"
else
	[ "$tf" = 0 ] && fail=$((fail + 1)) # it did not even build or run
	echo "FAIL: cargo test ($tp passed, $tf failed; log: $logs/cargo-test.log)"
	grep -E '^(test .* FAILED|error|---- )' "$logs/cargo-test.log" | head -n 40 | sed 's/^/    /'
fi

# 2. The bounded fuzz (an ignored test unless asked for).
fuzz() {
	PGI_FUZZ_SECS=${PGI_FUZZ_SECS:-20} cargo test --manifest-path "$here/Cargo.toml" \
		-p process-getinfo --test fuzz -- --ignored --exact fuzz_bounded --nocapture
}
step "fuzz (${PGI_FUZZ_SECS:-20} s)" fuzz
grep -h '^fuzz:' "$logs"/fuzz_*.log 2> /dev/null | sed 's/^/    /'

# 3. Lints and formatting.
step "clippy -D warnings" cargo clippy --manifest-path "$here/Cargo.toml" --workspace \
	--all-targets --all-features -- -D warnings
step "clippy -D warnings (library without features)" cargo clippy \
	--manifest-path "$here/Cargo.toml" -p process-getinfo --all-targets -- -D warnings
step "rustfmt --check" cargo fmt --manifest-path "$here/Cargo.toml" --all --check
doc() {
	RUSTDOCFLAGS="-D warnings" cargo doc --manifest-path "$here/Cargo.toml" --workspace \
		--all-features --no-deps
}
step "rustdoc -D warnings" doc

# 4. The crate as crates.io would have it.
crate=$CARGO_TARGET_DIR/package/process-getinfo-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n1).crate
unpacked_tests() {
	cargo package --manifest-path "$here/Cargo.toml" -p process-getinfo --allow-dirty \
		--no-verify || return 1
	# Nothing of the repository around it: a directory outside it, with the package's files.
	local dir files rc
	dir=$(mktemp -d) || return 1
	# The .crate keeps its files' old times: new ones make cargo build them again, where the
	# target directory shared between runs would else reuse test binaries that name the
	# unpacked directory of an earlier run (env!("CARGO_MANIFEST_DIR")).
	tar -xzf "$crate" -C "$dir" && find "$dir" -type f -exec touch {} + &&
		(cd "$dir"/process-getinfo-* && CARGO_TARGET_DIR=$CARGO_TARGET_DIR/unpacked-target \
			cargo test --all-features) &&
		files=$(tar -tzf "$crate") &&
		grep -q '/LICENSE-MIT$' <<< "$files" && grep -q '/LICENSE-APACHE$' <<< "$files"
	rc=$?
	rm -rf "$dir"
	return $rc
}
step "the crate's tests pass from its unpacked .crate alone" unpacked_tests
grep -h '^test result:' "$logs"/the_crate_s_tests*.log 2> /dev/null | sed 's/^/    /'
step "cargo publish --dry-run" cargo publish --manifest-path "$here/Cargo.toml" \
	-p process-getinfo --dry-run --allow-dirty
# The declared rust-version is the one the crate is built with here: build the library with
# exactly that toolchain (the installed rustc, or a rustup toolchain of that version).
msrv() {
	local want have
	want=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n1)
	have=$(rustc --version | sed -n 's/^rustc \([0-9]*\.[0-9]*\).*/\1/p')
	echo "rust-version $want, rustc $have"
	if [ "$want" = "$have" ]; then
		cargo build --manifest-path "$here/Cargo.toml" -p process-getinfo --all-features --locked
	elif rustup run "$want" rustc --version > /dev/null 2>&1; then
		cargo "+$want" build --manifest-path "$here/Cargo.toml" -p process-getinfo \
			--all-features --locked
	else
		echo "no rustc $want to check the declared rust-version with"
		return 1
	fi
}
step "builds with the declared rust-version" msrv

# 5. The man page.
man=$top/man/process_getinfo.2
groff_quiet() {
	local out
	out=$(groff -man -ww -z -Tutf8 "$man" 2>&1) || return 1
	[ -z "$out" ] || { echo "$out"; return 1; }
}
step "groff -man -ww: no warnings" groff_quiet
man_renders() { MANWIDTH=80 man -l "$man" | grep -q '^EXAMPLES\|^ *EXAMPLES'; }
step "man -l renders" man_renders
step "man page example builds (gcc -Wall -Werror)" "$here/man-example.sh" "$CARGO_TARGET_DIR/man-example"

echo
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
