#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz-smoke: run every libFuzzer target for FUZZ_TIME seconds from
# a copy of its seed corpus; print executions and coverage; fail on a
# crash (the input is kept in the build folder to be added to the corpus).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
time=${FUZZ_TIME:-20}
work="$top_builddir/tests/fuzz/work"
status=0
for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
	target=$(basename "$dir")
	prog="$top_builddir/tests/fuzz/fuzz_$target"
	rm -rf "$work/$target"
	mkdir -p "$work/$target/corpus" "$work/$target/crashes"
	cp "$dir"/* "$work/$target/corpus/"
	log="$work/$target/log"
	if "$prog" -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$work/$target/crashes/" \
	    "$work/$target/corpus" >"$log" 2>&1; then
		line=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)
		echo "ok: fuzz_$target: $line"
	else
		echo "FAIL: fuzz_$target (see $log):" >&2
		tail -40 "$log" >&2
		status=1
	fi
done
exit $status
