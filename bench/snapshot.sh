#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vmdesk snapshot create and revert against the raw QMP commands on the
# same running VM, at 256 MiB and 1 GiB of guest RAM (45% of it filled
# with data), target ratio <= 1.05 each. Both sides are timed as whole
# processes started the same way: vmdesk, and a minimal QMP client built
# here that only connects, runs snapshot-save (or snapshot-load), waits
# for the job to conclude (JOB_STATUS_CHANGE), checks it and dismisses
# it. Each round runs both back to back; the median per-round ratio
# counts, as the host may be shared and busy.
set -u
: "${VMDESK:?}"
: "${top_srcdir:=.}"
ROUNDS=${ROUNDS:-15}
tmp=$(mktemp -d /tmp/vmdb.XXXXXX)
export VMDESK_HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" VMDESK_ACCEL=tcg
mkdir -p "$VMDESK_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
cache="$(pwd)/tests/.cache/images"
mkdir -p "$cache" && ln -s "$cache" "$VMDESK_HOME/images"
trap '"$VMDESK" kill b256 >/dev/null 2>&1; "$VMDESK" kill b1g >/dev/null 2>&1; rm -rf "$tmp"' EXIT

cat >"$tmp/rawqmp.c" <<'C'
/* The raw QMP side of bench/snapshot.sh: one job, nothing else. */
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 20];
static size_t len;
static int fd;

/* The next line from the monitor, NUL-terminated. */
static char *
next_line(void)
{
	static char line[1 << 20];
	char *nl;
	ssize_t n;

	while ((nl = memchr(buf, '\n', len)) == NULL) {
		if ((n = read(fd, buf + len, sizeof buf - len)) <= 0)
			exit(2);
		len += (size_t)n;
	}
	*nl = '\0';
	snprintf(line, sizeof line, "%s", buf);
	len -= (size_t)(nl + 1 - buf);
	memmove(buf, nl + 1, len);
	return (line);
}

/* Send a command and return its reply line (events are skipped). */
static char *
cmd(const char *json)
{
	char *l;

	if (write(fd, json, strlen(json)) < 0)
		exit(2);
	for (;;) {
		l = next_line();
		if (strstr(l, "\"return\"") != NULL ||
		    strncmp(l, "{\"error\"", 8) == 0 || strstr(l, "\"error\": {") != NULL)
			return (l);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char c[4096], want[256], *l;
	int i;

	/* rawqmp SOCK JOB-ID COMMAND-ARGUMENTS-JSON COMMAND */
	if (argc != 5)
		return (2);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return (2);
	next_line();
	cmd("{\"execute\":\"qmp_capabilities\"}\n");
	snprintf(c, sizeof c, "{\"execute\":\"%s\",\"arguments\":%s}\n",
	    argv[4], argv[3]);
	l = cmd(c);
	if (strstr(l, "\"error\"") != NULL)
		return (1);
	snprintf(want, sizeof want, "\"status\": \"concluded\", \"id\": \"%s\"",
	    argv[2]);
	while (strstr(next_line(), want) == NULL)
		;
	l = cmd("{\"execute\":\"query-jobs\"}\n");
	i = strstr(l, "\"error\"") != NULL;
	snprintf(c, sizeof c, "{\"execute\":\"job-dismiss\",\"arguments\":"
	    "{\"id\":\"%s\"}}\n", argv[2]);
	cmd(c);
	return (i);
}
C
${CC:-cc} -O2 -o "$tmp/rawqmp" "$tmp/rawqmp.c" || exit 1

rc=0
for mem in 256 1024; do
	vm=b$mem
	[ "$mem" = 1024 ] && vm=b1g
	"$VMDESK" create "$vm" --template tinylinux --memory "${mem}M" \
	    >/dev/null || exit 1
	# Data for the guest to hold in RAM, made on the host (fast), on a
	# read-only disk (snapshots leave read-only disks out).
	fill=$((mem * 1048576 * 45 / 100))
	head -c "$fill" /dev/urandom >"$VMDESK_HOME/vms/$vm/fill.img"
	printf '\n[disk fill]\nfile = fill.img\nformat = raw\nreadonly = yes\n' \
	    >>"$VMDESK_HOME/vms/$vm/vm.conf"
	"$VMDESK" start "$vm" >/dev/null || exit 1
	log="$VMDESK_HOME/vms/$vm/serial.log"
	n=0
	while ! grep -q -F "tinylinux: ready" "$log" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
		[ $n -lt 900 ] || { echo "$vm did not boot" >&2; exit 1; }
	done
	# Into the guest's /tmp (a tmpfs of half its RAM), so that nearly
	# half the RAM is in use, as in a guest at work. (The quotes keep the
	# echoed command line from matching.)
	printf 'dd if=/dev/vdb of=/tmp/fill bs=1048576 2>/dev/null; echo fill""ed-%s\n' \
	    "$vm" | timeout 300 "$VMDESK" console "$vm" >/dev/null
	n=0
	while ! grep -q "filled-$vm" "$log"; do
		sleep 0.2
		n=$((n + 1))
		[ $n -lt 1500 ] || { echo "$vm: no fill" >&2; exit 1; }
	done
	python3 - "$VMDESK" "$vm" "$XDG_RUNTIME_DIR/vmdesk/$vm/qmp-cli.sock" \
	    "$ROUNDS" "$mem" "$tmp/rawqmp" <<'PY' || rc=1
import json, os, socket, statistics, subprocess, sys, time

vmdesk, vm, sock, rounds, mem, rawqmp = sys.argv[1:7]
rounds = int(rounds)

class QMP:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        self.read()
        self.cmd("qmp_capabilities")
    def read(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP closed")
        return json.loads(line)
    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write((json.dumps(msg) + "\n").encode())
        self.f.flush()
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise RuntimeError(r["error"]["desc"])
            return r["return"]
    events = []
    def close(self):
        self.f.close()
        self.s.close()

# Each timed run starts with no dirty data: the previous save's writeback
# would otherwise land on whichever run comes next.
def raw(name, **args):
    os.sync()
    t = time.monotonic()
    subprocess.run([rawqmp, sock, args["job-id"], json.dumps(args), name],
        check=True)
    return time.monotonic() - t

def vd(*args):
    os.sync()
    t = time.monotonic()
    subprocess.run([vmdesk] + list(args), check=True,
        stdout=subprocess.DEVNULL)
    return time.monotonic() - t

q = QMP(sock)
nodes = [b["inserted"]["node-name"] for b in q.cmd("query-block")
    if b["device"].startswith("disk-") and not b["inserted"]["ro"]]
q.close()

def raw_save(tag, jid):
    return raw("snapshot-save", **{"job-id": jid, "tag": tag,
        "vmstate": nodes[0], "devices": nodes})

def raw_delete(tag, jid):
    raw("snapshot-delete", **{"job-id": jid, "tag": tag, "devices": nodes})

# Warm up both paths once.
vd("snapshot", "create", vm, "warm")
vd("snapshot", "delete", vm, "warm")
raw_save("rawwarm", "w1")
raw_delete("rawwarm", "w2")

# Each round times one vmdesk run and one raw run back to back (their
# order alternating), so that both see the same load on a shared host;
# the figure is the median of the per-round ratios.
create = {"vmdesk": [], "raw": [], "ratio": []}
revert = {"vmdesk": [], "raw": [], "ratio": []}
for i in range(rounds):
    first_vd = i % 2 == 0
    if not first_vd:
        r = raw_save("raw%d" % i, "c%d" % i)
        raw_delete("raw%d" % i, "d%d" % i)
    v = vd("snapshot", "create", vm, "s%d" % i)
    vd("snapshot", "delete", vm, "s%d" % i)
    if first_vd:
        r = raw_save("raw%d" % i, "c%d" % i)
        raw_delete("raw%d" % i, "d%d" % i)
    create["vmdesk"].append(v)
    create["raw"].append(r)
    create["ratio"].append(v / r)
vd("snapshot", "create", vm, "point")
tag = json.loads(subprocess.check_output([vmdesk, "snapshot", "list", vm,
    "--json"]))[0]["tag"]
for i in range(rounds):
    load = lambda: raw("snapshot-load", **{"job-id": "l%d" % i,
        "tag": tag, "vmstate": nodes[0], "devices": nodes})
    if i % 2:
        r = load()
    v = vd("snapshot", "revert", vm, "point")
    if i % 2 == 0:
        r = load()
    revert["vmdesk"].append(v)
    revert["raw"].append(r)
    revert["ratio"].append(v / r)

ok = True
for what, t in (("create", create), ("revert", revert)):
    ratio = statistics.median(t["ratio"])
    print("snapshot %s, %4s MiB guest (%d rounds): vmdesk median %.3f s, "
        "raw QMP median %.3f s" % (what, mem, rounds,
        statistics.median(t["vmdesk"]), statistics.median(t["raw"])))
    print("  vmdesk runs: %s" % " ".join("%.3f" % x for x in t["vmdesk"]))
    print("  raw runs:    %s" % " ".join("%.3f" % x for x in t["raw"]))
    print("  ratio vmdesk/raw: %.3f, median of rounds (target <= 1.05)"
        % ratio)
    ok = ok and ratio <= 1.05
sys.exit(0 if ok else 1)
PY
	"$VMDESK" kill "$vm" >/dev/null
done
exit $rc
