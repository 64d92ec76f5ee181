# shellcheck shell=bash source-path=SCRIPTDIR
# SPDX-License-Identifier: GPL-2.0
#
# test-lib.sh NAME: the common start of check.sh and stress.sh, which source
# it as `. test-lib.sh NAME`. It sets here (scripts/), top and out
# (build/NAME), sources env.sh and runs setup.sh; it defines the
# pass/fail/skip counters, ok and ko to count a result, and summary to
# print the final `N passed, N failed, N skipped` line and exit (non-zero on
# any failure). guest_tests MODE TIMEOUT builds (or takes from the cache)
# the debug kernel, builds the module clippy-clean and the guest programs,
# boots the guest in MODE (see guest-init.sh) and adds the guest's results
# to the counters; a splat in the kernel log is a failure.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
out=$top/build/${1:?usage: . test-lib.sh NAME}
. "$here/env.sh"
mkdir -p "$out"

pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
summary() {
	echo
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
}

guest_tests() { # mode timeout_s
	local mode=$1 limit=$2 kdir f src ko_path list log counts
	local -a rs progs
	# PGI_KDIR: a kernel tree of build-kernel.sh's layout (src/, build/) to
	# test instead of the cached one (kernel development).
	kdir=${PGI_KDIR:-$("$here/build-kernel.sh" debug)} || { ko "debug kernel build"; summary; }
	for f in include/linux/process_getinfo.h uapi/linux/process_getinfo.h; do
		src=$kdir/src/${f/#uapi/include/uapi}
		if cmp -s "$top/$f" "$src"; then ok "patch series carries $f"; else ko "patch series carries $f"; fi
	done
	mapfile -t rs < <(find "$top/src" -name "*.rs")
	if RUSTUP_TOOLCHAIN=$RUST_VERSION rustfmt --check --edition 2021 \
		--config-path "$kdir/src/.rustfmt.toml" "${rs[@]}" "$top"/tests/host/*.rs > "$out/rustfmt.log" 2>&1; then
		ok "rustfmt (kernel .rustfmt.toml)"
	else
		cat "$out/rustfmt.log"; ko "rustfmt (kernel .rustfmt.toml)"
	fi
	ko_path=$("$here/build-module.sh" "$kdir" "$out/module" CLIPPY=1 KRUSTFLAGS=-Dwarnings) ||
		{ ko "module build (clippy, -D warnings)"; summary; }
	ok "module builds clippy-clean with -D warnings"
	list=$("$here/guest-programs.sh" "$kdir" "$out/bin") || { ko "guest programs build"; summary; }
	mapfile -t progs <<< "$list"
	"$top/tools/build-static.sh" "$out/bin" > "$out/tools-static.log" 2>&1 ||
		{ cat "$out/tools-static.log"; ko "static pgi build"; summary; }
	progs+=("$out/bin/pgi" "$out/bin/pgi-selftest")
	"$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$ko_path" "${progs[@]}"
	log=$out/guest.log
	echo "booting the debug kernel in $mode mode (log: $log)"
	if "$here/qemu-run.sh" "$kdir/build/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" "$mode" "$log" \
		"$limit" > /dev/null; then
		ok "guest ran to completion"
	else
		ko "guest ran to completion (timeout or crash; see $log)"
	fi
	# The guest's counts: three numbers (passed failed skipped) on one line.
	counts=$(python3 "$here/parse-guest-log.py" "$log" "$mode") || counts=
	if [[ $counts =~ ^([0-9]+)\ ([0-9]+)\ ([0-9]+)$ ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + BASH_REMATCH[3]))
	else
		ko "guest log counted (parse-guest-log.py printed '$counts')"
	fi
}

"$here/setup.sh" || { ko "setup"; summary; }
