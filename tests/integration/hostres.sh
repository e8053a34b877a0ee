#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's resources: start and autostart refuse VMs whose memory would
# overcommit the host's available memory, naming them and the figures,
# and start nothing; --force starts them. The desktop asks "start
# anyway?" instead, and its title shows the host's CPU use, the running
# VMs' memory and the disk free, within 80 columns.
#
# The big VM asks for as much memory as the host has available now: more
# than the check allows (it keeps a reserve), less than the host's total,
# so QEMU under TCG still starts it (it touches only what the guest uses;
# an allocation beyond MemTotal would be refused by the kernel's
# heuristic overcommit).
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"
started=$(date +%s)

avail_mib() {
	awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo
}

vd_ok create big --template tinylinux --memory 128M
vd_ok create small --template tinylinux --memory 128M
vd_ok set big memory="$(avail_mib)M"

log "start refuses, naming the VM and the figures; nothing starts"
vd_fails 1 "starting big needs " start big
case "$OUT" in
*" GiB; the host has "*" available (--force starts anyway)"*) ;;
*) fail "no figures: $OUT" ;;
esac
ok
[ "$(count_live vmdesk-big)" -eq 0 ] || fail "big started"; ok
vd_fails 1 "starting small, big needs " start small big
[ "$(count_live vmdesk-small)" -eq 0 ] || fail "small started"; ok
vd_ok start small
[ "$(count_live vmdesk-small)" -eq 1 ] || fail "small did not start"; ok
vd_ok kill small

log "--force starts it anyway, saying so"
vd_ok start --force big
case "$OUT" in
*"warning: starting big needs "*"--force: starting anyway"*) ;;
*) fail "no warning: $OUT" ;;
esac
[ "$(count_live vmdesk-big)" -eq 1 ] || fail "big did not start"; ok
vd_ok kill big

log "autostart checks its VMs together"
vd_ok set big autostart=yes
vd_ok set small autostart=yes
vd_fails 1 "starting big, small needs " autostart
[ "$(count_live vmdesk-small)" -eq 0 ] || fail "autostart started small"
ok
vd_ok autostart --force
[ "$(count_live vmdesk-big)" -eq 1 ] && [ "$(count_live vmdesk-small)" \
    -eq 1 ] || fail "autostart --force did not start both: $OUT"; ok
vd_ok kill big
vd_ok kill small

log "the desktop: the host on the title line, within 80 columns"
$TM new-session -d -s d -x 80 -y 24 "exec $VMDESK"
wait_screen "F1Help"
# CPU use needs two samples: a figure after the first tick.
wait_screen "^ vmdesk  2 VMs, 0 running  sort: name +cpu [0-9]+% vms 0B/[0-9.]+G disk [0-9.]+[MGT] free$"
ok

log "the desktop asks before overcommitting, naming the VM"
$TM send-keys -t d Home F4
wait_screen "Starting big needs [0-9.]+ GiB; the host has"
wait_screen "Start anyway\\?"; ok
$TM send-keys -t d Escape
sleep 1
[ "$(count_live vmdesk-big)" -eq 0 ] || fail "big started after Esc"; ok
screen | grep -q "^ big  *stopped" || fail "big is not stopped"; ok
$TM send-keys -t d F4
wait_screen "Start anyway\\?"
$TM send-keys -t d Enter
wait_screen "^ big  *running"; ok
[ "$(count_live vmdesk-big)" -eq 1 ] || fail "big did not start"; ok

log "a VM that fits starts at once; the title counts its memory"
$TM send-keys -t d Down F4
wait_screen "^ small  *running"
screen | grep -q "Start anyway" && fail "small was asked about"; ok
wait_screen " vms [1-9][0-9.]*[MG]/[0-9.]+G "; ok
$TM kill-session -t d
vd_ok kill big
vd_ok kill small

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
