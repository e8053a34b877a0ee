/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for backend/stats: ring buffers, parsers, rates, /proc and QEMU. */
#include "config.h"

#include <sys/resource.h>

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backend/qmp.h"
#include "backend/stats.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

#define MiB	(1024.0 * 1024.0)

/* A stat line as the kernel writes it, for a thread named NAME. */
#define STAT_LINE(name) \
	"5660 (" name ") S 1 5658 5658 0 -1 138412480 4471 0 0 0 " \
	"40 7 0 0 20 0 4 0 188194 1444671488 8880 18446744073709551615 " \
	"94918376062976 94918381923413 140730253199328 0 0 0 268444224 " \
	"3674112 16451 0 0 0 17 1 0 0 0 0 0\n"

/* query-blockstats of QEMU 7.2 for one virtio disk, trimmed. */
#define BLOCKSTATS_DEV(dev, rd, wr) \
	"{\"device\": \"" dev "\", \"parent\": {\"stats\": {\"rd_bytes\": " \
	"999999, \"wr_bytes\": 999999}, \"node-name\": \"#block067\"}, " \
	"\"stats\": {\"wr_bytes\": " wr ", \"rd_operations\": 3, " \
	"\"rd_bytes\": " rd ", \"timed_stats\": []}, " \
	"\"node-name\": \"#block116\", " \
	"\"qdev\": \"/machine/peripheral-anon/device[0]/virtio-backend\"}"

/* HMP qom-get of guest-stats before the guest reported, as QEMU 7.2. */
#define BALLOON_NEVER \
	"{\r\n    \"stats\": {\r\n" \
	"        \"stat-htlb-pgalloc\": 18446744073709551615,\r\n" \
	"        \"stat-available-memory\": 18446744073709551615,\r\n" \
	"        \"stat-free-memory\": 18446744073709551615,\r\n" \
	"        \"stat-total-memory\": 18446744073709551615,\r\n" \
	"        \"stat-disk-caches\": 18446744073709551615\r\n" \
	"    },\r\n    \"last-update\": 0\r\n}\r\n"

struct fixture {
	pid_t		 pid;		/* QEMU */
	struct qmp	*q;
	struct vm_stats	*st;
	char		 dir[64];
};

static int
setup(void **state)
{
	*state = xcalloc(1, sizeof (struct fixture));
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*path;

	qmp_close(f->q);
	stats_free(f->st);
	if (f->pid > 0)
		kill(f->pid, SIGKILL);
	if (f->dir[0] != '\0') {
		path = xasprintf("%s/q.sock", f->dir);
		unlink(path);
		free(path);
		path = xasprintf("%s/q.pid", f->dir);
		unlink(path);
		free(path);
		rmdir(f->dir);
	}
	free(f);
	return (0);
}

static void
test_stats_series_wraps(void **state)
{
	struct stats_series	s;
	int			i;

	stats_series_init(&s, 4);
	assert_true(isnan(stats_series_last(&s)));
	assert_true(isnan(stats_series_max(&s, 0)));
	for (i = 1; i <= 6; i++)
		stats_series_push(&s, i);
	assert_int_equal(s.count, 4);
	for (i = 0; i < 4; i++)
		assert_true(stats_series_get(&s, i) == 6 - i);
	assert_true(isnan(stats_series_get(&s, 4)));
	assert_true(isnan(stats_series_get(&s, -1)));
	assert_true(stats_series_last(&s) == 6);
	assert_true(stats_series_max(&s, 0) == 6);
	assert_true(stats_series_min(&s, 0) == 3);
	assert_true(stats_series_min(&s, 2) == 5);
	assert_true(stats_series_max(&s, 100) == 6);

	/* Unknown samples take their place in time, not in the extremes. */
	stats_series_push(&s, NAN);
	stats_series_push(&s, 1.5);
	assert_int_equal(s.count, 4);
	assert_true(stats_series_last(&s) == 1.5);
	assert_true(isnan(stats_series_get(&s, 1)));
	assert_true(stats_series_get(&s, 2) == 6);
	assert_true(stats_series_max(&s, 0) == 6);
	assert_true(stats_series_min(&s, 0) == 1.5);
	assert_true(stats_series_max(&s, 1) == 1.5);
	stats_series_push(&s, NAN);
	assert_true(isnan(stats_series_max(&s, 1)));
	stats_series_clear(&s);
}

static void
test_stats_parse_stat_names(void **state)
{
	struct stats_pstat	 ps;
	char			*cause = NULL;

	assert_int_equal(stats_parse_stat(STAT_LINE("qemu-system-x86"), &ps,
	    &cause), 0);
	assert_string_equal(ps.comm, "qemu-system-x86");
	assert_int_equal(ps.state, 'S');
	assert_true(ps.ticks == 47);
	assert_true(ps.starttime == 188194);

	/* Parentheses and spaces in the name: read from the last ')'. */
	assert_int_equal(stats_parse_stat(STAT_LINE("qemu (x) y"), &ps,
	    &cause), 0);
	assert_string_equal(ps.comm, "qemu (x) y");
	assert_true(ps.ticks == 47);
	assert_int_equal(stats_parse_stat(STAT_LINE(") R 1 2 3 ("), &ps,
	    &cause), 0);
	assert_string_equal(ps.comm, ") R 1 2 3 (");
	assert_int_equal(ps.state, 'S');
	assert_true(ps.starttime == 188194);
	assert_int_equal(stats_parse_stat(STAT_LINE("CPU 0/TCG"), &ps,
	    &cause), 0);
	assert_string_equal(ps.comm, "CPU 0/TCG");
}

static void
expect_stat_error(const char *line)
{
	struct stats_pstat	 ps;
	char			*cause = NULL;

	assert_int_equal(stats_parse_stat(line, &ps, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_stats_parse_stat_errors(void **state)
{
	expect_stat_error("");
	expect_stat_error("5660 qemu S 1 2");
	expect_stat_error("5660 )qemu( S 1 2");
	expect_stat_error("5660 (qemu)");
	expect_stat_error("5660 (qemu) 9 1");
	/* Cut before starttime (field 22). */
	expect_stat_error("5660 (qemu) S 1 5658 5658 0 -1 138412480 4471 0 0 "
	    "0 40 7 0 0 20 0 4 0");
	/* utime not a number, or negative. */
	expect_stat_error("5660 (qemu) S 1 5658 5658 0 -1 138412480 4471 0 0 "
	    "0 x 7 0 0 20 0 4 0 188194 1");
	expect_stat_error("5660 (qemu) S 1 5658 5658 0 -1 138412480 4471 0 0 "
	    "0 -40 7 0 0 20 0 4 0 188194 1");
	expect_stat_error("5660 (qemu) S 1 5658 5658 0 -1 138412480 4471 0 0 "
	    "0 99999999999999999999999 7 0 0 20 0 4 0 188194 1");
}

static void
test_stats_parse_rss(void **state)
{
	uint64_t	 rss;
	char		*cause = NULL;

	assert_int_equal(stats_parse_rss("Name:\tqemu-system-x86\n"
	    "VmPeak:\t 1411792 kB\nVmHWM:\t   35668 kB\n"
	    "VmRSS:\t   35668 kB\nRssAnon:\t   23612 kB\n", &rss, &cause), 0);
	assert_true(rss == 35668ULL * 1024);
	assert_int_equal(stats_parse_rss("VmRSS: 1 kB\n", &rss, &cause), 0);
	assert_true(rss == 1024);

	/* A zombie or a kernel thread: no VmRSS line. */
	assert_int_equal(stats_parse_rss("Name:\tqemu\nState:\tZ (zombie)\n"
	    "Threads:\t1\n", &rss, &cause), -1);
	assert_string_equal(cause, "status: no VmRSS");
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_rss("XVmRSS:\t 1 kB\n", &rss, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_rss("VmRSS:\t lots kB\n", &rss, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_rss("VmRSS:\t 12 MB\n", &rss, &cause),
	    -1);
	free(cause);
}

static void
test_stats_parse_thread_name(void **state)
{
	int	index = 99;

	assert_int_equal(stats_parse_thread_name("CPU 0/TCG", &index), 1);
	assert_int_equal(index, 0);
	assert_int_equal(stats_parse_thread_name("CPU 12/KVM", &index), 1);
	assert_int_equal(index, 12);
	assert_int_equal(stats_parse_thread_name("ALL CPUs/TCG", &index), 1);
	assert_int_equal(index, -1);

	index = 99;
	assert_int_equal(stats_parse_thread_name("qemu-system-x86", &index),
	    0);
	assert_int_equal(stats_parse_thread_name("IO mon_iothread", &index),
	    0);
	assert_int_equal(stats_parse_thread_name("CPU /TCG", &index), 0);
	assert_int_equal(stats_parse_thread_name("CPU 1", &index), 0);
	assert_int_equal(stats_parse_thread_name("CPU 1/", &index), 0);
	assert_int_equal(stats_parse_thread_name("CPU x/TCG", &index), 0);
	assert_int_equal(stats_parse_thread_name("CPU 99999999999/TCG",
	    &index), 0);
	assert_int_equal(stats_parse_thread_name("", &index), 0);
	assert_int_equal(index, 99);
}

static void
test_stats_rate_reset(void **state)
{
	struct stats_rate	r;

	memset(&r, 0, sizeof r);
	/* The first sample is a baseline. */
	assert_true(isnan(stats_rate_update(&r, 1000, 10000)));
	assert_true(stats_rate_update(&r, 3000, 11000) == 2000);
	assert_true(stats_rate_update(&r, 3000, 11500) == 0);
	assert_true(stats_rate_update(&r, 4000, 12000) == 2000);

	/* A new QEMU counts from zero: a gap, not a negative rate. */
	assert_true(isnan(stats_rate_update(&r, 100, 13000)));
	assert_true(stats_rate_update(&r, 600, 14000) == 500);
	/* Nor a huge one: it counts from the new baseline. */
	assert_true(isnan(stats_rate_update(&r, 50, 15000)));
	assert_true(stats_rate_update(&r, 50, 16000) == 0);

	/* A clock that did not advance gives no rate. */
	assert_true(isnan(stats_rate_update(&r, 80, 16000)));
	assert_true(stats_rate_update(&r, 180, 16100) == 1000);
	assert_true(isnan(stats_rate_update(&r, 200, 15000)));
}

static void
test_stats_parse_blockstats(void **state)
{
	uint64_t	 rd = 1, wr = 1;
	char		*cause = NULL;

	assert_int_equal(stats_parse_blockstats("[" BLOCKSTATS_DEV("d0",
	    "4096", "512") "]", &rd, &wr, &cause), 0);
	/* The parent node's counts are the same I/O: not added. */
	assert_true(rd == 4096 && wr == 512);
	assert_int_equal(stats_parse_blockstats("[" BLOCKSTATS_DEV("d0",
	    "4096", "512") ", " BLOCKSTATS_DEV("cd0", "10000000000", "0") "]",
	    &rd, &wr, &cause), 0);
	assert_true(rd == 10000004096ULL && wr == 512);
	assert_int_equal(stats_parse_blockstats("[]", &rd, &wr, &cause), 0);
	assert_true(rd == 0 && wr == 0);

	assert_int_equal(stats_parse_blockstats("[{\"device\": \"d0\"}]", &rd,
	    &wr, &cause), -1);
	assert_string_equal(cause, "query-blockstats: device 0 has no byte "
	    "counts");
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_blockstats("[{\"stats\": {\"rd_bytes\": "
	    "-1, \"wr_bytes\": 0}}]", &rd, &wr, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_blockstats("{}", &rd, &wr, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_blockstats("[", &rd, &wr, &cause), -1);
	free(cause);
}

static void
test_stats_parse_balloon(void **state)
{
	struct stats_balloon	 b;
	char			*cause = NULL;

	/* Never reported: every value a placeholder. */
	assert_int_equal(stats_parse_balloon(BALLOON_NEVER, &b, &cause), 0);
	assert_true(b.last_update == 0);
	assert_true(b.total == -1 && b.free == -1 && b.available == -1);

	/* Reported: a guest without MemAvailable, one stat missing. */
	assert_int_equal(stats_parse_balloon("{\"stats\": {"
	    "\"stat-total-memory\": 1048576000, "
	    "\"stat-free-memory\": 524288000, "
	    "\"stat-available-memory\": 18446744073709551615}, "
	    "\"last-update\": 1700000000}", &b, &cause), 0);
	assert_true(b.last_update == 1700000000);
	assert_true(b.total == 1048576000 && b.free == 524288000);
	assert_true(b.available == -1);
	assert_int_equal(stats_parse_balloon("{\"stats\": {"
	    "\"stat-total-memory\": 67108864, "
	    "\"stat-available-memory\": -1}, \"last-update\": 5}", &b,
	    &cause), 0);
	assert_true(b.total == 67108864 && b.free == -1 && b.available == -1);

	/* Values before the first report mean nothing, whatever they are. */
	assert_int_equal(stats_parse_balloon("{\"stats\": {"
	    "\"stat-total-memory\": 67108864}, \"last-update\": 0}", &b,
	    &cause), 0);
	assert_true(b.total == -1);

	assert_int_equal(stats_parse_balloon("{\"last-update\": 0}", &b,
	    &cause), -1);
	assert_string_equal(cause, "guest-stats: no stats or last-update");
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_balloon("Error: no balloon", &b, &cause),
	    -1);
	free(cause);
}

static void
test_stats_parse_cpus(void **state)
{
	pid_t	*tids;
	size_t	 n;
	char	*cause = NULL;

	assert_int_equal(stats_parse_cpus("[{\"thread-id\": 9298, "
	    "\"props\": {\"core-id\": 0, \"thread-id\": 0}, \"cpu-index\": 0, "
	    "\"target\": \"x86_64\"}, {\"thread-id\": 9299, \"cpu-index\": 2}]",
	    &tids, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(tids[0], 9298);
	assert_int_equal(tids[1], 0);
	assert_int_equal(tids[2], 9299);
	free(tids);

	assert_int_equal(stats_parse_cpus("[]", &tids, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(tids);

	assert_int_equal(stats_parse_cpus("[{\"cpu-index\": 0}]", &tids, &n,
	    &cause), -1);
	assert_string_equal(cause, "query-cpus-fast: bad vCPU 0");
	free(cause);
	cause = NULL;
	assert_int_equal(stats_parse_cpus("[{\"cpu-index\": 100000, "
	    "\"thread-id\": 5}]", &tids, &n, &cause), -1);
	free(cause);
}

/* Burn CPU for ms milliseconds. */
static void
busy(unsigned int ms)
{
	volatile uint64_t	x = 0;
	uint64_t		t0 = time_mono_ms();

	while (time_mono_ms() - t0 < ms)
		x++;
}

static void
test_stats_sample_self(void **state)
{
	struct fixture	*f = *state;
	double		 cpu, rss;
	char		*cause = NULL;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	struct rusage	 r0, r1;
	uint64_t	 w0, w1;
	double		 want;

	f->st = stats_create(0);
	assert_int_equal(f->st->cpu_total.cap, STATS_CAPACITY);
	getrusage(RUSAGE_SELF, &r0);
	w0 = time_mono_ms();
	assert_int_equal(stats_sample_proc(f->st, getpid(), w0, &cause), 0);
	assert_true(isnan(stats_series_last(&f->st->cpu_total)));
	busy(500);
	getrusage(RUSAGE_SELF, &r1);
	w1 = time_mono_ms();
	assert_int_equal(stats_sample_proc(f->st, getpid(), w1, &cause), 0);
	cpu = stats_series_last(&f->st->cpu_total);
	rss = stats_series_last(&f->st->rss_bytes);
	/*
	 * What the kernel says this process used meanwhile: on a loaded
	 * machine a spinning thread gets well under 100%, so compare with
	 * getrusage rather than a fixed figure. Ticks are 10 ms: allow 3.
	 */
	want = ((double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec +
	    r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 +
	    (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec +
	    r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)) / 1e3 /
	    (double)(w1 - w0) * 100;
	assert_false(isnan(cpu));
	if (fabs(cpu - want) > 3000.0 / (double)(w1 - w0) + 2)
		fail_msg("sampled %.1f%%, getrusage says %.1f%%", cpu, want);
	assert_true(cpu > 0 && cpu <= 100.0 * (double)ncpu);
	assert_true(rss > 1 * MiB && rss < 4096 * MiB);
	/* Not QEMU: no vCPU threads. */
	assert_int_equal(f->st->nvcpus, 0);

	/* Stopped and started again: a gap, and the history stays. */
	stats_mark_stopped(f->st);
	busy(30);
	assert_int_equal(stats_sample_proc(f->st, getpid(), time_mono_ms(),
	    &cause), 0);
	assert_int_equal(f->st->cpu_total.count, 3);
	assert_true(isnan(stats_series_last(&f->st->cpu_total)));
	assert_true(stats_series_get(&f->st->cpu_total, 1) == cpu);
	assert_false(isnan(stats_series_last(&f->st->rss_bytes)));
}

static void
test_stats_sample_other_process(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	pid_t		 child;
	int		 st;

	f->st = stats_create(8);
	child = fork();
	assert_true(child != -1);
	if (child == 0) {
		pause();
		_exit(0);
	}
	f->pid = child;
	assert_int_equal(stats_sample_proc(f->st, child, 1000, &cause), 0);
	assert_int_equal(stats_sample_proc(f->st, child, 2000, &cause), 0);
	assert_true(stats_series_last(&f->st->cpu_total) == 0);

	/*
	 * Another process with more ticks (a VM restarted under the same
	 * stats without a stop noticed): no rate across the two.
	 */
	busy(100);
	assert_int_equal(stats_sample_proc(f->st, getpid(), 3000, &cause), 0);
	assert_true(isnan(stats_series_last(&f->st->cpu_total)));
	busy(100);
	assert_int_equal(stats_sample_proc(f->st, getpid(), 4000, &cause), 0);
	assert_true(stats_series_last(&f->st->cpu_total) > 0);

	/* Gone: an error, an unknown sample, and a fresh start after. */
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &st, 0), child);
	f->pid = 0;
	assert_int_equal(stats_sample_proc(f->st, child, 5000, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	cause = NULL;
	assert_int_equal(f->st->cpu_total.count, 5);
	assert_true(isnan(stats_series_last(&f->st->cpu_total)));
	assert_true(isnan(stats_series_last(&f->st->rss_bytes)));
	assert_int_equal(stats_sample_proc(f->st, 0, 6000, &cause), -1);
	free(cause);
	assert_int_equal(f->st->cpu_total.count, 6);
}

static void
test_stats_sample_clamps(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	/* 300 ms of ticks over a 1 ms clock: no more than the CPUs give. */
	f->st = stats_create(4);
	assert_int_equal(stats_sample_proc(f->st, getpid(), 1000, &cause), 0);
	busy(300);
	assert_int_equal(stats_sample_proc(f->st, getpid(), 1001, &cause), 0);
	assert_true(stats_series_last(&f->st->cpu_total) ==
	    100.0 * (double)ncpu);
}

static int
on_path(const char *prog)
{
	const char	*path = getenv("PATH");
	char		*copy, *dir, *last, *file;
	int		 found = 0;

	if (path == NULL)
		return (0);
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &last); dir != NULL && !found;
	    dir = strtok_r(NULL, ":", &last)) {
		file = xasprintf("%s/%s", dir, prog);
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return (found);
}

/* Start a daemonized QEMU with these extra arguments and connect. */
static void
start_qemu(struct fixture *f, const char *const *extra)
{
	const char	*argv[32];
	FILE		*fp;
	char		*sock, *pidfile, *qmparg, *cause = NULL;
	size_t		 n = 0;
	pid_t		 pid;
	long		 qpid;
	int		 st, r;

	strcpy(f->dir, "/tmp/vmdesk-stats-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	sock = xasprintf("%s/q.sock", f->dir);
	pidfile = xasprintf("%s/q.pid", f->dir);
	qmparg = xasprintf("unix:%s,server=on,wait=off", sock);

	argv[n++] = "qemu-system-x86_64";
	for (; *extra != NULL; extra++)
		argv[n++] = *extra;
	argv[n++] = "-m";
	argv[n++] = "64";
	argv[n++] = "-nodefaults";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-device";
	argv[n++] = "virtio-balloon-pci,id=balloon0";
	argv[n++] = "-qmp";
	argv[n++] = qmparg;
	argv[n++] = "-daemonize";
	argv[n++] = "-pidfile";
	argv[n++] = pidfile;
	argv[n] = NULL;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	free(qmparg);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fp = fopen(pidfile, "r");
	free(pidfile);
	assert_non_null(fp);
	r = fscanf(fp, "%ld", &qpid);
	fclose(fp);
	assert_int_equal(r, 1);
	f->pid = (pid_t)qpid;

	f->q = qmp_connect(sock, 5000, &cause);
	free(sock);
	if (f->q == NULL)
		fail_msg("qmp_connect: %s", cause);
}

/* Quit QEMU and wait until it is gone (or a zombie of init). */
static void
quit_qemu(struct fixture *f)
{
	json_t		*v;
	char		*cause = NULL, path[64], buf[512], *p;
	FILE		*fp;
	uint64_t	 t0;
	int		 gone = 0;

	v = qmp_command(f->q, "quit", NULL, 5000, &cause);
	json_decref(v);
	free(cause);
	t0 = time_mono_ms();
	while (!gone) {
		assert_true(time_mono_ms() - t0 < 5000);
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)f->pid);
		if ((fp = fopen(path, "r")) == NULL)
			gone = 1;
		else {
			if (fgets(buf, sizeof buf, fp) != NULL &&
			    (p = strrchr(buf, ')')) != NULL)
				gone = p[1] == ' ' && p[2] == 'Z';
			fclose(fp);
		}
		if (!gone)
			time_sleep_ms(10);
	}
	f->pid = 0;
}

static void
test_stats_real_qemu(void **state)
{
	static const char *const extra[] = {
		"-machine", "q35,accel=tcg", "-smp", "2", NULL
	};
	struct fixture	*f = *state;
	json_t		*v;
	double		 cpu;
	char		*cause = NULL;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 i;

	if (!on_path("qemu-system-x86_64"))
		skip();
	start_qemu(f, extra);
	f->st = stats_create(0);

	/*
	 * Monitor first: it names the vCPU threads (without debug-threads
	 * they carry no names), so both /proc samples can read them.
	 */
	if (stats_sample_qmp(f->st, f->q, time_mono_ms(), 2000, &cause) != 0)
		fail_msg("stats_sample_qmp: %s", cause);
	assert_int_equal(f->st->nvcpus, 2);
	assert_int_equal(stats_sample_proc(f->st, f->pid, time_mono_ms(),
	    &cause), 0);
	time_sleep_ms(300);
	assert_int_equal(stats_sample_proc(f->st, f->pid, time_mono_ms(),
	    &cause), 0);
	if (stats_sample_qmp(f->st, f->q, time_mono_ms(), 2000, &cause) != 0)
		fail_msg("stats_sample_qmp: %s", cause);

	cpu = stats_series_last(&f->st->cpu_total);
	assert_false(isnan(cpu));
	assert_true(cpu >= 0 && cpu <= 100.0 * (double)ncpu);
	assert_true(stats_series_last(&f->st->rss_bytes) > 10 * MiB);
	for (i = 0; i < f->st->nvcpus; i++) {
		assert_int_equal(f->st->vcpus[i].index, (int)i);
		assert_true(f->st->vcpus[i].tid > 0);
		assert_true(f->st->vcpus[i].tid != f->pid);
		cpu = stats_series_last(&f->st->vcpus[i].cpu);
		assert_false(isnan(cpu));
		assert_true(cpu >= 0 && cpu <= 100);
	}

	/* No disks: nothing read or written, and that is known. */
	assert_true(stats_series_last(&f->st->disk_rd_Bps) == 0);
	assert_true(stats_series_last(&f->st->disk_wr_Bps) == 0);
	/* No guest OS: the balloon never reports. */
	assert_int_equal(f->st->guest_mem_known, 0);
	assert_true(isnan(stats_series_last(&f->st->guest_used_bytes)));
	assert_true(isnan(stats_series_last(&f->st->guest_total_bytes)));
	assert_int_equal(f->st->net_known, 0);
	assert_true(isnan(stats_series_last(&f->st->net_rx_Bps)));

	/* The polling interval was set. */
	v = qmp_command(f->q, "qom-get", json_pack("{s:s, s:s}", "path",
	    STATS_BALLOON_PATH, "property", "guest-stats-polling-interval"),
	    2000, &cause);
	assert_non_null(v);
	assert_int_equal(json_integer_value(v), STATS_BALLOON_INTERVAL);
	json_decref(v);
	assert_int_equal(stats_enable_balloon(f->q, 2000, &cause), 0);

	quit_qemu(f);
	stats_mark_stopped(f->st);
	assert_int_equal(f->st->cpu_total.count, 2);
	assert_int_equal(f->st->disk_rd_Bps.count, 2);
	for (i = 0; i < f->st->nvcpus; i++)
		assert_int_equal(f->st->vcpus[i].tid, 0);
}

static void
test_stats_real_qemu_thread_names(void **state)
{
	static const char *const extra[] = {
		"-name", "stats-test,debug-threads=on", "-machine", "q35",
		"-accel", "tcg,thread=single", "-smp", "2", NULL
	};
	struct fixture	*f = *state;
	pid_t		 tid;
	char		*cause = NULL;

	if (!on_path("qemu-system-x86_64"))
		skip();
	start_qemu(f, extra);
	f->st = stats_create(16);

	/* Named threads: /proc alone finds the one running both vCPUs. */
	assert_int_equal(stats_sample_proc(f->st, f->pid, time_mono_ms(),
	    &cause), 0);
	assert_int_equal(f->st->nvcpus, 1);
	assert_int_equal(f->st->vcpus[0].index, -1);
	tid = f->st->vcpus[0].tid;
	assert_true(tid > 0);
	time_sleep_ms(300);
	assert_int_equal(stats_sample_proc(f->st, f->pid, time_mono_ms(),
	    &cause), 0);
	assert_true(stats_series_last(&f->st->vcpus[0].cpu) >= 0);
	assert_true(stats_series_last(&f->st->vcpus[0].cpu) <= 100);

	/* The monitor agrees: both vCPUs on that thread. */
	if (stats_sample_qmp(f->st, f->q, time_mono_ms(), 2000, &cause) != 0)
		fail_msg("stats_sample_qmp: %s", cause);
	assert_int_equal(f->st->nvcpus, 1);
	assert_int_equal(f->st->vcpus[0].index, -1);
	assert_int_equal(f->st->vcpus[0].tid, tid);
	quit_qemu(f);

	/* The monitor is gone: an error, and unknown samples. */
	assert_int_equal(stats_sample_qmp(f->st, f->q, time_mono_ms(), 500,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(f->st->disk_rd_Bps.count, 2);
	assert_true(isnan(stats_series_last(&f->st->disk_rd_Bps)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_series_wraps),
		cmocka_unit_test(test_stats_parse_stat_names),
		cmocka_unit_test(test_stats_parse_stat_errors),
		cmocka_unit_test(test_stats_parse_rss),
		cmocka_unit_test(test_stats_parse_thread_name),
		cmocka_unit_test(test_stats_rate_reset),
		cmocka_unit_test(test_stats_parse_blockstats),
		cmocka_unit_test(test_stats_parse_balloon),
		cmocka_unit_test(test_stats_parse_cpus),
		cmocka_unit_test_setup_teardown(test_stats_sample_self, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_stats_sample_other_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_sample_clamps,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_real_qemu, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_stats_real_qemu_thread_names, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
