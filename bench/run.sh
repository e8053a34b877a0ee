#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: every benchmark, each printing its figures and ratio.
set -u
here=$(dirname "$0")
rc=0
for b in startup scale list_json start_to_shell desktop snapshot clone download console \
    bundle; do
	echo "== $b"
	sh "$here/$b.sh" || rc=1
done
exit $rc
