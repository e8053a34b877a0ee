#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk clone with real tinylinux guests under TCG: a linked clone and a
# full clone both boot and keep their own data while the source keeps
# working; a clone from a live snapshot resumes the snapshot's RAM; a
# running source, a source with snapshots (linked) and bad arguments are
# refused clearly.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"
BASES="$VMDESK_HOME/images/bases"

trap 'remove_frozen_bases; cleanup' EXIT

# A disk's backing file ("" for none).
backing() {
	qemu-img info -U --output=json "$1" |
	    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p'
}

# The MAC of a VM's first NIC.
mac_of() {
	sed -n 's/^mac = //p' "$VMS/$1/vm.conf" | head -n 1
}

log "the source: a marker on its data disk"
vd_ok create c1 --template tinylinux --memory 128M
vd_ok start c1
wait_log c1 "tinylinux: ready"
serial_expect c1 'echo src1 >/data/m; sync; echo wrote-src1' wrote-src1

log "a running source is refused"
vd_fails 1 "VM c1 is running: clone a stopped VM (vmdesk stop c1)" clone c1 c2
ok
[ ! -e "$VMS/c2" ] || fail "a refused clone left c2"; ok
vd_ok stop c1

log "bad arguments"
vd_fails 2 "--linked and --full exclude each other" clone c1 x --linked --full; ok
vd_fails 2 "--from-snapshot copies the disks" clone c1 x --linked \
    --from-snapshot s; ok
vd_fails 2 "usage: vmdesk clone SRC DST" clone c1; ok
vd_fails 1 "no VM named 'nosuch'" clone nosuch x; ok
vd_fails 1 "a VM named 'c1' already exists" clone c1 c1; ok
vd_fails 1 "VM name may only hold" clone c1 'a/b'; ok

log "linked: both get an overlay on one frozen base"
size_before=$(stat -c %s "$VMS/c1/data.qcow2")
vd_ok clone c1 c2
case "$OUT" in *"Cloned VM c1 to c2: linked"*"an overlay on the frozen base"*) ok ;;
*) fail "linked clone: $OUT" ;; esac
base=$(backing "$VMS/c2/data.qcow2")
case "$base" in "$BASES"/c1-data-*.qcow2) ok ;; *) fail "c2 backing '$base'" ;; esac
[ "$(backing "$VMS/c1/data.qcow2")" = "$base" ] || fail "c1 is not on the base"
ok
[ "$(stat -c %s "$base")" -eq "$size_before" ] || fail "the base is not c1's disk"
[ "$(stat -c %a "$base")" = 444 ] || fail "the base is writable"; ok
[ "$(mac_of c1)" != "$(mac_of c2)" ] || fail "c2 has c1's MAC"; ok
grep -q '^name = c2$' "$VMS/c2/vm.conf" || fail "c2's vm.conf names it"; ok

log "both boot, see the base's data, and keep their own"
vd_ok start c1
vd_ok start c2
wait_log c1 "tinylinux: ready" 2
wait_log c2 "tinylinux: ready"
serial_expect c2 'cat /data/m; echo c2 >/data/m; sync; echo wrote-c2' src1; ok
serial_expect c1 'cat /data/m; echo c1 >/data/m; sync; echo wrote-c1' src1; ok
serial_expect c2 'echo 3 >/proc/sys/vm/drop_caches; echo "m=$(cat /data/m)"' 'm=c2'; ok
serial_expect c1 'echo 3 >/proc/sys/vm/drop_caches; echo "m=$(cat /data/m)"' 'm=c1'; ok
qemu-img check -U -q -f qcow2 "$base" || fail "the base changed or broke"; ok

log "a linked clone of a VM with snapshots is refused"
serial_expect c1 'echo ram-S >/tmp/r; echo disk-S >/data/m; sync; echo wrote-S' wrote-S
vd_ok snapshot create c1 S --note "for the clone"
serial_expect c1 'echo ram-later >/tmp/r; echo disk-later >/data/m; sync; echo wrote-later' wrote-later
vd_ok stop c1
vd_fails 1 "disk data of VM c1 holds 1 snapshot: they live inside the disk" \
    clone c1 c3; ok

log "full: an independent copy, flattened from the overlay"
vd_ok clone c1 c3 --full
case "$OUT" in *"Cloned VM c1 to c3: full"*"disk data: converted with qemu-img"*) ok ;;
*) fail "full clone: $OUT" ;; esac
[ -z "$(backing "$VMS/c3/data.qcow2")" ] || fail "c3 has a backing file"; ok
qemu-img snapshot -l "$VMS/c3/data.qcow2" | grep -q vmdesk- &&
    fail "c3 kept c1's snapshots"
ok
vd_ok snapshot list c3
case "$OUT" in *"has no snapshots"*) ok ;; *) fail "c3 tree: $OUT" ;; esac
vd_ok start c3
wait_log c3 "tinylinux: ready"
serial_expect c3 'cat /data/m; echo c3 >/data/m; sync; echo wrote-c3' disk-later; ok
vd_ok kill c3

log "full, from a plain disk: a sparse copy"
vd_ok create c4 --template tinylinux --memory 128M
vd_ok clone c4 c5 --full
case "$OUT" in *"disk data: copied ("*|*"disk data: reflinked ("*) ok ;;
*) fail "plain full clone: $OUT" ;; esac
qemu-img compare -q "$VMS/c4/data.qcow2" "$VMS/c5/data.qcow2" ||
    fail "c5's disk differs from c4's"; ok
[ "$(du -k "$VMS/c5/data.qcow2" | cut -f1)" -le \
    $(( $(du -k "$VMS/c4/data.qcow2" | cut -f1) + 64 )) ] ||
    fail "the copy is not sparse"; ok

log "from a live snapshot: the new VM resumes its RAM"
vd_ok clone c1 c6 --from-snapshot S
case "$OUT" in *"Cloned VM c1 at snapshot S to c6"*"disk data: "*", at snapshot vmdesk-"*) ok ;;
*) fail "from-snapshot clone: $OUT" ;; esac
vd_ok snapshot list c6 --json
case "$OUT" in *'"name": "S"'*'"kind": "live"'*'"current": true'*'"note": "for the clone"'*) ok ;;
*) fail "c6 tree: $OUT" ;; esac
[ "$(qemu-img snapshot -U -l "$VMS/c6/data.qcow2" | grep -c vmdesk-)" -eq 1 ] ||
    fail "c6 holds other snapshots"; ok
vd_ok snapshot revert c6 S
case "$OUT" in *"resumed from its saved RAM"*) ok ;; *) fail "revert c6: $OUT" ;; esac
serial_expect c6 'echo 3 >/proc/sys/vm/drop_caches; echo "r=$(cat /tmp/r) m=$(cat /data/m)"' 'r=ram-S m=disk-S'; ok
vd_ok kill c6
vd_fails 1 "VM c1 has no snapshot 'nosuch'" clone c1 c7 --from-snapshot nosuch; ok
vd_ok start c1
vd_fails 1 "VM c1 is running" clone c1 c7 --from-snapshot S; ok
vd_ok kill c1

log "the source keeps its tree and its data"
vd_ok snapshot revert c1 S
serial_expect c1 'echo 3 >/proc/sys/vm/drop_caches; echo "r=$(cat /tmp/r) m=$(cat /data/m)"' 'r=ram-S m=disk-S'; ok
vd_ok kill c1

log "raw disks need --full"
mkdir -p "$VMS/r1"
qemu-img create -q -f raw "$VMS/r1/root.img" 16M
printf '[vm]\nname = r1\nmemory = 64M\n\n[disk root]\nfile = root.img\nformat = raw\n' \
    >"$VMS/r1/vm.conf"
vd_fails 1 "disk root is raw: a linked clone needs qcow2 disks (use --full)" \
    clone r1 r2; ok
vd_ok clone r1 r2 --full
cmp -s "$VMS/r1/root.img" "$VMS/r2/root.img" || fail "r2's disk differs"; ok

echo "$passed passed, 0 failed"
