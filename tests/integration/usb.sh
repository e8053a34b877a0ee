#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# USB: a read-only stick in vm.conf is there at boot (and read-only in the
# guest); a vfat stick plugged in live shows up as a disk, is mounted and
# its file read, the guest's write reaches the image, and it goes away
# when unplugged live; a host device that is absent, a qcow2 image and a
# file in another VM's folder are refused in words.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null || {
	echo "SKIP: no mkfs.vfat or mcopy (dosfstools, mtools)" >&2
	exit 77
}

# A vfat stick with one file.
make_stick() {
	rm -f "$1"
	mkfs.vfat -C -n "$2" "$1" 4096 >/dev/null || fail "mkfs.vfat $1"
	printf 'hello from %s\n' "$2" >"$TEST_TMP/hello.txt"
	mcopy -i "$1" "$TEST_TMP/hello.txt" ::hello.txt || fail "mcopy"
}

make_stick "$TEST_TMP/ro.img" ROSTICK
make_stick "$TEST_TMP/stick.img" RWSTICK

log "refusals: absent host device, qcow2, another VM's folder, no file"
vd_ok create u1 --template tinylinux --memory 128M
vd_ok create u2 --template tinylinux --memory 128M
vd_fails 1 "no USB device ffff:fffe is plugged into this host" \
    usb add u1 --host ffff:fffe
vd_fails 1 "is not a USB id VENDOR:PRODUCT" usb add u1 --host 12:34
qemu-img create -q -f qcow2 "$TEST_TMP/q.qcow2" 8M
vd_fails 1 "is qcow2, not a raw image" usb add u1 --file "$TEST_TMP/q.qcow2"
cp "$TEST_TMP/ro.img" "$VMDESK_HOME/vms/u2/x.img"
vd_fails 1 "is inside another VM's folder" \
    usb add u1 --file "$VMDESK_HOME/vms/u2/x.img"
vd_fails 1 "is not a regular file you can read" \
    usb add u1 --file "$TEST_TMP/none.img"
vd_fails 2 "usage: vmdesk usb" usb add u1
grep -q '^\[usb' "$VMDESK_HOME/vms/u1/vm.conf" && fail "a refusal wrote vm.conf"
# A device in vm.conf that is not plugged in is refused at start.
printf '[usb gone]\nhost = ffff:fffe\n' >>"$VMDESK_HOME/vms/u2/vm.conf"
vd_fails 1 "usb gone: no USB device ffff:fffe is plugged" start u2
[ "$(count_live vmdesk-u2)" -eq 0 ] || fail "QEMU started without the device"

log "a read-only stick from vm.conf is there at boot"
vd_ok usb add u1 --file "$TEST_TMP/ro.img" --readonly
case "$OUT" in *"Added USB device usb0 to VM u1."*) ;;
*) fail "usb add: $OUT" ;; esac
vd_ok start u1
wait_log u1 "tinylinux: ready"
serial_expect u1 'i=0; while [ $i -lt 60 ] && ! [ -e /sys/block/sda ]; do \
sleep 0.5; i=$((i+1)); done; echo RO-$(cat /sys/block/sda/ro)' RO-1

log "a stick plugged in live is seen, mounted, read and written"
vd_ok usb add u1 --file "$TEST_TMP/stick.img"
case "$OUT" in *"Added USB device usb1 to VM u1."*) ;;
*) fail "usb add live: $OUT" ;; esac
serial_expect u1 'i=0; while [ $i -lt 60 ] && ! [ -e /sys/block/sdb ]; do \
sleep 0.5; i=$((i+1)); done; echo RW-$(cat /sys/block/sdb/ro)' RW-0
# iocharset: the kernel's default (ascii) is a module tinylinux lacks.
serial_expect u1 'mkdir -p /mnt/s && \
mount -t vfat -o iocharset=iso8859-1 /dev/sdb /mnt/s && \
cat /mnt/s/hello.txt' 'hello from RWSTICK'
serial_expect u1 'echo guest-wrote > /mnt/s/back.txt && umount /mnt/s && \
echo UMOUNTED-$((1+1))' UMOUNTED-2
vd_ok usb list u1
printf '%s\n' "$OUT" | grep -q "^usb0 .*stick $TEST_TMP/ro.img (read-only)$" ||
    fail "usb list: $OUT"
vd_ok info u1 --json
printf '%s\n' "$OUT" | grep -q "\"file\": \"$TEST_TMP/stick.img\"" ||
    fail "info --json lacks the stick: $OUT"

log "unplugged live: gone from the guest and vm.conf; the write is there"
vd_ok usb remove u1 usb1
serial_expect u1 'i=0; while [ $i -lt 60 ] && [ -e /sys/block/sdb ]; do \
sleep 0.5; i=$((i+1)); done; ls /sys/block | grep -c ^sd | sed s/^/SD-/' SD-1
grep -q '^\[usb usb1\]' "$VMDESK_HOME/vms/u1/vm.conf" && fail "usb1 kept"
[ "$(mtype -i "$TEST_TMP/stick.img" ::back.txt)" = guest-wrote ] ||
    fail "the guest's write is not in the image"
vd_fails 1 "has no USB device nope" usb remove u1 nope
