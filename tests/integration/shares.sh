#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared folders, booting tinylinux: a host file is read in the guest
# through virtio-fs (virtiofsd started before QEMU) and through 9p with
# virtiofsd hidden (VMDESK_VIRTIOFSD=/nonexistent); a read-only share
# refuses the guest's writes even when the guest mounts it read-write;
# no virtiofsd is left after a stop, or after QEMU is killed behind
# vmdesk's back. vmdesk's own folders are never shared; a live snapshot
# says why it cannot hold the shares. As an ordinary user (setpriv),
# Debian's virtiofsd cannot run, and auto reads the file through 9p.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

NR=
shares_cleanup() {
	if [ -n "$NR" ]; then
		kill -9 "$(cat "$NR/run/vmdesk/u1/qemu.pid" 2>/dev/null)" \
		    2>/dev/null
		rm -rf "$NR"
	fi
	cleanup
}
trap shares_cleanup EXIT

# The live virtiofsd processes serving VM $1 (zombies are not).
virtiofsds() {
	ps -eo pid=,stat=,args= | awk -v s="--socket-path=$RUN/$1/fs-" '
	    $2 !~ /^Z/ && $3 ~ /virtiofsd$/ && index($0, s) { n++ }
	    END { print n + 0 }'
}

wait_no_virtiofsd() {
	i=0
	while [ "$(virtiofsds "$1")" -ne 0 ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(virtiofsds "$1")" -eq 0 ] || fail "$1: virtiofsd left ($2)"
}

[ -x /usr/lib/qemu/virtiofsd ] || command -v virtiofsd >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "ERROR: no virtiofsd" >&2; exit 99; }
	echo "SKIP: virtiofsd is not installed (qemu-system-common)" >&2
	exit 77
}

DATA="$TEST_TMP/data"
RO="$TEST_TMP/ro"
mkdir -p "$DATA" "$RO"
token="shared-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
echo "$token" >"$DATA/hello.txt"
echo "read me only" >"$RO/only.txt"

vd_ok create sh1 --template tinylinux --memory 128M

log "vmdesk's own folders are refused"
vd_fails 1 "is vmdesk's library" share add sh1 "$VMDESK_HOME"; ok
vd_fails 1 "lies in vmdesk's library" share add sh1 "$VMDESK_HOME/vms/sh1"
ok
vd_fails 1 "holds vmdesk's runtime folder" share add sh1 "$XDG_RUNTIME_DIR"
ok
vd_fails 1 "is not a folder" share add sh1 "$DATA/hello.txt"; ok

log "a share and a read-only one; auto picks virtio-fs, 9p for read-only"
vd_ok share add sh1 "$DATA"
case "$OUT" in *"shared $DATA as data"*) ok ;; *) fail "add: $OUT" ;; esac
vd_ok share add sh1 "$RO" --tag rodata --readonly
vd_ok share list sh1 --json
printf '%s\n' "$OUT" | grep -q '"using": "virtiofs"' || fail "list: $OUT"
printf '%s\n' "$OUT" | grep -q '"using": "9p"' || fail "list: $OUT"
ok
vd_ok info sh1
case "$OUT" in *"mount -t virtiofs data /mnt/data"*) ok ;;
*) fail "info lacks the mount command: $OUT" ;; esac
vd_ok info sh1 --json
case "$OUT" in *'"shares": ['*'"using": "virtiofs"'*) ok ;;
*) fail "info --json lacks the shares: $OUT" ;; esac

log "virtio-fs: virtiofsd first, the host file read in the guest"
vd_ok start sh1
[ "$(virtiofsds sh1)" -eq 1 ] || fail "$(virtiofsds sh1) virtiofsd, wanted 1"
ok
wait_log sh1 "tinylinux: ready"
serial_expect sh1 "mkdir -p /mnt/data && mount -t virtiofs data /mnt/data \
&& cat /mnt/data/hello.txt" "$token"; ok
# Markers the guest computes: the echoed command never holds them.
serial_expect sh1 \
    "echo from-guest > /mnt/data/back.txt && echo wrote-\$((6*7))" \
    "wrote-42"
[ "$(cat "$DATA/back.txt" 2>/dev/null)" = from-guest ] ||
    fail "the guest's write did not reach the host"; ok

log "read-only is enforced by the host, even mounted read-write"
serial_expect sh1 "mkdir -p /mnt/ro && mount -t 9p -o \
trans=virtio,version=9p2000.L rodata /mnt/ro && cat /mnt/ro/only.txt" \
    "read me only"
serial_expect sh1 "echo x > /mnt/ro/new.txt || echo refused-\$((6*7))" \
    "refused-42"
[ ! -e "$RO/new.txt" ] || fail "the guest wrote into a read-only share"; ok

log "a live snapshot says why it cannot hold the shares; disk-only works"
vd_fails 1 "a live snapshot cannot hold VM sh1's shared folders" \
    snapshot create sh1 live1; ok
vd_ok snapshot create sh1 disk1 --disk-only; ok

log "a share added while running waits for the next start"
mkdir -p "$TEST_TMP/later"
vd_ok share add sh1 "$TEST_TMP/later"
case "$OUT" in *"at its next start"*) ok ;; *) fail "no restart note: $OUT" ;;
esac
vd_ok share list sh1
case "$OUT" in
*"later: $TEST_TMP/later, tag later, virtiofs, at the next start"*) ok ;;
*) fail "list of a share added while running: $OUT" ;; esac
vd_ok share remove sh1 later

log "stop leaves no virtiofsd"
vd_ok stop sh1 --timeout 20 --force
wait_no_virtiofsd sh1 "after stop"; ok
[ ! -e "$RUN/sh1/fs-data.sock" ] || fail "fs-data.sock left after stop"; ok

log "QEMU killed behind vmdesk's back: virtiofsd goes with it"
vd_ok start sh1
[ "$(virtiofsds sh1)" -eq 1 ] || fail "no virtiofsd after the restart"
kill -9 "$(cat "$RUN/sh1/qemu.pid")"
wait_no_virtiofsd sh1 "after kill -9 of QEMU"; ok
[ "$(vm_field sh1 state)" = crashed ] || fail "not seen as crashed"; ok

log "virtiofsd hidden: auto uses 9p, and the file is read through it"
export VMDESK_VIRTIOFSD=/nonexistent
vd_ok share list sh1
hidden="9p (VMDESK_VIRTIOFSD=/nonexistent is not a program)"
case "$OUT" in *"data: $DATA, tag data, $hidden"*) ok ;;
*) fail "list without virtiofsd: $OUT" ;; esac
readies=$(serial_text sh1 | grep -c "tinylinux: ready")
vd_ok start sh1
[ "$(virtiofsds sh1)" -eq 0 ] || fail "a virtiofsd runs while hidden"; ok
# Shown again without the override: the mode the VM runs with.
OUT=$(VMDESK_VIRTIOFSD= "$VMDESK" share list sh1 2>&1)
case "$OUT" in *"tag data, 9p (as the VM was started)"*) ok ;;
*) fail "list of the running VM: $OUT" ;; esac
wait_log sh1 "tinylinux: ready" $((readies + 1))
serial_expect sh1 "mkdir -p /mnt/data && mount -t 9p -o \
trans=virtio,version=9p2000.L data /mnt/data && cat /mnt/data/hello.txt" \
    "$token"; ok
vd_ok kill sh1
log "mode virtiofs without virtiofsd: the start says why"
vd_ok set sh1 share.data.mode=virtiofs
vd_fails 1 "share data wants virtio-fs" start sh1; ok
[ "$(vm_field sh1 state)" = stopped ] || fail "half-started"; ok
unset VMDESK_VIRTIOFSD

log "a share set into the library behind share add's back: start refuses"
vd_ok set sh1 share.data.mode=auto "share.data.path=$VMDESK_HOME/vms"
vd_fails 1 "share data: $VMDESK_HOME/vms lies in vmdesk's library" start sh1
ok
[ "$(vm_field sh1 state)" = stopped ] || fail "started with a bad share"; ok

log "an ordinary user: Debian's virtiofsd needs root, so auto uses 9p"
if command -v setpriv >/dev/null 2>&1; then
	# A library the user owns, outside this test's root-only folder,
	# with its own copies of vmdesk, the kernel and the initrd: the
	# build tree may lie in a folder only root can enter (a fresh clone
	# under a 0700 mktemp folder does).
	NR=$(mktemp -d /tmp/vmnr.XXXXXX)
	chmod 755 "$NR"
	mkdir -p "$NR/home/vms/u1" "$NR/run" "$NR/data" "$NR/boot"
	echo "$token" >"$NR/data/hello.txt"
	cp "$VMDESK" "$NR/vmdesk"
	conf="$VMDESK_HOME/vms/sh1/vm.conf"
	cp "$(sed -n 's/^kernel = //p' "$conf")" "$NR/boot/vmlinuz"
	cp "$(sed -n 's/^initrd = //p' "$conf")" "$NR/boot/initrd.img"
	{
		printf '[vm]\nname = u1\nmemory = 128M\ndisplay = none\n'
		printf '[boot]\nkernel = %s/boot/vmlinuz\n' "$NR"
		printf 'initrd = %s/boot/initrd.img\n' "$NR"
		sed -n '/^\[boot\]/,/^\[/{/^cmdline =/p}' "$conf"
		printf '[share data]\npath = %s/data\n' "$NR"
	} >"$NR/home/vms/u1/vm.conf"
	chown -R 65534:65534 "$NR"
	nr() {
		OUT=$(cd / && setpriv --reuid=65534 --regid=65534 \
		    --clear-groups env VMDESK_HOME="$NR/home" \
		    XDG_RUNTIME_DIR="$NR/run" "$NR/vmdesk" "$@" 2>&1)
		RC=$?
	}
	nr share list u1
	case "$OUT" in *"9p ("*"runs only as root)"*) ok ;;
	*) fail "list as a user: $OUT" ;; esac
	nr start u1
	[ "$RC" -eq 0 ] || fail "start as a user: $OUT"
	i=0
	while ! grep -q "tinylinux: ready" "$NR/home/vms/u1/serial.log" \
	    2>/dev/null && [ "$i" -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	OUT=$(printf '%s\n' "mkdir -p /m && mount -t 9p -o \
trans=virtio,version=9p2000.L data /m && cat /m/hello.txt" | (cd / &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups env \
	    VMDESK_HOME="$NR/home" XDG_RUNTIME_DIR="$NR/run" timeout 30 \
	    "$NR/vmdesk" console u1) 2>&1)
	i=0
	while ! grep -q "^$token" "$NR/home/vms/u1/serial.log" &&
	    [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "^$token" "$NR/home/vms/u1/serial.log" ||
	    fail "the user's guest did not read the file: $OUT"
	ok
else
	log "(setpriv is missing: the ordinary user's case is not run)"
fi

echo "$passed passed, 0 failed"
