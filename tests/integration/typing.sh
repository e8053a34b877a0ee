#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk type: every printable ASCII character typed on the guest's VGA
# console (tty1 runs a shell) arrives byte-exact, read back through the
# serial console; tabs and newlines too, from standard input; a character
# without a key is refused before anything is typed; a stopped VM is
# refused. The screen view's menu in a real terminal (tmux): "paste" types
# what tmux pastes (bracketed), "copy" puts the text screen on tmux's
# clipboard through OSC 52.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
TMUX_SESSION=v
WAIT_TICKS=150
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# Printable ASCII but the single quote, which quotes it in the shell.
ALL=$(awk 'BEGIN { for (c = 32; c < 127; c++) if (c != 39)
    printf "%c", c }')
[ "${#ALL}" -eq 94 ] || fail "the test string has ${#ALL} characters"

vd_ok create t1 --template tinylinux --memory 128M
vd_fails 1 "is stopped: text can only be typed into a running VM" type t1 x
vd_ok start t1
wait_log t1 "tinylinux: ready"

log "a character with no key is refused before anything is sent"
vd_fails 1 "character 4 (byte 0xc3) cannot be typed" type t1 "abcé"
vd_fails 1 "character 2 (byte 0x0d) cannot be typed" type t1 "$(printf 'a\rb')"
vd_fails 2 "usage: vmdesk type" type t1

log "every printable character, typed on tty1, arrives byte-exact"
start=$(date +%s)
vd_ok type t1 "printf '%s\\n' '$ALL' > /tmp/t
"
log "typed $(( ${#ALL} + 25 )) characters in $(( $(date +%s) - start )) s"
want=$(printf '%s\n' "$ALL" | md5sum | cut -d' ' -f1)
serial_expect t1 'i=0; while [ $i -lt 60 ] && ! [ -s /tmp/t ]; do \
sleep 0.5; i=$((i+1)); done; md5sum /tmp/t' "$want"

log "tabs and newlines from standard input"
printf "IFS= read -r l; printf '%%s|' \"\$l\" > /tmp/u\na\tb  c\n" |
    "$VMDESK" type t1 - || fail "type - failed"
serial_expect t1 'i=0; while [ $i -lt 60 ] && ! [ -s /tmp/u ]; do \
sleep 0.5; i=$((i+1)); done; od -An -c /tmp/u | tr -s " "' \
    ' a \t b c |'

log "the view's menu: paste types what the terminal pastes"
$TM new-session -d -s keep "sleep 100000"
# OSC 52 from a program in a pane makes a tmux paste buffer.
$TM set -g set-clipboard on
$TM new-session -d -s v -x 100 -y 30 "$VMDESK view t1"
wait_screen "^ t1  text 80x25"
wait_screen "^tinylinux:/# *$"
$TM send-keys -t v C-]
wait_screen "Paste: type what the terminal pastes"
$TM send-keys -t v v
wait_screen "paste now with your terminal's paste key"
printf 'printf "%%s|" "$((6*7))~P{a}t" > /tmp/p\necho "#$((2+3))"\n' \
    >"$TEST_TMP/paste.txt"
$TM load-buffer "$TEST_TMP/paste.txt"
$TM paste-buffer -d -p -t v
serial_expect t1 'i=0; while [ $i -lt 60 ] && ! [ -s /tmp/p ]; do \
sleep 0.5; i=$((i+1)); done; cat /tmp/p; echo' '42~P{a}t|'
wait_screen "^#5$"

log "copy screen puts the text screen on the terminal's clipboard"
$TM send-keys -t v C-]
wait_screen "Copy the text screen to the clipboard"
$TM send-keys -t v y
i=0
while ! $TM show-buffer >"$TEST_TMP/copied.txt" 2>/dev/null; do
	[ $i -lt 50 ] || fail "no tmux buffer: OSC 52 did not arrive"
	sleep 0.2
	i=$((i + 1))
done
grep -qxF 'tinylinux:/# echo "#$((2+3))"' "$TEST_TMP/copied.txt" ||
    { cat "$TEST_TMP/copied.txt" >&2; fail "the copy lacks the screen"; }
grep -qx '#5' "$TEST_TMP/copied.txt" || fail "the copy lacks the output"
