#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Download + verify of a 1 GiB image from a server on 127.0.0.1: vmdesk
# create --image URL --sha256 (download, hash while streaming, publish in
# the cache, overlay) against curl -o then sha256sum of the same file
# (target ratio <= 1.1). Each round runs both back to back (order
# alternating) with an empty cache; the median per-round ratio counts.
set -u
: "${VMDESK:?}"
: "${top_srcdir:=$(dirname "$0")/..}"
ROUNDS=${ROUNDS:-5}
SIZE_MB=${SIZE_MB:-1024}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
server=
trap '[ -n "$server" ] && kill $server; rm -rf "$tmp"' EXIT
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME" "$tmp/srv" && mkdir -m 0700 "$XDG_RUNTIME_DIR"

# Fully allocated, so every byte travels and is hashed.
qemu-img create -q -f qcow2 -o preallocation=full "$tmp/srv/big.qcow2" \
    "${SIZE_MB}M" || exit 1
sum=$(sha256sum "$tmp/srv/big.qcow2" | cut -d' ' -f1)
python3 "$top_srcdir/tests/lib/imgserver.py" "$tmp/srv" "$tmp/port" \
    /dev/null &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
url="http://127.0.0.1:$(cat "$tmp/port")/big.qcow2"

python3 - "$VMDESK" "$url" "$sum" "$tmp" "$ROUNDS" "$SIZE_MB" <<'PY'
import os, shutil, statistics, subprocess, sys, time
vmdesk, url, sha, tmp, rounds, size = sys.argv[1:7]
rounds = int(rounds)
home = os.environ["VMDESK_HOME"]

def run_vmdesk():
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    t = time.monotonic()
    subprocess.run([vmdesk, "create", "d", "--image", url, "--sha256", sha],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - t

def run_curl():
    out = os.path.join(tmp, "curl.out")
    if os.path.exists(out):
        os.unlink(out)
    t = time.monotonic()
    subprocess.run(["curl", "-s", "-f", "-o", out, url], check=True)
    got = subprocess.run(["sha256sum", out], check=True,
                         capture_output=True, text=True).stdout.split()[0]
    dt = time.monotonic() - t
    if got != sha:
        sys.exit("curl fetched the wrong bytes")
    os.unlink(out)
    return dt

v, c, ratio = [], [], []
for i in range(rounds):
    if i % 2 == 0:
        tv = run_vmdesk(); tc = run_curl()
    else:
        tc = run_curl(); tv = run_vmdesk()
    v.append(tv); c.append(tc); ratio.append(tv / tc)
r = statistics.median(ratio)
print("download + verify, %s MiB from 127.0.0.1: vmdesk median %.3f s, "
      "curl -o + sha256sum median %.3f s (%d rounds)"
      % (size, statistics.median(v), statistics.median(c), rounds))
print("  ratio vmdesk/(curl+sha256sum): %.3f, median of rounds "
      "(target <= 1.1)" % r)
shutil.rmtree(home, ignore_errors=True)
sys.exit(0 if r <= 1.1 else 1)
PY
