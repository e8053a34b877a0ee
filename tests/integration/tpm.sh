#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A VM with tpm = yes: vmdesk starts swtpm before QEMU, QEMU has the TPM
# 2.0 emulator, the TPM state stays in the VM's folder, and no swtpm is
# left behind after stop, kill or a QEMU killed behind vmdesk's back. A
# host without swtpm gets one clear line and no half-started VM.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

command -v swtpm >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "ERROR: swtpm is missing" >&2; exit 99; }
	echo "SKIP: swtpm is not installed (tools/install-deps)" >&2
	exit 77
}

# The TPM QEMU reports on the desktop's monitor socket.
query_tpm() {
	python3 - "$RUN/$1/qmp.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())
for cmd in ("qmp_capabilities", "query-tpm"):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            break
print(json.dumps(r.get("return", r), sort_keys=True))
PY
}

# How many swtpm processes serve this VM's TPM folder.
swtpms() {
	n=0
	for p in $(pgrep -x swtpm); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q "dir=$VMDESK_HOME/vms/$1/tpm " && n=$((n + 1))
	done
	echo "$n"
}

wait_no_swtpm() {
	i=0
	while [ "$(swtpms "$1")" -ne 0 ] && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(swtpms "$1")" -eq 0 ] || fail "$1: swtpm left behind ($2)"
}

vd_ok create tp --template tinylinux --memory 192M
sed -i 's/^\[vm\]$/[vm]\ntpm = yes/' "$VMDESK_HOME/vms/tp/vm.conf"
grep -q '^tpm = yes$' "$VMDESK_HOME/vms/tp/vm.conf" || fail "no tpm key"

log "no swtpm on the host: one clear line, nothing started"
nobin="$TEST_TMP/nobin"
mkdir -p "$nobin"
for prog in qemu-system-x86_64 qemu-img; do
	ln -s "$(command -v "$prog")" "$nobin/$prog"
done
OUT=$(PATH="$nobin" "$VMDESK" start tp 2>&1)
RC=$?
[ "$RC" -eq 1 ] || fail "start without swtpm exited $RC: $OUT"
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ] || fail "more than a line: $OUT"
case "$OUT" in
"vmdesk: "*"VM tp wants a TPM: install swtpm"*) ok ;;
*) fail "start without swtpm said: $OUT" ;;
esac
[ "$(vm_field tp state)" = stopped ] || fail "half-started without swtpm"
[ "$(count_live vmdesk-tp)" -eq 0 ] || fail "a QEMU runs without swtpm"
ok

log "start: swtpm first, QEMU with the emulator TPM"
vd_ok start tp; ok
[ "$(swtpms tp)" -eq 1 ] || fail "$(swtpms tp) swtpm processes, wanted 1"
ok
got=$(query_tpm tp)
case "$got" in
*'"model": "tpm-crb"'*'"type": "emulator"'*) ok ;;
*) fail "query-tpm gave $got" ;;
esac
wait_log tp "tinylinux: ready"; ok
[ -n "$(ls "$VMDESK_HOME/vms/tp/tpm")" ] || fail "no TPM state kept"; ok

log "stop leaves no swtpm"
vd_ok stop tp --timeout 30 --force; ok
wait_no_swtpm tp "after stop"; ok
[ ! -e "$RUN/tp/swtpm.sock" ] || fail "swtpm.sock left after stop"; ok

log "kill leaves no swtpm; the state survives a restart"
vd_ok start tp
[ "$(swtpms tp)" -eq 1 ] || fail "no swtpm after the second start"; ok
vd_ok kill tp; ok
wait_no_swtpm tp "after kill"; ok

log "QEMU killed behind vmdesk's back: swtpm goes with it"
vd_ok start tp
kill -9 "$(cat "$RUN/tp/qemu.pid")"
wait_no_swtpm tp "after kill -9 of QEMU"; ok
vd_ok start tp; ok
vd_ok kill tp
wait_no_swtpm tp "after the last kill"; ok

echo "$passed passed, 0 failed"
