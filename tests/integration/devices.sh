#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop's devices screen (D) does what the disk, share, nic and
# forward commands do, in a real terminal (tmux): on a stopped VM a disk
# and a private NIC are added and listed; on a running tinylinux guest a
# disk is plugged in live (the guest sees it), removed live (the guest
# loses it; its file is kept), and a share added while it runs says it
# waits for the next start.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"
started=$(date +%s)

$TM new-session -d -s keep "sleep 100000"
VMS="$VMDESK_HOME/vms"

vd_ok create dv --template tinylinux --memory 128M
mkdir "$TEST_TMP/shared"

log "a stopped VM: its devices, a disk and a NIC added"
$TM new-session -d -s d -x 110 -y 30 "exec $VMDESK"
wait_screen "F1Help"
$TM send-keys -t d Home D
wait_screen "Devices of dv \\(stopped\\)"
wait_screen "disk +data +data.qcow2, virtio"; ok
wait_screen "cdrom +cd +empty"; ok
$TM send-keys -t d d
wait_screen "A size for a new disk"
$TM send-keys -t d -l "24M"
$TM send-keys -t d Enter
wait_screen "disk +disk1 +disk1.qcow2, virtio"; ok
[ "$(qemu-img info -U --output=json "$VMS/dv/disk1.qcow2" |
    sed -n 's/^ *"virtual-size": \([0-9]*\),*$/\1/p')" = 25165824 ] ||
    fail "disk1 is not 24M"; ok
$TM send-keys -t d n
wait_screen "Its network"
$TM send-keys -t d -l "private:devlab"
$TM send-keys -t d Enter
wait_screen "nic +net1 +virtio, private network devlab"; ok
grep -q '^net = private:devlab$' "$VMS/dv/vm.conf" || fail "no NIC in vm.conf"
ok

log "a running VM: a disk plugged in and out live"
$TM send-keys -t d Escape
vd_ok start dv
wait_log dv "tinylinux: ready"
$TM send-keys -t d Home D
wait_screen "Devices of dv \\(running\\)"
$TM send-keys -t d d
wait_screen "A size for a new disk"
$TM send-keys -t d -l "16M"
$TM send-keys -t d Enter
wait_screen "disk +disk2 +disk2.qcow2"
wait_screen "dv: Add a disk: done"; ok
guest_until dv 'echo "n=$(grep -c " 16384 vd" /proc/partitions)!"' \
    "n=1!"; ok
# The new disk is the last disk row: the third.
$TM send-keys -t d Home Down Down x
wait_screen "Remove disk disk2 from dv\\?"
$TM send-keys -t d Enter
wait_screen "removing disk disk2: done"; ok
guest_until dv 'echo "n=$(grep -c " 16384 vd" /proc/partitions)!"' \
    "n=0!"; ok
[ -f "$VMS/dv/disk2.qcow2" ] || fail "the desktop deleted the disk's file"
ok
grep -q '^\[disk disk2\]' "$VMS/dv/vm.conf" && fail "disk2 still in vm.conf"
ok

log "a share added while it runs waits for the next start"
$TM send-keys -t d s
wait_screen "The host folder"
$TM send-keys -t d -l "$TEST_TMP/shared"
$TM send-keys -t d Enter
wait_screen "running VM gets it at its next start"; ok
wait_screen "share +shared +$TEST_TMP/shared"; ok

log "a refusal comes back as an error, nothing changed"
$TM send-keys -t d s
wait_screen "The host folder"
$TM send-keys -t d -l "$VMDESK_HOME"
$TM send-keys -t d Enter
wait_screen "a share must never expose vmdesk's"; ok
$TM send-keys -t d Enter
screen | grep -q "share .*$VMDESK_HOME\$" && fail "vmdesk's home was shared"
grep -c '^\[share' "$VMS/dv/vm.conf" | grep -qx 1 || fail "a second share"
ok
$TM kill-session -t d
vd_ok kill dv

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
