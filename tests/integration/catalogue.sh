#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A catalogue that stays current, against a server on 127.0.0.1 serving
# indexes in each distribution's own layout (tests/data/indexes): an
# Apache autoindex with a BSD-style sha256sum.txt (Void), an nginx one
# with a .sha256 beside each ISO (Gentoo), a SHA256SUMS
# naming every architecture (Ubuntu), Fedora's signed CHECKSUM and its
# releases.json feed, Alpine's latest-releases.yaml, and a "latest"
# redirect with openSUSE's .sha256. templates --check picks the newest
# file and ignores hostile names; vmdesk create fetches the current file
# when the pinned one has moved, keeps the resolution a day (a second
# create asks the server nothing), falls back to the pin with a note when
# the index cannot be read, and refuses a file its checksum file does not
# list. The shipped catalogue holds at least 30 editions with their archs.
. "${top_srcdir:-.}/tests/lib/common.sh"

export VMDESK_STALL_TIMEOUT=2 VMDESK_CONNECT_TIMEOUT=5
export VMDESK_DOWNLOAD_RETRIES=1 VMDESK_RETRY_DELAY_MS=100
# A cache of images of our own: this test's must not stay behind.
rm "$VMDESK_HOME/images"
mkdir -p "$VMDESK_HOME/images"

SRV="$TEST_TMP/srv"
cp -r "$top_srcdir/tests/data/indexes" "$SRV"
chmod -R u+w "$SRV"
img_server "$SRV"
LOG="$TEST_TMP/server.log"
sed "s|@URL@|$URL|g" "$SRV/fedora/releases.json.in" >"$SRV/fedora/releases.json"

# A template file: name, then its source keys (one a line).
template() {
	dir=$1
	name=$2
	shift 2
	mkdir -p "$dir"
	{
		printf '[template]\nname = %s\nboot = %s\n' "$name" \
		    "${BOOT:-iso}"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$dir/$name.conf"
}

# A field of the --check JSON: template, arch, field.
check_field() {
	python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    if e["name"] == sys.argv[2] and e["arch"] == sys.argv[3]:
        v = e[sys.argv[4]]
        print("null" if v is None else v)' "$TEST_TMP/check.json" "$@"
}

expect_field() {
	got=$(check_field "$1" "$2" "$3")
	[ "$got" = "$4" ] || fail "$1/$2 $3: '$got', wanted '$4'"
}

log "templates --check --json: every index layout, the newest file"
GOOD="$TEST_TMP/good"
template "$GOOD" void \
    "url = $URL/void/live/current/void-live-x86_64-20240314-base.iso" \
    "checksum_url = $URL/void/live/current/sha256sum.txt" \
    "index = $URL/void/live/current/" "index_format = html" \
    "pattern = void-live-x86_64-[0-9]*-base.iso"
BOOT=image template "$GOOD" ubuntu "arch = x86_64 aarch64 riscv64" \
    "url = $URL/ubuntu/releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img" \
    "checksum_url = $URL/ubuntu/releases/24.04/release/SHA256SUMS" \
    "index = $URL/ubuntu/releases/24.04/release/SHA256SUMS" \
    "index_format = sums" \
    "pattern = ubuntu-24.04-server-cloudimg-amd64.img" \
    "url.aarch64 = $URL/ubuntu/releases/24.04/release/ubuntu-24.04-server-cloudimg-arm64.img" \
    "pattern.aarch64 = ubuntu-24.04-server-cloudimg-arm64.img" \
    "url.riscv64 = $URL/ubuntu/releases/24.04/release/ubuntu-24.04-server-cloudimg-riscv64.img" \
    "pattern.riscv64 = ubuntu-24.04-server-cloudimg-riscv64.img"
F=fedora/releases/44/Cloud/x86_64/images
BOOT=image template "$GOOD" fedora-checksum \
    "url = $URL/$F/Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2" \
    "checksum_url = $URL/$F/Fedora-Cloud-44-1.7-x86_64-CHECKSUM" \
    "index = $URL/$F/Fedora-Cloud-44-1.7-x86_64-CHECKSUM" \
    "index_format = sums" "pattern = Fedora-Cloud-Base-Generic-*.x86_64.qcow2"
BOOT=image template "$GOOD" fedora-feed "arch = x86_64 aarch64" \
    "url = $URL/$F/Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2" \
    "sha256 = $(printf %064d 0)" \
    "index = $URL/fedora/releases.json" "index_format = json" \
    "pattern = Fedora-Cloud-Base-Generic-[0-9][0-9]-*.x86_64.qcow2" \
    "url.aarch64 = $URL/$F/Fedora-Cloud-Base-Generic-43-1.6.aarch64.qcow2" \
    "sha256.aarch64 = $(printf %064d 0)" \
    "pattern.aarch64 = Fedora-Cloud-Base-Generic-[0-9][0-9]-*.aarch64.qcow2"
A=alpine/latest-stable/releases/x86_64
template "$GOOD" alpine \
    "url = $URL/$A/alpine-virt-3.22.1-x86_64.iso" \
    "checksum_url = $URL/$A/alpine-virt-3.22.1-x86_64.iso.sha256" \
    "index = $URL/$A/latest-releases.yaml" "index_format = yaml" \
    "pattern = alpine-virt-*-x86_64.iso"
G=gentoo/releases/amd64/autobuilds/current-install-amd64-minimal
template "$GOOD" gentoo \
    "url = $URL/$G/install-amd64-minimal-20251116T161545Z.iso" \
    "checksum_url = $URL/$G/{file}.sha256" \
    "index = $URL/$G/" "index_format = html" \
    "pattern = install-amd64-minimal-*.iso"
T=tumbleweed/iso
template "$GOOD" tumbleweed \
    "url = $URL/$T/openSUSE-Tumbleweed-DVD-x86_64-Snapshot20250101-Media.iso" \
    "checksum_url = $URL/$T/openSUSE-Tumbleweed-DVD-x86_64-Current.iso.sha256" \
    "index = $URL/redirect/$T/openSUSE-Tumbleweed-DVD-x86_64-Snapshot20251110-Media.iso" \
    "index_format = redirect" \
    "pattern = openSUSE-Tumbleweed-DVD-x86_64-Snapshot*-Media.iso"
VMDESK_TEMPLATES_DIR=$GOOD "$VMDESK" templates --check --json \
    >"$TEST_TMP/check.json" 2>"$TEST_TMP/check.err" ||
    fail "templates --check failed: $(cat "$TEST_TMP/check.json" \
    "$TEST_TMP/check.err")"
expect_field void x86_64 file void-live-x86_64-20250202-base.iso
expect_field void x86_64 version 20250202
expect_field void x86_64 status resolved
expect_field void x86_64 sha256 "$(printf %s void-live-x86_64-20250202-base.iso |
    sha256sum | cut -d' ' -f1)"
expect_field ubuntu x86_64 file ubuntu-24.04-server-cloudimg-amd64.img
expect_field ubuntu aarch64 file ubuntu-24.04-server-cloudimg-arm64.img
expect_field ubuntu riscv64 url \
    "$URL/ubuntu/releases/24.04/release/ubuntu-24.04-server-cloudimg-riscv64.img"
expect_field fedora-checksum x86_64 file \
    Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2
expect_field fedora-checksum x86_64 version 44-1.7
expect_field fedora-feed x86_64 url \
    "$URL/pub/fedora/linux/releases/44/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2"
expect_field fedora-feed x86_64 version 44
expect_field fedora-feed aarch64 file \
    Fedora-Cloud-Base-Generic-44-1.7.aarch64.qcow2
expect_field gentoo x86_64 file install-amd64-minimal-20251123T153051Z.iso
expect_field gentoo x86_64 version 20251123T153051Z
expect_field gentoo x86_64 sha256 "$(printf %s \
    install-amd64-minimal-20251123T153051Z.iso | sha256sum | cut -d' ' -f1)"
expect_field alpine x86_64 file alpine-virt-3.22.2-x86_64.iso
expect_field alpine x86_64 version 3.22.2
expect_field tumbleweed x86_64 file \
    openSUSE-Tumbleweed-DVD-x86_64-Snapshot20251110-Media.iso
expect_field tumbleweed x86_64 version 20251110
grep -q '^HEAD /redirect/' "$LOG" || fail "the redirect was not asked"
VMDESK_TEMPLATES_DIR=$GOOD vd_ok templates --check
case "$OUT" in
*"ubuntu               aarch64  resolved"*) ;;
*) fail "templates --check table: $OUT" ;;
esac
VMDESK_TEMPLATES_DIR=$GOOD vd_ok templates --json
python3 -c 'import json, sys
t = {e["name"]: e for e in json.loads(sys.argv[1])}
assert t["ubuntu"]["archs"] == ["x86_64", "aarch64", "riscv64"], t["ubuntu"]
assert t["ubuntu"]["sources"][1]["pattern"].endswith("arm64.img")
assert t["ubuntu"]["sources"][1]["index_format"] == "sums"' "$OUT" ||
    fail "templates --json archs: $OUT"

log "templates --check: an unreadable index, a file with no checksum"
BAD="$TEST_TMP/bad"
template "$BAD" gone \
    "url = $URL/void/live/current/void-live-x86_64-20240314-base.iso" \
    "checksum_url = $URL/void/live/current/sha256sum.txt" \
    "index = http://127.0.0.1:1/live/current/" "index_format = html" \
    "pattern = void-live-x86_64-[0-9]*-base.iso"
template "$BAD" nosum \
    "url = $URL/void/live/current/void-live-x86_64-20240314-base.iso" \
    "checksum_url = $URL/void/live/current/sha256sum.txt" \
    "index = $URL/void/live/current/" "index_format = html" \
    "pattern = void-live-x86_64-2024[0-9]*-base.iso"
VMDESK_TEMPLATES_DIR=$BAD "$VMDESK" templates --check --json \
    >"$TEST_TMP/check.json" 2>/dev/null && fail "--check passed a bad index"
expect_field gone x86_64 status fallback
expect_field gone x86_64 url \
    "$URL/void/live/current/void-live-x86_64-20240314-base.iso"
case "$(check_field gone x86_64 note)" in
*"cannot be read"*"using the pinned"*) ;;
*) fail "no fallback note: $(check_field gone x86_64 note)" ;;
esac
expect_field nosum x86_64 status failed
case "$(check_field nosum x86_64 error)" in
*"void-live-x86_64-20240314-base.iso"*refused*) ;;
*) fail "missing checksum: $(check_field nosum x86_64 error)" ;;
esac

log "create: the pinned file has moved, the index names the new one"
MOVED="$TEST_TMP/moved"
mkdir -p "$SRV/moved"
qemu-img create -q -f qcow2 "$SRV/moved/disk-20250301.qcow2" 64M
(cd "$SRV/moved" && sha256sum disk-20250301.qcow2 >SHA256SUMS &&
    echo "$(printf %064d 1)  disk-20241101.qcow2" >>SHA256SUMS)
BOOT=image template "$MOVED" moved \
    "url = $URL/moved/disk-20241101.qcow2" \
    "checksum_url = $URL/moved/SHA256SUMS" \
    "index = $URL/moved/SHA256SUMS" "index_format = sums" \
    "pattern = disk-*.qcow2"
: >"$LOG"
VMDESK_TEMPLATES_DIR=$MOVED vd_ok create m1 --template moved
grep -q '^GET /moved/disk-20250301.qcow2 ' "$LOG" ||
    fail "the current file was not fetched: $(cat "$LOG")"
grep -q 'disk-20241101' "$LOG" && fail "the moved pin was asked for"
[ -f "$VMDESK_HOME/vms/m1/vm.conf" ] || fail "m1 was not created"
# Cached: the resolved file is, though the pin never was.
VMDESK_TEMPLATES_DIR=$MOVED vd_ok templates --json
case "$OUT" in *'"cached": true'*) ;; *) fail "not cached: $OUT" ;; esac

log "create again: the day cache and the image cache, no request at all"
: >"$LOG"
VMDESK_TEMPLATES_DIR=$MOVED vd_ok create m2 --template moved
[ -s "$LOG" ] && fail "a second create asked the server: $(cat "$LOG")"
ls "$VMDESK_HOME"/cache/resolve/* >/dev/null 2>&1 ||
    fail "no resolution was cached"

log "create: an unreadable index falls back to the pin, with a note"
PIN="$TEST_TMP/pin"
BOOT=image template "$PIN" pin \
    "url = $URL/moved/disk-20250301.qcow2" \
    "checksum_url = $URL/moved/SHA256SUMS" \
    "index = http://127.0.0.1:1/moved/SHA256SUMS" "index_format = sums" \
    "pattern = disk-*.qcow2"
VMDESK_TEMPLATES_DIR=$PIN vd_ok create p1 --template pin
case "$OUT" in
*"note: http://127.0.0.1:1/moved/SHA256SUMS cannot be read"*) ;;
*) fail "no fallback note: $OUT" ;;
esac

log "create: a file its checksum file does not list is refused"
mkdir -p "$SRV/nosum"
qemu-img create -q -f qcow2 "$SRV/nosum/disk-2.qcow2" 64M
printf '<a href="disk-2.qcow2">disk-2.qcow2</a>\n' >"$SRV/nosum/index.html"
echo "$(printf %064d 2)  disk-1.qcow2" >"$SRV/nosum/SHA256SUMS"
BOOT=image template "$PIN" nosum \
    "url = $URL/nosum/disk-1.qcow2" \
    "checksum_url = $URL/nosum/SHA256SUMS" \
    "index = $URL/nosum/" "index_format = html" "pattern = disk-*.qcow2"
VMDESK_TEMPLATES_DIR=$PIN vd_fails 1 "no checksum for disk-2.qcow2" \
    create n1 --template nosum
case "$OUT" in *refused*) ;; *) fail "not refused: $OUT" ;; esac
[ -e "$VMDESK_HOME/vms/n1" ] && fail "a refused create left n1"

log "the shipped catalogue: at least 30 editions, each with its archs"
vd_ok templates --json
python3 -c 'import json, sys
t = json.loads(sys.argv[1])
assert len(t) >= 30, len(t)
archs = set()
for e in t:
    assert e["archs"] and e["archs"][0] == e["arch"], e["name"]
    assert len(e["sources"]) == len(e["archs"]), e["name"]
    archs.update(e["archs"])
assert archs >= {"x86_64", "aarch64", "riscv64"}, archs' "$OUT" ||
    fail "the catalogue: $(echo "$OUT" | head -c 300)"
