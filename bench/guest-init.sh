#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the benchmark guest (busybox).  It ignores pgi.mode and runs the
# experiments listed in /etc/bench.conf (written by bench/run.sh), each a
# `pgibench` invocation that prints one JSON line between
#   PGI-BENCH-BEGIN <name> / PGI-BENCH-END <name>
# and ends with "PGI-BENCH-STEP <name> rc=<rc>", so that one failed step
# (say, the 50k population not fitting) loses only its own results.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /tmp /dev/shm && mount -t tmpfs tmp /tmp && mount -t tmpfs shm /dev/shm
# The shared population's file, on a ramfs: file pages, not shmem (/ and
# /tmp are tmpfs).
mkdir -p /ramfs && mount -t ramfs ramfs /ramfs
# shellcheck source=/dev/null # written by bench/run.sh
. /etc/bench.conf

# Room for the populations: 50k processes and a 100k-VMA process.
echo 4194304 > /proc/sys/kernel/pid_max
echo 4194304 > /proc/sys/kernel/threads-max
echo 262144 > /proc/sys/vm/max_map_count

step() { # name cmd...
	name=$1; shift
	echo "PGI-BENCH-STEP-BEGIN $name"
	"$@"
	echo "PGI-BENCH-STEP $name rc=$?"
}

echo
insmod /lib/process_getinfo.ko || echo "PGI-BENCH-ERROR insmod failed"
# The floors (bench/floor), on the release kernel only.
if [ -f /lib/pgi_floor.ko ]; then
	insmod /lib/pgi_floor.ko || echo "PGI-BENCH-ERROR insmod pgi_floor failed"
fi
# The BPF iterators (bench/bpf), on the bpf kernel only: pinned once, read
# by pgibench's bpf_* methods.
if [ -x /bin/pgibpf ]; then
	mount -t bpf bpf /sys/fs/bpf && pgibpf /sys/fs/bpf ||
		echo "PGI-BENCH-ERROR pgibpf failed"
fi
cd /tmp || exit 1
hz=$(pgibench calibrate)
echo "PGI-BENCH-TSC-HZ $hz"
echo "PGI-BENCH-START $(cat /proc/uptime)"

# Each procinfo step also runs the scanners' sweeps (issue 11) on its
# population, after its own methods, and prints them as scan-N.
scan=
[ "${SCAN:-1}" = 1 ] || scan=noscan
for n in $PROCINFO_NS; do
	# shellcheck disable=SC2086 # $scan: no word or one
	step "procinfo-$n" pgibench procinfo "$hz" "$n" "$RUNS" $scan
done
# The sweeps over processes that share file, shmem and COW pages (PSS).
for pt in $SHARED_POPS; do # PROCSxTHREADS
	step "scan-shared-$pt" pgibench scan "$hz" "${pt%x*}" "${pt#*x}" "$RUNS"
done
maps() { # runs PROCSxVMAS[-anon]
	pv=${2%-anon} kind=mixed
	[ "$pv" != "$2" ] && kind=anon
	step "maps-$2" pgibench maps "$hz" "${pv%x*}" "${pv#*x}" "$1" "$kind"
}
for pv in $MAPS_POPS; do
	maps "$RUNS" "$pv"
done
for pv in $MAPS_BIG; do
	maps "$BIG_RUNS" "$pv"
done
# Scanner and probes on one CPU ("same") and on the two ("split").
for pin in $INTERFERE_PINS; do
	for pace in $INTERFERE_PACES; do
		name=interfere-loop
		[ "$pace" != 0 ] && name=interfere-paced-${pace}Hz
		step "$name-cpu-$pin" pgibench interfere "$hz" "$INTERFERE_N" "$INTERFERE_SECS" \
			"$pace" 0 "$pin"
	done
	# A writer on a big map while the memory-map scanners read that map.
	for pace in $INTERFERE_PACES; do
		[ -n "$INTERFERE_BIG_VMAS" ] || break
		name=interfere-loop
		[ "$pace" != 0 ] && name=interfere-paced-${pace}Hz
		step "$name-bigmap-$INTERFERE_BIG_VMAS-cpu-$pin" pgibench interfere "$hz" 0 \
			"$INTERFERE_SECS" "$pace" "$INTERFERE_BIG_VMAS" "$pin"
	done
done
for prof in $PROFILES; do # kind:size (procinfo:N, scan:N, maps:VMAS)
	step "profile-${prof%:*}-${prof#*:}" pgibench profile "$hz" "${prof%:*}" "${prof#*:}" "$PROFILE_SECS"
done
# The largest population last: if it does not fit, nothing else is lost.
# A sleeping process costs the kernel ~70 kB here (task, stack, page tables,
# mm, VMAs; see population_kb_per_proc in the results): ask for 100 kB each.
for n in $PROCINFO_LATE_NS; do
	avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	need=$((n * 100))
	if [ "$avail" -lt "$need" ]; then
		echo "PGI-BENCH-SKIP procinfo-$n: MemAvailable $avail kB < $need kB (raise PGI_GUEST_MEM)"
		continue
	fi
	# shellcheck disable=SC2086
	step "procinfo-$n" pgibench procinfo "$hz" "$n" "$LATE_RUNS" $scan
done
# fork/exit under the process-fact scanners at scale (the task pass under
# tasklist_lock), the largest last for the same reason.
for n in $INTERFERE_TASKS_NS; do
	avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	if [ "$avail" -lt $((n * 100)) ]; then
		echo "PGI-BENCH-SKIP interfere-loop-tasks-$n: MemAvailable $avail kB < $((n * 100)) kB"
		continue
	fi
	for pin in $INTERFERE_PINS; do
		step "interfere-loop-tasks-$n-cpu-$pin" pgibench interfere "$hz" "$n" \
			"$INTERFERE_TASKS_SECS" 0 0 "$pin"
	done
done

echo "PGI-BENCH-FINISH $(cat /proc/uptime)"
echo "PGI-DMESG-BEGIN"
dmesg | tail -n 60
echo "PGI-DMESG-END"
echo "PGI-GUEST-DONE"
sync
reboot -f
