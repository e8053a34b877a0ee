#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Clones never share host ports: every clone (linked, full, from a
# snapshot, a bundle imported beside its source) gets fresh host ports for
# every forward and says which; source and clone then run together. A
# start whose host port is taken fails with vmdesk's own words naming the
# VM that holds it, or "another program", before QEMU is spawned.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"
LISTENER=

ports_cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	remove_frozen_bases
	cleanup
}
trap ports_cleanup EXIT

# Three free ports on 127.0.0.1 (two TCP, one UDP).
set -- $(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, t) for t in
     (socket.SOCK_STREAM, socket.SOCK_STREAM, socket.SOCK_DGRAM)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
T1=$1 T2=$2 U1=$3

# A VM's forwards, one "proto:host:guest" a line, sorted by guest port.
forwards() {
	sed -n 's/^forward = //p' "$VMS/$1/vm.conf" | sort -t: -k3 -n
}

# Fail unless VM $2 shares no host port with VM $1 (same guest ports).
distinct() {
	[ "$(forwards "$1" | cut -d: -f1,3)" = "$(forwards "$2" | cut -d: -f1,3)" ] ||
	    fail "$2 forwards other guest ports than $1: $(forwards "$2")"
	for h in $(forwards "$2" | cut -d: -f2); do
		forwards "$1" | cut -d: -f2 | grep -qx "$h" &&
		    fail "$2 shares host port $h with $1"
	done
	return 0
}

log "the source forwards two TCP ports and one UDP port"
vd_ok create p1 --template tinylinux --memory 128M \
    --forward "tcp:$T1:22" --forward "tcp:$T2:80" --forward "udp:$U1:53"
[ "$(forwards p1 | wc -l)" -eq 3 ] || fail "p1: $(forwards p1)"; ok

log "a linked clone gets fresh ports for every forward, and says which"
vd_ok clone p1 p2
for f in "tcp $T1->22" "tcp $T2->80" "udp $U1->53"; do
	case "$OUT" in *"forward $f is now "*) ;;
	*) fail "clone did not say where '$f' went: $OUT" ;; esac
done
ok
distinct p1 p2; ok
new=$(forwards p2 | sed -n 's/^tcp:\([0-9]*\):22$/\1/p')
case "$OUT" in *"forward tcp $T1->22 is now $new->22"*) ok ;;
*) fail "the note does not match vm.conf ($new): $OUT" ;; esac

log "a full clone and a clone from a snapshot too"
vd_ok clone p1 p3 --full
distinct p1 p3; distinct p2 p3; ok
vd_ok snapshot create p1 S
vd_ok clone p1 p4 --from-snapshot S
distinct p1 p4; distinct p3 p4; ok

log "source and clones run together"
vd_ok start p1
vd_ok start p2
vd_ok start p3
wait_log p1 "tinylinux: ready"
wait_log p2 "tinylinux: ready"
[ "$(vm_field p1 state)" = running ] || fail "p1 is not running"; ok
[ "$(vm_field p2 state)" = running ] || fail "p2 is not running"; ok
vd_ok kill p2
vd_ok kill p3

log "a bundle imported beside its source gets fresh ports"
vd_ok export p4 "$TEST_TMP/p4.tar.zst"
vd_ok import "$TEST_TMP/p4.tar.zst" p5
distinct p4 p5; distinct p1 p5; ok
p4fw=$(forwards p4)
vd_ok delete p4
vd_ok import "$TEST_TMP/p4.tar.zst" p4
[ "$(forwards p4)" = "$p4fw" ] || fail "alone, p4's ports changed"; ok

log "a port held by a running VM: vmdesk names it, before QEMU runs"
sed -i "s/^forward = tcp:[0-9]*:22$/forward = tcp:$T1:22/" "$VMS/p5/vm.conf"
before=$(cat "$VMS/p5/qemu.log" 2>/dev/null | wc -l)
vd_fails 1 "needs host port $T1, which VM p1 holds" start p5; ok
case "$OUT" in *"Could not set up host forwarding"*)
	fail "QEMU's raw words: $OUT" ;; esac
[ "$(cat "$VMS/p5/qemu.log" 2>/dev/null | wc -l)" -eq "$before" ] ||
    fail "QEMU was spawned anyway"
ok
[ "$(vm_field p5 state)" = stopped ] || fail "p5 is not stopped"; ok

log "a port held by another program"
vd_ok kill p1
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("listening", flush=True); time.sleep(120)' "$T1" >"$TEST_TMP/l" &
LISTENER=$!
i=0
until grep -q listening "$TEST_TMP/l"; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "listener"; sleep 0.1
done
vd_fails 1 "needs host port $T1, which another program holds" start p1; ok
kill "$LISTENER"; wait "$LISTENER" 2>/dev/null; LISTENER=
vd_ok start p1
vd_ok kill p1

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
