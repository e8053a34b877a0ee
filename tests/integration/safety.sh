#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Clean-ups and readers that must not hurt: images prune running over and
# over while create --image runs never takes an image a new VM stands on
# (and create never says "Created" for a VM whose chain is gone); a FIFO
# named vm.conf hangs neither list nor doctor; read-only commands
# (snapshot tree, snapshot list, info, list) write nothing, so they work
# on a full disk (a small tmpfs, mounted here as root).
. "${top_srcdir:-.}/tests/lib/common.sh"
t0=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

# The cache is this test's own: prune must only see its images.
rm "$VMDESK_HOME/images"
mkdir "$VMDESK_HOME/images"
VMS="$VMDESK_HOME/vms"
W="$TEST_TMP/w"
mkdir -p "$W"
FULL=
pruner=

safety_cleanup() {
	if [ -n "$pruner" ]; then
		kill "$pruner" 2>/dev/null
		wait "$pruner" 2>/dev/null
	fi
	[ -n "$FULL" ] && umount "$FULL" 2>/dev/null
	cleanup
}
trap safety_cleanup EXIT

log "images prune in a loop while create --image makes VMs"
qemu-img create -q -f qcow2 "$W/img.qcow2" 64M || fail "qemu-img create"
(
	while [ ! -e "$W/stop" ]; do
		"$VMDESK" images prune >/dev/null 2>&1
	done
) &
pruner=$!
ROUNDS=${ROUNDS:-25}
i=1
while [ "$i" -le "$ROUNDS" ]; do
	vd create "r$i" --image "$W/img.qcow2"
	if [ "$RC" -eq 0 ]; then
		case "$OUT" in *Created*) ;; *) fail "create said: $OUT" ;; esac
		qemu-img info -U --backing-chain "$VMS/r$i/disk.qcow2" \
		    >"$W/chain" 2>&1 ||
		    fail "round $i: create said Created, the chain is gone: $(tail -n 1 "$W/chain")"
	else
		[ ! -e "$VMS/r$i" ] || fail "round $i: a failed create left r$i"
	fi
	# Deleted: its image is free for the next prune again.
	vd_ok delete "r$i"
	i=$((i + 1))
done
: >"$W/stop"
wait "$pruner"
pruner=
ok

log "a FIFO named vm.conf"
mkdir -p "$VMS/fifo"
mkfifo "$VMS/fifo/vm.conf"
OUT=$(timeout 30 "$VMDESK" list 2>&1)
RC=$?
[ "$RC" -ne 124 ] || fail "list hangs on a FIFO named vm.conf"
case "$OUT" in *"not a regular file"*) ;; *) fail "list said: $OUT" ;; esac
ok
OUT=$(timeout 60 "$VMDESK" doctor 2>&1)
RC=$?
[ "$RC" -ne 124 ] || fail "doctor hangs on a FIFO named vm.conf"
case "$OUT" in *"not a regular file"*) ;; *) fail "doctor said: $OUT" ;; esac
ok
rm -rf "$VMS/fifo"

log "read-only commands on a full disk"
if [ "$(id -u)" -ne 0 ]; then
	log "SKIP: mounting a small tmpfs needs root"
else
	FULL="$TEST_TMP/full"
	mkdir "$FULL"
	mount -t tmpfs -o size=16m,mode=0755 tmpfs "$FULL" ||
	    fail "mount -t tmpfs"
	mkdir "$FULL/home"
	VMDESK_HOME="$FULL/home" vd_ok create f --image "$W/img.qcow2"
	VMDESK_HOME="$FULL/home" vd_ok snapshot create f s1
	VMDESK_HOME="$FULL/home" vd_ok snapshot create f s2
	# A tag the tree lacks: reconcile adopts it, and used to save.
	qemu-img snapshot -c outside "$FULL/home/vms/f/disk.qcow2" ||
	    fail "qemu-img snapshot"
	tree=$(cksum <"$FULL/home/vms/f/snapshots.conf")
	dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
	[ "$(df --output=avail "$FULL" | tail -n 1)" -eq 0 ] ||
	    fail "the tmpfs is not full"
	for c in "snapshot tree f" "snapshot list f" "snapshot list f --json" \
	    "info f" "info f --json" "list" "list --json"; do
		# shellcheck disable=SC2086
		VMDESK_HOME="$FULL/home" vd $c
		[ "$RC" -eq 0 ] || fail "vmdesk $c on a full disk: $OUT"
	done
	case "$OUT" in *'"name": "f"'*) ;; *) fail "list --json: $OUT" ;; esac
	[ "$(cksum <"$FULL/home/vms/f/snapshots.conf")" = "$tree" ] ||
	    fail "a read-only command rewrote snapshots.conf"
	ls "$FULL/home/vms/f" | grep -q '\.tmp\.' &&
	    fail "a read-only command left a temp file"
	ok
	umount "$FULL"
	FULL=
fi

echo "$passed passed, 0 failed"
echo "# took $(($(date +%s) - t0)) s"
