#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Snapshot trees with a real tinylinux guest under TCG: live snapshots
# (a marker in RAM on /tmp, one on the /data disk) taken, reverted,
# branched and deleted from the middle; disk-only snapshots of the
# stopped VM the same way; vmdesk and QEMU killed with SIGKILL in the
# middle of a create and of a delete (VMDESK_TEST_CRASH_AT), after which
# the tree matches the disks; clear errors for what cannot be done.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"

# The tree and the disks agree: every tag a disk holds is a node, a node
# is "ok" exactly when every disk holds its tag, parents exist, and at
# most one node is current. Prints the tree's "name:status:parent" list.
check_tree() {
	python3 - "$VMDESK" "$1" "$VMS/$1" <<'PY' || fail "$1: tree and disks disagree"
import json, subprocess, sys
vmdesk, vm, vmdir = sys.argv[1:4]
nodes = json.loads(subprocess.check_output([vmdesk, "snapshot", "list", vm,
    "--json"], stderr=subprocess.DEVNULL))
held = []
for disk in ("data.qcow2", "extra.qcow2"):
    info = json.loads(subprocess.check_output(["qemu-img", "info", "-U",
        "--output=json", "-f", "qcow2", vmdir + "/" + disk]))
    held.append({s["name"] for s in info.get("snapshots", [])})
tags = {n["tag"]: n for n in nodes}
bad = [t + " on a disk, not in the tree" for t in set().union(*held) - set(tags)]
for tag, n in tags.items():
    everywhere = all(tag in h for h in held)
    if (n["status"] == "ok") != everywhere:
        bad.append("%s is %s, on %d of 2 disks" % (n["name"], n["status"],
            sum(tag in h for h in held)))
ids = {n["id"] for n in nodes}
bad += [n["name"] + ": no parent" for n in nodes
    if n["parent"] is not None and n["parent"] not in ids]
if sum(n["current"] for n in nodes) > 1:
    bad.append("more than one current node")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
print(" ".join("%s:%s:%s" % (n["name"], n["status"], n["parent_name"] or "-")
    for n in sorted(nodes, key=lambda n: n["name"])))
PY
}

# The JSON field of one node of snapshot list --json.
node_field() {
	"$VMDESK" snapshot list "$1" --json | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["name"] == sys.argv[1]:
        v = n[sys.argv[2]]
        print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
' "$2" "$3"
}

# The markers in RAM and on disk; the disk's page cache dropped first so
# the disk itself is read.
markers_are() {
	serial_expect "$1" 'echo 3 >/proc/sys/vm/drop_caches; echo "ram=$(cat /tmp/ram 2>/dev/null) disk=$(cat /data/disk)"' "ram=$2 disk=$3"
}

set_markers() {
	serial_expect "$1" "echo $2 >/tmp/ram; echo $2 >/data/disk; sync; echo marked-$2" "marked-$2"
}

# Kill a vmdesk command at a named step (and QEMU with +qemu).
crash_at() {
	step=$1
	shift
	VMDESK_TEST_CRASH_AT=$step "$VMDESK" "$@" >"$TEST_TMP/crash.out" 2>&1
	rc=$?
	[ "$rc" -eq 137 ] || fail "vmdesk $* with crash at $step exited $rc: $(cat "$TEST_TMP/crash.out")"
}

log "a tinylinux VM with a second qcow2 disk"
vd_ok create s1 --template tinylinux --memory 160M
qemu-img create -q -f qcow2 "$VMS/s1/extra.qcow2" 16M
printf '\n[disk extra]\nfile = extra.qcow2\nbus = virtio\nformat = qcow2\n' \
    >>"$VMS/s1/vm.conf"
vd_ok snapshot list s1
case "$OUT" in *"has no snapshots"*) ok ;; *) fail "empty list: $OUT" ;; esac
vd_ok start s1
wait_log s1 "tinylinux: ready"

log "live: base, then A, then B; revert to A brings back RAM and disk"
set_markers s1 base
vd_ok snapshot create s1 base --note "clean boot"
case "$OUT" in *"Took live snapshot base of VM s1 (RAM and disks, 2 disks"*) ok ;;
*) fail "create: $OUT" ;; esac
set_markers s1 A
vd_ok snapshot create s1 A; ok
set_markers s1 B
vd_ok snapshot create s1 B; ok
[ "$(node_field s1 B parent_name)" = A ] || fail "B's parent"; ok
[ "$(node_field s1 B current)" = true ] || fail "B is not current"; ok
[ "$(node_field s1 A kind)" = live ] || fail "A is not live"; ok
vd_ok snapshot revert s1 A
case "$OUT" in *"back at snapshot A: RAM"*) ok ;; *) fail "revert: $OUT" ;; esac
markers_are s1 A A; ok
[ "$(node_field s1 A current)" = true ] || fail "A is not current"; ok

log "C from A: the tree is A -> {B, C}"
set_markers s1 C
vd_ok snapshot create s1 C
[ "$(node_field s1 C parent_name)" = A ] || fail "C's parent"; ok
OUT=$(LC_ALL=C.UTF-8 "$VMDESK" snapshot tree s1 2>&1) || fail "tree: $OUT"
want="s1
└─ base  (live, "
case "$OUT" in "$want"*) ok ;; *) fail "tree: $OUT" ;; esac
case "$OUT" in *"└─ A  (live, "*"   ├─ B  (live, "*"   └─ C  (live, "*"◀ you are here"*) ok ;;
*) fail "tree shape: $OUT" ;; esac
OUT=$(LC_ALL=C "$VMDESK" snapshot tree s1 2>&1)
case "$OUT" in *"   |- B  (live, "*"   \`- C  (live, "*"<- you are here"*) ok ;;
*) fail "ASCII tree: $OUT" ;; esac
[ "$(check_tree s1)" = "A:ok:base B:ok:A C:ok:A base:ok:-" ] ||
    fail "tree: $(check_tree s1)"; ok

log "errors on a running VM"
vd_fails 1 "a snapshot named 'B' already exists" snapshot create s1 B; ok
vd_fails 1 "VM s1 has no snapshot 'nosuch'" snapshot revert s1 nosuch; ok
vd_fails 1 "no VM named 'nosuch'" snapshot list nosuch; ok
vd_fails 1 "snapshot name may only hold" snapshot create s1 'a/b'; ok
vd_fails 2 "usage: vmdesk snapshot rename NAME SNAP NEWNAME" snapshot rename s1 B; ok
vd_fails 2 "unknown subcommand 'frob'" snapshot frob s1; ok
vd_ok snapshot create s1 D --disk-only
case "$OUT" in *"disk-only snapshot D"*"disks, while it runs"*) ok ;;
*) fail "disk-only while running: $OUT" ;; esac
vd_fails 1 "snapshot D holds no RAM (it is disk-only): stop VM s1 first" \
    snapshot revert s1 D; ok

log "delete A: B and C hang from base, and each reverts to its own markers"
vd_ok snapshot delete s1 A
case "$OUT" in *"its 2 children now hang from snapshot base"*) ok ;;
*) fail "delete: $OUT" ;; esac
[ "$(node_field s1 B parent_name)" = base ] || fail "B's parent after delete"
[ "$(node_field s1 C parent_name)" = base ] || fail "C's parent after delete"
ok
for d in data extra; do
	qemu-img snapshot -U -l "$VMS/s1/$d.qcow2" | grep -q 'vmdesk-2 ' &&
	    fail "A's tag is still on disk $d"
done
ok
vd_ok snapshot revert s1 B
markers_are s1 B B; ok
vd_ok snapshot revert s1 C
markers_are s1 C C; ok
vd_ok snapshot revert s1 base
markers_are s1 base base; ok

log "rename and note"
vd_ok snapshot rename s1 C C2; ok
vd_fails 1 "a snapshot named 'B' already exists" snapshot rename s1 C2 B; ok
vd_ok snapshot note s1 C2 "after the change"
[ "$(node_field s1 C2 note)" = "after the change" ] || fail "note"; ok
vd_fails 1 "a note is one line of text" snapshot note s1 C2 "$(printf 'a\nb')"; ok
[ "$(node_field s1 C2 tag)" = vmdesk-4 ] || fail "rename changed the tag"; ok

log "crashes while QEMU runs"
# vmdesk killed once the disks took the snapshot: the next open completes it.
crash_at create-saved snapshot create s1 K1
[ "$(node_field s1 K1 status)" = ok ] || fail "K1 not completed"; ok
[ "$(node_field s1 K1 current)" = true ] || fail "K1 not current"; ok
# Killed before QEMU was asked: forgotten.
crash_at create-intent snapshot create s1 K2
[ -z "$(node_field s1 K2 status)" ] || fail "K2 left in the tree"; ok
# Killed before any disk dropped the tag: kept.
crash_at delete-intent+qemu snapshot delete s1 K1
[ "$(vm_field s1 state)" = crashed ] || fail "QEMU survived the crash hook"
[ "$(node_field s1 K1 status)" = ok ] || fail "K1 not kept"; ok
check_tree s1 >/dev/null; ok
vd_ok start s1
wait_log s1 "tinylinux: ready" 2
# vmdesk and QEMU killed while QEMU saves the RAM: no trace of K3.
crash_at create-saving+qemu snapshot create s1 K3
[ "$(vm_field s1 state)" = crashed ] || fail "QEMU survived the crash hook"
[ -z "$(node_field s1 K3 status)" ] || fail "K3 left: $(node_field s1 K3 status)"
check_tree s1 >/dev/null; ok
vd_ok start s1
wait_log s1 "tinylinux: ready" 3
# Both killed once QEMU deleted the tags: the deletion is finished.
crash_at delete-removed+qemu snapshot delete s1 K1
[ -z "$(node_field s1 K1 status)" ] || fail "K1 not deleted"; ok
[ "$(check_tree s1)" = "B:ok:base C2:ok:base D:ok:C2 base:ok:-" ] ||
    fail "tree after crashes: $(check_tree s1)"; ok

log "disk-only snapshots of the stopped VM"
vd_ok start s1
wait_log s1 "tinylinux: ready" 4
set_markers s1 P
vd_ok stop s1
vd_ok snapshot create s1 P
case "$OUT" in *"Took disk-only snapshot P of VM s1 (disks, 2 disks"*) ok ;;
*) fail "stopped create: $OUT" ;; esac
[ "$(node_field s1 P kind)" = disk ] || fail "P is not disk-only"; ok
vd_ok start s1
wait_log s1 "tinylinux: ready" 5
set_markers s1 Q
vd_ok stop s1
vd_ok snapshot create s1 Q; ok
vd_ok snapshot revert s1 P
case "$OUT" in *"disks restored; it boots from them at the next start"*) ok ;;
*) fail "stopped revert: $OUT" ;; esac
[ "$(vm_field s1 state)" = stopped ] || fail "a disk-only revert started it"
vd_ok start s1
wait_log s1 "tinylinux: ready" 6
markers_are s1 "" P; ok
set_markers s1 R
vd_ok stop s1
vd_ok snapshot create s1 R
[ "$(node_field s1 R parent_name)" = P ] || fail "R's parent"; ok
[ "$(node_field s1 Q parent_name)" = P ] || fail "Q's parent"; ok
vd_ok snapshot delete s1 P
[ "$(node_field s1 R parent_name)" = base ] || fail "R after deleting P"
[ "$(node_field s1 Q parent_name)" = base ] || fail "Q after deleting P"; ok
vd_ok snapshot revert s1 Q
vd_ok start s1
wait_log s1 "tinylinux: ready" 7
markers_are s1 "" Q; ok
vd_ok kill s1

log "a live snapshot of a stopped VM resumes from its saved RAM"
vd_ok snapshot revert s1 B
case "$OUT" in *"resumed from its saved RAM (pid "*) ok ;;
*) fail "stopped live revert: $OUT" ;; esac
[ "$(vm_field s1 state)" = running ] || fail "not running after revert"
markers_are s1 B B; ok
vd_ok kill s1
vd_ok snapshot revert s1 R
vd_ok start s1
wait_log s1 "tinylinux: ready" 8
markers_are s1 "" R; ok
vd_ok kill s1

log "crashes while the VM is stopped"
# Killed after the first of two disks took it: half made, shown, deletable.
crash_at create-disk snapshot create s1 H
[ "$(node_field s1 H status)" = creating ] || fail "H: $(node_field s1 H status)"
check_tree s1 >/dev/null; ok
vd_fails 1 "snapshot H was cut short while being created" snapshot revert s1 H; ok
vd_ok snapshot delete s1 H
[ -z "$(node_field s1 H status)" ] || fail "H not deleted"; ok
# Killed after one disk of two dropped it: still deleting, then finished.
vd_ok snapshot create s1 T
crash_at delete-disk snapshot delete s1 T
[ "$(node_field s1 T status)" = deleting ] || fail "T: $(node_field s1 T status)"
check_tree s1 >/dev/null; ok
vd_ok snapshot delete s1 T
[ -z "$(node_field s1 T status)" ] || fail "T not deleted"; ok
crash_at delete-removed snapshot delete s1 Q
[ -z "$(node_field s1 Q status)" ] || fail "Q not deleted"; ok
[ "$(check_tree s1)" = "B:ok:base C2:ok:base D:ok:C2 R:ok:base base:ok:-" ] ||
    fail "tree after stopped crashes: $(check_tree s1)"; ok

log "the disks disagree with the tree: missing nodes, unknown tags"
qemu-img snapshot -d "$(node_field s1 D tag)" "$VMS/s1/extra.qcow2"
[ "$(node_field s1 D status)" = missing ] || fail "D not missing"; ok
vd_fails 1 "snapshot D is missing from 1 of 2 disks: it cannot be restored" \
    snapshot revert s1 D; ok
vd_ok snapshot delete s1 D; ok
qemu-img snapshot -c "by hand" "$VMS/s1/data.qcow2"
qemu-img snapshot -c "by hand" "$VMS/s1/extra.qcow2"
vd_ok snapshot list s1
case "$OUT" in *"adopted as root snapshot 'by_hand'"*) ok ;;
*) fail "adopt: $OUT" ;; esac
[ "$(node_field s1 by_hand parent)" = null ] || fail "by_hand is not a root"; ok
[ "$(node_field s1 by_hand kind)" = disk ] || fail "by_hand kind"; ok
vd_ok snapshot revert s1 by_hand; ok
echo garbage >"$VMS/s1/snapshots.conf"
vd_fails 1 "snapshots.conf:1: expected 'key = value'" snapshot list s1; ok

log "VMs QEMU cannot snapshot: a raw disk, no disk"
mkdir -p "$VMS/r1"
qemu-img create -q -f raw "$VMS/r1/root.img" 16M
printf '[vm]\nname = r1\nmemory = 64M\n\n[disk root]\nfile = root.img\nformat = raw\n' \
    >"$VMS/r1/vm.conf"
vd_fails 1 "VM r1: disk root is raw: QEMU snapshots need qcow2 disks" \
    snapshot create r1 x; ok
mkdir -p "$VMS/n1"
printf '[vm]\nname = n1\nmemory = 64M\n' >"$VMS/n1/vm.conf"
vd_fails 1 "VM n1 has no writable qcow2 disk" snapshot create n1 x; ok
[ ! -e "$VMS/n1/snapshots.conf" ] || fail "a refused create wrote a tree"; ok

log "UEFI variables are kept with each snapshot"
mkdir -p "$VMS/u1"
qemu-img create -q -f qcow2 "$VMS/u1/root.qcow2" 16M
printf '[vm]\nname = u1\nmemory = 64M\nfirmware = uefi\n\n[disk root]\nfile = root.qcow2\n' \
    >"$VMS/u1/vm.conf"
printf 'vars-one' >"$VMS/u1/efivars.fd"
vd_ok snapshot create u1 V1
printf 'vars-two' >"$VMS/u1/efivars.fd"
vd_ok snapshot revert u1 V1
[ "$(cat "$VMS/u1/efivars.fd")" = vars-one ] || fail "UEFI vars not restored"; ok
vd_ok snapshot delete u1 V1
[ ! -e "$VMS/u1/snapshots/vmdesk-1.efivars.fd" ] || fail "vars copy left"; ok

echo "$passed passed, 0 failed"
