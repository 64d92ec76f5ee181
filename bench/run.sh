#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: `make bench`.  Builds what is missing, boots the release kernel in
# QEMU (TCG) with bench/guest-init.sh as /init, runs every method on the same
# processes in that one boot, pulls the JSON the guest prints out of the
# serial log and writes bench/results/: one *.json per experiment (raw
# per-run figures), summary.md and cost-per-process.svg.
#
# Environment:
#   PGI_GUEST_MEM=MiB      guest RAM (default 12288: room for 50k processes)
#   PGI_BENCH_QUICK=1      a smoke run: small populations, 3 runs (~2 min)
#   PGI_BENCH_TIMEOUT=s    stop the guest after this long (default 3600)
#   PGI_BENCH_RESULTS=dir  where the results go (default bench/results)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$top/build/bench
results=${PGI_BENCH_RESULTS:-$here/results}
mkdir -p "$out" "$results"
export PGI_GUEST_MEM=${PGI_GUEST_MEM:-12288}

"$top/scripts/setup.sh"
kdir=$("$top/scripts/build-kernel.sh" release)
ko=$("$top/scripts/build-module.sh" "$kdir" "$out/module")
make -s -C "$here" OUT="$out/bin" KDIR="$kdir"

# What the guest runs.  RUNS rounds per point after one warm-up round; the
# 50k population goes last (PROCINFO_LATE_NS) so that if it does not fit
# nothing else is lost.  Every procinfo population also gets the scanners'
# sweeps; SHARED_POPS (PROCSxTHREADS) are the processes sharing pages.
if [ "${PGI_BENCH_QUICK:-0}" = 1 ]; then
	cat > "$out/bench.conf" <<-EOF
	PROCINFO_NS="250 1000"
	RUNS=3
	SHARED_POPS="100x8"
	MAPS_POPS="10x100"
	MAPS_BIG="1x10000 1x10000-anon"
	BIG_RUNS=3
	INTERFERE_N=250
	INTERFERE_SECS=1
	INTERFERE_PACES="0 4"
	INTERFERE_BIG_VMAS=10000
	PROFILES="procinfo:1000 maps:10000 scan:1000"
	PROFILE_SECS=3
	PROCINFO_LATE_NS=""
	LATE_RUNS=3
	EOF
else
	cat > "$out/bench.conf" <<-EOF
	PROCINFO_NS="250 1000 10000"
	RUNS=11
	SHARED_POPS="100x8"
	MAPS_POPS="100x10 100x100 100x1000"
	MAPS_BIG="1x100000 1x100000-anon"
	BIG_RUNS=7
	INTERFERE_N=1000
	INTERFERE_SECS=2
	INTERFERE_PACES="0 4"
	INTERFERE_BIG_VMAS=100000
	PROFILES="procinfo:10000 maps:100000 scan:10000"
	PROFILE_SECS=12
	PROCINFO_LATE_NS="50000"
	LATE_RUNS=7
	EOF
fi

PGI_INIT=$here/guest-init.sh PGI_ETC_FILES=$out/bench.conf \
	"$top/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$ko" "$out/bin/pgibench"
echo "bench: booting the release kernel under QEMU (TCG, ${PGI_GUEST_MEM} MiB)..." >&2
start=$(date +%s)
rc=0
"$top/scripts/qemu-run.sh" "$kdir/build/arch/x86/boot/bzImage" "$out/initramfs.cpio.gz" \
	bench "$out/guest.log" "${PGI_BENCH_TIMEOUT:-3600}" |
	grep --line-buffered -E '^(pgibench: |PGI-BENCH-STEP |PGI-BENCH-SKIP )' >&2 ||
	true
grep -q '^PGI-GUEST-DONE' "$out/guest.log" || rc=1
elapsed=$(( $(date +%s) - start ))

python3 "$here/report.py" "$out/guest.log" "$results" \
	--guest-mem "$PGI_GUEST_MEM" --elapsed "$elapsed" \
	--commit "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	--kernel "$(basename "$kdir")"
[ $rc = 0 ] || { echo "bench: the guest did not finish (log: $out/guest.log)" >&2; exit 1; }
echo "bench: results in $results (summary.md, cost-per-process.svg, *.json)" >&2
