#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Two vmdesk start at once give one QEMU and one clear error; a client
# holding the desktop's monitor does not block CLI commands.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

vd_ok create c1 --template tinylinux --memory 128M

log "two starts at once"
"$VMDESK" start c1 >"$TEST_TMP/a.out" 2>&1 &
a=$!
"$VMDESK" start c1 >"$TEST_TMP/b.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
[ $((ra + rb)) -eq 1 ] || fail "exits $ra and $rb: $(cat "$TEST_TMP"/?.out)"
ok
grep -q "is already running (pid" "$TEST_TMP/a.out" "$TEST_TMP/b.out" ||
    fail "no clear error: $(cat "$TEST_TMP"/?.out)"; ok
# QEMU's -daemonize leaves an intermediate process that may take a moment
# to exit on a loaded machine: the count converges on one.
i=0
while [ "$(count_live vmdesk-c1)" -ne 1 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
n=$(count_live vmdesk-c1)
[ "$n" -eq 1 ] || fail "$n QEMU processes for c1"; ok

log "a long-lived client on qmp.sock does not block the CLI"
wait_log c1 "tinylinux: ready"
python3 - "$RUN/c1/qmp.sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.recv(4096)
s.sendall(b'{"execute": "qmp_capabilities"}\n')
s.recv(4096)
open(sys.argv[1] + ".held", "w").close()
time.sleep(20)
PY
holder=$!
i=0
while [ ! -e "$RUN/c1/qmp.sock.held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
[ -e "$RUN/c1/qmp.sock.held" ] || fail "the holder did not connect"
start=$(date +%s%N)
[ "$(vm_field c1 qemu_status)" = running ] || fail "status blocked"
vd_ok pause c1
vd_ok resume c1
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed" -lt 5000 ] || fail "CLI took ${elapsed} ms beside the holder"; ok
log "status, pause and resume beside a held monitor: ${elapsed} ms"

log "CLI commands in parallel share the CLI monitor"
for k in 1 2 3 4; do "$VMDESK" status c1 --json >"$TEST_TMP/s$k" 2>&1 & done
wait
for k in 1 2 3 4; do
	grep -q '"qemu_status": "running"' "$TEST_TMP/s$k" ||
	    fail "parallel status $k: $(cat "$TEST_TMP/s$k")"
done
ok
kill $holder 2>/dev/null

log "kill while a stop waits for a guest that ignores the button"
serial_run c1 'killall acpid; echo acpid-gone'
"$VMDESK" stop c1 --timeout 30 >"$TEST_TMP/stop.out" 2>&1 &
stopper=$!
sleep 1
[ "$(vm_field c1 state)" = shutting-down ] ||
    fail "state during stop: $(vm_field c1 state)"; ok
vd_ok kill c1; ok
wait $stopper
[ "$(vm_field c1 state)" = stopped ] || fail "not stopped after kill"; ok

log "stop without --force reports a guest that ignores the button"
vd_ok start c1
wait_log c1 "tinylinux: ready" 2
serial_run c1 'killall acpid; echo acpid-gone'
vd_fails 1 "did not power off within 2 s" stop c1 --timeout 2; ok
[ "$(vm_field c1 state)" = running ] || fail "state after failed stop"; ok
vd_ok stop c1 --timeout 2 --force; ok
case "$OUT" in *"was killed"*) ok ;; *) fail "$OUT" ;; esac

echo "$passed passed, 0 failed"
