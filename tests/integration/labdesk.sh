#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Labs in the desktop's list, in a real terminal (tmux): the VMs of a lab
# are gathered under a header row with its name and running/total, where
# the lab's first VM would be in the list's sort; VMs without a lab are
# listed as before; a filter on the lab's name shows its VMs; a header
# marks and starts its lab's VMs; its keys take the lab down, bring it
# up (its progress on the header) and reset it, each a job that Esc
# stops between steps.
#
# The lab key is what vmdesk up writes; here it is written into vm.conf
# of stopped VMs.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"
started=$(date +%s)
VMS="$VMDESK_HOME/vms"

# make NAME MEMORY [LAB]
make() {
	vd_ok create "$1" --template tinylinux --memory "$2"
	[ $# -lt 3 ] && return
	sed -i "s/^name = $1\$/&\\nlab = $3/" "$VMS/$1/vm.conf"
	grep -q "^lab = $3\$" "$VMS/$1/vm.conf" || fail "no lab in $1"
}
make alpha 128M
make db 192M shop
make web-1 128M shop
make web-2 128M shop
make zed 256M class
vd_ok start web-1

# The list's rows $1 to $2, the first words of each (a header's arrow,
# drawn where the terminal has UTF-8, left out).
rows() {
	screen | sed -n "${1:-3},${2:-9}p" | sed 's/\xe2\x96\xbe //' |
	    awk '$1 == "lab" { print $1, $2, $3; next } { print $1, $2 }'
}

log "by name: each lab under its header, where its first VM would be"
$TM new-session -d -s d -x 100 -y 30 "exec $VMDESK"
wait_screen "F1Help"
wait_screen "lab shop  1/3 running"; ok
want="alpha stopped
lab shop 1/3
db stopped
web-1 running
web-2 stopped
lab class 0/1
zed stopped"
[ "$(rows)" = "$want" ] || { screen >&2; fail "rows by name: $(rows)"; }
ok
# A lab's VMs are indented under its header.
screen | grep -q "^   web-1  *running" || fail "web-1 is not indented"; ok
screen | grep -q "^ alpha  *stopped" || fail "alpha is indented"; ok

log "sorted by memory: the groups follow the sort"
# name, state, cpu, memory: three presses of the sort key.
$TM send-keys -t d o o o
wait_screen "sort: memory"
want="lab class 0/1
zed stopped
lab shop 1/3
db stopped
web-1 running
web-2 stopped
alpha stopped"
[ "$(rows)" = "$want" ] || { screen >&2; fail "rows by memory: $(rows)"; }
ok
$TM send-keys -t d o o
wait_screen "sort: name"

log "a filter on a lab's name shows its VMs under their header"
$TM send-keys -t d /
$TM send-keys -t d -l "shop"
$TM send-keys -t d Enter
wait_screen "filter: shop"
want="lab shop 1/3
db stopped
web-1 running
web-2 stopped"
[ "$(rows 3 6)" = "$want" ] || { screen >&2; fail "filtered rows"; }
screen | grep -q "alpha\|zed" && fail "the filter let others through"; ok
$TM send-keys -t d / Escape

log "on a header: Space marks its VMs, F4 starts them"
$TM send-keys -t d Home Down Space
wait_screen "^\\*  db "
screen | grep -q "^\\*  web-2 " || fail "web-2 not marked"; ok
screen | grep -q "^\\* alpha\\|^\\*  zed" && fail "others marked"; ok
$TM send-keys -t d Up Space
screen | grep -q "^\\*  db " && fail "still marked"
# The class header: F4 starts zed, its only VM.
$TM send-keys -t d End Up F4
wait_screen "lab class  1/1 running" 300; ok
# QEMU daemonizes: a moment with two processes of its name.
i=0
while [ "$(count_live vmdesk-zed)" -ne 1 ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
[ "$(count_live vmdesk-zed)" -eq 1 ] || fail "zed did not start"; ok
[ "$(count_live vmdesk-db)" -eq 0 ] || fail "db started"; ok
$TM kill-session -t d
vd_ok kill web-1
vd_ok kill zed

log "lab keys: X takes a lab down, U brings it up, B resets it"
printf '[lab]\nname = kl\n\n[vm kn]\ntemplate = tinylinux\ncount = 2\nmemory = 128M\n' \
    >"$TEST_TMP/kl.lab"
vd_ok up "$TEST_TMP/kl.lab"
$TM new-session -d -s d -x 100 -y 30 "exec $VMDESK"
wait_screen "lab kl  2/2 running"
$TM send-keys -t d /
$TM send-keys -t d -l "kl"
$TM send-keys -t d Enter Home
wait_screen "filter: kl"
$TM send-keys -t d X
wait_screen "lab kl: down done" 600; ok
wait_screen "lab kl  0/2 running"; ok
[ "$(count_live vmdesk-kn-1)" -eq 0 ] || fail "kn-1 still runs"; ok
$TM send-keys -t d U
# Its header says what the engine does to which VM.
wait_screen "lab kl  [0-2]/2 running  up lab kl: kn-[12] (starting|booting)" \
    600; ok
wait_screen "lab kl: up done" 900; ok
wait_screen "lab kl  2/2 running"; ok
$TM send-keys -t d B
wait_screen "Reset every VM of lab kl to its baseline"
$TM send-keys -t d Enter
wait_screen "lab kl: reset done" 900; ok

log "Esc on a lab's job stops it between steps, saying what was done"
$TM send-keys -t d X
wait_screen "lab kl: down done" 600
$TM send-keys -t d U
wait_screen "up lab kl: kn-1 (starting|booting)" 600
$TM send-keys -t d Escape
wait_screen "interrupted; done: " 600; ok
$TM send-keys -t d Enter
$TM kill-session -t d

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
