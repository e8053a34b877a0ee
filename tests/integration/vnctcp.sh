#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# VNC over TCP (vnc_tcp = yes), checked on a real running VM: off by
# default (no VNC TCP listener); when on, one more listener on 127.0.0.1
# only; the RFB handshake offers VNC authentication and never None; a real
# client (libvncclient, DES) gets in with the password vmdesk vnc shows
# and is refused with a wrong one; the password is in a 0600 file in the
# 0700 runtime folder, never on QEMU's command line, and new at each start.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
command -v ss >/dev/null || { echo "SKIP: no ss (iproute2)" >&2; exit 77; }

VNCAUTH="$top_builddir/tests/lib/vncauth"
[ -x "$VNCAUTH" ] || fail "$VNCAUTH is not built (make check builds it)"
passed=0
ok() { passed=$((passed + 1)); }

# QEMU's TCP listeners, as ADDRESS:PORT lines.
listeners() {
	ss -H -ltnp | grep "pid=$1," | awk '{print $4}' | sort
}

# The security types an RFB 3.8 server offers, as "2" or "1 2".
rfb_types() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def recvn(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit("server closed the connection")
        b += c
    return b
ver = recvn(12)
if not ver.startswith(b"RFB 003."):
    sys.exit("not RFB: %r" % ver)
s.sendall(b"RFB 003.008\n")
n = recvn(1)[0]
if n == 0:
    sys.exit("server refused: %r" % recvn(4))
print(" ".join(str(t) for t in recvn(n)))
PY
}

log "default: no VNC on TCP"
vd_ok create vt --template tinylinux --memory 128M
grep -q '^vnc_tcp' "$VMDESK_HOME/vms/vt/vm.conf" &&
    fail "a new vm.conf sets vnc_tcp"
vd_ok start vt
pid=$(cat "$RUN/vt/qemu.pid")
[ -z "$(listeners "$pid")" ] ||
    fail "QEMU listens on TCP by default: $(listeners "$pid")"
grep -q -- '127.0.0.1:' "/proc/$pid/cmdline" &&
    fail "QEMU's command line has a TCP VNC by default"
vd_fails 1 "has no VNC over TCP" vnc vt
[ -e "$RUN/vt/vnc.pass" ] && fail "vnc.pass exists with vnc_tcp off"
ok
vd_ok kill vt

log "set: vnc_tcp and vnc_port are checked"
vd_fails 1 "is not yes or no" set vt vnc_tcp=maybe
vd_fails 1 "vnc_port must be 0" set vt vnc_port=80
vd_fails 1 "vnc_tcp needs a display" set vt vnc_tcp=yes display=none
grep -q '^vnc_' "$VMDESK_HOME/vms/vt/vm.conf" &&
    fail "a refused set changed vm.conf"
vd_ok set vt vnc_tcp=yes
grep -q '^vnc_tcp = yes$' "$VMDESK_HOME/vms/vt/vm.conf" ||
    fail "vnc_tcp=yes is not in vm.conf"
vd_fails 1 "is not running" vnc vt
ok

log "on: one more listener, on 127.0.0.1 only"
vd_ok start vt
pid=$(cat "$RUN/vt/qemu.pid")
vd_ok vnc vt
url=$(echo "$OUT" | sed -n 's/^vnc:\/\/\(.*\)$/\1/p')
pw=$(echo "$OUT" | sed -n 's/^password \(.*\)$/\1/p')
port=${url#127.0.0.1:}
[ -n "$url" ] && [ "$port" -ge 5900 ] || fail "vmdesk vnc printed '$OUT'"
[ "${#pw}" -eq 8 ] || fail "password '$pw' is not 8 characters"
[ "$(listeners "$pid")" = "127.0.0.1:$port" ] ||
    fail "QEMU listens on '$(listeners "$pid")', wanted 127.0.0.1:$port"
ss -H -ltn | grep -q "0.0.0.0:$port\|\[::\]:$port\|\*:$port" &&
    fail "port $port is open beyond 127.0.0.1"
ok
"$VMDESK" vnc vt --json > "$TEST_TMP/vnc.json" || fail "vnc --json failed"
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["address"] == "127.0.0.1" and j["port"] == int(sys.argv[2]), j
assert j["password"] == sys.argv[3] and j["url"] == "vnc://" + j["address"] + ":" + sys.argv[2], j
' "$TEST_TMP/vnc.json" "$port" "$pw" || fail "vnc --json: $(cat "$TEST_TMP/vnc.json")"
vd_ok info vt
case "$OUT" in
*"vnc tcp    vnc://127.0.0.1:$port"*) ;;
*) fail "info lacks the VNC address: $OUT" ;;
esac
ok

log "RFB handshake: VNC authentication only, never None"
types=$(rfb_types "$port") || fail "RFB handshake failed: $types"
[ "$types" = 2 ] || fail "server offers security types '$types', wanted 2"
ok

log "a real client: the password gets in, a wrong one does not"
out=$("$VNCAUTH" 127.0.0.1 "$port" "$pw" 2>"$TEST_TMP/auth.err") ||
    fail "right password refused: $out $(cat "$TEST_TMP/auth.err")"
case "$out" in
"in "*", password asked") ;;
*) fail "vncauth said '$out'" ;;
esac
wrong=$(echo "$pw" | tr 'a-zA-Z2-9' 'b-zaB-ZA3-92')
out=$("$VNCAUTH" 127.0.0.1 "$port" "$wrong" 2>"$TEST_TMP/auth.err") &&
    fail "wrong password '$wrong' got in: $out"
[ "$out" = refused ] || fail "wrong password: '$out'"
out=$("$VNCAUTH" 127.0.0.1 "$port" "" 2>"$TEST_TMP/auth.err") &&
    fail "an empty password got in: $out"
ok
# The desktop's own view still uses the UNIX socket, without a password.
vd_ok screenshot vt "$TEST_TMP/shot.png"
ok

log "the password: 0600 in the 0700 runtime folder, not on the command line"
[ "$(stat -c %a "$RUN/vt")" = 700 ] || fail "$RUN/vt is not 0700"
[ "$(stat -c %a "$RUN/vt/vnc.pass")" = 600 ] ||
    fail "vnc.pass is $(stat -c %a "$RUN/vt/vnc.pass")"
[ "$(cat "$RUN/vt/vnc.pass")" = "$pw" ] || fail "vnc.pass is not the password"
tr '\0' ' ' < "/proc/$pid/cmdline" > "$TEST_TMP/cmdline"
grep -q "127.0.0.1:$((port - 5900)),id=vnc-tcp,password=on" \
    "$TEST_TMP/cmdline" || fail "no TCP VNC in $(cat "$TEST_TMP/cmdline")"
grep -q -F -- "$pw" "$TEST_TMP/cmdline" &&
    fail "the password is on QEMU's command line"
grep -q -F -- "$pw" "$VMDESK_HOME/vms/vt/qemu.log" &&
    fail "the password is in qemu.log"
ok

log "a new password at each start; gone when the VM stops"
vd_ok kill vt
[ -e "$RUN/vt/vnc.pass" ] && fail "vnc.pass left after the VM stopped"
vd_ok start vt
vd_ok vnc vt
pw2=$(echo "$OUT" | sed -n 's/^password \(.*\)$/\1/p')
[ -n "$pw2" ] && [ "$pw2" != "$pw" ] || fail "the password did not change"
out=$("$VNCAUTH" 127.0.0.1 "${OUT#vnc://127.0.0.1:}" "$pw" \
    2>/dev/null) && fail "the old password still gets in"
vd_ok kill vt
ok

log "set_password refused: the VM is stopped, not left listening"
# The real QEMU, with its TCP display renamed: set_password finds no
# display vnc-tcp and fails, as a QEMU that refuses the password would.
cat >"$TEST_TMP/qemu-renamed" <<'SH'
#!/bin/sh
for a; do
	shift
	set -- "$@" "$(printf '%s' "$a" | sed 's/,id=vnc-tcp,/,id=renamed,/')"
done
exec qemu-system-x86_64 "$@"
SH
chmod +x "$TEST_TMP/qemu-renamed"
VMDESK_QEMU="$TEST_TMP/qemu-renamed" vd start vt
[ "$RC" -eq 1 ] || fail "start with set_password failing exited $RC: $OUT"
case "$OUT" in
"vmdesk: VM vt: cannot set the password of VNC over TCP, so the VM was stopped: "*) ;;
*) fail "start with set_password failing said: $OUT" ;;
esac
[ "$(echo "$OUT" | wc -l)" -eq 1 ] || fail "more than one line: $OUT"
[ "$(count_live vmdesk-vt)" -eq 0 ] || fail "QEMU still runs"
[ -e "$RUN/vt/vnc.pass" ] && fail "vnc.pass left behind"
[ "$(vm_field vt state)" = stopped ] || fail "vt is $(vm_field vt state)"
ok

log "a fixed vnc_port"
fixed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
vd_ok set vt vnc_port="$fixed"
vd_ok start vt
pid=$(cat "$RUN/vt/qemu.pid")
[ "$(listeners "$pid")" = "127.0.0.1:$fixed" ] ||
    fail "with vnc_port=$fixed QEMU listens on '$(listeners "$pid")'"
vd_ok vnc vt
pw=$(echo "$OUT" | sed -n 's/^password \(.*\)$/\1/p')
"$VNCAUTH" 127.0.0.1 "$fixed" "$pw" >/dev/null 2>&1 ||
    fail "the password does not get in on the fixed port"
vd_ok kill vt
ok

log "vnc_tcp=no: the listener is gone"
vd_ok set vt vnc_tcp=no vnc_port=0
vd_ok start vt
pid=$(cat "$RUN/vt/qemu.pid")
[ -z "$(listeners "$pid")" ] || fail "still listening: $(listeners "$pid")"
vd_ok kill vt
ok

echo "vnctcp: $passed checks passed"
