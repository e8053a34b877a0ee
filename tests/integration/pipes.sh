#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Without a terminal, vmdesk writes plain lines: a piped vmdesk console
# carries the guest's text but not its questions to a terminal (busybox
# asks "ESC[6n", where is the cursor?), its own notes end lines with "\n"
# alone; create --image shows no progress steps, and an error after them
# stands on a line of its own.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel
started=$(date +%s)

passed=0
ok() { passed=$((passed + 1)); }

ESC=$(printf '\033')
CR=$(printf '\r')

# Fail if file $1 holds byte string $2 (said as $3).
lacks() {
	if grep -qF -- "$2" "$1"; then
		od -c "$1" | head -20 >&2
		fail "$3 in the output"
	fi
	return 0
}

log "create --image through a pipe: the result, no progress"
head -c 3000000 /dev/urandom >"$TEST_TMP/junk.img"
"$VMDESK" create j1 --image "$TEST_TMP/junk.img" >"$TEST_TMP/out" 2>&1 ||
    fail "create: $(cat "$TEST_TMP/out")"
[ "$(wc -l <"$TEST_TMP/out")" -eq 1 ] ||
    fail "more than the result: $(cat "$TEST_TMP/out")"
grep -q "^Created VM j1 " "$TEST_TMP/out" || fail "$(cat "$TEST_TMP/out")"; ok
lacks "$TEST_TMP/out" "$CR" "a carriage return"; ok

log "an error after the steps: on its own line, alone"
"$VMDESK" create j2 --image "$TEST_TMP/junk.img" --sha256 \
    0000000000000000000000000000000000000000000000000000000000000000 \
    >"$TEST_TMP/out" 2>&1 && fail "a wrong sha256 was accepted"
grep -q "^vmdesk: " "$TEST_TMP/out" || fail "no error line: $(cat "$TEST_TMP/out")"
[ "$(wc -l <"$TEST_TMP/out")" -eq "$(grep -c '^vmdesk: ' "$TEST_TMP/out")" ] ||
    fail "lines besides the error: $(cat "$TEST_TMP/out")"
ok
lacks "$TEST_TMP/out" "$CR" "a carriage return"; ok

log "vmdesk console through a pipe"
vd_ok create p1 --template tinylinux --memory 128M
vd_ok start p1
wait_log p1 "tinylinux: ready"
# The guest's prompt carries the query: it is in serial.log (the prompt
# comes a moment after the ready line: wait for it, bounded)...
# (Without it the test would prove nothing: wait_log fails then.)
wait_log p1 "${ESC}[6n" 1 60
ok
printf 'echo hi-$((40 + 2))\n' |
    timeout 30 "$VMDESK" console p1 >"$TEST_TMP/out" 2>&1
grep -q "hi-42" "$TEST_TMP/out" || fail "no answer: $(cat "$TEST_TMP/out")"; ok
# ...but not in what the pipe gets.
lacks "$TEST_TMP/out" "${ESC}[6n" "ESC[6n"; ok

log "the console's own note when the VM stops: plain lines"
printf 'poweroff -f\n' |
    timeout 60 "$VMDESK" console p1 >"$TEST_TMP/out" 2>&1
grep -q "^\[vmdesk: p1's serial port closed: the VM stopped\]$" \
    "$TEST_TMP/out" || fail "no plain note: $(od -c "$TEST_TMP/out" | tail -5)"
ok
lacks "$TEST_TMP/out" "${ESC}[6n" "ESC[6n"; ok

echo "# $TEST_NAME: $passed checks passed"
echo "# took $(( $(date +%s) - started )) s"
