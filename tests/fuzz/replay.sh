#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Replay every fuzz target over its seed corpus (and the crashes kept
# there as regressions): a crash, a leak under ASan or an abort fails.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
status=0
for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
	target=$(basename "$dir")
	prog="$top_builddir/tests/fuzz/fuzz_$target"
	if [ ! -x "$prog" ]; then
		echo "replay: no program for corpus $target" >&2
		status=1
		continue
	fi
	n=$(find "$dir" -type f | wc -l)
	if find "$dir" -type f -exec "$prog" {} + >/dev/null 2>&1; then
		echo "ok: fuzz_$target over $n inputs"
	else
		echo "FAIL: fuzz_$target over $dir" >&2
		find "$dir" -type f -exec "$prog" {} + || true
		status=1
	fi
done
exit $status
