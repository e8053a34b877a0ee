#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An aarch64 guest under TCG: tinylinux built from Debian's arm64 packages
# boots to a serial shell on QEMU's virt machine; list and the desktop
# show its arch and graph its vCPU; a live snapshot and its revert (a file
# written after it is gone), a disk plugged live and a disc in the SCSI CD
# drive (virt has no IDE), the power button (a GPIO key on virt), a
# linked clone that boots; AAVMF (UEFI from pflash, the VM's own variable
# store) reaches its boot manager; and what an aarch64 VM cannot be is
# refused with the reason (a PC's machine or VGA, KVM on an x86 host, a
# template without an aarch64 build, a missing emulator named by package).
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/arch.sh"
need_arch aarch64
. "${top_srcdir:-.}/tests/lib/tmux.sh"

log "refusals before any boot"
vd_fails 1 "arch 'mips' is not x86_64, aarch64, riscv64 or armhf" \
    create bad --template tinylinux --arch mips; ok
mkdir -p "$VMDESK_HOME/templates"
printf '[template]\nname = pconly\nboot = tinylinux\narch = x86_64\n' \
    >"$VMDESK_HOME/templates/pconly.conf"
vd_fails 1 "template pconly: it has no aarch64 build, only x86_64" \
    create bad --template pconly --arch aarch64; ok
[ ! -e "$VMDESK_HOME/vms/bad" ] || fail "a refused create left a VM"; ok

vd_ok create a --template tinylinux --arch aarch64 --memory 192M
grep -q '^machine = virt$' "$VMDESK_HOME/vms/a/vm.conf" ||
    fail "not a virt machine: $(cat "$VMDESK_HOME/vms/a/vm.conf")"; ok
vd_fails 1 "'arch' cannot be set" set a arch=x86_64; ok
vd_fails 1 "VM a (aarch64): the machine must be virt" set a machine=q35; ok
vd_fails 1 "virt has no VGA" set a display=vga; ok
vd_fails 1 "the virt machine has no IDE or SATA" set a bus=sata; ok
if [ "$(uname -m)" = x86_64 ]; then
	VMDESK_ACCEL=kvm vd_fails 1 "KVM runs only guests of the host's \
own architecture (guest aarch64, host x86_64; VMDESK_ACCEL=kvm)" start a; ok
	vd_ok set a accel=kvm
	VMDESK_ACCEL= vd_fails 1 "(guest aarch64, host x86_64; accel = kvm)" \
	    start a; ok
	vd_ok set a accel=auto
fi
VMDESK_QEMU=/nonexistent/qemu-system-x86_64 vd_fails 1 \
    "apt-get install qemu-system-arm" start a; ok
vd_ok list
case "$OUT" in *"a  "*"stopped"*"aarch64"*) ok ;;
*) fail "list does not show the arch: $OUT" ;; esac
vd_ok list --json
case "$OUT" in *'"arch": "aarch64"'*) ok ;; *) fail "list --json: $OUT" ;; esac

log "tinylinux boots to a serial shell"
t0=$(date +%s)
vd_ok start a
case "$OUT" in *"tcg: guest aarch64 on host"*) ok ;;
*) fail "start does not say the guest is emulated: $OUT" ;; esac
wait_log a "tinylinux: ready" 1 180
log "aarch64 tinylinux reached its shell in $(( $(date +%s) - t0 )) s"
# Markers the guest computes: the echoed command never holds them.
serial_expect a 'echo "a=$(uname -m)!"' 'a=aarch64!'; ok
serial_expect a 'echo "c=$(cat /proc/cmdline | grep -c ttyAMA0)!"' 'c=1!'; ok

log "typing reaches the screen's shell through virt's USB keyboard"
# The shell on the screen sends the computed answer to the serial port.
vd_ok type a 'echo "t=$((6*7))!" >/dev/ttyAMA0
'
wait_log a "t=42!" 1 60; ok

log "the desktop shows the arch and graphs the vCPU"
$TM new-session -d -s keep "sleep 100000"
$TM new-session -d -s d -x 120 -y 34 "exec $VMDESK"
wait_screen "a +running"
wait_screen "aarch64 virt"; ok
$TM send-keys -t d g
wait_screen "Graphs of a"
wait_screen "vCPU 0|all vCPUs" 150; ok
$TM send-keys -t d Escape q

log "live snapshot and revert"
vd_ok snapshot create a s1
serial_expect a 'echo x >/data/late; sync; echo "w=$(cat /data/late)!"' \
    'w=x!'; ok
vd_ok snapshot revert a s1
serial_expect a 'echo "n=$(ls /data | grep -c late)!"' 'n=0!'; ok

log "virt's buses: a disk plugged live, a disc in the SCSI CD drive"
vd_ok disk add a --size 16M --name hot
case "$OUT" in *"next start"*) fail "virtio add deferred: $OUT" ;; esac
guest_until a 'echo "s=$(cat /sys/block/vdb/size 2>/dev/null)!"' 's=32768!'
ok
vd_ok disk remove a hot
guest_until a 'echo "b=$(ls /sys/block | grep -c vdb)!"' 'b=0!'; ok
if command -v xorriso >/dev/null 2>&1; then
	mkdir "$TEST_TMP/disc"
	echo "media-ok-$$" >"$TEST_TMP/disc/hello.txt"
	xorriso -as mkisofs -quiet -V VMDESKT -o "$TEST_TMP/t.iso" \
	    "$TEST_TMP/disc" 2>/dev/null || fail "xorriso failed"
	vd_ok media insert a "$TEST_TMP/t.iso"
	serial_expect a 'mount -t iso9660 /dev/sr0 /mnt && cat /mnt/hello.txt' \
	    "media-ok-$$"; ok
	serial_expect a 'umount /mnt; echo "u=$(grep -c /mnt /proc/mounts)!"' \
	    'u=0!'
	vd_ok media eject a
fi

log "the power button powers it off"
vd_ok stop a
[ "$(vm_field a state)" = stopped ] || fail "a still runs"; ok

log "a linked clone boots"
vd_ok snapshot delete a s1
vd_ok clone a b
vd_ok start b
wait_log b "tinylinux: ready" 1 180
serial_expect b 'echo "b=$(uname -m)!"' 'b=aarch64!'; ok
vd_ok kill b

log "AAVMF from pflash reaches its boot manager"
qemu-img create -q -f qcow2 "$TEST_TMP/blank.qcow2" 16M
vd_ok create u --image "$TEST_TMP/blank.qcow2" --arch aarch64 --memory 128M
vd_ok start u
wait_log u "BdsDxe" 1 180; ok
[ -s "$VMDESK_HOME/vms/u/efivars.fd" ] || fail "no variable store"; ok
vd_ok kill u
remove_frozen_bases

echo "# $TEST_NAME: $passed checks passed"
