#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A VM's screen: the pure paths (bench/bench_console: half blocks for a
# full 1024x768 frame <= 1 ms, glyphs of a 720x400 text screen <= 1 ms),
# then vmdesk view on a tinylinux VM (TCG) in tmux: bytes written per idle
# second (target 0) and key press to the echoed character on the terminal
# (target <= 50 ms beyond QEMU's own refresh, which is about 30 ms).
set -u
: "${VMDESK:?}"
: "${CONSOLE_BENCH:=$(dirname "$0")/bench_console}"
IDLE=${IDLE_SECONDS:-10}
KEYS=${KEYS:-15}
rc=0
"$CONSOLE_BENCH" || rc=1

tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
cache="$(pwd)/tests/.cache/images"
mkdir -p "$cache" && ln -s "$cache" "$VMDESK_HOME/images"
TM="tmux -L vmdv$$ -f /dev/null"
cleanup() {
	$TM kill-server 2>/dev/null
	for p in "$XDG_RUNTIME_DIR"/vmdesk/*/qemu.pid; do
		[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

"$VMDESK" create cb --template tinylinux --memory 128M >/dev/null || exit 1
"$VMDESK" start cb >/dev/null || exit 1
n=0
while ! grep -q "tinylinux: ready" "$VMDESK_HOME/vms/cb/serial.log" \
    2>/dev/null && [ $n -lt 600 ]; do
	sleep 0.2
	n=$((n + 1))
done
$TM new-session -d -s keep "sleep 100000"
$TM new-session -d -s b -x 100 -y 30 "exec $VMDESK view cb"
n=0
while ! $TM capture-pane -p -t b | grep -q "^tinylinux:/#" && [ $n -lt 300 ]
do
	sleep 0.1
	n=$((n + 1))
done
sleep 2

# Idle: the guest's cursor blinks, nothing else moves.
$TM pipe-pane -t b -o "cat >>$tmp/tty"
sleep "$IDLE"
$TM pipe-pane -t b
bytes=$(wc -c <"$tmp/tty" 2>/dev/null || echo 0)

# Key press to the echoed character on the terminal, polled every 5 ms.
times=
i=0
while [ $i -lt "$KEYS" ]; do
	c=$(printf "\\$(printf %03o $((97 + i % 26)))")
	s=$(date +%s%N)
	$TM send-keys -t b -l "$c"
	n=0
	while [ "$($TM capture-pane -p -t b | grep '^tinylinux:/#' | tail -1 |
	    sed 's/^tinylinux:\/# //; s/ *$//' | wc -c)" -lt $((i + 2)) ] &&
	    [ $n -lt 400 ]; do
		sleep 0.005
		n=$((n + 1))
	done
	e=$(date +%s%N)
	times="$times $(( (e - s) / 1000 ))"
	i=$((i + 1))
done
$TM send-keys -t b C-u
lat=$(echo $times | tr ' ' '\n' | sort -n | sed -n "$(( (KEYS + 1) / 2 ))p")

awk -v b="$bytes" -v s="$IDLE" -v l="$lat" -v r="$times" 'BEGIN {
	printf "bytes to the terminal per idle second: %.1f (target 0)\n", \
	    b / s
	printf "key press to the echoed cell: median %.1f ms (target <= 80: " \
	    "QEMU refresh ~30 + 50; runs, us:%s)\n", l / 1000, r
	exit !(b == 0 && l <= 80000)
}' || rc=1
exit $rc
