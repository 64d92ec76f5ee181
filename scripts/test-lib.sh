# shellcheck shell=bash source-path=SCRIPTDIR
# SPDX-License-Identifier: GPL-2.0
#
# test-lib.sh NAME: the common start of check.sh and stress.sh, which source
# it as `. test-lib.sh NAME`. It sets here (scripts/), top and out
# (build/NAME), sources env.sh and runs setup.sh; it defines the
# pass/fail/skip counters, ok and ko to count a result, and summary to
# print the final `N passed, N failed, N skipped` line and exit (non-zero on
# any failure). guest_tests MODE TIMEOUT [VARIANT] builds (or takes from the
# cache) the debug kernel (VARIANT arm64: the arm64 one), builds the module
# clippy-clean and the guest programs, boots the guest in MODE (see
# guest-init.sh) and adds the guest's results to the counters; a splat in
# the kernel log is a failure.

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

guest_tests() { # mode timeout_s [variant]
	local mode=$1 limit=$2 variant=${3:-debug} kdir ko_path list log counts
	local gout=$out tag='' image=arch/x86/boot/bzImage busybox=''
	local -a progs
	if [ "$variant" = arm64 ]; then
		gout=$out/arm64 tag=" (arm64)" image=arch/arm64/boot/Image
		busybox=$PGI_CACHE/busybox-arm64/bin/busybox
		kdir=$("$here/build-kernel.sh" arm64) || { ko "arm64 kernel build"; return; }
	else
		# PGI_KDIR: a kernel tree of build-kernel.sh's layout (src/, build/)
		# to test instead of the cached one (kernel development).
		kdir=${PGI_KDIR:-$("$here/build-kernel.sh" debug)} || { ko "debug kernel build"; summary; }
		guest_host_checks "$kdir"
	fi
	mkdir -p "$gout"
	ko_path=$("$here/build-module.sh" "$kdir" "$gout/module" CLIPPY=1 KRUSTFLAGS=-Dwarnings) ||
		{ ko "module build$tag (clippy, -D warnings)"; return; }
	ok "module builds clippy-clean with -D warnings$tag"
	list=$("$here/guest-programs.sh" "$kdir" "$gout/bin") || { ko "guest programs build$tag"; return; }
	mapfile -t progs <<< "$list"
	# The crate's static pgi is built for x86_64 only: the Rust toolchain
	# here has no other target's standard library.
	if [ "$variant" != arm64 ]; then
		"$top/tools/build-static.sh" "$gout/bin" > "$gout/tools-static.log" 2>&1 ||
			{ cat "$gout/tools-static.log"; ko "static pgi build"; return; }
		progs+=("$gout/bin/pgi" "$gout/bin/pgi-selftest")
	fi
	PGI_BUSYBOX=$busybox "$here/mkinitramfs.sh" "$gout/initramfs.cpio.gz" "$ko_path" "${progs[@]}"
	log=$gout/guest.log
	echo "booting the $variant kernel in $mode mode (log: $log)"
	if "$here/qemu-run.sh" "$kdir/build/$image" "$gout/initramfs.cpio.gz" "$mode" "$log" \
		"$limit" > /dev/null; then
		ok "guest ran to completion$tag"
	else
		ko "guest ran to completion$tag (timeout or crash; see $log)"
	fi
	# The guest's counts: three numbers (passed failed skipped) on one line.
	counts=$(python3 "$here/parse-guest-log.py" "$log" "$mode") || counts=
	if [[ $counts =~ ^([0-9]+)\ ([0-9]+)\ ([0-9]+)$ ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + BASH_REMATCH[3]))
	else
		ko "guest log counted$tag (parse-guest-log.py printed '$counts')"
	fi
}

# The checks that need the x86_64 kernel tree: it carries both headers
# unchanged, and the module's sources keep the kernel's rustfmt style.
guest_host_checks() { # kdir
	local kdir=$1 f src
	local -a rs
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
}

"$here/setup.sh" || { ko "setup"; summary; }
