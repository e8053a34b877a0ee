/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live statistics of a VM for the desktop's graphs: CPU of the QEMU process
 * and of each vCPU thread, host RSS, guest memory from the balloon, disk and
 * network rates, each kept in a ring buffer.
 */
#ifndef VMDESK_BACKEND_STATS_H
#define VMDESK_BACKEND_STATS_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/qmp.h"

/* One sample a second, ten minutes kept. */
#define STATS_INTERVAL_MS	1000
#define STATS_CAPACITY		600
/* The balloon's guest-stats-polling-interval, in seconds. */
#define STATS_BALLOON_INTERVAL	2
/* QOM path of the balloon; qemu_argv gives it id=balloon0. */
#define STATS_BALLOON_PATH	"/machine/peripheral/balloon0"

/*
 * A ring buffer of samples. NaN is a sample whose value is not known (no
 * baseline yet, a counter that went back, a guest that does not report):
 * every sampling call pushes one value to each of its series, so the
 * series of a VM stay aligned in time, newest last.
 */
struct stats_series {
	double	*v;
	int	 cap;
	int	 count;		/* samples held, at most cap */
	int	 newest;	/* index in v of the newest sample */
};

/* The rate of a counter that only grows while the same QEMU runs. */
struct stats_rate {
	uint64_t	 last;		/* counter at the baseline */
	uint64_t	 last_ms;	/* time of the baseline */
	int		 valid;
};

/* A vCPU thread and its load. */
struct stats_vcpu {
	int			 index;	/* vCPU number; -1 for one thread
					   running every vCPU (single-threaded
					   TCG) */
	pid_t			 tid;	/* 0 while not known */
	struct stats_series	 cpu;	/* % of one host CPU */
	struct stats_rate	 ticks;
};

/* What /proc/PID/stat says about a process or thread. */
struct stats_pstat {
	char		 comm[64];
	char		 state;		/* 'R', 'S', 'Z' ... */
	uint64_t	 ticks;		/* utime + stime, in clock ticks */
	uint64_t	 starttime;	/* ticks after boot; with the pid it
					   names one process */
};

/* The balloon's guest-stats; sizes in bytes, -1 when not known. */
struct stats_balloon {
	int64_t		 last_update;	/* epoch seconds; 0: never reported */
	int64_t		 total;
	int64_t		 free;
	int64_t		 available;
};

/* The statistics of one VM; the history outlives its QEMU processes. */
struct vm_stats {
	struct stats_series	 cpu_total;	/* % of one host CPU, up to
						   100 x host CPUs */
	struct stats_vcpu	*vcpus;		/* sorted by index */
	size_t			 nvcpus;
	struct stats_series	 rss_bytes;	/* host memory of QEMU */
	struct stats_series	 guest_used_bytes; /* total less available */
	struct stats_series	 guest_total_bytes;
	struct stats_series	 disk_rd_Bps;
	struct stats_series	 disk_wr_Bps;
	struct stats_series	 net_rx_Bps;
	struct stats_series	 net_tx_Bps;

	/* What the newest samples could tell, for the words beside a graph. */
	int			 guest_mem_known; /* the guest reports */
	int			 net_known;	/* 0: QEMU has no counters */

	/* Baselines and bookkeeping: stats.c only. */
	int			 capacity;
	long			 hz;		/* clock ticks a second */
	long			 ncpu;		/* online host CPUs */
	pid_t			 pid;		/* the QEMU sampled, or 0 */
	uint64_t		 starttime;
	struct stats_rate	 proc_ticks;
	struct stats_rate	 disk_rd;
	struct stats_rate	 disk_wr;
	int			 names_scanned;	/* looked for vCPU thread names */
	int			 qmp_ready;	/* balloon on, vCPUs asked */
};

/* Set up an empty series of cap samples. */
void	 stats_series_init(struct stats_series *, int);
void	 stats_series_clear(struct stats_series *);
/* Append a sample, dropping the oldest when full. */
void	 stats_series_push(struct stats_series *, double);
/* The sample ago steps before the newest (0 is the newest), or NaN. */
double	 stats_series_get(const struct stats_series *, int);
/* The newest sample, or NaN. */
double	 stats_series_last(const struct stats_series *);
/* Largest known sample among the newest n (all when n <= 0), or NaN. */
double	 stats_series_max(const struct stats_series *, int);
/* Smallest known sample among the newest n (all when n <= 0), or NaN. */
double	 stats_series_min(const struct stats_series *, int);

/*
 * The per-second rate of a counter since the last call at now_ms; NaN
 * (and a new baseline) on the first call, when the counter went back (a
 * new QEMU, a removed disk) or when the clock did not advance.
 */
double	 stats_rate_update(struct stats_rate *, uint64_t, uint64_t);

/* Empty statistics keeping capacity samples per series (0: default). */
struct vm_stats	*stats_create(int);
void		 stats_free(struct vm_stats *);
/*
 * The VM stopped: keep the history, forget the baselines so that the next
 * QEMU starts with a gap rather than a spike.
 */
void		 stats_mark_stopped(struct vm_stats *);

/*
 * Sample QEMU's process from /proc at now_ms (monotonic): CPU of the
 * process and of each vCPU thread, RSS. A new pid (or a reused one) starts
 * new baselines. -1 and *cause when the process cannot be read.
 */
int	 stats_sample_proc(struct vm_stats *, pid_t, uint64_t, char **);
/*
 * Sample through the monitor, taking at most timeout_ms in all: disk
 * rates, guest memory. The first call for each QEMU also enables balloon
 * statistics and asks for the vCPU threads. What QEMU refuses is unknown
 * (NaN), not an error; -1 and *cause when the monitor closed or is too
 * slow.
 */
int	 stats_sample_qmp(struct vm_stats *, struct qmp *, uint64_t, int,
	     char **);
/* Ask the guest's balloon driver to report its memory every few seconds. */
int	 stats_enable_balloon(struct qmp *, int, char **);

/* Parse a /proc/PID/stat line. */
int	 stats_parse_stat(const char *, struct stats_pstat *, char **);
/* Parse VmRSS out of /proc/PID/status, in bytes. */
int	 stats_parse_rss(const char *, uint64_t *, char **);
/*
 * Whether a thread name is QEMU's for a vCPU ("CPU 0/TCG", "CPU 3/KVM";
 * *index -1 for "ALL CPUs/TCG"). QEMU names threads only with
 * -name debug-threads=on.
 */
int	 stats_parse_thread_name(const char *, int *);
/* Sum rd_bytes and wr_bytes over the devices of a query-blockstats reply. */
int	 stats_parse_blockstats(const char *, uint64_t *, uint64_t *,
	     char **);
/* Parse the balloon's guest-stats (the text of a qom-get). */
int	 stats_parse_balloon(const char *, struct stats_balloon *, char **);
/*
 * The thread of each vCPU from a query-cpus-fast reply: *tids[i] for vCPU
 * i (0 if missing), *n of them. Caller frees *tids.
 */
int	 stats_parse_cpus(const char *, pid_t **, size_t *, char **);

#endif
