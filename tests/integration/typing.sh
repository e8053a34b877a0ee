#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk type: every printable ASCII character typed on the guest's VGA
# console (tty1 runs a shell) arrives byte-exact, read back through the
# serial console; tabs and newlines too, from standard input; a character
# without a key is refused before anything is typed; a stopped VM is
# refused.
. "${top_srcdir:-.}/tests/lib/common.sh"
need_kernel

# Printable ASCII but the single quote, which quotes it in the shell.
ALL=$(awk 'BEGIN { for (c = 32; c < 127; c++) if (c != 39)
    printf "%c", c }')
[ "${#ALL}" -eq 94 ] || fail "the test string has ${#ALL} characters"

vd_ok create t1 --template tinylinux --memory 128M
vd_fails 1 "is stopped: text can only be typed into a running VM" type t1 x
vd_ok start t1
wait_log t1 "tinylinux: ready"

log "a character with no key is refused before anything is sent"
vd_fails 1 "character 4 (byte 0xc3) cannot be typed" type t1 "abcé"
vd_fails 1 "character 2 (byte 0x0d) cannot be typed" type t1 "$(printf 'a\rb')"
vd_fails 2 "usage: vmdesk type" type t1

log "every printable character, typed on tty1, arrives byte-exact"
start=$(date +%s)
vd_ok type t1 "printf '%s\\n' '$ALL' > /tmp/t
"
log "typed $(( ${#ALL} + 25 )) characters in $(( $(date +%s) - start )) s"
want=$(printf '%s\n' "$ALL" | md5sum | cut -d' ' -f1)
serial_expect t1 'i=0; while [ $i -lt 60 ] && ! [ -s /tmp/t ]; do \
sleep 0.5; i=$((i+1)); done; md5sum /tmp/t' "$want"

log "tabs and newlines from standard input"
printf "IFS= read -r l; printf '%%s|' \"\$l\" > /tmp/u\na\tb  c\n" |
    "$VMDESK" type t1 - || fail "type - failed"
serial_expect t1 'i=0; while [ $i -lt 60 ] && ! [ -s /tmp/u ]; do \
sleep 0.5; i=$((i+1)); done; od -An -c /tmp/u | tr -s " "' \
    ' a \t b c |'
