/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live statistics of a VM, sampled from /proc and QMP into ring buffers. */
#include "config.h"

#include "backend/stats.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* Large enough for a stat line: 52 numbers and a 15-byte name. */
#define STATS_STAT_SIZE		2048
/* VmRSS comes early in status: a short read still holds it. */
#define STATS_STATUS_SIZE	4096
/* Balloon reports older than this many polling intervals are stale. */
#define STATS_BALLOON_STALE	5
/* More vCPUs than QEMU allows means a reply we do not understand. */
#define STATS_MAX_VCPUS		4096

/* The fields of /proc/PID/stat after the name that we read. */
#define STATS_FIELD_UTIME	14
#define STATS_FIELD_STIME	15
#define STATS_FIELD_STARTTIME	22

void
stats_series_init(struct stats_series *s, int cap)
{
	if (cap <= 0)
		fatal("%s: capacity %d", __func__, cap);
	s->v = xcalloc((size_t)cap, sizeof *s->v);
	s->cap = cap;
	s->count = 0;
	s->newest = cap - 1;
}

void
stats_series_clear(struct stats_series *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->count = 0;
}

void
stats_series_push(struct stats_series *s, double value)
{
	s->newest = (s->newest + 1) % s->cap;
	s->v[s->newest] = value;
	if (s->count < s->cap)
		s->count++;
}

double
stats_series_get(const struct stats_series *s, int ago)
{
	if (ago < 0 || ago >= s->count)
		return (NAN);
	return (s->v[(s->newest - ago + s->cap) % s->cap]);
}

double
stats_series_last(const struct stats_series *s)
{
	return (stats_series_get(s, 0));
}

/* The extreme known sample among the newest n: sign 1 max, -1 min. */
static double
stats_series_extreme(const struct stats_series *s, int n, int sign)
{
	double	v, best = NAN;
	int	i;

	if (n <= 0 || n > s->count)
		n = s->count;
	for (i = 0; i < n; i++) {
		v = stats_series_get(s, i);
		if (isnan(v))
			continue;
		if (isnan(best) || (sign > 0 ? v > best : v < best))
			best = v;
	}
	return (best);
}

double
stats_series_max(const struct stats_series *s, int n)
{
	return (stats_series_extreme(s, n, 1));
}

double
stats_series_min(const struct stats_series *s, int n)
{
	return (stats_series_extreme(s, n, -1));
}

double
stats_rate_update(struct stats_rate *r, uint64_t counter, uint64_t now_ms)
{
	double	rate = NAN;

	if (r->valid && counter >= r->last && now_ms > r->last_ms) {
		rate = (double)(counter - r->last) * 1000.0 /
		    (double)(now_ms - r->last_ms);
	}
	r->last = counter;
	r->last_ms = now_ms;
	r->valid = 1;
	return (rate);
}

/* Limit a percentage to what the CPUs can give; ticks are coarse. */
static double
stats_clamp(double v, double max)
{
	if (isnan(v))
		return (v);
	return (v > max ? max : v);
}

struct vm_stats *
stats_create(int capacity)
{
	struct vm_stats	*st;

	if (capacity <= 0)
		capacity = STATS_CAPACITY;
	st = xcalloc(1, sizeof *st);
	st->capacity = capacity;
	stats_series_init(&st->cpu_total, capacity);
	stats_series_init(&st->rss_bytes, capacity);
	stats_series_init(&st->guest_used_bytes, capacity);
	stats_series_init(&st->guest_total_bytes, capacity);
	stats_series_init(&st->disk_rd_Bps, capacity);
	stats_series_init(&st->disk_wr_Bps, capacity);
	stats_series_init(&st->net_rx_Bps, capacity);
	stats_series_init(&st->net_tx_Bps, capacity);
	if ((st->hz = sysconf(_SC_CLK_TCK)) <= 0)
		st->hz = 100;
	if ((st->ncpu = sysconf(_SC_NPROCESSORS_ONLN)) <= 0)
		st->ncpu = 1;
	return (st);
}

void
stats_free(struct vm_stats *st)
{
	size_t	i;

	if (st == NULL)
		return;
	stats_series_clear(&st->cpu_total);
	for (i = 0; i < st->nvcpus; i++)
		stats_series_clear(&st->vcpus[i].cpu);
	free(st->vcpus);
	stats_series_clear(&st->rss_bytes);
	stats_series_clear(&st->guest_used_bytes);
	stats_series_clear(&st->guest_total_bytes);
	stats_series_clear(&st->disk_rd_Bps);
	stats_series_clear(&st->disk_wr_Bps);
	stats_series_clear(&st->net_rx_Bps);
	stats_series_clear(&st->net_tx_Bps);
	free(st);
}

void
stats_mark_stopped(struct vm_stats *st)
{
	size_t	i;

	st->pid = 0;
	st->starttime = 0;
	st->proc_ticks.valid = 0;
	st->disk_rd.valid = 0;
	st->disk_wr.valid = 0;
	for (i = 0; i < st->nvcpus; i++) {
		st->vcpus[i].tid = 0;
		st->vcpus[i].ticks.valid = 0;
	}
	st->names_scanned = 0;
	st->qmp_ready = 0;
	st->guest_mem_known = 0;
	st->net_known = 0;
}

int
stats_parse_stat(const char *line, struct stats_pstat *ps, char **cause)
{
	const char		*open, *close, *p;
	char			*end;
	unsigned long long	 v;
	size_t			 len;
	int			 field;

	memset(ps, 0, sizeof *ps);
	/*
	 * The name is whatever the process set, parentheses and spaces
	 * included ("(qemu (x) y)"): it ends at the last ')'.
	 */
	open = strchr(line, '(');
	close = strrchr(line, ')');
	if (open == NULL || close == NULL || close < open) {
		*cause = xstrdup("stat: no process name");
		return (-1);
	}
	len = (size_t)(close - open - 1);
	if (len >= sizeof ps->comm)
		len = sizeof ps->comm - 1;
	memcpy(ps->comm, open + 1, len);
	ps->comm[len] = '\0';

	p = close + 1;
	if (p[0] != ' ' || !isalpha((unsigned char)p[1]) || p[2] != ' ') {
		*cause = xstrdup("stat: no process state");
		return (-1);
	}
	ps->state = p[1];
	p += 2;
	for (field = 4; field <= STATS_FIELD_STARTTIME; field++) {
		if (*p != ' ') {
			*cause = xasprintf("stat: field %d missing", field);
			return (-1);
		}
		p++;
		/* tty_nr, tpgid, priority and nice may be negative. */
		if (!isdigit((unsigned char)*p) && *p != '-') {
			*cause = xasprintf("stat: field %d not a number",
			    field);
			return (-1);
		}
		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p || errno == ERANGE ||
		    (*end != ' ' && *end != '\n' && *end != '\0')) {
			*cause = xasprintf("stat: field %d not a number",
			    field);
			return (-1);
		}
		if ((field == STATS_FIELD_UTIME || field == STATS_FIELD_STIME ||
		    field == STATS_FIELD_STARTTIME) && *p == '-') {
			*cause = xasprintf("stat: field %d negative", field);
			return (-1);
		}
		if (field == STATS_FIELD_UTIME || field == STATS_FIELD_STIME)
			ps->ticks += v;
		else if (field == STATS_FIELD_STARTTIME)
			ps->starttime = v;
		p = end;
	}
	return (0);
}

int
stats_parse_rss(const char *text, uint64_t *bytes, char **cause)
{
	const char		*p;
	char			*end;
	unsigned long long	 kb;

	for (p = text; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "VmRSS:", 6) == 0)
			break;
	}
	/* Kernel threads and zombies have no VmRSS. */
	if (p == NULL) {
		*cause = xstrdup("status: no VmRSS");
		return (-1);
	}
	p += 6;
	p += strspn(p, " \t");
	if (!isdigit((unsigned char)*p)) {
		*cause = xstrdup("status: VmRSS not a number");
		return (-1);
	}
	errno = 0;
	kb = strtoull(p, &end, 10);
	if (errno == ERANGE || strncmp(end, " kB", 3) != 0 ||
	    kb > UINT64_MAX / 1024) {
		*cause = xstrdup("status: VmRSS not a number of kB");
		return (-1);
	}
	*bytes = (uint64_t)kb * 1024;
	return (0);
}

int
stats_parse_thread_name(const char *comm, int *index)
{
	const char	*p;
	int		 n = 0;

	/* Names from qemu_thread_create(): "CPU %d/%s", "ALL CPUs/%s". */
	if (strncmp(comm, "ALL CPUs/", 9) == 0 && comm[9] != '\0') {
		*index = -1;
		return (1);
	}
	if (strncmp(comm, "CPU ", 4) != 0)
		return (0);
	for (p = comm + 4; isdigit((unsigned char)*p); p++) {
		if (n > (INT_MAX - 9) / 10)
			return (0);
		n = n * 10 + (*p - '0');
	}
	if (p == comm + 4 || p[0] != '/' || p[1] == '\0')
		return (0);
	*index = n;
	return (1);
}

/* A non-negative integer member of an object. */
static int
stats_json_count(const json_t *o, const char *key, uint64_t *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return (-1);
	*v = (uint64_t)json_integer_value(j);
	return (0);
}

/* Sum the devices of a parsed query-blockstats reply. */
static int
stats_blockstats_sum(const json_t *reply, uint64_t *rd, uint64_t *wr,
    char **cause)
{
	json_t		*dev, *stats;
	uint64_t	 r, w;
	size_t		 i;

	if (!json_is_array(reply)) {
		*cause = xstrdup("query-blockstats: not a list");
		return (-1);
	}
	*rd = *wr = 0;
	/*
	 * Only each device's own "stats": its "parent" and "backing" are the
	 * nodes below it (qcow2 over a file) and carry the same I/O again.
	 */
	json_array_foreach(reply, i, dev) {
		stats = json_object_get(dev, "stats");
		if (stats_json_count(stats, "rd_bytes", &r) != 0 ||
		    stats_json_count(stats, "wr_bytes", &w) != 0) {
			*cause = xasprintf("query-blockstats: device %zu has "
			    "no byte counts", i);
			return (-1);
		}
		*rd += r;
		*wr += w;
	}
	return (0);
}

int
stats_parse_blockstats(const char *text, uint64_t *rd, uint64_t *wr,
    char **cause)
{
	json_error_t	 error;
	json_t		*j;
	int		 r;

	if ((j = json_loads(text, 0, &error)) == NULL) {
		*cause = xasprintf("query-blockstats: %s", error.text);
		return (-1);
	}
	r = stats_blockstats_sum(j, rd, wr, cause);
	json_decref(j);
	return (r);
}

/* A balloon statistic in bytes, or -1 when missing or not reported. */
static int64_t
stats_balloon_value(const json_t *stats, const char *key)
{
	json_t	*j = json_object_get(stats, key);
	double	 v;

	/*
	 * QEMU sends a statistic the guest did not report as (uint64_t)-1,
	 * 18446744073709551615: parsed as a real, anything from 2^63 up (or
	 * below 0) means not known.
	 */
	if (!json_is_number(j))
		return (-1);
	v = json_number_value(j);
	if (!(v >= 0 && v < 9223372036854775808.0))
		return (-1);
	return ((int64_t)v);
}

int
stats_parse_balloon(const char *text, struct stats_balloon *b, char **cause)
{
	json_error_t	 error;
	json_t		*j, *stats, *when;

	b->last_update = 0;
	b->total = b->free = b->available = -1;
	/*
	 * jansson refuses integers beyond int64_t ("too big integer"), and
	 * QEMU uses 2^64-1 for every statistic not reported: read all
	 * numbers as reals (exact up to 2^53 bytes, 8 PiB).
	 */
	j = json_loads(text, JSON_DECODE_INT_AS_REAL, &error);
	if (j == NULL) {
		*cause = xasprintf("guest-stats: %s", error.text);
		return (-1);
	}
	stats = json_object_get(j, "stats");
	when = json_object_get(j, "last-update");
	if (!json_is_object(stats) || !json_is_number(when)) {
		json_decref(j);
		*cause = xstrdup("guest-stats: no stats or last-update");
		return (-1);
	}
	if (json_number_value(when) > 0 &&
	    json_number_value(when) < 9223372036854775808.0)
		b->last_update = (int64_t)json_number_value(when);
	/* Until the guest's first report every value is a placeholder. */
	if (b->last_update != 0) {
		b->total = stats_balloon_value(stats, "stat-total-memory");
		b->free = stats_balloon_value(stats, "stat-free-memory");
		b->available = stats_balloon_value(stats,
		    "stat-available-memory");
	}
	json_decref(j);
	return (0);
}

/* The vCPU threads of a parsed query-cpus-fast reply. */
static int
stats_cpus_json(const json_t *reply, pid_t **tidsp, size_t *np, char **cause)
{
	json_t		*cpu, *idx, *tid;
	json_int_t	 i;
	pid_t		*tids = NULL;
	size_t		 k, n = 0;

	if (!json_is_array(reply)) {
		*cause = xstrdup("query-cpus-fast: not a list");
		return (-1);
	}
	json_array_foreach(reply, k, cpu) {
		idx = json_object_get(cpu, "cpu-index");
		tid = json_object_get(cpu, "thread-id");
		if (!json_is_integer(idx) || !json_is_integer(tid) ||
		    json_integer_value(idx) < 0 ||
		    json_integer_value(idx) >= STATS_MAX_VCPUS ||
		    json_integer_value(tid) <= 0 ||
		    json_integer_value(tid) > INT_MAX) {
			free(tids);
			*cause = xasprintf("query-cpus-fast: bad vCPU %zu", k);
			return (-1);
		}
		i = json_integer_value(idx);
		if ((size_t)i >= n) {
			tids = xreallocarray(tids, (size_t)i + 1, sizeof *tids);
			memset(tids + n, 0, ((size_t)i + 1 - n) * sizeof *tids);
			n = (size_t)i + 1;
		}
		tids[i] = (pid_t)json_integer_value(tid);
	}
	*tidsp = tids;
	*np = n;
	return (0);
}

int
stats_parse_cpus(const char *text, pid_t **tids, size_t *n, char **cause)
{
	json_error_t	 error;
	json_t		*j;
	int		 r;

	if ((j = json_loads(text, 0, &error)) == NULL) {
		*cause = xasprintf("query-cpus-fast: %s", error.text);
		return (-1);
	}
	r = stats_cpus_json(j, tids, n, cause);
	json_decref(j);
	return (r);
}

/* The entry for a vCPU index, created (in order) if new. */
static struct stats_vcpu *
stats_vcpu_get(struct vm_stats *st, int index)
{
	struct stats_vcpu	*vc;
	size_t			 i;

	for (i = 0; i < st->nvcpus && st->vcpus[i].index <= index; i++) {
		if (st->vcpus[i].index == index)
			return (&st->vcpus[i]);
	}
	st->vcpus = xreallocarray(st->vcpus, st->nvcpus + 1,
	    sizeof *st->vcpus);
	memmove(&st->vcpus[i + 1], &st->vcpus[i],
	    (st->nvcpus - i) * sizeof *st->vcpus);
	st->nvcpus++;
	vc = &st->vcpus[i];
	memset(vc, 0, sizeof *vc);
	vc->index = index;
	stats_series_init(&vc->cpu, st->capacity);
	return (vc);
}

/* Make vCPU index run on thread tid from now on. */
static void
stats_vcpu_set(struct vm_stats *st, int index, pid_t tid)
{
	struct stats_vcpu	*vc;

	vc = stats_vcpu_get(st, index);
	if (vc->tid != tid) {
		vc->tid = tid;
		vc->ticks.valid = 0;
	}
}

/* Forget every vCPU thread (the series stay). */
static void
stats_vcpu_forget(struct vm_stats *st)
{
	size_t	i;

	for (i = 0; i < st->nvcpus; i++) {
		st->vcpus[i].tid = 0;
		st->vcpus[i].ticks.valid = 0;
	}
}

/* Take the vCPU threads QEMU named: vCPU i runs on tids[i]. */
static void
stats_vcpu_assign(struct vm_stats *st, const pid_t *tids, size_t n)
{
	size_t	i, j;
	int	shared = n > 1;

	stats_vcpu_forget(st);
	for (i = 1; i < n && shared; i++)
		shared = tids[i] == tids[0];
	/* Single-threaded TCG runs every vCPU on one thread. */
	if (shared) {
		stats_vcpu_set(st, -1, tids[0]);
		return;
	}
	for (i = 0; i < n; i++) {
		if (tids[i] == 0)
			continue;
		for (j = 0; j < i && tids[j] != tids[i]; j++)
			continue;
		if (j == i)
			stats_vcpu_set(st, (int)i, tids[i]);
	}
}

/* Read a small /proc file, NUL-terminated; 0, or -1 and *cause. */
static int
stats_read(const char *path, char *buf, size_t size, char **cause)
{
	size_t	len = 0;
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (0);
}

/* Read and parse the stat file of a process or one of its threads. */
static int
stats_read_stat(pid_t pid, pid_t tid, struct stats_pstat *ps, char **cause)
{
	char	path[64], buf[STATS_STAT_SIZE];

	if (tid == 0)
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	else {
		snprintf(path, sizeof path, "/proc/%ld/task/%ld/stat",
		    (long)pid, (long)tid);
	}
	if (stats_read(path, buf, sizeof buf, cause) != 0)
		return (-1);
	return (stats_parse_stat(buf, ps, cause));
}

/*
 * Find vCPU threads by name. QEMU names its threads only when run with
 * -name ...,debug-threads=on; otherwise they all carry the program's name
 * and stats_sample_qmp() finds them with query-cpus-fast instead.
 */
static void
stats_scan_names(struct vm_stats *st, pid_t pid)
{
	struct stats_pstat	 ps;
	struct dirent		*de;
	DIR			*d;
	pid_t			*tids = NULL;
	size_t			 n = 0;
	char			 path[64], *end, *cause = NULL;
	long			 tid;
	int			 index, all = 0;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		errno = 0;
		tid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || tid <= 0 || tid > INT_MAX || errno != 0)
			continue;
		if (stats_read_stat(pid, (pid_t)tid, &ps, &cause) != 0) {
			free(cause);	/* the thread ended meanwhile */
			cause = NULL;
			continue;
		}
		if (!stats_parse_thread_name(ps.comm, &index))
			continue;
		if (index < 0) {
			stats_vcpu_forget(st);
			stats_vcpu_set(st, -1, (pid_t)tid);
			all = 1;
			break;
		}
		if (index >= STATS_MAX_VCPUS)
			continue;
		if ((size_t)index >= n) {
			tids = xreallocarray(tids, (size_t)index + 1,
			    sizeof *tids);
			memset(tids + n, 0,
			    ((size_t)index + 1 - n) * sizeof *tids);
			n = (size_t)index + 1;
		}
		tids[index] = (pid_t)tid;
	}
	closedir(d);
	if (!all && n > 0)
		stats_vcpu_assign(st, tids, n);
	free(tids);
}

/* Push one unknown sample to every series stats_sample_proc() feeds. */
static void
stats_proc_unknown(struct vm_stats *st)
{
	size_t	i;

	stats_series_push(&st->cpu_total, NAN);
	stats_series_push(&st->rss_bytes, NAN);
	for (i = 0; i < st->nvcpus; i++)
		stats_series_push(&st->vcpus[i].cpu, NAN);
}

/* The rate of a thread's clock ticks as % of one CPU, or NaN. */
static double
stats_cpu_percent(struct vm_stats *st, struct stats_rate *r, uint64_t ticks,
    uint64_t now_ms)
{
	return (stats_rate_update(r, ticks, now_ms) * 100.0 / (double)st->hz);
}

int
stats_sample_proc(struct vm_stats *st, pid_t pid, uint64_t now_ms,
    char **cause)
{
	struct stats_pstat	 ps, ts;
	struct stats_vcpu	*vc;
	uint64_t		 rss;
	char			 path[64], buf[STATS_STATUS_SIZE], *why = NULL;
	double			 v;
	size_t			 i;

	if (pid <= 0) {
		stats_proc_unknown(st);
		*cause = xasprintf("no process %ld", (long)pid);
		return (-1);
	}
	if (stats_read_stat(pid, 0, &ps, cause) != 0) {
		stats_mark_stopped(st);
		stats_proc_unknown(st);
		return (-1);
	}
	/*
	 * Another QEMU than last time (a pid can be reused: the start time
	 * tells) has counters of its own: start again from new baselines.
	 */
	if (st->pid != 0 &&
	    (pid != st->pid || ps.starttime != st->starttime))
		stats_mark_stopped(st);
	st->pid = pid;
	st->starttime = ps.starttime;

	/*
	 * utime and stime of a process sum all its threads, living and
	 * dead; ticks are 1/hz s, so over one second a reading is only
	 * good to 100/hz %, and one can exceed what the CPUs could give.
	 */
	v = stats_cpu_percent(st, &st->proc_ticks, ps.ticks, now_ms);
	stats_series_push(&st->cpu_total, stats_clamp(v,
	    100.0 * (double)st->ncpu));

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (stats_read(path, buf, sizeof buf, &why) == 0 &&
	    stats_parse_rss(buf, &rss, &why) == 0)
		stats_series_push(&st->rss_bytes, (double)rss);
	else {
		/* A zombie QEMU has no memory left to report. */
		log_debug("stats: %s", why);
		free(why);
		why = NULL;
		stats_series_push(&st->rss_bytes, NAN);
	}

	if (!st->names_scanned) {
		st->names_scanned = 1;
		for (i = 0; i < st->nvcpus && st->vcpus[i].tid == 0; i++)
			continue;
		if (i == st->nvcpus)
			stats_scan_names(st, pid);
	}
	for (i = 0; i < st->nvcpus; i++) {
		vc = &st->vcpus[i];
		v = NAN;
		if (vc->tid != 0) {
			if (stats_read_stat(pid, vc->tid, &ts, &why) == 0) {
				v = stats_cpu_percent(st, &vc->ticks,
				    ts.ticks, now_ms);
			} else {
				free(why);
				why = NULL;
				vc->tid = 0;
			}
		}
		stats_series_push(&vc->cpu, stats_clamp(v, 100.0));
	}
	return (0);
}

/* Milliseconds left before the deadline, -1 for no limit. */
static int
stats_left(uint64_t deadline, int timeout)
{
	uint64_t	now;

	if (timeout < 0)
		return (-1);
	now = time_mono_ms();
	return (now >= deadline ? 0 : (int)(deadline - now));
}

/*
 * After a command failed: -1 and *cause if the monitor is unusable (it
 * closed, or time is up); 0 if QEMU answered with an error, which only
 * makes that value unknown.
 */
static int
stats_qmp_failed(struct qmp *q, uint64_t deadline, int timeout, char *why,
    char **cause)
{
	if (qmp_closed(q) || stats_left(deadline, timeout) == 0) {
		*cause = why;
		return (-1);
	}
	log_debug("stats: %s", why);
	free(why);
	return (0);
}

int
stats_enable_balloon(struct qmp *q, int timeout, char **cause)
{
	json_t	*args, *v;

	args = json_pack("{s:s, s:s, s:i}", "path", STATS_BALLOON_PATH,
	    "property", "guest-stats-polling-interval",
	    "value", STATS_BALLOON_INTERVAL);
	if (args == NULL)
		fatal("%s: json_pack", __func__);
	if ((v = qmp_command(q, "qom-set", args, timeout, cause)) == NULL)
		return (-1);
	json_decref(v);
	return (0);
}

/* Once per QEMU: turn balloon statistics on and find the vCPU threads. */
static int
stats_qmp_setup(struct vm_stats *st, struct qmp *q, uint64_t deadline,
    int timeout, char **cause)
{
	json_t	*v;
	pid_t	*tids;
	size_t	 n;
	char	*why = NULL;
	int	 left;

	if ((left = stats_left(deadline, timeout)) == 0)
		goto slow;
	if (stats_enable_balloon(q, left, &why) != 0 &&
	    stats_qmp_failed(q, deadline, timeout, why, cause) != 0)
		return (-1);

	why = NULL;
	if ((left = stats_left(deadline, timeout)) == 0)
		goto slow;
	v = qmp_command(q, "query-cpus-fast", NULL, left, &why);
	if (v == NULL) {
		if (stats_qmp_failed(q, deadline, timeout, why, cause) != 0)
			return (-1);
	} else if (stats_cpus_json(v, &tids, &n, &why) != 0) {
		log_debug("stats: %s", why);
		free(why);
	} else {
		/* Thread ids are the truth; names only a fallback. */
		if (n > 0)
			stats_vcpu_assign(st, tids, n);
		free(tids);
	}
	json_decref(v);
	st->qmp_ready = 1;
	return (0);

slow:
	*cause = xasprintf("QMP: statistics took more than %d ms", timeout);
	return (-1);
}

/* Disk rates from query-blockstats; 0, or -1 if the monitor failed. */
static int
stats_qmp_disk(struct vm_stats *st, struct qmp *q, uint64_t now_ms,
    uint64_t deadline, int timeout, double *rd, double *wr, char **cause)
{
	json_t		*v;
	uint64_t	 r, w;
	char		*why = NULL;
	int		 left;

	if ((left = stats_left(deadline, timeout)) == 0) {
		*cause = xasprintf("QMP: statistics took more than %d ms",
		    timeout);
		return (-1);
	}
	if ((v = qmp_command(q, "query-blockstats", NULL, left, &why)) == NULL)
		return (stats_qmp_failed(q, deadline, timeout, why, cause));
	if (stats_blockstats_sum(v, &r, &w, &why) != 0) {
		log_debug("stats: %s", why);
		free(why);
	} else {
		/*
		 * Sums drop when a disk is removed: that reads as a reset
		 * (one unknown sample), never as a negative rate.
		 */
		*rd = stats_rate_update(&st->disk_rd, r, now_ms);
		*wr = stats_rate_update(&st->disk_wr, w, now_ms);
	}
	json_decref(v);
	return (0);
}

/* Guest memory from the balloon; 0, or -1 if the monitor failed. */
static int
stats_qmp_balloon(struct qmp *q, uint64_t deadline, int timeout,
    double *used, double *total, char **cause)
{
	struct stats_balloon	 b;
	int64_t			 now, avail;
	json_t			*r;
	char			*text, *why = NULL;
	int			 left;

	if ((left = stats_left(deadline, timeout)) == 0) {
		*cause = xasprintf("QMP: statistics took more than %d ms",
		    timeout);
		return (-1);
	}
	/*
	 * The reply holds 18446744073709551615 for every statistic the guest
	 * did not report; the QMP client reads those as reals. Through the
	 * text form, so one parser serves here and in the tests.
	 */
	r = qmp_command(q, "qom-get", json_pack("{s:s, s:s}", "path",
	    STATS_BALLOON_PATH, "property", "guest-stats"), left, &why);
	if (r == NULL)
		return (stats_qmp_failed(q, deadline, timeout, why, cause));
	text = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	if (text == NULL)
		return (0);
	if (stats_parse_balloon(text, &b, &why) != 0) {
		log_debug("stats: %s", why);
		free(why);
		free(text);
		return (0);
	}
	free(text);

	/*
	 * last-update is the host's wall clock at the guest's last report.
	 * A guest that stopped reporting (paused, driver unloaded, rebooted
	 * into a kernel without it) leaves old numbers behind: unknown.
	 */
	now = (int64_t)(time_wall_ms() / 1000);
	if (b.last_update == 0 || b.total < 0 ||
	    now - b.last_update > STATS_BALLOON_STALE * STATS_BALLOON_INTERVAL)
		return (0);
	*total = (double)b.total;
	/* Free memory leaves out the page cache; available counts it. */
	avail = b.available >= 0 ? b.available : b.free;
	if (avail >= 0 && avail <= b.total)
		*used = (double)(b.total - avail);
	return (0);
}

int
stats_sample_qmp(struct vm_stats *st, struct qmp *q, uint64_t now_ms,
    int timeout, char **cause)
{
	uint64_t	 deadline;
	double		 rd = NAN, wr = NAN, used = NAN, total = NAN;
	int		 r = 0;

	deadline = time_mono_ms() + (timeout > 0 ? (uint64_t)timeout : 0);
	if (!st->qmp_ready)
		r = stats_qmp_setup(st, q, deadline, timeout, cause);
	if (r == 0) {
		r = stats_qmp_disk(st, q, now_ms, deadline, timeout, &rd, &wr,
		    cause);
	}
	if (r == 0)
		r = stats_qmp_balloon(q, deadline, timeout, &used, &total,
		    cause);

	stats_series_push(&st->disk_rd_Bps, rd);
	stats_series_push(&st->disk_wr_Bps, wr);
	stats_series_push(&st->guest_used_bytes, used);
	stats_series_push(&st->guest_total_bytes, total);
	st->guest_mem_known = !isnan(used);

	/*
	 * vmdesk gives each NIC a user-mode (slirp) netdev, and QEMU keeps
	 * no traffic counters for those: no QMP command, no HMP "info
	 * network" figure, no host interface to read. The sockets slirp
	 * opens for the guest are shared with everything else QEMU does, so
	 * /proc/PID/io would count disk I/O too. Unknown, not zero. (A tap
	 * netdev would have /sys/class/net/IF/statistics.)
	 */
	stats_series_push(&st->net_rx_Bps, NAN);
	stats_series_push(&st->net_tx_Bps, NAN);
	st->net_known = 0;
	return (r);
}
