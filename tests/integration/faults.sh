#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection: every operation that writes the library is run with
# VMDESK_CRASH_AFTER=N (SIGKILL right after the Nth durable step) for
# N = 1, 2, 3 ... until it finishes. After each kill: every vm.conf
# parses, the set of VMs is the one before or the one after, snapshot
# trees match the qcow2 tags, every leftover (staging folder, temp file,
# orphan disk or base) is reported by vmdesk doctor and gone after
# vmdesk doctor --fix, and the VM still boots (sampled: every 12th crash
# and each run that finished). A live snapshot of a running VM is crashed
# the same way: the guest must run on, unpaused, and answer on its
# serial console; then QEMU is killed and doctor --fix must clean its
# runtime folder. Prints how many crashes and corruptions.
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/ova.sh"
need_kernel

VMS="$VMDESK_HOME/vms"
GOLDS="$TEST_TMP/gold"
CRASH_LOG="$TEST_TMP/crash.log"
crashes=0
corruptions=0
boots=0

# Linked-clone bases go to images/bases: keep them out of the shared cache.
rm "$VMDESK_HOME/images"
mkdir "$VMDESK_HOME/images"
ln -s "$IMAGE_CACHE/tinylinux" "$VMDESK_HOME/images/tinylinux"

corrupt() {
	corruptions=$((corruptions + 1))
	echo "CORRUPTION: $*" >&2
}

# save_gold NAME: the library as it is now; load_gold NAME puts it back.
save_gold() {
	GOLD=$GOLDS/$1
	rm -rf "$GOLD"
	mkdir -p "$GOLD"
	# One cp: a base and the disk it is a second name of stay linked.
	cp -a "$VMS" "$GOLD/"
	[ -d "$VMDESK_HOME/images/bases" ] &&
	    cp -a "$VMDESK_HOME/images/bases" "$GOLD/"
	return 0
}

load_gold() {
	[ $# -eq 0 ] || GOLD=$GOLDS/$1
	rm -rf "$VMS" "$VMDESK_HOME/images/bases"
	cp -a "$GOLD/vms" "$VMS"
	[ -d "$GOLD/bases" ] && cp -a "$GOLD/bases" "$VMDESK_HOME/images/"
	return 0
}

# What a crash may leave, found without asking vmdesk: one path a line.
leftovers() {
	python3 - "$VMDESK_HOME" <<'PY'
import json, os, re, subprocess, sys
home = sys.argv[1]
vms = os.path.join(home, "vms")
out, used = [], set()
def chain(path):
    try:
        info = json.loads(subprocess.check_output(["qemu-img", "info", "-U",
            "--backing-chain", "--output=json", path],
            stderr=subprocess.DEVNULL))
    except subprocess.CalledProcessError:
        return
    for i in info:
        used.add(os.path.realpath(i["filename"]))
for e in sorted(os.listdir(vms)):
    p = os.path.join(vms, e)
    if e.startswith("."):
        if e != ".lock":
            out.append(p)
        continue
    conf = os.path.join(p, "vm.conf")
    disks = set()
    if os.path.exists(conf):
        for m in re.finditer(r"^file = (.*)$", open(conf).read(), re.M):
            disks.add(os.path.join(p, m.group(1).strip('"')))
    for d in disks:
        chain(d)
    for root, dirs, files in os.walk(p):
        for f in files:
            fp = os.path.join(root, f)
            if ".tmp." in f or (f.startswith(".") and ".clone-" in f):
                out.append(fp)
            elif root == p and f.endswith(".qcow2") and fp not in disks:
                out.append(fp)
bases = os.path.join(home, "images", "bases")
if os.path.isdir(bases):
    for f in sorted(os.listdir(bases)):
        fp = os.path.join(bases, f)
        if os.path.realpath(fp) not in used:
            out.append(fp)
print("\n".join(out))
PY
}

# The VMs, each valid; trees reconciled with the disks' tags.
check_library() {
	python3 - "$VMDESK" "$VMS" <<'PY'
import json, os, subprocess, sys
vmdesk, vms = sys.argv[1:3]
bad = []
r = subprocess.run([vmdesk, "list", "--json"], capture_output=True, text=True)
if r.returncode != 0:
    print("list --json failed: " + r.stderr.strip(), file=sys.stderr)
    sys.exit(1)
lst = json.loads(r.stdout)
for vm in lst:
    if "error" in vm:
        bad.append("%s: %s" % (vm["name"], vm["error"]))
        continue
    info = json.loads(subprocess.check_output([vmdesk, "info", vm["name"],
        "--json"]))
    disks = [d["file"] for d in info.get("disks", [])]
    nodes = json.loads(subprocess.check_output([vmdesk, "snapshot", "list",
        vm["name"], "--json"]))
    held = []
    for d in disks:
        try:
            i = json.loads(subprocess.check_output(["qemu-img", "info", "-U",
                "--backing-chain", "--output=json", d],
                stderr=subprocess.STDOUT))
        except subprocess.CalledProcessError as e:
            bad.append("%s: disk %s: %s" % (vm["name"], d, e.output.strip()))
            continue
        held.append({s["name"] for s in i[0].get("snapshots", [])})
    tags = {n["tag"]: n for n in nodes}
    for t in set().union(set(), *held) - set(tags):
        bad.append("%s: tag %s on a disk, not in the tree" % (vm["name"], t))
    for tag, n in tags.items():
        every = all(tag in h for h in held)
        if (n["status"] == "ok") != every:
            bad.append("%s: node %s is %s" % (vm["name"], n["name"],
                n["status"]))
    if sum(n["current"] for n in nodes) > 1:
        bad.append("%s: more than one current node" % vm["name"])
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
print(" ".join(sorted(vm["name"] for vm in lst)))
PY
}

# Start a VM, see its shell, end it. $BOOT_PREP, when set, names a
# function run first on the VM (an OVA's VM needs tinylinux's kernel).
boot_check() {
	boots=$((boots + 1))
	[ -z "${BOOT_PREP:-}" ] || "$BOOT_PREP" "$1"
	vd start "$1"
	if [ "$RC" -ne 0 ]; then
		corrupt "$1 does not start: $OUT"
		return
	fi
	i=0
	until grep -q "tinylinux: ready" "$VMS/$1/serial.log" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 1200 ]; then
			corrupt "$1 did not reach its shell in 120 s"
			break
		fi
		sleep 0.1
	done
	vd kill "$1"
	: >"$VMS/$1/serial.log"
}

# After a run (killed or not): the checks above. $1 $2: the VM sets
# allowed (before, after); $3: the VM to boot, if sampled.
check_after() {
	before=$1
	after=$2
	boot=$3
	left=$(leftovers)
	vd doctor
	for p in $left; do
		case "$OUT" in
		*"$p"*) ;;
		*) corrupt "leftover $p not reported by vmdesk doctor" ;;
		esac
	done
	vd doctor --fix
	[ "$RC" -eq 0 ] || corrupt "doctor --fix exited $RC: $OUT"
	left=$(leftovers)
	[ -z "$left" ] || corrupt "left after doctor --fix: $left"
	if ! names=$(check_library); then
		corrupt "library check failed (see above)"
		return
	fi
	[ "$names" = "$before" ] || [ "$names" = "$after" ] ||
	    corrupt "VMs are '$names': neither '$before' nor '$after'"
	if [ -n "$boot" ]; then
		case " $names " in
		*" $boot "*) boot_check "$boot" ;;
		esac
	fi
}

# inject OP BEFORE AFTER BOOTVM VMDESK-ARGS...: the loop over N.
inject() {
	op=$1
	before=$2
	after=$3
	bootvm=$4
	shift 4
	n=1
	while :; do
		load_gold
		: >"$CRASH_LOG"
		VMDESK_CRASH_AFTER=$n VMDESK_CRASH_LOG="$CRASH_LOG" \
		    "$VMDESK" "$@" >"$TEST_TMP/op.out" 2>&1
		rc=$?
		b=
		[ $((crashes % ${BOOT_EVERY:-12})) -eq $((${BOOT_EVERY:-12} - 1)) ] &&
		    b=$bootvm
		if [ "$rc" -eq 0 ]; then
			check_after "$after" "$after" "$bootvm"
			log "$op: finished after $((n - 1)) crashes"
			break
		fi
		[ "$rc" -eq 137 ] ||
		    fail "$op: vmdesk $* exited $rc at N=$n: $(cat "$TEST_TMP/op.out")"
		crashes=$((crashes + 1))
		log "$op: N=$n killed after: $(cut -d' ' -f2- "$CRASH_LOG")"
		check_after "$before" "$after" "$b"
		n=$((n + 1))
		[ "$n" -le 80 ] || fail "$op: still crashing at N=$n"
	done
}

log "a stopped tinylinux VM src"
vd_ok create src --template tinylinux --memory 128M
save_gold plain

inject "create" "src" "made src" made create made --template tinylinux \
    --memory 128M
inject "clone linked" "src" "lc src" src clone src lc
inject "clone full" "src" "fc src" src clone src fc --full
inject "snapshot create (disk-only)" "src" "src" src snapshot create src s1
inject "rename" "src" "moved" moved rename src moved
inject "definition edit" "src" "src" src set src cpus=2 memory=192M
vd_ok export src "$TEST_TMP/src.tar.zst"
inject "import" "src" "imp src" imp import "$TEST_TMP/src.tar.zst" imp
inject "delete" "src" "" "" delete src

log "an OVA appliance built here (src's disk as a streamOptimized VMDK)"
load_gold plain
# With a manifest: its check writes the OVF into the staging folder too.
ova_build "$TEST_TMP/ova" "$VMS/src/data.qcow2" "$TEST_TMP/appl.ova" appl 1 \
    128 mf
# The appliance's disk is tinylinux's /data: boot it with its kernel.
ova_boot_prep() {
	conf="$VMS/$1/vm.conf"
	tl=$(ls -d "$VMDESK_HOME"/images/tinylinux/*/ | head -n 1)
	grep -q '^kernel = ' "$conf" && return 0
	sed -i -e 's/^bus = .*$/bus = virtio/' -e '/^order = c$/d' "$conf"
	sed -i "/^\[boot\]$/a kernel = ${tl}vmlinuz\ninitrd = ${tl}initrd.img\ncmdline = console=ttyS0" \
	    "$conf"
}
# Every crash that left the VM published boots it.
BOOT_PREP=ova_boot_prep
BOOT_EVERY=1
inject "import-ova" "src" "appl src" appl import-ova "$TEST_TMP/appl.ova"
BOOT_PREP=
BOOT_EVERY=12

log "a linked clone of a linked clone"
load_gold plain
vd_ok clone src lc
save_gold linked
inject "clone of a linked clone" "lc src" "lc lc2 src" lc2 clone lc lc2
inject "delete a linked clone" "lc src" "src" src delete lc

log "src with snapshots s1, s2"
load_gold plain
vd_ok snapshot create src s1
vd_ok snapshot create src s2
save_gold snapped
inject "snapshot delete" "src" "src" src snapshot delete src s1
inject "snapshot note" "src" "src" "" snapshot note src s2 "a note"
inject "clone linked from a snapshot" "src" "ls src" src clone src ls \
    --from-snapshot s2

log "live snapshots of a running VM: the guest lives through every crash"
load_gold plain
vd_ok start src
wait_log src "tinylinux: ready"
n=1
while :; do
	: >"$CRASH_LOG"
	VMDESK_CRASH_AFTER=$n VMDESK_CRASH_LOG="$CRASH_LOG" \
	    "$VMDESK" snapshot create src "l$n" >"$TEST_TMP/op.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 137 ] ||
	    fail "live snapshot exited $rc at N=$n: $(cat "$TEST_TMP/op.out")"
	[ "$rc" -eq 137 ] && crashes=$((crashes + 1)) &&
	    log "live snapshot: N=$n killed after: $(cut -d' ' -f2- "$CRASH_LOG")"
	# QEMU finishes (or drops) the snapshot job on its own and runs on.
	i=0
	while [ "$(vm_field src state)" != running ] && [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	st=$(vm_field src state)
	[ "$st" = running ] || corrupt "live snapshot N=$n: the VM is $st"
	serial_run src "echo alive-$n"
	case "$OUT" in
	*"alive-$n"*) ;;
	*) corrupt "live snapshot N=$n: the guest does not answer: $OUT" ;;
	esac
	check_after "src" "src" ""
	[ "$rc" -eq 0 ] && break
	n=$((n + 1))
	[ "$n" -le 80 ] || fail "live snapshot: still crashing at N=$n"
done
log "live snapshot: finished after $((n - 1)) crashes"

log "QEMU killed: doctor reports its runtime folder, --fix cleans it"
kill -9 "$(cat "$RUN/src/qemu.pid")"
i=0
while [ "$(vm_field src state)" != crashed ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
vd doctor
case "$OUT" in
*"$RUN/src: runtime folder of a VM that is not running"*) ;;
*) corrupt "doctor does not report the stale runtime folder: $OUT" ;;
esac
vd_ok doctor --fix
[ -e "$RUN/src" ] && corrupt "doctor --fix left $RUN/src"
[ "$(vm_field src state)" = stopped ] ||
    corrupt "src is $(vm_field src state) after doctor --fix"
boot_check src

# intent_synced OP FLAG: in the strace of a snapshot OP, the tree with its
# intent was renamed into place and the VM's folder fsynced (by vmdesk,
# not in the background) before the first qemu-img snapshot FLAG (-c
# create, -d delete) touched a disk.
intent_synced() {
	python3 - "$TEST_TMP/intent.trace" "$VMS/src" "$2" <<'PY' ||
import re, sys
trace, vmdir, flag = sys.argv[1:4]
renamed = synced = False
# vmdesk itself must sync, before it goes on: not a helper process.
for line in open(trace):
    pid = line.split()[0]
    if re.search(r'rename\(".*", "%s/snapshots\.conf"\) = 0' %
            re.escape(vmdir), line):
        renamed, synced, writer = True, False, pid
    elif renamed and pid == writer and re.search(r'fsync\(\d+<%s>\) += 0' %
            re.escape(vmdir), line):
        synced = True
    elif re.search(r'execve\("[^"]*qemu-img", \["qemu-img", "snapshot", '
            r'.*"%s"' % flag, line) and line.rstrip().endswith("= 0"):
        sys.exit(0 if renamed and synced else
            "qemu-img snapshot %s ran before the intent was %s" %
            (flag, "synced" if renamed else "written"))
sys.exit("no qemu-img snapshot %s seen" % flag)
PY
	    corrupt "snapshot $1: the intent is not durable first"
}

if command -v strace >/dev/null; then
	log "snapshot intents are synced before any disk changes (strace)"
	load_gold plain
	for op in "create -c" "delete -d"; do
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    strace -f -q -y -e trace=fsync,execve,rename \
		    -o "$TEST_TMP/intent.trace" "$VMDESK" snapshot "${op% *}" \
		    src si >/dev/null 2>&1 || fail "snapshot ${op% *} failed"
		intent_synced "${op% *}" "${op#* }"
	done
fi

echo "faults: $crashes injected crashes, $corruptions corruptions found," \
    "$boots boot checks"
[ "$corruptions" -eq 0 ] || fail "$corruptions corruptions"
exit 0
