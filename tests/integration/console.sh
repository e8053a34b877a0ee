#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A VM's screen in a real terminal (tmux) with real QEMU: SeaBIOS's screen
# and tinylinux's VGA console read back as text, keys typed reach the
# guest, the guest's switch to a 1024x768 framebuffer keeps the session,
# an idle guest costs no bytes, kill -9 of QEMU shows "disconnected" and
# the view reconnects; screenshots through QMP.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
TMUX_SESSION=v
WAIT_TICKS=150
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# vmdesk view NAME in a fresh tmux window of $2 by $3 cells.
open_view() {
	$TM kill-session -t v 2>/dev/null
	$TM new-session -d -s v -x "${2:-100}" -y "${3:-30}" \
	    "$VMDESK view $1; echo view-ended-\$?; sleep 100000"
}

view_pid() { $TM list-panes -t v -F '#{pane_pid}'; }

$TM new-session -d -s keep "sleep 100000"

log "a VM with no bootable disk: SeaBIOS's screen as text"
vd_ok create nb --template tinylinux --memory 64M
# No kernel and no NIC (iPXE would try the network first): a blank disk.
sed -i '/^\[boot\]/,/^cmdline/d; /^\[nic/,/^mac/d' "$VMDESK_HOME/vms/nb/vm.conf"
grep -q kernel "$VMDESK_HOME/vms/nb/vm.conf" && fail "nb still has a kernel"
vd_ok start nb
open_view nb
wait_screen "^SeaBIOS \(version"; ok
wait_screen "^No bootable device\."; ok
wait_screen "^ nb  text 80x25  720x400  Ctrl-\] menu"; ok

log "vmdesk screenshot writes a PNG through QEMU"
vd_ok screenshot nb "$TEST_TMP/nb.png"
[ "$(head -c 8 "$TEST_TMP/nb.png" | od -An -tx1 | tr -d ' ')" = \
    89504e470d0a1a0a ] || fail "nb.png is not a PNG"; ok
(cd "$TEST_TMP" && "$VMDESK" screenshot nb rel.png >/dev/null) ||
    fail "a relative screenshot path failed"
[ -s "$TEST_TMP/rel.png" ] || fail "rel.png was not written where asked"; ok
vd_fails 1 "must end in .png" screenshot nb "$TEST_TMP/nb.jpg"; ok
vd_fails 1 "no VM named 'nope'" screenshot nope "$TEST_TMP/x.png"; ok
vd_fails 1 "no VM named 'nope'" view nope; ok
vd_ok create hl --template tinylinux --memory 64M
sed -i 's/^display = vga/display = none/' "$VMDESK_HOME/vms/hl/vm.conf"
vd_fails 1 "VM hl has no display" view hl; ok
vd_fails 1 "VM hl has no display" screenshot hl "$TEST_TMP/hl.png"; ok
ls "$TEST_TMP" | grep -q tmp && fail "a temporary screenshot was left"; ok

log "the menu: a screenshot into the VM's folder, and leave"
$TM send-keys -t v C-]
wait_screen "Send to the guest"
$TM send-keys -t v s
wait_screen "saved .*/vms/nb/screenshot-[0-9-]*\.png"; ok
ls "$VMDESK_HOME/vms/nb/"screenshot-*.png >/dev/null ||
    fail "no screenshot in nb's folder"; ok
$TM send-keys -t v C-] q
wait_screen "view-ended-0"; ok
vd_ok kill nb
vd_fails 1 "VM nb is stopped: vmdesk start nb" view nb; ok

log "tinylinux's VGA console: the shell prompt as text, keys reach it"
vd_ok create tl --template tinylinux --memory 128M
vd_ok start tl
wait_log tl "tinylinux: ready"
open_view tl
wait_screen "^tinylinux:/# *$"; ok
# The terminal's cursor sits where the guest's is: after the prompt.
i=0
while [ "$($TM display -p -t v '#{cursor_x}')" != 13 ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$($TM display -p -t v '#{cursor_x}')" = 13 ] ||
    fail "cursor at $($TM display -p -t v '#{cursor_x}'), not after the prompt"
ok
# Shifted characters ($, (, *, ", |, >) need Shift sent by us.
$TM send-keys -t v -l 'echo MARK$((6*7)) "A|B" >/dev/ttyS0; echo MARK$((6*7))'
$TM send-keys -t v Enter
wait_screen "^MARK42$"; ok
wait_screen '^tinylinux:/# echo MARK\$\(\(6\*7\)\) "A\|B" >/dev/ttyS0; echo'; ok
wait_log tl 'MARK42 A|B'; ok

log "Ctrl-C reaches the guest: it stops a sleep"
$TM send-keys -t v -l 'sleep 1000'
$TM send-keys -t v Enter
wait_screen "^tinylinux:/# sleep 1000$"
sleep 1
screen | grep -q "^tinylinux:/# *$" && fail "the sleep did not start"
$TM send-keys -t v C-c
# Only an interrupted sleep gives the prompt back.
wait_screen "^tinylinux:/# *$"; ok

log "box drawing on the guest's console comes back as box drawing"
box='\342\224\214\342\224\200\342\224\220'
$TM send-keys -t v -l "printf '$box\\n'"
$TM send-keys -t v Enter
wait_screen "^$(printf '\342\224\214\342\224\200\342\224\220')$"; ok

log "the menu overlays the screen, which is whole again after it"
$TM send-keys -t v C-]
wait_screen "Send to the guest"
screen | grep -q '^tinylinux:/# echo MARK.*/dev/ttyS0; echo' &&
    fail "the menu does not cover the echoed line"
$TM send-keys -t v Escape
wait_screen '^tinylinux:/# echo MARK\$\(\(6\*7\)\) "A\|B" >/dev/ttyS0; echo'; ok

log "the menu sends Ctrl-Alt-F2 and Ctrl-Alt-F1: the guest switches VTs"
# The kernel switches only to a VT in use: write on tty2 first.
$TM send-keys -t v -l 'echo ON-TTY$((1+1)) >/dev/tty2'
$TM send-keys -t v Enter
wait_screen '^tinylinux:/# echo ON-TTY.*tty2$'
$TM send-keys -t v C-] F2
wait_screen '^ON-TTY2$'; ok
screen | grep -q '^MARK42$' && fail "tty1's text is still there"
$TM send-keys -t v C-] F1
wait_screen '^MARK42$'; ok
wait_screen "^tinylinux:/# *$"; ok

log "the menu's SysRq: Alt-SysRq-h reaches the guest's kernel"
$TM send-keys -t v C-] r
wait_screen "SysRq: type its key"
$TM send-keys -t v h
wait_log tl "sysrq: HELP"; ok
# The kernel wrote over tty1 too: a fresh prompt.
$TM send-keys -t v Enter
wait_screen "^tinylinux:/# *$"

log "an idle guest costs no bytes"
sleep 1
$TM pipe-pane -t v -o "cat >>$TEST_TMP/idle"
sleep 3
$TM pipe-pane -t v
[ -f "$TEST_TMP/idle" ] || : >"$TEST_TMP/idle"
[ "$(wc -c <"$TEST_TMP/idle")" -eq 0 ] ||
    fail "$(wc -c <"$TEST_TMP/idle") bytes in 3 idle seconds"; ok

log "256 colours by default; truecolor = yes in the config: 24-bit"
$TM capture-pane -p -e -t v | grep -q '38;5;248' ||
    fail "no 256-colour grey for the VGA's light grey"; ok
mkdir -p "$XDG_CONFIG_HOME/vmdesk"
printf '[desktop]\ntruecolor = yes\n[keys]\nconsole-menu = Ctrl-T\n' \
    >"$XDG_CONFIG_HOME/vmdesk/config"
open_view tl
wait_screen "^tinylinux:/# *$"
# The VGA DAC has 6 bits a channel: its light grey is 168, 168, 168.
$TM capture-pane -p -e -t v | grep -q '38;2;168;168;168' ||
    fail "no 24-bit light grey with truecolor = yes"; ok
# [keys] console-menu rebinds the menu key.
wait_screen "^ tl  text 80x25  720x400  Ctrl-T menu"; ok
$TM send-keys -t v C-t
wait_screen "Send to the guest"; ok
$TM send-keys -t v Escape
wait_screen "^tinylinux:/# *$"
rm "$XDG_CONFIG_HOME/vmdesk/config"

log "LANG=C and TERM=xterm (8 colours): the same text, ASCII, 16 colours"
$TM kill-session -t v
$TM new-session -d -s v -x 100 -y 30 \
    "exec env LANG=C LC_ALL=C TERM=xterm $VMDESK view tl"
wait_screen "^tinylinux:/# *$"; ok
wait_screen "^ tl  text 80x25  720x400  Ctrl-\] menu"; ok
$TM capture-pane -p -t v | LC_ALL=C grep -q "$(printf '[\200-\377]')" &&
    fail "non-ASCII bytes under LANG=C"; ok
wait_screen "^\+-\+$"; ok
$TM capture-pane -p -e -t v | grep -qE '[34]8;[25];' &&
    fail "256 or 24-bit colours on an 8-colour terminal"; ok

log "the terminal resizes: every cell is sent again; small ones pan"
$TM resize-window -t v -x 60 -y 8
wait_screen "^ tl  text 80x25 \(panned"
# The cursor's row stays in sight: the prompt is the last row shown.
wait_screen "^tinylinux:/# *$"; ok
screen | grep -q "^MARK42" && fail "the top rows shown, not the cursor's"; ok
for size in "120 40" "100 30"; do
	$TM resize-window -t v -x ${size% *} -y ${size#* }
	wait_screen "^ tl  text 80x25  720x400"
	wait_screen "^tinylinux:/# *$"
done
wait_screen "^MARK42$"; ok
alive "$(view_pid)" || fail "the view died while resizing"; ok

log "kill -9 of QEMU: disconnected, then back when the VM is"
kill -9 "$(vm_field tl pid)"
wait_screen "tl  disconnected .* reconnecting"; ok
alive "$(view_pid)" || fail "the view died with QEMU"
vd_ok start tl
wait_log tl "tinylinux: ready" 2
wait_screen "^ tl  text 80x25  720x400"; ok
wait_screen "^tinylinux:/# *$"; ok

log "the menu's Ctrl-Alt-Del reboots the guest (busybox init); the view stays"
tpid=$(vm_field tl pid)
$TM send-keys -t v C-]
wait_screen "Send to the guest"
$TM send-keys -t v Enter
wait_log tl "tinylinux: ready" 3; ok
[ "$(vm_field tl pid)" = "$tpid" ] || fail "QEMU restarted, not the guest"
wait_screen "^tinylinux:/# *$"; ok
alive "$(view_pid)" || fail "the view died in the reboot"; ok

log "the guest switches to a 1024x768 framebuffer: the session lives on"
vd_ok create fb --template tinylinux --memory 128M
sed -i 's/^cmdline = /cmdline = vga=0x318 /' "$VMDESK_HOME/vms/fb/vm.conf"
vd_ok start fb --paused
open_view fb 140 52
wait_screen "^ fb  "
vd_ok resume fb
wait_screen "^ fb  text 128x48  1024x768"; ok
# A whole boot under TCG: wait for the guest itself before its prompt.
wait_log fb "tinylinux: ready"
wait_screen "^tinylinux:/# *$"; ok
$TM send-keys -t v -l 'echo "fives$((5*5)) ~/v"'
$TM send-keys -t v Enter
wait_screen "^fives25 ~/v$"; ok
# The echo of every typed character is on screen, none lost.
wait_screen '^tinylinux:/# echo "fives\$\(\(5\*5\)\) ~/v"$'; ok
log "graphics are drawn as half blocks, text again after clear"
$TM send-keys -t v -l 'head -c 1500000 /dev/urandom >/dev/fb0'
$TM send-keys -t v Enter
wait_screen "^ fb  pixels  1024x768"; ok
# Noise in 256 colours, averaged: still several background colours.
ncol=$($TM capture-pane -p -e -t v | grep -o '48;5;[0-9]*' | sort -u | wc -l)
[ "$ncol" -ge 8 ] || fail "a graphical screen in $ncol colours"; ok
$TM send-keys -t v -l 'clear'
$TM send-keys -t v Enter
wait_screen "^ fb  text 128x48  1024x768"; ok
wait_screen "^tinylinux:/# *$"; ok
alive "$(view_pid)" || fail "the view died"

log "the desktop's v opens the screen; the menu closes it"
$TM kill-session -t v
$TM new-session -d -s v -x 120 -y 34 "$VMDESK"
wait_screen "F1Help"
$TM send-keys -t v / f b Enter
wait_screen "fb +running"
$TM send-keys -t v v
wait_screen "^ fb  text 128x48 \(panned: enlarge the terminal\)  1024x768"
ok
$TM send-keys -t v C-] q
wait_screen "F1Help"; ok

echo "$passed passed, 0 failed"
