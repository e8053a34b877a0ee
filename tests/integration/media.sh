#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk media with a real tinylinux guest under TCG: an ISO made with
# xorriso, inserted into the running VM's (empty) CD drive, is mounted in
# the guest and a file on it read; eject is refused while the guest holds
# the tray and works after umount; a restart keeps the disc because
# vm.conf has it; an image that is not an ISO is refused.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"

if ! command -v xorriso >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && { echo "ERROR: no xorriso" >&2; exit 99; }
	echo "SKIP: xorriso is not installed (tools/install-deps)" >&2
	exit 77
fi

mkdir "$TEST_TMP/disc"
echo "media-ok-$$" >"$TEST_TMP/disc/hello.txt"
xorriso -as mkisofs -quiet -V VMDESKT -o "$TEST_TMP/t.iso" \
    "$TEST_TMP/disc" 2>/dev/null || fail "xorriso failed"

log "a running VM without an ISO still has an (empty) CD drive"
vd_ok create m --template tinylinux --memory 128M
vd_ok start m
wait_log m "tinylinux: ready"
serial_expect m 'ls /sys/block | tr "\n" " "; echo end' "sr0"; ok
vd_ok info m
case "$OUT" in *"cdrom      (empty)"*) ok ;; *) fail "info: $OUT" ;; esac

log "insert live: the guest mounts it and reads a file"
vd_ok media insert m "$TEST_TMP/t.iso"
case "$OUT" in *"Inserted $TEST_TMP/t.iso in VM m's CD drive."*) ok ;;
*) fail "insert: $OUT" ;; esac
case "$OUT" in *"next start"*) fail "insert deferred: $OUT" ;; esac
grep -q "^iso = $TEST_TMP/t.iso\$" "$VMS/m/vm.conf" ||
    fail "vm.conf lacks the ISO: $(cat "$VMS/m/vm.conf")"; ok
serial_expect m 'mount -t iso9660 /dev/sr0 /mnt && cat /mnt/hello.txt' \
    "media-ok-$$"; ok
vd_ok info m --json
case "$OUT" in *'"cdrom": {'*'"file": "'"$TEST_TMP/t.iso"'"'*) ok ;;
*) fail "info --json: $OUT" ;; esac

log "eject: refused while mounted (the guest locks the tray), then done"
vd_fails 1 "unmount it in the guest, or eject with --force" media eject m; ok
serial_expect m 'umount /mnt && echo unmounted-$((6*7))' "unmounted-42"
vd_ok media eject m
case "$OUT" in *"Ejected the CD of VM m."*) ok ;; *) fail "eject: $OUT" ;; esac
grep -q '^iso = ' "$VMS/m/vm.conf" && fail "vm.conf still has the ISO"; ok
# The guest computes the marker: the echoed command never holds it.
serial_expect m \
    'mount -t iso9660 /dev/sr0 /mnt 2>/dev/null || echo nodisc-$((6*7))' \
    "nodisc-42"; ok

log "hostile: a qcow2 named .iso is refused; nothing changes"
qemu-img create -q -f qcow2 "$TEST_TMP/fake.iso" 8M
vd_fails 1 "fake.iso" media insert m "$TEST_TMP/fake.iso"
case "$OUT" in *"not an ISO"*) ok ;; *) fail "fake ISO: $OUT" ;; esac
vd_fails 1 "No such file" media insert m "$TEST_TMP/nosuch.iso"; ok
grep -q '^iso = ' "$VMS/m/vm.conf" && fail "a refused insert wrote vm.conf"
ok

log "a restart keeps the disc: vm.conf has it"
vd_ok media insert m "$TEST_TMP/t.iso"
vd_ok stop m --timeout 20 --force
vd_ok start m
wait_log m "tinylinux: ready" 2
serial_expect m 'mount -t iso9660 /dev/sr0 /mnt && cat /mnt/hello.txt' \
    "media-ok-$$"; ok

vd_ok kill m
echo "$passed passed, 0 failed"
