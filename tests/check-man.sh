#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page is lint-clean and documents every command of the table.
set -u
man="${top_srcdir:-.}/man/vmdesk.1"
tman="${top_srcdir:-.}/man/vmdesk-template.5"
lman="${top_srcdir:-.}/man/vmdesk-lab.5"
bad=0
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W warning "$man" "$tman" "$lman" 2>&1)
	if [ -n "$out" ]; then
		echo "$out" >&2
		echo "FAIL: mandoc -Tlint complains" >&2
		bad=1
	fi
elif [ "${CI:-}" = true ]; then
	echo "FAIL: mandoc is not installed" >&2
	exit 99
fi
for cmd in $("$VMDESK" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	if ! grep -q "^\.It Cm $cmd\b" "$man"; then
		echo "FAIL: command '$cmd' is not in the man page" >&2
		bad=1
	fi
done
# KEY BINDINGS lists every key of the desktop's table.
for key in $("$VMDESK" keys | awk '{ print $1 }' | sort -u); do
	if ! grep -qF ".It Ic \\&$key" "$man"; then
		echo "FAIL: key '$key' is not in KEY BINDINGS" >&2
		bad=1
	fi
done
# vmdesk-template(5) documents every key of the template key table.
keys=$(sed -n 's/^[[:space:]]*{ T[KS][ER][YC](\([a-z_0-9]*\),.*/\1/p' \
    "${top_srcdir:-.}/src/images/template.c")
[ -n "$keys" ] || { echo "FAIL: no template keys found" >&2; bad=1; }
for key in $keys; do
	if ! grep -q "^\.It Ic $key Ns = Ns" "$tman"; then
		echo "FAIL: template key '$key' is not in $tman" >&2
		bad=1
	fi
done
# VM DEFINITION shows every key of vm.conf's table (vmdesk set --keys).
keys=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", labfile_vm_[a-z_]* },.*/\1/p' \
    "${top_srcdir:-.}/src/ops/labfile.c")
[ -n "$keys" ] || { echo "FAIL: no lab file keys found" >&2; bad=1; }
for key in $keys; do
	if ! grep -q "^\.It Ic $key Ns = Ns" "$lman"; then
		echo "FAIL: lab key '$key' is not in $lman" >&2
		bad=1
	fi
done
vmdef=$(sed -n '/^\.Sh VM DEFINITION/,/^\.Sh /p' "$man")
keys=$("$VMDESK" set --keys | awk 'NR > 1 { n = split($1, p, "."); print p[n] }')
[ -n "$keys" ] || { echo "FAIL: vmdesk set --keys listed nothing" >&2; bad=1; }
for key in $keys; do
	if ! printf '%s\n' "$vmdef" | grep -q "^$key = "; then
		echo "FAIL: vm.conf key '$key' is not in VM DEFINITION" >&2
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "1 passed, 0 failed"
exit "$bad"
