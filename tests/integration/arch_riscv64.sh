#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A riscv64 guest's firmware under TCG: OpenSBI with U-Boot as its
# payload (Debian's opensbi and u-boot-qemu) reaches U-Boot's prompt on
# the serial console and answers a command. (tinylinux on riscv64 is
# arch_riscv64_linux.sh.)
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/arch.sh"

passed=0
ok() { passed=$((passed + 1)); }

command -v qemu-system-riscv64 >/dev/null 2>&1 || {
	echo "SKIP: no qemu-system-riscv64 (tools/install-deps)" >&2
	exit 77
}

log "OpenSBI and U-Boot boot and answer on the serial console"
qemu-img create -q -f qcow2 "$TEST_TMP/blank.qcow2" 16M
vd_ok create rv --image "$TEST_TMP/blank.qcow2" --arch riscv64 \
    --memory 128M
grep -q '^firmware = uefi$' "$VMDESK_HOME/vms/rv/vm.conf" ||
    fail "no firmware: $(cat "$VMDESK_HOME/vms/rv/vm.conf")"; ok
vd_fails 1 "QEMU has no TPM device for it" set rv tpm=yes; ok
vd_ok start rv
wait_log rv "U-Boot" 1 120; ok
wait_log rv "=>" 1 120
# U-Boot computes it: "printenv arch" does not hold "arch=riscv".
serial_expect rv 'printenv arch' 'arch=riscv'; ok
vd_ok kill rv

echo "# $TEST_NAME: $passed checks passed"
