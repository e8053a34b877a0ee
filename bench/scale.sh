#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale: 1000 VMs defined (none running). vmdesk list --json (median of
# 11, target <= 15 ms; instructions by callgrind, steady under load), the
# desktop's first frame (median of 11, target <= 20 ms) and its idle CPU
# (target <= 0.2% of a core over IDLE_SECONDS). Then 10,000 VMs: list
# and the first frame still work, and their times are printed.
set -u
: "${VMDESK:?}"
IDLE=${IDLE_SECONDS:-30}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
TM="tmux -L vmdb$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

# Define VMs up to $1.
define() {
	while [ "$i" -lt "$1" ]; do
		d="$VMDESK_HOME/vms/vm$i"
		mkdir "$d"
		printf '[vm]\nname = vm%d\nmemory = 256M\n[disk data]\nfile = d.qcow2\n[nic net0]\nmac = 52:54:00:%02x:%02x:%02x\n' \
		    "$i" $((i / 65536)) $((i / 256 % 256)) $((i % 256)) >"$d/vm.conf"
		i=$((i + 1))
	done
}

# Median microseconds of 11 runs of a command.
median11() {
	t=
	n=0
	while [ $n -lt 11 ]; do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t="$t $(( (e - s) / 1000 ))"
		n=$((n + 1))
	done
	echo $t | tr ' ' '\n' | sort -n | sed -n 6p
}

# Median microseconds from launch to the desktop's first full frame.
first_frame() {
	$TM new-session -d -s f -x 120 -y 40 "sleep 100000" 2>/dev/null
	t=
	n=0
	while [ $n -lt 11 ]; do
		rm -f "$tmp/t"
		$TM new-window -t f "s=\$(date +%s%N); VMDESK_EXIT_AFTER_FIRST_FRAME=1 $VMDESK; e=\$(date +%s%N); echo \$(( (e - s) / 1000 )) >$tmp/t"
		while [ ! -s "$tmp/t" ]; do sleep 0.05; done
		t="$t $(cat "$tmp/t")"
		n=$((n + 1))
	done
	echo $t | tr ' ' '\n' | sort -n | sed -n 6p
}

i=0
define 1000
list=$(median11 "$VMDESK" list --json)
count=$("$VMDESK" list --json | grep -c '"name"')
instr=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$VMDESK" list --json 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
first=$(first_frame)
$TM new-window -t f -n desk "exec $VMDESK"
sleep 3
pid=$($TM list-panes -t f:desk -F '#{pane_pid}')
hz=$(getconf CLK_TCK)
t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
sleep "$IDLE"
t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
$TM kill-window -t f:desk
idle=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE" \
    'BEGIN { printf "%.2f", 100 * d / hz / s }')
echo "1000 VMs: list --json median $(awk -v m="$list" 'BEGIN { printf "%.1f", m / 1000 }') ms (target <= 15 ms), $instr instructions; listed $count"
echo "1000 VMs: first frame median $(awk -v m="$first" 'BEGIN { printf "%.1f", m / 1000 }') ms (target <= 20 ms)"
echo "1000 VMs: idle desktop $idle% of a core over $IDLE s (target <= 0.2%)"
ok=1
[ "$count" -eq 1000 ] && [ "$list" -le 15000 ] && [ "$first" -le 20000 ] &&
    awk -v i="$idle" 'BEGIN { exit !(i <= 0.2) }' || ok=0

define 10000
list10=$(median11 "$VMDESK" list --json)
count10=$("$VMDESK" list --json | grep -c '"name"')
first10=$(first_frame)
echo "10000 VMs: list --json median $(awk -v m="$list10" 'BEGIN { printf "%.1f", m / 1000 }') ms, listed $count10; first frame $(awk -v m="$first10" 'BEGIN { printf "%.1f", m / 1000 }') ms (works: no target)"
[ "$count10" -eq 10000 ] || ok=0
[ "$ok" -eq 1 ]
