#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The mouse, end to end (tmux, real QEMU): a click on a VM's screen, full
# screen and in the pane beside the list, reaches the guest as a press
# and release of the left button at the absolute position of the cell
# clicked, read by the guest's own kernel from its USB tablet
# (/dev/input/event*). A click on an unfocused pane only gives it the
# focus; nothing reaches the guest.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# An xterm mouse report (X10 encoding, as TERM=screen's kmous says) of a
# left click at 0-based cell $1, $2: press, then release.
click() {
	$TM send-keys -t d -l "$(printf '\033[M %b%b' \
	    "\\0$(printf '%o' $(($1 + 33)))" "\\0$(printf '%o' $(($2 + 33)))")"
	sleep 0.3
	$TM send-keys -t d -l "$(printf '\033[M#%b%b' \
	    "\\0$(printf '%o' $(($1 + 33)))" "\\0$(printf '%o' $(($2 + 33)))")"
	sleep 1
}

LOGF="$VMDESK_HOME/vms/m/serial.log"

# Run $1 in the guest and wait for marker $2 (which the guest's shell
# computes, so the echoed command does not hold it); what the guest wrote
# meanwhile is in $TEST_TMP/said.
guest() {
	before=$(stat -c %s "$LOGF")
	serial_run m "$1"
	i=0
	while ! tail -c +"$((before + 1))" "$LOGF" | grep -q -- "$2"; do
		i=$((i + 1))
		[ $i -lt 300 ] || fail "the guest never said $2"
		sleep 0.1
	done
	tail -c +"$((before + 1))" "$LOGF" | tr -d '\r' >"$TEST_TMP/said"
}

# Start recording the tablet's events in the guest, afresh.
record() {
	guest "kill %1 2>/dev/null; cat /dev/input/$ev >/tmp/ev &
echo REC-\$((40 + $1))" "REC-$((40 + $1))"
}

# The recorded events as "TYPE CODE VALUE" lines.
events() {
	guest "hexdump -v -e '24/1 \"%02x\" \"\\n\"' /tmp/ev; echo EV-\$((6 * 7))" \
	    "EV-42"
	grep -E '^[0-9a-f]{48}$' "$TEST_TMP/said" |
	    python3 -c '
import sys
for l in sys.stdin:
    b = bytes.fromhex(l.strip())
    t = int.from_bytes(b[16:18], "little")
    c = int.from_bytes(b[18:20], "little")
    v = int.from_bytes(b[20:24], "little", signed=True)
    if t in (1, 3):
        print(t, c, v)'
}

# Fail unless the events are a left press and release at guest pixel
# $1, $2 of a $3 x $4 screen (QEMU scales to 0..32767 by the size).
expect_click() {
	want_x=$(($1 * 32767 / $3))
	want_y=$(($2 * 32767 / $4))
	# The guest may take its time on a loaded machine.
	i=0
	while :; do
		got=$(events)
		echo "$got" | grep -qx "1 272 0" && break
		i=$((i + 1))
		[ $i -lt 10 ] || break
		sleep 1
	done
	log "guest saw: $(echo "$got" | tr '\n' ';')"
	echo "$got" | grep -qx "3 0 $want_x" ||
	    fail "no ABS_X $want_x in: $got"; ok
	echo "$got" | grep -qx "3 1 $want_y" ||
	    fail "no ABS_Y $want_y in: $got"; ok
	echo "$got" | grep -qx "1 272 1" || fail "no left press in: $got"; ok
	echo "$got" | grep -qx "1 272 0" || fail "no left release in: $got"
	ok
}

$TM new-session -d -s keep "sleep 100000"
vd_ok create m --template tinylinux --memory 128M
vd_ok start m
wait_log m "tinylinux: ready"
serial_run m 'grep -A4 "QEMU USB Tablet" /proc/bus/input/devices'
ev=$(printf '%s\n' "$OUT" | sed -n 's/.*Handlers=.*\(event[0-9]*\).*/\1/p' |
    head -n 1)
[ -n "$ev" ] || fail "the guest has no USB tablet: $OUT"; ok

log "full screen: a click on cell 40,12 of the 720x400 text screen"
record 1
$TM new-session -d -s d -x 100 -y 30 "exec $VMDESK view m"
wait_screen "^ m  text 80x25"
click 40 12
# The middle of the cell: 9x16 pixels a cell.
expect_click $((40 * 9 + 4)) $((12 * 16 + 8)) 720 400
$TM kill-session -t d

log "in the pane: the first click gives the focus, and nothing else"
$TM new-session -d -s d -x 140 -y 40 "exec $VMDESK"
wait_screen "m +running"
$TM send-keys -t d V
wait_screen "tinylinux:/#"
# The pane's origin, from where the guest's last prompt landed in it.
row=$(screen | grep -n "tinylinux:/#" | tail -n 1 | cut -d: -f1)
col=$(screen | grep "tinylinux:/#" | tail -n 1 |
    python3 -c 'import sys; print(sys.stdin.read().index("tinylinux:/#"))')
$TM new-session -d -s full -x 100 -y 30 "exec $VMDESK view m"
sleep 2
grow=$($TM capture-pane -p -t full | grep -n "tinylinux:/#" | tail -n 1 |
    cut -d: -f1)
$TM kill-session -t full
[ -n "$row" ] && [ -n "$col" ] && [ -n "$grow" ] ||
    fail "no prompt to find the pane by"
# Screen rows from 1: the guest's row $grow - 1 is at pane row $row - 1.
gy=$((grow - 1))
oy=$((row - 1 - gy))
record 2
click $((col + 5)) $((oy + gy))
got=$(events)
[ -z "$got" ] || fail "a click that only focuses reached the guest: $got"
ok
log "in the focused pane: a click on the guest's cell 5,$gy"
record 3
click $((col + 5)) $((oy + gy))
expect_click $((5 * 9 + 4)) $((gy * 16 + 8)) 720 400

echo "$passed passed, 0 failed"
