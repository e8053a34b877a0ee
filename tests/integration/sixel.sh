#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real pixels in a real terminal: vmdesk view in xterm (as a VT340, which
# draws sixels) under Xvfb, on a guest whose 1024x768 framebuffer shows
# noise. The screenshots tell pixels from half blocks by how often the
# colour changes along a row: at every pixel with sixel, every few pixels
# (one cell) with half blocks. graphics = sixel, auto on a terminal whose
# DA1 answer lists sixel, auto on one whose answer does not, halfblock;
# zoomed in from the menu (keys typed with xdotool), 2:1 and 4:1 change
# colour every second and fourth pixel; text coming back takes the
# picture away.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
for p in Xvfb xterm import convert xdotool; do
	command -v $p >/dev/null 2>&1 || { echo "SKIP: no $p" >&2; exit 77; }
done

passed=0
ok() { passed=$((passed + 1)); }
disp=$((100 + $$ % 400))
XPID=
XTPID=
# kitty's child, script(1), outlives kitty and keeps the view it runs
# alive (reconnecting to a VM that is gone): end it by its output file.
trap '[ -n "$XTPID" ] && kill "$XTPID" 2>/dev/null;
    pkill -f "$TEST_TMP/kitty.out" 2>/dev/null;
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; cleanup' EXIT

Xvfb ":$disp" -nolisten tcp -screen 0 1024x768x24 >"$TEST_TMP/xvfb.log" 2>&1 &
XPID=$!
i=0
while [ ! -S "/tmp/.X11-unix/X$disp" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -S "/tmp/.X11-unix/X$disp" ] || fail "Xvfb did not start"
export DISPLAY=":$disp"

# The percentage of neighbouring pixels that differ along a row through
# the picture of a screenshot $1.
changes() {
	convert "$1" -crop 400x1+150+250 txt:- | awk 'NR > 1 {
		if (NR > 2 && $3 != p) t++; p = $3; n++ }
		END { print (n > 1 ? int(t * 100 / (n - 1)) : 0) }'
}

# A screenshot into $TEST_TMP/$1.png each second until the share of
# neighbouring pixels that differ is within $2..$3 % (at most 15 s: the
# terminal may draw late on a loaded machine); prints the last share.
shoot_until() {
	i=0
	while :; do
		sleep 1
		import -window root "$TEST_TMP/$1.png" || return 1
		n=$(changes "$TEST_TMP/$1.png")
		[ "$n" -ge "$2" ] && [ "$n" -le "$3" ] && break
		i=$((i + 1))
		[ $i -lt 15 ] || break
	done
	echo "$n"
}

# vmdesk view fb in a 120x40 xterm answering DA1 as $1, with config $2;
# a screenshot $3 seconds after the view saw its first frame of pixels
# (a loaded machine starts xterm and the view slowly), into
# $TEST_TMP/$4.png.
shot() {
	printf '[desktop]\n%s\n' "$2" >"$TEST_TMP/gfx.conf"
	: >"$TEST_TMP/$4.log"
	VMDESK_LOG="$TEST_TMP/$4.log" VMDESK_CONFIG="$TEST_TMP/gfx.conf" \
	    xterm -ti "$1" \
	    -xrm 'XTerm*numColorRegisters: 256' -geometry 120x40+0+0 \
	    -e "$VMDESK" view fb 2>/dev/null &
	XTPID=$!
	i=0
	while ! grep -q "console fb: pixels" "$TEST_TMP/$4.log" &&
	    [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep "$3"
	import -window root "$TEST_TMP/$4.png" ||
	    fail "no screenshot of the $4 view"
	[ -n "${VMDESK_SHOTS:-}" ] && cp "$TEST_TMP/$4.png" "$VMDESK_SHOTS/"
}

unshot() {
	kill "$XTPID" 2>/dev/null
	wait "$XTPID" 2>/dev/null
	XTPID=
}

vd_ok create fb --template tinylinux --memory 128M
sed -i 's/^cmdline = /cmdline = vga=0x318 /' "$VMDESK_HOME/vms/fb/vm.conf"
vd_ok start fb
wait_log fb "tinylinux: ready"
# Noise over the whole framebuffer, from the serial shell (tty1 stays
# quiet, so nothing draws over it).
serial_run fb 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE-DONE'
wait_log fb NOISE-DONE; ok

log "graphics = sixel: a pixel picture"
shot vt340 "graphics = sixel" 5 sixel
n=$(changes "$TEST_TMP/sixel.png")
[ "$n" -ge 60 ] || fail "sixel: only $n% of neighbouring pixels differ"; ok

grep -q "console fb: pixels" "$TEST_TMP/sixel.log" ||
    fail "the view never saw pixels"; ok

log "zoom in from the menu: 1:1, 2:1, 4:1 terminal pixels a guest pixel"
# The keys go to the window under the pointer (no window manager).
xdotool mousemove 300 300
for want in 1:1 2:1 4:1; do
	xdotool key ctrl+bracketright
	sleep 2
	xdotool type '+'
	case $want in
	1:1)	n=$(shoot_until zoom 90 100); [ "$n" -ge 90 ] ;;
	2:1)	n=$(shoot_until zoom 40 60); [ "$n" -ge 40 ] && [ "$n" -le 60 ] ;;
	4:1)	n=$(shoot_until zoom 18 32); [ "$n" -ge 18 ] && [ "$n" -le 32 ] ;;
	esac || fail "sixel at $want: $n% of neighbouring pixels differ"; ok
done
[ -n "${VMDESK_SHOTS:-}" ] && cp "$TEST_TMP/zoom.png" "$VMDESK_SHOTS/"
xdotool key ctrl+bracketright
sleep 2
xdotool type '0'
n=$(shoot_until fit 60 100)
[ "$n" -ge 60 ] || fail "sixel fitted again: only $n% of pixels differ"; ok

log "text coming back takes the picture away"
serial_run fb "printf '\\033[2J\\033[HTEXT-BACK\\n' >/dev/tty1; echo CLR-DONE"
wait_log fb CLR-DONE
n=$(shoot_until text 0 2)
[ -n "${VMDESK_SHOTS:-}" ] && cp "$TEST_TMP/text.png" "$VMDESK_SHOTS/"
grep -q "console fb: text" "$TEST_TMP/sixel.log" ||
    fail "the view did not see text again"; ok
[ "$n" -le 2 ] || fail "the cleared text screen still shows $n% changes"; ok
unshot
serial_run fb 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE2-DONE'
wait_log fb NOISE2-DONE

log "graphics = auto: a VT340 answers DA1 with sixel (4), so pixels"
shot vt340 "graphics = auto" 5 auto-vt340
n=$(changes "$TEST_TMP/auto-vt340.png")
[ "$n" -ge 60 ] || fail "auto on a VT340: only $n% of pixels differ"; ok
grep -q "DA1 answer .*: sixel yes" "$TEST_TMP/auto-vt340.log" ||
    fail "no DA1 answer with sixel in the log"; ok
unshot

log "graphics = auto on a VT220 (no sixel in DA1): half blocks"
shot vt220 "graphics = auto" 5 auto-vt220
n=$(changes "$TEST_TMP/auto-vt220.png")
[ "$n" -ge 1 ] && [ "$n" -le 30 ] ||
    fail "auto on a VT220: $n% of pixels differ, not half blocks"; ok
grep -q "DA1 answer .*: sixel no" "$TEST_TMP/auto-vt220.log" ||
    fail "no DA1 answer without sixel in the log"; ok
unshot

log "graphics = halfblock: half blocks even on a VT340"
shot vt340 "graphics = halfblock" 5 halfblock
n=$(changes "$TEST_TMP/halfblock.png")
[ "$n" -ge 1 ] && [ "$n" -le 30 ] ||
    fail "halfblock: $n% of pixels differ, not half blocks"; ok
unshot

# kitty itself (TERM=xterm-kitty, so graphics = auto picks its protocol):
# the picture shows, stays while the guest's cursor blinks (each blink
# sends only its rectangle), and goes when text comes back.
if command -v kitty >/dev/null 2>&1; then
	serial_run fb 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE3-DONE'
	wait_log fb NOISE3-DONE
	log "kitty: a pixel picture through kitty's graphics protocol"
	printf '[desktop]\ngraphics = auto\n' >"$TEST_TMP/gfx.conf"
	: >"$TEST_TMP/kitty.log"
	VMDESK_LOG="$TEST_TMP/kitty.log" VMDESK_CONFIG="$TEST_TMP/gfx.conf" \
	    kitty --config NONE -o remember_window_size=no \
	    -o initial_window_width=120c -o initial_window_height=40c \
	    script -q -f "$TEST_TMP/kitty.out" -c "$VMDESK view fb" \
	    >"$TEST_TMP/kitty.err" 2>&1 &
	XTPID=$!
	i=0
	while ! grep -q "console fb: pixels" "$TEST_TMP/kitty.log" &&
	    [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 4
	import -window root "$TEST_TMP/kitty.png" || fail "no kitty screenshot"
	[ -n "${VMDESK_SHOTS:-}" ] && cp "$TEST_TMP/kitty.png" "$VMDESK_SHOTS/"
	grep -q "console fb: pixels" "$TEST_TMP/kitty.log" ||
	    fail "the view in kitty never saw pixels"; ok
	n=$(changes "$TEST_TMP/kitty.png")
	[ "$n" -ge 60 ] || fail "kitty: only $n% of neighbouring pixels differ"
	ok
	log "kitty: the guest's blinking cursor costs its rectangle, not frames"
	b0=$(stat -c %s "$TEST_TMP/kitty.out")
	sleep 5
	b1=$(stat -c %s "$TEST_TMP/kitty.out")
	log "kitty: $((b1 - b0)) bytes in 5 s of a blinking cursor"
	[ $((b1 - b0)) -lt 1500000 ] ||
	    fail "kitty: $((b1 - b0)) bytes in 5 s: whole frames again"; ok
	n=$(shoot_until kitty2 60 100)
	[ "$n" -ge 60 ] || fail "kitty: the picture went (only $n% differ)"; ok
	log "kitty: text coming back takes the picture away"
	serial_run fb "printf '\\033[2J\\033[HTEXT-BACK\\n' >/dev/tty1; echo C2-DONE"
	wait_log fb C2-DONE
	n=$(shoot_until kitty3 0 2)
	[ -n "${VMDESK_SHOTS:-}" ] && cp "$TEST_TMP/kitty3.png" "$VMDESK_SHOTS/"
	[ "$n" -le 2 ] || fail "kitty: the text screen still shows $n% changes"
	ok
	unshot
else
	log "no kitty here: its part is skipped"
fi

echo "$passed passed, 0 failed"
