#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# No image from outside reaches a host file. Three hostile images, built
# here against a stand-in for ~/.bashrc: a qcow2 naming it as its
# external data file (QEMU opens that read-write), a qcow2 standing on it
# as a raw backing file (the guest reads it), and a VMDK descriptor whose
# extent is the file (qemu-img convert copies it into the disk). Each goes
# through every way in: bundle import, OVA import, create --image (a
# local path, and over http on 127.0.0.1 with --sha256), create --iso,
# and a user template whose image the cache downloads. Each is refused
# with a message naming the image and the host file, and afterwards the
# stand-in is byte for byte what it was, no file of the library names
# it or holds its bytes, and nothing is left half-made.
. "${top_srcdir:-.}/tests/lib/common.sh"
. "$top_srcdir/tests/lib/ova.sh"

start=$(date +%s)
passed=0
ok() { passed=$((passed + 1)); }

W="$TEST_TMP/w"
mkdir -p "$W/srv"
export VMDESK_STALL_TIMEOUT=5 VMDESK_CONNECT_TIMEOUT=5
export VMDESK_DOWNLOAD_RETRIES=1 VMDESK_RETRY_DELAY_MS=100

log "fixtures: the stand-in and three images that name it"
HOSTF="$W/bashrc-standin"
marker="hostile-marker-$$-stand-in"
# qemu-img create -o data_file= truncates the file it names: the
# stand-in gets its content afterwards.
qemu-img create -q -f qcow2 -o "data_file=$HOSTF" "$W/srv/datafile.qcow2" \
    1M || fail "qemu-img create with data_file"
python3 - "$HOSTF" "$marker" <<'EOF' || fail "the stand-in"
import sys
with open(sys.argv[1], "wb") as f:
    f.write((sys.argv[2] + "\n").encode() * 20000)
EOF
qemu-img create -q -f qcow2 -b "$HOSTF" -F raw "$W/srv/backing.qcow2" ||
    fail "qemu-img create with a backing file"
cat >"$W/srv/flat.vmdk" <<EOF
# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="monolithicFlat"

RW 2048 FLAT "$HOSTF" 0
EOF
before=$(sha256sum "$HOSTF" | cut -d' ' -f1)
touch -d '2020-01-01 00:00:00' "$HOSTF"
mtime=$(stat -c %Y "$HOSTF")

# The stand-in is untouched and nothing in the library names it or holds
# its bytes; no staging folder is left.
untouched() {
	[ "$(sha256sum "$HOSTF" | cut -d' ' -f1)" = "$before" ] ||
	    fail "$1: the stand-in was written"
	[ "$(stat -c %Y "$HOSTF")" = "$mtime" ] ||
	    fail "$1: the stand-in's mtime changed"
	if grep -rlF -e "$HOSTF" -e "$marker" "$VMDESK_HOME/vms" \
	    "$CACHE"/*.* 2>/dev/null | grep -q .; then
		fail "$1: a library file names the stand-in or holds its bytes:
$(grep -rlF -e "$HOSTF" -e "$marker" "$VMDESK_HOME/vms" "$CACHE"/*.*)"
	fi
	if ls -A "$VMDESK_HOME/vms" 2>/dev/null | grep -q '^\.'; then
		fail "$1: a staging folder was left"
	fi
}

# refused WHAT VM WORD VMDESK-ARGS...: fails, names the stand-in and
# WORD, makes no VM.
refused() {
	what=$1 vm=$2 word=$3
	shift 3
	vd "$@"
	[ "$RC" -ne 0 ] || fail "$what was accepted: $OUT"
	case "$OUT" in
	*"$HOSTF"*"$word"* | *"$word"*"$HOSTF"*) ;;
	*) fail "$what: '$OUT' does not name the stand-in and '$word'" ;;
	esac
	[ ! -e "$VMDESK_HOME/vms/$vm" ] || fail "$what made VM $vm"
	untouched "$what"
	ok
}

# A cache of our own (the tinylinux files are not needed here).
rm "$VMDESK_HOME/images"
mkdir -p "$VMDESK_HOME/images"
CACHE="$VMDESK_HOME/images"

log "create --image PATH and --iso PATH"
refused "data file, --image PATH" h1 "data file" \
    create h1 --image "$W/srv/datafile.qcow2"
refused "backing file, --image PATH" h2 "backing file" \
    create h2 --image "$W/srv/backing.qcow2"
refused "VMDK extent, --image PATH" h3 "outside the image" \
    create h3 --image "$W/srv/flat.vmdk"
vd_fails 1 "not an ISO" create h4 --iso "$W/srv/datafile.qcow2"
[ ! -e "$VMDESK_HOME/vms/h4" ] || fail "a qcow2 as --iso made a VM"
untouched "qcow2 as --iso"; ok

log "create --image URL --sha256, and a template, from 127.0.0.1"
img_server "$W/srv"
n=0
for f in datafile.qcow2 backing.qcow2 flat.vmdk; do
	n=$((n + 1))
	sum=$(sha256sum "$W/srv/$f" | cut -d' ' -f1)
	case $f in
	datafile.qcow2) word="data file" fmt=qcow2 ;;
	backing.qcow2) word="backing file" fmt=qcow2 ;;
	flat.vmdk) word="outside the image" fmt=vmdk ;;
	esac
	refused "$f over http" "h5$n" "$word" \
	    create "h5$n" --image "$URL/$f" --sha256 "$sum"
	mkdir -p "$VMDESK_HOME/templates"
	printf '[template]\nname = evil\nos = x\nboot = image\nurl = %s\n%s\n' \
	    "$URL/$f" "sha256 = $sum" >"$VMDESK_HOME/templates/evil.conf"
	echo "format = $fmt" >>"$VMDESK_HOME/templates/evil.conf"
	refused "$f in a template" "h6$n" "$word" \
	    create "h6$n" --template evil
done
ls "$CACHE"/*.json >/dev/null 2>&1 && fail "a hostile image was cached"
ok

log "bundle import: a disk with a data file, a disk on a host file"
# bundle FILE DISK [BACKING-LINE]: a bundle whose disk.qcow2 is DISK.
bundle() {
	python3 - "$@" <<'EOF' || fail "python bundle"
import io, sys, tarfile
out, disk = sys.argv[1], sys.argv[2]
conf = b"""[vm]
name = hb
cpus = 1
memory = 128M

[disk disk]
file = disk.qcow2
format = qcow2
"""
data = open(disk, "rb").read()
man = "vmdesk-bundle 1\nname hb\nfile vm.conf %d\nfile disk.qcow2 %d\n" % (
    len(conf), len(data))
with tarfile.open(out, "w") as t:
    for name, b in (("vmdesk-bundle", man.encode()), ("vm.conf", conf),
                    ("disk.qcow2", data)):
        m = tarfile.TarInfo(name)
        m.size = len(b)
        t.addfile(m, io.BytesIO(b))
EOF
	zstd -q -f --rm "$1" -o "$1.zst" || fail "zstd"
}
bundle "$W/df.tar" "$W/srv/datafile.qcow2"
refused "data file in a bundle" hb "data file" import "$W/df.tar.zst"
bundle "$W/bf.tar" "$W/srv/backing.qcow2"
refused "backing file in a bundle" hb2 "backing file" \
    import "$W/bf.tar.zst" hb2
# The same bundle with a clean disk imports: the check is not a refusal
# of every bundle.
qemu-img create -q -f qcow2 "$W/clean.qcow2" 1M
bundle "$W/clean.tar" "$W/clean.qcow2"
vd_ok import "$W/clean.tar.zst" hb3
[ -f "$VMDESK_HOME/vms/hb3/disk.qcow2" ] || fail "the clean bundle"
vd_ok delete hb3; ok

log "OVA import: a VMDK descriptor whose extent is the stand-in"
ova_build "$W/ova" "$W/clean.qcow2" "$W/ok.ova" appl 1 128
cp "$W/srv/flat.vmdk" "$W/ova/appl-disk1.vmdk"
(cd "$W/ova" && tar -cf "$W/evil.ova" appl.ovf appl-disk1.vmdk) ||
    fail "tar of the OVA"
refused "VMDK extent in an OVA" appl "outside the image" \
    import-ova "$W/evil.ova"
vd_ok import-ova "$W/ok.ova" okappl; ok

echo "# hostile: $passed checks passed"
echo "# took $(($(date +%s) - start)) s"
