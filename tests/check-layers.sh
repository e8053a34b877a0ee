#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers run one way (ARCHITECTURE.md): each folder of src/ may include
# only the folders below it, modules never include each other in a cycle,
# and nothing below src/tui and src/cli mentions curses, prints to the
# terminal, exits (fatal() in util/xmalloc.c is the one exception) or runs
# a shell. The checker is also run on copies with one wrong arrow each, so
# a checker that stopped seeing them would fail too.
set -u
src="${top_srcdir:-.}/src"

# Which folders each folder may include (itself always).
allowed() {
	case "$1" in
	util) echo "util" ;;
	core) echo "core util" ;;
	render) echo "render util" ;;
	backend) echo "backend core util" ;;
	images) echo "images backend core util" ;;
	ops) echo "ops images backend core util" ;;
	tui) echo "tui ops images backend render core util" ;;
	cli) echo "cli tui ops images backend render core util" ;;
	*) echo "" ;;
	esac
}

# Code lines only: comments may name stdout or curses.
code() {
	grep -rnE --include='*.[ch]' "$1" "$2" |
	    grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)'
}

# Every '#include "dir/mod.h"' of the tree as "file dir/mod".
includes() {
	grep -rHE --include='*.[ch]' '^#include "[a-z]+/[a-z_0-9]+\.h"' "$1" |
	    sed -E 's|^([^:]*):#include "([a-z]+/[a-z_0-9]+)\.h".*|\1 \2|'
}

check_tree() {
	tree=$1
	bad=0
	includes "$tree" > "$tmp/inc"
	while read -r file target; do
		from=${file#"$tree"/}
		dir=${from%%/*}
		[ "$dir" = "$from" ] && continue	# src/vmdesk.c
		to=${target%%/*}
		case " $(allowed "$dir") " in
		*" $to "*) ;;
		*)
			echo "FAIL: $from includes $target.h" \
			    "($dir may include: $(allowed "$dir"))" >&2
			bad=1
			;;
		esac
	done < "$tmp/inc"
	# Module cycles: tsort names the loop. Two hubs are left out on
	# purpose: the command table (cli/cli names every command, which use
	# its helpers) and the desktop's screen stack (tui/app and
	# tui/screens push screens that call back into the app).
	sed -E "s|^$tree/([a-z]+/[a-z_0-9]+)\.[ch] |\1 |" "$tmp/inc" |
	    awk '$1 ~ /\// && $1 != $2' |
	    grep -vE '^(cli/cli cli/|tui/(app|screens|draw) tui/(app|screens))' |
	    awk '{ print $2, $1 }' > "$tmp/edges"
	if ! tsort "$tmp/edges" > /dev/null 2> "$tmp/loop"; then
		echo "FAIL: modules include each other in a cycle:" >&2
		grep -v 'input contains a loop' "$tmp/loop" | sed 's/^tsort: /  /' >&2
		bad=1
	fi
	for dir in render backend images ops core util; do
		if code 'curses|<term\.h>' "$tree/$dir"; then
			echo "FAIL: curses mentioned in src/$dir" >&2
			bad=1
		fi
		if code '\b(printf|puts|perror|putchar)\(|\b(stdout|stderr)\b|[^_]exit\(' \
		    "$tree/$dir" | grep -v '/util/xmalloc\.c:'; then
			echo "FAIL: printing or exiting in src/$dir" >&2
			bad=1
		fi
		if code '\b(system|popen)\(|"/bin/sh"' "$tree/$dir"; then
			echo "FAIL: a shell is run in src/$dir" >&2
			bad=1
		fi
	done
	return "$bad"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! check_tree "$src"; then
	echo "FAIL: src/ breaks the layers (see ARCHITECTURE.md)" >&2
	exit 1
fi

# The checker must see a wrong arrow, a cycle and a print.
# Each argument pair is a file and a line added to it.
selftest() {
	what="$*"
	rm -rf "$tmp/copy"
	cp -R "$src" "$tmp/copy"
	while [ "$#" -ge 2 ]; do
		printf '%s\n' "$2" >> "$tmp/copy/$1"
		shift 2
	done
	if check_tree "$tmp/copy" > /dev/null 2>&1; then
		echo "FAIL: check-layers missed: $what" >&2
		exit 1
	fi
}
selftest backend/vmproc.c '#include "images/template.h"'
selftest core/vmdef.c '#include "backend/qmp.h"'
selftest render/cellrender.c '#include "tui/app.h"'
selftest util/strv.c '#include "util/log.h"' util/log.c '#include "util/strv.h"'
selftest images/template.c '#include "images/kmod.h"' \
    images/kmod.c '#include "images/template.h"'
selftest images/kmod.c 'static void f(void) { printf("x"); }'
echo "1 passed, 0 failed"
