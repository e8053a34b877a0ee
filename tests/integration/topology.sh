#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# CPU topology, boot order words and autostart: vmdesk set takes them
# (and refuses a topology that does not make cpus), vmdesk autostart
# starts only the VMs set to it (and goes on past a broken one), and the
# guest sees 1 socket x 2 cores x 2 threads in /proc/cpuinfo.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

vd_ok create tp --template tinylinux --memory 128M
vd_ok create other --template tinylinux --memory 64M
vd_ok create broken --template tinylinux --memory 64M

log "set refuses a topology that does not make cpus"
vd_fails 1 "does not make cpus = 4" set tp cpus=4 sockets=2 cores=2 \
    threads=2; ok
vd_fails 1 "not a list of disk, cdrom, net" set tp boot.order=usb,disk; ok
# An Intel model: TCG's max CPU does not tell the guest about threads.
vd_ok set tp cpus=4 sockets=1 cores=2 threads=2 boot.order=disk,cdrom \
    autostart=yes cpu_model=Skylake-Client
vd_ok info tp --json
case "$OUT" in *'"cores": 2'*'"threads": 2'*'"autostart": true'*) ok ;;
*) fail "info does not show the keys: $OUT" ;; esac
grep -q '^order = disk,cdrom$' "$VMDESK_HOME/vms/tp/vm.conf" || fail \
    "vm.conf does not keep the order as given"; ok

log "autostart: only the VMs set to it, past a broken one"
vd_ok set broken autostart=yes
sed -i 's/^memory = .*/memory = lots/' "$VMDESK_HOME/vms/broken/vm.conf"
vd_fails 1 "tp: would start" autostart --list; ok
[ "$(vm_field tp state)" = stopped ] || fail "--list started tp"; ok
vd_fails 1 "Started VM tp" autostart; ok
case "$OUT" in *"broken"*"memory"*) ok ;;
*) fail "the broken VM's error is not shown: $OUT" ;; esac
[ "$(vm_field tp state)" = running ] || fail "tp is not running"; ok
[ "$(vm_field other state)" = stopped ] || fail "other was started"; ok
vd_fails 1 "tp: already running" autostart; ok

log "the guest sees the topology"
wait_log tp "tinylinux: ready" 1 180
# Markers the guest computes: the echoed command never holds them.
serial_expect tp 'echo "n=$(grep -c ^processor /proc/cpuinfo)!"' 'n=4!'
serial_expect tp \
    'echo "$(grep -m1 "cpu cores" /proc/cpuinfo | tr -d " \t")!"' \
    'cpucores:2!'; ok
serial_expect tp \
    'echo "$(grep -m1 siblings /proc/cpuinfo | tr -d " \t")!"' \
    'siblings:4!'; ok
serial_expect tp \
    'echo "$(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list)!"' \
    '0-1!'; ok
vd_ok kill tp

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
