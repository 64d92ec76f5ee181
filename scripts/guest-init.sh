#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test guest (busybox). The mode comes from the kernel command
# line (pgi.mode=check|core|stress|run). Every program's output is framed by
#   PGI-BEGIN <name>  ...  PGI-END <name> rc=<rc>
# so the host can count TAP results; the kernel log follows between
# PGI-DMESG-BEGIN/END for the host's splat scan. <name> is the program's
# (process_getinfo[_<what>]_test), with _<when> added where one runs twice.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /tmp /dev/shm && mount -t tmpfs tmp /tmp && mount -t tmpfs shm /dev/shm
echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null

echo
read -r cmdline < /proc/cmdline
mode=check
for w in $cmdline; do
	case $w in pgi.mode=*) mode=${w#pgi.mode=} ;; esac
done

run() { # name cmd...
	name=$1; shift
	echo "PGI-BEGIN $name"
	"$@"
	echo "PGI-END $name rc=$?"
}

load() {
	echo "PGI-BEGIN insmod"
	insmod /lib/process_getinfo.ko
	echo "PGI-END insmod rc=$?"
}

unload() {
	echo "PGI-BEGIN rmmod"
	rmmod process_getinfo
	echo "PGI-END rmmod rc=$?"
}

case $mode in
check)
	cd /tmp || exit 1
	run process_getinfo_enosys_test_before_insmod /bin/process_getinfo_enosys_test
	load
	# pgi.only=NAME[,NAME...] runs only those programs (a development aid;
	# the host then reports the others as not run).
	only=
	for w in $cmdline; do
		case $w in pgi.only=*) only=$(echo "${w#pgi.only=}" | tr , ' ') ;; esac
	done
	if [ -n "$only" ]; then
		for t in $only; do
			run "$t" env PGI_FIXTURE=1 "/bin/$t"
		done
	else
		run process_getinfo_test /bin/process_getinfo_test
		run process_getinfo_facts_test /bin/process_getinfo_facts_test
		run process_getinfo_scanner_test /bin/process_getinfo_scanner_test
		run process_getinfo_access_test /bin/process_getinfo_access_test
		run process_getinfo_bounds_test /bin/process_getinfo_bounds_test
		run process_getinfo_errors_test /bin/process_getinfo_errors_test
		run pgi_selftest /bin/pgi-selftest
		run process_getinfo_leak_test /bin/process_getinfo_leak_test
		run process_getinfo_fuzz_test /bin/process_getinfo_fuzz_test
		# 32-bit callers (the compat entry); the compat test compares the
		# bytes of both widths and prints the 32-bit buffer for tools/.
		run process_getinfo_compat_test env PGI_FIXTURE=1 /bin/process_getinfo_compat_test
		run process_getinfo_compat_test_m32 /bin/process_getinfo_compat_test_m32
		run process_getinfo_test_m32 /bin/process_getinfo_test_m32
		run process_getinfo_facts_test_m32 /bin/process_getinfo_facts_test_m32
		run process_getinfo_errors_test_m32 /bin/process_getinfo_errors_test_m32
		run process_getinfo_leak_test_m32 /bin/process_getinfo_leak_test_m32
		run process_getinfo_fuzz_test_m32 env PGI_FUZZ_CALLS=50000 /bin/process_getinfo_fuzz_test_m32
		run process_getinfo_lifecycle_test /bin/process_getinfo_lifecycle_test
		run process_getinfo_stress_test /bin/process_getinfo_stress_test 20
	fi
	unload
	run process_getinfo_enosys_test_after_rmmod /bin/process_getinfo_enosys_test
	;;
core)
	# The other architecture's run (arm64: make check's second guest): the
	# format, facts, errors, compat, leak and fuzz tests, each 64-bit and
	# 32-bit (<test>_m32: arm programs on the arm64 kernel's compat entry).
	cd /tmp || exit 1
	run process_getinfo_enosys_test_before_insmod /bin/process_getinfo_enosys_test
	load
	for t in process_getinfo_test process_getinfo_facts_test process_getinfo_errors_test \
		process_getinfo_compat_test process_getinfo_leak_test; do
		run "$t" "/bin/$t"
		run "${t}_m32" "/bin/${t}_m32"
	done
	run process_getinfo_fuzz_test env PGI_FUZZ_CALLS=20000 /bin/process_getinfo_fuzz_test
	run process_getinfo_fuzz_test_m32 env PGI_FUZZ_CALLS=20000 /bin/process_getinfo_fuzz_test_m32
	unload
	run process_getinfo_enosys_test_after_rmmod /bin/process_getinfo_enosys_test
	;;
stress)
	# The long versions of the reliability tests (make stress): millions of
	# fuzzed calls, ten minutes of callers against churn, 200 unload rounds
	# with callers in flight. The counts can be overridden from the kernel
	# command line (pgi.fuzz_calls= pgi.stress_secs= pgi.lifecycle_loops=).
	export PGI_FUZZ_CALLS=2000000 PGI_STRESS_SECS=600 PGI_LIFECYCLE_LOOPS=200
	for w in $cmdline; do
		case $w in
		pgi.fuzz_calls=*) PGI_FUZZ_CALLS=${w#*=} ;;
		pgi.stress_secs=*) PGI_STRESS_SECS=${w#*=} ;;
		pgi.lifecycle_loops=*) PGI_LIFECYCLE_LOOPS=${w#*=} ;;
		esac
	done
	echo "stress: PGI_FUZZ_CALLS=$PGI_FUZZ_CALLS PGI_STRESS_SECS=$PGI_STRESS_SECS" \
		"PGI_LIFECYCLE_LOOPS=$PGI_LIFECYCLE_LOOPS"
	cd /tmp || exit 1
	run process_getinfo_enosys_test_before_insmod /bin/process_getinfo_enosys_test
	load
	run process_getinfo_leak_test /bin/process_getinfo_leak_test
	run process_getinfo_fuzz_test /bin/process_getinfo_fuzz_test
	run process_getinfo_stress_test /bin/process_getinfo_stress_test "$PGI_STRESS_SECS"
	run process_getinfo_lifecycle_test /bin/process_getinfo_lifecycle_test
	run process_getinfo_leak_test_after /bin/process_getinfo_leak_test
	unload
	run process_getinfo_enosys_test_after_rmmod /bin/process_getinfo_enosys_test
	;;
run)
	load
	echo
	echo "== /bin/ps: every process, from one process_getinfo() call =="
	/bin/ps
	echo
	echo "== the same processes as busybox ps (reading /proc) sees them =="
	busybox ps -o pid,ppid,user,comm
	echo
	echo "== pgi ps (the Rust crate's command, one process_getinfo() call) =="
	/bin/pgi ps
	echo
	echo "== pgi ps aux (CPU_TIMES, SESSION, CMDLINE, CREDS, STATUS, VM_COUNTERS: one call) =="
	/bin/pgi ps aux
	echo
	echo "== pgi ps -ef --forest =="
	/bin/pgi ps -ef --forest
	echo
	echo "== pgi top -b -n 1 =="
	/bin/pgi top -b -n 1 -d 0.5
	echo
	echo "== pgi mem (MEMORY_ROLLUP: PSS of every process, one call) =="
	/bin/pgi mem
	echo
	echo "== pgi maps 1 =="
	/bin/pgi maps 1
	echo
	echo "== pgi meminfo =="
	/bin/pgi meminfo
	;;
esac

echo "PGI-DMESG-BEGIN"
dmesg
echo "PGI-DMESG-END"
echo "PGI-GUEST-DONE"
sync
reboot -f
