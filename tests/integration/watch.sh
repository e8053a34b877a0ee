#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop sees what other vmdesk commands do to the library at once
# (inotify, core/libwatch.c), not at its next safety scan 30 s later: a VM
# created, changed, started, killed, renamed and deleted from the command
# line shows in the list within 2 s each.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# 10 ticks of 0.2 s: far less than the 30 s without inotify.
SOON=10
$TM new-session -d -s keep "sleep 100000"
vd_ok create w1 --template tinylinux --memory 128M
$TM new-session -d -s d -x 120 -y 34 "$VMDESK"
wait_screen "F1Help"
wait_screen "w1 +stopped"; ok

log "created from the command line: listed"
vd_ok create w2 --template tinylinux --memory 128M
wait_screen "w2 +stopped" $SOON; ok

log "started, then killed: the state follows"
vd_ok start w2
wait_screen "w2 +running" $SOON; ok
vd_ok kill w2
wait_screen "w2 +stopped" $SOON; ok

log "vm.conf changed by vmdesk set: the details follow"
$TM send-keys -t d Home
wait_screen "^ *w1 "
vd_ok set w1 os="Watched OS"
wait_screen "Watched OS" $SOON; ok

log "renamed, then deleted: the list follows"
vd_ok rename w2 w3
wait_screen "w3 +stopped" $SOON; ok
screen | grep -q "w2 " && fail "w2 is still listed"; ok
vd_ok delete w3
i=0
while screen | grep -q "w3 "; do
	[ $i -lt $SOON ] || fail "w3 is still listed after its delete"
	sleep 0.2
	i=$((i + 1))
done; ok
alive "$($TM list-panes -t d -F '#{pane_pid}')" || fail "the desktop died"
echo "$passed passed, 0 failed"
