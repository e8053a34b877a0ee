#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk export and import of a VM whose disk holds 1 GiB of random data
# (incompressible: the worst case), against tar piped to zstd and zstd
# piped to tar of the same file (the reference ratio). Median of ROUNDS;
# import includes vmdesk's fsync of every file, so it is timed against
# tar followed by sync.
set -u
: "${VMDESK:?}"
ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME/vms/big" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
if ! command -v zstd >/dev/null 2>&1; then
	echo "SKIP: no zstd program for the reference (tools/install-deps)"
	exit 0
fi
cat >"$VMDESK_HOME/vms/big/vm.conf" <<CONF
[vm]
name = big
memory = 256M

[disk data]
file = data.qcow2

[nic net0]
mac = 52:54:00:00:00:01
CONF
head -c 1073741824 /dev/urandom >"$tmp/raw" || exit 1
qemu-img convert -f raw -O qcow2 "$tmp/raw" \
    "$VMDESK_HOME/vms/big/data.qcow2" || exit 1
rm -f "$tmp/raw"
sync

python3 - "$VMDESK" "$VMDESK_HOME" "$tmp" "$ROUNDS" <<'PY'
import os, shutil, statistics, subprocess, sys, time

vmdesk, home, tmp, rounds = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])
vms = home + "/vms"
gib = 1024.0

def timed(cmd, shell=False):
    t = time.monotonic()
    subprocess.run(cmd, check=True, shell=shell, stdout=subprocess.DEVNULL)
    return time.monotonic() - t

ex, exref, im, imref = [], [], [], []
for i in range(rounds):
    out = tmp + "/b.tar.zst"
    ex.append(timed([vmdesk, "export", "big", out]))
    exref.append(timed("tar -C %s/big -cf - vm.conf data.qcow2 | zstd -q "
        "-3 -o %s/ref.tar.zst" % (vms, tmp), shell=True))
    im.append(timed([vmdesk, "import", out, "big2"]))
    os.mkdir(tmp + "/x")
    imref.append(timed("zstd -dcq %s/ref.tar.zst | tar -C %s/x -xf - && "
        "sync" % (tmp, tmp), shell=True))
    shutil.rmtree(vms + "/big2")
    shutil.rmtree(tmp + "/x")
    os.unlink(out)
    os.unlink(tmp + "/ref.tar.zst")

for name, t, r in (("export", ex, exref), ("import", im, imref)):
    a, b = statistics.median(t), statistics.median(r)
    print("%s of a 1 GiB random disk: %.2f s (%.0f MB/s); tar+zstd "
        "reference %.2f s; ratio %.2f" % (name, a, gib / a, b, a / b))
PY
