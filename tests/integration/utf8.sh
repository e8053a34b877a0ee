#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop's text fields keep UTF-8: a snapshot note typed in the
# desktop (in a real terminal, tmux, one key per byte as terminals send
# them) with a dash, accented letters and a character of two columns,
# one of them erased with Backspace, is saved as typed and reads back
# with vmdesk snapshot list --json; the CLI keeps the same note.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"
started=$(date +%s)

$TM new-session -d -s keep "sleep 100000"

# No guest runs here: a stopped VM's disk snapshot is enough.
vd_ok create u1 --template tinylinux --memory 64M
vd_ok snapshot create u1 s1

log "a note typed in the desktop"
$TM new-session -d -s d -x 120 -y 34 \
    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $VMDESK"
wait_screen "F1Help"
$TM send-keys -t d Home S
wait_screen "Snapshots of u1"
# The tree is read off the loop: its title comes before its nodes.
wait_screen "s1"
$TM send-keys -t d End e
wait_screen "A note on this snapshot"
# "— üñí 中€", then Backspace takes the whole "€" (three bytes), then "!".
$TM send-keys -t d -l "— üñí 中€"
$TM send-keys -t d BSpace
$TM send-keys -t d -l "!"
wait_screen "— üñí 中!"; ok
$TM send-keys -t d Enter
i=0
# A saved note is a string: "note": null matches '"note"' at once.
until "$VMDESK" snapshot list u1 --json | grep -q '"note": "'; do
	i=$((i + 1))
	[ "$i" -lt 300 ] || { screen >&2; fail "the note was not saved"; }
	sleep 0.1
done
vd_ok snapshot list u1 --json
case "$OUT" in *'"note": "— üñí 中!"'*) ok ;;
*) fail "the note read back: $OUT" ;; esac

log "the tree shows it; the CLI keeps UTF-8 too"
wait_screen "— üñí 中!"; ok
$TM kill-session -t d
vd_ok snapshot create u1 s2 --note "CLI — ñ 中"
vd_ok snapshot list u1 --json
case "$OUT" in *'"note": "CLI — ñ 中"'*) ok ;;
*) fail "the CLI note read back: $OUT" ;; esac

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
