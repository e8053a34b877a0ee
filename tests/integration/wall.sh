#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The wall (tmux, real QEMU): every running VM's screen, live, in tiles;
# a stopped VM has none; each tile follows its own guest; the arrows move
# between tiles, Enter opens one full screen, and Esc goes back to the
# list with the wall's VM selected.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"

connects() { grep -c "Connected to VNC server" "$TEST_TMP/desk.log"; }

# Distinct colours in columns $1 to $2 of the screen (tmux's SGR codes).
tile_colours() {
	$TM capture-pane -e -p -t d | python3 -c '
import re, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
seen = set()
for line in sys.stdin:
    col, cur = 0, ""
    for tok in re.findall(r"\x1b\[[0-9;]*m|[^\x1b]", line):
        if tok.startswith("\x1b"):
            cur = tok
        else:
            if lo <= col < hi and tok == "\u2580":
                seen.add(cur)
            col += 1
print(len(seen))' "$1" "$2"
}

$TM new-session -d -s keep "sleep 100000"
for vm in a b; do
	vd_ok create "$vm" --template tinylinux --memory 128M
	sed -i 's/^cmdline = /cmdline = vga=0x318 /' \
	    "$VMDESK_HOME/vms/$vm/vm.conf"
	vd_ok start "$vm"
done
vd_ok create c --template tinylinux --memory 128M
wait_log a "tinylinux: ready"
wait_log b "tinylinux: ready"

log "w shows a tile for each running VM, none for the stopped one"
: >"$TEST_TMP/desk.log"
$TM new-session -d -s d -x 160 -y 50 \
    "exec env VMDESK_LOG=$TEST_TMP/desk.log $VMDESK"
wait_screen "a +running"
sleep 1
c0=$(connects)
$TM send-keys -t d w
wait_screen "The wall: 2 running VMs"
wait_screen "─ a  running ─"
wait_screen "─ b  running ─"
screen | grep -q "─ c  " && fail "the stopped VM has a tile"; ok
i=0
while [ "$(connects)" -lt $((c0 + 2)) ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
sleep 1
[ "$(connects)" -eq $((c0 + 2)) ] ||
    fail "$(($(connects) - c0)) VNC sessions for 2 tiles"; ok

log "the console's dim text is brightened: the tiles are not black"
i=0
while [ "$(tile_colours 0 80)" -lt 2 ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$(tile_colours 0 80)" -ge 2 ] ||
    fail "tile a shows $(tile_colours 0 80) colours"; ok

log "each tile follows its own guest"
a0=$(tile_colours 0 80)
b0=$(tile_colours 80 160)
serial_run b 'head -c 3145728 /dev/urandom >/dev/fb0; echo NOISE-DONE'
wait_log b NOISE-DONE
# Two frames a second at most: a loaded machine may take longer.
i=0
while [ "$(tile_colours 80 160)" -lt $((b0 + 5)) ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
a1=$(tile_colours 0 80)
b1=$(tile_colours 80 160)
log "colours: tile a $a0, then $a1; tile b $b0, then $b1"
# Noise brings many colours; a blinking cursor in a may bring one.
[ "$b1" -ge $((b0 + 5)) ] ||
    fail "tile b did not change ($b0, then $b1 colours)"; ok
[ "$a1" -le $((a0 + 2)) ] || fail "tile a changed with b ($a0, then $a1)"
ok

log "Right, then Enter, opens b's screen; Ctrl-] q comes back to the wall"
$TM send-keys -t d Right Enter
wait_screen "^ b  pixels"
$TM send-keys -t d C-] q
wait_screen "The wall: 2 running VMs"

log "a VM that stops leaves the wall"
vd_ok kill a
wait_screen "The wall: 1 running VM,"
screen | grep -q "─ a  " && fail "the stopped VM keeps its tile"; ok

log "Esc goes back to the list with the wall's VM selected"
$TM send-keys -t d Escape
wait_screen "F1Help"
$TM send-keys -t d v
wait_screen "^ b  pixels"
$TM send-keys -t d C-] q
wait_screen "F1Help"

echo "$passed passed, 0 failed"
