#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop's serial console (key c) in a real terminal (tmux) on a real
# tinylinux guest: the boot lines of serial.log in its scrollback, PgUp and
# Shift-PgUp scroll, typed commands reach the guest and their output shows,
# colours pass through, Ctrl-] leaves with the VM running, a stopped VM
# says so.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

$TM new-session -d -s keep "sleep 100000"

vd_ok create s1 --template tinylinux --memory 128M
vd_ok start s1
wait_log s1 "tinylinux: ready"
# 200 numbered lines, written while nobody watches: only the log has them.
serial_expect s1 'seq 1 200 | sed s/^/LINE-/' LINE-200; ok

log "c opens the serial console: the end of the log, then the live shell"
$TM new-session -d -s d -x 100 -y 30 "exec $VMDESK"
wait_screen "s1 +running"
$TM send-keys -t d c
wait_screen "^ attached to s1's serial console  Ctrl-\] leaves"; ok
wait_screen "^LINE-200$"; ok
screen | grep -q "^LINE-150$" && fail "the screen shows more than it holds"
ok

log "PgUp and Shift-PgUp scroll back to the boot lines of serial.log"
$TM send-keys -t d S-PPage
wait_screen "scrolled back [0-9]+ of [0-9]+ lines"; ok
wait_screen "^LINE-17[0-9]$"; ok
screen | grep -q "^LINE-200$" && fail "Shift-PgUp did not scroll"; ok
$TM send-keys -t d PPage PPage PPage PPage PPage PPage PPage PPage PPage
wait_screen "^tinylinux: ready$"; ok
wait_screen "^tinylinux:/# seq 1 200 \| sed s/\^/LINE-/$"; ok
$TM send-keys -t d NPage
wait_screen "scrolled back"
screen | grep -q "^tinylinux: ready$" && fail "PgDn did not scroll"; ok

log "typing goes back to the live screen and reaches the guest"
$TM send-keys -t d -l 'echo SER$((6*7)) | tr S X'
$TM send-keys -t d Enter
wait_screen "^XER42$"; ok
wait_screen "^ attached to s1's serial console"; ok
wait_log s1 "XER42"; ok
# The cursor sits after the new prompt, as the guest's terminal has it.
wait_screen "^tinylinux:/# *$"
[ "$($TM display -p -t d '#{cursor_x}')" = 13 ] ||
    fail "cursor at $($TM display -p -t d '#{cursor_x}'), not after the prompt"
ok
# Up goes through libvterm as the guest's terminal sequence: the history.
$TM send-keys -t d Up
wait_screen '^tinylinux:/# echo SER\$\(\(6\*7\)\) \| tr S X$'; ok
$TM send-keys -t d C-u

log "colours pass through"
$TM send-keys -t d -l "printf '\\033[31mRED\\033[0m plain\\n'"
$TM send-keys -t d Enter
wait_screen "^RED plain$"
$TM capture-pane -e -p -t d | grep -q "$(printf '\033\\[31mRED')" ||
    fail "RED is not red"; ok

log "UTF-8 from the guest comes through libvterm as characters"
box='\342\224\214\342\224\200\342\224\220'
$TM send-keys -t d -l "printf '$box\\n'"
$TM send-keys -t d Enter
wait_screen "^$(printf '\342\224\214\342\224\200\342\224\220')$"; ok

log "Ctrl-] leaves; the VM keeps running; c again shows the same history"
$TM send-keys -t d C-]
wait_screen "F1Help"
wait_screen "s1 +running"; ok
[ "$(vm_field s1 state)" = running ] || fail "s1 stopped"; ok
$TM send-keys -t d c
wait_screen "^XER42$"; ok
$TM send-keys -t d -l 'echo AGAIN-$((1+1))'
$TM send-keys -t d Enter
wait_screen "^AGAIN-2$"; ok

log "the VM stopping closes the port: the screen says so, nothing crashes"
vd_ok kill s1
wait_screen "s1: the serial port closed: the VM stopped"; ok
screen | grep -q "^AGAIN-2$" || fail "the history went with the VM"; ok
$TM send-keys -t d C-]
wait_screen "s1 +stopped"; ok
$TM send-keys -t d c
wait_screen "s1 is stopped: start it first"; ok

echo "$passed passed, 0 failed"
