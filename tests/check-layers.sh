#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers run one way: nothing below src/tui mentions curses, prints to
# the terminal or exits (fatal() in util/xmalloc.c is the one exception).
set -u
src="${top_srcdir:-.}/src"
bad=0
# Code lines only: comments may name stdout or curses.
code() {
	grep -rnE --include='*.[ch]' "$1" "$src/$2" |
	    grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)'
}
for dir in backend images core util; do
	if code 'curses|<term\.h>' "$dir"; then
		echo "FAIL: curses mentioned in src/$dir" >&2
		bad=1
	fi
	if code '\b(printf|puts|perror|putchar)\(|\b(stdout|stderr)\b|[^_]exit\(' \
	    "$dir" | grep -v '/util/xmalloc\.c:'; then
		echo "FAIL: printing or exiting in src/$dir" >&2
		bad=1
	fi
	if code '\b(system|popen)\(|"/bin/sh"' "$dir"; then
		echo "FAIL: a shell is run in src/$dir" >&2
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "1 passed, 0 failed"
exit "$bad"
