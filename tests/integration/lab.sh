#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Labs as code (vmdesk-lab(5)): a lab of three tinylinux VMs on one
# private network and one outside it. plan shows 4 creates and exits 3;
# up boots them and the three ping each other but not the fourth; a
# second up does nothing and plan exits 0; a changed memory is one change,
# refused on a running VM without --restart and applied with it; a file
# written in a guest is gone after lab reset; a VM that is not the lab's
# is never touched; stopping up leaves only whole VMs, each named by
# the lab; destroy --yes removes every VM and leaves no file behind.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

# Private networks by names no other script uses at the same time.
net="lt$$"
lab="$TEST_TMP/net.lab"
write_lab() {
	cat >"$lab" <<LAB
[lab]
name = net
description = three nodes and one outside

[vm node]
template = tinylinux
count = 3
memory = 128M
nic.lab.net = private:${net}a
provision = ip addr add 10.0.9.{n}/24 dev eth1
provision = ip link set eth1 up

[vm out]
template = tinylinux
memory = $1
nic.lab.net = private:${net}b
provision = ip addr add 10.0.9.4/24 dev eth1 && ip link set eth1 up
LAB
}
write_lab 128M

log "errors name the file and line, before anything is made"
printf '[lab]\nname = bad\n[vm a]\ntemplate = tinylinux\nmemroy = 1G\n' \
    >"$TEST_TMP/bad.lab"
vd_fails 1 "bad.lab:5: 'memroy' is not a key" plan "$TEST_TMP/bad.lab"; ok
printf '[lab]\nname = bad\n[vm a]\ntemplate = tinylinux\nmemory = lots\n' \
    >"$TEST_TMP/bad.lab"
vd_fails 1 "bad.lab:5: memory" up "$TEST_TMP/bad.lab"; ok
printf '[lab]\nname = bad\n[vm a]\ntemplate = nosuch\n' >"$TEST_TMP/bad.lab"
vd_fails 1 "bad.lab:4:" up "$TEST_TMP/bad.lab"; ok
[ -z "$(ls "$VMDESK_HOME/vms" 2>/dev/null)" ] ||
    fail "a bad lab file made something: $(ls "$VMDESK_HOME/vms")"; ok

log "up refuses to start more memory than the host has, naming the VMs"
printf '[lab]\nname = big\n[vm huge]\ntemplate = tinylinux\nmemory = 900G\n' \
    >"$TEST_TMP/big.lab"
vd_fails 1 "up --force starts them anyway" up "$TEST_TMP/big.lab"; ok
case "$OUT" in *huge*available*) ok ;;
*) fail "the refusal does not name the VM and the figures: $OUT" ;; esac
[ "$(vm_field huge state)" = stopped ] || fail "huge was started"; ok
vd_ok destroy --yes big

log "plan: 4 creates, exit 3"
vd_fails 3 "4 to create, 0 to change" plan "$lab"; ok
case "$OUT" in *"+ node-3"*"nic.lab.net = private:${net}a"*"+ out"*) ok ;;
*) fail "plan does not list each VM and key: $OUT" ;; esac

log "up: four VMs, provisioned, with a baseline"
vd_ok up "$lab"
case "$OUT" in *"Lab net is up: 4 VM(s)."*) ok ;;
*) fail "up did not say the lab is up: $OUT" ;; esac
for vm in node-1 node-2 node-3 out; do
	[ "$(vm_field "$vm" state)" = running ] || fail "$vm is not running"
	grep -q '^lab = net$' "$VMDESK_HOME/vms/$vm/vm.conf" ||
	    fail "$vm is not named by the lab"
done; ok

log "the three reach each other, not the fourth"
serial_expect node-1 'ping -c1 -W3 10.0.9.2 >/dev/null && echo "p=$((1+1))!"' \
    'p=2!'; ok
serial_expect node-3 'ping -c1 -W3 10.0.9.1 >/dev/null && echo "p=$((2+1))!"' \
    'p=3!'; ok
serial_expect node-1 'ping -c1 -W3 10.0.9.4 >/dev/null || echo "q=$((2+2))!"' \
    'q=4!'; ok

log "a second up changes nothing; plan exits 0"
vd_ok plan "$lab"
case "$OUT" in *"0 to create, 0 to change, 0 to start, 4 as declared"*) ok ;;
*) fail "plan after up: $OUT" ;; esac
vd_ok up "$lab"
case "$OUT" in *creat*|*start*|*baseline*) fail "second up acted: $OUT" ;;
esac; ok
vd_ok snapshot list node-2 --json
[ "$(printf '%s\n' "$OUT" | grep -c '"name": "baseline"')" -eq 1 ] ||
    fail "node-2 has not one baseline: $OUT"; ok

# The guest's MemTotal: about 78 MB at 128M, 110 MB at 160M (the kernel
# and initramfs take the rest).
log "a changed memory: one change, applied with --restart"
write_lab 160M
vd_fails 3 "0 to create, 1 to change" plan "$lab"; ok
[ "$(printf '%s\n' "$OUT" | grep -c ' -> ')" -eq 1 ] ||
    fail "plan shows more than one change: $OUT"
case "$OUT" in *"memory: 128M -> 160M"*) ok ;;
*) fail "plan does not show the memory change: $OUT" ;; esac
vd_fails 1 "need a restart (up --restart)" up "$lab"; ok
grep -q '^memory = 128M$' "$VMDESK_HOME/vms/out/vm.conf" ||
    fail "up without --restart changed a running VM's vm.conf"; ok
vd_ok up --restart "$lab"
grep -q '^memory = 160M$' "$VMDESK_HOME/vms/out/vm.conf" ||
    fail "memory was not applied"; ok
serial_expect out \
    'echo "m=$(( $(grep MemTotal /proc/meminfo | tr -s " " | cut -d" " -f2) > 95000 ))!"' \
    'm=1!'; ok
vd_ok plan "$lab"; ok

log "lab reset: a file written in a guest is gone"
serial_expect node-2 'echo data >/data/written && sync && echo "w=$((3+4))!"' \
    'w=7!'; ok
vd_ok lab reset net
case "$OUT" in *"Lab net is reset to its baseline."*) ok ;;
*) fail "reset: $OUT" ;; esac
serial_expect node-2 'echo "f=$(ls /data | grep -c written)!"' 'f=0!'; ok
serial_expect out 'ip addr show eth1 | grep -q 10.0.9.4 && echo "a=$((5+5))!"' \
    'a=10!'; ok

log "a VM that is not the lab's is never touched"
vd_ok create bystander --template tinylinux --memory 64M
printf '\n[vm bystander]\ntemplate = tinylinux\n' >>"$lab"
vd_fails 1 "VM bystander exists and is not lab net's" plan "$lab"; ok
vd_fails 1 "VM bystander exists and is not lab net's" up "$lab"; ok
write_lab 160M

log "stopped during up (SIGTERM, as the desktop's cancel and Ctrl-C):"
log "only whole VMs, each named by the lab, and what was made is said"
cat >"$TEST_TMP/two.lab" <<LAB
[lab]
name = two
[vm t]
template = tinylinux
count = 3
memory = 64M
LAB
"$VMDESK" up "$TEST_TMP/two.lab" >"$TEST_TMP/up.out" 2>&1 &
pid=$!
i=0
until grep -q "t-2: creating" "$TEST_TMP/up.out" || [ $i -gt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "a stopped up exited $rc: $(cat "$TEST_TMP/up.out")"
grep -q "interrupted; done: made t-1" "$TEST_TMP/up.out" ||
    fail "up did not say what it made: $(cat "$TEST_TMP/up.out")"; ok
! grep -q "Lab two is up" "$TEST_TMP/up.out" || fail "a stopped up finished"
for d in "$VMDESK_HOME"/vms/* "$VMDESK_HOME"/vms/.[!.]*; do
	[ -e "$d" ] || continue
	case "$d" in */bystander) continue ;; esac
	[ -f "$d/vm.conf" ] && grep -q '^lab = ' "$d/vm.conf" ||
	    fail "$d is not a whole VM of a lab"
done; ok
vd_ok destroy --yes two
for vm in t-1 t-2 t-3; do
	[ ! -e "$VMDESK_HOME/vms/$vm" ] || fail "destroy left $vm"
done; ok

log "lab list"
vd_ok lab list --json
case "$OUT" in *'"name": "net"'*'"name": "node-1"'*'"state": "running"'*) ok ;;
*) fail "lab list --json: $OUT" ;; esac

log "destroy: asks, then removes every VM of the lab and nothing else"
vd_fails 1 "give --yes" destroy "$lab" </dev/null; ok
vd_ok destroy --yes "$lab"
[ "$(ls "$VMDESK_HOME/vms")" = bystander ] ||
    fail "destroy left or took VMs: $(ls -a "$VMDESK_HOME/vms")"; ok
[ -z "$(ls "$VMDESK_HOME/labs")" ] || fail "destroy left the lab's record"; ok
[ "$(count_live vmdesk-node-1)" -eq 0 ] || fail "node-1's QEMU lives on"; ok
vd_ok delete bystander
# images/ is the build tree's cache, shared with scripts that clone.
vd_ok doctor
case "$OUT" in *"0 problems,"*) ok ;;
*) fail "doctor finds problems after destroy: $OUT" ;; esac
printf '%s\n' "$OUT" | grep '^warn' | grep -v "$VMDESK_HOME/images/" &&
    fail "doctor warns after destroy: $OUT"; ok

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
