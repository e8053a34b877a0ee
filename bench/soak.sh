#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak, bounded: SOAK_VMS tinylinux VMs (default 20), each for SOAK_ROUNDS
# rounds (default 5) started, snapshotted live, paused, resumed and
# stopped, all at once, with the desktop open in tmux (its list, and the
# wall of screens every other 10 s); QEMU killed with SIGKILL at random
# moments; a second vmdesk listing and querying all the
# while. Every command has a timeout (a hang is a failure). At the end
# every VM is in the state the log says, and the desktop's open fds and
# RSS have not grown beyond a small margin. Stops by itself.
set -u
: "${VMDESK:?}"
NVMS=${SOAK_VMS:-20}
ROUNDS=${SOAK_ROUNDS:-5}
# Out of 100: the chance, at each step, that QEMU is killed before it.
KILL_PCT=${SOAK_KILL_PCT:-8}
T=${SOAK_TIMEOUT:-180}
tmp=$(mktemp -d /tmp/vmsk.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
cache="$(pwd)/tests/.cache/images"
mkdir -p "$cache/tinylinux" "$VMDESK_HOME/images"
ln -s "$cache/tinylinux" "$VMDESK_HOME/images/tinylinux"
RUN="$XDG_RUNTIME_DIR/vmdesk"
LOG="$tmp/soak.log"
TM="tmux -L vmsk$$ -f /dev/null"
cleanup() {
	$TM kill-server 2>/dev/null
	[ -n "${cli_pid:-}" ] && kill "$cli_pid" 2>/dev/null
	for p in "$RUN"/*/qemu.pid; do
		[ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# vd VM-LOG-LINE ARGS: one command, bounded; a timeout is a hang.
vd() {
	timeout "$T" "$VMDESK" "$@" >"$tmp/out.$$.$vm" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ]; then
		echo "HANG vmdesk $*" >>"$LOG"
	fi
	return "$rc"
}

# Maybe kill this VM's QEMU now; 1 when it did.
chaos() {
	[ "$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')" -lt \
	    $((65536 * KILL_PCT / 100)) ] || return 1
	[ -f "$RUN/$vm/qemu.pid" ] || return 1
	kill -9 "$(cat "$RUN/$vm/qemu.pid")" 2>/dev/null || return 1
	echo "$vm round $r: QEMU killed" >>"$LOG"
	return 0
}

# One VM's life: rounds of start, snapshot, pause, resume, stop, with
# QEMU killed now and then; the last state it was left in goes to the log.
life() {
	vm=$1
	state=stopped
	for r in $(seq 1 "$ROUNDS"); do
		for step in start "snapshot create $vm r$r" pause resume stop; do
			if [ "$state" != stopped ] && chaos; then
				# The VM is gone: stop cleans up, as a person would.
				vd stop "$vm" --timeout 20 --force
				state=stopped
				continue 2
			fi
			case $step in
			start) vd start "$vm" && state=running ;;
			pause) vd pause "$vm" && state=paused ;;
			resume) vd resume "$vm" && state=running ;;
			stop) vd stop "$vm" --timeout 20 --force && state=stopped ;;
			*) vd $step ;;
			esac
			[ $? -eq 0 ] || echo "$vm round $r: $step failed:" \
			    "$(cat "$tmp/out.$$.$vm")" >>"$LOG"
		done
	done
	# Leave a mix: every third running, every third paused.
	case $(( ${vm#soak} % 3 )) in
	1) vd start "$vm" && state=running ;;
	2) vd start "$vm" && vd pause "$vm" && state=paused ;;
	esac
	echo "$vm final $state" >>"$LOG"
}

echo "soak: $NVMS VMs, $ROUNDS rounds, QEMU killed at $KILL_PCT% of steps"
i=1
while [ "$i" -le "$NVMS" ]; do
	"$VMDESK" create "soak$i" --template tinylinux --memory 96M \
	    >/dev/null || exit 1
	i=$((i + 1))
done

$TM new-session -d -s s -x 160 -y 50 "exec $VMDESK"
sleep 3
dpid=$($TM list-panes -t s -F '#{pane_pid}')
fds() { ls "/proc/$dpid/fd" | wc -l; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$dpid/status"; }
fd0=$(fds)
rss0=$(rss)
# The desktop's RSS and fds every 2 s, all through the soak.
(
	while kill -0 "$dpid" 2>/dev/null; do
		echo "$(date +%s) $(rss) $(fds)" >>"$tmp/samples"
		sleep 2
	done
) &
sampler=$!

# The second vmdesk: list, status and snapshot lists, bounded each.
(
	while :; do
		for c in "list --json" "status soak1 --json" \
		    "snapshot list soak2 --json" "info soak3 --json"; do
			timeout "$T" "$VMDESK" $c >/dev/null 2>&1
			[ $? -eq 124 ] && echo "HANG second vmdesk: $c" >>"$LOG"
		done
		echo x >>"$tmp/cli.count"
	done
) &
cli_pid=$!

start=$(date +%s)
i=1
while [ "$i" -le "$NVMS" ]; do
	life "soak$i" &
	i=$((i + 1))
done
# The desktop draws all the while: the selection moves, and every 10 s
# the wall opens or closes (a VNC session per running VM, cut by kills).
n=0
while [ "$(cat "$LOG" 2>/dev/null | grep -c ' final ')" -lt "$NVMS" ]; do
	$TM send-keys -t s j
	[ $((n % 10)) -eq 9 ] && $TM send-keys -t s w
	sleep 1
	n=$((n + 1))
	if [ "$n" -gt $((T * ROUNDS * 6)) ]; then
		echo "soak: FAIL: the VMs did not finish in time"
		exit 1
	fi
done
kill "$cli_pid" 2>/dev/null
end=$(date +%s)
kill "$sampler" 2>/dev/null
wait 2>/dev/null
sleep 3
fdmid=$(fds)

bad=0
i=1
while [ "$i" -le "$NVMS" ]; do
	want=$(sed -n "s/^soak$i final //p" "$LOG")
	got=$(timeout "$T" "$VMDESK" status "soak$i" --json |
	    sed -n 's/^  "state": "\(.*\)",$/\1/p')
	if [ "$got" != "$want" ]; then
		echo "soak$i is $got, the log says $want"
		bad=$((bad + 1))
	fi
	i=$((i + 1))
done
hangs=$(grep -c '^HANG' "$LOG")
kills=$(grep -c 'QEMU killed' "$LOG")
fails=$(grep -c ' failed:' "$LOG")
snaps=$(for i in $(seq 1 "$NVMS"); do
	timeout "$T" "$VMDESK" snapshot list "soak$i" --json
done | grep -c '"tag"')
# Back to the list if the wall is open.
$TM capture-pane -p -t s | grep -q "^ The wall:" && $TM send-keys -t s w
# All stopped again, as at the start: the figures must match.
for i in $(seq 1 "$NVMS"); do
	timeout "$T" "$VMDESK" kill "soak$i" >/dev/null 2>&1
done
sleep 5
fd1=$(fds)
rss1=$(rss)
desktop=alive
kill -0 "$dpid" 2>/dev/null || desktop=dead
echo "soak: $((end - start)) s; $kills QEMU kills; $fails commands failed" \
    "(expected after kills); $hangs hangs; $snaps snapshots kept;" \
    "$(wc -l <"$tmp/cli.count") rounds of the second vmdesk"
echo "soak: $bad VMs not in the logged state; desktop $desktop"
echo "soak: desktop fds $fd0 -> $fd1 (all stopped; $fdmid with the final" \
    "mix running), RSS $rss0 kB -> $rss1 kB"
# Memory that grows with the work done is a leak; memory that the first
# VMs, frames and samples take once (stats rings, the QMP log, the
# thumbnail's framebuffer kept by malloc) is not. So compare the soak's
# two halves: the second must not need more than the first.
set -- $(awk -v s="$start" -v e="$end" '$1 >= s && $1 <= e {
	if ($1 < s + (e - s) / 2) { if ($2 > r1) r1 = $2; if ($3 > f1) f1 = $3 }
	else { if ($2 > r2) r2 = $2; if ($3 > f2) f2 = $3 }
} END { print r1 + 0, r2 + 0, f1 + 0, f2 + 0 }' "$tmp/samples")
r1h=$1 r2h=$2 f1h=$3 f2h=$4
echo "soak: desktop peak RSS $r1h kB in the first half, $r2h kB in the" \
    "second; peak fds $f1h and $f2h ($(wc -l <"$tmp/samples") samples)"
grep -e '^HANG' -e ' failed:' "$LOG" | head -n 10
awk -v f0="$fd0" -v f1="$fd1" -v r1h="$r1h" -v r2h="$r2h" -v b="$bad" \
    -v h="$hangs" -v d="$desktop" -v f1h="$f1h" -v f2h="$f2h" 'BEGIN {
	exit !(b == 0 && h == 0 && d == "alive" && f1 <= f0 + 2 &&
	    r2h <= r1h + 1024 + r1h / 20 && f2h <= f1h + 2)
}'
