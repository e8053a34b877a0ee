#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop, driven in a real terminal (tmux): it lists VMs and states,
# starts one, survives kill -9 without taking VMs along, shows every key in
# its help, creates and boots a VM with the wizard, resizes at each screen,
# and draws with LANG=C, TERM=xterm (8 colours) and NO_COLOR.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

desktop_pid() { $TM list-panes -t d -F '#{pane_pid}'; }

open_desktop() {
	$TM kill-session -t d 2>/dev/null
	$TM new-session -d -s d -x "${2:-120}" -y "${3:-34}" "exec env $1 $VMDESK"
	wait_screen "F1Help"
}

# A session that stays: killing the last one stops tmux's server, and a
# new-session right after can race its shutdown.
$TM new-session -d -s keep "sleep 100000"

vd_ok create alpha --template tinylinux --memory 128M
vd_ok create beta --template tinylinux --memory 128M
mkdir -p "$VMDESK_HOME/vms/broken"
printf '[vm]\nname = broken\ncpus = many\n' >"$VMDESK_HOME/vms/broken/vm.conf"

log "the list shows VMs and their states"
open_desktop ""
wait_screen "alpha +stopped"; ok
wait_screen "beta +stopped"; ok
wait_screen "broken +invalid"; ok

log "F4 starts the selected VM"
$TM send-keys -t d Home F4
wait_screen "alpha +running" 150; ok
[ "$(vm_field alpha state)" = running ] || fail "alpha not running"; ok

log "every key of the table is in the help"
$TM resize-window -t d -x 120 -y 140
$TM send-keys -t d F1
wait_screen "vmdesk help"
help=$(screen)
"$VMDESK" keys | while read -r key rest; do
	echo "$help" | grep -qF -- "  $key " ||
	    { echo "key $key missing from the help" >&2; exit 1; }
done || fail "the help lacks keys"; ok

log "resizing at every screen"
for size in "60 20" "200 60" "80 24"; do
	$TM resize-window -t d -x ${size% *} -y ${size#* }
	sleep 0.3
	wait_screen "vmdesk help"
done
$TM send-keys -t d Escape
wait_screen "F1Help"
$TM send-keys -t d Home F9
wait_screen "Force stop"
for size in "40 12" "130 40" "80 24"; do
	$TM resize-window -t d -x ${size% *} -y ${size#* }
	sleep 0.3
	wait_screen "Force stop"
done
$TM send-keys -t d n
$TM send-keys -t d F2
wait_screen "Create a VM"
for size in "50 15" "120 34"; do
	$TM resize-window -t d -x ${size% *} -y ${size#* }
	sleep 0.3
	wait_screen "Create a VM"
done
alive "$(desktop_pid)" || fail "the desktop died while resizing"; ok

log "e edits a stopped VM's hardware"
$TM send-keys -t d Escape Home Down e
wait_screen "Edit hardware"
# The fields follow vm.conf's key table (vmdesk set --keys: the settable
# keys of [vm], then [boot], each disk and each NIC), so memory is as far
# down as the table puts it, and the NIC's forwards are last (Up from the
# top wraps to them).
n=$("$VMDESK" set --keys | awk 'NR > 1 && $2 == "yes" && $1 !~ /\./ {
	print $1 }' | grep -n '^memory$' | cut -d: -f1)
[ -n "$n" ] || fail "set --keys has no settable memory"
i=1
while [ "$i" -lt "$n" ]; do
	$TM send-keys -t d Down
	i=$((i + 1))
done
$TM send-keys -t d BSpace BSpace BSpace BSpace 2 0 0 M
wait_screen "memory +200M"
i=0
while [ "$i" -lt "$n" ]; do
	$TM send-keys -t d Up
	i=$((i + 1))
done
$TM send-keys -t d t c p : 2 2 2 2 : 2 2
wait_screen "nic\.[a-z0-9]*\.forward +tcp:2222:22"
$TM send-keys -t d Enter
wait_screen "beta: saved"; ok
grep -q "^memory = 200M" "$VMDESK_HOME/vms/beta/vm.conf" &&
    grep -q "^forward = tcp:2222:22" "$VMDESK_HOME/vms/beta/vm.conf" ||
    fail "the edit did not reach vm.conf"; ok
$TM send-keys -t d Home e
wait_screen "alpha is running: stop it to change"; ok

log "the snapshot screen shows a branch, takes and clones from a node"
vd_ok snapshot create beta base --note "clean"
vd_ok snapshot create beta left
vd_ok snapshot revert beta base
vd_ok snapshot create beta right
$TM send-keys -t d Home Down S
wait_screen "Snapshots of beta"
wait_screen "base +disk .*clean"; ok
wait_screen "(├─|\|-) left"; ok
wait_screen "(└─|\`-) right (◀|<-) you are here"; ok
$TM send-keys -t d t
wait_screen "Take a snapshot"
$TM send-keys -t d Enter
wait_screen "right" 
wait_screen "(└─|\`-) snap4 (◀|<-) you are here" 100; ok
$TM send-keys -t d Home c
wait_screen "Clone from here"
$TM send-keys -t d b e t a - b a s e Enter
wait_screen "done: new VM beta-base" 150; ok
"$VMDESK" snapshot list beta --json | grep -q '"name": "snap4"' ||
    fail "snap4 is not in the tree"; ok
[ -f "$VMDESK_HOME/vms/beta-base/vm.conf" ] || fail "no clone"; ok
$TM send-keys -t d Escape

log "the wizard creates and boots a VM"
$TM send-keys -t d F2
wait_screen "Create a VM"
$TM send-keys -t d tiny
wait_screen "tinylinux +Linux"
$TM send-keys -t d Enter
wait_screen "Name of the new VM"
$TM send-keys -t d BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace w i z 1
wait_screen "wiz1"
$TM send-keys -t d Enter
wait_screen "Memory"
fwport=$((40000 + $$ % 20000))
$TM send-keys -t d Tab BSpace BSpace BSpace BSpace 1 2 8 M Tab Tab
$TM send-keys -t d -l "tcp:$fwport:22"
$TM send-keys -t d Enter
wait_screen "Create wiz1 from tinylinux"
wait_screen "forwards tcp:$fwport:22"
$TM send-keys -t d c
wait_screen "\[x\] then open its serial console"
$TM send-keys -t d Enter
# Created, started, and the terminal handed to its serial console.
wait_screen "attached to wiz1's serial console" 300; ok
wait_screen "tinylinux:/#" 300; ok
$TM send-keys -t d 'echo con''sole-$((40+2))' Enter
wait_screen "console-42"; ok
$TM send-keys -t d C-]
wait_screen "F1Help"
wait_screen "wiz1 +running"; ok
[ "$(vm_field wiz1 state)" = running ] || fail "wiz1 not running"; ok
wait_log wiz1 "tinylinux: ready"; ok
grep -q "^forward = tcp:$fwport:22" "$VMDESK_HOME/vms/wiz1/vm.conf" ||
    fail "the wizard's forward is not in vm.conf"; ok

log "kill -9 of the desktop leaves VMs running; a new one finds them"
apid=$(vm_field alpha pid)
kill -9 "$(desktop_pid)"
sleep 0.5
[ "$(vm_field alpha state)" = running ] || fail "alpha died with the desktop"
[ "$(vm_field alpha pid)" = "$apid" ] || fail "alpha's QEMU changed"; ok
open_desktop ""
wait_screen "alpha +running"; ok
wait_screen "wiz1 +running"; ok

log "the wizard asks a bring-your-own template for its ISO"
$TM send-keys -t d F2
wait_screen "Create a VM"
$TM send-keys -t d windows-11
wait_screen "windows-11 +Windows"
$TM send-keys -t d Enter
wait_screen "Name of the new VM"
$TM send-keys -t d Enter
wait_screen "Password"
$TM send-keys -t d Enter
wait_screen "ISO: windows-11 needs your installer ISO"; ok
head -c 1048576 /dev/zero >"$TEST_TMP/inst.iso"
$TM send-keys -t d Tab Tab Tab Tab
$TM send-keys -t d -l "$TEST_TMP/inst.iso"
$TM send-keys -t d Enter
wait_screen "installer: $TEST_TMP/inst.iso"; ok
# Space: do not start it (Windows setup under TCG is not for a test).
$TM send-keys -t d " " Enter
wait_screen "created windows-11-1"; ok
grep -q '^iso = .*\.iso$' "$VMDESK_HOME/vms/windows-11-1/vm.conf" ||
    fail "the wizard's ISO is not in vm.conf"; ok

log "LANG=C, TERM=xterm (8 colours) and NO_COLOR still draw"
open_desktop "LANG=C LC_ALL=C TERM=xterm" 100 30
wait_screen "alpha +running"; ok
screen | grep -q "$(printf '\342\226')" && fail "UTF-8 blocks under LANG=C"
ok
open_desktop "NO_COLOR=1" 100 30
wait_screen "beta +stopped"; ok

log "[keys] in the config: a bad line is named, a good one binds"
mkdir -p "$XDG_CONFIG_HOME/vmdesk"
printf '[keys]\nlaunch = F12\n' >"$XDG_CONFIG_HOME/vmdesk/config"
out=$(script -qec "$VMDESK" /dev/null 2>&1)
rc=$?
case "$out" in
*"config:2: unknown action 'launch'"*) ;;
*) fail "bad [keys] line: $out" ;;
esac
[ "$rc" -eq 1 ] || fail "bad [keys] line exited $rc"; ok
printf '[keys]\ngraphs = F12\n' >"$XDG_CONFIG_HOME/vmdesk/config"
open_desktop "" 100 30
$TM send-keys -t d Home F12
wait_screen "Graphs of alpha"; ok
$TM send-keys -t d Escape
rm "$XDG_CONFIG_HOME/vmdesk/config"

log "vmdesk demo (the README's first command) opens the desktop on it"
$TM kill-session -t d 2>/dev/null
$TM new-session -d -s d -x 120 -y 34 "exec $VMDESK demo"
wait_screen "demo +running" 300; ok
wait_screen "^ demo +CPU"; ok
vd_ok kill demo

log "q quits; VMs keep running"
$TM send-keys -t d q
sleep 1
[ "$(vm_field alpha state)" = running ] || fail "alpha stopped on quit"; ok
vd_ok kill alpha
vd_ok kill wiz1

echo "$passed passed, 0 failed"
