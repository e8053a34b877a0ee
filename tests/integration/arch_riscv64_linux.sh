#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tinylinux on riscv64 under TCG, from Debian's riscv64 kernel and
# busybox-static: it boots to a serial shell. Debian 12's archive does
# not carry them (Debian 13's does): there this test is skipped, saying
# so, and the golden argv tests and arch_riscv64.sh (OpenSBI and U-Boot)
# cover riscv64.
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/arch.sh"
need_arch riscv64

passed=0
ok() { passed=$((passed + 1)); }

vd_ok create t --template tinylinux --arch riscv64 --memory 192M
t0=$(date +%s)
vd_ok start t
wait_log t "tinylinux: ready" 1 300
log "riscv64 tinylinux reached its shell in $(( $(date +%s) - t0 )) s"
# A marker the guest computes: the echoed command never holds it.
serial_expect t 'echo "a=$(uname -m)!"' 'a=riscv64!'; ok
vd_ok kill t

echo "# $TEST_NAME: $passed checks passed"
