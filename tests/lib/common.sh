# SPDX-License-Identifier: GPL-2.0-or-later
# Shared set-up for vmdesk's shell tests: a private library and runtime
# folder per test, TCG forced, every QEMU the test started killed at exit.

set -u

: "${VMDESK:?VMDESK must name the vmdesk program (make check sets it)}"
: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(pwd)}"

TEST_NAME=$(basename "$0" .sh)
TEST_START=$(date +%s)
# Short: socket paths live under it and must stay below 108 bytes.
TEST_TMP=$(mktemp -d /tmp/vmdt.XXXXXX)
export VMDESK_HOME="$TEST_TMP/home"
export XDG_RUNTIME_DIR="$TEST_TMP/run"
export XDG_CONFIG_HOME="$TEST_TMP/config"
export VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME" "$XDG_CONFIG_HOME"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
RUN="$XDG_RUNTIME_DIR/vmdesk"

# The tinylinux kernel and initramfs are built once per build tree.
IMAGE_CACHE="$top_builddir/tests/.cache/images"
mkdir -p "$IMAGE_CACHE"
ln -s "$IMAGE_CACHE" "$VMDESK_HOME/images"

cleanup() {
	# Each script's time, so growth shows (make check-times lists them).
	echo "# took $(( $(date +%s) - TEST_START )) s"
	for pidfile in "$RUN"/*/qemu.pid; do
		[ -f "$pidfile" ] || continue
		kill -9 "$(cat "$pidfile")" 2>/dev/null
	done
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# Linked clones freeze bases into the image cache, which the tests of a
# build tree share: remove those the VMs of this test stand on.
remove_frozen_bases() {
	bases="$VMDESK_HOME/images/bases"
	for f in "$VMDESK_HOME"/vms/*/*.qcow2; do
		[ -f "$f" ] || continue
		b=$(qemu-img info -U --output=json "$f" 2>/dev/null |
		    sed -n 's/^ *"backing-filename": "\(.*\)",*$/\1/p')
		case "$b" in "$bases"/*) rm -f "$b" ;; esac
	done
	rmdir "$bases" 2>/dev/null
}

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

log() {
	echo "# $*"
}

# Skip (77) where nothing can boot, but never on CI: there it is an error.
need_kernel() {
	if [ -n "${VMDESK_KERNEL:-}" ] || ls /boot/vmlinuz-* >/dev/null 2>&1 ||
	    ls /var/cache/apt/archives/linux-image-*-amd64_*.deb \
	    >/dev/null 2>&1 || ls "$IMAGE_CACHE"/tinylinux/*/vmlinuz \
	    >/dev/null 2>&1; then
		return 0
	fi
	if [ "${CI:-}" = true ]; then
		echo "ERROR: no kernel for tinylinux (tools/install-deps)" >&2
		exit 99
	fi
	echo "SKIP: no kernel for tinylinux (run tools/install-deps)" >&2
	exit 77
}

# Whether a process is alive: a zombie is not (kill -0 succeeds on one).
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' \
	    "/proc/$1/status" 2>/dev/null
}

# How many live processes have this name (QEMU's process=vmdesk-NAME).
# Only this test's: another script running at once may name a VM alike,
# so a QEMU counts when its command line has this test's runtime folder.
count_live() {
	ps -eo pid=,stat=,comm= | awk -v n="$1" '$2 !~ /^Z/ && $3 == n {
	    print $1 }' | while read -r pid; do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
		    grep -qF "$XDG_RUNTIME_DIR/" && echo "$pid"
	done | wc -l
}

# Run vmdesk; its output in $OUT, its exit status in $RC.
vd() {
	OUT=$("$VMDESK" "$@" 2>&1)
	RC=$?
}

# vd, and fail unless it exits 0.
vd_ok() {
	vd "$@"
	[ "$RC" -eq 0 ] || fail "vmdesk $* exited $RC: $OUT"
}

# vd, and fail unless it exits $1 and prints $2.
vd_fails() {
	want_rc=$1
	want_text=$2
	shift 2
	vd "$@"
	[ "$RC" -eq "$want_rc" ] ||
	    fail "vmdesk $* exited $RC, wanted $want_rc: $OUT"
	case "$OUT" in
	*"$want_text"*) ;;
	*) fail "vmdesk $*: '$OUT' lacks '$want_text'" ;;
	esac
}

# A JSON field of vmdesk status --json.
vm_field() {
	"$VMDESK" status "$1" --json |
	    sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p"
}

# The VM's serial output kept on disk: serial.log.1 (the part rotated
# out when serial.log outgrew serial_log_max), then serial.log.
serial_text() {
	cat "$VMDESK_HOME/vms/$1/serial.log.1" \
	    "$VMDESK_HOME/vms/$1/serial.log" 2>/dev/null
}

# Wait until the VM's serial log has shown $2 $3 times (default once).
wait_log() {
	vm=$1
	text=$2
	count=${3:-1}
	limit=${4:-90}
	logf="$VMDESK_HOME/vms/$vm/serial.log"
	i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if [ -f "$logf" ] && [ "$(serial_text "$vm" |
		    grep -c -F -- "$text")" -ge "$count" ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	tail -n 20 "$logf" >&2 2>/dev/null
	fail "$vm: '$text' not seen $count time(s) in serial.log in ${limit}s"
}

# Type a command on the VM's serial console; its output in $OUT.
serial_run() {
	OUT=$(printf '%s\n' "$2" | timeout 30 "$VMDESK" console "$1" 2>&1)
}

# Serve folder $1 over HTTP on 127.0.0.1 (tests/lib/imgserver.py, log in
# $TEST_TMP/server.log) until the test ends; its address in $URL.
img_server() {
	python3 "$top_srcdir/tests/lib/imgserver.py" "$1" "$TEST_TMP/port" \
	    "$TEST_TMP/server.log" &
	server=$!
	trap 'kill $server 2>/dev/null; cleanup' EXIT
	i=0
	while [ ! -s "$TEST_TMP/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$TEST_TMP/port" ] || fail "the test server did not start"
	URL="http://127.0.0.1:$(cat "$TEST_TMP/port")"
}

# What 127.0.0.1:$1 says first: "refused", "" (accepted, nothing said:
# slirp accepts for a guest port nobody listens on) or the text.
probe() {
	python3 - "$1" <<'PY'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
except ConnectionRefusedError:
    print("refused")
    sys.exit(0)
s.settimeout(5)
try:
    print(s.recv(100).decode(errors="replace").strip())
except OSError:
    print("")
PY
}

# Ask the guest $2 on the serial console until its answer holds $3
# (20 s at most): for what the guest sees a moment after a change.
guest_until() {
	n=0
	while [ "$n" -lt 40 ]; do
		serial_run "$1" "$2"
		case "$OUT" in *"$3"*) return 0 ;; esac
		sleep 0.5
		n=$((n + 1))
	done
	fail "$1: '$2' never gave '$3' (last: $OUT)"
}

# serial_run, and fail unless the output holds $3. A guest slower than
# the console's wait for quiet output (a loaded machine, a sanitizer
# build) answers after the console has gone: serial.log still gets it.
serial_expect() {
	logf="$VMDESK_HOME/vms/$1/serial.log"
	before=$(stat -c %s "$logf" 2>/dev/null || echo 0)
	serial_run "$1" "$2"
	case "$OUT" in
	*"$3"*) return 0 ;;
	esac
	i=0
	while [ "$i" -lt 300 ]; do
		# Smaller than before: the older part moved to serial.log.1.
		if [ "$(stat -c %s "$logf" 2>/dev/null || echo 0)" -lt "$before" ]
		then
			{ tail -c +"$((before + 1))" "$logf.1"; cat "$logf"; } \
			    2>/dev/null | grep -qF -- "$3" && return 0
		fi
		tail -c +"$((before + 1))" "$logf" 2>/dev/null |
		    grep -qF -- "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1: '$2' gave '$OUT', lacking '$3'"
}
