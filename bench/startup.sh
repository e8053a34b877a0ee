#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a command costs before it does anything: instructions (callgrind,
# the same count run after run whatever else the machine does) and the
# shared libraries mapped, for vmdesk --help and vmdesk list --json with
# 10 VMs. Targets: list --json at most 6 M instructions.
set -u
: "${VMDESK:?}"
command -v valgrind >/dev/null 2>&1 || { echo "startup: no valgrind"; exit 1; }
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
i=0
while [ $i -lt 10 ]; do
	mkdir "$VMDESK_HOME/vms/vm$i"
	printf '[vm]\nname = vm%s\nmemory = 256M\n[disk data]\nfile = d.qcow2\n[nic net0]\nmac = 52:54:00:00:00:%02x\nforward = tcp:%s:22\n' \
	    $i $i $((20000 + i)) > "$VMDESK_HOME/vms/vm$i/vm.conf"
	i=$((i + 1))
done

# Instructions of one run of vmdesk with these arguments.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$VMDESK" \
	    "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
}
help=$(instructions --help)
list=$(instructions list --json)
libs=$(ldd "$VMDESK" | wc -l)
echo "vmdesk --help: $help instructions"
echo "vmdesk list --json, 10 VMs: $list instructions (target <= 6000000)"
echo "shared objects loaded at start: $libs"
[ -n "$list" ] && [ "$list" -le 6000000 ]
