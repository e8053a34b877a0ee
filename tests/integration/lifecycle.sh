#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real tinylinux guest under TCG: create, start, shell on the serial
# socket, pause/resume, ACPI stop, data kept, kill -9 seen as crashed,
# restart, reset, and a second vmdesk process finding the same QEMU.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

port=$((20000 + $$ % 20000))
vd_ok create t1 --template tinylinux --memory 192M --forward "tcp:$port:7"
ok
vd_ok list --json
case "$OUT" in *'"name": "t1"'*'"state": "stopped"'*) ok ;; *) fail "$OUT" ;; esac

log "start and shell"
vd_ok start t1; ok
[ "$(vm_field t1 state)" = running ] || fail "not running after start"; ok
[ "$(vm_field t1 accel)" = tcg ] || fail "accel is not tcg"; ok
pid=$(cat "$RUN/t1/qemu.pid")
[ "$(vm_field t1 pid)" = "$pid" ] || fail "status pid differs from pidfile"
ok
wait_log t1 "tinylinux: ready"; ok
serial_expect t1 'echo $((6*7))marker' 42marker; ok
serial_expect t1 'echo persisted >/data/keep; sync; cat /data/keep' persisted
ok

log "user-mode network: a forward on 127.0.0.1 reaches the guest"
serial_run t1 'echo forwarded-ok | nc -l -p 7 & echo listening'
got=$(python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
        data = s.recv(100)
        if data:
            print(data.decode().strip())
            break
    except OSError:
        pass
    time.sleep(0.2)
PY
)
[ "$got" = forwarded-ok ] || fail "forward gave '$got'"; ok
ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " ||
    fail "the forward does not listen on 127.0.0.1 only"; ok

log "a second vmdesk process sees the same QEMU"
[ "$("$VMDESK" list --json | grep -c "\"pid\": $pid")" -eq 1 ] ||
    fail "list does not show pid $pid"; ok
vd_fails 1 "VM t1 is already running (pid $pid)" start t1; ok

log "pause and resume"
vd_ok pause t1
[ "$(vm_field t1 state)" = paused ] || fail "not paused"; ok
vd_ok resume t1
[ "$(vm_field t1 state)" = running ] || fail "not resumed"; ok
serial_expect t1 'echo alive$((1+1))' alive2; ok

log "ACPI stop"
vd_ok stop t1 --timeout 60; ok
case "$OUT" in *"powered off"*) ok ;; *) fail "stop: $OUT" ;; esac
[ "$(vm_field t1 state)" = stopped ] || fail "not stopped"; ok
[ ! -e "$RUN/t1/qemu.pid" ] || fail "pidfile left after stop"; ok
alive "$pid" && fail "QEMU $pid still alive"; ok

log "start again: the data disk kept its file"
vd_ok start t1
wait_log t1 "tinylinux: ready" 2
serial_expect t1 'cat /data/keep' persisted; ok

log "kill -9 of QEMU is seen as crashed, and a restart works"
pid=$(cat "$RUN/t1/qemu.pid")
kill -9 "$pid"
# The leader turns zombie before QEMU's other threads let go of the pidfile
# lock: the state converges within moments.
i=0
while [ "$(vm_field t1 state)" != crashed ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
st=$(vm_field t1 state)
[ "$st" = crashed ] || fail "not crashed after kill -9 but $st"; ok
vd_ok start t1; ok
[ "$(vm_field t1 state)" = running ] || fail "not running after restart"; ok
wait_log t1 "tinylinux: ready" 3; ok

log "reset reboots the guest"
vd_ok reset t1
wait_log t1 "tinylinux: ready" 4; ok

log "delete refuses a running VM, --force kills it"
vd_fails 1 "VM t1 is running: stop it first, or use --force" delete t1; ok
pid=$(cat "$RUN/t1/qemu.pid")
vd_ok delete t1 --force; ok
alive "$pid" && fail "QEMU $pid survived delete --force"; ok
[ ! -e "$VMDESK_HOME/vms/t1" ] || fail "folder left"; ok

echo "$passed passed, 0 failed"
