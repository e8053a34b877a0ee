#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A 32-bit Arm (armhf) guest under TCG: tinylinux built from Debian's
# armhf packages (the armmp-lpae kernel, 32-bit modules) boots to a
# serial shell on QEMU's virt machine with a Cortex-A15, and its power
# button (a GPIO key) powers it off.
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/arch.sh"
need_arch armhf

passed=0
ok() { passed=$((passed + 1)); }

vd_ok create h --template tinylinux --arch armhf --memory 192M
t0=$(date +%s)
vd_ok start h
wait_log h "tinylinux: ready" 1 180
log "armhf tinylinux reached its shell in $(( $(date +%s) - t0 )) s"
# A marker the guest computes: the echoed command never holds it.
serial_expect h 'echo "a=$(uname -m)!"' 'a=armv7l!'; ok
# The screen's driver (virt has no VGA) is loaded.
serial_expect h 'echo "g=$(grep -c "^virtio_gpu" /proc/modules)!"' 'g=1!'
ok
serial_expect h 'echo "v=$(grep -c "^virtio_blk" /proc/modules)!"' 'v=1!'
ok
vd_ok stop h
[ "$(vm_field h state)" = stopped ] || fail "h still runs"; ok

echo "# $TEST_NAME: $passed checks passed"
