/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's resources: memory, CPUs and their use, disk free under the
 * library; and the check before starting VMs, which adds up what they
 * would take and says when the host's memory would be overcommitted.
 */
#ifndef VMDESK_OPS_HOSTRES_H
#define VMDESK_OPS_HOSTRES_H

#include <stddef.h>
#include <stdint.h>

#include "core/library.h"
#include "util/strv.h"

/*
 * The host keeps this share of its memory for itself (page cache,
 * desktop, builds): VMs may take MemAvailable less it, clamped below.
 */
#define HOSTRES_RESERVE_SHARE	20		/* 1/20: 5% of MemTotal */
#define HOSTRES_RESERVE_MIN	(256ULL << 20)
#define HOSTRES_RESERVE_MAX	(1ULL << 30)
/*
 * What a QEMU takes beyond its guest's memory: its own code, TCG's
 * translation buffers, device models. Measured on QEMU 7.2 under TCG: a
 * booted 128M tinylinux guest's QEMU holds 233 MiB (RssAnon 217 MiB).
 */
#define HOSTRES_QEMU_OVERHEAD	(128ULL << 20)

/* The host, as a caller samples it; keep it to get CPU use. */
struct hostres {
	uint64_t	 mem_total;	/* bytes: MemTotal */
	uint64_t	 mem_available;	/* bytes: MemAvailable */
	int		 ncpus;		/* CPUs /proc/stat lists */
	uint64_t	 cpu_busy;	/* ticks busy, all CPUs, last sample */
	uint64_t	 cpu_all;	/* ticks in all, all CPUs, last sample */
	double		 cpu_use;	/* % of all CPUs between the last two
					   samples; NaN before the second */
	uint64_t	 disk_free;	/* bytes an unprivileged user may write
					   under the library */
	int		 disk_known;
	int		 samples;
};

/* A VM in the reckoning. */
struct hostres_vm {
	const char	*name;
	uint64_t	 memory;	/* bytes */
	int		 cpus;
};

/* What starting some VMs would do to the host. */
struct hostres_check {
	struct strv	 names;		/* the VMs that would start */
	uint64_t	 need;		/* their memory and QEMU's own */
	uint64_t	 available;	/* MemAvailable less the reserve */
	uint64_t	 reserve;	/* what the host keeps */
	int		 vcpus;		/* of every VM that would then run */
	int		 ncpus;
	int		 memory_over;	/* need > available: refuse */
	int		 cpus_over;	/* vcpus > ncpus: a softer warning */
};

/* MemTotal and MemAvailable (bytes) from the text of /proc/meminfo. */
int	 hostres_parse_meminfo(const char *, uint64_t *, uint64_t *,
	    char **);
/*
 * From the text of /proc/stat: ticks busy and in all over every CPU
 * (the "cpu" line) and how many CPUs there are ("cpuN" lines).
 */
int	 hostres_parse_stat(const char *, uint64_t *, uint64_t *, int *,
	    char **);
/*
 * Sample the host: meminfo and stat under proc ("/proc"), free space in
 * the folder dir (NULL: not asked). CPU use comes from the difference
 * with the previous sample the struct holds; zero it before the first.
 */
int	 hostres_sample(struct hostres *, const char *, const char *,
	    char **);
/*
 * The check itself, pure: the VMs to start (n of them) against what the
 * host has, with running_vcpus the vCPUs of VMs already running (their
 * memory is already out of MemAvailable). Clear the result after.
 */
void	 hostres_judge(const struct hostres *, const struct hostres_vm *,
	    size_t, int, struct hostres_check *);
/*
 * The check for VMs by name, as vmdesk start, autostart and up make it:
 * their definitions from the library, the vCPUs of the running ones, the
 * host from /proc. Names already running, unknown or with a definition
 * that does not validate are left out (their start says why). -1 and
 * *cause when /proc cannot be read.
 */
int	 hostres_check(const struct library *, const struct strv *,
	    struct hostres_check *, char **);
void	 hostres_check_clear(struct hostres_check *);
/*
 * The one line about memory ("starting web-1, web-2 needs 3.2 GiB; the
 * host has 1.2 GiB available"), or NULL when it fits. Caller frees.
 */
char	*hostres_memory_message(const struct hostres_check *);
/* The one line about vCPUs beyond the host's, or NULL. Caller frees. */
char	*hostres_cpus_message(const struct hostres_check *);
/* A size in GiB with one decimal, or MiB below 1 GiB. Caller frees. */
char	*hostres_size(uint64_t);

#endif
