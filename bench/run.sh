#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: `make bench`.  Builds what is missing and boots two kernels in QEMU
# (TCG, two CPUs) with bench/guest-init.sh as /init:
#  1. the release kernel: every experiment, every method on the same
#     processes in that one boot, with the floors module (bench/floor) loaded;
#  2. the bpf variant (config/bpf.config: the release kernel with BPF and
#     BTF): the BPF task and task_vma iterators (bench/bpf) next to
#     process_getinfo and procfs on the process-fact and memory-map
#     populations, whose process_getinfo and procfs figures are compared
#     with the first boot's.
# It pulls the JSON the guests print out of the serial logs and writes
# bench/results/: one *.json per experiment (raw per-run figures; bpf-*.json
# from the second boot), summary.md and the plots.
#
# Environment:
#   PGI_GUEST_MEM=MiB      guest RAM (default 12288: room for 50k processes)
#   PGI_BENCH_QUICK=1      a smoke run: small populations, 3 runs (~10 min)
#   PGI_BENCH_BPF=0        skip the second boot (no BPF rows)
#   PGI_BENCH_TIMEOUT=s    stop each guest after this long (default 5400)
#   PGI_BENCH_RESULTS=dir  where the results go (default bench/results)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$top/build/bench
results=${PGI_BENCH_RESULTS:-$here/results}
mkdir -p "$out" "$results"
export PGI_GUEST_MEM=${PGI_GUEST_MEM:-12288}
bpf=${PGI_BENCH_BPF:-1}

"$top/scripts/setup.sh"
"$top/scripts/setup.sh" bench
kdir=$("$top/scripts/build-kernel.sh" release)
ko=$("$top/scripts/build-module.sh" "$kdir" "$out/module")
make -s -C "$here" OUT="$out/bin" KDIR="$kdir"
# The floors module, built like the product module (Kbuild's M= and MO=).
floor() { # KDIR OUTDIR: prints the .ko
	make -s -C "$1/src" O="$1/build" M="$here/floor" MO="$2" >&2
	echo "$2/pgi_floor.ko"
}
floor_ko=$(floor "$kdir" "$out/floor")
if [ "$bpf" = 1 ]; then
	bkdir=$("$top/scripts/build-kernel.sh" bpf)
	bko=$("$top/scripts/build-module.sh" "$bkdir" "$out/module-bpf")
	make -s -C "$here" OUT="$out/bin" BPF_KDIR="$bkdir" pgibpf
fi

# What the guests run.  RUNS rounds per point after one warm-up round; the
# 50k population goes last (PROCINFO_LATE_NS) so that if it does not fit
# nothing else is lost.  Every procinfo population also gets the scanners'
# sweeps (SCAN=1); SHARED_POPS (PROCSxTHREADS) are the processes sharing
# pages.  Interference runs once per INTERFERE_PINS placement of scanner and
# probe; INTERFERE_TASKS_NS are the large populations of the fork/exit probe,
# which runs INTERFERE_TASKS_SECS per round (a procfs sweep of 50,000 takes
# seconds: the probe must see whole sweeps).
if [ "${PGI_BENCH_QUICK:-0}" = 1 ]; then
	cat > "$out/bench.conf" <<-EOF
	PROCINFO_NS="250 1000"
	RUNS=3
	SCAN=1
	SHARED_POPS="100x8"
	MAPS_POPS="10x100"
	MAPS_BIG="1x10000 1x10000-anon"
	BIG_RUNS=3
	INTERFERE_N=250
	INTERFERE_SECS=1
	INTERFERE_PACES="0 4"
	INTERFERE_PINS="same split"
	INTERFERE_BIG_VMAS=10000
	INTERFERE_TASKS_NS="10000"
	INTERFERE_TASKS_SECS=2
	PROFILES="procinfo:1000 maps:10000 scan:1000"
	PROFILE_SECS=3
	PROCINFO_LATE_NS=""
	LATE_RUNS=3
	EOF
	cat > "$out/bench-bpf.conf" <<-EOF
	PROCINFO_NS="250 1000"
	RUNS=3
	SCAN=0
	MAPS_POPS="10x100"
	MAPS_BIG="1x10000"
	BIG_RUNS=3
	PROCINFO_LATE_NS=""
	LATE_RUNS=3
	EOF
else
	cat > "$out/bench.conf" <<-EOF
	PROCINFO_NS="250 1000 10000"
	RUNS=11
	SCAN=1
	SHARED_POPS="100x8"
	MAPS_POPS="100x10 100x100 100x1000"
	MAPS_BIG="1x100000 1x100000-anon"
	BIG_RUNS=7
	INTERFERE_N=1000
	INTERFERE_SECS=2
	INTERFERE_PACES="0 4"
	INTERFERE_PINS="same split"
	INTERFERE_BIG_VMAS=100000
	INTERFERE_TASKS_NS="10000 50000"
	INTERFERE_TASKS_SECS=8
	PROFILES="procinfo:10000 maps:100000 scan:10000"
	PROFILE_SECS=12
	PROCINFO_LATE_NS="50000"
	LATE_RUNS=7
	EOF
	cat > "$out/bench-bpf.conf" <<-EOF
	PROCINFO_NS="250 1000 10000"
	RUNS=7
	SCAN=0
	MAPS_POPS="100x10 100x100 100x1000"
	MAPS_BIG="1x100000 1x100000-anon"
	BIG_RUNS=5
	PROCINFO_LATE_NS="50000"
	LATE_RUNS=5
	EOF
fi

boot() { # KDIR MODULE CONF LOG LIBFILES BIN...: one guest; fails if it did not finish
	local kd=$1 mod=$2 conf=$3 log=$4 lib=$5
	shift 5
	mkdir -p "$out/etc" && cp "$conf" "$out/etc/bench.conf"
	PGI_INIT=$here/guest-init.sh PGI_ETC_FILES=$out/etc/bench.conf PGI_LIB_FILES=$lib \
		"$top/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$mod" "$@"
	echo "bench: booting $(basename "$kd") under QEMU (TCG, ${PGI_GUEST_MEM} MiB)..." >&2
	"$top/scripts/qemu-run.sh" "$kd/build/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" \
		bench "$log" "${PGI_BENCH_TIMEOUT:-5400}" |
		grep --line-buffered -E '^(pgibench: |pgibpf: |PGI-BENCH-STEP |PGI-BENCH-SKIP )' >&2 ||
		true
	grep -q '^PGI-GUEST-DONE' "$log"
}

start=$(date +%s)
rc=0
boot "$kdir" "$ko" "$out/bench.conf" "$out/guest.log" "$floor_ko" "$out/bin/pgibench" || rc=1
bpf_args=()
if [ "$bpf" = 1 ] && [ $rc = 0 ]; then
	boot "$bkdir" "$bko" "$out/bench-bpf.conf" "$out/guest-bpf.log" "" \
		"$out/bin/pgibench" "$out/bin/pgibpf" || rc=2
	bpf_args=(--bpf-log "$out/guest-bpf.log" --bpf-kernel "$(basename "$bkdir")")
fi
elapsed=$(( $(date +%s) - start ))

python3 "$here/report.py" "$out/guest.log" "$results" "${bpf_args[@]}" \
	--guest-mem "$PGI_GUEST_MEM" --elapsed "$elapsed" \
	--commit "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	--kernel "$(basename "$kdir")"
case $rc in
1) echo "bench: the release guest did not finish (log: $out/guest.log)" >&2; exit 1 ;;
2) echo "bench: the bpf guest did not finish (log: $out/guest-bpf.log)" >&2; exit 1 ;;
esac
echo "bench: results in $results (summary.md, *.svg, *.json)" >&2
