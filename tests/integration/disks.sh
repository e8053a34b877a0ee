#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk disk with a real tinylinux guest under TCG: a disk added to a
# stopped VM is there at boot; virtio and USB disks hot-plugged into the
# running VM appear in the guest, a virtio one grows live and leaves live;
# a SCSI disk (no controller yet) waits for the next start and is there
# after it. And what is refused: shrinking, the boot disk, files of other
# VMs and the runtime folder, hostile images, deleting a file vmdesk did
# not make or one another VM's backing chain uses, a live snapshot of a
# VM with a raw disk or a share.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"

# The size in 512-byte sectors the guest sees for a block device.
sectors_are() {
	guest_until "$1" "echo sz=\$(cat /sys/block/$2/size 2>/dev/null)" \
	    "sz=$3"
}

log "a stopped VM: a SATA disk added now is there at boot"
vd_ok create d --template tinylinux --memory 160M
vd_ok disk add d --size 32M --bus sata --name sata1
case "$OUT" in
*"Added disk sata1 to VM d: $VMS/d/sata1.qcow2 (32M, sata bus)."*) ok ;;
*) fail "add: $OUT" ;; esac
case "$OUT" in *"next start"*) fail "stopped add deferred: $OUT" ;; esac
[ -f "$VMS/d/sata1.qcow2" ] || fail "no sata1.qcow2"; ok
grep -q '^\[disk sata1\]$' "$VMS/d/vm.conf" || fail "vm.conf lacks sata1"
[ "$(grep -c '^\[disk sata1\]$' "$VMS/d/vm.conf")" -eq 1 ] ||
    fail "sata1 twice in vm.conf: $(cat "$VMS/d/vm.conf")"; ok
vd_ok disk list d --json
case "$OUT" in *'"name": "sata1"'*'"bus": "sata"'*'"virtual_size": 33554432'*) ok ;;
*) fail "list --json: $OUT" ;; esac
vd_ok start d
wait_log d "tinylinux: ready"
sectors_are d sda 65536; ok

log "refusals"
vd_fails 1 "only grows" disk resize d sata1 16M; ok
vd_fails 1 "the one it boots from: add --boot-disk" disk remove d data; ok
vd_fails 1 "cannot leave the running VM (sata bus)" disk remove d sata1; ok
vd_fails 1 "already has a disk sata1" disk add d --size 8M --name sata1; ok
vd_fails 1 "belongs to vmdesk's runtime folder" \
    disk add d --file "$RUN/d/qemu.pid"; ok
vd_ok create e --template tinylinux --memory 128M
vd_fails 1 "belongs to another VM" disk add d --file "$VMS/e/data.qcow2"; ok
qemu-img create -q -f qcow2 -b /etc/hostname -F raw "$TEST_TMP/evil.qcow2" 8M
vd_fails 1 "evil.qcow2" disk add d --file "$TEST_TMP/evil.qcow2"
case "$OUT" in *backing*) ok ;; *) fail "backing file not named: $OUT" ;; esac
[ "$(grep -c '^\[disk' "$VMS/d/vm.conf")" -eq 2 ] ||
    fail "a refused add changed vm.conf: $(cat "$VMS/d/vm.conf")"; ok
vd_fails 2 "usage: vmdesk disk add" disk add d --size 8M --frob; ok
vd_fails 1 "--size SIZE (a new disk) or --file PATH" disk add d; ok

log "hot-plug: a virtio disk appears in the guest, grows, and leaves"
vd_ok disk add d --size 16M --name hot
case "$OUT" in *"next start"*) fail "virtio add deferred: $OUT" ;; esac
sectors_are d vdb 32768; ok
vd_ok disk resize d hot 24M
case "$OUT" in *"Disk hot of VM d is now 24M."*) ok ;;
*) fail "resize: $OUT" ;; esac
sectors_are d vdb 49152; ok
vd_ok disk resize d hot +8M
sectors_are d vdb 65536; ok
vd_ok disk remove d hot
case "$OUT" in *"Deleted its file $VMS/d/hot.qcow2."*) ok ;;
*) fail "remove: $OUT" ;; esac
guest_until d 'ls /sys/block | tr "\n" " "; echo end' "sda sr0 vda end"; ok
[ ! -e "$VMS/d/hot.qcow2" ] || fail "hot.qcow2 is still there"; ok
grep -q '^\[disk hot\]' "$VMS/d/vm.conf" && fail "hot still in vm.conf"; ok

log "a USB disk is seen by the guest"
vd_ok disk add d --size 8M --bus usb --name stick
case "$OUT" in *"next start"*) fail "usb add deferred: $OUT" ;; esac
guest_until d 'echo "n=$(grep -c " 8192 sd" /proc/partitions)!"' \
    "n=1!"; ok

log "remove keeps what vmdesk did not make, and what another VM uses"
qemu-img create -q -f qcow2 "$TEST_TMP/mine.qcow2" 8M
vd_ok disk add d --file "$TEST_TMP/mine.qcow2" --name mine
vd_ok disk remove d mine
case "$OUT" in *"Kept its file $TEST_TMP/mine.qcow2: vmdesk did not create it"*) ok ;;
*) fail "remove --file disk: $OUT" ;; esac
[ -f "$TEST_TMP/mine.qcow2" ] || fail "mine.qcow2 was deleted"; ok
vd_ok disk add d --size 8M --name base
qemu-img create -q -f qcow2 -b "$VMS/d/base.qcow2" -F qcow2 \
    "$VMS/e/over.qcow2" 8M
printf '\n[disk over]\nfile = over.qcow2\n' >>"$VMS/e/vm.conf"
vd_ok disk remove d base
case "$OUT" in *"Kept its file $VMS/d/base.qcow2: disk over of VM e uses it"*) ok ;;
*) fail "remove of a backing file: $OUT" ;; esac
[ -f "$VMS/d/base.qcow2" ] || fail "base.qcow2 was deleted"; ok

log "live snapshots: a raw disk is refused with what works"
dd if=/dev/zero of="$TEST_TMP/raw.img" bs=1M count=4 2>/dev/null
vd_ok disk add d --file "$TEST_TMP/raw.img" --name raw
vd_fails 1 "detach it first: vmdesk disk remove d raw --keep-file" \
    snapshot create d s1; ok
vd_ok disk remove d raw --keep-file
vd_ok snapshot create d s1
case "$OUT" in *"Took live snapshot s1"*) ok ;; *) fail "snapshot: $OUT" ;; esac

log "a SCSI disk waits for the next start (no controller yet)"
vd_ok disk add d --size 12M --bus scsi --name sc
case "$OUT" in *"takes effect at next start"*) ok ;;
*) fail "scsi add not deferred: $OUT" ;; esac

log "a restart keeps it all: the SCSI and USB disks, not the removed ones"
vd_ok stop d --timeout 20 --force
vd_ok start d
wait_log d "tinylinux: ready" 2
guest_until d 'echo "n=$(grep -c " 12288 sd" /proc/partitions)!"' \
    "n=1!"; ok
guest_until d 'echo "n=$(grep -c " 8192 sd" /proc/partitions)!"' \
    "n=1!"; ok
guest_until d 'echo "n=$(grep -c " 32768 sd" /proc/partitions)!"' \
    "n=1!"; ok
vd_ok info d
case "$OUT" in *"disk       sc: $VMS/d/sc.qcow2 (scsi qcow2, 12M"*) ok ;;
*) fail "info: $OUT" ;; esac
case "$OUT" in *"cdrom      (empty)"*) ok ;; *) fail "info cdrom: $OUT" ;; esac

log "a host USB device blocks a live snapshot; disk-only works"
# (A share is refused by QEMU itself, explained: tests/integration/shares.sh.)
printf '\n[usb h]\nhost = 1d6b:0002\n' >>"$VMS/d/vm.conf"
vd_fails 1 "host USB device passed through (usb h)" snapshot create d s2
case "$OUT" in *"--disk-only"*) ok ;; *) fail "no way out: $OUT" ;; esac
vd_ok snapshot create d s3 --disk-only; ok

vd_ok kill d
remove_frozen_bases
echo "$passed passed, 0 failed"
