#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The desktop's monitor is its own: with vmdesk view of another VM running
# (started first, so it would take every desktop monitor if it could),
# the desktop still graphs guest memory from the balloon and hears a pause
# made by the CLI at once. A VM whose desktop monitor another program
# holds shows QEMU's RSS under words that say guest memory is unknown,
# never under the guest memory's title.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
. "${top_srcdir:-.}/tests/lib/tmux.sh"
started=$(date +%s)
HOLDER=
trap '[ -n "$HOLDER" ] && kill "$HOLDER"; $TM kill-server 2>/dev/null; cleanup' EXIT

$TM new-session -d -s keep "sleep 100000"

vd_ok create ma --template tinylinux --memory 128M
vd_ok create mb --template tinylinux --memory 128M
vd_ok create mc --template tinylinux --memory 128M
vd_ok start ma
vd_ok start mb
vd_ok start mc
wait_log ma "tinylinux: ready"
wait_log mb "tinylinux: ready"
wait_log mc "tinylinux: ready"

log "another program holds mc's desktop monitor"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.recv(4096); print("holding", flush=True); time.sleep(300)' \
    "$RUN/mc/qmp.sock" >"$TEST_TMP/holder" &
HOLDER=$!
i=0
until grep -q holding "$TEST_TMP/holder" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "the holder did not connect"
	sleep 0.1
done
ok

log "vmdesk view mb runs before the desktop starts"
$TM new-session -d -s v -x 100 -y 30 "exec $VMDESK view mb"
TMUX_SESSION=v wait_screen "mb"; ok
# The view's first pass looks at every VM: give it that pass.
TMUX_SESSION=v wait_screen "running|login|#"

log "the desktop graphs ma's guest memory"
$TM new-session -d -s d -x 160 -y 50 "exec $VMDESK"
wait_screen "F1Help"
$TM send-keys -t d Home
wait_screen "guest memory used" 150; ok
screen | grep -q "QEMU memory" && fail "ma's graph shows QEMU's RSS"; ok

log "a pause from the CLI shows at once"
vd_ok pause ma
wait_screen "ma +paused" 15; ok
vd_ok resume ma
wait_screen "ma +running" 15; ok

log "mc, whose monitor is held elsewhere, says guest memory is unknown"
$TM send-keys -t d End
wait_screen "mc +running"
wait_screen "guest memory unknown, the monitor is busy" 50; ok
screen | grep -q "guest memory used" && fail "mc claims guest memory"; ok

log "the view still shows mb"
TMUX_SESSION=v wait_screen "mb"; ok
$TM kill-session -t v
$TM kill-session -t d

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
