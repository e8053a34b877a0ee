#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk list --json with 200 VMs defined (target: 20 ms or less).
set -u
: "${VMDESK:?}"
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$VMDESK_HOME/vms" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
i=0
while [ $i -lt 200 ]; do
	d="$VMDESK_HOME/vms/vm$i"
	mkdir "$d"
	cat >"$d/vm.conf" <<CONF
[vm]
name = vm$i
template = tinylinux
os = Linux (busybox)
machine = q35
cpus = 1
memory = 256M

[disk data]
file = data.qcow2

[nic net0]
mac = 52:54:00:00:$(printf '%02x:%02x' $((i / 256)) $((i % 256)))
forward = tcp:$((20000 + i)):22
CONF
	i=$((i + 1))
done
"$VMDESK" list --json >/dev/null	# warm the cache
times=
n=0
while [ $n -lt 21 ]; do
	s=$(date +%s%N)
	"$VMDESK" list --json >/dev/null
	e=$(date +%s%N)
	times="$times $(( (e - s) / 1000 ))"
	n=$((n + 1))
done
count=$("$VMDESK" list --json | grep -c '"name"')
median=$(echo $times | tr ' ' '\n' | sort -n | sed -n 11p)
echo "vms listed: $count"
awk -v m="$median" 'BEGIN { printf "list --json, 200 VMs: median %.2f ms over 21 runs (target <= 20 ms)\n", m / 1000 }'
[ "$count" -eq 200 ] && [ "$median" -le 20000 ]
