#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh KERNEL INITRAMFS MODE LOG [TIMEOUT_S]: boot the guest under
# TCG (PGI_KVM=1 opts in to KVM), tee its serial console to LOG, and stop it
# after TIMEOUT_S seconds. KERNEL is an x86 bzImage or an arm64 Image (QEMU's
# virt machine, Cortex-A57 CPUs: they run 32-bit arm programs at EL0).
# PGI_APPEND adds to the kernel command line. Exit status: 0 when the guest
# reached its end marker, 1 otherwise (timeout, panic, crash).
set -uo pipefail
kernel=$1 initrd=$2 mode=$3 log=$4 limit=${5:-900}
mem=${PGI_GUEST_MEM:-2048}
case ${kernel##*/} in
Image)
	qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a57 -accel tcg)
	console=ttyAMA0 ;;
*)
	qemu=(qemu-system-x86_64 -accel tcg)
	[ "${PGI_KVM:-0}" = 1 ] && qemu=(qemu-system-x86_64 -accel kvm -cpu host)
	console=ttyS0 ;;
esac
timeout --foreground -k 10 "$limit" "${qemu[@]}" -m "$mem" -smp 2 \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=$console panic=-1 oops=panic quiet pgi.mode=$mode ${PGI_APPEND:-}" \
	-nographic -no-reboot -monitor none -serial stdio < /dev/null 2>&1 |
	tr -d '\r' | tee "$log"
grep -q '^PGI-GUEST-DONE' "$log"
