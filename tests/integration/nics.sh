#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Networks: vmdesk nic add/set/remove/list; a private network joins only
# the VMs that name it (two tinylinux guests ping each other, a third on
# another private network cannot reach them); a bridge that does not
# exist or that the bridge helper's list does not allow is refused in
# words before QEMU starts; a change to a running VM waits for its next
# start.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

# The guest interface with this MAC, configured as 10.77.0.$3.
guest_ip() {
	vd_ok nic list "$1" --json
	mac=$(printf '%s\n' "$OUT" | sed -n 's/^ *"mac": "\(.*\)",$/\1/p' |
	    sed -n "$2p")
	serial_expect "$1" "d=\$(grep -l $mac /sys/class/net/*/address | \
cut -d/ -f5); ip link set \$d up; ip addr add 10.77.0.$3/24 dev \$d; \
echo IF-\$d-UP" "IF-eth"
}

log "nic add, list, set, remove"
vd_ok create p1 --template tinylinux --memory 128M
vd_ok nic add p1 --net private:lab --model e1000
case "$OUT" in *"Added NIC net1 to VM p1."*) ;; *) fail "nic add: $OUT" ;; esac
vd_ok nic list p1
group='239\.255\.[0-9]*\.[0-9]*:[0-9]*'
printf '%s\n' "$OUT" |
    grep -q "^net1 .*e1000 .*private network lab ($group on loopback)$" ||
    fail "nic list: $OUT"
vd_ok nic set p1 net1 --model virtio
vd_ok nic list p1 --json
printf '%s\n' "$OUT" | grep -q '"net": "private:lab"' || fail "json: $OUT"
vd_ok nic add p1 --net private:gone
vd_ok nic remove p1 net2
vd_ok nic list p1
printf '%s\n' "$OUT" | grep -q '^net2' && fail "net2 not removed: $OUT"
grep -q '^\[nic net2\]' "$VMDESK_HOME/vms/p1/vm.conf" && fail "net2 in vm.conf"
vd_fails 1 "net 'private:a/b' is not user, bridge:BRIDGE or private:NETWORK" \
    nic add p1 --net private:a/b
vd_ok set p1 nic.net0.forward=tcp:22222:22
vd_fails 1 "port forwards need net user" nic set p1 net0 --net private:lab
vd_ok set p1 nic.net0.forward=none
vd_fails 1 "has no NIC nope" nic remove p1 nope
vd_fails 2 "usage: vmdesk nic" nic set p1 net1
vd_fails 2 "no model 'ne2k'" nic add p1 --model ne2k

log "a bridge that is not there, or not allowed, is refused in words"
vd_fails 1 "there is no bridge vmdnobr0 on this host" \
    nic add p1 --net bridge:vmdnobr0
# A bridge in vm.conf that went away is refused at start, before QEMU.
cat >>"$VMDESK_HOME/vms/p1/vm.conf" <<'CONF'
[nic gone]
mac = 52:54:00:77:00:09
net = bridge:vmdnobr0
CONF
vd_fails 1 "nic gone: there is no bridge vmdnobr0" start p1
[ "$(count_live vmdesk-p1)" -eq 0 ] || fail "QEMU started on a missing bridge"
vd_ok nic remove p1 gone
if ip link add vmdtest0 type bridge 2>/dev/null; then
	trap 'ip link del vmdtest0 2>/dev/null; cleanup' EXIT
	if grep -qsw 'vmdtest0\|all' /etc/qemu/bridge.conf; then
		log "skip the list check: /etc/qemu/bridge.conf allows vmdtest0"
	else
		vd_fails 1 \
		    'add the line "allow vmdtest0" to /etc/qemu/bridge.conf' \
		    nic add p1 --net bridge:vmdtest0
	fi
	ip link del vmdtest0
else
	log "skip the bridge helper's list check: cannot create a bridge here"
fi

log "two VMs on private:lab ping each other; one on private:other cannot"
vd_ok create p2 --template tinylinux --memory 128M
vd_ok nic add p2 --net private:lab
vd_ok create p3 --template tinylinux --memory 128M
vd_ok nic add p3 --net private:other
for vm in p1 p2 p3; do vd_ok start "$vm"; done
for vm in p1 p2 p3; do wait_log "$vm" "tinylinux: ready"; done
guest_ip p1 2 1
guest_ip p2 2 2
guest_ip p3 2 3
# The markers are computed in the guest, so the echoed command never
# matches them.
serial_expect p1 'ping -c 3 -W 5 10.77.0.2 >/dev/null && \
echo PING-$((1+1))-OK' \
    PING-2-OK
serial_expect p2 'ping -c 3 -W 5 10.77.0.1 >/dev/null && \
echo PING-$((0+1))-OK' \
    PING-1-OK
serial_expect p3 'ping -c 2 -W 2 10.77.0.1 >/dev/null || echo NO-$((0+1)); \
ping -c 2 -W 2 10.77.0.2 >/dev/null || echo NO-$((1+1)); echo DONE-$((1+2))' \
    DONE-3
serial_text p3 | tr -d '\r' | grep -q '^NO-1$' ||
    { serial_text p3 | tail -n 20 >&2; fail "p3 reached p1"; }
serial_text p3 | tr -d '\r' | grep -q '^NO-2$' || fail "p3 reached p2"
serial_expect p1 'ping -c 2 -W 2 10.77.0.3 >/dev/null || echo NO-$((1+2))' \
    NO-3

log "a change to a running VM takes effect at its next start"
vd_ok nic add p3 --net private:lab
case "$OUT" in *"takes effect at its next start"*) ;;
*) fail "no next-start note: $OUT" ;; esac
grep -q '^net = private:lab' "$VMDESK_HOME/vms/p3/vm.conf" ||
    fail "vm.conf lacks the new NIC"
vd_ok info p3
printf '%s\n' "$OUT" |
    grep -q '^  nic        net2: virtio .*private network lab' ||
    fail "info: $OUT"
