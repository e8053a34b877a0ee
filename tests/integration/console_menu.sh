#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The VM screen's menu with real QEMU in a real terminal (tmux): latched
# Ctrl, Shift, and Ctrl then Alt reach the guest with the next key typed
# (an interrupted sleep, a capital letter, a VT switch), then let go;
# a pixel frame zooms in, pans up to its edge and fits again.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
TMUX_SESSION=v
WAIT_TICKS=150
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# The status line (the last row).
status() { screen | tail -n 1; }

# Clear the guest's screen; wait for the prompt on its first row.
clear_screen() {
	$TM send-keys -t v -l 'clear'
	$TM send-keys -t v Enter
	i=0
	while ! screen | head -n 1 | grep -q "^tinylinux:/# *$" &&
	    [ $i -lt 150 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	screen | head -n 1 | grep -q "^tinylinux:/# *$" ||
	    fail "the screen was not cleared"
}

# Wait until the screen has stayed the same for a second; the capture
# (with colours) in $SHOT.
settle() {
	SHOT=$($TM capture-pane -p -e -t v)
	i=0
	while [ $i -lt 60 ]; do
		sleep 1
		next=$($TM capture-pane -p -e -t v)
		[ "$next" = "$SHOT" ] && return 0
		SHOT=$next
		i=$((i + 1))
	done
	fail "the screen never settled"
}

$TM new-session -d -s keep "sleep 100000"

log "a 1024x768 framebuffer console, shown in a 140x52 terminal"
vd_ok create fb --template tinylinux --memory 128M
sed -i 's/^cmdline = /cmdline = vga=0x318 /' "$VMDESK_HOME/vms/fb/vm.conf"
vd_ok start fb
wait_log fb "tinylinux: ready"
$TM new-session -d -s v -x 140 -y 52 "$VMDESK view fb"
wait_screen "^ fb  text 128x48  1024x768"
# Keys typed before the shell on tty1 is up are lost: wait for it.
wait_screen "^tinylinux:/# *$"
clear_screen; ok

log "latched Ctrl: the next key goes with Ctrl (c stops a sleep)"
$TM send-keys -t v -l 'sleep 1000'
$TM send-keys -t v Enter
wait_screen "^tinylinux:/# sleep 1000$"
sleep 1
screen | grep -q "^tinylinux:/# *$" && fail "the sleep did not start"
$TM send-keys -t v C-]
wait_screen "Send to the guest"
wait_screen "\[ \] Ctrl held for the next key"; ok
$TM send-keys -t v c
wait_screen "^ fb  .*  Ctrl\+ held  Ctrl-\] menu"; ok
$TM send-keys -t v c
# Only an interrupted sleep gives the prompt back.
wait_screen "^tinylinux:/# *$"; ok
status | grep -q "held" && fail "Ctrl stays latched after a key"; ok

log "choosing the latch again lets go: a plain c does not stop the sleep"
clear_screen
$TM send-keys -t v -l 'sleep 1000'
$TM send-keys -t v Enter
wait_screen "^tinylinux:/# sleep 1000$"
$TM send-keys -t v C-] c
wait_screen "Ctrl\+ held"
$TM send-keys -t v C-]
wait_screen "\[x\] Ctrl held for the next key"; ok
$TM send-keys -t v c
i=0
while status | grep -q "held" && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
status | grep -q "held" && fail "Ctrl is still latched"; ok
$TM send-keys -t v c
sleep 2
screen | grep -q "^tinylinux:/# *$" && fail "a plain c stopped the sleep"
ok
$TM send-keys -t v C-c
wait_screen "^tinylinux:/# *$"

log "latched Shift: a capital letter"
clear_screen
$TM send-keys -t v -l 'echo LATCH'
$TM send-keys -t v C-] S
wait_screen "Shift\+ held"
$TM send-keys -t v x
$TM send-keys -t v -l ' $((6*7))'
$TM send-keys -t v Enter
wait_screen "^LATCHX 42$"; ok

log "Ctrl, then Alt, then F2: Ctrl-Alt-F2 switches the guest's VT"
$TM send-keys -t v -l 'echo ON-TTY$((1+1)) >/dev/tty2'
$TM send-keys -t v Enter
wait_screen '^tinylinux:/# echo ON-TTY.*tty2$'
$TM send-keys -t v C-] c
wait_screen "Ctrl\+ held"
$TM send-keys -t v C-] a
wait_screen "Ctrl\+Alt\+ held"; ok
$TM send-keys -t v F2
wait_screen '^ON-TTY2$'; ok
status | grep -q "held" && fail "Ctrl+Alt stay latched after F2"; ok
$TM send-keys -t v C-] F1
wait_screen '^LATCHX 42$'; ok

log "a pixel frame: zoom in changes the picture, fit brings it back"
# No blinking cursor and no prompt over the noise: a still picture.
$TM send-keys -t v -l "printf '\\033[?25l'; head -c 3145728 /dev/urandom" \
    " >/dev/fb0; sleep 1000"
$TM send-keys -t v Enter
wait_screen "^ fb  pixels  1024x768  Ctrl-\] menu"; ok
settle
fit=$SHOT
$TM send-keys -t v C-]
wait_screen "Send to the guest"
$TM send-keys -t v -l '+'
wait_screen "^ fb  pixels  1024x768  zoom 2[0-9]%  Ctrl-\] menu"; ok
settle
[ "$SHOT" != "$fit" ] || fail "zooming in did not change the picture"; ok
zoomed=$SHOT

log "pan mode: arrows move the view up to the frame's edge"
$TM send-keys -t v C-] p
wait_screen "pan: arrows, \+ - 0 zoom, Esc ends"; ok
$TM send-keys -t v Right
settle
[ "$SHOT" != "$zoomed" ] || fail "panning right did not move the view"; ok
for n in 1 2 3 4 5 6 7 8; do
	$TM send-keys -t v Right
done
settle
edge=$SHOT
$TM send-keys -t v Right
settle
[ "$SHOT" = "$edge" ] || fail "the view moved past the frame's edge"; ok
# Keys in pan mode do not reach the guest: the sleep still runs.
$TM send-keys -t v -l '+'
wait_screen "zoom [0-9]+%  pan:"
$TM send-keys -t v Escape
i=0
while status | grep -q "pan:" && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
status | grep -q "pan:" && fail "Esc did not end pan mode"; ok

log "fit: the whole frame as before"
$TM send-keys -t v C-]
wait_screen "Send to the guest"
$TM send-keys -t v 0
wait_screen "^ fb  pixels  1024x768  Ctrl-\] menu"
settle
[ "$SHOT" = "$fit" ] || fail "fit did not give the first picture back"; ok

log "text screens do not zoom"
$TM send-keys -t v C-c
$TM send-keys -t v -l 'clear'
$TM send-keys -t v Enter
wait_screen "^ fb  text 128x48"
$TM send-keys -t v C-] -l '+'
wait_screen "only pixels zoom"; ok

echo "$passed passed, 0 failed"
