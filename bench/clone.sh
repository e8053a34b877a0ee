#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk clone: a linked clone of a VM with a 1 GiB and with a 20 GiB
# disk (target: 50 ms or less each, the same whatever the size), and a
# full clone of a disk holding 1 GiB of data against cp of the same file
# (target ratio <= 1.1). Everything is timed as whole processes; each
# round of the full clone runs both back to back (order alternating) and
# the median per-round ratio counts, as the host may be shared and busy.
set -u
: "${VMDESK:?}"
ROUNDS=${ROUNDS:-7}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"

# A VM made by hand around a disk.
make_vm() {
	mkdir -p "$VMDESK_HOME/vms/$1"
	cat >"$VMDESK_HOME/vms/$1/vm.conf" <<CONF
[vm]
name = $1
memory = 256M

[disk data]
file = data.qcow2

[nic net0]
mac = 52:54:00:00:00:01
CONF
}

# A 20 GiB base is allocated for real where there is room (fallocate
# costs no time); else its metadata only.
avail=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
prealloc=metadata
[ "$avail" -gt $((24 * 1024 * 1024)) ] && prealloc=falloc
for size in 1 20; do
	make_vm "l$size"
	qemu-img create -q -f qcow2 -o preallocation=$prealloc \
	    "$VMDESK_HOME/vms/l$size/data.qcow2" "${size}G" || exit 1
done
make_vm full
qemu-img create -q -f qcow2 "$VMDESK_HOME/vms/full/data.qcow2" 2G || exit 1
qemu-io -f qcow2 -c "write -P 0x5a 0 1G" "$VMDESK_HOME/vms/full/data.qcow2" \
    >/dev/null || exit 1
sync

python3 - "$VMDESK" "$VMDESK_HOME" "$tmp" "$ROUNDS" "$prealloc" <<'PY'
import glob, os, shutil, statistics, subprocess, sys, time

vmdesk, home, tmp, rounds, prealloc = sys.argv[1:6]
rounds = int(rounds)
vms = home + "/vms"

def timed(argv):
    t = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t

def unclone(src, dst):
    """Undo a linked clone: the frozen base becomes src's disk again."""
    shutil.rmtree(vms + "/" + dst)
    base = glob.glob(home + "/images/bases/%s-data-*.qcow2" % src)[0]
    os.chmod(base, 0o644)
    os.rename(base, vms + "/" + src + "/data.qcow2")

ok = True
linked = {}
for size in ("1", "20"):
    src = "l" + size
    du = os.stat(vms + "/" + src + "/data.qcow2").st_blocks * 512
    timed([vmdesk, "clone", src, "warm"])
    unclone(src, "warm")
    t = []
    for i in range(rounds):
        t.append(timed([vmdesk, "clone", src, "c%d" % i]))
        unclone(src, "c%d" % i)
    linked[size] = statistics.median(t)
    print("linked clone, %2s GiB disk (%.1f GiB allocated, preallocation=%s): "
        "median %.1f ms (target <= 50 ms)" % (size, du / 2**30, prealloc,
        linked[size] * 1000))
    print("  runs, ms: %s" % " ".join("%.1f" % (x * 1000) for x in t))
    ok = ok and linked[size] <= 0.050
print("linked clone, 20 GiB / 1 GiB: %.2f" % (linked["20"] / linked["1"]))

src = vms + "/full/data.qcow2"
out = tmp + "/cp.qcow2"
timed(["cp", src, out])
os.unlink(out)
v, c, ratio = [], [], []
for i in range(rounds):
    def vd():
        return timed([vmdesk, "clone", "full", "f%d" % i, "--full"])
    def cp():
        return timed(["cp", src, out])
    if i % 2:
        tc = cp(); subprocess.run(["sync"]); tv = vd()
    else:
        tv = vd(); subprocess.run(["sync"]); tc = cp()
    shutil.rmtree(vms + "/f%d" % i)
    os.unlink(out)
    subprocess.run(["sync"])
    v.append(tv); c.append(tc); ratio.append(tv / tc)
r = statistics.median(ratio)
print("full clone, 1 GiB of data: vmdesk median %.3f s, cp median %.3f s "
    "(%d rounds)" % (statistics.median(v), statistics.median(c), rounds))
print("  vmdesk runs: %s" % " ".join("%.3f" % x for x in v))
print("  cp runs:     %s" % " ".join("%.3f" % x for x in c))
print("  ratio vmdesk/cp: %.3f, median of rounds (target <= 1.1)" % r)
ok = ok and r <= 1.1
sys.exit(0 if ok else 1)
PY
