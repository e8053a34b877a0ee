#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# serial.log is bounded: a guest writing fast to its serial port with no
# vmdesk attached (1.5 MB against a 256K serial_log_max) leaves serial.log
# and serial.log.1 each within the cap plus what arrives between two looks
# of the keeper (250 ms), loses no line at the rotation, keeps the newest
# output in serial.log, and the console and the serial helpers still work.
# The keeper goes away with its QEMU.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

CAP=262144
SLACK=262144
LOG="$VMDESK_HOME/vms/s1/serial.log"
mkdir -p "$XDG_CONFIG_HOME/vmdesk"
printf '[vm]\nserial_log_max = 256K\n' >"$XDG_CONFIG_HOME/vmdesk/config"

# The pids of this test's serial log keepers (its VMDESK_HOME).
keepers() {
	for p in $(pgrep -x 'vmdesk:serlog'); do
		{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null |
		    grep -qx "VMDESK_HOME=$VMDESK_HOME" && echo "$p"
	done
}

size() { stat -c %s "$1" 2>/dev/null || echo 0; }

vd_ok create s1 --template tinylinux --memory 128M
log "a bad cap is refused"
printf '[vm]\nserial_log_max = 1K\n' >"$XDG_CONFIG_HOME/vmdesk/config"
vd_fails 1 "serial_log_max: '1K' is not between 64K and 1T" start s1; ok
printf '[vm]\nserial_log_max = 256K\n' >"$XDG_CONFIG_HOME/vmdesk/config"

vd_ok start s1
wait_log s1 "tinylinux: ready"
[ -n "$(keepers)" ] || fail "no serial log keeper runs"; ok

log "a guest floods its serial port with nobody attached"
# 15000 numbered lines of 100 bytes; the console leaves at once.
serial_run s1 '(sleep 3; awk "BEGIN { for (i = 1; i <= 15000; i++) printf \"flood %06d %s\\n\", i, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" }"; echo FLOOD-"DONE") &'
most=0 most1=0 i=0
while ! grep -q FLOOD-DONE "$LOG" 2>/dev/null; do
	s=$(size "$LOG"); [ "$s" -gt "$most" ] && most=$s
	s=$(size "$LOG.1"); [ "$s" -gt "$most1" ] && most1=$s
	i=$((i + 1))
	[ "$i" -lt 1800 ] || fail "the flood did not end in 180 s"
	sleep 0.1
done
log "largest serial.log $most, serial.log.1 $most1 (cap $CAP)"
[ "$most" -le $((CAP + SLACK)) ] || fail "serial.log reached $most bytes"; ok
[ "$most1" -le $((CAP + SLACK)) ] || fail "serial.log.1 reached $most1 bytes"
ok
[ -s "$LOG.1" ] || fail "no serial.log.1: nothing rotated"; ok
[ "$(stat -c %a "$LOG.1")" = 600 ] || fail "serial.log.1 is not 0600"; ok
[ ! -e "$LOG.1.tmp" ] || fail "a serial.log.1.tmp was left"; ok

log "the newest output is in serial.log, and nothing was lost at a rotation"
grep -q "flood 015000" "$LOG" || grep -q "flood 015000" "$LOG.1" ||
    fail "the last flood line is gone"
ok
# serial.log.1 then serial.log are one stream: whole lines count up by one.
cat "$LOG.1" "$LOG" | tr -d '\r' |
    grep -E '^flood [0-9]{6} x{90}$' | awk '
	{ n = $2 + 0 }
	NR > 1 && n != prev + 1 { print "gap after " prev ": " n; bad = 1 }
	{ prev = n }
	END { if (NR < 2000) { print "only " NR " lines"; bad = 1 }
	      exit bad }' >"$TEST_TMP/gaps" || fail "$(head -3 "$TEST_TMP/gaps")"
ok

log "the console and the serial helpers still work after rotations"
serial_expect s1 'echo after-$((6 * 7))' after-42; ok
serial_run s1 'echo again-$((7 * 7))'
case "$OUT" in *again-49*) ok ;; *) fail "console after the flood: $OUT" ;; esac
wait_log s1 again-49; ok

log "the keeper ends with its QEMU"
vd_ok kill s1
i=0
while [ -n "$(keepers)" ]; do
	i=$((i + 1)); [ "$i" -lt 50 ] || fail "the keeper outlived QEMU"
	sleep 0.1
done
ok

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
