#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk start to the guest's shell prompt, against the same QEMU argv run
# by hand (target ratio <= 1.05). Both are timed from launch to the first
# "tinylinux: ready" line in the serial log, polled the same way.
set -u
: "${VMDESK:?}"
: "${top_srcdir:=.}"
ROUNDS=${ROUNDS:-5}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
cache="$(pwd)/tests/.cache/images"
mkdir -p "$cache" && ln -s "$cache" "$VMDESK_HOME/images"
trap '"$VMDESK" kill b1 >/dev/null 2>&1; [ -f "$tmp/hand/qemu.pid" ] && kill -9 $(cat "$tmp/hand/qemu.pid") 2>/dev/null; rm -rf "$tmp"' EXIT

"$VMDESK" create b1 --template tinylinux --memory 256M >/dev/null || exit 1
log="$VMDESK_HOME/vms/b1/serial.log"
now_us() { echo $(( $(date +%s%N) / 1000 )); }
wait_ready() {
	while ! grep -q -F "tinylinux: ready" "$1" 2>/dev/null; do
		sleep 0.01
	done
}

# One vmdesk start gives us the exact argv it ran, from /proc.
"$VMDESK" start b1 >/dev/null || exit 1
wait_ready "$log"
qpid=$(cat "$XDG_RUNTIME_DIR/vmdesk/b1/qemu.pid")
# By hand: the same argv with its own sockets, pidfile and log.
mkdir -m 0700 "$tmp/hand"
sed -z "s|$XDG_RUNTIME_DIR/vmdesk/b1|$tmp/hand|g; s|$VMDESK_HOME/vms/b1/serial.log|$tmp/hand.log|g" \
    "/proc/$qpid/cmdline" >"$tmp/hand.argv"
"$VMDESK" kill b1 >/dev/null
hand_pid="$tmp/hand/qemu.pid"

vm_t=
hand_t=
r=0
while [ $r -lt "$ROUNDS" ]; do
	: >"$log"
	s=$(now_us)
	"$VMDESK" start b1 >/dev/null || exit 1
	wait_ready "$log"
	vm_t="$vm_t $(( $(now_us) - s ))"
	"$VMDESK" kill b1 >/dev/null

	rm -f "$tmp/hand.log"
	s=$(now_us)
	xargs -0 -a "$tmp/hand.argv" env || exit 1
	wait_ready "$tmp/hand.log"
	hand_t="$hand_t $(( $(now_us) - s ))"
	kill -9 "$(cat "$hand_pid")"
	while [ -e "/proc/$(cat "$hand_pid" 2>/dev/null)" ]; do sleep 0.05; done
	rm -f "$tmp"/hand/*
	r=$((r + 1))
done
med() { echo $* | tr ' ' '\n' | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
mv=$(med $vm_t)
mh=$(med $hand_t)
awk -v v="$mv" -v h="$mh" -v vr="$vm_t" -v hr="$hand_t" 'BEGIN {
	printf "vmdesk start to shell: median %.3f s (runs, us:%s)\n", v / 1e6, vr
	printf "same argv by hand:     median %.3f s (runs, us:%s)\n", h / 1e6, hr
	printf "ratio vmdesk/hand: %.3f (target <= 1.05)\n", v / h
	exit !(v / h <= 1.05)
}'
