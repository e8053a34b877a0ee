#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bundles, OVA appliances, cloud-init seeds and vmdesk ssh with real
# tinylinux guests under TCG: a VM and a linked clone survive export,
# delete and import under a new name with their data; an OVA built here
# boots with its data; the seed ISO is read inside a guest; vmdesk ssh
# reaches the guest's port 22. Every unsafe archive, a full disk and an
# interrupt are refused with one line and leave nothing behind.
. "${top_srcdir:-.}/tests/lib/common.sh"
. "${top_srcdir:-.}/tests/lib/ova.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

VMS="$VMDESK_HOME/vms"
BASES="$VMDESK_HOME/images/bases"
W="$TEST_TMP/w"
mkdir -p "$W"
MNT=

bundles_cleanup() {
	for f in "$VMS"/*/*.qcow2; do
		[ -f "$f" ] || continue
		b=$(qemu-img info -U --output=json "$f" 2>/dev/null |
		    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p')
		case "$b" in "$BASES"/*) rm -f "$b" ;; esac
	done
	rmdir "$BASES" 2>/dev/null
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	cleanup
}
trap bundles_cleanup EXIT

# Nothing half-made: no staging folder, no partial bundle.
no_leftovers() {
	if ls -a "$VMS" | grep -q '^\.new-'; then
		fail "$1: a staging folder was left in $VMS"
	fi
	if ls -a "$W" | grep -q 'vmdesk-part'; then
		fail "$1: a partial bundle was left in $W"
	fi
}

# Boot a VM and check its /data marker.
boot_marker() {
	vd_ok start "$1"
	wait_log "$1" "tinylinux: ready"
	serial_expect "$1" 'cat /data/marker' "$2"
	vd_ok kill "$1"
}

log "a VM with a marker on its /data disk"
vd_ok create b1 --template tinylinux --memory 128M
vd_ok start b1
wait_log b1 "tinylinux: ready"
serial_expect b1 'echo MARK-b1 >/data/marker; sync; echo wrote' wrote
vd_ok stop b1

log "export, delete, import under a new name: it boots with its data"
vd_ok export b1 "$W/b1.tar.zst"
case "$OUT" in *"Exported VM b1 to $W/b1.tar.zst"*) ;;
*) fail "export said: $OUT" ;; esac
[ -s "$W/b1.tar.zst" ] || fail "no bundle written"; ok
# zstd's magic number: 28 b5 2f fd.
[ "$(od -An -tx1 -N4 "$W/b1.tar.zst" | tr -d ' ')" = 28b52ffd ] ||
    fail "the bundle is not zstd"; ok
vd_fails 1 "$W/b1.tar.zst already exists" export b1 "$W/b1.tar.zst"; ok
# A partial file whose writer lives (holds its lock) is another's.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' "$W/busy.tar.zst.vmdesk-part" "$W/locked" &
holder=$!
i=0
until [ -e "$W/locked" ] || [ "$i" -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
vd_fails 1 "another export is writing $W/busy.tar.zst" export b1 \
    "$W/busy.tar.zst"
[ -e "$W/busy.tar.zst.vmdesk-part" ] || fail "removed another's file"
kill "$holder"
wait "$holder" 2>/dev/null
# One nobody holds was left by a killed export: it is replaced.
vd_ok export b1 "$W/busy.tar.zst"
[ -s "$W/busy.tar.zst" ] || fail "export over a stale partial file"
[ ! -e "$W/busy.tar.zst.vmdesk-part" ] || fail "the stale part is left"; ok
rm -f "$W/busy.tar.zst"
vd_ok delete b1
vd_ok import "$W/b1.tar.zst" b2
[ ! -e "$VMS/b1" ] || fail "import made b1"
grep -q '^name = b2$' "$VMS/b2/vm.conf" || fail "vm.conf not renamed"
grep -q '^kernel = vmlinuz$' "$VMS/b2/vm.conf" ||
    fail "the boot files were not brought along"; ok
boot_marker b2 MARK-b1; ok
vd_fails 1 "a VM named 'b2' already exists" import "$W/b1.tar.zst" b2; ok
vd_fails 1 "VM name" import "$W/b1.tar.zst" ../evil; ok
no_leftovers "refused imports"

log "a linked clone: its base goes along once, joins the image cache on import"
vd_ok clone b2 b3 --linked
vd_ok start b3
wait_log b3 "tinylinux: ready"
serial_expect b3 'echo MARK-b3 >>/data/marker; sync; echo wrote' wrote
vd_ok stop b3
vd_ok export b3 "$W/b3.tar.zst"
vd_ok delete b3
vd_ok import "$W/b3.tar.zst" b4
base=$(qemu-img info -U --output=json "$VMS/b4/data.qcow2" |
    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p')
hex='[0-9a-f]'
case "$base" in
"$BASES"/$hex*.qcow2) ;;
*) fail "b4's disk is backed by '$base', not a shared base in $BASES" ;;
esac
[ "${#base}" -eq $((${#BASES} + 1 + 64 + 6)) ] ||
    fail "b4's base '$base' is not named by its sha256"
[ "$(sha256sum <"$base" | cut -c1-64).qcow2" = "$(basename "$base")" ] ||
    fail "b4's base is not named by its bytes"
[ "$(stat -c %a "$base")" = 444 ] || fail "base mode not 0444"; ok
ls "$VMS/b4" | grep -q '^base-' && fail "a private base copy is left in b4"
vd_ok import "$W/b3.tar.zst" b4b
base2=$(qemu-img info -U --output=json "$VMS/b4b/data.qcow2" |
    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p')
[ "$base2" = "$base" ] || fail "a second import made another base: $base2"
vd_ok delete b4b
vd_ok doctor --fix
[ -f "$base" ] || fail "doctor --fix removed the base b4 stands on"; ok
vd_ok start b4
wait_log b4 "tinylinux: ready"
serial_expect b4 'cat /data/marker' MARK-b3
case "$OUT" in *MARK-b1*) ;; *) fail "the base's data is gone" ;; esac
ok

log "a running or paused VM is refused"
vd_fails 1 "VM b4 is running: export a stopped VM (vmdesk stop b4)" \
    export b4 "$W/b4.tar.zst"; ok
[ ! -e "$W/b4.tar.zst" ] || fail "a refused export left a file"
vd_ok pause b4
vd_fails 1 "VM b4 is paused: export a stopped VM" export b4 "$W/b4.tar.zst"
ok
vd_ok kill b4

log "snapshots travel: the tree and the qcow2 tags inside the disks"
vd_ok snapshot create b4 s1 --disk-only --note "before export"
vd_ok export b4 "$W/b4.tar.zst"
vd_ok import "$W/b4.tar.zst" b5
vd_ok snapshot list b5
case "$OUT" in *" s1 "*" ok "*"before export"*) ;;
*) fail "b5's snapshots: $OUT" ;; esac
tags() { qemu-img snapshot -l "$1" | awk 'NR > 2 { print $2 }'; }
[ -n "$(tags "$VMS/b4/data.qcow2")" ] &&
    [ "$(tags "$VMS/b4/data.qcow2")" = "$(tags "$VMS/b5/data.qcow2")" ] ||
    fail "the qcow2 tags did not travel"
vd_ok snapshot revert b5 s1; ok
vd_ok delete b5

log "usage errors"
vd_fails 2 "usage: vmdesk export NAME FILE" export b4; ok
vd_fails 2 "usage: vmdesk import FILE [NAME]" import; ok
vd_fails 1 "no VM named 'nosuch'" export nosuch "$W/x.tar.zst"; ok
vd_fails 1 "$W/none.tar.zst" import "$W/none.tar.zst"; ok

log "cloud-init: the seed is a real ISO the guest reads"
mkdir -p "$VMDESK_HOME/templates"
sed -e 's/^name = tinylinux$/name = tinyci/' \
    "${top_srcdir}/share/templates/tinylinux.conf" \
    >"$VMDESK_HOME/templates/tinyci.conf"
printf 'cloud_init = 1\nuser = tester\n' >>"$VMDESK_HOME/templates/tinyci.conf"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITESTKEY test@host" >"$W/key.pub"
printf 'hunter2\n' >"$W/pw"
HOME="$W/nohome" vd_fails 1 "no way to log in" create c0 --template tinyci
[ ! -e "$VMS/c0" ] || fail "a refused create left c0"; ok
vd_fails 1 "template tinylinux has no cloud-init: --user" create c0 \
    --template tinylinux --user bob; ok
vd_fails 1 "'Bad User' is not a login name" create c0 --template tinyci \
    --user 'Bad User' --ssh-key "$W/key.pub"; ok
vd_fails 1 "not an ssh public key" create c0 --template tinyci \
    --ssh-key "$W/pw"; ok
# No controlling terminal (setsid): --password cannot ask.
OUT=$(setsid -w "$VMDESK" create c0 --template tinyci --password \
    </dev/null 2>&1)
case "$OUT" in *"asks on the terminal, and there is none"*) ;;
*) fail "--password without a terminal: $OUT" ;; esac
ok
vd_ok create c1 --template tinyci --memory 128M --ssh-key "$W/key.pub" \
    --password-file "$W/pw"
grep -q '^user = tester$' "$VMS/c1/vm.conf" || fail "no user in vm.conf"
id1=$(sed -n 's/^instance_id = //p' "$VMS/c1/vm.conf")
[ -n "$id1" ] || fail "no instance_id in vm.conf"
port=$(sed -n 's/^forward = tcp:\([0-9]*\):22$/\1/p' "$VMS/c1/vm.conf")
[ -n "$port" ] || fail "no ssh forward in vm.conf"; ok
if grep -aq hunter2 "$VMS/c1/seed.iso"; then
	fail "the password is in the seed in clear"
fi
ok
vd_ok start c1
wait_log c1 "tinylinux: ready"
serial_expect c1 'mkdir -p /mnt/s; mount -t iso9660 -o ro /dev/vdb /mnt/s &&
cat /mnt/s/meta-data; echo; cat /proc/mounts | grep /mnt/s' \
    "local-hostname: c1"
case "$OUT" in *"instance-id: $id1"*) ;; *) fail "meta-data: $OUT" ;; esac
ok
serial_expect c1 'cat /mnt/s/user-data' '#cloud-config'
for want in 'hostname: c1' '- name: tester' 'NOPASSWD:ALL' \
    'passwd: "$6$' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITESTKEY' \
    'ssh_pwauth: true'; do
	case "$OUT" in *"$want"*) ;; *) fail "user-data lacks '$want'" ;; esac
done
ok
# The volume label cloud-init looks for: "CIDATA" in the primary volume
# descriptor, "cidata" (UCS-2) in the Joliet one, which blkid reports.
python3 - "$VMS/c1/seed.iso" <<'EOF' || fail "the seed's volume label"
import sys
d = open(sys.argv[1], "rb").read(19 * 2048)
assert d[16 * 2048 + 1:16 * 2048 + 6] == b"CD001"
assert d[16 * 2048 + 40:16 * 2048 + 46] == b"CIDATA"
assert d[17 * 2048:17 * 2048 + 6] == b"\x02CD001"
assert d[17 * 2048 + 40:17 * 2048 + 52].decode("utf-16-be") == "cidata"
EOF
ok

log "vmdesk ssh reaches the guest's port 22 through the forward"
if command -v ssh >/dev/null 2>&1; then
	serial_run c1 'rm -f /tmp/got; nc -l -p 22 >/tmp/got 2>&1 &'
	sleep 1
	OUT=$(timeout 20 "$VMDESK" ssh c1 -- -oBatchMode=yes \
	    -oConnectTimeout=5 true 2>&1)
	serial_expect c1 'cat /tmp/got' 'SSH-2.0-'; ok
else
	log "SKIP part: no ssh client (tools/install-deps installs it)"
fi
# A fake ssh shows the exact argv, which never goes through a shell.
cat >"$W/fakessh" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done; echo
EOF
chmod +x "$W/fakessh"
VMDESK_SSH="$W/fakessh" vd_ok ssh c1 -- uname '-a; rm x'
case "$OUT" in
"[-p][$port][-oUserKnownHostsFile=$VMS/c1/known_hosts]"*"[tester@127.0.0.1][uname][-a; rm x]") ;;
*) fail "ssh argv: $OUT" ;;
esac
ok
vd_fails 1 "VM b4 has no user for ssh" ssh b4; ok
vd_fails 2 "usage: vmdesk ssh NAME [-- ARGS]" ssh; ok
vd_fails 2 "usage: vmdesk ssh NAME [-- ARGS]" ssh c1 extra; ok
vd_ok kill c1
vd_fails 1 "VM c1 is not running (vmdesk start c1)" ssh c1; ok

log "a clone of a cloud-init VM is a new machine to cloud-init"
vd_ok clone c1 c2
id2=$(sed -n 's/^instance_id = //p' "$VMS/c2/vm.conf")
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "clone kept instance id $id1"
[ "$(sed -n 's/^mac = //p' "$VMS/c1/vm.conf")" != \
    "$(sed -n 's/^mac = //p' "$VMS/c2/vm.conf")" ] || fail "clone kept MAC"
grep -aq "instance-id: $id2" "$VMS/c2/seed.iso" || fail "seed: old id"
grep -aq "local-hostname: c2" "$VMS/c2/seed.iso" || fail "seed: old name"
grep -aq "hostname: c2" "$VMS/c2/seed.iso" || fail "user-data: old name"
grep -aq "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITESTKEY" "$VMS/c2/seed.iso" ||
    fail "the clone's seed lost the keys"
grep -aq "local-hostname: c1" "$VMS/c1/seed.iso" || fail "source seed changed"
port2=$(sed -n 's/^forward = tcp:\([0-9]*\):22$/\1/p' "$VMS/c2/vm.conf")
[ -n "$port2" ] && [ "$port2" != "$port" ] ||
    fail "the clone kept ssh port $port: both cannot run at once"
ok
log "imported beside its original, a VM gets its own ssh port"
vd_ok export c1 "$W/c1.tar.zst"
vd_ok import "$W/c1.tar.zst" c1b
port3=$(sed -n 's/^forward = tcp:\([0-9]*\):22$/\1/p' "$VMS/c1b/vm.conf")
[ -n "$port3" ] && [ "$port3" != "$port" ] || fail "c1b kept ssh port $port"
grep -q "^instance_id = $id1\$" "$VMS/c1b/vm.conf" ||
    fail "import changed the instance id"
cmp -s "$VMS/c1/seed.iso" "$VMS/c1b/seed.iso" || fail "import changed the seed"
ok
vd_ok delete c1b
sed -i '/^forward = tcp:[0-9]*:22$/d' "$VMS/c2/vm.conf"
vd_fails 1 "VM c2 forwards no host port to guest port 22" ssh c2; ok

log "an OVA built here: OVF read, VMDK converted, boots with its data"
ova_build "$W/ova" "$VMS/b2/data.qcow2" "$W/appl.ova" "Test Appliance" 2 \
    192
vd_ok import-ova "$W/appl.ova"
case "$OUT" in *"as VM Test-Appliance"*) ;; *) fail "import-ova: $OUT" ;; esac
conf="$VMS/Test-Appliance/vm.conf"
grep -q '^cpus = 2$' "$conf" || fail "OVA CPUs not read"
grep -q '^memory = 192M$' "$conf" || fail "OVA memory not read"
grep -q '^file = disk1.qcow2$' "$conf" || fail "OVA disk not there"
grep -q '^bus = sata$' "$conf" || fail "OVA disk not on its SATA controller"
grep -q '^model = e1000$' "$conf" || fail "OVA NIC not read"
qemu-img info "$VMS/Test-Appliance/disk1.qcow2" | grep -q 'file format: qcow2' ||
    fail "the VMDK was not converted"; ok
# tinylinux has only virtio_blk and mounts /dev/vda: boot the appliance's
# disk with the tinylinux kernel to read it.
tl=$(ls -d "$VMDESK_HOME"/images/tinylinux/*/ | head -n 1)
sed -i -e 's/^bus = sata$/bus = virtio/' -e '/^order = c$/d' "$conf"
sed -i "/^\[boot\]$/a kernel = ${tl}vmlinuz\ninitrd = ${tl}initrd.img\ncmdline = console=ttyS0" "$conf"
boot_marker Test-Appliance MARK-b1; ok
vd_fails 1 "a VM named 'Test-Appliance' already exists" import-ova "$W/appl.ova"
ok
vd_ok import-ova "$W/appl.ova" appl2
[ -f "$VMS/appl2/disk1.qcow2" ] || fail "import-ova NAME"; ok

log "an OVA with a .mf manifest is checked against it"
(cd "$W/ova" && sha256sum appl.ovf appl-disk1.vmdk |
    sed 's/^\([0-9a-f]*\)  \(.*\)$/SHA256(\2)= \1/' >"$W/appl.mf") ||
    fail "sha256sum"
cp "$W/appl.mf" "$W/ova/appl.mf"
(cd "$W/ova" && tar -cf "$W/mf.ova" appl.ovf appl.mf appl-disk1.vmdk)
vd_ok import-ova "$W/mf.ova" mfok; ok
sed 's/^\(SHA256(appl-disk1.vmdk)= \)[0-9a-f]*/\1'"$(printf '%064d' 0)"'/' \
    "$W/appl.mf" >"$W/ova/appl.mf"
(cd "$W/ova" && tar -cf "$W/badmf.ova" appl.ovf appl.mf appl-disk1.vmdk)
vd_fails 1 "'appl-disk1.vmdk' does not match its manifest: sha256sum expected 0000" \
    import-ova "$W/badmf.ova" x1; ok
sed 's/^\(SHA256(appl.ovf)= \)[0-9a-f]*/\1'"$(printf '%064d' 0)"'/' \
    "$W/appl.mf" >"$W/ova/appl.mf"
(cd "$W/ova" && tar -cf "$W/badmf.ova" appl.ovf appl.mf appl-disk1.vmdk)
vd_fails 1 "'appl.ovf' does not match its manifest" import-ova \
    "$W/badmf.ova" x1; ok
rm -f "$W/ova/appl.mf"
[ ! -e "$VMS/x1" ] || fail "a bad manifest left VM x1"

log "bad OVAs"
(cd "$W/ova" && tar -cf "$W/noovf.ova" appl-disk1.vmdk)
vd_fails 1 "holds no .ovf descriptor" import-ova "$W/noovf.ova" x1; ok
(cd "$W/ova" && tar -cf "$W/nodisk.ova" appl.ovf)
vd_fails 1 "names disk file 'appl-disk1.vmdk', which the OVA does not contain" \
    import-ova "$W/nodisk.ova" x1; ok
mkdir -p "$W/badxml"
sed 's|</DiskSection>|</DiskSectio>|' "$W/ova/appl.ovf" >"$W/badxml/appl.ovf"
cp "$W/ova/appl-disk1.vmdk" "$W/badxml/"
(cd "$W/badxml" && tar -cf "$W/badxml.ova" appl.ovf appl-disk1.vmdk)
vd_fails 1 "the OVF is not well-formed XML (line " import-ova \
    "$W/badxml.ova" x1; ok
python3 - "$W" <<'EOF' || fail "python3 could not build the archives"
import io, sys, tarfile
w = sys.argv[1]
with tarfile.open(w + "/evil.ova", "w") as t:
    data = open(w + "/ova/appl.ovf", "rb").read()
    i = tarfile.TarInfo("../appl.ovf"); i.size = len(data)
    t.addfile(i, io.BytesIO(data))
EOF
vd_fails 1 "member '../appl.ovf' climbs out of the folder" import-ova \
    "$W/evil.ova" x1; ok
printf 'not a tar' >"$W/junk.ova"
vd_fails 1 "OVA $W/junk.ova:" import-ova "$W/junk.ova" x1; ok
[ ! -e "$VMS/x1" ] || fail "a bad OVA left VM x1"
no_leftovers "bad OVAs"

log "unsafe bundles: one clear refusal each, nothing made"
# Each bundle has a manifest that lists its members.
python3 - "$W" <<'EOF' || fail "python3 could not build the bundles"
import io, sys, tarfile
w = sys.argv[1]
conf = b"[vm]\nname = ev\n"

def bundle(path, members, manifest=None, mode="w:gz"):
    if manifest is None:
        manifest = "vmdesk-bundle 1\nname ev\nfile vm.conf %d\n" % len(conf)
        for name, data, kind in members:
            if kind == "file" and name != "vm.conf":
                manifest += "file %s %d\n" % (name, len(data))
    with tarfile.open(path, mode) as t:
        m = manifest.encode()
        i = tarfile.TarInfo("vmdesk-bundle"); i.size = len(m)
        t.addfile(i, io.BytesIO(m))
        i = tarfile.TarInfo("vm.conf"); i.size = len(conf)
        t.addfile(i, io.BytesIO(conf))
        for name, data, kind in members:
            i = tarfile.TarInfo(name)
            if kind == "file":
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))
                continue
            if kind == "symlink":
                i.type = tarfile.SYMTYPE; i.linkname = data
            elif kind == "hardlink":
                i.type = tarfile.LNKTYPE; i.linkname = data
            elif kind == "chr":
                i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3
            elif kind == "fifo":
                i.type = tarfile.FIFOTYPE
            t.addfile(i)

bundle(w + "/dotdot.tar.gz", [("../escape", b"x", "file")],
    manifest="vmdesk-bundle 1\nname ev\nfile vm.conf %d\n" % len(conf))
bundle(w + "/abs.tar.gz", [("/tmp/escape", b"x", "file")],
    manifest="vmdesk-bundle 1\nname ev\nfile vm.conf %d\n" % len(conf))
man = "vmdesk-bundle 1\nname ev\nfile vm.conf %d\nfile d.qcow2 1\n" % len(conf)
bundle(w + "/symlink.tar.gz", [("d.qcow2", "/etc/passwd", "symlink")],
    manifest=man)
bundle(w + "/hardlink.tar.gz", [("d.qcow2", "../../../etc/passwd",
    "hardlink")], manifest=man)
bundle(w + "/device.tar.gz", [("d.qcow2", None, "chr")], manifest=man)
bundle(w + "/fifo.tar.gz", [("d.qcow2", None, "fifo")], manifest=man)
bundle(w + "/unknown.tar.gz", [("extra.bin", b"x", "file")],
    manifest="vmdesk-bundle 1\nname ev\nfile vm.conf %d\n" % len(conf))
# A bomb: 64 MiB of zeros (a few KiB compressed) where 1000 bytes are
# declared.
bundle(w + "/bomb.tar.gz", [("d.qcow2", bytes(64 << 20), "file")],
    manifest="vmdesk-bundle 1\nname ev\nfile vm.conf %d\n"
    "file d.qcow2 1000\n" % len(conf))
# A manifest declaring far more than any disk holds.
bundle(w + "/huge.tar.gz", [("d.qcow2", b"x", "file")],
    manifest="vmdesk-bundle 1\nname ev\nfile vm.conf %d\n"
    "file d.qcow2 1125899906842624\n" % len(conf))
# vm.conf naming a file on the host.
c2 = b"[vm]\nname = ev\n[disk d]\nfile = /etc/passwd\nformat = raw\n"
conf = c2
bundle(w + "/hostfile.tar.gz", [])
conf = b"[vm]\nname = ev\n"
# Not a bundle at all.
with tarfile.open(w + "/plain.tar.gz", "w:gz") as t:
    i = tarfile.TarInfo("hello"); i.size = 2
    t.addfile(i, io.BytesIO(b"hi"))
EOF
vd_fails 1 "member '../escape' climbs out of the folder" import \
    "$W/dotdot.tar.gz"; ok
vd_fails 1 "member '/tmp/escape' has an absolute path" import "$W/abs.tar.gz"
[ ! -e /tmp/escape ] || fail "an absolute member was written"; ok
vd_fails 1 "member 'd.qcow2' is a symbolic link (to '/etc/passwd')" import \
    "$W/symlink.tar.gz"; ok
vd_fails 1 "member 'd.qcow2' is a hard link" import "$W/hardlink.tar.gz"; ok
vd_fails 1 "member 'd.qcow2' is a device node" import "$W/device.tar.gz"; ok
vd_fails 1 "member 'd.qcow2' is a FIFO" import "$W/fifo.tar.gz"; ok
vd_fails 1 "member 'extra.bin' is unknown (not in its manifest)" import \
    "$W/unknown.tar.gz"; ok
vd_fails 1 "member 'd.qcow2' is 67108864 bytes, its manifest declares 1000" \
    import "$W/bomb.tar.gz"; ok
vd_fails 1 "(a decompression bomb?): refused" import "$W/huge.tar.gz"
ok
vd_fails 1 "names disk file '/etc/passwd', which the bundle does not hold" \
    import "$W/hostfile.tar.gz"; ok
vd_fails 1 "not a vmdesk bundle" import "$W/plain.tar.gz"; ok
head -c 3000000 "$W/b1.tar.zst" >"$W/truncated.tar.zst"
vd_fails 1 "import of $W/truncated.tar.zst:" import "$W/truncated.tar.zst" tr
ok
[ ! -e "$VMS/ev" ] && [ ! -e "$VMS/tr" ] || fail "an unsafe bundle made a VM"
no_leftovers "unsafe bundles"; ok

log "a full disk in the middle of an import or an export"
MNT="$TEST_TMP/small"
mkdir -p "$MNT"
if mount -t tmpfs -o size=64m,nr_inodes=64 tmpfs "$MNT" 2>/dev/null; then
	# Few inodes: creating the n-th file fails with ENOSPC after the
	# VM's staging folder and some files were made.
	made=no
	for n in 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		umount "$MNT"
		mount -t tmpfs -o size=64m,nr_inodes=$n tmpfs "$MNT" ||
		    fail "remount"
		VMDESK_HOME="$MNT" vd import "$W/b1.tar.zst" full
		if [ "$RC" -eq 0 ]; then
			made=yes
			break
		fi
		case "$OUT" in
		"vmdesk: "*"No space left on device"*) ;;
		*) fail "full disk ($n inodes): '$OUT'" ;;
		esac
		[ "$(echo "$OUT" | wc -l)" -eq 1 ] || fail "more than a line"
		if ls -a "$MNT/vms" 2>/dev/null | grep -q '^\.new-\|^full$'; then
			fail "a full disk left a half-made VM"
		fi
		ok
	done
	[ "$made" = yes ] || fail "the import never fitted"
	# Space, not inodes: the bundle's declared size does not fit.
	umount "$MNT"
	mount -t tmpfs -o size=4m tmpfs "$MNT" || fail "remount"
	VMDESK_HOME="$MNT" vd_fails 1 "and only" import \
	    "$W/b1.tar.zst" full
	case "$OUT" in *"is free in $MNT/vms/.new-full-"*) ;;
	*) fail "a full disk: $OUT" ;; esac
	ok
	# An export that runs out of room removes its partial file.
	vd_fails 1 "No space left on device" export b2 "$MNT/b2.tar.zst"
	if ls -A "$MNT" | grep -q b2.tar.zst; then
		fail "a failed export left $(ls "$MNT")"
	fi
	ok
	umount "$MNT"
	MNT=
else
	log "SKIP part: cannot mount a tmpfs here (not root?)"
fi

log "an interrupt during export or import leaves nothing half-made"
# A 1 GiB disk of random data (incompressible: the worst case), which
# also gives the throughput figures.
head -c 1073741824 /dev/urandom >"$W/big.raw"
qemu-img convert -f raw -O qcow2 "$W/big.raw" "$W/big.qcow2"
rm -f "$W/big.raw"
vd_ok create big --template tinylinux --memory 128M
cp "$W/big.qcow2" "$VMS/big/data.qcow2"
rm -f "$W/big.qcow2"
t0=$(date +%s.%N)
vd_ok export big "$W/big.tar.zst"
t1=$(date +%s.%N)
vd_ok import "$W/big.tar.zst" big2
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "# 1 GiB random disk: export %.1f s (%.0f MB/s), import %.1f s (%.0f MB/s)\n",
	    b - a, 1024 / (b - a), c - b, 1024 / (c - b) }'
cmp "$VMS/big/data.qcow2" "$VMS/big2/data.qcow2" ||
    fail "the imported disk differs"; ok
vd_ok delete big2

# Interrupt once 64 MiB are written, whatever the machine's speed.
grown() {
	i=0
	while [ "$i" -lt 300 ]; do
		for f in $1; do
			[ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 67108864 ] &&
			    return 0
		done
		sleep 0.05
		i=$((i + 1))
	done
	fail "$1 never grew past 64 MiB"
}
"$VMDESK" export big "$W/int.tar.zst" >"$W/int.out" 2>&1 &
pid=$!
grown "$W/int.tar.zst.vmdesk-part"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "interrupted export exited $rc: $(cat "$W/int.out")"
grep -q "export of VM big interrupted: $W/int.tar.zst was not written" \
    "$W/int.out" || fail "interrupted export said: $(cat "$W/int.out")"
[ ! -e "$W/int.tar.zst" ] || fail "an interrupted export left the file"
no_leftovers "interrupted export"; ok

# A killed export (SIGKILL: no clean-up) does not block the next one.
"$VMDESK" export big "$W/kill.tar.zst" >"$W/int.out" 2>&1 &
pid=$!
grown "$W/kill.tar.zst.vmdesk-part"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
[ -e "$W/kill.tar.zst.vmdesk-part" ] || fail "the killed export left no part"
vd_ok export big "$W/kill.tar.zst"
[ -s "$W/kill.tar.zst" ] || fail "no bundle after a killed export"
rm -f "$W/kill.tar.zst"
no_leftovers "export after a killed export"; ok

"$VMDESK" import "$W/big.tar.zst" big3 >"$W/int.out" 2>&1 &
pid=$!
grown "$VMS/.new-big3-*/data.qcow2"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "interrupted import exited $rc: $(cat "$W/int.out")"
grep -q "import of $W/big.tar.zst interrupted: no VM was made" \
    "$W/int.out" || fail "interrupted import said: $(cat "$W/int.out")"
[ ! -e "$VMS/big3" ] || fail "an interrupted import made big3"
no_leftovers "interrupted import"; ok

log "import bombs: 1 GiB declared in a few KiB"
# zbundle OUT FORMAT BYTE MIB: a .tar.zst whose one disk (vm.conf says
# FORMAT) is MIB MiB of BYTE, streamed (never held in memory).
zbundle() {
	python3 - "$2" "$3" "$4" <<'EOF' | zstd -q -1 -o "$1" || fail "zbundle"
import io, sys, tarfile
fmt, byte, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conf = ("[vm]\nname = zb\nmemory = 128M\n\n[disk disk]\nfile = d.img\n"
        "format = %s\n" % fmt).encode()
size = mib << 20
man = ("vmdesk-bundle 1\nname zb\nfile vm.conf %d\nfile d.img %d\n" %
       (len(conf), size)).encode()
out = sys.stdout.buffer
for name, data in (("vmdesk-bundle", man), ("vm.conf", conf)):
    i = tarfile.TarInfo(name); i.size = len(data)
    out.write(i.tobuf(tarfile.USTAR_FORMAT) + data +
              bytes(-len(data) % 512))
i = tarfile.TarInfo("d.img"); i.size = size
out.write(i.tobuf(tarfile.USTAR_FORMAT))
chunk = bytes([byte]) * (1 << 20)
for _ in range(mib):
    out.write(chunk)
out.write(bytes(1024))
EOF
}
zbundle "$W/bomb.tar.zst" qcow2 0 1024
log "the bomb: $(stat -c %s "$W/bomb.tar.zst") bytes"
vd_fails 1 "its files declare 1.0G (zeros of raw disks aside) in a bundle of" \
    import "$W/bomb.tar.zst"
case "$OUT" in *"(a decompression bomb?): refused"*) ;;
*) fail "the bomb: $OUT" ;; esac
[ ! -e "$VMS/zb" ] || fail "the bomb made a VM"
no_leftovers "the bomb"; ok
# The same zeros as a raw disk are a real VM's sparse disk: taken, as
# holes (an export writes a raw disk's zeros in full).
zbundle "$W/sparse.tar.zst" raw 0 1024
vd_ok import "$W/sparse.tar.zst"
[ "$(stat -c %s "$VMS/zb/d.img")" -eq 1073741824 ] ||
    fail "the sparse disk is $(stat -c %s "$VMS/zb/d.img") bytes"
[ "$(du -k "$VMS/zb/d.img" | cut -f1)" -lt 1024 ] ||
    fail "the sparse disk takes $(du -k "$VMS/zb/d.img" | cut -f1) KiB"
vd_ok delete zb; ok
# A raw disk whose bytes are not zeros counts as it is written: 300 MiB
# of 0x01 from a few KiB is refused past the 256 MiB floor.
zbundle "$W/ones.tar.zst" raw 1 300
vd_fails 1 "(a decompression bomb?): refused" import "$W/ones.tar.zst"
[ ! -e "$VMS/zb" ] || fail "the raw bomb made a VM"
no_leftovers "the raw bomb"; ok

# An OVA is a tar, and libarchive reads a compressed one too: 1 GiB of
# "disk" in a .ova of a few KiB is refused before anything is copied.
python3 - "$W/ova/appl.ovf" <<'EOF' | zstd -q -1 -o "$W/bomb.ova" ||
import sys, tarfile
ovf = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
i = tarfile.TarInfo("appl.ovf"); i.size = len(ovf)
out.write(i.tobuf(tarfile.USTAR_FORMAT) + ovf + bytes(-len(ovf) % 512))
i = tarfile.TarInfo("appl-disk1.vmdk"); i.size = 1 << 30
out.write(i.tobuf(tarfile.USTAR_FORMAT))
chunk = bytes(1 << 20)
for _ in range(1024):
    out.write(chunk)
out.write(bytes(1024))
EOF
    fail "the OVA bomb"
vd_fails 1 "its disks would write 1G from an OVA of" import-ova \
    "$W/bomb.ova" ovabomb
case "$OUT" in *"(a decompression bomb?): refused"*) ;;
*) fail "the OVA bomb: $OUT" ;; esac
[ ! -e "$VMS/ovabomb" ] || fail "the OVA bomb made a VM"
no_leftovers "the OVA bomb"; ok

echo "$passed passed, 0 failed"
