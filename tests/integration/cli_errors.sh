#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input gives one clear line, exit 1 (2 for usage), and changes nothing.
. "${top_srcdir:-.}/tests/lib/common.sh"

passed=0
ok() { passed=$((passed + 1)); }

# A hand-made VM with a blank qcow2 disk: no kernel needed.
make_vm() {
	mkdir -p "$VMDESK_HOME/vms/$1"
	qemu-img create -q -f qcow2 "$VMDESK_HOME/vms/$1/disk.qcow2" 16M
	cat >"$VMDESK_HOME/vms/$1/vm.conf" <<CONF
[vm]
name = $1
machine = pc
memory = 64M
display = none

[disk root]
file = disk.qcow2
CONF
}

snapshot() {
	(cd "$VMDESK_HOME" && find . -path ./images -prune -o -type f \
	    -print0 | sort -z | xargs -0 sha256sum)
}

# Usage errors exit 2.
vd_fails 2 "unknown command 'frobnicate'" frobnicate; ok
vd_fails 2 "usage: vmdesk start NAME" start; ok
vd_fails 2 "unknown or incomplete option '--bogus'" start x --bogus; ok
vd_fails 2 "usage: vmdesk create" create x; ok
vd_fails 2 "memory must be between 16M and 1T" create x --template \
    tinylinux --memory 1M; ok
vd_fails 2 "'lots' is not a size" create x --template tinylinux \
    --memory lots; ok
vd_fails 2 "out of range" create x --template tinylinux --cpus 999; ok
vd_fails 2 "forward 'tcp:22' is not PROTO:HOSTPORT:GUESTPORT" create x \
    --template tinylinux --forward tcp:22; ok
vd_ok --version; case "$OUT" in "vmdesk "*) ok ;; *) fail "--version: $OUT" ;; esac
vd_ok start --help; case "$OUT" in *"usage: vmdesk start NAME"*) ok ;; *) fail "$OUT" ;; esac

# Wrong names.
vd_fails 1 "no VM named 'nope'" start nope; ok
vd_fails 1 "no VM named 'nope'" status nope; ok
vd_fails 1 "VM name '.x' may not start with '.'" start .x; ok
vd_fails 1 "VM name may only hold letters" create 'a/b' --template \
    tinylinux; ok
vd_fails 1 "no template named 'beos'" create b --template beos; ok
[ "$(echo "$OUT" | wc -l)" -eq 1 ] || fail "more than one line: $OUT"; ok

# A corrupt vm.conf names the file and line; nothing on disk changes.
make_vm broken
printf '[vm]\nname = broken\ncpus = lots\n' >"$VMDESK_HOME/vms/broken/vm.conf"
before=$(snapshot)
vd_fails 1 "vms/broken/vm.conf:3: cpus: 'lots' is not a number" start broken
ok
[ "$(snapshot)" = "$before" ] || fail "a failed start changed files"; ok
printf '\000\001garbage' >"$VMDESK_HOME/vms/broken/vm.conf"
vd_fails 1 "vm.conf:1: NUL byte" start broken; ok
printf '[vm]\nname = broken\nmemory = 4T\n' >"$VMDESK_HOME/vms/broken/vm.conf"
vd_fails 1 "memory must be between 16M and 1T" start broken; ok
: >"$VMDESK_HOME/vms/broken/vm.conf"
vd_fails 1 "no [vm] section" start broken; ok
vd_ok list
case "$OUT" in *broken*"no [vm] section"*) ok ;; *) fail "list: $OUT" ;; esac

# A disk that vanished.
make_vm nodisk
rm "$VMDESK_HOME/vms/nodisk/disk.qcow2"
vd_fails 1 "VM nodisk: disk $VMDESK_HOME/vms/nodisk/disk.qcow2 is missing" \
    start nodisk; ok

# QEMU refuses: its own words come back.
make_vm notqcow
echo "not a disk image" >"$VMDESK_HOME/vms/notqcow/disk.qcow2"
vd_fails 1 "QEMU refused to start" start notqcow; ok
case "$OUT" in *"qcow2"*) ok ;; *) fail "no QEMU text: $OUT" ;; esac
[ ! -e "$RUN/notqcow/qemu.pid" ] || fail "pidfile left after a refusal"; ok

# A missing QEMU.
make_vm noqemu
export VMDESK_QEMU=/nonexistent/qemu-system-x86_64
vd_fails 1 "QEMU is not installed" start noqemu; ok
unset VMDESK_QEMU

# An unknown accelerator, and KVM asked for where it does not work.
export VMDESK_ACCEL=hvf
vd_fails 1 "accelerator 'hvf' is not auto, kvm or tcg" start noqemu; ok
export VMDESK_ACCEL=tcg

# A runtime folder too deep for a UNIX socket path.
deep="$TEST_TMP/$(printf 'd%.0s' $(seq 1 90))"
mkdir -m 0700 -p "$deep"
saved_run=$XDG_RUNTIME_DIR
export XDG_RUNTIME_DIR=$deep
vd_fails 1 "too long for a UNIX socket path" start noqemu; ok
export XDG_RUNTIME_DIR=$saved_run

# A config file with a mistake names its line.
mkdir -p "$XDG_CONFIG_HOME/vmdesk"
printf '[vm]\naccel = warp\n' >"$XDG_CONFIG_HOME/vmdesk/config"
vd_fails 1 "config:2: accel: 'warp' is not auto, kvm or tcg" start noqemu; ok
rm "$XDG_CONFIG_HOME/vmdesk/config"

# Stopping or pausing what is not running.
vd_ok stop noqemu; case "$OUT" in *"not running"*) ok ;; *) fail "$OUT" ;; esac
vd_fails 1 "VM noqemu is stopped: start it first" pause noqemu; ok

# A deleted VM is gone from the list at once.
vd_ok delete noqemu
[ ! -e "$VMDESK_HOME/vms/noqemu" ] || fail "folder left"; ok
vd_ok list --json
case "$OUT" in *noqemu*) fail "deleted VM listed" ;; *) ok ;; esac

log "vmdesk set: checked as a whole, written atomically, or refused"
vd_ok create hw --template tinylinux
before=$(cat "$VMDESK_HOME/vms/hw/vm.conf")
vd_fails 1 "VM hw: cpus: 99 is out of range" set hw cpus=99 memory=1G; ok
vd_fails 1 "'color' is not a key of vm.conf" set hw color=red; ok
vd_fails 1 "firmware uefi-secure needs machine q35" set hw \
    firmware=uefi-secure machine=pc; ok
vd_fails 1 "'cpus' is not KEY=VALUE" set hw cpus; ok
vd_fails 2 "usage: vmdesk set" set hw; ok
[ "$(cat "$VMDESK_HOME/vms/hw/vm.conf")" = "$before" ] ||
    fail "a refused set changed vm.conf"; ok
vd_ok set hw cpus=2 memory=1536M display=virtio
grep -q '^cpus = 2$' "$VMDESK_HOME/vms/hw/vm.conf" &&
    grep -q '^memory = 1536M$' "$VMDESK_HOME/vms/hw/vm.conf" &&
    grep -q '^display = virtio$' "$VMDESK_HOME/vms/hw/vm.conf" ||
    fail "set did not write: $(cat "$VMDESK_HOME/vms/hw/vm.conf")"; ok

log "booleans read alike everywhere; a person's comments survive a set"
conf="$VMDESK_HOME/vms/hw/vm.conf"
for word in on true yes 1; do
	vd_ok set hw tpm=no
	vd_ok set hw tpm=$word
	grep -q '^tpm = yes$' "$conf" || fail "tpm=$word was not read as yes"
done; ok
sed -i 's/^tpm = yes$/# for Windows 11\ntpm  =  on/' "$conf"
printf '; keep me\n' >> "$conf"
vd_ok info hw --json
case "$OUT" in *'"tpm": true'*) ;; *) fail "info --json lacks tpm: $OUT";; esac
vd_ok set hw cpus=3
grep -q '^# for Windows 11$' "$conf" && grep -q '^tpm  =  on$' "$conf" &&
    grep -q '^; keep me$' "$conf" &&
    grep -q '^cpus = 3$' "$conf" ||
    fail "set rewrote the person's lines: $(cat "$conf")"; ok

log "set --keys lists every key of vm.conf, as text and JSON"
vd_ok set --keys --json
n=$(printf '%s\n' "$OUT" | grep -c '"key": ')
[ "$n" -ge 27 ] || fail "set --keys --json listed $n keys"
for k in '"key": "cpus"' '"key": "disk.NAME.bus"' '"key": "nic.NAME.forward"' \
    '"applies": "next-start"' '"values": \['; do
	printf '%s\n' "$OUT" | grep -q "$k" || fail "set --keys --json lacks $k"
done; ok
vd_ok set --keys
printf '%s\n' "$OUT" | grep -q '^memory  *yes 16M-1T' ||
    fail "set --keys text: $OUT"; ok
vd_ok set hw boot.order=dc nic.net0.forward=tcp:2201:22,udp:5301:53
grep -q '^order = dc$' "$conf" && grep -q '^forward = udp:5301:53$' "$conf" ||
    fail "paths did not set: $(cat "$conf")"; ok

log "an empty device list says so, and how to add one"
vd_ok create fwless --template tinylinux --memory 64M
vd_ok usb list hw
case "$OUT" in *"VM hw has no USB devices (vmdesk usb add hw"*) ok ;;
*) fail "usb list: $OUT" ;; esac
vd_ok share list hw
case "$OUT" in *"VM hw has no shared folders"*) ok ;;
*) fail "share list: $OUT" ;; esac
vd_ok forward list fwless
case "$OUT" in *"VM fwless forwards no ports"*) ok ;;
*) fail "forward list: $OUT" ;; esac
vd_ok usb list hw --json
[ "$OUT" = "[]" ] || fail "usb list --json: $OUT"; ok

echo "$passed passed, 0 failed"
