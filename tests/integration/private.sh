#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What is private stays private and usable: the cloud-init seed holding
# the password hash is 0600 in a 0700 VM folder (also a clone's); a usual
# runtime folder another user made first does not lock vmdesk out (a
# private one made with mkdtemp is used, said, recorded in the library
# and found again by every later command); stop --force ends a VM whose
# monitor socket is gone instead of failing at once.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"
W="$TEST_TMP/w"
mkdir -p "$W"
SQ="$TEST_TMP/shared"

# QEMUs in the fallback folder are not under $RUN: kill them too.
private_cleanup() {
	for pidfile in "$SQ"/vmdesk.*/*/qemu.pid; do
		[ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
	done
	remove_frozen_bases
	cleanup
}
trap private_cleanup EXIT

log "the seed and the VM folder are the owner's alone"
mkdir -p "$VMDESK_HOME/templates"
sed -e 's/^name = tinylinux$/name = tinyci/' \
    "${top_srcdir}/share/templates/tinylinux.conf" \
    >"$VMDESK_HOME/templates/tinyci.conf"
printf 'cloud_init = 1\nuser = tester\n' >>"$VMDESK_HOME/templates/tinyci.conf"
printf 'hunter2\n' >"$W/pw"
vd_ok create c1 --template tinyci --memory 64M --password-file "$W/pw"
[ "$(stat -c %a "$VMS/c1/seed.iso")" = 600 ] ||
    fail "seed.iso is $(stat -c %a "$VMS/c1/seed.iso")"
ok
[ "$(stat -c %a "$VMS/c1")" = 700 ] || fail "c1/ is $(stat -c %a "$VMS/c1")"
ok
vd_ok clone c1 c2
[ "$(stat -c %a "$VMS/c2/seed.iso")" = 600 ] || fail "c2's seed.iso"; ok
[ "$(stat -c %a "$VMS/c2")" = 700 ] || fail "c2/ is $(stat -c %a "$VMS/c2")"
ok

log "another user made the usual runtime folder first"
mkdir -m 1777 "$SQ"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 0777 "$SQ/vmdesk"
	chown nobody "$SQ/vmdesk"
else
	ln -s /tmp "$SQ/vmdesk"
fi
XDG_RUNTIME_DIR=$SQ vd_ok list
case "$OUT" in
*"vmdesk: warning: $SQ/vmdesk is not a folder owned by you (recorded in $VMDESK_HOME/runtime): sockets are in $SQ/vmdesk."*) ok ;;
*) fail "no word of the other folder: $OUT" ;; esac
FB=$(sed -n 2p "$VMDESK_HOME/runtime")
case "$FB" in "$SQ"/vmdesk.??????) ok ;; *) fail "recorded '$FB'" ;; esac
[ "$(stat -c '%a %u' "$FB")" = "700 $(id -u)" ] ||
    fail "$FB is $(stat -c '%a %u' "$FB")"
ok

log "later commands find the same folder"
vd_ok create r1 --template tinylinux --memory 128M
XDG_RUNTIME_DIR=$SQ vd_ok start r1
[ -S "$FB/r1/qmp.sock" ] || fail "r1's sockets are not in $FB"; ok
XDG_RUNTIME_DIR=$SQ vd_ok status r1
case "$OUT" in *"r1: running"*) ok ;; *) fail "status: $OUT" ;; esac
XDG_RUNTIME_DIR=$SQ vd_ok pause r1
XDG_RUNTIME_DIR=$SQ vd_ok resume r1; ok
XDG_RUNTIME_DIR=$SQ vd_ok kill r1
case "$OUT" in *"VM r1 killed."*) ok ;; *) fail "kill: $OUT" ;; esac
rm -rf "$FB"
XDG_RUNTIME_DIR=$SQ vd_ok list
[ "$(sed -n 2p "$VMDESK_HOME/runtime")" != "$FB" ] ||
    fail "a vanished folder is still recorded"
ok

log "stop --force ends a VM whose monitor socket is gone"
vd_ok start r1
wait_log r1 "tinylinux: ready"
pid=$(cat "$RUN/r1/qemu.pid")
rm -f "$RUN/r1/qmp.sock" "$RUN/r1/qmp-cli.sock"
vd_fails 1 "vmdesk stop --force or vmdesk kill ends QEMU" stop r1; ok
alive "$pid" || fail "a plain stop ended QEMU"; ok
t0=$(date +%s)
vd_ok stop --force r1
case "$OUT" in *"its monitor is gone, so no power button: QEMU was ended"*) ok ;;
*) fail "stop --force: $OUT" ;; esac
[ $(( $(date +%s) - t0 )) -le 10 ] || fail "stop --force took too long"; ok
alive "$pid" && fail "QEMU still runs"; ok

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
