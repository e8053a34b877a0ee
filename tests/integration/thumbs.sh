#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Live thumbnails in the desktop's details pane (tmux, real QEMU): the
# selected running VM's screen as half blocks that follow the guest, one
# VNC session that closes while another screen covers the list and
# reopens after, nothing for a stopped VM.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

# Rows of the thumbnail: 30 or more upper half blocks in a row.
thumb_rows() {
	screen | grep -cE "$(printf '\342\226\200')"'{30,}'
}

connects() { grep -c "Connected to VNC server" "$TEST_TMP/desk.log"; }

$TM new-session -d -s keep "sleep 100000"
vd_ok create fb --template tinylinux --memory 128M
sed -i 's/^cmdline = /cmdline = vga=0x318 /' "$VMDESK_HOME/vms/fb/vm.conf"
vd_ok start fb
wait_log fb "tinylinux: ready"

log "the selected running VM's screen shows in the details pane"
: >"$TEST_TMP/desk.log"
$TM new-session -d -s d -x 160 -y 50 \
    "exec env VMDESK_LOG=$TEST_TMP/desk.log $VMDESK"
wait_screen "fb +running"
i=0
while [ "$(thumb_rows)" -lt 8 ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$(thumb_rows)" -ge 8 ] || fail "no thumbnail ($(thumb_rows) rows)"; ok
[ "$(connects)" -eq 1 ] || fail "$(connects) VNC sessions, not 1"; ok

log "it follows the guest: noise on the framebuffer brings colours"
before=$($TM capture-pane -e -p -t d | grep -o '[34]8;5;[0-9]*' | sort -u |
    wc -l)
serial_run fb 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE-DONE'
wait_log fb NOISE-DONE
sleep 1.5
after=$($TM capture-pane -e -p -t d | grep -o '[34]8;5;[0-9]*' | sort -u |
    wc -l)
[ "$after" -gt "$before" ] ||
    fail "the thumbnail did not change ($before, then $after colours)"; ok

log "covered by the VM's screen, its session closes; back, it reopens"
$TM send-keys -t d v
wait_screen "^ fb  pixels"
[ "$(connects)" -eq 2 ] || fail "$(connects) sessions with the view open"
ok
$TM send-keys -t d C-] q
wait_screen "F1Help"
sleep 1
[ "$(connects)" -eq 3 ] || fail "$(connects) sessions after the view"; ok
[ "$(thumb_rows)" -ge 8 ] || fail "no thumbnail after the view"; ok

log "a stopped VM has no thumbnail"
vd_ok kill fb
wait_screen "fb +stopped"
sleep 0.5
[ "$(thumb_rows)" -eq 0 ] || fail "a stopped VM still shows a thumbnail"; ok

echo "$passed passed, 0 failed"
