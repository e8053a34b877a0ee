#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Console panes beside the VM list in a real terminal (tmux) with real
# QEMU: V shows the selected VM's screen next to the list, Tab gives it
# the keys and a typed command reaches the guest (on the pane and in
# serial.log), the menu gives the keys back and the list moves again,
# the pane follows the selection ("not running" for a stopped VM), a
# dialog over it repaints, an idle pane costs no bytes; T shows the
# serial console there, sized to the pane, and takes typed input.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
WAIT_TICKS=150
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# The pane starts after the rule at column 34 that ends the list.
pane() { screen | sed -n 's/^[^│]*│//p'; }
list() { screen | sed -n 's/│.*//p'; }
wait_pane() {
	i=0
	while [ $i -lt "${2:-$WAIT_TICKS}" ]; do
		pane | grep -qE -- "$1" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	screen >&2
	fail "the pane never showed '$1'"
}

# Bytes the terminal gets in 3 seconds: 0 when nothing moves.
idle_bytes() {
	sleep 1
	: >"$TEST_TMP/idle"
	$TM pipe-pane -t d -o "cat >>$TEST_TMP/idle"
	sleep 3
	$TM pipe-pane -t d
	wc -c <"$TEST_TMP/idle"
}

$TM new-session -d -s keep "sleep 100000"
vd_ok create p1 --template tinylinux --memory 128M
vd_ok create p2 --template tinylinux --memory 64M
vd_ok start p1
wait_log p1 "tinylinux: ready"

log "V: the list on the left, p1's screen on the right, side by side"
$TM new-session -d -s d -x 120 -y 34 "exec $VMDESK"
wait_screen "p1 +running"
$TM send-keys -t d V
wait_pane "^tinylinux:/# *$"; ok
# Both on the same rows of one capture: the list row and the guest's text.
screen | grep -qE "^ p1 +running +│" || fail "no list beside the pane"; ok
screen | grep -qE "^ p2 +stopped +│" || fail "p2 is not in the list"; ok
pane | grep -qE "^ p1  text 80x25  720x400  Tab types here" ||
    fail "the pane's title does not say Tab gives it the keys"; ok
# The thumbnail's details are gone: the pane took their place.
screen | grep -q "hardware" && fail "the details pane still shows"; ok

log "list keys still move the selection while the list has the focus"
$TM send-keys -t d j
wait_pane "p2 is stopped: not running"; ok
$TM send-keys -t d k
wait_pane "^tinylinux:/# *$"; ok

log "Tab: keys go to the guest; a marker comes back on the pane and the log"
$TM send-keys -t d Tab
wait_pane "^ p1  text 80x25  720x400  Ctrl-\] menu"; ok
# The focused pane's title is highlighted; the list's header is dimmed.
$TM capture-pane -p -e -t d | grep -q "$(printf '\033')\[30m$(printf \
    '\033')\[46m p1  text" || fail "the focused pane's title is not highlighted"
ok
$TM send-keys -t d -l 'echo PANE$((6*7)) >/dev/ttyS0; echo PANE$((6*7))'
$TM send-keys -t d Enter
wait_pane "^PANE42 *$"; ok
wait_log p1 "PANE42"; ok
# The terminal's cursor is in the pane, after the guest's prompt.
wait_pane "^tinylinux:/# *$"
i=0
while [ "$($TM display -p -t d '#{cursor_x}')" != $((35 + 13)) ] &&
    [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$($TM display -p -t d '#{cursor_x}')" = $((35 + 13)) ] ||
    fail "cursor at $($TM display -p -t d '#{cursor_x}'), not after the prompt"
ok
# j goes to the guest now, not to the list.
$TM send-keys -t d j
wait_pane "^tinylinux:/# j *$"; ok
list | grep -qE "^ p1 " || fail "the list lost p1"
$TM send-keys -t d BSpace

log "an idle pane costs no bytes, with the focus or without"
n=$(idle_bytes)
[ "$n" -eq 0 ] || fail "$n bytes in 3 idle seconds"; ok

log "Ctrl-] opens the menu over the pane; Esc and the pane is whole again"
$TM send-keys -t d C-]
wait_screen "Send to the guest"; ok
$TM send-keys -t d Escape
wait_pane "^PANE42 *$"; ok
wait_pane "^ p1  text 80x25  720x400  Ctrl-\] menu"; ok

log "the menu's leave gives the keys back: j and k move the list again"
$TM send-keys -t d C-] q
wait_pane "^ p1  text 80x25  720x400  Tab types here"; ok
n=$(idle_bytes)
[ "$n" -eq 0 ] || fail "$n bytes in 3 idle seconds without the focus"; ok
$TM send-keys -t d j
wait_pane "p2 is stopped: not running"; ok
$TM send-keys -t d k
wait_pane "^PANE42 *$"; ok

log "a VM made elsewhere shifts the list's rows: the pane stays whole"
pane >"$TEST_TMP/before"
vd_ok create a0 --template tinylinux --memory 64M
wait_screen "^ a0 +stopped"
sleep 1
pane >"$TEST_TMP/after"
cmp -s "$TEST_TMP/before" "$TEST_TMP/after" || {
	diff "$TEST_TMP/before" "$TEST_TMP/after" >&2
	fail "the pane changed when the list grew"
}; ok
vd_ok delete a0
i=0
while screen | grep -q "^ a0 " && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
pane >"$TEST_TMP/after"
cmp -s "$TEST_TMP/before" "$TEST_TMP/after" || {
	diff "$TEST_TMP/before" "$TEST_TMP/after" >&2
	fail "the pane changed when the list shrank"
}; ok

log "a dialog over the pane, then the pane repaints whole"
$TM send-keys -t d K
wait_screen "Force stop"; ok
$TM send-keys -t d Escape
wait_pane "^PANE42 *$"; ok
wait_pane '^tinylinux:/# echo PANE\$\(\(6\*7\)\) >/dev/ttyS0; echo'; ok

log "v still opens the full screen; leaving it shows the pane again"
$TM send-keys -t d v
wait_screen "^ p1  text 80x25  720x400  Ctrl-\] menu"
screen | grep -qE "^ p1 +running +│" && fail "the list shows over the view"
ok
$TM send-keys -t d C-] q
wait_pane "^PANE42 *$"; ok
screen | grep -qE "^ p1 +running +│" || fail "no list after the view"; ok

log "a small terminal: the text screen pans to keep the guest's cursor"
$TM resize-window -t d -x 90 -y 20
wait_screen "text 80x25 \(panned"; ok
wait_screen "tinylinux:/# *$"; ok
$TM resize-window -t d -x 120 -y 34
# Not panned any more: the desktop has the new size.
wait_pane "^ p1  text 80x25  720x400  Tab types here"; ok
wait_pane "^PANE42 *$"; ok

log "V again closes the pane: the details and their thumbnail are back"
$TM send-keys -t d V
wait_screen "hardware"; ok

log "T: the serial console in the pane, sized to it, taking input"
$TM send-keys -t d T
wait_pane "^ p1's serial console  Tab types here"; ok
$TM send-keys -t d Tab
wait_pane "^ p1's serial console  Ctrl-\] back to the list"; ok
# The guest's terminal is as wide as the pane: 100 characters wrap
# where the pane ends (the window less the list's 35 columns).
pw=$(($($TM display -p -t d '#{window_width}') - 35))
[ "$pw" -ge 50 ] && [ "$pw" -lt 100 ] || fail "a pane $pw columns wide"
$TM send-keys -t d -l "printf 'W%.0s' \$(seq 1 100); echo"
$TM send-keys -t d -l "; echo SER\$((5*5)) | tr S Z"
$TM send-keys -t d Enter
wait_pane "^ZER25 *$"; ok
wait_pane "^W{$pw}$"; ok
wait_pane "^W{$((100 - pw))} *$"; ok
wait_log p1 "ZER25"; ok
n=$(idle_bytes)
[ "$n" -eq 0 ] || fail "$n bytes in 3 idle seconds on the serial pane"; ok
$TM send-keys -t d C-]
wait_pane "^ p1's serial console  Tab types here"; ok
$TM send-keys -t d j
wait_pane "p2 is stopped: not running"; ok
$TM send-keys -t d k
wait_pane "^ZER25 *$"; ok

log "c over a serial pane: the full-screen console gets the port"
$TM send-keys -t d c
wait_screen "^ attached to p1's serial console"; ok
$TM send-keys -t d -l 'echo FULL-$((2+2))'
$TM send-keys -t d Enter
wait_screen "^FULL-4$"; ok
$TM send-keys -t d C-]
wait_pane "^FULL-4 *$"; ok

log "a 1024x768 framebuffer: its text console pans, its pixels scale"
$TM send-keys -t d V
wait_pane "^ p1  text 80x25"
vd_ok kill p1
vd_ok create fb --template tinylinux --memory 128M
sed -i 's/^cmdline = /cmdline = vga=0x318 /' "$VMDESK_HOME/vms/fb/vm.conf"
vd_ok start fb
wait_log fb "tinylinux: ready"
wait_screen "fb +running"
$TM send-keys -t d Home
wait_pane "^ fb  text 128x48 \(panned"; ok
wait_pane "^tinylinux:/# *$"; ok
serial_run fb 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE-DONE'
wait_log fb NOISE-DONE
wait_pane "^ fb  pixels  1024x768"; ok
# Half blocks fill the pane's rows (85 by 29 cells, aspect kept), never
# the list's side.
up=$(printf '\342\226\200')
i=0
while [ "$(pane | grep -cE "($up){60,}")" -lt 20 ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$(pane | grep -cE "($up){60,}")" -ge 20 ] ||
    fail "$(pane | grep -cE "($up){60,}") rows of pixels in the pane"; ok
pane | grep -qE "($up){86,}" && fail "pixels wider than the pane"; ok
list | grep -q "$up" && fail "pixels over the list"; ok

log "the VM stops: the pane says so, on the screen and the serial pane"
$TM send-keys -t d T
wait_pane "^ fb's serial console  Tab types here"; ok
wait_pane "^NOISE-DONE *$"; ok
vd_ok kill fb
wait_pane "fb is stopped: not running"; ok
$TM send-keys -t d V
wait_pane "fb is stopped: not running"; ok
alive "$($TM list-panes -t d -F '#{pane_pid}')" || fail "the desktop died"
ok

echo "$passed passed, 0 failed"
