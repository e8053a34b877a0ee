#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU accepts the argv of every shipped template: each golden argv file
# (tests/data/argv/template-*.argv) is started for real, paused, with
# blank disks, an empty placeholder installer ISO, the UEFI variable store
# and swtpm where the template wants them; QMP must answer and show the
# machine the template asked for, then quit ends it.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

passed=0
ok() { passed=$((passed + 1)); }

TPL="$TEST_TMP/tpl"
mkdir -p "$TPL"
templates_cleanup() {
	for pidfile in "$TPL"/*/run/qemu.pid "$TPL"/*/run/swtpm.pid; do
		[ -f "$pidfile" ] || continue
		kill -9 "$(cat "$pidfile")" 2>/dev/null
	done
	cleanup
}
trap templates_cleanup EXIT

command -v swtpm >/dev/null 2>&1 || {
	[ "${CI:-}" = true ] && { echo "ERROR: swtpm is missing" >&2; exit 99; }
	echo "SKIP: swtpm is not installed (tools/install-deps)" >&2
	exit 77
}

# One QMP command on a socket; prints its "return" as JSON.
qmp() {
	python3 - "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())
def cmd(name, args=None):
    msg = {"execute": name}
    if args:
        msg["arguments"] = json.loads(args)
    f.write(json.dumps(msg) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r
cmd("qmp_capabilities")
r = cmd(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
if "error" in r:
    print("error: " + r["error"]["desc"])
    sys.exit(1)
print(json.dumps(r["return"], sort_keys=True))
PY
}

log "vmdesk templates: the catalogue, as a table and as JSON"
shipped=$(ls "$top_srcdir"/share/templates/*.conf | wc -l)
vd_ok templates
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq $((shipped + 1)) ] ||
    fail "templates shows $(printf '%s\n' "$OUT" | wc -l) lines: $OUT"
ok
for want in \
    "^windows-11 .* x86_64  *iso  *bring your own ISO  *-  *q35/uefi-secure  *2  *4G *64G\$" \
    "^tinylinux .* tinylinux  *offline  *- " \
    "^openbsd  *OpenBSD 7.8 .* iso  *cdn.openbsd.org  *no  *q35/bios " \
    "^ubuntu-24.04  *Ubuntu 24.04 LTS  *x86_64 aarch64 riscv64  *image  *cloud-images.ubuntu.com "; do
	printf '%s\n' "$OUT" | grep -q "$want" || fail "no line like '$want'"
	ok
done
vd_ok templates --json
printf '%s' "$OUT" | python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(sys.stdin)}
w = t["windows-11"]
assert w["source"] == "bring-your-own" and w["url"] is None, w
assert w["tpm"] is True and w["firmware"] == "uefi-secure", w
assert w["bus"] == "sata"
assert w["model"] == "e1000" and w["drivers_url"].startswith("https://")
u = t["ubuntu-22.04"]
assert u["boot"] == "image" and u["cloud_init"] is True, u
assert u["host"] == "cloud-images.ubuntu.com" and u["user"] == "ubuntu"
assert u["checksum_url"].endswith("/SHA256SUMS") and u["format"] == "qcow2"
f = t["freedos"]
assert f["member"] == "FD14LIVE.iso" and len(f["sha256"]) == 64, f
assert t["tinylinux"]["source"] == "offline"
assert t["tinylinux"]["cached"] is None and u["cached"] is False, u
for x in t.values():
    assert x["source"] != "download" or x["sha256"] or x["checksum_url"], x
' || fail "templates --json: $OUT"
ok
[ "$(printf '%s' "$OUT" | grep -c '"name":')" -eq "$shipped" ] ||
    fail "templates --json lacks templates"
ok

log "the user's folder overrides a shipped template; its errors are file:line"
utpl="$VMDESK_HOME/templates"
mkdir -p "$utpl"
printf '[template]\nname = alpine\nos = My Alpine\nboot = disk\n' \
    >"$utpl/alpine.conf"
vd_ok templates
printf '%s\n' "$OUT" | grep -q "^alpine  *My Alpine  *x86_64  *disk  *blank disk " ||
    fail "the user's alpine does not win: $OUT"
ok
printf '[template]\nname = broken\nurl = http://e.org/x.iso\nboot = iso\n' \
    >"$utpl/broken.conf"
vd_fails 1 "vmdesk: $utpl/broken.conf:3: a plain http:// url is allowed only \
with a pinned sha256" templates
ok
rm -r "$utpl"

# The tinylinux kernel and initramfs, as vmdesk prepares them.
vd_ok create tl --template tinylinux
conf="$VMDESK_HOME/vms/tl/vm.conf"
kernel=$(sed -n 's/^kernel = //p' "$conf")
initrd=$(sed -n 's/^initrd = //p' "$conf")
[ -r "$kernel" ] && [ -r "$initrd" ] || fail "no tinylinux files in $conf"

golden="$top_srcdir/tests/data/argv"
n=0
for tfile in "$top_srcdir"/share/templates/*.conf; do
	name=$(sed -n 's/^name = //p' "$tfile")
	argv="$golden/template-$name.argv"
	[ -f "$argv" ] || fail "template $name has no golden argv ($argv)"
	ok
	log "template $name"
	d="$TPL/$name"
	mkdir -p "$d/vm"
	mkdir -m 0700 "$d/run"
	: >"$d/empty.iso"
	sed -e "s|/VMDIR/|$d/vm/|g" -e "s|/RUN/|$d/run/|g" \
	    -e "s|^/IMAGES/tinylinux/vmlinuz\$|$kernel|" \
	    -e "s|^/IMAGES/tinylinux/initrd.img\$|$initrd|" \
	    -e "s|/ISO/installer.iso|$d/empty.iso|g" \
	    -e 's|^-no-user-config$|-no-user-config\n-S|' \
	    "$argv" >"$d/argv"
	grep -q '/VMDIR\|/RUN/\|/IMAGES/\|/ISO/' "$d/argv" &&
	    fail "$name: a path of the golden file was not replaced"

	# The files the argv names, made the way the create code makes them.
	for f in $(grep -o "file=$d/vm/[^,]*" "$d/argv" | sed 's/^file=//'); do
		case "$f" in
		*.qcow2) qemu-img create -q -f qcow2 "$f" 64M ||
		    fail "$name: qemu-img create $f" ;;
		*/efivars.fd)
			code=$(grep -o 'unit=0,readonly=on,file=[^,]*' \
			    "$d/argv" | sed 's/.*file=//')
			[ -r "$code" ] || fail "$name: no UEFI firmware $code" \
			    "(install ovmf)"
			# The store vmdesk pairs with the code (vmproc.c).
			case "$code" in
			*.secboot.fd) vars=$(echo "$code" |
			    sed 's/CODE\(.*\)\.secboot\.fd/VARS\1.ms.fd/') ;;
			*) vars=$(echo "$code" | sed 's/CODE/VARS/') ;;
			esac
			cp "$vars" "$f" ||
			    fail "$name: no UEFI variable store $vars" ;;
		*) truncate -s 1M "$f" ;;
		esac
	done

	tpm=no
	if grep -q '^-tpmdev$' "$d/argv"; then
		tpm=yes
		mkdir -m 0700 "$d/vm/tpm"
		swtpm socket --tpm2 --tpmstate dir="$d/vm/tpm" \
		    --ctrl type=unixio,path="$d/run/swtpm.sock" --terminate \
		    --daemon --pid file="$d/run/swtpm.pid" ||
		    fail "$name: swtpm did not start"
	fi

	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"$d/argv"
	out=$("$@" 2>&1) || fail "$name: QEMU refused the argv: $out"
	ok
	got=$(qmp "$d/run/qmp.sock" query-status) || fail "$name: $got"
	case "$got" in
	*'"status": "prelaunch"'*) ok ;;
	*) fail "$name: QEMU is not paused before launch: $got" ;;
	esac
	# The machine the template asked for.
	machine=$(sed -n 's/^machine = //p' "$tfile")
	got=$(qmp "$d/run/qmp.sock" qom-get \
	    '{"path": "/machine", "property": "type"}') || fail "$name: $got"
	case "$machine:$got" in
	q35:*q35*|pc:*i440fx*) ok ;;
	*) fail "$name: machine $machine, QEMU says $got" ;;
	esac
	# An installer is on a CD-ROM, a cloud-init seed is a disk.
	blocks=$(qmp "$d/run/qmp.sock" query-block) || fail "$name: $blocks"
	if grep -q '^boot = iso$' "$tfile"; then
		case "$blocks" in
		*'"device": "cdrom"'*'"removable": true'*) ok ;;
		*) fail "$name: no CD-ROM: $blocks" ;;
		esac
	fi
	if grep -q '^cloud_init = yes$' "$tfile"; then
		case "$blocks" in
		*'seed.iso'*) ok ;;
		*) fail "$name: no cloud-init seed disk: $blocks" ;;
		esac
	fi
	if [ "$tpm" = yes ]; then
		got=$(qmp "$d/run/qmp.sock" query-tpm) || fail "$name: $got"
		case "$got" in
		*'"model": "tpm-crb"'*'"type": "emulator"'*) ok ;;
		*) fail "$name: query-tpm gave $got" ;;
		esac
	fi

	pid=$(cat "$d/run/qemu.pid")
	[ "$tpm" = yes ] && spid=$(cat "$d/run/swtpm.pid")
	qmp "$d/run/qmp.sock" quit >/dev/null 2>&1
	i=0
	while alive "$pid" && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive "$pid" && fail "$name: QEMU did not quit"
	if [ "$tpm" = yes ]; then
		i=0
		while alive "$spid" && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		alive "$spid" && fail "$name: swtpm outlived QEMU"
	fi
	ok
	n=$((n + 1))
done
[ "$n" -ge 16 ] || fail "only $n templates were tried"
ok
echo "$passed passed, 0 failed ($n templates)"
