#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The locked-down default, checked on a real running VM: QEMU listens on
# no TCP port but the configured forward, and that one on 127.0.0.1 only;
# its sockets are all in the VM's 0700 runtime folder; what vmdesk writes
# is never group or world writable even under umask 000; and create,
# start, snapshot and clone never run a shell (strace: every exec is
# vmdesk, qemu-*, swtpm or ssh).
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
command -v ss >/dev/null || { echo "SKIP: no ss (iproute2)" >&2; exit 77; }
command -v strace >/dev/null || { echo "SKIP: no strace" >&2; exit 77; }

VMS="$VMDESK_HOME/vms"
TRACE="$TEST_TMP/trace"
passed=0
ok() { passed=$((passed + 1)); }

# A free TCP port on 127.0.0.1.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Every program the traced commands exec'd: vmdesk, qemu-*, swtpm, ssh.
check_execs() {
	progs=$(sed -n 's/^[0-9]* *execve("\([^"]*\)".*/\1/p' "$TRACE" |
	    sort -u)
	[ -n "$progs" ] || fail "strace saw no exec at all"
	for p in $progs; do
		case ${p##*/} in
		vmdesk|lt-vmdesk|vmdesk-*|qemu-system-*|qemu-img|swtpm|swtpm_setup|ssh) ;;
		*) fail "$1 ran $p" ;;
		esac
	done
	log "$1 ran: $(sed -n 's/^[0-9]* *execve("\([^"]*\)".* = 0$/\1/p' \
	    "$TRACE" | sort -u | tr '\n' ' ')"
	rm -f "$TRACE"*
}

# strace a command that may leave QEMU running: detach once it is done.
# LeakSanitizer cannot run under ptrace: an ASan build (CI) checks leaks
# everywhere else, so it is off for the traced command alone.
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -q -I1 -e trace=execve -o "$TRACE" "$VMDESK" "$@" \
	    >"$TEST_TMP/traced.out" 2>&1 &
	tpid=$!
	i=0
	while :; do
		first=$(head -n 1 "$TRACE" 2>/dev/null | cut -d' ' -f1)
		[ -n "$first" ] && grep -q "^$first  *+++ exited" "$TRACE" &&
		    break
		i=$((i + 1))
		[ "$i" -lt 600 ] || fail "vmdesk $* did not finish under strace"
		sleep 0.1
	done
	# vmdesk is done; QEMU goes on untraced.
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	grep -q "^$first  *+++ exited with 0 +++" "$TRACE" ||
	    fail "vmdesk $* failed: $(cat "$TEST_TMP/traced.out")"
}

# Linked-clone bases go to images/bases: keep them out of the shared cache.
rm "$VMDESK_HOME/images"
mkdir "$VMDESK_HOME/images"
ln -s "$IMAGE_CACHE/tinylinux" "$VMDESK_HOME/images/tinylinux"

log "create and start under umask 000 and strace, with a TCP forward"
umask 000
traced create lk --template tinylinux --memory 128M --forward "tcp:$PORT:22"
check_execs create; ok
traced start lk
check_execs start; ok
wait_log lk "tinylinux: ready"
pid=$(cat "$RUN/lk/qemu.pid")
alive "$pid" || fail "QEMU is not running"

log "TCP: only the forward, on 127.0.0.1"
listen=$(ss -H -ltnp | grep "pid=$pid," | awk '{print $4}')
[ "$listen" = "127.0.0.1:$PORT" ] ||
    fail "QEMU listens on '$listen', wanted only 127.0.0.1:$PORT"; ok
ss -H -lunp | grep "pid=$pid," | grep -v '127\.0\.0\.1:' &&
    fail "QEMU has a UDP socket beyond 127.0.0.1"; ok

log "sockets only in the private runtime folder"
for d in "$RUN" "$RUN/lk"; do
	[ "$(stat -c %a "$d")" = 700 ] || fail "$d is $(stat -c %a "$d")"
done; ok
socks=$(ss -H -lxp | grep "pid=$pid," | awk '{print $5}')
[ -n "$socks" ] || fail "QEMU has no UNIX socket"
for s in $socks; do
	case $s in
	"$RUN/lk/"*) ;;
	*) fail "QEMU listens on $s, outside $RUN/lk" ;;
	esac
done; ok

log "snapshot and clone under strace"
traced snapshot create lk s1
check_execs "snapshot create"; ok
vd_ok kill lk
traced clone lk lk2 --from-snapshot s1
check_execs clone; ok
traced clone lk lk3 --full
check_execs "full clone"; ok

log "nothing vmdesk wrote is group or world writable (umask 000)"
loose=$(find "$VMS" "$VMDESK_HOME/images/bases" "$RUN" ! -type l \
    -perm /022 2>/dev/null)
[ -z "$loose" ] || fail "group/world writable: $loose"; ok
for f in "$VMS/lk/vm.conf" "$VMS/lk/data.qcow2" "$VMS/lk/serial.log" \
    "$VMS/lk/qemu.log" "$VMS/lk/snapshots.conf" "$VMS/lk2/vm.conf"; do
	[ -e "$f" ] || fail "$f was not made"
done; ok
umask 022

echo "lockdown: $passed checks passed"
