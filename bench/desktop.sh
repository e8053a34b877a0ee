#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop with 200 VMs defined and 10 running (TCG): time to the first
# full screen (target <= 30 ms), CPU of the idle desktop (target <= 1% of
# one core), resident memory (target <= 16 MB), and bytes written to the
# terminal per idle second (graphs only).
set -u
: "${VMDESK:?}"
IDLE=${IDLE_SECONDS:-60}
RUNNING=${RUNNING:-10}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
cache="$(pwd)/tests/.cache/images"
mkdir -p "$cache" && ln -s "$cache" "$VMDESK_HOME/images"
TM="tmux -L vmdb$$ -f /dev/null"
cleanup() {
	$TM kill-server 2>/dev/null
	for p in "$XDG_RUNTIME_DIR"/vmdesk/*/qemu.pid; do
		[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

i=0
while [ $i -lt $((200 - RUNNING)) ]; do
	d="$VMDESK_HOME/vms/idle$i"
	mkdir "$d"
	printf '[vm]\nname = idle%d\ntemplate = tinylinux\nmemory = 256M\n' \
	    $i >"$d/vm.conf"
	i=$((i + 1))
done
i=0
while [ $i -lt "$RUNNING" ]; do
	"$VMDESK" create "run$i" --template tinylinux --memory 128M >/dev/null ||
	    exit 1
	"$VMDESK" start "run$i" >/dev/null || exit 1
	i=$((i + 1))
done
# Let them boot and settle.
i=0
while [ $i -lt "$RUNNING" ]; do
	n=0
	while ! grep -q "tinylinux: ready" "$VMDESK_HOME/vms/run$i/serial.log" \
	    2>/dev/null && [ $n -lt 600 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	i=$((i + 1))
done
sleep 5

# Time to the first full screen: launch to the first doupdate(), in a
# real terminal (tmux), 11 times.
$TM new-session -d -s b -x 160 -y 50 "sleep 100000"
times=
n=0
while [ $n -lt 11 ]; do
	rm -f "$tmp/t"
	$TM new-window -t b "s=\$(date +%s%N); VMDESK_EXIT_AFTER_FIRST_FRAME=1 $VMDESK; e=\$(date +%s%N); echo \$(( (e - s) / 1000 )) >$tmp/t"
	while [ ! -s "$tmp/t" ]; do sleep 0.05; done
	times="$times $(cat "$tmp/t")"
	n=$((n + 1))
done
first=$(echo $times | tr ' ' '\n' | sort -n | sed -n 6p)

# The idle desktop.
$TM new-window -t b -n desk "exec $VMDESK"
sleep 2
# Show the running VMs, so their sparklines and graphs are on screen.
$TM send-keys -t b:desk / r u n Enter
sleep 3
pid=$($TM list-panes -t b:desk -F '#{pane_pid}')
hz=$(getconf CLK_TCK)
t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
$TM pipe-pane -t b:desk -o "cat >>$tmp/tty"
sleep "$IDLE"
$TM pipe-pane -t b:desk
t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
bytes=$(wc -c <"$tmp/tty")
fds=$(ls "/proc/$pid/fd" | wc -l)

awk -v f="$first" -v r="$times" -v t=$((t1 - t0)) -v hz="$hz" -v s="$IDLE" \
    -v rss="$rss" -v b="$bytes" -v fds="$fds" -v run="$RUNNING" 'BEGIN {
	cpu = t / hz / s * 100
	printf "first full screen (200 VMs, %d running): median %.1f ms " \
	    "(target <= 30; runs, us:%s)\n", run, f / 1000, r
	printf "idle CPU over %d s: %.2f%% of one core (target <= 1%%)\n", \
	    s, cpu
	printf "resident memory: %.1f MB (target <= 16 MB); open fds: %d\n", \
	    rss / 1024, fds
	printf "bytes to the terminal per idle second: %.0f\n", b / s
	exit !(f <= 30000 && cpu <= 1 && rss <= 16384)
}'
