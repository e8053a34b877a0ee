#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The image cache against a server on 127.0.0.1 this test starts: VMs
# from a qcow2, a .qcow2.xz, a .tar.gz and a .zip (user templates), from
# --image and --iso; a tinylinux guest reading a marker off its
# downloaded disk; the cache found again without the network; resume;
# and every bad input (wrong checksum, truncation, a stalled server,
# HTTP errors, unsafe archives, a decompression bomb, a full disk,
# Ctrl-C) giving one clear message and leaving nothing half-made.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

# A cache of our own; the tinylinux boot files stay shared.
rm "$VMDESK_HOME/images"
mkdir -p "$VMDESK_HOME/images" "$IMAGE_CACHE/tinylinux"
ln -s "$IMAGE_CACHE/tinylinux" "$VMDESK_HOME/images/tinylinux"
CACHE="$VMDESK_HOME/images"
export VMDESK_STALL_TIMEOUT=2 VMDESK_CONNECT_TIMEOUT=5
export VMDESK_DOWNLOAD_RETRIES=1 VMDESK_RETRY_DELAY_MS=100

log "fixtures: an ext2 disk with a marker, packed five ways"
SRV="$TEST_TMP/srv"
mkdir -p "$SRV/root"
marker="imgcache-marker-$$"
echo "$marker" >"$SRV/root/marker"
mke2fs -q -t ext2 -d "$SRV/root" -F "$SRV/disk.raw" 32M ||
    fail "mke2fs -d failed"
qemu-img convert -f raw -O qcow2 "$SRV/disk.raw" "$SRV/disk.qcow2"
qemu-img convert -f raw -O vmdk "$SRV/disk.raw" "$SRV/disk.vmdk"
xz -k -c "$SRV/disk.qcow2" >"$SRV/disk.qcow2.xz"
bzip2 -c "$SRV/disk.raw" >"$SRV/disk.raw.bz2"
zstd -q -c "$SRV/disk.qcow2" >"$SRV/disk.qcow2.zst"
python3 - "$SRV" <<'PY' || fail "python fixtures"
import io, os, sys, tarfile, zipfile, lzma
srv = sys.argv[1]
def tar(name, members, mode="w:gz"):
    with tarfile.open(os.path.join(srv, name), mode) as t:
        for m, data in members:
            t.addfile(m, io.BytesIO(data) if data is not None else None)
def reg(name, data):
    m = tarfile.TarInfo(name); m.size = len(data); return (m, data)
raw = open(os.path.join(srv, "disk.raw"), "rb").read()
tar("disk.tar.gz", [reg("README", b"hello\n"), reg("img/disk.raw", raw)])
with zipfile.ZipFile(os.path.join(srv, "disk.zip"), "w",
                     zipfile.ZIP_DEFLATED) as z:
    z.writestr("NOTES.txt", "notes\n")
    z.write(os.path.join(srv, "disk.vmdk"), "disk.vmdk")
tar("dotdot.tar.gz", [reg("../evil.qcow2", b"x" * 100)])
tar("abs.tar.gz", [reg("/tmp/evil.qcow2", b"x" * 100)])
m = tarfile.TarInfo("disk.qcow2"); m.type = tarfile.SYMTYPE
m.linkname = "../../../etc/passwd"
tar("symlink.tar.gz", [(m, None)])
m = tarfile.TarInfo("null.img"); m.type = tarfile.CHRTYPE
m.devmajor, m.devminor = 1, 3
tar("dev.tar.gz", [(m, None)])
with open(os.path.join(srv, "bomb.qcow2.xz"), "wb") as f:
    # 1 GiB of zeros in 150 KiB: beyond both 1000 times and 256 MiB.
    c = lzma.LZMACompressor(preset=0)
    zero = bytes(1 << 20)
    for _ in range(1024):
        f.write(c.compress(zero))
    f.write(c.flush())
# A zip whose member says 4 KiB and holds 300 MiB of zeros.
import struct
zb = os.path.join(srv, "zbomb.zip")
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("disk.img", "w") as f:
        for _ in range(300):
            f.write(bytes(1 << 20))
b = bytearray(open(zb, "rb").read())
assert b[0:4] == b"PK\x03\x04"
struct.pack_into("<I", b, 22, 4096)
struct.pack_into("<I", b, b.find(b"PK\x01\x02") + 24, 4096)
open(zb, "wb").write(b)
# An image that does not compress: the full-disk case.
with open(os.path.join(srv, "big.raw"), "wb") as f:
    f.write(os.urandom(16 << 20))
PY
qemu-img convert -f raw -O qcow2 "$SRV/big.raw" "$SRV/big.qcow2"
head -c $((12 << 20)) /dev/urandom >"$SRV/slow.raw"
qemu-img convert -f raw -O qcow2 "$SRV/slow.raw" "$SRV/slow.qcow2"
head -c 65536 /dev/urandom >"$SRV/install.iso"
(cd "$SRV" && sha256sum disk.qcow2 disk.tar.gz >SHA256SUMS &&
    sha256sum -b disk.zip >>SHA256SUMS &&
    echo "SHA256 (disk.qcow2.xz) = $(sha256sum disk.qcow2.xz |
    cut -d' ' -f1)" >>SHA256SUMS)
sum_qcow2=$(sha256sum "$SRV/disk.qcow2" | cut -d' ' -f1)
sum_xz=$(sha256sum "$SRV/disk.qcow2.xz" | cut -d' ' -f1)
sum_big=$(sha256sum "$SRV/big.qcow2" | cut -d' ' -f1)

SLOG="$TEST_TMP/server.log"
img_server "$SRV"

# A user template: NAME BOOT URL, then more "key = value" lines.
template() {
	name=$1 boot=$2 url=$3
	shift 3
	mkdir -p "$VMDESK_HOME/templates"
	{
		echo "[template]"
		echo "name = $name"
		echo "os = test image"
		echo "machine = q35"
		echo "memory = 192M"
		echo "disk_size = 64M"
		echo "boot = $boot"
		echo "url = $url"
		for kv in "$@"; do
			echo "$kv"
		done
	} >"$VMDESK_HOME/templates/$name.conf"
}

entries() { ls "$CACHE"/*.json 2>/dev/null | wc -l; }
gets() { grep -c "^GET /$1 " "$SLOG" 2>/dev/null || true; }

# Nothing half-made: no VM $1, no staging folder, no new entry (there
# must be $2), no temporary file; a resumable .part is allowed when $3.
nothing_left() {
	[ ! -e "$VMDESK_HOME/vms/$1" ] || fail "VM $1 was left behind"
	if ls -A "$VMDESK_HOME/vms" | grep -q '^\.new-'; then
		fail "a staging folder was left: $(ls -A "$VMDESK_HOME/vms")"
	fi
	[ "$(entries)" -eq "$2" ] || fail "cache has $(entries) entries, not $2"
	left=$(ls -A "$CACHE/.partial" 2>/dev/null |
	    grep -v '\.lock$' | grep -v '\.part$' || true)
	[ -z "$left" ] || fail "temporary files left: $left"
	if [ "${3:-no}" = no ] &&
	    ls "$CACHE/.partial"/*.part >/dev/null 2>&1; then
		fail "a download was left: $(ls "$CACHE/.partial")"
	fi
	if ls "$CACHE" | grep -v -e '\.json$' -e '\.qcow2$' -e '\.iso$' \
	    -e '^tinylinux$' -e '^bases$' | grep -q .; then
		fail "stray files in the cache: $(ls "$CACHE")"
	fi
}

log "create from a qcow2 (checksum file, GNU line): a tinylinux data disk"
template tl-qcow2 tinylinux "$URL/disk.qcow2" \
    "checksum_url = $URL/SHA256SUMS" "format = qcow2"
vd_ok create a1 --template tl-qcow2; ok
[ -f "$CACHE/$sum_qcow2.qcow2" ] || fail "no $sum_qcow2.qcow2 in the cache"
[ "$(stat -c %a "$CACHE/$sum_qcow2.qcow2")" = 444 ] ||
    fail "the cached image is not read-only"; ok
backing=$(qemu-img info --output=json "$VMDESK_HOME/vms/a1/data.qcow2" |
    sed -n 's/.*"full-backing-filename": "\(.*\)".*/\1/p')
[ "$backing" = "$CACHE/$sum_qcow2.qcow2" ] ||
    fail "a1's disk is not an overlay on the cache: '$backing'"; ok
vsize=$(qemu-img info --output=json "$VMDESK_HOME/vms/a1/data.qcow2" |
    sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p')
[ "$vsize" = $((64 << 20)) ] || fail "overlay not grown to 64M: $vsize"; ok

log "a second VM from it: no network"
before=$(gets disk.qcow2)
vd_ok create a2 --template tl-qcow2; ok
[ "$(gets disk.qcow2)" = "$before" ] || fail "fetched disk.qcow2 again"; ok
vd_ok templates
vd_ok images --json
case "$OUT" in *"\"sha256\": \"$sum_qcow2\""*'"a1"'*'"a2"'*) ok ;;
*) fail "images --json: $OUT" ;; esac

log "boot a1: the guest reads the marker off the downloaded disk"
vd_ok start a1; ok
wait_log a1 "tinylinux: ready"; ok
serial_expect a1 'cat /data/marker' "$marker"; ok
serial_expect a1 'echo written >/data/mine; sync; cat /data/mine' written
ok
vd_ok stop a1 --force --timeout 5

log ".qcow2.xz (BSD checksum line), .tar.gz (raw member), .zip (vmdk)"
template img-xz image "$URL/disk.qcow2.xz" \
    "checksum_url = $URL/SHA256SUMS" "format = qcow2"
vd_ok create b1 --template img-xz; ok
template img-tgz image "$URL/disk.tar.gz" "checksum_url = $URL/SHA256SUMS" \
    "format = raw" "member = *.raw"
vd_ok create b2 --template img-tgz; ok
template img-zip image "$URL/disk.zip" "checksum_url = $URL/SHA256SUMS" \
    "format = vmdk"
vd_ok create b3 --template img-zip; ok
for vm in b1 b2 b3; do
	grep -q '^file = disk.qcow2' "$VMDESK_HOME/vms/$vm/vm.conf" ||
	    fail "$vm has no disk.qcow2"
	# The overlay is 64M, the image 32M: the first 32M are the image.
	qemu-img convert -f qcow2 -O raw "$VMDESK_HOME/vms/$vm/disk.qcow2" \
	    "$TEST_TMP/out.raw"
	cmp -s -n $((32 << 20)) "$TEST_TMP/out.raw" "$SRV/disk.raw" ||
	    fail "$vm: the disk's bytes differ from the image"
	rm -f "$TEST_TMP/out.raw"
	ok
done
[ "$(entries)" -eq 4 ] || fail "expected 4 cache entries, $(entries)"; ok

log "single streams: bzip2 (raw, converted) and zstd (qcow2)"
vd_ok create b4 --image "$URL/disk.raw.bz2"; ok
vd_ok create b5 --image "$URL/disk.qcow2.zst" --disk-size 1G; ok
for vm in b4 b5; do
	qemu-img convert -f qcow2 -O raw "$VMDESK_HOME/vms/$vm/disk.qcow2" \
	    "$TEST_TMP/out.raw"
	cmp -s -n $((32 << 20)) "$TEST_TMP/out.raw" "$SRV/disk.raw" ||
	    fail "$vm: the disk's bytes differ from the image"
	rm -f "$TEST_TMP/out.raw"
	ok
done
vd_ok delete b4
vd_ok delete b5
vd_ok images prune
case "$OUT" in *"Pruned 2 files"*) ok ;; *) fail "prune: $OUT" ;; esac
[ "$(entries)" -eq 4 ] || fail "expected 4 cache entries, $(entries)"; ok

log "--image URL --sha256, --image PATH, --iso PATH"
vd_ok create c1 --image "$URL/disk.qcow2.xz" --sha256 "$sum_xz"; ok
[ "$(entries)" -eq 4 ] || fail "the same URL made a new entry"; ok
vd_ok create c2 --image "$SRV/disk.qcow2" --memory 128M; ok
[ "$(entries)" -eq 4 ] || fail "the same bytes made a new entry"; ok
vd_ok create c3 --iso "$SRV/install.iso" --disk-size 2G; ok
grep -q "^iso = $CACHE/.*\.iso" "$VMDESK_HOME/vms/c3/vm.conf" ||
    fail "c3 has no cached ISO: $(cat "$VMDESK_HOME/vms/c3/vm.conf")"
grep -q '^order = cd' "$VMDESK_HOME/vms/c3/vm.conf" || fail "c3 boot order"
ok
vd_fails 1 "is an ISO image" create c4 --image "$SRV/install.iso"
nothing_left c4 5; ok
vd_fails 2 "--sha256 goes with" create c4 --template tl-qcow2 --sha256 x
vd_fails 1 "not a sha256" create c4 --image "$SRV/disk.qcow2" --sha256 xyz
vd_fails 1 "is not https: give its --sha256" create c4 \
    --image http://192.0.2.1/disk.qcow2
nothing_left c4 5; ok
nothing_left c4 5; ok
vd_fails 1 "No such file" create c4 --image "$SRV/nothere.qcow2"
nothing_left c4 5; ok

log "bad input: wrong checksum"
bad=0000000000000000000000000000000000000000000000000000000000000000
template bad-sum image "$URL/big.qcow2" "sha256 = $bad"
vd_fails 1 "checksum mismatch" create d1 --template bad-sum
case "$OUT" in *"expected $bad, got $sum_big"*) ok ;;
*) fail "mismatch message: $OUT" ;; esac
nothing_left d1 5; ok
template bad-name image "$URL/big.qcow2" "checksum_url = $URL/SHA256SUMS"
vd_fails 1 "no sha256 or sha512 for big.qcow2" create d1 \
    --template bad-name
nothing_left d1 5; ok

log "bad input: truncated, stalled, HTTP 404 and 500"
vd_fails 1 "ended early" create d1 --image "$URL/truncate/big.qcow2"
nothing_left d1 5 part; ok
vd_fails 1 "stalled" create d1 --image "$URL/stall/disk.qcow2"
nothing_left d1 5 part; ok
# A trickle (2 bytes a second) is a stall too, for an image and for a
# checksum file: fewer than VMDESK_STALL_BYTES in VMDESK_STALL_TIMEOUT
# seconds. Under a timeout: without the window it never ends.
t0=$(date +%s)
OUT=$(VMDESK_STALL_BYTES=100 timeout 60 "$VMDESK" create d1 \
    --image "$URL/trickle/disk.qcow2" 2>&1)
RC=$?
[ "$RC" -eq 1 ] || fail "a trickled image: exit $RC: $OUT"
case "$OUT" in
*"stalled: "*" bytes in the last 2 s from 127.0.0.1"*) ;;
*) fail "a trickled image: $OUT" ;;
esac
nothing_left d1 5 part; ok
template trickle-sums image "$URL/big.qcow2" \
    "checksum_url = $URL/trickle/SHA256SUMS" "format = qcow2"
OUT=$(VMDESK_STALL_BYTES=100 timeout 60 "$VMDESK" create d1 \
    --template trickle-sums 2>&1)
RC=$?
[ "$RC" -eq 1 ] || fail "a trickled checksum file: exit $RC: $OUT"
case "$OUT" in
*"trickle/SHA256SUMS: stalled: "*" bytes in the last 2 s from "*) ;;
*) fail "a trickled checksum file: $OUT" ;;
esac
nothing_left d1 5 part
log "trickles refused in $(($(date +%s) - t0)) s"; ok
vd_fails 1 "HTTP 404 from $URL/nothere.qcow2" create d1 \
    --image "$URL/nothere.qcow2"
nothing_left d1 5 part; ok
vd_fails 1 "HTTP 500 from" create d1 --image "$URL/status/500"
[ "$(gets status/500)" -eq 2 ] || fail "HTTP 500 was not retried once"
nothing_left d1 5 part; ok
# A temporary file of a process that died (kill -9) goes too.
touch "$CACHE/.partial/$bad.999999999.unpack"
vd_ok images prune
case "$OUT" in *".part"*) ;; *) fail "prune left the partial: $OUT" ;; esac
case "$OUT" in *".999999999.unpack"*) ok ;;
*) fail "prune left the dead process's file: $OUT" ;; esac
nothing_left d1 5; ok
[ -z "$(ls -A "$CACHE/.partial")" ] ||
    fail "prune left: $(ls -A "$CACHE/.partial")"; ok

log "bad input: unsafe archives and a decompression bomb"
for case in "dotdot:climbs out" "abs:absolute path" "symlink:is a link" \
    "dev:character device"; do
	f=${case%%:*}
	vd_fails 1 "${case#*:}" create d1 --image "$URL/$f.tar.gz"
	case "$OUT" in *refused*) ;; *) fail "$f: $OUT" ;; esac
	nothing_left d1 5
	ok
done
vd_fails 1 "decompression bomb" create d1 --image "$URL/bomb.qcow2.xz"
nothing_left d1 5; ok
vd_fails 1 "it declares 4096 bytes): refused as a decompression bomb" \
    create d1 --image "$URL/zbomb.zip"
nothing_left d1 5; ok

log "resume: a transfer cut short is continued with a Range request"
vd_ok create e1 --image "$URL/flaky/big.qcow2" --sha256 "$sum_big"; ok
grep -q "^GET /flaky/big.qcow2 bytes=[1-9]" "$SLOG" ||
    fail "no Range request after the cut: $(cat "$SLOG")"; ok

log "Ctrl-C during a create leaves nothing, and the next one resumes"
"$VMDESK" create e2 --image "$URL/slow/slow.qcow2" \
    >"$TEST_TMP/int.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ]; do
	size=$(stat -c %s "$CACHE"/.partial/*.part 2>/dev/null | head -n 1)
	[ "${size:-0}" -gt 0 ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "${size:-0}" -gt 0 ] || fail "the slow download never started"
vd_fails 1 "another vmdesk is fetching $URL/slow/slow.qcow2" create e3 \
    --image "$URL/slow/slow.qcow2"
if ls -A "$VMDESK_HOME/vms" | grep -q -e '^e3$' -e '^\.new-e3-'; then
	fail "the refused create left e3: $(ls -A "$VMDESK_HOME/vms")"
fi
ok
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 1 ] ||
    fail "interrupted create exited $rc: $(cat "$TEST_TMP/int.out")"
grep -q "interrupted; nothing was created" "$TEST_TMP/int.out" ||
    fail "interrupted create said: $(cat "$TEST_TMP/int.out")"
nothing_left e2 6 part; ok
vd_ok create e2 --image "$URL/slow/slow.qcow2"; ok
grep -q "^GET /slow/slow.qcow2 bytes=[1-9]" "$SLOG" ||
    fail "the second create did not resume"; ok

log "a source changed between Ctrl-C and the resume starts over (If-Range)"
sum_slow=$(sha256sum "$SRV/slow.qcow2" | cut -d' ' -f1)
cp "$SRV/big.qcow2" "$SRV/changed.qcow2"
rm -f "$CACHE"/.partial/*.part
"$VMDESK" create e4 --image "$URL/slow/changed.qcow2" \
    >"$TEST_TMP/int.out" 2>&1 &
pid=$!
i=0
size=0
while [ $i -lt 100 ]; do
	size=$(stat -c %s "$CACHE"/.partial/*.part 2>/dev/null | head -n 1)
	[ "${size:-0}" -gt 0 ] && break
	sleep 0.1
	i=$((i + 1))
done
kill -INT $pid
wait $pid
[ $? -eq 1 ] || fail "interrupted create: $(cat "$TEST_TMP/int.out")"
cp "$SRV/slow.qcow2" "$SRV/changed.qcow2.new"
mv "$SRV/changed.qcow2.new" "$SRV/changed.qcow2"
vd_ok create e4 --image "$URL/slow/changed.qcow2"; ok
grep -q '^GET /slow/changed.qcow2 bytes=[1-9][0-9]*- "' "$SLOG" ||
    fail "no If-Range resume: $(grep changed "$SLOG")"; ok
backing=$(qemu-img info --output=json "$VMDESK_HOME/vms/e4/disk.qcow2" |
    sed -n 's/.*"full-backing-filename": "\(.*\)".*/\1/p')
[ "$backing" = "$CACHE/$sum_slow.qcow2" ] ||
    fail "e4 is not on the new bytes: '$backing'"; ok
nothing_left e5 7; ok

log "prune: only what no VM (or linked-clone base) uses"
vd_ok clone b3 b3c --linked; ok
vd_ok delete b3
vd_ok delete b2
vd_ok images prune
case "$OUT" in *"Pruned 1 file"*) ok ;; *) fail "prune: $OUT" ;; esac
vd_ok images --json
case "$OUT" in *'"b3c"'*) ok ;; *) fail "b3c's base chain lost: $OUT" ;; esac
for vm in a1 a2 b1 b3c c1 c2 c3 e1 e2; do
	vd_ok info "$vm"
done
[ "$(entries)" -eq 6 ] || fail "prune left $(entries) entries, not 6"; ok
for vm in a1 a2 b1 c1 c2 e1; do vd_ok delete "$vm"; done
vd_ok images prune
vd_ok images --json
for vm in b3c c3 e2; do
	case "$OUT" in *"\"$vm\""*) ;; *) fail "after prune, no $vm: $OUT" ;; esac
done
[ "$(entries)" -eq 3 ] || fail "the last prune left $(entries) entries"; ok

log "sha512 checksum files (Debian's, NetBSD's): checked, a mismatch refused"
cp "$SRV/disk.qcow2" "$SRV/d512.qcow2"
zeros=$(printf '%0128d' 0)
(cd "$SRV" && sha512sum d512.qcow2 >SHA512SUMS &&
    echo "$zeros  d512.qcow2" >BAD512SUMS)
template img-512bad image "$URL/d512.qcow2" "format = qcow2" \
    "checksum_url = $URL/BAD512SUMS"
n=$(entries)
vd_fails 1 "checksum mismatch" create g1 --template img-512bad
case "$OUT" in *"expected $zeros, got "*) ok ;;
*) fail "sha512 mismatch message: $OUT" ;; esac
nothing_left g1 "$n"; ok
template img-512 image "$URL/d512.qcow2" "format = qcow2" \
    "checksum_url = $URL/SHA512SUMS"
vd_ok create g1 --template img-512; ok

log "bad input: a full disk in the middle of a download"
SMALL="$TEST_TMP/small"
mkdir -p "$SMALL"
if mount -t tmpfs -o size=8m tmpfs "$SMALL" 2>/dev/null; then
	trap 'umount "$SMALL" 2>/dev/null; kill $server 2>/dev/null; cleanup' \
	    EXIT
	out=$(VMDESK_HOME="$SMALL" "$VMDESK" create f1 \
	    --image "$URL/big.qcow2" 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "full disk: exit $rc: $out"
	case "$out" in *"No space left on device"*) ok ;;
	*) fail "full disk: $out" ;; esac
	[ -z "$(ls -A "$SMALL/vms")" ] || fail "full disk left a VM"
	[ -z "$(ls "$SMALL/images" | grep -v '^\.')" ] ||
	    fail "full disk left cache files: $(ls -A "$SMALL/images")"
	[ -z "$(ls "$SMALL/images/.partial" | grep -v '\.lock$')" ] ||
	    fail "full disk left a partial: $(ls "$SMALL/images/.partial")"
	ok
	umount "$SMALL"
else
	echo "# SKIP full disk: cannot mount a tmpfs here (not root?)" >&2
fi

echo "images: $passed checks passed"
