#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Port forwards, booting tinylinux: one added while the VM runs reaches a
# guest port at once; removed while it runs, the host port is closed;
# vm.conf keeps it, so it works again after a restart. A host port that
# another VM's definition uses, or that a program holds, is refused.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

LISTENER=
forwards_cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	cleanup
}
trap forwards_cleanup EXIT

# Two free TCP ports on 127.0.0.1.
set -- $(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
HP=$1 BUSY=$2

# Start the guest's one-shot server on port 7777 and read it through $1.
reach() {
	serial_run fw1 "nc -l -p 7777 -e echo hello-from-guest &"
	i=0
	while [ "$i" -lt 60 ]; do
		[ "$(probe "$1")" = hello-from-guest ] && return 0
		sleep 0.5
		i=$((i + 1))
	done
	fail "127.0.0.1:$1 never reached the guest's port 7777"
}

vd_ok create fw1 --template tinylinux --memory 128M
vd_ok create fw2 --template tinylinux --memory 128M --forward "tcp:$BUSY:22"

log "refused: a port of another VM's definition, a port in use"
vd_fails 1 "host port tcp $BUSY is forwarded by VM fw2" \
    forward add fw1 "tcp:$BUSY:7777"; ok
vd_ok delete fw2
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
time.sleep(600)' "$BUSY" &
LISTENER=$!
i=0
while [ "$(probe "$BUSY")" = refused ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
vd_fails 1 "in use by another program" forward add fw1 "tcp:$BUSY:7777"
ok

log "added live, a forward reaches the guest's port"
vd_ok start fw1
wait_log fw1 "tinylinux: ready"
[ "$(probe "$HP")" = refused ] || fail "port $HP open before the forward"
vd_ok forward add fw1 "tcp:$HP:7777"
case "$OUT" in *"added to NIC net0"*) ok ;; *) fail "add said: $OUT" ;; esac
reach "$HP"; ok
vd_ok forward list fw1 --json
case "$OUT" in *"\"host_port\": $HP"*) ok ;; *) fail "list: $OUT" ;; esac
grep -q "^forward = tcp:$HP:7777$" "$VMDESK_HOME/vms/fw1/vm.conf" ||
    fail "vm.conf lacks the forward"; ok

log "removed live, the host port is closed"
vd_ok forward remove fw1 "tcp:$HP"
[ "$(probe "$HP")" = refused ] || fail "port $HP still open after remove"
ok
grep -q "forward = tcp:$HP" "$VMDESK_HOME/vms/fw1/vm.conf" &&
    fail "vm.conf still has the forward"; ok
vd_fails 1 "forwards no tcp port $HP" forward remove fw1 "tcp:$HP"; ok

log "a forward survives a restart"
vd_ok forward add fw1 "tcp:$HP:7777"
vd_ok kill fw1
readies=$(serial_text fw1 | grep -c "tinylinux: ready")
vd_ok start fw1
wait_log fw1 "tinylinux: ready" $((readies + 1))
reach "$HP"; ok
vd_ok kill fw1

echo "$passed passed, 0 failed"
