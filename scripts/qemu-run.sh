#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh BZIMAGE INITRAMFS MODE LOG [TIMEOUT_S]: boot the guest under
# TCG (PGI_KVM=1 opts in to KVM), tee its serial console to LOG, and stop it
# after TIMEOUT_S seconds. PGI_APPEND adds to the kernel command line. Exit
# status: 0 when the guest reached its end marker, 1 otherwise (timeout,
# panic, crash).
set -uo pipefail
kernel=$1 initrd=$2 mode=$3 log=$4 limit=${5:-900}
accel=(-accel tcg)
[ "${PGI_KVM:-0}" = 1 ] && accel=(-accel kvm -cpu host)
mem=${PGI_GUEST_MEM:-2048}
timeout --foreground -k 10 "$limit" qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp 2 \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic quiet pgi.mode=$mode ${PGI_APPEND:-}" \
	-nographic -no-reboot -monitor none -serial stdio < /dev/null 2>&1 |
	tr -d '\r' | tee "$log"
grep -q '^PGI-GUEST-DONE' "$log"
