#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk doctor --fix never removes a file a backing chain or a running
# VM uses. Builds every kind of VM (template, --image, --iso, linked
# clone, clone of a clone, import of a bundle of a linked clone,
# import-ova, a disk named "./data.qcow2", a disk named by its path
# through a symlinked library), adds real leftovers, runs doctor --fix
# (also through the symlink), checks every chain is whole and boots each
# tinylinux-based VM to read a marker written before. A stray disk in a
# running VM's folder is kept until it stops; a missing base and a
# damaged snapshots.conf are problems, never "0 problems".
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/ova.sh"
need_kernel
t0=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

# Bases go to images/bases: keep them out of the cache other tests share
# (a doctor --fix here must not see, or remove, their bases).
rm "$VMDESK_HOME/images"
mkdir "$VMDESK_HOME/images"
ln -s "$IMAGE_CACHE/tinylinux" "$VMDESK_HOME/images/tinylinux"
VMS="$VMDESK_HOME/vms"
BASES="$VMDESK_HOME/images/bases"
W="$TEST_TMP/w"
mkdir -p "$W"

# A VM made from a bare disk boots tinylinux's kernel on it.
boot_prep() {
	conf="$VMS/$1/vm.conf"
	grep -q '^kernel = ' "$conf" && return 0
	tl=$(ls -d "$VMDESK_HOME"/images/tinylinux/*/ | head -n 1)
	sed -i -e 's/^bus = .*$/bus = virtio/' -e '/^order = /d' "$conf"
	sed -i "/^\[boot\]$/a kernel = ${tl}vmlinuz\ninitrd = ${tl}initrd.img\ncmdline = console=ttyS0" \
	    "$conf"
}

# Every disk vm.conf names, and every file under it, is there.
chains_whole() {
	for vm in $(ls "$VMS"); do
		for f in $(sed -n 's/^file = //p' "$VMS/$vm/vm.conf"); do
			case "$f" in /*) p=$f ;; *) p="$VMS/$vm/$f" ;; esac
			qemu-img info -U --backing-chain "$p" >"$W/chain" 2>&1 ||
			    fail "$1: VM $vm: disk $f: $(tail -n 1 "$W/chain")"
		done
	done
}

# Boot a VM and read the marker off its disk.
boot_reads() {
	n=$(grep -c -F "tinylinux: ready" "$VMS/$1/serial.log" 2>/dev/null)
	vd_ok start "$1"
	wait_log "$1" "tinylinux: ready" $((${n:-0} + 1))
	serial_expect "$1" 'cat /data/m' MARK-src
	vd_ok kill "$1"
}

log "the source: tinylinux from its template, a marker on /data"
vd_ok create src --template tinylinux --memory 128M
vd_ok start src
wait_log src "tinylinux: ready"
serial_expect src 'echo MARK-src >/data/m; sync; echo wrote' wrote
vd_ok stop src

log "every kind of VM"
qemu-img convert -O qcow2 "$VMS/src/data.qcow2" "$W/img.qcow2" ||
    fail "qemu-img convert"
vd_ok create img --image "$W/img.qcow2" --memory 128M
boot_prep img
head -c 65536 /dev/urandom >"$W/inst.iso"
vd_ok create iso --iso "$W/inst.iso" --disk-size 64M --memory 128M
vd_ok clone src lc
vd_ok clone lc lc2
vd_ok export lc2 "$W/lc2.tar.zst"
vd_ok import "$W/lc2.tar.zst" imp
ova_build "$W/ova" "$VMS/src/data.qcow2" "$W/appl.ova" appl 1 128
vd_ok import-ova "$W/appl.ova"
boot_prep appl
vd_ok clone src dot --full
sed -i 's|^file = data.qcow2$|file = ./data.qcow2|' "$VMS/dot/vm.conf"
grep -q '^file = ./data.qcow2$' "$VMS/dot/vm.conf" || fail "dot's vm.conf"
ok

log "a library reached through a symlink, a disk named by its real path"
mv "$VMDESK_HOME" "$TEST_TMP/real"
ln -s "$TEST_TMP/real" "$VMDESK_HOME"
vd_ok clone src abs --full
sed -i "s|^file = data.qcow2\$|file = $TEST_TMP/real/vms/abs/data.qcow2|" \
    "$VMS/abs/vm.conf"
grep -q "^file = $TEST_TMP/real/" "$VMS/abs/vm.conf" || fail "abs's vm.conf"
ok

log "real leftovers: a stray disk, a stray base, a temp file"
qemu-img create -q -f qcow2 "$VMS/src/old.qcow2" 1M
qemu-img create -q -f qcow2 "$BASES/gone-data-1.qcow2" 1M
: >"$VMS/src/vm.conf.tmp.999999"
vd doctor
for f in "$VMS/src/old.qcow2" "$BASES/gone-data-1.qcow2" \
    "$VMS/src/vm.conf.tmp.999999"; do
	case "$OUT" in *"$f"*) ;; *) fail "doctor does not report $f: $OUT" ;;
	esac
done
ok
for vm in imp dot abs; do
	case "$OUT" in *"/vms/$vm/"*)
		fail "doctor calls a file of $vm a leftover: $OUT" ;;
	esac
done
ok

log "doctor --fix, through the symlink and through the real path"
vd_ok doctor --fix
VMDESK_HOME="$TEST_TMP/real" vd_ok doctor --fix
case "$OUT" in *leftover*|*damaged*) fail "doctor after --fix: $OUT" ;; esac
for f in "$VMS/src/old.qcow2" "$BASES/gone-data-1.qcow2" \
    "$VMS/src/vm.conf.tmp.999999"; do
	[ ! -e "$f" ] || fail "doctor --fix left $f"
done
ok
chains_whole "after doctor --fix"; ok
ls "$VMS/imp" | grep -q '^base-' &&
    fail "imp keeps a private base: imported bases join the cache"
ok

log "a running VM's files are never touched"
vd_ok start lc
qemu-img create -q -f qcow2 "$VMS/lc/stray.qcow2" 1M
vd doctor --fix
case "$OUT" in *"$VMS/lc/stray.qcow2"*"kept: VM lc is running"*) ;;
*) fail "doctor --fix on a running VM: $OUT" ;; esac
[ -e "$VMS/lc/stray.qcow2" ] || fail "doctor --fix removed a running VM's file"
ok
wait_log lc "tinylinux: ready"
serial_expect lc 'cat /data/m' MARK-src
vd_ok kill lc
vd_ok doctor --fix
[ ! -e "$VMS/lc/stray.qcow2" ] || fail "the stray stays once lc stopped"; ok

log "each bootable VM boots and reads its data"
for vm in src img lc2 imp appl dot abs; do
	boot_reads "$vm"
	ok
done
vd_ok start iso
vd_ok kill iso
chains_whole "after the boots"; ok

log "damage is a problem: a missing base, a bad snapshots.conf"
base=$(qemu-img info -U --output=json "$VMS/lc2/data.qcow2" |
    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p')
[ -f "$base" ] || fail "lc2 has no base: '$base'"
mv "$base" "$W/held"
vd_fails 1 "broken backing chain" doctor
case "$OUT" in *"0 problems"*) fail "a broken chain is 0 problems" ;; esac
vd_fails 1 "broken backing chain" doctor --fix
mv "$W/held" "$base"
echo 'junk' >"$VMS/dot/snapshots.conf"
vd_fails 1 "snapshot tree damaged" doctor
rm "$VMS/dot/snapshots.conf"
vd_ok doctor; ok

echo "$passed passed, 0 failed"
echo "# took $(($(date +%s) - t0)) s"
