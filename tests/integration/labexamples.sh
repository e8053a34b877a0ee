#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The example labs vmdesk ships (share/labs) come up as their comments
# say: three-node's nodes reach each other on 10.0.9.0/24; in
# client-server the host reads the server through its forward and the
# client reads it over the private network. Then both go away whole.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

labs="${top_srcdir:-.}/share/labs"
# The example's host port 8080 may be taken here: a free one instead.
hp=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
sed "s/tcp:8080:80/tcp:$hp:80/" "$labs/client-server.lab" \
    >"$TEST_TMP/client-server.lab"

log "three-node: plan, up, the nodes reach each other"
vd_fails 3 "3 to create" plan "$labs/three-node.lab"; ok
vd_ok up "$labs/three-node.lab"
serial_expect node-1 'ping -c1 -W3 10.0.9.3 >/dev/null && echo "p=$((1+2))!"' \
    'p=3!'; ok
serial_expect node-2 'ping -c1 -W3 10.0.9.1 >/dev/null && echo "p=$((4+4))!"' \
    'p=8!'; ok
vd_ok snapshot list node-3 --json
case "$OUT" in *'"name": "start"'*) ok ;;
*) fail "node-3 has no baseline named start: $OUT" ;; esac

log "client-server: the host and the client read the server"
vd_ok up "$TEST_TMP/client-server.lab"
i=0
until [ "$(probe "$hp")" = "hello from server" ]; do
	[ $i -lt 60 ] || fail "127.0.0.1:$hp never gave the server's answer"
	sleep 0.5
	i=$((i + 1))
done; ok
serial_expect client \
    'echo "c=$(nc 10.0.8.1 80 </dev/null | grep -c "hello from server")!"' \
    'c=1!'; ok

log "both go away whole"
vd_ok destroy --yes net101
vd_ok destroy --yes webpair
[ -z "$(ls "$VMDESK_HOME/vms")" ] || fail "VMs left: $(ls "$VMDESK_HOME/vms")"
vd_ok lab list
case "$OUT" in *"No labs yet"*) ok ;; *) fail "labs left: $OUT" ;; esac

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
