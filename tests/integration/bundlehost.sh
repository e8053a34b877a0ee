#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A bundle carries the VM's hardware but not the machine it was made on:
# a USB stick image travels with it (QEMU opens it as raw), while
# a share of a host folder, a host USB device and a host bridge are left
# out on import with a note each. A bundle made elsewhere must not give a
# guest this machine's / to write to.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

W="$TEST_TMP/w"
mkdir -p "$W"

vd_ok create hb --template tinylinux --memory 64M
conf="$VMDESK_HOME/vms/hb/vm.conf"
truncate -s 4M "$VMDESK_HOME/vms/hb/stick.img"
# What a bundle from elsewhere may say: vm.conf is the bundle's own text.
sed -i 's/^net = user$/net = bridge:br0/' "$conf"
cat >>"$conf" <<'CONF'

[share root]
path = /
readonly = no

[usb stick]
file = stick.img

[usb dongle]
host = 0781:5567
CONF
vd_ok export hb "$W/hb.tar.zst"; ok

log "import: the stick comes along, the host's things stay behind"
vd_ok import "$W/hb.tar.zst" hb2; ok
case "$OUT" in *"Note: share root (host folder / "*"left out"*) ok ;;
*) fail "no note on the share: $OUT" ;; esac
case "$OUT" in *"Note: USB device dongle (host device 0781:5567)"*) ok ;;
*) fail "no note on the USB device: $OUT" ;; esac
case "$OUT" in *"Note: NIC "*" was on host bridge br0"*) ok ;;
*) fail "no note on the bridge: $OUT" ;; esac
conf2="$VMDESK_HOME/vms/hb2/vm.conf"
grep -q '^\[share' "$conf2" && fail "the share was imported"; ok
grep -q '^host = ' "$conf2" && fail "the host USB device was imported"; ok
grep -q '^net = bridge' "$conf2" && fail "the bridge was imported"; ok
grep -q '^\[usb stick\]' "$conf2" || fail "the stick's section is gone"; ok
stick=$(sed -n '/^\[usb stick\]/,/^\[/s/^file = //p' "$conf2")
[ -f "$VMDESK_HOME/vms/hb2/$stick" ] || fail "the stick image is missing"
[ "$(stat -c %s "$VMDESK_HOME/vms/hb2/$stick")" -eq 4194304 ] ||
    fail "the stick image changed size"; ok

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
